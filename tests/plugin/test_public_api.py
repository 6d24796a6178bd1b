"""Plugins use the public API only: the example plugins and the scaffold templates import
nothing from dsaudit but ``dsaudit`` itself and ``dsaudit.testing``, and every public name
resolves."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from projectkit import REPO_ROOT

import dsaudit

ROOT = REPO_ROOT
PUBLIC_MODULES = {"dsaudit", "dsaudit.testing"}
PLUGIN_CODE = sorted(
    [*ROOT.glob("plugins/*/src/**/*.py"), *ROOT.glob("plugins/*/tests/**/*.py"),
     *ROOT.glob("dsaudit/templates/scaffold/**/*.py.tmpl")]
)  # fmt: skip


def _dsaudit_imports(path: Path) -> list[tuple[int, str]]:
    text = path.read_text("utf-8").replace("{{module}}", "plugin_module")
    found = []
    for node in ast.walk(ast.parse(text, str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "dsaudit":
                names = [
                    f"dsaudit.{a.name}" if a.name == "testing" else "dsaudit" for a in node.names
                ]
            found += [(node.lineno, n) for n in names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return [(line, n) for line, n in found if n == "dsaudit" or n.startswith("dsaudit.")]


def test_there_is_plugin_code_to_check() -> None:
    assert len(PLUGIN_CODE) > 10


@pytest.mark.parametrize("path", PLUGIN_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_plugin_code_imports_only_the_public_api(path: Path) -> None:
    private = [(line, name) for line, name in _dsaudit_imports(path) if name not in PUBLIC_MODULES]
    assert not private, f"{path.relative_to(ROOT)} imports internal modules: {private}"


@pytest.mark.parametrize("name", dsaudit.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(dsaudit, name) is not None


def test_import_dsaudit_stays_light() -> None:
    """The public names load on first use: ``import dsaudit`` pulls in no engine or YAML."""
    heavy = "('yaml', 'jsonschema', 'dsaudit.engine.evaluation', 'dsaudit.audit', 're2')"
    code = f"import sys, dsaudit; print([m for m in {heavy} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        dsaudit.nope  # noqa: B018
