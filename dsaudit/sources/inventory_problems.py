"""How the inventory loader words and places its problems: the line of a path, the message for a
dangling reference, the record a schema problem lies in, and one error carrying them all."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Sequence

from dsaudit.core.errors import InventoryError
from dsaudit.core.models import LineLocator, PathKey
from dsaudit.core.quoting import quote_value


def record_of(path: Sequence[PathKey], sections: Collection[str]) -> tuple[str, int] | None:
    """``(section, index)`` when a schema problem lies inside one record of a section."""
    if len(path) >= 2 and path[0] in sections and isinstance(path[1], int):
        return str(path[0]), path[1]
    return None


def dangling(section: str, rid: str, key: str, item: str, known: set[str], where: str) -> str:
    message = (
        f"{section} {quote_value(rid)}: {key} refers to {quote_value(item)}, "
        f"which is not an id in {where}"
    )
    hint = difflib.get_close_matches(item, sorted(known), n=1)
    return message + (f" (did you mean {hint[0]!r}?)" if hint else "")


def line_at(locator: LineLocator | None, path: Sequence[PathKey]) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    if locator is None:
        return None
    full = tuple(path)
    while True:
        try:
            line = locator.line_of(full)
        except (KeyError, IndexError, TypeError):
            line = None
        if line is not None or not full:
            return line
        full = full[:-1]


def combined(problems: list[InventoryError], truncated: int) -> InventoryError:
    """One error carrying every problem in ``errors``."""
    if len(problems) == 1 and not truncated:
        only = problems[0]
        error = InventoryError(only.message, file=only.file, line=only.line)
    else:
        lines = [f"  {problem}" for problem in problems]
        if truncated:
            lines.append(f"  ... and {truncated} more")
        count = len(problems) + truncated
        error = InventoryError(f"the inventory has {count} problems:\n" + "\n".join(lines))
    error.errors = list(problems)  # type: ignore[attr-defined]
    return error
