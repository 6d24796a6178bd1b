"""Build what the sink sends: an audit summary, findings, and ticket-system-shaped issues."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from dsaudit import AuditResult, Result, Severity, Status

SCHEMA = "dsaudit-sink/1"
PRIORITY = {
    Severity.CRITICAL: "Highest",
    Severity.HIGH: "High",
    Severity.MEDIUM: "Medium",
    Severity.LOW: "Low",
    Severity.INFO: "Lowest",
}
"""dsaudit severity -> ticket priority (Jira's default priority names)."""


def is_new_failure(result: Result, min_severity: Severity) -> bool:
    """A failing result not covered by the baseline, at or above ``min_severity``."""
    return (
        result.status is Status.FAIL
        and not result.baselined
        and result.severity.rank >= min_severity.rank
    )


def summary(audit: AuditResult) -> dict[str, Any]:
    """Counts by status, failing counts by severity, and what the run was."""
    results = audit.all_results()
    meta = audit.metadata
    failing = Counter(str(r.severity) for r in results if r.status is Status.FAIL)
    return {
        "tool": meta.get("tool"),
        "target": meta.get("target"),
        "organization": meta.get("organization"),
        "started_at": meta.get("started_at"),
        "as_of": meta.get("as_of"),
        "packs": [f"{p['name']} {p['version']}" for p in meta.get("packs", [])],
        "results": len(results),
        "by_status": dict(sorted(Counter(str(r.status) for r in results).items())),
        "failing_by_severity": {str(s): failing[str(s)] for s in Severity if failing[str(s)]},
        "new_failing": sum(1 for r in results if r.status is Status.FAIL and not r.baselined),
        "errors": sum(1 for r in results if r.status is Status.ERROR),
    }


def finding(result: Result, audit: AuditResult) -> dict[str, Any]:
    """One failing result with its rule's title, law references and remediation."""
    rule = audit.rules.get(result.rule_id)
    return {
        "rule_id": result.rule_id,
        "title": rule.title if rule else result.rule_id,
        "severity": str(result.severity),
        "pack": result.pack,
        "resource": {"kind": result.resource_kind, "id": result.resource_id},
        "location": str(result.location),
        "message": result.message,
        "law": [str(ref) for ref in rule.refs] if rule else [],
        "remediation": rule.remediation.strip() if rule else "",
        "evidence": [{"path": e.path, "value": e.value} for e in result.evidence],
        "fingerprint": result.fingerprint,
    }


def webhook_body(audit: AuditResult, findings: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The JSON posted to the webhook."""
    return {"schema": SCHEMA, "summary": summary(audit), "findings": list(findings)}


def ticket(item: Mapping[str, Any], project: str) -> dict[str, Any]:
    """One finding as a Jira bulk-create issue (``{"fields": {...}}``)."""
    lines = [
        item["message"],
        "",
        f"Rule: {item['rule_id']} ({item['pack']})",
        f"Law: {'; '.join(item['law']) or '-'}",
        f"Where: {item['location']}",
        f"Remediation: {item['remediation'] or '-'}",
    ]
    lines += [f"Evidence: {e['path']} = {e['value']}" for e in item["evidence"]]
    lines.append(f"dsaudit fingerprint: {item['fingerprint']}")
    return {
        "fields": {
            "project": {"key": project},
            "issuetype": {"name": "Bug"},
            "summary": f"[dsaudit] {item['rule_id']}: {item['title']} ({item['resource']['id']})"[
                :255
            ],
            "description": "\n".join(lines),
            "priority": {"name": PRIORITY[Severity(item["severity"])]},
            "labels": [
                "dsaudit",
                f"dsaudit-{item['pack']}",
                f"dsaudit-fp-{item['fingerprint'][:16]}",
            ],
        }
    }


def tickets_document(
    audit: AuditResult, findings: Iterable[Mapping[str, Any]], project: str
) -> dict[str, Any]:
    """A file shaped like Jira's bulk-create request, plus the audit summary."""
    return {
        "schema": SCHEMA,
        "summary": summary(audit),
        "issueUpdates": [ticket(item, project) for item in findings],
    }
