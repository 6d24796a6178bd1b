"""Run the plugin's tests from the checkout: src/ on sys.path, installed copies not autoloaded."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))


@pytest.fixture
def host():  # type: ignore[no-untyped-def]
    """Built-in plugins plus this one, from src/ (an installed copy is not loaded twice)."""
    from dsaudit import testing

    from dsaudit_kubernetes import plugin

    return testing.plugin_host(("kubernetes", plugin))
