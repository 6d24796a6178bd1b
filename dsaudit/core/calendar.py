"""Exact date arithmetic for legal periods, and the PRC working-day calendar.

Calendar periods follow the Civil Code (Arts. 200-202): a period in months or years ends on the
*corresponding day* of the month it reaches, and on that month's last day when it has no such
day (Aug 31 + 6 months = Feb 28/29; Feb 29 + 1 year = Feb 28). Periods in working days use the
State Council's holiday arrangements shipped in ``dsaudit/data/prc_workdays.yaml`` (loaded once,
on first use, by :mod:`dsaudit.core.workdays`): a working day is a Monday to Friday that is not
a statutory day off, or a weekend day designated a make-up working day (调休上班). A year the
data does not cover is never treated as a plain week: asking about it raises
:class:`CalendarNotCovered`. See docs/calendar.md.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from datetime import date, timedelta

from dsaudit.core.workdays import WorkdayData, packaged_workdays

__all__ = [
    "CalendarNotCovered",
    "add_days",
    "add_months",
    "add_working_days",
    "add_years",
    "covered_years",
    "is_working_day",
    "month_span_days",
    "working_days_between",
    "year_span_days",
]

_GREGORIAN_CYCLE_YEARS = 400
"""The leap-year pattern (and so every month length) repeats every 400 years."""


class CalendarNotCovered(ValueError):
    """A working-day question about a year whose State Council holiday notice is not shipped."""

    def __init__(self, year: int, first: int, last: int) -> None:
        self.year = year
        self.first = first
        self.last = last
        super().__init__(
            f"the PRC working-day calendar covers {first}-{last}; {year} is not covered "
            "(its State Council holiday notice is not shipped)"
        )

    def __reduce__(self) -> tuple[type[CalendarNotCovered], tuple[int, int, int]]:
        """Rebuilt from its three numbers, so it crosses a worker-process boundary intact."""
        return type(self), (self.year, self.first, self.last)


# -- calendar periods (Civil Code Arts. 200-202) -------------------------------------------


def add_days(d: date, n: int) -> date:
    """The day ``n`` days after ``d`` (before it for ``n < 0``)."""
    return d + timedelta(days=n)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _month_length(year: int, month: int) -> int:
    if month == 2:
        return 29 if _is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _shift_month(year: int, month: int, n: int) -> tuple[int, int]:
    years, month0 = divmod(month - 1 + n, 12)
    return year + years, month0 + 1


def add_months(d: date, n: int) -> date:
    """The corresponding day of the month ``n`` months after ``d`` (before it for ``n < 0``).

    When that month has no such day, its last day (Civil Code Art. 201): Aug 31 + 6 months is
    Feb 28, or Feb 29 in a leap year; Mar 31 - 1 month is Feb 28/29. Raises ``OverflowError``
    past the years ``datetime.date`` can hold (1-9999), as ``date + timedelta`` does.
    """
    year, month = _shift_month(d.year, d.month, n)
    if not 1 <= year <= 9999:
        raise OverflowError(f"date value out of range: {d.isoformat()} + {n} months")
    return date(year, month, min(d.day, _month_length(year, month)))


def add_years(d: date, n: int) -> date:
    """The corresponding day ``n`` years after ``d``: ``add_months(d, 12 * n)``, so Feb 29 + 1
    year is Feb 28."""
    return add_months(d, 12 * n)


def _ordinal(year: int, month: int, day: int) -> int:
    """Proleptic Gregorian day number, like ``date.toordinal`` but for any year."""
    y = year - 1
    days = y * 365 + y // 4 - y // 100 + y // 400
    days += sum(_month_length(year, m) for m in range(1, month))
    return days + day


@functools.cache
def month_span_days(months: int) -> tuple[int, int]:
    """The fewest and most days that a period of ``months`` calendar months can last.

    ``(add_months(d, months) - d).days`` over every start day ``d`` of the 400-year Gregorian
    cycle: 1 -> (28, 31), 6 -> (181, 184), 12 -> (365, 366). For one start month the span is
    largest from its 1st and smallest from its last day (later days can only be cut to the
    end month's last day), so those two days per month are enough.
    """
    if months < 0:
        raise ValueError(f"month_span_days: months must be 0 or more, not {months}")
    low = high = None
    for year in range(2000, 2000 + _GREGORIAN_CYCLE_YEARS):
        for month in range(1, 13):
            end_year, end_month = _shift_month(year, month, months)
            end_length = _month_length(end_year, end_month)
            for day in (1, _month_length(year, month)):
                span = _ordinal(end_year, end_month, min(day, end_length))
                span -= _ordinal(year, month, day)
                low = span if low is None else min(low, span)
                high = span if high is None else max(high, span)
    assert low is not None and high is not None
    return low, high


def year_span_days(years: int) -> tuple[int, int]:
    """The fewest and most days a period of ``years`` years can last: 1 -> (365, 366)."""
    if years < 0:
        raise ValueError(f"year_span_days: years must be 0 or more, not {years}")
    return month_span_days(12 * years)


# -- working days ----------------------------------------------------------------------------


@functools.cache
def _working_ordinals() -> tuple[WorkdayData, tuple[int, ...]]:
    """The packaged data and the sorted day numbers of every working day it covers."""
    data = packaged_workdays()
    day = date(data.first_year, 1, 1)
    end = date(data.last_year, 12, 31)
    ordinals: list[int] = []
    while day <= end:
        if day in data.make_up_days or (day.weekday() < 5 and day not in data.days_off):
            ordinals.append(day.toordinal())
        day += timedelta(days=1)
    return data, tuple(ordinals)


def covered_years() -> tuple[int, int]:
    """The first and last year the shipped calendar covers."""
    data = packaged_workdays()
    return data.first_year, data.last_year


def _require_covered(day: date, data: WorkdayData) -> None:
    if not data.first_year <= day.year <= data.last_year:
        raise CalendarNotCovered(day.year, data.first_year, data.last_year)


def is_working_day(d: date) -> bool:
    """Whether ``d`` is a PRC working day; :class:`CalendarNotCovered` for a year not shipped."""
    data = packaged_workdays()
    _require_covered(d, data)
    if d in data.make_up_days:
        return True
    return d.weekday() < 5 and d not in data.days_off


def add_working_days(d: date, n: int) -> date:
    """The ``n``-th working day after ``d`` (``d`` itself is not counted, Civil Code Art. 201);
    for ``n < 0`` the ``|n|``-th working day before ``d``; ``d`` for ``n == 0``.

    Raises :class:`CalendarNotCovered` as soon as the day-by-day walk would need a day in a year
    the calendar does not cover (the walk starts at the day after ``d``, or before it).
    """
    if n == 0:
        return d
    data, ordinals = _working_ordinals()
    if n > 0:
        first = d + timedelta(days=1) if d < date.max else d
        _require_covered(first, data)
        index = bisect_right(ordinals, d.toordinal()) + n - 1
        if index >= len(ordinals):
            raise CalendarNotCovered(data.last_year + 1, data.first_year, data.last_year)
    else:
        first = d - timedelta(days=1) if d > date.min else d
        _require_covered(first, data)
        index = bisect_left(ordinals, d.toordinal()) + n
        if index < 0:
            raise CalendarNotCovered(data.first_year - 1, data.first_year, data.last_year)
    return date.fromordinal(ordinals[index])


def working_days_between(start: date, end: date) -> int:
    """The number of working days in ``(start, end]``; negative (minus those in ``(end, start]``)
    when ``end`` is before ``start``. :class:`CalendarNotCovered` if a day counted is outside
    the calendar."""
    if start == end:
        return 0
    if end < start:
        return -working_days_between(end, start)
    data, ordinals = _working_ordinals()
    _require_covered(start + timedelta(days=1), data)
    _require_covered(end, data)
    return bisect_right(ordinals, end.toordinal()) - bisect_right(ordinals, start.toordinal())
