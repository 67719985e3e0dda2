"""Reception-day rules: which days of a month a rule (the site's, a tier's or a station's) selects."""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator

from liaison.content.schema import ReceptionRule
from liaison.model import workdays

WEEKDAY_NAMES = "一二三四五六日"
ORDINALS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", -1: "最后一"}


def days_in_month(rule: ReceptionRule, year: int, month: int) -> list[dt.date]:
    """Every day the rule names in the given month, in order, before any holiday shift.

    A weekday rule names at most one day a month; a `dates` rule may name several.
    """
    if rule.kind == "dates":
        return sorted({d for d in rule.dates if (d.year, d.month) == (year, month)})
    assert rule.weekday is not None and rule.n is not None  # the schema requires both but for "dates"
    weekday = rule.weekday - 1  # Monday = 0, as in datetime
    days_in_month = calendar.monthrange(year, month)[1]
    matches = [dt.date(year, month, d) for d in range(1, days_in_month + 1)
               if dt.date(year, month, d).weekday() == weekday]
    if rule.kind == "nth_weekday":
        index = rule.n - 1 if rule.n > 0 else -1
        return [matches[index]] if -len(matches) <= index < len(matches) else []
    # nth_week_weekday: week 1 is the Monday-to-Sunday week holding day 1.
    first = dt.date(year, month, 1)
    week_of = {d: (d.day + first.weekday() - 1) // 7 + 1 for d in matches}
    wanted_week = (days_in_month + first.weekday() - 1) // 7 + 1 if rule.n == -1 else rule.n
    return [d for d in matches if week_of[d] == wanted_week][:1]


def reception_days_in_month(rule: ReceptionRule, year: int, month: int) -> list[dt.date]:
    """The month's reception days: the rule's days, moved past public holidays if the rule says so.

    Decision (documented in the README): a rule day that is not a working day, such
    as 2026-10-06 in the National Day week, moves to the next working day
    (2026-10-08), because the station is closed and its staff are off. A moved day
    may fall in the next month; it still counts as a reception day of its own month.
    Two days that move onto the same working day are one reception day.
    """
    days = days_in_month(rule, year, month)
    if rule.on_holiday == "keep":
        return days
    return sorted({workdays.next_workday(day) for day in days})


def rule_dates(rule: ReceptionRule, start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """Every reception day from start to end inclusive, in order, holidays already applied."""
    year, month = start.year, start.month
    if month == 1:
        year, month = year - 1, 12
    else:
        month -= 1  # a shifted day of the previous month may land inside the range
    found: set[dt.date] = set()
    while (year, month) <= (end.year, end.month):
        found.update(day for day in reception_days_in_month(rule, year, month) if start <= day <= end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    yield from sorted(found)


def describe(rule: ReceptionRule) -> str:
    if rule.label:
        return rule.label
    if rule.kind == "dates":
        return "按公布的日期"
    assert rule.weekday is not None and rule.n is not None  # the schema requires both but for "dates"
    weekday = "星期" + WEEKDAY_NAMES[rule.weekday - 1]
    if rule.kind == "nth_weekday":
        return f"每月第{ORDINALS[rule.n]}个{weekday}"
    return f"每月第{ORDINALS[rule.n]}周的{weekday}"


def rule_horizon(today: dt.date) -> dt.date:
    """The last day future rule days are listed to (feeds, the lobby screen): the end of the month a year from
    today. It moves by whole months, so that a rebuild on the next day adds no day a year ahead."""
    later = _year_later(today)
    following = later.replace(day=28) + dt.timedelta(days=4)
    return following - dt.timedelta(days=following.day)


def _year_later(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)
