"""Nodes over collections: quantifiers, ``count`` and organization-wide ``aggregate``."""

from __future__ import annotations

from typing import Any

from dsaudit.core.models import Condition, EvalContext, PathKey
from dsaudit.language.canonical import canonical
from dsaudit.language.conditions.env import (
    QUANTIFIERS,
    CompileEnv,
    Sub,
    fail,
    only,
    path_spec,
)
from dsaudit.language.conditions.leaves import comparison
from dsaudit.language.conditions.logic import flip, mark_held
from dsaudit.language.paths import KEY, MISSING, PathSpec, compile_path


def elements(spec: PathSpec, item: Any, ctx: EvalContext) -> list[tuple[tuple[PathKey, ...], Any]]:
    pairs = spec.resolve(item, ctx)
    if not spec.is_multi and len(pairs) == 1 and isinstance(pairs[0][1], list):
        base, value = pairs[0]
        return [((*base, i), v) for i, v in enumerate(value)]
    return pairs


def quantifier(
    q: str, tree: dict[str, Any], env: CompileEnv, where: tuple[PathKey, ...], sub: Sub
) -> Condition:
    """``for_any`` / ``for_all`` / ``for_none: PATH, where: COND``."""
    only(tree, {q, "where"}, where)
    if "where" not in tree:
        raise fail(f"'{q}' needs a 'where' condition", where)
    spec = path_spec(tree[q], (*where, q))
    inner = sub(tree["where"], env, (*where, "where"))

    fast_get = None if spec.is_multi else spec.getter()
    want_any = q == "for_any"
    shareable = canonical(tree, env.params) is not None

    def fast(item: Any, ctx: EvalContext) -> bool:
        if fast_get is not None:
            seq = fast_get(item, ctx)
            values = seq if isinstance(seq, list) else () if seq is MISSING else (seq,)
            if q == "for_all":
                for v in values:  # noqa: SIM110 - a plain loop is faster than all(genexpr)
                    if not inner(v, ctx):
                        return False
                return True
            for v in values:
                if inner(v, ctx):
                    return want_any
            return not want_any
        results = (inner(v, ctx) for _, v in elements(spec, item, ctx))
        if q == "for_any":
            return any(results)
        if q == "for_all":
            return all(results)
        return not any(results)

    def holds(item: Any, ctx: EvalContext) -> bool:
        if ctx.trace is None:
            if shareable and item is ctx.resource.attributes:
                memo = ctx.memo
                if memo is None or ctx.memo_of is not item:
                    memo = resource_memo(ctx)
                found = memo.get(holds)
                if found is None:
                    found = memo[holds] = fast(item, ctx)
                return found
            return fast(item, ctx)
        # Explaining a failure: evaluate every element, then mark what is offending.
        mark = len(ctx.trace)
        outcomes = []
        for p, v in elements(spec, item, ctx):
            start = len(ctx.trace)
            ok = element_holds(inner, p, v, ctx)
            if q == "for_none":
                # An element that satisfies `where` is the offender; one that does not is fine.
                if ok:
                    flip(ctx.trace, start)
                else:
                    mark_held(ctx.trace, start)
            outcomes.append(ok)
        if q == "for_any":
            held = any(outcomes)
        elif q == "for_all":
            held = all(outcomes)
        else:
            held = not any(outcomes)
        if held:
            mark_held(ctx.trace, mark)
        return held

    return holds


def resource_memo(ctx: EvalContext) -> dict[Any, bool]:
    """Results of shared sub-conditions on ``ctx.resource``'s attributes.

    The memo lives on the context (one per resource checked) and is started afresh when the
    context is pointed at another resource, so nothing leaks from one resource to the next.
    """
    attributes = ctx.resource.attributes
    memo = ctx.memo
    if memo is None or ctx.memo_of is not attributes:
        memo = ctx.memo = {}
        ctx.memo_of = attributes
    return memo


def reads_the_resource(tree: Any) -> bool:
    """Whether a condition reads more than the item it is given.

    True when a path below it starts at ``@resource`` or ``@meta`` (the resource being
    checked, not the one examined), or when it calls a named check, which sees the whole
    context. An ``aggregate`` whose ``where`` does neither is computed once per audit.
    """
    stack = [tree]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        if "check" in node:
            return True
        for key in _PATH_KEYS:
            text = node.get(key)
            if isinstance(text, str) and _root(text) in ("resource", "meta"):
                return True
        for value in node.values():  # an operand read from the record: {path: ...}
            text = value.get("path") if isinstance(value, dict) else None
            if isinstance(text, str) and _root(text) in ("resource", "meta"):
                return True
        for key, inner in (("period", "by"), ("distinct", "totals")):
            text = node[key].get(inner) if isinstance(node.get(key), dict) else None
            if isinstance(text, str) and _root(text) in ("resource", "meta"):
                return True
        for key in ("all", "any"):
            if isinstance(node.get(key), list):
                stack.extend(node[key])
        stack.extend(node[key] for key in ("not", "where") if key in node)
    return False


_PATH_KEYS = ("path", "of", "count", *QUANTIFIERS)
"""The keys of a condition node whose value is a path."""


def _root(text: str) -> str | None:
    try:
        return compile_path(text).root
    except ValueError:
        return None


def element_holds(
    inner: Condition, prefix: tuple[PathKey, ...], value: Any, ctx: EvalContext
) -> bool:
    if ctx.trace is None:
        return inner(value, ctx)
    mark = len(ctx.trace)
    ok = inner(value, ctx)
    for i in range(mark, len(ctx.trace)):
        path, v, held = ctx.trace[i]
        if not (path and isinstance(path[0], str) and path[0].startswith("@")):
            ctx.trace[i] = ((*prefix, *path), v, held)
    return ok


def count(tree: dict[str, Any], env: CompileEnv, where: tuple[PathKey, ...], sub: Sub) -> Condition:
    """``count: PATH, [where: COND], <comparison>: n``: elements of the item's list."""
    spec = path_spec(tree["count"], (*where, "count"))
    inner = sub(tree["where"], env, (*where, "where")) if "where" in tree else None
    compare = comparison(tree, env, where)
    key = spec.steps[0][1] if spec.root == "item" and spec.steps and len(spec.steps) == 1 else None
    if key is not None and spec.steps[0][0] != KEY:
        key = None

    def holds(item: Any, ctx: EvalContext) -> bool:
        if key is not None and ctx.trace is None:
            # One key of the item: its list's elements, its value, or nothing (as elements).
            value = item.get(key, MISSING) if isinstance(item, dict) else MISSING
            if value is MISSING:
                n = 0
            elif not isinstance(value, list):
                n = 1 if inner is None or inner(value, ctx) else 0
            elif inner is None:
                n = len(value)
            else:
                n = sum(1 for v in value if inner(v, ctx))
            return compare(n, ctx)
        pairs = elements(spec, item, ctx)
        trace, ctx.trace = ctx.trace, None
        try:
            n = sum(1 for _, v in pairs if inner is None or inner(v, ctx))
        finally:
            ctx.trace = trace
        held = compare(n, ctx)
        if trace is not None:
            trace.append(((*spec.concrete(),) if not spec.is_multi else (spec.text,), n, held))
        return held

    return holds
