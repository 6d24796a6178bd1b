"""The inventory format v1: schema, loader, error messages, fast validation path."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inventorykit import load, problems, write
from jsonschema import Draft202012Validator
from projectkit import REPO_ROOT

from dsaudit.core.errors import InventoryError
from dsaudit.core.limits import Limits
from dsaudit.core.taxonomy import load_taxonomy
from dsaudit.sources import inventory as inventory_module
from dsaudit.sources.inventory import (
    KINDS,
    SCHEMA_ID,
    SECTIONS,
    Inventory,
    compile_fast_check,
    inventory_schema,
    load_inventory,
)

REPO = REPO_ROOT
DATA = REPO_ROOT / "tests" / "data" / "inventory"
SAMPLE = REPO / "sample_configs" / "acme-retail"


# -- schema ---------------------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12_with_versioned_id() -> None:
    schema = inventory_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == SCHEMA_ID == "https://dsaudit.dev/schemas/inventory-v1.json"
    assert set(schema["properties"]) == {"version", "organization", *SECTIONS}


def test_every_record_type_is_closed_but_allows_extensions_and_tags() -> None:
    defs = inventory_schema()["$defs"]
    for kind in (*KINDS, "field"):
        record = defs[kind]
        assert record["additionalProperties"] is False, kind
        assert "^x_" in record["patternProperties"], kind
        assert "tags" in record["properties"], kind


def test_every_field_of_the_schema_is_snake_case_and_documented() -> None:
    defs = inventory_schema()["$defs"]
    doc = (REPO / "docs" / "inventory.md").read_text(encoding="utf-8")
    for kind in (*KINDS, "field"):
        for name, sub in defs[kind]["properties"].items():
            assert name == name.lower() and " " not in name, name
            assert f"`{name}`" in doc, f"docs/inventory.md does not mention {kind}.{name}"
            assert "description" in sub or "$ref" in sub, f"{kind}.{name} has no description"


# -- loading --------------------------------------------------------------------------------


def test_sample_organization_loads() -> None:
    files = sorted((SAMPLE / "inventory").rglob("*.*"))
    inventory = load(files, SAMPLE)
    kinds = Counter(res.kind for res in inventory.resources)
    assert kinds["organization"] == 1
    assert kinds["system"] >= 10 and kinds["dataset"] >= 10 and kinds["transfer"] >= 4
    assert inventory.organization["name"] == "Acme Retail (Shanghai) Co., Ltd."
    assert "inventory/processors.json" in inventory.files
    assert inventory.resources[0].kind == "organization"


def test_sample_records_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Valid records never reach jsonschema (that is what keeps 100k records fast)."""
    from dsaudit.sources import inventory_schema as module

    validator = module.validator()

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("jsonschema ran on a valid inventory")

    monkeypatch.setattr(validator, "errors", refuse)
    files = sorted((SAMPLE / "inventory").rglob("*.*"))
    assert load(files, SAMPLE).resources


def test_split_files_merge_with_files_and_lines() -> None:
    root = DATA / "split"
    files = [root / "organization.yaml", root / "systems.yaml", root / "datasets.json"]
    inventory = load(files, root)
    assert inventory.files == ["organization.yaml", "systems.yaml", "datasets.json"]
    assert [(r.kind, r.id) for r in inventory.resources] == [
        ("organization", "Split Example Ltd."),
        ("system", "shop"),
        ("system", "crm"),
        ("dataset", "customers"),
        ("transfer", "to-hk"),
    ]
    crm = inventory.of_kind("system")[1]
    assert (crm.file, crm.base_path) == ("systems.yaml", ("systems", 1))
    assert str(crm.location(("name",))) == "systems.yaml:9"
    dataset = inventory.of_kind("dataset")[0]
    assert str(dataset.location(("fields", 1, "category"))) == "datasets.json:12"
    org = inventory.of_kind("organization")[0]
    assert org.base_path == ("organization",)
    assert org.attributes["country"] == "CN"  # the documented default


def test_yaml_and_json_inventories_load_the_same() -> None:
    from_yaml = load([DATA / "everything.yaml"], DATA)
    from_json = load([DATA / "everything.json"], DATA)
    assert [(r.kind, r.id, dict(r.attributes)) for r in from_yaml.resources] == [
        (r.kind, r.id, dict(r.attributes)) for r in from_json.resources
    ]
    assert {r.kind for r in from_yaml.resources} == set(KINDS)
    assert {r.meta["format"] for r in from_json.resources} == {"json"}


def test_unquoted_yaml_dates_become_iso_strings() -> None:
    inventory = load([DATA / "dates.yaml"], DATA)
    org = inventory.organization
    assert org["last_pi_audit"] == "2025-09-30"
    assert org["incident_response_plan"] == {
        "reviewed_at": "2026-02-10",
        "last_drill": "2026-05-16",
    }
    dataset = inventory.of_kind("dataset")[0].attributes
    assert dataset["started_at"] == "2023-01-01"
    assert dataset["important_data_declared_at"] == "2024-02-29"
    incident = inventory.of_kind("incident")[0].attributes
    assert incident["detected_at"] == "2026-08-14T09:20:00+08:00"
    assert incident["reported_at"] == "2026-08-14T16:05:00"
    assessment = inventory.of_kind("assessment")[0].attributes
    assert (assessment["date"], assessment["retained_until"]) == ("2025-12-05", "2028-12-05")


def test_duplicate_ids_across_files_name_both_locations() -> None:
    root = DATA / "duplicates"
    found = problems([root / "a.yaml", root / "b.yaml"], root)
    assert found == [
        "b.yaml:6: duplicate datasets id 'orders': defined at a.yaml:6 and at b.yaml:6",
    ]


def test_the_same_id_in_two_sections_is_fine(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "inv.yaml",
        """
        version: 1
        systems: [{id: crm, name: CRM}]
        datasets: [{id: crm, system: crm}]
        """,
    )
    assert [r.kind for r in load([path], tmp_path).resources] == ["system", "dataset"]


def test_organization_in_two_files_is_an_error(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "version: 1\norganization: {name: A}\n")
    b = write(tmp_path, "b.yaml", "version: 1\n\norganization: {name: B}\n")
    assert problems([a, b], tmp_path) == [
        "b.yaml:3: organization is defined twice: here and at a.yaml:2; "
        "only one inventory file may contain it"
    ]


# -- errors with file:line ------------------------------------------------------------------

INVALID = [
    pytest.param(
        "datasets:\n  - id: d1\n    individuals: many\n",
        "inv.yaml:4: datasets[0] (d1): individuals: 'many' is not of type 'integer'",
        id="wrong-type",
    ),
    pytest.param(
        "datasets:\n  - id: d1\n    name: D\n    retention_dayz: 30\n",
        "inv.yaml:5: datasets[0] (d1): unknown key 'retention_dayz' (did you mean "
        "'retention_days'?); use an x_ prefix for your own extension keys",
        id="unknown-key",
    ),
    pytest.param(
        "datasets:\n  - id: d1\n    classification: importnt\n",
        "inv.yaml:4: datasets[0] (d1): classification: 'importnt' is not one of general, "
        "important, core (did you mean 'important'?)",
        id="bad-enum",
    ),
    pytest.param(
        "transfers:\n  - id: t1\n    destination: US\n    mechanism: scc\n",
        "inv.yaml:5: transfers[0] (t1): mechanism: 'scc' is not one of security_assessment, "
        "standard_contract, certification, exemption, none",
        id="bad-mechanism",
    ),
    pytest.param(
        "datasets:\n  - id: d1\n    retention_days: forever\n",
        "inv.yaml:4: datasets[0] (d1): retention_days: 'forever' is not valid: expected "
        'Days, or the string "indefinite".',
        id="bad-retention",
    ),
    pytest.param(
        'datasets:\n  - id: d1\n    started_at: "01/02/2025"\n',
        "inv.yaml:4: datasets[0] (d1): started_at: '01/02/2025' is not valid: expected "
        "ISO 8601 calendar date, YYYY-MM-DD.",
        id="bad-date",
    ),
    pytest.param(
        'datasets:\n  - id: d1\n    started_at: "2025-02-30"\n',
        "inv.yaml:4: datasets[0] (d1): started_at: '2025-02-30' is not valid: expected "
        "ISO 8601 calendar date, YYYY-MM-DD.",
        id="impossible-date",
    ),
    pytest.param(
        "systems:\n  - id: s1\n    name: S\n    mlps_level: 7\n",
        "inv.yaml:5: systems[0] (s1): mlps_level: 7 is greater than the maximum of 5",
        id="out-of-range",
    ),
    pytest.param(
        "systems:\n  - name: S\n",
        "inv.yaml:3: systems[0]: 'id' is a required property",
        id="missing-id",
    ),
    pytest.param(
        "evidence:\n  - id: e1\n    provision: PIPL-51\n    sha256: abc\n",
        "inv.yaml:5: evidence[0] (e1): sha256: 'abc' is not valid: expected SHA-256 of the "
        "document.",
        id="bad-sha256",
    ),
    pytest.param(
        "datasets:\n  - id: d1\n    storage_region: Hong Kong\n",
        "inv.yaml:4: datasets[0] (d1): storage_region: 'Hong Kong' is not valid: expected "
        "ISO 3166-1 alpha-2 code, optionally with an ISO 3166-2 subdivision (CN-HK, CN-MO, "
        "CN-TW, US-CA). Mainland China is CN.",
        id="bad-region",
    ),
    pytest.param(
        "organization:\n  name: X\n  is_ciio: maybe\n",
        "inv.yaml:4: organization.is_ciio: 'maybe' is not of type 'boolean'",
        id="org-wrong-type",
    ),
    pytest.param(
        "assets: []\n",
        "inv.yaml:2: unknown key 'assets' (did you mean 'datasets'?); use an x_ prefix for "
        "your own extension keys",
        id="unknown-section",
    ),
    pytest.param(
        "datasets:\n  - id: d1\n    fields:\n      - {name: a, category: fingerprnt}\n",
        "inv.yaml:5: datasets 'd1': unknown data category 'fingerprnt' (did you mean "
        "'fingerprint'?); see docs/taxonomy.md",
        id="unknown-category",
    ),
    pytest.param(
        "transfers:\n  - id: t1\n    destination: US\n    categories: [email, biometrics]\n",
        "inv.yaml:5: transfers 't1': unknown data category 'biometrics' (did you mean "
        "'biometric'?); see docs/taxonomy.md",
        id="unknown-transfer-category",
    ),
    pytest.param(
        "systems: [{id: shop, name: Shop}]\ndatasets:\n  - id: d1\n    system: shpo\n",
        "inv.yaml:5: datasets 'd1': system refers to 'shpo', which is not an id in systems "
        "(did you mean 'shop'?)",
        id="dangling-reference",
    ),
    pytest.param(
        "datasets: [{id: orders}]\nassessments:\n  - {id: a1, kind: pia, date: 2025-01-01,\n"
        "     covers: [orders, ordrs]}\n",
        "inv.yaml:5: assessments 'a1': covers refers to 'ordrs', which is not an id in any "
        "section (did you mean 'orders'?)",
        id="dangling-cover",
    ),
]


@pytest.mark.parametrize(("body", "expected"), INVALID)
def test_invalid_inventory_is_reported_with_file_and_line(
    tmp_path: Path, body: str, expected: str
) -> None:
    path = write(tmp_path, "inv.yaml", "version: 1\n" + body)
    assert problems([path], tmp_path) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "organization: {name: X}\n",
            "inv.yaml:1: 'version' is a required property",
            id="no-version",
        ),
        pytest.param(
            "version: 2\n",
            "inv.yaml:1: version: 2 is not supported; this dsaudit reads version 1",
            id="version-2",
        ),
        pytest.param(
            "", "inv.yaml: empty inventory file; expected a mapping with version: 1", id="empty"
        ),
        pytest.param(
            "- version: 1\n",
            "inv.yaml:1: an inventory document is a mapping with version: 1, not a list",
            id="not-a-mapping",
        ),
        pytest.param(
            "version: 1\ndatasets:\n  - id: d1\n    1: x\n",
            "inv.yaml:3: datasets[0]: mapping key 1 is not a string (quote it in YAML)",
            id="non-string-key",
        ),
    ],
)
def test_malformed_documents(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(text, encoding="utf-8")
    assert problems([path], tmp_path) == [expected]


def test_extension_keys_and_tags_are_accepted_everywhere(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "inv.yaml",
        """
        version: 1
        organization: {name: X, x_erp_id: 7, tags: [a]}
        datasets:
          - id: d1
            x_owner_team: data
            tags: [pii]
            fields: [{name: a, category: email, x_column: varchar, tags: [b]}]
        """,
    )
    inventory = load([path], tmp_path)
    assert inventory.of_kind("dataset")[0].attributes["x_owner_team"] == "data"


def test_dates_inside_extension_keys_are_normalised_too(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "inv.yaml",
        """
        version: 1
        systems:
          - id: s1
            name: S
            x_reviewed: 2025-01-02
            x_history: [{at: 2024-05-06}]
        """,
    )
    attributes = load([path], tmp_path).of_kind("system")[0].attributes
    assert attributes["x_reviewed"] == "2025-01-02"
    assert attributes["x_history"] == [{"at": "2024-05-06"}]
    assert json.dumps(dict(attributes))  # nothing left that JSON cannot hold


def test_problems_from_all_files_are_raised_together(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "version: 1\nsystems: [{id: s1}]\n")
    b = write(tmp_path, "sub/b.json", '{"version": 1, "datasets": [{"id": 5}]}')
    missing = tmp_path / "gone.yaml"
    with pytest.raises(InventoryError) as caught:
        load([a, b, missing], tmp_path)
    found = [str(p) for p in caught.value.errors]  # type: ignore[attr-defined]
    assert found == [
        "a.yaml:2: systems[0] (s1): 'name' is a required property",
        "sub/b.json:1: datasets[0]: id: 5 is not of type 'string'",
        "gone.yaml: cannot read inventory file: No such file or directory",
    ]
    assert str(caught.value).startswith("the inventory has 3 problems:\n  a.yaml:2: ")


def test_one_problem_is_the_exception_itself(tmp_path: Path) -> None:
    path = write(tmp_path, "inv.yaml", "version: 1\nsystems: [{id: s1}]\n")
    with pytest.raises(InventoryError) as caught:
        load([path], tmp_path)
    assert (caught.value.file, caught.value.line) == ("inv.yaml", 2)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "inv.txt",
            "version: 1\n",
            "inv.txt: not an inventory file: expected .yaml, .yml or .json, got .txt",
        ),
        ("inv.yaml", "version: [1\n", "inv.yaml:2"),
        ("inv.json", '{"version": 1,}', "inv.json:1"),
    ],
    ids=["extension", "yaml-syntax", "json-syntax"],
)
def test_unparseable_files_name_the_file(
    tmp_path: Path, name: str, content: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    (found,) = problems([path], tmp_path)
    assert found.startswith(expected)


def test_files_over_the_size_limit_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "inv.yaml", "version: 1\n" + "# padding\n" * 20)
    with pytest.raises(InventoryError) as caught:
        load_inventory([path], tmp_path, Limits(max_file_bytes=50), load_taxonomy())
    assert "max_file_bytes" in str(caught.value)


def test_problem_count_is_capped(tmp_path: Path) -> None:
    records = "".join(f"  - {{id: s{i}}}\n" for i in range(150))
    path = write(tmp_path, "inv.yaml", "version: 1\nsystems:\n" + records)
    with pytest.raises(InventoryError) as caught:
        load([path], tmp_path)
    assert len(caught.value.errors) == 100  # type: ignore[attr-defined]
    assert str(caught.value).endswith("... and 50 more")


# -- the fast check agrees with jsonschema ---------------------------------------------------


def sample_records() -> list[tuple[str, dict[str, Any]]]:
    """Every record of the sample and the fixtures, as (kind, record) pairs."""
    files = sorted((SAMPLE / "inventory").rglob("*.*"))
    found = []
    for inventory in (load(files, SAMPLE), load([DATA / "everything.yaml"], DATA)):
        found.extend((res.kind, copy.deepcopy(dict(res.attributes))) for res in inventory.resources)
    return found


RECORDS = sample_records()
SCHEMA = inventory_schema()
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=10**7),
    st.floats(allow_nan=False),
    st.sampled_from(["", "CN", "x", "2025-13-01", "2025-01-01", "indefinite", "a b", "general"]),
    st.lists(st.sampled_from(["email", "orders", 1, None]), max_size=3),
    st.dictionaries(st.sampled_from(["name", "x_a", "zz"]), st.integers(), max_size=2),
)


def _validators(kind: str) -> tuple[Any, Draft202012Validator]:
    sub = {"$schema": SCHEMA["$schema"], "$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{kind}"}
    checker = Draft202012Validator.FORMAT_CHECKER
    return compile_fast_check(sub), Draft202012Validator(sub, format_checker=checker)


VALIDATORS = {kind: _validators(kind) for kind in KINDS}


def _mutate(record: dict[str, Any], key_index: int, value: Any) -> dict[str, Any]:
    """Replace one value (possibly nested one level) or add an unknown key."""
    mutated = copy.deepcopy(record)
    keys = list(mutated)
    key = keys[key_index % len(keys)] if key_index >= 0 else "unknown_key"
    inner = mutated.get(key)
    if isinstance(inner, dict) and inner:
        inner[next(iter(inner))] = value
    elif isinstance(inner, list) and inner and isinstance(inner[0], dict):
        inner[0][next(iter(inner[0]))] = value
    else:
        mutated[key] = value
    return mutated


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pick=st.integers(min_value=0, max_value=len(RECORDS) - 1),
    key_index=st.integers(min_value=-1, max_value=40),
    value=ODD_VALUES,
)
def test_fast_check_never_accepts_what_jsonschema_rejects(
    pick: int, key_index: int, value: Any
) -> None:
    kind, record = RECORDS[pick]
    fast, slow = VALIDATORS[kind]
    mutated = _mutate(record, key_index, value)
    if fast(copy.deepcopy(mutated)):
        assert slow.is_valid(mutated), (kind, mutated)


@pytest.mark.parametrize(
    ("kind", "record"), RECORDS, ids=[f"{k}:{r.get('id', r.get('name'))}" for k, r in RECORDS]
)
def test_fast_check_accepts_every_valid_sample_record(kind: str, record: dict[str, Any]) -> None:
    fast, slow = VALIDATORS[kind]
    assert slow.is_valid(record)
    assert fast(record)


@pytest.mark.parametrize(
    "schema",
    [
        {"oneOf": [{"type": "string"}]},
        {"type": ["string", "null"]},
        {"format": "email", "type": "string"},
        {"enum": [1, 2]},
        {"additionalProperties": {"type": "string"}},
        {"$ref": "https://example.com/other.json"},
    ],
    ids=["oneOf", "type-list", "format-email", "int-enum", "additional-schema", "remote-ref"],
)
def test_fast_check_refuses_keywords_it_cannot_honour(schema: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="fast check"):
        compile_fast_check(schema)


def test_fast_check_turns_yaml_dates_into_strings() -> None:
    import datetime as dt

    fast, _ = VALIDATORS["dataset"]
    record: dict[str, Any] = {"id": "d", "started_at": dt.date(2024, 2, 29)}
    assert fast(record)
    assert record["started_at"] == "2024-02-29"


def test_the_json_fixture_matches_the_yaml_fixture() -> None:
    import yaml

    assert json.loads((DATA / "everything.json").read_text(encoding="utf-8")) == yaml.safe_load(
        (DATA / "everything.yaml").read_text(encoding="utf-8")
    )


# -- worker processes -----------------------------------------------------------------------


def _snapshot(inventory: Inventory) -> list[tuple[Any, ...]]:
    return [
        (r.kind, r.id, r.file, r.attributes, r.locator.line_of((*r.base_path, "id")))
        for r in inventory.resources
    ]


def test_workers_give_the_same_inventory(monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted((SAMPLE / "inventory").rglob("*.*"))
    one = load_inventory(files, SAMPLE, Limits(), load_taxonomy(), jobs=1)
    monkeypatch.setattr(inventory_module, "PARALLEL_MIN_BYTES", 0)
    two = load_inventory(files, SAMPLE, Limits(), load_taxonomy(), jobs=2)
    assert len(one.resources) > 20
    assert _snapshot(two) == _snapshot(one)
    assert two.files == one.files


def test_workers_report_the_same_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = write(tmp_path, "a.yaml", "version: 1\ndatasets:\n  - {id: d1, name: D}\n")
    bad = write(tmp_path, "b.yaml", "version: 1\ndatasets: [\n")
    odd = write(tmp_path, "c.txt", "x")
    expected = problems([good, bad, odd], tmp_path)
    monkeypatch.setattr(inventory_module, "PARALLEL_MIN_BYTES", 0)
    with pytest.raises(InventoryError) as caught:
        load_inventory([good, bad, odd], tmp_path, Limits(), load_taxonomy(), jobs=2)
    assert [str(p) for p in caught.value.errors] == expected  # type: ignore[attr-defined]
    assert len(expected) == 2
