"""Fides data maps (fideslang ``dataset:`` and ``system:`` resources in YAML) -> one inventory
document (docs/inventory.md, "Importing registers and Fides data maps"; the category mapping is
``dsaudit/data/fides_categories.yaml``, documented in docs/taxonomy.md, "Fides data categories").

- Every ``collection`` of a Fides dataset becomes a dataset with the id
  ``<dataset fides_key>.<collection name>``; its ``fields`` (nested fields flattened with dots)
  become fields, one per mapped data category. A field without ``data_categories`` takes its
  collection's, then its dataset's; a field with none at all is not personal information as far
  as the map says and is left out.
- Every ``system`` becomes a system (``fides_key`` -> id); the datasets its
  ``privacy_declarations`` (or ``dataset_references``) name get it as their ``system`` and the
  declarations' ``data_use`` as their ``purposes``.
- A data category the mapping does not map, or maps to null on purpose, is a problem naming file
  and line, and its collection is left out: never dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import yaml

from dsaudit.core.models import LineLocator, PathKey
from dsaudit.core.quoting import quote_value
from dsaudit.sources.imported import ImportedDocument, Place, PlaceLocator, Problem

Source = tuple[str, Any, LineLocator | None]
"""``(display path, parsed YAML data, locator)`` of one Fides file."""


@cache
def fides_mapping() -> dict[str, tuple[str | None, str]]:
    """fides_key -> (dsaudit category or None, note), from the packaged table."""
    text = resources.files("dsaudit").joinpath("data/fides_categories.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return {
        key: (entry.get("to"), entry.get("note", "")) for key, entry in data["categories"].items()
    }


def map_category(key: str) -> tuple[str | None, str]:
    """The dsaudit category of a fideslang category and, when there is none, why.

    Exact entry first, then the nearest listed ancestor below the roots ``user`` and ``system``
    (``user.contact.address.city`` -> ``address``)."""
    table = fides_mapping()
    if key in table:
        to, note = table[key]
        return to, (note or "mapped to nothing on purpose") if to is None else ""
    parts = key.split(".")
    for end in range(len(parts) - 1, 1, -1):
        parent = ".".join(parts[:end])
        if parent in table:
            to, note = table[parent]
            if to is None:
                return None, f"its parent {parent!r} is not mapped: {note}"
            return to, ""
    return None, "not in the mapping table (dsaudit/data/fides_categories.yaml)"


class _Converter:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.locator = PlaceLocator()
        self.systems: list[tuple[dict[str, Any], Place]] = []
        self.datasets: list[tuple[dict[str, Any], Place, dict[tuple[PathKey, ...], Place]]] = []
        self.fides_datasets: dict[str, list[int]] = {}
        """Fides dataset fides_key -> indexes into ``datasets`` (its collections)."""
        self.references: list[tuple[str, str, list[str], Place, str]] = []
        """(system id, fides dataset key, data uses, place, file) to link after reading."""

    def line(self, locator: LineLocator | None, path: Sequence[PathKey]) -> int | None:
        if locator is None:
            return None
        full = tuple(path)
        while True:
            try:
                found = locator.line_of(full)
            except (KeyError, IndexError, TypeError):
                found = None
            if found is not None or not full:
                return found
            full = full[:-1]

    def problem(self, file: str, line: int | None, message: str, whole: bool = False) -> None:
        self.problems.append(Problem(message, file, line, whole))

    def source(self, display: str, data: Any, locator: LineLocator | None) -> None:
        if not isinstance(data, dict) or not ({"dataset", "system"} & set(data)):
            self.problem(
                display,
                self.line(locator, ()),
                "not a Fides data map: expected a "
                "mapping with dataset: and/or system: lists (fideslang resources)",
                whole=True,
            )
            return
        for key in sorted(set(data) - {"dataset", "system"}):
            self.problem(
                display,
                self.line(locator, (key,)),
                f"{key!r} is not read: a Fides "
                "data map is converted from its dataset: and system: lists only",
            )
        for index, item in enumerate(_list(data.get("dataset"))):
            self.dataset(display, locator, ("dataset", index), item)
        for index, item in enumerate(_list(data.get("system"))):
            self.system(display, locator, ("system", index), item)

    def dataset(
        self, file: str, locator: LineLocator | None, path: tuple[PathKey, ...], item: Any
    ) -> None:
        key = item.get("fides_key") if isinstance(item, dict) else None
        if not isinstance(key, str) or not key.strip():
            self.problem(file, self.line(locator, path), "a Fides dataset without fides_key")
            return
        inherited = _categories(item.get("data_categories"))
        for cindex, collection in enumerate(_list(item.get("collections"))):
            cpath = (*path, "collections", cindex)
            if not isinstance(collection, dict) or not collection.get("name"):
                self.problem(
                    file,
                    self.line(locator, cpath),
                    f"Fides dataset {key!r}: a collection without a name",
                )
                continue
            cname = str(collection["name"])
            dataset_id = f"{key}.{cname}".replace(" ", "_")
            defaults = _categories(collection.get("data_categories")) or inherited
            fields: list[dict[str, Any]] = []
            places: dict[tuple[PathKey, ...], Place] = {}
            ok = True
            for name, fpath, categories in _fields(collection.get("fields"), (*cpath, "fields")):
                own = categories if categories else defaults
                cat_path = (*fpath, "data_categories") if categories else None
                for cat_index, fides_category in enumerate(own):
                    mapped, why = map_category(fides_category)
                    where = (*cat_path, cat_index) if cat_path else fpath
                    line = self.line(locator, where)
                    if mapped is None:
                        self.problem(
                            file,
                            line,
                            f"Fides dataset {key!r}, collection "
                            f"{cname!r}, field {name!r}: data category "
                            f"{quote_value(fides_category)} has no dsaudit category "
                            f"({why}); the collection is left out; label the field with "
                            "a mapped category (docs/taxonomy.md, Fides data categories)",
                        )
                        ok = False
                        continue
                    if any(f["name"] == name and f["category"] == mapped for f in fields):
                        continue
                    places[("fields", len(fields))] = Place(line)
                    fields.append(
                        {"name": name, "category": mapped, "x_fides_category": fides_category}
                    )
            if not ok:
                continue
            record: dict[str, Any] = {"id": dataset_id, "name": cname}
            description = collection.get("description") or item.get("description")
            if isinstance(description, str) and description.strip():
                record["description"] = description.strip()
            record["x_fides_dataset"] = key
            if fields:
                record["fields"] = fields
            self.fides_datasets.setdefault(key, []).append(len(self.datasets))
            self.datasets.append((record, Place(self.line(locator, cpath)), places))

    def system(
        self, file: str, locator: LineLocator | None, path: tuple[PathKey, ...], item: Any
    ) -> None:
        key = item.get("fides_key") if isinstance(item, dict) else None
        if not isinstance(key, str) or not key.strip() or " " in key:
            self.problem(
                file,
                self.line(locator, path),
                "a Fides system without a fides_key (an id without spaces)",
            )
            return
        record: dict[str, Any] = {"id": key, "name": str(item.get("name") or key)}
        description = item.get("description")
        if isinstance(description, str) and description.strip():
            record["description"] = description.strip()
        self.systems.append((record, Place(self.line(locator, path))))
        for ref in _list(item.get("dataset_references")):
            place = Place(self.line(locator, (*path, "dataset_references")))
            self.references.append((key, str(ref), [], place, file))
        for dindex, declaration in enumerate(_list(item.get("privacy_declarations"))):
            if not isinstance(declaration, dict):
                continue
            uses = [str(declaration["data_use"])] if declaration.get("data_use") else []
            dpath = (*path, "privacy_declarations", dindex, "dataset_references")
            for ref in _list(declaration.get("dataset_references")):
                place = Place(self.line(locator, dpath))
                self.references.append((key, str(ref), uses, place, file))

    def link(self) -> None:
        for system_id, ref, uses, place, file in self.references:
            indexes = self.fides_datasets.get(ref)
            if indexes is None:
                self.problem(
                    file,
                    place.line,
                    f"Fides system {system_id!r} refers to dataset "
                    f"{ref!r}, which is not in the data map read; convert the system "
                    "and its datasets together (one file, or one dsaudit inventory "
                    "convert)",
                )
                continue
            for index in indexes:
                record = self.datasets[index][0]
                record.setdefault("system", system_id)
                for use in uses:
                    purposes = record.setdefault("purposes", [])
                    if use not in purposes:
                        purposes.append(use)

    def document(self) -> dict[str, Any]:
        self.link()
        doc: dict[str, Any] = {"version": 1}
        if self.systems:
            doc["systems"] = [record for record, _ in self.systems]
            for index, (_, place) in enumerate(self.systems):
                self.locator.set(("systems", index), place)
        if self.datasets:
            doc["datasets"] = []
            for index, (record, place, places) in enumerate(self.datasets):
                order = [
                    "id",
                    "name",
                    "system",
                    "purposes",
                    "description",
                    "x_fides_dataset",
                    "fields",
                ]
                doc["datasets"].append({k: record[k] for k in order if k in record})
                self.locator.set(("datasets", index), place)
                for sub, field_place in places.items():
                    self.locator.set(("datasets", index, *sub), field_place)
        return doc


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _categories(value: Any) -> list[str]:
    return [str(item) for item in _list(value) if isinstance(item, str) and item.strip()]


def _fields(
    value: Any, path: tuple[PathKey, ...], prefix: str = ""
) -> list[tuple[str, tuple[PathKey, ...], list[str]]]:
    """``(dotted name, path, own categories)`` of every field, nested ones flattened; a field
    with sub-fields stands for them (its own categories are their default)."""
    found: list[tuple[str, tuple[PathKey, ...], list[str]]] = []
    for index, item in enumerate(_list(value)):
        if not isinstance(item, dict) or not item.get("name"):
            continue
        fpath = (*path, index)
        name = f"{prefix}{item['name']}"
        own = _categories(item.get("data_categories"))
        children = _fields(item.get("fields"), (*fpath, "fields"), f"{name}.")
        if children:
            found.extend((n, p, c or own) for n, p, c in children)
        else:
            found.append((name, fpath, own))
    return found


def convert_fides(sources: Sequence[Source]) -> ImportedDocument:
    """Convert Fides data maps (read together, so a system links the datasets of another file)."""
    converter = _Converter()
    for display, data, locator in sources:
        converter.source(display, data, locator)
    document = converter.document()
    return ImportedDocument(document, converter.locator, problems=converter.problems, kind="fides")
