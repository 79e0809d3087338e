"""The drawing engine every visual format uses: cards, video frames, cue cards.

Public API: ``Spec`` (what a frame says), ``SafeArea`` (fractions of the frame kept free of
text), ``Fonts``, ``Designer`` (lays a spec out at one size with one theme), ``draw`` (the
picture), ``png_bytes`` (deterministic encoding), ``contact_sheet``, ``usable_image``,
``has_photo``, ``shift_block``. Formats use it only through these names; it knows nothing of
any format.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING

from contentkit.messages import msg
from contentkit.themes import rgb

if TYPE_CHECKING:
    from contentkit.layout import TextBlock
from contentkit.text import join_sentences


@dataclass(frozen=True)
class SafeArea:
    """Fractions of the frame kept free of text (platform UI, a subtitle band)."""

    top: float = 0.0
    bottom: float = 0.0
    right: float = 0.0
    left: float = 0.0

    @classmethod
    def of(cls, platform, bottom: float | None = None) -> "SafeArea":
        return cls(top=platform.safe_top, bottom=platform.safe_bottom if bottom is None else bottom,
                   right=platform.safe_right, left=platform.safe_left)


@dataclass
class Spec:
    kind: str  # cover, point, quote, image, cta
    heading: str = ""
    body: str = ""
    items: tuple[str, ...] = ()
    attribution: str = ""
    label: str = ""
    image: Path | None = None
    section: int = -1
    score: float = 0.0
    order: float = 0.0
    cont: int = 0  # continuation number when text moved to a further card


def usable_image(path: Path, warnings: list[str] | None = None) -> bool:
    """True if Pillow can decode the image; a corrupt file is reported and skipped."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            im.load()
            return im.width > 0 and im.height > 0
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        if warnings is not None:
            warnings.append(f"image {path.name} cannot be read ({type(exc).__name__}); no image card")
        return False


# ------------------------------------------------------------------------------ layout
@dataclass
class Placed:
    role: str
    block: "TextBlock"
    color: str


@dataclass
class CardLayout:
    spec: Spec
    width: int
    height: int
    texts: list[Placed] = field(default_factory=list)
    shapes: list[tuple] = field(default_factory=list)  # (kind, box, color)
    image_box: tuple[int, int, int, int] | None = None
    content_box: tuple[int, int, int, int] = (0, 0, 0, 0)


class Fonts:
    def __init__(self, title, body) -> None:
        self.title = title
        self.body = body


class Designer:
    """Lays out one platform size with one theme."""

    def __init__(self, width: int, height: int, theme, fonts: Fonts, safe: SafeArea, lang: str,
                 brand: str, warnings: list[str]) -> None:
        self.W, self.H = width, height
        self.theme = theme
        self.fonts = fonts
        self.lang = lang
        self.cjk = lang.startswith("zh")
        self.lang = lang
        self.brand = brand
        self.warnings = warnings
        u = width / 1080.0
        self.u = u
        m = round(84 * u)
        safe_b = float(safe.bottom)
        safe_r = float(safe.right)
        self.margin = m
        self.top = max(round(m * 1.75), round(height * float(safe.top)) + m)
        self.left = max(m, round(width * float(safe.left)))
        self.right = width - max(m, round(width * safe_r))
        self.bottom = height - max(round(m * 1.3), round(height * safe_b))
        self.bold = theme.style.title_bold
        from contentkit.layout import covers

        # decorative glyphs, with ASCII stand-ins when a (user's) font lacks them
        self.bullet = "• " if not covers(fonts.body, "•") else "- "
        self.mark = "“" if not covers(fonts.title, "“") else '"'
        self.dash = ("—— " if self.cjk else "— ") if not covers(fonts.body, "—") else "- "

    # sizes in px for a 1080-wide card, scaled
    def s(self, px: float) -> int:
        return max(1, round(px * self.u))

    def fit(self, text, font, box, max_px, min_px, **kw):
        from contentkit.layout import fit

        return fit(text, font, box, max_size=self.s(max_px), min_size=self.s(min_px), **kw)

    def chrome(self, lay: CardLayout, page: str, on_accent: bool = False) -> bool:
        c = self.theme.colors
        col = c.on_accent if on_accent else c.muted
        y0 = round(self.margin * 0.62)
        box_h = self.s(44)
        left = self.fit(self.brand or " ", self.fonts.body, (self.left, y0, self.W // 2, y0 + box_h), 28, 20,
                        spacing=1.3, max_lines=1)
        right = self.fit(page or " ", self.fonts.body, (self.W // 2, y0, self.right, y0 + box_h), 28, 20,
                         spacing=1.3, max_lines=1, align="right")
        if left is None or right is None:
            return False
        if self.brand:
            lay.texts.append(Placed("brand", left, col))
        if page:
            lay.texts.append(Placed("page", right, col))
        return True

    def layout(self, spec: Spec, page: str) -> CardLayout | None:
        lay = CardLayout(spec, self.W, self.H)
        lay.content_box = (self.left, self.top, self.right, self.bottom)
        fn = getattr(self, "_" + spec.kind)
        ok = fn(spec, lay) and self.chrome(lay, page, on_accent=spec.kind == "cta")
        return lay if ok else None

    # -- kinds
    def _cover(self, spec: Spec, lay: CardLayout) -> bool:
        c = self.theme.colors
        x0, y0, x1, y1 = lay.content_box
        h = y1 - y0
        title_box = (x0, y0 + round(h * 0.16), x1, y0 + round(h * 0.62))
        title = self.fit(spec.heading, self.fonts.title, title_box, 136, 46, spacing=1.25, bold=self.bold,
                         balance=True)
        if title is None:
            return False
        sub = None
        if spec.body:
            sub_top = title.bottom + self.s(40)
            sub = self.fit(spec.body, self.fonts.body, (x0, sub_top, x1, y0 + round(h * 0.84)), 50, 30,
                           spacing=1.5, balance=True)
            if sub is None:
                return False
        # centre the title + subtitle stack on the card's optical middle (a little high)
        bottom = sub.bottom if sub is not None else title.bottom
        stack_h = bottom - title.box[1]
        dy = (y0 + round(h * 0.44) - stack_h // 2) - title.box[1]
        dy = max(y0 + self.s(80) - title.box[1], dy)
        title = shift_block(title, dy)
        bar_y = title.box[1] - self.s(48)
        lay.shapes.append(("bar", (x0, bar_y, x0 + self.s(120), bar_y + self.s(12)), c.accent))
        lay.texts.append(Placed("title", title, c.text))
        if sub is not None:
            lay.texts.append(Placed("subtitle", shift_block(sub, dy), c.muted))
        if spec.attribution:
            by = self.fit(spec.attribution, self.fonts.body, (x0, y1 - self.s(90), x1, y1), 32, 22,
                          spacing=1.35, max_lines=2)
            if by is None:
                return False
            by = shift_block(by, (y1 - by.box[1]) - by.height)
            lay.texts.append(Placed("byline", by, c.accent))
        return True

    def _point(self, spec: Spec, lay: CardLayout) -> bool:
        c = self.theme.colors
        x0, y0, x1, y1 = lay.content_box
        num = self.fit(spec.label or " ", self.fonts.title, (x0, y0, x1, y0 + self.s(130)), 104, 60,
                       spacing=1.1, max_lines=1)
        if num is None:
            return False
        top = y0 + self.s(150)
        big = not spec.body and not spec.items  # a heading alone (video frames) is set large
        head = self.fit(spec.heading + (self._cont_mark(spec)), self.fonts.title,
                        (x0, top, x1, top + self.s(420 if big else 260)), 112 if big else 72, 40,
                        spacing=1.25, bold=self.bold, max_lines=3, balance=True)
        if head is None:
            return False
        rule_y = head.bottom + self.s(34)
        body_top = rule_y + self.s(52)
        text = spec.body
        if spec.items:
            items = "\n".join(self.bullet + it for it in spec.items)
            text = (text + "\n" + items) if text else items
        body = None
        if text:
            body = self.fit(text, self.fonts.body, (x0, body_top, x1, y1), 56, 32, spacing=1.62)
            if body is None:
                return False
        # centre the whole stack a little above the middle of the card
        stack_bottom = body.bottom if body is not None else rule_y
        dy = max(0, ((y1 - y0) - (stack_bottom - y0)) * 2 // 5)
        if spec.label:
            lay.texts.append(Placed("number", shift_block(num, dy), c.accent))
        lay.texts.append(Placed("heading", shift_block(head, dy), c.text))
        lay.shapes.append(("bar", (x0, rule_y + dy, x0 + self.s(72), rule_y + dy + self.s(6)), c.accent))
        if body is not None:
            lay.texts.append(Placed("body", shift_block(body, dy), c.text))
        return True

    def _quote(self, spec: Spec, lay: CardLayout) -> bool:
        c = self.theme.colors
        x0, y0, x1, y1 = lay.content_box
        placed: list[Placed] = []
        if spec.label:
            lab = self.fit(spec.label + self._cont_mark(spec), self.fonts.body, (x0, y0, x1, y0 + self.s(96)),
                           34, 24, spacing=1.35, max_lines=2)
            if lab is None:
                return False
            lay.texts.append(Placed("label", lab, c.muted))
        mark_top = y0 + self.s(110)
        mark = self.fit(self.mark, self.fonts.title, (x0, mark_top, x1, mark_top + self.s(200)), 240, 120,
                        spacing=1.0, max_lines=1)
        if mark is None:
            return False
        mark = shift_block(mark, 0, x0 - mark.boxes[0][0])  # the glyph's ink, not its advance, on the margin
        q_top = mark_top + self.s(170)
        q_bottom = y1 - (self.s(120) if spec.attribution else self.s(20))
        quote = self.fit(spec.body, self.fonts.title, (x0, q_top, x1, q_bottom), 80, 38, spacing=1.5,
                         bold=self.bold * 0.6, balance=True)
        if quote is None:
            return False
        placed += [Placed("mark", mark, c.accent), Placed("quote", quote, c.text)]
        bottom = quote.bottom
        if spec.attribution:
            att = self.fit(self.dash + spec.attribution, self.fonts.body,
                           (x0, quote.bottom + self.s(36), x1, quote.bottom + self.s(120)), 36, 24,
                           spacing=1.3, max_lines=2, align="right")
            if att is None:
                return False
            placed.append(Placed("attribution", att, c.muted))
            bottom = att.bottom
        dy = max(0, ((y1 - mark_top) - (bottom - mark_top)) * 2 // 5)
        lay.texts.extend(Placed(p.role, shift_block(p.block, dy), p.color) for p in placed)
        return True

    def _image(self, spec: Spec, lay: CardLayout) -> bool:
        c = self.theme.colors
        x0, y0, x1, y1 = lay.content_box
        top = y0
        if spec.heading:
            head = self.fit(spec.heading, self.fonts.title, (x0, y0, x1, y0 + self.s(190)), 64, 34,
                            spacing=1.3, bold=self.bold, max_lines=2, balance=True)
            if head is None:
                return False
            lay.texts.append(Placed("heading", head, c.text))
            top = head.bottom + self.s(36)
        cap_h = self.s(260) if spec.body else 0
        img_bottom = y1 - cap_h - (self.s(24) if spec.body else 0)
        if img_bottom - top < self.s(200):
            return False
        lay.image_box = (x0, top, x1, img_bottom)
        if spec.body:
            cap = self.fit(spec.body, self.fonts.body, (x0, img_bottom + self.s(36), x1, y1), 44, 28,
                           spacing=1.55, max_lines=4)
            if cap is None:
                return False
            lay.texts.append(Placed("caption", cap, c.muted))
        return True

    def _cta(self, spec: Spec, lay: CardLayout) -> bool:
        c = self.theme.colors
        x0, y0, x1, y1 = lay.content_box
        h = y1 - y0
        main = self.fit(spec.heading, self.fonts.title, (x0, y0 + round(h * 0.18), x1, y0 + round(h * 0.58)),
                        92, 44, spacing=1.35, bold=self.bold, align="center")
        if main is None:
            return False
        dy = max(0, (round(h * 0.40) - main.height) // 2)
        main = shift_block(main, dy)
        lay.texts.append(Placed("cta", main, c.on_accent))
        y = main.bottom + self.s(60)
        if spec.body:
            handle = self.fit(spec.body, self.fonts.body, (x0, y, x1, y + self.s(80)), 44, 28,
                              spacing=1.3, max_lines=1, align="center")
            if handle is None:
                return False
            lay.texts.append(Placed("handle", handle, c.on_accent))
            y = handle.bottom + self.s(40)
        if spec.attribution:
            tags = self.fit(spec.attribution, self.fonts.body, (x0, max(y, y1 - self.s(200)), x1, y1), 34, 24,
                            spacing=1.5, max_lines=3, align="center")
            if tags is None:
                return False
            lay.texts.append(Placed("hashtags", tags, c.on_accent))
        return True

    def _cont_mark(self, spec: Spec) -> str:
        if not spec.cont:
            return ""
        return msg(self.lang, "continued")


def shift_block(block, dy: int, dx: int = 0):
    """The same text block moved by (dx, dy); its box moves with it."""
    if not dy and not dx:
        return block
    x0, y0, x1, y1 = block.box
    return replace(block, box=(x0 + dx, y0 + dy, x1 + dx, y1 + dy),
                   boxes=tuple((a + dx, b + dy, c + dx, d + dy) for a, b, c, d in block.boxes),
                   origins=tuple((a + dx, b + dy) for a, b in block.origins))


def split_spec(spec: Spec, cjk: bool) -> list[Spec] | None:
    """Move half of a card's text to a further card; None if it cannot be split."""
    from contentkit.text import split_sentences

    if spec.kind not in ("point", "quote") and not (spec.kind == "cover"):
        return None
    if spec.items and len(spec.items) > 1:
        k = math.ceil(len(spec.items) / 2)
        return [replace(spec, items=spec.items[:k]),
                replace(spec, body="", items=spec.items[k:], cont=spec.cont + 1, order=spec.order + 0.01)]
    sents = split_sentences(spec.body)
    if len(sents) < 2:
        return None
    k = math.ceil(len(sents) / 2)
    first, second = join_sentences(sents[:k]), join_sentences(sents[k:])
    if spec.kind == "cover":
        return [replace(spec, body=first)]  # the cover keeps its opening; the rest is in the cards
    return [replace(spec, body=first),
            replace(spec, body=second, cont=spec.cont + 1, order=spec.order + 0.01, attribution=spec.attribution)]


# ------------------------------------------------------------------------------ drawing
@lru_cache(maxsize=16)
def _gradient_cached(w: int, h: int, top, bottom):
    return _gradient_uncached(w, h, top, bottom)


def _gradient(w: int, h: int, top, bottom):
    return _gradient_cached(w, h, top, bottom).copy()


def _gradient_uncached(w: int, h: int, top, bottom):
    from PIL import Image

    if top == bottom:
        return Image.new("RGB", (w, h), rgb(top))
    mask = Image.linear_gradient("L").resize((w, h))
    return Image.composite(Image.new("RGB", (w, h), rgb(bottom)), Image.new("RGB", (w, h), rgb(top)), mask)


def _cover_crop(path: Path, w: int, h: int):
    from PIL import Image, ImageOps

    with Image.open(path) as src:
        rgb = ImageOps.exif_transpose(src).convert("RGB")
        return ImageOps.fit(rgb, (w, h), method=Image.Resampling.LANCZOS, centering=(0.5, 0.45))


def draw(lay: CardLayout, theme, cover_image: Path | None):
    from PIL import Image, ImageDraw

    from contentkit.layout import draw_block

    c = theme.colors
    W, H = lay.width, lay.height
    kind = lay.spec.kind
    if kind == "cta":
        img = _gradient(W, H, c.accent, _mix(c.accent, "#000000", 0.25))
    elif kind == "cover" and theme.style.background == "image" and cover_image is not None:
        img = _cover_crop(cover_image, W, H)
        scrim = Image.new("RGB", (W, H), rgb(c.background))
        img = Image.blend(img, scrim, theme.style.scrim)
    elif theme.style.background == "flat":
        img = Image.new("RGB", (W, H), rgb(c.background))
    else:
        img = _gradient(W, H, c.background, c.background2)
    d = ImageDraw.Draw(img)
    u = W / 1080.0
    shape = theme.style.accent_shape
    if kind != "cta":
        if shape == "circle":
            r = round(260 * u)
            d.ellipse((W - r * 1.3, -r * 0.7, W + r * 0.7, r * 1.3), fill=_mix(c.accent, c.background, 0.78))
        elif shape == "corner":
            s = round(150 * u)
            d.polygon([(W, H), (W - s, H), (W, H - s)], fill=rgb(c.accent))
    else:
        r = round(420 * u)
        d.ellipse((-r * 0.6, H - r * 0.9, r * 1.0, H + r * 0.7), fill=_mix(c.on_accent, c.accent, 0.88))
    for sk, box, color in lay.shapes:
        if sk == "bar":
            d.rectangle(box, fill=rgb(color))
    if lay.image_box is not None and lay.spec.image is not None:
        x0, y0, x1, y1 = lay.image_box
        pic = _cover_crop(lay.spec.image, x1 - x0, y1 - y0)
        mask = Image.new("L", pic.size, 0)
        ImageDraw.Draw(mask).rounded_rectangle((0, 0, pic.size[0] - 1, pic.size[1] - 1),
                                               radius=round(theme.style.radius * u), fill=255)
        img.paste(pic, (x0, y0), mask)
    for placed in lay.texts:
        draw_block(d, placed.block, rgb(placed.color))
    return img


def _mix(a, b, t: float) -> tuple[int, int, int]:
    ra, rb = rgb(a), rgb(b)
    return tuple(round(x + (y - x) * t) for x, y in zip(ra, rb))  # type: ignore[return-value]


def has_photo(lay: CardLayout, theme, cover_image: Path | None) -> bool:
    return lay.image_box is not None or (
        lay.spec.kind == "cover" and theme.style.background == "image" and cover_image is not None)


def needs_rgb(lay: CardLayout, theme, cover_image: Path | None) -> bool:
    """A photo or a gradient must be saved in full colour: a 256-colour palette turns a
    gradient into 5-7 visible bands. Flat cards keep the small palette PNG."""
    flat = theme.style.background == "flat" or theme.colors.background == theme.colors.background2
    return has_photo(lay, theme, cover_image) or not flat


def png_bytes(img, photo: bool = False, exact: tuple = ()) -> bytes:
    """Deterministic, compact PNG with no metadata. ``photo`` (anything with a photo or a
    gradient, see ``needs_rgb``) stays RGB; flat cards of text and shapes become a 256-colour
    palette, sharp at under half the bytes."""
    from PIL import Image

    buf = io.BytesIO()
    if not photo:
        img = img.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        if exact:  # snap the palette entries nearest the theme colours back to those colours
            pal = img.getpalette()[: 256 * 3]
            entries = [tuple(pal[i:i + 3]) for i in range(0, len(pal), 3)]
            for col in exact:
                col = rgb(col)
                k = min(range(len(entries)), key=lambda i: sum((a - b) ** 2 for a, b in zip(entries[i], col)))
                if sum((a - b) ** 2 for a, b in zip(entries[k], col)) <= 48:
                    entries[k] = col
            img.putpalette([v for e in entries for v in e])
    img.save(buf, "PNG", compress_level=6)
    return buf.getvalue()


def contact_sheet(images: list, cols: int = 3, thumb_w: int = 360, gap: int = 24, bg: str = "#E9E4DE"):
    from PIL import Image

    if not images:
        return None
    w, h = images[0].size
    th = round(thumb_w * h / w)
    rows = math.ceil(len(images) / cols)
    sheet = Image.new("RGB", (cols * thumb_w + (cols + 1) * gap, rows * th + (rows + 1) * gap), rgb(bg))
    for i, im in enumerate(images):
        r, col = divmod(i, cols)
        t = im.resize((thumb_w, th), Image.Resampling.LANCZOS)
        sheet.paste(t, (gap + col * (thumb_w + gap), gap + r * (th + gap)))
    return sheet


# ------------------------------------------------------------------------------ plugin
