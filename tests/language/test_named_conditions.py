"""Named conditions in a pack (issue 15 §6): ``conditions:`` in pack.yaml, ``{use: NAME}`` in rules,
and ``min_dsaudit``, the oldest dsaudit a pack works with."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from projectkit import REPO_ROOT

from dsaudit.__about__ import __version__
from dsaudit.core.errors import PackError, PackSchemaError
from dsaudit.language.conditions import CompileEnv
from dsaudit.language.packs import compile_packs, load_pack

MANIFEST = """\
name: named
version: 1.0.0
jurisdiction: CN
law: CSL
instrument: {title: Test instrument, effective: "2017-06-01"}
{extra}
"""
CONDITIONS = """\
conditions:
  tls-config:
    all:
      - {path: format, equals: yaml}
      - {use: has-tls}
  has-tls:
    {path: tls, exists: true}
"""


def rule(
    rule_id: str, when: str = "{use: tls-config}", condition: str = "{path: tls, equals: true}"
) -> str:
    return (
        f"  - id: {rule_id}\n    title: TLS is on\n    severity: high\n"
        f'    refs: [{{law: CSL, article: "21"}}]\n'
        f"    applies_to: {{kind: config, when: {when}}}\n"
        f"    condition: {condition}\n"
        f'    message: "m"\n    remediation: r\n'
    )


def pack(tmp_path: Path, extra: str = CONDITIONS, rules: str = "") -> Path:
    folder = tmp_path / "named"
    (folder / "rules").mkdir(parents=True)
    (folder / "pack.yaml").write_text(MANIFEST.replace("{extra}", extra), "utf-8")
    (folder / "rules" / "r.yaml").write_text("rules:\n" + (rules or rule("N-1")), "utf-8")
    return folder


def test_use_is_expanded_recursively_before_compiling(tmp_path: Path) -> None:
    loaded = load_pack(pack(tmp_path, rules=rule("N-1") + rule("N-2")))
    when = loaded.rules[0].data["applies_to"]["when"]
    assert when == {"all": [{"path": "format", "equals": "yaml"}, {"path": "tls", "exists": True}]}
    compiled = compile_packs([loaded], CompileEnv(), as_of=dt.date(2026, 6, 1))
    first, second = compiled.rules
    assert first.when is second.when  # equal expansions share one compiled closure


def test_use_inside_a_condition_and_with_a_parameter(tmp_path: Path) -> None:
    extra = "conditions:\n  long-enough: {path: days, gte: {param: min_days}}\n"
    body = rule("N-1", when="{path: days, exists: true}", condition="{use: long-enough}")
    body = body.replace(
        "    message:",
        "    params: {min_days: {default: 180, stricter: higher, description: Days kept.}}\n"
        "    message:",
    )
    loaded = load_pack(pack(tmp_path, extra=extra, rules=body))
    assert loaded.rules[0].data["condition"] == {"path": "days", "gte": {"param": "min_days"}}


def test_an_unknown_name_names_file_line_and_a_suggestion(tmp_path: Path) -> None:
    folder = pack(tmp_path, rules=rule("N-1", when="{all: [{use: has-tsl}]}"))
    with pytest.raises(PackSchemaError) as info:
        load_pack(folder, root=tmp_path)
    assert info.value.file == "named/rules/r.yaml"
    assert info.value.line == 6
    assert (
        'rule N-1: unknown named condition "has-tsl" (did you mean "has-tls"?)'
        in info.value.message
    )


def test_a_circle_of_named_conditions_is_refused_even_unused(tmp_path: Path) -> None:
    extra = "conditions:\n  a: {any: [{use: b}]}\n  b: {not: {use: a}}\n"
    with pytest.raises(PackSchemaError) as info:
        load_pack(
            pack(tmp_path, extra=extra, rules=rule("N-1", when="{path: x, exists: true}")),
            root=tmp_path,
        )
    assert "named conditions use each other: a -> b -> a" in info.value.message
    assert info.value.file == "named/pack.yaml"
    assert info.value.line is not None and info.value.line >= 6


def test_use_stands_alone(tmp_path: Path) -> None:
    with pytest.raises(
        PackSchemaError, match=r"'use' stands alone; unexpected key\(s\) \['path'\]"
    ):
        load_pack(pack(tmp_path, rules=rule("N-1", when="{use: has-tls, path: x}")))


def test_a_bad_name_in_the_map_is_a_schema_error(tmp_path: Path) -> None:
    with pytest.raises(PackSchemaError, match="does not match"):
        load_pack(pack(tmp_path, extra="conditions:\n  Bad_Name: {path: x, exists: true}\n"))


def _next_patch(version: str) -> str:
    major, minor, patch = [*version.split("."), "0", "0"][:3]
    return f"{major}.{minor}.{int(patch) + 1}"


@pytest.mark.parametrize(
    ("wanted", "loads"),
    [
        ("0.0", True),
        (__version__, True),  # exactly this release
        (_next_patch(__version__), False),  # the next one
        ("99.0", False),
    ],
)
def test_min_dsaudit_at_its_boundary(tmp_path: Path, wanted: str, loads: bool) -> None:
    folder = pack(tmp_path, extra=f'min_dsaudit: "{wanted}"\n')
    folder.joinpath("rules", "r.yaml").write_text(
        "rules:\n" + rule("N-1", when="{path: x, exists: true}")
    )
    if loads:
        assert load_pack(folder).rules
        return
    with pytest.raises(PackError) as info:
        load_pack(folder, root=tmp_path)
    assert f"needs dsaudit {wanted} or newer; this is dsaudit {__version__}" in info.value.message
    assert info.value.file == "named/pack.yaml" and info.value.line == 6


def test_the_mlps_pack_names_its_level_clause_once() -> None:
    """The "level N or above, or level unknown" clause was copied 25 times."""
    texts = [p.read_text("utf-8") for p in (REPO_ROOT / "rules" / "mlps" / "rules").glob("*.yaml")]
    assert sum(t.count('"@meta.system_mlps_level", exists: false') for t in texts) == 0
    assert sum(t.count("{use: level-") for t in texts) == 25
    loaded = load_pack(REPO_ROOT / "rules" / "mlps")
    gates = [str(r.data["applies_to"].get("when")) for r in loaded.rules]
    assert sum("'@meta.system_mlps_level', 'gte': 1" in g for g in gates) == 12
    assert sum("'@meta.system_mlps_level', 'gte': 2" in g for g in gates) == 6
    assert sum("'@meta.system_mlps_level', 'gte': 3" in g for g in gates) == 7


def test_rules_show_prints_the_expanded_tree() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "dsaudit", "rules", "show", "MLPS-AC-SSH-ROOT-LOGIN"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "'@meta.system_mlps_level'" in run.stdout and "use: level" not in run.stdout
