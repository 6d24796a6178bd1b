"""``dsaudit init``: start a project with a commented config, a waivers file and an inventory."""

from __future__ import annotations

import datetime as dt
import json
import string
import textwrap
from importlib import resources
from pathlib import Path

import click

from dsaudit.cli.commands.echo import echo

TEMPLATES = ("dsaudit.yaml", "waivers.yaml", "inventory/organization.yaml")
"""Files ``dsaudit init`` writes, relative to the project folder (templates/init/...)."""


def render_template(name: str, organization: str, today: dt.date) -> str:
    """The text of one starter file, with the organization name and dates filled in."""
    text = resources.files("dsaudit").joinpath(f"templates/init/{name}").read_text("utf-8")
    values = {
        "organization": json.dumps(organization, ensure_ascii=False),
        "today": today.isoformat(),
        "expires": (today + dt.timedelta(days=90)).isoformat(),
        "year": str(today.year),
        "packs": shipped_pack_list(),
    }
    return string.Template(text).substitute(values)


def shipped_pack_list() -> str:
    """Every shipped pack's name, wrapped as YAML comment lines (``# csl, dsl, ...``)."""
    from dsaudit.language.packs import builtin_pack_paths

    names = ", ".join(sorted(path.name for path in builtin_pack_paths()))
    return "\n".join("#   " + line for line in textwrap.wrap(names, 92, break_on_hyphens=False))


def write_starter(folder: Path, organization: str, today: dt.date, force: bool) -> list[Path]:
    """Write the starter files into ``folder``; refuse to overwrite unless ``force``."""
    from dsaudit.core.errors import UsageError

    targets = [folder / name for name in TEMPLATES]
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        names = ", ".join(p.relative_to(folder).as_posix() for p in existing)
        raise UsageError(f"{folder}: {names} already exist(s); nothing was written. "
                         "Pass --force to overwrite.")  # fmt: skip
    for path in targets:
        rel = path.relative_to(folder).as_posix()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_template(rel, organization, today), "utf-8")
    return targets


@click.command()
@click.argument("folder", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--organization",
    default="Example Co., Ltd.",
    show_default=True,
    help="Organization name for the config and the example inventory.",
)
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def init(folder: Path, organization: str, force: bool) -> None:
    """Write a commented dsaudit.yaml, a waivers file and an example inventory into FOLDER.

    Existing files are left alone (and nothing is written) unless --force is given.
    """
    written = write_starter(folder, organization, dt.date.today(), force)
    for path in written:
        echo(f"wrote {path}")
    echo(f"next: edit the inventory, then run 'dsaudit audit {folder}'")


COMMANDS = (init,)
