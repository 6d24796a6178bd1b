"""Run a command and measure it: wall time, peak RSS of the process and of its whole tree.

* ``peak_rss_mb`` is the kernel's ``ru_maxrss`` of the command: the largest single process (a
  grandchild the command waited for counts as the larger of the two, not their sum). It is read
  through GNU ``/usr/bin/time -f %M`` when that exists, because a child forked straight from a
  big benchmark process inherits the parent's high-water mark; without it, from ``os.wait4``.
* ``tree_rss_mb`` is sampled from ``/proc`` every 50 ms: the largest sum of RSS over the child
  and all its descendants (worker processes under ``--jobs``). Sampling can miss short peaks;
  on systems without ``/proc`` it is None. RSS counts a page shared by forked workers once
  per process, so this sum overstates what the tree really uses.
* ``tree_pss_mb`` is sampled the same way from ``/proc/PID/smaps_rollup``: the largest sum of
  proportional set sizes (a page shared by N processes counts 1/N in each), i.e. the memory
  the tree really holds. This is the memory figure of issue 9's target. None without ``/proc``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20 if hasattr(os, "sysconf") else 4096 / 2**20
_SAMPLE_SECONDS = 0.05
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def _time_maxrss_kib(text: str) -> float | None:
    """MiB from GNU time's ``%M`` output (KiB on its last line), or None."""
    lines = text.strip().splitlines()
    try:
        return int(lines[-1]) / 1024 if lines else None
    except ValueError:  # e.g. "Command terminated by signal 9" and no number
        return None


@dataclass(slots=True)
class Measurement:
    """One run of one command."""

    argv: list[str]
    returncode: int
    wall_s: float
    user_s: float
    sys_s: float
    peak_rss_mb: float
    tree_rss_mb: float | None
    stdout: str
    stderr: str
    tree_pss_mb: float | None = None


def _children_by_parent() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:  # the process ended while we looked
            continue
        # the command name may hold spaces and ')': the fields start after the last ')'
        ppid = int(stat[stat.rindex(b")") + 2 :].split(maxsplit=2)[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _kill_group(pid: int) -> None:
    """Kill the process group the measured command leads (the command and its children)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _children(pid: int, tree: dict[int, list[int]] | None) -> list[int]:
    if tree is not None:
        return tree.get(pid, [])
    out = []
    try:
        for task in os.scandir(f"/proc/{pid}/task"):
            with open(f"{task.path}/children", "rb") as f:
                out.extend(int(c) for c in f.read().split())
    except OSError:  # the process ended while we looked
        pass
    return out


def _tree(root: int) -> list[int]:
    """``root`` and all its descendants."""
    # /proc/PID/task/TID/children is cheap; without it, map the whole process table once
    table = None if os.path.exists(f"/proc/{root}/task/{root}/children") else _children_by_parent()
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(_children(pid, table))
    return pids


def _rss_pages(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return 0


def tree_rss_mb(root: int) -> float:
    """Current RSS of ``root`` and all its descendants, in MiB."""
    return sum(_rss_pages(pid) for pid in _tree(root)) * _PAGE_MB


def tree_pss_mb(root: int) -> float:
    """Current proportional set size of ``root`` and all its descendants, in MiB."""
    return sum(_pss_kib(pid) for pid in _tree(root)) / 1024


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0.0
        self.peak_pss = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            with contextlib.suppress(OSError):
                pids = _tree(self.pid)
                self.peak = max(self.peak, sum(map(_rss_pages, pids)) * _PAGE_MB)
                self.peak_pss = max(self.peak_pss, sum(map(_pss_kib, pids)) / 1024)
            self.done.wait(_SAMPLE_SECONDS)


def run_measured(
    argv: Sequence[str], cwd: Path | None = None, timeout: float | None = None
) -> Measurement:
    """Run ``argv`` to completion (output captured in temp files) and measure it.

    A run that outlives ``timeout`` seconds is killed (its return code is then negative).
    """

    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r", suffix=".rss") as rss,
    ):
        wrapped = [GNU_TIME, "-f", "%M", "-o", rss.name, *argv] if GNU_TIME else list(argv)
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, cwd=cwd, stdout=out, stderr=err, start_new_session=True)
        sampler = _TreeSampler(proc.pid) if os.path.isdir("/proc") else None
        if sampler:
            sampler.start()
        killer = threading.Timer(timeout, _kill_group, (proc.pid,)) if timeout else None
        if killer:
            killer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
        if killer:
            killer.cancel()
        if sampler:
            sampler.done.set()
            sampler.join()
        out.seek(0)
        err.seek(0)
        rss.seek(0)
        return Measurement(
            argv=list(argv),
            returncode=proc.returncode,
            wall_s=wall,
            user_s=usage.ru_utime,
            sys_s=usage.ru_stime,
            peak_rss_mb=_time_maxrss_kib(rss.read()) or usage.ru_maxrss / 1024,  # KiB -> MiB
            tree_rss_mb=sampler.peak if sampler else None,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            tree_pss_mb=(sampler.peak_pss or None) if sampler else None,
        )
