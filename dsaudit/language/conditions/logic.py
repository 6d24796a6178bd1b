"""The logical nodes ``all``, ``any`` and ``not``, and how they mark a trace."""

from __future__ import annotations

from typing import Any

from dsaudit.core.models import Condition, EvalContext


def flip(trace: list[Any], mark: int) -> None:
    for i in range(mark, len(trace)):
        path, value, ok = trace[i]
        trace[i] = (path, value, not ok)


def mark_held(trace: list[Any], mark: int) -> None:
    """A node that held explains nothing: nothing below it is offending."""
    for i in range(mark, len(trace)):
        path, value, _ = trace[i]
        trace[i] = (path, value, True)


def all_of(parts: tuple[Condition, ...]) -> Condition:
    if len(parts) == 1:
        return settled(parts[0])
    if len(parts) == 2:
        a, b = parts

        def both(item: Any, ctx: EvalContext) -> bool:
            trace = ctx.trace
            if trace is None:
                return a(item, ctx) and b(item, ctx)
            mark = len(trace)
            held = a(item, ctx) and b(item, ctx)
            if held:
                mark_held(trace, mark)
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
            mark_held(trace, mark)
        return held

    return every


def any_of(parts: tuple[Condition, ...]) -> Condition:
    if len(parts) == 1:
        return settled(parts[0])
    if len(parts) == 2:
        a, b = parts

        def either(item: Any, ctx: EvalContext) -> bool:
            trace = ctx.trace
            if trace is None:
                return a(item, ctx) or b(item, ctx)
            mark = len(trace)
            held = a(item, ctx) or b(item, ctx)
            if held:
                mark_held(trace, mark)
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
            mark_held(trace, mark)
        return held

    return some


def settled(cond: Condition) -> Condition:
    def run(item: Any, ctx: EvalContext) -> bool:
        if ctx.trace is None:
            return cond(item, ctx)
        mark = len(ctx.trace)
        held = cond(item, ctx)
        if held:
            mark_held(ctx.trace, mark)
        return held

    return run


def negation(inner: Condition) -> Condition:
    """``not``: under a trace, what held below is now offending and the reverse."""

    def negate(item: Any, ctx: EvalContext) -> bool:
        if ctx.trace is None:
            return not inner(item, ctx)
        mark = len(ctx.trace)
        held = inner(item, ctx)
        flip(ctx.trace, mark)
        if not held:
            mark_held(ctx.trace, mark)
        return not held

    return negate
