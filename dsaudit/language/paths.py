"""Paths into resource attributes: ``a.b[*].c``, ``**.retention_days``, ``data."tls.enabled"``.

A path compiles once into a :class:`PathSpec`; resolving it against a value yields
``(concrete_path, value)`` pairs, where the concrete path has list indices filled in. Paths with
no wildcard resolve through a fast single-value getter.

Roots: a path starts at the item under test. ``@org.`` starts at the organization profile,
``@resource.`` at the attributes of the resource being checked (useful inside quantifiers),
``@meta.`` at the resource's metadata (``file``, ``format``, ``parser``, ``system``).

Joins (:mod:`dsaudit.language.joins`): ``datasets->classification`` follows the ids at a key to
the records they name; ``<-transfer.datasets`` is the transfers whose ``datasets`` name the
record. Both yield one value per record reached, so a path with a join is always multi-valued.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from dsaudit.core.models import EvalContext, PathKey
from dsaudit.language.joins import BACK, FORWARD, Hop, follow

MISSING: Any = type(
    "Missing", (), {"__repr__": lambda self: "<missing>", "__bool__": lambda s: False}
)()
"""Sentinel for a path that does not exist."""

ROOTS = ("item", "org", "resource", "meta")

_TOKEN = re.compile(
    r"""
    (?P<quoted>"(?:[^"\\]|\\.)*")      # "key.with.dots"
  | \[(?P<index>-?\d+)\]                # [3]
  | \[(?P<bracketq>'(?:[^'\\]|\\.)*')\] # ['key']
  | (?P<wild>\[\*\])                    # [*]
  | (?P<deep>\*\*)                      # ** (any depth)
  | (?P<star>\*)                        # * (any key or item)
  | (?P<fwd>->)                         # -> (follow the ids at the key before)
  | <-(?P<back>[A-Za-z_]\w*\.[A-Za-z_]\w*)  # <-kind.key (the records naming this one)
  | (?P<backbad><-)
  | (?P<name>(?:(?!->|<-)[^.\[\]"*])+)   # plain key
  | (?P<dot>\.)
    """,
    re.VERBOSE,
)

# Step kinds (FORWARD = 4 and BACK = 5, the joins, are defined in language.joins)
KEY, INDEX, WILD, DEEP = 0, 1, 2, 3
_NAME = r"(?:(?!->|<-)[^.\[\]\"*])+"


@dataclass(frozen=True, slots=True)
class PathSpec:
    """A compiled path."""

    text: str
    root: str
    steps: tuple[tuple[int, Any], ...]
    joined: bool = False
    """The path has a join step (set by :func:`compile_path`)."""

    @property
    def is_multi(self) -> bool:
        """True when the path can yield several values (has a wildcard)."""
        return any(kind in (WILD, DEEP, FORWARD, BACK) for kind, _ in self.steps)

    @property
    def joins(self) -> bool:
        """True when the path follows a reference to other records (``->`` or ``<-``)."""
        return self.joined

    def start(self, item: Any, ctx: EvalContext) -> Any:
        """The value the path starts from."""
        root = self.root
        if root == "item":
            return item
        if root == "org":
            return ctx.org
        if root == "resource":
            return ctx.resource.attributes
        return {**ctx.resource.meta, "file": ctx.resource.file, "kind": ctx.resource.kind}

    def resolve(self, item: Any, ctx: EvalContext) -> list[tuple[tuple[PathKey, ...], Any]]:
        """Every ``(concrete_path, value)`` the path reaches (missing steps yield nothing)."""
        start = self.start(item, ctx)
        steps = self.steps
        if self.joins:
            return _joined(start, steps, ctx)
        if steps and steps[0][0] == DEEP and start is ctx.resource.attributes:
            # `**.key` from the resource root: use the per-resource key index.
            if ctx.key_index is None:
                ctx.key_index = key_index(start)
            hits = ctx.key_index.get(steps[0][1], ())
            if len(steps) == 1:
                return list(hits)
            out: list[tuple[tuple[PathKey, ...], Any]] = []
            for path, value in hits:
                out.extend(_walk(value, steps, 1, path))
            return out
        return list(_walk(start, steps, 0, ()))

    def get(self, item: Any, ctx: EvalContext) -> Any:
        """The single value of a wildcard-free path, or MISSING."""
        if self.root == "item" and len(self.steps) == 1 and self.steps[0][0] == KEY:
            return item.get(self.steps[0][1], MISSING) if type(item) is dict else MISSING
        if self.joined:  # the first record's value (a join is multi-valued; see resolve)
            pairs = self.resolve(item, ctx)
            return pairs[0][1] if pairs else MISSING
        value = self.start(item, ctx)
        for kind, key in self.steps:
            if kind == KEY:
                if not isinstance(value, dict):
                    return MISSING
                value = value.get(key, MISSING)
                if value is MISSING:
                    return MISSING
            else:  # INDEX
                if not isinstance(value, list) or not -len(value) <= key < len(value):
                    return MISSING
                value = value[key]
        return value

    def getter(self) -> Callable[[Any, EvalContext], Any]:
        """A function equivalent to :meth:`get`, specialised for this path's root and steps.

        Compiled conditions call it millions of times; the common shapes (one or two keys
        from the item, a key of ``@meta``) skip the generic loop and the ``@meta`` dict copy.
        """
        steps = self.steps
        if not steps or any(kind != KEY for kind, _ in steps):
            return self.get
        keys = tuple(key for _, key in steps)
        root = self.root
        if root == "item" and len(keys) == 1:
            (key,) = keys

            def one_key(item: Any, ctx: EvalContext) -> Any:
                return item.get(key, MISSING) if type(item) is dict else MISSING

            return one_key
        if root == "item" and len(keys) == 2:
            first, second = keys

            def two_keys(item: Any, ctx: EvalContext) -> Any:
                if not isinstance(item, dict):
                    return MISSING
                value = item.get(first, MISSING)
                if value is MISSING or not isinstance(value, dict):
                    return MISSING
                return value.get(second, MISSING)

            return two_keys
        if root == "meta":
            head, rest = keys[0], keys[1:]

            def from_meta(item: Any, ctx: EvalContext) -> Any:
                res = ctx.resource
                if head == "file":
                    value = res.file
                elif head == "kind":
                    value = res.kind
                else:
                    value = res.meta.get(head, MISSING)
                return _follow(value, rest) if rest else value

            return from_meta
        return self.get

    def concrete(self) -> tuple[PathKey, ...]:
        """The concrete path of a wildcard-free path (for evidence)."""
        return tuple(key for _, key in self.steps)


def _joined(
    start: Any, steps: tuple[tuple[int, Any], ...], ctx: EvalContext
) -> list[tuple[tuple[PathKey, ...], Any]]:
    """Walk a path with joins: each stretch between joins as usual, each join by the index."""
    pairs: list[tuple[tuple[PathKey, ...], Any]] = [((), start)]
    begin = 0
    for i, (kind, arg) in enumerate(steps):
        if kind in (FORWARD, BACK):
            stretch = steps[begin:i]
            pairs = [
                hop
                for prefix, value in pairs
                for path, found in _walk(value, stretch, 0, prefix)
                for hop in follow(kind, arg, found, path, ctx)
            ]
            begin = i + 1
    tail = steps[begin:]
    return [pair for prefix, value in pairs for pair in _walk(value, tail, 0, prefix)]


def _follow(value: Any, keys: tuple[Any, ...]) -> Any:
    """``value[k1][k2]...`` through mappings, or MISSING."""
    for key in keys:
        if value is MISSING or not isinstance(value, dict):
            return MISSING
        value = value.get(key, MISSING)
    return value


def _walk(
    value: Any, steps: tuple[tuple[int, Any], ...], i: int, prefix: tuple[PathKey, ...]
) -> Iterator[tuple[tuple[PathKey, ...], Any]]:
    if i == len(steps):
        yield prefix, value
        return
    kind, key = steps[i]
    if kind == KEY:
        if isinstance(value, dict) and key in value:
            yield from _walk(value[key], steps, i + 1, (*prefix, key))
    elif kind == INDEX:
        if isinstance(value, list) and -len(value) <= key < len(value):
            yield from _walk(value[key], steps, i + 1, (*prefix, key % len(value)))
    elif kind == WILD:
        if isinstance(value, list):
            for n, child in enumerate(value):
                yield from _walk(child, steps, i + 1, (*prefix, n))
        elif isinstance(value, dict):
            for k, child in value.items():
                yield from _walk(child, steps, i + 1, (*prefix, k))
    else:  # DEEP: match `key` at any depth below
        yield from _deep(value, key, steps, i + 1, prefix)


def _deep(
    value: Any, key: str, steps: tuple[tuple[int, Any], ...], i: int, prefix: tuple[PathKey, ...]
) -> Iterator[tuple[tuple[PathKey, ...], Any]]:
    stack: list[tuple[Any, tuple[PathKey, ...]]] = [(value, prefix)]
    while stack:
        node, here = stack.pop()
        if isinstance(node, dict):
            if key in node:
                yield from _walk(node[key], steps, i, (*here, key))
            stack.extend((child, (*here, k)) for k, child in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((child, (*here, n)) for n, child in reversed(list(enumerate(node))))


def key_index(root: Any) -> dict[Any, list[tuple[tuple[PathKey, ...], Any]]]:
    """Map every mapping key under ``root`` to its ``(path, value)`` pairs, in document order."""
    index: dict[Any, list[tuple[tuple[PathKey, ...], Any]]] = {}
    stack: list[tuple[Any, tuple[PathKey, ...]]] = [(root, ())]
    while stack:
        node, here = stack.pop()
        if isinstance(node, dict):
            children = []
            for k, child in node.items():
                path = (*here, k)
                index.setdefault(k, []).append((path, child))
                if isinstance(child, dict | list):
                    children.append((child, path))
            stack.extend(reversed(children))
        elif isinstance(node, list):
            stack.extend(
                (child, (*here, n))
                for n, child in reversed(list(enumerate(node)))
                if isinstance(child, dict | list)
            )
    return index


def compile_path(text: str) -> PathSpec:
    """Compile a path expression; raise ValueError with the reason on bad syntax."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"a path must be a non-empty string, got {text!r}")
    raw = text.strip()
    root = "item"
    if raw.startswith("@"):
        head, _, rest = raw[1:].partition(".")
        if head not in ROOTS[1:]:
            raise ValueError(f"unknown path root '@{head}' (known: @org, @resource, @meta)")
        root, raw = head, rest
        if not raw:
            return PathSpec(text, root, ())
    steps: list[tuple[int, Any]] = []
    pos = 0
    expect_sep = False
    hopped = True  # at a record: the start, or just after a join (where `<-` may follow)
    while pos < len(raw):
        m = _TOKEN.match(raw, pos)
        if m is None:
            raise ValueError(f"bad path {text!r} at character {pos + 1}")
        pos = m.end()
        group = m.lastgroup
        at_record, hopped = hopped, False
        if group in ("fwd", "back", "backbad"):
            _join_step(text, group, m, steps, expect_sep, at_record)
            hopped = group == "fwd"
            expect_sep = group == "back"
            continue
        if steps and steps[-1][0] in (FORWARD, BACK) and group in ("index", "wild"):
            raise ValueError(
                f"bad path {text!r}: after a join name a key of the records it reaches"
            )
        if group == "dot":
            hopped = bool(steps) and steps[-1][0] == BACK
            if not expect_sep:
                raise ValueError(f"bad path {text!r}: empty segment at character {pos}")
            expect_sep = False
            continue
        if group in ("index", "wild", "bracketq"):
            if group == "index":
                steps.append((INDEX, int(m.group("index"))))
            elif group == "wild":
                steps.append((WILD, None))
            else:
                steps.append((KEY, _unquote(m.group("bracketq"))))
            expect_sep = True
            continue
        if expect_sep:
            raise ValueError(f"bad path {text!r}: missing '.' before character {m.start() + 1}")
        if group == "quoted":
            steps.append((KEY, _unquote(m.group("quoted"))))
        elif group == "name":
            steps.append((KEY, m.group("name")))
        elif group == "star":
            steps.append((WILD, None))
        else:  # deep: must be followed by .key
            m2 = re.compile(r"\.(\"(?:[^\"\\]|\\.)*\"|" + _NAME + ")").match(raw, pos)
            if m2 is None:
                raise ValueError(f"bad path {text!r}: '**' must be followed by '.key'")
            key = m2.group(1)
            steps.append((DEEP, _unquote(key) if key.startswith('"') else key))
            pos = m2.end()
        expect_sep = True
    if not expect_sep and not (steps and steps[-1][0] == FORWARD):
        raise ValueError(f"bad path {text!r}: ends with '.'")
    joined = any(kind in (FORWARD, BACK) for kind, _ in steps)
    return PathSpec(text, root, tuple(steps), joined)


def _join_step(
    text: str,
    group: str | None,
    m: re.Match[str],
    steps: list[tuple[int, Any]],
    expect_sep: bool,
    at_record: bool,
) -> None:
    """Append a ``->`` or ``<-kind.key`` step, or say why it cannot go here."""
    where = f"bad path {text!r} at character {m.start() + 1}"
    if group == "backbad":
        raise ValueError(
            f"{where}: a back-reference is written <-KIND.KEY (e.g. <-transfer.datasets)"
        )
    if group == "back":
        if not at_record:
            raise ValueError(f"{where}: '<-KIND.KEY' starts a path or follows '->'")
        kind, _, key = m.group("back").partition(".")
        steps.append((BACK, (kind, key)))
        return
    if not (expect_sep and steps and steps[-1][0] == KEY):
        raise ValueError(f"{where}: '->' follows the key that holds the ids (e.g. datasets->)")
    steps.append((FORWARD, steps[-1][1]))


def _unquote(token: str) -> str:
    return re.sub(r"\\(.)", r"\1", token[1:-1])


def format_path(path: tuple[PathKey, ...]) -> str:
    """Render a concrete path the way users write it: ``fields[2].category``."""
    out = ""
    for key in path:
        if isinstance(key, Hop):
            out += str(key)
        elif isinstance(key, int):
            out += f"[{key}]"
        elif re.fullmatch(r"[A-Za-z0-9_\-]+", str(key)):
            out += f".{key}" if out else str(key)
        else:
            quoted = '"' + str(key).replace('"', '\\"') + '"'
            out += f".{quoted}" if out else quoted
    return out
