"""The editorial word lists and patterns, loaded once from ``data/editorial.toml``."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

_PATH = Path(__file__).resolve().parent.parent / "data" / "editorial.toml"


@lru_cache(maxsize=1)
def table() -> dict:
    return tomllib.loads(_PATH.read_text("utf-8"))


@lru_cache(maxsize=None)
def words(group: str, key: str) -> tuple[str, ...]:
    """A word list, longest first (so '这些' is tried before '这')."""
    return tuple(sorted(table()[group][key], key=lambda w: (-len(w), w)))


@lru_cache(maxsize=None)
def patterns(group: str, key: str) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p, re.I | re.M) for p in table()[group][key])

