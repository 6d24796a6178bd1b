"""The canonical form of a condition tree: equal forms compile to the same shared closure.

:func:`~dsaudit.language.conditions.compile_condition` interns compiled conditions by this form, so
rules that share a sub-condition (most often an ``applies_to.when``) share one callable, its
per-resource memo and its aggregate caches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any


class _NotCanonical(Exception):
    """The tree holds something that must not be shared (a named check, an odd value)."""


def canonical(tree: Any, params: Mapping[str, Any]) -> Any:
    """A hashable form of a condition tree with its parameters resolved; None if unshareable.

    Two trees with the same form compile to callables that behave identically on every
    resource: operators, operands (a ``{param: NAME}`` operand replaced by its value) and key
    order are all part of the form. Trees that call a named check are never shared (a check
    may read ``ctx.params`` or keep state).
    """
    try:
        return _canon_node(tree, params)
    except (_NotCanonical, TypeError, KeyError):
        return None


_NODE_LISTS = ("all", "any")
_NODE_ONE = ("not", "where")


def _canon_node(tree: Any, params: Mapping[str, Any]) -> Any:
    if not isinstance(tree, dict) or "check" in tree:
        raise _NotCanonical
    out: list[Any] = []
    for key, value in tree.items():
        if key in _NODE_LISTS and isinstance(value, list):
            out.append((key, tuple(_canon_node(v, params) for v in value)))
        elif key in _NODE_ONE:
            out.append((key, _canon_node(value, params)))
        elif isinstance(value, dict) and set(value) == {"param"}:
            out.append((key, _param(value, params)))
        elif isinstance(value, dict) and ("path" in value or "date" in value):
            out.append((key, _canon_operand(value, params)))
        else:
            out.append((key, _canon_literal(value)))
    return ("node", tuple(out))


def _param(value: dict[str, Any], params: Mapping[str, Any]) -> Any:
    return ("param-value", _canon_literal(params[value["param"]]))


def _canon_operand(value: dict[str, Any], params: Mapping[str, Any]) -> Any:
    """An operand read from the record; ``plus: {days: {param: n}}`` takes the value of n."""
    out = []
    for key, part in value.items():
        if key in ("plus", "minus") and isinstance(part, dict):
            shift = tuple(
                (unit, _param(n, params) if isinstance(n, dict) and set(n) == {"param"}
                 else _canon_literal(n))
                for unit, n in part.items()
            )  # fmt: skip
            out.append((key, ("shift", shift)))
        else:
            out.append((key, _canon_literal(part)))
    return ("operand", tuple(out))


def _canon_literal(value: Any) -> Any:
    if isinstance(value, dict):
        return ("map", tuple((_canon_literal(k), _canon_literal(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("list", tuple(_canon_literal(v) for v in value))
    if value is None or isinstance(value, str | int | float | bool | dt.date):
        return (type(value).__name__, value)
    raise _NotCanonical
