"""Festivals and shopping days in a window of days, computed for a date (never hard-coded).

Chinese lunar and solar festivals and solar terms come from borax's festival library (a
maintained Chinese calendar: lunar dates converted for any year); the shopping days creators
plan around (520, 618, Double 11, Double 12) are fixed solar dates added to it. English
stories get the festivals an English-speaking audience keeps, with Black Friday computed from
Thanksgiving.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

# borax names -> (key, English name); only the days a community greets or sells on
GREETED = {
    "元旦": ("new-year", "New Year's Day"), "情人节": ("valentines", "Valentine's Day"),
    "妇女节": ("womens-day", "International Women's Day"), "劳动节": ("labour-day", "Labour Day"),
    "儿童节": ("childrens-day", "Children's Day"), "教师节": ("teachers-day", "Teachers' Day"),
    "国庆节": ("national-day", "National Day"), "平安夜": ("christmas-eve", "Christmas Eve"),
    "圣诞节": ("christmas", "Christmas"), "除夕": ("new-years-eve-lunar", "Lunar New Year's Eve"),
    "春节": ("spring-festival", "Lunar New Year"), "元宵节": ("lantern", "Lantern Festival"),
    "端午节": ("dragon-boat", "Dragon Boat Festival"), "七夕": ("qixi", "Qixi Festival"),
    "中秋节": ("mid-autumn", "Mid-Autumn Festival"), "重阳节": ("double-ninth", "Double Ninth Festival"),
    "腊八节": ("laba", "Laba Festival"), "母亲节": ("mothers-day", "Mother's Day"),
    "父亲节": ("fathers-day", "Father's Day"), "感恩节": ("thanksgiving", "Thanksgiving"),
    "清明": ("qingming", "Qingming"), "冬至": ("winter-solstice", "Winter Solstice"),
}
SHOPPING = {(5, 20): ("520", "520 表白日", "520"), (6, 18): ("618", "618 年中大促", "618 mid-year sale"),
            (11, 11): ("double-11", "双十一", "Double 11"), (12, 12): ("double-12", "双十二", "Double 12")}
EN_KEEP = {"new-year", "valentines", "mothers-day", "fathers-day", "thanksgiving", "christmas-eve", "christmas",
           "spring-festival", "womens-day"}


@dataclass(frozen=True)
class Day:
    date: dt.date
    key: str
    name: str
    kind: str  # festival, shopping


@lru_cache(maxsize=1)
def _library():
    from borax.calendars.festivals2 import FestivalLibrary

    return FestivalLibrary.load_builtin()


def upcoming(start: dt.date, days: int, language: str) -> list[Day]:
    """The festivals and shopping days from ``start`` (inclusive) for ``days`` days, by date."""
    zh = language.startswith("zh")
    out: list[Day] = []
    for _n, wrapped, fest in _library().list_days_in_countdown(countdown=days - 1, date_obj=start):
        if fest.name not in GREETED:
            continue
        key, en = GREETED[fest.name]
        if not zh and key not in EN_KEEP:
            continue
        out.append(Day(wrapped.solar, key, fest.name if zh else en, "festival"))
        if key == "thanksgiving" and not zh:
            out.append(Day(wrapped.solar + dt.timedelta(days=1), "black-friday", "Black Friday", "shopping"))
    for i in range(days):
        d = start + dt.timedelta(days=i)
        if zh and (d.month, d.day) in SHOPPING:
            key, name_zh, _en = SHOPPING[(d.month, d.day)]
            out.append(Day(d, key, name_zh, "shopping"))
    end = start + dt.timedelta(days=days)
    out = [x for x in out if start <= x.date < end]
    if zh and language == "zh-Hant":
        from contentkit.messages import to_traditional

        out = [Day(x.date, x.key, to_traditional(x.name), x.kind) for x in out]
    return sorted(out, key=lambda x: (x.date, x.key))
