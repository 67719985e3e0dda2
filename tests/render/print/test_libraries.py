"""WeasyPrint's native libraries found from one reading of the linker's cache (liaison.render.print.libraries)."""
from __future__ import annotations

import ctypes.util
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from liaison.render.print import libraries
from tests.conftest import ROOT

LISTING = """\t3 libs found in cache `/etc/ld.so.cache'
\tlibpango-1.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpango-1.0.so.0
\tlibpango-1.0.so.0 (libc6) => /lib/i386-linux-gnu/libpango-1.0.so.0
\tlibgobject-2.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libgobject-2.0.so.0
"""
linux = pytest.mark.skipif(libraries._linker_cache() is None, reason="no ldconfig -p here: the standard look-up")


def _weasyprint_names() -> list[str]:
    """Every name WeasyPrint tries for its libraries, read from its own source (they change between releases)."""
    spec = importlib.util.find_spec("weasyprint")
    assert spec and spec.origin
    source = (Path(spec.origin).parent / "text" / "ffi.py").read_text(encoding="utf-8")
    calls = re.findall(r"_dlopen\(\s*ffi,([^)]*)\)", source)
    assert len(calls) >= 6, "WeasyPrint's ffi.py no longer opens its libraries by _dlopen(ffi, names…)"
    return [name for call in calls for name in re.findall(r"'([^']+)'", call)]


def test_a_name_is_found_as_ctypes_first_step_finds_it() -> None:
    if os.uname().machine != "x86_64":
        pytest.skip("the listing's ABI is x86-64's")
    find = libraries.finder(LISTING)
    assert find("pango-1.0") == "libpango-1.0.so.0"
    assert find("gobject-2.0") == "libgobject-2.0.so.0"
    assert find("libgobject-2.0-0") is None and find("pango") is None


@linux
@pytest.mark.parametrize("name", sorted(set(_weasyprint_names())))
def test_each_name_weasyprint_tries_is_found_as_the_standard_look_up_finds_it(name: str) -> None:
    """Where the standard look-up finds a library by a name, the linker's cache finds the same (on this machine):
    none of WeasyPrint's libraries is lost, only the compiler and linker probes of names that are not there."""
    listing = libraries._linker_cache()
    assert listing is not None
    assert libraries.finder(listing)(name) == ctypes.util.find_library(name)


def _run(script: str, *path: Path) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(folder) for folder in (*path, ROOT))}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    return done.stdout


@linux
def test_weasyprint_imports_without_the_standard_look_up_which_is_put_back() -> None:
    script = """
import ctypes.util, sys
asked = []
standard = ctypes.util.find_library
def spy(name):
    asked.append(name)
    return standard(name)
ctypes.util.find_library = spy
from liaison.render.print import libraries
libraries.import_weasyprint()
print(len(asked), "weasyprint.text.ffi" in sys.modules, ctypes.util.find_library is spy)
"""
    assert _run(script) == "0 True True\n"


@linux
def test_a_library_the_cache_does_not_list_is_found_by_the_standard_look_up(tmp_path: Path) -> None:
    """A stand-in for WeasyPrint that cannot open Pango by what the cache lists (it prints advice and fails, as
    WeasyPrint does): imported again with the standard look-up, and the first attempt's advice is not shown."""
    package = tmp_path / "weasyprint"
    package.mkdir()
    (package / "__init__.py").write_text(
        "import ctypes.util\n"
        "if ctypes.util.find_library('pango-1.0') is None:\n"
        "    print('WeasyPrint could not import some external libraries')\n"
        "    raise OSError('cannot load library pango-1.0')\n"
        "LOADED = True\n", encoding="utf-8")
    script = """
import ctypes.util, sys
from liaison.render.print import libraries
libraries._linker_cache = lambda: "\\tnothing listed\\n"
libraries.import_weasyprint()
print(sys.modules["weasyprint"].LOADED, ctypes.util.find_library.__module__)
"""
    assert _run(script, tmp_path) == "True ctypes.util\n"
