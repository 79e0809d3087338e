"""Card themes: TOML data files (``contentkit/themes/*.toml``) a user can copy and edit."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from contentkit.errors import ContentkitError, UsageError, closest

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
        if not color or not _HEX.match(color if len(color) == 7 else "#" + "".join(c * 2 for c in color[1:])):
            return self
        if len(color) == 4:
            color = "#" + "".join(c * 2 for c in color[1:])
        return self.model_copy(update={"colors": self.colors.model_copy(update={"accent": color.upper()})})


def builtin_names() -> list[str]:
    folder = resources.files("contentkit").joinpath("themes")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_theme(name_or_path: str) -> Theme:
    """A built-in theme by name, or a theme file by path."""
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
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        raise ContentkitError(msg, path=where, key=loc) from None
