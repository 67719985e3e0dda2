"""Equal values held once: a table of the texts, tuples and frozen values already seen, and a copy of a value
made of them.

A county's build names the same ids, paths, links and digests thousands of times: in the plan's jobs (26,166
jobs at 300 stations: 34 MB of objects, 16 MB held once; every render worker starts with the plan), in the
facts the workers tell of their outputs, and in the last build's record. Each is held once: the first equal
value seen is the one kept, every later one is replaced by it.
"""
from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

Table = dict[Any, Any]  # a value seen -> the equal value held
T = TypeVar("T")


def held(value: T, table: Table) -> T:
    """`value` with every text, tuple and frozen dataclass in it taken from `table`, or put there (made of held
    parts) when no equal one is there yet (a frozen dataclass's fields must hash); lists and dicts are copied
    with their items and keys held (a JSON value). Anything else is kept as it is. Values are matched by
    equality, as a dict matches keys: hold only values whose equal ones are alike (texts, tuples of texts,
    JSON), since 1, 1.0 and True are equal in Python."""
    if isinstance(value, str):
        return table.setdefault(value, value)  # type: ignore[no-any-return]
    if isinstance(value, list):
        return [held(item, table) for item in value]  # type: ignore[return-value]
    if isinstance(value, dict):
        return {held(key, table): held(item, table) for key, item in value.items()}  # type: ignore[return-value]
    if type(value) is tuple or _frozen(value):
        found = table.get(value)
        if found is None:  # held as an equal value made of held parts, so that the given one is not kept
            found = _of_held_parts(value, table)
            table[found] = found
        return found  # type: ignore[no-any-return]
    return value


def _frozen(value: object) -> bool:
    params = getattr(type(value), "__dataclass_params__", None)
    return params is not None and params.frozen


def _of_held_parts(value: Any, table: Table) -> Any:
    if type(value) is tuple:
        return tuple(held(item, table) for item in value)
    return dataclasses.replace(value, **{field.name: held(getattr(value, field.name), table)
                                         for field in dataclasses.fields(value) if field.init})
