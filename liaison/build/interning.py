"""Equal values held once: a table of the texts, tuples and frozen values already seen, and a copy of a value
made of them.

A county's build names the same ids, paths, links and digests thousands of times: in the plan's jobs (26,166
jobs at 300 stations: 34 MB of objects, 16 MB held once; every render worker starts with the plan), in the
facts the workers tell of their outputs, and in the last build's record. Each is held once: the first equal
value seen is the one kept, every later one is replaced by it.
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Any, TypeVar

Table = dict[Any, Any]  # a value seen -> the equal value held
T = TypeVar("T")


def held(value: T, table: Table) -> T:
    """`value` with every text, tuple and frozen dataclass in it taken from `table`, or put there (made of held
    parts) when no equal one is there yet (a frozen dataclass's fields must hash); lists and dicts are copied
    with their items and keys held (a JSON value). Anything else is kept as it is. Values are matched by
    equality, as a dict matches keys: hold only values whose equal ones are alike (texts, tuples of texts,
    JSON), since 1, 1.0 and True are equal in Python."""
    return _held(value, table)  # type: ignore[no-any-return]


def _held(value: Any, table: Table) -> Any:
    kind: Any = type(value)  # (typeshed: a type[Any] is not Hashable for functools.cache)
    if kind is str or isinstance(value, str):
        return table.setdefault(value, value)
    if isinstance(value, list):
        return _items(value, table)
    if isinstance(value, dict):
        return {_text(key, table): _text(item, table) for key, item in value.items()}
    if kind is tuple:
        found = table.get(value)
        if found is None:  # held as an equal value made of held parts, so that the given one is not kept
            found = tuple(_items(value, table))
            table[found] = found
        return found
    names = _frozen_fields(kind)
    if names is not None:
        found = table.get(value)
        if found is None:
            found = kind(**{name: _text(getattr(value, name), table) for name in names})
            table[found] = found
        return found
    return value


# Hot: a plan holds some 500,000 values, most of them texts; these skip a call for a text.

def _text(value: Any, table: Table) -> Any:
    return table.setdefault(value, value) if type(value) is str else _held(value, table)


def _items(values: Any, table: Table) -> list[Any]:
    return [table.setdefault(item, item) if type(item) is str else _held(item, table) for item in values]


@functools.cache
def _frozen_fields(kind: type) -> tuple[str, ...] | None:
    """The fields a frozen dataclass is made of (held parts make an equal one), or None for any other type."""
    params = getattr(kind, "__dataclass_params__", None)
    if params is None or not params.frozen:
        return None
    return tuple(field.name for field in dataclasses.fields(kind) if field.init)
