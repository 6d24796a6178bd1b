"""``dsaudit rules list|show|validate|test``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from dsaudit.cli.commands.echo import echo, note_packs_not_run
from dsaudit.cli.commands.options import selection_from, selection_options


def _shown(text: str) -> Any:
    """Input text as a Rich ``Text``: never read as markup, escapes shown escaped."""
    from rich.text import Text

    from dsaudit.core.names import terminal_text

    return Text(terminal_text(text))


def _registry(plugin_dirs: tuple[Path, ...] | list[Path]) -> Any:
    from dsaudit.plugin.host import get_plugin_host
    from dsaudit.plugin.registry import collect_registry

    return collect_registry(get_plugin_host(list(plugin_dirs)))


def _env(registry: Any) -> Any:
    from dsaudit.core.taxonomy import load_taxonomy
    from dsaudit.engine.records import reference_map
    from dsaudit.language.conditions import CompileEnv

    return CompileEnv(
        checks=registry.checks,
        taxonomy=load_taxonomy(),
        operators=registry.operators,
        references=reference_map(),
    )


def every_pack_ref(registry: Any) -> list[str]:
    """``default`` plus every plugin pack's folder: all the packs this machine knows."""
    return ["default", *(str(path) for _, path in registry.pack_paths)]


def pack_refs_to_dirs(refs: tuple[str, ...], registry: Any) -> list[tuple[Path, str]]:
    """Pack folders and origins for commands that take several packs at once.

    An existing folder that is not a pack is searched one level down for packs (``rules test
    rules/``); anything else is a pack name or folder as ``audit --pack`` takes it.
    """
    from dsaudit.authoring.ruletests import find_pack_dirs
    from dsaudit.project_packs import pack_origins, resolve_packs

    origins = pack_origins(registry)
    out: list[tuple[Path, str]] = []
    for ref in refs:
        path = Path(ref)
        if path.is_dir() and not (path / "pack.yaml").is_file():
            out.extend((d, origins.get(d.resolve(), "path")) for d in find_pack_dirs([path]))
        else:
            out.extend(resolve_packs([ref], registry))
    return out


def _compiled(
    packs: tuple[str, ...], plugin_dirs: tuple[Path, ...] = (), every: bool = False
) -> tuple[Any, Any]:
    """The packs ``packs`` name (none: the default set, or with ``every`` all known packs)."""
    import datetime as dt

    from dsaudit.audit import load_packs
    from dsaudit.language.packs import compile_rule
    from dsaudit.project.config import ProjectConfig
    from dsaudit.project_packs import plugin_packs_not_run

    registry = _registry(plugin_dirs)
    refs = list(packs) or (every_pack_ref(registry) if every else [])
    cfg = ProjectConfig(root=Path.cwd(), packs=refs, plugin_dirs=list(plugin_dirs))
    cfg.as_of = dt.date(9999, 1, 1)  # list every rule, whatever its dates
    loaded = load_packs(cfg, registry)
    if not every:
        note_packs_not_run(plugin_packs_not_run(registry, loaded), packs)
    env = _env(registry)
    env_rules = []
    for pack in loaded:
        for src in pack.rules:
            env_rules.append((pack, compile_rule(src, pack, env), src))
    return loaded, env_rules


PACK_HELP = (
    "Only these packs: a shipped or plugin pack's name, 'default' or a folder (repeatable; "
    "default: the shipped packs, as 'dsaudit audit' runs them)."
)
PLUGIN_DIR_HELP = "Load local plugins (named checks, operators and packs) from DIR."


@click.group()
def rules() -> None:
    """List, show, validate and test rules."""


@rules.command("list")
@click.option("--pack", "packs", multiple=True, metavar="NAME|PATH", help=PACK_HELP)
@click.option(
    "--plugin-dir",
    "plugin_dirs",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help=PLUGIN_DIR_HELP,
)
@selection_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_rules(
    packs: tuple[str, ...], plugin_dirs: tuple[Path, ...], as_json: bool, **selection: Any
) -> None:
    """List rules: id, severity, articles, title.

    Takes the audit's rule selection (--rule, --skip-rule, --severity, --law, --tag), so
    'dsaudit rules list --law PIPL:38 --severity critical' previews what
    'dsaudit audit --law PIPL:38 --severity critical' runs.
    """
    _, compiled = _compiled(packs, plugin_dirs)
    chosen = selection_from(selection)
    if chosen.empty:
        rows = [(pack, rule) for pack, rule, _ in compiled]
    else:
        kept, _ = chosen.apply([rule for _, rule, _ in compiled], [r.id for _, r, _ in compiled])
        ids = {r.id for r in kept}
        rows = [(pack, rule) for pack, rule, _ in compiled if rule.id in ids]
    if as_json:
        click.echo(json.dumps([
            {"id": r.id, "pack": p.name, "origin": p.origin, "severity": str(r.severity),
             "title": r.title,
             "kind": r.kind, "refs": [str(x) for x in r.refs], "tags": list(r.tags)}
            for p, r in rows
        ], indent=2))  # fmt: skip
        return
    for pack, rule in rows:
        refs = "; ".join(str(x) for x in rule.refs)
        echo(f"{rule.id:<28} {rule.severity!s:<8} {pack.name:<12} {refs:<34} {rule.title}")
    echo(f"{len(rows)} rules", err=True)


@rules.command("show")
@click.argument("rule_id")
@click.option(
    "--pack",
    "packs",
    multiple=True,
    metavar="NAME|PATH",
    help="Look only in these packs (name, 'default' or folder; default: every shipped "
    "and plugin pack).",
)
@click.option(
    "--plugin-dir",
    "plugin_dirs",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help=PLUGIN_DIR_HELP,
)
def show_rule(rule_id: str, packs: tuple[str, ...], plugin_dirs: tuple[Path, ...]) -> None:
    """Show one rule: articles, parameters with effective values, source and test cases."""
    import yaml

    from dsaudit.reports.records import pack_source

    _, compiled = _compiled(packs, plugin_dirs, every=True)
    for pack, rule, src in compiled:
        if rule.id == rule_id:
            where = pack_source({"origin": pack.origin, "path": pack.path.as_posix()})
            echo(f"{rule.id}: {rule.title}")
            echo(f"pack:        {pack.name} {pack.version} ({where})")
            echo(f"severity:    {rule.severity}")
            echo(f"applies to:  {rule.kind}")
            echo(f"law:         {'; '.join(str(r) for r in rule.refs)}")
            for quote in rule.verified:
                echo(f"law text:    {quote}: “{quote.quote}”")
            if rule.effective_from or rule.effective_until:
                echo(f"in force:    {rule.effective_from or '-'} .. {rule.effective_until or '-'}")
            echo(f"defined at:  {rule.source}")
            if rule.params:
                click.echo("parameters:")
                for name, value in rule.params.items():
                    echo(f"  {name} = {value!r} (default {rule.param_defaults.get(name)!r})")
            if rule.description:
                echo(f"\n{rule.description.strip()}")
            echo(f"\nremediation: {rule.remediation.strip()}")
            click.echo("\nsource:")
            echo(yaml.safe_dump(src.data, sort_keys=False, allow_unicode=True).rstrip())
            from dsaudit.authoring.ruletests import cases_for_rule

            cases = cases_for_rule(pack, rule.id)
            if cases:
                click.echo("\ntest cases:")
                for case in cases:
                    echo(f"  expect {case.expect:<15} {case.name}")
            return
    raise click.ClickException(f"no rule {rule_id}")


@rules.command("validate")
@click.argument("packs", nargs=-1, required=True, metavar="PACK...")
@click.option("--plugin-dir", "plugin_dirs", multiple=True, type=click.Path(path_type=Path),
              help=PLUGIN_DIR_HELP)  # fmt: skip
def validate(packs: tuple[str, ...], plugin_dirs: tuple[Path, ...]) -> None:
    """Validate rule packs: schema, law codes, conditions, operators, categories and checks.

    PACK is a pack folder, a folder of packs, or a shipped or plugin pack's name. Every problem
    of every pack is reported at once, each with file and line.
    """
    from dsaudit.core.errors import PackError
    from dsaudit.language.packcheck import combined_error
    from dsaudit.language.packs import compile_rule, load_pack

    registry = _registry(plugin_dirs)
    env = _env(registry)
    failed: list[PackError] = []
    for path, origin in pack_refs_to_dirs(packs, registry):  # all problems at once
        try:
            pack = load_pack(path, root=Path.cwd(), origin=origin)
        except PackError as exc:
            failed.append(exc)
            continue
        problems: list[PackError] = []
        for src in pack.rules:
            try:
                compile_rule(src, pack, env)
            except PackError as exc:
                problems.append(exc)
        if problems:
            failed.append(combined_error(pack.name, problems))
            continue
        echo(f"{pack.name} {pack.version}: {len(pack.rules)} rules valid")
    if len(failed) == 1:
        raise failed[0]
    if failed:
        error = PackError(
            f"{len(failed)} rule packs have problems:\n" + "\n".join(map(str, failed))
        )
        error.errors = [e for f in failed for e in getattr(f, "errors", [f])]  # type: ignore[attr-defined]
        raise error


@rules.command("test")
@click.argument("packs", nargs=-1, metavar="[PACK]...")
@click.option("--rule", "only", multiple=True, help="Only these rule ids.")
@click.option("-v", "--verbose", is_flag=True, help="Show every case, not only failures.")
@click.option("--plugin-dir", "plugin_dirs", multiple=True, type=click.Path(path_type=Path),
              help=PLUGIN_DIR_HELP)  # fmt: skip
def test_rules(
    packs: tuple[str, ...], only: tuple[str, ...], verbose: bool, plugin_dirs: tuple[Path, ...]
) -> None:
    """Run each rule's passing and failing cases.

    PACK is a pack folder, a folder of packs, a shipped or plugin pack's name, or 'default'
    (the shipped packs). Without PACK: every shipped pack and every pack an installed or
    --plugin-dir plugin provides.
    """
    from rich.console import Console
    from rich.table import Table

    from dsaudit.authoring.ruletests import test_pack
    from dsaudit.language.packs import load_pack
    from dsaudit.reports.records import pack_source

    registry = _registry(plugin_dirs)
    env = _env(registry)
    dirs = pack_refs_to_dirs(packs or tuple(every_pack_ref(registry)), registry)
    if not dirs:
        raise click.ClickException("no rule packs found (a pack is a folder with pack.yaml)")
    console = Console(width=120, highlight=False)
    failed = 0
    total_rules = total_cases = 0
    for folder, origin in dirs:
        pack = load_pack(folder, origin=origin)
        report = test_pack(pack, env, only)
        where = pack_source({"origin": origin, "path": folder.as_posix()})
        table = Table(title=_shown(f"{pack.name} {pack.version} ({where})"), title_justify="left",
                      show_edge=False)  # fmt: skip
        for col in ("rule", "cases", "passed", "result"):
            table.add_column(col)
        by_rule: dict[str, list[Any]] = {}
        for outcome in report.outcomes:
            by_rule.setdefault(outcome.case.rule_id, []).append(outcome)
        for src in pack.rules:
            rid = src.data["id"]
            if only and rid not in only:
                continue
            outs = by_rule.get(rid, [])
            good = sum(o.ok for o in outs)
            bad = [o for o in outs if not o.ok]
            verdict = "ok"
            if rid in report.missing:
                verdict = f"MISSING {'/'.join(report.missing[rid])} case"
            if bad:
                verdict = "FAIL"
            table.add_row(_shown(rid), str(len(outs)), str(good), verdict)
            total_rules += 1
            total_cases += len(outs)
        console.print(table)
        for outcome in report.outcomes:
            if not outcome.ok or verbose:
                mark = "ok  " if outcome.ok else "FAIL"
                console.print(_shown(
                    f"  {mark} {outcome.case.rule_id}: {outcome.case.name}: expected "
                    f"{outcome.case.expect}, got {outcome.actual}"
                    + (f" ({outcome.message})" if outcome.message and not outcome.ok else "")
                ))  # fmt: skip
        for problem in report.problems:
            console.print(_shown(f"  problem: {problem}"))
        if not report.ok:
            failed += 1
    console.print(f"{total_rules} rules, {total_cases} cases, {failed} pack(s) failing")
    if failed:
        raise SystemExit(1)
