"""Joins checked at compile time: ``->`` only on a reference key, ``<-KIND.KEY`` only if known.

The walk follows the kind of the item through the tree: a rule's ``applies_to.kind``; inside an
``aggregate``'s ``of`` and ``where``, its ``over`` kind; inside a quantifier or ``count`` over a
path that ends in a join (``datasets->``, ``<-transfer.datasets``), the kind of the records it
reaches; inside one over anything else, an element that is not a record. ``@resource.`` keeps the
rule's kind, ``@org.`` is the organization and ``@meta.`` no record. Where the kind is unknown
(a condition compiled without ``CompileEnv.kind``), a ``->`` is accepted on a key that is a
reference of some kind and follows it to every kind that key can name.
"""

from __future__ import annotations

from typing import Any

from dsaudit.core.models import PathKey
from dsaudit.language.conditions.env import QUANTIFIERS, fail
from dsaudit.language.joins import BACK, FORWARD, ReferenceMap
from dsaudit.language.paths import KEY, compile_path

Kinds = tuple[str, ...] | None
"""The kinds the item may be; None: not known; (): not a record."""


def check_joins(tree: Any, refs: ReferenceMap, kind: str | None) -> None:
    """Raise :class:`ConditionError` at the first join that cannot name a record."""
    start: Kinds = (kind,) if kind else None
    _node(tree, refs, start, start, ())


def _node(
    tree: Any, refs: ReferenceMap, item: Kinds, res: Kinds, where: tuple[PathKey, ...]
) -> None:
    if not isinstance(tree, dict):
        return
    for key in ("all", "any"):
        if isinstance(tree.get(key), list):
            for i, sub in enumerate(tree[key]):
                _node(sub, refs, item, res, (*where, key, i))
            return
    if "not" in tree:
        _node(tree["not"], refs, item, res, (*where, "not"))
        return
    if "aggregate" in tree:
        over = tree.get("over")
        kinds: Kinds = (over,) if isinstance(over, str) else None
        if "of" in tree:
            _path(tree["of"], refs, kinds, res, (*where, "of"))
        _node(tree.get("where"), refs, kinds, res, (*where, "where"))
        return
    for q in (*QUANTIFIERS, "count"):
        if q in tree:
            inner = _path(tree[q], refs, item, res, (*where, q))
            _node(tree.get("where"), refs, inner, res, (*where, "where"))
            return
    if "path" in tree:
        _path(tree["path"], refs, item, res, (*where, "path"))


def _path(
    text: Any, refs: ReferenceMap, item: Kinds, res: Kinds, where: tuple[PathKey, ...]
) -> Kinds:
    """Check the joins of one path; return the kinds of what it yields (() when not records)."""
    try:
        spec = compile_path(text)
    except ValueError:
        return ()  # the compiler reports the syntax
    cur: Kinds = {"item": item, "resource": res, "org": ("organization",)}.get(spec.root, ())
    at_record, key_at_record = True, False
    for step, arg in spec.steps:
        if step == FORWARD:
            if not key_at_record:
                raise fail(
                    f"path {spec.text!r}: '->' follows a key of a record, not a value inside one",
                    where,
                )
            cur = _forward(arg, cur, refs, spec.text, where)
        elif step == BACK:
            cur = _back(arg, cur, refs, spec.text, where)
        key_at_record = step == KEY and at_record
        at_record = step in (FORWARD, BACK)
    return cur if at_record and spec.steps else ()


def _forward(
    key: str, cur: Kinds, refs: ReferenceMap, text: str, where: tuple[PathKey, ...]
) -> Kinds:
    if cur is None:
        every = sorted({k for keys in refs.values() for k in keys})
        if key not in every:
            raise fail(
                f"path {text!r}: {key!r} is not a reference (reference keys: {', '.join(every)})",
                where,
            )
        return _union(refs[kind][key] for kind in refs if key in refs[kind])
    if not cur:
        raise fail(
            f"path {text!r}: the item here is not a record, so {key!r} names none; "
            "start at @resource. or quantify over a join (datasets->, <-transfer.datasets)",
            where,
        )
    known = {k for kind in cur for k in refs.get(kind, {})}
    if key not in known:
        listing = ", ".join(sorted(known)) if known else "none"
        raise fail(
            f"path {text!r}: {key!r} is not a reference of {' or '.join(cur)} "
            f"(its reference keys: {listing})",
            where,
        )
    return _union(refs[kind][key] for kind in cur if key in refs.get(kind, {}))


def _back(
    arg: tuple[str, str], cur: Kinds, refs: ReferenceMap, text: str, where: tuple[PathKey, ...]
) -> Kinds:
    kind, key = arg
    targets = refs.get(kind, {}).get(key)
    if targets is None:
        known = ", ".join(f"<-{k}.{r}" for k in sorted(refs) for r in sorted(refs[k]))
        raise fail(
            f"path {text!r}: unknown back-reference '<-{kind}.{key}' (known: {known})", where
        )
    if cur is not None and not cur:
        raise fail(f"path {text!r}: the item here is not a record, so nothing refers to it", where)
    if cur is not None and not set(cur) & set(targets):
        raise fail(
            f"path {text!r}: {kind}.{key} names {' or '.join(targets)} records, "
            f"never a {' or '.join(cur)}",
            where,
        )
    return (kind,)


def _union(groups: Any) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for group in groups:
        out.update(dict.fromkeys(group))
    return tuple(out)
