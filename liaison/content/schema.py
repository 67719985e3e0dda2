"""Typed record schemas: what a clerk may write in each YAML / Markdown file.

Every model forbids unknown keys and is frozen; formats (dates, phones, URLs,
times) are checked here. Relations between records are checked in validate.py.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Iterator
from enum import Enum
from types import UnionType
from typing import Annotated, Literal, Union, get_args, get_origin
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from liaison.content import ids
from liaison.content.text import CONTROL_CHARACTERS, character_name


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_silent_conversion(cls, value: object, info: ValidationInfo) -> object:
        assert info.field_name is not None  # set for every field validator
        return _refuse_conversion(cls.model_fields[info.field_name].annotation, value)


class Mistyped:
    """A YAML value pydantic would quietly turn into another type: `floor: yes` into 1, `start: 900` into
    00:15 UTC, `date: 0` into 1970-01-01. Wrapped, it fails the field's own type check, at its location."""

    def __init__(self, value: object):
        self.value = value

    def __repr__(self) -> str:
        return str(self.value).lower() if isinstance(self.value, bool) else str(self.value)


def type_members(annotation: object) -> list[object]:
    """The types a field takes, with Annotated and unions (Optional) taken apart."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return type_members(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return [member for arg in get_args(annotation) for member in type_members(arg)]
    return [annotation]


def _refuse_conversion(annotation: object, value: object) -> object:
    kinds = type_members(annotation)
    numeric = int in kinds or float in kinds
    if isinstance(value, bool):
        return Mistyped(value) if numeric and bool not in kinds else value
    if isinstance(value, (int, float)):
        return Mistyped(value) if not numeric and (dt.date in kinds or dt.time in kinds) else value
    for kind in kinds:
        if get_origin(kind) is list and isinstance(value, list):
            return [_refuse_conversion(get_args(kind)[0], item) for item in value]
        if get_origin(kind) is dict and isinstance(value, dict):
            return {key: _refuse_conversion(get_args(kind)[1], item) for key, item in value.items()}
    return value


# ---- formats ---------------------------------------------------------------

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?[2-9]\d{6,7}(?:-\d{1,6})?$")
_SERVICE = re.compile(r"^(?:1\d{4}|400-?\d{3}-?\d{4})$")  # 12345 hot-lines, 400 numbers
_URL = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$|^https?://localhost(?::\d+)?(?:[/?#]\S*)?$")


def _phone(value: str) -> str:
    compact = value.replace(" ", "")
    if not (_MOBILE.match(compact) or _LANDLINE.match(compact) or _SERVICE.match(compact)):
        raise ValueError("电话号码格式不正确：应为 11 位手机号（如 13912345678）、"
                         "带区号的固定电话（如 0571-88001234）或服务热线（如 12345）")
    return compact


def _url(value: str) -> str:
    if not _URL.match(value) or CONTROL_CHARACTERS.search(value) or not _splits(value):
        raise ValueError("网址格式不正确：应以 http:// 或 https:// 开头，并包含完整域名")
    if "@" in urlsplit(value).netloc:
        # https://rd.gov.cn@evil.example/ leads to evil.example: whoever scans it is misled
        raise ValueError("网址格式不正确：不能含用户名或密码（域名前带“@”的部分）")
    return value


def _content_path(value: str) -> str:
    # The operating system refuses a NUL byte or a name over 255 bytes with an exception, not a "no".
    if "\x00" in value or len(value) > 1024 or any(len(part.encode()) > 255 for part in value.split("/")):
        raise ValueError("文件路径不正确：应为相对于内容目录的路径（如 photos/li-yan.jpg），每一级名称不超过 255 字节")
    return value


def _content_folder(value: str) -> str:
    try:
        return _content_path(value)
    except ValueError:
        raise ValueError("文件夹路径不正确：应为相对于内容目录的路径（如 theme），每一级名称不超过 255 字节") from None


def _splits(url: str) -> bool:
    """False for what urlsplit, and so every reader of the URL, refuses: an unclosed [, a port out of range."""
    try:
        urlsplit(url).port  # noqa: B018 (reading the port checks its range)
    except ValueError:
        return False
    return True


def _plain_line(value: str) -> str:
    if not value:
        raise ValueError("不能为空")
    if found := CONTROL_CHARACTERS.search(value):
        raise ValueError(f"此处只能写一行文字：第 {found.start() + 1} 个字符是{character_name(found.group())}，请删除"
                         "（换行、控制字符和改变文字方向的字符都不能出现在一行文字中）")
    return value


def _number_as_text(value: object) -> object:
    # An unquoted mobile number arrives from YAML as an int.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _clock_text(value: object) -> object:
    # Clerks write 9:00 as often as 09:00.
    if isinstance(value, str) and re.fullmatch(r"\d:\d\d", value.strip()):
        return "0" + value.strip()
    return value


ClockTime = Annotated[dt.time, BeforeValidator(_clock_text)]
def _directory_url(value: str) -> str:
    if "?" in value or "#" in value:
        raise ValueError("base_url 不能含“?”或“#”及其后的部分：二维码、网站地图和订阅源中的网址都由它拼接而成，"
                         "例如 https://rd.example.gov.cn/lianluozhan/")
    if not value.endswith("/"):
        raise ValueError("base_url 应以 / 结尾，例如 https://rd.example.gov.cn/lianluozhan/")
    return value


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _time_zone(value: str) -> str:
    # No "did you mean": the nearest name to Asia/Beijing is Asia/Beirut.
    if value not in _time_zones():
        raise ValueError(f"“{value}”不是时区名称：应写 IANA 时区数据库中的名称，北京时间写 Asia/Shanghai")
    return value


Phone = Annotated[str, BeforeValidator(_number_as_text), AfterValidator(_phone)]
ContentPath = Annotated[str, AfterValidator(_content_path)]  # a file in the content directory
ContentFolder = Annotated[str, AfterValidator(_content_folder)]  # a folder in it (no file to date outputs by)
Url = Annotated[str, AfterValidator(_url)]
Line = Annotated[str, AfterValidator(_plain_line)]
Markdown = str
Id = Annotated[str, Field(pattern=ids.PATTERN)]  # a reference to another record


# ---- vocabularies (values are what clerks write and what the public reads) ---

class StationKind(str, Enum):
    GENERAL = "联络总站"
    CENTRE = "联络中心站"
    STATION = "联络站"
    WORKSTATION = "工作站"
    HOME = "代表之家"
    PROFESSIONAL = "专业联络站"  # organised by trade or field, not by place: ××区法律服务专业人大代表联络站
    CONTACT_POINT = "联系点"


class Tier(str, Enum):
    CITY = "市"
    COUNTY = "县"
    TOWNSHIP = "乡镇"
    VILLAGE = "村"


class SeatLevel(str, Enum):
    NATIONAL = "全国"
    PROVINCIAL = "省"
    CITY = "市"
    COUNTY = "县"
    TOWNSHIP = "乡镇"


class StaffRole(str, Enum):
    HEAD = "站长"
    DEPUTY_HEAD = "副站长"
    LIAISON = "联络员"


class MemberRole(str, Enum):
    CONVENOR = "召集人"
    MEMBER = "进站代表"


class EventKind(str, Enum):
    RECEPTION_DAY = "接待日"
    THEMED_RECEPTION = "主题接待"
    INSPECTION = "视察调研"
    STUDY = "集中学习"
    REPORT_BACK = "述职评议"
    OTHER = "其他活动"


RECEPTION_KINDS = frozenset({EventKind.RECEPTION_DAY, EventKind.THEMED_RECEPTION})


class Route(str, Enum):
    ON_THE_SPOT = "当场答复"
    ASSIGNED = "交办"
    LEGAL_CHANNEL = "法定途径"


class OpinionStatus(str, Enum):
    RECEIVED = "已受理"
    ASSIGNED = "已交办"
    ANSWERED = "已答复"
    CLOSED = "已办结"
    REDIRECTED = "已引导"


class FeedbackForm(str, Enum):
    PHONE = "电话"
    WRITTEN = "书面"
    FACE_TO_FACE = "面谈"
    ON_SITE = "现场"


class Satisfaction(str, Enum):
    SATISFIED = "满意"
    BASICALLY = "基本满意"
    UNSATISFIED = "不满意"


class NamingConvention(str, Enum):
    JIANGSU = "江苏"
    WUXI = "无锡"
    CHENZHOU = "郴州"


# ---- site settings -----------------------------------------------------------

class Region(Record):
    province: Line
    city: Line
    county: Line


class ReceptionRule(Record):
    """A recurring reception day: the site's, a tier's (site.tier_reception_rules) or a station's own.

    kind "nth_weekday": the n-th given weekday of the month (每月第一个周二).
    kind "nth_week_weekday": the given weekday in the n-th calendar week of the
    month, weeks starting on Monday and week 1 being the one holding day 1
    (每月第三周的星期二). n = -1 means the last.
    kind "dates": a custom list of dates.
    A rule day on a public holiday moves to the next working day (on_holiday:
    next_workday), or stays (keep).
    """

    kind: Literal["nth_weekday", "nth_week_weekday", "dates"]
    n: Annotated[int, Field(ge=-1, le=5)] | None = None
    weekday: Annotated[int, Field(ge=1, le=7, description="1 = 星期一 … 7 = 星期日")] | None = None
    dates: list[dt.date] = []
    start: ClockTime
    end: ClockTime
    on_holiday: Literal["next_workday", "keep"] = "next_workday"
    label: Line | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ReceptionRule:
        if self.kind == "dates":
            if not self.dates:
                raise ValueError("kind 为 dates 时须在 dates 中列出接待日期")
        else:
            if self.n is None or self.weekday is None:
                raise ValueError("须写明 n（第几个，-1 为最后一个）和 weekday（1 = 星期一 … 7 = 星期日）")
            if self.n == 0:
                raise ValueError("n 不能为 0：写 1 至 5 表示第几个，-1 表示最后一个")
        if self.end <= self.start:
            raise ValueError("结束时间 end 应晚于开始时间 start")
        return self


class Material(str, Enum):
    GOLD = "金色拉丝牌"
    BRASS = "铜牌"
    INSERT = "插牌"


class Plate(Record):
    """The signboard: 60×40 cm, lettering at 120 pt (江苏 and 无锡 guidance)."""

    width_mm: Annotated[float, Field(ge=100, le=3000)] = 600
    height_mm: Annotated[float, Field(ge=100, le=3000)] = 400
    text_pt: Annotated[float, Field(ge=24, le=600)] = 120
    margin_mm: Annotated[float, Field(ge=0, le=500)] = 40  # the safe zone's inset from the trim
    line_height: Annotated[float, Field(ge=1, le=3)] = 1.25


POSTER_SIZES = {"A0": (841, 1189), "A1": (594, 841), "A2": (420, 594)}


class Poster(Record):
    """The wall poster (公示栏) sheet: a preset size, or a custom width and height in mm."""

    size: Literal["A0", "A1", "A2"] | None = None
    width_mm: Annotated[float, Field(ge=200, le=5000)] | None = None
    height_mm: Annotated[float, Field(ge=200, le=5000)] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Poster:
        custom = (self.width_mm, self.height_mm)
        if self.size and any(v is not None for v in custom):
            raise ValueError("size 与 width_mm/height_mm 只能写一种")
        if not self.size and (None in custom) and any(v is not None for v in custom):
            raise ValueError("自定义尺寸须同时写 width_mm 和 height_mm")
        return self

    @property
    def dimensions_mm(self) -> tuple[float, float]:
        if self.width_mm is not None and self.height_mm is not None:
            return (self.width_mm, self.height_mm)
        return POSTER_SIZES[self.size or "A0"]


class Signage(Record):
    convention: NamingConvention = NamingConvention.JIANGSU
    font: ContentPath | None = None  # a licensed font file (e.g. 方正大标宋), relative to the content directory
    emblem: ContentPath | None = None  # the national emblem image, supplied by the user; never shipped
    plate: Plate = Plate()
    poster: Poster = Poster()
    # Plate materials by station kind; unset kinds follow the convention's practice.
    materials: dict[StationKind, Annotated[list[Material], Field(min_length=1)]] = {}

    def materials_for(self, kind: StationKind) -> list[Material]:
        if kind in self.materials:
            return self.materials[kind]
        if self.convention == NamingConvention.WUXI:
            # 无锡: 代表之家 hang a brass plate; 站 and 点 a brass plate or an inserted board.
            return [Material.BRASS] if kind == StationKind.HOME else [Material.BRASS, Material.INSERT]
        return [Material.GOLD]


class Profile(str, Enum):
    """Whose rules a compliance check applies (REQUIREMENTS.md lists the five sources)."""

    QUZHOU = "衢州"
    XIXIA = "西峡"
    WUXI = "无锡"
    JIANGSU = "江苏"
    CHENZHOU = "郴州"


class Compliance(Record):
    profiles: Annotated[list[Profile], Field(min_length=1)] = [Profile.QUZHOU]
    publish: bool = False  # also put the HTML report on the public site (compliance/)
    feedback_within_working_days: Annotated[int, Field(ge=1, le=250)] = 30  # when a missing answer is overdue


class Kiosk(Record):
    """The lobby screen: how long each slide shows, how often it looks for new content, when it rests."""

    slide_seconds: Annotated[int, Field(ge=5, le=300)] = 15
    poll_seconds: Annotated[int, Field(ge=10, le=3600)] = 60
    standby_from: ClockTime | None = dt.time(22, 0)
    standby_until: ClockTime | None = dt.time(7, 0)
    deputies_per_slide: Annotated[int, Field(ge=1, le=6)] = 3


class Site(Record):
    title: Line
    publisher: Line
    region: Region
    base_url: Annotated[Url, AfterValidator(_directory_url)]
    locale: Literal["zh-CN"] = "zh-CN"
    # Where the days of dates and times are read: --today, reception times, the day a file was changed.
    timezone: Annotated[str, AfterValidator(_time_zone)] = "Asia/Shanghai"
    reception_rule: ReceptionRule
    # Tiers whose stations receive on another day; a station's own rule (or its parent's) comes first.
    tier_reception_rules: dict[Tier, ReceptionRule] = {}
    notice_lead_days: Annotated[int, Field(ge=0, le=60)] = 3
    signage: Signage = Signage()
    kiosk: Kiosk = Kiosk()
    compliance: Compliance = Compliance()
    slogan: Line = "人民选我当代表，我当代表为人民"
    opinion_flow: Annotated[list[Line], Field(min_length=2)] = ["受理", "交办", "督办", "反馈", "上报"]
    opinion_categories: list[Line] = []
    staff_duties: dict[StaffRole, list[Line]] = {}
    about: Markdown = ""
    # A folder whose templates/ and static/ replace the default theme's files of the same path (docs/themes.md).
    theme: ContentFolder | None = None

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


# ---- stations ------------------------------------------------------------------

class Staff(Record):
    name: Line
    role: StaffRole
    phone: Phone | None = None
    duties: list[Line] = []  # empty: the role's duties from site.staff_duties


class Plan(Record):
    year: Annotated[int, Field(ge=2000, le=2100)]
    title: Line
    body: Markdown


class Scenario(Record):
    name: Line
    url: Url
    how: Annotated[list[Line], Field(min_length=1)]


class Disclosure(Record):
    title: Line
    body: Markdown


class Station(Record):
    kind: StationKind
    tier: Tier
    parent: Id | None = None
    name: Line
    name_lines: list[Line] | None = None  # the name as the signboard's lines, where the automatic break is wrong
    short_name: Line
    locality: Line
    address: Line
    floor: Annotated[int, Field(ge=-3, le=100)] = 1
    area_m2: Annotated[float, Field(gt=0, le=10000)]
    functional_areas: list[Line] = []
    opening_hours: Annotated[list[Line], Field(min_length=1)]
    phone: Phone
    intro: Markdown
    staff: Annotated[list[Staff], Field(min_length=1)]
    plans: list[Plan] = []
    scenarios: list[Scenario] = []
    disclosures: list[Disclosure] = []
    qr_target: Url | None = None
    reception_rule: ReceptionRule | None = None  # None: the parent's, else the tier's, else the site's


# ---- deputies ----------------------------------------------------------------------

class Seat(Record):
    level: SeatLevel
    congress: Line  # e.g. 清源县第十八届人民代表大会
    constituency: Line | None = None


class Membership(Record):
    station: Id
    role: MemberRole = MemberRole.MEMBER
    since: dt.date
    until: dt.date | None = None


class Deputy(Record):
    name: Line
    photo: ContentPath | None = None
    seats: Annotated[list[Seat], Field(min_length=1)]
    unit: Line
    position: Line
    phone: Phone | None = None
    qr_target: Url | None = None
    bio: Markdown = ""
    memberships: Annotated[list[Membership], Field(min_length=1)]


# ---- documents, events, opinions --------------------------------------------------

class System(Record):
    title: Line
    station: Id | None = None  # None: applies site-wide
    order: int = 100
    body: Markdown


class Notice(Record):
    title: Line
    date: dt.date
    station: Id | None = None
    expires: dt.date | None = None
    body: Markdown


class Outcome(Record):
    visitors: Annotated[int, Field(ge=0)] | None = None
    opinions: Annotated[int, Field(ge=0)] | None = None
    participants: Annotated[int, Field(ge=0)] | None = None


class Event(Record):
    kind: EventKind
    station: Id
    date: dt.date
    start: ClockTime
    end: ClockTime
    theme: Line
    location: Line | None = None  # default: the station's address
    deputies: list[Id] = []
    announced: dt.date | None = None
    outcome: Outcome | None = None
    summary: Markdown = ""


class Opinion(Record):
    received: dt.date
    station: Id
    deputy: Id | None = None
    category: Line
    summary: Line
    route: Route
    department: Line | None = None
    assigned: dt.date | None = None
    feedback: dt.date | None = None
    feedback_form: FeedbackForm | None = None
    status: OpinionStatus
    satisfaction: Satisfaction | None = None
    result: Line | None = None  # public-safe summary of the answer


class Assessment(Record):
    """An inspector's scores for the lines of the Wuxi star table that records cannot decide."""

    station: Id
    year: Annotated[int, Field(ge=2000, le=2100)]
    assessor: Line
    date: dt.date
    scores: dict[str, Annotated[float, Field(ge=0)]]
    notes: dict[str, Line] = {}


def file_references(model: type[BaseModel], data: object) -> Iterator[str]:
    """Every file in the content directory a record names (its ContentPath fields, at any depth), read from
    its raw data, so that a record with a mistake elsewhere still counts; names that are no path are skipped."""
    if not isinstance(data, dict):
        return
    for name, info in model.model_fields.items():
        value = data.get(name)
        if isinstance(value, str) and ContentPath in (info.annotation, *get_args(info.annotation)):
            try:
                yield _content_path(value)
            except ValueError:
                pass
        for kind in type_members(info.annotation):
            listed = get_origin(kind) is list
            inner = get_args(kind)[0] if listed else kind
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                for item in value if listed and isinstance(value, list) else [value]:
                    yield from file_references(inner, item)

