"""Operands read from the record: another path, a date plus or minus a period.

An operator's operand is a literal or ``{param: NAME}``, fixed when the rule compiles, or one
of these, read for each record::

    {path: P}                                       # the value at P (same roots as any path)
    {path: P, plus: {years: 3}}                     # a date at P, three calendar years on
    {path: P, minus: {working_days: 10}}            # ten PRC working days before it
    {date: as_of, minus: {months: 6}}               # six calendar months before the audit date
    {date: "2026-01-01", plus: {days: {param: n}}}  # a literal date, n days on

``plus``/``minus`` take ``days``, ``months``, ``years`` and ``working_days`` (whole numbers or
``{param: NAME}``), applied in that order: years, months, days, working days. Months and years
are calendar periods (Civil Code Arts. 200-202: the corresponding day, or the month's last day);
working days follow the State Council's holiday notices shipped with dsaudit, and a period that
reaches a year they do not cover is an error result, never a guess.

An operand that is missing (no value at P, or not a date where arithmetic needs one) makes the
comparison false: a requirement cannot be judged against a fact that was not recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dsaudit.core.calendar import add_days, add_months, add_working_days, add_years
from dsaudit.core.models import EvalContext, PathKey
from dsaudit.language.conditions.env import CompileEnv, fail, only, operand, path_spec
from dsaudit.language.operators import OperandError, Predicate, to_date
from dsaudit.language.paths import MISSING

UNITS = ("years", "months", "days", "working_days")
"""The units of ``plus``/``minus``, in the order they are applied."""

_SHIFT: dict[str, Callable[[dt.date, int], dt.date]] = {
    "years": add_years,
    "months": add_months,
    "days": add_days,
    "working_days": add_working_days,
}
NOT_DYNAMIC = frozenset({"regex", "not_regex", "category_in", "sensitive", "personal"})
"""Operators whose operand must be fixed when the rule compiles."""

_CACHE_LIMIT = 256


def is_dynamic(raw: Any) -> bool:
    """Whether an operand is read per record (``{path: ...}`` or ``{date: ...}``)."""
    return isinstance(raw, dict) and ("path" in raw or "date" in raw)


@dataclass(frozen=True, slots=True)
class Dynamic:
    """A compiled per-record operand."""

    op: str
    factory: Callable[[Any], Predicate]
    get: Callable[[Any, EvalContext], Any] | None
    """Reads the operand's path; None for ``date:``."""
    base: dt.date | str | None
    """``date:``: a literal date or ``"as_of"``."""
    shift: tuple[tuple[str, int], ...]
    text: str

    def value(self, item: Any, ctx: EvalContext) -> Any:
        """The operand for this record (MISSING when it cannot be read)."""
        if self.get is not None:
            raw = self.get(item, ctx)
        else:
            raw = ctx.facts.as_of if self.base == "as_of" else self.base
        if not self.shift or raw is MISSING:
            return raw
        date = to_date(raw)
        if date is None:
            return MISSING
        for unit, n in self.shift:
            date = _SHIFT[unit](date, n)
        return date

    def predicate(self, item: Any, ctx: EvalContext, cache: dict[Any, Predicate]) -> Predicate:
        """The operator applied to this record's operand; never true on a missing one."""
        value = self.value(item, ctx)
        if value is MISSING or value is None:
            return _never
        try:
            key = (type(value), value)
            found = cache.get(key)
        except TypeError:  # a list or mapping: not cached
            key, found = None, None
        if found is None:
            try:
                found = self.factory(value)
            except (OperandError, ValueError):
                found = _never  # a recorded value the operator cannot compare with
            if key is not None and len(cache) < _CACHE_LIMIT:
                cache[key] = found
        return found


def _never(value: Any, ctx: EvalContext) -> bool:
    return False


def compile_dynamic(
    op: str,
    raw: dict[str, Any],
    factory: Callable[[Any], Predicate],
    env: CompileEnv,
    where: tuple[PathKey, ...],
) -> Dynamic:
    if op in NOT_DYNAMIC:
        raise fail(f"'{op}' needs a fixed operand, not one read from the record", where)
    if "path" in raw and "date" in raw:
        raise fail("an operand reads either 'path' or 'date', not both", where)
    only(raw, {"path", "date", "plus", "minus"}, where)
    if "plus" in raw and "minus" in raw:
        raise fail("an operand takes 'plus' or 'minus', not both", where)
    spec = base = None
    if "path" in raw:
        spec = path_spec(raw["path"], (*where, "path"))
        if spec.is_multi:
            raise fail(f"an operand path must name one value, got {spec.text!r}", where)
        text = spec.text if spec.root == "item" else f"@{spec.root}.{spec.text}"
    else:
        base = _base(raw["date"], (*where, "date"))
        text = base if isinstance(base, str) else base.isoformat()
    sign = "minus" if "minus" in raw else "plus"
    shift = _shift(raw.get(sign), sign, env, (*where, sign)) if sign in raw else ()
    if sign == "minus":
        shift = tuple((unit, -n) for unit, n in shift)
    if shift:
        text += f" {sign} " + ", ".join(f"{abs(n)} {unit}" for unit, n in shift)
    get = spec.getter() if spec is not None else None
    return Dynamic(op, factory, get, base, shift, text)


def _base(value: Any, where: tuple[PathKey, ...]) -> dt.date | str:
    if value == "as_of":
        return "as_of"
    date = to_date(value)
    if date is None or (isinstance(value, str) and len(value) != 10):
        raise fail(f"'date' must be an ISO date or as_of, got {value!r}", where)
    return date


def _shift(
    raw: Any, sign: str, env: CompileEnv, where: tuple[PathKey, ...]
) -> tuple[tuple[str, int], ...]:
    if not isinstance(raw, dict) or not raw:
        raise fail(f"'{sign}' needs a mapping such as {{months: 6}} (units: {list(UNITS)})", where)
    only(raw, set(UNITS), where)
    out = []
    for unit in UNITS:
        if unit not in raw:
            continue
        n = operand(raw[unit], env, (*where, unit))
        if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= 100_000:
            raise fail(f"'{unit}' needs a whole number from 0, got {n!r}", (*where, unit))
        out.append((unit, n))
    return tuple(out)
