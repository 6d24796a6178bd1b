"""Regenerate the example reports of the shipped sample organizations.

Run from the repository root:  python docs/examples/regenerate.py

Each sample in sample_configs/ is audited with its own dsaudit.yaml (which fixes the audit date)
and SOURCE_DATE_EPOCH set, so the reports only change when the rules, the samples or dsaudit do.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "examples"
EPOCH = "1793491200"  # 2026-11-01T00:00:00Z


def main() -> int:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_COLOR": "1"}
    for sample in sorted((ROOT / "sample_configs").iterdir()):
        if not (sample / "dsaudit.yaml").is_file():
            continue
        html = OUT / f"{sample.name}.html"
        done = subprocess.run(
            [sys.executable, "-m", "dsaudit", "audit", str(sample), "-q",
             "--format", "html", "--output", str(html)],
            env=env, cwd=ROOT, check=False,
        )  # fmt: skip
        if done.returncode not in (0, 1):
            print(f"{sample.name}: dsaudit exited {done.returncode}", file=sys.stderr)
            return done.returncode
        print(f"wrote {html.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
