"""What a user waits for per card, and what the cards weigh.

Run: python benchmarks/bench_cards.py [--repeat 7] [--against OLD_CHECKOUT]

1. Whole builds: ``contentkit build STORY -f cards`` (all five card sizes) as a fresh process (start-up,
   jieba, fonts and the contact sheet included), wall time divided by the cards written, and the
   median PNG bytes per card. With ``--against DIR`` (a checkout of another version, e.g. a
   ``git worktree`` of an older commit) the two are run in interleaved pairs in this one run
   and reported side by side, as a ratio.
2. In-process phases of one carousel (layout, draw, PNG encode), warm, to locate regressions.
Numbers are for this machine at the time of the run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def whole_build(checkout: Path, story: str, theme: str) -> tuple[float, int, list[int]]:
    """(seconds, cards written, PNG bytes per card) of one cold ``-f cards`` build."""
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, CONTENTKIT_FONTS="bundled", CONTENTKIT_NO_CACHE="1")  # cold: no build cache
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "contentkit", "build", story, "-f", "cards",
                        "-O", f"cards.theme={theme}", "-o", out, "-q"], cwd=checkout, env=env, check=True)
        dt = time.perf_counter() - t0
        sizes = []
        for cards_json in sorted(Path(out).glob("cards/*/cards.json")):  # every platform of a default build
            data = json.loads(cards_json.read_text("utf-8"))
            sizes += [(Path(out) / c["file"]).stat().st_size for c in data["cards"]]
        return dt, len(sizes), sizes


def report_builds(args) -> None:
    story = str(Path(args.story).resolve())
    sides = [("this", ROOT)] + ([("against", Path(args.against).resolve())] if args.against else [])
    results: dict[str, list[tuple[float, int, list[int]]]] = {name: [] for name, _ in sides}
    for _ in range(args.repeat):  # interleaved pairs: the machine's noise hits both alike
        for name, path in sides:
            results[name].append(whole_build(path, story, args.theme))
    print(f"whole -f cards builds (fresh process, contact sheet included), {args.repeat} runs each:")
    per = {}
    for name, _ in sides:
        runs = results[name]
        per[name] = statistics.median(dt / n * 1000 for dt, n, _ in runs)
        kb = statistics.median(runs[0][2]) / 1024
        print(f"  {name:8s} {per[name]:6.1f} ms per card  ({runs[0][1]} cards, median {kb:.0f} KB per card, "
              f"{sum(runs[0][2]) / 1024:.0f} KB in all)")
    if args.against:
        print(f"  ratio this/against: {per['this'] / per['against']:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--story", default=str(ROOT / "samples/red-wine-history.md"))
    ap.add_argument("--theme", default="wine")
    ap.add_argument("--against", help="a checkout of another contentkit version to compare with")
    args = ap.parse_args()
    report_builds(args)

    from contentkit.analysis import analyze
    from contentkit.formats import cards as C
    from contentkit.layout import clean_for_font, pick_font
    from contentkit.parser import parse_file
    from contentkit.platforms import get_platform
    from contentkit.themes import load_theme
    from contentkit.canvas import png_bytes

    story = analyze(parse_file(args.story))
    theme = load_theme(args.theme).with_accent(story.meta.brand.color)
    platform = get_platform("xiaohongshu")
    w, h = platform.card_size
    specs = C.plan(story)
    text = "".join(s.heading + s.body + "".join(s.items) + s.attribution + s.label for s in specs)
    fonts = C.Fonts(pick_font("serif", story.a.language, text), pick_font("sans", story.a.language, text))
    for s in specs:
        s.heading = clean_for_font(s.heading, fonts.title)
        s.body = clean_for_font(s.body, fonts.body)
    cover_image = next((s.image for s in specs if s.image is not None), None)
    fmt = C.CardsFormat()

    def one_build():
        t0 = time.perf_counter()
        designer = C.Designer(w, h, theme, fonts, C.SafeArea.of(platform), story.a.language, story.meta.brand.name, [])
        layouts = fmt._select([C.replace(s) for s in specs], designer, 9, story.a.is_cjk, [], "xiaohongshu")
        t1 = time.perf_counter()
        images = [C.draw(lay, theme, cover_image) for lay in layouts]
        t2 = time.perf_counter()
        for lay, im in zip(layouts, images):
            png_bytes(im, C.png_kind(lay, theme, cover_image))  # one thread: the phase on its own
        t3 = time.perf_counter()
        return len(layouts), t1 - t0, t2 - t1, t3 - t2

    one_build()  # warm-up
    runs = [one_build() for _ in range(args.repeat)]
    n = runs[0][0]
    per_card = [sum(r[1:]) / n * 1000 for r in runs]
    lay = statistics.median(r[1] for r in runs) / n * 1000
    drw = statistics.median(r[2] for r in runs) / n * 1000
    enc = statistics.median(r[3] for r in runs) / n * 1000
    med = statistics.median(per_card)
    print(f"cards: {n} at {w}x{h}, theme {args.theme}, {args.repeat} runs")
    print(f"median per card: {med:.1f} ms  ({1000 / med:.1f} cards/s)   target < 60 ms")
    print(f"  layout {lay:.1f} ms | draw {drw:.1f} ms | PNG encode {enc:.1f} ms")
    print(f"  min {min(per_card):.1f} ms, max {max(per_card):.1f} ms")


if __name__ == "__main__":
    main()
