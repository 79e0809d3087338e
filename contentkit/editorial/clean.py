"""Clean: set aside what is not the story (boilerplate, navigation, credits, markup debris).

Pure stage: sections in, (sections, set-aside records) out. Authors steer it with
``::: keep`` (never set aside) and ``::: aside`` (always set aside) containers, or turn it off
with ``editorial: {clean: false}`` in the front matter.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Sequence
from dataclasses import replace
from pathlib import Path

from contentkit.editorial.data import patterns
from contentkit.story import (
    Block,
    Callout,
    Html,
    Image,
    ListBlock,
    ListItem,
    Paragraph,
    Quote,
    RichText,
    Section,
    SetAside,
    Span,
    Table,
    block_text,
)

_INLINE_DEBRIS = re.compile(
    r"\[\^[^\]\s]{1,40}\]"          # footnote references [^1]
    r"|\\\*|\*{2,}"                 # escaped or empty bold markers (WeChat exports)
    r"|\{\{[<%].*?[%>]\}\}"         # Hugo shortcodes
    r"|\{%.*?%\}|\{\{[^{}]*\}\}"      # Liquid/Jekyll tags and variables
    r"|\{:[^}\n]*\}"                 # kramdown attribute lists {: .class} {:target="_blank"}
    r"|&nbsp;"
    r"|::[A-Z][A-Z0-9_]{2,40}::"     # a site's placeholder token ("::SPACER::")
    # an image CommonMark could not read (a data: URL with spaces, a WeChat export's 1-pixel
    # placeholder): "![图片](data:image/svg+xml,%3C%3Fxml version='1.0' …%3C/svg%3E)"
    r"|!\[[^\]\n]{0,100}\]\(data:[^\n]*?%3C/svg%3E\)|!\[[^\]\n]{0,100}\]\(data:[^\s)]*\)"
    # brackets opened and never closed as a laugh or a sigh ("下午三点半再来（（（"): a typed
    # face, never "（（（。" on a card
    r"|[（(]{2,}(?=[\s。！？!?，,]|$)"
)
# a link CommonMark could not read for its brackets: "[FBIF食品饮料创新](javascript:void(0);)"
_JS_LINK = re.compile(r"\[([^\]\n]{1,60})\]\(javascript:[^\n]*?\)(?:;\))?")
_NAMED_PLACEHOLDER = re.compile(r"::([A-Z][A-Z0-9]{1,30})_(?:LOGO|NAME|BRAND|ICON|WORDMARK)::")


def _named_placeholders(text: str) -> str:
    """A site's brand token as the brand's name: a comparison table headed "| | ::SWETRIX_LOGO:: |
    Umami |" read "✅; Umami: ❌" with the first column nameless."""
    return _NAMED_PLACEHOLDER.sub(lambda m: m.group(1).capitalize(), text) if "::" in text else text


_FOOTNOTE_LINK = re.compile(r"\^[^\s\]]{1,40}")
_FOOTNOTE_DEF = re.compile(r"^\s*\[\^[^\]]+\]\s*:")
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
_ATTR = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")


def _attrs(tag: str) -> dict[str, str]:
    return {m.group(1).lower(): html_lib.unescape(m.group(2) or m.group(3) or m.group(4) or "")
            for m in _ATTR.finditer(tag)}


# a space left inside Chinese prose by a hard-wrapped source ("存为一个数 据文件", "用SPSS来作分 析"):
# one space between Hanzi with a run of at least three on one side and two on the other (a
# list of short words, "苹果 香蕉 橘子", keeps its spaces)
_HARD_WRAP_SPACE = re.compile(r"(?<=[\u4e00-\u9fff]{3})[ \t](?=[\u4e00-\u9fff]{2})|"
                              r"(?<=[\u4e00-\u9fff]{2})[ \t](?=[\u4e00-\u9fff]{3})")


def _unwrapped(text: str) -> str:
    """``text`` without the spaces a hard wrap left between Hanzi: only where they come a line's
    width apart in a long paragraph; spaces a few characters apart are the author's pauses
    ("有牛肉燥飯 好吃、價格不優 大碗的牛肉湯")."""
    spots = [m.start() for m in _HARD_WRAP_SPACE.finditer(text)]
    if not spots or len(text) < 60 or any(b - a < 30 for a, b in zip(spots, spots[1:])):
        return text
    return _HARD_WRAP_SPACE.sub("", text)


def clean_text(rt: RichText) -> RichText:
    """Remove markup debris (footnote marks, stray bold markers) from inline text."""
    spans = []
    for sp in _without_inline_notes(list(rt.spans)):
        if sp.code:  # `{{ name }}` in inline code is what the story is about, not debris
            spans.append(sp)
            continue
        if sp.href and _FOOTNOTE_LINK.fullmatch(sp.text):
            # "[^fen]" with a definition "[^fen]: 胡椒研磨成粉后…" that CommonMark reads as a link
            # reference (a destination with no space): a footnote mark, not words
            continue
        t = _INLINE_DEBRIS.sub("", _named_placeholders(_JS_LINK.sub(r"\1", sp.text)))
        t = re.sub(r"[ \t]{2,}", " ", t)
        t = _unwrapped(t)
        if t:
            spans.append(replace(sp, text=t))
    spans = _drop_see_also(_drop_credits(spans))
    for i in range(1, len(spans)):
        # a linked title that asks ("[…怎麼排？](/blog/…)。"): one stop, never "？。"
        if spans[i - 1].text.rstrip()[-1:] in ("？", "?", "！", "!") and spans[i].text.startswith(("。", ".")) \
                and not spans[i].text.startswith(".."):
            spans[i] = replace(spans[i], text=spans[i].text[1:])
    spans = [sp for sp in spans if sp.text]
    if spans:
        first = spans[0]
        spans[0] = replace(first, text=first.text.lstrip())
        last = spans[-1]
        spans[-1] = replace(last, text=last.text.rstrip())
    return RichText(tuple(s for s in spans if s.text))


def _without_inline_notes(spans: list[Span]) -> list[Span]:
    """Without Pandoc inline footnotes that run across emphasis: "**blogdown**^[Perhaps
    **bookdown**? I don't remember.] user" is three spans, none of which holds the whole note."""
    plain = "".join(sp.text for sp in spans)
    if "^[" not in plain:
        return spans
    cuts: list[tuple[int, int]] = []
    i = plain.find("^[")
    while i >= 0:
        depth, j = 0, i + 1
        while j < len(plain):
            depth += {"[": 1, "]": -1}.get(plain[j], 0)
            if depth == 0:
                break
            j += 1
        if depth:  # never closed: text, not a note
            break
        cuts.append((i, j + 1))
        i = plain.find("^[", j + 1)
    out: list[Span] = []
    pos = 0
    for sp in spans:  # Pandoc inline footnotes ^[...], inside one span or across several
        kept = "".join(ch for k, ch in enumerate(sp.text, pos) if not any(a <= k < b for a, b in cuts))
        pos += len(sp.text)
        if kept:
            out.append(replace(sp, text=kept))
    return out


_SEE_ALSO = re.compile(r"(?:可以|可|請|请|歡迎|欢迎)?(?:參考|参考|參見|参见|詳見|详见|請見|请见|見|见|看看|看這篇|看这篇)\s*[:：]?\s*$"
                       r"|\b(?:see|cf\.?|read|more in|more on|details in)\s*[:：]?\s*$", re.I)


def _drop_see_also(spans: list[Span]) -> list[Span]:
    """Without a bracketed pointer to another page ("…商務艙的座位（我以前搭過這台飛機的頭等艙，
    可以參考：[EY876 … 體驗心得](/2019/…)）", "(see [my notes](…))"): navigation a post, a
    card or a voice cannot follow, in the middle of a sentence."""
    plain = "".join(sp.text for sp in spans)
    if not any(sp.href for sp in spans) or not re.search(r"[（(]", plain):
        return spans
    starts, pos = [], 0
    for sp in spans:
        starts.append(pos)
        pos += len(sp.text)
    cuts: list[tuple[int, int]] = []
    for m in re.finditer(r"[（(][^（）()]*[）)]", plain):
        a, b = m.span()
        inside = [k for k, sp in enumerate(spans) if sp.href and a < starts[k] and starts[k] + len(sp.text) < b]
        if inside and _SEE_ALSO.search(plain[a + 1:starts[inside[0]]]):
            cuts.append((a - (1 if a and plain[a - 1] == " " else 0), b))
    if not cuts:
        return spans
    out: list[Span] = []
    for k, sp in enumerate(spans):
        kept = "".join(ch for i, ch in enumerate(sp.text, starts[k]) if not any(x <= i < y for x, y in cuts))
        if kept:
            out.append(replace(sp, text=kept))
    return out


_CREDIT_LINK = re.compile(r"via|source|来源|來源|出处|出處|图源|圖源|credit|@[\w.-]+", re.I)
# what may follow the credit inside its brackets: "（[@vudsen](…) 投稿）"
_CREDIT_TAIL = re.compile(r"^\s*(?:投稿|供稿|推荐|推薦|提供|contributed|submitted)?\s*[）)]", re.I)


def _drop_credits(spans: list[Span]) -> list[Span]:
    """Without a credit link in brackets ("…层次感。（[via](https://…)）", a weekly's
    "（[@vudsen](…) 投稿）"): the link is the credit, and a post or a card shows "（via）" or a
    submitter's handle with nowhere to go."""
    out = list(spans)
    for i in range(len(out) - 2, 0, -1):
        sp, before, after = out[i], out[i - 1], out[i + 1]
        if sp.href and _CREDIT_LINK.fullmatch(sp.text.strip()) and before.text.rstrip().endswith(("（", "(")) \
                and (m := _CREDIT_TAIL.match(after.text)):
            b, a = before.text.rstrip()[:-1].rstrip(), after.text[m.end():]
            out[i - 1:i + 2] = [replace(before, text=b), replace(after, text=a)]
    return [x for x in out if x.text]


_GENERIC_LINK = re.compile(r"^(https?://|www\.|\[?\d+\]?$|[\w-]+(?:\.[\w-]+)*\.(?:com|cn|net|org|io|pro|me|co|tw|hk)(?:/\S*)?$)|^(here|link|this link|click here|read more|more|"
                           r"source|via|点击这里|点此|这里|链接|連結|原文|阅读原文|閱讀原文|查看更多|更多)$", re.I)


def _link_only(rt: RichText) -> bool:
    """A paragraph that is only navigation: links whose text says nothing of its own (a URL, a
    number, "here", "read more") or that jump within the page. A link whose text names
    something ("武康路文化街", "Home Assistant Voice") is content, even alone on its line."""
    links = [s for s in rt.spans if s.href and s.text.strip()]
    rest = re.sub(r"[\s\W_]+", "", "".join(s.text for s in rt.spans if not s.href))
    if not links or len(rest) > 6:
        return False
    return all(_GENERIC_LINK.search(s.text.strip()) or (s.href or "").startswith("#") for s in links)


def _only_links(rt: RichText) -> bool:
    """Text that is links and nothing else ("> **[预购][11]**"): in a quote, a button, not
    words anyone said."""
    return any(s.href and s.text.strip() for s in rt.spans) and \
        not re.sub(r"[\s\W_]+", "", "".join(s.text for s in rt.spans if not s.href))


def _boilerplate(text: str) -> str | None:
    for rx in patterns("boilerplate", "patterns"):
        if rx.search(text):
            return "boilerplate"
    return None


_HTML_UNSAFE = re.compile(r"<(script|style|iframe|form|table|svg|video|audio|nav|button|input|select|textarea|object|embed|"
                          r"canvas|noscript|template|lite-youtube|header|footer|aside)\b", re.I)
# a page's chrome by its class or id: navigation, menus, share buttons, comments, related posts
_HTML_CHROME = re.compile(r"""\b(?:class|id)\s*=\s*["'][^"']*\b(?:nav|navbar|navigation|menu|breadcrumbs?|footer|header|sidebar|"""
                          r"""share|sharing|social|comments?|related|subscribe|newsletter|toc|pagination|pager|"""
                          r"""post-nav|author-bio|advert|ads?|sponsor)\b""", re.I)
_HTML_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "article", "dd", "dt"}


def html_paragraphs(block: Html, images: Sequence[Image] = ()) -> list[Block]:
    """The text of an HTML block of prose (``<div>``, ``<p>``, ``<strong>``, ``<a>``…) as
    paragraphs with their bold, emphasis and links, and its ``images`` (those of
    :func:`html_images`, in order) where they stand between them (a feed's whole article is
    one ``<div>`` of ``<p>`` and ``<img>``); none for a block that is markup, a widget or an
    embed (a script, a form, a video, a table)."""
    from html.parser import HTMLParser

    from contentkit.safety import safe_url

    src = re.sub(r"<!--.*?-->", "", block.html, flags=re.S)
    if _HTML_UNSAFE.search(src) or _HTML_CHROME.search(src) or not re.search(r"<[A-Za-z]", src):
        return []
    paras: list[list[Span]] = [[]]
    marks: list[int] = []  # where each <img> stands, by paragraph index
    state: dict = {"strong": 0, "em": 0, "href": []}

    class _P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in _HTML_BLOCKS:
                paras.append([])
            if tag in ("strong", "b") or re.fullmatch(r"h[1-6]", tag):
                state["strong"] += 1
            elif tag in ("em", "i"):
                state["em"] += 1
            elif tag == "a":
                state["href"].append(safe_url(dict(attrs).get("href") or "") or "")
            elif tag == "br":
                paras[-1].append(Span("\n"))
            elif tag == "img" and (dict(attrs).get("src") or "").strip():
                marks.append(len(paras))  # the image stands before the paragraph that opens next
                paras.append([])

        def handle_endtag(self, tag):
            if tag in _HTML_BLOCKS:
                paras.append([])
            if (tag in ("strong", "b") or re.fullmatch(r"h[1-6]", tag)) and state["strong"]:
                state["strong"] -= 1
            elif tag in ("em", "i") and state["em"]:
                state["em"] -= 1
            elif tag == "a" and state["href"]:
                state["href"].pop()

        def handle_data(self, data):
            text = re.sub(r"\s+", " ", data)
            if text.strip() or (paras[-1] and text):
                paras[-1].append(Span(text, bool(state["strong"]), bool(state["em"]), False,
                                      (state["href"][-1] or None) if state["href"] else None))

    parser = _P(convert_charrefs=True)
    parser.feed(src)
    parser.close()
    out: list[Block] = []
    pending = list(images)
    for k, spans in enumerate(paras):
        while pending and marks and marks[0] == k:
            marks.pop(0)
            out.append(pending.pop(0))
        rt = RichText(tuple(sp for sp in spans if sp.text))
        text = rt.plain.strip()
        if text and re.search(r"[\w\u4e00-\u9fff]", text):
            cleaned = clean_text(rt)
            if cleaned and not _only_links(cleaned):  # "<a>Previous</a> <a>Next</a>": a row of links
                out.append(Paragraph(text=cleaned, line=block.line))
    return out + pending


def html_images(block: Html, base_dir: Path) -> list[Image]:
    """``<figure>``/``<img>`` in raw HTML become Image blocks with their captions."""
    out = []
    caption = ""
    m = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", block.html, re.S | re.I)
    if m:
        caption = " ".join(re.sub(r"<[^>]+>", " ", html_lib.unescape(m.group(1))).split())
    for tag in _IMG_TAG.findall(block.html):
        a = _attrs(tag)
        src = a.get("src", "")
        if not src:
            continue
        remote = bool(re.match(r"^https?://", src, re.I) or src.startswith("//"))
        local = None
        if not remote and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src):
            from contentkit.safety import resolve_media

            local, _why = resolve_media(src, base_dir)  # the story's folder only, real images only
        elif not remote:
            continue  # javascript:, file:, data: ... never reach an output
        out.append(Image(src=src, alt=caption or a.get("alt", ""), title=a.get("title", ""),
                         local_path=local, remote=remote, line=block.line))
    return out


def _clean_block(b: Block, base_dir: Path, aside: list[SetAside]) -> list[Block]:
    """The block with debris removed, [] when it is set aside."""
    text = block_text(b).plain.strip()
    if isinstance(b, Html):
        images = html_images(b, base_dir)
        prose = html_paragraphs(b, images)
        if any(isinstance(x, Paragraph) for x in prose):
            # "<div class="im"><strong>How did you get into statistics?</strong><p>…</p></div>":
            # an export's HTML holds the story's own words; they are read as paragraphs
            out: list[Block] = []
            for para in prose:
                out.extend(_clean_block(para, base_dir, aside))
            return out
        if not images:
            visible = " ".join(re.sub(r"<!--.*?-->|<[^>]+>", " ", b.html, flags=re.S).split())
            if b.html.strip():
                aside.append(SetAside(b.line, "raw HTML" if visible else "HTML markup",
                                      (visible or b.html.strip())[:80]))
        return list(images)
    if isinstance(b, Paragraph):
        if _FOOTNOTE_DEF.match(b.text.plain):
            aside.append(SetAside(b.line, "footnote", text[:80]))
            return []
        if _link_only(b.text):
            aside.append(SetAside(b.line, "link-only paragraph", text[:80]))
            return []
        if re.fullmatch(r"[，,、；;：:。.]{1,3}", text):
            aside.append(SetAside(b.line, "stray punctuation", text))  # "，" alone on a WeChat export's line
            return []
        reason = _boilerplate(text)
        if reason:
            aside.append(SetAside(b.line, reason, text[:80]))
            return []
        rt = clean_text(b.text)
        return [Paragraph(text=rt, line=b.line)] if rt else []
    if isinstance(b, ListBlock):
        if all(_link_only(it.text) for _, it in b.flat()):
            aside.append(SetAside(b.line, "list of links (contents or references)", text[:80]))
            return []
        if _boilerplate(text):
            aside.append(SetAside(b.line, "boilerplate", text[:80]))
            return []
        return [_clean_list(b)]
    if isinstance(b, Quote):
        if _boilerplate(text) or (b.paragraphs and all(_link_only(p) for p in b.paragraphs)):
            aside.append(SetAside(b.line, "boilerplate in a quote", text[:80]))
            return []
        if b.paragraphs and all(_only_links(p) for p in b.paragraphs):
            aside.append(SetAside(b.line, "a link set as a button", text[:80]))
            return []
        paras = tuple(p for p in (clean_text(p) for p in b.paragraphs) if p)
        return [Quote(paragraphs=paras, attribution=b.attribution, line=b.line)] if paras else []
    if isinstance(b, Table):
        # "| | ::SWETRIX_LOGO:: | Umami |": a cell's debris goes as a paragraph's does
        def cell(c: str) -> str:
            return re.sub(r"[ \t]{2,}", " ", _INLINE_DEBRIS.sub("", _named_placeholders(c))).strip()

        return [Table(header=tuple(cell(c) for c in b.header), rows=tuple(tuple(cell(c) for c in r) for r in b.rows),
                      line=b.line)]
    return [b]


def _clean_list(b: ListBlock) -> ListBlock:
    items = tuple(ListItem(text=clean_text(it.text), children=tuple(_clean_list(c) for c in it.children),
                            checked=it.checked)
                  for it in b.items)
    return ListBlock(items=tuple(it for it in items if it.text or it.children), ordered=b.ordered,
                     start=b.start, line=b.line)


def _byline(b: Block) -> bool:
    if not isinstance(b, Paragraph):
        return False
    t = b.text.plain.strip()
    return len(t) <= 60 and any(rx.search(t) for rx in patterns("boilerplate", "byline"))


def _reading_list(sections: tuple[Section, ...], heading_rx) -> set[tuple[int, int]]:
    """The (section, block) places of a closing reading list that is no list: "延伸閱讀：" as a
    paragraph, then only paragraphs that are links, to the end of the story (a blog export set
    each link under an empty "#" heading, and "擱淺的鯨魚-陶傑", a link's title, became a key
    point)."""
    places = [(si, bi, b) for si, sec in enumerate(sections) for bi, b in enumerate(sec.blocks)]
    for k, (si, bi, b) in enumerate(places):
        if not isinstance(b, Paragraph) or len(b.text.plain.strip()) > 24 or not any(
                rx.search(b.text.plain.strip().rstrip(":：").strip()) for rx in heading_rx):
            continue
        rest = places[k + 1:]
        if rest and all(isinstance(x, Paragraph) and _only_links(x.text) for _, _, x in rest) \
                and all(not sections[sj].heading.strip() for sj in {sj for sj, _, _ in rest} if sj != si):
            return {(sj, bj) for sj, bj, _ in places[k:]}
    return set()


def _epigraph(b: Block) -> bool:
    """An epigraph before the story begins (editorial.toml ``boilerplate.epigraph``)."""
    if not isinstance(b, Paragraph):
        return False
    t = b.text.plain.strip()
    return len(t) <= 160 and "\n" not in t and any(rx.search(t) for rx in patterns("boilerplate", "epigraph"))


def clean_sections(sections: tuple[Section, ...], base_dir: Path,
                   enabled: bool = True) -> tuple[tuple[Section, ...], tuple[SetAside, ...]]:
    aside: list[SetAside] = []
    out: list[Section] = []
    heading_rx = patterns("boilerplate", "headings")
    n = len(sections)
    reading = _reading_list(sections, heading_rx) if enabled else set()
    for si, sec in enumerate(sections):
        heading = sec.heading.strip().strip(":：").strip()
        if enabled and heading and any(rx.search(heading) for rx in heading_rx) and not _kept(sec):
            aside.append(SetAside(sec.line, "section of contents, references or links", heading))
            continue
        blocks: list[Block] = []
        for bi, b in enumerate(sec.blocks):
            if isinstance(b, Callout) and b.role == "keep":
                blocks.extend(b.blocks)  # the author vouches for it
                continue
            if isinstance(b, Callout) and b.role == "aside":
                aside.append(SetAside(b.line, "author: ::: aside", block_text(b).plain[:80]))
                continue
            if not enabled:
                blocks.append(b)
                continue
            if (si, bi) in reading:
                aside.append(SetAside(getattr(b, "line", 0), "section of contents, references or links",
                                      block_text(b).plain[:80]))
                continue
            edge = (si == 0 and bi < 2) or (si == n - 1 and bi >= len(sec.blocks) - 2)
            if edge and _byline(b):
                aside.append(SetAside(getattr(b, "line", 0), "byline or dateline", block_text(b).plain[:80]))
                continue
            if si == 0 and bi < 2 and _epigraph(b):
                aside.append(SetAside(getattr(b, "line", 0), "epigraph", block_text(b).plain[:80]))
                continue
            if isinstance(b, Callout) and b.blocks and _boilerplate(block_text(b.blocks[0]).plain.strip()):
                # "> 「重新認識 CSS」系列文章發文於：" over "> - iT 邦幫忙": the list goes with it
                aside.append(SetAside(b.line, "boilerplate in a box", block_text(b).plain[:80]))
                continue
            if isinstance(b, Callout):
                inner: list[Block] = []
                for c in b.blocks:
                    inner.extend(_clean_block(c, base_dir, aside))
                if inner:
                    blocks.append(Callout(role=b.role, blocks=tuple(inner), line=b.line))
                continue
            before = sec.blocks[bi - 1] if bi else None
            if isinstance(b, ListBlock) and isinstance(before, Paragraph) \
                    and any(rx.search(before.text.plain.strip().rstrip(":：").strip()) for rx in heading_rx):
                # "延伸阅读：" over a list of links, a heading in all but name
                if blocks and blocks[-1] is before:
                    blocks.pop()
                aside.append(SetAside(b.line, "section of contents, references or links", before.text.plain[:80]))
                continue
            got = _clean_block(b, base_dir, aside)
            if len(got) == 1 and blocks and isinstance(blocks[-1], Image) and not blocks[-1].title \
                    and _caption(got[0]):
                # "![library.jpg](…)" then "> 图书馆（当前所在位置）": the picture's caption, in
                # the article under it, never a quote on a card or a line for the voice
                cap = block_text(got[0]).plain.strip()
                blocks[-1] = replace(blocks[-1], title=cap)
                aside.append(SetAside(getattr(b, "line", 0), "caption of the picture above", cap[:80]))
                continue
            if got and isinstance(got[0], Quote) and not got[0].attribution and blocks \
                    and isinstance(blocks[-1], Paragraph):
                who = _announced_speaker(blocks[-1].text.plain)
                if who:  # "And Christoffer Flensburg replied:" then the quote: his words
                    got[0] = Quote(paragraphs=got[0].paragraphs, attribution=who, line=got[0].line)
            blocks.extend(got)
        if blocks or sec.heading:
            out.append(Section(_clean_heading(sec.heading) if enabled else sec.heading, sec.level,
                               tuple(blocks), sec.line, sec.inferred))
    # a trailing heading-only section (e.g. "参考资料" whose list was set aside) says nothing
    while out and not out[-1].blocks and len(out) > 1:
        aside.append(SetAside(out[-1].line, "empty section", out[-1].heading))
        out.pop()
    return tuple(out), tuple(aside)


_SAID = re.compile(r"(?<![\w'’])((?:[A-Z][\w'’.-]+\s+){0,3}[A-Z][\w'’.-]+)\s+"
                   r"(?:replied|said|says|wrote|writes|tweeted|answered|put it|puts it|once said|noted)"
                   r"(?:\s+on\s+\w+)?\s*[:：,]?\s*$")
_NOT_NAMES = {"and", "then", "but", "as", "so", "when", "this", "that", "he", "she", "they", "we", "i", "it",
              "you", "someone", "somebody", "everyone", "nobody", "one"}


# a footnote's mark in a heading: "4：6 法[^46method]", and "濾掛^drip-bag" where a definition
# made "[^drip-bag]" a link whose text is "^drip-bag"
_HEADING_NOTE = re.compile(r"\[\^[^\]\s]{1,40}\]|(?<=[\w\u4e00-\u9fff）)」』])\^(?=[\w-]*[A-Za-z])[\w-]{1,40}")


def _clean_heading(heading: str) -> str:
    out = _INLINE_DEBRIS.sub("", _HEADING_NOTE.sub("", heading))
    out = re.sub(r"[ \t]{2,}", " ", out).strip()
    return out or heading


def _caption(b: Block) -> bool:
    """A short unattributed quote or an all-italic line: how a blog writes a picture's caption
    when it comes straight after the picture."""
    if isinstance(b, Quote):
        if b.attribution or len(b.paragraphs) != 1:
            return False
        rt = b.paragraphs[0]
    elif isinstance(b, Paragraph) and b.text.spans and all(sp.em or not sp.text.strip() for sp in b.text.spans):
        rt = b.text
    else:
        return False
    text = rt.plain.strip()
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    if "\n" in text or not text:
        return False
    return cjk <= 30 if cjk else len(text.split()) <= 12 and len(re.findall(r"[.!?](\s|$)", text)) <= 1


def _announced_speaker(text: str) -> str:
    """The name in an English line that hands over to a quote ("And Christoffer Flensburg
    replied:"), or ''."""
    t = text.strip()
    m = _SAID.search(t)
    if m:
        words = m.group(1).split()
        while words and words[0].lower() in _NOT_NAMES:
            words = words[1:]
        return " ".join(words)
    return ""  # Chinese "X说：" is left alone: "她笑着说：" has no name to take


def _kept(sec: Section) -> bool:
    return any(isinstance(b, Callout) and b.role == "keep" for b in sec.blocks)
