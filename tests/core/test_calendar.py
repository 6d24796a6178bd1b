"""dsaudit.core.calendar: Civil Code periods in months and years, and PRC working days.

The working-day oracle below reads the shipped YAML with plain ``yaml.safe_load`` (YAML's own
date parsing, not the module's loader) and walks day by day.
"""

from __future__ import annotations

import pickle
from datetime import date, timedelta
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import FUZZ
from projectkit import REPO_ROOT

from dsaudit.core.calendar import (
    CalendarNotCovered,
    add_days,
    add_months,
    add_working_days,
    add_years,
    covered_years,
    is_working_day,
    month_span_days,
    working_days_between,
    year_span_days,
)

D = date.fromisoformat

# -- the oracle ------------------------------------------------------------------------------


def _read_raw() -> tuple[int, int, set[date], set[date]]:
    raw: Any = yaml.safe_load((REPO_ROOT / "dsaudit/data/prc_workdays.yaml").read_text("utf-8"))
    off: set[date] = set()
    work: set[date] = set()
    for entry in raw["years"]:
        for rng in entry["days_off"]:
            day = rng["from"]
            while day <= rng["to"]:
                off.add(day)
                day += timedelta(days=1)
        work.update(item["date"] for item in entry["make_up_working_days"])
    return raw["years"][0]["year"], raw["years"][-1]["year"], off, work


FIRST, LAST, OFF, WORK = _read_raw()


class OracleNotCovered(Exception):
    def __init__(self, year: int) -> None:
        self.year = year


def oracle_is_working(d: date) -> bool:
    if not FIRST <= d.year <= LAST:
        raise OracleNotCovered(d.year)
    return d in WORK or (d.weekday() < 5 and d not in OFF)


def oracle_add_working_days(d: date, n: int) -> date:
    step = 1 if n > 0 else -1
    left = abs(n)
    while left:
        d += timedelta(days=step)
        if oracle_is_working(d):
            left -= 1
    return d


def oracle_between(start: date, end: date) -> int:
    lo, hi, sign = (start, end, 1) if start <= end else (end, start, -1)
    count = 0
    day = lo + timedelta(days=1)
    while day <= hi:
        count += oracle_is_working(day)
        day += timedelta(days=1)
    return sign * count


def naive_add_months(d: date, n: int) -> date:
    year, month = d.year, d.month
    for _ in range(abs(n)):
        month += 1 if n > 0 else -1
        if month == 13:
            year, month = year + 1, 1
        elif month == 0:
            year, month = year - 1, 12
    if not 1 <= year <= 9999:
        raise OverflowError
    day = d.day
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


# -- add_days, add_months, add_years -----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-12-31", 1, "2027-01-01"),
        ("2027-01-01", -1, "2026-12-31"),
        ("2024-02-28", 1, "2024-02-29"),
        ("2023-02-28", 1, "2023-03-01"),
        ("2024-03-01", -1, "2024-02-29"),
        ("2024-01-01", 366, "2025-01-01"),
        ("2025-06-15", 0, "2025-06-15"),
    ],
)
def test_add_days(start: str, n: int, expected: str) -> None:
    assert add_days(D(start), n) == D(expected)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-08-31", 6, "2027-02-28"),  # no Feb 31: the month's last day (Civil Code Art. 201)
        ("2027-08-31", 6, "2028-02-29"),  # ... Feb 29 in a leap year
        ("2026-03-01", 6, "2026-09-01"),
        ("2026-08-30", 6, "2027-02-28"),
        ("2026-09-01", 6, "2027-03-01"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2023-01-31", 1, "2023-02-28"),
        ("2024-01-29", 1, "2024-02-29"),
        ("2023-01-28", 1, "2023-02-28"),
        ("2024-10-31", 1, "2024-11-30"),
        ("2024-12-31", 1, "2025-01-31"),
        ("2025-12-31", 2, "2026-02-28"),
        ("2024-12-31", 12, "2025-12-31"),
        ("2025-01-01", -1, "2024-12-01"),
        ("2025-01-31", -1, "2024-12-31"),
        ("2024-03-31", -1, "2024-02-29"),
        ("2023-03-31", -1, "2023-02-28"),
        ("2024-05-31", -3, "2024-02-29"),
        ("2024-12-31", -12, "2023-12-31"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-02-29", 48, "2028-02-29"),
        ("2024-02-29", -12, "2023-02-28"),
        ("2026-01-15", 0, "2026-01-15"),
        ("2026-01-31", -25, "2023-12-31"),
    ],
)
def test_add_months_corresponding_day_or_month_end(start: str, n: int, expected: str) -> None:
    assert add_months(D(start), n) == D(expected)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2024-02-29", 1, "2025-02-28"),
        ("2024-02-29", 4, "2028-02-29"),
        ("2024-02-29", -4, "2020-02-29"),
        ("2024-02-29", -1, "2023-02-28"),
        ("2096-02-29", 4, "2100-02-28"),  # 2100 is not a leap year
        ("2000-02-29", 100, "2100-02-28"),
        ("1600-02-29", 400, "2000-02-29"),
        ("2023-02-28", 1, "2024-02-28"),
        ("2025-12-31", 1, "2026-12-31"),
        ("2026-01-01", -1, "2025-01-01"),
        ("2026-03-01", 0, "2026-03-01"),
    ],
)
def test_add_years(start: str, n: int, expected: str) -> None:
    assert add_years(D(start), n) == D(expected)


@pytest.mark.parametrize(
    ("start", "n"), [(date(9999, 12, 31), 1), (date(1, 1, 1), -1), (date(9999, 1, 1), 12)]
)
def test_add_months_past_the_date_range_overflows(start: date, n: int) -> None:
    with pytest.raises(OverflowError, match="out of range"):
        add_months(start, n)


def test_add_months_to_the_last_representable_month() -> None:
    assert add_months(date(9999, 11, 30), 1) == date(9999, 12, 30)
    assert add_months(date(1, 2, 28), -1) == date(1, 1, 28)


@pytest.mark.parametrize(
    ("start", "days"),
    [
        ("2026-08-31", 181),  # -> 2027-02-28, the shortest six months
        ("2026-08-30", 182),  # -> 2027-02-28
        ("2026-09-01", 181),  # -> 2027-03-01
        ("2027-08-31", 182),  # -> 2028-02-29
        ("2026-03-01", 184),  # -> 2026-09-01, the longest six months
        ("2026-02-28", 181),  # -> 2026-08-28
        ("2026-07-01", 184),  # -> 2027-01-01
        ("2026-03-31", 183),  # -> 2026-09-30
    ],
)
def test_csl_six_months_last_181_to_184_days(start: str, days: int) -> None:
    assert (add_months(D(start), 6) - D(start)).days == days


@given(
    d=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    n=st.integers(min_value=-300, max_value=300),
)
@FUZZ
def test_add_months_agrees_with_the_naive_oracle(d: date, n: int) -> None:
    try:
        expected = naive_add_months(d, n)
    except OverflowError:
        with pytest.raises(OverflowError):
            add_months(d, n)
        return
    assert add_months(d, n) == expected
    try:  # whole years may leave the calendar where the months did not (year 1 - 19 years)
        years = naive_add_months(d, 12 * (n // 12))
    except OverflowError:
        with pytest.raises(OverflowError):
            add_years(d, n // 12)
        return
    assert add_years(d, n // 12) == years


# -- month_span_days, year_span_days -----------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        (0, (0, 0)),
        (1, (28, 31)),
        (2, (59, 62)),
        (6, (181, 184)),
        (12, (365, 366)),
        (24, (730, 731)),
    ],
)
def test_month_span_days(months: int, expected: tuple[int, int]) -> None:
    assert month_span_days(months) == expected


def test_year_span_days() -> None:
    assert year_span_days(1) == (365, 366)
    # four years hold at most one Feb 29, and none from Mar 1, 2096 to Mar 1, 2100
    assert year_span_days(4) == (1460, 1461)
    assert year_span_days(0) == (0, 0)


@pytest.mark.parametrize("fn", [month_span_days, year_span_days])
def test_span_of_a_negative_period_is_refused(fn: Any) -> None:
    with pytest.raises(ValueError, match="0 or more"):
        fn(-1)


def test_month_span_days_is_cached() -> None:
    month_span_days(7)
    hits = month_span_days.cache_info().hits
    assert month_span_days(7) == month_span_days(7)
    assert month_span_days.cache_info().hits == hits + 2


def _brute_span(months: int, first: date, last: date) -> tuple[int, int]:
    spans = set()
    day = first
    while day <= last:
        spans.add((naive_add_months(day, months) - day).days)
        day += timedelta(days=1)
    return min(spans), max(spans)


@pytest.mark.parametrize("months", range(1, 25))
def test_month_span_days_agrees_with_brute_force(months: int) -> None:
    """Every start day of 2096-2104: four-year leap cycles and the non-leap 2100 (all the leap
    patterns a period of up to 24 months can meet)."""
    assert month_span_days(months) == _brute_span(months, date(2096, 1, 1), date(2104, 12, 31))


@pytest.mark.slow
@pytest.mark.parametrize("months", [1, 6, 12, 48, 60, 1200])
def test_month_span_days_over_the_whole_gregorian_cycle(months: int) -> None:
    assert month_span_days(months) == _brute_span(months, date(2000, 1, 1), date(2399, 12, 31))


# -- working days: known facts -----------------------------------------------------------------


def test_covered_years() -> None:
    assert covered_years() == (2020, 2026)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2020-01-19", True),  # Sunday, Spring Festival make-up day
        ("2020-01-31", False),  # Friday, Spring Festival extended (国办发明电〔2020〕1号)
        ("2020-02-01", False),  # Saturday: its make-up working day was cancelled by the extension
        ("2020-02-03", True),  # Monday, work resumed
        ("2020-10-08", False),  # Thursday, National Day and Mid-Autumn
        ("2020-10-10", True),  # Saturday, make-up
        ("2021-02-11", False),  # Thursday, Spring Festival eve
        ("2021-02-20", True),  # Saturday, make-up
        ("2021-09-18", True),  # Saturday, Mid-Autumn make-up
        ("2021-09-20", False),  # Monday, Mid-Autumn
        ("2022-01-29", True),  # Saturday, make-up
        ("2022-01-30", True),  # Sunday, make-up
        ("2022-01-31", False),  # Monday, Spring Festival
        ("2022-10-07", False),  # Friday, National Day
        ("2022-10-08", True),  # Saturday, make-up
        ("2022-10-09", True),  # Sunday, make-up
        ("2023-01-02", False),  # Monday, New Year's Day (from 2022-12-31)
        ("2023-01-28", True),  # Saturday, make-up
        ("2023-04-05", False),  # Wednesday, Qingming, one day
        ("2023-04-06", True),  # Thursday
        ("2023-10-06", False),  # Friday, Mid-Autumn and National Day
        ("2023-10-07", True),  # Saturday, make-up
        ("2024-02-09", True),  # Friday, New Year's Eve: only "encouraged" off
        ("2024-02-16", False),  # Friday, Spring Festival
        ("2024-02-18", True),  # Sunday, make-up
        ("2024-09-14", True),  # Saturday, Mid-Autumn make-up
        ("2024-09-29", True),  # Sunday, National Day make-up
        ("2024-10-07", False),  # Monday, National Day
        ("2024-10-12", True),  # Saturday, make-up
        ("2025-01-28", False),  # Tuesday, New Year's Eve, off from 2025 (amended regulation)
        ("2025-02-04", False),  # Tuesday, Spring Festival
        ("2025-02-08", True),  # Saturday, make-up
        ("2025-04-27", True),  # Sunday, Labour Day make-up
        ("2025-05-05", False),  # Monday, Labour Day
        ("2025-10-08", False),  # Wednesday, National Day and Mid-Autumn
        ("2025-10-11", True),  # Saturday, make-up
        ("2026-01-02", False),  # Friday, New Year's Day
        ("2026-01-04", True),  # Sunday, make-up
        ("2026-02-14", True),  # Saturday, make-up
        ("2026-02-23", False),  # Monday, Spring Festival (nine days)
        ("2026-02-24", True),  # Tuesday
        ("2026-02-28", True),  # Saturday, make-up
        ("2026-09-20", True),  # Sunday, National Day make-up
        ("2026-10-07", False),  # Wednesday, National Day
        ("2026-10-10", True),  # Saturday, make-up
        ("2026-10-11", False),  # plain Sunday
        ("2026-12-04", True),  # plain Friday
    ],
)
def test_known_days(day: str, working: bool) -> None:
    assert is_working_day(D(day)) is working


@pytest.mark.parametrize("day", ["2019-12-31", "2027-01-01", "1990-06-01", "2100-01-04"])
def test_an_uncovered_year_fails_loudly(day: str) -> None:
    year = D(day).year
    with pytest.raises(CalendarNotCovered) as caught:
        is_working_day(D(day))
    assert str(caught.value) == (
        f"the PRC working-day calendar covers 2020-2026; {year} is not covered "
        "(its State Council holiday notice is not shipped)"
    )
    assert caught.value.year == year
    assert isinstance(caught.value, ValueError)


def test_the_coverage_error_survives_pickling() -> None:
    """Rules may run in worker processes (``--jobs``): the error must cross back intact."""
    error = pickle.loads(pickle.dumps(CalendarNotCovered(2027, 2020, 2026)))
    assert (error.year, error.first, error.last) == (2027, 2020, 2026)
    assert "2027 is not covered" in str(error)


# -- working days: deadlines worked out by hand -----------------------------------------------


def test_10_working_days_across_national_day_2026() -> None:
    # From Mon 2026-09-28 (not counted): Tue 29 (1), Wed 30 (2), Oct 1-7 off, Thu 8 (3), Fri 9 (4),
    # Sat 10 make-up (5), Sun 11 off, Mon 12 (6), Tue 13 (7), Wed 14 (8), Thu 15 (9), Fri 16 (10).
    assert add_working_days(D("2026-09-28"), 10) == D("2026-10-16")


def test_30_working_days_across_spring_festival_2026() -> None:
    # From Fri 2026-02-06: Sat 7/Sun 8 off; Mon 9-Fri 13 (1-5); Sat 14 make-up (6); 15-23 off;
    # Tue 24-Fri 27 (7-10); Sat 28 make-up (11); Sun Mar 1 off; Mar 2-6 (12-16); Mar 9-13
    # (17-21); Mar 16-20 (22-26); Mon 23 (27), Tue 24 (28), Wed 25 (29), Thu 26 (30).
    assert add_working_days(D("2026-02-06"), 30) == D("2026-03-26")


def test_60_working_days_across_mid_autumn_and_national_day_2024() -> None:
    # From Mon 2024-09-02: Sep 3-6 (1-4); 9-13 (5-9); Sat 14 make-up (10); 15-17 off; Wed 18-Fri 20
    # (11-13); 23-27 (14-18); Sun 29 make-up (19); Mon 30 (20); Oct 1-7 off; Tue 8-Fri 11 (21-24);
    # Sat 12 make-up (25); Oct 14-18 (26-30); 21-25 (31-35); Oct 28-Nov 1 (36-40); Nov 4-8
    # (41-45); 11-15 (46-50); 18-22 (51-55); 25-29 (56-60).
    assert add_working_days(D("2024-09-02"), 60) == D("2024-11-29")


@pytest.mark.parametrize(
    ("end", "count"), [("2026-10-15", 9), ("2026-10-16", 10), ("2026-10-19", 11)]
)
def test_the_boundary_exactly_10_working_days_after(end: str, count: int) -> None:
    assert working_days_between(D("2026-09-28"), D(end)) == count
    assert working_days_between(D(end), D("2026-09-28")) == -count


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-10-16", -10, "2026-09-28"),  # exactly back: the start is a working day
        ("2026-10-16", -9, "2026-09-29"),
        ("2026-10-16", -11, "2026-09-24"),  # Fri Sep 25 is Mid-Autumn (Sep 25-27 off)
        ("2026-10-08", -1, "2026-09-30"),  # Oct 1-7 off
        ("2026-10-08", -3, "2026-09-28"),
        ("2026-10-12", -1, "2026-10-10"),  # the make-up Saturday
        ("2026-02-24", -1, "2026-02-14"),  # back over the nine Spring Festival days
    ],
)
def test_working_days_back(start: str, n: int, expected: str) -> None:
    assert add_working_days(D(start), n) == D(expected)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2024-12-30", 3, "2025-01-03"),  # Tue 31 (1), Jan 1 off, Thu 2 (2), Fri 3 (3)
        ("2025-12-31", 1, "2026-01-04"),  # Jan 1-3 off, Sun Jan 4 make-up
        ("2026-01-05", -1, "2026-01-04"),
        ("2026-01-05", -2, "2025-12-31"),
        ("2022-12-30", 1, "2023-01-03"),  # 2022-12-31..2023-01-02 off
        ("2023-01-03", -1, "2022-12-30"),
        ("2020-12-31", 1, "2021-01-04"),  # 2021-01-01..03 off
    ],
)
def test_walks_across_a_year_end(start: str, n: int, expected: str) -> None:
    assert add_working_days(D(start), n) == D(expected)


def test_zero_working_days_is_the_day_itself() -> None:
    assert add_working_days(D("2026-10-03"), 0) == D("2026-10-03")
    assert working_days_between(D("2026-10-03"), D("2026-10-03")) == 0


@pytest.mark.parametrize(
    ("start", "n", "year"),
    [
        ("2026-12-30", 2, 2027),  # Thu 31 (1), then 2027-01-01 is needed
        ("2026-12-31", 1, 2027),
        ("2026-06-01", 200, 2027),
        ("2020-01-02", -1, 2019),  # 2020-01-01 off, then 2019-12-31 is needed
        ("2020-01-01", -1, 2019),
        ("2020-03-02", -100, 2019),
        ("2019-12-30", 1, 2019),  # the walk starts on 2019-12-31
        ("2027-01-02", -1, 2027),  # the walk starts on 2027-01-01
        ("2030-05-05", 3, 2030),
    ],
)
def test_a_walk_that_needs_an_uncovered_year_fails(start: str, n: int, year: int) -> None:
    with pytest.raises(CalendarNotCovered) as caught:
        add_working_days(D(start), n)
    assert caught.value.year == year


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-12-30", 1, "2026-12-31"),  # just inside
        ("2020-01-03", -1, "2020-01-02"),
        ("2019-12-31", 1, "2020-01-02"),  # d itself is not counted: only 2020 is walked
        ("2027-01-01", -1, "2026-12-31"),
    ],
)
def test_a_walk_that_stays_inside_succeeds(start: str, n: int, expected: str) -> None:
    assert add_working_days(D(start), n) == D(expected)


@pytest.mark.parametrize(
    ("start", "end"),
    [("2019-12-30", "2020-01-10"), ("2026-12-01", "2027-01-01"), ("2027-01-05", "2026-12-01")],
)
def test_counting_across_an_uncovered_year_fails(start: str, end: str) -> None:
    with pytest.raises(CalendarNotCovered):
        working_days_between(D(start), D(end))


def test_counting_from_the_eve_of_coverage() -> None:
    # (2019-12-31, 2020-01-10]: Jan 1 off; Thu 2, Fri 3, Mon 6-Fri 10 = 7
    assert working_days_between(D("2019-12-31"), D("2020-01-10")) == 7


def test_working_days_in_2026() -> None:
    # 2026 starts on a Thursday: 52 weeks and a Thursday, 261 weekdays. Weekdays off: Jan 1-2;
    # Feb 16-20 and 23; Apr 6; May 1, 4, 5; Jun 19; Sep 25; Oct 1, 2, 5, 6, 7 (19). Make-up
    # weekend days: Jan 4, Feb 14, Feb 28, May 9, Sep 20, Oct 10 (6). 261 - 19 + 6 = 248.
    assert working_days_between(D("2025-12-31"), D("2026-12-31")) == 248


# -- working days: properties against the oracle ----------------------------------------------

covered = st.dates(min_value=date(2019, 12, 1), max_value=date(2027, 1, 31))
steps = st.integers(min_value=-400, max_value=400)


@given(d=covered, n=steps)
@FUZZ
def test_add_working_days_agrees_with_the_oracle(d: date, n: int) -> None:
    try:
        expected = oracle_add_working_days(d, n)
    except OracleNotCovered as missing:
        with pytest.raises(CalendarNotCovered) as caught:
            add_working_days(d, n)
        assert caught.value.year == missing.year
        return
    assert add_working_days(d, n) == expected


@given(d=covered, n=steps)
@FUZZ
def test_there_and_back_again(d: date, n: int) -> None:
    """Back ``n`` from the ``n``-th working day after ``d`` is ``d`` when ``d`` is a working day,
    else the last working day before it (the first after it when ``n < 0``)."""
    try:
        there = oracle_add_working_days(d, n)
        back = oracle_add_working_days(there, -n)
        start_works = oracle_is_working(d)
        nearest = d if start_works else oracle_add_working_days(d, -1 if n > 0 else 1)
    except OracleNotCovered:
        return
    assert add_working_days(add_working_days(d, n), -n) == back
    if n != 0:
        assert back == nearest


@given(d=covered, n=steps)
@FUZZ
def test_working_days_between_inverts_add_working_days(d: date, n: int) -> None:
    try:
        there = oracle_add_working_days(d, n)
        start_works = oracle_is_working(d) if n < 0 else True
    except OracleNotCovered:
        return
    assert add_working_days(d, n) == there
    counted = working_days_between(d, there)
    # (d, there] holds the n days walked; going back, (there, d] holds d itself, not there.
    assert counted == (n if n >= 0 else n + 1 - start_works)
    if n < 0 and start_works:
        assert counted == n


@given(start=covered, end=covered)
@FUZZ
def test_working_days_between_agrees_with_the_oracle(start: date, end: date) -> None:
    try:
        expected = oracle_between(start, end)
    except OracleNotCovered:
        with pytest.raises(CalendarNotCovered):
            working_days_between(start, end)
        return
    assert working_days_between(start, end) == expected


def test_is_working_day_agrees_with_the_oracle_on_every_covered_day() -> None:
    day = date(FIRST, 1, 1)
    while day.year <= LAST:
        assert is_working_day(day) is oracle_is_working(day), day
        day += timedelta(days=1)
