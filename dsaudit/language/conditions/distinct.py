"""Distinct yearly totals that stand in for a sum over records (``aggregate ... distinct:``).

Summing the individuals of every transfer counts a customer carried by two transfers twice,
so a sum is only an upper bound of the distinct individuals. The inventory can record the
distinct figure for a calendar year, for the whole organization or for a group of records::

    organization:
      export_totals:
        - {year: 2026, individuals: 60000}                  # every export of 2026
        - {year: 2025, group: crm, individuals: 40000}      # 2025 transfers in group crm

and a rule asks for it beside the sum::

    aggregate: sum
    over: transfer
    of: individuals_ytd
    period: {calendar_year: as_of, by: year, undated: include}
    distinct: {totals: "@org.export_totals", of: individuals, group: distinct_group}

For each year of the period, an organization-wide entry replaces the sum of that year's
records; otherwise the records of a group with an entry for the year count once, as the
entry's figure, and every other record is summed. The result is exact when it rests on one
figure, and said to be an upper bound when it adds several.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dsaudit.core.models import EvalContext, PathKey
from dsaudit.language.conditions.env import fail, only, path_spec
from dsaudit.language.paths import KEY, PathSpec


@dataclass(frozen=True, slots=True)
class Distinct:
    """A compiled ``distinct``: where the yearly totals are and which keys to read."""

    totals: PathSpec
    of: str
    group: str | None

    def entries(self, ctx: EvalContext) -> dict[tuple[int, Any], float]:
        """``(year, group or None) -> figure`` for every well-formed entry (first one wins)."""
        found: dict[tuple[int, Any], float] = {}
        for _, value in self.totals.resolve({}, ctx):
            for entry in value if isinstance(value, list) else (value,):
                if not isinstance(entry, dict):
                    continue
                year, figure = entry.get("year"), entry.get(self.of)
                if not (isinstance(year, int) and _whole(year)) or not _number(figure):
                    continue
                assert isinstance(figure, int | float)
                group = entry.get("group")
                found.setdefault((year, group if isinstance(group, str) else None), float(figure))
        return found


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def compile_distinct(tree: Any, where: tuple[PathKey, ...]) -> Distinct:
    if not isinstance(tree, dict):
        raise fail("'distinct' must be a mapping {totals: PATH, of: KEY, [group: KEY]}", where)
    only(tree, {"totals", "of", "group"}, where)
    for key in ("totals", "of"):
        if key not in tree:
            raise fail(f"'distinct' needs '{key}'", where)
    totals = path_spec(tree["totals"], (*where, "totals"))
    if totals.root == "item":
        raise fail(
            "'distinct: totals' must start at @org (or @resource): the totals are not on the "
            "records being summed",
            (*where, "totals"),
        )
    keys = {}
    for key in ("of", "group"):
        if key in tree:
            spec = path_spec(tree[key], (*where, key))
            if spec.root != "item" or len(spec.steps) != 1 or spec.steps[0][0] != KEY:
                raise fail(f"'distinct: {key}' must be one key, got {tree[key]!r}", (*where, key))
            keys[key] = str(spec.steps[0][1])
    return Distinct(totals, keys["of"], keys.get("group"))


@dataclass(slots=True)
class Total:
    """An aggregate's value and how it was reached, for messages and evidence."""

    value: Any
    records: int
    """Records that matched ``where`` and the period."""
    summed: int = 0
    """Records whose own figure was added."""
    figures: int = 0
    """Distinct totals (organization-wide or per group) that were added."""
    years: tuple[int, ...] = ()
    """Years for which an organization-wide distinct total was used."""

    def basis(self, fn: str, kind: str, period: str | None) -> str:
        """One sentence: what the value is, and whether it can overstate."""
        where = f" in {period}" if period else ""
        if fn != "sum":
            return f"the {fn} over {_n(self.records, kind)}{where}"
        if self.figures == 1 and self.summed == 0:
            if self.years:
                return f"the distinct count recorded for {self.years[0]}"
            return "the distinct count recorded for the group of transfers"
        if self.figures == 0 and self.summed <= 1:
            return f"from {_n(self.summed, kind)}{where}"
        parts = []
        if self.figures:
            parts.append(f"{self.figures} recorded distinct count{'s' if self.figures > 1 else ''}")
        if self.summed:
            parts.append(_n(self.summed, kind))
        return (
            f"summed over {' and '.join(parts)}{where}: an upper bound, since an individual "
            "in several of them is counted more than once"
        )


def _n(n: int, kind: str) -> str:
    return f"{n} {kind}{'' if n == 1 else 's'}"
