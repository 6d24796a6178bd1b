"""The audit's record index: records by kind and id, and who refers to whom.

Built once per audit, on the first join a rule evaluates (``Facts.record_index()``), from every
resource of the audit (not one ``--jobs`` shard: workers are forked from a parent that built it
first, see :mod:`.parallel`). The reference map comes from one place, the inventory's
:data:`~dsaudit.sources.inventory_schema.REFERENCES`; :func:`reference_map` gives it per kind,
for the index and for the compiler (``CompileEnv.references``), which refuses a ``->`` on a key
that is not a reference.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from dsaudit.core.models import Resource
from dsaudit.language.joins import ReferenceMap
from dsaudit.sources.inventory_schema import REFERENCES, SECTIONS


@functools.cache
def reference_map() -> ReferenceMap:
    """Kind -> reference key -> the kinds its ids name, from the inventory's REFERENCES."""
    return {
        SECTIONS[section]: {key: tuple(SECTIONS[t] for t in targets) for key, targets in refs}
        for section, refs in REFERENCES.items()
    }


class RecordIndex:
    """Dictionary lookups for join steps (``language.joins.RecordIndex``)."""

    def __init__(
        self, by_kind: Mapping[str, Sequence[Resource]], references: ReferenceMap | None = None
    ) -> None:
        refs = reference_map() if references is None else references
        self._targets: dict[str, tuple[str, ...]] = {}
        for keys in refs.values():
            for key, kinds in keys.items():
                known = self._targets.get(key, ())
                self._targets[key] = (*known, *(k for k in kinds if k not in known))
        named = {k for kinds in self._targets.values() for k in kinds}
        self._records: dict[str, dict[Any, Resource]] = {
            kind: {res.id: res for res in by_kind.get(kind, ())} for kind in named
        }
        self._refs = refs
        self._by_kind = by_kind
        self._by_attributes: dict[int, Resource] | None = None
        self._referrers: dict[tuple[str, str, str], dict[Any, list[Resource]]] | None = None
        """(referring kind, key, named kind) -> named id -> referring records, in order; built
        on the first back-reference (forward joins need only the records by id)."""

    def complete(self) -> None:
        """Build the parts built on first use too (before workers fork, so they share them)."""
        if self._referrers is None:
            self._referrers = self._index_referrers()
        self.record_of(None)

    def _index_referrers(self) -> dict[tuple[str, str, str], dict[Any, list[Resource]]]:
        referrers: dict[tuple[str, str, str], dict[Any, list[Resource]]] = {}
        for kind, keys in self._refs.items():
            for key, kinds in keys.items():
                for res in self._by_kind.get(kind, ()):
                    value = res.attributes.get(key)
                    ids = value if type(value) is list else () if value is None else (value,)
                    for ident in dict.fromkeys(i for i in ids if isinstance(i, str | int)):
                        for target in kinds:
                            if ident in self._records[target]:
                                slot = referrers.setdefault((kind, key, target), {})
                                slot.setdefault(ident, []).append(res)
        return referrers

    def targets(self, key: str) -> tuple[str, ...]:
        return self._targets.get(key, ())

    def named(self, key: str, ident: Any) -> Sequence[Resource]:
        out = []
        for kind in self._targets.get(key, ()):
            res = self._records[kind].get(ident)
            if res is not None:
                out.append(res)
        return out

    def referrers(self, record: Resource, kind: str, key: str) -> Sequence[Resource]:
        if self._referrers is None:
            self._referrers = self._index_referrers()
        return self._referrers.get((kind, key, record.kind), {}).get(record.id, ())

    def record_of(self, attributes: Any) -> Resource | None:
        if self._by_attributes is None:
            self._by_attributes = {
                id(res.attributes): res for recs in self._records.values() for res in recs.values()
            }
        res = self._by_attributes.get(id(attributes))
        return res if res is not None and res.attributes is attributes else None
