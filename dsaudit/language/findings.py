"""One finding per offending value.

A rule whose whole condition is a named check (``check: no_plaintext_secrets``), a comparison on
a path that matches several values (``path: "**.tls_min_version"``) or a quantifier that every
element must satisfy (``for_all`` / ``for_none``) fails once per offending value: every key the
check reports, every matching value that breaks the comparison, every element of the list that
breaks the condition. Each becomes its own
result with its own fingerprint, so a baseline that knows one secret of a file does not hide a
second one added later (docs/rules.md, "One finding per offending value").

:func:`value_splitter` reads the rule's condition tree and returns the function that cuts the
failing trace of one resource into one group of entries per offending value; the engine turns
each group into a result. Rules with any other top-level condition keep one finding per resource.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dsaudit.core.models import EvalContext, PathKey
from dsaudit.language.conditions.collections import elements
from dsaudit.language.paths import compile_path, format_path

TraceEntry = tuple[tuple[PathKey, ...], Any, bool]
Splitter = Callable[[Any, EvalContext, Sequence[TraceEntry]], list[list[TraceEntry]]]
"""``(item, ctx, failing entries) -> one group of entries per offending value``."""

SPLIT_QUANTIFIERS = ("for_all", "for_none")


def value_splitter(tree: Any) -> Splitter | None:
    """The splitter for a rule whose condition is ``tree``, or None for one finding per
    resource. ``tree`` has compiled already, so its shape is valid."""
    if not isinstance(tree, dict):
        return None
    if "check" in tree:
        return _by_path
    if isinstance(tree.get("path"), str) and compile_path(tree["path"]).is_multi:
        return _by_path
    for quantifier in SPLIT_QUANTIFIERS:
        if quantifier in tree:
            return _by_element(tree[quantifier])
    return None


def _own(path: tuple[PathKey, ...]) -> bool:
    """A path into the resource itself (not ``@org``, ``@aggregate`` and other roots)."""
    return not (path and isinstance(path[0], str) and path[0].startswith("@"))


def _by_path(item: Any, ctx: EvalContext, failing: Sequence[TraceEntry]) -> list[list[TraceEntry]]:
    """A named check or a leaf on several values: every offending path is a value of its own."""
    groups: dict[tuple[PathKey, ...], list[TraceEntry]] = {}
    for entry in failing:
        if _own(entry[0]):
            groups.setdefault(entry[0], []).append(entry)
    return list(groups.values())


def _by_element(path_text: str) -> Splitter:
    spec = compile_path(path_text)

    def split(item: Any, ctx: EvalContext, failing: Sequence[TraceEntry]) -> list[list[TraceEntry]]:
        """Every element whose entries broke the condition is a value of its own."""
        prefixes = [p for p, _ in elements(spec, item, ctx)]
        groups: dict[tuple[PathKey, ...], list[TraceEntry]] = {}
        for entry in failing:
            path = entry[0]
            owner = next((p for p in prefixes if path[: len(p)] == p), None)
            if owner is not None:
                groups.setdefault(owner, []).append(entry)
        return [groups[p] for p in prefixes if p in groups]

    return split


def value_basis(path: tuple[PathKey, ...], value: Any) -> str:
    """What identifies one offending value apart from rule and resource: its path and value.

    List positions are left out (``servers[].password``), so inserting an element before it does
    not change it; a path without list positions gives the basis earlier versions gave (so a
    version-1 baseline still matches a secret under a key). Equal values at different positions
    of one list are told apart by the engine (``#2``, ``#3``).
    """
    if not any(isinstance(key, int) for key in path):
        return f"{format_path(path)}={value!r}"
    keys = tuple(key for key in path if not isinstance(key, int))
    return f"{format_path(keys)}[]={value!r}"
