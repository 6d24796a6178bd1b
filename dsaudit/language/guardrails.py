"""Guardrails: a rule parameter overridden looser than the law's value.

A parameter may declare ``legal_value`` and ``stricter`` (``higher`` or ``lower``). An override
looser than the legal value still runs, but every result of the rule is not assured
(:class:`~dsaudit.core.models.LoosenedParam`); one equal to the legal value, or stricter, is
assured. An override that cannot be compared with the legal value counts as looser. A legal
value that is a duration (``"6 months"``) is compared as durations are in the rule language:
180 days is looser than six calendar months, 184 days is not (docs/rules.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dsaudit.core.models import LoosenedParam
from dsaudit.language.durations import at_least, at_most, to_duration


def legal_values(declared: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """``{name: legal_value}`` for each declared parameter that has one."""
    return {k: v["legal_value"] for k, v in declared.items() if v.get("legal_value") is not None}


def loosened_params(
    declared: Mapping[str, Mapping[str, Any]],
    values: Mapping[str, Any],
    overrides: Mapping[str, Any],
) -> tuple[LoosenedParam, ...]:
    """The overridden parameters whose value is looser than their legal value."""
    out = []
    for name, spec in declared.items():
        legal, stricter, value = spec.get("legal_value"), spec.get("stricter"), values[name]
        if legal is None or stricter is None or name not in overrides:
            continue
        looser = _looser(value, legal, stricter)
        if looser:
            out.append(LoosenedParam(name, value, legal, stricter))
    return tuple(out)


def _looser(value: Any, legal: Any, stricter: str) -> bool:
    if isinstance(legal, str) or isinstance(value, str):
        have, law = to_duration(value), to_duration(legal)
        if have is None or law is None:
            return True
        return not (at_least(have, law) if stricter == "higher" else at_most(have, law))
    try:
        return bool(value < legal if stricter == "higher" else value > legal)
    except TypeError:
        return True
