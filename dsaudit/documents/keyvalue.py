"""Built-in parsers for key-value config files: INI and ``.env``.

Both run the shared guards (:func:`dsaudit.documents.textguard.prepare`) and keep line numbers
in a lazy :class:`~dsaudit.documents.locators.LineMapLocator`; :mod:`.structured` registers them
with the YAML, JSON and TOML parsers.
"""

from __future__ import annotations

import configparser
import re
from pathlib import PurePosixPath
from typing import Any

from dsaudit.core.errors import ParseError
from dsaudit.core.limits import Limits
from dsaudit.core.quoting import clip_text, quote_value
from dsaudit.documents.base import ParsedDocument
from dsaudit.documents.locators import LineMapLocator, ini_line_map
from dsaudit.documents.textguard import prepare

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
        text = prepare(display_path, content, limits).decode("utf-8")
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
        text = prepare(display_path, content, limits)
        values, _ = parse_env(display_path, text.decode("utf-8"))
        if not values:
            return []
        return [ParsedDocument(values, LineMapLocator(text, _env_line_map))]
