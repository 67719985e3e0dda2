"""Ids proposed from Chinese names by their pinyin: 陈秀兰 → chen-xiulan, 司马𪚥 → sima-zhe, 荷花街道 → hehua-street.

The one place that turns names into ids, for `liaison new` (scaffold.py) and `liaison import` (sheets/columns.py);
what an id may be is ids.py's. A person's id is the surname, a hyphen, then the given name, as the demo's deputies
are named; a name written in parts (阿依古丽·买买提) has one group per part. A place's id is the pinyin of its name
before the administrative unit, then the unit in English. A name with a character that has no pinyin (a Latin
letter, an emoji, a character pypinyin does not know) gets no proposal: the caller asks for an id instead of
inventing one.
"""
from __future__ import annotations

import re
from collections.abc import Collection

from liaison.content import ids

# Two-character surnames, read as one group: 司马𪚥 is sima-zhe, not si-mazhe.
COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "司空", "夏侯",
    "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门", "百里", "呼延", "万俟", "澹台", "公冶", "太史", "申屠",
    "闻人", "赫连", "东郭", "濮阳", "淳于", "单于", "拓跋", "完颜", "羊舌", "微生", "梁丘", "左丘", "第五", "谷梁",
    "乐正", "公羊", "仲孙", "叔孙", "鲜于", "闾丘", "司寇", "亓官", "漆雕", "壤驷", "公良", "颛孙", "巫马", "公西",
    "宗政",
})
# Surnames read otherwise than pypinyin reads the character alone (单 is shan as a surname, not dan). Some
# entries pypinyin reads right today (冼, 柏, 晟, 谌, 过) stay as the surname's reading, whatever its dictionary
# prefers next. Where a surname has two readings by family (乐 yue/le, 覃 qin/tan, 盖 ge/gai, 隗 wei/kui) the
# more common one; 宓 (mi) and 黑 (hei) are read as the dictionary reads them and need no entry.
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "区": "ou", "朴": "piao", "查": "zha", "盖": "ge",
    "繁": "po", "乐": "yue", "缪": "miao", "翟": "zhai", "覃": "qin", "种": "chong", "秘": "bi", "召": "shao",
    "员": "yun", "能": "nai", "祭": "zhai", "折": "she", "过": "guo", "句": "gou", "谌": "chen", "隗": "wei",
    "冼": "xian", "柏": "bai", "重": "chong", "晟": "cheng", "阚": "kan", "洗": "xian", "乜": "nie",
    "尉迟": "yuchi", "万俟": "moqi", "长孙": "zhangsun", "单于": "chanyu", "澹台": "tantai", "乐正": "yuezheng",
}
# Administrative units at the end of a place name, and how the demo's ids name them.
PLACE_UNITS = (("联络中心站", "centre"), ("社区", "community"), ("街道", "street"), ("乡", "township"),
               ("镇", "town"), ("村", "village"), ("县", "county"), ("园区", "park"), ("市", "city"))
# Between the parts of a name written in parts (阿依古丽·买买提). Spaces are not: in a register they pad a
# two-character name to the width of three (王　堃), so they are dropped.
_NAME_PARTS = re.compile(r"[·•・．.]+")
_UNREAD = "\x00"  # what a character without a reading becomes


def propose_id(name: str, taken: Collection[str]) -> str | None:
    """A person's id from the name's pinyin, unique among `taken` (li-yan, then li-yan-2); ü as v (吕 lv). None
    when a character of the name has no known reading."""
    parts = [part for part in _NAME_PARTS.split("".join(name.split())) if part]
    if len(parts) == 1:
        surname = _surname(parts[0])
        given = parts[0][len(surname):]
        readings = [SURNAME_READINGS.get(surname) or _reading(surname), *([_reading(given)] if given else [])]
    else:
        readings = [_reading(part) for part in parts]
    groups = [group for group in readings if group is not None]
    if not groups or len(groups) < len(readings):
        return None
    return unique("-".join(groups), taken)


def propose_place_id(name: str, taken: Collection[str]) -> str | None:
    """A place's id from its name: 荷花街道 → hehua-street, 南门社区 → nanmen-community, 溪口村 → xikou-village."""
    name = "".join(name.split())
    for unit, english in PLACE_UNITS:
        if name.endswith(unit) and len(name) > len(unit):
            place = _reading(name[: -len(unit)])
            return None if place is None else unique(f"{place}-{english}", taken)
    place = _reading(name)
    return None if place is None else unique(place, taken)


def unique(base: str, taken: Collection[str]) -> str:
    """base, or base-2, base-3 … whichever is not taken yet."""
    number, found = 1, base
    while found in taken:
        number += 1
        found = f"{base}-{number}"
    return found


def person_syllables(name: str) -> list[str]:
    """A person's name as pinyin syllables, the surname read as a surname (单田芳: shan tian fang, 尉迟敬德:
    yu chi jing de); characters without a reading are left out. Search matches a name typed as pinyin or as
    the syllables' initials (zdm) with these."""
    name = "".join(name.split())
    surname = _surname(name)
    reading = SURNAME_READINGS.get(surname)
    # A compound surname's reading is written as one word (yuchi); its syllables are those of its characters.
    first = [reading] if reading and len(surname) == 1 else syllables(surname)
    if reading and len(surname) == 2:
        first = [reading[: len(reading) - len(first[-1])], first[-1]] if len(first) == 2 else [reading]
    return first + syllables(name[len(surname):])


def _surname(name: str) -> str:
    """The surname a name begins with: a compound one (欧阳, 尉迟) where it is one, else its first character."""
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


def syllables(text: str) -> list[str]:
    """The pinyin syllables of text, lowercase without tones (ü as v); characters without a reading left out."""
    from pypinyin import lazy_pinyin  # loaded when a name is read (see _reading)

    read = lazy_pinyin(text, errors="ignore", v_to_u=False)
    return [syllable.lower() for syllable in read if syllable.isascii() and syllable.isalpha()]


def _reading(text: str) -> str | None:
    """The syllables of text run together (xiulan), or None when a character has none."""
    # Imported here: its dictionaries take about half a second to load, which every other command would pay,
    # as the command line imports the sheets' columns.
    from pypinyin import lazy_pinyin

    joined = "".join(lazy_pinyin(text, errors=lambda chars: _UNREAD)).lower()  # ü is v already
    return joined if ids.is_id(joined) else None  # _UNREAD is no id, nor is ""
