"""Every hook is called through pluggy: wrappers run, ordering holds, tracing sees the calls,
and a raising implementation or wrapper is still an error of its own plugin only."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Generator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from projectkit import AS_OF, tls_rule, write_pack

import dsaudit
from dsaudit.plugin.host import get_plugin_host
from dsaudit.plugin.registry import collect_registry


class _Order:
    def __init__(self) -> None:
        self.calls: list[str] = []


def _pack_paths_plugin(order: _Order, name: str, **marks: bool) -> Any:
    class Plugin:
        @dsaudit.hookimpl(**marks)
        def dsaudit_rule_pack_paths(self) -> list[Path]:
            order.calls.append(name)
            return []

    return Plugin()


def test_tryfirst_and_trylast_order_holds() -> None:
    order = _Order()
    host = get_plugin_host(
        extra_plugins=[
            ("last", _pack_paths_plugin(order, "last", trylast=True)),
            ("plain", _pack_paths_plugin(order, "plain")),
            ("first", _pack_paths_plugin(order, "first", tryfirst=True)),
        ]
    )
    host.call_each("dsaudit_rule_pack_paths")
    assert order.calls == ["first", "plain", "last"]


def test_a_wrapper_runs_around_the_builtins_and_sees_their_results() -> None:
    seen: list[Any] = []

    class Wrapper:
        @dsaudit.hookimpl(wrapper=True)
        def dsaudit_register_reporters(self, register: Any) -> Generator[None, Any, Any]:
            seen.append("before")
            result = yield
            seen.append("after")
            return result

    registry = collect_registry(get_plugin_host(extra_plugins=[("wrap", Wrapper())]))
    assert seen == ["before", "after"]
    assert "json" in registry.reporters, "the built-ins ran inside the wrapper"


def test_a_raising_wrapper_is_its_own_plugins_error_and_the_call_goes_on() -> None:
    class Broken:
        @dsaudit.hookimpl(wrapper=True)
        def dsaudit_register_reporters(self, register: Any) -> Generator[None, Any, Any]:
            raise RuntimeError("wrapper broke before yielding")
            yield  # pragma: no cover

    class BrokenAfter:
        @dsaudit.hookimpl(wrapper=True)
        def dsaudit_register_reporters(self, register: Any) -> Generator[None, Any, Any]:
            yield
            raise RuntimeError("wrapper broke after yielding")

    host = get_plugin_host(extra_plugins=[("broken", Broken()), ("after", BrokenAfter())])
    registry = collect_registry(host)
    assert "json" in registry.reporters
    messages = {(p.plugin, p.hook): p.message for p in host.problems}
    assert "before yielding" in messages[("broken", "dsaudit_register_reporters")]
    assert "after yielding" in messages[("after", "dsaudit_register_reporters")]


def test_a_raising_implementation_is_left_out_and_named() -> None:
    class Raises:
        @dsaudit.hookimpl(tryfirst=True)
        def dsaudit_ignore_path(self, path: Path, config: Any) -> bool | None:
            raise ValueError("cannot decide")

    class Answers:
        @dsaudit.hookimpl
        def dsaudit_ignore_path(self, path: Path, config: Any) -> bool | None:
            return True

    host = get_plugin_host(extra_plugins=[("answers", Answers()), ("raises", Raises())])
    assert host.first_result("dsaudit_ignore_path", path=Path("x"), config=None) is True
    assert [(p.plugin, p.hook) for p in host.problems] == [("raises", "dsaudit_ignore_path")]


def test_call_each_names_the_plugin_of_each_answer() -> None:
    class One:
        @dsaudit.hookimpl
        def dsaudit_collect_resources(self, config: Any) -> list[Any]:
            return ["one"]

    class Two:
        @dsaudit.hookimpl
        def dsaudit_collect_resources(self, config: Any) -> list[Any]:
            return ["two"]

    host = get_plugin_host(extra_plugins=[("one", One()), ("two", Two())])
    answers = dict(host.call_each("dsaudit_collect_resources", config=SimpleNamespace()))
    assert answers["one"] == ["one"] and answers["two"] == ["two"]


def test_old_style_hookwrappers_are_refused_with_the_reason() -> None:
    class Old:
        @dsaudit.hookimpl(hookwrapper=True)
        def dsaudit_register_reporters(self, register: Any) -> Generator[None, Any, None]:
            yield

    host = get_plugin_host(extra_plugins=[("old", Old())])
    assert not host.pm.has_plugin("old")
    assert any("wrapper=True" in p.message for p in host.problems)


def test_tracing_shows_the_hook_calls_of_a_whole_audit(tmp_path: Path) -> None:
    target = tmp_path / "target"
    (target / "conf").mkdir(parents=True)
    (target / "conf" / "app.yaml").write_text("tls_min_version: '1.0'\n", "utf-8")
    write_pack(tmp_path, [tls_rule()])
    proc = subprocess.run(
        [sys.executable, "-m", "dsaudit", "audit", str(target), "--pack", str(tmp_path / "pack"),
         "--as-of", AS_OF, "-q", "--fail-on", "never"],
        env=dict(os.environ, DSAUDIT_DISABLE_PLUGIN_AUTOLOAD="1", DSAUDIT_TRACE_PLUGINS="1"),
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    for hook in ("dsaudit_register_parsers", "dsaudit_collect_resources",
                 "dsaudit_modify_results", "dsaudit_audit_finished"):  # fmt: skip
        assert hook in proc.stderr, hook


def test_a_third_party_parser_wins_over_the_builtin_for_the_same_file() -> None:
    from pathlib import PurePosixPath

    from dsaudit.sources.configs import pick_parser

    class MySshd:
        name = "my-sshd"

        def claims(self, path: PurePosixPath) -> bool:
            return path.name == "sshd_config"

        def parse(self, display_path: str, content: bytes, limits: Any) -> list[Any]:
            return []

    class Plugin:
        @dsaudit.hookimpl
        def dsaudit_register_parsers(self, register: Any) -> None:
            register(MySshd())

    builtin = collect_registry(get_plugin_host())
    assert pick_parser(builtin.parsers, "etc/ssh/sshd_config").name == "sshd"
    assert pick_parser(builtin.parsers, "etc/redis/redis.conf").name == "redis"
    registry = collect_registry(get_plugin_host(extra_plugins=[("mine", Plugin())]))
    assert pick_parser(registry.parsers, "etc/ssh/sshd_config").name == "my-sshd"
    assert pick_parser(registry.parsers, "etc/redis/redis.conf").name == "redis"


def _reporter_plugin(name: str) -> Any:
    class Reporter:
        extension = ".txt"

        def __init__(self) -> None:
            self.name = name

        def render(self, audit: Any, options: Any) -> str:
            return "x"

    class Plugin:
        @dsaudit.hookimpl
        def dsaudit_register_reporters(self, register: Any) -> None:
            register(Reporter())

    return Plugin()


def test_two_plugins_registering_one_name_is_an_error_naming_both() -> None:
    host = get_plugin_host(
        extra_plugins=[("alpha", _reporter_plugin("txt")), ("beta", _reporter_plugin("txt"))]
    )
    registry = collect_registry(host)
    collect_registry(host)  # asked again (reports are rendered later): still one problem
    problems = [p.message for p in host.problems]
    assert len(problems) == 1, problems
    assert "plugin beta" in problems[0] and "plugin alpha" in problems[0]
    assert "txt" in registry.reporters


def test_a_plugin_replacing_a_builtin_name_wins_with_a_warning() -> None:
    registry = collect_registry(get_plugin_host(extra_plugins=[("mine", _reporter_plugin("json"))]))
    assert registry.reporters["json"].extension == ".txt"
    assert not registry.problems
    assert any("replaces the built-in reporter 'json'" in w for w in registry.warnings)


class _EvenOperator:
    @dsaudit.hookimpl
    def dsaudit_register_operators(self, register: Any) -> None:
        def is_even(operand: Any) -> Any:
            if not isinstance(operand, bool):
                raise ValueError("'is_even' needs true or false")
            return lambda value, ctx: isinstance(value, int) and (value % 2 == 0) is operand

        register("is_even", is_even)


def test_a_plugin_operator_is_usable_in_a_pack(tmp_path: Path) -> None:
    from dsaudit import testing

    rule = tls_rule("KIT-EVEN")
    rule["applies_to"] = {"kind": "config", "when": {"path": "replicas", "exists": True}}
    rule["condition"] = {"path": "replicas", "is_even": False}
    pack = write_pack(tmp_path, [rule])
    target = tmp_path / "target"
    target.mkdir()
    (target / "odd.yaml").write_text("replicas: 3\n")
    (target / "even.yaml").write_text("replicas: 4\n")
    host = testing.plugin_host(("even", _EvenOperator()))
    audit = testing.audit_folder(target, host, packs=[str(pack)])
    statuses = {r.resource_id: str(r.status) for r in audit.results}
    assert statuses == {"odd.yaml": "pass", "even.yaml": "fail"}


def test_without_the_plugin_the_operator_is_unknown(tmp_path: Path) -> None:
    from dsaudit import testing
    from dsaudit.core.errors import PackError

    rule = tls_rule("KIT-EVEN")
    rule["condition"] = {"path": "replicas", "is_even": False}
    pack = write_pack(tmp_path, [rule])
    with pytest.raises(PackError, match='unknown operator "is_even"'):
        testing.audit_folder(tmp_path, testing.plugin_host(), packs=[str(pack)])


def test_regex_operators_cannot_be_replaced() -> None:
    class Replacer:
        @dsaudit.hookimpl
        def dsaudit_register_operators(self, register: Any) -> None:
            register("regex", lambda operand: lambda value, ctx: True)

    host = get_plugin_host(extra_plugins=[("replacer", Replacer())])
    registry = collect_registry(host)
    assert "regex" not in registry.operators
    assert any("compiled by RE2" in p.message for p in host.problems)
