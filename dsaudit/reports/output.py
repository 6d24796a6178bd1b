"""Write reports without clobbering what an output path points at.

What ``--output PATH`` does depends on what is at ``PATH`` (after following symlinks):

* nothing, or a regular file: the file is replaced atomically (a temporary file in the same
  folder, flushed, fsynced, renamed), so a reader never sees a half-written report and a failed
  or interrupted write leaves the previous report whole; a symlink is written through, so the
  link stays a link and its target gets the report;
* a character device (``/dev/null``, a terminal) or a FIFO: written as a stream, never replaced;
* ``-``: standard output (``pair_outputs`` maps it before it gets here);
* a directory, a socket or a block device: refused.

Every failure is an :class:`~dsaudit.core.errors.OutputError` naming the path and the reason, so the
caller can report it and go on with the other outputs.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from dsaudit.core.errors import OutputError


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` as described in the module docstring.

    Raises :class:`OutputError` (naming ``path``) when it cannot be written.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        mode = os.stat(path).st_mode  # follows symlinks: what the path points at
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise _error(path, exc) from None
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        _write_stream(path, payload)
        return
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError("is a directory; name a file to write the report to", file=str(path))
    if mode is not None and not stat.S_ISREG(mode):
        kind = "a block device" if stat.S_ISBLK(mode) else "not a regular file"
        raise OutputError(f"is {kind}; refusing to replace it with a report", file=str(path))
    _replace(path, payload)


def _replace(path: Path, payload: bytes) -> None:
    # A symlink (even a dangling one) is written through: the file it names is replaced.
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    except OSError as exc:
        raise _error(path, exc) from None
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; reports are ordinary files
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, real)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _error(path, exc) from None
        raise


def _write_stream(path: Path, payload: bytes) -> None:
    # O_NONBLOCK: opening a FIFO that nobody reads fails at once (ENXIO) instead of hanging.
    flags = os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OutputError("is a FIFO that no process is reading", file=str(path)) from None
        raise _error(path, exc) from None
    try:
        os.set_blocking(fd, True)
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except OSError as exc:
        raise _error(path, exc) from None
    finally:
        os.close(fd)


def _error(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or type(exc).__name__
    if exc.errno == errno.ENOTDIR:
        reason = "a parent of this path is not a folder"
    return OutputError(f"cannot write the report: {reason}", file=str(path))
