"""Structure: find the sections of a story that has no usable headings.

1. Lead lines become headings: a short paragraph that is all bold, or that reads like
   ``Day 1`` / ``第二天`` / a date, followed by text (when a story has at least two of them).
2. A section far longer than a section usually is (a headingless column, a long intro) is cut
   at its topic shifts by lexical cohesion between neighbouring paragraphs (the TextTiling
   family: similarity of word vectors left and right of each gap, cut where the valley is
   deepest), with a minimum length per part.
3. Each new section gets a short title drawn from its own text: a clause that carries its most
   distinctive words, or those words themselves.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import replace
from typing import Sequence, TypeGuard

from contentkit.editorial.data import patterns, table
from contentkit.editorial.lexicon import content_words, nouns
from contentkit.editorial.units import AUTHOR_NUMBER
from contentkit.story import Block, Paragraph, Section, block_text
from contentkit.text import capitalised, cjk_count, drop_asides, is_cjk_text, lead_symbols, line_ends_phrase, split_sentences

# Target section length: about what a card, a video beat or a 3-5 minute live segment holds.
TARGET = {True: 450, False: 160}   # CJK characters / English words
LONG = {True: 720, False: 260}


def size(text: str, cjk: bool) -> int:
    return cjk_count(text) if cjk else len(text.split())


# ----------------------------------------------------------------------------- lead lines
def _lead_line(b: Block, cjk: bool) -> TypeGuard[Paragraph]:
    if not isinstance(b, Paragraph):
        return False
    t = b.text.plain.strip()
    if not t or "\n" in t:
        return False
    short = (cjk_count(t) <= 24 and len(t) <= 40) if cjk else len(t.split()) <= 10
    if not short or t[-1] in "。．.!！?？，,;；…":
        return False
    all_bold = all(s.strong for s in b.text.spans if s.text.strip())
    return all_bold or any(rx.search(t) for rx in patterns("structure", "markers"))


_NUMBER = AUTHOR_NUMBER
# "3、4 colors" is item 3 named "4 colors": after 、 a digit is the name; after a dot, a decimal
_ITEM_NUMBER = re.compile(rf"^{_NUMBER}(?:、|[.．](?!\d))\s*(?=\S)")


def _unnumbered(head: str) -> str:
    """A lead line's heading without its list number: the numbers restart under each part of
    a weekly ("1、雷击火箭" under 科技动态, "1、Orion" under 工具), and a format numbers its
    own points ("③ 1、雷击火箭", "⑩ 1、ai-disk-cleaner")."""
    bare = _ITEM_NUMBER.sub("", head)
    return bare if bare.strip() else head


_LABEL_NUMBER = re.compile(rf"^(?:[(（]{_NUMBER}[)）]|{_NUMBER}(?:[、)）]|[.．](?!\d)))\s*(?=\S)")  # also "（一）", "2)"


_ZH_POINTED = re.compile(r"^(這個|这个|這款|这款|該|该|此)\s*([A-Za-z][\w.+-]*|[\u4e00-\u9fff]{2})")


def _named(label: str, context: str) -> str:
    """A heading that points at the story's subject ("這個 skill 解的問題") with the subject named
    where the title, the subtitle or the opening names it with that word ("拆解 i-have-adhd
    skill" -> "i-have-adhd skill 解的問題"); the heading itself when none does."""
    m = _ZH_POINTED.match(label)
    if not m:
        return label
    noun = m.group(2)
    named = re.search(r"([A-Za-z][\w.+-]*(?:[ -][A-Za-z][\w.+-]*){0,2})\s*" + re.escape(noun), context)
    if not named or named.group(1).lower() == noun.lower():
        return label
    return named.group(1) + (" " if noun[:1].isascii() else "") + label[m.start(2):]


# a heading that opens as the next step of a narrative ("於是長大了以後", "然后呢，我们…")
_LABEL_SEQUEL = re.compile(r"^(?:於是|于是|然後|然后|所以|因此|接著|接着)[，,、\s]*")
_PART_N = re.compile(r"(?i)(?:part|section|chapter|step)\s*(\d{1,2}|[ivx]{1,4})|第\s*([一二三四五六七八九十\d]{1,3})\s*(?:部分|節|节|章|篇)")
_EN_LABEL_SEQUEL = re.compile(r"^(?:so|and|but|then|and then|anyway)\b[,\s]+(?=[a-z])", re.I)


def label_sections(sections: Sequence[Section], cjk: bool, context: str = "") -> tuple[Section, ...]:
    """Each section with the heading a format shows when it shows the part on its own
    (``Section.label``): without the author's list number, which a carousel or a note renumbers
    ("⑤ 3. 摘要優先順序"), a generic heading ("說明", "Notes") with its parent's
    ("自動摘要設定：說明"), and one that points at the subject with it named (``context``: the
    title, subtitle and opening)."""
    generic = {w.lower() for w in table()["structure"]["generic_headings"]}
    out: list[Section] = []
    parents: list[tuple[int, str]] = []  # (level, label) of the headings above
    under: list[str] = []  # each section's parent label ("" at the top)
    for sec in sections:
        head = sec.heading.strip()
        head = head[lead_symbols(head):]  # "◤ 德佈咖啡", "🚄 上海-苏州园区": the marker is the author's decoration
        if not head:
            out.append(sec)
            under.append("")
            continue
        bare = _LABEL_NUMBER.sub("", head)
        label = bare if size(bare, cjk) >= 2 or (not cjk and len(bare) >= 3) else head
        m = _LABEL_SEQUEL.match(label)
        if m and cjk_count(label[m.end():]) >= 3:
            label = label[m.end():]  # "於是長大了以後" goes on from the part before; a card starts anew
        m = _EN_LABEL_SEQUEL.match(label)
        if not cjk and m and len(label[m.end():].split()) >= 3:
            rest = label[m.end():]  # "So why did I think it'd be fun?" -> "Why did I think it'd be fun?"
            label = capitalised(rest)
        if cjk and context:
            label = _named(label, context)
        while parents and parents[-1][0] >= sec.level:
            parents.pop()
        numbered = _PART_N.fullmatch(label.strip())
        if numbered and parents:
            # "part 1" under "实操分享" names nothing shown alone: "实操分享（1）"
            n = numbered.group(1) or numbered.group(2)
            parent = parents[-1][1]
            label = f"{parent}（{n}）" if is_cjk_text(parent) else f"{parent} ({n})"
        elif label.strip().rstrip(":：").strip().lower() in generic and parents:
            parent = parents[-1][1]
            both = f"{parent}：{label}" if is_cjk_text(parent + label) else f"{parent}: {label.lower()}"
            label = both if (cjk_count(both) <= 18 if cjk else len(both.split()) <= 8) else parent
        parents.append((sec.level, label))
        out.append(replace(sec, shown=label) if label != sec.heading else sec)
        under.append(parents[-2][1] if len(parents) > 1 else "")
    return tuple(_told_apart(out, under, cjk))


def _told_apart(sections: list[Section], under: list[str], cjk: bool) -> list[Section]:
    """Parts that share a heading under different parents ("第一天：抵達、取車…" under "路線 A"
    and "第一天：抵達後留在那霸" under "路線 B") named with their parent's short name where shown
    alone: two carousel cards both read "第一天" with nothing to tell the routes apart."""
    def key(label: str) -> str:
        return re.split(r"\s*[：:]\s*", label.strip(), maxsplit=1)[0].strip().lower()

    keys = [key(sec.label) if sec.label else "" for sec in sections]
    out = []
    for i, sec in enumerate(sections):
        k, parent = keys[i], under[i]
        twins = [j for j, kk in enumerate(keys) if kk == k and j != i]
        if not k or not parent or not twins or all(under[j] == parent for j in twins):
            out.append(sec)
            continue
        short = re.split(r"\s*[：:]\s*", parent.strip(), maxsplit=1)[0].strip() or parent
        if short.lower() in sec.label.lower():
            out.append(sec)
            continue
        label = f"{short}｜{sec.label}" if is_cjk_text(short + sec.label) else f"{short}: {sec.label}"
        out.append(replace(sec, shown=label))
    return out


def promote_lead_lines(sections: list[Section], cjk: bool) -> list[Section]:
    leads = sum(1 for s in sections for i, b in enumerate(s.blocks)
                if _lead_line(b, cjk) and i + 1 < len(s.blocks))
    if leads < 2:
        return sections
    out: list[Section] = []
    for sec in sections:
        cur_blocks: list[Block] = []
        cur_head, cur_level, cur_line, inferred = sec.heading, sec.level, sec.line, sec.inferred
        promoted = False
        for i, b in enumerate(sec.blocks):
            # the last line of a run of lead lines ("1.大壶春 … 2.东泰祥") heads its own (empty)
            # part too: left as a paragraph it was the content of the part before it
            if _lead_line(b, cjk) and (i + 1 < len(sec.blocks) or promoted):
                promoted = True
                if cur_blocks or cur_head:
                    out.append(Section(cur_head, cur_level, tuple(cur_blocks), cur_line, inferred))
                cur_head = _unnumbered(b.text.plain.strip().rstrip(":："))
                cur_level, cur_line, cur_blocks, inferred = max(2, sec.level + 1), b.line, [], False
                continue
            cur_blocks.append(b)
        if cur_blocks or cur_head:
            out.append(Section(cur_head, cur_level, tuple(cur_blocks), cur_line, inferred))
    return out


# ----------------------------------------------------------------------------- tiling
def _cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def _depths(sims: list[float]) -> list[float]:
    out = []
    for g, s in enumerate(sims):
        left = s
        i = g
        while i > 0 and sims[i - 1] >= left:
            i -= 1
            left = sims[i]
        right = s
        j = g
        while j + 1 < len(sims) and sims[j + 1] >= right:
            j += 1
            right = sims[j]
        out.append((left - s) + (right - s))
    return out


def _pieces(sec: Section, cjk: bool) -> list[tuple[list[Block], str]]:
    """The section as tiling units: each text block with the non-text blocks after it. A very
    long paragraph is not split: paragraphs are the author's own units."""
    units: list[tuple[list[Block], str]] = []
    for b in sec.blocks:
        text = block_text(b).plain
        if units and not text.strip():
            units[-1][0].append(b)
        elif not units and not text.strip():
            units.append(([b], ""))
        else:
            if units and not units[-1][1].strip():
                units[-1] = (units[-1][0] + [b], text)
            else:
                units.append(([b], text))
    return units


def tile(sec: Section, cjk: bool) -> list[Section]:
    """Cut a long section at its deepest topic shifts."""
    text = sec.plain
    total = size(text, cjk)
    if total <= LONG[cjk]:
        return [sec]
    units = _pieces(sec, cjk)
    # a part a little over the target is two parts' worth of a show or a carousel: 967
    # characters in two parts gave a live show two segments
    k = max(2, min(8, math.ceil(total / TARGET[cjk] - 0.1), len(units)))
    if len(units) < 2 or k < 2:
        return [sec]
    bags = [Counter(content_words(t, cjk)) for _, t in units]
    w = 2
    sims = []
    for g in range(len(units) - 1):
        left = sum((bags[i] for i in range(max(0, g - w + 1), g + 1)), Counter())
        right = sum((bags[i] for i in range(g + 1, min(len(units), g + 1 + w))), Counter())
        sims.append(_cosine(left, right))
    depths = _depths(sims)
    sizes = [size(t, cjk) for _, t in units]
    min_len = TARGET[cjk] * 0.4
    cuts: list[int] = []
    for g in sorted(range(len(sims)), key=lambda g: (-round(depths[g], 6), sims[g], g)):
        if len(cuts) >= k - 1:
            break
        if units[g][1].rstrip().endswith((":", "：")):
            continue  # never between an announcement and what it announces ("4 batteries:" | the list)
        trial = sorted(cuts + [g])
        bounds = [0] + [c + 1 for c in trial] + [len(units)]
        if all(sum(sizes[a:b]) >= min_len for a, b in zip(bounds, bounds[1:])):
            cuts = trial
    if not cuts:
        return [sec]
    bounds = [0] + [c + 1 for c in cuts] + [len(units)]
    parts = [[b for u in units[a:b] for b in u[0]] for a, b in zip(bounds, bounds[1:])]
    texts = ["\n".join(t for _, t in units[a:b]) for a, b in zip(bounds, bounds[1:])]
    out: list[Section] = []
    for i, (blocks, ptext) in enumerate(zip(parts, texts)):
        if i == 0 and sec.heading:
            out.append(Section(sec.heading, sec.level, tuple(blocks), sec.line, sec.inferred))
            continue
        others = [t for j, t in enumerate(texts) if j != i]
        title = title_for(ptext, others, cjk)
        if any(title == o.heading for o in out):  # two parts on one topic: name each by its own words
            title = " · ".join(distinctive(ptext, others, cjk)[:2]) or title
        line = next((getattr(b, "line", 0) for b in blocks if getattr(b, "line", 0)), sec.line)
        out.append(Section(title, max(2, sec.level + (1 if sec.heading else 0)), tuple(blocks), line, True))
    return out


# ----------------------------------------------------------------------------- titles
def distinctive(text: str, others: list[str], cjk: bool, n: int = 4) -> list[str]:
    """Nouns frequent in ``text`` and rare in ``others`` (tf * idf over the sections)."""
    tf = Counter(nouns(text, cjk))
    if not cjk:
        tf = Counter({w: c for w, c in tf.items() if w[:1].isupper() or c > 1 or len(w) >= 6})
    docs = [set(nouns(t, cjk)) for t in others]
    scored = []
    for w, c in tf.items():
        df = sum(1 for d in docs if w in d)
        idf = math.log((1 + len(docs)) / (1 + df)) + 1
        scored.append((-(c * idf * (1 + 0.1 * min(len(w), 6))), text.find(w), w))
    return [w for *_, w in sorted(scored)[:n]]


# a clause that waits for its main clause ("按照蜜雪冰城74亿杯和71亿杯的销量"): no title
_ZH_NEEDS_MAIN = re.compile(r"(?:按照|根据|根據|依照|依据|依據|随着|隨著|为了|為了|对于|對於|由于|由於|因为|因為|如果|"
                            r"虽然|雖然|即使|只要|假如|要是|尽管|儘管)")


# an English frame cut at its comma ("In the developer world"): where, not what the part says
_EN_FRAME = re.compile(r"(?:in|on|at|for|with|by|from|to|during|after|before|since|under|over|within|through|"
                       r"if|when|while|although|because|as|once|until|unless)\b", re.I)


def title_for(text: str, others: list[str], cjk: bool) -> str:
    from contentkit.editorial.units import opener_kind

    kws = distinctive(text, others, cjk)
    clauses: list[str] = []
    leads: set[int] = set()  # the clauses that open their sentence: they have their own subject
    said: list[str] = []
    # not the opening sentence: formats show it right under the title, and a title that
    # repeats it reads twice
    for s in split_sentences(text)[1:6]:
        s = _ATTRIBUTION.sub("", s)  # '..." --- John Culkin.': who said a quote is no title
        # delimiters at the odd places; a colon between digits is a time ("before 11:00 PM")
        pieces = re.split(r"([，,;；：—]|(?<!\d):|:(?!\d)|\s[-–]\s)", s)
        for k in range(0, len(pieces), 2):
            if k + 2 < len(pieces) and re.match(r"\s*['\"“‘「『]", pieces[k + 2]):
                # a clause that introduces the words after it stays with them: "Writing well
                # means never having to say, 'I guess you had to be there.'" titled its part
                # "…never having to say"
                continue
            if not cjk and k > 0 and k + 1 < len(pieces) and pieces[k + 1] in (",", "，"):
                # a comma ends no thought in the middle of an English sentence: "we can't
                # underestimate the impact that fast, free, UI-less… internet will have"
                continue
            if not cjk and _EN_SAYS.match(pieces[k].strip(" \"'“”")):
                continue  # '"At first…," says Tao': who said the quote, not what the part is about
            # an aside is no part of a title ("錢先進到 Teachable 那裡（進到他們的 Stripe 或是 PayPal）"
            # lost only its closing bracket), and a clause cut inside one is none
            piece = drop_asides(pieces[k])
            if piece.count("（") + piece.count("(") != piece.count("）") + piece.count(")"):
                continue
            if k == 0:
                leads.add(len(clauses))
            clauses.append(piece.strip(" \"'“”「」『』《》"))
            said.append(pieces[k])  # with its aside, for the keywords it names
    good = []
    plain: list[tuple[int, str]] = []  # clauses that open their sentence, naming no keyword
    for i, c in enumerate(clauses):
        c = c.rstrip("。．.!！?？…")
        n = cjk_count(c) if cjk else len(c.split())
        lo, hi = (4, 16) if cjk else (2, 7)
        if lo <= n <= hi and (not cjk or is_cjk_text(c)) and opener_kind(c, cjk) is None \
                and not _ZH_CLAUSE_TAIL.match(c) and not (cjk and _ZH_SAYS_NEXT.search(c)) \
                and not (cjk and _ZH_PRONOUN.search(c)) and not (cjk and c.endswith(("的", "地", "得"))) \
                and not (cjk and _ZH_NEEDS_MAIN.match(c)) \
                and not (not cjk and _EN_FRAME.match(c)):
            # "不带类型信息的": a modifier waiting for its noun, no title
            hits = sum(1 for k in kws[:3] if k in said[i])
            if hits:
                # "咖啡机有好几种" over "弄半杯牛奶打成热奶泡", a step in the middle of a sentence
                good.append((-hits, i not in leads, i, c))
            elif cjk and i in leads:
                plain.append((i, c))
    if good:
        t = min(good)[-1]
    elif plain and len(kws) >= 2 and not _adjacent(kws[:2], text, cjk):
        # a sentence's own opening clause ("盗版课程最大的问题不是减少了你的收入") reads as a title;
        # two keywords joined ("用户 · 课程") do not
        t = plain[0][1]
    elif not cjk and (phrase := _en_phrase(_unattributed(text), others)):
        t = _as_written(phrase, text)
    elif kws:
        t = _adjacent(kws[:2], text, cjk) or " · ".join(kws[:2])
    else:
        t = (split_sentences(text) or [text])[0][:14]
    return capitalised(t) if not cjk else t


_EN_SAYS = re.compile(r"(?:says|said|writes|wrote|asks|asked|adds|added|notes|noted|explains|explained|"
                     r"recalls|recalled|tweeted|replied)\b", re.I)

# a clause that continues the one before it is no title: "导致有些英文概念我只能用英文解释"
_ZH_CLAUSE_TAIL = re.compile(r"^(?:其实|其實|只是|其实只是|其實只是)?(?:导致|導致|使得|从而|從而|进而|進而|以便|以致|因为|因為|所以|而且|并且|並且|或者|以及|甚至|"
                             # "就去弄了个金属勺子": what it did next, after the clause before
                             r"就|才|便|又|再|还|還|也|然后|然後|接着|接著|后面|後面|"
                             # a condition waiting for what follows it: "如果你专精的领域非常偏门"
                             r"如果|假如|要是|若是|若(?!干)|只要|虽然|雖然|尽管|儘管|即使|即便|除非|一旦|"
                             # a time waiting for what happened then: "當我刷完牙回到房間"
                             r"[当當](?=[我你他她它咱大人在])|每当|每當)")


# a clause that names its thing by a pronoun ("我用電風扇的背面把它吸住": it, the moth of the
# sentence before) titles nothing; "其他" (other) is no pronoun
_ZH_PRONOUN = re.compile(r"(?<![其吉])[他她它牠祂]")

# a clause that hands over to what is said or thought next: "很多人可能會覺得說", "我认为"
_ZH_SAYS_NEXT = re.compile(r"(?:說|说|覺得|觉得|認為|认为|以為|以为|表示|心想|發現|发现|知道"
                           # or that says "so is this" of what came before: "技術上也是"
                           r"|也是|也一样|也一樣|亦然|也不例外"
                           # a concession waiting for its "but": "蚊子就算了（，還一堆奇奇怪怪的蟲）"
                           r"|就算了|也就罢了|也就罷了|倒也罢了|倒也罷了)$")


def _adjacent(kws: list[str], text: str, cjk: bool) -> str:
    """Two keywords the text says as one phrase, as it says them ("carbon dioxide", never
    "Carbon · dioxide")."""
    if len(kws) < 2:
        return ""
    for a, b in ((kws[0], kws[1]), (kws[1], kws[0])):
        m = re.search(re.escape(a) + ("" if cjk else r"\s+") + re.escape(b), text, re.I)
        if m:
            return m.group(0)
    return ""


def _as_written(phrase: str, text: str) -> str:
    """A key phrase in the text's own letters, a name it ends inside carried to its end:
    YAKE's "discussion on hacker" is "discussion on Hacker News", its "Sun free energy" the
    text's "Sun's free energy"."""
    m = re.search(r"(?<!\w)" + r"(?:['’]s)?\s+".join(re.escape(w) for w in phrase.split()) + r"(?!\w)", text, re.I)
    if not m:
        return phrase
    out, end = m.group(0), m.end()
    while out.split()[-1][:1].isupper():
        nxt = re.match(r"\s+([A-Z][\w'’-]*)", text[end:])
        if not nxt or len(out.split()) >= 6:
            break
        out += " " + nxt.group(1)
        end += nxt.end()
    return out


_ATTRIBUTION = re.compile(r"(?<=[\"”」』])[ \t]*(?:-{2,3}|[—–]{1,2})[ \t]*[A-Z\u4e00-\u9fff][^。.!！?？\"“”\n]{0,39}(?:[。.]|(?=\s|$))")


def _unattributed(text: str) -> str:
    """``text`` without the attributions of its quotes (a name after a quote and a dash)."""
    return _ATTRIBUTION.sub("", text)


def _en_phrase(text: str, others: list[str]) -> str:
    """The section's strongest key phrase (YAKE, up to 3 words) that the other sections lack.

    Not a phrase led by an adverb, nor one said under a negation: from "a voice assistant that
    doesn't harvest our data and arbitrarily limit features" YAKE's best was "arbitrarily limit
    features", which as a title says the opposite of the story."""
    import yake

    from contentkit.editorial.lexicon import EN_STOP, object_after, under_negation

    other = " ".join(others).lower()
    # a line ends a phrase: "Distance: 19 miles" over "Trail legs." had titled the part
    # "miles\nTrail legs"
    text = line_ends_phrase(text)
    pairs = yake.KeywordExtractor(lan="en", n=3, top=16, dedupLim=0.7).extract_keywords(text)
    for phrase, _score in sorted(pairs, key=lambda p: (round(float(p[1]), 12), p[0])):
        ws = phrase.split()
        if len(ws) >= 2 and ws[0].lower() not in EN_STOP and ws[-1].lower() not in EN_STOP \
                and not ws[0].lower().endswith("ly") and phrase.lower() not in other \
                and not under_negation(phrase, text) \
                and not (sum(w[:1].isupper() for w in ws) >= 2 and text.count(phrase) < 2) \
                and not re.search(r"(?:ed|ied)$", ws[-1].lower()) \
                and not object_after(phrase, text) \
                and not (ws[-1].lower().endswith("ing")
                         and re.search(rf"\b{re.escape(phrase)}\s+[a-z]", text, re.I)) \
                and not (ws[0].islower() and ws[0].endswith("s") and not ws[0].endswith("ss")
                         and re.search(rf"\b[A-Z][\w]*\s+{re.escape(phrase)}", text)):
            # not a name met once ("Karl Broman said on Twitter…", "Christoffer Flensburg
            # replied"): not what the part is about; not a phrase ending on a verb (a past
            # tense, or one with an object after it: "our tools shape us", "Django supports
            # storing dates"), nor one that opens on the verb of a name ("[Django] supports
            # storing dates")
            return phrase
    return ""


def structure(sections: tuple[Section, ...], cjk: bool) -> tuple[Section, ...]:
    promoted = promote_lead_lines(list(sections), cjk)
    out: list[Section] = []
    for sec in promoted:
        out.extend(tile(sec, cjk))
    # a long untitled opening before titled sections is content too, not only an intro
    if len(out) > 1 and not out[0].heading and size(out[0].plain, cjk) >= TARGET[cjk]:
        first = out[0]
        title = title_for(first.plain, [s.plain for s in out[1:]], cjk)
        out[0] = Section(title, 2, first.blocks, first.line, True)
    return tuple(out)
