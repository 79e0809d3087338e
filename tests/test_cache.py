"""The build cache, CI shards and merged manifests (issue 13), on real builds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import EN, ROOT, ZH, files_under, read_manifest

FAST = ("-f", "article", "-f", "community", "-f", "plan", "-O", "plan.start=2026-12-07",
        "-O", "community.date=2026-12-07")


@pytest.fixture
def cache_on(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.delenv("CONTENTKIT_NO_CACHE", raising=False)
    monkeypatch.setenv("CONTENTKIT_CACHE_DIR", str(folder))
    return folder


def _strip_cached(manifest: dict) -> dict:
    m = json.loads(json.dumps(manifest))
    for a in m["artifacts"]:
        a.pop("cached", None)
    return m


def _bytes(folder: Path) -> dict[str, bytes]:
    return {f: (folder / f).read_bytes() for f in files_under(folder) if f != "manifest.json"}


def _build(cli, out, *args, story=ZH):
    r = cli("build", story, "-o", out, "-q", *args)
    assert r.exit_code == 0, r.output
    return read_manifest(out)


def test_unchanged_story_comes_from_the_cache_with_the_same_bytes(cli, tmp_path, cache_on):
    cold = _build(cli, tmp_path / "a", *FAST)
    assert not any(a.get("cached") for a in cold["artifacts"])
    warm = _build(cli, tmp_path / "b", *FAST)
    by_format = {a["format"]: a.get("cached") for a in warm["artifacts"]}
    assert by_format == {"article": True, "community": True, "plan": True, "gallery": None} or \
        by_format == {"article": True, "community": True, "plan": True}
    assert _strip_cached(warm) == cold  # the manifest differs only in saying where files came from
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")
    off = _build(cli, tmp_path / "c", *FAST, "--no-cache")
    assert off == cold


def test_one_changed_option_renders_only_that_format(cli, tmp_path, cache_on):
    _build(cli, tmp_path / "a", *FAST)
    m = _build(cli, tmp_path / "b", *FAST, "-O", "article.emoji=true")
    cached = {a["format"]: bool(a.get("cached")) for a in m["artifacts"]}
    assert cached["article"] is False and cached["community"] is True and cached["plan"] is True


def test_changed_story_or_image_is_a_miss(cli, tmp_path, cache_on):
    story = tmp_path / "s.md"
    img = tmp_path / "pic.png"
    from PIL import Image

    Image.new("RGB", (40, 30), (200, 10, 10)).save(img)
    story.write_text("# Tea\n\n![a cup](pic.png)\n\nTea began in Yunnan. It spread along the roads.\n", "utf-8")
    _build(cli, tmp_path / "a", "-f", "article", story=story)
    again = _build(cli, tmp_path / "b", "-f", "article", story=story)
    assert all(a.get("cached") for a in again["artifacts"] if a["format"] == "article")
    Image.new("RGB", (40, 30), (10, 200, 10)).save(img)  # same story text, another picture
    m = _build(cli, tmp_path / "c", "-f", "article", story=story)
    assert not any(a.get("cached") for a in m["artifacts"])
    assert (tmp_path / "c/article/images/pic.png").read_bytes() == img.read_bytes()


def test_corrupted_entry_is_detected_and_rebuilt(cli, tmp_path, cache_on):
    cold = _build(cli, tmp_path / "a", *FAST)
    blobs = sorted(p for p in cache_on.rglob("0000") if p.is_file())
    assert blobs
    for b in blobs:
        b.write_bytes(b.read_bytes() + b"tampered")
    m = _build(cli, tmp_path / "b", *FAST)
    assert m == cold  # rendered again: nothing from the broken entries
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")
    healed = _build(cli, tmp_path / "c", *FAST)  # and the cache holds good entries again
    assert all(a.get("cached") for a in healed["artifacts"] if a["format"] != "gallery")


def test_a_build_killed_while_writing_leaves_the_cache_usable(tmp_path, cache_on):
    out = tmp_path / "o"
    env = dict(os.environ)
    cmd = [sys.executable, "-m", "contentkit", "build", str(EN), "-f", "cards", "-p", "xiaohongshu",
           "-o", str(out), "-q"]
    p = subprocess.Popen(cmd, env=env, cwd=tmp_path)
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None:  # kill it once it has begun to store
        if (cache_on / "v1" / "tmp").exists() or (cache_on / "v1" / "entries").exists():
            break
        time.sleep(0.01)
    p.kill()
    p.wait()
    tmp = cache_on / "v1" / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    debris = tmp / "w-killed"
    debris.mkdir()
    (debris / "0000").write_bytes(b"half a png")
    old = time.time() - 7200
    os.utime(debris, (old, old))
    r = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    r2 = subprocess.run(cmd[:-3] + ["-o", str(tmp_path / "o2"), "-q"], env=env, cwd=tmp_path,
                        capture_output=True, text=True, timeout=300)
    assert r2.returncode == 0, r2.stderr
    assert all(a.get("cached") for a in read_manifest(tmp_path / "o2")["artifacts"] if a["format"] == "cards")
    assert _bytes(out) == _bytes(tmp_path / "o2")
    assert not debris.exists()  # a killed build's leftovers are swept


def test_least_recently_used_entries_go_first(tmp_path):
    from contentkit.cache import Cache

    c = Cache(tmp_path / "c", max_bytes=10_000)
    src = tmp_path / "blob"
    src.write_bytes(b"x" * 3000)
    for i, key in enumerate(["a" * 64, "b" * 64, "c" * 64]):
        c.put(key, {"events": []}, {"f.bin": src})
        t = time.time() - 1000 + i * 10
        os.utime(c._folder(key), (t, t))
    assert c.get("a" * 64) is not None  # used now: the newest
    src.write_bytes(b"y" * 3000)
    c.put("d" * 64, {"events": []}, {"f.bin": src})
    assert c.evict() >= 1
    left = {f.name[0] for _, _, f in c.entries()}
    assert "b" in left or "c" in left
    assert "a" in left and "d" in left and "b" not in left
    assert c.info()["bytes"] <= 10_000


def test_a_format_that_does_not_declare_its_inputs_is_always_rendered(tmp_path, cache_on):
    from contentkit.build import BuildRequest, build
    from contentkit.plugins import FormatOptions, register, unregister

    calls = []

    class Opts(FormatOptions):
        pass

    class Echo:
        name = "echo-test"
        description = "test"
        options_model = Opts

        def render(self, story, options, out):
            calls.append(1)
            return [out.write("echo.txt", story.title, format=self.name)]

    register(Echo())
    try:
        for n in range(2):
            build(BuildRequest(stories=[str(EN)], formats=["echo-test"], out=tmp_path / f"o{n}"))
    finally:
        unregister("echo-test")
    assert len(calls) == 2


def test_cache_info_and_clear(cli, tmp_path, cache_on):
    _build(cli, tmp_path / "a", *FAST)
    info = json.loads(cli("cache", "info", "--json").stdout)
    assert info["entries"] >= 3 and info["bytes"] > 0 and Path(info["path"]) == cache_on
    cleared = json.loads(cli("cache", "clear", "--json").stdout)
    assert cleared["removed"] == info["entries"]
    assert json.loads(cli("cache", "info", "--json").stdout)["entries"] == 0


# ---------------------------------------------------------------------------- shards
def _recipe(tmp_path: Path, n: int) -> Path:
    stories = []
    for i in range(n):
        src = (ZH if i % 2 == 0 else EN).read_text("utf-8")
        body = src.split("---", 2)[2] if src.startswith("---") else src
        p = tmp_path / "stories" / f"s{i:02d}.md"
        p.parent.mkdir(exist_ok=True)
        p.write_text(f"---\ntitle: Story {i}\nslug: story-{i:02d}\n---\n" + body * (1 + i % 3), "utf-8")
        stories.append(f"stories/s{i:02d}.md")
    r = tmp_path / "r.toml"
    r.write_text(f"stories = {json.dumps(stories)}\nformats = [\"article\"]\nout = \"out\"\n", "utf-8")
    return r


def test_shards_together_build_the_whole_recipe_once(cli, tmp_path, monkeypatch):
    recipe = _recipe(tmp_path, 6)
    monkeypatch.chdir(tmp_path)
    plan = json.loads(cli("run", recipe, "--plan", "--json", "--shard", "1/1").stdout)
    assert len(plan["jobs"]) == 6 and all(j["cost_s"] > 0 for j in plan["jobs"])
    shares = []
    for i in (1, 2, 3):
        p = json.loads(cli("run", recipe, "--plan", "--json", "--shard", f"{i}/3").stdout)
        shares.append(p)
    stories = [j["story"] for p in shares for j in p["jobs"]]
    assert sorted(stories) == sorted(j["story"] for j in plan["jobs"]) and len(set(stories)) == 6
    costs = [p["cost_s"] for p in shares]
    assert max(costs) - min(costs) <= max(j["cost_s"] for j in plan["jobs"])  # balanced by cost

    whole = cli("run", recipe, "--json", "-q", "--no-cache")
    assert whole.exit_code == 0, whole.output
    whole_manifests = json.loads(whole.stdout)
    for i in (1, 2):  # each shard on its "runner": the same checkout, its own output folder
        runner = tmp_path / f"runner{i}"
        runner.mkdir()
        monkeypatch.chdir(runner)
        r = cli("run", recipe, "--shard", f"{i}/2", "-q", "--no-cache")
        assert r.exit_code == 0, r.output
    monkeypatch.chdir(tmp_path)
    merged = cli("merge-manifests", "runner1/out", "runner2/out")
    assert merged.exit_code == 0, merged.output
    got = json.loads(merged.stdout)
    assert got == sorted(whole_manifests, key=lambda m: m["story"]["path"])
    # every story keeps the folder it has in the whole recipe
    names = sorted([p.name for p in (tmp_path / "runner1/out").iterdir()] +
                   [p.name for p in (tmp_path / "runner2/out").iterdir()])
    assert names == sorted(p.name for p in (tmp_path / "out").iterdir())
    dup = cli("merge-manifests", "runner1/out", "runner1/out")
    assert dup.exit_code == 1 and "built twice" in dup.stderr


def test_shard_argument_is_checked(cli, tmp_path):
    recipe = _recipe(tmp_path, 2)
    for bad in ("0/2", "3/2", "x", "1/0"):
        r = cli("run", recipe, "--plan", "--shard", bad)
        assert r.exit_code == 2 and "--shard must look like I/N" in r.stderr


def test_example_ci_workflow_uses_the_commands_that_exist():
    wf = (ROOT / "recipes" / "ci-matrix.github.yml").read_text("utf-8")
    assert "--shard ${{ matrix.shard }}/" in wf and "merge-manifests" in wf
    import yaml

    doc = yaml.safe_load(wf)
    shards = doc["jobs"]["build"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1))


def test_progress_names_each_story_and_the_summary_counts_cached_files(cli, tmp_path, monkeypatch, cache_on):
    recipe = _recipe(tmp_path, 2)
    monkeypatch.chdir(tmp_path)
    r = cli("run", recipe, "-j", "1")
    assert r.exit_code == 0, r.output
    assert "contentkit: 2 stories, about" in r.stderr
    assert "contentkit: s00.md: render article" in r.stderr and "contentkit: [2/2] s01.md: done" in r.stderr
    again = cli("run", recipe, "-j", "2")
    assert "(2 entirely from the cache)" in again.stderr
    assert "article: from the cache" in again.stderr
    rows = [ln for ln in again.stderr.splitlines() if "│ article" in ln]
    assert len(rows) == 2 and all(ln.rstrip().endswith("all") for ln in rows), again.stderr


def test_parallel_builds_do_not_start_two_videos_at_once():
    """The pool hands out the costliest story first, but a second story that renders a video
    waits until the first is expected to be done, while lighter stories fill the time: two
    renders at once doubled the peak memory of a ``-j 2`` build."""
    from contentkit.build import Task, dispatch_order

    class Fmt:
        def __init__(self, heavy: bool):
            self.heavy = heavy

        def overlaps(self, options) -> bool:
            return self.heavy

    video, light = Fmt(True), Fmt(False)

    def task(i: int, cost: float, heavy: bool) -> Task:
        return Task(i, 0, f"s{i}.md", [(video if heavy else light, None)], None, None, cost)

    tasks = [task(0, 9.0, True), task(1, 8.0, True)] + [task(i, 2.0, False) for i in range(2, 12)]
    order = dispatch_order(tasks, 2)
    assert sorted(t.index for t in order) == list(range(12))  # every story once
    # simulate the pool: each free worker takes the next story
    free, spans = [0.0, 0.0], {}
    for t in order:
        w = free.index(min(free))
        spans[t.index] = (free[w], free[w] + t.cost)
        free[w] += t.cost
    (a0, a1), (b0, b1) = spans[0], spans[1]
    assert a1 <= b0 or b1 <= a0  # the two videos never overlap
    assert max(free) <= sum(t.cost for t in tasks) / 2 + 2.0  # and the load stays balanced
    assert order[0].index == 0  # the costliest still starts first
    # with nothing light to wait with, the heavy stories just run
    assert [t.index for t in dispatch_order(tasks[:2], 2)] == [0, 1]


@pytest.mark.parametrize("word", ["off", "0", "OFF", "false"])
def test_a_cache_folder_variable_set_to_off_turns_the_cache_off_and_makes_no_folder(
        cli, tmp_path, monkeypatch, word):
    """CONTENTKIT_CACHE=off is a switch, not a folder named 'off' in the working directory."""
    from contentkit.cache import default_root, enabled_by_env

    monkeypatch.delenv("CONTENTKIT_NO_CACHE", raising=False)
    monkeypatch.delenv("CONTENTKIT_CACHE_DIR", raising=False)
    monkeypatch.setenv("CONTENTKIT_CACHE", word)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    assert not enabled_by_env()
    assert default_root() == tmp_path / "xdg" / "contentkit"
    m = _build(cli, tmp_path / "out", "-f", "article")
    assert not any(a.get("cached") for a in m["artifacts"])
    assert not (tmp_path / word).exists()
    monkeypatch.setenv("CONTENTKIT_CACHE", "on")
    assert enabled_by_env() and default_root() == tmp_path / "xdg" / "contentkit"
