"""nginx text to its directive tree: tokens, nested blocks and merged ``include`` files.

:func:`tokenize` splits the text into words, quoted strings and ``;{}`` with their lines;
``Builder`` turns them into ``{"directives": ..., "blocks": [...]}``, merging included files
where they stand (except unit files, audited on their own) and recording every line.
:mod:`dsaudit.sources.parsers.nginx` builds the server view on top.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from dsaudit.core.errors import LimitError, ParseError
from dsaudit.sources.parsers.lines import Includes, LineMap

UNIT_DIRS = frozenset({"conf.d", "sites-enabled", "sites-available"})

BLOCK_DIRECTIVES = frozenset(
    {"http", "server", "location", "events", "upstream", "stream", "mail", "map", "geo", "if",
     "types", "split_clients", "limit_except", "match", "js_import", "charset_map"}
)  # fmt: skip
"""Directives known to open a block; another name spanning lines before ``{`` lacks a ``;``."""

Token = tuple[str, int]

_TOKEN = re.compile(
    r"""
    (?P<nl>\n)
  | (?P<ws>[^\S\n]+)
  | (?P<comment>\#[^\n]*)
  | (?P<punct>[;{}])
  | (?P<quoted>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<word>(?:\$\{[^}]*\}?|\$|[^\s;{}"'$])+)
  | (?P<open>["'])
    """,
    re.VERBOSE | re.DOTALL,
)

_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def tokenize(text: str, path: str) -> list[Token]:
    """nginx tokens with their lines: words, quoted strings, ``;``, ``{``, ``}``.

    A quoted string is marked with a leading NUL so that ``";"`` stays a word.
    """
    tokens: list[Token] = []
    line = 1
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "nl":
            line += 1
        elif kind == "word" or kind == "punct":
            tokens.append((m.group(), line))
        elif kind == "quoted":
            body = m.group()[1:-1]
            tokens.append(("\x00" + _ESCAPE.sub(r"\1", body), line))
            line += body.count("\n")
        elif kind == "open":
            raise ParseError(f"unterminated {m.group()} quote", file=path, line=line)
    return tokens


def _word(token: str) -> str:
    return token[1:] if token.startswith("\x00") else token


def is_unit_file(path: PurePosixPath) -> bool:
    """A file nginx configurations include as a self-contained unit (audited on its own)."""
    return path.parent.name in UNIT_DIRS


def new_block(name: str, args: list[str]) -> dict[str, Any]:
    return {"name": name, "args": args, "directives": {}, "blocks": []}


class Builder:
    def __init__(
        self, display_path: str, includes: Includes | None, prefix: PurePosixPath,
        max_depth: int = 500,
    ) -> None:  # fmt: skip
        self.display_path = display_path
        self.max_depth = max_depth
        self.includes = includes
        self.prefix = prefix
        self.lines = LineMap()
        self.origins: dict[str, str] = {}
        self.units: list[tuple[int, str, list[dict[str, Any]]]] = []
        """(line, pattern, enclosing blocks) of each include of unit files."""

    def build(
        self, tokens: list[Token], path: str, root: dict[str, Any], where: tuple[Any, ...],
        stack: list[dict[str, Any]], top: int | None,
    ) -> None:  # fmt: skip
        blocks: list[tuple[dict[str, Any], tuple[Any, ...]]] = [(root, where)]
        words: list[Token] = []
        for token, line in tokens:
            if token == ";":
                if not words:
                    raise ParseError("unexpected ';'", file=path, line=line)
                self._directive(words, blocks, path, stack, top)
                words = []
            elif token == "{":
                if not words:
                    raise ParseError("'{' without a block name", file=path, line=line)
                name = _word(words[0][0])
                if name not in BLOCK_DIRECTIVES and words[-1][1] != words[0][1]:
                    raise ParseError(f"directive {name!r} is missing ';'", file=path,
                                     line=words[0][1])  # fmt: skip
                if len(blocks) + len(stack) > self.max_depth:
                    raise LimitError(
                        f"blocks nest deeper than max_depth ({self.max_depth})",
                        limit="max_depth",
                        file=path,
                        line=line,
                    )
                block, bpath = blocks[-1]
                child = new_block(_word(words[0][0]), [_word(w) for w, _ in words[1:]])
                cpath = (*bpath, "blocks", len(block["blocks"]))
                block["blocks"].append(child)
                self.lines.set(cpath, top if top is not None else words[0][1])
                if top is not None:
                    self.origins[dotted(cpath)] = f"{path}:{words[0][1]}"
                blocks.append((child, cpath))
                words = []
            elif token == "}":
                if words:
                    raise ParseError(f"directive {_word(words[0][0])!r} is missing ';'",
                                     file=path, line=words[0][1])  # fmt: skip
                if len(blocks) == 1:
                    raise ParseError("unexpected '}'", file=path, line=line)
                blocks.pop()
            else:
                words.append((token, line))
        if words:
            raise ParseError(f"directive {_word(words[0][0])!r} is missing ';'", file=path,
                             line=words[0][1])  # fmt: skip
        if len(blocks) > 1:
            open_line = self.lines.line_of(blocks[-1][1]) or 1
            raise ParseError(f"block {blocks[-1][0]['name']!r} is not closed by '}}'",
                             file=path, line=open_line)  # fmt: skip

    def _directive(
        self, words: list[Token], blocks: list[tuple[dict[str, Any], tuple[Any, ...]]],
        path: str, stack: list[dict[str, Any]], top: int | None,
    ) -> None:  # fmt: skip
        name, line = _word(words[0][0]), words[0][1]
        args = [_word(w) for w, _ in words[1:]]
        block, bpath = blocks[-1]
        where = top if top is not None else line
        if name == "include" and len(args) == 1:
            self._include(args[0], where, path, blocks, stack)
            return
        values = block["directives"].setdefault(name, [])
        dpath = (*bpath, "directives", name, len(values))
        values.append(args)
        self.lines.set(dpath, where)
        if len(values) == 1:
            self.lines.set(dpath[:-1], where)
        if top is not None:
            self.origins[dotted(dpath)] = f"{path}:{line}"

    def _include(
        self, pattern: str, where: int, path: str,
        blocks: list[tuple[dict[str, Any], tuple[Any, ...]]], stack: list[dict[str, Any]],
    ) -> None:  # fmt: skip
        if self.includes is None:
            return
        target = PurePosixPath(pattern)
        chain = [*stack, *(b for b, _ in blocks)]
        if target.parent.name in UNIT_DIRS:
            self.units.append((where, pattern, chain))
            self.includes.resolve(pattern, where, including=path, base=self.prefix)
            return
        block, bpath = blocks[-1]
        for inc in self.includes.resolve(pattern, where, including=path, base=self.prefix):
            self.includes.enter(inc.path)
            try:
                sub = tokenize(inc.text, inc.path)
                self.build(sub, inc.path, block, bpath, chain[:-1], where)
            finally:
                self.includes.leave()


def dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)
