"""Counts every report shows: by status, by severity, by law and by article, and the posture.

A law's compliance **score** is severity-weighted: ``Σ w·passed / Σ w·(passed + failed)`` over
the results citing it, with weights critical 20, high 10, medium 4, low 2, info 1 (:data:`WEIGHTS`),
so 664 critical failures cannot hide behind thousands of low passes. The unweighted
``passed / (passed + failed)`` is kept as the **pass rate**, and every report shows the failing
critical and high counts beside the score. Waived, suppressed, manual, error and not-applicable
results count in neither term. A pass of a rule
run with a parameter looser than the law (:attr:`Result.assured` false) is **not** a pass: it
is counted as ``not_assured`` instead, in the totals, per law and per article, and is in
neither term of the score. An article is ``fail`` when any result citing it fails, else
``error``, ``waived`` (waived or suppressed), ``not_assured``, ``pass``, or ``untested`` when
no result says anything about it (no rule ran, or every result was not applicable or manual).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from dsaudit.core.models import AuditResult, Result, Severity, Status
from dsaudit.reports.ordering import SEVERITY_ORDER, STATUS_ORDER

UNKNOWN_LAW = "-"
WEIGHTS: dict[str, int] = {"critical": 20, "high": 10, "medium": 4, "low": 2, "info": 1}
"""Weight of a result in its law's score, by the rule's severity (docs/reports.md)."""
NOT_ASSURED_KEY = NOT_ASSURED = "not_assured"
"""The count key of passes that are not assured (a loosened parameter)."""


def count_key(result: Result) -> str:
    """The status a result is counted under: its status, or ``not_assured`` for a pass of a
    rule that ran with a parameter looser than the law."""
    if result.status == Status.PASS and not result.assured:
        return NOT_ASSURED
    return str(result.status)


@dataclass(slots=True)
class LawSummary:
    """Counts of the results citing one law."""

    law: str
    counts: Counter[str] = field(default_factory=Counter)
    failing: Counter[str] = field(default_factory=Counter)
    """Failing results by severity."""
    weighted_passed: int = 0
    weighted_tested: int = 0

    @property
    def passed(self) -> int:
        return self.counts[Status.PASS]

    @property
    def failed(self) -> int:
        return self.counts[Status.FAIL]

    def add(self, key: str, severity: str, count: int = 1) -> None:
        """Count ``count`` results of ``severity`` under ``key`` (a :func:`count_key`)."""
        self.counts[key] += count
        weight = WEIGHTS.get(severity, 0) * count
        if key == Status.PASS:
            self.weighted_passed += weight
            self.weighted_tested += weight
        elif key == Status.FAIL:
            self.weighted_tested += weight
            self.failing[severity] += count

    @property
    def score(self) -> float | None:
        """The severity-weighted score, or None when no weighted result passed or failed."""
        if not self.weighted_tested:
            return None
        return round(self.weighted_passed / self.weighted_tested, 4)

    @property
    def pass_rate(self) -> float | None:
        """passed / (passed + failed), unweighted, or None when neither happened."""
        tested = self.passed + self.failed
        return round(self.passed / tested, 4) if tested else None


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One row of the per-article table."""

    law: str
    article: str
    title: str | None
    former_article: str | None
    state: str
    """``fail``, ``error``, ``waived``, ``not_assured``, ``pass`` or ``untested``."""
    counts: dict[str, int]
    rule_ids: tuple[str, ...]


@dataclass(slots=True)
class Summary:
    """Everything counted once, for all reporters."""

    total: int
    """Every result evaluated: listed ones, passes only counted, not-applicable pairs."""
    by_status: dict[str, int]
    by_severity: dict[str, int]
    """Failing results only."""
    laws: list[LawSummary]
    articles: list[ArticleRow]
    posture: str
    """``incomplete`` (some result is an error), else ``non-compliant`` (something fails), else
    ``not-assured`` (some pass is not assured), else ``untested`` (no result passed or failed:
    nothing was checked), else ``compliant``."""
    not_assured: int = 0
    """Passes of rules run with a parameter looser than the law (not in ``by_status["pass"]``)."""
    listed: int = 0
    """Results the report lists one by one (``total`` counts the rest too)."""

    def as_json(self) -> dict[str, Any]:
        """The ``summary`` object of the JSON report."""
        return {
            "total": self.total,
            "listed": self.listed,
            "by_status": dict(self.by_status),
            "by_severity": dict(self.by_severity),
            "by_law": {
                law.law: {
                    **{str(s): law.counts[s] for s in STATUS_ORDER},
                    NOT_ASSURED: law.counts[NOT_ASSURED],
                    "score": law.score,
                    "pass_rate": law.pass_rate,
                    "failing_critical": law.failing["critical"],
                    "failing_high": law.failing["high"],
                }
                for law in self.laws
            },
            "not_assured": self.not_assured,
            "posture": self.posture,
        }


def summarize(audit: AuditResult) -> Summary:
    """Count the results of ``audit``."""
    everything = audit.all_results()
    by_status = Counter(count_key(r) for r in everything)
    # The engine counts not-applicable (rule, resource) pairs instead of storing a result each.
    counted = audit.metadata.get("not_applicable") or {}
    if isinstance(counted, dict):
        by_status[str(Status.NOT_APPLICABLE)] += sum(
            n for n in counted.values() if isinstance(n, int)
        )
    listed_later = audit.metadata.get("passed_not_listed") or {}
    if isinstance(listed_later, dict):
        for rule_id, count in listed_later.items():
            if isinstance(count, int):
                by_status[_counted_pass(audit, rule_id)] += count
    failing = [r for r in everything if r.status == Status.FAIL]
    by_severity = Counter(str(r.severity) for r in failing)
    laws: dict[str, LawSummary] = {}
    for result in audit.results:
        for law in _laws(result, audit):
            laws.setdefault(law, LawSummary(law)).add(count_key(result), str(result.severity))
    for rule in audit.rules.values():
        for ref in rule.refs:
            laws.setdefault(ref.law, LawSummary(ref.law))
    if isinstance(listed_later, dict):
        for rule_id, count in listed_later.items():
            listed_rule = audit.rules.get(rule_id)
            if listed_rule is not None and isinstance(count, int):
                for law in {ref.law for ref in listed_rule.refs}:
                    laws[law].add(_counted_pass(audit, rule_id), str(listed_rule.severity), count)
    posture = _posture(by_status)
    return Summary(
        total=sum(by_status[str(s)] for s in STATUS_ORDER) + by_status[NOT_ASSURED],
        listed=len(everything),
        by_status={str(s): by_status[s] for s in STATUS_ORDER},
        by_severity={str(s): by_severity[s] for s in SEVERITY_ORDER},
        laws=[laws[key] for key in sorted(laws)],
        articles=_articles(audit),
        posture=posture,
        not_assured=by_status[NOT_ASSURED],
    )


def not_assured_counts(audit: AuditResult) -> dict[str, tuple[int, int]]:
    """Per rule with a loosened parameter: (not-assured passes, its other results), counting
    passes that were counted but not listed."""
    out: dict[str, tuple[int, int]] = {}
    for rule_id, rule in audit.rules.items():
        if rule.loosened:
            out[rule_id] = (0, 0)
    for result in audit.results:
        if result.rule_id in out:
            passes, others = out[result.rule_id]
            is_pass = count_key(result) == NOT_ASSURED
            out[result.rule_id] = (passes + is_pass, others + (not is_pass))
    listed_later = audit.metadata.get("passed_not_listed") or {}
    if isinstance(listed_later, dict):
        for rule_id, count in listed_later.items():
            if rule_id in out and isinstance(count, int):
                passes, others = out[rule_id]
                out[rule_id] = (passes + count, others)
    return out


def _counted_pass(audit: AuditResult, rule_id: str) -> str:
    """Where a pass counted but not listed goes: ``pass``, or ``not_assured`` (loosened rule)."""
    rule = audit.rules.get(rule_id)
    return NOT_ASSURED if rule is not None and rule.loosened else str(Status.PASS)


def _posture(by_status: Counter[str]) -> str:
    if by_status[Status.ERROR]:
        return "incomplete"
    if by_status[Status.FAIL]:
        return "non-compliant"
    if by_status[NOT_ASSURED]:
        return "not-assured"
    if not by_status[Status.PASS]:
        return "untested"
    return "compliant"


def failing_at_or_above(results: list[Result], threshold: Severity | str | None) -> list[Result]:
    """Failing results at or above ``threshold`` (``never`` or None: none)."""
    if threshold is None or str(threshold) == "never":
        return []
    floor = Severity(str(threshold)).rank
    return [r for r in results if r.status == Status.FAIL and Severity(r.severity).rank >= floor]


def _laws(result: Result, audit: AuditResult) -> set[str]:
    rule = audit.rules.get(result.rule_id)
    return {ref.law for ref in rule.refs} if rule is not None else set()


def _articles(audit: AuditResult) -> list[ArticleRow]:
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    rule_ids: dict[tuple[str, str], set[str]] = defaultdict(set)
    titles: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    for rule in audit.rules.values():
        for ref in rule.refs:
            key = (ref.law, ref.article)
            rule_ids[key].add(rule.id)
            old = titles.get(key, (None, None))
            titles[key] = (old[0] or ref.title, old[1] or ref.former_article)
            counts.setdefault(key, Counter())  # rules but no results: "untested"
    for result in audit.results:
        cited = audit.rules.get(result.rule_id)
        if cited is None:
            continue
        for article in {(ref.law, ref.article) for ref in cited.refs}:
            counts[article][count_key(result)] += 1
    rows = []
    for key in sorted(counts, key=_article_sort_key):
        title, former = titles.get(key, (None, None))
        rows.append(
            ArticleRow(
                law=key[0],
                article=key[1],
                title=title,
                former_article=former,
                state=_article_state(counts[key]),
                counts={
                    **{str(s): counts[key][s] for s in STATUS_ORDER},
                    NOT_ASSURED: counts[key][NOT_ASSURED],
                },
                rule_ids=tuple(sorted(rule_ids[key])),
            )
        )
    return rows


def _article_state(counts: Counter[str]) -> str:
    if counts[Status.FAIL]:
        return "fail"
    if counts[Status.ERROR]:
        return "error"
    if counts[Status.WAIVED] or counts[Status.SUPPRESSED]:
        return "waived"
    if counts[NOT_ASSURED]:
        return NOT_ASSURED
    if counts[Status.PASS]:
        return "pass"
    return "untested"


def _article_sort_key(key: tuple[str, str]) -> tuple[str, int, str]:
    law, article = key
    number = re.match(r"\d+", article)
    return (law, int(number.group(0)) if number else 0, article)
