"""Whether a plugin folder is safe to import code from, in the spirit of OpenSSH's StrictModes.

Importing a plugin runs its code with the auditor's rights, so anyone who can add or replace a
``.py`` file in the folder can run code as the auditor. A folder is refused when

* it, or a ``.py`` file in it, is writable by every user;
* it, or a ``.py`` file in it, is owned by someone other than the current user or root;
* a folder above it is writable by everyone without the sticky bit (anyone could rename the
  folder away and put their own in its place). With the sticky bit (``/tmp``) only the owner
  may rename, so the parent is fine.

Group-writable entries are allowed: refusing them would refuse most shared checkouts, and
whether a group is trusted depends on its members, which a tool cannot judge. The fix for a
refused folder is ``chmod o-w`` (or ``chown``) on the path the message names.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def _owner_ok(st: os.stat_result) -> bool:
    return st.st_uid in (0, os.geteuid())


def _describe(path: Path, st: os.stat_result) -> str:
    return f"{path} (mode {stat.filemode(st.st_mode)}, owner uid {st.st_uid})"


def _entry_problem(path: Path, st: os.stat_result, what: str) -> str | None:
    if st.st_mode & stat.S_IWOTH:
        return f"{what} {_describe(path, st)} is writable by every user"
    if not _owner_ok(st):
        return f"{what} {_describe(path, st)} is owned by another user"
    return None


def unsafe_reason(folder: Path) -> str | None:
    """Why importing plugins from ``folder`` is unsafe, or None when it is safe."""
    folder = folder.resolve()
    try:
        st = folder.stat()
    except OSError as exc:
        return f"cannot check {folder}: {exc.strerror}"
    problem = _entry_problem(folder, st, "plugin folder")
    if problem:
        return problem
    for entry in sorted(folder.glob("*.py")):
        try:
            est = entry.stat()
        except OSError as exc:
            return f"cannot check {entry}: {exc.strerror}"
        problem = _entry_problem(entry, est, "plugin file")
        if problem:
            return problem
    for parent in folder.parents:
        try:
            pst = parent.stat()
        except OSError as exc:
            return f"cannot check {parent}: {exc.strerror}"
        if pst.st_mode & stat.S_IWOTH and not pst.st_mode & stat.S_ISVTX:
            return (
                f"folder {_describe(parent, pst)} above the plugin folder is writable by every "
                "user without the sticky bit, so anyone could replace the plugin folder"
            )
        if not _owner_ok(pst):
            return (
                f"folder {_describe(parent, pst)} above the plugin folder is owned by another user"
            )
    return None
