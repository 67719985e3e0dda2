"""The package's layers hold: import-linter's contracts (pyproject.toml) pass, and they do fail a backwards
import, so that a contract loosened by mistake shows here."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
        "sys.exit(lint_imports_command())", "--no-cache"]


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(LINT, cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "COLUMNS": "200"},
                          capture_output=True, text=True, check=False)


def test_the_package_keeps_its_contracts() -> None:
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("module", "line", "report"), [
    ("content/schema.py", "from liaison.model import urls", "liaison.content is not allowed to import liaison.model"),
    ("model/site.py", "from liaison.build import writer", "liaison.model is not allowed to import liaison.build"),
    ("render/kiosk/screen.py", "from liaison.render.web import pages",
     "liaison.render.kiosk is not allowed to import liaison.render.web"),
    ("render/markup.py", "from liaison.render import theme",
     "liaison.render.markup is not allowed to import liaison.render.theme"),
    ("content/loader.py", "from liaison.content import validate", "No cycles are allowed in liaison.content"),
])
def test_a_backwards_import_breaks_a_contract(tmp_path: Path, module: str, line: str, report: str) -> None:
    shutil.copytree(ROOT / "liaison", tmp_path / "liaison", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    target = tmp_path / "liaison" / module
    source = target.read_text(encoding="utf-8")
    header = source.index("\nfrom ") + 1  # after the docstring and __future__, among the imports
    target.write_text(source[:header] + line + "\n" + source[header:], encoding="utf-8")
    result = lint(tmp_path)
    assert result.returncode == 1
    assert report in result.stdout[result.stdout.index("Broken contracts"):], result.stdout
