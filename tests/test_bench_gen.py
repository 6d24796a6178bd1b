"""The benchmark generators in bench/: deterministic, parseable, and true to their contracts."""

from __future__ import annotations

import configparser
import importlib
import json
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
INVENTORY_SCHEMA = ROOT / "dsaudit" / "schemas" / "inventory.schema.json"
TINY = ["--datasets", "50", "--configs", "20"]


def bench_module(name: str) -> ModuleType:
    """Import a bench/ script as a module (bench/ is a folder of scripts, not a package)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(name)


def generate(out: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, str(BENCH / "gen_org.py"), "--out", str(out), *args],
        check=True,
        capture_output=True,
    )


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def tiny_org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("org") / "org"
    generate(out, *TINY, "--seed", "7")
    return out


def test_same_seed_gives_identical_bytes(tiny_org: Path, tmp_path: Path) -> None:
    generate(tmp_path / "again", *TINY, "--seed", "7")
    assert files_of(tmp_path / "again") == files_of(tiny_org)


def test_another_seed_gives_other_content(tiny_org: Path, tmp_path: Path) -> None:
    generate(tmp_path / "other", *TINY, "--seed", "8")
    first, other = files_of(tiny_org), files_of(tmp_path / "other")
    changed = [p for p in first if p in other and first[p] != other[p]]
    assert len(changed) > len(first) // 2


def structured_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".yml", ".json"):
            yield path


def test_every_yaml_and_json_file_parses(tiny_org: Path) -> None:
    seen = {".yaml": 0, ".json": 0}
    for path in structured_files(tiny_org):
        text = path.read_text(encoding="utf-8")
        docs = [json.loads(text)] if path.suffix == ".json" else list(yaml.safe_load_all(text))
        assert docs, path
        assert all(isinstance(doc, dict) for doc in docs), path
        seen[".json" if path.suffix == ".json" else ".yaml"] += 1
    assert seen[".yaml"] >= 5
    assert seen[".json"] >= 1


def test_toml_ini_and_env_files_parse(tiny_org: Path, tmp_path: Path) -> None:
    generate(tmp_path / "org", "--datasets", "5", "--configs", "80")
    suffixes = set()
    for path in sorted((tmp_path / "org" / "configs").rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        suffixes.add(path.suffix or path.name)
        if path.suffix == ".toml":
            assert tomllib.loads(text), path
        elif path.suffix == ".ini":
            parser = configparser.ConfigParser()
            parser.read_string(text, source=str(path))
            assert parser.sections(), path
        elif path.name == ".env":
            pairs = [line for line in text.splitlines() if line and not line.startswith("#")]
            assert all("=" in line for line in pairs), path
    assert {".toml", ".ini", ".env", ".yaml", ".json"} <= suffixes


def test_inventory_follows_the_inventory_schema(tiny_org: Path) -> None:
    schema = json.loads(INVENTORY_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted((tiny_org / "inventory").rglob("*.yaml"))
    assert len(files) >= 6
    for path in files:
        errors = [e.message for e in validator.iter_errors(yaml.safe_load(path.read_text()))]
        assert errors == [], path


def test_manifest_counts_match_the_files(tiny_org: Path) -> None:
    manifest = json.loads((tiny_org / "bench-org.json").read_text(encoding="utf-8"))
    datasets = [
        d
        for path in (tiny_org / "inventory" / "datasets").glob("*.yaml")
        for d in yaml.safe_load(path.read_text())["datasets"]
    ]
    configs = [p for p in (tiny_org / "configs").rglob("*") if p.is_file()]
    assert manifest["resources"]["datasets"] == len(datasets) == 50
    assert len({d["id"] for d in datasets}) == 50
    assert manifest["files"]["config"] == len(configs) == 20
    assert sum(manifest["files"]["config_by_format"].values()) == 20


def test_json_inventory_format(tmp_path: Path) -> None:
    generate(tmp_path / "org", "--datasets", "30", "--configs", "0", "--inventory-format", "json")
    files = sorted((tmp_path / "org" / "inventory").rglob("*.json"))
    records = [d for p in files for d in json.loads(p.read_text()).get("datasets", [])]
    assert len(records) == 30
    assert '"inventory/datasets/*.json"' in (tmp_path / "org" / "dsaudit.yaml").read_text()


def test_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x")
    proc = subprocess.run(
        [sys.executable, str(BENCH / "gen_org.py"), "--out", str(tmp_path), *TINY],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "is not empty" in proc.stderr


@pytest.mark.parametrize(
    "value",
    ["yes", "No", "on", "null", "~", "1.0", "0x1F", "2026-06-30", "a: b", "x #y", "#c", "", "-x",
     "plain words", "TLSv1.2", "500m", "@at", "中文名称", "s3cr3t-000001", "${DB_PASSWORD}", 42,
     3.5, True, None],
)  # fmt: skip
def test_yaml_scalars_read_back_unchanged(value: object) -> None:
    writers = bench_module("writers")
    doc = {"key": value, "list": [value, {"k": value}]}
    assert yaml.safe_load(writers.yaml_dump(doc)) == doc


def test_toml_writer_reads_back() -> None:
    writers = bench_module("writers")
    doc = {"title": "x y", "n": 3, "server": {"tls": {"min_version": "TLSv1.2"}}, "ok": False}
    assert tomllib.loads(writers.toml_dump(doc)) == doc


def test_k8s_ground_truth_matches_the_peer_readme() -> None:
    k8s = bench_module("k8s_corpus")
    counts = k8s.count_failures(k8s.manifest(i) for i in range(10_000))
    # /work/shared/bench-peers/README.md: "Ground truth at 10,000 files"
    assert counts == {"K1": 533, "K2": 1473, "K3": 930, "K4": 261, "K5": 367}


def test_floor_agrees_with_the_ground_truth(tmp_path: Path) -> None:
    k8s = bench_module("k8s_corpus")
    truth = k8s.write_corpus(tmp_path, 300, str(BENCH / "packs" / "k8s"))
    for folder, loader in (("manifests", "c"), ("json", "json")):
        folder_path = str(tmp_path / "k8s-300" / folder)
        proc = subprocess.run(
            [sys.executable, str(BENCH / "floor.py"), folder_path, "--loader", loader],
            check=True,
            capture_output=True,
            text=True,
        )
        assert json.loads(proc.stdout) == truth["failing"]
    assert sum(truth["failing"].values()) > 0


@pytest.mark.parametrize(
    ("failing", "expected"),
    [
        ({"BENCH-K1": 3, "BENCH-K5": 2}, {"K1": 3, "K2": 0, "K3": 0, "K4": 0, "K5": 2}),
        ({"CFG-TLS-MIN-VERSION": 9, "K2": 1}, {"K1": 0, "K2": 1, "K3": 0, "K4": 0, "K5": 0}),
    ],
    ids=["bench-ids", "other-rules-ignored"],
)
def test_report_rule_ids_fold_into_checks(
    failing: dict[str, int], expected: dict[str, int]
) -> None:
    assert bench_module("report").k_counts(failing) == expected


def test_measure_reports_peak_rss_of_the_process_and_its_tree() -> None:
    measure = bench_module("measure")
    grandchild = "y = bytearray(100 * 2**20); import time; time.sleep(0.6)"
    child = (
        "import subprocess, sys; x = bytearray(150 * 2**20); "
        f"subprocess.run([sys.executable, '-c', {grandchild!r}], check=True)"
    )
    m = measure.run_measured([sys.executable, "-c", child], timeout=120)
    assert m.returncode == 0
    assert m.peak_rss_mb >= 140  # the larger of the two processes
    if Path("/proc").is_dir():
        assert m.tree_rss_mb >= 240  # both at once


def test_measure_kills_a_command_that_outlives_its_timeout() -> None:
    measure = bench_module("measure")
    m = measure.run_measured(["bash", "-c", "sleep 30; echo late"], timeout=0.5)
    assert m.returncode != 0
    assert m.wall_s < 10
    assert "late" not in m.stdout


FAKE_DSAUDIT = """
import json, sys
args = sys.argv[1:]
if args == ["--version"]:
    print("fake-dsaudit 9.9")
elif args[:1] == ["audit"] and "--help" in args:
    print("usage: audit")
elif args[:1] == ["audit"]:
    out = args[args.index("--output") + 1]
    assert args[args.index("--as-of") + 1] == "2026-06-30"
    results = [
        {"rule_id": "R-1", "status": "fail", "resource": {"kind": "dataset", "id": "ds-1"}},
        {"rule_id": "R-1", "status": "pass", "resource": {"kind": "dataset", "id": "ds-2"}},
    ]
    with open(out, "w") as f:
        json.dump({"results": results, "errors": []}, f)
    sys.exit(1)
else:
    sys.exit("unexpected arguments: " + " ".join(args))
"""


def run_bench(tmp_path: Path, dsaudit: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, str(BENCH / "run.py"), "--datasets", "20", "--configs", "5"]
    argv += ["--corpus", str(tmp_path / "corpus"), "--out-dir", str(tmp_path / "out")]
    argv += ["--dsaudit", dsaudit, "--json-out", str(tmp_path / "figures.json")]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300)


def test_run_times_an_audit_and_reads_its_report(tmp_path: Path) -> None:
    fake = tmp_path / "fake_dsaudit.py"
    fake.write_text(FAKE_DSAUDIT)
    proc = run_bench(tmp_path, f"{sys.executable} {fake}")
    assert proc.returncode == 0, proc.stderr
    saved = json.loads((tmp_path / "figures.json").read_text())
    assert saved["status"] == "ok"
    assert saved["dsaudit"] == "fake-dsaudit 9.9"
    fig = saved["figures"]
    assert (fig["results"], fig["by_status"], fig["exit_codes"]) == (2, {"fail": 1, "pass": 1}, [1])
    assert fig["files"] == saved["corpus"]["files"]["total"] - 2
    assert "| wall s" in proc.stdout


def test_run_says_so_when_dsaudit_cannot_audit_yet(tmp_path: Path) -> None:
    broken = f"{sys.executable} -c \"raise SystemExit('No such command audit')\""
    proc = run_bench(tmp_path, broken)
    assert proc.returncode == 2
    assert "not available yet" in proc.stderr
    assert "No such command audit" in proc.stderr
    assert json.loads((tmp_path / "figures.json").read_text())["status"] == "dsaudit-unavailable"


def dsaudit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dsaudit", *args], capture_output=True, text=True, timeout=600
    )


def test_k8s_pack_rule_tests_pass() -> None:
    proc = dsaudit("rules", "test", str(BENCH / "packs" / "k8s"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_dsaudit_with_the_k8s_pack_agrees_with_the_ground_truth(tmp_path: Path) -> None:
    k8s = bench_module("k8s_corpus")
    pack = BENCH / "packs" / "k8s"
    truth = k8s.write_corpus(tmp_path, 200, str(pack))
    report = tmp_path / "report.json"
    proc = dsaudit(
        "audit", str(tmp_path / "k8s-200"), "--format", "json", "--output", str(report), "-q"
    )  # the pack comes from the corpus's dsaudit.yaml (a path relative to it)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # findings, no errors
    figures = bench_module("report").read_report(report)
    assert bench_module("report").k_counts(figures.failing_by_rule) == truth["failing"]
