"""Old import paths (the flat layout before 0.2), kept working for one release with a warning.

Issue 14 moved every module into a stage sub-package (docs/design.md). A plugin that still imports,
say, ``dsaudit.parsers.base`` gets the module at its new home, ``dsaudit.documents.base``, and one
``DeprecationWarning`` naming both. The old names are served by a meta-path finder that returns the
already-imported new module, so there is exactly one module object (one class identity) per file.
Three old modules became packages of the same name (``dsaudit.engine``, ``dsaudit.modifiers``,
``dsaudit.cli``); their packages forward the old attribute names with :func:`forward`.

Remove in 0.3 (CHANGELOG, "Deprecated").
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import warnings
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.abc import Loader as _LoaderBase
else:
    _LoaderBase = object

MOVED: dict[str, str] = {
    "dsaudit.baseline": "dsaudit.modifiers.baseline",
    "dsaudit.canonical": "dsaudit.language.canonical",
    "dsaudit.checks": "dsaudit.language.checks",
    "dsaudit.checks_time": "dsaudit.language.checks_time",
    "dsaudit.commands": "dsaudit.cli.commands",
    "dsaudit.commands.audit": "dsaudit.cli.commands.audit",
    "dsaudit.commands.baseline_cmd": "dsaudit.cli.commands.baseline_cmd",
    "dsaudit.commands.coverage_cmd": "dsaudit.cli.commands.coverage_cmd",
    "dsaudit.commands.echo": "dsaudit.cli.commands.echo",
    "dsaudit.commands.init_cmd": "dsaudit.cli.commands.init_cmd",
    "dsaudit.commands.options": "dsaudit.cli.commands.options",
    "dsaudit.commands.plugin": "dsaudit.cli.commands.plugin",
    "dsaudit.commands.plugins_cmd": "dsaudit.cli.commands.plugins_cmd",
    "dsaudit.commands.report_cmd": "dsaudit.cli.commands.report_cmd",
    "dsaudit.commands.rules_cmd": "dsaudit.cli.commands.rules_cmd",
    "dsaudit.commands.scaffold_cmd": "dsaudit.cli.commands.scaffold_cmd",
    "dsaudit.conditions": "dsaudit.language.conditions",
    "dsaudit.config": "dsaudit.project.config",
    "dsaudit.config_trust": "dsaudit.project.trust",
    "dsaudit.coverage": "dsaudit.authoring.coverage",
    "dsaudit.deadline": "dsaudit.plugin.deadline",
    "dsaudit.discovery": "dsaudit.sources.discovery",
    "dsaudit.entry": "dsaudit.cli.entry",
    "dsaudit.errors": "dsaudit.core.errors",
    "dsaudit.hookdoc": "dsaudit.plugin.hookdoc",
    "dsaudit.hookspecs": "dsaudit.plugin.hookspecs",
    "dsaudit.inventory": "dsaudit.sources.inventory",
    "dsaudit.isolation": "dsaudit.plugin.isolation",
    "dsaudit.limits": "dsaudit.core.limits",
    "dsaudit.models": "dsaudit.core.models",
    "dsaudit.msgtemplate": "dsaudit.language.msgtemplate",
    "dsaudit.names": "dsaudit.core.names",
    "dsaudit.operators": "dsaudit.language.operators",
    "dsaudit.outcome": "dsaudit.cli.outcome",
    "dsaudit.output": "dsaudit.reports.output",
    "dsaudit.packs": "dsaudit.language.packs",
    "dsaudit.parallel": "dsaudit.engine.parallel",
    "dsaudit.parsecache": "dsaudit.documents.parsecache",
    "dsaudit.parsers": "dsaudit.sources.parsers",
    "dsaudit.parsers.auditd": "dsaudit.sources.parsers.auditd",
    "dsaudit.parsers.base": "dsaudit.documents.base",
    "dsaudit.parsers.fastyaml": "dsaudit.documents.fastyaml",
    "dsaudit.parsers.lines": "dsaudit.sources.parsers.lines",
    "dsaudit.parsers.locators": "dsaudit.documents.locators",
    "dsaudit.parsers.logindefs": "dsaudit.sources.parsers.logindefs",
    "dsaudit.parsers.logrotate": "dsaudit.sources.parsers.logrotate",
    "dsaudit.parsers.mycnf": "dsaudit.sources.parsers.mycnf",
    "dsaudit.parsers.nginx": "dsaudit.sources.parsers.nginx",
    "dsaudit.parsers.pam": "dsaudit.sources.parsers.pam",
    "dsaudit.parsers.plugin": "dsaudit.sources.parsers.plugin",
    "dsaudit.parsers.postgres": "dsaudit.sources.parsers.postgres",
    "dsaudit.parsers.properties": "dsaudit.sources.parsers.properties",
    "dsaudit.parsers.redis": "dsaudit.sources.parsers.redis",
    "dsaudit.parsers.server_plugin": "dsaudit.sources.parsers.server_plugin",
    "dsaudit.parsers.sshd": "dsaudit.sources.parsers.sshd",
    "dsaudit.parsers.structured": "dsaudit.documents.structured",
    "dsaudit.parsers.textguard": "dsaudit.documents.textguard",
    "dsaudit.parsers.yamllines": "dsaudit.documents.yamllines",
    "dsaudit.parsers.yamlsafe": "dsaudit.documents.yamlsafe",
    "dsaudit.paths": "dsaudit.language.paths",
    "dsaudit.pidetect": "dsaudit.redaction.pidetect",
    "dsaudit.plugins": "dsaudit.plugin.host",
    "dsaudit.quoting": "dsaudit.core.quoting",
    "dsaudit.redact": "dsaudit.redaction.redact",
    "dsaudit.regexguard": "dsaudit.core.regexguard",
    "dsaudit.reporters": "dsaudit.reports",
    "dsaudit.reporters.console": "dsaudit.reports.console",
    "dsaudit.reporters.console_rich": "dsaudit.reports.console_rich",
    "dsaudit.reporters.csv_report": "dsaudit.reports.csv_report",
    "dsaudit.reporters.diffing": "dsaudit.reports.diffing",
    "dsaudit.reporters.html": "dsaudit.reports.html",
    "dsaudit.reporters.html_assets": "dsaudit.reports.html_assets",
    "dsaudit.reporters.json_report": "dsaudit.reports.json_report",
    "dsaudit.reporters.jsontext": "dsaudit.reports.jsontext",
    "dsaudit.reporters.junit": "dsaudit.reports.junit",
    "dsaudit.reporters.links": "dsaudit.reports.links",
    "dsaudit.reporters.loader": "dsaudit.reports.loader",
    "dsaudit.reporters.markdown": "dsaudit.reports.markdown",
    "dsaudit.reporters.masking": "dsaudit.redaction.masking",
    "dsaudit.reporters.ordering": "dsaudit.reports.ordering",
    "dsaudit.reporters.plugin": "dsaudit.reports.plugin",
    "dsaudit.reporters.records": "dsaudit.reports.records",
    "dsaudit.reporters.sarif": "dsaudit.reports.sarif",
    "dsaudit.reporters.summary": "dsaudit.reports.summary",
    "dsaudit.ruletests": "dsaudit.authoring.ruletests",
    "dsaudit.safe_read": "dsaudit.documents.safe_read",
    "dsaudit.scaffold": "dsaudit.authoring.scaffold",
    "dsaudit.schemacheck": "dsaudit.documents.schemacheck",
    "dsaudit.stdout_guard": "dsaudit.reports.stdout_guard",
    "dsaudit.strictmodes": "dsaudit.plugin.strictmodes",
    "dsaudit.suppressions": "dsaudit.modifiers.suppressions",
    "dsaudit.taxonomy": "dsaudit.core.taxonomy",
    "dsaudit.waivers": "dsaudit.modifiers.waivers",
    "dsaudit.workers": "dsaudit.core.workers",
}
"""Old module name -> new module name."""

REMOVED_IN = "0.3"


def _warn(old: str, new: str) -> None:
    warnings.warn(
        f"{old} moved to {new}; the old name stops working in dsaudit {REMOVED_IN}"
        " (import the public API from dsaudit instead where you can)",
        DeprecationWarning,
        stacklevel=3,
    )


class _AliasLoader(_LoaderBase):
    # Not importlib.abc.Loader: importing importlib.abc costs ~8 ms of every start-up (it pulls
    # in importlib.resources); the import system only needs the two methods.
    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new
        self.own_spec: importlib.machinery.ModuleSpec | None = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        _warn(self.old, self.new)
        target = importlib.import_module(self.new)
        self.own_spec = target.__spec__
        return target

    def exec_module(self, module: ModuleType) -> None:
        # importlib stamped the alias spec onto the shared module object: give it back its own.
        module.__spec__ = self.own_spec


class _MovedFinder:
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        new = MOVED.get(fullname)
        if new is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(fullname, new))


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _MovedFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _MovedFinder())


def forward(package: str, old_module: str, new_module: str, name: str) -> object:
    """``package.__getattr__``: an attribute of the old module ``old_module``, with a warning."""
    module = importlib.import_module(new_module)
    try:
        value = getattr(module, name)
    except AttributeError:
        raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
    _warn(f"{old_module}.{name}", f"{new_module}.{name}")
    return value
