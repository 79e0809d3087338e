"""What a visual format emphasises in a piece of text, and the figure a card can lead with.

Order of preference: the author's own bold text, then numbers with what they count ("八千年",
"1855年", "三分之二", "Eight Thousand Years", "30,000 francs"), then the story's keywords
and names. Pure functions of text: cards, video frames and cue cards share them.
"""

from __future__ import annotations

import re

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
# a Chinese or Arabic number with the unit or noun it counts
_ZH_NUMBER = re.compile(
    rf"(?:\d[\d,.]*|几?[{_CN_DIGITS}]{{2,}}|几[十百千万]|[{_CN_DIGITS}](?=[年岁万亿个种家位分]))"
    r"(?:\s?(?:多|余|几)?(?:年代|世纪|年|岁|万|亿|个|种|家|位|分之[一二三四五六七八九十]+|%|％|倍|小时|天|公里|米|元|法郎))?")
_EN_NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
                    "sixty|seventy|eighty|ninety|hundred|thousand|million|billion|first|second|third")
_EN_NUMBER = re.compile(
    rf"\b(?:\d[\d,.]*%?|(?:(?:{_EN_NUMBER_WORDS})[\s-]+)*(?:{_EN_NUMBER_WORDS}))"
    r"(?:[\s-]+(?:years?|centuries|century|percent|francs|dollars|times|days|hours|km|miles|metres|meters|feet))?\b",
    re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d.])(1[0-9]{3}|20[0-9]{2})(?![\d.])")
_CN_VALUE = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def numbers(text: str, cjk: bool) -> list[str]:
    """Number phrases in ``text`` (with their unit), longest first within a position."""
    pattern = _ZH_NUMBER if cjk else _EN_NUMBER
    out = []
    for m in pattern.finditer(text):
        s = m.group(0).strip(" ,.-")
        if not s or (not cjk and s.lower() in ("one", "first", "second")):  # "one of", "first" are rarely figures
            continue
        before, after = text[m.start() - 1:m.start()], text[m.end():m.end() + 1]
        if s[:1].isdigit() and (re.match(r"[A-Za-z]", before) or re.match(r"[A-Za-z]", after)
                                and not re.match(r"(?i)\w*(?:s|th|nd|rd|st)\b", text[m.end():])):
            continue  # a model's name, not a figure: "德龙 ECP33.21.W", "RTX4090"
        if s.isdigit() and len(s) == 1:
            continue
        if cjk and re.fullmatch(r"一(?:个|種|种|家|位|分)?", s):
            continue  # "一个东西", "是一个必经的阶段": Chinese says "a" so, and no figure
        out.append(s)
    return out


def emphasis(text: str, cjk: bool, strong: tuple[str, ...] = (), keywords: tuple[str, ...] = (),
             limit: int = 2) -> tuple[str, ...]:
    """Up to ``limit`` phrases of ``text`` worth marking, in order of preference."""
    picks: list[str] = []

    def add(p: str) -> None:
        if p and p in text and len(picks) < limit and not any(p in q or q in p for q in picks):
            picks.append(p)

    for p in strong:
        if len(p) <= (14 if cjk else 48):
            add(p)
    for p in numbers(text, cjk):
        add(p)
    for k in keywords:
        if len(k) >= (2 if cjk else 4) and (cjk or re.search(rf"\b{re.escape(k)}\b", text)):
            add(k)
    return tuple(picks)


def _cn_to_int(s: str) -> int | None:
    """二十 -> 20, 八千 -> 8000, 一八五五 -> 1855; None when it is not a plain number."""
    if all(ch in _CN_VALUE for ch in s):
        return int("".join(str(_CN_VALUE[ch]) for ch in s))
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _CN_VALUE:
            digit = _CN_VALUE[ch]
        elif ch in _CN_UNIT:
            unit = _CN_UNIT[ch]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section, digit = 0, None
            else:
                section += (1 if digit is None else digit) * unit
                digit = None
        else:
            return None
    return total + section + (digit or 0)


def figure(text: str, cjk: bool) -> tuple[str, str] | None:
    """The figure a card can lead with, as (number, what it counts): a year ("1855", ""), or a
    number with its unit ("8000", "年"). None when the text has no such figure."""
    m = _YEAR.search(text)
    if m:
        return m.group(1), ""
    if not cjk:
        m2 = re.search(r"\b(\d[\d,.]*)\s?(%|percent|years?|francs|km|miles)\b", text, re.IGNORECASE)
        if m2 is None or (float(m2.group(1).replace(",", "")) < 100 and m2.group(2) not in ("%", "percent")):
            return None
        return m2.group(1), m2.group(2)
    m3 = re.search(rf"(?<![几{_CN_DIGITS}\d])([{_CN_DIGITS}]{{2,}}|\d[\d,.]*)(多|余)?(年(?!代)|岁|万|亿|倍|%|％)", text)
    if m3 is None:
        return None
    raw, unit = m3.group(1), m3.group(3)
    value = raw if raw[0].isdigit() else _cn_to_int(raw)
    if value is None:
        return None
    n = str(value).replace(",", "")
    if not n.isdigit() or (int(n) < 100 and unit not in ("%", "％", "倍")):
        return None  # "两年", "三十岁" are not figures to lead a card with
    return n + ("+" if m3.group(2) else ""), unit
