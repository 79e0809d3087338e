"""The brand kit: one ``brand.toml`` that makes every output carry the same personal IP.

    name = "小酿说酒"            handle = "@xiaoniang"        persona = "十年侍酒师"
    logo = "logo.png"            sign_off = "干杯，我们下期见"  cta = "关注我，下期教你读酒标"
    phrases = ["懂一点历史，每一口酒都会多一层味道"]
    [colors]  accent = "#7b1e3a"
    [fonts]   title = "fonts/Brand-Bold.otf"   body = "fonts/Brand.otf"   (path, or path#index for .ttc)
    [handles] xiaohongshu = "@xiaoniang_red"

A story's front matter points to it (``brand: brand.toml``), as do a recipe (``brand = ...``)
and ``--brand FILE``. Validated like every other input (unknown keys name the closest known
one; colours and files are checked); story front matter overrides the kit field by field.
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from contentkit.errors import ContentkitError, closest, first_problem
from contentkit.story import Brand, Metadata


def _colour(v: str) -> str:
    from PIL import ImageColor

    if v:
        try:
            ImageColor.getrgb(v)
        except ValueError:
            raise ValueError("must be a colour such as #7b1e3a") from None
    return v


class Colors(BaseModel):
    model_config = ConfigDict(extra="forbid")
    accent: str = ""
    _check = field_validator("accent")(classmethod(lambda cls, v: _colour(v)))


class BrandFonts(BaseModel):
    """The brand's typefaces for everything drawn (cards, video frames, cue cards); paths
    relative to the kit. A format's own ``font`` option still wins."""

    model_config = ConfigDict(extra="forbid")
    title: str = ""
    body: str = ""


class BrandKit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = ""
    handle: str = ""
    persona: str = ""
    colors: Colors = Field(default_factory=Colors)
    fonts: BrandFonts = Field(default_factory=BrandFonts)
    logo: str = ""
    sign_off: str = ""
    cta: str = ""
    phrases: list[str] = Field(default_factory=list)
    handles: dict[str, str] = Field(default_factory=dict)


def load_kit(path: str | Path) -> tuple[BrandKit, Path | None]:
    """The kit and its logo file (resolved next to the kit). One-line errors name the key."""
    p = Path(path).expanduser()
    try:
        data = tomllib.loads(p.read_text("utf-8"))
    except FileNotFoundError:
        raise ContentkitError("brand kit not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentkitError(f"brand kit is not readable: {exc}", path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentkitError(f"brand kit is not valid TOML: {exc}", path=str(path)) from None
    try:
        kit = BrandKit(**data)
    except ValidationError as exc:
        key, msg, err = first_problem(exc)
        if err["type"] == "extra_forbidden":
            sub: type[BaseModel] = BrandFonts if str(err["loc"][0]) == "fonts" else Colors
            known = list(BrandKit.model_fields if len(err["loc"]) == 1 else sub.model_fields)
            hint = closest(str(err["loc"][-1]), known)
            raise ContentkitError(f"unknown brand kit key{hint}", path=str(path), key=key) from None
        raise ContentkitError(msg, path=str(path), key=key) from None
    logo = None
    if kit.logo:
        logo = (p.parent / kit.logo).resolve()
        if not logo.is_file():
            raise ContentkitError("logo file not found", path=str(path), key="logo")
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(logo) as im:
                im.verify()
        except (UnidentifiedImageError, OSError):
            raise ContentkitError("logo is not an image Pillow can read", path=str(path), key="logo") from None
    for role in ("title", "body"):
        spec = getattr(kit.fonts, role)
        if not spec:
            continue
        file, _, index = spec.partition("#")
        full = (p.parent / file).resolve()
        if not full.is_file():
            raise ContentkitError("font file not found", path=str(path), key=f"fonts.{role}")
        try:
            from PIL import ImageFont

            ImageFont.truetype(str(full), 20, index=int(index) if index.isdigit() else 0)
        except (OSError, ValueError):
            raise ContentkitError("not a font file Pillow can read", path=str(path), key=f"fonts.{role}") from None
        setattr(kit.fonts, role, str(full) + (f"#{index}" if index else ""))
    return kit, logo


def apply(meta: Metadata, kit: BrandKit, logo: Path | None, overrides: frozenset[str] = frozenset()) -> Metadata:
    """The story's metadata with the kit filled in where the front matter left a field empty."""
    b = meta.brand

    def pick(mine: str, theirs: str) -> str:
        return mine or theirs

    brand = Brand(name=pick(b.name, kit.name), handle=pick(b.handle, kit.handle),
                  color=pick(b.color, kit.colors.accent), sign_off=pick(b.sign_off, kit.sign_off),
                  phrases=b.phrases or tuple(kit.phrases), logo=b.logo or logo,
                  handles=b.handles or tuple(sorted(kit.handles.items())),
                  fonts=b.fonts if any(b.fonts) else (kit.fonts.title, kit.fonts.body))
    return dataclasses.replace(meta, brand=brand, persona=pick(meta.persona, kit.persona),
                               cta=pick(meta.cta, kit.cta), author=pick(meta.author, kit.name))
