"""Load the content directory into located raw records.

Each record is one file; its id is the file name without extension. YAML is
composed into nodes first so that every value keeps the line and column it
came from; the schema stage uses those marks to locate its messages.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem, field_path

# Record kinds: directory name -> file suffixes. "site" is the single settings file.
RECORD_DIRS: dict[str, tuple[str, ...]] = {
    "stations": (".yaml", ".yml"),
    "deputies": (".yaml", ".yml"),
    "systems": (".md",),
    "events": (".yaml", ".yml"),
    "opinions": (".yaml", ".yml"),
    "notices": (".md",),
    "assessments": (".yaml", ".yml"),
}
SITE_FILE = "site.yaml"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 50  # nesting levels; content never needs more, and deeper input exhausts the stack
# ids whose public URL a generated file already takes
RESERVED_IDS = {("stations", "all"): "calendar/all.ics 是全县日历", ("notices", "feed"): "notices/feed.xml"}

Loc = tuple[str | int, ...]


class ContentLoader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 base-60 numbers, so `start: 10:30` stays a time text, and without aliases."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        # Refused where they are written, before anything is expanded: aliases make "billion laughs" bombs.
        if self.check_event(yaml.AliasEvent):
            raise _Refused(self.peek_event().start_mark, "不支持 YAML 锚点和别名（& 和 *）：请把内容直接写出来")
        return super().compose_node(parent, index)


ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (
        "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _lenient_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    # An impossible date (2026-13-01) stays text; the schema then reports it with its location.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


ContentLoader.add_constructor("tag:yaml.org,2002:timestamp", _lenient_timestamp)
ContentLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"""^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"""),
    list("-+0123456789"))
ContentLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?"""
               r"""|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"""),
    list("-+0123456789."))


@dataclass(frozen=True)
class Marks:
    """Line/column (1-based) of every value and mapping key in one file."""

    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def of_value(self, loc: Loc) -> tuple[int, int]:
        return self._nearest(self.values, loc)

    def of_key(self, loc: Loc) -> tuple[int, int]:
        if loc in self.keys:
            return self.keys[loc]
        return self._nearest(self.values, loc)

    @staticmethod
    def _nearest(table: dict[Loc, tuple[int, int]], loc: Loc) -> tuple[int, int]:
        loc = tuple(loc)
        while loc:
            if loc in table:
                return table[loc]
            loc = loc[:-1]
        return table.get((), (1, 1))


@dataclass(frozen=True)
class RawRecord:
    kind: str  # "site", "stations", "deputies", ...
    id: str
    path: Path
    data: dict[str, Any]
    marks: Marks

    def problem(self, loc: Loc, message: str, *, key: bool = False, severity: str = "error") -> Problem:
        line, col = self.marks.of_key(loc) if key else self.marks.of_value(loc)
        return Problem(self.path, line, col, field_path(loc), message, severity)


@dataclass
class LoadResult:
    site: RawRecord | None
    records: dict[str, list[RawRecord]]
    problems: list[Problem]
    ids: dict[str, set[str]] = field(default_factory=dict)  # every file's id, even one that did not parse


def load_content(content_dir: Path) -> LoadResult:
    problems: list[Problem] = []
    records: dict[str, list[RawRecord]] = {kind: [] for kind in RECORD_DIRS}
    ids: dict[str, set[str]] = {kind: set() for kind in RECORD_DIRS}
    if not content_dir.is_dir():
        problems.append(Problem(content_dir, 0, 0, "", "内容目录不存在"))
        return LoadResult(None, records, problems, {kind: set() for kind in RECORD_DIRS})

    site_path = content_dir / SITE_FILE
    site = None
    if site_path.is_file() and not site_path.resolve().is_relative_to(content_dir.resolve()):
        problems.append(Problem(site_path, 0, 0, "", "这是指向内容目录之外的链接，出于安全原因不予读取"))
    elif site_path.is_file():
        site = _load_file("site", "site", site_path, problems)
    else:
        problems.append(Problem(site_path, 0, 0, "", f"缺少站点设置文件 {SITE_FILE}"))

    for kind, suffixes in RECORD_DIRS.items():
        directory = content_dir / kind
        if not directory.is_dir():
            continue
        seen: dict[str, Path] = {}
        for path in sorted(directory.iterdir()):
            if path.name.startswith((".", "_")) or path.is_dir():
                continue
            if path.suffix not in suffixes:
                problems.append(Problem(path, 0, 0, "", f"不识别的文件类型，{kind}/ 目录只接受 {'、'.join(suffixes)} 文件"))
                continue
            if not path.resolve().is_relative_to(content_dir.resolve()):
                problems.append(Problem(path, 0, 0, "", "这是指向内容目录之外的链接，出于安全原因不予读取"))
                continue
            record_id = path.stem
            if not ID_PATTERN.match(record_id):
                problems.append(Problem(path, 0, 0, "id",
                    f"文件名“{record_id}”不能用作编号：只能用小写字母、数字和连字符（如 qingshi-town），它决定公开网址"))
                continue
            if (kind, record_id) in RESERVED_IDS:
                problems.append(Problem(path, 0, 0, "id", f"编号“{record_id}”已被系统占用（{RESERVED_IDS[(kind, record_id)]}），请换一个文件名"))
                continue
            if record_id in seen:
                problems.append(Problem(path, 0, 0, "id", f"编号“{record_id}”重复，已由 {seen[record_id].name} 使用"))
                continue
            seen[record_id] = path
            ids[kind].add(record_id)  # so a broken file does not also show up as dangling references
            record = _load_file(kind, record_id, path, problems)
            if record is not None:
                records[kind].append(record)
    return LoadResult(site, records, problems, ids)


def _load_file(kind: str, record_id: str, path: Path, problems: list[Problem]) -> RawRecord | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(path, 0, 0, "", f"无法读取文件：{exc.strerror}"))
        return None
    if len(raw) > MAX_FILE_BYTES:
        problems.append(Problem(path, 0, 0, "", f"文件过大（{len(raw)} 字节，上限 {MAX_FILE_BYTES}）"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(path, 0, 0, "", f"文件不是 UTF-8 编码（第 {exc.start} 字节处）"))
        return None

    if path.suffix == ".md":
        return _load_markdown(kind, record_id, path, text, problems)
    parsed = _parse_yaml(path, text, problems, line_offset=0)
    if parsed is None:
        return None
    data, marks = parsed
    if not isinstance(data, dict):
        problems.append(Problem(path, 1, 1, "", "文件内容应为“字段: 值”形式的映射"))
        return None
    return RawRecord(kind, record_id, path, data, marks)


def _load_markdown(kind: str, record_id: str, path: Path, text: str,
                   problems: list[Problem]) -> RawRecord | None:
    """A Markdown document with YAML front matter between '---' lines."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        problems.append(Problem(path, 1, 1, "", "Markdown 文件应以 '---' 开头的前置信息（标题等）开始"))
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        problems.append(Problem(path, 1, 1, "", "前置信息缺少结束行 '---'"))
        return None
    parsed = _parse_yaml(path, "".join(lines[1:end]), problems, line_offset=1)
    if parsed is None:
        return None
    data, marks = parsed
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(Problem(path, 2, 1, "", "前置信息应为“字段: 值”形式的映射"))
        return None
    if "body" in data:
        line, col = marks.of_key(("body",))
        problems.append(Problem(path, line, col, "body", "正文写在第二个 '---' 之后，前置信息中不能有 body 字段"))
        return None
    data["body"] = "".join(lines[end + 1:]).strip("\n")
    marks.values[("body",)] = (end + 2, 1)
    return RawRecord(kind, record_id, path, data, marks)


def _parse_yaml(path: Path, text: str, problems: list[Problem], *,
                line_offset: int) -> tuple[Any, Marks] | None:
    try:
        loader = ContentLoader(text)
    except yaml.reader.ReaderError as exc:  # a control character PyYAML refuses outright
        before = text[: exc.position]
        line, col = before.count("\n") + 1 + line_offset, len(before) - before.rfind("\n")
        problems.append(Problem(path, line, col, "", f"文件含有不允许的控制字符（U+{exc.character:04X}），请删除"))
        return None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, Marks()
        marks = Marks()
        duplicates: list[Problem] = []
        _collect_marks(node, (), marks, duplicates, path, line_offset)
        if duplicates:
            problems.extend(duplicates)
            return None
        data = loader.construct_document(node)
    except _Refused as refused:
        mark = refused.mark
        problems.append(Problem(path, mark.line + 1 + line_offset, mark.column + 1, "", refused.message))
        return None
    except RecursionError:
        problems.append(Problem(path, 0, 0, "", f"嵌套层次过深（超过 {MAX_DEPTH} 层）"))
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 0
        col = (mark.column + 1) if mark else 0
        what = exc.problem or exc.context or ""
        if exc.context and exc.context_mark and exc.problem:
            # e.g. an unclosed bracket: say where the construct began, not only where parsing failed
            begun = exc.context_mark
            what += f"（{exc.context}，始于第 {begun.line + 1 + line_offset} 行第 {begun.column + 1} 列）"
        problems.append(Problem(path, line, col, "", f"YAML 语法错误：{what}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(path, 0, 0, "", f"YAML 语法错误：{exc}"))
        return None
    finally:
        loader.dispose()
    return data, marks


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark, message: str):
        self.mark, self.message = mark, message


def _collect_marks(node: yaml.Node, loc: Loc, marks: Marks, duplicates: list[Problem],
                   path: Path, offset: int) -> None:
    if len(loc) > MAX_DEPTH:
        raise _Refused(node.start_mark, f"嵌套层次过深（超过 {MAX_DEPTH} 层）")
    marks.values[loc] = (node.start_mark.line + 1 + offset, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            key_pos = (key_node.start_mark.line + 1 + offset, key_node.start_mark.column + 1)
            if key in keys:
                duplicates.append(Problem(path, *key_pos, field_path(loc + (key,)), f"字段“{key}”重复出现"))
            keys.add(key)
            marks.keys[loc + (key,)] = key_pos
            _collect_marks(value_node, loc + (key,), marks, duplicates, path, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_marks(item, loc + (index,), marks, duplicates, path, offset)
