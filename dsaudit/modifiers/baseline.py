"""Baselines: the failing findings known at one point, so that only new ones fail the run.

``dsaudit baseline create`` writes a versioned JSON file (``schemas/baseline.schema.json``)
listing every failing result by fingerprint, sorted, with rule, resource and location for the
humans who review it in a pull request. ``--baseline FILE`` marks matching failing results
``baselined``: they stay ``fail`` in every report but do not count toward the exit code.
Entries that no longer match any result are reported as fixed.

A fingerprint (:attr:`dsaudit.core.models.Result.fingerprint`) hashes rule, resource kind and id,
and the offending path and value; never the line, so moving or reformatting a block keeps it.

Version 2: every offending value is its own finding (two secrets in one file are
two entries). A version-1 file, written when a file with several secrets was one finding named
by its first, still loads: each of its entries matches the finding it recorded then (that first
value) and nothing else, so a value added since is new. ``dsaudit baseline upgrade`` rewrites it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dsaudit.__about__ import __version__
from dsaudit.core.limits import DEFAULT_LIMITS, Limits
from dsaudit.core.models import AuditResult, Result, Status
from dsaudit.modifiers.step import BASELINE_ORDER, Modified, ModifyContext, Step
from dsaudit.modifiers.waivers import display_path, input_record, read_document
from dsaudit.project.config import ProjectConfig

BASELINE_VERSION = 2
SCHEMA_ID = "https://dsaudit.dev/schemas/baseline-v2.json"
_MAY_MATCH = (Status.FAIL, Status.WAIVED, Status.SUPPRESSED)
"""Statuses a baselined finding can have now (only failing results are recorded)."""
MAX_LISTED = 10
"""How many fixed findings a warning names before it says "and N more"."""


@dataclass(frozen=True, slots=True)
class Baseline:
    """A loaded baseline: its entries by fingerprint."""

    path: str
    entries: dict[str, dict[str, Any]]
    sha256: str = ""
    """SHA-256 of the file as it was read."""
    version: int = BASELINE_VERSION
    """The file's format version: a version-1 entry may also match a result's
    :attr:`~dsaudit.core.models.Result.legacy_fingerprint`."""


def entry_of(result: Result, fingerprint: str | None = None) -> dict[str, Any]:
    """The baseline entry for one failing result."""
    return {
        "fingerprint": fingerprint or result.fingerprint,
        "rule_id": result.rule_id,
        "severity": str(result.severity),
        "resource_kind": result.resource_kind,
        "resource_id": result.resource_id,
        "location": str(result.location) if result.location.file else None,
    }


def baseline_document(audit: AuditResult, *, only_baselined: bool = False) -> dict[str, Any]:
    """The baseline of ``audit``: every failing result, one entry per fingerprint, sorted.

    With ``only_baselined``, only the failing results an older baseline matched (its upgrade:
    the findings it knew, under today's fingerprints, and no new one)."""
    entries: dict[str, dict[str, Any]] = {}
    for result in audit.results:
        if result.status is Status.FAIL and (result.baselined or not only_baselined):
            fingerprint = result.fingerprint
            if fingerprint not in entries:
                entries[fingerprint] = entry_of(result, fingerprint)
    findings = sorted(
        entries.values(),
        key=lambda e: (e["rule_id"], e["resource_kind"], e["resource_id"], e["fingerprint"]),
    )
    return {
        "$schema": SCHEMA_ID,
        "version": BASELINE_VERSION,
        "tool": {"name": "dsaudit", "version": __version__},
        "created_at": audit.metadata.get("started_at"),
        "as_of": audit.metadata.get("as_of"),
        "findings": findings,
    }


def dump_baseline(document: dict[str, Any]) -> str:
    """The baseline as text: indented, keys in a fixed order, one finding per block."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def load_baseline(
    path: Path, display: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Baseline:
    """Read and validate a baseline file; raise ConfigError naming file and line."""
    shown = display or path.as_posix()
    data, _, sha256 = read_document(path, shown, "json", "baseline.schema.json", limits)
    findings = (data or {}).get("findings", [])
    version = int((data or {}).get("version", BASELINE_VERSION))
    return Baseline(shown, {f["fingerprint"]: dict(f) for f in findings}, sha256, version)


def match_baseline(
    results: Sequence[Result], baseline: Baseline
) -> tuple[list[Result], dict[str, Any], list[dict[str, Any]]]:
    """New results with the failing ones found in ``baseline`` marked ``baselined``.

    Also returns the report's ``baseline`` metadata and the entries that no longer occur. An
    entry whose finding is now waived or suppressed is neither matched nor fixed.
    """
    seen: set[str] = set()
    matched = 0
    out = list(results)
    for index, result in enumerate(results):
        if result.status not in _MAY_MATCH:
            continue
        fingerprint = result.fingerprint
        if fingerprint not in baseline.entries:
            legacy = result.legacy_fingerprint if baseline.version < 2 else None
            if legacy is None or legacy not in baseline.entries:
                continue
            fingerprint = legacy
        seen.add(fingerprint)
        if result.status is Status.FAIL:
            out[index] = replace(result, baselined=True)
            matched += 1
    fixed = [e for fp, e in baseline.entries.items() if fp not in seen]
    fixed.sort(key=lambda e: (e["rule_id"], e["resource_kind"], e["resource_id"]))
    meta = {
        "path": baseline.path,
        "entries": len(baseline.entries),
        "matched": matched,
        "fixed": [e["fingerprint"] for e in fixed],
        "version": baseline.version,
    }
    return out, meta, fixed


def upgrade_warning(baseline: Baseline) -> str | None:
    """The warning for a baseline written in an older format, or None."""
    if baseline.version >= BASELINE_VERSION:
        return None
    return (
        f"{baseline.path}: baseline version {baseline.version}: it recorded one finding per file "
        "for secrets and lists; each entry still matches the value it recorded and any other "
        f"value is new. Run 'dsaudit baseline upgrade {baseline.path}' to rewrite it "
        f"(version {BASELINE_VERSION})"
    )


def fixed_warning(path: str, fixed: Iterable[dict[str, Any]]) -> str:
    """One line naming the baseline findings that no longer occur."""
    items = list(fixed)
    named = ", ".join(
        f"{e['rule_id']} on {e['resource_kind']} {e['resource_id']}" for e in items[:MAX_LISTED]
    )
    more = f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else ""
    return (
        f"{path}: {len(items)} baselined finding(s) no longer occur (fixed): {named}{more}; "
        "run 'dsaudit baseline create' to drop them"
    )


@dataclass(frozen=True, slots=True)
class BaselineModifier:
    """The built-in modifier for the baseline file (``--baseline`` or ``baseline:``)."""

    name: str = "baseline"
    order: int = BASELINE_ORDER

    def prepare(self, config: ProjectConfig) -> Step | None:
        if config.baseline is None:
            return None
        display = display_path(config.baseline, config.root)
        baseline = load_baseline(config.baseline, display, config.limits)
        record = input_record(display, "baseline", baseline.sha256)

        def step(results: Sequence[Result], ctx: ModifyContext) -> Modified:
            out, meta, fixed = match_baseline(results, baseline)
            notes = (
                upgrade_warning(baseline),
                fixed_warning(baseline.path, fixed) if fixed else None,
            )
            warnings = tuple(w for w in notes if w)
            return Modified(out, warnings=warnings, metadata={"baseline": meta}, inputs=(record,))

        return step
