"""The ``elapsed_within`` named check (dsaudit/language/checks_time.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dsaudit.core.models import EvalContext, Resource
from dsaudit.engine.evaluation import Facts
from dsaudit.language import checks_time
from dsaudit.language.checks_time import elapsed_within, parse_instant
from dsaudit.language.paths import MISSING
from dsaudit.plugin.host import BUILTIN_PLUGINS, get_plugin_host
from dsaudit.plugin.registry import collect_registry

AS_OF = dt.date(2026, 6, 1)


def _ctx(item: dict[str, Any]) -> EvalContext:
    facts = Facts(as_of=AS_OF, taxonomy=None, by_kind={}, org={})
    return EvalContext(Resource("incident", "i1", item), {}, {}, facts)


def _check(item: dict[str, Any], **kwargs: Any) -> list[tuple[tuple[Any, ...], Any]]:
    return elapsed_within(item, _ctx(item), **kwargs)


@pytest.mark.parametrize(
    ("detected", "reported", "hours", "ok"),
    [
        ("2026-02-01T09:00:00+08:00", "2026-02-01T09:59:59+08:00", 1, True),
        ("2026-02-01T09:00:00+08:00", "2026-02-01T10:00:00+08:00", 1, True),
        ("2026-02-01T09:00:00+08:00", "2026-02-01T10:00:01+08:00", 1, False),
        ("2026-02-01T09:00:00+08:00", "2026-02-01T01:30:00Z", 1, True),
        ("2026-02-01T09:00", "2026-02-01T01:30:00Z", 1, True),
        ("2026-02-01 09:00", "2026-02-01 13:00", 4, True),
        ("2026-02-01 09:00", "2026-02-01 13:30", 4, False),
        ("2026-02-01T09:00:00+08:00", "2026-02-01T08:00:00+08:00", 4, False),
    ],
    ids=["59m", "exactly-1h", "1h-1s", "utc-z", "naive-is-cst", "space-4h", "4h30", "before-start"],
)
def test_hours_between_two_date_times(detected: str, reported: str, hours: int, ok: bool) -> None:
    item = {"detected_at": detected, "reported_at": reported}
    offending = _check(item, start="detected_at", end="reported_at", hours=hours)
    assert (offending == []) is ok
    if not ok:
        assert offending == [(("reported_at",), reported)]


def test_days_between_dates_with_nested_paths() -> None:
    item = {"mlps_graded_at": "2026-01-01", "mlps_filing": {"filed_at": "2026-01-31"}}
    assert _check(item, start="mlps_graded_at", end="mlps_filing.filed_at", days=30) == []
    item["mlps_filing"]["filed_at"] = "2026-02-01"
    assert _check(item, start="mlps_graded_at", end="mlps_filing.filed_at", days=30) == [
        (("mlps_filing", "filed_at"), "2026-02-01")
    ]


def test_missing_end_fails_unless_open_ended_and_still_in_time() -> None:
    recent = {"graded": "2026-05-20"}
    old = {"graded": "2026-03-01"}
    assert _check(recent, start="graded", end="filed", days=30) == [(("filed",), MISSING)]
    assert _check(recent, start="graded", end="filed", days=30, open_end=True) == []
    assert _check(old, start="graded", end="filed", days=30, open_end=True) == [
        (("filed",), MISSING)
    ]


@pytest.mark.parametrize("start", [None, "yesterday", 17], ids=["null", "text", "number"])
def test_an_unreadable_start_fails(start: Any) -> None:
    item = {"detected_at": start, "reported_at": "2026-02-01T09:00"}
    assert _check(item, start="detected_at", end="reported_at", hours=1) == [
        (("detected_at",), start)
    ]


def test_missing_start_fails() -> None:
    assert _check({"reported_at": "2026-02-01T09:00"}, start="detected_at", end="reported_at",
                  hours=1) == [(("detected_at",), MISSING)]  # fmt: skip


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"hours": 1, "days": 1}, {"hours": -1}, {"days": "30"}, {"hours": True}],
    ids=["none", "both", "negative", "text", "bool"],
)
def test_bad_limits_are_refused(kwargs: dict[str, Any]) -> None:
    item = {"a": "2026-01-01", "b": "2026-01-02"}
    with pytest.raises(ValueError, match="elapsed_within"):
        _check(item, start="a", end="b", **kwargs)


def test_parse_instant_reads_dates_and_offsets() -> None:
    assert parse_instant("2026-01-01") == dt.datetime(
        2026, 1, 1, tzinfo=checks_time.CHINA_STANDARD_TIME
    )
    assert parse_instant("2026-01-01T00:00:00Z") == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert parse_instant(dt.date(2026, 1, 1)) is not None
    assert parse_instant("not a date at all") is None
    assert parse_instant(None) is None


def test_the_check_is_registered_through_the_hook() -> None:
    assert "dsaudit.language.checks_time" in BUILTIN_PLUGINS
    host = get_plugin_host()
    registry = collect_registry(host)
    assert registry.checks["elapsed_within"] is elapsed_within
