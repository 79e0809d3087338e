"""The platform profile table (``data/platforms.toml``), loaded once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from contentkit.errors import UsageError, closest


@dataclass(frozen=True)
class Platform:
    name: str
    label: str
    formats: tuple[str, ...]
    limits: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def get(self, key: str, default: Any = None) -> Any:
        return self.limits.get(key, default)


@lru_cache(maxsize=1)
def platforms() -> dict[str, Platform]:
    data = tomllib.loads(resources.files("contentkit").joinpath("data/platforms.toml").read_text("utf-8"))
    out = {}
    for name, row in data.items():
        row = dict(row)
        out[name] = Platform(name=name, label=row.pop("label"), formats=tuple(row.pop("formats")),
                             limits=row)
    return out


def get_platform(name: str) -> Platform:
    table = platforms()
    if name not in table:
        raise UsageError(f"unknown platform '{name}'{closest(name, list(table))}; "
                         f"known: {', '.join(table)}")
    return table[name]


def for_format(fmt: str) -> list[Platform]:
    return [p for p in platforms().values() if fmt in p.formats]
