"""Reading a register or Fides data map among the inventory files (docs/inventory.md,
"Importing registers and Fides data maps"): the file is read once, converted, and handed to the
loader as one :class:`~dsaudit.sources.imported.ImportedDocument`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dsaudit.core.errors import DsauditError, LimitError, SourceError
from dsaudit.core.limits import Limits
from dsaudit.core.models import LineLocator, PathKey
from dsaudit.documents.base import ParsedDocument
from dsaudit.documents.parsecache import ParseCache
from dsaudit.documents.safe_read import read_guarded
from dsaudit.documents.structured import parse_structured
from dsaudit.sources.fides import convert_fides
from dsaudit.sources.imported import PlaceLocator
from dsaudit.sources.register import read_register
from dsaudit.sources.register_layout import MissingExtra

Outcome = tuple[
    str, str, list[ParsedDocument], tuple[str, str | None, int | None] | None, str | None
]
"""The loader's ``FileOutcome``: ``(display, format, documents, problem, sha256)``."""


def read_import(
    path: Path, display: str, kind: str, limits: Limits, cache: ParseCache | None
) -> Outcome:
    """A register or Fides data map, converted into one inventory document (the conversion's
    problems travel with it, see :class:`~dsaudit.sources.imported.ImportedDocument`)."""
    try:
        read = read_guarded(path, display, limits.max_file_bytes)
    except LimitError as exc:
        return display, kind, [], (exc.message, display, None), None
    except SourceError as exc:
        return (
            display,
            kind,
            [],
            (f"cannot read inventory file: {exc.message}", display, None),
            None,
        )
    if kind == "register":
        try:
            document = read_register(display, read.content, xlsx=path.suffix.lower() == ".xlsx")
        except MissingExtra as exc:
            return display, kind, [], (str(exc), display, None), read.sha256
        return display, kind, [document], None, read.sha256
    try:
        parsed = parse_structured(display, read.content, "yaml", limits, cache)
    except DsauditError as exc:
        return display, kind, [], (exc.message, exc.file or display, exc.line), read.sha256
    sources = [(display, doc.data, doc.locator) for doc in parsed]
    return display, kind, [convert_fides(sources)], None, read.sha256


def placed(locator: LineLocator | None, path: Sequence[PathKey], message: str) -> str:
    """``message``, led by the sheet, row and column it concerns when the record came from a
    register (a :class:`~dsaudit.sources.imported.PlaceLocator` knows them)."""
    if isinstance(locator, PlaceLocator):
        where = locator.describe(path)
        if where:
            return f"{where}: {message}"
    return message
