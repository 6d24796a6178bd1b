"""The MLPS pack on the sample server tree: pinned findings, level gating, parser routing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from projectkit import REPO_ROOT

import dsaudit.sources.parsers.server_plugin as server_plugin
from dsaudit.core.limits import Limits
from dsaudit.core.models import Resource, Result, Status
from dsaudit.engine.evaluation import build_facts, evaluate
from dsaudit.language.conditions import CompileEnv
from dsaudit.language.packs import compile_packs, load_pack
from dsaudit.plugin.host import get_plugin_host
from dsaudit.plugin.registry import collect_registry
from dsaudit.sources.configs import pick_parser

ROOT = REPO_ROOT
SAMPLE = ROOT / "sample_configs" / "acme-retail"
PACK = ROOT / "rules" / "mlps"
AS_OF = dt.date(2026, 6, 1)
LIMITS = Limits()

# Every failing finding on legacy-02 (MLPS L2): rule -> (file under servers/legacy-02, line).
# The MLPS-DC-* TLS rules apply from level 3 (GB/T 22239-2019 8.1.2.2 b): none at level 2.
LEGACY_FAILURES: set[tuple[str, str, int | None]] = {
    ("MLPS-AC-SSH-ROOT-LOGIN", "etc/ssh/sshd_config", 15),
    ("MLPS-AU-SSH-LOG-LEVEL", "etc/ssh/sshd_config", 12),
    ("MLPS-IA-IDLE-TIMEOUT", "etc/ssh/sshd_config", 26),
    ("MLPS-IA-SSH-CRYPTO", "etc/ssh/sshd_config", 22),
    ("MLPS-IA-SSH-EMPTY-PASSWORDS", "etc/ssh/sshd_config", 18),
    ("MLPS-IA-SSH-MAX-AUTH-TRIES", "etc/ssh/sshd_config", 16),
    ("MLPS-IA-PASSWORD-MAX-AGE", "etc/login.defs", 13),
    ("MLPS-IA-LOGIN-LOCKOUT", "etc/pam.d/password-auth", 3),
    ("MLPS-IA-PASSWORD-COMPLEXITY", "etc/pam.d/password-auth", 9),
    ("MLPS-IA-LOGIN-LOCKOUT", "etc/pam.d/system-auth", None),
    ("MLPS-IA-PASSWORD-COMPLEXITY", "etc/pam.d/system-auth", 11),
    ("MLPS-IA-PASSWORD-LENGTH", "etc/pam.d/system-auth", 11),
    ("MLPS-AU-RETENTION-LOGROTATE", "etc/logrotate.conf", 14),
    ("MLPS-AU-RETENTION-LOGROTATE", "etc/logrotate.d/app", 4),
    ("MLPS-AU-RETENTION-LOGROTATE", "etc/logrotate.d/nginx", 3),
    ("MLPS-AU-AUDITD-FAILURE", "etc/audit/auditd.conf", 12),
    ("MLPS-AU-RETENTION-AUDITD", "etc/audit/auditd.conf", 7),
    ("MLPS-AU-RETENTION-JOURNALD", "etc/systemd/journald.conf", 2),
    ("MLPS-AU-SYSLOG-AUTH", "etc/rsyslog.conf", None),
    ("MLPS-AU-NGINX-ACCESS-LOG", "etc/nginx/conf.d/pos-api.conf", 7),
    ("MLPS-AU-PG-CONNECTIONS", "postgres/postgresql.conf", 7),
    ("MLPS-IP-PG-LISTEN-ALL", "postgres/postgresql.conf", 1),
    ("MLPS-IA-PG-NO-TRUST", "postgres/pg_hba.conf", 2),
    ("MLPS-IP-MYSQL-NO-AUTH", "etc/my.cnf", 6),
    ("MLPS-IP-REDIS-EXPOSED", "etc/redis/redis.conf", 1),
}


def parse_tree(root: Path, levels: dict[str, int | None]) -> list[Resource]:
    """Parse every file a server parser claims, as config resources linked to a level."""
    resources = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        parser = pick_parser(list(server_plugin.SERVER_PARSERS), rel)
        if parser is None:
            continue
        extra = {"root": root} if getattr(parser, "reads_includes", False) else {}
        meta: dict[str, Any] = {"format": parser.name, "parser": parser.name}
        level = next((lvl for host, lvl in levels.items() if rel.startswith(host)), None)
        if level is not None:
            meta["system_mlps_level"] = level
        for doc in parser.parse(rel, path.read_bytes(), LIMITS, **extra):
            resources.append(
                Resource("config", rel, doc.data, file=rel, locator=doc.locator, meta=meta)
            )
    return resources


def run_pack(resources: list[Resource]) -> list[Result]:
    compiled = compile_packs([load_pack(PACK)], CompileEnv(), as_of=AS_OF)
    facts, _ = build_facts(resources, AS_OF, None)
    return evaluate(compiled.rules, facts).results


@pytest.fixture(scope="module")
def sample_results() -> list[Result]:
    levels = {"servers/web-01/": 3, "servers/legacy-02/": 2}
    return run_pack(parse_tree(SAMPLE, levels))


def test_the_compliant_host_passes_every_rule(sample_results: list[Result]) -> None:
    web = [r for r in sample_results if r.resource_id.startswith("servers/web-01/")]
    assert [(r.rule_id, r.resource_id) for r in web if r.status is not Status.PASS] == []
    compiled = compile_packs([load_pack(PACK)], CompileEnv(), as_of=AS_OF)
    assert {r.rule_id for r in web} == {rule.id for rule in compiled.rules}, (
        "the compliant host exercises every rule"
    )


def test_the_violating_host_has_exactly_the_pinned_findings(
    sample_results: list[Result],
) -> None:
    prefix = "servers/legacy-02/"
    failures = {
        (r.rule_id, r.resource_id.removeprefix(prefix), r.location.line)
        for r in sample_results
        if r.resource_id.startswith(prefix) and r.status is Status.FAIL
    }
    assert failures == LEGACY_FAILURES
    assert not [r for r in sample_results if r.status is Status.ERROR]


def test_findings_cite_the_standard_and_the_law(sample_results: list[Result]) -> None:
    compiled = {r.id: r for r in compile_packs([load_pack(PACK)], CompileEnv(), as_of=AS_OF).rules}
    for rule in compiled.values():
        laws = {ref.law for ref in rule.refs}
        assert "MLPS" in laws, rule.id
        assert all(ref.title and "GB/T 22239-2019" in ref.title for ref in rule.refs
                   if ref.law == "MLPS"), rule.id  # fmt: skip
    retention = compiled["MLPS-AU-RETENTION-LOGROTATE"]
    assert [(ref.law, ref.article) for ref in retention.refs if ref.law == "CSL"] == [("CSL", "23")]
    old = compile_packs([load_pack(PACK)], CompileEnv(), as_of=dt.date(2025, 6, 1)).rules
    old_refs = next(r for r in old if r.id == "MLPS-AU-RETENTION-LOGROTATE").refs
    assert [(ref.law, ref.article) for ref in old_refs if ref.law == "CSL"] == [("CSL", "21")]


LEVEL_CASES = [
    pytest.param(None, {"MLPS-IA-MFA": "fail", "MLPS-AC-SSH-ROOT-LOGIN": "fail"}, id="unlinked"),
    pytest.param(1, {"MLPS-IA-MFA": None, "MLPS-AC-SSH-ROOT-LOGIN": "fail"}, id="level-1"),
    pytest.param(2, {"MLPS-IA-MFA": None, "MLPS-AC-SSH-ROOT-LOGIN": "fail"}, id="level-2"),
    pytest.param(3, {"MLPS-IA-MFA": "fail", "MLPS-AC-SSH-ROOT-LOGIN": "fail"}, id="level-3"),
]


@pytest.mark.parametrize(("level", "expected"), LEVEL_CASES)
def test_rules_apply_from_their_level_of_the_linked_system(
    make_tree: Callable[[dict[str, str]], Path], level: int | None, expected: dict[str, str | None]
) -> None:
    root = make_tree({"h/etc/ssh/sshd_config": "PermitRootLogin yes\nPasswordAuthentication yes\n"})
    results = run_pack(parse_tree(root, {"h/": level}))
    statuses: dict[str, str | None] = {rule: None for rule in expected}
    statuses.update({r.rule_id: str(r.status) for r in results if r.rule_id in expected})
    assert statuses == expected


def test_log_retention_applies_whatever_the_level(
    make_tree: Callable[[dict[str, str]], Path],
) -> None:
    root = make_tree({"h/etc/logrotate.conf": "/var/log/secure {\n    weekly\n    rotate 4\n}\n"})
    results = run_pack(parse_tree(root, {"h/": 1}))
    assert [(r.rule_id, str(r.status), r.location.line) for r in results] == [
        ("MLPS-AU-RETENTION-LOGROTATE", "fail", 3)
    ]


def test_every_sample_file_parses() -> None:
    resources = parse_tree(SAMPLE / "servers", {})
    formats = {r.meta["format"] for r in resources}
    assert formats == {p.name for p in server_plugin.SERVER_PARSERS}


@pytest.mark.parametrize(
    ("path", "parser"),
    [
        ("servers/web-01/etc/ssh/sshd_config", "sshd"),
        ("servers/web-01/etc/pam.d/system-auth", "pam"),
        ("servers/web-01/etc/my.cnf", "mycnf"),
        ("servers/web-01/etc/redis/redis.conf", "redis"),
        ("servers/web-01/etc/nginx/conf.d/shop.conf", "nginx"),
        ("servers/web-01/app/application.properties", "properties"),
        ("servers/web-01/postgres/postgresql.conf", "postgresql_conf"),
        ("config/app.yaml", "yaml"),
        ("config/tool.ini", "ini"),
    ],
)
def test_the_plugin_host_routes_files_to_the_server_parsers(path: str, parser: str) -> None:
    host = get_plugin_host()
    if not host.pm.is_registered(server_plugin):
        host.register(server_plugin, "server", "test")
    registry = collect_registry(host)
    assert not registry.problems
    chosen = pick_parser(registry.parsers, path)
    assert chosen is not None and chosen.name == parser
