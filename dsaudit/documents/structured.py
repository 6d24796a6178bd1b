"""Built-in parsers for structured config files: YAML, JSON, TOML, INI and ``.env``.

Every parser runs the same guards first (:mod:`dsaudit.documents.textguard`): size, encoding,
binary content, nesting depth. Parsing uses the fast loaders (libyaml, ``json``, ``tomllib``,
``configparser``) and returns plain data; line numbers come from lazy locators
(:mod:`dsaudit.documents.locators`, :mod:`dsaudit.documents.yamlsafe`) that re-read the text only
when a result asks for a line.
"""

from __future__ import annotations

import configparser
import json
import re
import sys
import tomllib
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

from dsaudit.core.errors import LimitError, ParseError
from dsaudit.core.limits import Limits
from dsaudit.core.quoting import clip_text, quote_value
from dsaudit.documents.base import ParsedDocument
from dsaudit.documents.fastyaml import RecordLines
from dsaudit.documents.locators import (
    JsonIndex,
    JsonLocator,
    LineMapLocator,
    ini_line_map,
    toml_line_map,
)
from dsaudit.documents.parsecache import ParseCache, cached_parse
from dsaudit.documents.textguard import (
    check_json_depth,
    check_length,
    check_size,
    to_utf8,
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


def _prepare(display_path: str, content: bytes, limits: Limits) -> bytes:
    """Size and encoding guards shared by every format; returns UTF-8 without BOM."""
    check_length(display_path, content, limits)
    return to_utf8(display_path, content)


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
        text = _prepare(display_path, content, limits)
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
        text = _prepare(display_path, content, limits)
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
        text = _prepare(display_path, content, limits)
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

_TOP_SECTION = "\x00top"
_NO_DEFAULT_SECTION = "\x00no-default"


class IniParser:
    """INI via :mod:`configparser`: no interpolation, key case kept, keys without values
    allowed (``None``), inline comments after whitespace + ``#``/``;``. Sections become
    nested dicts (with ``[DEFAULT]`` values inherited, as configparser does); keys before
    the first section are top-level keys."""

    name = "ini"
    cacheable = True

    def claims(self, path: PurePosixPath) -> bool:
        return path.suffix.lower() in (".ini", ".cfg")

    def parse(self, display_path: str, content: bytes, limits: Limits) -> list[ParsedDocument]:
        text = _prepare(display_path, content, limits).decode("utf-8")
        if not text.strip():
            return []
        parser = _new_config_parser()
        offset = 0
        try:
            try:
                parser.read_string(text, source=display_path)
            except configparser.MissingSectionHeaderError:
                parser = _new_config_parser()
                offset = 1
                parser.read_string(f"[{_TOP_SECTION}]\n{text}", source=display_path)
        except configparser.Error as exc:
            raise _ini_error(display_path, exc, offset) from None
        except AttributeError:  # CPython bug: a continuation line after a key without value
            raise ParseError(
                "invalid INI: an indented continuation line follows a key without a value",
                file=display_path,
                line=_continued_bare_key_line(text),
            ) from None
        data: dict[str, Any] = {}
        defaults: dict[str, Any] = {}
        if parser.has_section("DEFAULT"):
            defaults = dict(parser.items("DEFAULT", raw=True))
        for section in parser.sections():
            own = dict(parser.items(section, raw=True))
            if section == _TOP_SECTION:
                data.update(own)
            elif section == "DEFAULT":
                data[section] = own
            else:
                data[section] = {**defaults, **own}
        encoded = text.encode("utf-8")
        return [ParsedDocument(data, LineMapLocator(encoded, ini_line_map))]


def _continued_bare_key_line(text: str) -> int | None:
    """Line of the first indented line that follows a key without ``=``/``:``."""
    previous_bare = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if previous_bare and stripped and line[:1] in (" ", "\t"):
            return number
        previous_bare = (
            bool(stripped)
            and not stripped.startswith(("#", ";", "["))
            and not ("=" in stripped or ":" in stripped)
        )
    return None


def _new_config_parser() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(
        interpolation=None,
        strict=True,
        allow_no_value=True,
        inline_comment_prefixes=("#", ";"),
        default_section=_NO_DEFAULT_SECTION,  # [DEFAULT] is inherited by hand, see parse()
    )
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    return parser


def _ini_error(display_path: str, exc: configparser.Error, offset: int) -> ParseError:
    line: int | None = getattr(exc, "lineno", None)
    if isinstance(exc, configparser.ParsingError) and exc.errors:
        line = exc.errors[0][0]
        message = "invalid INI: not a [section], key = value or comment line"  # no quote: secrets
    elif isinstance(exc, configparser.DuplicateOptionError):
        message = f"duplicate key {quote_value(exc.option)} in section [{clip_text(exc.section)}]"
    elif isinstance(exc, configparser.DuplicateSectionError):
        message = f"duplicate section [{exc.section}]"
    else:
        message = f"invalid INI: {exc.message}"
    if line is not None:
        line -= offset
    return ParseError(message, file=display_path, line=line)


# --- .env -------------------------------------------------------------------------------

_ENV_KEY = re.compile(r"[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*=[ \t]*")
_ENV_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$"}


def parse_env(display_path: str, text: str) -> tuple[dict[str, str], dict[str, int]]:
    """Parse ``.env`` text into values and key lines; the last assignment of a key wins."""
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    pos = 0
    line = 1
    length = len(text)
    while pos < length:
        end = text.find("\n", pos)
        if end < 0:
            end = length
        raw = text[pos:end]
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            pos, line = end + 1, line + 1
            continue
        match = _ENV_KEY.match(text, pos, end)
        if match is None:
            raise ParseError(  # the line is not quoted: it may hold a secret
                "expected KEY=VALUE, found a line without '=' after a name",
                file=display_path,
                line=line,
            )
        key = match.group(1)
        start_line = line
        value_at = match.end()
        quote = text[value_at : value_at + 1]
        if quote in ("'", '"'):
            value, close = _env_quoted(text, value_at, quote)
            if close < 0:
                raise ParseError(
                    f"unterminated {quote} quote in the value of {key}",
                    file=display_path,
                    line=start_line,
                )
            line += text.count("\n", value_at, close)
            end = text.find("\n", close)
            if end < 0:
                end = length
            rest = text[close + 1 : end].strip()
            if rest and not rest.startswith("#"):
                raise ParseError(
                    f"unexpected text after the quoted value of {key}: {rest[:40]!r}",
                    file=display_path,
                    line=line,
                )
        else:
            value = text[value_at:end]
            comment = re.search(r"[ \t]#", value)
            if comment:
                value = value[: comment.start()]
            value = value.strip()
        values[key] = value
        lines[key] = start_line
        pos, line = end + 1, line + 1
    return values, lines


def _env_quoted(text: str, at: int, quote: str) -> tuple[str, int]:
    """Value of a quoted string starting at ``at`` and the offset of its closing quote."""
    if quote == "'":
        close = text.find("'", at + 1)
        return (text[at + 1 : close], close) if close >= 0 else ("", -1)
    out: list[str] = []
    i = at + 1
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append(_ENV_ESCAPES.get(nxt, "\\" + nxt))
            i += 2
        elif char == '"':
            return "".join(out), i
        else:
            out.append(char)
            i += 1
    return "", -1


def _env_line_map(text: str) -> dict[tuple[Any, ...], int]:
    _, lines = parse_env("", text)
    return {(key,): line for key, line in lines.items()}


class EnvParser:
    """``.env`` files: ``KEY=VALUE``, ``export KEY=VALUE``, quotes, ``#`` comments."""

    name = "env"
    cacheable = True

    def claims(self, path: PurePosixPath) -> bool:
        name = path.name.lower()
        return name == ".env" or name.endswith(".env") or name.startswith(".env.")

    def parse(self, display_path: str, content: bytes, limits: Limits) -> list[ParsedDocument]:
        text = _prepare(display_path, content, limits)
        values, _ = parse_env(display_path, text.decode("utf-8"))
        if not values:
            return []
        return [ParsedDocument(values, LineMapLocator(text, _env_line_map))]


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
