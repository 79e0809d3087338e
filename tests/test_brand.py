"""The brand kit: one brand.toml changes every format; a wrong field is a one-line error."""

from __future__ import annotations


import pytest

from .conftest import ZH, read_manifest

FORMATS = ("article", "cards", "video", "live", "community", "plan")
OPTS = ("-O", "video.render=false", "-O", "video.voice=none", "-O", "community.date=2026-12-01",
        "-O", "plan.start=2026-12-07", "-O", "live.cue_cards=true")


def _kit(tmp_path, body: str):
    from PIL import Image

    Image.new("RGBA", (64, 64), (20, 120, 90, 255)).save(tmp_path / "logo.png")
    p = tmp_path / "brand.toml"
    p.write_text(body, "utf-8")
    return p


KIT = '''name = "山野咖啡"
handle = "@shanye"
logo = "logo.png"
sign_off = "山野咖啡，我们下期见"
phrases = ["慢一点，喝一杯好咖啡"]
[colors]
accent = "#14785a"
[handles]
douyin = "@shanye_dy"
'''


def _digests(folder, fmt):
    m = read_manifest(folder)
    return {a["path"]: a["sha256"] for a in m["artifacts"] if a["format"] == fmt}


def test_a_brand_kit_changes_every_format(cli, tmp_path):
    kit = _kit(tmp_path, KIT)
    plain, branded = tmp_path / "plain", tmp_path / "branded"
    for out, extra in ((plain, ()), (branded, ("--brand", kit))):
        args = ["build", ZH, "-o", out, "-q", *extra, *OPTS]
        for f in FORMATS:
            args += ["-f", f]
        r = cli(*args)
        assert r.exit_code == 0, r.output
    for fmt in FORMATS:
        a, b = _digests(plain, fmt), _digests(branded, fmt)
        assert a and a.keys() == b.keys()
        assert any(a[k] != b[k] for k in a), fmt  # the kit shows in every format
    # front matter wins field by field: the sample's own brand name and colour stay
    assert "小酿说酒" in (branded / "article/longform.md").read_text("utf-8")
    assert "山野咖啡，我们下期见" in (branded / "article/weibo.txt").read_text("utf-8")
    assert "@shanye_dy" in (branded / "plan/plan.csv").read_text("utf-8")


@pytest.mark.parametrize("body, fragment", [
    (KIT.replace('"#14785a"', '"reddish"'), "colors.accent: must be a colour"),
    (KIT.replace("sign_off", "signoff"), "did you mean 'sign_off'"),
    (KIT.replace('"logo.png"', '"missing.png"'), "logo: logo file not found"),
    (KIT + '[fonts]\nbody = "nope.otf"\n', "fonts.body: font file not found"),
    (KIT + '[fonts]\nbody = "logo.png"\n', "fonts.body: not a font file Pillow can read"),
    (KIT + '[fonts]\ntitel = "x.otf"\n', "did you mean 'title'"),
    ("name = [", "not valid TOML"),
])
def test_a_wrong_field_is_one_line(cli, tmp_path, body, fragment):
    kit = _kit(tmp_path, body)
    r = cli("build", ZH, "-f", "article", "-o", tmp_path / "o", "-q", "--brand", kit)
    err = r.stderr.strip()
    assert r.exit_code == 1 and len(err.splitlines()) == 1, err
    assert str(kit) in err and fragment in err, err
    assert not (tmp_path / "o").exists()


def test_front_matter_names_its_kit(cli, tmp_path):
    _kit(tmp_path, KIT)
    story = tmp_path / "s.md"
    story.write_text("---\ntitle: 咖啡的故事\nbrand: brand.toml\n---\n\n## 起源\n\n咖啡最早在埃塞俄比亚被发现。牧羊人注意到羊吃了果子很兴奋。\n", "utf-8")
    r = cli("build", story, "-f", "article", "-p", "weibo", "-o", tmp_path / "o", "-q")
    assert r.exit_code == 0, r.output
    text = (tmp_path / "o/article/weibo.txt").read_text("utf-8")
    assert "山野咖啡，我们下期见 · @shanye" in text


def test_the_kits_fonts_draw_the_cards_the_frames_and_the_cue_cards(cli, tmp_path):
    """[fonts] in the kit (paths next to it) is the typeface of everything drawn, unless a
    format's own font option names another."""
    import json
    import shutil

    from contentkit.layout import _pip_font

    serif = _pip_font("serif")
    if serif is None:
        pytest.skip("the bundled serif font is not installed")
    shutil.copy(serif.path, tmp_path / "brand-serif.otf")
    kit = _kit(tmp_path, KIT + '[fonts]\ntitle = "brand-serif.otf"\nbody = "brand-serif.otf"\n')
    out = tmp_path / "o"
    r = cli("build", ZH, "-f", "cards", "-f", "video", "-f", "live", "-p", "xiaohongshu", "-p", "douyin",
            "-O", "video.render=false", "-O", "live.cue_cards=true", "-o", out, "-q", "--brand", kit)
    assert r.exit_code == 0, r.output
    cards = json.loads((out / "cards/xiaohongshu/cards.json").read_text("utf-8"))
    assert "brand-serif" in cards["fonts"]["title"] and "brand-serif" in cards["fonts"]["body"], cards["fonts"]
    plain = tmp_path / "p"
    assert cli("build", ZH, "-f", "video", "-f", "live", "-O", "video.render=false", "-O", "live.cue_cards=true",
               "-o", plain, "-q").exit_code == 0
    for rel in ("video/poster.png", "live/cue-cards/01.png"):
        assert (out / rel).read_bytes() != (plain / rel).read_bytes(), rel
