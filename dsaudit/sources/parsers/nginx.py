"""nginx: nested blocks, ``include``, and a flattened view of every ``server``.

Shape::

    {"format": "nginx", "context": "main" | "http",
     "directives": {"user": [["nginx"]], ...},          # every directive is a list of arg lists
     "blocks": [{"name": "http", "args": [], "directives": {...}, "blocks": [...]}],
     "servers": [{"server_name": ["shop.example.com"], "listen": [["443", "ssl"]],
                  "ssl": true, "ssl_protocols": ["TLSv1.2", "TLSv1.3"],
                  "ssl_protocols_from": "server" | "http" | "<file>:<line>" | None,
                  "ssl_ciphers": "HIGH:!aNULL:!MD5", "weak_ciphers": [],
                  "access_log": [["/var/log/nginx/shop.log", "main"]], "access_log_off": false,
                  "locations": ["/", "/api/"]}],
     "tls_servers": [...],                  # the servers with ``ssl`` true, same shape
     "inherited_from": "etc/nginx/nginx.conf" | None,
     "includes": [...]}

Server values are the **effective** ones: a directive set in the server wins, else the one of
the enclosing ``http`` block, else one inherited from the file that includes this one (nginx
replaces, never merges, array directives between levels).

``include`` is resolved relative to the folder of the main ``nginx.conf`` (nginx's prefix) and
merged where it stands -- except files that are units of their own (``conf.d/*.conf``,
``sites-enabled/*``, ``sites-available/*``): those are parsed as their own resources so that
findings point at their lines, inheriting the directives that ``nginx.conf`` sets around the
``include`` that pulls them in (``inherited_from``). Merged directives point at the include
line; ``weak_ciphers`` lists the cipher-string entries naming RC4, DES/3DES, MD5, NULL,
EXPORT, anonymous or LOW suites that the string does not exclude with ``!``.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path, PurePosixPath
from typing import Any

from dsaudit.core.limits import Limits
from dsaudit.documents.base import ParsedDocument
from dsaudit.documents.safe_read import read_guarded
from dsaudit.sources.parsers.lines import Includes, LineMap, decode, host_root
from dsaudit.sources.parsers.nginx_tree import (
    BLOCK_DIRECTIVES,
    UNIT_DIRS,
    Builder,
    Token,
    is_unit_file,
    new_block,
    tokenize,
)

WEAK_CIPHER_MARKERS = ("RC4", "DES", "MD5", "NULL", "EXP", "ADH", "AECDH", "LOW", "IDEA", "SEED")
INHERITED_DIRECTIVES = ("ssl_protocols", "ssl_ciphers", "access_log", "ssl_prefer_server_ciphers")


def _ciphers_weak(ciphers: str | None) -> list[str]:
    if not ciphers:
        return []
    items = [c for c in ciphers.replace(",", ":").replace(" ", ":").split(":") if c]
    excluded = {c[1:].upper() for c in items if c.startswith("!")}
    weak = []
    for item in items:
        if item[:1] in "!-+":
            continue
        upper = item.upper()
        if upper in excluded:
            continue
        if any(marker in upper for marker in WEAK_CIPHER_MARKERS):
            weak.append(item)
    return weak


def _flatten_servers(
    data: dict[str, Any], lines: LineMap, inherited: dict[str, tuple[list[list[str]], str]],
) -> list[dict[str, Any]]:  # fmt: skip
    servers: list[dict[str, Any]] = []

    def walk(block: dict[str, Any], bpath: tuple[Any, ...], scope: dict[str, Any]) -> None:
        for n, child in enumerate(block["blocks"]):
            cpath = (*bpath, "blocks", n)
            if child["name"] == "server" and block.get("name") in ("http", None):
                servers.append(_server(child, cpath, scope, lines, len(servers)))
                continue
            inner = dict(scope)
            for key in INHERITED_DIRECTIVES:
                if key in child["directives"]:
                    inner[key] = (child["directives"][key], (*cpath, "directives", key))
            walk(child, cpath, inner)

    top_scope: dict[str, Any] = {key: (v, f) for key, (v, f) in inherited.items()}
    for key in INHERITED_DIRECTIVES:
        if key in data["directives"]:
            top_scope[key] = (data["directives"][key], ("directives", key))
    walk(data, (), top_scope)
    return servers


def _server(
    block: dict[str, Any], bpath: tuple[Any, ...], scope: dict[str, Any], lines: LineMap, n: int
) -> dict[str, Any]:
    own = block["directives"]
    spath = ("servers", n)
    lines.set(spath, lines.line_of(bpath) or 1)

    def effective(key: str) -> tuple[list[list[str]] | None, str | None]:
        if key in own:
            lines.set((*spath, key), lines.line_of((*bpath, "directives", key)) or 1)
            return own[key], "server"
        if key in scope:
            values, source = scope[key]
            if isinstance(source, tuple):
                lines.set((*spath, key), lines.line_of(source) or 1)
                return values, "http"
            return values, source
        return None, None

    protocols, protocols_from = effective("ssl_protocols")
    ciphers, _ = effective("ssl_ciphers")
    access_log, _ = effective("access_log")
    listen = own.get("listen", [])
    ssl = any("ssl" in args or "quic" in args for args in listen) or any(
        args[:1] == ["on"] for args in own.get("ssl", [])
    )
    cipher_text = " ".join(ciphers[-1]) if ciphers else None
    locations = [" ".join(b["args"]) for b in block["blocks"] if b["name"] == "location"]
    if ciphers:
        lines.set((*spath, "weak_ciphers"), lines.line_of((*spath, "ssl_ciphers")) or 1)
    lines.set((*spath, "access_log_off"), lines.line_of((*spath, "access_log")) or 1)
    return {
        "server_name": [name for args in own.get("server_name", []) for name in args],
        "listen": listen,
        "ssl": ssl,
        "ssl_protocols": [p for args in protocols for p in args] if protocols else None,
        "ssl_protocols_from": protocols_from,
        "ssl_ciphers": cipher_text,
        "weak_ciphers": _ciphers_weak(cipher_text),
        "access_log": access_log,
        "access_log_off": any(a[:1] == ["off"] for a in access_log or []),
        "locations": locations,
    }


def _copy_lines(lines: LineMap, source: tuple[Any, ...], target: tuple[Any, ...]) -> None:
    for key in ("", "ssl_protocols", "ssl_ciphers", "weak_ciphers", "access_log",
                "access_log_off"):  # fmt: skip
        path = (*source, key) if key else source
        line = lines.line_of(path)
        if line is not None:
            lines.set((*target, key) if key else target, line)


def _main_conf(path: PurePosixPath) -> PurePosixPath:
    """The ``nginx.conf`` a unit file belongs to (next to its folder)."""
    return path.parent.parent / "nginx.conf"


def _inherited(
    display_path: str, root: Path | None, limits: Limits
) -> tuple[dict[str, tuple[list[list[str]], str]], str | None, str]:
    """Directives a unit file inherits from the ``nginx.conf`` that includes it."""
    path = PurePosixPath(display_path)
    if root is None or not is_unit_file(path):
        return {}, None, "http"
    main = _main_conf(path)
    full = root / main
    if not full.is_file():
        return {}, None, "http"
    content = read_guarded(full, main.as_posix(), limits.max_file_bytes).content
    text = decode(main.as_posix(), content, limits)
    includes = Includes(root, main.as_posix(), limits)
    builder = Builder(main.as_posix(), includes, main.parent, limits.max_depth)
    data = new_block("", [])
    builder.build(tokenize(text, main.as_posix()), main.as_posix(), data, (), [], None)
    host = host_root(main.as_posix())
    for _, pattern, chain in builder.units:
        rel = host / pattern.lstrip("/") if pattern.startswith("/") else main.parent / pattern
        if not fnmatch.fnmatch(path.as_posix(), rel.as_posix()):
            continue
        found: dict[str, tuple[list[list[str]], str]] = {}
        for block in [data, *chain]:
            for key in INHERITED_DIRECTIVES:
                if key in block["directives"]:
                    found[key] = (block["directives"][key], main.as_posix())
        context = chain[-1]["name"] if chain and chain[-1]["name"] else "main"
        return found, main.as_posix(), context
    return {}, None, "http"


def parse_nginx(
    display_path: str, content: bytes, limits: Limits, root: Path | None = None
) -> ParsedDocument:
    """Parse one nginx file (see the module docstring for includes and inheritance)."""
    text = decode(display_path, content, limits)
    path = PurePosixPath(display_path)
    inherited, source, context = _inherited(display_path, root, limits)
    if not is_unit_file(path):
        context = "main" if path.name == "nginx.conf" else "http"
    prefix = _main_conf(path).parent if is_unit_file(path) else path.parent
    includes = Includes(root, display_path, limits)
    builder = Builder(display_path, includes, prefix, limits.max_depth)
    data: dict[str, Any] = {"directives": {}, "blocks": []}
    builder.build(tokenize(text, display_path), display_path, data, (), [], None)
    located = {k: (v, f"{source}") for k, (v, _) in inherited.items()}
    data["name"] = None if context == "main" else "http"
    servers = _flatten_servers(data, builder.lines, located)
    del data["name"]
    tls_servers = [server for server in servers if server["ssl"]]
    for j, i in enumerate(n for n, server in enumerate(servers) if server["ssl"]):
        _copy_lines(builder.lines, ("servers", i), ("tls_servers", j))
    document = {
        "format": "nginx",
        "context": context,
        "directives": data["directives"],
        "blocks": data["blocks"],
        "servers": servers,
        "tls_servers": tls_servers,
        "inherited_from": source,
        "includes": includes.as_list(),
        "origins": builder.origins,
    }
    for n, record in enumerate(includes.records):
        builder.lines.set(("includes", n), record.line)
    return ParsedDocument(data=document, locator=builder.lines)


class NginxParser:
    """``nginx.conf`` and files in ``nginx/conf.d`` and ``nginx/sites-enabled``.

    ``sites-available`` is not claimed: enabled sites are symlinks into it, and the rest are
    switched off.
    """

    name = "nginx"
    reads_includes = True

    def claims(self, path: PurePosixPath) -> bool:
        if path.name == "nginx.conf":
            return True
        parts = path.parts
        return (
            len(parts) >= 3
            and parts[-3] == "nginx"
            and parts[-2] in ("conf.d", "sites-enabled")
            and not path.name.startswith(".")
        )

    def parse(
        self, display_path: str, content: bytes, limits: Limits, root: Path | None = None
    ) -> list[ParsedDocument]:
        return [parse_nginx(display_path, content, limits, root)]


__all__ = [
    "BLOCK_DIRECTIVES",
    "INHERITED_DIRECTIVES",
    "UNIT_DIRS",
    "WEAK_CIPHER_MARKERS",
    "NginxParser",
    "Token",
    "is_unit_file",
    "parse_nginx",
    "tokenize",
]
