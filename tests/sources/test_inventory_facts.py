"""The facts of issue 15 §5 in the inventory: accepted, refused with file and line, checked
against each other (sources/inventory_facts.py), and the minors' categories of the taxonomy."""

from __future__ import annotations

import copy
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inventorykit import DS, ORG, TR, accepts, load, problems_of, write
from jsonschema import Draft202012Validator

from dsaudit.documents.schemacheck import normalise
from dsaudit.sources.inventory import (
    SECTIONS,
    compile_fast_check,
    inventory_schema,
)

NEW_FIELDS: dict[str, set[str]] = {
    "organization": {
        "state_organ_level",
        "minors_under_14_users",
        "minors_14_to_17_users",
        "free_trade_zone",
        "listing_abroad",
        "export_totals",
    },
    "system": {
        "face_recognition",
        "app_type",
        "app_required_categories",
        "app_basic_function_without_optional_pi",
        "algorithm_filings",
        "genai_filings",
    },
    "dataset": {
        "minors_legal_basis",
        "minors_under_14_individuals",
        "minors_14_to_17",
        "minors_14_to_17_individuals",
    },
    "transfer": {"minors_legal_basis", "distinct_group"},
    "incident": {"involves_cii"},
    "assessment": {"approved_scope"},
}

EVERY_FACT = """
version: 1
organization:
  name: Facts Ltd.
  is_state_organ: true
  state_organ_level: local
  minors_users: 100
  minors_under_14_users: 60
  minors_14_to_17_users: 40
  free_trade_zone:
    name: China (Shanghai) Pilot Free Trade Zone
    registered: true
  listing_abroad:
    status: applied
    exchange: NASDAQ
    place: US
    date: 2026-03-01
    review_applied_at: 2026-01-15
  export_totals:
    - {year: 2026, individuals: 120000, sensitive_individuals: 0, method: phone hash}
    - {year: 2026, individuals: 40000, sensitive_individuals: 900, group: hr}
    - {year: 2025, individuals: 90000, sensitive_individuals: 0, group: hr}
systems:
  - id: kids-app
    name: Kids app
    type: app
    app_type: online_shopping
    app_required_categories: [phone_number, address, payment_record]
    app_basic_function_without_optional_pi: true
    face_recognition:
      individuals_stored: 100000
      purpose: parent log-in
      sole_verification: false
      template_storage: device
      retention_days: 365
      filing: {number: "SH-FR-2025-0001", filed_at: 2025-07-10}
    algorithm_filings:
      - {number: "网信算备310000000000001", filed_at: 2024-05-01, name: lesson recommender}
    genai_filings:
      - {number: "Shanghai-GAI-2025-01"}
datasets:
  - id: learners
    system: kids-app
    legal_basis: contract
    minors_legal_basis: consent
    consent_type: guardian
    individuals: 100
    minors_under_14: true
    minors_under_14_individuals: 60
    minors_14_to_17: true
    minors_14_to_17_individuals: 40
    fields:
      - {name: age, category: minor_under_14}
      - {name: grade, category: minor_14_to_17}
transfers:
  - id: hr-sg
    datasets: [learners]
    destination: SG
    legal_basis: hr
    minors_legal_basis: consent
    year: 2026
    distinct_group: hr
    individuals_ytd: 30000
incidents:
  - {id: i1, grade: general, involves_cii: false}
assessments:
  - id: sa-1
    kind: export_security_assessment
    date: 2025-06-01
    covers: [hr-sg]
    approved_scope:
      categories: [name, minor_14_to_17]
      destinations: [SG, CN-HK]
      max_individuals: 50000
      max_sensitive_individuals: 1000
      purposes: [cross-border HR management]
      valid_until: 2028-06-01
  - {id: cert-1, kind: export_certification, date: 2026-01-05}
  - {id: scc-1, kind: standard_contract_filing, date: 2026-01-06}
"""


# -- every new field, accepted ----------------------------------------------------------------


def test_every_new_field_is_in_the_schema_and_documented() -> None:
    defs = inventory_schema()["$defs"]
    doc = (Path(__file__).resolve().parents[2] / "docs" / "inventory.md").read_text("utf-8")
    for kind, names in NEW_FIELDS.items():
        assert names <= set(defs[kind]["properties"]), kind
        for name in names:
            assert f"| `{name}` |" in doc, f"docs/inventory.md has no row for {kind}.{name}"


def test_an_inventory_with_every_new_fact_loads(tmp_path: Path) -> None:
    inventory = load([write(tmp_path, "inv.yaml", EVERY_FACT)], tmp_path)
    used = {"organization": set(inventory.organization)}
    for res in inventory.resources[1:]:
        used.setdefault(res.kind, set()).update(res.attributes)
    for kind, names in NEW_FIELDS.items():
        assert names <= used[kind], (kind, names - used[kind])
    org = inventory.organization
    assert org["listing_abroad"]["date"] == "2026-03-01"  # YAML dates become ISO strings
    assert [entry.get("group") for entry in org["export_totals"]] == [None, "hr", "hr"]
    system = inventory.of_kind("system")[0].attributes
    assert system["face_recognition"]["filing"]["filed_at"] == "2025-07-10"
    assessment = inventory.of_kind("assessment")[0].attributes
    assert assessment["approved_scope"]["valid_until"] == "2028-06-01"


def test_the_new_facts_take_the_fast_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dsaudit.sources import inventory_schema as module

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("jsonschema ran on a valid inventory")

    monkeypatch.setattr(module.validator(), "errors", refuse)
    assert load([write(tmp_path, "inv.yaml", EVERY_FACT)], tmp_path).resources


def test_an_inventory_without_the_new_facts_means_what_it_meant(tmp_path: Path) -> None:
    """Nothing is defaulted: absent facts stay absent (unknown), old fields keep their values."""
    body = """
    organization: {name: Old Ltd., is_state_organ: true, minors_users: 5}
    datasets: [{id: d1, minors_under_14: true, legal_basis: consent}]
    transfers: [{id: t1, destination: US, year: 2026, individuals_ytd: 10}]
    """
    inventory = accepts(tmp_path, textwrap.dedent(body))
    assert inventory.organization == {
        "name": "Old Ltd.",
        "is_state_organ": True,
        "minors_users": 5,
        "country": "CN",
    }
    assert dict(inventory.of_kind("dataset")[0].attributes) == {
        "id": "d1",
        "minors_under_14": True,
        "legal_basis": "consent",
    }


# -- wrong types and values, with file and line ----------------------------------------------

SYS = "systems:\n  - id: s\n    name: S\n"
APPROVAL = "assessments:\n  - id: a\n    kind: export_certification\n    date: 2025-01-01\n"
BASES = "consent, contract, hr, legal_obligation, emergency, news, public_info, other_law, "
BASES += "legitimate_interest"
REGION = (
    "expected ISO 3166-1 alpha-2 code, optionally with an ISO 3166-2 subdivision (CN-HK, CN-MO, "
    "CN-TW, US-CA). Mainland China is CN."
)

INVALID = [
    pytest.param(
        ORG + "  state_organ_level: centrl\n",
        "inv.yaml:4: organization.state_organ_level: 'centrl' is not one of central, local "
        "(did you mean 'central'?)",
        id="state-organ-level",
    ),
    pytest.param(
        ORG + "  minors_under_14_users: -1\n",
        "inv.yaml:4: organization.minors_under_14_users: -1 is less than the minimum of 0",
        id="minors-under-14-users-negative",
    ),
    pytest.param(
        ORG + "  minors_14_to_17_users: many\n",
        "inv.yaml:4: organization.minors_14_to_17_users: 'many' is not of type 'integer'",
        id="minors-14-17-users-type",
    ),
    pytest.param(
        ORG + "  free_trade_zone:\n    name: Shanghai\n    registered: perhaps\n",
        "inv.yaml:6: organization.free_trade_zone.registered: 'perhaps' is not of type 'boolean'",
        id="ftz-registered",
    ),
    pytest.param(
        ORG + "  free_trade_zone:\n    zone: Shanghai\n",
        "inv.yaml:5: organization.free_trade_zone: unknown key 'zone'; use an x_ prefix for your "
        "own extension keys",
        id="ftz-unknown-key",
    ),
    pytest.param(
        ORG + "  listing_abroad:\n    exchange: NASDAQ\n    status: listd\n",
        "inv.yaml:6: organization.listing_abroad.status: 'listd' is not one of planned, applied, "
        "listed (did you mean 'listed'?)",
        id="listing-status",
    ),
    pytest.param(
        ORG + "  listing_abroad:\n    place: United States\n",
        "inv.yaml:5: organization.listing_abroad.place: 'United States' is not valid: " + REGION,
        id="listing-place",
    ),
    pytest.param(
        ORG + '  listing_abroad:\n    review_applied_at: "2026-02-30"\n',
        "inv.yaml:5: organization.listing_abroad.review_applied_at: '2026-02-30' is not valid: "
        "expected ISO 8601 calendar date, YYYY-MM-DD.",
        id="listing-review-date",
    ),
    pytest.param(
        ORG + "  export_totals: {year: 2026}\n",
        "inv.yaml:4: organization.export_totals: {'year': 2026} is not of type 'array'",
        id="export-totals-not-a-list",
    ),
    pytest.param(
        ORG + "  export_totals:\n    - year: 2026\n      group: crm\n",
        "inv.yaml:5: organization.export_totals[0]: {'group': 'crm', 'year': 2026} is not valid: "
        "expected A year's distinct count of exported individuals: a year, and individuals or "
        "sensitive_individuals or both.",
        id="export-totals-needs-a-count",
    ),
    pytest.param(
        ORG + "  export_totals:\n    - year: 2026\n      individuals: -1\n"
        "      sensitive_individuals: 0\n",
        "inv.yaml:6: organization.export_totals[0].individuals: -1 is less than the minimum of 0",
        id="export-totals-negative",
    ),
    pytest.param(
        ORG + "  export_totals:\n    - {year: 2026, individuals: 1, sensitive_individuals: 0,\n"
        "       group: a b}\n",
        "inv.yaml:6: organization.export_totals[0].group: 'a b' is not valid: expected An "
        "identifier without whitespace.",
        id="export-totals-group",
    ),
    pytest.param(
        SYS + "    face_recognition:\n      template_storage: devise\n",
        "inv.yaml:6: systems[0] (s): face_recognition.template_storage: 'devise' is not one of "
        "device, central (did you mean 'device'?)",
        id="face-template-storage",
    ),
    pytest.param(
        SYS + "    face_recognition:\n      individuals_stored: -1\n",
        "inv.yaml:6: systems[0] (s): face_recognition.individuals_stored: -1 is less than the "
        "minimum of 0",
        id="face-individuals-negative",
    ),
    pytest.param(
        SYS + "    face_recognition:\n      sole_verification: sometimes\n",
        "inv.yaml:6: systems[0] (s): face_recognition.sole_verification: 'sometimes' is not of "
        "type 'boolean'",
        id="face-sole-verification",
    ),
    pytest.param(
        SYS + "    face_recognition:\n      retention_days: forever\n",
        "inv.yaml:6: systems[0] (s): face_recognition.retention_days: 'forever' is not valid: "
        'expected Days, or the string "indefinite".',
        id="face-retention",
    ),
    pytest.param(
        SYS + "    face_recognition:\n      filing:\n        number: 17\n",
        "inv.yaml:7: systems[0] (s): face_recognition.filing.number: 17 is not of type 'string'",
        id="face-filing-number",
    ),
    pytest.param(
        SYS + '    app_type: ""\n',
        "inv.yaml:5: systems[0] (s): app_type: '' should be non-empty",
        id="app-type-empty",
    ),
    pytest.param(
        SYS + "    app_required_categories: [phone_number, phone_numbr]\n",
        "inv.yaml:5: systems 's': unknown data category 'phone_numbr' (did you mean "
        "'phone_number'?); see docs/taxonomy.md",
        id="app-required-category",
    ),
    pytest.param(
        SYS + "    app_basic_function_without_optional_pi: yes-mostly\n",
        "inv.yaml:5: systems[0] (s): app_basic_function_without_optional_pi: 'yes-mostly' is "
        "not of type 'boolean'",
        id="app-basic-function",
    ),
    pytest.param(
        SYS + "    algorithm_filings:\n      - filed_at: 2025-01-01\n",
        "inv.yaml:6: systems[0] (s): algorithm_filings[0]: 'number' is a required property",
        id="algorithm-filing-number",
    ),
    pytest.param(
        SYS + "    genai_filings: G-1\n",
        "inv.yaml:5: systems[0] (s): genai_filings: 'G-1' is not of type 'array'",
        id="genai-filings-type",
    ),
    pytest.param(
        DS + "    minors_legal_basis: guardian_consent\n",
        "inv.yaml:4: datasets[0] (d): minors_legal_basis: 'guardian_consent' is not one of "
        + BASES
        + " (did you mean 'consent'?)",
        id="dataset-minors-legal-basis",
    ),
    pytest.param(
        DS + "    minors_14_to_17: 1\n",
        "inv.yaml:4: datasets[0] (d): minors_14_to_17: 1 is not of type 'boolean'",
        id="minors-14-17-flag",
    ),
    pytest.param(
        DS + "    minors_under_14_individuals: -1\n",
        "inv.yaml:4: datasets[0] (d): minors_under_14_individuals: -1 is less than the minimum "
        "of 0",
        id="minors-under-14-individuals-negative",
    ),
    pytest.param(
        DS + "    minors_14_to_17_individuals: 2.5\n",
        "inv.yaml:4: datasets[0] (d): minors_14_to_17_individuals: 2.5 is not of type 'integer'",
        id="minors-14-17-individuals-float",
    ),
    pytest.param(
        TR + "    minors_legal_basis: consnt\n",
        "inv.yaml:5: transfers[0] (t): minors_legal_basis: 'consnt' is not one of "
        + BASES
        + " (did you mean 'consent'?)",
        id="transfer-minors-legal-basis",
    ),
    pytest.param(
        TR + '    distinct_group: ""\n',
        "inv.yaml:5: transfers[0] (t): distinct_group: '' should be non-empty",
        id="distinct-group-empty",
    ),
    pytest.param(
        'incidents:\n  - id: i\n    involves_cii: "yes"\n',
        "inv.yaml:4: incidents[0] (i): involves_cii: 'yes' is not of type 'boolean'",
        id="involves-cii",
    ),
    pytest.param(
        "assessments:\n  - id: a\n    kind: export_certificaton\n    date: 2025-01-01\n",
        "inv.yaml:4: assessments[0] (a): kind: 'export_certificaton' is not one of pia, pi_audit, "
        "important_data_risk, important_data_annual, cii_annual, mlps_eval, minors_pi_audit, "
        "crypto, sharing_risk, self_assessment, export_security_assessment, "
        "export_certification, standard_contract_filing (did you mean 'export_certification'?)",
        id="approval-kind",
    ),
    pytest.param(
        APPROVAL + "    approved_scope:\n      max_individuals: -1\n",
        "inv.yaml:7: assessments[0] (a): approved_scope.max_individuals: -1 is less than the "
        "minimum of 0",
        id="scope-max-negative",
    ),
    pytest.param(
        APPROVAL + "    approved_scope:\n      max_sensitive_individuals: lots\n",
        "inv.yaml:7: assessments[0] (a): approved_scope.max_sensitive_individuals: 'lots' is not "
        "of type 'integer'",
        id="scope-max-sensitive-type",
    ),
    pytest.param(
        APPROVAL + "    approved_scope:\n      destinations: [SG, usa]\n",
        "inv.yaml:7: assessments[0] (a): approved_scope.destinations[1]: 'usa' is not valid: "
        + REGION,
        id="scope-destination",
    ),
    pytest.param(
        APPROVAL + "    approved_scope:\n      destinations: [SG, SG]\n",
        "inv.yaml:7: assessments[0] (a): approved_scope.destinations: ['SG', 'SG'] has non-unique "
        "elements",
        id="scope-destination-twice",
    ),
    pytest.param(
        APPROVAL + "    approved_scope:\n      categories: [email, emial]\n",
        "inv.yaml:7: assessments 'a': unknown data category 'emial' (did you mean 'email'?); see "
        "docs/taxonomy.md",
        id="scope-category",
    ),
    pytest.param(
        APPROVAL + "    approved_scope:\n      scope: everything\n",
        "inv.yaml:7: assessments[0] (a): approved_scope: unknown key 'scope'; use an x_ prefix "
        "for your own extension keys",
        id="scope-unknown-key",
    ),
]


@pytest.mark.parametrize(("body", "expected"), INVALID)
def test_a_wrong_fact_is_refused_with_file_and_line(
    tmp_path: Path, body: str, expected: str
) -> None:
    assert problems_of(tmp_path, body) == [expected]


# -- boundaries -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "ok"),
    [(1999, False), (2000, True), (2001, True), (2099, True), (2100, True), (2101, False)],
)
@pytest.mark.parametrize("where", ["export_totals", "year"])
def test_years_run_from_2000_to_2100(tmp_path: Path, where: str, year: int, ok: bool) -> None:
    if where == "export_totals":
        body = ORG + f"  export_totals:\n    - {{year: {year}, individuals: 0, "
        body += "sensitive_individuals: 0}\n"
    else:
        body = TR + f"    year: {year}\n"
    if ok:
        accepts(tmp_path, body)
        return
    (found,) = problems_of(tmp_path, body)
    bound = "less than the minimum of 2000" if year < 2000 else "greater than the maximum of 2100"
    assert found.startswith("inv.yaml:") and found.endswith(f"{year} is {bound}")


@pytest.mark.parametrize(
    "body",
    [
        ORG + "  minors_under_14_users: {n}\n",
        ORG + "  minors_14_to_17_users: {n}\n",
        ORG + "  export_totals: [{{year: 2026, individuals: {n}, sensitive_individuals: 0}}]\n",
        ORG + "  export_totals: [{{year: 2026, individuals: 0, sensitive_individuals: {n}}}]\n",
        SYS + "    face_recognition: {{individuals_stored: {n}}}\n",
        DS + "    minors_under_14_individuals: {n}\n",
        DS + "    minors_14_to_17_individuals: {n}\n",
        APPROVAL + "    approved_scope: {{max_individuals: {n}}}\n",
        APPROVAL + "    approved_scope: {{max_sensitive_individuals: {n}}}\n",
    ],
    ids=[
        "minors-under-14-users",
        "minors-14-17-users",
        "export-individuals",
        "export-sensitive",
        "face-individuals",
        "dataset-under-14",
        "dataset-14-17",
        "scope-max",
        "scope-max-sensitive",
    ],
)
def test_counts_start_at_zero(tmp_path: Path, body: str) -> None:
    accepts(tmp_path, body.format(n=0))
    accepts(tmp_path, body.format(n=1))
    (found,) = problems_of(tmp_path, body.format(n=-1))
    assert found.endswith("-1 is less than the minimum of 0")


# -- the fast check still never accepts what jsonschema rejects -------------------------------

SCHEMA = inventory_schema()


def _records() -> list[tuple[str, dict[str, Any]]]:
    """Every record of EVERY_FACT that has new facts, as (kind, record) pairs."""
    data = yaml.safe_load(EVERY_FACT)
    normalise(data, [])  # YAML dates -> ISO strings, as the loader does
    found: list[tuple[str, dict[str, Any]]] = [("organization", data["organization"])]
    for section, kind in SECTIONS.items():
        if kind in NEW_FIELDS:
            found.extend((kind, record) for record in data.get(section, ()))
    return found


RECORDS = _records()


def _validators(kind: str) -> tuple[Any, Draft202012Validator]:
    sub = {"$schema": SCHEMA["$schema"], "$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{kind}"}
    checker = Draft202012Validator.FORMAT_CHECKER
    return compile_fast_check(sub), Draft202012Validator(sub, format_checker=checker)


VALIDATORS = {kind: _validators(kind) for kind in NEW_FIELDS}
ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-2, max_value=2200),
    st.sampled_from(["", "device", "central", "CN-HK", "usa", "2025-13-01", "a b", "email"]),
    st.lists(st.sampled_from(["SG", "email", 1, None, {"number": "x"}]), max_size=3),
    st.dictionaries(st.sampled_from(["number", "year", "x_a", "zz"]), st.integers(), max_size=2),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pick=st.integers(min_value=0, max_value=20), name=st.integers(min_value=0), value=ODD)
def test_fast_check_agrees_with_jsonschema_on_the_new_facts(
    pick: int, name: int, value: Any
) -> None:
    kind, record = RECORDS[pick % len(RECORDS)]
    fields = sorted(NEW_FIELDS[kind])
    key = fields[name % len(fields)]
    mutated = copy.deepcopy(record)
    inner = mutated.get(key)
    if isinstance(inner, dict) and inner:
        inner[sorted(inner)[name % len(inner)]] = value
    elif isinstance(inner, list) and inner and isinstance(inner[0], dict):
        inner[0][sorted(inner[0])[name % len(inner[0])]] = value
    else:
        mutated[key] = value
    fast, slow = VALIDATORS[kind]
    if fast(copy.deepcopy(mutated)):
        assert slow.is_valid(mutated), (kind, key, mutated)


def test_the_valid_records_pass_both_checks() -> None:
    for kind, record in RECORDS:
        fast, slow = VALIDATORS[kind]
        assert slow.is_valid(record), kind
        assert fast(copy.deepcopy(record)), kind


@pytest.mark.parametrize(
    "counts",
    ["individuals: 5", "sensitive_individuals: 5", "individuals: 0, sensitive_individuals: 0"],
)
def test_an_export_total_needs_one_count_or_both(tmp_path: Path, counts: str) -> None:
    accepts(tmp_path, ORG + f"  export_totals:\n    - {{year: 2026, {counts}}}\n")
