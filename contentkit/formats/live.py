"""The ``live`` format: a timed run-of-show a host can go live with.

Opening hook and self-introduction (persona), a warm-up interaction, one segment per key
point or section (3-5 talking points, a story or example from the text, a transition line),
product moments spaced through the show (price/offer only where the creator gave one),
interaction beats (questions, polls, "type 1", giveaways where enabled), a Q&A block drawn from
the text, and a closing call to action. Durations add up exactly to the chosen length; each
segment has a start clock time. Recaps for latecomers and offer re-statements are cues at
their times. Outputs: Markdown, JSON (stable schema), a self-contained teleprompter page, and
printable cue cards (PNG per segment + one PDF) from the cards' layout engine.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import Field, field_validator

from contentkit.editorial.units import step_lines
from contentkit.errors import ContentkitError
from contentkit.messages import msg
from contentkit.output import Artifact, Output
from contentkit.text import apportion, drop_asides, own_voice
from contentkit.plugins import Format, FormatOptions
from contentkit.story import Quote, Story

SCHEMA = "contentkit.live/1"
UNIT = 15  # seconds: segment lengths are multiples of this, so the clock reads cleanly


class LiveOptions(FormatOptions):
    minutes: Literal[15, 30, 60, 90] = Field(30, description="show length in minutes")
    start: str = Field("20:00", description="clock time the show starts (HH:MM)")
    recap_every: int = Field(10, ge=0, le=60, description="minutes between recaps for latecomers (0: none)")
    offer_every: int = Field(15, ge=0, le=60, description="minutes between offer re-statements (0: none)")
    giveaways: bool = Field(False, description="add giveaway / red-envelope moments")
    cue_cards: bool = Field(True, description="write printable cue cards (PNG per segment and a PDF)")
    theme: str = Field("light", description="card theme for the cue cards")

    @field_validator("start")
    @classmethod
    def _clock(cls, v: str) -> str:
        m = re.fullmatch(r"(\d{1,2}):(\d{2})", v.strip())
        if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            raise ValueError("must be a clock time like 20:00")
        return f"{int(m.group(1)):02d}:{m.group(2)}"


@dataclass
class Segment:
    kind: str  # opening, warmup, content, product, interaction, qa, closing
    title: str
    points: list[str] = field(default_factory=list)
    story: str = ""
    transition: str = ""
    prompts: list[str] = field(default_factory=list)
    qa: list[dict] = field(default_factory=list)
    section: int = -1
    source: str = ""  # what in the story it comes from
    weight: float = 1.0
    seconds: int = 0
    start_s: int = 0


def phrases(story: Story) -> dict:
    """The live phrases of the story's language (``live.*`` in the message catalogue)."""
    from contentkit.messages import for_story

    return {k[5:]: v for k, v in for_story(story).items() if k.startswith("live.")}


def _clock(start: str, seconds: int) -> str:
    h, m = map(int, start.split(":"))
    total = h * 3600 + m * 60 + seconds
    total %= 24 * 3600
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def _mmss(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


@dataclass
class Budget:
    """How the show's seconds are shared: fixed blocks, product and interaction moments."""

    total: int
    fixed: dict[str, int]
    n_product: int
    product_len: int
    n_inter: int
    inter_len: int
    min_seg: int

    @classmethod
    def for_show(cls, o: LiveOptions, has_product: bool) -> "Budget":
        total = o.minutes * 60
        fixed = {"opening": max(60, round(total * 0.06)), "warmup": max(45, round(total * 0.04)),
                 "qa": max(90, round(total * 0.12)), "closing": max(45, round(total * 0.04))}
        return cls(total=total, fixed=fixed,
                   n_product=max(1, o.minutes // 20) if has_product else 0,
                   product_len=120 if o.minutes >= 30 else 90,
                   n_inter=max(1, o.minutes // 20) if o.minutes >= 30 else 0, inter_len=60,
                   min_seg=120 if o.minutes >= 30 else 90)

    @property
    def max_segments(self) -> int:
        reserved = sum(self.fixed.values()) + self.n_product * self.product_len + self.n_inter * self.inter_len
        return max(1, (self.total - reserved) // self.min_seg)


def plan_show(story: Story, o: LiveOptions, warnings: list[str]) -> tuple[list[Segment], list[dict], list[dict]]:
    """Segments with exact durations, cues (recaps, offers), and the sections left out: the
    stages below, each pure on its inputs."""
    t = phrases(story)
    budget = Budget.for_show(o, story.meta.product is not None)
    content = content_segments(story)
    content, dropped = fit_segments(content, budget.max_segments, o.minutes, warnings)
    for i, seg in enumerate(content):
        seg.transition = t["next"].format(next=content[i + 1].title) if i + 1 < len(content) else t["last"]
    segs = assemble(story, o, t, content, budget)
    set_durations(segs, budget)
    return segs, show_cues(story, o, t, segs, budget.total), dropped


def content_segments(story: Story) -> list[Segment]:
    """One segment per section (the intro feeds the opening when there are headings), or one
    per key point when the story has no sections: talking points, a story, a weight."""
    from contentkit.text import split_sentences

    a = story.a
    points_by_section = {kp.section: kp for kp in a.key_points if kp.section >= 0}
    content: list[Segment] = []
    for si, sec in enumerate(story.sections):
        sents = a.standalone(si)
        if not sents or (not sec.heading and any(x.heading for x in story.sections)):
            continue
        kp = points_by_section.get(si)
        # the hook was said in the opening: a segment does not read it out again
        fresh = [x for x in sents if x.strip() not in a.hook] or sents
        talking = list(dict.fromkeys(([kp.text] if kp and kp.text.strip() not in a.hook else []) + fresh))[:5]
        while len(talking) < 3 and len(fresh) > len(talking):
            talking.append(fresh[len(talking)])
        talking.sort(key=lambda x: _position(x, sents))  # said in the story's order: "接著…" after what it follows
        weight = max(1.0, len("".join(sents)) / (60.0 if a.is_cjk else 300.0)) + (kp.score if kp else 0) * 0.3
        content.append(Segment("content", sec.label or story.meta.title, points=talking,
                               story=_example(sec, fresh, talking, a.is_cjk, a.units[si] if si < len(a.units) else ()),
                               section=si,
                               source=f"section {si}: {sec.heading or '(intro)'}", weight=weight))
    if not content:
        for i, kp in enumerate(a.key_points[:6]):
            content.append(Segment("content", kp.text[:24], points=split_sentences(kp.text) or [kp.text],
                                   section=kp.section, source=f"key point {i + 1}", weight=1.0))
    return content


def _position(text: str, sents: list[str]) -> int:
    """Where a talking point stands in its section: a sentence's own index, or that of the
    first sentence a longer unit (an announcement with its list) holds or overlaps."""
    if text in sents:
        return sents.index(text)
    return next((i for i, s in enumerate(sents) if s in text or text in s), -1)


def _example(sec, sents: list[str], talking: list[str], cjk: bool, units=()) -> str:
    """A story or example for a segment: its quote, else a sentence with a number or a name.
    A quote that only makes sense after the words before it ("比如引用尼采的话：" over
    "这句名人名言我特么从来就没说过。") is no example on its own."""
    alone = {u.text for u in units if u.kind == "quote" and u.standalone}
    quote = next((b for b in sec.blocks if isinstance(b, Quote)
                  and (not units or any(t in b.text.plain or b.text.plain in t for t in alone))), None)
    if quote is not None:
        return f"“{quote.text.plain}”" + (f"——{quote.attribution}" if cjk and quote.attribution else
                                         f" ({quote.attribution})" if quote.attribution else "")
    return next((s for s in sents if re.search(r"\d|[A-Z][a-z]+|[一二三四五六七八九十百千万]{2,}", s)
                 and s not in talking), "")  # never a talking point said twice


def fit_segments(content: list[Segment], max_segments: int, minutes: int,
                 warnings: list[str]) -> tuple[list[Segment], list[dict]]:
    """The strongest segments that fit, in story order; the rest listed and warned about."""
    if len(content) <= max_segments:
        return content, []
    keep = sorted(sorted(range(len(content)), key=lambda i: -content[i].weight)[:max_segments])
    dropped = [{"title": seg.title, "section": seg.section, "reason": f"no room in {minutes} minutes"}
               for i, seg in enumerate(content) if i not in keep]
    kept = [content[i] for i in keep]
    warnings.append(f"{minutes} minutes leave room for {len(kept)} content segment(s); "
                    f"left out: {', '.join(str(d['title']) for d in dropped)}")
    return kept, dropped


def assemble(story: Story, o: LiveOptions, t: dict, content: list[Segment], budget: Budget) -> list[Segment]:
    """Show order: opening, warm-up, content with product and interaction moments spaced
    between, Q&A, closing."""
    segs = [_opening(story, t), _warmup(story, t)]
    order = _alternate(budget.n_product, budget.n_inter)
    slots_after = _spread(len(content), len(order))
    pos = 0
    for ci, seg in enumerate(content):
        segs.append(seg)
        while pos < len(order) and slots_after[pos] == ci:
            if order[pos] == "product":
                segs.append(_product_moment(story, t))
            else:
                n_poll = sum(1 for s in segs if s.kind == "interaction")
                segs.append(_interaction(o, t, content[ci + 1:ci + 3], n_poll, budget.n_inter))
            pos += 1
    segs.append(Segment("qa", t["qa"], prompts=[t["ask"]], qa=qa_pairs(story, t, content),
                        source="sections and questions"))
    product = story.meta.product
    b = story.meta.brand  # the brand kit's recurring phrase and sign-off close every show
    closing = [story.meta.cta or t["follow"], t["type1"], *b.phrases[:1], t["thanks"], *([b.sign_off] if b.sign_off else [])]
    if product:
        closing.insert(1, t["product_line"].format(name=product.name) + " " + t["link"])
    segs.append(Segment("closing", t["closing"], points=closing, source="front matter: cta"))
    return segs


def said(title: str) -> str:
    """A title as the host says it: without its bracketed aside ("自动挡半坡起步方法（手刹、左脚刹车、
    右脚刹车…）" is "自动挡半坡起步方法" aloud)."""
    return drop_asides(title)


def _opening(story: Story, t: dict) -> Segment:
    a, meta = story.a, story.meta
    persona = (("，" if a.is_cjk else ", ") + meta.persona) if meta.persona else ""
    author = meta.author or meta.brand.name or msg(a.messages_locale, "host")
    # the host says the hook in their own voice, and the title without its aside
    points = ([own_voice(a.hook)] if story.hook_line else []) + [
        t["hello"].format(author=author, persona=persona), t["today"].format(title=said(meta.title)), t["stay"]]
    return Segment("opening", t["opening"], points=points, source="hook, persona")


def _warmup(story: Story, t: dict) -> Segment:
    a = story.a
    q = next((s for sec in a.sentences for s in sec if s.rstrip("”」\"").endswith(("？", "?"))
              and s not in a.hook and (len(s) >= 12 if a.is_cjk else len(s.split()) >= 5)), "")
    prompts = [q or t["know"].format(title=said(story.meta.title)), t["where"], t["type1"]]
    return Segment("warmup", t["warmup"], prompts=prompts, source="story question" if q else "title")


def _alternate(n_product: int, n_inter: int) -> list[str]:
    """Product and interaction moments, alternating while both remain."""
    order: list[str] = []
    pi = ii = 0
    for k in range(n_product + n_inter):
        if (k % 2 == 0 and pi < n_product) or ii >= n_inter:
            order.append("product")
            pi += 1
        else:
            order.append("interaction")
            ii += 1
    return order


def _product_moment(story: Story, t: dict) -> Segment:
    product = story.meta.product
    assert product is not None
    lines = [t["product_line"].format(name=product.name)]
    if product.price:
        lines.append(t["price"].format(price=product.price))
    if product.offer:
        lines.append(t["offer_line"].format(offer=product.offer.rstrip("。.")))
    lines.append(t["link"])
    title = f"{t['product']}：{product.name}" if story.a.is_cjk else f"{t['product']}: {product.name}"
    return Segment("product", title, points=lines, source="front matter: product")


def _interaction(o: LiveOptions, t: dict, upcoming: list[Segment], n_poll: int, n_inter: int) -> Segment:
    prompts = []
    if len(upcoming) == 2:
        prompts.append(t["poll"].format(a=upcoming[0].title, b=upcoming[1].title))
    prompts.append(t["type1"])
    if o.giveaways:
        prompts.append(t["giveaway"])
    title = t["interaction"] + (f" {n_poll + 1}" if n_inter > 1 else "")
    return Segment("interaction", title, prompts=prompts, source="section titles")


_ASK_LEAD = re.compile(r"^(?:那么|那麼|那(?![些个個里裡样樣种種天时時年次位件边邊])|所以|于是|於是|(?:and|but|so|then|now),?\s+)(?=\S)", re.I)


def asked_alone(question: str, cjk: bool) -> str:
    """A question that leans only on its "so"/"那" asked without it; "" when it leans on more."""
    from contentkit.editorial.units import opener_kind

    q = _ASK_LEAD.sub("", question.strip(), count=1).lstrip("，, ")
    if q == question.strip() or len(q) < 4 or opener_kind(q, cjk) is not None:
        return ""
    return q if cjk else q[:1].upper() + q[1:]


def qa_pairs(story: Story, t: dict, content: list[Segment]) -> list[dict]:
    """Q&A from the text: the story's own questions with what follows, then one per segment."""
    from contentkit.text import join_sentences

    a, cjk = story.a, story.a.is_cjk
    qa = []
    units = [(si, u) for si, us in enumerate(a.units) for u in us]
    for i, (si, u) in enumerate(units):
        if not u.text.rstrip("”」\"").endswith(("？", "?")) or u.text in a.hook:
            continue
        # a question asked on its own ("那到底什么物质才有除臭作用呢？" is "什么物质才有…"),
        # answered by what follows it in its part, when that stands alone ("他一个人一个月
        # 130万美元…" answered a question of the part before, about a man named there)
        s = u.text if u.standalone else asked_alone(u.text, cjk)
        follow = [v for sj, v in units[i + 1:i + 3] if sj == si]
        if not s or not follow or not follow[0].standalone:
            continue
        q_text = s
        heading = story.sections[si].label
        if heading and (len(s) < 10 if cjk else len(s.split()) < 6):
            q_text = f"{heading}——{s}" if cjk else f"{heading} — {s[0].lower()}{s[1:]}"
        qa.append({"q": q_text, "a": join_sentences(a.run([v.text for v in follow], 2)),
                   "source": "story question"})
    templates = t["qa_q"]
    for k, seg in enumerate(content):
        if len(qa) >= 6:
            break
        qa.append({"q": templates[k % len(templates)].format(h=seg.title), "a": join_sentences(a.run(seg.points, 2)),
                   "source": seg.source})
    return qa[:6]


def set_durations(segs: list[Segment], budget: Budget) -> None:
    """Fixed blocks first, then content by weight in whole units, summing exactly to the show."""
    for s in segs:
        if s.kind in budget.fixed:
            s.seconds = _round_unit(budget.fixed[s.kind])
        elif s.kind == "product":
            s.seconds = budget.product_len
        elif s.kind == "interaction":
            s.seconds = budget.inter_len
    rest = budget.total - sum(s.seconds for s in segs)
    cs = [s for s in segs if s.kind == "content"]
    if cs:
        for s, u in zip(cs, apportion(rest // UNIT, [s.weight for s in cs], minimum=1)):
            s.seconds = u * UNIT
        cs[-1].seconds += budget.total - sum(s.seconds for s in segs)
    else:
        segs[-2].seconds += rest  # Q&A absorbs it
    t0 = 0
    for s in segs:
        s.start_s = t0
        t0 += s.seconds
    if t0 != budget.total:  # the apportionment above makes this impossible
        raise ContentkitError(f"live: segments add up to {t0} s, not {budget.total} s")


def show_cues(story: Story, o: LiveOptions, t: dict, segs: list[Segment], total: int) -> list[dict]:
    """Recaps for latecomers and offer re-statements at their clock times."""
    cjk, meta, product = story.a.is_cjk, story.meta, story.meta.product

    def at(k: int) -> Segment:
        return next(s for s in segs if s.start_s <= k < s.start_s + s.seconds)

    cues: list[dict] = []
    for k in range(o.recap_every * 60, total - 60, o.recap_every * 60) if o.recap_every else ():
        cur = at(k)
        if cur.kind == "interaction":  # "现在正在讲「互动」": a recap names the part of the story
            cur = next((s for s in segs if s.kind == "content" and s.start_s >= k), cur)
        covered = [s.title for s in segs if s.kind == "content" and s.start_s + s.seconds <= k]
        cov = ("、" if cjk else ", ").join(covered[-3:])
        line = (t["recap"].format(title=said(meta.title), covered=cov, current=cur.title) if cov else
                t["recap_start"].format(title=said(meta.title), current=cur.title))
        cues.append({"kind": "recap", "at_s": k, "segment": segs.index(at(k)), "text": line})
    if o.offer_every and product and (product.offer or product.price):
        offer = ("，" if cjk else ", ").join(x for x in (product.name, product.price, product.offer) if x)
        for k in range(o.offer_every * 60, total - 60, o.offer_every * 60):
            cues.append({"kind": "offer", "at_s": k, "segment": segs.index(at(k)),
                         "text": t["offer"].format(offer=offer)})
    cues.sort(key=lambda c: (c["at_s"], c["kind"]))
    return cues


def _round_unit(s: int) -> int:
    return max(UNIT, round(s / UNIT) * UNIT)


def _spread(n_content: int, n_moments: int) -> list[int]:
    """After which content segment each moment goes: spaced evenly through the show."""
    if n_content == 0:
        return [0] * n_moments
    return sorted(min(n_content - 1, max(0, round((k + 1) * n_content / (n_moments + 1)) - 1))
                  for k in range(n_moments))


def show_json(story: Story, o: LiveOptions, segs: list[Segment], cues: list[dict], dropped: list[dict]) -> dict:
    return {
        "schema": SCHEMA,
        "title": story.title,
        "language": story.a.language,
        "host": {"author": story.meta.author, "persona": story.meta.persona},
        "minutes": o.minutes,
        "start": o.start,
        "total_s": o.minutes * 60,
        "segments": [{
            "index": i + 1,
            "kind": s.kind,
            "title": s.title,
            "start_s": s.start_s,
            "duration_s": s.seconds,
            "clock": _clock(o.start, s.start_s),
            "points": s.points,
            "story": s.story,
            "transition": s.transition,
            "prompts": s.prompts,
            "qa": s.qa,
            "section": s.section,
            "source": s.source,
        } for i, s in enumerate(segs)],
        "cues": [{**c, "clock": _clock(o.start, c["at_s"]), "segment": c["segment"] + 1} for c in cues],
        "dropped": dropped,
    }


def show_markdown(data: dict, locale: str) -> str:
    from contentkit.messages import catalogue

    from contentkit.render_md import md_escape_all

    t = catalogue(locale)
    data = md_escape_all(data)
    cell = lambda x: str(x).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = [f"# {data['title']}", "", t["live.md.header"].format(minutes=data["minutes"], start=data["start"]), "",
             "| " + " | ".join(t["live.md.columns"]) + " |", "|---|---|---|---|"]
    for s in data["segments"]:
        key = (s["points"] or s["prompts"] or [q["q"] for q in s["qa"]] or [""])[0]
        lines.append(f"| {s['clock']} | {_mmss(s['duration_s'])} | {cell(s['title'])} | {cell(key)} |")
    if data["cues"]:
        lines += ["", "## " + t["live.md.cues"], ""]
        for c in data["cues"]:
            lines.append(f"- **{c['clock'][:5]}** ({t['live.cue.' + c['kind']]}): {c['text']}")
    lines += ["", "## " + t["live.md.detail"]]
    for s in data["segments"]:
        lines += ["", f"### {s['index']}. {s['title']}  ·  {s['clock'][:5]}  ·  {_mmss(s['duration_s'])}", ""]
        for p in s["points"]:
            # a procedure's steps one to a line under the bullet ("①牛里脊切片…②芹菜切段…")
            lines.append("- " + step_lines(p).replace("\n", "\n  "))
        if s["story"]:
            lines += ["", f"**{t['live.md.story']}** " + s["story"]]
        for p in s["prompts"]:
            lines.append(f"- 💬 {p}")
        for qa in s["qa"]:
            lines += [f"- **Q:** {qa['q']}", f"  **A:** {qa['a']}"]
        if s["transition"]:
            lines += ["", f"**{t['live.md.transition']}** " + s["transition"]]
    if data["dropped"]:
        lines += ["", "## " + t["live.md.dropped"], ""]
        lines += [f"- {d['title']}" for d in data["dropped"]]
    return "\n".join(lines) + "\n"


def teleprompter_html(data: dict, accent: str, locale: str = "", story=None) -> str:
    """A self-contained page: large type, dark, keyboard scroll speed, segment timer, offline."""
    from contentkit.messages import catalogue
    from contentkit.templating import render_with_font
    # JSON for the timer script: '<', '>' and '&' escaped so no story text can close the tag
    payload = json.dumps([{"title": s["title"], "start": s["start_s"], "dur": s["duration_s"]}
                          for s in data["segments"]], ensure_ascii=False, sort_keys=True)
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return render_with_font("teleprompter.html.j2", story=story, data=data, payload=payload, accent=accent,
                                                           cjk=data["language"].startswith("zh"),
                                                           t=catalogue(locale or data["language"]))


class LiveFormat(Format[LiveOptions]):
    name = "live"
    description = "Live-stream run-of-show: timed segments, talking points, interaction, Q&A, teleprompter, cue cards"
    options_model = LiveOptions

    def cache_inputs(self, story: Story, options: LiveOptions) -> list:
        from contentkit.cache import user_file

        return [user_file(options.theme)]

    def render(self, story: Story, options: LiveOptions, out: Output) -> list[Artifact]:
        warnings: list[str] = []
        segs, cues, dropped = plan_show(story, options, warnings)
        data = show_json(story, options, segs, cues, dropped)
        from contentkit.themes import load_theme

        # the brand colour, lightened until it reads on the teleprompter's black
        accent = load_theme("dark").with_accent(story.meta.brand.color).colors.accent
        arts = [
            out.write_json("live/run-of-show.json", data, format=self.name, duration_s=float(data["total_s"])),
            out.write("live/run-of-show.md", show_markdown(data, story.a.messages_locale), format=self.name,
                      duration_s=float(data["total_s"])),
            out.write("live/teleprompter.html", teleprompter_html(data, accent, story.a.messages_locale, story), format=self.name),
        ]
        if options.cue_cards:
            arts.extend(self._cue_cards(story, data, options, out, warnings))
        for w in dict.fromkeys(warnings):
            out.warn(f"live: {w}")
        return arts

    def _cue_cards(self, story: Story, data: dict, o: LiveOptions, out: Output, warnings: list[str]):

        from contentkit.canvas import Designer, Fonts, SafeArea, Spec, draw, png_bytes, png_kind
        from contentkit.layout import clean_for_font, pick_font
        from contentkit.themes import load_theme

        theme = load_theme(o.theme)
        if story.meta.brand.color:
            theme = theme.with_accent(story.meta.brand.color)
        lang = story.a.language
        text = json.dumps(data, ensure_ascii=False)
        b = story.meta.brand  # the brand kit's fonts, where it has them
        fonts = Fonts(pick_font("sans", lang, text, b.font_for("title"), warnings),
                      pick_font("sans", lang, text, b.font_for("body"), warnings))

        W, H = 1240, 1754  # A5-ish portrait at 150 dpi
        designer = Designer(W, H, theme, fonts, SafeArea(), lang, clean_for_font(story.meta.brand.name, fonts.body),
                            warnings, logo=story.meta.brand.logo)
        arts = []
        pngs: list[bytes] = []
        n = len(data["segments"])
        for s in data["segments"]:
            items = list(s["points"]) + list(s["prompts"]) + [f"Q: {q['q']}" for q in s["qa"][:3]]
            items = [clean_for_font(x, fonts.body, warnings) for x in items if x][:7]
            if s["story"] and len(items) < 7:
                items.append(clean_for_font(s["story"], fonts.body, warnings))
            spec = Spec("point", heading=clean_for_font(s["title"], fonts.title, warnings),
                        items=tuple(items), label=s["clock"])
            lay = designer.layout(spec, f"{s['index']}/{n} · {_mmss(s['duration_s'])}")
            while lay is None and spec.items:
                spec = Spec("point", heading=spec.heading, items=spec.items[:-1], label=spec.label)
                lay = designer.layout(spec, f"{s['index']}/{n} · {_mmss(s['duration_s'])}")
            if lay is None:
                raise ContentkitError(f"cannot lay out the cue card for segment {s['index']}")
            if len(spec.items) < len(items):
                warnings.append(f"cue card {s['index']}: {len(items) - len(spec.items)} line(s) moved to the "
                                "run-of-show only (too long for the card)")
            pngs.append(png_bytes(draw(lay, theme, None), png_kind(lay, theme, None)))
            arts.append(out.write(f"live/cue-cards/{s['index']:02d}.png", pngs[-1], format=self.name,
                                  width=W, height=H))
        arts.append(out.write("live/cue-cards.pdf", cue_card_pdf(pngs, story), format=self.name))
        return arts


def cue_card_pdf(pngs: list[bytes], story: Story) -> bytes:
    """The cue cards' own PNGs as one printable PDF, lossless (img2pdf embeds the PNG data as
    it is, palette or full colour, where Pillow's PDF writer re-encodes as JPEG), at 150 dpi,
    with fixed dates. Only the encoded cards are kept until the PDF is made, not the drawn
    images (6.5 MB each: 91 MB for the sample's 14 cards)."""
    import datetime

    import img2pdf

    pages = pngs
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    return img2pdf.convert(pages, layout_fun=img2pdf.get_fixed_dpi_layout_fun((150, 150)),
                           title=story.title, author=story.meta.author or "", creationdate=epoch,
                           moddate=epoch, producer="contentkit", creator="contentkit",
                           engine=img2pdf.Engine.internal)


plugin = LiveFormat()
