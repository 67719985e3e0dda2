"""A deterministic county-shaped corpus for the scale benchmark (benchmarks/scale.py).

A county centre (联络中心站), township stations (乡镇联络站) under it and village or community stations and
contact points (村联络站, 联系点) under those; about ten deputies per station with seats of the five levels
and memberships; a year (2026) of reception days on the rule's days, inspections, study sessions and other
events; about eight opinions per station in every state of handling; notices, systems and a portrait for
every deputy. The same number of stations always gives the same records and photos, byte for byte, and
every size passes `liaison check --strict`.

Besides the files, generate() returns the pages' text for the peers (benchmarks/peers.py): one Markdown
page per station and per deputy, from the same records.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from liaison.content.schema import ReceptionRule  # noqa: E402
from liaison.model.schedule import reception_days_in_month  # noqa: E402
from scripts.make_portraits import portrait  # noqa: E402

YEAR = 2026
TODAY = dt.date(YEAR, 11, 20)  # the benchmark's --today: eleven months of the year past, one to come
COUNTY, CITY, PROVINCE = "云溪县", "云州市", "江东省"
BASE_URL = "https://rd.yunxi.example.cn/lianluozhan/"
RULE = {"kind": "nth_weekday", "n": 1, "weekday": 2, "start": "09:00", "end": "11:30", "label": "每月第一个周二"}
CATEGORIES = ["城乡建设", "交通出行", "教育医疗", "社会保障", "农业农村", "生态环境", "社会治理", "其他"]

# Place names are two characters, one from each list: 900 townships and as many villages per township.
TOWN_FIRST = list("青松荷柳枫石桃竹梅龙白云金凤鹤杏清碧长安永东西南北新古马双横")
TOWN_SECOND = list("石林花溪桥门源园岭潭沙峰山凰鸣口水湖塘坞城鞍港浦田坪川湾洲岗")
VILLAGE_FIRST = list("上下前后大小高低东西南北中新老黄红绿杨李王张陈刘赵周吴郑朱何")
VILLAGE_SECOND = list("庄湾村坝岙畈垄冲铺店坑桥洋埠陂湖头圩屯寨堡岭坡港溪塘田园家楼")
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏")
GIVEN = list("建国志强秀兰丽华明辉海涛晓燕春梅玉芳文斌国庆红英德明振华立新桂英晓军淑芬永刚慧敏雪梅家豪子涵")
UNITS = [("{place}村民委员会", "村委会主任"), ("{place}党支部", "党支部书记"), ("{town}中心小学", "教师"),
         ("{town}卫生院", "医生"), ("{town}农业专业合作社", "理事长"), ("{county}供电公司{town}供电所", "所长"),
         ("{town}农贸市场", "经营户代表"), ("{county}建材有限公司", "总经理"), ("{town}敬老院", "院长"),
         ("{county}交通运输局", "副局长")]
THEMES = ["农村道路养护", "饮水安全", "乡村环境整治", "农田水利", "养老服务", "学生上下学交通安全", "防汛备汛",
          "秸秆综合利用", "农村电网改造", "医保缴费", "集市摊位管理", "冬季防火用电安全"]
INSPECTIONS = ["村级道路建设情况视察", "饮水工程运行情况视察", "农村人居环境整治情况调研", "学校周边安全情况视察"]
OPINION_TOPICS = ["村道路面破损，雨天积水", "公交班次少，出行不便", "卫生院夜间没有值班医生", "老年人医保缴费不会操作",
                  "灌溉渠淤塞，影响春耕", "垃圾清运不及时", "路灯损坏多日未修", "学校门口上下学时段拥堵",
                  "集市占道经营", "自来水水压不足", "河道有人倒垃圾", "养老服务中心开放时间短"]
DEPARTMENTS = ["县交通运输局", "县卫生健康局", "县医疗保障局", "县农业农村局", "县综合行政执法局", "县水利局",
               "县教育局", "县民政局"]
SEAT_CONGRESS = {"全国": "第十四届全国人民代表大会", "省": f"{PROVINCE}第十四届人民代表大会",
                 "市": f"{CITY}第七届人民代表大会", "县": f"{COUNTY}第十八届人民代表大会"}
PORTRAIT_SIZE = (300, 400)  # above the poster's 236×315 at 150 ppi: no resolution warning
PORTRAIT_POOL = 12  # distinct drawings; every deputy's photo is one of them tinted its own way


@dataclass
class Station:
    id: str
    name: str
    kind: str
    tier: str
    parent: str | None
    town: str  # the township's name ("" for the centre)
    place: str  # where it is, as written in addresses
    members: list[str] = field(default_factory=list)  # deputy ids


@dataclass
class Corpus:
    """What was generated: counts for the report, the pages' text for the peers, the deputy to edit."""

    content: Path
    stations: int = 0
    deputies: int = 0
    events: int = 0
    opinions: int = 0
    files: int = 0
    bytes: int = 0
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # "stations/<id>": (title, Markdown)
    edit_target: Path | None = None  # a deputy's record with a phone number

    def describe(self) -> str:
        return (f"{self.stations} station{'s' if self.stations > 1 else ''}, {self.deputies} deputies, {self.events} events, {self.opinions} "
                f"opinions; {self.files} files, {self.bytes / 1e6:.1f} MB")


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # liaison refuses anchors and aliases in content


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    """Markdown as a literal block (|), as a clerk writes it."""
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


_Dumper.add_representer(str, _text)


def generate(content: Path, stations: int) -> Corpus:
    """Write a corpus of `stations` stations into the empty or missing folder `content`."""
    if stations < 1:
        raise ValueError("at least one station (the county centre)")
    content.mkdir(parents=True, exist_ok=True)
    if any(content.iterdir()):
        raise ValueError(f"{content} is not empty")
    rng = random.Random(f"liaison-scale-{stations}")
    corpus = Corpus(content)
    tree = _tree(stations, rng)
    deputies = _deputies(tree, rng)
    _write(corpus, "site.yaml", _site(stations, tree))
    for station in tree:
        _write(corpus, f"stations/{station.id}.yaml", _station(station, tree))
    for did, record in deputies.items():
        _write(corpus, f"deputies/{did}.yaml", record)
        _write_bytes(corpus, f"photos/{did}.jpg", _photo(did))
    for eid, record in _events(tree, rng):
        _write(corpus, f"events/{eid}.yaml", record)
        corpus.events += 1
    for oid, record in _opinions(tree, rng):
        _write(corpus, f"opinions/{oid}.yaml", record)
        corpus.opinions += 1
    for path, text in _documents(tree):
        _write_text(corpus, path, text)
    corpus.stations, corpus.deputies = len(tree), len(deputies)
    corpus.pages = _pages(tree, deputies)
    corpus.edit_target = content / "deputies" / f"{next(d for d, r in deputies.items() if 'phone' in r)}.yaml"
    return corpus


# ---- the tree ------------------------------------------------------------------------------------------

def _tree(count: int, rng: random.Random) -> list[Station]:
    centre = Station("county-centre", f"{COUNTY}人大代表联络中心站", "联络中心站", "县", None, "", "城关镇")
    towns_wanted = 0 if count == 1 else max(1, round((count - 1) / 10))  # about nine villages a township
    pairs = [a + b for a in TOWN_FIRST for b in TOWN_SECOND if a != b]
    towns = []
    for index, name in enumerate(rng.sample(pairs, towns_wanted), 1):
        suffix = "镇" if index % 4 else "乡"
        towns.append(Station(f"town-{index:02d}", f"{name}{suffix}人大代表联络站", "联络站", "乡镇",
                             centre.id, name + suffix, name + suffix))
    villages: list[Station] = []
    per_town: dict[str, set[str]] = {town.id: set() for town in towns}
    for index in range(count - 1 - towns_wanted):
        town = towns[index % len(towns)]
        name = _unique(rng, VILLAGE_FIRST, VILLAGE_SECOND, per_town[town.id])
        community = index % 5 == 4
        place = f"{town.town}{name}{'社区' if community else '村'}"
        contact_point = index % 6 == 5
        kind = "联系点" if contact_point else "联络站"
        villages.append(Station(f"{town.id}-v{len(per_town[town.id]):02d}", f"{place}人大代表{kind}", kind, "村",
                                town.id, town.town, place))
    return [centre, *towns, *villages]


def _unique(rng: random.Random, first: list[str], second: list[str], taken: set[str]) -> str:
    while True:
        name = rng.choice(first) + rng.choice(second)
        if name not in taken:
            taken.add(name)
            return name


def _staff_name(serial: int) -> str:
    return SURNAMES[serial % len(SURNAMES)] + GIVEN[serial * 3 % len(GIVEN)] + GIVEN[(serial * 5 + 1) % len(GIVEN)]


def _phone_landline(serial: int) -> str:
    return f"0579-6{serial:07d}"


def _site(count: int, tree: list[Station]) -> dict[str, Any]:
    return {
        "title": f"{COUNTY}人大代表联络站信息公开平台",
        "publisher": f"{COUNTY}人大常委会办公室",
        "region": {"province": PROVINCE, "city": CITY, "county": COUNTY},
        "base_url": BASE_URL,
        "reception_rule": dict(RULE),
        "opinion_categories": list(CATEGORIES),
        "staff_duties": {"站长": ["主持本站日常工作，对联络站的运行和各项活动负总责", "安排进站代表开展学习、视察和接待"],
                         "副站长": ["协助站长处理本站日常事务"],
                         "联络员": ["提前通知代表和群众参加活动", "登记来访群众的意见建议", "整理归档活动台账"]},
        "about": (f"本平台由{COUNTY}人大常委会办公室主办，公开全县 {count} 个人大代表联络站（联系点）的基本情况、"
                  "进站代表、工作制度、活动安排和群众意见建议办理结果。\n"),
    }


def _station(station: Station, tree: list[Station]) -> dict[str, Any]:
    serial = tree.index(station)
    below = [s.name for s in tree if s.parent == station.id]
    record: dict[str, Any] = {
        "kind": station.kind, "tier": station.tier, "name": station.name,
        "short_name": station.name.replace("人大代表", "").removeprefix(station.town if station.tier == "村" else ""),
        "locality": station.place,
        "address": f"{COUNTY}{station.place}{'党群服务中心' if station.tier != '村' else '村民服务中心'}",
        "floor": 1, "area_m2": 120 if station.tier == "县" else 60 if station.tier == "乡镇" else 30,
        "functional_areas": ["接待室", "公开展示区"],
        "opening_hours": ["周一至周五 8:30—12:00，14:00—17:30", "代表接待日：每月第一个周二 9:00—11:30"],
        "phone": _phone_landline(serial),
        "intro": (f"{station.name}设在{station.place}，由{station.town or COUNTY}人大负责日常运行，"
                  f"编入本站的代表每月第一个周二轮流接待群众。\n\n"
                  + (f"本站指导{'、'.join(below[:6])}{'等' if len(below) > 6 else ''}开展工作。\n" if below else
                     "群众反映较多的是道路、饮水、养老和农业生产方面的问题，需要部门办理的由上级联络站统一交办。\n")),
        "staff": [{"name": _staff_name(serial), "role": "站长", "phone": _phone_landline(serial)},
                  {"name": _staff_name(serial + 7), "role": "联络员"}],
        "plans": [{"year": YEAR, "title": f"{station.name}{YEAR}年工作计划",
                   "body": "1. 每月第一个周二安排代表接待群众。\n2. 每季度开展一次视察调研。\n"
                           "3. 每季度公开意见建议办理结果。\n"}],
        "scenarios": [{"name": "扫码找代表", "url": f"https://rd.yunxi.example.cn/zhan/{station.id}",
                       "how": ["扫描门口的“站码”", "在代表名单中选择代表，填写留言", "联络员在两个工作日内回电"]}],
    }
    if station.parent:
        record = {"kind": record.pop("kind"), "tier": record.pop("tier"), "parent": station.parent, **record}
    return record


# ---- deputies --------------------------------------------------------------------------------------------

def _deputies(tree: list[Station], rng: random.Random) -> dict[str, dict[str, Any]]:
    by_id = {station.id: station for station in tree}
    deputies: dict[str, dict[str, Any]] = {}
    for station in tree:
        for seat_index in range(rng.randint(8, 12)):
            did = f"d{len(deputies) + 1:05d}"
            memberships = [{"station": station.id, "role": "召集人" if seat_index == 0 else "进站代表",
                            "since": dt.date(2022 + rng.randint(0, 2), 1, 1)}]
            if station.parent and rng.random() < 0.2:  # also at the township's station, as deputies often are
                memberships.append({"station": station.parent, "since": dt.date(2022, 1, 1)})
            station.members.append(did)
            for membership in memberships[1:]:
                by_id[membership["station"]].members.append(did)
            deputies[did] = _deputy(did, station, memberships, rng)
    # Every corpus has seats of the five levels: the centre's first deputies hold the higher ones too.
    for did, level in zip(tree[0].members, ("全国", "省", "市"), strict=False):
        seats = deputies[did]["seats"]
        if all(seat["level"] != level for seat in seats):
            seats.insert(0, {"level": level, "congress": SEAT_CONGRESS[level]})
    return deputies


def _seats(station: Station, rng: random.Random) -> list[dict[str, Any]]:
    """One or two seats of different levels; the higher levels mostly at the centre and townships."""
    levels = {"县": ["县", "市", "省", "全国"], "乡镇": ["县", "乡镇", "市"], "村": ["乡镇", "县"]}[station.tier]
    chosen = rng.sample(levels, 2) if rng.random() < 0.4 else [levels[0] if rng.random() < 0.6 else rng.choice(levels)]
    seats = []
    for level in chosen:
        town = station.town or "城关镇"
        seat: dict[str, Any] = {"level": level,
                                "congress": SEAT_CONGRESS.get(level, f"{town}第十八届人民代表大会")}
        if level in ("县", "乡镇"):
            seat["constituency"] = f"第{rng.randint(1, 30)}选区（{station.place}）"
        seats.append(seat)
    return seats


def _deputy(did: str, station: Station, memberships: list[dict[str, Any]], rng: random.Random) -> dict[str, Any]:
    name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
    unit, position = rng.choice(UNITS)
    record: dict[str, Any] = {
        "name": name, "photo": f"photos/{did}.jpg", "seats": _seats(station, rng),
        "unit": unit.format(place=station.place, town=station.town or COUNTY, county=COUNTY),
        "position": position,
    }
    if rng.random() < 0.8:
        record["phone"] = f"139{int(did[1:]) + 57900000:08d}"
    record["bio"] = (f"在{station.place}工作多年，熟悉群众关心的事情。作为人大代表，关注{rng.choice(THEMES)}和"
                     f"{rng.choice(THEMES)}，经常到联络站听取群众意见。")
    record["memberships"] = memberships
    return record


@functools.cache
def _pool() -> tuple[Image.Image, ...]:
    return tuple(portrait(f"scale-{index}", "").resize(PORTRAIT_SIZE, Image.Resampling.LANCZOS)
                 for index in range(PORTRAIT_POOL))


def _photo(did: str) -> bytes:
    serial = int(did[1:])
    base = _pool()[serial % PORTRAIT_POOL]
    tint = Image.new("RGB", base.size, ((serial * 37) % 256, (serial * 91) % 256, (serial * 53) % 256))
    out = io.BytesIO()
    Image.blend(base, tint, 0.06 + (serial % 7) / 100).save(out, "JPEG", quality=85)
    return out.getvalue()


# ---- events, opinions, documents ---------------------------------------------------------------------------

def _events(tree: list[Station], rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    rule = ReceptionRule.model_validate(RULE)
    events = []
    for station in tree:
        for month in range(1, 13):
            day = reception_days_in_month(rule, YEAR, month)[0]
            events.append((f"{day}-{station.id}-reception", _event("接待日", station, day, rng.choice(THEMES), rng)))
        kinds = [("视察调研", INSPECTIONS), ("视察调研", INSPECTIONS)]
        if station.tier != "村":
            kinds += [("集中学习", ["代表法和监督法专题学习"]), ("其他活动", ["代表向选民述职"])]
        for number, (kind, themes) in enumerate(kinds):
            day = dt.date(YEAR, 2 + number * 3 + rng.randint(0, 1), rng.randint(10, 20))
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            events.append((f"{day}-{station.id}-{number}", _event(kind, station, day, rng.choice(themes), rng)))
    return events


def _event(kind: str, station: Station, day: dt.date, theme: str, rng: random.Random) -> dict[str, Any]:
    record: dict[str, Any] = {"kind": kind, "station": station.id, "date": day, "start": "09:00", "end": "11:30",
                              "theme": theme, "deputies": rng.sample(station.members, min(3, len(station.members)))}
    if kind == "接待日":
        record["announced"] = day - dt.timedelta(days=4)
    if day < TODAY:
        if kind == "接待日":
            record["outcome"] = {"visitors": rng.randint(3, 30), "opinions": rng.randint(0, 8)}
            record["summary"] = f"代表们围绕“{theme}”接待了来访群众，意见建议已登记，按程序交办。\n"
        else:
            record["outcome"] = {"participants": rng.randint(5, 15)}
    return record


def _opinions(tree: list[Station], rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    opinions = []
    for station in tree:
        for _ in range(rng.randint(6, 10)):
            received = dt.date(YEAR, 1, 5) + dt.timedelta(days=rng.randint(0, (TODAY - dt.date(YEAR, 1, 5)).days - 1))
            opinions.append((f"{YEAR}-{len(opinions) + 1:05d}", _opinion(station, received, rng)))
    return opinions


def _opinion(station: Station, received: dt.date, rng: random.Random) -> dict[str, Any]:
    record: dict[str, Any] = {"received": received, "station": station.id}
    if rng.random() < 0.7:
        record["deputy"] = rng.choice(station.members)
    record |= {"category": rng.choice(CATEGORIES[:-1]), "summary": f"反映{station.place}{rng.choice(OPINION_TOPICS)}"}
    age = (TODAY - received).days
    state = rng.random()
    if state < 0.1:
        return record | {"route": "法定途径", "status": "已引导", "result": "已告知通过法定途径申请处理"}
    if state < 0.25:
        feedback = {"feedback": received, "feedback_form": "面谈", "status": "已答复"}
        return record | {"route": "当场答复", **feedback, "result": "代表当场作了解释说明"}
    assigned = received + dt.timedelta(days=2)
    handled = {"route": "交办", "department": rng.choice(DEPARTMENTS), "assigned": assigned}
    if age < 10:
        return record | {"route": "交办", "status": "已受理"}
    if age < 40:
        return record | handled | {"status": "已交办"}
    feedback_day = assigned + dt.timedelta(days=rng.randint(5, 30))
    return record | handled | {"feedback": feedback_day, "feedback_form": rng.choice(["电话", "书面", "面谈"]),
                               "status": "已办结", "satisfaction": rng.choice(["满意", "满意", "基本满意"]),
                               "result": "承办部门已安排处理，并向群众作了答复"}


def _documents(tree: list[Station]) -> list[tuple[str, str]]:
    systems = [("reception", "代表进站接待群众制度", "每月第一个周二上午为代表接待日，每次安排 2 至 3 名代表。"),
               ("opinions", "群众意见建议办理制度", "群众意见建议按受理、交办、督办、反馈、上报的流程办理。"),
               ("records", "联络站台账管理制度", "接待、视察和意见办理情况及时登记，按年度归档。")]
    documents = [(f"systems/{sid}.md", f"---\ntitle: {title}\norder: {order}\n---\n## 内容\n\n{body}\n")
                 for order, (sid, title, body) in enumerate(systems, 1)]
    documents.append(("notices/december-reception.md",
                      "---\ntitle: 关于2026年12月人大代表接待日安排的公告\ndate: 2026-11-20\nexpires: 2026-12-01\n---\n"
                      "2026 年 12 月 1 日（星期二）是本月的人大代表接待日，欢迎群众到各联络站反映意见建议。\n"))
    for station in tree:
        if station.tier == "乡镇":
            documents.append((f"notices/{station.id}-report-back.md",
                              f"---\ntitle: {station.town}人大代表向选民述职的公告\ndate: 2026-11-10\n"
                              f"station: {station.id}\nexpires: 2026-12-15\n---\n"
                              f"{station.town}部分人大代表将于 12 月向选民述职，欢迎选民参加评议。\n"))
    return documents


# ---- writing, and the peers' pages -----------------------------------------------------------------------

def _write(corpus: Corpus, relative: str, record: dict[str, Any]) -> None:
    _write_text(corpus, relative, yaml.dump(record, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000))


def _write_text(corpus: Corpus, relative: str, text: str) -> None:
    _write_bytes(corpus, relative, text.encode("utf-8"))


def _write_bytes(corpus: Corpus, relative: str, data: bytes) -> None:
    path = corpus.content / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    corpus.files += 1
    corpus.bytes += len(data)


def _pages(tree: list[Station], deputies: dict[str, dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """One Markdown page per station and per deputy, with the text their liaison pages show."""
    names = {station.id: station.name for station in tree}
    pages = {}
    for station in tree:
        record = _station(station, tree)
        staff = "\n".join(f"- {member['role']}：{member['name']}" for member in record["staff"])
        members = "\n".join(f"- [{deputies[did]['name']}](../../deputies/{did}/)" for did in station.members)
        pages[f"stations/{station.id}"] = (station.name, (
            f"{record['intro']}\n## 基本情况\n\n- 地址：{record['address']}\n- 电话：{record['phone']}\n"
            + "".join(f"- {hours}\n" for hours in record["opening_hours"])
            + f"\n## 工作人员\n\n{staff}\n\n## 进站代表\n\n{members}\n\n## {YEAR}年工作计划\n\n{record['plans'][0]['body']}"))
    for did, record in deputies.items():
        seats = "\n".join(f"- {seat['congress']}代表" + (f"（{seat['constituency']}）" if "constituency" in seat else "")
                          for seat in record["seats"])
        stations = "\n".join(f"- [{names[m['station']]}](../../stations/{m['station']}/)（{m.get('role', '进站代表')}）"
                             for m in record["memberships"])
        phone = f"\n- 电话：{record['phone']}" if "phone" in record else ""
        pages[f"deputies/{did}"] = (record["name"], (
            f"![{record['name']}](../../{record['photo']})\n\n## 代表职务\n\n{seats}\n\n"
            f"- 单位：{record['unit']}\n- 职务：{record['position']}{phone}\n\n{record['bio']}\n\n"
            f"## 所在联络站\n\n{stations}\n"))
    return pages
