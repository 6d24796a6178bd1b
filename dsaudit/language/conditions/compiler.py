"""Compile a rule's condition tree once into a plain Python callable.

The node compilers live by kind: :mod:`.logic` (``all``, ``any``, ``not``), :mod:`.leaves` (a
path with operators, a named check) and :mod:`.collections` (quantifiers, ``count``,
``aggregate``). This module dispatches a node to its compiler and interns the result.
"""

from __future__ import annotations

import weakref
from typing import Any

from dsaudit.core.models import Condition, PathKey
from dsaudit.language.canonical import canonical
from dsaudit.language.conditions.aggregates import aggregate
from dsaudit.language.conditions.collections import count, quantifier
from dsaudit.language.conditions.env import LOGICAL, QUANTIFIERS, CompileEnv, fail, only, suggest
from dsaudit.language.conditions.joinscheck import check_joins
from dsaudit.language.conditions.leaves import check, leaf
from dsaudit.language.conditions.logic import all_of, any_of, negation


def compile_condition(tree: Any, env: CompileEnv) -> Condition:
    """Compile ``tree``; raise :class:`ConditionError` naming the node that is wrong.

    Equal trees (same nodes, operands and resolved parameter values, no named check) compile
    to the same callable, in this call and across calls: rules that share a sub-condition
    share its closure, so per-resource memos and audit-wide aggregate caches are shared too.
    """
    cond = compile_node(tree, env, ())
    if env.references is not None:
        check_joins(tree, env.references, env.kind)
    return cond


_INTERNED: weakref.WeakValueDictionary[Any, Condition] = weakref.WeakValueDictionary()
"""Canonical form of a condition tree -> its compiled callable (see :func:`canonical`)."""


def compile_node(tree: Any, env: CompileEnv, where: tuple[PathKey, ...]) -> Condition:
    """Compile one node (``where`` is its place in the rule's tree), sharing equal ones."""
    cond = _dispatch(tree, env, where)
    key = canonical(tree, env.params)
    if key is None:
        return cond
    shared = _INTERNED.get(key)
    if shared is not None:
        return shared
    _INTERNED[key] = cond
    return cond


def _dispatch(tree: Any, env: CompileEnv, where: tuple[PathKey, ...]) -> Condition:
    if not isinstance(tree, dict) or not tree:
        raise fail(f"a condition must be a non-empty mapping, got {tree!r}", where)
    if "all" in tree or "any" in tree:
        key = "all" if "all" in tree else "any"
        only(tree, {key}, where)
        items = tree[key]
        if not isinstance(items, list) or not items:
            raise fail(f"'{key}' needs a non-empty list of conditions", where)
        parts = tuple(compile_node(c, env, (*where, key, i)) for i, c in enumerate(items))
        return all_of(parts) if key == "all" else any_of(parts)
    if "not" in tree:
        only(tree, {"not"}, where)
        return negation(compile_node(tree["not"], env, (*where, "not")))
    for q in QUANTIFIERS:
        if q in tree:
            return quantifier(q, tree, env, where, compile_node)
    if "aggregate" in tree:
        return aggregate(tree, env, where, compile_node)
    if "count" in tree:
        return count(tree, env, where, compile_node)
    if "check" in tree:
        return check(tree, env, where)
    if "path" in tree:
        return leaf(tree, env, where)
    known = [*LOGICAL, *QUANTIFIERS, "count", "aggregate", "check", "path"]
    first = next(iter(tree))
    raise fail(f'unknown condition "{first}"{suggest(str(first), known)}', where)
