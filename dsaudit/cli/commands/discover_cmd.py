"""``dsaudit discover SOURCE... -o DIR``: an inventory draft per source from sampled values."""

from __future__ import annotations

from pathlib import Path

import click

from dsaudit.cli.commands.echo import echo


@click.command()
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder the drafts are written to (one SYSTEM.yaml per source).",
)
@click.option(
    "--sample",
    default=100,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Rows sampled per table.",
)
@click.option("--seed", default=0, show_default=True, type=int, help="Sampling seed.")
@click.option(
    "--max-file-rows",
    default=10_000,
    show_default=True,
    type=click.IntRange(1),
    help="Rows of a CSV / JSON Lines file read at most (the sample is drawn from them).",
)
@click.option("--sensitive-pi", "profile", default=None, help="Taxonomy sensitivity profile.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems.")
def discover(
    sources: tuple[str, ...],
    output: Path,
    sample: int,
    seed: int,
    max_file_rows: int,
    profile: str | None,
    quiet: bool,
) -> None:
    """Discover personal information in SQLite databases and CSV / JSON Lines files and write
    an inventory draft per source (docs/discovery.md).

    SOURCE is a SQLite file (.sqlite, .sqlite3, .db, or sqlite:///PATH), a CSV or JSON Lines
    file, or a folder of them. Sampled values are never printed or written: evidence is masked.
    Exit 0 when every source was read, 2 when one could not be.
    """
    from dsaudit.core.taxonomy import load_taxonomy
    from dsaudit.discover.draft import build_draft, discover_source, dump_draft
    from dsaudit.discover.sources import SourceError, mask_dsn, open_source
    from dsaudit.redaction.textmasks import mask_pi

    try:
        taxonomy = load_taxonomy(profile)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    output.mkdir(parents=True, exist_ok=True)
    failed = False
    taken: set[str] = set()
    for spec in sources:
        try:
            source = open_source(spec, max_file_rows=max_file_rows)
        except SourceError as exc:
            echo(f"dsaudit discover: error: {mask_pi(str(exc))}", err=True)
            failed = True
            continue
        try:
            results = discover_source(source, sample=sample, seed=seed)
        except SourceError as exc:  # its message names the file, never a value
            echo(f"dsaudit discover: error: {mask_pi(str(exc))}", err=True)
            failed = True
            continue
        except Exception as exc:  # the engine's message may quote data: show its kind only
            echo(
                f"dsaudit discover: error: {mask_dsn(spec)}: reading failed ({type(exc).__name__})",
                err=True,
            )
            failed = True
            continue
        finally:
            source.close()
        system_id = source.system_id
        n = 2
        while system_id in taken:
            system_id, n = f"{source.system_id}-{n}", n + 1
        taken.add(system_id)
        source.system_id = system_id
        draft = build_draft(source, results, taxonomy, sample=sample, seed=seed)
        target = output / f"{system_id}.yaml"
        target.write_text(dump_draft(draft), encoding="utf-8", newline="\n")
        if not quiet:
            pi = sum(d["x_discovery"]["pi_columns"] for d in draft["datasets"])
            sensitive = sum(d["x_discovery"]["sensitive_columns"] for d in draft["datasets"])
            echo(
                f"{source.label}: {len(results)} tables, {pi} PI columns ({sensitive} sensitive)"
                f" -> {target}"
            )
    raise SystemExit(2 if failed else 0)


COMMANDS = (discover,)
