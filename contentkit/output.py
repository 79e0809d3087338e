"""Safe, atomic output: a staging folder, safe relative paths, and the build manifest."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from contentkit.errors import ContentkitError, OutputError

MEDIA_TYPES = {
    ".md": "text/markdown", ".txt": "text/plain", ".html": "text/html", ".json": "application/json",
    ".png": "image/png", ".jpg": "image/jpeg", ".mp4": "video/mp4", ".srt": "application/x-subrip",
    ".vtt": "text/vtt", ".ass": "text/x-ssa", ".pdf": "application/pdf", ".wav": "audio/wav",
}


@dataclass
class Artifact:
    format: str
    path: str  # relative to the output folder, POSIX separators
    media_type: str
    sha256: str
    bytes: int
    platform: str | None = None
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    cached: bool | None = None  # True: copied from the build cache, not rendered this time
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        return {k: v for k, v in d.items() if v is not None and v != []} | {"warnings": self.warnings}


def safe_name(text: str, fallback: str = "story", max_len: int = 60) -> str:
    """A file or folder name from user text: letters (CJK kept), digits, '-', nothing else."""
    from slugify import slugify

    name = slugify(text, allow_unicode=True, max_length=max_len, word_boundary=False)
    name = name.strip("-._")
    return name or fallback


def safe_relpath(rel: str) -> PurePosixPath:
    """Validate a relative artifact path: no absolute paths, no '..', no odd characters."""
    p = PurePosixPath(rel.replace("\\", "/"))
    if p.is_absolute() or not p.parts or any(part in ("..", ".", "") for part in p.parts):
        raise OutputError(f"refusing to write outside the output folder: {rel!r}")
    for part in p.parts:
        if part.startswith(".") or re.search(r"[\x00-\x1f:*?\"<>|]", part):
            raise OutputError(f"unsafe file name in output path: {rel!r}")
    return p


MANIFEST = "manifest.json"


class Output:
    """Files of one build go to a hidden staging folder, then move into place together.

    Every file lands with ``os.replace`` (atomic on one file system); if the build fails,
    the staging folder is removed and nothing of the failed build is left behind.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.artifacts: list[Artifact] = []
        self.warnings: list[str] = []
        self._staging: Path | None = None
        self._created_root = False
        self._lock_fd: int | None = None
        # while a format renders with the cache on: what it registered and warned, in order,
        # so a later build replays exactly the same (contentkit.cache)
        self.events: list[list[Any]] | None = None

    # -- lifecycle
    def open(self) -> "Output":
        try:
            if not self.root.exists():
                self.root.mkdir(parents=True)
                self._created_root = True
            elif not self.root.is_dir():
                raise OutputError("output path exists and is not a folder", path=str(self.root))
            self._lock()
            # we hold the lock: any staging folder left here is from a build that was killed
            for old in self.root.glob(".contentkit-*"):
                if old.is_dir() and not old.is_symlink():
                    shutil.rmtree(old, ignore_errors=True)
            # absolute: tools such as ffmpeg must never read "a:b/..." or "-x/..." as a protocol or flag
            self._staging = Path(tempfile.mkdtemp(prefix=".contentkit-", dir=self.root)).absolute()
        except OutputError:
            self._unlock()
            raise
        except OSError as exc:
            self._unlock()
            raise OutputError(f"output folder is not writable: {exc.strerror}",
                              path=str(self.root)) from None
        return self

    # -- one build at a time per folder
    def _lock(self) -> None:
        import fcntl

        # the folder itself is locked (flock works on a directory's descriptor): no lock file
        self._lock_fd = os.open(self.root, os.O_RDONLY)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._lock_fd)
            self._lock_fd = None
            raise OutputError("another contentkit build is writing to this folder; try again when it "
                              "has finished", path=str(self.root)) from None

    def _unlock(self) -> None:
        fd = getattr(self, "_lock_fd", None)
        if fd is not None:
            os.close(fd)  # closing releases the flock
            self._lock_fd = None

    def __enter__(self) -> "Output":
        return self.open()

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()

    def abort(self) -> None:
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None
        self._unlock()
        if self._created_root:
            try:
                self.root.rmdir()  # only if empty
                parent = self.root.parent
                if parent.name == "out" and not any(parent.iterdir()):
                    parent.rmdir()
            except OSError:
                pass

    def commit(self, manifest: bytes | None = None) -> None:
        """Move the staged files into place, manifest last.

        The old manifest goes first and the new one comes last, so a reader that finds a
        manifest can trust every file it lists; files of the previous build that this one did
        not write again are removed. Nothing is written through a symlink."""
        if self._staging is None:
            return
        try:
            real_root = Path(os.path.realpath(self.root))
            for art in self.artifacts:
                self._check_inside(real_root, self.root / art.path)
            previous = self._previous_files()
            try:
                (self.root / MANIFEST).unlink()
            except FileNotFoundError:
                pass
            for art in self.artifacts:
                src = self._staging / art.path
                dst = self.root / art.path
                dst.parent.mkdir(parents=True, exist_ok=True)
                self._check_inside(real_root, dst)
                os.replace(src, dst)
            now = {a.path for a in self.artifacts}
            for rel in sorted(previous - now):
                stale = self.root / rel
                if stale.is_file() and not stale.is_symlink() and \
                        Path(os.path.realpath(stale)).is_relative_to(real_root):
                    stale.unlink()
            if manifest is not None:
                write_atomic(self.root / MANIFEST, manifest)
        except OSError as exc:
            raise OutputError(f"cannot write output: {exc.strerror}", path=str(self.root)) from None
        finally:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None
            self._unlock()

    def _check_inside(self, real_root: Path, dst: Path) -> None:
        """Every folder between the output folder and ``dst`` is a real folder inside it."""
        rel = dst.relative_to(self.root)
        cur = self.root
        for part in rel.parts:
            cur = cur / part
            if cur.is_symlink():
                raise OutputError(f"refusing to write through a symlink in the output folder: {rel}",
                                  path=str(self.root))
        if not Path(os.path.realpath(dst.parent)).is_relative_to(real_root):
            raise OutputError(f"refusing to write outside the output folder: {rel}", path=str(self.root))

    def _previous_files(self) -> set[str]:
        """The files the previous build's manifest lists (safe relative paths only)."""
        try:
            data = json.loads((self.root / MANIFEST).read_text("utf-8"))
            paths = [a["path"] for a in data.get("artifacts", [])]
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return set()
        out = set()
        for p in paths:
            try:
                out.add(str(safe_relpath(str(p))))
            except ContentkitError:
                continue
        return out

    def scratch_dir(self) -> Path:
        """A work folder inside the staging folder, never published: what a killed build
        leaves here is removed by the next build into the same output folder."""
        if self._staging is None:
            raise RuntimeError("Output is not open")
        p = self._staging / "_scratch"
        p.mkdir(exist_ok=True)
        return p

    # -- writing
    def staged_path(self, rel: str) -> Path:
        """Where a tool (ffmpeg, Pillow) should write ``rel`` before ``register``."""
        if self._staging is None:
            raise RuntimeError("Output is not open")
        p = self._staging / safe_relpath(rel)
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create folder: {exc.strerror}", path=str(self.root)) from None
        return p

    def write(self, rel: str, data: bytes | str, *, format: str, **meta: Any) -> Artifact:
        if isinstance(data, str):
            data = data.encode("utf-8")
        path = self.staged_path(rel)
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise OutputError(f"cannot write {rel}: {exc.strerror}", path=str(self.root)) from None
        return self.register(rel, format=format, **meta)

    def write_json(self, rel: str, obj: Any, *, format: str, **meta: Any) -> Artifact:
        return self.write(rel, dumps(obj), format=format, **meta)

    def register(self, rel: str, *, format: str, media_type: str | None = None,
                 warnings: list[str] | tuple[str, ...] = (), **meta: Any) -> Artifact:
        rel_p = safe_relpath(rel)
        path = self.staged_path(str(rel_p))
        if not path.is_file():
            raise ContentkitError(f"{format}: expected output {rel} was not produced")
        data = path.read_bytes()
        art = Artifact(
            format=format,
            path=str(rel_p),
            media_type=media_type or MEDIA_TYPES.get(rel_p.suffix.lower(), "application/octet-stream"),
            sha256=hashlib.sha256(data).hexdigest(),
            bytes=len(data),
            **meta,
        )
        self.artifacts = [a for a in self.artifacts if a.path != art.path] + [art]
        if self.events is not None:
            self.events.append(["artifact", {k: v for k, v in asdict(art).items() if k != "warnings"}])
        for w in warnings:
            self.warn(w, path=art.path)
        return art

    def warn(self, message: str, *, path: str | None = None) -> None:
        """The one warning channel of a build. ``path`` names the artifact the warning is
        about: the artifact's manifest entry lists it, and the build's list shows it as
        ``path: message``. Repeats are dropped."""
        if self.events is not None:
            self.events.append(["warn", message, path])
        if path is not None:
            art = next((a for a in self.artifacts if a.path == path), None)
            if art is not None and message not in art.warnings:
                art.warnings.append(message)
            message = f"{path}: {message}"
        if message not in self.warnings:
            self.warnings.append(message)


    # -- formats rendered apart (on a thread), merged in the build's order
    def branch(self) -> "Output":
        """An Output over the same staging folder with its own artifacts, warnings and a record
        of events: a format renders into it, and ``merge`` applies what it did, so the build's
        lists come out in job order whichever format finished first."""
        b = Output.__new__(Output)
        b.__dict__.update(self.__dict__)
        b.artifacts, b.warnings, b.events = [], [], []
        return b

    def merge(self, events: list[list[Any]], cached: bool = False) -> None:
        """Register the artifacts (already staged) and warnings of a branch's events, in order;
        ``cached``: the branch was replayed from the build cache."""
        for ev in events:
            if ev[0] == "artifact":
                meta = dict(ev[1])
                rel = meta.pop("path")
                art = self.register(rel, **{k: v for k, v in meta.items() if k not in ("sha256", "bytes", "cached")})
                if cached:
                    art.cached = True
            else:
                self.warn(ev[1], path=ev[2])

    # -- the build cache
    def record(self) -> None:
        self.events = []

    def recorded(self) -> tuple[list[list[Any]], dict[str, Path]]:
        """The events since ``record()`` and the staged file of every artifact they name."""
        events, self.events = self.events or [], None
        last = {e[1]["path"]: i for i, e in enumerate(events) if e[0] == "artifact"}
        events = [e for i, e in enumerate(events) if e[0] != "artifact" or last[e[1]["path"]] == i]
        files = {e[1]["path"]: self.staged_path(e[1]["path"]) for e in events if e[0] == "artifact"}
        return events, files

    def replay(self, events: list[list[Any]], blobs: dict[str, Path]) -> None:
        """Stage a cached format's files and register and warn exactly as its render did;
        the artifacts are marked ``cached``. Raises OSError or ValueError if a file does not
        match the entry (the caller renders instead)."""
        for ev in events:
            if ev[0] == "artifact":
                meta = dict(ev[1])
                rel = meta.pop("path")
                dst = self.staged_path(rel)
                shutil.copyfile(blobs[rel], dst)
                art = self.register(rel, **{k: v for k, v in meta.items() if k not in ("sha256", "bytes", "cached")})
                if art.sha256 != meta["sha256"]:
                    raise ValueError(f"cached {rel} does not match its entry")
                art.cached = True
            else:
                self.warn(ev[1], path=ev[2])


def dumps(obj: Any) -> str:
    """Deterministic JSON: sorted keys, UTF-8, two-space indent, trailing newline."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def write_atomic(path: Path, data: bytes) -> None:
    """Write one file atomically (temp file in the same folder, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
