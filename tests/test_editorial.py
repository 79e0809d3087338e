"""The editorial layer: clean, structure, self-contained units, language and voice.

Each rule is pinned on a small story written for the test; the social outputs are read back
with the independent checks of ``tools/editorial_audit.py``.
"""

from __future__ import annotations

import importlib.util
import json
import re

import pytest

from contentkit.editorial.units import opener_kind
from contentkit.layout import tokenize

from .conftest import ROOT, parse, read_manifest

_spec = importlib.util.spec_from_file_location("editorial_audit", ROOT / "tools" / "editorial_audit.py")
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)

SOCIAL = ("-O", "video.render=false", "-O", "live.cue_cards=false", "-O", 'cards.platforms=["xiaohongshu"]')


def xhs_cards(cli, path, out) -> list[dict]:
    """The Xiaohongshu carousel built from ``path``: cards.json's cards."""
    r = cli("build", path, "-o", out, "-q", "-f", "cards", "-O", 'cards.platforms=["xiaohongshu"]')
    assert r.exit_code == 0, r.output
    return json.loads((out / "cards" / "xiaohongshu" / "cards.json").read_text())["cards"]


def build_social(cli, path, out):
    r = cli("build", path, "-o", out, "-q", *SOCIAL)
    assert r.exit_code == 0, r.output
    return read_manifest(out), audit.shown_units(out)


ZH_HISTORY = """---
title: 一杯红酒里的八千年
---

## 起源

考古学家在格鲁吉亚发现了约八千年前的陶罐碎片，罐壁上残留着葡萄酒的化学痕迹。

## 罗马

罗马人把葡萄种到了整个欧洲，从莱茵河到多瑙河都有他们的葡萄园。

他们还总结出了修剪、嫁接和陈年的技巧，并用木桶取代笨重的陶罐来运输葡萄酒。

## 1855

1855年，巴黎世界博览会召开，波尔多的酒商按照成交价格给酒庄排出了五个等级。当年的一级庄只有四家：

- 拉菲
- 拉图
- 玛歌
- 侯伯王

这份名单至今仍在影响全世界的酒价。
"""


def test_dangling_opener_is_carried_or_never_shown_alone(cli, tmp_path, story_file):
    _, units = build_social(cli, story_file(ZH_HISTORY), tmp_path / "o")
    assert units
    for where, text in units:
        if where.endswith(("title", "prompt", "transition", "shot", "on_screen")):
            continue
        assert not audit.dangling(text), (where, text)
    shown = "\n".join(t for _, t in units)
    assert "他们还总结出了" in shown  # carried with its antecedent, not dropped
    for _, text in units:
        if "他们还总结出了" in text:
            assert "罗马人" in text


def test_english_openers_carried_and_connectives_rewritten():
    s = parse("# Tea\n\n## Boston\n\nThe colonists hated the tax on tea.\n\n"
              "They threw 342 chests into the harbour in 1773.\n\n## Later\n\n"
              "However, tea came back into fashion within a generation.\n")
    units = [u for sec in s.a.units for u in sec]
    assert any(u.text.startswith("The colonists") and "They threw" in u.text and u.note == "carried"
               for u in units)
    assert any(u.text == "Tea came back into fashion within a generation." and u.note == "rewritten" for u in units)
    assert opener_kind("They threw it", False) == "anaphor"
    assert opener_kind("There are few things", False) is None
    # "One such Chinese monk brought back the seeds…": such as the monks the sentence before named
    assert opener_kind("One such Chinese monk brought back the seeds.", False) == "anaphor"
    assert opener_kind("Many such cases exist.", False) == "anaphor"
    assert opener_kind("No such thing exists.", False) is None
    # a picture the post shows and a note or a voice cannot
    assert opener_kind("The chart below shows the cost per user.", False) == "anaphor"
    assert opener_kind("Below is a screenshot of the dashboard.", False) == "anaphor"
    assert opener_kind("下圖為使用者與老闆得到的優勢圖。", True) == "anaphor"
    assert opener_kind("Charts help readers compare.", False) is None
    assert opener_kind("他乡遇故吃", True) is None and opener_kind("这是目前最早的证据。", True) == "anaphor"


def test_a_dangling_first_sentence_is_never_the_hook_or_a_key_point():
    s = parse("# 标题\n\n## 一\n\n这是目前已知最早的证据，距今八千年。\n\n格鲁吉亚的陶罐里有葡萄酒的痕迹，距今约八千年。\n")
    assert not s.a.hook.startswith("这")
    assert all(not kp.text.startswith("这") for kp in s.a.key_points)
    first = s.a.units[0][0]
    assert first.standalone is False


def test_a_first_sentence_pointing_at_the_title_names_its_subject(cli, tmp_path, story_file):
    """"这款笔记本电脑…" under a title that names the laptop reads on a card or as a hook only
    with the laptop named; under a title that does not name it, it is not shown alone."""
    zh = ("# 星辰 16 是目前最好的 Linux 笔记本电脑\n\n> 这款笔记本电脑拥有 RTX 4090 显卡，可谓惊人！\n\n"
          "## 概览\n\n它有一块 240Hz 的屏幕，重量只有两公斤。\n\n电池是 99Wh，是飞机上允许的最大容量。\n")
    s = parse(zh)
    assert s.a.units[0][0].text == "星辰 16 笔记本电脑拥有 RTX 4090 显卡，可谓惊人！"
    assert s.a.units[0][0].standalone
    en = parse("# Stellaris 16 is the ultimate Linux laptop\n\nThis laptop has an RTX 4090.\n\n"
               "## Screen\n\nThe screen runs at 240 Hz.\n")
    assert en.a.units[0][0].text == "Stellaris 16 has an RTX 4090."
    unnamed = parse("# 台南之旅\n\n这家店的牛肉汤很好喝，凌晨四点就开门。\n\n## 晚上\n\n晚上我们去了夜市，吃了鳝鱼意面。\n")
    assert unnamed.a.units[0][0].standalone is False
    assert not unnamed.a.hook.startswith("这家")
    _, units = build_social(cli, story_file(zh), tmp_path / "o")
    for where, text in units:
        if not where.endswith(("title", "prompt", "transition", "shot", "on_screen")):
            assert not audit.dangling(text), (where, text)
    assert any("星辰16笔记本电脑拥有" in t.replace(" ", "") for w, t in units if w.endswith("quote"))


def test_traditional_connectives_glued_to_their_clause_lean_back():
    assert opener_kind("不過就是有些美中不足的問題：", True) == "anaphor"
    assert opener_kind("於是我們就出發了。", True) == "anaphor"
    s = parse("# 住宿\n\n## 188\n\n一晚 500 而已，夠便宜。\n\n不過就是有些美中不足的問題：\n\n"
              "- 客廳電視壞掉的\n- 不提供毛巾和牙刷\n")
    shown = [u.text for sec in s.a.units for u in sec if u.standalone]
    assert not any(t.startswith("不過") for t in shown)
    assert any("一晚 500" in t and "毛巾" in t for t in shown)


def test_a_story_of_few_long_sections_still_fills_a_carousel(cli, tmp_path, story_file):
    body = " ".join(f"Fact {i}: the dial, the ring and the button each took {i + 2} prototypes to get right."
                    for i in range(7))
    src = ("# The dial\n\n## Design\n\n" + body + "\n\n## Price\n\n" + body.replace("Fact", "Note") + "\n")
    out = tmp_path / "o"
    r = cli("build", story_file(src), "-o", out, "-q", "-f", "cards", "-O", 'cards.platforms=["xiaohongshu"]')
    assert r.exit_code == 0, r.output
    cards = __import__("json").loads((out / "cards" / "xiaohongshu" / "cards.json").read_text())["cards"]
    bodies = [" ".join(" ".join(t["lines"]) for t in c["texts"] if t["role"] in ("body", "quote")) for c in cards]
    assert len(cards) >= 6, bodies
    content = [b for c, b in zip(cards, bodies) if c["kind"] not in ("cover", "cta")]
    assert len(set(content)) == len(content)  # no point twice
    cover = " ".join(" ".join(t["lines"]) for t in cards[0]["texts"] if t["role"] == "subtitle")
    assert cover and cover not in content, (cover, content)  # nor the cover's line again


def test_announced_list_travels_with_all_its_items(cli, tmp_path, story_file):
    _, units = build_social(cli, story_file(ZH_HISTORY), tmp_path / "o")
    for where, text in units:
        if "一级庄只有四家" in text:
            flat = text.replace("\n", "")
            assert all(x in flat for x in ("拉菲", "拉图", "玛歌", "侯伯王")), (where, text)
    s = parse(ZH_HISTORY)
    assert any(u.text == "1855年，巴黎世界博览会召开，波尔多的酒商按照成交价格给酒庄排出了五个等级。" or
               "当年的一级庄只有四家：拉菲、拉图、玛歌、侯伯王。" in u.text for sec in s.a.units for u in sec)
    en = parse("# Wine\n\n## Try\n\nNext time you taste something, try three things:\n\n"
               "- look at the colour\n- smell it twice\n- hold it before you swallow\n")
    texts = [u.text for sec in en.a.units for u in sec]
    assert "Next time you taste something, try three things: look at the colour, smell it twice, " \
           "hold it before you swallow." in texts


def test_table_becomes_facts_and_announcement_keeps_the_names():
    s = parse("# 手冲\n\n## 器械\n\n手冲咖啡有以下器械：\n\n| 器械 | 用途 |\n|---|---|\n| 滤杯 | 放滤纸 |\n"
              "| 手冲壶 | 控制水流 |\n| 电子秤 | 称豆和水 |\n")
    texts = [u.text for u in s.a.units[0]]
    assert "手冲咖啡有以下器械：滤杯、手冲壶、电子秤。" in texts
    assert "手冲壶——用途：控制水流。" in texts


BOILER = """---
title: 周末的早市
---

[TOC]

早市六点开门，卖菜的阿姨总是第一个到，她的摊位上有刚摘的豆角和带露水的青菜。

我们买了一斤豆角，阿姨多送了一把葱，说这是老顾客的待遇。

欢迎关注我的公众号，每周更新城市生活故事。

下一集《夜市的烟火》

[上一篇](/a) · [下一篇](/b)

本文由 某某 原创编译，某某网 荣誉推出

<!-- 草稿：不要发布的一段 -->

（完）
"""


def test_boilerplate_never_reaches_a_social_format(cli, tmp_path, story_file):
    m, units = build_social(cli, story_file(BOILER), tmp_path / "o")
    # the plan's own cross-links name the platform ("完整版在公众号"): not the story's boilerplate
    shown = "\n".join(t for w, t in units if " links" not in w)
    for junk in ("TOC", "公众号", "下一集", "上一篇", "原创编译", "草稿", "（完）"):
        assert junk not in shown, junk
    assert "豆角" in shown
    reasons = {a["reason"] for a in m["editorial"]["set_aside"]}
    assert "boilerplate" in reasons
    assert all(a["line"] > 0 for a in m["editorial"]["set_aside"])
    longform = (tmp_path / "o/article/longform.md").read_text("utf-8")
    assert "公众号" not in longform and "豆角" in longform


def test_the_author_can_force_either_way():
    keep = parse("# T\n\n正文第一句写得很长，讲早市的豆角和青菜。\n\n::: keep\n欢迎关注我的公众号，我每周都写早市。\n:::\n\n"
                 "::: aside\n这一段作者不想发到社交平台。\n:::\n")
    texts = [u.text for sec in keep.a.units for u in sec]
    assert any("欢迎关注我的公众号，我每周都写早市。" in t for t in texts)
    assert not any("不想发到" in t for t in texts)
    off = parse("---\ntitle: T\neditorial: {clean: false}\n---\n\n正文。\n\n欢迎关注我的公众号。\n")
    assert any("公众号" in u.text for sec in off.a.units for u in sec)


TOPICS = [
    "茶园在山坡上，清晨采茶的人背着竹篓，把嫩芽一片片摘下来。茶叶采下后要摊晾、杀青、揉捻，再慢慢烘干。"
    "老师傅说，杀青的火候决定了茶叶的香气，火大了茶叶会焦，火小了茶叶会有青草味。好茶叶要用山泉水泡。",
    "自行车是这座城市最方便的交通工具。骑车上班不用担心堵车，车把上挂一个篮子就能装下菜和书包。"
    "每到周末，骑行爱好者会沿着江边的绿道骑到郊外，车轮、链条和刹车都要提前检查，头盔一定要戴好。",
    "梅雨季节一来，空气里全是水汽，衣服晾三天也不干。屋檐下的雨滴连成线，街上的行人都撑着伞。"
    "老人说梅雨天要开除湿机，被子要趁难得的晴天拿出去晒，墙角的霉斑要用白醋擦掉，不然会越长越多。",
    "早市六点开门，卖菜的摊主把豆角、青菜和番茄码得整整齐齐。早市上的豆腐是凌晨现做的，还冒着热气。"
    "买菜的人拎着布袋讨价还价，摊主多送一把葱，熟客之间聊几句家常，早市就是街坊的客厅。",
]


def headingless_story() -> str:
    paras = []
    for topic in TOPICS:
        sents = re.findall(r"[^。]+。", topic)
        for k in range(10):  # the topic's sentences in turn, so paragraphs differ but stay on topic
            paras.append("".join(sents[(k + j) % len(sents)] for j in range(len(sents))))
    return "---\ntitle: 城市四季\n---\n\n" + "\n\n".join(paras) + "\n"


def test_a_long_headingless_story_yields_sections_cards_beats_and_segments(cli, tmp_path, story_file):
    text = headingless_story()
    assert len(re.findall(r"[\u4e00-\u9fff]", text)) >= 3000
    s = parse(text)
    assert len(s.sections) >= 4
    assert all(sec.heading and sec.inferred for sec in s.sections)
    m, _ = build_social(cli, story_file(text), tmp_path / "o")
    out = tmp_path / "o"
    import json

    cards = json.loads((out / "cards/xiaohongshu/cards.json").read_text("utf-8"))["cards"]
    script_data = json.loads((out / "video/script.json").read_text("utf-8"))
    script = script_data["scenes"]
    live = json.loads((out / "live/run-of-show.json").read_text("utf-8"))["segments"]
    assert len(cards) >= 6
    beats = sum(1 for sc in script if sc["kind"] == "beat")
    assert beats >= 3 and beats + len(script_data["dropped_beats"]) >= 4  # the 45 s ceiling decides the rest
    assert sum(1 for sg in live if sg["kind"] == "content") >= 4
    # found headings steer social formats; the article keeps the author's own structure
    longform = (out / "article/longform.md").read_text("utf-8")
    assert not any(line.startswith("## ") for line in longform.splitlines())


def test_a_short_paragraph_story_still_gets_beats():
    s = parse("# 新品\n\n新款手冲壶用304不锈钢做成，壶嘴细长，水流稳定。握把做了防烫处理，单手就能控制。"
              "容量600毫升，一次能冲两杯。底部适配电磁炉和燃气灶。\n")
    from contentkit.formats.video import plan_script

    scenes, _, _ = plan_script(s, 45, 30, [])
    assert sum(1 for sc in scenes if sc.kind == "beat") >= 3


HANT = """---
title: 台南一日
---

早上八點從台北出發，搭高鐵到台南只要一個半小時。第一站是牛肉湯，店家凌晨就開始熬湯頭，肉片薄而不柴。

## 午餐

中午吃鱔魚意麵，麵條先炸過再炒，吸飽了醬汁，酸甜的味道很特別。這家店排隊的人很多，建議早點去。

## 點心

下午在巷子裡找到一家冰店，芒果冰上面淋了煉乳，冰很細，吃完整個人都涼快了。
"""


def test_zh_hant_is_detected_and_outputs_never_mix_in_simplified(cli, tmp_path, story_file):
    s = parse(HANT)
    assert s.a.language == "zh-Hant" and s.a.locale == "zh-TW"
    r = cli("build", story_file(HANT), "-o", tmp_path / "o", "-q", "-O", "video.render=false",
            "-O", "live.cue_cards=false", "-O", 'cards.platforms=["xiaohongshu"]')
    assert r.exit_code == 0, r.output
    import hanzidentifier

    out = tmp_path / "o"
    for rel in ("live/run-of-show.md", "video/script.md", "article/xiaohongshu.txt", "article/longform.md",
                "cards/xiaohongshu/cards.json", "live/teleprompter.html"):
        text = (out / rel).read_text("utf-8")
        extra = {ch for ch in text if "\u4e00" <= ch <= "\u9fff" and ch not in HANT}
        simplified = {ch for ch in extra if hanzidentifier.identify(ch) == hanzidentifier.SIMPLIFIED}
        assert not simplified, (rel, "".join(sorted(simplified)))
    assert "閱讀約" in (out / "article/longform.md").read_text("utf-8")


def test_hong_kong_variant_of_the_messages():
    from contentkit.messages import catalogue

    assert catalogue("zh-HK")["video.md.header"] != catalogue("zh-TW")["video.md.header"] or \
        catalogue("zh-HK")["reading"].startswith("閲")
    assert catalogue("zh-TW")["follow"] == "關注我，看更多故事"


COFFEE = """---
title: 手冲咖啡入门
---

## 研磨

咖啡豆磨得越细，萃取越快，味道越浓；磨得太粗，咖啡会发酸。

## 水温

水温在九十度左右最合适，太烫会带出苦味。

## 问答

为什么我的咖啡总是发苦？多半是磨得太细或者水太烫。
"""


@pytest.mark.parametrize("story, words", [
    (COFFEE, ("酒", "举杯", "品鉴", "葡萄")),
    ("# Bikes\n\n## Chains\n\nA clean chain shifts smoothly and lasts twice as long.\n\n"
     "## Tyres\n\nCheck the pressure every week; soft tyres waste your effort.\n",
     ("wine", "glass", "tasting", "cheers")),
])
def test_no_sample_domain_words_in_a_story_without_them(cli, tmp_path, story_file, story, words):
    _, units = build_social(cli, story_file(story), tmp_path / "o")
    shown = "\n".join(t for _, t in units).lower()
    for w in words:
        assert w not in shown, w


def test_hashtags_are_nouns_in_the_story_language():
    s = parse("---\ntitle: 手冲咖啡入门\ntags: [coffee, 咖啡]\n---\n\n" + COFFEE.split("---\n", 2)[2])
    assert s.a.hashtags
    for tag in s.a.hashtags:
        assert re.search(r"[\u4e00-\u9fff]", tag) or re.search(r"[A-Z0-9]", tag), tag
        assert tag not in audit.ZH_FUNCTION and not tag.isdigit()
    assert "Coffee" not in s.a.hashtags  # an English site tag is not a hashtag on a Chinese note
    # a blog's emoticon tag is a face, not a topic; a Cantonese "now" is no topic either
    s = parse("---\ntitle: 手冲咖啡入门\ntags: [TAT, QwQ, 咖啡]\n---\n\n" + COFFEE.split("---\n", 2)[2])
    assert not {"TAT", "QwQ"} & set(s.a.hashtags) and "宜家" not in s.a.hashtags


def test_line_breaks_never_split_a_word_or_start_with_a_particle():
    toks = tokenize("一杯红酒里的八千年")
    assert toks == ["一杯", "红酒里的", "八千年"]
    assert "阮一峰的" in tokenize("阮一峰的网络日志")
    from contentkit.subtitles import Rules, chunk_text

    for chunk in chunk_text("考古学家在今天的格鲁吉亚发现了距今约八千年的陶罐碎片，罐壁上残留着葡萄酒的化学痕迹。",
                            Rules.for_language("zh-Hans")):
        for line in chunk.split("\n"):
            assert line[:1] not in "的了着过吗呢吧们", chunk


def test_markup_debris_is_removed():
    s = parse("# T\n\n## 一\n\n右脚踩刹车，调到 L 挡[^d]。\\*\\* \\*\\*\n\n[^d]: 脚注内容。\n\n"
              "Pandoc 的行内脚注^[这是注释] 也不应出现。\n\nJekyll {% include note.html %}标签{:target=\"_blank\"}"
              "和 {{ site.baseurl }} 变量也不应出现。\n")
    text = "\n".join(u.text for sec in s.a.units for u in sec)
    assert "[^" not in text and "^[" not in text and "\\*" not in text and "脚注内容" not in text
    assert "{%" not in text and "{:" not in text and "{{" not in text and "变量也不应出现" in text


@pytest.mark.parametrize("text, aside", [
    ("点击上方蓝字关注我们", True), ("往期回顾", True), ("免责声明：本文仅供参考", True),
    ("本文首发于公众号某某", True), ("编辑：小王", True), ("图片来源：网络", True),
    ("Originally published on Medium.", True), ("Photo by John Doe on Unsplash", True),
    ("Tags: wine, history", True), ("如果你觉得有用，记得点赞和在看", True),
    ("The photo shows the vineyard in spring.", False), ("编辑器的选择很重要。", False),
    ("他们在图片里看到了什么？", False), ("Subscribers get the tasting notes first.", False),
    # ruanyf 300's sponsor paragraphs; a tool for designing QR codes is content
    ("大家点击这个链接，或者扫描上方海报的二维码，了解活动详情和免费报名。", True),
    ("详细的分论坛信息和大会安排，点击官网链接，或者扫描上面海报的二维码，购票也是这个链接。", True),
    ("一个 Web 工具，用来设计二维码，可以嵌入各种文字和图形。", False),
])
def test_boilerplate_patterns(text, aside):
    from contentkit.editorial.clean import _boilerplate

    assert bool(_boilerplate(text)) is aside


def test_a_link_that_names_something_is_content_a_bare_one_is_not():
    s = parse("# 上海\n\n## 第一天\n\n[🏞️ 武康路文化街](https://example.com/wukang)\n\n"
              "下午沿着武康路散步，梧桐树下的老洋房很好看。\n\n[阅读原文](https://example.com/a)\n\n"
              "[https://example.com/b](https://example.com/b)\n")
    texts = "\n".join(u.text for sec in s.a.units for u in sec)
    assert "武康路文化街" in texts
    assert "阅读原文" not in texts and "example.com/b" not in texts


def test_a_quoted_button_is_no_quote_card_and_the_hook_is_not_shown_twice(cli, tmp_path, story_file):
    src = ("# 星辰 16 笔记本\n\n## 价格\n\n星辰 16 现在可以预购，四月底开始交付，基本配置一千七百欧元。\n\n"
           "> **[预购](https://example.com/buy)**\n\n## 存储\n\n> 在两个 M.2 插槽都插满的情况下，最多可实现 4TB 的存储。\n\n"
           "它的键盘也很好用。\n")
    manifest, units = build_social(cli, story_file(src), tmp_path / "o")
    quotes = [t for w, t in units if w.startswith("card") and w.endswith("quote")]
    assert all(len(q.strip()) >= 8 for q in quotes), quotes  # "预购" is a button, not a quote
    cover = next(t for w, t in units if w == "card 1 subtitle")
    later = [t for w, t in units if w.startswith("card") and not w.startswith("card 1 ")]
    assert cover not in later  # the hook under the title is not a card of its own as well


def test_an_inferred_english_title_is_not_said_under_a_negation():
    """YAKE's strongest phrase of "a voice assistant that doesn't harvest our data and
    arbitrarily limit features" is "arbitrarily limit features": as a section title it says
    the opposite of the story. Phrases led by an adverb or under a negation are passed over."""
    import sys

    import contentkit.editorial  # noqa: F401  (the package binds ``structure`` to the function)

    S = sys.modules["contentkit.editorial.structure"]
    text = ("We all deserve a voice assistant that doesn't harvest our data and arbitrarily limit "
            "features. Open hardware makes private voice control possible for everyone. The open "
            "hardware ships with dual microphones and a rotary dial.")
    phrase = S._en_phrase(text, ["Other sections talk about pricing and the community."])
    assert phrase and "limit" not in phrase.lower() and "harvest" not in phrase.lower()
    assert not phrase.split()[0].lower().endswith("ly")


def test_sentences_that_answer_point_back_or_only_signpost_are_never_shown_alone():
    """Found in a laptop review (lctt-tuxedo-stellaris): "你觉得呢？" was a video beat of its own,
    "😮" a beat with nothing to say, "让我们来看看它。" and "内存也不例外。" beats too, and
    "搭配了英特尔的顶级处理器…" (who did?) a key point."""
    s = parse("# 星辰 16 笔记本\n\n## 性能\n\n星辰 16 笔记本拥有 RTX 4090 显卡和 i9 处理器，规格惊人！你觉得呢？\n\n"
              "让我们来看看它。\n\n搭配了英特尔的顶级处理器，它的速度非常快。\n\n"
              "在订购时，你必须为此支付额外费用。\n\n内存也不例外！ 😮\n\n"
              "昨晚他们在群里感慨了很久。\n\n嗯，是在各种可能的设置中自由选择。\n\n"
              "## 价格\n\n到了四月底，星辰 16 笔记本开始交付，基本配置一千七百欧元。\n\n是谁设计了这台笔记本？\n")
    units = [u for sec in s.a.units for u in sec]
    alone = [u.text for u in units if u.standalone]
    assert any(t.startswith("星辰 16 笔记本拥有") and t.endswith("你觉得呢？") for t in alone)  # carried
    for lean in ("你觉得呢", "让我们来看看它", "搭配了英特尔", "为此支付", "内存也不例外", "😮", "昨晚他们",
                 "是在各种可能"):
        assert not any(t.startswith((lean, "嗯")) for t in alone if lean in t), (lean, alone)
    assert not [u for u in units if u.standalone and not re.search(r"\w", u.text)]
    assert {u.note for u in units if u.text == "让我们来看看它。"} == {"signpost"}
    # not over-eager: a time frame before a verb, a question that names its subject
    assert opener_kind("到了四月底，星辰 16 笔记本开始交付", True) is None
    assert opener_kind("是谁设计了这台笔记本？", True) is None
    assert opener_kind("黄家的女主人是我见过的最痴的吃货", True) is None
    # English: an echo question leans back, a full question does not; a signpost is no point
    assert opener_kind("Why?", False) == "anaphor" and opener_kind("What do you think?", False) == "anaphor"
    assert opener_kind("Why do monks make wine?", False) is None
    en = parse("# Tea\n\n## Boston\n\nThe colonists threw 342 chests of tea into the harbour. Why? "
               "The tax.\n\nLet's take a closer look.\n\nThe tea came from China by clipper ship.\n")
    en_alone = [u.text for sec in en.a.units for u in sec if u.standalone]
    assert "Let's take a closer look." not in en_alone and not any(t.startswith("Why?") for t in en_alone)


def test_a_thread_never_repeats_its_hook_nor_opens_on_a_cut_list(cli, tmp_path, story_file):
    """The lede quote said what the hook said (its "这款" named from the title), and a summary
    post opened on "😮" and an announced list cut at the post's end."""
    items = "\n".join(f"- 第{i}项亮点是一块很长很长的说明文字，讲清楚这一项配置具体带来了什么样的好处和体验" for i in range(1, 9))
    src = ("---\ntitle: 星辰 16 笔记本评测\n---\n\n> 这款笔记本拥有 RTX 4090 显卡和 i9 处理器，规格惊人！\n\n"
           "星辰 16 笔记本是一家著名品牌的旗舰机型，专为游戏玩家和创作者设计。\n\n"
           f"## 概览\n\n😮\n\n星辰 16 的其它关键亮点如下：\n\n{items}\n\n"
           "## 价格\n\n星辰 16 现在可以预购，四月底开始交付，基本配置一千七百欧元。\n")
    out = tmp_path / "o"
    r = cli("build", story_file(src), "-o", out, "-q", "-f", "article")
    assert r.exit_code == 0, r.output
    thread = (out / "article/x-thread.txt").read_text("utf-8")
    assert thread.count("RTX 4090 显卡和 i9 处理器") == 1, thread
    for post in thread.split("\n---\n"):
        body = post.strip().split("\n\n")
        assert not any(b.startswith("😮") for b in body)
        if "关键亮点如下" in post:  # shown at all: shown whole
            assert all(f"第{i}项亮点" in post for i in range(1, 9))


def test_english_sentences_that_lean_back_past_their_first_word():
    """Found in the English corpus: "For example, one should not just laugh…" and "For many
    decades they continued to HATE tea" were video beats; "Actually, Andrew Gelman…" kept its
    "Actually"; "If you're already using other hardware, this will be a big upgrade" (this?)."""
    lean = ["For example, one should not just laugh at the hype.", "For many decades they continued to hate tea.",
            "If you're already using other hardware to run Assist, this will be a big upgrade.",
            "In other words, the tax stayed.", "In time they learned to love it.",
            "All this led to their Declaration of Independence in 1776.",
            "Another Tea Legend is about the story of Bodhidharma.", "The latter was cheaper."]
    for t in lean:
        assert opener_kind(t, False) == "anaphor", t
    whole = ["When the Romans came, they planted vines.", "Well-made wine lasts for decades.",
             "Clearly written labels help everyone.", "In 1855 the chateaux were ranked.",
             "Why do monks make wine?"]
    for t in whole:
        assert opener_kind(t, False) is None, t
    s = parse("# Tea\n\n## Blogs\n\nActually, Andrew Gelman wrote a post on blogs and Twitter.\n\n"
              "In fact, the monks drank tea to stay awake.\n\nMost importantly, the dial sets the volume.\n")
    texts = [u.text for sec in s.a.units for u in sec if u.standalone]
    assert "Andrew Gelman wrote a post on blogs and Twitter." in texts
    assert "The monks drank tea to stay awake." in texts and "The dial sets the volume." in texts


def test_a_section_point_says_something():
    """In a travel diary, "2.东泰祥" (a shop's name) was the food section's point over the quote
    that describes the food, and "（根据实际情况调整）", a remark in brackets, another's."""
    s = parse("# 上海之旅\n\n## 美食\n\n1.大壶春\n\n> 大壶春的“无汤生煎”是它的一大特色，面皮厚实松软，裹着少少的油水和饱满的馅料\n\n"
              "2.东泰祥\n\n## 第二天\n\n（根据实际情况调整）\n\n🏙️ 朵云书店，门票三十五元，可以看到上海全景。\n")
    points = {kp.section: kp.text for kp in s.a.key_points}
    assert points[0].startswith("大壶春的“无汤生煎”")
    assert "根据实际情况调整" not in points[1]
    assert [u.note for sec in s.a.units for u in sec if "根据实际情况" in u.text] == ["aside"]


def test_the_last_of_a_run_of_lead_lines_heads_its_own_part():
    s = parse("# 上海之旅\n\n## 美食\n\n**生煎**\n\n上海的生煎包底部金黄酥脆，是早餐的首选。\n\n1.大壶春\n\n"
              "> 大壶春的“无汤生煎”是它的一大特色，面皮厚实松软，裹着少少的油水和饱满的馅料\n\n2.东泰祥\n")
    heads = [sec.heading for sec in s.sections]
    assert "大壶春" in heads and "东泰祥" in heads  # the formats number their points themselves
    part = s.sections[heads.index("大壶春")]
    assert "东泰祥" not in part.plain


def test_a_quote_handed_over_by_name_is_theirs_and_no_name_met_once_is_a_title():
    """rbind-twitter-shaped-us: the quote card of Christoffer Flensburg's reply carried the
    part's inferred title "John Culkin" (from '..." --- John Culkin.') as if it were his."""
    from contentkit.story import Quote

    more = ("There were more replies in the thread that expressed the same feeling about short pieces. "
            "We write in short pieces now, no matter if it is a meal or a book chapter. ") * 12
    s = parse('---\ntitle: How Twitter Shaped Us\n---\n\n"We become what we behold. We shape our tools and then '
              'our tools shape us." --- John Culkin. I came across this quote earlier this year. Twitter has '
              'shaped us in terms of writing down thoughts and facts in short pieces. Short pieces are not bad. '
              'This morning Karl Broman said on Twitter, "The tweets are too damn long." And Christoffer '
              'Flensburg replied:\n\n> Somewhere between 140 and 280 is the point where I start skimming tweets.\n\n'
              + more + '\n\n## Linear regressions\n\nThere are a lot of popular tweets about linear regressions. '
              'Write a concrete article about linear regressions instead.\n')
    quotes = [b for sec in s.sections for b in sec.blocks if isinstance(b, Quote)]
    assert quotes and quotes[0].attribution == "Christoffer Flensburg"
    titles = [sec.heading for sec in s.sections if sec.inferred]
    assert titles and not any(n in t for t in titles for n in ("John Culkin", "Karl Broman", "Flensburg"))
    from contentkit.render_md import blocks_markdown

    assert "> — Christoffer Flensburg" in blocks_markdown(tuple(quotes))
    zh = Quote(paragraphs=quotes[0].paragraphs, attribution="王翰")
    assert "> —— 王翰" in blocks_markdown((zh,))


RECIPE = """---
title: 菜谱：煎荷包蛋
lastmod: 2024-08-03
---

## 材料与工具

- 冷藏的鸡蛋（1 个约 51g）
- 电磁炉
- 平底锅
- 花生油（不要使用菜籽油这种低闪点的油，热锅后倒下去可能会着火）
- 锅铲
- 筷子

## 第一次煎蛋的流程

1. 打蛋到碗里
2. 打开计时器记录热锅时间，电磁炉开到最高档位。用手沾一点点水甩入锅，如果水珠弹跳说明温度够了，记下热锅时间，重置计时器，等水珠蒸发。
3. 暂停电磁炉，倒油，摇晃锅使锅底都被油覆盖
4. 倒蛋，马上调到 500W，按下计时器
5. 等大概 1.5 分钟。等待期间可用锅铲轻推蛋的底部，若不能推动则等待15秒再推，重复此过程直至蛋可以推开。这段时间可以加白胡椒粉[^fen]调味。
6. 铲蛋，用筷子夹住边缘并慢慢地翻面
7. 大概煎40秒，试着用锅铲轻推，如果不行就等待后再推，能推开就可以铲起来吃了。

[^fen]: 胡椒研磨成粉后香味会散发，推荐用胡椒加研磨器

## 窍门

- 蛋下锅那瞬间温度要够高，之后根据你的喜好调节温度和煎的时间
- 粘锅时等待一段时间鸡蛋会放开锅底
- 多加油更容易成功，熟练后再根据自己的喜好调节油量
- 鸡蛋也可以用常温的
- 可以直接打蛋到锅中，但是蛋壳弄进去就没法拿出来了，如果你会铁砂掌也可以拿
- 不粘锅煎蛋更容易成功，但是不要干烧，要先加油再加热
- 测试温度的原理是莱顿弗罗斯特现象，水接触温度远超其沸点的铁锅时，水底部会产生有隔热作用的蒸汽
- 可以每次煎 2 个蛋，但是 3 个就太多了，很难翻面
"""


def test_a_recipe_of_lists_is_shown_list_by_list(cli, tmp_path, story_file):
    """From a real recipe (CyrusYip's 煎荷包蛋, a story of three lists and no prose): its first
    list item was the hook, a Xiaohongshu note ran items together ("锅铲筷子"), the thread
    showed 3 of 7 steps, and a footnote mark read "白胡椒粉^fen调味"."""
    s = parse(RECIPE)
    assert s.a.hook == s.title and s.hook_line == ""  # no item is a hook
    tools = [u for u in s.a.units[0]]
    assert len(tools) == 1 and tools[0].kind == "list" and tools[0].text.startswith("冷藏的鸡蛋（1 个约 51g）；电磁炉；")
    tips = [u for u in s.a.units[2]]
    assert all(u.item and u.text.endswith("。") for u in tips), tips
    assert s.a.run([tips[0].text, tips[1].text], 2) == [tips[0].text]
    out = tmp_path / "o"
    r = cli("build", story_file(RECIPE), "-o", out, "-q", *SOCIAL)
    assert r.exit_code == 0, r.output
    assert "lastmod" not in r.output  # a site generator's key is no typo of ours
    xhs = (out / "article/xiaohongshu.txt").read_text("utf-8")
    assert xhs.count("菜谱：煎荷包蛋") == 1 and "锅铲筷子" not in xhs
    assert "\n1. 打蛋到碗里\n2. 打开计时器" in xhs  # steps one to a line
    thread = (out / "article/x-thread.txt").read_text("utf-8")
    assert all(f"\n{i}. " in thread for i in range(1, 8)), thread
    assert thread.count("菜谱：煎荷包蛋") == 1
    units = audit.shown_units(out)
    shown = " ".join(t for _, t in units)
    assert "^fen" not in shown and "白胡椒粉调味" in shown
    for where, text in units:
        flat = text.replace("\n", "")
        # the tips one at a time, or the whole list
        assert sum(x in flat for x in ("粘锅时等待", "多加油更容易", "鸡蛋也可以用常温")) <= 1 or (
            "蛋下锅那瞬间" in flat and "很难翻面" in flat), (where, text)


def test_list_items_and_names_with_a_bang():
    from contentkit.text import join_sentences, split_sentences

    assert join_sentences(["锅铲", "筷子"]) == "锅铲。筷子"
    assert join_sentences(["Paper filters", "A kettle."]) == "Paper filters. A kettle."
    assert join_sentences(["try this:", "\n• one"]) == "try this: \n• one"
    assert split_sentences("Pop!_OS：目前体感最好的 Linux distro。好用！") == [
        "Pop!_OS：目前体感最好的 Linux distro。", "好用！"]
    assert split_sentences("I use Pop!_OS daily. Wow! Next.") == ["I use Pop!_OS daily.", "Wow!", "Next."]


def test_glued_additive_openers_and_connective_headings():
    """jabee0228's NAS notes: live points opened on "另外網頁版的功能…"; a card heading read
    "但缺點也許比優點多" on its own."""
    from contentkit.editorial.units import heading_alone

    assert opener_kind("另外網頁版的功能會稍微多一點，可以篩選鏡頭。", True) == "connective"
    # "another person", "another way": another than the one before, as English "another" is
    assert opener_kind("另外一個人來了。", True) == "anaphor"
    assert opener_kind("另外一個自然提升的方法是我看了哈佛大學的開放式課程。", True) == "anaphor"
    assert heading_alone("但缺點也許比優點多", True) == "缺點也許比優點多"
    assert heading_alone("這台車", True) == "這台車"
    assert heading_alone("But the price is high", False) == "The price is high"


def test_a_credit_link_in_brackets_is_dropped_and_an_adjective_is_no_hashtag():
    s = parse("# 周刊\n\n## 封面图\n\n深圳的坑梓文化科技中心加上了三级拱廊，很有层次感。（[via](https://example.com/x)）\n")
    assert s.a.units[-1][-1].text == "深圳的坑梓文化科技中心加上了三级拱廊，很有层次感。"
    en = parse("# On Disagreement\n\nThere is a good chance that we agree. A good chance, a good idea, "
               "a good time: good things. The disagreement is useful, and the disagreement helps.\n")
    assert "Good" not in en.a.hashtags


def test_an_announcement_of_a_list_post_shows_a_whole_list_and_no_space_after_a_cjk_stop():
    """jabee0228's app list: the group announcement read "Typora：…在插入圖片的部分持續更新中
    macOS：…": one item of a 15-item list, the dropped status note and the next list glued."""
    from contentkit.editorial.angles import angle
    from contentkit.text import join_sentences

    apps = "\n".join(f"- App{i}：第 {i} 個好用的工具，我每天都用它來整理筆記、管理視窗和同步檔案，非常方便"
                     for i in range(12))
    s = parse("---\ntitle: 我平常會使用的應用程式\n---\n\n持續更新中\n\n# 作業系統\n\n"
              "- macOS：世界上最好用的作業系統\n- Pop!_OS：目前體感最好的 Linux distro\n"
              f"- Bazzite：Based on Fedora 的 Steam OS\n\n# 軟體\n\n{apps}\n")
    lines = angle(s, "story").lines
    assert lines and "macOS" in lines[0] and "Bazzite" in lines[0], lines
    assert not any("App" in x for x in lines)  # no one item of the long list
    assert join_sentences(["什麼是 RAID1？", "Jabee 我的座右銘"]) == "什麼是 RAID1？Jabee 我的座右銘"
    assert join_sentences(["He said “yes.”", "Then left."]) == "He said “yes.” Then left."


def test_a_weekly_item_heading_loses_its_number_a_submitter_credit_and_an_example_lean_back():
    """ruanyf's weekly: "③ 1、雷击火箭" and "⑩ 1、ai-disk-cleaner" (numbers restart under each
    part), "（@vudsen 投稿）" in a beat, and a hook opening "举例来说，…"."""
    body = "\n\n".join(f"{i}、[工具{i}](https://example.com/{i})\n\n开源的工具{i}，用 AI 分析垃圾文件，"
                       f"可以一键清理磁盘。（[@user{i}](https://github.com/x/y/issues/{i}) 投稿）"
                       for i in (1, 2, 3))
    s = parse(f"# 周刊\n\n## 工具\n\n{body}\n")
    heads = [sec.heading for sec in s.sections]
    assert "工具1" in heads and not any(re.match(r"\d、", h) for h in heads), heads
    shown = [u.text for us in s.a.units for u in us]
    assert shown and not any("@user" in t or "投稿" in t for t in shown), shown
    assert opener_kind("举例来说，邮箱密码交给 AI 工具，你放心吗？", True) == "anaphor"
    assert opener_kind("比如說你去超市。", True) == "anaphor"


def test_a_quote_closing_a_line_and_a_triple_dash_attribution():
    """yihui's "On Emoji": "…read my mind. '" in a post (pysbd left the closing quote on its
    own), "— - Jef Mallett" from "--- Jef Mallett", and a part titled "Writing well means
    never having to say" (a clause cut from the words it introduces)."""
    from contentkit.editorial.structure import title_for
    from contentkit.text import split_sentences

    assert split_sentences("Using emojis means 'I guess you have to read my mind.'") == [
        "Using emojis means 'I guess you have to read my mind.'"]
    s = parse("# T\n\nThis reminds me of a quote:\n\n> Writing well means never.\n>\n> --- Jef Mallett, Frazz\n")
    assert [b.attribution for sec in s.sections for b in sec.blocks if b.kind == "quote"] == ["Jef Mallett, Frazz"]
    text = ("This reminds me of a quote. Writing well means never having to say, 'I guess you had to be "
            "there.' Emojis mean you have to read my mind. Emojis are fine sometimes.")
    assert "say" not in title_for(text, ["Mickey mouse on the table."], False)


def test_a_further_reading_section_is_set_aside():
    """cyrusyip's cold-brew tea guide: "③ 补充资料" in the Xiaohongshu note listed two link
    titles, and its hashtags took "#入口" from "農業知識入口網"."""
    s = parse("# 冷泡茶教程\n\n冷泡茶是用低温水泡的茶，苦味比热泡茶淡，有清凉感。\n\n## 流程\n\n"
              "将水壶放入冰箱冷藏室，泡 4~8 小时。\n\n## 补充资料\n\n"
              "- [夏天到了教你泡冷泡茶 - 農業知識入口網](https://example.com/a)\n"
              "- [不同茶類之最佳冷泡條件 - 農業知識入口網](https://example.com/b)\n")
    assert [sec.heading for sec in s.sections if sec.heading] == ["流程"]
    assert "入口" not in s.a.hashtags


def test_options_quoted_after_their_announcement_and_a_further_reading_paragraph():
    """ruanyf's weekly 398: a live point ended on "看到了三个选项：" (the options were a quote);
    cyrusyip's translation post: "延伸阅读：" over a list of links was a part of the story."""
    s = parse("# T\n\n## 实验\n\n行为经济学家丹·艾瑞里，有一天闲逛《经济学人》官网。\n\n他在订阅页面上，看到了三个选项：\n\n"
              "> A. 电子版——59美元。\n> B. 纸质版——125美元。\n> C. 纸质版＋电子版——125美元。\n\n"
              "结果出来了，大家都选了 C，这个设计非常巧妙。\n\n延伸阅读：\n\n- [变态中文](https://example.com/a)\n"
              "- [欧化中文](https://example.com/b)\n")
    units = [u for us in s.a.units for u in us]
    shown = [u.text for u in units if u.standalone]
    assert any("三个选项：A. 电子版" in t and "C. 纸质版＋电子版" in t for t in shown), shown
    assert not any(t.endswith("：") for t in shown)
    assert "变态中文" not in " ".join(u.text for u in units) and "延伸阅读" not in s.sections[-1].plain


def test_an_inline_note_across_emphasis_and_no_pronoun_hashtag():
    s = parse("# On Adjectives\n\nOnce a **blogdown**^[Perhaps **bookdown**? I don't remember.] user pointed "
              "out that I often use just. There are a few reasons:\n\n1. They may not be confident with their "
              "opinions.\n1. They may think you are wrong on Stack Overflow.\n\nI'm sure. I'm here.\n")
    text = " ".join(u.text for us in s.a.units for u in us)
    assert "^[" not in text and "Perhaps" not in text and "blogdown user" in text
    assert not {"They", "Im"} & set(s.a.hashtags), s.a.hashtags


def test_a_balanced_title_never_breaks_a_word_the_plain_wrap_kept():
    """cyrusyip's "缅怀我的长发" cover: balanced into "缅怀我 / 的长发", a line opening on 的."""
    from contentkit.layout import fit, pick_font, tokenize

    font = pick_font("serif", "zh-Hans", "缅怀我的长发")
    block = fit("缅怀我的长发", font, (0, 0, 912, 700), max_size=180, min_size=40, balance=True, bold=0.02)
    assert block is not None and all(not ln.lstrip("\x01").startswith("的") for ln in block.lines), block.lines
    assert tokenize("缅怀我的长发") == ["缅怀我的", "长发"]
    # and no last line of one character: the sample's quote card read "…/ 瓶子里的 / 诗。"
    q = fit("葡萄酒是装在瓶子里的诗。", font, (0, 0, 830, 1000), max_size=150, min_size=40, balance=True)
    assert q is not None and len(q.lines[-1].strip("\x01\x02").rstrip("。")) > 1, q.lines


def test_a_story_question_is_asked_alone_and_answered_in_its_own_part(cli, tmp_path, story_file):
    """cyrusyip's odour post: Q&A asked "那到底什么物质才有除臭作用呢？"; the weekly answered a
    question with "他一个人一个月130万美元…", from the next part."""
    import json

    from contentkit.formats.live import asked_alone

    assert asked_alone("那到底什么物质才有除臭作用呢？", True) == "到底什么物质才有除臭作用呢？"
    assert asked_alone("那些人是谁？", True) == ""
    assert asked_alone("So what does it mean?", False) == "What does it mean?"
    p = story_file("# 除臭\n\n## 原理\n\n网上有好几种说法：\n\n- 热水能融化硬油脂\n- 小苏打混白醋能产生气体\n\n"
                   "那到底什么物质才有除臭作用呢？热水的作用最大，能融化引起臭味的硬油脂。\n\n"
                   "## 费用\n\n公司要为每个程序员出多少钱？\n\n## 结论\n\n他一个人一个月就要花掉一百三十万美元。"
                   "这就是放开使用顶级模型的费用。\n")
    out = tmp_path / "out"
    r = cli("build", p, "-o", out, "-f", "live", "-O", "live.cue_cards=false", "-q")
    assert r.exit_code == 0, r.output
    qa = [q for s in json.loads((out / "live/run-of-show.json").read_text("utf-8"))["segments"] for q in s.get("qa", [])]
    story_qs = [q for q in qa if q["source"] == "story question"]
    assert any(q["q"].endswith("到底什么物质才有除臭作用呢？") and q["a"].startswith("热水的作用最大") for q in story_qs), qa
    assert not any(q["a"].startswith("他") for q in qa), qa


def test_as_said_before_is_dropped_and_such_as_leans_back():
    """jabee0228's channel post: Xiaohongshu paragraphs opened "如近期的 四國小城放浪記…"
    and "如前面我提到的，…", neither said before in a note."""
    from contentkit.editorial.units import drop_connective

    assert opener_kind("如前面我提到的，老宋的介紹旅遊的方式是我最喜歡的。", True) == "connective"
    assert drop_connective("如前面我提到的，老宋的介紹旅遊的方式是我最喜歡的。", True) == "老宋的介紹旅遊的方式是我最喜歡的。"
    assert opener_kind("如近期的四國小城放浪記全記錄，多半紀錄一般旅客不會到達的地點。", True) == "anaphor"
    assert opener_kind("如果你去日本，一定要去尾道。", True) is None


def test_an_essays_announced_list_of_labelled_items_and_its_titles():
    """karpathy's "Biohacking Lite": "4 batteries…:" over four long items led by bold labels was
    cut from its list by the tiling, whose part then showed "super short term battery. This
    would be…"; a part was titled "Carbon · dioxide" and one "Sun free energy"."""
    from contentkit.editorial.structure import _adjacent, _as_written
    from contentkit.editorial.units import drop_connective

    long = "This one is a long explanation that goes on about the chemistry of it for a good while. " * 3
    s = parse("# Batteries\n\nAs mentioned, we have roughly 4 batteries that can all be discharged into ATP:\n\n"
              + "\n".join(f"{i}. **{lab}**. {long}" for i, lab in enumerate(
                  ("super short term battery", "short term battery", "long term battery", "lean body mass"), 1)) + "\n")
    units = [u for us in s.a.units for u in us]
    lab = [u for u in units if u.note == "labels"]
    assert lab and lab[0].standalone and all(x in lab[0].text for x in ("super short term battery", "lean body mass"))
    assert lab[0].text.startswith("We have roughly 4 batteries")  # "As mentioned," dropped
    assert drop_connective("As mentioned, we have four.", False) == "We have four."
    assert _adjacent(["carbon", "dioxide"], "we breathe out carbon dioxide and water", False) == "carbon dioxide"
    assert _as_written("Sun free energy", "the process by which our Sun's free energy powers") == "Sun's free energy"
    assert _as_written("discussion on hacker", "see the discussion on Hacker News") == "discussion on Hacker News"


def test_a_command_announced_in_a_thread_goes_with_its_announcement():
    """simonw's Caddy note: an X post read "I started Caddy … using: Then I hit…"."""
    from contentkit.formats.article import _units

    s = parse("# Caddy\n\n## Running Caddy\n\nI started Caddy in the same directory using:\n\n    caddy run\n\n"
              "Then I hit the page in my browser.\n\nThe whole config was:\n\n```\n" + "line\n" * 12 + "```\n\nIt worked.\n")
    got = _units(s.sections[-1], False)
    assert any(u.endswith("using:\ncaddy run") for u in got), got
    assert not any("config was:" in u for u in got), got  # a listing too long for a post: neither it nor its lead


def test_an_enumerated_point_a_summary_post_and_an_english_title_over_chinese():
    """ruanyf's weekly 350: a live example "（1）它无所不在。"; yihui's post on closed issues: a
    summary post ended on "…the two conditions below:" without them; jabee0228's Computex draft
    ("2025 Computex review" over "今年很幸運…") was read as English."""
    from contentkit.formats.article import thread_posts

    assert opener_kind("（1）它无所不在。", True) == "anaphor"
    assert opener_kind("2024 was a good year.", False) is None
    long = " ".join(["I have no time or resources to resolve it in the foreseeable future."] * 6)
    chunks = [("Reasons", ["Issues get closed for a few reasons here.",
                           "The most common reason is the combination of the two conditions below:",
                           f"\n1. {long}", f"\n2. {long}"])]
    posts, _, _ = thread_posts(chunks, 270, "summary", False, [])
    assert posts and not any(p.rstrip().endswith(":") for p in posts), posts
    s = parse("---\ntitle: 2025 Computex review\n---\n\n# COMPUTEX 2025\n\n今年很幸運，和鵬友一起去了展覽。\n")
    assert s.a.language == "zh-Hant"


HUGO_NOTES = """---
title: Hugo 主題設定教學
---

## 1. 自動摘要設定

在設定檔中設定摘要長度，Hugo 會依這個長度截取文章開頭當作摘要，列表頁面因此比較整齊。

### 說明

- 當文章沒有手動設定摘要時，Hugo 會自動截取前 200 個字元
- 對於中文內容，200 個字元大約是 100-150 個中文字

## 2. 手動摘要設定

在文章中插入 `<!--more-->` 來精確控制摘要位置，這是最直接的做法。

> **重要說明**：我們將檔案複製到專案的目錄而不是直接修改主題檔案，這樣做的好處是：
> - 保持主題的 git submodule 乾淨
> - 未來更新主題時不會遺失客製化設定

> [!NOTE]
> 主題更新前先備份設定檔，升級失敗時才能快速回復原本的樣子。
"""


def test_a_quote_holding_a_list_is_shown_whole_and_never_as_a_cut_quote(cli, tmp_path, story_file):
    from contentkit.story import Callout, Quote

    s = parse(HUGO_NOTES)
    boxes = [b for sec in s.sections for b in sec.blocks if isinstance(b, Callout)]
    assert [b.role for b in boxes] == ["quote", "note"]
    assert not any(isinstance(b, Quote) for sec in s.sections for b in sec.blocks)
    note = boxes[1].text.plain
    assert "[!NOTE]" not in note and note.startswith("主題更新前")
    out = tmp_path / "o"
    _, units = build_social(cli, story_file(HUGO_NOTES), out)
    longform = (out / "article" / "longform.md").read_text("utf-8")
    assert "> - 保持主題的 git submodule 乾淨" in longform and "> - 未來更新主題時" in longform
    assert "<blockquote>" in (out / "article" / "longform.html").read_text("utf-8")
    for where, text in units:
        assert not text.rstrip().endswith("好處是："), (where, text)
        assert "[!NOTE]" not in text, (where, text)
    cards = json.loads((out / "cards" / "xiaohongshu" / "cards.json").read_text("utf-8"))
    assert not any(c["kind"] == "quote" and "好處是" in c.get("body", "") for c in cards["cards"])


def test_a_part_shown_alone_is_named_without_its_number_and_a_generic_heading_by_its_parent():
    s = parse(HUGO_NOTES)
    labels = [sec.label for sec in s.sections]
    assert labels == ["自動摘要設定", "自動摘要設定：說明", "手動摘要設定"]
    assert [sec.heading for sec in s.sections] == ["1. 自動摘要設定", "說明", "2. 手動摘要設定"]
    en = parse("# T\n\n## 2. Install the theme\n\nRun the installer and wait for it to finish before you go on.\n\n"
               "### Details\n\nThe installer needs a network connection and about two minutes of time.\n")
    assert [sec.label for sec in en.sections] == ["Install the theme", "Install the theme: details"]


def test_code_inside_a_chinese_sentence_is_not_a_sentence_end():
    from contentkit.text import split_sentences

    assert split_sentences("在文章中插入 <!--more--> 來精確控制摘要位置：") == ["在文章中插入 <!--more--> 來精確控制摘要位置："]
    assert split_sentences("太棒了!我們走吧?好的。") == ["太棒了!", "我們走吧?", "好的。"]


def test_a_dated_deed_with_its_doer_left_out_and_a_framed_pointer_lean_back():
    assert opener_kind("2025 年 1 月率先出口冷藏豬肉至新加坡，是第一批出口的生鮮豬肉。", True) == "anaphor"
    assert opener_kind("同年正式宣布破產。", True) == "anaphor"
    assert opener_kind("如果這 6 小時的營收無法覆蓋人事成本，凌晨班次就是淨虧損。", True) == "anaphor"
    assert opener_kind("1997 年 3 月，台灣爆發口蹄疫。", True) is None
    assert opener_kind("如果那麼做就好了。", True) is None
    assert opener_kind("在台灣很常見。", True) is None


TABLE_PART = """---
title: 乳品通路
---

## 保存期決定通路半徑

保存期是乳品的配送半徑上限，每多一天的保存期，可觸及的通路就擴大一圈。

| 保存期 | 問法 | 可觸及通路 |
|---|---|---|
| 7 天（LTLT） | 能送多遠？ | 區域超商、農會直銷 |
| 12 天（HTST） | 能送多遠？ | 超商、超市、量販 |
| 6-9 個月（UHT） | 能送多遠？ | 量販、進口通路 |

## 消費者偏好

**台灣的「濃純香」偏好**。台灣消費者長期習慣 UHT 鮮乳的口味，焦糖化風味被認知為「好喝」。

## 變數狀態追蹤

函式還沒開始做什麼，閱讀者已經被迫記住八個變數，工作記憶很快就滿了。改成這樣：

```python
def f(order): ...
```

數量少了，每個名稱也更清楚地說明了它代表什麼。

相關分析見跨國乳業比較、台灣乳業轉型。
"""


def test_a_table_row_is_a_point_only_where_its_part_has_no_sentence_and_never_a_hashtag():
    s = parse(TABLE_PART)
    kp = {p.section: p.text for p in s.a.key_points}
    assert kp[0].startswith("保存期是乳品的配送半徑上限")
    assert "問法" not in s.a.keywords and "#問法" not in s.a.hashtags


def test_a_bold_label_heads_its_sentence_and_an_announcement_of_code_stands_for_nothing():
    s = parse(TABLE_PART)
    assert s.a.sentences[1] == ("台灣的「濃純香」偏好：台灣消費者長期習慣 UHT 鮮乳的口味，焦糖化風味被認知為「好喝」。",)
    code_part = {u.text: u for u in s.a.units[2]}
    assert not code_part["改成這樣："].standalone
    assert s.a.run(list(s.a.sentences[2]), 3) == ["函式還沒開始做什麼，閱讀者已經被迫記住八個變數，工作記憶很快就滿了。"]
    assert not any("相關分析見" in t for sec in s.a.sentences for t in sec)


def test_a_story_of_one_leaning_sentence_still_builds_every_format(cli, tmp_path, story_file):
    # the only sentence points at the picture ("这条狗"), so no line can tell the story angle:
    # the community kit and the plan fell over on the missing angle
    text = ("---\ntitle: 相关关系不等于因果关系\n---\n\n我们都知道相关关系不能代表因果关系，这条狗虽然不懂这一点，"
            "但不懂有不懂的好处：反正主人一起身我就要去散步。\n\n![](https://example.com/dog.png)\n")
    out = tmp_path / "o"
    r = cli("build", story_file(text), "-o", out, "-q", *SOCIAL)
    assert r.exit_code == 0, r.output
    kit = json.loads((out / "community" / "kit.json").read_text("utf-8"))
    assert kit["angle"] == "story" and (out / "plan" / "plan.json").exists()


PHONE = """---
title: 一加 Ace 3 从 LineageOS 回到 ColorOS
---

用了三年 LineageOS，长期用下来问题不少，我最后决定装回原厂系统，下面记下整个过程。

## 下载工具

下载 Fastboot Firmware Flasher 和 ColorOS 15 的完整包，解压到一个新建的空目录里，路径里不要有中文。

## 锁定 bootloader

打开 Fastboot Firmware Flasher，连上手机以后先确认驱动正常，再进入 fastboot 模式锁定。

## 恢复备份

备份的内容：

- [x] 备份微信聊天记录到电脑
- [ ] 图片与文件

> 想看這個工具在各情境的用法，從 [工具／刷機](../) 的專題入口進入。
"""


def test_task_boxes_are_no_text_and_a_latin_name_is_one_hashtag(cli, tmp_path, story_file):
    s = parse(PHONE)
    items = [it for sec in s.sections for b in sec.blocks if hasattr(b, "items") for it in b.items]
    assert [(it.text.plain, it.checked) for it in items] == [("备份微信聊天记录到电脑", True), ("图片与文件", False)]
    assert "FastbootFirmwareFlasher" in s.a.hashtags and "Flasher" not in s.a.hashtags
    assert not any("入口進入" in t for sec in s.a.sentences for t in sec)
    out = tmp_path / "o"
    _, units = build_social(cli, story_file(PHONE), out)
    assert "- [x] 备份微信聊天记录到电脑\n- [ ] 图片与文件" in (out / "article" / "longform.md").read_text("utf-8")
    assert not any("[x]" in text or "[ ]" in text for _, text in units)


def test_note_bullets_never_start_again_and_long_titles_keep_their_words():
    from contentkit.formats.article import EMOJI_BULLETS, NUM_BULLETS, _bullet, _limit

    assert [_bullet(NUM_BULLETS, i) for i in (0, 11, 12, 19, 20)] == ["①", "⑫", "⑬", "⑳", "21."]
    assert _bullet(EMOJI_BULLETS, 15) == "📌"
    w: list[str] = []
    assert _limit("反模式：假設使用者只走 happy path", 20, len, "title", w) == "假設使用者只走 happy path"
    assert _limit("2026 上半年 Recap - 大學生涯最後的半年，也是最開心的半年", 20, len, "title", w) == "2026 上半年 Recap"
    assert _limit("一加 Ace 3 从 LineageOS 回到 ColorOS", 20, len, "title", w) == "一加 Ace 3…"


def test_a_count_announced_over_bold_labels_names_them_all(cli, tmp_path, story_file):
    text = ("---\ntitle: 超商加盟經濟學\n---\n\n## 成本分攤\n\n加盟體系的爭議核心在於母公司與加盟主對成本的看法不同。三個結構性爭議反覆出現。"
            "**配銷制度**：總部統一採購可壓低價格，但配貨量由總部決定。**鄰店競爭**：加盟店績效好時，總部可能在附近開直營店。"
            "**促銷攤提**：折價成本有時由加盟主分攤。\n\n## 淨利\n\n母公司的淨利率其實也很薄，毛利大多被物流與系統吃掉。\n")
    s = parse(text)
    assert "三個結構性爭議反覆出現：配銷制度、鄰店競爭、促銷攤提。" in s.a.sentences[0]
    out = tmp_path / "o"
    build_social(cli, story_file(text), out)
    thread = (out / "article" / "x-thread.txt").read_text("utf-8")
    assert "三個結構性爭議反覆出現：配銷制度、鄰店競爭、促銷攤提。" in thread
    # two labels where three are announced: nothing is named for it
    two = parse(text.replace("**促銷攤提**：", "另外，"))
    assert "三個結構性爭議反覆出現。" in two.a.sentences[0]


def test_a_negator_stays_with_its_word_and_captions_never_open_on_a_particle_or_inside_brackets():
    from contentkit.subtitles import Rules, chunk_text

    toks = tokenize("核心設計挑戰是：如何在不停機的前提下，從舊系統遷移")
    assert not any(t.endswith("不") for t in toks) and any(t.startswith("不停機") for t in toks)
    chunks = chunk_text("具體的產品名稱（如某個 SDK 的名字）讓文章變成只適用於特定情境，讀者換了工具就用不上了。",
                        Rules.for_language("zh-Hant"))
    assert chunks[0].endswith("）") and not any(c.startswith("的") for c in chunks)


def test_a_sentence_ending_on_a_pointer_leans_and_a_title_is_no_verb_fragment():
    from contentkit.editorial.structure import _en_phrase

    assert opener_kind("I found a pattern today for improving this.", False) == "anaphor"
    assert opener_kind("我决定好好改进这个。", True) == "anaphor"
    assert opener_kind("The data fits in memory, so we can sort it.", False) is None
    text = ("Django supports storing dates in a database as UTC but displaying them in some other timezone. "
            "By default datetimes are shown in the Django admin interface without any clue as to what "
            "timezone they are being displayed in. The Django admin interface can show it, though.")
    assert _en_phrase(text, []) not in ("Django supports storing", "supports storing dates")


SHAVE = """---
title: 我用的剃须装备和护肤品
---

本文列举了我目前使用的剃须装备和护肤品，供对剃须和护肤感兴趣的读者参考。我用的东西都不贵。

## 须前 / 清洁

洁面用旁氏米粹洁面乳，早上洗一次脸，晚上再洗一次，泡沫很细，洗完不紧绷。

## 剃须（皂 / 刷 / 支架 / 碗 / 刀 / 包 / 刀片）

剃须皂用的是 RazoRock 的柠檬味，剃须刷是猪毛刷，支架可以同时放剃须刷和剃须刀，我用的刀片是吉列。

## 须后 / 保湿

止血用明矾棒，须后水用吾诺爽肤水，保湿用大宝 SOD 蜜，冬天再加一支润唇膏。
"""


def test_a_long_heading_loses_its_aside_first_and_no_hashtag_is_a_pronoun_and_a_verb(cli, tmp_path, story_file):
    s = parse(SHAVE)
    assert not any(t.startswith(("我", "你")) and len(t) <= 3 for t in s.a.hashtags)
    out = tmp_path / "o"
    build_social(cli, story_file(SHAVE), out)
    note = (out / "article" / "xiaohongshu.txt").read_text("utf-8")
    # 44 half-width cells: it fits whole; a heading that does not loses its aside, never cut
    assert "② 剃须（皂 / 刷 / 支架 / 碗 / 刀 / 包 / 刀片）\n" in note and "刀 /…" not in note
    from contentkit.formats.article import _short_heading

    assert _short_heading("剃须（皂 / 刷 / 支架 / 碗 / 刀 / 包 / 刀片 / 磨刀石 / 毛巾）") == "剃须"
    # a Latin name takes the room it takes: measured in cells, ruanyf's weekly heading is whole
    assert _short_heading("在 Mac 电脑使用 Apple Container 的感受") == "在 Mac 电脑使用 Apple Container 的感受"


def test_a_recap_at_an_interaction_names_the_part_of_the_story_coming_up(cli, tmp_path, story_file):
    out = tmp_path / "o"
    build_social(cli, story_file(SHAVE), out)
    show = json.loads((out / "live" / "run-of-show.json").read_text("utf-8"))
    titles = {s["title"] for s in show["segments"] if s["kind"] == "content"}
    for cue in show["cues"]:
        if cue["kind"] == "recap":
            assert any(f"「{t}」" in cue["text"].split("现在正在讲")[-1] for t in titles), cue


def test_an_answer_alone_leans_and_code_after_a_bang_is_no_sentence_end():
    from contentkit.text import split_sentences

    assert opener_kind("For sure no.", False) == "anaphor" and opener_kind("当然不是。", True) == "anaphor"
    assert opener_kind("Nothing works.", False) is None and opener_kind("不是所有人都喜欢。", True) is None
    t = "Regular expressions deal with the common cases, such as ![]() and <img src=\"\" />. That is it. Wow! Great."
    assert split_sentences(t) == ["Regular expressions deal with the common cases, such as ![]() and <img src=\"\" />.",
                                  "That is it.", "Wow!", "Great."]


def test_a_summary_post_never_leaves_a_long_sentence_half_said():
    from contentkit.formats.article import thread_posts

    long = ("The approach I like to take to finding a good model has two stages: first get a model large "
            "enough that it can overfit, which means focusing on the training loss and nothing else for a "
            "while, and then regularize it appropriately, giving up some training loss to improve the "
            "validation loss, which is what we care about in the end.")
    posts, _, cut = thread_posts([("Overfit", [long, "Another sentence that would follow it here."])], 260,
                                 "summary", False, [])
    assert cut == 1
    text = " ".join(posts)
    assert "which is what we care about in the end." in text  # the rest goes on in one more post
    assert posts[-1].rstrip().endswith(".") and len(posts) == 2
    huge = " ".join([long] * 3).replace(". The", ", and the")
    posts, _, _ = thread_posts([("Overfit", ["A short point that stands alone.", huge])], 260, "summary", False, [])
    assert posts == ["Overfit\n\nA short point that stands alone."]


def test_a_chinese_quote_of_two_paragraphs_is_joined_without_a_space(cli, tmp_path, story_file):
    text = ("---\ntitle: 測試的教訓\n---\n\n## 修改後\n\n> **怎麼發現的：** 兩台印表機只有一台收到品項。\n>\n"
            "> **怎麼修的：** 改成從入口方法開始呼叫，讓分派邏輯實際跑一遍。\n\n寫測試時要讓被測的邏輯真的執行，這是這次最大的收穫。\n")
    out = tmp_path / "o"
    build_social(cli, story_file(text), out)
    thread = (out / "article" / "x-thread.txt").read_text("utf-8")
    assert "收到品項。怎麼修的" in thread and "。 " not in thread


def test_spaces_a_hard_wrap_left_between_hanzi_go_and_an_authors_pauses_stay():
    from contentkit.editorial.clean import _unwrapped

    wrapped = ("到这里，数据的预处理仍然没有结束，我为了让分析做得更快，又采取了一个策略：将每一列变量都单独存为一个数"
               " 据文件。要达到这样的目的，当然要首先把每一列变量提取出来，那么怎样依次提取变量呢？方法很简单，用 SQL 的"
               "语句即可，文本文件当然也可以 当作数据库来处理。")
    assert "一个数据文件" in _unwrapped(wrapped) and "也可以当作" in _unwrapped(wrapped)
    one = "初步整理之后，文件大小能缩减到四百多兆，当然我是不会直接用它来作分 析的，因为速度太慢，一个变量的频数统计就要花半分钟。"
    assert "来作分析的" in _unwrapped(one)
    assert "用 SQL 的" in _unwrapped(wrapped)  # a space beside Latin letters is the author's
    pauses = "個人覺得牛肉湯只要肉不柴基本上都不會太差，所以就是價錢跟份量去評價：有牛肉燥飯 好吃、價格不優 大碗的牛肉湯 170"
    assert _unwrapped(pauses) == pauses


def test_a_heading_pointing_at_the_subject_names_it_where_the_story_does():
    text = ("---\ntitle: ADHD 輸出設計\ndescription: 拆解 i-have-adhd skill：每條輸出規則對應哪個認知事實\n---\n\n"
            "ADHD 讀者的瓶頸是知道答案與做出答案之間的摩擦，這份規則集把這層摩擦當成第一設計目標。\n\n"
            "## 這個 skill 解的問題\n\n讀者宣告自己有 ADHD 後，助理依規則調整回應的形狀，讓讀者能現在就動手。\n")
    s = parse(text)
    assert [sec.label for sec in s.sections if sec.heading] == ["i-have-adhd skill 解的問題"]
    assert s.sections[-1].heading == "這個 skill 解的問題"  # the article keeps the author's words


def test_huli_mentorship_points_name_what_they_follow():
    """huli's mentorship retrospective (zh-Hant): a live segment opened on "接著有關於這個計畫進行的
    方式，當初的流程是這樣：…" (an announcement that points back, completed by its list), a point
    on "在兩者有什麼不同？", a Q&A on "還是不行的話，…", and a point ended on a GitHub address."""
    from contentkit.editorial.units import bare_urls_dropped, section_units

    assert opener_kind("在兩者有什麼不同？", True) == "anaphor"
    assert opener_kind("還是不行的話，出現十次總可以吧？", True) == "anaphor"
    assert opener_kind("還是喝茶吧。", True) is None
    assert opener_kind("Next time you raise a glass, try three things:", False) is None
    assert opener_kind("Next, we pour.", False) == "connective"
    story = parse("# 引路人計畫\n\n## 計畫初期\n\n之後花了大概兩週的時間跟大多數人語音通話過。\n\n"
                  "接著有關於這個計畫進行的方式，當初的流程是這樣：\n\n1. 根據自己訂的進度做出東西\n"
                  "2. 碰到問題找我討論\n3. 寫進度報告\n")
    units = section_units(story.sections[-1], True)
    listed = [u for u in units if u.kind == "list"]
    assert listed and not any(u.standalone for u in listed)
    assert bare_urls_dropped("並且寫了一份計畫的說明：https://github.com/aszx87410/mentorship-program") == \
        "並且寫了一份計畫的說明。"
    assert bare_urls_dropped("The feed is at http://a.b/c.xml.") == "The feed is at http://a.b/c.xml."
    assert bare_urls_dropped("See the docs (https://x.org/a) for more.") == "See the docs for more."


def test_sequel_headings_and_complements_in_line_breaks():
    from contentkit.editorial.structure import label_sections
    from contentkit.layout import tokenize
    from contentkit.story import Section

    sec = Section("於是長大了以後", 2, (), 1, False)
    assert label_sections([sec], True)[0].label == "長大了以後"
    assert "沒有的話" in tokenize("如果沒有的話就是自己說")
    assert any("架起來了" in t for t in tokenize("終於架起來了，覺得 docker 很好用"))


def test_address_lists_and_sign_offs_are_not_shown_as_they_are():
    """jvns' bike-share feeds: a plan's opening line read "XML feeds: Toronto - http://toronto
    .bixi.com/…; Montreal - http://…", another "Happy hacking!"."""
    story = parse("# Feeds\n\nBike sharing systems publish how many bikes each station has, every "
                  "minute, as XML or JSON.\n\nXML feeds:\n\n* Toronto - [http://toronto.bixi.com/data/"
                  "bikeStations.xml](http://toronto.bixi.com/data/bikeStations.xml)\n* Montreal - "
                  "[http://montreal.bixi.com/data/bikeStations.xml](http://montreal.bixi.com/data/"
                  "bikeStations.xml)\n\nHappy hacking!\n")
    texts = [u.text for us in story.a.units for u in us]
    assert any("Toronto" in t and "Montreal" in t for t in texts)
    assert not any("http" in t for t in texts)
    assert not any(u.standalone for us in story.a.units for u in us if u.text == "Happy hacking!")


def test_tw93_minimalism_and_travel_video_beats():
    """tw93's essays (zh-Hans): a 45-second video had one beat (every key point a 14-35 s
    sentence), its hook was the "更新于 2026-01-13，…" note; the travel diary's hook read
    "哈哈，很有趣的。" and a beat "结果这里也在意想之外了…"."""
    from contentkit.analysis import Rates
    from contentkit.formats.video import leading_clauses

    rate = Rates(zh_chars_per_s=4.5)
    said = leading_clauses("开始的第一步，应该是经常性的整理，一般是扔东西、卖二手、收纳起来，不要总觉得留着以后能用上，"
                           "如果近 1 年都没用过，基本以后也用不上。", rate, True)
    assert said.startswith("开始的第一步，应该是经常性的整理") and said.endswith("。") and "如果" not in said
    # never half of 不是…而是…: the cut comes after the 而是 clause
    assert leading_clauses("极简主义不是把大部分的东西都扔掉，在空无一物的环境中才极简，而是选择对你重要的东西，"
                           "同时也没有必要每个地方都极简，比如说你喜欢读书以及某些收藏，完全可以精挑细选。", rate, True) \
        == "极简主义不是把大部分的东西都扔掉，在空无一物的环境中才极简，而是选择对你重要的东西。"
    assert leading_clauses("如果近 1 年都没用过，基本以后也用不上，所以扔掉它们，然后把空出来的地方打扫干净，"
                           "再想想还缺什么。", rate, True).startswith("如果近 1 年都没用过，基本以后也用不上")
    story = parse("---\ntitle: 我的极简生活经验\n---\n\n> 更新于 2026-01-13，补充 AI 时代下的一些保持极简的技巧。\n\n"
                  "## 极简是恰到好处的东西\n\n极简生活更多是减少生活中不必要的元素，让你更多专注在真正重要的事物上。\n")
    assert "更新于" not in story.a.hook
    for text in ("哈哈，很有趣的。", "很有趣的。", "真的很好看。", "结果这里也在意想之外了，东京站超级大。",
                 "心想，卧槽，我们排了 2 个小时属于纯浪费了。", "上面从出和入两步控制住了你生活中的物件。"):
        assert opener_kind(text, True) is not None, text
    for text in ("很多人喜欢这家店。", "结果显示大部分人喜欢。", "心想事成是大家的愿望。"):
        assert opener_kind(text, True) is None, text


def test_a_part_titled_by_its_own_clause_does_not_say_it_twice():
    """tw93's coffee-machine note (headingless, zh-Hans): parts were titled "弄半杯牛奶打成热奶泡"
    (a step from mid-sentence) and "就去弄了个金属勺子"; the note and the cards then said the
    title again as the body's first words; "牛奶一 / 开始就有预期" broke a word."""
    from contentkit.formats.cards import after_heading
    from contentkit.text import opening_clause

    story = parse("# 我的咖啡机入门实践\n\n如何不到一千块钱实现每天好喝咖啡自由？想通过这条短文来给大伙分享一下经验。\n\n"
                  "最近几乎每天早上起床后，第一件事是磨咖啡豆，然后用半自动咖啡机萃取，弄半杯牛奶打成热奶泡，融合到咖啡里面。\n\n"
                  "咖啡机有好几种，比如说胶囊咖啡机，使用简单快速，也有全自动咖啡机，我选择的是半自动咖啡机。\n\n"
                  "咖啡豆也是在山姆购买的，买前查了查推荐，买的经典意式拼配咖啡豆。\n\n"
                  "牛奶一开始就有预期，一定要买适合咖啡的牛奶，全脂的会更香。\n\n"
                  "聊到咖啡机配件，最不要忘记的就是磨豆机，我选择的是电动的。磨好粉就是需要把粉压平压紧了，"
                  "就去弄了个金属勺子，然后买了布粉器和压粉器。\n")
    for sec in story.sections:
        assert not sec.heading.startswith(("就", "弄")), sec.heading
    assert after_heading("咖啡机有好几种，比如说胶囊咖啡机，使用简单快速。", "咖啡机有好几种") == "比如说胶囊咖啡机，使用简单快速。"
    assert after_heading("剃须皂用的是 RazoRock，刀片是吉列。", "剃须") == "剃须皂用的是 RazoRock，刀片是吉列。"
    assert opening_clause("咖啡机有好几种，比如说胶囊咖啡机。", "咖啡机有好几种") == len("咖啡机有好几种，")
    # the rest of a sentence without its "and"; a rest that points back keeps the heading's clause
    body = "Hampton is a nice speaker, and it was indeed entertaining talk."
    assert after_heading(body, "Hampton is a nice speaker") == body
    assert after_heading("Terroir matters, and soil and sun make the taste of every wine.",
                         "Terroir matters") == "Soil and sun make the taste of every wine."
    assert opening_clause("剃须皂用的是 RazoRock。", "剃须") == -1
    assert "一开始就" in "".join(t for t in tokenize("牛奶一开始就有预期") if t.startswith("一"))
    # any lone numeral or 每 goes with what it counts: "過去三 / 年間", "發表的每 / 一篇" (huli)
    toks = tokenize("他們過去三年間所發表的每一篇文章")
    assert any("三年間" in t for t in toks) and any(t.startswith("每一篇") for t in toks), toks
    # a place word stays with its noun, its comma not counted: "鸡蛋打入碗 / 中，" on a video frame
    assert any(t.startswith("打入碗中") for t in tokenize("鸡蛋打入碗中，加一小撮盐"))
    # a one-character verb stays with what it takes: "想說搭 / 客運" (jabee0228's Tainan card)
    assert any(t.startswith("搭客運") for t in tokenize("所以我就想說搭客運就好"))
    # a number keeps the unit written after it with a space: "放凉至 50 / 度即可食用" on a frame
    assert any(t.startswith("50 度") for t in tokenize("碟子取出放凉至 50 度即可食用"))
    assert "400ml" in tokenize("往锅里倒入 400ml 水")  # 水 is no unit: a line may break there


def test_a_model_name_is_no_figure():
    """tw93's coffee note: a card marked "33.21" inside "德龙 ECP33.21.W" as a figure."""
    from contentkit.editorial.emphasis import numbers

    assert numbers("在山姆买的德龙 ECP33.21.W 这款，才 629 元", True) == ["629 元"]
    assert numbers("There were 20 RTX4090 cards.", False) == ["20"]
    assert "1855 年" in numbers("距今约八千年的陶罐，1855 年的名单", True)
    # Chinese says "a" with 一个: "一个东西", "是一个必经的阶段" are no figures to mark
    assert numbers("持续性是我以前忽略掉的一个东西，是一种习惯，也是一个必经的阶段", True) == []
    assert numbers("一年卖出三万瓶", True) == ["一年", "三万"]


def test_recipe_hashtags_name_whole_ingredients():
    """HowToCook's 小炒黄牛肉 (zh-Hans): hashtags were #野山 and #小米 (jieba's cuts of 野山椒 and
    小米椒: a mountain, millet), #6ml, #3cm and the recipe's working words #流程 #份数 #大火."""
    story = parse("# 小炒黄牛肉的做法\n\n牛里脊提供优质蛋白，搭配芹菜增添膳食纤维。\n\n## 必备原料和工具\n\n"
                  "- 牛里脊\n- 芹菜\n- 小米椒\n- 野山椒\n- 香菜\n\n## 计算\n\n每份：\n\n- 牛里脊 400g\n- 小米椒 30g\n"
                  "- 野山椒 30g\n\n## 操作\n\n1. 牛里脊切成不超过 3cm 宽的薄片，倒入 6ml 酱油\n2. 小米椒切成丝状\n"
                  "3. 野山椒切成颗粒，切成小丁\n4. 热锅，大火等待 30 秒\n5. 放入小米椒和野山椒爆香，大火翻炒，按流程装盘\n")
    tags = story.a.hashtags
    assert "小米椒" in tags and "野山椒" in tags, tags
    assert not {"小米", "野山", "6ml", "3cm", "流程", "大火", "成小丁"} & set(tags), tags


def test_a_recipe_shot_names_the_whole_ingredient_and_live_steps_stand_one_to_a_line(cli, tmp_path, story_file):
    """HowToCook's 小炒黄牛肉: the shot note read "特写：里脊；再切：小米" (牛里脊, 小米椒 cut by
    jieba) and the run-of-show printed nine steps as one "①…②…③…" line."""
    path = story_file("# 小炒黄牛肉的做法\n\n牛里脊提供优质蛋白，搭配芹菜增添膳食纤维。\n\n## 必备原料和工具\n\n"
                      "- 牛里脊\n- 芹菜\n- 小米椒\n- 野山椒\n- 香菜\n\n## 操作\n\n1. 牛里脊切成薄片，倒入酱油抓匀\n"
                      "2. 芹菜切成小段\n3. 小米椒切成丝状\n4. 热锅放油，放入小米椒和野山椒爆香\n5. 放入牛里脊和芹菜大火翻炒\n")
    out = tmp_path / "o"
    r = cli("build", path, "-f", "video", "-f", "live", "-O", "video.render=false", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    shots = [s["shot"] for s in json.loads((out / "video/script.json").read_text("utf-8"))["scenes"]]
    assert not any(re.search(r"：(里脊|小米)(；|$)", s) for s in shots), shots
    md = (out / "live/run-of-show.md").read_text("utf-8")
    assert "- 1. 牛里脊切成薄片" in md and "\n  2. 芹菜切成小段" in md


def test_a_procedure_card_shows_a_step_to_a_line_and_a_colour_stays_with_its_noun(cli, tmp_path, story_file):
    """HowToCook's 小炒黄牛肉: the 操作 card printed nine steps as one "①…②…" block, and the
    cover broke "小炒黄 / 牛肉的做法"."""
    path = story_file("# 小炒黄牛肉的做法\n\n牛里脊提供优质蛋白，搭配芹菜增添膳食纤维。\n\n## 操作\n\n"
                      "1. 牛里脊切成薄片，倒入酱油抓匀\n2. 芹菜切成小段\n3. 小米椒切成丝状\n"
                      "4. 热锅放油，放入小米椒爆香\n5. 放入牛里脊和芹菜大火翻炒\n")
    out = tmp_path / "o"
    r = cli("build", path, "-f", "cards", "-p", "xiaohongshu", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    cards = json.loads((out / "cards/xiaohongshu/cards.json").read_text("utf-8"))["cards"]
    body = next(t["lines"] for c in cards for t in c["texts"] if t["role"] == "body" and "芹菜切成小段" in "".join(t["lines"]))
    assert any(ln.startswith("2. 芹菜切成小段") for ln in body), body
    assert not any("②" in ln for ln in body)
    assert "小炒" in tokenize("小炒黄牛肉的做法") and any(t.startswith("黄牛肉") for t in tokenize("小炒黄牛肉的做法"))
    assert tokenize("苹果变红了") == ["苹果", "变红了"]


def test_etc_is_no_part_of_the_word_after_it():
    """cyrusyip's 凉粉/龟苓膏 (corpus): a shot note read "再切：等中药材" ("etc. herbs")."""
    story = parse("# 龟苓膏\n\n龟苓膏苦，原料是龟板、甘草等中药材。\n\n## 原料\n\n正统龟苓膏用龟板、土茯灵等中药材，"
                  "凉粉则用仙草等中药材。\n")
    assert not any(k.startswith("等") for k in story.a.keywords), story.a.keywords


WEEKLY = """# 数码周报（第 12 期）：旧手机还能做什么

这里每周介绍值得一看的数码内容。

本刊开源，欢迎投稿。合作请邮件联系（editor@example.com）。

## 旧手机还能做什么

抽屉里的旧手机，其实可以改成家里的监控摄像头，只要装一个免费的应用。

## 文章

1、[排列组合的入门讲解](https://example.com/perm)（中文）

一篇数学入门文章。作者从 n!，讲到排列和组合的区别，例子都来自日常生活。

2、[一个旧平板的第二次生命](https://example.com/tablet)

作者把十年前的平板装上新系统，当成厨房里的菜谱屏，每天都在用。

另有一篇[教程文章](https://example.com/more)，介绍怎样给旧平板换电池。

## 工具

3、[5 tones](https://example.com/tones)

这个网站认为，一套界面只需要五种颜色。你可以在该网站生成这五种颜色的配色方案。

## 动态

1、一家城市图书馆开始出借旧笔记本电脑，借期两周，只要带上借书证就能办理。

2、一种太阳能充电背包开始众筹，背面的板子能在三小时内充满一部手机。

## 往年回顾

[旧电脑装什么系统](https://example.com/9)（#9）

[耳机怎么选](https://example.com/5)（#5）
"""


def test_a_weekly_shows_no_count_no_stray_comma_no_archive_and_no_masthead(cli, tmp_path, story_file):
    """A weekly digest's own furniture never reaches a post: the masthead's call for
    submissions, the "往年回顾" list of past issues, the paragraph counts ("2、一种…") and the
    item numbers of its headings ("3、5 tones" is "5 tones"). A "!" inside a sentence ("从 n!，
    讲到…") ends nothing, and "另有一篇…" and "这五种颜色" point back."""
    from contentkit.text import split_sentences

    assert split_sentences("作者从 n!，讲到排列和组合的区别。好！") == ["作者从 n!，讲到排列和组合的区别。", "好！"]
    assert opener_kind("另有一篇教程文章，介绍怎样给旧平板换电池。", True) == "anaphor"
    assert opener_kind("你可以在该网站生成这五种颜色的配色方案。", True) == "anaphor"
    assert opener_kind("一套界面只需要五种颜色。", True) is None
    s = parse(WEEKLY)
    aside = " ".join(x.text for x in s.a.set_aside)
    assert "欢迎投稿" in aside and "往年回顾" in aside
    assert "5 tones" in [sec.label for sec in s.sections]
    out = tmp_path / "o"
    _, shown = build_social(cli, story_file(WEEKLY), out)
    note = (out / "article" / "xiaohongshu.txt").read_text("utf-8")
    thread = (out / "article" / "x-thread.txt").read_text("utf-8")
    for text in (note, thread):
        assert "投稿" not in text and "耳机怎么选" not in text and "往年回顾" not in text
        assert "\n，" not in text and "3、5 tones" not in text and "。2、" not in text
    assert not re.search(r"(?m)^[12]、", note)
    from contentkit.editorial.units import PARA_NUMBER

    assert PARA_NUMBER.sub("", "（1）所有任务都要列入追踪。") == "所有任务都要列入追踪。"  # ruanyf's other count
    assert "\n2、一种太阳能充电背包" in thread  # the whole part, with its numbers, one to a line
    assert "另有一篇" not in note.replace("每天都在用。另有一篇", "") and "这五种颜色" not in note
    assert "一家城市图书馆开始出借旧笔记本电脑" in note


BASELINE = """# Looking at Ferry Timetables

One of the changes this spring was Tidewater, a new initiative to publish every ferry timetable of the bay as open data.

## Where is the data?

The initiative is run by the harbour authority's small data team in Oakport.

The departure times are in that schedule field, one row per sailing.

The browsers in question are Chrome and Firefox.

## Reading it

Each sailing has a boat, a pier and a time, and a week of sailings fits in one file of a few kilobytes.
"""


def test_english_pointers_inside_a_sentence_and_a_noun_named_twice_need_what_came_before():
    """"The initiative is run by…" after "…Tidewater, a new initiative…" (the next part) is
    Tidewater unnamed; "in that schedule field" and "The browsers in question" point back. A
    "that" after a noun opens a clause ("features that are supported") and points at nothing."""
    from contentkit.editorial.units import introduced

    assert opener_kind("The departure times are in that schedule field, one row per sailing.", False) == "anaphor"
    assert opener_kind("The browsers in question are Chrome and Firefox.", False) == "anaphor"
    assert opener_kind("The key idea is to list the features that are supported in every browser.", False) is None
    assert opener_kind("I've not found a more precise definition of that yet though.", False) is None
    assert introduced("The initiative is run by the harbour authority.", "Tidewater, a new initiative to publish…")
    assert not introduced("The harbour authority runs it.", "Tidewater, a new initiative to publish…")
    s = parse(BASELINE)
    shown = {u.text: u.standalone for us in s.a.units for u in us}
    # the three lean on what came before, and on each other: carried together, never shown alone
    assert [ok for t, ok in shown.items() if t.startswith("The initiative is run")] == [False]
    assert "The initiative" not in s.a.hook and "Tidewater" in s.a.hook
    assert any(ok and t.startswith("Each sailing") for t, ok in shown.items())


CODE_ITEMS = """# Wiring a bucket to a function

I wanted every new file in a storage bucket to be recorded in a table without polling.

## The reply

> The fixed script below does it:
>
> *code removed, full listing to follow*
>
> - **Permission:**
>   In the `make_bucket` step we add:
>   ```python
>   client.add_permission(Name="f")
>   ```
>   This allows the bucket to call the function on every upload.
> - **Packaging:** the handler is zipped in memory before it is sent.

## Tidying up

The --force option allows this to work even with buckets that are not empty.

A bucket with a lifecycle rule empties itself after thirty days, which keeps the bill small.
"""


def test_an_item_announcing_its_code_and_an_editors_note_are_not_shown():
    """A list item's "…we add:" before the code block it holds ran on into the item's next
    paragraph ("…we add: This allows…"); "*code removed, full listing to follow*" is the
    editor's, not the story's; "allows this to work" points back."""
    s = parse(CODE_ITEMS)
    texts = [u.text for us in s.a.units for u in us]
    assert not any("we add" in t for t in texts), texts
    assert any(t.startswith("This allows the bucket") or "This allows the bucket" in t for t in texts)
    assert any("code removed" in x.text for x in s.a.set_aside)
    shown = {u.text: u.standalone for us in s.a.units for u in us}
    assert [ok for t, ok in shown.items() if t.startswith("The --force option")] == [False]
    assert opener_kind("Honestly though I feel like this prototype got me most of the way.", False) == "anaphor"
    assert opener_kind("Even though it rained, the ferry sailed on time.", False) is None


def test_a_part_titled_by_a_clause_never_keeps_half_an_aside():
    """A headingless part was titled "錢先進到 Teachable 那裡（進到他們的 Stripe 或是 PayPal",
    its closing bracket stripped; the aside goes whole, and its words still count."""
    from contentkit.editorial.structure import title_for

    text = ("如果你想收到台幣，中間會經過兩次匯差。流程是這樣的：錢先進到平台那裡（進到他們的 Stripe 或是 PayPal），"
            "每個月再轉到你的 PayPal 帳戶。PayPal 收到的是美金，換成台幣又要一次手續費。")
    t = title_for(text, ["費用的部分很單純，方案分成兩種。"], True)
    assert t == "錢先進到平台那裡", t  # chosen for the PayPal its aside names


def test_a_travel_diary_opens_on_no_sequel_and_drops_a_see_also_aside():
    """huli's Korea diary opened its note on "最後去逛了附近的樂天超市…" (finally, after what?),
    showed "出乎意料的好吃，…" (what was?) and "晚上則是吃了…" (as against what?), and kept a
    bracketed "可以參考：[another post](…)" that no card or voice can follow."""
    for t in ("最後去逛了附近的超市，買了一些零食。", "出乎意料的好吃，價格是 9000 韓元。", "晚上則是吃了飯店附近的排骨湯。",
              "我们也可以更为量化地给资产定一个评估标准。"):
        assert opener_kind(t, True) == "anaphor", t
    for t in ("最後一公里的路很難走。", "規則是每人一張票。", "意外的是，那天天氣很好。", "我也许会再去一次。"):
        assert opener_kind(t, True) is None, t
    s = parse("# 回程\n\n回程的飛機是 A380，第二層全部都是商務艙的座位（我以前搭過這台飛機的頭等艙，可以參考："
              "[EY876 體驗心得](/2019/10/14/x/)）。\n\nWe rode the ferry (see [my notes](https://x.y/n)) at dawn, "
              "and a (small) boat took us [across](https://a.b).\n")
    plain = [b.text.plain for sec in s.sections for b in sec.blocks]
    assert plain == ["回程的飛機是 A380，第二層全部都是商務艙的座位。",
                     "We rode the ferry at dawn, and a (small) boat took us across."], plain


QUOTED_ENGLISH = """---
title: 平台出走潮：兩個社群相繼離開，為什麼？
tags:
  - Others
---

最近兩個寫程式的社群都宣布要離開同一個部落格平台，改用自己架的網站。

## 第一個社群的離去

在他們所發表的公告中，開頭就總結了離開平台的原因：

> **1\\. We now have our own open source publishing platform.**

> **2\\. Your audience will be bigger than ever.**

> **3\\. No more popups or sign-in prompts. Readers can enjoy your articles without any fuss.**

而內文裡面也提到，平台最近為了賺錢，把不放進付費牆的文章都藏了起來。

> Why is the platform the bad guy here?

> We refused.

搬到新網站之後，讀者看文章不會再有惱人的彈出視窗，這是大家最有感的改變。
"""


def test_a_chinese_story_quoting_english_shows_no_english_line_alone_and_no_placeholder_tag():
    """huli's Medium story: its hook was an English quote ("Why is Medium the bad guy
    here?"), a point was "3. No more popups…" cut from four numbered quotes, and a hashtag was
    the blog's category "Others"."""
    s = parse(QUOTED_ENGLISH)
    assert "bad guy" not in s.a.hook and "Others" not in s.a.hashtags
    units = [u for us in s.a.units for u in us]
    assert not any(u.standalone and not re.search(r"[\u4e00-\u9fff]", u.text) for u in units), \
        [u.text for u in units if u.standalone]
    listed = [u for u in units if "No more popups" in u.text]
    assert len(listed) == 1 and "We now have" in listed[0].text and "bigger than ever" in listed[0].text, listed
    assert not any("3. No more" in k.text and "1. We now" not in k.text for k in s.a.key_points)


def test_a_sentence_told_over_two_posts_says_so_and_a_heading_drops_its_so():
    """kcd's posts: a sentence longer than a post ended one post on "…and I use" and opened the
    next on "but I always…"; each piece now shows that it goes on. A heading "So why did I
    think it'd be fun?" is shown alone as "Why did I think it'd be fun?"."""
    from contentkit.editorial.structure import label_sections
    from contentkit.formats.article import _split_long
    from contentkit.story import Section
    from contentkit.text import weighted_length

    long = ("To be honest, I don't edit most of my videos these days (a friend takes care of it for me now), "
            "but I always set my audio to mono (who needs stereo on a single person's voice?) and I use the "
            "smoothing feature which evens out the volume and does a few other things to help the sound, "
            "and it does a pretty good job for a single checkbox in a menu.")
    pieces = _split_long(long, 200)
    assert len(pieces) >= 2 and all(weighted_length(p) <= 200 for p in pieces), pieces
    assert pieces[0].endswith("…") and pieces[-1].startswith("…") and not pieces[-1].endswith("…")
    assert _split_long("A short one.", 200) == ["A short one."]
    secs = label_sections([Section("So why did I think it'd be fun?", 2, (), 1), Section("So far", 2, (), 5)], False)
    assert [s.label for s in secs] == ["Why did I think it'd be fun?", "So far"]


def test_a_part_named_part_1_takes_its_parent_and_a_title_is_a_clause_before_two_keywords():
    """easychen's course chapter: headings "part 1", "part 2" under "实操分享" were shown alone as
    "④ part 1"; a headingless part was titled "用户 · 课程" where a sentence's own opening clause
    says what it is about."""
    from contentkit.editorial.structure import title_for

    s = parse("# 卖课\n\n## 实操分享\n\n先说结论。\n\n### part 1\n\n第一个事实：做课不难，卖课才难。\n\n"
              "### Part 2\n\n选题直接决定了受众数量。\n")
    assert [sec.label for sec in s.sections if sec.heading.lower().startswith("part")] == ["实操分享（1）", "实操分享（2）"]
    t = title_for("虽然平台都会宣扬反盗版措施，但其实都要你自己发现。盗版课程最大的问题不是减少了你的收入，"
                  "而是让正版用户看起来像个傻子。用户花了钱，课程却到处都是。", ["定价是由市场决定的。"], True)
    assert " · " not in t and not t.startswith("虽然"), t


def test_a_clause_title_never_waits_for_what_is_said_next_or_says_so_too():
    """huli's essay: headingless parts were titled "很多人可能會覺得說" (what do they think?),
    "技術上也是" (so is what?) and "若是你本來不知道也不想查" (a condition); the cover line kept
    both halves of "一知半解的感覺真差——談追根究底的理由" and cut them."""
    from contentkit.editorial.structure import title_for
    from contentkit.formats.video import on_screen_text

    for text in ("我以前讀書很隨便。很多人可能會覺得說，學歷不重要，學分也不重要，反正畢業就好。",
                 "學科上是這樣。技術上也是，很多規則只看文章不看規格，就永遠半懂。",
                 "查資料不難。若是你本來不知道也不想查，那就永遠不會知道規格寫了什麼。"):
        t = title_for(text, ["追根究底有兩個好處。"], True)
        assert not t.endswith(("覺得說", "也是")) and not t.startswith("若是"), t
    assert on_screen_text("一知半解的感覺真差——談追根究底的理由", True) == "一知半解的感覺真差"


CAFES = """---
title: 咖啡廳探索日
excerpt: 我在台北跑過的咖啡廳
---

### 忠孝新生

> #### ◤ 德佈咖啡
>
> [忠孝新生](https://maps.example/1)

- 奶酒拿鐵 $180
- 麥芽拿鐵 $170

✔️ 復古風
✔️ 插座
✔️ 不限時
<br>德布的拿鐵好像比較不甜，老闆人很好。

> #### ◤ 咖啡，梅
>
> [善導寺](https://maps.example/2)

- 微酸檸檬蛋糕 $140
- 抹茶檸檬 $180

✔️ 環境
✔️ 插座
"""


def test_marked_lines_a_heading_marker_and_a_place_name_hook(tmp_path):
    """A zh-Hant café list: "✔️ 復古風 / ✔️ 插座 / ✔️ 不限時" lines had run together into one
    point ("✔️ 復古風✔️ 插座✔️ 不限時德布的拿鐵…"), "◤ 德佈咖啡" was said in every live recap,
    the hook was the map link "忠孝新生", and Hexo's ``excerpt:`` deck was not the subtitle."""
    from contentkit.formats.article import thread_chunks, thread_posts, ArticleOptions

    s = parse(CAFES, tmp_path)
    assert s.meta.subtitle == "我在台北跑過的咖啡廳"
    labels = [sec.label for sec in s.sections if sec.heading]
    assert "德佈咖啡" in labels and "咖啡，梅" in labels and not any("◤" in x for x in labels), labels
    texts = [u.text for sec in s.a.units for u in sec]
    assert "復古風、插座、不限時。" in texts, texts
    assert not any("✔" in t and "德布" in t for t in texts), texts
    assert s.a.hook not in ("忠孝新生", "善導寺") and len(s.a.hook) >= 8, s.a.hook
    posts, _, _ = thread_posts(thread_chunks(s, ArticleOptions(), ""), 280, "summary", True, [])
    joined = "\n".join(posts)
    assert "✔️ 復古風\n✔️ 插座\n✔️ 不限時" in joined and "✔️ 復古風。" not in joined, joined


def test_a_nested_list_item_keeps_what_is_under_it(tmp_path):
    """A project write-up's "1. 前端架構" with three sub-items was shown as the bare label: the
    card read "1. 前端架構 2. 整合服務…" and every point under them was gone."""
    from contentkit.editorial.units import item_line

    s = parse("# 企劃\n\n## 技術重點\n\n1. 前端架構\n   - 響應式設計，確保多裝置支援\n   - 模組化元件設計\n\n"
              "2. 整合服務\n   - Discord Bot API 整合\n   - 試算表 API 串接\n", tmp_path)
    block = s.sections[-1].blocks[0]
    assert item_line(block.items[0], True) == "前端架構：響應式設計，確保多裝置支援；模組化元件設計"
    assert item_line(block.items[1], True) == "整合服務：Discord Bot API 整合、試算表 API 串接"
    texts = " ".join(u.text for sec in s.a.units for u in sec)
    assert "模組化元件設計" in texts and "試算表 API 串接" in texts, texts
    # announced and long, it is said by its groups' names
    s = parse("# 企劃\n\n## 架構\n\n整個專案採用現代化的前端技術棧：\n\n"
              "1. 前端框架與語言\n   - JavaScript (83.5%)：主要開發語言\n   - TypeScript (1.7%)：用於添加型別檢查\n"
              "   - CSS (12.8%) 與 SCSS (1.4%)：負責樣式與排版\n\n"
              "2. 部署環境\n   - 使用 Vercel 進行部署\n   - Docker 容器化 (0.1%) 確保開發環境一致性\n\n"
              "3. 資料儲存\n   - 使用試算表作為輕量級資料庫\n   - Discord Bot 資料同步機制\n", tmp_path)
    texts = [u.text for sec in s.a.units for u in sec]
    assert "整個專案採用現代化的前端技術棧：前端框架與語言、部署環境、資料儲存。" in texts, texts


def test_a_shout_opens_the_next_sentence_and_a_sentence_title_ends_on_a_word():
    """"…至少架構該懂得有懂。  !!!前端設計還是讓我很痛苦！！" had shown "…有懂。!!!"; a headingless
    English story's title was its first sentence cut at 64 characters ("…has given m")."""
    from contentkit.parser import _clipped
    from contentkit.text import split_sentences

    assert split_sentences("至少架構該懂得有懂。  !!!前端設計還是讓我很痛苦！！") == [
        "至少架構該懂得有懂。", "前端設計還是讓我很痛苦！！"]
    assert split_sentences("好吃！！！ 真的。") == ["好吃！！！", "真的。"]
    t = _clipped("Working in a startup environment for almost a decade has given me privileged access "
                 "to a fast-paced culture of innovation.", 64)
    assert t == "Working in a startup environment for almost a decade has given…", t
    assert _clipped("一个很长很长的中文标题在这里，" + "后" * 80, 64) == "一个很长很长的中文标题在这里"


def test_an_announced_list_too_long_for_a_post_keeps_its_lines():
    """A translated essay's "As software engineers, we are:" and three bullets: the thread
    read "we are: • Responsible…" on one line and cut an item mid-clause into the next post."""
    from contentkit.formats.article import _split_long

    unit = ("As software engineers, we are:\n• Responsible for translating complex problems into efficient "
            "and scalable solutions\n• Tasked with analyzing user requirements, designing software architecture, "
            "writing code, and testing and debugging software\n• Expected to stay on top of trends, seeking new "
            "business opportunities and ways to improve existing products")
    pieces = _split_long(unit, 250)
    assert pieces[0] == "As software engineers, we are:"
    assert all(p.startswith("\n• ") for p in pieces[1:]) and len(pieces) == 4, pieces


def test_a_carousel_never_shows_the_cover_line_again(cli, tmp_path, story_file):
    """A project write-up's cover line was its first point as well, on the next card."""
    src = ("# 做網站二三事\n\n## 前言\n\n老實說我不是很擅長做設計，接觸的少，也沒有特別有系統地學過。  !!!前端設計還是讓我很痛苦！！\n\n"
           "## 設計\n\n我會先想網頁要呈現的資訊，比起漂亮的設計，我更在意大家能不能直觀地找到自己需要的東西。\n\n"
           "## 架構\n\n整個專案用試算表當資料庫，機器人每天同步一次資料，部署在 Vercel 上。\n")
    cards = xhs_cards(cli, story_file(src), tmp_path / "o")
    text = lambda c, roles: "".join("".join(t["lines"]) for t in c["texts"] if t["role"] in roles)  # noqa: E731
    cover = text(cards[0], ("subtitle",))
    assert cover.startswith("老實說")
    assert not any(cover in text(c, ("body", "quote")) for c in cards[1:]), [text(c, ("body",)) for c in cards]
    assert not any("!!!" in text(c, ("body",)) for c in cards)


def test_a_translation_footer_and_an_image_credit_are_no_story(tmp_path):
    """A translated GPT-4 essay: its title was "Image by author" (the credit under the cover
    picture) and its last video beat was the translation community's footer ("文章开头的
    本文永久链接 即为…")."""
    src = ("![](cover.png)\n\nImage by author\n\nThis post is about the first tests I ran with the new model.\n\n"
           "## Conclusion\n\nThe model is something else, and the multimodal part is still to explore.\n\n"
           "> 如果发现译文存在错误或其他需要改进的地方，欢迎到 [翻译计划](https://example.com) 对译文进行修改并 PR，"
           "也可获得相应奖励积分。文章开头的 **本文永久链接** 即为本文在 GitHub 上的 MarkDown 链接。\n\n---\n\n"
           "> [掘金翻译计划](https://example.com) 是一个翻译优质互联网技术文章的社区，想要查看更多优质译文请持续关注"
           " [掘金翻译计划](https://example.com)。\n")
    s = parse(src, tmp_path)
    assert s.title.startswith("This post is about"), s.title
    texts = " ".join(u.text for sec in s.a.units for u in sec)
    assert "永久链接" not in texts and "翻译计划" not in texts and "Image by" not in texts, texts


def test_a_translation_without_a_title_takes_its_original_title(tmp_path):
    """Translation projects name the original in a header quote ("原文地址：[A First Look at
    GPT-4](…)"); with no title anywhere else the story was titled by its first sentence."""
    head = ("> * 原文地址：[{t}](https://example.com/a)\n> * 原文作者：[someone](https://example.com/u)\n\n")
    s = parse(head.format(t="A First Look at GPT-4") + "This is about the first few tests I ran.\n\n"
              "## Notes\n\nIt went well.\n", tmp_path)
    assert s.title == "A First Look at GPT-4"
    s = parse(head.format(t="Unpopular Opinion: It’s harder than ever to be a good software engineer")
              + "Working in a startup for a decade taught me a lot.\n", tmp_path)
    assert s.title == "It’s harder than ever to be a good software engineer"
    # a Chinese translation of an English original keeps a title in its own language
    s = parse(head.format(t="Why Naming is #1 Skill") + "在童话故事中，只要知道了恶魔的真名，我们便可以控制它。\n", tmp_path)
    assert s.title.startswith("在童话故事中")


def test_an_emoji_inside_prose_is_no_marked_line(tmp_path):
    """"…to our mouths? 🍔 Of course they do. But they do it…": an emoji a sentence opens on
    inside a paragraph is prose, never a line of its own in a thread or a live point."""
    from contentkit.formats.article import _units

    s = parse("# Burgers\n\n## Why\n\nWhy do they do that? Don't they meet the same need\nof burgers? 🍔 Of course "
              "they do. But they do it\nbecause each has its own approach.\n", tmp_path)
    units = _units(s.sections[-1], False)
    assert not any(u.startswith("\n") for u in units), units
    texts = [u.text for sec in s.a.units for u in sec]
    assert not any("\n" in t for t in texts), texts


def test_a_narrowing_opener_leans_and_a_resources_section_is_no_story(tmp_path):
    """A NotebookLM review: "尤其是生成影片和語音說明…" (especially what?) was shown as a point
    on its own, and its "相關資源" links were the last point of the note and the video."""
    assert opener_kind("尤其是生成影片和語音說明，因為內容來源基本上是你給的資料。", True) is not None
    s = parse("# NotebookLM\n\n## 前言\n\n最棒的功能是看論文，生成的語音摘要很好懂。\n\n## 結論\n\n"
              "這是一個非常實用的學習工具，適合需要讀論文的學生。\n\n## 相關資源\n\n"
              "- [NotebookLM 官方網站](https://example.com)\n- [Google AI Blog](https://example.com/b)\n", tmp_path)
    assert "相關資源" not in [sec.heading for sec in s.sections], [sec.heading for sec in s.sections]


def test_a_title_after_a_translation_header_is_the_title(tmp_path):
    """"> * 原文地址：…" then "# 5 个例子告诉你如何使用 ChatGPT 提高生产力": the H1 after the
    header had been a section heading, and the story titled by its first sentence."""
    s = parse("> * 原文地址：[How to Use ChatGPT](https://example.com/a)\n> * 译者：[someone](https://example.com/u)\n\n"
              "# 5 个例子告诉你如何使用 ChatGPT 提高生产力\n\n在日常生活中，我们都想要提高自己的生产力。\n\n"
              "## 设定目标\n\n目标要具体、可衡量。\n", tmp_path)
    assert s.title == "5 个例子告诉你如何使用 ChatGPT 提高生产力"
    assert "5 个例子告诉你如何使用 ChatGPT 提高生产力" not in [sec.heading for sec in s.sections]
    # an intro paragraph before the only H1 keeps the H1 as its part's heading
    s = parse("这是一段引言，说说为什么写这篇。\n\n# 第一章\n\n正文从这里开始。\n", tmp_path)
    assert "第一章" in [sec.heading for sec in s.sections]


def test_a_rating_line_is_no_list_cards_intro(cli, tmp_path, story_file):
    """"⭐️⭐️⭐️（⭐️）" over a café's menu: the card font draws no stars, and the list card read "（）"."""
    src = ("# 咖啡廳\n\n## 酒窩咖啡館\n\n⭐️⭐️⭐️（⭐️）\n\n- 焙茶拿鐵\n- 鐵觀音巴斯克\n\n"
           "## 紙街咖啡\n\n檸檬美式很清爽，拿鐵偏濃，肉桂捲是招牌。\n")
    cards = xhs_cards(cli, story_file(src), tmp_path / "o")
    lines = [ln for c in cards for t in c["texts"] if t["role"] == "body" for ln in t["lines"]]
    assert "1. 焙茶拿鐵" in lines and not any(re.fullmatch(r"[（）() ]*", ln) for ln in lines), lines


def test_a_post_without_a_title_takes_its_file_name_or_skips_a_preface_heading(tmp_path):
    """A Jekyll post "2025-09-04-React二三事.md" with no front matter opens on "## 前言": it was
    titled "前言" (Preface), and its video's hook said only that."""
    from contentkit.parser import parse_file

    text = "## 前言\n公司的專案新架構要用 react 撰寫但我真的不熟，所以趕快來補習。\n目前是依賴一個入門系列順便複習前端技能。\n"
    named = tmp_path / "2025-09-04-React二三事.md"
    named.write_text(text, "utf-8")
    assert parse_file(str(named)).title == "React二三事"
    plain = tmp_path / "post.md"
    plain.write_text(text, "utf-8")
    t = parse_file(str(plain)).title
    assert t != "前言" and t.startswith("公司的專案新架構"), t


def test_a_list_cards_announcement_stands_without_its_then(cli, tmp_path, story_file):
    """"然後解決衍伸問題：" over three items: the card had shown the items with no intro at all."""
    src = ("# 企劃\n\n## 設計發想\n\n於是擴展為宣傳網站加上個人資訊頁。\n\n然後解決衍伸問題：\n\n"
           "- 用機器人處理角色數值\n- 改造開源機器人\n- 網站改成組織官網\n\n## 架構\n\n整個專案用試算表當資料庫，每天同步一次。\n")
    cards = xhs_cards(cli, story_file(src), tmp_path / "o")
    lists = [c for c in cards if c["kind"] == "list"]
    assert lists and any(t["lines"][0] == "解決衍伸問題：" for t in lists[0]["texts"] if t["role"] == "body"), lists


def test_an_epigraph_a_licence_and_a_closing_reading_list_are_set_aside():
    s = parse('---\ntitle: Mindset\n---\n\nPrelude: "[Creative Thinking](https://example.com/ct)" — Wang Yin\n\n---\n\n'
              "I’ve noticed a phenomenon: when you say A is good, someone will say A is not as good as B.\n\n"
              "The first case is when you say one chain is better than another, it will spark controversy.\n")
    units = [u.text for sec in s.a.units for u in sec]
    assert units[0].startswith("I’ve noticed") and not any("Prelude" in u for u in units)
    assert "WangYinIve" not in s.a.hashtags and not any(h.startswith("’") for h in s.a.keywords)
    s = parse("---\ntitle: 香港仔\n---\n\n（[由原作者 Ignxxx(Wikimedia User) 以 創用CC 姓名標示-相同方式分享 3.0 方式授權]"
              "(https://commons.wikimedia.org/wiki/File:Aberdeen.jpg)）\n\n"
              "不得不說彭導呢齣戲唔錯下，將一家三代所面對嘅困惑都寫曬出嚟。\n\n全片有住唔少植入式廣告，但又唔令人覺得怪。\n\n"
              "延伸閱讀：\n\n#\n[擱淺的鯨魚-陶傑](http://example.com/1)\n\n#\n[《香港仔》：損壞後重建的香港家庭](http://example.com/2)\n")
    units = [u.text for sec in s.a.units for u in sec]
    assert units[0].startswith("不得不說") and not any("授權" in u or "鯨魚" in u or "延伸" in u for u in units)
    assert [k.text for k in s.a.key_points if "陶傑" in k.text or "家庭" in k.text] == []


def test_the_replies_of_a_dialogue_never_stand_alone():
    s = parse("# 香港仔\n\n仲有樣喺個細路女入咗醫院，同曾志偉對話果一段：\n\n> 「哈，uncle，我會唔會死噶？」\n>\n"
              "> 「你要好耐好耐之後先會死噶。」\n>\n> 「咁我幾時先會死啊？」\n>\n> 「咪好耐好耐以後囉」\n\n"
              "曾志偉同個細路女嘅對話，將佢嘅困惑寫咗出嚟：忙咗半世人都唔知自己爲咗乜而忙。\n")
    turns = [u for sec in s.a.units for u in sec if u.kind == "quote"]
    assert turns[0].text == "「哈，uncle，我會唔會死噶？」" and turns[0].standalone
    assert len(turns) == 4 and all(not u.standalone and u.note == "a turn of a dialogue" for u in turns[1:])
    # Cantonese pointers and "also" lean on the sentence before
    assert opener_kind("呢個問題好多人都答唔出。", True) == "anaphor"
    assert opener_kind("亦喺香港的一幅寫照。", True) == "anaphor"


def test_hashtags_are_whole_words_and_no_adjective_alone():
    from contentkit.analysis import _tag_words

    s = parse("---\ntitle: Chains\n---\n\nETH is a chain. The ETH team ships upgrades. Creative Thinking is a book "
              "about the ETH community. People love Creative Thinking and good tools; good tools are good.\n")
    tags = [t.lower() for t in s.a.hashtags]
    assert "creativethinking" in tags and "eth" in tags  # "eth" inside "creativethinking" is no duplicate
    assert "good" not in tags and "creative" not in tags
    assert _tag_words("SOL's") == ("sol",) and _tag_words("WangYin") == ("wang", "yin")


def test_unseen_diaries_list_items_titles_and_sign_offs():
    """Ten more unseen posts (zh-Hans game and career notes, zh-Hant student diaries, English
    conference notes): a bullet ending on a comma continued in the next ("…猎魔人，。最后角色
    等级37。"); "--EOF" closed a note; parts were titled "其實只是因為有點懶得打", "蚊子就算了",
    "我用電風扇的背面把它吸住" and "當我刷完牙回到房間"; a tag "talk | 演講" became "#talk演講";
    "Not only on our machines." opened a note as its hook."""
    from contentkit.editorial.structure import title_for

    s = parse("# 巫师3\n\n## 游戏数据\n\n- 奖杯数据：1金5银31铜，石之心完成度15%。\n"
              "- 游戏结局嘛，很符合猎魔人的个性：培育了新一代的猎魔人（希里猎魔人），\n- 最后角色等级37。\n\n"
              "本来以为一周目结束就完结了，万万没想到，还有二周目，以后再说吧。\n\n--EOF\n")
    texts = [u.text for sec in s.a.units for u in sec]
    assert any(t.endswith("（希里猎魔人），最后角色等级37。") for t in texts), texts
    assert not any("，。" in t or "EOF" in t for t in texts), texts
    for bad in ("其實只是因為有點懶得打", "蚊子就算了", "我用電風扇的背面把它吸住", "當我刷完牙回到房間"):
        t = title_for(f"上禮拜就結束實習了。{bad}，還一堆奇奇怪怪的蟲。冷氣一直漏水有夠可怕，電腦就放在下面。",
                      ["其他的段落"], True)
        assert t != bad, t
    assert opener_kind("以致於在精靈的前期，還可以幫忙解決一些錯誤。", True) == "anaphor"
    assert opener_kind("應該說影響我非常大。", True) == "anaphor"
    assert opener_kind("Not only on our machines.", False) == "anaphor"
    assert opener_kind("Not only is it cheap, but it is also fast.", False) is None
    s = parse("---\ntitle: 戲劇與人生\ntags: [\"talk | 演講\"]\n---\n\n今天的主題是戲劇與人生，主講者是李立群。他講了很多演講的故事。\n")
    assert "演講" in s.a.hashtags and not any("talk" in h.lower() for h in s.a.hashtags), s.a.hashtags
    s = parse("# Usersnap - the holy grail of bug reporting\n\nThe bug reporting is very important for us. "
              "As developers, we produce code that should work everywhere. Not only on our machines. "
              "Usersnap is an amazing tool that removes the gap between you and the client.\n")
    assert s.a.hook != "Not only on our machines."


def test_a_sentence_that_opens_on_an_identifier_explains_code():
    s = parse("# Big data\n\n## The filter\n\n```js\nvar list = $('ul'), field = $('input');\n```\n\n"
              "`list` and `field` are DOM elements. The page loads roughly 7MB of JSON data on every visit.\n")
    units = [u for sec in s.a.units for u in sec]
    assert any(u.text.startswith("list and field") and not u.standalone for u in units), units


def test_a_yearly_review_keeps_its_numbers_words_and_own_tags():
    """An unseen zh-Hant KPI review: a beat cut "2,137 views" to "…與會分享 2。"; a card broke
    "(非/公開)"; the template's tags "JWT" and "JSON" and the word "Day" were hashtags."""
    from contentkit.analysis import Rates
    from contentkit.formats.video import leading_clauses

    said = leading_clauses("無瑕程式碼的彩虹七式 26,263 views、與架構設計當朋友 2,137 views，"
                           "PHP 良好實踐 1,452 views，讓 PIXFramework 起飛，得到三萬個技術人眼球。", Rates(), True, 12)
    assert "2,137 views" in said and "1,452 views" in said, said
    assert "(非公開)" in tokenize("讓 PIXFramework 起飛 (非公開) 得到")
    s = parse("---\ntitle: 利用 KPI Review 的自我檢核\ntags: [JWT, JSON, AWS]\n---\n\n"
              "工作的第二年試圖在技術領域不斷深耕。今年參加了 PHP 也有 Day 番外篇，也考了 AWS 的認證，"
              "Day 也過得很充實。AWS 的課程很有幫助。\n")
    assert not {"JWT", "JSON", "Day"} & set(s.a.hashtags) and "AWS" in s.a.hashtags, s.a.hashtags


def test_a_see_more_section_of_links_is_set_aside():
    s = parse("# 2018 年度回顧\n\n選在今年最後一個上班日來做年度回顧。今年做了兩大專案。\n\n"
              "## 投影片分享\n\n分享了經驗值專案的設計，也講了遊戲化的實作。\n\n### See more\n\n- [2017 年度回顧](/kpi_review)\n")
    assert not any(sec.heading == "See more" for sec in s.sections)


def test_struck_text_is_taken_back_in_plain_text_and_kept_struck_in_the_article(cli, tmp_path, story_file):
    """Ten more unseen posts (zh-Hans travel and game diaries, zh-Hant developer notes, an
    English trail journal): "預設的新分頁很簡潔~~簡陋~~" had been posted as "很簡潔簡陋", a
    writer's joke read as a contradiction."""
    s = parse("# 測試\n\n預設的新分頁很簡潔~~簡陋~~，有 Google 搜尋。然後右轉開出去了。~~她說我太帥啦~~。\n\n"
              "This is ~~bad~~ good news.\n")
    plains = [b.text.plain for sec in s.sections for b in sec.blocks]
    assert plains == ["預設的新分頁很簡潔，有 Google 搜尋。然後右轉開出去了。", "This is good news."], plains
    rt = s.sections[0].blocks[0].text
    assert "~~簡陋~~" in rt.markdown() and "<del>簡陋</del>" in rt.html()
    path = story_file("---\ntitle: 新分頁\n---\n\n## 新分頁\n\n預設的新分頁很簡潔~~簡陋~~，有 Google 搜尋、常用頁面。\n")
    out = tmp_path / "o"
    r = cli("build", path, "-o", out, "-f", "article", "-q")
    assert r.exit_code == 0, r.output
    assert "簡陋" not in (out / "article/xiaohongshu.txt").read_text("utf-8")
    assert "<del>簡陋</del>" in (out / "article/longform.html").read_text("utf-8")


def test_a_link_label_a_picture_caption_and_a_typed_laugh_are_not_points():
    from contentkit.editorial.units import link_label

    assert link_label("下載連結：Unsplash Instant") and link_label("GitHub: contentkit")
    assert not link_label("地址：台南市中西區民族路二段") and not link_label("功能：隨機照片")
    s = parse("# 推薦\n\n## Unsplash Instant\n\n下載連結：[Unsplash Instant](https://example.com/u)\n\n"
              "Unsplash 是蠻有名的高解析度免費圖庫平台，每張照片採用的授權很自由。\n\n"
              "![library.jpg](https://example.com/l.jpg)\n\n> 图书馆（当前所在位置）\n\n"
              "毕竟我刚进去，他就告诉我下午三点半再来（（（\n")
    shown = [u.text for sec in s.a.units for u in sec if u.standalone]
    assert not any("下載連結" in t or "图书馆（当前" in t or "（（（" in t for t in shown), shown
    images = [b for sec in s.sections for b in sec.blocks if b.kind == "image"]
    assert images and images[0].title == "图书馆（当前所在位置）"
    assert "下午三点半再来" in " ".join(t for sec in s.a.units for t in (u.text for u in sec))


def test_a_headingless_short_story_posts_several_points(cli, tmp_path, story_file):
    """"Ice Cream Tragedy" (seven short paragraphs, no heading) had made a Xiaohongshu note of
    its hook alone."""
    body = ("I have a sweet tooth. A bottomless appetite for cookies, brownies, and ice cream.\n\n"
            "When I was little we were waiting at the airport for my Uncle. I spotted an ice cream stand across the way.\n\n"
            "My Mom gave me some money and said, \"Go get something.\"\n\n"
            "I remember being at the counter. Eyes wide looking at the menu. I spotted the Triple Scoop Sunday "
            "and I had enough money. This thing was as big as my head.\n\n"
            "As I'm walking back I felt everyone looking at me. I was presenting this monstrosity for everyone to see.\n\n"
            "I didn't eat a single bite. It just sat there and melted. A goddamn ice cream tragedy.\n")
    path = story_file("---\ntitle: Ice Cream Tragedy\n---\n\n" + body)
    out = tmp_path / "o"
    r = cli("build", path, "-o", out, "-f", "article", "-q")
    assert r.exit_code == 0, r.output
    note = (out / "article/xiaohongshu.txt").read_text("utf-8")
    assert len(re.findall(r"^[①②③④⑤] ", note, re.M)) >= 3, note


def test_a_trail_log_titles_its_parts_by_line_and_signs_its_note():
    from contentkit.analysis import can_open
    from contentkit.editorial.structure import _en_phrase

    assert "\n" not in _en_phrase("Conditions: High 50s\nDistance: 19 miles\nTrail legs. I read about trail legs "
                                  "when researching the trail. People talk about trail legs all the time.", ["Other text."])
    s = parse("# Day 6\n\n**Conditions**: *High 50s, Cloudy*  \n**Distance**: *19 miles*\n\n"
              "Trail legs. I read about them when researching the Appalachian Trail. I got mine today.\n\n"
              "I noticed a note on the trail marker.\n\n> Bootstrapper,  \n> We pushed on to Carter Gap shelter. "
              "Hope to cross paths down the trail.  \n> - Shifty.\n")
    quotes = [b for sec in s.sections for b in sec.blocks if b.kind == "quote"]
    assert quotes and quotes[0].attribution == "Shifty", quotes
    units = [u for sec in s.a.units for u in sec]
    assert not any(u.standalone and u.text.strip("“\"") == "Bootstrapper," for u in units), units
    assert "Distance" not in s.a.hook, s.a.hook
    assert not any(can_open(u) for u in units if "19 miles" in u.text)


def test_more_openers_that_lean_back():
    for zh in ("结果好不容易强装镇定取了行李出机场，就遇到一个重大问题。", "想搞清楚这个问题，首先要知道白平衡的概念。",
               "真的带给我一种很特别的情感。", "可在下面這些指令使用以上預設別名。"):
        assert opener_kind(zh, True) == "anaphor", zh
    assert opener_kind("像上面所说，现代的相机都已经具备自动白平衡的功能。", True) == "connective"
    assert opener_kind("结果显示，七成的人喜欢。", True) is None
    assert opener_kind("Any of these can affect a stock price.", False) == "anaphor"
    assert opener_kind("If the stock price comes down a little, they buy a little more.", False) == "anaphor"
    assert opener_kind("When the Romans came, they planted vines.", False) is None
    assert opener_kind("讓我印象深刻的是那碗湯。", True) is None


def test_a_series_box_and_a_pointer_to_earlier_posts_are_set_aside():
    s = parse("# 重新認識 CSS\n\n本篇將介紹 box-sizing 屬性。\n\n> 「重新認識 CSS」系列文章發文於：\n> - iT 邦幫忙\n> - Titangene Blog\n\n"
              "## 前言\n\nbox-sizing 屬性能用在任何元素。\n\n> selector 詳情可參考我前幾天寫的：[重新認識 CSS - CSS Selector](/x)\n\n"
              "> 其他推薦 Chrome Extension 相關文章可參閱 [推薦系列](/tags/x)。\n")
    text = " ".join(u.text for sec in s.a.units for u in sec)
    assert "發文於" not in text and "iT 邦幫忙" not in text and "詳情可參考" not in text and "相關文章" not in text, text


def test_a_chinese_sentence_full_of_paths_and_a_bare_or_between_commands():
    from contentkit.text import split_sentences

    assert split_sentences("此安裝腳本會將 nvm repo clone 到 ~/.nvm，並且將 source line 新增至你的 profile 設定 "
                           "( ~/.bash_profile、~/.zshrc、~/.profile 或 ~/.bashrc )：") == [
        "此安裝腳本會將 nvm repo clone 到 ~/.nvm，並且將 source line 新增至你的 profile 設定 "
        "( ~/.bash_profile、~/.zshrc、~/.profile 或 ~/.bashrc )："]
    s = parse("# nvm\n\n可用 cURL 或 wget 指令安裝 nvm：\n\n```\ncurl -o- https://x | bash\n```\n\n或\n\n"
              "```\nwget -qO- https://x | bash\n```\n\n安裝後重開一個新的終端機再執行一次。\n")
    assert not any(u.standalone and u.text.strip("。") == "或" for sec in s.a.units for u in sec)
    assert not s.a.hook.startswith("或")


def test_a_voice_cut_keeps_its_question_and_its_main_clause():
    from contentkit.analysis import Rates
    from contentkit.formats.video import leading_clauses

    rate = Rates(zh_chars_per_s=4.5)
    q = ("像上面所说，现代的相机应该都已经具备自动白平衡的功能，为什么在拍摄沙尘天气的时候依然拍不出原色，"
         "而需要手动调整白平衡呢，这个问题困扰了我很久很久很久很久很久很久很久很久很久很久很久很久很久？")
    assert leading_clauses(q, rate, True, limit=10.0).endswith("拍不出原色？")
    assert leading_clauses(q, rate, True, limit=6.0).endswith("的功能。")
    s = ("一号早上五点半就到了大连站，下车在门口的一家店存了行李，按照一开始的计划，坐有轨电车 201 路前往新长兴市场吃海鲜，"
         "大概是上一次去锦州时在菜市场吃到了很棒的海鲜，就解锁了一条花少量钱就能吃到很多新鲜海鲜的路子。")
    assert leading_clauses(s, rate, True, limit=8.0) == "一号早上五点半就到了大连站，下车在门口的一家店存了行李。"


def test_unseen_guides_naha_is_a_place_and_read_next_is_no_point(cli, tmp_path, story_file):
    """Ten more unseen posts (zh-Hant family travel guides, zh-Hans Java notes, English essays
    and a trail journal): every sentence on 那霸 (Naha) leaned like one on 那 (that); a card
    showed "它讓第一天和最後一天不慌" for the heading "那霸真正的優點：它讓…"; the note's title
    was cut to "沖繩 3 天 2…"; "第一次租車可接著閱讀…？。" was a beat."""
    from contentkit.editorial.units import link_label
    from contentkit.formats.video import on_screen_text

    assert opener_kind("那霸很適合放在第一晚或最後一晚。", True) is None
    assert opener_kind("那是我第一次去。", True) == "anaphor"
    assert opener_kind("看到這裡，其實不用再問「那霸好不好」。", True) == "anaphor"
    assert on_screen_text("那霸真正的優點：它讓第一天和最後一天不慌", True, n_zh=8) == "那霸真正的優點"
    assert link_label("第一次租車可接著閱讀沖繩親子租車要注意什麼？")
    s = parse("# 沖繩\n\n## 出發前檢查清單\n\n出發前先確認租車公司的還車地點與加油規定，保留報到的緩衝。"
              "也可以比較[第一次沖繩親子自由行 5 天 4 夜怎麼排？](/blog/x)。\n\n"
              "## 資料來源與更新時間\n\n本文內容整理自官方旅遊資料。\n\n## 下一步閱讀\n\n下一步可以看[恩納村適合家庭住嗎？](/blog/y)。\n\n"
              "## 参考文章\n\n- [Eclipse RCP Tutorial](https://example.com/e)\n")
    assert [sec.heading for sec in s.sections] == ["出發前檢查清單"], [sec.heading for sec in s.sections]
    assert "？。" not in " ".join(u.text for sec in s.a.units for u in sec)
    path = story_file('---\ntitle: "沖繩 3 天 2 夜親子行程怎麼排？短天數不趕路版本"\n---\n\n'
                      "## 第一天\n\n抵達後先讓全家安頓下來，不要把班機落地時間當成開車出發時間。\n")
    out = tmp_path / "o"
    r = cli("build", path, "-o", out, "-f", "article", "-q")
    assert r.exit_code == 0, r.output
    assert (out / "article/xiaohongshu.txt").read_text("utf-8").startswith("沖繩 3 天 2 夜親子行程怎麼排？\n")


def test_unseen_essays_numbers_idioms_answers_and_line_ends():
    from contentkit.analysis import extract_keywords
    from contentkit.editorial.structure import title_for
    from contentkit.text import split_sentences

    assert split_sentences("Adding a 10 brings the average from 5 to 6. Still not a 7. In fact, you would need more.") == [
        "Adding a 10 brings the average from 5 to 6.", "Still not a 7.", "In fact, you would need more."]
    assert split_sentences("The U.S. Army was there. Mr. Smith said hi.") == ["The U.S. Army was there.", "Mr. Smith said hi."]
    assert opener_kind("So far so good.", False) is None
    assert opener_kind("Because of what I call the developer gap.", False) == "anaphor"
    assert opener_kind("Because it rained, we stayed home.", False) is None
    assert opener_kind("Developers, especially new developers, often forget this when debugging.", False) == "anaphor"
    assert opener_kind("I love this city.", False) is None
    text = ("Conditions: Low 70s, Partly Sunny\nDistance: 15 miles\nWoke up with my right shoulder stiff. "
            "Woke up again at the shelter. The miles went by fast on the trail and the shelter was full.")
    assert not any("\n" in k or k.lower() in ("miles woke", "sunny distance") for k, _ in extract_keywords(text, "en"))
    t = title_for("我一直想做一个笔记软件。对于语言，我无选择。不带类型信息的，我都不想用。动态语言写大型软件太难维护了。",
                  ["其他的段落讲别的事情"], True)
    assert not t.endswith("的"), t


def test_a_number_keeps_its_nights_and_a_clause_its_pointer():
    from contentkit.layout import tokenize

    assert "2 夜親子" in tokenize("沖繩 3 天 2 夜親子行程怎麼排？") or "2 夜" in tokenize("沖繩 3 天 2 夜親子行程怎麼排？")
    assert opener_kind("Depending on the gains, this may recoup the initial investment.", False) == "anaphor"


def test_parts_that_share_a_heading_under_two_routes_are_told_apart():
    s = parse("# 沖繩 3 天 2 夜\n\n## 路線 A：北部版\n\n### 第一天：抵達、取車\n\n抵達那霸機場，領行李後前往租車公司。\n\n"
              "### 第二天：水族館\n\n早餐後往本部町移動，上午參觀水族館。\n\n## 路線 B：中南部版\n\n### 第一天：留在那霸\n\n"
              "入住、吃飯、補充用品，孩子狀態好再散步。\n\n### 第二天：南部\n\n若天氣不穩，把室內備案放在同一區。\n")
    labels = [sec.label for sec in s.sections if sec.level == 3]
    assert labels == ["路線 A｜第一天：抵達、取車", "路線 A｜第二天：水族館", "路線 B｜第一天：留在那霸", "路線 B｜第二天：南部"], labels
    assert [sec.heading for sec in s.sections if sec.level == 3][0] == "第一天：抵達、取車"  # the article's own


def test_unseen_coffee_notes_script_footnotes_in_headings_and_numbers():
    """Eleven more unseen posts (a zh-Hant coffee log and reading list under "lang: zh", zh-Hans
    cooking notes and essays, English interviews and link roundups): "lang: zh" on a Taiwanese
    blog gave Simplified templates; headings read "4：6 法[^46method]" and "濾掛^drip-bag"; the
    voice said "14.52025／03" for "14.5（4.5／3／3）2025／03"; "均衡多了！。"; two spans side
    by side read "書名作者"."""
    from contentkit.analysis import detect_language
    from contentkit.editorial.units import _join_items
    from contentkit.text import drop_asides

    assert detect_language("噢首先，我一點都不專業，只是咖啡喝得比較多。說著這個好喝那個不好喝，覺得不如記錄一下。", "zh") == "zh-Hant"
    assert detect_language("首先，我一点都不专业，只是咖啡喝得比较多。", "zh") == "zh-Hans"
    assert detect_language("Hello there, this is English.", "zh-TW") == "zh-Hant"
    s = parse("# 咖啡評鑑\n\n## 4：6 法[^46method]\n\n分成五段注水，比例是 2：4：3：3：3。\n\n## 濾掛[^drip-bag]\n\n"
              "尾韻帶點堅果調性的甜。\n\n[^46method]: <https://youtu.be/x>\n[^drip-bag]: 濾掛式咖啡。\n")
    heads = [sec.heading for sec in s.sections if sec.heading]
    assert "4：6 法" in heads and "濾掛" in heads, heads
    assert drop_asides("酒香日曬：14.5（4.5／3／3／4／3）2025／03：特別的香氣。") == "酒香日曬：14.5 2025／03：特別的香氣。"
    assert _join_items(["開始覺得不好喝是自己沒沖好了", "改用「4：6 法」之後均衡多了！"], True).endswith("均衡多了！")
    s = parse('# 書單\n\n- <span class="t">集體錯覺</span><span class="m">Todd Rose／劉維人</span>\n- <span>真確</span><span>Hans Rosling</span>\n')
    assert "集體錯覺 Todd Rose" in " ".join(u.text for sec in s.a.units for u in sec)


def test_a_table_row_is_no_beat_and_not_that_but_leans(cli, tmp_path, story_file):
    assert opener_kind("可能不是熟悉，而是它有一种代入感的魔力。", True) == "anaphor"
    assert opener_kind("不是所有人都喜欢咖啡，但我喜欢。", True) is None
    path = story_file("---\ntitle: 新奥尔良烤鸡\n---\n\n## 调料\n\n| 调料 | 质量 (g) | 比例 |\n|---|---|---|\n"
                      "| 红椒粉 | 60 | 0.21 |\n| 蒜粉 | 40 | 0.14 |\n| 胡椒粉 | 30 | 0.10 |\n\n"
                      "## 腌料\n\n每 500g 鸡肉配 30g 调料和 70g 油，糖可以用蜂蜜替代。\n\n"
                      "## 取出前处理\n\n在完成前 5 分钟把蜂蜜和水的混合液抹到鸡肉上，然后放回烤箱。\n")
    out = tmp_path / "o"
    r = cli("build", path, "-o", out, "-f", "video", "-O", "video.render=false", "-q")
    assert r.exit_code == 0, r.output
    script = json.loads((out / "video/script.json").read_text("utf-8"))
    assert not any("红椒粉" in sc["voiceover"] or "0.21" in sc["voiceover"] for sc in script["scenes"]), script["scenes"]


def test_wechat_exports_lose_their_cards_sign_offs_and_placeholders():
    """Six WeChat articles clipped to Markdown (a Laos trip, an iPhone backup test, brand and
    tea-chain analyses): the note's hook was "mp.weixin.qq.com旅行雷达" and "96篇原创内容。公众号",
    a part "喜欢，就点个「在看」吧~~" with "跳转到 Cubox 查看", a tag #暂无, a title cut at
    "【全程实测！", a 1-pixel SVG placeholder as text, and "[FBIF食品饮料创新](javascript:void(0);)"."""
    s = parse('+++\ntitle = "开店不如开厂"\ntags = ["暂无"]\n+++\n\n'
              "[mp.weixin.qq.com](https://mp.weixin.qq.com/s/x)旅行雷达\n\n"
              "[FBIF食品饮料创新](javascript:void(0);) *2025年02月17日 08:33* *上海*\n\n"
              "The following article is from 有数DataVision Author 严张攀\n\n96篇原创内容\n\n公众号\n\n，\n\n"
              "2023年，蜜雪冰城消耗柠檬近11.5万吨，稳居全国第一。早在2007年，蜜雪冰城就在郑州市郊建设了自己的原料加工厂。\n\n"
              "![图片](data:image/svg+xml,%3C%3Fxml version='1.0' encoding='UTF-8'%3F%3E%3Csvg width='1px'%3E%3C/svg%3E)\n\n"
              "让专业的人聚在一起，30w+食品人已加入!\n\n## 喜欢，就点个「在看」吧~~\n\n[跳转到 Cubox 查看](https://cubox.pro/c/1)\n")
    text = " ".join(u.text for sec in s.a.units for u in sec)
    for bad in ("mp.weixin", "javascript", "篇原创内容", "公众号", "data:image", "已加入", "在看", "Cubox", "following article"):
        assert bad not in text, (bad, text)
    assert "暂无" not in s.a.hashtags, s.a.hashtags
    assert s.a.hook.startswith("2023年"), s.a.hook
    assert not any(sec.heading.startswith("喜欢") for sec in s.sections)


def test_a_title_is_never_cut_inside_its_bracket():
    from contentkit.formats.video import on_screen_text

    t = on_screen_text("【全程实测！第一批去老挝的已经玩回来啦】一票难求，琅勃拉邦到万象车票，黄牛当道加价！", True)
    assert t.startswith("【全程实测！第一批") and t.endswith("…"), t  # shortened, never cut at the "！" inside
    assert opener_kind("按照蜜雪冰城74亿杯和71亿杯的销量", True) is None  # a title filter, not an anaphor


def test_unseen_english_posts_placeholders_spoken_turns_and_also():
    """Five more unseen English posts (a product comparison, R tutorials, a science-policy
    diary): "::SWETRIX_LOGO:::" in a table's facts, a beat titled "I was talking (well", "OK but
    now we need…" and "We also use conflicted…" shown alone."""
    from contentkit.editorial.units import drop_connective
    from contentkit.formats.video import _clause

    s = parse("# Swetrix vs Umami\n\n## Features\n\n| | ::SWETRIX_LOGO:: | Umami |\n|---|---|---|\n"
              "| Error Tracking | ✅ | ❌ |\n| User Flow Analysis | ✅ | ❌ |\n")
    tables = [b for sec in s.sections for b in sec.blocks if b.kind == "table"]
    assert tables and tables[0].header[1] == "Swetrix", tables  # the brand's token is the brand's name
    assert _clause("I was talking (well, messaging) to a friend about the James Webb Telescope.") == \
        "I was talking to a friend about the James Webb Telescope"
    assert drop_connective("OK but now we need to extend out the plot.", False) == "Now we need to extend out the plot."
    assert opener_kind("We also use conflicted to state we prefer pluck.", False) == "anaphor"
    assert opener_kind("We use conflicted to state we prefer pluck.", False) is None


def test_an_interjection_alone_is_no_hook():
    s = parse("# The many Flavours of Missing Values\n\nI made a vector of NA values and checked its class. "
              "Uhhh-huh. NA values are this double entity that have different classes? They are baked right into R.\n")
    assert not s.a.hook.startswith("Uhhh"), s.a.hook
    assert not any(u.standalone for sec in s.a.units for u in sec if u.text.startswith("Uhhh"))
    s = parse("# 好笑\n\n哈哈哈！\n\n这家店的招牌是一碗三十年的牛肉面，汤头很浓。\n")
    assert not s.a.hook.startswith("哈哈"), s.a.hook


def test_prose_in_an_html_block_is_read_and_a_widget_is_not():
    """A 2011 Tumblr interview held its questions and half its answers in `<div>`s: all of it
    had been set aside as raw HTML, so "Statistician." opened the note with no question."""
    s = parse("# Interview with Nathan Yau\n\n<div class=\"im\">\n  <strong>Do you consider yourself a statistician?</strong>\n</div>\n\n"
              "<span>Statistician. I feel like statisticians can call them data scientists.</span>\n\n"
              "<div class=\"im\">\n  <strong>Who have been good mentors to you?</strong>\n  <p>\n    I really got into the area "
              "during a summer internship at <a href=\"https://nytimes.com\">The New York Times</a>.\n  </p>\n</div>\n\n"
              "<div><script>alert(1)</script><p>never shown</p></div>\n\n<div><iframe src=\"https://x\"></iframe></div>\n")
    text = " ".join(b.text.plain for sec in s.sections for b in sec.blocks if b.kind == "paragraph")
    assert "Do you consider yourself a statistician?" in text and "summer internship at The New York Times" in text, text
    assert "never shown" not in text and "alert" not in text
    links = [sp.href for sec in s.sections for b in sec.blocks if b.kind == "paragraph" for sp in b.text.spans if sp.href]
    assert "https://nytimes.com" in links


def test_a_feed_export_reads_its_front_matter_and_its_html_article():
    """An RSS feed's posts (36kr through RSSHub) start with a blank line before "---" and hold the
    whole article in one `<div>` of `<p>`, `<h2><strong>` and `<img>`: the front matter had been
    the note's opening, the article text set aside as raw HTML."""
    s = parse("\n---\ntitle: '格局打开：NFT持有者决定IP天花板'\nauthor: 36kr\n---\n\n<div>\n"
              '<p class="image-wrapper"><img src="https://img.example.com/a.jpg"></p>\n'
              "<p>我算是一个略懂 NFT 皮毛的玩家，至今持有 BAYC、Azuki、Doodles 等系列。</p>\n"
              "<h2><strong>从IP角度聊聊NFT</strong></h2>\n"
              "<p>近期行业流量的焦点当属 BAYC 和它的母公司 Yuga Labs，前者像皮克斯，后者则是迪士尼。</p>\n"
              '<p class="image-wrapper"><img src="https://img.example.com/b.jpg"></p>\n'
              "<p>百年之前，宽荧幕的有声电影就是新媒体，米奇家族则是这个渠道里崛起的第一批 IP。</p>\n"
              "<h2><strong>Web3时代的版权体系</strong></h2>\n"
              "<p>库里在 2021 年 8 月以 55 ETH 购买了一只 BAYC，按当时 ETH 价格换算约为 19.8 万美元。</p>\n"
              '<p>本文来自微信公众号 <a href="http://mp.weixin.qq.com/s?x">“Odaily”</a>，作者：Mandy，36氪经授权发布。</p>\n</div>\n')
    assert s.title == "格局打开：NFT持有者决定IP天花板"
    assert any(sec.heading == "从IP角度聊聊NFT" for sec in s.sections), [sec.heading for sec in s.sections]
    kinds = [b.kind for sec in s.sections for b in sec.blocks]
    assert kinds.count("image") == 2 and kinds.count("paragraph") >= 3, kinds
    text = " ".join(u.text for sec in s.a.units for u in sec)
    assert "title:" not in text and "经授权发布" not in text and "迪士尼" in text, text


def test_an_html_block_of_navigation_is_not_read():
    s = parse("# Post\n\nA paragraph of the story itself, long enough to be a point of its own.\n\n"
              '<div class="post-nav"><p>Read the previous part before this one.</p></div>\n\n'
              '<div><a href="/prev">Previous</a> <a href="/next">Next</a></div>\n\n'
              '<div class="im"><strong>Why did you start?</strong></div>\n')
    text = " ".join(b.text.plain for sec in s.sections for b in sec.blocks if b.kind == "paragraph")
    assert "previous part" not in text and "Previous" not in text and "Why did you start?" in text, text


def test_a_frame_then_that_leans_and_no_shot_opens_on_an_apostrophe():
    from contentkit.formats.video import _en_subjects

    assert opener_kind("In the developer world, that’s a lifetime of experiences.", False) == "anaphor"
    assert opener_kind("In the beginning, PocketBracket had a team.", False) is None
    subjects = _en_subjects("I’ve learned that doesn’t necessarily trickle down to the App Store. "
                            "The space has become more crowded over the years.", set())
    assert not any(re.match(r"n[’']t\b", s) for s in subjects), subjects


def test_an_english_part_is_never_titled_by_its_frame():
    from contentkit.editorial.structure import title_for

    t = title_for("With my birthday at the end of the month, I realized that I've been programming for 20 years. "
                  "It was this realization that was the deciding factor. In the developer world, that's a lifetime of "
                  "experiences with dozens of development teams. So I am writing BaseCode, a field guide to lasting code. "
                  "The field guide collects practices for lasting code.", ["Learn Python for data analytics."], False)
    assert t.lower() != "in the developer world" and not t.lower().startswith(("in the", "with my")), t
