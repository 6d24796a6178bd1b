"""A wall-clock bound on plugin code that runs while dsaudit waits for it (importing a plugin).

A plugin that sleeps or loops at import would hang the run, and in CI it would hold the job
until the pipeline's own timeout, with nothing saying why. Importing each plugin runs under a
deadline (``PLUGIN_IMPORT_SECONDS``, or ``DSAUDIT_PLUGIN_IMPORT_TIMEOUT`` in the environment):
when it passes, :class:`PluginTimeout` is raised inside the plugin's code, which becomes an error
result naming the plugin. The bound uses ``SIGALRM``, so it holds for Python code (sleeps,
loops, blocking socket and file calls that Python retries); a C extension that blocks with
signals ignored cannot be interrupted by any in-process means (docs/security.md).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType

PLUGIN_IMPORT_SECONDS = 60.0
"""Default bound on importing one plugin module (seconds)."""
TIMEOUT_ENV = "DSAUDIT_PLUGIN_IMPORT_TIMEOUT"


class PluginTimeout(Exception):
    """Plugin code did not finish within its deadline."""


def import_seconds() -> float:
    """The bound for one plugin import: the environment's, when valid, else the default."""
    raw = os.environ.get(TIMEOUT_ENV)
    if raw:
        with contextlib.suppress(ValueError):
            value = float(raw)
            if value > 0:
                return value
    return PLUGIN_IMPORT_SECONDS


@contextlib.contextmanager
def deadline(seconds: float, what: str) -> Iterator[None]:
    """Raise PluginTimeout in the block if it runs longer than ``seconds`` (main thread only)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expired(signum: int, frame: FrameType | None) -> None:
        raise PluginTimeout(f"{what} did not finish within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
