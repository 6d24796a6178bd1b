"""Built-in named check for the time between two dates in one record.

- ``elapsed_within``: the time from the value at ``start`` to the value at ``end`` is at most
  ``hours`` (or ``days``). Used for reporting deadlines (``incidents[].detected_at`` ->
  ``reported_at`` within 1, 2 or 4 hours) and filing deadlines (``mlps_graded_at`` ->
  ``mlps_filing.filed_at`` within 30 days).

Values are ISO 8601 dates or date-times (``2026-03-01``, ``2026-03-01T09:30``,
``2026-03-01 09:30:00+08:00``, ``...Z``). A date alone means midnight. A date-time without an
offset is read as China Standard Time (UTC+08:00), the time zone of the reporting rules.

The check fails (returns the offending value) when:

- ``start`` is missing or not a date (the deadline cannot be judged);
- ``end`` is missing, unless ``open_end`` is true: then the deadline is measured up to the
  audit date (midnight of ``--as-of``), so an overdue, never-made report fails and one still in
  its window passes;
- ``end`` is before ``start`` (an inconsistent record);
- more than the allowed time elapsed (the limit exactly elapsed passes).

``open_end`` must be ``true`` or ``false``: a quoted ``"false"`` is refused (an error result),
not read as true.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from dsaudit.core.models import EvalContext, PathKey
from dsaudit.language.paths import MISSING, compile_path
from dsaudit.plugin.hookspecs import hookimpl

CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8), "CST")
"""The offset assumed for date-times written without one."""


def parse_instant(value: Any) -> dt.datetime | None:
    """An aware datetime from an ISO date or date-time; None when ``value`` is not one."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str) and len(value.strip()) >= 10:
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=CHINA_STANDARD_TIME)
    return parsed


def _limit(hours: Any, days: Any) -> dt.timedelta:
    if (hours is None) == (days is None):
        raise ValueError("elapsed_within needs exactly one of 'hours' or 'days'")
    amount = hours if hours is not None else days
    if isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0:
        raise ValueError(f"elapsed_within needs a non-negative number, got {amount!r}")
    return dt.timedelta(hours=amount) if hours is not None else dt.timedelta(days=amount)


def _split(path: str) -> tuple[PathKey, ...]:
    return tuple(path.split("."))


def elapsed_within(
    item: Any,
    ctx: EvalContext,
    start: str,
    end: str,
    hours: float | None = None,
    days: float | None = None,
    open_end: bool = False,
) -> list[tuple[tuple[PathKey, ...], Any]]:
    """Offending ``(path, value)`` pairs: an ``end`` too long after ``start`` (or unjudgeable)."""
    limit = _limit(hours, days)
    if not isinstance(open_end, bool):  # "false" (quoted in YAML) is truthy: never guess
        raise ValueError(f"elapsed_within needs open_end true or false, got {open_end!r}")
    start_raw = compile_path(start).get(item, ctx)
    end_raw = compile_path(end).get(item, ctx)
    began = parse_instant(start_raw) if start_raw is not MISSING else None
    if began is None:
        return [(_split(start), start_raw)]
    if end_raw is MISSING or end_raw is None:
        if not open_end:
            return [(_split(end), MISSING)]
        audit_day = dt.datetime.combine(ctx.facts.as_of, dt.time(), tzinfo=CHINA_STANDARD_TIME)
        return [(_split(end), MISSING)] if audit_day - began > limit else []
    finished = parse_instant(end_raw)
    if finished is None or finished < began or finished - began > limit:
        return [(_split(end), end_raw)]
    return []


@hookimpl(trylast=True)
def dsaudit_register_checks(register: Callable[[str, Callable[..., Any]], None]) -> None:
    register("elapsed_within", elapsed_within)
