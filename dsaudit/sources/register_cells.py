"""Reading a register's sheets (CSV, or XLSX through openpyxl) and its cells."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
import zipfile
from typing import Any

from dsaudit.core.quoting import quote_value
from dsaudit.sources.register_layout import (
    CLASSIFICATION,
    DAYS,
    FALSE,
    INDEFINITE,
    LEGAL_BASIS,
    REGION,
    REGIONS,
    SPLIT,
    TRUE,
    Column,
    openpyxl_module,
)

Cell = Any
Sheet = tuple[str | None, list[tuple[int, list[Cell]]]]
"""``(sheet name or None for CSV, [(row number, cells)])``."""


def csv_sheets(content: bytes) -> list[Sheet]:
    text = content.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[Cell]]] = []
    start = 1
    for cells in reader:
        rows.append((start, list(cells)))
        start = reader.line_num + 1
    return [(None, rows)]


MAX_XLSX_UNPACKED = 256 * 1024 * 1024
"""An XLSX file is a zip: its parts may not unpack to more than this (a zip bomb is refused
before openpyxl reads it)."""


class TooLarge(Exception):
    """An XLSX register that unpacks to more than :data:`MAX_XLSX_UNPACKED`."""


def xlsx_sheets(content: bytes) -> list[Sheet]:
    openpyxl = openpyxl_module()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_XLSX_UNPACKED:
        raise TooLarge(
            f"the workbook unpacks to {unpacked} bytes, more than {MAX_XLSX_UNPACKED}; "
            "split the register or save it as CSV"
        )
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheets: list[Sheet] = []
        for sheet in book.worksheets:
            rows = [
                (n, list(cells)) for n, cells in enumerate(sheet.iter_rows(values_only=True), 1)
            ]
            sheets.append((sheet.title, rows))
        return sheets
    finally:
        book.close()


def cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_cell(
    column: Column, raw: Cell, text: str, names: frozenset[str] | None, suggest: Any
) -> tuple[Any, str | None]:
    """The value of one cell, or ``(None, why not)``; categories are checked against ``names``
    (when given) with ``suggest``'s "did you mean"."""
    kind = column.kind
    if kind == "id":
        if re.search(r"\s", text):
            return None, f"{quote_value(text)} is not an id: ids have no spaces"
        return text, None
    if kind == "text":
        return text, None
    if kind == "list":
        items = [item for item in SPLIT.split(text) if item]
        return items, None
    if kind == "bool":
        if isinstance(raw, bool):
            return raw, None
        low = text.lower()
        if low in TRUE:
            return True, None
        if low in FALSE:
            return False, None
        return None, f"{quote_value(text)} is not yes or no (是/否, true/false)"
    if kind == "int":
        if re.fullmatch(r"\d+", text):
            return int(text), None
        return None, f"{quote_value(text)} is not a whole number"
    if kind == "classification":
        value = CLASSIFICATION.get(text.lower())
        if value is None:
            return (
                None,
                f"{quote_value(text)} is not a classification: general, important or "
                "core (一般, 重要, 核心)",
            )
        return value, None
    if kind == "region":
        value = REGIONS.get(text, text.upper() if REGION.match(text.upper()) else None)
        if value is None:
            return (
                None,
                f"{quote_value(text)} is not a region code (CN, CN-HK, SG, ...) or "
                "境内/香港/澳门/台湾",
            )
        return value, None
    if kind == "retention":
        if text.lower() in INDEFINITE:
            return "indefinite", None
        match = DAYS.match(text)
        if match:
            return int(match.group(1)), None
        return None, (
            f"{quote_value(text)} is not a retention: write the days (1095, 1095天) "
            "or indefinite (长期); months and years vary in length, so convert them "
            "to the days you mean"
        )
    if kind == "legal_basis":
        value = LEGAL_BASIS.get(text.lower()) or LEGAL_BASIS.get(text)
        if value is None:
            hint = difflib.get_close_matches(text, sorted(LEGAL_BASIS), n=1)
            did = f" (did you mean {hint[0]!r}?)" if hint else ""
            return None, f"{quote_value(text)} is not a PIPL Art. 13 legal basis{did}"
        return value, None
    if kind == "category":
        if names is not None and text not in names:
            hint = suggest(text)
            did = f" (did you mean {hint!r}?)" if hint else ""
            return None, f"unknown data category {quote_value(text)}{did}; see docs/taxonomy.md"
        return text, None
    raise AssertionError(kind)  # pragma: no cover
