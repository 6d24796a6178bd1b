"""The ``markdown`` reporter: a pull-request comment.

A headline with the posture, summary tables (severity of failing results, statuses, score per
law), then the failures grouped by law in collapsed ``<details>`` blocks, then error results.
GitHub refuses comments longer than 65,536 characters, so the text is capped (option
``max_chars``): rows that do not fit are left out and a note says how many.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from dsaudit.core.models import AuditResult, Result, Rule, Status
from dsaudit.redaction.redact import redact_audit
from dsaudit.reports.ordering import SEVERITY_ORDER, STATUS_ORDER, sort_results
from dsaudit.reports.records import (
    NOT_ASSURED,
    articles_text,
    loosened_rules,
    loosened_text,
    metadata_record,
    packs_summary,
    quote_text,
    quotes_of,
    refs_of,
    sensitive_pi_profile,
)
from dsaudit.reports.summary import NOT_ASSURED_KEY, not_assured_counts, summarize

MAX_CHARS = 65_536
"""GitHub's limit on the body of an issue or pull-request comment."""
OTHER_LAW = "Other"
_NOTE_RESERVE = 600
_POSTURE = {
    "compliant": "✅ compliant",
    "non-compliant": "❌ non-compliant",
    "incomplete": "⚠️ incomplete (errors)",
    "untested": "⚪ untested (no rule passed or failed)",
    "not-assured": "🟡 not assured (a rule parameter is looser than the law)",
}


class MarkdownReporter:
    """Render an audit as a Markdown pull-request comment."""

    name = "markdown"
    extension = ".md"
    description = "Markdown for pull-request comments (capped at 65,536 characters)"

    def __init__(self) -> None:
        self.last_warnings: tuple[str, ...] = ()

    def render(self, audit: AuditResult, options: Mapping[str, Any]) -> str:
        """Return the comment. Option ``max_chars`` (default 65,536) caps its length."""
        audit = redact_audit(audit)
        limit = int(options.get("max_chars", MAX_CHARS))
        writer = LineBudget(max(limit - _NOTE_RESERVE, 0))
        summary = summarize(audit)
        metadata = metadata_record(audit.metadata)
        writer.force(_header(summary.posture, metadata))
        writer.force(_summary_tables(summary))
        writer.force(_not_assured(audit))
        failing = [r for r in sort_results(audit.results) if r.status == Status.FAIL]
        groups: dict[str, list[Result]] = defaultdict(list)
        for result in failing:
            refs = refs_of(result, audit.rules)
            groups[refs[0].law if refs else OTHER_LAW].append(result)
        left_out = 0
        if failing:
            writer.add(["### Failures by law", ""])
        for law in sorted(groups, key=lambda k: (k == OTHER_LAW, k)):
            left_out += _group(writer, law, groups[law], audit.rules)
        accepted = [
            r for r in sort_results(audit.results) if r.status in (Status.WAIVED, Status.SUPPRESSED)
        ]
        if accepted:
            title = "accepted (waived or suppressed)"
            left_out += _group(writer, "Accepted risks", accepted, audit.rules, title=title)
        errors = sort_results(r for r in audit.all_results() if r.status == Status.ERROR)
        if errors:
            title = "errors (audit incomplete)"
            left_out += _group(writer, "Errors", errors, audit.rules, title=title)
        self.last_warnings = ()
        if left_out or writer.truncated:
            note = (
                f"> **Truncated:** {left_out} more result(s) not shown; GitHub comments are "
                f"limited to {limit:,} characters. See the full report (HTML or JSON)."
            )
            writer.force(["", note])
            self.last_warnings = (
                f"markdown: {left_out} result(s) left out to stay under {limit:,} characters",
            )
        return writer.text()


class LineBudget:
    """Collects lines up to a budget of characters (counted as UTF-16 code units, as GitHub
    counts them). Also used by the Markdown diff."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.lines: list[str] = []
        self.used = 0
        self.truncated = False

    def add(self, lines: list[str]) -> bool:
        cost = sum(_units(line) + 1 for line in lines)
        if self.truncated or self.used + cost > self.budget:
            self.truncated = True
            return False
        self.force(lines)
        return True

    def fits(self, lines: list[str], reserve: list[str]) -> bool:
        cost = sum(_units(line) + 1 for line in [*lines, *reserve])
        return not self.truncated and self.used + cost <= self.budget

    def force(self, lines: list[str]) -> None:
        self.lines.extend(lines)
        self.used += sum(_units(line) + 1 for line in lines)

    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n") + "\n"


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _header(posture: str, metadata: Mapping[str, Any]) -> list[str]:
    facts = []
    if metadata.get("organization"):
        facts.append(f"**{_cell(str(metadata['organization']))}**")
    if metadata.get("as_of"):
        facts.append(f"as of {metadata['as_of']}")
    tool = metadata.get("tool") or {}
    if isinstance(tool, dict) and tool.get("version"):
        facts.append(f"dsaudit {tool['version']}")
    packs = packs_summary(metadata.get("packs"))
    if packs:
        facts.append("packs: " + _cell(packs))
    if metadata.get("fail_on"):
        facts.append(f"fail on: {metadata['fail_on']}")
    profile = sensitive_pi_profile(metadata)
    if profile:
        facts.append(f"sensitive PI: {_cell(profile)}")
    lines = [f"## dsaudit compliance report: {_POSTURE.get(posture, posture)}", ""]
    if facts:
        lines += [" · ".join(facts), ""]
    return lines


def _summary_tables(summary: Any) -> list[str]:
    severities = [str(s) for s in SEVERITY_ORDER]
    statuses = [str(s) for s in STATUS_ORDER]
    lines = [
        "| Failing by severity | " + " | ".join(severities) + " |",
        "|---|" + "---:|" * len(severities),
        "| count | " + " | ".join(str(summary.by_severity[s]) for s in severities) + " |",
        "",
        "| Results by status | "
        + " | ".join(s.replace("_", " ") for s in statuses)
        + " | not assured |",
        "|---|" + "---:|" * (len(statuses) + 1),
        "| count | "
        + " | ".join(str(summary.by_status[s]) for s in statuses)
        + f" | {summary.not_assured} |",
        "",
    ]
    if summary.laws:
        lines += [
            "| Law | Score | Critical | High | Pass | Fail | Waived | Error | Manual "
            "| Not assured |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for law in summary.laws:
            score = f"{law.score:.0%}" if law.score is not None else "n/a"
            waived = law.counts[Status.WAIVED] + law.counts[Status.SUPPRESSED]
            lines.append(
                f"| {_cell(law.law)} | {score} | {law.failing['critical']} | {law.failing['high']} "
                f"| {law.passed} | {law.failed} | {waived} "
                f"| {law.counts[Status.ERROR]} | {law.counts[Status.MANUAL]} "
                f"| {law.counts[NOT_ASSURED_KEY]} |"
            )
        lines.append("")
    return lines


def _not_assured(audit: AuditResult) -> list[str]:
    """The rules run with a parameter looser than the law (always shown, never truncated)."""
    loosened = loosened_rules(audit)
    if not loosened:
        return []
    lines = [
        "### Not assured: parameters looser than the law",
        "",
        "These rules ran with a parameter set looser than the law's value; their passes are "
        "not counted as passes and their results do not show the law is met.",
        "",
    ]
    per_rule = not_assured_counts(audit)
    for rule in loosened:
        passes, others = per_rule.get(rule.id, (0, 0))
        lines.append(
            f"- `{_code(rule.id)}`: {_cell(loosened_text(rule.loosened))}; "
            f"{passes} not-assured pass(es), {others} other result(s)"
        )
    return [*lines, ""]


def _group(
    writer: LineBudget,
    name: str,
    results: list[Result],
    rules: Mapping[str, Rule],
    *,
    title: str = "failing",
) -> int:
    """Write one collapsed group; return how many results did not fit."""
    opening = [
        "<details>",
        f"<summary><b>{html.escape(name)}</b>: {len(results)} {title}</summary>",
        "",
        "| Severity | Rule | Resource | Location | Finding | Article |",
        "|---|---|---|---|---|---|",
    ]
    closing = ["", "</details>", ""]
    if not writer.fits(opening, closing):
        writer.truncated = True
        return len(results)
    writer.force(opening)
    written = 0
    for result in results:
        row = [_row(result, rules)]
        if not writer.fits(row, closing):
            break
        writer.force(row)
        written += 1
    writer.force(closing)
    if written < len(results):
        writer.truncated = True
    return len(results) - written


def _row(result: Result, rules: Mapping[str, Rule]) -> str:
    message = result.message
    if result.detail:
        message += f" ({result.detail})"
    location = str(result.location) if result.location.file else "-"
    if result.waiver:
        w = result.waiver
        message += (
            f" — waived by {w.get('approved_by')} until {w.get('expires_on')}: "
            f"{w.get('justification')}"
        )
    if result.suppression:
        message += f" — suppressed: {result.suppression}"
    marker = f"**{NOT_ASSURED}:** " if not result.assured else ""
    return (
        f"| {result.severity} | `{_code(result.rule_id)}` "
        f"| {_cell(result.resource_kind)}/{_cell(result.resource_id)} "
        f"| {_cell(location)} | {marker}{_cell(message)}"
        f"{' _(baselined)_' if result.baselined else ''} "
        f"| {_cell(articles_text(refs_of(result, rules)) or '-')}{_quotes(result, rules)} |"
    )


def _quotes(result: Result, rules: Mapping[str, Rule]) -> str:
    """The quoted law of the rule, after its articles: ``<br>CSL Art. 23(3) (2026): “...”``."""
    return "".join(f"<br>{_cell(quote_text(q))}" for q in quotes_of(result, rules))


def _cell(text: str) -> str:
    """Escape text for a Markdown table cell (HTML, pipes, newlines, Markdown syntax)."""
    text = html.escape(text, quote=False).replace("|", "\\|")
    text = " ".join(text.split())
    text = text.replace("*", "\\*").replace("_", "\\_")
    return text.replace("`", "\\`").replace("[", "\\[").replace("]", "\\]")


def _code(text: str) -> str:
    return text.replace("`", "'").replace("|", "\\|")


REPORTER = MarkdownReporter()
