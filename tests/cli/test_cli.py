"""The command line: version fast path, rules and plugins commands, output pairing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dsaudit import __version__
from dsaudit.cli.app import cli
from dsaudit.cli.commands.audit import pair_outputs


def test_version_does_not_load_the_cli_plugins_or_packs() -> None:
    code = (
        "import sys; sys.argv = ['dsaudit', '--version']\n"
        "from dsaudit.cli.entry import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('click', 'rich', 'jsonschema', 'yaml', 'dsaudit.cli.app') "
        "if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [f"dsaudit {__version__}", "[]"]


def test_version_through_click(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output == f"dsaudit {__version__}\n"


@pytest.mark.parametrize(
    ("formats", "outputs", "expected"),
    [
        ((), (), []),
        (("json",), (), [("json", None)]),
        (
            ("json", "sarif"),
            ("r.json", "r.sarif"),
            [("json", Path("r.json")), ("sarif", Path("r.sarif"))],
        ),
        (("html=r.html",), (), [("html", Path("r.html"))]),
        ((), ("r.xml",), [("junit", Path("r.xml"))]),
    ],
    ids=["none", "stdout", "paired", "inline", "by-suffix"],
)
def test_pair_outputs(
    formats: tuple[str, ...], outputs: tuple[str, ...], expected: list[tuple[str, Path | None]]
) -> None:
    assert pair_outputs(formats, outputs) == expected


@pytest.mark.parametrize(
    ("formats", "outputs", "message"),
    [(("json", "csv"), (), "only one --format can go to standard output"),
     ((), ("report.weird",), "cannot tell the format")],
)  # fmt: skip
def test_pair_outputs_refuses_ambiguity(
    formats: tuple[str, ...], outputs: tuple[str, ...], message: str
) -> None:
    with pytest.raises(click.UsageError, match=message):
        pair_outputs(formats, outputs)


def test_rules_list_filters_and_json(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["rules", "list", "--law", "DSL", "--json"])
    assert result.exit_code == 0
    rules = json.loads(result.output)
    assert rules and all(any(ref.startswith("DSL ") for ref in r["refs"]) for r in rules)
    crit = runner.invoke(cli, ["rules", "list", "--severity", "critical", "--json"])
    assert {r["severity"] for r in json.loads(crit.output)} == {"critical"}


def test_rules_show_gives_article_parameters_and_cases(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["rules", "show", "CSL-LOG-RETENTION"])
    assert result.exit_code == 0, result.output
    assert "CSL Art. 23(3) [formerly Art. 21]" in result.output
    assert "min_days = '6 months' (default '6 months')" in result.output
    assert "expect fail" in result.output and "expect pass" in result.output


def test_rules_show_unknown(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["rules", "show", "NOPE-1"])
    assert result.exit_code != 0 and "no rule NOPE-1" in result.output


def test_rules_validate_reports_file_and_line(runner: CliRunner, tmp_path: Path) -> None:
    pack = tmp_path / "p"
    (pack / "rules").mkdir(parents=True)
    (pack / "pack.yaml").write_text(
        'name: p\nversion: "1.0"\njurisdiction: CN\n'
        'instrument: {title: T, effective: "2020-01-01"}\n'
    )
    (pack / "rules" / "r.yaml").write_text(
        "rules:\n  - id: P-ONE\n    title: One rule\n    severity: low\n"
        "    refs: [{law: CSL, article: '1'}]\n    applies_to: {kind: config}\n"
        "    condition: {path: a, equalz: 1}\n    message: m\n    remediation: r\n"
    )
    result = runner.invoke(cli, ["rules", "validate", str(pack)])
    assert result.exit_code == 2
    assert "r.yaml:7" in result.output and 'unknown operator "equalz"' in result.output


def test_plugins_list_json(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["plugins", "list", "--json"])
    data = json.loads(result.output)
    names = {p["name"]: p for p in data["plugins"]}
    assert names["dsaudit.language.checks"]["origin"] == "built-in"
    assert "dsaudit_register_checks" in names["dsaudit.language.checks"]["hooks"]
