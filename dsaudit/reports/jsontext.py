"""JSON text that is both quick to write and easy to read and diff.

``json.dumps(indent=...)`` falls back to the pure-Python encoder, which takes seconds on a large
audit. :func:`dumps_layered` indents the outer levels and writes each item of the big lists
(results, rules, ...) on one line with the C encoder: fast, and one finding per line keeps
``grep`` and line-based diffs useful.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

_COMPACT = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def dumps_layered(
    value: Any, depth: int, *, one_line_items: Collection[str] = (), indent: int = 2
) -> str:
    """Serialize ``value`` with sorted keys and a trailing newline.

    :param depth: containers deeper than this are written on one line.
    :param one_line_items: keys whose list items are each written on one line, at any depth.
    """
    return _dump(value, depth, frozenset(one_line_items), indent, 0) + "\n"


def _dump(value: Any, depth: int, flat: frozenset[str], indent: int, level: int) -> str:
    if not isinstance(value, dict | list) or level >= depth or not value:
        return _COMPACT.encode(value)
    pad = " " * (indent * (level + 1))
    end = " " * (indent * level)
    if isinstance(value, list):
        items = [pad + _dump(item, depth, flat, indent, level + 1) for item in value]
        return "[\n" + ",\n".join(items) + "\n" + end + "]"
    parts = []
    for key in sorted(value, key=str):
        item = value[key]
        if key in flat and isinstance(item, list) and item:
            text = "[\n" + ",\n".join(pad + " " * indent + _COMPACT.encode(i) for i in item)
            text += "\n" + pad + "]"
        else:
            text = _dump(item, depth, flat, indent, level + 1)
        parts.append(f"{pad}{_COMPACT.encode(str(key))}: {text}")
    return "{\n" + ",\n".join(parts) + "\n" + end + "}"
