"""Aggregates over a period, and distinct totals instead of sums (issue 15 §1, §2).

Every boundary is tested on both sides: 31 December and 1 January, a date exactly N days or
months back, the 99,999th, 100,000th and 100,001st individual. A property test compares
period sums and distinct sums with a plain-Python oracle.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsaudit.core.models import EvalContext, Resource
from dsaudit.engine.evaluation import Facts, index_resources
from dsaudit.language.conditions import CompileEnv, ConditionError, compile_condition

AS_OF = dt.date(2026, 6, 1)
XB_PERIOD = {"calendar_year": "as_of", "by": "year", "undated": "include"}
DISTINCT = {"totals": "@org.export_totals", "of": "individuals", "group": "distinct_group"}


def total(
    tree: dict[str, Any],
    records: list[dict[str, Any]],
    *,
    as_of: dt.date = AS_OF,
    org: dict[str, Any] | None = None,
) -> tuple[Any, dict[str, str]]:
    """The aggregate's value (read back through ``as``) and its message placeholders."""
    exports: dict[str, Any] = {}
    cond = compile_condition({**tree, "as": "t", "gte": 0}, CompileEnv(exports=exports))
    subject = Resource("organization", "org", org or {})
    others = [Resource("transfer", f"t{i}", r) for i, r in enumerate(records)]
    facts = Facts(as_of, None, index_resources([subject, *others]), org or {})
    ctx = EvalContext(subject, org or {}, {}, facts)
    cond({}, ctx)
    _, values, _ = exports["t"]
    shown = values(ctx)
    value = shown["t"]
    return (int(value) if value.lstrip("-").isdigit() else value), shown


def sum_over(period: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"aggregate": "sum", "over": "transfer", "of": "n", "period": period, **extra}


# --- §1: the period of the audit date ---------------------------------------------------------


def test_the_issue_example_last_years_transfer_is_not_counted() -> None:
    """As of 2026-06-01, 600,000 in 2025 and 500,000 in 2026: the 2026 total is 500,000."""
    records = [{"n": 600_000, "year": 2025}, {"n": 500_000, "year": 2026}]
    value, shown = total(sum_over(XB_PERIOD), records)
    assert value == 500_000
    assert shown["t_period"] == "2026-01-01 to 2026-06-01"
    assert shown["t_basis"] == "from 1 transfer in 2026-01-01 to 2026-06-01"


def test_small_exports_of_two_years_do_not_add_up() -> None:
    records = [{"n": 95_000, "year": 2025}, {"n": 10_000, "year": 2026}]
    assert total(sum_over(XB_PERIOD), records)[0] == 10_000


@pytest.mark.parametrize(
    ("date", "counted"),
    [
        ("2025-12-31", False),  # the last day of the previous year
        ("2026-01-01", True),  # 1 January of the audit year
        ("2026-06-01", True),  # the audit date itself
        ("2026-06-02", False),  # after the audit date
        ("2026-05-31T23:59:59+08:00", True),  # a date-time counts by its calendar day
    ],
)
def test_calendar_year_by_a_date(date: str, counted: bool) -> None:
    period = {"calendar_year": "as_of", "by": "started_at"}
    assert total(sum_over(period), [{"n": 7, "started_at": date}])[0] == (7 if counted else 0)


@pytest.mark.parametrize(
    ("year", "counted"), [(2025, False), (2026, True), (2027, False), ("2026", True)]
)
def test_calendar_year_by_a_year(year: Any, counted: bool) -> None:
    period = {"calendar_year": "as_of", "by": "year"}
    assert total(sum_over(period), [{"n": 7, "year": year}])[0] == (7 if counted else 0)


@pytest.mark.parametrize(
    ("undated", "expected"), [("include", 12), ("exclude", 5), (None, 5)], ids=str
)
def test_undated_records(undated: str | None, expected: int) -> None:
    period: dict[str, Any] = {"calendar_year": "as_of", "by": "year"}
    if undated:
        period["undated"] = undated
    records = [{"n": 5, "year": 2026}, {"n": 7}, {"n": 100, "year": "last year"}]
    assert total(sum_over(period), records[:2])[0] == expected
    # A value that is neither a date nor a year is undated too.
    assert total(sum_over(period), [records[2]])[0] == (100 if undated == "include" else 0)


@pytest.mark.parametrize(
    ("days_back", "counted"), [(29, True), (30, True), (31, False), (0, True), (-1, False)]
)
def test_last_days_includes_the_day_exactly_n_days_back(days_back: int, counted: bool) -> None:
    date = (AS_OF - dt.timedelta(days=days_back)).isoformat()
    period = {"last_days": 30, "by": "reported_at"}
    assert total(sum_over(period), [{"n": 1, "reported_at": date}])[0] == int(counted)


@pytest.mark.parametrize(
    ("as_of", "date", "counted"),
    [
        (dt.date(2026, 8, 31), "2026-02-28", True),  # no 31 February: the month's last day
        (dt.date(2026, 8, 31), "2026-02-27", False),
        (dt.date(2026, 6, 1), "2025-12-01", True),  # exactly six calendar months back
        (dt.date(2026, 6, 1), "2025-11-30", False),
    ],
)
def test_last_months_counts_calendar_months(as_of: dt.date, date: str, counted: bool) -> None:
    period = {"last_months": 6, "by": "d"}
    assert total(sum_over(period), [{"n": 1, "d": date}], as_of=as_of)[0] == int(counted)


def test_from_the_previous_year_start_and_explicit_ranges() -> None:
    records = [
        {"n": 1, "y": 2024},
        {"n": 10, "y": 2025},
        {"n": 100, "y": 2026},
        {"n": 1000, "d": "2025-12-31"},
    ]
    since_last_year = {"from": {"year_start": -1}, "to": "as_of", "by": "y"}
    assert total(sum_over(since_last_year), records[:3])[0] == 110
    explicit = {"from": "2025-07-01", "to": "2025-12-31", "by": "d"}
    assert total(sum_over(explicit), records)[0] == 1000
    # A year overlaps a range when any of its days does.
    assert total(sum_over({**explicit, "by": "y"}), records[:3])[0] == 10


def test_count_max_and_min_respect_the_period() -> None:
    records = [{"n": 3, "y": 2025}, {"n": 9, "y": 2026}, {"n": 4, "y": 2026}]
    period = {"calendar_year": "as_of", "by": "y"}
    count = {"aggregate": "count", "over": "transfer", "period": period}
    assert total(count, records)[0] == 2
    assert total({**sum_over(period), "aggregate": "max"}, records)[0] == 9
    assert total({**sum_over(period), "aggregate": "min"}, records)[0] == 4
    assert total({**sum_over(period), "aggregate": "max"}, records[:1])[0] == "none"


# --- §2: distinct individuals ------------------------------------------------------------------


def test_two_transfers_of_the_same_customers_count_once_with_a_distinct_total() -> None:
    records = [{"n": 60_000, "year": 2026}, {"n": 60_000, "year": 2026}]
    tree = sum_over(XB_PERIOD, distinct=DISTINCT)
    summed, shown = total(tree, records)
    assert summed == 120_000
    assert "an upper bound" in shown["t_basis"] and "2 transfers" in shown["t_basis"]
    org = {"export_totals": [{"year": 2026, "individuals": 60_000}]}
    value, shown = total(tree, records, org=org)
    assert (value, shown["t_basis"]) == (60_000, "the distinct count recorded for 2026")


def test_a_total_for_another_year_does_not_stand_in() -> None:
    records = [{"n": 60_000, "year": 2026}, {"n": 50_000, "year": 2026}]
    org = {"export_totals": [{"year": 2025, "individuals": 1}]}
    assert total(sum_over(XB_PERIOD, distinct=DISTINCT), records, org=org)[0] == 110_000


def test_group_totals_replace_their_members_and_the_rest_is_summed() -> None:
    records = [
        {"n": 60_000, "distinct_group": "crm"},
        {"n": 60_000, "distinct_group": "crm"},
        {"n": 5_000, "distinct_group": "hr"},  # no total recorded for hr: its own figure
        {"n": 1_000},
    ]
    org = {"export_totals": [{"year": 2026, "group": "crm", "individuals": 70_000}]}
    value, shown = total(sum_over(XB_PERIOD, distinct=DISTINCT), records, org=org)
    assert value == 76_000
    assert shown["t_basis"].startswith("summed over 1 recorded distinct count and 2 transfers")


@pytest.mark.parametrize(("distinct", "held"), [(99_999, False), (100_000, True), (100_001, True)])
def test_the_distinct_figure_decides_at_the_band_boundary(distinct: int, held: bool) -> None:
    tree = sum_over(XB_PERIOD, distinct=DISTINCT, gte=100_000)
    records = [{"n": 80_000}, {"n": 80_000}]
    org = {"export_totals": [{"year": 2026, "individuals": distinct}]}
    cond = compile_condition(tree, CompileEnv())
    others = [Resource("transfer", f"t{i}", r) for i, r in enumerate(records)]
    subject = Resource("organization", "org", org)
    ctx = EvalContext(subject, org, {}, Facts(AS_OF, None, index_resources(others), org))
    assert cond({}, ctx) is held


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        (sum_over({"calendar_year": "as_of"}), "needs 'by: PATH'"),
        (sum_over({"calendar_year": "2026", "by": "y"}), "takes 'as_of'"),
        (sum_over({"last_days": 0, "by": "y"}), "at least 1"),
        (sum_over({"last_days": 3, "last_months": 1, "by": "y"}), "exactly one of"),
        (sum_over({"from": "2026-01-01", "by": "y"}), "needs 'to'"),
        (sum_over({"from": "1 Jan", "to": "as_of", "by": "y"}), "ISO date"),
        (sum_over({"from": {"year_start": 1}, "to": "as_of", "by": "y"}), "negative"),
        (sum_over({**XB_PERIOD, "undated": "maybe"}), "'undated' must be"),
        (sum_over({**XB_PERIOD, "per": "x"}), "unexpected key"),
        (sum_over({"last_days": 30, "by": "d"}, distinct=DISTINCT), "starts on 1 January"),
        ({**sum_over(XB_PERIOD, distinct=DISTINCT), "aggregate": "max"}, "applies to"),
        (sum_over(XB_PERIOD, distinct={**DISTINCT, "totals": "export_totals"}), "@org"),
        (sum_over(XB_PERIOD, distinct={"totals": "@org.x"}), "needs 'of'"),
        (sum_over(XB_PERIOD, distinct={**DISTINCT, "of": "a.b"}), "one key"),
    ],
)
def test_malformed_periods_and_distinct_refuse_to_compile(
    tree: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConditionError, match=message):
        compile_condition({**tree, "gte": 1}, CompileEnv())


@pytest.mark.parametrize(
    ("name", "message"), [("Total", "lower-case"), ("n", "clashes with the parameter n")]
)
def test_as_names_are_checked(name: str, message: str) -> None:
    tree = {**sum_over(XB_PERIOD), "as": name, "gte": 1}
    with pytest.raises(ConditionError, match=message):
        compile_condition(tree, CompileEnv(params={"n": 1}, exports={}))


# --- property tests against a plain-Python oracle --------------------------------------------

RECORD = st.fixed_dictionaries(
    {"n": st.integers(0, 10**6)},
    optional={
        "d": st.dates(dt.date(2023, 1, 1), dt.date(2027, 12, 31)).map(dt.date.isoformat),
        "y": st.integers(2023, 2027),
        "distinct_group": st.sampled_from(["a", "b"]),
    },
)


@settings(max_examples=150, deadline=None)
@given(
    records=st.lists(RECORD, max_size=12),
    as_of=st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
    days=st.integers(1, 800),
)
def test_period_sums_agree_with_the_oracle(
    records: list[dict[str, Any]], as_of: dt.date, days: int
) -> None:
    by_date = total(sum_over({"last_days": days, "by": "d"}), records, as_of=as_of)[0]
    start = as_of - dt.timedelta(days=days)
    oracle = sum(
        r["n"] for r in records if "d" in r and start <= dt.date.fromisoformat(r["d"]) <= as_of
    )
    assert by_date == oracle
    by_year = total(sum_over({"calendar_year": "as_of", "by": "y"}), records, as_of=as_of)[0]
    assert by_year == sum(r["n"] for r in records if r.get("y") == as_of.year)


@settings(max_examples=150, deadline=None)
@given(
    records=st.lists(RECORD, max_size=12),
    totals=st.dictionaries(st.sampled_from([None, "a", "b"]), st.integers(0, 10**6), max_size=3),
)
def test_distinct_sums_agree_with_the_oracle(
    records: list[dict[str, Any]], totals: dict[str | None, int]
) -> None:
    entries = [
        {"year": AS_OF.year, "individuals": v, **({"group": g} if g else {})}
        for g, v in totals.items()
    ]
    org = {"export_totals": entries}
    tree = sum_over({"calendar_year": "as_of", "by": "y", "undated": "include"}, distinct=DISTINCT)
    value = total(tree, records, org=org)[0]
    counted = [r for r in records if r.get("y", AS_OF.year) == AS_OF.year]
    if None in totals:
        oracle = totals[None]
    else:
        groups = {r.get("distinct_group") for r in counted} & set(totals)
        oracle = sum(totals[g] for g in groups if g is not None) + sum(
            r["n"] for r in counted if r.get("distinct_group") not in totals
        )
    assert value == oracle
