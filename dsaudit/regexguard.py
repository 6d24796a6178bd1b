"""Refuse rule regexes that can backtrack catastrophically.

Python's ``re`` has no timeout, so a pattern such as ``(a+)+$`` can hang an audit on one
crafted value. Patterns from rule packs are checked when they compile: a length limit, and a
structural check that rejects a quantified group whose body is itself quantified or has
alternatives that can match the same text (the classic exponential shapes).
"""

from __future__ import annotations

import re
from typing import Any

try:
    import re._parser as _sre  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre  # type: ignore[no-redef]

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
        raise UnsafeRegexError(
            f"regex is {len(pattern)} characters; the limit is {max_length} "
            "(limits.max_regex_length)"
        )
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
        compiled = re.compile(pattern)
    except re.error as exc:
        raise UnsafeRegexError(f"invalid regex {pattern!r}: {exc}") from exc
    problem = _ambiguity(_sre.parse(pattern))
    if problem:
        raise UnsafeRegexError(
            f"regex {pattern!r} {problem}, which can backtrack catastrophically; rewrite it "
            "without repeating a group that can match the same text in several ways"
        )
    return compiled


# --- structural check on the parsed pattern -------------------------------------------------
# The text checks above miss nesting through extra groups ("((a+))+"), bounded repeats
# ("(.*a){20}", "(a?){25}") and alternatives that only share a first character ("(a|b|ab)*").

_FAN_OUT = 10
"""A bounded repeat of a variable-length body is refused from this many repetitions on."""
_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT)
_SAMPLE = [chr(c) for c in (*range(0x300), 0x3000, 0x4E2D, 0xFF0C)]
_CATEGORY = {
    _sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D", _sre.CATEGORY_SPACE: r"\s",
    _sre.CATEGORY_NOT_SPACE: r"\S", _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W",
}  # fmt: skip


def _children(op: Any, av: Any) -> list[Any]:
    if op in _REPEATS:
        return [av[2]]
    if op == _sre.SUBPATTERN:
        return [av[3]]
    if op == _sre.BRANCH:
        return list(av[1])
    if op in (_sre.ASSERT, _sre.ASSERT_NOT):
        return [av[1]]
    return []  # possessive repeats and atomic groups never backtrack into themselves


def _has_variable_repeat(items: Any) -> bool:
    for op, av in items:
        if op in _REPEATS and av[0] != av[1]:
            return True
        if any(_has_variable_repeat(child) for child in _children(op, av)):
            return True
    return False


def _ambiguity(items: Any) -> str | None:
    for op, av in items:
        if op in _REPEATS and av[1] > 1:
            unbounded = av[1] == _sre.MAXREPEAT
            if _has_variable_repeat(av[2]) and (unbounded or av[1] >= _FAN_OUT):
                return "nests quantifiers (like '(a+)+' or '(.*a){20}')"
            if _overlapping_branch(av[2]):
                return "repeats alternatives that can start with the same character"
        for child in _children(op, av):
            problem = _ambiguity(child)
            if problem:
                return problem
    return None


def _overlapping_branch(items: Any) -> bool:
    for op, av in items:
        if op == _sre.SUBPATTERN:
            return _overlapping_branch(av[3])
        if op == _sre.BRANCH:
            firsts = [_first(alternative) for alternative in av[1]]
            for i, a in enumerate(firsts):
                for b in firsts[i + 1 :]:
                    if a is None or b is None or a & b:
                        return True
        return False
    return False


def _first(items: Any) -> frozenset[str] | None:
    """Characters (of a sample) that can start a match of ``items``; None: can't tell."""
    for op, av in items:
        if op == _sre.AT:
            continue
        if op == _sre.LITERAL:
            return frozenset(chr(av))
        if op == _sre.NOT_LITERAL:
            return frozenset(c for c in _SAMPLE if c != chr(av))
        if op == _sre.IN:
            return _class_members(av)
        if op == _sre.SUBPATTERN:
            return _first(av[3])
        if op in _REPEATS and av[0] >= 1:
            return _first(av[2])
        return None
    return None


def _class_members(items: Any) -> frozenset[str] | None:
    parts: list[str] = []
    negate = False
    for op, av in items:
        if op == _sre.NEGATE:
            negate = True
        elif op == _sre.LITERAL:
            parts.append(re.escape(chr(av)))
        elif op == _sre.RANGE:
            parts.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op == _sre.CATEGORY and av in _CATEGORY:
            parts.append(_CATEGORY[av])
        else:
            return None
    members = re.compile(f"[{'^' if negate else ''}{''.join(parts)}]")
    return frozenset(c for c in _SAMPLE if members.fullmatch(c))
