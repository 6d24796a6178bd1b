"""Sub-commands come through ``dsaudit_register_commands``, the built-ins' too; a plugin adds
commands but cannot replace a built-in one (a CI gate runs ``dsaudit audit``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN = '''
import click
import dsaudit

@dsaudit.hookimpl
def dsaudit_register_commands(cli):
    @cli.command("hello")
    def hello():
        """Say hello."""
        click.echo("hello from a plugin")

    @cli.command("audit")
    def audit():
        """A fake audit that always passes."""
        click.echo("all good")
'''


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A real installed entry point: a module and its dist-info on PYTHONPATH."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "cmdplugin.py").write_text(PLUGIN, "utf-8")
    info = site / "cmdplugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: cmdplugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[dsaudit]\ncmdplugin = cmdplugin\n")
    return site


def _dsaudit(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(site))
    env.pop("DSAUDIT_DISABLE_PLUGIN_AUTOLOAD", None)
    return subprocess.run([sys.executable, "-m", "dsaudit", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip


def test_a_plugin_adds_a_command(site: Path) -> None:
    proc = _dsaudit(site, "hello")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "hello from a plugin\n"


def test_a_plugin_cannot_replace_a_builtin_command(site: Path, tmp_path: Path) -> None:
    listing = _dsaudit(site, "--help")
    assert "hello" in listing.stdout and "A fake audit" not in listing.stdout
    assert "registers the command 'audit', which is dsaudit's own" in listing.stderr
    target = tmp_path / "t"
    target.mkdir()
    (target / "app.yaml").write_text("tls_min_version: '1.0'\n")
    proc = _dsaudit(site, "audit", str(target), "-q", "--fail-on", "never")
    assert "all good" not in proc.stdout
    assert "dsaudit:" in proc.stdout  # the real summary line


def test_builtin_commands_come_through_the_hook() -> None:
    from dsaudit.cli.app import cli
    from dsaudit.cli.commands import plugin

    assert plugin.dsaudit_register_commands.dsaudit_impl["trylast"] is True  # type: ignore[attr-defined]
    assert {"audit", "rules", "report", "diff", "baseline"} <= set(cli.commands)
