"""Issue 16 §1: the incident, CII, CSL and DSL law errors, each pinned on a real audit.

Every case here failed on the rules before the fix: a whole audit of a small inventory written
to ``tmp_path`` is run with the shipped packs, and the status of one rule on one record is
compared with what the law says (Incident Reporting Measures Art. 4; CSL 2026 Art. 36 /
2017 Art. 34; DSL Art. 31; CSL 2026 Art. 39 / 2017 Art. 37; CSL Art. 23 / 24).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from dsaudit.audit import run_audit
from dsaudit.core.models import AuditResult
from dsaudit.language.packs import builtin_pack_paths, load_pack
from dsaudit.project.config import build_config

PACKS = {path.name: path for path in builtin_pack_paths()}
DETECTED = "2026-02-01T09:00:00+08:00"


def audit_of(tmp_path: Path, organization: dict[str, Any], **sections: Any) -> AuditResult:
    """Audit an inventory of one organization and the given sections, as of 2026-06-01."""
    (tmp_path / "dsaudit.yaml").write_text(
        yaml.safe_dump(
            {"version": 1, "as_of": "2026-06-01", "inventory": ["inventory/*.yaml"]},
        ),
        "utf-8",
    )
    (tmp_path / "inventory").mkdir()
    body = {"version": 1, "organization": {"name": "Org", **organization}, **sections}
    (tmp_path / "inventory" / "inventory.yaml").write_text(yaml.safe_dump(body), "utf-8")
    audit = run_audit(build_config(tmp_path))
    assert [e.message for e in audit.errors] == []
    return audit


def status(audit: AuditResult, rule_id: str, resource_id: str) -> str:
    """The rule's status on the record, or ``not_applicable`` when it produced no result."""
    found = {
        str(r.status) for r in audit.results if (r.rule_id, r.resource_id) == (rule_id, resource_id)
    }
    assert len(found) <= 1, found
    return found.pop() if found else "not_applicable"


def incident(reported: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": "inc",
        "grade": "major",
        "detected_at": DETECTED,
        "reported_at": reported,
        **extra,
    }


# ---------------------------------------------- Incident Reporting Measures Art. 4

LOCAL = {"is_state_organ": True, "state_organ_level": "local"}
CENTRAL = {"is_state_organ": True, "state_organ_level": "central"}


@pytest.mark.parametrize(
    ("organization", "reported", "rule_id", "expected"),
    [
        # a county bureau is a local organ: 4 h to the provincial CAC, not 2 h
        (LOCAL, "2026-02-01T12:00:00+08:00", "INC-REPORT-STATE-ORGAN", "not_applicable"),
        (LOCAL, "2026-02-01T12:00:00+08:00", "INC-REPORT-OPERATOR", "pass"),
        (LOCAL, "2026-02-01T13:00:00+08:00", "INC-REPORT-OPERATOR", "pass"),
        (LOCAL, "2026-02-01T13:01:00+08:00", "INC-REPORT-OPERATOR", "fail"),
        # a central organ's department: 2 h
        (CENTRAL, "2026-02-01T10:59:00+08:00", "INC-REPORT-STATE-ORGAN", "pass"),
        (CENTRAL, "2026-02-01T11:00:00+08:00", "INC-REPORT-STATE-ORGAN", "pass"),
        (CENTRAL, "2026-02-01T11:01:00+08:00", "INC-REPORT-STATE-ORGAN", "fail"),
        (CENTRAL, "2026-02-01T11:01:00+08:00", "INC-REPORT-OPERATOR", "not_applicable"),
    ],
    ids=[
        "county-3h-not-2h-rule",
        "county-3h-passes",
        "county-4h-passes",
        "county-4h1m-fails",
        "central-1h59-passes",
        "central-2h-passes",
        "central-2h1m-fails",
        "central-not-4h-rule",
    ],
)
def test_state_organ_deadline_follows_its_level(
    tmp_path: Path, organization: dict[str, Any], reported: str, rule_id: str, expected: str
) -> None:
    audit = audit_of(tmp_path, organization, incidents=[incident(reported)])
    assert status(audit, rule_id, "inc") == expected


@pytest.mark.parametrize(
    ("involves_cii", "reported", "statuses"),
    [
        # an incident of a CIIO outside its CII: 4 h, not 1 h
        (False, "2026-02-01T12:00:00+08:00", ("not_applicable", "pass")),
        (False, "2026-02-01T13:01:00+08:00", ("not_applicable", "fail")),
        # an incident that involves the CII: 1 h
        (True, "2026-02-01T10:00:00+08:00", ("pass", "not_applicable")),
        (True, "2026-02-01T10:01:00+08:00", ("fail", "not_applicable")),
    ],
    ids=["outside-cii-3h", "outside-cii-4h1m", "cii-1h", "cii-1h1m"],
)
def test_the_one_hour_limit_is_for_incidents_that_involve_cii(
    tmp_path: Path, involves_cii: bool, reported: str, statuses: tuple[str, str]
) -> None:
    audit = audit_of(
        tmp_path,
        {"is_ciio": True},
        systems=[{"id": "hr", "name": "HR", "is_cii": False}],
        incidents=[incident(reported, involves_cii=involves_cii, systems=["hr"])],
    )
    assert (
        status(audit, "INC-REPORT-CIIO", "inc"),
        status(audit, "INC-REPORT-OPERATOR", "inc"),
    ) == statuses


def test_a_cii_system_is_the_fallback_evidence_when_involves_cii_is_not_recorded(
    tmp_path: Path,
) -> None:
    audit = audit_of(
        tmp_path,
        {"is_ciio": True},
        systems=[{"id": "scada", "name": "SCADA", "is_cii": True}],
        incidents=[incident("2026-02-01T10:30:00+08:00", systems=["scada"])],
    )
    assert status(audit, "INC-REPORT-CIIO", "inc") == "fail"
    assert status(audit, "INC-REPORT-OPERATOR", "inc") == "not_applicable"


def test_a_cii_incident_outside_the_cii_needs_no_ciir_report(tmp_path: Path) -> None:
    """CII Regs Art. 18: a major incident *at the CII*, not every incident of a CIIO."""
    unreported = {"id": "inc", "grade": "major", "detected_at": DETECTED, "involves_cii": False}
    audit = audit_of(tmp_path, {"is_ciio": True}, incidents=[unreported])
    assert status(audit, "CIIR-INCIDENT-REPORT", "inc") == "not_applicable"


# ---------------------------------------------- important data in mainland China

TRANSFER = {"id": "t1", "datasets": ["grid"], "mechanism": "none", "year": 2026}


@pytest.mark.parametrize(
    ("destination", "expected"),
    [
        ("CN", "not_applicable"),
        ("CN-HK", "fail"),
        ("CN-MO", "fail"),
        ("CN-TW", "fail"),
        ("SG", "fail"),
    ],
)
@pytest.mark.parametrize(
    "rule_id", ["DSL-IMPORTANT-EXPORT", "DSL-IMPORTANT-EXPORT-FLAG", "CSL-CIIO-EXPORT-ASSESSMENT"]
)
def test_only_a_destination_outside_mainland_china_is_an_export(
    tmp_path: Path, rule_id: str, destination: str, expected: str
) -> None:
    audit = audit_of(
        tmp_path,
        {"is_ciio": True},
        datasets=[{"id": "grid", "classification": "important", "storage_region": "CN"}],
        transfers=[{**TRANSFER, "destination": destination}],
    )
    assert status(audit, rule_id, "t1") == expected


# ------------------------------------------------------------------ citations


def refs(pack: str, rule_id: str) -> list[tuple[str, str, str | None]]:
    source = next(s for s in load_pack(PACKS[pack]).rules if s.data["id"] == rule_id)
    return [
        (r["law"], str(r["article"]), None if "clause" not in r else str(r["clause"]))
        for r in source.data["refs"]
    ]


@pytest.mark.parametrize(
    ("rule_id", "item"),
    [
        ("CIIR-SECURITY-BODY", "1"),
        ("CIIR-BACKGROUND-CHECK", "1"),
        ("CIIR-STAFF-TRAINING", "2"),
        ("CIIR-DR-BACKUP", "3"),
        ("CIIR-PLAN-DRILL", "4"),
    ],
)
def test_ciio_duties_cite_the_items_of_csl_art_36(rule_id: str, item: str) -> None:
    """CSL 2026 Art. 36 = 2017 Art. 34: items (1)-(4) are the duties; (5) is "other duties"."""
    csl = [ref for ref in refs("ciir", rule_id) if ref[0] == "CSL"]
    assert csl == [("CSL", "36", item), ("CSL", "34", item)]


def test_training_and_drills_cite_the_ciir_article_15_items() -> None:
    assert ("CIIR", "15", "5") in refs("ciir", "CIIR-STAFF-TRAINING")
    assert ("CIIR", "15", "3") in refs("ciir", "CIIR-PLAN-DRILL")
    source = next(
        s for s in load_pack(PACKS["ciir"]).rules if s.data["id"] == "CIIR-STAFF-TRAINING"
    )
    assert "unverified" not in source.data


@pytest.mark.parametrize(
    ("rule_id", "clause"),
    [("INC-REPORT-CIIO", "2"), ("INC-REPORT-STATE-ORGAN", "3"), ("INC-REPORT-OPERATOR", "4")],
)
def test_incident_deadlines_cite_art_4(rule_id: str, clause: str) -> None:
    inc = [ref for ref in refs("incident", rule_id) if ref[0] == "INC"]
    assert inc == [("INC", "4", clause)]


def test_eol_maintenance_cites_the_operators_duty_not_the_suppliers() -> None:
    # the operator's technical measures (item (2)) and prompt handling of vulnerabilities
    # (2026 Art. 27, 2017 Art. 25); never Art. 24 / 2017 Art. 22 (the supplier's maintenance)
    assert refs("csl", "CSL-EOL-MAINTENANCE") == [
        ("CSL", "23", "2"),
        ("CSL", "21", "2"),
        ("CSL", "27", None),
        ("CSL", "25", None),
    ]
