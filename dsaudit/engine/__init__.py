"""The pure core: resources + compiled rules -> results, in one process or in workers (``--jobs``).
No I/O, no printing, no hook calls.
"""

from __future__ import annotations


def __getattr__(name: str) -> object:
    # dsaudit.engine was a module before 0.2: its names are forwarded with a warning.
    from dsaudit._moved import forward

    return forward(__name__, "dsaudit.engine", "dsaudit.engine.evaluation", name)
