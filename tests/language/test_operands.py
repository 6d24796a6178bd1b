"""Operands read from the record, with date arithmetic (issue 15 §4).

Each construct is tested at, just below and just above its boundary: a date exactly three
years, six calendar months or ten working days on, and the day before and after it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsaudit.core.calendar import CalendarNotCovered
from dsaudit.core.models import EvalContext, Resource, Rule, Severity, Status
from dsaudit.engine.evaluation import Facts, evaluate, index_resources
from dsaudit.language.conditions import CompileEnv, ConditionError, compile_condition

AS_OF = dt.date(2026, 6, 1)


def holds(
    tree: dict[str, Any],
    attributes: dict[str, Any],
    params: dict[str, Any] | None = None,
    as_of: dt.date = AS_OF,
    trace: list[Any] | None = None,
) -> bool:
    cond = compile_condition(tree, CompileEnv(params=params or {}))
    res = Resource("assessment", "a", attributes)
    ctx = EvalContext(res, {}, params or {}, Facts(as_of, None, index_resources([res]), {}))
    ctx.trace = trace
    return cond(attributes, ctx)


RETAINED_3Y = {"path": "retained_until", "on_or_after": {"path": "date", "plus": {"years": 3}}}


@pytest.mark.parametrize(
    ("date", "retained_until", "expected"),
    [
        ("2023-05-10", "2026-05-10", True),  # exactly three years
        ("2023-05-10", "2026-05-09", False),  # a day short
        ("2023-05-10", "2026-05-11", True),
        ("2024-02-29", "2027-02-28", True),  # no 29 February in 2027: its last day
        ("2024-02-29", "2027-02-27", False),
        ("2023-05-10T09:00:00+08:00", "2026-05-10", True),  # a date-time counts by its day
    ],
)
def test_pia_retention_is_compared_with_the_pia_date_plus_three_years(
    date: str, retained_until: str, expected: bool
) -> None:
    record = {"date": date, "retained_until": retained_until}
    assert holds(RETAINED_3Y, record) is expected


@pytest.mark.parametrize(
    "record",
    [{"retained_until": "2030-01-01"}, {"date": "soon", "retained_until": "2030-01-01"}, {}],
    ids=["no date", "not a date", "nothing"],
)
def test_a_missing_operand_never_satisfies_the_requirement(record: dict[str, Any]) -> None:
    assert holds(RETAINED_3Y, record) is False
    assert holds({"not": RETAINED_3Y}, record) is True


@pytest.mark.parametrize(
    ("valid_until", "expected"),
    [("2029-03-01", True), ("2029-02-28", True), ("2029-03-02", False)],
)
def test_a_certificate_valid_no_longer_than_three_years(valid_until: str, expected: bool) -> None:
    tree = {"path": "valid_until", "on_or_before": {"path": "issued", "plus": {"years": 3}}}
    assert holds(tree, {"issued": "2026-03-01", "valid_until": valid_until}) is expected


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        ("2026-10-16", True),  # the tenth working day
        ("2026-10-15", True),
        ("2026-10-17", False),  # a Saturday after the deadline
        ("2026-10-19", False),  # the eleventh working day
    ],
)
def test_ten_working_days_across_national_day(reported: str, expected: bool) -> None:
    # Discovered Monday 2026-09-28. Working days after it: Tue 29 (1), Wed 30 (2); 1-7 October
    # are days off; Thu 8 (3), Fri 9 (4), Sat 10 (5, a make-up working day), Mon 12 (6) ...
    # Fri 16 (10).
    tree = {
        "path": "reported_at",
        "on_or_before": {"path": "discovered_at", "plus": {"working_days": {"param": "n"}}},
    }
    record = {"discovered_at": "2026-09-28", "reported_at": reported}
    assert holds(tree, record, params={"n": 10}) is expected


@pytest.mark.parametrize(
    ("as_of", "review", "expected"),
    [
        (dt.date(2026, 8, 31), "2026-02-28", True),  # six months back: the month's last day
        (dt.date(2026, 8, 31), "2026-02-27", False),
        (dt.date(2026, 6, 1), "2025-12-01", True),
        (dt.date(2026, 6, 1), "2025-11-30", False),
    ],
)
def test_six_calendar_months_before_the_audit_date(
    as_of: dt.date, review: str, expected: bool
) -> None:
    tree = {"path": "reviewed", "on_or_after": {"date": "as_of", "minus": {"months": 6}}}
    assert holds(tree, {"reviewed": review}, as_of=as_of) is expected


@pytest.mark.parametrize(
    ("individuals", "expected"), [(99_999, True), (100_000, True), (100_001, False)]
)
def test_numbers_compared_with_another_field(individuals: int, expected: bool) -> None:
    tree = {"path": "individuals", "lte": {"path": "approved.individuals_max"}}
    record = {"individuals": individuals, "approved": {"individuals_max": 100_000}}
    assert holds(tree, record) is expected


def test_operands_from_the_organization_and_literal_dates() -> None:
    tree = {"path": "d", "after": {"date": "2026-01-01", "plus": {"days": 30}}}
    assert holds(tree, {"d": "2026-02-01"}) is True
    assert holds(tree, {"d": "2026-01-31"}) is False


def test_rules_with_different_parameters_in_operands_do_not_share_a_closure() -> None:
    tree = {"path": "b", "on_or_before": {"path": "a", "plus": {"days": {"param": "n"}}}}
    record = {"a": "2026-01-01", "b": "2026-01-05"}
    assert holds(tree, record, params={"n": 4}) is True
    assert holds(tree, record, params={"n": 3}) is False


def test_evidence_shows_what_the_value_was_compared_with() -> None:
    trace: list[Any] = []
    record = {"date": "2023-05-10", "retained_until": "2024-01-01"}
    assert holds(RETAINED_3Y, record, trace=trace) is False
    assert trace == [
        (("retained_until",), "2024-01-01", False),
        (("@operand", "date plus 3 years"), "2026-05-10", False),
    ]


def test_a_year_the_calendar_does_not_cover_is_an_error_result_naming_it() -> None:
    tree = {"path": "r", "on_or_before": {"path": "d", "plus": {"working_days": 10}}}
    with pytest.raises(CalendarNotCovered, match="2019"):
        holds(tree, {"d": "2019-06-03", "r": "2019-06-10"})
    cond = compile_condition(tree, CompileEnv())
    res = Resource("incident", "i-1", {"d": "2019-06-03", "r": "2019-06-10"})
    rule = Rule(
        id="R",
        title="R",
        severity=Severity.HIGH,
        kind="incident",
        pack="t",
        refs=(),
        condition=cond,
        when=None,
        message="m",
        remediation="r",
    )
    facts = Facts(AS_OF, None, index_resources([res]), {})
    (result,) = evaluate([rule], facts).results
    assert result.status is Status.ERROR
    assert "2019" in result.message and "not covered" in result.message


@pytest.mark.parametrize(
    ("operand", "message"),
    [
        ({"path": "fields[*].d"}, "one value"),
        ({"path": "d", "date": "as_of"}, "not both"),
        ({"path": "d", "plus": {"days": 1}, "minus": {"days": 1}}, "'plus' or 'minus'"),
        ({"path": "d", "plus": {"weeks": 1}}, "unexpected key"),
        ({"path": "d", "plus": {"days": -1}}, "whole number"),
        ({"path": "d", "plus": {"days": 1.5}}, "whole number"),
        ({"path": "d", "plus": {}}, "needs a mapping"),
        ({"date": "June 1"}, "ISO date"),
        ({"path": "d", "plus": {"days": {"param": "nope"}}}, "unknown parameter"),
    ],
)
def test_malformed_operands_refuse_to_compile(operand: dict[str, Any], message: str) -> None:
    with pytest.raises(ConditionError, match=message):
        compile_condition({"path": "x", "on_or_before": operand}, CompileEnv())


def test_operators_whose_operand_must_be_fixed() -> None:
    with pytest.raises(ConditionError, match="fixed operand"):
        compile_condition({"path": "x", "regex": {"path": "pattern"}}, CompileEnv())
    with pytest.raises(ConditionError, match="unknown operator"):
        compile_condition({"path": "x", "on_or_befor": {"path": "y"}}, CompileEnv())


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(dt.date(2000, 1, 1), dt.date(2090, 12, 31)),
    days=st.integers(0, 3000),
    gap=st.integers(-3, 3),
)
def test_day_arithmetic_agrees_with_timedelta(start: dt.date, days: int, gap: int) -> None:
    end = start + dt.timedelta(days=days + gap)
    tree = {"path": "end", "on_or_before": {"path": "start", "plus": {"days": days}}}
    record = {"start": start.isoformat(), "end": end.isoformat()}
    assert holds(tree, record) is (gap <= 0)
