"""A short load run against gunicorn with wrk (bench/load_server.py --quick): no error
response and no failed connection. The figures are the benchmark's to report, not a test's."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def test_short_load_run_has_no_errors():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load_server.py"), "--quick", "--seconds", "2"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.endswith(" requests")]
    assert len(lines) == 4 and not any("ERRORS" in line for line in lines), result.stdout
    assert all(int(line.rsplit(", ", 1)[1].split()[0]) > 100 for line in lines), result.stdout
