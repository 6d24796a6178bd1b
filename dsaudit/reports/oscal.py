"""The ``oscal`` reporter: an OSCAL 1.0.6 Assessment Results document (docs/oscal.md).

One OSCAL *result* holds the run:

* an **observation** per rule result (failures, waived and suppressed failures, passes, manual
  evidence, tool errors; not-applicable results are left out), its evidence as
  ``relevant-evidence``; manual evidence is observed with method ``EXAMINE``, the rest ``TEST``;
* a **finding** per provision (law + article) the run's results cite, targeting the provision's
  statement ``{control-id}_smt`` in the provisions catalog (``pipl-art-51_smt``): not-satisfied
  when a result failed (waived and suppressed failures included), satisfied when every result
  passed with parameters no looser than the law; provisions with only manual, not-assured or
  error results get no finding (nothing was determined) and are named in the result's remarks;
* a **risk** per failing, waived or suppressed result, characterized by the rule's severity;
  a waived one is ``deviation-approved`` with a remediation response carrying the waiver's
  approver and expiry, a suppressed one ``deviation-requested``, a failing one ``open``.

The provisions of ``dsaudit/data/provisions.yaml`` (plus any cited provision missing from it)
are an OSCAL catalog (:func:`provisions_catalog`), embedded base64-encoded as a back-matter
resource; ``import-ap`` points at another back-matter resource that describes the plan (the
packs run, with their SHA-256). Every UUID is a version-5 UUID of the run's metadata and a
fingerprint, never random, so the same audit renders byte-identically.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from dsaudit.core.models import AuditResult, LawRef, Result, Rule, Severity, Status
from dsaudit.redaction.redact import redact_audit
from dsaudit.reports.jsontext import dumps_layered
from dsaudit.reports.ordering import sort_results
from dsaudit.reports.records import (
    articles_text,
    metadata_record,
    not_assured_note,
    quote_text,
    refs_of,
    summarize_waiver,
)

OSCAL_VERSION = "1.0.6"
NS = "https://github.com/dsaudit/dsaudit/ns/oscal"
"""The namespace of dsaudit's own ``props`` and characterization facets."""
CATALOG_MEDIA_TYPE = "application/oscal.catalog+json"
_UUID_NAMESPACE = uuid.UUID("5f0c5d3e-8a51-5b1e-9d8e-647361756469")
_EPOCH = "1970-01-01T00:00:00Z"
_FAILED = (Status.FAIL, Status.WAIVED, Status.SUPPRESSED)
_RISK_STATUS = {
    Status.FAIL: "open",
    Status.WAIVED: "deviation-approved",
    Status.SUPPRESSED: "deviation-requested",
}
_DATETIME = re.compile(
    r"(19|2\d)\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)",
)
_ONE_LINE = ("observations", "risks", "findings", "resources", "inventory-items")
_TOKEN_UNSAFE = re.compile(r"[^a-z0-9.]+")


@dataclass(frozen=True, slots=True)
class Control:
    """One provision as an OSCAL control."""

    id: str
    law: str
    article: str
    title: str
    checkable: bool | None
    reason: str = ""
    former_article: str | None = None
    listed: bool = True


def control_id(law: str, article: str) -> str:
    """The control id of a provision: ``pipl-art-51``, ``gbt35273-art-6.3`` (an OSCAL token)."""
    article_part = _TOKEN_UNSAFE.sub("-", article.lower()).strip("-.") or "0"
    law_part = _TOKEN_UNSAFE.sub("-", law.lower()).strip("-.") or "law"
    return f"{law_part}-art-{article_part}"


def statement_id(law: str, article: str) -> str:
    """The id of a provision's statement part, the target of its findings."""
    return f"{control_id(law, article)}_smt"


class OscalReporter:
    """Render an audit as OSCAL Assessment Results."""

    name = "oscal"
    extension = ".json"
    description = "OSCAL 1.0.6 Assessment Results for auditors (docs/oscal.md)"

    def __init__(self) -> None:
        self.last_warnings: tuple[str, ...] = ()

    def render(self, audit: AuditResult, options: Mapping[str, Any]) -> str:
        """Return the Assessment Results as indented JSON with sorted keys."""
        self.last_warnings = ()
        document = assessment_results(audit)
        return dumps_layered(document, depth=4, one_line_items=_ONE_LINE)


def assessment_results(audit: AuditResult) -> dict[str, Any]:
    """The OSCAL Assessment Results document of an audit (redacted first)."""
    audit = redact_audit(audit)
    return _Builder(audit).document()


def provisions_catalog(audit: AuditResult | None = None) -> dict[str, Any]:
    """The OSCAL catalog of the tracked provisions (and those ``audit`` cites beyond them)."""
    if audit is not None:
        audit = redact_audit(audit)
    meta = metadata_record(audit.metadata) if audit is not None else {}
    controls = _controls(audit)
    titles = _instruments()
    digest = _provisions_digest()
    make = _Uuids(f"catalog/{digest}/{_run_key(meta)}")
    groups = []
    by_law: dict[str, list[Control]] = defaultdict(list)
    for control in controls:
        by_law[control.law].append(control)
    for law in sorted(by_law):
        groups.append(
            {
                "id": _token(law.lower()),
                "class": "instrument",
                "title": _text(titles.get(law, law)),
                "props": [_prop("law-code", law)],
                "controls": [_control(c) for c in by_law[law]],
            }
        )
    catalog: dict[str, Any] = {
        "uuid": make("catalog"),
        "metadata": {
            "title": "Provisions of China's data-security instruments tracked by dsaudit",
            "last-modified": _modified(meta),
            "version": f"provisions-{digest[:12]}",
            "oscal-version": OSCAL_VERSION,
            "props": [_prop("provisions-sha256", digest, ns=NS)],
        },
        "groups": groups,
    }
    return {"catalog": catalog}


def _control(control: Control) -> dict[str, Any]:
    props = [_prop("label", f"{control.law} Art. {control.article}")]
    if control.former_article:
        props.append(_prop("former-article", control.former_article, ns=NS))
    if control.checkable is not None:
        props.append(_prop("checkable", "true" if control.checkable else "false", ns=NS))
    if not control.listed:
        props.append(_prop("listed", "false", ns=NS))
    record: dict[str, Any] = {
        "id": control.id,
        "class": "provision",
        "title": _text(f"{control.law} Art. {control.article}: {control.title}"),
        "props": props,
        "parts": [
            {
                "id": f"{control.id}_smt",
                "name": "statement",
                "prose": _text(control.title),
            }
        ],
    }
    if control.reason:
        record["parts"].append(
            {"id": f"{control.id}_gdn", "name": "guidance", "prose": _text(control.reason)}
        )
    return record


@cache
def _provisions_text() -> str:
    return resources.files("dsaudit").joinpath("data/provisions.yaml").read_text("utf-8")


def _provisions_digest() -> str:
    return hashlib.sha256(_provisions_text().encode("utf-8")).hexdigest()


@cache
def _provisions_data() -> dict[str, Any]:
    data = yaml.safe_load(_provisions_text())
    return data if isinstance(data, dict) else {}


def _instruments() -> dict[str, str]:
    raw = _provisions_data().get("instruments") or {}
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


def _controls(audit: AuditResult | None) -> list[Control]:
    """The shipped provisions in file order, then cited provisions missing from them."""
    controls: dict[str, Control] = {}
    for raw in _provisions_data().get("provisions") or []:
        if not isinstance(raw, dict) or "law" not in raw or "article" not in raw:
            continue
        law, article = str(raw["law"]), str(raw["article"])
        former = raw.get("former_article")
        controls.setdefault(
            control_id(law, article),
            Control(
                id=control_id(law, article),
                law=law,
                article=article,
                title=str(raw.get("title") or f"{law} Art. {article}"),
                checkable=bool(raw.get("checkable")),
                reason=str(raw.get("reason") or "").strip(),
                former_article=str(former) if former else None,
            ),
        )
    if audit is not None:
        extra: dict[str, Control] = {}
        for rule in audit.rules.values():
            for ref in rule.refs:
                cid = control_id(ref.law, ref.article)
                if cid not in controls and cid not in extra:
                    extra[cid] = Control(
                        id=cid,
                        law=ref.law,
                        article=ref.article,
                        title=ref.title or f"{ref.law} Art. {ref.article}",
                        checkable=None,
                        former_article=ref.former_article,
                        listed=False,
                    )
        controls.update(dict(sorted(extra.items())))
    return list(controls.values())


class _Uuids:
    """Version-5 UUIDs from a run key and a name; a repeated name gets a counter."""

    def __init__(self, key: str) -> None:
        self._base = uuid.uuid5(_UUID_NAMESPACE, key)
        self._seen: dict[str, int] = {}

    def __call__(self, name: str) -> str:
        count = self._seen.get(name, 0)
        self._seen[name] = count + 1
        return str(uuid.uuid5(self._base, name if count == 0 else f"{name}#{count}"))


def _run_key(meta: Mapping[str, Any]) -> str:
    """The metadata that identifies a run: times, target, tool, packs and input digests."""
    keyed = {
        key: meta.get(key)
        for key in ("started_at", "finished_at", "as_of", "target", "organization", "tool")
    }
    keyed["packs"] = [
        (p.get("name"), p.get("version"), p.get("sha256"))
        for p in meta.get("packs") or []
        if isinstance(p, dict)
    ]
    keyed["inputs"] = [
        (i.get("path"), i.get("sha256")) for i in meta.get("inputs") or [] if isinstance(i, dict)
    ]
    return hashlib.sha256(json.dumps(keyed, sort_keys=True, default=str).encode()).hexdigest()


def _modified(meta: Mapping[str, Any]) -> str:
    for key in ("finished_at", "started_at"):
        value = meta.get(key)
        if isinstance(value, str) and _DATETIME.fullmatch(value):
            return value
    return _EPOCH


def _text(value: object) -> str:
    """A non-empty string without leading or trailing whitespace (OSCAL StringDatatype)."""
    text = " ".join(str(value).split()) if value is not None else ""
    return text or "-"


def _token(value: str) -> str:
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", value).strip("-")
    return text if text and (text[0].isalpha() or text[0] == "_") else f"_{text}"


def _prop(name: str, value: object, *, ns: str | None = None) -> dict[str, str]:
    prop = {"name": name, "value": _text(value)}
    if ns:
        prop["ns"] = ns
    return prop


class _Builder:
    """Builds one Assessment Results document from a redacted audit."""

    def __init__(self, audit: AuditResult) -> None:
        self.audit = audit
        self.meta = metadata_record(audit.metadata)
        self.uuid = _Uuids(f"assessment-results/{_run_key(self.meta)}")
        self.time = _modified(self.meta)
        self.start = self.meta.get("started_at")
        if not (isinstance(self.start, str) and _DATETIME.fullmatch(self.start)):
            self.start = self.time
        self.tool_uuid = self.uuid("component/dsaudit")
        self.subjects: dict[tuple[str, str], str] = {}

    # ---------------------------------------------------------------- document
    def document(self) -> dict[str, Any]:
        plan_uuid = self.uuid("resource/assessment-plan")
        catalog_uuid = self.uuid("resource/catalog")
        results = [
            r for r in sort_results(self.audit.all_results()) if r.status != Status.NOT_APPLICABLE
        ]
        observations = {id(r): self._observation(r) for r in results}
        risks = {id(r): self._risk(r, observations[id(r)]) for r in results if r.status in _FAILED}
        findings, undetermined = self._findings(results, observations, risks)
        result: dict[str, Any] = {
            "uuid": self.uuid("result"),
            "title": _text(f"dsaudit audit of {self._subject_name()}"),
            "description": _text(self._description()),
            "start": self.start,
            "end": self.time,
            "props": self._result_props(),
            "local-definitions": self._local_definitions(),
            "reviewed-controls": self._reviewed_controls(catalog_uuid),
        }
        if observations:
            result["observations"] = list(observations.values())
        if risks:
            result["risks"] = list(risks.values())
        if findings:
            result["findings"] = findings
        remarks = self._remarks(undetermined)
        if remarks:
            result["remarks"] = remarks
        document: dict[str, Any] = {
            "uuid": self.uuid("document"),
            "metadata": self._metadata(),
            "import-ap": {
                "href": f"#{plan_uuid}",
                "remarks": (
                    "dsaudit writes no separate assessment plan: this back-matter resource "
                    "describes the plan that was run (the rule packs, their versions and "
                    "SHA-256 digests)."
                ),
            },
            "results": [result],
            "back-matter": {
                "resources": [self._plan_resource(plan_uuid), self._catalog_resource(catalog_uuid)]
            },
        }
        return {"assessment-results": document}

    def _subject_name(self) -> str:
        return str(self.meta.get("organization") or self.meta.get("target") or "an organization")

    def _description(self) -> str:
        summary: dict[str, int] = defaultdict(int)
        for r in self.audit.all_results():
            summary[str(r.status)] += 1
        counts = ", ".join(f"{summary[k]} {k}" for k in sorted(summary)) or "no results"
        as_of = self.meta.get("as_of")
        return (
            f"Automated compliance audit by dsaudit against the rule packs of China's CSL, DSL, "
            f"PIPL and the rules under them{f', as of {as_of}' if as_of else ''}: {counts}."
        )

    def _metadata(self) -> dict[str, Any]:
        tool = self.meta.get("tool") or {}
        version = str(tool.get("version") or "0") if isinstance(tool, dict) else "0"
        meta: dict[str, Any] = {
            "title": _text(f"dsaudit assessment results: {self._subject_name()}"),
            "published": self.time,
            "last-modified": self.time,
            "version": _text(version),
            "oscal-version": OSCAL_VERSION,
            "props": [_prop("tool", f"dsaudit {version}", ns=NS)],
        }
        organization = self.meta.get("organization")
        if organization:
            meta["parties"] = [
                {
                    "uuid": self.uuid("party/organization"),
                    "type": "organization",
                    "name": _text(organization),
                }
            ]
        return meta

    def _result_props(self) -> list[dict[str, str]]:
        props = []
        for key in ("as_of", "target", "fail_on", "exit_code"):
            if self.meta.get(key) not in (None, ""):
                props.append(_prop(key.replace("_", "-"), self.meta[key], ns=NS))
        return props or [_prop("tool", "dsaudit", ns=NS)]

    def _local_definitions(self) -> dict[str, Any]:
        tool = self.meta.get("tool") or {}
        version = str(tool.get("version") or "") if isinstance(tool, dict) else ""
        component: dict[str, Any] = {
            "uuid": self.tool_uuid,
            "type": "software",
            "title": _text(f"dsaudit {version}"),
            "description": "The dsaudit compliance-audit tool that ran the rules.",
            "status": {"state": "operational"},
        }
        definitions: dict[str, Any] = {
            "assessment-assets": {
                "components": [component],
                "assessment-platforms": [
                    {
                        "uuid": self.uuid("platform"),
                        "title": _text(f"dsaudit {version}"),
                        "uses-components": [{"component-uuid": self.tool_uuid}],
                    }
                ],
            }
        }
        if self.subjects:
            definitions["inventory-items"] = [
                {
                    "uuid": subject_uuid,
                    "description": _text(f"{kind} {resource}"),
                    "props": [
                        _prop("resource-kind", kind, ns=NS),
                        _prop("resource-id", resource, ns=NS),
                    ],
                }
                for (kind, resource), subject_uuid in sorted(self.subjects.items())
            ]
        return definitions

    def _subject(self, result: Result) -> str:
        key = (result.resource_kind or "resource", result.resource_id or "-")
        if key not in self.subjects:
            self.subjects[key] = self.uuid(f"subject/{key[0]}/{key[1]}")
        return self.subjects[key]

    def _reviewed_controls(self, catalog_uuid: str) -> dict[str, Any]:
        cited = sorted({control_id(ref.law, ref.article) for rule in self.audit.rules.values()
                        for ref in rule.refs})  # fmt: skip
        selection: dict[str, Any] = (
            {"include-controls": [{"control-id": cid} for cid in cited]}
            if cited
            else {"include-all": {}}
        )
        return {
            "description": (
                "The provisions cited by the rules that were run, as controls of the provisions "
                "catalog in this document's back-matter."
            ),
            "links": [{"href": f"#{catalog_uuid}", "rel": "catalog"}],
            "control-selections": [selection],
        }

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

    # ---------------------------------------------------------------- findings
    def _findings(
        self,
        results: Iterable[Result],
        observations: Mapping[int, Mapping[str, Any]],
        risks: Mapping[int, Mapping[str, Any]],
    ) -> tuple[list[dict[str, Any]], list[str]]:
        by_control: dict[str, list[tuple[Result, LawRef]]] = defaultdict(list)
        for result in results:
            for ref in refs_of(result, self.audit.rules):
                by_control[control_id(ref.law, ref.article)].append((result, ref))
        findings = []
        undetermined = []
        for cid in sorted(by_control):
            pairs = by_control[cid]
            statuses = [r.status for r, _ in pairs]
            ref = pairs[0][1]
            failed = [r for r, _ in pairs if r.status in _FAILED]
            if failed:
                state = "not-satisfied"
            elif all(r.status == Status.PASS and r.assured for r, _ in pairs):
                state = "satisfied"
            else:
                undetermined.append(f"{ref.law} Art. {ref.article}")
                continue
            counts: dict[str, int] = defaultdict(int)
            for status in statuses:
                counts[str(status)] += 1
            clauses = sorted({r.clause for _, r in pairs if r.clause})
            target_props = [_prop("law", ref.law, ns=NS), _prop("article", ref.article, ns=NS)]
            if clauses:
                target_props.append(_prop("clauses", ", ".join(clauses), ns=NS))
            finding: dict[str, Any] = {
                "uuid": self.uuid(f"finding/{cid}"),
                "title": _text(f"{ref.law} Art. {ref.article}"),
                "description": _text(
                    f"{ref.law} Art. {ref.article}: "
                    + ", ".join(f"{counts[k]} {k}" for k in sorted(counts))
                    + "."
                ),
                "props": [_prop("control-id", cid, ns=NS)],
                "origins": [self._origin()],
                "target": {
                    "type": "statement-id",
                    "target-id": f"{cid}_smt",
                    "props": target_props,
                    "status": {"state": state},
                },
                "related-observations": [
                    {"observation-uuid": observations[id(r)]["uuid"]} for r, _ in pairs
                ],
            }
            related_risks = [{"risk-uuid": risks[id(r)]["uuid"]} for r in failed if id(r) in risks]
            if related_risks:
                finding["related-risks"] = related_risks
            findings.append(finding)
        return findings, undetermined

    def _remarks(self, undetermined: list[str]) -> str:
        lines = []
        if undetermined:
            lines.append(
                "No finding is recorded for these provisions: their results are manual, not "
                "assured (a parameter looser than the law) or errors, so neither satisfaction "
                "nor breach was determined: " + "; ".join(undetermined) + "."
            )
        lines.extend(f"Warning: {w}" for w in self.audit.warnings)
        return "\n".join(lines)

    # ---------------------------------------------------------------- back-matter
    def _plan_resource(self, plan_uuid: str) -> dict[str, Any]:
        packs = [p for p in self.meta.get("packs") or [] if isinstance(p, dict)]
        props = [_prop("packs", len(packs), ns=NS)]
        for pack in packs:
            label = f"{pack.get('name', 'pack')} {pack.get('version', '')}".strip()
            if pack.get("sha256"):
                label += f" sha256:{pack['sha256']}"
            props.append(_prop("pack", label, ns=NS))
        for item in self.meta.get("inputs") or []:
            if isinstance(item, dict) and item.get("path"):
                label = str(item["path"]) + (
                    f" sha256:{item['sha256']}" if item.get("sha256") else ""
                )
                props.append(_prop("input", label, ns=NS))
        return {
            "uuid": plan_uuid,
            "title": "Assessment plan: the dsaudit rule packs run",
            "description": _text(
                "The rules of these packs were evaluated against the inventory and configuration "
                "files listed (with their SHA-256 digests)."
            ),
            "props": props,
        }

    def _catalog_resource(self, catalog_uuid: str) -> dict[str, Any]:
        catalog = provisions_catalog(self.audit)
        text = json.dumps(catalog, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return {
            "uuid": catalog_uuid,
            "title": "Catalog: the provisions tracked by dsaudit, as OSCAL controls",
            "description": (
                "An OSCAL catalog (JSON, base64-encoded) of dsaudit/data/provisions.yaml: one "
                "control per article, id {law}-art-{article}, with a statement part "
                "{control-id}_smt that the findings target."
            ),
            "props": [_prop("catalog-uuid", catalog["catalog"]["uuid"], ns=NS)],
            "base64": {
                "filename": "dsaudit-provisions-catalog.json",
                "media-type": CATALOG_MEDIA_TYPE,
                "value": base64.b64encode(text.encode("utf-8")).decode("ascii"),
            },
        }


REPORTER = OscalReporter()
