"""A realistic audit built from the model classes, shared by the reporter tests.

It mixes config and inventory results, every status, several laws, a waiver, a suppression,
a baselined finding and tool errors. Evidence and messages carry planted personal information
and a secret *unmasked*, as a careless plugin might produce them: every reporter must mask them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from projectkit import REPO_ROOT

from dsaudit.core.models import (
    AuditResult,
    Evidence,
    LawRef,
    Location,
    Result,
    Rule,
    Severity,
    Status,
)

SCHEMAS = Path("/work/shared/schemas")
if not SCHEMAS.is_dir():  # pragma: no cover - the checkout layout next to ../shared
    SCHEMAS = REPO_ROOT.parent / "shared" / "schemas"

PLANTED = {
    "mobile": "13912345678",
    "resident_id": "11010519900307123X",
    "email": "zhang.san@example.com",
    "secret": "S3cr3t-Planted-Pw!",
    "card": "6222021234567890123",
}
"""Values that must never appear in any rendered report."""


def _always(*_: object) -> bool:
    return True


def _rule(
    rule_id: str,
    title: str,
    severity: Severity,
    kind: str,
    pack: str,
    refs: tuple[LawRef, ...],
    *,
    manual: bool = False,
) -> Rule:
    return Rule(
        id=rule_id,
        title=title,
        severity=severity,
        kind=kind,
        pack=pack,
        refs=refs,
        condition=_always,
        when=None,
        message=f"{title}: {{resource}}",
        remediation=f"Fix it: {title.lower()}.",
        description=f"{title}. Required by {'; '.join(str(r) for r in refs)}.",
        tags=("security", kind),
        params={"min_days": 180} if rule_id == "CSL-21-LOGS" else {},
        param_defaults={"min_days": 180} if rule_id == "CSL-21-LOGS" else {},
        manual=manual,
        source=Location(f"rules/{pack}/pack.yaml", 10),
        help_uri=f"https://dsaudit.example/rules/{rule_id}",
    )


def build_rules() -> dict[str, Rule]:
    rules = [
        _rule(
            "PIPL-51-ENC",
            "Personal information encrypted at rest",
            Severity.HIGH,
            "dataset",
            "cn-pipl",
            (LawRef("PIPL", "51", clause="3", title="Security measures"),),
        ),
        _rule(
            "PIPL-38-XBORDER",
            "Cross-border transfer has a legal mechanism",
            Severity.CRITICAL,
            "transfer",
            "cn-pipl",
            (LawRef("PIPL", "38", title="Conditions for provision abroad"),),
        ),
        _rule(
            "PIPL-52-PIPO",
            "Personal information protection officer appointed",
            Severity.MEDIUM,
            "organization",
            "cn-pipl",
            (LawRef("PIPL", "52"),),
        ),
        _rule(
            "PIPL-54-AUDIT",
            "Regular compliance audit performed",
            Severity.LOW,
            "organization",
            "cn-pipl",
            (LawRef("PIPL", "54"),),
            manual=True,
        ),
        _rule(
            "CSL-21-LOGS",
            "Network logs kept for at least 6 months",
            Severity.HIGH,
            "config",
            "cn-csl",
            (LawRef("CSL", "23", clause="3", former_article="21"),),
        ),
        _rule(
            "CSL-SECRETS",
            "No plaintext secrets in configuration",
            Severity.CRITICAL,
            "config",
            "cn-csl",
            (LawRef("CSL", "23", former_article="21"), LawRef("DSL", "27")),
        ),
        _rule(
            "DSL-21-CLASS",
            "Datasets are classified",
            Severity.MEDIUM,
            "dataset",
            "cn-dsl",
            (LawRef("DSL", "21", title="Data classification"),),
        ),
        _rule(
            "DSL-30-RISK",
            "Important data risk assessment filed",
            Severity.HIGH,
            "dataset",
            "cn-dsl",
            (LawRef("DSL", "30"),),
        ),
    ]
    return {rule.id: rule for rule in rules}


def build_results() -> list[Result]:
    p = PLANTED
    return [
        Result(
            "PIPL-51-ENC",
            Status.FAIL,
            Severity.HIGH,
            "dataset",
            "customers",
            message=f"dataset customers (owner {p['email']}) is not encrypted at rest",
            location=Location("inventory/datasets.yaml", 12, "/datasets/0/encryption_at_rest"),
            evidence=(
                Evidence("/datasets/0/encryption_at_rest", "false"),
                Evidence("/datasets/0/contact_phone", p["mobile"]),
                Evidence("/datasets/0/sample_id", p["resident_id"]),
            ),
            pack="cn-pipl",
            fingerprint_basis="/encryption_at_rest",
        ),
        Result(
            "PIPL-51-ENC",
            Status.PASS,
            Severity.HIGH,
            "dataset",
            "orders",
            message="dataset orders is encrypted at rest",
            location=Location("inventory/datasets.yaml", 30, "/datasets/1"),
            pack="cn-pipl",
        ),
        Result(
            "PIPL-51-ENC",
            Status.WAIVED,
            Severity.HIGH,
            "dataset",
            "logs-archive",
            message="dataset logs-archive is not encrypted at rest",
            location=Location("inventory/datasets.yaml", 44, "/datasets/2/encryption_at_rest"),
            evidence=(Evidence("/datasets/2/encryption_at_rest", "false"),),
            pack="cn-pipl",
            fingerprint_basis="/encryption_at_rest",
            waiver={
                "id": "W-2026-007",
                "approved_by": "Li Wei (DPO)",
                "reason": "Archive is offline tape; migration scheduled",
                "expires": dt.date(2026, 12, 31),
                "contact": f"DPO office, {PLANTED['mobile']}",
            },
        ),
        Result(
            "PIPL-38-XBORDER",
            Status.FAIL,
            Severity.CRITICAL,
            "transfer",
            "crm-to-sg",
            message="transfer crm-to-sg to SG has no mechanism (contact <b>ops</b> & legal)",
            location=Location("inventory/transfers.yaml", 5, "/transfers/0/mechanism"),
            evidence=(
                Evidence("/transfers/0/mechanism", "null"),
                Evidence("/transfers/0/individuals_ytd", "250000"),
                Evidence("/transfers/0/dpo_email", p["email"]),
                Evidence("/transfers/0/billing_card", p["card"]),
            ),
            pack="cn-pipl",
            fingerprint_basis="/mechanism",
        ),
        Result(
            "PIPL-38-XBORDER",
            Status.NOT_APPLICABLE,
            Severity.CRITICAL,
            "transfer",
            "internal-bi",
            message="transfer stays in mainland China",
            location=Location("inventory/transfers.yaml", 20, "/transfers/1"),
            pack="cn-pipl",
        ),
        Result(
            "PIPL-52-PIPO",
            Status.PASS,
            Severity.MEDIUM,
            "organization",
            "acme",
            message="a PI protection officer is appointed",
            location=Location("inventory/org.yaml", 3, "/pipo"),
            pack="cn-pipl",
        ),
        Result(
            "PIPL-54-AUDIT",
            Status.MANUAL,
            Severity.LOW,
            "organization",
            "acme",
            message="attach the latest compliance audit report",
            location=Location("inventory/org.yaml", 1),
            pack="cn-pipl",
        ),
        Result(
            "CSL-21-LOGS",
            Status.FAIL,
            Severity.HIGH,
            "config",
            "configs/nginx/nginx.conf",
            message="log retention is 90 days; at least 180 required",
            location=Location("configs/nginx/nginx.conf", 7, "/http/access_log/retention_days"),
            evidence=(Evidence("/http/access_log/retention_days", "90"),),
            pack="cn-csl",
            fingerprint_basis="/http/access_log/retention_days",
        ),
        Result(
            "CSL-21-LOGS",
            Status.SUPPRESSED,
            Severity.HIGH,
            "config",
            "configs/legacy app/app.yaml",
            message="log retention is 30 days; at least 180 required",
            location=Location("configs/legacy app/app.yaml", 9, "/logging/retention_days"),
            evidence=(Evidence("/logging/retention_days", "30"),),
            pack="cn-csl",
            fingerprint_basis="/logging/retention_days",
            suppression="dsaudit: ignore[CSL-21-LOGS] legacy system, decommissioned in Q2",
        ),
        Result(
            "CSL-21-LOGS",
            Status.PASS,
            Severity.HIGH,
            "config",
            "configs/app.yaml",
            message="log retention is 365 days",
            location=Location("configs/app.yaml", 14, "/logging/retention_days"),
            pack="cn-csl",
        ),
        Result(
            "CSL-SECRETS",
            Status.FAIL,
            Severity.CRITICAL,
            "config",
            "configs/app.yaml",
            message="database password stored in plaintext",
            location=Location("configs/app.yaml", 3, "/database/password"),
            evidence=(Evidence("/database/password", p["secret"]),),
            pack="cn-csl",
            fingerprint_basis="/database/password",
        ),
        Result(
            "DSL-21-CLASS",
            Status.ERROR,
            Severity.MEDIUM,
            "dataset",
            "hr",
            message="check classification_known raised TypeError",
            location=Location("inventory/datasets.yaml", 60, "/datasets/3"),
            pack="cn-dsl",
            detail="TypeError: unsupported operand type(s) in plugin acme-checks",
        ),
        Result(
            "DSL-21-CLASS",
            Status.FAIL,
            Severity.MEDIUM,
            "dataset",
            "marketing",
            message="dataset marketing has no classification",
            location=Location("inventory/datasets.yaml", 75, "/datasets/4/classification"),
            evidence=(Evidence("/datasets/4/classification", "null"),),
            pack="cn-dsl",
            fingerprint_basis="/classification",
            baselined=True,
        ),
    ]


def build_errors() -> list[Result]:
    return [
        Result(
            "DSAUDIT-PARSE",
            Status.ERROR,
            Severity.HIGH,
            "config",
            "configs/broken.yaml",
            message="configs/broken.yaml:4: mapping values are not allowed here",
            location=Location("configs/broken.yaml", 4),
            fingerprint_basis="parse",
        ),
        Result(
            "DSAUDIT-PLUGIN",
            Status.ERROR,
            Severity.HIGH,
            "plugin",
            "acme-sink",
            message="plugin acme-sink raised in dsaudit_audit_finished: ConnectionError",
            detail="ConnectionError: webhook unreachable",
        ),
    ]


def build_metadata() -> dict[str, object]:
    return {
        "tool": {"name": "dsaudit", "version": "0.1.0"},
        "python": "3.11.9",
        "platform": "Linux-x86_64",
        "started_at": "2026-01-15T08:00:00Z",
        "finished_at": "2026-01-15T08:00:03Z",
        "as_of": "2026-01-15",
        "target": "sample_configs/acme",
        "organization": "Acme Data Co.",
        "packs": [
            {
                "name": "cn-pipl",
                "version": "1.2.0",
                "sha256": "a" * 64,
                "path": "rules/cn-pipl",
                "rules": 4,
                "law": "PIPL",
                "title": "Personal Information Protection Law",
                "origin": "builtin",
            },
            {"name": "cn-csl", "version": "1.0.1", "sha256": "b" * 64, "path": "rules/cn-csl"},
            {"name": "cn-dsl", "version": "0.9.0", "sha256": "c" * 64, "path": "rules/cn-dsl"},
        ],
        "inputs": [
            {"path": "inventory/datasets.yaml", "sha256": "d" * 64, "kind": "inventory"},
            {"path": "configs/app.yaml", "sha256": "e" * 64, "kind": "config"},
        ],
        "parameters": {"CSL-21-LOGS": {"min_days": 180}},
        "guardrails": {"CSL-21-LOGS": ["min_days lowered below the legal 180 days"]},
        "inactive_rules": ["PIPL-XB-2022"],
        "disabled_rules": [],
        "not_applicable": {"PIPL-38-XBORDER": 1},
        "counts": {"resources": 9, "rules": 8, "results": 13, "errors": 2},
        "inline_suppressions": True,
        "fail_on": "high",
        "exit_code": 2,
    }


def build_audit() -> AuditResult:
    return AuditResult(
        results=build_results(),
        rules=build_rules(),
        metadata=build_metadata(),
        errors=build_errors(),
        waivers=[
            {
                "id": "W-2026-007",
                "rule": "PIPL-51-ENC",
                "resource": "dataset/logs-archive",
                "approved_by": "Li Wei (DPO)",
                "reason": "Archive is offline tape; migration scheduled",
                "expires": dt.date(2026, 12, 31),
                "contact": f"DPO office, {PLANTED['mobile']}",
            }
        ],
        warnings=["waiver W-2025-001 expired on 2025-12-31 and no longer applies"],
    )


@pytest.fixture
def audit() -> AuditResult:
    """A fresh realistic audit (tests may change it)."""
    return build_audit()


@pytest.fixture
def make_audit() -> Callable[[], AuditResult]:
    """A factory of fresh realistic audits."""
    return build_audit


@pytest.fixture
def planted() -> dict[str, str]:
    """Raw secrets and personal information planted in the audit's evidence and messages."""
    return dict(PLANTED)


@pytest.fixture
def schemas_dir() -> Path:
    """Folder holding sarif-2.1.0.json and junit.xsd."""
    if not (SCHEMAS / "sarif-2.1.0.json").is_file():
        pytest.skip(f"shared schemas not found at {SCHEMAS}")
    return SCHEMAS
