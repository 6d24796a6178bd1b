"""Leaves: a path with operators, and a named check supplied by a plugin."""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any

from dsaudit.core.models import Condition, EvalContext, PathKey
from dsaudit.core.regexguard import UnsafeRegexError
from dsaudit.language.canonical import canonical
from dsaudit.language.conditions.env import (
    EXPORT_NAME,
    MATCH_MODES,
    CompileEnv,
    fail,
    only,
    operand,
    operators_of,
    path_spec,
    suggest,
)
from dsaudit.language.conditions.operands import Dynamic, compile_dynamic, is_dynamic
from dsaudit.language.operators import (
    COMPARISONS,
    OPERAND_TEXT,
    REGEX_OPERATORS,
    OperandError,
    Predicate,
)
from dsaudit.language.paths import DEEP, KEY, MISSING, PathSpec, key_index

_STRUCTURE = frozenset(
    {
        "path",
        "match",
        "where",
        "of",
        "over",
        "aggregate",
        "count",
        "with",
        "period",
        "distinct",
        "as",
    }
)
"""Keys of a node that are not operators."""


def predicates(
    tree: dict[str, Any], env: CompileEnv, where: tuple[PathKey, ...], allowed: tuple[str, ...]
) -> list[Predicate]:
    preds: list[Predicate] = []
    for op, raw in tree.items():
        if op in _STRUCTURE:
            continue
        if op not in allowed:
            raise fail(f'unknown operator "{op}"{suggest(op, list(allowed))}', (*where, op))
        value = operand(raw, env, (*where, op))
        if op in ("category_in",) and env.taxonomy is not None:
            for name in value if isinstance(value, list) else []:
                if not isinstance(name, str):
                    raise fail(f"'{op}' needs a list of category names, got {name!r}", (*where, op))
                if name not in env.taxonomy:
                    hint = suggest(str(name), list(env.taxonomy.names()))
                    raise fail(f'unknown data category "{name}"{hint}', (*where, op))
        try:
            if op in REGEX_OPERATORS:
                preds.append(REGEX_OPERATORS[op](value, env.max_regex_length))
            else:
                preds.append(operators_of(env)[op](value))
        except (OperandError, UnsafeRegexError) as exc:
            raise fail(str(exc), (*where, op)) from None
    return preds


def comparison(tree: dict[str, Any], env: CompileEnv, where: tuple[PathKey, ...]) -> Predicate:
    preds = predicates(tree, env, where, COMPARISONS)
    if len(preds) != 1:
        raise fail(f"needs exactly one comparison of {list(COMPARISONS)}", where)
    return preds[0]


def leaf(tree: dict[str, Any], env: CompileEnv, where: tuple[PathKey, ...]) -> Condition:
    spec = path_spec(tree["path"], (*where, "path"))
    known = (*operators_of(env), *REGEX_OPERATORS)
    dynamic = [op for op, raw in tree.items() if op not in _STRUCTURE and is_dynamic(raw)]
    fixed = {k: v for k, v in tree.items() if k not in dynamic}
    preds = predicates(fixed, env, where, known)
    if not preds and not dynamic:
        raise fail(f"condition on path {spec.text!r} has no operator", where)
    match: str = tree.get("match", "all")
    if match not in MATCH_MODES:
        raise fail(f"'match' must be one of {list(MATCH_MODES)}, got {match!r}", where)
    if dynamic:
        parts = []
        for op in dynamic:
            if op not in known:
                raise fail(f'unknown operator "{op}"{suggest(op, list(known))}', (*where, op))
            parts.append(compile_dynamic(op, tree[op], operators_of(env)[op], env, (*where, op)))
        if "as" in tree:
            export_operand(tree, parts, env, where)
        return read_operands(spec, preds, parts, match)
    if "as" in tree:
        raise fail(_AS_NEEDS, (*where, "as"))
    pred = preds[0] if len(preds) == 1 else (lambda v, ctx: all(p(v, ctx) for p in preds))
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

            return (fused(tree, env, key, one_key) if match != "none" else None) or one_key
        get = spec.getter()

        def single(item: Any, ctx: EvalContext) -> bool:
            value = get(item, ctx)
            if ctx.trace is None:
                return pred(value, ctx)
            held = pred(value, ctx)
            ctx.trace.append((traced(spec, concrete, ctx), value, held))
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
                ctx.trace.append((traced(spec, p, ctx), v, not bad))
        if match == "all":
            return all(pred(v, ctx) for _, v in pairs)
        if match == "any":
            return any(pred(v, ctx) for _, v in pairs)
        return not any(pred(v, ctx) for _, v in pairs)

    return multi


def fused(tree: dict[str, Any], env: CompileEnv, key: Any, general: Condition) -> Condition | None:
    """The commonest leaves (one key, ``equals`` a bool or string, ``exists``) in one closure.

    Same answers as ``general`` (the general leaf), which still runs when explaining a failure.
    """
    ops = [op for op in tree if op not in ("path", "match")]
    if len(ops) != 1 or ops[0] not in ("equals", "exists"):
        return None
    op = ops[0]
    want = operand(tree[op], env, ())
    if op == "exists" and want is True:

        def exists(item: Any, ctx: EvalContext) -> bool:
            if ctx.trace is not None:
                return general(item, ctx)
            value = item.get(key, MISSING) if type(item) is dict else MISSING
            return value is not MISSING and value is not None

        return exists
    if op == "equals" and isinstance(want, bool):

        def is_flag(item: Any, ctx: EvalContext) -> bool:
            if ctx.trace is not None:
                return general(item, ctx)
            return (item.get(key, MISSING) if type(item) is dict else MISSING) is want

        return is_flag
    if op == "equals" and type(want) is str:

        def is_text(item: Any, ctx: EvalContext) -> bool:
            if ctx.trace is not None:
                return general(item, ctx)
            value = item.get(key, MISSING) if type(item) is dict else MISSING
            return value == want and not isinstance(value, bool)

        return is_text
    return None


def traced(spec: PathSpec, path: tuple[PathKey, ...], ctx: EvalContext) -> tuple[PathKey, ...]:
    """Paths recorded for evidence are relative to the resource; other roots are marked."""
    if spec.root == "item":
        return path
    return (f"@{spec.root}", *path)


def check(tree: dict[str, Any], env: CompileEnv, where: tuple[PathKey, ...]) -> Condition:
    only(tree, {"check", "with", "path"}, where)
    name = tree["check"]
    if name not in env.checks:
        hint = suggest(str(name), list(env.checks))
        raise fail(
            f'unknown check "{name}"{hint}; is the plugin that provides it installed?', where
        )
    func = env.checks[name]
    raw_args = tree.get("with", {}) or {}
    if not isinstance(raw_args, dict):
        raise fail("'with' must be a mapping of arguments", where)
    args = {k: operand(v, env, (*where, "with", k)) for k, v in raw_args.items()}
    try:  # a misspelt argument is a compile error, not a TypeError on every resource
        inspect.signature(func).bind(None, None, **args)
    except TypeError as exc:
        raise fail(f'check "{name}": {exc}', (*where, "with")) from None
    except ValueError:
        pass  # no signature to inspect (a builtin); the call will tell
    spec = path_spec(tree["path"], (*where, "path")) if "path" in tree else None
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


_AS_NEEDS = (
    "'as' on a condition on a path needs one operand read from the record by an operator "
    f"whose operand a message can show ({sorted(OPERAND_TEXT)})"
)


def export_operand(
    tree: dict[str, Any], parts: list[Dynamic], env: CompileEnv, where: tuple[PathKey, ...]
) -> None:
    """``as: NAME`` on a leaf: ``{NAME}`` in the message shows the operand read from the record.

    Only for operators that say how their operand reads (``OPERAND_TEXT``): an arbitrary
    recorded value could be personal information, which messages must not show unmasked.
    The operand is read from the resource checked (not from an element inside a quantifier).
    """
    name = tree["as"]
    shown = [d for d in parts if d.op in OPERAND_TEXT]
    if len(parts) != 1 or not shown:
        raise fail(_AS_NEEDS, (*where, "as"))
    if not isinstance(name, str) or not EXPORT_NAME.match(name):
        raise fail(
            f"'as' must be a lower-case placeholder name such as necessary, got {name!r}",
            (*where, "as"),
        )
    if name in env.params:
        raise fail(f"'as: {name}' clashes with the parameter {name}", (*where, "as"))
    if env.exports is None:
        return
    form = canonical(tree, env.params)
    if name in env.exports and env.exports[name][0] != form:
        raise fail(f"'as: {name}' names two different operands in this rule", (*where, "as"))
    part = shown[0]
    describe = OPERAND_TEXT[part.op]

    def values(ctx: EvalContext) -> dict[str, str]:
        raw = part.value(ctx.resource.attributes, ctx)
        return {name: "not recorded" if raw is MISSING or raw is None else describe(raw)}

    env.exports[name] = (form, values, (name,))


def read_operands(
    spec: PathSpec, fixed: list[Predicate], parts: list[Dynamic], match: str
) -> Condition:
    """A leaf with operands read from the record: the predicates are made per record."""
    caches: list[dict[Any, Predicate]] = [{} for _ in parts]
    get = None if spec.is_multi else spec.getter()
    concrete = None if spec.is_multi else spec.concrete()

    def holds(item: Any, ctx: EvalContext) -> bool:
        preds = [*fixed, *(d.predicate(item, ctx, c) for d, c in zip(parts, caches, strict=True))]
        if get is not None:
            assert concrete is not None
            pairs: list[tuple[tuple[PathKey, ...], Any]] = [(concrete, get(item, ctx))]
        else:
            pairs = spec.resolve(item, ctx)
        oks = [all(p(v, ctx) for p in preds) for _, v in pairs]
        if match == "all":
            held = all(oks)
        elif match == "any":
            held = any(oks)
        else:
            held = not any(oks)
        if ctx.trace is not None:
            for (p, v), ok in zip(pairs, oks, strict=True):
                bad = (not ok) if match == "all" else ok if match == "none" else not any(oks)
                ctx.trace.append((traced(spec, p, ctx), v, not bad))
            for d in parts:  # what the value was compared with, as evidence
                shown = d.value(item, ctx)
                if isinstance(shown, dt.date):
                    shown = shown.isoformat()
                ctx.trace.append((("@operand", d.text), shown, held))
        return held

    return holds
