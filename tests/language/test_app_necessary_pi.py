"""The app-pi pack end to end, and ``as: NAME`` on a leaf whose operand is read from the record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dsaudit.core.models import Resource, Status
from dsaudit.core.taxonomy import load_taxonomy
from dsaudit.engine.evaluation import build_facts, evaluate
from dsaudit.language.conditions import CompileEnv, ConditionError, compile_condition
from dsaudit.language.packs import builtin_packs_dir, compile_packs, load_pack

AS_OF = dt.date(2026, 6, 1)


class Results(dict[tuple[str, str], Any]):
    """The results by (rule, resource), the last of each; ``every`` keeps them all (a rule
    reports one finding per offending category)."""

    every: list[Any]


def run(*systems: dict[str, Any], as_of: dt.date = AS_OF) -> Results:
    pack = load_pack(builtin_packs_dir() / "app-pi")
    taxonomy = load_taxonomy()
    compiled = compile_packs([pack], CompileEnv(taxonomy=taxonomy), as_of=as_of)
    resources = [Resource("organization", "org", {})] + [
        Resource("system", f"s{i}", s) for i, s in enumerate(systems)
    ]
    facts, _ = build_facts(resources, as_of, taxonomy)
    results = evaluate(compiled.rules, facts).results
    out = Results({(r.rule_id, r.resource_id): r for r in results})
    out.every = results
    return out


def test_the_message_names_the_category_and_the_types_necessary_pi() -> None:
    out = run(
        {"type": "app", "app_type": "online_shopping",
         "app_required_categories": ["phone_number", "precise_location", "contact_list"]},
    )  # fmt: skip
    assert out[("APPPI-NECESSARY-SCOPE", "s0")].status is Status.FAIL
    found = [r for r in out.every if r.rule_id == "APPPI-NECESSARY-SCOPE"]
    # one finding per category beyond the necessary PI (phone_number is within it)
    assert sorted(e.value for r in found for e in r.evidence) == [
        "contact_list",
        "precise_location",
    ]
    located = next(r for r in found if "marks precise_location" in r.message)
    assert located.message.startswith(
        "App s0 marks precise_location required for its basic function, which is beyond the "
        "necessary PI of its type: 网上购物类 (6, online_shopping), necessary PI: phone_number, "
        "name, address, payment_record."
    )


def test_a_type_needing_no_pi_says_so() -> None:
    out = run({"type": "app", "app_type": "32", "app_required_categories": ["device_id"]})
    result = out[("APPPI-NECESSARY-SCOPE", "s0")]
    assert "浏览器类 (32, browser), whose basic function needs no personal information" in (
        result.message
    )


def test_a_compliant_app_passes_every_rule() -> None:
    out = run(
        {"type": "mini_program", "app_type": "food_delivery",
         "app_required_categories": ["phone_number", "name", "address", "payment_record"],
         "app_basic_function_without_optional_pi": True},
    )  # fmt: skip
    assert {k[0]: r.status for k, r in out.items()} == {
        "APPPI-NECESSARY-SCOPE": Status.PASS,
        "APPPI-BASIC-FUNCTION": Status.PASS,
        "APPPI-APP-FACTS": Status.PASS,
    }


def test_the_rules_are_not_in_force_before_2021_05_01() -> None:
    app = {"type": "app", "app_type": "news", "app_required_categories": ["phone_number"]}
    assert run(app, as_of=dt.date(2021, 4, 30)) == {}
    assert run(app, as_of=dt.date(2021, 5, 1))[("APPPI-NECESSARY-SCOPE", "s0")].status is (
        Status.FAIL
    )


def test_a_missing_app_type_is_named_in_the_facts_note() -> None:
    out = run({"type": "app", "app_required_categories": [],
               "app_basic_function_without_optional_pi": True})  # fmt: skip
    assert ("APPPI-NECESSARY-SCOPE", "s0") not in out  # not applicable: no result
    facts = out[("APPPI-APP-FACTS", "s0")]
    assert facts.status is Status.FAIL
    assert "does not record app_type" in facts.message


def _ctx_values(tree: dict[str, Any], attributes: dict[str, Any]) -> dict[str, str]:
    exports: dict[str, Any] = {}
    compile_condition(tree, CompileEnv(taxonomy=load_taxonomy(), exports=exports))
    taxonomy = load_taxonomy()
    facts, _ = build_facts([Resource("system", "s", attributes)], AS_OF, taxonomy)

    class Ctx:
        resource = Resource("system", "s", attributes)

    ctx: Any = Ctx()
    ctx.facts = facts
    out: dict[str, str] = {}
    for _, values, names in exports.values():
        shown = values(ctx)
        assert set(shown) == set(names)
        out.update(shown)
    return out


def test_as_on_a_leaf_shows_the_operand_read_from_the_record() -> None:
    tree = {"path": "c[*]", "within_necessary_pi": {"path": "t"}, "as": "necessary"}
    assert _ctx_values(tree, {"t": "19", "c": ["phone_number"]}) == {
        "necessary": "学习教育类 (19, learning_education), necessary PI: phone_number"
    }
    assert _ctx_values(tree, {"c": []}) == {"necessary": "not recorded"}
    assert _ctx_values(tree, {"t": "other"}) == {"necessary": "'other' (not a listed type)"}


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        ({"path": "c", "within_necessary_pi": "news", "as": "n"}, "needs one operand read"),
        ({"path": "d", "before": {"path": "e"}, "as": "due"}, "needs one operand read"),
        ({"path": "c", "within_necessary_pi": {"path": "t"}, "as": "Necessary"}, "lower-case"),
        ({"path": "c", "within_necessary_pi": {"path": "t"}, "as": "n"}, "clashes"),
        ({"path": "c", "within_necessary_pi": "other"}, "app types"),
        ({"path": "c", "app_type_known": "yes"}, "true or false"),
    ],
    ids=["fixed-operand", "date-operand", "bad-name", "param-clash", "unknown-type", "known-bool"],
)
def test_malformed_leaves_refuse_to_compile(tree: dict[str, Any], message: str) -> None:
    with pytest.raises(ConditionError, match=message):
        compile_condition(tree, CompileEnv(params={"n": 1}, exports={}))


def test_two_different_operands_under_one_name_are_refused() -> None:
    tree = {
        "all": [
            {"path": "c[*]", "within_necessary_pi": {"path": "t"}, "as": "n2"},
            {"path": "d[*]", "within_necessary_pi": {"path": "u"}, "as": "n2"},
        ]
    }
    with pytest.raises(ConditionError, match="two different operands"):
        compile_condition(tree, CompileEnv(exports={}))
