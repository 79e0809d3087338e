"""Text layout for cards and video frames: fonts, coverage, CJK line breaking, fitting.

* Fonts are found in this order: an explicit path (``--font`` / theme), system fonts through
  fontconfig, then the Noto Sans/Serif SC fonts that the ``pylopdf-fonts-zh-cn`` pip package
  installs, so a fresh machine with only pip renders Chinese.
* Before drawing, the font's cmap must cover the text; emoji and symbols no font covers are
  removed (and reported) instead of being drawn as tofu boxes.
* Chinese breaks between jieba words and obeys kinsoku (no line starts with ，。、；：？！）」”
  and none ends with （「“); English breaks between words and hyphenates nothing.
* ``fit`` picks the largest font size whose wrapped lines fit the box; when nothing fits at
  the minimum legible size it says so and the caller moves text to another card.
"""

from __future__ import annotations

import re
import unicodedata
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from contentkit.errors import ContentkitError
from contentkit.text import is_cjk

# Kinsoku shori: characters that may not start a line, and those that may not end one.
NO_START = set("，。、；：？！）」』”’》〉】〕…—～·.,;:?!)]}%‰°℃" + "ー々ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
NO_END = set("（「『“‘《〈【〔([{#$￥¥")


@dataclass(frozen=True)
class FontRef:
    path: str
    index: int = 0
    source: str = "pip"  # "explicit", "theme", "system", "pip"

    @property
    def label(self) -> str:
        return f"{Path(self.path).name}#{self.index}" if self.index else Path(self.path).name


# ------------------------------------------------------------------------------ fonts
@lru_cache(maxsize=64)
def _cmap(path: str, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(path, fontNumber=index, lazy=True)
        cmap = font.getBestCmap() or {}
    except Exception as exc:  # not a font, unreadable
        raise ContentkitError(f"cannot read font: {exc}", path=path) from None
    return frozenset(cmap)


def covers(font: FontRef, text: str) -> list[str]:
    """Characters of ``text`` the font has no glyph for (whitespace ignored)."""
    cmap = _cmap(font.path, font.index)
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in cmap
                   and ch not in "\u200d\ufe0f"})


@lru_cache(maxsize=16)
def _fc_match(pattern: str) -> FontRef | None:
    """The system font fontconfig has for ``pattern``, only if it is that family (fc-match
    always answers with something, often DejaVu). ``CONTENTKIT_FONTS=bundled`` skips system
    fonts, so every machine draws with the same pip-installed fonts (identical bytes)."""
    import os

    if os.environ.get("CONTENTKIT_FONTS", "").lower() == "bundled":
        return None
    exe = shutil.which("fc-match")
    if not exe:
        return None
    try:
        r = subprocess.run([exe, "-f", "%{file}|%{index}|%{family}", pattern], capture_output=True,
                           text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    if r.returncode != 0 or r.stdout.count("|") < 2:
        return None
    path, index, families = r.stdout.strip().split("|", 2)
    wanted = pattern.split(":", 1)[0].strip().lower()
    if wanted not in [f.strip().lower() for f in families.split(",")]:
        return None
    if not Path(path).is_file():
        return None
    try:
        return FontRef(path, int(index or 0), "system")
    except ValueError:
        return None


def _pip_font(role: str) -> FontRef | None:
    try:
        import pylopdf_fonts_zh_cn as pkg
    except ImportError:
        return None
    path = pkg.serif_path() if role == "serif" else pkg.sans_path()
    return FontRef(str(path), 0, "pip") if Path(path).is_file() else None


def font_candidates(role: str, lang: str, explicit: str | None = None) -> list[FontRef]:
    """Fonts to try, in order: explicit path, system (fontconfig), pip-installed Noto."""
    out: list[FontRef] = []
    if explicit:
        path, _, idx = explicit.partition("#")
        p = Path(path).expanduser()
        if not p.is_file():
            raise ContentkitError("font file not found", path=str(path), key="font")
        out.append(FontRef(str(p), int(idx) if idx.isdigit() else 0, "explicit"))
    zh = lang.startswith("zh")
    if zh:
        family = "Noto Serif CJK SC" if role == "serif" else "Noto Sans CJK SC"
        if lang == "zh-Hant":
            family = family.replace(" SC", " TC")
        patterns = [f"{family}:lang={'zh-tw' if lang == 'zh-Hant' else 'zh-cn'}"]
    else:
        base = "Noto Serif" if role == "serif" else "Noto Sans"
        patterns = [f"{base}:lang=en", f"{base} CJK SC:lang=en"]
    for pat in patterns:
        ref = _fc_match(pat)
        if ref and ref not in out:
            out.append(ref)
    pip = _pip_font(role) or _pip_font("sans")
    if pip:
        out.append(pip)
    return out


def pick_font(role: str, lang: str, text: str, explicit: str | None = None,
              warnings: list[str] | None = None) -> FontRef:
    """The first candidate that covers ``text`` (ignoring emoji); a clear error otherwise."""
    cands = font_candidates(role, lang, explicit)
    if not cands:
        raise ContentkitError("no font found: install the 'pylopdf-fonts-zh-cn' package or pass "
                              "-O cards.font=PATH")
    probe = strip_unsupported(text)
    best, best_missing = None, None
    for ref in cands:
        missing = covers(ref, probe)
        if not missing:
            return ref
        if best_missing is None or len(missing) < len(best_missing):
            best, best_missing = ref, missing
        if ref.source == "explicit" and warnings is not None:
            warnings.append(f"font {ref.label} lacks {len(missing)} character(s) such as "
                            f"{''.join(missing[:5])}; using a fallback font")
    assert best is not None and best_missing is not None
    # Nothing covers everything: use the best, and the uncovered characters are dropped later.
    if len(best_missing) > max(3, len(set(probe)) // 10):
        shown = ", ".join(f"{ch} U+{ord(ch):04X}" for ch in best_missing[:8])
        raise ContentkitError(f"no font covers the text (missing {shown}); "
                              "pass -O cards.font=PATH (or video.font, live.theme) with a font that has them")
    return best


def strip_unsupported(text: str) -> str:
    """Remove emoji (no colour-emoji font is drawn on cards), variation selectors and the
    invisible format characters (zero-width spaces, bidi marks, word joiners, BOM): they draw
    nothing, so no font needs them."""
    import emoji

    out = emoji.replace_emoji(text, replace="")
    out = re.sub(r"[\ufe00-\ufe0f\u200d\u20e3]", "", out)
    return "".join(ch for ch in out if unicodedata.category(ch) != "Cf")


def clean_for_font(text: str, font: FontRef, warnings: list[str] | None = None) -> str:
    text = strip_unsupported(text)
    missing = covers(font, text)
    if missing:
        if warnings is not None:
            shown = ", ".join(f"{ch} U+{ord(ch):04X}" for ch in missing[:8])
            warnings.append(f"removed {len(missing)} character(s) the font cannot draw: {shown}")
        text = "".join(ch for ch in text if ch not in set(missing))
    return re.sub(r"[ \t]{2,}", " ", text).strip()


@lru_cache(maxsize=16)
def font_family(ref: FontRef) -> str:
    """The font's family name (name table ID 1), as libass and players look fonts up."""
    from fontTools.ttLib import TTFont

    font = TTFont(ref.path, fontNumber=ref.index, lazy=True)
    name = font["name"].getDebugName(1) or Path(ref.path).stem
    return name


@lru_cache(maxsize=256)
def pil_font(path: str, index: int, size: int):
    from PIL import ImageFont

    try:
        return ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.BASIC)
    except OSError as exc:
        raise ContentkitError(f"cannot load font: {exc}", path=path) from None


def get_font(ref: FontRef, size: int):
    return pil_font(ref.path, ref.index, int(size))


# ------------------------------------------------------------------------------ tokens
_LATIN_SPLIT = re.compile(r"([A-Za-z0-9À-ɏ](?:[A-Za-z0-9À-ɏ'’\-.%/&+]|[.,](?=[A-Za-z0-9]))*)")


def tokenize(text: str) -> list[str]:
    return list(_tokenize(text))


@lru_cache(maxsize=4096)
def _tokenize(text: str) -> tuple[str, ...]:
    """Unbreakable tokens: jieba words for Chinese, words for Latin text, with kinsoku glue.

    Closing punctuation sticks to the token before it and opening punctuation to the token
    after it, so no line can start or end with a forbidden character.
    """
    raw: list[str] = []
    if any(is_cjk(ch) for ch in text):
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        # Latin words (Château, 1855, U.S.) stay whole; only the CJK runs go to jieba.
        for k, run in enumerate(_LATIN_SPLIT.split(text)):
            if not run:
                continue
            if k % 2:
                raw.append(run)
            else:
                from contentkit.editorial.lexicon import remap, simplified

                for piece in remap(run, list(jieba.cut(simplified(run), HMM=True))):
                    raw.extend(_split_latin_spaces(piece))
    else:
        raw = _split_latin_spaces(text)
    # glue kinsoku characters
    tokens: list[str] = []
    pending_open = ""
    for tok in raw:
        if tok.isspace():
            if pending_open:
                continue
            tokens.append(" ")
            continue
        if pending_open:
            tok = pending_open + tok
            pending_open = ""
        if all(ch in NO_END for ch in tok):
            pending_open += tok
            continue
        if tokens and tokens[-1] != " " and tok[0] in NO_START:
            tokens[-1] = tokens[-1] + tok  # attach to the token it directly follows
            continue
        tokens.append(tok)
    if pending_open:
        tokens.append(pending_open)
    tokens = _glue_single_hanzi(tokens)
    # collapse repeated spaces, trim
    out: list[str] = []
    for t in tokens:
        if t == " " and (not out or out[-1] == " "):
            continue
        out.append(t)
    while out and out[-1] == " ":
        out.pop()
    return tuple(out)


# Particles that end the word before them: a line never starts with one.
PARTICLES = set("的了着著过過吗嗎呢吧们們地得么麼啊呀嘛")
GLUE_MAX = 6  # characters: longer glued runs would leave too few places to break


def _hanzi(tok: str) -> bool:
    return bool(tok) and all(is_cjk(ch) for ch in tok)


def _glue_single_hanzi(tokens: list[str]) -> list[str]:
    """A one-character word stays with its neighbour: particles and measure words with the word
    before them (红酒里的, 八千年, 公众号), a lone first character with the word after it (阮一峰)."""
    out: list[str] = []
    for tok in tokens:
        prev = out[-1] if out else ""
        core = tok.rstrip("".join(NO_START))
        single = len(core) == 1 and _hanzi(core)
        if single and _hanzi(prev[-1:]) and (core in PARTICLES or len(prev) + len(tok) <= GLUE_MAX):
            out[-1] = prev + tok
        elif len(prev) == 1 and _hanzi(prev) and _hanzi(tok[:1]) and len(prev) + len(tok) <= GLUE_MAX \
                and (len(out) < 2 or not _hanzi(out[-2][-1:])):
            out[-1] = prev + tok
        else:
            out.append(tok)
    return out


def _split_latin_spaces(piece: str) -> list[str]:
    if piece.isspace():
        return [" "]
    parts = re.split(r"(\s+)", piece)
    return [(" " if p.isspace() else p) for p in parts if p]


# ------------------------------------------------------------------------------ wrapping
HANG = "\x01"  # marks a continuation line of a bulleted paragraph (hanging indent)
BULLET = "• "


def wrap(tokens: list[str], font, max_width: float) -> list[str] | None:
    """Greedy line filling by measured width. None if a token is wider than the line.

    A paragraph that starts with a bullet gets a hanging indent: its continuation lines start
    with ``HANG`` and are measured and drawn indented by the bullet's width."""
    lines: list[str] = []
    line = ""
    hang = False
    indent = font.getlength(BULLET)
    full_width = max_width
    for tok in tokens:
        if tok == "\n":
            lines.append(line.rstrip())
            line = ""
            hang = False
            max_width = full_width
            continue
        if not line and not hang and tok.startswith(("•", "-")):
            hang = True
        if tok == " " and line == HANG:
            continue
        if tok == " ":
            if line:
                line += " "
            continue
        cand = line + tok
        if font.getlength(cand.rstrip().lstrip(HANG)) <= max_width:
            line = cand
            continue
        if line.strip(" " + HANG):
            lines.append(line.rstrip())
        if hang:
            max_width = full_width - indent
        if font.getlength(tok) > max_width:
            # a CJK word longer than a line may break between characters (kinsoku kept)
            if any(is_cjk(ch) for ch in tok):
                pieces = _break_cjk_token(tok, font, max_width)
                if pieces is None:
                    return None
                lines.extend((HANG + p_) if hang else p_ for p_ in pieces[:-1])
                line = (HANG + pieces[-1]) if hang else pieces[-1]
                continue
            return None  # an English word never breaks: the caller shrinks the font
        line = (HANG + tok) if hang else tok
    if line.strip(" " + HANG):
        lines.append(line.rstrip())
    return lines


def _break_cjk_token(tok: str, font, max_width: float) -> list[str] | None:
    pieces: list[str] = []
    cur = ""
    for ch in tok:
        if font.getlength(cur + ch) <= max_width or not cur:
            cur += ch
        else:
            # keep kinsoku: move a forbidden start back onto this line's end
            if ch in NO_START:
                if font.getlength(cur + ch) > max_width * 1.08:
                    return None
                cur += ch
                continue
            if cur and cur[-1] in NO_END:
                ch = cur[-1] + ch
                cur = cur[:-1]
            pieces.append(cur)
            cur = ch
    pieces.append(cur)
    return pieces


@dataclass(frozen=True)
class TextBlock:
    """Laid-out text: lines, the font size, and each line's measured box on the canvas."""

    lines: tuple[str, ...]
    size: int
    line_height: int
    boxes: tuple[tuple[int, int, int, int], ...]  # (x0, y0, x1, y1) of each line's ink
    box: tuple[int, int, int, int]  # the area it was given
    font: FontRef
    origins: tuple[tuple[int, int], ...] = ()  # Pillow text origins (anchor "la")
    stroke: int = 0  # faux-bold stroke width (the Noto fonts ship one weight)

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)

    @property
    def bottom(self) -> int:
        return self.box[1] + self.height


def fit(text: str, font: FontRef, box: tuple[int, int, int, int], *, max_size: int, min_size: int,
        spacing: float = 1.45, max_lines: int = 0, align: str = "left",
        bold: float = 0.0, balance: bool = False) -> TextBlock | None:
    """Largest size in [min_size, max_size] at which ``text`` fits ``box``; None if none does.

    ``bold``: stroke width as a fraction of the size (faux bold), e.g. 0.025.
    ``balance``: make lines similar in length (titles: no single-character last line).
    """
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    paragraphs = text.split("\n")
    tokens: list[str] = []
    for i, para in enumerate(paragraphs):
        if i:
            tokens.append("\n")
        tokens.extend(tokenize(para))
    ref = get_font(font, 100)
    lo, hi = min_size, max_size
    best: tuple[int, list[str]] | None = None
    # binary search on size with measurements scaled from a 100 px reference, then verify
    while lo <= hi:
        mid = (lo + hi) // 2
        lines = wrap(tokens, _Scaled(ref, mid / 100.0), width * 0.995 - 2 * round(mid * bold))
        ok = lines is not None and len(lines) * round(mid * spacing) <= height and (
            not max_lines or len(lines) <= max_lines)
        if ok:
            best = (mid, lines)  # type: ignore[assignment]
            lo = mid + 1
        else:
            hi = mid - 1
    if best is None:
        return None
    size = best[0]
    while size >= min_size:
        real = get_font(font, size)
        stroke = round(size * bold)
        lines = wrap(tokens, real, width - 2 * stroke)
        lh = round(size * spacing)
        if lines is not None and len(lines) * lh <= height and (not max_lines or len(lines) <= max_lines):
            if balance and len(lines) > 1:
                lines = _balanced(tokens, real, width - 2 * stroke, len(lines)) or lines
            placed = _place(lines, real, size, lh, box, font, align, stroke)
            if placed is not None:
                return placed
        size -= 1
    return None


def _balanced(tokens, font, width: float, n: int) -> list[str] | None:
    """The narrowest wrap width that still gives ``n`` lines: even line lengths."""
    lo, hi = width * 0.4, width
    best = None
    for _ in range(12):
        mid = (lo + hi) / 2
        lines = wrap(tokens, font, mid)
        if lines is not None and len(lines) <= n:
            best = lines
            hi = mid
        else:
            lo = mid
    return best


class _Scaled:
    """A font proxy whose getlength is a scaled reference measurement (fast size search)."""

    def __init__(self, ref, scale: float) -> None:
        self.ref = ref
        self.scale = scale

    def getlength(self, text: str) -> float:
        return _ref_len(self.ref, text) * self.scale


_REF_CACHE: dict[tuple[int, str], float] = {}


def _ref_len(font, text: str) -> float:
    key = (id(font), text)
    v = _REF_CACHE.get(key)
    if v is None:
        v = font.getlength(text)
        if len(_REF_CACHE) > 50000:
            _REF_CACHE.clear()
        _REF_CACHE[key] = v
    return v


def _place(lines, real, size, lh, box, font, align, stroke) -> TextBlock | None:
    x0, y0, x1, _ = box
    boxes = []
    origins = []
    ascent, descent = real.getmetrics()
    indent = round(real.getlength(BULLET))
    for i, line in enumerate(lines):
        extra = 0
        if line.startswith(HANG):
            line = line[len(HANG):]
            extra = indent
        w = real.getlength(line) + extra
        if align == "center":
            lx = x0 + ((x1 - x0) - w) / 2
        elif align == "right":
            lx = x1 - w - stroke
        else:
            lx = x0 + stroke
        top = y0 + i * lh + (lh - (ascent + descent)) // 2
        lx, top = round(lx) + extra, round(top)
        bbox = real.getbbox(line, stroke_width=stroke) if line else (0, 0, 0, 0)
        # keep the ink inside the box: glyph overhangs (side bearings, stroke) shift the line
        if lx + bbox[0] < x0:
            lx = x0 - bbox[0]
        if lx + bbox[2] > x1:
            lx = x1 - bbox[2]
        if lx + bbox[0] < x0 or top + bbox[1] < box[1] or top + bbox[3] > box[3]:
            return None  # the ink does not fit: the caller tries a smaller size
        origins.append((lx, top))
        boxes.append((lx + bbox[0], top + bbox[1], lx + bbox[2], top + bbox[3]))
    lines = [ln.lstrip(HANG) for ln in lines]
    return TextBlock(tuple(lines), size, lh, tuple(boxes), box, font, tuple(origins), stroke)


def draw_block(draw, block: TextBlock, fill) -> None:
    real = get_font(block.font, block.size)
    for (x, y), line in zip(block.origins, block.lines):
        draw.text((x, y), line, font=real, fill=fill, stroke_width=block.stroke, stroke_fill=fill)
