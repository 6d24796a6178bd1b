"""Fail fast, say what failed (issue 17, item 3) and a closed pipe is normal (item 7).

Arguments are checked before any work; ``-q`` names every error on a line of its own; when
every report goes to a file, standard output gets a summary, not the whole report; a reader
that closes the pipe early (``| head``) ends the command quietly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from projectkit import REPO_ROOT, run

ACME = REPO_ROOT / "sample_configs" / "acme-retail"


def test_an_unknown_format_stops_before_the_audit(tmp_path: Path) -> None:
    target = tmp_path / "t"
    target.mkdir()
    (target / "bad.yaml").write_text("a: [\n", "utf-8")  # would be an error result if audited
    result = run("audit", target, "--format", "pdf", "--output", tmp_path / "x.pdf")
    assert result.exit_code == 2
    known = "console, csv, defectdojo, html, json, junit, markdown, oscal, sarif"
    assert f"unknown format 'pdf' (known: {known})" in result.output
    assert "dsaudit report" not in result.output and "wrote" not in result.output
    assert "bad.yaml" not in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_quiet_names_each_error_on_its_own_line(tmp_path: Path) -> None:
    target = tmp_path / "t"
    target.mkdir()
    (target / "bad.yaml").write_text("ok: 1\na: [\n", "utf-8")
    (target / "worse.json").write_text('{"a": ', "utf-8")
    for extra in ((), ("--format", "json", "-o", str(tmp_path / "r.json"))):
        result = run("audit", target, "-q", "--pack", "csl", *extra)
        assert result.exit_code == 2
        lines = result.output.splitlines()
        assert lines[0].startswith("dsaudit: t: INCOMPLETE — 2 error")
        errors = [line for line in lines if line.startswith("dsaudit: error: DSAUDIT-PARSE")]
        assert len(errors) == 2, result.output
        assert errors[0].startswith("dsaudit: error: DSAUDIT-PARSE bad.yaml:3: invalid YAML")
        assert errors[1].startswith("dsaudit: error: DSAUDIT-PARSE worse.json:1:")
        assert "bad.yaml:3: bad.yaml:3" not in result.output  # the place is named once


def test_with_every_report_in_a_file_stdout_gets_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = run("audit", ACME, "--format", "json", "-o", out)
    assert result.exit_code == 1
    findings = result.output.count("\n    where ")
    assert findings == 20, result.output[-2000:]
    assert "more finding(s): see the written report(s), or -v to list them here" in result.output
    assert f"wrote json report to {out}" in result.output
    every = run("audit", ACME, "--format", "json", "-o", out, "-v")
    assert every.output.count("\n    where ") > 20
    assert "more finding(s)" not in every.output
    to_stdout = run("audit", ACME)  # the console report itself lists every finding
    assert to_stdout.output.count("\n    where ") == every.output.count("\n    where ")


def _piped(*args: str) -> tuple[int, str]:
    """Run ``python -m dsaudit ARGS | head -n 1``: read one line, close the pipe, wait."""
    env = dict(os.environ, DSAUDIT_DISABLE_PLUGIN_AUTOLOAD="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "dsaudit", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    code = proc.wait(timeout=120)
    return code, proc.stderr.read().decode("utf-8", "replace")


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    target = tmp_path / "t"
    target.mkdir()  # 400 findings: more output than a pipe buffers
    lines = "".join(f"KEY{i}_PASSWORD=plain-secret-{i}\n" for i in range(400))
    (target / "app.env").write_text(lines, "utf-8")
    for args in (
        ("audit", str(target), "--pack", "config-hygiene", "-j", "1"),
        ("rules", "list"),
        ("rules", "show", "CSL-LOG-RETENTION"),
    ):
        code, err = _piped(*args)
        assert err == "", (args, err)  # no "internal error: BrokenPipeError ... a bug"
        assert code in (0, 1, 141), (args, code)


def test_init_lists_every_shipped_pack(tmp_path: Path) -> None:
    assert run("init", tmp_path / "p").exit_code == 0
    text = (tmp_path / "p" / "dsaudit.yaml").read_text("utf-8")
    head = text.split("packs: []", 1)[0].splitlines()
    comment = " ".join(line.lstrip("# ") for line in head if line.startswith("#   "))
    shipped = sorted(p.name for p in (REPO_ROOT / "rules").iterdir() if (p / "pack.yaml").is_file())
    assert [name.strip() for name in comment.split(",")] == shipped
