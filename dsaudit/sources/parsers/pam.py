"""Linux-PAM: service files in ``pam.d/`` and the ``faillock.conf``/``pwquality.conf`` files.

A service file (``etc/pam.d/system-auth``) becomes::

    {"format": "pam", "service": "system-auth",
     "entries": [{"type": "auth", "control": "required", "module": "pam_faillock.so",
                  "name": "pam_faillock", "args": ["preauth", "deny=5"],
                  "options": {"preauth": true, "deny": 5}, "optional": false}],
     "modules": ["pam_env", "pam_faillock", ...],
     "pwquality": {"minlen": 12, "minclass": 3, ..., "required_classes": 3},
     "faillock": {"deny": 5, "unlock_time": 900, ...},
     "includes": [...]}

``include``, ``substack`` and ``@include`` are followed in the same ``pam.d`` folder (entries of
the included type only, as PAM does); included entries point at the including line and carry
``from: "file:line"``. ``pwquality`` and ``faillock`` are the **effective** settings of the
modules in the stack: the module's configuration file (``etc/security/pwquality.conf`` and
``pwquality.conf.d/*.conf``, ``etc/security/faillock.conf`` or ``conf=``) read first, then the
module arguments, which override it -- exactly what the modules do. ``pam_cracklib`` counts as
``pwquality`` and ``pam_tally2`` as ``faillock``; pam_faillock's built-in values (``deny=3``,
``unlock_time=600``, ``fail_interval=900``) fill what neither sets. ``required_classes`` is
the number of character classes a password must contain: ``minclass``, or the count of
negative ``*credit`` options if that is larger.

``faillock.conf`` / ``pwquality.conf`` alone become ``{"format": "faillock_conf",
"settings": {...}, "faillock": {...}}`` (and likewise ``pwquality``); the last value of a key
wins, bare words (``even_deny_root``) are ``true``.
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

TYPES = frozenset({"auth", "account", "password", "session"})
SIMPLE_CONTROLS = frozenset(
    {"required", "requisite", "sufficient", "optional", "include", "substack"}
)
MODULE_FAMILY = {
    "pam_pwquality": "pwquality",
    "pam_cracklib": "pwquality",
    "pam_faillock": "faillock",
    "pam_tally2": "faillock",
}
CONF_FILES = {
    "pwquality": ("etc/security/pwquality.conf", "etc/security/pwquality.conf.d/*.conf"),
    "faillock": ("etc/security/faillock.conf",),
}
CREDITS = ("dcredit", "ucredit", "lcredit", "ocredit")
FAILLOCK_DEFAULTS = {"deny": 3, "unlock_time": 600, "fail_interval": 900}
"""pam_faillock's built-in values (faillock.conf(5)), used when neither file nor args set them."""


def _tokens(text: str, path: str, line: int) -> list[str]:
    """Split on whitespace; ``[ ... ]`` groups (controls, arguments) stay one token."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        if text[i] == "[":
            end = text.find("]", i)
            while end != -1 and text[end - 1] == "\\":
                end = text.find("]", end + 1)
            if end == -1:
                raise ParseError("unterminated '[' group", file=path, line=line)
            out.append(text[i : end + 1])
            i = end + 1
            continue
        j = i
        while j < n and not text[j].isspace():
            j += 1
        out.append(text[i:j])
        i = j
    return out


def _options(args: list[str]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for arg in args:
        if arg.startswith("["):
            continue
        key, sep, value = arg.partition("=")
        options[key] = to_scalar(value) if sep else True
    return options


def module_name(module: str) -> str:
    """``/lib64/security/pam_faillock.so`` -> ``pam_faillock``."""
    name = PurePosixPath(module).name
    return name[:-3] if name.endswith(".so") else name


def _key_values(text: str, path: str) -> tuple[dict[str, Any], dict[str, int]]:
    """``key = value`` / bare-word lines (faillock.conf, pwquality.conf); last value wins."""
    settings: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for line in physical_lines(text):
        code, _ = strip_comment(line.text, quotes="")
        code = code.strip()
        if not code:
            continue
        key, sep, value = code.partition("=")
        key = key.strip()
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key):
            raise ParseError(f"malformed line: {code!r} (expected 'key = value' or a flag)",
                             file=path, line=line.number)  # fmt: skip
        if sep and not value.strip():
            raise ParseError(f"{key} has no value after '='", file=path, line=line.number)
        settings[key] = to_scalar(value.strip()) if sep else True
        lines[key] = line.number
    return settings, lines


def required_classes(settings: dict[str, Any]) -> int:
    """Character classes a password must contain under pwquality/cracklib settings."""
    minclass = settings.get("minclass", 0)
    negative = sum(1 for c in CREDITS if isinstance(settings.get(c), int) and settings[c] < 0)
    return max(minclass if isinstance(minclass, int) else 0, negative)


class _Stack:
    def __init__(self, display_path: str, includes: Includes) -> None:
        self.display_path = display_path
        self.includes = includes
        self.entries: list[dict[str, Any]] = []
        self.lines = LineMap()

    def read(self, path: str, text: str, top_line: int | None, only: str | None) -> None:
        for line in join_continuations(physical_lines(text)):
            code, _ = strip_comment(line.text, quotes="")
            code = code.strip()
            if not code:
                continue
            where = top_line if top_line is not None else line.number
            words = _tokens(code, path, line.number)
            if words[0] == "@include":
                if len(words) != 2:
                    raise ParseError("@include needs exactly one service name", file=path,
                                     line=line.number)  # fmt: skip
                self._include(words[1], path, where, only)
                continue
            self._entry(words, path, line.number, where, top_line is not None, only)

    def _entry(
        self, words: list[str], path: str, number: int, where: int, included: bool,
        only: str | None,
    ) -> None:  # fmt: skip
        if len(words) < 2:
            raise ParseError(f"malformed line: {' '.join(words)!r} (expected 'type control "
                             "module [arguments]')", file=path, line=number)  # fmt: skip
        optional = words[0].startswith("-")
        kind = words[0].lstrip("-").lower()
        if kind not in TYPES:
            raise ParseError(f"unknown PAM type {words[0]!r} (expected one of "
                             f"{', '.join(sorted(TYPES))})", file=path, line=number)  # fmt: skip
        control = words[1]
        if not control.startswith("[") and control.lower() not in SIMPLE_CONTROLS:
            raise ParseError(f"unknown PAM control {control!r}", file=path, line=number)
        if only is not None and kind != only:
            return
        if control.lower() in ("include", "substack"):
            if len(words) < 3:
                raise ParseError(f"{control} needs a service name", file=path, line=number)
            self._include(words[2], path, where, kind)
            return
        if len(words) < 3:
            raise ParseError("missing module path", file=path, line=number)
        entry: dict[str, Any] = {
            "type": kind,
            "control": control.lower() if not control.startswith("[") else control,
            "module": words[2],
            "name": module_name(words[2]),
            "args": words[3:],
            "options": _options(words[3:]),
            "optional": optional,
        }
        if included:
            entry["from"] = f"{path}:{number}"
        self.lines.set(("entries", len(self.entries)), where)
        self.entries.append(entry)

    def _include(self, service: str, path: str, where: int, only: str | None) -> None:
        base = PurePosixPath(path).parent
        for inc in self.includes.resolve(service, where, including=path, base=base):
            self.includes.enter(inc.path)
            try:
                self.read(inc.path, inc.text, where, only)
            finally:
                self.includes.leave()


def _effective(stack: _Stack, family: str, root: Path | None) -> tuple[dict[str, Any], int] | None:
    """Settings of a module family: its conf file(s), then the module arguments."""
    users = [(n, e) for n, e in enumerate(stack.entries) if MODULE_FAMILY.get(e["name"]) == family]
    if not users:
        return None
    first_index, first = users[0]
    settings: dict[str, Any] = {}
    conf_patterns = list(CONF_FILES[family])
    custom = first["options"].get("conf")
    if isinstance(custom, str):
        conf_patterns = [custom.lstrip("/")]
    if root is not None and first["name"] in ("pam_pwquality", "pam_faillock"):
        line = stack.lines.line_of(("entries", first_index)) or 1
        for pattern in conf_patterns:
            for inc in stack.includes.resolve("/" + pattern, line, optional=True):
                values, _ = _key_values(inc.text, inc.path)
                settings.update(values)
    if first["name"] == "pam_faillock":
        settings = {**FAILLOCK_DEFAULTS, **settings}
    from_args: set[str] = set()
    for _, entry in users:
        for key, value in entry["options"].items():
            if key != "conf" and key not in from_args:
                settings[key] = value
                from_args.add(key)
    return settings, first_index


def parse_pam_service(
    display_path: str, content: bytes, limits: Limits, root: Path | None = None
) -> ParsedDocument:
    """Parse one ``pam.d`` service file, following includes when ``root`` is given."""
    text = decode(display_path, content, limits)
    includes = Includes(root, display_path, limits)
    stack = _Stack(display_path, includes)
    stack.read(display_path, text, None, None)
    modules: list[str] = []
    for entry in stack.entries:
        if entry["name"] not in modules:
            modules.append(entry["name"])
    data: dict[str, Any] = {
        "format": "pam",
        "service": PurePosixPath(display_path).name,
        "entries": stack.entries,
        "modules": modules,
    }
    for family in ("pwquality", "faillock"):
        found = _effective(stack, family, root)
        if found is None:
            continue
        settings, index = found
        if family == "pwquality":
            settings["required_classes"] = required_classes(settings)
        data[family] = settings
        line = stack.lines.line_of(("entries", index))
        if line is not None:
            stack.lines.set((family,), line)
    data["includes"] = includes.as_list()
    for n, record in enumerate(includes.records):
        stack.lines.set(("includes", n), record.line)
    return ParsedDocument(data=data, locator=stack.lines)


def parse_module_conf(
    display_path: str, content: bytes, limits: Limits, family: str
) -> ParsedDocument:
    """Parse ``faillock.conf`` or ``pwquality.conf`` (``family``: faillock | pwquality)."""
    text = decode(display_path, content, limits)
    settings, where = _key_values(text, display_path)
    lines = LineMap()
    view = dict(settings)
    if family == "pwquality":
        view["required_classes"] = required_classes(settings)
    for key, number in where.items():
        lines.set(("settings", key), number)
        lines.set((family, key), number)
    data = {"format": f"{family}_conf", "settings": settings, family: view}
    return ParsedDocument(data=data, locator=lines)


def _conf_family(path: PurePosixPath) -> str | None:
    if path.name == "faillock.conf":
        return "faillock"
    if path.name == "pwquality.conf" or (
        path.parent.name == "pwquality.conf.d" and path.suffix == ".conf"
    ):
        return "pwquality"
    return None


class PamParser:
    """Files in a ``pam.d`` folder, ``faillock.conf``, ``pwquality.conf`` (and ``.d`` drop-ins)."""

    name = "pam"
    reads_includes = True

    def claims(self, path: PurePosixPath) -> bool:
        if path.parent.name == "pam.d":
            return not path.name.startswith(".") and not path.name.endswith(
                (".rpmnew", ".rpmsave", ".dpkg-old", ".dpkg-dist", "~")
            )
        return _conf_family(path) is not None

    def parse(
        self, display_path: str, content: bytes, limits: Limits, root: Path | None = None
    ) -> list[ParsedDocument]:
        family = _conf_family(PurePosixPath(display_path))
        if family is not None and PurePosixPath(display_path).parent.name != "pam.d":
            return [parse_module_conf(display_path, content, limits, family)]
        return [parse_pam_service(display_path, content, limits, root)]
