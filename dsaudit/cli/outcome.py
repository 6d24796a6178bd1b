"""Exit codes: the CI contract (docs/ci.md).

- 0 ``OK``: complete; nothing fails at or above the threshold (after waivers and baseline).
- 1 ``FINDINGS``: complete; at least one result fails at or above the threshold.
- 2 ``INCOMPLETE``: could not be done as asked, or error results (2 wins over 1).
- 3 ``INTERNAL``: a bug in dsaudit.
- 130 ``INTERRUPTED``: stopped by SIGINT/SIGTERM; no partial report is left behind.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from dsaudit.core.models import AuditResult, Result, Severity, Status

SEVERITIES = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)


class ExitCode(enum.IntEnum):
    OK = 0
    FINDINGS = 1
    INCOMPLETE = 2
    INTERNAL = 3
    INTERRUPTED = 130
    CLOSED_PIPE = 141


def counts_toward_exit(result: Result, fail_on: str) -> bool:
    """A failing, non-baselined result at or above the threshold."""
    if result.status is not Status.FAIL or result.baselined or fail_on == "never":
        return False
    return result.severity.rank >= Severity(fail_on).rank


def exit_code(
    audit: AuditResult,
    fail_on: str,
    fail_on_error: bool = True,
    thresholds: Mapping[str, Any] | None = None,
) -> ExitCode:
    """The exit code for a completed audit; broken ``thresholds`` (:func:`threshold_breaches`)
    make it 1 like a failure at or above ``fail_on`` (they can only make the gate stricter)."""
    if fail_on_error and any(r.status is Status.ERROR for r in audit.all_results()):
        return ExitCode.INCOMPLETE
    if any(counts_toward_exit(r, fail_on) for r in audit.results):
        return ExitCode.FINDINGS
    if thresholds and threshold_breaches(audit, thresholds):
        return ExitCode.FINDINGS
    return ExitCode.OK


def threshold_breaches(audit: AuditResult, thresholds: Mapping[str, Any]) -> list[str]:
    """Every limit of ``thresholds`` the audit breaks, as one sentence each.

    ``max_failures``: failing results that are not baselined (waived and suppressed ones are not
    failing), per severity and in ``total``. ``min_score``: the severity-weighted score of a law
    (docs/reports.md); a law with no score (nothing passed or failed) breaks nothing.
    """
    from dsaudit.reports.summary import summarize

    failing = [r for r in audit.results if r.status is Status.FAIL and not r.baselined]
    out: list[str] = []
    limits = thresholds.get("max_failures") or {}
    for key in (*(str(s) for s in SEVERITIES), "total"):
        if key not in limits:
            continue
        found = len(failing) if key == "total" else sum(str(r.severity) == key for r in failing)
        if found > int(limits[key]):
            what = "failing results" if key == "total" else f"{key} failing results"
            out.append(f"{found} {what}, more than max_failures.{key}: {limits[key]}")
    minimum = thresholds.get("min_score") or {}
    if minimum:
        scores = {law.law: law.score for law in summarize(audit).laws}
        for law, lowest in sorted(minimum.items()):
            score = scores.get(law)
            if score is not None and score < float(lowest):
                out.append(f"{law} scores {score:.2%}, below min_score.{law}: {float(lowest):.2%}")
    return out
