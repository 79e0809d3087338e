"""The article format: every platform limit, escaping, truncation warnings."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import pytest

from contentkit.platforms import get_platform
from contentkit.text import visible_len, weighted_length

from .conftest import EN, ZH, read_manifest


def build(cli, story, out, *extra):
    r = cli("build", story, "-f", "article", "-o", out, "-q", *extra)
    assert r.exit_code == 0, r.output
    return read_manifest(out)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def parse_html(text: str) -> _Collector:
    c = _Collector()
    c.feed(text)
    return c


@pytest.mark.parametrize("sample", [ZH, EN])
def test_every_platform_within_its_limits(cli, tmp_path, sample):
    out = tmp_path / "o"
    m = build(cli, sample, out)
    paths = {a["path"] for a in m["artifacts"]}
    assert {"article/longform.md", "article/longform.html", "article/xiaohongshu.txt",
            "article/x-thread.txt", "article/x-thread.json", "article/newsletter.html",
            "article/newsletter.txt", "article/images/qvevri.png"} <= paths
    # Xiaohongshu: title <= 20, body <= 1000, hashtags at the end
    note = (out / "article/xiaohongshu.txt").read_text("utf-8")
    title, body = note.split("\n\n", 1)
    assert get_platform("xiaohongshu").title_length(title) <= 20
    assert visible_len(body) <= 1000
    assert body.rstrip().splitlines()[-1].startswith("#")
    # X: every post <= 280 weighted, numbered i/n, in order
    thread = json.loads((out / "article/x-thread.json").read_text("utf-8"))
    posts = thread["posts"]
    n = len(posts)
    assert 3 <= n <= 25
    for i, post in enumerate(posts, start=1):
        assert weighted_length(post["text"]) <= 280
        assert post["weighted_length"] == weighted_length(post["text"])
        assert post["text"].endswith(f"\n\n{i}/{n}")
    # Long-form: title <= 64, self-contained HTML with the image embedded
    page = (out / "article/longform.html").read_text("utf-8")
    assert "data:image/png;base64," in page
    assert not re.search(r"""(src|href)=["']https?://""", page.split("<article>")[0])
    h1 = re.search(r"<h1>(.*?)</h1>", page).group(1)
    assert len(html.unescape(h1)) <= 64
    # Newsletter: email-safe (no <style>, no <script>, table layout, inline styles) + plain text
    mail = (out / "article/newsletter.html").read_text("utf-8")
    tags = parse_html(mail).tags
    assert "style" not in tags and "script" not in tags and "table" in tags
    text = (out / "article/newsletter.txt").read_text("utf-8")
    assert "<" not in text.replace("<<", "")
    en_lines = [ln for ln in text.splitlines() if ln.isascii()]
    assert all(len(ln) <= 72 for ln in en_lines)


def test_thread_never_splits_a_word(cli, tmp_path):
    out = tmp_path / "o"
    build(cli, EN, out, "-O", "article.thread_mode=full")
    source_words = set(re.findall(r"[A-Za-z][A-Za-z'’-]*", EN.read_text("utf-8")))
    thread = json.loads((out / "article/x-thread.json").read_text("utf-8"))
    assert thread["sentences_omitted"] == 0
    for post in thread["posts"]:
        for w in re.findall(r"(?<!#)\b[A-Za-z][A-Za-z'’-]*", post["text"]):
            assert w in source_words, w


def test_overlong_sentence_and_title_are_cut_at_boundaries_with_warnings(cli, tmp_path, story_file):
    long_sentence = ", ".join(f"clause number {i} about wine" for i in range(40)) + "."
    title = "A " + "very " * 30 + "long title"
    path = story_file(f"---\ntitle: {title}\n---\n\n## Part\n\n{long_sentence}\n")
    out = tmp_path / "o"
    m = build(cli, path, out, "-O", "article.thread_mode=full")
    warnings = " | ".join(m["warnings"])
    assert "title over 64 characters" in warnings
    assert "title over 20 characters" in warnings
    assert "split at a clause or word boundary" in warnings
    thread = json.loads((out / "article/x-thread.json").read_text("utf-8"))
    assert all(weighted_length(p["text"]) <= 280 for p in thread["posts"])
    joined = " ".join(re.sub(r"\n\n\d+/\d+$", "", p["text"]) for p in thread["posts"])
    assert "clause number 39 about wine" in joined  # full mode keeps everything
    page = (out / "article/longform.html").read_text("utf-8")
    h1 = html.unescape(re.search(r"<h1>(.*?)</h1>", page).group(1))
    assert len(h1) <= 64 and h1.endswith("…")
    kept = h1[:-1]
    assert title.startswith(kept) and title[len(kept)] == " "  # cut between words


def test_xiaohongshu_body_over_limit_drops_weakest_sections_and_says_so(cli, tmp_path, story_file):
    sections = "\n\n".join(f"## 第{i}部分\n\n第{i}段讲的是葡萄酒历史上的第{i}个故事，" + "内容很长，" * 12 + "结束。"
                           for i in range(30))
    path = story_file(f"---\ntitle: 很长的故事\n---\n\n{sections}\n")
    out = tmp_path / "o"
    m = build(cli, path, out, "-p", "xiaohongshu")
    note = (out / "article/xiaohongshu.txt").read_text("utf-8")
    assert visible_len(note.split("\n\n", 1)[1]) <= 1000
    assert any("body over 1000 characters" in w and "left out" in w for w in m["warnings"])
    assert [a["path"] for a in m["artifacts"]] == ["article/xiaohongshu.txt"]


def test_html_escapes_story_text(cli, tmp_path, story_file):
    path = story_file("---\ntitle: \"<script>alert(1)</script> & Co\"\nsubtitle: <b>x</b>\n"
                      "cta: <img src=x onerror=alert(1)>\n---\n\n## <i>Head</i>\n\n"
                      "Text with <script>bad()</script> inline.\n\n<script>alert('block')</script>\n")
    out = tmp_path / "o"
    m = build(cli, path, out)
    for rel in ("article/longform.html", "article/newsletter.html"):
        page = (out / rel).read_text("utf-8")
        assert "<script" not in page.lower()
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    assert any(a["reason"] == "raw HTML" for a in m["editorial"]["set_aside"])


def test_emoji_bullets_only_when_enabled(cli, tmp_path):
    plain = (build(cli, ZH, tmp_path / "a") and (tmp_path / "a/article/xiaohongshu.txt").read_text("utf-8"))
    fancy = (build(cli, ZH, tmp_path / "b", "-O", "article.emoji=true")
             and (tmp_path / "b/article/xiaohongshu.txt").read_text("utf-8"))
    assert "1️⃣" not in plain and "①" in plain
    assert "1️⃣" in fancy


def test_platform_override_title(cli, tmp_path, story_file):
    path = story_file("---\ntitle: 一个相当长的标题用来测试小红书平台的二十字限制是否生效\n"
                      "platforms:\n  xiaohongshu:\n    title: 短标题\n---\n\n## 一\n\n正文。\n")
    m = build(cli, path, tmp_path / "o", "-p", "xiaohongshu")
    assert (tmp_path / "o/article/xiaohongshu.txt").read_text("utf-8").startswith("短标题\n")
    assert m["warnings"] == []


@pytest.mark.parametrize("sample, label", [(ZH, "话题："), (EN, "Topics: ")])
def test_zhihu_article_keeps_the_story_and_names_its_topics(cli, tmp_path, sample, label):
    from markdown_it import MarkdownIt

    build(cli, sample, tmp_path / "o", "-p", "zhihu")
    text = (tmp_path / "o/article/zhihu.md").read_text("utf-8")
    tokens = MarkdownIt().parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    source = sample.read_text("utf-8")
    assert headings[0] in source  # the title, from the front matter
    assert all(h in source for h in headings[1:]) and len(headings) >= 5
    topics = [ln for ln in text.splitlines() if ln.startswith(label)]
    assert len(topics) == 1 and 1 <= len(topics[0][len(label):].split(" / ")) <= 3
    for src in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text):  # every image it points to was written
        assert (tmp_path / "o/article" / src).is_file(), src


def test_a_long_title_keeps_its_main_title_and_never_an_open_bracket():
    from contentkit.formats.article import _limit

    w: list[str] = []
    assert _limit("Making of Tea: Capitalism, Culture, and More", 20, len, "title", w) == "Making of Tea"
    assert _limit("自动挡半坡起步方法（手刹、左脚刹车、右脚刹车、上坡辅助、自动驻车、电子手刹）", 20, len, "title", w) \
        == "自动挡半坡起步方法"
    cut = _limit("自动挡半坡起步方法与坡道起步的几个要点（手刹、左脚刹车、右脚刹车、上坡辅助", 20, len, "title", w)
    assert "（" not in cut and len(cut) <= 20
    assert len(w) == 3  # every cut is reported


def test_front_matter_title_whitespace_is_one_line(tmp_path):
    from contentkit.parser import parse_file

    p = tmp_path / "s.md"
    p.write_text("---\ntitle: 'Making of  Tea:   More'\n---\n\nTea is a drink people love a lot.\n", "utf-8")
    assert parse_file(str(p)).title == "Making of Tea: More"


def test_the_plain_text_newsletter_describes_pictures_and_names_no_local_files(cli, tmp_path):
    """jabee0228-tainan's newsletter.txt read "[images/IMG_4891.HEIC_compressed.JPEG]"."""
    from PIL import Image as PILImage

    folder = tmp_path / "s"
    (folder / "images").mkdir(parents=True)
    for name in ("IMG_4891.png", "pot.png"):
        PILImage.new("RGB", (64, 48), (120, 80, 60)).save(folder / "images" / name)
    story = folder / "story.md"
    story.write_text("---\ntitle: 台南之旅\n---\n\n## 第一天\n\n晚上八点到台南，先去买冬瓜茶。\n\n"
                     "![](images/IMG_4891.png)\n\n![一壶冬瓜茶](images/pot.png)\n\n冬瓜茶很好喝。\n", "utf-8")
    out = tmp_path / "o"
    r = cli("build", story, "-f", "article", "-p", "newsletter", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    text = (out / "article/newsletter.txt").read_text("utf-8")
    assert "IMG_4891" not in text and "[一壶冬瓜茶]" in text


def test_a_xiaohongshu_title_counts_a_latin_letter_as_half():
    """Xiaohongshu counts a Hanzi as one and a Latin letter as half: "Why and How I Started
    Public Speaking" (18.5) fits its 20 whole, where it had been cut to "Why and How I…"."""
    from contentkit.formats.article import _limit

    p = get_platform("xiaohongshu")
    assert p.title_length("Why and How I Started Public Speaking") == 18.5
    assert p.title_length("一杯红酒里的八千年") == 9
    w: list[str] = []
    assert _limit("Why and How I Started Public Speaking", p.title_max, p.title_length, "title", w) \
        == "Why and How I Started Public Speaking" and not w
    assert p.title_length(_limit("一" * 30, p.title_max, p.title_length, "title", w)) <= 20


def test_a_title_cut_to_its_subtitle_opens_with_a_capital():
    from contentkit.formats.article import _limit

    w: list[str] = []
    half = lambda t: len(t) / 2  # noqa: E731  (a platform counting a Latin letter as half)
    assert _limit("Usersnap - the holy grail of bug reporting", 20, half, "title", w) == "The holy grail of bug reporting"
