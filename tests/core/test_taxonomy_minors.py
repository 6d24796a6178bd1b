"""The minors' categories of the taxonomy: minor_14_to_17 beside minor_under_14, and every
category that existed before keeps its place (so its meaning) in the tree."""

from __future__ import annotations

import pytest

from dsaudit.core.taxonomy import Taxonomy, load_taxonomy

OLD_PARENTS = {
    # every category of taxonomy v1 before minor_14_to_17, with its parent: their meaning holds
    "personal_information": None, "general_pi": "personal_information", "name": "general_pi",
    "contact": "general_pi", "phone_number": "contact", "email": "contact",
    "instant_messaging_id": "contact", "address": "general_pi", "gender": "general_pi",
    "birth_date": "general_pi", "age": "general_pi", "ethnicity": "general_pi",
    "nationality": "general_pi", "family_relations": "general_pi", "photo": "general_pi",
    "education": "general_pi", "employment": "general_pi", "account_id": "general_pi",
    "device_id": "general_pi", "mac_address": "general_pi", "ip_address": "general_pi",
    "online_identifier": "general_pi", "usage_record": "general_pi",
    "coarse_location": "general_pi", "preference": "general_pi", "license_plate": "general_pi",
    "sensitive_pi": "personal_information", "biometric": "sensitive_pi",
    "fingerprint": "biometric", "face": "biometric", "iris": "biometric",
    "voiceprint": "biometric", "gene": "biometric", "palm_print": "biometric",
    "auricle": "biometric", "religion": "sensitive_pi", "specific_identity": "sensitive_pi",
    "id_card_number": "specific_identity", "id_card_photo": "specific_identity",
    "passport": "specific_identity", "military_id": "specific_identity",
    "driving_licence": "specific_identity", "work_permit": "specific_identity",
    "social_security_card": "specific_identity", "residence_permit": "specific_identity",
    "medical_health": "sensitive_pi", "symptom": "medical_health",
    "diagnosis": "medical_health", "medical_record": "medical_health",
    "prescription": "medical_health", "test_report": "medical_health",
    "surgery_record": "medical_health", "medication": "medical_health",
    "allergy": "medical_health", "fertility": "medical_health",
    "medical_history": "medical_health", "infectious_disease": "medical_health",
    "financial_account": "sensitive_pi", "bank_account": "financial_account",
    "bank_card": "financial_account", "payment_account": "financial_account",
    "payment_record": "financial_account", "transaction_record": "financial_account",
    "credit_record": "financial_account", "asset_record": "financial_account",
    "virtual_property": "financial_account", "location_track": "sensitive_pi",
    "precise_location": "location_track", "whereabouts": "location_track",
    "accommodation_record": "location_track", "minor_under_14": "sensitive_pi",
    "auth_credential": "sensitive_pi", "password": "auth_credential",
    "security_answer": "auth_credential", "access_token": "auth_credential",
    "other_sensitive": "sensitive_pi", "sexual_orientation": "other_sensitive",
    "marital_history": "other_sensitive", "criminal_record": "other_sensitive",
    "communication_content": "other_sensitive", "contact_list": "other_sensitive",
    "browsing_history": "other_sensitive", "non_personal": None, "business": "non_personal",
    "technical_log": "non_personal", "aggregate_statistics": "non_personal",
    "anonymized_data": "non_personal",
}  # fmt: skip


@pytest.fixture(scope="module")
def tax() -> Taxonomy:
    return load_taxonomy()


def test_the_old_categories_keep_their_place(tax: Taxonomy) -> None:
    assert len(OLD_PARENTS) == 87
    assert {name: tax.node(name).parent for name in OLD_PARENTS} == OLD_PARENTS
    # added since: minor_14_to_17, and the two categories AFL Art. 29(2) names (anti-fraud pack)
    assert set(tax.names()) - set(OLD_PARENTS) == {
        "minor_14_to_17", "logistics_record", "matchmaking_record",
    }  # fmt: skip


def test_the_anti_fraud_categories_are_general_pi(tax: Taxonomy) -> None:
    for name in ("logistics_record", "matchmaking_record"):
        assert tax.node(name).parent == "general_pi"
        assert tax.is_personal(name) and not tax.is_sensitive(name)


def test_minor_under_14_stays_sensitive_pi_of_its_own_class(tax: Taxonomy) -> None:
    assert tax.is_sensitive("minor_under_14") and tax.is_personal("minor_under_14")
    assert tax.sensitive_class("minor_under_14") == "minor_under_14"
    assert tax.children("minor_under_14") == []


def test_minor_14_to_17_is_personal_but_not_sensitive_by_age(tax: Taxonomy) -> None:
    node = tax.node("minor_14_to_17")
    assert node.parent == "general_pi"
    assert tax.ancestors("minor_14_to_17") == [
        "minor_14_to_17",
        "general_pi",
        "personal_information",
    ]
    assert tax.is_personal("minor_14_to_17")
    assert not tax.is_sensitive("minor_14_to_17")
    assert tax.sensitive_class("minor_14_to_17") is None
    assert "Minors Online Regs" in node.source and "十四周岁" in node.label_zh


@pytest.mark.parametrize(
    ("typo", "expected"), [("minor_14_17", "minor_14_to_17"), ("minor_under14", "minor_under_14")]
)
def test_the_minors_categories_are_suggested(tax: Taxonomy, typo: str, expected: str) -> None:
    assert tax.suggest(typo) == expected
