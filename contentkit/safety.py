"""The safe-input policy for untrusted stories (like Pandoc's ``--sandbox``).

* Local media only from inside the story's folder (real paths, symlinks resolved), or from a
  folder the user allows on purpose (``--allow-outside PATH``, recipe ``allow_outside``).
* Only regular files, of bounded size, whose first bytes are a real image format.
* Links: only ``http``, ``https``, ``mailto`` and relative URLs reach an output.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from urllib.parse import unquote

MAX_MEDIA_BYTES = 50_000_000
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
SAFE_SCHEMES = ("http", "https", "mailto")


def safe_url(url: str) -> str | None:
    """The URL if its scheme is allowed (or it is relative), else None. Control characters and
    white space that browsers ignore are removed first, so ' JaVaScRiPt:' is caught."""
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", url or "")
    if not cleaned:
        return None
    m = _SCHEME.match(cleaned)
    if m is None:
        if cleaned.startswith("//"):
            return url.strip()  # protocol-relative: http(s)
        return url.strip()
    return url.strip() if m.group(1).lower() in SAFE_SCHEMES else None


def sniff_image(head: bytes) -> str | None:
    """The image type from its first bytes: png, jpeg, gif, webp; None for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def resolve_media(src: str, base_dir: Path, allowed: tuple[Path, ...] = ()) -> tuple[Path | None, str]:
    """(real path, "") for a usable local image, or (None, reason) when it is refused."""
    rel = unquote(src.split("#", 1)[0].split("?", 1)[0])
    if not rel or "\x00" in rel:
        return None, "empty path"
    roots = [Path(os.path.realpath(base_dir))] + [Path(os.path.realpath(a)) for a in allowed]
    cand = Path(rel) if os.path.isabs(rel) else Path(base_dir) / rel
    real = Path(os.path.realpath(cand))
    if not any(real == r or real.is_relative_to(r) for r in roots):
        return None, "outside the story's folder (use --allow-outside to allow it)"
    try:
        st = os.stat(real)
    except OSError:
        return None, "not found"
    if not stat.S_ISREG(st.st_mode):
        return None, "not a regular file"
    if st.st_size > MAX_MEDIA_BYTES:
        return None, f"larger than {MAX_MEDIA_BYTES // 1_000_000} MB"
    try:
        with open(real, "rb") as f:
            head = f.read(16)
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror})"
    if sniff_image(head) is None:
        return None, "not a PNG, JPEG, GIF or WebP image"
    return real, ""
