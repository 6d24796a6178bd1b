"""The ``junit`` reporter: JUnit XML (Jenkins junit-10, as pytest writes it) for CI test views.

One ``testsuite`` per rule pack (tool errors go to a ``dsaudit`` suite), one ``testcase`` per
result named ``RULE-ID[kind/id]`` (a `` #2`` suffix keeps repeated names unique, since GitLab
drops duplicates) with ``classname`` ``pack.RULE-ID``. Failing results carry ``<failure>``,
error results ``<error>``; waived, suppressed, not-applicable and manual results are
``<skipped>`` with the reason, and so is a pass that is not assured (a rule parameter looser
than the law): it is not reported as passed. A not-assured failure says "not assured" in its
message and details; suite properties ``not_assured:RULE.param`` give both values. Each suite
carries the reproducibility metadata as properties.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from dsaudit.core.models import AuditResult, Result, Rule, Status
from dsaudit.redaction.redact import redact_audit
from dsaudit.reports.ordering import sort_results
from dsaudit.reports.records import (
    NOT_ASSURED,
    articles_text,
    loosened_text,
    metadata_record,
    not_assured_note,
    quote_text,
    quotes_of,
    refs_of,
    summarize_waiver,
)

TOOL_SUITE = "dsaudit"
"""Suite of results without a pack (parse and plugin errors)."""
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class JunitReporter:
    """Render an audit as JUnit XML."""

    name = "junit"
    extension = ".xml"
    description = "JUnit XML for CI test views (Jenkins, GitLab, Azure DevOps)"

    def __init__(self) -> None:
        self.last_warnings: tuple[str, ...] = ()

    def render(self, audit: AuditResult, options: Mapping[str, Any]) -> str:
        """Return the XML document (UTF-8 declaration, indented, trailing newline)."""
        self.last_warnings = ()
        audit = redact_audit(audit)
        metadata = metadata_record(audit.metadata)
        by_suite: dict[str, list[Result]] = defaultdict(list)
        for result in sort_results(audit.all_results()):
            by_suite[result.pack or TOOL_SUITE].append(result)
        root = ET.Element("testsuites", {"name": "dsaudit"})
        totals: Counter[str] = Counter()
        for suite_name in sorted(by_suite):
            suite = _suite(suite_name, by_suite[suite_name], audit.rules, metadata)
            root.append(suite)
            for key in ("tests", "failures", "errors"):
                totals[key] += int(suite.get(key, "0"))
        for key in ("tests", "failures", "errors"):
            root.set(key, str(totals[key]))
        root.set("time", "0")
        ET.indent(root)
        body = ET.tostring(root, encoding="unicode")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _suite(
    name: str, results: list[Result], rules: Mapping[str, Rule], metadata: Mapping[str, Any]
) -> ET.Element:
    counts = Counter(_outcome(r) for r in results)
    suite = ET.Element(
        "testsuite",
        {
            "name": _clean(name),
            "tests": str(len(results)),
            "failures": str(counts["failure"]),
            "errors": str(counts["error"]),
            "skipped": str(counts["skipped"]),
            "time": "0",
        },
    )
    if isinstance(metadata.get("started_at"), str):
        suite.set("timestamp", metadata["started_at"])
    properties = _properties(name, metadata, rules)
    if properties:
        props = ET.SubElement(suite, "properties")
        for key, value in properties:
            ET.SubElement(props, "property", {"name": _clean(key), "value": _clean(value)})
    seen: Counter[str] = Counter()
    for result in results:
        base = f"{result.rule_id}[{result.resource_kind}/{result.resource_id}]"
        seen[base] += 1
        case_name = base if seen[base] == 1 else f"{base} #{seen[base]}"
        suite.append(_testcase(case_name, result, rules))
    return suite


def _testcase(name: str, result: Result, rules: Mapping[str, Rule]) -> ET.Element:
    case = ET.Element(
        "testcase",
        {
            "name": _clean(name),
            "classname": _clean(f"{result.pack or TOOL_SUITE}.{result.rule_id}"),
            "time": "0",
        },
    )
    outcome = _outcome(result)
    if outcome == "passed":
        return case
    refs = refs_of(result, rules)
    articles = articles_text(refs)
    message = result.message
    if not result.assured:
        message += f" [{not_assured_note(result)}]"
    if outcome == "failure":
        text = f"{message} ({articles})" if articles else message
        child = ET.SubElement(case, "failure", {"type": str(result.severity), "message": text})
        child.text = _details(result, rules)
    elif outcome == "error":
        child = ET.SubElement(case, "error", {"type": result.rule_id, "message": message})
        child.text = _details(result, rules)
    else:
        ET.SubElement(case, "skipped", {"message": _skip_reason(result)})
    for element in case:
        element.set("message", _clean(element.get("message", "")))
        if element.text:
            element.text = _clean(element.text)
    return case


def _outcome(result: Result) -> str:
    if result.status == Status.FAIL and not result.baselined:
        return "failure"
    if result.status == Status.ERROR:
        return "error"
    if result.status == Status.PASS:
        return "passed" if result.assured else "skipped"
    return "skipped"


def _skip_reason(result: Result) -> str:
    if result.status == Status.PASS:
        return (
            f"{not_assured_note(result)}: passed only with a parameter looser than the law, "
            "so the law is not shown to be met"
        )
    if result.status == Status.FAIL:
        return "baselined: known finding, not new: " + result.message
    if result.status == Status.WAIVED:
        waiver = summarize_waiver(result.waiver)
        return "waived: " + (waiver.describe() if waiver else "no waiver details")
    if result.status == Status.SUPPRESSED:
        return "suppressed: " + (result.suppression or "in source")
    if result.status == Status.MANUAL:
        return "manual evidence required: " + result.message
    return "not applicable: " + result.message


def _details(result: Result, rules: Mapping[str, Rule]) -> str:
    lines = [
        f"rule: {result.rule_id}",
        f"severity: {result.severity}",
        f"resource: {result.resource_kind}/{result.resource_id}",
    ]
    if result.location.file:
        lines.append(f"location: {result.location}")
    if result.location.pointer:
        lines.append(f"pointer: {result.location.pointer}")
    articles = articles_text(refs_of(result, rules))
    if articles:
        lines.append(f"law: {articles}")
    lines.extend(f"law text: {quote_text(q)}" for q in quotes_of(result, rules))
    for evidence in result.evidence:
        lines.append(f"evidence: {evidence.path} = {evidence.value}")
    rule = rules.get(result.rule_id)
    if rule is not None and rule.remediation:
        lines.append(f"remediation: {rule.remediation}")
    if result.detail:
        lines.append(f"detail: {result.detail}")
    if not result.assured:
        lines.append(f"{NOT_ASSURED}: {loosened_text(result.loosened)}")
    lines.append(f"fingerprint: {result.fingerprint}")
    return "\n".join(lines)


def _properties(
    suite: str, metadata: Mapping[str, Any], rules: Mapping[str, Rule]
) -> list[tuple[str, str]]:
    props: list[tuple[str, str]] = []
    tool = metadata.get("tool") or {}
    if isinstance(tool, dict) and tool.get("version"):
        props.append(("dsaudit.version", str(tool["version"])))
    for key in ("python", "platform", "started_at", "finished_at", "as_of", "target", "fail_on"):
        if metadata.get(key) is not None:
            props.append((key, str(metadata[key])))
    for pack in metadata.get("packs") or []:
        if isinstance(pack, dict) and pack.get("name") == suite:
            props.append(("pack.version", str(pack.get("version", ""))))
            props.append(("pack.sha256", str(pack.get("sha256", ""))))
    for item in metadata.get("inputs") or []:
        if isinstance(item, dict):
            props.append((f"input.sha256:{item.get('path', '')}", str(item.get("sha256", ""))))
    parameters = metadata.get("parameters") or {}
    if isinstance(parameters, dict):
        for rule_id in sorted(parameters):
            values = parameters[rule_id]
            rule = rules.get(rule_id)
            if not isinstance(values, dict) or (rule is not None and rule.pack != suite):
                continue
            for param in sorted(values):
                props.append((f"parameter:{rule_id}.{param}", json.dumps(values[param])))
    for rule_id in sorted(rules):
        rule = rules[rule_id]
        if rule.pack != suite:
            continue
        for loose in rule.loosened:
            props.append((f"not_assured:{rule_id}.{loose.name}", loosened_text((loose,))))
    return props


def _clean(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (control characters, lone surrogates)."""
    return _INVALID_XML.sub("\ufffd", text)


REPORTER = JunitReporter()
