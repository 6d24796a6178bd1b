"""The data-category taxonomy: lookups, suggestions, validation and the generated doc."""

from __future__ import annotations

import re
from typing import Any

import pytest
from projectkit import REPO_ROOT

from dsaudit.core.taxonomy import Taxonomy, load_taxonomy, render_tree

DOC = REPO_ROOT / "docs" / "taxonomy.md"
PIPL_28_CLASSES = {
    "biometric",
    "religion",
    "specific_identity",
    "medical_health",
    "financial_account",
    "location_track",
    "minor_under_14",
}


@pytest.fixture(scope="module")
def tax() -> Taxonomy:
    return load_taxonomy()


def test_load_is_cached() -> None:
    assert load_taxonomy() is load_taxonomy()


def test_roots_and_sensitive_classes(tax: Taxonomy) -> None:
    assert tax.roots() == ["personal_information", "non_personal"]
    assert tax.children("personal_information") == ["general_pi", "sensitive_pi"]
    classes = set(tax.children("sensitive_pi"))
    assert classes >= PIPL_28_CLASSES
    assert classes - PIPL_28_CLASSES == {"auth_credential", "other_sensitive"}


@pytest.mark.parametrize(
    ("category", "ancestor", "expected"),
    [
        ("face", "biometric", True),
        ("face", "sensitive_pi", True),
        ("face", "personal_information", True),
        ("face", "general_pi", False),
        ("biometric", "biometric", True),
        ("phone_number", "contact", True),
        ("phone_number", "general_pi", True),
        ("phone_number", "sensitive_pi", False),
        ("id_card_number", "specific_identity", True),
        ("bank_card", "financial_account", True),
        ("precise_location", "location_track", True),
        ("coarse_location", "location_track", False),
        ("password", "auth_credential", True),
        ("browsing_history", "other_sensitive", True),
        ("aggregate_statistics", "non_personal", True),
        ("aggregate_statistics", "personal_information", False),
        ("no_such_category", "biometric", False),
    ],
)
def test_is_a(tax: Taxonomy, category: str, ancestor: str, expected: bool) -> None:
    assert tax.is_a(category, ancestor) is expected


@pytest.mark.parametrize(
    ("category", "sensitive", "personal"),
    [
        ("name", False, True),
        ("email", False, True),
        ("device_id", False, True),
        ("ip_address", False, True),
        ("fingerprint", True, True),
        ("gene", True, True),
        ("religion", True, True),
        ("passport", True, True),
        ("diagnosis", True, True),
        ("medical_record", True, True),
        ("payment_record", True, True),
        ("credit_record", True, True),
        ("whereabouts", True, True),
        ("minor_under_14", True, True),
        ("sexual_orientation", True, True),
        ("criminal_record", True, True),
        ("communication_content", True, True),
        ("business", False, False),
        ("technical_log", False, False),
        ("anonymized_data", False, False),
        ("unknown", False, False),
    ],
)
def test_is_sensitive_and_is_personal(
    tax: Taxonomy, category: str, sensitive: bool, personal: bool
) -> None:
    assert tax.is_sensitive(category) is sensitive
    assert tax.is_personal(category) is personal


@pytest.mark.parametrize(
    ("category", "expected"),
    [("iris", "biometric"), ("minor_under_14", "minor_under_14"), ("name", None)],
)
def test_sensitive_class(tax: Taxonomy, category: str, expected: str | None) -> None:
    assert tax.sensitive_class(category) == expected


def test_unknown_ancestor_raises_with_suggestion(tax: Taxonomy) -> None:
    with pytest.raises(KeyError, match="did you mean 'biometric'"):
        tax.is_a("face", "biometrics")


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("fingerprnt", "fingerprint"),
        ("bank_acount", "bank_account"),
        ("biometrics", "biometric"),
        ("Face", "face"),
        ("phone", "phone_number"),
        ("health", "medical_health"),
        ("passwd", "password"),
        ("zzzzqqq", None),
    ],
)
def test_suggest(tax: Taxonomy, typo: str, expected: str | None) -> None:
    assert tax.suggest(typo) == expected


def test_contains_names_ancestors_descendants(tax: Taxonomy) -> None:
    assert "face" in tax and "faces" not in tax and 3 not in tax
    assert len(tax.names()) == len(set(tax.names())) == len(tax)
    assert tax.ancestors("face") == ["face", "biometric", "sensitive_pi", "personal_information"]
    assert tax.ancestors("unknown") == []
    below = set(tax.descendants("sensitive_pi"))
    # GB/T 45574-2025 (the default profile) reads one node differently from its class;
    # GB/T 35273-2020 follows the tree exactly (tests/core/test_taxonomy_profiles.py).
    assert {n for n in tax.names() if tax.is_sensitive(n)} == below - {"id_card_number"}
    strict = load_taxonomy("gbt35273-2020")
    assert {n for n in strict.names() if strict.is_sensitive(n)} == below


def test_every_node_is_labelled_and_cited(tax: Taxonomy) -> None:
    for node in tax:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", node.name), node.name
        assert node.label and node.label_zh and node.source, node.name
        assert re.search(r"[\u4e00-\u9fff]", node.label_zh), node.name


def test_id_card_number_says_why_the_profiles_differ(tax: Taxonomy) -> None:
    node = tax.node("id_card_number")
    assert node.parent == "specific_identity"
    assert node.note and "45574" in node.note and "35273" in node.note
    assert not tax.is_sensitive("id_card_number")
    assert load_taxonomy("gbt35273-2020").is_sensitive("id_card_number")


@pytest.mark.parametrize(
    ("nodes", "message"),
    [
        (
            [{"name": "a", "parent": None}, {"name": "a", "parent": None}],
            "defined twice",
        ),
        ([{"name": "a", "parent": "b"}], "unknown parent 'b'"),
        ([{"name": "a", "parent": "b"}, {"name": "b", "parent": "a"}], "cycle"),
    ],
    ids=["duplicate", "unknown-parent", "cycle"],
)
def test_invalid_trees_are_refused(nodes: list[dict[str, Any]], message: str) -> None:
    full = [{"label": "L", "label_zh": "标签", "source": "S", **node} for node in nodes]
    with pytest.raises(ValueError, match=message):
        Taxonomy.from_mapping({"version": 1, "nodes": full})


def test_nodes_with_missing_or_unknown_keys_are_refused() -> None:
    with pytest.raises(ValueError, match=r"missing \['label_zh', 'source'\], unknown \['colour'\]"):
        Taxonomy.from_mapping(
            {"nodes": [{"name": "a", "parent": None, "label": "A", "colour": "red"}]}
        )


def test_doc_tree_is_generated_from_the_yaml(tax: Taxonomy) -> None:
    text = DOC.read_text(encoding="utf-8")
    body = text.split("<!-- BEGIN GENERATED TREE -->\n", 1)[1].split("<!-- END GENERATED TREE -->")[
        0
    ]
    assert body == render_tree(tax), "docs/taxonomy.md is stale; regenerate the tree section"


def test_doc_lists_every_category(tax: Taxonomy) -> None:
    text = DOC.read_text(encoding="utf-8")
    listed = set(re.findall(r"^\s*- `([a-z0-9_]+)`", text, flags=re.MULTILINE))
    assert set(tax.names()) <= listed
