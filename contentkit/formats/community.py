"""The ``community`` format: the kit a creator runs a fan group with, from one story.

A group announcement for the new piece; a week of daily discussion topics, each quoting one of
the story's own points with an open question (what / how / which, never yes or no); a poll on
what to go deeper into; an FAQ whose answers are the story's sentences, verbatim; moderator
replies; group rules; greeting and red-packet copy for the festivals and shopping days in the
next ``community.days`` days from ``community.date`` (computed by ``contentkit.festivals``).

Outputs: ``community/kit.md`` for people, ``community/kit.json`` (schema
``contentkit.community/1``) for bots, and ``community/messages/NN-*.txt``: one message per
file, each within a chat bubble (``BUBBLE_MAX`` characters), ready to paste.
"""

from __future__ import annotations

import datetime as dt
from pydantic import Field, field_validator

from contentkit.editorial.angles import KINDS, angle
from contentkit.messages import msg
from contentkit.output import Artifact, Output, dumps
from contentkit.plugins import Format, FormatOptions
from contentkit.story import Story
from contentkit.text import fit_sentences, join_sentences, visible_len

SCHEMA = "contentkit.community/1"
BUBBLE_MAX = 500  # characters: one phone screen of a chat message
RED_PACKET = {"new-years-eve-lunar", "spring-festival", "lantern", "dragon-boat", "qixi", "mid-autumn",
              "double-ninth", "national-day", "laba"}


class CommunityOptions(FormatOptions):
    date: dt.date | None = Field(None, description="the day the kit is for (YYYY-MM-DD; default: today); "
                                                   "festivals are counted from it")
    days: int = Field(30, ge=1, le=366, description="festival and shopping-day window in days")
    angle: str = Field("story", description="angle of the announcement: " + ", ".join(KINDS))

    @field_validator("angle")
    @classmethod
    def _angle(cls, v: str) -> str:
        if v not in KINDS:
            raise ValueError(f"must be one of {', '.join(KINDS)}")
        return v


def build_date(value: dt.date | None) -> dt.date:
    return value or dt.date.today()


def _topical(keyword: str, text: str, cjk: bool) -> bool:
    """A keyword a fan can talk about: for Chinese, one jieba tags as a noun or a name in this
    sentence (not "而已", "一下", "这家"); for English, one that names a thing (not "open",
    "Chinese" or "drink tea" alone; multi-word phrases rank first)."""
    if not cjk:
        from contentkit.analysis import en_thing

        return en_thing(keyword)
    from contentkit.analysis import _ZH_TAG_FLAGS, _ZH_TAG_STOP
    from contentkit.editorial.lexicon import simplified, tagged

    if keyword in _ZH_TAG_STOP or simplified(keyword) in _ZH_TAG_STOP:
        return False
    return any(w == keyword and f in _ZH_TAG_FLAGS for w, f in tagged(text))


def _keyword(text: str, story: Story, used: set[str]) -> str:
    """The story keyword this sentence is about: not the title's, not one a topic already has,
    and something to talk about (a noun or a name; in English, phrases first)."""
    taken = [u.lower() for u in used]
    cjk = story.a.is_cjk
    found = [k for k in story.a.keywords if k.lower() in text.lower()
             and not any(k.lower() in u or u in k.lower() for u in taken) and _topical(k, text, cjk)]
    if not cjk:
        found.sort(key=lambda k: -min(len(k.split()), 2))  # stable: keyword rank within each group
    for k in found:
        if k not in story.title and k not in used:
            return k
    return next((k for k in found if k not in used), "")


def topics(story: Story, n: int = 7) -> list[dict]:
    """``n`` distinct topics, strongest points first, then the sections' own sentences."""
    loc = story.a.messages_locale
    questions = msg(loc, "community.topic_q")
    rows: list[tuple[int, str]] = [(kp.section, kp.text) for kp in sorted(
        story.a.key_points, key=lambda kp: -kp.score) if kp.section >= 0]
    rows += [(si, u.text) for si, us in enumerate(story.a.units) for u in us if u.standalone]
    seen: set[str] = set()
    used_k: set[str] = set()
    out: list[dict] = []
    for strict in (True, False):  # sentences about a keyword first; then any, on their section
        for si, text in rows:
            if text in seen or len(out) >= n or visible_len(text) < 8:
                continue
            k = _keyword(text, story, used_k)
            if not k:
                if strict or not (0 <= si < len(story.sections)) or story.sections[si].inferred:
                    continue
                k = story.sections[si].label
            seen.add(text)
            used_k.add(k)
            out.append({"day": 0, "quote": text, "question": "", "k": k, "section": si})
    order = {text: i for i, (_, text) in enumerate(rows)}
    out.sort(key=lambda t: order[str(t["quote"])])  # a week that follows the story
    for i, t in enumerate(out):
        t["day"] = i + 1
        t["question"] = questions[i % len(questions)].format(k=t.pop("k"))
    return out


def faq(story: Story, n: int = 5) -> list[dict]:
    """Questions on the story's sections; each answer is the section's first standalone sentence."""
    loc = story.a.messages_locale
    qs = msg(loc, "community.faq_q")
    out: list[dict] = []
    for si, sec in enumerate(story.sections):
        units = [u.text for u in story.a.units[si] if u.standalone] if si < len(story.a.units) else []
        if not units or not sec.heading or sec.heading == story.title:
            continue
        out.append({"question": qs[len(out) % len(qs)].format(h=sec.label), "answer": units[0], "section": si})
        if len(out) >= n:
            break
    return out


def poll(story: Story) -> dict:
    loc = story.a.messages_locale
    opts = [s.label for s in story.sections if s.heading and s.heading != story.title][:4]
    if len(opts) < 2:
        opts = list(story.a.keywords[:4])
    return {"question": msg(loc, "community.poll_q"), "options": opts, "reply": msg(loc, "community.poll_reply")}


def festivals(story: Story, start: dt.date, days: int) -> list[dict]:
    from contentkit.festivals import upcoming

    loc = story.a.messages_locale
    brand = story.meta.brand.name or story.meta.author or story.title
    signoff = story.meta.brand.sign_off or story.meta.cta or brand
    offer = story.meta.product.offer if story.meta.product and story.meta.product.offer else ""
    out = []
    for d in upcoming(start, days, story.a.language):
        greeting = (msg(loc, "community.greet_shop", name=d.name, offer=offer or signoff) if d.kind == "shopping"
                    else msg(loc, "community.greet", name=d.name, brand=brand, signoff=signoff)
                    if story.meta.brand.name  # a person is no group to be "part of"
                    else msg(loc, "community.greet_host", name=d.name, signoff=signoff))
        row = {"date": d.date.isoformat(), "key": d.key, "name": d.name, "kind": d.kind, "greeting": greeting}
        if d.key in RED_PACKET and story.a.is_cjk:
            row["red_packet"] = msg(loc, "community.greet_red", name=d.name)
        out.append(row)
    return out


def kit(story: Story, o: CommunityOptions) -> dict:
    loc = story.a.messages_locale
    start = build_date(o.date)
    lead = angle(story, o.angle)
    body = fit_sentences(list(lead.lines), BUBBLE_MAX // 2, visible_len)[0] if lead.lines else []
    announce = "\n\n".join(x for x in (
        msg(loc, "community.announce", title=story.title), join_sentences(body),
        msg(loc, "community.announce_read"), story.meta.brand.sign_off or story.meta.cta) if x)
    return {
        "schema": SCHEMA, "title": story.title, "language": story.a.language, "date": start.isoformat(),
        "days": o.days, "angle": lead.kind,
        "announcement": announce,
        "topics": topics(story),
        "poll": poll(story),
        "faq": faq(story),
        "moderator": [m.format(title=story.title) for m in msg(loc, "community.mod")],
        "rules": list(msg(loc, "community.rules")),
        "festivals": festivals(story, start, o.days),
    }


def messages(data: dict, loc: str) -> list[tuple[str, str]]:
    """(file name, text) per chat message, in posting order."""
    out = [("announcement", data["announcement"])]
    for t in data["topics"]:
        out.append((f"topic-day-{t['day']}", f"{msg(loc, 'community.day', n=t['day'])} · {t['quote']}\n\n"
                                              f"{t['question']}"))
    p = data["poll"]
    out.append(("poll", p["question"] + "\n" + "\n".join(f"{chr(65 + i)}. {x}" for i, x in enumerate(p["options"]))
                + "\n" + p["reply"]))
    for i, f in enumerate(data["faq"], start=1):
        out.append((f"faq-{i}", f"Q: {f['question']}\nA: {f['answer']}"))
    out.append(("rules", "\n".join(f"{i}. {r}" for i, r in enumerate(data["rules"], start=1))))
    for i, m in enumerate(data["moderator"], start=1):
        out.append((f"moderator-{i}", m))
    for f in data["festivals"]:
        text = "\n".join(x for x in (f["greeting"], f.get("offer", ""), f.get("red_packet", "")) if x)
        out.append((f"{f['date']}-{f['key']}", text))
    return out


def markdown(data: dict, loc: str) -> str:
    def m(key: str, **kw) -> str:
        return msg(loc, "community.md." + key, **kw)

    md = [f"# {m('title', title=data['title'])}", "", f"## {m('announce')}", "", data["announcement"], "",
          f"## {m('topics')}", ""]
    for t in data["topics"]:
        md += [f"**{msg(loc, 'community.day', n=t['day'])}**: {t['question']}", "",
               f"> {msg(loc, 'community.source')}{'' if loc.startswith('zh') else ' '}{t['quote']}", ""]
    p = data["poll"]
    md += [f"## {m('poll')}", "", p["question"], ""] + [f"- {chr(65 + i)}. {x}" for i, x in enumerate(p["options"])]
    md += ["", f"## {m('faq')}", ""]
    for f in data["faq"]:
        md += [f"**Q: {f['question']}**", "", f"A: {f['answer']}", ""]
    md += [f"## {m('mod')}", ""] + [f"- {x}" for x in data["moderator"]]
    md += ["", f"## {m('rules')}", ""] + [f"{i}. {r}" for i, r in enumerate(data["rules"], start=1)]
    end = (dt.date.fromisoformat(data["date"]) + dt.timedelta(days=data["days"] - 1)).isoformat()
    md += ["", f"## {m('festivals', start=data['date'], end=end)}", ""]
    if not data["festivals"]:
        md.append(m("none"))
    for f in data["festivals"]:
        md.append(f"- **{f['date']} {f['name']}**: " + " / ".join(
            x for x in (f["greeting"], f.get("offer", ""), f.get("red_packet", "")) if x))
    return "\n".join(md).rstrip() + "\n"


class CommunityFormat(Format[CommunityOptions]):
    name = "community"
    description = "Community kit: announcement, a week of topics, poll, FAQ from the story, rules, festival copy"
    options_model = CommunityOptions

    def renders(self, platform) -> bool:
        return False  # one kit per story, for any group chat

    def cache_inputs(self, story: Story, options: CommunityOptions) -> list:
        return [build_date(options.date).isoformat()]  # the festivals ahead depend on the day

    def render(self, story: Story, options: CommunityOptions, out: Output) -> list[Artifact]:
        loc = story.a.messages_locale
        data = kit(story, options)
        arts = [out.write("community/kit.json", dumps(data), format=self.name),
                out.write("community/kit.md", markdown(data, loc), format=self.name)]
        for i, (name, text) in enumerate(messages(data, loc), start=1):
            warnings = []
            if visible_len(text) > BUBBLE_MAX:
                warnings.append(f"message over {BUBBLE_MAX} characters: split it before posting")
            arts.append(out.write(f"community/messages/{i:02d}-{name}.txt", text.rstrip() + "\n",
                                  format=self.name, warnings=warnings))
        return arts


plugin = CommunityFormat()
