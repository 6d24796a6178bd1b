"""What the importers of registers and Fides data maps share (docs/inventory.md, "Importing
registers and Fides data maps").

An importer turns a file that is not in the inventory format (a CSV or XLSX register, a Fides
data map) into one inventory document (a mapping with ``version: 1``) plus the problems it found
on the way, each naming the file and the place (sheet, row and column of a register; line of a
Fides file). A row or collection with a problem is left out of the document, as the loader
leaves out a record with a problem; everything else is converted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from dsaudit.core.models import PathKey
from dsaudit.documents.base import ParsedDocument

REGISTER_SUFFIXES = (".csv", ".xlsx")
FIDES_SUFFIXES = (".fides.yaml", ".fides.yml")


def import_kind(path: PurePath) -> str | None:
    """``register``, ``fides`` or None (an inventory file), decided by the file name."""
    name = path.name.lower()
    if name.endswith(FIDES_SUFFIXES):
        return "fides"
    if name.endswith(REGISTER_SUFFIXES):
        return "register"
    return None


@dataclass(frozen=True, slots=True)
class Place:
    """Where a converted value came from."""

    line: int | None
    """The line (CSV, YAML) or row (XLSX) of the value."""
    text: str = ""
    """``sheet 'Register', row 5, column D (数据类别)`` for a register; empty for YAML."""


class PlaceLocator:
    """Line locator of a converted document: path in the document -> :class:`Place` of the
    cell or YAML node it came from (the nearest ancestor that has one)."""

    def __init__(self) -> None:
        self.places: dict[tuple[PathKey, ...], Place] = {}

    def set(self, path: Sequence[PathKey], place: Place) -> None:
        self.places[tuple(path)] = place

    def place_of(self, path: Sequence[PathKey]) -> Place | None:
        full = tuple(path)
        while True:
            found = self.places.get(full)
            if found is not None or not full:
                return found
            full = full[:-1]

    def line_of(self, path: Sequence[PathKey]) -> int | None:
        found = self.places.get(tuple(path))
        return found.line if found is not None else None

    def describe(self, path: Sequence[PathKey]) -> str:
        """The place as text for a message (empty when lines say it all)."""
        found = self.place_of(path)
        return found.text if found is not None else ""


@dataclass(slots=True)
class Problem:
    """One problem of an import: ``file:line: where: message``."""

    message: str
    file: str
    line: int | None = None
    whole: bool = False
    """The whole file (or sheet) could not be read: references to it would mislead."""


@dataclass(slots=True)
class ImportedDocument(ParsedDocument):
    """An inventory document converted from a register or Fides data map, with the problems the
    conversion found (the rows or collections concerned are not in ``data``)."""

    problems: list[Problem] = field(default_factory=list)
    kind: str = ""
    """``register`` or ``fides``."""


def empty_document() -> dict[str, Any]:
    return {"version": 1}
