"""Where the bundled sample stories live (in the wheel, or in a source checkout)."""

from __future__ import annotations

from pathlib import Path

from contentkit.errors import UsageError


def samples_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "samples", here.parent / "samples"):
        if (candidate / "red-wine-history.md").is_file():
            return candidate
    raise UsageError("the bundled samples are missing; name a story file")


def default_story() -> str:
    path = samples_dir() / "red-wine-history.md"
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
