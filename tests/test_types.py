"""The package type-checks: mypy (configured in pyproject.toml, with the pydantic plugin) finds
no error. The typed plugin contract and the block types matched by class depend on it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.mark.slow
def test_mypy_is_clean(tmp_path):
    mypy = Path(sys.executable).with_name("mypy")
    if not mypy.exists() and shutil.which("mypy") is None:
        pytest.skip("mypy is not installed (pip install -e '.[dev]')")
    exe = str(mypy) if mypy.exists() else "mypy"
    r = subprocess.run([exe, "--cache-dir", str(tmp_path / "cache")], cwd=ROOT, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:]
