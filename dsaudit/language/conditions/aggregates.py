"""``aggregate``: a count, sum, max or min over every resource of a kind (organization-wide).

``period`` keeps only the records placed in a span relative to the audit date
(:mod:`.periods`); ``distinct`` lets recorded distinct yearly totals stand in for a sum
(:mod:`.distinct`); ``as: NAME`` makes the value, its period and how it was reached available
to the rule's message as ``{NAME}``, ``{NAME_period}`` and ``{NAME_basis}``.
"""

from __future__ import annotations

from typing import Any

from dsaudit.core.models import Condition, EvalContext, PathKey
from dsaudit.language.canonical import canonical
from dsaudit.language.conditions.collections import reads_the_resource
from dsaudit.language.conditions.distinct import Distinct, Total, compile_distinct
from dsaudit.language.conditions.env import (
    AGGREGATES,
    EXPORT_NAME,
    CompileEnv,
    Sub,
    fail,
    path_spec,
)
from dsaudit.language.conditions.leaves import comparison
from dsaudit.language.conditions.periods import Period, compile_period
from dsaudit.language.operators import COMPARISONS
from dsaudit.language.paths import MISSING, PathSpec

EXPORT_SUFFIXES = ("", "_period", "_basis")
"""The placeholders one ``as: NAME`` provides."""


def aggregate(
    tree: dict[str, Any], env: CompileEnv, where: tuple[PathKey, ...], sub: Sub
) -> Condition:
    """``aggregate: FN, over: KIND, [of: PATH], [where: COND], [period], [distinct], [as]``."""
    fn = tree["aggregate"]
    if fn not in AGGREGATES:
        raise fail(f"'aggregate' must be one of {list(AGGREGATES)}, got {fn!r}", where)
    kind = tree.get("over")
    if not isinstance(kind, str) or not kind:
        raise fail("'aggregate' needs 'over: KIND' (e.g. over: transfer)", where)
    of = path_spec(tree["of"], (*where, "of")) if "of" in tree else None
    if fn != "count" and of is None:
        raise fail(f"'aggregate: {fn}' needs 'of: PATH'", where)
    inner = sub(tree["where"], env, (*where, "where")) if "where" in tree else None
    period = compile_period(tree["period"], (*where, "period")) if "period" in tree else None
    distinct = _distinct(tree, fn, period, where)
    compare = comparison(tree, env, where)
    uses_resource = reads_the_resource(tree)
    ident: list[Any] = []  # the audit-wide cache key, set below

    def matching(ctx: EvalContext) -> Any:
        """The resources of ``kind`` that satisfy ``where``, shared by equal filters."""
        candidates = ctx.facts.by_kind.get(kind, ())
        if inner is None:
            return candidates
        if uses_resource:
            return [res for res in candidates if inner(res.attributes, ctx)]
        cache = ctx.facts.cache
        key = ("where", kind, inner)
        found = cache.get(key)
        if found is None:
            found = cache[key] = [res for res in candidates if inner(res.attributes, ctx)]
        return found

    def compute(ctx: EvalContext) -> Total:
        placed: list[tuple[Any, int | None]]
        if period is None:
            placed = [(res, None) for res in matching(ctx)]
        else:
            span = period.span(ctx.facts.as_of)
            years = ((res, period.year_of(res.attributes, ctx, span)) for res in matching(ctx))
            placed = [(res, year) for res, year in years if year is not None]
        if distinct is not None and period is not None:
            return _distinct_sum(placed, of, distinct, period, ctx)
        values: list[float] = []
        counted = 0
        for res, _ in placed:
            numbers = [1] if of is None else _numbers(of, res.attributes, ctx)
            counted += bool(numbers)
            values.extend(numbers)
        if fn in ("count", "sum"):
            return Total(sum(values), len(placed), counted)
        if not values:
            # Not 0: "max <= N" over no numbers must not pass silently. A missing value
            # fails every comparison but not_equals, as everywhere in the rule language.
            return Total(MISSING, len(placed), 0)
        return Total(max(values) if fn == "max" else min(values), len(placed), counted)

    def total(ctx: EvalContext) -> Total:
        trace, ctx.trace = ctx.trace, None
        try:
            if uses_resource:
                return compute(ctx)
            cache = ctx.facts.cache
            found = cache.get(ident[0])
            if found is None:
                found = cache[ident[0]] = compute(ctx)
            return found  # type: ignore[no-any-return]
        finally:
            ctx.trace = trace

    label = f"{fn}({kind}{'.' + of.text if of else ''})"

    def holds(item: Any, ctx: EvalContext) -> bool:
        value = total(ctx).value
        held = compare(value, ctx)
        if ctx.trace is not None:
            shown = label if period is None else f"{label} {period.text(ctx.facts.as_of)}"
            ctx.trace.append((("@aggregate", shown), value, held))
        return held

    # Equal aggregates share one value per audit, whatever they are compared with and
    # whatever name ``as`` gives them.
    form = canonical(
        {k: v for k, v in tree.items() if k != "as" and k not in COMPARISONS}, env.params
    )
    ident.append(holds if form is None else ("aggregate", form))
    if "as" in tree:
        _export(tree["as"], env, where, fn, kind, period, total, ident[0])
    return holds


def _distinct(
    tree: dict[str, Any], fn: str, period: Period | None, where: tuple[PathKey, ...]
) -> Distinct | None:
    if "distinct" not in tree:
        return None
    if fn != "sum":
        raise fail("'distinct' applies to 'aggregate: sum'", (*where, "distinct"))
    if period is None or not period.whole_years:
        raise fail(
            "'distinct' needs a 'period' that starts on 1 January (calendar_year, or from: "
            "year_start): distinct totals are recorded per calendar year",
            (*where, "distinct"),
        )
    return compile_distinct(tree["distinct"], (*where, "distinct"))


def _numbers(of: PathSpec, attributes: Any, ctx: EvalContext) -> list[float]:
    return [
        v
        for _, v in of.resolve(attributes, ctx)
        if isinstance(v, int | float) and not isinstance(v, bool)
    ]


def _distinct_sum(
    placed: list[tuple[Any, int | None]],
    of: PathSpec | None,
    distinct: Distinct,
    period: Period,
    ctx: EvalContext,
) -> Total:
    """The sum with recorded distinct totals standing in for the records they cover."""
    assert of is not None  # 'sum' always has 'of'
    entries = distinct.entries(ctx)
    start, end = period.span(ctx.facts.as_of)
    whole = tuple(y for y in range(start.year, end.year + 1) if (y, None) in entries)
    value: float = sum(entries[(y, None)] for y in whole)
    groups: set[tuple[int, str]] = set()
    summed = 0
    for res, year in placed:
        if year is None or year in whole:
            continue
        numbers = _numbers(of, res.attributes, ctx)
        if not numbers:
            continue
        group = res.attributes.get(distinct.group) if distinct.group else None
        if isinstance(group, str) and (year, group) in entries:
            groups.add((year, group))
            continue
        value += sum(numbers)
        summed += 1
    value += sum(entries[(year, group)] for year, group in groups)
    return Total(value, len(placed), summed, len(whole) + len(groups), whole)


def _export(
    name: Any,
    env: CompileEnv,
    where: tuple[PathKey, ...],
    fn: str,
    kind: str,
    period: Period | None,
    total: Any,
    form: Any,
) -> None:
    if not isinstance(name, str) or not EXPORT_NAME.match(name):
        raise fail(
            f"'as' must be a lower-case placeholder name such as year_total, got {name!r}",
            (*where, "as"),
        )
    taken = set(env.params)
    clash = [name + s for s in EXPORT_SUFFIXES if name + s in taken]
    if clash:
        raise fail(f"'as: {name}' clashes with the parameter {clash[0]}", (*where, "as"))
    if env.exports is None:
        return
    if name in env.exports and env.exports[name][0] != form:
        raise fail(f"'as: {name}' names two different aggregates in this rule", (*where, "as"))

    def values(ctx: EvalContext) -> dict[str, str]:
        found: Total = total(ctx)
        shown_period = period.text(ctx.facts.as_of) if period else None
        return {
            name: "none" if found.value is MISSING else _number_text(found.value),
            f"{name}_period": shown_period or "all records",
            f"{name}_basis": found.basis(fn, kind, shown_period),
        }

    env.exports[name] = (form, values, tuple(name + s for s in EXPORT_SUFFIXES))


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
