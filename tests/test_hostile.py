"""The hostile-input corpus: every file has an expected result, checked through the real CLI.

The corpus is ``tests/hostile/corpus/`` (small files, committed) plus what
``tests/hostile/generate.py`` writes (deep nesting, a file claiming 1 GB, a 21 MB file, many
aliases, symbolic links, a FIFO, a folder named like a file). One audit runs over all of it in a
subprocess with a time limit: a hang or a crash fails the test, not the test run.

Also here: limits through dsaudit.yaml ``limits:`` overrides, hostile rule packs (refused with
exit 2, file:line), no code from data (``!!python`` tags in every kind of input), symbolic links
not followed unless asked, and files that vanish or change kind between discovery and reading.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import yaml
from projectkit import AS_OF, retention_rule, tls_rule, write_inventory, write_pack

from dsaudit.core.limits import Limits
from dsaudit.core.regexguard import compile_safe_regex
from dsaudit.documents.structured import YAML_PARSER, parse_structured
from dsaudit.sources.configs import parse_file

sys.path.insert(0, str(Path(__file__).resolve().parent / "hostile"))
from generate import build_target, deep_flow, many_aliases

TIME_LIMIT = 120
ROOT = Path(__file__).resolve().parents[1]
"""Seconds an audit of the whole corpus may take before it counts as a hang."""

# file -> (rule id, line or None, text the message must contain)
EXPECTED: dict[str, tuple[str, int | None, str]] = {
    # malformed documents: DSAUDIT-PARSE at the line the parser stopped
    "conf/malformed.yaml": ("DSAUDIT-PARSE", 3, "did not find expected ',' or ']'"),
    "conf/malformed.json": ("DSAUDIT-PARSE", 2, "invalid JSON"),
    "conf/malformed.toml": ("DSAUDIT-PARSE", 3, "invalid TOML"),
    "conf/malformed.ini": ("DSAUDIT-PARSE", 3, "duplicate section [server]"),
    "conf/malformed.env": ("DSAUDIT-PARSE", 2, "expected KEY=VALUE"),
    "conf/tab-indent.yaml": ("DSAUDIT-PARSE", 2, "cannot start any token"),
    "conf/bad-tag-value.yaml": ("DSAUDIT-PARSE", 2, "does not fit its tag"),
    "conf/long-number.json": ("DSAUDIT-PARSE", 1, "number is too long"),
    # duplicate keys: refused, with both lines where the parser knows them
    "conf/duplicate-key.yaml": ("DSAUDIT-PARSE", 4, "duplicate key 'port' (first at line 2)"),
    "conf/duplicate-key.json": ("DSAUDIT-PARSE", 3, "duplicate key 'port' (first at line 2)"),
    "conf/duplicate-key.toml": ("DSAUDIT-PARSE", 2, "Cannot overwrite a value"),
    "conf/duplicate-key.ini": ("DSAUDIT-PARSE", 3, "duplicate key 'port' in section [server]"),
    # encodings and binary content
    "conf/binary.yaml": ("DSAUDIT-PARSE", 3, "binary file (NUL byte at offset 8)"),
    "conf/utf16-no-bom.yaml": ("DSAUDIT-PARSE", 1, "looks like UTF-16 without a byte-order mark"),
    "conf/invalid-utf8.yaml": ("DSAUDIT-PARSE", 2, "not valid UTF-8 (byte 0xe9"),
    "conf/nul-byte.json": ("DSAUDIT-PARSE", 3, "binary file (NUL byte"),
    # code from data: refused as unknown tags
    "conf/python-object.yaml": ("DSAUDIT-PARSE", 1, "only the safe YAML tags are allowed"),
    "conf/python-name.yaml": ("DSAUDIT-PARSE", 1, "only the safe YAML tags are allowed"),
    "conf/python-new.yaml": ("DSAUDIT-PARSE", 1, "only the safe YAML tags are allowed"),
    "conf/custom-tag.yaml": ("DSAUDIT-PARSE", 1, "'!vault'"),
    # limits: DSAUDIT-LIMIT naming the limit
    "conf/billion-laughs.yaml": ("DSAUDIT-LIMIT", 7, "limits.max_yaml_nodes"),
    "conf/recursive-alias.yaml": ("DSAUDIT-LIMIT", 2, "limits.max_yaml_nodes"),
    "conf/many-aliases.yaml": ("DSAUDIT-LIMIT", 3, "limits.max_aliases"),
    "conf/deep-flow-10k.yaml": ("DSAUDIT-LIMIT", 1, "limits.max_depth"),
    "conf/deep-flow-100k.yaml": ("DSAUDIT-LIMIT", 1, "limits.max_depth"),
    "conf/deep-block-10k.yaml": ("DSAUDIT-LIMIT", 1, "limits.max_depth"),
    "conf/deep-block-100k.yaml": ("DSAUDIT-LIMIT", 1, "limits.max_depth"),
    "conf/deep-100k.json": ("DSAUDIT-LIMIT", 2, "limits.max_depth"),
    "conf/deep-10k.toml": ("DSAUDIT-LIMIT", None, "limits.max_depth"),
    "conf/claims-1gb.yaml": ("DSAUDIT-LIMIT", None, "max_file_bytes"),
    "conf/huge-21mb.json": ("DSAUDIT-LIMIT", None, "max_file_bytes"),
    # the file system: DSAUDIT-INPUT (medium), never followed, never read
    "conf/link-out.yaml": ("DSAUDIT-INPUT", None, "symbolic link leaves the target"),
    "conf/link-out-dir": ("DSAUDIT-INPUT", None, "symbolic link leaves the target"),
    "conf/loop-a.yaml": ("DSAUDIT-INPUT", None, "symbolic link loop"),
    "conf/loop-b.yaml": ("DSAUDIT-INPUT", None, "symbolic link loop"),
    "conf/dangling.yaml": ("DSAUDIT-INPUT", None, "broken symbolic link"),
    "conf/self-dir": ("DSAUDIT-INPUT", None, "symbolic link to a folder not followed"),
    "conf/fifo.yaml": ("DSAUDIT-INPUT", None, "not a regular file"),
}

PARSED = {
    # files that are fine: audited as resources (file -> attributes)
    "conf/utf16-bom.yaml": {"name": "医院", "port": 443},
    "conf/yaml11-surprises.yaml": None,  # checked in test_yaml_11_surprises
    "app/inside.yaml": {"port": 443},
    "conf/link-in.yaml": {"port": 443},  # a link that stays inside the target is read
}
EMPTY = [
    # no document, no resource, no error
    "conf/empty.yaml",
    "conf/empty.json",
    "conf/empty.toml",
    "conf/empty.ini",
    "conf/comments-only.yaml",
    "conf/whitespace.json",
]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["DSAUDIT_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["SOURCE_DATE_EPOCH"] = "1780000000"
    return env


def dsaudit(
    *args: str | Path, cwd: Path, timeout: float = TIME_LIMIT
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess (a hang or a segfault fails the test, not the run)."""
    return subprocess.run(
        [sys.executable, "-m", "dsaudit", *[str(a) for a in args]],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("hostile")
    target = build_target(base / "target")
    write_pack(base, [tls_rule()])
    out = base / "report.json"
    started = time.monotonic()
    proc = dsaudit(
        "audit", target, "--pack", base / "pack", "--as-of", AS_OF,
        "--format", "json", "--output", out, "-q", cwd=base,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    report = json.loads(out.read_text("utf-8"))
    errors = {e["location"]["file"]: e for e in report["errors"]}
    return {"proc": proc, "report": report, "errors": errors, "base": base, "elapsed": elapsed}


def test_corpus_run_exits_2_and_writes_the_report(hostile_run: dict[str, Any]) -> None:
    proc = hostile_run["proc"]
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert hostile_run["report"]["summary"]["posture"] == "incomplete"


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_hostile_file_gives_its_expected_result(hostile_run: dict[str, Any], rel: str) -> None:
    rule_id, line, text = EXPECTED[rel]
    error = hostile_run["errors"].get(rel)
    assert error is not None, f"no error result for {rel}"
    assert error["rule_id"] == rule_id
    assert error["status"] == "error"
    assert error["location"]["line"] == line
    assert text in error["message"]
    assert error["message"].startswith(rel)


def test_no_error_result_beyond_the_table(hostile_run: dict[str, Any]) -> None:
    assert sorted(hostile_run["errors"]) == sorted(EXPECTED)
    assert len(hostile_run["report"]["errors"]) == len(EXPECTED)


def test_every_other_file_is_audited(hostile_run: dict[str, Any]) -> None:
    inputs = {i["path"] for i in hostile_run["report"]["metadata"]["inputs"]}
    assert set(PARSED) <= inputs
    assert set(EMPTY) <= inputs
    assert hostile_run["report"]["metadata"]["counts"]["resources"] == len(PARSED)


def test_hostile_corpus_is_fast(hostile_run: dict[str, Any]) -> None:
    """Deep, huge and alias-bomb files are refused up front: seconds, not minutes."""
    assert hostile_run["elapsed"] < 30


def test_no_code_ran(hostile_run: dict[str, Any]) -> None:
    assert not (hostile_run["base"] / "PWNED").exists()
    assert not (hostile_run["base"] / "target" / "PWNED").exists()


def test_nothing_outside_the_target_was_read(hostile_run: dict[str, Any]) -> None:
    text = json.dumps(hostile_run["report"])
    assert "hunter2-outside" not in text
    assert not any(
        "outside/secret" in i["path"] for i in hostile_run["report"]["metadata"]["inputs"]
    )


@pytest.mark.parametrize("rel", sorted(PARSED))
def test_parsed_files_read_as_expected(hostile_run: dict[str, Any], rel: str) -> None:
    target = hostile_run["base"] / "target"
    docs = parse_structured(rel, (target / rel).read_bytes(), "yaml", Limits())
    if PARSED[rel] is not None:
        assert [d.data for d in docs] == [PARSED[rel]]


# --- YAML 1.1 surprises -----------------------------------------------------------------


def test_yaml_11_surprises_are_read_as_pyyaml_reads_them() -> None:
    """dsaudit reads YAML 1.1 like PyYAML's safe loader (documented in docs/security.md):
    ``no``/``NO`` are false, ``on`` is true, ``010`` is octal 8, ``1:30`` is 90 (base 60), an
    unquoted date is a date, ``1.10`` is the float 1.1. Quote a value to keep it a string."""
    content = (Path(__file__).parent / "hostile/corpus/conf/yaml11-surprises.yaml").read_bytes()
    (doc,) = parse_structured("y.yaml", content, "yaml", Limits())
    assert doc.data == {
        "enabled": False,
        "ssl": True,
        "mode": 8,
        "rotated": __import__("datetime").date(2024, 1, 1),
        "window": 90,
        "version": 1.1,
        "country": False,
    }
    assert type(doc.data["enabled"]) is bool and type(doc.data["mode"]) is int
    quoted = b"enabled: 'no'\nmode: '010'\nrotated: '2024-01-01'\nversion: '1.10'\n"
    (plain,) = parse_structured("q.yaml", quoted, "yaml", Limits())
    assert plain.data == {
        "enabled": "no",
        "mode": "010",
        "rotated": "2024-01-01",
        "version": "1.10",
    }


def test_yaml_11_booleans_decide_rules(tmp_path: Path) -> None:
    """A rule testing ``ssl: true`` passes for ``ssl: on`` and fails for ``ssl: 'on'``."""
    rule = tls_rule("KIT-SSL")
    rule["applies_to"] = {"kind": "config"}
    rule["condition"] = {"path": "ssl", "equals": True}
    rule["message"] = "{path} is {value}."
    write_pack(tmp_path, [rule])
    target = tmp_path / "target"
    (target / "conf").mkdir(parents=True)
    (target / "conf" / "on.yaml").write_text("ssl: on\n", "utf-8")
    (target / "conf" / "quoted.yaml").write_text("ssl: 'on'\n", "utf-8")
    out = tmp_path / "r.json"
    proc = dsaudit("audit", target, "--pack", tmp_path / "pack", "--as-of", AS_OF,
                   "--format", "json", "-o", out, "-q", cwd=tmp_path)  # fmt: skip
    report = json.loads(out.read_text("utf-8"))
    status = {r["resource"]["id"]: r["status"] for r in report["results"]}
    assert status == {"conf/on.yaml": "pass", "conf/quoted.yaml": "fail"}, proc.stderr


# --- limits through dsaudit.yaml ---------------------------------------------------------

_LAUGHS = b"a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\n"

LIMIT_CASES: dict[str, tuple[dict[str, bytes], dict[str, int], str]] = {
    # limit -> (files, limits: override, rule id of the result)
    "max_file_bytes": ({"conf/big.yaml": b"a: " + b"x" * 300 + b"\n"}, {"max_file_bytes": 100},
                       "DSAUDIT-LIMIT"),
    "max_depth": ({"conf/deep.yaml": deep_flow(7)}, {"max_depth": 5}, "DSAUDIT-LIMIT"),
    "max_yaml_nodes": ({"conf/laughs.yaml": _LAUGHS}, {"max_yaml_nodes": 50}, "DSAUDIT-LIMIT"),
    "max_aliases": ({"conf/aliases.yaml": many_aliases(4)}, {"max_aliases": 3}, "DSAUDIT-LIMIT"),
    "max_files": ({f"conf/f{i}.yaml": b"a: 1\n" for i in range(5)}, {"max_files": 3},
                  "DSAUDIT-INPUT"),
}  # fmt: skip


def _limit_project(tmp_path: Path, files: dict[str, bytes], limits: dict[str, int] | None) -> Path:
    target = tmp_path / "target"
    for rel, content in files.items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_bytes(content)
    if limits is not None:
        (target / "dsaudit.yaml").write_text(yaml.safe_dump({"limits": limits}), "utf-8")
    write_pack(tmp_path, [tls_rule()])
    return target


def _audit_errors(tmp_path: Path, target: Path) -> tuple[int, list[dict[str, Any]]]:
    out = tmp_path / "report.json"
    proc = dsaudit("audit", target, "--pack", tmp_path / "pack", "--as-of", AS_OF,
                   "--format", "json", "-o", out, "-q", cwd=tmp_path)  # fmt: skip
    assert out.is_file(), proc.stderr
    return proc.returncode, json.loads(out.read_text("utf-8"))["errors"]


@pytest.mark.parametrize("limit", sorted(LIMIT_CASES))
def test_limit_override_in_dsaudit_yaml_is_an_error_result_naming_it(
    tmp_path: Path, limit: str
) -> None:
    files, override, rule_id = LIMIT_CASES[limit]
    code, errors = _audit_errors(tmp_path, _limit_project(tmp_path, files, override))
    assert code == 2
    hits = [e for e in errors if f"limits.{limit}" in e["message"] or limit in e["message"]]
    assert hits, errors
    assert {e["rule_id"] for e in hits} == {rule_id}


@pytest.mark.parametrize("limit", sorted(LIMIT_CASES))
def test_same_files_pass_under_the_default_limits(tmp_path: Path, limit: str) -> None:
    files, _, _ = LIMIT_CASES[limit]
    code, errors = _audit_errors(tmp_path, _limit_project(tmp_path, files, None))
    assert errors == []
    assert code == 0


def test_max_regex_length_override_refuses_the_pack(tmp_path: Path) -> None:
    rule = retention_rule("KIT-RE", "high")
    rule["condition"] = {"path": "name", "regex": "^[a-z]+-[0-9]+$"}
    write_pack(tmp_path, [rule])
    target = tmp_path / "target"
    target.mkdir()
    write_inventory(target, [{"id": "ds-1", "name": "x"}])
    ok = dsaudit("audit", target, "--pack", tmp_path / "pack", "--as-of", AS_OF, "-q", cwd=tmp_path)
    assert ok.returncode in (0, 1), ok.stderr
    (target / "dsaudit.yaml").write_text("limits:\n  max_regex_length: 10\n", "utf-8")
    refused = dsaudit("audit", target, "--pack", tmp_path / "pack", "--as-of", AS_OF, cwd=tmp_path)
    assert refused.returncode == 2
    assert "pack/rules/rules.yaml:" in refused.stderr
    assert "max_regex_length" in refused.stderr


@pytest.mark.parametrize(
    ("limits", "text"),
    [
        ("limits:\n  max_depht: 5\n", "max_depht"),
        ("limits:\n  max_depth: 0\n", "max_depth"),
        ("limits:\n  max_depth: lots\n", "max_depth"),
        ("limits:\n  max_depth: 30000\n", "too high"),
        ("limits:\n  max_depth: 1000\n", "use at most 999"),
        ("limits: [1, 2]\n", "limits"),
    ],
    ids=[
        "unknown-limit",
        "zero",
        "not-a-number",
        "segfault-depth",
        "libyaml-depth",
        "not-a-mapping",
    ],
)
def test_bad_limits_are_refused_with_exit_2(tmp_path: Path, limits: str, text: str) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (target / "dsaudit.yaml").write_text(limits, "utf-8")
    write_pack(tmp_path, [tls_rule()])
    proc = dsaudit("audit", target, "--pack", tmp_path / "pack", cwd=tmp_path)
    assert proc.returncode == 2
    assert text in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("key", ["max_depht", "110101199003071234"], ids=["typo", "number"])
def test_unknown_limit_error_names_the_config_file_and_line(tmp_path: Path, key: str) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (target / "dsaudit.yaml").write_text(f"fail_on: high\nlimits:\n  {key}: 5\n", "utf-8")
    write_pack(tmp_path, [tls_rule()])
    proc = dsaudit("audit", target, "--pack", tmp_path / "pack", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "dsaudit.yaml:2:" in proc.stderr
    assert "is not one of ['max_file_bytes'" in proc.stderr


def test_config_schema_knows_every_limit() -> None:
    schema = json.loads(
        (Path(__file__).parent.parent / "dsaudit/schemas/config.schema.json").read_text("utf-8")
    )
    names = schema["properties"]["limits"]["propertyNames"]["enum"]
    assert sorted(names) == sorted(f.name for f in fields(Limits))


# --- hostile rule packs: refused with exit 2 and file:line -------------------------------

PACK_CASES: dict[str, tuple[dict[str, Any], int, str]] = {
    # case -> (changes to a valid rule, line in rules.yaml, text of the message)
    "unknown-key": ({"severty": "high"}, 15, "unknown key"),  # the line of the key itself
    "wrong-type-severity": ({"severity": 5}, 4, "is not one of"),
    "wrong-type-condition": ({"condition": "retention_days < 5"}, 10, "is not of type 'object'"),
    "lookahead": ({"condition": {"path": "name", "regex": "^a(?!b)"}}, 12,
                  "RE2 has no lookahead"),
    "backreference": ({"condition": {"path": "name", "regex": "(a)\\1"}}, 12,
                      "RE2 has no backreferences"),
    "possessive": ({"condition": {"path": "name", "regex": "a++b"}}, 12, "never backtracks"),
    "not-regex-lookbehind": ({"condition": {"path": "name", "not_regex": "(?<=a)b"}}, 12,
                             "RE2 has no lookahead"),
    "regex-too-long": ({"condition": {"path": "name", "regex": "a" * 1001}}, 12,
                       "max_regex_length"),
    "invalid-regex": ({"condition": {"path": "name", "regex": "(("}}, 12, "invalid regex"),
    "unknown-operator": ({"condition": {"path": "name", "equal": 1}}, 12, 'did you mean "equals"'),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(PACK_CASES))
def test_hostile_rule_pack_is_refused(tmp_path: Path, case: str) -> None:
    changes, line, text = PACK_CASES[case]
    rule = retention_rule("KIT-1", "high")
    rule.update(changes)
    write_pack(tmp_path, [rule])
    target = tmp_path / "target"
    target.mkdir()
    started = time.monotonic()
    proc = dsaudit("audit", target, "--pack", tmp_path / "pack", cwd=tmp_path)
    assert time.monotonic() - started < 30
    assert proc.returncode == 2, proc.stderr
    assert f"pack/rules/rules.yaml:{line}:" in proc.stderr
    assert text in proc.stderr
    assert "Traceback" not in proc.stderr


CATASTROPHIC_FOR_BACKTRACKING = [
    # (pattern, value, matches): each takes seconds to forever under a backtracking engine
    ("((a*){9}){9}$", "a" * 30 + "b", True),  # the empty match at the end
    ("\\s+$", " " * 100_000 + "x", False),
    ("(a+)+$", "a" * 5_000 + "!", False),
    ("(a|aa)*c", "a" * 5_000, False),
    ("(.*a){20}$", "a" * 2_000 + "b", False),
    ("(x+x+)+y", "x" * 5_000, False),
]


@pytest.mark.parametrize(("pattern", "value", "matches"), CATASTROPHIC_FOR_BACKTRACKING)
def test_catastrophic_shapes_are_matched_by_a_linear_engine(
    pattern: str, value: str, matches: bool
) -> None:
    assert (compile_safe_regex(pattern).search(value) is not None) is matches


def test_a_catastrophic_regex_does_not_hang_the_audit(tmp_path: Path) -> None:
    """The issue's reproductions through the CLI: validate passes, the audit finishes."""
    rules = []
    for index, (pattern, _, _) in enumerate(CATASTROPHIC_FOR_BACKTRACKING):
        rule = tls_rule(f"KIT-RE-{index}")
        rule["condition"] = {"path": f"v{index}", "regex": pattern}
        rule["applies_to"] = {"kind": "config", "when": {"path": f"v{index}", "exists": True}}
        rules.append(rule)
    write_pack(tmp_path, rules)
    target = tmp_path / "target"
    target.mkdir()
    values = {f"v{i}": value for i, (_, value, _) in enumerate(CATASTROPHIC_FOR_BACKTRACKING)}
    (target / "values.json").write_text(json.dumps(values), "utf-8")
    assert dsaudit("rules", "validate", tmp_path / "pack", cwd=tmp_path).returncode == 0
    report = tmp_path / "r.json"
    proc = dsaudit("audit", target, "--pack", tmp_path / "pack", "--format", "json", "-o",
                   report, "-q", cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    statuses = {r["rule_id"]: r["status"] for r in json.loads(report.read_text())["results"]}
    expected = {f"KIT-RE-{i}": "pass" if matches else "fail"
                for i, (_, _, matches) in enumerate(CATASTROPHIC_FOR_BACKTRACKING)}  # fmt: skip
    assert statuses == expected


def test_re2_errors_do_not_reach_stderr_raw(tmp_path: Path) -> None:
    """RE2 logs a refused pattern to stderr itself unless told not to: the pattern is input."""
    rule = tls_rule()
    rule["condition"] = {"path": "x", "regex": "(?!\x1b[2J)"}
    write_pack(tmp_path, [rule])
    proc = dsaudit("rules", "validate", tmp_path / "pack", cwd=tmp_path)
    assert proc.returncode == 2
    assert "re2.cc" not in proc.stderr and "\x1b" not in proc.stderr.replace("\\x1b", "")


@pytest.mark.parametrize(
    "pattern",
    ["^TLSv1\\.[23]$", "(\\w|\\d)+$", "[a-z]+-[0-9]+", "(ab|cd)+", "(\\s|,)+",
     "^(?:[0-9]{1,3}\\.){3}[0-9]{1,3}$", "(?i)^(aes|chacha)[0-9]*$", "a{2,5}b*",
     "^(0|[1-9][0-9]*)$"],
)  # fmt: skip
def test_ordinary_regexes_still_compile(pattern: str) -> None:
    assert compile_safe_regex(pattern).pattern == pattern


# --- no code from data --------------------------------------------------------------------


def _payload(base: Path) -> str:
    return f"!!python/object/apply:os.system ['touch {base / 'PWNED'}']"


def _kit_project(tmp_path: Path) -> Path:
    write_pack(tmp_path, [retention_rule("KIT-1", "high")])
    target = tmp_path / "target"
    target.mkdir()
    write_inventory(target, [{"id": "ds-1", "name": "x", "retention_days": 30}])
    return target


@pytest.mark.parametrize("where", ["pack", "inventory", "waivers", "dsaudit.yaml", "config"])
def test_python_tags_are_refused_everywhere(tmp_path: Path, where: str) -> None:
    target = _kit_project(tmp_path)
    payload = _payload(tmp_path)
    args: list[str | Path] = []
    if where == "pack":
        path = tmp_path / "pack" / "pack.yaml"
        path.write_text(path.read_text("utf-8") + f"x_run: {payload}\n", "utf-8")
    elif where == "inventory":
        path = target / "inventory" / "main.yaml"
        path.write_text(path.read_text("utf-8") + f"x_run: {payload}\n", "utf-8")
    elif where == "waivers":
        path = tmp_path / "waivers.yaml"
        path.write_text(f"waivers:\n  - rule: KIT-1\n    reason: {payload}\n", "utf-8")
        args = ["--waivers", path]
    elif where == "dsaudit.yaml":
        path = target / "dsaudit.yaml"
        path.write_text(f"fail_on: {payload}\n", "utf-8")
    else:
        path = target / "conf" / "app.yaml"
        path.parent.mkdir()
        path.write_text(f"tls: {payload}\n", "utf-8")
    proc = dsaudit("audit", target, "--pack", tmp_path / "pack", "--as-of", AS_OF,
                   "--format", "json", "-o", tmp_path / "r.json", *args, cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert not (tmp_path / "PWNED").exists()
    shown = proc.stderr + proc.stdout
    if (tmp_path / "r.json").is_file():
        shown += (tmp_path / "r.json").read_text("utf-8")
    assert "python/object/apply:os.system" in shown
    assert "only the safe YAML tags are allowed" in shown


# --- symbolic links -----------------------------------------------------------------------


@pytest.mark.slow
def test_follow_symlinks_enters_folder_links_inside_but_never_leaves(tmp_path: Path) -> None:
    target = build_target(tmp_path / "target", huge=False)
    (target / "dsaudit.yaml").write_text("configs:\n  follow_symlinks: true\n", "utf-8")
    write_pack(tmp_path, [tls_rule()])
    _, errors = _audit_errors(tmp_path, target)
    by_file = {e["location"]["file"]: e["message"] for e in errors}
    assert "symbolic link loop" in by_file["conf/self-dir"]
    assert "leaves the target" in by_file["conf/link-out-dir"]
    assert "leaves the target" in by_file["conf/link-out.yaml"]


# --- files that vanish or change kind between discovery and reading ---------------------

_SABOTEUR = '''
import os
from pathlib import Path

import dsaudit

CONF = Path({conf!r})


class Saboteur:
    """Claims nothing; the first time it is asked, it breaks files discovery already listed."""

    name = "saboteur"
    done = False

    def claims(self, path):
        if not Saboteur.done:
            Saboteur.done = True
            (CONF / "vanished.yaml").unlink()
            (CONF / "now-a-folder.yaml").unlink()
            (CONF / "now-a-folder.yaml").mkdir()
            (CONF / "now-a-fifo.yaml").unlink()
            os.mkfifo(CONF / "now-a-fifo.yaml")
            (CONF / "now-dangling.yaml").unlink()
            os.symlink("nowhere.yaml", CONF / "now-dangling.yaml")
        return False

    def parse(self, display_path, content, limits):
        return []


@dsaudit.hookimpl
def dsaudit_register_parsers(register):
    register(Saboteur())
'''

MID_RUN = {
    "conf/vanished.yaml": "No such file or directory",
    "conf/now-a-folder.yaml": "cannot read file",
    "conf/now-a-fifo.yaml": "not a regular file",
    "conf/now-dangling.yaml": "No such file or directory",
}


def test_files_that_vanish_or_change_kind_mid_run(tmp_path: Path) -> None:
    """A plugin parser breaks files after discovery listed them, before they are read: each is
    an error result naming the file; the FIFO does not hang the run; the rest is audited."""
    target = tmp_path / "target"
    conf = target / "conf"
    conf.mkdir(parents=True)
    for rel in MID_RUN:
        (target / rel).write_text("tls_min_version: '1.2'\n", "utf-8")
    (conf / "fine.yaml").write_text("tls_min_version: '1.0'\n", "utf-8")
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "saboteur.py").write_text(_SABOTEUR.format(conf=str(conf)), "utf-8")
    write_pack(tmp_path, [tls_rule()])
    out = tmp_path / "r.json"
    proc = dsaudit("audit", target, "--pack", tmp_path / "pack", "--plugin-dir", plugins,
                   "--as-of", AS_OF, "--format", "json", "-o", out, "-q", cwd=tmp_path,
                   timeout=60)  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    report = json.loads(out.read_text("utf-8"))
    errors = {e["location"]["file"]: e for e in report["errors"]}
    assert sorted(errors) == sorted(MID_RUN)
    for rel, text in MID_RUN.items():
        assert errors[rel]["rule_id"] == "DSAUDIT-PARSE"
        assert text in errors[rel]["message"], errors[rel]["message"]
    results = [(r["resource"]["id"], r["status"]) for r in report["results"]]
    assert results == [("conf/fine.yaml", "fail")]


def test_reading_a_fifo_does_not_hang(tmp_path: Path) -> None:
    """parse_file on a path that became a FIFO returns an error result instead of blocking."""
    os.mkfifo(tmp_path / "x.yaml")
    outcome: list[Any] = []
    worker = threading.Thread(
        target=lambda: outcome.append(parse_file(tmp_path, "x.yaml", YAML_PARSER, Limits())),
        daemon=True,
    )
    worker.start()
    worker.join(10)
    if worker.is_alive():  # unblock the reader so the thread can end, then fail
        fd = os.open(tmp_path / "x.yaml", os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        worker.join(5)
        pytest.fail("reading a FIFO blocked the audit")
    resources, errors, _ = outcome[0]
    assert resources == []
    assert [e.rule_id for e in errors] == ["DSAUDIT-PARSE"]
    assert "not a regular file" in errors[0].message


NOT_BLANK = "[^\\t-\\r\\x1c-\\x1f\\x{85}\\p{Z}]"
"""The shipped packs' "has a non-blank character" pattern: Python's ``\\S``, spelled for RE2."""


def test_the_shipped_not_blank_pattern_matches_pythons_non_space() -> None:
    import re
    import unicodedata

    ours = compile_safe_regex(NOT_BLANK)
    python = re.compile(r"\S")
    for code in range(0x3100):
        char = chr(code)
        if unicodedata.category(char) == "Cs":
            continue
        assert (ours.search(char) is not None) is (python.search(char) is not None), hex(code)
    in_yaml = NOT_BLANK.replace("\\", "\\\\")  # as written inside a double-quoted YAML string
    shipped = [p for p in (ROOT / "rules").rglob("*.yaml") if in_yaml in p.read_text("utf-8")]
    assert len(shipped) >= 8
    assert not [p for p in (ROOT / "rules").rglob("*.yaml") if 'regex: "\\\\S"' in p.read_text()]


def test_a_lone_surrogate_in_a_value_is_matched_not_an_error(tmp_path: Path) -> None:
    rule = tls_rule()
    rule["applies_to"] = {"kind": "config", "when": {"path": "name", "exists": True}}
    rule["condition"] = {"path": "name", "regex": "^a"}
    write_pack(tmp_path, [rule])
    target = tmp_path / "target"
    target.mkdir()
    (target / "v.json").write_text('{"name": "a\\ud800"}', "utf-8")
    proc = dsaudit("audit", target, "--pack", tmp_path / "pack", "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_backtracking_glob_in_the_trees_config_does_not_hang_discovery(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (target / ("a" * 200 + ".yaml")).write_text("x: 1\n", "utf-8")
    (target / "dsaudit.yaml").write_text("configs:\n  exclude: ['*a*a*a*a*a*a*a*a*a*b']\n")
    write_pack(tmp_path, [tls_rule()])
    proc = dsaudit("audit", target, "--pack", tmp_path / "pack", "-q", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
