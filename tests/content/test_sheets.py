"""Spreadsheets in and out: rosters as the office keeps them become record files, every bad cell is named by
sheet, cell and column, nothing is written on any error, and export then import changes no file."""
from __future__ import annotations

import datetime as dt
import difflib
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from liaison.cli import main
from liaison.content import schema
from liaison.content.loader import ContentLoader, load_content
from liaison.content.sheets.columns import SHEETS
from liaison.content.sheets.importer import ImportPlan, apply, plan_import
from liaison.content.validate import validate
from liaison.render.workbook import workbook_bytes
from tests.conftest import DEMO, examples, snapshot, write

TODAY = dt.date(2026, 11, 26)
HEADER = ["序号", "姓名", "性别", "工作单位及职务", "代表层级", "联系电话", "所属联络站"]


def roster(path: Path, rows: list[list[Any]], sheet: str = "县级代表", header: list[str] = HEADER) -> Path:
    """A roster as offices make them: a merged title and a note above the header, a blank row among the rows."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(["示例县第十八届人民代表大会代表名册"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(["（截至 2026 年 11 月）"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(header))
    ws.append(header)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def schedule(book_path: Path, rows: list[list[Any]]) -> None:
    """A 接待安排表 sheet added to a workbook."""
    book = load_workbook(book_path)
    ws = book.create_sheet("接待安排表")
    ws.append(["2026 年代表接待安排"])
    ws.append(["类型", "联络站", "日期", "开始时间", "结束时间", "主题", "接待代表"])
    for row in rows:
        ws.append(row)
    book.save(book_path)


def read(path: Path) -> dict[str, Any]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=ContentLoader)
    assert isinstance(data, dict)
    return data


def problems_of(plan: ImportPlan) -> list[str]:
    return [problem.format() for problem in plan.problems]


def realistic(tmp_path: Path) -> Path:
    book = roster(tmp_path / "代表名册.xlsx", [
        [1, "张三", "男", "示例县人民医院 主任医师", "县", 13905795512, "县中心站"],  # a phone typed as a number
        [None] * 7,  # a blank row
        [2, "欧阳　晓燕", "女", "城关镇东村 村委会主任", "县", "１３９０５７９５５１３", "东村站（召集人）；县中心站"],  # full-width
    ])
    schedule(book, [
        ["接待日", "县中心站", dt.datetime(2027, 1, 5), "9:00", "11:30", "新年民生实事征集", "张三、王堃"],  # an Excel date
        ["主题接待", "东村站", "2026年3月3日", dt.time(14, 30), "１６：３０", "村道养护", "王堃"],  # a date as text
    ])
    return book


def test_a_realistic_workbook_creates_one_record_per_row_with_ids_from_pinyin(mini: Path, tmp_path: Path) -> None:
    plan = plan_import(realistic(tmp_path), mini, today=TODAY)
    assert problems_of(plan) == []
    created = sorted(f"{c.kind}/{c.id}" for c in plan.changes if c.new)
    assert created == ["deputies/ouyang-xiaoyan", "deputies/zhang-san",
                       "events/2026-03-03-east-village-themed", "events/2027-01-05-centre-reception"]
    apply(plan)

    zhang = read(mini / "deputies" / "zhang-san.yaml")
    assert zhang["phone"] == "13905795512"
    assert (zhang["unit"], zhang["position"]) == ("示例县人民医院", "主任医师")
    # the one 县 congress of the content's deputies
    assert zhang["seats"] == [{"level": "县", "congress": "示例县第十八届人民代表大会"}]
    assert zhang["memberships"] == [{"station": "centre", "since": TODAY}]
    ouyang = read(mini / "deputies" / "ouyang-xiaoyan.yaml")
    assert ouyang["phone"] == "13905795513"
    assert ouyang["memberships"] == [{"station": "east-village", "role": "召集人", "since": TODAY},
                                     {"station": "centre", "since": TODAY}]
    reception = read(mini / "events" / "2027-01-05-centre-reception.yaml")
    assert reception["date"] == dt.date(2027, 1, 5)
    assert (reception["start"], reception["end"]) == ("09:00", "11:30")
    assert reception["deputies"] == ["zhang-san", "wang-kun"]
    themed = read(mini / "events" / "2026-03-03-east-village-themed.yaml")
    assert (themed["date"], themed["start"], themed["end"]) == (dt.date(2026, 3, 3), "14:30", "16:30")
    assert themed["deputies"] == ["wang-kun"]
    _, problems = validate(load_content(mini), mini)
    assert problems == []


def test_every_bad_cell_is_reported_by_sheet_cell_and_column_and_nothing_is_written(mini: Path, tmp_path: Path) -> None:
    before = snapshot(mini)
    book = roster(tmp_path / "代表名册.xlsx", [
        [1, "张三", "男", "示例县人民医院 主任医师", "县", 1390579123, "县中心站"],
        [2, "李四", "男", "示例县第二中学", "区", "13905795514", "西村站"],
    ])
    schedule(book, [["接待日", "县中心站", "2026年13月1日", "9:00", "25:00", "征集意见", "赵六"]])
    plan = plan_import(book, mini, today=TODAY)
    assert plan.failed
    found = problems_of(plan)
    expected = [
        "代表名册.xlsx › 县级代表 › F4（联系电话）：“1390579123” 电话号码格式不正确",
        "代表名册.xlsx › 县级代表 › D5（工作单位及职务）：“示例县第二中学”中分不出工作单位和职务",
        "代表名册.xlsx › 县级代表 › G5（所属联络站）：没有叫“西村站”的联络站",
        "代表名册.xlsx › 接待安排表 › C3（日期）：“2026年13月1日”不是有效日期",
        "代表名册.xlsx › 接待安排表 › G3（接待代表）：没有叫“赵六”的代表",
    ]
    for start in expected:
        assert [line for line in found if line.startswith(start)], (start, found)
    assert main(["import", str(book), "--content", str(mini)]) == 1
    assert snapshot(mini) == before


def test_a_value_the_schema_refuses_is_reported_at_its_cell(mini: Path, tmp_path: Path) -> None:
    """Worded as the schema words it: a value outside the drop-down's choices, a time past midnight."""
    book = roster(tmp_path / "代表名册.xlsx", [[1, "张三", "男", "示例县人民医院 主任医师", "区", None, "县中心站"]])
    schedule(book, [["接待日", "县中心站", "2027-01-05", "9:00", "25:00", "征集意见", "王堃"]])
    assert set(problems_of(plan_import(book, mini, today=TODAY))) == {
        "代表名册.xlsx › 县级代表 › E4（代表层级）：取值“区”无效，应为以下之一：全国、省、市、县、乡镇",
        "代表名册.xlsx › 接待安排表 › E3（结束时间）：“25:00”不是有效时间，"
        "应写成 \"09:00\" 这样的 24 小时制时间（小时、英文冒号、两位分钟）"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_in_gb18030(mini: Path, tmp_path: Path, encoding: str) -> None:
    csv_file = tmp_path / "名册.csv"
    csv_file.write_bytes(("姓名,工作单位,职务,代表层级,联系电话,所属联络站\r\n"
                          "张三,示例县人民医院,主任医师,县,13905795512,县中心站\r\n").encode(encoding))
    plan = plan_import(csv_file, mini, today=TODAY)
    assert problems_of(plan) == []
    apply(plan)
    assert read(mini / "deputies" / "zhang-san.yaml")["unit"] == "示例县人民医院"


def test_a_bad_cell_of_a_csv_file_is_named_without_a_sheet(mini: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "名册.csv"
    csv_file.write_text("姓名,工作单位,职务,代表层级,联系电话,所属联络站\n张三,医院,医生,县,1390579,县中心站\n", encoding="utf-8")
    assert [line for line in problems_of(plan_import(csv_file, mini, today=TODAY))
            if line.startswith("名册.csv › E2（联系电话）：“1390579” 电话号码格式不正确")]


def test_re_import_finds_the_records_it_made_and_changes_nothing(mini: Path, tmp_path: Path) -> None:
    book = realistic(tmp_path)
    apply(plan_import(book, mini, today=TODAY))
    after_first = snapshot(mini)
    again = plan_import(book, mini, today=TODAY + dt.timedelta(days=30))
    assert (again.changes, again.problems, again.unchanged) == ([], [], 4)
    apply(again)
    assert snapshot(mini) == after_first


def test_an_update_changes_only_the_sheets_fields_and_keeps_comments_and_order(mini: Path, tmp_path: Path) -> None:
    deputy = mini / "deputies" / "li-yan.yaml"
    original = "# 资料由城关镇人大办提供\n" + deputy.read_text(encoding="utf-8").replace(
        "position: 教师", "position: 教师  # 2025 年起任教研组长")
    deputy.write_text(original, encoding="utf-8")
    book = roster(tmp_path / "更新.xlsx", [["li-yan", "李䶮", "13900000009", "县中心站；东村站"]],
                  header=["编号", "姓名", "联系电话", "所属联络站"])
    plan = plan_import(book, mini, today=TODAY)
    assert problems_of(plan) == []
    assert [(c.id, c.fields, c.headers) for c in plan.changes] == [
        ("li-yan", ["phone", "memberships"], ["联系电话", "所属联络站"])]
    apply(plan)
    updated = deputy.read_text(encoding="utf-8")
    diff = [line for line in difflib.ndiff(original.splitlines(), updated.splitlines()) if line[:1] in "+-"]
    assert diff == ['+ phone: "13900000009"', "+   - station: centre", "+     since: 2026-11-26"]
    assert updated.startswith("# 资料由城关镇人大办提供\n")
    assert updated.index("phone:") > updated.index("position:")  # in the schema's place


def test_a_station_left_out_closes_the_membership_and_keeps_its_history(mini: Path, tmp_path: Path) -> None:
    book = roster(tmp_path / "更新.xlsx", [["wang-kun", "王堃", "东村站"]], header=["编号", "姓名", "所属联络站"])
    apply(plan_import(book, mini, today=TODAY))
    assert read(mini / "deputies" / "wang-kun.yaml")["memberships"] == [
        {"station": "centre", "role": "召集人", "since": dt.date(2022, 1, 1), "until": TODAY},
        {"station": "east-village", "since": dt.date(2022, 1, 1)}]


def test_a_name_shared_by_records_is_reported_not_guessed(mini: Path, tmp_path: Path) -> None:
    other = read(mini / "deputies" / "li-yan.yaml") | {"unit": "示例县第二中学"}
    write(mini / "deputies" / "li-yan-2.yaml", yaml.safe_dump(other, allow_unicode=True))
    before = snapshot(mini)
    book = roster(tmp_path / "名册.xlsx", [["李䶮", "13900000009"]], header=["姓名", "联系电话"])
    assert [line for line in problems_of(plan_import(book, mini, today=TODAY))
            if line.startswith("名册.xlsx › 县级代表 › A4（姓名）：已有 2 名代表叫“李䶮”（li-yan、li-yan-2）")]
    moved = roster(tmp_path / "调动.xlsx", [["李䶮", "示例县第三中学", "13900000009"]], header=["姓名", "工作单位", "联系电话"])
    assert [line for line in problems_of(plan_import(moved, mini, today=TODAY)) if "工作单位不同" in line]
    assert snapshot(mini) == before


def test_export_then_import_of_the_demo_changes_no_file(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(DEMO, content)
    before = snapshot(content)
    book = tmp_path / "联络站数据.xlsx"
    assert main(["export", str(book), "--content", str(content)]) == 0
    plan = plan_import(book, content, today=TODAY)
    assert (problems_of(plan), plan.changes) == ([], [])
    assert plan.unchanged == sum(len(list((content / kind).iterdir()))
                                 for kind in ("stations", "deputies", "events", "opinions"))
    assert main(["import", str(book), "--content", str(content)]) == 0
    assert snapshot(content) == before


def test_an_export_that_fails_to_write_keeps_the_old_workbook_whole(mini: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """The clerk's workbook is replaced in one rename: a full disk leaves the old one as it was, not cut short."""
    book = tmp_path / "联络站数据.xlsx"
    book.write_bytes(b"the clerk's workbook")

    def full(fd: int) -> None:  # the disk filled while the bytes went through to it
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "fsync", full)
    assert main(["export", str(book), "--content", str(mini)]) != 0
    assert book.read_bytes() == b"the clerk's workbook"
    assert sorted(p.name for p in tmp_path.iterdir() if p != mini) == ["联络站数据.xlsx"]
    assert f"无法写入 {book}" in capsys.readouterr().err


def test_the_exported_workbook_has_a_sheet_per_kind_drop_downs_a_frozen_header_and_widths(mini: Path) -> None:
    typed, _ = validate(load_content(mini), mini)
    from io import BytesIO

    book = load_workbook(BytesIO(workbook_bytes(typed.records, TODAY)))
    assert book.sheetnames == ["联络站一览表", "代表名册", "接待安排表", "意见建议台账"]
    stations = book["联络站一览表"]
    assert [cell.value for cell in stations[1]][:6] == ["编号", "名称", "简称", "类型", "层级", "上级联络站"]
    assert stations.freeze_panes == "A2"
    assert stations.column_dimensions["B"].width > 30
    lists = {str(v.sqref)[0]: v.formula1 for v in stations.data_validations.dataValidation}
    assert lists["D"] == '"' + ",".join(kind.value for kind in schema.StationKind) + '"'
    assert lists["E"] == '"' + ",".join(tier.value for tier in schema.Tier) + '"'
    opinions = book["意见建议台账"]
    headers = [cell.value for cell in opinions[1]]
    assert {"办理状态", "反馈日期", "满意度"} <= set(headers)
    enumerated = {opinions[f"{str(v.sqref)[0]}1"].value for v in opinions.data_validations.dataValidation}
    assert enumerated == {"办理方式", "反馈方式", "办理状态", "满意度"}
    assert book["代表名册"]["B2"].value == "李䶮"


def test_text_that_starts_like_a_formula_is_exported_as_text(mini: Path) -> None:
    opinion = mini / "opinions" / "2026-0001.yaml"
    opinion.write_text(opinion.read_text(encoding="utf-8").replace("result: 已列入年底修缮计划",
                                                                   'result: "=HYPERLINK(\\"http://x.example\\")"'))
    typed, _ = validate(load_content(mini), mini)
    from io import BytesIO

    sheet = load_workbook(BytesIO(workbook_bytes(typed.records, TODAY)))["意见建议台账"]
    cell = next(c for c in sheet["N"] if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert cell.data_type == "s"


def test_dry_run_prints_what_would_change_and_writes_nothing(mini: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(mini)
    assert main(["import", str(realistic(tmp_path)), "--content", str(mini), "--dry-run", "--today", "2026-11-26"]) == 0
    out = capsys.readouterr().out
    assert "将新建" in out and "zhang-san.yaml" in out and "代表名册.xlsx › 县级代表 › 第 4 行" in out
    assert "新建 4 条" in out
    assert snapshot(mini) == before


def test_unknown_sheet_and_unreadable_file_are_usage_of_the_file_not_tracebacks(mini: Path, tmp_path: Path,
                                                                              capsys: pytest.CaptureFixture[str]) -> None:
    book = realistic(tmp_path)
    assert main(["import", str(book), "--content", str(mini), "--sheet", "乡镇代表"]) == 1
    assert "没有名为“乡镇代表”的工作表" in capsys.readouterr().err
    broken = write(tmp_path / "坏.xlsx", "not a workbook")
    assert main(["import", str(broken), "--content", str(mini)]) == 1
    assert "无法作为 Excel 工作簿（.xlsx）打开" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "名册.xls"), "--content", str(mini)]) == 2


def stations_and_opinions(path: Path, opinion: list[Any]) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "联络站一览表"
    ws.append(["名称", "简称", "类型", "层级", "上级联络站", "所在地", "地址", "面积（平方米）", "联系电话", "开放时间", "工作人员"])
    ws.append(["城关镇西村人大代表联络站", "西村站", "联络站", "村", "县中心站", "城关镇", "城关镇西村村委会", "４０",
               "0579-61234569", "周一至周五 8:30—17:00，14:30—17:30；周六上午", "李梅（站长）；张强（联络员）"])
    ws.append(["示例县人大代表联络中心站", "县中心站", "联络中心站", "县", None, "城关镇", "示例县人民路1号", 120,
               "0579-61234567", "周一至周五 08:30-17:30", "赵一（站长）；钱二（联络员）；周五（联络员）"])
    sheet = book.create_sheet("意见建议台账")
    sheet.append(["受理日期", "联络站", "代表", "类别", "内容摘要", "办理方式", "承办单位", "交办日期", "反馈日期", "办理状态"])
    sheet.append(opinion)
    book.save(path)
    return path


def test_stations_and_opinions_from_a_workbook_new_ids_and_staff_phones_kept(mini: Path, tmp_path: Path) -> None:
    book = stations_and_opinions(tmp_path / "台账.xlsx", [
        dt.date(2026, 11, 20), "西村站", "王堃", "交通出行", "反映村口路灯损坏", "交办", "城关镇人民政府", "2026年11月21日",
        None, "已交办"])
    plan = plan_import(book, mini, today=TODAY)
    assert problems_of(plan) == []
    assert sorted((c.kind, c.id, c.new) for c in plan.changes) == [
        ("opinions", "2026-0003", True), ("stations", "centre", False), ("stations", "xi-village", True)]
    apply(plan)
    station = read(mini / "stations" / "xi-village.yaml")
    assert station["area_m2"] == 40
    assert station["opening_hours"] == ["周一至周五 8:30—17:00，14:30—17:30", "周六上午"]
    assert station["staff"] == [{"name": "李梅", "role": "站长"}, {"name": "张强", "role": "联络员"}]
    centre = read(mini / "stations" / "centre.yaml")
    assert centre["staff"] == [{"name": "赵一", "role": "站长"}, {"name": "钱二", "role": "联络员", "phone": "13900000001"},
                               {"name": "周五", "role": "联络员"}]
    opinion = read(mini / "opinions" / "2026-0003.yaml")
    assert (opinion["station"], opinion["deputy"], opinion["assigned"]) == ("xi-village", "wang-kun", dt.date(2026, 11, 21))


def test_rules_across_records_and_privacy_are_reported_at_the_cells(mini: Path, tmp_path: Path) -> None:
    """What `check` would refuse after the import is refused before it, at the cell that causes it."""
    book = stations_and_opinions(tmp_path / "台账.xlsx", [
        dt.date(2026, 11, 20), "东村站", "王堃", "社会治理", "反映有人打电话 139 0579 5512 骚扰", "当场答复", None, None,
        None, "已办结"])
    found = problems_of(plan_import(book, mini, today=TODAY))
    for start in ("台账.xlsx › 意见建议台账 › D2（类别）：类别“社会治理”不在站点设置的类别中",
                  "台账.xlsx › 意见建议台账 › E2（内容摘要）：“反映有人打电话 139 0579 5512 骚扰” 疑似手机号码（139****5512）",
                  "台账.xlsx › 意见建议台账 › J2（办理状态）：状态为“已办结”时须写明反馈日期"):
        assert [line for line in found if line.startswith(start)], (start, found)


def test_docs_list_every_accepted_header_as_the_program_reads_them() -> None:
    from liaison.content.sheets.reference import END, START, markdown
    from tests.conftest import ROOT

    text = (ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    assert text.split(START, 1)[1].split(END, 1)[0] == "\n" + markdown(), (
        "docs/import.md is out of date: python -m liaison.content.sheets.reference docs/import.md")


def test_a_record_kept_in_a_yml_file_is_updated_in_that_file(mini: Path, tmp_path: Path) -> None:
    (mini / "deputies" / "li-yan.yaml").rename(mini / "deputies" / "li-yan.yml")
    book = roster(tmp_path / "名册.xlsx", [["li-yan", "13900000009"]], header=["编号", "联系电话"])
    apply(plan_import(book, mini, today=TODAY))
    assert read(mini / "deputies" / "li-yan.yml")["phone"] == "13900000009"
    assert not (mini / "deputies" / "li-yan.yaml").exists()


cells = st.one_of(
    # what a cell can hold: no NaN, no control characters (openpyxl refuses to write them)
    st.none(), st.booleans(), st.integers(-10**15, 10**15), st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=20), st.dates(dt.date(1900, 1, 1)), st.times(),
    st.sampled_from(["县中心站", "东村站", "王堃", "李䶮", "县；市", "接待日", "已办结", "2026年3月3日", "１３９０５７９５５１２",
                     "赵一（站长）", "周一（", "=1+1", "li-yan", "Li Yan", "2026-13-01", "9:75", "　", "\n"]))
columns_of_any_kind = sorted({header for sheet in SHEETS.values() for c in sheet.columns for header in c.headers[:1]})


@settings(max_examples=examples(25), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(header=st.lists(st.sampled_from(columns_of_any_kind), min_size=2, max_size=8, unique=True),
       rows=st.lists(st.lists(cells, min_size=8, max_size=8), min_size=1, max_size=3))
def test_whatever_a_sheet_holds_the_import_plans_or_reports_never_a_traceback(
        mini: Path, tmp_path: Path, header: list[str], rows: list[list[Any]]) -> None:
    book = roster(tmp_path / "名册.xlsx", [row[: len(header)] for row in rows], header=header)
    plan = plan_import(book, mini, today=TODAY)
    for problem in plan.problems:
        assert problem.format().startswith("名册.xlsx › 县级代表")


def test_a_cell_that_cannot_be_read_is_reported_once_and_nothing_is_made_of_it(mini: Path, tmp_path: Path) -> None:
    """Found by the property test above: a date in 工作单位及职务 stopped the import with a traceback."""
    book = roster(tmp_path / "名册.xlsx", [["张三", dt.date(2000, 1, 1), "县", "县中心站"]],
                  header=["姓名", "工作单位及职务", "代表层级", "所属联络站"])
    assert problems_of(plan_import(book, mini, today=TODAY)) == [
        "名册.xlsx › 县级代表 › B4（工作单位及职务）：“2000-01-01”是日期或时间，此处应为文字"]


def test_new_files_get_the_usual_permissions_and_an_updated_file_keeps_its_own(mini: Path, tmp_path: Path) -> None:
    os.umask(umask := os.umask(0))
    (mini / "deputies" / "wang-kun.yaml").chmod(0o640)
    book = realistic(tmp_path)
    load = load_workbook(book)
    load["县级代表"].append([3, "王堃", "男", "城关镇东村 党支部书记", "县", "13900000009", "县中心站（召集人）；东村站"])
    load.save(book)
    plan = plan_import(book, mini, today=TODAY)
    assert ("wang-kun", ["phone"]) in [(c.id, c.fields) for c in plan.changes]
    apply(plan)
    assert (mini / "deputies" / "wang-kun.yaml").stat().st_mode & 0o777 == 0o640
    assert (mini / "deputies" / "zhang-san.yaml").stat().st_mode & 0o777 == 0o666 & ~umask
