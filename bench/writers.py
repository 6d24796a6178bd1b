"""Text writers for the synthetic organization: YAML, JSON, TOML, INI and .env.

Hand-written because PyYAML's representer is pure Python and far too slow for 100k inventory
records. The writers only cover what the generator produces: mappings with string keys, lists,
strings, ints, floats, bools and None. Strings that could be read back as something else
(``yes``, ``"1.0"``, dates, anything with ``: `` or ``#``) are double-quoted, so every YAML file
reads back with ``yaml.safe_load`` to exactly the value that was written (the tests check this).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

Scalar = str | int | float | bool | None

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./@-]*(?: [A-Za-z0-9_./@()-]+)*\Z")
# Compared lower-cased: the YAML 1.1 booleans and null, which a plain scalar would turn into.
_YAML_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null", "y", "n", "~"})
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def yaml_scalar(value: Scalar) -> str:
    """One YAML scalar: plain when that reads back unchanged, else JSON-style double-quoted."""
    if isinstance(value, str):
        return _yaml_string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return repr(value)


@functools.lru_cache(maxsize=1 << 16)
def _yaml_string(value: str) -> str:
    # cached: inventories repeat the same keys and category names hundreds of thousands of times
    if _PLAIN.match(value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


def _is_flat(value: Any) -> bool:
    """A small mapping of scalars: written in flow style inside a list (``- {a: 1, b: x}``)."""
    return (
        isinstance(value, Mapping) and 0 < len(value) <= 3 and all(map(_is_scalar, value.values()))
    )


def _flow(value: Any) -> str:
    if isinstance(value, Mapping):
        inner = ", ".join(f"{yaml_scalar(k)}: {yaml_scalar(v)}" for k, v in value.items())
        return "{" + inner + "}"
    return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"


def _inline(value: Any) -> str | None:
    """The text after ``key: `` or ``- `` when the value fits on that line, else None."""
    if _is_scalar(value):
        return yaml_scalar(value)
    if isinstance(value, Mapping):
        return "{}" if not value else None
    if not value:
        return "[]"
    return _flow(value) if all(map(_is_scalar, value)) else None


def _yaml_block(value: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, Mapping):
        for key, item in value.items():
            text = _inline(item)
            if text is not None:
                out.append(f"{pad}{yaml_scalar(key)}: {text}")
            else:
                out.append(f"{pad}{yaml_scalar(key)}:")
                _yaml_block(item, indent + 2, out)
        return
    for item in value:
        text = _flow(item) if _is_flat(item) else _inline(item)
        if text is not None:
            out.append(f"{pad}- {text}")
            continue
        if isinstance(item, Mapping):
            start = len(out)
            _yaml_block(item, indent + 2, out)
            out[start] = f"{pad}- {out[start][indent + 2 :]}"
        else:
            out.append(f"{pad}-")
            _yaml_block(item, indent + 2, out)


def yaml_dump(value: Mapping[str, Any] | Sequence[Any]) -> str:
    """Block-style YAML for one document (a mapping or a list)."""
    out: list[str] = []
    _yaml_block(value, 0, out)
    return "\n".join(out) + "\n"


def yaml_dump_all(docs: Sequence[Mapping[str, Any]]) -> str:
    """A multi-document YAML stream, each document introduced by ``---``."""
    return "".join("---\n" + yaml_dump(doc) for doc in docs)


def json_dump(value: Any) -> str:
    """Indented JSON with non-ASCII text kept as is."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as a TOML value")


def _toml_table(table: Mapping[str, Any], prefix: str, out: list[str]) -> None:
    nested = []
    for key, value in table.items():
        if isinstance(value, Mapping) or (
            isinstance(value, list) and value and isinstance(value[0], Mapping)
        ):
            nested.append((key, value))
        elif value is not None:  # TOML has no null: leave the key out
            out.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value in nested:
        name = f"{prefix}{_toml_key(key)}"
        if isinstance(value, Mapping):
            out.extend(["", f"[{name}]"])
            _toml_table(value, name + ".", out)
        else:
            for item in value:
                out.extend(["", f"[[{name}]]"])
                _toml_table(item, name + ".", out)


def toml_dump(doc: Mapping[str, Any]) -> str:
    """TOML for one mapping (tables for nested mappings, arrays of tables for lists of them)."""
    out: list[str] = []
    _toml_table(doc, "", out)
    return "\n".join(out).lstrip("\n") + "\n"


def ini_dump(sections: Mapping[str, Mapping[str, Scalar]]) -> str:
    """INI: ``[section]`` headers and ``key = value`` lines (values as written, unquoted)."""
    out: list[str] = []
    for name, values in sections.items():
        out.append(f"[{name}]")
        for key, value in values.items():
            text = "" if value is None else str(value).lower() if isinstance(value, bool) else value
            out.append(f"{key} = {text}")
        out.append("")
    return "\n".join(out)


def env_dump(values: Mapping[str, Scalar]) -> str:
    """A ``.env`` file: ``KEY=value``, double-quoted when the value has spaces, quotes or ``#``."""
    out = []
    for key, value in values.items():
        text = (
            "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        )
        if any(c in text for c in " #'\""):
            text = json.dumps(text, ensure_ascii=False)
        out.append(f"{key}={text}")
    return "\n".join(out) + "\n"
