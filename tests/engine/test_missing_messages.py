"""A missing deciding value reads "not recorded" and says what to record, never a claim.

The shipped rules' failing messages are checked here (the pack test format checks statuses
only): each rule that used to state a fact about a value nobody recorded now gives its
``message_missing`` text when the value is absent, and its ordinary message otherwise.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from dsaudit.authoring.ruletests import Case, load_cases, run_case
from dsaudit.core.errors import RuleCompileError
from dsaudit.core.taxonomy import load_taxonomy
from dsaudit.language.conditions import CompileEnv
from dsaudit.language.packs import Pack, builtin_pack_paths, compile_rule, load_pack
from dsaudit.plugin.host import get_plugin_host
from dsaudit.plugin.registry import collect_registry

PACKS = {path.name: path for path in builtin_pack_paths()}


@pytest.fixture(scope="module")
def env() -> CompileEnv:
    found = collect_registry(get_plugin_host())
    return CompileEnv(checks=found.checks, taxonomy=load_taxonomy(), operators=found.operators)


def failing_message(
    env: CompileEnv,
    pack_name: str,
    rule_id: str,
    attributes: dict[str, Any],
    block: dict[str, Any] | None = None,
    pack: Pack | None = None,
) -> str:
    pack = pack or load_pack(PACKS[pack_name])
    source = next(src for src in pack.rules if src.data["id"] == rule_id)
    block = {"as_of": dt.date(2026, 6, 1), **(block or {})}
    case = Case(rule_id, "case", "fail", None, attributes, None, block, {}, "test")
    outcome = run_case(case, source, pack, env)
    assert outcome.actual == "fail", outcome
    return outcome.message


PERSONAL = [{"name": "n", "category": "name"}]
CIIO = {"organization": {"name": "Hospital", "is_ciio": True}}

# (pack, rule, attributes when the value is missing, test block, what the message must say,
#  the claim it must no longer make)
MISSING = [
    (
        "pipl",
        "PIPL-LEGAL-BASIS",
        {"fields": PERSONAL},
        {},
        "records no legal basis (legal_basis is not recorded); record one of PIPL Art. 13",
        "which is not one of",
    ),
    (
        "pipl",
        "PIPL-SENSITIVE-SEPARATE-CONSENT",
        {"legal_basis": "consent", "fields": [{"name": "f", "category": "face"}]},
        {},
        "records no consent type (consent_type is not recorded); record consent_type",
        "on consent type",
    ),
    (
        "pipl",
        "PIPL-MINOR-GUARDIAN-CONSENT",
        {"minors_under_14": True},
        {},
        "records no consent type (consent_type is not recorded)",
        "with consent type",
    ),
    (
        "pipl",
        "PIPL-RETENTION-LIMIT",
        {"fields": PERSONAL},
        {},
        "records no retention period (retention_days is not recorded); record retention_days",
        "with retention",
    ),
    (
        "pipl",
        "PIPL-PUBLIC-CAMERA-PURPOSE",
        {"type": "cctv"},
        {},
        "or records no purposes for them (purposes: 0); record purposes",
        "images for 0",
    ),
    (
        "pipl",
        "PIPL-OVERSEAS-REPRESENTATIVE",
        {"country": "US", "targets_cn_individuals": True},
        {},
        "records no representative in China (cn_representative is not recorded)",
        "established in",
    ),
    (
        "pipl",
        "PIPL-COMPLIANCE-AUDIT",
        {"individuals_total": 12000000},
        {},
        "No PI compliance audit is recorded (last_pi_audit is not recorded",
        "is older than",
    ),
    (
        "pipl",
        "PIPL-LARGE-PLATFORM-REPORT",
        {"is_large_platform": True},
        {},
        "No PI social-responsibility report is recorded (annual_pi_report_date is not recorded)",
        "is older than",
    ),
    (
        "pipl",
        "PIPL-DSR-RESPONSE-TIME",
        {"dsr_channel": "form"},
        {},
        "No response time for data-subject requests is recorded",
        "are answered within",
    ),
    (
        "pipl",
        "PIPL-ENTRUSTED-SUPERVISION",
        {"name": "Cloud Co"},
        {},
        "has no review recorded (last_reviewed_at is not recorded)",
        "was last reviewed",
    ),
    (
        "csl",
        "CSL-CIIO-LOCALIZATION",
        {"fields": PERSONAL},
        CIIO,
        "records no storage region (storage_region is not recorded); record storage_region",
        "outside mainland China",
    ),
    (
        "ndsmr",
        "NDSMR-PROVISION-RECORDS",
        {"name": "Cloud Co"},
        {},
        "records no retention for the entrustment records",
        "are kept",
    ),
    (
        "mlps-admin",
        "MLPS-EVAL-L3",
        {"id": "s", "mlps_level": 3},
        {},
        "records no MLPS evaluation (last_mlps_eval is not recorded)",
        "was last evaluated",
    ),
]


@pytest.mark.parametrize(
    ("pack", "rule_id", "attributes", "block", "says", "claim"),
    MISSING,
    ids=[row[1] for row in MISSING],
)
def test_a_missing_value_says_not_recorded_and_what_to_record(
    env: CompileEnv,
    pack: str,
    rule_id: str,
    attributes: dict[str, Any],
    block: dict[str, Any],
    says: str,
    claim: str,
) -> None:
    message = failing_message(env, pack, rule_id, attributes, block)
    assert says in message
    assert claim not in message
    assert "<missing>" not in message


# The same rules with the value recorded keep the message that states it.
RECORDED = [
    (
        "pipl",
        "PIPL-LEGAL-BASIS",
        {"legal_basis": "legitimate_interest", "fields": PERSONAL},
        {},
        "has legal basis legitimate_interest, which is not one of PIPL Art. 13's bases",
    ),
    (
        "csl",
        "CSL-CIIO-LOCALIZATION",
        {"storage_region": "SG", "fields": PERSONAL},
        CIIO,
        "is stored in SG, outside mainland China",
    ),
    (
        "pipl",
        "PIPL-COMPLIANCE-AUDIT",
        {"individuals_total": 12000000, "last_pi_audit": "2023-05-01"},
        {},
        "The last PI compliance audit (2023-05-01) is older than 730 days",
    ),
    (
        "mlps-admin",
        "MLPS-EVAL-L3",
        {"id": "s", "mlps_level": 3, "last_mlps_eval": "2025-04-01"},
        {},
        "more than 365 days ago; the law allows at most 365 days",
    ),
    (
        "ndsmr",
        "NDSMR-PROVISION-RECORDS",
        {"name": "C", "records_retention_days": 365},
        {},
        "are kept 365 days, fewer than 1095; the law requires at least 1095 days (three years)",
    ),
]


@pytest.mark.parametrize(
    ("pack", "rule_id", "attributes", "block", "says"), RECORDED, ids=[r[1] for r in RECORDED]
)
def test_a_recorded_value_keeps_the_message_that_states_it(
    env: CompileEnv,
    pack: str,
    rule_id: str,
    attributes: dict[str, Any],
    block: dict[str, Any],
    says: str,
) -> None:
    assert says in failing_message(env, pack, rule_id, attributes, block)


@pytest.mark.parametrize(
    ("attributes", "says"),
    [
        ({"destination": "US", "individuals_ytd": 10}, "separate_consent: not recorded"),
        ({"destination": "US", "individuals_ytd": 10, "legal_basis": "consent",
          "separate_consent": False}, "separate_consent: false"),
    ],
    ids=["no basis, no consent", "consent basis, bundled consent"],
)  # fmt: skip
def test_xb_consent_does_not_claim_a_basis_nobody_recorded(
    env: CompileEnv, attributes: dict[str, Any], says: str
) -> None:
    message = failing_message(env, "cross-border", "XB-CONSENT", attributes)
    assert "relies on consent" not in message
    assert "legal_basis is consent or is not recorded" in message
    assert "record the legal basis" in message
    assert says in message


def test_every_shipped_failing_case_renders_no_missing_marker(env: CompileEnv) -> None:
    """Over every failing case the packs ship: a missing value never shows as <missing>."""
    checked = 0
    for path in PACKS.values():
        pack = load_pack(path)
        by_id = {src.data["id"]: src for src in pack.rules}
        cases, _ = load_cases(pack)
        for case in cases:
            if case.expect != "fail" or case.rule_id not in by_id:
                continue
            outcome = run_case(case, by_id[case.rule_id], pack, env)
            assert "<missing>" not in outcome.message, (case.source, outcome.message)
            checked += 1
    assert checked > 100


PACK_YAML = """
name: mini
version: 1.0.0
jurisdiction: CN
law: CSL
instrument: {title: Test instrument, effective: "2020-01-01"}
"""


def _mini(tmp_path: Path, rule_extra: str) -> Pack:
    (tmp_path / "rules").mkdir()
    (tmp_path / "pack.yaml").write_text(PACK_YAML, "utf-8")
    (tmp_path / "rules" / "r.yaml").write_text(
        "rules:\n"
        "  - id: MINI-DAYS\n"
        "    title: Kept long enough\n"
        "    severity: high\n"
        "    refs: [{law: CSL, article: '23'}]\n"
        "    applies_to: {kind: dataset}\n"
        "    condition: {path: days, gte: {param: min_days}}\n"
        "    params: {min_days: {default: 180, legal_value: 180, stricter: higher}}\n"
        f"{rule_extra}"
        "    remediation: Keep it longer.\n",
        "utf-8",
    )
    return load_pack(tmp_path)


def test_message_missing_is_used_only_when_the_deciding_value_is_absent(
    env: CompileEnv, tmp_path: Path
) -> None:
    pack = _mini(
        tmp_path,
        '    message: "Kept {value} days."\n'
        '    message_missing: "No days recorded ({path} is {value}); record days."\n',
    )
    assert failing_message(env, "", "MINI-DAYS", {}, pack=pack) == (
        "No days recorded (days is not recorded); record days."
    )
    assert failing_message(env, "", "MINI-DAYS", {"days": 179}, pack=pack) == "Kept 179 days."
    # a value recorded as null is recorded: the ordinary message
    assert failing_message(env, "", "MINI-DAYS", {"days": None}, pack=pack) == "Kept null days."


def test_without_message_missing_value_reads_not_recorded(env: CompileEnv, tmp_path: Path) -> None:
    pack = _mini(tmp_path, '    message: "Kept {value} days."\n')
    assert failing_message(env, "", "MINI-DAYS", {}, pack=pack) == "Kept not recorded days."


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ('    message: "ok"\n    message_missing: "{nope}"\n',
         "rule MINI-DAYS: message_missing: unknown placeholder {nope}"),
        ('    message: "ok"\n    message_missing: "{value.x}"\n',
         "rule MINI-DAYS: message_missing: placeholder {value.x} is not allowed"),
        ('    message: "{days_legal}"\n',
         "rule MINI-DAYS: message: unknown placeholder {days_legal}"),
    ],
    ids=["unknown name", "attribute access", "legal of an unknown parameter"],
)  # fmt: skip
def test_message_missing_is_checked_when_the_pack_loads(
    env: CompileEnv, tmp_path: Path, extra: str, error: str
) -> None:
    pack = _mini(tmp_path, extra)
    with pytest.raises(RuleCompileError) as info:
        compile_rule(pack.rules[0], pack, env)
    assert error in str(info.value)
    assert "r.yaml" in str(info.value)
