"""The ``dsaudit`` command line: thin click commands that parse options, call the stages and
choose the exit code (the CI contract in docs/ci.md).
"""

from __future__ import annotations


def __getattr__(name: str) -> object:
    # dsaudit.cli was a module before 0.2: its names are forwarded with a warning.
    from dsaudit._moved import forward

    return forward(__name__, "dsaudit.cli", "dsaudit.cli.app", name)
