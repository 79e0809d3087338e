"""The CJK font an HTML page needs, embedded in it: a subset of the bundled Noto font with only
the characters the page uses, as WOFF2 (fontTools + brotli). A page then shows Chinese on any
machine, with no system CJK font and no network."""

from __future__ import annotations

import base64
import hashlib
import io
import os
from functools import lru_cache
from pathlib import Path

from contentkit.text import is_cjk, is_cjk_punct

FAMILY = "ContentkitCJK"


def needed(text: str) -> str:
    """The characters of ``text`` that want a CJK font, sorted (a stable cache key)."""
    # quotes, dashes and the middle dot are Western punctuation too: any font has them
    return "".join(sorted({ch for ch in text if is_cjk(ch) or (is_cjk_punct(ch) and ch not in "“”‘’…—·")}))


def cache_dir() -> Path:
    """Where derived files are kept between runs: the build cache's folder (contentkit.cache)."""
    from contentkit.cache import default_root

    return default_root()


@lru_cache(maxsize=16)
def _woff2(chars: str) -> bytes:
    """The subset, from the disk cache when the same font and characters were subset before
    (WOFF2 compression takes about a second); the cache is content-addressed and written
    atomically, so concurrent builds can share it."""
    import fontTools

    from contentkit.layout import _pip_font

    ref = _pip_font("sans")
    if ref is None:
        return b""
    st = os.stat(ref.path)
    key = hashlib.sha256(f"{ref.path}|{ref.index}|{st.st_size}|{st.st_mtime_ns}|{fontTools.version}|{chars}"
                         .encode("utf-8")).hexdigest()
    cached = cache_dir() / "fonts" / f"{key}.woff2"
    try:
        data = cached.read_bytes()
        if data[:4] == b"wOF2":
            return data
    except OSError:
        pass
    data = _subset(ref, chars)
    try:
        from contentkit.output import write_atomic

        write_atomic(cached, data)
    except OSError:
        pass  # a read-only home: no cache, same bytes
    return data


def _subset(ref, chars: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(ref.path, fontNumber=ref.index, recalcTimestamp=False, lazy=False)
    opts = subset.Options()
    opts.flavor = "woff2"
    opts.layout_features = ["*"]
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)
    font.flavor = "woff2"
    buf = io.BytesIO()
    font.save(buf, reorderTables=False)
    return buf.getvalue()


def story_text(story) -> str:
    """Every character a page of this story may show: its text and the built-in phrases."""
    from contentkit.messages import for_story

    phrases = []
    for v in for_story(story).values():
        phrases.extend(v if isinstance(v, list) else [v])
    meta = story.meta
    parts = [meta.title, meta.subtitle, meta.author, meta.persona, meta.cta, meta.hook,
             meta.brand.name, meta.brand.handle, " ".join(meta.tags), " ".join(story.a.hashtags)]
    if meta.product is not None:
        parts += [meta.product.name, meta.product.price, meta.product.offer]
    parts += list(meta.key_points)
    parts += [s.heading + "\n" + s.plain for s in story.sections]
    for _, b in story.blocks():  # what ``plain`` leaves out: attributions, image captions
        parts += [getattr(b, "attribution", ""), getattr(b, "alt", ""), getattr(b, "title", "")]
    return "\n".join(parts + phrases)


def font_face_css(text: str, extra: str = "", probe: bool = False):
    """An ``@font-face`` rule for the page's CJK characters (and ``extra``'s), or "" when the
    page has none. ``probe``: only say whether the page needs one."""
    if probe:
        return bool(needed(text))
    chars = needed(text + extra)
    if not chars:
        return ""
    data = _woff2(chars)
    if not data:
        return ""
    b64 = base64.b64encode(data).decode("ascii")
    return (f"@font-face{{font-family:'{FAMILY}';font-style:normal;font-weight:400 700;"
            f"src:url(data:font/woff2;base64,{b64}) format('woff2');}}")
