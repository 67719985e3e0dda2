"""The day a build is for (read in the site's time zone) and the day each output's content is true of."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from liaison.build.pipeline import Config, check
from liaison.cli import main
from liaison.content.loader import load_content
from liaison.content.problems import ContentError
from liaison.content.validate import validate
from liaison.model import dates
from liaison.model.site import Site, build_site
from liaison.render import theme
from liaison.render.kiosk import screen as kiosk
from liaison.render.web import calendar
from tests.conftest import ROOT, TODAY, rendered, web_page, write
from tests.pdf_reading import reader, text
from tests.render.test_reception_days import kiosk_rule_days

BEIJING = ZoneInfo("Asia/Shanghai")
OLD = dt.datetime(2026, 10, 1, 10, tzinfo=BEIJING)


def epoch(moment: dt.datetime) -> str:
    return str(int(moment.timestamp()))


def stamp(path: Path, moment: dt.datetime) -> None:
    os.utime(path, (moment.timestamp(), moment.timestamp()))


def stamp_all(content: Path, moment: dt.datetime = OLD) -> None:
    for path in content.rglob("*"):
        stamp(path, moment)


def set_zone(content: Path, zone: str) -> None:
    site = content / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + f"timezone: {zone}\n", encoding="utf-8")


@pytest.fixture(autouse=True)
def no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(dates.EPOCH_VARIABLE, raising=False)


# ---- the day of the build --------------------------------------------------------------------

# 07:30 on 24 November in Beijing is still the 23rd in UTC, the clock of most servers.
MORNING = dt.datetime(2026, 11, 24, 7, 30, tzinfo=BEIJING)


def test_the_default_day_is_the_day_in_beijing_on_a_server_that_runs_on_utc(
        mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Through the command line, with the clock on SOURCE_DATE_EPOCH and the process in UTC."""
    process = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "check", "--report", str(tmp_path / "report"),
         "--content", str(mini)], cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "TZ": "UTC", dates.EPOCH_VARIABLE: epoch(MORNING)}, check=False)
    assert process.returncode == 0, process.stderr
    assert "截至 2026-11-24" in process.stdout


@pytest.mark.parametrize(("zone", "day"), [(None, dt.date(2026, 11, 24)), ("Asia/Urumqi", dt.date(2026, 11, 24)),
                                           ("Europe/London", dt.date(2026, 11, 23)),
                                           ("America/New_York", dt.date(2026, 11, 23))])
def test_the_default_day_is_read_in_the_zone_site_yaml_names(
        mini: Path, monkeypatch: pytest.MonkeyPatch, zone: str | None, day: dt.date) -> None:
    monkeypatch.setattr(dates, "_now", lambda: MORNING.astimezone(dt.UTC))
    if zone:
        set_zone(mini, zone)
    site, _ = check(Config(content=mini, site_dir=Path("unused"), signage_dir=Path("unused")))
    assert site.today == day


def test_source_date_epoch_wins_over_the_clock_and_today_wins_over_both(
        mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dates, "_now", lambda: dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    monkeypatch.setenv(dates.EPOCH_VARIABLE, epoch(MORNING))
    config = Config(content=mini, site_dir=Path("unused"), signage_dir=Path("unused"))
    assert check(config)[0].today == dt.date(2026, 11, 24)
    chosen = Config(content=mini, site_dir=Path("unused"), signage_dir=Path("unused"), today=dt.date(2026, 12, 9))
    assert check(chosen)[0].today == dt.date(2026, 12, 9)


@pytest.mark.parametrize("value", ["yesterday", "1.8e9", "-5", "99999999999999999999"])
def test_a_malformed_source_date_epoch_is_a_usage_error(
        mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        value: str) -> None:
    monkeypatch.setenv(dates.EPOCH_VARIABLE, value)
    assert main(["check", "--content", str(mini)]) == 2
    error = capsys.readouterr().err
    assert "SOURCE_DATE_EPOCH" in error and f"“{value}”" in error and "Traceback" not in error


@pytest.mark.parametrize("zone", ["Asia/Beijing", "北京时间", "UTC+8", "../../etc/passwd", ""])
def test_a_zone_that_is_no_iana_name_is_a_located_error(mini: Path, zone: str) -> None:
    set_zone(mini, f'"{zone}"')
    with pytest.raises(ContentError) as caught:
        check(Config(content=mini, site_dir=Path("unused"), signage_dir=Path("unused")))
    [problem] = caught.value.problems
    lines = (mini / "site.yaml").read_text(encoding="utf-8").splitlines()
    assert (problem.path.name, problem.line, problem.column, problem.field) == ("site.yaml", len(lines), 11, "timezone")
    assert f"“{zone}”不是时区名称" in problem.message and "Asia/Shanghai" in problem.message


# ---- the day of the content -------------------------------------------------------------------

def test_a_content_date_is_the_newest_file_s_day_in_the_zone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    older, newer = write(tmp_path / "a.yaml", "a"), write(tmp_path / "b.yaml", "b")
    stamp(older, OLD)
    stamp(newer, MORNING)
    assert dates.content_date([older, newer], BEIJING) == dt.date(2026, 11, 24)
    assert dates.content_date([older, newer], dt.UTC) == dt.date(2026, 11, 23)
    assert dates.content_date([older], BEIJING) == dt.date(2026, 10, 1)
    assert dates.content_date([], BEIJING) is None
    monkeypatch.setenv(dates.EPOCH_VARIABLE, epoch(dt.datetime(2026, 11, 12, 9, tzinfo=BEIJING)))
    assert dates.content_date([older, newer], BEIJING) == dt.date(2026, 11, 12)  # reproducible builds


def _creation_day(pdf: bytes) -> str:
    return str(reader(pdf).metadata["/CreationDate"])[2:10]


def test_each_print_file_is_dated_by_the_records_it_is_made_from(mini: Path) -> None:
    stamp_all(mini)
    stamp(mini / "deputies" / "li-yan.yaml", dt.datetime(2026, 11, 12, 1, 30, tzinfo=BEIJING))  # of the village
    stamp(mini / "events" / "2026-12-01-centre.yaml", dt.datetime(2026, 11, 14, 9, tzinfo=BEIJING))
    village, centre = "east-village/", "centre/"
    unchanged = (village + "signboard-production.pdf", village + "qr-station.pdf", village + "qr-deputy-wang-kun.pdf",
                 centre + "poster-1.pdf", centre + "signboard-proof.pdf")
    read = {village + "qr-deputy-li-yan.pdf", village + "poster-1.pdf",
            centre + "reception-notice-2026-12-01-centre.pdf", *unchanged}
    printed = rendered(lambda job: job.target == "print" and not read.isdisjoint(job.outputs), mini)  # these alone
    # The deputy's file changed: what shows the deputy says so, with the day in Beijing (in UTC, the 11th).
    assert _creation_day(printed[village + "qr-deputy-li-yan.pdf"]) == "20261112"
    assert _creation_day(printed[village + "poster-1.pdf"]) == "20261112"
    assert "信息更新于2026年11月12日" in text(printed[village + "poster-1.pdf"])
    assert _creation_day(printed[centre + "reception-notice-2026-12-01-centre.pdf"]) == "20261114"  # its own file
    # What does not show that deputy keeps its day, and none has the build's.
    for path in unchanged:
        assert _creation_day(printed[path]) == "20261001", path


def test_the_home_page_says_when_the_site_last_changed_and_no_page_names_the_build_day(
        mini: Path) -> None:
    stamp_all(mini)
    stamp(mini / "systems" / "reception.md", dt.datetime(2026, 11, 20, 16, tzinfo=BEIJING))
    stamp(mini / "opinions" / "2026-0001.yaml", dt.datetime(2026, 11, 18, 16, tzinfo=BEIJING))
    html = {path: data.decode("utf-8-sig") for path, data in rendered(web_page, mini).items()}
    assert "本站信息更新于 2026年11月20日" in html["index.html"]
    assert "本页信息更新于 2026年11月18日" in html["opinions/index.html"]  # not the system
    build_day = "2026年11月26日"  # TODAY: upcoming and past are computed against it, but no page states it
    for page, text_ in html.items():
        assert build_day not in text_, page
    for page, text_ in html.items():
        footer = re.search(r'<footer class="footer">.*?</footer>', text_, re.DOTALL)
        if footer:  # every page's but the lobby screens': a content date at most
            rest = re.sub(r" · 本(站|页)信息更新于 \d+年\d+月\d+日", "", footer.group())
            assert not re.search(r"\d+年\d+月\d+日", rest), page


# ---- windows that move by months -------------------------------------------------------------------

def test_rule_days_a_year_ahead_are_added_on_the_first_of_a_month_only(mini: Path) -> None:
    """The calendar feeds' placeholders and the lobby screen's rule days reach to the end of the month a year
    ahead: a rebuild on the next day drops a day that has passed, and adds one only when a month begins."""
    day, end = dt.date(2026, 10, 25), dt.date(2026, 12, 5)
    typed, problems = validate(load_content(mini), mini)
    assert not problems

    def site_at(content: Path, today: dt.date) -> Site:  # the records read once, the graph made for each day
        return build_site(typed, today)

    site = site_at(mini, day)
    east = site.stations["east-village"]
    env = theme.environment(dates.Dating(mini, site.settings.zone))
    added = []
    while day < end:
        later = site_at(mini, day + dt.timedelta(days=1))
        if set(calendar.pending_days(later, east)) - set(calendar.pending_days(site, east)):
            added.append(later.today)
        site, day = later, later.today
    assert added == [dt.date(2026, 11, 1), dt.date(2026, 12, 1)]
    # The screen on 1 and 2 November 2026: 2027-12-07 is 400 days after the 2nd, and no reason to rebuild.
    first, second = (kiosk_rule_days(kiosk.kiosk_page(site_at(mini, dt.date(2026, 11, n)), env, east, mini))
                     for n in (1, 2))
    assert first == second and first[-1] == "2027-11-02"


def test_the_site_settings_are_dated_by_their_own_files_each_time(mini: Path) -> None:
    """A build's Dating keeps the files site.yaml names once (every feed entry asks), and still dates settings
    that name other files (a preview's next build, made from edited settings) by theirs."""
    stamp_all(mini)
    site, _ = check(Config(content=mini, site_dir=mini.parent / "s", signage_dir=mini.parent / "p", today=TODAY))
    badge = write(mini / "assets" / "badge.png", "a badge")
    stamp(badge, MORNING)
    footer = site.settings.footer.model_copy(update={"badge": "assets/badge.png"})
    badged = site.settings.model_copy(update={"footer": footer})
    dating = dates.Dating(mini, BEIJING)
    for _ in range(2):
        assert dating.of(site.settings) == dt.date(2026, 10, 1)
        assert dating.of(badged) == dt.date(2026, 11, 24)


def test_one_build_dates_by_each_file_as_it_first_found_it(mini: Path) -> None:
    """The outputs of one build made from a file carry one date, even where the file is touched while the build
    runs; the next build dates by the file as it is then."""
    stamp_all(mini)
    site, _ = check(Config(content=mini, site_dir=mini.parent / "s", signage_dir=mini.parent / "p", today=TODAY))
    deputy = site.deputies["li-yan"]
    dating = dates.Dating(mini, BEIJING)
    assert dating.of(deputy) == dt.date(2026, 10, 1)
    stamp(mini / "deputies" / "li-yan.yaml", MORNING)
    assert dating.of(deputy) == dating.of([deputy]) == dt.date(2026, 10, 1)
    assert dates.Dating(mini, BEIJING).of(deputy) == dt.date(2026, 11, 24)
