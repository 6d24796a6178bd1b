"""The flat layout's import paths still work for one release, each with one DeprecationWarning."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from dsaudit._moved import MOVED


@pytest.mark.parametrize(("old", "new"), sorted(MOVED.items()))
def test_an_old_path_is_the_new_module_with_a_warning(old: str, new: str) -> None:
    code = (
        "import importlib, warnings, sys\n"
        "warnings.simplefilter('error')\n"
        f"new = importlib.import_module({new!r})\n"
        "try:\n"
        f"    importlib.import_module({old!r})\n"
        "except DeprecationWarning as warning:\n"
        "    print(warning)\n"
        "warnings.simplefilter('ignore')\n"
        f"old = importlib.import_module({old!r})\n"
        "print(old is new, old.__name__, old.__spec__.name)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    warning, identity = run.stdout.strip().splitlines()
    assert warning.startswith(f"{old.rsplit('.', 1)[0] if old.count('.') > 1 else old} moved to")
    assert identity == f"True {new} {new}"


def test_an_old_class_is_the_same_class() -> None:
    """One module object per file: isinstance and pickling agree across old and new paths."""
    with pytest.warns(DeprecationWarning, match=r"dsaudit\.models moved to dsaudit\.core\.models"):
        sys.modules.pop("dsaudit.models", None)
        old = importlib.import_module("dsaudit.models")
    from dsaudit.core.models import Result

    assert old.Result is Result


@pytest.mark.parametrize(
    ("package", "name", "home"),
    [
        ("dsaudit.engine", "evaluate", "dsaudit.engine.evaluation"),
        ("dsaudit.modifiers", "default_modifiers", "dsaudit.modifiers.pipeline"),
        ("dsaudit.cli", "cli", "dsaudit.cli.app"),
        ("dsaudit.cli", "main", "dsaudit.cli.app"),
    ],
)
def test_a_module_that_became_a_package_forwards_its_names(
    package: str, name: str, home: str
) -> None:
    with pytest.warns(DeprecationWarning, match=rf"{package}\.{name} moved to {home}\.{name}"):
        value = getattr(importlib.import_module(package), name)
    assert value is getattr(importlib.import_module(home), name)


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    import dsaudit.engine

    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = dsaudit.engine.nothing_here
