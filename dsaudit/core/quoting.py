"""Input values in messages: quoted, and never more than a bounded prefix of them.

A message that quotes a value from a file (an id, a key, a line) must stay readable and small
whatever the file holds: a 5 MB id gives a message of a few hundred characters, not 10 MB.
:func:`quote_value` is ``repr`` with a cap (:data:`dsaudit.core.limits.MAX_QUOTED_VALUE`);
:func:`clip_text` caps unquoted text; :func:`bound_message` is the last line of defence for a
whole message (:data:`dsaudit.core.limits.MAX_MESSAGE_CHARS`), used by every
:class:`dsaudit.core.errors.DsauditError`.
"""

from __future__ import annotations

import reprlib
from typing import Any

from dsaudit.core.limits import MAX_MESSAGE_CHARS, MAX_QUOTED_VALUE

ELLIPSIS = "\u2026"

_CONTAINERS = reprlib.Repr()
_CONTAINERS.maxlevel = 3
_CONTAINERS.maxdict = _CONTAINERS.maxlist = _CONTAINERS.maxtuple = 8
_CONTAINERS.maxset = _CONTAINERS.maxfrozenset = 8
_CONTAINERS.maxstring = _CONTAINERS.maxother = 40


def quote_value(value: Any, limit: int = MAX_QUOTED_VALUE) -> str:
    """``repr(value)``, or for a long one its first ``limit`` characters and its length.

    >>> quote_value("a" * 5)
    "'aaaaa'"
    >>> quote_value("a" * 5_000_000, 4)
    "'aaaa…' (5,000,000 chars)"
    """
    if isinstance(value, str | bytes):
        if len(value) <= limit:
            return repr(value)
        unit = "chars" if isinstance(value, str) else "bytes"
        head = repr(value[:limit])
        return f"{head[:-1]}{ELLIPSIS}{head[-1]} ({len(value):,} {unit})"
    if isinstance(value, dict | list | tuple | set | frozenset):
        return clip_text(_CONTAINERS.repr(value), limit)
    return clip_text(repr(value), limit)


def clip_text(text: str, limit: int = MAX_QUOTED_VALUE) -> str:
    """``text``, or its first ``limit`` characters, an ellipsis and its length.

    >>> clip_text("abcdef", 3)
    'abc… (6 chars)'
    """
    if len(text) <= limit:
        return text
    return f"{text[:limit]}{ELLIPSIS} ({len(text):,} chars)"


def bound_message(message: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``message``, or its start and end with the middle cut out, in at most about ``limit``
    characters (the end often says what was expected, so it is kept too)."""
    if len(message) <= limit:
        return message
    head = message[: limit * 3 // 4]
    tail = message[-(limit // 4) :]
    return f"{head}{ELLIPSIS} [{len(message) - len(head) - len(tail):,} chars cut] {ELLIPSIS}{tail}"


def with_value_quoted(message: str, value: Any, limit: int = MAX_QUOTED_VALUE) -> str:
    """``message`` (from a library, such as jsonschema's ``"'aaa…' is too long"``) with the
    ``repr`` of ``value`` in it replaced by :func:`quote_value`, when that makes it shorter."""
    if len(message) <= 2 * limit:
        return message
    shown = repr(value)
    if len(shown) > limit and shown in message:
        message = message.replace(shown, quote_value(value, limit))
    return message
