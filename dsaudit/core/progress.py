"""Progress of a long audit, for a progress bar on a terminal.

The audit reports phases (``reading config files`` with the number of files, ``evaluating
rules`` with the number of shards, ...) to a :class:`Progress`; the command line shows them with
``rich.progress`` when standard error is a terminal and prints nothing otherwise. The default,
:data:`NO_PROGRESS`, ignores everything, so library callers and tests pay nothing.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """What the audit tells about its progress."""

    def phase(self, name: str, total: int | None = None) -> None:
        """A new phase starts; ``total`` steps when known (else indeterminate)."""

    def advance(self, steps: int = 1) -> None:
        """``steps`` more steps of the current phase are done."""


class NoProgress:
    """Ignores every report (the default)."""

    def phase(self, name: str, total: int | None = None) -> None:
        return None

    def advance(self, steps: int = 1) -> None:
        return None


NO_PROGRESS: Progress = NoProgress()
