"""The audit does not audit its own output (issue 17, item 2).

dsaudit's project config, waivers, baseline, reports (from ``outputs:`` and ``-o``), cache,
``.dsaudit/`` folder, rule packs given by path and the pre-commit files are left out of config
discovery, so two runs on the same tree give the same results; ``--explain-discovery`` says
what is read and why the rest is not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from projectkit import AS_OF, run, write_pack


def _report(root: Path, out: Path, *args: str | Path) -> dict[str, Any]:
    result = run("audit", root, "--as-of", AS_OF, "--format", "json", "-o", out, "-q", "-j", "1",
                 "--fail-on", "never", *args)  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text("utf-8"))


def _inputs(report: dict[str, Any]) -> set[str]:
    return {i["path"] for i in report["metadata"]["inputs"]}


def _counts(report: dict[str, Any]) -> dict[str, int]:
    return dict(report["summary"]["by_status"])


def test_two_runs_writing_into_the_target_give_the_same_results(tmp_path: Path) -> None:
    target = tmp_path / "x"
    assert run("init", target).exit_code == 0
    out = target / "reports" / "r.json"
    first = _report(target, out)
    second = _report(target, out)
    assert _counts(first) == _counts(second)
    assert "reports/r.json" not in _inputs(second)
    assert len(second["results"]) == len(first["results"])


def test_outputs_of_the_config_are_skipped_even_when_o_replaces_them(tmp_path: Path) -> None:
    target = tmp_path / "x"
    target.mkdir()
    (target / "app.yaml").write_text("server:\n  port: 443\n", "utf-8")
    (target / "dsaudit.yaml").write_text(
        "version: 1\noutputs:\n  - {format: sarif, path: out/dsaudit.sarif}\n", "utf-8"
    )
    (target / "out").mkdir()
    (target / "out" / "dsaudit.sarif").write_text('{"version": "2.1.0", "runs": []}', "utf-8")
    report = _report(target, tmp_path / "elsewhere.json")
    assert _inputs(report) == {"app.yaml"}


@pytest.mark.parametrize(
    ("path", "content", "reason"),
    [
        (".pre-commit-config.yaml", "repos:\n  - repo: local\n    hooks: [{id: dsaudit}]\n",
         "pre-commit configuration"),
        (".dsaudit/baseline.json", '{"version": 2, "findings": []}', "dsaudit's folder"),
        (".dsaudit/cache/x.json", "{}", "dsaudit's folder"),
    ],
    ids=["pre-commit", "baseline-folder", "cache-in-own-folder"],
)  # fmt: skip
def test_dsaudit_files_are_not_read_and_explained(
    tmp_path: Path, path: str, content: str, reason: str
) -> None:
    target = tmp_path / "x"
    target.mkdir()
    (target / "app.yaml").write_text("server:\n  port: 443\n", "utf-8")
    file = target / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(content, "utf-8")
    report = _report(target, tmp_path / "r.json")
    assert _inputs(report) & {path} == set()
    assert "app.yaml" in _inputs(report)
    explained = run("audit", target, "--explain-discovery")
    assert explained.exit_code == 0, explained.output
    shown = path.split("/")[0] if path.startswith(".dsaudit") else path
    line = next(row for row in explained.output.splitlines() if f" {shown} " in row + " ")
    assert line.lstrip().startswith("skipped") and reason in line
    assert "  read      app.yaml  (yaml)" in explained.output


def test_cache_folder_and_packs_inside_the_target_are_skipped(tmp_path: Path) -> None:
    target = tmp_path / "x"
    target.mkdir()
    (target / "app.yaml").write_text("server:\n  port: 443\n", "utf-8")
    pack = write_pack(target / "policy", [])
    cache = target / "parse-cache"
    report = _report(target, tmp_path / "r1.json", "--cache", cache, "--pack", pack,
                     "--pack", "csl")  # fmt: skip
    assert cache.is_dir() and any(cache.rglob("*"))  # the cache was written inside the tree
    again = _report(target, tmp_path / "r2.json", "--cache", cache, "--pack", pack,
                    "--pack", "csl")  # fmt: skip
    assert _inputs(again) == _inputs(report) == {"app.yaml"}
    explained = run("audit", target, "--explain-discovery", "--cache", cache, "--pack", pack)
    assert "skipped   parse-cache  (dsaudit parse cache)" in explained.output
    assert "skipped   policy/pack  (rule pack given with --pack)" in explained.output


def test_the_explanation_escapes_names_from_the_tree(tmp_path: Path) -> None:
    target = tmp_path / "x"
    target.mkdir()
    (target / "evil\x1b[2J.yaml").write_text("a: 1\n", "utf-8")
    explained = run("audit", target, "--explain-discovery")
    assert explained.exit_code == 0
    assert "\x1b" not in explained.output
    assert "evil" in explained.output


def test_reports_of_earlier_runs_are_recognised_by_their_content(tmp_path: Path) -> None:
    """-o changed since: the old JSON report, SARIF log and baseline are still not audited."""
    target = tmp_path / "x"
    target.mkdir()
    (target / "app.env").write_text("DB_PASSWORD=plain1\n", "utf-8")
    old = target / "old"
    old.mkdir()
    for fmt, name in (("json", "r.json"), ("sarif", "r.sarif")):
        run("audit", target, "--as-of", AS_OF, "--format", fmt, "-o", old / name, "-q",
            "--fail-on", "never")  # fmt: skip
    assert run("baseline", "create", target, "--as-of", AS_OF, "-o", old / "b.json").exit_code == 0
    report = _report(target, tmp_path / "now.json")
    assert _inputs(report) == {"app.env"}
    secrets = [r for r in report["results"]
               if r["rule_id"] == "CFG-PLAINTEXT-SECRETS" and r["status"] == "fail"]  # fmt: skip
    assert len(secrets) == 1  # only the .env itself, not the reports that mention it
