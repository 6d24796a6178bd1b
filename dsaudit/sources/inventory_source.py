"""The inventory source: expand the inventory globs and load the files as resources."""

from __future__ import annotations

import glob
import hashlib
from collections.abc import Iterator
from pathlib import Path

from dsaudit.errors import DsauditError, InventoryError
from dsaudit.inventory import load_inventory
from dsaudit.models import Location, Resource, Result, Severity, tool_error
from dsaudit.sources import SourceContext


def inventory_files(root: Path, patterns: list[str]) -> list[Path]:
    """Inventory files matching ``patterns`` (globs relative to ``root``), sorted, unique."""
    found: dict[Path, None] = {}
    for pattern in patterns:
        candidate = root / pattern
        if not any(ch in pattern for ch in "*?[") and candidate.is_file():
            found[candidate.resolve()] = None
            continue
        for path in _expand(root, pattern):
            if path.is_file():
                found[path.resolve()] = None
    return list(found)


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
        for path in files:
            try:
                rel = path.relative_to(root).as_posix()
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except (OSError, ValueError):
                continue
            ctx.inputs.append({"path": rel, "sha256": digest, "kind": "inventory"})
        try:
            inventory = load_inventory(
                files, root, ctx.config.limits, ctx.taxonomy, jobs=ctx.config.jobs, cache=ctx.cache
            )
        except InventoryError as exc:
            for problem in getattr(exc, "errors", None) or [exc]:
                yield _error(problem)
            return
        except DsauditError as exc:
            yield _error(exc)
            return
        for res in inventory.resources:
            if res.kind == "system":
                ctx.systems.append(dict(res.attributes))
            elif res.kind == "dataset" and res.attributes.get("system"):
                ctx.datasets_by_system.setdefault(str(res.attributes["system"]), []).append(res.id)
        yield from inventory.resources


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
