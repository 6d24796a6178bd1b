"""The inventory source: expand the inventory globs and load the files as resources."""

from __future__ import annotations

import glob
from collections.abc import Iterator
from pathlib import Path

from dsaudit.core.errors import DsauditError, InventoryError
from dsaudit.core.models import Location, Resource, Result, Severity, tool_error
from dsaudit.sources import SourceContext
from dsaudit.sources.inventory import load_inventory


def inventory_files(root: Path, patterns: list[str]) -> list[Path]:
    """Inventory files matching ``patterns`` (globs relative to ``root``), sorted, unique."""
    found: dict[Path, None] = {}
    for pattern in patterns:
        candidate = root / pattern
        if not any(ch in pattern for ch in "*?[") and _is_file_entry(candidate):
            found[candidate.resolve()] = None
            continue
        for path in _expand(root, pattern):
            if path.name.startswith("~$"):  # the lock file Excel keeps beside an open workbook
                continue
            if _is_file_entry(path):
                found[path.resolve()] = None
    return list(found)


def _is_file_entry(path: Path) -> bool:
    """A regular file, or a FIFO, socket or device named like an inventory file: kept, so that
    reading it reports what it is instead of skipping it silently. A symbolic link to one is
    left to discovery, which reports it under its own name (a link out of the target)."""
    if path.is_file():
        return True
    return not path.is_symlink() and path.exists() and not path.is_dir()


def _expand(root: Path, pattern: str) -> list[Path]:
    """Paths matching ``pattern``: relative to ``root``, or absolute (``--inventory '/x/*'``)."""
    if Path(pattern).is_absolute():  # Path.glob takes relative patterns only
        return sorted(Path(p) for p in glob.glob(pattern, recursive=True))
    return sorted(root.glob(pattern))


class InventorySource:
    """Built-in source of organization, system, dataset, transfer, ... resources."""

    name = "inventory"

    def collect(self, ctx: SourceContext) -> Iterator[Resource | Result]:
        files = ctx.inventory_files
        if not files:
            return
        root = ctx.config.root
        digests: dict[str, str] = {}
        try:
            inventory = load_inventory(
                files,
                root,
                ctx.config.limits,
                ctx.taxonomy,
                jobs=ctx.config.jobs,
                cache=ctx.cache,
                digests=digests,
                keep_valid=True,
            )
        except InventoryError as exc:
            _record_inputs(ctx, root, files, digests)
            for problem in getattr(exc, "errors", None) or [exc]:
                yield _error(problem)
            return
        except DsauditError as exc:
            _record_inputs(ctx, root, files, digests)
            yield _error(exc)
            return
        _record_inputs(ctx, root, files, digests)
        for problem in inventory.problems:  # those records are left out; the rest is audited
            yield _error(problem)
        if inventory.truncated:
            yield _error(
                InventoryError(f"... and {inventory.truncated} more inventory problems not listed")
            )
        for res in inventory.resources:
            if res.kind == "system":
                ctx.systems.append(dict(res.attributes))
            elif res.kind == "dataset" and res.attributes.get("system"):
                ctx.datasets_by_system.setdefault(str(res.attributes["system"]), []).append(res.id)
        yield from inventory.resources


def _record_inputs(
    ctx: SourceContext, root: Path, files: list[Path], digests: dict[str, str]
) -> None:
    """Add an ``inputs`` entry for every inventory file inside ``root`` that was read, with
    the SHA-256 of the bytes that were parsed (each file is read once)."""
    inside = {_display(path, root) for path in files}
    for display, sha256 in digests.items():
        if display in inside:
            ctx.inputs.append({"path": display, "sha256": sha256, "kind": "inventory"})


def _display(path: Path, root: Path) -> str | None:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


def _error(exc: DsauditError) -> Result:
    file = exc.file or "inventory"
    return tool_error(
        "DSAUDIT-INPUT",
        "inventory",
        file,
        str(exc),
        Location(exc.file, exc.line),
        severity=Severity.HIGH,
    )
