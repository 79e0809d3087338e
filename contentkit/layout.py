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

import hashlib
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, replace
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
    weight: str = "regular"  # "regular" faces are emboldened with a stroke; others are drawn as they are
    latin: "FontRef | None" = None  # the face for Latin runs (letters, digits, Latin punctuation)

    @property
    def label(self) -> str:
        own = f"{Path(self.path).name}#{self.index}" if self.index else Path(self.path).name
        return f"{own} + {self.latin.label}" if self.latin else own


# ------------------------------------------------------------------------------ fonts
@lru_cache(maxsize=64)
def _cmap(path: str, index: int) -> frozenset[int]:
    """The code points a font has glyphs for. Decoding a CJK font's cmap takes about 50 ms, so
    the set is kept in the cache folder, keyed by the file's path, size and mtime."""
    import marshal

    from contentkit.cache import default_root

    memo: Path | None = None
    try:
        st = os.stat(path)
        key = hashlib.sha256(f"{os.path.abspath(path)}\0{index}\0{st.st_size}\0{st.st_mtime_ns}".encode()).hexdigest()
        memo = default_root() / "fonts" / f"cmap-{key[:24]}.marshal"
        return frozenset(marshal.loads(memo.read_bytes()))
    except (OSError, ValueError, EOFError, TypeError):
        pass
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(path, fontNumber=index, lazy=True)
        cmap = font.getBestCmap() or {}
    except Exception as exc:  # not a font, unreadable
        raise ContentkitError(f"cannot read font: {exc}", path=path) from None
    points = frozenset(cmap)
    if memo is not None:
        try:
            memo.parent.mkdir(parents=True, exist_ok=True)
            tmp = memo.with_name(f".{memo.name}.{os.getpid()}.tmp")
            tmp.write_bytes(marshal.dumps(sorted(points)))
            os.replace(tmp, memo)
        except OSError:
            pass  # a read-only cache folder: decode again next time
    return points


def covers(font: FontRef, text: str) -> list[str]:
    """Characters of ``text`` the font (with its Latin face) has no glyph for (whitespace ignored)."""
    cmap = _cmap(font.path, font.index)
    if font.latin is not None:
        cmap = cmap | _cmap(font.latin.path, font.latin.index)
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in cmap
                   and ch not in "\u200d\ufe0f"})


def _latin_face(role: str, bold: bool) -> FontRef | None:
    """Source Sans / Source Serif (OFL, the Latin design Noto CJK is drawn with) from their pip
    packages: CJK fonts draw ’ “ ” — full-width, so "I’ll" would read "I’  ll"."""
    try:
        if role == "serif":
            import font_source_serif_pro as pkg

            files, stem = pkg.font_files_otf, "SourceSerifPro"
        else:
            import font_source_sans_pro as pkg

            files, stem = pkg.font_files_otf, "SourceSansPro"
    except ImportError:
        return None
    path = files.get(stem + ("Semibold" if bold else ""))
    return FontRef(path, 0, "pip", "semibold" if bold else "regular") if path and Path(path).is_file() else None


def with_latin(ref: FontRef, role: str, bold: bool = False) -> FontRef:
    """``ref`` with a Latin face for its Latin runs; a font the user chose stays alone."""
    if ref.source == "explicit" or ref.latin is not None:
        return ref
    latin = _latin_face(role, bold)
    return replace(ref, latin=latin) if latin is not None else ref


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
              warnings: list[str] | None = None, bold: bool = False) -> FontRef:
    """The first candidate that covers ``text`` (ignoring emoji); a clear error otherwise.
    Latin runs are drawn with the role's Latin face (semibold for ``bold`` titles)."""
    cands = [with_latin(c, role, bold) for c in font_candidates(role, lang, explicit)]
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


# every emoji sequence of the emoji package holds one of these (checked in tests/test_cards.py)
_MAY_HOLD_EMOJI = re.compile("[\u00a9\u00ae\u203c-\u3299\U0001f000-\U0010ffff]")


def strip_unsupported(text: str) -> str:
    """Remove emoji (no colour-emoji font is drawn on cards), variation selectors and the
    invisible format characters (zero-width spaces, bidi marks, word joiners, BOM): they draw
    nothing, so no font needs them."""
    out = text
    if _MAY_HOLD_EMOJI.search(text):  # the emoji package's table takes ~50 ms to import
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


@lru_cache(maxsize=16)
def _cap_height(path: str, index: int) -> float:
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True)
    os2 = font["OS/2"] if "OS/2" in font else None
    cap = getattr(os2, "sCapHeight", 0) or 0
    return cap / font["head"].unitsPerEm if cap else 0.7


def latin_scale(ref: FontRef) -> float:
    """The size of the Latin face that matches the main face's capitals (Noto CJK draws its
    Latin about 10 % larger than Source Sans at the same size)."""
    if ref.latin is None:
        return 1.0
    main, latin = _cap_height(ref.path, ref.index), _cap_height(ref.latin.path, ref.latin.index)
    return min(1.25, max(0.85, main / latin)) if latin else 1.0


_OPENING = set("‘“«(")
_NEUTRAL = set("‘’“”—–…·«»")


def _strong(ch: str) -> int | None:
    """0 for a character of the main (CJK) face, 1 for the Latin face, None when it depends."""
    o = ord(ch)
    if is_cjk(ch) or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF:
        return 0
    if ch in _NEUTRAL:
        return None
    if ch.isascii():
        return 1
    cat = unicodedata.category(ch)
    return 1 if cat[0] in "LN" or cat == "Zs" else 0


@lru_cache(maxsize=8192)
def _runs(ref: FontRef, text: str) -> tuple[tuple[str, int], ...]:
    """``text`` cut into runs of one face each: CJK in the main face; Latin letters, digits,
    ASCII punctuation in the Latin face; quotes, dashes and ellipses take the face of the text
    they belong to (the next strong character for an opening mark, the previous one otherwise),
    so “酒标” stays full-width and I’ll stays tight."""
    assert ref.latin is not None
    main_cmap, latin_cmap = _cmap(ref.path, ref.index), _cmap(ref.latin.path, ref.latin.index)
    strong = [_strong(ch) for ch in text]
    context = [None if ch.isspace() else k0 for ch, k0 in zip(text, strong)]  # spaces tell nothing
    before: list[int | None] = []  # the nearest strong face to the left of each character
    last: int | None = None
    for k0 in context:
        before.append(last)
        last = k0 if k0 is not None else last
    after: list[int | None] = [None] * len(text)  # and to the right
    last = None
    for i in range(len(text) - 1, -1, -1):
        after[i] = last
        last = context[i] if context[i] is not None else last
    faces: list[int] = []
    for i, ch in enumerate(text):
        k = strong[i]
        if k is None:
            first, second = (after[i], before[i]) if ch in _OPENING else (before[i], after[i])
            k = first if first is not None else (second if second is not None else 0)
        if k == 1 and ord(ch) not in latin_cmap and not ch.isspace():
            k = 0
        elif k == 0 and ord(ch) not in main_cmap and ord(ch) in latin_cmap:
            k = 1
        faces.append(k)
    runs: list[tuple[str, int]] = []
    for ch, k in zip(text, faces):
        if runs and runs[-1][1] == k:
            runs[-1] = (runs[-1][0] + ch, k)
        else:
            runs.append((ch, k))
    return tuple(runs)


class Face:
    """One font role at one size: the main face and, for Latin runs, the Latin face, measured
    and drawn as one (baselines aligned)."""

    def __init__(self, ref: FontRef, size: int) -> None:
        self.ref = ref
        self.size = size
        self.main = pil_font(ref.path, ref.index, int(size))
        self.latin = (pil_font(ref.latin.path, ref.latin.index, max(1, round(size * latin_scale(ref))))
                      if ref.latin is not None else None)
        self.ascent, self.descent = self.main.getmetrics()
        # a semibold Latin face is drawn without the faux-bold stroke of the regular main face
        self.latin_stroke = ref.latin is None or ref.latin.weight == "regular"
        self._widths: dict[str, float] = {}  # a card's lines are measured again at every try

    def runs(self, text: str) -> tuple[tuple[str, int], ...]:
        if self.latin is None or not text:
            return ((text, 0),)
        return _runs(self.ref, text)

    def font(self, k: int):
        return self.latin if k and self.latin is not None else self.main

    def stroke(self, k: int, stroke: int) -> int:
        return stroke if (k == 0 or self.latin_stroke) else 0

    def getmetrics(self) -> tuple[int, int]:
        return self.ascent, self.descent

    def getlength(self, text: str) -> float:
        w = self._widths.get(text)
        if w is None:
            if self.latin is None:
                w = self.main.getlength(text)
            else:
                w = sum(self.font(k).getlength(t) for t, k in self.runs(text))
            if len(self._widths) < 65536:
                self._widths[text] = w
        return w

    def getbbox(self, text: str, stroke_width: int = 0) -> tuple[int, int, int, int]:
        """Box of ``text`` drawn with its top at the main face's ascender (Pillow's "la")."""
        if self.latin is None:
            return self.main.getbbox(text, stroke_width=stroke_width)
        top, bottom, x = None, None, 0.0
        for t, k in self.runs(text):
            st = self.stroke(k, stroke_width)
            b = self.font(k).getbbox(t, anchor="ls", stroke_width=st)
            top = b[1] if top is None else min(top, b[1])
            bottom = b[3] if bottom is None else max(bottom, b[3])
            x += self.font(k).getlength(t)
        return (0, (top or 0) + self.ascent, round(x) + 2 * stroke_width, (bottom or 0) + self.ascent)


@lru_cache(maxsize=512)
def get_font(ref: FontRef, size: int) -> Face:
    return Face(ref, int(size))


def forget_faces() -> None:
    """Let go of every opened face. A FreeType face of a CJK font holds 0.5 MB once it has
    measured and about 3 MB once it has drawn, and a card size is fitted at dozens of font
    sizes: a cards build that kept every platform's faces held 30 MB more at its peak. A
    face opens again in 0.6 ms (the cmap and the fontconfig answers stay cached)."""
    get_font.cache_clear()
    pil_font.cache_clear()


# ------------------------------------------------------------------------------ tokens
_LATIN_SPLIT = re.compile(r"([A-Za-z0-9À-ɏ](?:[A-Za-z0-9À-ɏ'’\-.%/&+]|[.,](?=[A-Za-z0-9]))*)")


def tokenize(text: str, keep: tuple[str, ...] = ()) -> list[str]:
    """Unbreakable tokens of ``text``; the words in ``keep`` (the brand, the author) never break."""
    tokens = _tokenize(text)
    if keep and any(w in text for w in keep):
        return _keep_whole(list(tokens), keep)
    return list(tokens)


def _keep_whole(tokens: list[str], keep: tuple[str, ...]) -> list[str]:
    """Merge the tokens that a word of ``keep`` spans (jieba cuts names it does not know)."""
    text = "".join(tokens)
    ends, pos = [], 0
    for t in tokens:
        pos += len(t)
        ends.append(pos)
    inside: set[int] = set()  # token boundaries (offsets) that fall inside a kept word
    for w in keep:
        if len(w) < 2:
            continue
        i = text.find(w)
        while i >= 0:
            inside.update(range(i + 1, i + len(w)))
            i = text.find(w, i + len(w))
    out: list[str] = []
    for t, end in zip(tokens, ends):
        if out and (end - len(t)) in inside and t != " " and out[-1] != " ":
            out[-1] += t
        else:
            out.append(t)
    return out


@lru_cache(maxsize=4096)
def _tokenize(text: str) -> tuple[str, ...]:
    """Unbreakable tokens: jieba words for Chinese, words for Latin text, with kinsoku glue.

    Closing punctuation sticks to the token before it and opening punctuation to the token
    after it, so no line can start or end with a forbidden character.
    """
    raw: list[str] = []
    if any(is_cjk(ch) for ch in text):
        from contentkit.zhdict import jieba as _jieba

        jieba = _jieba()
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
    return tuple(_number_with_unit(out))


# ("3 天 2 / 夜親子行程" on a cover: the nights too)
_UNITS = set("度个個分秒克斤升元块塊次岁歲年月日天号號位人张張片颗顆条條只隻杯碗勺份周週层層米倍成折页頁篇本件种種家台部辆輛"
             "夜晚小公间間座名场場站趟回轮輪餐泊季集期届屆")
_NUMBER_TOKEN = re.compile(r"^[~～约約]?\d[\d.,]*%?$")


def _number_with_unit(tokens: list[str]) -> list[str]:
    """A number and the Hanzi unit written after it with a space ("50 度", "15 分钟") on one
    line: a frame read "放凉至 50 / 度即可食用"."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if _NUMBER_TOKEN.match(t) and i + 2 < len(tokens) and tokens[i + 1] == " " and tokens[i + 2][:1] in _UNITS:
            out.append(t + " " + tokens[i + 2])
            i += 3
            continue
        out.append(t)
        i += 1
    return out


# Particles that end the word before them: a line never starts with one.
PARTICLES = set("的了着著过過吗嗎呢吧们們地得么麼啊呀嘛")
LOCALIZERS = set("中里裡内內")  # "碗/中", "锅/里": where, said of the noun before them
# one-character verbs that take the word after them: "想說搭 / 客運" split "搭客運"
TAKERS = set("搭坐乘吃喝买買看找拿用骑騎穿戴写寫读讀听聽住")
NEGATORS = set("不没沒未别別非无無")  # a one-character negator stays with the word after it ("非/公開" split a word)
COLOURS = set("红紅黄黃蓝藍绿綠白黑紫青灰粉橙棕褐金银銀")
# a lone numeral or determiner stays with what it counts ("三/年間", "每/一篇")
NUMERALS = set("一二三四五六七八九十两兩几幾每各某")
# Words that end the word before them as a particle does: "沒有/的話", "架/起來了" split a word
BACK_WORDS = {"的话", "的話", "起来", "起來", "下去", "出来", "出來", "过来", "過來", "下来", "下來",
              "上来", "上來", "进来", "進來", "回来", "回來"}
_OPEN_BRACKETS = "([（【「『《“‘〔"
GLUE_MAX = 4  # characters: longer glued runs ("卡蒙的墓里放") leave too few places to break


def _hanzi(tok: str) -> bool:
    return bool(tok) and all(is_cjk(ch) for ch in tok)


def _glue_single_hanzi(tokens: list[str]) -> list[str]:
    """A one-character word stays with its neighbour: particles and measure words with the word
    before them (红酒里的, 八千年, 公众号), a lone first character with the word after it (阮一峰)."""
    out: list[str] = []
    carry = ""  # a negator waiting for the word it negates
    for tok in tokens:
        if carry:
            if carry in COLOURS and not (_hanzi(tok[:1]) and len(tok.rstrip("".join(NO_START))) >= 2):
                # a colour before no noun ("变红了") stays with the word before it after all
                if out and _hanzi(out[-1][-1:]):
                    out[-1] += carry
                else:
                    out.append(carry)
            elif _hanzi(tok[:1]):
                tok = carry + tok
            else:
                out.append(carry)
            carry = ""
        prev = out[-1] if out else ""
        core = tok.rstrip("".join(NO_START))
        opened = core.lstrip(_OPEN_BRACKETS)  # "(非" before "公開)": the bracket opens the word it holds
        if opened != core and len(opened) == 1 and _hanzi(opened) and core == tok and opened in NEGATORS | NUMERALS:
            carry = tok
            continue
        single = len(core) == 1 and _hanzi(core)
        if single and core == tok and (core in NEGATORS or core in NUMERALS or core in COLOURS or core in TAKERS):
            # "不" goes with "停機", never "如何在不 / 停機"; "一" with "开始" ("牛奶一 / 开始"),
            # "三" with "年間" ("過去三 / 年間");
            # a colour with the noun it colours ("小炒 / 黄牛肉", never "小炒黄 / 牛肉")
            carry = tok
            continue
        if single and _hanzi(prev[-1:]) and (core in PARTICLES or core in LOCALIZERS
                                             or len(prev) + len(core) <= GLUE_MAX):
            out[-1] = prev + tok
        elif core.rstrip("了着著过過") in BACK_WORDS and _hanzi(prev[-1:]) and len(prev) <= 3:
            out[-1] = prev + tok
        elif len(prev) == 1 and _hanzi(prev) and _hanzi(tok[:1]) and len(prev) + len(tok) <= GLUE_MAX \
                and (len(out) < 2 or not _hanzi(out[-2][-1:])):
            out[-1] = prev + tok
        else:
            out.append(tok)
    if carry:
        out.append(carry)
    return out


def _split_latin_spaces(piece: str) -> list[str]:
    if piece.isspace():
        return [" "]
    parts = re.split(r"(\s+)", piece)
    return [(" " if p.isspace() else p) for p in parts if p]


# ------------------------------------------------------------------------------ wrapping
HANG = "\x01"  # marks a continuation line of a bulleted paragraph (hanging indent)
PARA_END = "\x02"  # marks the last line of a paragraph (never justified)
LIST_NUMBER = re.compile(r"^\d{1,2}\.$")  # a numbered item's number ("3."), hung like a bullet
_LEAD = re.compile(r"^(?:\d{1,2}\. |• |- )")
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
            lines.append(line.rstrip() + PARA_END)
            line = ""
            hang = False
            max_width = full_width
            continue
        if not line and not hang and (tok.startswith(("•", "-")) or LIST_NUMBER.match(tok)):
            hang = True
            indent = font.getlength(BULLET) if tok.startswith(("•", "-")) else font.getlength(tok + " ")
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
    if lines:
        lines[-1] = lines[-1].rstrip(PARA_END) + PARA_END
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
    # per line: (x offset from the origin, text, face: 0 main / 1 Latin, first character's index)
    pieces: tuple[tuple[tuple[int, str, int, int], ...], ...] = ()
    justified: tuple[bool, ...] = ()
    leads: tuple[int, ...] = ()  # per line: characters of a leading bullet or item number

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)

    @property
    def bottom(self) -> int:
        return self.box[1] + self.height


def fit(text: str, font: FontRef, box: tuple[int, int, int, int], *, max_size: int, min_size: int,
        spacing: float = 1.45, max_lines: int = 0, align: str = "left",
        bold: float = 0.0, balance: bool = False, justify: bool = False,
        keep: tuple[str, ...] = ()) -> TextBlock | None:
    """Largest size in [min_size, max_size] at which ``text`` fits ``box``; None if none does.

    ``bold``: stroke width as a fraction of the size (faux bold), e.g. 0.025.
    ``balance``: make lines similar in length (titles: no single-character last line).
    ``justify``: CJK lines (not a paragraph's last) are set full width, as Chinese body text is.
    """
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    paragraphs = text.split("\n")
    tokens: list[str] = []
    for i, para in enumerate(paragraphs):
        if i:
            tokens.append("\n")
        tokens.extend(tokenize(para, keep))
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
    first: TextBlock | None = None
    while size >= min_size:
        real = get_font(font, size)
        stroke = round(size * bold)
        lines = wrap(tokens, real, width - 2 * stroke)
        lh = round(size * spacing)
        if lines is not None and len(lines) * lh <= height and (not max_lines or len(lines) <= max_lines):
            if balance and len(lines) > 1:
                lines = _balanced(tokens, real, width - 2 * stroke, len(lines)) or lines
            placed = _place(lines, real, size, lh, box, font, align, stroke, justify)
            if placed is not None:
                if not (balance and _widow(lines)):
                    return placed
                # a title whose last line is one character ("…瓶子里的 / 诗。"): a size a
                # little smaller may set it evenly; if none does, the largest one stands
                first = first or placed
                if size < first.size * 0.85:
                    return first
        size -= 1
    return first


def _widow(lines: list[str]) -> bool:
    """The last line of a wrapped title is one CJK character (and its punctuation)."""
    if len(lines) < 2:
        return False
    core = "".join(ch for ch in lines[-1].strip(HANG + PARA_END + " ") if ch not in NO_START)
    return len(core) == 1 and is_cjk(core)


def _balanced(tokens, font, width: float, n: int) -> list[str] | None:
    """The narrowest wrap width that still gives ``n`` lines: even line lengths. Never narrower
    than the widest word: a word the plain wrap kept whole stays whole ("缅怀我的|长发" was
    balanced into "缅怀我|的长发", a line opening on a particle)."""
    widest = max((font.getlength(t) for t in tokens if t.strip()), default=0.0)
    lo, hi = (min(widest, width) if widest <= width else width * 0.4), width
    lo = max(lo, width * 0.4)
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


def _place(lines, real: Face, size, lh, box, font, align, stroke, justify=False) -> TextBlock | None:
    x0, y0, x1, _ = box
    boxes, origins, pieces, justified = [], [], [], []
    ascent, descent = real.getmetrics()
    indent = round(real.getlength(BULLET))
    clean: list[str] = []
    leads: list[int] = []
    for i, raw in enumerate(lines):
        last = raw.endswith(PARA_END)
        line = raw.rstrip(PARA_END)
        extra = 0
        lead = _LEAD.match(line)
        if lead:  # a bullet or number starts an item: its continuation lines hang under the text
            indent = round(real.getlength(lead.group(0)))
        leads.append(len(lead.group(0).rstrip()) if lead else 0)
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
        room = (x1 - stroke) - (lx + w - extra)
        line_pieces, spread = _pieces(line, real, room if justify and align == "left" and not last else 0)
        if spread:
            bbox = (bbox[0], bbox[1], bbox[2] + round(room), bbox[3])
        origins.append((lx, top))
        boxes.append((lx + bbox[0], top + bbox[1], lx + bbox[2], top + bbox[3]))
        pieces.append(line_pieces)
        justified.append(spread)
        clean.append(line)
    return TextBlock(tuple(clean), size, lh, tuple(boxes), box, font, tuple(origins), stroke,
                     tuple(pieces), tuple(justified), tuple(leads))


# Lines break between words (never inside one), so a line can end well short of the measure;
# extra space between characters beyond this fraction of the size reads as gaps, not as a grid.
JUSTIFY_MAX_GAP = 0.15


def _spreadable(a: str, b: str) -> bool:
    """May extra space go between ``a`` and ``b``? Between CJK characters and punctuation, yes;
    inside a Latin word, never."""
    return not (a == " " or b == " ") and (is_cjk(a) or is_cjk(b) or _strong(a) == 0 or _strong(b) == 0)


def _pieces(line: str, face: Face, room: float) -> tuple[tuple[tuple[int, str, int, int], ...], bool]:
    """The line as face runs with their x offsets; with ``room`` > 0 the slack is spread over
    the gaps between CJK characters (justified), when it is small enough to look even."""
    runs = face.runs(line)
    gaps = [i for i in range(1, len(line)) if _spreadable(line[i - 1], line[i])] if room > 0 else []
    cjk_share = sum(1 for ch in line if is_cjk(ch)) / max(1, len(line))
    spread = bool(gaps) and cjk_share >= 0.5 and room / len(gaps) <= JUSTIFY_MAX_GAP * face.size
    step = room / len(gaps) if spread else 0.0
    gap_set = set(gaps) if spread else set()
    out: list[tuple[int, str, int, int]] = []
    x, ci = 0.0, 0
    for text, k in runs:
        font = face.font(k)
        start = 0
        for j in range(1, len(text) + 1):
            cut = j == len(text) or (ci + j) in gap_set
            if not cut:
                continue
            part = text[start:j]
            out.append((round(x), part, k, ci + start))
            x += font.getlength(part)
            if (ci + j) in gap_set:
                x += step
            start = j
        ci += len(text)
    return tuple(out), spread


def mark_spans(lines: tuple[str, ...], phrases) -> list[list[tuple[int, int]]]:
    """Character spans of each line that belong to one of ``phrases``, at its first occurrence (a
    phrase may run over a line break; a Latin line break stands for the space it replaced)."""
    spans: list[list[tuple[int, int]]] = [[] for _ in lines]
    if not phrases or not lines:
        return spans
    joined, starts = "", []
    for i, ln in enumerate(lines):
        if i and joined and ln and _strong(joined[-1]) == 1 and _strong(ln[0]) == 1:
            joined += " "
        starts.append(len(joined))
        joined += ln
    taken = [False] * len(joined)
    for ph in sorted({p for p in phrases if p}, key=len, reverse=True):
        pos = joined.find(ph)
        while pos >= 0:  # the first free occurrence only: one mark per phrase reads as emphasis
            if not any(taken[pos:pos + len(ph)]):
                for j in range(pos, pos + len(ph)):
                    taken[j] = True
                break
            pos = joined.find(ph, pos + len(ph))
    for i, ln in enumerate(lines):
        a = starts[i]
        j = 0
        while j < len(ln):
            if taken[a + j]:
                k = j
                while k < len(ln) and taken[a + k]:
                    k += 1
                spans[i].append((j, k))
                j = k
            else:
                j += 1
    return spans


def _char_x(face: Face, line_pieces, ci: int) -> float:
    """x offset, from the line's origin, of the character at index ``ci`` (or of the line's end)."""
    for dx, text, k, c0 in line_pieces:
        if c0 <= ci < c0 + len(text):
            return dx + face.font(k).getlength(text[: ci - c0])
    last = line_pieces[-1]
    return last[0] + face.font(last[2]).getlength(last[1])


def draw_block(draw, block: TextBlock, fill, *, stroke: int | None = None, stroke_fill=None,
               marks=(), mark_fill=None, marker=None, lead_fill=None) -> None:
    """Draw a laid-out block. ``marks``: phrases drawn in ``mark_fill`` and/or over a
    highlighter band of colour ``marker`` (the lower part of the line, as a pen would);
    ``lead_fill``: the colour of item numbers and bullets."""
    face = get_font(block.font, block.size)
    st = block.stroke if stroke is None else stroke
    sfill = fill if stroke_fill is None else stroke_fill
    spans = mark_spans(block.lines, marks) if marks else [[] for _ in block.lines]
    leads = block.leads or tuple(0 for _ in block.lines)
    pieces = block.pieces or tuple(((0, ln, 0, 0),) for ln in block.lines)
    for (x, y), line_pieces, line_spans, lead in zip(block.origins, pieces, spans, leads):
        base = y + face.ascent
        lead_span = (0, lead) if lead and lead_fill is not None else None

        if marker is not None:
            for a, b in line_spans:
                pad = round(block.size * 0.06)
                draw.rectangle((round(x + _char_x(face, line_pieces, a)) - pad, base - round(block.size * 0.36),
                                round(x + _char_x(face, line_pieces, b)) + pad, base + round(block.size * 0.12)),
                               fill=marker)
        for dx, text, k, c0 in line_pieces:
            font = face.font(k)
            ks = face.stroke(k, st)
            edges = [e for span in line_spans for e in span] + (list(lead_span) if lead_span else [])
            cuts = sorted({0, len(text)} | {min(max(e - c0, 0), len(text)) for e in edges})
            for a, b in zip(cuts, cuts[1:]):
                part = text[a:b]
                if not part.strip():
                    continue
                marked = mark_fill is not None and any(s0 <= c0 + a < s1 for s0, s1 in line_spans)
                col = mark_fill if marked else fill
                if lead_span is not None and c0 + a < lead_span[1]:
                    col = lead_fill
                draw.text((x + dx + font.getlength(text[:a]), base), part, font=font, fill=col, anchor="ls",
                          stroke_width=ks, stroke_fill=col if stroke_fill is None else sfill)


def ink_box(block: TextBlock) -> tuple[int, int, int, int]:
    """The real ink of a block's first line on the canvas (Pillow's basic layout measures
    advances, so a glyph such as “ seems to start at its origin while its ink sits far right)."""
    from PIL import Image, ImageDraw

    x0, y0, x1, y1 = block.boxes[0]
    pad = block.size
    w, h = (x1 - x0) + 2 * pad, (y1 - y0) + 2 * pad
    im = Image.new("L", (max(1, w), max(1, h)), 0)
    moved = replace(block, origins=((block.origins[0][0] - x0 + pad, block.origins[0][1] - y0 + pad),),
                    lines=block.lines[:1], pieces=block.pieces[:1])
    draw_block(ImageDraw.Draw(im), moved, 255)
    bb = im.getbbox() or (pad, pad, pad + 1, pad + 1)
    return (bb[0] + x0 - pad, bb[1] + y0 - pad, bb[2] + x0 - pad, bb[3] + y0 - pad)
