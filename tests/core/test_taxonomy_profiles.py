"""Sensitivity profiles of the taxonomy: GB/T 45574-2025 (default) and GB/T 35273-2020.

The profiles differ where the standards do: GB/T 45574-2025 Annex A no longer lists an
identity-card number on its own as sensitive specific-identity information, while the
identity-card photo stays sensitive (docs/taxonomy.md "Sensitivity profiles"). The switch is the
project config key ``taxonomy: {sensitive_pi: PROFILE}`` and the flag ``--sensitive-pi``; the
profile applied is reported in ``metadata.taxonomy``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from projectkit import REPO_ROOT

from dsaudit.audit import run_audit
from dsaudit.cli.app import cli
from dsaudit.core.errors import ConfigError
from dsaudit.core.models import Status
from dsaudit.core.taxonomy import (
    DEFAULT_PROFILE,
    PROFILE_35273,
    PROFILE_45574,
    Taxonomy,
    load_taxonomy,
    profile_names,
)
from dsaudit.project.config import build_config

Tree = Callable[[dict[str, str | bytes]], Path]
RULE = "PIPL-SENSITIVE-SEPARATE-CONSENT"
ORG = "version: 1\norganization:\n  name: Test Co\n  individuals_total: 5000\n"


def dataset(category: str) -> str:
    """A dataset on ordinary consent holding one field of ``category``."""
    return (
        "version: 1\n"
        "datasets:\n"
        "  - id: staff\n"
        "    legal_basis: consent\n"
        "    consent_type: consent\n"
        f"    fields:\n      - {{name: f, category: {category}}}\n"
    )


def tree(make_tree: Tree, category: str, config: str = "") -> Path:
    return make_tree(
        {
            "dsaudit.yaml": f"version: 1\npacks: [pipl]\nonly: [{RULE}]\n{config}",
            "inventory/org.yaml": ORG,
            "inventory/datasets.yaml": dataset(category),
        }
    )


def statuses(target: Path, **flags: Any) -> tuple[list[Status], dict[str, Any]]:
    cfg = build_config(target, as_of=dt.date(2026, 6, 1), **flags)
    result = run_audit(cfg)
    return [r.status for r in result.results if r.rule_id == RULE], result.metadata


# ------------------------------------------------------------------ the two readings


def test_the_default_profile_is_the_standard_in_force() -> None:
    assert DEFAULT_PROFILE == PROFILE_45574 == "gbt45574-2025"
    assert profile_names() == [PROFILE_35273, PROFILE_45574]
    assert load_taxonomy().profile == PROFILE_45574
    assert load_taxonomy() is load_taxonomy(PROFILE_45574)
    assert load_taxonomy(PROFILE_35273) is load_taxonomy(PROFILE_35273)
    assert load_taxonomy(PROFILE_35273).profile == PROFILE_35273


@pytest.mark.parametrize(
    ("category", "under_45574", "under_35273"),
    [
        ("id_card_number", False, True),
        ("id_card_photo", True, True),
        ("passport", True, True),  # not confirmed to have moved: stays as in Annex B
        ("face", True, True),
        ("precise_location", True, True),
        ("minor_under_14", True, True),
        ("phone_number", False, False),
        ("coarse_location", False, False),
        ("technical_log", False, False),
    ],
)
def test_is_sensitive_per_profile(category: str, under_45574: bool, under_35273: bool) -> None:
    assert load_taxonomy(PROFILE_45574).is_sensitive(category) is under_45574
    assert load_taxonomy(PROFILE_35273).is_sensitive(category) is under_35273


def test_the_profiles_differ_only_where_the_standards_are_confirmed_to() -> None:
    new, old = load_taxonomy(PROFILE_45574), load_taxonomy(PROFILE_35273)
    differ = {n for n in new.names() if new.is_sensitive(n) != old.is_sensitive(n)}
    assert differ == {"id_card_number"}


def test_the_tree_is_the_same_under_both_profiles() -> None:
    new, old = load_taxonomy(PROFILE_45574), load_taxonomy(PROFILE_35273)
    assert new.names() == old.names()
    assert new.is_a("id_card_number", "specific_identity")
    assert new.sensitive_class("id_card_number") is None
    assert old.sensitive_class("id_card_number") == "specific_identity"
    assert new.sensitive_class("id_card_photo") == "specific_identity"


def test_every_personal_category_has_a_cited_reading_under_each_profile() -> None:
    for profile in profile_names():
        tax = load_taxonomy(profile)
        for name in tax.names():
            reading = tax.reading(name)
            assert reading.source.strip(), (profile, name)
            if reading.stated:
                standard = "45574" if profile == PROFILE_45574 else "35273"
                assert standard in reading.source or "PIPL" in reading.source, (profile, name)


def test_id_readings_cite_their_standard() -> None:
    number_new = load_taxonomy(PROFILE_45574).reading("id_card_number")
    number_old = load_taxonomy(PROFILE_35273).reading("id_card_number")
    assert number_new.stated and "GB/T 45574-2025 Annex A" in number_new.source
    assert number_old.stated and "GB/T 35273-2020 Annex B" in number_old.source
    photo = load_taxonomy(PROFILE_45574).reading("id_card_photo")
    assert photo.stated and photo.sensitive and "Annex A" in photo.source


def test_an_unknown_profile_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown sensitivity profile 'gbt45574' \(known: "):
        load_taxonomy("gbt45574")


# ------------------------------------------------------------------ the file's own checks

NODE = {"label": "L", "label_zh": "标签", "source": "S"}
NO = {"sensitive": False, "source": "S"}
PROFILES = {"p1": {"default": True}, "p2": {}}


def build(nodes: list[dict[str, Any]], profiles: Any = PROFILES) -> Taxonomy:
    return Taxonomy.from_mapping({"profiles": profiles, "nodes": [{**NODE, **n} for n in nodes]})


def test_readings_are_inherited_and_overridden() -> None:
    tax = build(
        [
            {"name": "root", "parent": None, "sensitivity": {
                "p1": {"sensitive": True, "source": "A"}, "p2": {"sensitive": True, "source": "B"}
            }},
            {"name": "leaf", "parent": "root",
             "sensitivity": {"p1": {"sensitive": False, "source": "A2"}}},
        ]
    )  # fmt: skip
    assert tax.profile == "p1" and not tax.is_sensitive("leaf") and tax.is_sensitive("root")
    other = tax.with_profile("p2")
    assert other.is_sensitive("leaf")
    assert other.reading("leaf").stated is False and other.reading("leaf").source == "B"


@pytest.mark.parametrize(
    ("nodes", "profiles", "message"),
    [
        (
            [{"name": "a", "parent": None, "sensitivity": {"p1": NO}}],
            PROFILES, "no sensitivity for profile 'p2'",
        ),
        (
            [{"name": "a", "parent": None,
              "sensitivity": {"p1": {"sensitive": False, "source": "S"},
                              "px": {"sensitive": False, "source": "S"}}}],
            PROFILES, r"unknown profile\(s\) \['px'\]",
        ),
        (
            [{"name": "a", "parent": None, "sensitivity": {"p1": {**NO, "sensitive": "no"}}}],
            PROFILES, "must be {sensitive: true|false, source: TEXT}",
        ),
        (
            [{"name": "a", "parent": None, "sensitivity": {"p1": {**NO, "source": " "}}}],
            PROFILES, "must be {sensitive: true|false, source: TEXT}",
        ),
        ([{"name": "a", "parent": None}], {"p1": {}, "p2": {}}, "exactly one profile"),
        ([{"name": "a", "parent": None}], {"p1": {"default": True, "colour": 1}}, "unknown keys"),
    ],
    ids=["missing-reading", "unknown-profile", "not-a-bool", "blank-source", "no-default",
         "unknown-key"],
)  # fmt: skip
def test_bad_profiles_are_refused(nodes: list[dict[str, Any]], profiles: Any, message: str) -> None:
    nodes = [
        n if "sensitivity" in n
        else {**n, "sensitivity": {"p1": {"sensitive": False, "source": "S"},
                                   "p2": {"sensitive": False, "source": "S"}}}
        for n in nodes
    ]  # fmt: skip
    with pytest.raises(ValueError, match=message):
        tax = build(nodes, profiles)
        tax.with_profile("p2")


def test_a_tree_without_profiles_reads_sensitivity_from_the_tree() -> None:
    tax = Taxonomy.from_mapping(
        {"nodes": [{**NODE, "name": "sensitive_pi", "parent": None},
                   {**NODE, "name": "x", "parent": "sensitive_pi"},
                   {**NODE, "name": "y", "parent": None}]}
    )  # fmt: skip
    assert tax.is_sensitive("x") and not tax.is_sensitive("y")


def test_the_config_schema_offers_exactly_the_packaged_profiles() -> None:
    schema = json.loads(
        (REPO_ROOT / "dsaudit" / "schemas" / "config.schema.json").read_text(encoding="utf-8")
    )
    offered = schema["properties"]["taxonomy"]["properties"]["sensitive_pi"]["enum"]
    assert sorted(offered) == profile_names()
    assert offered[0] == DEFAULT_PROFILE


# ------------------------------------------------------------------ the rule level


def test_id_number_alone_is_sensitive_only_under_the_2020_profile(make_tree: Tree) -> None:
    target = tree(make_tree, "id_card_number")
    found, metadata = statuses(target)
    assert found == []  # GB/T 45574-2025 Annex A: the number alone is not sensitive
    assert metadata["taxonomy"]["sensitive_pi"] == PROFILE_45574
    found, metadata = statuses(target, sensitive_pi=PROFILE_35273)
    assert found == [Status.FAIL]  # GB/T 35273-2020 Annex B: it is
    assert metadata["taxonomy"]["sensitive_pi"] == PROFILE_35273


@pytest.mark.parametrize("profile", [PROFILE_45574, PROFILE_35273])
def test_an_id_photo_is_sensitive_under_both_profiles(make_tree: Tree, profile: str) -> None:
    target = tree(make_tree, "id_card_photo", f"taxonomy:\n  sensitive_pi: {profile}\n")
    found, metadata = statuses(target)
    assert found == [Status.FAIL]
    assert metadata["taxonomy"]["sensitive_pi"] == profile


def test_the_config_key_selects_the_profile_and_the_flag_overrides_it(make_tree: Tree) -> None:
    target = tree(make_tree, "id_card_number", f"taxonomy:\n  sensitive_pi: {PROFILE_35273}\n")
    assert build_config(target).sensitive_pi == PROFILE_35273
    assert statuses(target)[0] == [Status.FAIL]
    assert statuses(target, sensitive_pi=PROFILE_45574)[0] == []


def test_the_pyproject_table_selects_the_profile_too(make_tree: Tree) -> None:
    table = f'[tool.dsaudit]\nversion = 1\ntaxonomy = {{sensitive_pi = "{PROFILE_35273}"}}\n'
    target = make_tree({"pyproject.toml": table})
    assert build_config(target).sensitive_pi == PROFILE_35273


def test_an_unknown_profile_in_the_config_names_the_file_and_line(make_tree: Tree) -> None:
    target = tree(make_tree, "name", "organization: X\ntaxonomy:\n  sensitive_pi: gbt35273\n")
    with pytest.raises(ConfigError) as caught:
        build_config(target)
    text = str(caught.value)
    assert "dsaudit.yaml" in text and ":6:" in text, text
    assert "'gbt35273' is not one of ['gbt45574-2025', 'gbt35273-2020']" in text, text
    assert "taxonomy" in text and "sensitive_pi" in text, text


def test_an_unknown_taxonomy_key_is_refused(make_tree: Tree) -> None:
    target = tree(make_tree, "name", "taxonomy:\n  sensitive: gbt35273-2020\n")
    with pytest.raises(ConfigError, match="sensitive"):
        build_config(target)


def test_an_unknown_profile_flag_is_refused(make_tree: Tree) -> None:
    target = tree(make_tree, "name")
    with pytest.raises(ConfigError, match="--sensitive-pi must be one of"):
        build_config(target, sensitive_pi="strict")


def test_the_cli_flag_and_the_json_report(make_tree: Tree, tmp_path: Path) -> None:
    target = tree(make_tree, "id_card_number")
    out = tmp_path / "r.json"
    runner = CliRunner()
    args = ["audit", str(target), "--as-of", "2026-06-01", "--format", "json", "-o", str(out)]
    default = runner.invoke(cli, args)
    assert default.exit_code == 0, default.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["format_version"] == "1.4"
    assert document["metadata"]["taxonomy"] == {
        "sensitive_pi": PROFILE_45574,
        "title": "GB/T 45574-2025 数据安全技术 敏感个人信息处理安全要求",
        "in_force": "2025-11-01",
        "default": True,
        "version": 1,
    }
    strict = runner.invoke(cli, [*args, "--sensitive-pi", PROFILE_35273])
    assert strict.exit_code == 1, strict.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["metadata"]["taxonomy"]["sensitive_pi"] == PROFILE_35273
    assert document["metadata"]["taxonomy"]["default"] is False
    assert [r["rule_id"] for r in document["results"] if r["status"] == "fail"] == [RULE]
    wrong = runner.invoke(cli, [*args, "--sensitive-pi", "gbt35273"])
    assert wrong.exit_code == 2 and "gbt35273" in wrong.output


def test_markdown_and_html_reports_name_the_profile(make_tree: Tree, tmp_path: Path) -> None:
    target = tree(make_tree, "id_card_number")
    md, html = tmp_path / "r.md", tmp_path / "r.html"
    args = ["audit", str(target), "--as-of", "2026-06-01", "--sensitive-pi", PROFILE_35273]
    args += ["--format", f"markdown={md}", "--format", f"html={html}"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert f"sensitive PI: {PROFILE_35273}" in md.read_text(encoding="utf-8")
    page = html.read_text(encoding="utf-8")
    assert "Sensitive-PI profile" in page and PROFILE_35273 in page
