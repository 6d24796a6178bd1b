"""Refuse rule regexes that can backtrack catastrophically.

Python's ``re`` has no timeout, so a pattern such as ``(a+)+$`` can hang an audit on one
crafted value. Patterns from rule packs are checked when they compile: a length limit, and a
structural check that rejects a quantified group whose body is itself quantified or has
alternatives that can match the same text (the classic exponential shapes).
"""

from __future__ import annotations

import re
from typing import Any

_NESTED = re.compile(
    r"""
    \(                      # a group
      (?:\?:)?              # optionally non-capturing
      [^()]*                # body without nested groups
      (?:[+*]|\{\d*,\d*\})  # containing a quantifier
      [^()]*
    \)
    (?:[+*]|\{\d*,\d*\})    # quantified itself
    """,
    re.VERBOSE,
)
_ALTERNATION = re.compile(r"\((?:\?:)?([^()|]+)\|([^()]+)\)[+*]")


class UnsafeRegexError(ValueError):
    """A pattern that is too long, invalid, or prone to catastrophic backtracking."""


def compile_safe_regex(pattern: Any, *, max_length: int = 1000) -> re.Pattern[str]:
    """Compile ``pattern`` or raise :class:`UnsafeRegexError` saying why it is refused."""
    if not isinstance(pattern, str):
        raise UnsafeRegexError(f"a regex must be a string, got {type(pattern).__name__}")
    if len(pattern) > max_length:
        raise UnsafeRegexError(f"regex is {len(pattern)} characters; the limit is {max_length}")
    if _NESTED.search(pattern):
        raise UnsafeRegexError(
            f"regex {pattern!r} nests quantifiers (like '(a+)+'), which can backtrack "
            "catastrophically; rewrite it without a quantified group of quantified items"
        )
    alt = _ALTERNATION.search(pattern)
    if alt and (alt.group(1).startswith(alt.group(2)) or alt.group(2).startswith(alt.group(1))):
        raise UnsafeRegexError(
            f"regex {pattern!r} repeats overlapping alternatives (like '(a|aa)*'), which can "
            "backtrack catastrophically"
        )
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise UnsafeRegexError(f"invalid regex {pattern!r}: {exc}") from exc
