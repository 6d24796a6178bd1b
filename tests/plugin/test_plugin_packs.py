"""Plugin packs are first-class (issue 17 §5), end to end through the CLI on real files.

A local plugin (``--plugin-dir``) made from ``dsaudit plugin new hxacl`` provides the pack
``hxacl``: every command that takes packs accepts its name as ``audit --pack`` does; it runs
only when named; and reports say where each pack came from.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from dsaudit.authoring.scaffold import new_plugin
from dsaudit.cli.app import cli

AS_OF = "2026-06-01"
NOTICE = (
    "dsaudit: plugin pack hxacl is installed but not run by default; add with --pack default "
    "--pack hxacl or packs: [default, hxacl] in dsaudit.yaml"
)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """tmp/plug/hxacl.py (the scaffold's plugin module) with its pack, and tmp/demo/app.yaml."""
    dest, _ = new_plugin("hxacl", tmp_path / "scaffold")
    monkeypatch.syspath_prepend(str(dest / "src"))
    plug = tmp_path / "plug"
    plug.mkdir()
    (plug / "hxacl.py").write_text("from dsaudit_hxacl.plugin import *  # noqa: F403\n", "utf-8")
    demo = tmp_path / "demo"
    demo.mkdir()
    (demo / "app.yaml").write_text("app:\n  name: shop\n  debug: true\n", encoding="utf-8")
    mine = tmp_path / "mypacks" / "mine"
    shutil.copytree(dest / "src" / "dsaudit_hxacl" / "packs" / "hxacl", mine)
    for file in (mine / "pack.yaml", *mine.glob("*/*.yaml")):  # a pack of its own, in a folder
        text = file.read_text(encoding="utf-8")
        text = text.replace("name: hxacl", "name: mine").replace("HXACL-DEBUG-OFF", "MINE-X")
        file.write_text(text, encoding="utf-8")
    monkeypatch.setenv("DSAUDIT_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("dsaudit_hxacl")]:
        del sys.modules[name]  # the next test imports its own scaffold


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _report(world: Path, *args: str) -> dict:
    out = world / "report.json"
    code, _, err = run("audit", "demo", "--plugin-dir", "plug", "--as-of", AS_OF,
                       "--format", "json", "-o", str(out), "--fail-on", "never", *args)  # fmt: skip
    assert code == 0, err
    return json.loads(out.read_text(encoding="utf-8"))


# --- 1. names everywhere ---------------------------------------------------------------------


def test_rules_test_takes_a_plugin_pack_name(world: Path) -> None:
    code, out, err = run("rules", "test", "hxacl", "--plugin-dir", "plug")
    assert code == 0, out + err
    assert "hxacl 0.1.0 (plugin hxacl)" in out
    assert "1 rules, 2 cases, 0 pack(s) failing" in out


def test_rules_test_without_packs_tests_shipped_and_plugin_packs(world: Path) -> None:
    code, out, err = run("rules", "test", "--plugin-dir", "plug")
    assert code == 0, out[-2000:] + err
    assert "hxacl 0.1.0 (plugin hxacl)" in out
    assert "csl 0.2.0 (builtin)" in out


def test_rules_test_takes_shipped_names_folders_and_folders_of_packs(world: Path) -> None:
    code, out, _ = run("rules", "test", "csl", "mypacks", "--plugin-dir", "plug")
    assert code == 0, out[-2000:]
    assert "csl 0.2.0 (builtin)" in out
    assert "mine 0.1.0 (path mypacks/mine)" in out
    code, _, err = run("rules", "test", "hxacll", "--plugin-dir", "plug")
    assert code == 2
    assert 'no rule pack "hxacll" (did you mean "hxacl"?)' in err


def test_rules_list_show_validate_and_coverage_take_the_name(world: Path) -> None:
    code, out, err = run("rules", "list", "--pack", "hxacl", "--plugin-dir", "plug", "--json")
    assert code == 0, err
    [row] = json.loads(out)
    assert (row["id"], row["pack"], row["origin"]) == ("HXACL-DEBUG-OFF", "hxacl", "plugin hxacl")
    code, out, err = run("rules", "show", "HXACL-DEBUG-OFF", "--plugin-dir", "plug")
    assert code == 0, err
    assert "pack:        hxacl 0.1.0 (plugin hxacl)" in out
    code, out, err = run("rules", "validate", "hxacl", "csl", "--plugin-dir", "plug")
    assert code == 0, err
    assert out.splitlines() == ["hxacl 0.1.0: 1 rules valid", "csl 0.2.0: 13 rules valid"]
    code, out, err = run("coverage", "--pack", "hxacl", "--plugin-dir", "plug", "--format", "json")
    assert code == 0, err
    covered = {
        rule["id"]
        for instrument in json.loads(out)["instruments"]
        for provision in instrument["provisions"]
        for rule in provision.get("rules", [])
    }
    assert covered == {"HXACL-DEBUG-OFF"}


def test_baseline_create_takes_the_name(world: Path) -> None:
    code, out, err = run("baseline", "create", "demo", "--plugin-dir", "plug", "--as-of", AS_OF,
                         "--pack", "hxacl", "-o", "base.json")  # fmt: skip
    assert code == 0, err
    assert "wrote baseline of 1 failing finding(s)" in out
    [finding] = json.loads((world / "base.json").read_text(encoding="utf-8"))["findings"]
    assert finding["rule_id"] == "HXACL-DEBUG-OFF"


# --- 2. plugin packs run only when named -----------------------------------------------------


def test_a_plugin_pack_does_not_join_the_default_audit(world: Path) -> None:
    report = _report(world)
    assert "hxacl" not in {p["name"] for p in report["metadata"]["packs"]}
    assert not [r for r in report["results"] if r["rule_id"] == "HXACL-DEBUG-OFF"]
    assert report["metadata"]["plugin_packs_not_run"] == [
        {"name": "hxacl", "origin": "plugin hxacl"}
    ]


def test_default_plus_the_plugin_pack_runs_both(world: Path) -> None:
    report = _report(world, "--pack", "default", "--pack", "hxacl")
    origins = {p["name"]: p["origin"] for p in report["metadata"]["packs"]}
    assert origins["hxacl"] == "plugin hxacl" and origins["csl"] == "builtin"
    assert report["metadata"]["plugin_packs_not_run"] == []
    assert [r["status"] for r in report["results"] if r["rule_id"] == "HXACL-DEBUG-OFF"] == ["fail"]


def test_the_config_names_the_plugin_pack(world: Path) -> None:
    (world / "dsaudit.yaml").write_text("packs: [default, hxacl]\n", encoding="utf-8")
    report = _report(world, "--config", "dsaudit.yaml")
    names = [p["name"] for p in report["metadata"]["packs"]]
    assert "hxacl" in names and "pipl" in names


def test_the_console_says_once_that_a_plugin_pack_is_not_run(world: Path) -> None:
    code, _, err = run("audit", "demo", "--plugin-dir", "plug", "--as-of", AS_OF)
    assert code == 0
    assert err.count(NOTICE) == 1
    _, _, err = run("audit", "demo", "--plugin-dir", "plug", "--as-of", AS_OF, "--pack", "csl")
    assert "hxacl" not in err  # packs were named: a deliberate choice
    _, _, err = run("audit", "demo", "--plugin-dir", "plug", "--as-of", AS_OF, "-q")
    assert "hxacl" not in err
    _, _, err = run("rules", "list", "--plugin-dir", "plug")
    assert NOTICE in err


# --- 3. where each pack came from ------------------------------------------------------------


def test_reports_show_each_packs_source(world: Path) -> None:
    args = ["--pack", "csl", "--pack", "hxacl", "--pack", "mypacks/mine"]
    report = _report(world, *args)
    shown = {p["name"]: (p["origin"], p.get("path")) for p in report["metadata"]["packs"]}
    assert shown == {
        "csl": ("builtin", None),
        "hxacl": ("plugin hxacl", None),
        "mine": ("path", "mypacks/mine"),
    }
    line = "packs: csl 0.2.0 (builtin); hxacl 0.1.0 (plugin hxacl); mine 0.1.0 (path mypacks/mine)"
    base = ["audit", "demo", "--plugin-dir", "plug", "--as-of", AS_OF, "--fail-on", "never"]
    _, console, _ = run(*base, *args)
    assert line in console.replace("\n", " ")
    _, markdown, _ = run(*base, *args, "--format", "markdown")
    assert line in markdown
    _, page, _ = run(*base, *args, "--format", "html")
    for source in ("builtin", "plugin hxacl", "path mypacks/mine"):
        assert f'<td class="mono">{source}</td>' in page


def test_a_plugin_pack_cannot_take_a_shipped_packs_name(world: Path) -> None:
    shadow = world / "shadow"
    shutil.copytree(world / "mypacks" / "mine", shadow / "packs" / "csl")
    (shadow / "shadow.py").write_text(
        "from pathlib import Path\nimport dsaudit\n\n\n@dsaudit.hookimpl\n"
        "def dsaudit_rule_pack_paths():\n    return [Path(__file__).parent / 'packs' / 'csl']\n",
        encoding="utf-8",
    )
    report = _report(world, "--plugin-dir", "shadow", "--pack", "csl")
    [pack] = report["metadata"]["packs"]
    assert (pack["name"], pack["origin"]) == ("csl", "builtin")
