"""Choose what runs from the command line (issue 17, item 4): --rule, --skip-rule, --severity,
--law (and article), --tag, composing with the config; ``rules list`` previews the selection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from projectkit import REPO_ROOT, run

ACME = REPO_ROOT / "sample_configs" / "acme-retail"


def _ran(tmp_path: Path, *args: str) -> set[str]:
    out = tmp_path / "r.json"
    result = run("audit", ACME, "--format", "json", "-o", out, "-q", "--fail-on", "never", *args)
    assert result.exit_code == 0, result.output
    return {r["id"] for r in json.loads(out.read_text("utf-8"))["rules"]}


def _listed(*args: str) -> set[str]:
    result = run("rules", "list", "--json", *args)
    assert result.exit_code == 0, result.output
    return {r["id"] for r in json.loads(result.output)}


@pytest.mark.parametrize(
    ("args", "check"),
    [
        (("--rule", "CFG-*"), lambda ids: ids and all(i.startswith("CFG-") for i in ids)),
        (("--rule", "CFG-*", "--skip-rule", "CFG-PLAINTEXT-SECRETS"),
         lambda ids: ids and "CFG-PLAINTEXT-SECRETS" not in ids
         and all(i.startswith("CFG-") for i in ids)),
        (("--rule", "CSL-LOG-RETENTION,CFG-LOG-RETENTION"),
         lambda ids: ids == {"CSL-LOG-RETENTION", "CFG-LOG-RETENTION"}),
        (("--law", "PIPL:38", "--severity", "critical"),
         lambda ids: ids and all(r.startswith(("XB-", "PIPL-XB")) for r in ids)),
        (("--tag", "secrets"), lambda ids: ids == {"CFG-PLAINTEXT-SECRETS"}),
    ],
    ids=["glob", "glob-minus-skip", "comma-list", "law-article-and-severity", "tag"],
)  # fmt: skip
def test_the_audit_runs_what_rules_list_previews(
    tmp_path: Path, args: tuple[str, ...], check
) -> None:  # type: ignore[no-untyped-def]
    ran = _ran(tmp_path, *args)
    assert check(ran), sorted(ran)
    assert _listed(*args) >= ran  # the preview lists the same rules (plus any not in force)


def test_severity_and_law_alone(tmp_path: Path) -> None:
    ran = _ran(tmp_path, "--severity", "info")
    listed = json.loads(run("rules", "list", "--json", "--severity", "info").output)
    assert ran and all(r["severity"] == "info" for r in listed)
    assert ran <= {r["id"] for r in listed}
    cited = _ran(tmp_path, "--law", "DSL")
    assert cited and cited <= _listed("--law", "DSL")


def test_the_selection_narrows_what_the_config_leaves(tmp_path: Path) -> None:
    target = tmp_path / "org"
    target.mkdir()
    (target / "app.env").write_text("DB_PASSWORD=plain1\n", "utf-8")
    (target / "dsaudit.yaml").write_text("version: 1\ndisable: [CFG-PLAINTEXT-SECRETS]\n", "utf-8")
    out = tmp_path / "r.json"
    result = run("audit", target, "--rule", "CFG-*", "--format", "json", "-o", out, "-q")
    assert result.exit_code == 0  # the config disabled the only rule that would fail
    ids = {r["id"] for r in json.loads(out.read_text())["rules"]}
    assert "CFG-PLAINTEXT-SECRETS" not in ids and ids


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--rule", "CFG-TLS-ENABLD"),
         "--rule 'CFG-TLS-ENABLD' is not a rule id (did you mean 'CFG-TLS-ENABLED'?)"),
        (("--rule", "NOPE-*"), "--rule 'NOPE-*' matches no rule"),
        (("--skip-rule", "CFG-NOPE"), "--skip-rule 'CFG-NOPE' is not a rule id"),
        (("--law", "PIPLX"), "--law 'PIPLX' matches no rule of this run"),
        (("--law", "PIPL:5l"), "--law 'PIPL:5l' matches no rule of this run"),
        (("--law", "PIPL 38"), "write a law code (PIPL) or a code and article (PIPL:38)"),
        (("--severity", "urgent"), "--severity 'urgent' is not one of critical, high"),
        (("--tag", "no-such-tag"), "--tag 'no-such-tag' matches no rule of this run"),
        (("--rule", "CFG-PLAINTEXT-SECRETS", "--skip-rule", "CFG-PLAINTEXT-SECRETS"),
         "the rule selection leaves no rule to run"),
    ],
    ids=["typo", "glob-nothing", "skip-typo", "unknown-law", "bad-article", "bad-law-form",
         "bad-severity", "unknown-tag", "nothing-left"],
)  # fmt: skip
def test_a_selection_that_selects_nothing_is_an_error(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = run("audit", ACME, "-q", *args)
    assert result.exit_code == 2
    assert message in result.output
    listed = run("rules", "list", *args)
    assert listed.exit_code == 2 and message in listed.output
