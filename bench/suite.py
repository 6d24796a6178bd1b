"""The side-by-side benchmark of issue 9, in one command.

    python bench/suite.py                          # everything, median of 3 runs (~15 min)
    python bench/suite.py --quick --runs 1         # smoke run on small sizes (~1 min)
    python bench/suite.py --only k8s,startup       # some parts only
    python bench/suite.py --checkov --checkov-sizes 1000   # add Checkov (slow: ~10 min at 10k)

Parts (every command is a whole process, start-up included, timed from outside by measure.py):

    startup    python -c pass; dsaudit --version; dsaudit audit EMPTY --fail-on never -q
    k8s        K1..K5 over 1k and 10k manifests (k8s_corpus.py): the CSafeLoader and JSON
               floors, regopy (query and compiled bundle; when --peer-python imports it),
               Checkov (only with --checkov) and dsaudit with bench/packs/k8s (peers.py)
    inventory  I1..I5 over one 100,000-record v1 inventory file, JSON and YAML
               (inventory_corpus.py): the json.loads and CSafeLoader (gc off) floors and
               dsaudit with bench/packs/inventory (inventory_bench.py)
    org        every shipped pack over a synthetic organization of 100,000 datasets and
               10,000 config files (gen_org.py, run.py)

Corpora are seeded and cached in bench/corpus/. Every tool's failing resources per check are
compared with the ground truth; the exit status is 1 when one disagrees or a run fails.
The last table checks issue 9's targets (targets.py).
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
import sys
from pathlib import Path
from typing import Any

import inventory_bench
import inventory_corpus
import peers
import run
from inventory_bench import FORMATS
from machine import describe, machine_info
from peers import Peer, agreement, time_peer
from table import markdown_table
from targets import Outcome, evaluate

HERE = Path(__file__).resolve().parent
PARTS = ("startup", "k8s", "inventory", "org")
SIZES = {"k8s": [1000, 10_000], "records": 100_000, "org": (100_000, 10_000)}
QUICK = {"k8s": [100, 1000], "records": 2000, "org": (1000, 100)}
PEER_PYTHON = Path("/tmp/peers-venv/bin/python")
CHECKOV_BIN = Path("/tmp/checkov-venv/bin/checkov")
ORG_SEED = 42


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help=f"comma-separated parts to run ({','.join(PARTS)})")
    parser.add_argument("--runs", type=int, default=3, help="runs per command (median shown)")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--jobs", type=int, help="passed to dsaudit audit --jobs")
    parser.add_argument("--dsaudit", help='command to run dsaudit (default: "dsaudit" on PATH)')
    parser.add_argument(
        "--peer-python",
        default=str(PEER_PYTHON) if PEER_PYTHON.exists() else sys.executable,
        help="interpreter with regopy installed (default: %(default)s)",
    )
    parser.add_argument("--checkov", action="store_true", help="also time Checkov (slow)")
    parser.add_argument(
        "--checkov-bin",
        default=str(CHECKOV_BIN) if CHECKOV_BIN.exists() else None,
        help="checkov executable (default: %(default)s, else on PATH)",
    )
    parser.add_argument(
        "--checkov-sizes", type=int, nargs="+", help="run Checkov only at these k8s sizes"
    )
    parser.add_argument("--checkov-timeout", type=float, default=1800)
    parser.add_argument("--k8s-sizes", type=int, nargs="+", help="manifests per k8s corpus")
    parser.add_argument("--records", type=int, help="dataset records in the inventory")
    parser.add_argument("--org-datasets", type=int, help="datasets in the organization")
    parser.add_argument("--org-configs", type=int, help="config files in the organization")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per command")
    parser.add_argument("--corpus", type=Path, default=run.CORPUS, help="where corpora are cached")
    parser.add_argument("--out-dir", type=Path, default=run.OUT, help="where reports are written")
    parser.add_argument("--json-out", type=Path, help="save every figure as JSON here")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else SIZES
    args.k8s_sizes = args.k8s_sizes or sizes["k8s"]
    args.records = args.records or sizes["records"]
    args.org_datasets = args.org_datasets or sizes["org"][0]
    args.org_configs = args.org_configs or sizes["org"][1]
    args.parts = PARTS if not args.only else tuple(p.strip() for p in args.only.split(","))
    unknown = [p for p in args.parts if p not in PARTS]
    if unknown:
        parser.error(f"--only: unknown part(s) {', '.join(unknown)} (choose from {PARTS})")
    numbers = [args.runs, args.records, args.org_datasets, args.org_configs, *args.k8s_sizes]
    if min(numbers) < 1:
        parser.error("--runs and every size must be at least 1")
    return args


def time_rows(
    plist: list[Peer], runs: int, expected: dict[str, int] | None, per: int | None, base: str
) -> tuple[list[dict[str, Any]], list[list[object]]]:
    """Time each peer: its record and table row (``× base``: wall ÷ the first peer ``base``)."""
    records, rows = [], []
    base_wall = None
    for peer in plist:
        print(f"  timing: {peer.name}", file=sys.stderr, flush=True)
        rec = time_peer(peer, runs)
        rec["agrees"] = agreement(rec.get("counts"), expected)
        records.append(rec)
        if "error" in rec:
            rows.append([rec["name"], *[""] * 9, "ERROR: " + rec["error"][:70]])
            continue
        if base_wall is None and peer.name.startswith(base):
            base_wall = rec["wall_s"]
        ratio = round(rec["wall_s"] / base_wall, 2) if base_wall else None
        per_item = round(rec["wall_s"] / per * 1e3, 3) if per else None
        rows.append(
            [
                rec["name"],
                rec["wall_s"],
                rec["wall_min_s"],
                rec["wall_max_s"],
                rec["cpu_s"],
                per_item,
                rec["peak_rss_mb"],
                rec["tree_rss_mb"],
                rec.get("tree_pss_mb"),
                ratio,
                rec["agrees"],
            ]
        )
    return records, rows


def rows_table(rows: list[list[object]], per: str | None, base: str) -> str:
    """The table of ``time_rows`` rows; without ``per``, no per-item and no agreement column."""
    header = ["command", "wall s", "min", "max", "cpu s", per, "peak RSS MB", "tree RSS MB"]
    header += ["tree PSS MB"]
    header += [f"× {base}", "agrees"]
    keep = [i for i in range(len(header)) if per is not None or i not in (5, 10)]
    return markdown_table([str(header[i]) for i in keep], [[r[i] for i in keep] for r in rows])


def k8s_role(name: str) -> str | None:
    """Which column of the targets a k8s peer's row feeds."""
    for prefix, role in (
        ("floor: floor.py CSafeLoader", "floor"),
        ("regopy bundle", "regopy bundle"),
        ("checkov", "checkov"),
        ("dsaudit", "dsaudit"),
    ):
        if name.startswith(prefix):
            return role
    return None


def part_startup(args: argparse.Namespace, cmd: list[str]) -> tuple[dict[str, Any], bool]:
    empty = args.out_dir / "empty-target"
    shutil.rmtree(empty, ignore_errors=True)
    empty.mkdir(parents=True)
    none: Any = lambda m: {}  # noqa: E731
    plist = [
        Peer("python -c pass", [sys.executable, "-c", "pass"], none),
        Peer("dsaudit --version", [*cmd, "--version"], none),
        Peer(
            "empty audit",
            [*cmd, "audit", str(empty), "--fail-on", "never", "-q"],
            none,
            ok_exit_codes=(0, 1, 2),
        ),
    ]
    records, rows = time_rows(plist, args.runs, None, None, "python")
    print("\n## start-up\n")
    print(rows_table(rows, None, "python -c pass"))
    figures = {r["name"]: r.get("wall_s") for r in records}
    return {"records": records, "figures": figures}, any("error" in r for r in records)


def part_k8s(args: argparse.Namespace) -> tuple[dict[str, Any], bool]:
    out: dict[str, Any] = {"sizes": {}, "figures": {}}
    bad = False
    for n in args.k8s_sizes:
        base, truth = peers.ensure_k8s(n, args.corpus)
        expected = truth["failing"]
        with_checkov = args.checkov and (args.checkov_sizes is None or n in args.checkov_sizes)
        ns = argparse.Namespace(
            files=n,
            pure=False,
            peer_python=args.peer_python,
            dsaudit=args.dsaudit,
            jobs=args.jobs,
            checkov=with_checkov,
            checkov_bin=args.checkov_bin,
            checkov_timeout=args.checkov_timeout,
            out_dir=args.out_dir,
        )
        plist, skipped = peers.plan(ns, base)
        records, rows = time_rows(plist, args.runs, expected, n, "floor: floor.py CSafeLoader")
        print(f"\n## K1-K5 over {n} manifests (ground truth {json.dumps(expected)})\n")
        print(rows_table(rows, "ms/file", "floor"))
        for note in skipped:
            print(f"skipped: {note}")
        walls = {k8s_role(r["name"]): r.get("wall_s") for r in records}
        walls.pop(None, None)
        out["figures"][n] = walls
        out["sizes"][n] = {"expected": expected, "peers": records, "skipped": skipped}
        bad |= any("error" in r or r["agrees"].startswith("NO") for r in records)
    if len(args.k8s_sizes) > 1:
        print(f"\n## K1-K5 side by side\n\n{side_by_side(out['sizes'])}")
    return out, bad


def _tool(name: str) -> str:
    """A peer's name without its size (``regopy bundle N=1000`` -> ``regopy bundle``)."""
    return re.sub(r" N=\d+", "", name)


def _peak(rec: dict[str, Any]) -> float:
    """Peak memory: the larger of the process's peak RSS and its whole tree's proportional
    set size (forked workers share pages, which a sum of RSS would count once per worker)."""
    return max(rec["peak_rss_mb"], rec.get("tree_pss_mb") or 0)


def side_by_side(sizes: dict[int, dict[str, Any]]) -> str:
    """One row per tool: wall time and peak RSS at each size, and its time ÷ dsaudit's."""
    ns = sorted(sizes)
    by_tool: dict[str, dict[int, dict[str, Any]]] = {}
    dsaudit: dict[int, float] = {}
    for n in ns:
        for rec in sizes[n]["peers"]:
            if "error" in rec:
                continue
            by_tool.setdefault(_tool(rec["name"]), {})[n] = rec
            if k8s_role(rec["name"]) == "dsaudit":
                dsaudit[n] = rec["wall_s"]
    rows = []
    for tool, recs in by_tool.items():
        row: list[object] = [tool]
        row += [recs[n]["wall_s"] if n in recs else None for n in ns]
        row += [_peak(recs[n]) if n in recs else None for n in ns]
        row += [
            round(recs[n]["wall_s"] / dsaudit[n], 2) if n in recs and dsaudit.get(n) else None
            for n in ns
        ]
        rows.append(row)
    header = ["tool", *(f"s N={n}" for n in ns), *(f"peak MB N={n}" for n in ns)]
    header += [f"÷ dsaudit N={n}" for n in ns]
    return markdown_table(header, rows)


def part_inventory(args: argparse.Namespace, cmd: list[str]) -> tuple[dict[str, Any], bool]:
    base, truth = inventory_corpus.ensure_corpus(args.corpus, args.records)
    expected = truth["failing"]
    sizes = {f: (base / name).stat().st_size / 1e6 for f, (name, _) in FORMATS.items()}
    out: dict[str, Any] = {"records": args.records, "expected": expected, "formats": {}}
    figures: dict[str, Any] = {"records": args.records}
    bad = False
    for fmt in FORMATS:
        plist = inventory_bench.inventory_peers(
            base, fmt, cmd, args.out_dir, args.jobs, args.timeout
        )
        records, rows = time_rows(plist, args.runs, expected, args.records, "floor")
        print(
            f"\n## inventory: {args.records} dataset records, one {fmt.upper()} file "
            f"({sizes[fmt]:.1f} MB; ground truth {json.dumps(expected)})\n"
        )
        print(rows_table(rows, "ms/record", "floor"))
        floor, audit = records
        figures[fmt] = {"floor": floor.get("wall_s"), "dsaudit": audit.get("wall_s")}
        out["formats"][fmt] = {"megabytes": round(sizes[fmt], 2), "peers": records}
        bad |= any("error" in r or r["agrees"].startswith("NO") for r in records)
    out["figures"] = figures
    return out, bad


def part_org(args: argparse.Namespace, cmd: list[str]) -> tuple[dict[str, Any], bool]:
    target, manifest, gen_s = run.ensure_org(
        args.corpus, args.org_datasets, args.org_configs, ORG_SEED, "yaml"
    )
    label = f"{args.org_datasets} datasets + {args.org_configs} configs"
    print(f"\n## full shipped packs over {label}\n")
    print(run.describe_corpus(manifest, gen_s))
    report = args.out_dir / f"report-{target.name}.json"
    argv = run.audit_argv(
        cmd, target, report, manifest, argparse.Namespace(jobs=args.jobs, pack=[])
    )
    measured = []
    for _ in range(args.runs):
        print(f"  timing: {shlex.join(argv)}", file=sys.stderr, flush=True)
        report.unlink(missing_ok=True)
        m = run.run_measured(argv, timeout=args.timeout)
        if m.returncode not in run.OK_EXIT_CODES or not report.is_file():
            tail = " | ".join(m.stderr.strip().splitlines()[-3:])
            print(f"ERROR: exit {m.returncode}: {tail}")
            return {"error": f"exit {m.returncode}: {tail}", "argv": argv}, True
        measured.append(m)
    fig = run.figures(measured, manifest, report)
    run.print_figures(fig)
    peak = _peak(fig)
    figures = {"wall_s": fig["wall_s"], "peak_mb": peak, "label": label}
    return {"argv": argv, "figures": figures, "run": fig}, False


def print_targets(outcomes: list[Outcome]) -> None:
    print("\n## issue 9 targets\n")
    header = ["target", "measured", "value", "goal", "status"]
    print(markdown_table(header, [o.row() for o in outcomes]))
    met = sum(o.status == "met" for o in outcomes)
    missed = sum(o.status == "missed" for o in outcomes)
    print(f"\n{met} met, {missed} missed, {len(outcomes) - met - missed} not measured")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    info = machine_info()
    print(f"machine: {describe(info)}; cpus usable: {info['cpus_usable']}")
    cmd = run.dsaudit_command(args.dsaudit)
    version, why_not = run.probe(cmd)
    if why_not is not None:
        print(f"dsaudit is not usable ({why_not}); nothing was timed", file=sys.stderr)
        return 1
    jobs = f"; --jobs {args.jobs}" if args.jobs else ""
    print(f"{version}; runs per command: {args.runs} (median){jobs}")
    parts: dict[str, Any] = {}
    figures: dict[str, Any] = {}
    failed = []
    for part in args.parts:
        if part == "startup":
            parts[part], bad = part_startup(args, cmd)
        elif part == "k8s":
            parts[part], bad = part_k8s(args)
        elif part == "inventory":
            parts[part], bad = part_inventory(args, cmd)
        else:
            parts[part], bad = part_org(args, cmd)
        if "figures" in parts[part]:
            figures[part] = parts[part]["figures"]
        if bad:
            failed.append(part)
    outcomes = evaluate(figures)
    print_targets(outcomes)
    if failed:
        print(f"\nFAILED: a tool disagrees with the ground truth or a run failed in: {failed}")
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "benchmark": "suite",
            "machine": info,
            "dsaudit": version,
            "runs": args.runs,
            "jobs": args.jobs,
            "parts": parts,
            "targets": [
                {"target": o.target, "measured": o.measured, "value": o.value}
                | {"goal": o.goal, "status": o.status}
                for o in outcomes
            ],
            "failed": failed,
        }
        args.json_out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        print(f"figures saved to {args.json_out}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
