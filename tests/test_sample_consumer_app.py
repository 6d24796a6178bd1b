"""The consumer-app sample (sample_configs/consumer-app): its exact findings, checked by hand.

Panda Kids Learning processes children's data and exports personal information; the README
explains each violation. The audit runs every shipped pack as of 2026-06-01 (its dsaudit.yaml).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dsaudit.audit import run_audit
from dsaudit.core.models import AuditResult, Status
from dsaudit.project.config import build_config

SAMPLE = Path(__file__).resolve().parents[1] / "sample_configs" / "consumer-app"
ORG = "Panda Kids Learning Technology Co., Ltd."

EXPECTED_FAILURES = {
    # configs
    ("CFG-ENCRYPTION-AT-REST", "config/storage/s3-analytics.yaml"),
    ("CFG-HTTP-ENDPOINT", "config/services/recommender.yaml"),
    ("CFG-PI-IN-CONFIG", "config/test/fixtures.ini"),
    ("CFG-PLAINTEXT-SECRETS", "config/services/sms.env"),
    ("CFG-TLS-ENABLED", "config/cache/redis.json"),
    ("CFG-TLS-MIN-VERSION", "config/db/postgres.yaml"),
    ("CSL-LOG-RETENTION", "config/logging/logging.yaml"),
    # systems
    ("FRT-PIA", "centre-cameras"),  # face recognition with no impact assessment covering it
    ("MLPS-EVAL-L2", "centre-cameras"),
    ("PIPL-AUTOMATED-DECISION-OPTOUT", "recommender"),
    ("PIPL-PUBLIC-CAMERA-PURPOSE", "centre-cameras"),
    # apps (inventory/apps.yaml): an e-book reader (type 35, needs no PI) requires a phone number
    # and the device id and refuses its basic function without them; the main app records no
    # basic-function behaviour (a low note)
    ("APPPI-NECESSARY-SCOPE", "picture-books"),
    ("APPPI-BASIC-FUNCTION", "picture-books"),
    ("APPPI-APP-FACTS", "kids-app"),
    # datasets
    ("MPL-GUARDIAN-CONSENT", "voice-practice"),
    ("PIPL-MINOR-GUARDIAN-CONSENT", "voice-practice"),
    ("PIPL-SENSITIVE-NECESSITY", "voice-practice"),
    ("NDSMR-CONSENT-RETENTION", "learning-analytics"),
    ("PIPL-RETENTION-DELETION", "learning-analytics"),
    ("PIPL-RETENTION-LIMIT", "learning-analytics"),
    ("PIPL-LEGAL-BASIS", "support-tickets"),
    ("PIPL-SENSITIVE-SEPARATE-CONSENT", "support-tickets"),
    ("PIPL-SENSITIVE-SEPARATE-CONSENT", "visitor-faces"),
    # processors
    ("NDSMR-PROCESSOR-CONTRACT", "p-callcentre"),
    ("PIPL-ENTRUSTED-CONTRACT", "p-callcentre"),
    ("PIPL-ENTRUSTED-DELETION", "p-callcentre"),
    # organization and records
    ("PIPL-COMPLIANCE-AUDIT", ORG),
    ("PIPL-PIA-RETENTION", "pia-analytics"),
    # minors' platform (inventory/organization.yaml, last block): 2.1M monthly active minors
    # meet the Identification Measures 2026 Art. 6; no evidence of the Art. 20 duties, and the
    # last social-responsibility report (2024-04-20) is more than a year old
    ("MINREG-PLATFORM-DUTIES", ORG),
    ("MINREG-PLATFORM-SR-REPORT", ORG),
    # incidents (inventory/incidents-grading.yaml): 1.2M parents' phone numbers leaked, graded
    # general; the Grading Guide makes a leak of 1M or more at least relatively major. The
    # authority may order an audit after such an incident (an info note).
    ("INC-GRADE-CONSISTENT", "inc-2026-05-export"),
    ("AUDIT-ORDERED", "inc-2026-05-export"),
    # transfers: 137,000 individuals and 12,000 individuals' sensitive PI counted in 2026
    ("PIPL-SHARING-SEPARATE-CONSENT", "t-bookstore-cn"),
    ("XB-ASSESS", "t-voice-jp"),
    ("XB-CONSENT", "t-voice-jp"),
    ("XB-EXEMPT", "t-crash-de"),
    ("XB-PIA", "t-crash-de"),
    ("XB-SCC-CERT", "t-crash-de"),
}

EXPECTED_PASSES = {
    ("XB-EXEMPT", "t-hr-hq"),
    ("XB-EXEMPT", "t-payments"),
    ("XB-SCC-CERT", "t-analytics-us"),
    ("XB-APPROVAL-RECORDED", "t-voice-jp"),
    ("PIPL-MINOR-GUARDIAN-CONSENT", "child-profiles"),
    ("PIPL-MINOR-POLICY", "voice-practice"),
    ("PIPL-SENSITIVE-SEPARATE-CONSENT", "parent-accounts"),
    ("PIPL-ENTRUSTED-DELETION", "p-sms"),
    ("PIPL-PIPO", ORG),
    ("PIPL-NOTICE", ORG),
    ("PIPL-TRAINING", ORG),
    ("CFG-LOG-RETENTION", "config/logging/loki.yaml"),
    ("MINREG-ANNUAL-AUDIT", ORG),  # minors-audit-2025 (2025-09-01) is within a calendar year
    ("INC-GRADED", "inc-2026-05-export"),
    ("INC-GRADED", "inc-2026-03"),
    # apps: the parents' mini program requires only the phone number (学习教育类) and works
    # without the rest; the main app's required phone number is within its type too
    ("APPPI-NECESSARY-SCOPE", "parent-mini"),
    ("APPPI-BASIC-FUNCTION", "parent-mini"),
    ("APPPI-APP-FACTS", "parent-mini"),
    ("APPPI-NECESSARY-SCOPE", "kids-app"),
}


@pytest.fixture(scope="module")
def audit() -> AuditResult:
    config = build_config(SAMPLE)
    return run_audit(config)


def test_runs_as_of_its_configured_date_without_errors(audit: AuditResult) -> None:
    assert audit.metadata["as_of"] == "2026-06-01"
    assert [e.message for e in audit.errors] == []
    assert [r for r in audit.results if r.status is Status.ERROR] == []


def test_exact_failing_findings(audit: AuditResult) -> None:
    failing = {
        (r.rule_id, r.resource_id, str(r.status)) for r in audit.results if r.status is Status.FAIL
    }
    assert failing == {(rule, res, "fail") for rule, res in EXPECTED_FAILURES}


def test_compliant_items_pass(audit: AuditResult) -> None:
    passing = {(r.rule_id, r.resource_id) for r in audit.results if r.status is Status.PASS}
    assert EXPECTED_PASSES - passing == set()


def test_a_compliant_export_flips_when_volumes_grow(tmp_path: Path) -> None:
    """t-analytics-us passes on a standard contract only while the 2026 total stays under 1M
    (995,000 + 30,000 + 12,000 crosses it)."""
    copy = tmp_path / "consumer-app"
    shutil.copytree(SAMPLE, copy)
    transfers = copy / "inventory" / "transfers.yaml"
    transfers.write_text(
        transfers.read_text("utf-8").replace("individuals_ytd: 95000", "individuals_ytd: 995000"),
        "utf-8",
    )
    result = run_audit(build_config(copy))
    got = {(r.rule_id, r.resource_id): r.status for r in result.results}
    assert got[("XB-ASSESS", "t-analytics-us")] is Status.FAIL
    assert ("XB-SCC-CERT", "t-analytics-us") not in got


def test_the_grading_and_platform_findings_follow_the_facts(tmp_path: Path) -> None:
    """inc-2026-05-export passes once graded relatively major; under 1M monthly active minors
    (and 9M registered minors, a service not only for minors) the platform rules do not apply."""
    copy = tmp_path / "consumer-app"
    shutil.copytree(SAMPLE, copy)
    incidents = copy / "inventory" / "incidents-grading.yaml"
    incidents.write_text(
        incidents.read_text("utf-8").replace("grade: general", "grade: relatively_major"), "utf-8"
    )
    org = copy / "inventory" / "organization.yaml"
    org.write_text(
        org.read_text("utf-8").replace(
            "minors_monthly_active_users: 2100000", "minors_monthly_active_users: 999999"
        ),
        "utf-8",
    )
    result = run_audit(build_config(copy))
    got = {(r.rule_id, r.resource_id): r.status for r in result.results}
    assert got[("INC-GRADE-CONSISTENT", "inc-2026-05-export")] is Status.PASS
    assert ("MINREG-PLATFORM-DUTIES", ORG) not in got
    assert ("MINREG-PLATFORM-SR-REPORT", ORG) not in got


def test_the_reader_apps_finding_names_the_category_and_the_types_necessary_pi(
    audit: AuditResult,
) -> None:
    """picture-books is an e-book reader (电子图书类, type 35): its basic function needs no PI."""
    found = {(r.rule_id, r.resource_id): r for r in audit.results}
    scopes = [
        r
        for r in audit.results
        if (r.rule_id, r.resource_id) == ("APPPI-NECESSARY-SCOPE", "picture-books")
    ]
    # one finding per offending category (docs/rules.md, "One finding per offending value")
    assert sorted(r.message.split(" marks ")[1].split(" ")[0] for r in scopes) == [
        "device_id",
        "phone_number",
    ]
    scope = next(r for r in scopes if "marks phone_number" in r.message)
    assert scope.message.startswith(
        "App picture-books marks phone_number required for its basic function, which is beyond "
        "the necessary PI of its type: 电子图书类 (35, ebook), whose basic function needs no "
        "personal information."
    )
    assert [e.value for e in scope.evidence] == ["phone_number"]
    assert str(scope.severity) == "high"
    assert str(found[("APPPI-APP-FACTS", "kids-app")].severity) == "low"
