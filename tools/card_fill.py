"""Fill of a card carousel: the share of a card's pixel rows that hold text ink.

    python tools/card_fill.py OUT_DIR...   (build folders with cards/<platform>/cards.json)

Reads the measured line boxes in cards.json (chrome, the brand and page number, left out) and
prints, per card set, the median share over the cards that are not photo cards.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

CHROME = {"brand", "page"}


def fill(card: dict, height: int, content: bool = False) -> float:
    """Share of the card's rows (or, with ``content``, of its content area's rows: the part
    clear of platform UI) that hold text ink."""
    if content:
        height = card["content_box"][3] - card["content_box"][1]
    rows: set[int] = set()
    for t in card["texts"]:
        if t["role"] in CHROME:
            continue
        for _, y0, _, y1 in t["line_boxes"]:
            rows.update(range(max(0, y0), y1))
    return len(rows) / height


def card_set_fill(path: Path, content: bool = False) -> tuple[float, list[float]]:
    data = json.loads(path.read_text("utf-8"))
    shares = [fill(c, data["height"], content) for c in data["cards"] if c["kind"] != "image"]
    return statistics.median(shares), shares


def main(argv: list[str]) -> int:
    for folder in argv:
        for path in sorted(Path(folder).glob("cards/*/cards.json")):
            med, shares = card_set_fill(path)
            med_c, _ = card_set_fill(path, content=True)
            print(f"{path.parent}: median {med:.2f} of the card, {med_c:.2f} of the content area; "
                  + " ".join(f"{s:.2f}" for s in shares))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
