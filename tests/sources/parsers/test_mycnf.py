"""MySQL / MariaDB option files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest

from dsaudit.core.errors import ParseError
from dsaudit.core.limits import Limits
from dsaudit.sources.parsers.mycnf import MyCnfParser, option_name, parse_mycnf

LIMITS = Limits()


def test_sections_names_values_and_the_server_view() -> None:
    doc = parse_mycnf(
        "etc/my.cnf",
        b"# server\n[client]\nport=3306\n[mysqld]\nBind-Address = 127.0.0.1\n"
        b"require_secure_transport=ON\nskip-name-resolve\nloose-tls_version = 'TLSv1.2,TLSv1.3'"
        b"  # inline\n[mariadb-10.6]\nbind_address=10.0.0.5\n",
        LIMITS,
    )
    data = doc.data
    assert data["sections"]["client"] == {"port": 3306}
    assert data["server"] == {
        "bind_address": "10.0.0.5",
        "require_secure_transport": True,
        "skip_name_resolve": True,
        "tls_version": "TLSv1.2,TLSv1.3",
    }
    assert data["tls_versions"] == ["TLSv1.2", "TLSv1.3"]
    assert data["listens_on_all_interfaces"] is False
    assert doc.locator.line_of(("server", "bind_address")) == 10
    assert doc.locator.line_of(("server", "missing_option")) == 4


@pytest.mark.parametrize(
    ("body", "everywhere", "skipped"),
    [
        ("[mysqld]\ndatadir=/var/lib/mysql\n", True, False),
        ("[mysqld]\nbind-address=0.0.0.0\nskip-grant-tables\n", True, True),
        ("[mysqld]\nbind-address=*\nskip-networking\n", False, False),
        ("[client]\nuser=app\n", True, False),
    ],
    ids=["default-bind", "all-and-no-auth", "no-networking", "client-only"],
)
def test_exposure_flags(body: str, everywhere: bool, skipped: bool) -> None:
    data = parse_mycnf("my.cnf", body.encode(), LIMITS).data
    assert (data["listens_on_all_interfaces"], data["grant_tables_skipped"]) == (
        everywhere,
        skipped,
    )


def test_include_and_includedir_merge_in_order(
    make_tree: Callable[[dict[str, str]], Path],
) -> None:
    root = make_tree(
        {
            "etc/my.cnf": "[mysqld]\nbind-address=0.0.0.0\n!includedir /etc/my.cnf.d\n",
            "etc/my.cnf.d/b.cnf": "[mysqld]\nbind-address=10.0.0.9\n",
            "etc/my.cnf.d/a.cnf": "[mysqld]\nbind-address=10.0.0.1\nrequire_secure_transport=1\n",
        }
    )
    doc = parse_mycnf("etc/my.cnf", (root / "etc/my.cnf").read_bytes(), LIMITS, root)
    assert doc.data["server"]["bind_address"] == "10.0.0.9"
    assert doc.data["server"]["require_secure_transport"] == 1
    assert doc.data["origins"]["sections.mysqld.bind_address"] == "etc/my.cnf.d/b.cnf:2"
    assert doc.locator.line_of(("server", "bind_address")) == 3


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        (b"port=3306\n", 1, "outside any [section]"),
        (b"[mysqld\n", 1, "section header"),
        (b"[mysqld]\n!includ /x\n", 2, "malformed directive"),
        (b"[mysqld]\nbind address=1\n", 2, "malformed line"),
    ],
)
def test_errors(body: bytes, line: int, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_mycnf("etc/my.cnf", body, LIMITS)
    assert info.value.line == line
    assert fragment in str(info.value)


def test_option_names_and_claims() -> None:
    assert option_name("Loose-Skip-Name-Resolve") == "skip_name_resolve"
    parser = MyCnfParser()
    assert parser.claims(PurePosixPath("etc/my.cnf"))
    assert parser.claims(PurePosixPath("etc/mysql/mariadb.cnf"))
    assert not parser.claims(PurePosixPath("etc/my.cnf.d/server.cnf"))
