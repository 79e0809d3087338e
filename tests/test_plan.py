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
