"""What a valid inventory is: its JSON Schema, checked fast, and the messages for what is not.

``validator()`` accepts most documents through a compiled fast check
(:mod:`dsaudit.documents.schemacheck`) and asks jsonschema only for the messages of what it
rejects; :func:`describe_error` turns those into one line naming the key, with a suggestion for
a misspelt key or value. :data:`SECTIONS` and :data:`REFERENCES` say which record kinds there
are and which ids a record may name.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from dsaudit.core.models import PathKey
from dsaudit.core.quoting import clip_text, quote_value, with_value_quoted
from dsaudit.documents.schemacheck import compile_fast_check
from dsaudit.documents.schemacheck import pointer as _pointer

SCHEMA_ID = "https://dsaudit.dev/schemas/inventory-v1.json"

SECTIONS: dict[str, str] = {
    "systems": "system",
    "datasets": "dataset",
    "transfers": "transfer",
    "processors": "processor",
    "incidents": "incident",
    "assessments": "assessment",
    "evidence": "evidence",
}
"""Inventory list sections and the resource kind of their records."""

KINDS: tuple[str, ...] = ("organization", *SECTIONS.values())
"""Every resource kind the inventory yields."""

# References between records: section -> (attribute, sections its ids must come from).
REFERENCES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "datasets": (("system", ("systems",)),),
    "transfers": (("datasets", ("datasets",)),),
    "processors": (("datasets", ("datasets",)),),
    "incidents": (("datasets", ("datasets",)), ("systems", ("systems",))),
    "assessments": (("covers", tuple(SECTIONS)),),
}


def categories_of(section: str, record: Mapping[str, Any]) -> list[tuple[tuple[PathKey, ...], Any]]:
    """``(path, category)`` for every taxonomy name a (schema-valid) record uses."""
    if section == "datasets":
        fields = record.get("fields", ())
        return [((("fields", i, "category")), f["category"]) for i, f in enumerate(fields)]
    if section == "processors":
        names = record.get("contract", {}).get("categories", ())
        return [(("contract", "categories", i), name) for i, name in enumerate(names)]
    if section in ("transfers", "incidents"):
        return [(("categories", i), name) for i, name in enumerate(record.get("categories", ()))]
    if section == "systems":
        names = record.get("app_required_categories", ())
        return [(("app_required_categories", i), name) for i, name in enumerate(names)]
    if section == "assessments":
        names = record.get("approved_scope", {}).get("categories", ())
        return [(("approved_scope", "categories", i), name) for i, name in enumerate(names)]
    return []


def references_of(record: Mapping[str, Any], key: str) -> list[tuple[tuple[PathKey, ...], Any]]:
    """``(path, id)`` for the ids a (schema-valid) record names under ``key``."""
    value = record.get(key)
    if value is None:
        return []
    if isinstance(value, list):
        return [((key, i), item) for i, item in enumerate(value)]
    return [((key,), value)]


@functools.cache
def inventory_schema() -> dict[str, Any]:
    """The packaged inventory JSON Schema."""
    text = resources.files("dsaudit").joinpath("schemas/inventory.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


class _SchemaValidator:
    """Fast acceptance plus jsonschema messages, per document and per record kind."""

    def __init__(self, schema: dict[str, Any]) -> None:
        Draft202012Validator.check_schema(schema)
        checker = Draft202012Validator.FORMAT_CHECKER
        self.document = Draft202012Validator(schema, format_checker=checker)
        self.fast_document = compile_fast_check(schema)
        self.records: dict[str, Draft202012Validator] = {}
        self.fast_records = {}
        for kind in KINDS:
            sub = {
                "$schema": schema["$schema"],
                "$defs": schema["$defs"],
                "$ref": f"#/$defs/{kind}",
            }
            self.records[kind] = Draft202012Validator(sub, format_checker=checker)
            self.fast_records[kind] = compile_fast_check(sub)

    def errors(self, data: dict[str, Any]) -> Iterator[tuple[tuple[PathKey, ...], str]]:
        """Yield ``(path, message)`` for each invalid part of one inventory document."""
        skeleton = {
            key: [] if key in SECTIONS and isinstance(value, list) else value
            for key, value in data.items()
        }
        for error in _sorted(self.document.iter_errors(skeleton)):
            yield describe_error(error, ())
        for section, kind in SECTIONS.items():
            records = data.get(section)
            if not isinstance(records, list):
                continue
            fast = self.fast_records[kind]
            for index, record in enumerate(records):
                if fast(record):
                    continue
                rid = record.get("id") if isinstance(record, dict) else None
                label = f" ({clip_text(rid, 60)})" if isinstance(rid, str) else ""
                for error in _sorted(self.records[kind].iter_errors(record)):
                    path, message = describe_error(error, (section, index))
                    yield path, f"{section}[{index}]{label}: {message}"


def _sorted(errors: Iterable[ValidationError]) -> list[ValidationError]:
    """Every error, in document order; alternatives (anyOf) reduced to their best match."""
    found = []
    for error in errors:
        if error.context and error.validator != "anyOf":
            error = best_match(error.context) or error
        found.append(error)
    found.sort(key=lambda e: [str(p) for p in e.absolute_path])
    unique: dict[tuple[PathKey, ...], ValidationError] = {}
    for error in found:  # one message per value (a bad date breaks pattern and format)
        unique.setdefault(tuple(error.absolute_path), error)
    return list(unique.values())


@functools.cache
def validator() -> _SchemaValidator:
    return _SchemaValidator(inventory_schema())


def describe_error(
    error: ValidationError, base: tuple[PathKey, ...]
) -> tuple[tuple[PathKey, ...], str]:
    """The path to point at and a readable message for one jsonschema error."""
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    instance = error.instance
    path = (*base, *error.absolute_path)
    where = _pointer(error.absolute_path) if base else _pointer(path)
    prefix = f"{where}: " if where else ""
    if error.validator == "additionalProperties" and isinstance(instance, Mapping):
        allowed = list(schema.get("properties", {}))
        extra = [
            key
            for key in instance
            if key not in allowed and not (isinstance(key, str) and key.startswith("x_"))
        ]
        parts = []
        for key in extra:
            hint = difflib.get_close_matches(str(key), allowed, n=1)
            parts.append(quote_value(key) + (f" (did you mean {hint[0]!r}?)" if hint else ""))
        noun = "key" if len(extra) == 1 else "keys"
        message = (
            f"{prefix}unknown {noun} {', '.join(parts)}; "
            "use an x_ prefix for your own extension keys"
        )
        return ((*path, extra[0]) if extra else path), message
    if error.validator == "enum":
        options = schema.get("enum", [])
        hint = difflib.get_close_matches(str(instance), [str(o) for o in options], n=1)
        text = f"{prefix}{quote_value(instance)} is not one of {', '.join(map(str, options))}"
        return path, text + (f" (did you mean {hint[0]!r}?)" if hint else "")
    if error.validator in ("pattern", "format", "anyOf") and schema.get("description"):
        return (
            path,
            f"{prefix}{quote_value(instance)} is not valid: expected {schema['description']}",
        )
    if error.validator == "const" and path == ("version",):
        return (
            path,
            f"version: {quote_value(instance)} is not supported; this dsaudit reads version 1",
        )
    return path, f"{prefix}{with_value_quoted(error.message, instance)}"
