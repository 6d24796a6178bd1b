"""Every hook dsaudit calls, in the order an audit calls them.

Plugins implement hooks with ``@dsaudit.hookimpl``; every hook name starts with ``dsaudit_``.
Built-in parsers, sources, checks and reporters are plugins on these same hooks.

Phases:

1. start-up: ``dsaudit_register_parsers``, ``dsaudit_register_sources``,
   ``dsaudit_register_checks``, ``dsaudit_register_operators``, ``dsaudit_register_modifiers``,
   ``dsaudit_register_reporters``, ``dsaudit_rule_pack_paths``,
   ``dsaudit_register_commands`` -- called once per run; contributions are collected through
   a ``register`` callback and the engine then calls plain functions (never a hook per
   resource x rule).
2. collection: ``dsaudit_ignore_path`` per discovered path, ``dsaudit_collect_resources`` once.
3. results: the registered modifiers in order, ``dsaudit_modify_results`` once,
   ``dsaudit_result_finished`` per result (only when some plugin implements it),
   ``dsaudit_audit_finished`` once.
4. terminal: ``dsaudit_console_summary`` once, when no report goes to standard output.

Compatibility: adding a hook or a parameter is backwards compatible (implementations name the
parameters they use). A hook or parameter is never renamed or removed within a plugin API
version (see ``PLUGIN_API_VERSION`` and docs/plugins.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from dsaudit.core.models import AuditResult, Resource, Result
    from dsaudit.plugin.protocols import (
        Check,
        Modifier,
        OperatorFactory,
        Parser,
        Reporter,
        Source,
    )
    from dsaudit.project.config import ProjectConfig

PROJECT = "dsaudit"
PLUGIN_API_VERSION = 1
"""Bumped only when a hook changes incompatibly. Plugins may declare ``DSAUDIT_PLUGIN_API``."""

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def dsaudit_register_parsers(register: Callable[[Parser], None]) -> None:
    """Contribute config-file parsers.

    Called once at start-up. Call ``register(parser)`` for each parser, an object with a
    unique ``name``, ``claims(path: PurePosixPath) -> bool`` and
    ``parse(display_path, content: bytes, limits) -> list[ParsedDocument]``
    (see :mod:`dsaudit.documents.base`). When several parsers claim a file, the one registered
    by the plugin loaded last wins, so a third-party parser overrides a built-in one.

    :param register: callback taking one parser object.
    Added in 0.1.
    """


@hookspec
def dsaudit_register_sources(register: Callable[[Source], None]) -> None:
    """Contribute resource sources (the inventory loader and config discovery are sources).

    Called once at start-up. Call ``register(source)`` with an object that has a unique
    ``name`` and ``collect(ctx) -> Iterable[Resource | Result]`` where ``ctx`` is the
    :class:`dsaudit.sources.SourceContext` of the run. A source yields resources, and error
    results for inputs it could not read.

    :param register: callback taking one source object.
    Added in 0.1.
    """


@hookspec
def dsaudit_register_checks(register: Callable[[str, Check], None]) -> None:
    """Contribute named checks that rules reference with ``check: NAME``.

    Called once at start-up. Call ``register(name, function)``; the function is called as
    ``function(item, ctx, **arguments)`` where ``item`` is the value under test (usually a
    resource's attributes), ``ctx`` the :class:`dsaudit.core.models.EvalContext` and ``arguments``
    the rule's ``with:`` mapping. It returns ``True`` (holds), ``False`` (violated) or a list of
    ``(path, value)`` pairs naming the offending values (violated when non-empty).

    :param register: callback taking a check name and a function.
    Added in 0.1.
    """


@hookspec
def dsaudit_register_operators(register: Callable[[str, OperatorFactory], None]) -> None:
    """Contribute rule-language operators (``{path: P, NAME: operand}`` in a pack).

    Called once at start-up. Call ``register(name, factory)``: ``factory(operand)`` is called
    when a rule is compiled and returns ``predicate(value, ctx) -> bool``, which is called per
    value; raise ``dsaudit.language.operators.OperandError`` (a ValueError) from the factory for an
    operand it cannot use, and the pack is refused with file and line. The built-in operators
    (``equals``, ``within_days``, ...) are registered the same way, last, so a plugin may replace
    one (with a warning); ``regex`` and ``not_regex`` are compiled by RE2 and cannot be replaced.

    :param register: callback taking the operator name and its factory.
    Added in 0.2.
    """


@hookspec
def dsaudit_register_reporters(register: Callable[[Reporter], None]) -> None:
    """Contribute report formats.

    Called once at start-up. Call ``register(reporter)`` with an object that has a unique
    ``name`` (used by ``--format``), a default file ``extension`` and
    ``render(audit: AuditResult, options: Mapping) -> str | bytes``.

    :param register: callback taking one reporter object.
    Added in 0.1.
    """


@hookspec
def dsaudit_register_modifiers(register: Callable[[Modifier], None]) -> None:
    """Register result modifiers: steps that run after the evaluation and change results.

    Called once at start-up. Call ``register(modifier)`` with an object that has a unique
    ``name``, an integer ``order`` and ``prepare(config) -> step | None``
    (:class:`dsaudit.Modifier`). ``prepare`` runs before any file is read; it
    loads what the step needs and raises ``ConfigError`` when that is broken, or returns None
    when there is nothing to do. The step, ``step(results, ctx) -> Modified``, returns new
    results (one per input, same order); it may only turn failing results into suppressed or
    waived ones, mark them baselined, or change their messages. The built-ins are
    ``suppressions`` (order 100), ``waivers`` (200) and ``baseline`` (300); registering one of
    these names replaces the built-in. A step that raises or breaks the rules is left out and
    becomes an error result naming the plugin.

    :param register: callback taking one modifier object.
    Added in 0.2.
    """


@hookspec
def dsaudit_register_config_sections(register: Callable[..., None]) -> None:
    """Register the plugin's own settings: a section of ``plugin_settings`` in dsaudit.yaml.

    Called once at start-up. Call ``register(name, schema, untrusted_keys=())``: ``name`` is
    the section (``^[a-z][a-z0-9_-]{0,63}$``), ``schema`` a JSON Schema of type ``object`` the
    section must meet, and ``untrusted_keys`` the settings a config *found* in the audited tree
    may set (every other key needs ``--config`` or ``--trust-config``: leave out anything that
    sends or writes data somewhere). The section is validated before any audit hook runs; read
    it with ``config.plugin_settings(name)``. Two plugins registering one name is an error.

    :param register: callback taking ``name``, ``schema`` and optionally ``untrusted_keys``.
    Added in 0.2.
    """


@hookspec
def dsaudit_rule_pack_paths() -> list[Path]:
    """Return folders of rule packs this plugin ships.

    Called once at start-up. Each path is a pack folder (holding ``pack.yaml``); the packs are
    loaded and validated like any other. Return an empty list to contribute nothing.
    Added in 0.1.
    """
    return []


@hookspec
def dsaudit_register_commands(cli: click.Group) -> None:
    """Add sub-commands to the ``dsaudit`` command line.

    Called once when the CLI is built. Use ``@cli.command()`` to add commands.

    :param cli: the top-level click group.
    Added in 0.1.
    """


@hookspec(firstresult=True)
def dsaudit_ignore_path(path: Path, config: ProjectConfig) -> bool | None:
    """Decide whether a discovered config path is skipped.

    Called for every file and folder found under the audit target, before it is read. The first
    non-None answer wins: return True to skip the path, False to keep it even if a later
    plugin would skip it, None to let other plugins decide.

    :param path: the path found under the target.
    :param config: the project config of the run.
    Added in 0.1.
    """


@hookspec
def dsaudit_collect_resources(config: ProjectConfig) -> Iterable[Resource] | None:
    """Yield extra resources discovered live (a database, a cloud API, a CMDB).

    Called once per audit after files are collected. Return an iterable of
    :class:`dsaudit.core.models.Resource`, or None.

    :param config: the project config of the run.
    Added in 0.1.
    """


@hookspec
def dsaudit_modify_results(results: list[Result], config: ProjectConfig) -> None:
    """Edit the list of results in place (filter, re-grade, annotate) before reporting.

    Called once per audit, after every modifier (suppressions, waivers, the baseline and
    those of ``dsaudit_register_modifiers``) has run. Prefer a registered modifier: it returns
    new results and is checked; this hook edits the list in place and is not.

    :param results: the results of the audit; edit in place.
    :param config: the project config of the run.
    Added in 0.1.
    """


@hookspec
def dsaudit_result_finished(result: Result) -> None:
    """Notification for each final result (for sinks that stream results).

    Called once per result after ``dsaudit_modify_results``. The return value is ignored.
    Only called when some plugin implements it, so it costs nothing otherwise.

    :param result: a final result.
    Added in 0.1.
    """


@hookspec
def dsaudit_audit_finished(audit: AuditResult, config: ProjectConfig) -> None:
    """Notification that an audit is complete, before reports are written.

    Called once per audit. The return value is ignored. Sinks (webhooks, ticket files) use it.

    :param audit: the complete audit result.
    :param config: the project config (``config.plugin_settings(name)``); added in 0.2, an
        implementation that does not name it is called without it.
    Added in 0.1.
    """


@hookspec
def dsaudit_console_summary(audit: AuditResult, options: Mapping[str, Any]) -> str | None:
    """The text ``dsaudit audit`` prints on the terminal when no report goes to standard output.

    Called once per ``dsaudit audit``, after the reports are rendered; the first non-None
    answer is printed (plugins are asked before the built-in, which prints the summary line
    with ``-q`` and the console report otherwise). ``audit`` is already redacted. Text from a
    plugin is escaped before it reaches the terminal (control characters, ANSI sequences), so
    a plugin's summary cannot color or move the cursor. Return None to let others decide.

    :param audit: the redacted audit.
    :param options: ``quiet`` (``-q``), ``color`` (whether the built-in may color) and
        ``verbose`` (the ``-v`` count).
    Added in 0.2.
    """
