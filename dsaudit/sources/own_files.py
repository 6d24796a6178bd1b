"""dsaudit's own files in the audited tree, kept out of config discovery.

An audit must not audit itself: two runs on the same tree give the same results whatever the
first one wrote. Config discovery therefore skips, by default,

* the project config (``dsaudit.yaml``, ``dsaudit.yml``, ``.dsaudit.yaml`` at the target, or
  the ``--config`` file), the waivers and baseline files and the inventory files;
* every report path: the ``outputs:`` of the config file (even when ``-o`` replaces them for
  this run) and the ``-o`` paths of this run;
* the parse cache folder, the ``.dsaudit/`` folder at the target (baselines, caches) and rule
  pack folders given by path (``--pack ./rules/mine``);
* the pre-commit files at the target (``.pre-commit-config.yaml``, ``.pre-commit-hooks.yaml``),
  which name dsaudit's hook and are not application configs.

``dsaudit audit --explain-discovery`` lists each skipped path with the reason from here.

A report written by an earlier run at a path this run does not name (``-o`` changed since) is
recognised by its content when it is read (:func:`own_output_kind`: a dsaudit JSON report, a
SARIF log whose tool is dsaudit, a dsaudit baseline or waivers file) and left out as well.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from dsaudit.project.config import ProjectConfig

CONFIG_NAMES = ("dsaudit.yaml", "dsaudit.yml", ".dsaudit.yaml")
PRE_COMMIT_NAMES = (".pre-commit-config.yaml", ".pre-commit-hooks.yaml")
OWN_FOLDER = ".dsaudit"


@dataclass(slots=True)
class OwnFiles:
    """Absolute paths (as given by the walk, and resolved) of dsaudit's files and folders."""

    files: dict[str, str] = field(default_factory=dict)
    """path -> why it is skipped."""
    folders: dict[str, str] = field(default_factory=dict)

    def add_file(self, path: Path, reason: str) -> None:
        for key in _keys(path):
            self.files.setdefault(key, reason)

    def add_folder(self, path: Path, reason: str) -> None:
        for key in _keys(path):
            self.folders.setdefault(key, reason)

    def reason(self, path: Path) -> str | None:
        """Why ``path`` (a file or folder met by the walk) is dsaudit's own, or None."""
        text = os.path.abspath(path)
        return self.files.get(text) or self.folders.get(text)


def _keys(path: Path) -> set[str]:
    """The spellings a walk may meet: as given (absolute) and with links resolved."""
    absolute = Path(os.path.abspath(path))
    return {str(absolute), str(absolute.resolve())}


def own_files(config: ProjectConfig, inventory_files: Iterable[Path] = ()) -> OwnFiles:
    """dsaudit's own files and folders for ``config`` (see the module docstring)."""
    own = OwnFiles()
    root = config.root
    for name in CONFIG_NAMES:
        own.add_file(root / name, "dsaudit's project config")
    if config.config_file is not None:
        own.add_file(config.config_file, "dsaudit's project config")
    if config.waivers is not None:
        own.add_file(config.waivers, "dsaudit waivers file")
    if config.baseline is not None:
        own.add_file(config.baseline, "dsaudit baseline file")
    for path in inventory_files:
        own.add_file(path, "inventory file")
    base = config.config_file.parent if config.config_file is not None else root
    for item in config.raw.get("outputs") or ():
        if isinstance(item, dict) and isinstance(item.get("path"), str):
            own.add_file(base / item["path"], "dsaudit report (outputs: in the project config)")
    for _, output in config.outputs:
        if output is not None:
            own.add_file(output, "dsaudit report (written by this run)")
    if config.cache is not None:
        own.add_folder(config.cache, "dsaudit parse cache")
    own.add_folder(root / OWN_FOLDER, "dsaudit's folder (baselines, caches)")
    for pack in config.packs:
        candidate = Path(pack)
        if not candidate.is_absolute():
            candidate = Path.cwd() / candidate
        if candidate.is_dir():
            own.add_folder(candidate, "rule pack given with --pack")
    for name in PRE_COMMIT_NAMES:
        own.add_file(root / name, "pre-commit configuration (not an application config)")
    return own


def own_output_kind(data: object) -> str | None:
    """What dsaudit wrote ``data`` (a parsed JSON or YAML document) as, or None."""
    if not isinstance(data, dict):
        return None
    metadata = data.get("metadata")
    tool = metadata.get("tool") if isinstance(metadata, dict) else None
    if (
        "format_version" in data
        and isinstance(data.get("results"), list)
        and isinstance(tool, dict)
        and tool.get("name") == "dsaudit"
    ):
        return "dsaudit JSON report"
    runs = data.get("runs")
    if isinstance(runs, list) and runs and isinstance(runs[0], dict):
        driver = (
            (runs[0].get("tool") or {}).get("driver")
            if isinstance(runs[0].get("tool"), dict)
            else None
        )
        if isinstance(driver, dict) and driver.get("name") == "dsaudit":
            return "dsaudit SARIF report"
    schema = data.get("$schema")
    if isinstance(schema, str) and schema.startswith("https://dsaudit.dev/schemas/baseline"):
        return "dsaudit baseline"
    if (
        set(data) <= {"version", "waivers"}
        and isinstance(data.get("waivers"), list)
        and data.get("version") == 1
    ):
        return "dsaudit waivers file"
    return None
