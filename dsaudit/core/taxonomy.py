"""The data-category taxonomy: a tree of PI and non-PI categories.

The tree ships as ``dsaudit/data/taxonomy.yaml`` (PIPL Art. 28; GB/T 35273-2020 Annex A/B;
GB/T 45574-2025 Annex A; see docs/taxonomy.md). Inventories name categories in
``fields[].category``; rules ask :meth:`Taxonomy.is_a`, :meth:`Taxonomy.is_sensitive` and
:meth:`Taxonomy.is_personal`. Every ancestor set is computed once, so each question is a set
lookup.

Which categories are *sensitive* depends on the **sensitivity profile** (the standard whose
reading applies): a node may state, per profile, whether it is sensitive and where that comes
from (``sensitivity:``); a node that does not inherits its parent's reading. A
:class:`Taxonomy` is bound to one profile; :func:`load_taxonomy` takes its name (default
:data:`DEFAULT_PROFILE`, the standard in force).
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
from dsaudit.core.sensitivity import (
    DEFAULT_PROFILE,
    PROFILE_35273,
    PROFILE_45574,
    Profile,
    Reading,
    parse_profiles,
    parse_readings,
)

__all__ = [
    "DEFAULT_PROFILE",
    "PERSONAL",
    "PROFILE_35273",
    "PROFILE_45574",
    "SENSITIVE",
    "Category",
    "Profile",
    "Reading",
    "Taxonomy",
    "load_taxonomy",
    "profile_names",
    "render_tree",
]

PERSONAL = "personal_information"
SENSITIVE = "sensitive_pi"
_NODE_KEYS = frozenset(
    {"name", "parent", "label", "label_zh", "source", "note", "sensitivity", "aliases"}
)
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
    sensitivity: Mapping[str, Reading] | None = None
    """What the node itself states per profile (inherited where absent)."""
    aliases: tuple[str, ...] = ()
    """Words people write for this category (``income`` for ``asset_record``): only for
    "did you mean" suggestions; an inventory must still use the category's name."""


class Taxonomy:
    """An immutable category tree with precomputed ancestor sets, bound to one profile."""

    __slots__ = (
        "_ancestors",
        "_children",
        "_nodes",
        "_readings",
        "_sensitive",
        "profile",
        "profiles",
        "version",
    )

    def __init__(
        self,
        nodes: list[Category],
        version: int = 1,
        profiles: Mapping[str, Profile] | None = None,
        profile: str | None = None,
    ) -> None:
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
        self.profiles: dict[str, Profile] = dict(profiles or {})
        if not self.profiles:
            # A tree without profiles (tests, plugins): sensitivity follows the tree.
            self.profiles = {DEFAULT_PROFILE: Profile(DEFAULT_PROFILE, "", "", "", "", True)}
        defaults = [p.name for p in self.profiles.values() if p.default]
        if len(defaults) != 1:
            raise ValueError(f"taxonomy: exactly one profile must be the default, not {defaults}")
        chosen = defaults[0] if profile is None else profile
        if chosen not in self.profiles:
            raise ValueError(self.unknown_profile_message(chosen))
        self.profile = chosen
        for node in nodes:
            unknown = sorted(set(node.sensitivity or {}) - set(self.profiles))
            if unknown:
                raise ValueError(
                    f"taxonomy: category {node.name!r} states sensitivity for unknown "
                    f"profile(s) {unknown}"
                )
        self._readings: dict[str, Reading] = {name: self._read(name) for name in self._nodes}
        self._sensitive = frozenset(n for n, r in self._readings.items() if r.sensitive)

    def _read(self, name: str) -> Reading:
        """The reading of ``name`` under this profile: its own, or its nearest ancestor's."""
        for current in self.ancestors(name):
            stated = (self._nodes[current].sensitivity or {}).get(self.profile)
            if stated is not None and current == name:
                return stated
            if stated is not None:
                return Reading(stated.sensitive, stated.source, stated=False)
        if not any(n.sensitivity for n in self._nodes.values()):
            # No node states anything: the tree alone decides (the sensitive_pi subtree).
            return Reading(SENSITIVE in self._ancestors[name], "the tree", False)
        raise ValueError(
            f"taxonomy: category {name!r} has no sensitivity for profile {self.profile!r} "
            "(state it on the category or on an ancestor)"
        )

    def with_profile(self, profile: str) -> Taxonomy:
        """The same tree read under ``profile`` (ValueError naming the known ones if unknown)."""
        if profile == self.profile:
            return self
        return Taxonomy(list(self._nodes.values()), self.version, self.profiles, profile)

    def unknown_profile_message(self, name: object) -> str:
        """``unknown sensitivity profile 'x' (known: a, b)``."""
        known = ", ".join(sorted(self.profiles))
        return f"unknown sensitivity profile {quote_value(name)} (known: {known})"

    @classmethod
    def from_mapping(
        cls, data: Any, source: str = "<taxonomy>", profile: str | None = None
    ) -> Taxonomy:
        """Build a taxonomy from the parsed YAML (``version``, ``profiles``, a ``nodes`` list)."""
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
                    sensitivity=parse_readings(raw.get("sensitivity"), f"{source}: nodes[{index}]"),
                    aliases=tuple(str(a).lower() for a in raw.get("aliases") or ()),
                )
            )
        return cls(
            nodes,
            version=int(data.get("version", 1)),
            profiles=parse_profiles(data.get("profiles"), source),
            profile=profile,
        )

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
        """True for sensitive PI (PIPL Art. 28) under this taxonomy's profile.

        Usually the ``sensitive_pi`` subtree, but a profile may read a node differently from
        its class (GB/T 45574-2025: ``id_card_number`` alone is not sensitive).
        """
        return category in self._sensitive

    def reading(self, category: str) -> Reading:
        """Whether ``category`` is sensitive under this profile and the source that says so."""
        self.node(category)
        return self._readings[category]

    def reading_under(self, category: str, profile: str) -> Reading:
        """:meth:`reading` under another profile."""
        return self.with_profile(profile).reading(category)

    def is_personal(self, category: str) -> bool:
        """True for any personal information, sensitive or not."""
        ancestors = self._ancestors.get(category)
        return ancestors is not None and PERSONAL in ancestors

    def sensitive_class(self, category: str) -> str | None:
        """The PIPL Art. 28 class of a sensitive category (``face`` -> ``biometric``)."""
        path = self.ancestors(category)
        if SENSITIVE not in path or path[0] == SENSITIVE or not self.is_sensitive(category):
            return None
        return path[path.index(SENSITIVE) - 1]

    def suggest(self, name: str) -> str | None:
        """The closest known category name, for "did you mean" messages."""
        if not isinstance(name, str):
            return None
        wanted = name.strip().lower().replace("-", "_").replace(" ", "_")
        if wanted in self._nodes:
            return wanted
        for node in self._nodes.values():  # meaning before spelling: income -> asset_record
            if wanted in node.aliases:
                return node.name
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


def _short(profile: str) -> str:
    """``gbt45574-2025`` -> ``45574``: the column label in the generated tree."""
    return profile.removeprefix("gbt").split("-")[0]


def render_tree(taxonomy: Taxonomy) -> str:
    """The tree as a Markdown bullet list (the body of docs/taxonomy.md).

    Every personal-information node shows its reading under each profile; a reading the node
    states itself carries its source, an inherited one is marked "(inherited)".
    """
    lines: list[str] = []
    views = [taxonomy.with_profile(p) for p in sorted(taxonomy.profiles, reverse=True)]

    def sensitivity(name: str) -> str:
        if not taxonomy.is_personal(name):
            return ""
        parts = []
        for view in views:
            reading = view.reading(name)
            word = "sensitive" if reading.sensitive else "not sensitive"
            where = reading.source if reading.stated else "inherited"
            parts.append(f"{_short(view.profile)}: {word} ({where})")
        return " [" + "; ".join(parts) + "]"

    def emit(name: str, depth: int) -> None:
        node = taxonomy.node(name)
        marker = " **(sensitive)**" if name == SENSITIVE else ""
        text = f"{'  ' * depth}- `{name}`{marker}: {node.label} ({node.label_zh}). *{node.source}*"
        text += sensitivity(name)
        if node.note:
            text += f" Note: {' '.join(node.note.split())}"
        lines.append(text)
        for child in taxonomy.children(name):
            emit(child, depth + 1)

    for root in taxonomy.roots():
        emit(root, 0)
    return "\n".join(lines) + "\n"


@functools.cache
def _packaged() -> Taxonomy:
    ref = resources.files("dsaudit").joinpath("data/taxonomy.yaml")
    data = yaml.load(ref.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return Taxonomy.from_mapping(data, source="dsaudit/data/taxonomy.yaml")


@functools.cache
def load_taxonomy(profile: str | None = None) -> Taxonomy:
    """The packaged taxonomy read under ``profile`` (default: :data:`DEFAULT_PROFILE`).

    Loaded once per process and profile; an unknown profile raises ValueError naming the known.
    """
    return _packaged().with_profile(profile or DEFAULT_PROFILE)


def profile_names() -> list[str]:
    """The sensitivity profiles the packaged taxonomy declares, sorted."""
    return sorted(_packaged().profiles)
