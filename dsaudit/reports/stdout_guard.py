"""Keep plugin output out of a report written to standard output.

Plugins are imported and run while the audit happens; one that prints (a debug ``print`` at
import, a chatty library, a C extension writing to file descriptor 1) would mix its text into
``--format json`` on standard output and break every consumer of the report. While the guard is
active, standard output at both levels (``sys.stdout`` and file descriptor 1, which forked
workers and C code use) goes to standard error; the report itself is written after the guard
ends, to the real standard output.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


def _real_fd(stream: object) -> int | None:
    try:
        fd = stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return None
    return fd if isinstance(fd, int) else None


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send everything written to standard output to standard error until the block ends."""
    saved_stream = sys.stdout
    with contextlib.suppress(OSError, ValueError):
        saved_stream.flush()
    saved_fd: int | None = None
    if _real_fd(saved_stream) == 1 and _real_fd(sys.stderr) is not None:
        try:
            saved_fd = os.dup(1)
            os.dup2(_real_fd(sys.stderr) or 2, 1)
        except OSError:
            if saved_fd is not None:
                os.close(saved_fd)
            saved_fd = None
    sys.stdout = sys.stderr
    try:
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        sys.stdout = saved_stream
        if saved_fd is not None:
            os.dup2(saved_fd, 1)
            os.close(saved_fd)
