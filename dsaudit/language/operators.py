"""The comparison operators of the rule language.

Each operator is ``make(operand, facts_getter) -> predicate(value, ctx) -> bool``: the operand is
checked and pre-processed once, when the rule compiles; the predicate runs per value. A missing
value (``MISSING``) fails every operator except ``exists: false``, ``not_equals`` and ``not_in``.
See docs/rules.md for the user-facing table.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from dsaudit.core.apptypes import load_app_types
from dsaudit.core.models import EvalContext
from dsaudit.language.durations import Duration, at_least, at_most, shorter, to_duration
from dsaudit.language.paths import MISSING
from dsaudit.plugin.hookspecs import hookimpl

Predicate = Callable[[Any, EvalContext], bool]


class OperandError(ValueError):
    """The operand of an operator has the wrong type or value."""


def _num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _make_equals(operand: Any) -> Predicate:
    if isinstance(operand, bool):
        return lambda v, ctx: v is operand
    if _num(operand):
        return lambda v, ctx: _num(v) and v == operand
    return lambda v, ctx: v == operand and not isinstance(v, bool)


def _make_not_equals(operand: Any) -> Predicate:
    eq = _make_equals(operand)
    return lambda v, ctx: not eq(v, ctx)


def _as_list(operand: Any, op: str) -> list[Any]:
    if not isinstance(operand, list):
        raise OperandError(f"'{op}' needs a list, got {type(operand).__name__}")
    return operand


def _make_in(operand: Any, op: str = "in") -> Predicate:
    items = _as_list(operand, op)
    try:
        hashable = frozenset(x for x in items if not isinstance(x, bool))
        bools = [x for x in items if isinstance(x, bool)]
    except TypeError as exc:
        raise OperandError(f"'{op}' needs a list of scalars") from exc

    def pred(v: Any, ctx: EvalContext) -> bool:
        if isinstance(v, bool):
            return any(v is b for b in bools)
        try:
            return v in hashable
        except TypeError:
            return False

    return pred


def _make_not_in(operand: Any) -> Predicate:
    inner = _make_in(operand, "not_in")
    return lambda v, ctx: v is MISSING or not inner(v, ctx)


def _cmp(fn: Callable[[Any, Any], bool], op: str) -> Callable[[Any], Predicate]:
    def make(operand: Any) -> Predicate:
        if _num(operand):
            return lambda v, ctx: _num(v) and fn(v, operand)
        if isinstance(operand, str):
            return lambda v, ctx: isinstance(v, str) and fn(v, operand)
        raise OperandError(f"'{op}' needs a number or string, got {type(operand).__name__}")

    return make


def _make_exists(operand: Any) -> Predicate:
    if not isinstance(operand, bool):
        raise OperandError("'exists' needs true or false")
    if operand:
        return lambda v, ctx: v is not MISSING and v is not None
    return lambda v, ctx: v is MISSING or v is None


def _make_regex(operand: Any, max_length: int = 1000) -> Predicate:
    from dsaudit.core.regexguard import compile_safe_regex, search

    pattern = compile_safe_regex(operand, max_length=max_length)
    return lambda v, ctx: isinstance(v, str) and search(pattern, v) is not None


def _make_not_regex(operand: Any, max_length: int = 1000) -> Predicate:
    """A string value that the pattern does not match (RE2 has no negative lookahead)."""
    from dsaudit.core.regexguard import compile_safe_regex, search

    pattern = compile_safe_regex(operand, max_length=max_length)
    return lambda v, ctx: isinstance(v, str) and search(pattern, v) is None


def _make_contains(operand: Any) -> Predicate:
    # Elements and keys are matched as `equals` matches: Python's `in` finds True in [1] and 1
    # in {True: ...}, which would let `contains: true` pass on a list of numbers.
    eq = _make_equals(operand)
    by_equals = isinstance(operand, bool) or _num(operand)

    def pred(v: Any, ctx: EvalContext) -> bool:
        if isinstance(v, list):
            return any(eq(x, ctx) for x in v) if by_equals else operand in v
        if isinstance(v, str) and isinstance(operand, str):
            return operand in v
        if isinstance(v, dict):
            if by_equals:
                return any(eq(k, ctx) for k in v)
            try:
                return operand in v
            except TypeError:  # an unhashable operand (a list) is never a key
                return False
        return False

    return pred


def _make_type(operand: Any) -> Predicate:
    types: dict[str, Callable[[Any], bool]] = {
        "string": lambda v: isinstance(v, str),
        "number": _num,
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "bool": lambda v: isinstance(v, bool),
        "list": lambda v: isinstance(v, list),
        "map": lambda v: isinstance(v, dict),
        "null": lambda v: v is None,
    }
    if not isinstance(operand, str) or operand not in types:
        raise OperandError(f"'type' must be one of {sorted(types)}, got {operand!r}")
    check = types[operand]
    return lambda v, ctx: v is not MISSING and check(v)


def to_date(value: Any) -> dt.date | None:
    """Read an ISO date or date-time (string or date object); None when it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _days_operand(operand: Any, op: str) -> int:
    if not isinstance(operand, int) or isinstance(operand, bool) or operand < 0:
        raise OperandError(f"'{op}' needs a non-negative whole number of days, got {operand!r}")
    return operand


def _make_older_than_days(operand: Any) -> Predicate:
    days = _days_operand(operand, "older_than_days")

    def pred(v: Any, ctx: EvalContext) -> bool:
        date = to_date(v)
        return date is not None and (ctx.facts.as_of - date).days > days

    return pred


def _make_within_days(operand: Any) -> Predicate:
    days = _days_operand(operand, "within_days")

    def pred(v: Any, ctx: EvalContext) -> bool:
        date = to_date(v)
        return date is not None and 0 <= (ctx.facts.as_of - date).days <= days

    return pred


def _make_since_year_start(operand: Any) -> Predicate:
    if not isinstance(operand, bool):
        raise OperandError("'since_year_start' needs true or false")

    def pred(v: Any, ctx: EvalContext) -> bool:
        if isinstance(v, int) and not isinstance(v, bool):  # a year: the audit year
            return (v == ctx.facts.as_of.year) is operand
        date = to_date(v)
        if date is None:
            return False
        inside = dt.date(ctx.facts.as_of.year, 1, 1) <= date <= ctx.facts.as_of
        return inside is operand

    return pred


def _date_cmp(fn: Callable[[dt.date, dt.date], bool], op: str) -> Callable[[Any], Predicate]:
    def make(operand: Any) -> Predicate:
        if operand == "as_of":
            return lambda v, ctx: (d := to_date(v)) is not None and fn(d, ctx.facts.as_of)
        bound = to_date(operand)
        if bound is None:
            raise OperandError(f"'{op}' needs an ISO date or 'as_of', got {operand!r}")
        return lambda v, ctx: (d := to_date(v)) is not None and fn(d, bound)

    return make


def _days_cmp(fn: Callable[[Duration, Duration], bool], op: str) -> Callable[[Any], Predicate]:
    def make(operand: Any) -> Predicate:
        bound = to_duration(operand)
        if bound is None:
            raise OperandError(f"'{op}' needs a duration such as 180 or '6 months'")
        return lambda v, ctx: (d := to_duration(v)) is not None and fn(d, bound)

    return make


_TLS = re.compile(r"(?i)^\s*(?:tls|tlsv|ssl|sslv)?\s*v?(\d)(?:[._](\d))?\s*$")


def tls_version(value: Any) -> tuple[int, int] | None:
    """Normalise ``TLSv1.2``, ``TLS1_2``, ``1.2``, ``SSLv3`` to comparable tuples (SSL < TLS)."""
    if _num(value):
        value = str(value)
    if not isinstance(value, str):
        return None
    is_ssl = value.strip().lower().startswith("ssl")
    m = _TLS.match(value)
    if not m:
        return None
    major, minor = int(m.group(1)), int(m.group(2) or 0)
    return (0, major) if is_ssl else (1 if major == 1 else major, minor)


def _make_tls_gte(operand: Any) -> Predicate:
    bound = tls_version(operand)
    if bound is None:
        raise OperandError(f"'tls_version_gte' needs a version such as '1.2', got {operand!r}")
    return lambda v, ctx: (t := tls_version(v)) is not None and t >= bound


_NO_TAXONOMY = object()
"""The taxonomy a taxonomy operator has not consulted yet. Not None: facts without a taxonomy
must make the operator raise (an error result), not match the empty cache, which made
``sensitive: false`` and ``personal: false`` pass on every value."""


def _taxonomy_op(kind: str) -> Callable[[Any], Predicate]:
    def make(operand: Any) -> Predicate:
        if kind == "category_in":
            names = _as_list(operand, "category_in")
            # (taxonomy, allowed names): a strong reference, so an id is never reused.
            seen: list[tuple[Any, frozenset[str]]] = [(_NO_TAXONOMY, frozenset())]

            def within(v: Any, ctx: EvalContext) -> bool:
                taxonomy = ctx.facts.taxonomy
                known, allowed = seen[0]
                if known is not taxonomy:
                    allowed = frozenset(c for n in names for c in taxonomy.descendants(n))
                    seen[0] = (taxonomy, allowed)
                return isinstance(v, str) and v in allowed

            return within
        if not isinstance(operand, bool):
            raise OperandError(f"'{kind}' needs true or false")
        question = "is_sensitive" if kind == "sensitive" else "is_personal"
        # (taxonomy, names answering yes): rebuilt when a different taxonomy is consulted.
        cached: list[tuple[Any, frozenset[str]]] = [(_NO_TAXONOMY, frozenset())]

        def members(taxonomy: Any) -> frozenset[str]:
            ask = getattr(taxonomy, question)
            names = frozenset(n for n in taxonomy.names() if ask(n))
            cached[0] = (taxonomy, names)
            return names

        def flagged(v: Any, ctx: EvalContext) -> bool:
            if not isinstance(v, str):
                return False
            taxonomy = ctx.facts.taxonomy
            known, names = cached[0]
            if known is not taxonomy:
                names = members(taxonomy)
            return (v in names) is operand

        return flagged

    return make


def _make_app_type_known(operand: Any) -> Predicate:
    """``app_type_known: true``: the value names one of the shipped app types (key or number)."""
    if not isinstance(operand, bool):
        raise OperandError("'app_type_known' needs true or false")
    types = load_app_types()

    def known(v: Any, ctx: EvalContext) -> bool:
        if v is MISSING or v is None or isinstance(v, bool) or not isinstance(v, str | int):
            return False
        return (types.get(v) is not None) is operand

    return known


def _make_within_necessary_pi(operand: Any) -> Predicate:
    """``within_necessary_pi: TYPE``: a category is, or lies below, a necessary category of TYPE.

    TYPE is an app type of ``dsaudit/data/app_necessary_pi.yaml`` (key or number), usually read
    from the record (``{path: app_type}``); a type with no necessary PI allows no category.
    """
    app_type = load_app_types().get(operand)
    if app_type is None:
        raise OperandError(
            f"'within_necessary_pi' needs one of the app types of dsaudit/data/"
            f"app_necessary_pi.yaml (a key such as 'online_shopping', or its number), "
            f"got {operand!r}"
        )
    names = app_type.categories
    seen: list[tuple[Any, frozenset[str]]] = [(_NO_TAXONOMY, frozenset())]

    def within(v: Any, ctx: EvalContext) -> bool:
        taxonomy = ctx.facts.taxonomy
        known, allowed = seen[0]
        if known is not taxonomy:
            allowed = frozenset(c for n in names if n in taxonomy for c in taxonomy.descendants(n))
            seen[0] = (taxonomy, allowed)
        return isinstance(v, str) and v in allowed

    return within


def describe_app_type(operand: Any) -> str:
    """The message text for an app type operand: its name, number, key and necessary PI."""
    app_type = load_app_types().get(operand)
    return app_type.describe() if app_type is not None else f"{operand!r} (not a listed type)"


OPERAND_TEXT: dict[str, Callable[[Any], str]] = {"within_necessary_pi": describe_app_type}
"""Operator -> how ``as: NAME`` on its leaf shows the operand read from the record; other
operators show the operand itself (a date as ``YYYY-MM-DD``)."""


OPERATORS: dict[str, Callable[[Any], Predicate]] = {
    "equals": _make_equals,
    "not_equals": _make_not_equals,
    "in": _make_in,
    "not_in": _make_not_in,
    "gt": _cmp(lambda a, b: a > b, "gt"),
    "gte": _cmp(lambda a, b: a >= b, "gte"),
    "lt": _cmp(lambda a, b: a < b, "lt"),
    "lte": _cmp(lambda a, b: a <= b, "lte"),
    "exists": _make_exists,
    "regex": _make_regex,
    "not_regex": _make_not_regex,
    "contains": _make_contains,
    "type": _make_type,
    "older_than_days": _make_older_than_days,
    "within_days": _make_within_days,
    "since_year_start": _make_since_year_start,
    "before": _date_cmp(lambda a, b: a < b, "before"),
    "after": _date_cmp(lambda a, b: a > b, "after"),
    "on_or_after": _date_cmp(lambda a, b: a >= b, "on_or_after"),
    "on_or_before": _date_cmp(lambda a, b: a <= b, "on_or_before"),
    "days_gte": _days_cmp(at_least, "days_gte"),
    "days_lt": _days_cmp(shorter, "days_lt"),
    "days_lte": _days_cmp(at_most, "days_lte"),
    "tls_version_gte": _make_tls_gte,
    "category_in": _taxonomy_op("category_in"),
    "sensitive": _taxonomy_op("sensitive"),
    "personal": _taxonomy_op("personal"),
    "app_type_known": _make_app_type_known,
    "within_necessary_pi": _make_within_necessary_pi,
}
"""Operator name -> factory. Plugins add more through ``dsaudit_register_checks``."""

COMPARISONS = ("equals", "not_equals", "gt", "gte", "lt", "lte")
"""Operators allowed on the number produced by ``count`` and ``aggregate``."""

REGEX_OPERATORS: dict[str, Callable[[Any, int], Predicate]] = {
    "regex": _make_regex,
    "not_regex": _make_not_regex,
}
"""Operators whose operand is a pattern, built with the pack's ``limits.max_regex_length``."""


@hookimpl(trylast=True)
def dsaudit_register_operators(register: Callable[[str, Callable[[Any], Predicate]], None]) -> None:
    for name, factory in OPERATORS.items():
        if name not in REGEX_OPERATORS:
            register(name, factory)
