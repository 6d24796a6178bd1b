"""Inventory globs: an absolute ``--inventory`` pattern is expanded like a relative one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from projectkit import REPO_ROOT


def test_an_absolute_inventory_glob_is_expanded(tmp_path: Path) -> None:
    target = tmp_path / "acme"
    shutil.copytree(REPO_ROOT / "sample_configs" / "acme-retail", target)
    reports = []
    absolute = ["--inventory", f"{target}/inventory/**/*.yaml",
                "--inventory", f"{target}/inventory/**/*.json"]  # fmt: skip
    for extra in ([], absolute):
        out = tmp_path / f"r{len(reports)}.json"
        env = dict(os.environ, DSAUDIT_DISABLE_PLUGIN_AUTOLOAD="1")
        proc = subprocess.run(
            [sys.executable, "-m", "dsaudit", "audit", str(target),
             "--fail-on", "never", "-q", "--format", "json", "-o", str(out), *extra],
            env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        reports.append(json.loads(out.read_text("utf-8")))
    default, expanded = ([(r["rule_id"], r["resource"]["id"], r["status"])
                          for r in report["results"]] for report in reports)  # fmt: skip
    assert expanded == default
    assert any(r["resource"]["kind"] == "dataset" for r in reports[1]["results"])
