"""Text helpers shared by every format: CJK detection, sentences, lengths, truncation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Sentence terminators, and the closing marks that stay with the sentence they end.
_CJK_TERMINATORS = "。！？!?…"
_CLOSERS = "”’」』）)】》\"'"
_EN_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-\.]*")


# Han ideographs (CJK Unified, Extension A, Compatibility): the one definition of "Chinese
# character" for counting and matching; ``is_cjk`` adds kana, Hangul and Extension B+.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{HAN}]")


def has_han(text: str) -> bool:
    return HAN_RE.search(text) is not None


def without_han(text: str) -> str:
    """The text with every Han character replaced by a space (to count the Latin words)."""
    return HAN_RE.sub(" ", text)


def apportion(total: int, weights, minimum: int = 0) -> list[int]:
    """Largest-remainder apportionment: whole units in proportion to ``weights``, at least
    ``minimum`` each, summing to ``total`` (to ``minimum * n`` when that is more)."""
    n = len(weights)
    s = sum(weights)
    if n == 0:
        return []
    if total < minimum * n:
        return [minimum] * n
    rest = total - minimum * n
    if rest <= 0 or s <= 0:
        return [minimum] * n
    raw = [rest * w / s for w in weights]
    out = [int(x) for x in raw]
    for i in sorted(range(n), key=lambda i: (-(raw[i] - out[i]), i))[:rest - sum(out)]:
        out[i] += 1
    return [minimum + o for o in out]


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FA1F
            or 0xF900 <= o <= 0xFAFF or 0x3040 <= o <= 0x30FF or 0xAC00 <= o <= 0xD7AF)


def lead_symbols(text: str) -> int:
    """How many characters at the start of ``text`` are a marker drawn before it rather than
    words: "◤ 德佈咖啡", "✔️ 插座", "🚄 上海-苏州园区", "• 一行" (symbols, their variation
    selectors and the spaces after them); 0 when there is none or nothing follows it."""
    i = 0
    while i < len(text) and (unicodedata.category(text[i]) in ("So", "Mn", "Cf") or text[i] in "•·※→"
                             or (i and text[i].isspace())):
        i += 1
    return i if i and text[i:].strip() else 0


def marked_line(line: str) -> bool:
    """A line led by a marker ("✔️ 插座") or made of symbols alone ("⭐️⭐️⭐️⭐️", a rating)."""
    return bool(lead_symbols(line)) or bool(line.strip()) and all(
        unicodedata.category(c) in ("So", "Mn", "Cf") or c.isspace() for c in line)


def is_cjk_punct(ch: str) -> bool:
    o = ord(ch)
    return 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or ch in "“”‘’…—·"


def cjk_count(text: str) -> int:
    return sum(1 for ch in text if is_cjk(ch))


def en_words(text: str) -> list[str]:
    """English-ish words (runs of Latin letters/digits) outside CJK text."""
    return _EN_WORD_RE.findall(text)


def is_cjk_text(text: str) -> bool:
    """Mostly Chinese/Japanese/Korean, counting a Latin word as three characters."""
    han = cjk_count(text)
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return han > 0 and han * 3 >= latin


def visible_len(text: str) -> int:
    """Characters a reader counts: everything but whitespace."""
    return sum(1 for ch in text if not ch.isspace())


def display_width(text: str) -> int:
    """Width in half-width cells (CJK and full-width count 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# ------------------------------------------------------------------ sentence segmentation
@lru_cache(maxsize=1)
def _en_segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences.

    Chinese: after 。！？；… (and !? in mixed text), keeping closing quotes 」” with the
    sentence; an opening-quote sentence ending in 。” stays whole. English: pysbd, which
    knows abbreviations (Mr., U.S., e.g.) and decimals. Line breaks always end a sentence.
    """
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if is_cjk_text(line) or (cjk_count(line) >= 6 and re.search("[，。、；：！？]", line)):
            # a Chinese sentence full of names and paths ("…clone 到 ~/.nvm，並且將…") is still
            # Chinese: English rules had ended it at "~/."
            out.extend(_split_cjk(line))
        else:
            segs: list[str] = []
            for seg in _en_segmenter().segment(line):
                # "Pop!_OS", "![]()", "a!=b": pysbd ends a sentence at a "!" with no space after
                # it, inside a name or code
                if segs and segs[-1][-1:] in "!?" and seg[:1] and not seg[0].isspace() \
                        and (_ASCII_WORD.match(seg[0]) or seg[0] in "[](){}=<>-_/\\|'\"`"):
                    segs[-1] += seg
                elif segs and seg.strip() and not seg.strip(_EN_CLOSERS):
                    # pysbd leaves a closing quote at the end of a line on its own: "…mind.", "'"
                    segs[-1] = segs[-1].rstrip() + seg.strip()
                else:
                    segs.append(seg)
            out.extend(_rejoin_numbers([x.strip() for x in segs if x.strip()]))
    return out


def _rejoin_numbers(segs: list[str]) -> list[str]:
    """pysbd reads "…from 5 to 6. Still not a 7. In fact…" as a numbered list ("…to" | "6. Still
    not" | "a 7. In fact…"): a piece that ends on no stop runs into the next, and the run is
    split again after its numbers' full stops."""
    if len(segs) < 2 or all(x[-1:] in ".!?…:;\"'’”)]" for x in segs[:-1]):
        return segs
    out: list[str] = []
    buf = ""
    for x in segs:
        buf = f"{buf} {x}" if buf else x
        if buf[-1:] in ".!?…:;\"'’”)]":
            out.extend(_NUMBER_STOP.split(buf))
            buf = ""
    if buf:
        out.extend(_NUMBER_STOP.split(buf))
    return [x for x in out if x]


_NUMBER_STOP = re.compile(r"(?<=\d[.!?])\s+(?=[A-Z\"“])")


_ASCII_WORD = re.compile(r"[A-Za-z0-9_]")
_EN_CLOSERS = "'\"’”)]»"


def _split_cjk(text: str) -> list[str]:
    parts: list[str] = []
    buf: list[str] = []
    depth = 0  # inside 「」 or “” quotes we do not split
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        buf.append(ch)
        if ch in "「『“（(":
            depth += 1
        elif ch in "」』”）)" and depth > 0:
            depth -= 1
        if ch in "!?" and i < n - 1 and ((i > 0 and _ASCII_WORD.match(text[i - 1]) and _ASCII_WORD.match(text[i + 1]))
                                         or (text[i + 1].isascii() and not text[i + 1].isspace()
                                             and text[i + 1] not in _CLOSERS + "!?")):
            pass  # part of a name or of code: "Pop!_OS", "Yahoo!Japan", "<!--more-->", "a!=b"
        elif ch in _CJK_TERMINATORS or (ch == "." and i + 1 < n and text[i + 1] == " "
                                       and i > 0 and is_cjk(text[i - 1])):
            # absorb runs of terminators (？！, ……) and closing quotes
            while i + 1 < n and (text[i + 1] in _CJK_TERMINATORS or text[i + 1] in _CLOSERS):
                i += 1
                buf.append(text[i])
                if text[i] in "」』”）)" and depth > 0:
                    depth -= 1
            if depth == 0 and not (ch == "…" and i + 1 < n and text[i + 1] not in " "
                                   and not _is_sentence_start(text, i + 1)) \
                    and not (i + 1 < n and text[i + 1] in "，、；：,;:"):
                # a stop followed by a comma ends nothing: "阶乘 n!，本文…", "好！，"
                s = "".join(buf).strip()
                if s and parts and buf[0].isspace() and all(c in _CJK_TERMINATORS or c in "!?" for c in s):
                    pass  # "…有懂。  !!!前端設計…": the next sentence's shout, not this one's end
                elif s:
                    parts.append(s)
                buf = []
        i += 1
    tail = "".join(buf).strip()
    if tail:
        if parts and len(tail) <= 2 and all(c in _CLOSERS or is_cjk_punct(c) for c in tail):
            parts[-1] += tail
        else:
            parts.append(tail)
    return parts


def _is_sentence_start(text: str, i: int) -> bool:
    return i >= len(text) or text[i] in "「“—"


# ------------------------------------------------------------------ platform lengths
def weighted_length(text: str) -> int:
    """X/Twitter weighted length: CJK and most non-Latin characters count 2, URLs 23."""
    from twitter_text import parse_tweet

    return parse_tweet(text).weightedLength


def fit_sentences(sentences: list[str], limit: int, measure, joiner: str = "") -> tuple[list[str], list[str]]:
    """Take whole sentences while ``measure(joined) <= limit``. Returns (kept, dropped)."""
    kept: list[str] = []
    for i, s in enumerate(sentences):
        candidate = joiner.join(kept + [s])
        if measure(candidate) > limit:
            return kept, sentences[i:]
        kept.append(s)
    return kept, []


_ENDED = set("。！？.!?…；;：:，,、”’」』\"'*~")


def join_sentences(sentences: list[str]) -> str:
    """Join sentences with a space between Latin ones and nothing between CJK ones.

    A piece that ends without a stop (a list item: "锅铲", "多加油更容易成功") gets one, so
    two items never run together ("锅铲筷子"); a piece on a line of its own ("\n• 筷子")
    needs none."""
    out = ""
    for s in sentences:
        if not s:
            continue
        if out and not s[0].isspace() and out[-1] not in _ENDED and not out[-1].isspace():
            zh = any(is_cjk(c) for c in out[-12:] + s[:12])  # "23:55" before "酒店…" ends on "。"
            out += "。" if zh else "."
        # no space after a full-width stop either: "。 PRORASO 桉树…" read as a typo
        if out and not (is_cjk_or_punct(out[-1]) and (is_cjk_or_punct(s[0]) or _full_width(out[-1]))):
            out += " "
        out += s
    return out


def _full_width(ch: str) -> bool:
    """A CJK stop or bracket ("。", "？", "）"), not the curly quotes English shares."""
    o = ord(ch)
    return 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF


def is_cjk_or_punct(ch: str) -> bool:
    return is_cjk(ch) or is_cjk_punct(ch)


def shorten(text: str, limit: int, measure=len, ellipsis: str = "…") -> str:
    """Shorten to ``limit`` at a word or clause boundary, adding an ellipsis; never mid-word."""
    if measure(text) <= limit:
        return text
    # prefer a clause boundary
    best = ""
    for m in re.finditer(r"[，、：；,;:—–\-\s]", text):
        cut = text[: m.start()].rstrip(" ，、：；,;:—–-")
        if cut and measure(cut + ellipsis) <= limit:
            best = cut
    if not best:
        # CJK text can be cut between any two characters (not inside a Latin word)
        acc = ""
        for ch in text:
            if measure(acc + ch + ellipsis) > limit:
                break
            acc += ch
        while acc and acc[-1].isascii() and acc[-1].isalnum() and not is_cjk_text(acc[-1:]):
            acc = acc[:-1]
        best = acc.rstrip()
    return (best + ellipsis) if best else text[:1] + ellipsis


_ASIDE = re.compile(r"\s*[（(][^（）()]*[）)]")


def opening_clause(body: str, head: str) -> int:
    """Where ``body``'s first clause or sentence ends (past its mark and the space after it)
    when that clause says ``head``, punctuation, spaces and case aside ("咖啡机有好几种，比如…"
    under "咖啡机有好几种"; never "剃须皂用的是…" under "剃须"); -1 otherwise, or for a head
    of under two letters."""
    letters = re.sub(r"[\W_]+", "", head)
    if len(letters) < 2:
        return -1
    m = re.match(r"\s*" + r"[\W_]*".join(re.escape(ch) for ch in letters) + r"\s*(?:[，,：:；;。.!！?？]\s*|$)",
                 body, re.I)
    return m.end() if m else -1


_PAIRS = ("【】", "（）", "()", "「」", "『』", "《》", "[]")


def balanced(text: str, pairs: tuple[str, ...] = _PAIRS) -> bool:
    """Every bracket of ``pairs`` opened in ``text`` is closed in it: a title is never cut
    inside one ("【全程实测！" of "【全程实测！第一批…】")."""
    return all(text.count(p[0]) == text.count(p[1]) for p in pairs)


def line_ends_phrase(text: str) -> str:
    """``text`` with each line break that no stop ends written as one, for a key-phrase
    extractor: "Distance: 19 miles" over "Trail legs." had made "miles Trail legs"."""
    return re.sub(r"(?<![.!?:;,])[ \t]*\n+", ". ", text)


def drop_asides(text: str) -> str:
    """``text`` without its bracketed asides ("自动挡半坡起步方法（手刹、左脚刹车…）" -> the
    title before the bracket); ``text`` itself when nothing is left."""
    def gap(m: re.Match) -> str:
        # "14.5（4.5／3／3）2025／03": two numbers met where the aside was ("14.52025")
        before, after = text[m.start() - 1:m.start()], text[m.end():m.end() + 1]
        return " " if before.isalnum() and after.isalnum() and before.isascii() and after.isascii() else ""

    return _ASIDE.sub(gap, text).strip() or text


def close_cut(short: str, ellipsis: str = "…") -> str:
    """A shortened text never ends inside a bracket: cut before one left open."""
    opened = max(short.rfind("（"), short.rfind("("))
    if opened > 0 and max(short.rfind("）"), short.rfind(")")) < opened:
        return short[:opened].rstrip(" ，,、") + ellipsis
    return short


# the speaker label of the storyteller's own line in a dialogue ("我：请问…有什么区别？")
_MY_LINE = re.compile(r"^\s*(?:我|I|Me)\s*[:：]\s*(?=\S)")


def own_voice(text: str) -> str:
    """``text`` as the creator says it aloud: without the label of their own line in a
    dialogue ("我：请问凉粉、烧仙草和龟苓膏有什么区别？" -> "请问…"); another speaker's stays."""
    return _MY_LINE.sub("", text, count=1)


def capitalised(text: str) -> str:
    """``text`` with its first letter in capitals, unless its first word is written the way a
    name is ("o1", "iPhone", "macOS", "eBay"): a card had titled a point "O1 is the best model"."""
    first = text.split(" ", 1)[0]
    if re.search(r"\d", first) or re.search(r"[A-Z]", first[1:]):
        return text
    return text[:1].upper() + text[1:]


# a face typed in text, which a voice would spell out ("排比較快了XD", "太多了吧＝ ＝", "風趣@@",
# "orz", "T_T"); "QQ" stays, the name of an app as often as a face
EMOTICON = re.compile(r"(?<![A-Za-z])(?:XD+|[xX][dD]{2,}|orz|OTZ|OTL|T[_.]?T|Q[_A]Q|QwQ|TAT|"
                      r"\^[_.\-]?\^|@@|[=＝]\s?[=＝]|[:;][-']?[)(DPp](?![\w]))(?![A-Za-z])")


def drop_emoticons(text: str) -> str:
    """``text`` without the faces typed in it, the spaces they leave tidied."""
    out = EMOTICON.sub("", text)
    if out == text:
        return text
    out = re.sub(r"[（(]\s*[)）]", "", out)  # "(T_T)"
    out = re.sub(r"\s+([，,。.!！?？；;：:])", r"\1", out)
    return re.sub(r"[ \t]{2,}", " ", out).strip()
