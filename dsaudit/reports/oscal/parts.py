"""OSCAL observations and risks (with waivers as accepted risks) of single results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dsaudit.core.models import AuditResult, Result, Rule, Severity, Status
from dsaudit.reports.oscal.common import (
    _FAILED,
    _RISK_STATUS,
    NS,
    _prop,
    _text,
    _Uuids,
)
from dsaudit.reports.records import (
    articles_text,
    not_assured_note,
    quote_text,
    refs_of,
    summarize_waiver,
)


class ResultParts:
    """Observations and risks of single results; mixed into the document builder."""

    audit: AuditResult
    uuid: _Uuids
    time: str
    tool_uuid: str
    subjects: dict[tuple[str, str], str]

    def _subject(self, result: Result) -> str:
        key = (result.resource_kind or "resource", result.resource_id or "-")
        if key not in self.subjects:
            self.subjects[key] = self.uuid(f"subject/{key[0]}/{key[1]}")
        return self.subjects[key]

    # ---------------------------------------------------------------- observations
    def _observation(self, result: Result) -> dict[str, Any]:
        rule = self.audit.rules.get(result.rule_id)
        manual = bool(rule and rule.manual) or result.status == Status.MANUAL
        status = str(result.status)
        message = result.message or result.rule_id
        if result.detail:
            message += f" ({result.detail})"
        note = not_assured_note(result)
        if note:
            message += f" [{note}]"
        observation: dict[str, Any] = {
            "uuid": self.uuid(f"observation/{result.fingerprint}"),
            "title": _text(f"{result.rule_id}: {rule.title if rule else status}"),
            "description": _text(message),
            "props": self._result_props_of(result, rule),
            "methods": ["EXAMINE" if manual else "TEST"],
            "types": ["finding" if result.status in _FAILED else "control-objective"],
            "origins": [self._origin()],
            "subjects": [
                {
                    "subject-uuid": self._subject(result),
                    "type": "inventory-item",
                    "title": _text(f"{result.resource_kind} {result.resource_id}"),
                }
            ],
            "collected": self.time,
        }
        evidence = [
            {"description": _text(f"{e.path} = {e.value}"), "props": [_prop("path", e.path, ns=NS)]}
            for e in result.evidence
        ]
        location = result.location
        if location.file:
            where = location.file + (f":{location.line}" if location.line else "")
            if location.pointer:
                where += f" {location.pointer}"
            evidence.append(
                {
                    "description": _text(f"location: {where}"),
                    "props": [_prop("kind", "location", ns=NS)],
                }
            )
        if evidence:
            observation["relevant-evidence"] = evidence
        if rule is not None and rule.verified:
            observation["remarks"] = "\n".join(f"Law text: {quote_text(q)}" for q in rule.verified)
        return observation

    def _result_props_of(self, result: Result, rule: Rule | None) -> list[dict[str, str]]:
        props = [
            _prop("rule-id", result.rule_id, ns=NS),
            _prop("status", str(result.status), ns=NS),
            _prop("severity", str(result.severity), ns=NS),
            _prop("fingerprint", result.fingerprint, ns=NS),
            _prop("assured", "true" if result.assured else "false", ns=NS),
        ]
        if result.pack:
            props.append(_prop("pack", result.pack, ns=NS))
        refs = refs_of(result, self.audit.rules)
        if refs:
            props.append(_prop("law-refs", articles_text(refs), ns=NS))
        if result.baselined:
            props.append(_prop("baselined", "true", ns=NS))
        return props

    def _origin(self) -> dict[str, Any]:
        return {"actors": [{"type": "tool", "actor-uuid": self.tool_uuid}]}

    # ---------------------------------------------------------------- risks
    def _risk(self, result: Result, observation: Mapping[str, Any]) -> dict[str, Any]:
        rule = self.audit.rules.get(result.rule_id)
        severity = str(Severity(result.severity))
        refs = refs_of(result, self.audit.rules)
        title = rule.title if rule else result.rule_id
        risk: dict[str, Any] = {
            "uuid": self.uuid(f"risk/{result.fingerprint}"),
            "title": _text(
                f"{result.rule_id}: {title} ({result.resource_kind} {result.resource_id})"
            ),
            "description": _text(rule.description or rule.title if rule else result.message),
            "statement": _text(
                f"{result.message or result.rule_id}"
                + (f" Breaches {articles_text(refs)}." if refs else "")
            ),
            "props": [
                _prop("severity", severity, ns=NS),
                _prop("rule-id", result.rule_id, ns=NS),
                _prop("fingerprint", result.fingerprint, ns=NS),
            ],
            "status": _RISK_STATUS[Status(result.status)],
            "origins": [self._origin()],
            "characterizations": [
                {
                    "origin": self._origin(),
                    "facets": [
                        {"name": "severity", "system": NS, "value": severity},
                        {"name": "risk", "system": NS, "value": severity},
                    ],
                }
            ],
            "related-observations": [{"observation-uuid": observation["uuid"]}],
        }
        remediations = []
        if rule is not None and rule.remediation.strip():
            remediations.append(
                {
                    "uuid": self.uuid(f"remediation/{result.fingerprint}"),
                    "lifecycle": "recommendation",
                    "title": "Remediation",
                    "description": _text(rule.remediation),
                    "origins": [self._origin()],
                }
            )
        if result.status == Status.WAIVED:
            remediations.append(self._waiver_response(result))
        elif result.status == Status.SUPPRESSED:
            risk["props"].append(
                _prop("suppression", result.suppression or "suppressed in source", ns=NS)
            )
        if remediations:
            risk["remediations"] = remediations
        return risk

    def _waiver_response(self, result: Result) -> dict[str, Any]:
        waiver = summarize_waiver(result.waiver)
        props = [_prop("risk-accepted", "true", ns=NS)]
        if waiver is not None:
            for name, value in (
                ("waiver-id", waiver.id),
                ("approver", waiver.approver),
                ("expires", waiver.until),
                ("reason", waiver.reason),
            ):
                if value:
                    props.append(_prop(name, value, ns=NS))
        described = waiver.describe() if waiver else "waived"
        return {
            "uuid": self.uuid(f"waiver/{result.fingerprint}"),
            "lifecycle": "planned",
            "title": _text(
                f"Risk accepted by waiver {waiver.id}"
                if waiver and waiver.id
                else "Risk accepted by waiver"
            ),
            "description": _text(f"The risk is accepted: {described}."),
            "props": props,
            "remarks": _text(
                f"Approver: {(waiver.approver if waiver else None) or 'not recorded'}; "
                f"expires: {(waiver.until if waiver else None) or 'not recorded'}."
            ),
        }
