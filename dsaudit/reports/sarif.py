"""The ``sarif`` reporter: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Only failing, waived and suppressed results become SARIF results (passes are not findings),
plus passes that are not assured (a rule parameter looser than the law), as ``kind: review``;
waived and suppressed ones carry ``suppressions`` so viewers hide them. A not-assured result
has ``properties.assured: false`` and ``properties.loosened``, and its message says "not
assured". Error results become ``toolExecutionNotifications`` and make
``executionSuccessful`` false. Code scanning accepts at most 25,000 results per run and 10 MB
of gzipped SARIF: beyond that the most severe results are kept, a warning notification is
added and the warning is left in ``last_warnings``.
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from dsaudit.core.models import AuditResult, Result, Rule, Severity, Status
from dsaudit.redaction.redact import redact_audit
from dsaudit.reports.jsontext import dumps_layered
from dsaudit.reports.links import safe_link
from dsaudit.reports.ordering import sort_results
from dsaudit.reports.records import (
    articles_text,
    loosened_record,
    metadata_record,
    not_assured_note,
    quote_text,
    refs_of,
    sorted_rules,
    summarize_waiver,
    verified_record,
)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
MAX_RESULTS = 25_000
"""GitHub code scanning: results per run."""
MAX_GZIP_BYTES = 10 * 1024 * 1024
"""GitHub code scanning: gzipped upload size."""
FINGERPRINT_KEY = "dsauditFingerprint/v1"
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
_REPORTED = (Status.FAIL, Status.WAIVED, Status.SUPPRESSED)
_INFORMATION_URI = "https://github.com/dsaudit/dsaudit"


class SarifReporter:
    """Render an audit as SARIF 2.1.0 (one run)."""

    name = "sarif"
    extension = ".sarif"
    description = "SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, IDEs)"

    def __init__(self) -> None:
        self.last_warnings: tuple[str, ...] = ()

    def render(self, audit: AuditResult, options: Mapping[str, Any]) -> str:
        """Return the SARIF log as indented JSON.

        Options: ``max_results`` (default 25,000) and ``max_gzip_bytes`` (default 10 MB).
        """
        audit = redact_audit(audit)
        max_results = int(options.get("max_results", MAX_RESULTS))
        max_bytes = int(options.get("max_gzip_bytes", MAX_GZIP_BYTES))
        rules = sorted_rules(audit)
        index = {rule.id: i for i, rule in enumerate(rules)}
        reported = [
            r
            for r in sort_results(audit.results)
            if r.status in _REPORTED or (r.status == Status.PASS and not r.assured)
        ]
        warnings: list[str] = []
        kept = reported[:max_results]
        if len(reported) > max_results:
            warnings.append(_cap_warning(len(reported), len(kept), "results per run"))
        while True:
            log = _log(audit, rules, index, kept, warnings)
            text = dumps_layered(log, depth=4, one_line_items=("results", "rules"))
            size = len(gzip.compress(text.encode("utf-8"), mtime=0))
            if size <= max_bytes or not kept:
                break
            # Shrink in proportion to the overshoot, keeping the most severe results.
            shrunk = max(0, min(len(kept) - 1, int(len(kept) * max_bytes / size * 0.95)))
            message = _cap_warning(len(reported), shrunk, "gzipped bytes", limit=max_bytes)
            warnings = [w for w in warnings if "gzipped" not in w] + [message]
            kept = kept[:shrunk]
        self.last_warnings = tuple(warnings)
        return text


def _cap_warning(total: int, kept: int, what: str, *, limit: int = MAX_RESULTS) -> str:
    return (
        f"SARIF: {total} results exceed code scanning's limit of {limit:,} {what}; "
        f"kept the {kept:,} most severe. Use the JSON or HTML report for the full list."
    )


def _log(
    audit: AuditResult,
    rules: list[Rule],
    index: Mapping[str, int],
    results: list[Result],
    warnings: list[str],
) -> dict[str, Any]:
    metadata = metadata_record(audit.metadata)
    tool_meta = metadata.get("tool") or {}
    driver: dict[str, Any] = {
        "name": str(tool_meta.get("name", "dsaudit")),
        "informationUri": _INFORMATION_URI,
        "rules": [_rule(rule) for rule in rules],
    }
    if tool_meta.get("version"):
        driver["version"] = str(tool_meta["version"])
        driver["semanticVersion"] = str(tool_meta["version"])
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [_invocation(audit, metadata, index, warnings)],
        "results": [
            _result(r, audit.rules, index, _anchor(r, audit.rules, metadata)) for r in results
        ],
        "columnKind": "unicodeCodePoints",
        "properties": {"dsaudit": metadata},
    }
    extensions = [_pack(pack) for pack in metadata.get("packs") or [] if isinstance(pack, dict)]
    if extensions:
        run["tool"]["extensions"] = extensions
    artifacts = [_artifact(i) for i in metadata.get("inputs") or [] if isinstance(i, dict)]
    if artifacts:
        run["artifacts"] = artifacts
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _rule(rule: Rule) -> dict[str, Any]:
    severity = Severity(rule.severity)
    articles = articles_text(rule.refs)
    full = rule.description or rule.title
    quotes = [quote_text(q) for q in rule.verified]
    help_lines = [
        full,
        f"Law: {articles}" if articles else "",
        *(f"Law text: {q}" for q in quotes),
        f"Remediation: {rule.remediation}",
    ]
    markdown = [
        f"**{_md(rule.title)}**",
        "",
        _md(full),
        "",
        *(
            f"- {_md(str(ref))}" + (f" ({ref.url})" if safe_link(ref.url) else "")
            for ref in rule.refs
        ),
        *(["", "**Law text:**", "", *(f"> {_md(q)}  " for q in quotes)] if quotes else []),
        "",
        f"**Remediation:** {_md(rule.remediation)}",
    ]
    record: dict[str, Any] = {
        "id": rule.id,
        "name": _pascal(rule.title) or rule.id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": full},
        "help": {
            "text": "\n\n".join(line for line in help_lines if line),
            "markdown": "\n".join(markdown).strip(),
        },
        "defaultConfiguration": {"level": LEVEL[severity]},
        "properties": {
            "tags": sorted({*rule.tags, *(ref.law for ref in rule.refs), "compliance"}),
            "security-severity": SECURITY_SEVERITY[severity],
            "precision": "high",
            "problem.severity": {"error": "error", "warning": "warning"}.get(
                LEVEL[severity], "recommendation"
            ),
            "pack": rule.pack,
            "refs": [str(ref) for ref in rule.refs],
            "verified": [verified_record(q) for q in rule.verified],
            "assured": not rule.loosened,
            "loosened": [loosened_record(p) for p in rule.loosened],
        },
    }
    if safe_link(rule.help_uri):
        record["helpUri"] = rule.help_uri
    return record


def _result(
    result: Result, rules: Mapping[str, Rule], index: Mapping[str, int], anchor: str
) -> dict[str, Any]:
    severity = Severity(result.severity)
    refs = refs_of(result, rules)
    articles = articles_text(refs)
    message = result.message or result.rule_id
    kind, level = "fail", LEVEL[severity]
    if result.status == Status.PASS:  # only not-assured passes are reported
        kind, level = "review", "none"  # SARIF: a kind other than fail has level none
        message = (
            f"{result.rule_id} passed only with a parameter looser than the law; the law is "
            "not shown to be met"
        )
    if not result.assured:
        message += f" [{not_assured_note(result)}]"
    record: dict[str, Any] = {
        "ruleId": result.rule_id,
        "level": level,
        "kind": kind,
        "message": {"text": f"{message} ({articles})" if articles else message},
        "locations": [_location(result, anchor)],
        "partialFingerprints": {FINGERPRINT_KEY: result.fingerprint},
        "properties": {
            "status": str(result.status),
            "severity": str(severity),
            "resource": {"kind": result.resource_kind, "id": result.resource_id},
            "refs": [str(ref) for ref in refs],
            "evidence": [{"path": e.path, "value": e.value} for e in result.evidence],
            "pack": result.pack,
            "assured": result.assured,
            "loosened": [loosened_record(p) for p in result.loosened],
        },
    }
    if result.rule_id in index:
        record["ruleIndex"] = index[result.rule_id]
    if result.baselined:
        record["baselineState"] = "unchanged"
    if result.status == Status.WAIVED:
        waiver = summarize_waiver(result.waiver)
        record["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": waiver.describe() if waiver else "waived",
            }
        ]
    elif result.status == Status.SUPPRESSED:
        record["suppressions"] = [
            {
                "kind": "inSource",
                "status": "accepted",
                "justification": result.suppression or "suppressed in source",
            }
        ]
    return record


def _location(result: Result, anchor: str | None = None) -> dict[str, Any]:
    """A location with a physical part (code scanning rejects a file with any result lacking
    one) and, for inventory results, a logical part naming the resource."""
    location: dict[str, Any] = {}
    file = result.location.file or anchor
    if file:
        physical: dict[str, Any] = {
            "artifactLocation": {"uri": _uri(file), "uriBaseId": "%SRCROOT%"}
        }
        line = result.location.line if result.location.file else None
        physical["region"] = {"startLine": line or 1}
        location["physicalLocation"] = physical
    if result.resource_kind != "config" or not location:
        location["logicalLocations"] = [
            {
                "name": result.resource_id,
                "kind": result.resource_kind,
                "fullyQualifiedName": f"{result.resource_kind}/{result.resource_id}",
            }
        ]
    return location


def _anchor(result: Result, rules: Mapping[str, Rule], metadata: Mapping[str, Any]) -> str:
    """The file a result without one is shown on: the first inventory input, else the rule's
    pack file, else the first input, else ``dsaudit.yaml``."""
    inputs = [i for i in metadata.get("inputs") or [] if isinstance(i, dict) and i.get("path")]
    inventories = [str(i["path"]) for i in inputs if i.get("kind") == "inventory"]
    if inventories:
        return inventories[0]
    rule = rules.get(result.rule_id)
    if rule is not None and rule.source is not None and rule.source.file:
        return rule.source.file
    return str(inputs[0]["path"]) if inputs else "dsaudit.yaml"


def _invocation(
    audit: AuditResult,
    metadata: Mapping[str, Any],
    index: Mapping[str, int],
    warnings: list[str],
) -> dict[str, Any]:
    failed = [r for r in sort_results(audit.all_results()) if r.status == Status.ERROR]
    notifications = [_notification(r, index) for r in failed]
    notifications += [
        {"level": "warning", "message": {"text": text}, "descriptor": {"id": "DSAUDIT-LIMIT"}}
        for text in warnings
    ]
    notifications += [{"level": "warning", "message": {"text": text}} for text in audit.warnings]
    invocation: dict[str, Any] = {
        "executionSuccessful": not failed,
        "toolExecutionNotifications": notifications,
    }
    for key, field_name in (("started_at", "startTimeUtc"), ("finished_at", "endTimeUtc")):
        if _is_datetime(metadata.get(key)):
            invocation[field_name] = metadata[key]
    if isinstance(metadata.get("exit_code"), int):
        invocation["exitCode"] = metadata["exit_code"]
    return invocation


def _notification(result: Result, index: Mapping[str, int]) -> dict[str, Any]:
    text = result.message or result.rule_id
    if result.detail:
        text += f" ({result.detail})"
    notification: dict[str, Any] = {
        "level": "error",
        "message": {"text": text},
        "descriptor": {"id": result.rule_id if result.rule_id not in index else "DSAUDIT-RULE"},
    }
    if result.rule_id in index:
        notification["associatedRule"] = {"id": result.rule_id, "index": index[result.rule_id]}
    if result.location.file:
        notification["locations"] = [_location(result)]
    return notification


def _pack(pack: Mapping[str, Any]) -> dict[str, Any]:
    component: dict[str, Any] = {"name": str(pack.get("name", "pack"))}
    if pack.get("version"):
        component["version"] = str(pack["version"])
    component["properties"] = {k: v for k, v in pack.items() if k not in ("name", "version")}
    return component


def _artifact(item: Mapping[str, Any]) -> dict[str, Any]:
    artifact: dict[str, Any] = {
        "location": {"uri": _uri(str(item.get("path", ""))), "uriBaseId": "%SRCROOT%"}
    }
    if item.get("sha256"):
        artifact["hashes"] = {"sha-256": str(item["sha256"])}
    if item.get("kind"):
        artifact["properties"] = {"kind": item["kind"]}
    artifact["roles"] = ["analysisTarget"]
    return artifact


def _uri(path: str) -> str:
    return quote(path.replace(os.sep, "/") if os.sep != "/" else path, safe="/")


_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")


def _is_datetime(value: Any) -> bool:
    return isinstance(value, str) and bool(_DATETIME.fullmatch(value))


def _pascal(text: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", text))


def _md(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>|])", r"\\\1", text)


REPORTER = SarifReporter()
