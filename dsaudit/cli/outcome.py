"""Exit codes: the CI contract (docs/ci.md).

- 0 ``OK``: complete; nothing fails at or above the threshold (after waivers and baseline).
- 1 ``FINDINGS``: complete; at least one result fails at or above the threshold.
- 2 ``INCOMPLETE``: could not be done as asked, or error results (2 wins over 1).
- 3 ``INTERNAL``: a bug in dsaudit.
- 130 ``INTERRUPTED``: stopped by SIGINT/SIGTERM; no partial report is left behind.
"""

from __future__ import annotations

import enum

from dsaudit.core.models import AuditResult, Result, Severity, Status


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


def exit_code(audit: AuditResult, fail_on: str, fail_on_error: bool = True) -> ExitCode:
    """The exit code for a completed audit."""
    if fail_on_error and any(r.status is Status.ERROR for r in audit.all_results()):
        return ExitCode.INCOMPLETE
    if any(counts_toward_exit(r, fail_on) for r in audit.results):
        return ExitCode.FINDINGS
    return ExitCode.OK
