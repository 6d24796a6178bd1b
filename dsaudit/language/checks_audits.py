"""Built-in named check for runs of audits by the same party.

- ``consecutive_same``: the record under test and the records of the same kind (same value at
  ``kind``) dated before it, in date order, end in a run of at most ``max`` records whose
  value at ``by`` is the record's own. Used for the rotation limit of the PI Protection
  Compliance Audit Measures: the same professional body (or the same audit lead) may not audit
  the same processor three or more times in a row (``max: 2``).

Records are the resources of the checked record's own kind. They are ordered by their ``date``
(ISO date or date-time, by calendar day), records of the same day in inventory order; a record
dated after the checked one does not count, nor does one without a readable date. Values at
``by`` are compared after trimming and case folding (``Acme Audit`` equals ``acme audit ``); a
record with no value there breaks the run, so a run is never made of records that do not name
the party. The check passes when the checked record itself has no value at ``by`` or no readable
date (the rule's applicability should require both), and fails, returning the checked record's
value, when the run is longer than ``max``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from dsaudit.core.models import EvalContext, PathKey
from dsaudit.language.checks_time import parse_instant
from dsaudit.language.paths import MISSING, compile_path
from dsaudit.plugin.hookspecs import hookimpl


def _party(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip().casefold()
    return None


def _day(value: Any) -> dt.date | None:
    instant = parse_instant(value) if value is not MISSING else None
    return instant.date() if instant is not None else None


def consecutive_same(
    item: Any,
    ctx: EvalContext,
    by: str,
    max: int,
    kind: str = "kind",
) -> list[tuple[tuple[PathKey, ...], Any]]:
    """``[(by, value)]`` when the record ends a run of more than ``max`` by the same party."""
    if isinstance(max, bool) or not isinstance(max, int) or max < 1:
        raise ValueError(f"consecutive_same needs a whole number max of at least 1, got {max!r}")
    by_path, kind_path, date_path = compile_path(by), compile_path(kind), compile_path("date")
    own_value = by_path.get(item, ctx)
    own_party = _party(own_value)
    own_day = _day(date_path.get(item, ctx))
    if own_party is None or own_day is None:
        return []
    own_kind = kind_path.get(item, ctx)
    me = ctx.resource
    records = list(ctx.facts.by_kind.get(me.kind, ()))
    own_index = next((i for i, res in enumerate(records) if res.id == me.id), len(records))
    earlier: list[tuple[dt.date, int, str | None]] = []
    for index, res in enumerate(records):
        if index == own_index or kind_path.get(res.attributes, ctx) != own_kind:
            continue
        day = _day(date_path.get(res.attributes, ctx))
        if day is None or day > own_day or (day == own_day and index > own_index):
            continue
        earlier.append((day, index, _party(by_path.get(res.attributes, ctx))))
    earlier.sort(key=lambda entry: (entry[0], entry[1]))
    run = 1
    for _, _, party in reversed(earlier):
        if party != own_party:
            break
        run += 1
    return [(tuple(by.split(".")), own_value)] if run > max else []


@hookimpl(trylast=True)
def dsaudit_register_checks(register: Callable[[str, Callable[..., Any]], None]) -> None:
    register("consecutive_same", consecutive_same)
