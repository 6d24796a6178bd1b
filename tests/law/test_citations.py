"""Every cited article (and clause) of a law whose text ships exists in the text in force for
the ref, and every ``verified:`` quote occurs verbatim in the article it cites.

The rules are in tests/law/lawrefs.py (module docstring). The test lists every problem at once.
Problems known when this test was written are in KNOWN_PROBLEMS, so the test fails on a *new*
problem only; when a rule is fixed, its entry must go (test_known_problems_still_exist).
"""

from __future__ import annotations

from typing import Any

import pytest
from lawrefs import Problem, citation_problems, unrecorded_refs

KNOWN_PROBLEMS: list[Problem] = [
    # Each entry: Problem(rule id, ref as lawrefs.ref_text shows it, what is wrong), e.g.
    # Problem("CSL-X", "CSL Art. 21(3) [..2026-01-01]", "Art. 21 of 2017 has no clause 6"),
    # None today: every shipped ref to a shipped text resolves and every quote is verbatim.
]


@pytest.fixture(scope="module")
def problems() -> list[Problem]:
    return citation_problems()


def test_no_new_citation_problem(problems: list[Problem]) -> None:
    new = [p for p in problems if p not in KNOWN_PROBLEMS]
    assert not new, f"{len(new)} citation problem(s):\n" + "\n".join(map(str, new))


def test_known_problems_still_exist(problems: list[Problem]) -> None:
    fixed = [p for p in KNOWN_PROBLEMS if p not in problems]
    assert not fixed, "fixed, remove from KNOWN_PROBLEMS:\n" + "\n".join(map(str, fixed))


UNRECORDED_AT_MOST = 0
"""Refs with neither a ``verified:`` entry nor an ``unverified:`` note on their rule: none since
every shipped ref was recorded (248 of 309 were not when this test was written). A new rule or
ref without either fails the test."""


def test_unrecorded_refs_do_not_grow() -> None:
    unrecorded = unrecorded_refs()
    assert len(unrecorded) <= UNRECORDED_AT_MOST, (
        f"{len(unrecorded)} refs have neither verified: nor unverified: (at most "
        f"{UNRECORDED_AT_MOST}); record the check of each new ref"
    )


def test_unrecorded_refs_counts_per_ref() -> None:
    rule = _rule([CSL_2026, CSL_2017], [{**CSL_2017, "quote": LOGS}])
    assert unrecorded_refs([rule]) == ["T-1: CSL Art. 23(3) [2026-01-01..]"]
    assert unrecorded_refs([{**rule, "unverified": "Art. 23 not checked"}]) == []


def test_some_rules_carry_verified_quotes() -> None:
    from lawrefs import shipped_rules

    verified = {r["id"] for r in shipped_rules() if r.get("verified")}
    assert {"PIPL-PIA-RETENTION", "CSL-LOG-RETENTION"} <= verified


def _rule(refs: list[dict[str, Any]], verified: list[dict[str, Any]] | None = None,
          **dates: str) -> dict[str, Any]:  # fmt: skip
    return {"id": "T-1", "refs": refs, "verified": verified or [], **dates}


LOGS = "留存相关的网络日志不少于六个月"
PIA = "个人信息保护影响评估报告和处理情况记录应当至少保存三年"
CSL_2026 = {"law": "CSL", "article": "23", "clause": "3", "in_force_from": "2026-01-01"}
CSL_2017 = {"law": "CSL", "article": "21", "clause": "3", "in_force_until": "2026-01-01"}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (_rule([CSL_2026, CSL_2017]), []),
        (
            _rule(
                [{"law": "PIPL", "article": "56"}], [{"law": "PIPL", "article": "56", "quote": PIA}]
            ),
            [],
        ),
        # a quote of another article, a clause that does not exist, a quote one character off
        (
            _rule(
                [{"law": "PIPL", "article": "55"}], [{"law": "PIPL", "article": "55", "quote": PIA}]
            ),
            ["quote '" + PIA + "' is not in Art. 55 of 2021"],
        ),
        (
            _rule([{"law": "PIPL", "article": "56", "clause": "4"}]),
            ["Art. 56 of 2021 has no clause 4"],
        ),
        (
            _rule(
                [{"law": "PIPL", "article": "56"}],
                [{"law": "PIPL", "article": "56", "quote": PIA.replace("至少", "最少")}],
            ),
            [f"quote '{PIA.replace('至少', '最少')}' is not in Art. 56 of 2021"],
        ),
        (_rule([{"law": "PIPL", "article": "75"}]), ["no Art. 75 in the 2021 text"]),
        # CSL Art. 23(3) without a window is checked in both texts: 2017 Art. 23 has no items
        (
            _rule([{"law": "CSL", "article": "23", "clause": "3"}]),
            ["Art. 23 of 2017 has no clause 3"],
        ),
        # only the 2026 text cited: the rule, in force since 2017, has no ref for the 2017 text
        (_rule([CSL_2026]), ["no ref cites the 2017 text"]),
        (_rule([CSL_2026], effective_from="2026-01-01"), []),
        # a ref whose window lies outside the rule's is never cited
        (
            _rule([CSL_2026, CSL_2017], effective_from="2026-01-01"),
            ["no shipped text is in force in its window"],
        ),
        (
            _rule([CSL_2026, CSL_2017], [{**CSL_2017, "quote": LOGS, "version": "2026"}]),
            [f"quote '{LOGS}' is not in Art. 21(3) of 2026"],
        ),
        (
            _rule(
                [CSL_2026, CSL_2017],
                [{"law": "CSL", "article": "23", "clause": "3", "quote": LOGS}],
            ),
            [],
        ),
        (
            _rule([CSL_2026, CSL_2017], [{"law": "CSL", "article": "22", "quote": LOGS}]),
            ["verified entry matches none of the rule's refs"],
        ),
        (
            _rule(
                [CSL_2026, CSL_2017],
                [{"law": "CSL", "article": "21", "quote": LOGS, "version": "2019"}],
            ),
            ["no shipped CSL text of version 2019"],
        ),
        (
            _rule([{**CSL_2026, "former_article": "20"}, CSL_2017]),
            [
                "Art. 23 of 2026 reads most like Art. 21 of 2017 (similarity 1.00), "
                "not former Art. 20"
            ],
        ),
        (
            _rule([{**CSL_2026, "former_article": "99"}, CSL_2017]),
            ["no former Art. 99 in the 2017 text"],
        ),
        # a law whose text does not ship is not checked here
        (
            _rule(
                [{"law": "CBDF", "article": "99"}], [{"law": "CBDF", "article": "99", "quote": "x"}]
            ),
            [],
        ),
    ],
    ids=[
        "ok-csl",
        "ok-pipl",
        "wrong-article",
        "no-clause",
        "not-verbatim",
        "no-article",
        "no-window",
        "gap",
        "gap-closed",
        "never-cited",
        "wrong-version",
        "clause-quote",
        "no-ref",
        "unknown-version",
        "former-renumbered",
        "former",
        "not-shipped",
    ],
)
def test_checker_finds(rule: dict[str, Any], expected: list[str]) -> None:
    assert [p.what for p in citation_problems([rule])] == expected
