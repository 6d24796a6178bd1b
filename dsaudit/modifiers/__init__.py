"""Steps that run after evaluation: inline suppressions, waivers and the baseline.
Each takes results and returns new results; none rewrites what it was given.
"""

from __future__ import annotations


def __getattr__(name: str) -> object:
    # dsaudit.modifiers was a module before 0.2: its names are forwarded with a warning.
    from dsaudit._moved import forward

    return forward(__name__, "dsaudit.modifiers", "dsaudit.modifiers.pipeline", name)
