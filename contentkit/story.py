"""The typed, immutable Story model.

A story is parsed once (``contentkit.parser``) into these frozen dataclasses; every format
plugin reads them and nothing downstream re-parses Markdown. Inline formatting is kept as
``Span`` runs so a format can render emphasis (bold = emphasis) the way its platform allows.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Union


@dataclass(frozen=True)
class Span:
    """A run of inline text with its formatting."""

    text: str
    strong: bool = False
    em: bool = False
    code: bool = False
    href: str | None = None
    struck: bool = False  # ~~struck out~~: the article shows it struck, the plain text leaves it out


_STOPS = "。！？!?；;，,、.：:"


@dataclass(frozen=True)
class RichText:
    """Inline text as formatted runs, with plain, Markdown and HTML views."""

    spans: tuple[Span, ...] = ()

    @property
    def plain(self) -> str:
        """The text as read aloud or posted where nothing can be struck out: a ~~struck~~ run
        is what the writer took back ("很簡潔~~簡陋~~" says 很簡潔), so it is left out, and the
        punctuation it leaves doubled ("…出去了。~~她說我太帥啦~~。") is written once."""
        if not any(s.struck for s in self.spans):
            return "".join(s.text for s in self.spans)
        out = ""
        gap = False  # a struck run was just left out
        for s in self.spans:
            if s.struck:
                gap = True
                continue
            t = s.text
            if gap and out.rstrip()[-1:] in tuple(_STOPS) and t.lstrip()[:1] in tuple(_STOPS):
                t = t.lstrip().lstrip(_STOPS)
            elif gap and not out.rstrip() and t.lstrip()[:1] in tuple(_STOPS):
                t = t.lstrip().lstrip(_STOPS)
            elif gap and (not out or out[-1:].isspace()):
                t = t.lstrip()
            out += t
            gap = False
        return out

    @property
    def strong_parts(self) -> tuple[str, ...]:
        return tuple(s.text.strip() for s in self.spans if s.strong and s.text.strip())

    def markdown(self) -> str:
        out = []
        for s in self.spans:
            t = s.text
            if not s.code:  # story text stays text: no link, image or raw HTML can be formed from it
                t = t.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("<", "&lt;")
            if s.code:
                t = f"`{t}`"
            if s.em:
                t = f"*{t}*"
            if s.strong:
                t = f"**{t}**"
            if s.struck:
                t = f"~~{t}~~"
            if s.href:
                t = f"[{t}](<{s.href.replace('>', '%3E').replace(' ', '%20')}>)"
            out.append(t)
        return "".join(out)

    def html(self) -> str:
        out = []
        for s in self.spans:
            t = html.escape(s.text, quote=True).replace("\n", "<br>")
            if s.code:
                t = f"<code>{t}</code>"
            if s.em:
                t = f"<em>{t}</em>"
            if s.strong:
                t = f"<strong>{t}</strong>"
            if s.struck:
                t = f"<del>{t}</del>"
            if s.href:
                t = f'<a href="{html.escape(s.href, quote=True)}">{t}</a>'
            out.append(t)
        return "".join(out)

    def __bool__(self) -> bool:
        return bool(self.plain.strip())


@dataclass(frozen=True)
class Paragraph:
    text: RichText
    line: int = 0
    kind: str = field(default="paragraph", init=False)


@dataclass(frozen=True)
class ListItem:
    text: RichText
    children: tuple["ListBlock", ...] = ()
    checked: bool | None = None  # a task list's box ("- [x] 备份微信聊天记录"); None: no box

    @property
    def box(self) -> str:
        """The item's box as Markdown writes it, with its space; '' for a plain item."""
        return "" if self.checked is None else ("[x] " if self.checked else "[ ] ")


@dataclass(frozen=True)
class ListBlock:
    items: tuple[ListItem, ...]
    ordered: bool = False
    start: int = 1
    line: int = 0
    kind: str = field(default="list", init=False)

    def flat(self, depth: int = 0) -> Iterator[tuple[int, ListItem]]:
        for item in self.items:
            yield depth, item
            for child in item.children:
                yield from child.flat(depth + 1)


@dataclass(frozen=True)
class Quote:
    paragraphs: tuple[RichText, ...]
    attribution: str = ""
    line: int = 0
    kind: str = field(default="quote", init=False)

    @property
    def text(self) -> RichText:
        spans: list[Span] = []
        for i, p in enumerate(self.paragraphs):
            if i:
                spans.append(Span("\n"))
            spans.extend(p.spans)
        return RichText(tuple(spans))


@dataclass(frozen=True)
class Image:
    src: str
    alt: str = ""
    title: str = ""
    local_path: Path | None = None  # resolved, existing local file
    remote: bool = False
    line: int = 0
    kind: str = field(default="image", init=False)


@dataclass(frozen=True)
class Code:
    code: str
    lang: str = ""
    line: int = 0
    kind: str = field(default="code", init=False)


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    line: int = 0
    kind: str = field(default="table", init=False)


@dataclass(frozen=True)
class Html:
    html: str
    line: int = 0
    kind: str = field(default="html", init=False)


@dataclass(frozen=True)
class Callout:
    """An author's explicit steer: ``::: keypoint``, ``::: hook``, ``::: cta``, ``::: note``."""

    role: str
    blocks: tuple["Block", ...]
    line: int = 0
    kind: str = field(default="callout", init=False)

    @property
    def text(self) -> RichText:
        spans: list[Span] = []
        for b in self.blocks:
            t = block_text(b)
            if t:
                if spans:
                    spans.append(Span("\n"))
                spans.extend(t.spans)
        return RichText(tuple(spans))


Block = Union[Paragraph, ListBlock, Quote, Image, Code, Table, Html, Callout]


def block_text(block: Block) -> RichText:
    """The readable inline text of a block (empty for images, code, tables, raw HTML)."""
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, Quote):
        return block.text
    if isinstance(block, Callout):
        return block.text
    if isinstance(block, ListBlock):
        spans: list[Span] = []
        for _, item in block.flat():
            if spans:
                spans.append(Span("\n"))
            spans.extend(item.text.spans)
        return RichText(tuple(spans))
    return RichText()


@dataclass(frozen=True)
class Section:
    heading: str
    level: int
    blocks: tuple[Block, ...]
    line: int = 0
    inferred: bool = False  # the heading was found by the editorial layer, not written by the author
    shown: str = ""  # the heading as a part shown on its own names it (set by the editorial layer)

    @property
    def label(self) -> str:
        """The heading where a card, a beat, a live segment or a post shows this part on its own:
        without the author's list number ("3. 摘要優先順序"), a generic one ("說明") with its
        parent's; the article keeps ``heading`` as written."""
        return self.shown or self.heading

    @property
    def text_blocks(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if block_text(b))

    @property
    def plain(self) -> str:
        return "\n".join(block_text(b).plain for b in self.blocks if block_text(b))


@dataclass(frozen=True)
class Brand:
    name: str = ""
    handle: str = ""
    color: str = ""
    # from a brand kit (brand.toml, contentkit.brand); front matter overrides field by field
    sign_off: str = ""
    phrases: tuple[str, ...] = ()
    logo: Path | None = None
    handles: tuple[tuple[str, str], ...] = ()  # per platform
    fonts: tuple[str, str] = ("", "")  # (title, body) font files of the kit, path or path#index

    def handle_for(self, platform: str) -> str:
        return dict(self.handles).get(platform, self.handle)

    def font_for(self, role: str) -> str | None:
        """The kit's font for ``title`` or ``body`` text (the body one for both if only it is set)."""
        title, body = self.fonts
        return (title or body or None) if role == "title" else (body or title or None)


@dataclass(frozen=True)
class Product:
    name: str = ""
    price: str = ""
    offer: str = ""
    url: str = ""


@dataclass(frozen=True)
class Metadata:
    title: str
    subtitle: str = ""
    author: str = ""
    persona: str = ""
    language: str = ""  # as declared; the detected one is in Analysis.language
    tags: tuple[str, ...] = ()
    brand: Brand = Brand()
    product: Product | None = None
    cta: str = ""
    hook: str = ""
    key_points: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    slug: str = ""
    platforms: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    editorial_clean: bool = True  # front matter ``editorial: {clean: false}`` turns cleaning off
    editorial_structure: bool = True  # ``editorial: {structure: false}``: keep the author's sections

    def platform_override(self, platform: str) -> dict[str, Any]:
        for name, items in self.platforms:
            if name == platform:
                return dict(items)
        return {}


@dataclass(frozen=True)
class KeyPoint:
    text: str
    section: int  # index into Story.sections, -1 when from front matter
    score: float
    explicit: bool = False


@dataclass(frozen=True)
class Unit:
    """A piece of text a format may show: one sentence, or a sentence with what it depends on.

    ``standalone`` is False when the unit still needs context (an opener with no sentence
    before it to carry, an announcement whose items could not travel with it)."""

    text: str
    kind: str = "sentence"  # sentence, list, table, quote
    standalone: bool = True
    # carried, rewritten, compressed (an announcement with its items), items (a list that no
    # sentence announces), steps, announce...
    note: str = ""
    item: bool = False  # one item of a list, shown without the list (never a story's hook)


@dataclass(frozen=True)
class SetAside:
    """Text the editorial layer recognised as not the story (boilerplate, navigation...)."""

    line: int
    reason: str
    text: str


@dataclass(frozen=True)
class Analysis:
    language: str  # zh-Hans, zh-Hant or en
    sentences: tuple[tuple[str, ...], ...]  # per section: the texts of ``units``
    keywords: tuple[str, ...]
    key_points: tuple[KeyPoint, ...]
    hook: str
    hashtags: tuple[str, ...]
    char_count: int
    word_count: int
    reading_time_s: float
    speaking_time_s: float
    speaking_rate: float  # units per second: characters (zh) or words (en)
    units: tuple[tuple[Unit, ...], ...] = ()  # per section
    set_aside: tuple[SetAside, ...] = ()
    locale: str = ""  # zh-Hant variant for messages: zh-TW or zh-HK
    # the next-best standalone sentences of long sections, best first (a short story's extra cards)
    more_points: tuple[KeyPoint, ...] = ()

    @property
    def messages_locale(self) -> str:
        return self.locale or self.language

    def standalone(self, section: int) -> list[str]:
        return [u.text for u in self.units[section] if u.standalone] if self.units else list(self.sentences[section])

    @property
    def is_cjk(self) -> bool:
        return self.language.startswith("zh")

    @functools.cached_property
    def _items(self) -> frozenset[str]:
        return frozenset(u.text for sec in self.units for u in sec if u.item)

    def is_item(self, text: str) -> bool:
        """Whether ``text`` is one item of a list, standing alone (see ``Unit.item``)."""
        return text in self._items

    def run(self, texts: list[str], n: int) -> list[str]:
        """Up to ``n`` of ``texts`` from the first, to be shown as one passage: a list item
        only alone or first, so that a passage never shows two items of a list (and leaves
        the rest of it out, as "粘锅时…。多加油更容易成功…" did of eight tips), and no
        announcement after its first."""
        out: list[str] = []
        for t in texts[:n]:
            if out and (self.is_item(t) or self.is_item(out[-1])):
                break
            if out and t.rstrip().endswith((":", "：")):
                break  # "改成這樣：" announces what the passage does not show (code, a table)
            out.append(t)
        return out


@dataclass(frozen=True)
class Story:
    meta: Metadata
    sections: tuple[Section, ...]
    source: str  # path as given, or "-" for stdin
    sha256: str
    base_dir: Path
    warnings: tuple[str, ...] = ()
    analysis: Analysis | None = None

    @property
    def title(self) -> str:
        return self.meta.title

    def blocks(self) -> Iterator[tuple[int, Block]]:
        for i, s in enumerate(self.sections):
            for b in s.blocks:
                yield i, b

    def images(self) -> list[Image]:
        out: list[Image] = []
        for _, b in self.blocks():
            if isinstance(b, Image):
                out.append(b)
        return out

    def quotes(self) -> list[tuple[int, Quote]]:
        return [(i, b) for i, b in self.blocks() if isinstance(b, Quote)]

    def callouts(self, role: str) -> list[Callout]:
        return [b for _, b in self.blocks() if isinstance(b, Callout) and b.role == role]

    @property
    def hook_line(self) -> str:
        """The hook where it says more than the title; '' for a story with no sentence to open
        on (a recipe of lists), whose hook is its title: shown under the title, it said it twice."""
        return "" if self.a.hook.strip() == self.title.strip() else self.a.hook

    @property
    def a(self) -> Analysis:
        if self.analysis is None:  # pragma: no cover - programming error
            raise RuntimeError("story has not been analysed")
        return self.analysis
