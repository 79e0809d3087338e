"""The parser on real-world Markdown shapes, parsed once into the typed Story."""

from __future__ import annotations

import dataclasses

import pytest

from contentkit.errors import ContentkitError
from contentkit.parser import parse_file, parse_text
from contentkit.story import Callout, Code, Html, Image, ListBlock, Paragraph, Quote, Table

from .conftest import EN, ROOT, ZH


def p(text, **kw):
    return parse_text(text, source="t.md", base_dir=kw.pop("base_dir", ROOT), **kw)


def test_samples_parse_into_sections_with_every_block_kind():
    s = parse_file(str(ZH))
    assert s.meta.title == "一杯红酒里的八千年"
    assert s.meta.tags == ("红酒", "葡萄酒历史", "品酒入门")
    assert s.meta.brand.color == "#8E1B3A"
    assert s.meta.product and s.meta.product.price == "¥298"
    kinds = {b.kind for _, b in s.blocks()}
    assert {"paragraph", "list", "quote", "image"} <= kinds
    assert [sec.heading for sec in s.sections][:2] == ["", "起源：格鲁吉亚的陶罐"]
    # the H1 that repeats the title is not a section
    assert all(sec.heading != s.meta.title for sec in s.sections)
    img = s.images()[0]
    assert img.local_path is not None and img.local_path.name == "qvevri.png"
    quote = s.quotes()[0][1]
    assert quote.attribution == "罗伯特·路易斯·史蒂文森"
    assert quote.text.plain == "葡萄酒是装在瓶子里的诗。"
    assert s.warnings == ()
    # 1500-2500 characters of Chinese text
    from contentkit.text import visible_len

    n = visible_len("\n".join(sec.heading + sec.plain for sec in s.sections))
    assert 1500 <= n <= 2500


def test_story_is_immutable():
    s = parse_file(str(EN))
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.meta.title = "x"  # type: ignore[misc]


def test_bold_next_to_cjk_punctuation_is_emphasis():
    s = p("# T\n\n**同一个品种，味道完全不同。**这就是原因。\n")
    spans = s.sections[0].blocks[0].text.spans
    assert spans[0].strong and spans[0].text == "同一个品种，味道完全不同。"
    assert not spans[1].strong


def test_reference_style_links_resolve():
    s = p("# T\n\nSee [the fair][expo] and [Napa].\n\n[expo]: https://example.org/1855 \"Expo\"\n[napa]: https://napa.example\n")
    spans = s.sections[0].blocks[0].text.spans
    hrefs = [sp.href for sp in spans if sp.href]
    assert hrefs == ["https://example.org/1855", "https://napa.example"]
    assert "[expo]" not in s.sections[0].plain


def test_raw_html_block_is_kept_as_html_and_inline_html_dropped():
    s = p("# T\n\n<div align=\"center\"><b>hi</b></div>\n\nText with <span>inline</span> tags.\n")
    blocks = s.sections[0].blocks
    assert isinstance(blocks[0], Html) and "<div" in blocks[0].html
    assert blocks[1].text.plain == "Text with inline tags."


def test_nested_and_long_lists():
    items = "\n".join(f"{i}. item {i}" for i in range(1, 41))
    s = p(f"# T\n\n- a\n  - a.1\n    - a.1.x\n- b\n\n{items}\n")
    nested, long = s.sections[0].blocks
    assert isinstance(nested, ListBlock) and not nested.ordered
    flat = [(d, it.text.plain) for d, it in nested.flat()]
    assert flat == [(0, "a"), (1, "a.1"), (2, "a.1.x"), (0, "b")]
    assert isinstance(long, ListBlock) and long.ordered and len(long.items) == 40


def test_ordered_list_start_number():
    s = p("# T\n\n3. three\n4. four\n")
    assert s.sections[0].blocks[0].start == 3


def test_front_matter_lists_and_inline_string_lists():
    s = p("---\ntitle: X\ntags:\n  - 红酒\n  - wine history\nkey_points: [一, 二]\nhashtags: '#a, #b'\n---\n\nBody.\n")
    assert s.meta.tags == ("红酒", "wine history")
    assert s.meta.key_points == ("一", "二")
    assert s.meta.hashtags == ("a", "b")


def test_mixed_chinese_english_soft_breaks():
    s = p("# T\n\n中文第一行\n第二行 and English\nwords here\n")
    assert s.sections[0].blocks[0].text.plain == "中文第一行第二行 and English words here"


def test_tables_code_and_containers():
    s = p("# T\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nprint(1)\n```\n\n"
          "::: keypoint\n**Key** idea here.\n:::\n\n::: hook\nWhy?\n:::\n")
    blocks = s.sections[0].blocks
    assert isinstance(blocks[0], Table) and blocks[0].header == ("a", "b") and blocks[0].rows == (("1", "2"),)
    assert isinstance(blocks[1], Code) and blocks[1].lang == "python"
    assert isinstance(blocks[2], Callout) and blocks[2].role == "keypoint"
    assert blocks[2].text.plain == "Key idea here."
    assert isinstance(blocks[3], Callout) and blocks[3].role == "hook"


def test_images_local_remote_missing(tmp_path):
    (tmp_path / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 8)
    s = p("# T\n\n![ok](a.png)\n\n![web](https://example.com/x.png)\n\n![web again](https://example.com/x.png)\n\n"
          "![gone](nope.png)\n", base_dir=tmp_path)
    imgs = [b for b in s.sections[0].blocks if isinstance(b, Image)]
    assert imgs[0].local_path == (tmp_path / "a.png").resolve()
    assert imgs[1].remote and imgs[1].local_path is None
    remote_warnings = [w for w in s.warnings if "remote image" in w]
    assert len(remote_warnings) == 1  # reported once
    assert any("nope.png" in w and "not found" in w for w in s.warnings)


def test_quote_attribution_on_same_paragraph():
    s = p("# T\n\n> Wine is bottled poetry.\n> — R. L. Stevenson\n")
    q = s.sections[0].blocks[0]
    assert isinstance(q, Quote)
    assert q.attribution == "R. L. Stevenson"
    assert q.text.plain == "Wine is bottled poetry."


def test_title_from_h1_and_line_numbers_after_front_matter():
    s = p("---\nauthor: me\n---\n# Heading Title\n\nIntro.\n\n## Part\n\nText.\n")
    assert s.meta.title == "Heading Title"
    part = s.sections[-1]
    assert part.heading == "Part" and part.line == 8
    assert isinstance(part.blocks[0], Paragraph) and part.blocks[0].line == 10


def test_no_title_falls_back_with_warning():
    s = p("Just one paragraph. And more.\n")
    assert s.meta.title == "Just one paragraph."
    assert any("no title" in w for w in s.warnings)


@pytest.mark.parametrize("text, fragment, line", [
    ("---\ntitle: [unclosed\n---\nx\n", "malformed front matter", 2),
    ("---\ntitle: ok\n", "never ends", 1),
    ("---\n- a\n- b\n---\nx\n", "must be a mapping", 2),
    ("---\ntitle: X\ntags: {a: 1}\n---\nx\n", "expected a list", 3),
    ("---\ntitle: X\nbrand:\n  color: red\n---\nx\n", "not a colour", None),
])
def test_bad_front_matter_names_line_or_key(text, fragment, line):
    with pytest.raises(ContentkitError) as e:
        p(text)
    assert fragment in str(e.value)
    assert str(e.value).startswith("t.md")
    if line:
        assert e.value.line == line
    assert "\n" not in str(e.value)


def test_unknown_front_matter_key_warns_with_suggestion():
    s = p("---\ntitel: X\n---\n# T\n\nx\n")
    assert any("unknown front matter key 'titel'" in w and "title" in w for w in s.warnings)


MDX = """import { Books } from './books'
import {
  Snippet,
  Tweet,
} from '../../components'

export const metadata = {
  title: 'Books people re-read',
  description: 'A list of books people re-read, sorted by how often they were suggested.',
  openGraph: {
    title: 'Not this one',
    images: [{ url: '/og/books' }],
  }
}

Last night I asked a question on Twitter: what books have you read more than once?

<Tweet id="1289761175253602305" />

## It's All About Speed [#ship-with-speed]

Speed matters more than anything when you ship a frontend.

<Snippet caption={<>Use npm i -g vercel to install</>}>
  {`$ vc`}
</Snippet>

```js
import { notStripped } from 'inside-a-fence'
```

## Heading with an id {#with-id}

We need to
import the data by hand, line by line.
"""


def test_an_mdx_post_reads_as_its_story(tmp_path):
    """rauchg's blog (Next.js MDX): the title was "import { Books } from '.", the metadata
    object and <Tweet>/<Snippet> components were text, and headings kept "[#ship-with-speed]"."""
    from contentkit.parser import parse_text
    from contentkit.story import Code, Paragraph

    story = parse_text(MDX, source="post.mdx", base_dir=tmp_path)
    assert story.meta.title == "Books people re-read"
    assert story.meta.subtitle.startswith("A list of books people re-read")
    assert [s.heading for s in story.sections if s.heading] == ["It's All About Speed", "Heading with an id"]
    text = " ".join(b.text.plain for s in story.sections for b in s.blocks if isinstance(b, Paragraph))
    assert "import" not in text.replace("import the data", "") and "Tweet" not in text and "Snippet" not in text
    assert "import the data by hand" in text  # a wrapped line of prose is prose
    codes = [b for s in story.sections for b in s.blocks if isinstance(b, Code)]
    assert codes and "notStripped" in codes[0].code
    assert any("MDX" in w for w in story.warnings)
    # the line numbers stay true: the first paragraph is on line 16
    first = next(b for s in story.sections for b in s.blocks if isinstance(b, Paragraph))
    assert first.line == 16


def test_front_matter_wins_over_mdx_metadata(tmp_path):
    from contentkit.parser import parse_text

    story = parse_text("---\ntitle: Mine\n---\n\n" + MDX, source="post.mdx", base_dir=tmp_path)
    assert story.meta.title == "Mine"


def test_an_mdx_statement_or_component_that_never_closes_takes_only_its_own_line(tmp_path):
    """A story is untrusted: an "export const x = {" or a "<Tweet id=…>" with no end is one stray
    line, never the rest of the story, and reading it costs one pass."""
    from contentkit.parser import parse_text
    from contentkit.story import Paragraph

    for head in ("export const metadata = {", '<Tweet id="1">'):
        story = parse_text(head + "\n\nFirst paragraph.\n\nSecond paragraph.\n", source="post.mdx",
                           base_dir=tmp_path)
        texts = [b.text.plain for s in story.sections for b in s.blocks if isinstance(b, Paragraph)]
        assert texts == ["First paragraph.", "Second paragraph."], head
    story = parse_text('<Callout title="a > b">\nInside\n</Callout>\n\nAfter.\n', source="post.mdx",
                       base_dir=tmp_path)
    assert [b.text.plain for s in story.sections for b in s.blocks if isinstance(b, Paragraph)] == ["After."]


def test_paragraphs_an_editor_indented_are_paragraphs_and_code_stays_code():
    """A blog export that opens every paragraph with a tab (a quote's lines too) was read as
    code blocks: the story had nothing to say. Indented prose is prose; indented code is code."""
    text = ("---\ntitle: 香港仔\n---\n\n\t不得不說彭導呢齣戲唔錯下，將一家三代所面對嘅困惑都寫曬出嚟。\n\n"
            "\t&hellip;&hellip;我噏咗啲乜sosad.\n\n\t喺，That&#39;s Hong Kong.\n\n"
            "> 「哈，uncle，我會唔會死噶？」\n>\n> \t\t「你要好耐好耐之後先會死噶。」\n>\n> \t\t「Errr」\n\n"
            "Run it:\n\n    pip install contentkit\n    contentkit build story.md\n\n"
            "\tThe first idea of the post is a long sentence that an editor indented with a tab.\n")
    s = parse_text(text, source="t.md")
    blocks = s.sections[0].blocks
    paras = [b.text.plain for b in blocks if isinstance(b, Paragraph)]
    assert paras[0].startswith("不得不說彭導") and "……我噏咗啲乜sosad." in paras and "喺，That's Hong Kong." in paras
    quote = next(b for b in blocks if isinstance(b, Quote))
    assert [p.plain for p in quote.paragraphs][1:] == ["「你要好耐好耐之後先會死噶。」", "「Errr」"]
    code = [b for b in blocks if isinstance(b, Code)]
    assert len(code) == 1 and code[0].code.startswith("pip install")
    assert paras[-1].startswith("The first idea of the post")
    assert parse_text("# T\n\n```\n\tkept as it is, inside a fence.\n```\n", source="t.md").sections[0].blocks[0].code \
        == "\tkept as it is, inside a fence."


def test_hugo_toml_front_matter_is_read_and_its_errors_name_the_line(tmp_path):
    """An unseen Hugo post opens with '+++' TOML front matter: it had been read as the first
    paragraph, and the video's hook said its date, title and tags."""
    from contentkit.errors import ContentkitError
    from contentkit.parser import parse_file

    p = tmp_path / "review.md"
    p.write_text('+++\ndate = "2016-01-01T12:15:24+05:30"\ntitle = "2015 - A year in review"\n'
                 'description = "Looking back on 2015"\ntags = ["rant"]\n+++\n\n'
                 "2015 was a great year for me on Github.\n\n### Open Source\n\nI did a lot of work.\n", "utf-8")
    s = parse_file(str(p))
    assert s.title == "2015 - A year in review" and "rant" in s.meta.tags
    body = "\n".join(sec.plain for sec in s.sections)
    assert "+++" not in body and "date =" not in body
    p.write_text('+++\ntitle = "x"\ntags = [oops]\n+++\n\nBody.\n', "utf-8")
    with pytest.raises(ContentkitError) as e:
        parse_file(str(p))
    assert "front matter" in str(e.value) and e.value.line == 3
