"""Which column is which field, once, for import and export: the headers a sheet may use for it (the first is
the one liaison writes; the others are synonyms offices use), how a cell is read, how a record fills it, and the
choices of an enumerated field (the schema's enum, the drop-down of the exported sheet).

Fields that are lists of structured items read from one cell or several: a deputy's seats from 代表层级, 所属人大
and 选区 side by side, their memberships from 所属联络站 (荷花街道联络站（召集人）；南门社区联络站), a station's staff
from 工作人员 (龚丽（站长）；汤子豪（联络员）). What a sheet does not carry stays as the record file has it.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import BaseModel

from liaison.content import ids, kinds, pinyin_ids, schema
from liaison.content.sheets import values as v
from liaison.content.sheets.values import Cell

Export = Callable[[Any, "Refs"], Cell]


@dataclass(frozen=True)
class Column:
    key: str  # a field of the record, or a part of one (levels of seats), or "id"
    headers: tuple[str, ...]  # the first is written on export; all are accepted on import
    read: Callable[[Cell], Any]
    export: Export | None  # None: read only (工作单位及职务, which export writes as two columns)
    width: int = 14  # characters, on export
    choices: type[Enum] | None = None  # an enumerated field: its values are the drop-down
    multiple: bool = False  # several choices in one cell (市；县)
    date: bool = False  # written as a date cell
    reference: str = ""  # the kind of record the cell names ("stations"): names and ids are resolved


def _plain(field_name: str) -> Export:
    def export(record: Any, refs: Refs) -> Cell:
        value = getattr(record, field_name)
        if isinstance(value, Enum):
            return str(value.value)
        if isinstance(value, list):
            return v.LIST_SEPARATOR.join(str(item) for item in value)
        if isinstance(value, dt.time):
            return f"{value.hour:02d}:{value.minute:02d}"
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value  # type: ignore[no-any-return]
    return export


def _label(field_name: str, kind: str) -> Export:
    def export(record: Any, refs: Refs) -> Cell:
        value = getattr(record, field_name)
        if isinstance(value, list):
            return v.LIST_SEPARATOR.join(refs.label(kind, item) for item in value)
        return None if value is None else refs.label(kind, value)
    return export


def col(key: str, headers: str, read: Callable[[Cell], Any] = v.text, *, width: int = 14,
        choices: type[Enum] | None = None, multiple: bool = False, reference: str = "",
        export: Export | None = None, date: bool = False) -> Column:
    """A column filling the field `key`; headers separated by spaces, the first the one written."""
    if export is None:
        export = _label(key, reference) if reference else _plain(key)
    return Column(key, tuple(headers.split()), read, export, width, choices, multiple, date or read is v.date,
                  reference)


def _list(value: Cell) -> list[str]:
    return v.items(value)


def _lines(value: Cell) -> list[str]:
    return v.items(value, v.LINES)


def _identifier(value: Cell) -> str | None:
    text = v.text(value)
    if text is not None and not ids.is_id(text):
        raise v.CellError(f"“{text}”不能用作编号：{ids.RULE}")
    return text


ID = Column("id", ("编号", "ID", "id", "记录编号"), _identifier, lambda record, refs: None, width=26)


# ---- references: names or ids of other records ----------------------------------------------------------

class Refs:
    """The records a sheet may name, by id or by name (a station also by its short name), as they are now."""

    def __init__(self, records: Mapping[str, Mapping[str, BaseModel]], today: dt.date):
        self.records = records
        self.today = today
        self.created: dict[str, set[str]] = {}  # ids of the records the import makes
        self._names: dict[str, dict[str, list[str]]] = {}
        for sheet in SHEETS.values():
            names: dict[str, list[str]] = {}
            for record_id, record in records.get(sheet.kind, {}).items():
                for attribute in sheet.names:
                    names.setdefault(getattr(record, attribute), []).append(record_id)
            self._names[sheet.kind] = names

    def add(self, kind: str, record_id: str, names: list[str]) -> None:
        """A record the import creates, so that later sheets of the same import can name it."""
        self.created.setdefault(kind, set()).add(record_id)
        for name in names:
            self._names[kind].setdefault(name, []).append(record_id)

    def resolve(self, kind: str, text: str) -> str:
        """The id of the record named `text` (its id or name), or CellError saying why there is none."""
        if text in self.records.get(kind, {}) or text in self.created.get(kind, set()):
            return text
        if kind == "deputies":
            text = v.person(text) or text
        found = sorted(set(self._names[kind].get(text, [])))
        label = kinds.KINDS[kind].label
        if len(found) == 1:
            return found[0]
        if found:
            raise v.CellError(f"有 {len(found)} 个{label}都叫“{text}”（{'、'.join(found)}）：请改写其中一个的编号")
        how = "编号、全称或简称" if len(SHEETS[kind].names) > 1 else "编号或姓名"
        raise v.CellError(f"没有叫“{text}”的{label}：请写已有{label}的{how}")

    def label(self, kind: str, record_id: str) -> str:
        """How a sheet names a record: its short name or name where that is unique, else its id."""
        record = self.records.get(kind, {}).get(record_id)
        if record is None:
            return record_id
        name = getattr(record, SHEETS[kind].names[-1])
        return name if self._names[kind].get(name) == [record_id] else record_id

    def congress_of(self, level: str) -> str | None:
        """The one congress the deputies' seats of this level name (清源县第十八届人民代表大会), if only one."""
        found = {seat.congress for deputy in self.records.get("deputies", {}).values()
                 for seat in deputy.seats if seat.level.value == level}  # type: ignore[attr-defined]
        return found.pop() if len(found) == 1 else None


# ---- a row being read --------------------------------------------------------------------------------------

MISSING = object()  # a value that could not be read; its problem is already reported


@dataclass
class Row:
    values: dict[str, Any]  # column key -> value read (None for an empty cell), for the sheet's columns
    refs: Refs
    old: Mapping[str, Any] | None = None  # the existing record's file data
    old_record: BaseModel | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column key, message)

    def fail(self, key: str, message: str) -> object:
        self.errors.append((key, message))
        return MISSING


# ---- deputies: seats, memberships, unit and position ------------------------------------------------------

_CONVENOR = re.compile(r"\s*[（(]\s*(召集人|进站代表)\s*[)）]\s*$")


def _seats_export(part: str) -> Export:
    def export(record: Any, refs: Refs) -> Cell:
        seats: list[schema.Seat] = record.seats
        cells = [seat.level.value if part == "level" else (getattr(seat, part) or "") for seat in seats]
        return v.LIST_SEPARATOR.join(cells) if any(cells) else None
    return export


def _memberships_export(record: Any, refs: Refs) -> Cell:
    cells = [refs.label("stations", m.station) + ("（召集人）" if m.role == schema.MemberRole.CONVENOR else "")
             for m in record.memberships if m.until is None]
    return v.LIST_SEPARATOR.join(cells) or None


def _deputy_fields(row: Row) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    # A part that could not be read has its problem reported; the field it makes is not guessed.
    if "unit_position" in row.values and row.values["unit_position"] is not MISSING:
        fields.update(_unit_position(row))
    seat_parts = [row.values.get(key) for key in ("levels", "congresses", "constituencies")]
    if ("levels" in row.values or "congresses" in row.values) and MISSING not in seat_parts:
        fields["seats"] = _seats(row)
    if "stations" in row.values and row.values["stations"] is not MISSING:
        fields["memberships"] = _memberships(row)
    return fields


def _unit_position(row: Row) -> dict[str, Any]:
    text = row.values["unit_position"]
    if text is None:
        return {}
    old = row.old or {}
    if text in (f"{old.get('unit')}{old.get('position')}", f"{old.get('unit')} {old.get('position')}"):
        return {}
    parts = text.split(maxsplit=1)
    if len(parts) < 2:
        row.fail("unit_position", f"“{text}”中分不出工作单位和职务：请在两者之间加一个空格（如“清源县第一中学 高级教师”），"
                                  "或分成“工作单位”“职务”两列")
        return {}
    return {"unit": parts[0], "position": parts[1]}


def _seats(row: Row) -> object:
    levels = row.values.get("levels") or []
    congresses = row.values.get("congresses")
    constituencies = row.values.get("constituencies") or []
    if congresses is not None:
        if len(congresses) != len(levels):
            return row.fail("congresses", f"写了 {len(levels)} 个代表层级、{len(congresses)} 个所属人大：每个层级对应一个"
                                          f"所属人大，按同样的顺序用“{v.LIST_SEPARATOR}”隔开")
        if len(constituencies) > len(levels):
            return row.fail("constituencies", f"选区比代表层级多：每个层级对应一个选区（可空），用“{v.LIST_SEPARATOR}”隔开")
        return [_seat(level, congress, constituencies[i] if i < len(constituencies) else None)
                for i, (level, congress) in enumerate(zip(levels, congresses, strict=True))]
    old = {seat.get("level"): seat for seat in (row.old or {}).get("seats", []) if isinstance(seat, dict)}
    seats: list[Any] = []
    for i, level in enumerate(levels):
        constituency = constituencies[i] if i < len(constituencies) and "constituencies" in row.values else MISSING
        if level in old:
            seat = dict(old[level])
            if constituency is not MISSING:
                seat = _seat(level, seat.get("congress"), constituency)
            seats.append(seat)
            continue
        congress = row.refs.congress_of(level)
        if congress is None:
            return row.fail("levels", f"新增的{level}级代表职务须写明所属人大（如 清源县第十八届人民代表大会）：请加一列“所属人大”")
        seats.append(_seat(level, congress, None if constituency is MISSING else constituency))
    return seats


def _seat(level: Any, congress: Any, constituency: Any) -> dict[str, Any]:
    seat = {"level": level, "congress": congress}
    if constituency:
        seat["constituency"] = constituency
    return seat


def _memberships(row: Row) -> object:
    wanted: dict[str, str] = {}
    for item in row.values["stations"] or []:
        found = _CONVENOR.search(item)
        role = found.group(1) if found else schema.MemberRole.MEMBER.value
        name = item[: found.start()] if found else item
        try:
            wanted[row.refs.resolve("stations", name)] = role
        except v.CellError as exc:
            return row.fail("stations", str(exc))
    memberships: list[dict[str, Any]] = []
    for membership in (row.old or {}).get("memberships", []):
        membership = dict(membership)
        station = membership.get("station")
        if membership.get("until") is None:
            if station in wanted:
                role = wanted.pop(station)
                if role != schema.MemberRole.MEMBER.value or "role" in membership:
                    membership["role"] = role
            else:
                membership["until"] = row.refs.today  # left the station: its history stays
        memberships.append(membership)
    for station, role in wanted.items():
        added: dict[str, Any] = {"station": station}
        if role != schema.MemberRole.MEMBER.value:
            added["role"] = role
        added["since"] = row.refs.today
        memberships.append(added)
    return memberships


# ---- stations: staff -------------------------------------------------------------------------------------

_STAFF = re.compile(r"(.+?)\s*[（(]\s*(.+?)\s*[)）]")


def _staff_export(record: Any, refs: Refs) -> Cell:
    return v.LIST_SEPARATOR.join(f"{person.name}（{person.role.value}）" for person in record.staff) or None


def _station_fields(row: Row) -> dict[str, Any]:
    if "staff" not in row.values or row.values["staff"] is MISSING:
        return {}
    old = {person.get("name"): person for person in (row.old or {}).get("staff", []) if isinstance(person, dict)}
    staff: list[dict[str, Any]] = []
    for item in row.values["staff"] or []:
        found = _STAFF.fullmatch(item)
        if not found:
            return {"staff": row.fail("staff", f"“{item}”没有写职务：请在姓名后用括号写明，如“龚丽（站长）”")}
        name, role = found.groups()
        person = dict(old.get(name, {}))
        person.update(name=name, role=role)
        staff.append({key: person[key] for key in ("name", "role", "phone", "duties") if key in person})
    return {"staff": staff}


# ---- the kinds a sheet can hold ----------------------------------------------------------------------------

@dataclass(frozen=True)
class SheetKind:
    kind: str  # the folder of its records ("deputies")
    title: str  # the exported sheet's name
    words: tuple[str, ...]  # words in a sheet's or file's name that say it holds this kind
    columns: tuple[Column, ...]
    # The fields a row without an id finds its record by (deputies: by name and unit, in the importer).
    key: tuple[str, ...]
    # The fields other sheets may name a record of the kind by besides its id; the last is the one export writes.
    names: tuple[str, ...] = ()
    compose: Callable[[Row], dict[str, Any]] = lambda row: {}
    new: Mapping[str, Any] = field(default_factory=dict)  # fields a new record gets that no column gives

    def column(self, header: str) -> Column | None:
        wanted = header_key(header)
        return next((c for c in self.columns if wanted in (header_key(h) for h in c.headers)), None)


def header_key(header: str) -> str:
    """A header as compared: full-width folded, no spaces, line breaks or required-field stars."""
    return re.sub(r"[\s*＊]", "", unicodedata.normalize("NFKC", header))


_EVENT_WORDS = {schema.EventKind.RECEPTION_DAY: "reception", schema.EventKind.THEMED_RECEPTION: "themed",
                schema.EventKind.INSPECTION: "inspection", schema.EventKind.STUDY: "study",
                schema.EventKind.REPORT_BACK: "report-back", schema.EventKind.OTHER: "activity"}

SHEETS: dict[str, SheetKind] = {sheet.kind: sheet for sheet in (
    SheetKind("stations", "联络站一览表", ("联络站", "站点", "一览表"), key=("name",), names=("name", "short_name"), columns=(
        ID,
        col("name", "名称 联络站名称 站名 全称", width=34),
        col("short_name", "简称 联络站简称", width=18),
        col("kind", "类型 站点类型 联络站类型", choices=schema.StationKind, width=12),
        col("tier", "层级 站点层级 联络站层级", choices=schema.Tier, width=8),
        col("parent", "上级联络站 上级 上级站点", reference="stations", width=18),
        col("locality", "所在地 所在镇街 所在地区 所属区域", width=20),
        col("address", "地址 详细地址 站址", width=40),
        col("floor", "楼层", v.integer, width=6),
        col("area_m2", "面积（平方米） 面积 使用面积 面积(㎡) 面积（㎡）", v.number, width=10),
        col("phone", "联系电话 电话 值班电话", v.phone, width=16),
        col("opening_hours", "开放时间 开放时段 接待时间", _lines, width=40),
        col("functional_areas", "功能区 功能分区", _list, width=24),
        Column("staff", ("工作人员", "人员"), _list, _staff_export, width=30),
    ), compose=_station_fields, new={"intro": ""}),
    SheetKind("deputies", "代表名册", ("代表", "名册"), key=("name",), names=("name",), columns=(
        ID,
        col("name", "姓名 代表姓名", v.person, width=10),
        col("unit", "工作单位 单位", width=30),
        col("position", "职务 现任职务", width=20),
        Column("unit_position", ("工作单位及职务", "单位及职务", "工作单位和职务", "单位职务", "工作单位职务"), v.text, None),
        Column("levels", ("代表层级", "层级", "代表级别"), _list, _seats_export("level"), width=10,
               choices=schema.SeatLevel, multiple=True),
        Column("congresses", ("所属人大", "代表大会", "届别"), v.aligned, _seats_export("congress"), width=30),
        Column("constituencies", ("选区", "选举单位", "所在选区"), v.aligned, _seats_export("constituency"), width=30),
        col("phone", "联系电话 电话 手机 手机号码 联系方式", v.phone, width=16),
        Column("stations", ("所属联络站", "进站联络站", "所在联络站", "联络站"), _list, _memberships_export, width=30),
    ), compose=_deputy_fields),
    SheetKind("events", "接待安排表", ("接待", "活动", "安排"), key=("station", "date", "kind"), columns=(
        ID,
        col("kind", "类型 活动类型 接待类型", choices=schema.EventKind, width=10),
        col("station", "联络站 接待站点 活动站点", reference="stations", width=18),
        col("date", "日期 接待日期 活动日期", v.date, width=12),
        col("start", "开始时间 开始", v.time, width=9),
        col("end", "结束时间 结束", v.time, width=9),
        col("theme", "主题 接待主题 活动主题 内容", width=30),
        col("location", "地点 接待地点 活动地点", width=30),
        col("deputies", "接待代表 值班代表 参加代表 代表", _list, reference="deputies", width=24),
        col("announced", "公告日期 发布日期 公告发布日期", v.date, width=12),
    )),
    SheetKind("opinions", "意见建议台账", ("意见", "建议", "台账"), key=("received", "station", "summary"), columns=(
        ID,
        col("received", "受理日期 收到日期 登记日期", v.date, width=12),
        col("station", "联络站 受理站点", reference="stations", width=18),
        col("deputy", "代表 接待代表 经办代表", reference="deputies", width=10),
        col("category", "类别 问题类别 意见类别", width=12),
        col("summary", "内容摘要 意见摘要 摘要 主要内容", width=40),
        col("route", "办理方式 处理方式", choices=schema.Route, width=10),
        col("department", "承办单位 交办单位", width=20),
        col("assigned", "交办日期", v.date, width=12),
        col("feedback", "反馈日期 答复日期", v.date, width=12),
        col("feedback_form", "反馈方式 答复方式", choices=schema.FeedbackForm, width=10),
        col("status", "办理状态 状态", choices=schema.OpinionStatus, width=10),
        col("satisfaction", "满意度 群众满意度", choices=schema.Satisfaction, width=10),
        col("result", "办理结果 答复情况 办理情况", width=40),
    )),
)}


# What follows the place in a station's name: 西村站, 荷花街道人大代表联络站 → 西村, 荷花街道.
_STATION_WORDS = re.compile("(?:人大代表)?(?:{})$".format(
    "|".join(sorted([*(k.value for k in schema.StationKind), "站", "点"], key=len, reverse=True))))


def new_id(kind: str, fields: Mapping[str, Any], taken: set[str]) -> str | None:
    """The id of a new record: pinyin of a deputy's name or a station's place, an event's date, station and
    kind (2026-03-03-hehua-street-reception), an opinion's year and number (2026-0048); None when none can be made."""
    if kind == "deputies":
        return pinyin_ids.propose_id(str(fields.get("name") or ""), taken)
    if kind == "stations":
        name = str(fields.get("short_name") or fields.get("name") or "")
        return pinyin_ids.propose_place_id(_STATION_WORDS.sub("", name) or name, taken)
    if kind == "events":
        day, station, event_kind = fields.get("date"), fields.get("station"), fields.get("kind")
        words = {k.value: word for k, word in _EVENT_WORDS.items()}
        if not isinstance(day, dt.date) or not station or event_kind not in words:
            return None
        base = f"{day.isoformat()}-{station}-{words[event_kind]}"
        return pinyin_ids.unique(base, taken)
    received = fields.get("received")
    if not isinstance(received, dt.date):
        return None
    numbers = [int(i[5:]) for i in taken if re.fullmatch(rf"{received.year}-\d+", i)]
    return f"{received.year}-{max(numbers, default=0) + 1:04d}"


def natural_key(kind: str, record: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """How a row without an id finds its record (deputies are matched by name and unit in the importer)."""
    key = tuple(record.get(name) for name in SHEETS[kind].key)
    return None if None in key else key
