"""The live format: timing arithmetic, content traced to the story, escaping, schema, a browser."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from contentkit.analysis import analyze
from contentkit.formats.live import LiveOptions, plan_show
from contentkit.parser import parse_file

from .conftest import EN, ZH, build_format, read_manifest

SEGMENT_KEYS = {"index", "kind", "title", "start_s", "duration_s", "clock", "points", "story", "transition",
                "prompts", "qa", "section", "source"}
TOP_KEYS = {"schema", "title", "language", "host", "minutes", "start", "total_s", "segments", "cues", "dropped"}


def build(cli, story, out, *opts):
    build_format(cli, "live", story, out, *opts)
    return json.loads((out / "live/run-of-show.json").read_text("utf-8"))


@pytest.mark.parametrize("minutes", [15, 30, 60, 90])
@pytest.mark.parametrize("sample", [ZH, EN])
def test_timing_arithmetic(sample, minutes):
    story = analyze(parse_file(str(sample)))
    warnings: list[str] = []
    o = LiveOptions(minutes=minutes, recap_every=7, offer_every=12, start="19:30")
    segs, cues, dropped = plan_show(story, o, warnings)
    assert sum(s.seconds for s in segs) == minutes * 60
    t = 0
    for s in segs:
        assert s.start_s == t and s.seconds > 0
        t += s.seconds
    kinds = [s.kind for s in segs]
    assert kinds[0] == "opening" and kinds[1] == "warmup" and kinds[-2:] == ["qa", "closing"]
    assert kinds.count("product") >= 1  # the samples name a product
    content = [s for s in segs if s.kind == "content"]
    for s in content:
        assert 3 <= len(s.points) <= 5 and s.transition
    # recaps every 7 minutes, offers every 12, at exactly those times
    recaps = [c["at_s"] for c in cues if c["kind"] == "recap"]
    offers = [c["at_s"] for c in cues if c["kind"] == "offer"]
    assert recaps == list(range(7 * 60, minutes * 60 - 60, 7 * 60))
    assert offers == list(range(12 * 60, minutes * 60 - 60, 12 * 60))
    for c in cues:
        seg = segs[c["segment"]]
        assert seg.start_s <= c["at_s"] < seg.start_s + seg.seconds
    if minutes == 15:
        assert dropped and any("left out" in w for w in warnings)
    if minutes >= 60:
        assert not dropped


def test_content_traces_back_to_the_story(cli, tmp_path):
    story = analyze(parse_file(str(ZH)))
    data = build(cli, ZH, tmp_path / "o", "live.minutes=60")
    assert set(data) == TOP_KEYS and data["schema"] == "contentkit.live/1"
    source_text = ZH.read_text("utf-8")
    for seg in data["segments"]:
        assert set(seg) == SEGMENT_KEYS
        if seg["kind"] == "content":
            sec = story.sections[seg["section"]]
            assert seg["title"] == sec.heading
            sents = set(story.a.sentences[seg["section"]])
            for p in seg["points"]:
                assert p in sents or all(part in source_text for part in p.split("、")), p
        for qa in seg["qa"]:
            assert qa["a"] and qa["source"]
    assert data["segments"][0]["points"][0] == story.a.hook
    assert "林小酿" in data["segments"][0]["points"][1]
    prod = [s for s in data["segments"] if s["kind"] == "product"]
    assert prod and any("¥298" in p for p in prod[0]["points"])
    clocks = [s["clock"] for s in data["segments"]]
    assert clocks[0] == "20:00:00" and clocks == sorted(clocks)


def test_offer_price_only_when_given(cli, tmp_path, story_file):
    path = story_file("---\ntitle: 试饮\nproduct: 一款新酒\n---\n\n## 一\n\n第一句。第二句。第三句。\n\n## 二\n\n另一句。再一句。最后一句。\n")
    data = build(cli, path, tmp_path / "o", "live.minutes=30")
    prod = [s for s in data["segments"] if s["kind"] == "product"]
    assert prod and not any("价格" in p for p in prod[0]["points"])
    assert not [c for c in data["cues"] if c["kind"] == "offer"]  # nothing to re-state


def test_giveaways_and_no_recaps(cli, tmp_path):
    data = build(cli, EN, tmp_path / "o", "live.giveaways=true", "live.recap_every=0")
    assert not [c for c in data["cues"] if c["kind"] == "recap"]
    prompts = [p for s in data["segments"] for p in s["prompts"]]
    assert any("Giveaway" in p for p in prompts)


def test_story_without_sections(cli, tmp_path, story_file):
    path = story_file("Wine is old. It began in Georgia eight thousand years ago. Romans spread it. Monks refined it.\n")
    data = build(cli, path, tmp_path / "o", "live.minutes=15")
    assert sum(s["duration_s"] for s in data["segments"]) == 900
    assert [s for s in data["segments"] if s["kind"] == "content"]


def test_escaping_and_outputs(cli, tmp_path, story_file):
    path = story_file("---\ntitle: \"<script>alert('x')</script></script><img src=x onerror=alert(1)>\"\n---\n\n"
                      "## <b>Part</b> & more\n\nA sentence with <i>tags</i>. Another one here. And a third.\n")
    out = tmp_path / "o"
    build(cli, path, out)
    page = (out / "live/teleprompter.html").read_text("utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page
    payload = page.split('id="plan">', 1)[1].split("</script>", 1)[0]
    assert "<" not in payload and json.loads(payload)[0]["title"]
    assert "http" not in page.replace("http-equiv", "")  # no external assets
    m = read_manifest(out)
    paths = {a["path"] for a in m["artifacts"]}
    assert {"live/run-of-show.json", "live/run-of-show.md", "live/teleprompter.html", "live/cue-cards.pdf"} <= paths
    pdf = (out / "live/cue-cards.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    # lossless (img2pdf): every page is the PNG data, none re-encoded as JPEG
    import re

    n_pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert n_pages == len([p for p in paths if p.startswith("live/cue-cards/")])
    assert pdf.count(b"/DCTDecode") == 0 and pdf.count(b"/FlateDecode") >= n_pages
    # each page, decoded by pikepdf, is its cue card's pixels
    import pikepdf
    from PIL import Image, ImageChops

    with pikepdf.open(out / "live/cue-cards.pdf") as doc:
        for i, page in enumerate(doc.pages, start=1):
            (raw,) = page.get_images().values()
            shown = pikepdf.PdfImage(raw).as_pil_image().convert("RGB")
            with Image.open(out / f"live/cue-cards/{i:02d}.png") as card:
                assert ImageChops.difference(shown, card.convert("RGB")).getbbox() is None, i


def test_live_is_deterministic(cli, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    build(cli, ZH, a)
    build(cli, ZH, b)
    assert read_manifest(a) == read_manifest(b)


def test_bad_option_values(cli, tmp_path):
    r = cli("build", ZH, "-f", "live", "-o", tmp_path / "o", "-O", "live.minutes=20")
    assert r.exit_code == 1 and "live.minutes" in r.stderr
    r = cli("build", ZH, "-f", "live", "-o", tmp_path / "o", "-O", "live.start=25:99")
    assert r.exit_code == 1 and "clock time" in r.stderr
    r = cli("build", ZH, "-f", "live", "-o", tmp_path / "o", "-O", "live.minute=30")
    assert r.exit_code == 2 and "did you mean 'minutes'" in r.stderr


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")
def test_teleprompter_in_a_real_browser(cli, tmp_path, story_file):
    path = story_file("---\ntitle: \"Wine <img src=x onerror=\\\"document.title='pwned'\\\">\"\n---\n\n"
                      "## One\n\nFirst point. Second point. Third point.\n\n## Two\n\nMore here. And more. Even more.\n")
    out = tmp_path / "o"
    build(cli, path, out)
    page = out / "live/teleprompter.html"
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,800"]
    shot = tmp_path / "tele.png"
    subprocess.run(flags + [f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120)
    assert shot.is_file() and shot.stat().st_size > 10_000
    dom = subprocess.run(flags + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    title = dom.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title != "pwned" and "&lt;img" in title  # shown as text, the handler never ran
    assert 'class="active"' in dom  # the script ran and marked the current segment
    from PIL import Image

    with Image.open(shot) as im:
        assert im.size == (1280, 800)
        assert im.convert("L").getextrema()[1] > 200  # bright text on the dark page


def _system_cjk_font() -> bool:
    fc = shutil.which("fc-list")
    if not fc:
        return False
    r = subprocess.run([fc, ":lang=zh"], capture_output=True, text=True)
    return bool(r.stdout.strip())


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")
@pytest.mark.skipif(_system_cjk_font(), reason="a system CJK font would hide missing glyphs")
def test_chinese_teleprompter_shows_glyphs_not_boxes_in_a_real_browser(cli, tmp_path):
    """On a machine with no CJK font, the page's embedded subset is what draws the Chinese: the
    same page without it shows boxes (tofu), so the two screenshots must differ a lot."""
    import re

    from PIL import Image, ImageChops, ImageStat

    out = tmp_path / "o"
    build(cli, ZH, out)
    page = out / "live/teleprompter.html"
    bare = tmp_path / "bare.html"
    bare.write_text(re.sub(r"@font-face\{[^}]*\}", "", page.read_text("utf-8")), "utf-8")
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,800", "--hide-scrollbars"]
    shots = []
    for name, src in (("font", page), ("bare", bare)):
        shot = tmp_path / f"{name}.png"
        subprocess.run(flags + [f"--screenshot={shot}", src.as_uri()], capture_output=True, timeout=120)
        assert shot.is_file()
        shots.append(Image.open(shot).convert("L"))
    diff = ImageStat.Stat(ImageChops.difference(shots[0], shots[1])).mean[0]
    assert diff > 5.0, diff  # glyphs where the bare page draws identical boxes


@pytest.mark.parametrize("sample", [ZH, EN])
def test_a_segment_never_says_a_point_twice(cli, tmp_path, sample):
    """The segment's story or example is not one of its talking points (the cue card of the
    English sample's first section listed the same sentence twice)."""
    data = build(cli, sample, tmp_path / "o", "live.minutes=60")
    for seg in data["segments"]:
        assert len(seg["points"]) == len(set(seg["points"])), seg["title"]
        assert not seg["story"] or seg["story"] not in seg["points"], seg["title"]


def test_a_segment_does_not_read_out_the_hook_again(tmp_path):
    """The hook opens the show; a section that holds the hook's sentence talks about the rest."""
    from contentkit.analysis import analyze
    from contentkit.formats.live import content_segments
    from contentkit.parser import parse_text

    story = analyze(parse_text(
        "---\ntitle: Tea\n---\n\n"
        "## Origin\n\nThere are few things as simple yet as complicated as tea, a leaf in hot water.\n\n"
        "Buddhist monks carried the seeds of the tea bush from China to Japan and Korea.\n\n"
        "Monks in Japan planted tea seeds on their monastery grounds for centuries.\n\n"
        "## Trade\n\nThe East India Company shipped tea from Canton to London every year.\n\n"
        "Tea taxes in Boston led to the famous Boston Tea Party of 1773.\n", base_dir=tmp_path))
    hook = story.a.hook.strip()
    assert hook in story.sections[0].plain  # the hook is a sentence of a segment's section
    for seg in content_segments(story):
        assert all(p.strip() not in hook for p in seg.points)
        assert not seg.story or seg.story.strip() not in hook


def test_the_host_says_the_title_without_its_bracketed_aside(cli, tmp_path, story_file):
    src = ("---\ntitle: 自动挡半坡起步方法（手刹、左脚刹车、右脚刹车、上坡辅助、自动驻车、电子手刹）\n---\n\n"
           "## 手刹法\n\n右脚踩刹车，拉起手刹，然后松开刹车，确保车不后溜。\n\n## 左脚刹车法\n\n左脚踩刹车，调到 L 挡，放下手刹。\n")
    out = tmp_path / "o"
    r = cli("build", story_file(src), "-f", "live", "-o", out, "-q", "-O", "live.cue_cards=false")
    assert r.exit_code == 0, r.output
    data = json.loads((out / "live/run-of-show.json").read_text("utf-8"))
    spoken = [p for s in data["segments"] for p in s["points"] + s["prompts"]] + [c["text"] for c in data["cues"]]
    said = [p for p in spoken if "自动挡半坡起步方法" in p]
    assert said and not any("左脚刹车、右脚刹车" in p for p in said)
