"""Registers the built-in parsers (structured formats) as a plugin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dsaudit.documents.structured import BUILTIN_PARSERS
from dsaudit.plugin.hookspecs import hookimpl


@hookimpl(trylast=True)
def dsaudit_register_parsers(register: Callable[[Any], None]) -> None:
    for parser in BUILTIN_PARSERS:
        register(parser)
