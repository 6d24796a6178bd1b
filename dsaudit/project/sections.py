"""Plugins' own settings in the project config: ``plugin_settings.<section>``.

A plugin registers a section (``dsaudit_register_config_sections``) with the JSON Schema its
settings must meet, and the keys a config *found* in the audited tree may set. When the
audit starts, every section of the config is validated against its plugin's schema (errors
name the file and line) and, for an untrusted config, every other key is refused: settings
such as a webhook URL or an output file would let the audited tree send or write the findings
wherever it likes. A section no installed plugin registers is a warning, not an error, so a
config shared by machines with different plugins still runs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import SchemaError, ValidationError

from dsaudit.core.errors import ConfigError
from dsaudit.core.models import PathKey
from dsaudit.core.quoting import quote_value
from dsaudit.documents.validated import describe_plainly, validate, validator_for
from dsaudit.project.config import ProjectConfig
from dsaudit.project.trust import TRUST_HINT

SECTION_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
"""What a section name may be (as ``plugin_settings`` in ``schemas/config.schema.json``)."""


@dataclass(frozen=True, slots=True)
class ConfigSection:
    """One plugin's settings section."""

    name: str
    schema: Mapping[str, Any]
    untrusted_keys: frozenset[str]
    """Top-level keys a config found in the audited tree may set (the rest need trust)."""
    owner: str
    """The plugin that registered it."""


def make_section(
    name: Any, schema: Any, untrusted_keys: Iterable[str], owner: str
) -> ConfigSection:
    """Check what a plugin registers; raise TypeError/ValueError saying what is wrong."""
    if not isinstance(name, str) or not SECTION_NAME.match(name):
        raise ValueError(
            f"config section name {name!r} must match {SECTION_NAME.pattern} (a-z, 0-9, _ and -)"
        )
    if not isinstance(schema, Mapping) or schema.get("type") != "object":
        raise TypeError(f"config section {name!r} needs a JSON Schema of type 'object'")
    try:
        validator_for(schema)
    except SchemaError as exc:
        raise ValueError(f"config section {name!r}: invalid JSON Schema: {exc.message}") from None
    keys = frozenset(untrusted_keys)
    if not all(isinstance(k, str) for k in keys):
        raise TypeError(f"config section {name!r}: untrusted_keys must be strings")
    return ConfigSection(name, dict(schema), keys, owner)


class _Shifted:
    """The config's line locator, seen from inside one section."""

    __slots__ = ("inner", "prefix")

    def __init__(self, inner: Any, prefix: tuple[PathKey, ...]) -> None:
        self.inner, self.prefix = inner, prefix

    def line_of(self, path: tuple[PathKey, ...]) -> int | None:
        line: int | None = self.inner.line_of((*self.prefix, *path))
        return line


def check_plugin_settings(
    config: ProjectConfig, sections: Mapping[str, ConfigSection]
) -> list[str]:
    """Validate ``config.plugin_sections`` against ``sections``; return the warnings.

    :raises ConfigError: a section breaks its plugin's schema, or an untrusted config sets a
        key its plugin does not allow from the audited tree.
    """
    display = str(config.config_file) if config.config_file else "(project config)"
    notes: list[str] = []
    for name, settings in config.plugin_sections.items():
        section = sections.get(name)
        if section is None:
            close = difflib.get_close_matches(name, list(sections), n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            notes.append(
                f"{display}: plugin_settings.{name}: no installed plugin registers these "
                f"settings{hint}; they are ignored"
            )
            continue
        prefix: tuple[PathKey, ...] = ("plugin_settings", name)
        locator = _Shifted(config.config_lines, prefix) if config.config_lines else None
        validate(settings, locator, display, section.schema, describe=_in_section(name, section))
        if not config.config_trusted:
            refused = sorted(set(settings) - section.untrusted_keys)
            if refused:
                keys = ", ".join(f"plugin_settings.{name}.{k}" for k in refused)
                line = locator.line_of((refused[0],)) if locator else None
                raise ConfigError(
                    f"refused settings in a config found in the audited folder: {keys} "
                    f"(plugin {section.owner} accepts only "
                    f"{', '.join(sorted(section.untrusted_keys)) or 'none of its settings'} "
                    f"from the audited tree) ({TRUST_HINT})",
                    file=display,
                    line=line,
                )
    return notes


def _in_section(name: str, section: ConfigSection) -> Any:
    def describe(data: Any, error: ValidationError) -> str:
        return f"plugin_settings.{name} (plugin {quote_value(section.owner)}): " + describe_plainly(
            data, error
        )

    return describe
