"""The kubernetes-cn pack: its own cases, and an audit of a fixture cluster repository."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from dsaudit import testing

from dsaudit_kubernetes import plugin

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_every_rule_has_cases_that_hold(host: testing.PluginHost) -> None:
    report = testing.run_pack_cases(plugin.PACK_DIR, host)
    assert report.ok, report.failures()
    assert len({o.case.rule_id for o in report.outcomes}) == 7


def test_the_plugin_registers_its_checks_and_pack(host: testing.PluginHost) -> None:
    registry = testing.registry(host)
    assert set(plugin.CHECKS) <= set(registry.checks)
    assert ("kubernetes", plugin.PACK_DIR) in registry.pack_paths


def _audit(tmp_path: Path, host: testing.PluginHost):  # type: ignore[no-untyped-def]
    shutil.copytree(FIXTURES / "cluster", tmp_path / "cluster")
    return testing.audit_folder(tmp_path, host, packs=["kubernetes-cn"])


def test_audit_finds_each_violation_at_its_line(tmp_path: Path, host: testing.PluginHost) -> None:
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


def test_no_secret_or_pi_reaches_the_results(tmp_path: Path, host: testing.PluginHost) -> None:
    audit = _audit(tmp_path, host)
    text = json.dumps(
        [[r.message, [(e.path, e.value) for e in r.evidence]] for r in audit.all_results()]
    )
    for leaked in ("Sh0p-2024!", "hunter22", "13812345678"):
        assert leaked not in text
    assert "DB_PASSWORD=<redacted>" in text and "SMOKE_TEST_PHONE=<mobile>" in text
