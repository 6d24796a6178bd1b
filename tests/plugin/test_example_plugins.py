"""The example plugins in plugins/: their own suites, how dsaudit shows them, and isolation.

- Each plugin's tests run here (in a subprocess, from the plugin's folder) so the repository's
  pytest run covers them without installing anything.
- ``dsaudit plugins list`` and ``dsaudit rules list/show`` are exercised on the examples loaded
  as entry points (``importlib.metadata.entry_points`` is replaced, as in test_plugins.py).
- A plugin that raises in any hook becomes one error result naming plugin and hook, and the
  audit still completes.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.metadata
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from projectkit import REPO_ROOT

import dsaudit
from dsaudit.audit import run_audit
from dsaudit.cli.app import cli
from dsaudit.core.models import Status
from dsaudit.plugin.hookspecs import PLUGIN_API_VERSION
from dsaudit.plugin.host import get_plugin_host
from dsaudit.plugin.registry import collect_registry
from dsaudit.project.config import ProjectConfig

ROOT = REPO_ROOT
PLUGINS = ROOT / "plugins"
EXAMPLES = {
    # entry-point name: (folder, entry-point value)
    "terraform": ("dsaudit-terraform", "dsaudit_terraform.plugin"),
    "kubernetes": ("dsaudit-kubernetes", "dsaudit_kubernetes.plugin"),
    "sink": ("dsaudit-sink", "dsaudit_sink.plugin:plugin"),
}


@pytest.mark.slow
@pytest.mark.parametrize("folder", sorted(v[0] for v in EXAMPLES.values()))
def test_example_plugin_suite_passes(folder: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DSAUDIT_")}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        capture_output=True,
        text=True,
        cwd=PLUGINS / folder,
        env=env,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and " failed" not in run.stdout


@pytest.mark.parametrize("folder", sorted(v[0] for v in EXAMPLES.values()))
def test_example_plugin_is_a_complete_distribution(folder: str) -> None:
    import tomllib

    base = PLUGINS / folder
    project = tomllib.loads((base / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == folder and "dsaudit" in project["dependencies"]
    [(name, value)] = project["entry-points"]["dsaudit"].items()
    assert EXAMPLES[name] == (folder, value)
    assert (base / "README.md").read_text(encoding="utf-8").startswith(f"# {folder}\n")
    assert list((base / "tests").glob("test_*.py"))


class _EntryPoint:
    """Stands in for an installed distribution's entry point (name, value, dist, load)."""

    def __init__(self, name: str, value: str, version: str = "0.1.0") -> None:
        self.name, self.value = name, value
        self.dist = type("Dist", (), {"version": version})()

    def load(self) -> Any:
        module_name, _, attr = self.value.partition(":")
        module = importlib.import_module(module_name)
        return getattr(module, attr) if attr else module


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> list[_EntryPoint]:
    """The three examples visible as entry points, imported from their src/ folders."""
    for folder, _ in EXAMPLES.values():
        monkeypatch.syspath_prepend(str(PLUGINS / folder / "src"))
    points = [_EntryPoint(name, value) for name, (_, value) in EXAMPLES.items()]
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: points)
    monkeypatch.delenv("DSAUDIT_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    for key in [k for k in os.environ if k.startswith("DSAUDIT_SINK_")]:
        monkeypatch.delenv(key)
    return points


def test_examples_declare_a_supported_plugin_api(installed: list[_EntryPoint]) -> None:
    for point in installed:
        declared = point.load().DSAUDIT_PLUGIN_API
        supported = declared if isinstance(declared, list) else [declared]
        assert PLUGIN_API_VERSION in supported, point.name
    host = get_plugin_host()
    assert not host.problems, [p.message for p in host.problems]


def test_plugins_list_shows_examples_with_version_origin_and_hooks(
    installed: list[_EntryPoint],
) -> None:
    run = CliRunner().invoke(cli, ["plugins", "list", "--json"])
    assert run.exit_code == 0, run.output
    data = json.loads(run.output)
    shown = {p["name"]: p for p in data["plugins"]}
    assert shown["terraform"] == {
        "name": "terraform",
        "origin": "entry point",
        "version": "0.1.0",
        "hooks": ["dsaudit_register_parsers", "dsaudit_rule_pack_paths"],
    }
    assert shown["kubernetes"]["hooks"] == ["dsaudit_register_checks", "dsaudit_rule_pack_paths"]
    assert shown["sink"]["hooks"] == [
        "dsaudit_audit_finished",
        "dsaudit_register_config_sections",
        "dsaudit_result_finished",
    ]
    assert shown["dsaudit.language.checks"]["origin"] == "built-in"
    assert data["problems"] == []
    text = CliRunner().invoke(cli, ["plugins", "list"]).output
    assert "kubernetes 0.1.0  [entry point]" in text
    assert "    hooks: dsaudit_register_checks, dsaudit_rule_pack_paths" in text


def test_plugins_list_shows_local_folder_origin(tmp_path: Path) -> None:
    folder = tmp_path / "local"
    folder.mkdir()
    (folder / "mine.py").write_text(
        "import dsaudit\n\n@dsaudit.hookimpl\ndef dsaudit_rule_pack_paths():\n    return []\n",
        encoding="utf-8",
    )
    run = CliRunner().invoke(cli, ["plugins", "list", "--json", "--plugin-dir", str(folder)])
    mine = next(p for p in json.loads(run.output)["plugins"] if p["name"] == "mine")
    assert mine["origin"] == f"local folder {folder}"
    assert mine["hooks"] == ["dsaudit_rule_pack_paths"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--pack", "kubernetes-cn", "--severity", "medium"], ["K8S-SECRET-IN-REPOSITORY"]),
        (["--pack", "kubernetes-cn", "--tag", "tls"], ["K8S-INGRESS-TLS"]),
        (["--pack", "terraform-cn", "--law", "CSL", "--severity", "critical"],
         ["TF-CN-DATA-REGION"]),
        (["--pack", "terraform-cn", "--tag", "logs"],
         ["TF-AWS-LOG-RETENTION", "TF-ALI-LOG-RETENTION"]),
    ],
    ids=["severity", "tag", "law-and-severity", "tag-two-rules"],
)  # fmt: skip
def test_rules_list_filters_plugin_packs(
    installed: list[_EntryPoint], args: list[str], expected: list[str]
) -> None:
    run = CliRunner().invoke(cli, ["rules", "list", "--json", *args])
    assert run.exit_code == 0, run.output
    assert [r["id"] for r in json.loads(run.output)] == expected


def test_rules_show_gives_article_parameters_and_cases(installed: list[_EntryPoint]) -> None:
    run = CliRunner().invoke(cli, ["rules", "show", "K8S-APISERVER-AUDIT-RETENTION"])
    assert run.exit_code == 0, run.output
    out = run.output
    assert "pack:        kubernetes-cn 0.1.0" in out
    assert "law:         CSL Art. 23(3) [formerly Art. 21]" in out
    assert "  min_days = 180 (default 180)" in out
    assert "  expect fail            30 days fail" in out
    assert "  expect pass            kubeadm v1beta4 list form with 365 days passes" in out


def test_rules_test_runs_a_plugin_pack(installed: list[_EntryPoint]) -> None:
    pack = PLUGINS / "dsaudit-kubernetes/src/dsaudit_kubernetes/packs/kubernetes-cn"
    run = CliRunner().invoke(cli, ["rules", "test", str(pack)])
    assert run.exit_code == 0, run.output
    assert "7 rules" in run.output and "0 pack(s) failing" in run.output


# --- isolation: a plugin that raises in any hook ---------------------------------------------

PACK_FILES = {
    "pack.yaml": """\
        name: isolation
        version: 1.0.0
        jurisdiction: CN
        instrument: {title: Test instrument, effective: "2017-06-01"}
        rules:
          - id: ISO-DEBUG-OFF
            title: Debug is off
            severity: high
            refs: [{law: CSL, article: "23"}]
            applies_to: {kind: config}
            condition: {path: debug, equals: false}
            message: "debug is {value}"
            remediation: Turn debug off.
        """,
}
HOOK_ARGS = {
    "dsaudit_register_parsers": "register",
    "dsaudit_register_sources": "register",
    "dsaudit_register_checks": "register",
    "dsaudit_register_reporters": "register",
    "dsaudit_register_operators": "register",
    "dsaudit_register_modifiers": "register",
    "dsaudit_register_config_sections": "register",
    "dsaudit_rule_pack_paths": "",
    "dsaudit_ignore_path": "path, config",
    "dsaudit_collect_resources": "config",
    "dsaudit_modify_results": "results, config",
    "dsaudit_result_finished": "result",
    "dsaudit_audit_finished": "audit",
}
"""Every hook an audit calls (dsaudit_register_commands and dsaudit_console_summary belong to the
CLI, not the audit: tests/cli/test_console_summary.py covers the second)."""


def _raising_plugin(hook: str) -> Any:
    namespace: dict[str, Any] = {}
    source = f"def {hook}({HOOK_ARGS[hook]}):\n    raise RuntimeError('kaput in {hook}')\n"
    exec(compile(source, f"<plugin boom {hook}>", "exec"), namespace)  # the plugin under test
    plugin = type("Boom", (), {})()
    plugin.__dict__[hook] = dsaudit.hookimpl(namespace[hook])
    return plugin


def _project(tmp_path: Path) -> ProjectConfig:
    pack = tmp_path / "pack"
    pack.mkdir()
    for rel, text in PACK_FILES.items():
        (pack / rel).write_text(textwrap.dedent(text), encoding="utf-8")
    root = tmp_path / "target"
    root.mkdir()
    for name, value in (("a", "true"), ("b", "false"), ("c", "true")):
        (root / f"{name}.yaml").write_text(f"debug: {value}\n", encoding="utf-8")
    return ProjectConfig(root=root, packs=[str(pack)], as_of=dt.date(2026, 6, 1))


def _hook_params() -> list[Any]:
    out = []
    for hook in HOOK_ARGS:
        out.append(pytest.param(hook, id=hook.removeprefix("dsaudit_")))
    return out


@pytest.mark.parametrize("hook", _hook_params())
def test_a_plugin_raising_in_a_hook_is_one_error_result_and_the_audit_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook: str
) -> None:
    monkeypatch.setenv("DSAUDIT_DISABLE_PLUGIN_AUTOLOAD", "1")
    host = get_plugin_host(extra_plugins=[("boom", _raising_plugin(hook))])
    audit = run_audit(_project(tmp_path), host=host)
    statuses = sorted((r.resource_id, r.status) for r in audit.results)
    assert statuses == [("a.yaml", Status.FAIL), ("b.yaml", Status.PASS), ("c.yaml", Status.FAIL)]
    errors = [e for e in audit.errors if e.rule_id == "DSAUDIT-PLUGIN"]
    assert len(errors) == 1, [e.message for e in errors]
    [error] = errors
    assert error.resource_id == f"boom:{hook}"
    expected = f"plugin boom raised in {hook}: RuntimeError: kaput in {hook}"
    if hook in ("dsaudit_ignore_path", "dsaudit_result_finished"):  # called per path / result
        expected += " (raised 3 times)"
    assert error.message == expected
    assert error.detail is not None and "Traceback" in error.detail
    assert f'File "<plugin boom {hook}>", line 2, in {hook}' in error.detail


def test_every_audit_hook_is_covered_by_the_isolation_test() -> None:
    from dsaudit.plugin.hookdoc import hook_functions

    names = {f.__name__ for f in hook_functions()}  # type: ignore[attr-defined]
    assert names - set(HOOK_ARGS) == {"dsaudit_register_commands", "dsaudit_console_summary"}


def test_raising_plugin_gives_exit_2_and_the_report_is_still_written(tmp_path: Path) -> None:
    project = _project(tmp_path)
    local = tmp_path / "local"
    local.mkdir()
    (local / "boom.py").write_text(
        "import dsaudit\n\n@dsaudit.hookimpl\ndef dsaudit_audit_finished(audit):\n"
        "    raise RuntimeError('kaput')\n",
        encoding="utf-8",
    )
    out = tmp_path / "report.json"
    run = CliRunner().invoke(
        cli,
        ["audit", str(project.root), "--pack", project.packs[0], "--plugin-dir", str(local),
         "--as-of", "2026-06-01", "--format", "json", "--output", str(out), "-q"],
    )  # fmt: skip
    assert run.exit_code == 2, run.output
    report = json.loads(out.read_text(encoding="utf-8"))
    [error] = report["errors"]
    assert error["message"] == "plugin boom raised in dsaudit_audit_finished: RuntimeError: kaput"
    assert error["resource"] == {"kind": "plugin", "id": "boom:dsaudit_audit_finished"}
    assert sum(r["status"] == "fail" for r in report["results"]) == 2


def test_local_plugin_folder_inside_the_target_is_not_loaded(tmp_path: Path) -> None:
    project = _project(tmp_path)
    inside = project.root / "plugins"
    inside.mkdir()
    (inside / "sneaky.py").write_text(
        "import dsaudit\n\n@dsaudit.hookimpl\ndef dsaudit_modify_results(results):\n"
        "    results.clear()\n",
        encoding="utf-8",
    )
    assert "sneaky" not in {i.name for i in get_plugin_host().infos()}
    audit = run_audit(project, host=get_plugin_host(project.plugin_dirs))
    assert len(audit.results) == 3
    assert collect_registry(get_plugin_host()).problems == []


def test_plugins_list_reports_a_plugin_that_fails_to_import(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    points = [_EntryPoint("ghost", "dsaudit_no_such_plugin_module")]
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: points)
    monkeypatch.delenv("DSAUDIT_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    run = CliRunner().invoke(cli, ["plugins", "list", "--json"])
    assert run.exit_code == 0
    [problem] = json.loads(run.output)["problems"]
    assert problem["plugin"] == "ghost"
    assert problem["message"].startswith(
        "plugin ghost (dsaudit_no_such_plugin_module) failed to import: ModuleNotFoundError"
    )


@pytest.mark.slow
def test_examples_install_as_real_distributions_and_run(tmp_path: Path) -> None:
    """pip-install dsaudit and the three examples into a fresh venv, then use them."""
    import venv

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    folders = [str(PLUGINS / folder) for folder, _ in EXAMPLES.values()]
    pip = subprocess.run(
        [str(bindir / "python"), "-m", "pip", "install", "-q", str(ROOT), *folders],
        capture_output=True,
        text=True,
    )
    assert pip.returncode == 0, pip.stderr[-3000:]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DSAUDIT_", "PYTHON"))}
    env["DSAUDIT_SINK_TICKETS_FILE"] = str(tmp_path / "tickets.json")

    def dsaudit_cli(*args: str) -> subprocess.CompletedProcess[str]:
        command = [str(bindir / "python"), "-m", "dsaudit", *args]
        return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env)

    listing = json.loads(dsaudit_cli("plugins", "list", "--json").stdout)
    shown = {p["name"]: (p["origin"], p["version"]) for p in listing["plugins"]}
    for name in EXAMPLES:
        assert shown[name] == ("entry point", "0.1.0"), shown
    fixtures = PLUGINS / "dsaudit-kubernetes/tests/fixtures/cluster"
    out = tmp_path / "report.json"
    run = dsaudit_cli("audit", str(fixtures), "--pack", "kubernetes-cn", "--format", "json",
                      "--output", str(out), "--as-of", "2026-06-01", "-q")  # fmt: skip
    assert run.returncode == 1, run.stdout[-2000:] + run.stderr[-2000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert sum(r["status"] == "fail" for r in report["results"]) == 6
    tickets = json.loads((tmp_path / "tickets.json").read_text(encoding="utf-8"))
    assert len(tickets["issueUpdates"]) == 6
