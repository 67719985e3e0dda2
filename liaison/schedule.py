"""Reception-day rules: which days of a month a region's rule selects."""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator

from .schema import ReceptionRule

WEEKDAY_NAMES = "一二三四五六日"
ORDINALS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", -1: "最后一"}


def day_in_month(rule: ReceptionRule, year: int, month: int) -> dt.date | None:
    """The rule's day in the given month, or None when the month has no such day."""
    weekday = rule.weekday - 1  # Monday = 0, as in datetime
    days_in_month = calendar.monthrange(year, month)[1]
    matches = [dt.date(year, month, d) for d in range(1, days_in_month + 1)
               if dt.date(year, month, d).weekday() == weekday]
    if rule.kind == "nth_weekday":
        index = rule.n - 1 if rule.n > 0 else -1
        return matches[index] if -len(matches) <= index < len(matches) else None
    # nth_week_weekday: week 1 is the Monday-to-Sunday week holding day 1.
    first = dt.date(year, month, 1)
    week_of = {d: (d.day + first.weekday() - 1) // 7 + 1 for d in matches}
    if rule.n == -1:
        last_week = (days_in_month + first.weekday() - 1) // 7 + 1
        wanted = [d for d in matches if week_of[d] == last_week]
    else:
        wanted = [d for d in matches if week_of[d] == rule.n]
    return wanted[0] if wanted else None


def rule_dates(rule: ReceptionRule, start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """Every rule day from start to end inclusive."""
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        day = day_in_month(rule, year, month)
        if day is not None and start <= day <= end:
            yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def describe(rule: ReceptionRule) -> str:
    if rule.label:
        return rule.label
    weekday = "星期" + WEEKDAY_NAMES[rule.weekday - 1]
    if rule.kind == "nth_weekday":
        return f"每月第{ORDINALS[rule.n]}个{weekday}"
    return f"每月第{ORDINALS[rule.n]}周的{weekday}"
