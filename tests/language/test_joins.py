"""Joins: ``->`` follows ids to the records they name, ``<-KIND.KEY`` to the records naming one."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsaudit.core.models import EvalContext, Resource
from dsaudit.core.taxonomy import load_taxonomy
from dsaudit.engine import parallel
from dsaudit.engine.evaluation import Facts, build_facts, evaluate, index_resources
from dsaudit.engine.parallel import evaluate_parallel
from dsaudit.engine.records import RecordIndex, reference_map
from dsaudit.language.conditions import CompileEnv, ConditionError, compile_condition
from dsaudit.language.joins import local_part
from dsaudit.language.packs import compile_packs, load_pack
from dsaudit.language.paths import MISSING, compile_path, format_path
from tests.projectkit import run

AS_OF = dt.date(2026, 6, 1)
REFS = reference_map()


def _res(kind: str, rid: str, **attrs: Any) -> Resource:
    return Resource(kind, rid, {"id": rid, **attrs})


def world() -> list[Resource]:
    return [
        _res("system", "scada", is_cii=True, mlps_level=3),
        _res("system", "wiki", is_cii=False, mlps_level=1),
        _res("system", "crm"),  # same id as a dataset: ids are unique per section only
        _res("dataset", "grid", classification="important", system="scada",
             fields=[{"name": "n", "category": "name"}, {"name": "f", "category": "biometric"}]),
        _res("dataset", "orders", classification="general", system="wiki",
             fields=[{"name": "e", "category": "email"}]),
        _res("dataset", "crm", classification="general", system=None),
        _res("dataset", "loose"),
        _res("transfer", "t-grid", datasets=["orders", "grid"], mechanism="standard_contract"),
        _res("transfer", "t-orders", datasets=["orders"], mechanism="standard_contract"),
        _res("transfer", "t-none", mechanism="none"),
        _res("transfer", "t-null", datasets=None),
        _res("incident", "i1", systems=["wiki", "scada"], datasets=["grid"]),
        _res("assessment", "a-crm", covers=["crm"], date="2026-01-01"),
        _res("assessment", "a-t", covers=["t-grid", "scada"], date="2026-02-01"),
    ]  # fmt: skip


def facts_of(resources: list[Resource]) -> Facts:
    return Facts(AS_OF, load_taxonomy(), index_resources(resources), {})


def holds(
    tree: Any, rid: str, kind: str | None = None, resources: list[Resource] | None = None
) -> bool:
    resources = resources if resources is not None else world()
    res = next(r for r in resources if r.id == rid and (kind is None or r.kind == kind))
    env = CompileEnv(taxonomy=load_taxonomy(), references=REFS, kind=res.kind)
    cond = compile_condition(tree, env)
    return cond(res.attributes, EvalContext(res, {}, {}, facts_of(resources)))


def values(path: str, rid: str, kind: str | None = None) -> list[tuple[str, Any]]:
    resources = world()
    res = next(r for r in resources if r.id == rid and (kind is None or r.kind == kind))
    ctx = EvalContext(res, {}, {}, facts_of(resources))
    return [(format_path(p), v) for p, v in compile_path(path).resolve(res.attributes, ctx)]


# --- what a path reaches ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "rid", "kind", "expected"),
    [
        ("system->is_cii", "grid", "dataset", [("system->[scada].is_cii", True)]),
        ("system->mlps_level", "orders", "dataset", [("system->[wiki].mlps_level", 1)]),
        ("system->is_cii", "crm", "dataset", []),  # null id
        ("system->is_cii", "loose", "dataset", []),  # no id
        ("datasets->classification", "t-grid", None,
         [("datasets->[orders].classification", "general"),
          ("datasets->[grid].classification", "important")]),
        ("datasets->fields[*].category", "t-grid", None,
         [("datasets->[orders].fields[0].category", "email"),
          ("datasets->[grid].fields[0].category", "name"),
          ("datasets->[grid].fields[1].category", "biometric")]),
        ("datasets->system->is_cii", "t-grid", None,
         [("datasets->[orders].system->[wiki].is_cii", False),
          ("datasets->[grid].system->[scada].is_cii", True)]),
        ("datasets->classification", "t-none", None, []),
        ("datasets->classification", "t-null", None, []),
        ("systems->mlps_level", "i1", None,
         [("systems->[wiki].mlps_level", 1), ("systems->[scada].mlps_level", 3)]),
        ("<-transfer.datasets.id", "orders", "dataset",
         [("<-transfer.datasets[t-grid].id", "t-grid"),
          ("<-transfer.datasets[t-orders].id", "t-orders")]),
        ("<-transfer.datasets.id", "crm", "system", []),  # a system is never a transfer's dataset
        ("<-assessment.covers.date", "crm", "system",
         [("<-assessment.covers[a-crm].date", "2026-01-01")]),
        ("<-assessment.covers.date", "crm", "dataset",
         [("<-assessment.covers[a-crm].date", "2026-01-01")]),
        ("<-assessment.covers.id", "scada", "system", [("<-assessment.covers[a-t].id", "a-t")]),
        ("covers->id", "a-crm", None,
         [("covers->[system:crm].id", "crm"), ("covers->[dataset:crm].id", "crm")]),
        ("datasets-><-transfer.datasets.id", "t-orders", None,
         [("datasets->[orders]<-transfer.datasets[t-grid].id", "t-grid"),
          ("datasets->[orders]<-transfer.datasets[t-orders].id", "t-orders")]),
        ("<-incident.systems.<-assessment.covers.id", "wiki", "system", []),
        ("<-transfer.datasets.<-assessment.covers.id", "grid", "dataset",
         [("<-transfer.datasets[t-grid]<-assessment.covers[a-t].id", "a-t")]),
    ],
)  # fmt: skip
def test_a_join_reaches_the_records_named(
    path: str, rid: str, kind: str | None, expected: list[tuple[str, Any]]
) -> None:
    assert values(path, rid, kind) == expected


def test_an_id_that_names_nothing_yields_nothing() -> None:
    """The loader refuses dangling ids; resources built by hand may still have them."""
    resources = [_res("transfer", "t", datasets=["ghost", "d"]), _res("dataset", "d", x=1)]
    ctx = EvalContext(resources[0], {}, {}, facts_of(resources))
    pairs = compile_path("datasets->x").resolve(resources[0].attributes, ctx)
    assert [(format_path(p), v) for p, v in pairs] == [("datasets->[d].x", 1)]


@pytest.mark.parametrize("ids", [[1.5], [{"a": 1}], [["d"]], [True], {"d": 1}])
def test_ids_that_are_not_ids_yield_nothing(ids: Any) -> None:
    resources = [_res("transfer", "t", datasets=ids), _res("dataset", "d", x=1)]
    ctx = EvalContext(resources[0], {}, {}, facts_of(resources))
    assert compile_path("datasets->x").resolve(resources[0].attributes, ctx) == []


def test_a_context_without_an_index_yields_nothing() -> None:
    res = _res("transfer", "t", datasets=["d"])
    ctx = EvalContext(res, {}, {}, None)
    assert compile_path("datasets->x").resolve(res.attributes, ctx) == []


def test_a_resource_outside_the_index_still_finds_its_referrers() -> None:
    subject = _res("dataset", "d")
    others = [_res("transfer", "t", datasets=["d"])]
    facts = facts_of([*others, subject])
    stranger = Resource("dataset", "d", dict(subject.attributes))  # same id, other object
    ctx = EvalContext(stranger, {}, {}, facts)
    found = compile_path("<-transfer.datasets.id").resolve(stranger.attributes, ctx)
    assert [v for _, v in found] == ["t"]


# --- any / all / none over the referenced records ------------------------------------------

IMPORTANT = {"path": "datasets->classification", "equals": "important"}


@pytest.mark.parametrize(
    ("match", "rid", "expected"),
    [
        ("any", "t-grid", True), ("any", "t-orders", False), ("any", "t-none", False),
        ("all", "t-grid", False), ("all", "t-orders", False), ("all", "t-none", True),
        ("none", "t-grid", False), ("none", "t-orders", True), ("none", "t-none", True),
    ],
)  # fmt: skip
def test_match_modes_range_over_the_referenced_records(
    match: str, rid: str, expected: bool
) -> None:
    assert holds({**IMPORTANT, "match": match}, rid) is expected


@pytest.mark.parametrize(
    ("q", "rid", "expected"),
    [
        ("for_any", "t-grid", True), ("for_any", "t-orders", False), ("for_any", "t-none", False),
        ("for_all", "t-grid", False), ("for_all", "t-none", True),
        ("for_none", "t-grid", False), ("for_none", "t-orders", True),
    ],
)  # fmt: skip
def test_quantifiers_over_the_referenced_records(q: str, rid: str, expected: bool) -> None:
    """One dataset must be important and sit on a CII system: both conditions on one record."""
    where = {"all": [{"path": "classification", "equals": "important"},
                     {"path": "system->is_cii", "equals": True, "match": "any"}]}  # fmt: skip
    assert holds({q: "datasets->", "where": where}, rid) is expected


@pytest.mark.parametrize(("rid", "n"), [("orders", 2), ("grid", 1), ("loose", 0)])
def test_count_and_for_any_over_a_back_reference(rid: str, n: int) -> None:
    assert holds({"count": "<-transfer.datasets", "equals": n}, rid, "dataset")
    assert holds({"count": "<-transfer.datasets", "gte": n + 1}, rid, "dataset") is False
    standard = {"path": "mechanism", "equals": "standard_contract"}
    assert holds({"for_any": "<-transfer.datasets", "where": standard}, rid, "dataset") is (n > 0)


def test_a_join_inside_an_aggregate_where() -> None:
    important = {"path": "datasets->classification", "equals": "important", "match": "any"}
    tree = {"aggregate": "count", "over": "transfer", "where": important}
    assert holds({**tree, "equals": 1}, "x", resources=[*world(), _res("organization", "x")])
    two = [*world(), _res("transfer", "t2", datasets=["grid"]), _res("organization", "x")]
    assert holds({**tree, "equals": 2}, "x", resources=two)


def test_a_join_from_the_resource_inside_a_quantifier() -> None:
    tree = {
        "for_any": "fields",
        "where": {"path": "@resource.system->is_cii", "equals": True, "match": "any"},
    }
    assert holds(tree, "grid", "dataset")
    assert not holds(tree, "orders", "dataset")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["general", "important", "core", None]), max_size=5),
       st.lists(st.integers(0, 5), max_size=6))  # fmt: skip
def test_match_any_and_all_agree_with_a_plain_oracle(
    classes: list[str | None], picks: list[int]
) -> None:
    datasets = [_res("dataset", f"d{i}", classification=c) for i, c in enumerate(classes)]
    ids = [f"d{i}" for i in picks]  # some may name no dataset
    transfer = _res("transfer", "t", datasets=ids)
    resources = [*datasets, transfer]
    named = [classes[i] for i in picks if i < len(classes)]
    for match, oracle in (("any", any(c == "important" for c in named)),
                          ("all", all(c == "important" for c in named))):  # fmt: skip
        assert holds({**IMPORTANT, "match": match}, "t", resources=resources) is oracle


# --- the compiler refuses joins that name nothing ----------------------------------------


@pytest.mark.parametrize(
    ("tree", "kind", "message"),
    [
        ({"path": "mechanism->x", "exists": True}, "transfer",
         "'mechanism' is not a reference of transfer (its reference keys: datasets)"),
        ({"path": "datasets->x", "exists": True}, "config",
         "'datasets' is not a reference of config (its reference keys: none)"),
        ({"path": "mechanism->x", "exists": True}, None,
         "'mechanism' is not a reference (reference keys: covers, datasets, system, systems)"),
        ({"path": "<-transfer.mechanism", "exists": True}, "dataset",
         "unknown back-reference '<-transfer.mechanism' (known: <-assessment.covers, "
         "<-dataset.system, <-incident.datasets, <-incident.systems, <-processor.datasets, "
         "<-transfer.datasets)"),
        ({"count": "<-transfer.datasets", "gte": 1}, "system",
         "transfer.datasets names dataset records, never a system"),
        ({"for_any": "fields", "where": {"path": "system->x", "exists": True}}, "dataset",
         "the item here is not a record, so 'system' names none"),
        ({"path": "datasets->system->mlps_level", "gte": 1}, "incident", None),
        ({"path": "datasets->systems->x", "exists": True}, "transfer",
         "'systems' is not a reference of dataset (its reference keys: system)"),
        ({"for_any": "datasets->", "where": {"path": "datasets->x", "exists": True}}, "transfer",
         "'datasets' is not a reference of dataset"),
        ({"for_any": "<-incident.systems", "where": {"path": "systems->is_cii", "equals": True}},
         "system", None),
        ({"aggregate": "count", "over": "incident", "gte": 1,
          "where": {"path": "system->x", "exists": True}}, "organization",
         "'system' is not a reference of incident (its reference keys: datasets, systems)"),
        ({"path": "@org.datasets->x", "exists": True}, "transfer",
         "'datasets' is not a reference of organization"),
        ({"path": "approval.datasets->x", "exists": True}, "transfer",
         "'->' follows a key of a record, not a value inside one"),
        ({"not": {"path": "@meta.system->x", "exists": True}}, "config",
         "the item here is not a record"),
    ],
)  # fmt: skip
def test_the_compiler_checks_every_join(tree: Any, kind: str | None, message: str | None) -> None:
    env = CompileEnv(references=REFS, kind=kind)
    if message is None:
        compile_condition(tree, env)
        return
    with pytest.raises(ConditionError) as info:
        compile_condition(tree, env)
    assert message in str(info.value)


def test_without_a_reference_map_joins_are_not_checked() -> None:
    cond = compile_condition({"path": "mechanism->x", "exists": True, "match": "any"}, CompileEnv())
    res = _res("transfer", "t", mechanism="standard_contract")
    assert cond(res.attributes, EvalContext(res, {}, {}, facts_of([res]))) is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("->x", "'->' follows the key that holds the ids"),
        ("a.->x", "'->' follows the key that holds the ids"),
        ("a[*]->x", "'->' follows the key that holds the ids"),
        ("**.datasets->x", "'->' follows the key that holds the ids"),
        ("<-transfer.datasets->x", "'->' follows the key that holds the ids"),
        ("<-transfer", "a back-reference is written <-KIND.KEY"),
        ("a<-transfer.datasets", "'<-KIND.KEY' starts a path or follows '->'"),
        ("datasets->[0]", "after a join name a key"),
        ("datasets->[*].x", "after a join name a key"),
        ("datasets->.x", "empty segment"),
    ],
)
def test_bad_join_syntax_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("*", r"\*")):
        compile_path(text)


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("a-b", ((0, "a-b"),)),
        ('"a->b"', ((0, "a->b"),)),
        ("x.'<-y'", None),
        ("a>b.c-d", ((0, "a>b"), (0, "c-d"))),
    ],
)
def test_keys_with_dashes_still_read_as_keys(text: str, steps: Any) -> None:
    if steps is None:
        with pytest.raises(ValueError):
            compile_path(text)
        return
    assert compile_path(text).steps == steps


def test_a_pack_rule_with_a_bad_join_names_file_line_and_keys(tmp_path: Path) -> None:
    pack = tmp_path / "p"
    (pack / "rules").mkdir(parents=True)
    (pack / "pack.yaml").write_text(
        "name: p\nversion: 1.0.0\njurisdiction: CN\nlaw: DSL\n"
        "instrument: {title: T, effective: '2021-09-01'}\ndescription: d\n",
        "utf-8",
    )
    (pack / "rules" / "r.yaml").write_text(
        "rules:\n"
        "  - id: P-1\n    title: A title long enough\n    severity: low\n"
        "    refs: [{law: DSL, article: '31'}]\n"
        "    applies_to: {kind: transfer}\n"
        "    condition:\n      path: recipient->name\n      exists: true\n"
        "    message: m\n    remediation: r\n",
        "utf-8",
    )
    from dsaudit.core.errors import PackError

    with pytest.raises(PackError) as info:
        compile_packs([load_pack(pack)], CompileEnv(references=REFS), as_of=AS_OF)
    text = str(info.value)
    assert "r.yaml:8" in text and "rule P-1" in text
    assert "'recipient' is not a reference of transfer (its reference keys: datasets)" in text


# --- sharing, memo, evidence --------------------------------------------------------------


def test_the_memo_does_not_leak_between_resources() -> None:
    """Two rules share a quantifier over joined records; each transfer gets its own answer."""
    shared = {"for_any": "datasets->", "where": {"path": "classification", "equals": "important"}}
    env = CompileEnv(references=REFS, kind="transfer")
    first = compile_condition({"all": [shared, {"path": "id", "exists": True}]}, env)
    second = compile_condition({"any": [shared, {"path": "nope", "exists": True}]}, env)
    resources = world()
    facts = facts_of(resources)
    answers = []
    for rid in ("t-grid", "t-orders", "t-grid"):
        res = next(r for r in resources if r.id == rid)
        ctx = EvalContext(res, {}, {}, facts)
        answers.append((first(res.attributes, ctx), second(res.attributes, ctx)))
    assert answers == [(True, True), (False, False), (True, True)]


def test_the_index_is_built_once_per_audit() -> None:
    facts = facts_of(world())
    assert facts.records is None
    index = facts.record_index()
    assert facts.record_index() is index
    assert isinstance(index, RecordIndex)


def _rule_pack(tmp_path: Path) -> Path:
    pack = tmp_path / "pack"
    (pack / "rules").mkdir(parents=True)
    (pack / "pack.yaml").write_text(
        "name: joined\nversion: 1.0.0\njurisdiction: CN\nlaw: DSL\n"
        "instrument: {title: T, effective: '2021-09-01'}\ndescription: d\n",
        "utf-8",
    )
    (pack / "rules" / "r.yaml").write_text(
        """rules:
  - id: J-IMPORTANT
    title: No important data goes abroad
    severity: high
    refs: [{law: DSL, article: '31'}]
    applies_to: {kind: transfer}
    condition: {path: "datasets->classification", not_equals: important}
    message: "{path} is {value}"
    remediation: r
  - id: J-CII
    title: No incident touches a CII system
    severity: high
    refs: [{law: DSL, article: '31'}]
    applies_to: {kind: incident}
    condition: {for_none: "systems->", where: {path: is_cii, equals: true}}
    message: "{path} is {value}"
    remediation: r
  - id: J-CARRIED
    title: A dataset travels in one transfer at most
    severity: low
    refs: [{law: DSL, article: '31'}]
    applies_to: {kind: dataset}
    condition: {count: "<-transfer.datasets", lte: 1}
    message: "{path} is {value}"
    remediation: r
""",
        "utf-8",
    )
    return pack


def _inventory(root: Path, n: int = 30) -> None:
    lines = ["version: 1", "organization: {name: Org}", "systems:"]
    lines += [f"  - {{id: s{i}, name: S{i}, is_cii: {str(i % 4 == 0).lower()}}}" for i in range(n)]
    lines.append("datasets:")
    for i in range(n):
        cls = "important" if i % 5 == 0 else "general"
        lines.append(f"  - {{id: d{i}, system: s{i}, classification: {cls}}}")
    lines.append("transfers:")
    for i in range(n):  # even transfers also carry the next dataset
        carried = f"d{i}, d{(i + 1) % n}" if i % 2 == 0 else f"d{i}"
        lines.append(f"  - {{id: t{i}, datasets: [{carried}], destination: SG}}")
    lines.append("incidents:")
    lines += [f"  - {{id: i{i}, systems: [s{i}, s{(i + 1) % n}]}}" for i in range(n)]
    (root / "inventory").mkdir()
    (root / "inventory" / "inv.yaml").write_text("\n".join(lines) + "\n", "utf-8")


def _report(root: Path, pack: Path, jobs: str) -> dict[str, Any]:
    out = root / f"report-{jobs}.json"
    run("audit", root, "--pack", pack, "--jobs", jobs, "--format", "json", "--output", out, "-q")
    report: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return report


def test_two_workers_give_what_one_process_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN_WORK", 0)
    _inventory(tmp_path)
    pack = _rule_pack(tmp_path)
    one, two = _report(tmp_path, pack, "1"), _report(tmp_path, pack, "2")
    assert one["results"] == two["results"]
    assert one["summary"] == two["summary"]
    failed = {(r["rule_id"], r["resource"]["id"]) for r in one["results"] if r["status"] == "fail"}
    assert ("J-IMPORTANT", "t0") in failed and ("J-IMPORTANT", "t1") not in failed
    assert ("J-CII", "i0") in failed and ("J-CII", "i3") in failed and ("J-CII", "i1") not in failed
    assert ("J-IMPORTANT", "t4") in failed  # d5 is important
    assert ("J-CARRIED", "d1") in failed and ("J-CARRIED", "d0") not in failed


def test_workers_inherit_the_whole_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each shard holds some kinds only; the joins still see every record."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_WORK", 0)
    resources = world()
    env = CompileEnv(references=REFS)
    from dsaudit.core.models import Rule, Severity

    def rule(rid: str, kind: str, tree: Any) -> Rule:
        cond = compile_condition(tree, env)
        return Rule(rid, rid, Severity.LOW, kind, "p", (), cond, None, "m", "r")

    rules = [
        rule("A", "transfer", {"path": "datasets->classification", "not_equals": "important"}),
        rule("B", "dataset", {"count": "<-transfer.datasets", "lte": 1}),
        rule("C", "system", {"count": "<-incident.systems", "equals": 0}),
    ]
    facts, _ = build_facts(resources, AS_OF, None)
    one = evaluate(rules, facts_of(resources))
    two = evaluate_parallel(rules, facts, keep_passes=True, jobs=3)
    # built in the parent, back-references included, before the workers forked
    assert facts.records is not None and facts.records._referrers is not None
    key = lambda r: (r.rule_id, r.resource_id, r.status, r.evidence, r.location)  # noqa: E731
    assert [key(r) for r in two.results] == [key(r) for r in one.results]
    assert {(r.rule_id, r.resource_id) for r in one.results if r.status.value == "fail"} == {
        ("A", "t-grid"),
        ("B", "orders"),
        ("C", "scada"),
        ("C", "wiki"),
    }


def test_evidence_says_where_a_joined_value_came_from(tmp_path: Path) -> None:
    _inventory(tmp_path, n=6)
    pack = _rule_pack(tmp_path)
    report = _report(tmp_path, pack, "1")
    t0 = next(
        r for r in report["results"] if (r["rule_id"], r["resource"]["id"]) == ("J-IMPORTANT", "t0")
    )
    assert t0["evidence"][0] == {"path": "datasets->[d0].classification", "value": "important"}
    assert "datasets->[d0].classification is important" in t0["message"]
    lines = (tmp_path / "inventory" / "inv.yaml").read_text("utf-8").splitlines()
    assert "t0" in lines[t0["location"]["line"] - 1]  # the transfer's datasets, not the dataset
    i0 = next(
        r for r in report["results"] if (r["rule_id"], r["resource"]["id"]) == ("J-CII", "i0")
    )
    assert i0["evidence"][0] == {"path": "systems->[s0].is_cii", "value": "true"}
    d1 = next(
        r for r in report["results"] if (r["rule_id"], r["resource"]["id"]) == ("J-CARRIED", "d1")
    )
    # count records its path's text for a multi-valued path, quoted as one key (as "fields[*]")
    assert d1["evidence"][0] == {"path": '"<-transfer.datasets"', "value": "2"}


def test_joined_evidence_is_redacted(tmp_path: Path) -> None:
    """A joined value goes through redaction like any evidence value."""
    resources = [_res("transfer", "t", datasets=["d"]), _res("dataset", "d", owner="13912345678")]
    env = CompileEnv(references=REFS, kind="transfer")
    cond = compile_condition({"path": "datasets->owner", "equals": "nobody"}, env)
    from dsaudit.core.models import Rule, Severity
    from dsaudit.redaction.redact import redact_evidence

    rule = Rule("R", "R", Severity.LOW, "transfer", "p", (), cond, None, "{value}", "r")
    [result] = evaluate([rule], facts_of(resources)).results
    assert result.evidence[0].path == "datasets->[d].owner"
    assert "13912345678" not in result.evidence[0].value
    assert redact_evidence(result.evidence)[0].value == "13*******78"
    ctx = EvalContext(resources[0], {}, {}, facts_of(resources))
    [(path, _)] = compile_path("datasets->owner").resolve(resources[0].attributes, ctx)
    assert local_part(path) == ("datasets", 0)


@pytest.mark.parametrize(
    ("path", "rid", "expected"),
    [
        ("system->is_cii", "grid", True),
        ("system->is_cii", "crm", None),
        ("datasets->id", "t-grid", "orders"),
    ],
)
def test_get_on_a_joined_path_is_the_first_value(path: str, rid: str, expected: Any) -> None:
    """What a named check reads through ``PathSpec.get`` (``elapsed_within``'s ``start``)."""
    resources = world()
    res = next(r for r in resources if r.id == rid and r.kind != "system")
    value = compile_path(path).get(res.attributes, EvalContext(res, {}, {}, facts_of(resources)))
    assert value == expected if expected is not None else value is MISSING


def test_an_operand_read_from_the_record_cannot_be_a_join() -> None:
    with pytest.raises(ConditionError, match="an operand path must name one value"):
        compile_condition({"path": "x", "equals": {"path": "datasets->id"}}, CompileEnv())


def test_a_hop_pickles_with_what_it_names() -> None:
    import pickle

    resources = world()
    ctx = EvalContext(resources[7], {}, {}, facts_of(resources))
    [(path, _), _] = compile_path("datasets->id").resolve(resources[7].attributes, ctx)
    hop = pickle.loads(pickle.dumps(path[-2]))
    assert (str(hop), hop.kind, hop.ident, hop.position) == ("->[orders]", "dataset", "orders", 0)
