"""What plugins contribute at start-up, collected once through the ``register`` hooks.

Every ``dsaudit_register_*`` hook is called once per run; each ``register`` callback checks what
it is given and records which plugin gave it. Two plugins registering the same name is an error
naming both; a plugin replacing a built-in's name is a warning (built-ins are asked last, so the
plugin's wins). The engine then calls the collected objects directly, never a hook per resource.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dsaudit.core.regexguard import REGEX_OPERATOR_NAMES
from dsaudit.plugin.host import PluginHost, PluginProblem
from dsaudit.project.sections import ConfigSection, make_section

REQUIRED_METHODS = {
    "parser": ("claims", "parse"),
    "source": ("collect",),
    "reporter": ("render",),
}
"""The methods each kind must have (:mod:`dsaudit.plugin.protocols`); checked when registered."""

if TYPE_CHECKING:
    from dsaudit.plugin.protocols import Modifier


@dataclass(slots=True)
class Registry:
    """Everything plugins contributed at start-up."""

    parsers: list[Any] = field(default_factory=list)
    sources: list[Any] = field(default_factory=list)
    checks: dict[str, Callable[..., Any]] = field(default_factory=dict)
    operators: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    reporters: dict[str, Any] = field(default_factory=dict)
    modifiers: dict[str, Modifier] = field(default_factory=dict)
    config_sections: dict[str, ConfigSection] = field(default_factory=dict)
    pack_paths: list[tuple[str, Path]] = field(default_factory=list)
    problems: list[PluginProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    owners: dict[tuple[str, str], str] = field(default_factory=dict)
    """``(kind, name)`` -> the plugin that registered it (filled for modifiers)."""

    def modifier_owners(self) -> dict[str, str]:
        return {name: plugin for (kind, name), plugin in self.owners.items() if kind == "modifier"}


def collect_registry(host: PluginHost) -> Registry:
    """Call the ``register`` hooks once and gather parsers, sources, checks and reporters."""
    reg = Registry()

    owners: dict[tuple[str, str], str] = {}

    def claim(kind: str, name: str) -> bool:
        """Record who registers ``kind`` ``name``; False when an earlier plugin already did."""
        plugin = host.running[-1] if host.running else "?"
        first = owners.setdefault((kind, name), plugin)
        if first == plugin:
            return True
        host.duplicate(kind, name, first, plugin, reg)
        return False

    def named(kind: str, target: Any) -> Callable[[Any], None]:
        def register(obj: Any) -> None:
            if not getattr(obj, "name", None):
                raise TypeError(f"a {kind} needs a non-empty 'name'")
            missing = [m for m in REQUIRED_METHODS[kind] if not callable(getattr(obj, m, None))]
            if missing:
                methods = ", ".join(f"{m}()" for m in missing)
                raise TypeError(f"{kind} {obj.name!r} has no {methods} (dsaudit.plugin.protocols)")
            if not claim(kind, obj.name):
                return
            if isinstance(target, dict):
                target[obj.name] = obj
            else:
                target.append(obj)

        return register

    host.call_each("dsaudit_register_parsers", register=named("parser", reg.parsers))
    host.call_each("dsaudit_register_sources", register=named("source", reg.sources))
    host.call_each("dsaudit_register_reporters", register=named("reporter", reg.reporters))

    def register_check(name: str, func: Callable[..., Any]) -> None:
        if not callable(func):
            raise TypeError(f"check {name!r} is not callable")
        if claim("check", name):
            reg.checks[name] = func

    host.call_each("dsaudit_register_checks", register=register_check)

    def register_operator(name: str, factory: Callable[[Any], Any]) -> None:
        if not callable(factory):
            raise TypeError(f"operator {name!r} needs a callable factory")
        if name in REGEX_OPERATOR_NAMES:
            raise ValueError(f"operator {name!r} is compiled by RE2 and cannot be replaced")
        if claim("operator", name):
            reg.operators[name] = factory

    host.call_each("dsaudit_register_operators", register=register_operator)

    def register_modifier(modifier: Any) -> None:
        name = getattr(modifier, "name", None)
        if not name or not isinstance(name, str):
            raise TypeError("a modifier needs a non-empty 'name'")
        if not isinstance(getattr(modifier, "order", None), int):
            raise TypeError(f"modifier {name!r} needs an integer 'order'")
        if not callable(getattr(modifier, "prepare", None)):
            raise TypeError(f"modifier {name!r} needs a 'prepare(config)' method")
        if claim("modifier", name):
            reg.modifiers[name] = modifier
            reg.owners[("modifier", name)] = host.running[-1] if host.running else "?"

    host.call_each("dsaudit_register_modifiers", register=register_modifier)

    def register_section(name: Any, schema: Any, untrusted_keys: Iterable[str] = ()) -> None:
        plugin = host.running[-1] if host.running else "?"
        section = make_section(name, schema, untrusted_keys, plugin)
        if claim("config section", section.name):
            reg.config_sections[section.name] = section

    host.call_each("dsaudit_register_config_sections", register=register_section)
    for plugin_name, paths in host.call_each("dsaudit_rule_pack_paths"):
        for p in paths or []:
            reg.pack_paths.append((plugin_name, Path(p)))
    reg.problems = host.problems
    return reg
