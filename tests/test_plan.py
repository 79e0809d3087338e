"""The series plan: angles across platforms and days, exported as Markdown, CSV and iCalendar."""

from __future__ import annotations

import csv
import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from .conftest import EN, ZH, build_format


@pytest.mark.parametrize("sample, tz", [(ZH, "Asia/Shanghai"), (EN, "UTC")])
def test_calendar_csv_and_table_agree(cli, tmp_path, sample, tz):
    import vobject  # an independent iCalendar parser

    out = tmp_path / "o"
    build_format(cli, "plan", sample, out, "plan.start=2026-12-07")
    posts = json.loads((out / "plan/plan.json").read_text("utf-8"))["posts"]
    assert len(posts) >= 5 and len({p["angle"] for p in posts}) >= 4  # not the same post six times
    assert len({p["platform"] for p in posts}) >= 4
    cal = vobject.readOne((out / "plan/plan.ics").read_text("utf-8"))
    events = sorted(cal.vevent_list, key=lambda e: e.dtstart.value)
    assert len(events) == len(posts)
    for ev, p in zip(events, posts):
        want = dt.datetime.fromisoformat(f"{p['date']}T{p['time']}").replace(tzinfo=ZoneInfo(tz))
        assert ev.dtstart.value == want and ev.dtend.value - ev.dtstart.value == dt.timedelta(minutes=30)
        assert f"[{p['platform']}]" in ev.summary.value and p["artifact"] in ev.description.value
    rows = list(csv.DictReader((out / "plan/plan.csv").open(encoding="utf-8")))
    assert [(r["date"], r["time"], r["platform"]) for r in rows] == [(p["date"], p["time"], p["platform"]) for p in posts]
    first = posts[0]
    assert first["date"] == "2026-12-07"
    live = [p for p in posts if p["format"] == "live"]
    assert live and all(any(live[0]["time"] in link for link in p["links"]) for p in posts
                        if p is not live[0] and p["date"] <= live[0]["date"])  # everything points to the show


def test_times_and_zone_are_options(cli, tmp_path):
    out = tmp_path / "o"
    build_format(cli, "plan", ZH, out, "plan.start=2026-12-07", 'plan.times={douyin = "18:30"}',
                 "plan.timezone=Asia/Taipei")
    posts = json.loads((out / "plan/plan.json").read_text("utf-8"))["posts"]
    assert {p["time"] for p in posts if p["platform"] == "douyin" and p["format"] == "video"} == {"18:30"}
    assert {p["timezone"] for p in posts} == {"Asia/Taipei"}
    r = cli("build", ZH, "-f", "plan", "-o", tmp_path / "bad", "-O", "plan.timezone=Mars/Base")
    assert r.exit_code == 1 and "plan.timezone" in r.output


def test_formats_tell_the_story_from_the_plans_angles(cli, tmp_path):
    """article/cards/video take the angle a plan entry gives them: its hook opens the post,
    and the plan says how to build each piece from its angle."""
    import json

    from tests.conftest import EN

    hooks = {}
    for kind in ("story", "history", "people"):
        out = tmp_path / kind
        r = cli("build", EN, "-f", "article", "-f", "video", "-p", "xiaohongshu", "-p", "douyin",
                "-O", f"article.angle={kind}", "-O", f"video.angle={kind}", "-O", "video.render=false",
                "-o", out, "-q")
        assert r.exit_code == 0, r.output
        script = json.loads((out / "video/script.json").read_text("utf-8"))
        hooks[kind] = script["scenes"][0]["voiceover"]
        assert hooks[kind][:40] in (out / "article/xiaohongshu.txt").read_text("utf-8")
    assert len(set(hooks.values())) == 3  # three angles, three openings, each the story's own sentence
    body = EN.read_text("utf-8")
    assert all(h[:40] in body for h in hooks.values())
    r = cli("build", EN, "-f", "plan", "-O", "plan.start=2026-12-07", "-o", tmp_path / "p", "-q")
    assert r.exit_code == 0, r.output
    plan = json.loads((tmp_path / "p/plan/plan.json").read_text("utf-8"))
    rows = plan["posts"]
    cards = next(x for x in rows if x["format"] == "cards")
    assert cards["build"].endswith(f"-O cards.angle={cards['angle']}") or cards["angle"] == "story"


def test_a_recipe_gets_one_series_plan_across_its_stories(cli, tmp_path, monkeypatch):
    """contentkit run: the stories' plans one after another in one calendar (no platform gets
    two stories on one day), each post naming its story and its files; the same bytes again."""
    import json

    import vobject

    from tests.conftest import EN, ZH

    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.toml").write_text(
        f'stories = ["{ZH}", "{EN}"]\nformats = ["plan"]\nout = "out"\n[options.plan]\nstart = 2026-12-07\n',
        "utf-8")
    r = cli("run", "r.toml", "-q")
    assert r.exit_code == 0, r.output
    series = tmp_path / "out/series-plan"
    data = json.loads((series / "plan.json").read_text("utf-8"))
    per_story = [json.loads(p.read_text("utf-8"))["posts"] for p in sorted((tmp_path / "out").glob("*/plan/plan.json"))]
    assert len(data["posts"]) == sum(len(p) for p in per_story) and len(data["stories"]) == 2
    by_story: dict[str, list[str]] = {}
    for p in data["posts"]:
        by_story.setdefault(p["story"], []).append(p["date"])
        assert (tmp_path / "out" / p["artifact"].split("/")[0]).is_dir()
    first, second = by_story.values()
    assert max(first) < min(second)  # the second story's series starts after the first's
    slots = [(p["date"], p["platform"]) for p in data["posts"]]
    assert len(slots) == len(set(slots))
    cal = vobject.readOne((series / "plan.ics").read_text("utf-8"))
    assert len(cal.vevent_list) == len(data["posts"])
    before = {f.name: f.read_bytes() for f in series.iterdir()}
    assert cli("run", "r.toml", "-q").exit_code == 0
    assert before == {f.name: f.read_bytes() for f in series.iterdir()}


def test_a_traditional_plan_names_platforms_in_its_script_and_never_cuts_a_list(cli, tmp_path, story_file):
    """A zh-Hant plan said "完整版在公众号" (the platform's name from platforms.toml, Simplified),
    and a post opened on an announced list cut at 140 characters."""
    import hanzidentifier

    items = "\n".join(f"- 第{i}項亮點是一段很長的說明文字，講清楚這一項配置具體帶來什麼好處" for i in range(1, 8))
    src = ("---\ntitle: 星辰十六號筆記型電腦評測\nlanguage: zh-TW\n---\n\n## 概覽\n\n星辰十六號是一家著名品牌的旗艦機型，"
           "專為遊戲玩家和創作者設計。\n\n星辰十六號的其它關鍵亮點如下：\n\n" + items + "\n\n## 價格\n\n"
           "星辰十六號現在可以預購，四月底開始交付，基本配置一千七百歐元。\n\n## 效能\n\n你可以在兩個效能層之間做出選擇，"
           "記憶體最高六十四GB。\n")
    out = tmp_path / "o"
    build_format(cli, "plan", story_file(src), out, "plan.start=2026-12-07")
    data = json.loads((out / "plan/plan.json").read_text("utf-8"))
    for post in data["posts"]:
        shown = " ".join([post["text"], *post["links"], post["platform_label"]])
        simplified = [ch for ch in shown if "\u4e00" <= ch <= "\u9fff"
                      and hanzidentifier.identify(ch) == hanzidentifier.SIMPLIFIED]
        assert not simplified, (simplified, shown)
        if "關鍵亮點如下" in post["text"]:
            assert all(f"第{i}項亮點" in post["text"] for i in range(1, 8)), post["text"]
    assert any("公眾號" in link for post in data["posts"] for link in post["links"])
