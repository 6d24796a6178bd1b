"""File and folder names are untrusted bytes: every format is written, ids are escaped and
stable, and a newline in a name cannot start a line (a CI workflow command) of its own."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from projectkit import AS_OF, cli_process, tls_rule, write_pack

from dsaudit.core.names import shown_name
from dsaudit.reports.console_rich import RichConsoleReport
from dsaudit.reports.loader import audit_from_document

FORMATS = ["json", "sarif", "junit", "html", "markdown", "csv", "oscal"]
INJECTED = "::error title=dsaudit::all checks passed"


def _tree(tmp_path: Path) -> Path:
    target = tmp_path / "target"
    conf = target / "conf"
    conf.mkdir(parents=True)
    tls = b"tls_min_version: '1.0'\n"
    (conf / os.fsdecode(b"x\xff.yaml")).write_bytes(tls)
    (conf / f"a\n{INJECTED}.yaml").write_bytes(tls)
    folder = target / os.fsdecode(b"d\xfe")
    folder.mkdir()
    (folder / "c.yaml").write_bytes(tls)
    (conf / "\x1b[2Jclear.yaml").write_bytes(tls)
    write_pack(tmp_path, [tls_rule()])
    return target


def _audit(target: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dsaudit", "audit", str(target), "--pack",
         str(target.parent / "pack"), "--as-of", AS_OF, "--fail-on", "never", *map(str, args)],
        env=dict(os.environ, DSAUDIT_DISABLE_PLUGIN_AUTOLOAD="1"),
        capture_output=True, text=True, errors="surrogateescape", timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("plain.yaml", "plain.yaml"),
        ("中文.yaml", "中文.yaml"),
        (os.fsdecode(b"x\xff.yaml"), "x\\xff.yaml"),
        ("a\nb", "a\\x0ab"),
        ("a\rb", "a\\x0db"),
        ("\x1b]52;c;SGFja2Vk\x07", "\\x1b]52;c;SGFja2Vk\\x07"),
        ("\x9b2J", "\\x9b2J"),
        ("rtl\u202eoverride", "rtl\\u202eoverride"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_shown_name_escapes_exactly_what_cannot_be_shown(name: str, shown: str) -> None:
    assert shown_name(name) == shown


def test_shown_names_of_different_names_differ() -> None:
    assert shown_name(os.fsdecode(b"x\xff")) != shown_name("x\\xff")


def test_every_format_is_written_and_fingerprints_are_stable(tmp_path: Path) -> None:
    target = _tree(tmp_path)
    runs = []
    for n in range(2):
        out = tmp_path / f"out{n}"
        args: list[str | Path] = ["-q"]
        for fmt in FORMATS:
            args += ["--format", fmt, "-o", out / f"r.{fmt}"]
        proc = _audit(target, *args)
        assert proc.returncode == 0, proc.stderr
        assert sorted(p.name for p in out.iterdir()) == sorted(f"r.{f}" for f in FORMATS)
        for fmt in FORMATS:
            (out / f"r.{fmt}").read_bytes().decode("utf-8")  # valid UTF-8, every format
        runs.append(json.loads((out / "r.json").read_text("utf-8")))
    files = {r["location"]["file"]: r["fingerprint"] for r in runs[0]["results"]}
    assert "conf/x\\xff.yaml" in files and "d\\xfe/c.yaml" in files
    assert files == {r["location"]["file"]: r["fingerprint"] for r in runs[1]["results"]}


def test_a_newline_in_a_name_starts_no_line_and_escapes_reach_no_terminal(tmp_path: Path) -> None:
    target = _tree(tmp_path)
    proc = _audit(target)
    out = tmp_path / "r.md"
    _audit(target, "--format", "markdown", "-o", out, "-q")
    for text in (proc.stdout, proc.stderr, out.read_text("utf-8")):
        assert not any(line.lstrip().startswith("::") for line in text.splitlines())
        assert "\x1b" not in text
    assert f"a\\x0a{INJECTED}.yaml" in proc.stdout


HOSTILE_ORG = (
    "Acme [/b] \x1b]52;c;SGFja2Vk\x07 \x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ "
    "[bold]x[/bold] \x1b[8m"
)


@pytest.mark.parametrize("quiet", [False, True], ids=["console", "quiet"])
def test_markup_and_escapes_in_input_text_are_shown_literally(tmp_path: Path, quiet: bool) -> None:
    target = _tree(tmp_path)
    (target / "dsaudit.yaml").write_text(yaml.safe_dump({"organization": HOSTILE_ORG}), "utf-8")
    proc = _audit(target, *(["-q"] if quiet else []))
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout + proc.stderr
    assert "Acme [/b] \\x1b]52;c;SGFja2Vk\\x07" in proc.stdout
    assert "[bold]x[/bold]" in proc.stdout
    # under colour, the only escape sequences are rich's own styles (SGR), none from the input
    report = json.loads(_audit(target, "--format", "json", "-o", "-").stdout)
    audit = audit_from_document(report)
    text = RichConsoleReport().render(audit, {"color": True})
    assert "[bold]x[/bold]" in text
    assert re.sub(r"\x1b\[[0-9;]*m", "", text).count("\x1b") == 0


HOSTILE_TITLE = "TLS \x1b]52;c;SGFja2Vk\x07 [bold]x[/bold] \x1b[8mhidden"


def _dsaudit(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return cli_process(*args, cwd=cwd)


def _assert_terminal_safe(proc: subprocess.CompletedProcess[str], *shown: str) -> None:
    for stream in (proc.stdout, proc.stderr):
        assert "\x1b" not in stream and "\x07" not in stream, stream
    for text in shown:
        assert text in proc.stdout + proc.stderr


@pytest.mark.parametrize("command", ["list", "show", "test", "validate"])
def test_pack_text_reaches_no_terminal_raw(tmp_path: Path, command: str) -> None:
    """Rule packs are untrusted: ``dsaudit rules`` prints their text escaped, never as markup."""
    rule = tls_rule()
    rule["title"] = HOSTILE_TITLE
    pack = write_pack(tmp_path, [rule])
    args = {
        "list": ["rules", "list", "--pack", pack],
        "show": ["rules", "show", "KIT-TLS", "--pack", pack],
        "test": ["rules", "test", pack],
        "validate": ["rules", "validate", pack],
    }[command]
    proc = _dsaudit(*args, cwd=tmp_path)
    if command in ("list", "show"):
        _assert_terminal_safe(proc, "\\x1b]52;c;SGFja2Vk\\x07", "[bold]x[/bold]")
    else:
        _assert_terminal_safe(proc)


@pytest.mark.parametrize("fmt", ["markdown"])
def test_plain_text_reports_on_stdout_are_terminal_safe(tmp_path: Path, fmt: str) -> None:
    target = _tree(tmp_path)
    proc = _audit(target, "--format", fmt)
    assert proc.returncode == 0, proc.stderr
    _assert_terminal_safe(proc, "\\x1b", "2Jclear.yaml")


@pytest.mark.parametrize("fmt", ["console", "markdown"])
def test_report_and_diff_of_saved_reports_are_terminal_safe(tmp_path: Path, fmt: str) -> None:
    """A saved report is untrusted: re-rendering or diffing it cannot drive the terminal."""
    target = _tree(tmp_path)
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    assert _audit(target, "--format", "json", "-o", old, "-q").returncode == 0
    (target / "conf" / "\x1b]8;;x\x07link.yaml").write_text("tls_min_version: '1.0'\n")
    assert _audit(target, "--format", "json", "-o", new, "-q").returncode == 0
    document = json.loads(new.read_text("utf-8"))
    for result in document["results"]:
        result["message"] = "crafted \x1b]52;c;SGFja2Vk\x07 message"
    new.write_text(json.dumps(document), "utf-8")
    shown = "x\\x07link.yaml"
    _assert_terminal_safe(_dsaudit("diff", old, new, "--format", fmt), shown)
    _assert_terminal_safe(_dsaudit("report", new, "--format", fmt), shown)


def test_plugin_problems_reach_no_terminal_raw(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "broken.py").write_text('raise ImportError("\\x1b[2J gone")\n', "utf-8")
    proc = _dsaudit("plugins", "list", "--plugin-dir", plugins)
    _assert_terminal_safe(proc, "\\x1b[2J gone")
