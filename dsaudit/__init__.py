"""dsaudit: data-security compliance audits as code."""

from __future__ import annotations

from dsaudit.__about__ import __version__
from dsaudit.hookspecs import PLUGIN_API_VERSION, hookimpl

__all__ = ["PLUGIN_API_VERSION", "__version__", "hookimpl"]
