"""The pure core: resources + compiled rules -> results. No I/O, no printing, no hook calls.

Rules are indexed by resource kind, so a resource meets only the rules that can apply to it.
A passing evaluation costs one closure call; only failures are re-run with tracing on to
collect evidence and the line of the offending value.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dsaudit.core.errors import PLUGIN_FAILURES
from dsaudit.core.models import (
    EvalContext,
    Evidence,
    Location,
    PathKey,
    Resource,
    Result,
    Rule,
    Status,
    shown_param,
    tool_error,
)
from dsaudit.core.quoting import clip_text
from dsaudit.language.findings import value_basis
from dsaudit.language.joins import local_part
from dsaudit.language.msgtemplate import NOT_RECORDED, legal_name, render_template
from dsaudit.language.operators import to_date
from dsaudit.language.paths import MISSING, format_path
from dsaudit.redaction.redact import evidence_text

if TYPE_CHECKING:
    from dsaudit.engine.records import RecordIndex

MAX_EVIDENCE = 8


@dataclass(slots=True)
class Facts:
    """Audit-wide facts a condition may consult."""

    as_of: dt.date
    taxonomy: Any
    by_kind: dict[str, list[Resource]]
    org: Mapping[str, Any]
    cache: dict[Any, Any] = field(default_factory=dict)
    """Audit-wide values shared by rules (organization-wide aggregates), by compiled node."""
    records: RecordIndex | None = None
    """The record index for joins (``datasets->classification``); see :meth:`record_index`."""

    def record_index(self) -> RecordIndex:
        """The audit's records by kind and id and their references, built on first use."""
        if self.records is None:
            from dsaudit.engine.records import RecordIndex  # the inventory schema: on first join

            self.records = RecordIndex(self.by_kind)
        return self.records


@dataclass(slots=True)
class Evaluation:
    """What :func:`evaluate` returns."""

    results: list[Result]
    not_applicable: dict[str, int]
    """Per rule: resources of the rule's kind where ``applies_to.when`` was false."""
    passed: dict[str, int] = field(default_factory=dict)
    """Per rule: passing results counted but not listed (``keep_passes=False``)."""


def estimated_results(rules: Sequence[Rule], facts: Facts) -> int:
    """An upper bound of the number of results: resources of each rule's kind."""
    return sum(len(facts.by_kind.get(rule.kind, ())) for rule in rules)


def index_resources(resources: Iterable[Resource]) -> dict[str, list[Resource]]:
    """Group resources by kind, keeping their order."""
    by_kind: dict[str, list[Resource]] = defaultdict(list)
    for res in resources:
        by_kind[res.kind].append(res)
    return dict(by_kind)


def build_facts(
    resources: Sequence[Resource], as_of: dt.date, taxonomy: Any
) -> tuple[Facts, dict[str, list[Resource]]]:
    """Index ``resources`` and find the organization profile."""
    by_kind = index_resources(resources)
    orgs = by_kind.get("organization", [])
    org = orgs[0].attributes if orgs else {}
    return Facts(as_of=as_of, taxonomy=taxonomy, by_kind=by_kind, org=org), by_kind


def render_message(template: str, values: Mapping[str, Any]) -> str:
    """Fill ``{name}`` placeholders (language.msgtemplate); unknown names stay as is."""
    return render_template(template, values)


def override_notes(rule: Rule) -> list[str]:
    """One note per parameter whose configured value differs from the law's, keeping the two
    apart: ``min_days: configured 90; the law requires 180; not assured``."""
    loosened = {p.name for p in rule.loosened}
    notes = []
    for name, legal in rule.legal_values.items():
        configured = rule.params.get(name, legal)
        if configured == legal and name not in loosened:
            continue
        note = (
            f"{name}: configured {shown_param(configured)}; the law requires {shown_param(legal)}"
        )
        notes.append(note + ("; not assured" if name in loosened else ""))
    return notes


def _matches_files(rule: Rule, file: str | None) -> bool:
    if not rule.files:
        return True
    if file is None:
        return False
    return any(fnmatch.fnmatchcase(file, pattern) for pattern in rule.files)


Trace = list[tuple[tuple[PathKey, ...], Any, bool]]


def _failing_first(trace: Trace) -> Trace:
    """Entries that broke the condition first, then the rest (context)."""
    return [t for t in trace if not t[2]] + [t for t in trace if t[2]]


def _evidence(trace: Trace) -> tuple[Evidence, ...]:
    out: list[Evidence] = []
    seen: set[str] = set()
    for path, value, _ in _failing_first(trace):
        shown = format_path(path) if path else "(resource)"
        if shown in seen:
            continue
        seen.add(shown)
        raw = "<missing>" if value is MISSING else value
        out.append(Evidence(shown, evidence_text(shown, raw)))
        if len(out) >= MAX_EVIDENCE:
            break
    return tuple(out)


def _offending_path(trace: Trace) -> tuple[PathKey, ...]:
    for path, _, _ in _failing_first(trace):
        if path and not (isinstance(path[0], str) and path[0].startswith("@")):
            return path
    return ()


def _location_of(res: Resource, path: tuple[PathKey, ...]) -> Location:
    return res.location(local_part(path))


def _manual(rule: Rule, res: Resource, facts: Facts) -> tuple[Status, str, tuple[Evidence, ...]]:
    """Judge a manual rule by the freshest evidence entry naming its provision."""
    entries = [
        e.attributes
        for e in facts.by_kind.get("evidence", [])
        if e.attributes.get("provision") in (rule.manual_provision, rule.id)
    ]
    dated = [(d, e) for e in entries if (d := to_date(e.get("date"))) is not None]
    if not dated:
        return Status.FAIL, f"no evidence recorded for {rule.manual_provision}", ()
    date, entry = max(dated, key=lambda pair: pair[0])
    evidence = (
        Evidence("evidence.id", str(entry.get("id", ""))),
        Evidence("evidence.document", evidence_text("document", entry.get("document", ""))),
        Evidence("evidence.date", date.isoformat()),
        Evidence(
            "evidence.attested_by", evidence_text("attested_by", entry.get("attested_by", ""))
        ),
    )
    age = (facts.as_of - date).days
    interval = rule.evidence_interval_days or 365
    if age > interval:
        return (
            Status.FAIL,
            f"evidence {entry.get('id')} is {age} days old; it must be renewed every "
            f"{interval} days",
            evidence,
        )
    return Status.PASS, f"evidence {entry.get('id')} dated {date.isoformat()}", evidence


def evaluate(
    rules: Sequence[Rule],
    facts: Facts,
    *,
    keep_passes: bool = True,
    subjects: Mapping[str, Sequence[Resource]] | None = None,
) -> Evaluation:
    """Run every rule on every resource of its kind.

    With ``keep_passes=False`` passing results are counted per rule instead of stored, which
    keeps memory flat for very large inventories (failures, errors and manual results are
    always stored). ``subjects`` (kind -> resources) limits the resources checked, e.g. to
    one shard of a parallel run; conditions still see every resource through ``facts``.
    """
    visit = facts.by_kind if subjects is None else subjects
    by_kind_rules: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        by_kind_rules[rule.kind].append(rule)
    results: list[Result] = []
    append = results.append
    not_applicable: dict[str, int] = defaultdict(int)
    passed: dict[str, int] = defaultdict(int)
    org = facts.org
    for kind, kind_rules in by_kind_rules.items():
        plan = [
            (rule, rule.id, rule.params, rule.when, rule.condition, rule.manual)
            for rule in kind_rules
        ]
        for res in visit.get(kind, ()):
            attrs = res.attributes
            ctx = EvalContext(res, org, {}, facts)
            here: Location | None = None
            for rule, rule_id, params, when, condition, manual in plan:
                if rule.files and not _matches_files(rule, res.file):
                    continue
                if rule.formats and res.meta.get("format") not in rule.formats:
                    continue
                ctx.params = params
                try:
                    if when is not None and not when(attrs, ctx):
                        not_applicable[rule_id] += 1
                        continue
                    if not manual:
                        ok = condition(attrs, ctx)
                        if ok and not keep_passes:
                            passed[rule_id] += 1
                            continue
                    if here is None:
                        here = Location(res.file, None)
                    if manual:
                        status, message, evidence = _manual(rule, res, facts)
                        append(
                            Result(
                                rule_id,
                                status,
                                rule.severity,
                                kind,
                                res.id,
                                message,
                                here,
                                evidence,
                                rule.pack,
                                loosened=rule.loosened,
                            )
                        )
                        continue
                    if ok:
                        append(
                            Result(
                                rule_id,
                                Status.PASS,
                                rule.severity,
                                kind,
                                res.id,
                                "",
                                here,
                                (),
                                rule.pack,
                                loosened=rule.loosened,
                            )
                        )
                        continue
                    results.extend(_failures(rule, res, ctx))
                except PLUGIN_FAILURES as exc:
                    ctx.trace = None
                    append(_rule_error(rule, res, exc))
    return Evaluation(results, dict(not_applicable), dict(passed))


def _failures(rule: Rule, res: Resource, ctx: EvalContext) -> list[Result]:
    """The failing results of ``rule`` on ``res``: one, or one per offending value when the
    rule reports values separately (:mod:`dsaudit.language.findings`)."""
    trace: Trace = []
    ctx.trace = trace
    try:
        rule.condition(res.attributes, ctx)
    finally:
        ctx.trace = None
    legacy_path = _offending_path(trace)
    legacy_basis = _basis(legacy_path, trace)
    if rule.split is None:
        return [_failure(rule, res, ctx, trace, legacy_path, legacy_basis)]
    groups = rule.split(res.attributes, ctx, [t for t in trace if not t[2]])
    if not groups:
        return [_failure(rule, res, ctx, trace, legacy_path, legacy_basis)]
    out: list[Result] = []
    seen: dict[str, int] = {}
    for group in groups:
        path = group[0][0]
        basis = value_basis(path, group[0][1])
        seen[basis] = seen.get(basis, 0) + 1
        if seen[basis] > 1:  # the same value twice in one list
            basis += f"#{seen[basis]}"
        result = _failure(rule, res, ctx, group, path, basis)
        if basis != legacy_basis and legacy_path and path == legacy_path:
            result.legacy_basis = legacy_basis
        out.append(result)
    return out


def _basis(path: tuple[PathKey, ...], trace: Trace) -> str:
    """The fingerprint basis of a finding per resource: its first offending path and value."""
    raw_value = next((v for p, v, _ in trace if p == path), None)
    return f"{format_path(path)}={raw_value!r}" if path else ""


def _failure(
    rule: Rule,
    res: Resource,
    ctx: EvalContext,
    trace: Trace,
    path: tuple[PathKey, ...],
    basis: str,
) -> Result:
    evidence = _evidence(trace)
    first = _failing_first(trace)
    missing = bool(first) and first[0][1] is MISSING
    first_value = NOT_RECORDED if missing else (evidence[0].value if evidence else "")
    values = {
        **rule.params,
        **{legal_name(name): legal for name, legal in rule.legal_values.items()},
        "value": clip_text(str(first_value)),  # templates show str(value); bounded
        "path": format_path(path) if path else "",
        "resource": res.id,
        "kind": res.kind,
        "file": res.file or "",
    }
    for provided in rule.message_values:
        values.update(provided(ctx))
    template = rule.message_missing if missing and rule.message_missing else rule.message
    message = render_message(template, values)
    system = res.meta.get("system") if res.meta else None
    if system:
        at_stake = ", ".join(res.meta.get("system_datasets", [])[:5]) or "none recorded"
        message += f" [system {system}; datasets at stake: {at_stake}]"
    notes = override_notes(rule)
    if notes:
        message += " [" + "; ".join(notes) + "]"
    return Result(
        rule.id,
        Status.FAIL,
        rule.severity,
        res.kind,
        res.id,
        message,
        _location_of(res, path),
        evidence,
        rule.pack,
        basis,
        loosened=rule.loosened,
    )


def _rule_error(rule: Rule, res: Resource, exc: BaseException) -> Result:
    result = tool_error(
        rule.id,
        res.kind,
        res.id,
        f"rule {rule.id} raised while checking {res.kind} {res.id}: {type(exc).__name__}: {exc}",
        Location(res.file, None),
        severity=rule.severity,
    )
    result.pack = rule.pack
    return result
