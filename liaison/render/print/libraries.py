"""WeasyPrint imported with its native libraries found from the dynamic linker's cache, read once.

WeasyPrint opens Pango, HarfBuzz, fontconfig and GObject by trying several names for each, most of them the
names of other systems (libgobject-2.0-0, the Windows one); cffi looks up a name that does not open with
ctypes.util.find_library, which on Linux runs `ldconfig -p`, then the C compiler, then the linker, each time. Some
twenty such look-ups cost 0.25-0.35 s of every build that makes a PDF (an import of 0.3 s instead of 0.6 s,
measured on this project's machine). While WeasyPrint is imported, find_library answers from one reading of the
linker's cache instead, as its own first step would; where that finds nothing that opens (a library outside the
cache), WeasyPrint is imported again with the standard look-up, so it loads wherever it loaded before.
"""
from __future__ import annotations

import contextlib
import ctypes.util
import io
import os
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator

# ctypes.util's own names for the ABI of this machine's libraries in `ldconfig -p` (its _findSoname_ldconfig).
_ABI = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}


def import_weasyprint() -> None:
    """Import WeasyPrint (and the native libraries it opens), once per process."""
    if "weasyprint" in sys.modules:
        return
    listing = _linker_cache()
    if listing is None:
        import weasyprint
        return
    try:
        # WeasyPrint prints advice to stdout before it gives up on a library: not for this first attempt.
        with _finding(finder(listing)), contextlib.redirect_stdout(io.StringIO()):
            import weasyprint
    except OSError:  # a library the cache does not list: the modules that failed are gone, import them again
        import weasyprint  # noqa: F401


def finder(listing: str) -> Callable[[str], str | None]:
    """find_library answering from `ldconfig -p`'s listing as ctypes.util's first step does: the first library of
    this machine's ABI named lib<name>.<anything>."""
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    abi = re.escape(_ABI.get(machine, "libc6"))

    def find(name: str) -> str | None:
        found = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}", listing)
        return found[1] if found else None
    return find


def _linker_cache() -> str | None:
    """`ldconfig -p` (GNU libc's), or None where there is none to read."""
    ldconfig = "/sbin/ldconfig" if os.path.exists("/sbin/ldconfig") else shutil.which("ldconfig")
    if sys.platform != "linux" or ldconfig is None:
        return None
    try:
        listed = subprocess.run([ldconfig, "-p"], stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, env={"LC_ALL": "C", "LANG": "C"},
                                timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return os.fsdecode(listed.stdout) if listed.returncode == 0 and listed.stdout else None


@contextlib.contextmanager
def _finding(find: Callable[[str], str | None]) -> Iterator[None]:
    standard = ctypes.util.find_library
    setattr(ctypes.util, "find_library", find)  # noqa: B010  # (mypy: a plain assignment's signature differs)
    try:
        yield
    finally:
        setattr(ctypes.util, "find_library", standard)  # noqa: B010
