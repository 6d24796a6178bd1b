"""A plugin cannot silence the audit: ``sys.exit`` in plugin code is an error result naming the
plugin (exit 2, the report still written), wherever the plugin code runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from projectkit import AS_OF, tls_rule, write_pack

PLUGINS = {
    "hook": """
import sys
import dsaudit

@dsaudit.hookimpl
def dsaudit_modify_results(results, config):
    sys.exit(0)
""",
    "finished": """
import sys
import dsaudit

@dsaudit.hookimpl
def dsaudit_result_finished(result):
    sys.exit(0)
""",
    "import": """
import sys
sys.exit(0)
""",
    "parser": """
import sys
from pathlib import PurePosixPath
import dsaudit

class Exits:
    name = "exits"
    cacheable = False

    def claims(self, path: PurePosixPath) -> bool:
        return path.name == "app.yaml"

    def parse(self, display_path, content, limits):
        sys.exit(0)

@dsaudit.hookimpl
def dsaudit_register_parsers(register):
    register(Exits())
""",
}


def _audit(
    tmp_path: Path, target: Path, plugins: Path, report: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    """``dsaudit audit`` of ``target`` with the test pack and ``plugins``; JSON to ``report``."""
    return subprocess.run(
        [sys.executable, "-m", "dsaudit", "audit", str(target), "--pack", str(tmp_path / "pack"),
         "--plugin-dir", str(plugins), "--as-of", AS_OF, "--format", "json", "-o", str(report),
         "-q", *args],
        env=dict(os.environ, DSAUDIT_DISABLE_PLUGIN_AUTOLOAD="1"),
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("where", sorted(PLUGINS))
def test_sys_exit_in_a_plugin_is_an_error_not_a_clean_exit(tmp_path: Path, where: str) -> None:
    target = tmp_path / "target"
    (target / "conf").mkdir(parents=True)
    (target / "conf" / "app.yaml").write_text("tls_min_version: '1.0'\n", "utf-8")
    (target / "conf" / "other.yaml").write_text("tls_min_version: '1.0'\n", "utf-8")
    write_pack(tmp_path, [tls_rule()])
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / f"exiting_{where}.py").write_text(PLUGINS[where], "utf-8")
    report = tmp_path / "r.json"
    proc = _audit(tmp_path, target, plugins, report)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    data = json.loads(report.read_text("utf-8"))
    assert any(r["status"] == "fail" for r in data["results"]), "the audit went on"
    text = json.dumps(data["errors"]) + proc.stderr
    assert f"exiting_{where}" in text or "exits" in text
    assert "SystemExit" in text


_RAISING_CHECK = """
import dsaudit

def boom(item, ctx, **arguments):
    raise RuntimeError("the check fell over")

@dsaudit.hookimpl
def dsaudit_register_checks(register):
    register("boom", boom)
"""


def test_a_rule_that_raises_at_run_time_is_an_error_and_never_a_pass(tmp_path: Path) -> None:
    """Recording a raising rule as a pass would exit 0 and open a CI gate."""
    target = tmp_path / "target"
    (target / "conf").mkdir(parents=True)
    (target / "conf" / "app.yaml").write_text("tls_min_version: '1.3'\n", "utf-8")
    rule = tls_rule("KIT-BOOM")
    rule["condition"] = {"check": "boom"}
    write_pack(tmp_path, [rule])
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "raising_check.py").write_text(_RAISING_CHECK, "utf-8")
    report = tmp_path / "r.json"
    proc = _audit(tmp_path, target, plugins, report, "--fail-on", "never")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    data = json.loads(report.read_text("utf-8"))
    statuses = [r["status"] for r in data["results"] if r["rule_id"] == "KIT-BOOM"]
    assert statuses == ["error"]
    assert "the check fell over" in json.dumps(data)


_CHATTY = """
import os
import sys
import dsaudit

print("hello from a plugin at import")
sys.stdout.write("more plugin text\\n")
sys.stdout.flush()
os.write(1, b"raw bytes on fd 1\\n")

@dsaudit.hookimpl
def dsaudit_result_finished(result):
    print("a line per result")
"""


@pytest.mark.parametrize("fmt", ["json", "sarif", "csv"])
def test_plugin_output_never_mixes_into_a_report_on_stdout(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "target"
    (target / "conf").mkdir(parents=True)
    (target / "conf" / "app.yaml").write_text("tls_min_version: '1.0'\n", "utf-8")
    write_pack(tmp_path, [tls_rule()])
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "chatty.py").write_text(_CHATTY, "utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "dsaudit", "audit", str(target), "--pack", str(tmp_path / "pack"),
         "--plugin-dir", str(plugins), "--as-of", AS_OF, "--format", fmt, "--fail-on", "never"],
        env=dict(os.environ, DSAUDIT_DISABLE_PLUGIN_AUTOLOAD="1"),
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    for line in ("hello from a plugin", "more plugin text", "raw bytes on fd 1", "a line per"):
        assert line not in proc.stdout
        assert line in proc.stderr
    if fmt in ("json", "sarif"):
        json.loads(proc.stdout)
    else:
        assert proc.stdout.startswith("rule_id") or proc.stdout.split(",")[0].isidentifier()


@pytest.mark.slow
def test_a_plugin_that_hangs_at_import_is_bounded(tmp_path: Path) -> None:
    target = tmp_path / "target"
    (target / "conf").mkdir(parents=True)
    (target / "conf" / "app.yaml").write_text("tls_min_version: '1.0'\n", "utf-8")
    write_pack(tmp_path, [tls_rule()])
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "sleepy.py").write_text("import time\ntime.sleep(3600)\n", "utf-8")
    (plugins / "spinner.py").write_text("while True:\n    pass\n", "utf-8")
    report = tmp_path / "r.json"
    proc = subprocess.run(
        [sys.executable, "-m", "dsaudit", "audit", str(target), "--pack", str(tmp_path / "pack"),
         "--plugin-dir", str(plugins), "--as-of", AS_OF, "--format", "json", "-o", str(report),
         "-q"],
        env=dict(os.environ, DSAUDIT_DISABLE_PLUGIN_AUTOLOAD="1",
                 DSAUDIT_PLUGIN_IMPORT_TIMEOUT="1"),
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    data = json.loads(report.read_text("utf-8"))
    errors = json.dumps(data["errors"])
    for name in ("sleepy.py", "spinner.py"):
        assert f"importing plugin {name} did not finish within 1 s" in errors
    assert any(r["status"] == "fail" for r in data["results"]), "the audit went on"
