"""Every CSV liaison writes goes through render/spreadsheet.py: a BOM for Excel and WPS, CRLF line ends, and no
cell that a spreadsheet would run as a formula."""
from __future__ import annotations

import ast
import csv
import io
import zipfile
from pathlib import Path

from liaison.build.packs import make_packs
from liaison.render.spreadsheet import FORMULA_STARTS, csv_bytes
from tests.conftest import ROOT


def csv_outputs(*folders: Path) -> dict[str, bytes]:
    """Every CSV file under the folders (a build's site and signage, packs), those inside zip packs included."""
    found = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            name = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            if path.suffix == ".csv":
                found[name] = path.read_bytes()
            elif path.suffix == ".zip":
                with zipfile.ZipFile(path) as archive:
                    found.update({f"{name}:{inner}": archive.read(inner)
                                  for inner in archive.namelist() if inner.endswith(".csv")})
    return found


def assert_spreadsheet_csv(name: str, data: bytes) -> None:
    assert data.startswith("\ufeff".encode()), name
    text = data.decode("utf-8-sig")
    assert "\n" not in text.replace("\r\n", ""), name
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), (name, cell)


def test_every_csv_of_a_build_is_written_alike(mini_build: Path, tmp_path: Path) -> None:
    make_packs(mini_build / "signage", ["centre"], tmp_path / "packs")
    outputs = csv_outputs(mini_build / "site", mini_build / "signage", tmp_path / "packs")
    assert {"site/data/stations.csv", "site/data/deputies.csv", "signage/manifest.csv",
            "packs/centre.zip:manifest.csv"} <= set(outputs)
    for name, data in outputs.items():
        assert_spreadsheet_csv(name, data)


def test_cells_that_would_run_are_text() -> None:
    rows = [{"名称": text, "数量": 3} for text in ("=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "\tx", "普通")]
    data = csv_bytes(rows)
    assert_spreadsheet_csv("rows", data)
    assert [row[0] for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))][1:] == [
        "'=HYPERLINK(\"http://x\")", "'+1", "'-1", "'@SUM(A1)", "'\tx", "普通"]


def test_only_the_spreadsheet_module_writes_csv() -> None:
    """A second CSV writer would have to import the csv module; only render/spreadsheet.py does, and the
    reader of the office's CSV rosters (liaison import)."""
    package = ROOT / "liaison"
    importers = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) else []
            if "csv" in names:
                importers.append(path.relative_to(package).as_posix())
    assert importers == ["content/sheets/tables.py", "render/spreadsheet.py"]
