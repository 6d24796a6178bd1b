"""A parameter looser than the law: every result of its rule is not assured, in every format.

Real audits of a config tree with the shipped CSL log-retention rule (legal minimum six calendar
months, which from some start days last 184 days), at the boundary: an override equal to the
legal value, or 184 days, is not looser, 183 days is, a stricter one is assured.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from dsaudit.audit import run_audit
from dsaudit.cli.outcome import ExitCode, exit_code
from dsaudit.core.errors import ConfigError, RuleCompileError
from dsaudit.core.models import AuditResult, Status
from dsaudit.project.config import ProjectConfig
from dsaudit.reports import BUILTIN_REPORTERS
from dsaudit.reports.console import CONSOLE
from dsaudit.reports.json_report import report_document
from dsaudit.reports.loader import audit_from_document, load_report, render_saved
from dsaudit.reports.summary import summarize

RULE = "CSL-LOG-RETENTION"
LEGAL = "6 months"
WARNING = (
    f"rule {RULE}: parameter min_days is set to {{configured}}, looser than the law's 6 months; "
    "its results are not assured"
)


def run(
    tmp_path: Path, retention: int | None, min_days: int | str | None, **settings: Any
) -> AuditResult:
    root = tmp_path / "org"
    (root / "configs").mkdir(parents=True, exist_ok=True)
    (root / "configs" / "logging.yaml").write_text(
        f"logging:\n  retention_days: {retention}\n", "utf-8"
    )
    params = {RULE: {"min_days": min_days}} if min_days is not None else {}
    config = ProjectConfig(
        root=root,
        packs=["csl"],
        as_of=dt.date(2026, 6, 1),
        rule_params=params,
        only_rules=[RULE],
        **settings,
    )
    return run_audit(config)


def the_result(result: AuditResult) -> Any:
    (found,) = [r for r in result.results if r.rule_id == RULE]
    return found


@pytest.mark.parametrize(
    ("min_days", "assured"),
    [
        (None, True),
        (LEGAL, True),
        (184, True),
        (183, False),
        (185, True),
        (180, False),
        (90, False),
    ],
    ids=[
        "default",
        "equal to the law",
        "184 days",
        "one day looser",
        "one day stricter",
        "180 days",
        "90 days",
    ],
)
def test_only_a_looser_override_is_not_assured(
    tmp_path: Path, min_days: int | str | None, assured: bool
) -> None:
    result = run(tmp_path, 400, min_days)
    found = the_result(result)
    assert found.status is Status.PASS
    assert found.assured is assured
    summary = summarize(result)
    assert summary.by_status["pass"] == (1 if assured else 0)
    assert summary.not_assured == (0 if assured else 1)
    assert summary.posture == ("compliant" if assured else "not-assured")
    loosened = [w for w in result.warnings if "looser than the law" in w]
    assert loosened == ([] if assured else [WARNING.format(configured=min_days)])


def test_the_result_names_both_values(tmp_path: Path) -> None:
    found = the_result(run(tmp_path, 100, 90))
    ((param),) = found.loosened
    assert (param.name, param.configured, param.legal, param.stricter) == (
        "min_days",
        90,
        "6 months",
        "higher",
    )


def test_a_not_assured_pass_is_not_a_pass_in_the_summary(tmp_path: Path) -> None:
    summary = summarize(run(tmp_path, 100, 90))
    (csl,) = [law for law in summary.laws if law.law == "CSL"]
    assert csl.passed == 0
    assert csl.counts["not_assured"] == 1
    assert csl.score is None  # neither term: nothing shows the law met or broken
    document = summary.as_json()
    assert document["not_assured"] == 1
    assert document["by_status"]["pass"] == 0
    assert document["by_law"]["CSL"]["not_assured"] == 1
    (row,) = [a for a in summary.articles if RULE in a.rule_ids]
    assert row.state == "not_assured"


def test_passes_counted_not_listed_still_go_to_not_assured(tmp_path: Path) -> None:
    result = run(tmp_path, 100, 90, passes="count")
    assert not [r for r in result.results if r.rule_id == RULE]
    summary = summarize(result)
    assert (summary.by_status["pass"], summary.not_assured) == (0, 1)


def test_a_failure_under_a_loosened_parameter_is_not_assured_too(tmp_path: Path) -> None:
    result = run(tmp_path, 30, 90)
    found = the_result(result)
    assert found.status is Status.FAIL
    assert not found.assured
    assert found.message == (
        "Log retention logging.retention_days is 30, less than 90; the law requires at least "
        "6 months (six calendar months from the day a log is written, up to 184 days). "
        "[min_days: configured 90; the law requires 6 months; not assured]"
    )
    assert summarize(result).not_assured == 0  # a failure stays a failure
    assert exit_code(result, "high") is ExitCode.FINDINGS


def test_a_stricter_override_keeps_the_values_apart(tmp_path: Path) -> None:
    found = the_result(run(tmp_path, 200, 365))
    assert found.status is Status.FAIL
    assert found.assured
    assert found.message == (
        "Log retention logging.retention_days is 200, less than 365; the law requires at least "
        "6 months (six calendar months from the day a log is written, up to 184 days). "
        "[min_days: configured 365; the law requires 6 months]"
    )


def test_without_override_the_message_adds_no_note(tmp_path: Path) -> None:
    found = the_result(run(tmp_path, 30, None))
    assert found.message == (
        "Log retention logging.retention_days is 30, less than 6 months; the law requires at "
        "least 6 months (six calendar months from the day a log is written, up to 184 days)."
    )


def test_the_gate_does_not_fail_a_not_assured_pass(tmp_path: Path) -> None:
    assert exit_code(run(tmp_path, 100, 90), "info") is ExitCode.OK


def render_all(result: AuditResult) -> dict[str, str]:
    out = {r.name: r.render(result, {}) for r in BUILTIN_REPORTERS}
    out["console"] = CONSOLE.render(result, {"width": 200})
    return out


@pytest.mark.parametrize("retention", [100, 30], ids=["pass", "fail"])
def test_every_format_says_not_assured(tmp_path: Path, retention: int) -> None:
    rendered = render_all(run(tmp_path, retention, 90))
    assert set(rendered) == {
        "console", "json", "sarif", "junit", "markdown", "csv", "html", "defectdojo", "oscal"
    }  # fmt: skip
    for name, text in rendered.items():
        assert "not assured" in text.lower(), name
        assert "90" in text and "6 months" in text, name
    document = json.loads(rendered["json"])
    (result,) = document["results"]
    assert result["assured"] is False
    assert result["loosened"] == [
        {"name": "min_days", "configured": 90, "legal": "6 months", "stricter": "higher"}
    ]
    assert document["warnings"] == [WARNING.format(configured=90)]
    sarif = json.loads(rendered["sarif"])
    (sarif_result,) = sarif["runs"][0]["results"]
    assert sarif_result["properties"]["assured"] is False
    assert "not assured" in sarif_result["message"]["text"]
    assert sarif_result["kind"] == ("review" if retention == 100 else "fail")
    assert "Not assured: parameters looser than the law" in rendered["markdown"]
    assert "not-assured-table" in rendered["html"]
    assert "Not assured: 1 rule(s) ran with a parameter looser" in rendered["console"]
    if retention == 100:
        assert '<skipped message="not assured (min_days configured 90' in rendered["junit"]
        assert ",not_assured,CSL-LOG-RETENTION," in rendered["csv"]
        assert "Passed: 0" in rendered["html"]


def test_an_assured_audit_shows_no_marker(tmp_path: Path) -> None:
    for name, text in render_all(run(tmp_path, 400, LEGAL)).items():
        if name == "json":
            document = json.loads(text)
            assert document["results"][0]["assured"] is True
            assert document["summary"]["not_assured"] == 0
            continue
        assert "not assured (" not in text.lower(), name
        assert "Not assured: parameters" not in text, name


def test_the_mark_survives_a_saved_report(tmp_path: Path) -> None:
    saved = tmp_path / "result.json"
    saved.write_text(render_all(run(tmp_path, 100, 90))["json"], "utf-8")
    loaded = load_report(saved)
    assert not loaded.results[0].assured
    assert summarize(loaded).not_assured == 1
    assert "not assured" in render_saved(saved, "markdown").lower()


def test_a_report_written_before_the_mark_still_loads(tmp_path: Path) -> None:
    """A 1.0 report has no assured/loosened/not_assured: every result reads as assured."""
    document = report_document(run(tmp_path, 400, None))
    document["format_version"] = "1.0"
    for item in [*document["results"], *document["rules"]]:
        for key in ("assured", "loosened", "legal_values", "message_missing"):
            item.pop(key, None)
    del document["summary"]["not_assured"]
    for law in document["summary"]["by_law"].values():
        del law["not_assured"]
    saved = tmp_path / "old.json"
    saved.write_text(json.dumps(document), "utf-8")
    loaded = load_report(saved)
    assert all(r.assured for r in loaded.results)
    assert summarize(loaded).by_status["pass"] == 1
    for reporter in BUILTIN_REPORTERS:
        assert render_saved(saved, reporter.name)
    assert audit_from_document(document).results[0].loosened == ()


@pytest.mark.parametrize("retention", [100, 30], ids=["pass", "fail"])
def test_sarif_and_junit_stay_schema_valid(
    tmp_path: Path, schemas_dir: Path, retention: int
) -> None:
    rendered = render_all(run(tmp_path, retention, 90))
    schema = json.loads((schemas_dir / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    errors = sorted(Draft4Validator(schema).iter_errors(json.loads(rendered["sarif"])), key=str)
    assert not errors, errors[0].message if errors else ""
    lxml_etree = pytest.importorskip("lxml.etree")
    xsd = lxml_etree.XMLSchema(lxml_etree.parse(str(schemas_dir / "junit.xsd")))
    assert xsd.validate(lxml_etree.fromstring(rendered["junit"].encode("utf-8"))), xsd.error_log


def test_the_loosened_values_go_through_redaction(tmp_path: Path) -> None:
    """An override is input: a value that is not a duration is refused when the rule compiles,
    naming file and line, and the error does not echo it (it may be personal information)."""
    with pytest.raises(RuleCompileError) as caught:
        run(tmp_path, 100, "tel 13912345678")
    assert "operations.yaml:" in str(caught.value) and "needs a duration" in str(caught.value)
    assert "13912345678" not in str(caught.value)


@pytest.mark.parametrize(
    ("loosened", "error"),
    [
        ("x", "/results/0/loosened: expected an array, found a string"),
        ([{"configured": 90}], "/results/0/loosened/0/name: expected a string, found null"),
    ],
    ids=["not a list", "no name"],
)
def test_a_malformed_loosened_field_is_refused_with_its_pointer(
    tmp_path: Path, loosened: Any, error: str
) -> None:
    document = report_document(run(tmp_path, 100, 90))
    document["results"][0]["loosened"] = loosened
    with pytest.raises(ConfigError) as info:
        audit_from_document(document, "saved.json")
    assert error in str(info.value)
