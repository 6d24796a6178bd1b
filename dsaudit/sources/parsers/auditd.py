"""Audit and system logging: ``auditd.conf``, ``journald.conf`` and ``rsyslog.conf``.

``auditd.conf`` -> ``{"format": "auditd_conf", "settings": {"max_log_file_action": "keep_logs",
"num_logs": 5, ...}}``: ``key = value`` lines, keys and enumerated values lower-cased, the
last value of a key wins (auditd overwrites as it reads).

``journald.conf`` -> ``{"format": "journald", "settings": {"Storage": "persistent",
"MaxRetentionSec": "6month", ...}, "storage": "persistent", "retention_days": 182.6 | None}``:
the ``[Journal]`` section, then drop-ins in ``journald.conf.d/*.conf`` in name order (read when
the audit root is known; later values win, as systemd does). ``retention_days`` comes from
``MaxRetentionSec`` (None when unset or 0: journald then keeps entries until a size limit).

``rsyslog.conf`` -> ``{"format": "rsyslog", "rules": [{"selector", "action"}],
"directives": {...}, "modules": [...], "forwards": [...], "logs_auth": bool}``: legacy
selector lines, ``$Directive`` lines and RainerScript ``module()``/``action()`` statements
(spanning lines until their parentheses close). ``$IncludeConfig`` and ``include(file=...)``
are followed and merged. ``logs_auth`` is true when some rule stores or forwards ``auth``/
``authpriv`` messages of priority ``info`` or lower (``*``, ``debug``, ``info``) to a file,
pipe or remote host (a later ``authpriv.none`` in the same selector cancels it; ``omusrmsg``
terminal messages do not count).
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

# --- auditd.conf ---------------------------------------------------------------------------

_AUDITD_KEY = re.compile(r"^[a-z_][a-z0-9_]*$", re.IGNORECASE)


def parse_auditd(display_path: str, content: bytes, limits: Limits) -> ParsedDocument:
    """Parse auditd.conf (last value wins)."""
    text = decode(display_path, content, limits)
    settings: dict[str, Any] = {}
    lines = LineMap()
    for line in physical_lines(text):
        code, _ = strip_comment(line.text, quotes="")
        code = code.strip()
        if not code:
            continue
        key, sep, value = code.partition("=")
        key = key.strip().lower()
        if not sep or not _AUDITD_KEY.match(key):
            raise ParseError(f"malformed line: {code!r} (expected 'key = value')",
                             file=display_path, line=line.number)  # fmt: skip
        value = value.strip()
        scalar = to_scalar(value)
        settings[key] = scalar.lower() if isinstance(scalar, str) and " " not in scalar else scalar
        lines.set(("settings", key), line.number)
    data = {"format": "auditd_conf", "settings": settings}
    return ParsedDocument(data=data, locator=lines)


# --- journald.conf -------------------------------------------------------------------------

_SYSTEMD_UNITS = {
    "us": 1e-6 / 86400, "usec": 1e-6 / 86400, "ms": 1e-3 / 86400, "msec": 1e-3 / 86400,
    "": 1 / 86400, "s": 1 / 86400, "sec": 1 / 86400, "second": 1 / 86400,
    "seconds": 1 / 86400, "m": 1 / 1440, "min": 1 / 1440, "minute": 1 / 1440,
    "minutes": 1 / 1440, "h": 1 / 24, "hr": 1 / 24, "hour": 1 / 24, "hours": 1 / 24,
    "d": 1, "day": 1, "days": 1, "w": 7, "week": 7, "weeks": 7,
    "month": 30.44, "months": 30.44, "M": 30.44, "y": 365.25, "year": 365.25, "years": 365.25,
}  # fmt: skip
_SPAN = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)")


def systemd_days(value: str) -> float | None:
    """A systemd time span (``6month``, ``180d``, ``1y 2w``) in days; None if malformed."""
    total, pos, text = 0.0, 0, value.strip()
    if not text:
        return None
    for m in _SPAN.finditer(text):
        if m.start() != pos:
            return None
        unit = m.group(2) if m.group(2) in ("M",) else m.group(2).lower()
        if unit not in _SYSTEMD_UNITS:
            return None
        total += float(m.group(1)) * _SYSTEMD_UNITS[unit]
        pos = m.end()
    return round(total, 2) if pos == len(text) else None


def _read_ini(
    text: str, path: str, settings: dict[str, Any], lines: LineMap, where: int | None
) -> None:
    section: str | None = None
    for line in physical_lines(text):
        stripped = line.text.strip()
        if not stripped:
            continue
        if stripped[0] in "#;":
            continue
        if stripped.startswith("["):
            if not stripped.endswith("]"):
                raise ParseError(f"malformed section header {stripped!r}", file=path,
                                 line=line.number)  # fmt: skip
            section = stripped[1:-1].strip()
            continue
        key, sep, value = stripped.partition("=")
        if not sep or not key.strip():
            raise ParseError(f"malformed line: {stripped!r} (expected Key=Value)", file=path,
                             line=line.number)  # fmt: skip
        if section != "Journal":
            continue
        settings[key.strip()] = value.strip()
        lines.set(("settings", key.strip()), where if where is not None else line.number)


def parse_journald(
    display_path: str, content: bytes, limits: Limits, root: Path | None = None
) -> ParsedDocument:
    """Parse journald.conf and, with ``root``, its ``journald.conf.d`` drop-ins."""
    text = decode(display_path, content, limits)
    settings: dict[str, Any] = {}
    lines = LineMap()
    origins: dict[str, str] = {}
    _read_ini(text, display_path, settings, lines, None)
    includes = Includes(root, display_path, limits)
    if root is not None:
        for inc in includes.resolve("journald.conf.d/*.conf", 1, optional=True):
            before = dict(settings)
            _read_ini(inc.text, inc.path, settings, lines, 1)
            for key, value in settings.items():
                if before.get(key) != value:
                    origins[f"settings.{key}"] = inc.path
    storage = str(settings.get("Storage", "auto")).lower()
    raw = settings.get("MaxRetentionSec")
    days = systemd_days(str(raw)) if raw not in (None, "") else None
    if raw not in (None, "", "0") and days is None:
        line = lines.line_of(("settings", "MaxRetentionSec"))
        raise ParseError(f"MaxRetentionSec={raw} is not a time span", file=display_path, line=line)
    data = {
        "format": "journald",
        "settings": settings,
        "storage": storage,
        "retention_days": days or None,
        "includes": includes.as_list(),
        "origins": origins,
    }
    lines.derive(
        (("storage", "Storage"), ("retention_days", "MaxRetentionSec")), "settings", settings
    )
    return ParsedDocument(data=data, locator=lines)


# --- rsyslog.conf --------------------------------------------------------------------------

_CALL = re.compile(r"^(module|input|action|template|include|global|main_queue|ruleset)\s*\(")
_PARAM = re.compile(r'([A-Za-z][\w.]*)\s*=\s*"((?:[^"\\]|\\.)*)"')
_AUTH = ("auth", "authpriv", "*")


_LOGGING_PRIORITIES = frozenset({"*", "debug", "info"})
"""Priorities low enough to catch login events (sshd logs accepted logins at info)."""


def _stores(action: str) -> bool:
    """An action that keeps or ships messages (a file, a forward, a pipe, an output module)."""
    target = action.strip().lstrip("-")
    return target.startswith(("/", "@", "|", ":omfile:", ":omfwd:", ":omrelp:"))


def _logs_auth(selector: str, action: str) -> bool:
    if not _stores(action):
        return False
    verdict = False
    for part in selector.split(";"):
        facilities, _, priority = part.strip().rpartition(".")
        names = [f.strip() for f in facilities.split(",")]
        if any(name in _AUTH for name in names):
            level = priority.strip().lower()
            verdict = level.lstrip("=") in _LOGGING_PRIORITIES
    return verdict


class _Rsyslog:
    def __init__(self, display_path: str, includes: Includes) -> None:
        self.display_path = display_path
        self.includes = includes
        self.rules: list[dict[str, Any]] = []
        self.directives: dict[str, Any] = {}
        self.modules: list[str] = []
        self.forwards: list[dict[str, Any]] = []
        self.lines = LineMap()

    def read(self, path: str, text: str, top: int | None) -> None:
        pending: list[str] = []
        start = 0
        for line in physical_lines(text):
            code, _ = strip_comment(line.text)
            code = code.strip()
            if not code and not pending:
                continue
            if pending or _CALL.match(code):
                if not pending:
                    start = line.number
                pending.append(code)
                joined = " ".join(pending)
                if joined.count("(") <= joined.count(")"):
                    self._call(joined, path, top if top is not None else start, top)
                    pending = []
                continue
            where = top if top is not None else line.number
            if code.startswith("$"):
                name, _, value = code.partition(" ")
                if name.lower() == "$includeconfig":
                    self._include(value.strip(), path, where)
                elif name.lower() == "$modload":
                    self.modules.append(value.strip())
                else:
                    self.directives[name] = value.strip()
                    self.lines.set(("directives", name), where)
                continue
            if code.startswith(("if ", "if(", "&", ":", "*.stop", "stop")):
                continue
            parts = code.split(None, 1)
            if len(parts) < 2 or "." not in parts[0]:
                raise ParseError(f"malformed line: {code!r} (expected 'selector action')",
                                 file=path, line=line.number)  # fmt: skip
            selector, action = parts
            self._rule(selector, action.strip(), where)
        if pending:
            raise ParseError("statement is not closed by ')'", file=path, line=start)

    def _rule(self, selector: str, action: str, where: int) -> None:
        self.lines.set(("rules", len(self.rules)), where)
        self.rules.append({"selector": selector, "action": action})
        target = action.lstrip("-")
        if target.startswith("@"):
            protocol = "tcp" if target.startswith("@@") else "udp"
            self.lines.set(("forwards", len(self.forwards)), where)
            self.forwards.append({"target": target.lstrip("@"), "protocol": protocol})

    def _call(self, text: str, path: str, where: int, top: int | None) -> None:
        name = text.split("(", 1)[0].strip().lower()
        params = {k.lower(): v for k, v in _PARAM.findall(text)}
        if name == "module" and "load" in params:
            self.modules.append(params["load"])
        elif name == "include" and "file" in params:
            self._include(params["file"], path, where)
        elif name == "action" and params.get("type") == "omfwd":
            self.lines.set(("forwards", len(self.forwards)), where)
            self.forwards.append({"target": params.get("target", ""),
                                  "protocol": params.get("protocol", "udp").lower()})  # fmt: skip

    def _include(self, pattern: str, path: str, where: int) -> None:
        for inc in self.includes.resolve(pattern, where, including=path):
            self.includes.enter(inc.path)
            try:
                self.read(inc.path, inc.text, where)
            finally:
                self.includes.leave()


def parse_rsyslog(
    display_path: str, content: bytes, limits: Limits, root: Path | None = None
) -> ParsedDocument:
    """Parse rsyslog.conf, merging what it includes when ``root`` is given."""
    text = decode(display_path, content, limits)
    includes = Includes(root, display_path, limits)
    reader = _Rsyslog(display_path, includes)
    reader.read(display_path, text, None)
    auth_rules = [n for n, r in enumerate(reader.rules) if _logs_auth(r["selector"], r["action"])]
    if auth_rules:
        reader.lines.set(("logs_auth",), reader.lines.line_of(("rules", auth_rules[0])) or 1)
    data = {
        "format": "rsyslog",
        "rules": reader.rules,
        "directives": reader.directives,
        "modules": reader.modules,
        "forwards": reader.forwards,
        "logs_auth": bool(auth_rules),
        "includes": includes.as_list(),
    }
    return ParsedDocument(data=data, locator=reader.lines)


class AuditdParser:
    """``auditd.conf`` anywhere (``etc/audit/auditd.conf``)."""

    name = "auditd"

    def claims(self, path: PurePosixPath) -> bool:
        return path.name == "auditd.conf"

    def parse(self, display_path: str, content: bytes, limits: Limits) -> list[ParsedDocument]:
        return [parse_auditd(display_path, content, limits)]


class JournaldParser:
    """``journald.conf`` (its ``journald.conf.d`` drop-ins are merged into it)."""

    name = "journald"
    reads_includes = True

    def claims(self, path: PurePosixPath) -> bool:
        return path.name == "journald.conf"

    def parse(
        self, display_path: str, content: bytes, limits: Limits, root: Path | None = None
    ) -> list[ParsedDocument]:
        return [parse_journald(display_path, content, limits, root)]


class RsyslogParser:
    """``rsyslog.conf`` (files in ``rsyslog.d`` are merged through its includes)."""

    name = "rsyslog"
    reads_includes = True

    def claims(self, path: PurePosixPath) -> bool:
        return path.name == "rsyslog.conf"

    def parse(
        self, display_path: str, content: bytes, limits: Limits, root: Path | None = None
    ) -> list[ParsedDocument]:
        return [parse_rsyslog(display_path, content, limits, root)]
