"""The cards format: real renders checked for size, boxes, kinsoku, fonts, and bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from contentkit.layout import NO_END, NO_START, covers, fit, pick_font, tokenize, wrap
from contentkit.platforms import get_platform

from .conftest import EN, ROOT, ZH, read_manifest

ALL = ("xiaohongshu", "instagram", "instagram-square", "story", "wechat-moments")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Both samples, every card platform, built once for the module (real PNGs)."""
    from typer.testing import CliRunner

    from contentkit.cli import app

    out = tmp_path_factory.mktemp("cards")
    res = {}
    for sample, theme in ((ZH, "wine"), (EN, "dark")):  # "wine": the old name of "paper", still read
        folder = out / sample.stem
        r = CliRunner().invoke(app, ["build", str(sample), "-f", "cards", "-o", str(folder), "-q",
                                     "-O", f"cards.theme={theme}"])
        assert r.exit_code == 0, r.output
        res[sample.stem] = folder
    return res


def card_sets(folder: Path):
    for p in ALL:
        yield p, json.loads((folder / "cards" / p / "cards.json").read_text("utf-8"))


def test_sizes_counts_and_kinds(built):
    for folder in built.values():
        m = read_manifest(folder)
        for pname, data in card_sets(folder):
            w, h = get_platform(pname).card_size
            limit = get_platform(pname).cards_max
            cards = data["cards"]
            assert 5 <= len(cards) <= limit
            assert cards[0]["kind"] == "cover" and cards[-1]["kind"] == "cta"
            kinds = {c["kind"] for c in cards}
            assert {"point", "quote", "image"} <= kinds
            for c in cards:
                with Image.open(folder / c["file"]) as im:
                    assert im.size == (w, h)
                page = next(t for t in c["texts"] if t["role"] == "page")
                assert page["lines"] == [f"{c['index']}/{len(cards)}"]
                art = next(a for a in m["artifacts"] if a["path"] == c["file"])
                assert (art["width"], art["height"], art["platform"]) == (w, h, pname)
            sheet = folder / "cards" / pname / "contact-sheet.png"
            with Image.open(sheet) as im:
                assert im.width == 3 * 360 + 4 * 24


def test_text_never_leaves_its_box_or_the_card(built):
    for folder in built.values():
        for pname, data in card_sets(folder):
            W, H = data["width"], data["height"]
            for c in data["cards"]:
                spans = []
                for t in c["texts"]:
                    x0, y0, x1, y1 = t["box"]
                    for (a, b, cc, d) in t["line_boxes"]:
                        assert 0 <= a and cc <= W and 0 <= b and d <= H, (c["file"], t)
                        assert x0 - 2 <= a and cc <= x1 + 2, (c["file"], t["role"], t["lines"])
                        assert y0 - 2 <= b and d <= y1 + 2, (c["file"], t["role"], t["lines"])
                    if t["role"] not in ("brand", "page", "mark"):
                        spans.append((t["line_boxes"][0][1], t["line_boxes"][-1][3], t["role"]))
                # main text blocks never overlap each other
                spans.sort()
                for (a0, a1, ra), (b0, b1, rb) in zip(spans, spans[1:]):
                    assert a1 <= b0 + 2, (c["file"], ra, rb)
                if c["image_box"]:
                    ix0, iy0, ix1, iy1 = c["image_box"]
                    assert 0 <= ix0 < ix1 <= W and 0 <= iy0 < iy1 <= H


def test_story_cards_keep_text_out_of_platform_ui(built):
    plat = get_platform("story")
    for folder in built.values():
        data = json.loads((folder / "cards/story/cards.json").read_text("utf-8"))
        H = data["height"]
        for c in data["cards"]:
            for t in c["texts"]:
                for box in t["line_boxes"]:
                    assert box[3] <= H * (1 - plat.safe_bottom) + 2


def test_text_is_really_drawn(built):
    folder = built["red-wine-history"]
    data = json.loads((folder / "cards/xiaohongshu/cards.json").read_text("utf-8"))
    cover = data["cards"][0]
    title = next(t for t in cover["texts"] if t["role"] == "title")
    with Image.open(folder / cover["file"]) as im:
        region = im.convert("L").crop(tuple(title["line_boxes"][0]))
        lo, hi = region.getextrema()
        assert hi - lo > 120  # dark ink on light paper
        outside = im.convert("L").crop((0, title["box"][3] + 300, 60, title["box"][3] + 360))
        lo2, hi2 = outside.getextrema()
        assert hi2 - lo2 < 40  # margins are empty


def test_kinsoku_and_word_breaks_on_produced_lines(built):
    en_words = set(re.findall(r"[A-Za-zÀ-ÿ'’\-]+", EN.read_text("utf-8")))
    for name, folder in built.items():
        for _, data in card_sets(folder):
            for c in data["cards"]:
                for t in c["texts"]:
                    if t["role"] == "mark":  # the decorative opening quote glyph
                        continue
                    for line in t["lines"]:
                        assert line and line[0] not in NO_START - {"—"}, (line, t["role"])
                        assert line[-1] not in NO_END, line
                        if name.endswith("en"):
                            for w in re.findall(r"(?<![#\w])[A-Za-zÀ-ÿ'’\-]+", line):
                                assert w in en_words or w.strip("-") in en_words, (w, line)


def test_chinese_breaks_between_words():
    font = pick_font("sans", "zh-Hans", "葡萄酒")
    from contentkit.layout import get_font

    lines = wrap(tokenize("挑选红酒是一门学问，1855年波尔多分级至今仍在影响全世界的酒价。"), get_font(font, 60), 420)
    joined = "|".join(lines)
    for word in ("挑选", "红酒", "学问", "1855", "波尔多", "分级", "全世界"):
        assert word in joined.replace("|", "") and not any(
            word[:k] and line.endswith(word[:k]) and nxt.startswith(word[k:])
            for line, nxt in zip(lines, lines[1:]) for k in range(1, len(word))), (word, lines)


def test_fit_shrinks_then_gives_up_instead_of_clipping():
    font = pick_font("sans", "zh-Hans", "葡萄酒")
    box = (0, 0, 600, 300)
    short = fit("短句。", font, box, max_size=80, min_size=20)
    long = fit("很长的文字，" * 40, font, box, max_size=80, min_size=20)
    assert short.size == 80
    assert long is not None and long.size < 40
    assert long.height <= 300
    assert fit("很长的文字，" * 400, font, box, max_size=80, min_size=30) is None


def test_pip_font_covers_both_samples():
    from contentkit.layout import _pip_font, strip_unsupported

    for role in ("sans", "serif"):
        ref = _pip_font(role)
        assert ref is not None and Path(ref.path).is_file()
        for sample in (ZH, EN):
            assert covers(ref, strip_unsupported(sample.read_text("utf-8"))) == []


def latin_only_font(tmp_path) -> Path:
    """A real font without CJK glyphs: Noto Sans SC subset to Latin with fontTools."""
    from fontTools import subset

    from contentkit.layout import _pip_font

    src = _pip_font("sans").path
    out = tmp_path / "latin.otf"
    opts = subset.Options()
    font = subset.load_font(src, opts)
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=[*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x2010, 0x2027)])
    sub.subset(font)
    subset.save_font(font, str(out), opts)
    return out


def test_font_without_cjk_falls_back_not_tofu(cli, tmp_path):
    font = latin_only_font(tmp_path)
    out = tmp_path / "o"
    r = cli("build", ZH, "-f", "cards", "-p", "xiaohongshu", "-o", out, "-q", "-O", f"cards.font={font}")
    assert r.exit_code == 0, r.output
    m = read_manifest(out)
    assert any("lacks" in w and "fallback" in w for w in m["warnings"])
    data = json.loads((out / "cards/xiaohongshu/cards.json").read_text("utf-8"))
    assert data["fonts"]["title"] != "latin.otf"
    # and an English story is drawn with the explicit Latin font
    out2 = tmp_path / "o2"
    r = cli("build", EN, "-f", "cards", "-p", "xiaohongshu", "-o", out2, "-q", "-O", f"cards.font={font}")
    assert r.exit_code == 0, r.output
    data = json.loads((out2 / "cards/xiaohongshu/cards.json").read_text("utf-8"))
    assert data["fonts"]["body"] == "latin.otf"


def test_emoji_and_symbols_are_removed_not_boxed(cli, tmp_path, story_file):
    path = story_file("---\ntitle: 🍷红酒入门 ✨\ncta: 关注我 👉\n---\n\n## 第一部分 🍇\n\n**葡萄酒是装在瓶子里的诗。** 🥂\n")
    out = tmp_path / "o"
    r = cli("build", path, "-f", "cards", "-p", "xiaohongshu", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    data = json.loads((out / "cards/xiaohongshu/cards.json").read_text("utf-8"))
    font = pick_font("sans", "zh-Hans", "红酒")
    for c in data["cards"]:
        for t in c["texts"]:
            for line in t["lines"]:
                assert not re.search("[\U0001F300-\U0001FAFF\u2728]", line), line
    title = next(t for t in data["cards"][0]["texts"] if t["role"] == "title")
    assert "".join(title["lines"]) == "红酒入门"
    assert covers(font, "红酒入门") == []


def test_the_emoji_precheck_sees_every_emoji_the_emoji_package_knows():
    """strip_unsupported imports the emoji package only for text holding a character that
    can begin or make up an emoji: each of the package's sequences must hold one."""
    import emoji

    from contentkit.layout import _MAY_HOLD_EMOJI, strip_unsupported

    missed = [e for e in emoji.EMOJI_DATA if not _MAY_HOLD_EMOJI.search(e)]
    assert missed == []
    assert strip_unsupported("红酒 © 2026 ®") == emoji.replace_emoji("红酒 © 2026 ®", replace="")
    assert strip_unsupported("Plain text, 纯文本。") == "Plain text, 纯文本。"


@pytest.mark.parametrize("body", [
    "Just one paragraph with no headings at all, about wine and its long history.",
    "只有一句话。",
    "\n\n".join(f"## 第{i}节\n\n" + f"第{i}节讲述葡萄酒历史上的一个片段，" * 25 + "完。" for i in range(40)),
    "## A\n\n" + " ".join(f"Sentence number {i} about Bordeaux and Burgundy wine." for i in range(400)),
])
def test_odd_stories_give_a_good_carousel(cli, tmp_path, story_file, body):
    path = story_file(f"---\ntitle: 故事\n---\n\n{body}\n")
    out = tmp_path / "o"
    r = cli("build", path, "-f", "cards", "-p", "xiaohongshu", "-p", "story", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    for p in ("xiaohongshu", "story"):
        data = json.loads((out / f"cards/{p}/cards.json").read_text("utf-8"))
        assert 2 <= len(data["cards"]) <= 9
        for c in data["cards"]:
            for t in c["texts"]:
                assert all(b[2] <= data["width"] and b[3] <= data["height"] for b in t["line_boxes"])


def test_very_long_title_and_long_sentence(cli, tmp_path, story_file):
    title = "葡萄酒" * 66 + "史"  # 199 characters
    sentence = "这是一个没有句号的非常长的句子，" * 60
    path = story_file(f"---\ntitle: {title}\n---\n\n## 一\n\n{sentence}\n")
    out = tmp_path / "o"
    r = cli("build", path, "-f", "cards", "-p", "xiaohongshu", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    data = json.loads((out / "cards/xiaohongshu/cards.json").read_text("utf-8"))
    cover = data["cards"][0]
    t = next(t for t in cover["texts"] if t["role"] == "title")
    assert "".join(t["lines"]).startswith("葡萄酒葡萄酒")
    assert all(b[3] <= data["height"] for b in t["line_boxes"])


def test_missing_and_corrupt_images(cli, tmp_path):
    (tmp_path / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\nthis is not really a png")
    story = tmp_path / "s.md"
    story.write_text("---\ntitle: 图片\n---\n\n## 一\n\n![坏图](bad.png)\n\n正文一句。\n\n## 二\n\n![没有](nope.png)\n\n第二句。\n",
                     "utf-8")
    out = tmp_path / "o"
    r = cli("build", story, "-f", "cards", "-p", "xiaohongshu", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    m = read_manifest(out)
    assert any("bad.png" in w and "cannot be read" in w for w in m["warnings"])
    assert any("nope.png" in w and "not found" in w for w in m["warnings"])
    kinds = [c["kind"] for c in json.loads((out / "cards/xiaohongshu/cards.json").read_text())["cards"]]
    assert "image" not in kinds


def test_font_path_that_does_not_exist(cli, tmp_path):
    out = tmp_path / "o"
    r = cli("build", ZH, "-f", "cards", "-o", out, "-O", "cards.font=/no/such/font.otf")
    assert r.exit_code == 1
    assert r.stderr.strip().splitlines()[-1] == "error: /no/such/font.otf: font: font file not found"
    assert not out.exists()


def test_theme_files_are_editable_data(cli, tmp_path):
    src = ROOT / "contentkit/themes/light.toml"
    mine = tmp_path / "mine.toml"
    mine.write_text(src.read_text("utf-8").replace('name = "light"', 'name = "mine"')
                    .replace('background = "#FFFFFF"', 'background = "#FFEEDD"'), "utf-8")
    out = tmp_path / "o"
    r = cli("build", ZH, "-f", "cards", "-p", "instagram", "-o", out, "-q", "-O", f"cards.theme={mine}")
    assert r.exit_code == 0, r.output
    data = json.loads((out / "cards/instagram/cards.json").read_text("utf-8"))
    assert data["theme"] == "mine"
    with Image.open(out / data["cards"][2]["file"]) as im:
        assert im.convert("RGB").getpixel((5, im.height // 2)) == (0xFF, 0xEE, 0xDD)
    bad = tmp_path / "bad.toml"
    bad.write_text(src.read_text("utf-8").replace("[style]", "[style]\nglow = 3"), "utf-8")
    r = cli("build", ZH, "-f", "cards", "-o", tmp_path / "o2", "-O", f"cards.theme={bad}")
    assert r.exit_code == 1
    assert "style.glow: unknown key" in r.stderr
    r = cli("build", ZH, "-f", "cards", "-o", tmp_path / "o3", "-O", "cards.theme=papr")
    assert r.exit_code == 2 and "did you mean 'paper'" in r.stderr


def test_themes_command_lists_three(cli):
    r = cli("themes", "--json")
    names = [t["name"] for t in json.loads(r.stdout)]
    assert {"paper", "light", "dark"} <= set(names) and "wine" not in names
    # the default was named after the sample's wine, and said so on every story's cards.json;
    # the old name still reads
    from contentkit.formats.cards import CardsOptions
    from contentkit.themes import load_theme

    assert CardsOptions().theme == "paper" and load_theme("wine") == load_theme("paper")


def test_brand_colour_is_the_accent_and_stays_legible():
    from contentkit.themes import contrast, load_theme

    for name in ("paper", "light", "dark"):
        t = load_theme(name).with_accent("#8E1B3A")
        assert contrast(t.colors.accent, t.colors.background) >= 3.0
        assert contrast(t.colors.on_accent, t.colors.accent) >= 4.5


def test_cards_are_deterministic(cli, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        assert cli("build", ZH, "-f", "cards", "-p", "xiaohongshu", "-o", out, "-q").exit_code == 0
    ma, mb = read_manifest(a), read_manifest(b)
    assert ma == mb
    assert len([x for x in ma["artifacts"] if x["path"].endswith(".png")]) >= 9
    assert (a / "index.html").read_bytes() == (b / "index.html").read_bytes()


def test_platforms_in_forked_processes_write_the_bytes_of_one_after_another(cli, tmp_path, monkeypatch):
    """With spare cores the platforms are laid out, drawn and encoded in forked processes
    (contentkit.proc.fork_map); the files and the manifest are those of one process."""
    from contentkit import proc

    calls = []
    real = proc.fork_map

    def spy(fn, items, processes, cost=None):
        calls.append((list(items), processes))
        return real(fn, items, processes, cost)

    monkeypatch.setattr(proc, "fork_map", spy)
    args = ("build", EN, "-f", "cards", "-p", "xiaohongshu", "-p", "story", "-p", "instagram",
            "-O", "cards.theme=light", "-q")
    monkeypatch.setenv("CONTENTKIT_OVERLAP", "0")
    assert cli(*args, "-o", tmp_path / "one").exit_code == 0
    assert calls == []
    monkeypatch.setenv("CONTENTKIT_OVERLAP", "1")
    monkeypatch.setattr(proc, "forks", lambda jobs: min(2, jobs))  # whatever threads pytest runs
    assert cli(*args, "-o", tmp_path / "forked").exit_code == 0
    assert calls == [(["xiaohongshu", "story", "instagram"], 2)]
    one, forked = read_manifest(tmp_path / "one"), read_manifest(tmp_path / "forked")
    assert one == forked
    for a in one["artifacts"]:
        assert (tmp_path / "one" / a["path"]).read_bytes() == (tmp_path / "forked" / a["path"]).read_bytes()


def test_an_error_in_a_forked_platform_is_the_builds_error(cli, tmp_path, monkeypatch):
    from contentkit import proc
    from contentkit.errors import ContentkitError
    from contentkit.formats import cards

    def fail(lay, theme, cover):
        raise ContentkitError("cannot draw this card", path="story.md")

    monkeypatch.setattr(proc, "forks", lambda jobs: min(2, jobs))
    monkeypatch.setattr(cards, "draw", fail)
    r = cli("build", EN, "-f", "cards", "-p", "xiaohongshu", "-p", "story", "-o", tmp_path / "o", "-q")
    assert r.exit_code != 0 and "cannot draw this card" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "o").exists()


def test_forks_only_with_spare_cores_and_no_thread_beside(monkeypatch):
    import sys
    import threading

    from contentkit import proc

    monkeypatch.setattr(proc, "CORES", 1)
    assert proc.forks(5) == 1
    monkeypatch.setattr(proc, "CORES", 2)
    assert proc.forks(1) == 1
    others = [t for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon]
    if sys.platform.startswith("linux") and not others:
        assert proc.forks(5) == 2
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert proc.forks(5) == 1  # a thread of ours beside (a video render): no fork
    finally:
        stop.set()
        t.join()


def test_an_independent_decoder_reads_every_card_as_pillow_does(built, cli, tmp_path):
    """The unfiltered PNGs contentkit writes itself (contentkit.canvas.unfiltered_png: full
    colour and palette) and the ones Pillow writes for photos decode the same in pypng."""
    import png

    flat = tmp_path / "flat"
    assert cli("build", EN, "-f", "cards", "-p", "instagram", "-O", "cards.theme=light", "-o", flat,
               "-q").exit_code == 0
    seen = set()
    for folder in [*built.values(), flat]:
        for f in sorted(folder.glob("cards/*/*.png")):
            w, h, rows, info = png.Reader(filename=str(f)).asRGB8()
            with Image.open(f) as im:
                assert (w, h) == im.size
                assert b"".join(bytes(r) for r in rows) == im.convert("RGB").tobytes(), f
                seen.add(im.mode)
    assert seen == {"RGB", "P"}


def test_gradients_are_smooth_and_flat_cards_stay_small(built, cli, tmp_path):
    """A gradient card is saved in full colour (no 5-7 visible bands); a flat one as a palette."""
    folder = built["red-wine-history"]
    with Image.open(folder / "cards/xiaohongshu/03-point.png") as im:
        rgb = im.convert("RGB")
        x = rgb.width - 24  # the right margin: background only
        col = [rgb.getpixel((x, y)) for y in range(rgb.height)]
    steps = [max(abs(a - b) for a, b in zip(col[y], col[y + 1])) for y in range(len(col) - 1)]
    assert max(steps) <= 2 and len(set(col)) > 20
    out = tmp_path / "flat"
    r = cli("build", ZH, "-o", out, "-f", "cards", "-p", "xiaohongshu", "-O", "cards.theme=light", "-q")
    assert r.exit_code == 0, r.output
    with Image.open(out / "cards/xiaohongshu/03-point.png") as im:
        assert im.mode == "P"



def _encode_twelve(out, enc) -> int:
    """Submit twelve drawn cards; the most of them alive at once."""
    import gc
    import weakref

    refs = []
    most = 0
    for i in range(12):
        img = Image.merge("RGB", [Image.effect_noise((1080, 1440), 40 + i)] * 3)  # slow to encode
        refs.append(weakref.ref(img))
        enc.submit(f"c/{i:02d}.png", img, True, sheet=True, format="cards")
        del img
        gc.collect()
        most = max(most, sum(r() is not None for r in refs))
    enc.submit_sheet("c/sheet.png", format="cards")
    enc.write_all()
    return most


def test_the_encoder_holds_few_drawn_cards_and_its_sheet_is_the_cards(tmp_path):
    """Drawn cards wait for their PNG encode in a bounded queue (a card is 4-6 MB until it is
    encoded), and the contact sheet, made from the thumbnails the encodes leave behind, shows
    exactly the cards written."""
    from PIL import ImageChops

    from contentkit.canvas import PngEncoder, thumbnail
    from contentkit.output import Output

    with Output(tmp_path) as out:
        enc = PngEncoder(out)
        assert _encode_twelve(out, enc) <= enc.limit < 12
    sheet = Image.open(tmp_path / "c/sheet.png").convert("RGB")
    assert sheet.size == (3 * 360 + 4 * 24, 4 * 480 + 5 * 24)
    for i in range(12):
        r, col = divmod(i, 3)
        with Image.open(tmp_path / f"c/{i:02d}.png") as card:
            thumb = thumbnail(card.convert("RGB"))
        x, y = 24 + col * (360 + 24), 24 + r * (480 + 24)
        assert ImageChops.difference(sheet.crop((x, y, x + 360, y + 480)), thumb).getbbox() is None
