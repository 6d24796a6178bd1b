"""systems[].internet_services and systems[].app_filing: the anti-fraud pack's facts (AFL 21-24)."""

from __future__ import annotations

from pathlib import Path

from inventorykit import ORG, accepts, problems_of

SYSTEM = ORG + "systems:\n  - id: s1\n    name: S1\n"


def test_services_and_app_filing_load(tmp_path: Path) -> None:
    inventory = accepts(tmp_path, SYSTEM + (
        "    type: app\n"
        "    app_filing: {number: 'ICP-1A', kind: filing, filed_at: 2024-03-01}\n"
        "    internet_services:\n"
        "      - {type: live_streaming, real_identity: true, accounts: true,"
        " abnormal_account_handling: true, x_team: media}\n"
        "      - {type: url_conversion, service_logs: true, description: short links}\n"
        "      - {type: app_distribution, developer_identity: true, app_function_check: false}\n"
    ))  # fmt: skip
    [system] = inventory.of_kind("system")
    services = system.attributes["internet_services"]
    assert [s["type"] for s in services] == ["live_streaming", "url_conversion", "app_distribution"]
    assert system.attributes["app_filing"]["filed_at"] == "2024-03-01"


def test_an_unknown_service_type_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    body = SYSTEM + "    internet_services:\n      - {type: live_stream}\n"
    [problem] = problems_of(tmp_path, body)
    assert "internet_services[0].type" in problem and "did you mean 'live_streaming'?" in problem


def test_a_service_needs_a_type_and_boolean_controls(tmp_path: Path) -> None:
    found = problems_of(tmp_path, SYSTEM + (
        "    internet_services:\n"
        "      - {real_identity: true}\n"
        "      - {type: cloud, real_identity: 'yes'}\n"
        "      - {type: cloud, real_name: true}\n"
    ))  # fmt: skip
    assert any("internet_services[0]: 'type' is a required property" in p for p in found), found
    assert any("internet_services[1].real_identity: 'yes' is not of type 'boolean'" in p
               for p in found), found  # fmt: skip
    assert any("internet_services[2]: unknown key 'real_name'" in p for p in found), found


def test_an_app_filing_has_a_string_number_and_a_known_kind(tmp_path: Path) -> None:
    found = problems_of(tmp_path, SYSTEM + "    app_filing: {number: 5, kind: permit}\n")
    assert any("app_filing.number: 5 is not of type 'string'" in p for p in found), found
    assert any("app_filing.kind" in p for p in found), found
