"""Benchmark dsaudit on a synthetic organization, in one command.

    python bench/run.py                      # 100,000 datasets + 10,000 config files
    python bench/run.py --quick              # 1,000 datasets + 100 config files (smoke run)
    python bench/run.py --jobs 2 --runs 3 --json-out bench/out/full.json

Generates the organization with gen_org.py (cached in bench/corpus/ by its parameters), then
runs ``dsaudit audit ORG --format json --output FILE --as-of DATE [--jobs N] [--pack P]... -q``
in a subprocess and prints wall time, files/s, resources/s, peak RSS and the number of results.
Exit status: 0 measured, 1 the audit crashed (exit 3 or a signal), 2 dsaudit is not usable yet.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import gen_org
from machine import describe, machine_info
from measure import Measurement, run_measured
from report import read_report
from table import markdown_table

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
OUT = HERE / "out"
QUICK = {"datasets": 1000, "configs": 100}
OK_EXIT_CODES = (0, 1, 2)
"""0 clean, 1 findings over the threshold, 2 incomplete (error results, still a full report)."""


def dsaudit_command(spec: str | None) -> list[str]:
    """The command that runs dsaudit: ``--dsaudit`` if given, else ``dsaudit`` on PATH."""
    if spec:
        return shlex.split(spec)
    exe = shutil.which("dsaudit")
    return [exe] if exe else [sys.executable, "-m", "dsaudit"]


def probe(cmd: list[str]) -> tuple[str | None, str | None]:
    """``(version, None)`` when ``dsaudit audit`` is usable, else ``(None, why)``."""
    try:
        check = run_measured([*cmd, "audit", "--help"], timeout=120)
    except OSError as exc:
        return None, f"cannot run {shlex.join(cmd)}: {exc}"
    if check.returncode != 0:
        lines = (check.stderr or check.stdout).strip().splitlines()
        return None, lines[-1] if lines else f"exit status {check.returncode}"
    version = run_measured([*cmd, "--version"], timeout=120)
    return (version.stdout.strip() or "unknown"), None


def org_dir(root: Path, datasets: int, configs: int, seed: int, inventory_format: str) -> Path:
    return root / f"org-d{datasets}-c{configs}-s{seed}-{inventory_format}"


def ensure_org(
    root: Path,
    datasets: int,
    configs: int,
    seed: int,
    inventory_format: str,
    regenerate: bool = False,
) -> tuple[Path, dict[str, Any], float | None]:
    """Generate the organization unless a complete one with these parameters is cached.

    Returns the folder, its manifest and the generation time (None when it came from the cache).
    """
    target = org_dir(root, datasets, configs, seed, inventory_format)
    manifest_path = target / gen_org.MANIFEST
    if manifest_path.is_file() and not regenerate:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("generator_version") == gen_org.GENERATOR_VERSION:
            return target, manifest, None
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    start = time.perf_counter()
    manifest = gen_org.generate(partial, datasets, configs, seed, inventory_format)
    seconds = time.perf_counter() - start
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)  # the manifest is written last: a cut-off run leaves only .partial
    return target, manifest, seconds


def audit_argv(
    cmd: list[str], target: Path, output: Path, manifest: dict[str, Any], args: argparse.Namespace
) -> list[str]:
    argv = [*cmd, "audit", str(target), "--format", "json", "--output", str(output)]
    argv += manifest.get("dsaudit_args", [])
    if args.jobs is not None:
        argv += ["--jobs", str(args.jobs)]
    for pack in args.pack:
        argv += ["--pack", pack]
    return [*argv, "-q"]


def figures(runs: list[Measurement], manifest: dict[str, Any], report: Path) -> dict[str, Any]:
    """The numbers the table shows (and --json-out saves), from the median run."""
    walls = [m.wall_s for m in runs]
    median = sorted(runs, key=lambda m: m.wall_s)[len(runs) // 2]
    files = manifest["files"]["total"] - 2  # not dsaudit.yaml nor bench-org.json
    resources = manifest["resources"]["total"]
    counts = read_report(report)
    return {
        "wall_s": round(statistics.median(walls), 3),
        "wall_min_s": round(min(walls), 3),
        "wall_max_s": round(max(walls), 3),
        "cpu_s": round(median.user_s + median.sys_s, 3),
        "files": files,
        "files_per_s": round(files / median.wall_s, 1),
        "resources": resources,
        "resources_per_s": round(resources / median.wall_s, 1),
        "peak_rss_mb": round(max(m.peak_rss_mb for m in runs), 1),
        "tree_rss_mb": round(max(m.tree_rss_mb or 0 for m in runs), 1) or None,
        "tree_pss_mb": round(max(m.tree_pss_mb or 0 for m in runs), 1) or None,
        "results": counts.results,
        "error_results": counts.errors,
        "by_status": counts.by_status,
        "exit_codes": sorted({m.returncode for m in runs}),
        "runs": len(runs),
    }


def describe_corpus(manifest: dict[str, Any], gen_seconds: float | None) -> str:
    p = manifest["parameters"]
    size = f"{p['datasets']} datasets + {p['configs']} configs ({p['inventory_format']})"
    mb = sum(manifest["bytes"].values()) / 1e6
    gen = "cached" if gen_seconds is None else f"{gen_seconds:.1f} s"
    return f"corpus: {size}, {manifest['files']['total']} files, {mb:.1f} MB; generation: {gen}"


def print_figures(fig: dict[str, Any]) -> None:
    header = ["wall s", "cpu s", "files/s", "resources/s", "peak RSS MB", "tree RSS MB"]
    header += ["tree PSS MB", "results"]
    row = [fig["wall_s"], fig["cpu_s"], fig["files_per_s"], fig["resources_per_s"]]
    row += [fig["peak_rss_mb"], fig["tree_rss_mb"], fig.get("tree_pss_mb"), fig["results"]]
    print(markdown_table(header, [row]))
    print(f"statuses: {fig['by_status']}; exit codes: {fig['exit_codes']}; runs: {fig['runs']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--configs", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="1,000 datasets and 100 configs")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--inventory-format", choices=("yaml", "json"), default="yaml")
    parser.add_argument("--jobs", type=int, help="passed to dsaudit audit --jobs")
    parser.add_argument("--pack", action="append", default=[], help="passed as dsaudit --pack")
    parser.add_argument("--runs", type=int, default=1, help="audit runs (the median is shown)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per audit run")
    parser.add_argument("--dsaudit", help='command to run dsaudit (default: "dsaudit" on PATH)')
    parser.add_argument("--regenerate", action="store_true", help="ignore the cached corpus")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="where corpora are cached")
    parser.add_argument("--out-dir", type=Path, default=OUT, help="where reports are written")
    parser.add_argument("--json-out", type=Path, help="save the figures as JSON here")
    args = parser.parse_args(argv)
    if args.quick:
        args.datasets, args.configs = QUICK["datasets"], QUICK["configs"]
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    target, manifest, gen_seconds = ensure_org(
        args.corpus, args.datasets, args.configs, args.seed, args.inventory_format, args.regenerate
    )
    info = machine_info()
    print(f"machine: {describe(info)}")
    print(describe_corpus(manifest, gen_seconds), flush=True)
    record: dict[str, Any] = {
        "benchmark": "org",
        "machine": info,
        "corpus": {"path": str(target), **manifest},
        "generation_s": None if gen_seconds is None else round(gen_seconds, 3),
    }
    cmd = dsaudit_command(args.dsaudit)
    version, why_not = probe(cmd)
    if why_not is not None:
        print(
            f"dsaudit audit is not available yet, nothing was timed: "
            f"`{shlex.join([*cmd, 'audit', '--help'])}` failed: {why_not}",
            file=sys.stderr,
        )
        _save(args.json_out, {**record, "status": "dsaudit-unavailable", "reason": why_not})
        return 2
    args.out_dir.mkdir(parents=True, exist_ok=True)
    report = args.out_dir / f"report-{target.name}.json"
    runs = []
    argv = audit_argv(cmd, target, report, manifest, args)
    for run in range(args.runs):
        print(f"run {run + 1}/{args.runs}: {shlex.join(argv)}", flush=True)
        report.unlink(missing_ok=True)
        m = run_measured(argv, timeout=args.timeout)
        runs.append(m)
        if m.returncode not in OK_EXIT_CODES or not report.is_file():
            tail = "\n".join(m.stderr.strip().splitlines()[-15:])
            if _looks_unfinished(m.stderr):
                print(f"dsaudit audit is not implemented yet, nothing was timed:\n{tail}")
                _save(args.json_out, {**record, "status": "dsaudit-unavailable", "reason": tail})
                return 2
            print(
                f"dsaudit audit failed (exit {m.returncode}, {m.wall_s:.1f} s):\n"
                f"  {shlex.join(m.argv)}\n{tail}",
                file=sys.stderr,
            )
            failed = {"argv": m.argv, "exit": m.returncode, "stderr_tail": tail}
            _save(args.json_out, {**record, "status": "audit-failed", "run": failed})
            return 1
    fig = figures(runs, manifest, report)
    print_figures(fig)
    if 2 in fig["exit_codes"]:
        print(f"note: exit 2: the audit has {fig['error_results']} error results ({report})")
    _save(args.json_out, {**record, "status": "ok", "dsaudit": version, "figures": fig})
    return 0


def _looks_unfinished(stderr: str) -> bool:
    """An import error or NotImplementedError: a part of dsaudit that is not written yet."""
    return any(
        word in stderr for word in ("ModuleNotFoundError", "ImportError", "NotImplementedError")
    )


def _save(path: Path | None, record: dict[str, Any]) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"figures saved to {path}")


if __name__ == "__main__":
    raise SystemExit(main())
