"""Issue 16 §1: the minors rules, checked end to end on real inventory files.

Each case writes an inventory (validated against the schema, references resolved, age bands
checked) and a ``dsaudit.yaml`` that loads the shipped ``minors`` and ``pipl`` packs, audits it
as of 2026-06-01 and reads one rule's status. Every case marked ``old`` had a different status
before the fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from dsaudit.audit import run_audit
from dsaudit.core.models import AuditResult, Status
from dsaudit.language.packs import builtin_pack_paths, load_pack
from dsaudit.project.config import build_config

ORG = "Minors Test Co."
ADULTS = {"id": "adults", "legal_basis": "contract", "fields": [{"name": "n", "category": "name"}]}


def audit_result(
    tmp_path: Path, organization: dict[str, Any], as_of: str = "2026-06-01", **sections: Any
) -> AuditResult:
    """Write an inventory and a ``dsaudit.yaml`` in ``tmp_path`` and audit it."""
    (tmp_path / "inventory").mkdir()
    inventory = {"version": 1, "organization": {"name": ORG, **organization}, **sections}
    (tmp_path / "inventory" / "inventory.yaml").write_text(yaml.safe_dump(inventory), "utf-8")
    config = {
        "version": 1,
        "as_of": as_of,
        "packs": ["minors", "pipl"],
        "inventory": ["inventory/*.yaml"],
    }
    (tmp_path / "dsaudit.yaml").write_text(yaml.safe_dump(config), "utf-8")
    result = run_audit(build_config(tmp_path))
    assert [e.message for e in result.errors] == []
    return result


def audit(
    tmp_path: Path, organization: dict[str, Any], **sections: Any
) -> dict[tuple[str, str], Status]:
    """Audit an inventory in ``tmp_path``: (rule id, resource id) -> status."""
    result = audit_result(tmp_path, organization, **sections)
    return {(r.rule_id, r.resource_id): r.status for r in result.results}


TEENS_ONLY = {"minors_users": 50000, "minors_under_14_users": 0, "minors_14_to_17_users": 50000}


@pytest.mark.parametrize(
    ("rule", "organization", "expected"),
    [
        # old: not applicable, so no result at all
        ("MINREG-ANNUAL-AUDIT", TEENS_ONLY, Status.FAIL),
        ("MPL-CORRECTION-DELETION", TEENS_ONLY, Status.FAIL),
        ("MINREG-ANNUAL-AUDIT", {"minors_14_to_17_users": 1}, Status.FAIL),
        ("MINREG-ANNUAL-AUDIT", {"minors_users": 0}, None),
        (
            "MINREG-PLATFORM-DUTIES",
            {"minors_14_to_17_users": 10_000_000},
            Status.FAIL,
        ),
    ],
    ids=[
        "audit-50000-teens",
        "correction-50000-teens",
        "audit-one-teen",
        "audit-no-minors",
        "platform-teens-band",
    ],
)
def test_users_aged_14_to_17_make_the_minors_rules_apply(
    tmp_path: Path, rule: str, organization: dict[str, Any], expected: Status | None
) -> None:
    got = audit(tmp_path, organization, datasets=[ADULTS])
    assert got.get((rule, ORG)) is expected


@pytest.mark.parametrize(
    ("dataset", "expected"),
    [
        (
            {"minors_14_to_17": True, "minors_14_to_17_individuals": 50000, "individuals": 50000},
            Status.FAIL,
        ),
        ({"fields": [{"name": "grade", "category": "minor_14_to_17"}]}, Status.FAIL),
        (
            {"minors_14_to_17": True, "access_approval_required": True, "access_logging": True},
            Status.PASS,
        ),
        ({"minors_14_to_17": False, "minors_under_14": False}, None),
    ],
    ids=["teens-flag-unlogged", "teens-field", "teens-approved-logged", "no-minors"],
)
def test_staff_access_to_teenagers_data_is_checked(
    tmp_path: Path, dataset: dict[str, Any], expected: Status | None
) -> None:
    record = {"id": "teens", "legal_basis": "consent", "consent_type": "consent", **dataset}
    record.setdefault("fields", [{"name": "n", "category": "name"}])
    got = audit(tmp_path, {"minors_users": 0}, datasets=[record])
    assert got.get(("MINREG-ACCESS-CONTROL", "teens")) is expected


def test_a_leak_from_a_teenagers_dataset_must_be_reported(tmp_path: Path) -> None:
    teens = {"id": "teens", "minors_14_to_17": True, "fields": [{"name": "n", "category": "name"}]}
    incidents = [
        {
            "id": "inc-teens",
            "categories": ["name"],
            "datasets": ["teens"],
            "individuals_notified": True,
        },
        {
            "id": "inc-adults",
            "categories": ["name"],
            "datasets": ["adults"],
            "individuals_notified": True,
        },
    ]
    got = audit(tmp_path, {}, datasets=[teens, ADULTS], incidents=incidents)
    assert got.get(("MINREG-LEAK-REPORT", "inc-teens")) is Status.FAIL
    assert ("MINREG-LEAK-REPORT", "inc-adults") not in got


PUPILS = {
    "id": "pupils",
    "minors_under_14": True,
    "minors_under_14_individuals": 3000,
    "individuals": 3000,
    "children_policy": "School children's PI rules v1",
    "fields": [{"name": "pupil_name", "category": "minor_under_14"}],
}


@pytest.mark.parametrize(
    ("basis", "expected"),
    [
        # old: PIPL-MINOR-GUARDIAN-CONSENT failed whatever the basis
        ({"legal_basis": "legal_obligation", "consent_type": "none"}, None),
        (
            {
                "legal_basis": "consent",
                "minors_legal_basis": "legal_obligation",
                "consent_type": "consent",
            },
            None,
        ),
        (
            {"legal_basis": "contract", "minors_legal_basis": "consent", "consent_type": "consent"},
            Status.FAIL,
        ),
        ({"legal_basis": "consent", "consent_type": "consent"}, Status.FAIL),
        ({"legal_basis": "consent", "consent_type": "guardian"}, Status.PASS),
        ({"consent_type": "consent"}, Status.FAIL),
    ],
    ids=[
        "legal-duty",
        "minors-basis-legal-duty",
        "minors-basis-consent",
        "consent",
        "guardian",
        "no-basis",
    ],
)
@pytest.mark.parametrize("rule", ["PIPL-MINOR-GUARDIAN-CONSENT", "MPL-GUARDIAN-CONSENT"])
def test_guardian_consent_only_where_the_childrens_data_rests_on_consent(
    tmp_path: Path, rule: str, basis: dict[str, Any], expected: Status | None
) -> None:
    got = audit(
        tmp_path,
        {"minors_under_14_users": 3000, "minors_users": 3000},
        datasets=[{**PUPILS, **basis}],
    )
    assert got.get((rule, "pupils")) is expected


def test_a_blank_childrens_policy_is_not_a_policy(tmp_path: Path) -> None:
    got = audit(tmp_path, {}, datasets=[{**PUPILS, "children_policy": "  "}])
    assert got[("PIPL-MINOR-POLICY", "pupils")] is Status.FAIL


PACKS = {path.name: path for path in builtin_pack_paths()}


@pytest.mark.parametrize(
    ("pack", "rule", "refs"),
    [
        # old: PIPL 31 and MINREG 36 (staff access control, not the children's rules)
        ("pipl", "PIPL-MINOR-POLICY", [("PIPL", "31", "2")]),
        (
            "pipl",
            "PIPL-MINOR-GUARDIAN-CONSENT",
            # PIPL Art. 13 without a clause: its exemption is the second paragraph, and clause "2"
            # of an article with items is item (2) (contract and HR necessity)
            [("PIPL", "31", "1"), ("PIPL", "13", None), ("MPL", "72", "1"), ("NDSMR", "22", "3")],
        ),
        (
            "minors",
            "MPL-GUARDIAN-CONSENT",
            [("MPL", "72", "1"), ("PIPL", "31", "1"), ("PIPL", "13", None), ("NDSMR", "22", "3")],
        ),
        ("minors", "MPL-CORRECTION-DELETION", [("MPL", "72", "2"), ("MINREG", "34", None)]),
    ],
    ids=[
        "PIPL-MINOR-POLICY",
        "PIPL-MINOR-GUARDIAN-CONSENT",
        "MPL-GUARDIAN-CONSENT",
        "MPL-CORRECTION-DELETION",
    ],
)
def test_citations(pack: str, rule: str, refs: list[tuple[str, str, str | None]]) -> None:
    source = next(src for src in load_pack(PACKS[pack]).rules if src.data["id"] == rule)
    got = [(r["law"], str(r["article"]), r.get("clause")) for r in source.data["refs"]]
    assert got == refs


@pytest.mark.parametrize(
    ("rule", "dataset", "expected"),
    [
        (
            "PIPL-MINOR-GUARDIAN-CONSENT",
            {"consent_type": "consent"},
            "Dataset pupils holds data of children under 14 on consent (or on no recorded basis)"
            " with consent type consent; a parent's or guardian's consent is required.",
        ),
        (
            "MPL-GUARDIAN-CONSENT",
            {"legal_basis": "consent"},
            "Dataset pupils holds data of children under 14 on consent (or on no recorded basis)"
            " but records no consent type (consent_type is not recorded); obtain a parent's or"
            " guardian's consent and record consent_type: guardian.",
        ),
    ],
    ids=["recorded-consent-type", "no-consent-type"],
)
def test_guardian_consent_messages(
    tmp_path: Path, rule: str, dataset: dict[str, Any], expected: str
) -> None:
    result = audit_result(tmp_path, {}, datasets=[{**PUPILS, **dataset}])
    (failed,) = [r for r in result.results if r.rule_id == rule]
    assert failed.message == expected


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [("2026-03-31", None), ("2026-04-01", Status.FAIL)],
    ids=["before-the-measures", "from-the-measures"],
)
@pytest.mark.parametrize("rule", ["MINREG-PLATFORM-DUTIES", "MINREG-PLATFORM-SR-REPORT"])
def test_platform_rules_start_with_the_identification_measures(
    tmp_path: Path, rule: str, as_of: str, expected: Status | None
) -> None:
    """No platform could be identified before the 2026 Measures took effect (2026-04-01)."""
    result = audit_result(tmp_path, {"minors_users": 20_000_000}, as_of=as_of)
    got = {(r.rule_id, r.resource_id): r.status for r in result.results}
    assert got.get((rule, ORG)) is expected
