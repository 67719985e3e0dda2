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

