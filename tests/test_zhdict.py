"""jieba on demand (contentkit.zhdict) gives exactly what stock jieba gives.

Each side runs in its own process: one with jieba's own tables loaded whole
(``CONTENTKIT_JIEBA_TABLES=0``), one reading the SQLite tables built into a fresh cache folder;
the cuts, part-of-speech tags and TF-IDF keywords of the samples and of mixed, Traditional and
rare text must be identical.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import ROOT

PROBE = r"""
import json, sys
from pathlib import Path
from contentkit.zhdict import jieba, tables
j = jieba()
texts = [Path(p).read_text("utf-8") for p in sys.argv[1:]] + [
    "葡萄酒的历史在格鲁吉亚开始，八千年前的陶罐。", "極限22小時快閃台南之旅-就是吃吃喝喝",
    "TUXEDO Stellaris 16（Gen5）拥有 RTX 4090 和 i9 处理器", "龘靐齉爩", ""]
out = {"tables": tables() is not None, "cut": [], "tag": [], "kw": []}
for t in texts:
    out["cut"].append(list(j.cut(t, HMM=True)))
    out["tag"].append([(p.word, p.flag) for p in j.posseg.cut(t)])
    out["kw"].append(j.analyse.extract_tags(t, topK=30, withWeight=True))
print(json.dumps(out, ensure_ascii=False))
"""


def _probe(tmp_path, tables: bool) -> dict:
    env = dict(os.environ, CONTENTKIT_CACHE_DIR=str(tmp_path / "cache"),
               CONTENTKIT_JIEBA_TABLES="1" if tables else "0")
    r = subprocess.run([sys.executable, "-c", PROBE, str(ROOT / "samples" / "red-wine-history.md"),
                        str(ROOT / "samples" / "red-wine-history.en.md")],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout)


def test_on_demand_tables_cut_tag_and_weigh_as_stock_jieba(tmp_path):
    stock, lazy = _probe(tmp_path, False), _probe(tmp_path, True)
    assert stock["tables"] is False and lazy["tables"] is True
    assert list((tmp_path / "cache" / "jieba").glob("tables-*.sqlite"))
    for k in ("cut", "tag", "kw"):
        assert lazy[k] == stock[k], k
    assert any(len(c) > 100 for c in lazy["cut"])  # the sample was really cut
    again = _probe(tmp_path, True)  # read from the file built by the first run
    assert again == lazy


def test_an_unwritable_cache_folder_falls_back_to_stock_jieba(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    env = dict(os.environ, CONTENTKIT_CACHE_DIR=str(blocked / "sub"))
    r = subprocess.run([sys.executable, "-c", "from contentkit.zhdict import jieba, tables; "
                        "j = jieba(); print(tables() is None, list(j.cut('葡萄酒的历史')))"],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "True ['葡萄酒', '的', '历史']"
