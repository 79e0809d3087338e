"""The platform profile table (``data/platforms.toml``) as typed, validated models.

One row per platform; a key the model does not know, or a value of the wrong type, fails when
the table is loaded, with the row and key named. Defaults live here, once.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contentkit.errors import ContentkitError, UsageError, closest, first_problem


class Platform(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    label: str
    formats: tuple[str, ...]
    source: str = ""  # where the limits were looked up
    # text
    title_max: int | None = None
    # how title_max counts: every character one, or a Hanzi one and a Latin letter half
    title_units: Literal["chars", "hanzi"] = "chars"
    body_max: int | None = None
    digest_max: int | None = None
    caption_max: int | None = None
    hashtags_max: int | None = None
    post_max_weighted: int | None = None
    url_weight: int | None = None
    thread_max: int | None = None
    preheader_max: int | None = None
    width: int | None = None  # email body width in pixels
    # posting hours the plan format defaults to (HH:MM, local time); plan.times overrides them
    best_times: tuple[str, ...] = ()
    # images and video
    cover: tuple[int, int] | None = None
    card_size: tuple[int, int] | None = None
    cards_max: int | None = None
    cards_limit: int | None = None
    video_size: tuple[int, int] | None = None
    fps: int = 30
    max_duration_s: int | None = None
    # fractions of the frame kept free of text (platform UI)
    safe_top: float = Field(0.0, ge=0, lt=0.5)
    safe_bottom: float = Field(0.0, ge=0, lt=0.5)
    safe_right: float = Field(0.0, ge=0, lt=0.5)
    safe_left: float = Field(0.0, ge=0, lt=0.5)

    def title_length(self, text: str) -> float:
        """``text`` measured as this platform counts its title."""
        if self.title_units == "hanzi":
            from contentkit.text import display_width

            return display_width(text) / 2
        return len(text)

    @property
    def limits(self) -> dict[str, Any]:
        """The limits the table sets for this platform (for listings)."""
        skip = {"name", "label", "formats"}
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.model_dump().items()
                if k not in skip and k in self.model_fields_set}

    def signature(self) -> tuple:
        """What a rendered video depends on: platforms with equal signatures share one render."""
        return (self.video_size, self.fps, self.safe_top, self.safe_bottom, self.safe_right, self.safe_left)


@lru_cache(maxsize=1)
def platforms() -> dict[str, Platform]:
    data = tomllib.loads(resources.files("contentkit").joinpath("data/platforms.toml").read_text("utf-8"))
    out = {}
    for name, row in data.items():
        try:
            out[name] = Platform(name=name, **row)
        except ValidationError as exc:
            key, msg, _ = first_problem(exc)
            raise ContentkitError(f"platform table: {msg}", path="contentkit/data/platforms.toml",
                                  key=f"{name}.{key}") from None
    return out


def get_platform(name: str) -> Platform:
    table = platforms()
    if name not in table:
        raise UsageError(f"unknown platform '{name}'{closest(name, list(table))}; "
                         f"known: {', '.join(table)}")
    return table[name]


def for_format(fmt: str) -> list[Platform]:
    return [p for p in platforms().values() if fmt in p.formats]
