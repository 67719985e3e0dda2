"""The schema reference (docs/schema.md) is generated from the models and kept current."""
import re

import pytest
from pydantic import Field

from liaison.content import kinds, reference, schema
from tests.conftest import ROOT

DOC = ROOT / "docs" / "schema.md"


def test_docs_schema_md_is_what_the_generator_makes_now() -> None:
    assert DOC.read_text(encoding="utf-8") == reference.markdown(), (
        "docs/schema.md is out of date: run `python -m liaison.content.reference docs/schema.md`")


def _section(text: str, heading: str) -> str:
    start = text.index(heading + "\n")
    following = re.search(r"^#{2,3} ", text[start + len(heading):], re.MULTILINE)
    return text[start:start + len(heading) + (following.start() if following else len(text))]


@pytest.mark.parametrize("kind", [kinds.SITE, *kinds.KINDS.values()], ids=lambda kind: kind.name)
def test_every_field_of_every_kind_and_nested_record_is_listed_with_its_description(kind: kinds.Kind) -> None:
    text = reference.markdown()
    for model, heading in [(kind.model, f"## {kind.label}（{kind.model.__name__}）"),
                           *((inner, f"### {inner.__name__}") for inner in reference.nested(kind.model))]:
        section = _section(text, heading)
        for name, info in model.model_fields.items():
            row = next(line for line in section.splitlines() if line.startswith(f"| `{name}` |"))
            assert info.description and info.description.replace("|", "\\|") in row


def test_allowed_values_bounds_types_and_examples_are_in_the_row() -> None:
    station = _section(reference.markdown(), "## 联络站（Station）")
    kind = next(line for line in station.splitlines() if line.startswith("| `kind` |"))
    assert all(f"`{member.value}`" in kind for member in schema.StationKind)
    floor = next(line for line in station.splitlines() if line.startswith("| `floor` |"))
    assert "-3 至 100" in floor and "| 1 |" in floor  # bounds and the default
    phone = next(line for line in station.splitlines() if line.startswith("| `phone` |"))
    assert "| 是 | 电话号码" in phone and "`0579-62239930`" in phone
    staff = next(line for line in station.splitlines() if line.startswith("| `staff` |"))
    assert "[Staff](#staff)" in staff and "至少 1 项" in staff


def test_a_field_without_a_description_is_refused() -> None:
    class Undescribed(schema.Record):
        described: schema.Line = Field(description="有说明")
        bare: schema.Line

    with pytest.raises(ValueError, match=r"Undescribed\.bare has no description"):
        reference.fields(Undescribed)
