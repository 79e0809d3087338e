"""Build orchestration: parse once, analyse once, render each format, write the manifest."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contentkit import __version__
from contentkit.errors import EXIT_STRICT, ContentkitError, UsageError, closest
from contentkit.output import Output, dumps, safe_name
from contentkit.proc import release_memory

Progress = Callable[[str, str], None]  # (story, what it is doing)
Say = Callable[[str], None]  # one story's status


@dataclass
class BuildRequest:
    stories: list[str]
    formats: list[str] = field(default_factory=list)  # empty: every available format
    out: Path | None = None
    platforms: list[str] = field(default_factory=list)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)  # {"article": {...}, "analysis": {...}}
    strict: bool = False
    where: str = ""  # recipe path, for error messages
    allow_outside: list[Path] = field(default_factory=list)  # folders local media may also come from
    jobs: int = 0  # stories built at once (processes); 0: the machine's cores, 1: one after another
    brand: Path | None = None  # a brand kit (brand.toml) for every story that names none itself
    nest_out: bool | None = None  # each story in out/<slug>/ (None: when there is more than one story)
    cache: bool = True  # reuse unchanged formats' outputs (contentkit.cache); CONTENTKIT_NO_CACHE=1 too


def with_brand(story, default_kit: Path | None):
    """The story with its brand kit applied: the one its front matter names (``brand:
    brand.toml``, relative to the story) or else the build's (``--brand``, a recipe's
    ``brand``); front matter fields win over the kit's."""
    import dataclasses

    from contentkit.brand import apply, load_kit
    from contentkit.story import Brand

    b = story.meta.brand
    kit_path: Path | None = default_kit
    meta = story.meta
    if b.name.lower().endswith(".toml") and not (b.handle or b.color):
        kit_path = story.base_dir / b.name
        meta = dataclasses.replace(meta, brand=Brand())
    if kit_path is None:
        return story
    kit, logo = load_kit(kit_path)
    return dataclasses.replace(story, meta=apply(meta, kit, logo))


def split_option(item: str) -> tuple[str, str, Any]:
    """Parse ``format.key=value`` (value as TOML if it parses, else a string)."""
    import tomllib

    if "=" not in item or "." not in item.split("=", 1)[0]:
        raise UsageError(f"option '{item}' must look like FORMAT.KEY=VALUE, e.g. article.emoji=true")
    key, value = item.split("=", 1)
    fmt, opt = key.strip().split(".", 1)
    try:
        parsed = tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        parsed = value
    return fmt, opt.strip(), parsed


# What people actually speak and read: outside these a plan is nonsense (a 50-hour video).
RATE_RANGES = {
    "zh_chars_per_s": (1.0, 12.0), "en_words_per_min": (60.0, 400.0),
    "zh_read_chars_per_min": (100.0, 3000.0), "en_read_words_per_min": (60.0, 1500.0),
}


def rates_from(options: dict[str, Any], where: str = ""):
    from contentkit.analysis import Rates

    fields = {f.name: f for f in dataclasses.fields(Rates)}
    values = {}
    for key, value in options.items():
        if key not in fields:
            raise UsageError(f"unknown option 'analysis.{key}'{closest(key, list(fields))}",
                             path=where or None)
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ContentkitError(f"expected a number, got {value!r}", path=where or None,
                                  key=f"analysis.{key}") from None
        lo, hi = RATE_RANGES[key]
        if not math.isfinite(v) or not lo <= v <= hi:
            raise ContentkitError(f"must be a number from {lo:g} to {hi:g} (got {value!r})",
                                  path=where or None, key=f"analysis.{key}")
        values[key] = v
    return Rates(**values)


def plan(req: BuildRequest):
    """Resolve formats, platforms and options before anything is read or written."""
    from contentkit import plugins
    from contentkit.platforms import get_platform, platforms

    names = req.formats or plugins.available()
    seen = []
    for n in names:
        if n not in seen:
            seen.append(n)
    chosen = [plugins.load(n) for n in seen]
    for name in req.platforms:
        get_platform(name)
    for key in req.options:
        if key != "analysis" and key not in seen:
            if key in plugins.available():
                continue  # options for a format not built this time are ignored
            raise UsageError(f"options given for unknown format '{key}'{closest(key, plugins.available())}",
                             path=req.where or None)
    rates = rates_from(req.options.get("analysis", {}), req.where)
    jobs = []
    table = platforms()
    for plugin in chosen:
        listed = [p for p in table.values() if plugin.name in p.formats]
        renders = getattr(plugin, "renders", None)
        supported = [p.name for p in listed if renders is None or renders(p)]
        for p in listed:
            if p.name not in supported and p.name in req.platforms:
                raise UsageError(f"format '{plugin.name}' has no renderer for platform '{p.name}' "
                                 f"(listed in the platform table); it renders {', '.join(supported)}")
        values = dict(req.options.get(plugin.name, {}))
        if req.platforms and supported:
            wanted = [p for p in req.platforms if p in supported]
            if not wanted:
                if req.formats:
                    raise UsageError(f"format '{plugin.name}' has no platform "
                                     f"{', '.join(req.platforms)}; it supports {', '.join(supported)}")
                continue
            values["platforms"] = tuple(wanted)
        if "platforms" in values:
            values["platforms"] = tuple(values["platforms"])
            for p in values["platforms"]:
                if p not in supported:
                    raise UsageError(f"format '{plugin.name}' has no platform '{p}'"
                                     f"{closest(p, supported)}; it supports {', '.join(supported)}")
        options = plugins.parse_options(plugin, values, req.where)
        jobs.append((plugin, options))
    if not jobs:
        raise UsageError("nothing to build: no format supports the platforms asked for")
    return jobs, rates


def default_out(story) -> Path:
    if story.meta.slug:
        return Path("out") / safe_name(story.meta.slug)
    if story.source != "-":
        return Path("out") / safe_name(Path(story.source).stem)
    return Path("out") / safe_name(story.meta.title)


def story_summary(story) -> dict[str, Any]:
    """What the manifest says about the analysed story (cached with the formats' outputs, so
    an unchanged story is not analysed again)."""
    return {
        "story": {"path": story.source, "sha256": story.sha256, "title": story.title,
                  "language": story.a.language},
        "editorial": {
            "sections": [{"heading": s.heading, "found": s.inferred, "line": s.line} for s in story.sections],
            "set_aside": [{"line": x.line, "reason": x.reason, "text": x.text} for x in story.a.set_aside],
            "units_needing_context": sum(1 for us in story.a.units for u in us if not u.standalone),
        },
        "warnings": list(story.warnings),
    }


def build_one(path: str, jobs, rates, req: BuildRequest,
              progress: Say | None = None, cache=None) -> tuple[Path, dict[str, Any]]:
    out_dir, manifest, _ = _build_one(path, jobs, rates, req, progress, cache)
    return out_dir, manifest


def _build_one(path: str, jobs, rates, req: BuildRequest, progress: Say | None = None,
               cache=None) -> tuple[Path, dict[str, Any], dict[str, float]]:
    """One story: (output folder, manifest, seconds each rendered format took)."""
    import time

    from contentkit.analysis import analyze
    from contentkit.parser import parse_file

    say = progress or (lambda _msg: None)
    say("parse")
    parsed = with_brand(parse_file(path, tuple(req.allow_outside)), req.brand)
    keys: dict[str, str | None] = {}
    entries: dict[str, Any] = {}
    summary = None
    if cache is not None:
        from contentkit.cache import format_key, story_key

        for plugin, options in jobs:
            keys[plugin.name] = k = format_key(parsed, rates, plugin, options)
            entries[plugin.name] = cache.get(k) if k else None
        skey = story_key(parsed, rates)
        if all(entries.values()):
            summary = cache.get_json(skey)
    analysed = None
    timings: dict[str, float] = {}

    def story():
        nonlocal analysed, summary
        if analysed is None:
            say("analyse")
            t0 = time.perf_counter()
            analysed = analyze(parsed, rates)
            timings["_story"] = time.perf_counter() - t0
            if summary is None:
                summary = story_summary(analysed)
                if cache is not None:
                    cache.put_json(skey, summary)
        return analysed

    if summary is None:
        story()
    assert summary is not None
    nest = req.nest_out if req.nest_out is not None else len(req.stories) != 1
    out_dir = req.out if (req.out and not nest) else (
        (req.out / default_out(parsed).name) if req.out else default_out(parsed))
    output = Output(out_dir)
    output.open()
    try:
        for w in summary["warnings"]:
            output.warn(w)
        formats_json: dict[str, Any] = {}
        from contentkit import proc

        proc.reset()
        branches: dict[str, Any] = {}  # format name -> its events, or the Future of a render on a thread
        to_render: list[tuple[Any, Any]] = []
        for plugin, options in jobs:
            entry = entries.get(plugin.name)
            if entry is not None:
                try:
                    say(f"{plugin.name}: from the cache")
                    blobs = {rel: entry.folder / b["file"] for rel, b in entry.data["blobs"].items()}
                    branch = output.branch()
                    branch.replay(entry.data["events"], blobs)
                    branches[plugin.name] = (branch.recorded()[0], True)
                    formats_json[plugin.name] = options.model_dump(mode="json")
                    continue
                except (OSError, ValueError, KeyError, TypeError):
                    pass  # changed under us: render it
            to_render.append((plugin, options))

        def render(plugin, options) -> tuple[list[list[Any]], bool]:
            branch = output.branch()
            try:
                st = story()
                t0 = time.perf_counter()
                plugin.render(st, options, branch)
                timings[plugin.name] = time.perf_counter() - t0
            except ContentkitError as exc:
                if not exc.path:  # name the story and the format the error came from
                    raise type(exc)(f"{plugin.name}: {exc.message}", path=parsed.source, key=exc.key,
                                    exit_code=exc.exit_code) from None
                raise
            events, files = branch.recorded()
            key = keys.get(plugin.name)
            if key and cache is not None:
                cache.put(key, {"format": plugin.name, "events": events}, files)
            return events, False

        # a format that mostly waits on its encoder (a rendered video) starts first, on a thread,
        # and the others render meanwhile; each writes its own files, and what each registered
        # and warned is merged below in job order, so the manifest is the same as one by one
        import os

        # 0: one format after another. In a pool of workers the cores are busy with other
        # stories already: there a thread beside the video would add memory, not speed;
        # and -j 1 means one thing at a time
        overlap = (os.environ.get("CONTENTKIT_OVERLAP", "1").strip() != "0" and not _IN_POOL
                   and (req.jobs or os.cpu_count() or 1) > 1)
        from contentkit import voice as _voice

        _voice.PARALLEL = overlap  # the same rule for the voice's two halves (same samples)
        # and for a format's own helper processes (the cards' platforms); proc.forks() also
        # refuses while a format renders on a thread beside
        proc.CORES = (req.jobs or os.cpu_count() or 1) if overlap else 1
        beside = [(p, o) for p, o in to_render
                  if overlap and getattr(p, "overlaps", lambda _o: False)(o)][:1]
        pool = None
        try:
            if beside and len(to_render) > 1:
                from concurrent.futures import ThreadPoolExecutor

                story()  # analysed once, before two threads want it
                pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="contentkit-render")
                p0, o0 = beside[0]
                say(f"render {p0.name} (beside the others)")
                branches[p0.name] = pool.submit(render, p0, o0)
            for plugin, options in to_render:
                if plugin.name in branches:
                    continue
                early = next((f for f in branches.values() if not isinstance(f, tuple)), None)
                if early is not None and early.done() and early.exception() is not None:
                    early.result()  # the format on the thread failed: its error, now
                say(f"render {plugin.name}")
                branches[plugin.name] = render(plugin, options)
                if not beside:
                    let_go()  # the next format starts from what this one no longer needs
            for plugin, options in jobs:
                got = branches[plugin.name]
                if not isinstance(got, tuple):
                    say(f"render {plugin.name}: finishing")
                    got = got.result()
                events, cached = got
                output.merge(events, cached=cached)
                formats_json[plugin.name] = options.model_dump(mode="json")
        except BaseException:
            proc.cancel()  # end the thread's encoder now, then wait for it to unwind
            raise
        finally:
            if pool is not None:
                pool.shutdown(wait=True)
        images = [a for a in output.artifacts if a.media_type == "image/png"]
        if images:
            output.write("index.html", gallery_html(summary["story"]["title"], images), format="gallery")
        warnings = list(output.warnings)
        manifest = {
            "contentkit": __version__,
            "story": summary["story"],
            "formats": formats_json,
            "editorial": summary["editorial"],
            "artifacts": [a.to_json() for a in sorted(output.artifacts, key=lambda a: a.path)],
            "warnings": warnings,
        }
        if req.strict and warnings:
            raise ContentkitError(f"--strict: {len(warnings)} warning(s), first: {warnings[0]}",
                                  exit_code=EXIT_STRICT)
        output.commit(dumps(manifest).encode("utf-8"))
    except BaseException:
        output.abort()
        raise
    return out_dir, manifest, timings


def gallery_html(title: str, images) -> str:
    """A self-contained page showing every image artifact of the build, grouped by folder."""
    import html
    from collections import defaultdict

    groups: dict[str, list] = defaultdict(list)
    for a in sorted(images, key=lambda a: a.path):
        groups[a.path.rsplit("/", 1)[0] if "/" in a.path else "."].append(a)
    parts = [
        "<!DOCTYPE html>", '<html><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)} - images</title>",
        "<style>body{margin:0;padding:24px;background:#eee9e3;font:15px/1.5 system-ui,sans-serif;color:#222}"
        "h1{font-size:22px}h2{font-size:16px;margin:28px 0 10px}"
        ".grid{display:flex;flex-wrap:wrap;gap:14px}figure{margin:0;width:220px}"
        "img{width:100%;height:auto;display:block;box-shadow:0 1px 4px rgba(0,0,0,.2);background:#fff}"
        "figcaption{font-size:12px;color:#666;word-break:break-all}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    for folder, arts in groups.items():
        parts.append(f"<h2>{html.escape(folder)}</h2><div class=\"grid\">")
        for a in arts:
            src = html.escape(a.path, quote=True)
            size = f" {a.width}x{a.height}" if a.width else ""
            parts.append(f'<figure><a href="{src}"><img src="{src}" alt="{src}" loading="lazy"></a>'
                         f"<figcaption>{html.escape(a.path.rsplit('/', 1)[-1])}{size}</figcaption></figure>")
        parts.append("</div>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def build(req: BuildRequest, progress: Progress | None = None) -> list[tuple[Path, dict[str, Any]]]:
    """Build every story of the request; ``progress(story, status)`` hears what each is doing."""
    say = (lambda _entry, story, msg: progress(story, msg)) if progress else None
    return build_all([(0, req)], say)


EntryProgress = Callable[[int, str, str], None]  # (recipe entry, story, status)


def build_all(requests: list[tuple[int, BuildRequest]],
              progress: EntryProgress | None = None) -> list[tuple[Path, dict[str, Any]]]:
    """Build every story of every request (a recipe's entries) in one pool of workers, the
    costliest first (contentkit.batch's model), so a recipe keeps every core busy across its
    entries; results come back in recipe order. With the cache on, what each format took
    is folded into the machine's timings (the estimates of ``contentkit run --plan``) and the
    cache is trimmed to its cap at the end."""
    from contentkit.batch import story_chars, story_cost

    tasks: list[Task] = []
    for entry, req in requests:
        if not req.stories:
            raise UsageError("no story given", path=req.where or None)
        if req.stories.count("-") > 1:
            raise UsageError("standard input ('-') can be read only once")
        jobs, rates = plan(req)
        for path in req.stories:
            cost = story_cost(story_chars(path) if path != "-" else 1000, jobs)
            tasks.append(Task(len(tasks), entry, path, jobs, rates, req, cost))
    if sum(1 for t in tasks if t.path == "-") > 1:
        raise UsageError("standard input ('-') can be read only once")
    cache = open_cache(requests[0][1]) if all(r.cache for _, r in requests) else None
    workers = _workers(tasks)
    results: dict[int, tuple[Path, dict[str, Any], dict[str, float]]] = {}
    try:
        if workers <= 1:
            for t in tasks:
                say = (lambda msg, t=t: progress(t.entry, t.path, msg)) if progress else None
                results[t.index] = _build_one(t.path, t.jobs, t.rates, t.req, say, cache)
                if progress:
                    progress(t.entry, t.path, "done")
        else:
            results = _build_parallel(tasks, workers, progress, cache)
    finally:
        if cache is not None:
            _record([(results[t.index], t.jobs) for t in tasks if t.index in results])
            cache.evict()
    return [(results[t.index][0], results[t.index][1]) for t in tasks]


@dataclass
class Task:
    index: int  # in recipe order
    entry: int
    path: str
    jobs: Any
    rates: Any
    req: BuildRequest
    cost: float


def _record(done) -> None:
    from contentkit.batch import record_timings, story_chars

    samples = []
    for (_, manifest, timings), jobs in done:
        options = {p.name: o for p, o in jobs}
        chars = story_chars(manifest["story"]["path"])
        for name, seconds in sorted(timings.items()):
            samples.append((name, options.get(name), chars, seconds))
    record_timings(samples)


def open_cache(req: BuildRequest):
    """The build cache, or None when it is off (``--no-cache``, ``CONTENTKIT_NO_CACHE=1``)."""
    from contentkit.cache import Cache, enabled_by_env

    if not req.cache or not enabled_by_env():
        return None
    return Cache()


def _workers(tasks: list[Task]) -> int:
    """How many stories to build at once: one per core (or -j), never more than the stories;
    one when a story comes from standard input or a plugin cannot travel to a worker.
    (x264 runs with 2 threads whatever -j is: its bytes depend on its thread count.)"""
    import os
    import pickle

    wanted = tasks[0].req.jobs or os.cpu_count() or 1
    n = min(wanted, len(tasks))
    if n <= 1 or any(t.path == "-" for t in tasks):
        return 1
    try:
        pickle.dumps(tasks)
    except Exception:  # a format registered in-process (tests, embedding): build in this process
        return 1
    return n


_QUEUE = None  # progress from worker processes (inherited through fork)
_BUSY = False  # a worker is building a story (a SIGTERM then unwinds it: staging removed, ffmpeg ended)
_IN_POOL = False  # this process is a pool worker (set in _init_worker)


def _init_worker() -> None:
    import os
    import signal

    global _IN_POOL
    _IN_POOL = True

    def terminated(signum, frame):  # noqa: ARG001
        if _BUSY:
            raise KeyboardInterrupt
        os._exit(0)  # an idle worker told to stop: nothing to clean up, nothing to print

    signal.signal(signal.SIGTERM, terminated)


def _worker(t: Task, cache):
    global _BUSY
    q = _QUEUE

    def say(msg: str) -> None:
        if q is not None:
            q.put((t.index, msg))

    _BUSY = True
    try:
        return _build_one(t.path, t.jobs, t.rates, t.req, say, cache)
    finally:
        _BUSY = False
        release_memory()


def _preload(tasks: list[Task]) -> None:
    """Open jieba (its on-demand tables, contentkit.zhdict, and its HMM models) once in the
    parent before the workers fork, when a story is Chinese: every worker shares those pages
    (copy-on-write) and the table file is built, when it must be, only once."""
    import re

    import os
    import stat

    for t in tasks:
        try:
            if not stat.S_ISREG(os.stat(t.path).st_mode):
                continue  # a pipe or a device: the parser refuses it, nothing reads it here
            with open(t.path, "rb") as f:
                head = f.read(4096).decode("utf-8", errors="ignore")
        except OSError:
            continue
        if re.search(r"[\u4e00-\u9fff]", head):
            from contentkit.analysis import extract_keywords
            from contentkit.editorial.lexicon import tagged

            extract_keywords("葡萄酒的历史", "zh-Hans")  # the prefix dictionary and the IDF table
            tagged("葡萄酒的历史")  # the part-of-speech model
            return


def let_go() -> None:
    """Between two formats of a story built one after another: drop the drawing caches that
    only the format just done needs (its font faces at its sizes, its full-size gradients)
    and hand freed memory back. Before the English sample's voice the process held 197 MB
    without this, 140 MB with it. Modules not loaded are not imported."""
    import sys

    layout, canvas = sys.modules.get("contentkit.layout"), sys.modules.get("contentkit.canvas")
    if layout is not None:
        layout.forget_faces()
    if canvas is not None:
        canvas.forget_gradients()
    release_memory()


def _heavy(t: Task) -> bool:
    """A story whose build renders something big beside the rest (a video: the voice model and
    ffmpeg, about 0.4-0.6 GB)."""
    return any(getattr(p, "overlaps", lambda _o: False)(o) for p, o in t.jobs)


def dispatch_order(tasks: list[Task], workers: int) -> list[Task]:
    """The order the pool hands stories out (each free worker takes the next): the costliest
    first, except that a heavy story (:func:`_heavy`) is held back while another one is
    expected to be running, as long as lighter stories are left to fill the time.

    Simulated with the cost estimates on ``workers`` workers. Costliest first alone started
    the two rendered videos of a recipe at once, and the memory of a ``-j 2`` build was two
    video renders (1.3-1.5 GB on the samples)."""
    import heapq

    left = sorted(tasks, key=lambda t: (-t.cost, t.index))
    free = [(0.0, w) for w in range(workers)]  # (time the worker is free, worker)
    busy_heavy: list[float] = []  # end times of heavy stories expected to be running
    order: list[Task] = []
    while left:
        now, w = heapq.heappop(free)
        busy_heavy = [e for e in busy_heavy if e > now + 1e-9]
        pick = next((t for t in left if not (busy_heavy and _heavy(t))), left[0])
        left.remove(pick)
        order.append(pick)
        end = now + max(pick.cost, 1e-6)
        if _heavy(pick):
            busy_heavy.append(end)
        heapq.heappush(free, (end, w))
    return order


def _build_parallel(tasks: list[Task], workers: int, progress: EntryProgress | None, cache=None):
    """Stories in worker processes, the costliest submitted first; {task index: result}, the
    same bytes as one by one. The first error stops the build and is raised as it was raised
    in the worker."""
    import multiprocessing
    from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait

    global _QUEUE
    ctx = multiprocessing.get_context("fork")
    _QUEUE = ctx.SimpleQueue() if progress else None
    q = _QUEUE

    def drain() -> None:
        while q is not None and progress is not None and not q.empty():
            i, msg = q.get()
            progress(tasks[i].entry, tasks[i].path, msg)

    order = dispatch_order(tasks, workers)
    _preload(tasks)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker) as pool:
            futures = {pool.submit(_worker, t, cache): t for t in order}
            pending = set(futures)
            results = {}
            try:
                while pending:
                    finished, pending = wait(pending, timeout=0.2, return_when=FIRST_EXCEPTION)
                    drain()
                    for f in sorted(finished, key=lambda f: futures[f].index):
                        t = futures[f]
                        exc = f.exception()
                        if exc is not None:
                            raise exc
                        results[t.index] = f.result()
                        if progress:
                            progress(t.entry, t.path, "done")
                return results
            except BaseException:
                for f in futures:
                    f.cancel()
                raise
    finally:
        _QUEUE = None
