"""Registers dsaudit's own sub-commands through ``dsaudit_register_commands``, as a plugin would.

The built-in commands use the same hook that third-party plugins use. Their names are reserved:
a plugin that registers ``audit`` (or any other built-in name) is refused with a warning, so an
installed package cannot replace the command a CI gate runs.
"""

from __future__ import annotations

import click

from dsaudit.plugin.hookspecs import hookimpl


@hookimpl(trylast=True)
def dsaudit_register_commands(cli: click.Group) -> None:
    from dsaudit.cli.commands import (
        audit,
        baseline_cmd,
        config_cmd,
        coverage_cmd,
        discover_cmd,
        init_cmd,
        inventory_cmd,
        plugins_cmd,
        report_cmd,
        rules_cmd,
        scaffold_cmd,
    )

    cli.add_command(audit.audit)
    cli.add_command(rules_cmd.rules)
    cli.add_command(plugins_cmd.plugins)
    for module in (report_cmd, coverage_cmd, baseline_cmd, init_cmd, inventory_cmd, scaffold_cmd,
                   config_cmd, discover_cmd):  # fmt: skip
        for command in module.COMMANDS:
            cli.add_command(command)
