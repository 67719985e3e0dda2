"""Validation: raw records -> typed records, then rules across records.

All problems of a run are collected; nothing stops at the first one.
"""
from __future__ import annotations

import difflib
import io
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageFile, UnidentifiedImageError
from pydantic import BaseModel, ValidationError

from liaison.content import ids, kinds, paths, photos, privacy, schema, syntax
from liaison.content.loader import LoadResult, Loc, RawRecord, unread_warnings
from liaison.content.problems import Problem, field_path
from liaison.content.schema import OpinionStatus, Route, StaffRole


@dataclass
class Typed:
    """Typed records by kind and id, each with the raw record it came from."""

    site: schema.Site | None = None
    site_raw: RawRecord | None = None
    ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # every loaded id, valid or not
    records: dict[str, dict[str, BaseModel]] = field(default_factory=lambda: defaultdict(dict))
    raw: dict[tuple[str, str], RawRecord] = field(default_factory=dict)
    # each photo a deputy names (as written) and its pixel size as its header declares it, None where that cannot be
    # read or must not be decoded (photos.refusal): what validation found, for print preflight not to open it again
    photo_sizes: dict[str, tuple[int, int] | None] = field(default_factory=dict)

    def of(self, kind: str) -> dict[str, Any]:
        return self.records.get(kind, {})


def validate(loaded: LoadResult, content_dir: Path,
             decoded: photos.Decoded | None = None) -> tuple[Typed, list[Problem]]:
    """The typed records and every problem of the content; `decoded`: the photos known to decode whole, which
    learns those decoded here."""
    problems = list(loaded.problems)
    typed = Typed()
    for kind, found in loaded.ids.items():
        typed.ids[kind].update(found)
    if loaded.site is not None:
        site = _parse(loaded.site, problems)
        typed.site = site if isinstance(site, schema.Site) else None
        typed.site_raw = loaded.site
    for kind, raws in loaded.records.items():
        for raw in raws:
            record = _parse(raw, problems)
            if record is not None:
                typed.records[kind][raw.id] = record
                typed.raw[(kind, raw.id)] = raw
    problems.extend(Rules(typed, content_dir, decoded).run())
    raws = loaded.every()
    referenced = {target for raw in raws for name in schema.file_references(kinds.of(raw.kind).model, raw.data)
                  if (target := paths.inside(content_dir, name)) is not None}
    problems.extend(unread_warnings(loaded.unread, content_dir, referenced))
    for raw in raws:
        problems.extend(raw.problem(loc, message, piece=piece) for loc, message, piece in privacy.problems(raw))
    return typed, problems


# ---- schema stage ---------------------------------------------------------------

def _parse(raw: RawRecord, problems: list[Problem]) -> BaseModel | None:
    model = kinds.of(raw.kind).model
    try:
        return model.model_validate(raw.data)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(_locate(raw, model, error))
        return None


def _locate(raw: RawRecord, model: type[BaseModel], error: Mapping[str, Any]) -> Problem:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    if loc and loc[-1] == "[key]":  # a bad key of a mapping such as staff_duties
        return raw.problem(loc[:-1], _message(error, str(error.get("input"))), key=True)
    if kind == "extra_forbidden":
        return raw.problem(loc, _unknown_key_message(model, loc), key=True)
    if kind == "missing":
        line, col = raw.marks.of_value(loc[:-1])
        return Problem(raw.path, line, col, field_path(loc), "缺少必填字段")
    return raw.problem(loc, _message(error, _shown(raw, loc, error.get("input"))))


def _shown(raw: RawRecord, loc: Loc, value: Any) -> str:
    """A wrong value as the clerk typed it (`9.00`, `yes`), rather than as YAML read it (9.0, True)."""
    written = raw.marks.written(loc)
    if written:
        quoted = len(written) >= 2 and written[0] == written[-1] and written[0] in "'\""
        return written[1:-1] if quoted else written
    if value is None:
        return "空值"
    if isinstance(value, (list, dict)):
        return "列表" if isinstance(value, list) else "映射"
    return repr(value) if isinstance(value, schema.Mistyped) else str(value)


def _unknown_key_message(model: type[BaseModel], loc: Loc) -> str:
    allowed = _fields_at(model, loc[:-1])
    key = str(loc[-1])
    mistake = syntax.key_mistake(key)
    if mistake:
        return mistake
    hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    message = f"未知字段“{key}”"
    if hint:
        return f"{message}，是否想写“{hint[0]}”？"
    return f"{message}；可用字段：{'、'.join(allowed)}"


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """Field names of the model found by walking loc from the top model."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part) if isinstance(current, type) and issubclass(current, BaseModel) else None
        if info is None:
            return []
        current = _inner_model(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


_QUOTED = re.compile(r"'([^']*)'")


def choice_message(shown: str, choices: list[str]) -> str:
    """A value that is none of a field's choices (a schema enum, a spreadsheet's drop-down)."""
    return f"取值“{shown}”无效，应为以下之一：{'、'.join(choices)}"


def _message(error: Mapping[str, Any], shown: str) -> str:
    """A pydantic error in Chinese, with the form the value should take; shown is the value as typed."""
    kind: str = error["type"]
    ctx = error.get("ctx", {})
    if kind in ("enum", "literal_error"):
        choices = _QUOTED.findall(str(ctx.get("expected", "")))
        if error.get("input") is None:
            return f"未填写，应为以下之一：{'、'.join(choices)}"
        return choice_message(shown, choices)
    if error.get("input") is None and kind != "value_error":  # `name:` left empty, as liaison new writes it
        return "未填写（冒号后是空的）"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "string_pattern_mismatch":
        return f"编号{ids.RULE}，且须是另一个记录的文件名"  # Id is the schema's only pattern
    if kind.startswith(("date_", "datetime_")):
        return f"“{shown}”不是有效日期，应写成 YYYY-MM-DD（如 2026-03-01）"
    if kind.startswith("time_"):
        return f"“{shown}”不是有效时间，应写成 \"09:00\" 这样的 24 小时制时间（小时、英文冒号、两位分钟）"
    if kind in ("too_short",):
        return f"至少需要 {ctx.get('min_length')} 项"
    if kind in ("too_long",):
        return f"最多 {ctx.get('max_length')} 项"
    bounds = {"greater_than": "应大于", "greater_than_equal": "应不小于",
              "less_than": "应小于", "less_than_equal": "应不大于"}
    if kind in bounds:
        limit = next(iter(ctx.values()), "")
        return f"{bounds[kind]} {limit}"
    types = {
        "string_type": "应为文字（含特殊字符时请加引号）",
        "int_type": "应为整数（如 3）", "int_parsing": "应为整数（如 3）", "int_from_float": "应为整数（如 3）",
        "float_type": "应为数字（如 120）", "float_parsing": "应为数字（如 120）",
        "finite_number": "应为数字（如 120），不能是 .nan 或 .inf",
        "bool_type": "应为 true 或 false", "bool_parsing": "应为 true 或 false",
        "list_type": "应为列表（每项一行，以“- ”开头）",
        "dict_type": "应为“字段: 值”形式的映射", "model_type": "应为“字段: 值”形式的映射",
        "model_attributes_type": "应为“字段: 值”形式的映射",
    }
    return types.get(kind, f"“{shown}”不符合此处的要求，请对照说明检查写法")


# ---- cross-record stage -------------------------------------------------------------

def theme_folder_problem(folder: Path, shown: str) -> str | None:
    """Why a theme folder (site.yaml's `theme` or --theme) cannot be used, or None."""
    if not folder.is_dir():
        return f"主题文件夹“{shown}”不存在"
    if not any((folder / part).is_dir() for part in ("templates", "static")):
        return f"主题文件夹“{shown}”中没有 templates/ 或 static/ 文件夹：主题的模板和静态文件放在这两个文件夹里"
    return None


class Rules:
    """Rules that need more than one record. Each method appends to self.problems."""

    def __init__(self, typed: Typed, content_dir: Path, decoded: photos.Decoded | None = None):
        self.t = typed
        self.content_dir = content_dir.resolve()
        self.decoded = decoded or photos.Decoded()
        self.problems: list[Problem] = []

    def run(self) -> list[Problem]:
        self.stations()
        self.deputies()
        self.documents()
        self.events()
        self.opinions()
        self.site()
        self.photos()
        self.assessments()
        return self.problems

    def _add(self, kind: str, record_id: str, loc: Loc, message: str, severity: str = "error") -> None:
        self.problems.append(self.t.raw[(kind, record_id)].problem(loc, message, severity=severity))

    def _ref(self, kind: str, record_id: str, loc: Loc, target_kind: str, target: str | None) -> None:
        if target is None or target in self.t.ids[target_kind]:
            return
        target_entry = kinds.KINDS[target_kind]
        hint = difflib.get_close_matches(target, sorted(self.t.ids[target_kind]), n=1, cutoff=0.6)
        extra = f"，是否想写“{hint[0]}”？" if hint else f"：{target_kind}/ 目录下没有 {target_entry.file_name(target)}"
        self._add(kind, record_id, loc, f"引用的{target_entry.label}“{target}”不存在{extra}")

    def stations(self) -> None:
        stations = self.t.of("stations")
        names: dict[str, str] = {}
        for sid, station in stations.items():
            self._ref("stations", sid, ("parent",), "stations", station.parent)
            if station.parent == sid:
                self._add("stations", sid, ("parent",), "上级站点不能是本站自己")
            self._ref("stations", sid, ("replaced_by",), "stations", station.replaced_by)
            if station.replaced_by == sid:
                self._add("stations", sid, ("replaced_by",), "接替本站的联络站不能是本站自己")
            if station.name in names:
                self._add("stations", sid, ("name",), f"正式名称与 {names[station.name]} 重复")
            names.setdefault(station.name, sid)
            if not any(member.role == StaffRole.HEAD for member in station.staff):
                self._add("stations", sid, ("staff",), "没有站长：工作人员中应有一名“站长”", "warning")
            years = Counter(plan.year for plan in station.plans)
            for index, plan in enumerate(station.plans):
                if years[plan.year] > 1:
                    self._add("stations", sid, ("plans", index, "year"), f"{plan.year} 年的年度计划重复")
        for sid in stations:
            if self._in_cycle(sid):
                self._add("stations", sid, ("parent",), "上级站点形成循环")

    def _in_cycle(self, start: str) -> bool:
        stations = self.t.of("stations")
        seen = {start}
        current: str | None = stations[start].parent
        while current in stations:
            if current in seen:
                return current == start
            seen.add(current)
            current = stations[current].parent
        return False

    def deputies(self) -> None:
        for did, deputy in self.t.of("deputies").items():
            for index, membership in enumerate(deputy.memberships):
                self._ref("deputies", did, ("memberships", index, "station"), "stations", membership.station)
                if membership.until is not None and membership.until < membership.since:
                    self._add("deputies", did, ("memberships", index, "until"),
                              f"结束日期 {membership.until} 早于开始日期 {membership.since}")
            if deputy.photo is not None:
                self._file("deputies", did, ("photo",), deputy.photo, "照片")
            levels = Counter(seat.level for seat in deputy.seats)
            for index, seat in enumerate(deputy.seats):
                if levels[seat.level] > 1:
                    self._add("deputies", did, ("seats", index, "level"), f"同一级别（{seat.level.value}）的代表职务重复")

    def _file(self, kind: str, record_id: str, loc: Loc, relative: str, label: str) -> None:
        problem = paths.named_file_problem(self.content_dir, relative, label)
        if problem:
            self._add(kind, record_id, loc, problem)

    def documents(self) -> None:
        for sid, system in self.t.of("systems").items():
            self._ref("systems", sid, ("station",), "stations", system.station)
        for nid, notice in self.t.of("notices").items():
            self._ref("notices", nid, ("station",), "stations", notice.station)
            if notice.expires is not None and notice.expires < notice.date:
                self._add("notices", nid, ("expires",), f"有效期至 {notice.expires} 早于发布日期 {notice.date}")

    def events(self) -> None:
        deputies = self.t.of("deputies")
        for eid, event in self.t.of("events").items():
            self._ref("events", eid, ("station",), "stations", event.station)
            if event.end <= event.start:
                self._add("events", eid, ("end",), "结束时间应晚于开始时间")
            if event.announced is not None and event.announced > event.date:
                self._add("events", eid, ("announced",), f"公告日期 {event.announced} 晚于活动日期 {event.date}")
            for index, did in enumerate(event.deputies):
                self._ref("events", eid, ("deputies", index), "deputies", did)
            duplicates = [did for did, count in Counter(event.deputies).items() if count > 1]
            for did in duplicates:
                self._add("events", eid, ("deputies",), f"代表“{did}”重复列出")
            for index, did in enumerate(event.deputies):
                if did in deputies and not _member_on(deputies[did], event.station, event.date):
                    self._add("events", eid, ("deputies", index),
                              f"代表“{did}”在 {event.date} 不属于站点“{event.station}”（请核对进站时间）", "warning")

    def opinions(self) -> None:
        site = self.t.site
        categories = set(site.opinion_categories) if site else set()
        for oid, op in self.t.of("opinions").items():
            self._ref("opinions", oid, ("station",), "stations", op.station)
            self._ref("opinions", oid, ("deputy",), "deputies", op.deputy)
            if categories and op.category not in categories:
                self._add("opinions", oid, ("category",),
                          f"类别“{op.category}”不在站点设置的类别中：{'、'.join(sorted(categories))}")
            for name in ("assigned", "feedback"):
                value = getattr(op, name)
                if value is not None and value < op.received:
                    self._add("opinions", oid, (name,), f"日期 {value} 早于受理日期 {op.received}")
            if op.assigned and op.feedback and op.feedback < op.assigned:
                self._add("opinions", oid, ("feedback",), f"反馈日期 {op.feedback} 早于交办日期 {op.assigned}")
            for loc, message in _opinion_consistency(op):
                self._add("opinions", oid, loc, message)

    def assessments(self) -> None:
        """References and one assessment per station and year; the scores are checked against the star table
        by rules.rating.assessment_problems."""
        seen: dict[tuple[str, int], str] = {}
        for aid, assessment in self.t.of("assessments").items():
            self._ref("assessments", aid, ("station",), "stations", assessment.station)
            key = (assessment.station, assessment.year)
            if key in seen:
                self._add("assessments", aid, ("year",), f"{assessment.station} 的 {assessment.year} 年评估已由 {seen[key]} 给出")
            seen.setdefault(key, aid)

    def site(self) -> None:
        site, raw = self.t.site, self.t.site_raw
        if site is None or raw is None:
            return
        for section, name, label in (("signage", "font", "字体"), ("signage", "emblem", "国徽图片"),
                                     ("footer", "badge", "党政机关网站标识图片")):
            relative = getattr(getattr(site, section), name)
            if relative is None:
                continue
            problem = paths.named_file_problem(self.content_dir, relative, label)
            if problem:
                self.problems.append(raw.problem((section, name), problem))
        badge = site.footer.badge
        if badge is not None and not badge.lower().endswith(schema.WEB_IMAGES):
            self.problems.append(raw.problem(("footer", "badge"), f"党政机关网站标识应为网页能显示的图片文件"
                                                                   f"（{'、'.join(schema.WEB_IMAGES)}）"))
        if site.theme is not None:
            folder = (self.content_dir / site.theme).resolve()
            wrong = (f"主题文件夹“{site.theme}”不存在或超出内容目录" if not folder.is_relative_to(self.content_dir)
                     else theme_folder_problem(folder, site.theme))
            if wrong:
                self.problems.append(raw.problem(("theme",), wrong))

    def photos(self) -> None:
        """Every deputy's photo is a picture Pillow reads whole, of a size it accepts."""
        for did, deputy in self.t.of("deputies").items():
            self._image_size(("deputies", did), deputy.photo, "照片")

    def _image_size(self, record: tuple[str, str], relative: str | None, label: str) -> tuple[int, int] | None:
        """The pixel size of an image in content, or None after reporting why it cannot be used."""
        if relative is None:
            return None
        self.t.photo_sizes[relative] = None
        path = paths.inside(self.content_dir, relative)
        if path is None or not path.is_file():
            return None  # reported by the path check
        data = self._photo_bytes(path)
        digest = photos.Decoded.digest(data) if data is not None else ""
        if data is not None and (known := self.decoded.size(digest, data)) and not photos.refusal(known, len(data)):
            self.t.photo_sizes[relative] = known
            return known  # these bytes decoded whole before
        loc = ("photo",)
        lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False  # WeasyPrint turns it on
        try:
            # what is decoded is the bytes that were hashed, where they were read
            with photos.open_photo(path if data is None else io.BytesIO(data)) as image:
                width, height = image.size
                refused = photos.refusal(image.size, path.stat().st_size if data is None else len(data))
                if refused:
                    self._add(*record, loc, f"{label}“{relative}”{refused}")
                    return None
                self.t.photo_sizes[relative] = (width, height)  # whether or not the whole file decodes
                photos.decode_at_least(image, (1, 1))  # every byte is read (a truncated file fails), at 1/8 scale
            if data is not None:
                self.decoded.add(digest, (width, height))
        except (OSError, UnidentifiedImageError, Image.DecompressionBombError, SyntaxError, ValueError):
            if path.suffix.lower() in photos.UNSUPPORTED:
                what = photos.UNSUPPORTED[path.suffix.lower()]
                self._add(*record, loc, f"{label}“{relative}”是{what}：{photos.RESAVE}")
            else:
                self._add(*record, loc, f"{label}“{relative}”无法读取：不是图片，或文件已损坏、不完整")
            return None
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = lenient
        return width, height

    def _photo_bytes(self, path: Path) -> bytes | None:
        """The photo's bytes, to be hashed and decoded; None for one too large to hold, or that cannot be read
        (decoding it from the file tells why)."""
        try:
            if path.stat().st_size > photos.Decoded.MAX_BYTES:
                return None
            return path.read_bytes()
        except OSError:
            return None


def _member_on(deputy: schema.Deputy, station: str, day: Any) -> bool:
    return any(m.station == station and m.since <= day and (m.until is None or day <= m.until)
               for m in deputy.memberships)


def _opinion_consistency(op: schema.Opinion) -> list[tuple[Loc, str]]:
    """Status, route and dates must tell the same story."""
    issues: list[tuple[Loc, str]] = []
    answered = op.status in (OpinionStatus.ANSWERED, OpinionStatus.CLOSED)
    if op.route == Route.LEGAL_CHANNEL and op.status != OpinionStatus.REDIRECTED:
        issues.append((("status",), "办理途径为“法定途径”时，状态应为“已引导”"))
    if op.status == OpinionStatus.REDIRECTED and op.route != Route.LEGAL_CHANNEL:
        issues.append((("status",), "状态“已引导”只用于办理途径为“法定途径”的意见"))
    if op.route == Route.ASSIGNED and op.status != OpinionStatus.RECEIVED:
        if op.department is None:
            issues.append((("route",), "已交办的意见须写明承办部门 department"))
        if op.assigned is None:
            issues.append((("route",), "已交办的意见须写明交办日期 assigned"))
    if op.route != Route.ASSIGNED and op.status == OpinionStatus.ASSIGNED:
        issues.append((("status",), "状态“已交办”须与办理途径“交办”一致"))
    if answered and op.feedback is None:
        issues.append((("status",), f"状态为“{op.status.value}”时须写明反馈日期 feedback"))
    if not answered and op.route != Route.LEGAL_CHANNEL and op.feedback is not None:
        issues.append((("status",), f"已写反馈日期，状态却是“{op.status.value}”：应为“已答复”或“已办结”"))
    if op.satisfaction is not None and op.feedback is None:
        issues.append((("satisfaction",), "没有反馈日期，不能填写满意度"))
    return issues
