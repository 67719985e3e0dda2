import dataclasses
import datetime as dt
from pathlib import Path

import pydantic
import pytest

from liaison.content.loader import load_content
from liaison.content.schema import OpinionStatus
from liaison.content.validate import validate
from liaison.model.site import Site, build_site
from tests.conftest import MINI, TODAY


def site_at(content: Path, today: dt.date = TODAY) -> Site:
    typed, problems = validate(load_content(content), content)
    assert not problems
    return build_site(typed, today)


@pytest.fixture(scope="module")
def site() -> Site:
    return site_at(MINI)


def test_relations(site: Site) -> None:
    centre, east = site.stations["centre"], site.stations["east-village"]
    assert site.children(centre) == (east,)
    assert site.parent(east) is centre
    assert [m.deputy.id for m in site.members(east)] == ["wang-kun", "li-yan"]  # county seat first
    assert [m.station.id for m in site.assignments(site.deputies["wang-kun"])] == ["centre", "east-village"]
    assert [e.id for e in site.duty_events(site.deputies["li-yan"])] == ["2026-11-03-east"]


def test_ended_membership_is_not_current(tmp_path: Path, mini: Path) -> None:
    path = mini / "deputies" / "li-yan.yaml"
    path.write_text(path.read_text().replace("since: 2023-03-01}", "since: 2023-03-01, until: 2026-11-20}"))
    site = site_at(mini)
    east = site.stations["east-village"]
    assert [m.deputy.id for m in site.members(east)] == ["wang-kun"]
    assert len(site.members(east, current=False)) == 2


def test_staff_inherit_role_duties(site: Site) -> None:
    staff = site.staff(site.stations["centre"])
    assert [(s.name, s.duties) for s in staff] == [
        ("赵一", ("主持联络站日常工作",)), ("钱二", ("联系代表和群众", "登记意见建议"))]


def test_opinion_summary(site: Site) -> None:
    summary = site.opinion_summary(site.stations["east-village"])
    assert summary.total == 2
    assert summary.by_status[OpinionStatus.REDIRECTED] == 1
    assert summary.feedback_rate == 1.0  # the redirected one is not counted as unanswered
    assert summary.satisfaction_rate == 1.0
    assert site.opinion_summary(site.stations["centre"]).feedback_rate is None


def test_reception_days_attach_announced_events(site: Site) -> None:
    days = site.reception_days(2)
    assert [d.date for d in days] == [dt.date(2026, 12, 1), dt.date(2027, 1, 5)]
    assert [e.id for e in days[0].events] == ["2026-12-01-centre"]
    assert days[1].events == ()


def test_notices_in_force_follow_the_date() -> None:
    assert [n.id for n in site_at(MINI, dt.date(2026, 11, 26)).active_notices()] == ["december"]
    assert site_at(MINI, dt.date(2026, 11, 24)).active_notices() == []   # not yet published
    assert site_at(MINI, dt.date(2026, 12, 2)).active_notices() == []    # expired


def test_graph_is_immutable(site: Site) -> None:
    with pytest.raises(TypeError):
        site.stations["x"] = site.stations["centre"]  # type: ignore[index]
    with pytest.raises(pydantic.ValidationError, match="Instance is frozen"):
        site.stations["centre"].record.name = "x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        site.stations["centre"].record = site.stations["east-village"].record  # type: ignore[misc]


def test_public_urls_derive_from_ids(site: Site) -> None:
    assert site.public_url(site.stations["centre"]) == "https://rd.example.cn/lianluozhan/stations/centre/"
    assert site.qr_target(site.deputies["li-yan"]) == "https://rd.example.cn/lianluozhan/deputies/li-yan/"


FIRST_WEDNESDAY = '{kind: nth_weekday, n: 1, weekday: 3, start: "09:00", end: "11:00"}'
THIRD_THURSDAY = '{kind: nth_weekday, n: 3, weekday: 4, start: "14:30", end: "16:30"}'


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


@pytest.mark.parametrize(("centre_rule", "tier_rule", "east_rule", "centre_day", "east_day"), [
    (None, None, None, "first Tuesday", "first Tuesday"),              # the site's rule
    (None, THIRD_THURSDAY, None, "first Tuesday", "third Thursday"),   # the village tier's
    (FIRST_WEDNESDAY, None, None, "first Wednesday", "first Wednesday"),  # inherited from the parent
    (FIRST_WEDNESDAY, THIRD_THURSDAY, None, "first Wednesday", "first Wednesday"),  # the parent's before the tier's
    (FIRST_WEDNESDAY, None, THIRD_THURSDAY, "first Wednesday", "third Thursday"),   # its own above all
])
def test_a_station_follows_its_own_rule_then_its_parents_then_its_tiers_then_the_sites(
        mini: Path, centre_rule, tier_rule, east_rule, centre_day: str, east_day: str) -> None:
    if centre_rule:
        _append(mini / "stations" / "centre.yaml", f"reception_rule: {centre_rule}\n")
    if east_rule:
        _append(mini / "stations" / "east-village.yaml", f"reception_rule: {east_rule}\n")
    if tier_rule:
        _append(mini / "site.yaml", f"tier_reception_rules: {{村: {tier_rule}}}\n")
    site = site_at(mini)
    december = {"first Tuesday": dt.date(2026, 12, 1), "first Wednesday": dt.date(2026, 12, 2),
                "third Thursday": dt.date(2026, 12, 17)}
    for station, day in (("centre", centre_day), ("east-village", east_day)):
        [first] = site.reception_days(1, site.stations[station])
        assert first.date == december[day], station
    scopes = site.rule_scopes()
    assert sum(len(scope.stations) for scope in scopes) == 2  # every station follows exactly one rule
    assert len(scopes) == len({centre_day, east_day})


def test_site_wide_reception_days_say_whose_they_are(mini: Path) -> None:
    _append(mini / "stations" / "east-village.yaml", f"reception_rule: {THIRD_THURSDAY}\n")
    site = site_at(mini)
    days = site.reception_days(3)
    assert [(d.date, [s.station.id if s.station else None for s in d.scopes]) for d in days] == [
        (dt.date(2026, 12, 1), [None]), (dt.date(2026, 12, 17), ["east-village"]), (dt.date(2027, 1, 5), [None])]
    assert [e.id for e in days[0].events] == ["2026-12-01-centre"]
