"""Checks on the facts of issue 15 §5 that a JSON Schema cannot express.

The schema says what each new field may hold; this module says what the fields may not say
together: two ``organization.export_totals`` entries for the same year and group, a
``transfers[].distinct_group`` that no entry names, minors' counts that exceed what they are
part of, a state-organ level on an organization that is not a state organ, and an
``approved_scope`` that is not an approval's or ends before it began. :func:`fact_problems`
runs on schema-valid records only and yields ``(resource, path, message)`` for the loader to
place at a file and line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from dsaudit.core.models import PathKey, Resource
from dsaudit.core.quoting import quote_value

Problem = tuple[Resource, tuple[PathKey, ...], str]
"""``(resource, path inside it, message)``."""

APPROVAL_KINDS = ("export_security_assessment", "export_certification", "standard_contract_filing")
"""Assessment kinds that approve an export and so may carry ``approved_scope``."""

_BANDS = (
    ("minors_under_14_individuals", "minors_under_14"),
    ("minors_14_to_17_individuals", "minors_14_to_17"),
)
_BAND_KEYS = tuple(count for count, _ in _BANDS)


def fact_problems(
    org: Resource | None,
    ids: Mapping[str, Mapping[str, Resource]],
    *,
    complete: bool,
) -> Iterator[Problem]:
    """Every contradiction among the facts of the loaded records.

    :param org: the organization resource, if a file had one.
    :param ids: section -> id -> resource, as the loader collected them.
    :param complete: False when a file could not be loaded; checks that look across records
        (a group named by a transfer) are then skipped, as the reference checks are.
    """
    groups: dict[str | None, Any] = {}
    if org is not None:
        yield from _organization(org, groups)
    # Most records state none of these facts: test for the keys first (an inventory of 100,000
    # datasets pays a dict lookup per record, not a generator and a label).
    for res in ids.get("datasets", {}).values():
        if _BAND_KEYS[0] in res.attributes or _BAND_KEYS[1] in res.attributes:
            yield from _dataset(res)
    for res in ids.get("transfers", {}).values():
        if "distinct_group" in res.attributes:
            yield from _transfer(res, groups if complete else None)
    for res in ids.get("assessments", {}).values():
        if "approved_scope" in res.attributes:
            yield from _assessment(res)


def _organization(org: Resource, groups: dict[str | None, Any]) -> Iterator[Problem]:
    attributes = org.attributes
    seen: dict[tuple[int, str | None], int] = {}
    for index, entry in enumerate(attributes.get("export_totals", ())):
        group = entry.get("group")
        groups.setdefault(group, index)
        key = (entry["year"], group)
        first = seen.setdefault(key, index)
        if first != index:
            which = f"group {quote_value(group)}" if group is not None else "no group"
            yield (
                org,
                ("export_totals", index),
                f"organization: export_totals[{index}]: a second entry for year {key[0]} and "
                f"{which}; the first is at {org.location(('export_totals', first))}; "
                "give each (year, group) one entry",
            )
    if attributes.get("is_state_organ") is False and "state_organ_level" in attributes:
        yield (
            org,
            ("state_organ_level",),
            "organization: state_organ_level is set but is_state_organ is false; "
            "remove state_organ_level or set is_state_organ: true",
        )
    yield from _parts_of(
        org,
        "organization",
        ("minors_under_14_users", "minors_14_to_17_users"),
        "minors_users",
        "the users under 18",
    )


def _dataset(res: Resource) -> Iterator[Problem]:
    attributes = res.attributes
    label = f"datasets {quote_value(res.id)}"
    for count_key, flag_key in _BANDS:
        if attributes.get(count_key, 0) > 0 and attributes.get(flag_key) is False:
            yield (
                res,
                (count_key,),
                f"{label}: {count_key} is {attributes[count_key]} but {flag_key} is false",
            )
    yield from _parts_of(
        res, label, tuple(key for key, _ in _BANDS), "individuals", "the individuals it holds"
    )


def _parts_of(
    res: Resource, label: str, parts: tuple[str, ...], whole: str, meaning: str
) -> Iterator[Problem]:
    """A problem when the given counts in ``parts`` add up to more than ``whole``."""
    attributes = res.attributes
    total = attributes.get(whole)
    present = [key for key in parts if key in attributes]
    if total is None or not present:
        return
    counted = sum(attributes[key] for key in present)
    if counted <= total:
        return
    named = " and ".join(f"{key} ({attributes[key]:,})" for key in present)
    verb = "is" if len(present) == 1 else "add up to"
    yield (
        res,
        (present[0],),
        f"{label}: {named} {verb} more than {whole} ({total:,}), {meaning}",
    )


def _transfer(res: Resource, groups: Mapping[str | None, Any] | None) -> Iterator[Problem]:
    attributes = res.attributes
    label = f"transfers {quote_value(res.id)}"
    group = attributes.get("distinct_group")
    if groups is None or group is None or group in groups:
        return
    known = sorted(name for name in groups if name is not None)
    hint = difflib.get_close_matches(group, known, n=1)
    yield (
        res,
        ("distinct_group",),
        f"{label}: distinct_group refers to {quote_value(group)}, which is not a group of "
        "organization.export_totals" + (f" (did you mean {hint[0]!r}?)" if hint else ""),
    )


def _assessment(res: Resource) -> Iterator[Problem]:
    attributes = res.attributes
    scope = attributes.get("approved_scope")
    if scope is None:
        return
    label = f"assessments {quote_value(res.id)}"
    if attributes["kind"] not in APPROVAL_KINDS:
        yield (
            res,
            ("approved_scope",),
            f"{label}: approved_scope belongs to an export approval (kind "
            f"{', '.join(APPROVAL_KINDS)}), not to kind {quote_value(attributes['kind'])}",
        )
    valid_until = scope.get("valid_until")
    if valid_until is not None and valid_until < attributes["date"]:
        yield (
            res,
            ("approved_scope", "valid_until"),
            f"{label}: approved_scope.valid_until {valid_until} is before the date of the "
            f"approval, {attributes['date']}",
        )
