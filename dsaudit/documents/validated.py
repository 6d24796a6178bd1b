"""Read a document, parse it safely and validate it against a JSON Schema, in one call.

The project config, rule packs, waivers and baselines are all read the same way: through the
guarded reader (no FIFO, device or oversized file), parsed with the safe YAML/TOML/JSON
loaders (:mod:`dsaudit.documents.structured`), bare YAML/TOML dates turned into ISO strings,
and validated against a schema shipped in ``dsaudit/schemas/`` (or one a plugin supplies).
Every failure is raised as the caller's error type, naming the file and, where the document
has one, the line of the offending key.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from dsaudit.core.errors import ConfigError, DsauditError, SourceError
from dsaudit.core.limits import DEFAULT_LIMITS, Limits
from dsaudit.core.models import PathKey
from dsaudit.core.quoting import with_value_quoted
from dsaudit.documents.safe_read import FileBytes, read_guarded

Describe = Callable[[Any, ValidationError], str]
"""Turns a schema error (and the whole document) into the message the user reads."""


@dataclass(frozen=True, slots=True)
class Validated:
    """A document that passed its schema; ``data`` is None for an empty document."""

    data: Any
    locator: Any
    """Maps a key path to its line (``line_of``), or None when the format has no lines."""
    sha256: str


@cache
def shipped_schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``dsaudit/schemas/<name>`` shipped in the package."""
    text = resources.files("dsaudit").joinpath(f"schemas/{name}").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _shipped_validator(name: str) -> jsonschema.protocols.Validator:
    return validator_for(shipped_schema(name))


def validator_for(schema: Mapping[str, Any]) -> jsonschema.protocols.Validator:
    """A validator of the draft ``schema`` declares (its ``$schema``), checked to be valid."""
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(dict(schema))
    return cls(schema)


def iso_dates(value: Any) -> Any:
    """YAML and TOML read bare dates as date objects; the schemas expect ISO strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: iso_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [iso_dates(v) for v in value]
    return value


def line_of(locator: Any, path: Sequence[PathKey]) -> int | None:
    """The line of ``path`` or of its nearest ancestor that has one."""
    if locator is None:
        return None
    keys = tuple(path)
    while True:
        line: int | None = locator.line_of(keys)
        if line is not None or not keys:
            return line
        keys = keys[:-1]


def describe_plainly(data: Any, error: ValidationError) -> str:
    """``<what is wrong> (at 'key/path')``, with the offending value quoted and bounded; an
    unknown key is named with the closest allowed one and the list of allowed keys."""
    key = "/".join(str(p) for p in error.absolute_path) or "(top level)"
    unknown = unknown_keys(error)
    if unknown:
        allowed = sorted(
            (error.schema.get("properties") or {}) if isinstance(error.schema, dict) else ()
        )
        close = difflib.get_close_matches(unknown[0], allowed, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        names = ", ".join(repr(k) for k in unknown)
        where = "at the top level" if key == "(top level)" else f"in '{key}'"
        return f"unknown key {names} {where}{hint}; allowed: {', '.join(allowed)}"
    return f"{with_value_quoted(error.message, error.instance)} (at '{key}')"


def unknown_keys(error: ValidationError) -> list[str]:
    """The keys an ``additionalProperties: false`` error is about (empty for other errors)."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return []
    schema = error.schema if isinstance(error.schema, dict) else {}
    known = set(schema.get("properties") or {})
    patterns = list(schema.get("patternProperties") or {})
    return [
        str(k)
        for k in error.instance
        if k not in known and not any(re.search(p, str(k)) for p in patterns)
    ]


def read_document_bytes(
    path: Path,
    display: str,
    *,
    limits: Limits = DEFAULT_LIMITS,
    error: type[DsauditError] = ConfigError,
    reading: str = "file",
    raise_with: str | None = "limits.max_file_bytes",
) -> FileBytes:
    """The bytes and SHA-256 of ``path`` through the guarded reader, or ``error`` naming it."""
    try:
        return read_guarded(path, display, limits.max_file_bytes, raise_with=raise_with)
    except SourceError as exc:  # LimitError too: its message names the limit
        raise error(f"cannot read {reading}: {exc.message}", file=display) from None


def parse_document(
    display: str,
    content: bytes,
    fmt: str,
    *,
    limits: Limits = DEFAULT_LIMITS,
    error: type[DsauditError] = ConfigError,
    exactly_one: bool = False,
) -> tuple[Any, Any]:
    """``(data, locator)`` of the first document in ``content`` (``(None, None)``: empty)."""
    from dsaudit.documents.structured import parse_structured

    try:
        docs = parse_structured(display, content, fmt, limits)
    except SourceError as exc:
        raise error(exc.message, file=exc.file or display, line=exc.line) from exc
    if exactly_one and len(docs) != 1:
        kind = "YAML" if fmt == "yaml" else fmt.upper()
        raise error(f"expected exactly one {kind} document, found {len(docs)}", file=display)
    if not docs:
        return None, None
    return docs[0].data, docs[0].locator


def validate(
    data: Any,
    locator: Any,
    display: str,
    schema: str | Mapping[str, Any],
    *,
    error: type[DsauditError] = ConfigError,
    describe: Describe = describe_plainly,
) -> None:
    """Raise ``error`` for the most relevant way ``data`` breaks ``schema``, with its line.

    ``schema`` is the name of a shipped schema, or a schema itself (a plugin's section).
    """
    check = _shipped_validator(schema) if isinstance(schema, str) else validator_for(schema)
    found = best_match(check.iter_errors(data))
    if found is not None:
        raise error(describe(data, found), file=display, line=error_line(locator, found))


def error_line(locator: Any, found: ValidationError) -> int | None:
    """The line a schema error is about: an unknown key's own line, else the offending value's
    (or its nearest ancestor's)."""
    where = tuple(found.absolute_path)
    unknown = unknown_keys(found)
    line = line_of(locator, (*where, unknown[0])) if unknown else None
    return line or line_of(locator, where)


def schema_errors(
    data: Any,
    locator: Any,
    display: str,
    schema: str | Mapping[str, Any],
    *,
    error: type[DsauditError] = ConfigError,
    describe: Describe = describe_plainly,
) -> list[tuple[tuple[PathKey, ...], DsauditError]]:
    """Every way ``data`` breaks ``schema``: ``(key path, error)`` with its line, in line order.

    Unlike :func:`validate`, which raises the single most relevant error, this lists one error
    per failing place: a ``oneOf``/``anyOf`` failure is shown by its most relevant sub-error.
    """
    check = _shipped_validator(schema) if isinstance(schema, str) else validator_for(schema)
    out: list[tuple[tuple[PathKey, ...], DsauditError]] = []
    seen: set[tuple[int | None, str]] = set()
    for top in check.iter_errors(data):
        found = best_match([top]) or top
        where = tuple(found.absolute_path)
        line = error_line(locator, found)
        message = describe(data, found)
        if (line, message) in seen:
            continue
        seen.add((line, message))
        out.append((where, error(message, file=display, line=line)))
    out.sort(key=lambda found: found[1].line or 0)
    return out


def load_validated(
    path: Path,
    display: str,
    fmt: str,
    schema: str | Mapping[str, Any],
    *,
    limits: Limits = DEFAULT_LIMITS,
    error: type[DsauditError] = ConfigError,
    reading: str = "file",
    describe: Describe = describe_plainly,
    exactly_one: bool = False,
    raise_with: str | None = "limits.max_file_bytes",
    select: Callable[[Any, Any], tuple[Any, Any]] | None = None,
) -> Validated:
    """Read, parse and validate ``path``; every failure is ``error`` with file and line.

    :param fmt: ``yaml``, ``json`` or ``toml`` (as :func:`parse_structured`).
    :param reading: what the file is, for "cannot read <reading>: ..." messages.
    :param select: picks the part of the document the schema is for (``[tool.dsaudit]``
        of a ``pyproject.toml``), given and returning ``(data, locator)``.
    """
    read = read_document_bytes(
        path, display, limits=limits, error=error, reading=reading, raise_with=raise_with
    )
    data, locator = parse_document(
        display, read.content, fmt, limits=limits, error=error, exactly_one=exactly_one
    )
    if select is not None and data is not None:
        data, locator = select(data, locator)
    if data is None:
        return Validated(None, None, read.sha256)
    data = iso_dates(data)
    validate(data, locator, display, schema, error=error, describe=describe)
    return Validated(data, locator, read.sha256)
