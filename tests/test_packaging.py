"""A real package: the wheel carries the theme, declares every import, and checks the demo and builds a
site when installed (not editable) into a fresh virtualenv and run from another working directory."""
from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import shutil
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import DEMO, DEMO_TODAY, MINI, ROOT, TODAY

PACKAGE = ROOT / "liaison"

pytestmark = pytest.mark.slow  # builds a wheel, installs it in a new virtualenv


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out, source = tmp_path_factory.mktemp("wheel"), tmp_path_factory.mktemp("source")
    # From the files git tracks, as a release is made: not the checkout's build/ folder, where setuptools keeps
    # the files of earlier wheels (a template deleted since would ship again).
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in tracked.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(source)], check=True, cwd=out)
    [built] = out.glob("liaison-*.whl")
    return built


def _imported_top_level_modules() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"liaison"}


def _requirement_names(requires: list[str]) -> set[str]:
    return {re.split(r"[\s;<>=!~\[]", line, maxsplit=1)[0].lower().replace("_", "-") for line in requires}


# The extra whose library liaison imports only when asked (`build --dask`): the install without extras below
# builds the demo, so an import of it at a module's top fails there.
OPTIONAL = 'extra == "dask"'


def test_every_third_party_import_is_a_declared_dependency(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        requires = [line.split(":", 1)[1].strip() for line in archive.read(metadata).decode().splitlines()
                    if line.startswith("Requires-Dist:") and ("extra ==" not in line or OPTIONAL in line)]
    declared = _requirement_names(requires)
    distributions = importlib.metadata.packages_distributions()
    imported = _imported_top_level_modules()
    assert imported, "no third-party imports found: the scan is broken"
    undeclared = {module: distributions.get(module) for module in imported
                  if not {d.lower().replace("_", "-") for d in distributions.get(module, [])} & declared}
    assert undeclared == {}


def test_the_wheel_ships_the_default_theme(wheel: Path) -> None:
    theme = ROOT / "themes" / "default"
    expected = {f"liaison/themes/default/{p.relative_to(theme).as_posix()}" for p in theme.rglob("*") if p.is_file()}
    with zipfile.ZipFile(wheel) as archive:
        shipped = {n for n in archive.namelist() if n.startswith("liaison/themes/")}
    assert shipped == expected


def test_installed_wheel_checks_the_demo_and_builds_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    clean_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # nothing of the checkout on the path
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)  # this environment's pip installs into it (ensurepip takes seconds)
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, env=clean_env)
    # The dependencies come from the project's environment (no download in tests); the package
    # itself only from the wheel: a .pth names their folder, and processes no editable hook there.
    target_site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                      capture_output=True, text=True, check=True, env=clean_env).stdout.strip())
    (target_site / "project-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()

    where = subprocess.run([python, "-c", "import liaison; print(liaison.__file__)"], cwd=work, env=clean_env,
                           capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(target_site)), where
    script = env_dir / "bin" / "liaison"
    usage = subprocess.run([script, "--help"], cwd=work, env=clean_env, capture_output=True, text=True)
    assert usage.returncode == 0 and "usage: liaison" in usage.stdout
    module = subprocess.run([python, "-m", "liaison", "--help"], cwd=work, env=clean_env, capture_output=True,
                            text=True)
    assert module.returncode == 0 and "--content" in module.stdout

    # The demo's assessment reads the star-rating table shipped in the package (liaison/rules/standards/).
    checked = subprocess.run([script, "check", "--content", str(DEMO), "--today", DEMO_TODAY.isoformat()], cwd=work,
                             env=clean_env, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "校验通过：10 个联络站，29 名代表" in checked.stdout
    # A build uses every template of the shipped theme (web, lobby screen, print); the mini content suffices.
    built = subprocess.run([script, "build", "--content", str(MINI), "--site", "out/site", "--signage", "out/signage",
                            "--today", TODAY.isoformat(), "--quiet"], cwd=work, env=clean_env,
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert (work / "out" / "site" / "stations" / "centre" / "index.html").is_file()
    assert (work / "out" / "site" / "static" / "style.css").read_bytes() == (
        ROOT / "themes" / "default" / "static" / "style.css").read_bytes()
    assert (work / "out" / "site" / "kiosk" / "centre" / "index.html").is_file()
    assert (work / "out" / "signage" / "centre" / "signboard-production.pdf").is_file()
