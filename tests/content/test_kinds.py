"""The one registry of record kinds (liaison/content/kinds.py): every stage reads it, and no module keeps a table of
kinds of its own."""
from __future__ import annotations

import ast
from pathlib import Path

from liaison.content.kinds import KINDS, SITE
from liaison.content.loader import load_content
from liaison.model.dates import Dating
from liaison.render.web import pages as web
from tests.conftest import ROOT, model, write

ASSESSMENT = "station: centre\nyear: 2026\nassessor: 县人大常委会\ndate: 2026-11-18\nscores: {f1a: 3}\n"


def test_every_kind_goes_through_every_stage(mini: Path) -> None:
    """A record of each kind is read from its folder, checked against its model, is in the site graph under its
    kind's name, is dated by its own file, and has a page at <kind>/<id>/ exactly when its kind has pages."""
    write(mini / "assessments" / "check.yaml", ASSESSMENT)  # the fixture has a record of every other kind
    loaded = load_content(mini)
    assert {kind: [raw.id for raw in raws] for kind, raws in loaded.records.items() if raws} == {
        "stations": ["centre", "east-village"], "deputies": ["li-yan", "wang-kun"], "systems": ["reception"],
        "events": ["2026-11-03-east", "2026-12-01-centre"], "opinions": ["2026-0001", "2026-0002"],
        "notices": ["december"], "assessments": ["check"]}
    site, env = model(mini)
    dating = Dating(mini, site.settings.zone)
    written = {output.path for output in web.pages(site, env)}
    for name, kind in KINDS.items():
        entities = getattr(site, name)
        assert entities, name
        for entity in entities.values():
            assert entity.section == name and type(entity.record) is kind.model
            assert dating.files(entity)[0] == mini / name / kind.file_name(entity.id)
            assert (f"{name}/{entity.id}/index.html" in written) == kind.pages, (name, entity.id)


def _kinds_named(items: list[ast.expr | None], names: set[str]) -> list[str]:
    return [item.value for item in items if isinstance(item, ast.Constant) and item.value in names]


def tables_of_kinds(package: Path) -> list[str]:
    """Literals outside kinds.py that list the kinds again: a mapping whose keys or values are all kinds (two or
    more: a table by kind, like folder -> suffixes or kind -> label), or a set, tuple or list naming three kinds."""
    names = {*KINDS, SITE.name}
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.relative_to(package).as_posix() == "content/kinds.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):  # keyed by kind, or mapping something to kinds
                columns = [[key for key in node.keys if key is not None], node.values]
                named = [_kinds_named(column, names) for column in columns
                         if len(column) >= 2 and len(_kinds_named(column, names)) == len(column)]
            elif isinstance(node, (ast.Set, ast.Tuple, ast.List)):
                named = [kinds for kinds in [_kinds_named(node.elts, names)] if len(kinds) >= 3]
            else:
                continue
            found.extend(f"{path.relative_to(package)}:{node.lineno}: {sorted(kinds)}" for kinds in named)
    return found


def test_no_module_keeps_its_own_table_of_kinds() -> None:
    assert tables_of_kinds(ROOT / "liaison") == []
