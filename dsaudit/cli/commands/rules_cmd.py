"""``dsaudit rules list|show|validate|test``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from dsaudit.cli.commands.echo import echo
from dsaudit.cli.commands.options import selection_from, selection_options


def _shown(text: str) -> Any:
    """Input text as a Rich ``Text``: never read as markup, escapes shown escaped."""
    from rich.text import Text

    from dsaudit.core.names import terminal_text

    return Text(terminal_text(text))


def _compiled(packs: tuple[str, ...], plugin_dirs: tuple[Path, ...] = ()) -> tuple[Any, Any]:
    import datetime as dt

    from dsaudit.audit import load_packs
    from dsaudit.core.taxonomy import load_taxonomy
    from dsaudit.plugin.host import get_plugin_host
    from dsaudit.plugin.registry import collect_registry
    from dsaudit.project.config import ProjectConfig

    cfg = ProjectConfig(root=Path.cwd(), packs=list(packs), plugin_dirs=list(plugin_dirs))
    cfg.as_of = dt.date(9999, 1, 1)  # list every rule, whatever its dates
    registry = collect_registry(get_plugin_host(cfg.plugin_dirs))
    loaded = load_packs(cfg, registry)
    env_rules = []
    from dsaudit.engine.records import reference_map
    from dsaudit.language.conditions import CompileEnv
    from dsaudit.language.packs import compile_rule

    env = CompileEnv(
        checks=registry.checks,
        taxonomy=load_taxonomy(),
        operators=registry.operators,
        references=reference_map(),
    )
    for pack in loaded:
        for src in pack.rules:
            env_rules.append((pack, compile_rule(src, pack, env), src))
    return loaded, env_rules


@click.group()
def rules() -> None:
    """List, show, validate and test rules."""


@rules.command("list")
@click.option("--pack", "packs", multiple=True, help="Only these packs (name or path).")
@selection_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_rules(packs: tuple[str, ...], as_json: bool, **selection: Any) -> None:
    """List rules: id, severity, articles, title.

    Takes the audit's rule selection (--rule, --skip-rule, --severity, --law, --tag), so
    'dsaudit rules list --law PIPL:38 --severity critical' previews what
    'dsaudit audit --law PIPL:38 --severity critical' runs.
    """
    _, compiled = _compiled(packs)
    chosen = selection_from(selection)
    if chosen.empty:
        rows = [(pack, rule) for pack, rule, _ in compiled]
    else:
        kept, _ = chosen.apply([rule for _, rule, _ in compiled], [r.id for _, r, _ in compiled])
        ids = {r.id for r in kept}
        rows = [(pack, rule) for pack, rule, _ in compiled if rule.id in ids]
    if as_json:
        click.echo(json.dumps([
            {"id": r.id, "pack": p.name, "severity": str(r.severity), "title": r.title,
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
@click.option("--pack", "packs", multiple=True)
def show_rule(rule_id: str, packs: tuple[str, ...]) -> None:
    """Show one rule: articles, parameters with effective values, source and test cases."""
    import yaml

    _, compiled = _compiled(packs)
    for pack, rule, src in compiled:
        if rule.id == rule_id:
            echo(f"{rule.id}: {rule.title}")
            echo(f"pack:        {pack.name} {pack.version}")
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
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--plugin-dir", "plugin_dirs", multiple=True, type=click.Path(path_type=Path),
              help="Load local plugins (named checks) from DIR.")  # fmt: skip
def validate(paths: tuple[Path, ...], plugin_dirs: tuple[Path, ...]) -> None:
    """Validate rule packs: schema, law codes, conditions, operators, categories and checks.

    Every problem of every pack is reported at once, each with file and line.
    """
    from dsaudit.core.errors import PackError
    from dsaudit.core.taxonomy import load_taxonomy
    from dsaudit.engine.records import reference_map
    from dsaudit.language.conditions import CompileEnv
    from dsaudit.language.packcheck import combined_error
    from dsaudit.language.packs import compile_rule, load_pack
    from dsaudit.plugin.host import get_plugin_host
    from dsaudit.plugin.registry import collect_registry

    registry = collect_registry(get_plugin_host(list(plugin_dirs)))
    env = CompileEnv(
        checks=registry.checks,
        taxonomy=load_taxonomy(),
        operators=registry.operators,
        references=reference_map(),
    )
    failed: list[PackError] = []
    for path in paths:  # every pack and every rule: all problems at once
        try:
            pack = load_pack(path, root=Path.cwd())
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
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--rule", "only", multiple=True, help="Only these rule ids.")
@click.option("-v", "--verbose", is_flag=True, help="Show every case, not only failures.")
@click.option("--plugin-dir", "plugin_dirs", multiple=True, type=click.Path(path_type=Path),
              help="Load local plugins (named checks) from DIR.")  # fmt: skip
def test_rules(
    paths: tuple[Path, ...], only: tuple[str, ...], verbose: bool, plugin_dirs: tuple[Path, ...]
) -> None:
    """Run each rule's passing and failing cases (default: every shipped pack)."""
    from rich.console import Console
    from rich.table import Table

    from dsaudit.authoring.ruletests import find_pack_dirs, test_pack
    from dsaudit.core.taxonomy import load_taxonomy
    from dsaudit.engine.records import reference_map
    from dsaudit.language.conditions import CompileEnv
    from dsaudit.language.packs import builtin_packs_dir, load_pack
    from dsaudit.plugin.host import get_plugin_host
    from dsaudit.plugin.registry import collect_registry

    registry = collect_registry(get_plugin_host(list(plugin_dirs)))
    env = CompileEnv(
        checks=registry.checks,
        taxonomy=load_taxonomy(),
        operators=registry.operators,
        references=reference_map(),
    )
    dirs = find_pack_dirs(paths or [builtin_packs_dir()])
    if not dirs:
        raise click.ClickException("no rule packs found (a pack is a folder with pack.yaml)")
    console = Console(width=120, highlight=False)
    failed = 0
    total_rules = total_cases = 0
    for folder in dirs:
        pack = load_pack(folder)
        report = test_pack(pack, env, only)
        table = Table(title=_shown(f"{pack.name} {pack.version}"), title_justify="left",
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
