"""Named conditions: a pack's ``conditions:`` map, used in its rules as ``{use: NAME}``.

A pack that checks the same clause in many rules (MLPS: "the system is level 2 or above, or its
level is not known") names it once in ``pack.yaml``::

    conditions:
      level-2-or-unknown:
        any:
          - {path: "@meta.system_mlps_level", exists: false}
          - {path: "@meta.system_mlps_level", gte: 2}

and writes ``when: {all: [{path: format, equals: sshd}, {use: level-2-or-unknown}]}``. Names are
expanded when the pack loads, before anything is compiled, so ``dsaudit rules show`` prints the
expanded tree and equal expansions share one compiled closure. A named condition may use other
named conditions; an unknown name or a cycle refuses the pack with file and line.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from dsaudit.core.errors import PackSchemaError
from dsaudit.core.models import PathKey
from dsaudit.documents.validated import line_of

USE = "use"
"""The key of a node that stands for a named condition."""


class NamedConditionError(ValueError):
    """A ``use`` that names nothing, or named conditions that use each other in a circle."""

    def __init__(self, message: str, where: tuple[PathKey, ...]) -> None:
        self.where = where
        super().__init__(message)


def expand(
    tree: Any,
    named: Mapping[str, Any],
    where: tuple[PathKey, ...] = (),
    _using: tuple[str, ...] = (),
) -> Any:
    """``tree`` with every ``{use: NAME}`` node replaced by a copy of the named condition."""
    if isinstance(tree, list):
        return [expand(item, named, (*where, i), _using) for i, item in enumerate(tree)]
    if not isinstance(tree, dict):
        return tree
    if USE in tree:
        name = tree[USE]
        if len(tree) != 1:
            extra = sorted(str(k) for k in tree if k != USE)
            raise NamedConditionError(f"'use' stands alone; unexpected key(s) {extra}", where)
        if not isinstance(name, str) or name not in named:
            close = difflib.get_close_matches(str(name), list(named), n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            known = ", ".join(sorted(named)) or "none: the manifest has no 'conditions'"
            raise NamedConditionError(
                f'unknown named condition "{name}"{hint}; the pack names: {known}', where
            )
        if name in _using:
            circle = " -> ".join((*_using[_using.index(name) :], name))
            raise NamedConditionError(f"named conditions use each other: {circle}", where)
        return expand(copy.deepcopy(named[name]), named, where, (*_using, name))
    return {key: expand(value, named, (*where, key), _using) for key, value in tree.items()}


def check_named(named: Mapping[str, Any]) -> None:
    """Expand every named condition once, so an unknown name or a cycle among them is found
    even when no rule uses it (``where`` starts at ``conditions.NAME``)."""
    for name, tree in named.items():
        expand(tree, named, ("conditions", name), (name,))


def expand_rule(rule: dict[str, Any], named: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``rule`` with its conditions (``applies_to.when``, ``condition``) expanded."""
    out = dict(rule)
    if "condition" in out:
        out["condition"] = expand(out["condition"], named, ("condition",))
    applies = out.get("applies_to")
    if isinstance(applies, dict) and "when" in applies:
        out["applies_to"] = {
            **applies,
            "when": expand(applies["when"], named, ("applies_to", "when")),
        }
    return out


def expand_pack_rules(
    rules: Sequence[Any], named: Mapping[str, Any], shown: str, locator: Any
) -> list[Any]:
    """A pack's rule sources with their conditions expanded; :class:`PackSchemaError` (file and
    line of the ``use``, or of the named condition in ``pack.yaml``) for what cannot be."""
    try:
        check_named(named)
    except NamedConditionError as exc:
        raise PackSchemaError(str(exc), file=shown, line=line_of(locator, exc.where)) from None
    out = []
    for src in rules:
        try:
            data = expand_rule(src.data, named)
        except NamedConditionError as exc:
            line = line_of(src.locator, (*src.base_path, *exc.where))
            message = f"rule {src.data['id']}: {exc}"
            raise PackSchemaError(message, file=src.file, line=line) from None
        out.append(dataclasses.replace(src, data=data))
    return out
