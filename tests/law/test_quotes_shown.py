"""The verified quotes reach the reader: compiled onto the rule for the refs in force,
``dsaudit rules show``, the JSON report's rules, the Markdown and HTML findings, saved reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from projectkit import run

from dsaudit.core.models import VerifiedCitation
from dsaudit.reports.loader import audit_from_document

LOGS = "留存相关的网络日志不少于六个月"


def _audit(tmp_path: Path, fmt: str, as_of: str = "2026-06-01", *extra: str) -> str:
    target = tmp_path / "target"
    target.mkdir(exist_ok=True)
    (target / "app.yaml").write_text("logging:\n  retention_days: 30\n", "utf-8")
    out = tmp_path / f"report.{fmt}"
    run("audit", target, "--pack", "csl", "--pack", "incident", *extra, "--as-of", as_of,
        "--format", fmt, "-o", out, "--fail-on", "never", "-j", "1")  # fmt: skip
    return out.read_text("utf-8")


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (
            "2025-12-31",
            [{"law": "CSL", "article": "21", "clause": "3", "version": "2017", "quote": LOGS}],
        ),
        (
            "2026-01-01",
            [{"law": "CSL", "article": "23", "clause": "3", "version": "2026", "quote": LOGS}],
        ),
    ],
)
def test_json_rules_carry_the_quotes_of_the_refs_in_force(
    tmp_path: Path, as_of: str, expected: list[dict[str, Any]]
) -> None:
    document = json.loads(_audit(tmp_path, "json", as_of))
    assert document["format_version"] == "1.4"
    rules = {r["id"]: r for r in document["rules"]}
    assert rules["CSL-LOG-RETENTION"]["verified"] == expected
    assert rules["INC-GRADED"]["verified"] == []  # the Measures' text does not ship


def test_saved_report_keeps_quotes_and_one_without_them_loads(tmp_path: Path) -> None:
    document = json.loads(_audit(tmp_path, "json"))
    audit = audit_from_document(document)
    assert audit.rules["CSL-LOG-RETENTION"].verified == (
        VerifiedCitation("CSL", "23", LOGS, clause="3", version="2026"),
    )
    for rule in document["rules"]:
        del rule["verified"]  # a 1.1 report
    document["format_version"] = "1.1"
    assert audit_from_document(document).rules["CSL-LOG-RETENTION"].verified == ()


def test_markdown_and_html_show_the_quote_next_to_the_finding(tmp_path: Path) -> None:
    markdown = _audit(tmp_path, "markdown")
    row = next(line for line in markdown.splitlines() if "CSL-LOG-RETENTION" in line)
    assert f"<br>CSL Art. 23(3) (2026): “{LOGS}”" in row
    page = _audit(tmp_path, "html")
    assert f'CSL Art. 23(3) (2026): <q lang="zh-CN">{LOGS}</q>' in page


def test_rules_show_prints_the_quotes() -> None:
    result = run("rules", "show", "PIPL-PIA-RETENTION")
    assert result.exit_code == 0
    assert (
        "law text:    PIPL Art. 56: “个人信息保护影响评估报告和处理情况记录应当至少保存三年”\n"
        in (result.output)
    )


def _hostile_pack(root: Path) -> Path:
    pack = root / "hostile"
    (pack / "rules").mkdir(parents=True)
    manifest = {"name": "hostile", "version": "1.0.0", "jurisdiction": "CN", "law": "X",
                "instrument": {"title": "X", "effective": "2020-01-01"}}  # fmt: skip
    rule = {
        "id": "X-1", "title": "Hostile quote", "severity": "high",
        "refs": [{"law": "X", "article": "1"}],
        "verified": [{"law": "X", "article": "1", "quote": "<script>x</script> | *a* \x1b[31m"}],
        "applies_to": {"kind": "config"},
        "condition": {"path": "logging.retention_days", "gte": 999},
        "message": "m", "remediation": "r",
    }  # fmt: skip
    (pack / "pack.yaml").write_text(yaml.safe_dump(manifest), "utf-8")
    (pack / "rules" / "r.yaml").write_text(yaml.safe_dump({"rules": [rule]}), "utf-8")
    return pack


def test_quotes_are_escaped_at_the_output(tmp_path: Path) -> None:
    pack = _hostile_pack(tmp_path)
    markdown = _audit(tmp_path, "markdown", "2026-06-01", "--pack", str(pack))
    row = next(line for line in markdown.splitlines() if "X-1" in line)
    assert "&lt;script&gt;x&lt;/script&gt; \\| \\*a\\*" in row
    assert "<script>" not in markdown
    page = _audit(tmp_path, "html", "2026-06-01", "--pack", str(pack))
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page
    shown = run("rules", "show", "X-1", "--pack", str(pack))
    assert "\x1b" not in shown.output and "law text:    X Art. 1: “<script>" in shown.output


def test_sarif_rules_carry_the_quotes_in_help_and_properties(tmp_path: Path) -> None:
    log = json.loads(_audit(tmp_path, "sarif"))
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    rule = rules["CSL-LOG-RETENTION"]
    assert f"Law text: CSL Art. 23(3) (2026): “{LOGS}”" in rule["help"]["text"]
    assert f"> CSL Art. 23(3) (2026): “{LOGS}”" in rule["help"]["markdown"]
    assert rule["properties"]["verified"] == [
        {"law": "CSL", "article": "23", "clause": "3", "version": "2026", "quote": LOGS}
    ]
    assert "Law text" not in rules["INC-GRADED"]["help"]["text"]


def test_junit_failure_text_quotes_the_law(tmp_path: Path) -> None:
    xml = _audit(tmp_path, "junit")
    failure = xml.split('classname="csl.CSL-LOG-RETENTION"', 1)[1].split("</testcase>", 1)[0]
    assert f"law text: CSL Art. 23(3) (2026): “{LOGS}”" in failure


def test_csv_has_a_law_text_column(tmp_path: Path) -> None:
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(_audit(tmp_path, "csv"))))
    row = next(r for r in rows if r["rule_id"] == "CSL-LOG-RETENTION" and r["status"] == "fail")
    assert row["law_text"] == f"CSL Art. 23(3) (2026): “{LOGS}”"
    assert all(r["law_text"] == "" for r in rows if r["rule_id"] == "INC-GRADED")


def test_console_prints_the_law_text_under_the_finding(tmp_path: Path) -> None:
    text = _audit(tmp_path, "console")
    block = text.split("CSL-LOG-RETENTION", 1)[1]
    assert "law text" in block.split("finding", 1)[0]
    assert LOGS in " ".join(block.split())
