"""The terraform-cn pack: its own cases, and an audit of the fixture tree with lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dsaudit import testing

from dsaudit_terraform import plugin

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_every_rule_has_cases_that_hold(host: testing.PluginHost) -> None:
    report = testing.run_pack_cases(plugin.PACK_DIR, host)
    assert report.ok, report.failures()
    assert len({o.case.rule_id for o in report.outcomes}) == 11


def test_the_plugin_ships_the_pack(host: testing.PluginHost) -> None:
    registry = testing.registry(host)
    assert ("terraform", plugin.PACK_DIR) in registry.pack_paths
    assert "terraform" in {p.name for p in registry.parsers}


def test_audit_of_the_fixtures_finds_each_violation_at_its_line(
    tmp_path: Path, host: testing.PluginHost
) -> None:
    pytest.importorskip("hcl2", reason="python-hcl2 is not installed (pip install python-hcl2)")
    shutil.copytree(FIXTURES, tmp_path / "infra")
    audit = testing.audit_folder(tmp_path, host, packs=["terraform-cn"])
    assert not audit.errors, [e.message for e in audit.errors]
    failing = sorted((r.rule_id, str(r.location)) for r in audit.results if r.status == "fail")
    assert failing == [
        ("TF-ALI-LOG-RETENTION", "infra/alicloud/main.tf:40"),
        ("TF-ALI-OSS-ENCRYPTION", "infra/alicloud/main.tf:20"),
        ("TF-ALI-OSS-PUBLIC", "infra/alicloud/main.tf:22"),
        ("TF-ALI-RDS-PUBLIC", "infra/alicloud/main.tf:31"),
        ("TF-AWS-LOG-RETENTION", "infra/aws-china/main.tf:59"),
        ("TF-AWS-RDS-ENCRYPTION", "infra/aws-china/main.tf:52"),
        ("TF-AWS-RDS-PUBLIC", "infra/aws-china/main.tf:53"),
        ("TF-AWS-S3-ENCRYPTION", "infra/aws-china/main.tf:36"),
        ("TF-AWS-S3-PUBLIC", "infra/aws-china/main.tf:46"),
        ("TF-CN-DATA-REGION", "infra/aws-china/main.tf:8"),
    ]
    passing = {(r.rule_id, r.resource_id) for r in audit.results if r.status == "pass"}
    assert ("TF-AWS-S3-PUBLIC", "infra/aws-china/main.tf#2") in passing  # orders bucket
    assert ("TF-ALI-RDS-ENCRYPTION", "infra/alicloud/main.tf#3") in passing  # TDE on


def test_an_invalid_tf_file_is_an_error_result_and_the_rest_is_audited(
    tmp_path: Path, host: testing.PluginHost
) -> None:
    pytest.importorskip("hcl2", reason="python-hcl2 is not installed (pip install python-hcl2)")
    shutil.copytree(FIXTURES / "alicloud", tmp_path / "ok")
    (tmp_path / "broken.tf").write_text('resource "a" "b" {\n  x = \n}\n', encoding="utf-8")
    audit = testing.audit_folder(tmp_path, host, packs=["terraform-cn"])
    [error] = audit.errors
    assert (error.rule_id, str(error.location)) == ("DSAUDIT-PARSE", "broken.tf:2")
    assert any(r.rule_id == "TF-ALI-OSS-PUBLIC" and r.status == "fail" for r in audit.results)
