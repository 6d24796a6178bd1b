"""``--output`` never clobbers what a path points at, and one bad output does not lose the rest.

Each case runs the real CLI in a subprocess over a small tree (one failing TLS config), with
real files, symlinks, FIFOs and devices.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from projectkit import AS_OF, cli_process, tls_rule, write_pack

from dsaudit.core.errors import OutputError
from dsaudit.reports import output
from dsaudit.reports.output import write_atomic


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    target = tmp_path / "target"
    (target / "conf").mkdir(parents=True)
    (target / "conf" / "app.yaml").write_text("tls_min_version: '1.0'\n", "utf-8")
    write_pack(tmp_path, [tls_rule()])
    return target


def _audit(target: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DSAUDIT_DISABLE_PLUGIN_AUTOLOAD="1")
    return subprocess.run(
        [sys.executable, "-m", "dsaudit", "audit", str(target), "--pack",
         str(target.parent / "pack"), "--as-of", AS_OF, "--fail-on", "never", "-q",
         *map(str, args)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_a_regular_file_is_replaced(tree: Path, tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    report.write_text("old", "utf-8")
    proc = _audit(tree, "--format", "json", "-o", report)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(report.read_text("utf-8"))["results"][0]["status"] == "fail"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_character_device_is_written_as_a_stream(tree: Path) -> None:
    before = os.stat("/dev/null")
    proc = _audit(tree, "--format", "json", "-o", "/dev/null")
    assert proc.returncode == 0, proc.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_symlink_to_standard_output_reaches_standard_output(tree: Path, tmp_path: Path) -> None:
    link = tmp_path / "o"
    link.symlink_to("/proc/self/fd/1")
    proc = _audit(tree, "--format", "json", "-o", link)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"
    assert '"rule_id": "KIT-TLS"' in proc.stdout


def test_a_symlink_to_a_file_stays_a_link_and_its_target_gets_the_report(
    tree: Path, tmp_path: Path
) -> None:
    real = tmp_path / "reports" / "real.json"
    real.parent.mkdir()
    real.write_text("old", "utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    proc = _audit(tree, "--format", "json", "-o", link)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink()
    assert json.loads(real.read_text("utf-8"))["results"]


def test_a_fifo_is_written_as_a_stream(tree: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read)
    reader.start()
    proc = _audit(tree, "--format", "json", "-o", fifo)
    reader.join(timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert json.loads(received[0])["results"]


def test_a_fifo_nobody_reads_is_an_error_not_a_hang(tree: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    ok = tmp_path / "ok.md"
    proc = _audit(tree, "--format", "json", "-o", fifo, "--format", "markdown", "-o", ok)
    assert proc.returncode == 2
    assert f"{fifo}: cannot write" in proc.stderr or "no process is reading" in proc.stderr
    assert ok.exists()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.mkdir(), "is a directory"),
        (lambda p: None, "a parent of this path is not a folder"),
        (lambda p: p.symlink_to("/dev/full"), "No space left on device"),
    ],
    ids=["directory", "parent-is-a-file", "ENOSPC"],
)
def test_a_bad_output_is_exit_2_naming_it_and_the_others_are_written(
    tree: Path, tmp_path: Path, make: object, reason: str
) -> None:
    bad = tmp_path / "bad"
    if reason.startswith("a parent"):
        (tmp_path / "f").write_text("x\n", "utf-8")
        bad = tmp_path / "f" / "r.json"
    else:
        make(bad)  # type: ignore[operator]
    ok = tmp_path / "ok.md"
    proc = _audit(tree, "--format", "json", "-o", bad, "--format", "markdown", "-o", ok)
    assert proc.returncode == 2, proc.stderr
    assert f"dsaudit: error: {bad}: " in proc.stderr
    assert reason in proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    assert "KIT-TLS" in ok.read_text("utf-8")


def test_dash_is_standard_output(tree: Path, tmp_path: Path) -> None:
    proc = _audit(tree, "--format", "json", "-o", "-")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["results"]
    assert not (Path.cwd() / "-").exists()


def test_a_failed_write_keeps_the_previous_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "r.json"
    report.write_text("previous", "utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output.os, "fsync", full)
    with pytest.raises(OutputError, match="No space left on device") as info:
        write_atomic(report, "new")
    assert info.value.file == str(report)
    assert report.read_text("utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def _dsaudit(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return cli_process(*args)


@pytest.mark.parametrize("command", ["diff", "report", "baseline"])
@pytest.mark.parametrize("bad", ["directory", "parent-is-a-file", "ENOSPC"])
def test_every_command_that_writes_fails_cleanly_naming_the_path(
    tree: Path, tmp_path: Path, command: str, bad: str
) -> None:
    saved = tmp_path / "saved.json"
    assert _audit(tree, "--format", "json", "-o", saved).returncode == 0
    target = tmp_path / "bad"
    if bad == "directory":
        target.mkdir()
    elif bad == "parent-is-a-file":
        (tmp_path / "f").write_text("x\n", "utf-8")
        target = tmp_path / "f" / "out"
    else:
        target.symlink_to("/dev/full")
    args: list[str | Path] = {
        "diff": ["diff", saved, saved, "--format", "markdown", "-o", target],
        "report": ["report", saved, "--format", "markdown", "-o", target],
        "baseline": ["baseline", "create", tree, "--pack", tmp_path / "pack", "--as-of", AS_OF,
                     "-o", target],
    }[command]  # fmt: skip
    proc = _dsaudit(*args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert str(target) in proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
