"""The GitHub Action, the example workflow and the GitLab CI template (docs/ci.md).

No network here: no real GitHub or GitLab run. The files are parsed with a real YAML parser,
their required keys checked, and the dsaudit commands they run are run against a copy of the
acme-retail sample (with ``--fail-on never``, so the exit code says only "valid and complete").
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from projectkit import REPO_ROOT

ACTION = REPO_ROOT / "action.yml"
WORKFLOW = REPO_ROOT / "docs" / "examples" / "github-workflow.yml"
GITLAB = REPO_ROOT / "docs" / "examples" / "gitlab-ci.yml"
SAMPLE = REPO_ROOT / "sample_configs" / "acme-retail"


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text("utf-8"))


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(SAMPLE, copy)
    return copy


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    """A ``dsaudit`` on PATH that runs this checkout's dsaudit with this interpreter."""
    folder = tmp_path / "bin"
    folder.mkdir()
    shim = folder / "dsaudit"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m dsaudit "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    return folder


def _env(bin_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DSAUDIT_", "GITHUB_"))}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(REPO_ROOT)
    env["DSAUDIT_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env.update(extra)
    return env


# --- the action -------------------------------------------------------------------------------


def test_the_action_definition() -> None:
    action = _load(ACTION)
    assert action["name"] and action["description"]
    assert set(action["inputs"]) >= {"target", "packs", "fail-on", "baseline", "sarif-output"}
    for name, spec in action["inputs"].items():
        assert spec["description"], name
        assert isinstance(spec.get("default", ""), str), name
    assert action["inputs"]["fail-on"]["default"] == "high"  # dsaudit's own default
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    assert all("shell" in s for s in steps if "run" in s)  # composite run steps need a shell
    install = next(s for s in steps if "pip install" in s.get("run", ""))
    assert install["env"]["DSAUDIT_ACTION_PATH"] == "${{ github.action_path }}"
    assert (REPO_ROOT / "pyproject.toml").is_file()  # what pip installs from the action's path
    for output in action["outputs"].values():
        assert output["value"].startswith("${{ steps.audit.outputs.")


def _audit_step() -> dict[str, Any]:
    steps = _load(ACTION)["runs"]["steps"]
    step: dict[str, Any] = next(s for s in steps if s.get("id") == "audit")
    return step


def test_inputs_never_reach_the_script_as_text() -> None:
    """``${{ inputs.x }}`` pasted into ``run:`` is a script injection; env variables are not."""
    for step in _load(ACTION)["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")
    env = _audit_step()["env"]
    inputs = set(_load(ACTION)["inputs"]) - {"python-version"}
    assert {re.sub(r"^\$\{\{ inputs\.(.+) \}\}$", r"\1", v) for v in env.values()} == inputs


def _run_action(sample: Path, bin_dir: Path, tmp_path: Path, **inputs: str) -> tuple[int, dict]:
    step = _audit_step()
    values = {"target": ".", "packs": "", "fail-on": "high", "baseline": "",
              "sarif-output": "dsaudit.sarif", "config": ""}  # fmt: skip
    values.update({k.replace("_", "-"): v for k, v in inputs.items()})
    output_file = tmp_path / "github_output"
    output_file.write_text("", encoding="utf-8")
    env = _env(bin_dir, GITHUB_OUTPUT=str(output_file))
    for name, expression in step["env"].items():
        env[name] = values[re.sub(r"^\$\{\{ inputs\.(.+) \}\}$", r"\1", expression)]
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=sample, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    outputs = dict(line.split("=", 1) for line in output_file.read_text("utf-8").splitlines())
    assert outputs["exit-code"] == str(done.returncode), done.stderr
    return done.returncode, outputs


def test_the_action_runs_dsaudit(sample: Path, bin_dir: Path, tmp_path: Path) -> None:
    code, outputs = _run_action(sample, bin_dir, tmp_path, fail_on="never",
                                sarif_output="reports/dsaudit.sarif")  # fmt: skip
    assert code == 0
    assert outputs["sarif-file"] == "reports/dsaudit.sarif"
    sarif = json.loads((sample / "reports" / "dsaudit.sarif").read_text("utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]


@pytest.mark.slow
def test_the_action_fails_with_the_exit_code_of_dsaudit(
    sample: Path, bin_dir: Path, tmp_path
) -> None:
    code, _ = _run_action(sample, bin_dir, tmp_path, fail_on="high")
    assert code == 1  # the sample has high findings


@pytest.mark.slow
def test_the_action_with_packs_and_a_baseline(sample: Path, bin_dir: Path, tmp_path) -> None:
    made = subprocess.run(["dsaudit", "baseline", "create", ".", "-o", ".dsaudit/baseline.json"],
                          cwd=sample, env=_env(bin_dir), capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert made.returncode == 0, made.stderr
    code, _ = _run_action(sample, bin_dir, tmp_path, packs="config-hygiene, csl",
                          baseline=".dsaudit/baseline.json", sarif_output="")  # fmt: skip
    assert code == 0  # every finding is baselined
    assert not (sample / "dsaudit.sarif").exists()


# --- the example workflow ---------------------------------------------------------------------


def test_the_example_workflow() -> None:
    workflow = _load(WORKFLOW)
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["dsaudit"]["steps"]
    audit = next(s for s in steps if str(s.get("uses", "")).startswith("dsaudit/dsaudit@"))
    assert set(audit["with"]) <= set(_load(ACTION)["inputs"])
    uploader = "github/codeql-action/upload-sarif@"
    upload = next(s for s in steps if str(s.get("uses", "")).startswith(uploader))
    assert upload["with"]["sarif_file"] == audit["with"]["sarif-output"]
    assert "always()" in upload["if"]
    assert steps.index(upload) > steps.index(audit)


@pytest.mark.slow
def test_the_example_workflow_inputs_run(sample: Path, bin_dir: Path, tmp_path: Path) -> None:
    steps = _load(WORKFLOW)["jobs"]["dsaudit"]["steps"]
    inputs = next(s for s in steps if str(s.get("uses", "")).startswith("dsaudit/dsaudit@"))["with"]
    made = subprocess.run(["dsaudit", "baseline", "create", ".", "-o", inputs["baseline"]],
                          cwd=sample, env=_env(bin_dir), capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert made.returncode == 0, made.stderr
    values = {k.replace("-", "_"): str(v) for k, v in inputs.items()}
    code, _ = _run_action(sample, bin_dir, tmp_path, **values)
    assert code == 0
    assert (sample / inputs["sarif-output"]).is_file()


# --- GitLab and the examples in docs/ci.md ----------------------------------------------------


_VARIABLE = re.compile(r"\$(\w+)|\$\{(\w+)\}")


def _dsaudit_lines(script: list[str] | str, variables: dict[str, str]) -> list[list[str]]:
    """The dsaudit command lines of a script, variables expanded, split as a shell would."""
    lines = script if isinstance(script, list) else script.replace("\\\n", " ").splitlines()
    commands = []
    for line in lines:
        words = shlex.split(line.strip())
        if not words or words[0] != "dsaudit":
            continue
        expanded = [_VARIABLE.sub(lambda m: variables[m.group(1) or m.group(2)], w) for w in words]
        commands.append(expanded)
    return commands


def test_the_gitlab_template() -> None:
    job = _load(GITLAB)["dsaudit"]
    assert job["artifacts"]["when"] == "always"
    junit = job["artifacts"]["reports"]["junit"]
    (command,) = _dsaudit_lines(job["script"], job["variables"])
    assert command[command.index("--output", command.index("junit"))] == "--output"
    assert junit in command and command[command.index(junit) - 2 : command.index(junit)] == [
        "junit", "--output"]  # fmt: skip
    assert any(line.startswith("pip install dsaudit") for line in job["script"])


def _run_commands(commands: list[list[str]], sample: Path, bin_dir: Path) -> None:
    for command in commands:
        done = subprocess.run([*command, "--fail-on", "never"], cwd=sample, env=_env(bin_dir),
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, (command, done.stdout, done.stderr)


def test_the_gitlab_template_runs(sample: Path, bin_dir: Path) -> None:
    job = _load(GITLAB)["dsaudit"]
    _run_commands(_dsaudit_lines(job["script"], job["variables"]), sample, bin_dir)
    report = (sample / job["artifacts"]["reports"]["junit"]).read_text("utf-8")
    assert report.startswith("<?xml") and "<testsuites" in report
    for path in job["artifacts"]["paths"]:
        assert (sample / path).is_file()


def _yaml_blocks(page: Path) -> list[Any]:
    text = page.read_text("utf-8")
    return [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, flags=re.S)]


@pytest.mark.slow
def test_the_ci_page_examples_run(sample: Path, bin_dir: Path) -> None:
    """Every dsaudit command in a YAML example of docs/ci.md is a valid invocation."""
    blocks = _yaml_blocks(REPO_ROOT / "docs" / "ci.md")
    assert blocks
    (sample / ".dsaudit").mkdir()
    made = subprocess.run(["dsaudit", "baseline", "create", ".", "-o", ".dsaudit/baseline.json"],
                          cwd=sample, env=_env(bin_dir), capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert made.returncode == 0, made.stderr
    commands: list[list[str]] = []
    for block in blocks:
        for job in (block.get("jobs") or {}).values() if isinstance(block, dict) else ():
            for step in job.get("steps", []):
                commands += _dsaudit_lines(step.get("run", ""), {})
        for job in block.values() if isinstance(block, dict) else ():
            if isinstance(job, dict) and "script" in job:
                commands += _dsaudit_lines(job["script"], job.get("variables", {}))
    assert len(commands) >= 2
    _run_commands(commands, sample, bin_dir)
