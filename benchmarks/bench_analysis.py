"""Parse + editorial layer + analysis time for stories of 1k, 10k and 100k characters.

Run: python benchmarks/bench_analysis.py [--repeat 3]
The stories are headingless (so the structure stage does its most work) and built from the
sample stories' paragraphs in rotation. jieba's one-time start-up (dictionary and
part-of-speech model, about 1 s) is reported on its own line; the rows are warm timings.
The slope column is time per 1,000 characters divided by that of the 1k story: near 1 means
linear in the story's length.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def story_of(chars: int, source: Path) -> str:
    body = source.read_text("utf-8").split("---", 2)[-1]
    paras = [p.strip() for p in body.split("\n\n") if p.strip() and not p.startswith(("#", ":::", "!", ">", "-"))]
    out, k = [], 0
    while sum(len(p) for p in out) < chars:
        p = paras[k % len(paras)]
        out.append(p if k < len(paras) else f"{k}、" + p)  # vary the text so nothing is cached
        k += 1
    return "---\ntitle: Bench\n---\n\n" + "\n\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from contentkit.analysis import analyze
    from contentkit.editorial.lexicon import tagged
    from contentkit.parser import parse_text

    t0 = time.perf_counter()
    analyze(parse_text(story_of(300, ROOT / "samples/red-wine-history.md"), source="warm.md", base_dir=ROOT))
    print(f"start-up (jieba dictionary, POS model, OpenCC): {time.perf_counter() - t0:.2f} s")
    for lang, src in (("zh", ROOT / "samples/red-wine-history.md"), ("en", ROOT / "samples/red-wine-history.en.md")):
        base = None
        print(f"\n{lang}: {'chars':>8} {'sections':>9} {'median s':>9} {'s/1k chars':>11} {'slope':>6}")
        for n in (1_000, 10_000, 100_000):
            text = story_of(n, src)
            times, secs = [], 0
            for r in range(args.repeat):
                text_r = re.sub(r"^title: Bench$", f"title: Bench {r}", text, flags=re.M)
                tagged.cache_clear()  # cold text caches: each run sees new text
                t = time.perf_counter()
                story = analyze(parse_text(text_r + f"\n{r}\n", source="b.md", base_dir=ROOT))
                times.append(time.perf_counter() - t)
                secs = len(story.sections)
            med = statistics.median(times)
            per_k = med / (len(text) / 1000)
            base = base or per_k
            print(f"{lang}: {len(text):>8} {secs:>9} {med:>9.3f} {per_k:>11.4f} {per_k / base:>6.2f}")


if __name__ == "__main__":
    main()
