"""Chinese working days: public holidays and the weekends made working days in exchange (调休).

The data comes from the maintained `chinesecalendar` package, which carries each
year once the State Council publishes it (usually in November of the year
before). For a year it does not yet carry, Monday to Friday are taken as
working days, and `covered(year)` says so, so that reports can flag it.
"""
from __future__ import annotations

import datetime as dt
import functools

import chinese_calendar


@functools.cache
def covered(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@functools.cache  # a report at county size asks for the same few hundred days many thousand times
def is_workday(day: dt.date) -> bool:
    if covered(day.year):
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


def holiday_name(day: dt.date) -> str | None:
    """The Chinese name of the public holiday on this day, if any."""
    if not covered(day.year):
        return None
    on_holiday, name = chinese_calendar.get_holiday_detail(day)
    if not on_holiday or name is None:
        return None
    return _CHINESE_NAMES.get(str(name), str(name))


def next_workday(day: dt.date) -> dt.date:
    """The day itself if it is a working day, else the first working day after it."""
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start).

    Received on a Friday and assigned the next Monday is one working day.
    """
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_workday(day)
    return count


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start`."""
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        days -= is_workday(day)
    return day


_CHINESE_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利纪念日",
}
