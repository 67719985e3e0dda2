"""The schema reference: every field of every kind of record, read from the pydantic models in schema.py (their
descriptions, examples, types, allowed values and bounds), described in Chinese. docs/schema.md is written from
it (`python -m liaison.content.reference docs/schema.md`; a test fails when the file is not what this makes now),
and the records `liaison new` writes (scaffold.py) carry the same words as comments."""
from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from liaison.content import ids, kinds, schema

_SCALARS: dict[object, str] = {
    str: "文字", int: "整数", float: "数字", bool: "true（是）或 false（否）",
    dt.date: "日期，写成 YYYY-MM-DD", dt.time: "时间，写成 09:00",
}
# The constraints Field(ge=..., min_length=...) puts in the metadata (annotated_types.Ge …), by their attribute.
_BOUNDS = (("ge", "不小于 {}"), ("gt", "大于 {}"), ("le", "不大于 {}"), ("lt", "小于 {}"),
           ("min_length", "至少 {} 项"), ("max_length", "最多 {} 项"))


@dataclass(frozen=True)
class Shape:
    """What a value of a field is: in words, its allowed values and bounds, and the record nested in it."""

    words: str  # "一行文字", "列表，每项为一行文字", "映射：键为…，值为…"
    choices: tuple[str, ...] = ()  # the allowed values, of the value or of each item
    bounds: tuple[str, ...] = ()  # "不小于 1", "至少 1 项"
    model: type[BaseModel] | None = None  # the record nested in the value, or in each item
    container: Literal["", "list", "dict"] = ""


@dataclass(frozen=True)
class FieldDoc:
    name: str
    description: str
    shape: Shape
    required: bool
    default: object  # None when required or when it is None
    examples: tuple[object, ...]


def fields(model: type[BaseModel]) -> list[FieldDoc]:
    """The fields of a model in the schema's order."""
    out = []
    for name, info in model.model_fields.items():
        if not info.description:
            raise ValueError(f"{model.__name__}.{name} has no description (schema.py: Field(description=...))")
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        out.append(FieldDoc(name, info.description, shape(info.annotation, info.metadata), info.is_required(),
                            default, tuple(info.examples or ())))
    return out


def shape(annotation: object, metadata: list[Any] | tuple[Any, ...] = ()) -> Shape:
    """The shape of a type, with the metadata pydantic took off its top-level Annotated."""
    extra = list(metadata)
    while get_origin(annotation) is Annotated:
        annotation, *more = get_args(annotation)
        extra.extend(more)
    if get_origin(annotation) in (Union, UnionType):
        members = [arg for arg in get_args(annotation) if arg is not NoneType]
        inner = shape(members[0]) if len(members) == 1 else Shape("、".join(shape(m).words for m in members))
        return _with(inner, extra)
    origin = get_origin(annotation)
    if origin is list:
        item = shape(get_args(annotation)[0])
        words = f"列表，每项为{item.words}" if item.model is None else f"列表，每项的字段见 {item.model.__name__}"
        return _with(Shape(words, item.choices, item.bounds, item.model, "list"), extra)
    if origin is dict:
        key, value = (shape(arg) for arg in get_args(annotation))
        key_words = "、".join(key.choices) if key.choices else key.words
        value_words = value.words if value.model is None else f"一组字段（见 {value.model.__name__}）"
        words = f"映射：每行写“键: 值”，键为{key_words}，值为{value_words}"
        return _with(Shape(words, value.choices, value.bounds, value.model, "dict"), extra)
    if origin is Literal:
        return _with(Shape("以下之一", tuple(str(arg) for arg in get_args(annotation))), extra)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _with(Shape("以下之一", tuple(str(member.value) for member in annotation)), extra)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _with(Shape(f"字段见 {annotation.__name__}", model=annotation), extra)
    return _with(Shape(_SCALARS.get(annotation, "文字")), extra)


def _with(base: Shape, metadata: list[Any]) -> Shape:
    """base with what the metadata adds: a Format's words and the bounds of the value."""
    words, limits = base.words, {}
    for item in _flat(metadata):
        if isinstance(item, schema.Format) and base.container == "":
            words = item.text
        for attribute, _ in _BOUNDS:
            if getattr(item, attribute, None) is not None:
                limits[attribute] = getattr(item, attribute)
    bounds = list(base.bounds)
    if "ge" in limits and "le" in limits:  # both ends: "1 至 5"
        bounds.append(f"{limits.pop('ge')} 至 {limits.pop('le')}")
    bounds.extend(text.format(limits[attribute]) for attribute, text in _BOUNDS if attribute in limits)
    return Shape(words, base.choices, tuple(bounds), base.model, base.container)


def _flat(metadata: list[Any]) -> Iterator[Any]:
    for item in metadata:
        if isinstance(item, FieldInfo):  # Field(ge=...) inside Annotated
            yield from _flat(item.metadata)
        else:
            yield item


def nested(model: type[BaseModel]) -> list[type[BaseModel]]:
    """The records nested in a model, at any depth, each once, in the order its fields name them."""
    found: list[type[BaseModel]] = []
    for doc in fields(model):
        inner = doc.shape.model
        if inner is not None and inner not in found:
            found.append(inner)
            found.extend(more for more in nested(inner) if more not in found)
    return found


def yaml_text(value: object) -> str:
    """A value as it is written in a record: 2026-03-01, 09:00, [a, b], true."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, list | tuple):
        return "[" + ", ".join(yaml_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yaml_text(k)}: {yaml_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, BaseModel):
        return "（各字段取默认值）"
    return str(value)


# ---- docs/schema.md ------------------------------------------------------------------------------------

_HEAD = """# 记录格式参考

<!-- 由 liaison/content/schema.py 中的字段说明生成，请勿手工修改：
     python -m liaison.content.reference docs/schema.md -->

`content/` 中每个文件是一条记录，文件名就是记录的编号（{rule}），也是公开网址的一部分。
下面按记录类别列出每个字段：是否必填、写法、可选值或范围、不写时的取值、示例和含义。
新建记录用 `liaison new 类别 编号`（见 README 的“命令行”）：它写出的文件按这里的顺序列出字段，并附同样的说明。
Markdown 记录（工作制度、公告）的字段写在文件开头两行 `---` 之间，正文（`body`）写在第二个 `---` 之后。
"""


def markdown() -> str:
    """The whole of docs/schema.md."""
    parts = [_HEAD.format(rule=ids.RULE)]
    documented: set[type[BaseModel]] = set()
    for kind in (kinds.SITE, *kinds.KINDS.values()):
        parts.append(_kind_section(kind))
        for inner in nested(kind.model):
            if inner not in documented:
                documented.add(inner)
                parts.append(_model_section(inner, level="###"))
    return "\n".join(parts)


def _kind_section(kind: kinds.Kind) -> str:
    if kind is kinds.SITE:
        where = f"`content/{kinds.SITE_FILE}`（只有这一个文件）"
    else:
        files = "、".join(f"`content/{kind.name}/<编号>{suffix}`" for suffix in kind.suffixes)
        where = f"{files}；新建：`liaison new {kind.singular} 编号`"
    return f"## {kind.label}（{kind.model.__name__}）\n\n{where}\n\n{_table(kind.model)}"


def _model_section(model: type[BaseModel], level: str) -> str:
    return f'<a id="{model.__name__.lower()}"></a>\n\n{level} {model.__name__}\n\n{_table(model)}'


def _table(model: type[BaseModel]) -> str:
    rows = ["| 字段 | 必填 | 写法 | 可选值或范围 | 不写时 | 示例 | 含义 |", "|---|---|---|---|---|---|---|"]
    for doc in fields(model):
        words = doc.shape.words
        if doc.shape.model is not None:
            name = doc.shape.model.__name__
            words = words.replace(name, f"[{name}](#{name.lower()})")
        allowed = "、".join([*(f"`{choice}`" for choice in doc.shape.choices), *doc.shape.bounds])
        default = "" if doc.required else ("（空）" if doc.default in (None, [], {}, "") else yaml_text(doc.default))
        example = "；".join(f"`{yaml_text(example)}`" for example in doc.examples)
        cells = [f"`{doc.name}`", "是" if doc.required else "", words, allowed, default, example, doc.description]
        rows.append("| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in cells) + " |")
    return "\n".join(rows) + "\n"


def main(argv: list[str]) -> int:
    """Write docs/schema.md (or the file named) from the models."""
    target = Path(argv[0]) if argv else Path("docs/schema.md")
    target.write_text(markdown(), encoding="utf-8")
    print(f"已写出 {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
