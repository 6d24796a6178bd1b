"""The ``csv`` reporter: one row per result (rule results, then tool errors), for spreadsheets.

The columns are :data:`COLUMNS` (documented in docs/reports.md). Cells that a spreadsheet would
read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) are
prefixed with a single quote, so opening the file can never run anything.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from dsaudit.core.models import AuditResult, Result, Rule
from dsaudit.redaction.redact import redact_audit
from dsaudit.reports.ordering import sort_results
from dsaudit.reports.records import (
    articles_text,
    laws_of,
    not_assured_note,
    quote_text,
    quotes_of,
    refs_of,
    summarize_waiver,
)
from dsaudit.reports.summary import count_key

COLUMNS: tuple[str, ...] = (
    "severity",
    "status",
    "rule_id",
    "title",
    "laws",
    "articles",
    "resource_kind",
    "resource_id",
    "file",
    "line",
    "pointer",
    "message",
    "evidence",
    "remediation",
    "waiver_id",
    "waiver_approver",
    "waiver_reason",
    "waiver_until",
    "suppression",
    "baselined",
    "pack",
    "fingerprint",
    "not_assured",
    "law_text",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class CsvReporter:
    """Render an audit as CSV."""

    name = "csv"
    extension = ".csv"
    description = "one row per result for spreadsheets (formula-safe)"

    def __init__(self) -> None:
        self.last_warnings: tuple[str, ...] = ()

    def render(self, audit: AuditResult, options: Mapping[str, Any]) -> str:
        """Return the CSV text: a header row, then one row per result (``\\n`` line ends)."""
        self.last_warnings = ()
        audit = redact_audit(audit)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(COLUMNS)
        ordered = [*sort_results(audit.results), *sort_results(audit.errors)]
        for result in ordered:
            row = _row(result, audit.rules)
            writer.writerow([neutralize_formula(row[column]) for column in COLUMNS])
        return buffer.getvalue()


def neutralize_formula(value: str) -> str:
    """Prefix a cell that a spreadsheet would evaluate as a formula with a single quote."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _row(result: Result, rules: Mapping[str, Rule]) -> dict[str, str]:
    rule = rules.get(result.rule_id)
    waiver = summarize_waiver(result.waiver)
    location = result.location
    return {
        "severity": str(result.severity),
        "status": count_key(result),  # a not-assured pass is ``not_assured``, never ``pass``
        "rule_id": result.rule_id,
        "title": rule.title if rule else "",
        "laws": "; ".join(laws_of(result, rules)),
        "articles": articles_text(refs_of(result, rules)),
        "resource_kind": result.resource_kind,
        "resource_id": result.resource_id,
        "file": location.file or "",
        "line": str(location.line) if location.line else "",
        "pointer": location.pointer or "",
        "message": result.message + (f" ({result.detail})" if result.detail else ""),
        "evidence": "; ".join(f"{e.path}={e.value}" for e in result.evidence),
        "remediation": rule.remediation if rule else "",
        "waiver_id": (waiver.id or "") if waiver else "",
        "waiver_approver": (waiver.approver or "") if waiver else "",
        "waiver_reason": (waiver.reason or "") if waiver else "",
        "waiver_until": (waiver.until or "") if waiver else "",
        "suppression": result.suppression or "",
        "baselined": "yes" if result.baselined else "no",
        "pack": result.pack,
        "fingerprint": result.fingerprint,
        "not_assured": not_assured_note(result),
        "law_text": "; ".join(quote_text(q) for q in quotes_of(result, rules)),
    }


REPORTER = CsvReporter()
