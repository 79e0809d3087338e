"""Card themes: TOML data files (``contentkit/themes/*.toml``) a user can copy and edit."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from contentkit.errors import ContentkitError, UsageError, closest, first_problem

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Colors(_Strict):
    background: str
    background2: str
    text: str
    muted: str
    accent: str
    on_accent: str
    panel: str

    @field_validator("*")
    @classmethod
    def _hex(cls, v: str) -> str:
        if not _HEX.match(v):
            raise ValueError(f"'{v}' is not a colour like #8E1B3A")
        return v.upper()


class Fonts(_Strict):
    title: str = "serif"
    body: str = "sans"


class Style(_Strict):
    background: Literal["flat", "gradient", "image"] = "gradient"
    accent_shape: Literal["bar", "circle", "corner"] = "bar"
    title_bold: float = Field(0.02, ge=0, le=0.06)
    radius: int = Field(24, ge=0, le=200)
    scrim: float = Field(0.55, ge=0, le=0.95)


class Theme(_Strict):
    name: str
    description: str = ""
    colors: Colors
    fonts: Fonts = Fonts()
    style: Style = Style()
    source: str = ""

    def with_accent(self, color: str) -> "Theme":
        """The brand colour as accent, nudged until text in it stays legible on the background,
        with white or dark text on top of it, whichever reads better."""
        if color and len(color) == 4:
            color = "#" + "".join(c * 2 for c in color[1:])
        if not color or not _HEX.match(color):
            return self
        bg = self.colors.background
        accent = color.upper()
        for _ in range(12):
            if contrast(accent, bg) >= 3.0:
                break
            accent = _towards(accent, "#FFFFFF" if luminance(bg) < 0.4 else "#000000", 0.15)
        on = max(("#FFFFFF", self.colors.text, "#141115"), key=lambda c: contrast(c, accent))
        return self.model_copy(update={"colors": self.colors.model_copy(
            update={"accent": accent, "on_accent": on})})


def rgb(c) -> tuple[int, int, int]:
    """A colour as (r, g, b): '#rgb', '#rrggbb' or a tuple (Pillow's ImageColor parses it)."""
    if isinstance(c, tuple):
        return c[:3]
    from PIL import ImageColor

    return ImageColor.getrgb(c)[:3]


def luminance(c: str) -> float:
    """WCAG relative luminance."""
    def ch(v: int) -> float:
        x = v / 255.0
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    r, g, b = rgb(c)
    return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _towards(a: str, b: str, t: float) -> str:
    ra, rb = rgb(a), rgb(b)
    return "#" + "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(ra, rb))


def builtin_names() -> list[str]:
    folder = resources.files("contentkit").joinpath("themes")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


# Earlier names of built-in themes, still read: the default was called "wine", after the
# sample, and said so in every cards.json of a coffee or a travel story
ALIASES = {"wine": "paper"}


def load_theme(name_or_path: str) -> Theme:
    """A built-in theme by name, or a theme file by path."""
    name_or_path = ALIASES.get(name_or_path, name_or_path)
    if name_or_path.endswith(".toml") or "/" in name_or_path or "\\" in name_or_path:
        path = Path(name_or_path)
        if not path.is_file():
            raise ContentkitError("theme file not found", path=name_or_path)
        text = path.read_text("utf-8")
        where = str(path)
    else:
        if name_or_path not in builtin_names():
            raise UsageError(f"unknown theme '{name_or_path}'{closest(name_or_path, builtin_names())}; "
                             f"built-in: {', '.join(builtin_names())}")
        text = resources.files("contentkit").joinpath(f"themes/{name_or_path}.toml").read_text("utf-8")
        where = f"theme '{name_or_path}'"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentkitError(f"invalid TOML: {exc}", path=where) from None
    try:
        return Theme(**data, source=where)
    except ValidationError as exc:
        loc, msg, _ = first_problem(exc)
        raise ContentkitError(msg, path=where, key=loc) from None
