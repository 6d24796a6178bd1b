"""``dsaudit report`` renders saved JSON; ``dsaudit diff`` compares two reports by fingerprint."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from dsaudit.cli.app import cli

Tree = Callable[[dict[str, str | bytes]], Path]


def _audit(runner: CliRunner, target: Path, out: Path) -> None:
    result = runner.invoke(
        cli, ["audit", str(target), "--pack", "csl", "--as-of", "2026-06-01", "-q", "-o", str(out)]
    )
    assert result.exit_code in (0, 1), result.output


def test_report_renders_every_format_from_saved_json(
    make_tree: Tree, runner: CliRunner, tmp_path: Path
) -> None:
    target = make_tree({"logging.yaml": "logging:\n  retention_days: 30\n"})
    saved = tmp_path / "r.json"
    _audit(runner, target, saved)
    markers = [
        ("markdown", "CSL-LOG-RETENTION"),
        ("sarif", '"version": "2.1.0"'),
        ("junit", "<testsuites"),
        ("csv", "rule_id"),
        ("html", "<html"),
    ]
    for fmt, marker in markers:
        out = tmp_path / f"r.{fmt}"
        result = runner.invoke(cli, ["report", str(saved), "--format", fmt, "--output", str(out)])
        assert result.exit_code == 0, result.output
        assert marker in out.read_text(encoding="utf-8")


def test_report_refuses_unknown_format_and_bad_json(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = runner.invoke(cli, ["report", str(bad), "--format", "json"])
    assert result.exit_code == 2 and "bad.json" in result.output


def test_diff_reports_new_and_fixed_findings(
    make_tree: Tree, runner: CliRunner, tmp_path: Path
) -> None:
    target = make_tree({"a.yaml": "logging:\n  retention_days: 30\n"})
    old = tmp_path / "old.json"
    _audit(runner, target, old)
    (target / "a.yaml").write_text("logging:\n  retention_days: 365\n", encoding="utf-8")
    (target / "b.yaml").write_text("logging:\n  retention_days: 7\n", encoding="utf-8")
    new = tmp_path / "new.json"
    _audit(runner, target, new)
    result = runner.invoke(cli, ["diff", str(old), str(new), "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert [f["resource"]["id"] for f in data["new"]] == ["b.yaml"]
    assert [f["resource"]["id"] for f in data["fixed"]] == ["a.yaml"]
    quiet = runner.invoke(cli, ["diff", str(old), str(new), "--fail-on", "never"])
    assert quiet.exit_code == 0
