"""The rule language: paths, operators, quantifiers, aggregates, named checks, errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dsaudit.core.models import EvalContext, Resource
from dsaudit.core.taxonomy import load_taxonomy
from dsaudit.engine.evaluation import Facts, index_resources
from dsaudit.language.conditions import CompileEnv, ConditionError, compile_condition
from dsaudit.language.paths import compile_path, format_path


def run(
    tree: dict[str, Any],
    attrs: dict[str, Any],
    *,
    org: dict[str, Any] | None = None,
    others: list[Resource] | None = None,
    params: dict[str, Any] | None = None,
    checks: dict[str, Any] | None = None,
    as_of: dt.date = dt.date(2026, 6, 1),
) -> bool:
    env = CompileEnv(params=params or {}, checks=checks or {}, taxonomy=load_taxonomy())
    cond = compile_condition(tree, env)
    res = Resource("dataset", "d1", attrs)
    facts = Facts(as_of, load_taxonomy(), index_resources([res, *(others or [])]), org or {})
    return cond(attrs, EvalContext(res, org or {}, params or {}, facts))


@pytest.mark.parametrize(
    ("tree", "attrs", "expected"),
    [
        ({"path": "a", "equals": 1}, {"a": 1}, True),
        ({"path": "a", "equals": 1}, {"a": True}, False),
        ({"path": "a", "equals": True}, {"a": 1}, False),
        ({"path": "a", "not_equals": 1}, {}, True),
        ({"path": "a", "in": ["x", "y"]}, {"a": "y"}, True),
        ({"path": "a", "not_in": ["x"]}, {}, True),
        ({"path": "a", "gte": 180}, {"a": 180}, True),
        ({"path": "a", "gte": 180}, {"a": "180"}, False),
        ({"path": "a", "lt": 5}, {"a": 4.5}, True),
        ({"path": "a", "exists": True}, {"a": None}, False),
        ({"path": "a", "exists": False}, {}, True),
        ({"path": "a", "regex": "^TLS"}, {"a": "TLSv1.2"}, True),
        ({"path": "a", "contains": "x"}, {"a": ["x", "y"]}, True),
        ({"path": "a", "contains": "bc"}, {"a": "abcd"}, True),
        ({"path": "a", "type": "list"}, {"a": []}, True),
        ({"path": "d", "older_than_days": 365}, {"d": "2025-01-01"}, True),
        ({"path": "d", "within_days": 365}, {"d": "2025-07-01"}, True),
        ({"path": "d", "within_days": 365}, {"d": "not a date"}, False),
        ({"path": "d", "since_year_start": True}, {"d": "2026-02-01"}, True),
        ({"path": "d", "since_year_start": True}, {"d": "2025-12-31"}, False),
        ({"path": "d", "before": "2024-03-22"}, {"d": "2024-03-21"}, True),
        ({"path": "r", "days_gte": 180}, {"r": "6 months"}, True),
        ({"path": "r", "days_gte": 180}, {"r": "90d"}, False),
        ({"path": "t", "tls_version_gte": "1.2"}, {"t": "TLSv1.3"}, True),
        ({"path": "t", "tls_version_gte": "1.2"}, {"t": "TLS1_1"}, False),
        ({"path": "t", "tls_version_gte": "1.2"}, {"t": "SSLv3"}, False),
        ({"path": "c", "sensitive": True}, {"c": "fingerprint"}, True),
        ({"path": "c", "sensitive": True}, {"c": "name"}, False),
        ({"path": "c", "category_in": ["biometric"]}, {"c": "face"}, True),
        ({"path": "c", "personal": True}, {"c": "technical_log"}, False),
    ],
    ids=lambda v: str(v)[:40] if not isinstance(v, bool) else str(v),
)
def test_operators(tree: dict[str, Any], attrs: dict[str, Any], expected: bool) -> None:
    assert run(tree, attrs) is expected


def test_paths_with_wildcards_quotes_and_depth() -> None:
    attrs = {"data": {"tls.enabled": "false"}, "x": {"y": [{"z": 1}, {"z": 2}]}}
    assert run({"path": 'data."tls.enabled"', "equals": "false"}, attrs)
    assert run({"path": "x.y[*].z", "gte": 1}, attrs)
    assert not run({"path": "x.y[*].z", "gte": 2}, attrs)
    assert run({"path": "x.y[*].z", "gte": 2, "match": "any"}, attrs)
    assert run({"path": "x.y[*].z", "gt": 5, "match": "none"}, attrs)
    assert run({"path": "**.z", "lte": 2}, attrs)
    assert run({"path": "x.y[1].z", "equals": 2}, attrs)
    assert format_path(("data", "tls.enabled", 0)) == 'data."tls.enabled"[0]'


@pytest.mark.parametrize("bad", ["", "a..b", "a.", "@nope.x", "**", "a[x]"])
def test_bad_paths_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        compile_path(bad)


def test_quantifiers_and_count() -> None:
    attrs = {"fields": [{"category": "name"}, {"category": "face"}, {"category": "phone"}]}
    sensitive = {"path": "category", "sensitive": True}
    assert run({"for_any": "fields", "where": sensitive}, attrs)
    assert not run({"for_all": "fields", "where": sensitive}, attrs)
    assert not run({"for_none": "fields", "where": sensitive}, attrs)
    assert run({"count": "fields", "where": {"not": sensitive}, "equals": 2}, attrs)
    assert run({"count": "fields", "gte": 3}, attrs)
    assert run({"for_all": "missing", "where": sensitive}, attrs)  # vacuous


def test_boolean_logic_and_params() -> None:
    tree = {"any": [{"path": "a", "gte": {"param": "min"}}, {"not": {"path": "b", "exists": True}}]}
    assert run(tree, {"a": 5}, params={"min": 3})
    assert not run(tree, {"a": 1, "b": 1}, params={"min": 3})
    assert run({"all": [{"path": "a", "equals": 1}, {"path": "b", "equals": 2}]}, {"a": 1, "b": 2})


def test_org_root_and_aggregates() -> None:
    transfers = [
        Resource("transfer", f"t{i}", {"individuals_ytd": n, "destination": d})
        for i, (n, d) in enumerate([(60_000, "US"), (50_000, "DE"), (900_000, "CN")])
    ]
    abroad = {"path": "destination", "not_equals": "CN"}
    total = {"aggregate": "sum", "over": "transfer", "of": "individuals_ytd", "where": abroad}
    assert run({**total, "gte": 100_000}, {}, others=transfers)
    assert not run({**total, "gte": 200_000}, {}, others=transfers)
    assert run({"aggregate": "count", "over": "transfer", "equals": 3}, {}, others=transfers)
    assert run({"aggregate": "max", "over": "transfer", "of": "individuals_ytd", "equals": 900_000},
               {}, others=transfers)  # fmt: skip
    assert run({"path": "@org.is_ciio", "equals": True}, {}, org={"is_ciio": True})


def test_named_checks_return_offending_values() -> None:
    def no_x(item: Any, ctx: Any, key: str = "x") -> list[Any]:
        return [((key,), item[key])] if key in item else []

    assert run({"check": "no_x"}, {"y": 1}, checks={"no_x": no_x})
    assert not run({"check": "no_x", "with": {"key": "y"}}, {"y": 1}, checks={"no_x": no_x})


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        ({"path": "a", "equal": 1}, 'unknown operator "equal" (did you mean "equals"?)'),
        ({"pth": "a"}, 'unknown condition "pth"'),
        (
            {"path": "c", "category_in": ["biometrc"]},
            'unknown data category "biometrc" (did you mean "biometric"?)',
        ),
        ({"check": "no_such"}, 'unknown check "no_such"'),
        ({"path": "a", "gte": {"param": "mn"}}, 'unknown parameter "mn"'),
        ({"path": "a", "in": "x"}, "'in' needs a list"),
        ({"path": "a", "regex": "a(?=b)"}, "RE2 has no lookahead"),
        ({"path": "a", "regex": "("}, "invalid regex"),
        ({"all": []}, "non-empty list"),
        ({"aggregate": "avg", "over": "x", "gte": 1}, "'aggregate' must be one of"),
        ({"path": "a"}, "has no operator"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_compile_errors_are_clear(tree: dict[str, Any], message: str) -> None:
    env = CompileEnv(params={"min": 1}, checks={}, taxonomy=load_taxonomy())
    with pytest.raises(ConditionError) as err:
        compile_condition(tree, env)
    assert message in str(err.value)


def test_trace_records_the_offending_value() -> None:
    env = CompileEnv(taxonomy=load_taxonomy())
    cond = compile_condition(
        {"for_all": "fields", "where": {"path": "purpose", "exists": True}}, env
    )
    attrs = {"fields": [{"purpose": "x"}, {"name": "n"}]}
    res = Resource("dataset", "d", attrs)
    ctx = EvalContext(res, {}, {}, Facts(dt.date(2026, 1, 1), None, {}, {}), trace=[])
    assert not cond(attrs, ctx)
    assert ctx.trace is not None
    failing = [(path, held) for path, _, held in ctx.trace if not held]
    assert failing == [(("fields", 1, "purpose"), False)]


def test_trace_marks_the_failing_leaf_of_all_and_flips_under_not() -> None:
    env = CompileEnv(taxonomy=load_taxonomy())
    tree = {"all": [{"path": "a", "equals": True}, {"not": {"path": "b", "equals": "x"}}]}
    cond = compile_condition(tree, env)
    attrs = {"a": True, "b": "x"}
    res = Resource("dataset", "d", attrs)
    ctx = EvalContext(res, {}, {}, Facts(dt.date(2026, 1, 1), None, {}, {}), trace=[])
    assert not cond(attrs, ctx)
    assert ctx.trace == [(("a",), True, True), (("b",), "x", False)]


@pytest.mark.parametrize(
    ("tree", "attrs", "offending"),
    [
        (
            {"for_none": "items", "where": {"path": "bad", "equals": True}},
            {"items": [{"bad": False}, {"bad": True}]},
            [(("items", 1, "bad"), True)],
        ),
        (
            {
                "all": [
                    {"any": [{"path": "a", "equals": 1}, {"path": "b", "equals": 2}]},
                    {"path": "c", "equals": 3},
                ]
            },
            {"a": 9, "b": 2, "c": 0},
            [(("c",), 0)],
        ),
        (
            {"for_all": "xs", "where": {"path": "ok", "equals": True}},
            {"xs": [{"ok": True}, {"ok": False}]},
            [(("xs", 1, "ok"), False)],
        ),
    ],
    ids=["for_none", "any-that-held", "for_all"],
)
def test_only_offending_values_are_marked(
    tree: dict[str, Any], attrs: dict[str, Any], offending: list[Any]
) -> None:
    cond = compile_condition(tree, CompileEnv(taxonomy=load_taxonomy()))
    res = Resource("dataset", "d", attrs)
    ctx = EvalContext(res, {}, {}, Facts(dt.date(2026, 1, 1), None, {}, {}), trace=[])
    assert not cond(attrs, ctx)
    assert ctx.trace is not None
    assert [(p, v) for p, v, held in ctx.trace if not held] == offending


@pytest.mark.parametrize(
    ("condition", "attributes", "held"),
    [
        ({"path": "tls", "match": "none", "equals": True}, {"tls": True}, False),
        ({"path": "tls", "match": "none", "equals": True}, {"tls": False}, True),
        ({"path": "tls", "match": "none", "exists": True}, {}, True),
        ({"path": "a.b", "match": "none", "regex": "^x"}, {"a": {"b": "xy"}}, False),
        ({"path": "a.b", "match": "none", "regex": "^x"}, {"a": {"b": "yx"}}, True),
        ({"path": "tls", "match": "any", "equals": True}, {"tls": True}, True),
    ],
)
def test_match_none_on_a_single_path_negates_the_leaf(
    condition: dict[str, Any], attributes: dict[str, Any], held: bool
) -> None:
    """``match: none`` on a path without wildcards was silently ignored (the leaf held as is)."""
    assert run(condition, attributes) is held


@pytest.mark.parametrize(
    ("value", "held"),
    [("http://example.com", True), ("http://localhost:8080/x", False), ("ftp://x", False),
     ("http://localhost.evil.example", True), ("http://localhost", False), (5, False)],
)  # fmt: skip
def test_not_regex_is_the_string_negation_of_regex(value: Any, held: bool) -> None:
    tree = {"path": "u", "regex": "^http://", "not_regex": "^http://(localhost)([:/?#]|$)"}
    assert run(tree, {"u": value}) is held
