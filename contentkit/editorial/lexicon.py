"""Words of a text, for cohesion and titles: jieba part-of-speech tags for Chinese, plain word
runs for English. jieba is imported lazily, on the first Chinese text."""

from __future__ import annotations

import re
from functools import lru_cache


# jieba flags that name things: nouns, place/person/organisation names, other proper nouns,
# nominal verbs, English words inside Chinese text.
NOUN_FLAGS = ("n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "nw", "vn", "eng", "an")
EN_STOP = frozenset("""a about above after again against all almost also although always am among an and
another any are around as at back be became because become been before being below between both but by
came can cannot could did do does doing done down during each either else enough even ever every few for
from further get gets getting give given go goes going gone got great had has have having he her here hers
herself him himself his how however i if in into is it its itself just know known last less let like made
make makes making many may me might more most much must my myself never new next no nor not now of off
often old on once one only or other others our ours ourselves out over own part people per perhaps put
quite rather really said same say says see seem seemed seems several shall she should since so some
something still such take than that the their theirs them themselves then there these they thing things
this those though through thus time times to too two under until up upon us use used using very via was
way ways we well were what when where whether which while who whom whose why will with within without
would yet you your yours yourself year years day days first second third three four five lot lots want
wanted really actually today thing""".split())


@lru_cache(maxsize=1)
def _posseg():
    from contentkit.zhdict import jieba

    return jieba().posseg


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s.json")


@lru_cache(maxsize=65536)
def _char_t2s(ch: str) -> str:
    out = _t2s().convert(ch)
    return out if len(out) == 1 else ch


def simplified(text: str) -> str:
    """The same text in Simplified characters, one character for one, so that positions map
    back: jieba's dictionary and part-of-speech model are Simplified, and segment Traditional
    text badly (大約 read as a noun)."""
    return "".join(_char_t2s(ch) if "\u3400" <= ch <= "\u9fff" else ch for ch in text)


def remap(original: str, pieces) -> list[str]:
    """Pieces of ``simplified(original)`` as the same spans of ``original``."""
    out, pos = [], 0
    for p in pieces:
        out.append(original[pos:pos + len(p)])
        pos += len(p)
    return out


@lru_cache(maxsize=4096)
def tagged(text: str) -> tuple[tuple[str, str], ...]:
    """(word, flag) pairs of a Chinese text (jieba.posseg on its Simplified form, deterministic)."""
    pairs = [(p.word, p.flag) for p in _posseg().cut(simplified(text))]
    words = remap(text, [w for w, _ in pairs])
    return tuple((w, f) for w, (_, f) in zip(words, pairs))


def content_words(text: str, cjk: bool) -> list[str]:
    """Words that carry a topic (for lexical cohesion): nouns and verbs, no function words."""
    if cjk:
        return [w for w, f in tagged(text)
                if len(w) >= 2 and (f.startswith(("n", "v")) or f in ("eng", "an")) and not w.isdigit()]
    return [_stem(w) for w in re.findall(r"[a-z][a-z'’\-]+", text.lower()) if len(w) >= 4 and w not in EN_STOP]


def nouns(text: str, cjk: bool) -> list[str]:
    """Nouns and names in text order (Chinese: POS flags; English: capitalised names and
    content words outside the stop list)."""
    if cjk:
        out = []
        for w, f in tagged(text):
            if f in NOUN_FLAGS and (len(w) >= 2 or f in ("nr", "ns", "nz")) and not re.fullmatch(r"[\d.]+", w):
                if f == "eng" and len(w) < 3:
                    continue
                out.append(w)
        return out
    return [w for w in re.findall(r"[A-Za-z][A-Za-z'’\-]+", text) if w.lower() not in EN_STOP and len(w) >= 3]


def _stem(w: str) -> str:
    w = w.strip("'’-")
    for suf in ("ies", "es", "s"):
        if len(w) > 4 and w.endswith(suf) and not w.endswith("ss"):
            return w[: -len(suf)] + ("y" if suf == "ies" else "")
    return w



_NEGATION = re.compile(r"\b(?:not|no|never|without|nor)\b|n['’]t\b")


_OBJECT_AFTER = ("us", "them", "me", "him", "her", "it", "you", "our", "their", "his", "its", "the", "a", "an",
                 "this", "that", "these", "those")


def object_after(phrase: str, text: str, also: tuple[str, ...] = ()) -> bool:
    """Whether ``text`` has an object (a pronoun or a determiner, or one of ``also``) right
    after ``phrase``: then the phrase ends on a verb ("our tools shape us"), not a thing."""
    words = "|".join(_OBJECT_AFTER + also)
    return re.search(rf"\b{re.escape(phrase)}\s+(?:{words})\b", text, re.I) is not None


def under_negation(phrase: str, text: str) -> bool:
    """Whether every place ``text`` says ``phrase`` is under a negation in its clause ("a voice
    assistant that doesn't harvest our data and arbitrarily limit features"): as a keyword or a
    title such a phrase says the opposite of the story."""
    low, p = text.lower(), phrase.lower()
    found = False
    for m in re.finditer(rf"(?<!\w){re.escape(p)}(?!\w)", low):
        found = True
        clause = re.split(r"[.;:!?,]\s", low[:m.start()])[-1]
        if not _NEGATION.search(clause):
            return False
    return found
