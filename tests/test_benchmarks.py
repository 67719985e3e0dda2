"""The benchmarks whose figures the README quotes still run (timings are not asserted here)."""
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT, TODAY


@pytest.mark.slow
def test_print_speed_benchmark_runs() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "print_speed.py"), "--repeat", "1", "--no-peer"],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "| wall poster, one A0 sheet (PDF) |" in result.stdout


@pytest.mark.slow
def test_partial_build_benchmark_runs() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "partial_build.py"), "--repeat", "1",
                             "--content", str(ROOT / "tests" / "fixtures" / "mini")],
                            capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "| `--only web` |" in result.stdout and "of a full build's time" in result.stdout


@pytest.mark.slow
def test_web_only_benchmark_runs() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "web_only.py"), "--stations", "1", "--repeat",
                             "1"], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    assert re.search(rf"\| {re.escape(str(ROOT))} \| \d+ \| [\d.]+ s \| \d+ \|", result.stdout), result.stdout


@pytest.mark.slow
def test_render_speed_benchmark_runs() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "render_speed.py"), "--repeat", "1", "--no-peer",
                             "--content", str(ROOT / "tests" / "fixtures" / "mini"), "--today", TODAY.isoformat()],
                            capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    # the encoder in use is measured, and every symbol it gives decodes (peers not installed are named as such)
    assert re.search(r"\| zxing-cpp \(libzint, native\) \| [\d.]+ \| [^|]+ \| (\d+)/\1 \|", result.stdout), result.stdout
    assert "| liaison `fonts.subset_woff2` |" in result.stdout
    assert re.search(r"\| kiosk, \d+ stations \| [\d.]+ s \|", result.stdout), result.stdout


@pytest.mark.slow
@pytest.mark.browser
def test_search_benchmark_runs() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "search.py"), "--stations", "3", "--repeat", "2"],
                            capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    assert re.search(r"\| `search/entries\.js` \| \d+ KB \| \d+ KB \|", result.stdout), result.stdout
    assert re.search(r"\| initials \| [a-z]+ \| [1-9]\d* \| [\d.]+ ms \|", result.stdout), result.stdout


@pytest.mark.slow  # renders mini's print files four times; tests/render/print/test_signage.py compares the two ways
def test_print_fonts_benchmark_runs() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "print_fonts.py"), "--repeat", "1",
                             "--content", str(ROOT / "tests" / "fixtures" / "mini")],
                            capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    assert re.search(r"\| QR card \(PDF\) \| \d+ \| \d+ \| \d+ / \d+ \| \d+ / \d+ \|", result.stdout), result.stdout
