"""Post-evaluation steps that change results: inline suppressions, waivers, baseline.

Each modifier is ``modify(audit, config) -> None`` and edits the audit in place. They run in
the order of :func:`default_modifiers`, before plugins' ``dsaudit_modify_results``.
"""

from __future__ import annotations

from collections.abc import Callable

from dsaudit.config import ProjectConfig
from dsaudit.models import AuditResult

Modifier = Callable[[AuditResult, ProjectConfig], None]


def default_modifiers() -> list[Modifier]:
    """The built-in modifiers, in order."""
    return []
