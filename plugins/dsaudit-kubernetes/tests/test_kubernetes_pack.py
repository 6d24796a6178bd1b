"""The kubernetes-cn pack: its own cases, and an audit of a fixture cluster repository."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from dsaudit import ruletests
from dsaudit.audit import run_audit
from dsaudit.conditions import CompileEnv
from dsaudit.config import ProjectConfig
from dsaudit.packs import load_pack
from dsaudit.plugins import PluginHost, collect_registry
from dsaudit.taxonomy import load_taxonomy

from dsaudit_kubernetes import plugin

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_every_rule_has_cases_that_hold(host: PluginHost) -> None:
    env = CompileEnv(checks=collect_registry(host).checks, taxonomy=load_taxonomy())
    pack = load_pack(plugin.PACK_DIR)
    report = ruletests.test_pack(pack, env)
    assert report.ok, (report.missing, report.problems, [o for o in report.outcomes if not o.ok])
    assert len(pack.rules) == 7


def test_the_plugin_registers_its_checks_and_pack(host: PluginHost) -> None:
    registry = collect_registry(host)
    assert set(plugin.CHECKS) <= set(registry.checks)
    assert ("kubernetes", plugin.PACK_DIR) in registry.pack_paths


def _audit(tmp_path: Path, host: PluginHost):  # type: ignore[no-untyped-def]
    shutil.copytree(FIXTURES / "cluster", tmp_path / "cluster")
    config = ProjectConfig(root=tmp_path, packs=["kubernetes-cn"], as_of=dt.date(2026, 6, 1))
    return run_audit(config, host=host)


def test_audit_finds_each_violation_at_its_line(tmp_path: Path, host: PluginHost) -> None:
    audit = _audit(tmp_path, host)
    assert not audit.errors, [e.message for e in audit.errors]
    failing = sorted((r.rule_id, str(r.location)) for r in audit.results if r.status == "fail")
    assert failing == [
        ("K8S-APISERVER-AUDIT-RETENTION", "cluster/control-plane/kube-apiserver.yaml:15"),
        ("K8S-CONFIGMAP-PLAINTEXT-SECRET", "cluster/apps/shop.yaml:28"),
        ("K8S-ENV-PERSONAL-INFORMATION", "cluster/apps/members.yaml:16"),
        ("K8S-ENV-PLAINTEXT-SECRET", "cluster/apps/shop.yaml:17"),
        ("K8S-INGRESS-TLS", "cluster/apps/members.yaml:22"),
        ("K8S-INGRESS-TLS", "cluster/apps/shop.yaml:37"),
    ]
    judged = {r.resource_id for r in audit.results}
    assert "cluster/apps/settings.yaml" not in judged  # no apiVersion: not a manifest


def test_no_secret_or_pi_reaches_the_results(tmp_path: Path, host: PluginHost) -> None:
    audit = _audit(tmp_path, host)
    text = json.dumps(
        [[r.message, [(e.path, e.value) for e in r.evidence]] for r in audit.all_results()]
    )
    for leaked in ("Sh0p-2024!", "hunter22", "13812345678"):
        assert leaked not in text
    assert "DB_PASSWORD=<redacted>" in text and "SMOKE_TEST_PHONE=<mobile>" in text
