"""Equal values held once: the plan's names and inputs, the facts of the jobs run, the last build's record."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from liaison.build import interning


@dataclass(frozen=True)
class Pair:
    names: tuple[str, ...]
    flag: bool = False


def copy(value: Any) -> Any:
    """An equal value made of other objects (texts made anew, not the interpreter's shared ones)."""
    return json.loads(json.dumps(value))


def test_equal_texts_and_tuples_of_texts_are_held_once_and_the_first_seen_is_kept() -> None:
    table: interning.Table = {}
    first = interning.held(tuple(copy(["a.html", "b.html"])), table)
    second = interning.held(tuple(copy(["a.html", "b.html"])), table)
    assert second is first and second == ("a.html", "b.html")
    other = interning.held(tuple(copy(["b.html"])), table)
    assert other[0] is first[1]  # the names in a tuple are held too


def test_a_tuple_not_seen_yet_is_held_as_one_made_of_held_names_not_as_given() -> None:
    table: interning.Table = {}
    name = interning.held(copy("stations"), table)
    given = (copy("stations"),)
    found = interning.held(given, table)
    assert found == given and found[0] is name
    assert given[0] is not name and all(value is not given for value in table.values())


def test_a_frozen_dataclass_is_held_once_with_its_fields_held() -> None:
    table: interning.Table = {}
    first = interning.held(Pair(tuple(copy(["x", "y"]))), table)
    second = interning.held(Pair(tuple(copy(["x", "y"]))), table)
    flagged = interning.held(Pair(tuple(copy(["x", "y"])), True), table)
    assert second is first and flagged is not first and flagged.flag
    assert flagged.names is first.names


def test_a_json_value_keeps_its_shape_with_equal_texts_held_once() -> None:
    table: interning.Table = {}
    facts = {"paths": ["a/index.html"], "links": {"a/index.html": ["../static/style.css", "../index.html"]},
             "count": 3, "carried": True, "none": None}
    one, two = interning.held(copy(facts), table), interning.held(copy(facts), table)
    assert one == two == facts and isinstance(one["paths"], list)
    assert one["links"]["a/index.html"][0] is two["links"]["a/index.html"][0]
    assert next(iter(one["links"])) is next(iter(two["links"]))
