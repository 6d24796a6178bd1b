"""Deterministic ordering of results, shared by every reporter.

Results are sorted by severity (worst first), rule id, resource kind, resource id, file and line;
status, pointer, fingerprint and message break the remaining ties so that any permutation of
the same results renders byte-identically.
"""

from __future__ import annotations

from collections.abc import Iterable

from dsaudit.core.models import Result, Severity, Status

STATUS_ORDER: tuple[Status, ...] = (
    Status.FAIL,
    Status.ERROR,
    Status.MANUAL,
    Status.WAIVED,
    Status.SUPPRESSED,
    Status.PASS,
    Status.NOT_APPLICABLE,
)
"""Statuses from most to least in need of attention (used for tables and tie-breaks)."""

SEVERITY_ORDER: tuple[Severity, ...] = tuple(sorted(Severity, key=lambda s: -s.rank))
"""Severities from worst (critical) to least (info)."""

_STATUS_RANK = {status: index for index, status in enumerate(STATUS_ORDER)}


def result_sort_key(result: Result) -> tuple[object, ...]:
    """The sort key of one result (see the module docstring)."""
    location = result.location
    return (
        -Severity(result.severity).rank,
        result.rule_id,
        result.resource_kind,
        result.resource_id,
        location.file or "",
        location.line or 0,
        _STATUS_RANK.get(Status(result.status), len(_STATUS_RANK)),
        location.pointer or "",
        result.fingerprint,
        result.message,
    )


def sort_results(results: Iterable[Result]) -> list[Result]:
    """Return the results in report order."""
    return sorted(results, key=result_sort_key)
