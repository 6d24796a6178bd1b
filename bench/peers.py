"""Side by side (issue 9): the same five checks K1..K5 in the floor, Rego, Checkov and dsaudit.

    python bench/peers.py                    # 10,000 manifests, median of 3 runs
    python bench/peers.py --quick --runs 1   # 1,000 manifests
    python bench/peers.py --peer-python /tmp/peers-venv/bin/python --checkov

Every command is a whole process (start-up included), timed from outside. The corpus comes
from k8s_corpus.py (cached in bench/corpus/k8s-N/); each peer's counts of failing resources are
compared with the ground truth. Peers that are not installed are listed as skipped:
regopy runs when ``--peer-python`` can import it, Checkov only with ``--checkov`` (it takes
minutes at 10k files), dsaudit when ``dsaudit audit`` works and bench/packs/k8s/ exists.
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import k8s_corpus
from machine import describe, machine_info
from measure import Measurement, run_measured
from report import k_counts, read_report
from run import dsaudit_command, probe
from table import markdown_table

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
OUT = HERE / "out"
PACK = HERE / "packs" / "k8s"
CHECKOV_IDS = ",".join(f"CKV_BENCH_{k}" for k in k8s_corpus.CHECK_IDS)


@dataclass(slots=True)
class Peer:
    """One command to time, and how to read its counts of failing resources."""

    name: str
    argv: list[str]
    counts: Callable[[Measurement], dict[str, int]]
    timeout: float = 1800
    ok_exit_codes: tuple[int, ...] = (0,)
    output: Path | None = None
    """A report the command writes: deleted before each run, and a run that leaves none failed."""


def stdout_counts(m: Measurement) -> dict[str, int]:
    return json.loads(m.stdout.strip().splitlines()[-1])


def checkov_counts(m: Measurement) -> dict[str, int]:
    doc: Any = json.loads(m.stdout)
    runs = doc if isinstance(doc, list) else [doc]
    found = collections.Counter(
        check["check_id"].removeprefix("CKV_BENCH_")
        for run in runs
        for check in run.get("results", {}).get("failed_checks", [])
    )
    return {k: found.get(k, 0) for k in k8s_corpus.CHECK_IDS}


def ensure_k8s(files: int, root: Path = CORPUS) -> tuple[Path, dict[str, Any]]:
    """The ``root/k8s-N`` corpus folder and its ground truth (generated when missing or stale)."""
    base = root / f"k8s-{files}"
    truth_path = base / "expected.json"
    if truth_path.is_file():
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if truth.get("seed") == k8s_corpus.SEED and truth.get("files") == files:
            return base, truth
    shutil.rmtree(base, ignore_errors=True)
    return base, k8s_corpus.write_corpus(root, files, str(PACK))


def agreement(counts: Any, expected: dict[str, int] | None) -> str:
    """``yes``, ``NO: {...}`` or empty (nothing to compare)."""
    if not counts or expected is None:
        return ""
    return "yes" if counts == expected else f"NO: {counts}"


def can_import(python: str, module: str) -> bool:
    return run_measured([python, "-c", f"import {module}"], timeout=120).returncode == 0


def plan(args: argparse.Namespace, base: Path) -> tuple[list[Peer], list[str]]:
    """The peers to time, and notes on those skipped."""
    py, peer_py = sys.executable, args.peer_python
    manifests, as_json = str(base / "manifests"), str(base / "json")
    floor, rego = str(HERE / "floor.py"), str(HERE / "rego_peer.py")
    n = args.files
    peers = [
        Peer(f"floor: floor.py CSafeLoader N={n}", [py, floor, manifests], stdout_counts),
        Peer(
            f"floor: floor.py json N={n}", [py, floor, as_json, "--loader", "json"], stdout_counts
        ),
    ]
    if args.pure:
        argv = [py, floor, manifests, "--loader", "pure"]
        peers.append(Peer(f"floor: floor.py pure-Python YAML N={n}", argv, stdout_counts))
    skipped = []
    if can_import(peer_py, "regopy"):
        for mode in ("query", "bundle"):
            argv = [peer_py, rego, manifests, "--mode", mode]
            peers.append(Peer(f"regopy {mode} N={n}", argv, stdout_counts))
    else:
        skipped.append(f"regopy: {peer_py} cannot import regopy (pip install regopy)")
    cmd = dsaudit_command(args.dsaudit)
    version, why_not = probe(cmd)
    if why_not is not None:
        skipped.append(f"dsaudit: `dsaudit audit` is not usable yet ({why_not})")
    elif not (PACK / "pack.yaml").is_file():
        skipped.append(f"dsaudit: no K1..K5 rule pack at {PACK} yet")
    else:
        report = args.out_dir / f"report-k8s-{n}.json"
        argv = [*cmd, "audit", str(base), "--pack", str(PACK), "--format", "json"]
        argv += ["--output", str(report), "-q"]
        if args.jobs is not None:
            argv += ["--jobs", str(args.jobs)]

        def dsaudit_counts(m: Measurement, report: Path = report) -> dict[str, int]:
            return k_counts(read_report(report).failing_by_rule)

        name = version if version.startswith("dsaudit") else f"dsaudit {version}"
        label = f"{name} audit N={n}" + (f" --jobs {args.jobs}" if args.jobs else "")
        peers.append(Peer(label, argv, dsaudit_counts, ok_exit_codes=(0, 1, 2), output=report))
    if args.checkov:
        checkov = args.checkov_bin or shutil.which("checkov")
        if checkov is None:
            skipped.append("checkov: not found (pip install checkov, or --checkov-bin PATH)")
        else:
            argv = [checkov, "-d", manifests, "--framework", "kubernetes"]
            argv += ["--external-checks-dir", str(HERE / "checkov_checks"), "--check", CHECKOV_IDS]
            argv += ["--skip-download", "-o", "json"]
            peers.append(
                Peer(
                    f"checkov custom checks N={n}",
                    argv,
                    checkov_counts,
                    timeout=args.checkov_timeout,
                    ok_exit_codes=(0, 1),
                )
            )
    return peers, skipped


def startup_peers(args: argparse.Namespace) -> list[Peer]:
    """Start-up costs: what every row above pays before reading a file."""
    none: Callable[[Measurement], dict[str, int]] = lambda m: {}  # noqa: E731
    out = [Peer("python -c 'import yaml'", [sys.executable, "-c", "import yaml"], none)]
    out.append(Peer("dsaudit --version", [*dsaudit_command(args.dsaudit), "--version"], none))
    return out


def time_peer(peer: Peer, runs: int) -> dict[str, Any]:
    """Run ``peer`` ``runs`` times; the median run's figures and whether its counts agree."""
    measured = []
    for _ in range(runs):
        if peer.output is not None:
            peer.output.unlink(missing_ok=True)  # never count a stale report
        m = run_measured(peer.argv, timeout=peer.timeout)
        missing = peer.output is not None and not peer.output.is_file()
        if m.returncode not in peer.ok_exit_codes or missing:
            tail = " | ".join(m.stderr.strip().splitlines()[-3:])
            return {"name": peer.name, "error": f"exit {m.returncode}: {tail}"}
        measured.append(m)
    walls = [m.wall_s for m in measured]
    median = sorted(measured, key=lambda m: m.wall_s)[len(measured) // 2]
    try:
        counts: dict[str, int] | str = peer.counts(median)
    except (ValueError, KeyError, IndexError, OSError) as exc:
        counts = f"unreadable output ({type(exc).__name__}: {exc})"
    return {
        "name": peer.name,
        "argv": peer.argv,
        "wall_s": round(statistics.median(walls), 3),
        "wall_min_s": round(min(walls), 3),
        "wall_max_s": round(max(walls), 3),
        "cpu_s": round(median.user_s + median.sys_s, 3),
        "peak_rss_mb": round(max(m.peak_rss_mb for m in measured), 1),
        "tree_rss_mb": round(max(m.tree_rss_mb or 0 for m in measured), 1) or None,
        "tree_pss_mb": round(max(m.tree_pss_mb or 0 for m in measured), 1) or None,
        "counts": counts,
        "runs": len(measured),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000, help="manifests in the corpus")
    parser.add_argument("--quick", action="store_true", help="1,000 manifests")
    parser.add_argument("--runs", type=int, default=3, help="runs per command (median shown)")
    parser.add_argument("--jobs", type=int, help="passed to dsaudit audit --jobs")
    parser.add_argument("--dsaudit", help='command to run dsaudit (default: "dsaudit" on PATH)')
    parser.add_argument(
        "--peer-python", default=sys.executable, help="interpreter with regopy installed"
    )
    parser.add_argument("--pure", action="store_true", help="also time pure-Python YAML")
    parser.add_argument("--checkov", action="store_true", help="also time Checkov (slow)")
    parser.add_argument("--checkov-bin", help="checkov executable (default: on PATH)")
    parser.add_argument("--checkov-timeout", type=float, default=900)
    parser.add_argument("--json-out", type=Path, help="save the figures as JSON here")
    parser.add_argument("--out-dir", type=Path, default=OUT, help="where reports are written")
    args = parser.parse_args(argv)
    if args.quick:
        args.files = 1000
    if args.runs < 1 or args.files < 1:
        parser.error("--runs and --files must be at least 1")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    base, truth = ensure_k8s(args.files)
    expected = truth["failing"]
    info = machine_info()
    print(f"machine: {describe(info)}")
    print(f"corpus: {base} ({args.files} manifests); ground truth: {json.dumps(expected)}")
    peers, skipped = plan(args, base)
    rows, records = [], []
    for peer in [*startup_peers(args), *peers]:
        rec = time_peer(peer, args.runs)
        records.append(rec)
        if "error" in rec:
            rows.append([rec["name"], "", "", "", "", "", "", rec["error"][:60]])
            continue
        per_file = rec["wall_s"] / args.files * 1e3 if "N=" in rec["name"] else None
        agree = agreement(rec["counts"], expected)
        rows.append(
            [
                rec["name"],
                rec["wall_s"],
                rec["wall_min_s"],
                rec["wall_max_s"],
                rec["cpu_s"],
                None if per_file is None else round(per_file, 3),
                rec["peak_rss_mb"],
                agree,
            ]
        )
    header = ["command", "wall s", "min", "max", "cpu s", "ms/file", "peak RSS MB", "agrees"]
    print(markdown_table(header, rows))
    for note in skipped:
        print(f"skipped: {note}")
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "benchmark": "peers",
            "machine": info,
            "files": args.files,
            "expected": expected,
            "peers": records,
            "skipped": skipped,
        }
        args.json_out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        print(f"figures saved to {args.json_out}")
    disagree = [r for r in records if r.get("counts") and r["counts"] != expected]
    return 1 if disagree or any("error" in r for r in records[2:]) else 0


if __name__ == "__main__":
    raise SystemExit(main())
