"""jieba with its dictionaries read on demand from one SQLite file, not loaded whole.

Loaded the usual way, jieba spends about 1.1 s and 250 MB per process before it cuts a word:
its prefix dictionary (marshal, 0.43 s), the part-of-speech table (``dict.txt`` parsed again,
0.39 s) and the IDF table of ``jieba.analyse`` (0.28 s). A story needs a few thousand of those
entries. Here the three tables are one indexed SQLite file, built once per machine from
jieba's own files into contentkit's cache folder (tmp file, then rename: concurrent builds
are safe), and each table is a read-only mapping that asks SQLite for a key the first time and
remembers the answer. jieba's algorithms are untouched, so every cut, tag and keyword is what
stock jieba gives (``tests/test_zhdict.py`` compares them).

Where the file cannot be built or read (a read-only cache folder), jieba loads its own
tables as usual.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import logging
import os
import sqlite3
import sys
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA = 1


class _Db:
    """A read-only connection, opened again in a forked worker (a connection must not cross a fork)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pid = -1
        self.conn: sqlite3.Connection | None = None

    def execute(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        if self.conn is None or self.pid != os.getpid():
            self.conn = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True,
                                        check_same_thread=False)
            self.pid = os.getpid()
        return self.conn.execute(sql, args)


class _Table(Mapping):
    """A key -> value table in SQLite, memoised in a dict (misses too)."""

    def __init__(self, db: _Db, sql: str, size: int) -> None:
        self._db, self._sql, self._size = db, sql, size
        self._memo: dict[str, Any] = {}

    def _get(self, key: str) -> Any:
        try:
            return self._memo[key]
        except KeyError:
            pass
        row = self._db.execute(self._sql, (key,)).fetchone() if isinstance(key, str) else None
        val = self._memo[key] = row[0] if row else _MISSING
        return val

    def __getitem__(self, key: str) -> Any:
        val = self._get(key)
        if val is _MISSING:
            raise KeyError(key)
        return val

    def get(self, key, default=None):
        val = self._get(key)
        return default if val is _MISSING else val

    def __contains__(self, key) -> bool:
        return self._get(key) is not _MISSING

    def __setitem__(self, key: str, value: Any) -> None:  # jieba.add_word
        self._memo[key] = value

    def __iter__(self) -> Iterator[str]:
        raise TypeError("a dictionary read on demand is not iterated")

    def __len__(self) -> int:
        return self._size


_MISSING = object()


def _import_jieba():
    """jieba 0.42 imports the deprecated pkg_resources (0.1-0.15 s of every process) only to
    open its own data files, and opens them by path when that import fails: the import is
    refused while jieba's modules load, and pkg_resources stays importable for anyone else."""
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    hide = "pkg_resources" not in sys.modules
    if hide:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import jieba
    finally:
        if hide:
            sys.modules.pop("pkg_resources", None)
    return jieba


def _sources() -> tuple[Path, Path]:
    jieba = _import_jieba()
    base = Path(jieba.__file__).parent
    return base / "dict.txt", base / "analyse" / "idf.txt"


def _db_path(cache_dir: Path, sources: tuple[Path, Path]) -> Path:
    h = hashlib.sha256(f"schema {SCHEMA}\n".encode())
    for p in sources:
        st = p.stat()
        h.update(f"{p.name} {st.st_size} {st.st_mtime_ns}\n".encode())
    return cache_dir / "jieba" / f"tables-{h.hexdigest()[:16]}.sqlite"


def build_db(path: Path, sources: tuple[Path, Path]) -> None:
    """The prefix dictionary (word -> frequency, prefixes at 0), tags and IDF, as jieba's own
    loaders read them, into ``path`` (written beside it, then renamed)."""
    dict_txt, idf_txt = sources
    freq: dict[str, int] = {}
    tags: dict[str, str] = {}
    total = 0
    with open(dict_txt, "rb") as f:
        for line in f:
            parts = line.strip().decode("utf-8").split(" ")
            if not parts[0]:
                continue
            word, n = parts[0], int(parts[1])
            freq[word] = n  # as jieba's gen_pfdict: a word's own count wins over a prefix's 0
            total += n
            for ch in range(len(word)):
                freq.setdefault(word[:ch + 1], 0)
            if len(parts) >= 3:
                tags[word] = parts[2]  # as POSTokenizer.load_word_tag: the last line wins
    idf: dict[str, float] = {}
    for text in idf_txt.read_bytes().decode("utf-8").splitlines():
        if text.strip():
            word, value = text.strip().split(" ")
            idf[word] = float(value)
    median = sorted(idf.values())[len(idf) // 2]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.execute("CREATE TABLE freq (w TEXT PRIMARY KEY, n INTEGER, tag TEXT) WITHOUT ROWID")
        db.execute("CREATE TABLE idf (w TEXT PRIMARY KEY, v REAL) WITHOUT ROWID")
        db.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, v) WITHOUT ROWID")
        db.executemany("INSERT INTO freq VALUES (?, ?, ?)",
                       ((w, n, tags.get(w)) for w, n in sorted(freq.items())))
        db.executemany("INSERT INTO idf VALUES (?, ?)", sorted(idf.items()))
        db.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("total", total), ("median_idf", median), ("freq_size", len(freq)),
            ("tag_size", len(tags)), ("idf_size", len(idf))])
        db.commit()
    finally:
        db.close()
    os.replace(tmp, path)


def _open(path: Path) -> _Db:
    db = _Db(path)
    db.execute("SELECT 1 FROM meta LIMIT 1")
    return db


@lru_cache(maxsize=1)
def tables() -> dict[str, Any] | None:
    """The on-demand tables, or None where the file cannot be built or read."""
    if os.environ.get("CONTENTKIT_JIEBA_TABLES", "").strip() == "0":
        return None
    from contentkit.cache import default_root

    try:
        sources = _sources()
        path = _db_path(default_root(), sources)
        if not path.is_file():
            build_db(path, sources)
        db = _open(path)
        meta = dict(db.execute("SELECT k, v FROM meta").fetchall())
    except (OSError, sqlite3.Error, ValueError):
        return None
    return {
        "freq": _Table(db, "SELECT n FROM freq WHERE w = ?", int(meta["freq_size"])),
        "tags": _Table(db, "SELECT tag FROM freq WHERE w = ? AND tag IS NOT NULL", int(meta["tag_size"])),
        "idf": _Table(db, "SELECT v FROM idf WHERE w = ?", int(meta["idf_size"])),
        "total": int(meta["total"]),
        "median_idf": float(meta["median_idf"]),
    }


@lru_cache(maxsize=1)
def jieba():
    """The jieba module, initialised (with on-demand tables where possible), with
    ``jieba.posseg`` and ``jieba.analyse`` imported."""
    import io

    jb = _import_jieba()
    jb.setLogLevel(logging.WARNING)
    t = tables()
    if t is None:
        import jieba.analyse
        import jieba.posseg  # noqa: F401

        return jb
    dt = jb.dt
    with dt.lock:
        dt.FREQ, dt.total, dt.initialized = t["freq"], t["total"], True
    # jieba.posseg and jieba.analyse read their tables when imported: hand them nothing to
    # read, then give them the on-demand ones
    real = dt.get_dict_file
    dt.get_dict_file = lambda: io.BytesIO(b"")  # type: ignore[method-assign]
    try:
        import jieba.posseg

        if "jieba.analyse" not in sys.modules:
            # the package's __init__ builds its TF-IDF extractor (reading idf.txt) on import:
            # make the package first, patch its tfidf module, then run the __init__
            spec = importlib.util.find_spec("jieba.analyse")
            assert spec is not None and spec.loader is not None
            pkg = importlib.util.module_from_spec(spec)
            sys.modules["jieba.analyse"] = pkg
            try:
                tfidf = importlib.import_module("jieba.analyse.tfidf")
                loader = tfidf.IDFLoader.set_new_path
                tfidf.IDFLoader.set_new_path = lambda self, p: None
                try:
                    spec.loader.exec_module(pkg)
                finally:
                    tfidf.IDFLoader.set_new_path = loader
                jb.analyse = pkg
            except BaseException:
                sys.modules.pop("jieba.analyse", None)
                sys.modules.pop("jieba.analyse.tfidf", None)
                raise
    finally:
        dt.get_dict_file = real  # type: ignore[method-assign]
    import jieba.analyse

    tfidf = sys.modules["jieba.analyse.tfidf"]  # (jieba.analyse.tfidf is also a function's name)
    jieba.posseg.dt.word_tag_tab = t["tags"]
    for extractor in (jieba.analyse.default_tfidf,):
        extractor.idf_loader.path = tfidf.DEFAULT_IDF
        extractor.idf_loader.idf_freq, extractor.idf_loader.median_idf = t["idf"], t["median_idf"]
        extractor.idf_freq, extractor.median_idf = t["idf"], t["median_idf"]
    return jb
