"""Hooks of the Terraform plugin: the ``terraform`` parser and the ``terraform-cn`` rule pack."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import dsaudit

from dsaudit_terraform.parser import TerraformParser

DSAUDIT_PLUGIN_API = 1
"""The dsaudit plugin API versions this plugin supports."""

PACK_DIR = Path(__file__).parent / "packs" / "terraform-cn"


@dsaudit.hookimpl
def dsaudit_register_parsers(register: Callable[[Any], None]) -> None:
    register(TerraformParser())


@dsaudit.hookimpl
def dsaudit_rule_pack_paths() -> list[Path]:
    return [PACK_DIR]
