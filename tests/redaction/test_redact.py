"""The one redaction: what it masks, at its exact boundaries, and what it keeps."""

from __future__ import annotations

import pytest

from dsaudit.core.models import AuditResult, Evidence, Location, Result, Severity, Status
from dsaudit.redaction.redact import (
    FULL_MASK,
    evidence_text,
    redact_audit,
    redact_basis,
    redact_text,
    redact_value,
)

MOBILE_CASES = [(f"1{p}912345678", f"1{p}*******78") for p in range(3, 10)]
NOT_MASKED = [
    "12912345678",  # second digit 2: not a mainland mobile prefix
    "10912345678",
    "1391234567",  # 10 digits
    "139123456789",  # 12 digits: not a mobile number, and too short for a card
    "2026-12-03T10:11:37Z",
    "host=db port=5432",
    "https://example.com/@user",
    "https://user@host/path",  # no password
    "PASS_MAX_DAYS 180",
]


@pytest.mark.parametrize(("raw", "masked"), MOBILE_CASES, ids=[c[0][:3] for c in MOBILE_CASES])
@pytest.mark.parametrize("around", ["{}", "/{}/tls_enabled", "id-{}.yaml", "call {} now", "a{}b"])
def test_every_mobile_prefix_is_masked_wherever_it_sits(raw: str, masked: str, around: str) -> None:
    assert redact_text(around.format(raw)) == around.format(masked)


@pytest.mark.parametrize("text", NOT_MASKED)
def test_what_is_not_personal_information_is_kept(text: str) -> None:
    assert redact_text(text) == text


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("139 1234 5678", "13*********78"),
        ("139-1234-5678", "13*********78"),
        ("+86 19912345678", "+8***********78"),
        ("8619912345678", "86*********78"),  # 13 digits: masked whole, never in part
        ("1391234567890", "13*********90"),
        ("139-1234 5678", "139-1234 5678"),  # mixed separators: not a grouped number
    ],
)
def test_mobile_number_forms(raw: str, masked: str) -> None:
    assert redact_text(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("110101199003074477", "11**************77"),
        ("11010519491231002X", "11**************2X"),
        ("configs/id-110101199003074477.yaml", "configs/id-11**************77.yaml"),
    ],
)
def test_resident_id_numbers(raw: str, masked: str) -> None:
    assert redact_text(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("postgres://u:S3cretPass@host/db", "postgres://u:****@host/db"),
        (
            '"postgres://u:S3cretPass@host/db".tls_enabled',
            '"postgres://u:****@host/db".tls_enabled',
        ),
        ("/postgres://u:S3cretPass@host/db/tls_enabled", "/postgres://u:****@host/db/tls_enabled"),
        ("redis://:pw@cache:6379/0", "redis://:****@cache:6379/0"),
        ("mysql://root:p@ss/w0rd@db:3306/app", "mysql://root:****@db:3306/app"),
        ("amqp://guest:guest@mq.example.com/vhost", "amqp://guest:****@mq.example.com/vhost"),
        ("see postgres://u:pw@host and more", "see postgres://u:****@host and more"),
    ],
)
def test_url_credentials_keep_scheme_user_and_host(raw: str, masked: str) -> None:
    assert redact_text(raw) == masked


@pytest.mark.parametrize(
    "text",
    [
        *(raw for raw, _ in MOBILE_CASES),
        "postgres://u:S3cretPass@host/db",
        "110101199003074477 and bob@corp.cn",
        "Bearer abcdefghijklmnop",
    ],
)
def test_redaction_is_deterministic_and_idempotent(text: str) -> None:
    once = redact_text(text)
    assert once != text
    assert redact_text(once) == once
    assert redact_text(str(text)) == once  # same input, same mask: reports stay diffable


def test_structured_values_mask_keys_and_keep_types_and_digests() -> None:
    digest = "2e061996884328994e134b838e935cc6886012167bd5041841ef5d24b963c02f"
    value = {
        "13912345678": {"count": 3, "ok": True, "none": None},
        "inputs": [{"path": "configs/id-110101199003074477.yaml", "sha256": digest}],
        "threshold": 1000000,
        "phone": 19912345678,
    }
    assert redact_value(value) == {
        "13*******78": {"count": 3, "ok": True, "none": None},
        "inputs": [{"path": "configs/id-11**************77.yaml", "sha256": digest}],
        "threshold": 1000000,
        "phone": "19*******78",
    }


def test_a_digest_is_kept_only_under_a_digest_key() -> None:
    assert redact_value({"sha256": "ab6222021234567890123cd"}) == {
        "sha256": "ab6222021234567890123cd"
    }
    assert redact_value({"note": "ab6222021234567890123cd"}) == {"note": "ab62***************23cd"}


def test_without_a_path_no_key_makes_a_secret() -> None:
    """Metadata and waivers: rule ids such as MLPS-IA-PASSWORD-COMPLEXITY are not secrets."""
    value = {"not_applicable": {"MLPS-IA-PASSWORD-COMPLEXITY": 65}, "methods": ["password"]}
    assert redact_value(value) == value
    assert redact_value(65, "/MLPS-IA-PASSWORD-COMPLEXITY") == FULL_MASK


@pytest.mark.parametrize(
    ("path", "value", "shown"),
    [
        ("settings.PASS_MAX_DAYS", 180, "180"),
        ("settings.PASS_MAX_DAYS", "180", "180"),
        ("db.password", "180", FULL_MASK),
        ("db.password", 180, FULL_MASK),
        ("13912345678.tls_enabled", False, "false"),
    ],
)
def test_evidence_text_is_idempotent_for_policy_numbers(
    path: str, value: object, shown: str
) -> None:
    assert evidence_text(path, value) == shown
    assert evidence_text(path, shown) == shown


@pytest.mark.parametrize(
    ("basis", "shown"),
    [
        ("13912345678.tls_enabled=False", "13*******78.tls_enabled=False"),
        ("db.password='hunter2'", "db.password=****"),
        ("acl='public-read'", "acl='public-read'"),
        ("configs/id-110101199003074477.yaml:: bad", "configs/id-11**************77.yaml:: bad"),
    ],
)
def test_fingerprint_basis(basis: str, shown: str) -> None:
    assert redact_basis(basis) == shown


def _result() -> Result:
    return Result(
        rule_id="CFG-TLS-ENABLED",
        status=Status.FAIL,
        severity=Severity.HIGH,
        resource_kind="config",
        resource_id="configs/mobile-19912345678.yaml",
        message="Encryption is off (postgres://u:S3cretPass@host/db.tls_enabled: false).",
        location=Location("configs/mobile-19912345678.yaml", 2, "/19912345678/tls_enabled"),
        evidence=(Evidence("19912345678.tls_enabled", "false"),),
        fingerprint_basis="19912345678.tls_enabled=False",
        waiver={"justification": "call 13912345678"},
        suppression="ok per 13912345678",
        detail="owner 110101199003074477",
    )


def test_redact_audit_masks_every_field_and_keeps_the_raw_fingerprint() -> None:
    raw = _result()
    audit = AuditResult(
        results=[raw],
        rules={},
        metadata={"organization": "Org 13912345678", "inputs": [{"path": raw.resource_id}]},
        errors=[],
        waivers=[{"id": "W 110101199003074477"}],
        warnings=["configs/mobile-19912345678.yaml: odd"],
    )
    shown = redact_audit(audit)
    (result,) = shown.results
    assert result.fingerprint == raw.fingerprint
    assert result.resource_id == "configs/mobile-19*******78.yaml"
    assert result.location == Location(
        "configs/mobile-19*******78.yaml", 2, "/19*******78/tls_enabled"
    )
    assert result.evidence == (Evidence("19*******78.tls_enabled", "false"),)
    assert result.fingerprint_basis == "19*******78.tls_enabled=False"
    assert "postgres://u:****@host" in result.message
    assert result.waiver == {"justification": "call 13*******78"}
    assert result.suppression == "ok per 13*******78"
    assert result.detail == "owner 11**************77"
    assert shown.metadata == {
        "organization": "Org 13*******78",
        "inputs": [{"path": "configs/mobile-19*******78.yaml"}],
    }
    assert shown.waivers == [{"id": "W 11**************77"}]
    assert shown.warnings == ["configs/mobile-19*******78.yaml: odd"]
    assert redact_audit(shown) is shown  # redacting twice costs nothing
    assert raw.resource_id == "configs/mobile-19912345678.yaml"  # the audit itself is untouched
