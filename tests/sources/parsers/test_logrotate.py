"""logrotate: stanzas, global defaults, inheritance from logrotate.conf, computed retention."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest

from dsaudit.core.errors import ParseError
from dsaudit.core.limits import Limits
from dsaudit.sources.parsers.logrotate import LogrotateParser, parse_logrotate, retention_days

LIMITS = Limits()


def parse(text: str, path: str = "etc/logrotate.conf", root: Path | None = None):  # type: ignore[no-untyped-def]
    return parse_logrotate(path, textwrap.dedent(text).lstrip("\n").encode(), LIMITS, root)


@pytest.mark.parametrize(
    ("settings", "days"),
    [
        ({"rotate": 26, "period": "weekly"}, 182),
        ({"rotate": 180, "period": "daily"}, 180),
        ({"rotate": 7, "period": "monthly"}, 210),
        ({"rotate": 1, "period": "yearly"}, 365),
        ({"rotate": 48, "period": "hourly"}, 2),
        ({"rotate": 400, "period": "daily", "maxage": 90}, 90),
        ({"rotate": 5}, None),
        ({"period": "daily"}, 0),
        ({"rotate": 5, "maxage": 200}, 200),
    ],
    ids=["weekly", "daily", "monthly", "yearly", "hourly", "maxage-caps", "size-only",
         "default-rotate-0", "maxage-only"],
)  # fmt: skip
def test_retention_days(settings: dict[str, object], days: float | None) -> None:
    assert retention_days(settings) == days


def test_stanzas_take_global_defaults_and_skip_scripts() -> None:
    doc = parse(
        """
        # global
        weekly
        rotate 4
        /var/log/wtmp {
            monthly
            rotate 1
        }
        /var/log/a.log
        /var/log/b.log
        {
            missingok
            postrotate
                /bin/kill -HUP `cat /run/syslogd.pid` } {
            endscript
        }
        """
    )
    stanzas = doc.data["stanzas"]
    assert [s["retention_days"] for s in stanzas] == [30, 28]
    assert stanzas[1]["files"] == ["/var/log/a.log", "/var/log/b.log"]
    assert stanzas[1]["settings"] == {"missingok": True}
    assert doc.data["defaults"] == {"period": "weekly", "rotate": 4}
    assert doc.locator.line_of(("stanzas", 0, "retention_days")) == 6
    assert doc.locator.line_of(("stanzas", 1, "retention_days")) == 8


def test_size_after_a_period_makes_rotation_size_based() -> None:
    doc = parse("daily\nrotate 30\n/var/log/app.log {\n    size 100M\n}\n")
    assert doc.data["stanzas"][0]["period"] is None
    assert doc.data["stanzas"][0]["retention_days"] is None


def test_logrotate_d_files_inherit_globals_set_before_the_include(
    make_tree: Callable[[dict[str, str]], Path],
) -> None:
    root = make_tree(
        {
            "h/etc/logrotate.conf": """
                weekly
                rotate 26
                include /etc/logrotate.d
                rotate 2
                """,
            "h/etc/logrotate.d/nginx": "/var/log/nginx/*.log {\n    compress\n}\n",
            "h/etc/logrotate.d/app": "/opt/app/*.log {\n    daily\n    rotate 7\n}\n",
        }
    )
    nginx = parse((root / "h/etc/logrotate.d/nginx").read_text(), "h/etc/logrotate.d/nginx", root)
    assert nginx.data["inherited_from"] == "h/etc/logrotate.conf"
    assert nginx.data["stanzas"][0]["retention_days"] == 182
    main = parse((root / "h/etc/logrotate.conf").read_text(), "h/etc/logrotate.conf", root)
    assert main.data["stanzas"] == [], "included stanzas are audited in their own files"
    assert main.data["includes"][0]["files"] == ["h/etc/logrotate.d/app", "h/etc/logrotate.d/nginx"]
    assert main.data["defaults"]["rotate"] == 2
    alone = parse("/var/log/x.log {\n    compress\n}\n", "etc/logrotate.d/x")
    assert alone.data["inherited_from"] is None
    assert alone.data["stanzas"][0]["retention_days"] is None


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("/var/log/a {\n  rotate many\n}\n", 2, "whole number"),
        ("/var/log/a {\n  daily\n", 1, "not closed"),
        ("}\n", 1, "without an open stanza"),
        ("/var/log/a {\n  /var/log/b {\n}\n", 2, "inside a stanza"),
        ("/var/log/a\nweekly\n", 1, "not followed by"),
    ],
    ids=["rotate-word", "unclosed", "stray-brace", "nested", "paths-without-brace"],
)
def test_malformed_files(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    assert info.value.line == line
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("path", "claimed"),
    [("etc/logrotate.conf", True), ("etc/logrotate.d/nginx", True),
     ("etc/logrotate.d/nginx.rpmnew", False), ("etc/logrotate.d/.keep", False)],
)  # fmt: skip
def test_claims(path: str, claimed: bool) -> None:
    assert LogrotateParser().claims(PurePosixPath(path)) is claimed
