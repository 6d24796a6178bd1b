"""The project config: ``dsaudit.yaml`` in the target folder, merged with command-line flags.

Precedence: command-line flags > the config file > defaults. The file is validated against
``schemas/config.schema.json``; errors name file, line and key. A ``[tool.dsaudit]`` table in
``pyproject.toml`` holds the same settings when there is no ``dsaudit.yaml`` (docs/config.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from dsaudit.core.errors import ConfigError, SourceError
from dsaudit.core.limits import DEFAULT_LIMITS, Limits
from dsaudit.core.taxonomy import DEFAULT_PROFILE, profile_names
from dsaudit.core.workers import default_jobs
from dsaudit.documents.validated import (
    Validated,
    describe_plainly,
    load_validated,
    read_document_bytes,
)
from dsaudit.project.trust import check_untrusted

CONFIG_NAMES = ("dsaudit.yaml", "dsaudit.yml", ".dsaudit.yaml")
PYPROJECT = "pyproject.toml"
PYPROJECT_TABLE = ("tool", "dsaudit")
DEFAULT_INVENTORY = ("inventory/**/*.yaml", "inventory/**/*.yml", "inventory/**/*.json",
                     "inventory/**/*.csv", "inventory/**/*.xlsx",
                     "inventory.yaml", "inventory.yml", "inventory.json")  # fmt: skip
"""Registers (.csv, .xlsx) and Fides data maps (*.fides.yaml) in inventory/ are converted as
they are read (docs/inventory.md, "Importing registers and Fides data maps")."""
FAIL_ON_CHOICES = ("critical", "high", "medium", "low", "info", "never")


@dataclass(slots=True)
class ProjectConfig:
    """Everything that decides what an audit does."""

    root: Path
    config_file: Path | None = None
    config_trusted: bool = True
    """False for a config found in the audited tree without ``--trust-config``."""
    packs: list[str] = field(default_factory=list)
    rule_params: dict[str, dict[str, Any]] = field(default_factory=dict)
    disabled_rules: list[str] = field(default_factory=list)
    only_rules: list[str] = field(default_factory=list)
    inventory: list[str] = field(default_factory=lambda: list(DEFAULT_INVENTORY))
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    follow_symlinks: bool = False
    parser_overrides: dict[str, str] = field(default_factory=dict)
    """Glob -> parser name (``configs.parsers`` in dsaudit.yaml), asked before parsers claim."""
    plugin_dirs: list[Path] = field(default_factory=list)
    fail_on: str = "high"
    fail_on_error: bool = True
    as_of: dt.date = field(default_factory=dt.date.today)
    limits: Limits = DEFAULT_LIMITS
    outputs: list[tuple[str, Path | None]] = field(default_factory=list)
    waivers: Path | None = None
    baseline: Path | None = None
    inline_suppressions: bool = True
    organization: str | None = None
    sensitive_pi: str = DEFAULT_PROFILE
    """The taxonomy's sensitivity profile (``taxonomy.sensitive_pi``, ``--sensitive-pi``):
    which standard's list decides what personal information is sensitive (docs/taxonomy.md)."""
    jobs: int = field(default_factory=default_jobs)
    """Worker processes for parsing and evaluation (default: the CPUs this process may use)."""
    cache: Path | None = None
    """Parse cache folder (``--cache``), or None."""
    passes: str = "auto"
    """``list`` every passing result, ``count`` them only, or ``auto`` (list up to a limit)."""
    plugin_sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    """``plugin_settings`` of the config file: section name -> its settings (validated
    against the plugin's schema when the audit starts, :mod:`dsaudit.project.sections`)."""
    config_lines: Any = None
    """The config file's line locator (key path -> line), for errors found after reading."""
    raw: dict[str, Any] = field(default_factory=dict)
    selection: Any = None
    thresholds: dict[str, Any] = field(default_factory=dict)
    """``thresholds`` of the config file: ``max_failures`` per severity, ``min_score`` per law."""
    """The command line's rule selection (``--rule``, ``--severity``, ``--law``, ...: a
    :class:`dsaudit.language.selection.RuleSelection`), applied after ``only``/``disable``."""

    def plugin_settings(self, name: str) -> Mapping[str, Any]:
        """The settings a plugin registered as section ``name`` (empty when not set).

        Validated against the plugin's schema before any audit hook runs; read-only.
        """
        return MappingProxyType(self.plugin_sections.get(name, {}))


def find_config(target: Path) -> Path | None:
    """The project config in ``target`` (a folder), if there is one.

    An entry with a config's name that is not a regular file (a FIFO, a device, a folder) is a
    ConfigError, never skipped: skipping it would audit with the defaults (as-of date today).
    """
    folder = target if target.is_dir() else target.parent
    for name in CONFIG_NAMES:
        candidate = folder / name
        _refuse_unless_regular(candidate)
        if candidate.is_file():
            return candidate
    pyproject = folder / PYPROJECT
    _refuse_unless_regular(pyproject)
    if pyproject.is_file() and _has_tool_table(pyproject):
        return pyproject
    return None


def _refuse_unless_regular(path: Path) -> None:
    from dsaudit.documents.safe_read import refuse_unless_regular

    try:
        refuse_unless_regular(path, str(path))
    except SourceError as exc:
        raise ConfigError(f"cannot read config: {exc.message}", file=str(path)) from None


def _read_config_bytes(path: Path) -> bytes:
    """The bytes of a config file, through the guarded reader (its limit is not configurable)."""
    return read_document_bytes(path, str(path), reading="config", raise_with=None).content


def _has_tool_table(path: Path) -> bool:
    """Whether ``pyproject.toml`` has a ``[tool.dsaudit]`` table (unreadable files: no)."""
    import tomllib

    try:
        data = tomllib.loads(_read_config_bytes(path).decode("utf-8"))
    except (ConfigError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(data.get("tool"), dict) and "dsaudit" in data["tool"]


class _TableLocator:
    """Lines of ``[tool.dsaudit]`` keys: paths are shifted into the table."""

    __slots__ = ("inner",)

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def line_of(self, path: Any) -> int | None:
        line: int | None = self.inner.line_of((*PYPROJECT_TABLE, *path))
        return line


def read_config_file(path: Path) -> dict[str, Any]:
    """Read and validate a dsaudit.yaml (or pyproject's table); raise ConfigError with file:line."""
    result: dict[str, Any] = read_config(path).data or {}
    return result


def shown_path(path: Path) -> str:
    """``path`` as messages show it: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def read_config(path: Path) -> Validated:
    """:func:`read_config_file` with the line locator and the file's SHA-256."""
    is_toml = path.suffix.lower() == ".toml"
    return load_validated(
        path,
        shown_path(path),
        "toml" if is_toml else "yaml",
        "config.schema.json",
        reading="config",
        raise_with=None,
        select=_tool_table(shown_path(path)) if is_toml else None,
        describe=describe_plainly,
    )


def _tool_table(display: str) -> Callable[[Any, Any], tuple[Any, Any]]:
    """Picks ``[tool.dsaudit]`` out of a ``pyproject.toml``, with lines shifted into it."""

    def select(data: Any, locator: Any) -> tuple[Any, Any]:
        table = data.get("tool", {}).get("dsaudit") if isinstance(data, dict) else None
        if not isinstance(table, dict):
            raise ConfigError(
                "no [tool.dsaudit] table to read the dsaudit settings from", file=display
            )
        return table, _TableLocator(locator) if locator else None

    return select


def build_config(
    target: Path, config_file: Path | None = None, *, trust_config: bool = False, **flags: Any
) -> ProjectConfig:
    """Merge the config file (found in ``target`` unless given) with command-line ``flags``.

    ``flags`` with value None (or empty lists) are treated as not given. A config that was
    found in ``target`` rather than named is untrusted unless ``trust_config``: it may not load
    plugins, choose the cache or write outside ``target`` (dsaudit.project.trust).
    """
    root = target.resolve()
    if not root.exists():
        raise ConfigError("audit target does not exist", file=str(target))
    path = config_file or find_config(root)
    doc = read_config(path) if path else None
    data: dict[str, Any] = (doc.data if doc else None) or {}
    base = path.parent if path else (root if root.is_dir() else root.parent)
    cfg = ProjectConfig(root=root if root.is_dir() else root.parent, config_file=path, raw=data)
    if path is not None and config_file is None and not trust_config:
        cfg.config_trusted = False
        check_untrusted(data, path, base, cfg.root)
    cfg.packs = list(data.get("packs", []))
    cfg.packs = [str(base / p) if _looks_like_path(p) else p for p in cfg.packs]
    for rid, settings in data.get("rules", {}).items():
        if settings.get("enabled") is False:
            cfg.disabled_rules.append(rid)
        if settings.get("params"):
            cfg.rule_params[rid] = dict(settings["params"])
    cfg.disabled_rules += data.get("disable", [])
    cfg.only_rules = list(data.get("only", []))
    if "inventory" in data:
        cfg.inventory = list(data["inventory"])
    cfg.include = list(data.get("configs", {}).get("include", []))
    cfg.exclude = list(data.get("configs", {}).get("exclude", []))
    cfg.follow_symlinks = bool(data.get("configs", {}).get("follow_symlinks", False))
    cfg.parser_overrides = dict(data.get("configs", {}).get("parsers", {}))
    cfg.plugin_dirs = [(base / p).resolve() for p in data.get("plugins", [])]
    cfg.fail_on = data.get("fail_on", cfg.fail_on)
    cfg.fail_on_error = data.get("fail_on_error", cfg.fail_on_error)
    cfg.thresholds = dict(data.get("thresholds") or {})
    if "as_of" in data:
        cfg.as_of = dt.date.fromisoformat(data["as_of"])
    cfg.limits = Limits.from_mapping(data.get("limits"))
    cfg.outputs = [
        (o["format"], (base / o["path"]) if o.get("path") else None)
        for o in data.get("outputs", [])
    ]
    cfg.waivers = (base / data["waivers"]) if data.get("waivers") else None
    cfg.baseline = (base / data["baseline"]) if data.get("baseline") else None
    cfg.inline_suppressions = data.get("inline_suppressions", True)
    cfg.organization = data.get("organization")
    cfg.sensitive_pi = data.get("taxonomy", {}).get("sensitive_pi", cfg.sensitive_pi)
    cfg.passes = data.get("passes", cfg.passes)
    cfg.jobs = int(data.get("jobs", cfg.jobs))
    cfg.cache = (base / data["cache"]) if data.get("cache") else None
    cfg.plugin_sections = {k: dict(v) for k, v in data.get("plugin_settings", {}).items()}
    cfg.config_lines = doc.locator if doc else None
    _apply_flags(cfg, flags)
    return cfg


def _looks_like_path(value: str) -> bool:
    return "/" in value or value.startswith(".")


def _apply_flags(cfg: ProjectConfig, flags: dict[str, Any]) -> None:
    if flags.get("selection") is not None:
        cfg.selection = flags["selection"]
    if flags.get("packs"):
        cfg.packs = list(flags["packs"])
    if flags.get("plugin_dirs"):
        cfg.plugin_dirs += [Path(p).resolve() for p in flags["plugin_dirs"]]
    if flags.get("fail_on"):
        if flags["fail_on"] not in FAIL_ON_CHOICES:
            raise ConfigError(f"--fail-on must be one of {', '.join(FAIL_ON_CHOICES)}")
        cfg.fail_on = flags["fail_on"]
    if flags.get("fail_on_error") is not None:
        cfg.fail_on_error = flags["fail_on_error"]
    if flags.get("as_of"):
        cfg.as_of = flags["as_of"]
    if flags.get("outputs"):
        cfg.outputs = list(flags["outputs"])
    if flags.get("waivers"):
        cfg.waivers = Path(flags["waivers"])
    if flags.get("baseline"):
        cfg.baseline = Path(flags["baseline"])
    if flags.get("inline_suppressions") is False:
        cfg.inline_suppressions = False
    if flags.get("inventory"):
        cfg.inventory = list(flags["inventory"])
    if flags.get("passes"):
        cfg.passes = flags["passes"]
    if flags.get("sensitive_pi"):
        if flags["sensitive_pi"] not in profile_names():
            raise ConfigError(
                f"--sensitive-pi must be one of {', '.join(profile_names())}, "
                f"not {flags['sensitive_pi']!r}"
            )
        cfg.sensitive_pi = flags["sensitive_pi"]
    if flags.get("jobs"):
        cfg.jobs = int(flags["jobs"])
    if flags.get("cache"):
        cfg.cache = Path(flags["cache"])
    if flags.get("no_cache"):
        cfg.cache = None
