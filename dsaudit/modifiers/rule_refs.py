"""Rule ids named by the project config, the waivers file and the baseline must exist.

A waiver for ``CSL-LOG-RETENTIONN`` used to warn "was not run" and never apply; a misspelt
``disable:`` entry silently disabled nothing. Every id these files name is checked against the
rules of the packs loaded for the run and, when the run loads only some packs, against every
shipped and plugin-provided pack: an id no pack defines is a :class:`ConfigError` (exit 2)
naming file, line and the closest known id. An id of a known pack that this run does not load
stays legal (the waiver is reported stale, as before). Every unknown id is reported at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dsaudit.core.errors import ConfigError
from dsaudit.modifiers.baseline import load_baseline
from dsaudit.modifiers.waivers import display_path, load_waivers
from dsaudit.project.config import ProjectConfig

TOOL_PREFIX = "DSAUDIT-"
"""Ids of tool errors (``DSAUDIT-PARSE``): not rules, but a waiver may name them."""


@dataclass(frozen=True, slots=True)
class RuleRef:
    """One rule id named by a file, and where."""

    rule_id: str
    where: str
    """``file:line`` (or ``file``)."""
    what: str
    """Which setting names it: ``disable``, ``rules``, ``only``, ``waiver W-1``, ``baseline``."""


def config_refs(config: ProjectConfig) -> list[RuleRef]:
    """The rule ids of ``rules:``, ``disable:`` and ``only:`` in the config file."""
    if config.config_file is None:
        return []
    shown = display_path(config.config_file, config.root)
    raw = config.raw or {}

    def where(*path: str | int) -> str:
        lines = config.config_lines
        line = lines.line_of(path) if lines is not None else None
        return f"{shown}:{line}" if line else shown

    refs = [RuleRef(str(rid), where("rules", str(rid)), "rules") for rid in raw.get("rules") or {}]
    for key in ("disable", "only"):
        for index, rid in enumerate(raw.get(key) or ()):
            refs.append(RuleRef(str(rid), where(key, index), key))
    return refs


def waiver_refs(config: ProjectConfig) -> list[RuleRef]:
    """The rule of every waiver in the waivers file."""
    if config.waivers is None or not config.waivers.is_file():
        return []

    shown = display_path(config.waivers, config.root)
    return [
        RuleRef(w.rule, w.source, f"waiver {w.id}")
        for w in load_waivers(config.waivers, shown, config.limits)
    ]


def baseline_refs(config: ProjectConfig) -> list[RuleRef]:
    """The rule of every baseline entry."""
    if config.baseline is None or not config.baseline.is_file():
        return []
    shown = display_path(config.baseline, config.root)
    baseline = load_baseline(config.baseline, shown, config.limits)
    return [RuleRef(str(e["rule_id"]), shown, "baseline entry") for e in baseline.entries.values()]


def check_rule_refs(
    refs: Iterable[RuleRef], loaded: set[str], catalog: Callable[[], set[str]]
) -> None:
    """Raise one ConfigError listing every id that no pack defines.

    ``loaded`` holds the ids of the packs this run loaded; ``catalog`` (called only when some id
    is not among them) gives every id of every available pack.
    """
    missing = [r for r in refs if r.rule_id not in loaded and not r.rule_id.startswith(TOOL_PREFIX)]
    if not missing:
        return
    known = loaded | catalog()
    unknown = sorted((r for r in missing if r.rule_id not in known), key=lambda r: r.where)
    if not unknown:
        return
    choices = sorted(known)
    lines = []
    for ref in unknown:
        close = difflib.get_close_matches(ref.rule_id, choices, n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        lines.append(f"{ref.where}: {ref.what} names unknown rule {ref.rule_id!r}{hint}")
    head = (
        lines[0] if len(lines) == 1 else f"{len(lines)} unknown rule ids:\n  " + "\n  ".join(lines)
    )
    raise ConfigError(head + "; 'dsaudit rules list' shows the ids")
