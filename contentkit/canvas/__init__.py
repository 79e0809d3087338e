"""The drawing engine every visual format uses: cards, video frames, cue cards.

Public API: ``Spec`` (what a frame says), ``SafeArea`` (fractions of the frame kept free of
text), ``Fonts``, ``Designer`` (lays a spec out at one size with one theme), ``draw`` (the
picture), ``png_bytes`` (deterministic encoding), ``contact_sheet``, ``usable_image``,
``has_photo``, ``png_kind``, ``shift_block``. Formats use it only through these names; it knows nothing of
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
    kind: str  # cover, point, list, number, quote, image, cta
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
    marks: tuple[str, ...] = ()  # phrases to emphasise (the author's bold, numbers, names)
    figure: str = ""  # the number a "number" card leads with ("1855", "8000")
    unit: str = ""  # what the figure counts ("年", "years")
    first: int = 1  # the number of the first item (a list continued on a further card)
    progress: tuple[int, int] | None = None  # (this beat, beats): a video frame's progress bar


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
    marks: tuple[str, ...] = ()
    mark_color: str | tuple | None = None  # emphasised phrases drawn in this colour
    marker: str | tuple | None = None  # and/or over a highlighter band of this colour
    lead: str | None = None  # the colour of item numbers and bullets


@dataclass
class CardLayout:
    spec: Spec
    width: int
    height: int
    texts: list[Placed] = field(default_factory=list)
    shapes: list[tuple] = field(default_factory=list)  # (kind, box, color)
    image_box: tuple[int, int, int, int] | None = None
    content_box: tuple[int, int, int, int] = (0, 0, 0, 0)
    full_bleed: bool = False  # the image fills the card under a scrim, the text on top
    family: str = ""  # the layout family chosen for the card
    logo: tuple[Path, tuple[int, int, int, int]] | None = None  # the brand kit's logo and its box


# The type scale: the largest size of each text (px on a 1080-wide card); ``fit`` steps down
# from it until the text fits, so a short point is set large and a long one fills the card.
TYPE = {"cover": 180, "heading": 104, "heading_big": 150, "statement": 100, "body": 78, "list": 80,
        "number": 300, "quote": 150, "cta": 124}


class Fonts:
    def __init__(self, title, body) -> None:
        self.title = title
        self.body = body


class Designer:
    """Lays out one platform size with one theme.

    Layout families, chosen per card from its content: ``headline`` (cover: a big balanced
    title with its key phrase in the accent colour), ``point`` (number, heading, body; the type
    scale follows the amount of text), ``statement`` (one short point set large), ``list``
    (numbered items), ``number`` (a big figure leads), ``quote``, ``photo`` (the story's image
    full-bleed under a scrim) and ``cta``."""

    def __init__(self, width: int, height: int, theme, fonts: Fonts, safe: SafeArea, lang: str,
                 brand: str, warnings: list[str], logo: Path | None = None) -> None:
        self.W, self.H = width, height
        self.logo = logo
        self.theme = theme
        self.fonts = fonts
        self.lang = lang
        self.cjk = lang.startswith("zh")
        self.brand = brand
        self.keep = tuple(w for w in (brand,) if w)  # names that never break across lines
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
        c = theme.colors
        self.marker = _mix(c.accent, c.background, 0.80)  # highlighter under emphasised body text
        self.photo_mark = _mix(c.accent, "#FFFFFF", 0.55)  # emphasis that reads on a dark scrim

    # sizes in px for a 1080-wide card, scaled
    def s(self, px: float) -> int:
        return max(1, round(px * self.u))

    def fit(self, text, font, box, max_px, min_px, **kw):
        from contentkit.layout import fit

        return fit(text, font, box, max_size=self.s(max_px), min_size=self.s(min_px), keep=self.keep, **kw)

    def chrome(self, lay: CardLayout, page: str, on_accent: bool = False) -> bool:
        c = self.theme.colors
        col = c.on_accent if on_accent else ("#FFFFFF" if lay.full_bleed else c.muted)
        y0 = round(self.margin * 0.62)
        box_h = self.s(44)
        x = self.left
        if self.logo is not None:  # the logo, a square the height of the brand line, before the name
            lay.logo = (self.logo, (x, y0, x + box_h, y0 + box_h))
            x += box_h + self.s(14)
        left = self.fit(self.brand or " ", self.fonts.body, (x, y0, self.W // 2, y0 + box_h), 28, 20,
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
        ok = fn(spec, lay) and self.chrome(lay, page, on_accent=spec.kind in ("cta", "vcta"))
        if ok and spec.progress:
            self._progress(lay, *spec.progress)
        return lay if ok else None

    def _progress(self, lay: CardLayout, k: int, n: int) -> None:
        """Segments under the brand line, the first ``k`` of ``n`` in the accent colour (where a
        video is in its story)."""
        c = self.theme.colors
        gap, y = self.s(10), round(self.margin * 0.62) + self.s(56)
        width = (self.right - self.left - gap * (n - 1)) / max(1, n)
        for i in range(n):
            x = round(self.left + i * (width + gap))
            col = c.accent if i < k else _mix(c.accent, c.background, 0.75)
            lay.shapes.append(("bar", (x, y, x + round(width), y + self.s(8)), col))

    def _body_text(self, spec: Spec, numbered: bool = False) -> str:
        text = spec.body
        if spec.items:
            items = "\n".join((f"{spec.first + i}. " if numbered else self.bullet) + it
                              for i, it in enumerate(spec.items))
            text = (text + "\n" + items) if text else items
        return text

    def _centre(self, lay: CardLayout, placed: list[Placed], shapes: list[tuple], top: int, bottom: int,
                bias: float = 0.42) -> None:
        """Move a stack of blocks (and its shapes) so it sits at ``bias`` of the free height."""
        stack_top = min(p.block.box[1] for p in placed)
        stack_bottom = max(p.block.bottom for p in placed)
        dy = max(0, round(((bottom - top) - (stack_bottom - stack_top)) * bias)) - (stack_top - top)
        dy = max(dy, top - stack_top)
        lay.texts.extend(replace(p, block=shift_block(p.block, dy)) for p in placed)
        lay.shapes.extend((k, (b[0], b[1] + dy, b[2], b[3] + dy), col) for k, b, col in shapes)

    # -- kinds
    def _cover(self, spec: Spec, lay: CardLayout) -> bool:
        c = self.theme.colors
        x0, y0, x1, y1 = lay.content_box
        h = y1 - y0
        by = None
        if spec.attribution:
            by = self.fit(spec.attribution, self.fonts.body, (x0, y1 - self.s(96), x1, y1), 32, 22,
                          spacing=1.35, max_lines=2)
            if by is None:
                return False
            by = anchor_bottom(by, y1)
        title_top = y0 + self.s(60)
        title_box = (x0, title_top, x1, y0 + round(h * 0.66))
        title = self.fit(spec.heading, self.fonts.title, title_box, TYPE["cover"], 46, spacing=1.14,
                         bold=self.bold, balance=True, max_lines=4)
        if title is None:
            return False
        if len(title.lines) > 2:  # two lines read at a glance: take them unless the type gets much smaller
            two = self.fit(spec.heading, self.fonts.title, title_box, TYPE["cover"], 46, spacing=1.14,
                           bold=self.bold, balance=True, max_lines=2)
            if two is not None and two.size >= 0.88 * title.size:
                title = two
        placed = [Placed("title", title, c.text, spec.marks, c.accent)]
        if spec.body:
            sub_top = title.bottom + self.s(44)
            limit = (by.boxes[0][1] if by is not None else y1) - self.s(40)
            sub = self.fit(spec.body, self.fonts.body, (x0, sub_top, x1, limit), 56, 30,
                           spacing=1.45, balance=True, max_lines=4)
            if sub is None:
                return False
            placed.append(Placed("subtitle", sub, c.muted))
        bar = ("bar", (x0, title.box[1] - self.s(56), x0 + self.s(128), title.box[1] - self.s(42)), c.accent)
        self._centre(lay, placed, [bar], y0 + self.s(60), (by.boxes[0][1] if by else y1) - self.s(40), 0.40)
        if by is not None:
            lay.texts.append(Placed("byline", by, c.accent))
        lay.family = "headline"
        return True

    def _point(self, spec: Spec, lay: CardLayout) -> bool:
        c = self.theme.colors
        x0, y0, x1, y1 = lay.content_box
        text = self._body_text(spec)
        big = not text  # a heading alone (video frames) is set large
        short = bool(spec.body) and not spec.items and len(spec.body) <= (34 if self.cjk else 90)
        num = self.fit(spec.label or " ", self.fonts.title, (x0, y0, x1, y0 + self.s(150)), 120, 60,
                       spacing=1.05, max_lines=1)
        if num is None:
            return False
        top = num.bottom + self.s(18)
        head = self.fit(spec.heading + self._cont_mark(spec), self.fonts.title,
                        (x0, top, x1, min(y1, top + self.s(480 if big else 340))),
                        TYPE["heading_big" if big else "heading"], 40, spacing=1.16, bold=self.bold, max_lines=3,
                        balance=True)
        if head is None:
            return False
        rule_y = head.bottom + self.s(30)
        placed = [Placed("heading", head, c.text, spec.marks, c.accent)]
        if spec.label:
            placed.insert(0, Placed("number", num, c.accent))
        if text:
            body_top = rule_y + self.s(52)
            # the type scale follows the amount of text: a short point is set large
            top_px = min(TYPE["statement" if short else "body"], round(head.size / self.u * (1.0 if short else 0.9)))
            body = self.fit(text, self.fonts.body, (x0, body_top, x1, y1), max(40, top_px), 32,
                            spacing=1.4 if short else 1.46, justify=self.cjk)
            if body is None:
                return False
            placed.append(Placed("body", body, c.text, spec.marks, None, self.marker))
        bar = ("bar", (x0, rule_y, x0 + self.s(72), rule_y + self.s(7)), c.accent)
        self._centre(lay, placed, [bar], y0, y1, 0.40)
        lay.family = "statement" if short else "point"
        return True

    def _list(self, spec: Spec, lay: CardLayout) -> bool:
        """Numbered items: an accent numeral per item, the items as large as they fit."""
        c = self.theme.colors
        x0, y0, x1, y1 = lay.content_box
        head = self.fit(spec.heading + self._cont_mark(spec), self.fonts.title, (x0, y0, x1, min(y1, y0 + self.s(280))),
                        TYPE["heading"], 40, spacing=1.16, bold=self.bold, max_lines=3, balance=True)
        if head is None:
            return False
        placed = [Placed("heading", head, c.text, spec.marks, c.accent)]
        # the sentence that announces the list travels in one block with its numbered items
        body = self.fit(self._body_text(spec, numbered=True), self.fonts.body,
                        (x0, head.bottom + self.s(40), x1, y1), TYPE["list"], 30, spacing=1.5, justify=self.cjk)
        if body is None:
            return False
        placed.append(Placed("body", body, c.text, spec.marks, None, self.marker, lead=c.accent))
        self._centre(lay, placed, [], y0, y1, 0.40)
        lay.family = "list"
        return True

    def _number(self, spec: Spec, lay: CardLayout) -> bool:
        """A big figure leads ("1855", "8000 年"), the heading and the point under it."""
        c = self.theme.colors
        x0, y0, x1, y1 = lay.content_box
        fig = self.fit(spec.figure, self.fonts.title, (x0, y0, x1, y0 + self.s(340)), TYPE["number"], 120,
                       spacing=1.0, max_lines=1, bold=self.bold)
        if fig is None:
            return False
        placed = [Placed("figure", fig, c.accent)]
        bottom = fig.bottom
        if spec.unit:
            unit_w = x1 - (fig.boxes[0][2] + self.s(16))
            if unit_w > self.s(80):
                ux = fig.boxes[0][2] + self.s(16)
                unit = self.fit(spec.unit, self.fonts.title, (ux, fig.box[1], x1, fig.bottom), 96, 40,
                                spacing=1.0, max_lines=1, bold=self.bold)
                if unit is not None:  # set on the figure's baseline
                    unit = shift_block(unit, fig.boxes[0][3] - unit.boxes[0][3])
                    placed.append(Placed("unit", unit, c.accent))
        head = self.fit(spec.heading + self._cont_mark(spec), self.fonts.title,
                        (x0, bottom + self.s(24), x1, min(y1, bottom + self.s(300))), 80, 40, spacing=1.2,
                        bold=self.bold, max_lines=3, balance=True)
        if head is None:
            return False
        placed.append(Placed("heading", head, c.text))
        text = self._body_text(spec, numbered=True)
        if text:
            body = self.fit(text, self.fonts.body, (x0, head.bottom + self.s(44), x1, y1), TYPE["body"], 32,
                            spacing=1.46, justify=self.cjk)
            if body is None:
                return False
            placed.append(Placed("body", body, c.text, spec.marks, None, self.marker, lead=c.accent))
        self._centre(lay, placed, [], y0, y1, 0.40)
        lay.family = "number"
        return True

    def _quote(self, spec: Spec, lay: CardLayout) -> bool:
        from contentkit.layout import ink_box

        c = self.theme.colors
        x0, y0, x1, y1 = lay.content_box
        if spec.label:
            lab = self.fit(spec.label + self._cont_mark(spec), self.fonts.body, (x0, y0, x1, y0 + self.s(96)),
                           34, 24, spacing=1.35, max_lines=2)
            if lab is None:
                return False
            lay.texts.append(Placed("label", lab, c.muted))
        mark_top = y0 + self.s(110)
        mark = self.fit(self.mark, self.fonts.title, (x0, mark_top, x1, mark_top + self.s(220)), 260, 120,
                        spacing=1.0, max_lines=1)
        if mark is None:
            return False
        ink = ink_box(mark)  # the glyph's ink, not its advance, on the margin and close above the text
        dx = x0 - ink[0]
        mark = shift_block(mark, 0, dx)
        ink = (ink[0] + dx, ink[1], ink[2] + dx, ink[3])
        mark = replace(mark, boxes=(ink,), box=(x0, mark.box[1], max(ink[2], x0 + 1), mark.box[3]))
        q_top = ink[3] + self.s(40)
        q_bottom = y1 - (self.s(120) if spec.attribution else self.s(20))
        quote = self.fit(spec.body, self.fonts.title, (x0, q_top, x1, q_bottom), TYPE["quote"], 38, spacing=1.3,
                         bold=self.bold * 0.6, balance=True)
        if quote is None:
            return False
        placed = [Placed("mark", mark, c.accent), Placed("quote", quote, c.text, spec.marks, c.accent)]
        if spec.attribution:
            att = self.fit(self.dash + spec.attribution, self.fonts.body,
                           (x0, quote.bottom + self.s(40), x1, quote.bottom + self.s(124)), 40, 24,
                           spacing=1.3, max_lines=2, align="right")
            if att is None:
                return False
            placed.append(Placed("attribution", att, c.muted))
        self._centre(lay, placed, [], mark_top, y1, 0.40)
        lay.family = "quote"
        return True

    def _image(self, spec: Spec, lay: CardLayout) -> bool:
        """The story's image full-bleed, the heading and the point on a dark scrim below it. A
        picture wider than the card fills its top part (so the subject is not under the text);
        a tall one fills the card."""
        x0, y0, x1, y1 = lay.content_box
        lay.full_bleed = True
        wide = spec.image is not None and image_aspect(spec.image) > (self.W / self.H) * 1.15
        lay.image_box = (0, 0, self.W, round(self.H * 0.60)) if wide else (0, 0, self.W, self.H)
        white = "#FFFFFF"
        placed: list[Placed] = []
        cap = None
        if spec.body:
            cap = self.fit(spec.body, self.fonts.body, (x0, y1 - self.s(360), x1, y1), 54, 30, spacing=1.5,
                           max_lines=5, justify=self.cjk)
            if cap is None:
                return False
            cap = anchor_bottom(cap, y1)
        limit = cap.boxes[0][1] - self.s(36) if cap is not None else y1
        if spec.heading:
            head = self.fit(spec.heading, self.fonts.title, (x0, limit - self.s(300), x1, limit), 96, 40,
                            spacing=1.2, bold=self.bold, max_lines=3, balance=True)
            if head is None:
                return False
            head = anchor_bottom(head, limit)
            placed.append(Placed("heading", head, white, spec.marks, self.photo_mark))
        if cap is not None:
            placed.append(Placed("caption", cap, white))
        lay.texts.extend(placed)
        top = min((p.block.boxes[0][1] for p in placed), default=y1)
        scrim_top = min(top - self.s(260), lay.image_box[3] - self.s(320)) if wide else top - self.s(260)
        lay.shapes.append(("scrim", (0, max(0, scrim_top), self.W, self.H), "#000000"))
        lay.family = "photo"
        return True

    def _scene(self, spec: Spec, lay: CardLayout) -> bool:
        """A video beat with no picture, designed to fill the frame: the beat number (or the
        figure it leads with) very large in the accent colour, the key phrase large on a
        full-width accent panel, and the figures and names the voice says (``items``) as a
        line of highlighted terms under it; the stack centred in the free height. Where the
        platform leaves less room (Reels keeps 35 % at the bottom free), the terms go first,
        then the lead and the panel get smaller."""
        for terms, lead_px, panel_min in ((True, TYPE["number"], 0.25), (False, TYPE["number"], 0.22),
                                          (False, 160, 0.16), (False, 110, 0.0)):
            if self._scene_try(spec, lay, terms and bool(spec.items), lead_px, panel_min):
                return True
        return False

    def _scene_try(self, spec: Spec, lay: CardLayout, terms: bool, lead_px: int, panel_min: float) -> bool:
        c = self.theme.colors
        x0, y0, x1, y1 = lay.content_box
        h = y1 - y0
        lead_text = spec.figure + spec.unit if spec.figure else spec.label
        lead = self.fit(lead_text or " ", self.fonts.title, (x0, y0, x1, y0 + round(h * 0.24)),
                        lead_px, min(lead_px, 80), spacing=1.0, max_lines=1, bold=self.bold)
        if lead is None:
            return False
        pad = self.s(64 if panel_min >= 0.2 else 40)
        panel_top = lead.bottom + self.s(40 if panel_min >= 0.2 else 24)
        room = self.s(230) if terms else 0  # for the line of terms under the panel
        head_box = (x0, panel_top + pad, x1, min(y1 - pad - room, panel_top + pad + round(h * 0.50)))
        if head_box[3] - head_box[1] < self.s(60):
            return False
        head = self.fit(spec.heading, self.fonts.title, head_box, TYPE["heading_big"], 48, spacing=1.18,
                        bold=self.bold, max_lines=4, balance=True)
        if head is None:
            return False
        # the panel is at least ``panel_min`` of the frame: the phrase sits in a block of colour
        panel_bottom = min(max(head.bottom + pad, panel_top + round(self.H * panel_min)), y1 - room)
        if panel_bottom < head.bottom + pad // 2:
            return False
        head = shift_block(head, max(0, (panel_bottom - (head.bottom + pad)) // 2))
        placed = [Placed("figure" if spec.figure else "number", lead, c.accent),
                  Placed("heading", head, c.on_accent, spec.marks, c.background)]
        bottom = panel_bottom
        if terms:
            line = "  ·  ".join(spec.items)
            t = self.fit(line, self.fonts.title, (x0, panel_bottom + self.s(44), x1,
                                                   min(y1, panel_bottom + self.s(230))),
                         68, 34, spacing=1.25, max_lines=2, bold=self.bold)
            if t is not None:
                placed.append(Placed("terms", t, c.accent))
                bottom = t.bottom
        dy = max(0, round((y1 - bottom) * 0.45))
        lay.texts.extend(replace(p, block=shift_block(p.block, dy)) for p in placed)
        lay.shapes.append(("panel", (0, panel_top + dy, self.W, panel_bottom + dy), c.accent))
        lay.family = "scene"
        return True

    def _vcover(self, spec: Spec, lay: CardLayout) -> bool:
        """A video's first frame, which platforms take as its thumbnail: the title large, the
        hook (``body``) on a full-width accent panel under it, the byline under that."""
        c = self.theme.colors
        x0, y0, x1, y1 = lay.content_box
        h = y1 - y0
        title = self.fit(spec.heading, self.fonts.title, (x0, y0 + self.s(70), x1, y0 + round(h * 0.50)),
                         TYPE["cover"], 56, spacing=1.14, bold=self.bold, balance=True, max_lines=4)
        if title is None:
            return False
        placed = [Placed("title", title, c.text, spec.marks, c.accent)]
        shapes = [("bar", (x0, title.box[1] - self.s(56), x0 + self.s(128), title.box[1] - self.s(42)), c.accent)]
        pad = self.s(60)
        panel_top = title.bottom + self.s(56)
        bottom = title.bottom
        if spec.body:
            room = self.s(120) if spec.attribution else 0
            hook = self.fit(spec.body, self.fonts.title,
                            (x0, panel_top + pad, x1, min(y1 - pad - room, panel_top + pad + round(h * 0.40))),
                            72, 40, spacing=1.3, bold=self.bold * 0.6, balance=True, max_lines=5)
            if hook is None:
                return False
            panel_bottom = max(hook.bottom + pad, panel_top + round(self.H * 0.22))
            hook = shift_block(hook, (panel_bottom - (hook.bottom + pad)) // 2)
            placed.append(Placed("hook", hook, c.on_accent))
            shapes.append(("panel", (0, panel_top, self.W, panel_bottom), c.accent))
            bottom = panel_bottom
        if spec.attribution:
            by = self.fit(spec.attribution, self.fonts.body, (x0, bottom + self.s(36), x1, bottom + self.s(130)),
                          34, 22, spacing=1.35, max_lines=2)
            if by is not None:
                placed.append(Placed("byline", by, c.accent))
                bottom = by.bottom
        dy = max(0, round((y1 - bottom) * 0.40))
        lay.texts.extend(replace(p, block=shift_block(p.block, dy)) for p in placed)
        lay.shapes.extend((k, (b[0], b[1] + dy, b[2], b[3] + dy), col) for k, b, col in shapes)
        lay.family = "headline"
        return True

    def _vcta(self, spec: Spec, lay: CardLayout) -> bool:
        """A video's closing call to action: the card's, with its line on a darker band and the
        handle on a follow button."""
        if not self._cta(spec, lay):
            return False
        c = self.theme.colors
        texts = []
        for p in lay.texts:
            b = p.block.box
            if p.role == "cta":  # a band at least 30 % of the frame behind the line, above the button
                bottom = b[3] + self.s(44)
                top = min(b[1] - self.s(72), bottom - round(self.H * 0.30))
                lay.shapes.append(("panel", (0, max(0, top), self.W, bottom), _mix(c.accent, "#000000", 0.45)))
            elif p.role == "handle":
                ink = p.block.boxes[0]
                px, py = self.s(48), self.s(22)
                lay.shapes.append(("button", (ink[0] - px, ink[1] - py, ink[2] + px, ink[3] + py), c.on_accent))
                p = replace(p, color=c.accent)
            texts.append(p)
        lay.texts = texts
        return True

    def _cta(self, spec: Spec, lay: CardLayout) -> bool:
        c = self.theme.colors
        x0, y0, x1, y1 = lay.content_box
        h = y1 - y0
        main = self.fit(spec.heading, self.fonts.title, (x0, y0 + round(h * 0.14), x1, y0 + round(h * 0.62)),
                        TYPE["cta"], 44, spacing=1.22, bold=self.bold, align="center", balance=True)
        if main is None:
            return False
        dy = max(0, (round(h * 0.44) - main.height) // 2)
        main = shift_block(main, dy)
        lay.texts.append(Placed("cta", main, c.on_accent))
        y = main.bottom + self.s(64)
        if spec.body:
            handle = self.fit(spec.body, self.fonts.body, (x0, y, x1, y + self.s(90)), 52, 28,
                              spacing=1.3, max_lines=1, align="center")
            if handle is None:
                return False
            lay.texts.append(Placed("handle", handle, c.on_accent))
            y = handle.bottom + self.s(40)
        if spec.attribution:
            tags = self.fit(spec.attribution, self.fonts.body, (x0, max(y, y1 - self.s(220)), x1, y1), 38, 24,
                            spacing=1.5, max_lines=3, align="center")
            if tags is None:
                return False
            lay.texts.append(Placed("hashtags", tags, c.on_accent))
        lay.family = "cta"
        return True

    def _cont_mark(self, spec: Spec) -> str:
        if not spec.cont:
            return ""
        return msg(self.lang, "continued")


def anchor_bottom(block, y: int):
    """The block moved so its last line ends at ``y``; its box ends there too."""
    moved = shift_block(block, y - max(b[3] for b in block.boxes))
    x0, y0, x1, _ = moved.box
    return replace(moved, box=(x0, min(y0, y), x1, y))


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

    if spec.kind not in ("point", "quote", "list", "number", "cover"):
        return None
    if spec.items and len(spec.items) > 1:
        k = math.ceil(len(spec.items) / 2)
        return [replace(spec, items=spec.items[:k]),
                replace(spec, body="", items=spec.items[k:], cont=spec.cont + 1, order=spec.order + 0.01,
                        first=spec.first + k)]
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
@lru_cache(maxsize=4)
def _gradient_cached(w: int, h: int, top, bottom):
    return _gradient_uncached(w, h, top, bottom)


def forget_gradients() -> None:
    """Drop the cached full-size gradients (4-6 MB each), as a format ends."""
    _gradient_cached.cache_clear()


def _gradient(w: int, h: int, top, bottom):
    return _gradient_cached(w, h, top, bottom).copy()


def _gradient_uncached(w: int, h: int, top, bottom):
    from PIL import Image

    if top == bottom:
        return Image.new("RGB", (w, h), rgb(top))
    mask = Image.linear_gradient("L").resize((w, h))
    return Image.composite(Image.new("RGB", (w, h), rgb(bottom)), Image.new("RGB", (w, h), rgb(top)), mask)


def subject_centring(src, w: int, h: int) -> tuple[float, float]:
    """Where to crop ``src`` to the aspect ``w``:``h`` so the window holds its subject: the
    window (along the axis that is cut) with the most edge energy, on a small thumbnail."""
    from PIL import ImageFilter

    sw, sh = src.size
    if sw * h == sh * w:
        return 0.5, 0.5
    thumb = src.convert("L")
    thumb.thumbnail((96, 96))
    edges = thumb.filter(ImageFilter.FIND_EDGES)
    tw, th = edges.size
    px = edges.load()
    cut_x = sw * h > sh * w  # the image is wider than the frame: choose a column window
    n = tw if cut_x else th
    energy = [sum(px[i, j] if cut_x else px[j, i] for j in range(th if cut_x else tw)) for i in range(n)]
    win = max(1, round(n * ((sh * w / h) / sw if cut_x else (sw * h / w) / sh)))
    if win >= n:
        return 0.5, 0.5
    sums = [sum(energy[i:i + win]) for i in range(n - win + 1)]
    mid = (n - win) / 2
    best = max(range(len(sums)), key=lambda i: (sums[i], -abs(i - mid)))
    t = best / (n - win)
    return (t, 0.5) if cut_x else (0.5, t)


def _cover_crop(path: Path, w: int, h: int):
    from PIL import Image, ImageOps

    with Image.open(path) as src:
        rgb = ImageOps.exif_transpose(src).convert("RGB")
        return ImageOps.fit(rgb, (w, h), method=Image.Resampling.LANCZOS, centering=subject_centring(rgb, w, h))


def image_aspect(path: Path) -> float:
    from PIL import Image

    with Image.open(path) as im:
        return im.width / max(1, im.height)


def _scrim(img, box: tuple[int, int, int, int], strength: float = 0.80, rise: float = 0.45):
    """Darken ``box`` from transparent at its top to ``strength`` black at its bottom (the lower
    part of a photo under text), eased so that no edge shows."""
    from PIL import Image

    x0, y0, x1, y1 = box
    h = max(1, y1 - y0)
    ramp = Image.linear_gradient("L").resize((1, 256))
    curve = [round(255 * strength * min(1.0, (i / 255) / rise) ** 1.6) for i in range(256)]
    alpha = ramp.point(curve).resize((x1 - x0, h), Image.Resampling.BILINEAR)
    black = Image.new("RGB", (x1 - x0, h), (0, 0, 0))
    img.paste(black, (x0, y0), alpha)


def draw(lay: CardLayout, theme, cover_image: Path | None):
    from PIL import Image, ImageDraw

    c = theme.colors
    W, H = lay.width, lay.height
    kind = lay.spec.kind
    photo_cover = kind == "cover" and theme.style.background == "image" and cover_image is not None
    if lay.full_bleed and lay.spec.image is not None:
        ib = lay.image_box or (0, 0, W, H)
        img = Image.new("RGB", (W, H), (14, 12, 13))
        img.paste(_cover_crop(lay.spec.image, ib[2] - ib[0], ib[3] - ib[1]), (ib[0], ib[1]))
        top = min((b[1] for k, b, _ in lay.shapes if k == "scrim"), default=H // 2)
        _scrim(img, (0, top, W, ib[3]), strength=0.94, rise=1.0) if ib[3] < H else _scrim(img, (0, top, W, H))
        chrome = Image.new("RGB", (W, round(H * 0.12)), (0, 0, 0))  # the brand line over the photo
        img.paste(chrome, (0, 0), Image.linear_gradient("L").rotate(180).resize(chrome.size).point(lambda v: v * 0.45))
    elif photo_cover:
        assert cover_image is not None
        img = _cover_crop(cover_image, W, H)
        scrim = Image.new("RGB", (W, H), rgb(c.background))
        img = Image.blend(img, scrim, theme.style.scrim)
    else:
        img = plain_field(lay, theme)
    d = ImageDraw.Draw(img)
    u = W / 1080.0
    shape = theme.style.accent_shape
    if kind in ("cta", "vcta"):
        r = round(420 * u)
        d.ellipse((-r * 0.6, H - r * 0.9, r * 1.0, H + r * 0.7), fill=_mix(c.on_accent, c.accent, 0.88))
    elif not lay.full_bleed and not photo_cover:  # no ornament over a photograph
        if shape == "circle":
            r = round(260 * u)
            d.ellipse((W - r * 1.3, -r * 0.7, W + r * 0.7, r * 1.3), fill=_mix(c.accent, c.background, 0.78))
        elif shape == "corner":
            s = round(150 * u)
            d.polygon([(W, H), (W - s, H), (W, H - s)], fill=rgb(c.accent))
    for sk, box, color in lay.shapes:
        if sk == "bar":
            d.rectangle(box, fill=rgb(color))
        elif sk == "button":
            d.rounded_rectangle(box, radius=(box[3] - box[1]) // 2, fill=rgb(color))
        elif sk == "panel":  # a block of colour with a darker lower edge
            d.rectangle(box, fill=rgb(color))
            edge = max(1, round(12 * u))
            d.rectangle((box[0], box[3] - edge, box[2], box[3]), fill=_mix(color, "#000000", 0.30))
    if lay.image_box is not None and lay.spec.image is not None and not lay.full_bleed:
        x0, y0, x1, y1 = lay.image_box
        pic = _cover_crop(lay.spec.image, x1 - x0, y1 - y0)
        mask = Image.new("L", pic.size, 0)
        ImageDraw.Draw(mask).rounded_rectangle((0, 0, pic.size[0] - 1, pic.size[1] - 1),
                                               radius=round(theme.style.radius * u), fill=255)
        img.paste(pic, (x0, y0), mask)
    if lay.logo is not None:
        _paste_logo(img, *lay.logo)
    _draw_texts(d, lay)
    return img


def _draw_texts(d, lay: CardLayout) -> None:
    """Every placed text block of a layout, with its colour, marks, marker and lead."""
    from contentkit.layout import draw_block

    for placed in lay.texts:
        draw_block(d, placed.block, rgb(placed.color), marks=placed.marks,
                   mark_fill=rgb(placed.mark_color) if placed.mark_color else None,
                   marker=rgb(placed.marker) if placed.marker is not None else None,
                   lead_fill=rgb(placed.lead) if placed.lead else None)


def plain_field(lay: CardLayout, theme):
    """The empty field a card or frame of this kind is drawn on (gradient or flat colour)."""
    from PIL import Image

    c = theme.colors
    W, H = lay.width, lay.height
    if lay.spec.kind in ("cta", "vcta"):
        return _gradient(W, H, c.accent, _mix(c.accent, "#000000", 0.25))
    if theme.style.background == "flat":
        return Image.new("RGB", (W, H), rgb(c.background))
    return _gradient(W, H, c.background, c.background2)


def background_share(img, lay: CardLayout, theme, cover_image: Path | None = None) -> float:
    """How much of a drawn card or frame is still its empty field: the share of pixels within
    a few levels of it (a photograph counts as content; 0.0 for a full-bleed photo)."""
    from PIL import ImageChops

    if has_photo(lay, theme, cover_image):
        return 0.0
    diff = ImageChops.difference(img.convert("RGB"), plain_field(lay, theme)).convert("L")
    small = diff.reduce(4)
    hist = small.point(lambda v: 255 if v > 10 else 0).histogram()
    return round(hist[0] / max(1, small.width * small.height), 4)


def overlay_layer(lay: CardLayout, theme):
    """What a full-bleed frame draws over its picture (scrim, brand line, texts, logo), on a
    transparent layer: put over a moving clip, it gives the frame ``draw`` gives over a still."""
    from PIL import Image, ImageDraw

    W, H = lay.width, lay.height
    img = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    ib = lay.image_box or (0, 0, W, H)
    top = min((b[1] for k, b, _ in lay.shapes if k == "scrim"), default=H // 2)
    _scrim(img, (0, top, W, ib[3]), strength=0.94, rise=1.0) if ib[3] < H else _scrim(img, (0, top, W, H))
    chrome = Image.new("RGB", (W, round(H * 0.12)), (0, 0, 0))
    img.paste(chrome, (0, 0), Image.linear_gradient("L").rotate(180).resize(chrome.size).point(lambda v: v * 0.45))
    if lay.logo is not None:
        _paste_logo(img, *lay.logo)
    d = ImageDraw.Draw(img)
    for sk, box, color in lay.shapes:  # the progress bar of the beats
        if sk == "bar":
            d.rectangle(box, fill=rgb(color))
    _draw_texts(d, lay)
    return img


def _paste_logo(img, path: Path, box: tuple[int, int, int, int]) -> None:
    """The logo scaled to fit the box (aspect kept), centred, with its transparency."""
    from PIL import Image

    with Image.open(path) as im:
        logo = im.convert("RGBA")
    w, h = box[2] - box[0], box[3] - box[1]
    scale = min(w / logo.width, h / logo.height)
    logo = logo.resize((max(1, round(logo.width * scale)), max(1, round(logo.height * scale))), Image.Resampling.LANCZOS)
    img.paste(logo, (box[0] + (w - logo.width) // 2, box[1] + (h - logo.height) // 2), logo)


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
    return has_photo(lay, theme, cover_image) or not flat or lay.logo is not None


def png_kind(lay: CardLayout, theme, cover_image: Path | None) -> str:
    """How ``png_bytes`` encodes this card: "photo", "rgb" (a gradient or a logo) or "palette"."""
    if has_photo(lay, theme, cover_image):
        return "photo"
    return "rgb" if needs_rgb(lay, theme, cover_image) else "palette"


def png_bytes(img, kind: str = "palette", exact: tuple = ()) -> bytes:
    """Deterministic, compact PNG with no metadata, by ``kind`` (see ``png_kind``):

    * "photo" (a photograph, a contact sheet or storyboard of them): full colour through
      Pillow's encoder, whose per-row filters (Sub, Up, Paeth...) are what makes a photo small;
    * "rgb" (a gradient field, text and shapes): full colour, every row unfiltered, deflated
      by zlib-ng: rows of a vertical gradient repeat whole runs of bytes that deflate finds
      without a filter. About a fifth of the time Pillow takes, at 5 % fewer bytes;
    * "palette" (a flat field): 256 colours, sharp at under half the bytes, written the same way.
    """
    from PIL import Image

    if kind == "photo":
        buf = io.BytesIO()
        # zlib's run-length strategy (compress_type 3, Z_RLE) after PNG's row filters is
        # faster than level 3's matching and about 3 % smaller on photos
        img.save(buf, "PNG", compress_level=3, compress_type=3)
        return buf.getvalue()
    if kind == "palette":
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
        return unfiltered_png(img, level=6)
    return unfiltered_png(img.convert("RGB"), level=3)


def unfiltered_png(img, level: int) -> bytes:
    """A PNG (ISO/IEC 15948) of an RGB or palette image: IHDR, PLTE for a palette, one IDAT
    of rows with filter type 0 deflated by zlib-ng at ``level``, IEND; no other chunk, so the
    bytes depend on the pixels alone. Pillow cannot write this: its encoder tries five
    filters on every row, two thirds of its time on a card, for bigger files on gradients."""
    import struct

    from zlib_ng import zlib_ng

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib_ng.crc32(tag + data))

    w, h = img.size
    palette = img.mode == "P"
    bpp = 1 if palette else 3
    raw = img.tobytes()
    stride = w * bpp
    rows = b"".join(b"\0" + raw[i:i + stride] for i in range(0, len(raw), stride))
    out = [b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 3 if palette else 2, 0, 0, 0))]
    if palette:
        pal = bytes(img.getpalette("RGB") or [])
        out.append(chunk(b"PLTE", pal[:768]))
    out += [chunk(b"IDAT", zlib_ng.compress(rows, level)), chunk(b"IEND", b"")]
    return b"".join(out)


class PngEncoder:
    """PNG encoding on threads beside the drawing (Pillow's encoder releases the GIL), written
    in submission order so the files and the manifest are the same as one after another.

    At most ``2 * threads`` drawn cards wait for their encode: drawing is faster than
    encoding, and a card is 4-6 MB until it is encoded. A card for a contact sheet leaves
    its thumbnail behind, so the sheet never needs the cards themselves."""

    def __init__(self, out, threads: int = 2) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.out = out
        self.pool = ThreadPoolExecutor(max_workers=threads)
        self.limit = 2 * threads
        self.pending: list = []
        self.arts: list = []
        self.mark = 0  # pending[:mark] may be written: submitted before the last checkpoint
        self.thumbs: list = []  # (future, thumbnail size, png kind) of the cards on the next contact sheet

    def submit(self, rel: str, img, kind: str = "palette", exact: tuple = (), sheet: bool = False, **meta) -> None:
        """Encode ``img`` to ``rel``; ``sheet``: it is on the next contact sheet."""
        busy = [f for r, f, _ in self.pending if r is not None and not f.done()]
        if len(busy) >= self.limit:
            busy[0].result()  # wait for the oldest: it holds a drawn card
        fut = self.pool.submit(_encode, img, kind, exact, sheet)
        self.pending.append((rel, fut, meta))
        if sheet:
            self.thumbs.append((fut, (THUMB_W, round(THUMB_W * img.height / img.width)), kind))

    def submit_sheet(self, rel: str, **meta) -> None:
        """A contact sheet of the cards submitted with ``sheet`` since the last one, made and
        encoded on a thread (its size in ``meta``). The pool runs jobs in submission order,
        so every card's job has started before the sheet's job waits for it."""
        futs, self.thumbs = self.thumbs, []
        if not futs:
            return
        size = contact_sheet_size([wh for _, wh, _ in futs])
        # a sheet of cards without photographs is gradients, text and shapes too
        kind = "photo" if any(k == "photo" for _, _, k in futs) else "rgb"

        def make() -> bytes:
            return png_bytes(contact_sheet([f.result()[1] for f, _, _ in futs]), kind)

        self.pending.append((rel, self.pool.submit(make), dict(meta, width=size[0], height=size[1])))

    def _result(self, fut) -> bytes:
        got = fut.result()
        return got[0] if isinstance(got, tuple) else got

    def later(self, write) -> None:
        """Another write (``write()`` returns its Artifact), kept in its place among the PNGs."""
        self.pending.append((None, write, None))

    def _write(self, upto: int) -> None:
        done, self.pending = self.pending[:upto], self.pending[upto:]
        for rel, fut, meta in done:
            self.arts.append(fut() if rel is None else self.out.write(rel, self._result(fut), **meta))

    def checkpoint(self) -> None:
        """Write what was submitted before the previous checkpoint (its encodes had a whole
        platform's drawing to finish in), so that at most two platforms' images and PNGs are
        held at once: holding every platform's until the end made a cards build 420 MB."""
        try:
            self._write(self.mark)
        except BaseException:
            self.pool.shutdown(wait=True, cancel_futures=True)
            raise
        self.mark = len(self.pending)

    def write_all(self) -> list:
        """Write everything submitted, in order (tmp file + rename, as ``Output.write``); the Artifacts."""
        try:
            self._write(len(self.pending))
        finally:
            self.pending = []
            self.pool.shutdown(wait=True, cancel_futures=True)
        arts, self.arts = self.arts, []
        return arts


THUMB_W, SHEET_COLS, SHEET_GAP = 360, 3, 24


def thumbnail(im):
    """A card as its contact sheet shows it: ``THUMB_W`` wide. A card a whole multiple of that
    wide (every platform's 1080) is averaged over boxes of that many pixels, a fifth of the
    time Lanczos takes; any other width is reduced by 2 first, then Lanczos."""
    from PIL import Image

    w, h = im.size
    if w % THUMB_W == 0 and h % (w // THUMB_W) == 0:
        return im.reduce(w // THUMB_W)
    return im.resize((THUMB_W, round(THUMB_W * h / w)), Image.Resampling.LANCZOS, reducing_gap=1.5)


def _encode(img, kind: str, exact: tuple, thumb: bool):
    """(PNG bytes, thumbnail or None) of a card, on an encoder thread."""
    return png_bytes(img, kind, exact), (thumbnail(img) if thumb else None)


def contact_sheet_size(thumbs: list) -> tuple[int, int]:
    """The sheet's size for thumbnails of these (width, height) sizes (all alike)."""
    th = thumbs[0][1]
    rows = math.ceil(len(thumbs) / SHEET_COLS)
    return SHEET_COLS * THUMB_W + (SHEET_COLS + 1) * SHEET_GAP, rows * th + (rows + 1) * SHEET_GAP


def contact_sheet(thumbs: list, bg: str = "#E9E4DE"):
    """The thumbnails (``thumbnail``) on a grid of ``SHEET_COLS`` columns."""
    from PIL import Image

    if not thumbs:
        return None
    th = thumbs[0].height
    sheet = Image.new("RGB", contact_sheet_size([t.size for t in thumbs]), rgb(bg))
    for i, t in enumerate(thumbs):
        r, col = divmod(i, SHEET_COLS)
        sheet.paste(t, (SHEET_GAP + col * (THUMB_W + SHEET_GAP), SHEET_GAP + r * (th + SHEET_GAP)))
    return sheet


# ------------------------------------------------------------------------------ plugin
