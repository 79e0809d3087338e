"""The platform model: a typed table, every (format, platform) pair renders, several video
platforms give several videos, and a platform without a renderer is a usage error."""

from __future__ import annotations

import json

import pytest

from contentkit.platforms import Platform, platforms

from .conftest import EN, ZH, read_manifest

PAIRS = [(fmt, p.name) for p in platforms().values() for fmt in p.formats]


def test_the_table_is_typed_and_sourced():
    for p in platforms().values():
        assert isinstance(p, Platform)
        if "video" in p.formats:
            assert p.video_size and p.source, p.name
        if "cards" in p.formats:
            assert p.card_size, p.name
    with pytest.raises(Exception):
        Platform(name="x", label="X", formats=("article",), title_maxx=3)


@pytest.mark.parametrize("fmt, platform", PAIRS)
def test_every_format_platform_pair_renders(cli, tmp_path, fmt, platform):
    out = tmp_path / "o"
    r = cli("build", EN, "-o", out, "-f", fmt, "-p", platform, "-q", "-O", "video.render=false",
            "-O", "cards.contact_sheet=false")
    assert r.exit_code == 0, r.output
    arts = read_manifest(out)["artifacts"]
    assert arts and all(a["platform"] == platform for a in arts if a["format"] == fmt and "platform" in a)


def test_several_video_platforms_render_several_videos_sharing_equal_frames(cli, tmp_path):
    out = tmp_path / "o"
    r = cli("build", ZH, "-o", out, "-f", "video", "-q", "-O", "video.render=false",
            "-p", "douyin", "-p", "kuaishou", "-p", "instagram-reels")
    assert r.exit_code == 0, r.output
    m = read_manifest(out)
    by = {a["path"]: a for a in m["artifacts"]}
    for name in ("douyin", "kuaishou", "instagram-reels"):
        assert f"video/{name}/poster.png" in by and f"video/{name}/subtitles.ass" in by
    # same frame and safe areas: the same bytes; Reels keep a larger bottom free: other frames
    assert by["video/douyin/poster.png"]["sha256"] == by["video/kuaishou/poster.png"]["sha256"]
    assert by["video/douyin/poster.png"]["sha256"] != by["video/instagram-reels/poster.png"]["sha256"]
    reels = json.loads((out / "video/instagram-reels/frames.json").read_text("utf-8"))
    assert reels["subtitle_box"][3] <= 1920 * (1 - 0.35)
    for scene in reels["scenes"]:
        for t in scene["texts"]:
            for box in t["line_boxes"]:
                assert box[3] <= reels["subtitle_box"][1]  # frame text stays above the subtitles


def test_a_ceiling_shorter_than_the_target_is_a_clear_error(cli, tmp_path, monkeypatch):
    from contentkit import platforms as P

    table = dict(P.platforms())
    table["tiny"] = Platform(name="tiny", label="Tiny", formats=("video",), video_size=(1080, 1920),
                             max_duration_s=30)
    monkeypatch.setattr(P, "platforms", lambda: table)
    r = cli("build", EN, "-o", tmp_path / "o", "-f", "video", "-p", "tiny", "-O", "video.render=false")
    assert r.exit_code == 1 and "tiny takes videos up to 30 s" in r.output


def test_a_listed_platform_without_a_renderer_is_a_usage_error(cli, tmp_path, monkeypatch):
    from contentkit import platforms as P

    table = dict(P.platforms())
    table["weibo-draft"] = Platform(name="weibo-draft", label="W", formats=("article",), title_max=30)
    monkeypatch.setattr(P, "platforms", lambda: table)
    r = cli("build", EN, "-o", tmp_path / "o", "-f", "article", "-p", "weibo-draft")
    assert r.exit_code == 2 and "no renderer for platform 'weibo-draft'" in r.output
    # a default build skips it instead of crashing
    r = cli("build", EN, "-o", tmp_path / "o2", "-f", "article", "-q")
    assert r.exit_code == 0


def test_wechat_article_pastes_into_the_editor(cli, tmp_path, story_file):
    path = story_file("---\ntitle: 手冲咖啡\ncta: 关注我\n---\n\n## 器具\n\n先看[这篇评测](https://example.com/a)，"
                      "再读[官方说明](https://example.com/b)，**水温很重要**。\n\n> 慢一点。\n\n- 滤杯\n- 手冲壶\n")
    out = tmp_path / "o"
    r = cli("build", path, "-o", out, "-f", "article", "-p", "wechat", "-q")
    assert r.exit_code == 0, r.output
    page = (out / "article/wechat.html").read_text("utf-8")
    import re

    assert "<style" not in page and "href=" not in page  # the editor drops both
    for tag in ("h2", "p", "strong", "blockquote", "li"):
        for m in re.finditer(rf"<{tag}\b([^>]*)>", page):
            assert "style=" in m.group(1), (tag, m.group(0))
    assert "这篇评测<sup" in page and "[1] 这篇评测: https://example.com/a" in page
    assert "[2] 官方说明: https://example.com/b" in page


@pytest.mark.parametrize("platform, fold", [("weibo", 140), ("toutiao", 50)])
def test_micro_posts_keep_their_limits_and_topic_style(cli, tmp_path, platform, fold):
    from contentkit.text import visible_len

    out = tmp_path / "o"
    r = cli("build", ZH, "-o", out, "-f", "article", "-p", platform, "-q")
    assert r.exit_code == 0, r.output
    text = (out / f"article/{platform}.txt").read_text("utf-8")
    assert visible_len(text) <= 2000
    assert visible_len(text.split("\n\n")[0]) <= fold
    tags = text.strip().split("\n")[-1].split()
    assert tags and all(t.startswith("#") and t.endswith("#") for t in tags)
