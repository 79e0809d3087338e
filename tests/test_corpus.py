"""The editorial audit over the team's corpus of real stories (../shared/corpus).

Skipped where the corpus is absent: its texts are not ours to ship. The bounds are what the
editorial layer reaches today; a change that lets boilerplate, markup, a foreign domain, mixed
scripts or a cut list back into a social format fails here.
"""

from __future__ import annotations

import importlib.util

import pytest

from .conftest import ROOT

CORPUS = ROOT.parent / "shared" / "corpus"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")]


def test_corpus_audit(tmp_path):
    spec = importlib.util.spec_from_file_location("editorial_audit", ROOT / "tools" / "editorial_audit.py")
    audit = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(audit)
    import sys

    contentkit = str(__import__("pathlib").Path(sys.executable).with_name("contentkit"))
    totals: dict[str, int] = {}
    for story in sorted(p for p in CORPUS.glob("*.md") if p.name.lower() != "readme.md"):
        out = tmp_path / story.stem
        assert audit.build(story, out, contentkit), story.name
        counts, examples = audit.audit_story(story, out)
        for k, v in counts.items():
            totals[k] = totals.get(k, 0) + v
    for kind in audit.KINDS:
        assert totals.get(kind, 0) == 0, (kind, totals)
