"""The compliance check: each rule against small, readable cases, and the demo's deliberate lapses."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from liaison import compliance
from liaison.compliance import FAIL, PASS, RISK, _yearly, merged
from liaison.schema import Profile, SeatLevel, Tier
from tests.test_model import site_at


def set_profiles(content: Path, profiles: str) -> None:
    path = content / "site.yaml"
    path.write_text(path.read_text() + f"compliance: {{profiles: [{profiles}]}}\n")


def problems(site, year: int = 2026) -> list[tuple[str, str, str]]:
    return [(f.rule, f.subject, f.status) for f in compliance.check(site, year).findings if f.status != PASS]


def test_the_demo_has_exactly_its_three_deliberate_lapses(demo) -> None:
    """content/README.md lists them: a late notice, a deputy short of visits, an unanswered opinion."""
    report = compliance.check(demo[0].site)
    assert sorted((f.rule, f.subject, f.status) for f in report.findings if f.status != PASS) == [
        ("deputy_visits", "luo-dayong", FAIL),
        ("feedback", "2026-0030", FAIL),
        ("feedback", "hehua-street", FAIL),  # the same unanswered opinion, as the station's feedback rate
        ("notice_lead", "2026-06-02-songlin-township-reception", FAIL),
    ]
    assert report.profiles == ("衢州", "西峡", "郴州")
    rules = {f.rule for f in report.findings}
    assert rules == {"six_items", "monthly_reception", "notice_lead", "deputy_visits", "activities",
                     "inspections", "assignment", "feedback", "naming"}
    for finding in report.findings:
        assert finding.source  # every finding names the rule's source
    late = next(f for f in report.findings if f.subject == "2026-06-02-songlin-township-reception")
    assert "只提前了 1 天（应至少提前 3 天）" in late.detail and "西峡县" in late.source


def test_profiles_merge_to_the_stricter_threshold() -> None:
    params, sources = merged([Profile.QUZHOU, Profile.WUXI])
    assert params["deputy_visits"][SeatLevel.CITY] == 2 and params["deputy_visits"][SeatLevel.NATIONAL] == 1
    assert params["monthly_reception"]["tiers"] == {Tier.COUNTY, Tier.TOWNSHIP, Tier.VILLAGE}
    assert len(sources["monthly_reception"]) == 2
    assert "activities" not in merged([Profile.QUZHOU])[0]
    assert merged([Profile.XIXIA, Profile.JIANGSU])[0]["notice_lead"]["days"] == 3


@pytest.mark.parametrize(("done", "planned", "remaining", "over", "status"), [
    (3, 0, 0, False, PASS), (2, 1, 0, False, PASS),   # met, or met with what is already scheduled
    (1, 0, 5, False, RISK),                              # can still be met this year
    (1, 0, 1, False, FAIL),                              # the remaining reception days cannot make it up
    (2, 0, 9, True, FAIL),                               # the year is over
])
def test_yearly_minimum(done: int, planned: int, remaining: int, over: bool, status: str) -> None:
    assert _yearly(done, planned, 3, remaining, over, "次进站")[0] == status


def test_mini_site_findings(mini: Path) -> None:
    set_profiles(mini, "衢州, 西峡, 郴州")
    site = site_at(mini, dt.date(2026, 11, 26))
    found = problems(site)
    # the county centre held no reception from January to November
    assert ("monthly_reception", "centre", FAIL) in found
    # 王堃 (county seat) has one visit, 李䶮 (township) one: three are required, one reception day is left
    assert ("deputy_visits", "wang-kun", FAIL) in found and ("deputy_visits", "li-yan", FAIL) in found
    # 东村站 follows the centre's annual plan, but publishes no online scenario
    assert [f for f in found if f[0] == "six_items"] == [("six_items", "east-village", FAIL)]
    report = compliance.check(site, 2026)
    assert next(f.detail for f in report.findings if f.rule == "six_items" and f.status == FAIL) == "缺少：应用场景使用方法"


def test_naming_convention_and_deputy_names(mini: Path) -> None:
    set_profiles(mini, "郴州")
    station = mini / "stations" / "east-village.yaml"
    station.write_text(station.read_text().replace("name: 城关镇东村人大代表联络站", "name: 王堃代表联络站"))
    found = problems(site_at(mini))
    assert ("naming", "east-village", FAIL) in found
    report = compliance.check(site_at(mini), 2026)
    detail = next(f.detail for f in report.findings if f.subject == "east-village")
    assert "站名含代表姓名“王堃”" in detail


def test_late_assignment_counts_working_days(mini: Path) -> None:
    set_profiles(mini, "西峡")
    opinion = mini / "opinions" / "2026-0001.yaml"
    # received Friday 2026-09-25; across the National Day week (10-10 a working Saturday) 10-13 is 8 working days
    text = opinion.read_text().replace("received: 2026-11-03", "received: 2026-09-25")
    opinion.write_text(text.replace("assigned: 2026-11-05", "assigned: 2026-10-13"))
    report = compliance.check(site_at(mini), 2026)
    [late] = [f for f in report.findings if f.rule == "assignment" and f.status == FAIL]
    assert late.subject == "2026-0001" and "用了 8 个工作日" in late.detail


def test_unanswered_opinion_is_overdue_only_after_the_answer_period(mini: Path) -> None:
    set_profiles(mini, "西峡")
    opinion = mini / "opinions" / "2026-0001.yaml"
    text = opinion.read_text()
    for line in ("feedback: 2026-11-20\n", "feedback_form: 电话\n", "satisfaction: 满意\n", "result: 已列入年底修缮计划\n"):
        text = text.replace(line, "")
    opinion.write_text(text.replace("status: 已答复", "status: 已交办"))
    assert not any(rule == "feedback" for rule, _, _ in problems(site_at(mini, dt.date(2026, 11, 26))))
    assert ("feedback", "2026-0001", FAIL) in problems(site_at(mini, dt.date(2026, 12, 20)))
