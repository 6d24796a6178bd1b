"""The JSON report: shape, summary, documentation, and the loader's round trip and errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from projectkit import REPO_ROOT

from dsaudit.core.errors import ConfigError, UsageError
from dsaudit.core.models import AuditResult, Status
from dsaudit.reports import BUILTIN_REPORTERS
from dsaudit.reports.json_report import REPORTER
from dsaudit.reports.loader import load_report, render_saved

DOCS = REPO_ROOT / "docs" / "json-report.md"


def _document(audit: AuditResult) -> dict:
    return json.loads(REPORTER.render(audit, {}))


def test_top_level_shape(audit: AuditResult) -> None:
    document = _document(audit)
    assert document["format"] == "dsaudit-report"
    assert document["format_version"] == "1.4"
    assert sorted(document) == [
        "errors",
        "format",
        "format_version",
        "metadata",
        "results",
        "rules",
        "summary",
        "waivers",
        "warnings",
    ]
    assert len(document["results"]) == len(audit.results)
    assert [e["rule_id"] for e in document["errors"]] == ["DSAUDIT-PARSE", "DSAUDIT-PLUGIN"]
    assert [r["id"] for r in document["rules"]] == sorted(audit.rules)


def test_summary_counts(audit: AuditResult) -> None:
    summary = _document(audit)["summary"]
    assert summary["total"] == 16  # every result evaluated: the not-applicable one counted too
    assert summary["listed"] == 15
    assert summary["by_status"] == {
        "fail": 5,
        "error": 3,
        "manual": 1,
        "waived": 1,
        "suppressed": 1,
        "pass": 3,
        # one not-applicable result plus one counted by the engine in metadata.not_applicable
        "not_applicable": 2,
    }
    assert summary["by_severity"] == {"critical": 2, "high": 2, "medium": 1, "low": 0, "info": 0}
    pipl = summary["by_law"]["PIPL"]
    assert (pipl["pass"], pipl["fail"], pipl["pass_rate"]) == (2, 2, 0.5)
    assert pipl["score"] == 0.3182  # weighted: 2 passes against a critical and a high failure
    assert (pipl["failing_critical"], pipl["failing_high"]) == (1, 1)
    # CSL-SECRETS cites CSL and DSL: it counts for both laws.
    assert summary["by_law"]["DSL"]["fail"] == 2
    assert summary["posture"] == "incomplete"


def test_results_are_in_report_order(audit: AuditResult) -> None:
    results = _document(audit)["results"]
    ranks = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}
    keys = [(-ranks[r["severity"]], r["rule_id"], r["resource"]["kind"]) for r in results]
    assert keys == sorted(keys)


def test_result_record_fields(audit: AuditResult) -> None:
    results = _document(audit)["results"]
    waived = next(r for r in results if r["status"] == "waived")
    assert waived["waiver"]["expires"] == "2026-12-31"
    assert waived["refs"] == [
        {"law": "PIPL", "article": "51", "clause": "3", "former_article": None}
    ]
    assert waived["resource"] == {"kind": "dataset", "id": "logs-archive"}
    assert re.fullmatch(r"[0-9a-f]{32}", waived["fingerprint"])
    suppressed = next(r for r in results if r["status"] == "suppressed")
    assert suppressed["suppression"].startswith("dsaudit: ignore[CSL-21-LOGS]")
    assert any(r["baselined"] for r in results)


def test_every_emitted_field_is_documented(audit: AuditResult) -> None:
    document = _document(audit)
    documented = set(re.findall(r"`([a-z_]+)`", DOCS.read_text(encoding="utf-8")))
    keys: set[str] = set(document)
    for section in ("results", "errors", "rules"):
        for item in document[section]:
            keys |= _keys(item)
    keys |= set(document["summary"]) | set(document["summary"]["by_law"]["PIPL"])
    keys |= set(document["metadata"])
    missing = sorted(keys - documented)
    assert not missing, f"fields missing from docs/json-report.md: {missing}"


_FREE_FORM = {"params", "param_defaults", "parameters", "waiver"}
"""Fields whose keys are user data (rule parameters, waiver file fields), not the format."""


def _keys(item: object) -> set[str]:
    if isinstance(item, dict):
        found = set(item)
        for key, value in item.items():
            if key not in _FREE_FORM:
                found |= _keys(value)
        return found
    if isinstance(item, list):
        return set().union(*(_keys(v) for v in item)) if item else set()
    return set()


def test_round_trip_is_exact(audit: AuditResult, tmp_path: Path) -> None:
    saved = tmp_path / "result.json"
    saved.write_text(REPORTER.render(audit, {}), encoding="utf-8")
    loaded = load_report(saved)
    assert REPORTER.render(loaded, {}) == saved.read_text(encoding="utf-8")
    assert {r.fingerprint for r in loaded.results} == {r.fingerprint for r in audit.results}
    assert loaded.rules["CSL-21-LOGS"].refs[0].former_article == "21"


@pytest.mark.parametrize("reporter", BUILTIN_REPORTERS, ids=lambda r: r.name)
def test_render_saved_matches_a_direct_render(
    reporter: object, audit: AuditResult, make_audit, tmp_path: Path
) -> None:
    saved = tmp_path / "result.json"
    saved.write_text(REPORTER.render(audit, {}), encoding="utf-8")
    assert render_saved(saved, reporter.name) == reporter.render(make_audit(), {})


def test_loaded_rules_cannot_be_evaluated(audit: AuditResult, tmp_path: Path) -> None:
    saved = tmp_path / "result.json"
    saved.write_text(REPORTER.render(audit, {}), encoding="utf-8")
    rule = load_report(saved).rules["PIPL-51-ENC"]
    with pytest.raises(UsageError, match="PIPL-51-ENC was loaded from a saved report"):
        rule.condition({}, None)


def test_render_saved_unknown_format(audit: AuditResult, tmp_path: Path) -> None:
    saved = tmp_path / "result.json"
    saved.write_text(REPORTER.render(audit, {}), encoding="utf-8")
    with pytest.raises(
        UsageError, match="unknown report format 'pdf'; choose one of: csv, defectdojo, html"
    ):
        render_saved(saved, "pdf")


def _broken(document: dict, where: str, value: object) -> dict:
    target = document
    parts = where.strip("/").split("/")
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    last = parts[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return document


BAD_DOCUMENTS = [
    ("/format", "sarif", "not a dsaudit JSON report"),
    ("/format_version", "2.0", "unsupported report version '2.0'"),
    ("/results/0/status", "failed", "/results/0/status: 'failed' is not one of: pass, fail"),
    ("/results/1/resource", None, "/results/1/resource: expected an object, found null"),
    ("/rules/0/refs/0/article", 51, "/rules/0/refs/0/article: expected a string, found a number"),
    ("/errors/0/location/line", "4", "/errors/0/location/line: expected an integer"),
    ("/warnings", "oops", "/warnings: expected an array, found a string"),
]


@pytest.mark.parametrize(
    ("where", "value", "message"), BAD_DOCUMENTS, ids=[b[0] for b in BAD_DOCUMENTS]
)
def test_loader_names_file_and_pointer(
    audit: AuditResult, tmp_path: Path, where: str, value: object, message: str
) -> None:
    document = _broken(_document(audit), where, value)
    saved = tmp_path / "bad.json"
    saved.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_report(saved)
    assert str(info.value).startswith(f"{saved.as_posix()}: ")
    assert message in str(info.value)


def test_loader_reports_json_syntax_errors_with_line(tmp_path: Path) -> None:
    saved = tmp_path / "bad.json"
    saved.write_text('{\n  "format": "dsaudit-report",\n  "results": [,]\n}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.json:3: not valid JSON: Expecting value"):
        load_report(saved)


def test_loader_reports_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.json: cannot read report"):
        load_report(tmp_path / "missing.json")


def test_loader_accepts_a_later_minor_version(audit: AuditResult, tmp_path: Path) -> None:
    document = _document(audit)
    document["format_version"] = "1.7"
    document["results"][0]["added_in_1_7"] = {"anything": True}
    saved = tmp_path / "newer.json"
    saved.write_text(json.dumps(document), encoding="utf-8")
    loaded = load_report(saved)
    assert loaded.results[0].status == Status.FAIL
