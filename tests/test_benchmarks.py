"""The benchmarks whose figures the README quotes still run (timings are not asserted here)."""
import subprocess
import sys

import pytest

from tests.conftest import ROOT


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
