"""An unknown rule id in the config, a waiver or a baseline is an error with "did you mean",
and a config typo names file, line, key and the allowed keys (issue 17, item 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from projectkit import AS_OF, run

WAIVER = """version: 1
waivers:
  - id: W1
    rule: {rule}
    resources: [x]
    justification: kept for the migration window agreed with the regulator
    requested_by: a
    approved_by: b
    approved_on: "2026-01-01"
    expires_on: "2027-01-01"
"""


@pytest.fixture
def target(tmp_path: Path) -> Path:
    root = tmp_path / "t"
    root.mkdir()
    (root / "app.yaml").write_text("logging:\n  retention_days: 30\n", "utf-8")
    return root


def _audit(target: Path, *args: str | Path) -> tuple[int, str]:
    result = run("audit", target, "--as-of", AS_OF, "-q", *args)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("disable: [CSL-LOG-RETENTIONN]\n",
         "dsaudit.yaml:2: disable names unknown rule 'CSL-LOG-RETENTIONN' "
         "(did you mean 'CSL-LOG-RETENTION'?)"),
        ("only: [CSL-LOG-RETENTION, PIPL-PIAA]\n",
         "dsaudit.yaml:2: only names unknown rule 'PIPL-PIAA' (did you mean 'PIPL-PIA'?)"),
        ("rules:\n  CFG-TLS-MIN-VERSON: {enabled: false}\n",
         "dsaudit.yaml:3: rules names unknown rule 'CFG-TLS-MIN-VERSON' "
         "(did you mean 'CFG-TLS-MIN-VERSION'?)"),
    ],
    ids=["disable", "only", "rules"],
)  # fmt: skip
def test_config_naming_an_unknown_rule_is_an_error(target: Path, config: str, message: str) -> None:
    (target / "dsaudit.yaml").write_text("version: 1\n" + config, "utf-8")
    code, output = _audit(target)
    assert code == 2
    assert message in output


def test_every_unknown_id_is_reported_at_once(target: Path) -> None:
    (target / "dsaudit.yaml").write_text(
        "version: 1\ndisable: [NOPE-ONE]\nonly: [NOPE-TWO]\n", "utf-8"
    )
    code, output = _audit(target)
    assert code == 2
    assert "2 unknown rule ids" in output
    assert "NOPE-ONE" in output and "NOPE-TWO" in output


def test_a_waiver_for_an_unknown_rule_is_an_error(target: Path, tmp_path: Path) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text(WAIVER.format(rule="CSL-LOG-RETENTIONN"), "utf-8")
    code, output = _audit(target, "--waivers", waivers)
    assert code == 2
    assert "w.yaml:3: waiver W1 names unknown rule 'CSL-LOG-RETENTIONN'" in output
    assert "did you mean 'CSL-LOG-RETENTION'" in output


def test_a_waiver_for_a_rule_of_a_pack_not_run_is_still_fine(target: Path, tmp_path: Path) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text(WAIVER.format(rule="PIPL-PIA"), "utf-8")
    code, output = _audit(target, "--waivers", waivers, "--pack", "csl")
    assert code == 1  # the 30-day log retention still fails; the waiver is only stale
    assert "stale waiver W1" in output or "unknown rule" not in output


def test_a_baseline_naming_an_unknown_rule_is_an_error(target: Path, tmp_path: Path) -> None:
    base = tmp_path / "b.json"
    entry = {"fingerprint": "0" * 32, "rule_id": "CSL-LOG-RETENTON", "resource_kind": "config",
             "resource_id": "app.yaml"}  # fmt: skip
    base.write_text(json.dumps({"version": 2, "findings": [entry]}), "utf-8")
    code, output = _audit(target, "--baseline", base)
    assert code == 2
    assert "baseline entry names unknown rule 'CSL-LOG-RETENTON'" in output


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("version: 1\nfail_onn: high\n",
         "dsaudit.yaml:2: unknown key 'fail_onn' at the top level (did you mean 'fail_on'?); "
         "allowed: as_of, baseline,"),
        ("version: 1\nconfigs:\n  exclud: [a]\n",
         "dsaudit.yaml:3: unknown key 'exclud' in 'configs' (did you mean 'exclude'?); "
         "allowed: exclude, follow_symlinks, include, parsers"),
    ],
    ids=["top-level", "nested"],
)  # fmt: skip
def test_a_config_typo_names_line_key_and_allowed_keys(
    target: Path, config: str, message: str
) -> None:
    (target / "dsaudit.yaml").write_text(config, "utf-8")
    code, output = _audit(target)
    assert code == 2
    assert message in output
    assert "Additional properties" not in output
    assert str(target.resolve().parent) not in output or output.count(str(target)) <= 1
