"""Command-line options shared by the commands that run an audit (audit, baseline create)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """A ``YYYY-MM-DD`` option value as a date."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from None


def input_options(func: F) -> F:
    """``--config``, ``--pack``, ``--as-of``, ``--inventory``, ``--plugin-dir``, ``--trust-config``,
    ``--sensitive-pi``.

    Shared by ``audit`` and ``baseline create``.
    """
    options = [
        click.option("--config", "config_file",
                     type=click.Path(path_type=Path, exists=True, dir_okay=False),
                     help="Project config (default: dsaudit.yaml in TARGET)."),
        click.option("--pack", "packs", multiple=True, metavar="NAME|PATH",
                     help="Rule pack to run: a shipped or plugin pack's name, 'default' (every "
                          "shipped pack) or a folder (repeatable; default: every shipped pack; "
                          "plugin packs run only when named)."),
        click.option("--as-of", type=str, callback=parse_date, default=None, metavar="DATE",
                     help="Audit as of this date (YYYY-MM-DD; default today): law in force, "
                          "ages."),
        click.option("--inventory", "inventory", multiple=True, metavar="GLOB",
                     help="Inventory files (globs relative to TARGET; default inventory/**)."),
        click.option("--plugin-dir", "plugin_dirs", multiple=True,
                     type=click.Path(path_type=Path, file_okay=False),
                     help="Load local plugins from DIR."),
        click.option("--sensitive-pi", "sensitive_pi", default=None, metavar="PROFILE",
                     type=click.Choice(["gbt45574-2025", "gbt35273-2020"]),
                     help="Which standard decides what PI is sensitive: gbt45574-2025 (default, "
                          "in force) or gbt35273-2020 (the stricter earlier list)."),
        click.option("--trust-config", is_flag=True,
                     help="Let the dsaudit.yaml found in TARGET load plugins, choose the cache "
                          "and write outside TARGET (refused by default: the tree is data)."),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


def selection_options(func: F) -> F:
    """``--rule``, ``--skip-rule``, ``--severity``, ``--law``, ``--tag``: which rules run
    (:mod:`dsaudit.language.selection`). Shared by ``audit``, ``baseline create`` and
    ``rules list``; the command builds the selection with :func:`selection_from`."""
    options = [
        click.option("--rule", "select_rules", multiple=True, metavar="ID|GLOB",
                     help="Run only these rules (repeatable, comma-separated; globs: 'CFG-*')."),
        click.option("--skip-rule", "skip_rules", multiple=True, metavar="ID|GLOB",
                     help="Do not run these rules (repeatable)."),
        click.option("--severity", "select_severities", multiple=True, metavar="LEVEL",
                     help="Only rules of these severities (critical, high, medium, low, info)."),
        click.option("--law", "select_laws", multiple=True, metavar="CODE[:ARTICLE]",
                     help="Only rules citing this law or article (PIPL, PIPL:38)."),
        click.option("--tag", "select_tags", multiple=True, metavar="TAG",
                     help="Only rules with this tag (repeatable)."),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


def selection_from(options: dict[str, Any]) -> Any:
    """The :class:`~dsaudit.language.selection.RuleSelection` of the popped option values."""
    from dsaudit.language.selection import RuleSelection

    return RuleSelection.from_options(
        rules=options.pop("select_rules", ()),
        skip=options.pop("skip_rules", ()),
        severities=options.pop("select_severities", ()),
        laws=options.pop("select_laws", ()),
        tags=options.pop("select_tags", ()),
    )
