"""Build the plugin manager and collect what plugins register.

Order: built-ins, then entry points (group ``dsaudit``), then local folders the user named
(``--plugin-dir``, ``plugins:`` in dsaudit.yaml) -- never folders inside the scanned tree.
pluggy calls the plugin registered last first, so a third-party parser or reporter overrides a
built-in one of the same name.

Switches:
- ``DSAUDIT_DISABLE_PLUGIN_AUTOLOAD=1``: do not load entry-point plugins.
- ``DSAUDIT_DISABLED_PLUGINS=a,b`` (or ``-p no:NAME`` on the CLI): block plugins by name.
- ``DSAUDIT_TRACE_PLUGINS=1``: trace every hook call to stderr.

A plugin that fails to import, declares an incompatible plugin API, or raises inside a hook
is recorded as a :class:`PluginProblem`; the run goes on and the problem becomes an error result.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from dsaudit.core.errors import PLUGIN_FAILURES
from dsaudit.plugin import hookspecs
from dsaudit.plugin.deadline import deadline, import_seconds
from dsaudit.plugin.hookspecs import PLUGIN_API_VERSION, PROJECT
from dsaudit.plugin.isolation import isolate_call, isolate_wrapper
from dsaudit.plugin.strictmodes import unsafe_reason

if TYPE_CHECKING:
    from dsaudit.plugin.registry import Registry

ENTRY_POINT_GROUP = "dsaudit"

BUILTIN_PLUGINS: tuple[str, ...] = (
    "dsaudit.sources.parsers.plugin",
    "dsaudit.sources.parsers.server_plugin",
    "dsaudit.sources.plugin",
    "dsaudit.language.checks",
    "dsaudit.language.checks_time",
    "dsaudit.language.checks_audits",
    "dsaudit.reports.plugin",
    "dsaudit.reports.console",
    "dsaudit.cli.commands.plugin",
    "dsaudit.language.operators",
    "dsaudit.modifiers.plugin",
)
"""Modules registered as built-in plugins, in order."""


@dataclass(slots=True)
class PluginProblem:
    """A plugin that could not be loaded or that raised in a hook."""

    plugin: str
    hook: str | None
    message: str
    traceback: str = ""


@dataclass(slots=True)
class PluginInfo:
    """What ``dsaudit plugins list`` shows."""

    name: str
    origin: str
    version: str | None
    hooks: list[str]


class PluginHost:
    """A pluggy manager plus where each plugin came from."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.origins: dict[str, str] = {}
        self.versions: dict[str, str | None] = {}
        self.problems: list[PluginProblem] = []
        self._raised: dict[tuple[str, str], PluginProblem] = {}
        self._raised_count: dict[tuple[str, str], int] = {}
        self.running: list[str] = []
        """The plugins whose hook implementations are running, innermost last."""
        self._duplicates: set[tuple[str, str, str, str]] = set()
        self._answers: list[list[tuple[str, Any]]] = []
        """One list per hook call in progress: ``(plugin, value)`` of each implementation."""

    def _answered(self, plugin: str, value: Any) -> None:
        if self._answers:
            self._answers[-1].append((plugin, value))

    def _isolate(self, plugin: Any, name: str) -> str | None:
        """Wrap each of ``plugin``'s hook implementations (plugin.isolation); why not, or None."""
        impls = [
            (caller.name, impl)
            for caller in self.pm.get_hookcallers(plugin) or []
            for impl in caller.get_hookimpls()
            if impl.plugin is plugin
        ]
        old_style = sorted(hook for hook, impl in impls if impl.hookwrapper)
        if old_style:
            return (f"plugin {name} uses hookwrapper=True in {', '.join(old_style)}, which pluggy "
                    "deprecates; use @dsaudit.hookimpl(wrapper=True)")  # fmt: skip
        for hook, impl in impls:
            if impl.wrapper:
                wrapped = isolate_wrapper(name, hook, impl.function, self._hook_raised)
            else:
                wrapped = isolate_call(
                    name, hook, impl.function, self._hook_raised, self._answered, self.running
                )
            object.__setattr__(impl, "function", wrapped)  # HookImpl.function is a slot
        return None

    def _hook_raised(self, plugin: str, hook: str, exc: BaseException) -> None:
        """Record a raising hook once per (plugin, hook); later calls only bump a counter."""
        key = (plugin, hook)
        count = self._raised_count.get(key, 0) + 1
        self._raised_count[key] = count
        if key in self._raised:
            first = self._raised[key]
            base = first.message.split(" (raised ", 1)[0]
            first.message = f"{base} (raised {count} times)"
            return
        problem = PluginProblem(
            plugin,
            hook,
            f"plugin {plugin} raised in {hook}: {type(exc).__name__}: {exc}",
            traceback.format_exc(),
        )
        self._raised[key] = problem
        self.problems.append(problem)

    def register(self, plugin: Any, name: str, origin: str, version: str | None = None) -> None:
        """Register ``plugin`` unless blocked; record problems instead of raising."""
        if self.pm.is_blocked(name):
            return
        declared = getattr(plugin, "DSAUDIT_PLUGIN_API", None)
        if declared is not None:
            supported = declared if isinstance(declared, list | tuple | set) else [declared]
            if PLUGIN_API_VERSION not in supported:
                self.problems.append(
                    PluginProblem(
                        name,
                        None,
                        f"plugin {name} supports dsaudit plugin API {sorted(supported)}, but this "
                        f"dsaudit provides API {PLUGIN_API_VERSION}; upgrade the plugin or dsaudit",
                    )
                )
                return
        try:
            self.pm.register(plugin, name=name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            self.problems.append(PluginProblem(name, None, f"plugin {name} is invalid: {exc}"))
            return
        refused = self._isolate(plugin, name)
        if refused is not None:
            self.pm.unregister(plugin)
            self.problems.append(PluginProblem(name, None, refused))
            return
        self.origins[name] = origin
        self.versions[name] = version

    def infos(self) -> list[PluginInfo]:
        """Registered plugins with origin, version and hooks, built-ins first."""
        out = []
        for name, plugin in self.pm.list_name_plugin():
            if plugin is None:
                continue
            hooks = sorted(h.name for h in self.pm.get_hookcallers(plugin) or [])
            out.append(
                PluginInfo(name, self.origins.get(name, "?"), self.versions.get(name), hooks)
            )
        return out

    def call_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a hook through pluggy; ``(plugin, value)`` of every implementation, in call order.

        A raising implementation is a problem of its plugin and is left out; the others run.
        """
        hook = getattr(self.pm.hook, hook_name)
        answers: list[tuple[str, Any]] = []
        self._answers.append(answers)
        try:
            results = hook(**kwargs)
        finally:
            self._answers.pop()
        return _attribute(results, answers, self._wrappers(hook))

    def first_result(self, hook_name: str, **kwargs: Any) -> Any:
        """The first non-None answer to a hook (pluggy's ``firstresult``), isolating failures."""
        result = getattr(self.pm.hook, hook_name)(**kwargs)
        if isinstance(result, list):  # a hook not declared firstresult
            return next((r for r in result if r is not None), None)
        return result

    @staticmethod
    def _wrappers(hook: Any) -> list[str]:
        return [impl.plugin_name for impl in hook.get_hookimpls() if impl.wrapper]

    def duplicate(self, kind: str, name: str, first: str, second: str, reg: Registry) -> None:
        """Two plugins registered the same ``kind`` ``name``; the first one asked is used.

        Between two plugins that is an error naming both (the run cannot know which was meant).
        A plugin replacing a built-in's name is allowed, and said as a warning: built-ins are
        asked last precisely so that a plugin can replace them.
        """
        builtin = {n for n in BUILTIN_PLUGINS}
        if second in builtin and first not in builtin:
            reg.warnings.append(f"plugin {first} replaces the built-in {kind} {name!r} of {second}")
            return
        key = (kind, name, first, second)
        if key in self._duplicates:
            return
        self._duplicates.add(key)
        self.problems.append(
            PluginProblem(
                second,
                None,
                f"{kind} {name!r} is registered by both plugin {first} and plugin {second}; "
                f"{first} (asked first) is used. Rename one, or block one with -p no:NAME",
            )
        )

    def has_impls(self, hook_name: str) -> bool:
        return bool(getattr(self.pm.hook, hook_name).get_hookimpls())


def _blocked_from_env() -> list[str]:
    raw = os.environ.get("DSAUDIT_DISABLED_PLUGINS", "")
    return [n.strip() for n in raw.split(",") if n.strip()]


def _load_entry_points(host: PluginHost) -> None:
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if host.pm.is_blocked(ep.name) or host.pm.has_plugin(ep.name):
            continue
        dist = getattr(ep, "dist", None)
        version = dist.version if dist is not None else None
        try:
            with deadline(import_seconds(), f"importing plugin {ep.name}"):
                plugin = ep.load()
        except PLUGIN_FAILURES as exc:
            host.problems.append(
                PluginProblem(
                    ep.name,
                    None,
                    f"plugin {ep.name} ({ep.value}) failed to import: {type(exc).__name__}: {exc}",
                    traceback.format_exc(),
                )
            )
            continue
        host.register(plugin, ep.name, "entry point", version)


def _load_dir(host: PluginHost, folder: Path) -> None:
    if not folder.is_dir():
        host.problems.append(
            PluginProblem(str(folder), None, f"plugin folder {folder} does not exist")
        )
        return
    reason = unsafe_reason(folder)
    if reason is not None:
        host.problems.append(
            PluginProblem(str(folder), None, f"plugin folder {folder} not loaded: {reason}")
        )
        return
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        name = path.stem
        module_name = f"dsaudit_local_plugins.{name}"
        try:
            spec = importlib.util.spec_from_file_location(module_name, path)
            assert spec is not None and spec.loader is not None
            module: ModuleType = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            with deadline(import_seconds(), f"importing plugin {path.name}"):
                spec.loader.exec_module(module)
        except PLUGIN_FAILURES as exc:
            sys.modules.pop(module_name, None)
            host.problems.append(
                PluginProblem(
                    name,
                    None,
                    f"local plugin {path} failed to import: {type(exc).__name__}: {exc}",
                    traceback.format_exc(),
                )
            )
            continue
        host.register(module, name, f"local folder {folder}")


def get_plugin_host(
    plugin_dirs: Sequence[Path] = (),
    *,
    blocked: Iterable[str] = (),
    extra_plugins: Sequence[tuple[str, Any]] = (),
) -> PluginHost:
    """A fresh host: built-ins, entry points (unless disabled), then the named folders."""
    host = PluginHost()
    for name in [*_blocked_from_env(), *blocked]:
        host.pm.set_blocked(name)
    for module_name in BUILTIN_PLUGINS:
        module = importlib.import_module(module_name)
        host.register(module, module_name, "built-in")
    if not os.environ.get("DSAUDIT_DISABLE_PLUGIN_AUTOLOAD"):
        _load_entry_points(host)
    for folder in plugin_dirs:
        _load_dir(host, Path(folder))
    for name, plugin in extra_plugins:
        host.register(plugin, name, "test")
    try:
        host.pm.check_pending()
    except pluggy.PluginValidationError as exc:
        host.problems.append(PluginProblem(str(exc.plugin), None, str(exc)))
        host.pm.unregister(exc.plugin)
    if os.environ.get("DSAUDIT_TRACE_PLUGINS"):
        host.pm.trace.root.setwriter(sys.stderr.write)
        host.pm.enable_tracing()
    return host


def _attribute(
    results: list[Any], answers: list[tuple[str, Any]], wrappers: list[str]
) -> list[tuple[str, Any]]:
    """Pair pluggy's result list with the plugin that gave each value.

    Without wrappers the list is exactly the non-None answers, so the recorded ``answers`` are
    returned (with the None answers too, as callers expect one entry per implementation). A
    wrapper may replace the list; a value no implementation gave is attributed to the wrappers.
    """
    given = [value for _, value in answers if value is not None]
    if len(given) == len(results) and all(a is b for a, b in zip(given, results, strict=True)):
        return answers
    by_id = {id(value): plugin for plugin, value in answers}
    fallback = ", ".join(wrappers) or "?"
    return [(by_id.get(id(value), fallback), value) for value in results]


def __getattr__(name: str) -> object:
    # Registry and collect_registry lived here before 0.2 (now dsaudit.plugin.registry).
    if name in ("Registry", "collect_registry"):
        from dsaudit.plugin import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
