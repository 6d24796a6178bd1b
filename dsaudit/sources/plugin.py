"""Registers the built-in sources: inventory files, then config files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dsaudit.plugin.hookspecs import hookimpl
from dsaudit.sources.configs import ConfigSource
from dsaudit.sources.inventory_source import InventorySource


@hookimpl(trylast=True)
def dsaudit_register_sources(register: Callable[[Any], None]) -> None:
    register(InventorySource())
    register(ConfigSource())
