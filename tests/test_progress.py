"""Progress of a build: jobs done per target against the plan's totals, as bars on a terminal, as a line now
and then elsewhere, and nothing at all with --quiet."""
from __future__ import annotations

import io
import json
import re
import threading
from collections import Counter
from pathlib import Path

import pytest
from rich.console import Console

from liaison.build.pipeline import Config, build, prepare
from liaison.build.plan import TARGETS
from liaison.cli import main
from liaison.progress import BuildProgress
from tests.conftest import MINI, TODAY, published_copy

LINE = re.compile(r"进度 (\d+)%：(\d+)/(\d+) 项（(.*?)）")


def command(content: Path, out: Path, *extra: str) -> list[str]:
    return [*extra, "--content", str(content), "--site", str(out / "site"), "--signage", str(out / "signage"),
            "--today", TODAY.isoformat()]


@pytest.mark.slow
def test_a_build_not_on_a_terminal_says_how_far_it_is_at_every_tenth_against_the_plans_job_count(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(command(MINI, tmp_path, "plan", "--json")) == 0
    planned = Counter(job["target"] for job in json.loads(capsys.readouterr().out))
    assert main(command(MINI, tmp_path)) == 0
    output = capsys.readouterr()
    lines = [LINE.match(line) for line in output.err.splitlines()]
    assert lines and all(lines), output.err  # nothing but progress lines: no bar, no escape codes
    percents = [int(line[1]) for line in lines if line]
    assert percents == sorted(percents) and {p // 10 for p in percents} >= set(range(1, 11))
    last = lines[-1]
    assert last and last[2] == last[3] == str(sum(planned.values()))
    assert dict(part.split(" ") for part in last[4].split("，")) == {
        target: f"{count}/{count}" for target, count in planned.items()}
    assert output.out.startswith("生成完成：")  # and the summary


@pytest.mark.slow
def test_quiet_prints_nothing_on_success(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(command(MINI, tmp_path, "--quiet")) == 0
    assert capsys.readouterr() == ("", "")
    assert (tmp_path / "site" / "index.html").is_file()


@pytest.mark.slow
def test_the_pipeline_counts_each_targets_jobs_from_zero_to_the_plans_total(tmp_path: Path, mini_build: Path) -> None:
    published_copy(mini_build, tmp_path)
    config = Config(content=MINI, site_dir=tmp_path / "site", signage_dir=tmp_path / "signage", today=TODAY,
                    only=("data",))
    calls: list[tuple[str, int, int]] = []
    build(config, lambda target, done, total: calls.append((target, done, total)))
    totals = Counter(job.target for job in prepare(config).selected(config))
    assert totals == {"data": 4, "web": 1}  # the open data, and the link check that reads its links
    starts = [call for call in calls if call[1] == 0]
    assert starts == [("web", 0, 1), ("data", 0, 4)]  # every target's total before any job is done
    for target, total in totals.items():
        assert [done for name, done, _ in calls if name == target] == list(range(total + 1))


@pytest.mark.slow
def test_an_incremental_build_counts_the_jobs_it_keeps_as_done_from_the_start(
        tmp_path: Path, mini_build: Path, mini: Path) -> None:
    published_copy(mini_build, tmp_path)
    notice = mini / "notices" / "december.md"
    notice.write_text(notice.read_text(encoding="utf-8").replace("在县中心站接待群众", "在县中心站接待选民"),
                      encoding="utf-8")
    config = Config(content=mini, site_dir=tmp_path / "site", signage_dir=tmp_path / "signage", today=TODAY)
    calls: list[tuple[str, int, int]] = []
    build(config, lambda target, done, total: calls.append((target, done, total)))
    totals = Counter(job.target for job in prepare(config).jobs)  # the whole plan, as `plan` counts it
    starts = {target: done for target, done, _ in calls[:len(totals)]}
    assert [call[0] for call in calls[:len(totals)]] == [t for t in TARGETS if t in totals]  # before any job
    assert 0 < starts["web"] < totals["web"]  # the pages that show the notice are rendered, the others kept
    for target, total in totals.items():
        assert [done for name, done, _ in calls if name == target] == list(range(starts[target], total + 1))


def test_on_a_terminal_each_target_has_a_bar_with_its_count() -> None:
    screen = io.StringIO()
    progress = BuildProgress(Console(file=screen, force_terminal=True, width=120))
    for call in [("web", 0, 3), ("print", 0, 2), ("web", 1, 3), ("web", 2, 3), ("web", 3, 3), ("print", 1, 2)]:
        progress(*call)
    progress.close()
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())
    web, printing = [line for line in plain.splitlines() if line.strip()][-2:]  # the last frame drawn
    assert "web" in web and "3/3" in web and "完成" in web
    assert "print" in printing and "1/2" in printing and "项/秒" in printing and "剩余" in printing


def test_with_no_job_finishing_a_line_still_comes_now_and_then() -> None:
    said = threading.Event()

    class Screen(io.StringIO):
        def write(self, text: str) -> int:
            said.set()
            return super().write(text)

    screen = Screen()
    progress = BuildProgress(Console(file=screen, force_terminal=False), every=0.05)
    progress("print", 0, 40)  # a long first job: nothing is done yet
    assert said.wait(timeout=30)
    progress.close()
    assert screen.getvalue().startswith("进度 0%：0/40 项（print 0/40），已用 ")
