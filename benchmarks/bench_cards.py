"""Cards per second for a 9-card Xiaohongshu carousel at 1080x1440.

Run: python benchmarks/bench_cards.py [--repeat 7]
Reports the median time per card for layout+draw+PNG encode (the work a build does per card),
after one warm-up build (jieba dictionary, font loading). Also reports the split between the
three phases so regressions can be located. Numbers are for this machine at the time of the run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--story", default=str(ROOT / "samples/red-wine-history.md"))
    ap.add_argument("--theme", default="wine")
    args = ap.parse_args()

    from contentkit.analysis import analyze
    from contentkit.formats import cards as C
    from contentkit.layout import clean_for_font, pick_font
    from contentkit.parser import parse_file
    from contentkit.platforms import get_platform
    from contentkit.themes import load_theme

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
            C.png_bytes(im, C.needs_rgb(lay, theme, cover_image))
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
