"""The ``oscal`` reporter: OSCAL 1.0.6 Assessment Results, checked against NIST's schema.

Validator: ``jsonschema`` Draft7Validator (the schema is JSON Schema draft-07), with the
``pattern`` keyword evaluated by the ``regex`` package instead of ``re``: the OSCAL patterns are
XML-Schema style (``\\p{L}``, ``\\p{N}`` in TokenDatatype), which ``re`` does not understand.
Formats checked: ``date-time`` (``datetime.fromisoformat``, timezone required), ``uri``
(a scheme and a rest), ``uri-reference`` (RFC 3986 characters only, no spaces) by the checkers
below, and ``email`` by jsonschema's own checker. (jsonschema's own ``date-time`` and ``uri``
checkers need rfc3339-validator and rfc3987, not installed here, so they are replaced, not
silently skipped.) The schema's own patterns for date-time, URI and UUID apply as well.

The schema is NIST's file in ``../shared/schemas`` (see its SOURCES.md), found relative to the
repository root; the tests skip, saying so, where it is absent. No OSCAL *catalog* schema is
available there, so the embedded provisions catalog is checked structurally (ids are tokens
and unique, every finding target and reviewed control resolves to it).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import regex
from click.testing import CliRunner
from jsonschema import Draft7Validator, FormatChecker, validators
from projectkit import REPO_ROOT

from dsaudit.audit import run_audit
from dsaudit.cli.app import cli
from dsaudit.core.models import AuditResult, Status
from dsaudit.project.config import build_config
from dsaudit.reports.oscal import REPORTER, control_id, provisions_catalog

SCHEMA_NAME = "oscal-1.0.6-assessment-results.json"
SCHEMA_CANDIDATES = [
    REPO_ROOT.parent / "shared" / "schemas" / SCHEMA_NAME,  # /work/main -> /work/shared
    REPO_ROOT.parent.parent / "shared" / "schemas" / SCHEMA_NAME,  # a worktree in /work/wt/
]
_TOKEN = regex.compile(r"^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$")
_URI_REFERENCE = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    if validator.is_type(instance, "string") and not regex.search(pattern, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


_FORMATS = FormatChecker(["email"])


@_FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.tzinfo is not None


@_FORMATS.checks("uri")
def _uri(value: object) -> bool:
    return not isinstance(value, str) or bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+\-.]*:\S+", value))


@_FORMATS.checks("uri-reference")
def _uri_reference(value: object) -> bool:
    return not isinstance(value, str) or bool(_URI_REFERENCE.fullmatch(value))


OscalValidator = validators.extend(Draft7Validator, {"pattern": _pattern})


@pytest.fixture(scope="module")
def validator() -> Any:
    path = next((p for p in SCHEMA_CANDIDATES if p.is_file()), None)
    if path is None:
        pytest.skip(
            f"the NIST OSCAL schema {SCHEMA_NAME} is not in ../shared/schemas next to the "
            f"repository (looked in {', '.join(str(p.parent) for p in SCHEMA_CANDIDATES)})"
        )
    schema = json.loads(path.read_text(encoding="utf-8"))
    # The metaschema checks every pattern is a regex: with ``regex``, which knows ``\\p{L}``.
    schema_formats = FormatChecker([])
    schema_formats.checks("regex", raises=regex.error)(regex.compile)
    Draft7Validator.check_schema(schema, format_checker=schema_formats)
    return OscalValidator(schema, format_checker=_FORMATS)


def _errors(validator: Any, document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in validator.iter_errors(document)
    ]


def _render(audit: AuditResult) -> dict[str, Any]:
    return json.loads(REPORTER.render(audit, {}))


def _catalog(document: dict[str, Any]) -> dict[str, Any]:
    resources = document["assessment-results"]["back-matter"]["resources"]
    embedded = [r for r in resources if "base64" in r]
    assert len(embedded) == 1
    assert embedded[0]["base64"]["media-type"] == "application/oscal.catalog+json"
    return json.loads(base64.b64decode(embedded[0]["base64"]["value"]))


def _check_references(document: dict[str, Any]) -> None:
    """Every uuid and id the document points at exists (the schema cannot check this)."""
    ar = document["assessment-results"]
    resources = {r["uuid"] for r in ar["back-matter"]["resources"]}
    assert ar["import-ap"]["href"].removeprefix("#") in resources
    (result,) = ar["results"]
    observations = {o["uuid"] for o in result.get("observations", [])}
    risks = {r["uuid"] for r in result.get("risks", [])}
    local = result["local-definitions"]
    subjects = {i["uuid"] for i in local.get("inventory-items", [])}
    tools = {c["uuid"] for c in local["assessment-assets"]["components"]}
    for o in result.get("observations", []):
        assert {s["subject-uuid"] for s in o["subjects"]} <= subjects
        assert {a["actor-uuid"] for origin in o["origins"] for a in origin["actors"]} <= tools
    for r in result.get("risks", []):
        assert {x["observation-uuid"] for x in r["related-observations"]} <= observations
    catalog = _catalog(document)["catalog"]
    controls = [c for g in catalog["groups"] for c in g["controls"]]
    ids = [c["id"] for c in controls]
    parts = [p["id"] for c in controls for p in c["parts"]]
    assert len(ids) == len(set(ids)) and len(parts) == len(set(parts))
    assert all(_TOKEN.match(i) for i in [*ids, *parts, *(g["id"] for g in catalog["groups"])])
    statements = {p["id"] for c in controls for p in c["parts"] if p["name"] == "statement"}
    for f in result.get("findings", []):
        assert f["target"]["type"] == "statement-id"
        assert f["target"]["target-id"] in statements
        assert {x["observation-uuid"] for x in f["related-observations"]} <= observations
        assert {x["risk-uuid"] for x in f.get("related-risks", [])} <= risks
    for selection in result["reviewed-controls"]["control-selections"]:
        assert {c["control-id"] for c in selection.get("include-controls", [])} <= set(ids)
    every = [x["uuid"] for x in _walk(ar) if isinstance(x, dict) and "uuid" in x]
    assert len(every) == len(set(every)), "a uuid is used twice"


def _walk(value: Any) -> Iterator[Any]:
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def test_the_validator_rejects_what_the_schema_forbids(validator: Any, audit: AuditResult) -> None:
    """The XML-Schema-style patterns and the formats really are checked."""
    document = _render(audit)
    assert _errors(validator, document) == []
    ar = document["assessment-results"]
    ar["results"][0]["observations"][0]["props"][0]["name"] = "not a token"
    ar["results"][0]["start"] = "2026-02-30T00:00:00Z"
    ar["uuid"] = "00000000-0000-1000-8000-000000000000"  # a version-1 UUID
    ar["metadata"]["oscal-version"] = " 1.0.6"
    paths = {error.split(": ")[0] for error in _errors(validator, document)}
    assert paths == {
        "assessment-results/results/0/observations/0/props/0/name",
        "assessment-results/results/0/start",  # by the pattern and by the date-time format
        "assessment-results/uuid",
        "assessment-results/metadata/oscal-version",
    }
    assert not _FORMATS.conforms("2026-01-15T08:00:00", "date-time")
    assert not _FORMATS.conforms("a b", "uri-reference")


def test_the_fixture_audit_validates(validator: Any, audit: AuditResult) -> None:
    document = _render(audit)
    assert _errors(validator, document) == []
    _check_references(document)
    ar = document["assessment-results"]
    assert ar["metadata"]["oscal-version"] == "1.0.6"
    assert ar["metadata"]["last-modified"] == "2026-01-15T08:00:03Z"
    assert ar["metadata"]["version"] == "0.1.0"


def test_an_empty_audit_validates(validator: Any) -> None:
    document = _render(AuditResult(results=[], rules={}, metadata={}))
    assert _errors(validator, document) == []
    _check_references(document)


_SAMPLE_DOCUMENTS: dict[str, dict[str, Any]] = {}


def _sample(name: str) -> dict[str, Any]:
    if name not in _SAMPLE_DOCUMENTS:
        audit = run_audit(build_config(REPO_ROOT / "sample_configs" / name))
        _SAMPLE_DOCUMENTS[name] = _render(audit)
    return _SAMPLE_DOCUMENTS[name]


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("acme-retail", marks=pytest.mark.slow),
        pytest.param("cn-hospital", marks=pytest.mark.slow),
        "consumer-app",
    ],
)
def test_the_samples_validate(name: str, validator: Any) -> None:
    document = _sample(name)
    assert _errors(validator, document) == []
    _check_references(document)
    result = document["assessment-results"]["results"][0]
    assert result["findings"] and result["risks"] and result["observations"]


def test_findings_point_at_provisions_and_risks_follow_failures(audit: AuditResult) -> None:
    result = _render(audit)["assessment-results"]["results"][0]
    findings = {f["target"]["target-id"]: f for f in result["findings"]}
    assert control_id("PIPL", "51") == "pipl-art-51"
    # PIPL Art. 51: a failure (and a waived failure) -> not satisfied, with both risks
    pipl51 = findings["pipl-art-51_smt"]
    assert pipl51["target"]["status"]["state"] == "not-satisfied"
    assert len(pipl51["related-risks"]) == 2
    assert {"name": "clauses", "ns": pipl51["target"]["props"][0]["ns"], "value": "3"} in pipl51[
        "target"
    ]["props"]
    # PIPL Art. 52: only a pass -> satisfied; Art. 54: manual only -> no finding, named in remarks
    assert findings["pipl-art-52_smt"]["target"]["status"]["state"] == "satisfied"
    assert "pipl-art-54_smt" not in findings
    assert "PIPL Art. 54" in result["remarks"]
    statuses = {r["status"] for r in result["risks"]}
    assert statuses == {"open", "deviation-approved", "deviation-requested"}
    failing = [
        r for r in audit.results if r.status in (Status.FAIL, Status.WAIVED, Status.SUPPRESSED)
    ]
    assert len(result["risks"]) == len(failing)
    critical = next(r for r in result["risks"] if "PIPL-38-XBORDER" in r["title"])
    facets = critical["characterizations"][0]["facets"]
    assert {"name": "severity", "system": facets[0]["system"], "value": "critical"} in facets
    # manual evidence is examined, automated checks tested; not-applicable results left out
    methods = {
        next(p["value"] for p in o["props"] if p["name"] == "rule-id"): o["methods"]
        for o in result["observations"]
    }
    assert methods["PIPL-54-AUDIT"] == ["EXAMINE"] and methods["CSL-21-LOGS"] == ["TEST"]
    assert not [o for o in result["observations"] if "internal-bi" in json.dumps(o)]


def _waiver_props(risk: dict[str, Any]) -> dict[str, str]:
    (response,) = [r for r in risk["remediations"] if r["lifecycle"] == "planned"]
    return {p["name"]: p["value"] for p in response["props"]}


def test_a_waiver_is_an_accepted_risk_with_approver_and_expiry(audit: AuditResult) -> None:
    result = _render(audit)["assessment-results"]["results"][0]
    (risk,) = [r for r in result["risks"] if r["status"] == "deviation-approved"]
    assert "logs-archive" in risk["title"]
    props = _waiver_props(risk)
    assert props["risk-accepted"] == "true"
    assert props["approver"] == "Li Wei (DPO)"
    assert props["expires"] == "2026-12-31"
    assert props["waiver-id"] == "W-2026-007"


def test_the_acme_waiver_is_an_accepted_risk() -> None:
    result = _sample("acme-retail")["assessment-results"]["results"][0]
    (risk,) = [r for r in result["risks"] if r["status"] == "deviation-approved"]
    props = _waiver_props(risk)
    assert (props["waiver-id"], props["approver"], props["expires"]) == (
        "RISK-2026-031",
        "Zhou Lan (CISO)",
        "2027-03-31",
    )


def test_the_catalog_holds_every_tracked_provision() -> None:
    catalog = provisions_catalog()["catalog"]
    controls = {c["id"]: c for g in catalog["groups"] for c in g["controls"]}
    assert "pipl-art-51" in controls and "csl-art-23" in controls
    csl23 = controls["csl-art-23"]
    assert {"name": "former-article", "value": "21"}.items() <= {
        k: v for p in csl23["props"] if p["name"] == "former-article" for k, v in p.items()
    }.items()
    assert csl23["parts"][0] == {
        "id": "csl-art-23_smt",
        "name": "statement",
        "prose": csl23["parts"][0]["prose"],
    }
    assert catalog["metadata"]["oscal-version"] == "1.0.6"


def test_a_cited_provision_missing_from_the_list_is_added(audit: AuditResult) -> None:
    rule = audit.rules["DSL-30-RISK"]
    from dataclasses import replace

    from dsaudit.core.models import LawRef

    audit.rules["DSL-30-RISK"] = replace(rule, refs=(LawRef("XYZ", "9.1"),))
    catalog = _catalog(_render(audit))["catalog"]
    (group,) = [g for g in catalog["groups"] if g["id"] == "xyz"]
    assert group["controls"][0]["id"] == "xyz-art-9.1"
    assert {"name": "listed", "ns": group["controls"][0]["props"][-1]["ns"], "value": "false"} in (
        group["controls"][0]["props"]
    )


def test_uuids_are_version_5_and_follow_the_run(audit: AuditResult, make_audit: Any) -> None:
    first = REPORTER.render(audit, {})
    uuids = re.findall(r'"uuid": "([0-9a-f-]{36})"', first)
    assert uuids and all(u[14] == "5" for u in uuids)
    other = make_audit()
    other.metadata["started_at"] = "2026-02-01T08:00:00Z"
    assert set(re.findall(r'"uuid": "([0-9a-f-]{36})"', REPORTER.render(other, {}))).isdisjoint(
        uuids
    )


def _project_with_planted_secrets(tmp_path: Path) -> Path:
    target = tmp_path / "consumer-app"
    shutil.copytree(REPO_ROOT / "sample_configs" / "consumer-app", target)
    (target / "config" / "app" / "planted.yaml").write_text(
        "database:\n"
        "  host: db.internal\n"
        "  password: Pl4nted-Raw-Secret-77\n"
        "support:\n"
        "  phone: '13987654321'\n"
        "  email: li.planted@example.com\n",
        encoding="utf-8",
    )
    return target


def test_reproducible_and_redacted_through_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, validator: Any
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    target = _project_with_planted_secrets(tmp_path)
    runner = CliRunner()
    outputs = []
    for n in (1, 2):
        out = tmp_path / f"{n}.json"
        saved = tmp_path / f"{n}.report.json"
        args = ["audit", str(target), "-q", "--format", f"oscal={out}", "--format", f"json={saved}"]
        result = runner.invoke(cli, args)
        assert result.exit_code == 1, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    # rendered again from the saved JSON report: the same document
    again = tmp_path / "again.json"
    result = runner.invoke(cli, ["report", str(saved), "--format", "oscal", "-o", str(again)])
    assert result.exit_code == 0, result.output
    assert again.read_bytes() == outputs[0]
    text = outputs[0].decode("utf-8")
    catalog_text = json.dumps(_catalog(json.loads(text)), ensure_ascii=False)
    for raw in ("Pl4nted-Raw-Secret-77", "13987654321", "li.planted@example.com"):
        assert raw not in text and raw not in catalog_text
    assert "planted.yaml" in text  # the planted file was audited
    document = json.loads(text)
    assert document["assessment-results"]["metadata"]["last-modified"] == "2026-09-21T14:13:20Z"
    assert _errors(validator, document) == []
