"""Periods for ``aggregate``: which records count, by a date or year they carry.

A period is relative to the audit date (``as_of``) and is fixed when the audit starts, so the
records it selects are computed once per audit like the rest of an aggregate::

    period: {calendar_year: as_of, by: year}          # 1 January of the audit year .. as_of
    period: {last_days: 30, by: reported_at}                 # as_of - 30 days .. as_of
    period: {last_months: 12, by: started_at}                # as_of - 12 calendar months .. as_of
    period: {from: {year_start: -1}, to: as_of, by: year}    # 1 January of the previous year ..
    period: {from: "2026-01-01", to: "2026-06-30", by: date} # an explicit range

Both ends are included. A record is placed by the value at ``by``: a date (an ISO string or a
date) falls in the period when it lies between the two ends; a year (an integer, or a string of
four digits) when any day of that year does. A record with neither is *undated*: left out, or
counted with ``undated: include`` (for a field whose absence means "the audit year").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dsaudit.core.calendar import add_days, add_months
from dsaudit.core.models import EvalContext, PathKey
from dsaudit.language.conditions.env import ConditionError, fail, only, path_spec
from dsaudit.language.operators import to_date
from dsaudit.language.paths import MISSING, PathSpec

Bound = Callable[[dt.date], dt.date]
"""The audit date -> one end of the period."""

_FORMS = ("calendar_year", "last_days", "last_months", "from")


@dataclass(frozen=True, slots=True)
class Period:
    """A compiled ``period``: two ends relative to the audit date and the field that places."""

    start: Bound
    end: Bound
    by: PathSpec
    undated: bool
    """Whether a record without a date or year at ``by`` counts."""
    whole_years: bool
    """The period starts on 1 January (distinct yearly totals can stand in for its sums)."""

    def span(self, as_of: dt.date) -> tuple[dt.date, dt.date]:
        return self.start(as_of), self.end(as_of)

    def text(self, as_of: dt.date) -> str:
        start, end = self.span(as_of)
        return f"{start.isoformat()} to {end.isoformat()}"

    def year_of(
        self, attributes: Any, ctx: EvalContext, span: tuple[dt.date, dt.date]
    ) -> int | None:
        """The calendar year a record counts in (undated records: the audit year), or None
        when it is outside ``span`` (this period's :meth:`span` on the audit date)."""
        start, end = span
        value = (
            self.by.get(attributes, ctx)
            if not self.by.is_multi
            else _first(attributes, self.by, ctx)
        )
        year = _year(value)
        if year is not None:
            return year if start.year <= year <= end.year else None
        date = to_date(value) if value is not MISSING else None
        if date is not None:
            return date.year if start <= date <= end else None
        as_of: dt.date = ctx.facts.as_of
        if self.undated and start <= as_of <= end:
            return as_of.year
        return None


def _first(attributes: Any, spec: PathSpec, ctx: EvalContext) -> Any:
    pairs = spec.resolve(attributes, ctx)
    return pairs[0][1] if pairs else MISSING


def _year(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value) if 1 <= value <= 9999 else None
    if isinstance(value, str) and len(value) == 4 and value.isascii() and value.isdigit():
        return int(value)
    return None


def compile_period(tree: Any, where: tuple[PathKey, ...]) -> Period:
    """Compile the value of an aggregate's ``period`` key."""
    if not isinstance(tree, dict):
        raise fail("'period' must be a mapping such as {calendar_year: as_of, by: PATH}", where)
    forms = [f for f in _FORMS if f in tree]
    if len(forms) != 1:
        raise fail(f"'period' needs exactly one of {list(_FORMS)}", where)
    form = forms[0]
    allowed = {form, "by", "undated"} | ({"to"} if form == "from" else set())
    only(tree, allowed, where)
    if "by" not in tree:
        raise fail("'period' needs 'by: PATH', the date or year that places a record", where)
    by = path_spec(tree["by"], (*where, "by"))
    undated = tree.get("undated", "exclude")
    if undated not in ("exclude", "include"):
        raise fail(
            f"'undated' must be 'exclude' or 'include', got {undated!r}", (*where, "undated")
        )
    start, end, whole = _ends(form, tree, where)
    return Period(start, end, by, undated == "include", whole)


def _ends(form: str, tree: dict[str, Any], where: tuple[PathKey, ...]) -> tuple[Bound, Bound, bool]:
    here = (*where, form)
    if form == "calendar_year":
        if tree[form] != "as_of":
            raise fail("'calendar_year' takes 'as_of' (the calendar year of the audit date)", here)
        return _year_start(0), _as_of, True
    if form in ("last_days", "last_months"):
        n = tree[form]
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise fail(f"'{form}' needs a whole number of at least 1, got {n!r}", here)
        if form == "last_days":
            return (lambda as_of: add_days(as_of, -n)), _as_of, False
        return (lambda as_of: add_months(as_of, -n)), _as_of, False
    start, whole = _bound(tree["from"], here)
    if "to" not in tree:
        raise fail("'from' needs 'to' (an ISO date or as_of)", where)
    end, _ = _bound(tree["to"], (*where, "to"))
    return start, end, whole


def _bound(value: Any, where: tuple[PathKey, ...]) -> tuple[Bound, bool]:
    if value == "as_of":
        return _as_of, False
    if value == "year_start":
        return _year_start(0), True
    if isinstance(value, dict) and set(value) == {"year_start"}:
        shift = value["year_start"]
        if not isinstance(shift, int) or isinstance(shift, bool) or not -100 <= shift <= 0:
            raise fail(f"'year_start' takes 0 or a negative number of years, got {shift!r}", where)
        return _year_start(shift), True
    date = to_date(value)
    if date is None or (isinstance(value, str) and len(value) != 10):
        raise ConditionError(
            f"a period end must be an ISO date, 'as_of', 'year_start' or {{year_start: -N}}, "
            f"got {value!r}",
            where,
        )
    return (lambda as_of: date), date.month == 1 and date.day == 1


def _as_of(as_of: dt.date) -> dt.date:
    return as_of


def _year_start(shift: int) -> Bound:
    return lambda as_of: dt.date(as_of.year + shift, 1, 1)
