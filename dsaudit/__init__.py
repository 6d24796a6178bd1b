"""dsaudit: data-security compliance audits as code.

The names in ``__all__`` are the public API, for plugins and for programs that run audits;
everything else (``dsaudit.engine``, ``dsaudit.language.conditions``, ...) is internal and may
change in any release (docs/design.md shows the stage sub-packages). ``dsaudit.testing`` holds the
helpers a plugin's own tests need. The API's version
is ``PLUGIN_API_VERSION`` (docs/plugins.md, "Compatibility contract").

Only ``hookimpl`` and the versions are imported with the package; every other name is loaded
on first use, so ``import dsaudit`` in a plugin stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from dsaudit import _moved
from dsaudit.__about__ import __version__
from dsaudit.plugin.hookspecs import PLUGIN_API_VERSION, hookimpl

_moved.install()

_EXPORTS: dict[str, str] = {
    # results and what they are about
    "AuditResult": "dsaudit.core.models",
    "EvalContext": "dsaudit.core.models",
    "Evidence": "dsaudit.core.models",
    "LawRef": "dsaudit.core.models",
    "Location": "dsaudit.core.models",
    "Resource": "dsaudit.core.models",
    "Result": "dsaudit.core.models",
    "Rule": "dsaudit.core.models",
    "Severity": "dsaudit.core.models",
    "Status": "dsaudit.core.models",
    # errors a plugin raises or catches
    "ConfigError": "dsaudit.core.errors",
    "DsauditError": "dsaudit.core.errors",
    "LimitError": "dsaudit.core.errors",
    "ParseError": "dsaudit.core.errors",
    "SourceError": "dsaudit.core.errors",
    # writing a parser
    "DEFAULT_LIMITS": "dsaudit.core.limits",
    "Limits": "dsaudit.core.limits",
    "NoLines": "dsaudit.documents.base",
    "ParsedDocument": "dsaudit.documents.base",
    "Parser": "dsaudit.documents.base",
    # the other plugin contracts (typing.Protocol), and what a modifier returns
    "Check": "dsaudit.plugin.protocols",
    "Modifier": "dsaudit.plugin.protocols",
    "OperatorFactory": "dsaudit.plugin.protocols",
    "Reporter": "dsaudit.plugin.protocols",
    "Source": "dsaudit.plugin.protocols",
    "Modified": "dsaudit.modifiers.step",
    "ModifyContext": "dsaudit.modifiers.step",
    # running an audit from a program
    "ProjectConfig": "dsaudit.project.config",
    "build_config": "dsaudit.project.config",
    "run_audit": "dsaudit.audit",
    # what reports may show
    "find_pi": "dsaudit.redaction.pidetect",
    "redact_text": "dsaudit.redaction.redact",
}

__all__ = [
    "DEFAULT_LIMITS",
    "PLUGIN_API_VERSION",
    "AuditResult",
    "Check",
    "ConfigError",
    "DsauditError",
    "EvalContext",
    "Evidence",
    "LawRef",
    "LimitError",
    "Limits",
    "Location",
    "Modified",
    "Modifier",
    "ModifyContext",
    "NoLines",
    "OperatorFactory",
    "ParseError",
    "ParsedDocument",
    "Parser",
    "ProjectConfig",
    "Reporter",
    "Resource",
    "Result",
    "Rule",
    "Severity",
    "Source",
    "SourceError",
    "Status",
    "__version__",
    "build_config",
    "find_pi",
    "hookimpl",
    "redact_text",
    "run_audit",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dsaudit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


if TYPE_CHECKING:
    from dsaudit.audit import run_audit
    from dsaudit.core.errors import ConfigError, DsauditError, LimitError, ParseError, SourceError
    from dsaudit.core.limits import DEFAULT_LIMITS, Limits
    from dsaudit.core.models import (
        AuditResult,
        EvalContext,
        Evidence,
        LawRef,
        Location,
        Resource,
        Result,
        Rule,
        Severity,
        Status,
    )
    from dsaudit.documents.base import NoLines, ParsedDocument, Parser
    from dsaudit.modifiers.step import Modified, ModifyContext
    from dsaudit.plugin.protocols import Check, Modifier, OperatorFactory, Reporter, Source
    from dsaudit.project.config import ProjectConfig, build_config
    from dsaudit.redaction.pidetect import find_pi
    from dsaudit.redaction.redact import redact_text
