"""Angles: the ways one story can be told, each backed by the story's own sentences.

A series is not the same post six times: a narrative telling, the history and facts, the
people and anecdotes, the how-to, a Q&A, the product. Each angle is offered only when the
story has material for it, and carries that material (whole standalone sentences, in story
order) so a format can tell the story from that side without inventing anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from contentkit.story import Story

KINDS = ("story", "history", "people", "howto", "qa", "product")

_YEAR = re.compile(r"((1\d{3}|20\d{2})\s*年|公元|世纪|距今|[一二三四五六七八九十百千万]+(年前|千年)|王朝|朝代|"
                   r"\b(in|by|since|from) (1\d{3}|20\d{2})\b|\bcentur(y|ies)\b|\bancient\b|\bmedieval\b|"
                   r"\b\d+ years ago\b|\bdynasty\b|\b\d{3,4} (BC|BCE|AD)\b)", re.I)
_PEOPLE = re.compile(r"[“「\"].{4,}[”」\"]|(说：|说道|写道|回忆说|告诉我)|\b(said|says|wrote|told|asked|recalls?)\b")
_HOWTO = re.compile(r"(如何|怎么|怎样|步骤|技巧|建议|记得|可以试|不妨|注意|方法)|"
                    r"\b(how to|tips?|steps?|try|remember|make sure|you can|you should)\b", re.I)
_QUESTION = re.compile(r"[?？]\s*$")


@dataclass(frozen=True)
class Angle:
    kind: str
    lines: tuple[str, ...]  # standalone sentences from the story, in story order
    sections: tuple[int, ...]

    @property
    def lead(self) -> str:
        return self.lines[0] if self.lines else ""


def find_angles(story: Story) -> tuple[Angle, ...]:
    """The angles this story supports, in KINDS order; ``story`` always, the others when the
    text has at least one (``history``, ``howto``: two) sentence for them."""
    units = [(si, u) for si, us in enumerate(story.a.units) for u in us if u.standalone]
    picked: dict[str, list[tuple[int, str]]] = {k: [] for k in KINDS}
    hook = story.a.hook
    # a hook that is the title says nothing the post's heading has not said ("持續更新中" was
    # dropped from a list post, leaving its title as the hook)
    picked["story"] = [(-1, story.hook_line)] if story.hook_line else []
    for si, u in units:
        t = u.text
        if t in hook:  # the hook is made of the opening sentences
            continue
        # the telling is a few sentences: one item of a long list is no sentence of it (an
        # announcement showed 2 of 15 apps)
        if len(picked["story"]) < 4 and (not picked["story"] or si <= 1) and not u.item:
            picked["story"].append((si, t))
        if _YEAR.search(t):
            picked["history"].append((si, t))
        if u.kind == "quote" or _PEOPLE.search(t):
            picked["people"].append((si, t))
        if u.kind == "list" or _HOWTO.search(t):
            picked["howto"].append((si, t))
        if _QUESTION.search(t):
            picked["qa"].append((si, t))
    if not picked["qa"]:  # the story's own key points answer the questions a fan asks
        picked["qa"] = [(kp.section, kp.text) for kp in story.a.key_points[:3]]
    product = story.meta.product
    if product and product.name:
        picked["product"] = [(-1, " · ".join(x for x in (product.name, product.price, product.offer) if x))]
    need = {"history": 2, "howto": 2}
    out = []
    for kind in KINDS:
        rows = picked[kind][:6]
        if len(rows) >= need.get(kind, 1) or kind == "story":  # story, even with no line to tell it by
            out.append(Angle(kind, tuple(t for _, t in rows), tuple(sorted({s for s, _ in rows if s >= 0}))))
    return tuple(out)


def angle(story: Story, kind: str) -> Angle:
    """One angle by name; an angle the story has no material for falls back to ``story``."""
    found = {a.kind: a for a in find_angles(story)}
    return found.get(kind) or found["story"]


def told_from(story: Story, kind: str | None) -> Story:
    """The story told from one angle, for any format (``article.angle``, ``cards.angle``,
    ``video.angle``): the angle's first sentence becomes the hook, and the key points from
    the angle's sections outrank the others (formats rank key points by score; their story
    order is kept). ``None`` or
    ``story`` returns the story as it is; an angle the story has no material for falls back
    to ``story``, so nothing is invented."""
    import dataclasses

    if not kind or kind == "story":
        return story
    a = angle(story, kind)
    if a.kind == "story" or not a.lead:
        return story
    inside = set(a.sections)
    lines = set(a.lines)
    top = max((kp.score for kp in story.a.key_points), default=0.0)
    points = tuple(dataclasses.replace(kp, score=kp.score + top + 1.0)
                   if (kp.section in inside or kp.text in lines) else kp for kp in story.a.key_points)
    hook = a.lead if a.kind != "product" else story.a.hook
    return dataclasses.replace(story, analysis=dataclasses.replace(story.a, hook=hook, key_points=points))
