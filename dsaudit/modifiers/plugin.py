"""The built-in modifiers, registered through the same hook as a plugin's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dsaudit.modifiers.baseline import BaselineModifier
from dsaudit.modifiers.suppressions import InlineSuppressions
from dsaudit.modifiers.waivers import Waivers
from dsaudit.plugin.hookspecs import hookimpl

BUILTIN_MODIFIERS = (InlineSuppressions(), Waivers(), BaselineModifier())


@hookimpl(trylast=True)
def dsaudit_register_modifiers(register: Callable[[Any], None]) -> None:
    for modifier in BUILTIN_MODIFIERS:
        register(modifier)
