"""Lines of YAML paths, worked out lazily from libyaml's events when a result asks for one.

:class:`YamlSource` holds a file's text; the first lookup indexes it (:func:`index_yaml`: keys,
items and their lines, no values), or for a large file only the record the path points into.
:class:`YamlLocator` resolves a path in one document of it.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from typing import Any

from dsaudit.core.models import PathKey
from dsaudit.documents.fastyaml import RecordLines

RECORD_LINES_MIN_BYTES = 256 * 1024
"""Files at least this large note where their top-level records start while they load."""
_MAX_SLICES = 4096
_NEWLINE = re.compile(rb"\n")
_OTHER_BREAKS = (b"\r", b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")


class _YamlMap:
    """A mapping in the line index: raw key -> (key line, child, key is a plain scalar)."""

    __slots__ = ("entries", "merges")

    def __init__(self) -> None:
        self.entries: dict[str, tuple[int, Any, bool]] = {}
        self.merges: list[Any] = []


class _YamlSeq:
    """A sequence in the line index: (item line, child) per item."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[tuple[int, Any]] = []


_EXPECT_KEY = object()
_COMPLEX_KEY = object()


def index_yaml(content: bytes) -> list[tuple[int, Any]]:
    """``(line, tree)`` per document from a stream of libyaml events (no node tree).

    The tree keeps only what line lookups need: mapping keys, sequence items and their lines
    (scalars are ``None``), a few times lighter than PyYAML's composed nodes with their marks.
    Stops quietly at a syntax error (the file parsed once already).
    """
    import gc

    import yaml

    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    doc_start, doc_end = yaml.DocumentStartEvent, yaml.DocumentEndEvent
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(content)
    get_event, check_event = loader.get_event, loader.check_event
    documents: list[tuple[int, Any]] = []
    anchors: dict[str, Any] = {}
    # frames: [container, pending key]; pending is _EXPECT_KEY, _COMPLEX_KEY or
    # (raw, line, plain); sequences keep None
    stack: list[list[Any]] = []
    root: tuple[int, Any] | None = None
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        while check_event():
            event = get_event()
            kind = type(event)
            key: Any = None
            if kind is scalar_event:
                line = event.start_mark.line + 1
                child: Any = None
                if event.anchor:
                    anchors[event.anchor] = None
                key = (event.value, line, bool(event.implicit[0]))
            elif kind is map_start or kind is seq_start:
                line = event.start_mark.line + 1
                child = _YamlMap() if kind is map_start else _YamlSeq()
                if event.anchor:
                    anchors[event.anchor] = child
            elif kind is map_end or kind is seq_end:
                stack.pop()
                continue
            elif kind is alias_event:
                line = event.start_mark.line + 1
                child = anchors.get(event.anchor)
            elif kind is doc_start:
                root = None
                continue
            elif kind is doc_end:
                documents.append(root if root is not None else (1, None))
                continue
            else:
                continue
            if stack:
                frame = stack[-1]
                container = frame[0]
                if type(container) is _YamlSeq:
                    container.items.append((line, child))
                elif frame[1] is _EXPECT_KEY:
                    frame[1] = key if key is not None else _COMPLEX_KEY
                else:
                    pending = frame[1]
                    frame[1] = _EXPECT_KEY
                    if pending is not _COMPLEX_KEY:
                        if pending[2] and pending[0] == "<<":
                            container.merges.append(child)
                        else:
                            container.entries[pending[0]] = (pending[1], child, pending[2])
            else:
                root = (line, child)
            if child is not None and key is None and kind is not alias_event:
                stack.append([child, _EXPECT_KEY])
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
        if gc_was_enabled:
            gc.enable()
    return documents


class YamlSource:
    """The text of one YAML file, indexed for lines the first time a line is asked for.

    With ``records`` (from :func:`dsaudit.documents.fastyaml.load_all`), a path into item ``i``
    of a top-level sequence is resolved by indexing that item's lines alone, so one failing
    record of a 100,000-record inventory does not cost an index of the whole file. Should a
    slice not read back as exactly one item, the whole file is indexed as usual.
    """

    __slots__ = ("_content", "_documents", "_line_starts", "_records", "_slices")

    def __init__(self, content: bytes, records: RecordLines | None = None) -> None:
        self._content: bytes | None = content
        self._documents: list[tuple[int, Any]] | None = None
        self._records = records if records and _plain_line_breaks(content) else None
        self._line_starts: array[int] | None = None
        self._slices: dict[tuple[int, str, int], tuple[int, Any] | None] = {}

    @property
    def indexed_whole(self) -> bool:
        """Whether a lookup has needed the index of the whole file."""
        return self._documents is not None

    def document(self, index: int) -> tuple[int, Any] | None:
        if self._documents is None:
            assert self._content is not None
            self._documents = index_yaml(self._content)
            self._content = None
            self._records = None
            self._slices.clear()
        return self._documents[index] if index < len(self._documents) else None

    def record(self, index: int, key: PathKey, item: PathKey) -> tuple[int, Any, int] | None:
        """``(line, node, offset)`` of item ``item`` under top-level ``key`` of document
        ``index``, its lines relative to ``offset``; None when records do not cover it."""
        if self._records is None or type(key) is not str or type(item) is not int:
            return None
        starts = self._records.get((index, key))
        if starts is None or not 0 <= item < len(starts) - 1:
            return None
        slot = (index, key, item)
        if slot not in self._slices:
            if len(self._slices) >= _MAX_SLICES:
                self._slices.pop(next(iter(self._slices)))
            self._slices[slot] = self._slice(starts[item], starts[item + 1])
        found = self._slices[slot]
        return None if found is None else (found[0], found[1], starts[item] - 1)

    def _slice(self, first: int, end: int) -> tuple[int, Any] | None:
        """Index lines ``first`` up to ``end`` (exclusive) on their own: one item, or None."""
        assert self._content is not None
        if self._line_starts is None:
            starts = array("q", [0])
            starts.extend(m.end() for m in _NEWLINE.finditer(self._content))
            self._line_starts = starts
        starts = self._line_starts
        if end - 1 > len(starts):
            return None
        stop = starts[end - 1] if end - 1 < len(starts) else len(self._content)
        documents = index_yaml(self._content[starts[first - 1] : stop])
        if len(documents) != 1:
            return None
        line, node = documents[0]
        if type(node) is _YamlSeq and len(node.items) == 1:
            line, node = node.items[0]
        if line != 1 or type(node) is not _YamlMap:
            return None
        return line, node


def _plain_line_breaks(content: bytes) -> bool:
    """No line breaks but ``\n`` (libyaml also counts CR, NEL, LS and PS as breaks)."""
    return not any(mark in content for mark in _OTHER_BREAKS)


class YamlLocator:
    """Resolve a path in document ``index`` of a YAML file to a 1-based line.

    Mapping entries resolve to the line of their key (the same line as a scalar value, and
    the line a reader looks for when the value is a block collection); list items to the
    line where the item starts. Keys inherited through ``<<`` merges resolve to the merged
    mapping. An unresolvable path gives the line of its deepest resolvable ancestor.
    """

    __slots__ = ("_cache", "_index", "_source")

    def __init__(self, source: YamlSource, index: int) -> None:
        self._source = source
        self._index = index
        self._cache: dict[tuple[PathKey, ...], int | None] = {}

    @property
    def source(self) -> YamlSource:
        return self._source

    def line_of(self, path: Sequence[PathKey]) -> int | None:
        key = tuple(path)
        if key not in self._cache:
            self._cache[key] = self._resolve(key)
        return self._cache[key]

    def _resolve(self, path: tuple[PathKey, ...]) -> int | None:
        offset = 0
        record = self._source.record(self._index, *path[:2]) if len(path) >= 2 else None
        if record is not None:
            line, node, offset = record
            path = path[2:]
        else:
            document = self._source.document(self._index)
            if document is None:
                return None
            line, node = document
        for step in path:
            found = _yaml_step(node, step)
            if found is None:
                break
            line, node = found
        return line + offset


def _yaml_step(node: Any, step: PathKey) -> tuple[int, Any] | None:
    if type(node) is _YamlSeq:
        if isinstance(step, int) and not isinstance(step, bool) and 0 <= step < len(node.items):
            return node.items[step]
        return None
    if type(node) is _YamlMap:
        return _yaml_map_step(node, step, depth=0)
    return None


def _yaml_map_step(node: _YamlMap, step: PathKey, depth: int) -> tuple[int, Any] | None:
    if depth > 50:
        return None
    if isinstance(step, str):
        hit = node.entries.get(step)
        if hit is not None:
            return hit[0], hit[1]
    else:
        for raw, (line, child, plain) in node.entries.items():
            if plain and _plain_scalar_value(raw) == step:
                return line, child
    for merged in node.merges:
        targets = merged.items if type(merged) is _YamlSeq else [(0, merged)]
        for _, target in targets:
            if type(target) is _YamlMap:
                found = _yaml_map_step(target, step, depth + 1)
                if found is not None:
                    return found
    return None


def _plain_scalar_value(raw: str) -> Any:
    """The value PyYAML's safe loader gives a plain scalar (``80`` -> 80, ``yes`` -> True)."""
    import yaml

    loader = yaml.SafeLoader("")
    try:
        tag = loader.resolve(yaml.ScalarNode, raw, (True, False))  # type: ignore[no-untyped-call]
        return loader.construct_object(yaml.ScalarNode(tag, raw))
    except yaml.YAMLError:
        return raw
    finally:
        loader.dispose()
