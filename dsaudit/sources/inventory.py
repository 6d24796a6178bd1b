"""Inventory documents -> resources.

An inventory (format v1, docs/inventory.md) describes the organization, its systems, datasets,
cross-border transfers, entrusted processors, incidents, assessments and evidence. It may be
split over several YAML or JSON files; :func:`load_inventory` parses them, validates each file
against ``dsaudit/schemas/inventory.schema.json``, checks what a schema cannot (unique ids across
files, taxonomy categories, references between records) and turns every record into a
:class:`~dsaudit.core.models.Resource`.

Every problem is collected, and all of them are raised together as one
:class:`~dsaudit.core.errors.InventoryError` whose ``errors`` attribute lists one
``InventoryError`` per problem, each naming file and line. With ``keep_valid=True`` (what an
audit uses) nothing is raised: a record that breaks the schema, names an unknown category or
fails a check of its facts is left out and its problem is returned in ``Inventory.problems``,
and every other record is kept, so one bad record does not silence every inventory rule.

Validation is two-speed: :func:`compile_fast_check` turns the same JSON Schema into plain
Python predicates that accept valid records quickly (jsonschema takes about a minute for 100,000
datasets); jsonschema runs only on what the fast check rejects, to produce the message. The fast
check is conservative: whatever it accepts, jsonschema accepts
(tests/sources/test_inventory.py checks both agree).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dsaudit.core.errors import DsauditError, InventoryError, LimitError, SourceError
from dsaudit.core.limits import Limits
from dsaudit.core.models import LineLocator, PathKey, Resource
from dsaudit.core.quoting import clip_text, quote_value
from dsaudit.core.taxonomy import Taxonomy
from dsaudit.core.workers import ordered_map
from dsaudit.documents.base import NoLines, ParsedDocument
from dsaudit.documents.parsecache import ParseCache
from dsaudit.documents.safe_read import read_guarded
from dsaudit.documents.schemacheck import compile_fast_check
from dsaudit.documents.schemacheck import normalise as _normalise
from dsaudit.documents.structured import parse_structured
from dsaudit.sources.import_read import placed as _placed
from dsaudit.sources.import_read import read_import
from dsaudit.sources.imported import ImportedDocument, import_kind
from dsaudit.sources.inventory_facts import fact_problems
from dsaudit.sources.inventory_problems import combined, dangling, line_at, record_of
from dsaudit.sources.inventory_schema import (
    KINDS,
    REFERENCES,
    SCHEMA_ID,
    SECTIONS,
    categories_of,
    inventory_schema,
    references_of,
    validator,
)

MAX_ERRORS = 100
"""Stop collecting after this many problems (a systematically broken file would flood)."""

_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


@dataclass(slots=True)
class Inventory:
    """The merged inventory."""

    organization: dict[str, Any]
    """The organization profile (empty when no file has one)."""
    resources: list[Resource]
    """Organization first, then records in file order."""
    files: list[str] = field(default_factory=list)
    """Display paths of the files read, in the order given."""
    problems: list[InventoryError] = field(default_factory=list)
    """With ``keep_valid``: every problem (the records concerned are not in ``resources``)."""
    truncated: int = 0
    """Problems beyond ``MAX_ERRORS`` that were counted but not kept."""

    def of_kind(self, kind: str) -> list[Resource]:
        """The resources of one kind, in load order."""
        return [res for res in self.resources if res.kind == kind]


FileOutcome = tuple[
    str, str, list[ParsedDocument], tuple[str, str | None, int | None] | None, str | None
]
"""``(display, format, documents, problem, sha256)``: what reading one inventory file gave
(``sha256`` is None when the file could not be read)."""


def read_inventory_file(
    path: Path, display: str, limits: Limits, cache: ParseCache | None
) -> FileOutcome:
    """Read and parse one inventory file; a problem is ``(message, file, line)``.

    The file is read once, through :func:`~.safe_read.read_guarded` (regular files only,
    size checked before reading, hashed while read)."""
    kind = import_kind(path)
    if kind is not None:
        return read_import(path, display, kind, limits, cache)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        got = path.suffix or "no extension"
        why = (
            f"not an inventory file: expected .yaml, .yml or .json, got {got} (a register "
            "is .csv or .xlsx, a Fides data map .fides.yaml)"
        )
        return display, "", [], (why, display, None), None
    try:
        read = read_guarded(path, display, limits.max_file_bytes)
    except LimitError as exc:
        return display, fmt, [], (exc.message, display, None), None
    except SourceError as exc:
        return display, fmt, [], (f"cannot read inventory file: {exc.message}", display, None), None
    try:
        documents = parse_structured(display, read.content, fmt, limits, cache)
    except DsauditError as exc:
        return display, fmt, [], (exc.message, exc.file or display, exc.line), read.sha256
    except (ValueError, TypeError) as exc:  # a parser error that is not a SourceError
        why = f"cannot parse the file: {clip_text(str(exc))}"
        return display, fmt, [], (why, display, None), read.sha256
    return display, fmt, documents, None, read.sha256


def _read_pair(item: tuple[Path, str], limits: Limits, cache: ParseCache | None) -> FileOutcome:
    return read_inventory_file(item[0], item[1], limits, cache)


class _Loader:
    """State of one :func:`load_inventory` call."""

    def __init__(self, root: Path, limits: Limits, taxonomy: Taxonomy) -> None:
        self.root = root
        self.limits = limits
        self.taxonomy = taxonomy
        self.problems: list[InventoryError] = []
        self.digests: dict[str, str] = {}
        """Display path -> SHA-256 of every file read, in load order."""
        self.truncated = 0
        self.incomplete = False
        """True when a file or document could not be loaded (references would mislead)."""
        self.organization: dict[str, Any] = {}
        self.org_resource: Resource | None = None
        self.resources: list[Resource] = []
        self.ids: dict[str, dict[str, Resource]] = {section: {} for section in SECTIONS}
        self.categories = frozenset(taxonomy.names())
        self.flagged: set[int] = set()
        """``id()`` of the resources a problem was found in (left out with ``keep_valid``)."""

    # -- problems -------------------------------------------------------------------
    def problem(self, message: str, file: str | None, line: int | None = None) -> None:
        if len(self.problems) >= MAX_ERRORS:
            self.truncated += 1
            return
        self.problems.append(InventoryError(message, file=file, line=line))

    def skip(self, message: str, file: str | None, line: int | None = None) -> None:
        """A problem that keeps a file or document out of the inventory."""
        self.incomplete = True
        self.problem(message, file, line)

    def at(self, res: Resource, path: Sequence[PathKey], message: str) -> None:
        self.flagged.add(id(res))
        full = (*res.base_path, *path)
        self.problem(_placed(res.locator, full, message), res.file, line_at(res.locator, full))

    # -- reading --------------------------------------------------------------------
    def display(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def add_file(self, outcome: FileOutcome) -> None:
        display, fmt, documents, problem, sha256 = outcome
        if sha256 is not None:
            self.digests[display] = sha256
        if problem is not None:
            self.skip(*problem)
            return
        if not documents:
            self.skip("empty inventory file; expected a mapping with version: 1", display)
        for document in documents:
            self.document(display, fmt, document)

    def document(self, display: str, fmt: str, document: ParsedDocument) -> None:
        locator = document.locator or NoLines()
        data = document.data
        if isinstance(document, ImportedDocument):
            for problem in document.problems:
                report = self.skip if problem.whole else self.problem
                report(problem.message, problem.file, problem.line)
        if data is None:
            self.skip("empty inventory document; expected a mapping with version: 1", display)
            return
        if not isinstance(data, dict):
            self.skip(
                f"an inventory document is a mapping with version: 1, not a {type(data).__name__}",
                display,
                line_at(locator, ()),
            )
            return
        check = validator()
        invalid: set[tuple[str, int]] = set()
        if not check.fast_document(data):  # also turns YAML dates into ISO strings
            found: list[tuple[tuple[PathKey, ...], str]] = []
            _normalise(data, found)
            if not found:
                found.extend(check.errors(data))
            records = [record_of(path, SECTIONS) for path, _ in found]
            if found and all(records):
                # Only some records are wrong: they are left out, the rest is loaded.
                for (path, message), record in zip(found, records, strict=True):
                    assert record is not None
                    invalid.add(record)
                    self.problem(_placed(locator, path, message), display, line_at(locator, path))
            else:
                for path, message in found:
                    self.skip(_placed(locator, path, message), display, line_at(locator, path))
                if found:
                    return
        meta = {"source": "inventory", "format": fmt, "document": document.index}
        if "organization" in data:
            self.add_organization(display, locator, data["organization"], meta)
        for section, kind in SECTIONS.items():
            for index, record in enumerate(data.get(section, ())):
                if (section, index) in invalid:
                    continue
                res = Resource(
                    kind=kind,
                    id=record["id"],
                    attributes=record,
                    file=display,
                    base_path=(section, index),
                    locator=locator,
                    meta=meta,
                )
                self.add_record(section, res)

    def add_organization(
        self, display: str, locator: LineLocator, org: dict[str, Any], meta: dict[str, Any]
    ) -> None:
        res = Resource(
            kind="organization",
            id=org["name"],
            attributes=org,
            file=display,
            base_path=("organization",),
            locator=locator,
            meta=meta,
        )
        if self.org_resource is not None:
            first = self.org_resource
            self.at(
                res,
                (),
                "organization is defined twice: here and at "
                f"{first.location()}; only one inventory file may contain it",
            )
            return
        org.setdefault("country", "CN")
        self.organization = org
        self.org_resource = res

    def add_record(self, section: str, res: Resource) -> None:
        seen = self.ids[section].get(res.id)
        if seen is not None:
            self.at(
                res,
                ("id",),
                f"duplicate {section} id {quote_value(res.id)}: "
                f"defined at {seen.location(('id',))} and at {res.location(('id',))}",
            )
            return
        self.ids[section][res.id] = res
        self.resources.append(res)
        known = self.categories
        if section == "datasets":  # the hot path: check before building paths
            fields = res.attributes.get("fields", ())
            if all(field["category"] in known for field in fields):
                return
        for path, value in categories_of(section, res.attributes):
            if value not in known:
                unknown = self.taxonomy.unknown_message(value)
                message = f"{section} {quote_value(res.id)}: {unknown}"
                self.at(res, path, message)

    # -- cross-record checks ------------------------------------------------------------
    def checkreferences_of(self) -> None:
        for section, references in REFERENCES.items():
            for key, targets in references:
                known: set[str] = set()
                for target in targets:
                    known.update(self.ids[target])
                target_text = " or ".join(targets) if len(targets) < 3 else "any section"
                for res in self.ids[section].values():
                    value = res.attributes.get(key)
                    if value is None:
                        continue
                    if type(value) is list:
                        if all(item in known for item in value):
                            continue
                    elif value in known:
                        continue
                    for path, item in references_of(res.attributes, key):
                        if item not in known:
                            self.at(
                                res, path, dangling(section, res.id, key, item, known, target_text)
                            )

    def result(self, files: list[str], keep_valid: bool = False) -> Inventory:
        if self.problems and not keep_valid:
            raise combined(self.problems, self.truncated)
        resources = [self.org_resource] if self.org_resource else []
        kept = [r for r in [*resources, *self.resources] if id(r) not in self.flagged]
        return Inventory(self.organization, kept, files, list(self.problems), self.truncated)


def load_inventory(
    files: Sequence[Path],
    root: Path,
    limits: Limits,
    taxonomy: Taxonomy,
    *,
    jobs: int = 1,
    cache: ParseCache | None = None,
    digests: dict[str, str] | None = None,
    keep_valid: bool = False,
) -> Inventory:
    """Load, validate and merge inventory files into resources.

    :param files: inventory files (YAML ``.yaml``/``.yml`` or JSON ``.json``), in load order.
    :param root: the audit root; resource files are POSIX paths relative to it.
    :param limits: parser limits.
    :param taxonomy: categories that ``fields[].category`` and friends may name.
    :param jobs: with more than one, large files are parsed in forked worker processes
        (validation and merging stay here, in file order, so the result is the same).
    :param cache: the parse cache of ``--cache``, if any.
    :param digests: if given, filled with display path -> SHA-256 of every file that could be
        read (also when the inventory has problems), from the one read that parsed it.
    :param keep_valid: return the valid records with the problems instead of raising.
    :raises InventoryError: with ``errors`` listing every problem (file:line each), unless
        ``keep_valid``.
    """
    loader = _Loader(root, limits, taxonomy)
    displays = [loader.display(path) for path in files]
    if jobs > 1 and _total_size(files) < PARALLEL_MIN_BYTES:
        jobs = 1
    gc_was_enabled = gc.isenabled()
    gc.disable()  # 100k records allocate millions of containers and no cycles
    try:
        pairs = list(zip(files, displays, strict=True))
        for outcome in ordered_map(_read_pair, pairs, jobs, limits, cache):
            loader.add_file(outcome)
        if digests is not None:
            digests.update(loader.digests)
        if not loader.incomplete:
            loader.checkreferences_of()
        facts = fact_problems(loader.org_resource, loader.ids, complete=not loader.incomplete)
        for res, path, message in facts:
            loader.at(res, path, message)
    finally:
        if gc_was_enabled:
            gc.enable()
    return loader.result(displays, keep_valid)


PARALLEL_MIN_BYTES = 2 * 1024 * 1024
"""Inventories smaller than this are parsed in this process (a worker costs more to start)."""


def _total_size(files: Sequence[Path]) -> int:
    total = 0
    for path in files:
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    return total


__all__ = [
    "KINDS",
    "SCHEMA_ID",
    "SECTIONS",
    "Inventory",
    "compile_fast_check",
    "inventory_schema",
    "load_inventory",
]
