"""The shipped packs are found from a wheel installed in a fresh venv, not only a checkout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_audits_with_shipped_packs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    [wheel] = dist.glob("dsaudit-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    pip = subprocess.run(
        [str(bindir / "python"), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert pip.returncode == 0, pip.stderr[-2000:]
    # Run from a folder that has no rules/ next to it, so only the wheel's packs can be found.
    sample = tmp_path / "org"
    shutil.copytree(ROOT / "sample_configs" / "acme-retail", sample)
    out = tmp_path / "report.json"
    run = subprocess.run(
        [str(bindir / "dsaudit"), "audit", str(sample), "--format", "json", "--output", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode in (0, 1), run.stdout[-2000:] + run.stderr[-2000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    packs = {p["name"] for p in report["metadata"]["packs"]}
    assert {"csl", "dsl", "pipl", "config-hygiene"} <= packs
    assert any(r["status"] == "fail" for r in report["results"])
    listing = subprocess.run(
        [str(bindir / "dsaudit"), "rules", "list"], capture_output=True, text=True, cwd=tmp_path
    )
    assert listing.returncode == 0 and "PIPL-LEGAL-BASIS" in listing.stdout
