"""Waivers: validation with file:line, matching, expiry, staleness, warnings and the appendix."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from projectkit import (
    AS_OF,
    REPO_ROOT,
    audit,
    audit_json,
    results_of,
    retention_rule,
    tls_rule,
    write_inventory,
    write_pack,
)

from dsaudit.core.errors import ConfigError
from dsaudit.modifiers.waivers import load_waivers

TODAY = dt.date.fromisoformat(AS_OF)


def waiver(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "W-1",
        "rule": "KIT-RET",
        "resources": ["d-1"],
        "justification": "Legal hold for litigation 2026-17, see ticket RISK-88",
        "requested_by": "Li Wei (data platform lead)",
        "approved_by": "Zhang Min (CISO)",
        "approved_on": "2026-01-15",
        "expires_on": "2026-12-31",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def write_waivers(root: Path, *items: dict[str, Any]) -> Path:
    path = root / "waivers.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "waivers": list(items)}, sort_keys=False))
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "org"
    root.mkdir()
    write_pack(root, [retention_rule("KIT-RET", "high"), tls_rule("KIT-TLS", "high")])
    write_inventory(
        root,
        [
            {"id": "d-1", "retention_days": 400},
            {"id": "d-2", "retention_days": 500},
            {"id": "x-1", "retention_days": 600},
        ],
    )
    return root


def statuses(report: dict[str, Any], rule_id: str = "KIT-RET") -> dict[str, str]:
    return {r["resource"]["id"]: r["status"] for r in results_of(report, rule_id)}


def test_waiver_in_force_waives_only_its_resource(root: Path) -> None:
    path = write_waivers(root, waiver())
    code, report = audit_json(root, "--waivers", path)
    assert statuses(report) == {"d-1": "waived", "d-2": "fail", "x-1": "fail"}
    waived = next(r for r in report["results"] if r["status"] == "waived")
    assert waived["waiver"]["justification"] == waiver()["justification"]
    assert waived["waiver"]["approved_by"] == "Zhang Min (CISO)"
    assert code == 1


def test_every_failure_waived_exits_0_and_report_lists_waivers_in_force(root: Path) -> None:
    path = write_waivers(root, waiver(resources=["*-*"]))
    code, report = audit_json(root, "--waivers", path)
    assert code == 0
    assert set(statuses(report).values()) == {"waived"}
    assert [w["id"] for w in report["waivers"]] == ["W-1"]
    assert report["waivers"][0]["expires_on"] == "2026-12-31"


@pytest.mark.parametrize(
    ("patterns", "waived"),
    [(["d-*"], {"d-1", "d-2"}), (["x-1", "d-2"], {"x-1", "d-2"}), (["d-?"], {"d-1", "d-2"})],
    ids=["prefix-glob", "two-ids", "single-char"],
)
def test_resource_patterns(root: Path, patterns: list[str], waived: set[str]) -> None:
    path = write_waivers(root, waiver(resources=patterns))
    _, report = audit_json(root, "--waivers", path)
    assert {k for k, v in statuses(report).items() if v == "waived"} == waived


def test_path_glob_waives_config_findings_in_matching_files_only(root: Path) -> None:
    (root / "configs").mkdir()
    for name in ("configs/app.yaml", "other.yaml"):
        (root / name).write_text("server:\n  tls_min_version: '1.0'\n")
    path = write_waivers(root, waiver(rule="KIT-TLS", resources=None, paths=["configs/*.yaml"]))
    _, report = audit_json(root, "--waivers", path)
    assert statuses(report, "KIT-TLS") == {"configs/app.yaml": "waived", "other.yaml": "fail"}


def test_resources_and_paths_both_must_match(root: Path) -> None:
    (root / "app.yaml").write_text("tls_min_version: '1.0'\n")
    path = write_waivers(root, waiver(rule="KIT-TLS", resources=["app.yaml"], paths=["configs/*"]))
    _, report = audit_json(root, "--waivers", path)
    assert statuses(report, "KIT-TLS") == {"app.yaml": "fail"}


def test_expired_waiver_no_longer_applies_and_says_so(root: Path) -> None:
    path = write_waivers(root, waiver(approved_on="2025-01-01", expires_on="2026-05-31"))
    code, report = audit_json(root, "--waivers", path)
    assert code == 1
    d1 = next(r for r in results_of(report) if r["resource"]["id"] == "d-1")
    assert d1["status"] == "fail"
    assert d1["waiver"] is None
    assert "waiver W-1 expired on 2026-05-31" in d1["message"]
    assert report["waivers"] == []
    assert any("W-1" in w and "expired on 2026-05-31" in w for w in report["warnings"])


def test_waiver_is_in_force_on_its_last_day(root: Path) -> None:
    path = write_waivers(root, waiver(expires_on=AS_OF))
    _, report = audit_json(root, "--waivers", path)
    assert statuses(report)["d-1"] == "waived"


def test_waiver_approved_after_the_audit_date_does_not_apply(root: Path) -> None:
    path = write_waivers(root, waiver(approved_on="2026-07-01"))
    _, report = audit_json(root, "--waivers", path)
    assert statuses(report)["d-1"] == "fail"
    assert any("after the audit date" in w for w in report["warnings"])


def test_stale_waiver_is_reported(root: Path) -> None:
    path = write_waivers(root, waiver(), waiver(id="W-2", resources=["gone-*"]))
    _, report = audit_json(root, "--waivers", path)
    stale = [w for w in report["warnings"] if w.startswith("stale waiver")]
    assert len(stale) == 1
    assert "W-2 (waivers.yaml:" in stale[0]
    assert "matches no failing result" in stale[0]


def test_waiver_for_a_rule_not_run_is_stale_and_says_why(root: Path) -> None:
    # a shipped rule: known, but not run by this kit-only audit
    path = write_waivers(root, waiver(rule="CSL-LOG-RETENTION"))
    _, report = audit_json(root, "--waivers", path)
    assert any("rule CSL-LOG-RETENTION was not run" in w for w in report["warnings"])


def test_waiver_for_a_rule_no_pack_defines_is_an_error(root: Path) -> None:
    path = write_waivers(root, waiver(rule="KIT-OTHER"))
    result = audit(root, "--waivers", path)
    assert result.exit_code == 2
    assert "waiver W-1 names unknown rule 'KIT-OTHER'" in result.output


@pytest.mark.parametrize(
    ("days_left", "warned"), [(0, True), (12, True), (30, True), (31, False), (200, False)]
)
def test_warns_about_waivers_expiring_within_30_days(
    root: Path, days_left: int, warned: bool
) -> None:
    expires = (TODAY + dt.timedelta(days=days_left)).isoformat()
    path = write_waivers(root, waiver(expires_on=expires))
    _, report = audit_json(root, "--waivers", path)
    soon = [w for w in report["warnings"] if f"expires on {expires}" in w]
    assert bool(soon) is warned
    assert statuses(report)["d-1"] == "waived"


def test_waivers_file_from_project_config_is_an_input_not_a_config(root: Path) -> None:
    path = write_waivers(root, waiver())
    (root / "dsaudit.yaml").write_text("version: 1\nwaivers: waivers.yaml\n")
    _, report = audit_json(root)
    assert statuses(report)["d-1"] == "waived"
    inputs = {i["path"]: i for i in report["metadata"]["inputs"]}
    assert inputs["waivers.yaml"]["kind"] == "waivers"
    assert inputs["waivers.yaml"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert not [r for r in report["results"] if r["resource"]["id"] == "waivers.yaml"]


def test_bare_yaml_dates_are_accepted(root: Path) -> None:
    path = root / "waivers.yaml"
    text = yaml.safe_dump({"version": 1, "waivers": [waiver()]}, sort_keys=False)
    for date in ("2026-01-15", "2026-12-31"):
        text = text.replace(f"'{date}'", date)
    path.write_text(text)
    assert "approved_on: 2026-01-15\n" in path.read_text()
    assert load_waivers(path)[0].expires_on == dt.date(2026, 12, 31)


def test_console_report_shows_the_justification(root: Path) -> None:
    path = write_waivers(root, waiver())
    result = audit(root, "--waivers", path)
    assert "WAIVED" in result.output
    assert "Legal hold for litigation" in result.output


def line_of_key(path: Path, key: str | None) -> int:
    """The line where ``key:`` is written in ``path`` (None: the first waiver's ``- id:``)."""
    lines = path.read_text().splitlines()
    wanted = "- id:" if key is None else f"{key}:"
    return next(i for i, text in enumerate(lines, 1) if text.strip().startswith(wanted))


REFUSED = [
    ("no-justification", {"justification": None}, None, "missing 'justification'"),
    ("blank-justification", {"justification": "  "}, "justification", "'justification' is blank"),
    ("no-expiry", {"expires_on": None}, None, "missing 'expires_on'"),
    ("no-approver", {"approved_by": None}, None, "missing 'approved_by'"),
    (
        "self-approved",
        {"approved_by": " LI WEI  (data platform lead)"},
        "approved_by",
        "must differ",
    ),
    ("no-scope", {"resources": None}, None, "neither 'resources' nor 'paths'"),
    ("bad-date", {"expires_on": "2026-02-30"}, "expires_on", "not a valid date"),
    ("expires-first", {"expires_on": "2025-12-31"}, "expires_on", "is before approved_on"),
    (
        "typo",
        {"expires": "2026-12-31"},
        "expires",
        "unknown key 'expires' in 'waivers/0' (did you mean 'expires_on'?)",
    ),
    ("empty-resources", {"resources": []}, "resources", "should be non-empty"),
]


@pytest.mark.parametrize(
    ("changes", "key", "text"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED]
)
def test_refused_waivers_name_file_and_line(
    root: Path, changes: dict[str, Any], key: str | None, text: str
) -> None:
    path = write_waivers(root, waiver(**changes))
    line = line_of_key(path, key)
    with pytest.raises(ConfigError) as info:
        load_waivers(path, "waivers.yaml")
    assert info.value.file == "waivers.yaml"
    assert info.value.line == line, str(info.value)
    assert text in str(info.value)
    assert str(info.value).startswith(f"waivers.yaml:{line}: waiver W-1: ")


def test_duplicate_ids_are_refused(root: Path) -> None:
    path = write_waivers(root, waiver(), waiver(resources=["d-2"]))
    expected = r"^waivers.yaml:12: waiver W-1: duplicate id \(also at waivers.yaml:3\)"
    with pytest.raises(ConfigError, match=expected):
        load_waivers(path, "waivers.yaml")


def test_refused_waiver_makes_the_audit_exit_2(root: Path) -> None:
    path = write_waivers(root, waiver(approved_by="Li Wei (data platform lead)"))
    result = audit(root, "--waivers", path, "-q")
    assert result.exit_code == 2
    assert f"waivers.yaml:{line_of_key(path, 'approved_by')}:" in result.output
    assert "must differ from requested_by" in result.output


def test_unparseable_waivers_file_names_its_line(root: Path) -> None:
    path = root / "waivers.yaml"
    path.write_text("version: 1\nwaivers:\n  - id: [\n")
    with pytest.raises(ConfigError) as info:
        load_waivers(path, "waivers.yaml")
    assert info.value.line is not None and info.value.line >= 3


def test_empty_waivers_file_means_no_waivers(root: Path) -> None:
    path = root / "waivers.yaml"
    path.write_text("# nothing accepted yet\n")
    assert load_waivers(path) == []


def test_documented_waivers_example_is_valid(tmp_path: Path) -> None:
    docs = REPO_ROOT / "docs" / "waivers.md"
    block = docs.read_text("utf-8").split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "waivers.yaml"
    path.write_text(block)
    waivers = load_waivers(path)
    assert [w.id for w in waivers] == ["W-2026-004", "W-2026-005"]
    assert waivers[1].paths == ("deploy/legacy/*.yaml",)


@pytest.mark.parametrize(
    "fmt",
    [
        "json",
        "sarif",
        "junit",
        "html",
        "csv",
        "markdown",
        "console",
    ],
)
def test_every_report_shows_the_waiver_justification(root: Path, fmt: str) -> None:
    path = write_waivers(root, waiver())
    out = root.parent / f"report.{fmt}"
    result = audit(root, "--waivers", path, "--format", fmt, "--output", out)
    assert result.exit_code == 1
    text = out.read_text("utf-8")
    assert waiver()["justification"] in text
    assert "Zhang Min (CISO)" in text
