"""Every operator of the rule language at its exact boundary (issue 13 §10).

Each case is a value on the boundary, one unit either side of it, a value of the wrong type
(``None``, a bool where a number is expected, a string that looks like a number or a date) and
a missing value. Each case runs through every way a leaf is evaluated, which must agree: the
operator's predicate alone, a one-key leaf (the engine's fused fast path for ``equals`` and
``exists``), a nested path, a wildcard path, and the traced evaluation used to explain a
failure. The audit date is 2026-06-01 (a mid-year date, so ``since_year_start`` has both
sides).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dsaudit.core.models import EvalContext, Resource
from dsaudit.core.taxonomy import load_taxonomy
from dsaudit.engine.evaluation import Facts, index_resources
from dsaudit.language.conditions import CompileEnv, ConditionError, compile_condition
from dsaudit.language.operators import OPERATORS, OperandError
from dsaudit.language.paths import MISSING

AS_OF = dt.date(2026, 6, 1)
TAXONOMY = load_taxonomy()


def day(offset: int, as_of: dt.date = AS_OF) -> str:
    """The ISO date ``offset`` days from the audit date (negative: in the past)."""
    return (as_of + dt.timedelta(days=offset)).isoformat()


def _ctx(attrs: dict[str, Any], as_of: dt.date) -> EvalContext:
    res = Resource("dataset", "d1", attrs)
    facts = Facts(as_of, TAXONOMY, index_resources([res]), {})
    return EvalContext(res, {}, {}, facts)


def _leaf(op: str, operand: Any, path: str, attrs: dict[str, Any], as_of: dt.date, trace: bool):
    env = CompileEnv(taxonomy=TAXONOMY)
    cond = compile_condition({"path": path, op: operand}, env)
    ctx = _ctx(attrs, as_of)
    if trace:
        ctx.trace = []
    return cond(attrs, ctx)


def evaluate(op: str, operand: Any, value: Any, as_of: dt.date = AS_OF) -> bool:
    """The operator's answer for ``value`` (``MISSING``: no such key), the same on every route."""
    present = value is not MISSING
    answers = {
        "predicate": OPERATORS[op](operand)(value, _ctx({}, as_of)),
        "one key": _leaf(op, operand, "v", {"v": value} if present else {}, as_of, False),
        "one key, traced": _leaf(op, operand, "v", {"v": value} if present else {}, as_of, True),
        "nested": _leaf(op, operand, "a.v", {"a": {"v": value} if present else {}}, as_of, False),
    }
    if present:
        answers["wildcard"] = _leaf(op, operand, "a[*]", {"a": [value]}, as_of, False)
        answers["wildcard, traced"] = _leaf(op, operand, "a[*]", {"a": [value]}, as_of, True)
    assert len(set(answers.values())) == 1, answers
    return answers["predicate"]


# (operator, operand, value, expected). MISSING stands for a key that is not there.
CASES: list[tuple[str, Any, Any, bool]] = [
    # equals: numbers equal numbers (1 == 1.0), booleans only booleans, strings only strings.
    ("equals", 1, 1, True),
    ("equals", 1, 1.0, True),
    ("equals", 1, 0, False),
    ("equals", 1, 2, False),
    ("equals", 0.5, 0.5, True),
    ("equals", 0.5, 1.0, False),
    ("equals", 1, True, False),
    ("equals", 0, False, False),
    ("equals", True, 1, False),
    ("equals", False, 0, False),
    ("equals", True, True, True),
    ("equals", False, False, True),
    ("equals", False, None, False),
    ("equals", 1, "1", False),
    ("equals", "1", 1, False),
    ("equals", "a", "a", True),
    ("equals", "a", "A", False),
    ("equals", "", None, False),
    ("equals", None, None, True),
    ("equals", 1, MISSING, False),
    ("equals", True, MISSING, False),
    ("equals", False, MISSING, False),
    ("equals", "", MISSING, False),
    ("equals", None, MISSING, False),
    # not_equals: the exact negation, so a missing value passes.
    ("not_equals", 1, 1, False),
    ("not_equals", 1, 1.0, False),
    ("not_equals", 1, 2, True),
    ("not_equals", 1, True, True),
    ("not_equals", True, 1, True),
    ("not_equals", True, True, False),
    ("not_equals", "1", 1, True),
    ("not_equals", 1, MISSING, True),
    # in / not_in: membership with the same bool/number separation as equals.
    ("in", [1, 2], 1, True),
    ("in", [1, 2], 1.0, True),
    ("in", [1, 2], 3, False),
    ("in", [1, 2], True, False),
    ("in", [0], False, False),
    ("in", [True], 1, False),
    ("in", [False], 0, False),
    ("in", [True], True, True),
    ("in", ["1"], 1, False),
    ("in", [1], "1", False),
    ("in", [None], None, True),
    ("in", [], 1, False),
    ("in", [1], [1], False),
    ("in", [1], MISSING, False),
    ("in", [None], MISSING, False),
    ("not_in", [1, 2], 1, False),
    ("not_in", [1, 2], 3, True),
    ("not_in", [1], True, True),
    ("not_in", [True], 1, True),
    ("not_in", [], 1, True),
    ("not_in", [1], MISSING, True),
    # gt / gte / lt / lte: at the operand, one either side, halves, and the wrong types.
    *[
        (op, 180, value, expected)
        for op, below, at, above in [
            ("gt", False, False, True),
            ("gte", False, True, True),
            ("lt", True, False, False),
            ("lte", True, True, False),
        ]
        for value, expected in [
            (179, below),
            (179.5, below),
            (180, at),
            (180.0, at),
            (180.5, above),
            (181, above),
            ("180", False),
            ("181", False),
            ("179", False),
            (None, False),
            ([180], False),
            (MISSING, False),
        ]
    ],
    *[
        (op, 0.5, value, expected)
        for op, below, at, above in [
            ("gt", False, False, True),
            ("gte", False, True, True),
            ("lt", True, False, False),
            ("lte", True, True, False),
        ]
        for value, expected in [(0, below), (0.5, at), (1, above)]
    ],
    # A bool is not a number: True is not >= 1 and False is not <= 0.
    ("gte", 1, True, False),
    ("gt", 0, True, False),
    ("lte", 0, False, False),
    ("lt", 1, False, False),
    # String operands compare strings (lexically), and only strings.
    ("gt", "m", "l", False),
    ("gt", "m", "m", False),
    ("gt", "m", "n", True),
    ("gte", "m", "m", True),
    ("lt", "m", "m", False),
    ("lte", "m", "m", True),
    ("lte", "m", "n", False),
    ("gte", "m", 5, False),
    # exists: present and not null; false, 0, "" and [] are present.
    ("exists", True, 0, True),
    ("exists", True, False, True),
    ("exists", True, "", True),
    ("exists", True, [], True),
    ("exists", True, None, False),
    ("exists", True, MISSING, False),
    ("exists", False, None, True),
    ("exists", False, MISSING, True),
    ("exists", False, 0, False),
    ("exists", False, False, False),
    # regex: strings only (the pattern engine itself is tested elsewhere).
    ("regex", "^180$", "180", True),
    ("regex", "^180$", 180, False),
    ("regex", "^180$", "1800", False),
    ("regex", "x", None, False),
    ("regex", "x", MISSING, False),
    # not_regex: a string the pattern does not match; non-strings and missing never hold.
    ("not_regex", "^180$", "1800", True),
    ("not_regex", "^180$", "180", False),
    ("not_regex", "^180$", 180, False),
    ("not_regex", "x", None, False),
    ("not_regex", "x", MISSING, False),
    # contains: list element (by equals: no bool/number mixing), substring, mapping key.
    ("contains", "x", ["x", "y"], True),
    ("contains", "x", ["xy"], False),
    ("contains", "bc", "abcd", True),
    ("contains", "abcd", "abcd", True),
    ("contains", "abcde", "abcd", False),
    ("contains", "k", {"k": 1}, True),
    ("contains", "v", {"k": "v"}, False),
    ("contains", 1, [1.0], True),
    ("contains", 1, [True], False),
    ("contains", True, [1], False),
    ("contains", 0, [False], False),
    ("contains", False, [0], False),
    ("contains", True, [True], True),
    ("contains", 1, {True: "x"}, False),
    ("contains", True, {1: "x"}, False),
    ("contains", 1, {1: "x"}, True),
    ("contains", "1", [1], False),
    ("contains", 1, ["1"], False),
    ("contains", 1, "123", False),
    ("contains", [1], [[1]], True),
    ("contains", [1], {"k": 1}, False),
    ("contains", "x", None, False),
    ("contains", "x", MISSING, False),
    # type: bool is neither a number nor an integer; 1.0 is a number, not an integer.
    ("type", "integer", 1, True),
    ("type", "integer", 1.0, False),
    ("type", "integer", True, False),
    ("type", "number", 0.5, True),
    ("type", "number", False, False),
    ("type", "number", "1", False),
    ("type", "bool", True, True),
    ("type", "bool", 1, False),
    ("type", "string", "", True),
    ("type", "list", [], True),
    ("type", "map", {}, True),
    ("type", "null", None, True),
    ("type", "null", MISSING, False),
    ("type", "string", MISSING, False),
    # older_than_days N: strictly more than N whole days before the audit date.
    ("older_than_days", 30, day(-31), True),
    ("older_than_days", 30, day(-30), False),
    ("older_than_days", 30, day(-29), False),
    ("older_than_days", 30, day(0), False),
    ("older_than_days", 30, day(1), False),
    ("older_than_days", 30, day(-31) + "T23:59:59+08:00", True),
    ("older_than_days", 30, day(-30) + "T00:00:00", False),
    ("older_than_days", 30, AS_OF - dt.timedelta(days=31), True),
    ("older_than_days", 30, AS_OF - dt.timedelta(days=30), False),
    ("older_than_days", 0, day(-1), True),
    ("older_than_days", 0, day(0), False),
    ("older_than_days", 30, "2026-04-31", False),
    ("older_than_days", 30, "not a date", False),
    ("older_than_days", 30, 20260401, False),
    ("older_than_days", 30, True, False),
    ("older_than_days", 30, None, False),
    ("older_than_days", 30, MISSING, False),
    # within_days N: from N days before the audit date up to the audit date; never the future.
    ("within_days", 30, day(-31), False),
    ("within_days", 30, day(-30), True),
    ("within_days", 30, day(-29), True),
    ("within_days", 30, day(0), True),
    ("within_days", 30, day(1), False),
    ("within_days", 30, day(30), False),
    ("within_days", 30, day(0) + "T23:59:59+08:00", True),
    ("within_days", 30, day(1) + "T00:00:00+08:00", False),
    ("within_days", 30, AS_OF - dt.timedelta(days=30), True),
    ("within_days", 30, AS_OF + dt.timedelta(days=1), False),
    ("within_days", 0, day(0), True),
    ("within_days", 0, day(-1), False),
    ("within_days", 0, day(1), False),
    ("within_days", 30, "not a date", False),
    ("within_days", 30, True, False),
    ("within_days", 30, None, False),
    ("within_days", 30, MISSING, False),
    # since_year_start: 1 January of the audit year up to the audit date, both included.
    ("since_year_start", True, "2026-01-01", True),
    ("since_year_start", True, "2025-12-31", False),
    ("since_year_start", True, "2026-01-02", True),
    ("since_year_start", True, day(0), True),
    ("since_year_start", True, day(-1), True),
    ("since_year_start", True, day(1), False),
    ("since_year_start", False, "2025-12-31", True),
    ("since_year_start", False, "2026-01-01", False),
    ("since_year_start", False, day(0), False),
    ("since_year_start", False, day(1), True),
    ("since_year_start", True, "not a date", False),
    ("since_year_start", False, "not a date", False),
    ("since_year_start", True, MISSING, False),
    ("since_year_start", False, MISSING, False),
    # before / after / on_or_after a fixed date, and the audit date ("as_of").
    ("before", "2026-03-22", "2026-03-21", True),
    ("before", "2026-03-22", "2026-03-22", False),
    ("before", "2026-03-22", "2026-03-22T00:00:00", False),
    ("before", "2026-03-22", "2026-03-23", False),
    ("after", "2026-03-22", "2026-03-21", False),
    ("after", "2026-03-22", "2026-03-22", False),
    ("after", "2026-03-22", "2026-03-22T23:59:59", False),
    ("after", "2026-03-22", "2026-03-23", True),
    ("on_or_after", "2026-03-22", "2026-03-21", False),
    ("on_or_after", "2026-03-22", "2026-03-22", True),
    ("on_or_after", "2026-03-22", "2026-03-23", True),
    ("on_or_after", dt.date(2026, 3, 22), "2026-03-22", True),
    ("on_or_after", "2026-03-22", dt.date(2026, 3, 21), False),
    ("before", "as_of", day(-1), True),
    ("before", "as_of", day(0), False),
    ("before", "as_of", day(1), False),
    ("after", "as_of", day(-1), False),
    ("after", "as_of", day(0), False),
    ("after", "as_of", day(1), True),
    ("on_or_after", "as_of", day(-1), False),
    ("on_or_after", "as_of", day(0), True),
    ("on_or_after", "as_of", day(1), True),
    ("since_year_start", True, AS_OF.year, True),  # a year: the audit year
    ("since_year_start", True, AS_OF.year - 1, False),
    ("since_year_start", True, AS_OF.year + 1, False),
    ("since_year_start", False, AS_OF.year - 1, True),
    ("since_year_start", True, True, False),
    ("on_or_before", "2026-03-22", "2026-03-21", True),
    ("on_or_before", "2026-03-22", "2026-03-22", True),
    ("on_or_before", "2026-03-22", "2026-03-23", False),
    ("on_or_before", "as_of", day(0), True),
    ("on_or_before", "as_of", day(1), False),
    *[
        (op, "2026-03-22", value, False)
        for op in ("before", "after", "on_or_after", "on_or_before")
        for value in ("soon", 20260322, True, None, MISSING)
    ],
    # days_gte / days_lt / days_lte: durations with units, equal across units at the boundary.
    ("days_gte", "30d", 30, True),
    ("days_gte", "30d", 29, False),
    ("days_gte", "30d", 31, True),
    ("days_gte", "30d", 29.5, False),
    ("days_gte", "30d", "720h", True),
    ("days_gte", "30d", "719h", False),
    ("days_gte", "30d", "721h", True),
    ("days_gte", "30d", "1m", False),  # a month is a calendar month: 28 to 31 days
    ("days_gte", "30d", "1 month", False),
    ("days_gte", "30d", "30", True),
    ("days_gte", "30d", "30 days", True),
    ("days_gte", "30d", "29 days", False),
    ("days_gte", 180, "6 months", True),
    ("days_gte", 180, "4320h", True),
    ("days_gte", 180, "4319h", False),
    ("days_gte", 180, "26w", True),
    ("days_gte", 180, "25w", False),
    ("days_gte", "24h", 1, True),
    ("days_gte", "24h", "1d", True),
    ("days_gte", "24h", "23h", False),
    ("days_gte", "24h", 0.5, False),
    ("days_lt", "1y", 365, False),
    ("days_lt", "1y", 364, True),
    ("days_lt", "1y", 366, False),
    ("days_lt", "1y", "365d", False),
    ("days_lt", "1y", "364d", True),
    ("days_lt", "1y", "8760h", False),
    ("days_lt", "1y", "8759h", True),
    ("days_lt", "1y", "52w", True),
    ("days_lt", "1y", "53w", False),
    ("days_lt", "1y", "12 months", False),  # twelve months are a year
    ("days_lt", "1y", "11 months", True),
    # Six calendar months last 181 to 184 days: "at least six months" must hold from every
    # start date (from 1 March, 184 days), "at most six months" too (from 31 August, 181).
    ("days_gte", "6 months", 184, True),
    ("days_gte", "6 months", 183, False),
    ("days_gte", "6 months", 181, False),
    ("days_gte", "6 months", 180, False),
    ("days_gte", "6 months", "26w", False),
    ("days_gte", "6 months", "27w", True),
    ("days_gte", "6 months", "6 months", True),
    ("days_gte", "6 months", "5 months", False),
    ("days_gte", "6 months", "1y", True),
    ("days_gte", "6m", "0.5y", True),
    ("days_lte", "6 months", 181, True),
    ("days_lte", "6 months", 182, False),
    ("days_lte", "6 months", "6 months", True),
    ("days_lt", "6 months", 180, True),
    ("days_lt", "6 months", 181, False),
    ("days_gte", 365, "1y", True),
    ("days_gte", 366, "1y", False),
    ("days_gte", "1y", 366, True),
    ("days_gte", "1y", 365, False),
    ("days_lte", "4w", 28, True),
    ("days_lte", "4w", 27, True),
    ("days_lte", "4w", 29, False),
    ("days_lte", "4w", 28.5, False),
    ("days_lte", "4w", "28d", True),
    ("days_lte", "4w", "672h", True),
    ("days_lte", "4w", "673h", False),
    ("days_lte", "4w", "1m", False),
    ("days_lte", "24h", "1 day", True),
    ("days_lte", "30d", "1m", False),  # a calendar month can last 31 days
    ("days_lte", "30d", "1mo", False),
    ("days_lte", "30d", "1 month", False),
    ("days_lte", "31d", "1 month", True),
    ("days_lte", "365d", "1y", False),  # a leap year
    ("days_lte", "366d", "1y", True),
    ("days_lt", 180, "6 months", False),
    ("days_lte", "364d", "1y", False),  # a year is 365 days
    ("days_lte", "365d", "1 year", False),  # 366 days in a leap year
    ("days_lte", "7d", "1w", True),
    ("days_lte", "6d", "1 week", False),
    ("days_lte", "24h", "25h", False),
    *[
        (op, "30d", value, False)
        for op in ("days_gte", "days_lt", "days_lte")
        for value in (True, False, None, "thirty", "-1d", "30x", "", [30], MISSING)
    ],
    # tls_version_gte: TLS 1.2 itself passes; one minor below fails, above passes; SSL < TLS.
    ("tls_version_gte", "1.2", "TLSv1.2", True),
    ("tls_version_gte", "1.2", "TLS1_2", True),
    ("tls_version_gte", "1.2", "tlsv1.2", True),
    ("tls_version_gte", "1.2", "1.2", True),
    ("tls_version_gte", "1.2", 1.2, True),
    ("tls_version_gte", "1.2", "TLSv1.1", False),
    ("tls_version_gte", "1.2", "1.1", False),
    ("tls_version_gte", "1.2", 1.1, False),
    ("tls_version_gte", "1.2", "TLSv1.3", True),
    ("tls_version_gte", "1.2", "1.3", True),
    ("tls_version_gte", "1.2", "TLSv1", False),
    ("tls_version_gte", "1.2", "SSLv3", False),
    ("tls_version_gte", "TLSv1.0", "TLSv1", True),
    ("tls_version_gte", "TLSv1.0", "TLSv1.0", True),
    ("tls_version_gte", "TLSv1.0", "SSLv3", False),
    ("tls_version_gte", "SSLv3", "SSLv3", True),
    ("tls_version_gte", "SSLv3", "SSLv2", False),
    ("tls_version_gte", "SSLv3", "TLSv1.0", True),
    *[
        ("tls_version_gte", "1.2", value, False)
        for value in (
            "garbage",
            "TLSv1.2x",
            "TLSv1.2, TLSv1.3",
            "1.2.3",
            "",
            True,
            None,
            ["TLSv1.3"],
            MISSING,
        )
    ],
    # category_in / sensitive / personal: taxonomy names (strings) only.
    ("category_in", ["biometric"], "biometric", True),
    ("category_in", ["biometric"], "face", True),
    ("category_in", ["biometric"], "name", False),
    ("category_in", ["biometric"], "Face", False),
    ("category_in", ["biometric"], None, False),
    ("category_in", ["biometric"], MISSING, False),
    ("sensitive", True, "fingerprint", True),
    ("sensitive", True, "name", False),
    ("sensitive", True, MISSING, False),
    ("sensitive", False, "name", True),
    ("sensitive", False, "fingerprint", False),
    ("sensitive", False, 1, False),
    ("sensitive", False, MISSING, False),
    ("personal", True, "name", True),
    ("personal", True, "technical_log", False),
    ("personal", True, MISSING, False),
    ("personal", False, "technical_log", True),
    ("personal", False, "name", False),
    ("personal", False, None, False),
    ("personal", False, MISSING, False),
    # app_type_known: a key or number of dsaudit/data/app_necessary_pi.yaml (1 to 39).
    ("app_type_known", True, "online_shopping", True),
    ("app_type_known", True, "6", True),
    ("app_type_known", True, "网上购物类", True),
    ("app_type_known", True, "网上购物", False),
    ("app_type_known", True, 1, True),
    ("app_type_known", True, 39, True),
    ("app_type_known", True, 40, False),
    ("app_type_known", True, 0, False),
    ("app_type_known", True, "Online_Shopping", False),
    ("app_type_known", True, "other", False),
    ("app_type_known", True, True, False),
    ("app_type_known", True, MISSING, False),
    ("app_type_known", False, "other", True),
    ("app_type_known", False, "news", False),
    ("app_type_known", False, None, False),
    ("app_type_known", False, MISSING, False),
    # within_necessary_pi: the category is, or lies below, a necessary category of the type.
    ("within_necessary_pi", "online_shopping", "phone_number", True),
    ("within_necessary_pi", "online_shopping", "payment_record", True),
    ("within_necessary_pi", "online_shopping", "precise_location", False),
    ("within_necessary_pi", "online_shopping", "contact", False),  # broader than phone_number
    ("within_necessary_pi", 6, "address", True),
    ("within_necessary_pi", "travel_services", "email", True),  # below contact (联系方式)
    ("within_necessary_pi", "news", "phone_number", False),  # needs no PI at all
    ("within_necessary_pi", "learning_education", "phone_number", True),
    ("within_necessary_pi", "learning_education", "Phone_number", False),
    ("within_necessary_pi", "learning_education", None, False),
    ("within_necessary_pi", "learning_education", MISSING, False),
]


def _case_id(case: tuple[str, Any, Any, bool]) -> str:
    op, operand, value, expected = case
    shown = "<missing>" if value is MISSING else repr(value)
    return f"{op}:{operand!r}:{shown}->{expected}"[:90]


@pytest.mark.parametrize(("op", "operand", "value", "expected"), CASES, ids=map(_case_id, CASES))
def test_operator_at_the_boundary(op: str, operand: Any, value: Any, expected: bool) -> None:
    assert evaluate(op, operand, value) is expected


def test_every_operator_has_boundary_cases() -> None:
    assert {case[0] for case in CASES} == set(OPERATORS)


@pytest.mark.parametrize(
    ("as_of", "value", "expected"),
    [
        (dt.date(2026, 1, 1), "2026-01-01", True),
        (dt.date(2026, 1, 1), "2025-12-31", False),
        (dt.date(2026, 1, 1), "2026-01-02", False),
        (dt.date(2026, 12, 31), "2026-12-31", True),
        (dt.date(2026, 12, 31), "2027-01-01", False),
        (dt.date(2028, 2, 29), "2028-01-01", True),
    ],
)
def test_since_year_start_at_the_ends_of_the_year(
    as_of: dt.date, value: str, expected: bool
) -> None:
    assert evaluate("since_year_start", True, value, as_of) is expected


@pytest.mark.parametrize(
    ("op", "as_of", "value", "expected"),
    [
        # A leap day, a year boundary and a month end, counted in calendar days.
        ("within_days", dt.date(2028, 3, 1), "2028-02-29", True),
        ("within_days", dt.date(2028, 3, 30), "2028-02-29", True),  # 30 days
        ("within_days", dt.date(2028, 3, 31), "2028-02-29", False),  # 31 days
        ("older_than_days", dt.date(2027, 1, 31), "2026-12-31", False),  # 31 days: not > 31
        ("older_than_days", dt.date(2027, 2, 1), "2026-12-31", True),
    ],
)
def test_days_are_calendar_days_across_month_and_year_ends(
    op: str, as_of: dt.date, value: str, expected: bool
) -> None:
    operand = 31 if op == "older_than_days" else 30
    assert evaluate(op, operand, value, as_of) is expected


@pytest.mark.parametrize(
    ("op", "operand"),
    [
        ("in", "x"),
        ("not_in", None),
        ("in", [[1]]),
        *[(op, bad) for op in ("gt", "gte", "lt", "lte") for bad in (None, True, [1], {})],
        ("exists", "yes"),
        ("exists", 1),
        ("type", "float"),
        ("type", None),
        *[
            (op, bad)
            for op in ("older_than_days", "within_days")
            for bad in (-1, 1.5, True, "30", None)
        ],
        ("since_year_start", "yes"),
        ("since_year_start", 1),
        *[
            (op, bad)
            for op in ("before", "after", "on_or_after", "on_or_before")
            for bad in ("soon", True, 5)
        ],
        *[(op, bad) for op in ("days_gte", "days_lt", "days_lte") for bad in ("soon", True, None)],
        ("tls_version_gte", "high"),
        ("tls_version_gte", None),
        ("tls_version_gte", True),
        ("category_in", "biometric"),
        ("sensitive", "yes"),
        ("personal", 1),
        ("app_type_known", "yes"),
        ("within_necessary_pi", "other"),
        ("within_necessary_pi", 40),
        ("within_necessary_pi", True),
        ("within_necessary_pi", ["news"]),
    ],
    ids=str,
)
def test_a_wrong_operand_is_refused_when_the_rule_compiles(op: str, operand: Any) -> None:
    with pytest.raises(OperandError):
        OPERATORS[op](operand)
    with pytest.raises(ConditionError, match=op):
        compile_condition({"path": "v", op: operand}, CompileEnv(taxonomy=TAXONOMY))
