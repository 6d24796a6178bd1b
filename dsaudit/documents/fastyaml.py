"""A fast path for loading plain YAML: libyaml's event stream turned into Python data directly.

PyYAML's ``CSafeLoader`` scans and parses in C but builds a node tree and then constructs every
value through Python-level resolver and constructor machinery; for large inventories that is
most of the cost (measured: about 4x slower than this module on a 400 kB inventory file).
This module consumes libyaml's events and builds dicts and lists in one iterative loop, with a
cache for plain scalars (most values repeat). Scalars resolve exactly as the safe loader
resolves them: the same implicit-resolver table and the same constructors.

It handles only what most files use: mappings, sequences and scalars without tags, anchors,
aliases or merge keys, and no duplicate keys. Anything else raises :class:`Fallback`, and the
caller uses the strict (slower) loader, which reports errors with both lines, budgets aliases
and refuses unsafe tags. So the fast path never changes a result, only the time it takes.
"""

from __future__ import annotations

import gc
from typing import Any

import yaml
from yaml import events
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

try:
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - libyaml missing; yamlsafe warns about it
    CParser = None  # type: ignore[misc, assignment]

_STR = "tag:yaml.org,2002:str"
_RESOLVERS: dict[Any, list[tuple[str, Any]]] = Resolver.yaml_implicit_resolvers
_WILDCARD = _RESOLVERS.get(None, [])
_CONSTRUCTORS = SafeConstructor.yaml_constructors
_MAX_CACHE = 200_000
_PLAIN: dict[str, Any] = {}
"""Plain scalar -> its value, shared by every file of a run (values are immutable: str, int,
float, bool, None, dates), up to ``_MAX_CACHE`` entries."""

_SCALAR = events.ScalarEvent
_MAP_START = events.MappingStartEvent
_SEQ_START = events.SequenceStartEvent
_MAP_END = events.MappingEndEvent
_SEQ_END = events.SequenceEndEvent
_DOC_START = events.DocumentStartEvent
_DOC_END = events.DocumentEndEvent
_STREAM_END = events.StreamEndEvent


class Fallback(Exception):
    """The document needs the strict loader (tags, anchors, merge keys, duplicates, errors)."""


class BadScalar(Exception):
    """A plain scalar that resolves to a type whose constructor refuses it (an impossible date
    such as ``2026-02-30``); carries the value, its 1-based line and the constructor's error."""

    def __init__(self, value: str, line: int, error: Exception) -> None:
        super().__init__(value, line, error)
        self.value, self.line, self.error = value, line, error


class _Constructor(SafeConstructor):
    """Only used to convert the occasional non-trivial scalar (timestamps, hex, ...)."""

    def __init__(self) -> None:
        super().__init__()


_constructor = _Constructor()


def _resolve_plain(value: str) -> Any:
    resolvers = _RESOLVERS.get(value[0] if value else "", [])
    for tag, regexp in (*resolvers, *_WILDCARD):
        if regexp.match(value):
            if tag == _STR:
                return value
            construct = _CONSTRUCTORS.get(tag)
            if construct is None:  # merge (<<) and value (=) keys
                raise Fallback(tag)
            return construct(_constructor, ScalarNode(tag, value))
    return value


def resolved_tag(value: str) -> str | None:
    """The tag the safe loader resolves plain scalar ``value`` to (None: a string)."""
    resolvers = _RESOLVERS.get(value[0] if value else "", [])
    return next((tag for tag, regexp in (*resolvers, *_WILDCARD) if regexp.match(value)), None)


def available() -> bool:
    """Whether libyaml's C parser is there (the fast path needs it)."""
    return CParser is not None


RecordLines = dict[tuple[int, Any], list[int]]
"""``(document index, top-level key) -> [first line of item 0, of item 1, ..., end line]``."""


def load_all(
    content: bytes, max_depth: int, records: RecordLines | None = None
) -> list[tuple[int, Any]]:
    """``(index, data)`` for each non-empty document, or raise :class:`Fallback`.

    With ``records``, also note where each item of a top-level block sequence of mappings
    starts (1-based lines, the sequence's end line last), so that a line lookup in a large
    file can re-read one record instead of the whole file (see ``yamllines.YamlSource``).
    Sequences whose items are not all block mappings on lines of their own are left out.
    """
    if CParser is None:
        raise Fallback("libyaml is not available")
    cache = _PLAIN
    out: list[tuple[int, Any]] = []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    parser = CParser(content)
    try:
        _run(parser, cache, out, max_depth, records)
    except yaml.YAMLError as exc:
        raise Fallback(str(exc)) from None
    finally:
        parser.dispose()
        if gc_was_enabled:
            gc.enable()
    return out


def _run(
    parser: Any,
    cache: dict[str, Any],
    out: list[tuple[int, Any]],
    max_depth: int,
    records: RecordLines | None,
) -> None:
    missing = cache  # a unique sentinel that is never a key
    # frames: [container, kind (0 document, 1 mapping, 2 sequence), pending key]; a top-level
    # block sequence watched for ``records`` has a fourth entry, its items' first lines
    watch = records is not None
    get = parser.get_event
    get()  # StreamStart
    stack: list[list[Any]] = []
    index = 0
    while True:
        ev = get()
        t = type(ev)
        if t is _SCALAR:
            if ev.anchor is not None:
                raise Fallback("anchor")
            if ev.implicit[0]:
                if ev.tag is not None and ev.tag != "!":
                    raise Fallback("tag")
                value = ev.value
                val = cache.get(value, missing)
                if val is missing:
                    try:
                        val = _resolve_plain(value)
                    except (ValueError, OverflowError) as exc:  # 2026-02-30, a huge int
                        raise BadScalar(value, ev.start_mark.line + 1, exc) from None
                    if len(cache) < _MAX_CACHE:
                        cache[value] = val
            elif ev.tag is None or ev.tag == "!" or (ev.implicit[1] and ev.tag == _STR):
                val = ev.value
            else:
                raise Fallback("tag")
        elif t is _MAP_START or t is _SEQ_START:
            if ev.anchor is not None or (ev.tag is not None and not ev.implicit):
                raise Fallback("anchor or tag")
            depth = len(stack)
            if depth > max_depth:
                raise Fallback("depth")
            if watch and depth < 4:
                if depth == 3 and len(stack[2]) == 4:
                    stack[2][3].append(ev.start_mark.line + 1)
                elif depth == 2 and t is _SEQ_START and not ev.flow_style:
                    stack.append([[], 2, None, []])
                    continue
            stack.append([{}, 1, missing] if t is _MAP_START else [[], 2, None])
            continue
        elif t is _MAP_END or t is _SEQ_END:
            top = stack.pop()
            if top[1] == 1 and top[2] is not missing:
                raise Fallback("dangling key")
            val = top[0]
            if len(top) == 4:
                _note_records(records, index, stack[-1][2], top[3], val, ev.start_mark.line + 1)
        elif t is _DOC_START:
            stack.append([None, 0, None])
            continue
        elif t is _DOC_END:
            doc = stack.pop()[0]
            if doc is not None:
                out.append((index, doc))
            index += 1
            continue
        elif t is _STREAM_END:
            return
        else:  # AliasEvent and anything unexpected
            raise Fallback(t.__name__)
        top = stack[-1]
        kind = top[1]
        if kind == 1:
            key = top[2]
            if key is missing:
                if t is not _SCALAR:  # a mapping or a sequence as a key
                    raise Fallback("unhashable key")
                top[2] = val
            else:
                mapping = top[0]
                if key in mapping:
                    raise Fallback("duplicate key")
                mapping[key] = val
                top[2] = missing
        elif kind == 2:
            top[0].append(val)
        else:
            top[0] = val


def _note_records(
    records: Any, index: int, key: Any, starts: list[int], items: list[Any], end: int
) -> None:
    """Keep ``starts`` when every item is a mapping starting on a line after the previous."""
    if len(starts) != len(items) or not starts or type(key) is not str:
        return
    previous = 0
    for line in starts:
        if line <= previous:
            return
        previous = line
    if end <= previous:
        return
    starts.append(end)
    records[(index, key)] = starts
