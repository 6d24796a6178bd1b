"""Inventory documents -> resources.

An inventory (format v1, docs/inventory.md) describes the organization, its systems, datasets,
cross-border transfers, entrusted processors, incidents, assessments and evidence. It may be
split over several YAML or JSON files; :func:`load_inventory` parses them, validates each file
against ``dsaudit/schemas/inventory.schema.json``, checks what a schema cannot (unique ids across
files, taxonomy categories, references between records) and turns every record into a
:class:`~dsaudit.models.Resource`.

Every problem is collected, and all of them are raised together as one
:class:`~dsaudit.errors.InventoryError` whose ``errors`` attribute lists one
``InventoryError`` per problem, each naming file and line.

Validation is two-speed: :func:`compile_fast_check` turns the same JSON Schema into plain
Python predicates that accept valid records quickly (jsonschema takes about a minute for 100,000
datasets); jsonschema runs only on what the fast check rejects, to produce the message. The fast
check is conservative: whatever it accepts, jsonschema accepts (tests/test_inventory.py checks
both agree).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from dsaudit.errors import DsauditError, InventoryError
from dsaudit.limits import Limits
from dsaudit.models import LineLocator, PathKey, Resource
from dsaudit.parsers.base import NoLines, ParsedDocument
from dsaudit.parsers.structured import parse_structured
from dsaudit.taxonomy import Taxonomy

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

MAX_ERRORS = 100
"""Stop collecting after this many problems (a systematically broken file would flood)."""

_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}

# (section, attribute path, target sections) for references between records.
_REFERENCES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("datasets", ("system",), ("systems",)),
    ("transfers", ("datasets",), ("datasets",)),
    ("processors", ("datasets",), ("datasets",)),
    ("incidents", ("datasets",), ("datasets",)),
    ("incidents", ("systems",), ("systems",)),
    ("assessments", ("covers",), tuple(SECTIONS)),
)
# (section, path to a category list or to a list of mappings with "category").
_CATEGORY_PATHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "datasets": (("fields", "*", "category"),),
    "transfers": (("categories", "*"),),
    "processors": (("contract", "categories", "*"),),
    "incidents": (("categories", "*"),),
}


@dataclass(slots=True)
class Inventory:
    """The merged inventory."""

    organization: dict[str, Any]
    """The organization profile (empty when no file has one)."""
    resources: list[Resource]
    """Organization first, then records in file order."""
    files: list[str] = field(default_factory=list)
    """Display paths of the files read, in the order given."""

    def of_kind(self, kind: str) -> list[Resource]:
        """The resources of one kind, in load order."""
        return [res for res in self.resources if res.kind == kind]


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
        if self.fast_document(data):
            return
        skeleton = {
            key: [] if key in SECTIONS and isinstance(value, list) else value
            for key, value in data.items()
        }
        error = best_match(self.document.iter_errors(skeleton))
        if error is not None:
            yield tuple(error.absolute_path), _describe(error)
        for section, kind in SECTIONS.items():
            records = data.get(section)
            if not isinstance(records, list):
                continue
            fast = self.fast_records[kind]
            for index, record in enumerate(records):
                if fast(record):
                    continue
                error = best_match(self.records[kind].iter_errors(record))
                if error is not None:
                    yield (section, index, *error.absolute_path), _describe(error)


@functools.cache
def _validator() -> _SchemaValidator:
    return _SchemaValidator(inventory_schema())


def _describe(error: ValidationError) -> str:
    """A readable message for one jsonschema error."""
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    instance = error.instance
    where = _pointer(error.absolute_path)
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
            parts.append(f"{key!r}" + (f" (did you mean {hint[0]!r}?)" if hint else ""))
        return (
            f"{prefix}unknown key {', '.join(parts)}; use an x_ prefix for your own extension keys"
        )
    if error.validator == "enum":
        options = schema.get("enum", [])
        hint = difflib.get_close_matches(str(instance), [str(o) for o in options], n=1)
        text = f"{prefix}{instance!r} is not one of {', '.join(map(str, options))}"
        return text + (f" (did you mean {hint[0]!r}?)" if hint else "")
    if error.validator in ("pattern", "format", "anyOf") and schema.get("description"):
        return f"{prefix}{instance!r} is not valid: expected {schema['description']}"
    if error.validator == "required":
        return f"{prefix or 'record: '}{error.message}"
    if error.validator == "const" and list(error.absolute_path) == ["version"]:
        return f"version: {instance!r} is not supported; this dsaudit reads inventory version 1"
    return f"{prefix}{error.message}"


def _pointer(path: Sequence[PathKey]) -> str:
    """``datasets[3].fields[0].category`` style display of a path."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _normalise(data: Any, errors: list[tuple[tuple[PathKey, ...], str]]) -> Any:
    """Turn YAML dates and times into ISO strings in place; flag non-string mapping keys."""
    stack: list[tuple[Any, tuple[PathKey, ...]]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if type(node) is dict:
            for key, value in node.items():
                if type(key) is not str:
                    errors.append(
                        ((*path,), f"mapping key {key!r} is not a string (quote it in YAML)")
                    )
                kind = type(value)
                if kind is dict or kind is list:
                    stack.append((value, (*path, key)))
                elif kind is dt.date or kind is dt.datetime:
                    node[key] = value.isoformat()
        elif type(node) is list:
            for index, value in enumerate(node):
                kind = type(value)
                if kind is dict or kind is list:
                    stack.append((value, (*path, index)))
                elif kind is dt.date or kind is dt.datetime:
                    node[index] = value.isoformat()
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


class _Loader:
    """State of one :func:`load_inventory` call."""

    def __init__(self, root: Path, limits: Limits, taxonomy: Taxonomy) -> None:
        self.root = root
        self.limits = limits
        self.taxonomy = taxonomy
        self.problems: list[InventoryError] = []
        self.truncated = 0
        self.organization: dict[str, Any] = {}
        self.org_resource: Resource | None = None
        self.resources: list[Resource] = []
        self.ids: dict[str, dict[str, Resource]] = {section: {} for section in SECTIONS}

    # -- problems -------------------------------------------------------------------
    def problem(self, message: str, file: str | None, line: int | None = None) -> None:
        if len(self.problems) >= MAX_ERRORS:
            self.truncated += 1
            return
        self.problems.append(InventoryError(message, file=file, line=line))

    def at(self, res: Resource, path: Sequence[PathKey], message: str) -> None:
        self.problem(message, res.file, _line(res.locator, (*res.base_path, *path)))

    # -- reading --------------------------------------------------------------------
    def display(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def read(self, path: Path) -> None:
        display = self.display(path)
        fmt = _FORMATS.get(path.suffix.lower())
        if fmt is None:
            self.problem(
                f"not an inventory file: expected .yaml, .yml or .json, got {path.suffix or 'none'}",
                display,
            )
            return
        try:
            size = path.stat().st_size
            if size > self.limits.max_file_bytes:
                self.problem(
                    f"file is {size} bytes; the limit max_file_bytes is "
                    f"{self.limits.max_file_bytes}",
                    display,
                )
                return
            content = path.read_bytes()
        except OSError as exc:
            self.problem(f"cannot read inventory file: {exc.strerror or exc}", display)
            return
        try:
            documents = parse_structured(display, content, fmt, self.limits)
        except DsauditError as exc:
            self.problem(exc.message, exc.file or display, exc.line)
            return
        for document in documents:
            self.document(display, fmt, document)

    def document(self, display: str, fmt: str, document: ParsedDocument) -> None:
        locator = document.locator or NoLines()
        found: list[tuple[tuple[PathKey, ...], str]] = []
        data = document.data
        if fmt != "json":
            data = _normalise(data, found)
            document.data = data
        if data is None:
            self.problem("empty inventory document; expected a mapping with version: 1", display)
            return
        if not isinstance(data, dict):
            self.problem(
                f"an inventory document is a mapping with version: 1, not a {type(data).__name__}",
                display,
                _line(locator, ()),
            )
            return
        if not found:
            found.extend(_validator().errors(data))
        if found:
            for path, message in found:
                self.problem(message, display, _line(locator, path))
            return
        meta = {"source": "inventory", "format": fmt, "document": document.index}
        if "organization" in data:
            self.add_organization(display, locator, data["organization"], meta)
        for section, kind in SECTIONS.items():
            for index, record in enumerate(data.get(section, ())):
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
                f"duplicate {section} id {res.id!r}: defined at {seen.location(('id',))} "
                f"and at {res.location(('id',))}",
            )
            return
        self.ids[section][res.id] = res
        self.resources.append(res)
        for path in _CATEGORY_PATHS.get(section, ()):
            for value_path, value in _values(res.attributes, path):
                if value not in self.taxonomy:
                    self.at(
                        res,
                        value_path,
                        f"{section} {res.id!r}: " + self.taxonomy.unknown_message(value),
                    )

    # -- cross-record checks ------------------------------------------------------------
    def check_references(self) -> None:
        for section, path, targets in _REFERENCES:
            known: dict[str, Resource] = {}
            for target in targets:
                for key, res in self.ids[target].items():
                    known.setdefault(key, res)
            target_text = " or ".join(targets) if len(targets) < 3 else "any section"
            for res in self.ids[section].values():
                for value_path, value in _values(res.attributes, (*path, "*")):
                    if value in known:
                        continue
                    hint = difflib.get_close_matches(value, list(known), n=1)
                    message = (
                        f"{section} {res.id!r}: {path[-1]} refers to {value!r}, "
                        f"which is not an id in {target_text}"
                    )
                    if hint:
                        message += f" (did you mean {hint[0]!r}?)"
                    self.at(res, value_path, message)

    def result(self, files: list[str]) -> Inventory:
        if self.problems:
            raise _combined(self.problems, self.truncated)
        resources = [self.org_resource] if self.org_resource else []
        return Inventory(self.organization, [*resources, *self.resources], files)


def _values(
    data: Any, path: Sequence[str], prefix: tuple[PathKey, ...] = ()
) -> Iterator[tuple[tuple[PathKey, ...], Any]]:
    """Values at ``path`` (``*`` = each list item; a scalar where a list is expected is itself)."""
    if not path:
        yield prefix, data
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from _values(item, rest, (*prefix, index))
        elif data is not None:
            yield from _values(data, rest, prefix)
    elif isinstance(data, Mapping) and head in data:
        yield from _values(data[head], rest, (*prefix, head))


def _line(locator: LineLocator | None, path: Sequence[PathKey]) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    if locator is None:
        return None
    full = tuple(path)
    while True:
        try:
            line = locator.line_of(full)
        except (KeyError, IndexError, TypeError):
            line = None
        if line is not None or not full:
            return line
        full = full[:-1]


def _combined(problems: list[InventoryError], truncated: int) -> InventoryError:
    """One error carrying every problem in ``errors``."""
    if len(problems) == 1 and not truncated:
        only = problems[0]
        error = InventoryError(only.message, file=only.file, line=only.line)
    else:
        lines = [f"  {problem}" for problem in problems]
        if truncated:
            lines.append(f"  ... and {truncated} more")
        count = len(problems) + truncated
        error = InventoryError(f"the inventory has {count} problems:\n" + "\n".join(lines))
    error.errors = list(problems)  # type: ignore[attr-defined]
    return error


def load_inventory(
    files: Sequence[Path], root: Path, limits: Limits, taxonomy: Taxonomy
) -> Inventory:
    """Load, validate and merge inventory files into resources.

    :param files: inventory files (YAML ``.yaml``/``.yml`` or JSON ``.json``), in load order.
    :param root: the audit root; resource files are POSIX paths relative to it.
    :param limits: parser limits.
    :param taxonomy: categories that ``fields[].category`` and friends may name.
    :raises InventoryError: with ``errors`` listing every problem (file:line each).
    """
    loader = _Loader(root, limits, taxonomy)
    displays = []
    for path in files:
        displays.append(loader.display(path))
        loader.read(path)
    if not loader.problems:
        loader.check_references()
    return loader.result(displays)


# -- fast schema check -------------------------------------------------------------------
# A compiler for the subset of JSON Schema the inventory schema uses. It errs on the side of
# rejecting: a rejected value is re-validated by jsonschema, which has the last word.

Check = Callable[[Any], bool]
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples"}
)
_TYPE_CHECKS: dict[str, Check] = {
    "object": lambda v: type(v) is dict,
    "array": lambda v: type(v) is list,
    "string": lambda v: type(v) is str,
    "integer": lambda v: type(v) is int,
    "number": lambda v: type(v) is int or type(v) is float,
    "boolean": lambda v: type(v) is bool,
    "null": lambda v: v is None,
}


def _is_iso_date(value: Any) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def compile_fast_check(root: Mapping[str, Any]) -> Check:
    """Compile ``root`` (a draft 2020-12 schema) into a predicate that never accepts too much.

    Supports ``type`` (one name), ``enum``, ``const``, ``pattern``, ``format: date``,
    ``minLength``/``maxLength``, ``minimum``/``maximum``, ``required``, ``properties``,
    ``patternProperties``, ``additionalProperties: false``, ``items``, ``uniqueItems``, ``anyOf``
    and local ``$ref``. Anything else raises ``ValueError`` (so the schema cannot outgrow it).
    """
    defs: Mapping[str, Any] = root.get("$defs", {})
    compiled: dict[str, Check] = {}

    def ref(target: str) -> Check:
        name = target.removeprefix("#/$defs/")
        if name == target or name not in defs:
            raise ValueError(f"fast check: unsupported $ref {target!r}")
        if name not in compiled:
            compiled[name] = lambda v: compiled[name](v)  # placeholder for recursion
            compiled[name] = build(defs[name])
        return compiled[name]

    def build(schema: Mapping[str, Any]) -> Check:
        checks: list[Check] = []
        for keyword, arg in schema.items():
            if keyword in _ANNOTATIONS or keyword in ("properties", "patternProperties"):
                continue
            builder = _KEYWORDS.get(keyword)
            if builder is None:
                raise ValueError(f"fast check: unsupported keyword {keyword!r}")
            checks.append(builder(arg, schema, build, ref))
        if "properties" in schema or "patternProperties" in schema:
            if "additionalProperties" not in schema:
                checks.append(_object_check(schema, build))
        if not checks:
            return lambda v: True
        if len(checks) == 1:
            return checks[0]
        first, *rest = checks
        return lambda v: first(v) and all(check(v) for check in rest)

    return build(root)


def _object_check(schema: Mapping[str, Any], build: Callable[[Any], Check]) -> Check:
    props = {key: build(sub) for key, sub in schema.get("properties", {}).items()}
    patterns = [
        (re.compile(p), build(sub)) for p, sub in schema.get("patternProperties", {}).items()
    ]
    closed = schema.get("additionalProperties", True) is False
    required = tuple(schema.get("required", ()))
    if any(pattern.search(key) for key in props for pattern, _ in patterns):
        raise ValueError("fast check: a property name also matches a patternProperty")

    def check(value: Any) -> bool:
        if type(value) is not dict:
            return True  # not an object: "type" decides
        for key in required:
            if key not in value:
                return False
        for key, item in value.items():
            prop = props.get(key)
            if prop is not None:
                if not prop(item):
                    return False
                continue
            if type(key) is not str:
                return False
            matched = False
            for pattern, sub in patterns:
                if pattern.search(key):
                    matched = True
                    if not sub(item):
                        return False
            if not matched and closed:
                return False
        return True

    return check


def _kw_type(arg: Any, schema: Any, build: Any, ref: Any) -> Check:
    if not isinstance(arg, str):
        raise ValueError("fast check: only single-name types are supported")
    return _TYPE_CHECKS[arg]


def _kw_enum(arg: Any, schema: Any, build: Any, ref: Any) -> Check:
    if not all(type(option) is str for option in arg):
        raise ValueError("fast check: only string enums are supported")
    options = frozenset(arg)
    return lambda v: type(v) is str and v in options


def _kw_const(arg: Any, schema: Any, build: Any, ref: Any) -> Check:
    kind = type(arg)
    return lambda v: type(v) is kind and v == arg


def _kw_pattern(arg: Any, schema: Any, build: Any, ref: Any) -> Check:
    search = re.compile(arg).search
    return lambda v: type(v) is not str or search(v) is not None


def _kw_format(arg: Any, schema: Any, build: Any, ref: Any) -> Check:
    if arg != "date":
        raise ValueError(f"fast check: unsupported format {arg!r}")
    return lambda v: type(v) is not str or _is_iso_date(v)


def _kw_min_length(arg: Any, schema: Any, build: Any, ref: Any) -> Check:
    return lambda v: type(v) is not str or len(v) >= arg


def _kw_max_length(arg: Any, schema: Any, build: Any, ref: Any) -> Check:
    return lambda v: type(v) is not str or len(v) <= arg


def _kw_minimum(arg: Any, schema: Any, build: Any, ref: Any) -> Check:
    return lambda v: type(v) not in (int, float) or v >= arg


def _kw_maximum(arg: Any, schema: Any, build: Any, ref: Any) -> Check:
    return lambda v: type(v) not in (int, float) or v <= arg


def _kw_required(arg: Any, schema: Any, build: Any, ref: Any) -> Check:
    if "properties" in schema or "patternProperties" in schema:
        return lambda v: True  # handled by the object check
    names = tuple(arg)
    return lambda v: type(v) is not dict or all(name in v for name in names)


def _kw_additional(arg: Any, schema: Any, build: Any, ref: Any) -> Check:
    if arg is not False:
        raise ValueError("fast check: additionalProperties must be false")
    return _object_check(schema, build)


def _kw_items(arg: Any, schema: Any, build: Any, ref: Any) -> Check:
    item = build(arg)
    return lambda v: type(v) is not list or all(item(x) for x in v)


def _kw_unique(arg: Any, schema: Any, build: Any, ref: Any) -> Check:
    if arg is not True:
        return lambda v: True

    def check(value: Any) -> bool:
        if type(value) is not list:
            return True
        if not all(type(x) is str for x in value):
            return False  # let jsonschema decide on mixed or unhashable items
        return len(set(value)) == len(value)

    return check


def _kw_any_of(arg: Any, schema: Any, build: Any, ref: Any) -> Check:
    options = [build(sub) for sub in arg]
    return lambda v: any(option(v) for option in options)


def _kw_ref(arg: Any, schema: Any, build: Any, ref: Any) -> Check:
    return ref(arg)  # type: ignore[no-any-return]


_KEYWORDS: dict[str, Callable[[Any, Any, Any, Any], Check]] = {
    "type": _kw_type,
    "enum": _kw_enum,
    "const": _kw_const,
    "pattern": _kw_pattern,
    "format": _kw_format,
    "minLength": _kw_min_length,
    "maxLength": _kw_max_length,
    "minimum": _kw_minimum,
    "maximum": _kw_maximum,
    "required": _kw_required,
    "additionalProperties": _kw_additional,
    "items": _kw_items,
    "uniqueItems": _kw_unique,
    "anyOf": _kw_any_of,
    "$ref": _kw_ref,
}


__all__ = [
    "KINDS",
    "SCHEMA_ID",
    "SECTIONS",
    "Inventory",
    "compile_fast_check",
    "inventory_schema",
    "load_inventory",
]
