"""Which characters never belong in content text, and how a message names one.

The schema refuses them in one-line fields; the Markdown sanitiser (render.markup) drops them from
longer text. Both read this one list.
"""
from __future__ import annotations

import re

# C0 and C1 controls (a carriage return splits an iCalendar line), line and paragraph separators, and
# the bidi overrides and isolates that make text read otherwise than it was typed (U+202A-U+202E,
# U+2066-U+2069).
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
LINE_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")
_NAMES = {"\t": "制表符", "\n": "换行符", "\r": "回车符", "\x85": "换行符",
          "\u2028": "行分隔符", "\u2029": "段分隔符"}


def character_name(character: str) -> str:
    """How a message names an unwanted character: '回车符 U+000D'."""
    if character in _NAMES:
        name = _NAMES[character]
    elif "\u202a" <= character <= "\u202e" or "\u2066" <= character <= "\u2069":
        name = "双向文字控制符"
    else:
        name = "控制字符"
    return f"{name} U+{ord(character):04X}"


def clean_characters(text: str) -> str:
    """Every line break as \\n, and no other control or bidi character (a tab stays)."""
    text = LINE_BREAKS.sub("\n", text)
    return CONTROL_CHARACTERS.sub(lambda m: m.group() if m.group() in "\n\t" else "", text)
