"""Speed-ups of rule evaluation must not change a single result.

Equal sub-conditions compile to one shared closure; shared quantifiers are memoised per
resource; aggregates are cached audit-wide per shared closure; path getters, counts and
taxonomy flags have specialised fast paths. Each test here breaks when one of those leaks
state between resources, rules or parameters, or drifts from the general (traced) path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest
from projectkit import REPO_ROOT

from dsaudit import audit as A
from dsaudit.core.models import EvalContext, Resource, Rule, Severity
from dsaudit.core.taxonomy import Category, Taxonomy, load_taxonomy
from dsaudit.engine.evaluation import Facts, build_facts, evaluate, index_resources
from dsaudit.language.canonical import canonical
from dsaudit.language.conditions import CompileEnv, compile_condition
from dsaudit.language.conditions.distinct import Total
from dsaudit.language.operators import OPERATORS
from dsaudit.language.paths import MISSING, compile_path
from dsaudit.plugin.host import get_plugin_host
from dsaudit.plugin.registry import collect_registry
from dsaudit.project.config import build_config

SAMPLES = REPO_ROOT / "sample_configs"
AS_OF = dt.date(2026, 6, 30)
PERSONAL = {"for_any": "fields", "where": {"path": "category", "personal": True}}


def compile_tree(tree: dict[str, Any], params: dict[str, Any] | None = None) -> Any:
    return compile_condition(tree, CompileEnv(params=params or {}, taxonomy=load_taxonomy()))


def facts_for(resources: Sequence[Resource], taxonomy: Any = None) -> Facts:
    return Facts(AS_OF, taxonomy or load_taxonomy(), index_resources(resources), {})


def make_rule(rule_id: str, when: Any, condition: Any, kind: str = "dataset") -> Rule:
    return Rule(
        id=rule_id,
        title=rule_id,
        severity=Severity.HIGH,
        kind=kind,
        pack="test",
        refs=(),
        condition=condition,
        when=when,
        message="{resource} fails at {path}: {value}",
        remediation="",
    )


def dataset(name: str, *categories: str, **attrs: Any) -> Resource:
    fields = [{"name": f"f{i}", "category": c} for i, c in enumerate(categories)]
    return Resource("dataset", name, {"fields": fields, **attrs}, file=f"{name}.yaml")


def outcome(ev: Any) -> list[tuple[str, str, str, str]]:
    return sorted((r.rule_id, r.resource_id, r.status.value, r.message) for r in ev.results)


# --- sharing compiled conditions -------------------------------------------------------------


def test_equal_trees_share_one_closure() -> None:
    first = compile_tree({"any": [{"path": "a", "equals": 1}, PERSONAL]})
    second = compile_tree({"all": [{"path": "b", "exists": True}, PERSONAL]})
    assert compile_tree(PERSONAL) is compile_tree(dict(PERSONAL))
    assert first is not second
    assert compile_tree({"path": "a", "equals": 1}) is compile_tree({"path": "a", "equals": 1})


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ({"path": "a", "equals": True}, {"path": "a", "equals": 1}),
        ({"path": "a", "equals": 1}, {"path": "a", "equals": 1.5}),
        ({"path": "a", "equals": "1"}, {"path": "a", "equals": 1}),
        ({"path": "a", "in": ["x"]}, {"path": "a", "in": ["x", "y"]}),
        ({"path": "a", "equals": 1}, {"path": "b", "equals": 1}),
        ({"not": {"path": "a", "exists": True}}, {"path": "a", "exists": True}),
    ],
)
def test_different_trees_do_not_share(left: dict[str, Any], right: dict[str, Any]) -> None:
    assert canonical(left, {}) != canonical(right, {})
    assert compile_tree(left) is not compile_tree(right)


def test_parameters_are_part_of_the_shared_form() -> None:
    tree = {"path": "retention_days", "lte": {"param": "max_days"}}
    short = compile_tree(tree, {"max_days": 30})
    long = compile_tree(tree, {"max_days": 365})
    assert short is not long
    assert short is compile_tree(tree, {"max_days": 30})
    res = dataset("d", retention_days=90)
    ctx = EvalContext(res, {}, {}, facts_for([res]))
    assert (short(res.attributes, ctx), long(res.attributes, ctx)) == (False, True)


def test_a_literal_that_looks_like_a_parameter_is_not_resolved() -> None:
    # Only a whole operand is a parameter; inside a list it is a literal mapping.
    a = canonical({"path": "x", "equals": [{"param": "p"}]}, {"p": 1, "q": 1})
    b = canonical({"path": "x", "equals": [{"param": "q"}]}, {"p": 1, "q": 1})
    assert a != b


def test_named_checks_are_never_shared() -> None:
    calls: list[Any] = []

    def probe(value: Any, ctx: EvalContext) -> bool:
        calls.append(ctx.params)
        return True

    env = CompileEnv(checks={"probe": probe}, taxonomy=load_taxonomy())
    tree = {"check": "probe"}
    assert canonical(tree, {}) is None
    assert compile_condition(tree, env) is not compile_condition(tree, env)
    assert canonical({"all": [tree, {"path": "a", "exists": True}]}, {}) is None


# --- the per-resource memo -------------------------------------------------------------------


def test_shared_applicability_does_not_leak_between_resources() -> None:
    when = compile_tree(PERSONAL)
    yes = compile_tree({"path": "owner", "exists": True})
    rules = [make_rule("R1", when, yes), make_rule("R2", compile_tree(PERSONAL), yes)]
    assert rules[0].when is rules[1].when
    resources = [
        dataset("pi", "name", owner="x"),
        dataset("plain", "product_sku"),
        dataset("pi-no-owner", "phone_number"),
        dataset("plain-2", "product_sku"),
    ]
    ev = evaluate(rules, facts_for(resources), keep_passes=False)
    assert ev.not_applicable == {"R1": 2, "R2": 2}
    assert ev.passed == {"R1": 1, "R2": 1}
    assert {(r.rule_id, r.resource_id) for r in ev.results if r.status.value == "fail"} == {
        ("R1", "pi-no-owner"),
        ("R2", "pi-no-owner"),
    }


def test_memo_follows_the_context_it_was_filled_for() -> None:
    cond = compile_tree(PERSONAL)
    pi, plain = dataset("pi", "name"), dataset("plain", "product_sku")
    facts = facts_for([pi, plain])
    for _ in range(2):
        assert cond(pi.attributes, EvalContext(pi, {}, {}, facts)) is True
        assert cond(plain.attributes, EvalContext(plain, {}, {}, facts)) is False
    ctx = EvalContext(pi, {}, {}, facts)
    assert cond(pi.attributes, ctx) is True
    ctx.resource = plain  # a reused context pointed at another resource
    assert cond(plain.attributes, ctx) is False


def test_memo_is_not_used_for_items_other_than_the_resource() -> None:
    inner = {"for_any": "tags", "where": {"path": "v", "equals": 1}}
    outer = compile_tree({"for_any": "fields", "where": inner})
    res = Resource(
        "dataset", "d", {"tags": [{"v": 2}], "fields": [{"tags": [{"v": 2}]}, {"tags": [{"v": 1}]}]}
    )
    ctx = EvalContext(res, {}, {}, facts_for([res]))
    assert compile_tree(inner)(res.attributes, ctx) is False  # memoised False for the root
    assert outer(res.attributes, ctx) is True  # the elements are judged on their own


def test_memoised_rules_with_different_parameters_disagree() -> None:
    tree = {"for_any": "fields", "where": {"path": "level", "gte": {"param": "n"}}}
    low, high = compile_tree(tree, {"n": 1}), compile_tree(tree, {"n": 5})
    res = Resource("dataset", "d", {"fields": [{"level": 3}]})
    ok = compile_tree({"path": "fields", "exists": True})
    ev = evaluate(
        [make_rule("LOW", low, ok), make_rule("HIGH", high, ok)],
        facts_for([res]),
        keep_passes=False,
    )
    assert ev.passed == {"LOW": 1}
    assert ev.not_applicable == {"HIGH": 1}


# --- aggregates ------------------------------------------------------------------------------


def test_equal_aggregates_are_computed_once_and_different_ones_apart() -> None:
    count_pi = {"aggregate": "count", "over": "dataset", "where": PERSONAL, "gte": 2}
    count_all = {"aggregate": "count", "over": "dataset", "gte": 2}
    resources = [
        Resource("organization", "org", {}),
        dataset("a", "name"),
        dataset("b", "product_sku"),
    ]
    facts = facts_for(resources)
    ok = compile_tree({"path": "@org", "exists": True})
    rules = [
        make_rule("PI-1", compile_tree(count_pi), ok, kind="organization"),
        make_rule("PI-2", compile_tree(dict(count_pi)), ok, kind="organization"),
        make_rule("ALL", compile_tree(count_all), ok, kind="organization"),
    ]
    ev = evaluate(rules, facts, keep_passes=False)
    assert ev.not_applicable == {"PI-1": 1, "PI-2": 1}
    assert ev.passed == {"ALL": 1}
    totals = sorted(v.value for v in facts.cache.values() if isinstance(v, Total))
    assert totals == [1, 2]


# --- specialised fast paths agree with the general ones --------------------------------------


class Attrs(dict):  # a mapping that is not exactly a dict
    pass


GETTER_PATHS = [
    *("a", "a.b", "a.b.c", "a[0]", "@org", "@org.size", "@org.nested.k", "@resource.a.b"),
    *("@meta.file", "@meta.kind", "@meta.format", "@meta.x.y", "@meta.missing"),
]


@pytest.mark.parametrize("path", GETTER_PATHS)
@pytest.mark.parametrize(
    "item",
    [
        {"a": {"b": {"c": 1}}},
        {"a": {"b": None}},
        {"a": [{"b": 1}]},
        {"a": "text"},
        {},
        Attrs(a={"b": 2}),
        ["a"],
        None,
    ],
)
def test_specialised_getter_equals_the_general_one(path: str, item: Any) -> None:
    res = Resource(
        "config", "c", {"a": {"b": 5}}, file="etc/x.conf", meta={"format": "ini", "x": {"y": 7}}
    )
    ctx = EvalContext(res, {"size": 3, "nested": {"k": "v"}}, {}, facts_for([res]))
    spec = compile_path(path)
    assert spec.getter()(item, ctx) == spec.get(item, ctx)
    assert (spec.getter()(item, ctx) is MISSING) == (spec.get(item, ctx) is MISSING)


@pytest.mark.parametrize("where", [None, {"path": "ok", "equals": True}])
@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"items": None},
        {"items": 3},
        {"items": {"ok": True}},
        {"items": []},
        {"items": [{"ok": True}, {"ok": False}, 7]},
    ],
)
def test_count_fast_path_equals_the_traced_path(
    where: dict[str, Any] | None, attrs: dict[str, Any]
) -> None:
    tree: dict[str, Any] = {"count": "items", "gte": 1}
    if where is not None:
        tree["where"] = where
    cond = compile_tree(tree)
    res = Resource("dataset", "d", attrs)
    fast = cond(attrs, EvalContext(res, {}, {}, facts_for([res])))
    traced = cond(attrs, EvalContext(res, {}, {}, facts_for([res]), trace=[]))
    assert fast == traced


def test_taxonomy_flags_match_the_taxonomy_for_every_category() -> None:
    taxonomy = load_taxonomy()
    names = [*taxonomy.names(), "no_such_category", 7, None]
    res = Resource("dataset", "d", {})
    ctx = EvalContext(res, {}, {}, facts_for([res], taxonomy))
    for op, ask in (("sensitive", taxonomy.is_sensitive), ("personal", taxonomy.is_personal)):
        for flag in (True, False):
            cond = compile_tree({"path": "c", op: flag})
            for name in names:
                expected = isinstance(name, str) and ask(name) is flag
                assert cond({"c": name}, ctx) is expected, (op, flag, name)


def test_taxonomy_flags_follow_the_taxonomy_of_the_audit() -> None:
    def tree_of(sensitive_child: str) -> Taxonomy:
        nodes = [
            Category("personal_information", None, "PI", "个人信息", "t"),
            Category("sensitive_pi", "personal_information", "S", "敏感", "t"),
            Category("a", "sensitive_pi", "A", "A", "t"),
            Category("b", "personal_information", "B", "B", "t"),
        ]
        if sensitive_child == "b":
            nodes[2:] = [
                Category("a", "personal_information", "A", "A", "t"),
                Category("b", "sensitive_pi", "B", "B", "t"),
            ]
        return Taxonomy(nodes)

    cond = compile_tree({"path": "c", "sensitive": True})
    res = Resource("dataset", "d", {})
    for child in ("a", "b", "a"):
        ctx = EvalContext(res, {}, {}, facts_for([res], tree_of(child)))
        assert cond({"c": "a"}, ctx) is (child == "a")
        assert cond({"c": "b"}, ctx) is (child == "b")


# --- the shipped packs: all rules together == each rule alone ---------------------------------


@pytest.mark.parametrize("sample", ["acme-retail", "cn-hospital", "consumer-app"])
def test_rules_together_give_what_each_rule_gives_alone(sample: str) -> None:
    cfg = build_config(SAMPLES / sample, as_of=AS_OF)
    host = get_plugin_host()
    registry = collect_registry(host)
    taxonomy = load_taxonomy()
    compiled = A.compile_rules(cfg, A.load_packs(cfg, registry), registry, taxonomy)
    resources, _, _ = A.collect(cfg, host, registry, taxonomy)
    together = evaluate(compiled.rules, build_facts(resources, cfg.as_of, taxonomy)[0])
    alone_results: list[Any] = []
    alone_na: dict[str, int] = {}
    for rule in compiled.rules:
        ev = evaluate([rule], build_facts(resources, cfg.as_of, taxonomy)[0])
        alone_results.extend(ev.results)
        alone_na.update(ev.not_applicable)

    def key(r: Any) -> tuple[Any, ...]:
        return (
            r.rule_id,
            r.resource_id,
            r.status.value,
            r.message,
            str(r.location),
            r.fingerprint,
            r.evidence,
        )

    assert sorted(map(key, together.results)) == sorted(map(key, alone_results))
    assert together.not_applicable == alone_na
    assert any(r.status.value == "fail" for r in together.results)


A1, B1, C1 = ({"path": k, "equals": True} for k in ("a", "b", "c"))


@pytest.mark.parametrize(
    "tree",
    [
        {"all": [A1, B1]},
        {"any": [A1, B1]},
        {"all": [A1, B1, C1]},
        {"any": [A1, B1, C1]},
        {"all": [A1]},
        {"any": [{"all": [A1, B1]}, {"not": C1}]},
        {"for_all": "xs", "where": {"any": [A1, B1]}},
        {"for_none": "xs", "where": {"all": [A1, B1, C1]}},
    ],
)
@pytest.mark.parametrize(
    "attrs",
    [
        {"a": a, "b": b, "c": c, "xs": [{"a": a, "b": b, "c": c}, {"a": b, "b": c, "c": a}]}
        for a in (True, False)
        for b in (True, False)
        for c in (True, False)
    ],
)
def test_fast_path_agrees_with_the_traced_path(tree: dict[str, Any], attrs: dict[str, Any]) -> None:
    cond = compile_tree(tree)
    res = Resource("dataset", "d", attrs)
    fast = cond(attrs, EvalContext(res, {}, {}, facts_for([res])))
    traced = cond(attrs, EvalContext(res, {}, {}, facts_for([res]), trace=[]))
    assert fast is traced


def test_subjects_limit_the_resources_checked_but_not_what_conditions_see() -> None:
    count_all = compile_tree({"aggregate": "count", "over": "dataset", "gte": 3})
    rules = [
        make_rule("PI", compile_tree(PERSONAL), compile_tree({"path": "owner", "exists": True})),
        make_rule("MANY", None, count_all),
    ]
    resources = [dataset("a", "name"), dataset("b", "product_sku"), dataset("c", "phone_number")]
    whole = evaluate(rules, facts_for(resources))
    parts = [
        evaluate(rules, facts_for(resources), subjects={"dataset": resources[:2]}),
        evaluate(rules, facts_for(resources), subjects={"dataset": resources[2:]}),
        evaluate(rules, facts_for(resources), subjects={}),
    ]
    assert outcome(whole) == sorted(o for part in parts for o in outcome(part))
    assert [(r.rule_id, r.resource_id) for r in parts[0].results] == [
        ("PI", "a"),
        ("MANY", "a"),
        ("MANY", "b"),
    ]
    assert all(r.status.value == "pass" for r in whole.results if r.rule_id == "MANY")


@pytest.mark.parametrize(
    ("op", "operand"),
    [
        ("equals", True),
        ("equals", False),
        ("equals", "x"),
        ("exists", True),
        ("exists", False),
        ("equals", 1),
        ("in", ["x", 1]),
    ],
)
@pytest.mark.parametrize("value", [True, False, 1, 0, 1.0, "x", "", None, [], {}, "absent"])
def test_fused_leaves_answer_like_the_operator(op: str, operand: Any, value: Any) -> None:
    attrs = {} if value == "absent" else {"k": value}
    res = Resource("dataset", "d", attrs)
    ctx = EvalContext(res, {}, {}, facts_for([res]))
    expected = OPERATORS[op](operand)(attrs.get("k", MISSING), ctx)
    cond = compile_tree({"path": "k", op: operand})
    assert cond(attrs, ctx) is expected
    assert cond(attrs, EvalContext(res, {}, {}, facts_for([res]), trace=[])) is expected
    assert cond(["not a mapping"], ctx) is OPERATORS[op](operand)(MISSING, ctx)


@pytest.mark.parametrize("match", ["all", "any", "none"])
@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"tls": "1.0"},
        {"a": {"tls": "1.2"}, "b": [{"tls": "1.0"}, {"c": {"tls": "1.3"}}]},
        {"a": {"tls": "1.2"}, "b": [{"tls": "1.3"}]},
        {"a": {"other": "1.0"}},
    ],
)
def test_deep_key_fast_path_agrees_with_resolving(match: str, attrs: dict[str, Any]) -> None:
    cond = compile_tree({"path": "**.tls", "match": match, "tls_version_gte": "1.2"})
    res = Resource("config", "c", attrs)
    fast = cond(attrs, EvalContext(res, {}, {}, facts_for([res])))
    traced = cond(attrs, EvalContext(res, {}, {}, facts_for([res]), trace=[]))
    oks = [
        v >= "1.2" for _, v in compile_path("**.tls").resolve(attrs, EvalContext(res, {}, {}, None))
    ]
    expected = all(oks) if match == "all" else any(oks) if match == "any" else not any(oks)
    assert fast is traced is expected
    other = {"x": {"tls": "1.0"}}  # not the resource: resolved, not read from its key index
    verdict = {"all": False, "any": False, "none": True}[match]  # its one value is too old
    assert cond(other, EvalContext(res, {}, {}, facts_for([res]))) is verdict


def test_aggregates_with_the_same_filter_share_the_matching_resources() -> None:
    count_pi = {"aggregate": "count", "over": "dataset", "where": PERSONAL, "equals": 2}
    sum_pi = {"aggregate": "sum", "over": "dataset", "of": "size", "where": PERSONAL, "equals": 7}
    max_all = {"aggregate": "max", "over": "dataset", "of": "size", "equals": 10}
    resources = [
        Resource("organization", "org", {}),
        dataset("a", "name", size=3),
        dataset("b", "product_sku", size=10),
        dataset("c", "phone_number", size=4),
    ]
    facts = facts_for(resources)
    res = resources[0]
    ctx = EvalContext(res, {}, {}, facts)
    assert [compile_tree(t)(res.attributes, ctx) for t in (count_pi, sum_pi, max_all)] == [
        True,
        True,
        True,
    ]
    filters = [k for k in facts.cache if isinstance(k, tuple) and k[0] == "where"]
    assert len(filters) == 1
    assert [r.id for r in facts.cache[filters[0]]] == ["a", "c"]
