"""Run the passing and failing cases that ship with each rule (``dsaudit rules test``).

A case is a resource (kind, attributes, optional file) plus an expected status; a test block
may add an organization profile, other resources for aggregates, an audit date and parameter
overrides. Each case runs through the real engine with the rule compiled as in an audit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dsaudit.core.errors import PackError
from dsaudit.core.limits import DEFAULT_LIMITS
from dsaudit.core.models import Resource, Rule, Status
from dsaudit.documents.safe_read import read_guarded
from dsaudit.documents.structured import parse_structured
from dsaudit.engine.evaluation import build_facts, evaluate
from dsaudit.language.conditions import CompileEnv
from dsaudit.language.packs import Pack, compile_rule

DEFAULT_AS_OF = dt.date(2026, 6, 1)
EXPECTATIONS = ("pass", "fail", "not_applicable", "error")


@dataclass(slots=True)
class Case:
    """One expected outcome of one rule."""

    rule_id: str
    name: str
    expect: str
    kind: str | None
    attributes: dict[str, Any]
    file: str | None
    block: Mapping[str, Any]
    meta: dict[str, Any]
    """Resource metadata, e.g. ``system_mlps_level`` for rules gated on the linked system."""
    source: str


@dataclass(slots=True)
class CaseOutcome:
    case: Case
    actual: str
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.actual == self.case.expect


@dataclass(slots=True)
class PackTestReport:
    """Outcomes per rule, plus rules missing a passing or failing case."""

    pack: str
    outcomes: list[CaseOutcome] = field(default_factory=list)
    missing: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes) and not self.missing and not self.problems


def load_cases(pack: Pack) -> tuple[list[Case], list[str]]:
    """Every case in ``pack/tests/*.yaml``, and problems with the test files themselves."""
    cases: list[Case] = []
    problems: list[str] = []
    for path in sorted(pack.tests_dir.glob("*.y*ml")) if pack.tests_dir.is_dir() else []:
        shown = f"{pack.name}/tests/{path.name}"
        try:
            content = read_guarded(path, shown, DEFAULT_LIMITS.max_file_bytes, raise_with=None)
            docs = parse_structured(shown, content.content, "yaml", DEFAULT_LIMITS)
        except Exception as exc:
            problems.append(f"{shown}: {exc}")
            continue
        data = docs[0].data if docs else None
        if not isinstance(data, dict) or not isinstance(data.get("tests"), list):
            problems.append(f"{shown}: a test file must be a mapping with a 'tests' list")
            continue
        for n, block in enumerate(data["tests"]):
            if not isinstance(block, dict) or "rule" not in block or "cases" not in block:
                problems.append(f"{shown}: tests[{n}] needs 'rule' and 'cases'")
                continue
            unknown_block = sorted(set(block) - BLOCK_KEYS) if isinstance(block, dict) else []
            if unknown_block:
                problems.append(
                    f"{shown}: tests[{n}] has unknown key(s) {unknown_block} "
                    f"(known: {sorted(BLOCK_KEYS)})"
                )
            for m, raw in enumerate(block["cases"]):
                if not isinstance(raw, dict) or raw.get("expect") not in EXPECTATIONS:
                    problems.append(
                        f"{shown}: tests[{n}].cases[{m}] needs expect: one of {EXPECTATIONS}"
                    )
                    continue
                unknown = sorted(str(k) for k in set(raw) - CASE_KEYS)
                if unknown:  # e.g. a flow-style name with a comma, split into a stray key
                    problems.append(
                        f"{shown}: tests[{n}].cases[{m}] has unknown key(s) {unknown} "
                        f"(known: {sorted(CASE_KEYS)}; quote a name that contains a comma)"
                    )
                    continue
                cases.append(
                    Case(
                        rule_id=str(block["rule"]),
                        name=str(raw.get("name", f"case {m + 1}")),
                        expect=raw["expect"],
                        kind=raw.get("kind"),
                        attributes=raw.get("attributes", {}) or {},
                        file=raw.get("file"),
                        block=block,
                        meta=dict(raw.get("meta") or {}),
                        source=f"{shown}: tests[{n}].cases[{m}]",
                    )
                )
    return cases, problems


CASE_KEYS = frozenset({"name", "expect", "kind", "attributes", "file", "meta"})
"""The keys a case may have (docs/rules.md, "Rule tests")."""

BLOCK_KEYS = frozenset({"rule", "cases", "as_of", "organization", "context", "params"})
"""The keys a test block may have."""


def cases_for_rule(pack: Pack, rule_id: str) -> list[Case]:
    """The cases of one rule (for ``dsaudit rules show``)."""
    cases, _ = load_cases(pack)
    return [c for c in cases if c.rule_id == rule_id]


def _as_of(block: Mapping[str, Any]) -> dt.date:
    raw = block.get("as_of")
    if raw is None:
        return DEFAULT_AS_OF
    return raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))


def run_case(case: Case, rule_src: Any, pack: Pack, env: CompileEnv) -> CaseOutcome:
    """Compile the case's rule with its overrides and evaluate it on the case's resource."""
    block = case.block
    try:
        rule: Rule = compile_rule(rule_src, pack, env, block.get("params") or {})
    except PackError as exc:
        return CaseOutcome(case, "error", str(exc))
    resources = []
    org = block.get("organization")
    if org is not None:
        resources.append(Resource("organization", str(org.get("name", "org")), org))
    for n, extra in enumerate(block.get("context", []) or []):
        resources.append(
            Resource(extra["kind"], str(extra.get("id", f"ctx{n}")), extra.get("attributes", {}))
        )
    kind = case.kind or rule.kind
    meta = dict(case.meta)
    if rule.formats and "format" not in meta:
        meta["format"] = rule.formats[0]  # a case is read by the rule's first format
    subject = Resource(kind, "case", case.attributes, file=case.file, meta=meta)
    if kind == "organization":
        resources = [r for r in resources if r.kind != "organization"]
    resources.append(subject)
    facts, _ = build_facts(resources, _as_of(block), env.taxonomy)
    evaluation = evaluate([rule], facts)
    mine = [r for r in evaluation.results if r.resource_id == "case"]
    if not mine:
        return CaseOutcome(case, "not_applicable", "")
    result = mine[0]
    actual = "error" if result.status is Status.ERROR else str(result.status)
    return CaseOutcome(case, actual, result.message)


def test_pack(pack: Pack, env: CompileEnv, only: Iterable[str] = ()) -> PackTestReport:
    """Run every case of ``pack``; list rules without a passing or a failing case."""
    report = PackTestReport(pack.name)
    cases, report.problems = load_cases(pack)
    by_id = {src.data["id"]: src for src in pack.rules}
    wanted = set(only)
    for case in cases:
        if wanted and case.rule_id not in wanted:
            continue
        src = by_id.get(case.rule_id)
        if src is None:
            report.problems.append(f"{case.source}: no rule {case.rule_id} in pack {pack.name}")
            continue
        report.outcomes.append(run_case(case, src, pack, env))
    for rid in by_id:
        if wanted and rid not in wanted:
            continue
        kinds = {c.expect for c in cases if c.rule_id == rid}
        missing = [k for k in ("pass", "fail") if k not in kinds]
        if missing:
            report.missing[rid] = missing
    return report


def find_pack_dirs(paths: Iterable[Path]) -> list[Path]:
    """Pack folders at or below ``paths``."""
    out: list[Path] = []
    for path in paths:
        if (path / "pack.yaml").is_file():
            out.append(path)
        elif path.is_dir():
            out.extend(sorted(p.parent for p in path.glob("*/pack.yaml")))
    return out


test_pack.__test__ = False  # type: ignore[attr-defined]
