from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

# Tests render for real: the build cache is off unless a test turns it on (tests/test_cache.py),
# so no test passes on bytes an earlier test rendered. A user's cache is never touched.
os.environ["CONTENTKIT_NO_CACHE"] = "1"

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
ZH = SAMPLES / "red-wine-history.md"
EN = SAMPLES / "red-wine-history.en.md"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli(runner):
    from contentkit.cli import app

    def invoke(*args, input=None):
        return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def story_file(tmp_path):
    """Write a story to a temp file and return its path."""

    def make(text: str | bytes, name: str = "story.md") -> Path:
        p = tmp_path / name
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text, encoding="utf-8")
        return p

    return make


def parse(text: str, tmp_path: Path | None = None):
    from contentkit.analysis import analyze
    from contentkit.parser import parse_text

    return analyze(parse_text(text, source="test.md", base_dir=tmp_path or ROOT))


def read_manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text("utf-8"))


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def build_format(cli, fmt: str, story, out: Path, *opts: str) -> dict:
    """Build one format with ``-O`` options; assert success; return the manifest."""
    args = ["build", story, "-f", fmt, "-o", out, "-q"]
    for o in opts:
        args += ["-O", o]
    r = cli(*args)
    assert r.exit_code == 0, r.output
    return read_manifest(out)
