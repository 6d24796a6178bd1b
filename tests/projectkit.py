"""Tiny audit projects built in ``tmp_path`` and run through the real CLI.

Shared by the CI-gating tests (exit codes, waivers, baselines, suppressions, init). A project is
a folder with a rule pack (``pack/``), an inventory (``inventory/*.yaml``) and config files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner, Result

from dsaudit.cli.app import cli

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The repository root: tests find the packs, samples and docs from here."""

AS_OF = "2026-06-01"

PACK_MANIFEST = {
    "name": "kit",
    "version": "1.0.0",
    "jurisdiction": "CN",
    "law": "KIT",
    "instrument": {"title": "Test instrument", "effective": "2020-01-01"},
    "description": "Rules for the CI-gating tests.",
}


def retention_rule(rule_id: str, severity: str, max_days: int = 365) -> dict[str, Any]:
    """A dataset rule: ``retention_days`` must be at most ``max_days``."""
    return {
        "id": rule_id,
        "title": f"Retention at most {max_days} days",
        "severity": severity,
        "refs": [{"law": "KIT", "article": "1"}],
        "applies_to": {"kind": "dataset"},
        "condition": {"path": "retention_days", "lte": max_days},
        "message": "Dataset {resource} is kept {value} days.",
        "remediation": "Keep it shorter.",
    }


def tls_rule(rule_id: str = "KIT-TLS", severity: str = "high") -> dict[str, Any]:
    """A config rule: any ``tls_min_version`` must be TLS 1.2 or newer."""
    return {
        "id": rule_id,
        "title": "TLS 1.2 or newer",
        "severity": severity,
        "refs": [{"law": "KIT", "article": "2"}],
        "applies_to": {
            "kind": "config",
            "when": {"path": "**.tls_min_version", "match": "any", "exists": True},
        },
        "condition": {"path": "**.tls_min_version", "tls_version_gte": "1.2"},
        "message": "{path} allows {value}.",
        "remediation": "Require TLS 1.2.",
    }


def write_pack(root: Path, rules: Sequence[dict[str, Any]]) -> Path:
    """Write ``root/pack`` with ``rules`` and return its path."""
    pack = root / "pack"
    (pack / "rules").mkdir(parents=True, exist_ok=True)
    (pack / "pack.yaml").write_text(yaml.safe_dump(PACK_MANIFEST, sort_keys=False), "utf-8")
    (pack / "rules" / "rules.yaml").write_text(
        yaml.safe_dump({"rules": list(rules)}, sort_keys=False), "utf-8"
    )
    return pack


def write_inventory(root: Path, datasets: Sequence[dict[str, Any]], name: str = "main") -> Path:
    """Write ``root/inventory/<name>.yaml`` with an organization and ``datasets``."""
    folder = root / "inventory"
    folder.mkdir(parents=True, exist_ok=True)
    doc: dict[str, Any] = {"version": 1, "datasets": list(datasets)}
    if name == "main":
        doc = {"version": 1, "organization": {"name": "Kit Co"}, "datasets": list(datasets)}
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def run(*args: str | Path) -> Result:
    """Invoke the real ``dsaudit`` CLI (no plugin autoload from the environment)."""
    runner = CliRunner()
    return runner.invoke(
        cli,
        [str(a) for a in args],
        catch_exceptions=False,
        env={"DSAUDIT_DISABLE_PLUGIN_AUTOLOAD": "1", "SOURCE_DATE_EPOCH": "1780000000"},
    )


def cli_process(
    *args: str | Path, cwd: Path | None = None, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """``python -m dsaudit ARGS`` in a subprocess (a hang or crash fails the test, not the run).

    Plugin autoload is off and the clock fixed unless ``env`` says otherwise; output is text,
    undecodable bytes kept as surrogate escapes.
    """
    environment = dict(os.environ, DSAUDIT_DISABLE_PLUGIN_AUTOLOAD="1",
                       SOURCE_DATE_EPOCH="1780000000", **env)  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "dsaudit", *map(str, args)], cwd=cwd, env=environment,
        capture_output=True, text=True, errors="surrogateescape", timeout=timeout, check=False,
    )  # fmt: skip


def audit(root: Path, *args: str | Path) -> Result:
    """``dsaudit audit ROOT --pack ROOT/pack --as-of AS_OF ARGS...``."""
    return run("audit", root, "--pack", root / "pack", "--as-of", AS_OF, *args)


def audit_json(root: Path, *args: str | Path) -> tuple[int, dict[str, Any]]:
    """Run an audit with a JSON report and return ``(exit code, report)``."""
    out = root.parent / f"{root.name}-report.json"
    result = audit(root, "--format", "json", "--output", out, "-q", *args)
    assert out.is_file(), result.output
    return result.exit_code, json.loads(out.read_text("utf-8"))


def results_of(report: dict[str, Any], rule_id: str | None = None) -> list[dict[str, Any]]:
    """The report's results (of one rule)."""
    return [r for r in report["results"] if rule_id is None or r["rule_id"] == rule_id]
