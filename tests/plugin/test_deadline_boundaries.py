"""``elapsed_within`` at its exact boundaries, open-ended deadlines above all (issue 13 §10).

With ``open_end: true`` and no ``end``, the time is measured from ``start`` up to midnight
(China Standard Time) of the audit date: the limit exactly elapsed still passes, one second,
hour or day more fails. The audit date here is 2026-06-01, so that midnight is
2026-06-01T00:00:00+08:00, which is 2026-05-31T16:00:00Z.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dsaudit.core.models import EvalContext, Resource
from dsaudit.engine.evaluation import Facts
from dsaudit.language.checks_time import elapsed_within
from dsaudit.language.paths import MISSING

AS_OF = dt.date(2026, 6, 1)


def offending(
    item: dict[str, Any], as_of: dt.date = AS_OF, **kwargs: Any
) -> list[tuple[tuple[Any, ...], Any]]:
    facts = Facts(as_of=as_of, taxonomy=None, by_kind={}, org={})
    ctx = EvalContext(Resource("incident", "i1", item), {}, {}, facts)
    return elapsed_within(item, ctx, start="start", end="end", **kwargs)


@pytest.mark.parametrize(
    ("start", "limit", "ok"),
    [
        # days, date-only start (midnight CST)
        ("2026-05-02", {"days": 30}, True),  # exactly 30 days
        ("2026-05-01", {"days": 30}, False),  # 31 days
        ("2026-05-03", {"days": 30}, True),
        ("2026-06-01", {"days": 0}, True),  # started at the audit midnight: nothing elapsed
        ("2026-05-31", {"days": 0}, False),
        # days, date-times with and without offsets
        ("2026-05-02T00:00:00", {"days": 30}, True),  # no offset: CST
        ("2026-05-02T00:00:00+08:00", {"days": 30}, True),
        ("2026-05-01T23:59:59+08:00", {"days": 30}, False),  # one second over
        ("2026-05-01T23:00:00+08:00", {"days": 30}, False),  # one hour over
        ("2026-05-02T01:00:00+08:00", {"days": 30}, True),
        ("2026-05-01T16:00:00Z", {"days": 30}, True),  # = 2026-05-02T00:00 CST
        ("2026-05-01T16:00:00z", {"days": 30}, True),
        ("2026-05-01T16:00:00+00:00", {"days": 30}, True),
        ("2026-05-01T15:59:59Z", {"days": 30}, False),
        ("2026-05-01T15:59:59+00:00", {"days": 30}, False),
        ("2026-05-01T17:00:00+01:00", {"days": 30}, True),  # = 16:00Z
        ("2026-05-01T16:00:00", {"days": 30}, False),  # CST, not UTC: 30 days 8 hours
        ("2026-05-01 16:00:00Z", {"days": 30}, True),
        # hours
        ("2026-05-31T00:00:00+08:00", {"hours": 24}, True),  # exactly 24 hours
        ("2026-05-31", {"hours": 24}, True),
        ("2026-05-30T23:00:00+08:00", {"hours": 24}, False),  # one hour over
        ("2026-05-30T23:59:59+08:00", {"hours": 24}, False),
        ("2026-05-31T01:00:00+08:00", {"hours": 24}, True),
        ("2026-05-30T16:00:00Z", {"hours": 24}, True),
        ("2026-05-30T15:00:00Z", {"hours": 24}, False),
        ("2026-05-31T23:00:00+08:00", {"hours": 1}, True),
        ("2026-05-31T22:59:59+08:00", {"hours": 1}, False),
        ("2026-05-31T23:30:00+08:00", {"hours": 0.5}, True),
        ("2026-05-31T23:29:59+08:00", {"hours": 0.5}, False),
        ("2026-05-31T16:00:00Z", {"hours": 0}, True),
        ("2026-05-31T15:59:59Z", {"hours": 0}, False),
        # a start after the audit date: nothing is due yet
        ("2026-06-02", {"days": 0}, True),
        ("2026-06-01T09:00:00+08:00", {"hours": 1}, True),
    ],
)
def test_an_open_deadline_with_no_end_is_measured_to_the_audit_midnight(
    start: str, limit: dict[str, Any], ok: bool
) -> None:
    for missing_end in ({"start": start}, {"start": start, "end": None}):
        found = offending(missing_end, open_end=True, **limit)
        assert found == ([] if ok else [(("end",), MISSING)])


@pytest.mark.parametrize("end", [{}, {"end": None}], ids=["absent", "null"])
def test_without_open_end_a_missing_end_fails_even_inside_the_window(end: dict[str, Any]) -> None:
    assert offending({"start": "2026-05-31", **end}, days=30) == [(("end",), MISSING)]
    assert offending({"start": "2026-05-31", **end}, days=30, open_end=False) == [
        (("end",), MISSING)
    ]


def test_the_audit_date_moves_the_open_deadline() -> None:
    item = {"start": "2026-05-02"}
    assert offending(item, as_of=dt.date(2026, 6, 1), days=30, open_end=True) == []
    assert offending(item, as_of=dt.date(2026, 6, 2), days=30, open_end=True) == [
        (("end",), MISSING)
    ]


@pytest.mark.parametrize(
    ("item", "where"),
    [
        ({}, ("start",)),
        ({"start": None}, ("start",)),
        ({"start": ""}, ("start",)),
        ({"start": "2026-05-3"}, ("start",)),
        ({"start": "2026-02-30"}, ("start",)),
        ({"start": True}, ("start",)),
        ({"start": 20260501}, ("start",)),
        ({"end": "2026-05-02"}, ("start",)),
    ],
    ids=["both-missing", "null", "empty", "short", "no-such-day", "bool", "number", "only-end"],
)
def test_an_open_deadline_without_a_readable_start_fails(
    item: dict[str, Any], where: tuple[str, ...]
) -> None:
    (found,) = offending(item, days=30, open_end=True)
    assert found[0] == where


@pytest.mark.parametrize(
    ("start", "end", "limit", "ok"),
    [
        ("2026-05-01", "2026-05-01", {"days": 0}, True),  # zero elapsed
        ("2026-05-01T09:00:00+08:00", "2026-05-01T08:59:59+08:00", {"days": 30}, False),
        ("2026-05-02", "2026-05-01", {"days": 30}, False),  # end a day before start
        ("2026-05-01T09:00:00Z", "2026-05-01T16:59:59+08:00", {"hours": 1}, False),  # before
        ("2026-05-01T09:00:00Z", "2026-05-01T17:00:00+08:00", {"hours": 1}, True),  # equal
        ("2026-05-01T09:00:00Z", "2026-05-01T18:00:00+08:00", {"hours": 1}, True),  # 1 hour
        ("2026-05-01T09:00:00Z", "2026-05-01T18:00:01+08:00", {"hours": 1}, False),
        ("2026-05-01", "2026-05-31", {"days": 30}, True),
        ("2026-05-01", "2026-05-31T00:00:01", {"days": 30}, False),  # a date is midnight
        ("2026-05-01", "2026-06-01", {"days": 30}, False),
        ("2026-05-01", "2026-05-31T16:00:00Z", {"days": 31}, True),  # = 06-01 00:00 CST
        ("2026-05-01", "2026-05-31T16:00:01Z", {"days": 31}, False),
        ("2026-05-01", "2026-05-30T12:00:00", {"days": 29.5}, True),
        ("2026-05-01", "2026-05-30T12:00:01", {"days": 29.5}, False),
        ("2026-05-01", "2026-05-31", {"hours": 720}, True),
        ("2026-05-01", "2026-05-31T01:00:00+08:00", {"hours": 720}, False),
    ],
)
def test_a_present_end_is_judged_even_when_the_deadline_is_open(
    start: str, end: str, limit: dict[str, Any], ok: bool
) -> None:
    for open_end in (False, True):
        found = offending({"start": start, "end": end}, open_end=open_end, **limit)
        assert found == ([] if ok else [(("end",), end)])


@pytest.mark.parametrize("end", ["", "soon", "2026-13-01", 17, True, ["2026-05-02"]])
def test_an_unreadable_end_fails_even_when_the_deadline_is_open(end: Any) -> None:
    assert offending({"start": "2026-05-31", "end": end}, days=30, open_end=True) == [
        (("end",), end)
    ]


@pytest.mark.parametrize("open_end", ["false", "true", 0, 1, None])
def test_open_end_must_be_true_or_false(open_end: Any) -> None:
    with pytest.raises(ValueError, match="open_end"):
        offending({"start": "2026-05-31"}, days=30, open_end=open_end)
