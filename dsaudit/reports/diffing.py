"""Compare two audits by fingerprint: which findings are new, fixed or unchanged.

A *finding* is a result with status ``fail`` or ``error`` (tool errors included). Fingerprints
ignore line numbers, so moving a setting does not make a finding new.

* **new**: a finding of the new audit whose fingerprint is not a finding of the old one;
* **fixed**: a finding of the old audit whose fingerprint is not a finding of the new one
  (``resolution`` says what became of it: ``pass``, ``not_assured`` (a pass under a parameter
  looser than the law), ``waived``, ``suppressed``, ... or ``gone`` when the rule or resource
  no longer produces a result);
* **unchanged**: a finding in both (the new audit's result is kept).

``dsaudit diff`` exits 1 when :meth:`ReportDiff.new_failing` is not empty.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dsaudit.core.models import AuditResult, Result, Rule, Severity, Status
from dsaudit.redaction.redact import redact_audit
from dsaudit.reports.markdown import MAX_CHARS, LineBudget
from dsaudit.reports.ordering import sort_results
from dsaudit.reports.records import articles_text, refs_of, result_record
from dsaudit.reports.summary import count_key, failing_at_or_above

FINDING_STATUSES = (Status.FAIL, Status.ERROR)
DIFF_FORMAT = "dsaudit-diff"
DIFF_FORMAT_VERSION = "1.0"


@dataclass(frozen=True, slots=True)
class ReportDiff:
    """The difference between two audits (each list in report order)."""

    new: tuple[Result, ...]
    fixed: tuple[Result, ...]
    unchanged: tuple[Result, ...]
    resolution: Mapping[str, str] = field(default_factory=dict)
    """Fingerprint of each fixed finding -> its status in the new audit, or ``gone``."""
    old_rules: Mapping[str, Rule] = field(default_factory=dict)
    new_rules: Mapping[str, Rule] = field(default_factory=dict)
    old_metadata: Mapping[str, Any] = field(default_factory=dict)
    new_metadata: Mapping[str, Any] = field(default_factory=dict)

    def new_failing(self, fail_on: Severity | str | None) -> list[Result]:
        """New failing findings at or above ``fail_on`` (``never`` or None: none)."""
        return failing_at_or_above(list(self.new), fail_on)


def diff_reports(old: AuditResult, new: AuditResult) -> ReportDiff:
    """Compare ``old`` and ``new`` by fingerprint (see the module docstring).

    Both are redacted first (:func:`~dsaudit.redaction.redact.redact_audit`, fingerprints are
    kept), so every rendering of the diff shows masked text only.
    """
    old, new = redact_audit(old), redact_audit(new)
    old_open = _findings(old)
    new_open = _findings(new)
    new_status = {r.fingerprint: count_key(r) for r in new.all_results()}
    fixed = [r for fp, r in old_open.items() if fp not in new_open]
    return ReportDiff(
        new=tuple(sort_results(r for fp, r in new_open.items() if fp not in old_open)),
        fixed=tuple(sort_results(fixed)),
        unchanged=tuple(sort_results(r for fp, r in new_open.items() if fp in old_open)),
        resolution={r.fingerprint: new_status.get(r.fingerprint, "gone") for r in fixed},
        old_rules=dict(old.rules),
        new_rules=dict(new.rules),
        old_metadata=dict(old.metadata),
        new_metadata=dict(new.metadata),
    )


def render_diff_text(diff: ReportDiff) -> str:
    """Plain text for terminals and logs (no colour)."""
    lines = [_headline(diff)]
    sections = (
        ("New", diff.new, diff.new_rules),
        ("Fixed", diff.fixed, diff.old_rules),
        ("Unchanged", diff.unchanged, diff.new_rules),
    )
    for title, results, rules in sections:
        if not results:
            continue
        lines += ["", f"{title} ({len(results)}):"]
        for result in results:
            lines.append("  " + _line(result, rules, diff, fixed=title == "Fixed"))
    return "\n".join(lines) + "\n"


def render_diff_markdown(diff: ReportDiff, max_chars: int = MAX_CHARS) -> str:
    """Markdown for a pull-request comment: new and fixed in tables, unchanged collapsed.

    Capped at ``max_chars`` (GitHub's comment limit): rows that do not fit are left out, with a
    note saying how many.
    """
    writer = LineBudget(max(max_chars - 400, 0))
    writer.force([f"## {_headline(diff)}", ""])
    sections = (
        ("New findings", diff.new, diff.new_rules, False),
        ("Fixed findings", diff.fixed, diff.old_rules, False),
        ("Unchanged findings", diff.unchanged, diff.new_rules, True),
    )
    left_out = 0
    for title, results, rules, collapsed in sections:
        if not results:
            continue
        fixed = title == "Fixed findings"
        header = [
            "| Severity | Rule | Resource | Location | Finding | Article |"
            + (" Now |" if fixed else ""),
            "|---|---|---|---|---|---|" + ("---|" if fixed else ""),
        ]
        if collapsed:
            opening = ["<details>", f"<summary>{title} ({len(results)})</summary>", "", *header]
            closing = ["", "</details>", ""]
        else:
            opening = [f"### {title} ({len(results)})", "", *header]
            closing = [""]
        if not writer.fits(opening, closing):
            left_out += len(results)
            continue
        writer.force(opening)
        for index, result in enumerate(results):
            row = [_md_row(result, rules, diff, fixed=fixed)]
            if not writer.fits(row, closing):
                left_out += len(results) - index
                break
            writer.force(row)
        writer.force(closing)
    if left_out:
        writer.force(
            [
                "",
                f"> **Truncated:** {left_out} finding(s) not shown to stay under {max_chars:,} "
                "characters. Run `dsaudit diff --format json` for the full list.",
            ]
        )
    return writer.text()


def render_diff_json(diff: ReportDiff) -> str:
    """The diff as JSON (format ``dsaudit-diff`` 1.0, documented in docs/reports.md)."""
    fixed = []
    for result in diff.fixed:
        record = result_record(result, diff.old_rules)
        record["now"] = diff.resolution.get(result.fingerprint, "gone")
        fixed.append(record)
    document = {
        "format": DIFF_FORMAT,
        "format_version": DIFF_FORMAT_VERSION,
        "summary": {
            "new": len(diff.new),
            "fixed": len(diff.fixed),
            "unchanged": len(diff.unchanged),
        },
        "old": _identity(diff.old_metadata),
        "new_report": _identity(diff.new_metadata),
        "new": [result_record(r, diff.new_rules) for r in diff.new],
        "fixed": fixed,
        "unchanged": [result_record(r, diff.new_rules) for r in diff.unchanged],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _findings(audit: AuditResult) -> dict[str, Result]:
    found: dict[str, Result] = {}
    for result in sort_results(audit.all_results()):
        if result.status in FINDING_STATUSES:
            found.setdefault(result.fingerprint, result)
    return found


def _headline(diff: ReportDiff) -> str:
    return (
        f"dsaudit diff: {len(diff.new)} new, {len(diff.fixed)} fixed, "
        f"{len(diff.unchanged)} unchanged"
    )


def _line(result: Result, rules: Mapping[str, Rule], diff: ReportDiff, *, fixed: bool) -> str:
    where = f" {result.location}" if result.location.file else ""
    articles = articles_text(refs_of(result, rules))
    text = (
        f"[{result.severity}] {result.rule_id} {result.resource_kind}/{result.resource_id}"
        f"{where}: {result.message}"
    )
    if articles:
        text += f" ({articles})"
    if result.status == Status.ERROR:
        text += " [error]"
    if fixed:
        text += f" -> now {diff.resolution.get(result.fingerprint, 'gone')}"
    return text


def _md_row(result: Result, rules: Mapping[str, Rule], diff: ReportDiff, *, fixed: bool) -> str:
    cells = [
        str(result.severity) + (" (error)" if result.status == Status.ERROR else ""),
        f"`{result.rule_id}`",
        _cell(f"{result.resource_kind}/{result.resource_id}"),
        _cell(str(result.location) if result.location.file else "-"),
        _cell(result.message),
        _cell(articles_text(refs_of(result, rules)) or "-"),
    ]
    if fixed:
        cells.append(diff.resolution.get(result.fingerprint, "gone").replace("_", " "))
    return "| " + " | ".join(cells) + " |"


def _cell(text: str) -> str:
    text = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in "|*_`[]":
        text = text.replace(char, "\\" + char)
    return text


def _identity(metadata: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("organization", "target", "as_of", "started_at", "finished_at", "tool")
    return {key: metadata[key] for key in keys if key in metadata}
