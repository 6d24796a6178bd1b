"""``dsaudit plugin new NAME`` and ``dsaudit pack new NAME``: start a plugin or a rule pack."""

from __future__ import annotations

from pathlib import Path

import click

from dsaudit.cli.commands.echo import echo


@click.group()
def plugin() -> None:
    """Create plugins (see 'dsaudit plugins list' to inspect loaded ones)."""


@plugin.command("new")
@click.argument("name")
@click.option("--dir", "directory", default=".", show_default=True,
              type=click.Path(path_type=Path, file_okay=False),
              help="Folder in which to create dsaudit-NAME/.")  # fmt: skip
def new_plugin_cmd(name: str, directory: Path) -> None:
    """Create dsaudit-NAME/: an installable plugin with a named check, a rule pack and tests."""
    from dsaudit.authoring.scaffold import new_plugin, scaffold_names

    names = scaffold_names(name)
    dest, written = new_plugin(name, directory)
    echo(f"created {dest} ({len(written)} files)")
    echo(
        f"  plugin {names.name}: check {names.check}, pack {names.pack}, rule {names.rule}, "
        f"parser {names.parser}"
    )
    click.echo("next:")
    echo(f"  pip install -e '{dest}[test]' && python -m pytest {dest}")
    echo(f"  dsaudit audit PATH --pack {names.pack}")


@click.group()
def pack() -> None:
    """Create rule packs (see 'dsaudit rules' to list, validate and test them)."""


@pack.command("new")
@click.argument("name")
@click.option("--dir", "directory", default=".", show_default=True,
              type=click.Path(path_type=Path, file_okay=False),
              help="Folder in which to create NAME/.")  # fmt: skip
def new_pack_cmd(name: str, directory: Path) -> None:
    """Create NAME/: a rule pack with one rule, its passing and failing cases and a test."""
    from dsaudit.authoring.scaffold import new_pack, scaffold_names

    names = scaffold_names(name, rule_suffix="LOG-RETENTION")
    dest, written = new_pack(name, directory)
    echo(f"created {dest} ({len(written)} files): pack {names.pack}, rule {names.rule}")
    click.echo("next:")
    echo(f"  dsaudit rules test {dest}")
    echo(f"  dsaudit audit PATH --pack {dest}")


COMMANDS = (plugin, pack)
