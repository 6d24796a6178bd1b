"""OpenSSH ``sshd_config``: keywords, ``Match`` blocks and ``Include``, as sshd reads them.

Shape of the document::

    {"format": "sshd",
     "settings": {"permitrootlogin": "no", "port": ["22"], ...},   # global section
     "match_blocks": [{"condition": "User backup", "criteria": {"user": "backup"},
                       "settings": {...}}],
     "algorithms": {"ciphers": [...], "macs": [...], "kexalgorithms": [...]},
     "idle_timeout_seconds": 900 | None,
     "mfa_required": bool,
     "includes": [{"line", "pattern", "status", "files"}],
     "origins": {"settings.permitrootlogin": "etc/ssh/sshd_config.d/50.conf:3"}}

Keywords are case-insensitive and stored lower-case. As in sshd, the **first** value of a
keyword wins (in the global section and within each Match block); list keywords
(``Port``, ``ListenAddress``, ``AllowUsers``, ...) accumulate. ``Include`` is processed where
it stands (drop-ins included at the top therefore override later lines); settings read from an
included file point at the ``Include`` line and name their real ``file:line`` in ``origins``.
Values of enumerated keywords (``yes``/``no``, ``LogLevel``, ...) are lower-cased; plain
integers (``MaxAuthTries 4``) become integers.
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
    strip_comment,
    to_scalar,
)

LIST_KEYWORDS = frozenset(
    {
        "port", "listenaddress", "hostkey", "hostcertificate", "acceptenv", "setenv",
        "allowusers", "denyusers", "allowgroups", "denygroups", "subsystem",
        "authorizedkeysfile", "permitopen", "permitlisten", "channeltimeout",
    }
)  # fmt: skip
"""Keywords whose values accumulate over lines instead of first-wins."""

ENUM_KEYWORDS = frozenset(
    {
        "permitrootlogin", "passwordauthentication", "pubkeyauthentication",
        "permitemptypasswords", "kbdinteractiveauthentication",
        "challengeresponseauthentication", "usepam", "x11forwarding", "allowtcpforwarding",
        "allowagentforwarding", "gssapiauthentication", "hostbasedauthentication",
        "ignorerhosts", "loglevel", "strictmodes", "permittunnel", "usedns", "compression",
        "permituserenvironment", "tcpkeepalive", "gatewayports", "syslogfacility",
        "allowstreamlocalforwarding", "disableforwarding", "printmotd", "printlastlog",
    }
)  # fmt: skip
"""Keywords whose values sshd compares case-insensitively."""

ALGORITHM_KEYWORDS = ("ciphers", "macs", "kexalgorithms", "hostkeyalgorithms")

_KEYWORD = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_TIME = re.compile(r"(\d+)([sSmMhHdDwW]?)")
_TIME_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_MATCH_CRITERIA = frozenset(
    {"user", "group", "host", "localaddress", "localport", "rdomain", "address", "all",
     "invalid-user", "version"}
)  # fmt: skip


def sshd_seconds(value: str) -> int | None:
    """sshd time format (``300``, ``5m``, ``1h30m``) in seconds; None when malformed."""
    text = value.strip()
    if not text:
        return None
    total, pos = 0, 0
    for m in _TIME.finditer(text):
        if m.start() != pos:
            return None
        total += int(m.group(1)) * _TIME_UNITS[m.group(2).lower()]
        pos = m.end()
    return total if pos == len(text) else None


class _State:
    """Parsing state shared by the top file and its includes."""

    def __init__(self, display_path: str, includes: Includes) -> None:
        self.display_path = display_path
        self.includes = includes
        self.settings: dict[str, Any] = {}
        self.blocks: list[dict[str, Any]] = []
        self.lines = LineMap()
        self.origins: dict[str, str] = {}
        self.active: int | None = None
        """Index of the Match block lines currently go to (None: the global section)."""

    def current(self) -> tuple[dict[str, Any], tuple[Any, ...]]:
        if self.active is None:
            return self.settings, ("settings",)
        return self.blocks[self.active]["settings"], ("match_blocks", self.active, "settings")


def _set(state: _State, keyword: str, args: list[str], line: int, origin: str | None) -> None:
    target, prefix = state.current()
    path = (*prefix, keyword)
    if keyword in LIST_KEYWORDS:
        values = target.setdefault(keyword, [])
        start = len(values)
        values.extend(args)
        if start == 0:
            state.lines.set(path, line)
        for i in range(start, len(values)):
            state.lines.set((*path, i), line)
    elif keyword not in target:
        value = " ".join(args)
        target[keyword] = value.lower() if keyword in ENUM_KEYWORDS else to_scalar(value)
        state.lines.set(path, line)
    else:
        return
    if origin is not None:
        state.origins[".".join(str(p) for p in path)] = origin


def _match_block(words: list[str], display_path: str, line: int) -> dict[str, Any]:
    if not words:
        raise ParseError("Match needs criteria (e.g. 'Match User backup')",
                         file=display_path, line=line)  # fmt: skip
    criteria: dict[str, Any] = {}
    i = 0
    while i < len(words):
        key = words[i].lower()
        if key in ("all", "invalid-user"):
            criteria[key] = True
            i += 1
            continue
        if key not in _MATCH_CRITERIA:
            raise ParseError(f"unknown Match criterion {words[i]!r}", file=display_path,
                             line=line)  # fmt: skip
        if i + 1 >= len(words):
            raise ParseError(f"Match criterion {words[i]!r} needs a value", file=display_path,
                             line=line)  # fmt: skip
        criteria[key] = words[i + 1]
        i += 2
    return {"condition": " ".join(words), "criteria": criteria, "settings": {}}


def _read(state: _State, path: str, text: str, top_line: int | None) -> None:
    """Read one file; ``top_line`` is the Include line in the top file for included text."""
    for line in physical_lines(text):
        code, _ = strip_comment(line.text, quotes='"')
        code = code.strip()
        if not code:
            continue
        m = re.match(r"([^\s=]+)\s*(?:=\s*|\s+|$)(.*)$", code)
        keyword_raw, rest = (m.group(1), m.group(2)) if m else (code, "")
        if not _KEYWORD.match(keyword_raw):
            raise ParseError(f"malformed line: {code!r} does not start with a keyword",
                             file=path, line=line.number)  # fmt: skip
        keyword = keyword_raw.lower()
        args = split_words(rest, path, line.number, quotes='"')
        where = top_line if top_line is not None else line.number
        origin = f"{path}:{line.number}" if top_line is not None else None
        if keyword == "match":
            block = _match_block(args, path, line.number)
            state.blocks.append(block)
            state.active = len(state.blocks) - 1
            state.lines.set(("match_blocks", len(state.blocks) - 1), where)
            if origin:
                state.origins[f"match_blocks.{len(state.blocks) - 1}"] = origin
            continue
        if not args:
            raise ParseError(f"{keyword_raw} needs a value", file=path, line=line.number)
        if keyword == "include":
            base = PurePosixPath(state.display_path).parent
            for pattern in args:
                for inc in state.includes.resolve(pattern, where, including=path, base=base):
                    saved = state.active
                    state.includes.enter(inc.path)
                    try:
                        _read(state, inc.path, inc.text, where)
                    finally:
                        state.includes.leave()
                    # As in sshd, a Match opened inside an included file ends with that file.
                    state.active = saved
            continue
        _set(state, keyword, args, where, origin)


def _algorithms(settings: dict[str, Any]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    enabled: dict[str, list[str]] = {}
    removed: dict[str, list[str]] = {}
    for key in ALGORITHM_KEYWORDS:
        raw = settings.get(key)
        if not isinstance(raw, str):
            continue
        names = [n.strip() for n in raw.replace(" ", ",").split(",") if n.strip()]
        enabled[key] = [n.lstrip("+^") for n in names if not n.startswith("-")]
        gone = [n[1:] for n in names if n.startswith("-")]
        if gone:
            removed[key] = gone
    return enabled, removed


def _idle_timeout(settings: dict[str, Any]) -> int | None:
    interval = sshd_seconds(str(settings.get("clientaliveinterval", "0")))
    raw_max = str(settings.get("clientalivecountmax", "3")).strip()
    count = int(raw_max) if raw_max.isdigit() else None
    if not interval or not count:
        return None
    return interval * count


def _mfa_required(settings: dict[str, Any]) -> bool:
    methods = settings.get("authenticationmethods")
    if not isinstance(methods, str) or methods.strip().lower() in ("", "any"):
        return False
    return all(len(chain.split(",")) >= 2 for chain in methods.split())


def parse_sshd(
    display_path: str, content: bytes, limits: Limits, root: Path | None = None
) -> ParsedDocument:
    """Parse an sshd_config (and what it includes, when ``root`` is given)."""
    text = decode(display_path, content, limits)
    includes = Includes(root, display_path, limits)
    state = _State(display_path, includes)
    _read(state, display_path, text, None)
    settings = state.settings
    algorithms, removed = _algorithms(settings)
    data: dict[str, Any] = {
        "format": "sshd",
        "settings": settings,
        "match_blocks": state.blocks,
        "algorithms": algorithms,
        "idle_timeout_seconds": _idle_timeout(settings),
        "mfa_required": _mfa_required(settings),
        "includes": includes.as_list(),
        "origins": state.origins,
    }
    if removed:
        data["algorithms_removed"] = removed
    for key in algorithms:
        line = state.lines.line_of(("settings", key))
        if line is not None:
            state.lines.set(("algorithms", key), line)
    state.lines.derive(
        (("idle_timeout_seconds", "clientaliveinterval"),
         ("mfa_required", "authenticationmethods")),
        "settings",
        settings,
    )  # fmt: skip
    for n, record in enumerate(includes.records):
        state.lines.set(("includes", n), record.line)
    return ParsedDocument(data=data, locator=state.lines)


class SshdParser:
    """``sshd_config`` anywhere (``etc/ssh/sshd_config``); drop-ins are read through Include."""

    name = "sshd"
    reads_includes = True

    def claims(self, path: PurePosixPath) -> bool:
        return path.name == "sshd_config"

    def parse(
        self, display_path: str, content: bytes, limits: Limits, root: Path | None = None
    ) -> list[ParsedDocument]:
        return [parse_sshd(display_path, content, limits, root)]
