"""iCalendar feeds read back as a calendar app would: standard syntax, stable UIDs, Beijing wall times."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.model import schedule
from liaison.render.web import calendar
from tests.conftest import DEMO, DEMO_TODAY, TODAY, examples, model, rendered, write

BASE = "https://rd.example.cn/lianluozhan/"
HOST = "rd.example.cn"
FEEDS = ("all", "centre", "east-village")
OLD = dt.datetime(2026, 10, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp()


@pytest.fixture
def built(mini_build: Path) -> Path:
    return mini_build / "site" / "calendar"


def feeds(content: Path, today: dt.date = TODAY) -> dict[str, bytes]:
    """The calendar feeds alone, by name: all, centre, east-village."""
    return {Path(path).stem: data
            for path, data in rendered(lambda job: job.render is calendar.station_feed, content, today).items()}


def _events(raw: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(raw).walk("VEVENT")}


def _rule_days() -> list[dt.date]:
    site, _ = model()
    return list(schedule.rule_dates(site.settings.reception_rule, TODAY, dt.date(2027, 11, 25)))


def test_feeds_are_standard_icalendar_text(built: Path) -> None:
    for name in FEEDS:
        raw = (built / f"{name}.ics").read_bytes()
        assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b""), name  # CRLF only
        assert max(len(line) for line in raw.split(b"\r\n")) <= 75, name  # folded at 75 octets
        calendar = icalendar.Calendar.from_ical(raw)
        assert (str(calendar["VERSION"]), str(calendar["METHOD"])) == ("2.0", "PUBLISH")
        assert str(calendar["PRODID"]) and str(calendar["X-WR-TIMEZONE"]) == "Asia/Shanghai"
        assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
        assert "接待安排" in str(calendar["X-WR-CALNAME"])
    assert str(icalendar.Calendar.from_ical((built / "centre.ics").read_bytes())["X-WR-CALNAME"]) == \
        "示例县人大代表联络中心站接待安排"


def test_an_event_with_its_beijing_wall_time_place_deputies_and_page(built: Path) -> None:
    raw = (built / "centre.ics").read_bytes()
    assert b"DTSTART;TZID=Asia/Shanghai:20261201T090000\r\n" in raw
    event = _events(raw)[f"2026-12-01-centre@{HOST}"]
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.replace(tzinfo=None), end.replace(tzinfo=None)) == (dt.datetime(2026, 12, 1, 9), dt.datetime(2026, 12, 1, 11, 30))
    assert start.utcoffset() == end.utcoffset() == dt.timedelta(hours=8)
    assert str(event["SUMMARY"]) == "示例县人大代表联络中心站 · 接待日：冬季出行安全"
    assert str(event["LOCATION"]) == "示例县人民路1号"  # no location of its own: the station's address
    assert "接待代表：王堃" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == BASE + "schedule/2026-12-01-centre/"  # its published notice


def test_an_entry_is_stamped_with_the_day_its_records_last_changed(mini: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for path in mini.rglob("*"):
        os.utime(path, (OLD, OLD))
    # 01:30 in Beijing on 12 November is still the 11th in UTC: the site's zone decides the day.
    changed = dt.datetime(2026, 11, 12, 1, 30, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp()
    os.utime(mini / "deputies" / "wang-kun.yaml", (changed, changed))  # on duty at the centre on 2026-12-01
    centre = _events(feeds(mini)["centre"])
    # Midnight of that day in Beijing, written in UTC; not the day of the build (TODAY).
    assert centre[f"2026-12-01-centre@{HOST}"].decoded("DTSTAMP") == dt.datetime(2026, 11, 11, 16, tzinfo=dt.UTC)
    placeholder = centre[f"reception-centre-20270105@{HOST}"]  # made of the station and the site's rule only
    assert placeholder.decoded("DTSTAMP") == dt.datetime(2026, 9, 30, 16, tzinfo=dt.UTC)


def test_rule_days_without_a_reception_are_placeholders_and_others_are_not_duplicated(built: Path) -> None:
    days = _rule_days()
    assert len(days) == 12 and days[0] == dt.date(2026, 12, 1)  # the next 12 months from today
    centre = _events((built / "centre.ics").read_bytes())
    east = _events((built / "east-village.ics").read_bytes())
    # Centre has its own reception on 2026-12-01: no placeholder for that day.
    assert f"reception-centre-20261201@{HOST}" not in centre
    assert len(centre) == 1 + 11
    on_the_day = [e for e in centre.values() if e.decoded("DTSTART").date() == dt.date(2026, 12, 1)]
    assert [str(e["UID"]) for e in on_the_day] == [f"2026-12-01-centre@{HOST}"]
    # East village has none announced for it: every rule day is a placeholder, plus its past reception.
    assert len(east) == 1 + 12
    for day in days:
        placeholder = east[f"reception-east-village-{day:%Y%m%d}@{HOST}"]
        assert str(placeholder["SUMMARY"]) == "城关镇东村人大代表联络站 · 代表接待日（接待代表待公告）"
        start = placeholder.decoded("DTSTART")
        assert (start.date(), start.time(), start.utcoffset()) == (day, dt.time(9), dt.timedelta(hours=8))
        assert placeholder.decoded("DTEND").time() == dt.time(11, 30)
        assert str(placeholder["LOCATION"]) == "城关镇东村文化礼堂"
    assert f"2026-11-03-east@{HOST}" in east  # past events stay in the feed


def test_all_is_every_station_and_uids_are_unique(built: Path) -> None:
    raw = (built / "all.ics").read_bytes()
    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(raw).walk("VEVENT")]
    assert len(uids) == len(set(uids))
    per_station = set(_events((built / "centre.ics").read_bytes())) | set(_events((built / "east-village.ics").read_bytes()))
    assert set(uids) == per_station


def test_builds_are_identical_and_uids_survive_the_next_day(built: Path, mini: Path) -> None:
    again = feeds(mini)
    assert again == {name: (built / f"{name}.ics").read_bytes() for name in FEEDS}
    before = _events(again["east-village"])
    after = _events(feeds(mini, TODAY + dt.timedelta(days=1))["east-village"])
    assert set(before) == set(after)  # same UIDs: a subscribed calendar updates its entries in place


def test_other_kinds_link_to_the_schedule_and_name_their_place(mini: Path) -> None:
    write(mini / "events" / "2026-12-10-visit.yaml",
          "kind: 视察调研\nstation: centre\ndate: 2026-12-10\nstart: '14:00'\nend: '16:30'\n"
          "theme: 农村公路养护\nlocation: 城关镇东村村委会\ndeputies: [wang-kun]\n")
    event = _events(feeds(mini)["centre"])[f"2026-12-10-visit@{HOST}"]
    assert str(event["SUMMARY"]) == "示例县人大代表联络中心站 · 视察调研：农村公路养护"
    assert str(event["LOCATION"]) == "城关镇东村村委会"
    assert "参加代表：王堃" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == BASE + "schedule/2026-12/centre/#2026-12-10-visit"  # the month's part, its row
    assert event.decoded("DTSTART").time() == dt.time(14)
    part = "schedule/2026-12/centre/index.html"
    schedule_page = rendered(lambda job: job.outputs == (part,), mini)[part].decode()
    assert 'id="2026-12-10-visit"' in schedule_page  # the anchor the URL names


def test_pages_link_the_feeds(built: Path) -> None:
    site = built.parent
    assert 'href="../calendar/all.ics"' in (site / "schedule" / "index.html").read_text()
    station = (site / "stations" / "east-village" / "index.html").read_text()
    schedule_section = station[station.index('<section id="schedule"'):]
    assert 'href="../../calendar/east-village.ics">订阅本站日历' in schedule_section[:schedule_section.index("</section>")]


def test_an_independent_parser_reads_the_demo_feeds() -> None:
    """vobject, not the library that wrote them, parses every feed of the demo."""
    import vobject

    demo = feeds(DEMO, DEMO_TODAY)
    assert set(demo) == {"all", *model(DEMO, DEMO_TODAY)[0].stations}
    for name, raw in sorted(demo.items()):
        parsed = vobject.readOne(raw.decode("utf-8"))
        events = parsed.vevent_list
        assert events, name
        for event in events:
            assert event.dtstart.value.utcoffset().total_seconds() == 8 * 3600
            assert event.dtend.value > event.dtstart.value
            assert event.uid.value.endswith("@rd.qingyuan.example.cn")
    whole = vobject.readOne(demo["all"].decode("utf-8"))
    assert len({e.uid.value for e in whole.vevent_list}) == len(whole.vevent_list)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
                                  "America/Sao_Paulo", "Pacific/Apia", "Africa/Casablanca"])
@pytest.mark.parametrize(("first", "last"), [(dt.date(2026, 1, 6), dt.date(2027, 11, 3)),
                                             (dt.date(2010, 3, 1), dt.date(2012, 12, 31)),
                                             (dt.date(2026, 3, 29), dt.date(2026, 3, 30)),
                                             (dt.date(1985, 1, 1), dt.date(2026, 1, 1))])
def test_a_feeds_time_zone_is_the_one_icalendar_makes(zone: str, first: dt.date, last: dt.date) -> None:
    """The zone's VTIMEZONE, made without icalendar's walk to year 9999, is the component icalendar makes for
    these dates: zones with and without summer time, one that gave it up (Sao Paulo, 2019), one that skipped a
    day (Apia, 2011), half-hour changes (Lord Howe), dates across and beside the changes."""
    made = calendar.vtimezone(ZoneInfo(zone), first, last).to_ical()
    assert made == icalendar.Timezone.from_tzid(zone, first_date=first, last_date=last).to_ical()


# Text a clerk may type: escapes (backslash, semicolon, comma, a typed \\N), line breaks of every kind, characters of
# one to four bytes, a backslash or caret where a line folds (icalendar keeps it with what follows), and lines far
# past 75 octets.
_TEXT = st.lists(st.sampled_from(["a", " ", "\\", ";", ",", ":", "\n", "\r\n", "\r", "^", '"', "接", "待", "é", "😀",
                                  "http://x.cn/a?b=c&d", "\\N", "\t", "aaaaaaaaaaaaaaaaaaaaaaa"]), max_size=60).map("".join)
_ZONES = st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC", "Etc/UTC", "Asia/Kolkata",
                          "Australia/Lord_Howe"])


@settings(max_examples=examples(400), deadline=None)
@given(summary=_TEXT, location=st.one_of(st.none(), _TEXT), description=_TEXT, uid=_TEXT, zone=_ZONES,
       day=st.dates(dt.date(100, 1, 1), dt.date(9998, 12, 31)), minutes=st.integers(0, 23 * 60),  # 0226: a year typed short
       length=st.integers(1, 600), category=_TEXT, confirmed=st.booleans(),
       url=st.text("abcz09/-_.?=&#%~", max_size=120).map("https://rd.example.cn/".__add__))
def test_an_entry_is_written_as_icalendar_writes_the_event(summary: str, location: str | None, description: str,
                                                           uid: str, zone: str, day: dt.date, minutes: int,
                                                           length: int, category: str, confirmed: bool,
                                                           url: str) -> None:
    """A feed's entries are written without icalendar's components, byte for byte as Event.new's to_ical."""
    start = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=ZoneInfo(zone))
    status = icalendar.STATUS.CONFIRMED if confirmed else icalendar.STATUS.TENTATIVE
    properties = {"uid": uid, "stamp": dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(zone)), "start": start,
                  "end": start + dt.timedelta(minutes=length), "summary": summary, "location": location,
                  "description": description, "status": status, "url": url}
    entry = calendar.Entry(**properties, category=category)
    assert entry.lines().encode() == icalendar.Event.new(**properties, categories=[category]).to_ical()


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_a_feed_has_the_time_zone_component_its_times_need(mini: Path, zone: str) -> None:
    """Times in UTC are written with a Z and need no VTIMEZONE (icalendar's get_missing_tzids), any other zone's
    need its own, and the feed reads back whole."""
    site = mini / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + f"timezone: {zone}\n", encoding="utf-8")
    for name, raw in feeds(mini).items():
        whole = icalendar.Calendar.from_ical(raw)
        assert [str(tz["TZID"]) for tz in whole.walk("VTIMEZONE")] == ([] if zone == "UTC" else [zone]), name
        assert whole.get_missing_tzids() == set()
        assert (b"DTSTART:20261201T090000Z\r\n" in raw) == (zone == "UTC"), name
        assert whole.to_ical() == raw  # every line as icalendar writes it
