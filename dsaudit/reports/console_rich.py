"""The terminal report's rendering with rich (imported only when a console report is rendered).

Kept apart from :mod:`dsaudit.reports.console` so that audits writing other formats, and the
one-line summary of ``-q``, do not pay for importing rich.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from dsaudit.core.models import AuditResult, Result, Status
from dsaudit.core.names import terminal_text
from dsaudit.redaction.redact import redact_audit
from dsaudit.reports.console import (
    SEVERITY_STYLE,
    STATUS_STYLE,
    error_lines,
    error_text,
    summary_line,
)
from dsaudit.reports.ordering import sort_results
from dsaudit.reports.records import (
    NOT_ASSURED,
    articles_text,
    loosened_rules,
    loosened_text,
    packs_summary,
    quote_text,
    quotes_of,
    refs_of,
)
from dsaudit.reports.summary import NOT_ASSURED_KEY, not_assured_counts, summarize


def _text(value: str, style: str = "") -> Text:
    """Input text for rich: never read as markup, and escaped for the terminal."""
    return Text(terminal_text(value), style=style)


class RichConsoleReport:
    """Human-readable terminal output."""

    def render(self, audit: AuditResult, options: Mapping[str, Any]) -> str:
        audit = redact_audit(audit)
        color = bool(options.get("color", False))  # the CLI applies --color, NO_COLOR, FORCE_COLOR
        buffer = io.StringIO()
        console = Console(
            file=buffer,
            force_terminal=color,
            no_color=not color,
            color_system="standard" if color else None,
            width=int(options.get("width") or 110),
            highlight=False,
            emoji=False,
        )
        if options.get("quiet"):
            for line in [summary_line(audit), *error_lines(audit)]:
                console.print(Text(line), soft_wrap=True)
            return buffer.getvalue()
        self._header(console, audit)
        self._laws(console, audit)
        self._failures(console, audit, options.get("max_findings"))
        self._errors(console, audit, bool(options.get("verbose")))
        self._not_assured(console, audit)
        for warning in audit.warnings:
            console.print(_text(f"warning: {warning}", style="yellow"))
        console.print(Text(summary_line(audit)), soft_wrap=True)
        return "\n".join(line.rstrip() for line in buffer.getvalue().split("\n"))

    def _header(self, console: Console, audit: AuditResult) -> None:
        meta = audit.metadata
        packs = packs_summary(meta.get("packs"))
        console.print(Text("dsaudit report", style="bold"))
        org = meta.get("organization") or "-"
        console.print(_text(f"organization: {org}  as of: {meta.get('as_of')}"))
        console.print(_text(f"packs: {packs or '-'}"))
        console.print()

    def _laws(self, console: Console, audit: AuditResult) -> None:
        s = summarize(audit)
        table = Table(title="Results by law", title_justify="left", show_edge=False)
        table.add_column("Law")
        columns = ("pass", "fail", "waived", "suppressed", "error", NOT_ASSURED_KEY)
        for status in columns:
            table.add_column(status.replace("_", " "), justify="right")
        table.add_column("score", justify="right")
        table.add_column("crit/high", justify="right")
        for law in s.laws:
            score = f"{law.score * 100:.0f}%" if law.score is not None else "-"
            worst = f"{law.failing['critical']}/{law.failing['high']}"
            table.add_row(_text(law.law), *(str(law.counts[x]) for x in columns), score, worst)
        console.print(table)
        sev = Table(title="Failing by severity", title_justify="left", show_edge=False)
        for name in s.by_severity:
            sev.add_column(name, justify="right", style=SEVERITY_STYLE.get(name, ""))
        sev.add_row(*(str(v) for v in s.by_severity.values()))
        console.print(sev)
        console.print()

    def _failures(self, console: Console, audit: AuditResult, limit: int | None) -> None:
        shown = [
            r
            for r in sort_results(audit.results)
            if r.status in (Status.FAIL, Status.WAIVED, Status.SUPPRESSED, Status.ERROR)
        ]
        if not shown:
            console.print(Text("No failing results.", style="green"))
            return
        console.print(Text(f"Findings ({len(shown)})", style="bold"))
        for r in shown[:limit]:
            self._finding(console, audit, r)
        if limit is not None and len(shown) > limit:
            console.print(
                Text(
                    f"... and {len(shown) - limit} more finding(s): see the written report(s), "
                    "or -v to list them here",
                    style="bold",
                )
            )
            console.print()

    def _finding(self, console: Console, audit: AuditResult, r: Result) -> None:
        rule = audit.rules.get(r.rule_id)
        head = Text()
        head.append(f"[{r.severity}]", style=SEVERITY_STYLE.get(str(r.severity), ""))
        head.append(" ")
        head.append(str(r.status).upper(), style=STATUS_STYLE.get(str(r.status), ""))
        if not r.assured:
            head.append(f" {NOT_ASSURED.upper()}", style=STATUS_STYLE[NOT_ASSURED_KEY])
        head.append(terminal_text(f" {r.rule_id}"), style="bold")
        if rule:
            head.append(terminal_text(f" {rule.title}"))
        console.print(head)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=3)
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        rows: list[tuple[str, str]] = [
            ("where", f"{r.resource_kind} {r.resource_id} ({r.location})"),
        ]
        if not r.assured:
            rows.append((NOT_ASSURED, loosened_text(r.loosened)))
        refs = articles_text(refs_of(r, audit.rules))
        if refs:
            rows.append(("law", refs))
        rows.extend(("law text", quote_text(q)) for q in quotes_of(r, audit.rules))
        rows.append(("finding", r.message))
        rows.extend(("evidence", f"{ev.path} = {ev.value}") for ev in r.evidence[:4])
        if r.waiver:
            w = r.waiver
            rows.append(
                (
                    "waived",
                    f"by {w.get('approved_by')} until {w.get('expires_on')}: "
                    f"{w.get('justification')}",
                )
            )
        if r.suppression:
            rows.append(("suppressed", r.suppression))
        if rule and r.status is Status.FAIL:
            rows.append(("fix", " ".join(rule.remediation.split())))
        for label, value in rows:
            grid.add_row("", label, _text(value))
        console.print(grid)
        console.print()

    def _errors(self, console: Console, audit: AuditResult, verbose: bool) -> None:
        if not audit.errors:
            return
        console.print(
            Text(f"Errors ({len(audit.errors)}): the audit is incomplete", style="bold magenta")
        )
        for r in sort_results(audit.errors):
            console.print(_text(f"  {error_text(r)}"))
            if verbose and r.detail:
                console.print(_text(r.detail))
        console.print()

    def _not_assured(self, console: Console, audit: AuditResult) -> None:
        """The rules run with a parameter looser than the law, and what came of them."""
        loosened = loosened_rules(audit)
        if not loosened:
            return
        console.print(
            Text(
                f"Not assured: {len(loosened)} rule(s) ran with a parameter looser than the "
                "law; their passes are not counted as passes",
                style="bold yellow",
            )
        )
        per_rule = not_assured_counts(audit)
        for rule in loosened:
            passes, others = per_rule.get(rule.id, (0, 0))
            console.print(
                _text(
                    f"  {rule.id}: {loosened_text(rule.loosened)}; "
                    f"{passes} not-assured passes, {others} other results"
                )
            )
        console.print()
