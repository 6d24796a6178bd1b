"""The ``dsaudit`` command line: parse options, call the library, map outcomes to exit codes.

Only this module prints. Heavy modules are imported inside commands so ``dsaudit --version``
stays fast. Sub-commands live in :mod:`dsaudit.cli.commands`.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any, NoReturn

import click

from dsaudit.__about__ import __version__
from dsaudit.cli.helptext import MAIN_EPILOG
from dsaudit.cli.outcome import ExitCode
from dsaudit.redaction.redact import redact_line


class DsauditGroup(click.Group):
    """A click group that adds plugin commands and maps errors to the documented exit codes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plugins_loaded = False
        self._builtin_names: frozenset[str] = frozenset()
        self._refused: list[str] = []

    def register_builtin_commands(self) -> None:
        """Add dsaudit's own commands through the hook (dsaudit.cli.commands.plugin)."""
        from dsaudit.cli.commands import plugin as builtin_commands
        from dsaudit.plugin.host import PluginHost

        host = PluginHost()
        host.register(builtin_commands, "dsaudit.cli.commands.plugin", "built-in")
        host.call_each("dsaudit_register_commands", cli=self)
        self._builtin_names = frozenset(self.commands)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        name = name or cmd.name
        if self._plugins_loaded and name in self._builtin_names:
            if self.commands.get(str(name)) is not cmd:  # the built-in itself, added again: fine
                self._refused.append(str(name))
            return
        super().add_command(cmd, name)

    def _load_plugin_commands(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        if os.environ.get("DSAUDIT_DISABLE_PLUGIN_AUTOLOAD"):
            return
        from dsaudit.plugin.host import get_plugin_host

        host = get_plugin_host()
        host.call_each("dsaudit_register_commands", cli=self)
        for problem in host.problems:
            if problem.hook == "dsaudit_register_commands":
                click.echo(redact_line(f"dsaudit: warning: {problem.message}"), err=True)
        for name in sorted(set(self._refused)):
            message = (f"dsaudit: warning: a plugin registers the command {name!r}, which is "
                       "dsaudit's own; the plugin's is ignored")  # fmt: skip
            click.echo(redact_line(message), err=True)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None:
            self._load_plugin_commands()
            command = super().get_command(ctx, cmd_name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        from dsaudit.core.errors import DsauditError

        try:
            return super().invoke(ctx)
        except DsauditError as exc:
            click.echo(redact_line(f"dsaudit: error: {exc}"), err=True)
            ctx.exit(ExitCode.INCOMPLETE)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            closed_pipe()
        except KeyboardInterrupt:
            click.echo("dsaudit: interrupted; no partial report was written", err=True)
            ctx.exit(ExitCode.INTERRUPTED)
        except Exception as exc:
            verbose = (ctx.obj or {}).get("verbose", 0)
            click.echo(
                redact_line(f"dsaudit: internal error: {type(exc).__name__}: {exc}\n")
                + "This is a bug in dsaudit; run with -v for the traceback and report it.",
                err=True,
            )
            if verbose:
                click.echo(redact_line(traceback.format_exc()), err=True)
            ctx.exit(ExitCode.INTERNAL)


def closed_pipe() -> NoReturn:
    """The reader of our output went away (``dsaudit rules list | head``): that is normal, not
    a bug. Stop quietly with 141 (128 + SIGPIPE, as shells report it), and point standard output
    at the null device so the interpreter's final flush cannot raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    raise SystemExit(ExitCode.CLOSED_PIPE)


@click.group(
    cls=DsauditGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=MAIN_EPILOG,
)
@click.version_option(__version__, "--version", prog_name="dsaudit", message="%(prog)s %(version)s")
@click.option("-v", "--verbose", count=True, help="More detail (tracebacks with -v).")
@click.pass_context
def cli(ctx: click.Context, verbose: int) -> None:
    """Audit an organization's data inventory and configs against China's data-security laws."""
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point. SIGTERM is handled like Ctrl-C (exit 130, no partial report)."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    try:
        cli.main(args=argv, prog_name="dsaudit", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        # click uses 2 for usage errors, which matches our "could not be done as asked".
        raise SystemExit(code) from None


cli.register_builtin_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
