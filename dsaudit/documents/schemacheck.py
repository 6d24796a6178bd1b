"""A fast, conservative JSON Schema check: the schema compiled into plain Python predicates.

It supports the subset of JSON Schema the inventory schema uses and errs on the side of
rejecting: whatever it accepts, jsonschema accepts, and a rejected value is re-validated by
jsonschema, which has the last word (and writes the message). Object properties whose schema is
a bare type, a string enum or a date are checked inline (no call per value); that is what makes
100,000 inventory records cheap to validate.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dsaudit.core.models import PathKey

Check = Callable[[Any], bool]
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples"}
)
_PY_TYPES: dict[str, type] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "boolean": bool,
}
_SUPPORTED = frozenset(
    {
        "type",
        "enum",
        "const",
        "pattern",
        "format",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "required",
        "properties",
        "patternProperties",
        "additionalProperties",
        "items",
        "uniqueItems",
        "anyOf",
        "$ref",
    }
)
_DATE_TYPES = (dt.date, dt.datetime)


def _is_iso_date(value: Any) -> bool:
    if type(value) is not str or len(value) != 10 or value[4] != "-" or value[7] != "-":
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return value.isascii() and value[:4].isdigit()


class _FastCompiler:
    """Compiles one schema document; ``$ref`` targets are compiled once and shared."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.defs: Mapping[str, Any] = root.get("$defs", {})
        self.compiled: dict[str, Check] = {}

    def deref(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        """Follow a ``$ref`` that has nothing but annotations beside it."""
        while "$ref" in schema and set(schema) - _ANNOTATIONS == {"$ref"}:
            schema = self.defs[self.def_name(schema["$ref"])]
        return schema

    def def_name(self, target: str) -> str:
        name = target.removeprefix("#/$defs/")
        if name == target or name not in self.defs:
            raise ValueError(f"fast check: unsupported $ref {target!r}")
        return name

    def ref(self, target: str) -> Check:
        name = self.def_name(target)
        if name not in self.compiled:
            self.compiled[name] = lambda v: self.compiled[name](v)  # for recursive schemas
            self.compiled[name] = self.build(self.defs[name])
        return self.compiled[name]

    def build(self, schema: Mapping[str, Any]) -> Check:
        unknown = set(schema) - _SUPPORTED - _ANNOTATIONS
        if unknown:
            raise ValueError(f"fast check: unsupported keyword(s) {sorted(unknown)}")
        leaf = _string_leaf(self.deref(schema))
        if leaf is not None:
            return leaf
        checks: list[Check] = []
        if "$ref" in schema:
            checks.append(self.ref(schema["$ref"]))
        is_object = {"properties", "patternProperties", "additionalProperties", "required"} & set(
            schema
        )
        if "type" in schema and not (is_object and schema["type"] == "object"):
            checks.append(_type_check(schema["type"]))
        if "enum" in schema:
            options = _string_options(schema["enum"])
            checks.append(lambda v: type(v) is str and v in options)
        if "const" in schema:
            const, const_type = schema["const"], type(schema["const"])
            checks.append(lambda v: type(v) is const_type and v == const)
        checks.extend(_string_checks(schema))
        checks.extend(_number_checks(schema))
        if is_object:
            checks.append(self.object_check(schema, strict=schema.get("type") == "object"))
        if "items" in schema:
            checks.append(_items_check(self.build(schema["items"])))
        if schema.get("uniqueItems") is True:
            checks.append(_unique)
        if "anyOf" in schema:
            options_ = [self.build(sub) for sub in schema["anyOf"]]
            checks.append(lambda v: any(option(v) for option in options_))
        return _all_of(checks)

    def object_check(self, schema: Mapping[str, Any], strict: bool) -> Check:
        # Each property gets (how, argument); the common shapes are checked inline.
        table: dict[str, tuple[int, Any]] = {}
        for key, sub in schema.get("properties", {}).items():
            table[key] = self.property_spec(sub)
        patterns = [
            (re.compile(p), self.build(sub))
            for p, sub in schema.get("patternProperties", {}).items()
        ]
        if any(pattern.search(key) for pattern, _ in patterns for key in table):
            raise ValueError("fast check: a property name also matches a patternProperty")
        additional = schema.get("additionalProperties", True)
        if additional not in (True, False):
            raise ValueError("fast check: additionalProperties must be true or false")
        closed = additional is False
        required = tuple(schema.get("required", ()))

        def check(value: Any) -> bool:
            if type(value) is not dict:
                return not strict
            for key in required:
                if key not in value:
                    return False
            for key, item in value.items():
                spec = table.get(key)
                if spec is None:
                    if not _pattern_ok(key, item, patterns, closed):
                        return False
                    if type(item) in _DATE_TYPES:  # an extension value: normalise it too
                        value[key] = item.isoformat()
                    elif type(item) is dict or type(item) is list:
                        odd: list[tuple[tuple[PathKey, ...], str]] = []
                        normalise(item, odd)
                        if odd:
                            return False  # the slow path reports the non-string key
                    continue
                how, arg = spec
                if how == _TYPED:
                    if type(item) is not arg:
                        return False
                elif how == _ENUM:
                    if type(item) is not str or item not in arg:
                        return False
                elif how == _DATE:
                    if type(item) in _DATE_TYPES:
                        item = value[key] = item.isoformat()  # YAML date -> ISO string
                    if not _is_iso_date(item):
                        return False
                elif how == _STRING:
                    if type(item) in _DATE_TYPES:
                        item = value[key] = item.isoformat()  # YAML timestamp -> ISO string
                    if not arg(item):
                        return False
                elif how == _INT:
                    if type(item) is not int or not arg[0] <= item <= arg[1]:
                        return False
                elif how == _STRINGS:
                    if type(item) is not list:
                        return False
                    for element in item:
                        if type(element) is not str:
                            return False
                elif not arg(item):
                    return False
            return True

        return check

    def property_spec(self, sub: Mapping[str, Any]) -> tuple[int, Any]:
        plain = self.deref(sub)
        rest = set(plain) - _ANNOTATIONS
        kind = plain.get("type")
        if rest == {"type"} and kind in _PY_TYPES:
            return _TYPED, _PY_TYPES[kind]
        if rest == {"enum"} and all(type(o) is str for o in plain["enum"]):
            return _ENUM, frozenset(plain["enum"])
        if plain.get("format") == "date" and rest == {"type", "format", "pattern"}:
            return _DATE, None
        leaf = _string_leaf(plain)
        if leaf is not None:
            return _STRING, leaf
        if kind == "integer" and rest <= {"type", "minimum", "maximum"}:
            return _INT, (plain.get("minimum", -math.inf), plain.get("maximum", math.inf))
        items = plain.get("items", {})
        if (
            kind == "array"
            and rest == {"type", "items"}
            and set(items) - _ANNOTATIONS == {"type"}
            and items["type"] == "string"
        ):
            return _STRINGS, None
        return _CALL, self.build(sub)


_TYPED, _ENUM, _DATE, _STRING, _INT, _STRINGS, _CALL = range(7)


def _pattern_ok(
    key: Any, item: Any, patterns: list[tuple[re.Pattern[str], Check]], closed: bool
) -> bool:
    """Check a key that is not a declared property against ``patternProperties``."""
    if type(key) is not str:
        return False
    matched = False
    for pattern, sub in patterns:
        if pattern.search(key):
            matched = True
            if not sub(item):
                return False
    return matched or not closed


def compile_fast_check(root: Mapping[str, Any]) -> Check:
    """Compile ``root`` (a draft 2020-12 schema) into a predicate that never accepts too much.

    Whatever the predicate accepts, jsonschema accepts; it may reject more (then ask jsonschema).
    It turns YAML ``datetime.date`` values of ``format: date`` properties into ISO strings in
    place as it goes. Supports ``type`` (one name), ``enum``, ``const``, ``pattern``, ``format:
    date``, ``minLength``/``maxLength``, ``minimum``/``maximum``, ``required``, ``properties``,
    ``patternProperties``, ``additionalProperties``, ``items``, ``uniqueItems``, ``anyOf`` and
    local ``$ref``; any other keyword raises ``ValueError``, so the schema cannot outgrow it.
    """
    return _FastCompiler(root).build(root)


def _string_leaf(schema: Mapping[str, Any]) -> Check | None:
    """One fused predicate for a string schema without subschemas, else None."""
    rest = set(schema) - _ANNOTATIONS
    if schema.get("type") != "string" or not rest <= {
        "type",
        "pattern",
        "minLength",
        "maxLength",
        "format",
    }:
        return None
    if schema.get("format", "date") != "date":
        raise ValueError(f"fast check: unsupported format {schema['format']!r}")
    search = re.compile(schema["pattern"]).search if "pattern" in schema else None
    low = schema.get("minLength", 0)
    high = schema.get("maxLength", math.inf)
    is_date = "format" in schema

    def check(value: Any) -> bool:
        if type(value) is not str or not low <= len(value) <= high:
            return False
        if search is not None and search(value) is None:
            return False
        return not is_date or _is_iso_date(value)

    return check


def _all_of(checks: list[Check]) -> Check:
    """One predicate for several (unrolled for the common small counts)."""
    if not checks:
        return lambda v: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        a, b = checks
        return lambda v: a(v) and b(v)
    a, b, *rest = checks
    tail = _all_of(rest)
    return lambda v: a(v) and b(v) and tail(v)


def _items_check(item: Check) -> Check:
    def check(value: Any) -> bool:
        if type(value) is not list:
            return True
        for element in value:  # noqa: SIM110 (a plain loop is faster than all() here)
            if not item(element):
                return False
        return True

    return check


def _type_check(name: Any) -> Check:
    if name == "number":
        return lambda v: type(v) is int or type(v) is float
    if name == "null":
        return lambda v: v is None
    if not isinstance(name, str) or name not in _PY_TYPES:
        raise ValueError(f"fast check: unsupported type {name!r}")
    expected = _PY_TYPES[name]
    return lambda v: type(v) is expected


def _string_options(options: Any) -> frozenset[str]:
    if not all(type(option) is str for option in options):
        raise ValueError("fast check: only string enums are supported")
    return frozenset(options)


def _string_checks(schema: Mapping[str, Any]) -> list[Check]:
    checks: list[Check] = []
    if "pattern" in schema:
        search = re.compile(schema["pattern"]).search
        checks.append(lambda v: type(v) is not str or search(v) is not None)
    if "format" in schema:
        if schema["format"] != "date":
            raise ValueError(f"fast check: unsupported format {schema['format']!r}")
        checks.append(lambda v: type(v) is not str or _is_iso_date(v))
    low, high = schema.get("minLength"), schema.get("maxLength")
    if low is not None:
        checks.append(lambda v: type(v) is not str or len(v) >= low)
    if high is not None:
        checks.append(lambda v: type(v) is not str or len(v) <= high)
    return checks


def _number_checks(schema: Mapping[str, Any]) -> list[Check]:
    checks: list[Check] = []
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None:
        checks.append(lambda v: type(v) not in (int, float) or v >= low)
    if high is not None:
        checks.append(lambda v: type(v) not in (int, float) or v <= high)
    return checks


def _unique(value: Any) -> bool:
    if type(value) is not list:
        return True
    if not all(type(x) is str for x in value):
        return False  # mixed or unhashable items: let jsonschema decide
    return len(set(value)) == len(value)


def pointer(path: Sequence[PathKey]) -> str:
    """``datasets[3].fields[0].category`` style display of a path."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def normalise(data: Any, errors: list[tuple[tuple[PathKey, ...], str]]) -> Any:
    """Turn YAML dates and times into ISO strings in place; flag non-string mapping keys."""
    stack: list[tuple[Any, tuple[PathKey, ...]]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if type(node) is dict:
            for key, value in node.items():
                if type(key) is not str:
                    where = f"{pointer(path)}: " if path else ""
                    message = f"{where}mapping key {key!r} is not a string (quote it in YAML)"
                    errors.append((path, message))
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
