"""Durations as the law counts them: days are days, months and years are calendar periods.

``180``, ``"180d"``, ``"26w"``, ``"4320h"`` are exact numbers of days. ``"6 months"`` and
``"1y"`` are calendar periods (Civil Code Arts. 200-202): six months from a given day end on
the corresponding day six months on, so they last 181 to 184 days depending on the start.

Two durations in the same calendar unit compare directly (``"12 months"`` equals ``"1y"``);
days compare with days. When one side is in days and the other in months, the comparison holds
only if it holds for **every** start date, because a rule such as "logs are kept six months"
is a promise about each log: 184 days keeps every log six months, 181 does not, 183 does not
(from 1 March, six months is 184 days). So ``{days_gte: "6 months"}`` needs at least 184 days;
``{days_lte: "6 months"}`` (at most six months) holds up to 181.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from dsaudit.core.calendar import month_span_days

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")
_DAY_UNITS = {
    "": 1.0, "d": 1.0, "day": 1.0, "days": 1.0,
    "w": 7.0, "week": 7.0, "weeks": 7.0,
    "h": 1 / 24, "hour": 1 / 24, "hours": 1 / 24,
}  # fmt: skip
_MONTH_UNITS = {
    "m": 1, "mo": 1, "month": 1, "months": 1,
    "y": 12, "year": 12, "years": 12,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Duration:
    """Exactly ``days`` days, or ``months`` calendar months (one of the two is used)."""

    days: float = 0.0
    months: float = 0.0

    @property
    def calendar(self) -> bool:
        return self.months != 0

    def span(self) -> tuple[float, float]:
        """The fewest and most days this duration can last."""
        if not self.calendar:
            return self.days, self.days
        whole = math.floor(self.months)
        shortest, longest = month_span_days(whole)
        part = self.months - whole  # a fraction of a month: of 28 to 31 days
        return shortest + part * 28, longest + part * 31


def to_duration(value: Any) -> Duration | None:
    """Read ``180``, ``"180d"``, ``"26w"``, ``"6 months"``, ``"1y"``, ``"4320h"``; else None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Duration(days=float(value)) if value >= 0 else None
    if isinstance(value, str):
        m = _DURATION.match(value)
        if m:
            amount, unit = float(m.group(1)), m.group(2).lower()
            if unit in _DAY_UNITS:
                return Duration(days=amount * _DAY_UNITS[unit])
            if unit in _MONTH_UNITS:
                return Duration(months=amount * _MONTH_UNITS[unit])
    return None


def at_least(a: Duration, b: Duration) -> bool:
    """``a >= b`` from every start date."""
    if a.calendar == b.calendar or a.months == 0 == a.days or b.months == 0 == b.days:
        return _size(a) >= _size(b)
    return a.span()[0] >= b.span()[1]


def at_most(a: Duration, b: Duration) -> bool:
    """``a <= b`` from every start date."""
    if a.calendar == b.calendar or a.months == 0 == a.days or b.months == 0 == b.days:
        return _size(a) <= _size(b)
    return a.span()[1] <= b.span()[0]


def shorter(a: Duration, b: Duration) -> bool:
    """``a < b`` from every start date."""
    if a.calendar == b.calendar or a.months == 0 == a.days or b.months == 0 == b.days:
        return _size(a) < _size(b)
    return a.span()[1] < b.span()[0]


def _size(d: Duration) -> float:
    return d.months if d.calendar else d.days
