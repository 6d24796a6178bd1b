"""Run the registered modifiers: prepared before the audit, applied after the evaluation.

The built-ins (:mod:`dsaudit.modifiers.plugin`) run in this order, with a plugin's modifiers
placed by their ``order`` (:mod:`dsaudit.modifiers.step`):

1. inline suppressions (100): failing results silenced by a ``# dsaudit:ignore RULE-ID reason``
   comment become ``suppressed``;
2. waivers (200): failing results covered by a waiver in force become ``waived``;
3. baseline (300): failing results already known are marked ``baselined`` (they stay ``fail``
   but do not count toward the exit code).

Each step gets the results of the one before and returns new ones; the audit is rebuilt from
what the steps returned, never edited in place. Plugins' ``dsaudit_modify_results`` runs after
every step.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from dsaudit.core.errors import PLUGIN_FAILURES
from dsaudit.core.models import AuditResult, Result, tool_error
from dsaudit.modifiers.step import Modified, Modifier, ModifyContext, Step, check_step
from dsaudit.project.config import ProjectConfig

LegacyModifier = Callable[[AuditResult, ProjectConfig], None]
"""The 0.1 form, ``modify(audit, config) -> None`` editing the audit in place (deprecated)."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """One modifier ready to run: its name, the plugin that registered it, and its step."""

    name: str
    plugin: str
    step: Step


def prepare_modifiers(
    modifiers: Mapping[str, Modifier],
    owners: Mapping[str, str],
    config: ProjectConfig,
    *,
    skip: Collection[str] = (),
) -> tuple[list[Prepared], list[Result]]:
    """Prepare every modifier not in ``skip``, in order; also the error results of plugins
    whose ``prepare`` raised. A ConfigError (a broken waivers file) stops the run."""
    unknown = sorted(set(skip) - set(modifiers))
    if unknown:
        raise ValueError(f"unknown modifier(s) to skip: {', '.join(unknown)}")
    ordered = sorted(modifiers.values(), key=lambda m: (m.order, m.name))
    out: list[Prepared] = []
    errors: list[Result] = []
    for modifier in ordered:
        if modifier.name in skip:
            continue
        plugin = owners.get(modifier.name, "?")
        try:
            step = modifier.prepare(config)
        except PLUGIN_FAILURES as exc:
            if _builtin(plugin):
                raise
            errors.append(_error(plugin, f"modifier {modifier.name} failed to prepare", exc))
            continue
        if step is not None:
            out.append(Prepared(modifier.name, plugin, step))
    return out, errors


def apply_modifiers(
    audit: AuditResult, prepared: Sequence[Prepared], ctx: ModifyContext
) -> AuditResult:
    """A new audit: ``audit`` after every prepared step, in order.

    A plugin's step that raises or returns what a modifier may not (see
    :func:`~dsaudit.modifiers.step.check_step`) is left out and becomes an error result.
    """
    results: Sequence[Result] = audit.results
    metadata = dict(audit.metadata)
    inputs = list(metadata.get("inputs", []))
    notes = list(audit.warnings)
    waivers = list(audit.waivers)
    errors = list(audit.errors)
    for item in prepared:
        try:
            got = item.step(results, ctx)
        except PLUGIN_FAILURES as exc:
            if _builtin(item.plugin):
                raise
            errors.append(_error(item.plugin, f"modifier {item.name} raised", exc))
            continue
        problem = check_step(item.name, results, got)
        if problem is not None:
            if _builtin(item.plugin):
                raise AssertionError(problem)
            errors.append(tool_error("DSAUDIT-PLUGIN", "plugin", item.plugin, problem))
            continue
        results = got.results
        metadata.update(got.metadata)
        inputs.extend(dict(record) for record in got.inputs)
        notes.extend(got.warnings)
        waivers.extend(got.waivers)
    metadata["inputs"] = sorted(inputs, key=lambda d: (d["path"], d.get("kind", "")))
    return dataclasses.replace(
        audit,
        results=list(results),
        metadata=metadata,
        errors=errors,
        waivers=waivers,
        warnings=notes,
    )


LEGACY_WARNING = (
    "run_audit(modifiers=[callable, ...]) is deprecated: register a modifier through "
    "dsaudit_register_modifiers, or pass modifier names; the callable form stops working "
    "in dsaudit 0.3"
)


def legacy_modifier(name: str, modify: LegacyModifier, config: ProjectConfig) -> Prepared:
    """A 0.1 in-place modifier run as a step, on a copy of the audit (deprecated, one release)."""

    def step(results: Sequence[Result], ctx: ModifyContext) -> Modified:
        scratch = AuditResult(
            results=[copy.copy(r) for r in results],
            rules=dict(ctx.rules),
            metadata={},
        )
        modify(scratch, config)
        inputs = tuple(scratch.metadata.pop("inputs", ()))
        return Modified(
            scratch.results,
            warnings=tuple(scratch.warnings),
            metadata=scratch.metadata,
            inputs=inputs,
            waivers=tuple(scratch.waivers),
        )

    return Prepared(name, "caller", step)


def _builtin(plugin: str) -> bool:
    return plugin == "dsaudit.modifiers.plugin"


def _error(plugin: str, what: str, exc: BaseException) -> Result:
    return tool_error("DSAUDIT-PLUGIN", "plugin", plugin, f"{what}: {type(exc).__name__}: {exc}")


def default_modifiers(*, with_baseline: bool = True) -> list[str]:
    """The built-in modifiers' names, in order (0.1 API: pass them as ``run_audit(modifiers=)``)."""
    names = ["suppressions", "waivers"]
    return [*names, "baseline"] if with_baseline else names


__all__ = [
    "LegacyModifier",
    "Prepared",
    "apply_modifiers",
    "default_modifiers",
    "legacy_modifier",
    "prepare_modifiers",
]
