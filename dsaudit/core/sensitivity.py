"""Sensitivity profiles of the data-category taxonomy: which standard's list decides what
personal information is sensitive (docs/taxonomy.md "Sensitivity profiles").

``dsaudit/data/taxonomy.yaml`` declares the profiles (top-level ``profiles:``) and, on the nodes
that state it, a reading per profile (``sensitivity: {PROFILE: {sensitive, source}}``). This
module holds those two records and reads them from the parsed YAML; :mod:`dsaudit.core.taxonomy`
resolves each node's reading (its own, or its nearest ancestor's).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PROFILE_45574 = "gbt45574-2025"
PROFILE_35273 = "gbt35273-2020"
DEFAULT_PROFILE = PROFILE_45574
"""GB/T 45574-2025 is in force since 2025-11-01; ``gbt35273-2020`` keeps the stricter reading."""
_PROFILE_KEYS = frozenset({"title", "title_en", "in_force", "default", "source", "note"})


@dataclass(frozen=True, slots=True)
class Reading:
    """Whether a category is sensitive under one profile, and where that is said."""

    sensitive: bool
    source: str
    stated: bool = True
    """False when inherited from an ancestor (``source`` is then the ancestor's)."""


@dataclass(frozen=True, slots=True)
class Profile:
    """One reading of which personal information is sensitive (a standard's list)."""

    name: str
    title: str
    title_en: str
    in_force: str
    source: str
    default: bool = False
    note: str | None = None


def parse_readings(raw: Any, where: str) -> dict[str, Reading] | None:
    """A node's ``sensitivity:`` mapping (profile -> {sensitive, source})."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: 'sensitivity' must map profile names to readings")
    found = {}
    for name, reading in raw.items():
        if (
            not isinstance(reading, Mapping)
            or set(reading) != {"sensitive", "source"}
            or not isinstance(reading["sensitive"], bool)
            or not str(reading["source"]).strip()
        ):
            raise ValueError(
                f"{where}: sensitivity.{name} must be {{sensitive: true|false, source: TEXT}}"
            )
        found[str(name)] = Reading(reading["sensitive"], str(reading["source"]))
    return found


def parse_profiles(raw: Any, where: str) -> dict[str, Profile] | None:
    """The top-level ``profiles:`` mapping (name -> title, in_force, default, source)."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: 'profiles' must be a mapping")
    found = {}
    for name, spec in raw.items():
        if not isinstance(spec, Mapping) or not set(spec) <= _PROFILE_KEYS:
            raise ValueError(f"{where}: profiles.{name}: unknown keys")
        found[str(name)] = Profile(
            name=str(name),
            title=str(spec.get("title", "")),
            title_en=str(spec.get("title_en", "")),
            in_force=str(spec.get("in_force", "")),
            source=str(spec.get("source", "")),
            default=bool(spec.get("default", False)),
            note=None if spec.get("note") is None else str(spec["note"]),
        )
    return found
