"""Untrusted stories: no file leaks, no script, escaped subtitles, bounded work, safe output."""

from __future__ import annotations

import re

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, read_manifest

PNG = (ROOT / "samples" / "images" / "qvevri.png").read_bytes()


def _story_dir(tmp_path: Path) -> tuple[Path, Path]:
    inside = tmp_path / "story"
    outside = tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    (outside / "secret.png").write_bytes(PNG)
    (inside / "fake.png").write_text("API_KEY=hunter2\n", "utf-8")
    (inside / "ok.png").write_bytes(PNG)
    os.symlink(outside / "secret.png", inside / "link.png")
    return inside, outside


LEAKS = ["/etc/passwd", "/proc/self/environ", "../elsewhere/secret.png", "%2e%2e/elsewhere/secret.png",
         "link.png", "fake.png", "file:///etc/passwd"]


def test_local_media_only_from_the_story_folder_and_only_real_images(cli, tmp_path):
    inside, outside = _story_dir(tmp_path)
    body = "\n\n".join(f"![x]({src})" for src in LEAKS)
    story = inside / "s.md"
    story.write_text(f"# Title\n\n## One\n\nSome text here.\n\n![ok](ok.png)\n\n{body}\n", "utf-8")
    out = tmp_path / "out"
    r = cli("build", story, "-o", out, "-f", "article", "-f", "cards", "-q")
    assert r.exit_code == 0, r.output
    m = read_manifest(out)
    copied = sorted(p.name for p in (out / "article/images").iterdir())
    assert copied == ["ok.png"]
    page = (out / "article/longform.html").read_text("utf-8")
    assert page.count("data:image/") == 1 and "hunter2" not in page
    import base64

    assert base64.b64encode(b"API_KEY").decode()[:8] not in page
    refused = [w for w in m["warnings"] if "refused" in w]
    assert len(refused) >= 6 and all(":" in w.split("refused")[0] for w in refused)
    # on purpose, a folder outside can be allowed
    out2 = tmp_path / "out2"
    r = cli("build", story, "-o", out2, "-f", "article", "-q", "--allow-outside", outside)
    assert r.exit_code == 0
    assert "secret.png" in {p.name for p in (out2 / "article/images").iterdir()}


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
                                 "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                 "vbscript:msgbox(1)"])
def test_only_http_https_mailto_links_reach_html(cli, tmp_path, story_file, url):
    path = story_file(f'---\ntitle: T\ncta: Buy\nproduct: {{name: Kit, url: "{url}"}}\n---\n\n'
                      f"## A\n\nA [link]({url.strip()}) and a [good one](https://example.com).\n")
    out = tmp_path / "o"
    r = cli("build", path, "-o", out, "-f", "article", "-q")
    assert r.exit_code == 0, r.output
    import re

    for rel in ("article/newsletter.html", "article/longform.html"):
        text = (out / rel).read_text("utf-8").lower()
        assert not re.search(r"""(href|src)\s*=\s*["']?\s*(java|vb)\s*script|(href|src)\s*=\s*["']?data:text""", text), rel
        assert 'href="https://example.com"' in text
    md = (out / "article/longform.md").read_text("utf-8")
    assert not re.search(r"(?<!\\)\]\(\s*<?\s*(java|vb)\s*script", md, re.I)  # "\\](" is escaped text and "(<https://example.com>)" in md
    assert any("product.url dropped" in w for w in read_manifest(out)["warnings"])


def test_subtitles_show_story_text_as_text(cli, tmp_path, story_file):
    evil = r"Look {\fs300\c&H0000FF&}here \N now \h and <script>alert(1)</script> --> end."
    path = story_file(f"---\ntitle: Subtitles\n---\n\n## One\n\n{evil}\n\n## Two\n\nA calm second part.\n")
    out = tmp_path / "o"
    r = cli("build", path, "-o", out, "-f", "video", "-O", "video.render=false", "-q")
    assert r.exit_code == 0, r.output
    import ass
    import srt
    import webvtt

    srt_text = (out / "video/subtitles.srt").read_text("utf-8")
    subs = list(srt.parse(srt_text))
    joined = " ".join(s.content.replace("\n", " ") for s in subs)
    assert "<script>" not in joined and "fs300" in joined  # shown, not applied
    vtt = webvtt.read(str(out / "video/subtitles.vtt"))
    assert "<script>" not in (out / "video/subtitles.vtt").read_text("utf-8")
    assert any("alert(1)" in c.text for c in vtt)
    with open(out / "video/subtitles.ass", encoding="utf-8-sig") as f:
        doc = ass.parse(f)
    for ev in doc.events:
        # no override block from the story: the only ones are contentkit's karaoke timings
        # ({\kN}), every brace of the story's is the full-width sign
        text = re.sub(r"\{\\k\d+\}", "", ev.text)
        assert "{" not in text and "}" not in text
        for esc in ("\\N now", "\\h and"):
            assert esc not in ev.text


@pytest.mark.parametrize("front, exit_code, needle", [
    ("platforms:\n  x: {hashtags: 7}\n", 1, "platforms.x.hashtags"),
    ("platforms:\n  x: {hashtags: [[1]]}\n", 1, "platforms.x.hashtags"),
    ("platforms:\n  xiaohongshu: {title: [a, b]}\n", 1, "platforms.xiaohongshu.title"),
    ("title: " + "长" * 400 + "\n", 0, ""),
    ("title: " + "word " * 120 + "\n", 0, ""),
])
def test_bad_front_matter_is_a_one_line_error_never_an_internal_one(cli, tmp_path, story_file, front, exit_code, needle):
    body = front if front.startswith("title") else "title: T\n" + front
    path = story_file(f"---\n{body}---\n\n## A\n\nText of the story.\n")
    r = cli("build", path, "-o", tmp_path / "o", "-f", "article", "-q")
    assert r.exit_code == exit_code, r.output
    if needle:
        assert needle in r.output and len(r.output.strip().splitlines()) == 1


@pytest.mark.parametrize("opt", ["analysis.en_words_per_min=nan", "analysis.zh_chars_per_s=0.01",
                                 "analysis.en_words_per_min=inf", "video.music_volume=nan"])
def test_non_finite_or_absurd_options_are_errors(cli, tmp_path, opt):
    r = cli("build", ROOT / "samples/red-wine-history.en.md", "-o", tmp_path / "o", "-f", "video",
            "-O", "video.render=false", "-O", opt, "-q")
    assert r.exit_code == 1, r.output
    assert opt.split("=")[0] in r.output


def _run(args, timeout=60):
    exe = Path(sys.executable).with_name("contentkit")
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, timeout=timeout)


def test_devices_and_pipes_are_refused_without_reading_or_blocking(tmp_path):
    fifo = tmp_path / "story.md"
    os.mkfifo(fifo)
    for path in (fifo, "/dev/zero"):
        r = _run(["build", path, "-o", tmp_path / "o", "-f", "article", "-q"], timeout=30)
        assert r.returncode == 1 and "not a regular file" in r.stderr, r.stderr


def test_subtitle_chunking_is_linear_in_the_text():
    """50k characters with no punctuation used to take minutes (cubic); a hang guard, not a timing."""
    code = ("from contentkit.subtitles import chunk_text, Rules\n"
            "c = chunk_text('红酒葡萄园陶罐罗马人修道院' * 4000, Rules.for_language('zh-Hans'))\n"
            "assert len(c) > 1000 and all(len(x) <= 32 for x in c)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_a_symlink_inside_the_output_folder_is_never_followed(cli, tmp_path):
    out = tmp_path / "o"
    victim = tmp_path / "victim"
    victim.mkdir()
    out.mkdir()
    os.symlink(victim, out / "article")
    r = cli("build", ROOT / "samples/red-wine-history.md", "-o", out, "-f", "article", "-q")
    assert r.exit_code == 4, r.output
    assert "symlink" in r.output
    assert list(victim.iterdir()) == []
    assert not (out / "manifest.json").exists()


def test_recipe_out_through_a_symlink_is_refused(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "outside").mkdir()
    work = tmp_path / "work"
    work.mkdir()
    os.symlink(tmp_path / "outside", work / "link")
    monkeypatch.chdir(work)
    recipe = work / "r.toml"
    recipe.write_text(f'stories = ["{ROOT / "samples/red-wine-history.md"}"]\nformats = ["article"]\n'
                      'out = "link/x"\n', "utf-8")
    r = cli("run", recipe)
    assert r.exit_code == 1 and "symlink" in r.output
    assert list((tmp_path / "outside").iterdir()) == []


def test_one_build_at_a_time_per_folder(cli, tmp_path):
    import fcntl

    out = tmp_path / "o"
    out.mkdir()
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        r = cli("build", ROOT / "samples/red-wine-history.md", "-o", out, "-f", "article", "-q")
        assert r.exit_code == 4 and "another contentkit build" in r.output
    finally:
        os.close(fd)
    r = cli("build", ROOT / "samples/red-wine-history.md", "-o", out, "-f", "article", "-q")
    assert r.exit_code == 0


def test_rebuild_removes_stale_files_and_killed_build_leftovers(cli, tmp_path):
    out = tmp_path / "o"
    story = ROOT / "samples/red-wine-history.md"
    args = ("-f", "cards", "-p", "xiaohongshu", "-O", "cards.contact_sheet=false", "-q")
    assert cli("build", story, "-o", out, *args, "-O", "cards.max_cards=8").exit_code == 0
    many = sorted(p.name for p in (out / "cards/xiaohongshu").glob("*.png"))
    (out / ".contentkit-killed").mkdir()
    (out / ".contentkit-killed" / "frame.png").write_bytes(b"x")
    assert cli("build", story, "-o", out, *args, "-O", "cards.max_cards=4").exit_code == 0
    few = sorted(p.name for p in (out / "cards/xiaohongshu").glob("*.png"))
    assert len(few) < len(many)
    listed = {a["path"] for a in read_manifest(out)["artifacts"]}
    on_disk = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} - {"manifest.json"}
    assert on_disk == listed
    assert not (out / ".contentkit-killed").exists()


@pytest.mark.parametrize("args", [["build", "--nope"], ["bogus"], ["build", "-O", "x"]])
def test_usage_errors_are_one_line_exit_2(args):
    r = _run(args)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("error: "), r.stderr
    assert "╭" not in r.stderr


@pytest.mark.slow
def test_ffmpeg_never_reads_an_output_path_as_a_protocol(tmp_path):
    story = tmp_path / "s.md"
    story.write_text("# T\n\n## A\n\nA short line to say.\n", "utf-8")
    for name in ("a:b", "pipe:1"):
        r = subprocess.run([str(Path(sys.executable).with_name("contentkit")), "build", str(story), "-o", name,
                            "-f", "video", "-q"], capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert (tmp_path / name / "video" / "video.mp4").stat().st_size > 1000


def test_html_pages_carry_the_cjk_glyphs_they_show(cli, tmp_path):
    """No tofu on a machine without a CJK font: the page embeds a WOFF2 subset whose cmap
    covers every CJK character the page shows."""
    import base64
    import io
    import re

    from fontTools.ttLib import TTFont

    out = tmp_path / "o"
    r = cli("build", ROOT / "samples/red-wine-history.md", "-o", out, "-f", "article", "-f", "live",
            "-O", "live.cue_cards=false", "-q")
    assert r.exit_code == 0, r.output
    from contentkit.webfont import needed

    for rel in ("article/longform.html", "live/teleprompter.html"):
        page = (out / rel).read_text("utf-8")
        m = re.search(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)", page)
        assert m, rel
        font = TTFont(io.BytesIO(base64.b64decode(m.group(1))))
        cmap = font.getBestCmap()
        shown = needed(re.sub(r"url\(data:[^)]*\)", "", page))
        missing = [ch for ch in shown if ord(ch) not in cmap]
        assert not missing, (rel, "".join(missing))
        assert "ContentkitCJK" in page
    # English pages carry no font
    out2 = tmp_path / "en"
    assert cli("build", ROOT / "samples/red-wine-history.en.md", "-o", out2, "-f", "article", "-q").exit_code == 0
    assert "@font-face" not in (out2 / "article/longform.html").read_text("utf-8")
