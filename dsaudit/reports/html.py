"""The ``html`` reporter: one self-contained page for people (management, auditors).

Rendered with Jinja2 (autoescape on) from ``templates/report.html.j2``; styles and the small
filter script are inline (``report.css``, ``report.js``) and the Content-Security-Policy allows
exactly those two by hash and forbids any network request (dsaudit.reports.html_assets); only
http(s) and mailto URLs from input become links (dsaudit.reports.links). The page
has an executive summary (posture, counts, compliance score per law as an SVG bar chart), a
per-article table, every finding with masked evidence, remediation and waiver, client-side
filters by law, severity and status (also settable from the URL: ``#law=PIPL&status=fail``),
print styles and the reproducibility metadata.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dsaudit.core.models import AuditResult, Result, Rule, Status
from dsaudit.redaction.redact import redact_audit
from dsaudit.reports.html_assets import assets
from dsaudit.reports.links import safe_link
from dsaudit.reports.ordering import SEVERITY_ORDER, STATUS_ORDER, sort_results
from dsaudit.reports.records import (
    laws_of,
    loosened_rules,
    loosened_text,
    metadata_record,
    pack_source,
    quotes_of,
    refs_of,
    sensitive_pi_profile,
    summarize_waiver,
)
from dsaudit.reports.summary import (
    NOT_ASSURED_KEY,
    LawSummary,
    count_key,
    not_assured_counts,
    summarize,
)

if TYPE_CHECKING:
    import jinja2

_POSTURE = {
    "compliant": ("Compliant", "No rule fails. Waived and manual items are listed below."),
    "non-compliant": (
        "Non-compliant",
        "At least one rule fails. Each finding below names the law article, the evidence "
        "and how to fix it.",
    ),
    "untested": (
        "Untested",
        "No rule passed or failed: nothing this audit checks was found. Check the target, the "
        "inventory and the selected rule packs.",
    ),
    "not-assured": (
        "Not assured",
        "No rule fails, but some rules ran with a parameter looser than the law, so their "
        "passes do not show the law is met (listed below).",
    ),
    "incomplete": (
        "Incomplete",
        "Some inputs or rules could not be evaluated (errors below), so the audit is not "
        "complete. Fix the errors and run it again.",
    ),
}
_STATUS_LABEL = {
    "pass": "Passed",
    "fail": "Failed",
    "error": "Error",
    "manual": "Manual check",
    "waived": "Waived",
    "suppressed": "Suppressed",
    "not_applicable": "Not applicable",
    NOT_ASSURED_KEY: "Not assured",
}
_CHART_WIDTH = 300
_CHART_ROW = 30


class HtmlReporter:
    """Render an audit as a self-contained HTML page."""

    name = "html"
    extension = ".html"
    description = "self-contained HTML report for people (filterable, printable)"

    def __init__(self) -> None:
        self.last_warnings: tuple[str, ...] = ()
        self._environment: jinja2.Environment | None = None

    def render(self, audit: AuditResult, options: Mapping[str, Any]) -> str:
        """Return the page. Option ``title`` overrides the page title."""
        self.last_warnings = ()
        template = self._env().get_template("report.html.j2")
        return template.render(page=build_page(audit, options))

    def _env(self) -> jinja2.Environment:
        if self._environment is None:
            import jinja2  # imported on first use: keeps `import dsaudit.reports` light

            self._environment = jinja2.Environment(
                loader=jinja2.PackageLoader("dsaudit.reports", "templates"),
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=True,
            )
        return self._environment


def build_page(audit: AuditResult, options: Mapping[str, Any]) -> dict[str, Any]:
    """The view model the template renders: plain data from the redacted audit."""
    audit = redact_audit(audit)
    summary = summarize(audit)
    metadata = metadata_record(audit.metadata)
    organization = str(metadata.get("organization") or "")
    title = str(options.get("title") or "Data-security compliance report")
    findings = [
        _finding(i, r, audit.rules)
        for i, r in enumerate([*sort_results(audit.results), *sort_results(audit.errors)], start=1)
    ]
    laws = sorted({law for f in findings for law in f["laws"]})
    counts = not_assured_counts(audit)
    posture_label, posture_text = _POSTURE[summary.posture]
    return {
        "title": title,
        "organization": organization,
        "as_of": metadata.get("as_of"),
        "posture": summary.posture,
        "posture_label": posture_label,
        "posture_text": posture_text,
        "total": summary.total,
        "by_severity": [(str(s), summary.by_severity[str(s)]) for s in SEVERITY_ORDER],
        "by_status": [
            *((str(s), _STATUS_LABEL[str(s)], summary.by_status[str(s)]) for s in STATUS_ORDER),
            (NOT_ASSURED_KEY, _STATUS_LABEL[NOT_ASSURED_KEY], summary.not_assured),
        ],
        "failing": summary.by_status[Status.FAIL],
        "errors": summary.by_status[Status.ERROR],
        "laws": [_law(law) for law in summary.laws],
        "chart": _chart(summary.laws),
        "articles": summary.articles,
        "findings": findings,
        "filter_laws": laws,
        "filter_severities": [str(s) for s in SEVERITY_ORDER],
        "filter_statuses": [
            *((str(s), _STATUS_LABEL[str(s)]) for s in STATUS_ORDER),
            (NOT_ASSURED_KEY, _STATUS_LABEL[NOT_ASSURED_KEY]),
        ],
        "not_assured": [
            {"rule_id": rule.id, "params": loosened_text(rule.loosened), "counts": counts[rule.id]}
            for rule in loosened_rules(audit)
        ],
        "warnings": list(audit.warnings),
        "meta": _reproducibility(metadata),
        "assets": assets(),
    }


def _finding(number: int, result: Result, rules: Mapping[str, Rule]) -> dict[str, Any]:
    rule = rules.get(result.rule_id)
    waiver = summarize_waiver(result.waiver)
    laws = laws_of(result, rules)
    status = count_key(result)  # a not-assured pass is never shown as a pass
    return {
        "anchor": f"finding-{number}",
        "severity": str(result.severity),
        "status": status,
        "status_label": _STATUS_LABEL.get(status, status),
        "not_assured": loosened_text(result.loosened) if not result.assured else None,
        "rule_id": result.rule_id,
        "title": rule.title if rule else "Tool error",
        "laws": laws or ["-"],
        "refs": [
            {"text": str(ref), "url": safe_link(ref.url), "title": ref.title}
            for ref in refs_of(result, rules)
        ],
        "quotes": [{"ref": str(q), "quote": q.quote} for q in quotes_of(result, rules)],
        "resource": f"{result.resource_kind}/{result.resource_id}",
        "location": str(result.location) if result.location.file else None,
        "pointer": result.location.pointer,
        "message": result.message,
        "detail": result.detail or None,
        "evidence": [(e.path, e.value) for e in result.evidence],
        "remediation": rule.remediation if rule else None,
        "help_uri": safe_link(rule.help_uri) if rule else None,
        "waiver": waiver,
        "suppression": result.suppression or None,
        "baselined": result.baselined,
        "fingerprint": result.fingerprint,
    }


def _law(law: LawSummary) -> dict[str, Any]:
    return {
        "name": law.law,
        "score": law.score,
        "score_text": f"{law.score:.0%}" if law.score is not None else "n/a",
        "passed": law.passed,
        "failed": law.failed,
        "critical": law.failing["critical"],
        "high": law.failing["high"],
        "pass_rate_text": f"{law.pass_rate:.0%}" if law.pass_rate is not None else "n/a",
        "waived": law.counts[Status.WAIVED] + law.counts[Status.SUPPRESSED],
        "error": law.counts[Status.ERROR],
        "manual": law.counts[Status.MANUAL],
        "not_assured": law.counts[NOT_ASSURED_KEY],
    }


def _chart(laws: list[LawSummary]) -> dict[str, Any]:
    bars = []
    for row, law in enumerate(laws):
        score = law.score
        width = round((score or 0.0) * _CHART_WIDTH, 1)
        if score is None:
            tone = "none"
        elif score >= 0.9:
            tone = "good"
        elif score >= 0.6:
            tone = "fair"
        else:
            tone = "poor"
        bars.append(
            {
                "law": law.law,
                "y": row * _CHART_ROW,
                "width": width,
                "tone": tone,
                "label": (
                    f"{score:.0%} weighted; {law.failing['critical']} critical, "
                    f"{law.failing['high']} high failing ({law.passed} of "
                    f"{law.passed + law.failed} passed)"
                    if score is not None
                    else "n/a (nothing tested)"
                ),
            }
        )
    return {
        "bars": bars,
        "width": _CHART_WIDTH,
        "height": max(len(bars), 1) * _CHART_ROW,
        "row": _CHART_ROW,
    }


def _reproducibility(metadata: Mapping[str, Any]) -> dict[str, Any]:
    tool = metadata.get("tool") if isinstance(metadata.get("tool"), dict) else {}
    parameters = []
    raw_parameters = metadata.get("parameters")
    if isinstance(raw_parameters, dict):
        for rule_id in sorted(raw_parameters):
            values = raw_parameters[rule_id]
            if isinstance(values, dict):
                parameters += [
                    (rule_id, name, json.dumps(values[name], ensure_ascii=False, sort_keys=True))
                    for name in sorted(values)
                ]
    facts = [
        ("dsaudit version", (tool or {}).get("version")),
        ("Python", metadata.get("python")),
        ("Platform", metadata.get("platform")),
        ("Target", metadata.get("target")),
        ("As-of date", metadata.get("as_of")),
        ("Started (UTC)", metadata.get("started_at")),
        ("Finished (UTC)", metadata.get("finished_at")),
        ("Fail on", metadata.get("fail_on")),
        ("Exit code", metadata.get("exit_code")),
        ("Sensitive-PI profile", sensitive_pi_profile(metadata)),
    ]
    packs = [
        {
            "name": str(p.get("name", "")),
            "title": str(p.get("title") or ""),
            "version": str(p.get("version") or ""),
            "where": pack_source(p),
            "sha256": str(p.get("sha256") or ""),
        }
        for p in metadata.get("packs") or []
        if isinstance(p, dict)
    ]
    inputs = [
        {
            "path": str(i.get("path", "")),
            "kind": str(i.get("kind") or ""),
            "sha256": str(i.get("sha256") or ""),
        }
        for i in metadata.get("inputs") or []
        if isinstance(i, dict)
    ]
    other = [
        (key, json.dumps(metadata[key], ensure_ascii=False, sort_keys=True))
        for key in sorted(metadata)
        if key not in _SHOWN_METADATA
    ]
    return {
        "facts": [(label, str(value)) for label, value in facts if value is not None],
        "packs": packs,
        "inputs": inputs,
        "parameters": parameters,
        "other": other,
    }


_SHOWN_METADATA = frozenset(
    {
        "tool",
        "python",
        "platform",
        "target",
        "as_of",
        "started_at",
        "finished_at",
        "fail_on",
        "exit_code",
        "taxonomy",
        "packs",
        "inputs",
        "parameters",
        "organization",
    }
)


REPORTER = HtmlReporter()
