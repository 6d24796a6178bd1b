"""Run the plugin's tests from the checkout: src/ on sys.path, installed copies not autoloaded."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))


@pytest.fixture
def host(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Built-in plugins plus this one, from src/ (an installed copy is not loaded twice)."""
    from dsaudit.plugins import get_plugin_host

    from dsaudit_kubernetes import plugin

    monkeypatch.setenv("DSAUDIT_DISABLE_PLUGIN_AUTOLOAD", "1")
    return get_plugin_host(extra_plugins=[("kubernetes", plugin)])
