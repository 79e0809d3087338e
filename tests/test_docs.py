"""Docs and code in step (Datasette's test_docs): every format option, every platform, every
exit code and every CLI command appears in the README."""

from __future__ import annotations

import re

import pytest

from contentkit import plugins
from contentkit.platforms import platforms

from .conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


@pytest.mark.parametrize("fmt", plugins.available())
def test_every_format_option_is_documented(fmt):
    plugin = plugins.load(fmt)
    for opt in plugin.options_model.model_fields:
        if opt == "platforms":
            continue
        assert f"{fmt}.{opt}" in README, f"README does not mention {fmt}.{opt}"


@pytest.mark.parametrize("name", list(platforms()))
def test_every_platform_is_documented(name):
    assert f"`{name}`" in README, f"README does not mention the platform {name}"


def test_every_exit_code_is_documented():
    from contentkit import errors

    codes = {int(v) for v in errors.ExitStatus}
    for code in codes:
        assert re.search(rf"^\| {code} \|", README, re.M), f"exit code {code} is not in the README table"


def test_every_command_is_documented():
    from contentkit.cli import app

    for cmd in app.registered_commands:
        name = cmd.name or cmd.callback.__name__
        assert f"contentkit {name}" in README, name
