"""``dsaudit baseline create`` records today's failing findings so only new ones fail CI;
``dsaudit baseline upgrade`` rewrites a baseline of an older format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from dsaudit.cli.commands.echo import note_packs_not_run
from dsaudit.cli.commands.options import input_options, selection_options
from dsaudit.cli.helptext import BASELINE_CREATE_EPILOG
from dsaudit.cli.outcome import ExitCode
from dsaudit.redaction.redact import redact_line


@click.group()
def baseline() -> None:
    """Baselines: accept the findings you have today so that only new ones fail the run."""


@baseline.command("create", epilog=BASELINE_CREATE_EPILOG)
@click.argument("target", default=".", type=click.Path(path_type=Path))
@input_options
@selection_options
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the baseline here (default: 'baseline:' in dsaudit.yaml).",
)
@click.option(
    "--waivers",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Waivers file (waived findings are not recorded).",
)
@click.option(
    "--no-inline-suppressions",
    is_flag=True,
    help="Ignore '# dsaudit:ignore' comments (suppressed findings are then recorded).",
)
@click.option(
    "--fail-on-error/--no-fail-on-error",
    default=None,
    help="Exit 2 when the audit has error results (the baseline may miss findings in "
    "files that could not be read; default: yes).",
)
@click.pass_context
def create(ctx: click.Context, /, target: Path, output: Path | None, config_file: Path | None,
           packs: tuple[str, ...], as_of: dt.date | None, inventory: tuple[str, ...],
           waivers: Path | None, no_inline_suppressions: bool, plugin_dirs: tuple[Path, ...],
           trust_config: bool, sensitive_pi: str | None,
           fail_on_error: bool | None, **selection: Any) -> None:  # fmt: skip
    """Audit TARGET and write every failing finding to a baseline file (JSON).

    Findings that are waived or suppressed are not recorded. Pass the file to
    'dsaudit audit --baseline FILE': findings in it are still reported, marked as baselined,
    but only new findings count toward the exit code.
    """
    from dsaudit.audit import run_audit
    from dsaudit.core.errors import UsageError
    from dsaudit.core.models import Status
    from dsaudit.modifiers.baseline import baseline_document, dump_baseline
    from dsaudit.plugin.host import get_plugin_host
    from dsaudit.project.config import build_config
    from dsaudit.project.trust import check_untrusted_write
    from dsaudit.reports.output import write_atomic

    if not target.exists():
        raise click.BadParameter(f"{target} does not exist", param_hint="TARGET")
    cfg = build_config(
        target,
        config_file,
        trust_config=trust_config,
        packs=list(packs),
        plugin_dirs=list(plugin_dirs),
        as_of=as_of,
        waivers=waivers,
        inline_suppressions=not no_inline_suppressions,
        inventory=list(inventory),
        fail_on_error=fail_on_error,
        sensitive_pi=sensitive_pi,
    )
    path = output or cfg.baseline
    if path is None:
        raise UsageError("where should the baseline go? pass -o FILE or set 'baseline:' in "
                         "dsaudit.yaml")  # fmt: skip
    if output is None and not cfg.config_trusted:
        check_untrusted_write(path, "baseline", cfg.config_file, cfg.root)
    cfg.baseline = None
    host = get_plugin_host(cfg.plugin_dirs)
    result = run_audit(cfg, host=host, skip_modifiers=("baseline",))
    document = baseline_document(result)
    write_atomic(path, dump_baseline(document))
    for warning in result.warnings:
        click.echo(redact_line(f"dsaudit: warning: {warning}"), err=True)
    note_packs_not_run(result.metadata.get("plugin_packs_not_run"), cfg.packs)
    errors = [r for r in result.all_results() if r.status is Status.ERROR]
    count = len(document["findings"])
    click.echo(redact_line(f"wrote baseline of {count} failing finding(s) to {path}"))
    if errors:
        click.echo(
            f"dsaudit: {len(errors)} error result(s): the baseline may miss findings in inputs "
            "that could not be read (run 'dsaudit audit' to see them)",
            err=True,
        )
        if cfg.fail_on_error:
            ctx.exit(int(ExitCode.INCOMPLETE))


@baseline.command("upgrade")
@click.argument("baseline_file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.argument("target", default=".", type=click.Path(path_type=Path))
@input_options
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the upgraded baseline here (default: over BASELINE_FILE).",
)
@click.pass_context
def upgrade(ctx: click.Context, baseline_file: Path, target: Path, output: Path | None,
            config_file: Path | None, packs: tuple[str, ...], as_of: dt.date | None,
            inventory: tuple[str, ...], plugin_dirs: tuple[Path, ...],
            trust_config: bool, sensitive_pi: str | None) -> None:  # fmt: skip
    """Rewrite BASELINE_FILE in the current format by auditing TARGET.

    Keeps exactly the findings the old file matches today, under their current fingerprints;
    a finding it does not know (such as a second secret added to a file it recorded) is not
    added, so the upgrade never hides anything. Entries that no longer occur are dropped and
    listed.
    """
    from dsaudit.audit import run_audit
    from dsaudit.core.models import Status
    from dsaudit.modifiers.baseline import (
        BASELINE_VERSION,
        baseline_document,
        dump_baseline,
        load_baseline,
    )
    from dsaudit.plugin.host import get_plugin_host
    from dsaudit.project.config import build_config
    from dsaudit.reports.output import write_atomic

    if not target.exists():
        raise click.BadParameter(f"{target} does not exist", param_hint="TARGET")
    old = load_baseline(baseline_file)
    cfg = build_config(
        target,
        config_file,
        trust_config=trust_config,
        packs=list(packs),
        plugin_dirs=list(plugin_dirs),
        as_of=as_of,
        inventory=list(inventory),
        sensitive_pi=sensitive_pi,
    )
    cfg.baseline = baseline_file
    host = get_plugin_host(cfg.plugin_dirs)
    result = run_audit(cfg, host=host, skip_modifiers=("waivers", "suppressions"))
    document = baseline_document(result, only_baselined=True)
    path = output or baseline_file
    write_atomic(path, dump_baseline(document))
    kept = len(document["findings"])
    dropped = len((result.metadata.get("baseline") or {}).get("fixed") or ())
    click.echo(
        redact_line(
            f"upgraded {baseline_file} (version {old.version}) to version {BASELINE_VERSION}: "
            f"{kept} finding(s) kept, {dropped} no longer occur; wrote {path}"
        )
    )
    errors = [r for r in result.all_results() if r.status is Status.ERROR]
    if errors:
        click.echo(
            f"dsaudit: {len(errors)} error result(s): findings in inputs that could not be read "
            "were dropped from the baseline (run 'dsaudit audit' to see them)",
            err=True,
        )
        ctx.exit(int(ExitCode.INCOMPLETE))


COMMANDS = (baseline,)
