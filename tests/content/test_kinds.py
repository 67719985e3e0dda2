"""The one registry of record kinds (liaison/content/kinds.py): every stage reads it, and no module keeps a table of
kinds of its own."""
from __future__ import annotations

import ast
from pathlib import Path

from liaison.content.kinds import KINDS, SITE
from liaison.content.loader import load_content
from liaison.model.dates import Dating
from tests.conftest import ROOT, model, plan_of, web_page, write

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
    site, _ = model(mini)
    dating = Dating(mini, site.settings.zone)
    written = {path for job in plan_of(mini) if web_page(job) for path in job.outputs}
    for name, kind in KINDS.items():
        entities = getattr(site, name)
        assert entities, name
        for entity in entities.values():
            assert entity.section == name and type(entity.record) is kind.model
            assert dating.files(entity)[0] == mini / name / kind.file_name(entity.id)
            assert (f"{name}/{entity.id}/index.html" in written) == kind.pages, (name, entity.id)


def tables_of_kinds(package: Path) -> list[str]:
    """Literals outside kinds.py that list the kinds again: a mapping with two kinds as keys or values (a table by
    kind, like a folder -> suffixes or kind -> label map), or a set, tuple or list naming three."""
    names = {*KINDS, SITE.name}
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.relative_to(package).as_posix() == "content/kinds.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):  # a key with a computed value is data by kind, not a table of kinds
                listed = [*(key for key, value in zip(node.keys, node.values, strict=True)
                            if key is not None and _literal(value)), *node.values]
                least = 2
            elif isinstance(node, (ast.Set, ast.Tuple, ast.List)):
                listed, least = node.elts, 3
            else:
                continue
            named = {item.value for item in listed if isinstance(item, ast.Constant) and item.value in names}
            if len(named) >= least:
                found.append(f"{path.relative_to(package)}:{node.lineno}: {sorted(named)}")
    return found


def _literal(node: ast.expr) -> bool:
    """A constant, or a tuple, list or set of constants: what a table holds."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(isinstance(item, ast.Constant) for item in node.elts)
    return isinstance(node, ast.Constant)


def test_no_module_keeps_its_own_table_of_kinds() -> None:
    assert tables_of_kinds(ROOT / "liaison") == []
