"""Rule test cases sit at, just below and just above every numeric threshold and deadline.

A threshold moved from 1,095 to 730 days must fail a rule test: so for every rule parameter
with a numeric ``legal_value`` N, the rule's cases must measure N, a value in [N-1, N) and one in
(N, N+1]. What is measured, and the limits of the check (aggregates, ``years`` offsets, text
durations such as ``"6 months"`` are not read and are listed as "not checked"), are in
tests/law/thresholds.py. Gaps known when this test was written are in KNOWN_GAPS, so the test
fails on a *new* gap only; when cases are added, the entry must go (test_known_gaps_still_exist).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from thresholds import boundary_gaps

KNOWN_GAPS: dict[tuple[str, str], str] = {
    # (rule id, parameter): what is missing, as boundary_gaps() words it. Today's gaps, to be
    # closed by adding cases to rules/<pack>/tests/ (and removing the entry here).
    ("AUDIT-ORDERED", "individuals"): "no case at, just below, just above 1000000",
    ("AUDIT-ORDERED", "sensitive_individuals"): "no case at, just below, just above 100000",
    ("AUDIT-PIPO-CONTACT", "threshold"): "no case at, just above 1000000",
    ("CFG-LOG-RETENTION", "min_days"): "not checked (legal_value is text: '6 months')",
    ("CIIR-ANNUAL-ASSESSMENT", "interval_days"): "no case at, just below, just above 365",
    ("CSL-LOG-RETENTION", "min_days"): "not checked (legal_value is text: '6 months')",
    ("DSL-IMPORTANT-RISK-ASSESSMENT", "interval_days"): "no case at, just below, just above 365",
    # years offsets are not read; the cases sit at one year, a day less and a day more, and
    # across 29 February (rules/minors/tests/minors.yaml)
    ("MINREG-ANNUAL-AUDIT", "interval_years"): "not checked (shape not read)",
    ("MINREG-PLATFORM-SR-REPORT", "interval_years"): "not checked (shape not read)",
    ("MLPS-AU-RETENTION-JOURNALD", "min_days"): "not checked (legal_value is text: '6 months')",
    ("MLPS-AU-RETENTION-LOGROTATE", "min_days"): "not checked (legal_value is text: '6 months')",
    # a calendar-year offset (as_of minus 1 year) is not read; its cases sit at, a day inside
    # and a day outside the year (and across 29 February) in rules/mlps-admin/tests
    ("MLPS-CRYPTO-ASSESSMENT", "interval_years"): "not checked (shape not read)",
    ("MLPS-EVAL-L3", "interval_days"): "no case at, just below, just above 365",
    ("MLPS-EVAL-L4", "interval_days"): "no case at, just below, just above 182",
    ("MLPS-FILING", "filing_days"): "no case at, just below, just above 30",
    ("MLPS-FILING-DEADLINE", "filing_days"): "no case at, just below, just above 30",
    # a calendar-year offset, as MLPS-CRYPTO-ASSESSMENT; cases in rules/ndsmr/tests/risk-report.yaml
    ("NDSMR-ANNUAL-ASSESSMENT", "interval_years"): "not checked (shape not read)",
    ("NDSMR-LARGE-PROCESSOR-DUTIES", "threshold"): "no case just above 10000000",
    ("NDSMR-PROVISION-RECORDS", "min_days"): "no case just below, just above 1095",
    ("PIPL-COMPLIANCE-AUDIT", "interval_days"): "no case at, just below, just above 730",
    ("PIPL-COMPLIANCE-AUDIT", "threshold"): "no case just below, just above 10000000",
    ("PIPL-PIA-RETENTION", "keep_years"): "not checked (shape not read)",
    # Shapes this test cannot read (working-day and year offsets, named checks, the pack's
    # named volume conditions); their rule cases sit at the boundaries by hand: 29th, 30th
    # and 31st working day; two and three audits in a row; 9,999 / 10,000 / 10,001 and
    # 999,999 / 1,000,000 / 1,000,001 individuals; the day before, of and after expiry.
    ("AUDIT-PIPO-FILED-ON-TIME", "filing_working_days"): "not checked (shape not read)",
    ("AUDIT-ROTATION", "max_consecutive"): "not checked (shape not read)",
    ("XB-CERT-ELIGIBLE", "individuals_assessment"): "not checked (shape not read)",
    ("XB-CERT-ELIGIBLE", "sensitive_assessment"): "not checked (shape not read)",
    ("XB-CERT-TERM", "validity_years"): "not checked (shape not read)",
    ("XB-CERT-VALID", "validity_years"): "not checked (shape not read)",
    ("PIPL-PIPO", "threshold"): "no case at, just above 1000000",
    ("XB-ASSESS", "individuals_assessment"): "not checked (shape not read)",
    ("XB-ASSESS", "sensitive_assessment"): "not checked (shape not read)",
    ("XB-EXEMPT", "individuals_contract"): "not checked (shape not read)",
    ("XB-SAM-ASSESS", "individuals_assessment"): "not checked (shape not read)",
    ("XB-SAM-ASSESS", "processor_individuals"): "no case at, just below, just above 1000000",
    ("XB-SAM-ASSESS", "sensitive_assessment"): "not checked (shape not read)",
    ("XB-SCC-CERT", "individuals_assessment"): "not checked (shape not read)",
    ("XB-SCC-CERT", "individuals_contract"): "not checked (shape not read)",
    ("XB-SCC-CERT", "sensitive_assessment"): "not checked (shape not read)",
}


@pytest.fixture(scope="module")
def gaps() -> dict[tuple[str, str], str]:
    return boundary_gaps()


def test_no_new_boundary_gap(gaps: dict[tuple[str, str], str]) -> None:
    new = {k: v for k, v in gaps.items() if KNOWN_GAPS.get(k) != v}
    assert not new, f"{len(new)} threshold(s) without boundary cases:\n" + "\n".join(
        f"{rule} {param}: {what}" for (rule, param), what in sorted(new.items())
    )


def test_known_gaps_still_exist(gaps: dict[tuple[str, str], str]) -> None:
    closed = sorted(k for k in KNOWN_GAPS if k not in gaps)
    assert not closed, f"closed, remove from KNOWN_GAPS: {closed}"


def _pack(root: Path, rule: dict[str, Any], cases: list[dict[str, Any]], **block: Any) -> Path:
    pack = root / "pack"
    (pack / "rules").mkdir(parents=True)
    (pack / "tests").mkdir()
    manifest = {"name": "t", "version": "1.0.0", "jurisdiction": "CN", "law": "T",
                "instrument": {"title": "T", "effective": "2020-01-01"}}  # fmt: skip
    (pack / "pack.yaml").write_text(yaml.safe_dump(manifest), "utf-8")
    base = {"id": "T-1", "title": "A threshold", "severity": "low",
            "refs": [{"law": "T", "article": "1"}], "message": "m", "remediation": "r"}  # fmt: skip
    (pack / "rules" / "r.yaml").write_text(yaml.safe_dump({"rules": [{**base, **rule}]}), "utf-8")
    tests = {"tests": [{"rule": "T-1", **block, "cases": cases}]}
    (pack / "tests" / "t.yaml").write_text(yaml.safe_dump(tests), "utf-8")
    return pack


COUNT = {
    "applies_to": {"kind": "dataset"},
    "condition": {"path": "copies", "gte": {"param": "n"}},
    "params": {"n": {"default": 10, "legal_value": 10}},
}
WITHIN = {
    "applies_to": {"kind": "dataset"},
    "condition": {"path": "review.date", "within_days": {"param": "n"}},
    "params": {"n": {"default": 30, "legal_value": 30}},
}


def _cases(key: str, values: list[Any]) -> list[dict[str, Any]]:
    return [
        {"name": f"v{i}", "expect": "pass", "attributes": {key: v}} for i, v in enumerate(values)
    ]


@pytest.mark.parametrize(
    ("rule", "cases", "block", "gap"),
    [
        (COUNT, _cases("copies", [9, 10, 11]), {}, None),
        (COUNT, _cases("copies", [0, 10, 11]), {}, "no case just below 10"),
        (COUNT, _cases("copies", [9, 11]), {}, "no case at 10"),
        (COUNT, _cases("copies", [9, 10, 12]), {}, "no case just above 10"),
        (
            COUNT,
            _cases("copies", [9, 10, 11]),
            {"params": {"n": 5}},
            "no case at, just below, just above 10",
        ),
        # the path is found at any depth (a list of items, a nested mapping)
        (
            COUNT,
            _cases("items", [[{"copies": 9}, {"copies": 10}], {"x": {"copies": 11}}]),
            {},
            None,
        ),
        # within_days: days from the date to the block's as_of
        (
            WITHIN,
            [
                {"name": n, "expect": "pass", "attributes": {"review": {"date": d}}}
                for n, d in (("at", "2026-05-02"), ("below", "2026-05-03"), ("above", "2026-05-01"))
            ],
            {"as_of": "2026-06-01"},
            None,
        ),
        (
            WITHIN,
            [{"name": "at", "expect": "pass", "attributes": {"review": {"date": "2026-05-02"}}}],
            {"as_of": "2026-06-01"},
            "no case just below, just above 30",
        ),
        (
            {**COUNT, "condition": {"years": {"param": "n"}, "path": "x"}},
            [],
            {},
            "not checked (shape not read)",
        ),
        (
            {**COUNT, "params": {"n": {"default": "6 months", "legal_value": "6 months"}}},
            [],
            {},
            "not checked (legal_value is text: '6 months')",
        ),
    ],
    ids=[
        "all-three",
        "far-below",
        "no-at",
        "far-above",
        "overridden",
        "deep",
        "within-days",
        "within-days-at-only",
        "not-read",
        "text-duration",
    ],
)
def test_checker_finds(
    tmp_path: Path, rule: dict[str, Any], cases: list[dict[str, Any]], block: dict[str, Any],
    gap: str | None,
) -> None:  # fmt: skip
    found = boundary_gaps([_pack(tmp_path, rule, cases, **block)])
    assert found.get(("T-1", "n")) == gap
