"""Shared pieces of the line-oriented server-config parsers (sshd, PAM, nginx, ...).

- :class:`LineMap`: a locator built eagerly while parsing (these files are small), mapping a
  path inside the parsed document to the line it came from. A path that was not recorded
  resolves to its longest recorded prefix, so ``settings.ciphers`` and
  ``settings.ciphers[2]`` both point at the ``Ciphers`` line.
- :func:`decode`: bytes to text, refusing binary and non-UTF-8 input with file and line.
- :func:`physical_lines` and :func:`join_continuations`: numbered lines, with backslash
  continuation for the formats that have it.
- :func:`strip_comment` and :func:`split_words`: comment removal and shell-like word splitting
  that respect quotes.
- :class:`Includes`: resolve ``Include``/``include`` patterns inside the audit root only;
  missing or escaping includes are noted in the document, never fatal.
"""

from __future__ import annotations

import functools
import glob
import re
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from dsaudit.core.errors import LimitError, ParseError
from dsaudit.core.limits import Limits
from dsaudit.core.models import PathKey
from dsaudit.documents.safe_read import read_guarded

MAX_INCLUDE_DEPTH = 16
"""Nesting limit for includes (OpenSSH uses the same bound)."""

HOST_TOP_DIRS = frozenset({"etc", "var", "opt", "usr", "srv", "home", "run"})
"""Top-level folders of a host file system; the part of a path before one is the host root."""


class LineMap:
    """A locator filled while parsing: ``path -> line``, falling back to the longest prefix."""

    __slots__ = ("_lines",)

    def __init__(self) -> None:
        self._lines: dict[tuple[PathKey, ...], int] = {}

    def set(self, path: Sequence[PathKey], line: int) -> None:
        """Record (or overwrite) the line of ``path``."""
        self._lines[tuple(path)] = line

    def line_of(self, path: Sequence[PathKey]) -> int | None:
        key = tuple(path)
        while True:
            line = self._lines.get(key)
            if line is not None:
                return line
            if not key:
                return None
            key = key[:-1]

    def derive(
        self, pairs: Iterable[tuple[str, str]], section: str, present: Container[str]
    ) -> None:
        """Point derived top-level fields at the line of the setting each comes from.

        ``pairs`` is ``(derived_key, setting)``; a setting absent from ``present`` (the parsed
        section) leaves its derived field without a line of its own.
        """
        for key, setting in pairs:
            if setting in present:
                line = self.line_of((section, setting))
                if line is not None:
                    self._lines[(key,)] = line

    def __len__(self) -> int:
        return len(self._lines)


@dataclass(frozen=True, slots=True)
class Line:
    """One logical line: the 1-based number of its first physical line and its text."""

    number: int
    text: str


def decode(display_path: str, content: bytes, limits: Limits) -> str:
    """UTF-8 text of ``content`` (BOM stripped); ParseError for binary or non-UTF-8 input."""
    if len(content) > limits.max_file_bytes:
        raise LimitError(
            f"file is {len(content)} bytes; the limit max_file_bytes is {limits.max_file_bytes}",
            limit="max_file_bytes",
            file=display_path,
        )
    if b"\x00" in content:
        line = content.count(b"\n", 0, content.index(b"\x00")) + 1
        raise ParseError("binary content (NUL byte); not a text config file", file=display_path,
                         line=line)  # fmt: skip
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        raise ParseError(
            f"not valid UTF-8 (byte 0x{content[exc.start]:02x}); save the file as UTF-8",
            file=display_path,
            line=line,
        ) from None


def physical_lines(text: str) -> Iterator[Line]:
    """Every line with its 1-based number, line endings removed (``\\r\\n`` too)."""
    for n, raw in enumerate(text.split("\n"), start=1):
        yield Line(n, raw[:-1] if raw.endswith("\r") else raw)


def join_continuations(lines: Iterator[Line], comment: str = "#") -> Iterator[Line]:
    """Join lines ending in a backslash with the next one (the number is the first line's).

    A comment line inside a continued line ends the continuation, as PAM and
    PostgreSQL do; a backslash at the very end of the file is dropped.
    """
    parts: list[str] = []
    start = 0
    for line in lines:
        text = line.text
        if parts and comment and text.lstrip().startswith(comment):
            yield Line(start, " ".join(parts))
            parts = []
        stripped = text.rstrip()
        if stripped.endswith("\\") and not stripped.endswith("\\\\"):
            if not parts:
                start = line.number
            parts.append(stripped[:-1])
            continue
        if parts:
            parts.append(text)
            yield Line(start, " ".join(parts))
            parts = []
        else:
            yield line
    if parts:
        yield Line(start, " ".join(parts))


@functools.cache
def _comment_start(chars: str) -> re.Pattern[str]:
    """A comment character at the start of the text or after whitespace."""
    return re.compile(r"(?:^|(?<=\s))[" + re.escape(chars) + "]")


def strip_comment(text: str, chars: str = "#", *, quotes: str = "\"'") -> tuple[str, str | None]:
    """Split ``text`` at the first comment character outside quotes: ``(code, comment)``.

    A comment character only starts a comment at the start of the text or after whitespace
    (``a#b`` is a value in most of these formats).
    """
    if not any(c in text for c in chars):
        return text.rstrip(), None
    if "\\" not in text and not any(q in text for q in quotes):
        m = _comment_start(chars).search(text)
        if m is None:
            return text.rstrip(), None
        return text[: m.start()].rstrip(), text[m.start() + 1 :].strip()
    quote: str | None = None
    escaped = False
    for i, ch in enumerate(text):
        if escaped:
            escaped = False
            continue
        if ch == "\\":
            escaped = True
            continue
        if quote:
            if ch == quote:
                quote = None
            continue
        if ch in quotes:
            quote = ch
        elif ch in chars and (i == 0 or text[i - 1].isspace()):
            return text[:i].rstrip(), text[i + 1 :].strip()
    return text.rstrip(), None


def split_words(text: str, display_path: str, line: int, *, quotes: str = "\"'") -> list[str]:
    """Split on whitespace; quoted parts keep their spaces (quotes removed, ``\\x`` unescaped)."""
    if not any(q in text for q in quotes):
        return text.split()
    words: list[str] = []
    current: list[str] = []
    in_word = False
    quote: str | None = None
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and i + 1 < len(text) and text[i + 1] in (quote, "\\"):
                current.append(text[i + 1])
                i += 2
                continue
            if ch == quote:
                quote = None
            else:
                current.append(ch)
        elif ch in quotes:
            quote = ch
            in_word = True
        elif ch.isspace():
            if in_word:
                words.append("".join(current))
                current, in_word = [], False
        else:
            current.append(ch)
            in_word = True
        i += 1
    if quote:
        raise ParseError(f"unterminated {quote} quote", file=display_path, line=line)
    if in_word:
        words.append("".join(current))
    return words


def host_root(display_path: str) -> PurePosixPath:
    """The folder that stands for ``/`` of the host the file belongs to.

    ``servers/web-01/etc/ssh/sshd_config`` -> ``servers/web-01``; a path without a host
    top-level folder (``etc``, ``var``, ...) maps ``/`` to the file's own folder.
    """
    path = PurePosixPath(display_path)
    for i, part in enumerate(path.parts[:-1]):
        if part in HOST_TOP_DIRS:
            return PurePosixPath(*path.parts[:i]) if i else PurePosixPath()
    return path.parent


@dataclass(slots=True)
class IncludedFile:
    """One file an include pattern matched: its path (relative to the audit root) and text."""

    path: str
    text: str


@dataclass(slots=True)
class IncludeRecord:
    """What became of one include directive (kept in the document's ``includes`` list)."""

    line: int
    pattern: str
    status: str
    """``read``, ``missing`` (nothing matched), ``not_read`` (no audit root given),
    ``outside_root``, ``cycle`` or ``too_deep``."""
    files: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "pattern": self.pattern, "status": self.status,
                "files": list(self.files)}  # fmt: skip


@dataclass(slots=True)
class Includes:
    """Resolves include patterns for one top-level file, inside the audit root only.

    ``root`` is the audit root on disk (None: includes are noted, not read). Absolute
    patterns are taken relative to the host root (see :func:`host_root`); relative ones to
    ``base`` (default: the folder of the including file).
    """

    root: Path | None
    display_path: str
    limits: Limits
    records: list[IncludeRecord] = field(default_factory=list)
    depth: int = 0
    _stack: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stack.append(self.display_path)

    def resolve(
        self,
        pattern: str,
        line: int,
        *,
        including: str | None = None,
        base: PurePosixPath | None = None,
        optional: bool = False,
        expand_dirs: bool = False,
    ) -> list[IncludedFile]:
        """Files matching ``pattern`` in sorted order; the outcome is recorded either way.

        :param including: path of the file holding the directive (default: the top file).
        :param optional: a missing file is expected (``include_if_exists``); still recorded.
        :param expand_dirs: a matched folder stands for the files in it (logrotate, my.cnf).
        """
        including = including or self.display_path
        record = IncludeRecord(line=line, pattern=pattern, status="read")
        self.records.append(record)
        if self.root is None:
            record.status = "not_read"
            return []
        if len(self._stack) > MAX_INCLUDE_DEPTH:
            record.status = "too_deep"
            return []
        rel = self._relative(pattern, including, base)
        if rel is None:
            record.status = "outside_root"
            return []
        root = self.root.resolve()
        matches = sorted(glob.glob(glob.escape(str(root)) + "/" + rel)) if rel else []
        if expand_dirs:
            matches = [
                str(child)
                for match in matches
                for child in (
                    sorted(p for p in Path(match).iterdir() if not p.name.startswith("."))
                    if Path(match).is_dir()
                    else [Path(match)]
                )
            ]
        out: list[IncludedFile] = []
        for match in matches:
            full = Path(match)
            if not full.is_file():
                continue
            real = full.resolve()
            if not real.is_relative_to(root):
                record.status = "outside_root"
                continue
            shown = full.relative_to(root).as_posix()
            if shown in self._stack:
                record.status = "cycle"
                continue
            record.files.append(shown)
            content = read_guarded(real, shown, self.limits.max_file_bytes).content
            out.append(IncludedFile(shown, decode(shown, content, self.limits)))
        if not record.files and record.status == "read":
            record.status = "missing" if not optional else "missing_optional"
        return out

    def enter(self, path: str) -> None:
        """Mark ``path`` as being read (for cycle detection); pair with :meth:`leave`."""
        self._stack.append(path)

    def leave(self) -> None:
        self._stack.pop()

    def _relative(self, pattern: str, including: str, base: PurePosixPath | None) -> str | None:
        if pattern.startswith("/"):
            start = host_root(self.display_path)
            rel = PurePosixPath(start, pattern.lstrip("/"))
        else:
            rel = (base if base is not None else PurePosixPath(including).parent) / pattern
        parts: list[str] = []
        for part in rel.parts:
            if part == "..":
                if not parts:
                    return None
                parts.pop()
            elif part not in (".", ""):
                parts.append(part)
        return "/".join(parts)

    def as_list(self) -> list[dict[str, Any]]:
        return [r.as_dict() for r in self.records]


def to_scalar(value: str) -> Any:
    """An integer for a plain decimal string, otherwise the string itself."""
    text = value.strip()
    if text.isdigit() or (text[:1] == "-" and text[1:].isdigit()):
        try:
            return int(text)
        except ValueError:
            return value
    return value
