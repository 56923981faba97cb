"""The project's own code stays ruff-clean (`make lint`)."""

from __future__ import annotations

import subprocess
import sys

from helpers import ROOT


def test_ruff_check_and_format():
    for args in (["check", "graphc", "tests", "bench"], ["format", "--check", "graphc", "tests", "bench"]):
        r = subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
