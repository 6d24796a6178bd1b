"""``--help`` ends with examples and the exit codes of docs/cli.md."""

from __future__ import annotations

import re

import pytest
from projectkit import REPO_ROOT, run

DOCUMENTED = {
    int(code)
    for code in re.findall(
        r"^\| (\d+) \|", (REPO_ROOT / "docs" / "cli.md").read_text("utf-8"), flags=re.M
    )
}


def _codes(text: str) -> set[int]:
    section = text.split("Exit codes:", 1)[1]
    return {int(m) for m in re.findall(r"^\s+(\d+)\s{2,}", section, flags=re.M)}


def test_the_documented_exit_codes() -> None:
    assert {0, 1, 2, 3, 130, 141} == DOCUMENTED


@pytest.mark.parametrize("args", [(), ("audit",)], ids=["dsaudit", "audit"])
def test_help_lists_every_exit_code(args: tuple[str, ...]) -> None:
    result = run(*args, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert _codes(result.output) == DOCUMENTED


def test_baseline_create_help_lists_its_exit_codes() -> None:
    result = run("baseline", "create", "--help")
    assert result.exit_code == 0
    assert "dsaudit baseline create . -o .dsaudit/baseline.json" in result.output
    # it never exits 1: it records findings, it does not gate on them
    assert _codes(result.output) == DOCUMENTED - {1}


def test_config_show_help() -> None:
    result = run("config", "show", "--help")
    assert result.exit_code == 0
    assert "dsaudit config show ." in result.output
    assert _codes(result.output) == {0, 2, 3}


@pytest.mark.parametrize("args", [(), ("audit",), ("baseline", "create"), ("config", "show")])
def test_every_example_is_a_valid_command_line(args: tuple[str, ...]) -> None:
    """Each example parses: its command and options exist (run with --help appended)."""
    text = run(*args, "--help").output
    examples = text.split("Examples:", 1)[1].split("\n\n", 1)[0]
    for line in examples.strip().splitlines():
        words = line.split()
        assert words[0] == "dsaudit", line
        result = run(*words[1:], "--help")
        assert result.exit_code == 0, (line, result.output)
