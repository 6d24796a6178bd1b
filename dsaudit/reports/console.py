"""The terminal report (rich): summary by law and severity, then the failures.

Honours ``NO_COLOR`` and non-TTY output (plain text, no escape codes). Options:
``color`` (bool), ``width`` (int), ``quiet`` (only the one-line summary), ``verbose`` (also
passing results' counts per rule and error tracebacks).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dsaudit.core.models import AuditResult
from dsaudit.core.names import terminal_text
from dsaudit.plugin.hookspecs import hookimpl
from dsaudit.redaction.redact import redact_text
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
            line = summary_line(audit)
            if "[" not in line:  # nothing rich would read as markup: the same text, no rich
                return line + "\n"
        from dsaudit.reports.console_rich import RichConsoleReport

        return RichConsoleReport().render(audit, options)


CONSOLE = ConsoleReporter()


@hookimpl(trylast=True)
def dsaudit_register_reporters(register: Callable[[Any], None]) -> None:
    register(CONSOLE)


@hookimpl(trylast=True)
def dsaudit_console_summary(audit: AuditResult, options: Mapping[str, Any]) -> str:
    """The built-in terminal summary: one line with ``-q``, the console report otherwise."""
    if options.get("quiet"):
        return summary_line(audit) + "\n"
    return CONSOLE.render(audit, {"color": bool(options.get("color"))})
