"""PAM: service stacks, includes, module configuration files and effective settings."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest

from dsaudit.core.errors import ParseError
from dsaudit.core.limits import Limits
from dsaudit.sources.parsers.pam import (
    PamParser,
    parse_module_conf,
    parse_pam_service,
    required_classes,
)

LIMITS = Limits()


def service(text: str, path: str = "etc/pam.d/system-auth", root: Path | None = None):  # type: ignore[no-untyped-def]
    return parse_pam_service(path, textwrap.dedent(text).lstrip("\n").encode(), LIMITS, root)


def test_entries_bracket_controls_optional_modules_and_continuations() -> None:
    doc = service(
        """
        #%PAM-1.0
        auth   [success=1 default=bad]  pam_unix.so nullok
        -session optional pam_systemd.so
        password requisite /usr/lib64/security/pam_pwquality.so \\
                 retry=3 minlen=14
        auth required pam_exec.so [arg with spaces] quiet
        """
    )
    entries = doc.data["entries"]
    assert entries[0]["control"] == "[success=1 default=bad]"
    assert entries[1] == {
        "type": "session", "control": "optional", "module": "pam_systemd.so",
        "name": "pam_systemd", "args": [], "options": {}, "optional": True,
    }  # fmt: skip
    assert entries[2]["name"] == "pam_pwquality"
    assert entries[2]["options"] == {"retry": 3, "minlen": 14}
    assert entries[3]["args"] == ["[arg with spaces]", "quiet"]
    assert doc.locator.line_of(("entries", 2)) == 4
    assert doc.locator.line_of(("entries", 3)) == 6
    assert doc.data["modules"] == ["pam_unix", "pam_systemd", "pam_pwquality", "pam_exec"]
    assert doc.data["pwquality"]["minlen"] == 14


def test_include_substack_and_at_include_follow_the_right_types(
    make_tree: Callable[[dict[str, str]], Path],
) -> None:
    root = make_tree(
        {
            "etc/pam.d/sshd": """
                auth       substack     password-auth
                account    include      password-auth
                @include common-session
                """,
            "etc/pam.d/password-auth": """
                auth     required pam_faillock.so preauth deny=4
                account  required pam_unix.so
                password required pam_pwquality.so minlen=10
                """,
            "etc/pam.d/common-session": "session required pam_limits.so\n",
        }
    )
    doc = parse_pam_service("etc/pam.d/sshd", (root / "etc/pam.d/sshd").read_bytes(), LIMITS, root)
    entries = doc.data["entries"]
    assert [(e["type"], e["name"]) for e in entries] == [
        ("auth", "pam_faillock"),
        ("account", "pam_unix"),
        ("session", "pam_limits"),
    ]
    assert entries[0]["from"] == "etc/pam.d/password-auth:1"
    assert doc.locator.line_of(("entries", 1)) == 2
    assert "pwquality" not in doc.data, "password lines were not included"
    assert doc.data["faillock"]["deny"] == 4


def test_module_args_override_their_configuration_file(
    make_tree: Callable[[dict[str, str]], Path],
) -> None:
    root = make_tree(
        {
            "h/etc/pam.d/system-auth": """
                auth required pam_faillock.so preauth
                auth [default=die] pam_faillock.so authfail deny=3
                password requisite pam_pwquality.so minlen=10
                """,
            "h/etc/security/faillock.conf": "deny = 5\nunlock_time = 900\neven_deny_root\n",
            "h/etc/security/pwquality.conf": "minlen = 14\nminclass = 2\n",
            "h/etc/security/pwquality.conf.d/50.conf": "dcredit = -1\nucredit=-1\nlcredit=-1\n",
        }
    )
    path = "h/etc/pam.d/system-auth"
    data = parse_pam_service(path, (root / path).read_bytes(), LIMITS, root).data
    assert data["faillock"]["deny"] == 3
    assert data["faillock"]["unlock_time"] == 900
    assert data["faillock"]["even_deny_root"] is True
    assert data["pwquality"]["minlen"] == 10
    assert data["pwquality"]["required_classes"] == 3


def test_faillock_defaults_fill_what_nothing_sets() -> None:
    data = service("auth required pam_faillock.so preauth\n").data
    assert (data["faillock"]["deny"], data["faillock"]["unlock_time"]) == (3, 600)


def test_pam_tally2_counts_as_lockout_without_defaults() -> None:
    data = service("auth required pam_tally2.so deny=10 unlock_time=60\n").data
    assert data["faillock"] == {"deny": 10, "unlock_time": 60}


@pytest.mark.parametrize(
    ("settings", "classes"),
    [({"minclass": 3}, 3), ({"dcredit": -1, "ocredit": -2}, 2), ({"dcredit": 1}, 0), ({}, 0)],
)
def test_required_classes(settings: dict[str, int], classes: int) -> None:
    assert required_classes(settings) == classes


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("auth required pam_unix.so\nauht required pam_unix.so\n", 2, "unknown PAM type"),
        ("auth mandatory pam_unix.so\n", 1, "unknown PAM control"),
        ("auth required\n", 1, "missing module path"),
        ("auth [default=die pam_unix.so\n", 1, "unterminated"),
        ("auth\n", 1, "malformed line"),
    ],
    ids=["type", "control", "module", "bracket", "short"],
)
def test_malformed_lines(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        service(text)
    assert info.value.line == line
    assert fragment in str(info.value)


def test_module_conf_files_last_value_wins_and_flags() -> None:
    doc = parse_module_conf(
        "etc/security/pwquality.conf",
        b"# defaults\nminlen = 8\nminclass=3\nminlen = 12\nenforce_for_root\n",
        LIMITS,
        "pwquality",
    )
    assert doc.data["settings"] == {"minlen": 12, "minclass": 3, "enforce_for_root": True}
    assert doc.data["pwquality"]["required_classes"] == 3
    assert doc.locator.line_of(("pwquality", "minlen")) == 4
    with pytest.raises(ParseError) as info:
        parse_module_conf("f", b"deny =\n", LIMITS, "faillock")
    assert info.value.line == 1


@pytest.mark.parametrize(
    ("path", "claimed"),
    [
        ("etc/pam.d/sshd", True),
        ("etc/pam.d/sshd.rpmnew", False),
        ("etc/security/faillock.conf", True),
        ("etc/security/pwquality.conf.d/10.conf", True),
        ("etc/security/limits.conf", False),
    ],
)
def test_claims(path: str, claimed: bool) -> None:
    assert PamParser().claims(PurePosixPath(path)) is claimed
