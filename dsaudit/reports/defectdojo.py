"""The ``defectdojo`` reporter: DefectDojo's "Generic Findings Import" JSON (docs/reports.md).

DefectDojo reads a SARIF ``suppressions`` entry as a false positive, which a waiver is not: a
waiver is a risk accepted on the record by a named approver until a date. This format keeps
that meaning. Each finding carries DefectDojo's own status flags:

* ``fail`` (baselined or not): active and verified;
* ``waived``: ``risk_accepted`` (never ``false_p``), inactive, with the approver, reason,
  expiry and waiver id in the description and the expiry as ``planned_remediation_date``;
* ``suppressed`` (``# dsaudit:ignore`` in the audited file, nobody's approval on record) and a
  pass that is **not assured**: active, not verified, ``under_review``.

Passes, not-applicable and manual results are not findings and are left out; error results are
left out too (they are not findings), but the test's description counts them and
``last_warnings`` says the audit was incomplete. Only the keys DefectDojo's parser allows are
written (``dojo/tools/generic/json_parser.py``); ``unique_id_from_tool`` is the fingerprint.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from dsaudit.core.models import AuditResult, Result, Rule, Status
from dsaudit.redaction.redact import redact_audit
from dsaudit.reports.ordering import sort_results
from dsaudit.reports.records import (
    articles_text,
    metadata_record,
    not_assured_note,
    quote_text,
    quotes_of,
    refs_of,
    summarize_waiver,
)

SEVERITY = {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low",
            "info": "Info"}  # fmt: skip
"""dsaudit severity -> DefectDojo severity (the only values its parser accepts)."""

FINDING_KEYS = frozenset({
    "title", "severity", "description", "date", "mitigation", "references", "active",
    "verified", "false_p", "risk_accepted", "under_review", "out_of_scope", "is_mitigated",
    "file_path", "line", "static_finding", "dynamic_finding", "unique_id_from_tool",
    "vuln_id_from_tool", "planned_remediation_date", "severity_justification", "tags",
})  # fmt: skip
"""The keys a finding may have: a subset of what DefectDojo's generic JSON parser allows
(any other key makes it refuse the whole file)."""

TITLE_MAX = 511
"""DefectDojo's ``Finding.title`` holds at most this many characters."""
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


class DefectDojoReporter:
    """Render an audit as DefectDojo Generic Findings Import JSON."""

    name = "defectdojo"
    extension = ".json"
    description = "DefectDojo Generic Findings Import JSON (waivers as accepted risks)"

    def __init__(self) -> None:
        self.last_warnings: tuple[str, ...] = ()

    def render(self, audit: AuditResult, options: Mapping[str, Any]) -> str:
        """The JSON document: ``name``, ``type``, ``version``, ``description``,
        ``static_tool`` and ``findings``."""
        audit = redact_audit(audit)
        metadata = metadata_record(audit.metadata)
        findings = [
            finding_record(result, audit.rules, metadata)
            for result in sort_results(audit.results)
            if _is_finding(result)
        ]
        errors = [r for r in audit.all_results() if r.status is Status.ERROR]
        warnings: list[str] = []
        description = "dsaudit compliance audit"
        if metadata.get("as_of"):
            description += f" as of {metadata['as_of']}"
        if errors:
            note = (f"incomplete audit: {len(errors)} error result(s) (inputs that could not be "
                    "read, plugins that raised) are not findings and are not in this file; "
                    "see the JSON or SARIF report")  # fmt: skip
            description += f". {note[0].upper()}{note[1:]}"
            warnings.append(note)
        document: dict[str, Any] = {
            "name": "dsaudit",
            "type": "dsaudit",
            "description": description,
            "static_tool": True,
            "findings": findings,
        }
        tool = metadata.get("tool") or {}
        if isinstance(tool, dict) and tool.get("version"):
            document["version"] = str(tool["version"])
        self.last_warnings = tuple(warnings)
        return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _is_finding(result: Result) -> bool:
    if result.status in (Status.FAIL, Status.WAIVED, Status.SUPPRESSED):
        return True
    return result.status is Status.PASS and not result.assured


def finding_record(
    result: Result, rules: Mapping[str, Rule], metadata: Mapping[str, Any]
) -> dict[str, Any]:
    """One result as a DefectDojo finding (keys: :data:`FINDING_KEYS`)."""
    rule = rules.get(result.rule_id)
    title = rule.title if rule else result.rule_id
    full_title = f"{result.rule_id}: {title} [{result.resource_kind}/{result.resource_id}]"
    record: dict[str, Any] = {
        "title": full_title if len(full_title) <= TITLE_MAX else full_title[: TITLE_MAX - 1] + "…",
        "severity": SEVERITY.get(str(result.severity), "Info"),
        "description": _description(result, rules),
        "mitigation": (rule.remediation if rule else "") or "",
        "references": _references(result, rules),
        "static_finding": True,
        "dynamic_finding": False,
        "unique_id_from_tool": result.fingerprint,
        "vuln_id_from_tool": result.rule_id,
        "false_p": False,
        "out_of_scope": False,
        "is_mitigated": False,
        "tags": _tags(result, rules),
    }
    record.update(_status_flags(result))
    as_of = metadata.get("as_of")
    if isinstance(as_of, str) and _ISO_DATE.match(as_of):
        record["date"] = as_of[:10]
    if result.location.file:
        record["file_path"] = result.location.file
    if result.location.line:
        record["line"] = int(result.location.line)
    waiver = summarize_waiver(result.waiver) if result.status is Status.WAIVED else None
    if waiver and waiver.until and _ISO_DATE.match(waiver.until):
        record["planned_remediation_date"] = waiver.until[:10]
    return record


def _status_flags(result: Result) -> dict[str, bool]:
    """DefectDojo's status flags: a waiver is an accepted risk, never a false positive."""
    if result.status is Status.WAIVED:
        return {"active": False, "verified": True, "risk_accepted": True, "under_review": False}
    if result.status is Status.FAIL:
        return {"active": True, "verified": True, "risk_accepted": False, "under_review": False}
    # suppressed in source (no approval on record) or a pass that is not assured
    return {"active": True, "verified": False, "risk_accepted": False, "under_review": True}


def _description(result: Result, rules: Mapping[str, Rule]) -> str:
    lines = [result.message + (f" ({result.detail})" if result.detail else "")]
    if result.status is Status.PASS:
        lines.append(f"**Not assured:** passed only with a parameter looser than the law: "
                     f"{not_assured_note(result)}")  # fmt: skip
    elif not result.assured:
        lines.append(f"**Not assured:** {not_assured_note(result)}")
    lines.append("")
    lines.append(f"- Status: {result.status}")
    lines.append(f"- Resource: {result.resource_kind}/{result.resource_id}")
    if result.location.file:
        where = result.location.file + (f":{result.location.line}" if result.location.line else "")
        lines.append(f"- Location: {where}")
    if result.location.pointer:
        lines.append(f"- Pointer: {result.location.pointer}")
    articles = articles_text(refs_of(result, rules))
    if articles:
        lines.append(f"- Articles: {articles}")
    for citation in quotes_of(result, rules):
        lines.append(f"- Law text: {quote_text(citation)}")
    for evidence in result.evidence:
        lines.append(f"- Evidence: {evidence.path} = {evidence.value}")
    if result.status is Status.WAIVED:
        waiver = summarize_waiver(result.waiver)
        lines.append("")
        lines.append("**Risk accepted (dsaudit waiver)**")
        lines.append(f"- Approved by: {(waiver.approver if waiver else None) or 'not recorded'}")
        lines.append(f"- Expires: {(waiver.until if waiver else None) or 'not recorded'}")
        reason = (waiver.reason if waiver else None) or "no reason given"
        lines.append(f"- Reason: {reason.strip()}")
        if waiver and waiver.id:
            lines.append(f"- Waiver: {waiver.id}")
    if result.status is Status.SUPPRESSED:
        lines.append("")
        lines.append("**Suppressed in source** (`# dsaudit:ignore`; no approver on record): "
                     f"{result.suppression or 'no reason given'}")  # fmt: skip
    if result.baselined:
        lines.append("")
        lines.append("**Baselined:** known before the baseline was made; it does not fail the "
                     "dsaudit gate, but it is not fixed")  # fmt: skip
    lines.append("")
    lines.append(f"Pack: {result.pack or '-'}; fingerprint: {result.fingerprint}")
    return "\n".join(lines)


def _references(result: Result, rules: Mapping[str, Rule]) -> str:
    lines = []
    for ref in refs_of(result, rules):
        lines.append(f"{ref} {ref.url}" if ref.url else str(ref))
    return "\n".join(lines)


def _tags(result: Result, rules: Mapping[str, Rule]) -> list[str]:
    """``dsaudit``, the pack, the law codes and the status: lower case, no spaces."""
    tags = {"dsaudit", str(result.status)}
    if result.pack:
        tags.add(result.pack)
    tags.update(ref.law for ref in refs_of(result, rules))
    if result.baselined:
        tags.add("baselined")
    if not result.assured:
        tags.add("not-assured")
    return sorted({re.sub(r"[^a-z0-9._-]+", "-", tag.lower()).strip("-") for tag in tags} - {""})


REPORTER = DefectDojoReporter()
