"""dsaudit: data-security compliance audits as code.

The names in ``__all__`` are the public API, for plugins and for programs that run audits;
everything else (``dsaudit.engine``, ``dsaudit.conditions``, ...) is internal and may change in
any release. ``dsaudit.testing`` holds the helpers a plugin's own tests need. The API's version
is ``PLUGIN_API_VERSION`` (docs/plugins.md, "Compatibility contract").

Only ``hookimpl`` and the versions are imported with the package; every other name is loaded
on first use, so ``import dsaudit`` in a plugin stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from dsaudit.__about__ import __version__
from dsaudit.hookspecs import PLUGIN_API_VERSION, hookimpl

_EXPORTS: dict[str, str] = {
    # results and what they are about
    "AuditResult": "dsaudit.models",
    "EvalContext": "dsaudit.models",
    "Evidence": "dsaudit.models",
    "LawRef": "dsaudit.models",
    "Location": "dsaudit.models",
    "Resource": "dsaudit.models",
    "Result": "dsaudit.models",
    "Rule": "dsaudit.models",
    "Severity": "dsaudit.models",
    "Status": "dsaudit.models",
    # errors a plugin raises or catches
    "ConfigError": "dsaudit.errors",
    "DsauditError": "dsaudit.errors",
    "LimitError": "dsaudit.errors",
    "ParseError": "dsaudit.errors",
    "SourceError": "dsaudit.errors",
    # writing a parser
    "DEFAULT_LIMITS": "dsaudit.limits",
    "Limits": "dsaudit.limits",
    "NoLines": "dsaudit.parsers.base",
    "ParsedDocument": "dsaudit.parsers.base",
    "Parser": "dsaudit.parsers.base",
    # running an audit from a program
    "ProjectConfig": "dsaudit.config",
    "run_audit": "dsaudit.audit",
    # what reports may show
    "find_pi": "dsaudit.pidetect",
    "redact_text": "dsaudit.redact",
}

__all__ = [
    "DEFAULT_LIMITS",
    "PLUGIN_API_VERSION",
    "AuditResult",
    "ConfigError",
    "DsauditError",
    "EvalContext",
    "Evidence",
    "LawRef",
    "LimitError",
    "Limits",
    "Location",
    "NoLines",
    "ParseError",
    "ParsedDocument",
    "Parser",
    "ProjectConfig",
    "Resource",
    "Result",
    "Rule",
    "Severity",
    "SourceError",
    "Status",
    "__version__",
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
    from dsaudit.config import ProjectConfig
    from dsaudit.errors import ConfigError, DsauditError, LimitError, ParseError, SourceError
    from dsaudit.limits import DEFAULT_LIMITS, Limits
    from dsaudit.models import (
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
    from dsaudit.parsers.base import NoLines, ParsedDocument, Parser
    from dsaudit.pidetect import find_pi
    from dsaudit.redact import redact_text
