"""The compliance check: each rule against small, readable cases, and the demo's deliberate lapses."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from liaison.content.schema import Profile, SeatLevel, Tier
from liaison.rules import compliance
from liaison.rules.compliance import FAIL, PASS, RISK, _yearly, merged
from tests.model.test_site import site_at


def set_profiles(content: Path, profiles: str) -> None:
    path = content / "site.yaml"
    path.write_text(path.read_text() + f"compliance: {{profiles: [{profiles}]}}\n")


def problems(site, year: int = 2026) -> list[tuple[str, str, str]]:
    return [(f.rule, f.subject, f.status) for f in compliance.check(site, year).findings if f.status != PASS]


def test_the_demo_has_exactly_its_three_deliberate_lapses(demo_checked) -> None:
    """content/README.md lists them: a late notice, a deputy short of visits, an unanswered opinion."""
    report = compliance.check(demo_checked[0])
    assert sorted((f.rule, f.subject, f.status) for f in report.findings if f.status != PASS) == [
        ("deputy_visits", "luo-dayong", FAIL),
        ("feedback", "2026-0030", FAIL),
        ("feedback", "hehua-street", FAIL),  # the same unanswered opinion, as the station's feedback rate
        ("notice_lead", "2026-06-02-songlin-township-reception", FAIL),
    ]
    assert report.profiles == ("衢州", "西峡", "郴州")
    rules = {f.rule for f in report.findings}
    assert rules == {"six_items", "monthly_reception", "notice_lead", "deputy_visits", "activities",
                     "inspections", "assignment", "feedback", "naming", "message_channel"}
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
    assert next(f.detail for f in report.findings if f.rule == "six_items" and f.status == FAIL) == "缺少：网上应用场景使用方法"


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


# ---- reception days: several a month, and a station's own rule ----------------------------

TWICE_IN_DECEMBER = ('reception_rule: {kind: dates, start: "09:00", end: "11:30", '
                     'dates: [2026-11-05, 2026-11-19, 2026-12-03, 2026-12-17]}')


def set_rule(content: Path, rule: str) -> None:
    path = content / "site.yaml"
    path.write_text(path.read_text().replace(
        'reception_rule: {kind: nth_weekday, n: 1, weekday: 2, start: "09:00", end: "11:30"}', rule))


def finding(site, rule: str, subject: str):
    return next(f for f in compliance.check(site, 2026).findings if f.rule == rule and f.subject == subject)


def test_two_reception_days_left_in_a_month_can_still_make_up_a_deputys_visits(mini: Path) -> None:
    """李䶮 (township seat) has one visit of three; on 2026-11-26 the rule still offers 3 and 17 December."""
    set_profiles(mini, "衢州")
    set_rule(mini, TWICE_IN_DECEMBER)
    visits = finding(site_at(mini, dt.date(2026, 11, 26)), "deputy_visits", "li-yan")
    assert visits.status == RISK and visits.detail.endswith("还差 2 次")
    # after 3 December one day is left: now it cannot be made up
    assert finding(site_at(mini, dt.date(2026, 12, 4)), "deputy_visits", "li-yan").status == FAIL


def test_a_month_is_due_once_its_last_reception_day_has_passed(mini: Path) -> None:
    set_profiles(mini, "无锡")  # villages too must receive every month
    set_rule(mini, TWICE_IN_DECEMBER)
    # East village's only reception was on 3 November; on 10 December, 17 December is still to come.
    detail = finding(site_at(mini, dt.date(2026, 12, 10)), "monthly_reception", "east-village").detail
    assert detail.startswith("1月、") and detail.endswith("10月没有开展代表接待活动")
    late = finding(site_at(mini, dt.date(2026, 12, 18)), "monthly_reception", "east-village").detail
    assert late.endswith("10月、12月没有开展代表接待活动")


def test_monthly_reception_and_remaining_days_follow_the_stations_own_rule(mini: Path) -> None:
    set_profiles(mini, "无锡")
    station = mini / "stations" / "east-village.yaml"
    station.write_text(station.read_text() + 'reception_rule: {kind: nth_weekday, n: 3, weekday: 4, '
                                             'start: "14:30", end: "16:30"}\n')
    site = site_at(mini, dt.date(2026, 12, 10))
    # the centre's first Tuesday (1 December) has passed, the village's third Thursday (17 December) has not
    assert compliance.reception_months(compliance.Context(site, 2026), site.stations["centre"])[0][-1] == 12
    assert compliance.reception_months(compliance.Context(site, 2026), site.stations["east-village"])[0][-1] == 11
    # 李䶮 is at the village only: one day left (17 December); 王堃 also at the centre: none more there
    ctx = compliance.Context(site, 2026)
    assert ctx.remaining_reception_days([site.stations["east-village"]]) == 1
    assert ctx.remaining_reception_days([site.stations["centre"]]) == 0


# ---- naming: the convention in force, for every kind of station --------------------------

def rename_east(content: Path, kind: str, tier: str, name: str) -> None:
    path = content / "stations" / "east-village.yaml"
    text = path.read_text().replace("kind: 联络站", f"kind: {kind}").replace("tier: 村", f"tier: {tier}")
    path.write_text(text.replace("name: 城关镇东村人大代表联络站", f"name: {name}"))


@pytest.mark.parametrize(("convention", "kind", "tier", "name", "status", "detail", "source"), [
    # 郴州 names township and village 联络站 only: a 代表之家 and a professional station take their own names
    ("郴州", "代表之家", "乡镇", "城关镇人大代表之家", PASS,
     "郴州命名规范未规定代表之家的名称，按“××市（县、区）或××镇（街道、园区）人大代表之家”核对：符合", "郴州市人大常委会"),
    ("郴州", "专业联络站", "县", "示例县法律服务专业人大代表联络站", PASS,
     "郴州命名规范未规定专业（行业）联络站的名称", "郴州市人大常委会"),
    ("郴州", "专业联络站", "乡镇", "城关镇物流行业人大代表联络站", PASS, "核对：符合", "郴州市人大常委会"),
    ("郴州", "专业联络站", "县", "示例县法律服务人大代表联络站", FAIL, "核对：不符合", "郴州市人大常委会"),
    ("郴州", "联络站", "村", "东村人大代表联络站", FAIL,
     "不符合郴州命名规范：村（社区）联络站应命名为“××乡镇（街道）××村（社区）人大代表联络站”", "郴州市人大常委会"),
    ("郴州", "代表之家", "乡镇", "城关镇人大代表联络站", FAIL, "核对：不符合", "郴州市人大常委会"),
    # 无锡 gives 代表之家 at city, county and township level
    ("无锡", "代表之家", "县", "示例县人大代表之家", PASS, "符合无锡命名规范", "无锡市《关于高质量推进"),
    ("无锡", "代表之家", "乡镇", "城关镇人大代表之家", PASS, "符合无锡命名规范", "无锡市《关于高质量推进"),
    ("无锡", "联络站", "村", "城关镇东村人大代表工作站", FAIL, "应命名为“××村（社区）人大代表联络站”", "无锡市"),
    ("无锡", "专业联络站", "县", "示例县律师行业人大代表联络站", PASS, "无锡命名规范未规定专业（行业）联络站", "无锡市"),
    # 江苏: township 工作站 or 之家, village 工作站
    ("江苏", "工作站", "乡镇", "城关镇人大代表工作站", PASS, "符合江苏命名规范", "江苏省"),
    ("江苏", "代表之家", "乡镇", "城关镇人大代表之家", PASS, "符合江苏命名规范", "江苏省"),
    ("江苏", "工作站", "村", "东村社区人大代表工作站", PASS, "符合江苏命名规范", "江苏省"),
])
def test_naming_follows_and_cites_the_convention_in_force(mini: Path, convention, kind, tier, name, status,
                                                          detail, source) -> None:
    set_profiles(mini, "无锡, 江苏, 郴州")  # every profile that asks for the check: the convention decides
    path = mini / "site.yaml"
    path.write_text(path.read_text() + f"signage: {{convention: {convention}}}\n")
    rename_east(mini, kind, tier, name)
    found = finding(site_at(mini), "naming", "east-village")
    assert found.status == status and detail in found.detail
    assert found.source.startswith(source)  # the convention in force, not the profiles


def test_every_kind_of_station_has_a_form_under_every_convention() -> None:
    from liaison.content.schema import NamingConvention, StationKind

    for convention in NamingConvention:
        for kind in StationKind:
            for tier in Tier:
                station = type("S", (), {"kind": kind, "tier": tier})()
                form, _ = compliance.name_form(convention, station)
                assert form.text and form.source


def test_a_station_without_a_way_to_leave_a_message_is_a_warning(mini: Path) -> None:
    """The mini site has a site-wide channel; without it every station is 预警, with one only of its own it passes."""
    path = mini / "site.yaml"
    path.write_text("\n".join(line for line in path.read_text().splitlines() if not line.startswith("message_channel")))
    found = {f.subject: f for f in compliance.check(site_at(mini), 2026).findings if f.rule == "message_channel"}
    assert {subject: f.status for subject, f in found.items()} == {"centre": RISK, "east-village": RISK}
    assert "没有留言渠道" in found["centre"].detail and "政府网站发展指引" in found["centre"].source
    station = mini / "stations" / "east-village.yaml"
    station.write_text(station.read_text() + "message_channel: {phone: 0579-61234569}\n")
    found = {f.subject: f for f in compliance.check(site_at(mini), 2026).findings if f.rule == "message_channel"}
    assert found["east-village"].status == PASS and found["east-village"].detail == "公开了本站的留言渠道：留言电话"
    assert found["centre"].status == RISK


@pytest.mark.parametrize("profile", list(Profile))
def test_every_profile_checks_the_message_channel(mini: Path, profile: Profile) -> None:
    set_profiles(mini, profile.value)
    found = [f for f in compliance.check(site_at(mini), 2026).findings if f.rule == "message_channel"]
    assert [(f.subject, f.status, f.detail) for f in found] == [
        ("centre", PASS, "公开了全县统一的留言渠道：留言电话、网上留言"),
        ("east-village", PASS, "公开了全县统一的留言渠道：留言电话、网上留言")]
