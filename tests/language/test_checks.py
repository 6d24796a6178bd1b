"""Built-in named checks: validated PI detection and plaintext-secret detection."""

from __future__ import annotations

from typing import Any

import pytest

from dsaudit.language.checks import no_personal_information, no_plaintext_secrets
from dsaudit.redaction.pidetect import find_pi, luhn_valid, resident_id_valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [("11010519491231002X", True), ("110105194912310021", False), ("11010519491331002X", False),
     ("440524188001010014", False), ("44052418800101001", False)],
)  # fmt: skip
def test_resident_id_checksum(value: str, valid: bool) -> None:
    assert resident_id_valid(value) is valid


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("id 11010519491231002X", ["resident_id"]),
        ("card 4111 1111 1111 1111", ["bank_card"]),
        ("card 4111 1111 1111 1112", []),
        ("call +86 138-0013-8000? no: 13800138000", ["mobile"]),
        ("order 20261101123456789", []),
        ("mail li.wei@example.cn", ["email"]),
        ("security@example.com and root@localhost.localdomain", []),
        ("chacha20-poly1305@openssh.com,aes256-gcm@openssh.com", []),
        ("version 1.2.3", []),
    ],
)
def test_find_pi(text: str, kinds: list[str]) -> None:
    assert [m.kind for m in find_pi(text)] == kinds


def test_luhn() -> None:
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")


@pytest.mark.parametrize(
    ("item", "offending"),
    [
        ({"db": {"password": "hunter2!"}}, [("db", "password")]),
        ({"DB_PASS": "s3cret"}, [("DB_PASS",)]),
        ({"api_key": "${API_KEY}"}, []),
        ({"client_secret": "vault:secret/app#client"}, []),
        ({"ssl_key_password_file": "/etc/ssl/pw"}, []),
        ({"private_key": "/etc/ssl/private/app.key"}, []),
        ({"directives": {"proxy_pass": [["http://upstream"]]}}, []),
        ({"settings": {"server_tokens": "off", "password_encryption": "scram-sha-256"}}, []),
        ({"token_endpoint": "https://sso.example.com/token"}, []),
        ({"users": [{"name": "a", "token": "abc123def"}]}, [("users", 0, "token")]),
    ],
)
def test_no_plaintext_secrets(item: dict[str, Any], offending: list[tuple[Any, ...]]) -> None:
    assert [p for p, _ in no_plaintext_secrets(item, None)] == offending  # type: ignore[arg-type]


def test_no_personal_information_skips_listed_keys() -> None:
    item = {"support_email": "li.wei@example.cn", "owner": {"phone": "13800138000"}}
    found = no_personal_information(item, None, ignore_keys=["support_email"])  # type: ignore[arg-type]
    assert [p for p, _ in found] == [("owner", "phone")]
