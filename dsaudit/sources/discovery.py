"""Find the config files under an audit target.

:func:`discover` walks the target with :func:`os.scandir` (one ``stat`` per symbolic link,
none per plain entry), prunes excluded folders before entering them and returns sorted POSIX
paths relative to the target, plus the problems met on the way (unreadable folders, links
that leave the target or loop, the ``max_files`` limit).

Glob patterns follow ``.gitignore`` rules (see :func:`glob_to_regex`):

* a pattern without ``/`` (other than a trailing one) matches a name at any depth:
  ``*.yaml``, ``secrets``;
* a pattern with ``/`` is anchored at the target: ``conf/*.yaml``, ``/build``;
* ``*`` and ``?`` never match ``/``; ``[abc]`` and ``[!abc]`` are character classes;
* ``**/`` matches any number of folders, ``/**`` everything inside, ``a/**/b`` zero or more
  folders in between;
* a trailing ``/`` matches folders only.

An exclude pattern that matches a folder excludes everything in it; an include pattern that
matches a folder includes every file in it. Negation (``!pattern``) is not supported.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dsaudit.core.limits import Limits
from dsaudit.core.regexguard import compile_internal, without_surrogates

DEFAULT_EXCLUDED_DIRS = frozenset(
    {
        # version control
        ".git",
        ".hg",
        ".svn",
        ".bzr",
        # vendored code and dependencies
        "node_modules",
        "vendor",
        ".venv",
        "venv",
        "site-packages",
        "__pycache__",
        ".tox",
        ".nox",
        "dist",
        "build",
        ".eggs",
        ".terraform",
        # tool caches
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        ".cache",
        ".gradle",
        ".idea",
    }
)
"""Folder names skipped at any depth unless ``use_default_excludes=False``."""


@dataclass(frozen=True, slots=True)
class DiscoveryProblem:
    """A path that was skipped for a reason the user may want to know."""

    path: str
    """POSIX path relative to the target (``.`` for the target itself)."""
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(slots=True)
class DiscoveryResult:
    """What :func:`discover` found."""

    root: Path
    """The folder the paths are relative to (the target, or its parent for a single file)."""
    files: list[str] = field(default_factory=list)
    """Sorted POSIX paths relative to ``root``."""
    problems: list[DiscoveryProblem] = field(default_factory=list)
    truncated: bool = False
    """True when ``limits.max_files`` stopped the walk."""
    skipped: list[DiscoveryProblem] = field(default_factory=list)
    """With ``explain=True``: every file or folder left out by a rule, with the rule."""


def glob_to_regex(pattern: str) -> tuple[str, bool]:
    """Translate a gitignore-style glob to a regex over relative POSIX paths.

    Returns ``(regex, dir_only)``; ``dir_only`` is True for patterns ending in ``/``.
    """
    dir_only = pattern.endswith("/")
    body = pattern.rstrip("/")
    if not body:
        raise ValueError(f"empty glob pattern {pattern!r}")
    anchored = "/" in body
    segments = body.lstrip("/").split("/")
    parts: list[str] = []
    for position, segment in enumerate(segments):
        last = position == len(segments) - 1
        if segment == "**":
            parts.append(".+" if last else "(?:[^/]+/)*")
        else:
            parts.append(_segment_to_regex(segment) + ("" if last else "/"))
    if not anchored and segments[0] != "**":
        parts.insert(0, "(?:[^/]+/)*")
    return "".join(parts), dir_only


def _segment_to_regex(segment: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(segment):
        char = segment[i]
        if char == "*":
            while i + 1 < len(segment) and segment[i + 1] == "*":
                i += 1
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = segment.find("]", i + 2 if segment[i + 1 : i + 2] in ("!", "^") else i + 1)
            if end < 0:
                out.append(re.escape(char))
            else:
                inner = segment[i + 1 : end]
                negate = inner[:1] in ("!", "^")
                if negate:
                    inner = inner[1:]
                inner = inner.replace("\\", "\\\\").replace("/", "")
                out.append(f"[{'^/' if negate else ''}{inner}]")
                i = end
        elif char == "\\" and i + 1 < len(segment):
            i += 1
            out.append(re.escape(segment[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


class GlobSet:
    """A compiled list of gitignore-style patterns."""

    __slots__ = ("_any", "_dirs", "patterns")

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        any_kind: list[str] = []
        dirs: list[str] = []
        for pattern in self.patterns:
            regex, dir_only = glob_to_regex(pattern)
            (dirs if dir_only else any_kind).append(regex)
        self._any = _compile(any_kind)
        self._dirs = _compile(any_kind + dirs)

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def matches(self, rel: str, *, is_dir: bool) -> bool:
        """Whether relative POSIX path ``rel`` matches any pattern."""
        compiled = self._dirs if is_dir else self._any
        if compiled is None:
            return False
        try:
            return compiled.fullmatch(rel) is not None
        except UnicodeEncodeError:  # an undecodable file name (surrogate escapes)
            return compiled.fullmatch(without_surrogates(rel)) is not None


def _compile(regexes: list[str]) -> Any:
    """One RE2 pattern for the globs: linear time, whatever globs a config writes."""
    if not regexes:
        return None
    return compile_internal("(?s)(?:" + "|".join(f"(?:{r})" for r in regexes) + ")")


def discover(
    target: Path,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    limits: Limits,
    ignore: Callable[[Path], bool | str | None] | None = None,
    follow_symlinks: bool = False,
    use_default_excludes: bool = True,
    explain: bool = False,
) -> DiscoveryResult:
    """Walk ``target`` and return the files to audit.

    For every folder and file, in this order:

    1. ``ignore(path)`` (the ``dsaudit_ignore_path`` hook) is asked first: True skips the
       path, False keeps it whatever the exclude rules say, None lets the rules decide;
    2. the default excluded folder names and the ``exclude`` globs skip it;
    3. a file is kept if ``include`` is empty or a glob matches the file or a folder above it.

    Symbolic links that leave the target, are broken or loop are skipped with a problem.
    Links to folders are entered only with ``follow_symlinks``; links to files inside the
    target are kept. Special files (FIFOs, sockets, devices) are skipped with a problem.
    More than ``limits.max_files`` files stops the walk with a problem and ``truncated``.
    With ``explain``, every path left out by steps 1–3 is listed in ``skipped`` with the step
    (``ignore`` may give its reason instead of True: a non-empty string skips with it).
    """
    target = Path(target)
    includes = GlobSet(include)
    excludes = GlobSet(exclude)
    try:
        mode = os.stat(target).st_mode
    except OSError as exc:
        result = DiscoveryResult(root=target)
        result.problems.append(DiscoveryProblem(".", f"cannot read the target: {_why(exc)}"))
        return result
    if not stat.S_ISDIR(mode):
        result = DiscoveryResult(root=target.parent)
        if stat.S_ISREG(mode):
            result.files.append(target.name)
        else:
            result.problems.append(DiscoveryProblem(target.name, "not a regular file"))
        return result
    walker = _Walker(
        root=target,
        real_root=os.path.realpath(target),
        includes=includes,
        excludes=excludes,
        limits=limits,
        ignore=ignore,
        follow_symlinks=follow_symlinks,
        default_excludes=DEFAULT_EXCLUDED_DIRS if use_default_excludes else frozenset(),
        explain=explain,
    )
    return walker.run()


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


@dataclass(slots=True)
class _Walker:
    root: Path
    real_root: str
    includes: GlobSet
    excludes: GlobSet
    limits: Limits
    ignore: Callable[[Path], bool | str | None] | None
    follow_symlinks: bool
    default_excludes: frozenset[str]
    explain: bool = False
    result: DiscoveryResult = field(init=False)

    def run(self) -> DiscoveryResult:
        self.result = DiscoveryResult(root=self.root)
        root_stat = os.stat(self.root)
        # (absolute path, relative path, included by a folder, ancestors' (dev, inode))
        stack: list[tuple[str, str, bool, frozenset[tuple[int, int]]]] = [
            (str(self.root), "", False, frozenset({(root_stat.st_dev, root_stat.st_ino)}))
        ]
        files = self.result.files
        while stack:
            path, rel, included, ancestors = stack.pop()
            try:
                with os.scandir(path) as entries:
                    listing = list(entries)
            except OSError as exc:
                self._problem(rel or ".", f"cannot read folder: {_why(exc)}")
                continue
            for entry in listing:
                child_rel = f"{rel}/{entry.name}" if rel else entry.name
                try:
                    kind, real = self._kind(entry, child_rel)
                except OSError as exc:
                    self._problem(child_rel, f"cannot stat: {_why(exc)}")
                    continue
                if kind == "skip":
                    continue
                is_dir = kind in ("dir", "dirlink")
                if not self._wanted(entry, child_rel, is_dir):
                    continue
                if kind == "dirlink" and not self.follow_symlinks:
                    self._problem(
                        child_rel, "symbolic link to a folder not followed (follow_symlinks)"
                    )
                    continue
                if is_dir:
                    info = os.stat(entry.path) if kind == "dirlink" else entry.stat()
                    key = (info.st_dev, info.st_ino)
                    if key in ancestors:
                        self._problem(child_rel, f"symbolic link loop (-> {real}), not followed")
                        continue
                    dir_included = included or (
                        bool(self.includes) and self.includes.matches(child_rel, is_dir=True)
                    )
                    stack.append((entry.path, child_rel, dir_included, ancestors | {key}))
                    continue
                if kind != "file":
                    self._problem(child_rel, "not a regular file")
                    continue
                if (
                    self.includes
                    and not included
                    and not self.includes.matches(child_rel, is_dir=False)
                ):
                    self._skipped(child_rel, "not matched by configs.include")
                    continue
                files.append(child_rel)
                if len(files) > self.limits.max_files:
                    files.pop()
                    self.result.truncated = True
                    self._problem(
                        rel or ".",
                        f"more than {self.limits.max_files:,} files; stopped (limits.max_files)",
                    )
                    stack.clear()
                    break
        files.sort()
        return self.result

    def _kind(self, entry: os.DirEntry[str], rel: str) -> tuple[str, str | None]:
        """``file``, ``dir``, ``dirlink``, ``other`` or ``skip`` (problem recorded)."""
        if not entry.is_symlink():
            if entry.is_dir(follow_symlinks=False):
                return "dir", None
            if entry.is_file(follow_symlinks=False):
                return "file", None
            return "other", None
        try:
            info = os.stat(entry.path)
        except OSError as exc:
            reason = (
                "symbolic link loop"
                if exc.errno == errno.ELOOP
                else f"broken symbolic link ({_why(exc)})"
            )
            self._problem(rel, reason)
            return "skip", None
        real = os.path.realpath(entry.path)
        if real != self.real_root and not real.startswith(self.real_root.rstrip(os.sep) + os.sep):
            self._problem(rel, f"symbolic link leaves the target (-> {real})")
            return "skip", real
        if stat.S_ISDIR(info.st_mode):
            return "dirlink", real
        if stat.S_ISREG(info.st_mode):
            return "file", real
        return "other", real

    def _wanted(self, entry: os.DirEntry[str], rel: str, is_dir: bool) -> bool:
        if self.ignore is not None:
            verdict = self.ignore(Path(entry.path))
            if verdict is not None and verdict is not False:
                self._skipped(rel, verdict if isinstance(verdict, str) else "dsaudit_ignore_path")
                return False
            if verdict is False:
                return True
        if is_dir and entry.name in self.default_excludes:
            self._skipped(rel, "default excluded folder (use_default_excludes)")
            return False
        if self.excludes and self.excludes.matches(rel, is_dir=is_dir):
            self._skipped(rel, "configs.exclude")
            return False
        return True

    def _skipped(self, rel: str, reason: str) -> None:
        if self.explain:
            self.result.skipped.append(DiscoveryProblem(rel, reason))

    def _problem(self, rel: str, reason: str) -> None:
        self.result.problems.append(DiscoveryProblem(rel, reason))
