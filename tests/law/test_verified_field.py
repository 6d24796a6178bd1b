"""The ``verified:`` field of a rule: validated by the pack schema, compiled onto Rule.verified
for the refs in force on the audit date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from dsaudit.core.errors import PackSchemaError
from dsaudit.core.models import LawRef, VerifiedCitation
from dsaudit.core.taxonomy import load_taxonomy
from dsaudit.language.citations import verified_citations
from dsaudit.language.conditions import CompileEnv
from dsaudit.language.packs import compile_packs, load_pack

RULE: dict[str, Any] = {
    "id": "T-1",
    "title": "Logs are kept",
    "severity": "high",
    "refs": [
        {"law": "CSL", "article": "23", "clause": "3", "in_force_from": "2026-01-01"},
        {"law": "CSL", "article": "21", "clause": 3, "in_force_until": "2026-01-01"},
    ],
    "verified": [
        {"law": "CSL", "article": 23, "clause": "3", "version": 2026, "quote": "不少于六个月"},
        {"law": "CSL", "article": "21", "clause": "3", "quote": "不少于六个月"},
    ],
    "applies_to": {"kind": "config"},
    "condition": {"path": "x", "exists": True},
    "message": "m",
    "remediation": "r",
}


def _pack(root: Path, rule: dict[str, Any]) -> Path:
    pack = root / "pack"
    (pack / "rules").mkdir(parents=True)
    manifest = {"name": "t", "version": "1.0.0", "jurisdiction": "CN",
                "instrument": {"title": "T", "effective": "2020-01-01"}}  # fmt: skip
    (pack / "pack.yaml").write_text(yaml.safe_dump(manifest), "utf-8")
    (pack / "rules" / "r.yaml").write_text(
        yaml.safe_dump({"rules": [rule]}, allow_unicode=True, sort_keys=False), "utf-8"
    )
    return pack


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (dt.date(2025, 12, 31), [VerifiedCitation("CSL", "21", "不少于六个月", clause="3")]),
        (
            dt.date(2026, 1, 1),
            [VerifiedCitation("CSL", "23", "不少于六个月", clause="3", version="2026")],
        ),
    ],
)
def test_compiled_for_the_refs_in_force(
    tmp_path: Path, as_of: dt.date, expected: list[VerifiedCitation]
) -> None:
    pack = load_pack(_pack(tmp_path, RULE))
    env = CompileEnv(taxonomy=load_taxonomy())
    [rule] = compile_packs([pack], env, as_of=as_of).rules
    assert list(rule.verified) == expected


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"law": "CSL", "article": "21"}, "'quote' is a required property"),
        ({"law": "CSL", "article": "21", "quote": ""}, "should be non-empty"),
        ({"law": "CSL", "article": "21", "quote": "x", "page": 3}, "unknown key"),
        ({"article": "21", "quote": "x"}, "'law' is a required property"),
    ],
)
def test_schema_refuses_a_bad_entry(tmp_path: Path, entry: dict[str, Any], message: str) -> None:
    with pytest.raises(PackSchemaError, match=message) as info:
        load_pack(_pack(tmp_path, {**RULE, "verified": [entry]}))
    assert "r.yaml" in str(info.value)


CSL_21_3 = LawRef("CSL", "21", clause="3")


@pytest.mark.parametrize(
    ("entry", "refs", "kept"),
    [
        ({"law": "CSL", "article": "21", "clause": "3"}, [CSL_21_3], True),
        ({"law": "CSL", "article": "21"}, [CSL_21_3], True),  # the article, any clause
        ({"law": "CSL", "article": "21", "clause": "3"}, [LawRef("CSL", "21")], True),
        ({"law": "CSL", "article": "21", "clause": "4"}, [CSL_21_3], False),
        ({"law": "CSL", "article": "22"}, [CSL_21_3], False),
        ({"law": "PIPL", "article": "21"}, [CSL_21_3], False),
        ({"law": "CSL", "article": "21"}, [], False),
    ],
)
def test_an_entry_is_kept_when_it_matches_a_ref(
    entry: dict[str, Any], refs: list[LawRef], kept: bool
) -> None:
    assert bool(verified_citations([{**entry, "quote": "q"}], refs)) is kept
