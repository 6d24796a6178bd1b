"""Redis ``redis.conf`` (and Sentinel's ``sentinel.conf``).

Shape::

    {"format": "redis",
     "settings": {"bind": ["127.0.0.1", "-::1"], "protected-mode": "yes", "port": 6379, ...},
     "listens_on_all_interfaces": bool, "auth_required": bool, "protected_mode": bool,
     "includes": [...], "origins": {...}}

Directive names are case-insensitive (stored lower-case). As in Redis, the **last** line of a
directive wins; ``save``, ``rename-command``, ``loadmodule``, ``user`` and
``client-output-buffer-limit`` accumulate (a list of argument strings per line). ``bind`` keeps
its arguments as a list. ``include`` is merged where it stands. Arguments may be quoted
(``"..."`` with escapes, ``'...'``).

``listens_on_all_interfaces``: no ``bind`` line (Redis then accepts every interface), or one of
``*``, ``0.0.0.0``, ``::``, ``::*``. ``auth_required``: ``requirepass`` is non-empty or the ACL
``user default`` rules leave the default user ``off`` or with a password (``nopass`` makes it
open). ``aclfile`` users are not read.
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
    split_words,
    to_scalar,
)

ACCUMULATE = frozenset(
    {"save", "rename-command", "loadmodule", "user", "client-output-buffer-limit", "sentinel"}
)
ALL_INTERFACES = frozenset({"*", "0.0.0.0", "::", "::*"})
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")


class _Reader:
    def __init__(self, includes: Includes) -> None:
        self.includes = includes
        self.settings: dict[str, Any] = {}
        self.lines = LineMap()
        self.origins: dict[str, str] = {}

    def read(self, path: str, text: str, top: int | None) -> None:
        for line in physical_lines(text):
            stripped = line.text.strip()
            if not stripped:
                continue
            if stripped.startswith("#"):
                continue
            words = split_words(stripped, path, line.number)
            name = words[0].lower()
            if not _NAME.match(name):
                raise ParseError(f"malformed line: {stripped!r} (expected 'directive args')",
                                 file=path, line=line.number)  # fmt: skip
            args = words[1:]
            where = top if top is not None else line.number
            if name == "include":
                if len(args) != 1:
                    raise ParseError("include needs one file", file=path, line=line.number)
                for inc in self.includes.resolve(args[0], where, including=path):
                    self.includes.enter(inc.path)
                    try:
                        self.read(inc.path, inc.text, where)
                    finally:
                        self.includes.leave()
                continue
            if not args and name not in ("bind",):
                raise ParseError(f"{words[0]} needs a value", file=path, line=line.number)
            key: tuple[Any, ...]
            if name in ACCUMULATE:
                values = self.settings.setdefault(name, [])
                key = ("settings", name, len(values))
                values.append(" ".join(args))
                if len(values) == 1:
                    self.lines.set(("settings", name), where)
            elif name == "bind":
                self.settings[name] = args
                key = ("settings", name)
            else:
                self.settings[name] = to_scalar(args[0]) if len(args) == 1 else " ".join(args)
                key = ("settings", name)
            self.lines.set(key, where)
            dotted = ".".join(str(k) for k in key)
            if top is not None:
                self.origins[dotted] = f"{path}:{line.number}"
            else:
                self.origins.pop(dotted, None)


def _auth_required(settings: dict[str, Any]) -> bool:
    open_user = not str(settings.get("requirepass", "")).strip()
    enabled = True
    for rule in settings.get("user", []):
        tokens = rule.split()
        if not tokens or tokens[0] != "default":
            continue
        for token in tokens[1:]:
            if token == "nopass":
                open_user = True
            elif token.startswith((">", "#")) or token == "resetpass":
                open_user = False
            elif token == "off":
                enabled = False
            elif token == "on":
                enabled = True
            elif token == "reset":
                open_user, enabled = False, False
    return not (enabled and open_user)


def parse_redis(
    display_path: str, content: bytes, limits: Limits, root: Path | None = None
) -> ParsedDocument:
    """Parse redis.conf, merging ``include`` files when ``root`` is given."""
    text = decode(display_path, content, limits)
    includes = Includes(root, display_path, limits)
    reader = _Reader(includes)
    reader.read(display_path, text, None)
    settings = reader.settings
    bind = settings.get("bind")
    addresses = {a.lstrip("-") for a in bind} if isinstance(bind, list) else set()
    data = {
        "format": "redis",
        "settings": settings,
        "listens_on_all_interfaces": bind is None or bool(addresses & ALL_INTERFACES),
        "auth_required": _auth_required(settings),
        "protected_mode": str(settings.get("protected-mode", "yes")).lower() == "yes",
        "includes": includes.as_list(),
        "origins": reader.origins,
    }
    reader.lines.derive(
        (("listens_on_all_interfaces", "bind"), ("auth_required", "requirepass"),
         ("protected_mode", "protected-mode")),
        "settings",
        settings,
    )  # fmt: skip
    return ParsedDocument(data=data, locator=reader.lines)


class RedisParser:
    """``redis.conf``, ``redis-<port>.conf`` and ``sentinel.conf`` (other files by include)."""

    name = "redis"
    reads_includes = True

    def claims(self, path: PurePosixPath) -> bool:
        name = path.name
        return name in ("redis.conf", "sentinel.conf") or (
            name.startswith(("redis-", "redis_")) and name.endswith(".conf")
        )

    def parse(
        self, display_path: str, content: bytes, limits: Limits, root: Path | None = None
    ) -> list[ParsedDocument]:
        return [parse_redis(display_path, content, limits, root)]
