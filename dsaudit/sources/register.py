"""CSV and XLSX registers (数据资产登记表) -> one inventory document.

The layout is one row per field (数据项), as compliance teams keep their registers: the columns
of :data:`COLUMNS`, headers in English or Chinese (docs/inventory.md, "Importing registers and
Fides data maps"). Dataset columns (system, classification, storage region, retention, legal
basis, ...) may be repeated on every row of a dataset or filled on one row only; two different
values for one dataset are an error. Systems and processors are created from their names.

CSV needs nothing beyond the standard library; XLSX is read with openpyxl (the optional extra
``dsaudit[register]``).
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from dsaudit.core.quoting import clip_text, quote_value
from dsaudit.sources.imported import ImportedDocument, Place, PlaceLocator, Problem
from dsaudit.sources.register_cells import (
    Cell,
    TooLarge,
    cell_text,
    column_letter,
    csv_sheets,
    read_cell,
    xlsx_sheets,
)
from dsaudit.sources.register_layout import (
    COLUMNS,
    HEADERS,
    Column,
    MissingExtra,
    norm_header,
)


class _Reader:
    def __init__(self, display: str, taxonomy_names: frozenset[str] | None, suggest: Any) -> None:
        self.display = display
        self.names = taxonomy_names
        self.suggest = suggest
        self.problems: list[Problem] = []
        self.locator = PlaceLocator()
        self.systems: dict[str, tuple[dict[str, Any], Place]] = {}
        self.datasets: dict[str, dict[str, Any]] = {}
        self.dataset_places: dict[str, dict[str, Place]] = {}
        self.processors: dict[str, list[str]] = {}
        self.processor_places: dict[str, Place] = {}
        self.bad: set[str] = set()

    def place(self, sheet: str | None, row: int, col: int, header: str) -> Place:
        where = f"sheet {sheet!r}, " if sheet is not None else ""
        text = f"{where}row {row}, column {column_letter(col)} ({header})"
        return Place(row, text)

    def problem(self, place: Place, message: str) -> None:
        self.problems.append(Problem(f"{place.text}: {message}", self.display, place.line))

    def sheet(self, name: str | None, rows: list[tuple[int, list[Cell]]]) -> None:
        rows = [(n, cells) for n, cells in rows if any(cell_text(c) for c in cells)]
        if not rows:
            if name is None:
                self.problems.append(
                    Problem("empty register: expected a header row", self.display, whole=True)
                )
            return
        header_row, header_cells = rows[0]
        headers = [cell_text(c) for c in header_cells]
        columns: dict[int, Column] = {}
        unknown: list[tuple[int, str]] = []
        for index, header in enumerate(headers):
            if not header or norm_header(header).startswith("x_"):
                continue
            column = HEADERS.get(norm_header(header))
            if column is None:
                unknown.append((index, header))
            elif column in columns.values():
                where = self.place(name, header_row, index, header)
                self.problem(
                    where,
                    f"a second column for {column.key!r} ({column.zh}); "
                    "each column may appear once",
                )
            else:
                columns[index] = column
        if name is not None and not columns:
            return  # a sheet of notes or instructions, not a register sheet
        for index, header in unknown:
            hint = difflib.get_close_matches(norm_header(header), sorted(HEADERS), n=1)
            did = f" (did you mean {hint[0]!r}?)" if hint else ""
            where = self.place(name, header_row, index, header)
            self.problem(
                where,
                f"unknown column {quote_value(header)}{did}; the columns are "
                "listed in docs/inventory.md, and columns starting with x_ are ignored",
            )
        missing = [c for c in COLUMNS if c.required and c not in columns.values()]
        if missing:
            names = ", ".join(f"{c.key} ({c.zh})" for c in missing)
            sheet = f"sheet {name!r}, " if name is not None else ""
            self.problems.append(
                Problem(
                    f"{sheet}row {header_row}: the header row has no column "
                    f"{names}; nothing in this sheet was read",
                    self.display,
                    header_row,
                    whole=True,
                )
            )
            return
        for row, cells in rows[1:]:
            if _is_header(cells):
                continue
            self.row(name, row, cells, columns, headers)

    def row(
        self,
        sheet: str | None,
        row: int,
        cells: list[Cell],
        columns: dict[int, Column],
        headers: list[str],
    ) -> None:
        values: dict[str, tuple[Any, Place]] = {}
        errored: set[str] = set()
        ok = True
        for index, column in columns.items():
            raw = cells[index] if index < len(cells) else None
            text = cell_text(raw)
            if not text:
                continue
            place = self.place(sheet, row, index, headers[index])
            value, error = read_cell(column, raw, text, self.names, self.suggest)
            if error:
                self.problem(place, error)
                errored.add(column.key)
                ok = False
                continue
            values[column.key] = (value, place)
        dataset_value = values.get("dataset")
        if dataset_value is None:
            if "dataset" in errored:
                return
            index = next(i for i, c in columns.items() if c.key == "dataset")
            self.problem(self.place(sheet, row, index, headers[index]), "no dataset on this row")
            return
        dataset_id = dataset_value[0]
        for key in ("field", "category"):
            if key not in values and key not in errored:
                index = next(i for i, c in columns.items() if c.key == key)
                self.problem(self.place(sheet, row, index, headers[index]), f"no {key} on this row")
                ok = False
        if not ok:
            self.bad.add(dataset_id)
            return
        self.add(dataset_id, values)

    def add(self, dataset_id: str, values: dict[str, tuple[Any, Place]]) -> None:
        dataset = self.datasets.setdefault(dataset_id, {"id": dataset_id})
        places = self.dataset_places.setdefault(dataset_id, {})
        places.setdefault("id", values["dataset"][1])
        field: dict[str, Any] = {}
        field_places: dict[str, Place] = {}
        for column in COLUMNS:
            if column.key not in values or column.key == "dataset":
                continue
            value, place = values[column.key]
            if column.level == "field":
                key = "name" if column.key == "field" else column.key
                field[key] = value
                field_places[key] = place
                continue
            if column.level == "processor":
                for name in value:
                    users = self.processors.setdefault(name, [])
                    if dataset_id not in users:
                        users.append(dataset_id)
                    self.processor_places.setdefault(name, place)
                continue
            key = "name" if column.key == "dataset_name" else column.key
            if key == "system" and value not in self.systems:
                self.systems[value] = ({"id": value, "name": value}, place)
            if key in dataset and dataset[key] != value:
                first = places[key]
                self.problem(
                    place,
                    f"dataset {quote_value(dataset_id)}: {column.key} "
                    f"{quote_value(value)} differs from {quote_value(dataset[key])} at "
                    f"{first.text}; a dataset has one {column.key}",
                )
                self.bad.add(dataset_id)
                continue
            dataset[key] = value
            places.setdefault(key, place)
        dataset.setdefault("fields", []).append(field)
        places[f"#field{len(dataset['fields']) - 1}"] = field_places["name"]
        for key, place in field_places.items():
            places[f"#field{len(dataset['fields']) - 1}.{key}"] = place

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"version": 1}
        kept = [d for d in self.datasets if d not in self.bad]
        used = {self.datasets[d].get("system") for d in kept}
        systems = [s for key, (s, _) in self.systems.items() if key in used]
        if systems:
            doc["systems"] = systems
            for index, key in enumerate(s["id"] for s in systems):
                self.locator.set(("systems", index), self.systems[key][1])
        if kept:
            doc["datasets"] = []
            for index, dataset_id in enumerate(kept):
                dataset = self.datasets[dataset_id]
                order = [
                    "id",
                    "name",
                    "system",
                    *(k for k in dataset if k not in ("id", "name", "system", "fields")),
                    "fields",
                ]
                doc["datasets"].append({k: dataset[k] for k in order if k in dataset})
                for key, place in self.dataset_places[dataset_id].items():
                    if key.startswith("#field"):
                        number, _, sub = key[6:].partition(".")
                        path: tuple[Any, ...] = ("datasets", index, "fields", int(number))
                        self.locator.set((*path, sub) if sub else path, place)
                    else:
                        self.locator.set(
                            ("datasets", index) if key == "id" else ("datasets", index, key), place
                        )
        processors = []
        for name, users in self.processors.items():
            datasets = [d for d in users if d in kept]
            if datasets:
                processors.append({"id": _id_of(name), "name": name, "datasets": datasets})
                self.locator.set(("processors", len(processors) - 1), self.processor_places[name])
        if processors:
            doc["processors"] = processors
        return doc


def exc_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {clip_text(str(exc))}"


def _id_of(name: str) -> str:
    return re.sub(r"\s+", "_", name.strip())


def _is_header(cells: list[Cell]) -> bool:
    """A second header row (the template has one in each language): every non-empty cell is a
    header and one of them names the dataset column."""
    texts = [norm_header(cell_text(c)) for c in cells if cell_text(c)]
    return (
        len(texts) >= 2
        and all(t in HEADERS for t in texts)
        and any(HEADERS[t].key == "dataset" for t in texts)
    )


def read_register(
    display: str,
    content: bytes,
    *,
    xlsx: bool,
    categories: frozenset[str] | None = None,
    suggest: Any = None,
) -> ImportedDocument:
    """Convert a register's bytes into an inventory document with its problems.

    :param categories: the taxonomy's names: a category outside them is an error naming the
        cell (with ``suggest``'s "did you mean"); None leaves the check to the loader.
    :raises MissingExtra: for an XLSX file without openpyxl installed.
    """
    reader = _Reader(display, categories, suggest)
    try:
        sheets = xlsx_sheets(content) if xlsx else csv_sheets(content)
    except MissingExtra:
        raise
    except UnicodeDecodeError:
        return ImportedDocument(
            {"version": 1},
            problems=[
                Problem(
                    "cannot read the register: a CSV register is UTF-8 (Excel: save as "
                    "'CSV UTF-8')",
                    display,
                    whole=True,
                )
            ],
            kind="register",
        )
    except TooLarge as exc:
        problem = Problem(f"cannot read the register: {exc}", display, whole=True)
        return ImportedDocument({"version": 1}, problems=[problem], kind="register")
    except Exception as exc:  # openpyxl raises many types for a file that is not XLSX
        return ImportedDocument(
            {"version": 1},
            problems=[Problem(f"cannot read the register: {exc_text(exc)}", display, whole=True)],
            kind="register",
        )
    for name, rows in sheets:
        reader.sheet(name, rows)
    if xlsx and not any(c for _, rows in sheets for _, c in rows) and not reader.problems:
        reader.problems.append(
            Problem("empty register: no sheet has a header row", display, whole=True)
        )
    elif xlsx and not reader.datasets and not reader.problems:
        reader.problems.append(
            Problem(
                "no sheet of the workbook has the register's columns "
                "(dataset/数据集, field/字段, category/数据类别)",
                display,
                whole=True,
            )
        )
    document = reader.document()
    return ImportedDocument(document, reader.locator, problems=reader.problems, kind="register")
