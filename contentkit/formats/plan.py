"""The ``plan`` format: one story told from several angles across platforms over days.

Each entry says which angle (``contentkit.editorial.angles``) goes to which platform, on which
day and hour (the platform table's ``best_times``, overridable with ``plan.times``), which
artifact contentkit builds for it (``-f FORMAT -p PLATFORM``), and links to the other pieces
("完整版在公众号", "今晚 20:00 直播见"), so the pieces point to each other.

Exports: ``plan/plan.md`` (a table), ``plan/plan.csv`` (one row per post: the columns bulk
schedulers import: date, time, time zone, platform, text, media) and ``plan/plan.ics`` (an
iCalendar file, written with the ``icalendar`` library, one event per post in the plan's time
zone).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from contentkit.editorial.angles import angle
from contentkit.messages import in_script, msg
from contentkit.output import Artifact, Output, dumps
from contentkit.platforms import get_platform
from contentkit.plugins import Format, FormatOptions
from contentkit.story import Story
from contentkit.text import shorten, visible_len

SCHEMA = "contentkit.plan/1"
# (day, platform, format, angle, artifact) per language; a post without material for its
# angle is told from the story angle instead (angles.angle falls back)
SERIES = {
    "zh": [(1, "wechat", "article", "story", "article/wechat.html"),
           (1, "xiaohongshu", "cards", "history", "cards/xiaohongshu/"),
           (2, "douyin", "video", "people", "video/video.mp4"),
           (2, "weibo", "article", "qa", "article/weibo.txt"),
           (3, "zhihu", "article", "howto", "article/zhihu.md"),
           (3, "douyin", "live", "product", "live/run-of-show.md")],
    "en": [(1, "newsletter", "article", "story", "article/newsletter.html"),
           (1, "instagram", "cards", "history", "cards/instagram/"),
           (2, "x", "article", "qa", "article/x-thread.txt"),
           (2, "tiktok", "video", "people", "video/video.mp4"),
           (3, "youtube-shorts", "live", "product", "live/run-of-show.md")],
}
DEFAULT_TZ = {"zh-Hans": "Asia/Shanghai", "zh-Hant": "Asia/Taipei", "en": "UTC"}
CSV_COLUMNS = ["date", "time", "timezone", "platform", "account", "format", "angle", "title", "text", "media",
               "links"]


class PlanOptions(FormatOptions):
    start: dt.date | None = Field(None, description="the series' first day (YYYY-MM-DD; default: today)")
    timezone: str = Field("", description="IANA time zone of the posting times (default: Asia/Shanghai "
                                          "for zh-Hans, Asia/Taipei for zh-Hant, UTC for en)")
    times: dict[str, str] = Field({}, description="posting time per platform, "
                                  "e.g. {douyin = \"18:30\"}; default: the platform table's best_times")
    live: str = Field("20:00", description="clock time of the live show (HH:MM)")

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        if v:
            try:
                ZoneInfo(v)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError("must be an IANA time zone such as Asia/Shanghai") from None
        return v

    @field_validator("times")
    @classmethod
    def _times(cls, v: dict[str, str]) -> dict[str, str]:
        for k, t in v.items():
            get_platform(k)
            if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", str(t)):
                raise ValueError(f"{k}: must be a clock time like 20:00")
        return v

    @field_validator("live")
    @classmethod
    def _live(cls, v: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", v):
            raise ValueError("must be a clock time like 20:00")
        return v


def entries(story: Story, o: PlanOptions) -> list[dict]:
    loc = story.a.messages_locale
    start = o.start or dt.date.today()
    tz = o.timezone or DEFAULT_TZ.get(story.a.language, "UTC")
    rows = []
    used: set[str] = set()
    for day, pname, fmt, kind, artifact in SERIES["zh" if story.a.is_cjk else "en"]:
        p = get_platform(pname)
        time = o.live if fmt == "live" else o.times.get(pname) or (p.best_times[-1 if day > 1 else 0]
                                                                   if p.best_times else "12:00")
        a = angle(story, kind)
        # an angle the story lacks falls back to the story angle: each post still opens with
        # a line no other post has (the angle's next one, else a key point)
        spare = [*a.lines, *(kp.text for kp in story.a.key_points), story.a.hook,
                 *(u.text for sec in story.a.units for u in sec if u.standalone and u.kind != "table")]
        # a line that fits the 140 shown whole: cut, an announced list lost its last items
        lead = next((x for x in spare if x and x not in used and visible_len(x) <= 140),
                    next((x for x in spare if x and x not in used), a.lead or story.a.hook))
        used.add(lead)
        # the platform's name in the story's script: a zh-Hant plan said "完整版在公众号"
        rows.append({"day": day, "date": (start + dt.timedelta(days=day - 1)).isoformat(), "time": time,
                     "timezone": tz, "platform": pname, "platform_label": in_script(p.label, loc), "format": fmt,
                     "angle": a.kind, "angle_label": msg(loc, f"plan.angle.{a.kind}"),
                     "title": story.title, "text": shorten(lead, 140, visible_len), "artifact": artifact,
                     "account": story.meta.brand.handle_for(pname),
                     # how to build this piece from its angle (article, cards and video take one)
                     "build": f"-f {fmt} -p {pname}" + (f" -O {fmt}.angle={a.kind}"
                                                        if fmt in ("article", "cards", "video")
                                                        and a.kind != "story" else "")})
    rows.sort(key=lambda r: (r["date"], r["time"]))
    return cross_link(rows, loc)


def cross_link(rows: list[dict], loc: str) -> list[dict]:
    """Each post points to the full article and to the live show still ahead ("完整版在公众号",
    "今晚 8 点直播见"), from the posts' own dates."""
    full = next((r for r in rows if r["format"] == "article"), None)
    live = next((r for r in rows if r["format"] == "live"), None)
    for r in rows:
        links = []
        if full and r is not full:
            links.append(msg(loc, "plan.link.full", platform=_short(full["platform_label"])))
        if live and r is not live and r["date"] <= live["date"]:
            when = msg(loc, "plan.tonight") if r["date"] == live["date"] else live["date"][5:]
            links.append(msg(loc, "plan.link.live", when=when, time=live["time"]))
        r["links"] = links
    return rows


def _short(label: str) -> str:
    m = re.search(r"[（(]([^)）,，]+)", label)
    return m.group(1).strip() if m else label.split(" (")[0]


def to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        w.writerow([r["date"], r["time"], r["timezone"], r["platform"], r["account"], r["format"], r["angle"], r["title"],
                    r["text"], r["artifact"], " | ".join(r["links"])])
    return buf.getvalue()


def to_ics(rows: list[dict], story: Story | None = None, *, title: str = "", seed: str = "") -> bytes:
    """One VEVENT per post, 30 minutes, in the plan's zone; UID from the story and the post, and
    DTSTAMP at the series' first day, so the file repeats byte for byte."""
    from icalendar import Calendar, Event

    title = story.title if story is not None else title
    seed = story.sha256 if story is not None else seed
    cal = Calendar()
    cal.add("prodid", "-//contentkit//plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", title)
    first = min((r["date"] for r in rows), default="2000-01-01")
    stamp = dt.datetime.fromisoformat(first + "T00:00:00").replace(tzinfo=dt.timezone.utc)
    for r in rows:
        zone = ZoneInfo(r["timezone"])
        begin = dt.datetime.fromisoformat(f"{r['date']}T{r['time']}:00").replace(tzinfo=zone)
        ev = Event()
        uid = hashlib.sha256(f"{r.get('story_sha256', seed)}|{r['date']}|{r['time']}|{r['platform']}|"
                             f"{r['format']}".encode())
        ev.add("uid", uid.hexdigest()[:32] + "@contentkit")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", begin)
        ev.add("dtend", begin + dt.timedelta(minutes=30))
        ev.add("summary", f"[{r['platform']}] {r['title']} · {r['angle_label']}")
        ev.add("description", "\n".join([r["text"], r["artifact"], *r["links"]]))
        ev.add("categories", [r["format"]])
        cal.add_component(ev)
    cal.add_missing_timezones()  # VTIMEZONE for each TZID (RFC 5545), from the zone database
    return cal.to_ical()


def markdown(rows: list[dict], story: Story | None = None, *, title: str = "", locale: str = "en") -> str:
    loc = story.a.messages_locale if story is not None else locale
    title = story.title if story is not None else title
    cols = msg(loc, "plan.md.columns")
    md = [f"# {msg(loc, 'plan.md.title', title=title)}", "", "| " + " | ".join(cols) + " |",
          "|" + "---|" * len(cols)]
    zones = sorted({r["timezone"] for r in rows})
    for r in rows:
        when = f"{r['date']} {r['time']}" + (f" ({r['timezone']})" if len(zones) > 1 else "")
        cells = [when, r["platform"], r["angle_label"], r["text"],
                 f"`{r['artifact']}` (`{r['build']}`)", "<br>".join(r["links"])]
        md.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    md += ["", msg(loc, "plan.md.tz", tz=", ".join(zones) if zones else "UTC")]
    return "\n".join(md) + "\n"


class PlanFormat(Format[PlanOptions]):
    name = "plan"
    description = "Series plan: angles x platforms x days, with cross-links; Markdown, CSV, iCalendar"
    options_model = PlanOptions

    def renders(self, platform) -> bool:
        return False  # the series picks its platforms

    def cache_inputs(self, story: Story, options: PlanOptions) -> list:
        return [(options.start or dt.date.today()).isoformat()]

    def render(self, story: Story, options: PlanOptions, out: Output) -> list[Artifact]:
        rows = entries(story, options)
        return [out.write("plan/plan.json", dumps({"schema": SCHEMA, "title": story.title, "posts": rows}),
                          format=self.name),
                out.write("plan/plan.md", markdown(rows, story), format=self.name),
                out.write("plan/plan.csv", to_csv(rows), format=self.name, media_type="text/csv"),
                out.write("plan/plan.ics", to_ics(rows, story), format=self.name, media_type="text/calendar")]


plugin = PlanFormat()
