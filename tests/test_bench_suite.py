"""bench/suite.py: the inventory corpus and its ground truth, the I1..I5 pack, the targets
table, and a smoke run of every part on tiny sizes (regopy and Checkov are not needed)."""

from __future__ import annotations

import importlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PEER_GENERATOR = Path("/work/shared/bench-peers/gen_corpus.py")
TINY = ["--k8s-sizes", "12", "24", "--records", "150", "--org-datasets", "40"]
TINY += ["--org-configs", "8", "--runs", "1", "--peer-python", sys.executable]


def bench_module(name: str) -> ModuleType:
    """Import a bench/ script as a module (bench/ is a folder of scripts, not a package)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(name)


def dsaudit_audit(target: Path, inventory: str, report: Path) -> subprocess.CompletedProcess[str]:
    pack = BENCH / "packs" / "inventory"
    argv = [sys.executable, "-m", "dsaudit", "audit", str(target), "--pack", str(pack)]
    argv += ["--inventory", inventory, "--format", "json", "--output", str(report)]
    return subprocess.run([*argv, "--fail-on", "never", "-q"], capture_output=True, text=True)


# --- the inventory corpus and its ground truth ---------------------------------------------


@pytest.mark.skipif(not PEER_GENERATOR.is_file(), reason="the peers' gen_corpus.py is not here")
def test_peer_records_and_violations_are_the_peers_own() -> None:
    corpus = bench_module("inventory_corpus")
    spec = importlib.util.spec_from_file_location("peer_gen_corpus", PEER_GENERATOR)
    assert spec is not None and spec.loader is not None
    peer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(peer)
    for i in (0, 1, 2, 77, 499, 12345):
        assert corpus.peer_record(i) == peer.record(i)
        assert corpus.peer_violations(corpus.peer_record(i)) == peer.record_violations(
            peer.record(i)
        )


def test_categories_keep_the_peers_sensitivity_in_the_taxonomy() -> None:
    from dsaudit.core.taxonomy import load_taxonomy

    corpus = bench_module("inventory_corpus")
    floor = bench_module("inventory_floor")
    taxonomy = load_taxonomy()
    assert set(corpus.CATEGORY_NAMES) == set(corpus.PEER_CATEGORIES)
    for peer_name, name in corpus.CATEGORY_NAMES.items():
        assert taxonomy.is_sensitive(name) == (peer_name in corpus.PEER_SENSITIVE), name
        assert (name in floor.SENSITIVE) == (peer_name in corpus.PEER_SENSITIVE), name


def test_the_inventory_is_valid_v1_and_carries_every_record(tmp_path: Path) -> None:
    from dsaudit.core.limits import Limits
    from dsaudit.core.taxonomy import load_taxonomy
    from dsaudit.sources.inventory import load_inventory

    corpus = bench_module("inventory_corpus")
    base = corpus.corpus_dir(tmp_path, 120)
    corpus.write_corpus(tmp_path, 120)
    for name in ("inventory.json", "inventory.yaml"):
        inventory = load_inventory([base / name], base, Limits(), load_taxonomy())
        datasets = inventory.of_kind("dataset")
        assert [d.id for d in datasets] == [f"ds-{i:06d}" for i in range(120)]
        first = corpus.peer_record(0)
        assert datasets[0].attributes["individuals"] == first["individuals"]
        assert len(datasets[0].attributes["fields"]) == len(first["fields"])


@pytest.mark.parametrize("loader,name", [("json", "inventory.json"), ("c", "inventory.yaml")])
def test_floor_counts_equal_the_ground_truth(tmp_path: Path, loader: str, name: str) -> None:
    corpus = bench_module("inventory_corpus")
    floor = bench_module("inventory_floor")
    truth = corpus.write_corpus(tmp_path, 400)
    doc = floor.load(str(corpus.corpus_dir(tmp_path, 400) / name), loader)
    assert floor.predicates(doc["datasets"]) == truth["failing"]
    assert sum(truth["failing"].values()) > 0
    assert all(truth["failing"][check] > 0 for check in corpus.CHECK_IDS)


@pytest.mark.parametrize("name", ["inventory.json", "inventory.yaml"])
def test_the_pack_finds_exactly_the_ground_truth(tmp_path: Path, name: str) -> None:
    corpus = bench_module("inventory_corpus")
    inventory_bench = bench_module("inventory_bench")
    truth = corpus.write_corpus(tmp_path, 300)
    report = tmp_path / "report.json"
    done = dsaudit_audit(corpus.corpus_dir(tmp_path, 300), name, report)
    assert done.returncode == 0, done.stderr
    assert inventory_bench.report_counts(report) == truth["failing"]


def test_a_changed_record_changes_dsaudit_and_floor_alike(tmp_path: Path) -> None:
    corpus = bench_module("inventory_corpus")
    floor = bench_module("inventory_floor")
    inventory_bench = bench_module("inventory_bench")
    truth = corpus.write_corpus(tmp_path, 200)
    base = corpus.corpus_dir(tmp_path, 200)
    path = base / "inventory.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    # one encrypted dataset with a sensitive field, now unencrypted: one more I1 failure
    target = next(
        d
        for d in doc["datasets"]
        if d["encryption_at_rest"] and any(f["category"] in floor.SENSITIVE for f in d["fields"])
    )
    target["encryption_at_rest"] = False
    path.write_text(json.dumps(doc), encoding="utf-8")
    expected = {**truth["failing"], "I1": truth["failing"]["I1"] + 1}
    assert floor.predicates(floor.load(str(path), "json")["datasets"]) == expected
    report = tmp_path / "report.json"
    assert dsaudit_audit(base, "inventory.json", report).returncode == 0
    assert inventory_bench.report_counts(report) == expected


def test_the_inventory_pack_rule_tests_pass() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dsaudit", "rules", "test", str(BENCH / "packs" / "inventory")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 rules" in done.stdout


def test_i_counts_folds_rule_ids() -> None:
    inventory_bench = bench_module("inventory_bench")
    got = inventory_bench.i_counts({"BENCH-I1": 3, "x.I1": 1, "BENCH-I5": 2, "BENCH-K1": 9})
    assert got == {"I1": 4, "I2": 0, "I3": 0, "I4": 0, "I5": 2}


# --- the targets table -----------------------------------------------------------------------


def statuses(figures: dict[str, Any]) -> dict[str, str]:
    targets = bench_module("targets")
    return {o.target: o.status for o in targets.evaluate(figures)}


@pytest.mark.parametrize(
    "seconds,status", [(0.1, "met"), (0.15, "met"), (0.151, "missed"), (None, "not measured")]
)
def test_startup_target(seconds: float | None, status: str) -> None:
    got = statuses({"startup": {"dsaudit --version": seconds, "empty audit": 0.5}})
    assert got == {"start-up: dsaudit --version": status, "start-up: empty audit": "missed"}


def test_k8s_ratios_and_scaling() -> None:
    targets = bench_module("targets")
    k8s = {
        1000: {"floor": 0.3, "dsaudit": 0.6, "regopy bundle": 1.0, "checkov": 6.0},
        10_000: {"floor": 2.4, "dsaudit": 5.0, "regopy bundle": 10.0, "checkov": 250.0},
    }
    outcomes = {o.target: o for o in targets.evaluate({"k8s": k8s})}
    assert outcomes["K1-K5 at 1000 files: dsaudit ÷ floor"].value == pytest.approx(2.0)
    assert outcomes["K1-K5 at 1000 files: dsaudit ÷ floor"].status == "met"
    assert outcomes["K1-K5 at 10000 files: dsaudit ÷ floor"].status == "missed"  # 2.08
    assert outcomes["K1-K5 at 1000 files: Checkov ÷ dsaudit"].status == "missed"  # 10
    assert outcomes["K1-K5 at 10000 files: Checkov ÷ dsaudit"].value == pytest.approx(50.0)
    assert outcomes["K1-K5 at 10000 files: Checkov ÷ dsaudit"].status == "met"
    assert outcomes["K1-K5 at 1000 files: regopy bundle ÷ dsaudit"].status == "missed"  # 1.67
    assert outcomes["K1-K5 at 10000 files: regopy bundle ÷ dsaudit"].status == "met"  # 2.0
    scaling = outcomes["K1-K5 scaling: dsaudit 10000 ÷ 1000 files"]
    assert scaling.limit == pytest.approx(10.5)
    assert scaling.value == pytest.approx(5.0 / 0.6)
    assert scaling.status == "met"


def test_scaling_over_10_5_is_missed_and_checkov_rows_only_when_run() -> None:
    k8s = {1000: {"floor": 1.0, "dsaudit": 1.0}, 10_000: {"floor": 10.0, "dsaudit": 10.6}}
    got = statuses({"k8s": k8s})
    assert got["K1-K5 scaling: dsaudit 10000 ÷ 1000 files"] == "missed"
    assert got["K1-K5 at 1000 files: regopy bundle ÷ dsaudit"] == "not measured"
    assert not any("Checkov" in name for name in got)


@pytest.mark.parametrize(
    "fmt,dsaudit_s,floor_s,status",
    [
        ("json", 2.0, 1.0, "met"),
        ("json", 2.1, 1.0, "missed"),
        ("yaml", 36.0, 30.0, "met"),
        ("yaml", 37.0, 30.0, "missed"),
        ("yaml", 1.0, None, "not measured"),
    ],
)
def test_inventory_ratios(fmt: str, dsaudit_s: float, floor_s: float | None, status: str) -> None:
    figures = {"inventory": {"records": 100_000, fmt: {"dsaudit": dsaudit_s, "floor": floor_s}}}
    floor = "json.loads floor" if fmt == "json" else "CSafeLoader floor"
    assert statuses(figures)[f"inventory 100000 records {fmt.upper()}: dsaudit ÷ {floor}"] == status


@pytest.mark.parametrize(
    "wall,peak,expected",
    [
        (29.0, 900.0, ("met", "met")),
        (31.0, 1025.0, ("missed", "missed")),
        (30.0, 1024.0, ("met", "met")),
    ],
)
def test_org_targets(wall: float, peak: float, expected: tuple[str, str]) -> None:
    got = statuses({"org": {"wall_s": wall, "peak_mb": peak, "label": "the org"}})
    assert (got["full packs over the org: wall"], got["full packs over the org: peak memory"]) == (
        expected
    )


# --- smoke runs ------------------------------------------------------------------------------


def run_suite(tmp_path: Path, *extra: str) -> tuple[int, str, dict[str, Any]]:
    out = tmp_path / "figures.json"
    argv = [sys.executable, str(BENCH / "suite.py"), *TINY, "--corpus", str(tmp_path / "corpus")]
    argv += ["--out-dir", str(tmp_path / "out"), "--json-out", str(out), *extra]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    record = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
    return done.returncode, done.stdout + done.stderr, record


@pytest.mark.parametrize(
    "part,heading",
    [
        ("startup", "## start-up"),
        ("k8s", "## K1-K5 over 24 manifests"),
        ("inventory", "## inventory: 150 dataset records, one YAML file"),
        ("org", "## full shipped packs over 40 datasets + 8 configs"),
    ],
)
def test_smoke_run_of_each_part(tmp_path: Path, part: str, heading: str) -> None:
    code, output, record = run_suite(tmp_path, "--only", part)
    assert code == 0, output
    assert heading in output
    assert "## issue 9 targets" in output
    assert list(record["parts"]) == [part]
    assert record["failed"] == []
    assert record["targets"], output
    assert all(t["status"] != "not measured" or "regopy" in t["target"] for t in record["targets"])
    if part == "k8s":
        assert "## K1-K5 side by side" in output
        for size in record["parts"]["k8s"]["sizes"].values():
            assert {p["agrees"] for p in size["peers"]} == {"yes"}
    if part == "inventory":
        for fmt in ("json", "yaml"):
            peers = record["parts"]["inventory"]["formats"][fmt]["peers"]
            assert [p["agrees"] for p in peers] == ["yes", "yes"]


def test_a_tool_that_disagrees_with_the_ground_truth_fails_the_suite(tmp_path: Path) -> None:
    corpus = bench_module("inventory_corpus")
    truth = corpus.write_corpus(tmp_path / "corpus", 150)
    wrong = {**truth, "failing": {**truth["failing"], "I2": truth["failing"]["I2"] + 1}}
    expected = corpus.corpus_dir(tmp_path / "corpus", 150) / "expected.json"
    expected.write_text(json.dumps(wrong), encoding="utf-8")
    code, output, record = run_suite(tmp_path, "--only", "inventory")
    assert code == 1
    assert "FAILED" in output
    assert record["failed"] == ["inventory"]


def test_unknown_part_is_a_usage_error(tmp_path: Path) -> None:
    code, output, _ = run_suite(tmp_path, "--only", "k8s,inventroy")
    assert code == 2
    assert "unknown part(s) inventroy" in output


def test_a_crashing_audit_fails_the_suite_and_shows_the_error(tmp_path: Path) -> None:
    fake = tmp_path / "fake_dsaudit.py"
    fake.write_text(
        "import sys\n"
        "if sys.argv[1:] == ['--version']:\n"
        "    print('dsaudit 0.0.0-fake')\n"
        "elif sys.argv[1:] == ['audit', '--help']:\n"
        "    print('usage')\n"
        "else:\n"
        "    sys.exit('Traceback: boom')\n",
        encoding="utf-8",
    )
    code, output, record = run_suite(
        tmp_path, "--only", "k8s", "--dsaudit", f"{sys.executable} {fake}"
    )
    assert code == 1
    assert "ERROR: exit 1: Traceback: boom" in output
    assert record["failed"] == ["k8s"]
    assert any(t["status"] == "not measured" for t in record["targets"])
