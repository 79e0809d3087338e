"""The CLI through typer's runner: manifest, determinism, stdin, JSON, exit codes, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from contentkit.errors import EXIT_INPUT, EXIT_OUTPUT, EXIT_STRICT, EXIT_USAGE

from .conftest import EN, ROOT, ZH, files_under, read_manifest


def one_line_error(r, *fragments):
    lines = r.stderr.strip().splitlines()
    errors = [ln for ln in lines if ln.startswith("error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], r.stderr  # one line, the last one
    err = errors[0]
    assert "Traceback" not in r.output
    for f in fragments:
        assert f in err, err


def test_build_writes_manifest_and_artifacts(cli, tmp_path):
    out = tmp_path / "o"
    r = cli("build", ZH, "-f", "article", "-o", out, "--json")
    assert r.exit_code == 0, r.output
    printed = json.loads(r.stdout)  # stdout is nothing but the manifest
    m = read_manifest(out)
    assert printed == m
    assert m["contentkit"] and m["story"]["path"] == str(ZH)
    import hashlib

    assert m["story"]["sha256"] == hashlib.sha256(ZH.read_bytes()).hexdigest()
    for art in m["artifacts"]:
        data = (out / art["path"]).read_bytes()
        assert art["sha256"] == hashlib.sha256(data).hexdigest()
        assert art["bytes"] == len(data)
        assert {"format", "path", "media_type", "sha256", "bytes", "warnings"} <= set(art)
    assert files_under(out) == sorted([a["path"] for a in m["artifacts"]] + ["manifest.json"])


def test_two_builds_are_byte_identical(cli, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        assert cli("build", ZH, EN, "-f", "article", "-o", out, "-q").exit_code == 0
    for sub in ("red-wine-history", "red-wine-history-en"):
        assert (a / sub / "manifest.json").read_bytes() == (b / sub / "manifest.json").read_bytes()
        for rel in files_under(a / sub):
            assert (a / sub / rel).read_bytes() == (b / sub / rel).read_bytes(), rel


def test_stdin_story(cli, tmp_path):
    out = tmp_path / "o"
    r = cli("build", "-", "-f", "article", "-o", out, "--json", input=ZH.read_text("utf-8"))
    assert r.exit_code == 0, r.output
    m = json.loads(r.stdout)
    assert m["story"]["path"] == "-"
    assert (out / "article/longform.md").exists()


def test_default_output_folder_is_out_slug(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "My Story!.md").write_text("# 标题\n\n正文。\n", "utf-8")
    r = cli("build", "My Story!.md", "-f", "article", "-q")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "out/my-story/manifest.json").exists()


@pytest.mark.parametrize("slug", ["../../x", "a/b", "/etc/evil", "..", "....//..//x"])
def test_titles_and_slugs_never_escape_the_output_folder(cli, tmp_path, monkeypatch, slug):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.md").write_text(f"---\ntitle: \"{slug}\"\nslug: \"{slug}\"\n---\n\n正文。\n", "utf-8")
    r = cli("build", "s.md", "-f", "article", "-q")
    assert r.exit_code == 0, r.output
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "s.md"]
    assert written and all(p.is_relative_to(tmp_path / "out") for p in written)
    # and from stdin, where the title is the only name there is
    r = cli("build", "-", "-f", "article", "-q", input=f"# {slug}\n\ntext.\n")
    assert r.exit_code == 0, r.output
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "s.md"]
    assert all(p.is_relative_to(tmp_path / "out") for p in written)


def test_formats_and_platforms_json(cli):
    r = cli("formats", "--json")
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    names = [x["name"] for x in rows]
    assert "article" in names
    art = rows[names.index("article")]
    assert {o["name"] for o in art["options"]} >= {"emoji", "thread_mode", "platforms"}
    r = cli("platforms", "--json")
    table = {p["name"]: p for p in json.loads(r.stdout)}
    assert table["xiaohongshu"]["title_max"] == 20 and table["xiaohongshu"]["body_max"] == 1000
    assert table["x"]["post_max_weighted"] == 280
    assert table["longform"]["title_max"] == 64


def test_check_reports_problems_and_exit_codes(cli, story_file):
    good = cli("check", EN, "--json")
    assert good.exit_code == 0, good.output
    bad = story_file("## 空的部分\n\n## 第二部分\n\n![图](missing.png)\n")
    r = cli("check", bad, "--json")
    assert r.exit_code == EXIT_INPUT
    problems = json.loads(r.stdout)["problems"]
    msgs = " | ".join(p["message"] for p in problems)
    assert "missing title" in msgs
    assert "missing.png" in msgs
    assert "is empty" in msgs
    long = story_file("---\ntitle: " + "很长" * 20 + "\ncta: x\n---\n\n正文。\n", "long.md")
    r = cli("check", long, "--json", "-p", "xiaohongshu")
    assert r.exit_code == 0
    assert any("over xiaohongshu's 20" in p["message"] for p in json.loads(r.stdout)["problems"])
    assert cli("check", long, "--strict", "-p", "xiaohongshu").exit_code == EXIT_STRICT


def test_recipe_runs(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    recipe = tmp_path / "r.toml"
    recipe.write_text(f'stories = ["{ZH}"]\nformats = ["article"]\nout = "built"\n'
                      '[options.article]\nemoji = true\n', "utf-8")
    r = cli("run", recipe, "--json")
    assert r.exit_code == 0, r.output
    manifests = json.loads(r.stdout)
    assert len(manifests) == 1 and manifests[0]["formats"]["article"]["emoji"] is True
    assert (tmp_path / "built/manifest.json").exists()


def test_recipe_jobs(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.toml").write_text(
        f'formats = ["article"]\n[options.article]\nemoji = true\n'
        f'[[jobs]]\nstories = ["{ZH}"]\nout = "a"\nplatforms = ["x"]\n'
        f'[[jobs]]\nstories = ["{EN}"]\nout = "b"\n[jobs.options.article]\nemoji = false\n', "utf-8")
    r = cli("run", "r.toml", "--json")
    assert r.exit_code == 0, r.output
    a, b = json.loads(r.stdout)
    assert {x["platform"] for x in a["artifacts"]} == {"x"} and a["formats"]["article"]["emoji"] is True
    assert b["formats"]["article"]["emoji"] is False and (tmp_path / "b/manifest.json").exists()


def test_format_errors_name_the_story(cli, tmp_path, story_file):
    path = story_file("# Wine\n\nWine is old. النبيذ قديم جدا. It began in Georgia.\n")
    r = cli("build", path, "-f", "cards", "-o", tmp_path / "o")
    assert r.exit_code == 1
    one_line_error(r, str(path), "cards: no font covers the text")
    assert not (tmp_path / "o").exists()


def test_shipped_recipe_is_valid():
    from contentkit.recipe import load_recipe

    reqs = load_recipe(ROOT / "recipes/red-wine.toml")
    assert len(reqs[0].stories) == 2


@pytest.mark.parametrize("content, fragments", [
    ('stories = ["x.md"]\nformat = ["article"]\n', ["r.toml:2", "format", "did you mean 'formats'"]),
    ('stories = "x.md"\n', ["r.toml", "stories"]),
    ('stories = ["nope.md"]\n', ["nope.md", "not found"]),
    ('stories = ["s.md"]\nout = "../../escape"\n', ["out", "without '..'"]),
    ('stories = ["s.md"]\n[options.article]\nemojii = true\n', ["article.emojii", "did you mean 'emoji'"]),
    ('stories = ["s.md"]\n[options.article]\nthread_mode = "long"\n', ["article.thread_mode"]),
    ('stories = ["s.md"]\n[options.analysis]\nzh_chars_per_s = -1\n', ["analysis.zh_chars_per_s"]),
    ('stories = [\n', ["invalid TOML"]),
])
def test_bad_recipes(cli, tmp_path, monkeypatch, content, fragments):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.md").write_text("# T\n\nx.\n", "utf-8")
    (tmp_path / "r.toml").write_text(content, "utf-8")
    r = cli("run", "r.toml")
    assert r.exit_code in (EXIT_INPUT, EXIT_USAGE)
    one_line_error(r, *fragments)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("data, fragments, code", [
    (b"", ["file is empty"], EXIT_INPUT),
    (b"   \n\n", ["file is empty"], EXIT_INPUT),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", ["binary file"], EXIT_INPUT),
    (b"---\ntitle: [x\n---\nbody\n", ["s.md:2", "malformed front matter"], EXIT_INPUT),
    (b"\xff\xfe\xfa\x80\x81 not text \x90\x91", ["not UTF-8"], EXIT_INPUT),
])
def test_bad_story_files(cli, tmp_path, data, fragments, code):
    story = tmp_path / "s.md"
    story.write_bytes(data)
    out = tmp_path / "o"
    r = cli("build", story, "-f", "article", "-o", out)
    assert r.exit_code == code
    one_line_error(r, str(story), *fragments)
    assert not out.exists()


def test_gb18030_story_is_decoded_with_a_warning(cli, tmp_path):
    story = tmp_path / "gbk.md"
    story.write_bytes("# 红酒的历史\n\n葡萄酒起源于格鲁吉亚，距今约八千年。罗马人把葡萄园带到了欧洲。\n".encode("gbk"))
    out = tmp_path / "o"
    r = cli("build", story, "-f", "article", "-o", out, "--json")
    assert r.exit_code == 0, r.output
    m = json.loads(r.stdout)
    assert m["story"]["title"] == "红酒的历史"
    assert any("GB18030" in w for w in m["warnings"])


def test_missing_file_unknown_format_and_unknown_option(cli, tmp_path):
    r = cli("build", tmp_path / "nope.md", "-o", tmp_path / "o")
    assert r.exit_code == EXIT_INPUT
    one_line_error(r, "nope.md", "file not found")
    r = cli("build", ZH, "-f", "artcle", "-o", tmp_path / "o")
    assert r.exit_code == EXIT_USAGE
    one_line_error(r, "unknown format 'artcle'", "did you mean 'article'")
    r = cli("build", ZH, "-f", "article", "-O", "article.emoj=true", "-o", tmp_path / "o")
    assert r.exit_code == EXIT_USAGE
    one_line_error(r, "article.emoj", "did you mean 'emoji'")
    r = cli("build", ZH, "-p", "tiktokk", "-o", tmp_path / "o")
    assert r.exit_code == EXIT_USAGE
    one_line_error(r, "unknown platform 'tiktokk'")
    assert not (tmp_path / "o").exists()


def test_unwritable_output(cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = cli("build", ZH, "-f", "article", "-o", blocker / "sub")
    assert r.exit_code == EXIT_OUTPUT
    one_line_error(r, "not writable")
    r = cli("build", ZH, "-f", "article", "-o", blocker)
    assert r.exit_code == EXIT_OUTPUT
    one_line_error(r, "not a folder")


def test_failed_render_leaves_nothing_behind(cli, tmp_path, monkeypatch):
    from contentkit.formats import article

    def boom(self, story, options, out):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(article.ArticleFormat, "_x", boom)
    out = tmp_path / "o"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    r = cli("build", ZH, "-f", "article", "-o", out)
    assert r.exit_code == 70
    one_line_error(r, "internal error", "disk on fire")
    assert files_under(out) == ["keep.txt"]  # no partial build, no staging folder


def test_strict_turns_warnings_into_failure_without_output(cli, tmp_path, story_file):
    path = story_file("# T\n\n![web](https://example.com/a.png)\n\nText.\n")
    out = tmp_path / "o"
    r = cli("build", path, "-f", "article", "-o", out, "--strict")
    assert r.exit_code == EXIT_STRICT
    one_line_error(r, "--strict", "remote image")
    assert not out.exists()
    r = cli("build", path, "-f", "article", "-o", out, "--json")
    assert r.exit_code == 0
    assert sum("remote image" in w for w in json.loads(r.stdout)["warnings"]) == 1


def test_help_is_fast_and_imports_nothing_heavy():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "contentkit", "--help"],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert r.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0] for line in r.stderr.splitlines() if "|" in line}
    assert not imported & {"moviepy", "PIL", "jieba", "numpy", "pydantic", "yake", "yaml", "av"}


def test_parallel_build_gives_the_same_bytes_and_errors(tmp_path):
    """-j builds stories in worker processes: the same files as one by one, and a worker's
    error reaches the user intact (its line, key and exit code)."""
    import hashlib
    import subprocess
    import sys
    from pathlib import Path

    exe = str(Path(sys.executable).with_name("contentkit"))
    stories = [str(ZH), str(EN)]
    args = ["-f", "article", "-f", "live", "-O", "live.cue_cards=false", "-q"]
    for j in ("1", "2"):
        r = subprocess.run([exe, "build", *stories, "-o", str(tmp_path / f"j{j}"), "-j", j, *args],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr

    def digest(root: Path) -> dict:
        return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    assert digest(tmp_path / "j1") == digest(tmp_path / "j2")
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: T\nplatforms:\n  x: {hashtags: 7}\n---\n\nText.\n", "utf-8")
    r = subprocess.run([exe, "build", str(ZH), str(bad), "-o", str(tmp_path / "e"), "-j", "2", *args],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 1 and r.stderr.strip().endswith("platforms.x.hashtags: expected a list, got int")
    r = subprocess.run([exe, "build", str(ZH), str(EN), "-o", str(tmp_path / "s"), "-j", "2", "--strict",
                        "-f", "video", "-O", "video.render=false", "-O", "video.duration=30", "-q"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 3, r.stderr
