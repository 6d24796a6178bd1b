"""Which packs a run names, where each comes from, and which plugin packs it leaves out."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dsaudit.language.packs import Pack, builtin_pack_paths, resolve_pack_refs
from dsaudit.plugin.registry import Registry
from dsaudit.project.config import ProjectConfig

DEFAULT_PACKS = "default"
"""The pack name that stands for every shipped pack (``packs: [default, NAME]``)."""


def pack_origins(registry: Registry) -> dict[Path, str]:
    """Where each known pack folder comes from: ``builtin`` or ``plugin NAME`` (resolved paths)."""
    origins = {p.resolve(): "builtin" for p in builtin_pack_paths()}
    for name, path in registry.pack_paths:
        origins.setdefault(path.resolve(), f"plugin {name}")
    return origins


def resolve_packs(refs: Sequence[str], registry: Registry) -> list[tuple[Path, str]]:
    """The pack folders ``refs`` name, each with its origin, in order and without repeats.

    Every command that takes packs resolves them here. A ref is a pack folder (origin
    ``path``), the name of a shipped pack (``builtin``) or of a pack an installed or local
    plugin provides (``plugin NAME``), or ``default``: every shipped pack. No refs means
    ``default``: plugin packs run only when named (docs/config.md ``packs``).
    """
    origins = pack_origins(registry)
    plugin_paths = [p for _, p in registry.pack_paths]
    out: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for ref in refs or [DEFAULT_PACKS]:
        paths = (
            builtin_pack_paths() if ref == DEFAULT_PACKS else resolve_pack_refs([ref], plugin_paths)
        )
        for path in paths:
            folder = path.parent if path.name == "pack.yaml" else path
            key = folder.resolve()
            if key not in seen:
                seen.add(key)
                out.append((path, origins.get(key, "path")))
    return out


def plugin_packs_not_run(registry: Registry, packs: Sequence[Pack]) -> list[dict[str, str]]:
    """The packs installed or local plugins provide that this run does not run."""
    ran = {p.path.resolve() for p in packs}
    return [
        {"name": path.name, "origin": f"plugin {name}"}
        for name, path in registry.pack_paths
        if path.resolve() not in ran
    ]


def shown_path(path: Path, config: ProjectConfig) -> str:
    """A pack folder as reports show it: relative to the audit target or the config when inside."""
    folder = (path.parent if path.name == "pack.yaml" else path).resolve()
    bases = [config.root, config.config_file.parent if config.config_file else None, Path.cwd()]
    for base in bases:
        if base is not None:
            try:
                return folder.relative_to(base.resolve()).as_posix() or "."
            except ValueError:
                continue
    return folder.as_posix()
