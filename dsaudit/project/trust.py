"""What a project config found inside the audited tree may not do on its own.

The audited tree is data: in CI it is often a pull request from someone the pipeline does not
trust. A ``dsaudit.yaml`` (or ``[tool.dsaudit]``) that dsaudit *found* in that tree is part of
it, so it may not

* load code: ``plugins:`` names folders of Python files that would be imported;
* seed or choose the parse cache: ``cache:`` entries are read back as parse results, so a
  cache the tree chooses could be pre-filled with entries that make a file look clean;
* write outside the tree: an ``outputs:`` path that resolves (symlinks followed) outside the
  audited folder.

A config the user names with ``--config``, or any found config when ``--trust-config`` is
given, is the user's own and may do all three (docs/security.md, "Trust model").
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dsaudit.core.errors import ConfigError

TRUST_HINT = (
    "a config found in the audited folder may not load code, choose the cache or write "
    "outside that folder; to allow it, name the file with --config or pass --trust-config"
)


def _inside(path: Path, root: Path) -> bool:
    resolved = path.resolve()
    return resolved == root or resolved.is_relative_to(root)


def refused_keys(data: Mapping[str, Any], base: Path, root: Path) -> list[str]:
    """The keys of ``data`` (a validated config read from ``base``) an untrusted config may not set.

    Each entry names the key and, for ``outputs``, the index and the path, so the message says
    exactly what was refused.
    """
    refused: list[str] = []
    if data.get("plugins"):
        refused.append("plugins (would import Python code from the audited tree)")
    if data.get("cache"):
        refused.append("cache (a cache the audited tree chooses can be seeded to hide findings)")
    for index, output in enumerate(data.get("outputs", [])):
        where = output.get("path") if isinstance(output, Mapping) else None
        if where and not _inside(base / where, root):
            refused.append(f"outputs[{index}].path {where!r} (resolves outside the audited folder)")
    return refused


def check_untrusted(data: Mapping[str, Any], config_path: Path, base: Path, root: Path) -> None:
    """Raise ConfigError naming every refused key of a found, untrusted config."""
    refused = refused_keys(data, base, root)
    if refused:
        raise ConfigError(
            "refused settings in a config found in the audited folder: "
            + "; ".join(refused)
            + f" ({TRUST_HINT})",
            file=str(config_path),
        )


def check_untrusted_write(path: Path, key: str, config_path: Path | None, root: Path) -> None:
    """Refuse writing ``path`` (taken from ``key`` of an untrusted config) outside ``root``."""
    if not _inside(path, root):
        raise ConfigError(
            f"refused settings in a config found in the audited folder: {key} {str(path)!r} "
            f"(resolves outside the audited folder) ({TRUST_HINT})",
            file=str(config_path) if config_path else None,
        )
