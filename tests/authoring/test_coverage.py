"""``dsaudit coverage``, the provisions list, and correctness cases of the CSL, CIIR... packs."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from projectkit import REPO_ROOT

from dsaudit.audit import compile_rules, load_packs, run_audit
from dsaudit.authoring.coverage import (
    NO_RULE_REASON,
    build_coverage,
    coverage_to_json,
    coverage_to_markdown,
    load_provisions,
)
from dsaudit.cli.app import cli
from dsaudit.core.errors import ConfigError
from dsaudit.core.models import Rule, Status
from dsaudit.core.taxonomy import load_taxonomy
from dsaudit.plugin.host import get_plugin_host
from dsaudit.plugin.registry import collect_registry
from dsaudit.project.config import ProjectConfig, build_config

ROOT = REPO_ROOT
MY_PACKS = ("csl", "dsl", "ciir", "ndsmr", "incident", "minors", "mlps-admin")


def shipped_rules(as_of: dt.date, packs: tuple[str, ...] = ()) -> list[Rule]:
    cfg = ProjectConfig(root=ROOT, packs=list(packs))
    cfg.as_of = as_of
    registry = collect_registry(get_plugin_host())
    return compile_rules(cfg, load_packs(cfg, registry), registry, load_taxonomy()).rules


# --------------------------------------------------------------------------- provisions list


def test_shipped_provisions_are_valid_and_unique() -> None:
    instruments, provisions = load_provisions()
    assert {"CSL", "DSL", "PIPL", "NDSMR", "CIIR", "INC", "MINREG", "MLPS"} <= set(instruments)
    keys = [(p.law, p.article) for p in provisions]
    assert len(keys) == len(set(keys))
    assert all(p.reason for p in provisions if not p.checkable)


def test_every_checkable_provision_has_a_rule_or_a_documented_reason() -> None:
    instruments, provisions = load_provisions()
    cov = build_coverage(shipped_rules(dt.date(2026, 6, 1)), instruments, provisions,
                         dt.date(2026, 6, 1))  # fmt: skip
    missing = [
        f"{r.provision.law} Art. {r.provision.article}"
        for r in cov.rows
        if r.status == "not-covered" and not r.provision.reason
    ]
    assert missing == []


def test_docs_coverage_lists_every_reason() -> None:
    text = (ROOT / "docs" / "coverage.md").read_text("utf-8")
    _, provisions = load_provisions()
    absent = [f"{p.law} {p.article}" for p in provisions if p.reason and p.reason not in text]
    assert absent == []


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"law": "CSL", "article": "1", "title": "t", "checkable": True, "colour": "red"},
         "unknown key"),
        ({"law": "CSL", "article": "1", "title": "t"}, "needs checkable"),
        ({"law": "XYZ", "article": "1", "title": "t", "checkable": True}, "not listed under"),
        ({"law": "CSL", "article": "1", "title": "t", "checkable": "yes"}, "true or false"),
        ({"law": "CSL", "article": "1", "title": "t", "checkable": False}, "gives no reason"),
        ({"law": "CSL", "article": "1", "title": "t", "checkable": True, "former_article": "2"},
         "go together"),
        ({"law": "CSL", "article": "1", "title": "t", "checkable": True, "former_article": "2",
          "renumbered_on": "soon"}, "must be a date"),
    ],
    ids=["unknown-key", "missing-key", "unknown-law", "not-bool", "no-reason", "half-renumbered",
         "bad-date"],
)  # fmt: skip
def test_bad_provisions_name_file_and_line(tmp_path: Path, entry: dict[str, Any],
                                           message: str) -> None:  # fmt: skip
    path = tmp_path / "provisions.yaml"
    ok = {"law": "CSL", "article": "9", "title": "fine", "checkable": True}
    doc = {"instruments": {"CSL": "Cybersecurity Law"}, "provisions": [ok, entry]}
    path.write_text(yaml.safe_dump(doc, sort_keys=False), "utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        load_provisions(path)
    assert info.value.file == str(path)
    assert info.value.line is not None and info.value.line > 3


def test_duplicate_provision_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(textwrap.dedent("""\
        instruments: {DSL: Data Security Law}
        provisions:
          - {law: DSL, article: "21", title: a, checkable: true}
          - {law: DSL, article: "21", title: b, checkable: true}
        """), "utf-8")  # fmt: skip
    with pytest.raises(ConfigError, match="listed twice") as info:
        load_provisions(path)
    assert info.value.line == 4


def test_not_a_provisions_file(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("- just a list\n", "utf-8")
    with pytest.raises(ConfigError, match="'provisions' list"):
        load_provisions(path)


# --------------------------------------------------------------------------- the matrix


@pytest.mark.parametrize(
    ("as_of", "article", "label"),
    [
        (dt.date(2025, 6, 1), "21", "Art. 21 (Art. 23 from 2026-01-01)"),
        (dt.date(2026, 6, 1), "23", "Art. 23 (formerly 21)"),
    ],
    ids=["2017-numbering", "2026-numbering"],
)
def test_csl_renumbering_in_refs_and_matrix(as_of: dt.date, article: str, label: str) -> None:
    rules = {r.id: r for r in shipped_rules(as_of, ("csl",))}
    refs = [(ref.law, ref.article) for ref in rules["CSL-LOG-RETENTION"].refs]
    assert refs == [("CSL", article)]
    instruments, provisions = load_provisions()
    cov = build_coverage(rules.values(), instruments, provisions, as_of)
    row = next(r for r in cov.rows if r.provision.law == "CSL" and r.provision.article == "23")
    assert row.provision.label(as_of) == label
    assert "CSL-LOG-RETENTION" in [c.id for c in row.rules]
    # The 2017 Art. 40 (confidentiality) is not the 2026 Art. 40 (CII assessment).
    row40 = next(r for r in cov.rows if r.provision.law == "CSL" and r.provision.article == "40")
    assert "CSL-PI-CONFIDENTIALITY" not in [c.id for c in row40.rules]


def test_rules_not_yet_in_force_do_not_cover() -> None:
    instruments, provisions = load_provisions()
    before = build_coverage(shipped_rules(dt.date(2025, 6, 1), ("incident",)), instruments,
                            provisions, dt.date(2025, 6, 1))  # fmt: skip
    row = next(r for r in before.rows if (r.provision.law, r.provision.article) == ("INC", "4"))
    assert row.status == "not-covered"
    assert row.reason == NO_RULE_REASON
    after = build_coverage(shipped_rules(dt.date(2026, 6, 1), ("incident",)), instruments,
                           provisions, dt.date(2026, 6, 1))  # fmt: skip
    row = next(r for r in after.rows if (r.provision.law, r.provision.article) == ("INC", "4"))
    assert [c.id for c in row.rules] == ["INC-GRADE-CONSISTENT", "INC-GRADED",
                                         "INC-REPORT-CIIO", "INC-REPORT-OPERATOR",
                                         "INC-REPORT-STATE-ORGAN"]  # fmt: skip


def test_json_and_markdown_agree_on_counts() -> None:
    as_of = dt.date(2026, 6, 1)
    instruments, provisions = load_provisions()
    cov = build_coverage(shipped_rules(as_of, MY_PACKS), instruments, provisions, as_of)
    data = coverage_to_json(cov)
    csl = next(i for i in data["instruments"] if i["law"] == "CSL")
    covered = sum(p["status"] == "covered" for p in csl["provisions"])
    assert csl["summary"]["covered"] == covered
    assert all(p["reason"] for p in csl["provisions"] if p["status"] != "covered")
    md = coverage_to_markdown(cov)
    assert f"{covered} of {csl['summary']['checkable']} checkable provisions covered" in md


# --------------------------------------------------------------------------- the command


def test_cli_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["coverage", "--format", "json", "--as-of", "2026-06-01",
                                      "--pack", "ciir"])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    ciir = next(i for i in data["instruments"] if i["law"] == "CIIR")
    art14 = next(p for p in ciir["provisions"] if p["article"] == "14")
    assert [r["id"] for r in art14["rules"]] == ["CIIR-BACKGROUND-CHECK", "CIIR-SECURITY-BODY"]
    assert art14["rules"][0]["manual"] is True


def test_cli_markdown_and_console() -> None:
    runner = CliRunner()
    md = runner.invoke(cli, ["coverage", "--format", "markdown", "--pack", "minors"])
    assert md.exit_code == 0, md.output
    assert "| Art. 72 |" in md.output and "`MPL-GUARDIAN-CONSENT`" in md.output
    console = runner.invoke(cli, ["coverage", "--pack", "minors", "--uncovered"])
    assert console.exit_code == 0, console.output
    # Only the minors pack is loaded: every checkable MINREG provision is covered (Art. 20 only
    # partly: items (2), (4) and (5) are not checked as Art. 20 duties), CSL's are not.
    assert "MINREG:" in console.output
    minreg = console.output.split("MINREG:")[1].split("MINPLAT:")[0]
    assert "not-covered" not in minreg and "Art. 20" in minreg
    articles = [line.split("│")[0].strip() for line in minreg.splitlines() if "│" in line]
    assert [a for a in articles if a] == ["Art. 20"]
    assert "CSL" in console.output and "not-covered" in console.output


def test_cli_stray_citation_and_custom_provisions(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    (pack / "rules").mkdir(parents=True)
    (pack / "pack.yaml").write_text(textwrap.dedent("""\
        name: stray
        version: 1.0.0
        jurisdiction: CN
        instrument: {title: Test, effective: "2020-01-01"}
        """), "utf-8")  # fmt: skip
    rule = {"id": "STRAY-ONE", "title": "A stray citation", "severity": "low",
            "refs": [{"law": "DSL", "article": "999"}, {"law": "DSL", "article": "21"}],
            "applies_to": {"kind": "dataset"}, "condition": {"path": "x", "exists": True},
            "message": "m", "remediation": "r"}  # fmt: skip
    (pack / "rules" / "r.yaml").write_text(yaml.safe_dump({"rules": [rule]}), "utf-8")
    provisions = tmp_path / "p.yaml"
    provisions.write_text(textwrap.dedent("""\
        instruments: {DSL: Data Security Law}
        provisions:
          - {law: DSL, article: "21", title: Classification, checkable: true}
          - {law: DSL, article: "27", title: Management system, checkable: true}
        """), "utf-8")  # fmt: skip
    result = CliRunner().invoke(cli, ["coverage", "--format", "json", "--pack", str(pack),
                                      "--provisions", str(provisions)])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    rows = {p["article"]: p for p in data["instruments"][0]["provisions"]}
    assert rows["21"]["status"] == "covered"
    assert rows["27"] == {**rows["27"], "status": "not-covered", "reason": NO_RULE_REASON}
    assert data["other_citations"] == [{"law": "DSL", "article": "999", "rules": ["STRAY-ONE"]}]


def test_cli_bad_date_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["coverage", "--as-of", "June"])
    assert result.exit_code == 2
    assert "not a date" in result.output


# --------------------------------------------------------------------------- correctness cases


def _project(tmp_path: Path, inventory: dict[str, Any], files: dict[str, str],
             as_of: str = "2026-06-01") -> Path:  # fmt: skip
    root = tmp_path / "org"
    (root / "inventory").mkdir(parents=True)
    (root / "inventory" / "main.yaml").write_text(
        yaml.safe_dump({"version": 1, **inventory}, sort_keys=False), "utf-8"
    )
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    packs = "\n".join(f"  - {p}" for p in MY_PACKS)
    (root / "dsaudit.yaml").write_text(f'version: 1\nas_of: "{as_of}"\npacks:\n{packs}\n', "utf-8")
    return root


def _statuses(root: Path, rule_id: str, **flags: Any) -> dict[str, Status]:
    audit = run_audit(build_config(root, **flags))
    return {r.resource_id: r.status for r in audit.results if r.rule_id == rule_id}


def test_ciio_storing_pi_outside_mainland_fails(tmp_path: Path) -> None:
    inventory = {
        "organization": {"name": "Hospital", "is_ciio": True},
        "datasets": [
            {"id": "emr-cn", "storage_region": "CN", "fields": [{"name": "n", "category": "name"}]},
            {"id": "emr-sg", "storage_region": "SG", "fields": [{"name": "n", "category": "name"}]},
            {"id": "emr-hk", "storage_region": "CN-HK",
             "fields": [{"name": "n", "category": "medical_record"}]},
        ],
    }  # fmt: skip
    statuses = _statuses(_project(tmp_path, inventory, {}), "CSL-CIIO-LOCALIZATION")
    assert statuses == {"emr-cn": Status.PASS, "emr-sg": Status.FAIL, "emr-hk": Status.FAIL}


@pytest.mark.parametrize(("days", "status"),
                         [(90, Status.FAIL), (180, Status.FAIL), (183, Status.FAIL),
                          (184, Status.PASS)],
                         ids=["90-fails", "180-fails", "183-fails", "184-passes"])  # fmt: skip
def test_log_retention_in_a_logging_config(tmp_path: Path, days: int, status: Status) -> None:
    files = {"configs/logging.yaml": f"logging:\n  level: info\n  retention_days: {days}\n"}
    root = _project(tmp_path, {"organization": {"name": "Acme"}}, files)
    statuses = _statuses(root, "CSL-LOG-RETENTION")
    assert list(statuses.values()) == [status]


@pytest.mark.parametrize(("as_of", "article"), [("2025-06-01", "21"), ("2026-06-01", "23")],
                         ids=["2025", "2026"])  # fmt: skip
def test_as_of_picks_the_csl_article_in_force(tmp_path: Path, as_of: str, article: str) -> None:
    files = {"configs/logging.yaml": "logging:\n  retention_days: 90\n"}
    root = _project(tmp_path, {"organization": {"name": "Acme"}}, files)
    audit = run_audit(build_config(root, as_of=dt.date.fromisoformat(as_of)))
    assert audit.metadata["as_of"] == as_of
    failure = next(r for r in audit.results if r.rule_id == "CSL-LOG-RETENTION")
    assert failure.status is Status.FAIL
    refs = audit.rules["CSL-LOG-RETENTION"].refs
    assert [(r.law, r.article) for r in refs] == [("CSL", article)]


def test_a_looser_log_retention_override_is_not_assured(tmp_path: Path) -> None:
    files = {"configs/logging.yaml": "logging:\n  retention_days: 90\n"}
    root = _project(tmp_path, {"organization": {"name": "Acme"}}, files)
    with (root / "dsaudit.yaml").open("a", encoding="utf-8") as fh:
        fh.write("rules:\n  CSL-LOG-RETENTION:\n    params: {min_days: 60}\n")
    audit = run_audit(build_config(root))
    result = next(r for r in audit.results if r.rule_id == "CSL-LOG-RETENTION")
    assert result.status is Status.PASS
    assert "not assured" in audit.metadata["guardrails"]["CSL-LOG-RETENTION"][0]


def test_incident_deadlines_by_operator_type(tmp_path: Path) -> None:
    incidents = [
        {"id": "fast", "grade": "major", "detected_at": "2026-02-01T09:00:00+08:00",
         "reported_at": "2026-02-01T09:45:00+08:00"},
        {"id": "slow", "grade": "relatively_major", "detected_at": "2026-02-01T09:00:00+08:00",
         "reported_at": "2026-02-01T11:00:00+08:00"},
        {"id": "minor", "grade": "general", "detected_at": "2026-02-01T09:00:00+08:00"},
    ]  # fmt: skip
    at_cii = [{**incident, "involves_cii": True} for incident in incidents]
    ciio = _project(tmp_path / "a", {"organization": {"name": "H", "is_ciio": True},
                                     "incidents": at_cii}, {})  # fmt: skip
    assert _statuses(ciio, "INC-REPORT-CIIO") == {"fast": Status.PASS, "slow": Status.FAIL}
    other = _project(tmp_path / "b", {"organization": {"name": "S"}, "incidents": incidents}, {})
    assert _statuses(other, "INC-REPORT-OPERATOR") == {"fast": Status.PASS, "slow": Status.PASS}
