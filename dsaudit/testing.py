"""Helpers for a plugin's own tests, built on the public API.

A plugin's tests need the same few things: dsaudit's built-ins with the plugin under test
registered (and no other installed plugin), the pack's own cases run against that, a whole
audit of a folder, and a parser fed some text. Import them from here rather than from
dsaudit's internal modules, which may change in any release::

    from dsaudit import testing
    from my_plugin import plugin

    def test_pack_cases():
        host = testing.plugin_host(("my-plugin", plugin))
        report = testing.run_pack_cases(plugin.PACK_DIR, host)
        assert report.ok, report.failures()

Everything here is part of the public API (docs/plugins.md, "Testing a plugin").
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dsaudit.audit import run_audit
from dsaudit.authoring import ruletests
from dsaudit.authoring.ruletests import CaseOutcome
from dsaudit.core.limits import DEFAULT_LIMITS, Limits
from dsaudit.core.models import AuditResult
from dsaudit.core.taxonomy import load_taxonomy
from dsaudit.documents.base import ParsedDocument
from dsaudit.engine.records import reference_map
from dsaudit.language.conditions import CompileEnv
from dsaudit.language.packs import load_pack
from dsaudit.plugin.host import PluginHost, get_plugin_host
from dsaudit.plugin.registry import Registry, collect_registry
from dsaudit.project.config import ProjectConfig

__all__ = [
    "PackCases",
    "PluginHost",
    "Registry",
    "audit_folder",
    "parse_text",
    "plugin_host",
    "registry",
    "run_pack_cases",
]

AS_OF = dt.date(2026, 6, 1)
"""The audit date the helpers use unless told otherwise (fixed, so tests do not age)."""


def plugin_host(*plugins: tuple[str, Any], autoload: bool = False) -> PluginHost:
    """dsaudit's built-ins plus ``plugins`` (``(name, module_or_object)`` pairs).

    Installed plugins are not loaded unless ``autoload``, so a plugin's tests run against its
    checkout even when an older copy is installed.
    """
    saved = os.environ.get("DSAUDIT_DISABLE_PLUGIN_AUTOLOAD")
    if not autoload:
        os.environ["DSAUDIT_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        return get_plugin_host(extra_plugins=list(plugins))
    finally:
        if saved is None:
            os.environ.pop("DSAUDIT_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["DSAUDIT_DISABLE_PLUGIN_AUTOLOAD"] = saved


def registry(host: PluginHost) -> Registry:
    """What the host's plugins registered: parsers, sources, checks, reporters, pack folders."""
    return collect_registry(host)


@dataclass(slots=True)
class PackCases:
    """The outcome of a pack's own test cases."""

    ok: bool
    outcomes: list[CaseOutcome]
    missing: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def failures(self) -> list[str]:
        """One line per failing case, missing case kind or problem (for an assert message)."""
        lines = [
            f"{o.case.rule_id}: {o.case.name}: expected {o.case.expect}, got {o.actual}"
            for o in self.outcomes
            if not o.ok
        ]
        lines += [f"{rid}: no {'/'.join(kinds)} case" for rid, kinds in self.missing.items()]
        return lines + list(self.problems)


def run_pack_cases(pack_dir: Path | str, host: PluginHost, only: Sequence[str] = ()) -> PackCases:
    """Run the cases in ``pack_dir/tests`` against the checks ``host`` provides."""
    found = collect_registry(host)
    env = CompileEnv(
        checks=found.checks,
        taxonomy=load_taxonomy(),
        operators=found.operators,
        references=reference_map(),
    )
    report = ruletests.test_pack(load_pack(Path(pack_dir)), env, only)
    return PackCases(report.ok, list(report.outcomes), dict(report.missing), list(report.problems))


def audit_folder(
    root: Path | str,
    host: PluginHost,
    *,
    packs: Sequence[str] = (),
    as_of: dt.date = AS_OF,
    **settings: Any,
) -> AuditResult:
    """Audit ``root`` with ``host``: packs by name or folder, ``as_of`` fixed.

    ``packs`` default: the shipped packs; a plugin's pack runs only when named (``default`` and
    the name, or its folder).

    ``settings`` are further :class:`dsaudit.ProjectConfig` fields (``inventory``, ``jobs``...).
    """
    config = ProjectConfig(root=Path(root), packs=list(packs), as_of=as_of, **settings)
    return run_audit(config, host=host)


def parse_text(
    parser: Any, text: str | bytes, path: str = "input", limits: Limits = DEFAULT_LIMITS
) -> list[ParsedDocument]:
    """Feed ``text`` to ``parser`` as the file ``path`` would be fed in an audit."""
    content = text.encode("utf-8") if isinstance(text, str) else text
    documents: list[ParsedDocument] = parser.parse(path, content, limits)
    return documents
