"""End-to-end audits of small trees: bad inputs become error results; the rest is audited."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from dsaudit.audit import run_audit
from dsaudit.cli.app import cli
from dsaudit.cli.outcome import ExitCode, exit_code
from dsaudit.core.errors import ConfigError, PackError, PackSchemaError, RuleCompileError
from dsaudit.core.models import Status
from dsaudit.plugin.host import get_plugin_host
from dsaudit.project.config import build_config

Tree = Callable[[dict[str, str | bytes]], Path]

ORG = """
version: 1
organization:
  name: Test Co
  is_ciio: false
  individuals_total: 5000
"""
PACK = """
name: mini
version: 1.0.0
jurisdiction: CN
law: CSL
instrument: {title: Test instrument, effective: "2020-01-01"}
"""
RULES = """
rules:
  - id: MINI-RETENTION
    title: Logs kept 180 days
    severity: high
    refs: [{law: CSL, article: "23", former_article: "21"}]
    applies_to: {kind: config, when: {path: "**.retention_days", match: any, exists: true}}
    condition: {path: "**.retention_days", gte: {param: days}}
    params: {days: {default: 180, legal_value: 180, stricter: higher}}
    message: "Kept {value} days, need {days}."
    remediation: Keep logs longer.
"""


def audit(target: Path, **flags: object):  # type: ignore[no-untyped-def]
    flags.setdefault("as_of", dt.date(2026, 6, 1))
    cfg = build_config(target, **flags)
    return run_audit(cfg), cfg


def test_one_bad_file_is_an_error_result_and_the_rest_is_audited(make_tree: Tree) -> None:
    target = make_tree(
        {
            "inventory/org.yaml": ORG,
            "packs/mini/pack.yaml": PACK,
            "packs/mini/rules/r.yaml": RULES,
            "configs/good.yaml": "logging:\n  retention_days: 365\n",
            "configs/short.json": '{"logging": {"retention_days": 30}}',
            "configs/broken.yaml": "a: [1, 2\nb: 3\n",
            "configs/binary.yaml": b"\x00\x01\x02\xff\xfe",
        }
    )
    result, _ = audit(target, packs=[str(target / "packs/mini")])
    by_file = {r.location.file: r for r in result.all_results()}
    assert by_file["configs/good.yaml"].status is Status.PASS
    failing = by_file["configs/short.json"]
    assert failing.status is Status.FAIL and failing.location.line == 1
    assert failing.message == "Kept 30 days, need 180."
    broken = by_file["configs/broken.yaml"]
    assert broken.status is Status.ERROR and broken.rule_id == "DSAUDIT-PARSE"
    assert broken.location.line is not None and "configs/broken.yaml" in broken.message
    assert by_file["configs/binary.yaml"].status is Status.ERROR
    assert exit_code(result, "high") is ExitCode.INCOMPLETE
    assert exit_code(result, "high", fail_on_error=False) is ExitCode.FINDINGS


def test_failure_points_at_the_offending_line(make_tree: Tree) -> None:
    target = make_tree(
        {
            "packs/mini/pack.yaml": PACK,
            "packs/mini/rules/r.yaml": RULES,
            "app.yaml": "# comment\nservice:\n  name: api\n  logging:\n    retention_days: 90\n",
        }
    )
    result, _ = audit(target, packs=[str(target / "packs/mini")])
    [fail] = [r for r in result.results if r.status is Status.FAIL]
    assert (fail.location.file, fail.location.line) == ("app.yaml", 5)
    assert fail.evidence[0].path == "service.logging.retention_days"


def test_fingerprint_ignores_line_moves_but_not_value_changes(
    make_tree: Tree, tmp_path: Path
) -> None:
    files = {"packs/mini/pack.yaml": PACK, "packs/mini/rules/r.yaml": RULES}
    target = make_tree({**files, "app.yaml": "logging:\n  retention_days: 90\n"})
    first, _ = audit(target, packs=[str(target / "packs/mini")])
    (target / "app.yaml").write_text("x: 1\ny: 2\n\nlogging:\n  retention_days: 90\n")
    moved, _ = audit(target, packs=[str(target / "packs/mini")])
    (target / "app.yaml").write_text("logging:\n  retention_days: 91\n")
    changed, _ = audit(target, packs=[str(target / "packs/mini")])

    def fp(result) -> str:  # type: ignore[no-untyped-def]
        return next(r.fingerprint for r in result.results if r.status is Status.FAIL)

    assert fp(first) == fp(moved)
    assert fp(first) != fp(changed)


def test_guardrail_marks_a_looser_override(make_tree: Tree) -> None:
    target = make_tree(
        {
            "packs/mini/pack.yaml": PACK,
            "packs/mini/rules/r.yaml": RULES,
            "dsaudit.yaml": "version: 1\nrules:\n  MINI-RETENTION:\n    params: {days: 60}\n",
            "app.yaml": "logging:\n  retention_days: 30\n",
        }
    )
    result, _ = audit(target, packs=[str(target / "packs/mini")])
    assert "not assured" in result.results[0].message
    assert "MINI-RETENTION" in result.metadata["guardrails"]


@pytest.mark.parametrize(
    ("rules", "error", "text"),
    [
        (RULES.replace("gte:", "greater:"), RuleCompileError, 'unknown operator "greater"'),
        (RULES.replace("severity: high", "severity: urgent"), PackSchemaError, "urgent"),
        (RULES.replace("    remediation: Keep logs longer.\n", ""), PackSchemaError, "remediation"),
        (RULES + "    colour: blue\n", PackSchemaError, "colour"),
        (RULES.replace("[{law: CSL", "[{law: CSL, articel: 1"), PackSchemaError, "articel"),
        ("rules: [\n", PackError, "r.yaml"),
        (RULES.replace("gte: {param: days}", "gte: {param: dayz}"), RuleCompileError, "dayz"),
    ],
    ids=["operator", "severity", "missing-key", "unknown-key", "ref-key", "yaml", "param"],
)
def test_invalid_packs_are_refused_with_file_and_line(
    make_tree: Tree, rules: str, error: type[Exception], text: str
) -> None:
    target = make_tree({"packs/mini/pack.yaml": PACK, "packs/mini/rules/r.yaml": rules})
    with pytest.raises(error) as err:
        audit(target, packs=[str(target / "packs/mini")])
    assert text in str(err.value)
    assert "r.yaml:" in str(err.value)


def test_invalid_pack_exits_2_through_the_cli(make_tree: Tree, runner: CliRunner) -> None:
    target = make_tree(
        {"packs/mini/pack.yaml": PACK, "packs/mini/rules/r.yaml": RULES.replace("gte:", "gtee:")}
    )
    out = runner.invoke(cli, ["audit", str(target), "--pack", str(target / "packs/mini")])
    assert out.exit_code == ExitCode.INCOMPLETE
    assert 'unknown operator "gtee" (did you mean "gte"?)' in out.output


def test_unknown_pack_name_suggests(make_tree: Tree, runner: CliRunner) -> None:
    target = make_tree({"a.yaml": "x: 1\n"})
    out = runner.invoke(cli, ["audit", str(target), "--pack", "pipll"])
    assert out.exit_code == 2 and 'did you mean "pipl"' in out.output


def test_invalid_project_config_names_file_and_line(make_tree: Tree) -> None:
    target = make_tree({"dsaudit.yaml": "version: 1\nfail_on: sometimes\n"})
    with pytest.raises(ConfigError) as err:
        build_config(target)
    assert "dsaudit.yaml:2" in str(err.value)


def test_a_plugin_raising_during_the_audit_is_an_error_result(make_tree: Tree) -> None:
    import dsaudit

    class Sink:
        @dsaudit.hookimpl
        def dsaudit_audit_finished(self, audit: object) -> None:
            raise ValueError("webhook down")

    target = make_tree({"inventory/org.yaml": ORG, "a.yaml": "logging: {retention_days: 200}\n"})
    cfg = build_config(target, as_of=dt.date(2026, 6, 1))
    host = get_plugin_host(extra_plugins=[("sink", Sink())])
    result = run_audit(cfg, host=host)
    [err] = [e for e in result.errors if e.rule_id == "DSAUDIT-PLUGIN"]
    assert "sink raised in dsaudit_audit_finished: ValueError: webhook down" in err.message
    assert result.results, "the audit still produced its results"


def test_as_of_picks_the_article_numbers_in_force(make_tree: Tree) -> None:
    target = make_tree({"logging.yaml": "logging:\n  retention_days: 30\n"})
    before, _ = audit(target, packs=["csl"], as_of=dt.date(2025, 6, 1))
    after, _ = audit(target, packs=["csl"], as_of=dt.date(2026, 6, 1))
    assert [str(r) for r in before.rules["CSL-LOG-RETENTION"].refs] == ["CSL Art. 21(3)"]
    assert [str(r) for r in after.rules["CSL-LOG-RETENTION"].refs] == [
        "CSL Art. 23(3) [formerly Art. 21]"
    ]


def test_json_report_through_the_cli(make_tree: Tree, runner: CliRunner, tmp_path: Path) -> None:
    target = make_tree(
        {"inventory/org.yaml": ORG, "logging.yaml": "logging: {retention_days: 30}\n"}
    )
    out_file = tmp_path / "r.json"
    out = runner.invoke(
        cli,
        [
            "audit",
            str(target),
            "--format",
            "json",
            "--output",
            str(out_file),
            "--as-of",
            "2026-06-01",
        ],
    )
    assert out.exit_code == ExitCode.FINDINGS, out.output
    report = json.loads(out_file.read_text(encoding="utf-8"))
    assert any(
        r["rule_id"] == "CSL-LOG-RETENTION" and r["status"] == "fail" for r in report["results"]
    )
    assert "wrote json report" in out.output


def test_passes_can_be_counted_instead_of_listed(make_tree: Tree) -> None:
    target = make_tree({"logging.yaml": "logging: {retention_days: 365}\n", "b.yaml": "x: 1\n"})
    listed, _ = audit(target, packs=["csl"])
    counted, _ = audit(target, packs=["csl"], passes="count")
    assert any(r.status is Status.PASS for r in listed.results)
    assert not any(r.status is Status.PASS for r in counted.results)
    assert counted.metadata["passed_not_listed"] == {"CSL-LOG-RETENTION": 1}
    from dsaudit.reports.summary import summarize

    assert summarize(counted).by_status["pass"] == summarize(listed).by_status["pass"]
    assert any("counted, not listed" in w for w in counted.warnings)


def test_jobs_give_identical_results(make_tree: Tree) -> None:
    files: dict[str, str | bytes] = {
        f"svc/{i:03d}.yaml": f"logging:\n  retention_days: {90 if i % 7 == 0 else 200}\n"
        for i in range(160)
    }
    files["svc/bad.yaml"] = "a: [\n"
    target = make_tree(files)
    one, _ = audit(target, packs=["csl"])
    two, _ = audit(target, packs=["csl"], jobs=2)

    def key(result) -> list[tuple[str, str, str, int | None, str]]:  # type: ignore[no-untyped-def]
        return [
            (r.rule_id, r.resource_id, str(r.status), r.location.line, r.fingerprint)
            for r in result.all_results()
        ]

    assert key(one) == key(two)
    assert sum(r.status is Status.FAIL for r in one.results) == 23
    assert [r.rule_id for r in one.errors] == ["DSAUDIT-PARSE"]


def test_parser_can_be_chosen_by_glob(make_tree: Tree) -> None:
    target = make_tree(
        {
            "dsaudit.yaml": "version: 1\nconfigs:\n  parsers:\n    'deploy/*.conf': yaml\n",
            "deploy/app.conf": "logging:\n  retention_days: 30\n",
        }
    )
    result, _ = audit(target, packs=["csl"])
    [fail] = [r for r in result.results if r.status is Status.FAIL]
    assert (fail.resource_id, fail.location.line) == ("deploy/app.conf", 2)


def test_unknown_parser_override_is_a_config_error(make_tree: Tree) -> None:
    target = make_tree(
        {"dsaudit.yaml": "version: 1\nconfigs:\n  parsers:\n    '*.conf': yml\n", "a.conf": "x\n"}
    )
    with pytest.raises(ConfigError, match="unknown parser"):
        audit(target, packs=["csl"])


@pytest.mark.parametrize(
    ("limits", "message"),
    [("{max_depth: 50000}", "too high"), ("{max_depth: 1000}", "too high"),
     ("{max_files: 0}", "less than the minimum"),
     ("{max_filez: 3}", "'max_filez' is not one of")],
)  # fmt: skip
def test_limits_are_validated(make_tree: Tree, limits: str, message: str) -> None:
    target = make_tree({"dsaudit.yaml": f"version: 1\nlimits: {limits}\n"})
    with pytest.raises(ConfigError, match=message):
        build_config(target)
