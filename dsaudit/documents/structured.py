"""Built-in parsers for structured config files: YAML, JSON, TOML, INI and ``.env``.

Every parser runs the same guards first (:mod:`dsaudit.documents.textguard`): size, encoding,
binary content, nesting depth. Parsing uses the fast loaders (libyaml, ``json``, ``tomllib``,
``configparser``) and returns plain data; line numbers come from lazy locators
(:mod:`dsaudit.documents.locators`, :mod:`dsaudit.documents.yamlsafe`) that re-read the text only
when a result asks for a line.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

from dsaudit.core.errors import LimitError, ParseError
from dsaudit.core.limits import Limits
from dsaudit.core.quoting import quote_value
from dsaudit.documents.base import ParsedDocument
from dsaudit.documents.fastyaml import RecordLines
from dsaudit.documents.keyvalue import EnvParser, IniParser
from dsaudit.documents.locators import (
    JsonIndex,
    JsonLocator,
    LineMapLocator,
    toml_line_map,
)
from dsaudit.documents.parsecache import ParseCache, cached_parse
from dsaudit.documents.textguard import (
    check_json_depth,
    check_size,
    prepare,
)
from dsaudit.documents.yamllines import RECORD_LINES_MIN_BYTES, YamlLocator, YamlSource
from dsaudit.documents.yamlsafe import load_yaml

__all__ = [
    "BUILTIN_PARSERS",
    "ENV_PARSER",
    "INI_PARSER",
    "JSON_PARSER",
    "TOML_PARSER",
    "YAML_PARSER",
    "EnvParser",
    "IniParser",
    "JsonParser",
    "TomlParser",
    "YamlParser",
    "check_size",
    "parse_structured",
]


def _depth_of(data: Any, max_depth: int) -> int:
    """Nesting depth of plain data, iteratively; stops just past ``max_depth``."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Sequence[Any] = list(value.values())
        elif isinstance(value, list):
            children = value
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if deepest > max_depth:
            return deepest
        stack.extend((child, depth) for child in children)
    return deepest


def _number_too_long(display_path: str, text: bytes, exc: Exception) -> ParseError:
    """Python refuses to convert integers of more than ``sys.get_int_max_str_digits()`` digits
    (4,300 by default) and raises a plain ValueError; report it as a parse error with its line."""
    digits = sys.get_int_max_str_digits() or 4300
    found = re.search(rb"[0-9_]{%d,}" % (digits + 1), text)
    line = text.count(b"\n", 0, found.start()) + 1 if found else None
    return ParseError(
        f"a number is too long to convert ({exc}); quote it if it is an identifier",
        file=display_path,
        line=line,
    )


def _check_data_depth(display_path: str, data: Any, limits: Limits) -> None:
    if _depth_of(data, limits.max_depth) > limits.max_depth:
        raise LimitError(
            f"nesting deeper than {limits.max_depth} levels (limits.max_depth)",
            limit="max_depth",
            file=display_path,
        )


# --- YAML -------------------------------------------------------------------------------


class YamlParser:
    """YAML 1.1 as PyYAML's safe loader reads it (``yes``/``on`` are booleans), via libyaml."""

    name = "yaml"
    cacheable = True

    def claims(self, path: PurePosixPath) -> bool:
        return path.suffix.lower() in (".yaml", ".yml")

    def parse(self, display_path: str, content: bytes, limits: Limits) -> list[ParsedDocument]:
        text = prepare(display_path, content, limits)
        records: RecordLines | None = {} if len(text) >= RECORD_LINES_MIN_BYTES else None
        try:
            loaded = load_yaml(display_path, text, limits, records)
        except (ValueError, IndexError) as exc:
            # Not YAMLErrors: int() of a 5,000-digit number on the fast path; "!!int ''".
            if "integer string conversion" in str(exc):
                raise _number_too_long(display_path, text, exc) from None
            raise ParseError(
                f"invalid YAML: a value cannot be constructed ({type(exc).__name__}: {exc})",
                file=display_path,
            ) from None
        if not loaded:
            return []
        source = YamlSource(text, records)
        return [ParsedDocument(data, YamlLocator(source, index), index) for index, data in loaded]


# --- JSON -------------------------------------------------------------------------------


class _DuplicateJsonKey(Exception):
    pass


def _strict_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _DuplicateJsonKey
    return obj


class JsonParser:
    """JSON via :func:`json.loads`; duplicate keys are an error."""

    name = "json"

    def claims(self, path: PurePosixPath) -> bool:
        return path.suffix.lower() == ".json"

    def parse(self, display_path: str, content: bytes, limits: Limits) -> list[ParsedDocument]:
        text = prepare(display_path, content, limits)
        if not text.strip():
            return []
        check_json_depth(display_path, text, limits.max_depth)
        try:
            data = json.loads(text, object_pairs_hook=_strict_object)
        except json.JSONDecodeError as exc:
            raise ParseError(
                f"invalid JSON: {exc.msg}, column {exc.colno}", file=display_path, line=exc.lineno
            ) from None
        except _DuplicateJsonKey:
            raise _json_duplicate_error(display_path, text) from None
        except ValueError as exc:
            raise _number_too_long(display_path, text, exc) from None
        except RecursionError:
            raise LimitError(
                "nesting too deep for the JSON decoder (limits.max_depth)",
                limit="max_depth",
                file=display_path,
            ) from None
        return [ParsedDocument(data, JsonLocator(text))]


def _json_duplicate_error(display_path: str, text: bytes) -> ParseError:
    found = JsonIndex(text.decode("utf-8")).find_duplicate_key()
    if found is None:  # pragma: no cover - the decoder saw one
        return ParseError("duplicate key", file=display_path)
    key, first_line, line = found
    return ParseError(
        f"duplicate key {quote_value(key)} (first at line {first_line})",
        file=display_path,
        line=line,
    )


# --- TOML -------------------------------------------------------------------------------

_TOML_AT_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


class TomlParser:
    """TOML 1.0 via :mod:`tomllib`."""

    name = "toml"
    cacheable = True

    def claims(self, path: PurePosixPath) -> bool:
        return path.suffix.lower() == ".toml"

    def parse(self, display_path: str, content: bytes, limits: Limits) -> list[ParsedDocument]:
        text = prepare(display_path, content, limits)
        if not text.strip():
            return []
        try:
            data = tomllib.loads(text.decode("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            where = _TOML_AT_LINE.search(message)
            line = int(where.group(1)) if where else None
            if where:
                message = message[: where.start()].rstrip() + f", column {where.group(2)}"
            raise ParseError(f"invalid TOML: {message}", file=display_path, line=line) from None
        except ValueError as exc:
            raise _number_too_long(display_path, text, exc) from None
        except RecursionError:
            raise LimitError(
                "nesting too deep for the TOML parser (limits.max_depth)",
                limit="max_depth",
                file=display_path,
            ) from None
        _check_data_depth(display_path, data, limits)
        return [ParsedDocument(data, LineMapLocator(text, toml_line_map))]


# --- INI --------------------------------------------------------------------------------


# --- .env -------------------------------------------------------------------------------


YAML_PARSER = YamlParser()
JSON_PARSER = JsonParser()
TOML_PARSER = TomlParser()
INI_PARSER = IniParser()
ENV_PARSER = EnvParser()
BUILTIN_PARSERS = (YAML_PARSER, JSON_PARSER, TOML_PARSER, INI_PARSER, ENV_PARSER)
_BY_NAME = {parser.name: parser for parser in BUILTIN_PARSERS}


def parse_structured(
    display_path: str,
    content: bytes,
    fmt: str,
    limits: Limits,
    cache: ParseCache | None = None,
) -> list[ParsedDocument]:
    """Parse ``content`` as ``fmt`` (``yaml``, ``json``, ``toml``, ``ini`` or ``env``), through
    the parse cache when one is given (and the format's parser is cacheable)."""
    try:
        parser = _BY_NAME[fmt]
    except KeyError:
        raise ValueError(f"unknown structured format {fmt!r}; known: {sorted(_BY_NAME)}") from None
    return cached_parse(
        cache, parser, content, limits, lambda: parser.parse(display_path, content, limits)
    )
