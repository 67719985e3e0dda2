"""Reception days in every output that shows them: several rule days a month, a station's own rule,
what counts as announced, and what an event's summary adds once it has taken place."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from liaison.model.dates import Dating
from liaison.model.site import Site
from liaison.render import theme
from liaison.render.kiosk import screen as kiosk
from liaison.render.print import posters
from liaison.render.web import calendar
from tests.conftest import write
from tests.model.test_site import site_at
from tests.pdf_reading import text
from tests.render.print.test_notices import _web

SITE_RULE = 'reception_rule: {kind: nth_weekday, n: 1, weekday: 2, start: "09:00", end: "11:30"}'
# Two Thursdays a month; on 2026-12-10 the next reception day is the second one of December.
TWICE_A_MONTH = ('reception_rule: {kind: dates, start: "09:00", end: "11:30", '
                 'dates: [2026-12-03, 2026-12-17, 2027-01-07, 2027-01-21]}')
BETWEEN = dt.date(2026, 12, 10)
SECOND = dt.date(2026, 12, 17)
THIRD_THURSDAY = '{kind: nth_weekday, n: 3, weekday: 4, start: "14:30", end: "16:30"}'


def set_site_rule(content: Path, rule: str) -> None:
    path = content / "site.yaml"
    path.write_text(path.read_text().replace(SITE_RULE, rule))


def give_rule(content: Path, station: str, rule: str) -> None:
    path = content / "stations" / f"{station}.yaml"
    path.write_text(path.read_text() + f"reception_rule: {rule}\n")


def outputs(content: Path, site: Site, station: str) -> dict[str, str]:
    """What a station's rule days reach: web pages, its kiosk page, its calendar feed and its wall poster."""
    dating = Dating(content, site.settings.zone)
    env = theme.environment(dating)
    chosen = site.stations[station]
    pages = _web(content, site.today)
    feed = calendar.feed(site, env.get_template("calendar.txt").module, chosen, dating).decode()
    return {
        "home": pages["index.html"], "schedule": pages["schedule/index.html"],
        "station": pages[f"stations/{station}/index.html"],
        "kiosk": kiosk.kiosk_page(site, env, chosen, content),
        "calendar": feed.replace("\r\n ", ""),  # unfolded
        "poster": "".join(text(sheet) for sheet in posters.poster_sheets(site, env, chosen, content, None)),
    }


def kiosk_rule_days(page: str) -> list[str]:
    return re.search(r'data-kind="rule-reception" data-dates="([^"]*)"', page).group(1).split(",")


# ---- a rule with several days in a month ---------------------------------------------------

def test_the_second_date_of_a_month_reaches_every_output(mini: Path) -> None:
    set_site_rule(mini, TWICE_A_MONTH)
    site = site_at(mini, BETWEEN)
    east = site.stations["east-village"]
    assert [d.date for d in site.reception_days(2)] == [SECOND, dt.date(2027, 1, 7)]
    assert calendar.pending_days(site, east)[0] == SECOND
    out = outputs(mini, site, "east-village")
    shown = "2026年12月17日（星期四）"
    assert shown in out["home"]
    assert f'<time datetime="{SECOND}">{shown}</time>' in out["schedule"]
    assert f"下一个接待日：{shown}" in out["station"]
    assert kiosk_rule_days(out["kiosk"])[:2] == ["2026-12-17", "2027-01-07"]
    assert "UID:reception-east-village-20261217@rd.example.cn" in out["calendar"]
    # The poster hangs for months: it names the rule, never the next days, which would be stale in a month.
    assert "具体安排见接待公告或扫描站码查看" in out["poster"] and "12月17日" not in out["poster"]


def test_a_rule_with_no_day_left_says_so_instead_of_failing(mini: Path) -> None:
    set_site_rule(mini, 'reception_rule: {kind: dates, start: "09:00", end: "11:30", dates: [2026-11-03]}')
    station = _web(mini, dt.date(2026, 12, 10))["stations/east-village/index.html"]
    assert "下一个接待日另行公告。" in station


# ---- a station's own rule -------------------------------------------------------------------

def test_a_station_rule_reaches_every_output_of_that_station_only(mini: Path) -> None:
    give_rule(mini, "east-village", THIRD_THURSDAY)
    site = site_at(mini, BETWEEN)
    east, centre = site.stations["east-village"], site.stations["centre"]
    third_thursdays = [dt.date(2026, 12, 17), dt.date(2027, 1, 21), dt.date(2027, 2, 18)]
    assert calendar.pending_days(site, east)[:3] == third_thursdays
    assert calendar.pending_days(site, centre)[:2] == [dt.date(2027, 1, 5), dt.date(2027, 2, 2)]
    out = outputs(mini, site, "east-village")
    assert "接待日</dt><dd>每月第三个星期四 14:30–16:30</dd>" in out["station"]
    assert "本站每月第三个星期四为代表接待日，14:30–16:30。" in out["station"]
    assert "下一个接待日：2026年12月17日（星期四）" in out["station"]
    assert kiosk_rule_days(out["kiosk"])[:3] == [d.isoformat() for d in third_thursdays]
    assert "每月第三个星期四 14:30–16:30" in out["kiosk"] and 'data-end="16:30"' in out["kiosk"]
    assert "DTSTART;TZID=Asia/Shanghai:20261217T143000" in out["calendar"]
    assert "本站每月第三个星期四为代表接待日" in out["calendar"]
    assert "城关镇东村人大代表联络站每月第三个星期四（14:30–16:30）为代表接待日" in out["calendar"]
    assert "接待日每月第三个星期四14:30–16:30，具体安排见接待公告" in out["poster"]  # text without spaces
    # The site-wide pages state both rules, and say whose day each listed day is.
    sentence = "示例县各联络站每月第一个星期二（09:00–11:30）为代表接待日，其中东村站为每月第三个星期四（14:30–16:30）"
    assert sentence in out["home"] and sentence in out["schedule"]
    assert '<time datetime="2026-12-17">2026年12月17日（星期四）</time> 东村站' in out["schedule"]
    assert '<time datetime="2027-01-05">2027年1月5日（星期二）</time> 其余站点' in out["schedule"]
    # The centre keeps the site-wide rule.
    centre_page = _web(mini, BETWEEN)["stations/centre/index.html"]
    assert "接待日</dt><dd>每月第一个星期二 09:00–11:30</dd>" in centre_page


def test_a_tier_rule_is_named_by_its_tier(mini: Path) -> None:
    path = mini / "site.yaml"
    path.write_text(path.read_text() + f"tier_reception_rules: {{村: {THIRD_THURSDAY}}}\n")
    site = site_at(mini, BETWEEN)
    assert calendar.pending_days(site, site.stations["east-village"])[0] == dt.date(2026, 12, 17)
    home = _web(mini, BETWEEN)["index.html"]
    assert "其中村级站点为每月第三个星期四（14:30–16:30）" in home


# ---- what counts as announced ------------------------------------------------------------

def test_only_receptions_announced_by_today_count_as_announced(mini: Path) -> None:
    # A second reception on 2026-12-01, at the village, to be announced only on 2026-11-28.
    write(mini / "events" / "2026-12-01-east.yaml",
          "kind: 接待日\nstation: east-village\ndate: 2026-12-01\nstart: '09:00'\nend: '11:30'\n"
          "theme: 冬季用电用火安全\ndeputies: [li-yan]\nannounced: 2026-11-28\n")
    site = site_at(mini, dt.date(2026, 11, 26))
    [day] = site.reception_days(1)
    assert [e.id for e in day.events] == ["2026-12-01-centre", "2026-12-01-east"]
    assert [e.id for e in day.announced] == ["2026-12-01-centre"]
    assert "2026年12月1日（星期二）</time>（已公告 1 场）" in _web(mini, site.today)["schedule/index.html"]
    on_the_day = _web(mini, dt.date(2026, 11, 28))["schedule/index.html"]
    assert "2026年12月1日（星期二）</time>（已公告 2 场）" in on_the_day


# ---- an event's summary --------------------------------------------------------------------

SUMMARY = "summary: |\n  收集意见建议**十二件**，当场答复五件。\n\n  <script>alert(1)</script>\n"


def test_an_event_summary_is_published_once_the_event_has_taken_place(mini: Path) -> None:
    path = mini / "events" / "2026-11-03-east.yaml"
    path.write_text(path.read_text() + SUMMARY)
    notice = "schedule/2026-11-03-east/index.html"
    month = "schedule/2026-11/east-village/index.html"  # the schedule's part for the month and township
    after = _web(mini, dt.date(2026, 11, 26))
    for page in (month, "stations/east-village/index.html", notice):
        assert "收集意见建议<strong>十二件</strong>，当场答复五件。" in after[page], page
        assert "<script>alert" not in after[page], page
    before = _web(mini, dt.date(2026, 11, 2))  # the notice is public, the event still to come
    assert "十二件" not in before[notice] and "十二件" not in before[month]
