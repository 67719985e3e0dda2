"""The six items every station must publish (《衢州市人大代表联络站工作条例》第十一条), in the rule's order, as the
station page, the wall poster, the lobby screen and the compliance check name them.

Templates read them as `six_items` (theme.environment): `six_items.staff.title`, or all six in order with
`six_items.values()`.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    key: str  # the item's anchor on the station page (#staff)
    number: str  # its number in the rule: 一 … 六
    title: str  # 第十一条 （二）人大代表联络站工作人员的基本信息和工作职责 -> 工作人员基本情况及职责


ITEMS = (
    Item("deputies", "一", "进站代表基本情况"),
    Item("staff", "二", "工作人员基本情况及职责"),
    Item("systems", "三", "主要工作制度和年度工作计划"),
    Item("flow", "四", "群众意见建议处理流程"),
    Item("scenarios", "五", "网上应用场景使用方法"),
    Item("other", "六", "其他需要公开的事项"),
)
BY_KEY = {item.key: item for item in ITEMS}
TITLES = tuple(item.title for item in ITEMS)
