"""Result modifiers through ``dsaudit_register_modifiers``: order, replacement, the guard on what a
step may change, isolation, and that no step edits what it was given."""

from __future__ import annotations

import dataclasses
import json
import textwrap
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
    write_inventory,
    write_pack,
)

import dsaudit
from dsaudit import testing
from dsaudit.core.models import Status
from dsaudit.modifiers.step import Modified, ModifyContext
from dsaudit.project.config import build_config


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Three datasets kept too long (one fail each) under a one-rule pack."""
    target = tmp_path / "target"
    write_pack(target, [retention_rule("KIT-RET", "high", 30)])
    write_inventory(target, [{"id": f"ds-{n}", "retention_days": 90} for n in "abc"])
    return target


def _local_plugin(root: Path, body: str) -> Path:
    folder = root.parent / "plugins"
    folder.mkdir(exist_ok=True)
    folder.chmod(0o755)
    (folder / "policy.py").write_text(textwrap.dedent(body), encoding="utf-8")
    return folder


WAIVE_B = """
    import dataclasses
    import dsaudit
    from dsaudit.modifiers.step import Modified

    class Accept:
        name = "accept-b"
        order = ORDER

        def prepare(self, config):
            def step(results, ctx):
                out = [
                    dataclasses.replace(r, status=dsaudit.Status.WAIVED, waiver={"id": "T-1"})
                    if r.resource_id == "ds-b" and r.status is dsaudit.Status.FAIL else r
                    for r in results
                ]
                return Modified(out, warnings=("accept-b ran",), metadata={"accept": len(out)})
            return step

    @dsaudit.hookimpl
    def dsaudit_register_modifiers(register):
        register(Accept())
"""


def test_a_plugin_modifier_changes_the_report_and_the_exit_code(root: Path) -> None:
    plugins = _local_plugin(root, WAIVE_B.replace("ORDER", "250"))
    code, report = audit_json(root, "--plugin-dir", plugins, "--fail-on", "high")
    assert code == 1  # ds-a and ds-c still fail
    statuses = {r["resource"]["id"]: r["status"] for r in results_of(report, "KIT-RET")}
    assert statuses == {"ds-a": "fail", "ds-b": "waived", "ds-c": "fail"}
    assert report["metadata"]["accept"] == 3
    assert "accept-b ran" in report["warnings"]


def _recorder(order: int, seen: list[tuple[str, ...]]) -> Any:
    class Recorder:
        name = f"recorder-{order}"

        def __init__(self) -> None:
            self.order = order

        def prepare(self, config: Any) -> Any:
            def step(results: Any, ctx: ModifyContext) -> Modified:
                marks = [(r.resource_id, r.status.value, r.baselined) for r in results
                         if r.rule_id == "KIT-RET"]  # fmt: skip
                seen.append(tuple(f"{i}:{s}{'+b' if b else ''}" for i, s, b in marks))
                return Modified(results)

            return step

    class Plugin:
        @dsaudit.hookimpl
        def dsaudit_register_modifiers(self, register: Any) -> None:
            register(Recorder())

    return Plugin()


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (50, ("ds-a:fail", "ds-b:fail", "ds-c:fail")),  # before suppressions (100)
        (250, ("ds-a:fail", "ds-b:waived", "ds-c:fail")),  # after waivers (200)
        (301, ("ds-a:fail+b", "ds-b:waived", "ds-c:fail")),  # after the baseline (300)
    ],
)
def test_modifiers_run_by_order_around_the_builtins(
    root: Path, order: int, expected: tuple[str, ...]
) -> None:
    waivers = root / "waivers.yaml"
    waivers.write_text(yaml.safe_dump({"version": 1, "waivers": [{
        "id": "W-1", "rule": "KIT-RET", "resources": ["ds-b"], "justification": "legacy",
        "requested_by": "a", "approved_by": "b", "approved_on": "2026-01-01",
        "expires_on": "2026-12-31"}]}), "utf-8")  # fmt: skip
    _, first = audit_json(root, "--fail-on", "never")
    fingerprint = next(r["fingerprint"] for r in first["results"] if r["resource"]["id"] == "ds-a")
    baseline = root / "baseline.json"
    baseline.write_text(json.dumps({"version": 1, "findings": [{
        "fingerprint": fingerprint, "rule_id": "KIT-RET", "resource_kind": "dataset",
        "resource_id": "ds-a"}]}), "utf-8")  # fmt: skip
    seen: list[tuple[str, ...]] = []
    cfg = build_config(root, packs=[str(root / "pack")], waivers=waivers, baseline=baseline)
    cfg = dataclasses.replace(cfg, as_of=__import__("datetime").date.fromisoformat(AS_OF))
    host = testing.plugin_host(("rec", _recorder(order, seen)))
    dsaudit.run_audit(cfg, host=host)
    assert seen == [expected]


def test_no_step_edits_the_results_it_was_given(root: Path) -> None:
    """The evaluation's own Result objects stay as they were: each step returns new ones."""
    kept: list[Any] = []

    class Keep:
        name = "keep"
        order = 0

        def prepare(self, config: Any) -> Any:
            def step(results: Any, ctx: Any) -> Modified:
                kept.extend(results)
                return Modified(results)

            return step

    class Plugin:
        @dsaudit.hookimpl
        def dsaudit_register_modifiers(self, register: Any) -> None:
            register(Keep())

    waivers = root / "waivers.yaml"
    waivers.write_text(yaml.safe_dump({"version": 1, "waivers": [{
        "id": "W-1", "rule": "KIT-RET", "justification": "all of them", "resources": ["ds-*"],
        "requested_by": "a", "approved_by": "b", "approved_on": "2026-01-01",
        "expires_on": "2026-12-31"}]}), "utf-8")  # fmt: skip
    cfg = build_config(root, packs=[str(root / "pack")], waivers=waivers)
    cfg = dataclasses.replace(cfg, as_of=__import__("datetime").date.fromisoformat(AS_OF))
    final = dsaudit.run_audit(cfg, host=testing.plugin_host(("keep", Plugin())))
    assert {r.status for r in final.results if r.rule_id == "KIT-RET"} == {Status.WAIVED}
    assert {r.status for r in kept if r.rule_id == "KIT-RET"} == {Status.FAIL}
    assert all(r.waiver is None for r in kept)


BAD_STEPS = {
    "pass": (
        "dataclasses.replace(r, status=dsaudit.Status.PASS)",
        "changed a KIT-RET result from fail to pass",
    ),
    "severity": (
        "dataclasses.replace(r, severity=dsaudit.Severity.LOW)",
        "changed the rule, resource, fingerprint or severity",
    ),
    "resource": (
        "dataclasses.replace(r, resource_id='elsewhere')",
        "changed the rule, resource, fingerprint or severity",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_STEPS))
def test_a_step_that_changes_what_it_may_not_is_discarded_and_named(root: Path, case: str) -> None:
    change, message = BAD_STEPS[case]
    body = WAIVE_B.replace("ORDER", "250").replace(
        'dataclasses.replace(r, status=dsaudit.Status.WAIVED, waiver={"id": "T-1"})', change
    )
    code, report = audit_json(root, "--plugin-dir", _local_plugin(root, body), "--fail-on", "high")
    assert code == 2  # an error result: the gate cannot be opened by a modifier
    assert {r["status"] for r in results_of(report, "KIT-RET")} == {"fail"}
    [error] = [e for e in report["errors"] if e["rule_id"] == "DSAUDIT-PLUGIN"]
    assert error["resource"]["id"] == "policy"
    assert message in error["message"]


@pytest.mark.parametrize(
    ("returned", "message"),
    [
        ("Modified(results[:-1])", "returned 2 results for 3"),
        ("list(results)", "returned list, expected Modified"),
        ("Modified(results, metadata={'exit_code': 0})", "may not set the audit metadata key"),
        ("1 / 0", "modifier accept-b raised: ZeroDivisionError"),
    ],
)
def test_a_broken_step_is_an_error_and_the_audit_goes_on(
    root: Path, returned: str, message: str
) -> None:
    body = WAIVE_B.replace("ORDER", "250").replace(
        'return Modified(out, warnings=("accept-b ran",), metadata={"accept": len(out)})',
        f"return {returned}",
    )
    code, report = audit_json(root, "--plugin-dir", _local_plugin(root, body), "--fail-on", "never")
    assert code == 2
    assert {r["status"] for r in results_of(report, "KIT-RET")} == {"fail"}
    [error] = [e for e in report["errors"] if e["rule_id"] == "DSAUDIT-PLUGIN"]
    assert message in error["message"], error["message"]


def test_a_prepare_that_raises_is_an_error_naming_the_plugin(root: Path) -> None:
    body = WAIVE_B.replace("ORDER", "250").replace(
        "def prepare(self, config):",
        "def prepare(self, config):\n            raise OSError('no db')",
    )
    code, report = audit_json(root, "--plugin-dir", _local_plugin(root, body), "--fail-on", "never")
    assert code == 2
    [error] = [e for e in report["errors"] if e["rule_id"] == "DSAUDIT-PLUGIN"]
    assert "modifier accept-b failed to prepare: OSError: no db" in error["message"]


def test_replacing_a_builtin_modifier_by_name_is_said(root: Path) -> None:
    body = WAIVE_B.replace("ORDER", "200").replace('name = "accept-b"', 'name = "waivers"')
    result = audit(root, "--plugin-dir", _local_plugin(root, body), "--fail-on", "never", "-q")
    assert "plugin policy replaces the built-in modifier 'waivers'" in result.output
    assert "1 waived" in result.output


def test_a_registered_modifier_needs_a_name_an_order_and_prepare() -> None:
    class NoOrder:
        name = "x"

        def prepare(self, config: Any) -> None:
            return None

    class Plugin:
        @dsaudit.hookimpl
        def dsaudit_register_modifiers(self, register: Any) -> None:
            register(NoOrder())

    registry = testing.registry(testing.plugin_host(("bad", Plugin())))
    assert "x" not in registry.modifiers
    assert any("needs an integer 'order'" in p.message for p in registry.problems)


def test_a_broken_waivers_file_stops_the_run_before_any_file_is_read(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read once, in prepare: the error names file and line, and no source ran."""
    from dsaudit.modifiers import waivers as waivers_module
    from dsaudit.sources import configs

    reads: list[str] = []
    real = waivers_module.read_waivers
    monkeypatch.setattr(
        waivers_module, "read_waivers", lambda *a, **k: reads.append("w") or real(*a, **k)
    )
    walked: list[str] = []
    monkeypatch.setattr(configs, "parse_all", lambda *a, **k: walked.append("x") or [])
    (root / "waivers.yaml").write_text("version: 1\nwaivers:\n  - id: W-1\n    rule: 3\n", "utf-8")
    result = audit(root, "--waivers", root / "waivers.yaml")
    assert result.exit_code == 2
    assert "waivers.yaml:4" in result.output or "waivers.yaml:3" in result.output, result.output
    assert reads == ["w"] and walked == []


def test_the_0_1_callable_form_still_works_with_a_warning(root: Path) -> None:
    def mark_b(audit: Any, config: Any) -> None:
        for result in audit.results:
            if result.resource_id == "ds-b":
                result.baselined = True
        audit.warnings.append("legacy ran")

    cfg = build_config(root, packs=[str(root / "pack")])
    with pytest.warns(DeprecationWarning, match=r"modifiers=\[callable, ...\]\) is deprecated"):
        final = dsaudit.run_audit(cfg, host=testing.plugin_host(), modifiers=[mark_b])
    assert [r.resource_id for r in final.results if r.baselined] == ["ds-b"]
    assert "legacy ran" in final.warnings
