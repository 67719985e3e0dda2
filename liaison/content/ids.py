"""Record ids: a record's id is its file name, becomes part of its public URL, and is how other records
refer to it. One pattern for all three."""
from __future__ import annotations

import re

PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID = re.compile(PATTERN)
RULE = "只能用小写字母、数字和连字符（如 qingshi-town）"


def is_id(text: str) -> bool:
    """Whether text can be an id: lowercase letters and digits, in groups joined by single hyphens."""
    return ID.fullmatch(text) is not None


# Surnames of two characters, read as one syllable group: 司马哲 is sima-zhe, not si-mazhe.
COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "司空", "夏侯",
    "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门", "百里", "呼延", "万俟", "澹台", "公冶", "太史", "申屠",
    "闻人", "赫连", "东郭", "濮阳", "淳于", "单于", "拓跋", "完颜", "羊舌", "微生", "梁丘", "左丘", "第五", "谷梁",
    "乐正", "公羊", "仲孙", "叔孙", "鲜于", "闾丘", "司寇", "亓官", "漆雕", "壤驷", "公良", "颛孙", "巫马", "公西",
    "宗政",
})
# Surnames read otherwise than the character most often is: 单 shan (not dan), 曾 zeng (not ceng).
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "区": "ou", "朴": "piao", "查": "zha", "盖": "ge",
    "繁": "po", "乐": "yue", "缪": "miao", "翟": "zhai", "覃": "qin", "种": "chong", "秘": "bi", "召": "shao",
    "员": "yun", "能": "nai", "黑": "he", "祭": "zhai", "宓": "fu", "折": "she", "过": "guo", "句": "gou",
    "谌": "chen", "隗": "wei", "尉迟": "yuchi", "万俟": "moqi", "长孙": "zhangsun", "单于": "chanyu",
}
_NAME_PARTS = re.compile(r"[·•・．.\s]+")  # 阿依古丽·买买提: each part of a name is one group


def from_name(name: str) -> str | None:
    """A person's id from their name in pinyin without tones: surname, hyphen, given name (李䶮 li-yan,
    司马哲 sima-zhe, 单雄信 shan-xiongxin; ü as v, 吕 lv); a name written in parts (阿依古丽·买买提) one group per
    part. None when the name has a character with no pinyin."""
    from pypinyin import lazy_pinyin  # its dictionaries take a moment to load: only when a name is turned

    parts = [part for part in _NAME_PARTS.split(name.strip()) if part]
    if len(parts) == 1 and _is_han(parts[0][0]):
        surname = parts[0][:2] if parts[0][:2] in COMPOUND_SURNAMES else parts[0][:1]
        parts = [surname, parts[0][len(surname):]] if len(parts[0]) > len(surname) else [surname]
        parts[0] = SURNAME_READINGS.get(surname) or "".join(lazy_pinyin(surname))
    groups = ["".join(lazy_pinyin(part)).lower() for part in parts]
    candidate = "-".join(groups)
    return candidate if is_id(candidate) else None


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\U00020000" <= char <= "\U0003134f"


def unique(candidate: str, taken: set[str]) -> str:
    """candidate, or candidate-2, -3 … whichever is not taken yet."""
    number, found = 1, candidate
    while found in taken:
        number += 1
        found = f"{candidate}-{number}"
    return found
