"""The contract between config discovery and the parsers that read files.

A parser turns the bytes of one file into one or more :class:`ParsedDocument` objects. Each
document knows how to find the line of any value inside it, but only when asked: parsing stays
on the fast path (C loaders, ``json.loads``) and lines are resolved for the few results that
need them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Protocol

from dsaudit.core.limits import Limits
from dsaudit.core.models import LineLocator, PathKey


@dataclass(slots=True)
class ParsedDocument:
    """One document of a parsed file."""

    data: Any
    locator: LineLocator | None = None
    index: int = 0
    """Position of the document in a multi-document file (YAML ``---``)."""
    comments: dict[int, str] = field(default_factory=dict)
    """Deprecated since 0.2 and ignored: inline suppressions read ``# dsaudit:ignore`` from the
    file itself, for every parser alike. The field stays for one release so that plugin parsers
    that fill it keep working; it will be removed in the next."""


class Parser(Protocol):
    """A config-file parser plugin.

    ``name`` is unique (``yaml``, ``json``, ``sshd``, ...). ``claims`` decides by path alone
    whether the parser reads a file; the first claiming parser wins (plugins registered later
    are asked first, built-ins last). ``parse`` raises :class:`dsaudit.core.errors.ParseError` or
    :class:`dsaudit.core.errors.LimitError` with file and line on bad input.

    Optional attributes: ``cacheable = True`` lets ``--cache`` keep the parser's output keyed
    by the file's bytes (only for parsers whose output depends on nothing else, and whose
    documents hold plain data and dsaudit's locators); ``cache_version`` (a string) is part of
    the cache key, so a plugin bumps it when its output changes.
    """

    name: str

    def claims(self, path: PurePosixPath) -> bool: ...

    def parse(self, display_path: str, content: bytes, limits: Limits) -> list[ParsedDocument]: ...


class NoLines:
    """A locator for documents without line information."""

    def line_of(self, path: Sequence[PathKey]) -> int | None:
        return None
