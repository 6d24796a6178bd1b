"""MySQL / MariaDB option files: ``my.cnf`` with ``!include`` and ``!includedir``.

Shape::

    {"format": "mycnf",
     "sections": {"mysqld": {"bind_address": "127.0.0.1", "require_secure_transport": true}},
     "server": {...},          # merged [mysqld], [server], [mariadb], [mysqld-8.0], ... in order
     "listens_on_all_interfaces": bool, "grant_tables_skipped": bool,
     "tls_versions": ["TLSv1.2", "TLSv1.3"] | None,        # server tls_version, split
     "includes": [...], "origins": {...}}

Option names are normalised as the servers do (``-`` and ``_`` are the same, case-insensitive,
a ``loose-`` prefix dropped); the **last** value wins. A bare option (``skip-name-resolve``) is
``true``; ``ON``/``OFF``/``TRUE``/``FALSE``/``YES``/``NO`` become booleans, integers integers.
``!include`` and ``!includedir`` (``*.cnf`` files in name order) are merged where they stand.
``listens_on_all_interfaces`` is true when ``bind_address`` is unset (the server default is
every interface), ``*``, ``0.0.0.0`` or ``::``, unless ``skip_networking`` is on.
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
    physical_lines,
    strip_comment,
    to_scalar,
)

BOOL_WORDS = {"on": True, "off": False, "true": True, "false": False, "yes": True, "no": False}
SERVER_SECTIONS = re.compile(r"^(mysqld|server|mariadb|mariadbd|mysqld-[\w.]+|mariadb-[\w.]+)$")
_OPTION = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def option_name(raw: str) -> str:
    """``Bind-Address`` -> ``bind_address``; ``loose-foo`` -> ``foo``."""
    name = raw.strip().lower().replace("-", "_")
    return name[6:] if name.startswith("loose_") else name


def _value(raw: str) -> Any:
    text = raw.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text.lower() in BOOL_WORDS:
        return BOOL_WORDS[text.lower()]
    return to_scalar(text)


class _Reader:
    def __init__(self, includes: Includes) -> None:
        self.includes = includes
        self.sections: dict[str, dict[str, Any]] = {}
        self.order: list[tuple[str, str, Any]] = []
        self.lines = LineMap()
        self.origins: dict[str, str] = {}

    def read(self, path: str, text: str, top: int | None) -> None:
        section: str | None = None
        for line in physical_lines(text):
            stripped = line.text.strip()
            where = top if top is not None else line.number
            if not stripped:
                continue
            if stripped[0] in "#;":
                continue
            if stripped.startswith("!"):
                directive, _, target = stripped.partition(" ")
                if directive not in ("!include", "!includedir") or not target.strip():
                    raise ParseError(f"malformed directive {stripped!r} (expected '!include "
                                     "FILE' or '!includedir DIR')", file=path,
                                     line=line.number)  # fmt: skip
                pattern = target.strip()
                if directive == "!includedir":
                    pattern = pattern.rstrip("/") + "/*.cnf"
                for inc in self.includes.resolve(pattern, where, including=path):
                    self.includes.enter(inc.path)
                    try:
                        self.read(inc.path, inc.text, where)
                    finally:
                        self.includes.leave()
                continue
            if stripped.startswith("["):
                if not stripped.endswith("]"):
                    raise ParseError(f"malformed section header {stripped!r}", file=path,
                                     line=line.number)  # fmt: skip
                section = stripped[1:-1].strip().lower()
                self.sections.setdefault(section, {})
                if self.lines.line_of(("sections", section)) is None:
                    self.lines.set(("sections", section), top if top is not None else line.number)
                continue
            if section is None:
                raise ParseError(f"option {stripped!r} is outside any [section]", file=path,
                                 line=line.number)  # fmt: skip
            code, _ = strip_comment(stripped)
            key, sep, raw = code.partition("=")
            if not _OPTION.match(key.strip()):
                raise ParseError(f"malformed line: {stripped!r} (expected 'option = value')",
                                 file=path, line=line.number)  # fmt: skip
            name = option_name(key)
            value: Any = _value(raw) if sep else True
            self.sections[section][name] = value
            self.order.append((section, name, value))
            self.lines.set(("sections", section, name), where)
            if top is not None:
                self.origins[f"sections.{section}.{name}"] = f"{path}:{line.number}"


def parse_mycnf(
    display_path: str, content: bytes, limits: Limits, root: Path | None = None
) -> ParsedDocument:
    """Parse a MySQL/MariaDB option file, merging includes when ``root`` is given."""
    text = decode(display_path, content, limits)
    includes = Includes(root, display_path, limits)
    reader = _Reader(includes)
    reader.read(display_path, text, None)
    server: dict[str, Any] = {}
    server_sections = [name for name in reader.sections if SERVER_SECTIONS.match(name)]
    if server_sections:
        first = reader.lines.line_of(("sections", server_sections[0]))
        if first is not None:
            reader.lines.set(("server",), first)
    for section, name, value in reader.order:
        if SERVER_SECTIONS.match(section):
            server[name] = value
            line = reader.lines.line_of(("sections", section, name))
            if line is not None:
                reader.lines.set(("server", name), line)
    bind = server.get("bind_address")
    tls = server.get("tls_version")
    bound_everywhere = bind is None or bool(
        {p.strip() for p in str(bind).split(",")} & {"*", "0.0.0.0", "::"}
    )
    data = {
        "format": "mycnf",
        "sections": reader.sections,
        "server": server,
        "listens_on_all_interfaces": bound_everywhere and server.get("skip_networking") is not True,
        "grant_tables_skipped": server.get("skip_grant_tables") is True,
        "tls_versions": [v.strip() for v in str(tls).split(",") if v.strip()] if tls else None,
        "includes": includes.as_list(),
        "origins": reader.origins,
    }
    reader.lines.derive(
        (("listens_on_all_interfaces", "bind_address"),
         ("grant_tables_skipped", "skip_grant_tables"),
         ("tls_versions", "tls_version")),
        "server",
        server,
    )  # fmt: skip
    return ParsedDocument(data=data, locator=reader.lines)


class MyCnfParser:
    """``my.cnf``, ``.my.cnf`` and ``mariadb.cnf``; ``conf.d`` fragments arrive by include."""

    name = "mycnf"
    reads_includes = True

    def claims(self, path: PurePosixPath) -> bool:
        return path.name in ("my.cnf", ".my.cnf", "mariadb.cnf")

    def parse(
        self, display_path: str, content: bytes, limits: Limits, root: Path | None = None
    ) -> list[ParsedDocument]:
        return [parse_mycnf(display_path, content, limits, root)]
