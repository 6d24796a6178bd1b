"""Baselines: create, apply, report fixed entries; fingerprints that survive edits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from projectkit import (
    AS_OF,
    audit,
    audit_json,
    results_of,
    retention_rule,
    run,
    tls_rule,
    write_inventory,
    write_pack,
)

from dsaudit.core.errors import ConfigError
from dsaudit.documents.validated import shipped_schema, validator_for

DATASETS = [
    {"id": "d-1", "name": "Orders", "retention_days": 400},
    {"id": "d-2", "name": "Logs", "retention_days": 30},
    {"id": "d-3", "name": "Leads", "retention_days": 900},
]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "org"
    root.mkdir()
    write_pack(root, [retention_rule("KIT-RET", "high"), tls_rule("KIT-TLS", "medium")])
    write_inventory(root, DATASETS)
    return root


def create(root: Path, *args: str | Path) -> tuple[Any, Path]:
    out = root.parent / "baseline.json"
    result = run("baseline", "create", root, "--pack", root / "pack", "--as-of", AS_OF,
                 "-o", out, *args)  # fmt: skip
    return result, out


def fingerprints(report: dict[str, Any], status: str = "fail") -> dict[str, str]:
    return {
        r["resource"]["id"]: r["fingerprint"] for r in report["results"] if r["status"] == status
    }


# -- create ---------------------------------------------------------------------------------


def test_create_records_failing_findings_sorted_and_valid(root: Path) -> None:
    (root / "app.yaml").write_text("server:\n  tls_min_version: '1.0'\n")
    result, out = create(root)
    assert result.exit_code == 0, result.output
    assert "wrote baseline of 3 failing finding(s)" in result.output
    doc = json.loads(out.read_text())
    validator_for(shipped_schema("baseline.schema.json")).validate(doc)
    assert doc["version"] == 2
    assert doc["as_of"] == AS_OF
    keys = [(f["rule_id"], f["resource_id"]) for f in doc["findings"]]
    assert keys == [("KIT-RET", "d-1"), ("KIT-RET", "d-3"), ("KIT-TLS", "app.yaml")]
    by_id = {f["resource_id"]: f for f in doc["findings"]}
    assert by_id["app.yaml"]["location"] == "app.yaml:2"
    assert by_id["d-1"]["resource_kind"] == "dataset"
    assert by_id["d-1"]["location"].startswith("inventory/main.yaml:")


def test_create_is_byte_for_byte_reproducible(root: Path) -> None:
    _, out = create(root)
    first = out.read_bytes()
    _, out = create(root)
    assert out.read_bytes() == first


def test_create_leaves_out_suppressed_and_waived_findings(root: Path) -> None:
    (root / "app.yaml").write_text(
        "server:\n  tls_min_version: '1.0'  # dsaudit:ignore KIT-TLS lab only, no data\n"
    )
    waivers = root.parent / "waivers.yaml"
    waivers.write_text(yaml.safe_dump({"version": 1, "waivers": [{
        "id": "W-1", "rule": "KIT-RET", "resources": ["d-3"], "justification": "Legal hold",
        "requested_by": "a", "approved_by": "b", "approved_on": "2026-01-01",
        "expires_on": "2026-12-31"}]}))  # fmt: skip
    _, out = create(root, "--waivers", waivers)
    ids = [f["resource_id"] for f in json.loads(out.read_text())["findings"]]
    assert ids == ["d-1"]
    _, out = create(root, "--waivers", waivers, "--no-inline-suppressions")
    ids = [f["resource_id"] for f in json.loads(out.read_text())["findings"]]
    assert ids == ["d-1", "app.yaml"]


def test_create_needs_an_output(root: Path) -> None:
    result = run("baseline", "create", root, "--pack", root / "pack")
    assert result.exit_code == 2
    assert "pass -o FILE" in result.output


def test_create_with_error_results_writes_but_exits_2(root: Path) -> None:
    (root / "broken.yaml").write_text("a: [\n")
    result, out = create(root)
    assert result.exit_code == 2
    assert out.is_file()
    assert "error result(s)" in result.output
    assert create(root, "--no-fail-on-error")[0].exit_code == 0


# -- apply ----------------------------------------------------------------------------------


def test_baselined_findings_are_reported_but_do_not_fail(root: Path) -> None:
    _, out = create(root)
    code, report = audit_json(root, "--baseline", out)
    assert code == 0
    failing = results_of(report, "KIT-RET")
    assert {r["resource"]["id"]: (r["status"], r["baselined"]) for r in failing} == {
        "d-1": ("fail", True),
        "d-2": ("pass", False),
        "d-3": ("fail", True),
    }
    assert report["metadata"]["baseline"]["matched"] == 2
    assert report["metadata"]["baseline"]["fixed"] == []


def test_only_new_findings_fail(root: Path) -> None:
    _, out = create(root)
    write_inventory(root, [*DATASETS, {"id": "d-4", "retention_days": 1000}])
    code, report = audit_json(root, "--baseline", out)
    assert code == 1
    new = [r["resource"]["id"] for r in report["results"]
           if r["status"] == "fail" and not r["baselined"]]  # fmt: skip
    assert new == ["d-4"]


def test_fixed_entries_are_reported(root: Path) -> None:
    _, out = create(root)
    write_inventory(root, [DATASETS[0], DATASETS[1]])
    code, report = audit_json(root, "--baseline", out)
    assert code == 0
    fixed = report["metadata"]["baseline"]["fixed"]
    assert len(fixed) == 1
    warning = next(w for w in report["warnings"] if "no longer occur" in w)
    assert "1 baselined finding(s) no longer occur (fixed): KIT-RET on dataset d-3" in warning


def test_baseline_from_project_config(root: Path) -> None:
    (root / "dsaudit.yaml").write_text("version: 1\nbaseline: .dsaudit/baseline.json\n")
    result = run("baseline", "create", root, "--pack", root / "pack", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert (root / ".dsaudit" / "baseline.json").is_file()
    assert audit(root, "-q").exit_code == 0
    assert audit(root, "-q", "--fail-on", "medium").exit_code == 0


def test_invalid_baseline_names_file_and_line(root: Path) -> None:
    _, out = create(root)
    text = out.read_text().replace('"fingerprint": "', '"fingerprint": "zz', 1)
    out.write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if '"zz' in t)
    result = audit(root, "-q", "--baseline", out)
    assert result.exit_code == 2
    assert f"baseline.json:{line}: finding #1: " in result.output


@pytest.mark.parametrize(
    ("text", "problem"),
    [("{not json", "baseline.json:1:"), ('{"version": 3, "findings": []}', "version")],
    ids=["syntax", "version"],
)
def test_unusable_baseline_is_a_config_error(root: Path, text: str, problem: str) -> None:
    from dsaudit.modifiers.baseline import load_baseline

    path = root / "baseline.json"
    path.write_text(text)
    with pytest.raises(ConfigError, match=problem):
        load_baseline(path, "baseline.json")


# -- fingerprints ---------------------------------------------------------------------------


def baseline_then_audit(root: Path, edit: Any) -> tuple[int, dict[str, Any], dict[str, Any]]:
    """Baseline, apply ``edit(root)``, audit again with the baseline: (code, before, after)."""
    _, before = audit_json(root)
    _, out = create(root)
    edit(root)
    code, after = audit_json(root, "--baseline", out)
    return code, before, after


def _inventory(root: Path) -> Path:
    return root / "inventory" / "main.yaml"


def move_block(root: Path) -> None:
    doc = yaml.safe_load(_inventory(root).read_text())
    doc["datasets"] = [DATASETS[1], DATASETS[2], DATASETS[0]]
    header = "# moved d-1 to the end and added lines above\n\n\n"
    _inventory(root).write_text(header + yaml.safe_dump(doc, sort_keys=False))


def reformat_flow_style(root: Path) -> None:
    doc = yaml.safe_load(_inventory(root).read_text())
    _inventory(root).write_text(yaml.safe_dump(doc, default_flow_style=True, width=40))


def reformat_as_json(root: Path) -> None:
    doc = yaml.safe_load(_inventory(root).read_text())
    _inventory(root).unlink()
    shuffled = [{k: d[k] for k in reversed(list(d))} for d in doc["datasets"]]
    (root / "inventory" / "main.json").write_text(json.dumps({**doc, "datasets": shuffled}))


def reorder_entries(root: Path) -> None:
    write_inventory(root, list(reversed(DATASETS)))


def split_files(root: Path) -> None:
    write_inventory(root, [DATASETS[2]])
    write_inventory(root, [DATASETS[1], DATASETS[0]], name="more")


@pytest.mark.parametrize(
    "edit",
    [move_block, reformat_flow_style, reformat_as_json, reorder_entries, split_files],
    ids=["move-block", "flow-style", "as-json-keys-reordered", "reorder-entries", "split-files"],
)
def test_fingerprints_survive(root: Path, edit: Any) -> None:
    code, before, after = baseline_then_audit(root, edit)
    assert fingerprints(after) == fingerprints(before)
    assert all(r["baselined"] for r in after["results"] if r["status"] == "fail")
    assert code == 0


def test_fingerprint_survives_moving_a_config_block(root: Path) -> None:
    app = root / "app.yaml"
    app.write_text("server:\n  tls_min_version: '1.0'\n  port: 443\ncache:\n  size: 10\n")

    def move(root: Path) -> None:
        app.write_text("# cache first\ncache:\n  size: 10\n\nserver:\n  port: 443\n"
                       "  tls_min_version: '1.0'\n")  # fmt: skip

    code, before, after = baseline_then_audit(root, move)
    assert fingerprints(before)["app.yaml"] == fingerprints(after)["app.yaml"]
    lines = [r["location"]["line"] for r in (*results_of(before, "KIT-TLS"),
                                              *results_of(after, "KIT-TLS"))]  # fmt: skip
    assert lines == [2, 7]
    assert code == 0


def change_value(root: Path) -> None:
    write_inventory(root, [{**DATASETS[0], "retention_days": 500}, DATASETS[1], DATASETS[2]])


def rename_resource(root: Path) -> None:
    write_inventory(root, [{**DATASETS[0], "id": "d-9"}, DATASETS[1], DATASETS[2]])


@pytest.mark.parametrize(
    ("edit", "old_id", "new_id"),
    [(change_value, "d-1", "d-1"), (rename_resource, "d-1", "d-9")],
    ids=["value-changes", "resource-changes"],
)
def test_fingerprints_change(root: Path, edit: Any, old_id: str, new_id: str) -> None:
    code, before, after = baseline_then_audit(root, edit)
    assert fingerprints(after)[new_id] != fingerprints(before)[old_id]
    assert fingerprints(after)["d-3"] == fingerprints(before)["d-3"]
    new = [r["resource"]["id"] for r in after["results"]
           if r["status"] == "fail" and not r["baselined"]]  # fmt: skip
    assert new == [new_id]
    assert code == 1
    assert after["metadata"]["baseline"]["fixed"] == [fingerprints(before)[old_id]]


def test_config_value_change_changes_the_fingerprint(root: Path) -> None:
    app = root / "app.yaml"
    app.write_text("server:\n  tls_min_version: '1.0'\n")

    def edit(root: Path) -> None:
        app.write_text("server:\n  tls_min_version: '1.1'\n")

    code, before, after = baseline_then_audit(root, edit)
    assert fingerprints(after)["app.yaml"] != fingerprints(before)["app.yaml"]
    assert code == 0  # KIT-TLS is medium, under the default threshold
    assert [r["baselined"] for r in results_of(after, "KIT-TLS")] == [False]


def test_fingerprint_follows_the_failing_leaf_of_an_all(tmp_path: Path) -> None:
    root = tmp_path / "org"
    root.mkdir()
    rule = retention_rule("KIT-AB", "high")
    rule["condition"] = {"all": [{"path": "x_a", "equals": True}, {"path": "x_b", "equals": True}]}
    write_pack(root, [rule])
    prints = []
    for value in (False, "no"):
        write_inventory(root, [{"id": "d-1", "x_a": True, "x_b": value}])
        _, report = audit_json(root)
        [result] = results_of(report, "KIT-AB")
        assert result["location"]["pointer"] == "/datasets/0/x_b"
        prints.append(result["fingerprint"])
    assert prints[0] != prints[1]
