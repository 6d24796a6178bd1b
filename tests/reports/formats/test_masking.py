"""mask_value / mask_text: what is masked, how, and that masking is idempotent."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsaudit.core.models import Evidence
from dsaudit.redaction.masking import (
    FULL_MASK,
    _mask_patterns,
    mask_evidence,
    mask_text,
    mask_value,
)

CASES = [
    ("/phone", "13800138078", "13*******78"),
    ("/phone", "+86 13800138078", "+8***********78"),
    ("/owner", "alice@example.com", "al*************om"),
    ("/id", "11010519491231002X", "11**************2X"),
    ("/card", "6222021234567890123", "62***************23"),
    ("/card", "6222 0212 3456 7890", "62***************90"),
    ("/passport", "E12345678", "E1*****78"),
    ("/db/password", "hunter2hunter2", FULL_MASK),
    ("/apiKey", "abc", FULL_MASK),
    ("/AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG", FULL_MASK),
    ("/tls/private_key", "-----BEGIN PRIVATE KEY-----", FULL_MASK),
    ("/db/password", "${DB_PASSWORD}", "${DB_PASSWORD}"),
    ("/db/password", "", ""),
    ("/notes", "x" * 80, "xx****************xx"),
    ("/retention_days", 90, "90"),
    ("/key_rotation_days", 90, "90"),
    ("/ratio", 0.5, "0.5"),
    ("/enabled", True, "true"),
    ("/mechanism", None, "null"),
    ("/pin", 1234, FULL_MASK),
    ("/phone", 13800138078, "13*******78"),
    ("/region", "cn-north-1", "cn-north-1"),
    ("/window", "2024-01-01 2025-01-01", "2024-01-01 2025-01-01"),
    ("/tls/min_version", "TLSv1.2", "TLSv1.2"),
]


@pytest.mark.parametrize(
    ("path", "value", "expected"), CASES, ids=[f"{p}={v!r}"[:40] for p, v, _ in CASES]
)
def test_mask_value(path: str, value: object, expected: str) -> None:
    assert mask_value(path, value) == expected


@pytest.mark.parametrize(
    ("path", "value", "expected"), CASES, ids=[f"{p}={v!r}"[:40] for p, v, _ in CASES]
)
def test_masking_is_idempotent(path: str, value: object, expected: str) -> None:
    once = mask_value(path, value)
    assert mask_value(path, once) == once


def test_containers_are_masked_element_by_element() -> None:
    value = ["13800138078", {"password": "abc", "retention_days": 30, "ok": True}]
    masked = mask_value("/contacts", value)
    assert masked == '["13*******78", {"ok": true, "password": "****", "retention_days": 30}]'
    # A container already rendered as JSON text is re-masked the same way.
    assert mask_value("/contacts", masked) == masked
    raw_json = '{"token": "s3cr3t-value", "n": 1}'
    assert mask_value("/config", raw_json) == '{"n": 1, "token": "****"}'


def test_mask_text_masks_personal_information_inside_prose() -> None:
    text = "call 13800138078 or mail bob@corp.cn; card 6222021234567890123"
    masked = mask_text(text)
    assert masked == "call 13*******78 or mail bo*******cn; card 62***************23"
    assert mask_text(masked) == masked


def test_mask_text_masks_tokens_and_keys() -> None:
    text = "Authorization: Bearer abcdefghijklmnop key AKIAABCDEFGHIJKLMNOP"
    masked = mask_text(text)
    assert "abcdefghijklmnop" not in masked
    assert "AKIAABCDEFGHIJKLMNOP" not in masked


def test_mask_evidence_remasks_raw_values() -> None:
    evidence = (Evidence("/users/0/password", "p@ss-w0rd!"), Evidence("/users/0/age", "41"))
    assert mask_evidence(evidence) == (
        Evidence("/users/0/password", FULL_MASK),
        Evidence("/users/0/age", "41"),
    )


def test_short_personal_information_is_fully_masked() -> None:
    assert mask_value("/owner", "a@b.cn") == FULL_MASK


@given(st.text(alphabet=st.sampled_from("0123456789 -+@.abcdeEXxyzAKIbearB_-\n"), max_size=60))
def test_fast_path_agrees_with_the_patterns(text: str) -> None:
    assert mask_text(text) == _mask_patterns(text)
