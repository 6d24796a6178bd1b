"""Rule evaluation in worker processes (``--jobs``), with results identical to one process.

:func:`~dsaudit.engine.evaluation.evaluate` visits resources kind by kind, in order. Here that
sequence is cut into contiguous shards of about equal work (a resource weighs as many rules as
apply to its kind); each forked worker evaluates one shard and sends back its results, and the
shards' results are joined in order, which is exactly the order one process produces. Workers read
the loaded resources from the memory they inherit at fork time; only results cross processes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from dsaudit.core.models import Resource, Rule
from dsaudit.core.progress import NO_PROGRESS, Progress
from dsaudit.core.workers import ordered_map
from dsaudit.engine.evaluation import Evaluation, Facts, evaluate

PARALLEL_MIN_WORK = 200_000
"""Below this many (resource, rule) pairs, evaluation stays in this process."""

_SHARED: list[Any] = []
"""``[rules, facts, keep_passes, shards]`` for forked workers: set just before the pool starts,
cleared after."""

Subjects = dict[str, list[Resource]]


def shards(rules: Sequence[Rule], facts: Facts, count: int) -> list[Subjects]:
    """Cut the evaluation sequence into at most ``count`` contiguous shards of similar work."""
    per_kind = Counter(rule.kind for rule in rules)
    kinds = list(dict.fromkeys(rule.kind for rule in rules))
    total = work(rules, facts)
    target = total / count if count else total
    out: list[Subjects] = [defaultdict(list)]
    done = 0.0
    for kind in kinds:
        weight = per_kind[kind]
        for res in facts.by_kind.get(kind, ()):
            if done >= target * len(out) and len(out) < count:
                out.append(defaultdict(list))
            out[-1][kind].append(res)
            done += weight
    return [dict(shard) for shard in out if shard]


def work(rules: Sequence[Rule], facts: Facts) -> int:
    """How many (resource, rule) pairs an evaluation visits."""
    per_kind = Counter(rule.kind for rule in rules)
    return sum(n * len(facts.by_kind.get(kind, ())) for kind, n in per_kind.items())


def _evaluate_shard(index: int) -> Evaluation:
    rules, facts, keep_passes, parts = _SHARED
    return evaluate(rules, facts, keep_passes=keep_passes, subjects=parts[index])


def evaluate_parallel(
    rules: Sequence[Rule],
    facts: Facts,
    *,
    keep_passes: bool,
    jobs: int,
    progress: Progress = NO_PROGRESS,
) -> Evaluation:
    """:func:`evaluate` over ``jobs`` forked workers (in this process when the work is small);
    ``progress`` hears of each shard done."""
    if jobs <= 1 or work(rules, facts) < PARALLEL_MIN_WORK:
        progress.phase(f"evaluating {len(rules)} rules")
        return evaluate(rules, facts, keep_passes=keep_passes)
    parts = shards(rules, facts, jobs)
    progress.phase(f"evaluating {len(rules)} rules in {len(parts)} shards", len(parts))
    facts.record_index().complete()  # built here once; every worker inherits the whole index
    _SHARED[:] = [rules, facts, keep_passes, parts]
    try:
        evaluations = []
        for evaluation in ordered_map(_evaluate_shard, range(len(parts)), jobs):
            evaluations.append(evaluation)
            progress.advance()
    finally:
        _SHARED.clear()
    return merge(evaluations)


def merge(evaluations: Sequence[Evaluation]) -> Evaluation:
    """The shards' evaluations joined in order."""
    results = [result for evaluation in evaluations for result in evaluation.results]
    not_applicable: Counter[str] = Counter()
    passed: Counter[str] = Counter()
    for evaluation in evaluations:
        not_applicable.update(evaluation.not_applicable)
        passed.update(evaluation.passed)
    return Evaluation(results, dict(not_applicable), dict(passed))
