"""`liaison new`: a new record of every kind lists its schema's fields in order with what each is, its
placeholders are reported by `check` where they are, and once filled it passes; ids are checked."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from liaison.build.pipeline import Config, check
from liaison.content import ids, reference, scaffold
from liaison.content.kinds import KINDS, MARKDOWN
from liaison.content.loader import ContentLoader
from liaison.content.problems import ContentError
from tests.conftest import TODAY

# What a clerk writes into the placeholders, by field name; a list fills the "-" under its key.
FILLED: dict[str, dict[str, str | list[str]]] = {
    "station": {"kind": "联络站", "tier": "村", "short_name": "东坑村联络站", "locality": "东坑村",
                "address": "示例县东坑村村委会一楼", "area_m2": "30", "opening_hours": ["周一至周五 8:30—17:00"],
                "phone": "0579-62230000", "intro": "东坑村联络站设在村委会一楼。", "name": "王五", "role": "站长"},
    "deputy": {"level": "县", "congress": "示例县第十八届人民代表大会", "unit": "示例县第二中学", "position": "教师",
               "since": "2026-01-01"},
    "event": {"kind": "接待日", "date": "2026-12-15", "start": "09:00", "end": "11:00", "theme": "冬季安全"},
    "opinion": {"received": "2026-11-02", "category": "交通出行", "summary": "反映东坑村路口缺少路灯",
                "route": "交办", "status": "已受理"},
    "notice": {"title": "东坑村联络站开放公告", "date": "2026-11-20"},
    "system": {"title": "东坑村联络站值班制度"},
    "assessment": {"year": "2026", "assessor": "示例县人大常委会代表工作室", "date": "2026-11-10",
                   "scores": "{f1a: 3}"},
}
GIVEN = {  # what the command line gives: --name, --station
    "station": {"name": "示例县东坑村人大代表联络站", "station": "centre"},
    "deputy": {"name": "赵六", "station": "centre"},
    "event": {"station": "centre"}, "opinion": {"station": "centre"},
    "notice": {"station": "east-village"}, "system": {}, "assessment": {"station": "centre"},
}
_KEY = re.compile(r"^(\s*(?:- )?)(\w+):[ ]*(?:#.*)?$")  # a field left empty: `  - name:  # 姓名…`
_ITEM = re.compile(r"^(\s*)-[ ]*$")


def fill(text: str, values: dict[str, str | list[str]]) -> str:
    """The record with its placeholders filled as a clerk would: after the colon, after the "-"."""
    lines, key = [], ""
    for line in text.splitlines():
        if found := _KEY.match(line):
            key = found.group(2)
            value = values.get(key)
            if isinstance(value, str):
                line = f"{found.group(1)}{key}: {value}"
        elif (item := _ITEM.match(line)) and isinstance(values.get(key), list):
            line = f"{item.group(1)}- {values[key][0]}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def check_problems(content: Path) -> list:
    try:
        check(Config(content=content, site_dir=Path("unused"), signage_dir=Path("unused"), today=TODAY))
    except ContentError as exc:
        return [problem for problem in exc.problems if problem.severity == "error"]
    return []


@pytest.mark.parametrize("singular", list(FILLED))
def test_a_new_record_fails_check_at_each_placeholder_then_passes_once_they_are_filled(
        mini: Path, singular: str) -> None:
    kind = scaffold.BY_SINGULAR[singular]
    created = scaffold.create(mini, kind, "new-one", **GIVEN[singular])
    assert created.path == mini / kind.name / kind.file_name("new-one")
    text = created.path.read_text(encoding="utf-8")

    unfilled = check_problems(mini)
    assert unfilled and {problem.path for problem in unfilled} == {created.path}
    lines = text.splitlines()
    for problem in unfilled:  # each at its placeholder's line, said to be unfilled
        assert "未填写" in problem.message, problem.format()
        name = problem.field.split(".")[-1].split("[")[0]
        assert re.match(rf"\s*(- )?({name}:|-\s*$)", lines[problem.line - 1]), problem.format()

    body = "\n正文第一段。\n" if kind.suffixes == MARKDOWN else ""
    created.path.write_text(fill(text, FILLED[singular]) + body, encoding="utf-8")
    assert check_problems(mini) == [], [problem.format() for problem in check_problems(mini)]


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=lambda kind: kind.singular)
def test_fields_stand_in_the_schema_order_each_with_what_it_is(kind, tmp_path: Path) -> None:
    text = scaffold.text(kind, "new-one", {})
    top = [found.group(1) for found in re.finditer(r"^(?:# )?(\w+):", text, re.MULTILINE)]
    docs = reference.fields(kind.model)
    assert top == [doc.name for doc in docs if not (kind.suffixes == MARKDOWN and doc.name == "body")]
    for doc in docs:
        line = next(line for line in text.splitlines() if re.match(rf"(# )?{doc.name}:", line) or
                    (doc.name == "body" and line.startswith("# 正文：")))
        assert doc.description in line
        assert ("必填" in line) == doc.required
        if doc.name != "body":  # the body's comment stands in the front matter, the body below it
            assert line.startswith("# ") != doc.required  # optional fields commented out


def test_optional_fields_taken_in_by_deleting_the_comment_mark_are_read_as_written(mini: Path) -> None:
    kind = scaffold.BY_SINGULAR["station"]
    created = scaffold.create(mini, kind, "new-one", **GIVEN["station"])
    text = fill(created.path.read_text(encoding="utf-8"), FILLED["station"])
    text = text.replace("# floor:", "floor: 2")
    text = re.sub(r"# functional_areas:(.*)\n#   -\n", r"functional_areas:\1\n  - 接待区\n", text)
    assert "floor: 2" in text and "  - 接待区" in text
    created.path.write_text(text, encoding="utf-8")
    assert check_problems(mini) == []


def test_an_existing_id_is_refused_and_the_file_kept(mini: Path) -> None:
    station = mini / "stations" / "centre.yaml"
    before = station.read_bytes()
    with pytest.raises(scaffold.NewRecordError, match="编号“centre”已有联络站使用"):
        scaffold.create(mini, KINDS["stations"], "centre")
    assert station.read_bytes() == before
    scaffold.create(mini, KINDS["events"], "new-one")
    with pytest.raises(scaffold.NewRecordError, match="编号“new-one”已有活动使用"):
        scaffold.create(mini, KINDS["events"], "new-one")


@pytest.mark.parametrize(("record_id", "hint"), [
    ("Qingshi_Town", "qingshi-town"), ("qingshi town", "qingshi-town"), ("a--b", "a-b"), ("青石镇", None),
    ("-east", "east"),
])
def test_a_bad_id_is_refused_with_the_pattern_explained(mini: Path, record_id: str, hint: str | None) -> None:
    with pytest.raises(scaffold.NewRecordError) as refused:
        scaffold.create(mini, KINDS["stations"], record_id)
    message = str(refused.value)
    assert f"“{record_id}”不能用作编号：{ids.RULE}" in message
    assert (f"是否想写“{hint}”" in message) if hint else "是否想写" not in message
    assert not any((mini / "stations").glob(f"{record_id}*"))


@pytest.mark.parametrize(("kind", "record_id"), [("stations", "all"), ("deputies", "township"), ("events", "2026-11")])
def test_an_id_a_generated_file_takes_is_refused(mini: Path, kind: str, record_id: str) -> None:
    with pytest.raises(scaffold.NewRecordError, match="已被系统占用"):
        scaffold.create(mini, KINDS[kind], record_id)


def test_a_deputy_without_an_id_gets_the_pinyin_of_the_name_unique_among_deputies(mini: Path) -> None:
    first = scaffold.create(mini, KINDS["deputies"], None, name="赵六")
    assert (first.record_id, first.proposed) == ("zhao-liu", True)
    assert "name: 赵六" in first.path.read_text(encoding="utf-8")
    assert scaffold.create(mini, KINDS["deputies"], None, name="李䶮").record_id == "li-yan-2"  # li-yan is taken
    assert scaffold.create(mini, KINDS["deputies"], None, name="赵六").record_id == "zhao-liu-2"


@pytest.mark.parametrize(("singular", "name", "station", "message"), [
    ("deputy", None, None, "用 --name 写代表姓名"),
    ("deputy", "张😀", None, "无法由姓名“张😀”生成编号"),
    ("station", None, None, "请写明新联络站的编号"),
])
def test_without_an_id_the_command_says_what_to_write(mini: Path, singular: str, name: str | None,
                                                       station: str | None, message: str) -> None:
    with pytest.raises(scaffold.NewRecordError, match=re.escape(message)):
        scaffold.create(mini, scaffold.BY_SINGULAR[singular], None, name=name, station=station)


def test_options_that_do_not_apply_or_name_no_station_are_refused(mini: Path) -> None:
    with pytest.raises(scaffold.NewRecordError, match="--name 不适用于活动"):
        scaffold.create(mini, KINDS["events"], "new-one", name="接待")
    with pytest.raises(scaffold.NewRecordError, match="联络站“nowhere”不存在"):
        scaffold.create(mini, KINDS["events"], "new-one", station="nowhere")
    assert not (mini / "events" / "new-one.yaml").exists()


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=lambda kind: kind.singular)
def test_every_kind_names_where_its_station_goes_and_new_fills_it(mini: Path, kind) -> None:
    created = scaffold.create(mini, kind, "new-one", station="centre")
    text = created.path.read_text(encoding="utf-8")
    field = str(kind.station_field[-1])
    assert re.search(rf"^\s*(- )?{field}: centre  # ", text, re.MULTILINE)


@pytest.mark.parametrize("name", ["示例县 #1 联络站", "联络站: 东坑", "'东坑'", "yes", "2026-01-01", "[东坑]"])
def test_a_name_with_yaml_marks_reads_back_as_typed(mini: Path, name: str) -> None:
    created = scaffold.create(mini, KINDS["stations"], "new-one", name=name)
    data = yaml.load(created.path.read_text(encoding="utf-8"), Loader=ContentLoader)
    assert data["name"] == name
