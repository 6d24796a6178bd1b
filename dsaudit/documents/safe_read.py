"""The one way dsaudit reads a file it did not write: guarded, bounded and hashed in one pass.

Every input (config files under audit and their includes, inventory files, the project config,
waivers, baselines, rule packs and their tests, saved reports) goes through :func:`read_guarded`:

1. the path is opened ``O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC``, so opening a FIFO
   returns at once instead of waiting for a writer, and a terminal never becomes the
   controlling one (a path already known not to be a regular file is refused before it is
   opened at all);
2. the *opened* descriptor is checked with ``fstat``: anything but a regular file (FIFO,
   character or block device, socket, folder) is refused with what it is, so a symbolic link
   named ``waivers.yaml`` that points at ``/dev/urandom`` is refused without one byte read;
3. the size is checked against the caller's limit before reading, so a sparse file that
   claims 1 GB costs nothing;
4. the content is read in chunks up to the limit plus one byte (a file that grows while it is
   read is refused too) and its SHA-256 is computed on the way.

Symbolic links are followed: which links may be followed is the caller's policy (discovery
decides it for files under the target; files named on the command line may be links). What
the link leads to must still be a regular file within the limit.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from dsaudit.core.errors import LimitError, SourceError

CHUNK_BYTES = 1024 * 1024
"""Bytes asked for per read once the size given by ``fstat`` has been read."""

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


@dataclass(frozen=True, slots=True)
class FileBytes:
    """What one guarded read gave."""

    content: bytes
    sha256: str
    """Hex SHA-256 of ``content``, computed while it was read."""
    size: int
    """``len(content)``."""


def kind_of(mode: int) -> str:
    """What a file of ``st_mode`` ``mode`` is, in words (``a FIFO``, ``a folder``, ...)."""
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISREG(mode):
        return "a regular file"
    return "not a regular file"


def not_regular(mode: int) -> str:
    """The reason given for refusing a file that is not a regular file."""
    return f"not a regular file: it is {kind_of(mode)}"


def size_message(size: int, limit: int, raise_with: str | None) -> str:
    """``file is N bytes, over the limit of M (...)``: what a refused size says."""
    how = f"raise {raise_with} to read it" if raise_with else "this limit is fixed"
    return f"file is {size:,} bytes, over the limit of {limit:,} ({how})"


def read_guarded(
    path: str | os.PathLike[str],
    display: str,
    limit: int,
    *,
    limit_name: str = "max_file_bytes",
    raise_with: str | None = "limits.max_file_bytes",
    stat_first: bool = True,
) -> FileBytes:
    """Read the regular file at ``path`` whole, refusing anything else (see the module doc).

    :param display: the name errors give the file (relative to the target, or as given).
    :param limit: the most bytes the file may have.
    :param limit_name: the limit's name, for :attr:`LimitError.limit`.
    :param raise_with: the setting or flag that raises the limit, or None when it is fixed.
    :param stat_first: refuse a path that is not a regular file before opening it (opening a
        device can have effects of its own); False where the caller has just checked it
        (discovery), to save a system call per file. The opened descriptor is checked always.
    :raises LimitError: the file is larger than ``limit`` (or grew past it while read).
    :raises SourceError: the file cannot be opened or read, or is not a regular file; the
        message is the reason only (``No such file or directory``, ``not a regular file: it is
        a character device``), so callers can prefix what they were reading.
    """
    try:
        if stat_first:
            mode = os.stat(path).st_mode
            if not stat.S_ISREG(mode):
                raise SourceError(not_regular(mode), file=display)
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        raise SourceError(_reason(exc), file=display) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(not_regular(info.st_mode), file=display)
        if info.st_size > limit:
            raise LimitError(
                size_message(info.st_size, limit, raise_with), limit=limit_name, file=display
            )
        digest = hashlib.sha256()
        content = _read_to_limit(fd, info.st_size, limit, digest)
    except OSError as exc:
        raise SourceError(_reason(exc), file=display) from exc
    finally:
        os.close(fd)
    if len(content) > limit:
        raise LimitError(
            size_message(len(content), limit, raise_with) + "; it grew while it was read",
            limit=limit_name,
            file=display,
        )
    return FileBytes(content, digest.hexdigest(), len(content))


def _read_to_limit(fd: int, expected: int, limit: int, digest: hashlib._Hash) -> bytes:
    """Read ``fd`` to its end or to ``limit + 1`` bytes, whichever comes first, feeding
    ``digest`` on the way. The first read asks for the size ``fstat`` gave plus one byte, so
    a file that does not change is read in one call and its end seen in the next."""
    cap = limit + 1
    first = os.read(fd, min(expected + 1, cap))
    digest.update(first)
    if not first or len(first) >= cap:
        return first
    chunks = [first]
    total = len(first)
    while total < cap:
        chunk = os.read(fd, min(CHUNK_BYTES, cap - total))
        if not chunk:
            break
        digest.update(chunk)
        chunks.append(chunk)
        total += len(chunk)
    return first if len(chunks) == 1 else b"".join(chunks)


def refuse_unless_regular(path: Path, display: str) -> None:
    """Raise SourceError if ``path`` exists and is not a regular file (follows links).

    For paths that are looked for by name (``dsaudit.yaml`` in a folder): one that is there
    but is a FIFO or a device is an error, never silently skipped.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if not stat.S_ISREG(mode):
        raise SourceError(not_regular(mode), file=display)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
