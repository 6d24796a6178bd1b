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

import csv
import datetime as dt
import difflib
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from dsaudit.core.quoting import clip_text, quote_value
from dsaudit.sources.imported import ImportedDocument, Place, PlaceLocator, Problem


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    """The inventory key (and the English header)."""
    zh: str
    """The Chinese header of the template."""
    level: str
    """``system``, ``dataset``, ``field`` or ``processor``."""
    kind: str
    """How the cell is read: text, id, list, bool, int, classification, region, retention,
    legal_basis."""
    meaning: str
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "system",
        "系统",
        "system",
        "id",
        "Id of the system that holds the dataset (a system record is created with this id "
        "and name).",
        ("system_id", "所属系统", "信息系统", "系统名称"),
    ),
    Column(
        "dataset",
        "数据集",
        "dataset",
        "id",
        "Id of the dataset (table, bucket, file share); the rows of one dataset share it.",
        ("dataset_id", "数据集编号", "数据资产"),
        required=True,
    ),
    Column(
        "dataset_name", "数据集名称", "dataset", "text", "Name of the dataset.", ("数据资产名称",)
    ),
    Column(
        "field",
        "字段",
        "field",
        "text",
        "Column or attribute name.",
        ("field_name", "column", "字段名", "字段名称", "数据项"),
        required=True,
    ),
    Column(
        "category",
        "数据类别",
        "field",
        "category",
        "Taxonomy category of the field (docs/taxonomy.md).",
        ("data_category", "类别", "数据分类", "个人信息类别"),
        required=True,
    ),
    Column(
        "classification",
        "分级",
        "dataset",
        "classification",
        "general, important or core (一般, 重要, 核心): DSL Art. 21.",
        ("grade", "数据分级", "级别", "数据级别"),
    ),
    Column(
        "storage_region",
        "存储地",
        "dataset",
        "region",
        "Region code (CN, CN-HK, SG, ...); 境内/中国 is CN, 香港 CN-HK, 澳门 CN-MO, 台湾 CN-TW.",
        ("region", "存储地域", "存储位置", "存储地点"),
    ),
    Column(
        "retention_days",
        "保存期限",
        "dataset",
        "retention",
        "Days (180, 180天) or indefinite (长期, 永久).",
        ("retention", "保存期限（天）", "保存期限(天)", "存储期限"),
    ),
    Column(
        "legal_basis",
        "处理依据",
        "dataset",
        "legal_basis",
        "PIPL Art. 13 basis: consent, contract, hr, legal_obligation, emergency, news, "
        "public_info, other_law (同意, 合同, 人力资源管理, 法定职责或义务, 紧急情况, 新闻报道, "
        "已公开信息, 法律法规).",
        ("basis", "合法性基础", "处理的合法性基础"),
    ),
    Column(
        "purposes",
        "处理目的",
        "dataset",
        "list",
        "Purposes of processing, separated by ; or 、.",
        ("purpose", "目的", "使用目的"),
    ),
    Column(
        "processors",
        "受托方",
        "processor",
        "list",
        "Entrusted processors (PIPL Art. 21) of the dataset, separated by ; or 、 (a processor "
        "record is created per name).",
        ("processor", "受托处理者", "委托处理方"),
    ),
    Column(
        "owner", "负责人", "dataset", "text", "Data owner.", ("data_owner", "数据负责人", "责任人")
    ),
    Column(
        "individuals",
        "个人数量",
        "dataset",
        "int",
        "Individuals whose PI the dataset holds.",
        ("涉及个人数量", "人数"),
    ),
    Column(
        "encrypted",
        "加密",
        "field",
        "bool",
        "The field is stored encrypted (是/否).",
        ("是否加密",),
    ),
    Column(
        "masked",
        "脱敏",
        "field",
        "bool",
        "The field is masked when displayed (是/否).",
        ("是否脱敏",),
    ),
    Column(
        "required",
        "必要",
        "field",
        "bool",
        "Needed for the core service (是/否); no means optional (PIPL Art. 16).",
        ("是否必要", "必需"),
    ),
    Column(
        "description",
        "备注",
        "field",
        "text",
        "Free text about the field.",
        ("说明", "notes", "remark"),
    ),
)
"""The register layout, in template order."""

_TRUE = {"true", "yes", "y", "1", "是", "对", "有", "√"}
_FALSE = {"false", "no", "n", "0", "否", "无", "×"}
_CLASSIFICATION = {
    "general": "general",
    "important": "important",
    "core": "core",
    "一般": "general",
    "一般数据": "general",
    "重要": "important",
    "重要数据": "important",
    "核心": "core",
    "核心数据": "core",
}
_LEGAL_BASIS = {
    "consent": "consent",
    "contract": "contract",
    "hr": "hr",
    "legal_obligation": "legal_obligation",
    "emergency": "emergency",
    "news": "news",
    "public_info": "public_info",
    "other_law": "other_law",
    "legitimate_interest": "legitimate_interest",
    "同意": "consent",
    "个人同意": "consent",
    "取得个人同意": "consent",
    "合同": "contract",
    "订立、履行合同": "contract",
    "订立或履行合同": "contract",
    "人力资源管理": "hr",
    "人力资源": "hr",
    "法定职责或义务": "legal_obligation",
    "法定职责或者法定义务": "legal_obligation",
    "法定义务": "legal_obligation",
    "法定职责": "legal_obligation",
    "紧急情况": "emergency",
    "突发公共卫生事件": "emergency",
    "新闻报道": "news",
    "舆论监督": "news",
    "已公开信息": "public_info",
    "公开信息": "public_info",
    "法律法规": "other_law",
    "法律、行政法规规定": "other_law",
    "法律法规规定": "other_law",
}
_REGIONS = {
    "境内": "CN",
    "中国": "CN",
    "中国大陆": "CN",
    "中国境内": "CN",
    "大陆": "CN",
    "香港": "CN-HK",
    "中国香港": "CN-HK",
    "澳门": "CN-MO",
    "中国澳门": "CN-MO",
    "台湾": "CN-TW",
    "中国台湾": "CN-TW",
}
_REGION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
_DAYS = re.compile(r"^(\d+)\s*(天|日|days?|d)?$", re.IGNORECASE)
_INDEFINITE = {"indefinite", "长期", "永久", "永久保存", "长期保存"}
_SPLIT = re.compile(r"\s*[;；、\n]\s*")


def _norm(header: str) -> str:
    text = header.strip().lower().lstrip("*").rstrip("*").strip()
    return re.sub(r"[\s_\-]+", "_", text)


HEADERS: dict[str, Column] = {}
for _column in COLUMNS:
    for _name in (_column.key, _column.zh, *_column.aliases):
        HEADERS[_norm(_name)] = _column


def template_rows() -> list[list[str]]:
    """The template: the English header row is what the loader documents; the Chinese header
    row is what it also accepts. Both are written, Chinese first, so that a team can delete the
    one it does not use (a second header row is skipped, see :func:`_is_header`)."""
    return [
        [c.zh for c in COLUMNS],
        [c.key for c in COLUMNS],
        [
            "crm",
            "customers",
            "客户表",
            "mobile",
            "phone_number",
            "general",
            "CN",
            "1095",
            "consent",
            "会员服务",
            "",
            "张三",
            "120000",
            "是",
            "是",
            "是",
            "",
        ],
        [
            "crm",
            "customers",
            "",
            "id_no",
            "id_card_number",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "是",
            "是",
            "是",
            "实名认证",
        ],
    ]


def template_csv() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(template_rows())
    return buffer.getvalue()


def template_xlsx() -> bytes:
    """The same template as an XLSX workbook (needs openpyxl)."""
    openpyxl = _openpyxl()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "数据资产登记表"
    for row in template_rows():
        sheet.append(row)
    notes = book.create_sheet("说明")
    notes.append(["column", "列", "meaning"])
    for c in COLUMNS:
        notes.append([c.key, c.zh, c.meaning])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class MissingExtra(Exception):
    """openpyxl is not installed."""


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError as exc:
        raise MissingExtra(
            "reading or writing .xlsx registers needs openpyxl: pip install 'dsaudit[register]'"
        ) from exc
    return openpyxl


# -- reading ---------------------------------------------------------------------------------

Cell = Any
Sheet = tuple[str | None, list[tuple[int, list[Cell]]]]
"""``(sheet name or None for CSV, [(row number, cells)])``."""


def _csv_sheets(content: bytes) -> list[Sheet]:
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


def _xlsx_sheets(content: bytes) -> list[Sheet]:
    openpyxl = _openpyxl()
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


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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
        text = f"{where}row {row}, column {_letter(col)} ({header})"
        return Place(row, text)

    def problem(self, place: Place, message: str) -> None:
        self.problems.append(Problem(f"{place.text}: {message}", self.display, place.line))

    def sheet(self, name: str | None, rows: list[tuple[int, list[Cell]]]) -> None:
        rows = [(n, cells) for n, cells in rows if any(_text(c) for c in cells)]
        if not rows:
            if name is None:
                self.problems.append(
                    Problem("empty register: expected a header row", self.display, whole=True)
                )
            return
        header_row, header_cells = rows[0]
        headers = [_text(c) for c in header_cells]
        columns: dict[int, Column] = {}
        unknown: list[tuple[int, str]] = []
        for index, header in enumerate(headers):
            if not header or _norm(header).startswith("x_"):
                continue
            column = HEADERS.get(_norm(header))
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
            hint = difflib.get_close_matches(_norm(header), sorted(HEADERS), n=1)
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
            text = _text(raw)
            if not text:
                continue
            place = self.place(sheet, row, index, headers[index])
            value, error = self.read(column, raw, text)
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

    def read(self, column: Column, raw: Cell, text: str) -> tuple[Any, str | None]:
        kind = column.kind
        if kind == "id":
            if re.search(r"\s", text):
                return None, f"{quote_value(text)} is not an id: ids have no spaces"
            return text, None
        if kind == "text":
            return text, None
        if kind == "list":
            items = [item for item in _SPLIT.split(text) if item]
            return items, None
        if kind == "bool":
            if isinstance(raw, bool):
                return raw, None
            low = text.lower()
            if low in _TRUE:
                return True, None
            if low in _FALSE:
                return False, None
            return None, f"{quote_value(text)} is not yes or no (是/否, true/false)"
        if kind == "int":
            if re.fullmatch(r"\d+", text):
                return int(text), None
            return None, f"{quote_value(text)} is not a whole number"
        if kind == "classification":
            value = _CLASSIFICATION.get(text.lower())
            if value is None:
                return (
                    None,
                    f"{quote_value(text)} is not a classification: general, important or "
                    "core (一般, 重要, 核心)",
                )
            return value, None
        if kind == "region":
            value = _REGIONS.get(text, text.upper() if _REGION.match(text.upper()) else None)
            if value is None:
                return (
                    None,
                    f"{quote_value(text)} is not a region code (CN, CN-HK, SG, ...) or "
                    "境内/香港/澳门/台湾",
                )
            return value, None
        if kind == "retention":
            if text.lower() in _INDEFINITE:
                return "indefinite", None
            match = _DAYS.match(text)
            if match:
                return int(match.group(1)), None
            return None, (
                f"{quote_value(text)} is not a retention: write the days (1095, 1095天) "
                "or indefinite (长期); months and years vary in length, so convert them "
                "to the days you mean"
            )
        if kind == "legal_basis":
            value = _LEGAL_BASIS.get(text.lower()) or _LEGAL_BASIS.get(text)
            if value is None:
                hint = difflib.get_close_matches(text, sorted(_LEGAL_BASIS), n=1)
                did = f" (did you mean {hint[0]!r}?)" if hint else ""
                return None, f"{quote_value(text)} is not a PIPL Art. 13 legal basis{did}"
            return value, None
        if kind == "category":
            if self.names is not None and text not in self.names:
                hint = self.suggest(text)
                did = f" (did you mean {hint!r}?)" if hint else ""
                return None, f"unknown data category {quote_value(text)}{did}; see docs/taxonomy.md"
            return text, None
        raise AssertionError(kind)  # pragma: no cover

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
    texts = [_norm(_text(c)) for c in cells if _text(c)]
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
        sheets = _xlsx_sheets(content) if xlsx else _csv_sheets(content)
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
