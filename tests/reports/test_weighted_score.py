"""The numbers on the first page are honest (issue 17, item 6): the score per law is weighted by
severity, the critical and high failures stand beside it, and the total counts every result
evaluated, also the passes that are only counted and the not-applicable pairs."""

from __future__ import annotations

import pytest

from dsaudit.core.models import AuditResult, LawRef, Result, Rule, Severity, Status
from dsaudit.reports.summary import WEIGHTS, summarize


def _rule(rule_id: str, severity: Severity) -> Rule:
    return Rule(id=rule_id, title=rule_id, severity=severity, kind="dataset", pack="p",
                refs=(LawRef("PIPL", "51"),), condition=lambda item, ctx: True, when=None,
                message="m", remediation="r")  # fmt: skip


def _results(rule: Rule, status: Status, count: int) -> list[Result]:
    return [Result(rule.id, status, rule.severity, "dataset", f"{rule.id}-{status}-{i}")
            for i in range(count)]  # fmt: skip


def _audit(counts: dict[Severity, tuple[int, int]], **metadata: object) -> AuditResult:
    rules = {f"R-{sev}": _rule(f"R-{sev}", sev) for sev in counts}
    results: list[Result] = []
    for sev, (passed, failed) in counts.items():
        rule = rules[f"R-{sev}"]
        results += _results(rule, Status.PASS, passed) + _results(rule, Status.FAIL, failed)
    return AuditResult(results=results, rules=rules, metadata=dict(metadata))


def test_criticals_cannot_hide_behind_many_low_passes() -> None:
    # the reported case: 664 critical and 3,483 high failures among ~200,000 low passes
    audit = _audit({Severity.CRITICAL: (0, 664), Severity.HIGH: (0, 3483),
                    Severity.LOW: (200_000, 0)})  # fmt: skip
    law = summarize(audit).laws[0]
    assert law.pass_rate == pytest.approx(0.9797, abs=1e-4)  # what the green bar used to show
    expected = 200_000 * 2 / (200_000 * 2 + 664 * 20 + 3483 * 10)
    assert law.score == pytest.approx(expected, abs=1e-4)
    assert law.score is not None and law.score < 0.90
    assert (law.failing["critical"], law.failing["high"]) == (664, 3483)


@pytest.mark.parametrize(
    ("counts", "score"),
    [
        ({Severity.CRITICAL: (1, 1)}, 0.5),
        ({Severity.CRITICAL: (0, 1), Severity.INFO: (20, 0)}, 0.5),  # 20 info = 1 critical
        ({Severity.HIGH: (1, 0), Severity.MEDIUM: (0, 5)}, 10 / 30),
        ({Severity.INFO: (0, 1)}, 0.0),  # an info failure still counts
        ({}, None),
    ],
)
def test_score_is_weighted_by_severity(
    counts: dict[Severity, tuple[int, int]], score: float | None
) -> None:
    laws = summarize(_audit(counts)).laws
    got = laws[0].score if laws else None
    assert got == (pytest.approx(score, abs=1e-4) if score is not None else None)


def test_weights_are_what_the_docs_say() -> None:
    assert WEIGHTS == {"critical": 20, "high": 10, "medium": 4, "low": 2, "info": 1}


def test_total_counts_every_evaluated_result() -> None:
    audit = _audit({Severity.HIGH: (3, 2)}, not_applicable={"R-high": 100},
                   passed_not_listed={"R-high": 5000})  # fmt: skip
    summary = summarize(audit)
    assert summary.listed == 5
    assert summary.total == 5 + 100 + 5000
    law = summary.laws[0]
    assert law.passed == 5003
    assert law.score == pytest.approx(5003 / 5005, abs=1e-4)
    document = summary.as_json()
    assert document["total"] == 5105 and document["listed"] == 5
    assert document["by_law"]["PIPL"]["failing_high"] == 2
    assert document["by_law"]["PIPL"]["pass_rate"] == pytest.approx(5003 / 5005, abs=1e-4)
