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

    # SIGINT and SIGTERM are held while the workers are forked, so that a signal never lands
    # inside the fork handlers (logging's lock release, for one) of the parent or a child; a
    # held signal is delivered here, in the parent, once the workers exist. The workers ignore
    # SIGINT and take SIGTERM's default: an interruption is the parent's to handle, and the
    # parent ends the workers when it stops early.
    held = _hold_signals()
    try:
        try:
            context = multiprocessing.get_context("fork")
            pool = ProcessPoolExecutor(
                max_workers=min(jobs, len(items)), mp_context=context, initializer=_worker_start
            )
            futures = [pool.submit(fn, item, *args) for item in items]
        except (OSError, ValueError):  # no fork on this platform, or no processes left
            pool = None
    finally:
        _release_signals(held)
    if pool is None:
        for item in items:
            yield fn(item, *args)
        return
    finished = False
    try:
        for future in futures:
            yield future.result()
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            _stop(pool, futures)


def _hold_signals() -> set[int] | None:
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        return None
    return set(signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM}))


def _release_signals(previous: set[int] | None) -> None:
    import signal

    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _worker_start() -> None:
    """Initializer of each forked worker: SIGINT ignored, SIGTERM at its default, signals open."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def _stop(pool: Any, futures: list[Any]) -> None:
    """End a pool early (an interruption, an error, or a consumer that stopped reading)."""
    for future in futures:
        future.cancel()
    # The executor has no public way to end running work; its worker processes are public
    # multiprocessing.Process objects, kept in ``_processes`` since Python 3.2.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)
