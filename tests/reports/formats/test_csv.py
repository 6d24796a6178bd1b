"""CSV: one row per result, documented header, formula injection neutralized."""

from __future__ import annotations

import csv
import io

import pytest
from projectkit import REPO_ROOT

from dsaudit.core.models import AuditResult, Evidence
from dsaudit.reports.csv_report import COLUMNS, REPORTER, neutralize_formula


def _rows(audit: AuditResult) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(REPORTER.render(audit, {}))))


def test_header_and_one_row_per_result(audit: AuditResult) -> None:
    text = REPORTER.render(audit, {})
    assert text.splitlines()[0] == ",".join(COLUMNS)
    rows = _rows(audit)
    assert len(rows) == len(audit.results) + len(audit.errors)
    assert [r["rule_id"] for r in rows[-2:]] == ["DSAUDIT-PARSE", "DSAUDIT-PLUGIN"]


def test_row_content(audit: AuditResult) -> None:
    rows = {(r["rule_id"], r["resource_id"]): r for r in _rows(audit)}
    waived = rows[("PIPL-51-ENC", "logs-archive")]
    assert waived["waiver_approver"] == "Li Wei (DPO)"
    assert waived["waiver_until"] == "2026-12-31"
    assert waived["articles"] == "PIPL Art. 51(3)"
    logs = rows[("CSL-21-LOGS", "configs/nginx/nginx.conf")]
    assert (logs["file"], logs["line"]) == ("configs/nginx/nginx.conf", "7")
    assert logs["evidence"] == "/http/access_log/retention_days=90"
    assert rows[("CSL-SECRETS", "configs/app.yaml")]["laws"] == "CSL; DSL"


def test_every_column_is_documented() -> None:

    docs = (REPO_ROOT / "docs" / "reports.md").read_text("utf-8")
    missing = [c for c in COLUMNS if f"`{c}`" not in docs]
    assert not missing


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralize_formula(cell: str, expected: str) -> None:
    assert neutralize_formula(cell) == expected


def test_formula_injection_in_results(audit: AuditResult) -> None:
    audit.results[0].resource_id = "=cmd|' /C calc'!A0"
    audit.results[0].evidence = (Evidence("/name", "@SUM(1+1)*cmd"),)
    rows = _rows(audit)
    cells = [cell for row in rows for cell in row.values()]
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert any(cell == "'=cmd|' /C calc'!A0" for cell in cells)
