"""The hospital-group sample (sample_configs/cn-hospital): its exact findings are pinned.

Every finding below was checked by hand against the sample's README ("Deliberate problems").
When a rule or the sample changes on purpose, update both.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from dsaudit.audit import run_audit
from dsaudit.core.models import AuditResult, Status
from dsaudit.project.config import build_config

SAMPLE = Path(__file__).resolve().parent.parent / "sample_configs" / "cn-hospital"

EXPECTED_FAILURES = {
    # 1. PI of a CIIO stored in Singapore
    ("CSL-CIIO-LOCALIZATION", "research-cohort-sg", "fail"),
    ("CFG-STORAGE-REGION", "configs/research/export.yaml", "fail"),
    # 2. CIIO export on a standard contract instead of a security assessment
    ("CSL-CIIO-EXPORT-ASSESSMENT", "xb-research-sg", "fail"),
    ("XB-ASSESS", "xb-research-sg", "fail"),
    # 3. application logs kept 90 days
    ("CSL-LOG-RETENTION", "configs/logging/app-logging.yaml", "fail"),
    # 4. PACS without disaster recovery, backup switched off
    ("CIIR-DR-BACKUP", "pacs", "fail"),
    ("CFG-BACKUP-ENABLED", "configs/pacs/storage.ini", "fail"),
    # 5.-7. MLPS administration
    ("MLPS-EVAL-L3", "pacs", "fail"),
    ("MLPS-FILING", "research-dw", "fail"),
    ("MLPS-CRYPTO-ASSESSMENT", "emr", "fail"),
    # 8. emergency plan drill evidence is stale
    ("CIIR-PLAN-DRILL", "Huaxia Health Group", "fail"),
    # 9. major incident reported after 3 h 20 min (CIIO: 1 h)
    ("INC-REPORT-CIIO", "inc-2026-ransomware", "fail"),
    # 10.-11. NDSMR
    ("NDSMR-IMPORTANT-DECLARED", "genomics-cohort", "fail"),
    ("NDSMR-PROVISION-RECORDS", "kangning-lab", "fail"),
    # 12. minors' data
    ("MINREG-ACCESS-CONTROL", "pediatrics", "fail"),
    ("MINREG-ANNUAL-AUDIT", "Huaxia Health Group", "fail"),
    # 13.-16. classification, owner, secrets, PI in configs
    ("DSL-CLASSIFICATION", "ops-metrics", "fail"),
    ("CSL-SECURITY-OWNER", "cctv", "fail"),
    ("CFG-PLAINTEXT-SECRETS", "configs/app/.env", "fail"),
    ("CFG-PI-IN-CONFIG", "configs/his/test-fixtures.yaml", "fail"),
    # 17. a CIIO exporting under a PI export certificate (certification is not open to CIIOs)
    ("XB-ASSESS", "xb-lab-jp", "fail"),
    ("CSL-CIIO-EXPORT-ASSESSMENT", "xb-lab-jp", "fail"),
    ("XB-CERT-ELIGIBLE", "xb-lab-jp", "fail"),
    # 18. the PIPO reported on 2025-09-15, after the 2025-08-29 deadline
    ("AUDIT-PIPO-FILED-ON-TIME", "Huaxia Health Group", "fail"),
    # 19. the patient app records no app type, required PI or basic-function behaviour (a note)
    ("APPPI-APP-FACTS", "patient-app", "fail"),
    # 20. the imaging cloud (CII) went live before its cryptography assessment
    ("MLPS-CRYPTO-GO-LIVE", "imaging-cloud", "fail"),
}


@pytest.fixture(scope="module")
def audit() -> AuditResult:
    return run_audit(build_config(SAMPLE))


def test_the_audit_is_complete(audit: AuditResult) -> None:
    assert [e.message for e in audit.errors] == []
    assert audit.metadata["as_of"] == "2026-06-01"
    assert not [r for r in audit.results if r.status is Status.ERROR]


def test_exact_failing_results(audit: AuditResult) -> None:
    failing = {
        (r.rule_id, r.resource_id, str(r.status))
        for r in audit.results
        if r.status is not Status.PASS
    }
    assert failing == EXPECTED_FAILURES


@pytest.mark.parametrize(
    ("rule_id", "resource_id"),
    [
        ("INC-REPORT-OPERATOR", "inc-2026-portal"),  # not CII: 4 h; reported in 40 min
        ("XB-EXEMPT", "xb-hr-hk"),  # the HR exemption covers a CIIO
        ("CSL-LOG-RETENTION", "configs/logging/audit-log.yaml"),  # 180 days
        ("MPL-GUARDIAN-CONSENT", "pediatrics"),
        ("CIIR-ANNUAL-ASSESSMENT", "Huaxia Health Group"),
        ("NDSMR-ANNUAL-ASSESSMENT", "Huaxia Health Group"),
        # the certificate itself: its last day of validity is the audit date, within scope
        ("XB-CERT-VALID", "xb-lab-jp"),
        ("XB-APPROVAL-VALID", "xb-lab-jp"),
        ("XB-CERT-SCOPE", "xb-lab-jp"),
        ("XB-CERT-TERM", "a-cert-lab-jp"),
        # two audits in a row by the same professional body are allowed
        ("AUDIT-ROTATION", "a-pi-audit-2025"),
        ("AUDIT-PIPO-CONTACT", "Huaxia Health Group"),
        ("NDSMR-ANNUAL-REPORT-CONTENTS", "a-important-2026"),  # items (1)-(6) recorded
        ("MLPS-CRYPTO-ASSESSMENT", "his"),  # assessed 2025-12-01
        ("MLPS-CRYPTO-ASSESSMENT", "imaging-cloud"),  # assessed within its first year
    ],
)
def test_compliant_items_pass(audit: AuditResult, rule_id: str, resource_id: str) -> None:
    statuses = {
        r.status for r in audit.results if (r.rule_id, r.resource_id) == (rule_id, resource_id)
    }
    assert statuses == {Status.PASS}


def test_the_hr_transfer_is_not_judged_by_the_ciio_export_rule(audit: AuditResult) -> None:
    ids = {r.resource_id for r in audit.results if r.rule_id == "CSL-CIIO-EXPORT-ASSESSMENT"}
    assert ids == {"xb-research-sg", "xb-lab-jp"}


def test_the_certificate_expires_the_day_after_the_audit(audit: AuditResult) -> None:
    """Issued 2023-06-01: the audit date 2026-06-01 is its last day (three calendar years)."""
    later = build_config(SAMPLE)
    later.as_of = dt.date(2026, 6, 2)
    statuses = {
        (r.rule_id, str(r.status))
        for r in run_audit(later).results
        if r.resource_id == "xb-lab-jp" and r.rule_id in ("XB-CERT-VALID", "XB-APPROVAL-VALID")
    }
    assert statuses == {("XB-CERT-VALID", "fail"), ("XB-APPROVAL-VALID", "fail")}


def test_readme_names_every_failing_rule() -> None:
    readme = (SAMPLE / "README.md").read_text("utf-8")
    named = set(re.findall(r"`([A-Z]+(?:-[A-Z0-9]+)+)`", readme))
    assert {rule for rule, _, _ in EXPECTED_FAILURES} <= named
