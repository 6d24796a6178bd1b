"""Nothing leaks, wherever the secret sits (issue 13 §5): keys, file names, ids, saved reports.

The acme-retail sample is copied and given configs whose *keys* and *file names* carry mainland
mobile numbers (every prefix 13-19), a resident ID number and a URL with a password. The real
CLI writes every format (console, JSON, SARIF, JUnit, Markdown, HTML, CSV and a plugin
reporter) at ``-v`` and ``-vv``; ``dsaudit report`` re-renders a saved report that was edited to
hold the raw values (saved reports are untrusted input); ``dsaudit diff`` compares reports.
Every stdout, stderr and file is searched for each raw value, while the text around it
(``host``, ``tls_enabled``) must still be there, and numbers that are not mobile numbers (second
digit 2, 10 or 12 digits) must be shown whole, not masked and not masked in part. Fingerprints
must be the ones of the raw values.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from projectkit import REPO_ROOT

ROOT = REPO_ROOT
SAMPLE = ROOT / "sample_configs" / "acme-retail"
PREFIXES = tuple(range(3, 10))
MOBILES = {p: f"1{p}912345678" for p in PREFIXES}
"""One mobile number per mainland prefix 13-19; each masks to ``1P*******78``."""
RESIDENT_ID = "110101199003074477"
PASSWORD = "S3cretPass"
DSN = f"postgres://u:{PASSWORD}@host/db"
RAW = (*MOBILES.values(), RESIDENT_ID, PASSWORD)
NOT_MOBILE = {
    "second-digit-2": "12912345678",
    "ten-digits": "1587654321",
    "twelve-digits": "139876543210",
}
"""Digit runs that are not mobile numbers: shown whole, in keys and in file names."""
MASKED = {
    **{value: f"1{p}*******78" for p, value in MOBILES.items()},
    RESIDENT_ID: "11**************77",
    DSN: "postgres://u:****@host/db",
}
FILE_FORMATS = {"json": "json", "sarif": "sarif", "junit": "xml", "markdown": "md",
                "html": "html", "csv": "csv", "dump": "txt"}  # fmt: skip
"""Formats written to files (``dump`` is the plugin reporter below); console goes to stdout."""

_PLUGIN = (
    '''
import json

import dsaudit


class Dump:
    """A plugin reporter: everything it is given that came from an input."""

    name = "dump"
    extension = ".txt"

    def render(self, audit, options):
        rows = []
        for r in audit.all_results():
            rows.append([r.resource_id, r.location.file, r.location.pointer, r.message,
                         r.fingerprint_basis, r.detail, [(e.path, e.value) for e in r.evidence]])
        return json.dumps({"results": rows, "metadata": audit.metadata}, default=str) + "\\n"


class Boom:
    name = "boom"
    extension = ".txt"

    def render(self, audit, options):
        raise RuntimeError("cannot reach '''
    + DSN
    + """ for 13912345678")


@dsaudit.hookimpl
def dsaudit_register_reporters(register):
    register(Dump())
    register(Boom())
"""
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["DSAUDIT_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["SOURCE_DATE_EPOCH"] = "1780000000"
    env["COLUMNS"] = "200"
    env["NO_COLOR"] = "1"
    return env


def _dsaudit(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dsaudit", *[str(a) for a in args]],
        cwd=cwd, env=_env(), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def _leaks(text: str) -> list[str]:
    return [value for value in RAW if value in text]


def _tree(base: Path) -> Path:
    """acme-retail plus the issue's reproductions, one file per prefix and per negative."""
    target = base / "T"
    shutil.copytree(SAMPLE, target)
    configs = target / "configs"
    # The issue's own commands.
    (configs / "k.yaml").write_text("'13912345678':\n  tls_enabled: false\n", "utf-8")
    (configs / f"id-{RESIDENT_ID}.yaml").write_text("acl: public-read\n", "utf-8")
    (configs / "u.yaml").write_text(f"'{DSN}':\n  tls_enabled: false\n", "utf-8")
    for mobile in MOBILES.values():
        (configs / f"mobile-{mobile}.yaml").write_text(f"'{mobile}':\n  tls_enabled: false\n")
    for name, digits in NOT_MOBILE.items():
        (configs / f"{name}-{digits}.yaml").write_text(f"'{digits}':\n  tls_enabled: false\n")
    # An unparseable file whose name is personal information: an error result (and -v detail).
    (configs / f"broken-{MOBILES[3]}.yaml").write_text("a: [\n", "utf-8")
    return target


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _tree(tmp_path_factory.mktemp("redaction"))


@pytest.fixture(scope="module")
def plugins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plugins")
    (folder / "dump_reporter.py").write_text(_PLUGIN, "utf-8")
    return folder


@pytest.fixture(scope="module", params=["-v", "-vv"])
def run(
    request: pytest.FixtureRequest,
    tree: Path,
    plugins: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """One audit writing every format (console on stdout), at -v or -vv."""
    verbosity = str(request.param)
    out = tmp_path_factory.mktemp("out")
    blocked = out / f"dir-{MOBILES[9]}"  # an output path that is a folder: an error line
    blocked.mkdir()
    outputs: list[str] = []
    for fmt, suffix in FILE_FORMATS.items():
        outputs += ["--format", f"{fmt}={out / f'report.{suffix}'}"]
    proc = _dsaudit(verbosity, "audit", tree, "--plugin-dir", plugins, *outputs,
                    "--format", f"csv={blocked}", "--format", f"boom={out / 'boom.txt'}",
                    "--format", "console", verbosity, cwd=out)  # fmt: skip
    texts = {"stdout": proc.stdout, "stderr": proc.stderr}
    for fmt, suffix in FILE_FORMATS.items():
        texts[fmt] = (out / f"report.{suffix}").read_text("utf-8")
    return proc, texts


def test_the_audit_ran_with_errors_and_wrote_every_format(
    run: tuple[subprocess.CompletedProcess[str], dict[str, str]],
) -> None:
    proc, texts = run
    assert proc.returncode == 2, proc.stderr  # the broken file, the folder output, boom
    assert "reporter boom failed: RuntimeError: cannot reach postgres://u:****@host/db" in (
        proc.stderr
    )
    assert "dir-19*******78" in proc.stderr  # the refused output path, masked
    assert set(texts) == {"stdout", "stderr", *FILE_FORMATS}


@pytest.mark.parametrize("where", ["stdout", "stderr", *FILE_FORMATS])
def test_no_raw_value_anywhere(
    run: tuple[subprocess.CompletedProcess[str], dict[str, str]], where: str
) -> None:
    _, texts = run
    assert _leaks(texts[where]) == []


@pytest.mark.parametrize("p", PREFIXES, ids=[f"1{p}x" for p in PREFIXES])
@pytest.mark.parametrize("where", ["stdout", "json", "sarif", "junit", "html", "csv", "dump"])
def test_every_mobile_prefix_is_masked_in_keys_and_file_names(
    run: tuple[subprocess.CompletedProcess[str], dict[str, str]], where: str, p: int
) -> None:
    _, texts = run
    text = texts[where]
    assert MOBILES[p] not in text
    assert MASKED[MOBILES[p]] in text  # found and shown masked, not dropped
    assert f"mobile-1{p}*******78.yaml" in text.replace("%2A", "*")  # SARIF URIs escape '*'


@pytest.mark.parametrize("where", ["stdout", "json", "sarif", "junit", "html", "csv", "dump"])
def test_the_text_around_a_secret_stays(
    run: tuple[subprocess.CompletedProcess[str], dict[str, str]], where: str
) -> None:
    _, texts = run
    text = texts[where]
    assert "tls_enabled" in text or "tls\\_enabled" in text
    assert MASKED[DSN] in text  # scheme, user and host visible, the password not
    assert MASKED[RESIDENT_ID] in text.replace("%2A", "*")


@pytest.mark.parametrize("name", list(NOT_MOBILE))
@pytest.mark.parametrize("where", ["stdout", "json", "sarif", "junit", "html", "csv", "dump"])
def test_digit_runs_that_are_not_mobile_numbers_are_shown_whole(
    run: tuple[subprocess.CompletedProcess[str], dict[str, str]], where: str, name: str
) -> None:
    _, texts = run
    digits = NOT_MOBILE[name]
    text = texts[where]
    assert f"{name}-{digits}.yaml" in text
    assert f"{digits}.tls_enabled" in text or f"/{digits}/tls_enabled" in text
    assert re.search(rf"{name}-[0-9]*(\*|%2A)", text) is None  # not masked in part


@pytest.mark.parametrize("name", list(NOT_MOBILE))
def test_digit_runs_that_are_not_mobile_numbers_are_whole_in_every_json_field(
    run: tuple[subprocess.CompletedProcess[str], dict[str, str]], name: str
) -> None:
    _, texts = run
    digits = NOT_MOBILE[name]
    report = json.loads(texts["json"])
    (tls,) = [
        r
        for r in report["results"]
        if r["rule_id"] == "CFG-TLS-ENABLED"
        and r["resource"]["id"] == f"configs/{name}-{digits}.yaml"
    ]
    assert tls["location"]["file"] == f"configs/{name}-{digits}.yaml"
    assert tls["location"]["pointer"] == f"/{digits}/tls_enabled"
    assert tls["evidence"] == [{"path": f"{digits}.tls_enabled", "value": "false"}]
    assert tls["fingerprint_basis"] == f"{digits}.tls_enabled=False"
    assert f"({digits}.tls_enabled: false)" in tls["message"]


def test_json_fields_are_masked_and_fingerprints_are_those_of_the_raw_values(
    run: tuple[subprocess.CompletedProcess[str], dict[str, str]],
) -> None:
    _, texts = run
    report = json.loads(texts["json"])

    def fingerprint(rule_id: str, resource_id: str, basis: str) -> str:
        joined = "\x1f".join((rule_id, "config", resource_id, basis))
        return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]

    by_id = {(r["rule_id"], r["resource"]["id"]): r for r in report["results"]}
    tls = by_id[("CFG-TLS-ENABLED", "configs/k.yaml")]
    assert tls["location"]["pointer"] == "/13*******78/tls_enabled"
    assert tls["evidence"][0]["path"] == "13*******78.tls_enabled"
    assert tls["fingerprint_basis"] == "13*******78.tls_enabled=False"
    assert tls["fingerprint"] == fingerprint(
        "CFG-TLS-ENABLED", "configs/k.yaml", "13912345678.tls_enabled=False"
    )
    public = by_id[("CFG-PUBLIC-STORAGE", "configs/id-11**************77.yaml")]
    assert public["location"]["file"] == "configs/id-11**************77.yaml"
    assert public["fingerprint"] == fingerprint(
        "CFG-PUBLIC-STORAGE", f"configs/id-{RESIDENT_ID}.yaml", "acl='public-read'"
    )
    dsn = by_id[("CFG-TLS-ENABLED", "configs/u.yaml")]
    assert MASKED[DSN] in dsn["message"]
    inputs = {i["path"] for i in report["metadata"]["inputs"]}
    assert "configs/id-11**************77.yaml" in inputs
    assert all(
        len(i["sha256"]) == 64 and "*" not in i["sha256"] for i in report["metadata"]["inputs"]
    )


def test_html_footer_claim_holds(
    run: tuple[subprocess.CompletedProcess[str], dict[str, str]],
) -> None:
    _, texts = run
    assert "this report contains no raw personal information or secrets" in texts["html"]
    assert _leaks(texts["html"]) == []


# -- saved reports are untrusted: re-rendering and diffing mask what a file holds raw --------


def _unmask(text: str) -> str:
    for raw, masked in MASKED.items():
        text = text.replace(masked, raw)
    return text


@pytest.fixture(scope="module")
def saved(tree: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(report of the plain sample, report of the tree, the latter edited to hold raw values)."""
    folder = tmp_path_factory.mktemp("saved")
    plain, planted = folder / "plain.json", folder / "planted.json"
    _dsaudit("audit", SAMPLE, "--format", "json", "-o", plain, "-q", cwd=folder)
    _dsaudit("audit", tree, "--format", "json", "-o", planted, "-q", cwd=folder)
    document = json.loads(_unmask(planted.read_text("utf-8")))
    document["metadata"]["organization"] = f"Acme {MOBILES[5]}"
    document["metadata"]["target"] = DSN
    document["warnings"] = [f"could not read configs/{RESIDENT_ID}.yaml"]
    document["waivers"].append({"id": "W-1", "justification": f"call {MOBILES[7]}"})
    document["rules"][0]["source"]["file"] = f"packs/{RESIDENT_ID}.yaml"
    document["rules"][0]["title"] += f" ({DSN})"
    document["results"][0]["detail"] = f"owner {MOBILES[8]}"
    raw = folder / "raw.json"
    raw.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    assert sorted(_leaks(raw.read_text("utf-8"))) == sorted(RAW)  # the file really holds them
    return plain, planted, raw


@pytest.mark.parametrize("verbosity", ["-v", "-vv"])
@pytest.mark.parametrize("fmt", ["console", "json", "sarif", "junit", "markdown", "html", "csv"])
def test_report_masks_a_saved_report_that_holds_raw_values(
    saved: tuple[Path, Path, Path], tmp_path: Path, fmt: str, verbosity: str
) -> None:
    _, _, raw = saved
    proc = _dsaudit(verbosity, "report", raw, "--format", fmt, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert _leaks(proc.stdout + proc.stderr) == []
    if fmt != "markdown":  # the Markdown comment is capped before the planted findings
        assert MASKED[DSN] in proc.stdout


def test_report_keeps_the_saved_fingerprints(
    saved: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, planted, raw = saved
    proc = _dsaudit("report", raw, "--format", "json", cwd=tmp_path)
    shown = json.loads(proc.stdout)
    stored = json.loads(planted.read_text("utf-8"))
    assert [r["fingerprint"] for r in shown["results"]] == [
        r["fingerprint"] for r in stored["results"]
    ]
    assert _leaks(proc.stdout) == []


@pytest.mark.parametrize("fmt", ["console", "markdown", "json"])
def test_diff_masks_both_reports(saved: tuple[Path, Path, Path], tmp_path: Path, fmt: str) -> None:
    plain, _, raw = saved
    proc = _dsaudit("-vv", "diff", plain, raw, "--format", fmt, "--fail-on", "never", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert _leaks(proc.stdout + proc.stderr) == []
    shown = proc.stdout.replace("\\*", "*")  # Markdown escapes the stars
    assert MASKED[MOBILES[9]] in shown  # the new findings are listed, masked
    assert "postgres://u:" in proc.stdout


def test_fingerprints_of_a_raw_report_without_stored_ones_are_those_of_the_raw_values(
    saved: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """A saved report without ``fingerprint`` fields: each is computed from the raw fields
    before they are masked, so a re-rendered report and a diff still match the audit's."""
    _, planted, raw = saved
    document = json.loads(raw.read_text("utf-8"))
    for result in [*document["results"], *document["errors"]]:
        del result["fingerprint"]
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    proc = _dsaudit("report", bare, "--format", "json", cwd=tmp_path)
    assert _leaks(proc.stdout) == []
    # The results whose raw fields the edit restored exactly (a masked evidence value in a
    # basis cannot be restored): the planted files, whose ids, keys and bases hold the numbers.
    stored = json.loads(planted.read_text("utf-8"))
    restored = {
        r["fingerprint"]
        for r in stored["results"]
        if "*" not in _unmask(r["fingerprint_basis"]) and "*" in r["resource"]["id"]
    }
    assert len(restored) >= len(MOBILES) + 1
    shown = {r["fingerprint"] for r in json.loads(proc.stdout)["results"]}
    assert restored <= shown
    proc = _dsaudit("diff", planted, bare, "--format", "json", cwd=tmp_path)
    fixed = {r["fingerprint"] for r in json.loads(proc.stdout)["fixed"]}
    assert not restored & fixed


@pytest.mark.parametrize("verbosity", ["-v", "-vv"])
def test_error_lines_are_masked(tree: Path, tmp_path: Path, verbosity: str) -> None:
    waivers = tmp_path / f"waivers-{MOBILES[6]}.yaml"
    waivers.write_text(f"waivers: [{{id: '{DSN}'}}\n", "utf-8")  # not valid YAML
    proc = _dsaudit(verbosity, "audit", tree, "--waivers", waivers, cwd=tmp_path)
    assert proc.returncode == 2
    assert "waivers-16*******78.yaml" in proc.stderr
    assert _leaks(proc.stdout + proc.stderr) == []
