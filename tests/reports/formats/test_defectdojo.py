"""DefectDojo Generic Findings Import JSON: waivers are accepted risks, never false positives."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from projectkit import REPO_ROOT

from dsaudit.core.models import AuditResult
from dsaudit.reports.defectdojo import FINDING_KEYS, REPORTER, SEVERITY

# What DefectDojo's parser (dojo/tools/generic/json_parser.py, GenericJSONParser) requires and
# allows in a finding; any other key makes it refuse the whole file.
DOJO_REQUIRED = {"title", "severity", "description"}
DOJO_ALLOWED = DOJO_REQUIRED | {
    "date", "cwe", "cve", "epss_score", "epss_percentile", "cvssv3", "cvssv3_score", "cvssv4",
    "cvssv4_score", "mitigation", "impact", "steps_to_reproduce", "severity_justification",
    "references", "active", "verified", "false_p", "out_of_scope", "risk_accepted",
    "under_review", "is_mitigated", "thread_id", "mitigated", "numerical_severity", "param",
    "payload", "line", "file_path", "component_name", "component_version", "static_finding",
    "dynamic_finding", "scanner_confidence", "unique_id_from_tool", "vuln_id_from_tool",
    "sast_source_object", "sast_sink_object", "sast_source_line", "sast_source_file_path",
    "nb_occurences", "publish_date", "service", "planned_remediation_date",
    "planned_remediation_version", "effort_for_fixing", "tags", "kev_date", "known_exploited",
    "ransomware_used", "fix_available", "fix_version", "endpoints", "files", "vulnerability_ids",
}  # fmt: skip
FLAGS = ("active", "verified", "false_p", "risk_accepted", "under_review", "out_of_scope",
         "is_mitigated", "static_finding", "dynamic_finding")  # fmt: skip
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _document(audit: AuditResult) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(REPORTER.render(audit, {}))
    return document


def _by_rule(audit: AuditResult) -> dict[tuple[str, str], dict[str, Any]]:
    findings = _document(audit)["findings"]
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for finding in findings:
        resource = finding["title"].rsplit("[", 1)[1].rstrip("]")
        out[(finding["vuln_id_from_tool"], resource)] = finding
    return out


def check_importable(document: dict[str, Any]) -> None:
    """What DefectDojo's generic JSON parser checks, plus the types its Finding fields take."""
    assert set(document) <= {"name", "type", "version", "description", "static_tool", "findings"}
    assert isinstance(document["findings"], list)
    for finding in document["findings"]:
        assert set(finding) >= DOJO_REQUIRED, finding
        assert set(finding) <= DOJO_ALLOWED and set(finding) <= FINDING_KEYS, finding
        assert finding["severity"] in {"Critical", "High", "Medium", "Low", "Info"}
        assert all(isinstance(finding[f], bool) for f in FLAGS if f in finding)
        assert isinstance(finding["title"], str) and 0 < len(finding["title"]) <= 511
        assert isinstance(finding["unique_id_from_tool"], str) and finding["unique_id_from_tool"]
        assert all(isinstance(t, str) and t and " " not in t for t in finding["tags"])
        assert isinstance(finding.get("line", 1), int)
        for key in ("date", "planned_remediation_date"):
            if key in finding:
                assert ISO_DATE.match(finding[key])
                dt.date.fromisoformat(finding[key])
        assert not (finding["false_p"] and finding["risk_accepted"])


def test_the_document_is_importable(audit: AuditResult) -> None:
    check_importable(_document(audit))
    assert set(FINDING_KEYS) <= DOJO_ALLOWED


def test_only_findings_are_exported(audit: AuditResult) -> None:
    findings = _document(audit)["findings"]
    expected = [r for r in audit.results
                if str(r.status) in {"fail", "waived", "suppressed"}
                or (str(r.status) == "pass" and not r.assured)]  # fmt: skip
    assert len(findings) == len(expected)
    assert {f["unique_id_from_tool"] for f in findings} == {r.fingerprint for r in expected}
    assert not any(f["vuln_id_from_tool"].startswith("DSAUDIT-") for f in findings)


def test_a_waiver_is_an_accepted_risk_with_approver_and_expiry(audit: AuditResult) -> None:
    waived = _by_rule(audit)[("PIPL-51-ENC", "dataset/logs-archive")]
    assert waived["risk_accepted"] is True
    assert waived["false_p"] is False
    assert waived["active"] is False
    assert waived["verified"] is True
    assert waived["planned_remediation_date"] == "2026-12-31"
    assert "Approved by: Li Wei (DPO)" in waived["description"]
    assert "Expires: 2026-12-31" in waived["description"]
    assert "Waiver: W-2026-007" in waived["description"]
    assert "waived" in waived["tags"]
    assert waived["severity"] == "High"


def test_failures_suppressions_and_baselined(audit: AuditResult) -> None:
    findings = _by_rule(audit)
    statuses = {str(r.status) for r in audit.results}
    assert {"fail", "suppressed"} <= statuses
    for result in audit.results:
        finding = next((f for f in findings.values()
                        if f["unique_id_from_tool"] == result.fingerprint), None)  # fmt: skip
        if str(result.status) == "fail":
            assert finding is not None
            assert (finding["active"], finding["verified"]) == (True, True)
            assert (finding["risk_accepted"], finding["false_p"]) == (False, False)
            assert ("baselined" in finding["tags"]) is result.baselined
            assert ("Baselined:" in finding["description"]) is result.baselined
        elif str(result.status) == "suppressed":
            assert finding is not None
            assert finding["active"] is True and finding["under_review"] is True
            assert (finding["risk_accepted"], finding["false_p"]) == (False, False)
            assert "legacy system, decommissioned in Q2" in finding["description"]
            assert "no approver on record" in finding["description"]
    assert any(r.baselined for r in audit.results)


def test_severity_and_location(audit: AuditResult) -> None:
    assert set(SEVERITY.values()) == {"Critical", "High", "Medium", "Low", "Info"}
    logs = [f for (rule, _), f in _by_rule(audit).items() if rule == "CSL-21-LOGS"]
    located = [f for f in logs if f.get("file_path") == "configs/nginx/nginx.conf"]
    assert located and located[0]["line"] == 7


def test_an_incomplete_audit_says_so(audit: AuditResult) -> None:
    document = _document(audit)
    assert "Incomplete audit: " in document["description"]
    assert REPORTER.last_warnings and "error result(s)" in REPORTER.last_warnings[0]


def test_end_to_end_on_the_acme_sample(tmp_path) -> None:
    from click.testing import CliRunner

    from dsaudit.cli.app import cli

    out = tmp_path / "dojo.json"
    target = REPO_ROOT / "sample_configs" / "acme-retail"
    result = CliRunner().invoke(
        cli, ["audit", str(target), "--format", f"defectdojo={out}", "--fail-on", "never", "-q"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text("utf-8"))
    check_importable(document)
    accepted = [f for f in document["findings"] if f["risk_accepted"]]
    assert accepted and all(not f["false_p"] and not f["active"] for f in accepted)
    assert all("Approved by: " in f["description"] for f in accepted)
    assert not any(f["false_p"] for f in document["findings"])


def test_documented() -> None:
    docs = (REPO_ROOT / "docs" / "reports.md").read_text("utf-8")
    assert "## DefectDojo" in docs
    for key in ("risk_accepted", "false_p", "unique_id_from_tool", "planned_remediation_date"):
        assert f"`{key}`" in docs


def test_a_long_title_is_cut_to_what_defectdojo_holds(audit: AuditResult) -> None:
    import dataclasses

    long_id = "x" * 600
    audit.results = [dataclasses.replace(r, resource_id=long_id) for r in audit.results]
    for finding in _document(audit)["findings"]:
        assert len(finding["title"]) == 511 and finding["title"].endswith("…")
