"""The shipped rules' ids, severities and citations match the reviewed golden table.

A changed severity or citation must be a deliberate diff of tests/law/golden_rules.tsv:
regenerate it with ``python -m tests.law.golden --write`` (see tests/law/golden.py) and have the
diff reviewed against docs/severity.md and the official text.
"""

from __future__ import annotations

import difflib

import pytest
from golden import read_golden, ref_cell, rows


def test_packs_match_the_golden_table() -> None:
    golden, current = read_golden(), rows()
    diff = "\n".join(
        difflib.unified_diff(golden, current, "golden_rules.tsv", "shipped packs", lineterm="", n=0)
    )
    assert golden == current, (
        "rules differ from tests/law/golden_rules.tsv (if deliberate: "
        f"python -m tests.law.golden --write, and review):\n{diff}"
    )


def test_golden_rows_are_sorted_and_unique() -> None:
    ids = [line.split("\t")[0] for line in read_golden()]
    assert ids == sorted(set(ids))


@pytest.mark.parametrize(
    ("ref", "cell"),
    [
        ({"law": "PIPL", "article": "56"}, "PIPL 56"),
        ({"law": "PIPL", "article": 13, "clause": 1}, "PIPL 13(1)"),
        (
            {
                "law": "CSL",
                "article": "23",
                "clause": "3",
                "former_article": "21",
                "in_force_from": "2026-01-01",
            },
            "CSL 23(3) ~21 [2026-01-01..]",
        ),
        ({"law": "CSL", "article": "21", "in_force_until": "2026-01-01"}, "CSL 21 [..2026-01-01]"),
    ],
)
def test_ref_cell(ref: dict[str, object], cell: str) -> None:
    assert ref_cell(ref) == cell
