"""logrotate: ``logrotate.conf`` and ``logrotate.d/*``, with retention computed per stanza.

Shape::

    {"format": "logrotate",
     "defaults": {"rotate": 4, "period": "weekly", "compress": true, ...},
     "inherited_from": "etc/logrotate.conf" | None,
     "stanzas": [{"files": ["/var/log/nginx/*.log"], "rotate": 26, "period": "weekly",
                  "period_days": 7, "maxage": None, "retention_days": 182,
                  "settings": {...}}],
     "includes": [...]}

``retention_days`` = ``rotate`` x the period in days (hourly 1/24, daily 1, weekly 7, monthly
30, yearly 365), capped by ``maxage`` when set; ``None`` when the stanza rotates by size only
(no period, or ``size`` given after it: no time bound can be computed). A stanza takes unset
values from the global directives in effect where it appears; logrotate's default is
``rotate 0``.

Each ``logrotate.d`` file is its own resource (so findings point at its lines). When the audit
root is known, it inherits the global directives that ``logrotate.conf`` (next to the
``logrotate.d`` folder) sets before the ``include`` that pulls the file in, as logrotate does;
``inherited_from`` names that file. ``logrotate.conf`` lists its includes but does not repeat
the stanzas of the included files. Script blocks (``postrotate`` ... ``endscript``) are skipped.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path, PurePosixPath
from typing import Any

from dsaudit.core.errors import ParseError
from dsaudit.core.limits import Limits
from dsaudit.documents.base import ParsedDocument
from dsaudit.documents.safe_read import read_guarded
from dsaudit.sources.parsers.lines import (
    Includes,
    LineMap,
    decode,
    host_root,
    physical_lines,
    split_words,
    strip_comment,
    to_scalar,
)

PERIOD_DAYS: dict[str, float] = {
    "hourly": 1 / 24,
    "daily": 1,
    "weekly": 7,
    "monthly": 30,
    "yearly": 365,
}
SCRIPTS = frozenset({"postrotate", "prerotate", "firstaction", "lastaction", "preremove"})
NUMERIC = frozenset({"rotate", "maxage", "start", "shredcycles", "minage"})


def retention_days(settings: dict[str, Any]) -> float | int | None:
    """Days a rotated log is kept under ``settings`` (see the module docstring)."""
    period = settings.get("period")
    rotate = settings.get("rotate", 0)
    if not isinstance(rotate, int):
        return None
    maxage = settings.get("maxage")
    days: float | None = rotate * PERIOD_DAYS[period] if period in PERIOD_DAYS else None
    if isinstance(maxage, int) and maxage > 0:
        days = maxage if days is None else min(days, maxage)
    if days is None:
        return None
    return int(days) if float(days).is_integer() else round(days, 2)


class _Reader:
    def __init__(self, display_path: str, includes: Includes | None) -> None:
        self.display_path = display_path
        self.includes = includes
        self.globals: dict[str, Any] = {}
        self.stanzas: list[dict[str, Any]] = []
        self.lines = LineMap()
        self.include_lines: list[tuple[int, str, dict[str, Any]]] = []
        """(line, pattern, globals in effect at that line) for each ``include``."""

    def _directive(
        self, words: list[str], target: dict[str, Any], path: tuple[Any, ...], number: int
    ) -> None:
        name = words[0].lower()
        args = words[1:]
        if name in PERIOD_DAYS:
            target["period"] = name
            self.lines.set((*path, "period"), number)
            return
        if name == "size":
            # ``size`` makes rotation size-based: it replaces an earlier period (and vice versa).
            target["period"] = None
            self.lines.set((*path, "period"), number)
        if name in NUMERIC:
            if len(args) != 1 or not args[0].lstrip("-").isdigit():
                raise ParseError(f"{name} needs a whole number, got {' '.join(args)!r}",
                                 file=self.display_path, line=number)  # fmt: skip
            target[name] = int(args[0])
        elif not args:
            target[name] = True
        else:
            target[name] = to_scalar(args[0]) if len(args) == 1 else " ".join(args)
        self.lines.set((*path, name), number)

    def read(self, text: str) -> None:
        pending: list[str] = []
        pending_line = 0
        stanza: dict[str, Any] | None = None
        script: str | None = None
        for line in physical_lines(text):
            stripped = line.text.strip()
            if script is not None:
                if stripped.split()[:1] == ["endscript"]:
                    script = None
                continue
            code, _ = strip_comment(line.text)
            code = code.strip()
            if not code:
                continue
            opens = code.endswith("{")
            if opens:
                code = code[:-1].strip()
            words = split_words(code, self.display_path, line.number) if code else []
            if stanza is None and not opens and words and words[0] == "}":
                raise ParseError("'}' without an open stanza", file=self.display_path,
                                 line=line.number)  # fmt: skip
            if stanza is not None:
                if words[:1] == ["}"] or code == "}":
                    self._finish(stanza)
                    stanza = None
                    continue
                if opens:
                    raise ParseError("'{' inside a stanza (missing '}'?)",
                                     file=self.display_path, line=line.number)  # fmt: skip
                if words[0].lower() in SCRIPTS:
                    script = words[0].lower()
                    continue
                n = len(self.stanzas)
                self._directive(words, stanza["settings"], ("stanzas", n, "settings"),
                                line.number)  # fmt: skip
                continue
            looks_like_path = words and (words[0].startswith(("/", "~", "*")) or "/" in words[0])
            if opens or looks_like_path:
                if not pending:
                    pending_line = line.number
                pending.extend(words)
                if opens:
                    if not pending:
                        raise ParseError("'{' without log file paths", file=self.display_path,
                                         line=line.number)  # fmt: skip
                    stanza = {"files": pending, "line": pending_line, "settings": {}}
                    self.lines.set(("stanzas", len(self.stanzas)), pending_line)
                    pending = []
                continue
            if pending:
                raise ParseError(f"log file paths {' '.join(pending)!r} are not followed by "
                                 "'{'", file=self.display_path, line=pending_line)  # fmt: skip
            if words[0].lower() == "include":
                if len(words) != 2:
                    raise ParseError("include needs one file or folder", file=self.display_path,
                                     line=line.number)  # fmt: skip
                self.include_lines.append((line.number, words[1], dict(self.globals)))
                continue
            self._directive(words, self.globals, ("defaults",), line.number)
        if script is not None:
            raise ParseError(f"{script} script is not closed by endscript",
                             file=self.display_path, line=None)  # fmt: skip
        if stanza is not None:
            raise ParseError("stanza is not closed by '}'", file=self.display_path,
                             line=stanza["line"])  # fmt: skip
        if pending:
            raise ParseError(f"log file paths {' '.join(pending)!r} are not followed by '{{'",
                             file=self.display_path, line=pending_line)  # fmt: skip

    def _finish(self, stanza: dict[str, Any]) -> None:
        n = len(self.stanzas)
        effective = {**self.globals, **stanza["settings"]}
        record = {
            "files": stanza["files"],
            "rotate": effective.get("rotate", 0),
            "period": effective.get("period"),
            "period_days": PERIOD_DAYS.get(effective.get("period", "")),
            "maxage": effective.get("maxage"),
            "retention_days": retention_days(effective),
            "settings": stanza["settings"],
        }
        start = self.lines.line_of(("stanzas", n)) or 1
        for key, source in (("rotate", "rotate"), ("period", "period"), ("maxage", "maxage"),
                            ("retention_days", "rotate"), ("period_days", "period")):  # fmt: skip
            own = self.lines.line_of(("stanzas", n, "settings", source))
            self.lines.set(("stanzas", n, key), own if own and own >= start else start)
        self.stanzas.append(record)


def _inherited(
    display_path: str, root: Path | None, limits: Limits
) -> tuple[dict[str, Any], str | None]:
    """Globals that the main logrotate.conf sets before including ``display_path``."""
    path = PurePosixPath(display_path)
    if root is None or path.parent.name != "logrotate.d":
        return {}, None
    main = path.parent.parent / "logrotate.conf"
    full = root / main
    if not full.is_file():
        return {}, None
    reader = _Reader(main.as_posix(), None)
    content = read_guarded(full, main.as_posix(), limits.max_file_bytes).content
    reader.read(decode(main.as_posix(), content, limits))
    host = host_root(main.as_posix())
    for _, pattern, globals_then in reader.include_lines:
        rel = (host / pattern.lstrip("/")) if pattern.startswith("/") else main.parent / pattern
        target = rel.as_posix().rstrip("/")
        if path.parent.as_posix() == target or fnmatch.fnmatch(path.as_posix(), target):
            return globals_then, main.as_posix()
    return {}, None


def parse_logrotate(
    display_path: str, content: bytes, limits: Limits, root: Path | None = None
) -> ParsedDocument:
    """Parse one logrotate file (see the module docstring for includes and inheritance)."""
    text = decode(display_path, content, limits)
    inherited, source = _inherited(display_path, root, limits)
    includes = Includes(root, display_path, limits)
    reader = _Reader(display_path, includes)
    reader.globals.update(inherited)
    reader.read(text)
    for number, pattern, _ in reader.include_lines:
        includes.resolve(pattern.rstrip("/"), number, expand_dirs=True)
    for n, record in enumerate(includes.records):
        reader.lines.set(("includes", n), record.line)
    data = {
        "format": "logrotate",
        "defaults": reader.globals,
        "inherited_from": source,
        "stanzas": reader.stanzas,
        "includes": includes.as_list(),
    }
    return ParsedDocument(data=data, locator=reader.lines)


class LogrotateParser:
    """``logrotate.conf`` and every file in a ``logrotate.d`` folder."""

    name = "logrotate"
    reads_includes = True

    def claims(self, path: PurePosixPath) -> bool:
        if path.parent.name == "logrotate.d":
            return not path.name.startswith(".") and not path.name.endswith(
                (".rpmnew", ".rpmsave", ".dpkg-old", ".dpkg-dist", "~", ".disabled")
            )
        return path.name == "logrotate.conf"

    def parse(
        self, display_path: str, content: bytes, limits: Limits, root: Path | None = None
    ) -> list[ParsedDocument]:
        return [parse_logrotate(display_path, content, limits, root)]
