"""``dsaudit audit --explain-discovery``: which files the audit would read, and why not the rest.

Lists every file found with the parser that would read it (or that no parser claims it), then
every path left out with the reason: dsaudit's own files (project config, waivers, baseline,
reports, cache, packs: :mod:`dsaudit.sources.own_files`), the inventory, default excluded
folders, ``configs.include``/``exclude`` and the ``dsaudit_ignore_path`` hook. Nothing is parsed
and nothing is audited. Paths come from the audited tree, so they are escaped for the terminal.
"""

from __future__ import annotations

import click

from dsaudit.core.names import terminal_text
from dsaudit.plugin.host import PluginHost
from dsaudit.plugin.registry import collect_registry
from dsaudit.project.config import ProjectConfig
from dsaudit.sources import SourceContext
from dsaudit.sources.configs import discover_configs, pick_parser
from dsaudit.sources.inventory_source import inventory_files


def explain_discovery(config: ProjectConfig, host: PluginHost) -> list[str]:
    """The lines of the explanation, in path order within each part."""
    registry = collect_registry(host)
    ctx = SourceContext(
        config=config,
        parsers=registry.parsers,
        host=host,
        inventory_files=inventory_files(config.root, config.inventory),
    )
    found = discover_configs(ctx, explain=True)
    lines = [f"config discovery under {terminal_text(str(config.root))}:"]
    for rel in found.files:
        parser = pick_parser(ctx.parsers, rel, config.parser_overrides)
        shown = terminal_text(rel)
        if parser is None:
            lines.append(f"  not read  {shown}  (no parser claims it)")
        else:
            lines.append(f"  read      {shown}  ({terminal_text(str(parser.name))})")
    for item in sorted(found.skipped, key=lambda s: s.path):
        lines.append(f"  skipped   {terminal_text(item.path)}  ({terminal_text(item.reason)})")
    for problem in found.problems:
        lines.append(
            f"  problem   {terminal_text(problem.path)}  ({terminal_text(problem.reason)})"
        )
    for path in ctx.inventory_files:
        lines.append(f"  inventory {terminal_text(str(path))}")
    return lines


def print_explanation(config: ProjectConfig, host: PluginHost) -> None:
    for line in explain_discovery(config, host):
        click.echo(line)
