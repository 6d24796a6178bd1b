"""Worker processes for --jobs: order, errors and the fallback to this process."""

from __future__ import annotations

import os

import pytest

from dsaudit.core.workers import default_jobs, ordered_map


def _square_with_pid(n: int, offset: int) -> tuple[int, int]:
    return n * n + offset, os.getpid()


def _explode(n: int) -> int:
    if n == 3:
        raise ValueError(f"bad item {n}")
    return n


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_results_come_back_in_item_order(jobs: int) -> None:
    items = list(range(40))
    out = list(ordered_map(_square_with_pid, items, jobs, 1))
    assert [value for value, _ in out] == [n * n + 1 for n in items]
    pids = {pid for _, pid in out}
    if jobs == 1:
        assert pids == {os.getpid()}
    else:
        assert os.getpid() not in pids  # the work ran in forked workers


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_worker_exception_is_raised_here(jobs: int) -> None:
    with pytest.raises(ValueError, match="bad item 3"):
        list(ordered_map(_explode, list(range(6)), jobs))


def test_a_single_item_runs_here() -> None:
    ((_, pid),) = ordered_map(_square_with_pid, [2], 4, 0)
    assert pid == os.getpid()


def test_default_jobs_is_the_usable_cpus() -> None:
    assert default_jobs() == len(os.sched_getaffinity(0))
