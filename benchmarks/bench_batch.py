"""Batch builds at scale: parallel workers, the build cache, cost per story as a batch grows.

Run: python benchmarks/bench_batch.py [--sizes 1,4,16,64] [--compare 16]

Recipes of N stories are made from the two samples with distinct slugs (every format; the
video is rendered for one story in eight, script and subtitles only for the rest). Every
number is a whole ``contentkit run`` process (start-up included) in this one run, with a
fresh cache folder where it says "cold", and reported as ratios:

- cold ``-j 2`` builds of every size: seconds per story (flat, not rising, is the goal) and
  the peak memory of the whole process tree (parent and workers, sampled every 20 ms);
- for the ``--compare`` size: ``-j 1`` against ``-j 2`` (goal >= 1.7x on 2 cores), a warm
  rebuild against the cold build (goal <= 5 %), and a build with one option of one format
  changed against the cold build (only that format renders).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [ROOT / "samples" / "red-wine-history.md", ROOT / "samples" / "red-wine-history.en.md"]


def make_recipe(folder: Path, n: int) -> Path:
    stories = folder / "stories"
    stories.mkdir(parents=True, exist_ok=True)
    if not (stories / "images").exists():
        shutil.copytree(ROOT / "samples" / "images", stories / "images")
    names = []
    jobs = []
    for i in range(n):
        src = SAMPLES[i % 2].read_text("utf-8")
        assert src.startswith("---")
        _, fm, body = src.split("---", 2)
        fm = "\n".join(ln for ln in fm.strip().splitlines() if not ln.startswith("slug:"))
        p = stories / f"s{i:03d}.md"
        p.write_text(f"---\n{fm}\nslug: story-{i:03d}\n---{body}", "utf-8")
        names.append(f"stories/s{i:03d}.md")
    rendered = [s for i, s in enumerate(names) if i % 8 == 0]
    rest = [s for i, s in enumerate(names) if i % 8 != 0]
    for group, render in ((rendered, "true"), (rest, "false")):
        if group:
            jobs.append(f"[[jobs]]\nstories = {group!r}\n[jobs.options.video]\nrender = {render}\n")
    recipe = folder / "recipe.toml"
    recipe.write_text('out = "out"\n[options.plan]\nstart = 2026-12-07\n[options.community]\n'
                      'date = 2026-12-07\n\n' + "\n".join(jobs).replace("'", '"'), "utf-8")
    return recipe


def _pss(pid: int) -> int:
    """Proportional set size: a forked worker's pages shared with its parent count once."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree_rss(root_pid: int) -> int:
    """Memory of a process and all its descendants (PSS: shared pages counted once)."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(parts[1]), []).append(int(d))
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += _pss(pid)
        stack += children.get(pid, [])
    return total


def run(recipe: Path, cwd: Path, cache: Path, *args: str) -> tuple[float, int, float]:
    """(seconds, peak tree PSS bytes, CPU seconds of the whole tree) of one ``contentkit run``
    process."""
    env = dict(os.environ, CONTENTKIT_CACHE_DIR=str(cache), CONTENTKIT_NO_CACHE="",
               CONTENTKIT_FONTS="bundled")
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "contentkit", "run", str(recipe), "-q", *args],
                         cwd=cwd, env=env)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while p.poll() is None:
            peak = max(peak, _tree_rss(p.pid))
            time.sleep(0.05)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    rc = p.wait()
    dt = time.perf_counter() - t0
    t.join()
    if rc != 0:
        raise SystemExit(f"contentkit run failed ({rc})")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return dt, peak, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1,4,16,64")
    ap.add_argument("--compare", type=int, default=16, help="batch size for -j 1 / warm / one-option runs")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    print(f"contentkit run on {os.cpu_count()} cores; every figure a whole process; "
          "video rendered for 1 story in 8")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_p = Path(tmp)
        print(f"\n{'stories':>8} {'cold -j2 s':>11} {'s/story':>8} {'peak MB':>8}")
        per_story = {}
        for n in sizes:
            folder = tmp_p / f"n{n}"
            recipe = make_recipe(folder, n)
            dt, peak, _ = run(recipe, folder, folder / "cache", "-j", "2")
            per_story[n] = dt / n
            print(f"{n:>8} {dt:>11.1f} {dt / n:>8.2f} {peak / 2**20:>8.0f}")
        if len(sizes) > 2:  # a batch of one is the one story with a rendered video: compare from 4 up
            lo, hi = sizes[1], sizes[-1]
            print(f"cost per story at {hi} / at {lo}: {per_story[hi] / per_story[lo]:.2f}x "
                  "(1.0 = flat; below 1: start-up and the rendered videos spread over more stories)")
        n = args.compare
        folder = tmp_p / f"cmp{n}"
        recipe = make_recipe(folder, n)
        j1, peak1, cpu1 = run(recipe, folder, folder / "cache-j1", "-j", "1")
        j2, peak2, cpu2 = run(recipe, folder, folder / "cache", "-j", "2")
        warm, _, _ = run(recipe, folder, folder / "cache", "-j", "2")
        text = recipe.read_text("utf-8").replace("[options.plan]", "[options.article]\nemoji = true\n[options.plan]")
        recipe2 = folder / "recipe-emoji.toml"
        recipe2.write_text(text, "utf-8")
        one, _, _ = run(recipe2, folder, folder / "cache", "-j", "2")
        print(f"\n{n} stories:")
        # the cores each run kept busy: a -j 1 build already overlaps its video encode, voice
        # halves and x264 threads with the rest, so 2 / (its cores) bounds what -j 2 can gain
        print(f"  -j 1 cold   {j1:7.1f} s  peak {peak1 / 2**20:5.0f} MB   cpu {cpu1:6.1f} s = {cpu1 / j1:.2f} cores")
        print(f"  -j 2 cold   {j2:7.1f} s  peak {peak2 / 2**20:5.0f} MB   cpu {cpu2:6.1f} s = {cpu2 / j2:.2f} cores"
              f"   speed-up {j1 / j2:.2f}x (goal >= 1.7x; at most {min(2.0, 2 * j1 / cpu1 if cpu1 else 2):.2f}x"
              " with the -j 1 CPU time on 2 fully busy cores)")
        print(f"  warm        {warm:7.1f} s  {warm / j2 * 100:5.1f} % of cold (goal <= 5 %)")
        print(f"  article.emoji changed {one:5.1f} s  {one / j2 * 100:5.1f} % of cold (only article renders)")


if __name__ == "__main__":
    main()
