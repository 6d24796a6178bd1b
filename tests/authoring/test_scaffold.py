"""``dsaudit plugin new`` and ``dsaudit pack new``: skeletons that pass their own tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from dsaudit.authoring.scaffold import scaffold_names
from dsaudit.cli.app import cli
from dsaudit.language.packs import load_pack


def _pytest(paths: list[Path], pythonpath: list[Path], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in pythonpath)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
    )


@pytest.mark.parametrize(
    ("name", "dist", "module", "rule", "check"),
    [
        ("acme", "dsaudit-acme", "dsaudit_acme", "ACME-DEBUG-OFF", "acme_debug_off"),
        (
            "acme-cloud",
            "dsaudit-acme-cloud",
            "dsaudit_acme_cloud",
            "ACME-CLOUD-DEBUG-OFF",
            "acme_cloud_debug_off",
        ),
        ("dsaudit-x2", "dsaudit-x2", "dsaudit_x2", "X2-DEBUG-OFF", "x2_debug_off"),
    ],
    ids=["plain", "hyphen", "prefixed"],
)
def test_names_are_derived_from_one_name(
    name: str, dist: str, module: str, rule: str, check: str
) -> None:
    names = scaffold_names(name)
    assert (names.dist, names.module, names.rule, names.check) == (dist, module, rule, check)
    assert names.parser == check.replace("_debug_off", "_conf")


@pytest.mark.parametrize("bad", ["Acme", "1acme", "acme_cloud", "acme--x", "", "a/b"])
def test_invalid_names_are_refused_with_the_rule(tmp_path: Path, bad: str) -> None:
    run = CliRunner().invoke(cli, ["plugin", "new", bad, "--dir", str(tmp_path)])
    assert run.exit_code == 2
    assert f'invalid name "{bad}"' in run.output and "lower-case letters" in run.output
    assert not any(tmp_path.iterdir())


def test_plugin_new_writes_an_installable_package(tmp_path: Path) -> None:
    run = CliRunner().invoke(cli, ["plugin", "new", "acme", "--dir", str(tmp_path)])
    assert run.exit_code == 0, run.output
    root = tmp_path / "dsaudit-acme"
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert files == [
        "README.md",
        "pyproject.toml",
        "src/dsaudit_acme/__init__.py",
        "src/dsaudit_acme/packs/acme/pack.yaml",
        "src/dsaudit_acme/packs/acme/rules/acme.yaml",
        "src/dsaudit_acme/packs/acme/tests/acme.yaml",
        "src/dsaudit_acme/parser.py",
        "src/dsaudit_acme/plugin.py",
        "tests/test_parser.py",
        "tests/test_plugin.py",
    ]
    for path in root.rglob("*"):
        if path.is_file():
            assert "{{" not in path.read_text(encoding="utf-8"), path
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["name"] == "dsaudit-acme"
    assert project["project"]["entry-points"]["dsaudit"] == {"acme": "dsaudit_acme.plugin"}
    pack = load_pack(root / "src/dsaudit_acme/packs/acme")
    assert (pack.name, [r.data["id"] for r in pack.rules]) == ("acme", ["ACME-DEBUG-OFF"])
    plugin_source = (root / "src/dsaudit_acme/plugin.py").read_text(encoding="utf-8")
    assert "DSAUDIT_PLUGIN_API = 1" in plugin_source
    assert "def dsaudit_register_parsers(register" in plugin_source


def test_generated_plugin_tests_pass(tmp_path: Path) -> None:
    CliRunner().invoke(cli, ["plugin", "new", "acme-cloud", "--dir", str(tmp_path)])
    root = tmp_path / "dsaudit-acme-cloud"
    run = _pytest([root / "tests"], [root / "src"], root)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "10 passed" in run.stdout  # 6 of the check and pack, 4 of the parser


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is not installed")
def test_generated_code_is_ruff_clean(tmp_path: Path) -> None:
    CliRunner().invoke(cli, ["plugin", "new", "acme", "--dir", str(tmp_path)])
    CliRunner().invoke(cli, ["pack", "new", "acme-pack", "--dir", str(tmp_path)])
    (tmp_path / "acme-pack" / "ruff.toml").write_text("line-length = 100\n", encoding="utf-8")
    for folder in ("dsaudit-acme", "acme-pack"):
        for args in (["check"], ["format", "--check"]):
            run = subprocess.run(
                ["ruff", *args, "--no-cache", "."],
                capture_output=True,
                text=True,
                cwd=tmp_path / folder,
            )
            assert run.returncode == 0, run.stdout + run.stderr


def test_pack_new_passes_rules_test(tmp_path: Path) -> None:
    run = CliRunner().invoke(cli, ["pack", "new", "payments", "--dir", str(tmp_path)])
    assert run.exit_code == 0, run.output
    root = tmp_path / "payments"
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert files == [
        "pack.yaml",
        "rules/payments.yaml",
        "tests/payments.yaml",
        "tests/test_pack.py",
    ]
    tested = CliRunner().invoke(cli, ["rules", "test", str(root)])
    assert tested.exit_code == 0, tested.output
    assert "PAYMENTS-LOG-RETENTION" in tested.output and "0 pack(s) failing" in tested.output
    validated = CliRunner().invoke(cli, ["rules", "validate", str(root)])
    assert validated.exit_code == 0 and "payments 0.1.0: 1 rules valid" in validated.output


def test_pack_new_has_both_a_passing_and_a_failing_case_that_bite(tmp_path: Path) -> None:
    CliRunner().invoke(cli, ["pack", "new", "payments", "--dir", str(tmp_path)])
    root = tmp_path / "payments"
    cases = root / "tests" / "payments.yaml"
    # Swap the expectations: the pack's own test must then fail, so the cases are real.
    text = cases.read_text(encoding="utf-8")
    swapped = text.replace("expect: pass", "expect: TMP").replace("expect: fail", "expect: pass")
    cases.write_text(swapped.replace("expect: TMP", "expect: fail"), encoding="utf-8")
    assert CliRunner().invoke(cli, ["rules", "test", str(root)]).exit_code == 1
    run = _pytest([root / "tests"], [], tmp_path)
    assert run.returncode == 1, run.stdout[-2000:]


def test_generated_pack_test_passes(tmp_path: Path) -> None:
    CliRunner().invoke(cli, ["pack", "new", "payments", "--dir", str(tmp_path)])
    run = _pytest([tmp_path / "payments" / "tests"], [], tmp_path)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "1 passed" in run.stdout


def test_audit_with_a_new_pack_finds_the_short_retention(tmp_path: Path) -> None:
    CliRunner().invoke(cli, ["pack", "new", "payments", "--dir", str(tmp_path)])
    target = tmp_path / "svc"
    target.mkdir()
    (target / "app.yaml").write_text("logging:\n  retention_days: 30\n", encoding="utf-8")
    run = CliRunner().invoke(
        cli,
        ["audit", str(target), "--pack", str(tmp_path / "payments"), "--as-of", "2026-06-01",
         "--format", "json"],
    )  # fmt: skip
    assert run.exit_code == 1, run.output
    assert '"rule_id": "PAYMENTS-LOG-RETENTION"' in run.output
    assert '"line": 2' in run.output


@pytest.mark.parametrize("command", ["plugin", "pack"])
def test_existing_folder_is_not_overwritten(tmp_path: Path, command: str) -> None:
    folder = tmp_path / ("dsaudit-acme" if command == "plugin" else "acme")
    folder.mkdir()
    (folder / "keep.txt").write_text("mine", encoding="utf-8")
    run = CliRunner().invoke(cli, [command, "new", "acme", "--dir", str(tmp_path)])
    assert run.exit_code == 2
    assert "already exists and is not empty; nothing was written" in run.output
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]


def test_generated_parser_reads_its_files_in_a_cli_audit(tmp_path: Path) -> None:
    """The scaffolded parser, check and pack work together in 'dsaudit audit' (local plugin)."""
    CliRunner().invoke(cli, ["plugin", "new", "acme", "--dir", str(tmp_path)])
    src = tmp_path / "dsaudit-acme" / "src"
    plug = tmp_path / "plug"
    plug.mkdir()
    (plug / "acme.py").write_text(
        f"import sys\nsys.path.insert(0, {str(src)!r})\n"
        "from dsaudit_acme.plugin import *  # noqa\n",
        encoding="utf-8",
    )
    demo = tmp_path / "demo"
    demo.mkdir()
    (demo / "shop.acme.conf").write_text("# shop\n[app]\ndebug = on\n", encoding="utf-8")
    (demo / "broken.acme.conf").write_text("[app]\ndebug\n", encoding="utf-8")
    run = CliRunner().invoke(
        cli, ["audit", str(demo), "--pack", "acme", "--plugin-dir", str(plug), "--as-of",
              "2026-06-01", "--format", "json", "--fail-on-error"],
    )  # fmt: skip
    try:
        report = json.loads(run.stdout)
    finally:
        sys.path[:] = [p for p in sys.path if p != str(src)]
        for name in [m for m in sys.modules if m.startswith("dsaudit_acme")]:
            del sys.modules[name]
    assert run.exit_code == 2, run.output  # the broken file is an error result
    [finding] = [r for r in report["results"] if r["rule_id"] == "ACME-DEBUG-OFF"]
    assert finding["status"] == "fail"
    assert finding["location"]["file"] == "shop.acme.conf" and finding["location"]["line"] == 3
    [error] = report["errors"]
    assert "broken.acme.conf:2: expected 'key = value' or '[section]'" in error["message"]
