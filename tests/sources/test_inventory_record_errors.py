"""One bad inventory record is an error result of its own; every valid record is still audited
(issue 17, item 3). Suggestions for an unknown category come from meaning as well as spelling."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from projectkit import AS_OF, run

from dsaudit.core.taxonomy import load_taxonomy


def _dataset(did: str, category: str = "name", **extra: Any) -> dict[str, Any]:
    return {"id": did, "name": did, "classification": "general", "system": "crm",
            "fields": [{"name": "f", "category": category}], **extra}  # fmt: skip


def _tree(tmp_path: Path, datasets: list[dict[str, Any]]) -> Path:
    root = tmp_path / "org"
    (root / "inventory").mkdir(parents=True)
    (root / "inventory" / "organization.yaml").write_text(
        yaml.safe_dump({"version": 1, "organization": {"name": "Org"},
                        "systems": [{"id": "crm", "name": "CRM", "type": "crm"}]}),
        "utf-8",
    )  # fmt: skip
    (root / "inventory" / "datasets.yaml").write_text(
        yaml.safe_dump({"version": 1, "datasets": datasets}, sort_keys=False), "utf-8"
    )
    return root


def _audit(root: Path) -> tuple[int, dict[str, Any], str]:
    out = root.parent / "r.json"
    result = run("audit", root, "--as-of", AS_OF, "--pack", "pipl", "--pack", "dsl",
                 "--format", "json", "-o", out, "-q", "-j", "1")  # fmt: skip
    return result.exit_code, json.loads(out.read_text("utf-8")), result.output


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        (_dataset("d-2", "income"),
         "datasets 'd-2': unknown data category 'income' (did you mean 'asset_record'?)"),
        (_dataset("d-2", retention_days="forever"), "retention_days"),
        ({**_dataset("d-2"), "system": "no-such-system"}, "which is not an id"),
    ],
    ids=["unknown-category", "schema", "dangling-reference"],
)  # fmt: skip
def test_a_bad_record_is_an_error_and_the_rest_is_audited(
    tmp_path: Path, bad: dict[str, Any], words: str
) -> None:
    root = _tree(tmp_path, [_dataset("d-1"), bad, _dataset("d-3", "phone_number")])
    code, report, output = _audit(root)
    assert code == 2
    errors = [e for e in report["errors"] if e["rule_id"] == "DSAUDIT-INPUT"]
    assert len(errors) == 1 and words in errors[0]["message"], errors
    assert errors[0]["location"]["file"] == "inventory/datasets.yaml"
    assert errors[0]["location"]["line"] is not None
    audited = {r["resource"]["id"] for r in report["results"] if r["resource"]["kind"] == "dataset"}
    assert audited == {"d-1", "d-3"}  # the valid records, not the bad one
    shown = next(line for line in output.splitlines() if "DSAUDIT-INPUT" in line)
    assert shown.count("inventory/datasets.yaml") == 1  # the place is named once


def test_a_document_level_problem_still_names_file_and_line(tmp_path: Path) -> None:
    root = _tree(tmp_path, [_dataset("d-1")])
    (root / "inventory" / "broken.yaml").write_text("version: 2\ndatasets: []\n", "utf-8")
    code, report, _ = _audit(root)
    assert code == 2
    assert any(e["location"]["file"] == "inventory/broken.yaml" for e in report["errors"])
    audited = {r["resource"]["id"] for r in report["results"] if r["resource"]["kind"] == "dataset"}
    assert audited == {"d-1"}


@pytest.mark.parametrize(
    ("word", "category"),
    [("income", "asset_record"), ("salary", "asset_record"), ("wage", "asset_record"),
     ("mobile", "phone_number"), ("dob", "birth_date"), ("gps", "precise_location")],
)  # fmt: skip
def test_suggestions_come_from_meaning(word: str, category: str) -> None:
    assert load_taxonomy().suggest(word) == category


def test_aliases_are_unique_and_never_a_category_name() -> None:
    taxonomy = load_taxonomy()
    names = set(taxonomy.names())
    seen: dict[str, str] = {}
    for name in names:
        for alias in taxonomy.node(name).aliases:
            assert alias not in names, alias
            assert alias not in seen, (alias, seen.get(alias), name)
            seen[alias] = name
    assert seen
