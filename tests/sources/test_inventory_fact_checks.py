"""Facts that must agree (sources/inventory_facts.py): contradictions among the new inventory
facts are refused with file and line; each check at, just below and just above its boundary."""

from __future__ import annotations

from pathlib import Path

import pytest
from inventorykit import DS, ORG, TR, accepts, problems, problems_of, write

APPROVAL = "assessments:\n  - id: a\n    kind: export_certification\n    date: 2025-01-01\n"


# -- export_totals: one entry per (year, group); groups must resolve --------------------------


def totals(*entries: str) -> str:
    return ORG + "  export_totals:\n" + "".join(f"    - {entry}\n" for entry in entries)


def test_two_totals_for_one_year_and_group_name_both_lines(tmp_path: Path) -> None:
    body = totals(
        "{year: 2026, individuals: 1, sensitive_individuals: 0, group: eu}",
        "{year: 2026, individuals: 2, sensitive_individuals: 0}",
        "{year: 2026, individuals: 3, sensitive_individuals: 0, group: eu}",
    )
    assert problems_of(tmp_path, body) == [
        "inv.yaml:7: organization: export_totals[2]: a second entry for year 2026 and group "
        "'eu'; the first is at inv.yaml:5; give each (year, group) one entry"
    ]


def test_two_organization_wide_totals_for_one_year_are_an_error(tmp_path: Path) -> None:
    body = totals(
        "{year: 2026, individuals: 1, sensitive_individuals: 0}",
        "{year: 2026, individuals: 2, sensitive_individuals: 0, method: recount}",
    )
    assert problems_of(tmp_path, body) == [
        "inv.yaml:6: organization: export_totals[1]: a second entry for year 2026 and no "
        "group; the first is at inv.yaml:5; give each (year, group) one entry"
    ]


def test_other_years_and_other_groups_are_separate_entries(tmp_path: Path) -> None:
    body = totals(
        "{year: 2026, individuals: 1, sensitive_individuals: 0}",
        "{year: 2025, individuals: 1, sensitive_individuals: 0}",
        "{year: 2026, individuals: 1, sensitive_individuals: 0, group: eu}",
        "{year: 2026, individuals: 1, sensitive_individuals: 0, group: us}",
        "{year: 2025, individuals: 1, sensitive_individuals: 0, group: eu}",
    )
    assert len(accepts(tmp_path, body).organization["export_totals"]) == 5


def test_a_dangling_distinct_group_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    org = write(
        tmp_path,
        "org.yaml",
        """
        version: 1
        organization:
          name: X
          export_totals:
            - {year: 2026, individuals: 1, sensitive_individuals: 0, group: hr-exports}
        """,
    )
    transfers = write(
        tmp_path,
        "transfers.yaml",
        """
        version: 1
        transfers:
          - id: ok
            destination: SG
            distinct_group: hr-exports
          - id: typo
            destination: SG
            distinct_group: hr-export
        """,
    )
    assert problems([org, transfers], tmp_path) == [
        "transfers.yaml:8: transfers 'typo': distinct_group refers to 'hr-export', which is not "
        "a group of organization.export_totals (did you mean 'hr-exports'?)"
    ]


def test_a_distinct_group_needs_an_organization_entry(tmp_path: Path) -> None:
    body = TR + "    distinct_group: hr\n"
    assert problems_of(tmp_path, body) == [
        "inv.yaml:5: transfers 't': distinct_group refers to 'hr', which is not a group of "
        "organization.export_totals"
    ]
    # an organization-wide entry (no group) does not define a group
    body = totals("{year: 2026, individuals: 1, sensitive_individuals: 0}") + body
    assert len(problems_of(tmp_path, body)) == 1


def test_groups_are_not_checked_when_a_file_could_not_be_loaded(tmp_path: Path) -> None:
    """The organization may be in the broken file: a dangling group would mislead."""
    broken = write(tmp_path, "org.yaml", "version: 1\norganization: [\n")
    transfers = write(tmp_path, "t.yaml", "version: 1\n" + TR + "    distinct_group: hr\n")
    (found,) = problems([broken, transfers], tmp_path)
    assert found.startswith("org.yaml:")


# -- the other facts that must agree ----------------------------------------------------------


@pytest.mark.parametrize(
    ("under_14", "band_14_17", "ok"),
    [(60, 40, True), (60, 39, True), (61, 40, False), (101, None, False), (None, 100, True)],
)
def test_the_organization_age_bands_fit_in_minors_users(
    tmp_path: Path, under_14: int | None, band_14_17: int | None, ok: bool
) -> None:
    body = ORG + "  minors_users: 100\n"
    if under_14 is not None:
        body += f"  minors_under_14_users: {under_14}\n"
    if band_14_17 is not None:
        body += f"  minors_14_to_17_users: {band_14_17}\n"
    if ok:
        accepts(tmp_path, body)
        return
    (found,) = problems_of(tmp_path, body)
    assert found.startswith("inv.yaml:5: organization: minors_under_14_users (")
    assert found.endswith("more than minors_users (100), the users under 18")


def test_the_age_bands_are_free_without_minors_users(tmp_path: Path) -> None:
    accepts(tmp_path, ORG + "  minors_under_14_users: 7\n  minors_14_to_17_users: 9\n")


@pytest.mark.parametrize(
    ("under_14", "band_14_17", "expected"),
    [
        (50, 50, None),
        (
            51,
            50,
            "minors_under_14_individuals (51) and minors_14_to_17_individuals (50) add up "
            "to more than individuals (100), the individuals it holds",
        ),
        (
            None,
            101,
            "minors_14_to_17_individuals (101) is more than individuals (100), the "
            "individuals it holds",
        ),
    ],
)
def test_a_datasets_age_bands_fit_in_its_individuals(
    tmp_path: Path, under_14: int | None, band_14_17: int | None, expected: str | None
) -> None:
    body = DS + "    individuals: 100\n"
    if under_14 is not None:
        body += f"    minors_under_14_individuals: {under_14}\n"
    if band_14_17 is not None:
        body += f"    minors_14_to_17_individuals: {band_14_17}\n"
    if expected is None:
        accepts(tmp_path, body)
    else:
        assert problems_of(tmp_path, body) == [f"inv.yaml:5: datasets 'd': {expected}"]


@pytest.mark.parametrize("band", ["minors_under_14", "minors_14_to_17"])
@pytest.mark.parametrize(
    ("count", "flag", "ok"), [(0, "false", True), (1, "false", False), (1, "true", True)]
)
def test_a_band_count_contradicting_its_flag_is_refused(
    tmp_path: Path, band: str, count: int, flag: str, ok: bool
) -> None:
    body = DS + f"    {band}: {flag}\n    {band}_individuals: {count}\n"
    if ok:
        accepts(tmp_path, body)
    else:
        assert problems_of(tmp_path, body) == [
            f"inv.yaml:5: datasets 'd': {band}_individuals is {count} but {band} is false"
        ]


@pytest.mark.parametrize(("is_state_organ", "ok"), [("true", True), ("false", False), (None, True)])
def test_a_state_organ_level_needs_a_state_organ(
    tmp_path: Path, is_state_organ: str | None, ok: bool
) -> None:
    body = ORG + "  state_organ_level: central\n"
    if is_state_organ is not None:
        body += f"  is_state_organ: {is_state_organ}\n"
    if ok:
        accepts(tmp_path, body)
    else:
        assert problems_of(tmp_path, body) == [
            "inv.yaml:4: organization: state_organ_level is set but is_state_organ is false; "
            "remove state_organ_level or set is_state_organ: true"
        ]


@pytest.mark.parametrize(
    ("valid_until", "ok"), [("2024-12-31", False), ("2025-01-01", True), ("2025-01-02", True)]
)
def test_an_approval_is_not_valid_until_before_its_date(
    tmp_path: Path, valid_until: str, ok: bool
) -> None:
    body = APPROVAL + f'    approved_scope:\n      valid_until: "{valid_until}"\n'
    if ok:
        accepts(tmp_path, body)
    else:
        assert problems_of(tmp_path, body) == [
            f"inv.yaml:7: assessments 'a': approved_scope.valid_until {valid_until} is before "
            "the date of the approval, 2025-01-01"
        ]


@pytest.mark.parametrize(
    ("kind", "ok"),
    [
        ("export_security_assessment", True),
        ("export_certification", True),
        ("standard_contract_filing", True),
        ("self_assessment", False),
        ("pia", False),
    ],
)
def test_only_an_export_approval_has_an_approved_scope(tmp_path: Path, kind: str, ok: bool) -> None:
    body = f"assessments:\n  - id: a\n    kind: {kind}\n    date: 2025-01-01\n"
    body += "    approved_scope:\n      max_individuals: 10\n"
    if ok:
        accepts(tmp_path, body)
    else:
        assert problems_of(tmp_path, body) == [
            "inv.yaml:6: assessments 'a': approved_scope belongs to an export approval (kind "
            "export_security_assessment, export_certification, standard_contract_filing), not "
            f"to kind '{kind}'"
        ]
