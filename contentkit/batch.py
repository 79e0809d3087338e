"""Batch planning: a recipe's jobs with their expected cost, CI shards, and merged manifests.

A job is one story of one recipe entry (every format of it: the story is analysed once per
job). Its **cost** comes from a fixed model of what each format costs on the reference
machine (2 cores), so every CI runner computes the same shards; its **estimate** is that
cost scaled by what formats took on *this* machine (``timings.json`` in the cache folder,
updated by every build that renders), and 0 for formats this machine's cache already holds.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contentkit.errors import ContentkitError, UsageError

# Reference seconds (2-core machine, measured on the samples and the corpus):
# fixed + per 1000 characters, the per-character part capped where a format stops growing
# (cards and cue cards are a fixed number of cards at most).
STORY_COST = (0.6, 0.1, 10.0)  # parse + analysis
COSTS: dict[str, tuple[float, float, float]] = {
    "article": (0.1, 0.02, 10.0),
    "cards": (0.5, 1.4, 1.6),
    "live": (0.5, 0.6, 1.6),
    "community": (0.05, 0.0, 0.0),
    "plan": (0.02, 0.0, 0.0),
    "video": (0.2, 0.0, 0.0),  # render=false; a rendered MP4 adds VIDEO_RENDER
}
VIDEO_RENDER_PER_S = 0.17  # seconds of work per second of video (voice, frames, x264, loudness)
OTHER_FORMAT = (0.5, 0.5, 4.0)  # a third-party format nobody has measured


@dataclass
class Job:
    index: int  # position in the recipe (entries in order, their stories in order)
    entry: int  # which recipe entry ([[jobs]] table, or the recipe itself)
    story: str
    formats: list[str]
    chars: int
    cost_s: float  # the reference model: the same on every machine (shards use it)
    estimate_s: float = 0.0  # this machine: measured factors, cached formats free
    cached: list[str] = field(default_factory=list)
    shard: int = 0

    def to_json(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["cost_s"] = round(self.cost_s, 2)
        d["estimate_s"] = round(self.estimate_s, 2)
        return d


def _model(spec: tuple[float, float, float], kchars: float) -> float:
    fixed, per_k, cap = spec
    return fixed + per_k * min(kchars, cap)


def format_cost(name: str, options: Any, kchars: float) -> float:
    c = _model(COSTS.get(name, OTHER_FORMAT), kchars)
    if name == "video" and getattr(options, "render", False):
        c += VIDEO_RENDER_PER_S * float(getattr(options, "duration", 45))
    return c


def story_cost(chars: int, jobs) -> float:
    """Reference seconds to build one story of ``chars`` characters into ``jobs`` ((plugin,
    options) pairs): the model shards and worker order use."""
    k = chars / 1000
    return _model(STORY_COST, k) + sum(format_cost(p.name, o, k) for p, o in jobs)


def story_chars(path: str) -> int:
    """The story's length in characters, for the cost model; 0 for anything but a regular
    file (a pipe or a device is never opened here: the parser refuses it with a clear error)."""
    import stat

    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > 64 * 1024 * 1024:
            return 0
        return len(Path(path).read_text("utf-8", errors="replace"))
    except OSError:
        return 0


# ------------------------------------------------------------------------------ timings
def _timings_path() -> Path:
    from contentkit.cache import default_root

    return default_root() / "timings.json"


def load_factors() -> dict[str, float]:
    """This machine's measured/modelled ratio per format (1.0 where never measured)."""
    try:
        data = json.loads(_timings_path().read_text("utf-8"))
        return {k: float(v) for k, v in data.get("factors", {}).items() if 0.01 < float(v) < 100}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def record_timings(samples: list[tuple[str, Any, int, float]]) -> None:
    """Fold (format, options, characters, seconds) of rendered formats into ``timings.json``
    (an exponential moving average of measured/modelled; the last writer of concurrent
    builds wins, which is fine for an estimate)."""
    if not samples:
        return
    from contentkit.cache import enabled_by_env
    from contentkit.output import dumps, write_atomic

    if not enabled_by_env():
        return
    factors = load_factors()
    for name, options, chars, seconds in samples:
        model = _model(STORY_COST, chars / 1000) if name == "_story" else format_cost(name, options, chars / 1000)
        if model <= 0:
            continue
        ratio = max(0.02, min(50.0, seconds / model))
        old = factors.get(name)
        factors[name] = ratio if old is None else 0.7 * old + 0.3 * ratio
    try:
        write_atomic(_timings_path(), dumps({"factors": {k: round(v, 4) for k, v in sorted(factors.items())}})
                     .encode("utf-8"))
    except OSError:
        pass


# ------------------------------------------------------------------------------ planning
def expand(requests, check_cache: bool = True) -> list[Job]:
    """Every (entry, story) of a recipe, in recipe order, with its cost and estimate."""
    from contentkit.build import open_cache, plan

    factors = load_factors()
    out: list[Job] = []
    for ei, req in enumerate(requests):
        jobs, rates = plan(req)
        cache = open_cache(req) if check_cache else None
        for story in req.stories:
            chars = story_chars(story)
            k = chars / 1000
            cost = story_cost(chars, jobs)
            cached: list[str] = []
            if cache is not None:
                cached = _cached_formats(story, jobs, rates, req, cache)
            est = 0.0 if len(cached) == len(jobs) else _model(STORY_COST, k) * factors.get("_story", 1.0)
            est += sum(format_cost(p.name, o, k) * factors.get(p.name, 1.0)
                       for p, o in jobs if p.name not in cached)
            out.append(Job(len(out), ei, story, [p.name for p, _ in jobs], chars, cost, est, cached))
    return out


def _cached_formats(story: str, jobs, rates, req, cache) -> list[str]:
    from contentkit.build import with_brand
    from contentkit.cache import format_key
    from contentkit.parser import parse_file

    try:
        parsed = with_brand(parse_file(story, tuple(req.allow_outside)), req.brand)
    except ContentkitError:
        return []
    names = []
    for plugin, options in jobs:
        key = format_key(parsed, rates, plugin, options)
        if key and (cache.base / "entries" / key[:2] / key / "entry.json").is_file():
            names.append(plugin.name)
    return names


def parse_shard(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise UsageError(f"--shard must look like I/N with 1 <= I <= N, e.g. 2/4 (got {text!r})")
    return int(m.group(1)), int(m.group(2))


def assign_shards(jobs: list[Job], n: int) -> list[Job]:
    """Longest job first onto the least-loaded shard (ties: the lower shard, then recipe order):
    balanced by cost, the same on every machine, every job on exactly one shard."""
    loads = [0.0] * n
    for job in sorted(jobs, key=lambda j: (-round(j.cost_s, 6), j.index)):
        i = min(range(n), key=lambda s: (round(loads[s], 6), s))
        job.shard = i + 1
        loads[i] += job.cost_s
    return jobs


def requests_for(requests, jobs: list[Job], shard: int):
    """(entry index, request) of the recipe entries cut down to the stories of one shard
    (entries with none left are dropped); each story keeps the output folder it has in the
    whole recipe."""
    mine: dict[int, list[str]] = {}
    for j in jobs:
        if j.shard == shard:
            mine.setdefault(j.entry, []).append(j.story)
    out = []
    for ei, req in enumerate(requests):
        if ei in mine:
            nest = req.nest_out if req.nest_out is not None else len(req.stories) != 1
            keep = set(mine[ei])
            out.append((ei, dataclasses.replace(req, stories=[s for s in req.stories if s in keep],
                                                nest_out=nest)))
    return out


# ------------------------------------------------------------------------------ manifests
def merge_manifests(paths: list[Path]) -> list[dict[str, Any]]:
    """Every build manifest under ``paths`` (folders are searched; files taken as they are),
    as one list sorted by story and output folder, the way ``run --json`` lists a recipe.
    A story built twice (two shards overlapping) is an error, and so is a file that is not
    a contentkit manifest."""
    from contentkit.output import MANIFEST

    found: list[tuple[Path, Path]] = []
    for p in paths:
        if p.is_dir():
            found += sorted((p, x) for x in p.rglob(MANIFEST) if x.is_file() and not any(
                part.startswith(".contentkit-") for part in x.parts))
        elif p.is_file():
            found.append((p.parent, p))
        else:
            raise ContentkitError("no such file or folder", path=str(p))
    rows = []
    for root, f in found:
        try:
            m = json.loads(f.read_text("utf-8"))
            if not (isinstance(m, dict) and "contentkit" in m and "story" in m and "artifacts" in m):
                raise ValueError
        except (OSError, ValueError):
            raise ContentkitError("not a contentkit build manifest", path=str(f)) from None
        rel = os.path.normpath(str(f.parent.relative_to(root))) if f.parent.is_relative_to(root) else str(f.parent)
        rows.append((str(m["story"].get("path", "")), rel, m, str(f)))
    seen: dict[tuple[str, str], str] = {}
    for story, rel, _, where in rows:
        if (story, rel) in seen:
            raise ContentkitError(f"{story} was built twice into {rel} (also {seen[(story, rel)]}): "
                                  "shards overlap", path=where)
        seen[(story, rel)] = where
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in rows]


# ------------------------------------------------------------------------------ series
SERIES_DIR = "series-plan"


def series_plan(results, root: Path) -> list[Path]:
    """One posting calendar for a whole recipe: each story's plan (the ``plan`` format's
    ``plan/plan.json``) after the one before it, so two stories never share a day on the
    same platform; every post names its story and points to that story's files. Written to
    ``ROOT/series-plan/plan.{json,md,csv,ics}`` (atomically, the same bytes for the same
    builds), ROOT being the folder that holds the stories' folders. Nothing when fewer than
    two stories have a plan, or when a story's own folder has that name."""
    import datetime as dt

    from contentkit.formats.plan import SCHEMA, cross_link, markdown, to_csv, to_ics
    from contentkit.output import dumps, write_atomic

    plans = []
    for out_dir, manifest in results:
        if not any(a["path"] == "plan/plan.json" for a in manifest["artifacts"]):
            continue
        data = json.loads((Path(out_dir) / "plan/plan.json").read_text("utf-8"))
        plans.append((Path(out_dir), manifest, data.get("posts", [])))
    if len(plans) < 2:
        return []
    rows: list[dict[str, Any]] = []
    offset = 0
    for out_dir, manifest, posts in plans:
        if not posts:
            continue
        days = [dt.date.fromisoformat(p["date"]) for p in posts]
        span = (max(days) - min(days)).days + 1
        try:
            folder = os.path.relpath(out_dir, root)
        except ValueError:
            folder = str(out_dir)
        mine = []
        for p in posts:
            r = dict(p)
            r["date"] = (dt.date.fromisoformat(p["date"]) + dt.timedelta(days=offset)).isoformat()
            r["day"] = p["day"] + offset
            r["story"] = manifest["story"]["title"]
            r["story_sha256"] = manifest["story"]["sha256"]
            r["artifact"] = f"{folder}/{p['artifact']}"
            mine.append(r)
        lang = manifest["story"].get("language", "en")
        rows += cross_link(mine, {"zh-Hans": "zh-Hans", "zh-Hant": "zh-TW"}.get(lang, "en"))  # moved dates
        offset += span
    rows.sort(key=lambda r: (r["date"], r["time"], r["platform"], r["format"]))
    lang = plans[0][1]["story"].get("language", "en")
    locale = {"zh-Hans": "zh-Hans", "zh-Hant": "zh-TW"}.get(lang, "en")
    title = f"{plans[0][1]['story']['title']} +{len(plans) - 1}"
    target = root / SERIES_DIR
    if (target / "manifest.json").exists():
        return []  # a story's folder: never written into
    files = {
        "plan.json": dumps({"schema": SCHEMA, "title": title, "stories": [m["story"]["title"] for _, m, _ in plans],
                            "posts": rows}).encode("utf-8"),
        "plan.md": markdown(rows, title=title, locale=locale).encode("utf-8"),
        "plan.csv": to_csv(rows).encode("utf-8"),
        "plan.ics": to_ics(rows, title=title, seed=title),
    }
    written = []
    for name, data in files.items():
        write_atomic(target / name, data)
        written.append(target / name)
    return written
