"""The layout holds: stages import only the stages before them, and modules stay readable."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from projectkit import REPO_ROOT

PACKAGE = REPO_ROOT / "dsaudit"
MAX_LINES = 400

OVER_THE_LIMIT = {
    # issue 14: each to be split by reason to change; remove the entry when it is.
}
"""Modules allowed over MAX_LINES for now, each with a ceiling it may not grow past."""


def test_stages_import_only_the_stages_before_them() -> None:
    """import-linter's layers contract in pyproject.toml ([tool.importlinter])."""
    from importlinter.cli import lint_imports

    code = lint_imports(config_filename=str(REPO_ROOT / "pyproject.toml"), no_cache=True)
    assert code == 0, "an import goes against the layer order: run lint-imports to see which"


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_no_module_is_longer_than_a_sitting(path: Path) -> None:
    rel = str(path.relative_to(REPO_ROOT))
    lines = len(path.read_text("utf-8").splitlines())
    limit = OVER_THE_LIMIT.get(rel, MAX_LINES)
    assert lines <= limit, f"{rel} has {lines} lines (limit {limit}): split it by reason to change"


def test_the_allow_list_names_only_files_that_need_it() -> None:
    for rel in OVER_THE_LIMIT:
        path = REPO_ROOT / rel
        if path.exists():
            assert len(path.read_text("utf-8").splitlines()) > MAX_LINES, f"{rel}: drop its entry"


def test_every_stage_package_is_in_the_layer_contract() -> None:
    """A new sub-package must be placed in the order, or the contract says nothing about it."""
    import tomllib

    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))
    [contract] = config["tool"]["importlinter"]["contracts"]
    named = {part.strip() for layer in contract["layers"] for part in layer.split("|")}
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    top_modules = {"audit", "testing"}
    assert packages | top_modules == named


def test_internal_modules_do_not_import_the_public_facade() -> None:
    """Inside dsaudit, import from the defining module: ``from dsaudit import X`` (lazy
    attributes of the package) hides the real dependency from the layer check."""
    offenders = []
    for path in _modules():
        if path == PACKAGE / "__init__.py" or path.name == "testing.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "dsaudit" and node.level == 0:
                names = {a.name for a in node.names} - {"__version__", "_moved"}
                if names:
                    offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno} {sorted(names)}")
    assert offenders == []


def test_the_design_page_names_every_package_and_only_real_ones() -> None:
    import re

    page = (REPO_ROOT / "docs" / "design.md").read_text("utf-8")
    table = {m.group(1) for m in re.finditer(r"^\| \d+ \| `([a-z_]+)(?:/|\.py)`", page, re.M)}
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert table == packages | {"audit", "testing"}
    folders = {p.name for p in PACKAGE.rglob("*") if p.is_dir() and p.name != "__pycache__"}
    for name in set(re.findall(r"`([a-z_]+)/`", page)) - {"dsaudit"}:
        assert name in folders, f"docs/design.md names {name}/, which dsaudit/ does not have"


def test_the_slow_tests_are_marked_and_selectable() -> None:
    """``-m "not slow"`` is the quick loop (CONTRIBUTING.md, nox session ``tests_fast``)."""
    import subprocess
    import sys

    listed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-m",
            "slow",
            "-p",
            "no:cacheprovider",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    slow = [line for line in listed.stdout.splitlines() if "::" in line]
    assert any("test_wheel_installs_and_audits" in line for line in slow), listed.stdout[-2000:]
    assert len(slow) >= 10
    noxfile = (REPO_ROOT / "noxfile.py").read_text("utf-8")
    assert "def tests_fast(" in noxfile and '"-m", "not slow"' in noxfile
