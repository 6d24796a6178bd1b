"""Checks run on the raw bytes of a config file before any parser sees them.

Everything here is linear in the size of the file and runs at C speed (``bytes`` methods and
``re``): size, encoding, binary content, and an upper bound on nesting depth. The depth bound
matters because PyYAML's C loader composes nodes recursively and crashes the interpreter
(SIGSEGV, not an exception) some 30,000 levels deep; no ``try`` can catch that.

The depth bound is conservative: it may over-estimate, never under-estimate, the nesting a
parser would see. Callers treat "bound over the limit" as "measure exactly" (see
:mod:`dsaudit.documents.yamlsafe`), not as a failure.
"""

from __future__ import annotations

import codecs
import operator
import os
import re
from itertools import accumulate
from pathlib import Path

from dsaudit.core.errors import LimitError, ParseError
from dsaudit.core.limits import Limits

_BOMS_UTF32 = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"))
_BOMS_UTF16 = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))

_ALL_BYTES = bytes(range(256))
_MAX_PASSES = 16
"""Pair-removal passes before giving up on the cheap bound (real files nest far less)."""
_OPENERS_CLOSERS = b"[]{}"
# YAML: keep brackets and the characters that can hide a bracket from the parser (quotes,
# comment sign, tag sign). A bracket pair with none of them in between is provably a real,
# matched pair or a pair of fake brackets; see yaml_depth_bound().
_YAML_KEEP = b"[]{}\"'#!"
_YAML_DELETE = bytes(b for b in _ALL_BYTES if b not in _YAML_KEEP)
_INDENT_RUNS = bytes(0x20 if b in b" \t?:-" else 0x78 for b in _ALL_BYTES)
"""Maps indentation and block indicator bytes to a space and every other byte to ``x``."""
_JSON_DELETE = bytes(b for b in _ALL_BYTES if b not in _OPENERS_CLOSERS)
_JSON_STRING_KEEP = b'[]{}"'
_JSON_STRING_DELETE = bytes(b for b in _ALL_BYTES if b not in _JSON_STRING_KEEP)
_JSON_STRING = re.compile(rb'"[^"]*"')
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)
_BRACKET_SIGN = bytes.maketrans(b"[]{}", b"\x01\xff\x01\xff")


def check_size(path: Path, limits: Limits, display_path: str | None = None) -> None:
    """Refuse ``path`` if it is larger than ``limits.max_file_bytes``, without reading it."""
    size = os.stat(path).st_size
    _check_length(display_path or str(path), size, limits)


def check_length(display_path: str, content: bytes, limits: Limits) -> None:
    """Refuse content larger than ``limits.max_file_bytes``."""
    _check_length(display_path, len(content), limits)


def _check_length(display_path: str, size: int, limits: Limits) -> None:
    if size > limits.max_file_bytes:
        raise LimitError(
            f"file is {size:,} bytes, over the limit of {limits.max_file_bytes:,} "
            "(raise limits.max_file_bytes to parse it)",
            limit="max_file_bytes",
            file=display_path,
        )


def to_utf8(display_path: str, content: bytes) -> bytes:
    """Return ``content`` as UTF-8 bytes without a byte-order mark, or raise ParseError.

    UTF-8 (with or without BOM), UTF-16 and UTF-32 with a BOM are accepted. NUL bytes in
    anything else mean a binary file.
    """
    for bom, codec in (*_BOMS_UTF32, *_BOMS_UTF16):
        if content.startswith(bom):
            try:
                text = content[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise ParseError(
                    f"not valid {codec.upper()} (at byte offset {exc.start + len(bom)})",
                    file=display_path,
                ) from None
            if "\x00" in text:
                raise ParseError("binary file (NUL characters)", file=display_path)
            return text.encode("utf-8")
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8) :]
    nul = content.find(b"\x00")
    if nul >= 0:
        hint = ""
        if _looks_like_bomless_utf16(content):
            hint = "; it looks like UTF-16 without a byte-order mark: save it as UTF-8"
        raise ParseError(
            f"binary file (NUL byte at offset {nul}){hint}",
            file=display_path,
            line=content.count(b"\n", 0, nul) + 1,
        )
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        raise ParseError(
            f"not valid UTF-8 (byte 0x{content[exc.start]:02x} at offset {exc.start}, "
            f"line {line}); save the file as UTF-8",
            file=display_path,
            line=line,
        ) from None
    return content


def _looks_like_bomless_utf16(content: bytes) -> bool:
    head = content[:200]
    if len(head) < 4:
        return False
    return head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4


def line_at(content: bytes, offset: int) -> int:
    """1-based line of byte ``offset``."""
    return content.count(b"\n", 0, offset) + 1


def _pairs_bound(brackets: bytes, max_passes: int) -> int:
    """Upper bound on nesting from a string of brackets (and blocker characters).

    Repeatedly removes adjacent ``[]`` and ``{}``; nesting formed by removed pairs is at most
    two per pass, every bracket left over may be an unclosed opener.
    """
    passes = 0
    current = brackets
    while passes < max_passes:
        reduced = current.replace(b"[]", b"").replace(b"{}", b"")
        if len(reduced) == len(current):
            break
        current = reduced
        passes += 1
    return 2 * passes + current.count(b"[") + current.count(b"{")


def json_depth_bound(content: bytes, max_depth: int) -> int:
    """Upper bound of the bracket nesting of JSON text (brackets inside strings ignored).

    Exact enough for JSON: every bracket outside a string is structural. Stops counting once
    the bound is known to exceed ``max_depth``.
    """
    if b"\\" in content:
        # Escapes pair up left to right inside strings: drop them so that the only quotes
        # left are string delimiters.
        content = content.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = content.translate(None, _JSON_STRING_DELETE)
    if b'"' in brackets:
        # Removing two adjacent quotes changes no bracket's inside/outside-a-string parity,
        # and most strings hold no bracket: drop those at C speed, then strip the rest.
        brackets = brackets.replace(b'""', b"")
        if b'"' in brackets:
            brackets = _JSON_STRING.sub(b"", brackets)
    brackets = brackets.translate(None, _JSON_DELETE)
    openers = brackets.count(b"[") + brackets.count(b"{")
    if openers <= max_depth:
        return openers
    bound = _pairs_bound(brackets, _MAX_PASSES)
    if bound <= max_depth:
        return bound
    return _exact_bracket_depth(brackets)


def _exact_bracket_depth(brackets: bytes) -> int:
    """Maximum nesting of a string of brackets, at C speed (closers never go below zero)."""
    signed = memoryview(brackets.translate(_BRACKET_SIGN)).cast("b")
    sums = list(accumulate(signed))
    lowest = accumulate(sums, min, initial=0)
    next(lowest)
    return max(map(operator.sub, sums, lowest), default=0)


def check_json_depth(display_path: str, content: bytes, max_depth: int) -> None:
    """Raise LimitError(limit="max_depth") with the line where JSON nesting exceeds the limit."""
    if json_depth_bound(content, max_depth) <= max_depth:
        return
    depth = 0
    for match in _JSON_TOKEN.finditer(content):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > max_depth:
                raise LimitError(
                    f"nesting deeper than {max_depth} levels (limits.max_depth); "
                    "refused before parsing",
                    limit="max_depth",
                    file=display_path,
                    line=line_at(content, match.start()),
                )
        elif token in (b"]", b"}"):
            depth = max(depth - 1, 0)


def yaml_depth_bound(content: bytes, max_depth: int) -> int:
    """Upper bound of the nesting depth a YAML parser would see in ``content``.

    Two parts, added:

    * Flow nesting. The text is reduced to brackets, quotes, ``#`` and ``!``; adjacent
      ``[]``/``{}`` pairs are removed repeatedly. A removed pair had none of the characters
      that could hide a bracket (quoted scalar, comment, tag) between its ends, so either its
      opener is structural and its closer is the real closer, or both are fake. Removed pairs
      nest at most two per pass; every bracket left over counts as a possible opener.
    * Block nesting. Each block level needs one more column of indentation or a ``- ``,
      ``? ``, ``: `` indicator on the same line, and a block sequence may share its parent's
      indentation, so the depth is at most 2 * (longest run of spaces, tabs, and ``-?:`` + 1).
      The run is searched anywhere, not only at line starts, so ``\\r`` and Unicode line
      breaks cannot hide it.

    Returns ``max_depth + 1`` as soon as the bound is known to exceed ``max_depth``.
    """
    reduced = content.translate(None, _YAML_DELETE)
    openers = reduced.count(b"[") + reduced.count(b"{")
    flow = openers if openers <= max_depth else _pairs_bound(reduced, _MAX_PASSES)
    if flow > max_depth:
        return max_depth + 1
    budget = max_depth - flow
    # block depth <= 2 * (run + 1) <= budget  <=>  run <= budget // 2 - 1
    longest_allowed = budget // 2 - 1
    if longest_allowed < 0:
        return max_depth + 1
    runs = content.translate(_INDENT_RUNS)
    if runs.find(b" " * (longest_allowed + 1)) >= 0:
        return max_depth + 1
    return flow + 2 * (longest_allowed + 1)


def prepare(display_path: str, content: bytes, limits: Limits) -> bytes:
    """Size and encoding guards shared by every format; returns UTF-8 without BOM."""
    check_length(display_path, content, limits)
    return to_utf8(display_path, content)
