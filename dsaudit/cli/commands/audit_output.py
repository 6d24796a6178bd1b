"""Rendering and writing the reports of ``dsaudit audit``, and the terminal summary.

Every reporter gets the redacted audit; a failing reporter or write does not stop the others;
text from inputs is escaped for the terminal (docs/reports.md, docs/cli.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dsaudit.cli.commands.echo import echo_report

if TYPE_CHECKING:
    from dsaudit.core.models import AuditResult
    from dsaudit.plugin.host import PluginHost
from dsaudit.redaction.redact import redact_audit, redact_line


def render_reports(result: Any, pairs: list[tuple[str, Path | None]], host: Any, quiet: bool,
                   verbose: int, stdout_tty: bool,
                   ) -> tuple[list[tuple[str, Path | None, str | bytes]], bool]:  # fmt: skip
    """Render every requested report; a failing reporter does not stop the others.

    Returns the rendered ``(format, path or None for stdout, text)`` and whether any failed.
    Every reporter (plugin ones too) gets the redacted audit
    (:func:`dsaudit.redaction.redact.redact_audit`), never the raw one.
    """
    from dsaudit.core.errors import PLUGIN_FAILURES
    from dsaudit.plugin.registry import collect_registry

    result = redact_audit(result)  # a no-op for the audit the command already redacted
    registry = collect_registry(host)
    failed = False
    rendered: list[tuple[str, Path | None, str | bytes]] = []
    for fmt, path in pairs:
        reporter = registry.reporters.get(fmt)
        if reporter is None:
            known = ", ".join(sorted(registry.reporters))
            click.echo(
                redact_line(f"dsaudit: error: unknown format {fmt!r} (known: {known})"), err=True
            )
            failed = True
            continue
        options = {"color": path is None and stdout_tty, "quiet": quiet, "verbose": verbose}
        try:
            text = reporter.render(result, options)
        except PLUGIN_FAILURES as exc:
            click.echo(redact_line(f"dsaudit: error: reporter {fmt} failed: "
                                   f"{type(exc).__name__}: {exc}"), err=True)  # fmt: skip
            failed = True
            continue
        for warning in getattr(reporter, "last_warnings", ()) or ():
            click.echo(redact_line(f"dsaudit: warning: {fmt}: {warning}"), err=True)
        rendered.append((fmt, path, text))
    return rendered, failed


def console_summary(
    audit: AuditResult,
    host: PluginHost,
    quiet: bool,
    verbose: int,
    stdout_tty: bool,
    rendered: list[tuple[str, Path | None, str | bytes]],
) -> str | None:
    """The terminal summary (``dsaudit_console_summary``), or None when a report goes to stdout.

    A plugin's text is escaped line by line (:func:`~dsaudit.redaction.redact.redact_line`);
    the built-in's may hold the console's own colors.
    """
    from dsaudit.plugin.host import BUILTIN_PLUGINS

    if any(path is None for _, path, _ in rendered):
        return None
    options = {"quiet": quiet, "color": stdout_tty, "verbose": verbose}
    before = len(host.problems)
    answers = host.call_each("dsaudit_console_summary", audit=audit, options=options)
    for problem in host.problems[before:]:
        click.echo(redact_line(f"dsaudit: warning: {problem.message}"), err=True)
    for plugin, text in answers:
        if text is None:
            continue
        if plugin in BUILTIN_PLUGINS:
            return str(text)
        lines = str(text).splitlines()
        return "".join(redact_line(line) + "\n" for line in lines)
    return None


def emit_reports(
    result: AuditResult,
    rendered: list[tuple[str, Path | None, str | bytes]],
    summary: str | None,
    quiet: bool,
    color: bool = False,
) -> bool:
    """Write the rendered reports (stdout or files); a failed write does not stop the others.

    Then the warnings and the terminal summary, if any; every line shows the redacted audit.
    """

    result = redact_audit(result)  # a no-op for the audit the command already redacted
    failed = False
    written: list[tuple[str, Path]] = []
    for fmt, path, text in rendered:
        if write_or_echo(fmt, path, text, color):
            failed = True
        elif path is not None:
            written.append((fmt, path))
    for warning in result.warnings:
        click.echo(redact_line(f"dsaudit: warning: {warning}"), err=True)
    if summary is not None:
        click.echo(summary, nl=False, color=color)
        if not quiet:
            for fmt, path in written:
                click.echo(redact_line(f"wrote {fmt} report to {path}"))
    return failed


def write_or_echo(fmt: str, path: Path | None, text: str | bytes, color: bool = False) -> bool:
    """Write one rendered report to ``path`` (atomically) or to standard output; True when the
    write failed (the error is printed, redacted)."""
    from dsaudit.core.errors import OutputError
    from dsaudit.reports.output import write_atomic

    if path is None:
        echo_report(fmt, text, color)
        return False
    try:
        write_atomic(path, text)
    except OutputError as exc:
        click.echo(redact_line(f"dsaudit: error: {exc}"), err=True)
        return True
    return False
