"""The config-file source: discover files under the target and parse each with its parser.

One unreadable or unparseable file becomes an error result; every other file is still audited.
"""

from __future__ import annotations

import fnmatch
import gc
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from dsaudit.core.errors import PLUGIN_FAILURES, ConfigError, LimitError, SourceError
from dsaudit.core.models import Location, Resource, Result, Severity, tool_error
from dsaudit.core.names import shown_name
from dsaudit.core.workers import ordered_map
from dsaudit.documents.parsecache import ParseCache, cached_parse
from dsaudit.documents.safe_read import read_guarded
from dsaudit.sources import SourceContext
from dsaudit.sources.discovery import DiscoveryResult, discover
from dsaudit.sources.own_files import own_files, own_output_kind


def pick_parser(
    parsers: list[Any], rel: str, overrides: dict[str, str] | None = None
) -> Any | None:
    """The parser for ``rel``: a matching ``configs.parsers`` glob first, else the first parser
    (latest-registered first) that claims it."""
    for pattern, name in (overrides or {}).items():
        if fnmatch.fnmatchcase(rel, pattern):
            return next((p for p in parsers if p.name == name), None)
    path = PurePosixPath(rel)
    for parser in parsers:
        if parser.claims(path):
            return parser
    return None


def system_links(ctx: SourceContext) -> list[tuple[str, dict[str, Any]]]:
    """(glob, metadata) pairs linking config paths to inventory systems."""
    links = []
    for system in ctx.systems:
        meta = {
            "system": system.get("id"),
            "system_name": system.get("name"),
            "system_mlps_level": system.get("mlps_level"),
            "system_datasets": ctx.datasets_by_system.get(str(system.get("id")), []),
        }
        meta = {k: v for k, v in meta.items() if v is not None}
        for pattern in system.get("configs", []) or []:
            links.append((str(pattern).rstrip("/"), meta))
    return links


def linked_meta(rel: str, links: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Metadata of the first system whose config glob (or folder) matches ``rel``."""
    for pattern, meta in links:
        if fnmatch.fnmatchcase(rel, pattern) or rel.startswith(pattern + "/"):
            return meta
    return {}


def parse_file(
    root: Path,
    rel: str,
    parser: Any,
    limits: Any,
    extra_meta: dict[str, Any] | None = None,
    cache: ParseCache | None = None,
) -> tuple[list[Resource], list[Result], dict[str, Any] | None]:
    """Read and parse one config file into resources, or an error result."""
    full = root / rel
    rel = shown_name(rel)  # from here on, the name as reports show it (see dsaudit.core.names)
    try:
        # Non-blocking open and fstat (dsaudit.documents.safe_read): a path that became a FIFO or
        # device since discovery is refused instead of blocking the audit forever.
        read = read_guarded(full, rel, limits.max_file_bytes, stat_first=False)
    except LimitError as exc:
        return [], [tool_error("DSAUDIT-LIMIT", "config", rel, str(exc), Location(rel))], None
    except SourceError as exc:
        message = f"{rel}: cannot read file: {exc.message}"
        return [], [tool_error("DSAUDIT-PARSE", "config", rel, message, Location(rel))], None
    content = read.content
    digest = {"path": rel, "sha256": read.sha256, "kind": "config"}
    try:
        if getattr(parser, "reads_includes", False):
            docs = parser.parse(rel, content, limits, root=root)
        else:
            docs = cached_parse(
                cache, parser, content, limits, lambda: parser.parse(rel, content, limits)
            )
    except LimitError as exc:
        loc = Location(rel, exc.line)
        return [], [tool_error("DSAUDIT-LIMIT", "config", rel, str(exc), loc)], digest
    except SourceError as exc:
        loc = Location(rel, exc.line)
        return [], [tool_error("DSAUDIT-PARSE", "config", rel, str(exc), loc)], digest
    except RecursionError:
        message = f"{rel}: nesting too deep to parse"
        return [], [tool_error("DSAUDIT-LIMIT", "config", rel, message, Location(rel))], digest
    except PLUGIN_FAILURES as exc:
        message = f"{rel}: parser {parser.name} failed: {type(exc).__name__}: {exc}"
        return [], [tool_error("DSAUDIT-PLUGIN", "config", rel, message, Location(rel))], digest
    resources = []
    for doc in docs:
        data = doc.data
        attributes = data if isinstance(data, dict) else {"document": data}
        rid = rel if doc.index == 0 else f"{rel}#{doc.index}"
        base = () if isinstance(data, dict) else ("document",)
        meta = {"format": parser.name, "parser": parser.name, "document": doc.index}
        if extra_meta:
            meta.update(extra_meta)
        resources.append(
            Resource(
                kind="config",
                id=rid,
                attributes=attributes,
                file=rel,
                locator=_Shift(doc.locator, base) if base else doc.locator,
                meta=meta,
            )
        )
    return resources, [], digest


class _Shift:
    """Locator for non-mapping documents wrapped as ``{"document": data}``."""

    __slots__ = ("base", "inner")

    def __init__(self, inner: Any, base: tuple[str, ...]) -> None:
        self.inner, self.base = inner, base

    def line_of(self, path: Any) -> int | None:
        path = tuple(path)
        if path[: len(self.base)] == self.base:
            path = path[len(self.base) :]
        return self.inner.line_of(path) if self.inner is not None else None


def discover_configs(ctx: SourceContext, *, explain: bool = False) -> DiscoveryResult:
    """The config files of the target: dsaudit's own files (:mod:`.own_files`) are skipped,
    then the ``dsaudit_ignore_path`` hook and the include/exclude rules decide."""
    cfg = ctx.config
    own = own_files(cfg, ctx.inventory_files)
    ask_plugins = ctx.host is not None and ctx.host.has_impls("dsaudit_ignore_path")

    def ignore(path: Path) -> bool | str | None:
        reason = own.reason(path)
        if reason is not None:
            return reason
        if ask_plugins:
            assert ctx.host is not None
            answer: bool | None = ctx.host.first_result(
                "dsaudit_ignore_path", path=path, config=cfg
            )
            return answer
        return None

    return discover(
        cfg.root,
        include=cfg.include,
        exclude=cfg.exclude,
        limits=cfg.limits,
        ignore=ignore,
        follow_symlinks=cfg.follow_symlinks,
        explain=explain,
    )


class ConfigSource:
    """Built-in source of ``config`` resources."""

    name = "configs"

    def collect(self, ctx: SourceContext) -> Iterator[Resource | Result]:
        cfg = ctx.config
        found = discover_configs(ctx)
        for problem in found.problems:
            yield tool_error(
                "DSAUDIT-INPUT",
                "config",
                str(problem.path),
                f"{problem.path}: {problem.reason}",
                Location(str(problem.path)),
                severity=Severity.MEDIUM,
            )
        unknown = sorted(set(cfg.parser_overrides.values()) - {p.name for p in ctx.parsers})
        if unknown:
            known = ", ".join(sorted(p.name for p in ctx.parsers))
            raise ConfigError(f"configs.parsers names unknown parser(s) {unknown}; known: {known}")
        work = [(rel, pick_parser(ctx.parsers, rel, cfg.parser_overrides)) for rel in found.files]
        work = [(rel, parser) for rel, parser in work if parser is not None]
        links = system_links(ctx)
        items = [(rel, parser, linked_meta(rel, links) if links else None) for rel, parser in work]
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            ctx.progress.phase("reading config files", len(items))
            outcomes = parse_all(cfg.root, items, cfg.limits, cfg.jobs, ctx.cache)
            for resources, errors, digest in outcomes:
                ctx.progress.advance()
                if any(own_output_kind(res.attributes) for res in resources):
                    continue  # a report or baseline of an earlier run: never audited
                if digest:
                    ctx.inputs.append(digest)
                yield from errors
                yield from resources
        finally:
            if was_enabled:
                gc.enable()


ParseOutcome = tuple[list[Resource], list[Result], dict[str, Any] | None]
_CHUNK = 64


def _parse_chunk(
    chunk: list[tuple[str, Any, dict[str, Any] | None]],
    root: Path,
    limits: Any,
    cache: ParseCache | None,
) -> list[ParseOutcome]:
    return [parse_file(root, rel, parser, limits, extra, cache) for rel, parser, extra in chunk]


def parse_all(
    root: Path,
    items: list[tuple[str, Any, dict[str, Any] | None]],
    limits: Any,
    jobs: int,
    cache: ParseCache | None = None,
) -> Iterator[ParseOutcome]:
    """Parse every file, in order; with ``jobs > 1`` in forked worker processes.

    Results are identical to ``jobs == 1``: chunks are mapped in order and each file is parsed
    by the same function. Where worker processes cannot start, parsing falls back to this one.
    """
    if jobs <= 1 or len(items) < 2 * _CHUNK:
        for rel, parser, extra in items:
            yield parse_file(root, rel, parser, limits, extra, cache)
        return
    chunks = [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]
    for outcomes in ordered_map(_parse_chunk, chunks, jobs, root, limits, cache):
        yield from outcomes
