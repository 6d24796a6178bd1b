"""Inline suppressions: ``# dsaudit:ignore RULE-ID reason`` on the line or the line above."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from projectkit import audit_json, results_of, retention_rule, tls_rule, write_inventory, write_pack

from dsaudit.modifiers.suppressions import Suppression, parse_line


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "org"
    root.mkdir()
    write_pack(root, [tls_rule("KIT-TLS", "high"), retention_rule("KIT-RET", "high")])
    write_inventory(root, [{"id": "d-1", "retention_days": 30}])
    return root


def tls_result(report: dict[str, Any], file: str) -> dict[str, Any]:
    found = [r for r in results_of(report, "KIT-TLS") if r["resource"]["id"] == file]
    assert len(found) == 1, report["results"]
    return found[0]


REASON = "legacy POS terminals until 2026-09, tracked in SEC-412"

TLS = "  tls_min_version: '1.0'"
IGNORE = f"# dsaudit:ignore KIT-TLS {REASON}"

CASES = [
    ("trailing", ["server:", f"{TLS}  {IGNORE}"], True),
    ("line-above", ["server:", f"  {IGNORE}", TLS], True),
    ("two-above", [IGNORE, "server:", TLS], False),
    ("trailing-above", [f"server:  {IGNORE}", TLS], False),
    ("other-rule", ["server:", f"{TLS}  # dsaudit:ignore KIT-RET {REASON}"], False),
    ("two-rules", ["server:", f"{TLS}  # dsaudit:ignore KIT-RET,KIT-TLS {REASON}"], True),
    ("no-space", ["server:", f"{TLS}  #dsaudit:ignore KIT-TLS {REASON}"], True),
]


@pytest.mark.parametrize(("lines", "suppressed"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_yaml_suppression_placement(root: Path, lines: list[str], suppressed: bool) -> None:
    (root / "app.yaml").write_text("\n".join(lines) + "\n")
    code, report = audit_json(root)
    result = tls_result(report, "app.yaml")
    if suppressed:
        assert (result["status"], result["suppression"], code) == ("suppressed", REASON, 0)
    else:
        assert (result["status"], result["suppression"], code) == ("fail", None, 1)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("app.toml", f"[server]\n# dsaudit:ignore KIT-TLS {REASON}\ntls_min_version = '1.0'\n"),
        ("app.ini", f"[server]\n; dsaudit:ignore KIT-TLS {REASON}\ntls_min_version = 1.0\n"),
        ("app.ini", f"[server]\ntls_min_version = 1.0  # dsaudit:ignore KIT-TLS {REASON}\n"),
        (".env", f"# dsaudit:ignore KIT-TLS {REASON}\ntls_min_version=1.0\n"),
        ("app.json", '{"server": {"tls_min_version": "1.0"}}\n'),
    ],
    ids=["toml", "ini-semicolon", "ini-trailing", "env", "json-has-no-comments"],
)
def test_other_formats(root: Path, name: str, text: str) -> None:
    (root / name).write_text(text)
    _, report = audit_json(root)
    result = tls_result(report, name)
    expected = "fail" if name.endswith(".json") else "suppressed"
    assert result["status"] == expected, result


def test_suppression_in_the_inventory(root: Path) -> None:
    inv = root / "inventory" / "main.yaml"
    write_inventory(root, [{"id": "d-1", "retention_days": 400}])
    text = inv.read_text().replace(
        "retention_days: 400", f"retention_days: 400  # dsaudit:ignore KIT-RET {REASON}"
    )
    inv.write_text(text)
    code, report = audit_json(root)
    assert [r["status"] for r in results_of(report, "KIT-RET")] == ["suppressed"]
    assert code == 0


@pytest.mark.parametrize(
    ("comment", "problem"),
    [("# dsaudit:ignore KIT-TLS", "has no reason"), ("# dsaudit:ignore", "needs a rule id")],
    ids=["no-reason", "nothing"],
)
def test_malformed_suppression_is_ignored_and_warned(
    root: Path, comment: str, problem: str
) -> None:
    (root / "app.yaml").write_text(f"server:\n  tls_min_version: '1.0'  {comment}\n")
    code, report = audit_json(root)
    assert tls_result(report, "app.yaml")["status"] == "fail"
    assert code == 1
    warnings = [w for w in report["warnings"] if problem in w]
    assert len(warnings) == 1
    assert warnings[0].startswith("app.yaml:2: ")


@pytest.mark.parametrize(
    ("args", "config"),
    [(("--no-inline-suppressions",), None), ((), "version: 1\ninline_suppressions: false\n")],
    ids=["flag", "project-config"],
)
def test_strict_audits_turn_suppressions_off(
    root: Path, args: tuple[str, ...], config: str | None
) -> None:
    (root / "app.yaml").write_text(f"tls_min_version: '1.0'  # dsaudit:ignore KIT-TLS {REASON}\n")
    if config:
        (root / "dsaudit.yaml").write_text(config)
    code, report = audit_json(root, *args)
    assert tls_result(report, "app.yaml")["status"] == "fail"
    assert report["metadata"]["inline_suppressions"] is False
    assert code == 1


PARSED = [
    ("# dsaudit:ignore R-1 why", Suppression("f", 3, ("R-1",), "why", True)),
    ("k: v # dsaudit:ignore R-1 why not", Suppression("f", 3, ("R-1",), "why not", False)),
    ("k=v ; dsaudit:ignore R-1, R-2: so", Suppression("f", 3, ("R-1", "R-2"), "so", False)),
    ("// dsaudit:ignore R-1 - reason", Suppression("f", 3, ("R-1",), "reason", True)),
    ("k: 'dsaudit:ignore R-1 not a comment'", None),
    ("k: v # see dsaudit:ignore docs", None),
    ("k: v # dsaudit:ignored R-1 x", None),
]  # fmt: skip


@pytest.mark.parametrize(("line", "expected"), PARSED, ids=[p[0] for p in PARSED])
def test_parse_line(line: str, expected: Suppression | None) -> None:
    assert parse_line("f", 3, line) == expected


def test_own_line_comment_covers_the_next_line_only() -> None:
    own = Suppression("f", 3, ("R-1",), "why", True)
    trailing = Suppression("f", 3, ("R-1",), "why", False)
    assert [own.covers("R-1", n) for n in (2, 3, 4, 5)] == [False, True, True, False]
    assert [trailing.covers("R-1", n) for n in (3, 4)] == [True, False]
    assert not own.covers("R-2", 3)
