"""Compile a rule's condition tree once into a plain Python callable.

The grammar (docs/rules.md has the full reference)::

    cond := {all: [cond, ...]} | {any: [cond, ...]} | {not: cond}
          | {path: P, <operator>: operand, ..., [match: all|any|none]}
          | {for_any|for_all|for_none: P, where: cond}
          | {count: P, [where: cond], <comparison>: n}
          | {aggregate: count|sum|max|min, over: KIND, [of: P], [where: cond], <comparison>: n}
          | {check: NAME, [with: {...}]}
    operand := literal | {param: NAME}

Nothing from YAML is ever evaluated as code: every node maps to a closure built here.
Compiled callables take ``(item, ctx)`` and return a bool; when ``ctx.trace`` is a list, leaves
record the ``(path, value)`` pairs they examined, which the engine uses to explain failures.
"""

from __future__ import annotations

import difflib
import inspect
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dsaudit.core.models import Condition, EvalContext, PathKey
from dsaudit.core.regexguard import UnsafeRegexError
from dsaudit.language.canonical import canonical
from dsaudit.language.operators import (
    COMPARISONS,
    OPERATORS,
    REGEX_OPERATORS,
    OperandError,
    Predicate,
)
from dsaudit.language.paths import DEEP, KEY, MISSING, PathSpec, compile_path, key_index

CheckFunction = Callable[..., Any]

LOGICAL = ("all", "any", "not")
QUANTIFIERS = ("for_any", "for_all", "for_none")
AGGREGATES = ("count", "sum", "max", "min")
MATCH_MODES = ("all", "any", "none")


class ConditionError(ValueError):
    """A condition that cannot compile; ``where`` is the path inside the condition tree."""

    def __init__(self, message: str, where: tuple[PathKey, ...] = ()) -> None:
        self.where = where
        super().__init__(message)


@dataclass(slots=True)
class CompileEnv:
    """What the compiler needs besides the tree."""

    params: Mapping[str, Any] = field(default_factory=dict)
    checks: Mapping[str, CheckFunction] = field(default_factory=dict)
    taxonomy: Any = None
    """Used to validate category names at compile time (``category_in``)."""
    max_regex_length: int = 1000
    operators: Mapping[str, Callable[[Any], Predicate]] | None = None
    """Operator name -> factory, from ``dsaudit_register_operators``; None: the built-ins."""
    as_of: Any = None
    """The audit date (``datetime.date``); picks the article numbers in force on that date."""


def _operators(env: CompileEnv) -> Mapping[str, Callable[[Any], Predicate]]:
    return env.operators if env.operators is not None else OPERATORS


def compile_condition(tree: Any, env: CompileEnv) -> Condition:
    """Compile ``tree``; raise :class:`ConditionError` naming the node that is wrong.

    Equal trees (same nodes, operands and resolved parameter values, no named check) compile
    to the same callable, in this call and across calls: rules that share a sub-condition
    share its closure, so per-resource memos and audit-wide aggregate caches are shared too.
    """
    return _compile(tree, env, ())


_INTERNED: weakref.WeakValueDictionary[Any, Condition] = weakref.WeakValueDictionary()
"""Canonical form of a condition tree -> its compiled callable (see :func:`canonical`)."""


def _compile(tree: Any, env: CompileEnv, where: tuple[PathKey, ...]) -> Condition:
    cond = _compile_node(tree, env, where)
    key = canonical(tree, env.params)
    if key is None:
        return cond
    shared = _INTERNED.get(key)
    if shared is not None:
        return shared
    _INTERNED[key] = cond
    return cond


def _fail(message: str, where: tuple[PathKey, ...]) -> ConditionError:
    return ConditionError(message, where)


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _compile_node(tree: Any, env: CompileEnv, where: tuple[PathKey, ...]) -> Condition:
    if not isinstance(tree, dict) or not tree:
        raise _fail(f"a condition must be a non-empty mapping, got {tree!r}", where)
    if "all" in tree or "any" in tree:
        key = "all" if "all" in tree else "any"
        _only(tree, {key}, where)
        items = tree[key]
        if not isinstance(items, list) or not items:
            raise _fail(f"'{key}' needs a non-empty list of conditions", where)
        parts = tuple(_compile(c, env, (*where, key, i)) for i, c in enumerate(items))
        return _all(parts) if key == "all" else _any(parts)
    if "not" in tree:
        _only(tree, {"not"}, where)
        inner = _compile(tree["not"], env, (*where, "not"))

        def negate(item: Any, ctx: EvalContext) -> bool:
            if ctx.trace is None:
                return not inner(item, ctx)
            mark = len(ctx.trace)
            held = inner(item, ctx)
            _flip(ctx.trace, mark)
            if not held:
                _mark_held(ctx.trace, mark)
            return not held

        return negate
    for q in QUANTIFIERS:
        if q in tree:
            return _quantifier(q, tree, env, where)
    if "aggregate" in tree:
        return _aggregate(tree, env, where)
    if "count" in tree:
        return _count(tree, env, where)
    if "check" in tree:
        return _check(tree, env, where)
    if "path" in tree:
        return _leaf(tree, env, where)
    known = [*LOGICAL, *QUANTIFIERS, "count", "aggregate", "check", "path"]
    first = next(iter(tree))
    raise _fail(f'unknown condition "{first}"{_suggest(str(first), known)}', where)


def _only(tree: dict[str, Any], allowed: set[str], where: tuple[PathKey, ...]) -> None:
    extra = sorted(set(tree) - allowed)
    if extra:
        raise _fail(f"unexpected key(s) {extra} next to {sorted(allowed)}", where)


def _flip(trace: list[Any], mark: int) -> None:
    for i in range(mark, len(trace)):
        path, value, ok = trace[i]
        trace[i] = (path, value, not ok)


def _mark_held(trace: list[Any], mark: int) -> None:
    """A node that held explains nothing: nothing below it is offending."""
    for i in range(mark, len(trace)):
        path, value, _ = trace[i]
        trace[i] = (path, value, True)


def _all(parts: tuple[Condition, ...]) -> Condition:
    if len(parts) == 1:
        return _settled(parts[0])
    if len(parts) == 2:
        a, b = parts

        def both(item: Any, ctx: EvalContext) -> bool:
            trace = ctx.trace
            if trace is None:
                return a(item, ctx) and b(item, ctx)
            mark = len(trace)
            held = a(item, ctx) and b(item, ctx)
            if held:
                _mark_held(trace, mark)
            return held

        return both

    def every(item: Any, ctx: EvalContext) -> bool:
        trace = ctx.trace
        if trace is None:
            for part in parts:  # noqa: SIM110 - a plain loop is faster than all(genexpr)
                if not part(item, ctx):
                    return False
            return True
        mark = len(trace)
        held = all(p(item, ctx) for p in parts)
        if held:
            _mark_held(trace, mark)
        return held

    return every


def _any(parts: tuple[Condition, ...]) -> Condition:
    if len(parts) == 1:
        return _settled(parts[0])
    if len(parts) == 2:
        a, b = parts

        def either(item: Any, ctx: EvalContext) -> bool:
            trace = ctx.trace
            if trace is None:
                return a(item, ctx) or b(item, ctx)
            mark = len(trace)
            held = a(item, ctx) or b(item, ctx)
            if held:
                _mark_held(trace, mark)
            return held

        return either

    def some(item: Any, ctx: EvalContext) -> bool:
        trace = ctx.trace
        if trace is None:
            for part in parts:  # noqa: SIM110 - a plain loop is faster than any(genexpr)
                if part(item, ctx):
                    return True
            return False
        mark = len(trace)
        held = any(p(item, ctx) for p in parts)
        if held:
            _mark_held(trace, mark)
        return held

    return some


def _settled(cond: Condition) -> Condition:
    def run(item: Any, ctx: EvalContext) -> bool:
        if ctx.trace is None:
            return cond(item, ctx)
        mark = len(ctx.trace)
        held = cond(item, ctx)
        if held:
            _mark_held(ctx.trace, mark)
        return held

    return run


def _path(text: Any, where: tuple[PathKey, ...]) -> PathSpec:
    try:
        return compile_path(text)
    except ValueError as exc:
        raise _fail(str(exc), where) from None


def _operand(value: Any, env: CompileEnv, where: tuple[PathKey, ...]) -> Any:
    if isinstance(value, dict) and set(value) == {"param"}:
        name = value["param"]
        if name not in env.params:
            raise _fail(f'unknown parameter "{name}"{_suggest(str(name), list(env.params))}', where)
        return env.params[name]
    return value


def _predicates(
    tree: dict[str, Any], env: CompileEnv, where: tuple[PathKey, ...], allowed: tuple[str, ...]
) -> list[Predicate]:
    preds: list[Predicate] = []
    for op, raw in tree.items():
        if op in ("path", "match", "where", "of", "over", "aggregate", "count", "with"):
            continue
        if op not in allowed:
            raise _fail(f'unknown operator "{op}"{_suggest(op, list(allowed))}', (*where, op))
        operand = _operand(raw, env, (*where, op))
        if op in ("category_in",) and env.taxonomy is not None:
            for name in operand if isinstance(operand, list) else []:
                if name not in env.taxonomy:
                    hint = _suggest(str(name), list(env.taxonomy.names()))
                    raise _fail(f'unknown data category "{name}"{hint}', (*where, op))
        try:
            if op in REGEX_OPERATORS:
                preds.append(REGEX_OPERATORS[op](operand, env.max_regex_length))
            else:
                preds.append(_operators(env)[op](operand))
        except (OperandError, UnsafeRegexError) as exc:
            raise _fail(str(exc), (*where, op)) from None
    return preds


def _leaf(tree: dict[str, Any], env: CompileEnv, where: tuple[PathKey, ...]) -> Condition:
    spec = _path(tree["path"], (*where, "path"))
    preds = _predicates(tree, env, where, (*_operators(env), *REGEX_OPERATORS))
    if not preds:
        raise _fail(f"condition on path {spec.text!r} has no operator", where)
    pred = preds[0] if len(preds) == 1 else (lambda v, ctx: all(p(v, ctx) for p in preds))
    match: str = tree.get("match", "all")
    if match not in MATCH_MODES:
        raise _fail(f"'match' must be one of {list(MATCH_MODES)}, got {match!r}", where)
    if not spec.is_multi:
        if match == "none":  # one value: "none of the values holds" is "it does not hold"
            held_by = pred
            pred = lambda v, ctx: not held_by(v, ctx)  # noqa: E731
        concrete = spec.concrete()
        if spec.root == "item" and len(spec.steps) == 1 and spec.steps[0][0] == KEY:
            key = spec.steps[0][1]

            def one_key(item: Any, ctx: EvalContext) -> bool:
                value = item.get(key, MISSING) if type(item) is dict else MISSING
                if ctx.trace is None:
                    return pred(value, ctx)
                held = pred(value, ctx)
                ctx.trace.append((concrete, value, held))
                return held

            return (_fused(tree, env, key, one_key) if match != "none" else None) or one_key
        get = spec.getter()

        def single(item: Any, ctx: EvalContext) -> bool:
            value = get(item, ctx)
            if ctx.trace is None:
                return pred(value, ctx)
            held = pred(value, ctx)
            ctx.trace.append((_traced(spec, concrete, ctx), value, held))
            return held

        return single

    deep = spec.root == "item" and len(spec.steps) == 1 and spec.steps[0][0] == DEEP
    deep_key = spec.steps[0][1] if deep else None

    def multi(item: Any, ctx: EvalContext) -> bool:
        if deep and ctx.trace is None and item is ctx.resource.attributes:
            # `**.key` from the resource: read the resource's key index in place (as resolve).
            index = ctx.key_index
            if index is None:
                index = ctx.key_index = key_index(item)
            hits = index.get(deep_key, ())
            if match == "all":
                for _, v in hits:  # noqa: SIM110 - a plain loop is faster than all(genexpr)
                    if not pred(v, ctx):
                        return False
                return True
            for _, v in hits:
                if pred(v, ctx):
                    return match == "any"
            return match != "any"
        pairs = spec.resolve(item, ctx)
        if ctx.trace is not None:
            oks = [pred(v, ctx) for _, v in pairs]
            # A value "fails" the leaf when it breaks all/none, or when nothing satisfies any.
            for (p, v), ok in zip(pairs, oks, strict=True):
                bad = (not ok) if match == "all" else ok if match == "none" else not any(oks)
                ctx.trace.append((_traced(spec, p, ctx), v, not bad))
        if match == "all":
            return all(pred(v, ctx) for _, v in pairs)
        if match == "any":
            return any(pred(v, ctx) for _, v in pairs)
        return not any(pred(v, ctx) for _, v in pairs)

    return multi


def _fused(tree: dict[str, Any], env: CompileEnv, key: Any, traced: Condition) -> Condition | None:
    """The commonest leaves (one key, ``equals`` a bool or string, ``exists``) in one closure.

    Same answers as ``traced`` (the general leaf), which still runs when explaining a failure.
    """
    ops = [op for op in tree if op not in ("path", "match")]
    if len(ops) != 1 or ops[0] not in ("equals", "exists"):
        return None
    op = ops[0]
    operand = _operand(tree[op], env, ())
    if op == "exists" and operand is True:

        def exists(item: Any, ctx: EvalContext) -> bool:
            if ctx.trace is not None:
                return traced(item, ctx)
            value = item.get(key, MISSING) if type(item) is dict else MISSING
            return value is not MISSING and value is not None

        return exists
    if op == "equals" and isinstance(operand, bool):

        def is_flag(item: Any, ctx: EvalContext) -> bool:
            if ctx.trace is not None:
                return traced(item, ctx)
            return (item.get(key, MISSING) if type(item) is dict else MISSING) is operand

        return is_flag
    if op == "equals" and type(operand) is str:

        def is_text(item: Any, ctx: EvalContext) -> bool:
            if ctx.trace is not None:
                return traced(item, ctx)
            value = item.get(key, MISSING) if type(item) is dict else MISSING
            return value == operand and not isinstance(value, bool)

        return is_text
    return None


def _traced(spec: PathSpec, path: tuple[PathKey, ...], ctx: EvalContext) -> tuple[PathKey, ...]:
    """Paths recorded for evidence are relative to the resource; other roots are marked."""
    if spec.root == "item":
        return path
    return (f"@{spec.root}", *path)


def _elements(spec: PathSpec, item: Any, ctx: EvalContext) -> list[tuple[tuple[PathKey, ...], Any]]:
    pairs = spec.resolve(item, ctx)
    if not spec.is_multi and len(pairs) == 1 and isinstance(pairs[0][1], list):
        base, value = pairs[0]
        return [((*base, i), v) for i, v in enumerate(value)]
    return pairs


def _quantifier(
    q: str, tree: dict[str, Any], env: CompileEnv, where: tuple[PathKey, ...]
) -> Condition:
    _only(tree, {q, "where"}, where)
    if "where" not in tree:
        raise _fail(f"'{q}' needs a 'where' condition", where)
    spec = _path(tree[q], (*where, q))
    inner = _compile(tree["where"], env, (*where, "where"))

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
        results = (inner(v, ctx) for _, v in _elements(spec, item, ctx))
        if q == "for_any":
            return any(results)
        if q == "for_all":
            return all(results)
        return not any(results)

    def holds(item: Any, ctx: EvalContext) -> bool:
        if ctx.trace is None:
            if shareable and item is ctx.resource.attributes:
                facts = ctx.facts
                try:  # the memo of this context, or a new one (resource_memo)
                    hit = facts.memo_item is item and facts.memo_ctx is ctx
                    memo = facts.memo if hit else resource_memo(ctx)
                except AttributeError:  # facts without a memo
                    memo = None
                if memo is not None:
                    found = memo.get(holds)
                    if found is None:
                        found = memo[holds] = fast(item, ctx)
                    return found
            return fast(item, ctx)
        # Explaining a failure: evaluate every element, then mark what is offending.
        mark = len(ctx.trace)
        outcomes = []
        for p, v in _elements(spec, item, ctx):
            start = len(ctx.trace)
            ok = _element_holds(inner, p, v, ctx)
            if q == "for_none":
                # An element that satisfies `where` is the offender; one that does not is fine.
                if ok:
                    _flip(ctx.trace, start)
                else:
                    _mark_held(ctx.trace, start)
            outcomes.append(ok)
        if q == "for_any":
            held = any(outcomes)
        elif q == "for_all":
            held = all(outcomes)
        else:
            held = not any(outcomes)
        if held:
            _mark_held(ctx.trace, mark)
        return held

    return holds


def resource_memo(ctx: EvalContext) -> dict[Any, bool] | None:
    """Results of shared sub-conditions on ``ctx.resource``'s attributes, for this context.

    The memo lives on the audit's Facts and is dropped as soon as it is asked for with
    another context or resource, so nothing leaks from one resource to the next. None
    when the facts object keeps no memo.
    """
    facts = ctx.facts
    try:
        if facts.memo_ctx is ctx and facts.memo_item is ctx.resource.attributes:
            kept: dict[Any, bool] | None = facts.memo
            return kept
        facts.memo_ctx = ctx
        facts.memo_item = ctx.resource.attributes
        memo: dict[Any, bool] = {}
        facts.memo = memo
    except AttributeError:
        return None
    return memo


def _element_holds(
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


def _comparison(tree: dict[str, Any], env: CompileEnv, where: tuple[PathKey, ...]) -> Predicate:
    preds = _predicates(tree, env, where, COMPARISONS)
    if len(preds) != 1:
        raise _fail(f"needs exactly one comparison of {list(COMPARISONS)}", where)
    return preds[0]


def _count(tree: dict[str, Any], env: CompileEnv, where: tuple[PathKey, ...]) -> Condition:
    spec = _path(tree["count"], (*where, "count"))
    inner = _compile(tree["where"], env, (*where, "where")) if "where" in tree else None
    compare = _comparison(tree, env, where)
    key = spec.steps[0][1] if spec.root == "item" and spec.steps and len(spec.steps) == 1 else None
    if key is not None and spec.steps[0][0] != KEY:
        key = None

    def holds(item: Any, ctx: EvalContext) -> bool:
        if key is not None and ctx.trace is None:
            # One key of the item: its list's elements, its value, or nothing (as _elements).
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
        elements = _elements(spec, item, ctx)
        trace, ctx.trace = ctx.trace, None
        try:
            n = sum(1 for _, v in elements if inner is None or inner(v, ctx))
        finally:
            ctx.trace = trace
        held = compare(n, ctx)
        if trace is not None:
            trace.append(((*spec.concrete(),) if not spec.is_multi else (spec.text,), n, held))
        return held

    return holds


def _aggregate(tree: dict[str, Any], env: CompileEnv, where: tuple[PathKey, ...]) -> Condition:
    fn = tree["aggregate"]
    if fn not in AGGREGATES:
        raise _fail(f"'aggregate' must be one of {list(AGGREGATES)}, got {fn!r}", where)
    kind = tree.get("over")
    if not isinstance(kind, str) or not kind:
        raise _fail("'aggregate' needs 'over: KIND' (e.g. over: transfer)", where)
    of = _path(tree["of"], (*where, "of")) if "of" in tree else None
    if fn != "count" and of is None:
        raise _fail(f"'aggregate: {fn}' needs 'of: PATH'", where)
    inner = _compile(tree["where"], env, (*where, "where")) if "where" in tree else None
    compare = _comparison(tree, env, where)
    uses_resource = "@resource" in repr(tree) or "@meta" in repr(tree)
    key: list[Any] = []  # filled with the compiled closure: unique per rule and parameters

    def matching(ctx: EvalContext) -> Any:
        """The resources of ``kind`` that satisfy ``where``, shared by equal filters."""
        candidates = ctx.facts.by_kind.get(kind, ())
        if inner is None:
            return candidates
        if uses_resource:
            return [res for res in candidates if inner(res.attributes, ctx)]
        cache = ctx.facts.cache
        ident = ("where", kind, inner)
        found = cache.get(ident)
        if found is None:
            found = cache[ident] = [res for res in candidates if inner(res.attributes, ctx)]
        return found

    def compute(ctx: EvalContext) -> Any:
        """The aggregate's value; MISSING for the max or min of no values (there is none)."""
        values: list[float] = []
        for res in matching(ctx):
            if of is None:
                values.append(1)
                continue
            for _, v in of.resolve(res.attributes, ctx):
                if isinstance(v, int | float) and not isinstance(v, bool):
                    values.append(v)
        if fn in ("count", "sum"):
            return sum(values)
        if not values:
            # Not 0: "max <= N" over no numbers must not pass silently. A missing value
            # fails every comparison but not_equals, as everywhere in the rule language.
            return MISSING
        return max(values) if fn == "max" else min(values)

    def holds(item: Any, ctx: EvalContext) -> bool:
        trace, ctx.trace = ctx.trace, None
        try:
            if uses_resource:
                total = compute(ctx)
            else:
                cache = ctx.facts.cache
                ident = key[0]
                if ident not in cache:
                    cache[ident] = compute(ctx)
                total = cache[ident]
        finally:
            ctx.trace = trace
        held = compare(total, ctx)
        if trace is not None:
            label = f"{fn}({kind}{'.' + of.text if of else ''})"
            trace.append((("@aggregate", label), total, held))
        return held

    key.append(holds)
    return holds


def _check(tree: dict[str, Any], env: CompileEnv, where: tuple[PathKey, ...]) -> Condition:
    _only(tree, {"check", "with", "path"}, where)
    name = tree["check"]
    if name not in env.checks:
        hint = _suggest(str(name), list(env.checks))
        raise _fail(
            f'unknown check "{name}"{hint}; is the plugin that provides it installed?', where
        )
    func = env.checks[name]
    raw_args = tree.get("with", {}) or {}
    if not isinstance(raw_args, dict):
        raise _fail("'with' must be a mapping of arguments", where)
    args = {k: _operand(v, env, (*where, "with", k)) for k, v in raw_args.items()}
    try:  # a misspelt argument is a compile error, not a TypeError on every resource
        inspect.signature(func).bind(None, None, **args)
    except TypeError as exc:
        raise _fail(f'check "{name}": {exc}', (*where, "with")) from None
    except ValueError:
        pass  # no signature to inspect (a builtin); the call will tell
    spec = _path(tree["path"], (*where, "path")) if "path" in tree else None
    get = spec.getter() if spec is not None and not spec.is_multi else None

    def holds(item: Any, ctx: EvalContext) -> bool:
        target = item
        if get is not None:
            target = get(item, ctx)
        elif spec is not None:
            target = spec.resolve(item, ctx)
        outcome = func(target, ctx, **args)
        if isinstance(outcome, bool):
            return outcome
        offending = list(outcome or ())
        if ctx.trace is not None:
            ctx.trace.extend((tuple(p), v, False) for p, v in offending)
        return not offending

    holds.check_name = name  # type: ignore[attr-defined]
    return holds


__all__ = ["MISSING", "CompileEnv", "ConditionError", "compile_condition"]
