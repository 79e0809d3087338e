"""Property-based reliability: random stories, front matter and option values never crash the
CLI (exit code in 0-4, never 70), never print a traceback, never write outside the output
folder, and leave the output folder either untouched or holding a complete build."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

text = st.text(alphabet=st.sampled_from(list("葡萄酒历史abc XYZ，。！？:;—\"'`*_#[]()<>{}\\|-~!1855")),
               min_size=0, max_size=40)
url = st.sampled_from(["https://example.com/a", "javascript:alert(1)", " JaVaScRiPt:x", "mailto:a@b.c",
                       "../../etc/passwd", "/proc/self/environ", "file:///etc/passwd", "x.png", "%2e%2e/x", ""])
block = st.one_of(
    text.map(lambda t: t or "text"),
    text.map(lambda t: f"## {t}"),
    text.map(lambda t: f"# {t}"),
    st.lists(text, min_size=1, max_size=4).map(lambda xs: "\n".join(f"- {x}" for x in xs)),
    st.lists(text, min_size=1, max_size=4).map(lambda xs: "\n".join(f"1. {x}" for x in xs)),
    st.tuples(text, text).map(lambda ab: f"| {ab[0]} | {ab[1]} |\n|---|---|\n| {ab[1]} | {ab[0]} |"),
    st.tuples(text, url).map(lambda tu: f"[{tu[0]}]({tu[1]})"),
    st.tuples(text, url).map(lambda tu: f"![{tu[0]}]({tu[1]})"),
    text.map(lambda t: f"> {t}"),
    text.map(lambda t: f"<div>{t}</div>"),
    text.map(lambda t: f"::: keypoint\n{t}\n:::"),
    text.map(lambda t: f"{{\\fs300}}{t}\\N"),
)
scalar = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=True),
                   text, st.lists(text, max_size=3))
front_key = st.sampled_from(["title", "subtitle", "author", "tags", "hashtags", "hook", "cta", "language",
                             "key_points", "brand", "product", "platforms", "slug", "editorial", "unknown"])


def _yaml(value) -> str:
    return json.dumps(value, ensure_ascii=False)  # JSON is YAML


front = st.dictionaries(front_key, st.one_of(
    scalar,
    st.fixed_dictionaries({"name": text, "url": url}),
    st.fixed_dictionaries({"x": st.fixed_dictionaries({"hashtags": scalar, "title": scalar})}),
    st.fixed_dictionaries({"clean": scalar}),
), max_size=4)
option = st.sampled_from([
    "analysis.en_words_per_min=nan", "analysis.zh_chars_per_s=-1", "analysis.zh_chars_per_s=5",
    "article.newsletter_wrap=-3", "article.thread_mode=\"full\"", "article.emoji=true", "live.minutes=15",
    "live.start=\"25:99\"", "live.recap_every=5", "article.nope=1", "cards.max_cards=0",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fm=front, blocks=st.lists(block, min_size=0, max_size=8), opts=st.lists(option, max_size=2))
def test_random_stories_never_crash(cli, tmp_path_factory, fm, blocks, opts):
    base = tmp_path_factory.mktemp("fuzz")
    story = base / "story" / "s.md"
    story.parent.mkdir()
    head = ("---\n" + "".join(f"{k}: {_yaml(v)}\n" for k, v in fm.items()) + "---\n\n") if fm else ""
    story.write_text(head + "\n\n".join(blocks) + "\n", "utf-8")
    out = base / "out"
    args = ["build", story, "-o", out, "-f", "article", "-f", "live", "-O", "live.cue_cards=false", "-q"]
    for o in opts:
        args += ["-O", o]
    r = cli(*args)
    event(f"exit {r.exit_code}")
    assert r.exit_code in (0, 1, 2, 3, 4), r.output
    assert "Traceback" not in r.output and "internal error" not in r.output, r.output
    if r.exit_code == 0:
        manifest = json.loads((out / "manifest.json").read_text("utf-8"))
        listed = {a["path"] for a in manifest["artifacts"]} | {"manifest.json"}
        assert {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} == listed
    else:
        assert not out.exists() or not any(out.iterdir())
    # nothing beside the story and the output folder
    assert {p.name for p in base.iterdir()} <= {"story", "out"}
    assert {p.name for p in story.parent.iterdir()} == {"s.md"}
