"""Find the lines of Terraform blocks and attributes by scanning the HCL source.

python-hcl2 returns plain data without reliable line numbers, so line numbers come from a small
scanner instead: it tracks brace depth outside strings, ``${...}`` interpolations, comments and
heredocs, and records for every line the depth at which it starts. A block is found by its
header (``resource "TYPE" "NAME" {``) at depth 0; an attribute or nested block inside it by its
key at the right depth within the block's line range.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_HEADER = re.compile(r'^\s*([A-Za-z_][\w-]*)((?:\s+(?:"[^"]*"|[A-Za-z_][\w-]*))*)\s*\{')
_LABEL = re.compile(r'"([^"]*)"|([A-Za-z_][\w-]*)')
_HEREDOC = re.compile(r"<<-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")


@dataclass(frozen=True, slots=True)
class Block:
    """A top-level block: ``kind`` (resource, provider, ...), its labels and line range."""

    kind: str
    labels: tuple[str, ...]
    start: int
    end: int


class HclLines:
    """Depth of each line of an HCL file, and lookups of blocks and keys (lines are 1-based)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.depth = _line_depths(self.lines)
        self.blocks = self._top_blocks()

    def _top_blocks(self) -> list[Block]:
        out = []
        for number, line in enumerate(self.lines, start=1):
            if self.depth[number - 1] != 0:
                continue
            match = _HEADER.match(line)
            if not match:
                continue
            labels = tuple(a or b for a, b in _LABEL.findall(match.group(2)))
            out.append(Block(match.group(1), labels, number, self._block_end(number, 0)))
        return out

    def _block_end(self, start: int, depth: int) -> int:
        """The last line of the block opened on line ``start`` at ``depth``: the line before
        the first later line that starts at ``depth`` or shallower again."""
        for number in range(start + 1, len(self.lines) + 1):
            if self.depth[number - 1] <= depth:
                return number - 1
        return len(self.lines)

    def find_block(self, kind: str, *labels: str) -> Block | None:
        """The first top-level block with this kind and labels."""
        for block in self.blocks:
            if block.kind == kind and block.labels[: len(labels)] == labels:
                return block
        return None

    def line_in_block(self, block: Block, path: Sequence[str | int]) -> int:
        """Line of ``path`` (keys and indexes of repeated nested blocks) inside ``block``.

        Walks as deep as the source allows and returns the deepest line found (the block
        header when not even the first key is found).
        """
        start, end, depth, best = block.start, block.end, 1, block.start
        steps = list(path)
        while steps:
            key = steps.pop(0)
            if isinstance(key, int):
                continue  # an index into a list value: stay on the attribute's line
            occurrence = 0
            if steps and isinstance(steps[0], int):
                occurrence = steps[0]
            found = self._key_lines(str(key), start, end, depth)
            if not found:
                return best
            line = found[min(occurrence, len(found) - 1)]
            best = line
            if steps and isinstance(steps[0], int):
                steps.pop(0)
            if not self.lines[line - 1].rstrip().endswith("{"):
                return best
            start, end, depth = line, self._block_end(line, depth), depth + 1
        return best

    def _key_lines(self, key: str, start: int, end: int, depth: int) -> list[int]:
        pattern = re.compile(rf'^\s*"?{re.escape(key)}"?\s*(=|\{{|"|:)')
        return [
            n
            for n in range(start + 1, end + 1)
            if self.depth[n - 1] == depth and pattern.match(self.lines[n - 1])
        ]


def _line_depths(lines: list[str]) -> list[int]:
    """The brace depth at the start of every line."""
    depths: list[int] = []
    depth = 0
    stack: list[str] = []  # "s" string, "i" interpolation (with its own brace count below)
    interp_braces: list[int] = []
    heredoc: str | None = None
    block_comment = False
    for line in lines:
        depths.append(depth)
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            continue
        i = 0
        while i < len(line):
            ch, pair = line[i], line[i : i + 2]
            if block_comment:
                if pair == "*/":
                    block_comment, i = False, i + 2
                    continue
                i += 1
                continue
            state = stack[-1] if stack else "c"
            if state == "s":
                if ch == "\\":
                    i += 2
                    continue
                if pair == "${":
                    stack.append("i")
                    interp_braces.append(0)
                    i += 2
                    continue
                if ch == '"':
                    stack.pop()
            elif state == "i" and ch in '{}"':
                if ch == '"':
                    stack.append("s")
                elif ch == "{":
                    interp_braces[-1] += 1
                elif interp_braces[-1] == 0:
                    stack.pop()
                    interp_braces.pop()
                else:
                    interp_braces[-1] -= 1
            elif state == "c":
                if ch == "#" or pair == "//":
                    break
                if pair == "/*":
                    block_comment, i = True, i + 2
                    continue
                if ch == '"':
                    stack.append("s")
                elif ch == "{":
                    depth += 1
                elif ch == "}":
                    depth = max(depth - 1, 0)
                elif pair == "<<":
                    match = _HEREDOC.match(line[i:])
                    if match:
                        heredoc = match.group(1)
                        break
            i += 1
        if stack and stack[-1] == "s" and not any(s == "i" for s in stack):
            stack.clear()  # an unterminated string does not swallow the rest of the file
    return depths
