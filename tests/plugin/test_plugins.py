"""The plugin host: built-ins, entry points, local folders, isolation and compatibility."""

from __future__ import annotations

import importlib.metadata
import textwrap
from pathlib import Path
from typing import Any

import pytest
from projectkit import REPO_ROOT

import dsaudit
from dsaudit.plugin.host import BUILTIN_PLUGINS, get_plugin_host
from dsaudit.plugin.registry import collect_registry


def test_builtins_register_parsers_checks_reporters_sources() -> None:
    host = get_plugin_host()
    registry = collect_registry(host)
    assert {p.name for p in registry.parsers} >= {"yaml", "json", "toml", "ini", "env"}
    assert {"no_personal_information", "no_plaintext_secrets"} <= set(registry.checks)
    assert {"console", "json"} <= set(registry.reporters)
    assert [s.name for s in registry.sources] == ["inventory", "configs"]
    origins = {i.name: i.origin for i in host.infos()}
    assert all(origins[name] == "built-in" for name in BUILTIN_PLUGINS)
    assert not registry.problems


class _FakeEntryPoint:
    def __init__(self, name: str, obj: Any, fail: bool = False) -> None:
        self.name, self.value, self._obj, self._fail = name, f"fake:{name}", obj, fail
        self.dist = type("D", (), {"version": "9.9"})()

    def load(self) -> Any:
        if self._fail:
            raise ImportError("No module named 'missing_dependency'")
        return self._obj


class ExtraReporter:
    @dsaudit.hookimpl
    def dsaudit_register_reporters(self, register: Any) -> None:
        register(
            type("R", (), {"name": "extra", "extension": ".x", "render": lambda s, a, o: "x"})()
        )


def test_entry_points_are_loaded_and_import_failures_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    eps = [_FakeEntryPoint("extra", ExtraReporter()), _FakeEntryPoint("broken", None, fail=True)]
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: eps)
    host = get_plugin_host()
    registry = collect_registry(host)
    assert "extra" in registry.reporters
    info = {i.name: i for i in host.infos()}["extra"]
    assert (info.origin, info.version) == ("entry point", "9.9")
    assert info.hooks == ["dsaudit_register_reporters"]
    [problem] = registry.problems
    assert problem.plugin == "broken" and "failed to import" in problem.message


def test_autoload_can_be_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        importlib.metadata,
        "entry_points",
        lambda group: [_FakeEntryPoint("extra", ExtraReporter())],
    )
    monkeypatch.setenv("DSAUDIT_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert "extra" not in collect_registry(get_plugin_host()).reporters


def test_plugins_can_be_blocked_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        importlib.metadata,
        "entry_points",
        lambda group: [_FakeEntryPoint("extra", ExtraReporter())],
    )
    assert "extra" not in collect_registry(get_plugin_host(blocked=["extra"])).reporters
    monkeypatch.setenv("DSAUDIT_DISABLED_PLUGINS", "extra")
    assert "extra" not in collect_registry(get_plugin_host()).reporters


def _write_plugin(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return folder


def test_local_plugin_dir_loads_only_when_named(tmp_path: Path) -> None:
    folder = _write_plugin(
        tmp_path / "local",
        "mycheck",
        """
        import dsaudit

        @dsaudit.hookimpl
        def dsaudit_register_checks(register):
            register("always_ok", lambda item, ctx: True)
        """,
    )
    assert "always_ok" not in collect_registry(get_plugin_host()).checks
    host = get_plugin_host([folder])
    assert "always_ok" in collect_registry(host).checks
    assert {i.name: i.origin for i in host.infos()}["mycheck"].startswith("local folder")


def test_a_raising_plugin_is_reported_and_others_still_run(tmp_path: Path) -> None:
    folder = _write_plugin(
        tmp_path / "local",
        "boom",
        """
        import dsaudit

        @dsaudit.hookimpl
        def dsaudit_register_checks(register):
            raise RuntimeError("kaput")
        """,
    )
    registry = collect_registry(get_plugin_host([folder]))
    assert "no_plaintext_secrets" in registry.checks
    [problem] = registry.problems
    assert (problem.plugin, problem.hook) == ("boom", "dsaudit_register_checks")
    assert "RuntimeError: kaput" in problem.message and "Traceback" in problem.traceback


def test_a_plugin_that_fails_to_import_is_skipped(tmp_path: Path) -> None:
    folder = _write_plugin(tmp_path / "local", "bad", "import no_such_module_xyz\n")
    registry = collect_registry(get_plugin_host([folder]))
    [problem] = registry.problems
    assert "failed to import" in problem.message and "no_such_module_xyz" in problem.message


def test_misspelt_hook_is_refused_naming_the_plugin(tmp_path: Path) -> None:
    folder = _write_plugin(
        tmp_path / "local",
        "typo",
        """
        import dsaudit

        @dsaudit.hookimpl
        def dsaudit_register_chekcs(register):
            pass
        """,
    )
    host = get_plugin_host([folder])
    assert any("dsaudit_register_chekcs" in p.message for p in host.problems)


def test_incompatible_plugin_api_is_refused(tmp_path: Path) -> None:
    folder = _write_plugin(
        tmp_path / "local",
        "future",
        """
        import dsaudit
        DSAUDIT_PLUGIN_API = [2, 3]

        @dsaudit.hookimpl
        def dsaudit_register_checks(register):
            register("future_check", lambda item, ctx: True)
        """,
    )
    registry = collect_registry(get_plugin_host([folder]))
    assert "future_check" not in registry.checks
    assert "supports dsaudit plugin API [2, 3]" in registry.problems[0].message


def test_hook_reference_matches_hookspecs() -> None:
    from dsaudit.plugin.hookdoc import hook_functions, render

    page = (REPO_ROOT / "docs" / "plugin-hooks.md").read_text(encoding="utf-8")
    assert page == render(), "regenerate: python -m dsaudit.plugin.hookdoc > docs/plugin-hooks.md"
    for func in hook_functions():
        assert f"## `{func.__name__}(" in page  # type: ignore[attr-defined]
