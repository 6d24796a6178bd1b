"""Which numeric thresholds and deadlines of the shipped rules lack boundary test cases.

For every rule parameter with a numeric ``legal_value`` N, the leaves of the rule's condition
(and ``applies_to.when``) that compare a measured value with ``{param: NAME}`` are read:

* ``{path: P, gte|gt|lte|lt: {param}}``: the value at P;
* ``{path: P, within_days: {param}}``: the days from the date at P to the block's ``as_of``;
* ``{hours|days: {param}, start: S, end: E}``: the hours (days) from the value at S to that at E.

The rule's test cases (those of blocks that do not override the parameter) must then measure a
value *at* N, one *just below* (N-1 <= value < N) and one *just above* (N < value <= N+1).

Limits: P is looked up at any depth of the case's attributes (``a.b`` anywhere, ``[*]`` and
``**`` steps flattened; ``@org.`` in the block's ``organization``), so a case may be counted for
a value it does not decide; which case passes and which fails is not checked here (the rule's
own tests do that); aggregates (``aggregate: sum``), ``years`` offsets, durations written as
text (``legal_value: "6 months"``) and joined paths are not read: such parameters are reported
as "not checked" so that they are listed, not silently passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from dsaudit.authoring.ruletests import DEFAULT_AS_OF, load_cases
from dsaudit.language.packs import builtin_pack_paths, load_pack

COMPARE = ("gte", "gt", "lte", "lt")
SPANS = {"hours": 3600.0, "days": 86400.0}


def _numeric(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def leaves(tree: Any, param: str) -> Iterator[Mapping[str, Any]]:
    """The mappings in ``tree`` with an operand ``{param: NAME}``."""
    if isinstance(tree, Mapping):
        if any(v == {"param": param} for v in tree.values()):
            yield tree
        for value in tree.values():
            yield from leaves(value, param)
    elif isinstance(tree, list):
        for value in tree:
            yield from leaves(value, param)


def lookup(root: Any, path: str) -> list[Any]:
    """Every value at ``path`` anywhere in ``root`` (see the module's limits)."""
    keys = [k for k in path.replace("[*]", "").split(".") if k not in ("", "**")]
    found: list[Any] = []

    def follow(value: Any, rest: list[str]) -> None:
        if not rest:
            found.extend(value if isinstance(value, list) else [value])
        elif isinstance(value, list):
            for item in value:
                follow(item, rest)
        elif isinstance(value, Mapping) and rest[0] in value:
            follow(value[rest[0]], rest[1:])

    def search(value: Any) -> None:
        if isinstance(value, Mapping):
            if keys and keys[0] in value:
                follow(value[keys[0]], keys[1:])
            for child in value.values():
                search(child)
        elif isinstance(value, list):
            for child in value:
                search(child)

    search(root)
    return found


def _when(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, str):
        try:
            return _when(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def measures(leaf: Mapping[str, Any], op: str, case: Any) -> list[float]:
    """The values ``leaf`` compares with the parameter in one case."""
    block, attrs = case.block, case.attributes
    if op in SPANS:
        starts = [_when(v) for v in lookup(attrs, str(leaf.get("start", "")))]
        ends = [_when(v) for v in lookup(attrs, str(leaf.get("end", "")))]
        return [
            (e - s).total_seconds() / SPANS[op]
            for s in starts for e in ends if s is not None and e is not None
        ]  # fmt: skip
    path = str(leaf["path"])
    root: Any = attrs
    if path.startswith("@org."):
        root, path = block.get("organization") or {}, path[len("@org.") :]
    values = lookup(root, path)
    if op == "within_days":
        as_of = _when(block.get("as_of") or DEFAULT_AS_OF)
        dates = [_when(v) for v in values]
        return [(as_of - d).days for d in dates if as_of is not None and d is not None]
    return [float(v) for v in values if _numeric(v)]


def _readable(leaf: Mapping[str, Any], param: str) -> str | None:
    """The operator of a leaf this check can read, or None."""
    op = next(k for k, v in leaf.items() if v == {"param": param})
    if op in COMPARE and "path" in leaf and "aggregate" not in leaf and "->" not in leaf["path"]:
        return op
    if op == "within_days" and "path" in leaf:
        return op
    if op in SPANS and "start" in leaf and "end" in leaf:
        return op
    return None


def boundary_gaps(pack_paths: Iterable[Path] | None = None) -> dict[tuple[str, str], str]:
    """``(rule id, parameter) -> what is missing`` for every numeric threshold of the packs at
    ``pack_paths`` (default: the shipped packs)."""
    gaps: dict[tuple[str, str], str] = {}
    for path in builtin_pack_paths() if pack_paths is None else pack_paths:
        pack = load_pack(path)
        cases, _ = load_cases(pack)
        for src in pack.rules:
            rule = src.data
            for name, spec in (rule.get("params") or {}).items():
                legal = spec.get("legal_value")
                if isinstance(legal, str):
                    gaps[(rule["id"], name)] = f"not checked (legal_value is text: {legal!r})"
                    continue
                if not _numeric(legal):
                    continue
                trees = [rule.get("condition"), (rule.get("applies_to") or {}).get("when")]
                found = [leaf for tree in trees for leaf in leaves(tree, name)]
                readable = [(leaf, op) for leaf in found if (op := _readable(leaf, name))]
                if not readable:
                    gaps[(rule["id"], name)] = "not checked (shape not read)"
                    continue
                mine = [c for c in cases if c.rule_id == rule["id"]
                        and name not in (c.block.get("params") or {})]  # fmt: skip
                values = [v for leaf, op in readable for c in mine for v in measures(leaf, op, c)]
                missing = [
                    label
                    for label, hit in (
                        ("at", any(v == legal for v in values)),
                        ("just below", any(legal - 1 <= v < legal for v in values)),
                        ("just above", any(legal < v <= legal + 1 for v in values)),
                    )
                    if not hit
                ]
                if missing:
                    gaps[(rule["id"], name)] = f"no case {', '.join(missing)} {legal}"
    return gaps
