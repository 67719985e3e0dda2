"""Rows of a roster into record files: each row creates or updates one record, all checked together with the
rest of the content before anything is written.

A row finds its record by its 编号 column, else by its natural key (a deputy's name and unit, a station's name, an
event's station, date and kind, an opinion's date, station and summary); a name shared by several records is
reported, never guessed. A new record's id comes from pinyin or its date (columns.new_id) and is the same on every
re-import, because the second import finds the record the first one wrote. An update changes only the fields the
sheet carries and that differ from the file, as the schema reads them, so an unchanged row writes nothing.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from liaison.content import files, ids, kinds
from liaison.content.loader import ContentLoader, LoadResult, Marks, RawRecord, load_content
from liaison.content.problems import Problem
from liaison.content.sheets import tables, yamlfile
from liaison.content.sheets import values as v
from liaison.content.sheets.columns import MISSING, SHEETS, Column, Refs, Row, SheetKind, natural_key, new_id
from liaison.content.sheets.problems import SheetProblem
from liaison.content.sheets.tables import Table
from liaison.content.validate import Typed, choice_message, validate

# Which column a problem of a field points at, where the field is not a column of its own.
_FIELD_COLUMNS = {"seats": ("levels", "congresses", "constituencies"), "memberships": ("stations",),
                  "unit": ("unit", "unit_position"), "position": ("position", "unit_position")}
_SEAT_PARTS = {"level": "levels", "congress": "congresses", "constituency": "constituencies"}


@dataclass
class Change:
    kind: str
    id: str
    path: Path
    new: bool
    fields: list[str]  # the fields written (every field of a new record)
    text: str
    where: str  # 代表名册.xlsx › 县级代表 › 第 7 行
    headers: list[str] = field(default_factory=list)  # the sheet's columns of the changed fields, as written


@dataclass
class ImportPlan:
    changes: list[Change] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    content_problems: list[Problem] = field(default_factory=list)  # of the content as it is, or of records a row touches
    unchanged: int = 0
    blocked: bool = False  # the content has errors as it is: nothing was read
    notes: list[str] = field(default_factory=list)  # sheets skipped, columns not used

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error") + sum(
            1 for p in self.content_problems if p.severity == "error")

    @property
    def failed(self) -> bool:
        return self.errors > 0


@dataclass
class _Source:
    """Where a record the import writes came from, to point its problems at the sheet's cells."""

    table: Table
    row: int
    columns: dict[str, int]  # column key -> 1-based column
    cells: dict[str, v.Cell]  # column key -> value as the sheet holds it


def plan_import(path: Path, content_dir: Path, *, sheet: str | None = None, kind: str | None = None,
                today: dt.date | None = None) -> ImportPlan:
    """What importing the file would create and change; nothing is written (see `apply`)."""
    plan = ImportPlan()
    loaded = load_content(content_dir)
    typed, problems = validate(loaded, content_dir)
    plan.content_problems = [p for p in problems if p.severity == "error"]
    if plan.content_problems:
        plan.blocked = True
        return plan
    grids = tables.read_tables(path, plan.problems)
    if sheet is not None:
        if sheet not in [name for name, _ in grids]:
            names = "、".join(f"“{name}”" for name, _ in grids if name)
            message = f"没有名为“{sheet}”的工作表；工作簿中有 {names}" if names else "CSV 文件没有工作表，请去掉 --sheet"
            if grids or not plan.problems:  # a file that could not be read says so already
                plan.problems.append(SheetProblem(path.name, None, 0, "", "", message))
            return plan
        grids = [(name, grid) for name, grid in grids if name == sheet]
    if today is None:  # the day in the site's time zone (Beijing), whatever the computer's clock zone
        today = dt.datetime.now(typed.site.zone).date() if typed.site else dt.date.today()
    session = _Session(plan, typed, content_dir, today)
    found = []
    for name, grid in grids:
        table = Table(path.name, name)
        sheet_kind = _sheet_kind(table, grid, kind, plan, explicit=sheet is not None or len(grids) == 1)
        if sheet_kind is not None:
            found.append((table, sheet_kind))
    order = list(SHEETS)  # stations before the deputies who sit in them, deputies before their receptions
    for table, sheet_kind in sorted(found, key=lambda pair: order.index(pair[1].kind)):
        session.read(table, sheet_kind)
    session.check(loaded)  # the rows read well: every other problem of theirs in the same run
    if not plan.failed:
        session.collect()
    return plan


class WriteError(Exception):
    """A file of the plan could not be written; the ones before it were."""

    def __init__(self, path: Path, written: list[Path], error: OSError):
        self.path, self.written, self.error = path, written, error
        super().__init__(f"{path}: {error}")


def apply(plan: ImportPlan) -> None:
    """Writes the plan's files, each whole (`files.replace`), so a file is either the old one or the new one; an
    updated file keeps its permissions, a new one gets the usual ones (the umask's)."""
    written: list[Path] = []
    for change in plan.changes:
        try:
            change.path.parent.mkdir(parents=True, exist_ok=True)
            files.replace(change.path, change.text.encode("utf-8"), keep_mode=True)
            written.append(change.path)
        except OSError as exc:
            raise WriteError(change.path, written, exc) from exc


def _sheet_kind(table: Table, grid: list[list[v.Cell]], kind: str | None, plan: ImportPlan,
                explicit: bool) -> SheetKind | None:
    """The kind the sheet holds: --kind, else the one whose headers and name it matches best."""
    candidates = [SHEETS[kind]] if kind else list(SHEETS.values())
    tables.find_header(table, grid, lambda header: any(c.column(header) for c in candidates))
    where = f"工作表“{table.sheet}”" if table.sheet else table.file
    if not table.header_row:
        if explicit:
            plan.problems.append(table.problem("没有找到表头：前 20 行中没有一行含有两个或以上可识别的列名"
                                               "（如 姓名、联系电话、所属联络站；见 docs/import.md）"))
        else:
            plan.notes.append(f"{where} 没有可识别的表头，已跳过")
        return None
    if kind:
        return SHEETS[kind]
    title = f"{table.sheet or ''}{table.file}"
    scores = {c.kind: sum(1 for h in table.headers.values() if c.column(h)) * 10 + any(w in title for w in c.words)
              for c in candidates}
    best = max(scores.values())
    winners = [k for k, score in scores.items() if score == best]
    if len(winners) > 1:
        plan.problems.append(table.problem(f"无法判断{where}是哪一类记录（{'、'.join(winners)}）：请加 --kind "
                                           "deputies|stations|events|opinions"))
        return None
    return SHEETS[winners[0]]


class _Session:
    """One import: the rows read so far, the records they make, and the ids they take."""

    def __init__(self, plan: ImportPlan, typed: Typed, content_dir: Path, today: dt.date):
        self.plan, self.typed, self.content_dir = plan, typed, content_dir
        self.refs = Refs(typed.records, today)
        self.taken: dict[str, set[str]] = {k: set(typed.ids.get(k, set())) for k in kinds.KINDS}
        self.records: dict[tuple[str, str], RawRecord] = {}
        self.fields: dict[tuple[str, str], set[str]] = {}
        self.sources: dict[tuple[str, str], _Source] = {}
        self.keys = {k: _index(k, typed.of(k)) for k in SHEETS}
        self.deputies_named: dict[str, list[str]] = defaultdict(list)
        for record_id, deputy in sorted(typed.of("deputies").items()):
            self.deputies_named[deputy.name].append(record_id)

    def read(self, table: Table, sheet: SheetKind) -> None:
        columns = self._columns(table, sheet)
        if columns is None:
            return
        for number, cells in table.rows:
            self._row(table, sheet, number, {key: cells.get(column) for key, column in columns.items()}, columns)

    def _columns(self, table: Table, sheet: SheetKind) -> dict[str, int] | None:
        columns: dict[str, int] = {}
        unused = []
        for number, header in table.headers.items():
            column = sheet.column(header)
            if column is None:
                unused.append(header)
            elif column.key in columns:
                first = table.headers[columns[column.key]]
                self.plan.problems.append(table.problem(f"与“{first}”列是同一项内容，只能保留一列", table.header_row, number))
            else:
                columns[column.key] = number
        if unused:
            self.plan.notes.append(f"{table.sheet or table.file}：未使用的列 {'、'.join(unused)}")
        needed = sheet.key  # without them or 编号 a row cannot find or make its record
        if "id" not in columns and not all(key in columns for key in needed):
            wanted = "、".join(f"“{_header(sheet, key)}”" for key in needed)
            self.plan.problems.append(table.problem(f"缺少“编号”列，也缺少 {wanted} 列：无法确定每行对应哪条记录"))
            return None
        return columns

    def _row(self, table: Table, sheet: SheetKind, number: int, cells: dict[str, v.Cell],
             columns: dict[str, int]) -> None:
        model = kinds.KINDS[sheet.kind].model
        row = Row({}, self.refs)
        for key, cell in cells.items():
            column = next(c for c in sheet.columns if c.key == key)
            row.values[key] = _read(column, cell, row, self.refs)
        fields = {key: value for key, value in row.values.items() if key in model.model_fields}
        record_id = self._match(sheet.kind, row, fields)
        source = _Source(table, number, columns, cells)
        if record_id is not None and (sheet.kind, record_id) in self.sources:
            earlier = self.sources[(sheet.kind, record_id)]
            row.errors.append(("", f"与{_place(earlier)}是同一条记录（{record_id}）"))
        old_raw = self.typed.raw.get((sheet.kind, record_id)) if record_id else None
        row.old = old_raw.data if old_raw else None
        fields.update(sheet.compose(row))
        if record_id is None and not row.errors:
            record_id = new_id(sheet.kind, fields, self.taken[sheet.kind])
            if record_id is None:
                row.errors.append(("id", "无法为新记录生成编号（姓名或名称中有读不出拼音的字，或缺少日期、联络站）："
                                         "请在“编号”列填写，" + ids.RULE))
        if row.errors or record_id is None or any(value is MISSING for value in fields.values()):
            self.plan.problems.extend(_cell_problem(source, key, message) for key, message in row.errors)
            return
        self.taken[sheet.kind].add(record_id)
        if row.old is None:
            self.refs.add(sheet.kind, record_id, [str(fields[k]) for k in ("name", "short_name") if fields.get(k)])
        data = dict(row.old) if row.old is not None else dict(sheet.new)
        for key, value in fields.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        order = list(model.model_fields)
        data = {key: data[key] for key in sorted(data, key=lambda k: order.index(k) if k in order else len(order))}
        # an existing record keeps its file, whatever its suffix (.yml)
        path = old_raw.path if old_raw else self.content_dir / sheet.kind / kinds.KINDS[sheet.kind].file_name(record_id)
        self.records[(sheet.kind, record_id)] = RawRecord(sheet.kind, record_id, path, data, Marks())
        self.fields[(sheet.kind, record_id)] = set(fields)
        self.sources[(sheet.kind, record_id)] = source

    def _match(self, kind: str, row: Row, fields: dict[str, Any]) -> str | None:
        """The id of the record the row updates, or None for a new record (or when the row has a problem)."""
        given = row.values.get("id")
        if isinstance(given, str):
            return given
        if kind == "deputies":
            return self._deputy(row, fields)
        key = natural_key(kind, {k: _plain(value) for k, value in fields.items()})
        found = self.keys[kind].get(key, []) if key else []
        if kind == "stations" and not found and fields.get("short_name"):
            found = [i for i, s in self.typed.of("stations").items() if s.short_name == fields["short_name"]]
        if len(found) > 1:
            row.errors.append(("", f"已有 {len(found)} 条记录与这一行相符（{'、'.join(found)}）：请在“编号”列写明是哪一条"))
            return None
        return found[0] if found else None

    def _deputy(self, row: Row, fields: dict[str, Any]) -> str | None:
        name = fields.get("name")
        if not isinstance(name, str):
            return None
        same = self.deputies_named.get(name, [])
        unit = fields.get("unit")
        if "unit_position" in row.values and not isinstance(unit, str):
            both = row.values["unit_position"] or ""
            same_unit = [i for i in same if both.replace(" ", "").startswith(self.typed.of("deputies")[i].unit)]
        elif isinstance(unit, str):
            same_unit = [i for i in same if self.typed.of("deputies")[i].unit == unit]
        else:
            same_unit = same
        if len(same_unit) == 1:
            return same_unit[0]
        if len(same_unit) > 1:
            row.errors.append(("name", f"已有 {len(same_unit)} 名代表叫“{name}”（{'、'.join(same_unit)}）：请在“编号”列写明是哪一位"))
        elif same:
            others = "、".join(f"{i}（{self.typed.of('deputies')[i].unit}）" for i in same)
            row.errors.append(("name", f"已有同名代表 {others}，但工作单位不同：若是同一人，请在“编号”列写上这个编号；"
                                       "若是另一人，请在“编号”列写一个新编号"))
        return None

    def check(self, loaded: LoadResult) -> None:
        """The content as it would be after the import, checked as `check` checks it; problems go to their cells."""
        by_path = {raw.path: key for key, raw in self.records.items()}
        records: dict[str, list[RawRecord]] = defaultdict(list)
        for kind, raws in loaded.records.items():
            records[kind] = [self.records.pop((kind, raw.id), raw) for raw in raws]
        for (kind, _), raw in self.records.items():  # the new ones
            records[kind].append(raw)
        found = {kind: {raw.id for raw in raws} | loaded.ids.get(kind, set()) for kind, raws in records.items()}
        after = LoadResult(loaded.site, dict(records), list(loaded.problems), found, loaded.unread)
        self.after, problems = validate(after, self.content_dir)
        for problem in problems:
            key = by_path.get(problem.path)
            if key is None:
                self.plan.content_problems.append(problem)
                continue
            source = self.sources[key]
            column = _column_of(problem.field, source.columns)
            message = problem.message
            if column is None and problem.field:
                message = f"{problem.field}：{message}（表中没有这一列，请在记录文件中补写，或加上这一列）"
            problem_at = _cell_problem(source, column or "", message)
            self.plan.problems.append(SheetProblem(problem_at.file, problem_at.sheet, problem_at.row, problem_at.column,
                                                   problem_at.header, problem_at.message, problem.severity))

    def collect(self) -> None:
        """The files to write: each new record, and each existing one whose sheet fields differ from its file's."""
        for (kind, record_id), source in self.sources.items():
            model = kinds.KINDS[kind].model
            order = list(model.model_fields)
            data = self._raw_after(kind, record_id).data
            new_record = self.after.records[kind][record_id]
            old_record = self.typed.records[kind].get(record_id)
            path = self._raw_after(kind, record_id).path
            if old_record is None:
                text, written = yamlfile.created(data, order), list(data)
            else:
                written = [f for f in order if f in self.fields[(kind, record_id)]
                           and getattr(old_record, f) != getattr(new_record, f)]
                if not written:
                    self.plan.unchanged += 1
                    continue
                text = yamlfile.updated(path.read_text(encoding="utf-8-sig"),
                                        {f: data.get(f, yamlfile.DELETE) for f in written}, order)
            _reads_as(text, model, new_record)
            keys = dict.fromkeys(_column_of(f, source.columns) for f in written)
            headers = [source.table.headers[source.columns[key]] for key in keys if key is not None]
            self.plan.changes.append(Change(kind, record_id, path, old_record is None, written, text, _place(source),
                                            headers))

    def _raw_after(self, kind: str, record_id: str) -> RawRecord:
        return self.after.raw[(kind, record_id)]


def _read(column: Column, cell: v.Cell, row: Row, refs: Refs) -> Any:
    try:
        value = column.read(cell)
        if column.choices is not None and value is not None:
            _choose(column.choices, value)
        if column.reference and value is not None:
            if isinstance(value, list):
                return [refs.resolve(column.reference, item) for item in value]
            return refs.resolve(column.reference, value)
        return value
    except v.CellError as exc:
        return row.fail(column.key, str(exc))


def _choose(choices: type[Enum], value: Any) -> None:
    allowed = [str(member.value) for member in choices]
    for item in value if isinstance(value, list) else [value]:
        if item not in allowed:
            raise v.CellError(choice_message(item, allowed))


def _index(kind: str, records: Mapping[str, BaseModel]) -> dict[tuple[Any, ...], list[str]]:
    index: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for record_id, record in records.items():
        key = natural_key(kind, {name: _plain(getattr(record, name)) for name in type(record).model_fields})
        if key is not None:
            index[key].append(record_id)
    return index


def _plain(value: Any) -> Any:
    """An enum member as its text, so that a sheet's 接待日 and a record's EventKind compare and hash alike."""
    return value.value if isinstance(value, Enum) else value


def _column_of(field_path: str, columns: dict[str, int]) -> str | None:
    top = field_path.split(".")[0].split("[")[0]
    if top == "seats" and "." in field_path:
        part = _SEAT_PARTS.get(field_path.rsplit(".", 1)[1])
        if part in columns:
            return part
    for key in (top, *_FIELD_COLUMNS.get(top, ())):
        if key in columns:
            return key
    return None


def _cell_problem(source: _Source, key: str, message: str) -> SheetProblem:
    column = source.columns.get(key, 0)
    cell = source.cells.get(key)
    if column and cell is not None and f"“{v.shown(cell)}”" not in message:
        message = f"“{v.shown(cell)}” {message}"
    return source.table.problem(message, source.row, column)


def _place(source: _Source) -> str:
    return SheetProblem(source.table.file, source.table.sheet, source.row, "", "", "").format().removesuffix("：")


def _header(sheet: SheetKind, key: str) -> str:
    return next(c.headers[0] for c in sheet.columns if c.key == key)


def _reads_as(text: str, model: type[BaseModel], expected: BaseModel) -> None:
    """The written file reads back as the record checked: ruamel writes YAML 1.2 and the loader reads 1.1."""
    data = yaml.load(text, Loader=ContentLoader)
    if model.model_validate(data) != expected:
        raise AssertionError(f"a record written by the importer reads back otherwise:\n{text}")

