"""Which overrides are looser than the law: the pack declares ``legal_value`` and ``stricter``."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsaudit.core.models import LoosenedParam
from dsaudit.language.guardrails import legal_values, loosened_params

DECLARED = {
    "min_days": {"default": 180, "legal_value": 180, "stricter": "higher"},
    "max_hours": {"default": 4, "legal_value": 4, "stricter": "lower"},
    "free": {"default": 7},
}


def loosened(overrides: dict[str, Any]) -> tuple[LoosenedParam, ...]:
    values = {k: v["default"] for k, v in DECLARED.items()} | overrides
    return loosened_params(DECLARED, values, overrides)


@pytest.mark.parametrize(
    ("overrides", "names"),
    [
        ({"min_days": 180}, []),
        ({"min_days": 179}, ["min_days"]),
        ({"min_days": 181}, []),
        ({"max_hours": 4}, []),
        ({"max_hours": 5}, ["max_hours"]),
        ({"max_hours": 3}, []),
        ({"free": 1}, []),
        ({"min_days": "six months"}, ["min_days"]),  # not comparable: not assured
        ({}, []),
    ],
    ids=["equal", "one looser", "one stricter", "max equal", "max one looser", "max stricter",
         "no legal value", "not comparable", "no override"],
)  # fmt: skip
def test_only_an_override_looser_than_the_law_is_loosened(
    overrides: dict[str, Any], names: list[str]
) -> None:
    assert [p.name for p in loosened(overrides)] == names


@given(st.integers(-(10**9), 10**9), st.integers(-(10**9), 10**9))
def test_against_a_plain_oracle(min_days: int, max_hours: int) -> None:
    found = loosened({"min_days": min_days, "max_hours": max_hours})
    expected = []
    if min_days < 180:
        expected.append(LoosenedParam("min_days", min_days, 180, "higher"))
    if max_hours > 4:
        expected.append(LoosenedParam("max_hours", max_hours, 4, "lower"))
    assert list(found) == expected


def test_legal_values_are_those_declared() -> None:
    assert legal_values(DECLARED) == {"min_days": 180, "max_hours": 4}
