"""auditd.conf, journald.conf (with drop-ins) and rsyslog.conf."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest

from dsaudit.core.errors import ParseError
from dsaudit.core.limits import Limits
from dsaudit.sources.parsers.auditd import (
    AuditdParser,
    JournaldParser,
    RsyslogParser,
    parse_auditd,
    parse_journald,
    parse_rsyslog,
    systemd_days,
)

LIMITS = Limits()


def text(value: str) -> bytes:
    return textwrap.dedent(value).lstrip("\n").encode()


def test_auditd_last_value_wins_and_enums_are_lower_case() -> None:
    doc = parse_auditd(
        "etc/audit/auditd.conf",
        text(
            """
            # audit daemon
            num_logs = 5
            max_log_file_action = ROTATE
            action_mail_acct = root
            max_log_file_action=KEEP_LOGS
            """
        ),
        LIMITS,
    )
    assert doc.data["settings"] == {
        "num_logs": 5,
        "max_log_file_action": "keep_logs",
        "action_mail_acct": "root",
    }
    assert doc.locator.line_of(("settings", "max_log_file_action")) == 5
    with pytest.raises(ParseError) as info:
        parse_auditd("a", b"num_logs = 5\nflush INCREMENTAL\n", LIMITS)
    assert info.value.line == 2


@pytest.mark.parametrize(
    ("value", "days"),
    [("6month", 182.64), ("180d", 180.0), ("1y", 365.25), ("2week 1d", 15.0), ("12h", 0.5),
     ("1 year", 365.25), ("soon", None)],
)  # fmt: skip
def test_systemd_time_spans(value: str, days: float | None) -> None:
    assert systemd_days(value) == days


def test_journald_drop_ins_override_in_name_order(
    make_tree: Callable[[dict[str, str]], Path],
) -> None:
    root = make_tree(
        {
            "etc/systemd/journald.conf": "[Journal]\nStorage=volatile\n#MaxRetentionSec=\n",
            "etc/systemd/journald.conf.d/20-keep.conf": "[Journal]\nMaxRetentionSec=1y\n",
            "etc/systemd/journald.conf.d/10-disk.conf": "[Journal]\nStorage=persistent\n",
        }
    )
    path = "etc/systemd/journald.conf"
    doc = parse_journald(path, (root / path).read_bytes(), LIMITS, root)
    assert doc.data["storage"] == "persistent"
    assert doc.data["retention_days"] == 365.25
    assert doc.data["origins"]["settings.Storage"] == "etc/systemd/journald.conf.d/10-disk.conf"
    alone = parse_journald(path, (root / path).read_bytes(), LIMITS)
    assert (alone.data["storage"], alone.data["retention_days"]) == ("volatile", None)
    assert alone.locator.line_of(("storage",)) == 2


def test_journald_rejects_bad_spans_and_lines() -> None:
    with pytest.raises(ParseError) as info:
        parse_journald("j", b"[Journal]\nMaxRetentionSec=forever\n", LIMITS)
    assert info.value.line == 2
    with pytest.raises(ParseError) as info:
        parse_journald("j", b"[Journal]\nStorage persistent\n", LIMITS)
    assert info.value.line == 2


@pytest.mark.parametrize(
    ("rule", "logs_auth"),
    [
        ("authpriv.*  /var/log/secure", True),
        ("auth,authpriv.info  -/var/log/auth.log", True),
        ("*.info;mail.none;authpriv.none  /var/log/messages", False),
        ("*.info;mail.none  /var/log/messages", True),
        ("authpriv.*  @@siem.example:514", True),
        ("*.emerg  :omusrmsg:*", False),
        ("auth.warning  /var/log/auth.log", False),
    ],
)
def test_rsyslog_auth_logging(rule: str, logs_auth: bool) -> None:
    doc = parse_rsyslog("etc/rsyslog.conf", f"# rules\n{rule}\n".encode(), LIMITS)
    assert doc.data["logs_auth"] is logs_auth
    if logs_auth:
        assert doc.locator.line_of(("logs_auth",)) == 2


def test_rsyslog_statements_directives_and_includes(
    make_tree: Callable[[dict[str, str]], Path],
) -> None:
    root = make_tree(
        {
            "etc/rsyslog.conf": """
                module(load="imjournal"
                       StateFile="imjournal.state")
                $ModLoad imuxsock
                $WorkDirectory /var/lib/rsyslog
                include(file="/etc/rsyslog.d/*.conf")
                *.info /var/log/messages
                """,
            "etc/rsyslog.d/50-siem.conf": (
                'action(type="omfwd" target="siem.example" port="6514" protocol="tcp")\n'
            ),
        }
    )
    doc = parse_rsyslog("etc/rsyslog.conf", (root / "etc/rsyslog.conf").read_bytes(), LIMITS, root)
    assert doc.data["modules"] == ["imjournal", "imuxsock"]
    assert doc.data["directives"] == {"$WorkDirectory": "/var/lib/rsyslog"}
    assert doc.data["forwards"] == [{"target": "siem.example", "protocol": "tcp"}]
    assert doc.locator.line_of(("forwards", 0)) == 5
    assert doc.data["rules"] == [{"selector": "*.info", "action": "/var/log/messages"}]
    with pytest.raises(ParseError) as info:
        parse_rsyslog("r", b'module(load="imuxsock"\n', LIMITS)
    assert info.value.line == 1


@pytest.mark.parametrize(
    ("parser", "path", "claimed"),
    [
        (AuditdParser(), "etc/audit/auditd.conf", True),
        (JournaldParser(), "etc/systemd/journald.conf", True),
        (JournaldParser(), "etc/systemd/journald.conf.d/10.conf", False),
        (RsyslogParser(), "etc/rsyslog.conf", True),
        (RsyslogParser(), "etc/rsyslog.d/10.conf", False),
    ],
)
def test_claims(parser: object, path: str, claimed: bool) -> None:
    assert parser.claims(PurePosixPath(path)) is claimed  # type: ignore[attr-defined]
