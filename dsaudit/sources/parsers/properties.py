"""Java ``.properties`` files (Spring Boot ``application.properties`` and friends).

The document is the **nested** tree of the dotted keys, the shape the YAML parser gives
``application.yml``, so one rule path (``server.ssl.enabled``) reads both::

    server.ssl.enabled=true          ->  {"server": {"ssl": {"enabled": true}}}

The syntax is ``java.util.Properties``: ``key=value``, ``key: value`` or ``key value``;
``#`` and ``!`` comment lines; a line ending in an odd number of backslashes continues on the
next (leading blanks of the next line dropped); ``\\t``, ``\\n``, ``\\uXXXX`` escapes. The last
value of a key wins. ``true``/``false`` become booleans and plain integers integers (as YAML
would); everything else stays a string. A key that is both a value and a prefix of other keys
(``a=1`` and ``a.b=2``) keeps its own value under the empty key: ``{"a": {"": 1, "b": 2}}``.
Text is read as UTF-8, falling back to ISO-8859-1 (the ``Properties`` default).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from dsaudit.core.errors import LimitError, ParseError
from dsaudit.core.limits import Limits
from dsaudit.documents.base import ParsedDocument
from dsaudit.sources.parsers.lines import Line, LineMap, to_scalar

_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}


def _text(display_path: str, content: bytes, limits: Limits) -> str:
    if len(content) > limits.max_file_bytes:
        raise LimitError(
            f"file is {len(content)} bytes; the limit max_file_bytes is {limits.max_file_bytes}",
            limit="max_file_bytes",
            file=display_path,
        )
    if b"\x00" in content:
        line = content.count(b"\n", 0, content.index(b"\x00")) + 1
        raise ParseError("binary content (NUL byte)", file=display_path, line=line)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("latin-1")


def logical_lines(text: str) -> list[Line]:
    """``Properties.load`` logical lines: comments dropped, continuations joined."""
    out: list[Line] = []
    parts: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        piece = raw.lstrip(" \t\f")
        if not parts:
            if not piece or piece[0] in "#!":
                continue
            start = number
        trailing = len(piece) - len(piece.rstrip("\\"))
        if trailing % 2 == 1:
            parts.append(piece[:-1])
            continue
        parts.append(piece)
        out.append(Line(start, "".join(parts)))
        parts = []
    if parts:
        out.append(Line(start, "".join(parts)))
    return out


def _unescape(text: str, display_path: str, line: int) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch != "\\" or i + 1 >= len(text):
            out.append(ch)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "u":
            digits = text[i + 2 : i + 6]
            if len(digits) != 4 or any(c not in "0123456789abcdefABCDEF" for c in digits):
                raise ParseError(f"malformed \\uxxxx escape {text[i : i + 6]!r}",
                                 file=display_path, line=line)  # fmt: skip
            out.append(chr(int(digits, 16)))
            i += 6
            continue
        out.append(_ESCAPES.get(nxt, nxt))
        i += 2
    return "".join(out)


def split_property(text: str) -> tuple[str, str]:
    """Raw key and raw value of a logical line (escapes still in place)."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch in "=: \t\f":
            break
        i += 1
    key = text[:i]
    j = i
    while j < n and text[j] in " \t\f":
        j += 1
    if j < n and text[j] in "=:":
        j += 1
        while j < n and text[j] in " \t\f":
            j += 1
    return key, text[j:]


def typed(value: str) -> Any:
    """``true``/``false`` -> bool, plain integers -> int, else the string (as YAML reads)."""
    if value in ("true", "false"):
        return value == "true"
    return to_scalar(value) if value.strip() == value else value


def _place(tree: dict[str, Any], key: str, value: Any, line: int, lines: LineMap) -> None:
    """Put ``value`` at dotted ``key``; a key that is also a prefix keeps its value under ``""``."""
    parts = key.split(".") if key and "" not in key.split(".") else [key]
    node = tree
    path: tuple[str, ...] = ()
    for part in parts[:-1]:
        path = (*path, part)
        child = node.get(part)
        if child is None:
            child = node[part] = {}
        elif not isinstance(child, dict):
            old_line = lines.line_of(path) or line
            child = node[part] = {"": child}
            lines.set((*path, ""), old_line)
        node = child
    last = parts[-1]
    path = (*path, last)
    if isinstance(node.get(last), dict):
        node[last][""] = value
        lines.set((*path, ""), line)
        lines.set(path, lines.line_of(path) or line)
        return
    node[last] = value
    lines.set(path, line)


def parse_properties(display_path: str, content: bytes, limits: Limits) -> ParsedDocument:
    """Parse a ``.properties`` file into a nested tree (last value of a key wins)."""
    text = _text(display_path, content, limits)
    flat: dict[str, tuple[Any, int]] = {}
    for line in logical_lines(text):
        raw_key, raw_value = split_property(line.text)
        key = _unescape(raw_key, display_path, line.number)
        value = _unescape(raw_value, display_path, line.number)
        flat.pop(key, None)
        flat[key] = (typed(value), line.number)
    tree: dict[str, Any] = {}
    lines = LineMap()
    for key, (value, number) in flat.items():
        _place(tree, key, value, number, lines)
    return ParsedDocument(data=tree, locator=lines)


class PropertiesParser:
    """``*.properties`` files."""

    name = "properties"

    def claims(self, path: PurePosixPath) -> bool:
        return path.suffix == ".properties"

    def parse(self, display_path: str, content: bytes, limits: Limits) -> list[ParsedDocument]:
        return [parse_properties(display_path, content, limits)]
