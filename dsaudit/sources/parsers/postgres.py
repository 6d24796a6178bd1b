"""PostgreSQL: ``postgresql.conf`` and ``pg_hba.conf``.

``postgresql.conf`` -> ``{"format": "postgresql_conf", "settings": {"ssl": true,
"listen_addresses": "*", "password_encryption": "scram-sha-256", ...},
"listens_on_all_interfaces": bool, "includes": [...], "origins": {...}}``. Names are
case-insensitive (stored lower-case); the **last** value wins, as in PostgreSQL; ``include``,
``include_if_exists`` and ``include_dir`` are merged where they stand, and a
``postgresql.auto.conf`` next to the file (``ALTER SYSTEM``) is read last. Boolean words
(``on``/``off``/``true``/``false``/``yes``/``no``) become booleans, plain integers integers;
``listen_addresses`` defaults to ``localhost``.

``pg_hba.conf`` -> ``{"format": "pg_hba", "entries": [{"type": "hostssl",
"database": ["all"], "user": ["app"], "address": "10.0.0.0/8", "netmask": None,
"method": "scram-sha-256", "options": {}, "remote": true, "encrypted": true,
"unencrypted_remote": false}]}``. ``remote``
is false for ``local`` lines and loopback or ``samehost`` addresses; ``encrypted`` is true for
``local``, ``hostssl`` and ``hostgssenc`` lines; ``unencrypted_remote`` is a remote line that
is not encrypted and does not ``reject``. Lines may be continued with ``\\``
(PostgreSQL 16). A line with an unknown type or method, or too few fields, is a ParseError.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any

from dsaudit.core.errors import ParseError
from dsaudit.core.limits import Limits
from dsaudit.documents.base import ParsedDocument
from dsaudit.sources.parsers.lines import (
    Includes,
    LineMap,
    decode,
    join_continuations,
    physical_lines,
    strip_comment,
    to_scalar,
)

BOOL_WORDS = {"on": True, "off": False, "true": True, "false": False, "yes": True, "no": False}
ALL_INTERFACES = frozenset({"*", "0.0.0.0", "::"})
HBA_TYPES = frozenset({"local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc"})
HBA_METHODS = frozenset(
    {"trust", "reject", "scram-sha-256", "md5", "password", "gss", "sspi", "ident", "peer",
     "pam", "ldap", "radius", "cert", "bsd", "oauth"}
)  # fmt: skip
LOOPBACK = frozenset({"127.0.0.1/32", "::1/128", "localhost", "samehost", "127.0.0.1", "::1"})
_SETTING = re.compile(
    r"""^(?P<name>[A-Za-z_][A-Za-z0-9_.]*)\s*=?\s*
        (?P<value>'(?:[^'\\]|\\.|'')*'|[^\s#']+)?\s*$""",
    re.VERBOSE,
)


def _pg_value(raw: str | None) -> Any:
    if raw is None:
        return ""
    if raw.startswith("'"):
        text = raw[1:-1].replace("''", "'")
        text = re.sub(r"\\(.)", r"\1", text)
    else:
        text = raw
    lowered = text.lower()
    if lowered in BOOL_WORDS:
        return BOOL_WORDS[lowered]
    return to_scalar(text)


class _Conf:
    def __init__(self, display_path: str, includes: Includes) -> None:
        self.display_path = display_path
        self.includes = includes
        self.settings: dict[str, Any] = {}
        self.lines = LineMap()
        self.origins: dict[str, str] = {}

    def read(self, path: str, text: str, top: int | None) -> None:
        for line in physical_lines(text):
            code, _ = strip_comment(line.text, quotes="'")
            code = code.strip()
            if not code:
                continue
            m = _SETTING.match(code)
            if not m:
                raise ParseError(f"malformed line: {code!r} (expected 'name = value')",
                                 file=path, line=line.number)  # fmt: skip
            name = m.group("name").lower()
            where = top if top is not None else line.number
            if name in ("include", "include_if_exists", "include_dir"):
                target = _pg_value(m.group("value"))
                if not isinstance(target, str) or not target:
                    raise ParseError(f"{name} needs a file name in quotes", file=path,
                                     line=line.number)  # fmt: skip
                pattern = target.rstrip("/") + "/*.conf" if name == "include_dir" else target
                self.merge(pattern, path, where, optional=name != "include")
                continue
            self.settings[name] = _pg_value(m.group("value"))
            self.lines.set(("settings", name), where)
            if top is not None:
                self.origins[f"settings.{name}"] = f"{path}:{line.number}"
            else:
                self.origins.pop(f"settings.{name}", None)

    def merge(self, pattern: str, path: str, where: int, *, optional: bool) -> None:
        for inc in self.includes.resolve(pattern, where, including=path, optional=optional):
            self.includes.enter(inc.path)
            try:
                self.read(inc.path, inc.text, where)
            finally:
                self.includes.leave()


def _listens_everywhere(value: Any) -> bool:
    items = {part.strip() for part in str(value).split(",")}
    return bool(items & ALL_INTERFACES)


def parse_postgresql_conf(
    display_path: str, content: bytes, limits: Limits, root: Path | None = None
) -> ParsedDocument:
    """Parse postgresql.conf (includes and a sibling postgresql.auto.conf with ``root``)."""
    text = decode(display_path, content, limits)
    includes = Includes(root, display_path, limits)
    conf = _Conf(display_path, includes)
    conf.read(display_path, text, None)
    if root is not None and PurePosixPath(display_path).name == "postgresql.conf":
        conf.merge("postgresql.auto.conf", display_path, text.count("\n") + 1, optional=True)
    listen = conf.settings.get("listen_addresses", "localhost")
    data = {
        "format": "postgresql_conf",
        "settings": conf.settings,
        "listens_on_all_interfaces": _listens_everywhere(listen),
        "includes": includes.as_list(),
        "origins": conf.origins,
    }
    line = conf.lines.line_of(("settings", "listen_addresses"))
    if line is not None and "listen_addresses" in conf.settings:
        conf.lines.set(("listens_on_all_interfaces",), line)
    return ParsedDocument(data=data, locator=conf.lines)


def _hba_fields(text: str, path: str, line: int) -> list[tuple[str, bool]]:
    """Fields of a pg_hba line: ``(text, was_quoted)``; a comma list stays one field."""
    fields: list[tuple[str, bool]] = []
    buf: list[str] = []
    quoted = in_quote = False
    for ch in text:
        if in_quote:
            if ch == '"':
                in_quote = False
            else:
                buf.append(ch)
        elif ch == '"':
            in_quote = quoted = True
        elif ch.isspace():
            if buf or quoted:
                fields.append(("".join(buf), quoted))
                buf, quoted = [], False
        else:
            buf.append(ch)
    if in_quote:
        raise ParseError('unterminated " quote', file=path, line=line)
    if buf or quoted:
        fields.append(("".join(buf), quoted))
    return fields


def _hba_entry(fields: list[tuple[str, bool]], path: str, line: int) -> dict[str, Any]:
    kind = fields[0][0].lower()
    if kind not in HBA_TYPES:
        raise ParseError(f"unknown connection type {fields[0][0]!r} (expected one of "
                         f"{', '.join(sorted(HBA_TYPES))})", file=path, line=line)  # fmt: skip
    needed = 4 if kind == "local" else 5
    if len(fields) < needed:
        raise ParseError(f"{kind} line needs at least {needed} fields (type, database, user"
                         f"{'' if kind == 'local' else ', address'}, method)",
                         file=path, line=line)  # fmt: skip
    database = [d for d in fields[1][0].split(",") if d]
    user = [u for u in fields[2][0].split(",") if u]
    rest = fields[3:]
    address = netmask = None
    if kind != "local":
        address = rest[0][0]
        rest = rest[1:]
        if (
            rest
            and re.fullmatch(r"[0-9.]+|[0-9a-fA-F:]+:[0-9a-fA-F:]*", rest[0][0])
            and ("/" not in address)
        ):
            netmask = rest[0][0]
            rest = rest[1:]
    if not rest:
        raise ParseError("missing authentication method", file=path, line=line)
    method = rest[0][0].lower()
    if method not in HBA_METHODS:
        raise ParseError(f"unknown authentication method {rest[0][0]!r}", file=path, line=line)
    options: dict[str, Any] = {}
    for text, _ in rest[1:]:
        key, sep, value = text.partition("=")
        if not sep:
            raise ParseError(f"authentication option {text!r} is not name=value", file=path,
                             line=line)  # fmt: skip
        options[key] = value
    remote = (
        kind != "local"
        and (address or "").lower() not in LOOPBACK
        and not (netmask == "255.255.255.255" and address == "127.0.0.1")
    )
    encrypted = kind in ("local", "hostssl", "hostgssenc")
    return {
        "type": kind,
        "database": database,
        "user": user,
        "address": address,
        "netmask": netmask,
        "method": method,
        "options": options,
        "remote": remote,
        "encrypted": encrypted,
        "unencrypted_remote": remote and not encrypted and method != "reject",
    }


class _Hba:
    def __init__(self, display_path: str, includes: Includes) -> None:
        self.includes = includes
        self.entries: list[dict[str, Any]] = []
        self.lines = LineMap()

    def read(self, path: str, text: str, top: int | None) -> None:
        for line in join_continuations(physical_lines(text)):
            code, _ = strip_comment(line.text, quotes='"')
            code = code.strip()
            if not code:
                continue
            fields = _hba_fields(code, path, line.number)
            where = top if top is not None else line.number
            keyword = fields[0][0].lower()
            if keyword in ("include", "include_if_exists", "include_dir"):
                if len(fields) != 2:
                    raise ParseError(f"{keyword} needs one file name", file=path,
                                     line=line.number)  # fmt: skip
                target = fields[1][0]
                pattern = target.rstrip("/") + "/*.conf" if keyword == "include_dir" else target
                optional = keyword != "include"
                for inc in self.includes.resolve(pattern, where, including=path,
                                                 optional=optional):  # fmt: skip
                    self.includes.enter(inc.path)
                    try:
                        self.read(inc.path, inc.text, where)
                    finally:
                        self.includes.leave()
                continue
            entry = _hba_entry(fields, path, line.number)
            if top is not None:
                entry["from"] = f"{path}:{line.number}"
            self.lines.set(("entries", len(self.entries)), where)
            self.entries.append(entry)


def parse_pg_hba(
    display_path: str, content: bytes, limits: Limits, root: Path | None = None
) -> ParsedDocument:
    """Parse pg_hba.conf into ``entries`` (includes merged with ``root``)."""
    text = decode(display_path, content, limits)
    includes = Includes(root, display_path, limits)
    hba = _Hba(display_path, includes)
    hba.read(display_path, text, None)
    data = {"format": "pg_hba", "entries": hba.entries, "includes": includes.as_list()}
    return ParsedDocument(data=data, locator=hba.lines)


class PostgresConfParser:
    """``postgresql.conf`` anywhere (the data folder or ``etc/postgresql/*/main``)."""

    name = "postgresql_conf"
    reads_includes = True

    def claims(self, path: PurePosixPath) -> bool:
        return path.name == "postgresql.conf"

    def parse(
        self, display_path: str, content: bytes, limits: Limits, root: Path | None = None
    ) -> list[ParsedDocument]:
        return [parse_postgresql_conf(display_path, content, limits, root)]


class PgHbaParser:
    """``pg_hba.conf`` anywhere."""

    name = "pg_hba"
    reads_includes = True

    def claims(self, path: PurePosixPath) -> bool:
        return path.name == "pg_hba.conf"

    def parse(
        self, display_path: str, content: bytes, limits: Limits, root: Path | None = None
    ) -> list[ParsedDocument]:
        return [parse_pg_hba(display_path, content, limits, root)]
