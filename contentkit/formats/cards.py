"""The ``cards`` format: a carousel of PNG image cards per platform size.

Cover, one card per strong key point or section (a heading and a few short lines, or a list),
quote cards for quotes and bold key sentences, an image card for a local image, and a closing
call-to-action card, numbered 2/8. Text is fitted to its box (never clipped): when it cannot
fit at the minimum legible size it moves to a further card. Layout data for every card
(each text block's lines, size and measured boxes) is written to ``cards.json``.
"""

from __future__ import annotations

import functools
import re

from dataclasses import replace

from typing import Literal

from pydantic import Field

from contentkit import proc
from contentkit.canvas import (
    CardLayout,
    Designer,
    Fonts,
    PngEncoder,
    SafeArea,
    Spec,
    draw,
    png_kind,
    split_spec,
    usable_image,
)
from contentkit.editorial import opener_kind
from contentkit.editorial.units import announces, drop_connective, heading_alone, item_line, name_referent, step_lines, title_subject
from contentkit.errors import UsageError
from contentkit.output import Artifact, Output
from contentkit.messages import msg
from contentkit.text import capitalised, cjk_count, is_cjk_text, join_sentences, opening_clause, split_sentences
from contentkit.platforms import get_platform
from contentkit.plugins import Format, FormatOptions
from contentkit.story import Image, ListBlock, Paragraph, Quote, Story

CARD_PLATFORMS = ("xiaohongshu", "instagram", "instagram-square", "story", "wechat-moments")


class CardsOptions(FormatOptions):
    theme: str = Field("paper", description="built-in theme name (see `contentkit themes`) or a theme .toml path")
    font: str | None = Field(None, description="font file for all card text (path, or path#index for .ttc)")
    max_cards: int | None = Field(None, ge=3, le=20, description="cards per carousel (default: platform's)")
    angle: Literal["story", "history", "people", "howto", "qa", "product"] = Field(
        "story", description="tell it from one angle: its hook and strongest points from the story's "
        "history, people, how-to, Q&A or product sentences (falls back to story where it has none)")
    brand_accent: bool = Field(True, description="use the story's brand colour as the accent")
    contact_sheet: bool = Field(True, description="also write a contact-sheet PNG of the carousel")


def plan(story: Story, warnings: list[str] | None = None) -> list[Spec]:
    """Candidate cards in story order (cover first, CTA last), before sizes are known."""
    a, meta = story.a, story.meta
    byline = " · ".join(x for x in (meta.author, meta.persona) if x)
    specs = [Spec("cover", heading=story.title, body=meta.subtitle or story.hook_line, attribution=byline,
                  order=-1, score=99)]
    points = {kp.section: kp for kp in a.key_points if kp.section >= 0}
    bold = {p for sec in story.sections for b in sec.blocks if isinstance(b, Paragraph)
            for p in b.text.strong_parts if len(p) >= 6}
    image_done = False
    figures = 0
    for si, sec in enumerate(story.sections):
        kp = points.get(si)
        if kp is not None and kp.text.strip() == specs[0].body.strip():
            # the cover's line under the title already: the part's next-best point, never the
            # same sentence twice in a carousel of seven
            kp = next((p for p in a.more_points if p.section == si and p.text.strip() != kp.text.strip()), None)
        media = _media_card(sec, si, kp, not image_done, warnings, story.title, a.is_cjk)
        if media is not None and media.kind == "quote" and media.body.strip() == specs[0].body.strip():
            media = None  # the hook under the cover's title already: not a second time
        if media is not None:
            image_done = image_done or media.kind == "image"
            specs.append(media)
            continue
        if sec.heading:
            spec = _list_card(sec, si, kp, a.is_cjk) or _point_card(sec, si, kp, a, bold)
            if spec is not None and spec.kind in ("point", "list") and figures < 2:
                lead = _figure_card(spec, a.is_cjk)
                if lead is not None:
                    spec, figures = lead, figures + 1
            if spec is not None:
                specs.append(spec)
    _more_cards(specs, story)
    tags = " ".join(f"#{t}" for t in a.hashtags[:6])
    cta = meta.cta or msg(a.messages_locale, "follow")
    specs.append(Spec("cta", heading=cta, body=meta.brand.handle or meta.brand.name or meta.author,
                      attribution=tags, order=1e9, score=99))
    for sp in specs:
        sp.marks = _marks(sp, a, bold, story.title)
    return specs


MIN_CONTENT_CARDS = 4


def _more_cards(specs: list[Spec], story: Story) -> None:
    """A story of few, long sections still makes a carousel: the next-best points of its long
    sections (each standalone, none already on a card) until it has MIN_CONTENT_CARDS."""
    a = story.a
    cjk = a.is_cjk
    shown = " ".join([story.a.hook, story.meta.subtitle] + [sp.body for sp in specs])
    n = sum(1 for sp in specs if sp.kind != "cover")
    for k, kp in enumerate(a.more_points):
        if n >= MIN_CONTENT_CARDS:
            break
        if kp.text in shown:
            continue
        sec = story.sections[kp.section]
        heading = heading_alone(sec.label, cjk)
        specs.append(Spec("point", heading=heading, body=step_lines(after_heading(kp.text, heading)), section=kp.section,
                          score=kp.score - 0.5, order=kp.section + 0.6 + k / 100.0))
        shown += " " + kp.text
        n += 1
    specs.sort(key=lambda sp: sp.order)


def _marks(spec: Spec, a, bold: set[str], title: str) -> tuple[str, ...]:
    """What the card emphasises: the author's bold first, then numbers, then keywords."""
    from contentkit.editorial.emphasis import emphasis

    if spec.kind == "cta":
        return ()
    if spec.kind == "cover":
        return emphasis(spec.heading, a.is_cjk, keywords=a.keywords[:8], limit=1)
    text = "\n".join([spec.heading, spec.body])
    strong = tuple(p for p in bold if p in text)
    # the story's topic words (those of its title) are on every card: marking them marks nothing
    keywords = tuple(k for k in a.keywords[:12] if k.lower() not in title.lower())
    return emphasis(text, a.is_cjk, strong=strong, keywords=keywords, limit=2)


def _figure_card(spec: Spec, cjk: bool) -> Spec | None:
    """A point whose heading leads with a year ("1855：...") or whose point turns on a number
    ("距今约八千年") becomes a big-number card."""
    from contentkit.editorial.emphasis import figure

    head = figure(spec.heading, cjk)
    if head is not None and spec.heading.lstrip().startswith(head[0]):
        rest = spec.heading.lstrip()[len(head[0]):].lstrip(" ：:，,.-—")
        return replace(spec, kind="number", figure=head[0], unit=head[1], heading=rest or spec.heading)
    body = figure(spec.body, cjk) if spec.kind == "point" else None
    if body is not None and body[1]:
        return replace(spec, kind="number", figure=body[0], unit=body[1])
    return None


def card_fonts(story: Story, specs: list[Spec], theme, font: str | None, warnings: list[str]) -> Fonts:
    """Title and body fonts that cover every card's text; what no font has (emoji, rare
    symbols) is removed from the specs rather than drawn as boxes."""
    from contentkit.layout import clean_for_font, pick_font

    lang = story.a.language
    all_text = "".join(s.heading + s.body + "".join(s.items) + s.attribution + s.label + s.figure + s.unit
                       for s in specs)
    all_text += story.meta.brand.name + "0123456789/" + (
        msg(story.a.messages_locale, "continued") + "“—•" if story.a.is_cjk else "")

    def role_font(role_name: str):
        value = getattr(theme.fonts, role_name)
        explicit = font or story.meta.brand.font_for(role_name) or (value if value not in ("serif", "sans") else None)
        return pick_font(value if value in ("serif", "sans") else "sans", lang, all_text, explicit, warnings,
                         bold=role_name == "title" and theme.style.title_bold > 0)

    fonts = Fonts(role_font("title"), role_font("body"))
    for s in specs:
        s.heading = clean_for_font(s.heading, fonts.title, warnings)
        s.body = clean_for_font(s.body, fonts.body, warnings)
        s.items = tuple(clean_for_font(i, fonts.body, warnings) for i in s.items)
        s.attribution = clean_for_font(s.attribution, fonts.body, warnings)
        s.label = clean_for_font(s.label, fonts.title, warnings)
    return fonts


def _quote_text(text: str, si: int, title: str, cjk: bool) -> str | None:
    """A quote as a card shows it: whole, with a pointer at the title's subject named
    ("这款笔记本电脑…" opening the story); None when it leans on a sentence it does not have."""
    if (cjk_count(text) if cjk else len(text.split())) < (8 if cjk else 4):
        return None  # "> **[预购][11]**": a button quoted, not a quote
    if announces(text, cjk):
        return None  # "…這樣做的好處是：": an announcement, what it announces is not quoted
    first = (split_sentences(text) or [text])[0]
    if opener_kind(first, cjk) is None:
        return text
    if si == 0:
        return name_referent(text, title_subject(title, cjk), title, cjk)
    return None


def _media_card(sec, si: int, kp, image_allowed: bool, warnings, title: str = "", cjk: bool = False) -> Spec | None:
    """The section's first quote that stands on its own, or (once per carousel) its first usable
    local image."""
    for bi, b in enumerate(sec.blocks):
        order = si + bi / 100.0
        quote = _quote_text(b.text.plain, si, title, cjk) if isinstance(b, Quote) and b.text else None
        if quote:
            return Spec("quote", body=quote, attribution=b.attribution, label=sec.label, section=si,
                        score=3.0, order=order)
        if (isinstance(b, Image) and b.local_path is not None and image_allowed
                and usable_image(b.local_path, warnings)):
            return Spec("image", heading=heading_alone(sec.label, cjk), body=kp.text if kp else (b.title or b.alt),
                        image=b.local_path, section=si, score=(kp.score if kp else 0) + 1.0, order=order)
    return None


@functools.lru_cache(maxsize=1)
def _sequence() -> re.Pattern:
    """A word that only says "next" ("然後…", "Then, …", editorial.toml's ``*_sequence``): an
    announcement shown over its list stands without it."""
    from contentkit.editorial.data import table

    o = table()["openers"]
    zh = "|".join(map(re.escape, o["zh_sequence"]))
    en = "|".join(map(re.escape, o["en_sequence"]))
    return re.compile(rf"^(?:{zh}|(?:{en}),?\s+)[，,]?", re.I)


def _list_card(sec, si: int, kp, cjk: bool) -> Spec | None:
    """A short list with the sentence that introduces it (with the one before when it leans)."""
    short_list = next((b for b in sec.blocks if isinstance(b, ListBlock) and 2 <= len(b.items) <= 6
                       and all(len(item_line(it, cjk)) <= 60 for it in b.items)), None)
    if short_list is None:
        return None
    intro = ""
    for b in reversed(sec.blocks[:sec.blocks.index(short_list)]):
        if isinstance(b, Paragraph):
            sents_b = split_sentences(b.text.plain)
            intro = sents_b[-1] if re.search(r"\w", sents_b[-1]) else ""  # "⭐️⭐️⭐️（⭐️）": a rating, no words
            bare = _sequence().sub("", intro)
            if bare != intro and opener_kind(bare, cjk) is None and announces(bare, cjk):
                intro = bare  # "然後解決衍伸問題：" over its list: what comes next needs no "then"
            if opener_kind(intro, cjk) is not None:  # "这家大概就是：" needs the sentence before it
                both = join_sentences(sents_b[-2:]) if len(sents_b) > 1 else ""
                fits = both and (len(both) <= 80 if cjk else len(both.split()) <= 40)
                intro = both if fits and opener_kind(both, cjk) is None else ""
            break
    return Spec("list", heading=heading_alone(sec.label, cjk), body=intro,
                items=tuple(item_line(it, cjk) for it in short_list.items),
                section=si, score=(kp.score if kp else 0.0) + 0.3, order=si + 0.5)


def _point_card(sec, si: int, kp, a, bold: set[str]) -> Spec | None:
    """The section's key point (a quote card when the author set it in bold), with the sentence
    after it when both are short."""
    sents = list(a.sentences[si])
    if kp is None or not sents:
        return None
    score = kp.score
    if kp.text in bold:
        return Spec("quote", body=kp.text, label=sec.label, section=si, score=score + 0.2, order=si + 0.5)
    body = [kp.text]
    if kp.text in sents:
        i = sents.index(kp.text)
        if i + 1 < len(sents) and len(kp.text) + len(sents[i + 1]) <= (70 if a.is_cjk else 200) \
                and len(a.run(sents[i:i + 2], 2)) == 2:
            body.append(sents[i + 1])
    heading = heading_alone(sec.label, a.is_cjk)
    # a procedure's steps one to a line ("①牛里脊切片…②芹菜切段…" read as one block of text)
    return Spec("point", heading=heading, body=step_lines(after_heading(join_sentences(body), heading)),
                section=si, score=score, order=si + 0.5)


def after_heading(body: str, heading: str) -> str:
    """A card's body without the clause its heading already says in large type: a headingless
    story's part is titled by one of its own clauses ("咖啡机有好几种" over "咖啡机有好几种，比如说胶囊
    咖啡机…", "You eliminate the entire staging process" over that sentence and the next). Only a
    whole clause or sentence goes, and only with at least as much again left after it."""
    end = opening_clause(body, heading)
    if end < 0:
        return body
    rest = body[end:]
    cjk = is_cjk_text(body)
    # "Hampton is a nice speaker" over "And it was indeed entertaining talk.": the rest of a
    # sentence goes without its "and"; an English rest that points back ("it", "they") keeps
    # the clause it points at ("比如说胶囊咖啡机…" under "咖啡机有好几种" needs no more)
    rest = drop_connective(rest, cjk)
    if not cjk and opener_kind(rest, cjk) is not None:
        return body
    if rest[:1].islower():
        rest = capitalised(rest)  # "Terroir matters: soil and sun…" -> "Soil and sun…"
    return rest if len(rest) >= end else body


class CardsFormat(Format[CardsOptions]):
    default_platforms = CARD_PLATFORMS

    def renders(self, platform) -> bool:
        """Any platform the table gives a card size can be rendered."""
        return platform.card_size is not None

    name = "cards"
    description = "Image-card carousel (PNG) per platform size: cover, key points, quotes, image, CTA"
    options_model = CardsOptions

    def cache_inputs(self, story: Story, options: CardsOptions) -> list:
        from contentkit.cache import user_file

        return [user_file(options.theme), user_file(options.font)]

    def render(self, story: Story, options: CardsOptions, out: Output) -> list[Artifact]:
        from contentkit.editorial.angles import told_from
        from contentkit.layout import clean_for_font, forget_faces
        from contentkit.themes import load_theme

        story = told_from(story, options.angle)
        theme = load_theme(options.theme)
        if options.brand_accent and story.meta.brand.color:
            theme = theme.with_accent(story.meta.brand.color)
        lang = story.a.language
        warnings: list[str] = []
        specs = plan(story, warnings)
        fonts = card_fonts(story, specs, theme, options.font, warnings)
        cover_image = next((s.image for s in specs if s.image is not None), None)
        if cover_image is None:
            cover_image = next((img.local_path for img in story.images()
                                if img.local_path is not None and usable_image(img.local_path)), None)
        brand = clean_for_font(story.meta.brand.name or story.meta.author, fonts.body)

        names = list(options.platforms or self.default_platforms)
        for pname in names:
            if get_platform(pname).card_size is None:  # plan() only lets platforms with a card size through
                raise UsageError(f"platform '{pname}' has no card size")

        def platform_cards(pname: str, pngs: PngEncoder, into: Output, said: list[str]) -> None:
            platform = get_platform(pname)
            assert platform.card_size is not None
            w, h = platform.card_size
            limit = options.max_cards or (platform.cards_max or 9)
            designer = Designer(w, h, theme, fonts, SafeArea.of(platform), lang, brand, said,
                                logo=story.meta.brand.logo)
            layouts = self._select([replace(s) for s in specs], designer, limit, story.a.is_cjk, said, pname)
            records = []
            n = len(layouts)
            c = theme.colors
            exact = (c.background, c.background2, c.text, c.accent, c.on_accent, c.muted)
            for i, lay in enumerate(layouts, start=1):
                rel = f"cards/{pname}/{i:02d}-{lay.spec.kind}.png"
                pngs.submit(rel, draw(lay, theme, cover_image), png_kind(lay, theme, cover_image), exact,
                            sheet=options.contact_sheet, format=self.name, platform=pname, width=w, height=h)
                records.append(_record(lay, rel, i, n))
            pngs.submit_sheet(f"cards/{pname}/contact-sheet.png", format=self.name, platform=pname)
            pngs.later(functools.partial(into.write_json, f"cards/{pname}/cards.json", {
                "platform": pname, "width": w, "height": h, "theme": theme.name,
                "fonts": {"title": fonts.title.label, "body": fonts.body.label},
                "cards": records}, format=self.name, platform=pname))
            pngs.checkpoint()
            forget_faces()  # the next platform's card size fits at other font sizes

        def apart(pname: str) -> tuple[list, list[str]]:
            """One platform in a forked process: its files go to the staging folder, and what
            it registered and warned comes back to be merged in platform order."""
            branch = out.branch()
            said: list[str] = []
            pngs = PngEncoder(branch)
            platform_cards(pname, pngs, branch, said)
            pngs.write_all()
            return branch.events or [], said

        processes = proc.forks(len(names))
        if processes > 1:
            # the platforms' layout and drawing hold the GIL: cores help only as processes
            def cost(pname: str) -> int:  # pixels to draw and encode
                platform = get_platform(pname)
                w, h = platform.card_size or (0, 0)
                return w * h * (options.max_cards or platform.cards_max or 9)

            for events, said in proc.fork_map(apart, names, processes, cost):
                out.merge(events)
                warnings.extend(said)
        else:
            pngs = PngEncoder(out)
            for pname in names:
                platform_cards(pname, pngs, out, warnings)
            pngs.write_all()  # encoded on threads while the next platform was laid out
        for w_ in dict.fromkeys(warnings):
            out.warn(f"cards: {w_}")
        return [a for a in out.artifacts if a.format == self.name]

    def _select(self, specs: list[Spec], designer: Designer, limit: int, cjk: bool,
                warnings: list[str], pname: str) -> list[CardLayout]:
        """Keep the strongest candidates that fit the carousel, each fitted (split onto further
        cards when its text needs them) strongest first: the first that would overflow the
        room ends the carousel, so weaker candidates are never laid out (the same cards as
        fitting all and dropping the weakest until they fit, at a fraction of the layouts on a
        long story)."""
        first = self._fit_group(specs[0], designer, cjk, warnings)
        last = self._fit_group(specs[-1], designer, cjk, warnings)
        candidates = sorted(specs[1:-1], key=lambda s: (-s.score, s.order))
        room = max(1, limit - 2)
        middle: list[list[Spec]] = []
        used = 0
        for spec in candidates:
            group = self._fit_group(spec, designer, cjk, warnings)
            if used + len(group) > room:
                break
            middle.append(group)
            used += len(group)
        chosen = [first] + sorted(middle, key=lambda g: g[0].order) + [last]
        flat = [s for g in chosen for s in g]
        # number points 01, 02 ... in final order
        k = 0
        for s in flat:
            if s.kind == "point" and not s.cont:
                k += 1
                s.label = f"{k:02d}"
            elif s.kind == "point":
                s.label = f"{k:02d}"
        n = len(flat)
        layouts = []
        for i, s in enumerate(flat, start=1):
            lay = designer.layout(s, f"{i}/{n}")
            if lay is None:  # cannot happen: every spec was fitted with the widest page label
                raise RuntimeError(f"card {i} no longer fits")
            layouts.append(lay)
        return layouts

    def _fit_group(self, spec: Spec, designer: Designer, cjk: bool, warnings: list[str]) -> list[Spec]:
        probe_page = "88/88"
        if spec.kind == "point":
            spec = replace(spec, label="88")
        if designer.layout(spec, probe_page) is not None:
            return [spec]
        parts = split_spec(spec, cjk)
        if parts is None:
            # a single sentence too long for any card: shorten it at a boundary, and say so
            from contentkit.text import shorten

            fields = ["body", "heading"] if spec.kind == "cover" else (
                ["heading"] if spec.kind == "cta" else ["body"])
            trial = spec
            for fld in fields:
                text = getattr(trial, fld)
                for limit in (160, 120, 90, 60, 40, 24, 0):
                    short = shorten(text, limit) if limit else ""
                    if not short and fld != "body":
                        continue
                    cand = replace(trial, **{fld: short})  # type: ignore[arg-type]  # fld is a str field
                    if designer.layout(cand, probe_page) is not None:
                        warnings.append(f"{spec.kind} card {fld} too long for any card; "
                                        + (f"shortened to '{short}'" if short else "left out"))
                        return [cand]
                if fld == "body":
                    trial = replace(trial, body="")
            raise RuntimeError(f"cannot lay out {spec.kind} card")
        out: list[Spec] = []
        for part in parts:
            out.extend(self._fit_group(part, designer, cjk, warnings))
        return out


def _record(lay: CardLayout, rel: str, i: int, n: int) -> dict:
    return {
        "index": i,
        "of": n,
        "kind": lay.spec.kind,
        "family": lay.family,
        "marks": list(lay.spec.marks),
        "file": rel,
        "section": lay.spec.section,
        "content_box": list(lay.content_box),
        "image_box": list(lay.image_box) if lay.image_box else None,
        "texts": [{
            "role": p.role,
            "lines": list(p.block.lines),
            "size": p.block.size,
            "box": list(p.block.box),
            "line_boxes": [list(b) for b in p.block.boxes],
        } for p in lay.texts],
    }


plugin = CardsFormat()
