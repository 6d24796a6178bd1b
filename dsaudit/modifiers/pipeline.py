"""Post-evaluation steps that change results: inline suppressions, waivers, baseline.

Each modifier is ``modify(audit, config) -> None`` and edits the audit in place. They run in
the order of :func:`default_modifiers`, before plugins' ``dsaudit_modify_results``:

1. inline suppressions (:mod:`dsaudit.modifiers.suppressions`): failing results silenced by a
   ``# dsaudit:ignore RULE-ID reason`` comment become ``suppressed``;
2. waivers (:mod:`dsaudit.modifiers.waivers`): failing results covered by a waiver in force become
   ``waived``;
3. baseline (:mod:`~dsaudit.modifiers.baseline`): failing results already known are marked
   ``baselined`` (they stay ``fail`` but do not count toward the exit code).
"""

from __future__ import annotations

from collections.abc import Callable

from dsaudit.core.models import AuditResult
from dsaudit.modifiers import baseline, suppressions, waivers
from dsaudit.project.config import ProjectConfig

Modifier = Callable[[AuditResult, ProjectConfig], None]


def default_modifiers(*, with_baseline: bool = True) -> list[Modifier]:
    """The built-in modifiers, in order (``dsaudit baseline create`` leaves the baseline out)."""
    steps: list[Modifier] = [suppressions.modify, waivers.modify]
    if with_baseline:
        steps.append(baseline.modify)
    return steps
