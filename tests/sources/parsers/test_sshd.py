"""sshd_config: first value wins, Match blocks, Include, derived timeouts and factors."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest

from dsaudit.core.errors import ParseError
from dsaudit.core.limits import Limits
from dsaudit.sources.parsers.sshd import SshdParser, parse_sshd, sshd_seconds

LIMITS = Limits()
PATH = "etc/ssh/sshd_config"


def parse(text: str, root: Path | None = None, path: str = PATH):  # type: ignore[no-untyped-def]
    return parse_sshd(path, textwrap.dedent(text).lstrip("\n").encode(), LIMITS, root)


def test_first_value_wins_and_keywords_are_case_insensitive() -> None:
    doc = parse(
        """
        # comment
        PermitRootLogin No
        permitrootlogin yes
          MaxAuthTries   4
        Port 22
        port 2222
        """
    )
    settings = doc.data["settings"]
    assert settings["permitrootlogin"] == "no"
    assert settings["maxauthtries"] == 4
    assert settings["port"] == ["22", "2222"], "list keywords accumulate"
    assert doc.locator.line_of(("settings", "permitrootlogin")) == 2
    assert doc.locator.line_of(("settings", "port", 1)) == 6


def test_equals_syntax_quotes_and_inline_comments() -> None:
    doc = parse(
        """
        Banner="/etc/issue net"
        LogLevel=VERBOSE # trailing comment
        AcceptEnv LANG LC_*
        """
    )
    settings = doc.data["settings"]
    assert settings["banner"] == "/etc/issue net"
    assert settings["loglevel"] == "verbose"
    assert settings["acceptenv"] == ["LANG", "LC_*"]


def test_match_blocks_hold_their_own_settings_and_lines() -> None:
    doc = parse(
        """
        PermitRootLogin no
        Match User backup Address 10.0.0.0/8
            PermitRootLogin yes
            PermitRootLogin no
        Match All
            X11Forwarding no
        """
    )
    blocks = doc.data["match_blocks"]
    assert doc.data["settings"] == {"permitrootlogin": "no"}
    assert blocks[0]["criteria"] == {"user": "backup", "address": "10.0.0.0/8"}
    assert blocks[0]["settings"] == {"permitrootlogin": "yes"}
    assert blocks[1]["criteria"] == {"all": True}
    assert doc.locator.line_of(("match_blocks", 0, "settings", "permitrootlogin")) == 3
    assert doc.locator.line_of(("match_blocks", 1)) == 5


def test_drop_ins_included_first_override_the_main_file(
    make_tree: Callable[[dict[str, str]], Path],
) -> None:
    root = make_tree(
        {
            "h1/etc/ssh/sshd_config": """
                Include /etc/ssh/sshd_config.d/*.conf
                PermitRootLogin no
                PasswordAuthentication no
                """,
            "h1/etc/ssh/sshd_config.d/50-cloud.conf": """
                # cloud-init
                PasswordAuthentication yes
                Match User deploy
                  PermitRootLogin yes
                """,
        }
    )
    path = "h1/etc/ssh/sshd_config"
    doc = parse_sshd(path, (root / path).read_bytes(), LIMITS, root)
    data = doc.data
    assert data["settings"]["passwordauthentication"] == "yes"
    assert data["settings"]["permitrootlogin"] == "no", "a Match in an include ends with it"
    assert data["match_blocks"][0]["settings"] == {"permitrootlogin": "yes"}
    assert doc.locator.line_of(("settings", "passwordauthentication")) == 1
    assert data["origins"]["settings.passwordauthentication"] == (
        "h1/etc/ssh/sshd_config.d/50-cloud.conf:2"
    )
    assert data["includes"][0]["status"] == "read"


def test_missing_and_unread_includes_are_noted_not_fatal(
    make_tree: Callable[[dict[str, str]], Path],
) -> None:
    text = "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n"
    root = make_tree({PATH: text})
    missing = parse(text, root).data["includes"]
    unread = parse(text).data["includes"]
    assert missing[0]["status"] == "missing"
    assert unread[0]["status"] == "not_read"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("Port 22\n@bad value\n", 2, "does not start with a keyword"),
        ("Port 22\nPermitRootLogin\n", 2, "needs a value"),
        ("Match\n", 1, "needs criteria"),
        ("Match User\n", 1, "needs a value"),
        ("Match Planet mars\n", 1, "unknown Match criterion"),
        ('Banner "/etc/issue\n', 1, "unterminated"),
    ],
    ids=["bad-keyword", "no-value", "match-empty", "match-odd", "match-unknown", "quote"],
)
def test_malformed_lines_raise_with_file_and_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    assert (info.value.file, info.value.line) == (PATH, line)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("interval", "count", "expected"),
    [
        ("300", "2", 600),
        ("5m", None, 900),
        ("0", "3", None),
        ("300", "0", None),
        (None, None, None),
    ],
    ids=["300x2", "5m-default-count", "disabled", "count-zero", "unset"],
)
def test_idle_timeout(interval: str | None, count: str | None, expected: int | None) -> None:
    text = f"ClientAliveInterval {interval}\n" if interval else ""
    text += f"ClientAliveCountMax {count}\n" if count else ""
    assert parse(text or "Port 22\n").data["idle_timeout_seconds"] == expected


@pytest.mark.parametrize(
    ("methods", "mfa"),
    [
        ("publickey,keyboard-interactive", True),
        ("publickey,password publickey,keyboard-interactive", True),
        ("publickey password", False),
        ("any", False),
        (None, False),
    ],
)
def test_mfa_required_when_every_method_list_chains_two(methods: str | None, mfa: bool) -> None:
    text = f"AuthenticationMethods {methods}\n" if methods else "Port 22\n"
    assert parse(text).data["mfa_required"] is mfa


def test_algorithm_lists_drop_removals_and_prefixes() -> None:
    doc = parse("Ciphers +aes128-cbc,-3des-cbc,aes256-gcm@openssh.com\n")
    assert doc.data["algorithms"]["ciphers"] == ["aes128-cbc", "aes256-gcm@openssh.com"]
    assert doc.data["algorithms_removed"]["ciphers"] == ["3des-cbc"]
    assert doc.locator.line_of(("algorithms", "ciphers", 0)) == 1


@pytest.mark.parametrize(
    ("value", "seconds"), [("90", 90), ("1h30m", 5400), ("2W", 1209600), ("x", None), ("", None)]
)
def test_sshd_time_format(value: str, seconds: int | None) -> None:
    assert sshd_seconds(value) == seconds


@pytest.mark.parametrize(
    ("path", "claimed"),
    [("etc/ssh/sshd_config", True), ("h/etc/ssh/ssh_config", False),
     ("etc/ssh/sshd_config.d/10.conf", False)],
)  # fmt: skip
def test_claims(path: str, claimed: bool) -> None:
    assert SshdParser().claims(PurePosixPath(path)) is claimed
