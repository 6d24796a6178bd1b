"""``/etc/login.defs`` (shadow-utils): ``NAME value`` lines.

Shape: ``{"format": "login_defs", "settings": {"PASS_MAX_DAYS": 90, "ENCRYPT_METHOD":
"SHA512", ...}}``. Names are case-sensitive, as shadow-utils compares them; decimal values
become integers. A name given twice keeps the **last** value (shadow-utils overwrites as it
reads). Comments start with ``#`` at the start of a line.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from dsaudit.core.errors import ParseError
from dsaudit.core.limits import Limits
from dsaudit.documents.base import ParsedDocument
from dsaudit.sources.parsers.lines import LineMap, decode, physical_lines, to_scalar

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse_login_defs(display_path: str, content: bytes, limits: Limits) -> ParsedDocument:
    """Parse login.defs into ``settings`` (last value wins)."""
    text = decode(display_path, content, limits)
    settings: dict[str, Any] = {}
    lines = LineMap()
    for line in physical_lines(text):
        stripped = line.text.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            continue
        parts = stripped.split(None, 1)
        name = parts[0]
        if not _NAME.match(name):
            raise ParseError(f"malformed line: {stripped!r} (expected NAME value)",
                             file=display_path, line=line.number)  # fmt: skip
        if len(parts) < 2:
            raise ParseError(f"{name} has no value", file=display_path, line=line.number)
        value = parts[1].strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        settings[name] = to_scalar(value)
        lines.set(("settings", name), line.number)
    return ParsedDocument(data={"format": "login_defs", "settings": settings}, locator=lines)


class LoginDefsParser:
    """``login.defs`` anywhere (``etc/login.defs``)."""

    name = "login_defs"

    def claims(self, path: PurePosixPath) -> bool:
        return path.name == "login.defs"

    def parse(self, display_path: str, content: bytes, limits: Limits) -> list[ParsedDocument]:
        return [parse_login_defs(display_path, content, limits)]
