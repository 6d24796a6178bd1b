"""Builds one OSCAL Assessment Results document from a redacted audit (docs/oscal.md)."""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from dsaudit.core.models import AuditResult, LawRef, Result, Status
from dsaudit.reports.ordering import sort_results
from dsaudit.reports.oscal.catalog import control_id, provisions_catalog
from dsaudit.reports.oscal.common import (
    _DATETIME,
    _FAILED,
    CATALOG_MEDIA_TYPE,
    NS,
    OSCAL_VERSION,
    _modified,
    _prop,
    _run_key,
    _text,
    _Uuids,
)
from dsaudit.reports.oscal.parts import ResultParts
from dsaudit.reports.records import (
    metadata_record,
    refs_of,
)


class Builder(ResultParts):
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
