"""Worker processes for ``--jobs``: map a function over work items in forked processes, in order.

Forked workers start with the parent's memory (packs, taxonomy, plugins), so only the items and
the results cross process boundaries. Results come back in the order of the items, so an audit
with ``--jobs 4`` is identical to one with ``--jobs 1``. Where ``fork`` is not available (or a
pool cannot start), the work runs in this process instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    """The CPUs this process may run on (``--jobs`` default)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def ordered_map(fn: Callable[..., R], items: Sequence[T], jobs: int, *args: Any) -> Iterator[R]:
    """``fn(item, *args)`` for each item, in order; with ``jobs > 1`` in forked processes.

    ``fn`` must be a module-level function; items, ``args`` and results must pickle. An
    exception raised by ``fn`` in a worker is raised here, as it would be with ``jobs == 1``.
    """
    if jobs <= 1 or len(items) < 2:
        for item in items:
            yield fn(item, *args)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        context = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(items)), mp_context=context)
    except (OSError, ValueError):  # no fork on this platform, or no processes left
        for item in items:
            yield fn(item, *args)
        return
    with pool:
        futures = [pool.submit(fn, item, *args) for item in items]
        try:
            for future in futures:
                yield future.result()
        finally:
            for future in futures:
                future.cancel()
