"""Plain, JSON-ready records of rules, results and metadata, shared by the reporters.

Records are built from an audit that went through :func:`~.redact.redact_audit` (every
reporter redacts first), so nothing here masks again: paths are POSIX, dates become ISO-8601
strings and mappings are sorted, so that all formats agree and render deterministically.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from dsaudit.core.models import (
    AuditResult,
    LawRef,
    LoosenedParam,
    Result,
    Rule,
    VerifiedCitation,
)

_WAIVER_KEYS = {
    "approver": ("approved_by", "approver", "owner", "by"),
    "reason": ("reason", "justification", "why", "comment"),
    "until": ("expires", "until", "expires_on", "expiry", "valid_until"),
    "id": ("id", "ticket", "reference"),
}


@dataclass(frozen=True, slots=True)
class WaiverSummary:
    """The parts of a waiver a reader needs, whatever the waiver file called them."""

    approver: str | None
    reason: str | None
    until: str | None
    id: str | None

    def describe(self) -> str:
        """One line: ``reason (approved by X, until Y)``."""
        parts = []
        if self.approver:
            parts.append(f"approved by {self.approver}")
        if self.until:
            parts.append(f"until {self.until}")
        text = self.reason or "no reason given"
        return f"{text} ({', '.join(parts)})" if parts else text


def to_jsonable(value: Any) -> Any:
    """Convert ``value`` to JSON types: dates to ISO strings, paths to POSIX, sets sorted."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, PurePath):
        return value.as_posix()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, set | frozenset):
        return sorted((to_jsonable(v) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return str(value)


def sensitive_pi_profile(metadata: Mapping[str, Any]) -> str | None:
    """The sensitivity profile an audit applied (``metadata.taxonomy.sensitive_pi``), if known."""
    taxonomy = metadata.get("taxonomy")
    profile = taxonomy.get("sensitive_pi") if isinstance(taxonomy, Mapping) else None
    return str(profile) if profile else None


def metadata_record(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The metadata as JSON, with ``packs`` sorted by name and ``inputs`` by path."""
    record: dict[str, Any] = to_jsonable(metadata)
    for key, field_name in (("packs", "name"), ("inputs", "path")):
        items = record.get(key)
        if isinstance(items, list) and all(isinstance(i, dict) for i in items):
            record[key] = sorted(items, key=lambda i: (str(i.get(field_name, "")), str(i)))
    return record


def summarize_waiver(waiver: Mapping[str, Any] | None) -> WaiverSummary | None:
    """Pick approver, reason, expiry and id out of a waiver mapping (None when not waived)."""
    if waiver is None:
        return None
    found: dict[str, str | None] = {}
    for field_name, keys in _WAIVER_KEYS.items():
        value = next((waiver[k] for k in keys if waiver.get(k) not in (None, "")), None)
        found[field_name] = None if value is None else str(to_jsonable(value))
    return WaiverSummary(**found)


def ref_record(ref: LawRef) -> dict[str, Any]:
    """A law reference as a JSON record."""
    return {
        "law": ref.law,
        "article": ref.article,
        "clause": ref.clause,
        "former_article": ref.former_article,
        "title": ref.title,
        "url": ref.url,
    }


def refs_of(result: Result, rules: Mapping[str, Rule]) -> tuple[LawRef, ...]:
    """The law references of a result's rule (empty for tool errors)."""
    rule = rules.get(result.rule_id)
    return rule.refs if rule is not None else ()


def verified_record(citation: VerifiedCitation) -> dict[str, Any]:
    """A verified citation as a JSON record: ``law``, ``article``, ``clause``, ``version``,
    ``quote``."""
    return {
        "law": citation.law,
        "article": citation.article,
        "clause": citation.clause,
        "version": citation.version,
        "quote": citation.quote,
    }


def quotes_of(result: Result, rules: Mapping[str, Rule]) -> tuple[VerifiedCitation, ...]:
    """The verified citations (quoted law) of a result's rule (empty for tool errors)."""
    rule = rules.get(result.rule_id)
    return rule.verified if rule is not None else ()


def quote_text(citation: VerifiedCitation) -> str:
    """``CSL Art. 23(3) (2026): “留存相关的网络日志不少于六个月”``."""
    return f"{citation}: “{citation.quote}”"


def laws_of(result: Result, rules: Mapping[str, Rule]) -> list[str]:
    """The distinct laws a result cites, sorted."""
    return sorted({ref.law for ref in refs_of(result, rules)})


def articles_text(refs: tuple[LawRef, ...]) -> str:
    """``PIPL Art. 51; CSL Art. 23 [formerly Art. 21]`` (empty when there is none)."""
    return "; ".join(str(ref) for ref in refs)


def result_record(result: Result, rules: Mapping[str, Rule]) -> dict[str, Any]:
    """One redacted result as the JSON report writes it (see docs/json-report.md)."""
    location = result.location
    return {
        "rule_id": result.rule_id,
        "status": str(result.status),
        "severity": str(result.severity),
        "resource": {"kind": result.resource_kind, "id": result.resource_id},
        "location": {
            "file": _posix(location.file),
            "line": location.line,
            "pointer": location.pointer,
        },
        "message": result.message,
        "evidence": [{"path": e.path, "value": e.value} for e in result.evidence],
        "fingerprint": result.fingerprint,
        "fingerprint_basis": result.fingerprint_basis,
        "refs": [
            {k: v for k, v in ref_record(ref).items() if k in _RESULT_REF_KEYS}
            for ref in refs_of(result, rules)
        ],
        "waiver": to_jsonable(result.waiver) if result.waiver is not None else None,
        "suppression": result.suppression,
        "baselined": result.baselined,
        "pack": result.pack,
        "detail": result.detail,
        "assured": result.assured,
        "loosened": [loosened_record(p) for p in result.loosened],
    }


NOT_ASSURED = "not assured"
"""The marker every report puts on a result whose rule ran with a parameter looser than the law."""


def loosened_record(param: LoosenedParam) -> dict[str, Any]:
    """A loosened parameter as JSON: ``name``, ``configured``, ``legal``, ``stricter``."""
    return {
        "name": param.name,
        "configured": to_jsonable(param.configured),
        "legal": to_jsonable(param.legal),
        "stricter": param.stricter,
    }


def loosened_text(params: tuple[LoosenedParam, ...]) -> str:
    """``min_days configured 90, the law's value 180`` (``; ``-joined; empty when none)."""
    return "; ".join(
        f"{p.name} configured {to_jsonable(p.configured)}, the law's value {to_jsonable(p.legal)}"
        for p in params
    )


def not_assured_note(result: Result) -> str:
    """``not assured (min_days configured 90, the law's value 180)``, or empty when assured."""
    if result.assured:
        return ""
    return f"{NOT_ASSURED} ({loosened_text(result.loosened)})"


def loosened_rules(audit: AuditResult) -> list[Rule]:
    """The audit's rules with a parameter looser than the law, sorted by id."""
    return [rule for rule in sorted_rules(audit) if rule.loosened]


_RESULT_REF_KEYS = ("law", "article", "clause", "former_article")


def rule_record(rule: Rule) -> dict[str, Any]:
    """One rule as the JSON report writes it (no condition: rules are data, not code)."""
    return {
        "id": rule.id,
        "title": rule.title,
        "severity": str(rule.severity),
        "kind": rule.kind,
        "pack": rule.pack,
        "refs": [ref_record(ref) for ref in rule.refs],
        "message": rule.message,
        "remediation": rule.remediation,
        "description": rule.description,
        "tags": list(rule.tags),
        "params": to_jsonable(rule.params),
        "param_defaults": to_jsonable(rule.param_defaults),
        "manual": rule.manual,
        "files": list(rule.files),
        "effective_from": rule.effective_from,
        "effective_until": rule.effective_until,
        "source": (
            {"file": _posix(rule.source.file), "line": rule.source.line}
            if rule.source is not None
            else None
        ),
        "guardrails": list(rule.guardrails),
        "loosened": [loosened_record(p) for p in rule.loosened],
        "legal_values": to_jsonable(rule.legal_values),
        "message_missing": rule.message_missing or None,
        "evidence_interval_days": rule.evidence_interval_days,
        "help_uri": rule.help_uri,
        "verified": [verified_record(v) for v in rule.verified],
    }


def sorted_rules(audit: AuditResult) -> list[Rule]:
    """The audit's rules sorted by id."""
    return [audit.rules[key] for key in sorted(audit.rules)]


def _posix(path: str | None) -> str | None:
    # Only Windows separators are turned into slashes: on POSIX a backslash is part of a name
    # (and the escape character of dsaudit.core.names.shown_name).
    return path.replace(os.sep, "/") if path and os.sep != "/" else path


def pack_source(pack: Mapping[str, Any]) -> str:
    """Where a pack of ``metadata.packs`` came from: ``builtin``, ``plugin NAME``, ``path DIR``."""
    origin = str(pack.get("origin") or "")
    if origin == "path" and pack.get("path"):
        return f"path {pack['path']}"
    return origin


def packs_summary(packs: Any) -> str:
    """``metadata.packs`` on one line, grouped by source: ``csl 0.2.0, dsl 0.1.0 (builtin); ..``."""
    groups: dict[str, list[str]] = {}
    for pack in packs or []:
        if isinstance(pack, Mapping):
            label = f"{pack.get('name')} {pack.get('version') or ''}".strip()
            groups.setdefault(pack_source(pack), []).append(label)
    return "; ".join(
        ", ".join(names) + (f" ({source})" if source else "") for source, names in groups.items()
    )
