"""Markdown PR comment: summary, failures grouped by law, escaping, the GitHub length cap."""

from __future__ import annotations

from dsaudit.core.models import AuditResult, Location, Result, Severity, Status
from dsaudit.reports.markdown import MAX_CHARS, REPORTER


def test_summary_and_groups(audit: AuditResult) -> None:
    text = REPORTER.render(audit, {})
    assert text.startswith("## dsaudit compliance report: ⚠️ incomplete (errors)\n")
    assert "| count | 2 | 2 | 1 | 0 | 0 |" in text
    assert "| PIPL | 32% | 1 | 1 | 2 | 2 | 1 | 0 | 1 |" in text
    assert "<summary><b>CSL</b>: 2 failing</summary>" in text
    assert "<summary><b>PIPL</b>: 2 failing</summary>" in text
    assert "<summary><b>Errors</b>: 3 errors (audit incomplete)</summary>" in text
    assert "<summary><b>Accepted risks</b>: 2 accepted (waived or suppressed)</summary>" in text
    assert text.count("<details>") == text.count("</details>") == 5
    assert REPORTER.last_warnings == ()


def test_cells_are_escaped(audit: AuditResult) -> None:
    text = REPORTER.render(audit, {})
    assert "(contact &lt;b&gt;ops&lt;/b&gt; &amp; legal)" in text
    assert "<b>ops</b>" not in text
    assert "dsaudit\\_audit\\_finished" in text


def _many(count: int) -> list[Result]:
    return [
        Result(
            "PIPL-51-ENC",
            Status.FAIL,
            Severity.HIGH,
            "dataset",
            f"dataset-{i:05d}",
            message="dataset is not encrypted at rest " + "x" * 100,
            location=Location("inventory/datasets.yaml", i + 1),
            pack="cn-pipl",
        )
        for i in range(count)
    ]


def test_long_reports_are_capped_for_github(audit: AuditResult) -> None:
    audit.results = _many(2_000)
    text = REPORTER.render(audit, {})
    assert len(text.encode("utf-16-le")) // 2 <= MAX_CHARS
    assert "> **Truncated:**" in text
    assert text.count("<details>") == text.count("</details>")
    shown = text.count("| high | `PIPL-51-ENC`")
    assert 0 < shown < 2_000
    (warning,) = REPORTER.last_warnings
    assert warning.startswith(f"markdown: {2_000 - shown + 2} result(s) left out")


def test_custom_cap(audit: AuditResult) -> None:
    text = REPORTER.render(audit, {"max_chars": 2_500})
    assert len(text) <= 2_500
    assert "> **Truncated:**" in text


def test_compliant_audit(audit: AuditResult) -> None:
    audit.results = [r for r in audit.results if r.status == Status.PASS]
    audit.errors = []
    text = REPORTER.render(audit, {})
    assert text.startswith("## dsaudit compliance report: ✅ compliant\n")
    assert "<details>" not in text
