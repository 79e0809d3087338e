"""The ``cards`` format: a carousel of PNG image cards per platform size.

Cover, one card per strong key point or section (a heading and a few short lines, or a list),
quote cards for quotes and bold key sentences, an image card for a local image, and a closing
call-to-action card, numbered 2/8. Text is fitted to its box (never clipped): when it cannot
fit at the minimum legible size it moves to a further card. Layout data for every card
(each text block's lines, size and measured boxes) is written to ``cards.json``.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from pydantic import Field

from contentkit.output import Artifact, Output
from contentkit.editorial import opener_kind
from contentkit.messages import msg
from contentkit.text import join_sentences
from contentkit.platforms import get_platform
from contentkit.plugins import FormatOptions
from contentkit.story import ListBlock, Paragraph, Quote, Story

CARD_PLATFORMS = ("xiaohongshu", "instagram", "instagram-square", "story", "wechat-moments")


class CardsOptions(FormatOptions):
    theme: str = Field("wine", description="built-in theme name (see `contentkit themes`) or a theme .toml path")
    font: str | None = Field(None, description="font file for all card text (path, or path#index for .ttc)")
    max_cards: int | None = Field(None, ge=3, le=20, description="cards per carousel (default: platform's)")
    brand_accent: bool = Field(True, description="use the story's brand colour as the accent")
    contact_sheet: bool = Field(True, description="also write a contact-sheet PNG of the carousel")


# ------------------------------------------------------------------------------ planning
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


def plan(story: Story, warnings: list[str] | None = None) -> list[Spec]:
    """Candidate cards in story order (cover first, CTA last), before sizes are known."""
    a = story.a
    meta = story.meta
    specs: list[Spec] = []
    byline = " · ".join(x for x in (meta.author, meta.persona) if x)
    specs.append(Spec("cover", heading=story.title, body=meta.subtitle or a.hook,
                      attribution=byline, order=-1, score=99))
    points = {kp.section: kp for kp in a.key_points if kp.section >= 0}
    bold = {p for sec in story.sections for b in sec.blocks if isinstance(b, Paragraph)
            for p in b.text.strong_parts if len(p) >= 6}
    image_done = False
    for si, sec in enumerate(story.sections):
        sents = list(a.sentences[si])
        kp = points.get(si)
        has_card = False
        for bi, b in enumerate(sec.blocks):
            order = si + bi / 100.0
            if isinstance(b, Quote) and b.text and not has_card:
                has_card = True
                specs.append(Spec("quote", body=b.text.plain, attribution=b.attribution,
                                  label=sec.heading, section=si, score=3.0, order=order))
            elif (b.kind == "image" and b.local_path is not None and not image_done and not has_card
                  and usable_image(b.local_path, warnings)):
                image_done = has_card = True
                caption = kp.text if kp else (b.title or b.alt)
                specs.append(Spec("image", heading=sec.heading, body=caption,
                                  image=b.local_path, section=si, score=(kp.score if kp else 0) + 1.0,
                                  order=order))
        if not sec.heading or has_card:
            continue
        lists = [b for b in sec.blocks if isinstance(b, ListBlock)]
        short_list = next((lb for lb in lists if 2 <= len(lb.items) <= 6
                           and all(len(it.text.plain) <= 60 for it in lb.items)), None)
        score = kp.score if kp else 0.0
        if short_list is not None:
            # the sentence that introduces the list, then the list
            idx = sec.blocks.index(short_list)
            intro = ""
            for b in reversed(sec.blocks[:idx]):
                if isinstance(b, Paragraph):
                    from contentkit.text import split_sentences

                    sents_b = split_sentences(b.text.plain)
                    intro = sents_b[-1]
                    if opener_kind(intro, a.is_cjk) is not None:
                        # "这家大概就是：" needs the sentence before it, or it is left out
                        both = join_sentences(sents_b[-2:]) if len(sents_b) > 1 else ""
                        fits = both and (len(both) <= 80 if a.is_cjk else len(both.split()) <= 40)
                        intro = both if fits and opener_kind(both, a.is_cjk) is None else ""
                    break
            specs.append(Spec("point", heading=sec.heading, body=intro,
                              items=tuple(it.text.plain for it in short_list.items),
                              section=si, score=score + 0.3, order=si + 0.5))
            continue
        if kp is None or not sents:
            continue
        if kp.text in bold:
            specs.append(Spec("quote", body=kp.text, label=sec.heading, section=si,
                              score=score + 0.2, order=si + 0.5))
            continue
        body = [kp.text]
        if kp.text in sents:
            i = sents.index(kp.text)
            if i + 1 < len(sents) and len(kp.text) + len(sents[i + 1]) <= (70 if a.is_cjk else 200):
                body.append(sents[i + 1])
        from contentkit.text import join_sentences

        specs.append(Spec("point", heading=sec.heading, body=join_sentences(body),
                          section=si, score=score, order=si + 0.5))
    tags = " ".join(f"#{t}" for t in a.hashtags[:6])
    cta = meta.cta or msg(a.messages_locale, "follow")
    specs.append(Spec("cta", heading=cta, body=meta.brand.handle or meta.brand.name or meta.author,
                      attribution=tags, order=1e9, score=99))
    return specs


# ------------------------------------------------------------------------------ layout
@dataclass
class Placed:
    role: str
    block: object  # layout.TextBlock
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

    def __init__(self, width: int, height: int, theme, fonts: Fonts, platform, lang: str,
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
        safe_b = float(platform.get("safe_bottom", 0) or 0)
        safe_r = float(platform.get("safe_right", 0) or 0)
        self.margin = m
        self.top = max(round(m * 1.75), round(height * float(platform.get("safe_top", 0) or 0)) + m)
        self.left = m
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
        title = _shift(title, dy)
        bar_y = title.box[1] - self.s(48)
        lay.shapes.append(("bar", (x0, bar_y, x0 + self.s(120), bar_y + self.s(12)), c.accent))
        lay.texts.append(Placed("title", title, c.text))
        if sub is not None:
            lay.texts.append(Placed("subtitle", _shift(sub, dy), c.muted))
        if spec.attribution:
            by = self.fit(spec.attribution, self.fonts.body, (x0, y1 - self.s(90), x1, y1), 32, 22,
                          spacing=1.35, max_lines=2)
            if by is None:
                return False
            by = _shift(by, (y1 - by.box[1]) - by.height)
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
            lay.texts.append(Placed("number", _shift(num, dy), c.accent))
        lay.texts.append(Placed("heading", _shift(head, dy), c.text))
        lay.shapes.append(("bar", (x0, rule_y + dy, x0 + self.s(72), rule_y + dy + self.s(6)), c.accent))
        if body is not None:
            lay.texts.append(Placed("body", _shift(body, dy), c.text))
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
        mark = _shift(mark, 0, x0 - mark.boxes[0][0])  # the glyph's ink, not its advance, on the margin
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
        lay.texts.extend(Placed(p.role, _shift(p.block, dy), p.color) for p in placed)
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
        main = _shift(main, dy)
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


def _shift(block, dy: int, dx: int = 0):
    """The same text block moved by (dx, dy); its box moves with it."""
    if not dy and not dx:
        return block
    x0, y0, x1, y1 = block.box
    return replace(block, box=(x0 + dx, y0 + dy, x1 + dx, y1 + dy),
                   boxes=tuple((a + dx, b + dy, c + dx, d + dy) for a, b, c, d in block.boxes),
                   origins=tuple((a + dx, b + dy) for a, b in block.origins))


def split_spec(spec: Spec, cjk: bool) -> list[Spec] | None:
    """Move half of a card's text to a further card; None if it cannot be split."""
    from contentkit.text import join_sentences, split_sentences

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
def _rgb(hex_color) -> tuple[int, int, int]:
    if isinstance(hex_color, tuple):
        return hex_color
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


@lru_cache(maxsize=16)
def _gradient_cached(w: int, h: int, top, bottom):
    return _gradient_uncached(w, h, top, bottom)


def _gradient(w: int, h: int, top, bottom):
    return _gradient_cached(w, h, top, bottom).copy()


def _gradient_uncached(w: int, h: int, top, bottom):
    from PIL import Image

    if top == bottom:
        return Image.new("RGB", (w, h), _rgb(top))
    mask = Image.linear_gradient("L").resize((w, h))
    return Image.composite(Image.new("RGB", (w, h), _rgb(bottom)), Image.new("RGB", (w, h), _rgb(top)), mask)


def _cover_crop(path: Path, w: int, h: int):
    from PIL import Image, ImageOps

    with Image.open(path) as im:
        im = ImageOps.exif_transpose(im).convert("RGB")
        return ImageOps.fit(im, (w, h), method=Image.Resampling.LANCZOS, centering=(0.5, 0.45))


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
        scrim = Image.new("RGB", (W, H), _rgb(c.background))
        img = Image.blend(img, scrim, theme.style.scrim)
    elif theme.style.background == "flat":
        img = Image.new("RGB", (W, H), _rgb(c.background))
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
            d.polygon([(W, H), (W - s, H), (W, H - s)], fill=_rgb(c.accent))
    else:
        r = round(420 * u)
        d.ellipse((-r * 0.6, H - r * 0.9, r * 1.0, H + r * 0.7), fill=_mix(c.on_accent, c.accent, 0.88))
    for sk, box, color in lay.shapes:
        if sk == "bar":
            d.rectangle(box, fill=_rgb(color))
    if lay.image_box is not None and lay.spec.image is not None:
        x0, y0, x1, y1 = lay.image_box
        pic = _cover_crop(lay.spec.image, x1 - x0, y1 - y0)
        mask = Image.new("L", pic.size, 0)
        ImageDraw.Draw(mask).rounded_rectangle((0, 0, pic.size[0] - 1, pic.size[1] - 1),
                                               radius=round(theme.style.radius * u), fill=255)
        img.paste(pic, (x0, y0), mask)
    for placed in lay.texts:
        draw_block(d, placed.block, _rgb(placed.color))
    return img


def _mix(a, b, t: float) -> tuple[int, int, int]:
    ra, rb = _rgb(a), _rgb(b)
    return tuple(round(x + (y - x) * t) for x, y in zip(ra, rb))  # type: ignore[return-value]


def has_photo(lay: CardLayout, theme, cover_image: Path | None) -> bool:
    return lay.image_box is not None or (
        lay.spec.kind == "cover" and theme.style.background == "image" and cover_image is not None)


def png_bytes(img, photo: bool = False, exact: tuple = ()) -> bytes:
    """Deterministic, compact PNG with no metadata. Cards without a photo are flat colour,
    text and gradients: a 256-colour palette keeps them sharp at under half the bytes (and is
    faster to encode). Cards with a photo stay RGB."""
    from PIL import Image

    buf = io.BytesIO()
    if not photo:
        img = img.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        if exact:  # snap the palette entries nearest the theme colours back to those colours
            pal = img.getpalette()[: 256 * 3]
            entries = [tuple(pal[i:i + 3]) for i in range(0, len(pal), 3)]
            for col in exact:
                col = _rgb(col)
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
    sheet = Image.new("RGB", (cols * thumb_w + (cols + 1) * gap, rows * th + (rows + 1) * gap), _rgb(bg))
    for i, im in enumerate(images):
        r, col = divmod(i, cols)
        t = im.resize((thumb_w, th), Image.Resampling.LANCZOS)
        sheet.paste(t, (gap + col * (thumb_w + gap), gap + r * (th + gap)))
    return sheet


# ------------------------------------------------------------------------------ plugin
class CardsFormat:
    name = "cards"
    description = "Image-card carousel (PNG) per platform size: cover, key points, quotes, image, CTA"
    options_model = CardsOptions

    def render(self, story: Story, options: CardsOptions, out: Output) -> list[Artifact]:
        from contentkit.layout import clean_for_font, pick_font
        from contentkit.themes import load_theme

        theme = load_theme(options.theme)
        if options.brand_accent and story.meta.brand.color:
            theme = theme.with_accent(story.meta.brand.color)
        lang = story.a.language
        warnings: list[str] = []
        specs = plan(story, warnings)
        all_text = "".join(s.heading + s.body + "".join(s.items) + s.attribution + s.label for s in specs)
        all_text += story.meta.brand.name + "0123456789/" + (msg(story.a.messages_locale, "continued") + "“—•" if story.a.is_cjk else "")

        def role_font(role_name: str):
            value = getattr(theme.fonts, role_name)
            explicit = options.font or (value if value not in ("serif", "sans") else None)
            role = value if value in ("serif", "sans") else "sans"
            return pick_font(role, lang, all_text, explicit, warnings)

        fonts = Fonts(role_font("title"), role_font("body"))
        for s in specs:  # emoji and symbols no font has are removed, not drawn as boxes
            s.heading = clean_for_font(s.heading, fonts.title, warnings)
            s.body = clean_for_font(s.body, fonts.body, warnings)
            s.items = tuple(clean_for_font(i, fonts.body, warnings) for i in s.items)
            s.attribution = clean_for_font(s.attribution, fonts.body, warnings)
            s.label = clean_for_font(s.label, fonts.title, warnings)
        cover_image = next((s.image for s in specs if s.image is not None), None)
        if cover_image is None:
            cover_image = next((img.local_path for img in story.images()
                                if img.local_path is not None and usable_image(img.local_path)), None)
        brand = clean_for_font(story.meta.brand.name or story.meta.author, fonts.body)

        arts: list[Artifact] = []
        for pname in options.platforms or CARD_PLATFORMS:
            platform = get_platform(pname)
            w, h = platform.get("card_size")
            limit = options.max_cards or int(platform.get("cards_max", 9))
            designer = Designer(w, h, theme, fonts, platform, lang, brand, warnings)
            layouts = self._select(specs, designer, limit, story.a.is_cjk, warnings, pname)
            images = []
            records = []
            n = len(layouts)
            c = theme.colors
            exact = (c.background, c.background2, c.text, c.accent, c.on_accent, c.muted)
            for i, lay in enumerate(layouts, start=1):
                img = draw(lay, theme, cover_image)
                images.append(img)
                rel = f"cards/{pname}/{i:02d}-{lay.spec.kind}.png"
                arts.append(out.write(rel, png_bytes(img, has_photo(lay, theme, cover_image), exact),
                                      format=self.name, platform=pname,
                                      width=w, height=h))
                records.append(_record(lay, rel, i, n))
            if options.contact_sheet and images:
                sheet = contact_sheet(images)
                arts.append(out.write(f"cards/{pname}/contact-sheet.png", png_bytes(sheet, True), format=self.name,
                                      platform=pname, width=sheet.width, height=sheet.height))
            arts.append(out.write_json(f"cards/{pname}/cards.json", {
                "platform": pname, "width": w, "height": h, "theme": theme.name,
                "fonts": {"title": fonts.title.label, "body": fonts.body.label},
                "cards": records}, format=self.name, platform=pname))
        for w_ in dict.fromkeys(warnings):
            out.warn(f"cards: {w_}")
        return arts

    def _select(self, specs: list[Spec], designer: Designer, limit: int, cjk: bool,
                warnings: list[str], pname: str) -> list[CardLayout]:
        """Fit every candidate (splitting text onto further cards), then keep the strongest."""
        groups: list[list[Spec]] = []
        for spec in specs:
            group = self._fit_group(spec, designer, cjk, warnings)
            groups.append(group)
        middle = [g for g in groups if g[0].kind not in ("cover", "cta")]
        room = max(1, limit - 2)
        dropped = 0
        while sum(len(g) for g in middle) > room and middle:
            weakest = min(range(len(middle)), key=lambda i: (middle[i][0].score, -middle[i][0].order))
            middle.pop(weakest)
            dropped += 1
        chosen = [groups[0]] + sorted(middle, key=lambda g: g[0].order) + [groups[-1]]
        flat = [s for g in chosen for s in g]
        # number points 01, 02 ... in final order
        k = 0
        for s in flat:
            if s.kind == "point" and not s.cont:
                k += 1
                s.label = f"{k:02d}"
            elif s.kind == "point":
                s.label = f"{k:02d}"
        n = len(flat)
        layouts = []
        for i, s in enumerate(flat, start=1):
            lay = designer.layout(s, f"{i}/{n}")
            if lay is None:  # cannot happen: every spec was fitted with the widest page label
                raise RuntimeError(f"card {i} no longer fits")
            layouts.append(lay)
        return layouts

    def _fit_group(self, spec: Spec, designer: Designer, cjk: bool, warnings: list[str]) -> list[Spec]:
        probe_page = "88/88"
        if spec.kind == "point":
            spec = replace(spec, label="88")
        if designer.layout(spec, probe_page) is not None:
            return [spec]
        parts = split_spec(spec, cjk)
        if parts is None:
            # a single sentence too long for any card: shorten it at a boundary, and say so
            from contentkit.text import shorten

            fields = ["body", "heading"] if spec.kind == "cover" else (
                ["heading"] if spec.kind == "cta" else ["body"])
            trial = spec
            for fld in fields:
                text = getattr(trial, fld)
                for limit in (160, 120, 90, 60, 40, 24, 0):
                    short = shorten(text, limit) if limit else ""
                    if not short and fld != "body":
                        continue
                    cand = replace(trial, **{fld: short})
                    if designer.layout(cand, probe_page) is not None:
                        warnings.append(f"{spec.kind} card {fld} too long for any card; "
                                        + (f"shortened to '{short}'" if short else "left out"))
                        return [cand]
                if fld == "body":
                    trial = replace(trial, body="")
            raise RuntimeError(f"cannot lay out {spec.kind} card")
        out: list[Spec] = []
        for part in parts:
            out.extend(self._fit_group(part, designer, cjk, warnings))
        return out


def _record(lay: CardLayout, rel: str, i: int, n: int) -> dict:
    return {
        "index": i,
        "of": n,
        "kind": lay.spec.kind,
        "file": rel,
        "section": lay.spec.section,
        "content_box": list(lay.content_box),
        "image_box": list(lay.image_box) if lay.image_box else None,
        "texts": [{
            "role": p.role,
            "lines": list(p.block.lines),
            "size": p.block.size,
            "box": list(p.block.box),
            "line_boxes": [list(b) for b in p.block.boxes],
        } for p in lay.texts],
    }


plugin = CardsFormat()
