import datetime as dt

import pytest

from liaison.content.schema import ReceptionRule
from liaison.model.schedule import days_in_month, describe, reception_days_in_month, rule_dates


def rule(kind: str, n: int, weekday: int, label: str | None = None) -> ReceptionRule:
    return ReceptionRule(kind=kind, n=n, weekday=weekday, start="09:00", end="11:30", label=label)


@pytest.mark.parametrize(("year", "month", "expected"), [
    (2026, 9, dt.date(2026, 9, 1)),    # the month starts on a Tuesday
    (2026, 10, dt.date(2026, 10, 6)),
    (2026, 12, dt.date(2026, 12, 1)),
    (2027, 2, dt.date(2027, 2, 2)),
])
def test_first_tuesday(year: int, month: int, expected: dt.date) -> None:
    assert days_in_month(rule("nth_weekday", 1, 2), year, month) == [expected]


def test_third_week_tuesday_differs_from_third_tuesday() -> None:
    # March 2026 starts on a Sunday: week 1 is Mar 1 alone, week 3 runs Mar 9-15.
    assert days_in_month(rule("nth_week_weekday", 3, 2), 2026, 3) == [dt.date(2026, 3, 10)]
    assert days_in_month(rule("nth_weekday", 3, 2), 2026, 3) == [dt.date(2026, 3, 17)]


def test_week_without_the_weekday_gives_no_day() -> None:
    # August 2026 starts on a Saturday: its first week has no Tuesday.
    assert days_in_month(rule("nth_week_weekday", 1, 2), 2026, 8) == []


def test_last_weekday_and_missing_fifth() -> None:
    assert days_in_month(rule("nth_weekday", -1, 5), 2026, 11) == [dt.date(2026, 11, 27)]
    assert days_in_month(rule("nth_weekday", 5, 2), 2026, 11) == []  # four Tuesdays


def test_rule_dates_span_years_inclusively() -> None:
    days = list(rule_dates(rule("nth_weekday", 1, 2), dt.date(2026, 11, 3), dt.date(2027, 1, 5)))
    assert days == [dt.date(2026, 11, 3), dt.date(2026, 12, 1), dt.date(2027, 1, 5)]


def test_describe() -> None:
    assert describe(rule("nth_weekday", 1, 2)) == "每月第一个星期二"
    assert describe(rule("nth_week_weekday", 3, 2)) == "每月第三周的星期二"
    assert describe(rule("nth_weekday", 1, 2, label="每月第一个周二")) == "每月第一个周二"


# ---- public holidays: a rule day the station is closed on moves to the next working day ----

@pytest.mark.parametrize(("year", "month", "plain", "moved"), [
    (2026, 5, dt.date(2026, 5, 5), dt.date(2026, 5, 6)),     # 劳动节 1-5 May
    (2026, 10, dt.date(2026, 10, 6), dt.date(2026, 10, 8)),  # 国庆节 1-7 October
    (2025, 10, dt.date(2025, 10, 7), dt.date(2025, 10, 9)),  # 国庆节 and 中秋节 1-8 October 2025
    (2024, 10, dt.date(2024, 10, 1), dt.date(2024, 10, 8)),  # 国庆节, a Tuesday
    (2026, 2, dt.date(2026, 2, 3), dt.date(2026, 2, 3)),     # an ordinary working Tuesday stays
])
def test_first_tuesday_on_a_holiday_moves_to_the_next_working_day(year, month, plain, moved) -> None:
    first_tuesday = rule("nth_weekday", 1, 2)
    assert days_in_month(first_tuesday, year, month) == [plain]
    assert reception_days_in_month(first_tuesday, year, month) == [moved]
    keep = ReceptionRule(kind="nth_weekday", n=1, weekday=2, start="09:00", end="11:30", on_holiday="keep")
    assert reception_days_in_month(keep, year, month) == [plain]


def test_third_week_tuesday_over_three_years() -> None:
    wuxi = rule("nth_week_weekday", 3, 2)
    months = [reception_days_in_month(wuxi, y, m) for y in (2024, 2025, 2026) for m in range(1, 13)]
    assert [len(days) for days in months] == [1] * 36
    days = [day for [day] in months]
    moved = [d for d in days if d.weekday() != 1]
    # 2024-02-13 fell in the Spring Festival break; the next working day was Sunday 18 February (调休)
    assert moved == [dt.date(2024, 2, 18)]
    assert reception_days_in_month(wuxi, 2025, 9) == [dt.date(2025, 9, 16)]
    assert reception_days_in_month(wuxi, 2024, 12) == [dt.date(2024, 12, 10)]  # Dec 2024 starts on a Sunday


def test_rule_dates_apply_the_shift_and_stay_in_range() -> None:
    days = list(rule_dates(rule("nth_weekday", 1, 2), dt.date(2026, 9, 1), dt.date(2026, 11, 30)))
    assert days == [dt.date(2026, 9, 1), dt.date(2026, 10, 8), dt.date(2026, 11, 3)]


def test_custom_dates_rule() -> None:
    custom = ReceptionRule(kind="dates", dates=["2026-03-12", "2026-06-18"], start="09:00", end="11:00")
    assert list(rule_dates(custom, dt.date(2026, 1, 1), dt.date(2026, 12, 31))) == [
        dt.date(2026, 3, 12), dt.date(2026, 6, 18)]
    assert describe(custom) == "按公布的日期"


def test_a_dates_rule_keeps_every_date_of_a_month() -> None:
    """Two reception days a month (the 5th and the 20th): neither is dropped, in any month."""
    twice = ReceptionRule(kind="dates", start="09:00", end="11:00", on_holiday="keep",
                          dates=["2026-11-20", "2026-11-05", "2026-12-07", "2026-12-21", "2027-01-05"])
    assert days_in_month(twice, 2026, 11) == [dt.date(2026, 11, 5), dt.date(2026, 11, 20)]
    assert list(rule_dates(twice, dt.date(2026, 11, 1), dt.date(2027, 1, 31))) == [
        dt.date(2026, 11, 5), dt.date(2026, 11, 20), dt.date(2026, 12, 7), dt.date(2026, 12, 21),
        dt.date(2027, 1, 5)]
    # from a day between the two, the second one of the month is the next reception day
    assert next(rule_dates(twice, dt.date(2026, 11, 6), dt.date(2026, 12, 31))) == dt.date(2026, 11, 20)


def test_dates_moved_past_a_holiday_stay_in_order_and_merge() -> None:
    # 2026-10-01 and 2026-10-06 both fall in the National Day week and move to Thursday 2026-10-08,
    # which the rule also lists: one reception day. 2026-09-30 stays.
    rule_ = ReceptionRule(kind="dates", start="09:00", end="11:00",
                          dates=["2026-09-30", "2026-10-01", "2026-10-06", "2026-10-08", "2026-10-20"])
    assert reception_days_in_month(rule_, 2026, 10) == [dt.date(2026, 10, 8), dt.date(2026, 10, 20)]
    assert list(rule_dates(rule_, dt.date(2026, 9, 1), dt.date(2026, 10, 31))) == [
        dt.date(2026, 9, 30), dt.date(2026, 10, 8), dt.date(2026, 10, 20)]


def test_working_days_honour_holidays_and_adjusted_weekends() -> None:
    from liaison.model import workdays

    assert workdays.working_days_between(dt.date(2026, 9, 30), dt.date(2026, 10, 9)) == 2  # Oct 1-7 off
    assert workdays.is_workday(dt.date(2026, 10, 10))  # a Saturday made a working day (调休)
    assert workdays.holiday_name(dt.date(2026, 10, 6)) == "国庆节"
    assert workdays.add_working_days(dt.date(2026, 9, 30), 2) == dt.date(2026, 10, 9)
    assert workdays.working_days_between(dt.date(2026, 11, 20), dt.date(2026, 11, 23)) == 1  # Fri -> Mon


def test_years_without_published_holidays_fall_back_to_weekdays() -> None:
    from liaison.model import workdays

    assert not workdays.covered(2099)
    assert workdays.is_workday(dt.date(2099, 1, 1)) == (dt.date(2099, 1, 1).weekday() < 5)
