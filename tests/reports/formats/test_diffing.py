"""dsaudit diff: new, fixed and unchanged findings by fingerprint."""

from __future__ import annotations

import json
from dataclasses import replace

from dsaudit.core.models import AuditResult, Location, Result, Severity, Status
from dsaudit.reports.diffing import (
    diff_reports,
    render_diff_json,
    render_diff_markdown,
    render_diff_text,
)


def _changed(make_audit) -> tuple[AuditResult, AuditResult]:
    old, new = make_audit(), make_audit()
    # Fixed: the nginx log retention finding now passes.
    for result in new.results:
        if result.rule_id == "CSL-21-LOGS" and result.resource_id == "configs/nginx/nginx.conf":
            result.status = Status.PASS
    # Fixed: the customers finding is now waived.
    for result in new.results:
        if result.resource_id == "customers":
            result.status = Status.WAIVED
    # Unchanged although its line moved: fingerprints ignore lines.
    for result in new.results:
        if result.rule_id == "CSL-SECRETS":
            result.location = replace(result.location, line=40)
    # New: a high and a low failure.
    new.results.append(
        Result(
            "DSL-30-RISK",
            Status.FAIL,
            Severity.HIGH,
            "dataset",
            "payroll",
            message="no risk assessment on file",
            location=Location("inventory/datasets.yaml", 90),
            pack="cn-dsl",
        )
    )
    new.results.append(
        Result("PIPL-54-AUDIT", Status.FAIL, Severity.LOW, "organization", "acme", pack="cn-pipl")
    )
    return old, new


def test_new_fixed_unchanged(make_audit) -> None:
    diff = diff_reports(*_changed(make_audit))
    assert [(r.rule_id, r.resource_id) for r in diff.new] == [
        ("DSL-30-RISK", "payroll"),
        ("PIPL-54-AUDIT", "acme"),
    ]
    assert sorted((r.rule_id, r.resource_id) for r in diff.fixed) == [
        ("CSL-21-LOGS", "configs/nginx/nginx.conf"),
        ("PIPL-51-ENC", "customers"),
    ]
    assert sorted(diff.resolution.values()) == ["pass", "waived"]
    unchanged = {(r.rule_id, r.resource_id) for r in diff.unchanged}
    assert ("CSL-SECRETS", "configs/app.yaml") in unchanged
    assert ("DSAUDIT-PARSE", "configs/broken.yaml") in unchanged
    assert len(diff.unchanged) == 6


def test_gone_findings_are_fixed(make_audit) -> None:
    old, new = make_audit(), make_audit()
    new.results = [r for r in new.results if r.rule_id != "PIPL-38-XBORDER"]
    diff = diff_reports(old, new)
    assert [r.rule_id for r in diff.fixed] == ["PIPL-38-XBORDER"]
    assert list(diff.resolution.values()) == ["gone"]


def test_identical_reports(make_audit) -> None:
    diff = diff_reports(make_audit(), make_audit())
    assert (len(diff.new), len(diff.fixed)) == (0, 0)
    assert diff.new_failing("info") == []


def test_new_failing_threshold(make_audit) -> None:
    diff = diff_reports(*_changed(make_audit))
    assert [r.rule_id for r in diff.new_failing("high")] == ["DSL-30-RISK"]
    assert len(diff.new_failing("low")) == 2
    assert diff.new_failing("critical") == []
    assert diff.new_failing("never") == []


def test_renderers(make_audit) -> None:
    diff = diff_reports(*_changed(make_audit))
    text = render_diff_text(diff)
    assert text.splitlines()[0] == "dsaudit diff: 2 new, 2 fixed, 6 unchanged"
    assert "  [high] DSL-30-RISK dataset/payroll inventory/datasets.yaml:90:" in text
    assert "-> now pass" in text
    markdown = render_diff_markdown(diff)
    assert markdown.startswith("## dsaudit diff: 2 new, 2 fixed, 6 unchanged\n")
    assert "### New findings (2)" in markdown
    assert "<summary>Unchanged findings (6)</summary>" in markdown
    document = json.loads(render_diff_json(diff))
    assert document["format"] == "dsaudit-diff"
    assert document["summary"] == {"new": 2, "fixed": 2, "unchanged": 6}
    assert {f["now"] for f in document["fixed"]} == {"pass", "waived"}
    assert "zh****************om" in json.dumps(document)


def test_markdown_diff_is_capped(make_audit) -> None:
    old, new = make_audit(), make_audit()
    new.results += [
        Result(
            "DSL-30-RISK",
            Status.FAIL,
            Severity.HIGH,
            "dataset",
            f"dataset-{i:05d}",
            message="no risk assessment on file " + "x" * 80,
            pack="cn-dsl",
        )
        for i in range(1_500)
    ]
    text = render_diff_markdown(diff_reports(old, new), max_chars=20_000)
    assert len(text) <= 20_000
    assert text.count("<details>") == text.count("</details>")
    shown = text.count("| high | `DSL-30-RISK`")
    assert 0 < shown < 1_500
    # The 8 unchanged findings do not fit either once the new ones filled the comment.
    assert f"> **Truncated:** {1_500 - shown + 8} finding(s) not shown" in text
