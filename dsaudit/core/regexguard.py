"""Rule-pack regexes, matched in linear time by RE2.

Rule packs are untrusted data, and Python's ``re`` backtracks: ``((a*){9}){9}$`` hangs on a
30-byte value and ``\\s+$`` takes seconds on 100 KB. No check of a pattern's shape can find
every such case, so pack patterns are compiled with RE2 (google-re2), whose matching time grows
linearly with the value, whatever the pattern. RE2 leaves out the features that need
backtracking (lookahead and lookbehind, backreferences, possessive quantifiers, atomic groups);
a pattern that uses one is refused when its pack loads, naming the feature and what to write
instead. Patterns are also bounded in length (``limits.max_regex_length``) and RE2's memory for
one pattern is capped.

Differences from Python's ``re`` a pack author may notice (docs/rules.md): ``\\d``, ``\\w``,
``\\s`` and ``\\b`` are ASCII only (use ``\\p{Nd}``, ``\\p{L}``, ``\\p{Han}`` for other
scripts); ``$`` without ``(?m)`` matches only at the very end (Python's also before a final
newline); ``\\Z`` is written ``\\z``.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Protocol

MAX_PROGRAM_BYTES = 8 << 20
"""RE2's memory budget for one compiled pattern (its default); a larger one is refused."""

_HINTS = (
    (("(?=", "(?!", "(?<=", "(?<!"),
     "RE2 has no lookahead or lookbehind: say 'not' with the not_regex operator on the same "
     "path, or a separate condition"),
    (("\\1", "\\2", "\\3", "(?P="), "RE2 has no backreferences"),
    (("++", "*+", "?+", "}+", "(?>"),
     "RE2 never backtracks, so possessive quantifiers and atomic groups are not needed: write "
     "the plain quantifier or group"),
    (("\\Z",), "RE2 writes the end of the text as \\z"),
)  # fmt: skip


class UnsafeRegexError(ValueError):
    """A pattern that is not a string, too long, or not valid RE2 syntax."""


class Regex(Protocol):
    """What rule evaluation needs of a compiled pattern."""

    def search(self, text: str) -> Any: ...


@cache
def _options() -> Any:
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print the (untrusted) pattern to stderr raw
    options.never_capture = True  # only whether it matches is used
    options.max_mem = MAX_PROGRAM_BYTES
    return options


def _hint(pattern: str) -> str:
    for markers, hint in _HINTS:
        if any(marker in pattern for marker in markers):
            return f"; {hint}"
    return ""


def compile_safe_regex(pattern: Any, *, max_length: int = 1000) -> Regex:
    """Compile ``pattern`` with RE2 or raise :class:`UnsafeRegexError` saying why it is refused."""
    import re2

    if not isinstance(pattern, str):
        raise UnsafeRegexError(f"a regex must be a string, got {type(pattern).__name__}")
    if len(pattern) > max_length:
        raise UnsafeRegexError(
            f"regex is {len(pattern)} characters; the limit is {max_length} "
            "(limits.max_regex_length)"
        )
    try:
        compiled: Regex = re2.compile(pattern, _options())
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "backslashreplace")
        raise UnsafeRegexError(
            f"invalid regex {pattern!r}: {reason} (pack regexes are RE2 syntax){_hint(pattern)}"
        ) from None
    return compiled


def compile_internal(pattern: str) -> Regex:
    """Compile a pattern dsaudit built itself from input (a discovery glob) with RE2.

    The pattern's shape comes from the input, so it gets the same linear-time guarantee as a
    pack regex (``*a*a*a*a*b`` against a long file name would backtrack for minutes in ``re``).
    """
    import re2

    compiled: Regex = re2.compile(pattern, _options())
    return compiled


def without_surrogates(text: str) -> str:
    """``text`` with lone surrogates (from JSON ``\\ud800`` or undecodable file names) as U+FFFD.

    RE2 matches UTF-8, which has no encoding for a lone surrogate; such a value used to make every
    regex rule an error. The replacement character still matches ``.`` and ``[^/]``.
    """
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def search(pattern: Regex, text: str) -> Any:
    """``pattern.search(text)``, also for text that holds lone surrogates."""
    try:
        return pattern.search(text)
    except UnicodeEncodeError:
        return pattern.search(without_surrogates(text))


REGEX_OPERATOR_NAMES = frozenset({"regex", "not_regex"})
"""The rule-language operators compiled by RE2 here; no plugin may replace them (a replacement
could match in exponential time). :mod:`dsaudit.language.operators` builds exactly these."""
