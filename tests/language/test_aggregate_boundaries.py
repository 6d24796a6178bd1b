"""Aggregates at their boundaries, and over nothing at all (issue 13 §10).

The max or min of no numbers is no value: a requirement on it (``max <= N``) must not pass
silently, as it did when the empty max was 0. ``count`` and ``sum`` of nothing are 0.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dsaudit.core.models import EvalContext, Resource, Rule, Severity, Status
from dsaudit.engine.evaluation import Facts, evaluate, index_resources
from dsaudit.language.conditions import CompileEnv, compile_condition
from dsaudit.language.paths import MISSING

AS_OF = dt.date(2026, 6, 1)


def transfers(*values: Any) -> list[Resource]:
    """Transfers whose ``n`` is each value (``MISSING``: a transfer without ``n``)."""
    return [
        Resource("transfer", f"t{i}", {} if v is MISSING else {"n": v, "abroad": True})
        for i, v in enumerate(values)
    ]


def holds(tree: dict[str, Any], others: list[Resource], *, trace: bool = False) -> bool:
    cond = compile_condition(tree, CompileEnv())
    subject = Resource("organization", "org", {})
    facts = Facts(AS_OF, None, index_resources([subject, *others]), {})
    ctx = EvalContext(subject, {}, {}, facts)
    if trace:
        ctx.trace = []
    return cond({}, ctx)


def agg(fn: str, comparison: str, n: Any, **extra: Any) -> dict[str, Any]:
    tree: dict[str, Any] = {"aggregate": fn, "over": "transfer", comparison: n, **extra}
    if fn != "count":
        tree["of"] = "n"
    return tree


NOTHING = {
    "no resource of the kind": [],
    "none with a number": transfers(MISSING, "100", True, None, [5]),
}


@pytest.mark.parametrize("others", NOTHING.values(), ids=NOTHING.keys())
@pytest.mark.parametrize(
    ("fn", "comparison", "n", "expected"),
    [
        ("max", "lte", 100, False),
        ("max", "lt", 100, False),
        ("max", "gte", 0, False),
        ("max", "gt", -1, False),
        ("max", "equals", 0, False),
        ("max", "not_equals", 0, True),
        ("min", "gte", 0, False),
        ("min", "lte", 100, False),
        ("min", "equals", 0, False),
        ("min", "not_equals", 0, True),
        ("sum", "equals", 0, True),
        ("sum", "lte", 100, True),
        ("sum", "gte", 1, False),
        ("count", "equals", 0, True),
        ("count", "gte", 1, False),
    ],
)
def test_an_aggregate_over_no_values(
    others: list[Resource], fn: str, comparison: str, n: int, expected: bool
) -> None:
    tree = agg(fn, comparison, n)
    if fn == "count" and others:  # count the transfers that have a number
        tree["where"] = {"path": "n", "type": "number"}
    assert holds(tree, others) is expected
    assert holds(tree, others, trace=True) is expected


@pytest.mark.parametrize("fn", ["max", "min"])
def test_a_where_that_matches_nothing_leaves_no_max_or_min(fn: str) -> None:
    others = transfers(5, 50)
    nowhere = {"path": "abroad", "equals": False}
    assert holds(agg(fn, "lte", 100), others)
    assert not holds(agg(fn, "lte", 100, where=nowhere), others)
    assert holds({"not": agg(fn, "gt", 100, where=nowhere)}, others)


@pytest.mark.parametrize(
    ("fn", "comparison", "n", "values", "expected"),
    [
        ("max", "lte", 100, (100, 7), True),
        ("max", "lte", 100, (101, 7), False),
        ("max", "lte", 100, (100.5, 7), False),
        ("max", "lt", 100, (100, 7), False),
        ("max", "lt", 100, (99.5,), True),
        ("min", "gte", 10, (10, 70), True),
        ("min", "gte", 10, (9, 70), False),
        ("min", "gte", 10, (9.5, 70), False),
        ("min", "gt", 10, (10, 70), False),
        ("sum", "gte", 100, (60, 40), True),
        ("sum", "gte", 100, (60, 39), False),
        ("sum", "gte", 100, (60, 39.5), False),
        ("sum", "gte", 1.0, (0.5, 0.5), True),
        ("sum", "equals", 1, (1, True), True),  # a bool is not a number: it is not added
        ("max", "equals", 1, (1, True, "9"), True),
        ("count", "equals", 2, (1, MISSING), True),
        ("count", "gte", 3, (1, MISSING), False),
    ],
)
def test_aggregate_at_the_boundary(
    fn: str, comparison: str, n: Any, values: tuple[Any, ...], expected: bool
) -> None:
    assert holds(agg(fn, comparison, n), transfers(*values)) is expected


def test_the_empty_max_is_reported_as_missing_evidence() -> None:
    tree = agg("max", "lte", 100)
    cond = compile_condition(tree, CompileEnv())
    rule = Rule(
        "KIT-MAX", "max", Severity.HIGH, "organization", "kit", (), cond, None, "too big", ""
    )
    subject = Resource("organization", "org", {})
    facts = Facts(AS_OF, None, index_resources([subject]), {})
    (result,) = evaluate([rule], facts).results
    assert result.status is Status.FAIL
    (evidence,) = result.evidence
    assert "max(transfer.n)" in evidence.path
    assert evidence.value == "<missing>"
