"""Issue 16 §2 (review): rules whose scope or citations were checked again against the texts.

Each case writes a small project (inventory, config files, ``dsaudit.yaml``), audits it and
reads one rule's status. Every case marked ``old`` had a different status, or the finding
cited a different provision, before the fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from dsaudit.audit import run_audit
from dsaudit.core.models import AuditResult, Status
from dsaudit.language.packs import builtin_pack_paths, load_pack
from dsaudit.project.config import build_config

# A generic service config with every transit switch off or weak, and backups off.
WEAK_SERVICE = {
    "tls": {"enabled": False},
    "tls_min_version": "1.0",
    "database": {"sslmode": "disable", "backup": {"enabled": False}},
    "endpoint": "http://api.example.cn/v1",
}
# An nginx server offering TLS 1.0: a level-3 transit finding (MLPS-DC-TLS-PROTOCOLS).
WEAK_NGINX = """\
http {
  server {
    listen 443 ssl;
    server_name example.cn;
    ssl_certificate /etc/ssl/example.pem;
    ssl_certificate_key /etc/ssl/example.key;
    ssl_protocols TLSv1 TLSv1.2;
  }
}
"""
TRANSIT_RULES = ("CFG-TLS-ENABLED", "CFG-TLS-MIN-VERSION", "CFG-DB-SSLMODE", "CFG-HTTP-ENDPOINT")


def audit_project(tmp_path: Path, as_of: str, systems: list[dict[str, Any]]) -> AuditResult:
    """Write each system's configs under ``configs/<id>/`` and audit the project."""
    (tmp_path / "inventory").mkdir()
    for system in systems:
        folder = tmp_path / "configs" / system["id"]
        folder.mkdir(parents=True)
        (folder / "service.yaml").write_text(yaml.safe_dump(WEAK_SERVICE), "utf-8")
        (folder / "nginx.conf").write_text(WEAK_NGINX, "utf-8")
        system.setdefault("configs", [f"configs/{system['id']}"])
        system.setdefault("name", system["id"])
    inventory = {"version": 1, "organization": {"name": "Review Co."}, "systems": systems}
    (tmp_path / "inventory" / "inventory.yaml").write_text(yaml.safe_dump(inventory), "utf-8")
    config = {
        "version": 1,
        "as_of": as_of,
        "packs": ["config-hygiene", "mlps"],
        "inventory": ["inventory/*.yaml"],
    }
    (tmp_path / "dsaudit.yaml").write_text(yaml.safe_dump(config), "utf-8")
    result = run_audit(build_config(tmp_path))
    assert [e.message for e in result.errors] == []
    return result


def statuses(result: AuditResult, rule: str) -> dict[str, Status]:
    """File -> status of ``rule`` on the config files of the audit."""
    return {r.resource_id: r.status for r in result.results if r.rule_id == rule}


def test_transit_rules_bind_every_level_and_cite_no_mlps_clause(tmp_path: Path) -> None:
    result = audit_project(
        tmp_path, "2026-06-01", [{"id": "l2", "mlps_level": 2}, {"id": "l3", "mlps_level": 3}]
    )
    for rule in TRANSIT_RULES:
        # PIPL Art. 51(3) binds every level: a failure on both systems' files
        assert statuses(result, rule) == {
            "configs/l2/service.yaml": Status.FAIL,
            "configs/l3/service.yaml": Status.FAIL,
        }, rule
        # old: MLPS 8.1.2.2 or 8.1.4.8 (level-3 clauses) cited on the level-2 system's finding
        assert [ref.law for ref in result.rules[rule].refs] == ["PIPL"], rule
    # the level-3 confidentiality in transit (GB/T 22239-2019 8.1.2.2 b): level 3 only
    dc = statuses(result, "MLPS-DC-TLS-PROTOCOLS")
    assert dc["configs/l3/nginx.conf"] is Status.FAIL
    assert dc.get("configs/l2/nginx.conf", Status.NOT_APPLICABLE) is Status.NOT_APPLICABLE
    assert [r.article for r in result.rules["MLPS-DC-TLS-PROTOCOLS"].refs] == ["8.1.2.2"]


def test_no_config_hygiene_rule_cites_a_level_3_mlps_clause() -> None:
    pack = next(p for p in builtin_pack_paths() if p.name == "config-hygiene")
    level_3 = ("8.1.2.2", "8.1.4.8", "8.1.4.9")
    cited = [
        (src.data["id"], ref["article"])
        for src in load_pack(pack).rules
        for ref in src.data["refs"]
        if ref["law"] == "MLPS" and ref["article"] in level_3
    ]
    assert cited == []


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # NDSMR Art. 9 (backup for all network data) is in force from 2025-01-01; before it only
        # important data had to be backed up (CSL Art. 21(4)), which a config cannot show
        ("2024-12-31", {}),  # old: a failure citing CSL Art. 21(4) on a store of any data
        ("2025-01-01", {"configs/l2/service.yaml": Status.FAIL}),
        ("2026-06-01", {"configs/l2/service.yaml": Status.FAIL}),
    ],
)
def test_backup_rule_follows_ndsmr_article_9(
    tmp_path: Path, as_of: str, expected: dict[str, Status]
) -> None:
    result = audit_project(tmp_path, as_of, [{"id": "l2", "mlps_level": 2}])
    assert statuses(result, "CFG-BACKUP-ENABLED") == expected
    if expected:
        # old: CSL Art. 23(4) / 21(4) and MLPS 8.1.4.9, both about important data only
        assert [(r.law, r.article) for r in result.rules["CFG-BACKUP-ENABLED"].refs] == [
            ("NDSMR", "9")
        ]
