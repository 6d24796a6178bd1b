"""Compiled conditions keep no state on shared objects (issue 14 §4).

The per-resource memo lives on the :class:`EvalContext`, not on the audit-wide facts; whether
an aggregate may be cached audit-wide is decided by walking the tree, not by searching its
``repr`` for ``@resource``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from dsaudit.core.models import EvalContext, Resource
from dsaudit.engine.evaluation import Facts, index_resources
from dsaudit.language.conditions import (
    CompileEnv,
    compile_condition,
    reads_the_resource,
    resource_memo,
)

AS_OF = dt.date(2026, 6, 30)
SHARED = {"for_any": "fields", "where": {"path": "pi", "equals": True}}


def test_facts_hold_no_memo() -> None:
    names = {f.name for f in dataclasses.fields(Facts)}
    assert not names & {"memo", "memo_ctx", "memo_item"}


def test_the_memo_lives_on_the_context_and_is_filled_there() -> None:
    cond = compile_condition(SHARED, CompileEnv())
    res = Resource("dataset", "d", {"fields": [{"pi": True}]})
    facts = Facts(AS_OF, None, index_resources([res]), {})
    ctx = EvalContext(res, {}, {}, facts)
    assert ctx.memo is None
    assert cond(res.attributes, ctx) is True
    assert ctx.memo == {cond: True}
    assert ctx.memo_of is res.attributes


def test_a_context_without_facts_still_memoises() -> None:
    """The old memo lived on facts and silently did nothing for facts without one."""
    cond = compile_condition(SHARED, CompileEnv())
    res = Resource("dataset", "d", {"fields": [{"pi": False}]})
    ctx = EvalContext(res, {}, {}, None)
    assert cond(res.attributes, ctx) is False
    assert ctx.memo == {cond: False}


def test_the_memo_starts_afresh_for_another_resource() -> None:
    first = Resource("dataset", "a", {})
    second = Resource("dataset", "b", {})
    ctx = EvalContext(first, {}, {}, None)
    memo = resource_memo(ctx)
    memo["x"] = True
    assert resource_memo(ctx) is memo
    ctx.resource = second
    assert resource_memo(ctx) == {}


@pytest.mark.parametrize(
    ("tree", "reads"),
    [
        ({"path": "a", "exists": True}, False),
        ({"path": "@org.size", "gt": 1}, False),
        ({"path": "@resource.name", "exists": True}, True),
        ({"path": "@meta.format", "equals": "nginx"}, True),
        ({"all": [{"path": "a", "exists": True}, {"not": {"path": "@resource.x", "gt": 1}}]}, True),
        ({"any": [{"path": "a", "exists": True}, {"path": "b", "exists": True}]}, False),
        ({"for_any": "@resource.fields", "where": {"path": "x", "exists": True}}, True),
        ({"for_any": "fields", "where": {"path": "@meta.file", "exists": True}}, True),
        ({"count": "@resource.fields", "gte": 1}, True),
        ({"aggregate": "sum", "over": "t", "of": "@resource.n", "gt": 1}, True),
        ({"aggregate": "sum", "over": "t", "of": "n", "gt": 1}, False),
        ({"check": "anything"}, True),  # a named check sees the whole context
        # Text that merely mentions a root is not a path: the old repr() search said True.
        ({"path": "note", "equals": "@resource.name"}, False),
        ({"path": "note", "in": ["@meta", "@resource.x"]}, False),
    ],
)
def test_reads_the_resource_walks_the_tree(tree: dict[str, Any], reads: bool) -> None:
    assert reads_the_resource(tree) is reads


def test_an_aggregate_over_a_check_is_judged_for_each_resource() -> None:
    """A check inside ``where`` may read ``ctx.resource``: no audit-wide cache for it."""

    def same_owner(item: Any, ctx: EvalContext) -> bool:
        return bool(item.get("owner") == ctx.resource.attributes.get("name"))

    tree = {
        "aggregate": "count",
        "over": "transfer",
        "where": {"check": "same_owner"},
        "gte": 2,
    }
    cond = compile_condition(tree, CompileEnv(checks={"same_owner": same_owner}))
    owners = [Resource("system", n, {"name": n}) for n in ("a", "b")]
    moves = [Resource("transfer", f"t{i}", {"owner": o}) for i, o in enumerate("aab")]
    facts = Facts(AS_OF, None, index_resources([*owners, *moves]), {})
    verdicts = [cond(o.attributes, EvalContext(o, {}, {}, facts)) for o in owners]
    assert verdicts == [True, False]


def test_compiling_packs_leaves_the_callers_environment_alone() -> None:
    from projectkit import REPO_ROOT

    from dsaudit.language.packs import compile_packs, load_pack

    env = CompileEnv()
    pack = load_pack(REPO_ROOT / "rules" / "pipl")
    first = compile_packs([pack], env, as_of=dt.date(2026, 6, 30))
    assert env.as_of is None
    assert first.rules
    with pytest.raises(dataclasses.FrozenInstanceError):
        env.as_of = dt.date(2026, 1, 1)  # type: ignore[misc]
