"""QR codes that never break (issue 16, part 5): the published page of a deputy, station, system or notice whose
record leaves the content stays, saying it is no longer current and where to go instead, in every later build
(clean or incremental alike) until `--prune` removes it; a deputy who left is 曾任 on the station's page for the
rest of the year."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from liaison.build.config import Config
from liaison.build.pipeline import REGISTER, build
from liaison.build.writer import read_notes
from liaison.cli import main
from liaison.render.web import search
from tests.conftest import snapshot, write

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
DAY = dt.date(2026, 11, 23)
ZHAO = "name: 赵一\nseats:\n  - {level: 乡镇, congress: 城关镇第十八届人民代表大会}\nunit: 东村\nposition: 村民\n" \
       "memberships:\n  - {station: east-village, role: 召集人, since: 2024-01-01, until: 2026-10-31}\n"


def _config(content: Path, out: Path, day: dt.date = DAY, **more: object) -> Config:
    return Config(content=content, site_dir=out / "site", signage_dir=out / "signage", today=day,
                  **more)  # type: ignore[arg-type]


def _page(out: Path, path: str) -> str:
    return (out / "site" / path).read_text(encoding="utf-8")


def _trees(out: Path) -> dict[str, dict[str, bytes]]:
    return {name: snapshot(out / name) for name in ("site", "signage")}


def _tombstones(out: Path) -> list[str]:
    return [page["path"] for page in read_notes(out / "site")[REGISTER]["tombstones"]]


# Of the session, not the module: a worker may run this module's tests in two stretches (xdist's worksteal hands
# tests over in runs), and a module's fixture would be built again for the second.
@pytest.fixture(scope="session")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini content with two deputies whose memberships ended this year (赵一, 赵二), a station that names its
    successor and a notice more, built; then those three deleted and built again. `before` is a copy of the
    published store before the second build."""
    work = tmp_path_factory.mktemp("history")
    content = work / "content"
    shutil.copytree(MINI, content)
    write(content / "deputies" / "zhao-yi.yaml", ZHAO)
    west = (content / "stations" / "east-village.yaml").read_text(encoding="utf-8")
    write(content / "stations" / "west-village.yaml",
          west.replace("城关镇东村", "城关镇西村").replace("东村站", "西村站") + "replaced_by: east-village\n")
    write(content / "notices" / "winter.md", "---\ntitle: 冬季接待安排\ndate: 2026-11-01\nstation: east-village\n"
          "expires: 2026-12-31\n---\n冬季接待时间调整。\n")
    write(content / "deputies" / "zhao-er.yaml", ZHAO.replace("赵一", "赵二").replace("2026-10-31", "2026-03-31")
          + "  - {station: east-village, role: 召集人, since: 2026-05-01, until: 2026-11-10}\n")  # listed once
    build(_config(content, work / "out"))
    shutil.copytree(work / "out", work / "before", symlinks=True)
    for gone in ("deputies/zhao-yi.yaml", "stations/west-village.yaml", "notices/winter.md"):
        (content / gone).unlink()
    build(_config(content, work / "out"))
    return work


def test_a_deleted_deputys_address_names_the_station_and_the_end(history: Path) -> None:
    html = _page(history / "out", "deputies/zhao-yi/index.html")
    assert "赵一" in html and "原来的页面" in html and "2026年11月23日 起不再更新" in html
    assert "截至 2026年10月31日" in html
    assert '请前往：<a href="../../stations/east-village/index.html">城关镇东村人大代表联络站</a>' in html


def test_a_deleted_station_sends_the_reader_to_its_successor(history: Path) -> None:
    html = _page(history / "out", "stations/west-village/index.html")
    assert "城关镇西村人大代表联络站" in html and "原来的页面" in html
    assert '请前往：<a href="../east-village/index.html">城关镇东村人大代表联络站</a>' in html


def test_a_deleted_notice_keeps_its_address(history: Path) -> None:
    html = _page(history / "out", "notices/winter/index.html")
    assert "冬季接待安排" in html and "截至 2026年12月31日" in html
    assert 'href="../../stations/east-village/index.html"' in html


def test_the_station_lists_the_deputy_who_left_this_year_as_former(history: Path) -> None:
    html = _page(history / "out", "stations/east-village/index.html")
    assert '<h3>曾任</h3>' in html
    assert '<a href="../../deputies/zhao-yi/index.html">赵一</a>，2026年10月31日止' in html  # gone: its page
    assert '<a href="../../deputies/zhao-er/index.html">赵二</a>（召集人），2026年11月10日止' in html  # still here
    assert html.count("赵二") == 1 and "赵二" not in _page(history / "out", "stations/centre/index.html")


def test_tombstones_stay_out_of_the_sitemap_and_the_search(history: Path) -> None:
    sitemap = _page(history / "out", "sitemap.xml")
    assert "deputies/wang-kun/" in sitemap
    assert "zhao-yi" not in sitemap and "west-village" not in sitemap and "winter" not in sitemap
    assert "王堃" in _page(history / "out", search.INDEX)
    assert "赵一" not in _page(history / "out", search.INDEX)


def test_a_clean_build_of_the_same_store_gives_the_same_trees(history: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(history / "before", copy, symlinks=True)
    build(_config(history / "content", copy, clean=True))
    assert _trees(copy) == _trees(history / "out")
    assert _tombstones(copy) == ["deputies/zhao-yi/index.html", "notices/winter/index.html",
                                 "stations/west-village/index.html"]


def test_tombstones_stay_in_later_builds_and_go_from_the_former_list_with_the_year(history: Path,
                                                                                    tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(history / "out", copy, symlinks=True)
    build(_config(history / "content", copy, dt.date(2027, 1, 4)))
    assert "原来的页面" in _page(copy, "deputies/zhao-yi/index.html")
    assert "2026年11月23日 起不再更新" in _page(copy, "deputies/zhao-yi/index.html")  # the day it went, kept
    assert "曾任" not in _page(copy, "stations/east-village/index.html")  # a new year
    assert len(_tombstones(copy)) == 3


def test_prune_removes_one_tombstone_and_refuses_any_other_address(history: Path, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(history / "out", copy, symlinks=True)
    args = ["--content", str(history / "content"), "--site", str(copy / "site"), "--signage", str(copy / "signage"),
            "--today", "2026-11-23", "-q"]
    before = _trees(copy)
    for address in ("deputies/wang-kun/", "stations/nowhere/"):
        assert main(["build", *args, "--prune", address]) == 2
        assert f"--prune：“{address}”不是已删除记录留下的页面，不能移除" in capsys.readouterr().err
    assert _trees(copy) == before
    assert main(["build", *args, "--prune", "https://rd.example.cn/lianluozhan/deputies/zhao-yi/"]) == 0
    assert not (copy / "site" / "deputies" / "zhao-yi").exists()
    assert "zhao-yi" not in _page(copy, "stations/east-village/index.html")
    assert _tombstones(copy) == ["notices/winter/index.html", "stations/west-village/index.html"]
    build(_config(history / "content", copy))  # and it does not come back
    assert not (copy / "site" / "deputies" / "zhao-yi").exists()


def test_a_record_that_comes_back_takes_its_page_back(history: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(history, work, symlinks=True)
    write(work / "content" / "deputies" / "zhao-yi.yaml", ZHAO)
    build(_config(work / "content", work / "out"))
    assert "原来的页面" not in _page(work / "out", "deputies/zhao-yi/index.html")
    assert "deputies/zhao-yi/index.html" not in _tombstones(work / "out")


def _args(content: Path, out: Path) -> list[str]:
    return ["--content", str(content), "--site", str(out / "site"), "--signage", str(out / "signage"),
            "--today", "2026-11-23"]


def test_plan_lists_the_pages_of_gone_records_a_build_would_keep(history: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Over the store before the deletions (the records' pages published, their files since deleted) and after."""
    for out in (history / "before", history / "out"):
        assert main(["plan", *_args(history / "content", out), "--json"]) == 0
        jobs = json.loads(capsys.readouterr().out)
        gone = sorted(path for job in jobs if job["render"].endswith(".tombstone") for path in job["outputs"])
        assert gone == ["deputies/zhao-yi/index.html", "notices/winter/index.html", "stations/west-village/index.html"]
    assert main(["plan", *_args(history / "content", history / "out")]) == 0
    assert "site/deputies/zhao-yi/index.html  [web]" in capsys.readouterr().out


def test_a_copy_of_the_published_site_remembers_the_published_addresses(history: Path, tmp_path: Path) -> None:
    """The register travels in the site's manifest: a copy of the published site (from the web server, a backup)
    in a new folder, with no store beside it, gives the tombstones a build over the store gives."""
    new = tmp_path / "new"
    shutil.copytree(history / "before" / "site", new / "site")  # the files, not the link into the store
    assert not (new / "site").is_symlink()
    build(_config(history / "content", new))
    assert _tombstones(new) == _tombstones(history / "out")
    assert _trees(new)["site"] == _trees(history / "out")["site"]


def test_a_brand_new_folder_knows_no_published_addresses(history: Path, tmp_path: Path) -> None:
    """What docs/outputs.md says: nothing was published there, so there is nothing to keep."""
    build(_config(history / "content", tmp_path / "empty"))
    assert _tombstones(tmp_path / "empty") == []
    assert not (tmp_path / "empty" / "site" / "deputies" / "zhao-yi").exists()
