"""Story analysis: language, sentences, keywords, key points, hook, hashtags, timing."""

from __future__ import annotations

import pytest

from contentkit.analysis import Rates, analyze, detect_language, hashtagify, top_key_points
from contentkit.parser import parse_file
from contentkit.text import split_sentences, weighted_length

from .conftest import EN, ZH, parse


@pytest.mark.parametrize("text, declared, expected", [
    ("葡萄酒的历史很悠久，从格鲁吉亚开始。", "", "zh-Hans"),
    ("葡萄酒的歷史很悠久，從喬治亞開始。這是傳統。", "", "zh-Hant"),
    ("Wine has a very long history.", "", "en"),
    ("今天聊聊 Napa Valley 和 Bordeaux 的红酒，还有 1855 年的分级。", "", "zh-Hans"),
    ("Mostly English text with one word 红酒 inside it, about wine history.", "", "en"),
    ("随便", "zh-TW", "zh-Hant"),
])
def test_language_detection(text, declared, expected):
    assert detect_language(text, declared) == expected


def test_cjk_sentences_keep_quotes_together():
    text = "他说：「这是1855年的酒。」然后笑了。真的吗？！“葡萄酒是装在瓶子里的诗。”他说……对吧"
    # a quoted sentence that ends inside its quote (。」) is a sentence; ……对吧 does not end one
    assert split_sentences(text) == [
        "他说：「这是1855年的酒。」",
        "然后笑了。",
        "真的吗？！",
        "“葡萄酒是装在瓶子里的诗。”",
        "他说……对吧",
    ]
    assert split_sentences("他问：「你去吗？」我说不去。") == ["他问：「你去吗？」", "我说不去。"]
    assert split_sentences("这是“引号里，不是句子结尾”的话。下一句。") == ["这是“引号里，不是句子结尾”的话。", "下一句。"]


def test_english_sentences_know_abbreviations_and_decimals():
    text = "Mr. Smith went to the U.S. in 1855. He paid $3.50 for a bottle, e.g. a Bordeaux! Was it good? Yes."
    assert split_sentences(text) == [
        "Mr. Smith went to the U.S. in 1855.",
        "He paid $3.50 for a bottle, e.g. a Bordeaux!",
        "Was it good?",
        "Yes.",
    ]


def test_samples_analysis_is_sensible():
    zh = analyze(parse_file(str(ZH))).a
    assert zh.language == "zh-Hans"
    assert "葡萄酒" in zh.keywords[:5]
    assert zh.hook.startswith("你知道吗？")  # a short question joins the sentence after it
    assert zh.hashtags[:3] == ("红酒", "葡萄酒历史", "品酒入门")
    texts = [k.text for k in zh.key_points]
    # bold key sentences are the key points of their sections, with the sentence that leans on them
    assert "同一个品种，种在相隔几百米的两块地里，味道可以完全不同。这就是勃艮第至今按地块分级的原因。" in texts
    assert any(t.startswith("一张按价格排出的名单，至今仍在影响全世界的酒价。有趣的是，它") for t in texts)
    en = analyze(parse_file(str(EN))).a
    assert en.language == "en"
    assert en.hook.startswith("Did you know")
    assert "RedWine" in en.hashtags and all(" " not in h for h in en.hashtags)
    assert any(k.text.startswith("A list drawn up from prices still shapes what the world pays for wine.")
               for k in en.key_points)


def test_timing_uses_configurable_rates():
    s = parse("# 标题\n\n" + "葡萄酒" * 40 + "。\n")
    base = analyze(s, Rates()).a
    fast = analyze(s, Rates(zh_chars_per_s=8.0)).a
    assert base.char_count == 122  # 2 title + 120 body
    assert base.speaking_time_s == pytest.approx(122 / 4, abs=0.1)
    assert fast.speaking_time_s == pytest.approx(base.speaking_time_s / 2, abs=0.1)
    en = analyze(parse("# Title words\n\n" + "word " * 148 + "end.\n"), Rates()).a
    assert en.word_count == 151
    assert en.speaking_time_s == pytest.approx(151 / 2.5, abs=0.1)  # 150 words per minute


def test_explicit_steering_wins():
    text = ("---\ntitle: T\nhook: 你敢信吗？\nkey_points: [第一点, 第二点]\nhashtags: [自定义]\n---\n\n"
            "## 一\n\n普通的一句话而已。\n\n::: keypoint\n这一句才是重点。\n:::\n")
    a = parse(text).a
    assert a.hook == "你敢信吗？"
    assert [k.text for k in a.key_points[:3]] == ["第一点", "第二点", "这一句才是重点。"]
    assert a.hashtags == ("自定义",)


def test_top_key_points_keep_story_order():
    s = analyze(parse_file(str(ZH)))
    top = top_key_points(s, 4)
    assert len(top) == 4
    assert [k.section for k in top] == sorted(k.section for k in top)


def test_hashtagify():
    assert hashtagify("red wine", False) == "RedWine"
    assert hashtagify("#葡萄酒 历史", True) == "葡萄酒历史"


def test_a_name_keeps_its_case_when_a_label_is_capitalised():
    from contentkit.text import capitalised

    assert capitalised("o1 is the best model") == "o1 is the best model"
    assert capitalised("iPhone sales fell") == "iPhone sales fell"
    assert capitalised("tea came back") == "Tea came back"


def test_weighted_length_counts_cjk_double_and_urls_23():
    assert weighted_length("abc") == 3
    assert weighted_length("红酒") == 4
    assert weighted_length("see https://example.com/a/very/long/path") == 4 + 23


def test_analysis_is_deterministic():
    a1 = analyze(parse_file(str(ZH))).a
    a2 = analyze(parse_file(str(ZH))).a
    assert a1 == a2


def test_english_keywords_keep_whole_names_and_skip_negated_phrases():
    """YAKE stops at two words ("Voice Preview", "Preview Edition" of "Voice Preview Edition")
    and ranks phrases from clauses the story argues against ("arbitrarily limit features")."""
    from contentkit.analysis import extract_keywords

    text = ("We all deserve a voice assistant that doesn't harvest our data and arbitrarily limit "
            "features. Voice Preview Edition is our new speaker. Voice Preview Edition has a dial. "
            "Home Assistant runs it. We built Voice Preview Edition for Home Assistant users. "
            "The speaker hardware is open, and the speaker hardware is cheap.")
    kws = [k for k, _ in extract_keywords(text, "en")]
    assert "Voice Preview Edition" in kws
    assert not any(k in ("Voice Preview", "Preview Edition") for k in kws)
    assert not any("limit" in k.lower() or k.lower().startswith("arbitrarily") for k in kws)
    from contentkit.analysis import _full_name

    # a capitalised article at a sentence's start is not part of the name
    assert _full_name("New World", "The New World grew vines. The New World and China.") == "New World"


def test_an_adjective_a_people_or_a_verb_and_object_is_no_topic():
    """Community topics read 'What would you ask an expert about "open"?', 'about "Chinese"'
    and 'about "drink tea"'. Keywords keep such words (they weigh sentences); topics do not."""
    from contentkit.analysis import en_thing

    for word in ("open", "private", "Chinese", "British", "drink tea", "make wine"):
        assert not en_thing(word), word
    for word in ("open voice", "private voice", "Chinese monk", "tea parties", "Roman", "wine"):
        assert en_thing(word), word


def test_a_chinese_keyword_is_the_word_the_story_writes():
    """jieba cuts 折耳根 (a plant) into 折 + 耳根 (an earlobe): "#耳根" was a hashtag. The Hanzi
    before it joins when it stands alone there, not when it ends another word (黑色 | 凝胶)."""
    from contentkit.analysis import extract_keywords

    text = ("很多贵州小吃都离不开折耳根。我刚种了一年折耳根，就找到吃货了。折耳根凉拌最好吃，折耳根炒腊肉也香。"
            "龟苓膏和仙草都是黑色凝胶，仙草冻也是黑色凝胶，只是黑色凝胶的味道不同。")
    kws = [k for k, _ in extract_keywords(text, "zh-Hans")]
    assert "折耳根" in kws and "耳根" not in kws
    assert "色凝胶" not in kws


