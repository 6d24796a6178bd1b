"""``dsaudit coverage``: which articles of which instruments the rules cover."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from dsaudit.cli.commands.options import parse_date


def _print_console(cov: Any, uncovered_only: bool) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    summary = cov.summary()
    styles = {
        "covered": "green",
        "partly-covered": "yellow",
        "not-covered": "bold red",
        "not-checkable": "dim",
    }
    for law, title in cov.instruments.items():
        rows = [r for r in cov.rows if r.provision.law == law]
        if uncovered_only:
            rows = [r for r in rows if r.status in ("not-covered", "partly-covered")]
        if not rows:
            continue
        s = summary[law]
        table = Table(
            title=Text(f"{law}: {title}"),
            caption=Text(
                f"{s['covered']}/{s['checkable']} checkable provisions covered, "
                + (f"{s['partly-covered']} partly, " if s.get("partly-covered") else "")
                + f"{s['not-checkable']} not checkable"
            ),
            title_justify="left",
            caption_justify="left",
            show_edge=False,
        )
        for col in ("article", "provision", "status", "rules / reason"):
            table.add_column(col, overflow="fold")
        for r in rows:
            detail = ", ".join(c.id for c in r.rules) if r.rules else r.reason
            if r.rules and r.reason:
                detail = f"{detail}; partly: {r.reason}"
            table.add_row(
                Text(r.provision.label(cov.as_of)),
                Text(r.provision.title),
                Text(r.status, style=styles[r.status]),
                Text(detail),
            )
        console.print(table)
        console.print()
    if cov.other_citations and not uncovered_only:
        table = Table(title="Other articles cited by rules", title_justify="left", show_edge=False)
        for col in ("law", "article", "rules"):
            table.add_column(col)
        for (law, article), ids in cov.other_citations.items():
            table.add_row(Text(law), Text(article), Text(", ".join(ids)))
        console.print(table)


@click.command("coverage")
@click.option("--pack", "packs", multiple=True, help="Only these packs (name or path).")
@click.option(
    "--as-of",
    type=str,
    callback=parse_date,
    default=None,
    metavar="DATE",
    help="Rules and article numbers in force on this date (YYYY-MM-DD; default today).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["console", "markdown", "json"]),
    default="console",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--provisions",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="A provisions list to use instead of the shipped one.",
)
@click.option(
    "--plugin-dir",
    "plugin_dirs",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Load local plugins (and their packs) from DIR.",
)
@click.option(
    "--uncovered",
    is_flag=True,
    help="Console: only checkable provisions no rule covers, or covers only partly.",
)
def coverage(
    packs: tuple[str, ...],
    as_of: dt.date | None,
    fmt: str,
    provisions: Path | None,
    plugin_dirs: tuple[Path, ...],
    uncovered: bool,
) -> None:
    """Show which articles of which instruments the rules cover, and why the rest are not."""
    from dsaudit.audit import compile_rules, load_packs
    from dsaudit.authoring.coverage import (
        build_coverage,
        coverage_to_json,
        coverage_to_markdown,
        load_provisions,
    )
    from dsaudit.core.taxonomy import load_taxonomy
    from dsaudit.plugin.host import get_plugin_host
    from dsaudit.plugin.registry import collect_registry
    from dsaudit.project.config import ProjectConfig

    cfg = ProjectConfig(root=Path.cwd(), packs=list(packs), plugin_dirs=list(plugin_dirs))
    if as_of is not None:
        cfg.as_of = as_of
    registry = collect_registry(get_plugin_host(cfg.plugin_dirs))
    loaded = load_packs(cfg, registry)
    compiled = compile_rules(cfg, loaded, registry, load_taxonomy())
    instruments, provision_list = load_provisions(provisions)
    cov = build_coverage(compiled.rules, instruments, provision_list, cfg.as_of)
    if fmt == "json":
        click.echo(json.dumps(coverage_to_json(cov), indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(coverage_to_markdown(cov))
    else:
        _print_console(cov, uncovered)


COMMANDS = (coverage,)
