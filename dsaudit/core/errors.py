"""The exception tree. The library raises these; only ``cli.py`` prints them.

::

    DsauditError                 anything dsaudit reports to the user as a clean message
     +-- UsageError              bad arguments or options (exit 2)
     +-- ConfigError             an invalid dsaudit.yaml, waivers or baseline file (exit 2)
     +-- PackError               a rule pack that cannot be used (exit 2)
     |    +-- PackSchemaError    a pack or rule breaks the pack JSON Schema
     |    +-- RuleCompileError   a condition uses an unknown operator, category or check
     +-- SourceError             an input that cannot be read
     |    +-- ParseError         a file that cannot be parsed (becomes an error result)
     |    +-- LimitError         a file that exceeds a resource limit (becomes an error result)
     |    +-- InventoryError     an inventory that breaks its schema (exit 2)
     +-- OutputError             a report that cannot be written to its --output path
"""

from __future__ import annotations


class DsauditError(Exception):
    """Base class: an error with a message meant for the user."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        from dsaudit.core.quoting import (
            bound_message,  # here: dsaudit.core.limits imports this module
        )

        self.message = bound_message(message)
        """The message, its middle cut when longer than ``limits.MAX_MESSAGE_CHARS``."""
        self.file = file
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        if self.message.startswith(where):  # the message already names the place
            return self.message
        return f"{where}{self.message}"


class UsageError(DsauditError):
    """Bad command-line arguments or options."""


class ConfigError(DsauditError):
    """An invalid project config, waivers or baseline file."""


class PackError(DsauditError):
    """A rule pack that cannot be loaded."""


class PackSchemaError(PackError):
    """A rule pack or rule that breaks the pack JSON Schema."""


class RuleCompileError(PackError):
    """A rule condition that cannot be compiled (unknown operator, category or check)."""


class SourceError(DsauditError):
    """An input that cannot be read."""


class ParseError(SourceError):
    """A file that cannot be parsed."""


class LimitError(SourceError):
    """An input that exceeds a configured resource limit."""

    def __init__(
        self, message: str, *, limit: str, file: str | None = None, line: int | None = None
    ) -> None:
        self.limit = limit
        super().__init__(message, file=file, line=line)


class InventoryError(SourceError):
    """An inventory document that breaks the inventory schema."""


class OutputError(DsauditError):
    """A report or baseline that cannot be written where it was asked to go."""


PLUGIN_FAILURES: tuple[type[BaseException], ...] = (Exception, SystemExit)
"""What plugin code (a hook, a source, a parser, a named check, a reporter, a plugin's import)
may raise that dsaudit turns into an error result naming the plugin. ``SystemExit`` is among
them, so a plugin that calls ``sys.exit(0)`` cannot end a failing audit with exit 0;
``KeyboardInterrupt`` is not, so Ctrl-C still interrupts."""
