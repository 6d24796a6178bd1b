"""Joins: path steps that follow an id reference from one inventory record to others.

``datasets->classification`` reads the ``classification`` of every dataset whose id is listed at
``datasets`` (a forward step, ``->``, after the key that holds an id or a list of ids);
``<-transfer.datasets`` is every transfer whose ``datasets`` names the record (a back-reference,
``<-KIND.KEY``, at the start of a path or right after ``->``). Each step yields one value per
record reached, so ``match: any``/``all`` and the quantifiers give any/all semantics over the
referenced records. A missing or null id yields nothing, and so does an id that names no record
(the inventory refuses dangling references, but resources built by tests or plugins may have
them).

The records come from the audit's :class:`RecordIndex` (``ctx.facts.record_index()``, built
once per audit by :mod:`dsaudit.engine.records` from the inventory's reference map), so a step
is a dictionary lookup. In a concrete path (evidence), a join is a :class:`Hop` key, rendered
``datasets->[ds-1].classification`` or ``<-transfer.datasets[t1].mechanism``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from dsaudit.core.models import EvalContext, PathKey, Resource

FORWARD, BACK = 4, 5
"""Path step kinds (beside ``KEY``, ``INDEX``, ``WILD``, ``DEEP`` in :mod:`.paths`)."""

ReferenceMap = Mapping[str, Mapping[str, tuple[str, ...]]]
"""Kind -> reference key -> the kinds its ids name (``transfer: {datasets: (dataset,)}``)."""


class RecordIndex(Protocol):
    """What a join step asks of the audit's index (see :mod:`dsaudit.engine.records`)."""

    def named(self, key: str, ident: Any) -> Sequence[Resource]:
        """The records the id ``ident`` at reference key ``key`` names (none when dangling)."""

    def referrers(self, record: Resource, kind: str, key: str) -> Sequence[Resource]:
        """The records of ``kind`` whose ``key`` names ``record``, in inventory order."""

    def record_of(self, attributes: Any) -> Resource | None:
        """The indexed record whose attributes are ``attributes`` (the same object), if any."""

    def targets(self, key: str) -> tuple[str, ...]:
        """The kinds the ids at reference key ``key`` may name."""


_PLAIN_ID = re.compile(r"[A-Za-z0-9_.:/@+-]+")


class Hop(str):
    """A join in a concrete path; its text is how evidence shows it (``->[ds-1]``)."""

    kind: str
    ident: Any
    position: int | None
    """For a forward hop: the index of the id in the referring record's list (None: one id)."""
    back: bool

    @classmethod
    def forward(cls, res: Resource, position: int | None, several: bool) -> Hop:
        label = f"{res.kind}:{res.id}" if several else str(res.id)
        hop = cls(f"->[{_shown(label)}]")
        hop.kind, hop.ident, hop.position, hop.back = res.kind, res.id, position, False
        return hop

    @classmethod
    def backward(cls, kind: str, key: str, res: Resource) -> Hop:
        hop = cls(f"<-{kind}.{key}[{_shown(str(res.id))}]")
        hop.kind, hop.ident, hop.position, hop.back = kind, res.id, None, True
        return hop


def _shown(ident: str) -> str:
    return ident if _PLAIN_ID.fullmatch(ident) else '"' + ident.replace('"', '\\"') + '"'


def local_part(path: Sequence[PathKey]) -> tuple[PathKey, ...]:
    """The part of a concrete path inside the resource checked (up to its first join).

    A forward join keeps the position of the id, so a finding on ``datasets->[ds-2].x`` points
    at the line of ``ds-2`` in the resource's ``datasets``; a back-reference points at the
    resource itself.
    """
    for i, key in enumerate(path):
        if isinstance(key, Hop):
            head = tuple(path[:i])
            return (*head, key.position) if key.position is not None else head
    return tuple(path)


def index_of(ctx: EvalContext) -> RecordIndex | None:
    """The audit's record index, or None where the facts have none (hand-built contexts)."""
    build = getattr(ctx.facts, "record_index", None)
    return build() if build is not None else None


def follow(
    step: int, arg: Any, value: Any, path: tuple[PathKey, ...], ctx: EvalContext
) -> list[tuple[tuple[PathKey, ...], Any]]:
    """``(path, attributes)`` of every record one join step reaches from ``value``."""
    index = index_of(ctx)
    if index is None:
        return []
    if step == FORWARD:
        if value is None:
            return []
        ids = enumerate(value) if type(value) is list else ((None, value),)
        several = len(index.targets(arg)) > 1
        return [
            ((*path, Hop.forward(res, pos, several)), res.attributes)
            for pos, ident in ids
            if isinstance(ident, str | int) and not isinstance(ident, bool)
            for res in index.named(arg, ident)
        ]
    kind, key = arg
    record = index.record_of(value)
    if record is None and value is ctx.resource.attributes:
        record = ctx.resource  # a resource the index does not hold (built by a test or plugin)
    if record is None:
        return []
    return [
        ((*path, Hop.backward(kind, key, res)), res.attributes)
        for res in index.referrers(record, kind, key)
    ]
