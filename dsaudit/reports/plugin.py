"""Registers the built-in file reporters (json, sarif, junit, markdown, csv, html, defectdojo,
oscal)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dsaudit.plugin.hookspecs import hookimpl
from dsaudit.reports import BUILTIN_REPORTERS


@hookimpl
def dsaudit_register_reporters(register: Callable[[Any], None]) -> None:
    """Register every built-in file reporter."""
    for reporter in BUILTIN_REPORTERS:
        register(reporter)
