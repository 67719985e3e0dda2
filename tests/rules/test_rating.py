"""The Wuxi star rating of the fixture's county centre, against a total computed by hand."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from liaison.build.pipeline import content_problems
from liaison.rules import rating
from tests.conftest import write
from tests.model.test_site import site_at

ASSESSMENT = """\
station: centre
year: 2026
assessor: 示例县人大常委会代表工作室
date: 2026-11-20
scores: {f1a: 3, f1b: 2, f2b: 3, f2c: 1, f3a: 3, f3c: 2, s3a: 2, c1a: 3, c1b: 2, c1c: 3, c2d: 1,
         e1a: 3, e2a: 2, e2b: 4, e2c: 3, e3a: 1, e3b: 2, e3c: 2, b1: 3, b2a: 1, b2b: 2, b2c: 2, b3b: 1}
notes: {e2b: 推动修缮村道 2 条}
"""


def test_table_adds_up_to_the_standard() -> None:
    sections, lines, bands = rating.table()
    for section_id, _, points in sections:
        assert sum(line.points for line in lines if line.section == section_id) == points
    assert [minimum for minimum, _ in bands] == [95, 90, 85, 80]


def test_fixture_station_matches_the_hand_computed_total(mini: Path) -> None:
    write(mini / "assessments" / "centre-2026.yaml", ASSESSMENT)
    site = site_at(mini, dt.date(2026, 11, 26))
    result = rating.rate(site, site.stations["centre"], 2026)
    computed = {s.line.id: s.points for s in result.lines if s.source == "记录"}
    # By hand, from tests/fixtures/mini as of 2026-11-26:
    #   f2a 120 m² ≥ 60 → 3; f2d intro and 王堃 published → 3; f2e one scenario → 4; f3b a 联络员 → 3
    #   s1c 代表进站接待制度 → 1; s1g both staff have duties → 1; the other system lines → 0
    #   s2a no study session → 0; s2b a 2026 plan, no notice due yet → 3; s2c no report-back → 0
    #   s3b no opinion to assign → 3; c2a station phone → 2; c2b no reception Jan–Nov → 0
    #   c2c 王堃 held no reception here yet → 0; c3 nothing due → 6; e1b no inspection → 0
    #   b3a no deputy above county level → 1
    assert computed == {"f2a": 3, "f2d": 3, "f2e": 4, "f3b": 3, "s1a": 0, "s1b": 0, "s1c": 1, "s1d": 0,
                        "s1e": 0, "s1f": 0, "s1g": 1, "s2a": 0, "s2b": 3, "s2c": 0, "s3b": 3, "c2a": 2,
                        "c2b": 0, "c2c": 0, "c3": 6, "e1b": 0, "b3a": 1}
    # sections: 13 + 14 = 27; 8 + 2 = 10; 8 + 9 = 17; 0 + 17 = 17; 1 + 9 = 10
    assert [(title, points) for title, points, _ in result.sections] == [
        ("功能配套", 27), ("制度建设", 10), ("联系群众", 17), ("作用发挥", 17), ("加分项目", 10)]
    assert result.total == 81 and result.band == "达标级"
    assert next(s for s in result.lines if s.line.id == "e2b").evidence == "推动修缮村道 2 条"


def test_without_an_assessment_the_manual_lines_wait(mini: Path) -> None:
    site = site_at(mini, dt.date(2026, 11, 26))
    result = rating.rate(site, site.stations["centre"], 2026)
    assert result.total == 30 and result.band is None  # 13 + 8 + 8 + 0 + 1 from records alone
    assert {s.source for s in result.lines if s.line.auto is None} == {"待评"}


def test_assessment_files_are_validated(mini: Path) -> None:
    write(mini / "assessments" / "centre-2026.yaml",
          ASSESSMENT.replace("f1a: 3", "f1a: 4").replace("b1: 3", "c3: 6, zz9: 1"))
    _, problems = content_problems(mini)
    lines = [p.format(relative_to=mini) for p in problems]
    assert any("scores.f1a: 该项最多 3 分" in line for line in lines)
    assert any("scores.c3: “c3”由记录自动计分，不在评估文件中填写" in line for line in lines)
    assert any("scores.zz9: 评分表中没有“zz9”" in line for line in lines)
