"""Names that came from the audited tree, made safe to show: file and folder names are bytes.

A POSIX file name may hold any byte but ``/`` and NUL: bytes that are not UTF-8 (Python keeps
them as lone surrogates, ``surrogateescape``), newlines, terminal escape sequences. The name a
report shows, and that a result's id and fingerprint are built from, is :func:`shown_name`: the
same text where the name is printable UTF-8, with every other character escaped so it can
neither break an encoder nor act on a terminal or a CI log.
"""

from __future__ import annotations

import re

_UNPRINTABLE = (
    r"\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069"  # DEL, C1, separators, bidi
    r"\ud800-\udfff"  # lone surrogates: bytes that were not UTF-8
)
_NEEDS_ESCAPE = re.compile(rf"[\\\x00-\x1f{_UNPRINTABLE}]")
_TERMINAL_UNSAFE = re.compile(rf"[\x00-\x08\x0b-\x1f{_UNPRINTABLE}]")  # keeps \t and \n


def shown_name(name: str) -> str:
    """``name`` with backslashes doubled and unprintable characters escaped.

    Bytes that are not UTF-8 become ``\\xNN``; C0 and C1 controls (newline, ESC, ...), DEL, and
    the line and bidirectional-override separators become ``\\xNN`` or ``\\uNNNN``. The mapping
    is one-to-one, so two different names never show (or fingerprint) the same.
    """
    if _NEEDS_ESCAPE.search(name) is None:
        return name
    return _NEEDS_ESCAPE.sub(_escape, name)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char == "\\":
        return "\\\\"
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def terminal_text(text: str) -> str:
    """``text`` from the input, safe to print on a terminal or in a CI log.

    Newlines and tabs stay (messages and tracebacks have them); every other control character
    (ESC, so no CSI or OSC sequence; CR, BEL, C1 controls), DEL, the bidirectional overrides
    and bytes that were not UTF-8 are shown escaped as ``\\xNN`` or ``\\uNNNN``.
    """
    if _TERMINAL_UNSAFE.search(text) is None:
        return text
    return _TERMINAL_UNSAFE.sub(_escape, text)
