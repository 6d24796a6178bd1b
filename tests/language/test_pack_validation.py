"""Issue 17 §3: the pack loader checks law codes and article numbers, reports every problem at
once (file:line each), and refuses YAML files it would not read; through the CLI
(``dsaudit rules validate PATH`` and ``dsaudit audit --pack PATH``) with real pack folders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from dsaudit.cli.app import cli
from dsaudit.cli.outcome import ExitCode
from dsaudit.core.errors import PackError, PackSchemaError
from dsaudit.language.lawcodes import closest_code, shipped_instruments
from dsaudit.language.packs import builtin_pack_paths, load_pack
from tests.language.test_rule_packs import LAW_CODES

ROOT = Path(__file__).resolve().parents[2]

MANIFEST = """\
name: p
version: "1.0"
jurisdiction: CN
instrument: {title: T, effective: "2020-01-01"}
"""


def rule(rid: str, law: str = "PIPL", article: str = '"5"', extra: str = "") -> str:
    return (
        f"  - id: {rid}\n"
        "    title: One rule\n"
        "    severity: low\n"
        f"    refs: [{{law: {law}, article: {article}}}]\n"
        "    applies_to: {kind: config}\n"
        "    condition: {path: a, equals: 1}\n"
        "    message: m\n"
        "    remediation: r\n"
        f"{extra}"
    )


def make_pack(root: Path, files: dict[str, str], manifest: str = MANIFEST) -> Path:
    pack = root / "p"
    (pack / "rules").mkdir(parents=True)
    (pack / "pack.yaml").write_text(manifest, "utf-8")
    for rel, text in files.items():
        (pack / rel).parent.mkdir(parents=True, exist_ok=True)
        (pack / rel).write_text(text, "utf-8")
    return pack


def validate(runner: CliRunner, pack: Path) -> tuple[int, str]:
    result = runner.invoke(cli, ["rules", "validate", str(pack)])
    return result.exit_code, result.output


def audit(runner: CliRunner, target: Path, pack: Path) -> tuple[int, str]:
    target.mkdir(exist_ok=True)
    (target / "a.yaml").write_text("x: 1\n", "utf-8")
    result = runner.invoke(cli, ["audit", str(target), "--pack", str(pack)])
    return result.exit_code, result.output


# -- 1. law codes ------------------------------------------------------------------------


def test_an_unknown_law_code_is_refused_naming_file_line_and_the_closest_code(
    runner: CliRunner, tmp_path: Path
) -> None:
    pack = make_pack(tmp_path, {"rules/r.yaml": "rules:\n" + rule("P-ONE", law="PIPLX")})
    code, out = validate(runner, pack)
    assert code == ExitCode.INCOMPLETE
    assert "p/rules/r.yaml:5: rule P-ONE: refs[0]: unknown law code 'PIPLX'" in out
    assert "(did you mean 'PIPL'?)" in out
    code, out = audit(runner, tmp_path / "target", pack)
    assert code == ExitCode.INCOMPLETE and "unknown law code 'PIPLX'" in out


def test_a_verified_entry_with_an_unknown_law_code_is_refused(tmp_path: Path) -> None:
    extra = '    verified: [{law: DLS, article: "5", quote: 处理个人信息}]\n'
    pack = make_pack(tmp_path, {"rules/r.yaml": "rules:\n" + rule("P-ONE", extra=extra)})
    with pytest.raises(PackSchemaError) as err:
        load_pack(pack)
    assert err.value.line == 10
    assert "verified[0]: unknown law code 'DLS' (did you mean 'DSL'?)" in err.value.message


def test_a_lowercase_code_suggests_the_shipped_one() -> None:
    assert closest_code("pipl", shipped_instruments()) == "PIPL"
    assert closest_code("ZZZZZZ", shipped_instruments()) is None


def test_the_manifest_law_and_declared_instruments_may_be_cited(
    runner: CliRunner, tmp_path: Path
) -> None:
    manifest = MANIFEST + (
        "law: HXPOL\n"
        "instruments:\n"
        "  - {code: HXACL, title: Group access-control standard, title_zh: 集团访问控制标准}\n"
    )
    rules = "rules:\n" + rule("P-ONE", law="HXPOL") + rule("P-TWO", law="HXACL")
    pack = make_pack(tmp_path, {"rules/r.yaml": rules + rule("P-THREE", law="CSL")}, manifest)
    code, out = validate(runner, pack)
    assert (code, out.strip()) == (0, "p 1.0: 3 rules valid")


def test_declared_codes_are_checked(tmp_path: Path) -> None:
    manifest = MANIFEST + (
        "instruments:\n"
        "  - {code: PIPL, title: my PIPL}\n"
        "  - {code: HXACL, title: one}\n"
        "  - {code: HXACL, title: two}\n"
        "  - {code: hx-acl, title: three}\n"
    )
    pack = make_pack(tmp_path, {"rules/r.yaml": "rules:\n" + rule("P-ONE")}, manifest)
    with pytest.raises(PackSchemaError) as err:
        load_pack(pack)
    text = str(err.value)
    assert "p/pack.yaml:6: instruments: 'PIPL' is shipped with dsaudit" in text
    assert "p/pack.yaml:8: instruments: 'HXACL' is declared twice" in text
    assert "p/pack.yaml:9: law code 'hx-acl' must be capital letters and digits" in text


def test_a_code_declared_by_another_pack_is_not_known_here(tmp_path: Path) -> None:
    manifest = MANIFEST + "instruments: [{code: HXACL, title: Group standard}]\n"
    make_pack(tmp_path / "a", {"rules/r.yaml": "rules:\n" + rule("A-ONE", law="HXACL")}, manifest)
    other = make_pack(tmp_path / "b", {"rules/r.yaml": "rules:\n" + rule("B-ONE", law="HXACL")})
    load_pack(tmp_path / "a" / "p")
    with pytest.raises(PackSchemaError, match="unknown law code 'HXACL'"):
        load_pack(other)


def test_the_registry_is_the_provisions_file_and_the_lists_agree() -> None:
    """provisions.yaml's instruments are the source; the test list and docs/coverage.md's
    law-code table must name the same codes."""
    data = yaml.safe_load((ROOT / "dsaudit/data/provisions.yaml").read_text("utf-8"))
    assert set(shipped_instruments()) == set(data["instruments"]) == LAW_CODES
    coverage = (ROOT / "docs/coverage.md").read_text("utf-8")
    table = coverage.split("## Law codes used in rule refs", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| ([A-Z][A-Z0-9]*) \|", table, re.MULTILINE))
    assert documented == LAW_CODES


# -- 2. article numbers ----------------------------------------------------------------


@pytest.mark.parametrize("article", ['"5l"', '""', '" 5"', '"Art. 5"', '"05"', "0", '"5."'])
def test_a_malformed_article_is_refused_with_its_line(
    runner: CliRunner, tmp_path: Path, article: str
) -> None:
    pack = make_pack(tmp_path, {"rules/r.yaml": "rules:\n" + rule("P-ONE", article=article)})
    code, out = validate(runner, pack)
    assert code == ExitCode.INCOMPLETE
    assert "p/rules/r.yaml:5: article" in out and "is not an article number" in out


@pytest.mark.parametrize("article", ['"5"', "5", '"8.1.2.2"', '"6.2"', '"annex"', '"8.1.4.10"'])
def test_the_shipped_article_forms_are_accepted(tmp_path: Path, article: str) -> None:
    pack = make_pack(tmp_path, {"rules/r.yaml": "rules:\n" + rule("P-ONE", article=article)})
    assert len(load_pack(pack).rules) == 1


def test_former_article_and_verified_article_are_checked_too(tmp_path: Path) -> None:
    refs = '[{law: CSL, article: "23", former_article: "21a", in_force_from: "2026-01-01"}]'
    text = "rules:\n" + rule("P-ONE").replace('[{law: PIPL, article: "5"}]', refs)
    text += '    verified: [{law: CSL, article: "23 ", quote: 网络运营者}]\n'
    pack = make_pack(tmp_path, {"rules/r.yaml": text})
    with pytest.raises(PackSchemaError) as err:
        load_pack(pack)
    assert "former_article '21a' is not an article number" in str(err.value)
    assert "article '23 ' is not an article number" in str(err.value)
    assert len(err.value.errors) == 2  # type: ignore[attr-defined]


# -- 3. every problem at once ------------------------------------------------------------


def test_every_schema_problem_of_every_rule_file_is_reported(
    runner: CliRunner, tmp_path: Path
) -> None:
    one = "rules:\n" + rule("P-ONE", article='"5l"') + rule("P-TWO").replace("low", "urgent")
    two = "rules:\n" + rule("P-THREE", law="PIPLX") + rule("P-FOUR") + "    colour: red\n"
    pack = make_pack(tmp_path, {"rules/a.yaml": one, "rules/b.yaml": two})
    code, out = validate(runner, pack)
    assert code == ExitCode.INCOMPLETE
    assert "rule pack p has 4 problems:" in out
    assert "p/rules/a.yaml:5: article '5l'" in out
    assert "p/rules/a.yaml:12: 'urgent' is not one of" in out
    assert "p/rules/b.yaml:5: rule P-THREE: refs[0]: unknown law code 'PIPLX'" in out
    assert "p/rules/b.yaml:18: unknown key" in out and "colour" in out
    code, out = audit(runner, tmp_path / "target", pack)
    assert code == ExitCode.INCOMPLETE and "rule pack p has 4 problems:" in out


def test_problems_of_the_manifest_yaml_and_duplicates_come_together(tmp_path: Path) -> None:
    manifest = MANIFEST.replace('version: "1.0"\n', "") + "colour: red\n"
    files = {
        "rules/a.yaml": "rules:\n" + rule("P-ONE"),
        "rules/b.yaml": "rules:\n" + rule("P-ONE"),
        "rules/c.yaml": "rules: [\n",
    }
    pack = make_pack(tmp_path, files, manifest)
    with pytest.raises(PackError) as err:  # not only schema problems: a YAML error too
        load_pack(pack)
    assert not isinstance(err.value, PackSchemaError)
    shown = [str(e) for e in err.value.errors]  # type: ignore[attr-defined]
    assert any(s.startswith("p/pack.yaml:4: unknown key") for s in shown)
    assert "p/pack.yaml:1: the manifest needs 'version'" in shown
    assert any(s.startswith("p/rules/b.yaml:2: duplicate rule id P-ONE") for s in shown)
    assert any(s.startswith("p/rules/c.yaml:") for s in shown)


def test_compile_errors_of_every_rule_are_reported_by_validate(
    runner: CliRunner, tmp_path: Path
) -> None:
    text = "rules:\n" + rule("P-ONE") + rule("P-TWO")
    text = text.replace("equals: 1", "equalz: 1")
    code, out = validate(runner, make_pack(tmp_path, {"rules/r.yaml": text}))
    assert code == ExitCode.INCOMPLETE
    assert "p/rules/r.yaml:7: rule P-ONE" in out and "p/rules/r.yaml:15: rule P-TWO" in out


def test_validate_goes_on_to_the_next_pack(runner: CliRunner, tmp_path: Path) -> None:
    bad = make_pack(tmp_path / "bad", {"rules/r.yaml": "rules:\n" + rule("P-ONE", law="X")})
    good = make_pack(tmp_path / "good", {"rules/r.yaml": "rules:\n" + rule("P-TWO")})
    result = runner.invoke(cli, ["rules", "validate", str(bad), str(good)])
    assert result.exit_code == ExitCode.INCOMPLETE
    assert "p 1.0: 1 rules valid" in result.output and "unknown law code 'X'" in result.output


# -- 4. stray YAML files -----------------------------------------------------------------


@pytest.mark.parametrize("stray", ["rules.yaml", "extra.yml", "rules/more/r.yaml"])
def test_a_yaml_file_the_loader_would_not_read_is_refused(
    runner: CliRunner, tmp_path: Path, stray: str
) -> None:
    files = {"rules/r.yaml": "rules:\n" + rule("P-ONE"), stray: "rules:\n" + rule("P-TWO")}
    pack = make_pack(tmp_path, files)
    code, out = validate(runner, pack)
    why = "not from its subfolders" if "/" in stray else "is not read (only pack.yaml is)"
    assert code == ExitCode.INCOMPLETE and f"p/{stray}: " in out and why in out
    code, out = audit(runner, tmp_path / "target", pack)
    assert code == ExitCode.INCOMPLETE and f"p/{stray}: " in out


def test_hidden_files_readme_and_tests_are_let_be(tmp_path: Path) -> None:
    files = {
        "rules/r.yaml": "rules:\n" + rule("P-ONE"),
        ".yamllint.yaml": "extends: default\n",
        "README.md": "# p\n",
        "tests/r.yaml": "tests: []\n",
        "tests/fixtures/x.yaml": "a: 1\n",
    }
    assert len(load_pack(make_pack(tmp_path, files)).rules) == 1


# -- the shipped packs ---------------------------------------------------------------------


def test_every_shipped_and_plugin_pack_still_loads() -> None:
    extra = [
        ROOT / "plugins/dsaudit-terraform/src/dsaudit_terraform/packs/terraform-cn",
        ROOT / "plugins/dsaudit-kubernetes/src/dsaudit_kubernetes/packs/kubernetes-cn",
        ROOT / "bench/packs/k8s",
        ROOT / "bench/packs/inventory",
    ]
    for folder in [*builtin_pack_paths(), *extra]:
        assert load_pack(folder).rules, folder


@pytest.mark.parametrize("instruments", ["5", "{HXACL: x}", "[HXACL]", "[{code: HXACL}]"])
def test_a_malformed_instruments_list_is_a_schema_error(tmp_path: Path, instruments: str) -> None:
    manifest = MANIFEST + f"instruments: {instruments}\n"
    pack = make_pack(tmp_path, {"rules/r.yaml": "rules:\n" + rule("P-ONE")}, manifest)
    with pytest.raises(PackSchemaError) as err:
        load_pack(pack)
    assert "p/pack.yaml:5:" in str(err.value)
