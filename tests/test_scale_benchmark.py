"""The scale benchmark's corpus is valid, county-shaped and deterministic, and the benchmark still runs
(benchmarks/corpus.py, benchmarks/scale.py; no timing is asserted)."""
from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from benchmarks.corpus import TODAY, Corpus, generate
from benchmarks.scale import CHECK_AGAIN, STEPS, WEB_ONLY, Run, Size, goal_table
from liaison import cli
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    return generate(tmp_path_factory.mktemp("scale") / "content", 3)


def _records(content: Path, kind: str) -> dict[str, dict]:
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in (content / kind).glob("*.yaml")}


def test_a_small_corpus_passes_the_strict_check(corpus, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["check", "--strict", "--content", str(corpus.content), "--today", TODAY.isoformat()])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert "3 个联络站" in out and "警告 0 条" in out


def test_the_corpus_is_county_shaped(corpus) -> None:
    stations = _records(corpus.content, "stations")
    assert Counter(s["tier"] for s in stations.values()) == {"县": 1, "乡镇": 1, "村": 1}
    parent_tiers = {s["tier"]: stations[s["parent"]]["tier"] if "parent" in s else None for s in stations.values()}
    assert parent_tiers == {"县": None, "乡镇": "县", "村": "乡镇"}  # a tree: centre, township, village
    deputies = _records(corpus.content, "deputies")
    members = Counter(m["station"] for d in deputies.values() for m in d["memberships"][:1])
    assert set(members) == set(stations) and all(8 <= n <= 12 for n in members.values())
    assert all((corpus.content / d["photo"]).is_file() for d in deputies.values())
    assert {seat["level"] for d in deputies.values() for seat in d["seats"]} == {"全国", "省", "市", "县", "乡镇"}
    events = _records(corpus.content, "events")
    receptions = Counter((e["station"], e["date"].month) for e in events.values() if e["kind"] == "接待日")
    assert set(receptions) == {(sid, month) for sid in stations for month in range(1, 13)}
    assert {e["kind"] for e in events.values()} >= {"接待日", "视察调研", "集中学习", "其他活动"}
    opinions = Counter(o["station"] for o in _records(corpus.content, "opinions").values())
    assert set(opinions) == set(stations) and all(6 <= n <= 10 for n in opinions.values())
    assert set(corpus.pages) == {f"stations/{sid}" for sid in stations} | {f"deputies/{did}" for did in deputies}


def test_the_same_size_gives_the_same_bytes(corpus, tmp_path: Path) -> None:
    again = generate(tmp_path / "content", 3)

    def files(root: Path) -> dict[str, bytes]:
        return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}

    assert files(again.content) == files(corpus.content)


@pytest.mark.slow
def test_the_scale_benchmark_runs(tmp_path: Path) -> None:
    """Every step at the smallest size, and the peers where installed, so that the script cannot rot."""
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--stations", "1", "--repeat", "1",
                             "--keep", str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| 1 |")]
    assert [row.split(" | ")[1] for row in rows[:len(STEPS)]] == list(STEPS)
    assert {row.split(" | ")[1].split()[0] for row in rows[len(STEPS):]} >= {"liaison", "Hugo", "Pelican"}
    phone_edit = rows[STEPS.index("one phone edit")].split(" | ")
    assert int(phone_edit[6].replace(",", "")) > 0  # the edit reached the site: its pages changed


def _size(pages: int, check: float, web_only: float, hugo: tuple[int, float], pelican: tuple[int, float]) -> Size:
    def runs(seconds: float, cpu: float = 0.0) -> list[Run]:
        return [Run(seconds + delta, 0.0, None, "", cpu + delta) for delta in (0.1, 0.0, -0.1)]  # medians: the middle

    first_check = runs(9.9, 9.9)  # with an empty user cache: not what a build that is not the first pays
    size = Size(Corpus(Path("."), stations=300), web_pages=pages,
                runs={"check": first_check, WEB_ONLY: runs(web_only, 23.0), CHECK_AGAIN: runs(check, 2.0)})
    for name, (peer_pages, seconds) in (("Hugo", hugo), ("Pelican", pelican)):
        size.peer_runs[name], size.peer_pages[name] = runs(seconds), peer_pages
    return size


def test_the_goal_table_sets_the_time_the_goal_allows_against_the_check_and_the_cpu_a_page() -> None:
    hugo_faster = _size(7117, check=2.5, web_only=14.3, hugo=(3330, 0.71), pelican=(3328, 4.73))
    pelican_faster = _size(7117, check=2.0, web_only=14.3, hugo=(3330, 3.33), pelican=(3328, 3.328))
    rows = goal_table([hugo_faster, pelican_faster], web_only=True, workers=2)[2:]
    # 3,330 pages in 0.71 s against 3 x 704: 1.52 s, all of it the check's; 3 x 1,000 against 1,000: 2.37 s,
    # 0.37 s left after the check, on 2 cores 0.10 ms a page. The build's CPU less the check's: 21 s, 2.95 ms a page.
    assert rows == ["| 300 | 7,117 | 4,690 | 1.52 s | 2.50 s | 0.00 ms | 14.30 s | 2.95 ms |",
                    "| 300 | 7,117 | 3,000 | 2.37 s | 2.00 s | 0.10 ms | 14.30 s | 2.95 ms |"]


def test_the_goal_table_is_left_out_without_both_peers() -> None:
    size = _size(7117, check=2.5, web_only=14.3, hugo=(3330, 0.71), pelican=(3328, 4.73))
    del size.peer_runs["Pelican"]
    assert goal_table([size], web_only=True, workers=2) == []
