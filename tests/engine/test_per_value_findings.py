"""One finding per offending value, so a baseline never hides a new one (issue 17, item 1).

Every secret under its own key, every matching value of a wildcard path and every element of a
``for_all`` list is its own result, with a fingerprint that depends on its own path and value
only (not on line numbers, list positions or the other values). Baselines of version 1, which
knew a file with several secrets as one finding, still match what they recorded and nothing
more, and ``dsaudit baseline upgrade`` rewrites them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from projectkit import AS_OF, results_of, run, write_pack

from dsaudit.core.models import Result, Severity, Status


def _audit(root: Path, *args: str | Path) -> tuple[int, dict[str, Any]]:
    out = root.parent / f"{root.name}-{len(list(root.parent.iterdir()))}.json"
    result = run("audit", root, "--pack", "config-hygiene", "--as-of", AS_OF, "--format", "json",
                 "-o", out, "-q", "-j", "1", *args)  # fmt: skip
    assert out.is_file(), result.output
    return result.exit_code, json.loads(out.read_text("utf-8"))


def _secrets(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The failing CFG-PLAINTEXT-SECRETS results by shown path."""
    found = [r for r in results_of(report, "CFG-PLAINTEXT-SECRETS") if r["status"] == "fail"]
    return {r["location"]["pointer"] or r["message"]: r for r in found}


def _fingerprints(report: dict[str, Any], rule_id: str) -> dict[str, str]:
    return {
        r["message"]: r["fingerprint"] for r in results_of(report, rule_id) if r["status"] == "fail"
    }


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "r"
    root.mkdir()
    (root / "app.env").write_text("DB_PASSWORD=s3cretA1\n", "utf-8")
    return root


def test_a_second_secret_in_a_baselined_file_fails_the_gate(tree: Path, tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    created = run("baseline", "create", tree, "--pack", "config-hygiene", "--as-of", AS_OF,
                  "-o", base)  # fmt: skip
    assert created.exit_code == 0, created.output
    assert json.loads(base.read_text())["version"] == 2
    code, _ = _audit(tree, "--baseline", base)
    assert code == 0  # nothing new yet
    before = _audit(tree)[1]
    (tree / "app.env").write_text("DB_PASSWORD=s3cretA1\nREDIS_PASSWORD=s3cretB2\n", "utf-8")
    code, report = _audit(tree, "--baseline", base)
    assert code == 1
    fails = [r for r in results_of(report, "CFG-PLAINTEXT-SECRETS") if r["status"] == "fail"]
    assert sorted((r["message"], r["baselined"]) for r in fails) == [
        ("A secret is stored in plaintext at DB_PASSWORD (****).", True),
        ("A secret is stored in plaintext at REDIS_PASSWORD (****).", False),
    ]
    # dsaudit diff between the two saved reports: one new finding, none fixed
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(before), "utf-8")
    new.write_text(json.dumps(report), "utf-8")
    diffed = run("diff", old, new, "--format", "json")
    assert json.loads(diffed.output)["summary"]["new"] == 1, diffed.output


def test_fingerprints_depend_on_their_own_value_only(tree: Path) -> None:
    (tree / "app.yaml").write_text(
        "servers:\n  - {host: a, password: alpha1}\n  - {host: b, password: beta22}\n", "utf-8"
    )
    first = _fingerprints(_audit(tree)[1], "CFG-PLAINTEXT-SECRETS")
    assert len(first) == 3  # DB_PASSWORD in app.env and two list elements
    # an element inserted before, another value changed, lines moved: the others keep theirs
    (tree / "app.yaml").write_text(
        "# moved down\n\nservers:\n  - {host: z, password: zeta333}\n"
        "  - {host: a, password: alpha1}\n  - {host: b, password: beta-changed}\n",
        "utf-8",
    )
    second = _audit(tree)[1]
    prints = set(_fingerprints(second, "CFG-PLAINTEXT-SECRETS").values())
    kept = {fp for fp in first.values()} & prints
    assert len(kept) == 2  # DB_PASSWORD and alpha1; beta's value changed, so it is new
    assert len(prints) == 4


def test_the_same_value_twice_in_a_list_is_two_findings(tree: Path) -> None:
    (tree / "app.yaml").write_text(
        "servers:\n  - {password: same-one}\n  - {password: same-one}\n", "utf-8"
    )
    report = _audit(tree)[1]
    fails = [r for r in results_of(report, "CFG-PLAINTEXT-SECRETS")
             if r["status"] == "fail" and r["location"]["file"] == "app.yaml"]  # fmt: skip
    assert len(fails) == 2
    assert len({r["fingerprint"] for r in fails}) == 2
    assert sorted(r["location"]["line"] for r in fails) == [2, 3]


def _kit_pack(root: Path, condition: dict[str, Any], kind: str = "config") -> Path:
    rule = {
        "id": "KIT-SPLIT",
        "title": "Every value is fine",
        "severity": "high",
        "refs": [{"law": "KIT", "article": "1"}],
        "applies_to": {"kind": kind},
        "condition": condition,
        "message": "{path} is {value}.",
        "remediation": "Fix it.",
    }
    return write_pack(root, [rule])


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"path": "**.tls_min_version", "tls_version_gte": "1.2"}, 2),  # every matching value
        ({"for_all": "protocols", "where": {"path": "name", "not_in": ["TLSv1", "TLSv1.1"]}}, 2),
        ({"for_none": "protocols", "where": {"path": "name", "in": ["TLSv1", "TLSv1.1"]}}, 2),
        (
            {
                "all": [
                    {"path": "a.tls_min_version", "tls_version_gte": "1.2"},
                    {"path": "b.tls_min_version", "tls_version_gte": "1.2"},
                ]
            },
            1,
        ),
    ],
    ids=["wildcard-leaf", "for_all", "for_none", "all-stays-one"],
)
def test_which_conditions_report_each_value(
    tmp_path: Path, condition: dict[str, Any], expected: int
) -> None:
    root = tmp_path / "org"
    root.mkdir()
    pack = _kit_pack(tmp_path, condition)  # outside the audited tree
    (root / "tls.yaml").write_text(
        "a: {tls_min_version: '1.0'}\nb: {tls_min_version: '1.1'}\n"
        "protocols: [{name: TLSv1}, {name: TLSv1.2}, {name: TLSv1.1}]\n",
        "utf-8",
    )
    out = tmp_path / "r.json"
    result = run("audit", root, "--pack", pack, "--as-of", AS_OF, "--format", "json", "-o", out,
                 "-q", "--fail-on", "never")  # fmt: skip
    assert result.exit_code == 0, result.output
    fails = [
        r for r in results_of(json.loads(out.read_text()), "KIT-SPLIT") if r["status"] == "fail"
    ]
    assert len(fails) == expected, [r["message"] for r in fails]
    assert len({r["fingerprint"] for r in fails}) == expected


def _v1_entry(rule_id: str, resource_id: str, basis: str) -> dict[str, Any]:
    """The entry a version-1 baseline held: the fingerprint of the first offending value."""
    old = Result(rule_id, Status.FAIL, Severity.HIGH, "config", resource_id,
                 fingerprint_basis=basis)  # fmt: skip
    return {"fingerprint": old.fingerprint, "rule_id": rule_id, "severity": "high",
            "resource_kind": "config", "resource_id": resource_id, "location": None}  # fmt: skip


def test_a_version_1_baseline_matches_only_what_it_recorded(tree: Path, tmp_path: Path) -> None:
    (tree / "app.env").unlink()
    (tree / "app.yaml").write_text(
        "servers:\n  - {password: alpha1}\n  - {password: beta22}\n", "utf-8"
    )
    base = tmp_path / "v1.json"
    entry = _v1_entry("CFG-PLAINTEXT-SECRETS", "app.yaml", "servers[0].password='alpha1'")
    base.write_text(json.dumps({"version": 1, "findings": [entry]}), "utf-8")
    result = run("audit", tree, "--pack", "config-hygiene", "--as-of", AS_OF, "--baseline", base,
                 "-q", "-j", "1")  # fmt: skip
    assert result.exit_code == 1  # beta22 was never in the baseline
    assert "baseline version 1" in result.output
    assert f"dsaudit baseline upgrade {base}" in result.output
    code, report = _audit(tree, "--baseline", base)
    marks = sorted(
        (r["message"], r["baselined"])
        for r in results_of(report, "CFG-PLAINTEXT-SECRETS")
        if r["status"] == "fail"
    )
    assert [(m[0].split(" (")[0], m[1]) for m in marks] == [
        ("A secret is stored in plaintext at servers[0].password", True),
        ("A secret is stored in plaintext at servers[1].password", False),
    ]
    assert report["metadata"]["baseline"]["version"] == 1

    upgraded = tmp_path / "v2.json"
    done = run("baseline", "upgrade", base, tree, "--pack", "config-hygiene", "--as-of", AS_OF,
               "-o", upgraded)  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "1 finding(s) kept, 0 no longer occur" in done.output
    document = json.loads(upgraded.read_text())
    assert document["version"] == 2
    assert len(document["findings"]) == 1
    code, report = _audit(tree, "--baseline", upgraded)
    assert code == 1  # the upgrade did not accept the value the old file never knew
    assert sum(r["baselined"] for r in results_of(report, "CFG-PLAINTEXT-SECRETS")) == 1


def test_upgrade_drops_entries_that_no_longer_occur(tree: Path, tmp_path: Path) -> None:
    base = tmp_path / "v1.json"
    gone = _v1_entry("CFG-PLAINTEXT-SECRETS", "old.env", "API_TOKEN='x'")
    kept = _v1_entry("CFG-PLAINTEXT-SECRETS", "app.env", "DB_PASSWORD='s3cretA1'")
    base.write_text(json.dumps({"version": 1, "findings": [gone, kept]}), "utf-8")
    done = run("baseline", "upgrade", base, tree, "--pack", "config-hygiene", "--as-of", AS_OF)
    assert done.exit_code == 0, done.output
    assert "1 finding(s) kept, 1 no longer occur" in done.output
    assert json.loads(base.read_text())["version"] == 2  # rewritten in place by default
