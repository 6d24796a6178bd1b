"""Inventory files written in ``tmp_path`` and loaded as the audit loads them.

Shared by the tests of the inventory's facts (tests/sources/test_inventory_facts.py and
test_inventory_fact_checks.py): write a file, load it, read the problems it is refused with.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dsaudit.core.errors import InventoryError
from dsaudit.core.limits import Limits
from dsaudit.core.taxonomy import load_taxonomy
from dsaudit.sources.inventory import Inventory, load_inventory

ORG = "organization:\n  name: X\n"
DS = "datasets:\n  - id: d\n"
TR = "transfers:\n  - id: t\n    destination: US\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load(files: list[Path], root: Path) -> Inventory:
    return load_inventory(files, root, Limits(), load_taxonomy())


def problems(files: list[Path], root: Path) -> list[str]:
    with pytest.raises(InventoryError) as caught:
        load(files, root)
    return [str(problem) for problem in caught.value.errors]  # type: ignore[attr-defined]


def problems_of(tmp_path: Path, body: str) -> list[str]:
    """The problems an inventory of ``body`` (after ``version: 1``) is refused with."""
    return problems([write(tmp_path, "inv.yaml", "version: 1\n" + body)], tmp_path)


def accepts(tmp_path: Path, body: str) -> Inventory:
    """Load an inventory of ``body``; raises if it is refused."""
    return load([write(tmp_path, "inv.yaml", "version: 1\n" + body)], tmp_path)
