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
from dataclasses import dataclass
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
        if type(value) is str or value is None:  # most values: nothing to refuse (_refuse_conversion keeps them)
            return value
        assert info.field_name is not None  # set for every field validator
        return _refuse_conversion(_field_shape(cls, info.field_name), value)


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


def _refuse_conversion(shape: _Shape, value: object) -> object:
    kinds = shape.kinds
    if isinstance(value, bool):
        return Mistyped(value) if shape.numeric and bool not in kinds else value
    if isinstance(value, (int, float)):
        return Mistyped(value) if not shape.numeric and (dt.date in kinds or dt.time in kinds) else value
    for origin, items in shape.containers:
        if origin is list and isinstance(value, list):
            return [_refuse_conversion(items, item) for item in value]
        if origin is dict and isinstance(value, dict):
            return {key: _refuse_conversion(items, item) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class _Shape:
    """What _refuse_conversion needs of a field's annotation, worked out once: every value of every record asks."""

    kinds: tuple[object, ...]  # the types it takes (type_members)
    numeric: bool  # whether a number is one of them
    containers: tuple[tuple[object, _Shape], ...]  # its lists and mappings (list, dict) with their items' shape


@functools.cache
def _shape(annotation: object) -> _Shape:
    kinds = tuple(type_members(annotation))
    containers = tuple((get_origin(kind), _shape(get_args(kind)[0 if get_origin(kind) is list else 1]))
                       for kind in kinds if get_origin(kind) in (list, dict))
    return _Shape(kinds, int in kinds or float in kinds, containers)


@functools.cache  # by model and field name, which hash fast: typing's annotations hash in Python
def _field_shape(model: type[BaseModel], name: str) -> _Shape:
    annotation: object = model.model_fields[name].annotation
    return _shape(annotation)


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


@dataclass(frozen=True)
class Format:
    """What a value of a type looks like, in words: the schema reference (docs/schema.md) and the records
    `liaison new` writes say it of every field of the type. Pydantic ignores it."""

    text: str


ClockTime = Annotated[dt.time, BeforeValidator(_clock_text), Format("时间，24 小时制（时:分）")]
Phone = Annotated[str, BeforeValidator(_number_as_text), AfterValidator(_phone),
                  Format("电话号码：11 位手机号、带区号的固定电话（0579-62239930）或服务热线（12345）")]
ContentPath = Annotated[str, AfterValidator(_content_path), Format("文件路径，相对于内容目录")]  # a file in it
# a folder in it (no file to date outputs by)
ContentFolder = Annotated[str, AfterValidator(_content_folder), Format("文件夹路径，相对于内容目录")]
Url = Annotated[str, AfterValidator(_url), Format("网址，以 http:// 或 https:// 开头")]
Line = Annotated[str, AfterValidator(_plain_line), Format("一行文字")]
Markdown = Annotated[str, Format("Markdown 文本，可写多段（多行时在冒号后写 |，下一行起缩进两格）")]
# a reference to another record
Id = Annotated[str, Field(pattern=ids.PATTERN), Format("编号：另一个记录的文件名（不含 .yaml、.md）")]


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
    province: Line = Field(description="省（自治区、直辖市）", examples=["江东省"])
    city: Line = Field(description="市（州、盟）", examples=["云州市"])
    county: Line = Field(description="县（市、区）", examples=["清源县"])


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

    kind: Literal["nth_weekday", "nth_week_weekday", "dates"] = Field(
        description="接待日的算法：nth_weekday 每月第 n 个星期几；nth_week_weekday 每月第 n 周（周一起算，含 1 日的为第一周）"
                    "的星期几；dates 逐一列出日期")
    n: Annotated[int, Field(ge=-1, le=5)] | None = Field(
        None, description="第几个（或第几周），1 至 5，-1 为最后一个；kind 为 dates 时不写", examples=[1])
    weekday: Annotated[int, Field(ge=1, le=7)] | None = Field(
        None, description="星期几：1 = 星期一 … 7 = 星期日；kind 为 dates 时不写", examples=[2])
    dates: list[dt.date] = Field([], description="kind 为 dates 时的接待日期，每行一个", examples=[["2026-03-10"]])
    start: ClockTime = Field(description="接待开始时间", examples=["09:00"])
    end: ClockTime = Field(description="接待结束时间，晚于开始时间", examples=["11:30"])
    on_holiday: Literal["next_workday", "keep"] = Field(
        "next_workday", description="接待日遇法定节假日：next_workday 顺延到下一个工作日，keep 不顺延")
    label: Line | None = Field(None, description="这条规则的说法，公开在网页和公示栏上", examples=["每月第一个周二"])

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

    width_mm: Annotated[float, Field(ge=100, le=3000)] = Field(600, description="标牌宽度（毫米）")
    height_mm: Annotated[float, Field(ge=100, le=3000)] = Field(400, description="标牌高度（毫米）")
    text_pt: Annotated[float, Field(ge=24, le=600)] = Field(120, description="标牌文字大小（磅）")
    margin_mm: Annotated[float, Field(ge=0, le=500)] = Field(40, description="文字区距标牌边缘的距离（毫米）")
    line_height: Annotated[float, Field(ge=1, le=3)] = Field(1.25, description="行距，文字大小的倍数")


POSTER_SIZES = {"A0": (841, 1189), "A1": (594, 841), "A2": (420, 594)}


class Poster(Record):
    """The wall poster (公示栏) sheet: a preset size, or a custom width and height in mm."""

    size: Literal["A0", "A1", "A2"] | None = Field(
        None, description="公示栏海报的纸张规格；与 width_mm、height_mm 只写一种，都不写为 A0")
    width_mm: Annotated[float, Field(ge=200, le=5000)] | None = Field(
        None, description="自定义宽度（毫米），与 height_mm 同时写", examples=[900])
    height_mm: Annotated[float, Field(ge=200, le=5000)] | None = Field(
        None, description="自定义高度（毫米），与 width_mm 同时写", examples=[1200])

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
    convention: NamingConvention = Field(NamingConvention.JIANGSU, description="站名和标牌遵循的地方规范")
    font: ContentPath | None = Field(
        None, description="标牌用的有授权的字体文件（如方正大标宋）；不写用思源宋体 Heavy", examples=["fonts/FZDBSJW.TTF"])
    emblem: ContentPath | None = Field(
        None, description="国徽图片，须自行提供，本程序不附带", examples=["images/emblem.png"])
    plate: Plate = Field(Plate(), description="标牌尺寸和文字")
    poster: Poster = Field(Poster(), description="公示栏海报的纸张")
    materials: dict[StationKind, Annotated[list[Material], Field(min_length=1)]] = Field(
        {}, description="各类站点标牌的材质；不写的类别按 convention 的做法")

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
    profiles: Annotated[list[Profile], Field(min_length=1)] = Field(
        [Profile.QUZHOU], description="合规检查采用哪些地方的规则")
    publish: bool = Field(False, description="是否把合规检查报告（HTML）也发布到公开网站的 compliance/")
    feedback_within_working_days: Annotated[int, Field(ge=1, le=250)] = Field(
        30, description="意见建议交办后多少个工作日内未反馈算作超期")


class Kiosk(Record):
    """The lobby screen: how long each slide shows, how often it looks for new content, when it rests."""

    slide_seconds: Annotated[int, Field(ge=5, le=300)] = Field(15, description="大厅屏幕每页停留的秒数")
    poll_seconds: Annotated[int, Field(ge=10, le=3600)] = Field(60, description="大厅屏幕每隔多少秒检查一次内容更新")
    standby_from: ClockTime | None = Field(dt.time(22, 0), description="每天从这个时间起只显示暗色时钟（待机）")
    standby_until: ClockTime | None = Field(dt.time(7, 0), description="待机到这个时间结束")
    deputies_per_slide: Annotated[int, Field(ge=1, le=6)] = Field(3, description="每页显示几位代表")


# ---- government-site norms: the footer and the way to leave a message -------------------------------

# The abbreviations a province's filing numbers begin with, and its administrative division code (GB/T 2260),
# which begins a public-security filing number. Some provinces file under a second abbreviation
# (川 and 蜀, 贵 and 黔, 云 and 滇, 甘 and 陇).
PROVINCE_CODES = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15", "辽": "21", "吉": "22", "黑": "23", "沪": "31",
    "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36", "鲁": "37", "豫": "41", "鄂": "42", "湘": "43",
    "粤": "44", "桂": "45", "琼": "46", "渝": "50", "川": "51", "蜀": "51", "贵": "52", "黔": "52", "云": "53",
    "滇": "53", "藏": "54", "陕": "61", "甘": "62", "陇": "62", "青": "63", "宁": "64", "新": "65",
}
# MIIT ICP filing (ICP备案号): the province, ICP备, 8 digits (filed before 2019) or 10 (the year, then six),
# 号, and for the second and later sites of one filing subject -n: 京ICP备12345678号-1, 浙ICP备2021012345号.
_ICP = re.compile(r"^(?P<province>.)ICP备(?:\d{8}|\d{10})号(?:-[1-9]\d{0,2})?$")
# Public-security filing (公安机关备案号): the province, 公网安备, 14 digits beginning with the division code
# of the district that filed it (its first two: the province's), 号: 京公网安备 11010502030143号.
_POLICE = re.compile(r"^(?P<province>.)公网安备 ?(?P<code>\d{14})号$")
POLICE_RECORD_QUERY = "https://beian.mps.gov.cn/#/query/webSearch?code="  # the filing's public page, by number
ICP_QUERY = "https://beian.miit.gov.cn/"  # the MIIT filing site (it has no page per number)
# Website identification code (网站标识码), which the national government-website database assigns to every
# government site (国务院办公厅《政府网站发展指引》, 国办发〔2017〕47号): ten characters, the six-digit division
# code of the site's region and four digits (3301000001), or bm and eight digits for a State Council
# department's site (bm01000001).
_SITE_CODE = re.compile(r"^(?:\d{10}|bm\d{8})$")
WEB_IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")  # what a browser shows: the badge image


def _provinces() -> str:
    return "、".join(dict.fromkeys(PROVINCE_CODES))


def _icp(value: str) -> str:
    value = value.replace(" ", "")
    found = _ICP.match(value)
    if not found:
        raise ValueError("ICP备案号格式不正确：应为“省份简称 + ICP备 + 8 位或 10 位数字 + 号”，"
                         "同一主体的第二个及以后的网站另加“-序号”，例如 京ICP备12345678号-1")
    if found["province"] not in PROVINCE_CODES:
        raise ValueError(f"ICP备案号应以省份简称开头（{_provinces()}），“{found['province']}”不是省份简称")
    return value


def _police_record(value: str) -> str:
    found = _POLICE.match(value.strip())
    if not found:
        raise ValueError("公安机关备案号格式不正确：应为“省份简称 + 公网安备 + 14 位数字 + 号”，例如 京公网安备 11010502030143号")
    province, code = found["province"], found["code"]
    if province not in PROVINCE_CODES:
        raise ValueError(f"公安机关备案号应以省份简称开头（{_provinces()}），“{province}”不是省份简称")
    if not code.startswith(PROVINCE_CODES[province]):
        raise ValueError(f"公安机关备案号的 14 位数字以备案地的行政区划代码开头，{province}的应以 "
                         f"{PROVINCE_CODES[province]} 开头，这里是 {code[:2]}：请对照备案证明核对")
    return f"{province}公网安备 {code}号"


def _site_code(value: str) -> str:
    if not _SITE_CODE.match(value.strip()):
        raise ValueError("网站标识码格式不正确：应为 10 位数字（所在地行政区划代码 6 位 + 序号 4 位，如 3301000001），"
                         "国务院部门网站为 bm 加 8 位数字（如 bm01000001）")
    return value


class Footer(Record):
    """What a government site shows at the foot of every page; each line only when it is written."""

    organizer: Line | None = Field(None, description="主办单位", examples=["清源县人大常委会"])
    contact: Line | None = Field(
        None, description="联系方式（电话、电子邮箱或地址），写成一行", examples=["0579-62230000，qyrd@qingyuan.example.cn"])
    icp: Annotated[str, AfterValidator(_icp), Format("ICP备案号：省份简称 + ICP备 + 8 或 10 位数字 + 号（-序号）")] | None = Field(
        None, description="ICP备案号，链接到工业和信息化部备案管理系统", examples=["京ICP备12345678号-1"])
    police_record: Annotated[str, AfterValidator(_police_record),
                             Format("公安机关备案号：省份简称 + 公网安备 + 14 位数字 + 号")] | None = Field(
        None, description="公安机关备案号，链接到全国互联网安全管理服务平台上的备案信息",
        examples=["京公网安备 11010502030143号"])
    site_code: Annotated[str, BeforeValidator(_number_as_text), AfterValidator(_site_code),
                         Format("网站标识码：10 位数字，或 bm 加 8 位数字")] | None = Field(
        None, description="网站标识码（政府网站才有）", examples=["3307830001"])
    badge: ContentPath | None = Field(
        None, description="党政机关网站标识的图片文件，由机构编制部门提供，随网站发布", examples=["images/dzjg.png"])
    error_report_url: Url | None = Field(
        None, description="“我为政府网站找错”的网址", examples=["https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3307830001"])

    @property
    def icp_url(self) -> str:
        return ICP_QUERY

    @property
    def police_record_url(self) -> str | None:
        return POLICE_RECORD_QUERY + re.sub(r"\D", "", self.police_record) if self.police_record else None


class MessageChannel(Record):
    """A way for residents to leave a message (留言) for the deputies: at least one of phone, mini program, URL."""

    phone: Phone | None = Field(None, description="留言电话", examples=["0579-62230000"])
    wechat: Line | None = Field(
        None, description="微信小程序的名称（群众在微信中搜索它）", examples=["清源人大代表联络站"])
    url: Url | None = Field(
        None, description="网上留言的网址（留言表单，或微信小程序的链接），印成二维码",
        examples=["https://rd.qingyuan.example.cn/liuyan/"])

    @model_validator(mode="after")
    def _one_way_at_least(self) -> MessageChannel:
        if not (self.phone or self.wechat or self.url):
            raise ValueError("留言渠道至少写一种：phone（留言电话）、wechat（微信小程序）或 url（网上留言网址）")
        return self


class Site(Record):
    title: Line = Field(description="网站标题", examples=["清源县人大代表联络站信息公开平台"])
    publisher: Line = Field(description="发布单位，写在每页页脚（“××发布”）和公告落款；网站的主办单位另写在 footer.organizer", examples=["清源县人大常委会办公室"])
    region: Region = Field(description="所在行政区")
    base_url: Annotated[Url, AfterValidator(_directory_url)] = Field(
        description="网站的公开网址，以 / 结尾；二维码、网站地图和订阅源中的网址都由它拼接",
        examples=["https://rd.qingyuan.example.cn/lianluozhan/"])
    locale: Literal["zh-CN"] = Field("zh-CN", description="网页语言")
    timezone: Annotated[str, AfterValidator(_time_zone), Format("IANA 时区名称")] = Field(
        "Asia/Shanghai", description="日期和时间按哪个时区读（--today、接待时间、文件修改日期）")
    reception_rule: ReceptionRule = Field(description="全县的代表接待日规则")
    tier_reception_rules: dict[Tier, ReceptionRule] = Field(
        {}, description="某一层级站点另定的接待日规则；站点自己的（或上级站点的）规则优先")
    notice_lead_days: Annotated[int, Field(ge=0, le=60)] = Field(
        3, description="接待日没有写公告日期时，提前几天公告")
    signage: Signage = Field(Signage(), description="标牌、公示栏和二维码的制作设置")
    kiosk: Kiosk = Field(Kiosk(), description="大厅屏幕的设置")
    compliance: Compliance = Field(Compliance(), description="合规检查的设置")
    slogan: Line = Field("人民选我当代表，我当代表为人民", description="公示栏和大厅屏幕上的标语")
    opinion_flow: Annotated[list[Line], Field(min_length=2)] = Field(
        ["受理", "交办", "督办", "反馈", "上报"], description="意见建议办理流程的各个步骤，按先后顺序")
    opinion_categories: list[Line] = Field(
        [], description="意见建议的分类；写了则每条意见的 category 须是其中之一", examples=[["城乡建设", "交通出行"]])
    staff_duties: dict[StaffRole, list[Line]] = Field(
        {}, description="各职务工作人员的默认职责，每条一行；站点可为个人另写")
    about: Markdown = Field("", description="关于本平台的说明，显示在首页")
    footer: Footer = Field(Footer(), description="每页页脚的主办单位、联系方式、备案号、网站标识码等，只显示写了的")
    message_channel: MessageChannel | None = Field(
        None, description="全县的留言渠道：没有自己留言渠道的站点，其网页、大厅屏幕和公示栏都显示这一个")
    theme: ContentFolder | None = Field(
        None, description="主题文件夹：其中 templates/ 和 static/ 的文件替换默认主题的同名文件（docs/themes.md）",
        examples=["theme"])

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


# ---- stations ------------------------------------------------------------------

class Staff(Record):
    name: Line = Field(description="姓名", examples=["欧阳晓琳"])
    role: StaffRole = Field(description="职务")
    phone: Phone | None = Field(None, description="公开的联系电话", examples=["0579-62239930"])
    duties: list[Line] = Field([], description="本人的职责，每条一行；不写则按 site.yaml 中该职务的职责")


class Plan(Record):
    year: Annotated[int, Field(ge=2000, le=2100)] = Field(description="年度", examples=[2026])
    title: Line = Field(description="标题", examples=["青石镇人大代表联络站2026年工作计划"])
    body: Markdown = Field(description="计划全文", examples=["1. 每月第一个周二安排代表接待。"])


class Scenario(Record):
    name: Line = Field(description="应用场景的名称", examples=["扫码找代表"])
    url: Url = Field(description="场景的网址", examples=["https://rd.qingyuan.example.cn/zhan/qingshi-town"])
    how: Annotated[list[Line], Field(min_length=1)] = Field(
        description="使用步骤，每步一行", examples=[["扫描联络站门口的“站码”", "选择代表，填写留言"]])


class Disclosure(Record):
    title: Line = Field(description="标题", examples=["联络站经费使用情况"])
    body: Markdown = Field(description="公开的内容")


class Station(Record):
    kind: StationKind = Field(description="站点类别；专业联络站按行业或领域设立，而不是按地域")
    tier: Tier = Field(description="站点所在的层级")
    parent: Id | None = Field(None, description="上级站点的编号（stations/ 中的文件名）", examples=["qingshi-town"])
    replaced_by: Id | None = Field(
        None, description="接替本站的联络站的编号（站点合并或撤销时填写）：本站的文件删除后，原网址的页面指向该站",
        examples=["qingshi-town"])
    name: Line = Field(description="正式名称，即标牌上的名称", examples=["清源县青石镇人大代表联络站"])
    name_lines: list[Line] | None = Field(
        None, description="标牌上分行的写法，仅在自动断行不对时写；各行连起来须正好是 name",
        examples=[["白沙洲农副产品", "综合大市场社区", "人大代表联络站"]])
    short_name: Line = Field(description="简称，用于列表和大厅屏幕", examples=["青石镇联络站"])
    locality: Line = Field(description="所在地（乡镇、街道、村、社区）", examples=["青石镇"])
    address: Line = Field(description="详细地址", examples=["清源县青石镇青石街1号镇政府综合楼一楼"])
    floor: Annotated[int, Field(ge=-3, le=100)] = Field(1, description="所在楼层，地下为负数")
    area_m2: Annotated[float, Field(gt=0, le=10000)] = Field(description="面积（平方米）", examples=[60])
    functional_areas: list[Line] = Field([], description="功能区，每个一行", examples=[["接待区", "公开展示区"]])
    opening_hours: Annotated[list[Line], Field(min_length=1)] = Field(
        description="开放时间，每段一行", examples=[["周一至周五 8:30—11:30，14:00—17:30"]])
    phone: Phone = Field(description="联络站的公开电话", examples=["0579-62239930"])
    intro: Markdown = Field(description="联络站简介", examples=["青石镇人大代表联络站设在镇政府综合楼一楼……"])
    staff: Annotated[list[Staff], Field(min_length=1)] = Field(description="工作人员，至少一名，其中应有一名站长")
    plans: list[Plan] = Field([], description="年度工作计划")
    scenarios: list[Scenario] = Field([], description="线上应用场景（扫码留言、预约接待等）及使用方法")
    disclosures: list[Disclosure] = Field([], description="其他需要公开的事项")
    qr_target: Url | None = Field(
        None, description="站码指向的网址；不写则指向本站在本网站的页面", examples=["https://rd.qingyuan.example.cn/zhan/qingshi-town"])
    message_channel: MessageChannel | None = Field(
        None, description="本站自己的留言渠道；不写则用 site.yaml 中全县的")
    reception_rule: ReceptionRule | None = Field(
        None, description="本站自己的接待日规则；不写则按上级站点的，再按本层级的，再按全县的")


# ---- deputies ----------------------------------------------------------------------

class Seat(Record):
    level: SeatLevel = Field(description="代表的级别")
    congress: Line = Field(description="哪一届人民代表大会", examples=["清源县第十八届人民代表大会"])
    constituency: Line | None = Field(None, description="选区或选举单位", examples=["第一选区（荷花街道南门社区、文昌社区）"])


class Membership(Record):
    station: Id = Field(description="进驻站点的编号（stations/ 中的文件名）", examples=["qingshi-town"])
    role: MemberRole = Field(MemberRole.MEMBER, description="在该站的身份")
    since: dt.date = Field(description="进站日期", examples=["2022-01-01"])
    until: dt.date | None = Field(None, description="离站日期；仍在站则不写", examples=["2026-12-31"])


class Deputy(Record):
    name: Line = Field(description="姓名", examples=["李䶮"])
    photo: ContentPath | None = Field(None, description="照片文件，手机拍的即可，网页上裁成 3:4", examples=["photos/li-yan.jpg"])
    seats: Annotated[list[Seat], Field(min_length=1)] = Field(description="担任的各级人大代表，每级一项")
    unit: Line = Field(description="工作单位", examples=["清源县第一中学"])
    position: Line = Field(description="职务", examples=["高级教师、年级组长"])
    phone: Phone | None = Field(None, description="公开的联系电话", examples=["13905795512"])
    qr_target: Url | None = Field(
        None, description="代表码指向的网址；不写则指向代表在本网站的页面", examples=["https://rd.qingyuan.example.cn/daibiao/li-yan"])
    bio: Markdown = Field("", description="简介")
    memberships: Annotated[list[Membership], Field(min_length=1)] = Field(description="进驻的联络站，至少一个")


# ---- documents, events, opinions --------------------------------------------------

class System(Record):
    title: Line = Field(description="制度名称", examples=["代表接待选民制度"])
    station: Id | None = Field(None, description="只适用于某个站点时写它的编号；不写则适用于全县", examples=["qingshi-town"])
    order: int = Field(100, description="在制度列表中的顺序，小的在前")
    body: Markdown = Field(description="制度全文，写在第二个 --- 之后")


class Notice(Record):
    title: Line = Field(description="公告标题", examples=["南门社区人大代表联络站搬迁公告"])
    date: dt.date = Field(description="发布日期，从这天起公开", examples=["2026-06-22"])
    station: Id | None = Field(None, description="发布公告的站点编号；不写则为全县的公告", examples=["nanmen-community"])
    expires: dt.date | None = Field(None, description="有效期至，过后标为已过期；长期有效则不写", examples=["2026-08-31"])
    body: Markdown = Field(description="公告正文，写在第二个 --- 之后")


class Outcome(Record):
    visitors: Annotated[int, Field(ge=0)] | None = Field(None, description="接待群众人数", examples=[12])
    opinions: Annotated[int, Field(ge=0)] | None = Field(None, description="收集意见建议条数", examples=[5])
    participants: Annotated[int, Field(ge=0)] | None = Field(None, description="参加人数（视察、学习等）", examples=[8])


class Event(Record):
    kind: EventKind = Field(description="活动类别")
    station: Id = Field(description="举办活动的站点编号", examples=["qingshi-town"])
    date: dt.date = Field(description="活动日期", examples=["2026-12-01"])
    start: ClockTime = Field(description="开始时间", examples=["09:00"])
    end: ClockTime = Field(description="结束时间，晚于开始时间", examples=["11:30"])
    theme: Line = Field(description="活动主题", examples=["冬季用电用火安全"])
    location: Line | None = Field(None, description="活动地点；不写则为站点地址", examples=["青石镇文化礼堂"])
    deputies: list[Id] = Field([], description="参加的代表编号（deputies/ 中的文件名），每人一行", examples=[["han-jing"]])
    announced: dt.date | None = Field(
        None, description="公告日期；不写则在活动前 notice_lead_days 天公告", examples=["2026-11-20"])
    outcome: Outcome | None = Field(None, description="活动结束后的情况统计")
    summary: Markdown = Field("", description="活动情况，活动结束后公开")


class Opinion(Record):
    received: dt.date = Field(description="收到日期", examples=["2026-01-06"])
    station: Id = Field(description="收到意见的站点编号", examples=["qingshi-town"])
    deputy: Id | None = Field(None, description="接收意见的代表编号", examples=["he-jianhua"])
    category: Line = Field(description="分类；site.yaml 写了 opinion_categories 时须是其中之一", examples=["教育医疗"])
    summary: Line = Field(
        description="意见内容的概要，公开发布：不写反映人的姓名、电话和住址", examples=["反映县人民医院门诊上午挂号排队时间长"])
    route: Route = Field(description="办理方式")
    department: Line | None = Field(None, description="承办部门", examples=["县卫生健康局"])
    assigned: dt.date | None = Field(None, description="交办日期", examples=["2026-01-08"])
    feedback: dt.date | None = Field(None, description="反馈日期", examples=["2026-01-27"])
    feedback_form: FeedbackForm | None = Field(None, description="反馈方式")
    status: OpinionStatus = Field(description="办理状态")
    satisfaction: Satisfaction | None = Field(None, description="反映人对办理结果的评价")
    result: Line | None = Field(
        None, description="办理结果的概要，公开发布", examples=["医院在门诊大厅增开两个人工挂号窗口"])


class Assessment(Record):
    """An inspector's scores for the lines of the Wuxi star table that records cannot decide."""

    station: Id = Field(description="被评估站点的编号", examples=["qingshi-town"])
    year: Annotated[int, Field(ge=2000, le=2100)] = Field(description="评估年度", examples=[2026])
    assessor: Line = Field(description="评估人或评估单位", examples=["清源县人大常委会代表工作室"])
    date: dt.date = Field(description="评估日期", examples=["2026-11-10"])
    scores: dict[str, Annotated[float, Field(ge=0)]] = Field(description="星级评定表中各项的得分，按项目编号")
    notes: dict[str, Line] = Field({}, description="各项得分的说明，按项目编号")


def file_references(model: type[BaseModel], data: object) -> Iterator[str]:
    """Every file in the content directory a record names (its ContentPath fields, at any depth), read from
    its raw data, so that a record with a mistake elsewhere still counts; names that are no path are skipped."""
    if not isinstance(data, dict):
        return
    for name, is_path, nested in _file_fields(model):
        value = data.get(name)
        if is_path and isinstance(value, str):
            try:
                yield _content_path(value)
            except ValueError:
                pass
        for listed, inner in nested:
            for item in value if listed and isinstance(value, list) else [value]:
                yield from file_references(inner, item)


@functools.cache
def _file_fields(model: type[BaseModel]) -> tuple[tuple[str, bool, tuple[tuple[bool, type[BaseModel]], ...]], ...]:
    """The model's fields that may name files: each with whether it is a path, and the records (listed or
    not) inside it that may; worked out once per model (dating every page asks it again and again)."""
    fields = []
    for name, info in model.model_fields.items():
        is_path = ContentPath in (info.annotation, *get_args(info.annotation))
        nested = []
        for kind in type_members(info.annotation):
            listed = get_origin(kind) is list
            inner = get_args(kind)[0] if listed else kind
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                nested.append((listed, inner))
        if is_path or nested:
            fields.append((name, is_path, tuple(nested)))
    return tuple(fields)

