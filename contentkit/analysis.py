"""Story analysis shared by all formats: language, sentences, keywords, key points, hook,
hashtags, reading and speaking time. Deterministic, offline, no model downloads."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass

from contentkit.story import Analysis, Callout, KeyPoint, Story, block_text
from contentkit.text import cjk_count, en_words, has_han, is_cjk_text, join_sentences, line_ends_phrase, without_han


@dataclass(frozen=True)
class Rates:
    """Speaking and reading rates (configurable with ``-O analysis.KEY=VALUE``)."""

    zh_chars_per_s: float = 4.0
    en_words_per_min: float = 150.0
    zh_read_chars_per_min: float = 400.0
    en_read_words_per_min: float = 230.0

    def speak_seconds(self, text: str) -> float:
        zh = cjk_count(text)
        en = len(en_words(without_han(text)))
        return zh / self.zh_chars_per_s + en / (self.en_words_per_min / 60.0)

    def read_seconds(self, text: str) -> float:
        zh = cjk_count(text)
        en = len(en_words(without_han(text)))
        return 60.0 * (zh / self.zh_read_chars_per_min + en / self.en_read_words_per_min)


_LANG_ALIASES = {
    "zh": "zh-Hans", "zh-cn": "zh-Hans", "zh-hans": "zh-Hans", "zh-sg": "zh-Hans", "cn": "zh-Hans",
    "zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "zh-hant": "zh-Hant", "zh-mo": "zh-Hant",
    "zh-hant-tw": "zh-Hant", "zh-hant-hk": "zh-Hant", "zh-hans-cn": "zh-Hans",
    "en": "en", "en-us": "en", "en-gb": "en", "english": "en",
}

_ZH_STOP = set("的 了 是 在 和 与 也 就 都 而 及 这 那 一个 我们 你们 他们 它们 今天 一种 没有 可以 已经 "
               "还有 什么 如果 因为 所以 但是 不是 就是 这样 那样 一些 这些 那些 自己 之后 之前 时候 "
               "开始 成为 知道 不妨 今天 一直 慢慢 这种 真正 至今 当年 最早 最后 同样 几乎 绝大多数 "
               # Cantonese function words (a diary's hashtags read "#會係 #宜家": "will be", "now")
               "有点 有些 块钱 多块 宜家 而家 会系 系咪 即系 唔系 咁样 跟住 点解 乜嘢 佢哋 我哋 你哋 呢个 呢啲 嗰个 嗰啲 一齐".split())
_EN_GENERIC = set("world today years year thousand thousands people made make time day days way thing things "
                  "invented writing hand glass next three two one first last still also every much many "
                  "new old great little "
                  # nouns that say nothing of a story ("#Stuff #Point #Version" on a post about
                  # recording videos)
                  "stuff point points version versions lot lots bit bits kind kinds sort part parts piece "
                  "example examples case cases idea ideas question questions answer answers number "
                  "something anything everything nothing someone everyone".split())
# Adjectives that name nothing alone: fine inside a phrase ("open voice"), never a topic by
# themselves (a community topic read 'What would you ask an expert about "open"?').
_EN_LONE_ADJ = set("open private free public local small big large high low long short real full main simple "
                   "easy good better best different same important possible available clear certain whole true "
                   "early late young special major common general social personal natural modern digital global "
                   "premium subtle sleek".split())
# a phrase led by one of these is a verb and its object, not a thing ("drink tea")
_EN_VERB_FIRST = set("drink eat make take get use go see know find give keep let put say tell try want need come "
                     "become start buy sell read write learn love like enjoy grow bring brought turn turned "
                     "call called show help".split())
_DEMONYM = re.compile(r"[A-Z][a-z]+(?:ese|ish|ian|ean|can|ch)")  # Chinese, British, Indian, French


def en_thing(keyword: str) -> bool:
    """Whether an English keyword names something to talk about: not an adjective alone
    ("open"), a people alone ("Chinese"), or a verb with its object ("drink tea"). Keywords
    keep them (they still weigh a sentence); topics and questions do not use them."""
    key = keyword.lower()
    return not (key in _EN_LONE_ADJ or key.split()[0] in _EN_VERB_FIRST or _DEMONYM.fullmatch(keyword))
_SUPERLATIVES_ZH = ("最", "第一", "唯一", "几乎", "竟然", "居然", "从未", "八千", "万")
_SUPERLATIVES_EN = ("first", "oldest", "only", "never", "almost", "most", "best", "biggest",
                    "thousand", "million", "secret", "nobody")


def detect_language(text: str, declared: str = "") -> str:
    """zh-Hans, zh-Hant or en. A valid declared language wins; otherwise scripts are counted:
    Chinese when Han characters outweigh Latin words, Traditional when characters that exist
    only in Traditional outnumber those that exist only in Simplified."""
    key = declared.strip().lower() if declared else ""
    d = _LANG_ALIASES.get(key)
    # "lang: zh" names Chinese but not its script: a Taiwanese blog's "zh" is Traditional, and
    # a Simplified call to action under it was the wrong script
    if d and key not in ("zh", "cn", "chinese"):
        return d
    if not d and not is_cjk_text(text):
        return "en"
    import hanzidentifier

    trad = simp = 0
    for ch in set(text):
        if has_han(ch):
            kind = hanzidentifier.identify(ch)
            trad += kind == hanzidentifier.TRADITIONAL
            simp += kind == hanzidentifier.SIMPLIFIED
    return "zh-Hant" if trad > simp else "zh-Hans"


def detect_locale(language: str, declared: str = "") -> str:
    """The zh-Hant variant for built-in messages: zh-HK for Hong Kong and Macau, else zh-TW."""
    if language != "zh-Hant":
        return ""
    return "zh-HK" if declared.strip().lower() in ("zh-hk", "zh-mo", "zh-hant-hk") else "zh-TW"


def _jieba():
    from contentkit.zhdict import jieba

    return jieba()


def extract_keywords(text: str, language: str, top: int = 20) -> list[tuple[str, float]]:
    """Keywords with weights in [0, 1], highest first, deterministic."""
    if language.startswith("zh"):
        from contentkit.editorial.lexicon import simplified

        jieba = _jieba()
        simple = simplified(text)
        pairs = jieba.analyse.extract_tags(simple, topK=top * 3, withWeight=True)
        if simple != text:  # back to the story's own characters, at the first place each word stands
            pairs = [(text[simple.index(w):simple.index(w) + len(w)] if w in simple else w, v) for w, v in pairs]
        out: list[tuple[str, float]] = []
        for word, weight in pairs:
            w = word.strip()
            # the stop list is Simplified: a Traditional story's "因為" is its "因为"
            if len(w) < 2 or simplified(w) in _ZH_STOP or re.fullmatch(r"[\d.,%零一二三四五六七八九十百千万亿两]+", w):
                continue
            if not has_han(w) and (
                    len(w) < 3 or not re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)):
                continue  # fragments of Latin words (jieba splits "Château" into "Ch", "teau")
            w = _zh_whole_word(w, text)
            if len(w) >= 3 and w[-1] in _ZH_NOT_TAIL and w[:-1] in text.replace(w, ""):
                w = w[:-1]  # jieba's "蒸架放" of "把蒸架放里面", where the story also writes 蒸架 alone
            if any(w == o for o, _ in out):
                continue
            out.append((w, float(weight)))
        out = out[:top]
    else:
        import yake

        from contentkit.editorial.lexicon import under_negation

        extractor = yake.KeywordExtractor(lan="en", n=2, top=top * 2, dedupLim=0.7)
        # a line ends a phrase: "Distance: 15 miles" over "Woke up with…" had made #MilesWoke
        pairs = extractor.extract_keywords(line_ends_phrase(text))
        # YAKE: lower is better; convert to a descending weight.
        out = []
        seen: set[str] = set()
        for term, score in sorted(pairs, key=lambda p: (round(float(p[1]), 12), p[0].lower())):
            key = term.lower()
            stem = " ".join(t.rstrip("s") for t in key.split())
            if stem in seen or re.fullmatch(r"[\d.,%]+", key) or len(key) < 3:
                continue
            if any(t in _EN_GENERIC or t[:1] in "’'" for t in key.split()):
                continue  # "’ve noticed": YAKE splits "I’ve" at its apostrophe
            if key.split()[0].endswith("ly") or under_negation(term, text):
                continue  # "arbitrarily limit features", said of what the story is against
            full = _full_name(term, text)
            if full is None:
                continue
            if full != term:
                term, key = full, full.lower()
                stem = " ".join(t.rstrip("s") for t in key.split())
                if stem in seen:
                    continue
            seen.add(stem)
            out.append((term, 1.0 / (1.0 + 20.0 * float(score))))
        out = out[:top]
    if not out:
        return []
    hi = max(w for _, w in out) or 1.0
    return [(w, round(v / hi, 6)) for w, v in out]


def _zh_whole_word(word: str, text: str) -> str:
    """A Chinese keyword as the story always writes it: jieba cuts 折耳根 (a plant) into 折 +
    耳根 (an earlobe), and "#耳根" was a hashtag. Where every one of at least two occurrences has
    the same Hanzi just before it, cut off on its own, that Hanzi belongs to the word."""
    at = [m.start() for m in re.finditer(re.escape(word), text)]
    if len(at) < 2:
        return word
    after = {text[i + len(word):i + len(word) + 1] for i in at}
    if len(after) == 1 and has_han(nxt := next(iter(after))) and nxt not in _ZH_PARTICLES \
            and nxt not in _ZH_NOT_TAIL:
        # the same the other way: 小米椒 (a chilli) cut into 小米 (millet, or a phone maker) + 椒
        jieba = _jieba()
        alone = 0
        for i in at:
            tokens = jieba.lcut(text[i:i + len(word) + 6])
            alone += len(tokens) >= 2 and tokens[0] == word and tokens[1] == nxt
        if 2 * alone > len(at):
            return word + nxt
    before = {text[i - 1] if i > 0 else "" for i in at}
    if len(before) != 1 or not has_han(next(iter(before))) or next(iter(before)) in _ZH_PARTICLES:
        return word
    # a Hanzi jieba leaves on its own there ("折" | "耳根"; "英" | "伟达"), at most of the places,
    # not the end of another word ("黑色" | "凝胶", "黄兄" | "小酌")
    jieba = _jieba()
    alone = 0
    for i in at:
        tokens = jieba.lcut(text[max(0, i - 6):i + len(word)])
        alone += len(tokens) >= 2 and tokens[-1] == word and len(tokens[-2]) == 1
    return next(iter(before)) + word if 2 * alone > len(at) else word


_ZH_PARTICLES = set("的了是在和与也就都而及着过吗呢吧啊呀们地得很又还这那个一成等")  # 烧成 / 油温; 等 (etc.) / 中药材
# one-character words that follow a noun without being part of it: 里 (in), 上, 中, 后…, verbs
_ZH_NOT_TAIL = set("里裡上下中内內外前后後旁边邊时時说說有让讓给給被把将將对對从從向到去来來会會能要可用做"
                   # a cook's verbs after the thing they act on: "把蒸架放里面" made "#蒸架放"
                   "放倒加切煮炒蒸盖蓋拿取装裝摆擺搅攪拌洗烤煎炸吃喝看买買卖賣")


def _full_name(term: str, text: str) -> str | None:
    """A capitalised keyword as the name the story writes (YAKE's phrases stop at 2 words, so
    "Voice Preview Edition" came out as "Voice Preview" and "Preview Edition"): the most
    frequent run of capitalised words around it, the shortest of equals. None when that run
    is longer than four words (a piece of a title-cased heading); the term when it is not
    capitalised or stands alone."""
    from collections import Counter

    words = term.split()
    if len(words) < 2 or not all(w[:1].isupper() for w in words):
        return term
    cap = r"[A-Z][\w’'-]*"
    raw = Counter(m.group(0) for m in re.finditer(
        # spaces, never a line break: units are joined by lines, and "— Wang Yin" (a credit)
        # before "I’ve noticed…" had made the name "Wang Yin I’ve" and the hashtag #WangYinIve
        rf"(?<![\w’'-])(?:{cap}[ \t]+)*{re.escape(term)}(?:[ \t]+{cap})*(?![\w’'-])", text))
    from contentkit.editorial.lexicon import EN_STOP

    def trimmed(form: str) -> str:  # "The New World" at a sentence's start is "New World"
        ws = form.split()
        while len(ws) > len(words) and ws[0].lower() in EN_STOP:
            ws = ws[1:]
        while len(ws) > len(words) and ws[-1].lower() in EN_STOP:
            ws = ws[:-1]
        return " ".join(ws)

    forms: Counter[str] = Counter()
    for f, c in list(raw.items()):
        forms[trimmed(re.sub(r"\s+", " ", f))] += c
    if not forms:
        return term
    best = max(forms, key=lambda f: (forms[f], -len(f)))
    return best if len(best.split()) <= 4 else None


def _contains(sentence: str, kw: str, cjk: bool) -> bool:
    if cjk:
        return kw in sentence
    return re.search(rf"\b{re.escape(kw)}\b", sentence, re.I) is not None


def _sentence_score(sentence: str, keywords: list[tuple[str, float]], cjk: bool,
                    bold: set[str], first: bool) -> float:
    score = sum(w for kw, w in keywords if _contains(sentence, kw, cjk))
    score = min(score, 2.5)
    if any(b and (b in sentence or sentence in b) for b in bold):
        score += 2.0  # the author's own emphasis
    if re.search(r"\d", sentence):
        score += 0.3
    if first:
        score += 0.2
    n = len(sentence) if cjk else len(sentence.split())
    lo, hi = (10, 60) if cjk else (7, 32)
    if n < lo:
        score -= 0.8 * (lo - n) / lo
    elif n > hi:
        score -= min(1.0, (n - hi) / hi)
    return round(score, 6)


def hook_score(sentence: str, cjk: bool, index: int, bold: set[str]) -> float:
    """How well ``sentence`` (the ``index``-th the story could open on) opens a post or a video:
    a question, a number, a superlative, the author's bold, a length read in one breath, early over late.
    Shared by the article hook and the video's short hook."""
    s = 0.0
    if sentence.rstrip("”」\"'").endswith(("？", "?")):
        s += 1.2
    if re.search(r"\d|[一二三四五六七八九十百千万]{2,}", sentence):
        s += 0.4
    low = sentence.lower()
    words = _SUPERLATIVES_ZH if cjk else _SUPERLATIVES_EN
    s += 0.4 * min(2, sum(1 for w in words if w in low))
    if any(b and b in sentence for b in bold):
        s += 0.3
    s += max(0.0, 0.8 - 0.15 * index)  # earlier is better: it opens the story
    if sentence.count("（") != sentence.count("）") or sentence.count("(") != sentence.count(")"):
        s -= 1.0  # an unclosed bracket reads as a fragment
    n = len(sentence) if cjk else len(sentence.split())
    lo, hi = (8, 40) if cjk else (5, 24)
    if n < lo:
        s -= 0.1 * (lo - n)
    elif n > hi:
        s -= 0.05 * (n - hi)
    return round(s, 6)


def hashtagify(tag: str, cjk: bool) -> str:
    """A hashtag body: no spaces or punctuation; English words in CamelCase."""
    tag = tag.strip().lstrip("#")
    if not tag:
        return ""
    if has_han(tag):
        return re.sub(r"[\s\W_]+", "", tag)
    parts = re.split(r"[\s\-_]+", tag)
    if len(parts) == 1:
        word = re.sub(r"\W+", "", parts[0])
        return word[:1].upper() + word[1:]  # #Vineyards, like the CamelCase tags
    return "".join(re.sub(r"\W+", "", p[:1].upper() + p[1:]) for p in parts if p)


def analyze(story: Story, rates: Rates | None = None) -> Story:
    """Return the edited story with its Analysis attached (the parsed story is immutable).

    The editorial layer runs first (clean, structure, units), so every format reads sections
    without boilerplate and sentences that stand on their own."""
    from contentkit.editorial import edit, section_units

    rates = rates or Rates()
    meta = story.meta
    # the prose decides, where there is some: an English title over Chinese text ("2025
    # Computex review" over "今年很幸運…") is a Chinese story; titles and headings too otherwise
    body = "\n".join(s.plain for s in story.sections)
    if sum(1 for ch in body if ch.isalnum()) < 6:
        body = "\n".join([meta.title, meta.subtitle] + [s.heading + "\n" + s.plain for s in story.sections])
    language = detect_language(body, meta.language)
    cjk = language.startswith("zh")
    story, set_aside = edit(story, cjk)

    built: list[tuple] = []
    for i, sec in enumerate(story.sections):
        prior = " ".join(u.text for u in built[-1][-2:]) if built else ""
        built.append(section_units(sec, cjk, story_start=(i == 0), title=meta.title, prior=prior))
    units = tuple(built)
    sentences = tuple(tuple(u.text for u in us) for us in units)
    bold: set[str] = {p for sec in story.sections for block in sec.blocks
                      for p in block_text(block).strong_parts if len(p) >= 4}
    body = _keyword_text(story, units, cjk)
    keywords = extract_keywords((meta.title + "\n" if cjk else "") + body, language)

    points = _key_points(story, units, keywords, cjk, bold)
    more = _more_points(story, units, keywords, cjk, bold, points)
    hook = _hook(story, units, cjk, bold)
    tags = _hashtags(story, keywords, body, cjk)

    readable = "\n".join([meta.title] + [s.heading + "\n" + s.plain for s in story.sections])
    char_count = cjk_count(readable)
    word_count = len(en_words(without_han(readable)))
    analysis = Analysis(
        language=language,
        sentences=sentences,
        keywords=tuple(k for k, _ in keywords),
        key_points=tuple(points),
        hook=hook,
        hashtags=tuple(tags[:12]),
        char_count=char_count,
        word_count=word_count,
        reading_time_s=round(rates.read_seconds(readable), 1),
        speaking_time_s=round(rates.speak_seconds(readable), 1),
        speaking_rate=rates.zh_chars_per_s if cjk else rates.en_words_per_min / 60.0,
        units=units,
        set_aside=set_aside,
        locale=detect_locale(language, meta.language),
        more_points=tuple(more),
    )
    return dataclasses.replace(story, analysis=analysis)


def _key_points(story: Story, units, keywords, cjk: bool, bold: set[str]) -> list[KeyPoint]:
    """The author's key points first, then the best standalone unit of each section."""
    meta = story.meta
    points: list[KeyPoint] = [KeyPoint(text=t, section=-1, score=100.0 - i, explicit=True)
                              for i, t in enumerate(meta.key_points)]
    for si, sec in enumerate(story.sections):
        for block in sec.blocks:
            if isinstance(block, Callout) and block.role == "keypoint" and block.text:
                points.append(KeyPoint(text=block.text.plain.strip(), section=si, score=50.0, explicit=True))
    explicit_sections = {p.section for p in points if p.explicit}
    for si, _sec in enumerate(story.sections):
        if si in explicit_sections:
            continue
        ok = [u for u in units[si] if u.standalone]
        # a sentence that says something, else a quote, else whatever there is: "2.东泰祥" (a
        # shop's name under a numbered line) was a key point over the quote describing it
        said = [u for u in ok if u.kind not in ("quote", "table") and _says_something(u.text, cjk)]
        # a log's data ("Conditions: Low 70s, Partly Sunny. Distance: 15 miles") is the part's
        # point only where it says nothing else
        said = [u for u in said if not _facts_only(u.text)] or said
        # a table's row is one of its rows ("12 天（HTST）——配送半徑：…" of four): the part's
        # point only where it has no sentence of its own
        rows = [u for u in ok if u.kind == "table" and _says_something(u.text, cjk)]
        pool = ([u.text for u in said] or [u.text for u in ok if u.kind == "quote"] or [u.text for u in rows]
                or [u.text for u in ok])
        if not pool:
            continue
        scored = [(_sentence_score(s, keywords, cjk, bold, k == 0), -k, s) for k, s in enumerate(pool)]
        best = max(scored)
        points.append(KeyPoint(text=best[2], section=si, score=best[0]))
    return points


def _keyword_text(story: Story, units, cjk: bool) -> str:
    """The text keywords and hashtags are drawn from: the units, a table's cells once each. A
    table row as a unit repeats its header ("拆成本歸屬——問法：…", "推算通路半徑——問法：…"), which
    made "問法" a hashtag."""
    from contentkit.story import Table

    parts: list[str] = []
    for sec, us in zip(story.sections, units):
        parts += [u.text for u in us if u.kind != "table"]
        parts += [("，" if cjk else ", ").join(c for c in row if c) for b in sec.blocks if isinstance(b, Table) for row in b.rows]
    return "\n".join(parts)


def _says_something(text: str, cjk: bool) -> bool:
    """Long enough to be a point: 8 Hanzi, or 5 English words."""
    from contentkit.text import cjk_count

    return cjk_count(text) >= 8 if cjk else len(text.split()) >= 5


def _more_points(story: Story, units, keywords, cjk: bool, bold: set[str],
                 points: list[KeyPoint]) -> list[KeyPoint]:
    """Second to fourth points of sections with at least five units: standalone, not a quote,
    not the section's key point, long enough to say something; best first. (A carousel takes
    one in place of a key point that is the cover's line already.)"""
    used = {p.text for p in points}
    lo = 16 if cjk else 10
    more: list[KeyPoint] = []
    for si, _sec in enumerate(story.sections):
        if len(units[si]) < 5:
            continue
        pool = [(k, u.text) for k, u in enumerate(units[si])
                if u.standalone and u.kind in ("sentence", "list") and u.text not in used
                and (len(u.text) if cjk else len(u.text.split())) >= lo]
        scored = sorted(((_sentence_score(t, keywords, cjk, bold, False), -k, t) for k, t in pool), reverse=True)
        more += [KeyPoint(text=t, section=si, score=sc) for sc, _k, t in scored[:3]]
    return sorted(more, key=lambda p: (-p.score, p.section))


def can_open(u) -> bool:
    """A unit a story (or a video) may open on: standalone, no table row, and no list's item
    nor a list that no sentence announces, nor a log's data ("Distance: 19 miles", "K7528 沈阳站
    (23:56) -> 大连站(5:32)")."""
    return u.standalone and u.kind != "table" and not u.item and u.note not in ("items", "steps") \
        and not _facts_only(u.text)


_FACT_LINE = re.compile(r"[^\s:：。.!?！？]{1,12}(?:[ \t][^\s:：。.!?！？]{1,12}){0,2}\s*[:：]\s*[^。.!?！？:：]{1,30}[。.]?")


def _facts_only(text: str) -> bool:
    """Every sentence a "label: value" line ("Distance: 19 miles", "价格：170")."""
    from contentkit.text import split_sentences

    if not re.search(r"[:：>→⇒]", text):
        return False  # no label and no arrow: no sentence to split (can_open asks it of every unit)
    sents = split_sentences(text)
    return bool(sents) and all(_FACT_LINE.fullmatch(x.strip())
                               or (_ITINERARY.search(x) and not x.rstrip().endswith(tuple("。.!！?？"))) for x in sents)


# a timetable's line: "K7528 沈阳站(23:56) -> 大连站(5:32)"
_ITINERARY = re.compile(r"(?<![-<=])(?:->|→|⇒|—>)(?!>)\s*\S")


def _hook(story: Story, units, cjk: bool, bold: set[str]) -> str:
    """The author's hook, else the standalone sentence that opens best (a question, a number, a
    superlative, early in the story); never one that leans on what came before."""
    meta = story.meta
    if meta.hook:
        return meta.hook
    hooks = story.callouts("hook")
    if hooks:
        return hooks[0].text.plain.strip()
    flat = [u for sec in units for u in sec]
    cands, short = [], []
    lo = 8 if cjk else 5
    for k, u in enumerate(flat[:40]):
        if not can_open(u):
            continue
        s = u.text
        n = len(s) if cjk else len(s.split())
        nxt = flat[k + 1] if k + 1 < len(flat) else None
        if n < lo and nxt is not None and can_open(nxt):
            s = join_sentences([s, flat[k + 1].text])  # "你知道吗？" reads as a hook with what follows
        elif n < lo and not s.rstrip().endswith(("？", "?", "！", "!")):
            # "忠孝新生" (a shop's map link): a name says nothing on its own; a short question does
            short.append((hook_score(s, cjk, k, bold), -k, s))
            continue
        cands.append((hook_score(s, cjk, k, bold), -k, s))
    cands = cands or short
    return max(cands)[2] if cands else meta.title


_ZH_TAG_STOP = set("年代 时候 時候 时间 時間 东西 東西 问题 問題 方面 地方 感觉 感覺 事情 情况 情況 部分 样子 樣子 "
                   "原因 结果 結果 方法 办法 辦法 程度 过程 過程 作用 影响 影響 意思 左右 以上 以下 之一 大家 朋友 "
                   "记得 記得 产于 產於 甚麼 什么 什麼 十大 一下 一点 一點 小时 小時 分钟 分鐘".split())


_ZH_TAG_FLAGS = ("n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "nw", "eng")
_ZH_TAG_STOP |= set("官方 官网 官網 金额 金額 区别 區別 电子 電子 原料 姐姐 群里 群裡 东西 東西 人们 人們 大家 自己 "
                    "之后 之後 以后 以後 今天 明天 昨天 当时 當時 现在 現在 里面 裡面 时代 時代 方式 内容 內容".split())
# a recipe's or a guide's working words (HowToCook's dishes gave #流程 #份数 #容器 #待命): how it
# is done, never what it is about
_ZH_TAG_STOP |= set("流程 份数 份數 材料 辅料 輔料 原料 容器 新手 待命 步骤 步驟 做法 工具 操作 计算 計算 "
                    "小段 大火 中火 小火 热锅 熱鍋 热油 熱油 杯子 温度 溫度".split())
_PHRASE_END = (r"(?:is|are|was|were|and|or|of|in|on|to|that|which|with|for|from|by|as|at|has|had|have|"
               r"will|can|could|would|should|may|might|must|it|they|we|i|you|he|she|but|so|because)")
_DETERMINERS = r"(?:the|a|an|this|that|these|those|our|your|their|its|his|her|my|of|and)"


def _zh_tag_words(text: str, keywords) -> list[str]:
    """Keywords that jieba tags as nouns or names (not verbs, places-of-speech or adverbs)."""
    from contentkit.editorial.lexicon import tagged

    # each keyword's tag where the text first uses it: jieba segments line by line, so the
    # lines can be tagged one at a time, stopping once every keyword has its tag
    wanted = {k for k, _ in keywords[:20]}
    flag: dict[str, str] = {}
    budget = 20000
    for line in text.split("\n"):
        if budget <= 0 or wanted <= flag.keys():
            break
        for w, f in tagged(line[:budget]):
            flag.setdefault(w, f)
        budget -= len(line) + 1
    out = []
    for k, _ in keywords[:20]:
        # a keyword made whole (小米 + 椒) takes the tag of the word jieba read in it
        f = flag.get(k) or (flag.get(k[:-1]) or flag.get(k[1:], "") if len(k) >= 3 else "")
        if k in _ZH_TAG_STOP or f not in _ZH_TAG_FLAGS or re.match(r"(我|你|您|他|她|它)(们|們)?.?$", k):
            continue  # "#我用" (of "我用的剃须装备"): a pronoun and a verb, no topic
        if f == "eng" and not re.search(r"[A-Z\d]", k):
            continue  # a lowercase English word is not a hashtag on a Chinese note
        if re.fullmatch(r"\d+(?:[.,]\d+)?\s*[A-Za-z%°℃]{0,4}", k):
            continue  # a measure ("#6ml", "#3cm"), not a topic
        if len(k) == 3 and k[0] in "成为為":
            continue  # jieba's "成小丁" of "切成小丁": the end of a verb and a shape
        out.append(k)
    # jieba cuts a Latin name into its words ("Fastboot Firmware Flasher" gave three hashtags):
    # a word of a capitalised run the text uses twice or more is tagged as the run
    runs = Counter(m.group(0) for m in re.finditer(r"\b[A-Z][\w+.-]*(?:[ ][A-Z][\w+.-]*){1,3}\b", text))
    whole = []
    for k in out:
        names = [r for r, n in runs.most_common() if n >= 2 and k in r.split(" ")]
        whole.append(names[0] if names and re.fullmatch(r"[A-Za-z][\w+.-]*", k) else k)
    return list(dict.fromkeys(whole))


def _en_tag_phrases(body: str, keywords) -> list[str]:
    """Names first (capitalised runs inside sentences), then key phrases that end in a noun: a
    word the text puts after a determiner ("the tea", "our hardware"), never an adverb."""
    from contentkit.editorial.lexicon import EN_STOP

    names: dict[str, int] = {}
    for m in re.finditer(r"(?<=[a-z,;:] )((?:[A-Z][\w'’]+)(?: (?:[A-Z][\w'’]+|of|de|du))*)", body):
        name = m.group(1).strip()
        first = name.split()[0].lower().replace("’", "'")
        if name.split()[-1] in ("of", "de", "du") or name.lower() in _EN_GENERIC or len(name) < 3 \
                or first in EN_STOP or first.split("'")[0] in ("i", "you", "we", "they", "he", "she", "it"):
            # "They may not be confident…; They may think…" (list items after a colon), "I'm"
            continue
        names[name] = names.get(name, 0) + 1
    out = [n for n, c in sorted(names.items(), key=lambda kv: (-kv[1], body.find(kv[0]))) if c >= 2][:4]
    low = body.lower()
    for k, _ in keywords[:12]:
        ws = k.split()
        if any(w.lower() in _EN_GENERIC or w.lower().endswith("ly") or len(w) < 3 for w in ws) or not en_thing(k):
            continue  # "#Good", "#British": an adjective or a people alone is no topic
        last = re.escape(ws[-1].lower())
        # ...and ends a phrase there: "the tea is", "our hardware." (not "a good chance")
        if re.search(rf"\b{_DETERMINERS}\s+(?:\w+\s+)?{last}(?:\s*[.,;:!?)\]]|\s+{_PHRASE_END}\b)", low) \
                or ws[-1][:1].isupper():
            out.append(k)
    return out


def _tag_halves(tags, cjk: bool) -> list[str]:
    """A blog's bilingual tag ("talk | 演講", "Life / 生活") as the half in the story's language;
    it had been the hashtag "#talk演講"."""
    out = []
    for t in tags:
        parts = [p.strip() for p in re.split(r"\s*[|｜/／]\s*", t) if p.strip()]
        if len(parts) == 2 and has_han(parts[0]) != has_han(parts[1]):
            out.append(next(p for p in parts if has_han(p) == cjk))
        else:
            out.append(t)
    return out


_EMOTICON = re.compile(r"T[A_]?T|Q[AwWoO_]?Q|OT[ZL]|orz|XD+|w{3,}|lol|lmao|2333*|QQ", re.I)
_PLACEHOLDER_TAGS = {"others", "other", "misc", "miscellaneous", "uncategorized", "uncategorised", "general",
                     "default", "untitled", "未分类", "未分類", "其他", "其它", "杂项", "雜項", "默认", "默認", "无", "無"}


def _hashtags(story: Story, keywords, body: str, cjk: bool) -> list[str]:
    """Hashtags in the story's language: the author's, else tags and the story's nouns/names."""
    from contentkit.editorial.lexicon import EN_STOP

    meta = story.meta
    if meta.hashtags:
        raw = list(meta.hashtags)
    else:
        # a Latin tag of a Chinese story is kept only where the story writes it: a post about a
        # yearly review carried the tags "JWT" and "JSON" of the template it was copied from
        said = re.sub(r"[\s\-_]+", "", (meta.title + body).lower())
        raw = [t for t in _tag_halves(meta.tags, cjk) if (not cjk or has_han(t)
               or re.sub(r"[\s\-_]+", "", t.lower()) in said) and not _PLACEHOLDER_TAG.fullmatch(t.strip())]
        raw += _zh_tag_words(meta.title + "\n" + body, keywords) if cjk else _en_tag_phrases(body, keywords)
    tags: list[str] = []
    seen: set[str] = set()
    seen_words: dict[str, tuple[str, ...]] = {}

    def _same_tag(h: str, t: str, x: str) -> bool:
        """One tag inside another: as Hanzi (#葡萄酒 in #红葡萄酒), or as whole Latin words
        ("Creative" in "Creative Thinking"; "eth" in "creativethinking" is no tag of it)."""
        if has_han(h) or has_han(x):
            return h.lower() in x or x in h.lower()
        a, b = tuple(map(_stem, _tag_words(t))), tuple(map(_stem, seen_words[x]))
        if set(a) == set(b):
            return True  # "#TradingCryptocurrencies" after "#CryptocurrencyTrading"
        short, long_ = (a, b) if len(a) <= len(b) else (b, a)
        return any(long_[i:i + len(short)] == short for i in range(len(long_) - len(short) + 1))

    for t in raw:
        if t.strip().lstrip("#").lower() in _PLACEHOLDER_TAGS:
            continue  # a blog's "Others"/"未分類" category names no topic
        if _EMOTICON.fullmatch(t.strip().lstrip("#")):
            continue  # "TAT", "QwQ", "OTZ", "XDD": a face, not a topic
        words = re.split(r"[\s\-_]+", t.strip().lower())
        if cjk and not has_han(t) and len(words) >= 3 and (len(words) >= 4 or EN_STOP & set(words)):
            # "About Removing Medium", a link's title in a Chinese story, is no tag of a Chinese
            # post ("Fastboot Firmware Flasher", a name, is)
            continue
        if cjk and not has_han(t) and t.strip().lstrip("#").lower() in _EN_GENERIC:
            continue  # "#Day" of "PHP 也有 Day 番外篇": a common English word names no topic
        h = hashtagify(t, cjk)
        if h and h.lower() not in seen and not h.isdigit() and not any(_same_tag(h, t, x) for x in seen):
            seen.add(h.lower())
            tags.append(h)
            seen_words[h.lower()] = _tag_words(t)
    return tags


# a template's placeholder where the writer set no tag ("暂无", "未分类", "Uncategorized")
_PLACEHOLDER_TAG = re.compile(r"暂无|暫無|无|無|未分类|未分類|默认|默認|默认分类|默認分類|其他|其它|待定|todo|none|n/?a|"
                              r"uncategori[sz]ed|default|misc|general|tag\d*|tags", re.I)


def _tag_words(tag: str) -> tuple[str, ...]:
    """A Latin tag's words, lowercased: split at spaces, dashes and CamelCase ("WangYin"), a
    possessive's "'s" left out ("SOL's" is "SOL")."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", re.sub(r"['’]s\b", "", tag.strip().lstrip("#")))
    return tuple(w for w in re.split(r"[\s\-_]+", spaced.lower().replace("’", "").replace("'", "")) if w)


def _stem(word: str) -> str:
    return word[:-3] + "y" if word.endswith("ies") else word.rstrip("s")


def top_key_points(story: Story, n: int) -> list[KeyPoint]:
    """The ``n`` strongest key points, returned in story order (explicit ones always first)."""
    pts = list(story.a.key_points)
    ranked = sorted(range(len(pts)), key=lambda i: (-pts[i].score, i))[:n]
    return [pts[i] for i in sorted(ranked)]
