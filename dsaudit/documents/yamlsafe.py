"""Load YAML safely and fast: libyaml, no arbitrary tags, bounded depth, aliases and keys.

The order of work for one file (all of it on UTF-8 bytes, see :mod:`textguard`):

1. an upper bound of the nesting depth from the text; only if the bound is over
   ``limits.max_depth`` the exact depth is measured by streaming pure-Python PyYAML events
   (a state machine, safe at any depth, and with no nesting limit of its own, so the result
   is the same under every libyaml version);
2. compose each document with the C loader, with the garbage collector held off;
3. if the text may contain an alias (``*name``), count alias references and the node count
   after alias expansion on the composed graph (memoised per node, so a billion-laughs file
   is measured in microseconds, not expanded);
4. construct the Python data with the safe constructor, refusing duplicate mapping keys.

Line numbers are not kept: :class:`YamlLocator` composes the text again the first time a
line is asked for.
"""

from __future__ import annotations

import gc
import os
import re
import warnings
from collections.abc import Hashable, Iterator
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dsaudit.core.errors import ConfigError, LimitError, ParseError
from dsaudit.core.limits import Limits
from dsaudit.core.quoting import quote_value
from dsaudit.documents import fastyaml
from dsaudit.documents.textguard import yaml_depth_bound

_ALIAS_CANDIDATE = re.compile(rb"\*[0-9A-Za-z_\-]")
_MERGE_TAG = "tag:yaml.org,2002:merge"

_warned_no_libyaml = False

ALLOW_PURE_YAML = "DSAUDIT_ALLOW_PURE_YAML"
"""Environment variable: set to 1 to audit with pure-Python YAML where libyaml is missing."""


def require_libyaml() -> None:
    """Refuse to audit without libyaml, unless ``DSAUDIT_ALLOW_PURE_YAML=1`` says to go slowly.

    Raises :class:`dsaudit.core.errors.ConfigError` with what to do about it.
    """
    if getattr(yaml, "CSafeLoader", None) is not None and fastyaml.available():
        return
    if os.environ.get(ALLOW_PURE_YAML) == "1":
        return
    raise ConfigError(
        "PyYAML is installed without libyaml (yaml.CSafeLoader is missing), which dsaudit needs "
        "to read YAML at speed. Install a PyYAML wheel that includes it "
        "(python -m pip install --force-reinstall --only-binary=:all: pyyaml), or build PyYAML "
        "with the libyaml headers installed (apt-get install libyaml-dev). To audit anyway with "
        f"pure-Python YAML (7-8x slower, same results), set {ALLOW_PURE_YAML}=1."
    )


def _base_loader() -> Any:
    global _warned_no_libyaml
    c_loader = getattr(yaml, "CSafeLoader", None)
    if c_loader is not None:
        return c_loader
    if not _warned_no_libyaml:
        _warned_no_libyaml = True
        warnings.warn(
            "PyYAML was built without libyaml; YAML parsing falls back to the pure-Python "
            "SafeLoader and is 7-8x slower (install PyYAML wheels or libyaml-dev)",
            RuntimeWarning,
            stacklevel=3,
        )
    return yaml.SafeLoader


class _DuplicateKey(Exception):
    def __init__(self, key: Any, first_line: int, line: int) -> None:
        super().__init__(key)
        self.key = key
        self.first_line = first_line
        self.line = line


def _make_loader() -> type:
    base = _base_loader()

    class StrictLoader(base):  # type: ignore[valid-type, misc]
        """Safe loader that refuses duplicate keys (PyYAML keeps the last one silently)."""

        def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
            if not isinstance(node, MappingNode):
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"expected a mapping node, but found {type(node).__name__}",
                    node.start_mark,
                )
            own = node.value
            self.flatten_mapping(node)
            pairs = node.value
            first_own = len(pairs) - len(own)  # merged pairs come first
            mapping: dict[Any, Any] = {}
            own_keys: dict[Any, Node] | None = {} if first_own else None
            for index, (key_node, value_node) in enumerate(pairs):
                key = self.construct_object(key_node, deep=deep)
                if not isinstance(key, Hashable):
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        "found unhashable key",
                        key_node.start_mark,
                    )
                try:
                    seen = key in mapping
                except TypeError:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        "found unhashable key",
                        key_node.start_mark,
                    ) from None
                if index >= first_own:
                    if own_keys is None:
                        if seen:
                            first = _first_key_node(self, pairs, key)
                            raise _DuplicateKey(key, _line(first), _line(key_node))
                    else:
                        if key in own_keys:
                            raise _DuplicateKey(key, _line(own_keys[key]), _line(key_node))
                        own_keys[key] = key_node
                mapping[key] = self.construct_object(value_node, deep=deep)
            return mapping

    return StrictLoader


def _first_key_node(loader: Any, pairs: list[tuple[Node, Node]], key: Any) -> Node:
    for key_node, _ in pairs:
        if loader.construct_object(key_node) == key:
            return key_node
    raise AssertionError("duplicate key without a first occurrence")  # pragma: no cover


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


StrictLoader = _make_loader()


def load_yaml(
    display_path: str,
    content: bytes,
    limits: Limits,
    records: fastyaml.RecordLines | None = None,
) -> list[tuple[int, Any]]:
    """Return ``(index, data)`` for each non-empty document of UTF-8 ``content``.

    ``records`` is filled as :func:`fastyaml.load_all` fills it when the fast path reads the
    file, and left empty otherwise.

    Raises ParseError (syntax, unsafe tag, duplicate key) or LimitError (``max_depth``,
    ``max_aliases``, ``max_yaml_nodes``), each with file and line.
    """
    if yaml_depth_bound(content, limits.max_depth) > limits.max_depth:
        check_depth_exactly(display_path, content, limits.max_depth)
    may_alias = _ALIAS_CANDIDATE.search(content) is not None
    if not may_alias:
        # Fast path (libyaml events -> data); anything unusual falls back to the strict loader.
        try:
            return fastyaml.load_all(content, limits.max_depth, records)
        except fastyaml.Fallback:
            if records is not None:
                records.clear()
        except fastyaml.BadScalar as exc:
            raise _bad_scalar(display_path, exc) from None
    documents: list[tuple[int, Any]] = []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    loader = StrictLoader(content)
    try:
        index = 0
        while loader.check_node():
            node = loader.get_node()
            if may_alias:
                check_alias_budget(display_path, node, limits)
            data = loader.construct_document(node)
            if data is not None:
                documents.append((index, data))
            index += 1
    except _DuplicateKey as exc:
        raise ParseError(
            f"duplicate key {quote_value(exc.key)} (first at line {exc.first_line})",
            file=display_path,
            line=exc.line,
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise yaml_error(display_path, exc) from None
    except yaml.YAMLError as exc:
        raise ParseError(f"invalid YAML: {exc}", file=display_path) from None
    except RecursionError:
        raise LimitError(
            "nesting too deep for the YAML loader (limits.max_depth)",
            limit="max_depth",
            file=display_path,
        ) from None
    except (ValueError, TypeError, AttributeError, KeyError, OverflowError) as exc:
        # PyYAML's constructors trust explicit tags: "!!int abc", "!!timestamp x" raise
        # plain Python errors. Find the node with a slow, tracing pass (error path only).
        line, tag = _failing_node(content)
        if tag:
            tag = tag.replace("tag:yaml.org,2002:", "!!")
        what = f"a value does not fit its tag {tag}" if tag else "a value cannot be constructed"
        raise ParseError(
            f"invalid YAML: {what} ({type(exc).__name__}: {exc})", file=display_path, line=line
        ) from None
    finally:
        loader.dispose()
        if gc_was_enabled:
            gc.enable()
    return documents


def _bad_scalar(display_path: str, exc: fastyaml.BadScalar) -> Exception:
    """The error for a plain scalar no constructor accepts, with its line.

    An integer too long to convert is re-raised as it is (the parser reports it with the hint
    to quote it); anything else is a ParseError naming the value, the line and why."""
    if "integer string conversion" in str(exc.error):
        return exc.error
    tag = fastyaml.resolved_tag(exc.value) or ""
    what = "date" if tag.endswith(":timestamp") else tag.rpartition(":")[2] or "value"
    return ParseError(
        f"invalid {what} {quote_value(exc.value)}: {exc.error}; quote it if it is meant as text",
        file=display_path,
        line=exc.line,
    )


def _failing_node(content: bytes) -> tuple[int | None, str | None]:
    """Line and tag of the node whose construction raises a non-YAML error."""

    class TracingLoader(StrictLoader):  # type: ignore[valid-type, misc]
        current: Node | None = None

        def construct_object(self, node: Node, deep: bool = False) -> Any:
            self.current = node
            return super().construct_object(node, deep=deep)

    loader = TracingLoader(content)
    try:
        while loader.check_node():
            loader.construct_document(loader.get_node())
    except Exception:
        node = loader.current
        if node is not None:
            return _line(node), node.tag
    finally:
        loader.dispose()
    return None, None


def yaml_error(display_path: str, exc: yaml.MarkedYAMLError) -> ParseError:
    """A ParseError with file, line and column from a PyYAML error."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    if problem.startswith("could not determine a constructor for the tag"):
        problem = f"{problem} (only the safe YAML tags are allowed)"
    message = f"invalid YAML: {problem}"
    if exc.context and exc.context_mark is not None:
        message += f" ({exc.context} at line {exc.context_mark.line + 1})"
    elif exc.context:
        message += f" ({exc.context})"
    if mark is None:
        return ParseError(message, file=display_path)
    return ParseError(f"{message}, column {mark.column + 1}", file=display_path, line=mark.line + 1)


def check_depth_exactly(display_path: str, content: bytes, max_depth: int) -> None:
    """Stream YAML events (non-recursive) and refuse nesting over ``max_depth``.

    The count runs on PyYAML's pure-Python scanner and parser, never on libyaml: libyaml 0.2.6
    (bundled since PyYAML 6.0.3) refuses nesting past 1,000 levels in its scanner, which reads
    ahead of the events in flow context, so a libyaml count would let libyaml's error decide
    before this guard does, and the outcome would depend on the PyYAML version. The pure parser
    is a state machine with no limit of its own; it stops at the first event over the limit,
    and it only runs when the text's upper bound (``yaml_depth_bound``) is over the limit.
    """
    loader = yaml.SafeLoader(content)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()  # type: ignore[no-untyped-call]
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > max_depth:
                    raise LimitError(
                        f"nesting deeper than {max_depth} levels (limits.max_depth); "
                        "refused before parsing",
                        limit="max_depth",
                        file=display_path,
                        line=event.start_mark.line + 1 if event.start_mark else None,
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        raise yaml_error(display_path, exc) from None
    finally:
        loader.dispose()


def _children(node: Node) -> Iterator[Node]:
    if isinstance(node, SequenceNode):
        yield from node.value
    elif isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            yield key_node
            yield value_node


def _children_with_lines(node: Node) -> Iterator[tuple[Node, int]]:
    """Children with the line where each is referenced (an alias node has no line of its own:
    its key's line in a mapping, the sequence's line in a sequence)."""
    if isinstance(node, SequenceNode):
        line = _line(node)
        for item in node.value:
            yield item, line
    elif isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            line = _line(key_node)
            yield key_node, line
            yield value_node, line


def check_alias_budget(display_path: str, root: Node, limits: Limits) -> int:
    """Count alias references and nodes after expansion; return the expanded node count.

    Walks the composed graph once (iteratively), memoising the expanded size of every node,
    so the cost is linear in the size of the text whatever the expansion.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    seen: set[int] = set()
    aliases = 0
    stack: list[tuple[Node, bool]] = [(root, False)]
    seen.add(id(root))
    while stack:
        node, finished = stack.pop()
        node_id = id(node)
        if finished:
            on_path.discard(node_id)
            total = 1
            for child in _children(node):
                total += sizes[id(child)]
            if total > limits.max_yaml_nodes:
                raise LimitError(
                    f"aliases expand the document to more than {limits.max_yaml_nodes:,} "
                    "nodes (limits.max_yaml_nodes); is it a 'billion laughs' file?",
                    limit="max_yaml_nodes",
                    file=display_path,
                    line=_line(node),
                )
            sizes[node_id] = total
            continue
        if node_id in sizes:
            continue
        if isinstance(node, ScalarNode):
            sizes[node_id] = 1
            continue
        on_path.add(node_id)
        stack.append((node, True))
        for child, line in _children_with_lines(node):
            child_id = id(child)
            if child_id in on_path:
                raise LimitError(
                    "an alias refers to a collection that contains it, so the document "
                    "expands without end (limits.max_yaml_nodes)",
                    limit="max_yaml_nodes",
                    file=display_path,
                    line=line,
                )
            if child_id in seen:
                aliases += 1
                if aliases > limits.max_aliases:
                    raise LimitError(
                        f"more than {limits.max_aliases:,} alias references (limits.max_aliases)",
                        limit="max_aliases",
                        file=display_path,
                        line=line,
                    )
            else:
                seen.add(child_id)
            if child_id not in sizes:
                stack.append((child, False))
    return sizes[id(root)]
