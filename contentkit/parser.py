"""Markdown (with YAML front matter and ``:::`` containers) -> typed Story, parsed once."""

from __future__ import annotations

import hashlib
import os
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from contentkit.errors import ContentkitError
from contentkit.text import is_cjk_text, lead_symbols
from contentkit.story import (
    Block,
    Brand,
    Callout,
    Code,
    Html,
    Image,
    ListBlock,
    ListItem,
    Metadata,
    Paragraph,
    Product,
    Quote,
    RichText,
    Section,
    Span,
    Story,
    Table,
    block_text,
)

CONTAINER_ROLES = ("keypoint", "hook", "cta", "note", "tip", "keep", "aside")
KNOWN_KEYS = (
    "title", "subtitle", "author", "persona", "language", "lang", "tags", "brand", "product",
    "cta", "hook", "key_points", "hashtags", "slug", "platforms", "date", "description", "editorial",
)
# keys that static-site generators (Hugo, Jekyll, Hexo, Hugo themes such as PaperMod) put in
# front matter: read by the site, not by contentkit, and no typo of ours, so never warned about
SITE_KEYS = frozenset(k.lower() for k in (
    "lastmod", "updated", "draft", "categories", "category", "aliases", "weight", "url", "layout",
    "permalink", "toc", "cover", "image", "images", "series", "keywords", "summary", "excerpt",
    "comments", "math", "katex", "mathjax", "type", "sidebar", "featured", "thumbnail", "banner",
    "publishdate", "expirydate", "authors", "showtoc", "tocopen", "disablehljs", "hidemeta",
    "showreadingtime", "showwordcount", "showbreadcrumbs", "showpostnavlinks", "searchhidden",
    "disableshare", "hidesummary", "readingtime", "menu", "published", "id", "uuid", "abbrlink",
    "top", "sticky", "copyright", "license", "canonicalurl", "canonical_url", "og_image", "header",
    "feature", "redirect_from", "sitemap", "robotsnoindex", "isCJKLanguage", "typora-root-url",
    "typora-copy-images-to", "mermaid", "share", "pin", "nav", "order", "spoiler"))
MAX_BYTES = 5_000_000


# ---------------------------------------------------------------------------- reading
def decode(raw: bytes, path: str) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 when that is certain."""
    if len(raw) > MAX_BYTES:
        raise ContentkitError(f"file is larger than the limit of {MAX_BYTES} bytes", path=path)
    if not raw.strip():
        raise ContentkitError("file is empty", path=path)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), [f"{path}: decoded as UTF-16; save stories as UTF-8"]
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw[:8192]:
        raise ContentkitError("binary file, not a Markdown story", path=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        gb = _try_gb18030(raw)
        if gb is None:
            line = raw[: exc.start].count(b"\n") + 1
            raise ContentkitError(
                "not UTF-8 and the encoding could not be determined; save the file as UTF-8",
                path=path, line=line,
            ) from None
        return _normalise(gb), [f"{path}: decoded as GB18030 (not UTF-8); save stories as UTF-8"]
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > 8:
        raise ContentkitError("binary file, not a Markdown story", path=path)
    return _normalise(text), []


def _try_gb18030(raw: bytes) -> str | None:
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return None
    # GB18030 decodes almost any bytes; accept only when the result is overwhelmingly common
    # Chinese (CJK Unified Ideographs and CJK/full-width punctuation).
    good = sum(1 for ch in non_ascii if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
               or "\uff00" <= ch <= "\uffef" or ch in "“”‘’…—·")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if good / len(non_ascii) >= 0.95 and controls == 0:
        return text
    return None


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------------------- front matter
_FM_RE = re.compile(r"\A---[ \t]*\n(.*?)(?:\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


# an ES module statement as MDX writes it, a block of its own: "import { Books } from './books'",
# "export const metadata = {" (not a wrapped line of prose that opens on "import the data")
_ESM_START = re.compile(r"^(?:import\s+(?:[\w*{][^'\"]*?\s+from\s+)?['\"]|import\s*\{|import\s+[\w$]+\s*,?\s*\{?"
                        r"[^'\"]*\bfrom\s+['\"]|export\s+(?:const|let|var|function|async|default|class)\b|export\s*\{)")
_JSX_START = re.compile(r"^\s{0,3}<([A-Z][\w.]*)")


def _scan(text: str, depth: int, quote: str, tag: bool = False) -> tuple[int, str, int]:
    """Brackets and strings of a piece of JS or JSX, carried from one piece to the next:
    (depth, open quote, index of the ``>`` that ends a JSX tag at depth 0, or -1; with ``tag``
    only). Each character is read once, so a statement that never closes costs one pass."""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif tag and ch == ">" and depth == 0:
            return depth, quote, i
        i += 1
    return depth, quote, -1


def _esm_end(lines: list[str], i: int) -> int:
    """The last line of the statement that opens on line ``i`` (its brackets closed); ``i``
    itself when it never closes: one stray line goes, never the rest of the story."""
    depth, quote = 0, ""
    for j in range(i, len(lines)):
        depth, quote, _ = _scan(lines[j] + "\n", depth, quote)
        if depth <= 0 and not quote:
            return j
    return i


def _jsx_end(lines: list[str], i: int, name: str, start: int) -> int:
    """The last line of the JSX element whose tag ``<name`` opens line ``i`` at ``start``:
    where it closes itself (``/>``) or its ``</name>`` is; ``i`` when neither comes."""
    depth, quote, col = 0, "", start
    for j in range(i, len(lines)):
        line = lines[j]
        depth, quote, gt = _scan(line[col:], depth, quote, tag=True)
        if gt >= 0:
            gt += col
            if line[gt - 1:gt] == "/":
                return j
            close = f"</{name}>"
            if close in line[gt:]:
                return j
            return next((k for k in range(j + 1, len(lines)) if close in lines[k]), i)
        col = 0
    return i


def _object_strings(src: str, keys: tuple[str, ...]) -> dict[str, str]:
    """String values of ``keys`` at the top level of the first object literal in ``src``
    (``export const metadata = { title: '2016 in Review', openGraph: { title: … } }``), read
    as text: nothing in a story is ever run."""
    out: dict[str, str] = {}
    start = src.find("{")
    if start < 0:
        return out
    pattern = rf"(?<![\w$])({'|'.join(map(re.escape, keys))})\s*:\s*(['\"`])((?:\\.|(?!\2).)*)\2"
    depth, quote, at = 0, "", start
    for m in re.finditer(pattern, src[start:], re.S):
        # the brackets and strings between the last key and this one: a key inside a nested
        # object ("openGraph: { title: … }") or inside a string is not the post's
        depth, quote, _ = _scan(src[at:start + m.start()], depth, quote)
        at = start + m.start()
        if depth == 1 and not quote and m.group(1) not in out:
            out[m.group(1)] = re.sub(r"\\(.)", r"\1", m.group(3)).strip()
    return out


_INDENTED = re.compile(r"^((?:[ ]{0,3}>[ ]?)*)(\t[ \t]*|[ ]{4,}[ \t]*)(\S.*)$")
_CODE_SIGNS = re.compile(r"[{};=<>$\\|`]|\b(?:def|return|import|function|var|let|const|class|if|for|while|echo|sudo)\b|"
                         r"^\s*(?:[-$#>]|\w+\(|\w+\.\w+\()")


def _prose_block(lines: list[str]) -> bool:
    """Whether indented lines are prose set in by the editor that exported them (a WordPress
    export opened every paragraph with a tab), not code: Hanzi sentences, or English lines
    that end sentences, with no sign of code."""
    import html as html_lib

    # a link's address and HTML entities ("&hellip;", "&#39;") are no signs of code
    lines = [html_lib.unescape(re.sub(r"\]\([^)\s]*\)", "]", ln)) for ln in lines]
    text = "\n".join(lines)
    if any(_CODE_SIGNS.search(ln) for ln in lines):
        return False
    letters = [ch for ch in text if ch.isalnum()]
    if not letters:
        return True  # "&nbsp;", "&#8211;": an editor's spacer, no code either
    han = sum(1 for ch in letters if "\u4e00" <= ch <= "\u9fff")
    if han / len(letters) >= 0.3 or re.search(r"[，。！？：、「」『』]", text):  # "喺，That's Hong Kong.", "「Errr」"
        return True
    words = text.split()
    ends = sum(1 for ln in lines if re.search(r"[.!?。！？…\"”’)]$", ln.rstrip()))
    return len(words) >= 8 * len(lines) and ends * 2 >= len(lines)


def prose_indents(body: str) -> str:
    """Paragraphs an editor indented with a tab or four spaces, read as paragraphs: CommonMark
    makes such lines a code block, and a story exported that way (every paragraph opened by a
    tab, a quote's lines too) came out as code with nothing to say. A run of indented lines
    after a blank line is let back to the margin when it reads as prose (``_prose_block``);
    code stays code, fenced code is never touched, and line numbers stay true."""
    lines = body.split("\n")
    out = list(lines)
    fence = ""
    i = 0
    while i < len(lines):
        f = re.match(r"^\s{0,3}(`{3,}|~{3,})", lines[i])
        if f:
            fence = "" if fence and f.group(1)[0] == fence[0] and len(f.group(1)) >= len(fence) else (fence or f.group(1))
            i += 1
            continue
        after = lines[i - 1] if i else ""
        if fence or not _INDENTED.match(lines[i]) or (after.strip(" \t>") and not re.match(r"\s{0,3}#{1,6}(\s|$)", after)):
            i += 1
            continue
        j = i
        while j < len(lines) and _INDENTED.match(lines[j]):
            j += 1
        run = [_INDENTED.match(ln) for ln in lines[i:j]]
        if _prose_block([m.group(3) for m in run if m]):
            for k, m in zip(range(i, j), run):
                if m:
                    out[k] = m.group(1) + m.group(3)
        i = j
    return "\n".join(out)


def mdx_prelude(body: str) -> tuple[str, dict[str, str], int]:
    """An MDX post as Markdown: its ``import``/``export`` statements and its JSX components
    (``<Tweet id="…" />``, ``<Snippet …>…</Snippet>``) become blank lines (line numbers stay
    true), and the title and description of an ``export const metadata = {…}`` (Next.js)
    come back for the front matter's place. Returns (body, {"title", "description"}, the
    number of statements and components left out). Lines inside fenced code are left alone."""
    lines = body.split("\n")
    meta: dict[str, str] = {}
    left = 0
    fence = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        f = re.match(r"^\s{0,3}(`{3,}|~{3,})", line)
        if f:
            fence = "" if fence and f.group(1)[0] == fence[0] and len(f.group(1)) >= len(fence) else (fence or f.group(1))
            i += 1
            continue
        if fence:
            i += 1
            continue
        j = i
        if _ESM_START.match(line) and (i == 0 or not lines[i - 1].strip()):
            j = _esm_end(lines, i)
            stmt = "\n".join(lines[i:j + 1])
            if re.match(r"export\s+const\s+(?:metadata|meta|frontmatter)\s*=", stmt):
                meta.update({k: v for k, v in _object_strings(stmt, ("title", "description")).items()
                             if k not in meta})
        elif (m := _JSX_START.match(line)):
            j = _jsx_end(lines, i, m.group(1), m.end())
        else:
            i += 1
            continue
        for k in range(i, j + 1):
            lines[k] = ""
        left += 1
        i = j + 1
    return "\n".join(lines), meta, left


_TOML_FM_RE = re.compile(r"\A\+\+\+[ \t]*\n(.*?)\n\+\+\+[ \t]*(?:\n|\Z)", re.S)


def _toml_front_matter(text: str, path: str) -> tuple[dict[str, Any], str, int]:
    """Hugo's TOML front matter between ``+++`` lines (``title = "…"``): it had been read as
    the story's first paragraph, and a year-in-review's hook was its date and tags."""
    import tomllib

    m = _TOML_FM_RE.match(text)
    if not m:
        raise ContentkitError("front matter starts with '+++' but never ends with '+++'", path=path, line=1)
    try:
        data = tomllib.loads(m.group(1))
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+)", str(exc))
        problem = re.sub(r"\s*\(at line.*$", "", str(exc)) or "invalid TOML"
        raise ContentkitError(f"malformed front matter: {problem}", path=path,
                              line=int(where.group(1)) + 1 if where else 1) from None
    n_lines = m.group(0).count("\n") + (0 if m.group(0).endswith("\n") else 1)
    return data, text[m.end():], n_lines


def split_front_matter(text: str, path: str) -> tuple[dict[str, Any], str, int]:
    """Return (front matter mapping, body text, number of lines the front matter took): YAML
    between ``---`` lines, or TOML between ``+++`` lines (Hugo). Blank lines before the fence
    are allowed: a feed's export starts "\\n---\\ntitle: …", whose front matter had been shown
    as the story's first paragraph."""
    stripped = text.lstrip(" \t\r\n")
    skipped = text[: len(text) - len(stripped)]
    if "\n" in skipped and stripped.split("\n", 1)[0].strip() in ("---", "+++"):
        try:
            data, body, n = _split_front_matter(stripped, path)
        except ContentkitError as exc:  # its line in the file, blank lines included
            raise ContentkitError(exc.message, path=path, line=(exc.line or 1) + skipped.count("\n"),
                                  key=exc.key) from None
        if n:
            return data, body, n + skipped.count("\n")
    return _split_front_matter(text, path)


def _split_front_matter(text: str, path: str) -> tuple[dict[str, Any], str, int]:
    if text.split("\n", 1)[0].strip() == "+++":
        return _toml_front_matter(text, path)
    if not text.startswith("---"):
        return {}, text, 0
    first_line = text.split("\n", 1)[0].strip()
    if first_line != "---":
        return {}, text, 0
    m = _FM_RE.match(text)
    if not m:
        raise ContentkitError("front matter starts with '---' but never ends with '---'",
                              path=path, line=1)
    import yaml

    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ContentkitError(f"malformed front matter: {problem}", path=path, line=line) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ContentkitError("front matter must be a mapping of 'key: value' lines",
                              path=path, line=2)
    n_lines = m.group(0).count("\n") + (0 if m.group(0).endswith("\n") else 1)
    body = text[m.end():]
    return data, body, n_lines


def _key_line(text: str, key: str) -> int | None:
    for i, line in enumerate(text.split("\n")[:400], start=1):
        if re.match(rf"^{re.escape(key)}\s*[:=]", line):
            return i
    return None


def _deck(value: Any) -> str:
    """A site key's one line of text, or '' (a site's own key is never an error of ours)."""
    return re.sub(r"\s+", " ", value).strip() if isinstance(value, str) else ""


def _as_str(value: Any, key: str, path: str, text: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    raise ContentkitError(f"expected text, got {type(value).__name__}", path=path,
                          line=_key_line(text, key), key=key)


def _as_list(value: Any, key: str, path: str, text: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts = re.split(r"[,，、]\s*", value)
        return tuple(p.strip() for p in parts if p.strip())
    if isinstance(value, (list, tuple)):
        out = []
        for item in value:
            if isinstance(item, (dict, list)):
                raise ContentkitError("expected a list of short texts", path=path,
                                      line=_key_line(text, key), key=key)
            if item is not None and str(item).strip():
                out.append(str(item).strip())
        return tuple(out)
    raise ContentkitError(f"expected a list, got {type(value).__name__}", path=path,
                          line=_key_line(text, key), key=key)


OVERRIDE_KEYS = ("title", "hashtags", "cta")


def _override_items(name: str, items: dict, path: str, text: str, warnings: list[str]) -> list[tuple[str, Any]]:
    """Typed per-platform overrides: title and cta are text, hashtags a list of short texts."""
    from contentkit.errors import closest

    out: list[tuple[str, Any]] = []
    for k, v in items.items():
        key = f"platforms.{name}.{k}"
        if str(k) not in OVERRIDE_KEYS:
            warnings.append(f"{path}:{_key_line(text, '    ' + str(k)) or _key_line(text, 'platforms') or 1}: "
                            f"unknown platform override '{key}'{closest(str(k), OVERRIDE_KEYS)}; "
                            f"overrides: {', '.join(OVERRIDE_KEYS)}")
            continue
        if k == "hashtags":
            tags = _as_list(v, key, path, text)
            out.append(("hashtags", tuple(t.lstrip("#") for t in tags)))
        else:
            out.append((str(k), _as_str(v, key, path, text)))
    return out


_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def _editorial(editorial: Any, kw: dict[str, Any], path: str, text: str) -> None:
    if editorial is None:
        return
    if not isinstance(editorial, dict) or any(k not in ("clean", "structure") for k in editorial) \
            or not all(isinstance(v, bool) for v in editorial.values()):
        raise ContentkitError("expected a mapping like {clean: false, structure: true}", path=path,
                              line=_key_line(text, "editorial"), key="editorial")
    kw["editorial_clean"] = editorial.get("clean", True)
    kw["editorial_structure"] = editorial.get("structure", True)


def _brand(brand: Any, path: str, text: str) -> Brand:
    if not isinstance(brand, dict):
        return Brand(name=_as_str(brand, "brand", path, text))
    color = _as_str(brand.get("color"), "brand.color", path, text)
    if color and not _COLOR_RE.match(color):
        raise ContentkitError(f"'{color}' is not a colour like #7b1e3a", path=path,
                              line=_key_line(text, "  color") or _key_line(text, "brand"), key="brand.color")
    return Brand(name=_as_str(brand.get("name"), "brand.name", path, text),
                 handle=_as_str(brand.get("handle"), "brand.handle", path, text), color=color)


def _product(product: Any, path: str, text: str, warnings: list[str]) -> Product:
    """A product needs a name; its URL reaches an output only with an allowed scheme."""
    from contentkit.safety import safe_url

    if not isinstance(product, dict):
        return Product(name=_as_str(product, "product", path, text))
    p = Product(**{k: _as_str(product.get(k), f"product.{k}", path, text) for k in ("name", "price", "offer", "url")})
    if p.url and safe_url(p.url) is None:
        warnings.append(f"{path}:{_key_line(text, '  url') or _key_line(text, 'product') or 1}: "
                        "product.url dropped: only http, https and mailto links reach an output")
        p = Product(name=p.name, price=p.price, offer=p.offer, url="")
    if not p.name:
        raise ContentkitError("a product needs a name", path=path, line=_key_line(text, "product"),
                              key="product.name")
    return p


def build_metadata(fm: dict[str, Any], path: str, text: str) -> tuple[dict[str, Any], list[str]]:
    """Validate front matter into Metadata keyword arguments (title may still be missing)."""
    from contentkit.errors import closest

    warnings: list[str] = []
    for key in fm:
        if str(key) not in KNOWN_KEYS and str(key).strip().lower() not in SITE_KEYS:
            warnings.append(f"{path}:{_key_line(text, str(key)) or 1}: unknown front matter key "
                            f"'{key}'{closest(str(key), KNOWN_KEYS)}")
    s = lambda k: _as_str(fm.get(k), k, path, text)  # noqa: E731
    def line(k: str) -> str:  # a one-line field: "Making of  Tea" is "Making of Tea"
        return re.sub(r"\s+", " ", s(k)).strip()

    kw: dict[str, Any] = {
        "title": line("title"),
        # a site's deck ("spoiler:" on overreacted.io, Hexo's "excerpt:", Hugo's "summary:"),
        # when it is a line and not a paragraph
        "subtitle": line("subtitle") or line("description") or next(
            (d for d in (_deck(fm.get(k)) for k in ("excerpt", "summary", "spoiler")) if d and len(d) <= 140), ""),
        "author": s("author"),
        "persona": s("persona"),
        "language": s("language") or s("lang"),
        "tags": _as_list(fm.get("tags"), "tags", path, text),
        "cta": s("cta"),
        "hook": s("hook"),
        "key_points": _as_list(fm.get("key_points"), "key_points", path, text),
        "hashtags": tuple(h.lstrip("#") for h in _as_list(fm.get("hashtags"), "hashtags", path, text)),
        "slug": s("slug"),
    }
    _editorial(fm.get("editorial"), kw, path, text)
    if fm.get("brand") is not None:
        kw["brand"] = _brand(fm["brand"], path, text)
    if fm.get("product") is not None:
        kw["product"] = _product(fm["product"], path, text, warnings)
    platforms = fm.get("platforms")
    if platforms is not None:
        if not isinstance(platforms, dict) or not all(isinstance(v, dict) for v in platforms.values()):
            raise ContentkitError("expected a mapping of platform name to settings",
                                  path=path, line=_key_line(text, "platforms"), key="platforms")
        kw["platforms"] = tuple(
            (str(name), tuple(sorted(_override_items(str(name), items, path, text, warnings))))
            for name, items in sorted(platforms.items(), key=lambda kv: str(kv[0]))
        )
    return kw, warnings


# ---------------------------------------------------------------------------- markdown
def _markdown():
    from markdown_it import MarkdownIt
    from mdit_py_cjk_friendly import cjk_friendly
    from mdit_py_plugins.container import container_plugin

    # cjk_friendly: **强调。**后文 parses as emphasis next to full-width punctuation.
    md = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough").use(cjk_friendly)
    for role in CONTAINER_ROLES:
        md.use(container_plugin, name=role)
    return md


# zero-width space, word joiner, BOM and soft hyphen: marks a web editor leaves in the text
# ("​它并没有说明…" hid its opening 它 from every check); the emoji joiner U+200D stays
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad]")


def _inline(token, images: list[tuple[str, str, str]]) -> RichText:
    """Convert an inline token's children to spans; images are collected separately."""
    spans: list[Span] = []
    strong = em = struck = 0
    href: list[str] = []
    children = list(token.children or [])
    line_start = 0  # where the current source line begins in spans
    for ci, child in enumerate(children):
        t = child.type
        if t == "text":
            spans.append(Span(_INVISIBLE.sub("", child.content), bool(strong), bool(em), False,
                              (href[-1] or None) if href else None, bool(struck)))
        elif t == "code_inline":
            spans.append(Span(child.content, bool(strong), bool(em), True, (href[-1] or None) if href else None,
                              bool(struck)))
        elif t == "strong_open":
            strong += 1
        elif t == "strong_close":
            strong -= 1
        elif t == "em_open":
            em += 1
        elif t == "em_close":
            em -= 1
        elif t == "link_open":
            from contentkit.safety import safe_url

            href.append(safe_url(str(child.attrs.get("href", ""))) or "")
        elif t == "link_close":
            if href:
                href.pop()
        elif t == "softbreak":
            after = next((c.content for c in children[ci + 1:] if c.type in ("text", "code_inline")), "")
            before = "".join(sp.text for sp in spans[line_start:]).lstrip()
            if lead_symbols(before) or lead_symbols(after.lstrip()):
                # "✔️ 復古風\n✔️ 插座\n✔️ 不限時": lines led by a marker are the author's
                # list, one to a line, never "✔️ 復古風✔️ 插座…" run together
                spans.append(Span("\n"))
            else:
                spans.append(Span(" " if _needs_space(spans) else ""))
            line_start = len(spans)
        elif t == "hardbreak":
            spans.append(Span("\n"))
            line_start = len(spans)
        elif t == "image":
            images.append((str(child.attrs.get("src", "")), child.content or "",
                           str(child.attrs.get("title", "") or "")))
        elif t == "html_inline":
            # inline tags are dropped from the text views; two elements side by side
            # ("<span>書名</span><span>作者…</span>") stay two words, never "書名作者"
            if re.match(r"\s*</", child.content) and ci + 1 < len(children) \
                    and children[ci + 1].type == "html_inline" and re.match(r"\s*<[A-Za-z]", children[ci + 1].content) \
                    and spans and not spans[-1].text[-1:].isspace():
                spans.append(Span(" "))
            continue
        elif t == "s_open":
            struck += 1
        elif t == "s_close":
            struck -= 1
    # merge adjacent runs with the same formatting
    merged: list[Span] = []
    for sp in spans:
        if not sp.text:
            continue
        if merged and (merged[-1].strong, merged[-1].em, merged[-1].code, merged[-1].href, merged[-1].struck) == (
                sp.strong, sp.em, sp.code, sp.href, sp.struck):
            merged[-1] = replace(sp, text=merged[-1].text + sp.text)
        else:
            merged.append(sp)
    return RichText(tuple(merged))


# a signature under a note: one to four capitalised words ("Shifty.", "Uncle Bob")
_SIGNATURE = re.compile(r"((?:[A-Z][\w'’.-]*)(?:[ \t]+[A-Z][\w'’.-]*){0,3})")


def _needs_space(spans: list[Span]) -> bool:
    """A soft line break is a space in English and nothing between CJK characters."""
    if not spans or not spans[-1].text:
        return True
    last = spans[-1].text[-1]
    return not ("\u2e80" <= last <= "\u9fff" or "\u3000" <= last <= "\u303f" or "\uff00" <= last <= "\uffef")


class _Walker:
    def __init__(self, tokens, path: str, base_dir: Path, allowed: tuple[Path, ...] = ()) -> None:
        self.tokens = tokens
        self.i = 0
        self.path = path
        self.base_dir = base_dir
        self.allowed = allowed
        self.warnings: list[str] = []
        self.remote_reported: set[str] = set()

    def line(self, tok) -> int:
        return (tok.map[0] + 1) if tok.map else 0

    def image_block(self, src: str, alt: str, title: str, line: int) -> Image:
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src.strip()) and not src.strip().lower().startswith(
                ("http://", "https://", "data:")):
            self.warnings.append(f"{self.path}:{line}: image '{src[:80]}' refused: only http(s) and local images")
            return Image(src="", alt=alt, title=title, line=line)
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", src) or src.startswith("//"):
            if src not in self.remote_reported:
                self.remote_reported.add(src)
                self.warnings.append(f"{self.path}:{line}: remote image {src} kept as a link, not fetched")
            return Image(src=src, alt=alt, title=title, remote=True, line=line)
        if src.startswith("data:"):
            return Image(src="", alt=alt, title=title, line=line)
        from contentkit.safety import resolve_media

        local, why = resolve_media(src, self.base_dir, self.allowed)
        if local is None and why != "not found":
            self.warnings.append(f"{self.path}:{line}: image '{src[:80]}' refused: {why}")
            return Image(src="", alt=alt, title=title, line=line)
        return Image(src=src, alt=alt, title=title, local_path=local, line=line)

    def blocks(self, stop: str | None) -> list[Block]:
        """Parse block tokens until a closing token of type ``stop`` (consumed)."""
        out: list[Block] = []
        toks = self.tokens
        while self.i < len(toks):
            tok = toks[self.i]
            t = tok.type
            if stop and t == stop:
                self.i += 1
                return out
            if t == "paragraph_open":
                inline = toks[self.i + 1]
                images: list[tuple[str, str, str]] = []
                text = _inline(inline, images)
                line = self.line(tok)
                if text:
                    out.append(Paragraph(text=text, line=line))
                for src, alt, title in images:
                    out.append(self.image_block(src, alt, title, line))
                self.i += 3
            elif t in ("bullet_list_open", "ordered_list_open"):
                out.append(self.list_block())
            elif t == "blockquote_open":
                out.extend(self.quote())
            elif t in ("fence", "code_block"):
                out.append(Code(code=tok.content.rstrip("\n"), lang=(tok.info or "").strip().split(" ")[0],
                                line=self.line(tok)))
                self.i += 1
            elif t == "html_block":
                out.append(Html(html=tok.content, line=self.line(tok)))
                self.i += 1
            elif t == "table_open":
                out.append(self.table())
            elif t.startswith("container_") and t.endswith("_open"):
                role = t[len("container_"):-len("_open")]
                line = self.line(tok)
                self.i += 1
                inner = self.blocks(f"container_{role}_close")
                out.append(Callout(role=role, blocks=tuple(inner), line=line))
            elif t == "heading_open":
                return out  # the caller starts a new section
            else:  # hr, front_matter, anything unknown
                self.i += 1
        return out

    def quote(self) -> list[Block]:
        """A blockquote: its paragraphs, an attribution line ("— Name") taken out of the text,
        and its images as blocks of their own (before the quote)."""
        line = self.line(self.tokens[self.i])
        self.i += 1
        inner = self.blocks("blockquote_close")
        images: list[Block] = [b for b in inner if isinstance(b, Image)]
        rest = [b for b in inner if not isinstance(b, Image)]
        first = rest[0] if rest and isinstance(rest[0], Paragraph) else None
        alert = _ALERT.match(first.text.plain) if first is not None else None
        if alert is not None and first is not None:
            # "> [!NOTE]" (GitHub's alerts): a note box, its marker no text of the story's
            head = _drop_rich(first.text, alert.end())
            rest = ([Paragraph(text=head, line=first.line)] if head.plain.strip() else []) + rest[1:]
            return images + [Callout(role=_ALERT_ROLES[alert.group(1).lower()], blocks=tuple(rest), line=line)]
        sign = None
        if len(rest) >= 2 and isinstance(rest[-1], ListBlock) and not rest[-1].ordered \
                and len(rest[-1].items) == 1 and not rest[-1].items[0].children \
                and all(isinstance(b, Paragraph) for b in rest[:-1]):
            # a note signed "- Shifty." under its text: Markdown reads the hyphen as a list
            sign = _SIGNATURE.fullmatch(rest[-1].items[0].text.plain.strip())
        if sign is not None:
            rest = rest[:-1]
        if any(not isinstance(b, Paragraph) for b in rest):
            # a quote that holds a list, code or a table ("> **重要說明**：…好處是：" over "> - …"):
            # a box of the story's own content, shown whole, never cut to its first paragraph
            return images + [Callout(role="quote", blocks=tuple(rest), line=line)]
        paras = [block for block in rest if isinstance(block, Paragraph)]
        texts = [p.text for p in paras]
        attribution = ""
        if sign is not None:
            attribution = sign.group(1).rstrip(".")
        elif texts:
            last = texts[-1].plain.strip()
            m = re.match(r"^(?:——|—-?|-{2,3}|―|－－)\s*(.+)$", last)  # "--- Jef Mallett" is an em dash
            if m and len(texts) > 1:
                attribution = m.group(1).strip()
                texts = texts[:-1]
            elif texts:
                # attribution on the same paragraph after a line break: "...\n— Name"
                spans = list(texts[-1].spans)
                plain = texts[-1].plain
                # a note signed on its own line with a hyphen ("…down the trail.\n- Shifty.")
                m2 = re.search(r"(?:\n|(?<=[.!?。！？”\"」]))\s*(?:——|—|--|―)\s*([^\n—]{1,80})$", plain) or \
                    re.search(r"\n[ \t]*-[ \t]+((?:[A-Z][\w'’.-]*)(?:[ \t]+[A-Z][\w'’.-]*){0,3})[ \t]*$", plain)
                if m2:
                    attribution = m2.group(1).strip().rstrip(".")
                    cut = len(plain) - len(m2.group(0))
                    texts[-1] = _truncate_rich(RichText(tuple(spans)), cut)
        return images + [Quote(paragraphs=tuple(texts), attribution=attribution, line=line)]

    def list_block(self) -> ListBlock:
        tok = self.tokens[self.i]
        ordered = tok.type == "ordered_list_open"
        close = "ordered_list_close" if ordered else "bullet_list_close"
        start = int(tok.attrs.get("start", 1) or 1) if ordered else 1
        line = self.line(tok)
        self.i += 1
        items: list[ListItem] = []
        while self.i < len(self.tokens) and self.tokens[self.i].type != close:
            if self.tokens[self.i].type == "list_item_open":
                self.i += 1
                inner = self.blocks("list_item_close")
                # an item's paragraph that announces the code block after it ("In the
                # `create_bucket` command we add:") says nothing once the item is its text:
                # it had run on into the next paragraph ("…we add: This allows S3…")
                texts = [b.text for k, b in enumerate(inner) if isinstance(b, Paragraph)
                         and not (k + 1 < len(inner) and isinstance(inner[k + 1], Code)
                                  and b.text.plain.rstrip().endswith((":", "：")))]
                children = tuple(b for b in inner if isinstance(b, ListBlock))
                spans: list[Span] = []
                for k, txt in enumerate(texts):
                    if k:
                        spans.append(Span(" "))
                    spans.extend(txt.spans)
                checked = None
                box = _TASK_BOX.match(spans[0].text) if spans and not spans[0].code else None
                if box:  # "- [x] 备份微信聊天记录": a task list's box is no text of the item
                    checked = box.group(1) != " "
                    spans[0] = replace(spans[0], text=spans[0].text[box.end():])
                items.append(ListItem(text=RichText(tuple(spans)), children=children, checked=checked))
            else:
                self.i += 1
        self.i += 1
        return ListBlock(items=tuple(items), ordered=ordered, start=start, line=line)

    def table(self) -> Table:
        line = self.line(self.tokens[self.i])
        header: list[str] = []
        rows: list[list[str]] = []
        current: list[str] | None = None
        in_head = False
        while self.i < len(self.tokens):
            tok = self.tokens[self.i]
            if tok.type == "table_close":
                self.i += 1
                break
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "tr_open":
                current = []
            elif tok.type == "tr_close" and current is not None:
                if in_head:
                    header = current
                else:
                    rows.append(current)
            elif tok.type == "inline" and current is not None:
                current.append(_inline(tok, []).plain.strip())
            self.i += 1
        return Table(header=tuple(header), rows=tuple(tuple(r) for r in rows), line=line)


_TASK_BOX = re.compile(r"^\[([ xX])\]\s+")
_ALERT = re.compile(r"^\s*\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*\n?", re.I)
_ALERT_ROLES = {"note": "note", "tip": "tip", "important": "important", "warning": "warning", "caution": "warning"}


def _drop_rich(text: RichText, n: int) -> RichText:
    """The text without its first ``n`` characters, emphasis and links kept."""
    spans: list[Span] = []
    left = n
    for sp in text.spans:
        piece = sp.text[left:] if left else sp.text
        left = max(0, left - len(sp.text))
        if piece:
            spans.append(replace(sp, text=piece.lstrip("\n") if not spans else piece))
    return RichText(tuple(spans))


def _truncate_rich(text: RichText, n: int) -> RichText:
    spans: list[Span] = []
    left = n
    for sp in text.spans:
        if left <= 0:
            break
        piece = sp.text[:left]
        left -= len(piece)
        spans.append(replace(sp, text=piece.rstrip("\n") if left <= 0 else piece))
    return RichText(tuple(spans))


# ---------------------------------------------------------------------------- entry point
# a heading's anchor id as Pandoc, kramdown and Hugo write it ("{#one}", "{#one .wide}") or as
# some MDX blogs do ("It's All About Speed [#ship-with-speed]"): the site's, not the heading's
_HEADING_ID = re.compile(r"\s*(?:\{#[\w:.-]+(?:\s+[.#]?[\w:.=-]+)*\}|\[#[\w:.-]+\])\s*$")


def _sections(walker: "_Walker", tokens, title: str) -> tuple[list[Section], str]:
    """Headings start sections; a first H1 is the title (when there is none, or it is the same)
    and the blocks after it join the intro; text before any heading is one untitled section."""
    sections: list[Section] = []
    title_h1_used = False
    while walker.i < len(tokens):
        tok = tokens[walker.i]
        if tok.type == "heading_open":
            level = int(tok.tag[1:])
            heading = _HEADING_ID.sub("", _inline(tokens[walker.i + 1], []).plain).strip()
            line = walker.line(tok)
            walker.i += 3
            if (not sections or _only_header(sections)) and level == 1 and (not title or heading == title) \
                    and not title_h1_used:
                title = title or heading
                title_h1_used = True
                continue
            sections.append(Section(heading, level, tuple(walker.blocks(None)), line))
        else:
            line = walker.line(tok)
            blocks = walker.blocks(None)
            if not blocks:
                continue
            if sections and sections[-1].heading == "" and sections[-1].level == 0:
                prev = sections.pop()
                sections.append(Section("", 0, prev.blocks + tuple(blocks), prev.line))
            else:
                sections.append(Section("", 0, tuple(blocks), line))
    return sections, title


def _only_header(sections: list[Section]) -> bool:
    """Whether all before the first heading is a translation's or a site's header (a quote of
    "原文地址：…/译者：…" lines, a cover image): then a first H1 after it is still the title."""
    from contentkit.editorial.clean import _boilerplate

    return len(sections) == 1 and not sections[0].heading and all(
        isinstance(b, Image) or (block_text(b).plain.strip() and _boilerplate(block_text(b).plain))
        for b in sections[0].blocks)


def _fallback_title(sections: list[Section], path: str) -> str:
    """No title anywhere: the first heading, else the first sentence of the first paragraph."""
    from contentkit.editorial.clean import _boilerplate

    # "Image by author" under a cover picture, a byline: no title of the story
    paras = [block for s in sections for block in s.blocks if isinstance(block, Paragraph)]
    first = next((b for b in paras if b.text.plain.strip() and not _boilerplate(b.text.plain)),
                 paras[0] if paras else None)
    if first is None and not sections:
        raise ContentkitError("story has no text", path=path)
    original = _original_title(sections)
    if original and first is not None and is_cjk_text(original) == is_cjk_text(first.text.plain):
        return _clipped(original, 64)  # "原文地址：[A First Look at GPT-4](…)": a translation's own title
    # a blog's file name is its post's title where it is words ("2025-09-04-React二三事.md"),
    # not a slug ("making-of-tea.md") or "index.md"
    stem = re.sub(r"^\d{4}-\d{1,2}-\d{1,2}[-_ ]*", "", Path(path).stem).replace("_", " ").strip()
    if sum(1 for ch in stem if "\u4e00" <= ch <= "\u9fff") >= 3:
        return _clipped(stem, 64)
    head = sections[0].heading if sections else ""
    if head and _intro_heading(head):
        head = ""  # "前言", "Introduction": the first part's name, not the story's
    title = head or (first.text.plain if first else "Untitled")
    return _clipped(re.split(r"(?<=[。！？!?.])\s*", title.strip())[0], 64)


def _intro_heading(heading: str) -> bool:
    """"前言", "Introduction" (editorial.toml's ``intro_headings``): a first part's name."""
    from contentkit.editorial.data import table

    h = heading.strip().rstrip(":：").strip().lower()
    return h in {w.lower() for w in table()["structure"]["intro_headings"]}


_ORIGINAL = re.compile(r"(原文(地址|链接|鏈接|連結|标题|標題)|original (title|article|post))\s*[:：]\s*$", re.I)


def _original_title(sections: list[Section]) -> str:
    """The original's title a translation names in its header ("原文地址：[A First Look at
    GPT-4](…)"), or ''."""
    for sec in sections[:2]:
        for b in sec.blocks[:4]:
            spans = block_text(b).spans
            for k, sp in enumerate(spans):
                if k and sp.href and sp.text.strip() and _ORIGINAL.search(spans[k - 1].text) \
                        and not re.match(r"https?://", sp.text.strip()):
                    return re.sub(r"\s+", " ", sp.text).strip()
    return ""


def _clipped(title: str, limit: int) -> str:
    """A sentence made a title, within ``limit`` characters: cut after a clause ("…，" "…:")
    where one ends past its first fifth, else after a whole word with "…"; never "…has given m"."""
    if len(title) <= limit:
        return title
    m = re.match(r"^([^:：]{2,40})[:：]\s*(\S.*)$", title)
    if m and len(m.group(1).split()) <= 4 and len(m.group(2)) <= limit:
        return m.group(2)  # "Unpopular Opinion: It's harder than ever to be…": the label gives way
    head = title[:limit]
    clause = max(head.rfind(c) for c in "，,：:；;—、")
    if clause >= limit // 5:
        return head[:clause].rstrip(" ，,：:；;—、")
    space = head.rfind(" ")
    if space >= limit // 2:
        return head[:space].rstrip(" ,;:") + "…"
    return head[:limit - 1] + "…"


def parse_text(text: str, *, source: str = "-", base_dir: Path | None = None,
               raw: bytes | None = None, warnings: list[str] | None = None,
               allowed: tuple[Path, ...] = ()) -> Story:
    """Parse decoded Markdown text into a Story (no analysis yet)."""
    path = source
    warnings = list(warnings or [])
    fm, body, fm_lines = split_front_matter(text, path)
    if "\t" in body or "    " in body:
        body = prose_indents(body)
    if source.lower().endswith(".mdx") or any(_ESM_START.match(ln) for ln in body.split("\n")):
        body, mdx_meta, left = mdx_prelude(body)
        for key, field in (("title", "title"), ("description", "subtitle")):
            if mdx_meta.get(key) and not fm.get(field) and not (field == "subtitle" and fm.get("description")):
                fm = {**fm, field: mdx_meta[key]}
        if left:
            warnings.append(f"{path}: {left} MDX import/export statement(s) and component(s) are the "
                            "site's code, not the story: left out")
    meta_kw, meta_warnings = build_metadata(fm, path, text)
    warnings.extend(meta_warnings)
    base = base_dir if base_dir is not None else Path.cwd()

    md = _markdown()
    # Parse the body, then shift token line numbers past the front matter.
    tokens = md.parse(body)
    for tok in tokens:
        if tok.map:
            tok.map = [tok.map[0] + fm_lines, tok.map[1] + fm_lines]
    walker = _Walker(tokens, path, base, allowed)
    sections, title = _sections(walker, tokens, meta_kw["title"])
    warnings.extend(walker.warnings)
    for img in (b for s in sections for b in s.blocks if isinstance(b, Image)):
        if not img.remote and img.src and img.local_path is None:
            warnings.append(f"{path}:{img.line}: local image '{img.src}' not found")
    if not title:
        title = _fallback_title(sections, path)
        warnings.append(f"{path}: no title in front matter or as '# heading'; using '{title}'")
    if not any(s.blocks for s in sections) and not any(s.heading for s in sections):
        raise ContentkitError("story has a title but no text", path=path)
    meta_kw["title"] = title
    digest = hashlib.sha256(raw if raw is not None else text.encode("utf-8")).hexdigest()
    return Story(meta=Metadata(**meta_kw), sections=tuple(sections), source=source,
                 sha256=digest, base_dir=base, warnings=tuple(warnings))


def parse_file(path: str, allowed: tuple[Path, ...] = ()) -> Story:
    """Read and parse a story file (``-`` reads standard input). Local media must lie inside
    the story's folder or one of ``allowed``."""
    text, raw, warnings = _read(path)
    base = Path.cwd() if path == "-" else Path(path).resolve().parent
    return parse_text(text, source=path, base_dir=base, raw=raw, warnings=warnings, allowed=allowed)


def _read(path: str) -> tuple[str, bytes, list[str]]:
    if path == "-":
        raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        label = "<stdin>"
    else:
        import stat

        p = Path(path)
        label = path
        if not p.exists():
            raise ContentkitError("file not found", path=path)
        if p.is_dir():
            raise ContentkitError("is a folder, not a Markdown file", path=path)
        try:
            # never block on a FIFO or read a device: open without waiting, check, then read
            fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            try:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    raise ContentkitError("not a regular file (a device, pipe or socket)", path=path)
                with os.fdopen(fd, "rb", closefd=False) as f:
                    raw = f.read(MAX_BYTES + 1)
            finally:
                os.close(fd)
        except OSError as exc:
            raise ContentkitError(f"cannot read: {exc.strerror}", path=path) from None
    text, warnings = decode(raw, label)
    return text, raw, warnings
