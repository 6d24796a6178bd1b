"""``dsaudit inventory``: import registers and Fides data maps (docs/cli.md).

``dsaudit inventory template`` writes the register template; ``dsaudit inventory convert``
turns registers and Fides data maps into inventory files. Another command group (discovery)
produces inventory drafts too; the only thing they share is the inventory format.
"""

from __future__ import annotations

from pathlib import Path

import click

from dsaudit.cli.commands.echo import echo
from dsaudit.cli.outcome import ExitCode


@click.group()
def inventory() -> None:
    """Import the registers and data maps people already keep into the inventory format."""


@inventory.command("template")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("register.csv"),
    show_default=True,
    help="Where to write the template; .xlsx writes a workbook (needs dsaudit[register]).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def template(output: Path, force: bool) -> None:
    """Write the register template (one row per field; Chinese and English header rows)."""
    from dsaudit.core.errors import UsageError
    from dsaudit.reports.output import write_atomic
    from dsaudit.sources.register_layout import MissingExtra, template_csv, template_xlsx

    if output.exists() and not force:
        raise UsageError(
            f"{output} already exists; nothing was written. Pass --force to overwrite."
        )
    suffix = output.suffix.lower()
    if suffix == ".xlsx":
        try:
            data: str | bytes = template_xlsx()
        except MissingExtra as exc:
            raise UsageError(str(exc)) from None
    elif suffix == ".csv":
        data = template_csv()
    else:
        raise UsageError(f"{output}: the template is .csv or .xlsx, not {suffix or 'nothing'}")
    write_atomic(output, data)
    echo(f"wrote {output}")


@inventory.command("convert")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option(
    "-o",
    "--output-dir",
    "output_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder for the inventory files (created if missing; same names are replaced).",
)
@click.pass_context
def convert(ctx: click.Context, inputs: tuple[Path, ...], output_dir: Path) -> None:
    """Convert registers (.csv, .xlsx) and Fides data maps (.yaml) into inventory files.

    Each register becomes DIR/<name>.yaml; all Fides data maps are read together and become
    DIR/fides.yaml. Every problem is printed with file and place (sheet, row, column; line);
    rows and collections with a problem are left out and the exit code is 2. The written files
    are loaded back with dsaudit's inventory loader before the command succeeds.
    """
    from dsaudit.core.errors import UsageError
    from dsaudit.core.limits import Limits
    from dsaudit.core.taxonomy import load_taxonomy
    from dsaudit.reports.output import write_atomic
    from dsaudit.sources.convert import convert_inputs
    from dsaudit.sources.inventory import load_inventory
    from dsaudit.sources.register_layout import MissingExtra

    taxonomy = load_taxonomy()
    limits = Limits()
    displays = [path.as_posix() for path in inputs]
    try:
        result = convert_inputs(list(inputs), displays, taxonomy, limits)
    except MissingExtra as exc:
        raise UsageError(str(exc)) from None
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in result.outputs.items():
        target = output_dir / name
        write_atomic(target, text)
        written.append(target)
        echo(f"wrote {target}")
    for problem in result.problems:
        where = problem.file + (f":{problem.line}" if problem.line else "")
        echo(f"dsaudit: error: {where}: {problem.message}", err=True)
    if written:
        # What was written must load: a converter bug must not reach an audit unseen.
        load_inventory(written, Path.cwd(), limits, taxonomy)
    if result.problems:
        count = len(result.problems)
        echo(f"{count} problem(s); the rows or collections concerned were not converted", err=True)
        ctx.exit(ExitCode.INCOMPLETE)


COMMANDS = (inventory,)
