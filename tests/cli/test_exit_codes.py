"""Exit codes 0/1/2 through the real CLI (the CI contract in docs/ci.md)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from projectkit import AS_OF, REPO_ROOT, audit, retention_rule, run, write_inventory, write_pack

from dsaudit.cli.outcome import ExitCode

FAILING = [{"id": "d1", "retention_days": 400}]
PASSING = [{"id": "d1", "retention_days": 30}]


def project(tmp_path: Path, severity: str = "high", datasets: list | None = None) -> Path:
    root = tmp_path / "org"
    root.mkdir()
    write_pack(root, [retention_rule("KIT-RET", severity)])
    write_inventory(root, FAILING if datasets is None else datasets)
    return root


@pytest.mark.parametrize(
    ("severity", "fail_on", "expected"),
    [
        ("critical", "critical", 1),
        ("high", "critical", 0),
        ("high", "high", 1),
        ("medium", "high", 0),
        ("medium", "medium", 1),
        ("low", "medium", 0),
        ("low", "low", 1),
        ("info", "low", 0),
        ("info", "info", 1),
        ("critical", "never", 0),
    ],
    ids=lambda v: str(v),
)
def test_fail_on_threshold(tmp_path: Path, severity: str, fail_on: str, expected: int) -> None:
    root = project(tmp_path, severity)
    result = audit(root, "--fail-on", fail_on, "-q")
    assert result.exit_code == expected, result.output


@pytest.mark.parametrize(("severity", "expected"), [("high", 1), ("medium", 0)])
def test_default_threshold_is_high(tmp_path: Path, severity: str, expected: int) -> None:
    root = project(tmp_path, severity)
    assert audit(root, "-q").exit_code == expected


def test_clean_audit_exits_0(tmp_path: Path) -> None:
    root = project(tmp_path, "critical", PASSING)
    assert audit(root, "--fail-on", "info", "-q").exit_code == 0


def test_fail_on_from_project_config_and_flag_wins(tmp_path: Path) -> None:
    root = project(tmp_path, "medium")
    (root / "dsaudit.yaml").write_text("version: 1\nfail_on: medium\n", "utf-8")
    assert audit(root, "-q").exit_code == 1
    assert audit(root, "-q", "--fail-on", "critical").exit_code == 0


def broken(root: Path) -> None:
    (root / "broken.yaml").write_text("service:\n  tls: [\n", "utf-8")


def test_error_result_exits_2_even_with_fail_on_never(tmp_path: Path) -> None:
    root = project(tmp_path, "high", PASSING)
    broken(root)
    assert audit(root, "-q").exit_code == 2
    assert audit(root, "-q", "--fail-on", "never").exit_code == 2


def test_error_wins_over_findings(tmp_path: Path) -> None:
    root = project(tmp_path, "high")
    broken(root)
    assert audit(root, "-q").exit_code == 2


@pytest.mark.parametrize(("datasets", "expected"), [(PASSING, 0), (FAILING, 1)])
def test_no_fail_on_error_lets_errors_pass(tmp_path: Path, datasets: list, expected: int) -> None:
    root = project(tmp_path, "high", datasets)
    broken(root)
    assert audit(root, "-q", "--no-fail-on-error").exit_code == expected


def test_fail_on_error_false_in_project_config(tmp_path: Path) -> None:
    root = project(tmp_path, "high", PASSING)
    broken(root)
    (root / "dsaudit.yaml").write_text("version: 1\nfail_on_error: false\n", "utf-8")
    assert audit(root, "-q").exit_code == 0
    assert audit(root, "-q", "--fail-on-error").exit_code == 2


def test_invalid_project_config_exits_2_with_file_and_line(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "dsaudit.yaml").write_text("version: 1\nfail_on: sometimes\n", "utf-8")
    result = audit(root, "-q")
    assert result.exit_code == 2
    assert "dsaudit.yaml:2:" in result.output


def test_unusable_pack_exits_2(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "pack" / "rules" / "rules.yaml").write_text("rules:\n  - id: nope\n", "utf-8")
    result = audit(root, "-q")
    assert result.exit_code == 2
    assert "rules.yaml" in result.output


def test_bad_option_exits_2(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert audit(root, "--fail-on", "sometimes").exit_code == 2


def test_quiet_prints_only_the_summary_line(tmp_path: Path) -> None:
    root = project(tmp_path, "high")
    result = audit(root, "-q")
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("dsaudit:")
    assert "1 fail" in lines[0]


def test_real_process_never_prompts_and_exits_1(tmp_path: Path) -> None:
    root = project(tmp_path, "high")
    env = {**os.environ, "DSAUDIT_DISABLE_PLUGIN_AUTOLOAD": "1"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "dsaudit",
            "audit",
            root,
            "--pack",
            root / "pack",
            "--as-of",
            AS_OF,
            "-q",
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 1, proc.stderr
    assert len(proc.stdout.splitlines()) == 1


def test_version_exits_0() -> None:
    assert run("--version").exit_code == 0


ROOT = REPO_ROOT


def test_quiet_keeps_standard_output_to_the_summary_line_despite_warnings(tmp_path: Path) -> None:
    root = project(tmp_path, "high")
    inventory = root / "inventory" / "main.yaml"
    text = inventory.read_text().replace(
        "retention_days: 400", "retention_days: 400  # dsaudit:ignore KIT-RET"
    )
    inventory.write_text(text)
    result = audit(root, "-q")
    assert len(result.stdout.splitlines()) == 1, result.stdout
    assert "has no reason" in result.stderr


def test_every_exit_code_is_documented() -> None:
    text = (ROOT / "docs" / "ci.md").read_text("utf-8")
    missing = [code for code in ExitCode if f"| **{int(code)}** |" not in text]
    assert missing == []


def yaml_blocks(text: str) -> list[object]:
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def test_ci_examples_are_valid_yaml_and_do_what_the_issue_asks() -> None:
    blocks = yaml_blocks((ROOT / "docs" / "ci.md").read_text("utf-8"))
    github = next(b for b in blocks if isinstance(b, dict) and "jobs" in b)
    steps = github["jobs"]["dsaudit"]["steps"]
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)
    audit_step = next(s for s in steps if s.get("id") == "audit")
    assert "--format sarif" in audit_step["run"]
    assert any("exit ${{ steps.audit.outputs.code }}" in s.get("run", "") for s in steps)
    gitlab = next(b for b in blocks if isinstance(b, dict) and "dsaudit" in b)
    assert gitlab["dsaudit"]["artifacts"]["reports"]["junit"] == "dsaudit-junit.xml"
    assert "--format junit --output dsaudit-junit.xml" in " ".join(gitlab["dsaudit"]["script"])


def test_pre_commit_hook_runs_the_audit(tmp_path: Path) -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "dsaudit"
    assert (hook["language"], hook["pass_filenames"]) == ("python", False)
    program, *args = shlex.split(hook["entry"])
    assert program == "dsaudit"
    root = project(tmp_path, "high")
    result = run(*args, root, "--pack", root / "pack", "--as-of", AS_OF, "-q")
    assert result.exit_code == 1
