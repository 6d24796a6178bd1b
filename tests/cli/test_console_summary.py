"""The terminal summary printed when every report goes to a file comes through
``dsaudit_console_summary``: a plugin can replace it, and what a plugin prints is escaped."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from projectkit import audit, retention_rule, write_inventory, write_pack


@pytest.fixture
def root(tmp_path: Path) -> Path:
    target = tmp_path / "target"
    write_pack(target, [retention_rule("KIT-RET", "high", 30)])
    write_inventory(target, [{"id": "ds-a", "retention_days": 90}])
    return target


def _plugin(root: Path, body: str) -> Path:
    folder = root.parent / "plugins"
    folder.mkdir()
    folder.chmod(0o755)
    (folder / "summary.py").write_text(textwrap.dedent(body), encoding="utf-8")
    return folder


def _to_file(root: Path) -> tuple[str, ...]:
    return ("--format", "json", "-o", str(root.parent / "report.json"))


def test_the_builtin_prints_one_line_with_q(root: Path) -> None:
    result = audit(root, *_to_file(root), "-q", "--fail-on", "never")
    assert result.output.startswith("dsaudit: Kit Co: NON-COMPLIANT — 1 fail")
    assert result.output.count("\n") == 1


def test_the_builtin_prints_the_console_report_and_where_reports_went(root: Path) -> None:
    result = audit(root, *_to_file(root), "--fail-on", "never")
    assert "KIT-RET" in result.output
    assert "wrote json report to" in result.output


def test_a_plugin_summary_replaces_the_builtin_and_is_escaped(root: Path) -> None:
    plugins = _plugin(
        root,
        """
        import dsaudit

        @dsaudit.hookimpl
        def dsaudit_console_summary(audit, options):
            failing = sum(1 for r in audit.results if r.status is dsaudit.Status.FAIL)
            quiet = options["quiet"]
            title = "\\x1b]0;pwned\\x07\\r"  # set the terminal title, then overwrite the line
            return f"{title}\\x1b[31mteam view\\x1b[0m: {failing} to fix (quiet={quiet})\\n"
    """,
    )
    result = audit(root, "--plugin-dir", plugins, *_to_file(root), "-q", "--fail-on", "never")
    assert "NON-COMPLIANT" not in result.output
    assert not {"\x1b", "\x07", "\r"} & set(result.output)
    assert "team view" in result.output and "1 to fix (quiet=True)" in result.output


def test_a_plugin_answering_none_leaves_the_builtin(root: Path) -> None:
    plugins = _plugin(
        root,
        """
        import dsaudit

        @dsaudit.hookimpl
        def dsaudit_console_summary(audit, options):
            return None
    """,
    )
    result = audit(root, "--plugin-dir", plugins, *_to_file(root), "-q", "--fail-on", "never")
    assert result.output.startswith("dsaudit: Kit Co: NON-COMPLIANT")


def test_a_raising_summary_plugin_is_a_warning_and_the_builtin_prints(root: Path) -> None:
    plugins = _plugin(
        root,
        """
        import dsaudit

        @dsaudit.hookimpl
        def dsaudit_console_summary(audit, options):
            raise RuntimeError("kaput")
    """,
    )
    result = audit(root, "--plugin-dir", plugins, *_to_file(root), "-q", "--fail-on", "never")
    assert "dsaudit: warning: plugin summary raised in dsaudit_console_summary" in result.output
    assert "dsaudit: Kit Co: NON-COMPLIANT" in result.output


def test_no_summary_when_a_report_goes_to_stdout(root: Path) -> None:
    plugins = _plugin(
        root,
        """
        import dsaudit

        @dsaudit.hookimpl
        def dsaudit_console_summary(audit, options):
            return "SHOULD NOT APPEAR\\n"
    """,
    )
    result = audit(root, "--plugin-dir", plugins, "--format", "json", "--fail-on", "never")
    assert "SHOULD NOT APPEAR" not in result.output
