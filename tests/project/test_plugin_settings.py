"""Each plugin's own validated section of the project config (issue 14 §2, config sections)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import dsaudit
from dsaudit import testing
from dsaudit.audit import run_audit
from dsaudit.core.errors import ConfigError
from dsaudit.core.models import AuditResult
from dsaudit.project.config import ProjectConfig, build_config

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "channel": {"type": "string", "minLength": 1},
        "retries": {"type": "integer", "minimum": 0, "maximum": 5},
        "url": {"type": "string"},
    },
}


class Demo:
    """Registers the ``demo`` section and keeps what the audit's end hook saw."""

    def __init__(self, schema: Any = SCHEMA, untrusted: tuple[str, ...] = ("channel",)) -> None:
        self.schema, self.untrusted = schema, untrusted
        self.seen: list[dict[str, Any]] = []

    @dsaudit.hookimpl
    def dsaudit_register_config_sections(self, register: Any) -> None:
        register("demo", self.schema, untrusted_keys=self.untrusted)

    @dsaudit.hookimpl
    def dsaudit_audit_finished(self, audit: AuditResult, config: ProjectConfig) -> None:
        self.seen.append(dict(config.plugin_settings("demo")))


def project(tmp_path: Path, settings: str) -> Path:
    root = tmp_path / "tree"
    root.mkdir(parents=True)
    (root / "dsaudit.yaml").write_text(
        "version: 1\nas_of: 2026-06-01\npacks: [csl]\nplugin_settings:\n"
        + textwrap.indent(textwrap.dedent(settings), "  "),
        "utf-8",
    )
    return root


def audit(root: Path, plugin: Any, *, trusted: bool = True) -> AuditResult:
    named = root / "dsaudit.yaml" if trusted else None
    config = build_config(root, named)
    return run_audit(config, host=testing.plugin_host(("demo", plugin)))


def test_a_plugin_reads_its_validated_section(tmp_path: Path) -> None:
    plugin = Demo()
    root = project(tmp_path, "demo:\n  channel: '#sec'\n  retries: 5\n")
    result = audit(root, plugin)
    assert plugin.seen == [{"channel": "#sec", "retries": 5}]
    assert not [w for w in result.warnings if "plugin_settings" in w]


def test_the_section_is_read_only_and_empty_when_absent(tmp_path: Path) -> None:
    config = ProjectConfig(root=tmp_path, plugin_sections={"demo": {"retries": 1}})
    with pytest.raises(TypeError):
        config.plugin_settings("demo")["retries"] = 2  # type: ignore[index]
    assert dict(config.plugin_settings("other")) == {}


@pytest.mark.parametrize(
    ("settings", "line", "words"),
    [
        ("demo:\n  retries: 6\n", 6, "6 is greater than the maximum of 5 (at 'retries')"),
        ("demo:\n  retries: -1\n", 6, "less than the minimum of 0"),
        ("demo:\n  channel: ''\n", 6, "(at 'channel')"),
        (
            "demo:\n  chanel: x\n",
            6,
            "unknown key 'chanel' at the top level (did you mean 'channel'?)",
        ),
    ],
)
def test_a_section_that_breaks_its_schema_names_file_and_line(
    tmp_path: Path, settings: str, line: int, words: str
) -> None:
    root = project(tmp_path, settings)
    with pytest.raises(ConfigError) as info:
        audit(root, Demo())
    assert info.value.file == str(root / "dsaudit.yaml")
    assert info.value.line == line
    assert "plugin_settings.demo (plugin 'demo')" in info.value.message
    assert words in info.value.message


def test_retries_at_the_boundary_pass(tmp_path: Path) -> None:
    for value in (0, 5):
        plugin = Demo()
        audit(project(tmp_path / str(value), f"demo:\n  retries: {value}\n"), plugin)
        assert plugin.seen == [{"retries": value}]


def test_a_section_no_plugin_registers_is_a_warning(tmp_path: Path) -> None:
    root = project(tmp_path, "dmeo:\n  channel: x\n")
    result = audit(root, Demo())
    notes = [w for w in result.warnings if "plugin_settings.dmeo" in w]
    assert len(notes) == 1
    assert 'did you mean "demo"?' in notes[0] and "ignored" in notes[0]


def test_a_section_name_must_be_plain(tmp_path: Path) -> None:
    root = project(tmp_path, "'Demo!':\n  channel: x\n")
    with pytest.raises(ConfigError, match="does not match"):
        build_config(root, root / "dsaudit.yaml")


def test_a_found_config_may_set_only_the_keys_the_plugin_allows(tmp_path: Path) -> None:
    plugin = Demo()
    allowed = project(tmp_path / "a", "demo:\n  channel: x\n")
    audit(allowed, plugin, trusted=False)
    assert plugin.seen == [{"channel": "x"}]
    refused = project(tmp_path / "b", "demo:\n  channel: x\n  url: https://evil.example/\n")
    with pytest.raises(ConfigError) as info:
        audit(refused, Demo(), trusted=False)
    assert "plugin_settings.demo.url" in info.value.message
    assert "--trust-config" in info.value.message
    assert info.value.line == 7
    plugin = Demo()
    config = build_config(refused, None, trust_config=True)
    run_audit(config, host=testing.plugin_host(("demo", plugin)))
    assert plugin.seen[0]["url"] == "https://evil.example/"


def test_a_plugin_that_allows_nothing_untrusted(tmp_path: Path) -> None:
    root = project(tmp_path, "demo:\n  channel: x\n")
    with pytest.raises(ConfigError, match="accepts only none of its settings"):
        audit(root, Demo(untrusted=()), trusted=False)


@pytest.mark.parametrize(
    ("schema", "words"),
    [
        ({"type": "array"}, "needs a JSON Schema of type 'object'"),
        ({"type": "object", "properties": {"a": {"type": "nope"}}}, "invalid JSON Schema"),
    ],
)
def test_a_bad_registration_is_a_problem_naming_the_plugin(
    tmp_path: Path, schema: dict[str, Any], words: str
) -> None:
    registry = testing.registry(testing.plugin_host(("demo", Demo(schema=schema))))
    assert "demo" not in registry.config_sections
    assert any(p.plugin == "demo" and words in p.message for p in registry.problems)


def test_two_plugins_registering_one_section_is_an_error_naming_both() -> None:
    host = testing.plugin_host(("first", Demo()), ("second", Demo()))
    registry = testing.registry(host)
    used = registry.config_sections["demo"].owner
    other = ({"first", "second"} - {used}).pop()
    assert any(
        f"config section 'demo' is registered by both plugin {used} and plugin {other}" in p.message
        for p in registry.problems
    )


def test_the_cli_exits_2_with_file_and_line(tmp_path: Path) -> None:
    plugin_dir = tmp_path / "plug"
    plugin_dir.mkdir()
    (plugin_dir / "demo_section.py").write_text(
        textwrap.dedent(
            """\
            import dsaudit

            @dsaudit.hookimpl
            def dsaudit_register_config_sections(register):
                register("demo", {"type": "object", "properties": {"retries": {"type": "integer"}}})
            """
        ),
        "utf-8",
    )
    root = project(tmp_path, "demo:\n  retries: many\n")
    config = root / "dsaudit.yaml"
    config.write_text(config.read_text("utf-8") + f"plugins: [{plugin_dir}]\n", "utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "dsaudit", "audit", str(root), "--config", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2, run.stderr
    assert f"{config}:6" in run.stderr
    assert "'many' is not of type 'integer'" in run.stderr
