"""The correctness cases of issue 3, each run through the real shipped packs with run_audit.

Every test writes a tiny organization (inventory and, where needed, config files) to
``tmp_path``, audits it with the packs named, and looks at the results of the rules the case is
about. Volumes are organization-wide: transfers are summed before a mechanism is chosen.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from dsaudit.audit import run_audit
from dsaudit.core.models import AuditResult, Status
from dsaudit.project.config import build_config

AS_OF = dt.date(2026, 6, 1)
XB_RULES = ("XB-ASSESS", "XB-SCC-CERT", "XB-EXEMPT")


def audit(
    root: Path,
    inventory: dict[str, Any],
    *,
    packs: list[str],
    configs: dict[str, str] | None = None,
    as_of: dt.date = AS_OF,
    project: dict[str, Any] | None = None,
) -> AuditResult:
    """Write the organization to ``root`` and audit it with ``packs``."""
    (root / "inventory").mkdir(parents=True, exist_ok=True)
    document = {"version": 1, **inventory}
    (root / "inventory" / "inventory.yaml").write_text(yaml.safe_dump(document), "utf-8")
    for name, text in (configs or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    if project is not None:
        (root / "dsaudit.yaml").write_text(yaml.safe_dump(project), "utf-8")
    config = build_config(root, packs=packs, as_of=as_of)
    result = run_audit(config)
    assert not result.errors, [e.message for e in result.errors]
    return result


def statuses(result: AuditResult, resource_id: str) -> dict[str, Status]:
    """Rule id -> status for one resource."""
    return {r.rule_id: r.status for r in result.results if r.resource_id == resource_id}


def org(name: str = "Acme Trading", *, ciio: bool = False, **extra: Any) -> dict[str, Any]:
    return {"name": name, "is_ciio": ciio, **extra}


def transfer(tid: str, **attrs: Any) -> dict[str, Any]:
    base = {"id": tid, "destination": "US", "year": 2026, "recipient": "Overseas Co"}
    return {**base, **attrs}


# --------------------------------------------------------------------------- mechanisms


@pytest.mark.parametrize(
    ("mechanism", "expected"),
    [
        ("standard_contract", Status.PASS),
        ("certification", Status.PASS),
        ("security_assessment", Status.PASS),
        ("none", Status.FAIL),
    ],
)
def test_150k_non_sensitive_needs_contract_or_certification(
    tmp_path: Path, mechanism: str, expected: Status
) -> None:
    inv = {
        "organization": org(),
        "transfers": [transfer("t1", individuals_ytd=150_000, mechanism=mechanism)],
    }
    got = statuses(audit(tmp_path, inv, packs=["cross-border"]), "t1")
    assert got["XB-SCC-CERT"] is expected
    assert "XB-ASSESS" not in got


@pytest.mark.parametrize(
    ("mechanism", "expected"),
    [("security_assessment", Status.PASS), ("standard_contract", Status.FAIL)],
)
def test_1_2m_non_sensitive_needs_security_assessment(
    tmp_path: Path, mechanism: str, expected: Status
) -> None:
    inv = {
        "organization": org(),
        "transfers": [transfer("t1", individuals_ytd=1_200_000, mechanism=mechanism)],
    }
    got = statuses(audit(tmp_path, inv, packs=["cross-border"]), "t1")
    assert got["XB-ASSESS"] is expected
    assert "XB-SCC-CERT" not in got


def test_volumes_are_summed_across_all_transfers(tmp_path: Path) -> None:
    inv = {
        "organization": org(),
        "transfers": [
            transfer("t1", individuals_ytd=700_000, mechanism="standard_contract"),
            transfer(
                "t2", destination="SG", individuals_ytd=500_000, mechanism="standard_contract"
            ),
            transfer("t3", destination="CN", individuals_ytd=900_000),
        ],
    }
    result = audit(tmp_path, inv, packs=["cross-border"])
    assert statuses(result, "t1")["XB-ASSESS"] is Status.FAIL
    assert statuses(result, "t2")["XB-ASSESS"] is Status.FAIL
    assert "XB-ASSESS" not in statuses(result, "t3")


@pytest.mark.parametrize(
    ("sensitive", "mechanism", "rule", "expected"),
    [
        (5_000, "standard_contract", "XB-SCC-CERT", Status.PASS),
        (5_000, "certification", "XB-SCC-CERT", Status.PASS),
        (5_000, "none", "XB-SCC-CERT", Status.FAIL),
        (12_000, "standard_contract", "XB-ASSESS", Status.FAIL),
        (12_000, "security_assessment", "XB-ASSESS", Status.PASS),
    ],
)
def test_sensitive_pi_thresholds(
    tmp_path: Path, sensitive: int, mechanism: str, rule: str, expected: Status
) -> None:
    inv = {
        "organization": org(),
        "transfers": [
            transfer(
                "t1",
                individuals_ytd=sensitive,
                sensitive_individuals_ytd=sensitive,
                categories=["medical_record"],
                mechanism=mechanism,
            )
        ],
    }
    got = statuses(audit(tmp_path, inv, packs=["cross-border"]), "t1")
    assert got[rule] is expected


@pytest.mark.parametrize(
    ("mechanism", "expected"),
    [("standard_contract", Status.FAIL), ("security_assessment", Status.PASS)],
)
def test_any_export_of_important_data_needs_assessment(
    tmp_path: Path, mechanism: str, expected: Status
) -> None:
    inv = {
        "organization": org(),
        "transfers": [
            transfer("t1", contains_important=True, individuals_ytd=10, mechanism=mechanism)
        ],
    }
    got = statuses(audit(tmp_path, inv, packs=["cross-border"]), "t1")
    assert got["XB-ASSESS"] is expected


def test_ciio_export_without_exemption_needs_assessment(tmp_path: Path) -> None:
    inv = {
        "organization": org("Grid Co", ciio=True),
        "transfers": [transfer("t1", individuals_ytd=50, mechanism="standard_contract")],
    }
    got = statuses(audit(tmp_path, inv, packs=["cross-border"]), "t1")
    assert got["XB-ASSESS"] is Status.FAIL


@pytest.mark.parametrize("exemption", ["cross_border_hr", "contract_with_individual", "emergency"])
def test_scope_exemptions_cover_ciios(tmp_path: Path, exemption: str) -> None:
    """A CIIO sending its staff's HR data to head office under lawful labour rules passes."""
    inv = {
        "organization": org("Grid Co", ciio=True),
        "transfers": [
            transfer(
                "hr",
                destination="FR",
                individuals_ytd=3_000,
                sensitive_individuals_ytd=200,
                mechanism="exemption",
                exemption=exemption,
                legal_basis="hr",
            )
        ],
    }
    got = statuses(audit(tmp_path, inv, packs=["cross-border"]), "hr")
    assert got["XB-EXEMPT"] is Status.PASS
    assert all(got.get(rule) is not Status.FAIL for rule in XB_RULES)


def test_small_volume_exemption_excludes_ciios(tmp_path: Path) -> None:
    inv = {
        "organization": org("Grid Co", ciio=True),
        "transfers": [
            transfer("t1", individuals_ytd=80_000, mechanism="exemption", exemption="small_volume")
        ],
    }
    got = statuses(audit(tmp_path, inv, packs=["cross-border"]), "t1")
    assert got["XB-ASSESS"] is Status.FAIL
    assert got["XB-EXEMPT"] is Status.FAIL


def test_80k_non_sensitive_is_exempt_without_a_mechanism(tmp_path: Path) -> None:
    inv = {"organization": org(), "transfers": [transfer("t1", individuals_ytd=80_000)]}
    got = statuses(audit(tmp_path, inv, packs=["cross-border"]), "t1")
    assert got["XB-EXEMPT"] is Status.PASS
    assert all(got.get(rule) is not Status.FAIL for rule in XB_RULES)


def test_80k_with_any_sensitive_pi_is_not_exempt(tmp_path: Path) -> None:
    inv = {
        "organization": org(),
        "transfers": [transfer("t1", individuals_ytd=80_000, sensitive_individuals_ytd=100)],
    }
    got = statuses(audit(tmp_path, inv, packs=["cross-border"]), "t1")
    assert got["XB-SCC-CERT"] is Status.FAIL
    assert got["XB-EXEMPT"] is Status.FAIL


# --------------------------------------------------------------------------- regimes by date


def test_as_of_picks_the_2022_or_the_2024_regime(tmp_path: Path) -> None:
    def inv(year: int) -> dict[str, Any]:  # the counts of the audit year
        mid = transfer("mid", individuals_ytd=150_000, mechanism="standard_contract", year=year)
        return {"organization": org(individuals_total=400_000), "transfers": [mid]}

    old = audit(tmp_path / "a", inv(2023), packs=["cross-border"], as_of=dt.date(2023, 6, 1))
    new = audit(tmp_path / "b", inv(2025), packs=["cross-border"], as_of=dt.date(2025, 6, 1))
    # 2022 Measures: 100,000 individuals since 1 January of the previous year -> assessment
    assert statuses(old, "mid")["XB-SAM-ASSESS"] is Status.FAIL
    assert "XB-SCC-CERT" in old.metadata["inactive_rules"]
    # 2024 Provisions: 100,000 - 999,999 -> a standard contract suffices
    assert statuses(new, "mid")["XB-SCC-CERT"] is Status.PASS
    assert "XB-SAM-ASSESS" in new.metadata["inactive_rules"]


def test_an_export_without_mechanism_was_unlawful_before_2024_and_is_exempt_after(
    tmp_path: Path,
) -> None:
    def inv(year: int) -> dict[str, Any]:  # the counts of the audit year
        small = transfer("small", destination="JP", individuals_ytd=5_000, year=year)
        return {"organization": org(individuals_total=400_000), "transfers": [small]}

    packs = ["cross-border", "pipl"]
    old = audit(tmp_path / "a", inv(2023), packs=packs, as_of=dt.date(2023, 6, 1))
    new = audit(tmp_path / "b", inv(2025), packs=packs, as_of=dt.date(2025, 6, 1))
    assert statuses(old, "small")["PIPL-XB-MECHANISM"] is Status.FAIL
    assert "XB-EXEMPT" in old.metadata["inactive_rules"]
    assert statuses(new, "small")["XB-EXEMPT"] is Status.PASS
    assert "PIPL-XB-MECHANISM" in new.metadata["inactive_rules"]


def test_a_looser_threshold_override_runs_but_is_not_assured(tmp_path: Path) -> None:
    inv = {
        "organization": org(),
        "transfers": [transfer("t1", individuals_ytd=250_000, mechanism="none")],
    }
    project = {"rules": {"XB-SCC-CERT": {"params": {"individuals_contract": 200_000}}}}
    result = audit(tmp_path, inv, packs=["cross-border"], project=project)
    failing = [r for r in result.results if r.rule_id == "XB-SCC-CERT" and r.status is Status.FAIL]
    assert len(failing) == 1
    assert "not assured" in failing[0].message
    assert "XB-SCC-CERT" in result.metadata["guardrails"]


# --------------------------------------------------------------------------- localization


def _ciio_abroad(mechanism: str) -> dict[str, Any]:
    return {
        "organization": org("Grid Co", ciio=True),
        "datasets": [
            {
                "id": "customers",
                "storage_region": "US",
                "legal_basis": "contract",
                "fields": [{"name": "name", "category": "name"}],
            }
        ],
        "transfers": [
            transfer(
                "store-us", datasets=["customers"], individuals_ytd=20_000, mechanism=mechanism
            )
        ],
    }


def test_ciio_storing_pi_abroad_without_assessment_fails(tmp_path: Path) -> None:
    configs = {"storage.yaml": "storage:\n  bucket: customers\n  region: us-east-1\n"}
    result = audit(
        tmp_path,
        _ciio_abroad("standard_contract"),
        packs=["csl", "cross-border", "config-hygiene"],
        configs=configs,
    )
    assert statuses(result, "customers")["CSL-CIIO-LOCALIZATION"] is Status.FAIL
    assert statuses(result, "store-us")["XB-ASSESS"] is Status.FAIL
    assert statuses(result, "storage.yaml")["CFG-STORAGE-REGION"] is Status.FAIL


def test_ciio_export_with_a_passed_assessment_passes_the_mechanism_rule(tmp_path: Path) -> None:
    configs = {"storage.yaml": "storage:\n  bucket: customers\n  region: cn-north-1\n"}
    result = audit(
        tmp_path,
        _ciio_abroad("security_assessment"),
        packs=["cross-border", "config-hygiene"],
        configs=configs,
    )
    assert statuses(result, "store-us")["XB-ASSESS"] is Status.PASS
    assert statuses(result, "storage.yaml")["CFG-STORAGE-REGION"] is Status.PASS


# --------------------------------------------------------------------------- sensitive PI, minors


@pytest.mark.parametrize("category", ["face", "fingerprint", "diagnosis", "medical_record"])
@pytest.mark.parametrize(
    ("consent_type", "expected"), [("consent", Status.FAIL), ("separate", Status.PASS)]
)
def test_biometric_and_health_data_need_separate_consent(
    tmp_path: Path, category: str, consent_type: str, expected: Status
) -> None:
    inv = {
        "organization": org(),
        "datasets": [
            {
                "id": "d1",
                "legal_basis": "consent",
                "consent_type": consent_type,
                "fields": [{"name": "x", "category": category}],
            }
        ],
    }
    got = statuses(audit(tmp_path, inv, packs=["pipl"]), "d1")
    assert got["PIPL-SENSITIVE-SEPARATE-CONSENT"] is expected


@pytest.mark.parametrize(
    ("consent_type", "expected"), [("separate", Status.FAIL), ("guardian", Status.PASS)]
)
def test_child_data_needs_guardian_consent(
    tmp_path: Path, consent_type: str, expected: Status
) -> None:
    inv = {
        "organization": org(),
        "datasets": [
            {
                "id": "kids",
                "legal_basis": "consent",
                "consent_type": consent_type,
                "minors_under_14": True,
                "fields": [{"name": "nickname", "category": "account_id"}],
            }
        ],
    }
    got = statuses(audit(tmp_path, inv, packs=["pipl"]), "kids")
    assert got["PIPL-MINOR-GUARDIAN-CONSENT"] is expected


# --------------------------------------------------------------------------- logs, audits


@pytest.mark.parametrize(
    ("days", "expected"),
    [(90, Status.FAIL), (180, Status.FAIL), (183, Status.FAIL), (184, Status.PASS)],
)
def test_network_log_retention_in_a_logging_config(
    tmp_path: Path, days: int, expected: Status
) -> None:
    configs = {
        "logging.yaml": f"logging:\n  level: info\n  retention_days: {days}\n",
        "loki/config.yaml": f"limits_config:\n  retention_period: {days * 24}h\n",
    }
    result = audit(
        tmp_path, {"organization": org()}, packs=["csl", "config-hygiene"], configs=configs
    )
    assert statuses(result, "logging.yaml")["CSL-LOG-RETENTION"] is expected
    assert statuses(result, "loki/config.yaml")["CFG-LOG-RETENTION"] is expected
    assert "CFG-LOG-RETENTION" not in statuses(result, "logging.yaml")


@pytest.mark.parametrize(
    ("last_audit", "expected"), [("2024-03-31", Status.FAIL), ("2025-01-15", Status.PASS)]
)
def test_over_10m_processor_audits_every_two_years(
    tmp_path: Path, last_audit: str, expected: Status
) -> None:
    inv = {"organization": org(individuals_total=12_000_000, last_pi_audit=last_audit)}
    result = audit(tmp_path, inv, packs=["pipl", "pi-audit"])
    got = statuses(result, "Acme Trading")
    assert got["PIPL-COMPLIANCE-AUDIT"] is expected
    assert "AUDIT-REGULAR" not in got
