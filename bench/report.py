"""Read the figures a benchmark needs out of a dsaudit JSON report (docs/json-report.md).

Only a few fields are used (``results[].rule_id``, ``results[].status``, ``errors``,
``summary``), and a missing one gives zeros rather than a crash, so the harness keeps working
while the report format settles.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_CHECK_SUFFIX = re.compile(r"(K[1-5])\Z")


@dataclass(slots=True)
class ReportFigures:
    """Counts from one report."""

    results: int = 0
    errors: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    failing_by_rule: dict[str, int] = field(default_factory=dict)
    """Distinct failing resources per rule id."""


def read_report(path: Path) -> ReportFigures:
    """Count results, error results, statuses and failing resources per rule in ``path``."""
    doc: Any = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: expected a JSON object (a dsaudit report), got {type(doc)}")
    results = doc.get("results") or []
    errors = doc.get("errors") or []
    statuses = Counter(str(r.get("status")) for r in results + errors if isinstance(r, dict))
    failing: dict[str, set[str]] = {}
    for r in results:
        if isinstance(r, dict) and r.get("status") == "fail":
            resource = r.get("resource") or {}
            where = (r.get("location") or {}).get("file")
            key = f"{resource.get('kind')}/{resource.get('id')}@{where}"
            failing.setdefault(str(r.get("rule_id")), set()).add(key)
    return ReportFigures(
        results=len(results) + len(errors),
        errors=len(errors),
        by_status=dict(sorted(statuses.items())),
        failing_by_rule={rule: len(keys) for rule, keys in sorted(failing.items())},
    )


def k_counts(failing_by_rule: dict[str, int]) -> dict[str, int]:
    """Fold rule ids ending in K1..K5 (``BENCH-K1``, ``k8s.K1``, ...) into K1..K5 counts."""
    out = dict.fromkeys(("K1", "K2", "K3", "K4", "K5"), 0)
    for rule, count in failing_by_rule.items():
        match = _CHECK_SUFFIX.search(rule)
        if match:
            out[match.group(1)] += count
    return out
