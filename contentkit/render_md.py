"""Render Story blocks back to Markdown, HTML (escaped) and plain text.

Formats use these views of the typed model; nothing here reads Markdown source.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from contentkit.story import Block, Callout, Code, Html, Image, ListBlock, Paragraph, Quote, Story, Table

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".webp": "image/webp", ".svg": "image/svg+xml"}


def strip_tags(raw: str) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", raw, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())


def md_escape(text: str) -> str:
    """Story text inside generated Markdown: no link, image or raw HTML can be formed from it."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("<", "&lt;")


def md_escape_all(obj):
    """``md_escape`` over every string of a JSON-like structure (for Markdown reports)."""
    if isinstance(obj, str):
        return md_escape(obj)
    if isinstance(obj, list):
        return [md_escape_all(x) for x in obj]
    if isinstance(obj, dict):
        return {k: md_escape_all(v) for k, v in obj.items()}
    return obj


def image_name(img: Image) -> str:
    """A safe file name for a copied local image."""
    from contentkit.output import safe_name

    p = Path(img.local_path or img.src)
    return safe_name(p.stem, "image") + p.suffix.lower()


# ----------------------------------------------------------------------------- markdown
def blocks_markdown(blocks, image_dir: str = "images") -> str:
    out: list[str] = []
    for b in blocks:
        out.append(block_markdown(b, image_dir))
    return "\n\n".join(x for x in out if x)


def block_markdown(b: Block, image_dir: str) -> str:
    if isinstance(b, Paragraph):
        return b.text.markdown()
    if isinstance(b, ListBlock):
        lines = []
        counters: dict[int, int] = {}
        for depth, item in b.flat():
            if b.ordered and depth == 0:
                counters[0] = counters.get(0, b.start - 1) + 1
                marker = f"{counters[0]}."
            else:
                marker = "-"
            lines.append("  " * depth + f"{marker} {item.box}{item.text.markdown()}")
        return "\n".join(lines)
    if isinstance(b, Quote):
        lines = []
        for i, p in enumerate(b.paragraphs):
            if i:
                lines.append(">")
            lines.append("> " + p.markdown().replace("\n", "\n> "))
        if b.attribution:
            lines += [">", f"> {_dash(b.attribution)} {b.attribution}"]
        return "\n".join(lines)
    if isinstance(b, Image):
        if b.remote:
            return f"[{md_escape(b.alt or b.src)}](<{b.src.replace('>', '%3E').replace(' ', '%20')}>)"
        if b.local_path is None:  # missing or refused (a warning says so): its caption, if any
            return f"*({md_escape(b.alt)})*" if b.alt else ""
        return f"![{b.alt}]({image_dir}/{image_name(b)})"
    if isinstance(b, Code):
        return f"```{b.lang}\n{b.code}\n```"
    if isinstance(b, Table):
        if not b.header:
            return ""
        rows = [b.header] + [tuple(r) + ("",) * (len(b.header) - len(r)) for r in b.rows]
        lines = ["| " + " | ".join(c.replace("|", "\\|") for c in rows[0]) + " |",
                 "|" + "---|" * len(b.header)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r[: len(b.header)]) + " |" for r in rows[1:]]
        return "\n".join(lines)
    if isinstance(b, Html):
        return strip_tags(b.html)
    if isinstance(b, Callout):
        inner = blocks_markdown(b.blocks, image_dir)
        return "\n".join(f"> {ln}" if ln else ">" for ln in inner.split("\n")) if inner else ""
    return ""


# ----------------------------------------------------------------------------- html
def data_uri(path: Path) -> str | None:
    mt = IMAGE_TYPES.get(path.suffix.lower())
    if not mt:
        return None
    return f"data:{mt};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def blocks_html(blocks, *, cjk: bool, embed_images: bool = True, warnings: list[str] | None = None,
                locale: str = "") -> str:
    return "\n".join(x for x in (block_html(b, cjk, embed_images, warnings, locale) for b in blocks) if x)


def block_html(b: Block, cjk: bool, embed: bool, warnings: list[str] | None, locale: str = "") -> str:
    esc = lambda s: html.escape(s, quote=True)  # noqa: E731
    if isinstance(b, Paragraph):
        return f"<p>{b.text.html()}</p>"
    if isinstance(b, ListBlock):
        return _list_html(b)
    if isinstance(b, Quote):
        body = "".join(f"<p>{p.html()}</p>" for p in b.paragraphs)
        cite = f"<cite>{_dash(b.attribution)} {esc(b.attribution)}</cite>" if b.attribution else ""
        return f"<blockquote>{body}{cite}</blockquote>"
    if isinstance(b, Image):
        cap = esc(b.title or b.alt)
        if b.remote:
            return f'<p class="remote-image"><a href="{esc(b.src)}">{esc(b.alt or b.src)}</a></p>'
        if b.local_path is None:
            return f'<p class="missing-image">({esc(b.alt)})</p>' if b.alt else ""
        src = data_uri(b.local_path) if embed else f"images/{image_name(b)}"
        if src is None:
            return ""
        figcap = f"<figcaption>{cap}</figcaption>" if cap else ""
        return f'<figure><img src="{esc(src)}" alt="{esc(b.alt)}">{figcap}</figure>'
    if isinstance(b, Code):
        return f"<pre><code>{esc(b.code)}</code></pre>"
    if isinstance(b, Table):
        head = "".join(f"<th>{esc(c)}</th>" for c in b.header)
        rows = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in b.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if isinstance(b, Html):
        text = strip_tags(b.html)
        if warnings is not None:
            warnings.append(f"raw HTML at line {b.line} shown as text")
        return f"<p>{esc(text)}</p>" if text else ""
    if isinstance(b, Callout) and b.role == "quote":  # a quote that holds a list or code
        return f"<blockquote>{blocks_html(b.blocks, cjk=cjk, embed_images=embed, warnings=warnings, locale=locale)}</blockquote>"
    if isinstance(b, Callout):
        from contentkit.messages import catalogue

        label = catalogue(locale or ("zh-Hans" if cjk else "en")).get(f"callout.{b.role}", "")
        lab = f'<strong class="callout-label">{esc(label)}</strong>' if label else ""
        return (f'<aside class="callout callout-{esc(b.role)}">{lab}'
                f"{blocks_html(b.blocks, cjk=cjk, embed_images=embed, warnings=warnings, locale=locale)}</aside>")
    return ""


def _list_html(b: ListBlock) -> str:
    tag = "ol" if b.ordered else "ul"
    start = f' start="{b.start}"' if b.ordered and b.start != 1 else ""
    items = []
    for item in b.items:
        children = "".join(_list_html(c) for c in item.children)
        box = "" if item.checked is None else ("☑ " if item.checked else "☐ ")
        items.append(f"<li>{box}{item.text.html()}{children}</li>")
    return f"<{tag}{start}>{''.join(items)}</{tag}>"


# ----------------------------------------------------------------------------- plain text
def blocks_text(blocks, width: int = 0) -> str:
    out: list[str] = []
    for b in blocks:
        t = block_text_plain(b)
        if t:
            out.append(_wrap(t, width) if width else t)
    return "\n\n".join(out)


def block_text_plain(b: Block) -> str:
    if isinstance(b, Paragraph):
        return b.text.plain
    if isinstance(b, ListBlock):
        lines = []
        n = b.start
        for depth, item in b.flat():
            if b.ordered and depth == 0:
                lines.append(f"{n}. {item.box}{item.text.plain}")
                n += 1
            else:
                lines.append("  " * depth + f"- {item.box}{item.text.plain}")
        return "\n".join(lines)
    if isinstance(b, Quote):
        body = "\n".join(f"“{p.plain}”" if not p.plain.startswith(("“", "「", '"')) else p.plain
                         for p in b.paragraphs)
        return body + (f"\n{_dash(b.attribution)} {b.attribution}" if b.attribution else "")
    if isinstance(b, Image):
        # a plain-text reader sees no picture: its description, and where a remote one is; a
        # local file's name ("[images/IMG_4891.HEIC_compressed.JPEG]") says nothing to them
        if b.alt:
            return f"[{b.alt}]" + (f" {b.src}" if b.remote else "")
        return b.src if b.remote else ""
    if isinstance(b, Code):
        return b.code
    if isinstance(b, Table):
        return "\n".join(" | ".join(r) for r in [b.header, *b.rows] if r)
    if isinstance(b, Html):
        return strip_tags(b.html)
    if isinstance(b, Callout):
        return blocks_text(b.blocks)
    return ""


def _wrap(text: str, width: int) -> str:
    import textwrap

    from contentkit.text import is_cjk_text

    lines = []
    for line in text.split("\n"):
        if is_cjk_text(line) or len(line) <= width:
            lines.append(line)
        else:
            m = re.match(r"^(\s*(?:[-*]|\d+\.)?\s*)", line)
            indent = m.group(1) if m else ""
            lines.extend(textwrap.wrap(line, width=width, subsequent_indent=" " * len(indent),
                                       break_long_words=False, break_on_hyphens=False))
    return "\n".join(lines)


def local_images(story: Story) -> list[Image]:
    seen = set()
    out = []
    for img in story.images():
        if img.local_path is not None and img.local_path not in seen:
            seen.add(img.local_path)
            out.append(img)
    return out


def _dash(attribution: str) -> str:
    """The dash before a quote's source: Chinese ——, English —."""
    from contentkit.text import is_cjk_text

    return "——" if is_cjk_text(attribution) else "—"
