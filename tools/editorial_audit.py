"""Count editorial defects in what contentkit says about a folder of stories.

    python tools/editorial_audit.py ../shared/corpus samples [--json] [--keep DIR]

Each story is built (every format, video not rendered) into a temporary folder; the text that
the social formats show (cards, video script and subtitles, live run-of-show, Xiaohongshu note,
X thread, the plan's posts and the community kit) is read back and checked for the defect kinds of issue 8:

  dangling     a unit shown on its own that opens with an anaphor or connective
  cut_list     an announced enumeration shown with fewer items than the story gives, or a unit
               that ends on an announcement (":") with nothing after it
  boilerplate  subscribe/donate/copyright/navigation/credit text in a social output
  domain       a wine-sample word in the output of a story without it
  script_mix   Simplified-only characters in a zh-Hant story's outputs (or the reverse)
               that are not in its source
  hashtag      a hashtag that is a number, a function word, or in the wrong language
  split_word   a card or subtitle line break inside a word
  thin         a long story that yields few cards, beats or live segments
  markup       Markdown/HTML/Hugo syntax leaking into shown text

The checks are deliberately independent of contentkit's own editorial code (own word lists,
own parsing of the outputs), so the counts measure the outputs, not the implementation.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

KINDS = ("dangling", "cut_list", "boilerplate", "domain", "script_mix", "hashtag", "split_word",
         "thin", "markup")

ZH_OPENERS = ("他们", "她们", "它们", "他", "她", "它", "这", "那", "此外", "另外", "从此", "但是", "但",
              "然而", "而且", "所以", "因此", "于是", "同时", "其中", "此", "该", "其", "并且", "不过", "可是",
              "后来", "之后", "接着", "然后", "也", "还", "要知道", "而", "這", "那", "從此", "但是",
              "於是", "因此", "其中", "後來", "之後", "接著", "然後", "另外", "此外", "還", "並且", "不過")
EN_OPENERS = ("they", "them", "this", "these", "those", "that", "it", "its", "he", "she", "his", "her",
              "however", "also", "but", "and", "so", "then", "therefore", "thus", "moreover",
              "furthermore", "besides", "meanwhile", "instead", "still", "yet", "which", "such",
              "afterwards", "later")
BOILER = re.compile(
    r"\[TOC\]|(欢迎|歡迎|点击|點擊|记得|記得|请|請)(订阅|訂閱)|(订阅|訂閱)(我|本|我们|我們|频道|頻道|公众号|公眾號)|subscribe (to|now|here|for)|please subscribe|打赏|赞赏|贊賞|donat|copyright|版权所有|版權所有|转载|轉載|reprint|"
    r"(下一集|上一集|下一篇|上一篇)\s*[:：|]|^(下一集|上一集|下一篇|上一篇)$|相关文章|相關文章|related posts?|原文链接|原文連結|本文由|荣誉推出|"
    r"(选题|译者|校对)\s*[:：]|（via）|\(via\)|^via[:：]|（完）|\(完\)|read more\b(?! than)|阅读原文|閱讀原文|"
    r"点赞|(点赞|點讚|转发|轉發).{0,3}在看|^在看$|扫码|掃碼|(扫描|掃描|长按|長按|识别|識別).{0,8}(二维码|二維碼)|lite-youtube|<!--more-->|table of contents|\btl;dr\b|译注|譯註|受惠链接|affiliate|"
    r"作者[:：]\s*\[|github\.com/|check out the product page|"
    r"(提出|提交|提个|提個)\s*(issue|pr\b|pull request)|(issues?|pull requests?|prs?) (are )?welcome|欢迎投稿|歡迎投稿", re.I | re.M)
DOMAIN = ("wine", "glass", "tasting", "vineyard", "sommelier", "cheers", "举杯", "舉杯", "品鉴",
          "品鑑", "红酒", "紅酒", "葡萄酒", "酒杯", "醒酒", "喝到的酒", "酒庄", "酒莊")
MARKUP = re.compile(r"(?<=[\w\u4e00-\u9fff])\^[A-Za-z][\w-]*|\*\*|\\\*|\[\^|\^\[|\[#\]|<img|<figure|<br|<div|<p\b|<a\s|</|<!--|\{\{[<%]|"
                    r"\]\(|\]\[\d|&nbsp;|\[TOC\]|^#{1,6} |~~", re.M)
ZH_FUNCTION = set("的 了 是 在 和 与 也 就 都 而 及 产于 甚麼 什么 什麼 这个 那个 年代 十大 记得 一个 我们 你们 "
                  "他们 可以 已经 还有 如果 因为 所以 但是 不是 就是 这样 自己 之后 之前 时候 开始 成为 知道 "
                  "没有 时间 今天 现在 觉得 看到 出来 起来 一下 一些 非常 比较 这里 那里 不会 需要 进行".split())
EN_FUNCTION = set("the a an and or but of to in on at for with from by about this that these those it "
                  "is are was were be been have has had do does did not no yes very more most also just "
                  "new old good great first last many much some any all one two three drawn made make "
                  "get got way thing things time times day days year years people".split())
ANNOUNCE_ZH = re.compile(r"([一二两三四五六七八九十]|\d+)\s*(个|家|种|條|条|步|点|點|件|样|樣|款|位|类|類|招|大)"
                         r"[^，。；：！？]{0,12}[:：]\s*$|以下[^，。]{0,10}[:：]\s*$|如下[:：]\s*$")
ANNOUNCE_EN = re.compile(r"\b(two|three|four|five|six|seven|\d+)\s+\w+[^.:]{0,30}:\s*$|following:\s*$", re.I)
ZH_PARTICLE_START = "了的吗呢吧着过么嘛啊呀们地得"


def build(story: Path, out: Path, contentkit: str) -> bool:
    cmd = [contentkit, "build", str(story), "-o", str(out), "-q", "-O", "video.render=false",
           "-O", "live.cue_cards=false", "-O", 'cards.platforms=["xiaohongshu"]']
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        print(f"build failed: {story}: {r.stderr.strip()}", file=sys.stderr)
    return r.returncode == 0


def _load(p: Path):
    return json.loads(p.read_text("utf-8")) if p.is_file() else None


def shown_units(out: Path) -> list[tuple[str, str]]:
    """(where, text) for every piece of text a social format shows on its own."""
    units: list[tuple[str, str]] = []
    cards = _load(out / "cards/xiaohongshu/cards.json") or {"cards": []}
    for c in cards["cards"]:
        for t in c["texts"]:
            if t["role"] in ("brand", "page", "number", "byline", "handle", "hashtags"):
                continue
            sep = "" if _cjk(" ".join(t["lines"])) else " "
            units.append((f"card {c['index']} {t['role']}", sep.join(t["lines"])))
    script = _load(out / "video/script.json") or {"scenes": []}
    for s in script["scenes"]:
        units.append((f"video scene {s['index']} voiceover", s["voiceover"]))
        units.append((f"video scene {s['index']} on_screen", s["on_screen"]))
        units.append((f"video scene {s['index']} shot", s["shot"]))
    live = _load(out / "live/run-of-show.json") or {"segments": [], "cues": []}
    for seg in live["segments"]:
        tag = f"live {seg['index']}"
        units.append((f"{tag} title", seg["title"]))
        units += [(f"{tag} point", p) for p in seg["points"]]
        units += [(f"{tag} prompt", p) for p in seg.get("prompts", [])]
        if seg.get("story"):
            units.append((f"{tag} story", seg["story"]))
        for qa in seg.get("qa", []):
            units += [(f"{tag} q", qa["q"]), (f"{tag} a", qa["a"])]
        if seg.get("transition"):
            units.append((f"{tag} transition", seg["transition"]))
    units += [(f"live cue {c['clock']}", c["text"]) for c in live.get("cues", [])]
    xhs = out / "article/xiaohongshu.txt"
    if xhs.is_file():
        for k, para in enumerate(xhs.read_text("utf-8").split("\n\n")):
            lines = [ln for ln in para.strip().split("\n") if ln.strip()]
            if lines and not lines[0].startswith("#"):
                units.append((f"xhs {k}", "\n".join(lines)))
    thread = _load(out / "article/x-thread.json") or {"posts": []}
    for p in thread["posts"]:
        text = re.sub(r"\n\n\d+/\d+$", "", p["text"])
        if units and units[-1][0].startswith("x post") and re.match(r"\s*(?:[•\-*]|\d+[.)])\s", text):
            # a post that opens on a list item goes on with the list of the post before it:
            # a reader of the thread sees the list whole, over both
            units[-1] = (units[-1][0], units[-1][1] + "\n" + text)
            continue
        units.append((f"x post {p['index']}", text))
    plan = _load(out / "plan/plan.json") or {"posts": []}
    for k, p in enumerate(plan["posts"]):
        units.append((f"plan post {k} text", p.get("text", "")))
        units.append((f"plan post {k} links title", " ".join(p.get("links", [])) + " " + p.get("angle_label", "")))
    kit = _load(out / "community/kit.json") or {}
    for key in ("announcement", "rules", "moderator", "poll", "faq", "topics", "days"):
        for k, text in enumerate(_strings(kit.get(key))):
            units.append((f"community {key} {k} prompt", text))
    return [(w, t) for w, t in units if t and t.strip()]


def _strings(value) -> list[str]:
    """Every string inside a JSON value, in order."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _cjk(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text))


def _strip_lead(text: str) -> str:
    t = re.sub(r"^[\s①-⑫\d️⃣📌•\-–—*#“”\"'「」『』（）()\[\]【】:：]+", "", text)
    return t


def dangling(text: str) -> bool:
    lines = [ln for ln in text.strip().split("\n") if ln.strip()]
    # a post that opens with a short heading line: its first sentence is the line after it
    first_line = lines[1] if len(lines) > 1 and len(lines[0]) <= 24 else text.strip()
    t = _strip_lead(first_line)
    if _cjk(t[:4]):
        for o in sorted(ZH_OPENERS, key=len, reverse=True):
            if t.startswith(o):
                nxt = t[len(o):len(o) + 1]
                if o in ("这", "那", "這", "此", "其", "该") and nxt and nxt in "样里裡些个個種种次位家款":
                    return True
                if o in ("这", "那", "這", "此", "其", "该", "他", "她", "它", "也", "还", "還", "但", "而"):
                    # single characters open many words (这里 is still deictic; 其实 is not)
                    # (那霸, 那不勒斯: places)
                    return not re.match(r"(其实|其實|其他|其它|其中国|他乡|他鄉|而今|也许|还是|但愿|此刻|那霸|那不勒斯)", t)
                return True
        return False
    m = re.match(r"[A-Za-z']+", t)
    return bool(m) and m.group(0).lower() in EN_OPENERS


def script_of(text: str) -> Counter:
    import hanzidentifier

    c: Counter = Counter()
    for ch in set(text):
        if "\u4e00" <= ch <= "\u9fff":
            k = hanzidentifier.identify(ch)
            if k == hanzidentifier.SIMPLIFIED:
                c["s"] += 1
            elif k == hanzidentifier.TRADITIONAL:
                c["t"] += 1
    return c


def story_lists(src: str) -> list[list[str]]:
    """Bullet or numbered lists in the source, as item texts (independent of contentkit)."""
    lists, cur = [], []
    # front matter's tags ("- NotebookLM", "- AI") are no list the story tells
    src = re.sub(r"\A---\n.*?\n---\n", "", src, flags=re.S)
    top = 0  # the indent of the list's own items: one nested under an item is part of it
    for line in src.split("\n"):
        m = re.match(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+(.+)$", line)
        indent = len(line) - len(line.lstrip())
        if m and cur and indent > top:
            continue
        if m:
            if not cur:
                top = indent
            # an item led by a bold label ("**long term battery**. Adipose…") is named by it
            label = re.match(r"\*\*([^*]{2,60})\*\*\s*[.:：。]", m.group(1))
            # a web address written out is no word of the item ("Toronto - [http://…](http://…)"
            # is Toronto on a card, where nobody can click it)
            cur.append(label.group(1).strip() if label else
                       re.sub(r"[*_`\[\]]|\(http[^)]*\)|https?://\S+", "", m.group(1)).strip(" -–—:"))
        elif line.strip() and cur and line.startswith("  "):
            continue
        elif cur and not line.strip():
            continue
        else:
            if len(cur) >= 2:
                lists.append(cur)
            cur = []
    if len(cur) >= 2:
        lists.append(cur)
    return lists


def _first_word(text: str) -> str:
    """The first word jieba reads in ``text`` (without its HMM guesses)."""
    import jieba

    jieba.setLogLevel(60)
    return next(iter(jieba.cut(text, HMM=False)), "")


def _key(item: str) -> str:
    item = re.sub(r"[（(][^（）()]*[）)]", "", item)  # a bracketed aside: a voice leaves it out
    item = re.sub(r"[\W_]+", "", item)  # letters and digits only: "long term battery." is "long term battery,"
    return item[:8] if _cjk(item) else item[:16].lower()


def audit_story(story: Path, out: Path) -> tuple[Counter, list[str]]:
    c: Counter = Counter()
    ex: list[str] = []
    src = story.read_text("utf-8", errors="replace")
    manifest = _load(out / "manifest.json") or {}
    lang = manifest.get("story", {}).get("language", "")
    units = shown_units(out)
    srcl = src.lower()

    def hit(kind: str, where: str, text: str) -> None:
        c[kind] += 1
        if len([e for e in ex if e.startswith(kind)]) < 4:
            ex.append(f"{kind}: {where}: {text[:90]!r}")

    for where, text in units:
        if where.endswith(("shot", "on_screen", "title", "prompt", "transition")) or " cue " in where:
            pass
        elif dangling(text):
            hit("dangling", where, text)
        body = text.strip()
        if (ANNOUNCE_ZH.search(body) or ANNOUNCE_EN.search(body)) and not where.endswith("title"):
            hit("cut_list", where, text)
        if BOILER.search(text):
            hit("boilerplate", where, text)
        low = text.lower()
        for w in DOMAIN:
            if w in low and w not in srcl:
                hit("domain", where, text)
                break
        if MARKUP.search(text):
            hit("markup", where, text)
    # lists shown partly
    lists = story_lists(src)
    # a video says a long procedure over consecutive scenes: read as one, its voice-overs say
    # the list whole
    video_said = re.sub(r"[\W_]+", "", " ".join(t for w, t in units if w.startswith("video scene")
                                                 and w.endswith("voiceover"))).lower()
    for where, text in units:
        if where.endswith("shot"):
            continue  # a shot note names what to film ("Close-up: New York Citi Bike"), no list
        # spaces, case and emphasis marks aside, as the items are read ("Pop!_OS" is "Pop!OS"
        # there; a line of a card may break "Based on Fedora" where the source has a space)
        flat = re.sub(r"[\W_]+", "", re.sub(r"[（(][^（）()]*[）)]", "", text)).lower()
        counts = []
        for items in lists:
            keys = [_key(i).lower() for i in items if len(_key(i)) >= 4]
            if len(keys) < 2:
                continue
            present, rest = 0, flat
            for k in sorted(keys, key=len, reverse=True):  # "super short term battery" is not also "short term battery"
                if k in rest:
                    present += 1
                    rest = rest.replace(k, "\0", 1)
            counts.append((present, len(keys)))
        # a recipe's quantities list names the ingredients of its tools list: a text showing one
        # list whole is not the other list cut
        if not any(p == n for p, n in counts) and any(2 <= p < n for p, n in counts):
            if where.startswith("video scene") and where.endswith("voiceover") and any(
                    all(_key(i).lower() in video_said for i in items if len(_key(i)) >= 4)
                    for items in lists if any(_key(i).lower() in flat for i in items if len(_key(i)) >= 4)):
                continue  # one scene of a procedure said whole across the video's scenes
            hit("cut_list", where, text)
    # script mixing
    if lang.startswith("zh"):
        src_chars = set(src)
        out_text = "".join(t for _, t in units)
        extra = "".join(ch for ch in set(out_text) if ch not in src_chars)
        sc = script_of(extra)
        bad = sc["s"] if lang == "zh-Hant" else sc["t"]
        if bad:
            c["script_mix"] += bad
            ex.append(f"script_mix: {bad} character(s) of the other script, e.g. "
                      f"{''.join(ch for ch in extra if script_of(ch)['s' if lang == 'zh-Hant' else 't'])[:12]}")
        src_sc = script_of(src)
        detected_hant = lang == "zh-Hant"
        real_hant = src_sc["t"] > src_sc["s"]
        if detected_hant != real_hant:
            c["script_mix"] += 1
            ex.append(f"script_mix: detected {lang}, the text is {'zh-Hant' if real_hant else 'zh-Hans'}")
    # hashtags
    xhs = out / "article/xiaohongshu.txt"
    tags = re.findall(r"#(\S+)", xhs.read_text("utf-8").strip().split("\n")[-1]) if xhs.is_file() else []
    for tag in tags:
        t = tag.strip()
        bad = (re.fullmatch(r"[\d零一二三四五六七八九十百千万萬年代]+", t) is not None
               or t in ZH_FUNCTION or t.lower() in EN_FUNCTION or len(t) < 2
               or (lang.startswith("zh") and re.fullmatch(r"[A-Za-z]+", t) is not None
                   and t not in src and t.lower() == t))
        if lang == "en" and _cjk(t):
            bad = True
        if bad:
            hit("hashtag", "xiaohongshu hashtags", t)
    # split words: card lines and subtitle lines
    pairs: list[tuple[str, str, str]] = []
    cards = _load(out / "cards/xiaohongshu/cards.json") or {"cards": []}
    for card in cards["cards"]:
        for t in card["texts"]:
            for a, b in zip(t["lines"], t["lines"][1:]):
                pairs.append((f"card {card['index']} {t['role']}", a, b))
    srt = out / "video/subtitles.srt"
    if srt.is_file():
        for block in srt.read_text("utf-8").strip().split("\n\n"):
            lines = block.split("\n")[2:]
            for a, b in zip(lines, lines[1:]):
                pairs.append(("subtitle", a, b))
            if lines and lines[0][:1] in ZH_PARTICLE_START and _first_word(lines[0]) == lines[0][:1]:
                # the particle itself, not a word it begins ("了解", "啊哈")
                hit("split_word", "subtitle starts with a particle", lines[0])
    if lang.startswith("zh") and pairs:
        import jieba

        jieba.setLogLevel(60)
        for where, a, b in pairs:
            if not (a and b and _cjk(a[-1]) and _cjk(b[0])):
                continue
            joined = a + b
            pos, cuts = 0, set()
            for tok in jieba.cut(joined, HMM=False):
                pos += len(tok)
                cuts.add(pos)
            if len(a) not in cuts:
                hit("split_word", where, f"{a}/{b}")
            elif b[:1] in ZH_PARTICLE_START[:5] and _first_word(b) == b[:1]:
                hit("split_word", where, f"{a}/{b}")
    # thin output for long stories
    body_len = len(re.findall(r"[\u4e00-\u9fff]", src)) if lang.startswith("zh") else len(src.split())
    long_story = body_len >= (1500 if lang.startswith("zh") else 600)
    if long_story:
        n_cards = len(cards["cards"])
        script = _load(out / "video/script.json") or {"scenes": []}
        beats = sum(1 for s in script["scenes"] if s["kind"] == "beat")
        live = _load(out / "live/run-of-show.json") or {"segments": []}
        segs = sum(1 for s in live["segments"] if s["kind"] == "content")
        for what, n, lo in (("cards", n_cards, 6), ("video beats", beats, 3), ("live segments", segs, 3)):
            if n < lo:
                hit("thin", what, f"{n} (< {lo}) for a {body_len}-unit story")
    return c, ex


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="+", type=Path, help="story files or folders of .md stories")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", type=Path, help="keep the builds in this folder")
    ap.add_argument("--examples", action="store_true", help="print up to 4 examples per kind and story")
    ap.add_argument("--contentkit", default=str(Path(sys.executable).with_name("contentkit")))
    args = ap.parse_args(argv)
    stories = []
    for p in args.paths:
        stories += sorted(x for x in p.glob("*.md") if x.name.lower() != "readme.md") if p.is_dir() else [p]
    base = args.keep or Path(tempfile.mkdtemp(prefix="ck-audit-"))
    rows = {}
    for story in stories:
        out = base / story.stem
        if not build(story, out, args.contentkit):
            rows[story.name] = {"build_failed": 1}
            continue
        counts, examples = audit_story(story, out)
        rows[story.name] = {k: counts.get(k, 0) for k in KINDS}
        if args.examples and not args.json:
            for e in examples:
                print(f"  {story.name}: {e}")
    total = Counter()
    for r in rows.values():
        total.update(r)
    if args.json:
        print(json.dumps({"stories": rows, "total": dict(total)}, indent=2, sort_keys=True))
        return 0
    w = max(len(n) for n in rows) if rows else 10
    print(f"{'story':<{w}} " + " ".join(f"{k[:10]:>10}" for k in KINDS))
    for name, r in rows.items():
        print(f"{name:<{w}} " + " ".join(f"{r.get(k, 0):>10}" for k in KINDS))
    print(f"{'TOTAL':<{w}} " + " ".join(f"{total.get(k, 0):>10}" for k in KINDS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
