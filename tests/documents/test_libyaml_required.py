"""Without libyaml dsaudit refuses to audit, saying what to do, unless told to go slowly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from projectkit import REPO_ROOT

from dsaudit.cli.app import cli
from dsaudit.documents import fastyaml

SAMPLE = REPO_ROOT / "sample_configs" / "consumer-app"


def _audit(tmp_path: Path, env: dict[str, str]) -> tuple[int, str, Path]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        cli,
        ["audit", str(SAMPLE), "--format", "json", "--output", str(out), "-q", "--jobs", "1"],
        env={"DSAUDIT_DISABLE_PLUGIN_AUTOLOAD": "1", **env},
    )
    return result.exit_code, result.output, out


@pytest.fixture
def no_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(yaml, "CSafeLoader")
    monkeypatch.setattr(fastyaml, "CParser", None)


def test_a_missing_libyaml_is_a_clear_error(no_libyaml: None, tmp_path: Path) -> None:
    code, output, out = _audit(tmp_path, {})
    assert code == 2
    assert "without libyaml" in output and "DSAUDIT_ALLOW_PURE_YAML=1" in output
    assert "pip install" in output and not out.exists()


def test_pure_yaml_when_allowed_gives_the_same_results(tmp_path: Path) -> None:
    code, _, out = _audit(tmp_path / "c", {})
    with_libyaml = json.loads(out.read_text("utf-8"))["results"]
    with pytest.MonkeyPatch.context() as patch:
        patch.delattr(yaml, "CSafeLoader")
        patch.setattr(fastyaml, "CParser", None)
        slow_code, _, slow_out = _audit(tmp_path / "p", {"DSAUDIT_ALLOW_PURE_YAML": "1"})
    assert slow_code == code
    assert json.loads(slow_out.read_text("utf-8"))["results"] == with_libyaml
