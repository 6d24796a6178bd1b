"""SARIF 2.1.0: schema-valid, carries what code scanning uses, respects its limits."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from dsaudit.core.models import AuditResult, Location, Result, Severity, Status
from dsaudit.reports.sarif import FINGERPRINT_KEY, REPORTER


@pytest.fixture
def validator(schemas_dir: Path) -> Draft4Validator:
    schema = json.loads((schemas_dir / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def _run(audit: AuditResult, **options: object) -> dict:
    return json.loads(REPORTER.render(audit, options))["runs"][0]


def test_validates_against_the_schema(audit: AuditResult, validator: Draft4Validator) -> None:
    log = json.loads(REPORTER.render(audit, {}))
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert log["version"] == "2.1.0"


def test_only_failing_waived_and_suppressed_results(audit: AuditResult) -> None:
    results = _run(audit)["results"]
    statuses = sorted(r["properties"]["status"] for r in results)
    assert statuses == ["fail", "fail", "fail", "fail", "fail", "suppressed", "waived"]


def test_rules_carry_code_scanning_metadata(audit: AuditResult) -> None:
    driver = _run(audit)["tool"]["driver"]
    rules = {rule["id"]: rule for rule in driver["rules"]}
    secrets = rules["CSL-SECRETS"]
    assert secrets["shortDescription"]["text"] == "No plaintext secrets in configuration"
    assert secrets["fullDescription"]["text"].startswith("No plaintext secrets in configuration.")
    assert "Remediation: Fix it" in secrets["help"]["text"]
    assert "**Remediation:**" in secrets["help"]["markdown"]
    assert secrets["helpUri"] == "https://dsaudit.example/rules/CSL-SECRETS"
    assert secrets["properties"]["security-severity"] == "9.5"
    assert secrets["defaultConfiguration"]["level"] == "error"
    assert {"CSL", "DSL", "compliance"} <= set(secrets["properties"]["tags"])
    assert rules["PIPL-54-AUDIT"]["properties"]["security-severity"] == "3.0"
    assert rules["DSL-21-CLASS"]["defaultConfiguration"]["level"] == "warning"
    assert driver["version"] == "0.1.0"


def test_results_locations_and_fingerprints(audit: AuditResult) -> None:
    run = _run(audit)
    rules = run["tool"]["driver"]["rules"]
    by_rule = {(r["ruleId"], r["properties"]["resource"]["id"]): r for r in run["results"]}
    config = by_rule[("CSL-21-LOGS", "configs/nginx/nginx.conf")]
    physical = config["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "configs/nginx/nginx.conf"
    assert physical["region"]["startLine"] == 7
    assert "logicalLocations" not in config["locations"][0]
    assert rules[config["ruleIndex"]]["id"] == "CSL-21-LOGS"
    assert config["level"] == "error"
    inventory = by_rule[("PIPL-38-XBORDER", "crm-to-sg")]
    logical = inventory["locations"][0]["logicalLocations"][0]
    assert logical == {
        "name": "crm-to-sg",
        "kind": "transfer",
        "fullyQualifiedName": "transfer/crm-to-sg",
    }
    assert inventory["message"]["text"].endswith("(PIPL Art. 38)")
    assert len(inventory["partialFingerprints"][FINGERPRINT_KEY]) == 32
    spaced = by_rule[("CSL-21-LOGS", "configs/legacy app/app.yaml")]
    assert spaced["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "configs/legacy%20app/app.yaml"
    )
    baselined = by_rule[("DSL-21-CLASS", "marketing")]
    assert baselined["baselineState"] == "unchanged"


def test_waived_and_suppressed_results_carry_suppressions(audit: AuditResult) -> None:
    results = {r["properties"]["status"]: r for r in _run(audit)["results"]}
    (waived,) = results["waived"]["suppressions"]
    assert waived["kind"] == "external"
    assert waived["justification"] == (
        "Archive is offline tape; migration scheduled (approved by Li Wei (DPO), until 2026-12-31)"
    )
    (suppressed,) = results["suppressed"]["suppressions"]
    assert suppressed["kind"] == "inSource"
    assert "legacy system" in suppressed["justification"]


def test_tool_errors_become_notifications(audit: AuditResult) -> None:
    invocation = _run(audit)["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    errors = [n for n in notes if n["level"] == "error"]
    assert [n["descriptor"]["id"] for n in errors] == [
        "DSAUDIT-PARSE",
        "DSAUDIT-PLUGIN",
        "DSAUDIT-RULE",
    ]
    assert errors[2]["associatedRule"]["id"] == "DSL-21-CLASS"
    assert invocation["startTimeUtc"] == "2026-01-15T08:00:00Z"
    warnings = [n["message"]["text"] for n in notes if n["level"] == "warning"]
    assert warnings == ["waiver W-2025-001 expired on 2025-12-31 and no longer applies"]


def test_successful_execution_without_errors(audit: AuditResult) -> None:
    audit.errors = []
    audit.results = [r for r in audit.results if r.status != Status.ERROR]
    assert _run(audit)["invocations"][0]["executionSuccessful"] is True


def test_reproducibility_metadata(audit: AuditResult) -> None:
    run = _run(audit)
    packs = {ext["name"]: ext for ext in run["tool"]["extensions"]}
    assert packs["cn-pipl"]["version"] == "1.2.0"
    assert packs["cn-pipl"]["properties"]["sha256"] == "a" * 64
    artifacts = {a["location"]["uri"]: a for a in run["artifacts"]}
    assert artifacts["configs/app.yaml"]["hashes"]["sha-256"] == "e" * 64
    assert run["properties"]["dsaudit"]["parameters"] == {"CSL-21-LOGS": {"min_days": 180}}


def _many(count: int) -> list[Result]:
    severities = [Severity.LOW, Severity.CRITICAL, Severity.MEDIUM]
    return [
        Result(
            "CSL-21-LOGS",
            Status.FAIL,
            severities[i % 3],
            "config",
            f"configs/app{i:05d}.yaml",
            message="log retention is 30 days; at least 180 required",
            location=Location(f"configs/app{i:05d}.yaml", 3),
            pack="cn-csl",
        )
        for i in range(count)
    ]


@pytest.mark.slow
def test_caps_results_at_25000_keeping_the_most_severe(
    audit: AuditResult, validator: Draft4Validator
) -> None:
    audit.results = _many(25_001)
    log = json.loads(REPORTER.render(audit, {}))
    run = log["runs"][0]
    assert len(run["results"]) == 25_000
    kept_levels = [r["properties"]["severity"] for r in run["results"]]
    # 25,001 results: 8,334 low, 8,334 critical, 8,333 medium; the one dropped is a low one.
    assert kept_levels.count("critical") == 8_334
    assert kept_levels.count("medium") == 8_333
    assert kept_levels.count("low") == 8_334 - 1
    (warning,) = REPORTER.last_warnings
    assert "25001 results exceed code scanning's limit of 25,000 results per run" in warning
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any(n["message"]["text"] == warning for n in notes)
    assert not list(
        validator.iter_errors({**log, "runs": [{**run, "results": run["results"][:5]}]})
    )


def test_caps_gzipped_size(audit: AuditResult) -> None:
    audit.results = _many(300)
    text = REPORTER.render(audit, {"max_gzip_bytes": 8_000})
    assert len(gzip.compress(text.encode("utf-8"), mtime=0)) <= 8_000
    results = json.loads(text)["runs"][0]["results"]
    assert 0 < len(results) < 300
    # The kept results are the most severe ones: a prefix of the report order.
    ranks = {"critical": 0, "medium": 1, "low": 2}
    kept = [ranks[r["properties"]["severity"]] for r in results]
    assert kept == sorted(kept)
    assert kept.count(0) == min(len(kept), 100)
    assert any("gzipped bytes" in w for w in REPORTER.last_warnings)


def test_no_warning_within_limits(audit: AuditResult) -> None:
    REPORTER.render(audit, {})
    assert REPORTER.last_warnings == ()


def test_every_result_has_a_physical_location(audit: AuditResult) -> None:
    """Code scanning rejects the whole file when one result lacks a physical location."""
    target = next(r for r in audit.results if r.rule_id == "PIPL-38-XBORDER")
    target.location = Location()
    results = _run(audit)["results"]
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results)
    moved = next(r for r in results if r["properties"]["resource"]["id"] == "crm-to-sg")
    location = moved["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "inventory/datasets.yaml"
    assert location["physicalLocation"]["region"] == {"startLine": 1}
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "transfer/crm-to-sg"
