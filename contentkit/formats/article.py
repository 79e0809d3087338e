"""The ``article`` format: platform article text within each platform's real limits.

Variants (one per platform in the profile table that lists ``article``):

* ``longform``   - Markdown + self-contained HTML for a blog or WeChat official account
* ``xiaohongshu`` - a Xiaohongshu note: short title, short paragraphs, hashtags at the end
* ``x``          - an X/Twitter thread, every post within 280 weighted characters, numbered 1/n
* ``newsletter`` - email-safe HTML (tables, inline styles) and a plain-text part

Content is cut only at sentence boundaries, and every cut is reported as a warning.
"""

from __future__ import annotations

import html
import re
from typing import Literal

from pydantic import Field

from contentkit import __version__
from contentkit.editorial import opener_kind
from contentkit.editorial.units import PARA_NUMBER, counted_labels, flat_blocks, link_label, paragraph_sentences, step_lines
from contentkit.output import Artifact, Output
from contentkit.platforms import get_platform
from contentkit.plugins import Format, FormatOptions
from contentkit.render_md import (
    _wrap,
    blocks_html,
    blocks_markdown,
    blocks_text,
    image_name,
    local_images,
)
from contentkit.story import Callout, Code, ListBlock, Paragraph, Quote, Story
from contentkit.text import (
    balanced,
    capitalised,
    close_cut,
    display_width,
    drop_asides,
    fit_sentences,
    is_cjk_text,
    join_sentences,
    marked_line,
    opening_clause,
    shorten,
    split_sentences,
    visible_len,
    weighted_length,
)

EMOJI_BULLETS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟", "📌", "📌")
NUM_BULLETS = tuple(chr(0x2460 + k) for k in range(20))  # ① … ⑳


def _bullet(bullets: tuple[str, ...], i: int) -> str:
    """The ``i``-th point's bullet: numbers never start again (a 13th section was "①" after ⑫);
    past the emoji numbers, a pin."""
    if i < len(bullets):
        return bullets[i]
    return f"{i + 1}." if bullets is NUM_BULLETS else bullets[-1]


class ArticleOptions(FormatOptions):
    emoji: bool = Field(False, description="emoji bullets and accents in the Xiaohongshu note and X thread")
    thread_mode: Literal["summary", "full"] = Field(
        "summary", description="X thread: one post per section (summary) or every sentence (full)")
    embed_images: bool = Field(True, description="embed local images in longform.html as data URIs")
    newsletter_wrap: int = Field(72, ge=0, le=200, description="plain-text newsletter line width (0: no wrap)")
    angle: Literal["story", "history", "people", "howto", "qa", "product"] = Field(
        "story", description="tell it from one angle: its hook and strongest points from the story's "
        "history, people, how-to, Q&A or product sentences (falls back to story where it has none)")


class ArticleFormat(Format[ArticleOptions]):
    name = "article"
    description = "Platform article text: long-form (MD+HTML), Xiaohongshu note, X thread, newsletter"
    options_model = ArticleOptions

    # the platforms this format has a renderer for; plan() refuses any other up front
    RENDERERS = {"longform": "_longform", "wechat": "_wechat", "xiaohongshu": "_xiaohongshu", "x": "_x",
                 "newsletter": "_newsletter", "weibo": "_weibo", "toutiao": "_toutiao",
                 "zhihu": "_zhihu"}
    default_platforms = tuple(RENDERERS)

    def renders(self, platform) -> bool:
        return platform.name in self.RENDERERS

    def cache_inputs(self, story: Story, options: ArticleOptions) -> list:
        return []  # the story and the options are all it reads

    def render(self, story: Story, options: ArticleOptions, out: Output) -> list[Artifact]:
        from contentkit.editorial.angles import told_from

        story = told_from(story, options.angle)
        wanted = options.platforms or self.default_platforms
        arts: list[Artifact] = []
        images_copied = False
        for platform in wanted:
            if platform in ("longform", "newsletter", "zhihu") and not images_copied:  # wechat embeds its own
                for img in local_images(story):
                    assert img.local_path is not None  # local_images() yields only found files
                    arts.append(out.write(f"article/images/{image_name(img)}", img.local_path.read_bytes(),
                                          format=self.name, platform=platform))
                images_copied = True
            arts.extend(getattr(self, self.RENDERERS[platform])(story, options, out))
        return arts

    # ------------------------------------------------------------------ long-form
    def _longform(self, story: Story, o: ArticleOptions, out: Output) -> list[Artifact]:
        p = get_platform("longform")
        warnings: list[str] = []
        a = story.a
        over = story.meta.platform_override("longform")
        title = str(over.get("title") or story.title)
        title = _limit(title, p.title_max, len, "title", warnings)
        digest = _digest(story, p.digest_max)
        reading = _reading(story)
        tags = _hashtag_line(over.get("hashtags") or a.hashtags, 8)
        cta = str(over.get("cta") or story.meta.cta)

        md = [f"# {title}", ""]
        if story.meta.subtitle:
            md += [f"*{story.meta.subtitle}*", ""]
        byline = " · ".join(x for x in (story.meta.author, reading) if x)
        md += [f"> {byline}", ""]
        for sec in story.sections:
            if sec.heading and not sec.inferred:  # found headings steer social formats only
                md += ["#" * max(2, min(sec.level, 6)) + " " + sec.heading, ""]
            body = blocks_markdown(sec.blocks)
            if body:
                md += [body, ""]
        if cta:
            md += ["---", "", f"**{cta}**", ""]
        if sign_off(story, "longform"):
            md += [sign_off(story, "longform"), ""]
        if tags:
            md += [tags, ""]
        arts = [out.write("article/longform.md", "\n".join(md).rstrip() + "\n", format=self.name,
                          platform="longform", warnings=list(warnings))]

        from contentkit.templating import render_with_font
        html_warnings: list[str] = []
        sections = [{"heading": "" if s.inferred else s.heading, "level": max(2, min(s.level, 6)),
                     "html": blocks_html(s.blocks, cjk=a.is_cjk, embed_images=o.embed_images,
                                         warnings=html_warnings, locale=a.messages_locale)}
                    for s in story.sections]
        page = render_with_font("longform.html.j2", story=story,
            lang=a.language, version=__version__, title=title, subtitle=story.meta.subtitle,
            author=story.meta.author, reading=reading, digest=digest, sections=sections,
            cta=cta, hashtags=tags, accent=_accent(story))
        arts.append(out.write("article/longform.html", page, format=self.name, platform="longform",
                              warnings=warnings + html_warnings))
        return arts

    # ------------------------------------------------------------------ wechat
    def _wechat(self, story: Story, o: ArticleOptions, out: Output) -> list[Artifact]:
        """An official-account article to paste into the WeChat editor: every style inline (the
        editor drops <style>), images embedded, and external links (which WeChat does not
        allow) turned into numbered references at the end, as doocs/md does."""
        import css_inline

        from contentkit.messages import msg
        from contentkit.templating import env

        p = get_platform("wechat")
        warnings: list[str] = []
        a = story.a
        over = story.meta.platform_override("wechat")
        title = _limit(str(over.get("title") or story.title), p.title_max, len, "title", warnings)
        refs: list[tuple[int, str, str]] = []
        sections = []
        for s in story.sections:
            body = blocks_html(s.blocks, cjk=a.is_cjk, embed_images=True, warnings=warnings,
                               locale=a.messages_locale)
            sections.append({"heading": "" if s.inferred else s.heading, "level": max(2, min(s.level, 3)),
                             "html": _links_to_refs(body, refs)})
        byline = " · ".join(x for x in (story.meta.author, _reading(story)) if x)
        page = env().get_template("wechat.html.j2").render(
            lang=a.language, title=title, byline=byline, sections=sections, accent=_accent(story),
            cta=str(over.get("cta") or story.meta.cta), refs=refs,
            refs_label=msg(a.messages_locale, "references"),
            tags=_hashtag_line(over.get("hashtags") or a.hashtags, 6))
        page = css_inline.inline(page, keep_style_tags=False)
        return [out.write("article/wechat.html", page, format=self.name, platform="wechat", warnings=warnings)]

    # ------------------------------------------------------------------ zhihu
    def _zhihu(self, story: Story, o: ArticleOptions, out: Output) -> list[Artifact]:
        """A Zhihu column article as Markdown for the editor's document import: the story's own
        headings and body, a lead paragraph that answers the title (Zhihu's feed shows the first
        lines under the title), links kept (Zhihu allows them), the topics the article needs
        before it can be published, and the call to action."""
        from contentkit.messages import msg

        p = get_platform("zhihu")
        a = story.a
        over = story.meta.platform_override("zhihu")
        title = str(over.get("title") or story.title)
        topics = [str(t).strip("#") for t in (over.get("hashtags") or a.hashtags)][: p.hashtags_max or 3]
        md = [f"# {title}", ""]
        if story.hook_line and a.hook not in blocks_markdown(story.sections[0].blocks if story.sections else []):
            md += [a.hook, ""]
        for sec in story.sections:
            if sec.heading and not sec.inferred:
                md += ["#" * max(2, min(sec.level, 4)) + " " + sec.heading, ""]
            body = blocks_markdown(sec.blocks)
            if body:
                md += [body, ""]
        cta = str(over.get("cta") or story.meta.cta)
        if cta:
            md += ["---", "", cta, ""]
        if sign_off(story, "zhihu"):
            md += [sign_off(story, "zhihu"), ""]
        if topics:
            md += [msg(a.messages_locale, 'topics') + " / ".join(topics), ""]
        return [out.write("article/zhihu.md", "\n".join(md).rstrip() + "\n", format=self.name,
                          platform="zhihu")]

    # ------------------------------------------------------------------ weibo / toutiao
    def _weibo(self, story: Story, o: ArticleOptions, out: Output) -> list[Artifact]:
        return self._micro(story, o, out, "weibo")

    def _toutiao(self, story: Story, o: ArticleOptions, out: Output) -> list[Artifact]:
        return self._micro(story, o, out, "toutiao")

    def _micro(self, story: Story, o: ArticleOptions, out: Output, platform: str) -> list[Artifact]:
        """A micro-post (Weibo, Toutiao 微头条): a lead that works within the folded preview, one
        line per key point, the call to action, and #topic# tags (their double-hash style)."""
        p = get_platform(platform)
        warnings: list[str] = []
        a = story.a
        over = story.meta.platform_override(platform)
        limit = p.body_max or 2000
        fold = p.caption_max or 140
        title = str(over.get("title") or story.title)
        tags = [str(t).strip("#") for t in (over.get("hashtags") or a.hashtags)][: p.hashtags_max or 3]
        tag_line = " ".join(f"#{t}#" for t in tags)
        hook = story.hook_line
        lead = (f"【{title}】{hook}" if a.is_cjk else f"{title}: {hook}") if hook else (
            f"【{title}】" if a.is_cjk else title)
        if visible_len(lead) > fold:
            lead = shorten(lead, fold, visible_len)
            warnings.append(f"lead over the {fold}-character preview: shortened at a boundary")
        bullets = EMOJI_BULLETS if o.emoji else NUM_BULLETS
        points = [kp.text for kp in top_points(story, 8) if kp.text not in a.hook]
        cta = str(over.get("cta") or story.meta.cta)
        kept: list[str] = []
        for i, pt in enumerate(points):
            trial = "\n".join([lead, *kept, f"{_bullet(bullets, i)} {pt}", cta, tag_line])
            if visible_len(trial) > limit:
                warnings.append(f"post over {limit} characters: left out {len(points) - len(kept)} key point(s)")
                break
            kept.append(f"{_bullet(bullets, i)} {step_lines(pt)}")
        text = "\n\n".join(x for x in (lead, "\n".join(kept), cta, sign_off(story, platform), tag_line) if x) + "\n"
        return [out.write(f"article/{platform}.txt", text, format=self.name, platform=platform, warnings=warnings)]

    # ------------------------------------------------------------------ xiaohongshu
    def _xiaohongshu(self, story: Story, o: ArticleOptions, out: Output) -> list[Artifact]:
        p = get_platform("xiaohongshu")
        warnings: list[str] = []
        a = story.a
        over = story.meta.platform_override("xiaohongshu")
        title = str(over.get("title") or story.title)
        title = _limit(title, p.title_max, p.title_length, "title", warnings)
        bullets = EMOJI_BULLETS if o.emoji else NUM_BULLETS
        tags = list(over.get("hashtags") or a.hashtags)[: p.hashtags_max or 10]
        tag_line = " ".join(f"#{t.lstrip('#')}" for t in tags)
        cta = str(over.get("cta") or story.meta.cta)

        intro = story.hook_line
        limit = p.body_max or 1000
        closing = ([("👉 " if o.emoji else "") + cta] if cta else []) + (
            [sign_off(story, "xiaohongshu")] if sign_off(story, "xiaohongshu") else [])
        n_sections = sum(1 for sec in story.sections if sec.heading) or 1
        fixed = visible_len(intro) + sum(visible_len(c) for c in closing) + visible_len(tag_line)
        budget = max(40, min(120, (limit - fixed) // n_sections - 12))
        paragraphs = note_paragraphs(story, intro, budget)
        def body_of(paras: list[str]) -> str:
            paras = [f"{_bullet(bullets, i)} {t}" for i, t in enumerate(paras)]
            parts = [intro] + paras + closing + ([tag_line] if tag_line else [])
            return "\n\n".join(x for x in parts if x)

        kept = [t for _, t in paragraphs]
        dropped = 0
        while visible_len(body_of(kept)) > limit and kept:
            # drop the weakest section, keep story order
            scores = [(paragraphs[i][0], i) for i in range(len(paragraphs)) if paragraphs[i][1] in kept]
            _, weakest = min(scores)
            kept.remove(paragraphs[weakest][1])
            dropped += 1
        if dropped:
            warnings.append(f"body over {limit} characters: left out {dropped} weakest section(s)")
        body = body_of(kept)
        if visible_len(body) > limit:  # intro alone too long: cut at a sentence boundary
            sents = split_sentences(intro)
            kept_s, _ = fit_sentences(sents, limit - visible_len(body_of([]).replace(intro, "")),
                                      visible_len, "")
            intro = join_sentences(kept_s)
            body = body_of([])
            warnings.append(f"body over {limit} characters: shortened the opening at a sentence boundary")
        text = f"{title}\n\n{body}\n"
        return [out.write("article/xiaohongshu.txt", text, format=self.name, platform="xiaohongshu",
                          warnings=warnings)]

    # ------------------------------------------------------------------ x thread
    def _x(self, story: Story, o: ArticleOptions, out: Output) -> list[Artifact]:
        """chunks (a lead line and its units) -> posts -> tags -> numbering."""
        p = get_platform("x")
        warnings: list[str] = []
        a = story.a
        limit = p.post_max_weighted or 280
        max_posts = p.thread_max or 25
        over = story.meta.platform_override("x")
        tags = list(over.get("hashtags") or a.hashtags)[: p.hashtags_max or 2]
        room = limit - weighted_length("\n\n99/99")  # the numbering " 12/12" is reserved in every post
        chunks = thread_chunks(story, o, str(over.get("cta") or story.meta.cta))
        posts, omitted, cut = thread_posts(chunks, room, o.thread_mode, a.is_cjk, warnings)
        if not posts:  # every sentence leaned or had no words ("!" as a title): the title is the thread
            posts = [shorten(story.title, room, weighted_length)]
        if tags:
            tag_text = " ".join(f"#{t}" for t in tags)
            if weighted_length(posts[-1] + "\n\n" + tag_text) <= room:
                posts[-1] += "\n\n" + tag_text
            else:
                posts.append(tag_text)
        if len(posts) > max_posts:
            warnings.append(f"thread over {max_posts} posts: left out the last {len(posts) - max_posts}")
            posts = posts[:max_posts]
        if cut:
            warnings.append(f"{cut} sentence(s) longer than one post were split at a clause or word boundary")
        if omitted:
            warnings.append(f"summary thread: {omitted} sentence(s) left out, one post per section "
                            "(article.thread_mode=full keeps every sentence)")
        n = len(posts)
        numbered = [f"{t}\n\n{i}/{n}" for i, t in enumerate(posts, start=1)]
        for k, t in enumerate(numbered):
            if weighted_length(t) > limit:  # cannot happen after the splits above; never post one
                numbered[k] = shorten(posts[k], room, weighted_length) + f"\n\n{k + 1}/{n}"
                warnings.append(f"post {k + 1} shortened to fit {limit} weighted characters")
        data = {
            "platform": "x", "limit_weighted": limit, "mode": o.thread_mode, "sentences_omitted": omitted,
            "posts": [{"index": i, "text": t, "weighted_length": weighted_length(t)}
                      for i, t in enumerate(numbered, start=1)],
        }
        return [
            out.write("article/x-thread.txt", "\n\n---\n\n".join(numbered) + "\n", format=self.name,
                      platform="x", warnings=warnings),
            out.write_json("article/x-thread.json", data, format=self.name, platform="x"),
        ]

    # ------------------------------------------------------------------ newsletter
    def _newsletter(self, story: Story, o: ArticleOptions, out: Output) -> list[Artifact]:
        p = get_platform("newsletter")
        warnings: list[str] = []
        a = story.a
        over = story.meta.platform_override("newsletter")
        title = _limit(str(over.get("title") or story.title), p.title_max, len, "title", warnings)
        preheader = shorten(story.meta.subtitle or a.hook, p.preheader_max or 90)
        cta = str(over.get("cta") or story.meta.cta)
        product = story.meta.product
        cta_url = product.url if product and product.url else ""
        from contentkit.messages import msg

        brand = story.meta.brand.name or story.meta.author or msg(a.messages_locale, "newsletter")
        accent = _accent(story)
        sections = [{"heading": "" if s.inferred else s.heading,
                     "paragraphs": [x for x in (blocks_html([b], cjk=a.is_cjk, embed_images=False, warnings=warnings,
                                                            locale=a.messages_locale) for b in s.blocks) if x]}
                    for s in story.sections]
        footer = " · ".join(x for x in (brand, story.meta.brand.handle) if x)
        import css_inline

        from contentkit.templating import env

        page = env().get_template("newsletter.html.j2").render(
            lang=a.language, title=title, subtitle=story.meta.subtitle, preheader=preheader,
            sections=sections, cta=cta, cta_url=cta_url, brand=brand, accent=accent, footer=footer,
            width=p.width or 600)
        # email-safe: every rule becomes a style attribute and no <style> is left (mail apps
        # drop it); mail apps render with the reader's own fonts, so no font is embedded
        page = css_inline.inline(page, keep_style_tags=False)

        text = [title, "=" * min(72, display_width(title)), ""]
        if story.meta.subtitle:
            text += [story.meta.subtitle, ""]
        for s in story.sections:
            if s.heading and not s.inferred:
                text += [s.heading, "-" * min(72, display_width(s.heading)), ""]
            body = blocks_text(s.blocks, o.newsletter_wrap)
            if body:
                text += [body, ""]
        if cta:
            cta_line = f">> {cta}" + (f" {cta_url}" if cta_url else "")
            text += [_wrap(cta_line, o.newsletter_wrap) if o.newsletter_wrap else cta_line, ""]
        if footer:
            text += ["--", footer]
        return [
            out.write("article/newsletter.html", page, format=self.name, platform="newsletter",
                      warnings=warnings),
            out.write("article/newsletter.txt", "\n".join(text).rstrip() + "\n", format=self.name,
                      platform="newsletter"),
        ]


def note_paragraphs(story: Story, intro: str, budget: int) -> list[tuple[float, str]]:
    """(score, text) per titled section: its short heading, then its key sentence with the
    sentences after it while the paragraph stays within ``budget`` characters."""
    a = story.a
    if not any(sec.heading for sec in story.sections):
        return _headingless_paragraphs(story, intro, budget)
    points = {kp.section: kp for kp in a.key_points if kp.section >= 0}
    paragraphs: list[tuple[float, str]] = []
    for si, sec in enumerate(story.sections):
        sents = [s for s in a.sentences[si] if s != intro] if sec.heading else []
        if not sents:
            continue
        kp = points.get(si)
        alone = [u.text for u in a.units[si] if u.standalone and u.text in sents] if a.units else sents
        lead = kp.text if kp and kp.text in sents else (alone[0] if alone else "")
        if not lead:  # every sentence left leans on one shown elsewhere ("它有…" after the hook)
            continue
        chosen = [lead]
        idx = sents.index(lead)
        for nxt in a.run(sents[idx: idx + 3], 3)[1:]:
            if visible_len(join_sentences(chosen + [nxt])) > budget:
                break
            chosen.append(nxt)
        head, body = _short_heading(sec.label), step_lines(join_sentences(chosen))
        if opening_clause(body, head) >= 0:  # "咖啡机有好几种\n咖啡机有好几种，比如…" read it twice
            paragraphs.append((kp.score if kp else 0.0, body))
            continue
        paragraphs.append((kp.score if kp else 0.0, f"{head}\n{body}"))
    return paragraphs


def _headingless_paragraphs(story: Story, intro: str, budget: int) -> list[tuple[float, str]]:
    """(score, text) per key point of a story with no headings at all (a short personal essay):
    each point with the sentences after it, in story order. The note had said the hook and
    nothing else ("I have a sweet tooth." then the tags)."""
    a = story.a
    order = {(si, s): k for si, sents in enumerate(a.sentences) for k, s in enumerate(sents)}
    seen: set[str] = set()
    out: list[tuple[tuple[int, int], float, str]] = []
    pool = sorted([*a.key_points, *a.more_points], key=lambda p: -p.score)[:5]
    for kp in pool:
        if kp.section < 0 or (kp.section, kp.text) not in order or _told(kp.text, intro) or kp.text in seen:
            continue
        sents = a.sentences[kp.section]
        idx = sents.index(kp.text)
        chosen = [kp.text]
        for nxt in a.run(list(sents[idx: idx + 3]), 3)[1:]:
            if nxt in seen or _told(nxt, intro) or visible_len(join_sentences(chosen + [nxt])) > budget:
                break
            chosen.append(nxt)
        seen.update(chosen)
        out.append(((kp.section, idx), kp.score, step_lines(join_sentences(chosen))))
    return [(score, text) for _, score, text in sorted(out)]


def thread_chunks(story: Story, o: ArticleOptions, cta: str) -> list[tuple[str, list[str]]]:
    """(lead line, units) per post group: the title with the hook (and the intro), one per
    section, the call to action."""
    a = story.a
    opener = story.title if a.hook.startswith(story.title) else f"{a.hook}"
    chunks: list[tuple[str, list[str]]] = [("🧵 " + story.title if o.emoji else story.title,
                                            split_sentences(opener) if story.hook_line else [])]
    for si, sec in enumerate(story.sections):
        sents = [s for s in _units(sec, a.is_cjk) if not _told(s, a.hook)]
        if not sents:
            continue
        if not sec.heading and si == 0:  # intro sentences other than the hook join the first post
            chunks[0] = (chunks[0][0], chunks[0][1] + sents)
            continue
        if len(chunks) == 1 and not chunks[0][1]:  # no hook but the title: the title heads the first part
            chunks[0] = (f"{chunks[0][0]}\n\n{sec.label}", sents)
            continue
        chunks.append((sec.label, sents))
    if not chunks[0][1]:  # nothing but the title to open on: the title is the first post
        chunks[0] = ("", [chunks[0][0]])
    if cta:
        chunks.append(("", [cta]))
    return chunks


def _told(unit: str, hook: str) -> bool:
    """Whether ``unit`` says what the hook says already: its text, quotes and spaces aside,
    is at least 80 % one run of the hook's. The hook may be the same sentence with its "这款"
    named from the title, and the story's lede quote repeated it after the hook in one post."""
    from difflib import SequenceMatcher

    def norm(t: str) -> str:
        return re.sub(r"[\s“”\"「」『』‘’']", "", t)

    u, h = norm(unit), norm(hook)
    if not u or not h:
        return False
    if u in h:
        return True
    m = SequenceMatcher(None, u, h, autojunk=False).find_longest_match(0, len(u), 0, len(h))
    return m.size >= 0.8 * len(u)


def _leans(sentence: str, cjk: bool, room: int) -> bool:
    """A sentence a summary post must not open on: one that leans on the sentence before it,
    one with no words ("😮"), or an announced list too long for the post (it would be cut)."""
    s = sentence.lstrip("\n")
    if opener_kind(s, cjk) is not None or not re.search(r"[\w\u4e00-\u9fff]", s):
        return True
    return re.search(r"\n" + _ITEM_LINE, s) is not None and weighted_length(s) > room


def thread_posts(chunks, room: int, mode: str, cjk: bool, warnings: list[str]) -> tuple[list[str], int, int]:
    """Posts within ``room`` weighted characters: whole sentences, long ones split at clauses or
    words; in summary mode one post per chunk that never opens on a leaning sentence.
    Returns (posts, sentences left out, sentences split)."""
    posts: list[str] = []
    omitted = cut = 0
    for lead, sents in chunks:
        if lead and weighted_length(lead) > room // 2:  # a title or heading as long as a post
            short = shorten(lead, room // 2, weighted_length)
            warnings.append(f"heading over {room // 2} weighted characters: shortened to '{short}'")
            lead = short
        if mode == "summary":
            skip = 0
            lead_room = room - (weighted_length(lead) + 2 if lead else 0)
            while skip < len(sents) and _leans(sents[skip], cjk, lead_room):
                skip += 1
            omitted += skip
            sents = sents[skip:]
            if not sents:  # all of it leans on a sentence shown elsewhere: no post for it
                continue
            sents, long_lists = _without_long_lists(sents, room)
            omitted += long_lists
            if not sents:
                continue
            sents[0] = sents[0].lstrip("\n")
        prefix = f"{lead}\n\n" if lead else ""
        split = [(k, x) for k, s in enumerate(sents) for x in _split_long(s, room - weighted_length(prefix))]
        pieces = [x for _, x in split]
        owners = [k for k, _ in split]  # which sentence each piece is of, beside ``pieces``
        cut += sum(1 for s in sents if weighted_length(s) > room - weighted_length(prefix))
        first = True
        while pieces:
            pre = prefix if first else ""
            kept, rest = fit_sentences(pieces, room - weighted_length(pre), weighted_length, "" if cjk else " ")
            if not kept:  # cannot happen after _split_long, but never loop forever
                kept, rest = pieces[:1], pieces[1:]
            if mode == "summary" and len(kept) > 1 and rest and kept[-1].rstrip().endswith((":", "：")) \
                    and owners[len(kept) - 1] != owners[len(kept)]:
                # a summary post never ends on an announcement whose list it leaves out (one
                # whose list goes on in the next post is a sentence told over two)
                kept, rest = kept[:-1], [kept[-1], *rest]
            if mode == "summary" and len(kept) == 1 and rest and kept[0].rstrip().endswith((":", "：")):
                # an announcement alone, what it announces too long for the post ("…described
                # the iPhone in an interview nearly 90 years ago:" without the quote): neither
                # is shown, and the part goes on from the sentence after them
                rest_of = owners[1:]
                n = next((j for j, o in enumerate(rest_of) if o != rest_of[0]), len(rest))
                omitted += 2
                pieces, owners = rest[n:], rest_of[n:]
                # and never on a sentence that leans on what was left out ("But there's more.")
                while pieces and _leans(pieces[0], cjk, room - weighted_length(pre)):
                    n = next((j for j, o in enumerate(owners) if o != owners[0]), len(pieces))
                    pieces, owners = pieces[n:], owners[n:]
                    omitted += 1
                if not pieces:
                    break
                pieces[0] = pieces[0].lstrip("\n")
                continue
            posts.append(pre + join_sentences(kept).replace(" \n", "\n").strip())
            first = False
            kept_of, rest_of = owners[:len(kept)], owners[len(kept):]  # kept is a prefix of pieces
            if mode == "summary":
                if kept and rest and kept_of[-1] == rest_of[0]:
                    # a sentence longer than a post is never left half said ("…has two stages:"
                    # without the two, "• get more data. First,"): it goes on in one more post,
                    # or the post goes without it
                    k = kept_of[-1]
                    n = next((j for j, o in enumerate(rest_of) if o != k), len(rest))
                    if weighted_length(join_sentences(rest[:n])) <= room:
                        omitted += 1 if n < len(rest) else 0
                        pieces, owners = rest[:n], rest_of[:n]
                        continue
                    posts.pop()
                    whole = [x for x, o in zip(kept, kept_of) if o != k]
                    if whole:
                        posts.append(pre + join_sentences(whole).replace(" \n", "\n").strip())
                    omitted += 1 + sum(1 for o in rest_of if o != k)
                    break
                if kept and rest and _is_item(kept[-1]) and _is_item(rest[0]):
                    # a list is shown whole: its items go on in the next post, and what follows
                    # the list is left out as the rest of a summary is ("第一次煎蛋的流程" had
                    # shown 3 of its 7 steps)
                    n = next((k for k, x in enumerate(rest) if not _is_item(x)), len(rest))
                    omitted += len(rest) - n
                    pieces, owners = rest[:n], rest_of[:n]
                    continue
                omitted += len(rest)
                break
            pieces, owners = rest, rest_of
    return posts, omitted, cut


_ITEM_LINE = r"\s*(?:• |\d+\. )"  # a thread unit's list-item line, as _units writes it


def _without_long_lists(sents: list[str], room: int, posts: int = 2) -> tuple[list[str], int]:
    """A summary's section without a list longer than ``posts`` posts: a list is shown whole
    or not at all, and nine friends' comments of a paragraph each ("1. 买东西找找惠康超市…")
    are no summary (the thread had shown the first two and stopped). Returns the units left
    and how many were left out."""
    out: list[str] = []
    left = 0
    i = 0
    while i < len(sents):
        j = i
        while j < len(sents) and _is_item(sents[j]):
            j += 1
        if j == i:
            out.append(sents[i])
            i += 1
            continue
        run = sents[i:j]
        if sum(weighted_length(x) for x in run) > posts * room:
            left += len(run)
            if out and out[-1].rstrip().endswith((":", "：")):
                out.pop()  # its announcement, which would announce nothing
                left += 1
        else:
            out.extend(run)
        i = j
    if out and out[0].startswith("\n"):
        out[0] = out[0].lstrip("\n")
    return out, left


def _is_item(piece: str) -> bool:
    """A thread piece that is a list item's line ("\n• 锅铲", "\n  • 要脆的…")."""
    return re.match(_ITEM_LINE, piece) is not None


# ---------------------------------------------------------------------------- helpers
def sign_off(story: Story, platform: str) -> str:
    """The brand kit's sign-off with the platform's handle ("干杯，下期见 · @xiaoniang")."""
    b = story.meta.brand
    if not b.sign_off:
        return ""
    return " · ".join(x for x in (b.sign_off, b.handle_for(platform)) if x)


def _limit(text: str, limit: int | None, measure, what: str, warnings: list[str]) -> str:
    if not limit or measure(text) <= limit:
        return text
    if what == "title":
        # a bracketed aside goes first, and a title with a subtitle after a colon or a dash
        # keeps its main title whole, with no ellipsis: "Making of Tea: Capitalism, Culture,
        # and More" -> "Making of Tea"; "自动挡半坡起步方法（手刹、左脚刹车、…）" -> "自动挡半坡起步方法"
        bare = drop_asides(text)
        # a question and its subtitle: "沖繩 3 天 2 夜親子行程怎麼排？短天數不趕路版本" keeps its question
        parts = re.split(r"(?<=[？?！!】])\s*(?=\S)|\s*[：:]\s*|\s+[—–-]\s+|——", bare, maxsplit=1)
        if len(parts) > 1 and not balanced(parts[0]):  # "【全程实测！第一批…】": no cut inside a bracket
            parts = re.split(r"\s*[：:]\s*|\s+[—–-]\s+|——", bare, maxsplit=1)
        head = parts[0].strip()
        # a label before the colon ("反模式：假設使用者只走 happy path"): the title is after it
        tail = parts[1].strip() if len(parts) > 1 and measure(head) < limit / 4 else ""
        for cand in (bare, head, tail):
            if cand and cand != text and limit / 4 <= measure(cand) <= limit:
                if cand is tail and cand[:1].islower():
                    cand = capitalised(cand)  # "Usersnap - the holy grail of…" -> "The holy grail of…"
                warnings.append(f"{what} over {limit} characters: shortened to '{cand}'")
                return cand
    short = close_cut(shorten(text, int(limit), measure))  # never a bracket left open
    # never an ellipsis after a word that opens what was cut ("一加 Ace 3 从…")
    short = re.sub(r"(?<=\S)\s*(?:从|從|在|和|与|與|的|把|对|對|向|到|跟|及|或|and|or|of|the|to|from|in|with|for)…$", "…", short)
    warnings.append(f"{what} over {limit} characters: shortened to '{short}'")
    return short


def _digest(story: Story, limit: int | None) -> str:
    base = story.meta.subtitle or story.a.hook
    return shorten(base, int(limit or 120))


def _reading(story: Story) -> str:
    minutes = max(1, round(story.a.reading_time_s / 60))
    from contentkit.messages import msg

    return msg(story.a.messages_locale, "reading", minutes=minutes)


def _hashtag_line(tags, n: int) -> str:
    return " ".join(f"#{str(t).lstrip('#')}" for t in list(tags)[:n])


def _accent(story: Story) -> str:
    return story.meta.brand.color or "#8e1b3a"


def _links_to_refs(html_text: str, refs: list[tuple[int, str, str]]) -> str:
    """External links in our own rendered HTML become text with a numbered reference mark."""
    import re

    def repl(m):
        url = html.unescape(m.group(1))
        text = m.group(2)
        if not url.lower().startswith(("http://", "https://")):
            return text
        known = next((n for n, _, u in refs if u == url), None)
        if known is None:
            known = len(refs) + 1
            refs.append((known, html.unescape(re.sub(r"<[^>]+>", "", text)), url))
        return f"{text}<sup>[{known}]</sup>"

    return re.sub(r'<a href="([^"]*)">(.*?)</a>', repl, html_text, flags=re.S)


def top_points(story: Story, n: int):
    from contentkit.analysis import top_key_points

    return top_key_points(story, n)


def _short_heading(heading: str) -> str:
    """'起源：格鲁吉亚的陶罐' -> '格鲁吉亚的陶罐' is not wanted; keep headings whole but trim, a
    bracketed aside first ("剃须（皂 / 刷 / 支架 / 碗 / 刀 / 包 / 刀片）" -> "剃须", not "…刀 /…")."""
    # Chinese headings are measured in half-width cells, so a Latin name in one counts as the
    # space it takes ("在 Mac 电脑使用 Apple Container 的感受" is 40 cells, not 30 characters)
    limit, measure = (48, display_width) if is_cjk_text(heading) else (60, len)
    bare = drop_asides(heading)
    if measure(heading) > limit and bare and bare != heading and measure(bare) <= limit:
        return bare
    return shorten(heading, limit, measure)


def _units(section, cjk: bool) -> list[str]:
    """A section as thread units: sentences, quoted quotes, and list items as bullet lines.

    A unit that starts with a newline begins its own line (list items, quotes, and the
    sentence that follows one of them)."""
    units: list[str] = []
    line_next = False

    def add(text: str, own_line: bool = False) -> None:
        nonlocal line_next
        units.append(("\n" + text) if (own_line or line_next) and units else text)
        line_next = own_line

    blocks = flat_blocks(section.blocks)
    sentences = paragraph_sentences(blocks)
    counted = counted_labels(blocks, sentences, cjk)  # "三個爭議反覆出現。" names its three
    for bi, b in enumerate(blocks):
        if isinstance(b, Paragraph):
            for k, sent in enumerate(sentences[bi]):
                text = counted.get((bi, k), sent)
                if link_label(text):  # "下載連結：Unsplash Instant" without its link
                    continue
                if k == 0 and units and PARA_NUMBER.match(text):
                    # "1、…" "2、…": the author's numbered paragraphs, each on a line of its own
                    # ("…就能办理。2、一种…" ran them together)
                    units.append("\n" + text)
                    line_next = False
                    continue
                # "✔️ 復古風" / "✔️ 插座" / "⭐️⭐️⭐️⭐️": the author's marked lines stay lines
                # (not "🍔 Of course they do." inside a paragraph's prose)
                add(text, own_line=marked_line(text) and (k == 0 or f"\n{sent}" in b.text.plain))
        elif isinstance(b, Quote):
            q = ("" if cjk else " ").join(p.plain for p in b.paragraphs)  # "。 怎麼" had a space
            q = f"“{q}”" if cjk or not q.startswith('"') else q
            add(q + (f"——{b.attribution}" if cjk and b.attribution else
                     f" — {b.attribution}" if b.attribution else ""), own_line=True)
        elif isinstance(b, ListBlock):
            # a procedure keeps its numbers (b.items are its top-level steps)
            num = {id(it): f"{b.start + k}. " for k, it in enumerate(b.items)} if b.ordered else {}
            lines = ["  " * depth + num.get(id(item), "• ") + item.text.plain
                     for depth, item in b.flat() if item.text]
            if units and units[-1].rstrip().endswith((":", "：")):
                # an announced list travels with its announcement: all of it or none of it
                units[-1] = units[-1] + "".join("\n" + ln for ln in lines)
                line_next = True
                continue
            for ln in lines:
                add(ln, own_line=True)
        elif isinstance(b, Callout) and b.text:
            for sent in split_sentences(b.text.plain):
                add(sent)
        elif isinstance(b, Code) and units and units[-1].rstrip().endswith((":", "：")):
            # "I started Caddy … using:" then a code block: a short command goes with it
            # ("caddy run"); a long listing cannot, and neither then can its announcement
            lines = [ln.rstrip() for ln in b.code.strip("\n").splitlines() if ln.strip()]
            if lines and len(lines) <= 3 and sum(len(ln) for ln in lines) <= 120:
                units[-1] = units[-1] + "".join("\n" + ln for ln in lines)
                line_next = True
            else:
                units.pop()
    return units


def _split_long(sentence: str, room: int) -> list[str]:
    """Split a sentence longer than ``room`` (weighted) at clauses, then words; never mid-word.
    A piece that the sentence goes on from ends with "…", and the piece that goes on starts
    with one: a post that ended "…and I use" and one that began "but I always…" read as
    broken, not as one sentence told over two posts."""
    if weighted_length(sentence) <= room:
        return [sentence]
    pieces = _split_at_clauses(sentence, room - 4)  # room for the two marks
    if len(pieces) < 2:
        return pieces
    # a piece that starts a line of its own (a list's item) goes on from nothing
    return [("" if k == 0 or p.startswith("\n") else "…")
            + (p if k == len(pieces) - 1 or pieces[k + 1].startswith("\n") else p.rstrip("，、；：,;: ") + "…")
            for k, p in enumerate(pieces)]


def _split_at_clauses(sentence: str, room: int) -> list[str]:
    import re

    if "\n" in sentence.strip("\n"):
        # an announced list's lines ("we are:\n• Responsible…\n• Tasked…"), each a piece of
        # its own, split further only when one is longer than a post: the line breaks stay
        lines = re.split(r"(?=\n)", sentence)
        return [("\n" if ln.startswith("\n") and k else "") + x
                for k, ln in enumerate(lines) if ln.strip()
                for x in _split_at_clauses(ln.strip(), room)]
    parts = [p for p in re.split(r"(?<=[，、；：,;:])\s*", sentence) if p]
    out: list[str] = []
    buf = ""
    for part in parts:
        cand = (buf + ("" if is_cjk_text(part) else " ") + part).strip() if buf else part
        if weighted_length(cand) <= room:
            buf = cand
            continue
        if buf:
            out.append(buf)
        if weighted_length(part) <= room:
            buf = part
            continue
        # a clause still too long: split between words (or CJK characters)
        buf = ""
        tokens = re.findall(r"[A-Za-z0-9'’\-.]+|\s+|.", part)
        for tok in tokens:
            cand = buf + tok
            if weighted_length(cand.strip()) > room and buf.strip():
                out.append(buf.strip())
                buf = tok.lstrip()
            else:
                buf = cand
    if buf.strip():
        out.append(buf.strip())
    return out


plugin = ArticleFormat()

__all__ = ["ArticleFormat", "ArticleOptions", "plugin"]
