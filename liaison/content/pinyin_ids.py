"""Ids proposed from Chinese names by their pinyin: 陈秀兰 → chen-xiulan, 司马𪚥 → sima-zhe, 荷花街道 → hehua-street.

A person's id is the surname, a hyphen, then the given name, as the demo's deputies are named; a place's is the
pinyin of its name before the administrative unit, then the unit in English. A name whose reading is unknown
(a character pypinyin has no reading for) gets no proposal: the caller asks for an id instead of inventing one.
"""
from __future__ import annotations

from collections.abc import Collection

from pypinyin import lazy_pinyin

from liaison.content import ids

# Two-character surnames: 司马𪚥 is sima-zhe, not si-mazhe.
COMPOUND_SURNAMES = frozenset(
    ["司马", "欧阳", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "夏侯", "轩辕", "令狐", "宇文", "司徒", "司空", "澹台", "端木", "独孤", "南宫", "呼延", "万俟", "闻人", "西门", "申屠", "赫连", "钟离", "太史", "拓跋", "东郭", "公冶", "濮阳", "淳于", "单于"])
# Surnames read otherwise than the character's common reading (单 is shan as a surname, not dan).
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "区": "ou", "朴": "piao", "查": "zha", "乐": "yue",
    "覃": "qin", "翟": "zhai", "缪": "miao", "盖": "ge", "种": "chong", "召": "shao", "员": "yun", "冼": "xian",
    "秘": "bi", "句": "gou", "繁": "po", "长孙": "zhangsun", "尉迟": "yuchi", "万俟": "moqi", "澹台": "tantai",
    "单于": "chanyu", "柏": "bai", "重": "chong", "折": "she", "晟": "cheng", "黑": "he",
}
# Administrative units at the end of a place name, and how the demo's ids name them.
PLACE_UNITS = (("联络中心站", "centre"), ("社区", "community"), ("街道", "street"), ("乡", "township"),
               ("镇", "town"), ("村", "village"), ("县", "county"), ("园区", "park"), ("市", "city"))


def propose_id(name: str, taken: Collection[str]) -> str | None:
    """A person's id from the name's pinyin, unique among `taken` (li-yan, then li-yan-2); None when a
    character of the name has no known reading."""
    name = "".join(name.split())
    if not name:
        return None
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]
    first = SURNAME_READINGS.get(surname) or _reading(surname)
    given = _reading(name[len(surname):]) if name[len(surname):] else ""
    if first is None or given is None:
        return None
    return unique("-".join(part for part in (first, given) if part), taken)


def propose_place_id(name: str, taken: Collection[str]) -> str | None:
    """A place's id from its name: 荷花街道 → hehua-street, 南门社区 → nanmen-community, 溪口村 → xikou-village."""
    name = "".join(name.split())
    for unit, english in PLACE_UNITS:
        if name.endswith(unit) and len(name) > len(unit):
            place = _reading(name[: -len(unit)])
            return None if place is None else unique(f"{place}-{english}", taken)
    place = _reading(name)
    return None if place is None else unique(place, taken)


def person_syllables(name: str) -> list[str]:
    """A person's name as pinyin syllables, the surname read as a surname (单田芳: shan tian fang, 尉迟敬德:
    yu chi jing de); characters without a reading are left out. Search matches a name typed as pinyin or as
    the syllables' initials (zdm) with these."""
    name = "".join(name.split())
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]
    reading = SURNAME_READINGS.get(surname)
    # A compound surname's reading is written as one word (yuchi); its syllables are those of its characters.
    first = [reading] if reading and len(surname) == 1 else syllables(surname)
    if reading and len(surname) == 2:
        first = [reading[: len(reading) - len(first[-1])], first[-1]] if len(first) == 2 else [reading]
    return first + syllables(name[len(surname):])


def syllables(text: str) -> list[str]:
    """The pinyin syllables of text, lowercase without tones (ü as v); characters without a reading left out."""
    read = lazy_pinyin(text, errors="ignore", v_to_u=False)
    return [syllable.lower() for syllable in read if syllable.isascii() and syllable.isalpha()]


def _reading(text: str) -> str | None:
    """The syllables of text run together (xiulan), or None when a character has none."""
    marker = "\x00"  # what pypinyin puts for a character it cannot read
    syllables = lazy_pinyin(text, errors=lambda chars: marker)
    joined = "".join(syllables).lower().replace("ü", "v")
    if marker in joined or not joined or not ids.is_id(joined):
        return None
    return joined


def unique(base: str, taken: Collection[str]) -> str:
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
