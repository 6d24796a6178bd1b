"""The terminal report (rich): summary by law and severity, then the failures.

Honours ``NO_COLOR`` and non-TTY output (plain text, no escape codes). Options:
``color`` (bool), ``width`` (int), ``quiet`` (the one-line summary and one line per error),
``verbose`` (also passing results' counts per rule and error tracebacks), ``max_findings``
(show only the most severe ones and say how many more the reports hold).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dsaudit.core.models import AuditResult, Result, Status
from dsaudit.core.names import terminal_text
from dsaudit.plugin.hookspecs import hookimpl
from dsaudit.redaction.redact import redact_text
from dsaudit.reports.ordering import sort_results
from dsaudit.reports.summary import summarize

SEVERITY_STYLE = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}
STATUS_STYLE = {
    "pass": "green",
    "fail": "bold red",
    "error": "bold magenta",
    "waived": "blue",
    "suppressed": "blue",
    "manual": "yellow",
    "not_applicable": "dim",
    "not_assured": "bold yellow",
}


def summary_line(audit: AuditResult) -> str:
    """One line: posture and counts, e.g. for ``-q`` and CI logs."""
    s = summarize(audit)
    by_status = {**s.by_status, "not_assured": s.not_assured}
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in by_status.items() if v)
    failing = ", ".join(f"{v} {k}" for k, v in s.by_severity.items() if v)
    org = audit.metadata.get("organization") or audit.metadata.get("target") or "audit"
    org_text = terminal_text(redact_text(str(org)))
    text = f"dsaudit: {org_text}: {s.posture.upper()} — {counts or 'no results'}"
    if failing:
        text += f" (failing: {failing})"
    return text


class ConsoleReporter:
    """Human-readable terminal output (rendered by :mod:`dsaudit.reports.console_rich`)."""

    name = "console"
    extension = ".txt"

    def render(self, audit: AuditResult, options: Mapping[str, Any]) -> str:
        if options.get("quiet") and not options.get("color"):
            lines = [summary_line(audit), *error_lines(audit)]
            return "".join(line + "\n" for line in lines)
        from dsaudit.reports.console_rich import RichConsoleReport

        return RichConsoleReport().render(audit, options)


CONSOLE = ConsoleReporter()


@hookimpl(trylast=True)
def dsaudit_register_reporters(register: Callable[[Any], None]) -> None:
    register(CONSOLE)


def error_lines(audit: AuditResult) -> list[str]:
    """One line per error result (file, line, what), for ``-q`` and summaries."""
    lines = []
    for r in sort_results(audit.errors) + [
        r for r in sort_results(audit.results) if r.status is Status.ERROR
    ]:
        lines.append(terminal_text(redact_text(f"dsaudit: error: {error_text(r)}")))
    return lines


def error_text(r: Result) -> str:
    """``RULE place: message``, naming the place once (a parser's message often starts with
    it already)."""
    where = str(r.location) if r.location.file else f"{r.resource_kind} {r.resource_id}"
    what = r.message if r.message.startswith(where) else f"{where}: {r.message}"
    return f"{r.rule_id} {what}"


SUMMARY_FINDINGS = 20
"""Findings the terminal summary shows when every report goes to a file."""


@hookimpl(trylast=True)
def dsaudit_console_summary(audit: AuditResult, options: Mapping[str, Any]) -> str:
    """The built-in terminal summary, printed when every report goes to a file: the summary
    line and one line per error with ``-q``; otherwise the header, the tables, the
    :data:`SUMMARY_FINDINGS` most severe findings and the errors (``-v``: every finding)."""
    if options.get("quiet"):
        return "".join(line + "\n" for line in [summary_line(audit), *error_lines(audit)])
    limit = None if options.get("verbose") else SUMMARY_FINDINGS
    return CONSOLE.render(audit, {"color": bool(options.get("color")), "max_findings": limit})
