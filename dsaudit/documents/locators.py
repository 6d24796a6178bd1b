"""Lazy line locators: hold the file text, work out lines only when a result asks for one.

* :class:`JsonLocator` indexes the containers along a requested path, skipping over values
  with the C JSON scanner, and caches each container's member offsets.
* :class:`LineMapLocator` builds a ``path -> line`` map once, by a line scan supplied by the
  format (TOML, INI, .env; see :func:`toml_line_map`, :func:`ini_line_map`).
* YAML has its own module, :mod:`dsaudit.documents.yamllines`.

Both resolve an unreachable path to the line of its deepest resolvable ancestor.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right, insort
from collections.abc import Callable, Iterator, Sequence
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from dsaudit.core.models import PathKey

_WS = re.compile(r"[ \t\n\r]*")


class JsonIndex:
    """Offsets of JSON containers and members, built on demand from the decoded text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._scan = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[attr-defined]
        self._known_offsets: list[int] = [0]
        self._known_lines: list[int] = [1]
        self._objects: dict[int, list[tuple[str, int, int]]] = {}
        self._arrays: dict[int, list[int]] = {}

    def skip_ws(self, at: int) -> int:
        text = self.text
        if at >= len(text) or text[at] > " ":  # JSON whitespace is all at or below " "
            return at
        match = _WS.match(text, at)
        return match.end() if match else at

    def line(self, offset: int) -> int:
        """1-based line of ``offset``: counts newlines from the nearest known offset before it
        (no index of every newline; lookups in file order cost one pass in total)."""
        at = bisect_right(self._known_offsets, offset) - 1
        base, base_line = self._known_offsets[at], self._known_lines[at]
        line = base_line + self.text.count("\n", base, offset)
        insort(self._known_offsets, offset)
        self._known_lines.insert(at + 1, line)
        return line

    def root(self) -> int:
        return self.skip_ws(0)

    def members(self, at: int) -> list[tuple[str, int, int]]:
        """``(key, key_offset, value_offset)`` of the object starting at ``at``."""
        if at not in self._objects:
            self._objects[at] = list(self._iter_members(at))
        return self._objects[at]

    def items(self, at: int) -> list[int]:
        """Value offsets of the array starting at ``at``."""
        if at not in self._arrays:
            self._arrays[at] = list(self._iter_items(at))
        return self._arrays[at]

    def _end_of_value(self, at: int) -> int:
        _, end = self._scan(self.text, at)
        return int(end)

    def _iter_members(self, at: int) -> Iterator[tuple[str, int, int]]:
        text = self.text
        pos = self.skip_ws(at + 1)
        if text.startswith("}", pos):
            return
        while pos < len(text) and text[pos] == '"':
            key, pos_after = scanstring(text, pos + 1)
            pos = self.skip_ws(pos_after)
            if not text.startswith(":", pos):
                return
            value_at = self.skip_ws(pos + 1)
            yield key, pos, value_at
            pos = self.skip_ws(self._end_of_value(value_at))
            if not text.startswith(",", pos):
                return
            pos = self.skip_ws(pos + 1)

    def _iter_items(self, at: int) -> Iterator[int]:
        text = self.text
        pos = self.skip_ws(at + 1)
        if text.startswith("]", pos):
            return
        while pos < len(text):
            yield pos
            pos = self.skip_ws(self._end_of_value(pos))
            if not text.startswith(",", pos):
                return
            pos = self.skip_ws(pos + 1)

    def find_duplicate_key(self) -> tuple[str, int, int] | None:
        """First ``(key, first_line, second_line)`` of a key repeated in one object."""
        stack = [self.root()]
        while stack:
            at = stack.pop()
            char = self.text[at : at + 1]
            if char == "{":
                seen: dict[str, int] = {}
                members = self.members(at)
                for key, key_at, _ in members:
                    if key in seen:
                        return key, self.line(seen[key]), self.line(key_at)
                    seen[key] = key_at
                stack.extend(value_at for _, _, value_at in reversed(members))
            elif char == "[":
                stack.extend(reversed(self.items(at)))
        return None


class JsonLocator:
    """Line locator for a JSON document; decodes and indexes the text on first use.

    Object members resolve to the line of their key, array items to the line where the item
    starts.
    """

    __slots__ = ("_content", "_index")

    def __init__(self, content: bytes) -> None:
        self._content: bytes | None = content
        self._index: JsonIndex | None = None

    def line_of(self, path: Sequence[PathKey]) -> int | None:
        if self._index is None:
            assert self._content is not None
            self._index = JsonIndex(self._content.decode("utf-8"))
            self._content = None
        index = self._index
        at = index.root()
        if at >= len(index.text):
            return None
        line_at = at
        try:
            for step in path:
                char = index.text[at]
                if char == "{" and isinstance(step, str):
                    hit = [(k_at, v_at) for key, k_at, v_at in index.members(at) if key == step]
                    if not hit:
                        break
                    line_at, at = hit[-1]
                elif char == "[" and isinstance(step, int) and not isinstance(step, bool):
                    items = index.items(at)
                    if not 0 <= step < len(items):
                        break
                    at = line_at = items[step]
                else:
                    break
        except (ValueError, StopIteration, IndexError):
            pass  # text that does not scan: keep the deepest line found
        return index.line(line_at)


class LineMapLocator:
    """Line locator from a ``path -> line`` map built by ``build(text)`` on first use."""

    __slots__ = ("_build", "_content", "_map")

    def __init__(self, content: bytes, build: Callable[[str], dict[tuple[Any, ...], int]]) -> None:
        self._content: bytes | None = content
        self._build = build
        self._map: dict[tuple[Any, ...], int] | None = None

    def line_of(self, path: Sequence[PathKey]) -> int | None:
        if self._map is None:
            assert self._content is not None
            self._map = self._build(self._content.decode("utf-8"))
            self._content = None
        key = tuple(path)
        while key:
            line = self._map.get(key)
            if line is not None:
                return line
            key = key[:-1]
        return self._map.get(())


# --- TOML -------------------------------------------------------------------------------

_TOML_KEY_PART = re.compile(r"""\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_\-]+))\s*""")


def _toml_key(text: str, pos: int = 0) -> tuple[list[str], int] | None:
    """Parse a dotted TOML key at ``pos``; return its parts and the end offset."""
    parts: list[str] = []
    while True:
        match = _TOML_KEY_PART.match(text, pos)
        if match is None:
            return None
        double, single, bare = match.groups()
        if double is not None:
            try:
                parts.append(json.loads(f'"{double}"'))
            except ValueError:
                parts.append(double)
        else:
            parts.append(single if single is not None else bare)
        pos = match.end()
        if not text.startswith(".", pos):
            return parts, pos
        pos += 1


def _toml_value_state(value: str, in_string: str | None, depth: int) -> tuple[str | None, int]:
    """Track multi-line strings and arrays across lines of a TOML value."""
    i = 0
    n = len(value)
    while i < n:
        if in_string is not None:
            end = value.find(in_string, i)
            if in_string == '"""':
                while end > 0 and value[end - 1] == "\\" and _odd_backslashes(value, end):
                    end = value.find(in_string, end + 1)
            if end < 0:
                return in_string, depth
            i = end + len(in_string)
            in_string = None
            continue
        char = value[i]
        if value.startswith('"""', i) or value.startswith("'''", i):
            in_string = value[i : i + 3]
            i += 3
        elif char == '"':
            match = re.compile(r'"(?:[^"\\]|\\.)*"').match(value, i)
            i = match.end() if match else n
        elif char == "'":
            end = value.find("'", i + 1)
            i = end + 1 if end >= 0 else n
        elif char == "#":
            break
        else:
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth = max(depth - 1, 0)
            i += 1
    return in_string, depth


def _odd_backslashes(text: str, end: int) -> bool:
    count = 0
    while end - count - 1 >= 0 and text[end - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def toml_line_map(text: str) -> dict[tuple[Any, ...], int]:
    """``path -> line`` for tables, arrays of tables and keys of a TOML document."""
    lines: dict[tuple[Any, ...], int] = {(): 1}
    table: tuple[Any, ...] = ()
    aot_count: dict[tuple[Any, ...], int] = {}
    in_string: str | None = None
    depth = 0
    for number, raw in enumerate(text.splitlines(), 1):
        if in_string is not None or depth:
            in_string, depth = _toml_value_state(raw, in_string, depth)
            continue
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            is_array = line.startswith("[[")
            parsed = _toml_key(line, 2 if is_array else 1)
            if parsed is None:
                continue
            path = _toml_resolve(parsed[0], aot_count)
            if is_array:
                index = aot_count.get(path, -1) + 1
                aot_count[path] = index
                lines.setdefault(path, number)
                path = (*path, index)
            _set_parents(lines, path, number)
            lines[path] = number
            table = path
            continue
        parsed = _toml_key(line)
        if parsed is None or not line.startswith("=", parsed[1]):
            continue
        full = (*table, *parsed[0])
        _set_parents(lines, full, number)
        lines[full] = number
        in_string, depth = _toml_value_state(line[parsed[1] + 1 :], None, 0)
    return lines


def _toml_resolve(parts: list[str], aot_count: dict[tuple[Any, ...], int]) -> tuple[Any, ...]:
    """Insert the current element index after every parent that is an array of tables."""
    path: tuple[Any, ...] = ()
    for position, part in enumerate(parts):
        path = (*path, part)
        if position < len(parts) - 1 and path in aot_count:
            path = (*path, aot_count[path])
    return path


def _set_parents(lines: dict[tuple[Any, ...], int], path: tuple[Any, ...], number: int) -> None:
    for end in range(1, len(path)):
        lines.setdefault(path[:end], number)


# --- INI --------------------------------------------------------------------------------

_INI_SECTION = re.compile(r"\s*\[([^\]]+)\]")
_INI_KEY = re.compile(r"([^=:\s][^=:]*?)\s*(?:[=:]|$)")


def ini_line_map(text: str) -> dict[tuple[Any, ...], int]:
    """``path -> line`` for sections and keys of an INI file (keys before any section are
    top-level). Keys inherited from ``[DEFAULT]`` resolve to their DEFAULT line."""
    lines: dict[tuple[Any, ...], int] = {(): 1}
    defaults: dict[str, int] = {}
    sections: list[str] = []
    section: str | None = None
    key_indent: int | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped[0] in "#;":
            continue
        indent = len(raw) - len(raw.lstrip())
        if key_indent is not None and indent > key_indent:
            continue  # continuation of the previous value
        header = _INI_SECTION.match(raw)
        if header and stripped.endswith("]"):
            section = header.group(1).strip()
            sections.append(section)
            lines.setdefault((section,), number)
            key_indent = None
            continue
        match = _INI_KEY.match(stripped)
        if match is None:
            continue
        key_indent = indent
        key = match.group(1).strip()
        if section is None:
            lines.setdefault((key,), number)
        else:
            lines.setdefault((section, key), number)
            if section == "DEFAULT":
                defaults.setdefault(key, number)
    for name in sections:
        for key, number in defaults.items():
            lines.setdefault((name, key), number)
    return lines
