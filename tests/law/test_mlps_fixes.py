"""Issue 16 §1: MLPS level gates, off-switch spellings, PIPL Art. 14 coverage, audit citations.

Each test runs real files through a whole audit (or the shipped provisions list) and fails on
the rules as they were before the fix: the TLS rules ran at level 2, level-1 controls skipped
level-1 systems, ``FALSE``/``Off``/``0`` did not turn Spring TLS off, ``1`` did not turn
``require_secure_transport`` on, and ``dsaudit coverage`` called PIPL Art. 14 covered.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from projectkit import REPO_ROOT

from dsaudit import testing
from dsaudit.authoring.coverage import load_provisions
from dsaudit.cli.app import cli
from dsaudit.core.errors import ConfigError
from dsaudit.core.models import Status

NGINX_TLS10 = """\
server {
    listen 443 ssl;
    server_name shop.example.cn;
    ssl_certificate /etc/pki/shop.crt;
    ssl_certificate_key /etc/pki/shop.key;
    ssl_protocols TLSv1 TLSv1.2;
    access_log /var/log/nginx/shop.log;
}
"""

SSHD_DEFAULTISH = "PermitRootLogin yes\nMaxAuthTries 10\n"


def _project(tmp_path: Path, files: dict[str, str], levels: dict[str, int | None]) -> Path:
    """One system per entry of ``levels`` (None: mlps_level not recorded), each linked to its
    own folder ``<system>/``; files under ``loose/`` are linked to no system."""
    systems: list[dict[str, Any]] = []
    for name, level in levels.items():
        system: dict[str, Any] = {"id": name, "name": name, "configs": [f"{name}/**"]}
        if level is not None:
            system["mlps_level"] = level
        systems.append(system)
    root = tmp_path / "org"
    (root / "inventory").mkdir(parents=True)
    inventory = {"version": 1, "organization": {"name": "Org"}, "systems": systems}
    (root / "inventory" / "main.yaml").write_text(yaml.safe_dump(inventory), "utf-8")
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    return root


def _statuses(root: Path, rule_id: str) -> dict[str, Status]:
    """Status per config file; an audit keeps no result for a rule that does not apply, so
    every file the project holds and the rule left out is reported as not applicable."""
    audit = testing.audit_folder(root, testing.plugin_host(), packs=["mlps"])
    found = {r.resource_id: r.status for r in audit.results if r.rule_id == rule_id}
    files = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.parts[len(root.parts)] != "inventory"
    )
    assert set(found) <= set(files), found
    return {rel: found.get(rel, Status.NOT_APPLICABLE) for rel in files}


LEVELS: dict[str, int | None] = {"l1": 1, "l2": 2, "l3": 3, "l4": 4, "nolevel": None}


@pytest.mark.parametrize(
    ("rule_id", "rel", "text"),
    [
        ("MLPS-DC-TLS-PROTOCOLS", "etc/nginx/conf.d/shop.conf", NGINX_TLS10),
        ("MLPS-DC-PG-SSL", "postgres/postgresql.conf", "ssl = off\n"),
        ("MLPS-DC-MYSQL-TLS", "etc/my.cnf", "[mysqld]\nbind-address = 0.0.0.0\n"),
        (
            "MLPS-DC-SPRING-TLS",
            "app/application.properties",
            "server.ssl.enabled=true\nserver.ssl.enabled-protocols=TLSv1,TLSv1.2\n",
        ),
        (
            "MLPS-DC-PG-HBA-SSL",
            "postgres/pg_hba.conf",
            "host all all 0.0.0.0/0 scram-sha-256\n",
        ),
    ],
    ids=["nginx", "postgresql", "mysql", "spring", "pg_hba"],
)
def test_confidentiality_in_transit_starts_at_level_3(
    tmp_path: Path, rule_id: str, rel: str, text: str
) -> None:
    files = {f"{name}/{rel}": text for name in LEVELS} | {f"loose/{rel}": text}
    root = _project(tmp_path, files, LEVELS)
    statuses = _statuses(root, rule_id)
    assert statuses == {
        f"l1/{rel}": Status.NOT_APPLICABLE,
        f"l2/{rel}": Status.NOT_APPLICABLE,  # level 2: integrity in transit only
        f"l3/{rel}": Status.FAIL,
        f"l4/{rel}": Status.FAIL,
        f"nolevel/{rel}": Status.FAIL,  # a system with no recorded level: possibly level 3
        f"loose/{rel}": Status.FAIL,  # a file linked to no system: the same convention
    }


@pytest.mark.parametrize(
    "rule_id",
    ["MLPS-AC-SSH-ROOT-LOGIN", "MLPS-IA-SSH-MAX-AUTH-TRIES", "MLPS-IA-IDLE-TIMEOUT"],
)
def test_level_1_controls_apply_to_level_1_systems(tmp_path: Path, rule_id: str) -> None:
    rel = "etc/ssh/sshd_config"
    root = _project(tmp_path, {f"{n}/{rel}": SSHD_DEFAULTISH for n in LEVELS}, LEVELS)
    assert set(_statuses(root, rule_id).values()) == {Status.FAIL}


@pytest.mark.parametrize(
    ("rule_id", "level_1", "level_2"),
    [
        ("MLPS-AU-SSH-LOG-LEVEL", Status.NOT_APPLICABLE, Status.FAIL),  # audit: from level 2
        ("MLPS-IA-MFA", Status.NOT_APPLICABLE, Status.NOT_APPLICABLE),  # two factors: level 3
    ],
)
def test_controls_above_level_1_skip_level_1(
    tmp_path: Path, rule_id: str, level_1: Status, level_2: Status
) -> None:
    rel = "etc/ssh/sshd_config"
    text = "LogLevel QUIET\n"
    root = _project(tmp_path, {f"{n}/{rel}": text for n in LEVELS}, LEVELS)
    statuses = _statuses(root, rule_id)
    assert statuses[f"l1/{rel}"] == level_1
    assert statuses[f"l2/{rel}"] == level_2
    assert statuses[f"l3/{rel}"] == Status.FAIL


@pytest.mark.parametrize(
    ("level", "method", "expected"),
    [
        (1, "password", Status.PASS),  # credentials in transit: from level 2 (7.1.4.1 c)
        (2, "password", Status.FAIL),
        (None, "password", Status.FAIL),
        (1, "trust", Status.FAIL),  # no authentication at all: from level 1
        (1, "scram-sha-256", Status.PASS),
    ],
)
def test_pg_cleartext_password_from_level_2(
    tmp_path: Path, level: int | None, method: str, expected: Status
) -> None:
    rel = "sys/postgres/pg_hba.conf"
    root = _project(tmp_path, {rel: f"hostssl all all 10.0.0.0/8 {method}\n"}, {"sys": level})
    assert _statuses(root, "MLPS-IA-PG-NO-TRUST") == {rel: expected}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", Status.PASS),
        ("TRUE", Status.PASS),
        ("false", Status.FAIL),
        ("FALSE", Status.FAIL),
        ("False", Status.FAIL),
        ("Off", Status.FAIL),
        ("OFF", Status.FAIL),
        ("disabled", Status.FAIL),
        ("Disabled", Status.FAIL),
        ("no", Status.FAIL),
        ("NO", Status.FAIL),
        ("0", Status.FAIL),
    ],
)
def test_spring_tls_off_whatever_the_spelling(tmp_path: Path, value: str, expected: Status) -> None:
    rel = "app/application.properties"
    text = f"server.ssl.enabled={value}\nserver.ssl.enabled-protocols=TLSv1.2,TLSv1.3\n"
    root = _project(tmp_path, {rel: text}, {})
    assert _statuses(root, "MLPS-DC-SPRING-TLS") == {rel: expected}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ON", Status.PASS),
        ("1", Status.PASS),
        ("'on'", Status.PASS),
        ("OFF", Status.FAIL),
        ("0", Status.FAIL),
        ("PREFERRED", Status.FAIL),  # TLS if the client wants it: plaintext still admitted
    ],
)
def test_mysql_secure_transport_spellings(tmp_path: Path, value: str, expected: Status) -> None:
    rel = "etc/my.cnf"
    text = f"[mysqld]\nrequire_secure_transport = {value}\ntls_version = TLSv1.2,TLSv1.3\n"
    root = _project(tmp_path, {rel: text}, {})
    assert _statuses(root, "MLPS-DC-MYSQL-TLS") == {rel: expected}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("on", Status.PASS), ("1", Status.PASS), ("'On'", Status.PASS), ("off", Status.FAIL),
     ("0", Status.FAIL), ("'OFF'", Status.FAIL)],
)  # fmt: skip
def test_postgres_ssl_spellings(tmp_path: Path, value: str, expected: Status) -> None:
    rel = "postgres/postgresql.conf"
    root = _project(tmp_path, {rel: f"ssl = {value}\n"}, {})
    assert _statuses(root, "MLPS-DC-PG-SSL") == {rel: expected}


def _coverage_row(law: str, article: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["coverage", "--format", "json", "--as-of", "2026-06-01"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    law_block = next(i for i in data["instruments"] if i["law"] == law)
    row: dict[str, Any] = next(p for p in law_block["provisions"] if p["article"] == article)
    return row


def test_pipl_14_is_only_partly_covered() -> None:
    row = _coverage_row("PIPL", "14")
    assert row["status"] == "partly-covered"
    assert [r["id"] for r in row["rules"]] == ["XB-CONSENT"]
    assert "exports" in row["reason"] and "Not checked" in row["reason"]


def test_level_2_integrity_in_transit_is_not_checkable() -> None:
    row = _coverage_row("MLPS", "7.1.2.2")
    assert row["status"] == "not-checkable"
    assert "integrity" in row["title"] and "no rule" in row["reason"]


@pytest.mark.parametrize("partly", [True, False], ids=["partly", "no-partly"])
def test_partly_counts_apart_from_covered(tmp_path: Path, partly: bool) -> None:
    extra = ', partly: "exports only"' if partly else ""
    provisions = tmp_path / "p.yaml"
    provisions.write_text(
        "version: 1\ninstruments: {PIPL: PIPL}\nprovisions:\n"
        f'  - {{law: PIPL, article: "14", title: Consent, checkable: true{extra}}}\n'
        '  - {law: PIPL, article: "15", title: Withdrawal, checkable: true, partly: "x"}\n',
        "utf-8",
    )
    args = ["coverage", "--provisions", str(provisions), "--pack", "cross-border"]
    data = json.loads(CliRunner().invoke(cli, [*args, "--format", "json"]).output)
    block = data["instruments"][0]
    rows = {p["article"]: p for p in block["provisions"]}
    assert rows["14"]["status"] == ("partly-covered" if partly else "covered")
    assert rows["14"]["reason"] == ("exports only" if partly else None)
    assert rows["15"]["status"] == "not-covered"  # partly says nothing while no rule cites it
    assert block["summary"]["covered"] == (0 if partly else 1)
    assert block["summary"]["partly-covered"] == (1 if partly else 0)
    markdown = CliRunner().invoke(cli, [*args, "--format", "markdown"]).output
    line = "| Art. 14 | Consent | partly-covered | `XB-CONSENT`; partly: exports only |"
    assert (line in markdown) is partly
    assert ("0 of 2 checkable provisions covered (and 1 partly)" in markdown) is partly
    console = CliRunner().invoke(cli, [*args, "--uncovered"], env={"COLUMNS": "200"}).output
    assert ("partly-covered" in console) is partly


@pytest.mark.parametrize("bad", ['""', "3", "[a]"])
def test_partly_must_be_a_sentence(tmp_path: Path, bad: str) -> None:
    provisions = tmp_path / "p.yaml"
    provisions.write_text(
        "version: 1\ninstruments: {PIPL: PIPL}\nprovisions:\n"
        f'  - {{law: PIPL, article: "14", title: Consent, checkable: true, partly: {bad}}}\n',
        "utf-8",
    )
    with pytest.raises(ConfigError, match=r"partly must be a sentence") as err:
        load_provisions(provisions)
    assert err.value.line == 4


def _rules_citing(law: str, article: str) -> list[dict[str, Any]]:
    found = []
    for path in sorted((REPO_ROOT / "rules").glob("*/rules/*.yaml")):
        for rule in yaml.safe_load(path.read_text("utf-8")).get("rules", []):
            for ref in rule["refs"]:
                if ref["law"] == law and str(ref["article"]) == article:
                    found.append({**rule, "_ref": ref})
    return found


@pytest.mark.parametrize(
    ("article", "expected"),
    [("3", {"AUDIT-REGULAR", "AUDIT-REPORT-KEPT", "PIPL-COMPLIANCE-AUDIT"}),
     ("5", {"AUDIT-ORDERED"})],
)  # fmt: skip
def test_unconfirmed_audit_measures_articles_are_marked(article: str, expected: set[str]) -> None:
    rules = _rules_citing("AUDIT", article)
    assert {r["id"] for r in rules} == expected
    for rule in rules:
        assert "article number unverified" in rule["_ref"].get("title", ""), rule["id"]
        assert f"Art. {article}" in rule.get("unverified", ""), rule["id"]
