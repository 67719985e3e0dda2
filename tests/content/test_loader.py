import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from liaison.content import loader
from liaison.content.loader import load_content
from tests.conftest import ROOT, examples, write


def problems_of(content: Path) -> list[str]:
    return [p.format(relative_to=content) for p in load_content(content).problems]


def test_marks_locate_nested_values(mini: Path) -> None:
    result = load_content(mini)
    deputy = next(r for r in result.records["deputies"] if r.id == "wang-kun")
    # line 4 is "  - {level: 县, ...}", the mapping starts at column 5
    assert deputy.marks.of_value(("seats", 0)) == (4, 5)
    assert deputy.marks.of_key(("memberships",)) == (8, 1)
    # a missing location falls back to the nearest existing parent
    assert deputy.marks.of_value(("seats", 0, "nope")) == (4, 5)


def test_marks_are_found_only_when_asked_for(mini: Path) -> None:
    """A record keeps its text, not the line and column of every value: those are found again from the text when a
    problem asks (a county's content took more memory in marks than in values, in every process of a build)."""
    records = load_content(mini).every()
    assert len(records) > 10 and not any(raw.marks._found for raw in records)
    notice = next(r for r in records if r.kind == "notices" and r.path.suffix == ".md")
    assert notice.marks.of_value(("body",)) > notice.marks.of_value(("title",)) and notice.marks._found


def test_yaml_syntax_error_is_located(mini: Path) -> None:
    write(mini / "stations" / "broken.yaml", "name: 甲\nkind: [联络站\n")
    assert "stations/broken.yaml:2:7: -: YAML 语法错误：第 2 行的“[”没有配对的“]”，或其中的项之间缺少英文逗号“,”" \
        in problems_of(mini)


@pytest.mark.parametrize(("text", "expected"), [
    ("name: 甲\naddress：青石镇\nfloor: 2\n", "2:8: -: YAML 语法错误：第 2 行用了中文冒号“：”，请改为英文冒号“:”"),
    ("name：甲\naddress: 青石镇\n", "1:5: -: YAML 语法错误：第 1 行用了中文冒号“："),
    ("name：甲\n", "1:5: -: YAML 语法错误：第 1 行用了中文冒号“："),
    ("region:\n  province：示例省\n  city: x\n", "2:11: -: YAML 语法错误：第 2 行用了中文冒号“："),
    ("region:\n\tprovince: a\n", "2:1: -: YAML 语法错误：第 2 行用 Tab 键缩进，请改用空格"),
    ("opening_hours:\n\u3000\u3000- a\n", "2:1: -: YAML 语法错误：第 2 行开头有全角空格（中文输入法下的空格），请改为半角空格"),
    ("name: a\nshort_name:乙\nfloor: 2\n", "2:11: -: YAML 语法错误：第 2 行冒号后缺少空格：应写成“short_name: 乙”"),
    ("name:甲\n", "1:5: -: YAML 语法错误：第 1 行冒号后缺少空格：应写成“name: 甲”"),
    ("name: @甲\n", "1:7: -: YAML 语法错误：值不能以“@”开头：请把整个值用引号括起来"),
    ("name: `甲`\n", "1:7: -: YAML 语法错误：值不能以“`”开头：请把整个值用引号括起来"),
    ('name: "甲\nfloor: 2\n', "1:7: -: YAML 语法错误：第 1 行开始的引号没有结束：请补上配对的引号"),
    ("name: '张三's'\n", "1:11: -: YAML 语法错误：引号结束后还有文字"),
    ("name: a\n- b\nfloor: 2\n", "2:1: -: YAML 语法错误：列表项“- ”的位置不对"),
    ("opening_hours:\n    - a\n  - b\n", "3:3: -: YAML 语法错误：列表项“- ”的位置不对"),
    ("opening_hours:\n  - a\n   - b\n", "3:4: -: 第 3 行的列表项“- ”没有与上一项对齐：同一列表的“- ”应在同一列"),
    ("theme: 会议: 讨论\n", "1:10: -: YAML 语法错误：这里不能再出现“: ”：值里含有冒号加空格时，请把整个值用引号括起来"),
    ("region:\n    province: a\n  city: b\n", "3:3: -: YAML 语法错误：这一行的缩进与上一层不一致"),
    ("name: !!python/object:os.system x\n", "1:7: -: YAML 语法错误：不支持以“!”开头的 YAML 标签"),
    ("name: a\n---\nname: b\n", "2:1: -: YAML 语法错误：一个文件只能写一条记录"),
])
def test_common_yaml_mistakes_say_what_to_change_in_chinese(mini: Path, text: str, expected: str) -> None:
    write(mini / "stations" / "typo.yaml", text)
    [line] = [line for line in problems_of(mini) if line.startswith("stations/typo.yaml")]
    assert line.startswith("stations/typo.yaml:" + expected), line


def test_yaml_mistakes_in_front_matter_count_the_lines_of_the_file(mini: Path) -> None:
    write(mini / "notices" / "typo.md", "---\ntitle：公告\ndate: 2026-11-25\n---\n正文\n")
    write(mini / "systems" / "typo.md", "---\ntitle: 制度\norder: [1\n---\n正文\n")
    lines = problems_of(mini)
    assert "notices/typo.md:2:6: -: YAML 语法错误：第 2 行用了中文冒号“：”，请改为英文冒号“:”（冒号后加一个空格）" in lines
    assert "systems/typo.md:3:8: -: YAML 语法错误：第 3 行的“[”没有配对的“]”，或其中的项之间缺少英文逗号“,”" in lines


def test_duplicate_key_is_an_error(mini: Path) -> None:
    write(mini / "stations" / "twice.yaml", "name: 甲\nname: 乙\n")
    assert "stations/twice.yaml:2:1: name: 字段“name”重复出现" in problems_of(mini)


def test_times_are_not_base_60_numbers(mini: Path) -> None:
    write(mini / "events" / "t.yaml", "start: 10:30\nduration: 12\n")
    record = next(r for r in load_content(mini).records["events"] if r.id == "t")
    assert record.data == {"start": "10:30", "duration": 12}


def test_impossible_date_stays_text_for_the_schema_to_report(mini: Path) -> None:
    write(mini / "notices" / "n.md", "---\ntitle: x\ndate: 2026-13-01\n---\nbody\n")
    record = next(r for r in load_content(mini).records["notices"] if r.id == "n")
    assert record.data["date"] == "2026-13-01"


def test_markdown_front_matter_and_body(mini: Path) -> None:
    record = next(r for r in load_content(mini).records["systems"] if r.id == "reception")
    assert record.data["title"] == "代表进站接待制度"
    assert record.data["body"].startswith("## 接待时间")
    assert record.marks.of_value(("body",)) == (5, 1)
    assert record.marks.of_value(("order",)) == (3, 8)


def test_markdown_without_front_matter(mini: Path) -> None:
    write(mini / "notices" / "plain.md", "只有正文\n")
    assert any("notices/plain.md:1:1: -: Markdown 文件应以 '---' 开头" in line for line in problems_of(mini))


def test_file_names_must_make_stable_ids(mini: Path) -> None:
    write(mini / "stations" / "Bad Name.yaml", "name: x\n")
    write(mini / "stations" / "centre.yml", "name: x\n")
    write(mini / "stations" / "notes.txt", "x\n")
    lines = problems_of(mini)
    assert any(line.startswith("stations/Bad Name.yaml:0:0: id: 文件名“Bad Name”不能用作编号") for line in lines)
    assert "stations/centre.yml:0:0: id: 编号“centre”重复，已由 centre.yaml 使用" in lines
    assert any(line.startswith("stations/notes.txt:0:0: -: 不识别的文件类型") for line in lines)


def test_a_file_that_is_not_a_mapping(mini: Path) -> None:
    write(mini / "stations" / "list.yaml", "- a\n- b\n")
    assert "stations/list.yaml:1:1: -: 文件内容应为“字段: 值”形式的映射" in problems_of(mini)


RESAVE = "请用记事本或 WPS 打开，点“另存为”，编码选“UTF-8”后保存"


@pytest.mark.parametrize(("codec", "expected"), [
    ("gb18030", "stations/saved.yaml:2:1: -: 警告: 文件是 GBK（GB18030）编码，已按 GBK 读取，"
                f"请核对这一行读作“name: 青石镇人大代表联络站”是否正确；{RESAVE}"),
    ("gbk", "stations/saved.yaml:2:1: -: 警告: 文件是 GBK（GB18030）编码，已按 GBK 读取"),
    ("utf-16", f"stations/saved.yaml:0:0: -: 警告: 文件是 UTF-16 编码，已按 UTF-16 读取；{RESAVE}"),
    ("utf-32", "stations/saved.yaml:0:0: -: 警告: 文件是 UTF-32 编码，已按 UTF-32 读取"),
])
def test_files_saved_by_notepad_or_wps_are_read_with_a_warning(mini: Path, codec: str, expected: str) -> None:
    # Notepad and WPS save "ANSI" (GBK) or "Unicode" (UTF-16 with a byte-order mark)
    (mini / "stations" / "saved.yaml").write_bytes("floor: 2\nname: 青石镇人大代表联络站\n".encode(codec))
    result = load_content(mini)
    [record] = [r for r in result.records["stations"] if r.id == "saved"]
    assert record.data == {"floor": 2, "name": "青石镇人大代表联络站"}
    [warning] = [p.format(relative_to=mini) for p in result.problems if p.path.name == "saved.yaml"]
    assert warning.startswith(expected)


@pytest.mark.parametrize(("data", "expected"), [
    # UTF-8 with one stray byte is not re-read as GBK (that would garble every line): the byte is shown
    ("name: 青石镇\nintro: 联络站".encode() + b"\xff" + "简介\n".encode(),
     "stations/odd.yaml:2:11: -: 这里有不是 UTF-8 的字节"),
    ("name: 青石镇\n".encode("utf-16-le"), f"stations/odd.yaml:0:0: -: 文件像是没有 BOM 的 UTF-16 编码，无法可靠读取：{RESAVE}"),
    (b"name: caf\xe9 \xff\n", f"stations/odd.yaml:1:10: -: 文件不是 UTF-8 编码，也不是 GBK，无法读取：{RESAVE}"),
])
def test_files_that_cannot_be_read_reliably_say_where_and_how_to_resave(mini: Path, data: bytes, expected: str) -> None:
    (mini / "stations" / "odd.yaml").write_bytes(data)
    result = load_content(mini)
    assert not any(r.id == "odd" for r in result.records["stations"])
    [line] = [p.format(relative_to=mini) for p in result.problems if p.path.name == "odd.yaml"]
    assert line.startswith(expected), line


def test_missing_site_file(mini: Path) -> None:
    (mini / "site.yaml").unlink()
    assert "site.yaml:0:0: -: 缺少站点设置文件 site.yaml" in problems_of(mini)


@pytest.mark.parametrize(("kind", "record_id", "taken_by"), [
    ("stations", "all", "calendar/all.ics"), ("notices", "feed", "notices/feed.xml"),
    ("deputies", "township", "deputies/township/"), ("events", "2026-11", "schedule/<年-月>/"),
    ("events", "1999-01", "schedule/<年-月>/")])
def test_ids_taken_by_generated_files_are_refused(mini: Path, kind: str, record_id: str, taken_by: str) -> None:
    name = f"{record_id}.md" if kind == "notices" else f"{record_id}.yaml"
    write(mini / kind / name, "---\ntitle: x\n---\n" if kind == "notices" else "name: x\n")
    assert any(line.startswith(f"{kind}/{name}:0:0: id: 编号“{record_id}”已被系统占用（{taken_by}")
               for line in problems_of(mini))


@pytest.mark.parametrize("record_id", ["2026-13", "2026-11-03", "2026-00", "township-east"])
def test_ids_only_near_a_taken_shape_are_free(mini: Path, record_id: str) -> None:
    write(mini / "events" / f"{record_id}.yaml", "name: x\n")
    write(mini / "deputies" / f"{record_id}.yaml", "name: x\n")
    assert not any("已被系统占用" in line for line in problems_of(mini))


def test_alias_bombs_deep_nesting_and_oversized_files_are_refused(mini: Path) -> None:
    import time

    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    levels += [f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
    write(mini / "stations" / "bomb.yaml", "\n".join(levels) + "\n")  # 9**9 strings if expanded
    write(mini / "stations" / "deep.yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n")
    write(mini / "stations" / "huge.yaml", "intro: " + "长" * 400_000 + "\n")
    started = time.monotonic()
    lines = problems_of(mini)
    assert time.monotonic() - started < 10
    assert "stations/bomb.yaml:2:8: -: 不支持 YAML 锚点和别名（& 和 *）：请把内容直接写出来" in lines
    assert "stations/deep.yaml:0:0: -: 嵌套层次过深（超过 50 层）" in lines
    assert any(line.startswith("stations/huge.yaml:0:0: -: 文件过大") for line in lines)


def test_record_files_linking_outside_the_content_directory_are_not_read(mini: Path, tmp_path: Path) -> None:
    import os

    secret = write(tmp_path / "secret.yaml", "name: 不应读取\n")
    os.symlink(secret, mini / "stations" / "link.yaml")
    os.symlink(tmp_path / "secret.yaml", mini / "site-link.yaml")
    assert "stations/link.yaml:0:0: -: 这是指向内容目录之外的链接，出于安全原因不予读取" in problems_of(mini)
    assert not any(r.id == "link" for r in load_content(mini).records["stations"])


def test_a_record_folder_linked_outside_is_not_read_and_links_that_stay_inside_are(mini: Path, tmp_path: Path) -> None:
    """The loader asks paths.inside only where a link is on the way: a kind's folder linked outside refuses each
    file in it; a record file or a folder linked to a place inside the content folder is read."""
    import os
    import shutil

    outside = tmp_path / "elsewhere"
    shutil.copytree(mini / "systems", outside)
    shutil.rmtree(mini / "systems")
    os.symlink(outside, mini / "systems")
    kept = mini / "_kept"
    shutil.move(mini / "notices", kept)
    os.symlink(kept, mini / "notices")
    os.symlink(mini / "stations" / "centre.yaml", mini / "stations" / "zz-same.yaml")
    result = load_content(mini)
    refused = [p.format(relative_to=mini) for p in result.problems]
    assert refused and all(line.endswith("这是指向内容目录之外的链接，出于安全原因不予读取") for line in refused)
    assert sorted(line.split(":")[0] for line in refused) == sorted(f"systems/{p.name}" for p in outside.iterdir())
    assert not result.records["systems"]
    assert sorted(r.id for r in result.records["notices"]) == sorted(p.stem for p in kept.iterdir())
    assert result.records["notices"]
    linked = next(r for r in result.records["stations"] if r.id == "zz-same")
    assert linked.data == next(r for r in result.records["stations"] if r.id == "centre").data


def test_control_characters_are_located(mini: Path) -> None:
    write(mini / "stations" / "ctl.yaml", "name: 甲\nshort_name: 乙\x1f\n")
    assert "stations/ctl.yaml:2:14: -: 文件含有不允许的控制字符（U+001F），请删除" in problems_of(mini)


def _nested_aliases(levels: int) -> str:
    """`lN: &aN {p: {v: *aN-1}, q: {v: *aN-1}}`: each line doubles the paths through the document."""
    lines = ["l0: &a0 {v: x}"]
    lines += [f"l{n}: &a{n} {{p: {{v: *a{n - 1}}}, q: {{v: *a{n - 1}}}}}" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [3, 18])
def test_aliases_nested_in_mappings_are_refused(mini: Path, levels: int) -> None:
    # 18 levels stalled the check for minutes: the alias guard's node set was shadowed by a key set
    write(mini / "stations" / "nested.yaml", _nested_aliases(levels))
    assert "stations/nested.yaml:2:17: -: 不支持 YAML 锚点和别名（& 和 *）：请把内容直接写出来" in problems_of(mini)


def test_a_file_that_cannot_be_read_says_why_in_chinese(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = mini / "stations" / "centre.yaml"
    original = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == locked:  # chmod 000 does not stop root, who runs the tests
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert "stations/centre.yaml:0:0: -: 无法读取文件：没有读取权限，请检查文件的权限设置" in problems_of(mini)


def test_libyaml_reads_every_record_as_the_python_parser_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path (libyaml) gives the same values, and the same line, column and span of every value and
    key, as ContentLoader, for every record of the demo and the fixtures (Chinese text, block scalars, flow
    lists, front matter)."""
    from liaison.content import loader

    files = [path for root in (ROOT / "content", ROOT / "tests" / "fixtures") for path in sorted(root.rglob("*"))
             if path.suffix in (".yaml", ".yml")]
    assert len(files) > 50
    for path in files:
        source = path.read_text(encoding="utf-8")
        fast = loader._parse_fast(path, source, 0, len(source), 0)
        if fast is None:  # an & or * in the text (R&D, a Markdown *): ContentLoader reads it
            assert "&" in source or "*" in source, path
            continue
        monkeypatch.setattr(loader, "_FAST", False)
        slow = loader._parse_yaml(path, source, 0, len(source), 0, [])
        monkeypatch.setattr(loader, "_FAST", True)
        assert slow is not None
        assert fast[0] == slow[0], path
        assert (fast[1].values, fast[1].keys, fast[1].spans) == (slow[1].values, slow[1].keys, slow[1].spans), path


@pytest.mark.parametrize("text", ["a: &x 1\nb: *x\n", "a: [" * 300 + "]" * 300 + "\n", "a: 1\na: 2\n",
                                  "name: \"unclosed\n", "list:\n  - a\n   - b\n"])
def test_what_libyaml_would_read_otherwise_goes_to_the_python_parser(text: str) -> None:
    """Anchors and aliases, deep flow nesting, duplicate keys, errors and misaligned items are ContentLoader's to
    read and report."""
    from liaison.content import loader

    assert loader._parse_fast(Path("x.yaml"), text, 0, len(text), 0) is None


def test_remembered_loads_parse_only_the_files_saved_since_and_give_what_a_fresh_load_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`liaison serve` loads the content after every save: a file not saved since is taken as it was read, with
    its problems; a saved one (also one rewritten within the clock's step, or replaced by a rename) is read again."""
    content = tmp_path / "content"
    write(content / "site.yaml", "title: 站\n")
    kept = write(content / "stations" / "a.yaml", "name: 甲\n")
    saved = write(content / "stations" / "b.yaml", "name: 乙\n")
    gbk = content / "stations" / "c.yaml"
    gbk.write_bytes("name: 丙\n".encode("gbk"))  # read with a warning, which comes again from memory
    memory = loader.Remembered()
    parsed: list[str] = []
    real = loader._read_file
    monkeypatch.setattr(loader, "_read_file", lambda kind, rid, path, problems: (
        parsed.append(path.name), real(kind, rid, path, problems))[1])

    def load() -> loader.LoadResult:
        with loader.remembering(memory):
            return load_content(content)

    first = load()
    assert sorted(parsed) == ["a.yaml", "b.yaml", "c.yaml", "site.yaml"]
    parsed.clear()
    again = load()
    assert parsed == [] and again == first and any(p.severity == "warning" for p in again.problems)
    stat = saved.stat()
    saved.write_text("name: 丁\n", encoding="utf-8")  # the same size, and the same modification time
    os.utime(saved, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    replaced = tmp_path / "new.yaml"
    replaced.write_text("name: 戊\n", encoding="utf-8")
    os.replace(replaced, kept)
    now = load()
    assert sorted(parsed) == ["a.yaml", "b.yaml"]
    assert now == load_content(content)  # what a load with no memory gives
    assert [r.data["name"] for r in now.records["stations"]] == ["戊", "丁", "丙"]
    gbk.rename(content / "stations" / "d.yaml")  # a renamed file is read again, and its old name forgotten
    parsed.clear()
    renamed = load()
    assert parsed == ["d.yaml"] and renamed == load_content(content)
    assert sorted(path.name for _, _, path in memory.files) == ["a.yaml", "b.yaml", "d.yaml", "site.yaml"]


# Values whose reading takes each of the loader's ways: texts, numbers, dates (an impossible one stays text), nulls,
# flow and block collections, merge keys, explicit tags, and some the constructor refuses (`=`, `!!map []`, a
# timestamp tag on a non-date, a merge of a scalar).
_VALUES = ["1", "0x1f", "1.5", ".nan", "yes", "null", "~", "2026-01-01", "2026-13-40", "10:30", '"q"', "中文", "",
           "!!str 1", "[a, 1, {b: 2}]", "{<<: {a: 1}, c: 3}", "!!set {a}", "!!binary aGk=", "=", "!!map []",
           "!!timestamp x", "{<<: 1}", "|\n    two\n    lines"]
_KEYS = ["a", "b", "1", "true", "null", "2026-01-01", "中文", "<<", "? [x]"]


@pytest.mark.parametrize("loader_class", [loader._FastLoader, loader.ContentLoader])
@given(entries=st.lists(st.tuples(st.sampled_from(_KEYS), st.sampled_from(_VALUES), st.integers(0, 2)),
                        max_size=6, unique_by=lambda entry: entry[0]))
@example(entries=[("a", "=", 2), ("b", "=", 0)])  # the constructor meets b's refusal first: a's mapping waits
@example(entries=[("a", "!!timestamp x", 1), ("<<", "{<<: 1}", 0)])
@settings(max_examples=examples(300), deadline=None)
def test_values_are_what_the_constructor_makes(loader_class: type, entries: list[tuple[str, str, int]]) -> None:
    """The loader makes texts, lists and mappings by text itself, and the rest with PyYAML's constructor: the
    values, and the error the constructor meets first, are the constructor's alone."""
    lines: list[str] = []
    for key, value, shape in entries:
        nested = value.replace("\n", "\n  ")
        lines += [f"{key}: {value}"] if shape == 0 else [f"{key}:", f"  - {nested}", "  - 2"] if shape == 1 else [
            f"{key}:", f"  k: {nested}", "  j: 2"]
    text = "\n".join(lines) + "\n"

    def outcome(read: Callable[[Any], Any]) -> tuple[str, str]:
        reader = loader_class(text)
        try:
            return "values", repr(read(reader))
        except Exception as exc:  # noqa: BLE001 - whichever the constructor raises first is the one to raise
            return type(exc).__name__, str(exc)
        finally:
            reader.dispose()

    ours = outcome(lambda reader: loader._read(reader, Path("x.yaml"), text, 0, len(text), 0)[0])

    def constructed(reader: Any) -> Any:
        node = reader.get_single_node()
        return None if node is None else reader.construct_document(node)

    assert ours == outcome(constructed), text


@given(value=st.text(max_size=12) | st.sampled_from(["yes", "No", "~", "null", "1", "-1.5", ".inf", "<<", "=",
                                                     "2026-01-01", "0x1f", "中文", "a", "Off", "+", "!"]),
       plain=st.booleans(), quoted=st.booleans())
@example(value="", plain=True, quoted=False)
def test_libyaml_resolves_every_scalar_as_pyyaml_resolver_does(value: str, plain: bool, quoted: bool) -> None:
    """The fast loader's shortcut for plain texts gives the tag PyYAML's resolver gives, for any text."""
    import yaml

    reader = loader._FastLoader("")
    try:
        for kind in (yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode):
            expected = yaml.resolver.BaseResolver.resolve(reader, kind, value, (plain, quoted))  # type: ignore[no-untyped-call]
            assert reader.resolve(kind, value, (plain, quoted)) == expected
    finally:
        reader.dispose()
