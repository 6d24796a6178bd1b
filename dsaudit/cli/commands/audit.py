"""``dsaudit audit``: run an audit and write one or more reports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dsaudit.cli import helptext
from dsaudit.cli.commands.audit_output import console_summary, emit_reports, render_reports
from dsaudit.cli.commands.echo import note_packs_not_run
from dsaudit.cli.commands.options import input_options, selection_from, selection_options
from dsaudit.cli.outcome import ExitCode
from dsaudit.redaction.redact import redact_audit
from dsaudit.reports.stdout_guard import stdout_to_stderr

if TYPE_CHECKING:
    from dsaudit.core.models import AuditResult
    from dsaudit.plugin.host import PluginHost
    from dsaudit.project.config import ProjectConfig

FORMAT_BY_SUFFIX = {
    ".json": "json",
    ".sarif": "sarif",
    ".xml": "junit",
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".csv": "csv",
    ".txt": "console",
}


def _output_path(text: str) -> Path | None:
    """``-`` is standard output; anything else is a path."""
    return None if text == "-" else Path(text)


def pair_outputs(
    formats: tuple[str, ...], outputs: tuple[str, ...]
) -> list[tuple[str, Path | None]]:
    """Pair ``--format`` and ``--output`` in order; ``--format F=PATH`` is also accepted.

    An output without a format takes the format from its suffix. At most one format may go to
    standard output (no ``--output``).
    """
    pairs: list[tuple[str, Path | None]] = []
    plain: list[str] = []
    for f in formats:
        if "=" in f:
            name, _, path = f.partition("=")
            pairs.append((name, _output_path(path)))
        else:
            plain.append(f)
    outs = list(outputs)
    for i, f in enumerate(plain):
        pairs.append((f, _output_path(outs[i]) if i < len(outs) else None))
    for extra in outs[len(plain) :]:
        suffix = Path(extra).suffix.lower()
        if suffix not in FORMAT_BY_SUFFIX:
            raise click.UsageError(
                f"cannot tell the format of --output {extra}; add --format (one of "
                f"{', '.join(sorted(set(FORMAT_BY_SUFFIX.values())))})"
            )
        pairs.append((FORMAT_BY_SUFFIX[suffix], Path(extra)))
    if sum(1 for _, p in pairs if p is None) > 1:
        raise click.UsageError("only one --format can go to standard output; add --output PATH")
    return pairs


@click.command(epilog=helptext.AUDIT_EPILOG)
@click.argument("target", default=".", type=click.Path(path_type=Path))
@input_options
@selection_options
@click.option(
    "--format",
    "formats",
    multiple=True,
    metavar="F",
    help="Report format: console, json, sarif, junit, html, markdown, csv, defectdojo "
    "(repeatable; pairs with --output in order, or F=PATH).",
)
@click.option(
    "--output",
    "-o",
    "outputs",
    multiple=True,
    metavar="PATH",
    help="Write the report here (repeatable).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["critical", "high", "medium", "low", "info", "never"]),
    default=None,
    help="Exit 1 when a result fails at or above this severity (default: high).",
)
@click.option(
    "--fail-on-error/--no-fail-on-error",
    default=None,
    help="Whether error results (unparseable files, plugin errors) make the exit code 2 "
    "(default: yes).",
)
@click.option(
    "--waivers", type=click.Path(path_type=Path, exists=True, dir_okay=False), help="Waivers file."
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Baseline file: findings in it do not count toward the exit code.",
)
@click.option("--no-inline-suppressions", is_flag=True, help="Ignore '# dsaudit:ignore' comments.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for parsing and evaluation (default: the number of CPUs).",
)
@click.option(
    "--cache",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    metavar="DIR",
    help="Keep parsed files in DIR, keyed by their content, to re-audit an unchanged tree fast.",
)
@click.option("--no-cache", is_flag=True, help="Do not use the cache named in the config file.")
@click.option("--passes", type=click.Choice(["auto", "list", "count"]), default=None,
              help="List passing results, only count them, or auto (list up to ~200,000 "
                   "results; the default).")  # fmt: skip
@click.option("-p", "blocked", multiple=True, metavar="no:NAME", help="Block a plugin: -p no:NAME.")
@click.option("--explain-discovery", is_flag=True,
              help="List the files the audit would read (with their parser) and every path it "
                   "leaves out with the reason, then stop without auditing.")  # fmt: skip
@click.option("--color", "color", type=click.Choice(["auto", "always", "never"]), default="auto",
              help="Colour the console output: auto (a terminal, unless NO_COLOR is set; "
                   "FORCE_COLOR forces it), always or never.")  # fmt: skip
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line.")
@click.option("-v", "--verbose", count=True, help="More detail.")
@click.pass_context
def audit(ctx: click.Context, /, **options: Any) -> None:
    """Audit TARGET (a folder; default: the current folder) and report the results."""
    selection = selection_from(options)
    request = AuditRequest(**options, selection=selection)
    verbose = request.verbose + (ctx.obj or {}).get("verbose", 0)
    ctx.obj["verbose"] = verbose
    ctx.exit(int(run_command(dataclasses.replace(request, verbose=verbose))))


@dataclass(frozen=True, slots=True)
class AuditRequest:
    """The options of one ``dsaudit audit`` command line, as click parsed them."""

    target: Path
    config_file: Path | None
    packs: tuple[str, ...]
    formats: tuple[str, ...]
    outputs: tuple[str, ...]
    fail_on: str | None
    fail_on_error: bool | None
    plugin_dirs: tuple[Path, ...]
    trust_config: bool
    as_of: dt.date | None
    inventory: tuple[str, ...]
    sensitive_pi: str | None
    waivers: Path | None
    baseline: Path | None
    no_inline_suppressions: bool
    jobs: int | None
    cache: Path | None
    no_cache: bool
    passes: str | None
    blocked: tuple[str, ...]
    explain_discovery: bool
    color: str
    quiet: bool
    verbose: int
    selection: Any = None

    def blocked_plugins(self) -> list[str]:
        """The NAMEs of ``-p no:NAME``."""
        names = []
        for b in self.blocked:
            if not b.startswith("no:"):
                raise click.BadParameter("use -p no:NAME to block a plugin", param_hint="-p")
            names.append(b[3:])
        return names

    def config(self) -> ProjectConfig:
        """The project config: the found or named dsaudit.yaml merged with these flags."""
        from dsaudit.project.config import build_config

        return build_config(
            self.target,
            self.config_file,
            trust_config=self.trust_config,
            packs=list(self.packs),
            plugin_dirs=list(self.plugin_dirs),
            fail_on=self.fail_on,
            fail_on_error=self.fail_on_error,
            as_of=self.as_of,
            outputs=pair_outputs(self.formats, self.outputs),
            waivers=self.waivers,
            baseline=self.baseline,
            inline_suppressions=not self.no_inline_suppressions,
            inventory=list(self.inventory),
            jobs=self.jobs,
            cache=self.cache,
            no_cache=self.no_cache,
            passes=self.passes,
            sensitive_pi=self.sensitive_pi,
            selection=self.selection,
        )


def run_command(request: AuditRequest) -> ExitCode:
    """Check the request, run the audit, write the reports; the exit code (docs/ci.md).

    The steps, in order: the target and options are checked; the config is built (a broken
    dsaudit.yaml stops here); plugins are loaded and the audit runs (a broken waivers or
    baseline file stops it before any file is read); the exit code is decided on the raw
    results; every report is rendered from the redacted audit and written.
    """
    from dsaudit.cli.outcome import exit_code, threshold_breaches
    from dsaudit.documents.yamlsafe import require_libyaml
    from dsaudit.plugin.host import get_plugin_host

    if not request.target.exists():
        raise click.BadParameter(f"{request.target} does not exist", param_hint="TARGET")
    require_libyaml()
    blocked = request.blocked_plugins()
    pair_outputs(request.formats, request.outputs)  # a usage error before any work
    cfg = request.config()
    if request.explain_discovery:
        from dsaudit.cli.commands.explain import print_explanation

        print_explanation(cfg, get_plugin_host(cfg.plugin_dirs, blocked=blocked))
        return ExitCode.OK
    pairs = cfg.outputs or [("console", None)]
    stdout_tty = use_color(request.color, sys.stdout.isatty())
    # Plugin code runs from here on: whatever it prints goes to stderr, never into a report
    # written to stdout (dsaudit.reports.stdout_guard); the reports reach stdout after the block.
    with stdout_to_stderr():
        host = get_plugin_host(cfg.plugin_dirs, blocked=blocked)
        check_formats(pairs, host)  # before any file is read
        result = _run_with_spinner(cfg, host, request.quiet)
        code = exit_code(result, cfg.fail_on, cfg.fail_on_error, cfg.thresholds)
        if cfg.thresholds:
            breaches = threshold_breaches(result, cfg.thresholds)
            result.metadata["thresholds"] = {"limits": cfg.thresholds, "breaches": breaches}
            result.warnings.extend(f"threshold: {b}" for b in breaches)
        result.metadata["exit_code"] = int(code)
        shown = redact_audit(result)  # every output below shows the redacted audit
        rendered, render_failed = render_reports(
            shown, pairs, host, request.quiet, request.verbose, stdout_tty
        )
        summary = console_summary(shown, host, request.quiet, request.verbose, stdout_tty, rendered)
    if not request.quiet:
        note_packs_not_run(result.metadata.get("plugin_packs_not_run"), cfg.packs)
    write_failed = (
        emit_reports(shown, rendered, summary, request.quiet, stdout_tty) or render_failed
    )
    return max(code, ExitCode.INCOMPLETE) if write_failed else code


def use_color(choice: str, is_tty: bool) -> bool:
    """Whether the console output is coloured: ``--color always|never`` decide; ``auto``
    follows ``FORCE_COLOR`` (set and not empty: on), then ``NO_COLOR`` (set: off), then
    whether standard output is a terminal (https://no-color.org, https://force-color.org)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("FORCE_COLOR"):
        return True
    if "NO_COLOR" in os.environ:
        return False
    return is_tty


def check_formats(pairs: list[tuple[str, Path | None]], host: PluginHost) -> None:
    """Every requested format has a reporter (shipped or from a plugin), or a usage error
    naming the known ones, before the audit starts."""
    from dsaudit.plugin.registry import collect_registry

    reporters = collect_registry(host).reporters
    unknown = [fmt for fmt, _ in pairs if fmt not in reporters]
    if unknown:
        from dsaudit.core.names import terminal_text

        known = ", ".join(sorted(reporters))
        shown = ", ".join(repr(terminal_text(f)) for f in unknown)
        raise click.UsageError(f"unknown format {shown} (known: {known})")


def _run_with_spinner(cfg: ProjectConfig, host: PluginHost, quiet: bool) -> AuditResult:
    """Run the audit with a progress bar on standard error when it is a terminal (not with
    ``-q``); without a terminal nothing is drawn."""
    from dsaudit.audit import run_audit

    if sys.stderr.isatty() and not quiet:
        from dsaudit.cli.progress import TerminalProgress

        with TerminalProgress() as progress:
            return run_audit(cfg, host=host, progress=progress)
    return run_audit(cfg, host=host)
