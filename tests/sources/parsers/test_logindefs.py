"""login.defs: NAME value lines, last value wins, integers, errors with line."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from dsaudit.core.errors import ParseError
from dsaudit.core.limits import Limits
from dsaudit.sources.parsers.logindefs import LoginDefsParser, parse_login_defs

LIMITS = Limits()


def test_settings_last_value_wins_with_lines() -> None:
    text = (
        b"# aging\nPASS_MAX_DAYS\t99999\n  PASS_MIN_LEN   5\nENCRYPT_METHOD SHA512\n"
        b"PASS_MAX_DAYS 90\n"
    )
    doc = parse_login_defs("etc/login.defs", text, LIMITS)
    assert doc.data == {
        "format": "login_defs",
        "settings": {"PASS_MAX_DAYS": 90, "PASS_MIN_LEN": 5, "ENCRYPT_METHOD": "SHA512"},
    }
    assert doc.locator.line_of(("settings", "PASS_MAX_DAYS")) == 5


def test_quoted_values_and_negative_numbers() -> None:
    doc = parse_login_defs("l", b'ENV_PATH "PATH=/usr/bin:/bin"\nPASS_MAX_DAYS -1\n', LIMITS)
    assert doc.data["settings"] == {"ENV_PATH": "PATH=/usr/bin:/bin", "PASS_MAX_DAYS": -1}


@pytest.mark.parametrize(
    ("text", "line"),
    [(b"UMASK 022\n= 5\n", 2), (b"PASS_MAX_DAYS\n", 1)],
    ids=["no-name", "no-value"],
)
def test_malformed_lines_name_the_line(text: bytes, line: int) -> None:
    with pytest.raises(ParseError) as info:
        parse_login_defs("etc/login.defs", text, LIMITS)
    assert info.value.line == line


def test_claims_login_defs_only() -> None:
    parser = LoginDefsParser()
    assert parser.claims(PurePosixPath("servers/a/etc/login.defs"))
    assert not parser.claims(PurePosixPath("etc/login.defs.bak"))
