"""Atomic, deterministic output: interrupted runs, crashing reporters, order and paths.

* SIGINT and SIGTERM during a run (a real subprocess over a tree that takes seconds): exit 130,
  no report and no temporary file left behind.
* A report is replaced in one rename: an interruption while writing leaves the old report whole.
* A reporter plugin that raises does not lose the other reports (exit 2, the error names it).
* Two runs over the same tree write byte-identical reports: sorted keys, results in the
  documented order (docs/json-report.md), POSIX paths relative to the target.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from projectkit import AS_OF, tls_rule, write_pack

from dsaudit.reports import output
from dsaudit.reports.output import write_atomic

FILES_PER_FOLDER = 500
FOLDERS = 40
"""20,000 config files: several seconds of work, so a signal lands mid-run."""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["DSAUDIT_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["SOURCE_DATE_EPOCH"] = "1780000000"
    return env


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("big")
    target = base / "target"
    for folder in range(FOLDERS):
        path = target / f"svc{folder:02d}"
        path.mkdir(parents=True)
        for i in range(FILES_PER_FOLDER):
            text = f"name: s{i}\ntls_min_version: '1.{i % 4}'\nport: {i}\n"
            (path / f"c{i:03d}.yaml").write_text(text, "utf-8")
    write_pack(base, [tls_rule()])
    return target


def _as_in_a_terminal() -> None:
    """Start dsaudit with SIGINT at its default, as a shell's foreground command gets it: a test
    runner started in the background inherits SIGINT ignored, and so would dsaudit."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "4"], ids=["serial", "4-workers"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_mid_run_exits_130_and_leaves_no_report(
    big_tree: Path, tmp_path: Path, sig: signal.Signals, jobs: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dsaudit", "audit", str(big_tree),
         "--pack", str(big_tree.parent / "pack"), "--as-of", AS_OF,
         "--format", "json", "-o", str(out / "report.json"),
         "--format", "sarif", "-o", str(out / "report.sarif"), "-q", "--jobs", jobs],
        env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=_as_in_a_terminal,
    )  # fmt: skip
    time.sleep(1.5)  # let it get into discovery and parsing
    assert proc.poll() is None, "the audit finished before the signal: make the tree bigger"
    proc.send_signal(sig)
    try:
        _, stderr = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"dsaudit ignored {sig.name}")
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in out.iterdir()) == []


def test_interrupt_while_writing_keeps_the_old_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "report.json"
    report.write_text('{"old": true}', "utf-8")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(report, "x" * 1_000_000)
    assert report.read_text("utf-8") == '{"old": true}'
    assert _leftovers(tmp_path) == []


def test_write_atomic_replaces_in_one_rename(tmp_path: Path) -> None:
    report = tmp_path / "deep" / "report.json"
    write_atomic(report, "first")
    write_atomic(report, b"second")
    assert report.read_bytes() == b"second"
    assert _leftovers(report.parent) == []


_CRASHING_REPORTER = """
import dsaudit


class Boom:
    name = "boom"
    extension = ".txt"

    def render(self, audit, options):
        raise RuntimeError("the boom reporter fell over")


@dsaudit.hookimpl
def dsaudit_register_reporters(register):
    register(Boom())
"""


def test_a_crashing_reporter_does_not_lose_the_others(tmp_path: Path) -> None:
    target = tmp_path / "target"
    (target / "conf").mkdir(parents=True)
    (target / "conf" / "app.yaml").write_text("tls_min_version: '1.0'\n", "utf-8")
    write_pack(tmp_path, [tls_rule()])
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "boom.py").write_text(_CRASHING_REPORTER, "utf-8")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "dsaudit", "audit", str(target), "--pack", str(tmp_path / "pack"),
         "--plugin-dir", str(plugins), "--as-of", AS_OF,
         "--format", "json", "-o", str(out / "r.json"),
         "--format", "boom", "-o", str(out / "r.txt"),
         "--format", "sarif", "-o", str(out / "r.sarif"),
         "--format", "junit", "-o", str(out / "r.xml"), "-q"],
        env=_env(), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "reporter boom failed: RuntimeError: the boom reporter fell over" in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["r.json", "r.sarif", "r.xml"]
    report = json.loads((out / "r.json").read_text("utf-8"))
    assert [r["status"] for r in report["results"]] == ["fail"]


# --- determinism ----------------------------------------------------------------------------


def _assert_keys_sorted(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    assert keys == sorted(keys), f"keys not sorted: {keys}"
    return dict(pairs)


def _mixed_tree(tmp_path: Path) -> Path:
    target = tmp_path / "target"
    files = {
        "b/z.yaml": "tls_min_version: '1.0'\n",
        "a/y.yaml": "tls_min_version: '1.3'\n",
        "a/deeper/x.yaml": "tls_min_version: '1.1'\n",
        "a/bad.yaml": "tls_min_version: [\n",
        "c.json": '{"tls_min_version": "1.2"}',
    }
    for rel, text in files.items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_text(text, "utf-8")
    write_pack(tmp_path, [tls_rule("KIT-TLS", "high"), tls_rule("KIT-TLS-LOW", "low")])
    return target


def _run_json(tmp_path: Path, target: Path, name: str) -> str:
    out = tmp_path / name
    subprocess.run(
        [sys.executable, "-m", "dsaudit", "audit", str(target), "--pack", str(tmp_path / "pack"),
         "--as-of", AS_OF, "--format", "json", "-o", str(out), "-q"],
        env=_env(), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return out.read_text("utf-8")


def test_reports_are_deterministic_sorted_and_posix_relative(tmp_path: Path) -> None:
    target = _mixed_tree(tmp_path)
    first = _run_json(tmp_path, target, "one.json")
    second = _run_json(tmp_path, target, "two.json")
    volatile = ("started_at", "finished_at", "duration", "elapsed")
    a, b = json.loads(first), json.loads(second)
    for report in (a, b):
        for key in volatile:
            report["metadata"].pop(key, None)
    assert a == b
    report = json.loads(first, object_pairs_hook=_assert_keys_sorted)
    results = report["results"]
    order = [
        (-{"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}[r["severity"]],
         r["rule_id"], r["resource"]["kind"], r["resource"]["id"])
        for r in results
    ]  # fmt: skip
    assert order == sorted(order)
    assert [r["rule_id"] for r in results][:4] == ["KIT-TLS"] * 4
    paths = [r["location"]["file"] for r in [*results, *report["errors"]]]
    paths += [i["path"] for i in report["metadata"]["inputs"]]
    assert "a/deeper/x.yaml" in paths
    for path in paths:
        assert "\\" not in path and not path.startswith("/") and not path.startswith(".")
        assert str(tmp_path) not in path
    assert [i["path"] for i in report["metadata"]["inputs"]] == sorted(
        i["path"] for i in report["metadata"]["inputs"]
    )
    assert [e["location"]["file"] for e in report["errors"]] == ["a/bad.yaml"]
