import datetime as dt

import pytest

from liaison.schedule import day_in_month, describe, rule_dates
from liaison.schema import ReceptionRule


def rule(kind: str, n: int, weekday: int, label: str | None = None) -> ReceptionRule:
    return ReceptionRule(kind=kind, n=n, weekday=weekday, start="09:00", end="11:30", label=label)


@pytest.mark.parametrize(("year", "month", "expected"), [
    (2026, 9, dt.date(2026, 9, 1)),    # the month starts on a Tuesday
    (2026, 10, dt.date(2026, 10, 6)),
    (2026, 12, dt.date(2026, 12, 1)),
    (2027, 2, dt.date(2027, 2, 2)),
])
def test_first_tuesday(year: int, month: int, expected: dt.date) -> None:
    assert day_in_month(rule("nth_weekday", 1, 2), year, month) == expected


def test_third_week_tuesday_differs_from_third_tuesday() -> None:
    # March 2026 starts on a Sunday: week 1 is Mar 1 alone, week 3 runs Mar 9-15.
    assert day_in_month(rule("nth_week_weekday", 3, 2), 2026, 3) == dt.date(2026, 3, 10)
    assert day_in_month(rule("nth_weekday", 3, 2), 2026, 3) == dt.date(2026, 3, 17)


def test_week_without_the_weekday_gives_no_day() -> None:
    # August 2026 starts on a Saturday: its first week has no Tuesday.
    assert day_in_month(rule("nth_week_weekday", 1, 2), 2026, 8) is None


def test_last_weekday_and_missing_fifth() -> None:
    assert day_in_month(rule("nth_weekday", -1, 5), 2026, 11) == dt.date(2026, 11, 27)
    assert day_in_month(rule("nth_weekday", 5, 2), 2026, 11) is None  # four Tuesdays


def test_rule_dates_span_years_inclusively() -> None:
    days = list(rule_dates(rule("nth_weekday", 1, 2), dt.date(2026, 11, 3), dt.date(2027, 1, 5)))
    assert days == [dt.date(2026, 11, 3), dt.date(2026, 12, 1), dt.date(2027, 1, 5)]


def test_describe() -> None:
    assert describe(rule("nth_weekday", 1, 2)) == "每月第一个星期二"
    assert describe(rule("nth_week_weekday", 3, 2)) == "每月第三周的星期二"
    assert describe(rule("nth_weekday", 1, 2, label="每月第一个周二")) == "每月第一个周二"
