"""``dsaudit report RESULT.json`` and ``dsaudit diff OLD.json NEW.json``."""

from __future__ import annotations

from pathlib import Path

import click

from dsaudit.cli.commands.echo import echo_report
from dsaudit.cli.outcome import ExitCode
from dsaudit.redaction.redact import redact_line


@click.command()
@click.argument("result", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--format", "formats", multiple=True, metavar="F",
              help="Format to render (repeatable; pairs with --output, or F=PATH).")  # fmt: skip
@click.option("--output", "-o", "outputs", multiple=True, metavar="PATH")
def report(result: Path, formats: tuple[str, ...], outputs: tuple[str, ...]) -> None:
    """Render any format from a saved JSON report without re-running the audit."""
    from dsaudit.cli.commands.audit import pair_outputs
    from dsaudit.cli.commands.audit_output import write_or_echo
    from dsaudit.plugin.host import get_plugin_host
    from dsaudit.plugin.registry import collect_registry
    from dsaudit.reports.loader import render_saved

    pairs = pair_outputs(formats or ("console",), outputs)
    failed = False
    reporters = list(collect_registry(get_plugin_host()).reporters.values())
    for fmt, path in pairs:
        text = render_saved(result, fmt, {"color": path is None}, reporters)
        for reporter in reporters:
            if reporter.name == fmt:
                for warning in getattr(reporter, "last_warnings", ()) or ():
                    click.echo(redact_line(f"dsaudit: warning: {warning}"), err=True)
        if write_or_echo(fmt, path, text):
            failed = True
        elif path is not None:
            click.echo(redact_line(f"wrote {fmt} report to {path}"), err=True)
    if failed:
        raise SystemExit(int(ExitCode.INCOMPLETE))


@click.command()
@click.argument("old", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.argument("new", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["console", "markdown", "json"]),
              default="console", show_default=True)  # fmt: skip
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None)
@click.option("--fail-on", default="high", show_default=True,
              type=click.Choice(["critical", "high", "medium", "low", "info", "never"]),
              help="Exit 1 when a NEW failing finding is at or above this severity.")  # fmt: skip
@click.pass_context
def diff(ctx: click.Context, old: Path, new: Path, fmt: str, output: Path | None,
         fail_on: str) -> None:  # fmt: skip
    """New, fixed and unchanged findings between two JSON reports (by fingerprint)."""
    from dsaudit.reports.diffing import (
        diff_reports,
        render_diff_json,
        render_diff_markdown,
        render_diff_text,
    )
    from dsaudit.reports.loader import load_report
    from dsaudit.reports.output import write_atomic

    result = diff_reports(load_report(old), load_report(new))
    render = {
        "console": render_diff_text,
        "markdown": render_diff_markdown,
        "json": render_diff_json,
    }
    text = render[fmt](result)
    if output is None:
        echo_report(f"diff-{fmt}", text if text.endswith("\n") else text + "\n")
    else:
        write_atomic(output, text)
    failing = bool(result.new_failing(fail_on))
    ctx.exit(int(ExitCode.FINDINGS if failing else ExitCode.OK))


COMMANDS = (report, diff)
