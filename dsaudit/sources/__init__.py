"""Built-in resource sources: the inventory files and the config files under the target."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dsaudit.core.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:
    from dsaudit.documents.parsecache import ParseCache
    from dsaudit.plugin.host import PluginHost
    from dsaudit.project.config import ProjectConfig


@dataclass(slots=True)
class SourceContext:
    """What a source needs to collect resources for one run."""

    config: ProjectConfig
    parsers: list[Any]
    host: PluginHost | None = None
    taxonomy: Any = None
    inventory_files: list[Path] = field(default_factory=list)
    """Absolute paths of inventory files (kept out of config discovery)."""
    systems: list[dict[str, Any]] = field(default_factory=list)
    """Inventory systems (filled by the inventory source) for linking config files to systems."""
    datasets_by_system: dict[str, list[str]] = field(default_factory=dict)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    """Filled by sources: ``{path, sha256, kind}`` for each file read (report metadata)."""
    cache: ParseCache | None = None
    progress: Progress = NO_PROGRESS
    """Where sources report how far they are (a progress bar on a terminal)."""
    """The parse cache of ``--cache``, ready to use, or None."""
