"""Rebuilt the next day from the same content, an output changes only where it shows a time window
(README, 每天重新生成): a sync uploads what changed, and print files are never re-sent to the shop.

The demo is built on three days in a row. On 2026-11-25 城南社区联络站 receives (its rule: the 10th, and the
25th of odd months): from the 24th to the 25th nothing visible changes (the reception is still ahead, and
listed on the day itself); from the 25th to the 26th it has taken place.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable

import pytest

from liaison.build.pipeline import Config, build
from liaison.build.writer import MANIFEST
from liaison.model import dates
from liaison.render.print import signage
from tests.conftest import DEMO, snapshot

pytestmark = pytest.mark.slow

QUIET, ON_THE_DAY, AFTER = dt.date(2026, 11, 24), dt.date(2026, 11, 25), dt.date(2026, 11, 26)
RECEPTION = "2026-11-25-chengnan-community-reception"
Tree = dict[str, bytes]


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> dict[dt.date, dict[str, Tree]]:
    """The demo's site and signage as built on each day, content dated by its files (no SOURCE_DATE_EPOCH): built
    in full on the first day, then each day over a copy of the day before's, as a daily task rebuilds (an
    incremental build writes what a full one would: tests/build/test_incremental.py)."""
    built = {}
    before = None
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(dates.EPOCH_VARIABLE, raising=False)
        for day in (QUIET, ON_THE_DAY, AFTER):
            out = tmp_path_factory.mktemp(f"demo-{day}")
            if before is not None:
                for name in ("site", "signage"):
                    shutil.copytree(before / name, out / name, symlinks=True)
            build(Config(content=DEMO, site_dir=out / "site", signage_dir=out / "signage", today=day, strict=True))
            built[day] = {name: snapshot(out / name) for name in ("site", "signage")}
            before = out
    return built


def changed(before: Tree, after: Tree) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


# ---- what a time window may change, and nothing else -----------------------------------------------

def _regions(*patterns: str) -> Callable[[bytes], str]:
    """The text without the regions the patterns match (each may be there on one day only), lines unfolded
    (iCalendar) and white space collapsed: what must not change."""
    def strip(data: bytes) -> str:
        text = data.decode("utf-8-sig").replace("\r\n ", "")
        for pattern in patterns:
            text = re.sub(pattern, "", text, flags=re.DOTALL)
        return re.sub(r"\s+", " ", text)
    return strip


EVENTS_TABLE = r'<div class="table-scroll">\s*<table class="stack">.*?</table>'
NOTICES_LIST = r'<ul class="link-list notices">.*?</ul>'
EXPIRED = r'<p class="notice-expired">.*?</p>'
CHART = r'<figure class="chart-figure">.*?</figure>'  # opinions month by month, the last 12 months
# The web outputs that show a time window (upcoming, past, in force, published, this month), each with the parts
# that show it. Memberships (`since`, `until`) are time windows too, left out: no demo membership starts or ends
# on these days.
WINDOWED: dict[str, Callable[[bytes], str]] = {
    r"index\.html": _regions(r'<section aria-labelledby="next-h".*?</section>',  # the next reception days
                             r'<section aria-labelledby="notices-h">.*?</section>'),  # notices in force
    r"schedule/index\.html": _regions(NOTICES_LIST,  # notices of the receptions ahead
                                      r"<h2>今后的接待日</h2>\s*<ul.*?</ul>"),
    r"schedule/[\w-]+/index\.html": _regions(EXPIRED, r"<h2>活动情况</h2>\s*<div.*?</div>"),  # a reception's notice
    r"schedule/\d{4}-\d{2}/[\w-]+/index\.html": _regions(EVENTS_TABLE),  # a month's events at a township's stations
    r"stations/[\w-]+/index\.html": _regions(r'<section id="schedule".*?</section>',
                                             r"<h3>有效公告</h3>\s*<ul.*?</ul>", CHART),
    r"opinions/index\.html": _regions(CHART),
    r"deputies/[\w-]+/index\.html": _regions(r'<section aria-labelledby="duty-h">.*?</section>'),
    r"notices/index\.html": _regions(NOTICES_LIST),
    r"notices/[\w-]+/index\.html": _regions(EXPIRED),
    r"notices/feed\.xml": _regions(r"<updated>.*?</updated>", r"<entry>.*?</entry>"),
    r"sitemap\.xml": _regions(r"<url><loc>[^<]*/schedule/[\w-]+/</loc></url>"),  # published receptions
    # A feed's placeholders for rule days ahead, and an event's link, which moves to its notice once published.
    r"calendar/[\w-]+\.ics": _regions(r"BEGIN:VEVENT\r\n(?:(?!END:VEVENT).)*STATUS:TENTATIVE.*?END:VEVENT\r\n",
                                      r"URL:[^\r]*/schedule/[^\r]*", r"详情：[^\r]*/schedule/[^\r]*"),
    # The lobby screen: its slides of receptions, notices and opinions by month, the rule days, the fonts
    # subset to what it shows, and its version.
    r"kiosk/[\w-]+/index\.html": _regions(r'<section class="slide" data-kind="(reception|notices|opinions)".*?</section>',
                                          r'data-dates="[^"]*"', r"@font-face \{[^\n]*\}", r'"version": "\w+"'),
}


def check_web_change(path: str, before: Tree, after: Tree) -> None:
    if re.fullmatch(r"kiosk/[\w-]+/version\.json", path):  # the page's digest
        assert path.replace("version.json", "index.html") in changed(before, after), path
        return
    if path == MANIFEST:
        check_manifest(before[path], after[path], changed(before, after))
        return
    strip = next((strip for pattern, strip in WINDOWED.items() if re.fullmatch(pattern, path)), None)
    assert strip is not None, f"{path} changed but shows no time window"
    assert path in before and path in after, path
    assert strip(before[path]) == strip(after[path]), path


def check_manifest(before: bytes, after: bytes, files: set[str]) -> None:
    """The writer's list of digests differs exactly in the files that changed."""
    old, new = json.loads(before)["files"], json.loads(after)["files"]
    assert {path for path in old.keys() | new.keys() if old.get(path) != new.get(path)} == files - {MANIFEST}


def test_a_day_with_no_time_window_passing_changes_no_file(days: dict[dt.date, dict[str, Tree]]) -> None:
    for name in ("site", "signage"):
        assert changed(days[QUIET][name], days[ON_THE_DAY][name]) == set(), name


def test_the_day_after_a_reception_only_time_window_outputs_change_and_only_there(
        days: dict[dt.date, dict[str, Tree]]) -> None:
    before, after = days[ON_THE_DAY]["site"], days[AFTER]["site"]
    differing = changed(before, after)
    # The reception's own outputs changed (it has taken place) ...
    assert {"index.html", "schedule/index.html", f"schedule/{RECEPTION}/index.html",
            "stations/chengnan-community/index.html", "kiosk/chengnan-community/index.html"} <= differing
    # ... and every change is the time-window part of a page that has one; footers and the rest are equal.
    for path in sorted(differing):
        check_web_change(path, before, after)
    assert "本次接待活动已结束" in after[f"schedule/{RECEPTION}/index.html"].decode()


# ---- print files ---------------------------------------------------------------------------------

SHOP_FILE = re.compile(r"/(signboard|poster|qr)-[\w-]+\.(pdf|png|svg)$")
NOTICE = re.compile(r"[\w-]+/reception-notice-[\w-]+\.pdf")


def test_no_signboard_poster_or_qr_file_ever_changes(days: dict[dt.date, dict[str, Tree]]) -> None:
    for earlier, later in ((QUIET, ON_THE_DAY), (ON_THE_DAY, AFTER)):
        before, after = days[earlier]["signage"], days[later]["signage"]
        kept = [path for path in before if SHOP_FILE.search(path)]
        # every demo station's plate, poster and station code, and every file of those kinds on either day
        stations = {path.stem for path in (DEMO / "stations").glob("*.yaml")}
        for stem in ("signboard-production.pdf", "poster-1.pdf", "qr-station.pdf"):
            assert {path.split("/")[0] for path in kept if path.endswith("/" + stem)} == stations, stem
        assert kept == [path for path in after if SHOP_FILE.search(path)]
        assert all(after.get(path) == before[path] for path in kept)
        assert not [path for path in after.keys() - before.keys() if not NOTICE.fullmatch(path)]


def test_after_the_reception_its_a4_notice_comes_down_and_nothing_else_changes(
        days: dict[dt.date, dict[str, Tree]]) -> None:
    before, after = days[ON_THE_DAY]["signage"], days[AFTER]["signage"]
    notice = f"chengnan-community/reception-notice-{RECEPTION}.pdf"
    assert changed(before, after) == {notice, "manifest.json", "manifest.csv", MANIFEST}
    assert notice in before and notice not in after
    check_manifest(before[MANIFEST], after[MANIFEST], changed(before, after))
    # The print manifests and the pack lose the notice, and only it: the other entries keep bytes and dates.
    assert _without_notices_json(before["manifest.json"]) == _without_notices_json(after["manifest.json"])
    assert _without_notices_csv(before["manifest.csv"]) == _without_notices_csv(after["manifest.csv"])
    old, new = _entries(before, "chengnan-community"), _entries(after, "chengnan-community")
    assert old.keys() - new.keys() == {notice}
    for name in new.keys() - {"manifest.csv"}:
        assert new[name] == old[name], name
    assert _without_notices_csv(old["manifest.csv"][1]) == _without_notices_csv(new["manifest.csv"][1])


def _without_notices_json(data: bytes) -> list[dict[str, object]]:
    return [row for row in json.loads(data) if not NOTICE.fullmatch(str(row["file"]))]


def _without_notices_csv(data: bytes) -> list[dict[str, str]]:
    return [row for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig"))) if not NOTICE.fullmatch(row["file"])]


def _entries(tree: Tree, station: str) -> dict[str, tuple[tuple[int, ...], bytes]]:
    """The entries of the station's pack, as `liaison pack` makes it of the published tree."""
    rows = [row for row in json.loads(tree["manifest.json"]) if row["station"] == station]
    with zipfile.ZipFile(io.BytesIO(signage.pack(rows, tree.__getitem__))) as archive:
        return {info.filename: (info.date_time, archive.read(info)) for info in archive.infolist()}
