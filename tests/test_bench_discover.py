"""bench/discover_bench.py: a smoke run on tiny sizes (the figures themselves are not pinned:
the machine is shared)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_discover_bench_prints_its_figures() -> None:
    argv = [sys.executable, str(ROOT / "bench" / "discover_bench.py"), "--values", "2400"]
    done = subprocess.run(
        [*argv, "--tables", "2", "--rows", "150", "--json"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["classifier"]["values"] == 2400
    assert figures["classifier"]["values_per_second"] > 0
    assert figures["sqlite"]["tables"] == 2
    assert set(figures["sqlite"]) >= {"ms_per_table_reading", "ms_per_table_classifying"}
    text = subprocess.run([*argv, "--tables", "1", "--rows", "10"], capture_output=True, text=True)
    assert "values/s on one core" in text.stdout and "ms per table" in text.stdout
