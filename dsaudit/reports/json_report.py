"""The ``json`` reporter: the versioned, documented machine format (docs/json-report.md).

Every other format can be rendered again from it (:func:`dsaudit.reports.loader.render_saved`)
and ``dsaudit diff`` compares two of them by fingerprint.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from dsaudit.core.models import AuditResult
from dsaudit.redaction.redact import redact_audit
from dsaudit.reports.jsontext import dumps_layered
from dsaudit.reports.ordering import sort_results
from dsaudit.reports.records import (
    metadata_record,
    result_record,
    rule_record,
    sorted_rules,
    to_jsonable,
)
from dsaudit.reports.summary import summarize

FORMAT_NAME = "dsaudit-report"
FORMAT_VERSION = "1.4"
"""Minor bumps add fields; a major bump removes or changes one (the loader refuses it)."""
_ONE_LINE = ("results", "errors", "rules", "waivers")


def report_document(audit: AuditResult) -> dict[str, Any]:
    """The JSON report as a Python mapping (redacted by :func:`~.redact_audit`)."""
    audit = redact_audit(audit)
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "metadata": metadata_record(audit.metadata),
        "summary": summarize(audit).as_json(),
        "rules": [rule_record(rule) for rule in sorted_rules(audit)],
        "results": [result_record(r, audit.rules) for r in sort_results(audit.results)],
        "errors": [result_record(r, audit.rules) for r in sort_results(audit.errors)],
        "waivers": sorted(
            (to_jsonable(w) for w in audit.waivers),
            key=lambda w: json.dumps(w, sort_keys=True, ensure_ascii=False),
        ),
        "warnings": list(audit.warnings),
    }


class JsonReporter:
    """Render an audit as the dsaudit JSON report."""

    name = "json"
    extension = ".json"
    description = "versioned machine-readable report (docs/json-report.md)"

    def __init__(self) -> None:
        self.last_warnings: tuple[str, ...] = ()

    def render(self, audit: AuditResult, options: Mapping[str, Any]) -> str:
        """Return the report as JSON: sorted keys, one result (rule, error) per line."""
        self.last_warnings = ()
        return dumps_layered(report_document(audit), depth=3, one_line_items=_ONE_LINE)


REPORTER = JsonReporter()
