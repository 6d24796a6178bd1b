"""The ``consecutive_same`` named check (dsaudit/language/checks_audits.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dsaudit.core.models import EvalContext, Resource
from dsaudit.engine.evaluation import Facts
from dsaudit.language.checks_audits import consecutive_same
from dsaudit.plugin.host import BUILTIN_PLUGINS, get_plugin_host
from dsaudit.plugin.registry import collect_registry


def _audit(rid: str, date: str, by: str | None, kind: str = "pi_audit") -> Resource:
    attributes: dict[str, Any] = {"kind": kind, "date": date}
    if by is not None:
        attributes["conducted_by"] = by
    return Resource("assessment", rid, attributes)


def _check(records: list[Resource], me: str, limit: int = 2) -> list[tuple[tuple[Any, ...], Any]]:
    facts = Facts(as_of=dt.date(2026, 6, 1), taxonomy=None, by_kind={"assessment": records}, org={})
    own = next(r for r in records if r.id == me)
    ctx = EvalContext(own, {}, {}, facts)
    return consecutive_same(own.attributes, ctx, by="conducted_by", max=limit)


def test_the_third_in_a_row_fails_and_names_the_body() -> None:
    records = [
        _audit("a", "2022-01-01", "Acme"),
        _audit("b", "2024-01-01", "ACME "),
        _audit("c", "2026-01-01", "acme"),
    ]
    assert _check(records, "c") == [(("conducted_by",), "acme")]
    assert _check(records, "b") == []  # the second is allowed
    assert _check(records, "c", limit=3) == []


def test_a_different_or_unnamed_party_ends_the_run() -> None:
    records = [
        _audit("a", "2022-01-01", "Acme"),
        _audit("x", "2023-01-01", None),
        _audit("b", "2024-01-01", "Acme"),
        _audit("c", "2026-01-01", "Acme"),
    ]
    assert _check(records, "c") == []
    records[1] = _audit("x", "2023-01-01", "Beacon")
    assert _check(records, "c") == []


def test_order_is_by_date_then_inventory_and_later_or_other_kinds_do_not_count() -> None:
    records = [
        _audit("late", "2027-01-01", "Acme"),
        _audit("minors", "2025-01-01", "Acme", kind="minors_pi_audit"),
        _audit("c", "2026-01-01", "Acme"),
        _audit("a", "2022-01-01", "Acme"),
        _audit("same-day-after", "2026-01-01", "Acme"),
        _audit("undated", "not a date", "Acme"),
    ]
    assert _check(records, "c") == []  # only "a" precedes it: two in a row
    assert _check(records, "same-day-after") == [(("conducted_by",), "Acme")]


def test_a_record_without_a_party_or_date_passes_and_a_bad_max_is_refused() -> None:
    records = [_audit("a", "2022-01-01", "Acme"), _audit("c", "2026-01-01", None)]
    assert _check(records, "c") == []
    with pytest.raises(ValueError, match="whole number"):
        _check(records, "a", limit=0)
    with pytest.raises(ValueError, match="whole number"):
        _check(records, "a", limit=True)


def test_the_check_is_registered_through_the_hook() -> None:
    assert "dsaudit.language.checks_audits" in BUILTIN_PLUGINS
    registry = collect_registry(get_plugin_host())
    assert registry.checks["consecutive_same"] is consecutive_same
