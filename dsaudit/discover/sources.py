"""Where discovery reads: the source interface and its SQLite, CSV and JSON Lines sources.

A :class:`Source` lists its tables (:class:`Table`: name, columns with types and comments, a
row estimate) and samples a bounded number of rows of one table with a seed. Every source is
read-only and never scans a whole table:

- SQLite (stdlib :mod:`sqlite3`, ``mode=ro`` URI and ``PRAGMA query_only``): the row estimate
  is ``max(rowid) - min(rowid) + 1`` (two index lookups); a table with more rowids than the
  sample is sampled at seeded random rowids (``WHERE rowid >= ? ORDER BY rowid LIMIT 1``, one
  b-tree seek each), a smaller one, or a ``WITHOUT ROWID`` table, with ``LIMIT n``;
- CSV and JSON Lines files: at most ``max_rows`` rows are read (default 10,000), a seeded
  reservoir sample of ``n`` is kept; CSV is decoded as UTF-8 (with or without BOM), else as
  GB 18030 (a superset of GBK).

PostgreSQL and MySQL/MariaDB plug in as further implementations of :class:`Source` (through
SQLAlchemy, an optional extra): :func:`open_source` refuses their DSNs for now, masked.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import random
import re
import sqlite3
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from dsaudit.discover.detectors import detect
from dsaudit.redaction.textmasks import mask_edges, mask_secrets

DEFAULT_SAMPLE = 100
DEFAULT_MAX_FILE_ROWS = 10_000
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
CSV_SUFFIXES = (".csv", ".tsv")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
DATA_SUFFIXES = SQLITE_SUFFIXES + CSV_SUFFIXES + JSONL_SUFFIXES


class SourceError(Exception):
    """A source that cannot be opened or read; the message holds no sampled value."""


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str = ""
    comment: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    rows_estimate: int | None
    """Rows, estimated by the engine's cheapest means (None: unknown)."""
    schema: str = ""


class Source(Protocol):
    """One database or one set of data files; the unit of one inventory draft."""

    kind: str
    """``sqlite``, ``csv``, ``jsonl`` (later ``postgresql``, ``mysql``)."""
    label: str
    """How messages and the draft name the source (a DSN with its password masked)."""
    system_id: str
    """The id of the draft's system: derived from the source's name, no whitespace."""

    def tables(self) -> list[Table]: ...

    def sample(self, table: Table, n: int, seed: int) -> dict[str, list[str]]:
        """Up to ``n`` rows of ``table``, column -> values as strings (NULLs and binary values
        left out), the same for the same ``seed``."""
        ...

    def close(self) -> None: ...


def table_seed(seed: int, table: str) -> int:
    """A per-table seed that does not depend on Python's hash randomisation."""
    return zlib.crc32(f"{seed}\0{table}".encode())


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, bytes | bytearray | memoryview):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e17:
        return str(int(value))
    return str(value)


def safe_id(text: str) -> str:
    cleaned = re.sub(r"\s+", "_", text.strip())
    return cleaned or "source"


# -- SQLite -----------------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_COMMENT = re.compile(r'^\s*[`"\[]?([^\s`"\]]+)[`"\]]?\s.*?--\s*(.+?)\s*$')


def _comments(sql: str) -> dict[str, str]:
    """``-- comment`` after a column's definition in ``CREATE TABLE`` (SQLite keeps no
    comments otherwise)."""
    found: dict[str, str] = {}
    for line in (sql or "").splitlines()[1:]:
        m = _COMMENT.match(line)
        if m:
            found.setdefault(m.group(1), m.group(2))
    return found


class SQLiteSource:
    """A SQLite database file, opened read-only."""

    kind = "sqlite"

    def __init__(self, path: Path, label: str | None = None) -> None:
        self.path = path
        self.label = label or str(path)
        self.system_id = safe_id(path.stem)
        if not path.is_file():
            raise SourceError(f"{self.label}: no such database file")
        uri = "file:" + path.resolve().as_posix().replace("?", "%3f").replace("#", "%23")
        try:
            self.connection = sqlite3.connect(uri + "?mode=ro", uri=True)
            self.connection.execute("PRAGMA query_only = 1")
            self.connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        except sqlite3.Error as exc:
            raise SourceError(f"{self.label}: not a readable SQLite database ({exc})") from None

    def tables(self) -> list[Table]:
        rows = self.connection.execute(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        tables = []
        for name, sql in rows:
            comments = _comments(sql)
            info = self.connection.execute(f"PRAGMA table_info({_quote(name)})").fetchall()
            columns = tuple(Column(c[1], c[2] or "", comments.get(c[1], "")) for c in info)
            tables.append(Table(name, columns, self._estimate(name, sql)))
        return tables

    def _rowid_range(self, name: str, sql: str) -> tuple[int, int] | None:
        if re.search(r"without\s+rowid", sql or "", re.I):
            return None
        q = _quote(name)
        lo = self.connection.execute(f"SELECT min(rowid) FROM {q}").fetchone()[0]
        hi = self.connection.execute(f"SELECT max(rowid) FROM {q}").fetchone()[0]
        return None if lo is None or hi is None else (int(lo), int(hi))

    def _estimate(self, name: str, sql: str) -> int | None:
        span = self._rowid_range(name, sql)
        if span is not None:
            return span[1] - span[0] + 1
        if re.search(r"without\s+rowid", sql or "", re.I):
            return None
        return 0

    def sample(self, table: Table, n: int, seed: int) -> dict[str, list[str]]:
        names = [c.name for c in table.columns]
        values: dict[str, list[str]] = {c: [] for c in names}
        if not names or n <= 0:
            return values
        q = _quote(table.name)
        select = ", ".join(_quote(c) for c in names)
        sql = self.connection.execute(
            "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", (table.name,)
        ).fetchone()
        span = self._rowid_range(table.name, sql[0] if sql else "")
        rows: list[tuple[Any, ...]]
        if span is None or span[1] - span[0] + 1 <= n:
            rows = self.connection.execute(f"SELECT {select} FROM {q} LIMIT ?", (n,)).fetchall()
        else:
            rng = random.Random(table_seed(seed, table.name))
            points = sorted(rng.sample(range(span[0], span[1] + 1), n))
            seen: set[int] = set()
            rows = []
            statement = f"SELECT rowid, {select} FROM {q} WHERE rowid >= ? ORDER BY rowid LIMIT 1"
            for point in points:
                row = self.connection.execute(statement, (point,)).fetchone()
                if row is not None and row[0] not in seen:
                    seen.add(row[0])
                    rows.append(row[1:])
        for row in rows:
            for column, value in zip(names, row, strict=True):
                text = _text(value)
                if text is not None:
                    values[column].append(text)
        return values

    def close(self) -> None:
        self.connection.close()


# -- data files -------------------------------------------------------------------------------


def detect_encoding(head: bytes) -> str:
    """``utf-8-sig`` when the first bytes decode as UTF-8 (a character cut at the end is
    allowed), else ``gb18030``."""
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def _flatten(record: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in record.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, path + ".")
        elif isinstance(value, list):
            yield path, " ".join(t for t in map(_text, value) if t is not None)
        else:
            yield path, value


def _key_name(key: str) -> str:
    """A JSON key as a column name: masked when it looks like a value (a phone number used as
    a key must not be written raw)."""
    return mask_edges(key) if detect(key) is not None else key


class FileSource:
    """CSV and JSON Lines files (one table each, named by the file's path relative to the
    source's folder)."""

    def __init__(
        self,
        files: Sequence[Path],
        root: Path,
        label: str,
        *,
        max_rows: int = DEFAULT_MAX_FILE_ROWS,
    ) -> None:
        self.files = {f.relative_to(root).as_posix() if f != root else f.name: f for f in files}
        self.label = label
        self.max_rows = max_rows
        kinds = {"jsonl" if f.suffix.lower() in JSONL_SUFFIXES else "csv" for f in files}
        self.kind = kinds.pop() if len(kinds) == 1 else "files"
        self.system_id = safe_id(root.stem if root.is_file() else root.name)
        self._cache: dict[str, tuple[list[str], list[dict[str, Any]], int, bool]] = {}

    def _read(
        self, name: str, seed: int, n: int
    ) -> tuple[list[str], list[dict[str, Any]], int, bool]:
        key = f"{name}\0{seed}\0{n}"
        if key in self._cache:
            return self._cache[key]
        path = self.files[name]
        rng = random.Random(table_seed(seed, name))
        columns: list[str] = []
        kept: list[dict[str, Any]] = []
        count = 0
        complete = True
        try:
            with path.open("rb") as raw:
                encoding = detect_encoding(raw.read(65536))
                raw.seek(0)
                text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
                records = self._records(path, text, columns)
                for record in records:
                    if count >= self.max_rows:
                        complete = False
                        break
                    if count < n:
                        kept.append(record)
                    else:
                        j = rng.randrange(count + 1)
                        if j < n:
                            kept[j] = record
                    count += 1
        except (OSError, csv.Error) as exc:
            raise SourceError(
                f"{self.label}: {name}: cannot be read ({type(exc).__name__})"
            ) from None
        result = (columns, kept, count, complete)
        self._cache = {key: result}
        return result

    @staticmethod
    def _records(
        path: Path, text: io.TextIOWrapper, columns: list[str]
    ) -> Iterator[dict[str, Any]]:
        if path.suffix.lower() in JSONL_SUFFIXES:
            for line in text:
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # the line is not shown: it may hold personal information
                if not isinstance(record, dict):
                    continue
                flat = {_key_name(k): v for k, v in _flatten(record)}
                for key in flat:
                    if key not in columns:
                        columns.append(key)
                yield flat
            return
        dialect = "excel-tab" if path.suffix.lower() == ".tsv" else "excel"
        reader = csv.reader(text, dialect=dialect)
        header = next(reader, None)
        if header is None:
            return
        names = [h.strip() or f"column_{i + 1}" for i, h in enumerate(header)]
        headerless = any(detect(h.strip()) is not None for h in header)
        if headerless:  # the first row is data: its values must not become column names
            names = [f"column_{i + 1}" for i in range(len(header))]
        columns.extend(names)
        if headerless:
            yield dict(zip(names, header, strict=False))
        for row in reader:
            yield dict(zip(names, row, strict=False))

    def tables(self) -> list[Table]:
        tables = []
        for name in sorted(self.files):
            columns, _kept, count, complete = self._read(name, 0, 0)
            tables.append(
                Table(name, tuple(Column(c) for c in columns), count if complete else None)
            )
        return tables

    def sample(self, table: Table, n: int, seed: int) -> dict[str, list[str]]:
        _columns, kept, _count, _complete = self._read(table.name, seed, n)
        values: dict[str, list[str]] = {c.name: [] for c in table.columns}
        for record in kept:
            for column, value in record.items():
                text = _text(value)
                if text is not None and column in values:
                    values[column].append(text)
        return values

    def close(self) -> None:
        self._cache = {}


# -- opening a source -------------------------------------------------------------------------

_DSN = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://")


def mask_dsn(spec: str) -> str:
    """``spec`` as messages show it: a password in a URL masked."""
    return mask_secrets(spec)


def open_source(spec: str, *, max_file_rows: int = DEFAULT_MAX_FILE_ROWS) -> Source:
    """The source ``spec`` names: a SQLite file (``.sqlite``, ``.sqlite3``, ``.db`` or
    ``sqlite:///PATH``), a CSV or JSON Lines file, or a folder of them."""
    label = mask_dsn(spec)
    m = _DSN.match(spec)
    if m:
        scheme = m.group("scheme").lower().split("+")[0]
        if scheme == "sqlite":
            rest = spec[m.end() :]
            return SQLiteSource(Path(rest[1:] if rest.startswith("/") else rest), label)
        raise SourceError(
            f"{label}: {scheme} sources are not supported yet; this version discovers SQLite "
            "databases and CSV / JSON Lines files (docs/discovery.md)"
        )
    path = Path(spec)
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and p.suffix.lower() in CSV_SUFFIXES + JSONL_SUFFIXES
        )
        if not files:
            raise SourceError(f"{label}: no CSV or JSON Lines files in this folder")
        return FileSource(files, path, label, max_rows=max_file_rows)
    if not path.exists():
        raise SourceError(f"{label}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix in SQLITE_SUFFIXES:
        return SQLiteSource(path, label)
    if suffix in CSV_SUFFIXES + JSONL_SUFFIXES:
        return FileSource([path], path, label, max_rows=max_file_rows)
    raise SourceError(
        f"{label}: unknown kind of source (expected {', '.join(DATA_SUFFIXES)}, a folder, "
        "or sqlite:///PATH)"
    )
