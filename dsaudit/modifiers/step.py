"""The contract of a result modifier: results in, new results out.

A modifier (inline suppressions, waivers, the baseline, or a plugin's own) is registered through
``dsaudit_register_modifiers`` and has two phases:

``prepare(config)``
    Called once, right after the plugins are loaded and before any pack or file is read. It
    reads and checks whatever the step needs (a waivers file, a baseline) and raises
    :class:`~dsaudit.core.errors.ConfigError` naming file and line when that is broken, so a bad
    input stops the run before an audit is spent on it. It returns the :class:`Step` to run
    later, or None when the step has nothing to do in this run.

``step(results, ctx)``
    Called once with the results of the evaluation (and of the modifiers before it). It returns
    a :class:`Modified`: a new sequence of results, one per input result and in the same order
    (unchanged results may be the same objects; changed ones are new, made with
    :func:`dataclasses.replace`), and what the step adds to the audit (warnings, metadata,
    inputs read, waivers in force). A step never edits the results or the audit it is given.

What a step may change is limited on purpose, because a report handed to a regulator and a CI
gate rely on it: a result keeps its rule, resource, fingerprint and severity; only a failing
result may become ``suppressed`` or ``waived`` or be marked ``baselined``; its message, waiver
record, suppression reason and detail may change. :func:`check_step` enforces this; a step that
breaks it is discarded and reported as an error result naming its plugin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dsaudit.core.models import Result, Status
from dsaudit.plugin.protocols import Modifier, Step

if TYPE_CHECKING:
    from dsaudit.core.models import Rule
    from dsaudit.project.config import ProjectConfig

SUPPRESS_ORDER = 100
WAIVE_ORDER = 200
BASELINE_ORDER = 300
DEFAULT_ORDER = 500
"""Modifiers run by ``order``, then by name: the built-ins at 100, 200 and 300; a plugin's at 500
unless it says otherwise (between 200 and 300 to act before the baseline)."""


@dataclass(frozen=True, slots=True)
class ModifyContext:
    """What a step may read besides the results."""

    config: ProjectConfig
    rules: Mapping[str, Rule]
    """The rules that ran, by id."""
    as_of: dt.date


@dataclass(frozen=True, slots=True)
class Modified:
    """What one step gives back."""

    results: Sequence[Result]
    warnings: tuple[str, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    """Top-level keys this step sets in the audit metadata (``baseline``, ...)."""
    inputs: tuple[Mapping[str, Any], ...] = ()
    """``{path, sha256, kind}`` of each file the step read (report metadata ``inputs``)."""
    waivers: tuple[Mapping[str, Any], ...] = ()
    """Records of risk acceptances in force that reports list."""


_MAY_BECOME = {
    Status.FAIL: frozenset({Status.FAIL, Status.SUPPRESSED, Status.WAIVED}),
}


def check_step(name: str, before: Sequence[Result], after: Any) -> str | None:
    """Why the output of step ``name`` is not acceptable, or None when it is."""
    if not isinstance(after, Modified):
        return f"modifier {name} returned {type(after).__name__}, expected Modified"
    results = after.results
    if len(results) != len(before):
        return (
            f"modifier {name} returned {len(results)} results for {len(before)}; a modifier "
            "changes results, it does not add or drop them"
        )
    for old, new in zip(before, results, strict=True):
        if new is old:
            continue
        if not isinstance(new, Result):
            return f"modifier {name} returned a {type(new).__name__} where a Result was"
        if (new.rule_id, new.resource_kind, new.resource_id, new.fingerprint_basis) != (
            old.rule_id,
            old.resource_kind,
            old.resource_id,
            old.fingerprint_basis,
        ) or (new.severity is not old.severity):
            return (
                f"modifier {name} changed the rule, resource, fingerprint or severity of a "
                f"{old.rule_id} result on {old.resource_kind} {old.resource_id}"
            )
        allowed = _MAY_BECOME.get(old.status, frozenset({old.status}))
        if new.status not in allowed:
            return (
                f"modifier {name} changed a {old.rule_id} result from {old.status.value} to "
                f"{new.status.value}; only a failing result may become suppressed or waived"
            )
        if new.baselined and not old.baselined and new.status is not Status.FAIL:
            return f"modifier {name} marked a {new.status.value} result as baselined"
    for key in after.metadata:
        if key in PROTECTED_METADATA:
            return f"modifier {name} may not set the audit metadata key {key!r}"
    return None


__all__ = ["Modified", "Modifier", "ModifyContext", "Step", "check_step"]

PROTECTED_METADATA = frozenset(
    {"tool", "started_at", "finished_at", "as_of", "packs", "inputs", "counts", "exit_code"}
)
"""Metadata a step cannot overwrite (inputs are added through ``Modified.inputs``)."""
