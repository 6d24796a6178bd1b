"""``dsaudit plugins list``: what is loaded, from where, implementing which hooks."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dsaudit.cli.commands.echo import echo


@click.group()
def plugins() -> None:
    """Inspect plugins."""


@plugins.command("list")
@click.option("--plugin-dir", "plugin_dirs", multiple=True, type=click.Path(path_type=Path),
              help="Also load local plugins from DIR.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_plugins(plugin_dirs: tuple[Path, ...], as_json: bool) -> None:
    """List loaded plugins with origin, version and hooks."""
    from dsaudit.plugin.host import get_plugin_host

    host = get_plugin_host(list(plugin_dirs))
    infos = host.infos()
    if as_json:
        data = {
            "plugins": [
                {"name": i.name, "origin": i.origin, "version": i.version, "hooks": i.hooks}
                for i in infos
            ],
            "problems": [{"plugin": p.plugin, "message": p.message} for p in host.problems],
        }
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    for info in infos:
        version = f" {info.version}" if info.version else ""
        echo(f"{info.name}{version}  [{info.origin}]")
        echo(f"    hooks: {', '.join(info.hooks) or '-'}")
    for problem in host.problems:
        echo(f"problem: {problem.message}", err=True)
