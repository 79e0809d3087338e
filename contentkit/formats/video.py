"""The ``video`` format: a short-video script, subtitles (SRT, WebVTT, ASS) and a 1080x1920 MP4.

Script: a hook in the first 3 seconds, 4-8 beats and a call to action; each scene has voice-over,
short on-screen text, a shot suggestion, a start time and a duration derived from the speaking
rate (and long enough for its subtitles to be read). ``duration`` (30, 45 or 60 s) is a ceiling:
the weakest beats are dropped, sentences are never cut.

Rendering keeps per-frame Python work out of the hot path: Pillow draws one still per scene
(from the cards' layout engine and themes), and ffmpeg (from imageio-ffmpeg, driven through
ffmpeg-python) holds each still for its scene, pushes it in slowly with ``motion`` (scaled
frame by frame about its centre), cuts or cross-fades the scenes, burns the karaoke captions
with libass (or overlays Pillow-drawn subtitle stills where this ffmpeg has no libass, so
subtitles never move) and encodes H.264, while the sound is made on a thread.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from contentkit import proc
from contentkit.canvas import SafeArea
from contentkit.errors import EXIT_OUTPUT, ContentkitError
from contentkit.messages import msg
from contentkit.output import Artifact, Output
from contentkit.platforms import get_platform
from contentkit.plugins import Format, FormatOptions
from contentkit.story import Image, Story

PAD_S = 0.4  # breath after each scene's voice-over
XFADE_FRAMES = 9  # a 0.3 s cross-fade between scenes with video.motion
SCENE_ZOOM = 0.06  # a scene pushes in 6 % with video.motion
PHOTO_ZOOM = 0.08  # a photo pushes in 8 % over its scene


class VideoOptions(FormatOptions):
    duration: Literal[30, 45, 60] = Field(45, description="target length in seconds (a ceiling)")
    theme: str = Field("paper", description="card theme for the frames")
    font: str | None = Field(None, description="font file for frames and subtitles")
    subtitles: Literal["burn", "soft", "none"] = Field(
        "burn", description="burn subtitles into the picture, add them as a soft track, or neither")
    motion: bool = Field(False, description="slow zoom on each scene, with a short cross-fade (ffmpeg xfade) "
                                            "between scenes")
    render: bool = Field(True, description="render the MP4 (false: script, subtitles and previews only)")
    voiceover: str | None = Field(None, description="a WAV/MP3 the creator recorded; scene timings stretch to fit")
    voice: Literal["auto", "none", "piper", "espeak", "edge"] = Field(
        "auto", description="synthetic voice when there is no recording: auto (the best offline voice "
        "here; `contentkit voices`), none, or one backend")
    media: str | None = Field(None, description="a folder of photos and clips for the beats, matched by "
                              "shots.toml, by file name, then in order (see README)")
    music: str | None = Field(None, description="background music file: looped or trimmed, faded, ducked")
    music_volume: float = Field(0.25, ge=0.0, le=1.0, description="music level under the voice")
    angle: Literal["story", "history", "people", "howto", "qa", "product"] = Field(
        "story", description="tell it from one angle: its hook and strongest points from the story's "
        "history, people, how-to, Q&A or product sentences (falls back to story where it has none)")
    crf: int = Field(21, ge=10, le=35, description="x264 quality (lower is better)")
    preset: Literal["ultrafast", "superfast", "veryfast", "faster", "fast", "medium"] = Field(
        "superfast", description="x264 speed preset (B-frames are always off; see README)")


@dataclass
class Scene:
    index: int
    kind: str  # hook, beat, cta
    voiceover: str
    on_screen: str
    shot: str
    section: int
    score: float
    start_f: int = 0
    frames: int = 0
    image: Path | None = None
    words: tuple[tuple[int, float], ...] = ()
    clip: Path | None = None  # a clip from video.media: plays under the frame's text
    clip_start: float = 0.0  # spoken word starts: (offset in voiceover, s from start)
    speech: Any = None  # the synthetic voice's clip for this scene (voice.Clip), kept to lay the track again
    parts: tuple["Scene", ...] = ()  # a procedure too long for one beat: its scenes, all or none
    group: int = -1  # the scenes of one procedure share it: chosen, and dropped, together

    def seconds(self, fps: int) -> tuple[float, float]:
        return self.start_f / fps, self.frames / fps


# ------------------------------------------------------------------------------ script
SUBTITLE_BAND = 0.175  # of the frame height: two lines of subtitles with their plate
DEFAULT_SAFE = SafeArea(top=0.08, bottom=0.20, right=0.15)
HOOK_MAX_S = 10.0  # a hook said within 10 s; a longer one gives way to a shorter opener, or is cut
HOOK_SHORT_S = 6.0  # what that shorter opener takes to say, at most
# Short-video platforms play at about -14 LUFS integrated; quieter audio sounds weak beside
# other videos, louder is turned down and can clip. Measured per EBU R128 (ebur128), then a gain
# and a true-peak limiter (normalise), 48 kHz.
LUFS_TARGET = -14


_FIRST_PERSON = re.compile(r"(?i)\b(?:i|i'm|i've|i'd|me|my|we|we're|our|us)\b|[我咱]")


def _shot(kind: str, subjects: list[str], image: Path | None, locale: str, text: str = "") -> str:
    """A shot note from the beat's own subject (its nouns), never from a fixed domain; a line
    the storyteller says of themselves with nothing to film ("We laughed so much that I almost
    cried") is said to camera, not "cutaways of what the line names"."""
    from contentkit.messages import catalogue

    t = catalogue(locale)
    if kind in ("hook", "cta"):
        return t[f"video.shot.{kind}"].format(who=t["video.who"])
    if image is not None:
        return t["video.shot.image"].format(name=image.name)
    subs = list(dict.fromkeys(x for x in subjects if x))[:2]
    if not subs:
        return t["video.shot.talk" if _FIRST_PERSON.search(text) else "video.shot.none"].format(who=t["video.who"])
    if len(subs) == 1:
        return t["video.shot.subject"].format(a=subs[0])
    return t["video.shot.subject2"].format(a=subs[0], b=subs[1])


def _subjects(text: str, story: Story, known: frozenset[str] = frozenset()) -> list[str]:
    """The nouns and names a beat talks about, most specific first (not the story's overall topic)."""
    from contentkit.editorial.lexicon import nouns

    a = story.a
    common = {k.lower() for k in a.keywords[:2]}
    if not a.is_cjk:
        return _en_subjects(text, common, known)
    from contentkit.editorial.data import words

    abstract = set(words("shots", "zh_abstract"))
    particles = "".join(words("shots", "zh_particles"))
    found = [w for w in _zh_noun_pairs(text, nouns(text, a.is_cjk), abstract)
             if w.lower() not in common and w not in abstract and not any(ch in particles for ch in w)]
    # a noun inside a keyword the analysis made whole ("小米" of "小米椒", "里脊" of "牛里脊") is that keyword
    whole = sorted((k for k in a.keywords if k in text), key=len)
    found = [next((k for k in whole if w in k and k != w), w) for w in found]
    counts = {w: found.count(w) for w in found}
    return sorted(dict.fromkeys(found), key=lambda w: (-counts[w], -len(w), found.index(w)))


def _zh_noun_pairs(text: str, found: list[str], abstract: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Chinese nouns with each pair of nouns written together joined into the thing they name
    ("官方" + "商店" -> "官方商店", "葡萄酒" + "陶罐" -> "葡萄酒陶罐"): a shot note read "特写：官方；
    再切：商店". Pairs only, a noun or name then a common noun (the head: "苏州博物馆", not
    "听雨轩苏州", two places side by side); a third noun is often a mis-tagged verb."""
    from contentkit.editorial.lexicon import tagged

    out: list[str] = []
    tags = tagged(text)
    i = 0
    while i < len(tags):
        w, f = tags[i]
        if i + 1 < len(tags) and f in _PAIR_FLAGS and tags[i + 1][1] == "n" and len(w) >= 2 \
                and len(tags[i + 1][0]) >= 2 and len(w + tags[i + 1][0]) <= 8 \
                and tags[i + 1][0] not in abstract and w not in abstract:
            # "花卷" + "平铺" (a verb tagged a noun) is no thing, nor "无法" + "证明"
            out.append(w + tags[i + 1][0])
            i += 2
            continue
        if w in found:
            out.append(w)
        i += 1
    return out


_PAIR_FLAGS = ("n", "nr", "ns", "nz", "nt")


def _story_text(story: Story) -> str:
    return "\n".join([story.title, *(s.heading for s in story.sections), *(s.plain for s in story.sections)])


def _en_subjects(text: str, common: set[str], known: frozenset[str] = frozenset()) -> list[str]:
    """What an English beat shows: its names ("Mary Elizabeth Grey", "Voice Preview Edition"),
    longest first, then its key phrases (YAKE, 2-3 words) that read as things.

    English has no part-of-speech tagger here, so single content words were picked before,
    and a shot note read "Close-up: completely; cutaway: different". A phrase is passed over
    when it carries a modal or a past-tense word ("Zhang Bishi founded"), starts with an
    adverb, or has an "-ing" word after its first; nor when the text shows a verb at one of its
    ends (an object or "now" after it: "voice assistants begins now"; "that"/"to" or a modal
    before it: "examples that show linear regressions"), when it ends on an adjective ("era of
    open", "sleek but unobtrusive") or holds an article or a relative pronoun inside. A verb
    still gets through where nothing in the text gives it away ("sip tastes", "linear
    regressions outperform"). ``known``: the story's acronyms (:func:`acronyms`)."""
    import yake

    from contentkit.analysis import _EN_LONE_ADJ
    from contentkit.editorial.data import words
    from contentkit.editorial.lexicon import EN_STOP, object_after

    names: list[str] = []
    for t in scene_terms(text, False, known):
        t = re.sub(r"['’]s$", "", t).strip("‘’“”\"'")  # "‘Etiquette and Good Manners’"
        if re.search(r"\d", t) or t.lower() in common or t.lower() in EN_STOP:
            continue
        if re.fullmatch(r"(?i)(?:i|you|we|they|he|she|it|there|that|let)['’](?:ll|d|ve|re|m|s)", t):
            continue  # "I'll", capitalised as a sentence opens: "cutaway: I'll"
        ws = t.split()
        if re.search(rf"\w-{re.escape(t)}\b", text):
            continue  # "Style Dissemination" of "Infection-Style Dissemination": half a compound
        if not re.search(rf"[a-z0-9,]\s+{re.escape(t)}\b", text) and (
                len(ws) == 1 or not all(w[:1].isupper() for w in ws)):
            # "Wait, am I…", "“Hah, gotcha!”", "Spoiler alert:": capitalised only where a
            # sentence or a quote opens, so no name; a name is capitalised mid-sentence too,
            # or in every word ("Voice Preview Edition")
            continue
        # a people's adjective ("Chinese", "British") names nothing alone: with the noun it
        # qualifies it does ("Chinese monk", "British arrogance")
        if " " not in t and re.search(r"(?:ese|ish|ian|ean|an)$", t):
            m = re.search(rf"\b{re.escape(t)}\s+([a-z][a-z-]{{3,}})\b", text)
            if m is None or m.group(1) in EN_STOP or m.group(1).endswith(("ed", "ly")):
                continue  # "the British turned": a verb, not a noun
            t = f"{t} {m.group(1)}"
        names.append(t)
    names.sort(key=lambda n: (-len(n.split()), text.find(n)))
    modal = {"can", "could", "will", "would", "shall", "should", "may", "might", "must"}
    participles = set(words("shots", "en_participles"))

    def thing(phrase: str) -> bool:
        ws = [w.lower() for w in phrase.split()]
        if not 2 <= len(ws) <= 3 or ws[0] in EN_STOP or ws[-1] in EN_STOP or modal & set(ws):
            return False
        if any(w in EN_STOP and w not in ("of", "and", "&") for w in ws[1:-1]):
            return False  # "flat as Roman": two words and a comparison, no thing
        if ws[0].endswith("ly") or any(w.endswith("ing") for w in ws[1:]) or ws[-1].endswith(("ly", "ed", "ing")):
            return False  # an adverb, a verb's "-ing", a phrase ending in a participle
        if any(re.fullmatch(r"[a-z]+ed", w) for w in ws) or {"that", "which", "who", "whose"} & set(ws):
            return False  # "founded" (not "injection-molded"); "Hardware that hears"
        # a last word with an object or "now" after it is a verb ("our tools shape us", "voice
        # assistants begins now"), and so is an "-s" word right after a plural ("assistants begins")
        if object_after(phrase, text, ("now", "today", "again")):
            return False
        if re.search(rf"\b(?:that|which|who|to|will|can|must|should|would|could|may|might)\s+{re.escape(phrase)}\b",
                     text, re.I):
            return False  # "examples that show linear regressions": a verb first
        if ws[-1] in _EN_LONE_ADJ or re.search(r"(?:ive|ous|ful|able|ible)$", ws[-1]) \
                or {"a", "an", "the"} & set(ws[1:-1]):  # "Write a concrete": a verb and its object's start
            return False  # "era of open", "sleek but unobtrusive": no thing at the end
        if ws[-1] in participles or ws[-1].startswith("non-"):
            return False  # "A list drawn up from prices": "list drawn" is no thing; nor "months non-stop"
        if re.search(rf"[\w]-{re.escape(phrase)}\b", text, re.I):
            return False  # "Style Dissemination" of "Infection-Style Dissemination": half a compound
        last = phrase.split()[-1]
        before = re.search(rf"\b([A-Za-z]+)\s+{re.escape(phrase)}\b", text)
        if before and ws[0].islower() and not ws[0].endswith("s") and re.search(r"[^su]s$", before.group(1)) \
                and len(before.group(1)) >= 4 and before.group(1).lower() not in EN_STOP \
                and before.group(1).lower() not in ("sometimes", "perhaps", "besides", "towards", "afterwards", "nevertheless"):
            return False  # "linear regressions outperform AI methods": a plural subject, then its verb
        if last.islower() and re.search(rf"\b{re.escape(phrase)}\s+[A-Z]\w*", text):
            return False  # "members receiving this message delete Mj": a verb and its object's name
        if len(ws) >= 2 and re.search(r"[^su]s$", ws[-2]) and not ws[-1].endswith("s") and re.search(
                rf"\b{re.escape(phrase)}\s+(?:on|in|at|from|into|up|down|out|over|under|with|for|to|by)\b", text, re.I):
            return False  # "Tea leaves grow on bushes": a plural and its verb
        if re.search(r"[^su]s$", ws[-1]) and re.search(
                rf"\b(?:(?:what|where|how|when|why|which|who)\s+the|every|each)\s+{re.escape(phrase)}\b", text, re.I):
            return False  # "what the world pays", "every sip tastes of…": a subject and its verb
        return not (re.search(r"[^su]s$", ws[-2]) and re.search(r"[^su]s$", ws[-1]))

    phrases: list[str] = []
    pairs = yake.KeywordExtractor(lan="en", n=3, top=12, dedupLim=0.7).extract_keywords(text)
    for p, _score in sorted(pairs, key=lambda x: (round(float(x[1]), 12), x[0])):
        p = re.sub(r"['’]s\b", "", p).strip()
        if re.match(r"(?i)(?:n['’]t|['’](?:ll|d|ve|re|m|t))\b", p):
            continue  # "n’t necessarily trickle": YAKE cut "doesn’t" at its curly apostrophe
        ws = p.split()
        if len(ws) >= 2 and re.search(rf"\b{re.escape(ws[0])}['’]s\s+{re.escape(ws[1])}\b", text, re.I):
            p = " ".join(ws[1:])  # "this week's blogpost newsletter" is a "blogpost newsletter", not a "week …"
        if thing(p) and p.lower() not in common and not any(p.lower() in n.lower() or n.lower() in p.lower()
                                                            for n in names + phrases):
            phrases.append(p)
    # nothing named: what the sentence's own words own, the story's topic words allowed
    return names + phrases or _en_owned(text, set())


# what a sentence's own determiner points at ("my flights", "the conference"): a common noun
# where no name or key phrase is found; words too general to film are passed over
_EN_DET_NOUN = re.compile(r"\b(?i:the|an?|my|our|his|her|their|your|this|these|those)\s+"
                          r"(?:(?:same|other|whole|old|new|little|big|small|very|only)\s+)?([a-z][a-z-]{3,})\b(?!\s+(?:of|to)\b)")


def _en_owned(text: str, common: set[str]) -> list[str]:
    """The common nouns an English line's own determiners point at ("…waiting for my flights"
    -> "flights"), in order; words too general to film (``shots.en_vague``) are passed over,
    and so is a noun with a verb of its own after it, which may be an adjective's."""
    from contentkit.editorial.data import words
    from contentkit.editorial.lexicon import EN_STOP

    vague, participles = set(words("shots", "en_vague")), set(words("shots", "en_participles"))
    out = []
    for m in _EN_DET_NOUN.finditer(text):
        w = m.group(1)
        if w in EN_STOP or w in vague or w in common or w.endswith(("ly", "ed", "ing")) \
                or re.search(r"(?:ive|ous|ful|able|ible|est)$", w):
            continue
        nxt = text[m.end():m.end() + 12].lstrip()
        follows = re.match(r"[a-z]+", nxt)
        if follows and follows.group() not in ("gone", "done") and (
                follows.group() in participles or follows.group().endswith("ed")):
            out.append(w)  # "A list drawn up from prices": the list, then what was done to it
            continue
        if re.match(r"(?:is|was|are|were|has|had|will|can)\b", nxt) is None and re.match(r"[a-z]", nxt) and \
                not re.match(r"(?:and|or|but|in|on|at|for|with|from|by|as|so|when|while|that|which)\b", nxt):
            continue  # "the stress gone", "my talk ends": only a noun that ends its phrase
        out.append(w)
    return list(dict.fromkeys(out))


def plan_script(story: Story, target_s: int, fps: int, warnings: list[str],
                angled: bool = False) -> tuple[list[Scene], list[dict], list[Scene]]:
    """Scenes with timings (in frames) within ``target_s``; the dropped beats for the record;
    the spare beats (distinct from the chosen ones, best first), which a voice faster than
    planned, or one that made a longer beat go, may still fit: hook and call to action,
    candidate beats, then the beats that fit."""
    from contentkit.subtitles import Rules, min_frames

    rules = Rules.for_language(story.a.language)
    rate = _rates(story)
    hook, cta = hook_and_cta(story, rate, warnings, angled)
    candidates = candidate_beats(story, rate)
    for sc in [hook, cta] + candidates + [p for b in candidates for p in b.parts]:
        sc.frames = max(math.ceil((rate.speak_seconds(sc.voiceover) + PAD_S) * fps),
                        min_frames(sc.voiceover, rules, fps))
    for sc in candidates:
        if sc.parts:
            sc.frames = sum(p.frames for p in sc.parts)
    beats = distinct_beats(candidates, hook.voiceover, story.a.is_cjk)
    budget = target_s * fps - hook.frames - cta.frames
    if budget < 0:
        raise ContentkitError(f"hook and call to action alone take {(hook.frames + cta.frames) / fps:.1f} s, "
                              f"over the {target_s} s ceiling; shorten the hook or cta, or raise video.duration",
                              key="video.duration")
    chosen = choose_beats(beats, budget)
    dropped = [{"section": sc.section, "on_screen": sc.on_screen, "voiceover": sc.voiceover,
                "seconds": round(sc.frames / fps, 2), "score": sc.score}
               for sc in candidates if sc not in chosen]
    spare = sorted((sc for sc in beats if sc not in chosen and not sc.parts), key=lambda sc: -sc.score)
    chosen.sort(key=lambda s: s.section)
    expanded: list[Scene] = []
    for g, sc in enumerate(chosen):
        for p in sc.parts or (sc,):
            p.group = g if sc.parts else -1
            expanded.append(p)
    chosen = expanded
    if beats and len(chosen) < 4:
        warnings.append(f"only {len(chosen)} beat(s) fit in {target_s} s (4-8 wanted); "
                        "try -O video.duration=60")
    scenes = [hook] + chosen + [cta]
    own_screens(scenes, story.a.is_cjk)
    _retime(scenes)
    return scenes, dropped, spare


def _grams(text: str, cjk: bool) -> set[str]:
    """What a sentence says, as a set: Hanzi bigrams within each run of words (Chinese), or
    pairs of lower-case words (English: shared words alone are a shared topic, not a
    sentence said again)."""
    if cjk:
        runs = re.findall(r"[\u4e00-\u9fff]+|[A-Za-z0-9]+", text)
        return {r[i:i + 2] for r in runs for i in range(max(1, len(r) - 1))}
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {f"{a} {b}" for a, b in zip(words, words[1:])}


RESTATES = 0.6  # of a beat's bigrams (word pairs) found in a stronger one's: the same thing said twice


def restates(a: str, b: str, cjk: bool) -> bool:
    """Whether ``a`` says again what ``b`` said ("简单来说，凉粉和烧仙草是同一种食物，龟苓膏则是另一种
    食物" after "总结：凉粉、烧仙草和仙草冻是同一种食物，龟苓膏则是另一种食物"). Not the other way
    round: a recipe's steps name the ingredients its list named, and say much more."""
    ga, gb = _grams(a, cjk), _grams(b, cjk)
    return len(ga) >= 4 and len(ga & gb) / len(ga) >= RESTATES


def distinct_beats(beats: list[Scene], hook: str, cjk: bool) -> list[Scene]:
    """The candidate beats without one that restates the hook or a beat scored higher: a
    story's summary said again at its end left a 35-second video saying one thing twice."""
    kept: list[Scene] = []
    for sc in sorted(beats, key=lambda b: -b.score):
        if not restates(sc.voiceover, hook, cjk) and not any(restates(sc.voiceover, k.voiceover, cjk) for k in kept):
            kept.append(sc)
    return [b for b in beats if b in kept]


def _screen_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def key_phrase(text: str, cjk: bool, n_zh: int = 16, n_en: int = 48) -> str:
    """A beat's own on-screen line from what it says: its first clauses that fit ("凉粉不苦",
    "程序员求助，公司强制使用 AI 编程"), without a speaker's or a summary's label ("总结：", "姐姐：");
    "" where that says too little to show."""
    from contentkit.text import cjk_count, display_width

    from contentkit.editorial.data import table

    t = text.strip()
    m = re.match(r"([^，,：:。！？!?\s]{1,8})[：:]\s*", t) if cjk else re.match(r"([A-Z][\w;]*(?:\s\w+)?):\s+", t)
    if m:
        voice = table()["voice"]
        label = m.group(1)
        if cjk and cjk_count(label) >= 3 and label not in voice["generic_labels"] and label not in voice["speakers"]:
            return label  # "回答品質高：因為是基於特定文件…": the point's own name
        t = t[m.end():]  # "总结：", "姐姐：", "Note:": no content of their own
    size, n = (display_width, 2 * n_zh) if cjk else (len, n_en)
    sep = r"(?<=[，,；;。！？!?])\s*" if cjk else r"(?<=[,;.!?])\s+"
    clauses = [c for c in re.split(sep, t) if c.strip()]
    acc = ""
    for c in clauses:
        cand = (acc + ("" if cjk else " ") + c) if acc else c
        if size(cand.rstrip("，,；;。.!！?？ ")) > n:
            break
        acc = cand
        if acc.rstrip()[-1:] in "。.!！?？":
            break  # one sentence
    acc = acc.rstrip("，,；;。.!！ ")
    if not acc and clauses:
        first = clauses[0].rstrip("，,；;。.!！ ")
        # a first clause a little over is shown whole (the frame fits its text to the panel):
        # cut, "加入小米椒、朝天椒、葱段翻炒 40 秒" lost the unit of its number
        acc = first if size(first) <= n * 1.25 else on_screen_text(first, cjk, n_zh, n_en)
    return acc if (cjk_count(acc) >= 3 if cjk else len(acc.split()) >= 2) else ""


def own_screens(scenes: list[Scene], cjk: bool) -> None:
    """Each beat shows a line of its own: a beat whose heading is already on screen (the
    title's, or an earlier beat's of the same part) shows its own key phrase instead. Three
    beats of one part had carried the same long heading; the hook's title came back on the
    first beat."""
    # a headingless part is titled by a clause of one of its sentences ("本來沒打算聽今天的講座"):
    # that sentence's beat shows it, and a beat of the same part that does not say it shows
    # its own line (two beats in a row had carried it, the first about something else)
    for sc in scenes:
        key = _screen_key(sc.on_screen)
        if sc.kind != "beat" or not key or key in _screen_key(sc.voiceover):
            continue
        if any(o is not sc and o.kind == "beat" and _screen_key(o.on_screen) == key and key in _screen_key(o.voiceover)
               for o in scenes):
            own = key_phrase(sc.voiceover, cjk)
            if own:
                sc.on_screen = own
    seen: list[str] = []
    for sc in scenes:
        key = _screen_key(sc.on_screen)
        again = bool(key) and key in seen  # "Harbour" under the title "Harbour Wine" is a line of its own
        if again and sc.kind == "beat":
            own = key_phrase(sc.voiceover, cjk)
            if own and _screen_key(own) not in seen:
                sc.on_screen = own
                key = _screen_key(own)
        seen.append(key)


# the number of a part of a series ("其三", "第 3 篇", "（上）", "Part 2"): no line to show alone
_SERIES = re.compile(r"(?:其[一二三四五六七八九十]+|第\s*[\d一二三四五六七八九十]+\s*[篇章期集部讲講回]|"
                     r"[（(]\s*[\d一二三四五六七八九十上中下]+\s*[)）]|\b(?:part|vol\.?|episode|ep\.?)\s*\d+)\s*$", re.I)


_PAIRS_NO_SQUARE = ("【】", "（）", "()", "「」", "『』", "《》")


def on_screen_text(text: str, cjk: bool, n_zh: int = 16, n_en: int = 48) -> str:
    """Short on-screen text: the whole heading, else its stronger half around a colon.

    English allows 48 characters, as the cover's title: at 42, "Introducing Home Assistant
    Voice Preview Edition" showed as "Introducing Home Assistant Voice Preview…" on two
    beats (the frame's text is fitted to its panel, so the length only sets the words).
    Chinese allows ``n_zh`` Hanzi, a Latin letter or digit counting as half of one: counted
    as whole characters, "TUXEDO Stellaris 16 Gen 5 概览" showed as "TUXEDO…"."""
    import re

    from contentkit.text import balanced, close_cut, display_width, drop_asides, shorten

    text = text.strip()
    if text[-1:] in "：:" and text[:-1].strip():
        text = text[:-1].rstrip()  # a heading "優點：" over its list: the list is not on screen
    size, n = (display_width, 2 * n_zh) if cjk else (len, n_en)
    if size(text) <= n:
        return text
    # a bracketed aside goes first: "自动挡半坡起步方法（手刹法、左脚刹车法…）" showed as
    # "自动挡半坡起步方法（手刹…", a bracket opened and never closed
    bare = drop_asides(text)
    if bare != text:
        if size(bare) <= n:
            return bare
        text = bare
    # "资产和被动收入·其三 资产的量化评估": a series' name and number, a space, then the title
    split = r"(?<=[？?！!])\s*(?=\S)|[：:]\s*|\s+[—–-]\s+|\s*——\s*" + (r"|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])" if cjk else "")
    parts = [p.strip() for p in re.split(split, text) if p.strip()]
    if len(parts) > 1 and not all(balanced(p, _PAIRS_NO_SQUARE) for p in parts):
        # "【全程实测！第一批…】": a cut inside a bracket is no half of the title
        parts = [p.strip() for p in re.split(split.replace("(?<=[？?！!])\\s*(?=\\S)|", ""), text) if p.strip()]
    titled = [p for p in parts if not _SERIES.search(p)] or parts
    from contentkit.editorial import opener_kind

    # never the half that leans on the other: "那霸真正的優點：它讓第一天和最後一天不慌" showed "它讓…"
    fitting = [p for p in titled if size(p) <= n and opener_kind(p, cjk) != "anaphor"]
    if len(parts) > 1 and fitting:
        return max(fitting, key=size)
    return close_cut(shorten(text, n, measure=size))


def hook_and_cta(story: Story, rate, warnings: list[str], angled: bool = False) -> tuple[Scene, Scene]:
    """The opening hook (its first sentence when it runs long; past 10 s, a shorter opener of
    the story's, unless an angle chose the hook; else cut at a clause) and the closing call to
    action."""
    from contentkit.text import drop_emoticons, join_sentences, own_voice, shorten, split_sentences

    a, cjk, locale = story.a, story.a.is_cjk, story.a.messages_locale
    hook_vo = drop_emoticons(own_voice(a.hook))  # the creator's own voice: no "我：" label, no "XD"
    hs = split_sentences(hook_vo)
    if len(hs) > 1 and rate.speak_seconds(hook_vo) > 8:
        hook_vo = hs[0] if rate.speak_seconds(hs[0]) >= 2.5 else join_sentences(hs[:2])
    if rate.speak_seconds(hook_vo) > HOOK_MAX_S and not angled:
        # a hook that takes long to say cut mid-sentence is no opening line ("How is it that I
        # should be afforded these precious FLOPs … over…"): the story's best opener short
        # enough to say whole, else the title
        hook_vo = short_hook(story, rate) or hook_vo
    if rate.speak_seconds(hook_vo) > HOOK_MAX_S:  # one endless sentence: cut at a clause boundary
        units = rate.zh_chars_per_s if cjk else rate.en_words_per_min / 60.0
        short = shorten(hook_vo, int(HOOK_MAX_S * units) if cjk else int(HOOK_MAX_S * units * 6))
        warnings.append(f"hook takes {rate.speak_seconds(hook_vo):.0f} s to say; shortened to "
                        f"{rate.speak_seconds(short):.0f} s at a clause boundary")
        hook_vo = short
    hook = Scene(0, "hook", hook_vo, on_screen_text(story.title, cjk, 16, 48), _shot("hook", [], None, locale), -1, 99)
    cta_text = story.meta.cta or msg(locale, "follow")
    if rate.speak_seconds(cta_text) > HOOK_MAX_S:
        short = shorten(cta_text, int(HOOK_MAX_S * (rate.zh_chars_per_s if cjk else rate.en_words_per_min / 10)))
        warnings.append(f"call to action shortened to {rate.speak_seconds(short):.0f} s at a clause boundary")
        cta_text = short
    return hook, Scene(0, "cta", cta_text, cta_text, _shot("cta", [], None, locale), -1, 99)


def section_images(story: Story) -> dict[int, Path]:
    """The first usable image of each section."""
    from contentkit.canvas import usable_image

    images: dict[int, Path] = {}
    for si, sec in enumerate(story.sections):
        for b in sec.blocks:
            if isinstance(b, Image) and b.local_path is not None and si not in images and usable_image(b.local_path):
                images[si] = b.local_path
    return images


def short_hook(story: Story, rate) -> str:
    """The opener a video can say whole within ``HOOK_SHORT_S``: the standalone
    sentence that opens best (as the article's hook is chosen), else the title."""
    from contentkit.analysis import hook_score, can_open

    a = story.a
    flat = [u for sec in a.units for u in sec][:40]
    cands = [(hook_score(u.text, a.is_cjk, k, set()), -k, u.text) for k, u in enumerate(flat)
             if can_open(u) and 1.0 <= rate.speak_seconds(u.text) <= HOOK_SHORT_S]
    if cands:
        return max(cands)[2]
    return story.title if rate.speak_seconds(story.title) <= HOOK_SHORT_S else ""


_NAMED_IN_ASIDE = re.compile(r"\b(this|that|these|those)\s+\((?!(?:i\.e|e\.g|see|cf|or|and|as|which|who|that|"
                             r"this|it|they|we|you|he|she|I|in|on|at|for|by|from|with|to)\b)([A-Za-z][^()]{2,59}?)\)")


_TAG_NAME = re.compile(r"</?([A-Za-z][\w-]*)\s*/?>")


def spoken(text: str, cjk: bool) -> str:
    """A sentence as a voice says it: without its bracketed asides ("大廠（統一、光泉）靠規模議價…",
    "(i.e. focus on training loss)"), which a listener cannot hear as brackets; the sentence
    itself when what is left would say too little."""
    from contentkit.text import cjk_count, drop_asides, drop_emoticons

    text = drop_emoticons(text)  # a face typed in text is spelled out by a voice ("XD" as "ex dee")
    text = _TAG_NAME.sub(r"\1", text)  # "the Usersnap's <script> tag": a voice says "script", not its brackets
    if not cjk:
        # "Americans didn't like this (high taxed Tea via EIC) and protested": the aside names
        # what "this" is, so the voice says that instead of an unexplained "this"
        text = _NAMED_IN_ASIDE.sub(lambda m: m.group(2), text)
    bare = re.sub(r"\s+([，,。.;；:：!?！？])", r"\1", drop_asides(text))
    n = cjk_count if cjk else (lambda t: len(t.split()))
    if bare == text or n(bare) < (8 if cjk else 5) or n(bare) < n(text) / 2:
        return text
    return bare


def said_by(text: str, cjk: bool, hant: bool = False) -> str:
    """A dialogue line as the voice says it: "姐姐：凉粉就是仙草…" -> "姐姐说：凉粉就是仙草…" for a
    speaker the editorial table names (``[voice] speakers``); any other text as it is."""
    from contentkit.editorial.data import table

    m = re.match(r"\s*([\u4e00-\u9fff]{1,3})\s*[:：]\s*(?=\S)", text) if cjk else None
    if m is None or m.group(1) not in table()["voice"]["speakers"]:
        return text
    return m.group(1) + ("說" if hant else "说") + "：" + text[m.end():]


def candidate_beats(story: Story, rate) -> list[Scene]:
    """One beat per key point (with the sentence after it when short), and, for a short story,
    its other standalone sentences."""
    from contentkit.text import cjk_count, join_sentences

    a = story.a
    images = section_images(story)
    any_heading = any(sec.heading for sec in story.sections)
    used: set[str] = {a.hook}
    beats: list[Scene] = []
    known = frozenset() if a.is_cjk else acronyms(_story_text(story))  # once per story, not per beat

    hant = a.messages_locale.endswith("Hant")

    def beat(text: str, si: int, score: float, title: str) -> Scene:
        img = images.get(si)
        return Scene(0, "beat", said_by(text, a.is_cjk, hant), on_screen_text(title, a.is_cjk),
                     _shot("beat", _subjects(text, story, known), img, a.messages_locale, text), si, score, image=img)

    rows = {u.text for us in (a.units or ()) for u in us if u.kind == "table"}
    for kp in a.key_points:
        if kp.section < 0 or (any_heading and not story.sections[kp.section].heading) or kp.text in used:
            continue
        if kp.text in rows:
            continue  # "红椒粉——质量 (g)：60；比例：0.21": one row of eight is no beat to say
        sents = list(a.sentences[kp.section])
        vo = [_first_alone(spoken(kp.text, a.is_cjk), rate, a.is_cjk)]
        used.add(kp.text)
        if kp.text in sents:
            i = sents.index(kp.text)
            if i + 1 < len(sents) and len(a.run(sents[i:i + 2], 2)) == 2 \
                    and rate.speak_seconds(join_sentences(vo + [spoken(sents[i + 1], a.is_cjk)])) <= 9:
                vo.append(spoken(sents[i + 1], a.is_cjk))
                used.add(sents[i + 1])
        sc = beat(join_sentences(vo), kp.section, kp.score, story.sections[kp.section].label or _clause(kp.text))
        steps = procedure_parts(sc.voiceover, rate, a.is_cjk)
        if steps:
            # "①从花卷的包装袋中取出…⑦…即可食用", 32 s: said in beats of a few steps each, in order
            sc.parts = tuple(beat(t, kp.section, kp.score, sc.on_screen) for t in steps)
        beats.append(sc)
    if len(beats) < 4:
        extra = [beat(spoken(u.text, a.is_cjk), si, -1.0 - 0.01 * k, sec.label or _clause(u.text))
                 for si, sec in enumerate(story.sections) for k, u in enumerate(a.units[si] if a.units else ())
                 if u.standalone and u.kind != "table" and u.text not in used and not any(u.text in b.voiceover for b in beats)
                 and u.text not in a.hook and rate.speak_seconds(u.text) <= 10
                 # "有冇用？" (any use?), a second and a half: no beat of its own
                 and (cjk_count(u.text) >= 6 if a.is_cjk else len(u.text.split()) >= 4)]
        beats.extend(extra[: 8 - len(beats)])
    return beats


BEAT_LONG_S = 10.0  # a beat over this says its first sentence only, where that one stands alone


def procedure_parts(text: str, rate, cjk: bool, limit: float = BEAT_LONG_S) -> list[str]:
    """A numbered procedure that takes over ``limit`` seconds to say, as runs of whole steps of
    at most ``limit`` seconds each (one step alone where it is longer), said without their
    numbers ("①从花卷的包装袋中取出 5 个花卷②…" -> "从花卷的包装袋中取出 5 个花卷。把花卷平铺在碟子上…");
    [] for anything else, or a procedure short enough for one beat."""
    from contentkit.editorial.units import CIRCLED
    from contentkit.text import join_sentences

    if rate.speak_seconds(text) <= limit:
        return []
    # past ⑩ a Chinese procedure goes on "11.出锅。"
    marks = rf"[{CIRCLED}]|(?<=[^\d\s.])\d{{1,2}}\.(?=[^\d\s])" if cjk else r"(?:^|(?<=\s))\d{1,2}\.\s+"
    steps = [x.strip() for x in re.split(marks, text) if x.strip()]
    if len(steps) < 2 or not re.match(marks, text.strip()):
        return []
    chunks: list[list[str]] = [[]]
    for st in steps:
        if chunks[-1] and rate.speak_seconds(join_sentences(chunks[-1] + [st])) > limit:
            chunks.append([])
        chunks[-1].append(st)
    if len(chunks) > 1 and rate.speak_seconds(join_sentences(chunks[-1])) < 3 \
            and rate.speak_seconds(join_sentences(chunks[-2] + chunks[-1])) <= limit * 1.3:
        chunks[-2:] = [chunks[-2] + chunks[-1]]  # "出锅。" is no beat of its own
    stop = "。" if cjk else "."
    said = [join_sentences(c) for c in chunks]
    return [t if t[-1:] in "。！？.!?" else t + stop for t in said] if len(chunks) > 1 else []


def _first_alone(text: str, rate, cjk: bool) -> str:
    """A key point of several sentences that takes over ``BEAT_LONG_S`` to say, as its first
    sentence when that one stands alone: an essay's carried points ("The inspiration … a
    Turing Test. It is probably worth it …", 17 s) left a 45-second video two beats."""
    from contentkit.editorial.units import CIRCLED, opener_kind
    from contentkit.text import split_sentences

    if rate.speak_seconds(text) <= BEAT_LONG_S or re.search(rf"[{CIRCLED[1:]}；;]|(?:^|\s)2\. ", text):
        return text  # a procedure or a list is said whole or not at all ("①打蛋到碗里②…" of seven steps)
    parts = split_sentences(text)
    if len(parts) > 1 and opener_kind(parts[0], cjk) is None and rate.speak_seconds(parts[0]) >= 3 \
            and not parts[0].rstrip().endswith((":", "：")):
        return parts[0]
    if rate.speak_seconds(parts[0] if parts else text) > BEAT_LONG_S * 1.2:
        said = leading_clauses(parts[0], rate, cjk)
        if said:
            return said
    return text


# a clause that needs the one after it ("如果近 1 年都没用过，…", "Although it rained, …")
_ZH_NEEDS_NEXT = re.compile(r"^(?:(?:这一次|這一次|这次|這次|那次|那一次|当时|當時|后来|後來|今天|昨天|那天|现在|現在)"
                            r"(?:[，,]\s*)?)?(?:如果|假如|要是|只要|只有|虽然|雖然|尽管|儘管|即使|即便|因为|因為|由于|由於|除非|"
                            r"当|當|不仅|不僅|不但|无论|無論|不管|一旦|为了|為了|对于|對於|关于|關於|"
                            # "…存了行李，按照一开始的计划。": according to the plan, what?
                            r"按照|根据|根據|依照|依据|依據|随着|隨著)")
# a clause that sets a time or a condition for the next ("在团队成员为团队创造价值的同时，…")
_ZH_NEEDS_NEXT_TAIL = re.compile(r"(?:同时|同時|之时|之時|时候|時候|[^小]时|[^小]時|之后|之後|以后|以後|之前|以前|情况下|情況下|"
                                 r"前提下|条件下|條件下|过程中|過程中)\s*$")
_ZH_COMPLETES = re.compile(r"^(?:而是|而且|并且|並且|但是|但|却|卻|才|就|则|則|所以|因此|那么|那麼|否则|否則|也|还|還|甚至)")
_EN_NEEDS_NEXT = re.compile(r"^(?:if|although|though|because|since|when|whenever|while|unless|as|whether|"
                            r"not only|even if|even though|in order to)\b", re.I)
_EN_COMPLETES = re.compile(r"^(?:but|and|so|or|yet|then|which|who|whose|where|that)\b", re.I)


def leading_clauses(sentence: str, rate, cjk: bool, limit: float = BEAT_LONG_S) -> str:
    """The longest run of a long sentence's first clauses that says a whole thought within
    ``limit`` seconds ("开始的第一步，应该是经常性的整理，一般是扔东西、卖二手、收纳起来，不要总觉得
    留着以后能用上，…" -> "开始的第一步，应该是经常性的整理，一般是扔东西、卖二手、收纳起来。"): a
    voice-over of 15-20 s per beat left a 45-second video one beat. No cut leaves a clause
    waiting for the next ("如果…", "not X, but Y" before its "but", "不是…" before "而是"); ""
    where no such run of two clauses or more exists."""
    # never inside a number: "2,137 views" had been cut to "…與會分享 2。"
    sep = r"(?:(?<=[，；;])|(?<=,)(?!\d))\s*" if cjk else r"(?<=[,;])\s+"
    clauses = [c for c in re.split(sep, sentence.strip()) if c]
    needs, completes = (_ZH_NEEDS_NEXT, _ZH_COMPLETES) if cjk else (_EN_NEEDS_NEXT, _EN_COMPLETES)
    best = ""
    for k in range(2, len(clauses)):
        head, nxt = clauses[:k], clauses[k]
        said = ("" if cjk else " ").join(head).rstrip("，,；; ")
        if rate.speak_seconds(said) > limit:
            break
        if needs.match(head[-1].lstrip()) or completes.match(nxt.lstrip()) or said.endswith(("：", ":")) \
                or (cjk and _ZH_NEEDS_NEXT_TAIL.search(said)):
            continue
        if (("不是" in said and "而是" not in said) if cjk else re.search(r"\bnot\b", said) and nxt.lower().startswith("but")):
            continue
        if rate.speak_seconds(said) >= 4:
            best = said
    if not best:
        return ""
    if sentence.rstrip().endswith(("？", "?")) and (_ZH_ASKS.search(best) if cjk else _EN_ASKS.match(best)):
        # "…具备自动白平衡的功能，为什么…依然拍不出原色，而需要…呢？" cut after its "为什么"
        # clause is still the question it asks, never "…拍不出原色。"
        return best + ("？" if cjk else "?")
    return best + ("。" if cjk else ".")


_ZH_ASKS = re.compile(r"为什么|為什麼|为何|為何|怎么|怎麼|如何|是否|难道|難道|[吗嗎]|哪|谁|誰|什么|什麼|多少")
_EN_ASKS = re.compile(r"(?:why|how|what|which|who|where|when|is|are|was|were|do|does|did|can|could|should|would|will)\b",
                      re.I)


def _clause(text: str) -> str:
    """A short on-screen line from a sentence: its first clause."""
    import re

    from contentkit.text import drop_asides

    # never cut inside a bracket: "I was talking (well, messaging) to a friend" had shown
    # "I was talking (well"
    first = re.split(r"[，,;；:：—]|\s[-–]\s", drop_asides(text.strip()), maxsplit=1)[0]
    return first.strip().rstrip("。.!！?？")


def choose_beats(beats: list[Scene], budget: int, lo: int = 4, hi: int = 8) -> list[Scene]:
    """Whole beats that fit ``budget`` frames: as close to ``lo``-``hi`` beats as possible, then
    the highest total score (a small knapsack; durations in units of 3 frames)."""
    unit = 3
    cap = max(0, budget // unit)
    # best[c][w] = (score, picked indices) using c beats and w units
    best: list[dict[int, tuple[float, tuple[int, ...]]]] = [dict() for _ in range(hi + 1)]
    best[0][0] = (0.0, ())
    for i, sc in enumerate(beats):
        w = -(-sc.frames // unit)
        n = max(1, len(sc.parts))  # a procedure said in three beats counts as three
        for c in range(hi - n, -1, -1):
            for used, (score, picked) in list(best[c].items()):
                nu = used + w
                if nu > cap:
                    continue
                cand = (score + sc.score * n, picked + (i,))
                cur = best[c + n].get(nu)
                if cur is None or cand[0] > cur[0]:
                    best[c + n][nu] = cand
    options = [(min(c, lo), score, c, picked) for c in range(hi + 1) for score, picked in best[c].values()]
    if not options:
        return []
    _, _, _, picked = max(options, key=lambda o: (o[0], o[1], -o[2]))
    return [beats[i] for i in picked]


def _retime(scenes: list[Scene]) -> None:
    f = 0
    for i, sc in enumerate(scenes, start=1):
        sc.index = i
        sc.start_f = f
        f += sc.frames


def _rates(story: Story):
    from contentkit.analysis import Rates

    a = story.a
    if a.is_cjk:
        return Rates(zh_chars_per_s=a.speaking_rate)
    return Rates(en_words_per_min=a.speaking_rate * 60)


def script_json(story: Story, scenes: list[Scene], dropped: list[dict], fps: int, target: int,
                size: tuple[int, int], audio: dict) -> dict:
    total = sum(s.frames for s in scenes)
    return {
        "title": story.title,
        "language": story.a.language,
        "fps": fps,
        "width": size[0],
        "height": size[1],
        "target_s": target,
        "duration_s": round(total / fps, 3),
        "frames": total,
        "audio": audio,
        "scenes": [{
            "index": s.index, "kind": s.kind, "start_s": round(s.start_f / fps, 3),
            "duration_s": round(s.frames / fps, 3), "start_frame": s.start_f, "frames": s.frames,
            "voiceover": s.voiceover, "on_screen": s.on_screen, "shot": s.shot, "section": s.section,
        } for s in scenes],
        "dropped_beats": dropped,
    }


def script_markdown(data: dict, locale: str) -> str:
    from contentkit.messages import catalogue

    from contentkit.render_md import md_escape_all

    t = catalogue(locale)
    data = md_escape_all(data)

    def clock(t: float) -> str:
        return f"{int(t // 60)}:{t % 60:05.2f}"

    kind_label = {k: t[f"video.kind.{k}"] for k in ("hook", "beat", "cta")}
    lines = [f"# {data['title']}", "",
             t["video.md.header"].format(duration=data["duration_s"], target=data["target_s"], fps=data["fps"],
                                         size=f"{data['width']}x{data['height']}"), "",
             "| " + " | ".join(t["video.md.columns"]) + " |", "|---|---|---|---|---|"]
    for s in data["scenes"]:
        t0, t1 = s["start_s"], s["start_s"] + s["duration_s"]
        cell = lambda x: str(x).replace("|", "\\|").replace("\n", " ")  # noqa: E731
        lines.append(f"| {s['index']}. {kind_label[s['kind']]} | {clock(t0)}–{clock(t1)} | "
                     f"{cell(s['voiceover'])} | {cell(s['on_screen'])} | {cell(s['shot'])} |")
    if data["dropped_beats"]:
        lines += ["", "## " + t["video.md.dropped"], ""]
        for d in data["dropped_beats"]:
            lines.append(f"- {d['on_screen']} ({d['seconds']} s): {d['voiceover']}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------ audio
def probe_audio(path_str: str, what: str) -> float:
    """Duration in seconds of an audio file, read by the ffmpeg binary itself (it has no
    ffprobe): the time of the last packet of its first audio stream. Clear errors for missing,
    non-audio and empty files."""
    import re

    p = Path(path_str).expanduser()
    if not p.is_file():
        raise ContentkitError(f"{what} file not found", path=path_str, key=f"video.{what}")
    r = proc.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(p.resolve()), "-map", "0:a:0",
                        "-c", "copy", "-f", "null", "-"], capture_output=True, text=True)
    if r.returncode != 0:
        why = "has no audio stream" if "matches no streams" in r.stderr else "is not audio"
        raise ContentkitError(f"{what} file {why}", path=path_str, key=f"video.{what}")
    times = re.findall(r"time=(\d+):(\d{2}):(\d{2}(?:\.\d+)?)", r.stderr)
    dur = 0.0
    if times:
        h, m, sec = times[-1]
        dur = int(h) * 3600 + int(m) * 60 + float(sec)
    if dur < 0.2:
        raise ContentkitError(f"{what} file is empty ({dur:.2f} s)", path=path_str, key=f"video.{what}")
    return dur


def synthesize(scenes: list[Scene], lang: str, fps: int, workdir: Path, want: str,
               warnings: list[str]) -> tuple[Path | None, str | None]:
    """A synthetic voice-over (``contentkit.voice``), one clip per scene placed at the scene's
    start; each scene lasts at least its clip and keeps the clip's word times for the
    subtitles. Returns the WAV and the voice's name, or (None, None) with a warning."""
    from contentkit import voice

    chosen = voice.choose(lang, want)
    if chosen is None:
        hint = "; ".join(sorted({v.how for v in voice.available() if v.language == lang and not v.installed}))
        warnings.append(f"no voice for {lang} on this machine ({hint}); the video has no voice-over")
        return None, None
    name, speak_all = chosen
    speak(scenes, speak_all, fps)
    proc.release_memory()  # the voice sessions' memory, before frames are drawn and encoded
    return voice_track(scenes, fps, workdir / "voice.wav"), name


def speak(scenes: list[Scene], speak_all, fps: int) -> None:
    """Each scene spoken: it lasts at least its clip and keeps the clip's word times."""
    for sc, clip in zip(scenes, speak_all([sc.voiceover for sc in scenes])):
        sc.frames = max(sc.frames, math.ceil((clip.seconds + PAD_S) * fps))
        sc.words = clip.words
        sc.speech = clip


def refill(scenes: list[Scene], spare: list[Scene], planned: dict[int, int], ceiling: int, speak_one,
           fps: int, hi: int = 8) -> list[Scene]:
    """Spare beats put back where the spoken video left room under its ceiling, best first.

    The script is planned at the story's speaking rate; the synthetic voice may be faster, or a
    longer beat may have gone because it was slower (a 36 s tea video of three beats under a
    45 s ceiling, its 6 s "Origin" beat unsaid). A spare beat is tried when its planned length
    scaled by the voice's measured pace fits the room left; it is spoken, and kept (in story
    order) only if its spoken length fits. ``speak_one`` speaks one scene; ``planned`` holds
    the planned frames of the spoken beats (by ``id``). Returns the beats put back."""
    beats = [sc for sc in scenes if sc.kind == "beat"]
    if not beats or not spare:
        return []
    pace = sum(sc.frames for sc in beats) / max(1, sum(planned.get(id(sc), sc.frames) for sc in beats))
    room = ceiling - sum(sc.frames for sc in scenes)
    added: list[Scene] = []
    for cand in spare:
        if len(beats) + len(added) >= hi:
            break
        if math.ceil(cand.frames * pace) > room:
            continue
        planned_frames = cand.frames
        speak_one(cand)
        if cand.frames > room:
            cand.frames = planned_frames
            continue
        room -= cand.frames
        added.append(cand)
    for cand in sorted(added, key=lambda sc: sc.section):
        at = max((i + 1 for i, sc in enumerate(scenes) if sc.kind == "beat" and sc.section <= cand.section),
                 default=1)
        scenes.insert(at, cand)
    return added


def voice_track(scenes: list[Scene], fps: int, path: Path) -> Path:
    """The scenes' spoken clips laid at their starts (after retiming them) in one mono WAV:
    again, without speaking again, when a scene is left out."""
    import wave

    _retime(scenes)
    rate = scenes[0].speech.rate
    total = sum(s.frames for s in scenes)
    out = bytearray(b"\x00" * (math.ceil(total / fps * rate) * 2))
    for sc in scenes:
        off = round(sc.start_f / fps * rate) * 2
        out[off:off + len(sc.speech.pcm)] = sc.speech.pcm[: max(0, len(out) - off)]
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(out))
    return path


# ------------------------------------------------------------------------------ frames
def frame_specs(story: Story, scenes: list[Scene]):
    from contentkit.canvas import Spec

    meta = story.meta
    out = []
    k = 0
    for sc in scenes:
        if sc.kind == "hook":  # the cover: title and hook, the thumbnail platforms show
            out.append(Spec("vcover", heading=story.title,
                            body=on_screen_text(sc.voiceover, story.a.is_cjk, 40, 110),
                            attribution=" · ".join(x for x in (meta.author, meta.persona) if x)))
        elif sc.kind == "cta":
            tags = " ".join(f"#{t}" for t in story.a.hashtags[:4])
            out.append(Spec("vcta", heading=sc.on_screen, body=meta.brand.handle or meta.brand.name,
                            attribution=tags))
        elif sc.image is not None:
            k += 1  # the beats are numbered in order, pictures or not
            out.append(Spec("image", heading=sc.on_screen, image=sc.image))
        else:
            k += 1
            out.append(_beat_spec(sc.on_screen, k, story.a.is_cjk))
    beats = sum(1 for sp in out if sp.kind in ("scene", "image"))
    i = 0
    for sp in out:
        if sp.kind in ("scene", "image"):
            i += 1
            sp.progress = (i, beats)
    from contentkit.editorial.emphasis import emphasis

    topic = story.title.lower()
    keywords = tuple(w for w in story.a.keywords[:12] if w.lower() not in topic)
    cjk = story.a.is_cjk
    known = acronyms(_story_text(story))
    for sc, sp in zip(scenes, out):  # the same emphasis as the cards: a number or a name in the accent colour
        if sp.kind in ("scene", "image"):
            sp.marks = emphasis(sp.heading, cjk, keywords=keywords, limit=1)
        if sp.kind == "scene":  # the numbers and names the voice says, under the phrase
            low = sp.heading.lower()
            # a term the phrase already shows is not repeated under it (as a whole word:
            # "Assist" is not in "Home Assistant")
            sp.items = tuple(t for t in scene_terms(sc.voiceover, cjk, known)
                             if not (t.lower() in low if cjk else re.search(rf"\b{re.escape(t.lower())}\b", low)))[:3]
    return out


_CAPS = re.compile(r"\b[A-Z]{2,}\b")


def acronyms(text: str) -> frozenset[str]:
    """The all-capital words of a story that are evidently acronyms or names set in capitals
    (not emphasis, as in "they continued to HATE tea"): used twice or more, defined in
    brackets ("the East India Company (EIC)"), or with no vowel to say ("HTML")."""
    from collections import Counter

    seen = Counter(_CAPS.findall(text))
    bracketed = set(re.findall(r"[(（]\s*([A-Z]{2,})\s*[)）]", text))
    return frozenset(w for w in seen if seen[w] >= 2 or w in bracketed or not re.search(r"[AEIOUY]", w))


_ZH_ADVERB_TAIL = set("都也就还還才又会會能要在是")


def _rare(word: str) -> bool:
    """A word jieba's dictionary has seen fewer than 100 times (成都 2770, 京都 303, 酒都 49)."""
    from contentkit.zhdict import jieba as _jieba

    return (_jieba().get_FREQ(word) or 0) < 100


def scene_terms(text: str, cjk: bool, known: frozenset[str] | None = None) -> list[str]:
    """The figures (with their units) and the proper names a beat's voice-over says, in the
    order it says them: what a designed text scene highlights under its phrase.

    ``known``: the story's :func:`acronyms`. Another word in capitals is read as emphasis and
    left out: without an English lexicon "HATE" and "NASA" look alike, and a shouted word shown
    as a name is worse than a one-off acronym left unhighlighted."""
    from contentkit.editorial.emphasis import numbers

    found: list[tuple[int, str]] = []
    for n in numbers(text, cjk):
        # a figure worth showing: a year or a price (3+ digits), or a number with its unit;
        # not a clock's "30" nor "two" on its own
        bare = n.replace(",", "").replace(".", "")
        if (bare.isdigit() and len(bare) < 3) or (not cjk and not re.search(r"\d", n)):
            continue
        if cjk and not re.search(r"\d", n) and re.fullmatch(r"[一两几][个种家位分]", n):
            continue  # "一个", "两种": counting words, not figures
        found.append((text.find(n), n))
    if cjk:
        from contentkit.editorial.lexicon import tagged

        pos = 0
        for w, f in tagged(text):
            i = text.find(w, pos)
            pos = i + len(w) if i >= 0 else pos
            # a person's name only with 3+ characters: jieba tags many two-character words
            # as surnames + a character ("陈年")
            if (f in ("ns", "nt", "nz") and len(w) >= 2) or (f in ("nr", "nrt", "nrfg") and len(w) >= 3):
                if len(w) == 2 and w[1] in _ZH_ADVERB_TAIL and _rare(w):
                    continue  # "每一口酒都会…" cut as "酒都" (a rare "wine capital"): the scene showed it
                found.append((i, w))
    else:
        from contentkit.editorial.lexicon import EN_STOP

        for m in re.finditer(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w'’-]+(?:\s+(?:of|de|du|la|le|the)?\s*[A-Z][\w'’-]+)*)", text):
            name = m.group(1).strip()
            if _CAPS.fullmatch(name) and name not in (known or ()):
                continue  # a word in capitals the story gives no sign of being a name
            if name.lower() not in EN_STOP and len(name) >= 3:
                found.append((m.start(1), name))
    out: list[str] = []
    for _, t in sorted(found):
        t = t.strip(" ,.;:，。；：")
        if t and not any(t in o or o in t for o in out) and (len(t) <= 12 if cjk else len(t) <= 28):
            out.append(t)
    return out


def _beat_spec(on_screen: str, k: int, cjk: bool):
    """A beat's text scene: its key phrase set large, or, when the phrase leads with a year
    ("1855：一张改变波尔多的名单"), the figure very large over the rest."""
    from contentkit.canvas import Spec
    from contentkit.editorial.emphasis import figure

    fig = figure(on_screen, cjk)
    if fig is not None and on_screen.lstrip().startswith(fig[0]):
        rest = on_screen.lstrip()[len(fig[0]):].lstrip(" ：:，,.-—")
        if rest:
            return Spec("scene", heading=rest, figure=fig[0], unit=fig[1])
    return Spec("scene", heading=on_screen, label=f"{k:02d}")


def subtitle_overlay(event_lines: tuple[str, ...], size: tuple[int, int], font, warnings: list[str],
                     safe: SafeArea = DEFAULT_SAFE):
    """A transparent RGBA layer with one subtitle event drawn in the subtitle band."""
    from PIL import Image, ImageDraw

    from contentkit.layout import draw_block, fit

    W, H = size
    box = subtitle_box(size, safe)
    text = "\n".join(event_lines)
    block = fit(text, font, box, max_size=round(58 * W / 1080), min_size=round(36 * W / 1080),
                spacing=1.32, max_lines=len(event_lines), align="center", bold=0.0)
    if block is None:  # cannot happen for rule-conforming lines, but never clip
        block = fit(text, font, box, max_size=round(36 * W / 1080), min_size=round(24 * W / 1080),
                    spacing=1.25, align="center")
        warnings.append(f"subtitle '{text[:20]}' drawn small to fit")
    # anchor to the bottom of the band, as a bottom-aligned subtitle style does
    from contentkit.canvas import shift_block as _shift

    if block is None:
        raise ContentkitError(f"subtitle '{text[:20]}' cannot be drawn in its band")
    block = _shift(block, box[3] - 18 - max(b[3] for b in block.boxes))
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    # a soft dark plate behind the text, then white text with a dark outline
    x0 = min(b[0] for b in block.boxes) - 22
    x1 = max(b[2] for b in block.boxes) + 22
    y0 = min(b[1] for b in block.boxes) - 16
    y1 = max(b[3] for b in block.boxes) + 18
    d.rounded_rectangle((x0, y0, x1, y1), radius=14, fill=(12, 8, 10, 150))
    draw_block(d, block, (255, 255, 255, 255), stroke=3, stroke_fill=(20, 16, 18, 255))
    return layer, block, (x0, y0, x1, y1)


def subtitle_box(size: tuple[int, int], safe: SafeArea = DEFAULT_SAFE) -> tuple[int, int, int, int]:
    """The subtitle band: right above the platform's bottom UI, clear of its right-hand UI."""
    W, H = size
    m = round(84 * W / 1080)
    left = max(m, round(W * safe.left))
    return (left, round(H * (1 - safe.bottom - SUBTITLE_BAND - 0.005)), W - max(m, round(W * safe.right)),
            round(H * (1 - safe.bottom - 0.005)))


def frame_safe(safe: SafeArea, size: tuple[int, int]) -> SafeArea:
    """The safe area for the frame's own text: everything above the subtitle band."""
    top = subtitle_box(size, safe)[1] / size[1]
    return SafeArea(top=safe.top, bottom=1 - top + 0.02, right=safe.right, left=safe.left)


# ------------------------------------------------------------------------------ ffmpeg
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


_LIBASS: dict[str, bool] = {}


def has_libass() -> bool:
    """Whether this ffmpeg can burn ASS subtitles (imageio-ffmpeg's static build can)."""
    exe = ffmpeg_exe()
    if exe not in _LIBASS:
        r = proc.run([exe, "-hide_banner", "-filters"], capture_output=True, text=True)
        _LIBASS[exe] = bool(re.search(r"^\s*\S+\s+ass\s", r.stdout, re.M))
    return _LIBASS[exe]


def burn_ass(events, fps: int, fonts, size: tuple[int, int], safe: SafeArea) -> str:
    """The ASS that is burned in: the subtitle file's events and karaoke on translucent plates,
    sized and placed for the platform's band."""
    from contentkit.layout import font_family
    from contentkit.subtitles import to_ssa

    W, H = size
    sb = subtitle_box(size, safe)
    ssa = to_ssa(events, fps, font=font_family(fonts.body), size=round(60 * W / 1080),
                 primary="#FFFFFF", outline="#141012", margin_v=H - sb[3] + 18,
                 margin_l=sb[0], margin_r=W - sb[2], width=W, height=H, plate=True)
    return ssa.to_string("ass")


def run_ffmpeg(stream_or_args, what: str, cwd: Path | None = None, first: tuple[str, ...] = ()) -> None:
    """Run ffmpeg (never through a shell); on failure a one-line error with ffmpeg's tail.
    ``first``: global options, placed before the inputs (ffmpeg-python's ``global_args`` puts
    them after the output, where ffmpeg may ignore them)."""
    exe = ffmpeg_exe()
    args = stream_or_args.compile(cmd=exe) if hasattr(stream_or_args, "compile") else [exe, *stream_or_args]
    args = [args[0], "-hide_banner", "-nostdin", "-loglevel", "error", *first, *args[1:]]
    r = proc.run(args, capture_output=True, text=True, cwd=cwd)
    if r.returncode != 0:
        tail = " | ".join(ln.strip() for ln in (r.stderr or "").strip().splitlines()[-3:])
        raise ContentkitError(f"ffmpeg failed while {what}: {tail or 'exit ' + str(r.returncode)}",
                              exit_code=EXIT_OUTPUT)


X264_PARAMS = "threads=2:bframes=0"


def encoder_args(o: VideoOptions, fps: int, frames: int) -> dict:
    """Fixed encoder flags: the same input gives the same bytes.

    Tuned for slow-moving pictures (benchmarks/bench_video.py measures it): ``superfast`` with no
    B-frames costs about 0.6x the CPU of ``veryfast`` at the same PSNR/SSIM, with a smaller
    lookahead (less memory); every GOP is closed (x264's default), as Instagram's Reels
    specification asks. The MP4 has no edit list (``use_editlist 0``): YouTube's and
    Instagram's upload specifications both ask for none; see ``sound_track`` for how the
    sound keeps its sync without one."""
    return {
        "vcodec": "libx264", "preset": o.preset, "crf": o.crf, "pix_fmt": "yuv420p",
        "profile:v": "high", "r": fps, "frames:v": frames, "threads": 2, "x264-params": X264_PARAMS,
        "movflags": "+faststart", "use_editlist": 0, "map_metadata": -1, "fflags": "+bitexact",
        "flags": "+bitexact",
    }


def write_concat(path: Path, items: list[tuple[Path, int]], fps: int) -> None:
    """ffconcat list: each still with its duration in frames; the last one repeated (the
    demuxer ignores the last duration otherwise); the encoder caps the frame count.

    A still is listed in pieces of at most half a second: ffmpeg's ``fps`` filter emits all
    the copies of a frame at once, and once a filter after it (``ass``, ``overlay``) makes
    each copy its own buffer, a 7-second still held 210 frames (about 650 MB at 1080x1920)
    in memory. In pieces the encoder's peak fell from about 1.3 GB to 0.4 GB, with the same
    bytes."""
    lines = ["ffconcat version 1.0"]
    piece = max(1, fps // 2)
    for p, frames in items:
        left = frames
        while left > 0:
            n = min(piece, left)
            lines += [f"file '{p.name}'", f"duration {n / fps:.6f}"]
            left -= n
    lines.append(f"file '{items[-1][0].name}'")
    path.write_text("\n".join(lines) + "\n", "utf-8")


def _own(path: Path, i: int, work: Path) -> Path:
    """The scene's own name for a picture or clip: ffmpeg-python makes one node of two inputs
    with the same arguments, and two scenes showing one photo then fed one decoded stream to
    two filters, which it refuses ("multiple outgoing edges … a split filter is probably
    required"). A link in the scratch folder is a second input."""
    link = work / f"scene-{i:02d}-media{path.suffix.lower()}"
    if not link.exists():
        try:
            link.symlink_to(path.resolve())
        except OSError:  # no symlinks here: a copy
            import shutil

            shutil.copyfile(path, link)
    return link


def held(stream, n: int, fps: int, pix_fmt: str):
    """One decoded still as ``n`` frames: converted once to ``pix_fmt``, then repeated by the
    ``loop`` filter (an input looped with ``-loop 1`` is decoded and converted again for every
    frame, 5-6 ms each at 1080x1920)."""
    return (stream.filter("format", pix_fmt).filter("loop", loop=max(0, n - 1), size=1, start=0)
            .filter("setpts", f"N/({fps}*TB)"))


def push_in(stream, n: int, size: tuple[int, int], zoom: float):
    """A slow push-in on a held still: frame k is scaled by ``1 + zoom * k / n`` (rounded to
    an even size) and cut back to the frame around its centre.

    ``zoompan`` did this from a still upscaled twice (its crop is whole pixels, so at 1x the
    picture shakes): 8.7 ms a frame at 1080x1920 against about 2 ms here, where the size
    grows 2 pixels at a time about the exact centre, so the picture never moves back."""
    W, H = size
    z = f"(1+{zoom}*n/{max(1, n)})"
    w, h = f"trunc({W}*{z}/2)*2", f"trunc({H}*{z}/2)*2"
    # the crop's offsets from the same expression: ``crop`` keeps the size it was configured
    # with, so its default centre ((in_w-out_w)/2) would stay 0 and the zoom grow from a corner
    return (stream.filter("scale", w=w, h=h, eval="frame")
            .filter("crop", W, H, x=f"({w}-{W})/2", y=f"({h}-{H})/2", exact=1).filter("setsar", 1))


def cross_faded(parts, frames: list[int], xf: int, fps: int):
    """Scenes joined by ``xf``-frame cross-fades; every scene but the last runs ``xf`` frames
    longer (its ``parts`` stream), under the start of the next one.

    Only the overlaps go through ``xfade``: each scene is split into its head (faded in from
    the scene before), its body and its tail (the extra frames, faded out), and the pieces are
    concatenated. Chaining ``xfade`` over whole scenes passed every frame of scene k through
    the n - k filters after it, about 2 ms a filter at 1080x1920: most of a motion render."""
    import ffmpeg

    def piece(stream, a: int, b: int):
        return stream.trim(start_frame=a, end_frame=b).setpts("PTS-STARTPTS")

    pieces = []
    tail = None
    last = len(parts) - 1
    for i, (stream, n) in enumerate(zip(parts, frames)):
        cuts = ([0] if i == 0 else [0, xf]) + [n] + ([n + xf] if i < last else [])
        # ``xfade`` takes no subsampled formats: without these two ``format`` filters ffmpeg
        # negotiated yuv444p for the whole scene (``split`` gives all its outputs one format) and
        # for ``concat``, converting every frame to 4:4:4 and back, more than half of the filter
        # time of a motion render; now only the overlaps' frames are converted
        split = stream.filter("format", "yuv420p").filter_multi_output("split", len(cuts) - 1)
        outs = [piece(split[k], a, b) for k, (a, b) in enumerate(zip(cuts, cuts[1:]))]
        if i:
            pieces.append(ffmpeg.filter([tail, outs.pop(0)], "xfade", transition="fade",
                                        duration=f"{xf / fps:.6f}", offset=0).filter("format", "yuv420p"))
        pieces.append(outs.pop(0))
        tail = outs.pop(0) if i < last else None
    return ffmpeg.concat(*pieces, v=1, a=0)


# ------------------------------------------------------------------------------ plugin
# ------------------------------------------------------------------------------ stages
def dumps_json(obj) -> str:
    from contentkit.output import dumps

    return dumps(obj)


def fit_to_recording(scenes: list[Scene], vo_len: float, fps: int, path: str | None, warnings: list[str]) -> None:
    """Stretch scene timings to a recording, frame-exact; more than 2x off is an error."""
    planned = sum(s.frames for s in scenes) / fps
    ratio = vo_len / planned
    if not 0.5 <= ratio <= 2.0:
        raise ContentkitError(
            f"voice-over is {vo_len:.1f} s but the script is {planned:.1f} s; "
            f"record within {planned * 0.5:.0f}-{planned * 2:.0f} s or change video.duration",
            path=path, key="video.voiceover")
    target = math.ceil(vo_len * fps)
    acc = 0.0
    prev = 0
    for sc in scenes:
        acc += sc.frames * ratio
        end = round(acc)
        sc.frames = max(1, end - prev)
        prev = end
    scenes[-1].frames += target - sum(s.frames for s in scenes)
    _retime(scenes)
    pauses = detect_pauses(path) if path else []
    matched = align_to_pauses(scenes, pauses, fps, target)
    if len(scenes) > 1 and matched < (len(scenes) - 1) / 2:
        warnings.append(f"the recording's pauses match {matched} of {len(scenes) - 1} scene changes: does it "
                        "follow the script? Scenes are timed by length where no pause was found")
    if abs(ratio - 1) > 0.25:
        warnings.append(f"scene timings stretched x{ratio:.2f} to fit the {vo_len:.1f} s voice-over")


def detect_pauses(path: str, noise_db: int = -35, min_s: float = 0.25) -> list[tuple[float, float]]:
    """The silences of a recording as (start, end) seconds, by ffmpeg's silencedetect."""
    import re

    r = proc.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(Path(path).expanduser().resolve()),
                        "-af", f"silencedetect=noise={noise_db}dB:d={min_s}", "-f", "null", "-"],
                       capture_output=True, text=True)
    starts = [float(x) for x in re.findall(r"silence_start: (-?[\d.]+)", r.stderr)]
    ends = [float(x) for x in re.findall(r"silence_end: ([\d.]+)", r.stderr)]
    return [(max(0.0, a), b) for a, b in zip(starts, ends)]


def align_to_pauses(scenes: list[Scene], pauses: list[tuple[float, float]], fps: int, total: int) -> int:
    """Move each scene change to the pause nearest to where the script expects it (in order,
    within half the longer neighbouring scene), so a scene starts when its words do.
    Returns how many scene changes a pause was found for."""
    cuts = [sc.start_f for sc in scenes[1:]]
    mids = [round((a + b) / 2 * fps) for a, b in pauses]
    new_cuts, matched, lo, used = [], 0, 0, -1
    for k, cut in enumerate(cuts):
        span = max(scenes[k].frames, scenes[k + 1].frames)
        best = None
        for j in range(used + 1, len(mids)):
            m = mids[j]
            if m <= lo:
                continue
            if abs(m - cut) <= 0.5 * span and (best is None or abs(m - cut) < abs(mids[best] - cut)):
                best = j
            if m > cut + span:
                break
        if best is not None:
            cut, used, matched = mids[best], best, matched + 1
        cut = max(cut, lo + 1)
        new_cuts.append(cut)
        lo = cut
    bounds = [0] + new_cuts + [total]
    if any(b >= c for b, c in zip(bounds, bounds[1:])):
        return 0  # never reorder scenes: keep the even stretch
    for sc, a, b in zip(scenes, bounds, bounds[1:]):
        sc.frames = b - a
    _retime(scenes)
    return matched


def prepare_frames(story: Story, scenes: list[Scene], options, warnings: list[str]):
    """The theme, the fonts that cover every text, and the frame specs, cleaned for the fonts."""
    from contentkit.canvas import Fonts
    from contentkit.layout import clean_for_font, pick_font
    from contentkit.themes import load_theme

    lang = story.a.language
    theme = load_theme(options.theme)
    if story.meta.brand.color:
        theme = theme.with_accent(story.meta.brand.color)
    specs = frame_specs(story, scenes)
    all_text = "".join(s.heading + s.body + s.attribution for s in specs) + "".join(
        sc.voiceover for sc in scenes) + "0123456789"
    brand = story.meta.brand  # the brand kit's fonts, unless video.font names one
    title_font = pick_font(theme.fonts.title if theme.fonts.title in ("serif", "sans") else "sans",
                           lang, all_text, options.font or brand.font_for("title"), warnings,
                           bold=theme.style.title_bold > 0)
    fonts = Fonts(title_font, pick_font("sans", lang, all_text, options.font or brand.font_for("body"), warnings))
    specs = scene_specs(story, scenes, fonts, warnings, specs)
    for sc in scenes:
        sc.voiceover = clean_for_font(sc.voiceover, fonts.body, warnings)
    return theme, fonts, specs


def scene_specs(story: Story, scenes: list[Scene], fonts, warnings: list[str], specs=None):
    """The frame specs of ``scenes`` cleaned for the fonts: made again when the voice has left
    a beat out or put one back, so the beats stay numbered 1, 2, 3 and the progress bar counts
    the beats there are (it had shown "01", "03", "04" over four segments for three beats)."""
    from contentkit.layout import clean_for_font

    specs = frame_specs(story, scenes) if specs is None else specs
    for sp in specs:
        sp.heading = clean_for_font(sp.heading, fonts.title, warnings)
        sp.body = clean_for_font(sp.body, fonts.body, warnings)
        sp.attribution = clean_for_font(sp.attribution, fonts.body, warnings)
    return specs


def subtitle_events(scenes: list[Scene], lang: str, fps: int) -> list:
    from contentkit.subtitles import Rules, align_to_speech, events_for_scene

    rules = Rules.for_language(lang)
    events = []
    for sc in scenes:
        evs = events_for_scene(sc.voiceover, sc.start_f, sc.start_f + sc.frames, fps, rules)
        events.extend(align_to_speech(evs, sc.voiceover, sc.words, sc.start_f + sc.frames, fps, rules))
    if events and events[0].start_f == 0:  # frame 0 is the bare cover: the poster
        from contentkit.subtitles import length

        first = events[0]
        nxt = events[1].start_f if len(events) > 1 else sum(s.frames for s in scenes)
        # one frame later; it ends one frame later too where the next event leaves room,
        # and it stays at 0 where the reading-speed rule would break
        end = first.end_f + 1 if first.end_f + 1 + rules.gap_frames <= nxt else first.end_f
        if length(first.text) / ((end - 1) / fps) <= rules.max_cps and (end - 1) / fps <= rules.max_s:
            karaoke = first.karaoke
            if karaoke and end == first.end_f:  # the event is a frame shorter: so is its first piece
                k = next(i for i, (p, n) in enumerate(karaoke) if p != "\n" and n > 0)
                karaoke = karaoke[:k] + ((karaoke[k][0], karaoke[k][1] - 1),) + karaoke[k + 1:]
            events[0] = replace(first, start_f=1, end_f=end, karaoke=karaoke)
    return events


def subtitle_files(events, fps: int, fonts, size: tuple[int, int], safe: SafeArea,
                   warnings: list[str]) -> dict[str, str]:
    """SRT, WebVTT and ASS text; the ASS style puts the subtitles in the platform's band."""
    from contentkit.layout import font_family
    from contentkit.subtitles import to_ssa, write_all

    W, H = size
    sb = subtitle_box(size, safe)
    ssa = to_ssa(events, fps, font=font_family(fonts.body), size=round(52 * W / 1080),
                 primary="#FFFFFF", outline="#141012", margin_v=H - sb[3],
                 margin_l=sb[0], margin_r=W - sb[2], width=W, height=H)
    return write_all(ssa, warnings)


def draw_frames(story: Story, scenes: list[Scene], specs, theme, fonts, size: tuple[int, int], safe: SafeArea,
                warnings: list[str]):
    """One base frame per scene from the canvas engine; the frame's own text stays above the
    subtitle band. Returns (images, layouts, the cover image)."""
    from contentkit.canvas import Designer, draw
    from contentkit.layout import clean_for_font
    from contentkit.text import shorten

    W, H = size
    designer = Designer(W, H, theme, fonts, frame_safe(safe, size), story.a.language,
                        clean_for_font(story.meta.brand.name or story.meta.author, fonts.body), warnings,
                        logo=story.meta.brand.logo)
    cover_image = next((sc.image for sc in scenes if sc.image is not None), None)
    bases, layouts = [], []
    for sc, sp in zip(scenes, specs):
        lay = designer.layout(sp, "")
        if lay is None:
            sp = replace(sp, heading=shorten(sp.heading, 10 if story.a.is_cjk else 24), body="")
            lay = designer.layout(sp, "")
            if lay is None:
                raise ContentkitError(f"cannot lay out the frame for scene {sc.index}")
            warnings.append(f"scene {sc.index} on-screen text shortened to fit the frame")
        layouts.append(lay)
        bases.append(draw(lay, theme, cover_image))
    return bases, layouts, cover_image


def frames_record(scenes: list[Scene], layouts, size: tuple[int, int], safe: SafeArea, bases=None,
                  theme=None, cover=None, specs=None) -> dict:
    """The measured text boxes of every frame (frames.json), its layout family, how much
    of it is empty field (``background``: a share of the pixels; a photo counts as content)
    and, for a beat, its place on the progress bar (``progress``: [this beat, beats])."""
    from contentkit.canvas import background_share

    rows = []
    for i, (sc, lay) in enumerate(zip(scenes, layouts)):
        row = {"index": sc.index, "family": lay.family,
               "texts": [{"role": p.role, "line_boxes": [list(b) for b in p.block.boxes]} for p in lay.texts],
               "image_box": lay.image_box}
        if specs is not None and specs[i].progress:
            row["progress"] = list(specs[i].progress)
        if bases is not None and theme is not None:
            row["background"] = background_share(bases[i], lay, theme, cover)
        rows.append(row)
    return {"width": size[0], "height": size[1], "subtitle_box": list(subtitle_box(size, safe)), "scenes": rows}


class VideoFormat(Format[VideoOptions]):
    name = "video"
    description = "Short-video script (MD+JSON), subtitles (SRT/VTT/ASS) and a 1080x1920 H.264 MP4"
    options_model = VideoOptions

    default_platforms = ("douyin",)

    def renders(self, platform) -> bool:
        """Any platform the table gives a video size can be rendered."""
        return platform.video_size is not None

    def overlaps(self, options: VideoOptions) -> bool:
        """A rendered video is mostly ffmpeg and speech in child processes: it runs beside the
        story's other formats."""
        return options.render

    def cache_inputs(self, story: Story, options: VideoOptions) -> list | None:
        from contentkit.cache import user_file

        if options.voice == "edge":
            return None  # an online voice: its bytes are not the same twice
        return [user_file(options.theme), user_file(options.font), user_file(options.voiceover),
                user_file(options.music)]

    def render(self, story: Story, options: VideoOptions, out: Output) -> list[Artifact]:
        """One video per platform; platforms whose frame and UI-safe areas match share one
        render (the files are written again, not rendered again)."""
        from contentkit.editorial.angles import told_from

        story = told_from(story, options.angle)
        warnings: list[str] = []
        names = list(options.platforms or self.default_platforms)
        arts: list[Artifact] = []
        rendered: dict[tuple, tuple[str, list[Artifact]]] = {}
        for pname in names:
            platform = get_platform(pname)
            prefix = "video/" if len(names) == 1 else f"video/{pname}/"
            if platform.max_duration_s is not None and platform.max_duration_s < options.duration:
                raise ContentkitError(f"{pname} takes videos up to {platform.max_duration_s} s; "
                                      f"video.duration is {options.duration}", key="video.duration")
            key = platform.signature()
            if key in rendered:
                first_prefix, first_arts = rendered[key]
                for a in first_arts:
                    data = out.staged_path(a.path).read_bytes()
                    meta = {k: getattr(a, k) for k in ("width", "height", "duration_s") if getattr(a, k) is not None}
                    arts.append(out.write(prefix + a.path[len(first_prefix):], data, format=self.name,
                                          platform=pname, **meta))
                continue
            made = self._render_platform(story, options, out, platform, prefix, warnings)
            rendered[key] = (prefix, made)
            arts.extend(made)
        for w_ in dict.fromkeys(warnings):
            out.warn(f"video: {w_}")
        return arts

    def _render_platform(self, story: Story, options: VideoOptions, out: Output, platform, prefix: str,
                         warnings: list[str]) -> list[Artifact]:
        """script -> timing -> fonts -> subtitles -> frames -> previews -> encode, for one platform."""
        from contentkit.canvas import png_bytes, png_kind

        pname, fps, safe = platform.name, platform.fps, SafeArea.of(platform)
        W, H = platform.video_size or (1080, 1920)
        cjk, lang = story.a.is_cjk, story.a.language
        # audio inputs are checked before anything is drawn
        vo_len = probe_audio(options.voiceover, "voiceover") if options.voiceover else None
        if options.music:
            probe_audio(options.music, "music")
        if options.voiceover and options.voice not in ("auto", "none"):
            raise ContentkitError("choose either a recorded voiceover or a synthetic voice, not both",
                                  key="video.voice")
        scenes, dropped, spare = plan_script(story, options.duration, fps, warnings,
                                      angled=options.angle not in (None, "", "story"))
        if vo_len is not None:
            fit_to_recording(scenes, vo_len, fps, options.voiceover, warnings)
        if options.media:
            self._media(scenes, options.media, (W, H), out.scratch_dir(), story.a.messages_locale, warnings)
        self._crop_pictures(scenes, (W, H), out.scratch_dir())
        theme, fonts, specs = prepare_frames(story, scenes, options, warnings)

        def put(rel: str, data, **meta) -> None:
            arts.append(out.write(prefix + rel, data, format=self.name, platform=pname, **meta))

        arts: list[Artifact] = []
        with tempfile.TemporaryDirectory(prefix="video-", dir=out.scratch_dir()) as tmp, \
                ThreadPoolExecutor(1, thread_name_prefix="video-sound") as pool:
            work = Path(tmp)
            planned = {id(sc): sc.frames for sc in scenes}
            audio_path, voice_name = self._voice(scenes, options, lang, fps, work, warnings)
            ceiling = options.duration * fps
            script_changed = False
            while voice_name not in (None, "recording") and sum(s.frames for s in scenes) > ceiling \
                    and sum(1 for s in scenes if s.kind == "beat") > 1:
                # the synthetic voice spoke slower than planned and the video ran past its
                # ceiling (45.9 s of 45): the weakest beat goes, and the track is laid again
                k = min((i for i, s in enumerate(scenes) if s.kind == "beat"), key=lambda i: (scenes[i].score, -i))
                # a procedure's beats go together: never its first steps without the rest
                ks = [i for i, s in enumerate(scenes) if s.group == scenes[k].group] if scenes[k].group >= 0 else [k]
                if len(ks) == sum(1 for s in scenes if s.kind == "beat"):
                    break
                script_changed = True
                for i in reversed(ks):
                    gone = scenes.pop(i)
                    dropped.append({"section": gone.section, "on_screen": gone.on_screen, "voiceover": gone.voiceover,
                                    "seconds": round(gone.frames / fps, 2), "score": gone.score})
                    warnings.append(f"the synthetic voice is slower than planned: left out the beat "
                                    f"'{gone.on_screen}' to stay within {options.duration} s")
                audio_path = voice_track(scenes, fps, work / "voice.wav")
            if voice_name not in (None, "recording") and not options.media:
                # room left under the ceiling (a faster voice, or a long beat gone): spare beats
                # back in; not with a media folder, whose shots.toml may number the scenes
                if self._refill(story, scenes, spare, dropped, planned, ceiling, options, fonts, fps,
                                (W, H), out.scratch_dir(), warnings):
                    script_changed = True
                    audio_path = voice_track(scenes, fps, work / "voice.wav")
            if script_changed:
                specs = scene_specs(story, scenes, fonts, warnings)
            if voice_name not in (None, "recording") and sum(s.frames for s in scenes) > ceiling:
                warnings.append(f"the synthetic voice is slower than the planned rate: the video is "
                                f"{sum(s.frames for s in scenes) / fps:.1f} s (target {options.duration} s)")
            events = subtitle_events(scenes, lang, fps)
            total = sum(s.frames for s in scenes)
            # the sound (mix, two loudness passes: ffmpeg children) is made while the frames,
            # previews and files are drawn and written here; the pool is left before the
            # scratch folder, so it never outlives its files
            sound = pool.submit(sound_track, audio_path, options, total / fps, work) if options.render else None
            texts = subtitle_files(events, fps, fonts, (W, H), safe, warnings)
            for ext, content in texts.items():
                put(f"subtitles.{ext}", content, duration_s=round(total / fps, 3))
            audio_info = {"voiceover": "recorded" if options.voiceover else ("tts" if audio_path else "none"),
                          "voice": voice_name, "music": bool(options.music)}
            data = script_json(story, scenes, dropped, fps, options.duration, (W, H), audio_info)
            put("script.json", dumps_json(data), duration_s=data["duration_s"])
            put("script.md", script_markdown(data, story.a.messages_locale), duration_s=data["duration_s"])
            bases, layouts, cover = draw_frames(story, scenes, specs, theme, fonts, (W, H), safe, warnings)
            poster = bases[0]  # the video's first frame (no subtitle starts before frame 1)
            put("poster.png", png_bytes(poster, png_kind(layouts[0], theme, cover)), width=W, height=H)
            board = storyboard(bases, scenes, fps, fonts.body, cjk)
            put("storyboard.png", png_bytes(board, "photo"), width=board.width, height=board.height)
            put("frames.json", dumps_json(frames_record(scenes, layouts, (W, H), safe, bases, theme, cover, specs)))
            if options.render and audio_path is None:
                warnings.append("the video has no voice: record one (video.voiceover=take.wav) or use a "
                                "synthetic one (video.voice=auto; `contentkit voices` lists them)")
            if options.render:
                mp4 = out.staged_path(prefix + "video.mp4")
                from contentkit.canvas import overlay_layer

                layers = {}
                for i, (sc, lay) in enumerate(zip(scenes, layouts)):
                    if sc.clip is not None or (sc.image is not None and lay.full_bleed):
                        # the frame's text over the moving picture: a clip, or a photo's slow push-in
                        layers[i] = work / f"layer-{i:02d}.png"
                        overlay_layer(lay, theme).save(layers[i], "PNG", compress_level=1)
                self._encode(scenes, events, bases, (W, H), fps, options, fonts, work, mp4, audio_path,
                             texts["ass"], warnings, cjk, safe, layers, sound=sound)
                arts.append(out.register(prefix + "video.mp4", format=self.name, platform=pname, width=W, height=H,
                                         duration_s=round(total / fps, 3)))
        return arts

    def _refill(self, story: Story, scenes, spare, dropped: list[dict], planned: dict[int, int], ceiling: int,
                options: VideoOptions, fonts, fps: int, size: tuple[int, int], scratch: Path,
                warnings: list[str]) -> bool:
        """``refill`` with this video's voice: True when beats were put back (their pictures
        cropped, the screens kept distinct, the record of dropped beats corrected)."""
        from contentkit import voice
        from contentkit.layout import clean_for_font

        chosen = voice.choose(story.a.language, options.voice)
        if chosen is None:
            return False
        said = {id(sc): sc.voiceover for sc in spare}

        def speak_one(sc: Scene) -> None:
            sc.voiceover = clean_for_font(sc.voiceover, fonts.body, warnings)
            speak([sc], chosen[1], fps)

        added = refill(scenes, spare, planned, ceiling, speak_one, fps)
        if not added:
            return False
        self._crop_pictures(added, size, scratch)
        own_screens(scenes, story.a.is_cjk)
        back = {(sc.section, said[id(sc)]) for sc in added}
        dropped[:] = [d for d in dropped if (d["section"], d["voiceover"]) not in back]
        _retime(scenes)
        return True

    @staticmethod
    def _media(scenes, folder: str, size: tuple[int, int], scratch: Path, locale: str,
               warnings: list[str]) -> None:
        """Photos and clips of the media folder onto the beats (contentkit.media); each beat's
        shot note names its file."""
        from contentkit import media
        from contentkit.messages import catalogue

        work = scratch / "media"
        work.mkdir(exist_ok=True)
        chosen = media.assign(scenes, folder, warnings)
        for sc in scenes:
            m = chosen.get(sc.index)
            if m is None:
                continue
            sc.image = media.still_of(m, work, size)
            if m.clip:
                sc.clip, sc.clip_start = m.path.resolve(), m.start
            t = catalogue(locale)
            sc.shot = (t["video.shot.clip"].format(name=m.path.name, start=f"{m.start:g}") if m.clip
                       else t["video.shot.photo"].format(name=m.path.name))

    @staticmethod
    def _crop_pictures(scenes, size: tuple[int, int], scratch: Path) -> None:
        """Every picture a scene shows (the story's own images too) cropped to the full frame
        around its subject: 9:16 for a vertical video, never a letterboxed band."""
        from contentkit import media

        work = scratch / "media"
        work.mkdir(exist_ok=True)
        for sc in scenes:
            if sc.image is not None and sc.clip is None and not sc.image.is_relative_to(work):
                sc.image = media.still_of(media.Media(sc.image, False), work, size)

    @staticmethod
    def _voice(scenes, options: VideoOptions, lang: str, fps: int, work: Path,
               warnings: list[str]) -> tuple[Path | None, str | None]:
        """The voice track and its name: the creator's recording first, else a synthetic voice
        (scene timings follow it), else none (with a warning naming what to install)."""
        if options.voiceover:
            return Path(options.voiceover).expanduser().resolve(), "recording"
        if options.voice == "none":
            return None, None
        return synthesize(scenes, lang, fps, work, options.voice, warnings)

    @staticmethod
    def _timeline(scenes, events):
        """Cut points of the subtitle timeline (scene starts and event edges), and a lookup of
        the subtitle shown at a frame."""
        total = sum(s.frames for s in scenes)
        cuts = {0, total}
        for sc in scenes:
            cuts.add(sc.start_f)
        for e in events:
            cuts.update((e.start_f, e.end_f))
        ordered = sorted(c for c in cuts if 0 <= c <= total)

        def event_at(f: int):
            for e in events:
                if e.start_f <= f < e.end_f:
                    return e
            return None

        return ordered, event_at

    def _encode(self, scenes, events, bases, size, fps, o: VideoOptions, fonts, work: Path, mp4: Path,
                audio_path: Path | None, ass_text: str, warnings, cjk: bool,
                safe: SafeArea = DEFAULT_SAFE, layers: dict[int, Path] | None = None,
                sound: Future | None = None) -> None:
        """The picture (each scene's still held, pushing in with motion, or a clip, under the
        frame's text layer; cut or cross-faded; the captions burned), encoded while the sound
        is made; then picture, sound and soft subtitles muxed."""
        import ffmpeg

        total = sum(s.frames for s in scenes)
        burn = o.subtitles == "burn"
        # libass burns the karaoke: each word lights up as it is spoken; without it, Pillow
        # draws each subtitle event whole
        karaoke = burn and bool(events) and has_libass()
        pillow_burn = burn and not karaoke
        # every scene is its still decoded once and held (pushing in with motion), the scenes cut
        # or cross-faded: for still scenes this costs 0.5 s less than the concat demuxer's
        # half-second pieces of BMP stills, each decoded and converted again
        video = self._motion_video(scenes, events, bases, size, fps, pillow_burn, fonts, work, warnings, safe,
                                   layers or {}, o.motion)
        if karaoke:
            # relative names, ffmpeg running in ``work``: a filter option is parsed twice, so an
            # output path such as "a:b" would need escaping twice over
            (work / "burn.ass").write_text(burn_ass(events, fps, fonts, size, safe), "utf-8")
            (work / "fonts").mkdir(exist_ok=True)
            font = Path(fonts.body.path)
            link = work / "fonts" / ("body" + font.suffix.lower())
            if not link.exists():
                os.symlink(font.resolve(), link)
            video = video.filter("ass", "burn.ass", fontsdir="fonts").filter("format", "yuv420p")
        kwargs = encoder_args(o, fps, total)
        tmp_out = mp4.with_name(".partial-" + mp4.name)
        soft = o.subtitles == "soft"
        with_sound = audio_path is not None or bool(o.music)
        try:
            if not (with_sound or soft):
                self._encode_picture(video, kwargs, tmp_out, work)
                tmp_out.replace(mp4)
                return
            # the picture is encoded while the sound is still being made (a thread of
            # _render_platform), then both are muxed with the picture copied
            picture = work / "picture.mp4"
            self._encode_picture(video, {k: v for k, v in kwargs.items() if k != "movflags"}, picture, work)
            sound_path = sound.result() if sound is not None else sound_track(audio_path, o, total / fps, work)
            streams = [ffmpeg.input(str(picture)).video]
            mux = {"c:v": "copy", "movflags": "+faststart", "use_editlist": 0, "map_metadata": -1,
                   "fflags": "+bitexact", "flags": "+bitexact"}
            if sound_path is not None:
                streams.append(ffmpeg.input(str(sound_path)).audio)
                # the AAC packets start at -AAC_PRIMING; moved to 0, the priming is the sound's
                # first 21 ms (see sound_track) and no edit list is needed to skip it
                mux.update({"c:a": "copy", "bsf:a": f"setts=ts=TS+{AAC_PRIMING}"})
            if soft:
                srt_path = work / "soft.ass"
                srt_path.write_text(ass_text, "utf-8")
                streams.append(ffmpeg.input(str(srt_path)))
                mux.update({"c:s": "mov_text", "metadata:s:s:0": "language=" + ("chi" if cjk else "eng")})
            run_ffmpeg(ffmpeg.output(*streams, str(tmp_out), **mux).overwrite_output(), "muxing the video", cwd=work)
            tmp_out.replace(mp4)
        finally:
            if tmp_out.exists():
                tmp_out.unlink()

    @staticmethod
    def _encode_picture(video, kwargs: dict, path: Path, work: Path) -> None:
        import ffmpeg

        # the filters on one thread, x264 on two: on two cores, slice-threaded filters beside
        # x264's threads cost more CPU and time for the same frames (benchmarks/bench_video.py)
        stream = ffmpeg.output(video, str(path), **kwargs).overwrite_output()
        proc.release_memory()  # what drawing the frames freed, before ffmpeg's frames join it
        run_ffmpeg(stream, "encoding the video", cwd=work,
                   first=("-filter_complex_threads", "1", "-filter_threads", "1"))

    def _motion_video(self, scenes, events, bases, size, fps, burn: bool, fonts, work: Path,
                      warnings: list[str], safe: SafeArea, layers: dict[int, Path] | None = None,
                      motion: bool = True):
        """The scenes one by one (a slow zoom and fades with ``motion``; a clip from the media
        folder, trimmed to the scene and cropped to the frame, under the frame's text layer),
        then the subtitle layer on top."""
        import ffmpeg

        W, H = size
        parts = []
        # with motion, each scene but the last runs XFADE frames longer, under the next one's
        # cross-fade: every scene still starts on its own frame, so the voice and the
        # subtitles keep their times
        xf = min(XFADE_FRAMES, min(sc.frames for sc in scenes) // 3) if motion and len(scenes) > 1 else 0
        for i, sc in enumerate(scenes):
            n = sc.frames + (xf if i < len(scenes) - 1 else 0)
            dur = f"{n / fps:.6f}"
            if layers and i in layers and (sc.clip is not None or sc.image is not None):
                if sc.clip is not None:
                    clip = (ffmpeg.input(str(_own(sc.clip, i, work)), ss=f"{sc.clip_start:.3f}", stream_loop=-1,
                                         t=dur).video
                            .filter("scale", W, H, force_original_aspect_ratio="increase").filter("crop", W, H)
                            .filter("setsar", 1).filter("fps", fps).filter("format", "yuv420p"))
                else:  # a photo (cropped to the frame) pushes in slowly under the still text
                    clip = push_in(held(ffmpeg.input(str(_own(sc.image, i, work)), framerate=fps).video, n, fps,
                                        "yuv420p"),
                                   n, (W, H), PHOTO_ZOOM)
                # the text layer is decoded and converted once, then held for the scene
                text = held(ffmpeg.input(str(layers[i]), framerate=fps).video, n, fps, "yuva420p")
                v = (ffmpeg.overlay(clip, text, format="yuv420").filter("format", "yuv420p")
                     .filter("trim", end_frame=n).filter("setpts", "PTS-STARTPTS"))
            else:
                p = work / f"scene-{i:02d}.bmp"  # uncompressed: the fastest to write and to read
                (bases[i] if bases[i].mode == "RGB" else bases[i].convert("RGB")).save(p, "BMP")
                v = held(ffmpeg.input(str(p), framerate=fps).video, n, fps, "yuv420p")
                if motion:
                    v = push_in(v, n, (W, H), SCENE_ZOOM)
                v = v.filter("trim", end_frame=n).filter("setpts", "PTS-STARTPTS")
            parts.append(v.filter("settb", f"1/{fps}").filter("setsar", 1))
        if xf:
            video = cross_faded(parts, [sc.frames for sc in scenes], xf, fps)
        else:
            video = ffmpeg.concat(*parts, v=1, a=0) if len(parts) > 1 else parts[0]
        video = video.filter("format", "yuv420p")
        if not (burn and events):
            return video
        lst = self._subtitle_layer(scenes, events, size, fps, fonts, work, warnings, safe)
        subs = ffmpeg.input(str(lst), f="concat", safe=0).video.filter("fps", fps)
        return ffmpeg.overlay(video, subs, eof_action="repeat", format="auto").filter("format", "yuv420p")

    def _subtitle_layer(self, scenes, events, size, fps, fonts, work: Path, warnings: list[str],
                        safe: SafeArea) -> Path:
        """Transparent subtitle stills for the timeline, as an ffconcat list."""
        from PIL import Image

        cuts, event_at = self._timeline(scenes, events)
        blank = work / "sub-blank.png"
        Image.new("RGBA", size, (0, 0, 0, 0)).save(blank)
        items: list[tuple[Path, int]] = []
        names: dict[tuple, Path] = {}
        for a, b in zip(cuts, cuts[1:]):
            e = event_at(a)
            if e is None:
                items.append((blank, b - a))
                continue
            if e.lines not in names:
                p = work / f"sub-{len(names):03d}.png"
                subtitle_overlay(e.lines, size, fonts.body, warnings, safe)[0].save(p, "PNG", compress_level=1)
                names[e.lines] = p
            items.append((names[e.lines], b - a))
        lst = work / "subs.txt"
        write_concat(lst, items, fps)
        return lst


def premix(voice: Path, o: VideoOptions, dur: float, work: Path) -> Path:
    """Voice and music mixed into one WAV by a single lavfi graph (amovie sources read inside
    the graph, in order). With two demuxer inputs the mix's frames arrived in a different
    order from run to run and the MP4's bytes changed; this way the same input gives the same
    bytes. The graph names its files relative to ``work``, so no user path needs escaping."""
    os.symlink(voice, work / "voice-in")
    os.symlink(Path(str(o.music)).expanduser().resolve(), work / "music-in")
    graph = (f"amovie=voice-in,aresample=48000,apad,atrim=end={dur:.6f},asplit[v1][v2];"
             f"amovie=music-in:loop=0,aresample=48000,atrim=end={dur:.6f},afade=t=in:d=1,"
             f"afade=t=out:st={max(0.0, dur - 2.0):.6f}:d=2,volume={o.music_volume}[m];"
             "[m][v1]sidechaincompress=threshold=0.03:ratio=8:attack=20:release=400[d];"
             "[v2][d]amix=inputs=2:duration=first:normalize=0,"
             "aformat=sample_rates=48000:channel_layouts=stereo[out0]")
    out = work / "mix.wav"
    run_ffmpeg(["-f", "lavfi", "-i", graph, "-t", f"{dur:.6f}", "-c:a", "pcm_s16le", "-fflags", "+bitexact",
                "-flags", "+bitexact", "-map_metadata", "-1", "-y", out.name], "mixing voice and music", cwd=work)
    return out


def audio_stream(audio_path: Path | None, o: VideoOptions, dur: float):
    """The voice (padded or trimmed to the video), the music (looped, faded, ducked under the
    voice), or both mixed; None when there is neither."""
    import ffmpeg

    if audio_path is None and not o.music:
        return None
    voice = None
    if audio_path is not None:
        voice = ffmpeg.input(str(audio_path)).audio.filter("aresample", 48000).filter(
            "apad").filter("atrim", end=f"{dur:.6f}")
    music = None
    if o.music:
        music = (ffmpeg.input(str(Path(o.music).expanduser().resolve()), stream_loop=-1).audio
                 .filter("aresample", 48000).filter("atrim", end=f"{dur:.6f}")
                 .filter("afade", type="in", duration=1.0)
                 .filter("afade", type="out", start_time=max(0.0, dur - 2.0), duration=2.0)
                 .filter("volume", o.music_volume))
    if voice is not None and music is not None:
        vs = voice.filter_multi_output("asplit")
        ducked = ffmpeg.filter([music, vs[0]], "sidechaincompress", threshold=0.03, ratio=8,
                               attack=20, release=400)
        audio = ffmpeg.filter([vs[1], ducked], "amix", inputs=2, duration="first", normalize=0)
    else:
        audio = voice if voice is not None else music
    return audio.filter("aresample", 48000).filter("aformat", sample_rates=48000, channel_layouts="stereo")


AAC_PRIMING = 1024  # samples: ffmpeg's AAC encoder delay, at 48 kHz (21.3 ms)


def sound_track(audio_path: Path | None, o: VideoOptions, dur: float, work: Path) -> Path | None:
    """The video's sound encoded (AAC, 160 kb/s, in an .m4a), ready to be muxed by copy; None
    when it has none. Made on a thread while the picture encodes.

    The AAC encoder puts AAC_PRIMING samples of its own ahead of the sound, which an MP4
    skips with an edit list. The platforms ask for MP4s without edit lists, and without one
    ffmpeg's muxer delayed every video frame but the first by 21 ms instead. So the sound's
    first AAC_PRIMING samples (the fade-in or silence before the first word) are left out
    here, and the mux starts the packets at 0: the decoded sound then lines up with the
    picture sample for sample (a test measures a click's time)."""
    wav = mixed_audio(audio_path, o, dur, work)
    if wav is None:
        return None
    out = work / "sound.m4a"
    run_ffmpeg(["-i", str(wav), "-af", f"atrim=start_sample={AAC_PRIMING},asetpts=PTS-STARTPTS",
                "-c:a", "aac", "-b:a", "160k", "-fflags", "+bitexact", "-flags", "+bitexact",
                "-map_metadata", "-1", "-y", str(out)], "encoding the sound")
    return out


def mixed_audio(audio_path: Path | None, o: VideoOptions, dur: float, work: Path) -> Path | None:
    """The video's sound as one WAV at the platforms' loudness, or None when it has none."""
    import ffmpeg

    if audio_path is not None and o.music:
        return normalise(premix(audio_path, o, dur, work), work)
    stream = audio_stream(audio_path, o, dur)
    if stream is None:
        return None
    out = work / "sound.wav"
    run_ffmpeg(ffmpeg.output(stream, str(out), acodec="pcm_s16le", t=f"{dur:.6f}", fflags="+bitexact",
                             flags="+bitexact", map_metadata="-1").overwrite_output(), "preparing the sound")
    return normalise(out, work)


TRUE_PEAK_DB = -1.5  # the true-peak ceiling the platforms' loudness recommendations give


def measure_loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS, EBU R128) and true peak (dBTP) of a sound file, with ffmpeg's
    ``ebur128`` filter: about 0.1 s for 30 s of sound."""
    r = proc.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-af",
                  "ebur128=peak=true:framelog=quiet", "-f", "null", "-"], capture_output=True, text=True)
    loud = re.findall(r"I:\s+(-?[\d.]+|-inf) LUFS", r.stderr)
    peak = re.findall(r"Peak:\s+(-?[\d.]+|-inf) dBFS", r.stderr)
    if r.returncode != 0 or not loud:
        raise ContentkitError("measuring the loudness failed: " + (r.stderr or "").strip()[-200:],
                              exit_code=EXIT_OUTPUT)
    return float(loud[-1]), float(peak[-1]) if peak else 0.0


def normalise(path: Path, work: Path) -> Path:
    """The sound at LUFS_TARGET integrated, its peaks under TRUE_PEAK_DB: a gain, and where
    the gain would lift the peaks over the ceiling, a look-ahead limiter after it (delay
    compensated); measured again, and the gain corrected once if it landed more than 0.5 LU
    off. Silence (nothing to measure) is passed through.

    Two passes of ``loudnorm`` did this before, at 1.1 s for 30 s of sound (it works at
    192 kHz); this takes about 0.3 s and lands as close (tests measure it back)."""
    loud, peak = measure_loudness(path)
    if loud < -70:
        return path
    gain = LUFS_TARGET - loud
    out = work / "loud.wav"
    limit = 10 ** ((TRUE_PEAK_DB - 1.0) / 20)  # sample peaks 1 dB under: room for inter-sample and AAC overshoot
    for _ in range(2):
        chain = f"volume={gain:.3f}dB"
        if peak + gain > TRUE_PEAK_DB:
            chain += f",alimiter=limit={limit:.5f}:attack=5:release=50:level=false:latency=true"
        chain += ",aresample=48000,aformat=sample_fmts=s16:sample_rates=48000:channel_layouts=stereo"
        run_ffmpeg(["-i", str(path), "-af", chain, "-c:a", "pcm_s16le", "-fflags", "+bitexact", "-flags",
                    "+bitexact", "-map_metadata", "-1", "-y", str(out)], "normalising the loudness")
        got, _ = measure_loudness(out)
        if abs(got - LUFS_TARGET) <= 0.5:
            break
        gain += LUFS_TARGET - got
    return out


def storyboard(bases, scenes: list[Scene], fps: int, font, cjk: bool, cols: int = 4):
    """One thumbnail per scene with its time and voice-over line."""
    from PIL import Image, ImageDraw

    from contentkit.layout import draw_block, fit

    tw = 270
    th = round(tw * bases[0].height / bases[0].width)
    text_h = 190
    gap = 24
    rows = math.ceil(len(bases) / cols)
    sheet = Image.new("RGB", (cols * tw + (cols + 1) * gap, rows * (th + text_h) + (rows + 1) * gap), (233, 228, 222))
    d = ImageDraw.Draw(sheet)
    for i, (img, sc) in enumerate(zip(bases, scenes)):
        r, c = divmod(i, cols)
        x = gap + c * (tw + gap)
        y = gap + r * (th + text_h + gap)
        thumb = img.reduce(4) if img.size == (tw * 4, th * 4) else img.resize((tw, th), Image.Resampling.BILINEAR)
        sheet.paste(thumb, (x, y))
        t0, t1 = sc.start_f / fps, (sc.start_f + sc.frames) / fps
        head = fit(f"{sc.index}. {t0:.1f}–{t1:.1f} s", font, (x, y + th + 8, x + tw, y + th + 44), max_size=24,
                   min_size=14, spacing=1.3, max_lines=1)
        if head is not None:
            draw_block(d, head, (60, 40, 44))
        body = fit(sc.voiceover, font, (x, y + th + 48, x + tw, y + th + text_h - 6), max_size=20, min_size=11,
                   spacing=1.4)
        if body is not None:
            draw_block(d, body, (70, 66, 62))
    return sheet


plugin = VideoFormat()
