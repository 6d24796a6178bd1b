"""Every file dsaudit reads goes through one guarded reader (issue 13 §8) and messages quote a
bounded prefix of input values (§9).

The CLI cases run the real CLI in a subprocess with a time limit: a FIFO that blocks a read
fails the test instead of hanging the run. Memory is measured in a fresh wrapper process whose
only child is the audit (``RUSAGE_CHILDREN`` peak RSS).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from projectkit import REPO_ROOT

from dsaudit.core.errors import ConfigError, DsauditError, InventoryError, LimitError, SourceError
from dsaudit.core.limits import MAX_MESSAGE_CHARS, MAX_QUOTED_VALUE, MAX_REPORT_BYTES, Limits
from dsaudit.core.quoting import bound_message, quote_value
from dsaudit.core.taxonomy import load_taxonomy
from dsaudit.documents.safe_read import CHUNK_BYTES, read_guarded
from dsaudit.documents.structured import parse_structured
from dsaudit.language.packs import load_pack
from dsaudit.modifiers.waivers import load_waivers
from dsaudit.project.config import find_config, read_config_file
from dsaudit.reports.loader import load_report
from dsaudit.sources.inventory import load_inventory, read_inventory_file
from tests.projectkit import AS_OF, tls_rule, write_inventory, write_pack

ROOT = REPO_ROOT
ACME = ROOT / "sample_configs" / "acme-retail"
TIME_LIMIT = 20.0
GIB = 1024 * 1024 * 1024
DEVICES = ["/dev/urandom", "/dev/zero"]

WAIVERS = """\
version: 1
waivers:
  - id: W-1
    rule: KIT-TLS
    resources: [conf/app.yaml]
    justification: migration to TLS 1.2 is scheduled
    requested_by: a@example.cn
    approved_by: b@example.cn
    approved_on: 2026-01-01
    expires_on: 2026-12-31
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["DSAUDIT_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["SOURCE_DATE_EPOCH"] = "1780000000"
    return env


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess; a blocking read times out and fails the test."""
    return subprocess.run(
        [sys.executable, "-m", "dsaudit", *map(str, args)],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        check=False,
    )


def peak_rss_mb(*args: str | Path, cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the CLI under a fresh wrapper process and return its peak RSS in MB."""
    wrapper = (
        "import resource, subprocess, sys\n"
        "proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "sys.stderr.write(proc.stderr)\n"
        "print(proc.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", wrapper, sys.executable, "-m", "dsaudit", *map(str, args)],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT * 3,
        check=False,
    )
    code, kib = proc.stdout.split()
    proc.returncode = int(code)
    return proc, int(kib) / 1024


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A tiny project: a pack, an inventory, one config file that fails the TLS rule."""
    root = tmp_path / "project"
    (root / "conf").mkdir(parents=True)
    (root / "conf" / "app.yaml").write_text("tls_min_version: '1.0'\n", "utf-8")
    write_inventory(root, [])
    write_pack(root, [tls_rule()])
    (root / "waivers.yaml").write_text(WAIVERS, "utf-8")
    return root


def audit(root: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return cli("audit", root, "--pack", root / "pack", "--as-of", AS_OF, "-q", *args, cwd=root)


def make_special(path: Path, kind: str) -> None:
    """Put a FIFO, or a symbolic link to a device, at ``path``."""
    if path.exists() or path.is_symlink():
        path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    else:
        os.symlink(kind, path)


def what_it_is(kind: str) -> str:
    return "FIFO" if kind == "fifo" else "character device"


SPECIALS = ["fifo", *DEVICES]


# -- the reader itself -------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, CHUNK_BYTES, 2 * CHUNK_BYTES + 3])
def test_reads_whole_file_and_its_digest(tmp_path: Path, size: int) -> None:
    path = tmp_path / "f.bin"
    content = os.urandom(size)
    path.write_bytes(content)
    read = read_guarded(path, "f.bin", size)  # exactly at the limit: accepted
    assert read.content == content
    assert read.size == size
    assert read.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize("size", [1, 4096, CHUNK_BYTES + 1])
def test_one_byte_over_the_limit_is_refused(tmp_path: Path, size: int) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"x" * size)
    with pytest.raises(LimitError) as caught:
        read_guarded(path, "f.bin", size - 1)
    assert caught.value.limit == "max_file_bytes"
    assert caught.value.file == "f.bin"
    assert f"file is {size:,} bytes, over the limit of {size - 1:,}" in caught.value.message
    assert "raise limits.max_file_bytes" in caught.value.message


def test_a_fixed_limit_says_so(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"xy")
    with pytest.raises(LimitError, match="this limit is fixed"):
        read_guarded(path, "f.bin", 1, raise_with=None)


def test_a_sparse_gigabyte_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "sparse.yaml"
    with path.open("wb") as handle:
        handle.truncate(GIB)
    tracemalloc.start()
    try:
        with pytest.raises(LimitError):
            read_guarded(path, "sparse.yaml", GIB - 1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024


@pytest.mark.parametrize("stat_first", [True, False])
@pytest.mark.parametrize("kind", SPECIALS)
def test_fifos_and_devices_are_refused_without_reading(
    tmp_path: Path, kind: str, stat_first: bool
) -> None:
    path = tmp_path / "waivers.yaml"
    make_special(path, kind)
    tracemalloc.start()
    try:
        with pytest.raises(SourceError) as caught:
            read_guarded(path, "waivers.yaml", GIB, stat_first=stat_first)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not isinstance(caught.value, LimitError)
    assert caught.value.file == "waivers.yaml"
    assert caught.value.message.startswith("not a regular file: it is ")
    assert what_it_is(kind) in caught.value.message
    assert peak < 1024 * 1024


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.mkdir(), "not a regular file: it is a folder"),
        (lambda p: None, "No such file or directory"),
        (lambda p: os.symlink("nowhere", p), "No such file or directory"),
    ],
)
def test_folders_and_missing_files(
    tmp_path: Path, make: Callable[[Path], None], reason: str
) -> None:
    path = tmp_path / "x.yaml"
    make(path)
    with pytest.raises(SourceError) as caught:
        read_guarded(path, "x.yaml", 100)
    assert caught.value.message == reason


def test_a_link_to_a_regular_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_bytes(b"a: 1\n")
    os.symlink("real.yaml", tmp_path / "link.yaml")
    assert read_guarded(tmp_path / "link.yaml", "link.yaml", 5).content == b"a: 1\n"


# -- every input, through the CLI: a FIFO or a device never hangs the run ------------------


@pytest.mark.parametrize("kind", SPECIALS)
def test_waivers_flag(project: Path, kind: str) -> None:
    make_special(project / "w.yaml", kind)
    proc = audit(project, "--waivers", project / "w.yaml")
    assert proc.returncode == 2, proc.stderr
    assert "w.yaml: cannot read file: not a regular file" in proc.stderr
    assert what_it_is(kind) in proc.stderr


@pytest.mark.parametrize("kind", SPECIALS)
def test_waivers_named_in_the_config(project: Path, kind: str) -> None:
    (project / "dsaudit.yaml").write_text("version: 1\nwaivers: waivers.yaml\n", "utf-8")
    make_special(project / "waivers.yaml", kind)
    proc = audit(project)
    assert proc.returncode == 2, proc.stderr
    assert "waivers.yaml: cannot read file: not a regular file" in proc.stderr


@pytest.mark.parametrize("kind", SPECIALS)
def test_baseline(project: Path, kind: str) -> None:
    make_special(project / "baseline.json", kind)
    proc = audit(project, "--baseline", project / "baseline.json")
    assert proc.returncode == 2, proc.stderr
    assert "baseline.json: cannot read file: not a regular file" in proc.stderr
    assert what_it_is(kind) in proc.stderr


@pytest.mark.parametrize("kind", SPECIALS)
def test_config_flag(project: Path, kind: str) -> None:
    make_special(project / "other.yaml", kind)
    proc = audit(project, "--config", project / "other.yaml")
    assert proc.returncode == 2, proc.stderr
    assert "other.yaml: cannot read config: not a regular file" in proc.stderr


@pytest.mark.parametrize("name", ["dsaudit.yaml", "dsaudit.yml", ".dsaudit.yaml", "pyproject.toml"])
@pytest.mark.parametrize("kind", ["fifo", "/dev/zero"])
def test_a_found_config_that_is_not_a_file_is_an_error(project: Path, name: str, kind: str) -> None:
    """Not skipped: skipping it would audit with the defaults (the as-of date becomes today)."""
    make_special(project / name, kind)
    proc = audit(project)
    assert proc.returncode == 2, proc.stderr
    assert f"{name}: cannot read config: not a regular file" in proc.stderr


def test_a_folder_named_dsaudit_yaml_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "dsaudit.yaml").mkdir()
    with pytest.raises(ConfigError, match=r"dsaudit\.yaml: cannot read config: .* a folder"):
        find_config(tmp_path)


@pytest.mark.parametrize("kind", SPECIALS)
def test_inventory_file(project: Path, kind: str) -> None:
    make_special(project / "inventory" / "h.yaml", kind)
    out = project / "r.json"
    proc = audit(project, "--format", "json", "-o", out)
    assert proc.returncode == 2, proc.stderr
    report = json.loads(out.read_text("utf-8"))
    messages = [e["message"] for e in report["errors"]]
    if kind == "fifo":
        expected = "inventory/h.yaml: cannot read inventory file: not a regular file: it is a FIFO"
    else:  # reported by discovery under its own name, never opened
        expected = f"inventory/h.yaml: symbolic link leaves the target (-> {kind})"
    assert any(m.startswith(expected) for m in messages), messages


@pytest.mark.parametrize("kind", SPECIALS)
def test_pack_rule_file(project: Path, kind: str) -> None:
    make_special(project / "pack" / "rules" / "more.yaml", kind)
    proc = audit(project)
    assert proc.returncode == 2, proc.stderr
    assert "more.yaml: cannot read rule pack file: not a regular file" in proc.stderr


@pytest.mark.parametrize("kind", SPECIALS)
@pytest.mark.parametrize("command", ["report", "diff"])
def test_saved_report(project: Path, kind: str, command: str) -> None:
    make_special(project / "saved.json", kind)
    args = [project / "saved.json"] * (2 if command == "diff" else 1)
    proc = cli(command, *args, cwd=project)
    assert proc.returncode == 2, proc.stderr
    assert "saved.json: cannot read report: not a regular file" in proc.stderr


# -- sizes: refused before reading, exactly at the limit accepted --------------------------


def test_issue_example_sparse_inventory_costs_no_memory(tmp_path: Path) -> None:
    """``truncate -s 1G T/inventory/h.yaml`` used 1.06 GB of memory just to be refused."""
    target = tmp_path / "T"
    shutil.copytree(ACME, target)
    with (target / "inventory" / "h.yaml").open("wb") as handle:
        handle.truncate(GIB)
    out = tmp_path / "r.json"
    proc, peak = peak_rss_mb("audit", target, "--format", "json", "-o", out, "-q", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert peak < 200, f"peak RSS {peak:.0f} MB"
    report = json.loads(out.read_text("utf-8"))
    messages = [e["message"] for e in report["errors"]]
    assert any(
        m.startswith("inventory/h.yaml: file is 1,073,741,824 bytes, over the limit of")
        and "limits.max_file_bytes" in m
        for m in messages
    ), messages


def test_issue_example_sparse_waivers_costs_no_memory(project: Path) -> None:
    with (project / "waivers.yaml").open("wb") as handle:
        handle.truncate(GIB)
    proc, peak = peak_rss_mb(
        "audit", project, "--pack", project / "pack", "--waivers", project / "waivers.yaml",
        "-q", cwd=project,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "waivers.yaml: cannot read file: file is 1,073,741,824 bytes" in proc.stderr
    assert "raise limits.max_file_bytes" in proc.stderr
    assert peak < 200, f"peak RSS {peak:.0f} MB"


def test_waivers_at_and_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(WAIVERS, "utf-8")
    size = path.stat().st_size
    assert [w.id for w in load_waivers(path, "waivers.yaml", Limits(max_file_bytes=size))] == [
        "W-1"
    ]
    with pytest.raises(ConfigError, match=r"waivers.yaml: cannot read file: file is .* over"):
        load_waivers(path, "waivers.yaml", Limits(max_file_bytes=size - 1))


def test_a_raised_limit_lets_a_big_waivers_file_through_the_cli(project: Path) -> None:
    """The limit the message names is the one that applies: raising it in dsaudit.yaml works,
    for the check before the audit and for the modifier alike."""
    padded = WAIVERS + "#" + "x" * 2000 + "\n"
    (project / "waivers.yaml").write_text(padded, "utf-8")
    size = len(padded.encode())
    for limit, code in ((size - 1, 2), (size, 0)):
        config = {"version": 1, "waivers": "waivers.yaml", "limits": {"max_file_bytes": limit}}
        (project / "dsaudit.yaml").write_text(yaml.safe_dump(config), "utf-8")
        proc = audit(project)
        assert proc.returncode == code, proc.stderr


@pytest.mark.parametrize(("extra", "ok"), [(0, True), (1, False)])
def test_inventory_file_at_and_over_the_limit(tmp_path: Path, extra: int, ok: bool) -> None:
    path = write_inventory(tmp_path, [])
    size = path.stat().st_size
    _, _, _, problem, sha256 = read_inventory_file(
        path, "inventory/main.yaml", Limits(max_file_bytes=size - extra), None
    )
    assert (problem is None) is ok
    if ok:
        assert sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    else:
        assert problem is not None and "max_file_bytes" in problem[0]
        assert sha256 is None


def test_config_file_over_its_fixed_limit(tmp_path: Path) -> None:
    path = tmp_path / "dsaudit.yaml"
    with path.open("wb") as handle:
        handle.truncate(GIB)
    with pytest.raises(
        ConfigError, match=r"cannot read config: file is .* \(this limit is fixed\)"
    ):
        read_config_file(path)


def test_saved_report_over_its_limit(tmp_path: Path) -> None:
    path = tmp_path / "saved.json"
    with path.open("wb") as handle:
        handle.truncate(MAX_REPORT_BYTES + 1)
    tracemalloc.start()
    try:
        with pytest.raises(ConfigError, match=r"cannot read report: file is .* over the limit"):
            load_report(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024


def test_pack_file_over_the_limit(tmp_path: Path) -> None:
    pack = write_pack(tmp_path, [tls_rule()])
    with (pack / "README.md").open("wb") as handle:
        handle.truncate(GIB)
    with pytest.raises(DsauditError, match=r"README.md: cannot read rule pack file: file is"):
        load_pack(pack)


# -- digests: of the bytes that were parsed ------------------------------------------------


def test_report_inputs_are_the_digests_of_what_was_read(project: Path) -> None:
    out = project / "r.json"
    proc = audit(project, "--waivers", project / "waivers.yaml", "--format", "json", "-o", out)
    assert proc.returncode == 0, proc.stderr
    inputs = {i["path"]: i for i in json.loads(out.read_text("utf-8"))["metadata"]["inputs"]}
    for rel, kind in (
        ("inventory/main.yaml", "inventory"),
        ("waivers.yaml", "waivers"),
        ("conf/app.yaml", "config"),
    ):
        assert inputs[rel]["kind"] == kind
        assert inputs[rel]["sha256"] == hashlib.sha256((project / rel).read_bytes()).hexdigest()


# -- §9: bounded values in messages; an impossible date has its line ----------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a" * MAX_QUOTED_VALUE, repr("a" * MAX_QUOTED_VALUE)),
        (
            "a" * (MAX_QUOTED_VALUE + 1),
            f"'{'a' * MAX_QUOTED_VALUE}…' ({MAX_QUOTED_VALUE + 1} chars)",
        ),
        ("a" * 5_000_000, f"'{'a' * MAX_QUOTED_VALUE}…' (5,000,000 chars)"),
        (b"b" * (MAX_QUOTED_VALUE + 1), f"b'{'b' * MAX_QUOTED_VALUE}…' (201 bytes)"),
        (12, "12"),
    ],
)
def test_quote_value(value: object, expected: str) -> None:
    assert quote_value(value) == expected


@pytest.mark.parametrize("size", [MAX_MESSAGE_CHARS, MAX_MESSAGE_CHARS + 1, 10_000_000])
def test_every_error_message_is_bounded(size: int) -> None:
    message = "s" * (size - 1) + "E"
    error = SourceError(message, file="f")
    if size <= MAX_MESSAGE_CHARS:
        assert error.message == message
    else:
        assert len(error.message) < MAX_MESSAGE_CHARS + 100
        assert error.message.endswith("E")  # the end (what was expected) is kept
    assert bound_message(message) == error.message


BIG = "a" * 5_000_000


@pytest.mark.slow
@pytest.mark.parametrize(
    "record",
    [
        {"id": BIG, "name": "x"},  # too long for the schema
        {"id": "s1", "name": "x", "mlps_level": BIG},  # not one of the levels
        {"id": "s1", "name": "x", BIG: 1},  # an unknown key
    ],
)
def test_a_huge_value_gives_a_small_inventory_error(tmp_path: Path, record: dict) -> None:
    path = tmp_path / "inventory" / "big.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump({"version": 1, "systems": [record]}, width=10**8), "utf-8")
    with pytest.raises(InventoryError) as caught:
        load_inventory([path], tmp_path, Limits(), load_taxonomy())
    problems = getattr(caught.value, "errors", None) or [caught.value]
    for problem in problems:
        text = str(problem)
        assert len(text) < 2000, text[:300]
        assert re.match(r"inventory/big\.yaml:\d+: systems\[0\] ", text), text[:300]
    assert "(5,000,000 chars)" in str(problems[0])


@pytest.mark.parametrize(
    ("fmt", "template"),
    [("yaml", "? {key}\n: 1\n? {key}\n: 2\n"), ("json", '{{"{key}": 1, "{key}": 2}}')],
)
def test_a_huge_duplicate_key_gives_a_small_error(fmt: str, template: str) -> None:
    text = template.format(key="k" * 5_000_000).encode()
    with pytest.raises(DsauditError) as caught:
        parse_structured(f"c.{fmt}", text, fmt, Limits())
    assert len(str(caught.value)) < 1000, str(caught.value)[:300]
    assert "duplicate key 'kkk" in str(caught.value)
    assert "(5,000,000 chars)" in str(caught.value)


@pytest.mark.parametrize(
    "value", ["2026-02-30", "2025-13-01", "2026-02-30T10:00:00+08:00", "2026-04-31 10:00:00"]
)
def test_an_impossible_unquoted_date_has_file_and_line(tmp_path: Path, value: str) -> None:
    path = tmp_path / "inventory" / "incidents.yaml"
    path.parent.mkdir()
    path.write_text(
        "version: 1\nincidents:\n  - id: INC-1\n    title: t\n    grade: general\n"
        f"    started_at: {value}\n",
        "utf-8",
    )
    with pytest.raises(InventoryError) as caught:
        load_inventory([path], tmp_path, Limits(), load_taxonomy())
    assert (caught.value.file, caught.value.line) == ("inventory/incidents.yaml", 6)
    assert f"invalid date {value!r}" in caught.value.message
    assert "quote it" in caught.value.message


def test_an_impossible_date_in_a_config_file_has_its_line() -> None:
    with pytest.raises(DsauditError) as caught:
        parse_structured("c.yaml", b"a: 1\nb:\n  c: 2026-02-30\n", "yaml", Limits())
    assert (caught.value.file, caught.value.line) == ("c.yaml", 3)


def test_a_too_long_integer_keeps_its_own_message() -> None:
    """Only dates change: an integer over Python's digit limit keeps its hint and line."""
    text = b"a: 1\nb: " + b"9" * 5000 + b"\n"
    with pytest.raises(DsauditError) as caught:
        parse_structured("c.yaml", text, "yaml", Limits())
    assert caught.value.line == 2
    assert "a number is too long to convert" in caught.value.message
