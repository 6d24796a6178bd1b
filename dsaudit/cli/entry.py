"""The console-script entry point, kept tiny so ``dsaudit --version`` starts fast.

``--version`` is answered before the CLI, click, plugins or packs are imported.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run the ``dsaudit`` command line."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        from dsaudit.__about__ import __version__

        print(f"dsaudit {__version__}")
        raise SystemExit(0)
    from dsaudit.cli.app import closed_pipe
    from dsaudit.cli.app import main as cli_main

    try:
        cli_main()
    finally:
        try:
            sys.stdout.flush()  # a closed pipe shows here when the output was buffered
        except BrokenPipeError:
            closed_pipe()
