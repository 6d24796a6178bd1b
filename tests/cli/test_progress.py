"""A progress bar on a terminal, nothing when not a terminal (issue 17, item 7). Run in a real
process whose standard error is a pseudo-terminal (pty) or a pipe."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from projectkit import REPO_ROOT

from dsaudit.core.progress import NO_PROGRESS

ACME = REPO_ROOT / "sample_configs" / "acme-retail"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    return {**env, "DSAUDIT_DISABLE_PLUGIN_AUTOLOAD": "1", "TERM": "xterm", "COLUMNS": "120"}


def _run_with_pty_stderr(*args: str) -> tuple[int, str]:
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dsaudit", *args],
        stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL, env=_env(),
    )  # fmt: skip
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the pty closed with the process
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    code = proc.wait(timeout=120)
    os.close(master)
    return code, b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(not hasattr(pty, "openpty"), reason="needs a pseudo-terminal (POSIX)")
def test_a_terminal_gets_the_phases(tmp_path: Path) -> None:
    code, err = _run_with_pty_stderr(
        "audit", str(ACME), "--format", "json", "-o", str(tmp_path / "r.json"), "-j", "1"
    )
    assert code == 1
    assert "reading config files" in err
    assert "evaluating" in err and "rules" in err


@pytest.mark.skipif(not hasattr(pty, "openpty"), reason="needs a pseudo-terminal (POSIX)")
def test_quiet_draws_no_bar_even_on_a_terminal(tmp_path: Path) -> None:
    code, err = _run_with_pty_stderr(
        "audit", str(ACME), "--format", "json", "-o", str(tmp_path / "r.json"), "-j", "1", "-q"
    )
    assert code == 1
    assert "reading config files" not in err


def test_a_pipe_gets_nothing(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dsaudit", "audit", str(ACME), "--format", "json",
         "-o", str(tmp_path / "r.json"), "-j", "1"],
        capture_output=True, text=True, env=_env(), timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "reading config files" not in result.stderr and "\x1b[" not in result.stderr


def test_the_default_progress_ignores_everything() -> None:
    NO_PROGRESS.phase("x", 3)
    NO_PROGRESS.advance(2)  # nothing to see, nothing raised
