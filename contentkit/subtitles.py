"""Subtitle events from voice-over text, following professional timed-text practice.

Rules (Chinese / English): at most 2 lines; at most 16 / 42 characters a line; events last
between 5/6 s and 7 s; reading speed at most 9 / 17 characters a second (an event that would
be faster is split, and the script gives a scene enough time for its text); at least 2 frames
between events; lines break at punctuation or word boundaries (jieba words for Chinese), never
inside a word. Files are written with pysubs2 (SRT, WebVTT, ASS).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from contentkit.text import apportion, is_cjk, split_sentences


@dataclass(frozen=True)
class Rules:
    max_line: int
    max_lines: int = 2
    max_cps: float = 9.0
    min_s: float = 5 / 6
    max_s: float = 7.0
    gap_frames: int = 2

    @classmethod
    def for_language(cls, lang: str) -> "Rules":
        return cls(max_line=16, max_cps=9.0) if lang.startswith("zh") else cls(max_line=42, max_cps=17.0)


@dataclass(frozen=True)
class Event:
    start_f: int  # first frame shown
    end_f: int  # first frame no longer shown
    lines: tuple[str, ...]
    # karaoke: the event's text in spoken pieces, each with its length in frames ("\n" between
    # lines, 0 frames); empty when the voice gave no word times
    karaoke: tuple[tuple[str, int], ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def length(text: str) -> int:
    """Characters as a reader counts them (spaces between Latin words count, line breaks don't)."""
    return len(text.replace("\n", ""))


def _tokens(text: str) -> list[str]:
    from contentkit.layout import tokenize

    return list(tokenize(text))


def break_lines(text: str, rules: Rules) -> list[str] | None:
    """Break one chunk into at most ``rules.max_lines`` balanced lines at word boundaries."""
    text = text.strip()
    if length(text) <= rules.max_line:
        return [text]
    if rules.max_lines < 2:
        return None
    toks = _tokens(text)
    best = None
    for k in range(1, len(toks)):
        a = "".join(toks[:k]).strip()
        b = "".join(toks[k:]).strip()
        if not a or not b or length(a) > rules.max_line or length(b) > rules.max_line:
            continue
        score = _break_penalty(a, b) * 8 + abs(length(a) - length(b))
        if best is None or score < best[0]:
            best = (score, [a, b])
    return best[1] if best else None


def chunk_text(text: str, rules: Rules) -> list[str]:
    """Split voice-over text into subtitle chunks that fit 2 lines, at clause/word boundaries."""
    cap = rules.max_line * rules.max_lines
    chunks: list[str] = []
    for sentence in split_sentences(text):
        if length(sentence) <= cap and break_lines(sentence, rules):
            chunks.append(sentence)
            continue
        # split at clause punctuation first, then greedily by words
        clauses = [c for c in re.split(r"(?<=[，、；：,;:—])\s*", sentence) if c.strip()]
        buf = ""
        for clause in clauses:
            cand = _join(buf, clause)
            if buf and (length(cand) > cap or not break_lines(cand, rules)):
                chunks.append(buf)
                buf = clause
            else:
                buf = cand
            if length(buf) > cap or not break_lines(buf, rules):
                packed = _pack(_tokens(buf), rules)
                chunks.extend(packed[:-1])
                buf = packed[-1] if packed else ""
        if buf.strip():
            chunks.append(buf)
    return [c.strip() for c in chunks if c.strip()]


def _join(a: str, b: str) -> str:
    if not a:
        return b
    if is_cjk(a[-1]) or not b or is_cjk(b[0]) or a[-1] in "，、；：":
        return a + b
    return a + " " + b


_ARTICLES = {"a", "an", "the", "my", "your", "his", "her", "its", "our", "their", "this", "that"}
_BEFORE = {"and", "or", "but", "with", "about", "in", "on", "at", "of", "for", "to", "from", "by",
           "because", "which", "that", "who", "when", "while", "after", "before", "than", "so"}


def _break_penalty(a: str, b: str) -> float:
    """Lower is better: after punctuation, before a conjunction or preposition; never after
    an article (the article stays with its noun)."""
    last = a.split()[-1].lower() if a.split() else ""
    first = b.split()[0].lower().strip(",.;:") if b.split() else ""
    if re.search(r"[，、；：,;:。！？.!?]$", a):
        return 0.0
    if a.count("（") + a.count("(") > a.count("）") + a.count(")"):
        return 4.0  # inside brackets: "（如某個 SDK / 的名字）" read as two thoughts
    if (a[-1:] and is_cjk(a[-1])) or (b[:1] and is_cjk(b[0])):
        # a particle or a closing mark opens no caption ("的名字）讓…"); a negator ends none
        return 5.0 if b.lstrip()[:1] in "的了着著过過地得吗嗎呢吧们們么麼）」』”" or a[-1:] in "不没沒未别別" else 2.0
    if last in _ARTICLES:
        return 5.0
    if first in _BEFORE:
        return 1.0
    return 2.0


def _pack(toks: list[str], rules: Rules) -> list[str]:
    """Cut a run of words into chunks that each fit two lines: every cut at a word boundary,
    preferably where the rest fits one more event, at a good break point, balanced.

    Linear in the run's length: only cuts within one chunk's reach of the start are tried,
    and lengths come from prefix sums, not from joining the rest."""
    cap = rules.max_line * rules.max_lines
    n = len(toks)
    prefix = [0]
    for t in toks:
        prefix.append(prefix[-1] + len(t.replace("\n", "")))
    out: list[str] = []
    i = 0
    while i < n:
        if prefix[n] - prefix[i] <= cap:
            rest = "".join(toks[i:]).strip()
            if not rest:
                break
            if break_lines(rest, rules):
                out.append(rest)
                break
        cands = []
        for k in range(i + 1, n):
            if prefix[k] - prefix[i] > cap + 1:  # +1: a trailing space is stripped
                break
            head = "".join(toks[i:k]).strip()
            if not head or length(head) > cap or not break_lines(head, rules):
                continue
            rest_len = prefix[n] - prefix[k]
            rest_fits = rest_len <= cap + 1 and break_lines("".join(toks[k:]).strip(), rules) is not None
            nxt = "".join(toks[k:k + 4]).strip()
            cands.append(((0 if rest_fits else 1), _break_penalty(head, nxt),
                          abs(length(head) - rest_len) if rest_fits else -length(head), k))
        k = min(cands)[3] if cands else i + 1
        head = "".join(toks[i:k]).strip()
        if head:
            out.append(head)
        i = k
    return out


def min_frames(text: str, rules: Rules, fps: int) -> int:
    """The least frames a scene needs for its subtitles: reading speed, minimum event length
    and the gaps between events."""
    chs = chunk_text(text, rules)
    need = sum(max(math.ceil(rules.min_s * fps), math.ceil(length(c) / rules.max_cps * fps)) for c in chs)
    return need + rules.gap_frames * len(chs)


def events_for_scene(text: str, start_f: int, end_f: int, fps: int, rules: Rules) -> list[Event]:
    """Spread a scene's voice-over over its frames: chunks in proportion to their length,
    each within the duration and reading-speed limits, separated by at least 2 frames."""
    chunks = chunk_text(text, rules)
    if not chunks:
        return []
    total_frames = end_f - start_f
    gap = rules.gap_frames
    max_f = int(rules.max_s * fps)
    # chunks that would last more than 7 s are split further by words
    min_f = math.ceil(rules.min_s * fps)

    def plan_frames(chs: list[str]) -> list[int]:
        need = [max(min_f, math.ceil(length(c) / rules.max_cps * fps)) for c in chs]
        avail = total_frames - gap * len(chs)  # every event is followed by a gap, the last too
        extra = max(0, avail - sum(need))
        add = apportion(max(0, extra), [max(1, length(c)) for c in chs])
        return [n + a for n, a in zip(need, add)]

    durations = plan_frames(chunks)
    while any(d > max_f for d in durations):
        i = max(range(len(durations)), key=lambda k: durations[k])
        toks = _tokens(chunks[i])
        if len(toks) < 2:
            break
        mid = len(toks) // 2
        chunks[i:i + 1] = ["".join(toks[:mid]).strip(), "".join(toks[mid:]).strip()]
        durations = plan_frames(chunks)
    events = []
    f = start_f
    for c, d in zip(chunks, durations):
        lines = break_lines(c, rules) or [c]
        events.append(Event(f, f + d, tuple(lines)))
        f += d + gap
    return events


def align_to_speech(events: list[Event], text: str, words: tuple[tuple[int, float], ...], end_f: int,
                    fps: int, rules: Rules) -> list[Event]:
    """Start each of a scene's events when its first word is spoken and give it karaoke
    pieces, from the voice's word times ``(character offset in text, seconds from the scene's
    start)``. If the spoken timing would break a timed-text rule (too short, too fast, too long)
    the scene keeps its proportional timing, with karaoke pieces inside it."""
    if not events or not words:
        return events
    spans = _line_spans(events, text)
    if spans is None:
        return events
    wt = sorted(words)
    start0 = events[0].start_f

    def frame_at(off: int) -> int:
        t = 0.0
        for o, sec in wt:
            if o > off:
                break
            t = sec
        return start0 + round(t * fps)

    # each event starts when its first word is spoken, unless the one before needs longer to
    # be read (speech faster than the reading-speed rule): then it waits, and catches up at
    # the next pause
    starts = [start0]
    for e, sp in zip(events[:-1], spans[1:]):
        need = max(math.ceil(rules.min_s * fps), math.ceil(length("".join(e.lines)) / rules.max_cps * fps))
        starts.append(max(frame_at(sp[0][0]), starts[-1] + need + rules.gap_frames))
    ends = [s - rules.gap_frames for s in starts[1:]] + [events[-1].end_f]
    timed = list(zip(starts, ends))
    if any(not _within_rules(e.lines, a, b, fps, rules) for e, (a, b) in zip(events, timed)):
        timed = [(e.start_f, e.end_f) for e in events]
    out = []
    for e, sp, (a, b) in zip(events, spans, timed):
        pieces: list[tuple[str, int]] = []
        for k, (l0, l1) in enumerate(sp):
            if k:
                pieces.append(("\n", 0))
            cuts = [l0] + [o for o, _ in wt if l0 < o < l1]
            pieces.extend((text[c:d], frame_at(c)) for c, d in zip(cuts, cuts[1:] + [l1]))
        # frames from each piece's start to the next one's, clamped inside the event
        marks = [(p, min(max(f, a), b)) for p, f in pieces]
        sung = [m for m in marks if m[0] != "\n"]
        nexts = iter([f for _, f in sung[1:]] + [b])
        karaoke = tuple((p, 0) if p == "\n" else (p, next(nexts) - f) for p, f in marks)
        if sung:
            first = next(i for i, m in enumerate(karaoke) if m[0] != "\n")
            lead = sung[0][1] - a  # the start of the event before its first word: held on it
            karaoke = karaoke[:first] + ((karaoke[first][0], karaoke[first][1] + lead),) + karaoke[first + 1:]
        out.append(Event(a, b, e.lines, karaoke))
    return out


def _line_spans(events: list[Event], text: str) -> list[list[tuple[int, int]]] | None:
    """Where each line of each event is in the voice-over text; None if one is not found."""
    pos = 0
    spans = []
    for e in events:
        line_spans = []
        for ln in e.lines:
            i = text.find(ln, pos)
            if i < 0:
                return None
            line_spans.append((i, i + len(ln)))
            pos = i + len(ln)
        spans.append(line_spans)
    return spans


def _within_rules(lines: tuple[str, ...], a: int, b: int, fps: int, rules: Rules) -> bool:
    d = (b - a) / fps
    return rules.min_s - 1e-9 <= d <= rules.max_s and length("".join(lines)) / d <= rules.max_cps + 1e-9


# ---------------------------------------------------------------------------------- files
KARAOKE = "#FFD84D"  # a spoken word lights up in this colour (the warm yellow of short-video captions)


def to_ssa(events: list[Event], fps: int, *, font: str, size: int, primary: str, outline: str,
           margin_v: int, margin_l: int, margin_r: int, width: int, height: int, plate: bool = False):
    """ASS with karaoke: a word is drawn in ``primary`` until it is spoken, then in the
    karaoke colour (ASS draws what is still to come in SecondaryColour). ``plate``: the look
    burned into the picture: bold, a thick dark outline and a soft shadow (a box per line
    would be drawn per karaoke word, in overlapping stripes)."""
    import pysubs2

    subs = pysubs2.SSAFile()
    subs.info["PlayResX"] = str(width)
    subs.info["PlayResY"] = str(height)
    subs.info["WrapStyle"] = "2"  # no automatic wrapping: our line breaks are final
    subs.info["ScaledBorderAndShadow"] = "yes"
    style = subs.styles["Default"]
    style.fontname = font
    style.fontsize = size
    karaoke = any(e.karaoke for e in events)
    style.primarycolor = _ass_color(KARAOKE if karaoke else primary)
    style.secondarycolor = _ass_color(primary)
    style.outlinecolor = _ass_color(outline)
    style.backcolor = _ass_color(outline, alpha=128)
    style.bold = plate
    style.outline = 5 if plate else 3
    style.shadow = 2 if plate else 0
    style.alignment = pysubs2.Alignment.BOTTOM_CENTER
    style.marginv = margin_v
    style.marginl = margin_l
    style.marginr = margin_r
    for e in events:
        start = round(e.start_f * 1000 / fps)
        end = round(e.end_f * 1000 / fps)
        if e.karaoke:  # \k: centiseconds each piece waits before it lights up
            text = "".join(r"\N" if p == "\n" else f"{{\\k{round(n * 100 / fps)}}}{ass_safe(p)}"
                           for p, n in e.karaoke)
        else:
            text = r"\N".join(ass_safe(x) for x in e.lines)
        subs.append(pysubs2.SSAEvent(start=start, end=end, text=text))
    return subs


def ass_safe(text: str) -> str:
    """Story text as literal ASS text: braces cannot open an override block and a backslash
    cannot start an escape (\\N, \\h): a word joiner (U+2060, invisible) follows it."""
    return text.replace("\\", "\\\u2060").replace("{", "｛").replace("}", "｝")


def _ass_color(hex_color: str, alpha: int = 0):
    import pysubs2

    from contentkit.themes import rgb

    return pysubs2.Color(*rgb(hex_color), alpha)


_CUE_ESCAPES = {
    # WebVTT cue text: the spec's character references; SRT has none, so markup and the
    # "-->" timing arrow become the full-width signs
    "vtt": (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")),
    "srt": (("<", "＜"), (">", "＞")),
}


def write_all(subs, warnings: list[str] | None = None) -> dict[str, str]:
    """Serialise to SRT, WebVTT and ASS strings (pysubs2), keyed by extension; story text is
    escaped for each format, so it is shown as text and never read as markup. What pysubs2
    warns about goes to ``warnings`` (the manifest), not to stderr."""
    import copy
    import warnings as py_warnings

    with py_warnings.catch_warnings(record=True) as caught:
        py_warnings.simplefilter("always")
        out = {"ass": subs.to_string("ass")}
        for ext, pairs in _CUE_ESCAPES.items():
            c = copy.deepcopy(subs)
            for ev in c:
                for a, b in pairs:
                    ev.text = ev.text.replace(a, b)
            out[ext] = c.to_string(ext)
    if warnings is not None:
        for w in caught:
            msg = f"subtitles: {' '.join(str(w.message).split())}"
            if msg not in warnings:
                warnings.append(msg)
    return {k: out[k] for k in ("srt", "vtt", "ass")}
