"""The data-category taxonomy: a tree of PI and non-PI categories.

The tree ships as ``dsaudit/data/taxonomy.yaml`` (GB/T 35273-2020 Annex A/B and PIPL Art. 28;
see docs/taxonomy.md). Inventories name categories in ``fields[].category``; rules ask
:meth:`Taxonomy.is_a`, :meth:`Taxonomy.is_sensitive` and :meth:`Taxonomy.is_personal`.
Every ancestor set is computed once, so each question is a set lookup.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from dsaudit.core.quoting import quote_value

PERSONAL = "personal_information"
SENSITIVE = "sensitive_pi"
_NODE_KEYS = frozenset({"name", "parent", "label", "label_zh", "source", "note"})
_REQUIRED_KEYS = ("name", "parent", "label", "label_zh", "source")


@dataclass(frozen=True, slots=True)
class Category:
    """One node of the taxonomy."""

    name: str
    parent: str | None
    label: str
    label_zh: str
    source: str
    note: str | None = None


class Taxonomy:
    """An immutable category tree with precomputed ancestor sets."""

    __slots__ = ("_ancestors", "_children", "_nodes", "version")

    def __init__(self, nodes: list[Category], version: int = 1) -> None:
        self.version = version
        self._nodes: dict[str, Category] = {}
        for node in nodes:
            if node.name in self._nodes:
                raise ValueError(f"taxonomy: category {node.name!r} is defined twice")
            self._nodes[node.name] = node
        self._children: dict[str | None, list[str]] = {}
        for node in nodes:
            if node.parent is not None and node.parent not in self._nodes:
                raise ValueError(
                    f"taxonomy: category {node.name!r} has unknown parent {node.parent!r}"
                )
            self._children.setdefault(node.parent, []).append(node.name)
        self._ancestors: dict[str, frozenset[str]] = {
            name: self._walk_up(name) for name in self._nodes
        }

    @classmethod
    def from_mapping(cls, data: Any, source: str = "<taxonomy>") -> Taxonomy:
        """Build a taxonomy from the parsed YAML (``version`` and a ``nodes`` list)."""
        if not isinstance(data, Mapping) or not isinstance(data.get("nodes"), list):
            raise ValueError(f"{source}: expected a mapping with a 'nodes' list")
        nodes = []
        for index, raw in enumerate(data["nodes"]):
            if not isinstance(raw, Mapping):
                raise ValueError(f"{source}: nodes[{index}] is not a mapping")
            missing = [key for key in _REQUIRED_KEYS if key not in raw]
            unknown = sorted(set(raw) - _NODE_KEYS)
            if missing or unknown:
                raise ValueError(
                    f"{source}: nodes[{index}] ({raw.get('name')!r}): "
                    f"missing {missing or '-'}, unknown {unknown or '-'}"
                )
            nodes.append(
                Category(
                    name=str(raw["name"]),
                    parent=None if raw["parent"] is None else str(raw["parent"]),
                    label=str(raw["label"]),
                    label_zh=str(raw["label_zh"]),
                    source=str(raw["source"]),
                    note=None if raw.get("note") is None else str(raw["note"]),
                )
            )
        return cls(nodes, version=int(data.get("version", 1)))

    def _walk_up(self, name: str) -> frozenset[str]:
        seen: list[str] = []
        current: str | None = name
        while current is not None:
            if current in seen:
                raise ValueError(f"taxonomy: cycle through {' -> '.join([*seen, current])}")
            seen.append(current)
            current = self._nodes[current].parent
        return frozenset(seen)

    def __contains__(self, name: object) -> bool:
        return name in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def __iter__(self) -> Iterator[Category]:
        return iter(self._nodes.values())

    def names(self) -> list[str]:
        """Every category name, in file order."""
        return list(self._nodes)

    def node(self, name: str) -> Category:
        """The category called ``name``; ``KeyError`` (with a suggestion) if unknown."""
        try:
            return self._nodes[name]
        except KeyError:
            raise KeyError(self.unknown_message(name)) from None

    def roots(self) -> list[str]:
        """Categories without a parent."""
        return list(self._children.get(None, []))

    def children(self, name: str) -> list[str]:
        """Direct children of ``name``, in file order."""
        self.node(name)
        return list(self._children.get(name, []))

    def ancestors(self, name: str) -> list[str]:
        """``name`` and its ancestors, nearest first (empty for an unknown name)."""
        path = []
        current = self._nodes.get(name)
        while current is not None:
            path.append(current.name)
            current = self._nodes.get(current.parent) if current.parent else None
        return path

    def descendants(self, name: str) -> list[str]:
        """``name`` and every category below it, depth first."""
        self.node(name)
        found = [name]
        for child in self._children.get(name, []):
            found.extend(self.descendants(child))
        return found

    def is_a(self, category: str, ancestor: str) -> bool:
        """True when ``category`` is ``ancestor`` or lies below it.

        An unknown ``category`` is simply not below anything (False); an unknown ``ancestor``
        is a mistake in the caller (a rule) and raises ``KeyError`` with a suggestion.
        """
        if ancestor not in self._nodes:
            raise KeyError(self.unknown_message(ancestor))
        ancestors = self._ancestors.get(category)
        return ancestors is not None and ancestor in ancestors

    def is_sensitive(self, category: str) -> bool:
        """True for sensitive PI (PIPL Art. 28), including ``minor_under_14``."""
        ancestors = self._ancestors.get(category)
        return ancestors is not None and SENSITIVE in ancestors

    def is_personal(self, category: str) -> bool:
        """True for any personal information, sensitive or not."""
        ancestors = self._ancestors.get(category)
        return ancestors is not None and PERSONAL in ancestors

    def sensitive_class(self, category: str) -> str | None:
        """The PIPL Art. 28 class of a sensitive category (``face`` -> ``biometric``)."""
        path = self.ancestors(category)
        if SENSITIVE not in path or path[0] == SENSITIVE:
            return None
        return path[path.index(SENSITIVE) - 1]

    def suggest(self, name: str) -> str | None:
        """The closest known category name, for "did you mean" messages."""
        if not isinstance(name, str):
            return None
        wanted = name.strip().lower().replace("-", "_").replace(" ", "_")
        if wanted in self._nodes:
            return wanted
        matches = difflib.get_close_matches(wanted, self._nodes, n=1, cutoff=0.75)
        if matches:
            return matches[0]
        containing = sorted((n for n in self._nodes if wanted and wanted in n), key=len)
        if containing:
            return containing[0]
        matches = difflib.get_close_matches(wanted, self._nodes, n=1, cutoff=0.6)
        return matches[0] if matches else None

    def unknown_message(self, name: str) -> str:
        """``unknown category "x" (did you mean "y"?)``."""
        hint = self.suggest(name)
        text = f"unknown data category {quote_value(name)}"
        if hint:
            text += f" (did you mean {hint!r}?)"
        return text + "; see docs/taxonomy.md"


def render_tree(taxonomy: Taxonomy) -> str:
    """The tree as a Markdown bullet list (the body of docs/taxonomy.md)."""
    lines: list[str] = []

    def emit(name: str, depth: int) -> None:
        node = taxonomy.node(name)
        marker = " **(sensitive)**" if name == SENSITIVE else ""
        text = f"{'  ' * depth}- `{name}`{marker}: {node.label} ({node.label_zh}). *{node.source}*"
        if node.note:
            text += f" Note: {' '.join(node.note.split())}"
        lines.append(text)
        for child in taxonomy.children(name):
            emit(child, depth + 1)

    for root in taxonomy.roots():
        emit(root, 0)
    return "\n".join(lines) + "\n"


@functools.cache
def load_taxonomy() -> Taxonomy:
    """The packaged taxonomy (loaded once per process)."""
    ref = resources.files("dsaudit").joinpath("data/taxonomy.yaml")
    data = yaml.load(ref.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return Taxonomy.from_mapping(data, source="dsaudit/data/taxonomy.yaml")
