"""The cross-border bands count the audit year's distinct individuals, and say so (issue 15).

The shipped cross-border pack is compiled and run on transfers; the failing messages must give
the year's total, the period and how the figure was reached (a recorded distinct count, or a
sum that is an upper bound).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dsaudit.core.models import Resource, Status
from dsaudit.core.taxonomy import load_taxonomy
from dsaudit.engine.evaluation import build_facts, evaluate
from dsaudit.language.conditions import CompileEnv
from dsaudit.language.packs import builtin_packs_dir, compile_packs, load_pack

AS_OF = dt.date(2026, 6, 1)


def run(org: dict[str, Any], *transfers: dict[str, Any]) -> dict[tuple[str, str], Any]:
    pack = load_pack(builtin_packs_dir() / "cross-border")
    taxonomy = load_taxonomy()
    compiled = compile_packs(
        [pack], CompileEnv(taxonomy=taxonomy), as_of=AS_OF, only=["XB-ASSESS", "XB-SCC-CERT"]
    )
    resources = [Resource("organization", "org", org)] + [
        Resource("transfer", f"t{i}", t) for i, t in enumerate(transfers)
    ]
    facts, _ = build_facts(resources, AS_OF, taxonomy)
    results = evaluate(compiled.rules, facts).results
    return {(r.rule_id, r.resource_id): r for r in results}


def test_the_message_gives_the_years_total_its_period_and_that_a_sum_is_an_upper_bound() -> None:
    out = run(
        {"is_ciio": False},
        {"destination": "US", "individuals_ytd": 60_000, "mechanism": "none"},
        {"destination": "DE", "individuals_ytd": 50_000, "mechanism": "none"},
        {"destination": "US", "individuals_ytd": 900_000, "year": 2025, "mechanism": "none"},
    )
    result = out[("XB-SCC-CERT", "t0")]
    assert result.status is Status.FAIL
    assert "Exported in 2026-01-01 to 2026-06-01: the PI of 110000 individuals" in result.message
    assert "summed over 2 transfers in 2026-01-01 to 2026-06-01: an upper bound" in result.message
    assert "the sensitive PI of 0 individuals" in result.message
    assert ("XB-SCC-CERT", "t2") not in out  # a 2025 record is not in the 2026 band at all


def test_a_recorded_distinct_total_is_named_as_such() -> None:
    org = {"is_ciio": False, "export_totals": [{"year": 2026, "individuals": 1_000_000}]}
    out = run(org, {"destination": "US", "individuals_ytd": 700_000, "mechanism": "none"})
    result = out[("XB-ASSESS", "t0")]
    assert result.status is Status.FAIL
    assert "the PI of 1000000 individuals (the distinct count recorded for 2026)" in result.message
