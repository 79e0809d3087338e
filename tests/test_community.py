"""The community kit: topics and answers from the story, festivals from the calendar."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from .conftest import EN, ZH, build_format, parse


def _story_text(story) -> str:
    return "\n".join(u.text for us in story.a.units for u in us)


@pytest.mark.parametrize("sample", [ZH, EN])
def test_kit_quotes_the_story_and_asks_open_questions(cli, tmp_path, sample):
    out = tmp_path / "o"
    build_format(cli, "community", sample, out, "community.date=2026-12-01")
    data = json.loads((out / "community/kit.json").read_text("utf-8"))
    story = parse(sample.read_text("utf-8"), sample.parent)
    text = _story_text(story)
    topics = data["topics"]
    assert len(topics) == 7 and len({t["quote"] for t in topics}) == 7
    assert len({t["question"] for t in topics}) == 7
    for t in topics:
        assert t["quote"] in text  # the story's own words
        q = t["question"]
        # open questions: what / how / which / where, never a yes-or-no one
        assert any(w in q for w in ("What", "How", "Which", "Where", "什么", "怎么", "哪", "为什么")), q
    assert len(data["faq"]) >= 3 and all(f["answer"] in text for f in data["faq"])
    assert 2 <= len(data["poll"]["options"]) <= 4
    msgs = sorted((out / "community/messages").iterdir())
    assert msgs[0].name == "01-announcement.txt" and story.title in msgs[0].read_text("utf-8")
    assert all(len(m.read_text("utf-8")) <= 500 for m in msgs)


def test_festivals_match_the_published_2026_calendar():
    """China's State Council holiday notice for 2026: Spring Festival 17 Feb, Qingming 5 Apr,
    Dragon Boat 19 Jun, Mid-Autumn 25 Sep; the lunar dates below are the same year's almanac."""
    from contentkit.festivals import upcoming

    days = {d.key: d.date for d in upcoming(dt.date(2026, 1, 1), 365, "zh-Hans")}
    assert days["spring-festival"] == dt.date(2026, 2, 17)
    assert days["new-years-eve-lunar"] == dt.date(2026, 2, 16)
    assert days["lantern"] == dt.date(2026, 3, 3)
    assert days["qingming"] == dt.date(2026, 4, 5)
    assert days["dragon-boat"] == dt.date(2026, 6, 19)
    assert days["qixi"] == dt.date(2026, 8, 19)
    assert days["mid-autumn"] == dt.date(2026, 9, 25)
    assert days["double-11"] == dt.date(2026, 11, 11)
    en = {d.key: d.date for d in upcoming(dt.date(2026, 11, 1), 60, "en")}
    assert en["thanksgiving"] == dt.date(2026, 11, 26) and en["black-friday"] == dt.date(2026, 11, 27)
    assert "spring-festival" not in en and "qingming" not in {d.key for d in upcoming(dt.date(2026, 3, 1), 60, "en")}


def test_festival_copy_follows_the_date_option(cli, tmp_path):
    out = tmp_path / "o"
    build_format(cli, "community", ZH, out, "community.date=2027-01-20", "community.days=30")
    data = json.loads((out / "community/kit.json").read_text("utf-8"))
    keys = [f["key"] for f in data["festivals"]]
    assert keys == ["new-years-eve-lunar", "spring-festival", "valentines"]  # 2027: 5 Feb, 6 Feb, 14 Feb
    assert all("red_packet" in f for f in data["festivals"][:2])
    r = cli("build", ZH, "-f", "community", "-o", tmp_path / "bad", "-O", "community.date=2027-13-01")
    assert r.exit_code == 1 and "community.date" in r.output  # a bad value, as for every option


def test_a_festival_greeting_without_a_brand_thanks_people_for_being_here(cli, tmp_path, story_file):
    """With no brand, only an author, the greeting read "Thank you for being part of Paulus
    Schoutsen" (home-assistant-voice-pe-launch): a person is no group to be part of."""
    src = "---\ntitle: Open voice\nauthor: Paulus Schoutsen\n---\n\n## Voice\n\nOpen voice assistants are here now.\n"
    out = tmp_path / "o"
    build_format(cli, "community", story_file(src), out, "community.date=2026-12-20", "community.days=10")
    greetings = [f["greeting"] for f in json.loads((out / "community/kit.json").read_text("utf-8"))["festivals"]]
    assert greetings and not any("part of Paulus" in g for g in greetings)
    assert any("Thank you for being here — Paulus Schoutsen" in g for g in greetings)
