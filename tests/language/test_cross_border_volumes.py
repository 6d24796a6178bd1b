"""The cross-border bands count the audit year's distinct individuals, and say so (issue 15).

The shipped cross-border pack is compiled and run on transfers; the failing messages must give
the year's total, the period and how the figure was reached (a recorded distinct count, or a
sum that is an upper bound).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from dsaudit import testing
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


def test_a_real_inventory_with_export_totals_and_groups(tmp_path: Path) -> None:
    """The issue's example end to end: two transfers of the same 60,000 customers."""

    def audit(grouped: bool) -> dict[tuple[str, str], Any]:
        transfers = [
            {
                "id": f"t{i}",
                "destination": "US",
                "recipient": "Overseas Co",
                "year": 2026,
                "individuals_ytd": 60_000,
                "mechanism": "none",
                **({"distinct_group": "crm"} if grouped else {}),
            }
            for i in range(2)
        ]
        org: dict[str, Any] = {"name": "Acme", "is_ciio": False}
        if grouped:
            org["export_totals"] = [{"year": 2026, "group": "crm", "individuals": 60_000}]
        inventory = {"version": 1, "organization": org, "transfers": transfers}
        (tmp_path / "inventory").mkdir(exist_ok=True)
        (tmp_path / "inventory" / "inventory.yaml").write_text(yaml.safe_dump(inventory), "utf-8")
        result = testing.audit_folder(tmp_path, testing.plugin_host(), packs=["cross-border"])
        bands = ("XB-ASSESS", "XB-SCC-CERT", "XB-EXEMPT")
        assert not [r for r in result.results if r.status is Status.ERROR]
        return {(r.rule_id, r.resource_id): r for r in result.results if r.rule_id in bands}

    counted_once = audit(grouped=True)
    assert {key: r.status for key, r in counted_once.items()} == {
        ("XB-EXEMPT", "t0"): Status.PASS,  # 60,000 distinct individuals: the small-volume band
        ("XB-EXEMPT", "t1"): Status.PASS,
    }
    summed = audit(grouped=False)
    failed = summed[("XB-SCC-CERT", "t0")]
    assert failed.status is Status.FAIL
    assert "120000 individuals (summed over 2 transfers" in failed.message
