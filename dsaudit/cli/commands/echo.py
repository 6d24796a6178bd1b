"""One way for commands to print text that holds input: escaped for terminals first."""

from __future__ import annotations

from typing import Any

import click

from dsaudit.core.names import terminal_text


def echo(text: str, **kwargs: Any) -> None:
    """``click.echo`` of text that may hold pack, plugin, inventory or path text.

    Escape sequences, other control characters and bidi overrides are shown escaped
    (:func:`dsaudit.core.names.terminal_text`), so input can never drive the terminal.
    """
    click.echo(terminal_text(text), **kwargs)


PLAIN_TEXT_FORMATS = frozenset({"markdown", "diff-console", "diff-markdown"})
"""Report formats written as plain text with nothing of their own to escape control characters.

JSON, SARIF, JUnit and HTML escape them by their own rules, CSV needs its CR LF line ends, and
the console reporter escapes input itself (and colours with escape sequences of its own).
"""


def echo_report(fmt: str, text: str | bytes, color: bool = False) -> None:
    """Write a rendered report to standard output; plain-text formats are made terminal-safe."""
    shown = text if isinstance(text, str) else text.decode("utf-8")
    if fmt in PLAIN_TEXT_FORMATS:
        shown = terminal_text(shown)
    click.echo(shown, nl=False, color=True if color else None)  # click strips styles off a tty


def note_packs_not_run(not_run: Any, named: Any = ()) -> None:
    """One line on stderr when a plugin provides a pack the default set does not run.

    ``not_run`` is ``metadata["plugin_packs_not_run"]``, ``named`` the packs the command line or
    config named (when it names any, the choice was deliberate and nothing is said). Plugin
    packs run only when named (docs/config.md ``packs``), so installing a plugin never changes
    what a default audit checks; this line says how to add them.
    """
    names = [str(p.get("name")) for p in not_run or []]
    if not names or named:
        return
    them = ", ".join(names)
    which = f"plugin pack {them} is" if len(names) == 1 else f"plugin packs {them} are"
    adds = " ".join(f"--pack {n}" for n in names)
    echo(
        f"dsaudit: {which} installed but not run by default; add with --pack default {adds} "
        f"or packs: [default, {them}] in dsaudit.yaml",
        err=True,
    )
