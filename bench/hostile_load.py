"""Load benchmark: 100,000 config files of which 1% are hostile, audited in one run.

    python bench/hostile_load.py                    # 100,000 files, the shipped packs
    python bench/hostile_load.py --files 10000      # a smaller run
    python bench/hostile_load.py --pack tls --jobs 4 --keep

Writes the tree under a temporary folder (or ``--dir``), runs
``dsaudit audit TREE --format json --output REPORT --as-of DATE -q`` in a subprocess and checks
that the run completed, that every hostile file is reported as exactly one error result
(``DSAUDIT-PARSE``/``DSAUDIT-LIMIT``/``DSAUDIT-INPUT``), that no other file is, and that every
other file was audited (it is in the report's inputs and became a resource). Prints wall time,
files/s, peak RSS and the counts. Exit status: 0 all checks hold, 1 a check failed, 2 the run
did not complete (crash, hang past ``--timeout``, or no report).

A benchmark, not a unit test: the hostile kinds come from ``tests/hostile/`` (the same shapes
the corpus tests pin one by one), cycled to fill 1% of the tree.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-06-01"
PER_FOLDER = 1000

# --- the ordinary files ------------------------------------------------------------------


def _normal(i: int) -> tuple[str, bytes]:
    """One ordinary config file (5 formats in turn, some failing the shipped rules)."""
    kind = i % 5
    tls = ("1.0", "1.2", "1.3")[i % 3]
    if kind == 0:
        return "yaml", (
            f"service: svc-{i}\nlisten: {8000 + i % 1000}\ntls_min_version: '{tls}'\n"
            f"log:\n  retention_days: {30 + i % 400}\n  path: /var/log/svc-{i}.log\n"
        ).encode()
    if kind == 1:
        return "json", json.dumps(
            {"service": f"svc-{i}", "tls": {"min_version": tls}, "debug": i % 7 == 0}
        ).encode()
    if kind == 2:
        return "toml", f'service = "svc-{i}"\n[tls]\nmin_version = "{tls}"\n'.encode()
    if kind == 3:
        return "ini", f"[server]\nname = svc-{i}\nport = {9000 + i % 1000}\n".encode()
    return "env", f"SERVICE=svc-{i}\nLOG_LEVEL=info\nTLS_MIN_VERSION={tls}\n".encode()


# --- the hostile files (one writer per kind) ---------------------------------------------


def _write(content: bytes, suffix: str) -> Callable[[Path], str]:
    def write(path: Path) -> str:
        path = path.with_suffix(suffix)
        path.write_bytes(content)
        return path.name

    return write


def _sparse_gb(path: Path) -> str:
    path = path.with_suffix(".yaml")
    with path.open("wb") as handle:
        handle.write(b"a: 1\n")
        handle.truncate(1024**3)
    return path.name


def _link_out(outside: Path) -> Callable[[Path], str]:
    def write(path: Path) -> str:
        path = path.with_suffix(".yaml")
        os.symlink(outside, path)
        return path.name

    return write


def _fifo(path: Path) -> str:
    path = path.with_suffix(".yaml")
    os.mkfifo(path)
    return path.name


def _laughs() -> bytes:
    lines = [b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n']
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{cur}: &{cur} [{','.join(['*' + prev] * 9)}]\n".encode())
    return b"".join(lines)


def hostile_writers(outside: Path) -> dict[str, tuple[str, Callable[[Path], str]]]:
    """kind -> (expected rule id, writer(path without suffix) -> file name)."""
    return {
        "malformed-yaml": ("DSAUDIT-PARSE", _write(b"a: [1, 2\nb: 3\n", ".yaml")),
        "malformed-json": ("DSAUDIT-PARSE", _write(b'{"a": 1,}', ".json")),
        "malformed-toml": ("DSAUDIT-PARSE", _write(b"a = \n", ".toml")),
        "malformed-ini": ("DSAUDIT-PARSE", _write(b"[s]\n[s]\n", ".ini")),
        "malformed-env": ("DSAUDIT-PARSE", _write(b"A=1\nnot an assignment\n", ".env")),
        "duplicate-key": ("DSAUDIT-PARSE", _write(b"a: 1\nb: 2\na: 3\n", ".yaml")),
        "python-tag": ("DSAUDIT-PARSE", _write(b"x: !!python/object/apply:os.system [id]\n",
                                               ".yaml")),
        "binary": ("DSAUDIT-PARSE", _write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ".yaml")),
        "utf16-no-bom": ("DSAUDIT-PARSE", _write("a: 1\n".encode("utf-16-le"), ".yaml")),
        "invalid-utf8": ("DSAUDIT-PARSE", _write(b"a: caf\xe9\n", ".yaml")),
        "long-number": ("DSAUDIT-PARSE", _write(b"a: " + b"9" * 5000 + b"\n", ".yaml")),
        "billion-laughs": ("DSAUDIT-LIMIT", _write(_laughs(), ".yaml")),
        "recursive-alias": ("DSAUDIT-LIMIT", _write(b"a: &l\n  - *l\n", ".yaml")),
        "deep-flow-10k": ("DSAUDIT-LIMIT", _write(b"a: " + b"[" * 10_000 + b"]" * 10_000,
                                                  ".yaml")),
        "deep-block-10k": ("DSAUDIT-LIMIT", _write(b"- " * 10_000 + b"x\n", ".yaml")),
        "deep-json-100k": ("DSAUDIT-LIMIT", _write(b"[" * 100_000 + b"]" * 100_000, ".json")),
        "claims-1gb": ("DSAUDIT-LIMIT", _sparse_gb),
        "link-out": ("DSAUDIT-INPUT", _link_out(outside)),
        "fifo": ("DSAUDIT-INPUT", _fifo),
    }  # fmt: skip


def build_tree(target: Path, files: int, hostile_share: float) -> dict[str, str]:
    """Write ``files`` files under ``target``; return {relative path: expected rule id} for
    the hostile ones."""
    outside = target.parent / f"{target.name}-outside.yaml"
    outside.write_text("secret: outside the target\n", "utf-8")
    writers = list(hostile_writers(outside).items())
    every = max(1, round(1 / hostile_share))
    hostile: dict[str, str] = {}
    for i in range(files):
        folder = target / f"team{i // PER_FOLDER:03d}"
        if i % PER_FOLDER == 0:
            folder.mkdir(parents=True, exist_ok=True)
        if i % every == every - 1:
            kind, (rule_id, write) = writers[(i // every) % len(writers)]
            name = write(folder / f"h{i:06d}-{kind}")
            hostile[f"{folder.name}/{name}"] = rule_id
        else:
            suffix, content = _normal(i)
            (folder / f"c{i:06d}.{suffix}").write_bytes(content)
    return hostile


def run_audit(target: Path, report: Path, args: argparse.Namespace) -> tuple[int, float, int]:
    command = [sys.executable, "-m", "dsaudit", "audit", str(target), "--format", "json",
               "--output", str(report), "--as-of", AS_OF, "-q"]  # fmt: skip
    for pack in args.pack:
        command += ["--pack", pack]
    if args.jobs:
        command += ["--jobs", str(args.jobs)]
    env = dict(os.environ, DSAUDIT_DISABLE_PLUGIN_AUTOLOAD="1")
    print("$", " ".join(command), flush=True)
    started = time.perf_counter()
    proc = subprocess.run(command, env=env, timeout=args.timeout, check=False,
                          capture_output=True, text=True)  # fmt: skip
    wall = time.perf_counter() - started
    rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.stderr.strip():
        print(proc.stderr.strip()[-2000:], file=sys.stderr)
    return proc.returncode, wall, rss_kb


def check(report: dict[str, Any], hostile: dict[str, str], normal: int) -> list[str]:
    """Problems with the report (empty when every promise holds)."""
    problems: list[str] = []
    errors: dict[str, list[str]] = {}
    for error in report["errors"]:
        errors.setdefault(error["location"]["file"] or "", []).append(error["rule_id"])
    for rel, rule_id in sorted(hostile.items()):
        got = errors.get(rel)
        if got != [rule_id]:
            problems.append(f"{rel}: expected one {rule_id}, got {got}")
    extra = sorted(set(errors) - set(hostile))
    if extra:
        problems.append(f"{len(extra)} error results for ordinary files, e.g. {extra[:3]}")
    inputs = {i["path"] for i in report["metadata"]["inputs"]}
    audited = sum(1 for p in inputs if p.split("/")[-1].startswith("c"))
    if audited != normal:
        problems.append(f"{normal - audited} ordinary files missing from the report's inputs")
    resources = report["metadata"].get("counts", {}).get("resources")
    if resources is not None and resources < normal:
        problems.append(f"only {resources} resources for {normal} ordinary files")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--hostile-share", type=float, default=0.01)
    parser.add_argument("--pack", action="append", default=[], help="rule pack (default: all)")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--dir", type=Path, default=None, help="build the tree here")
    parser.add_argument("--keep", action="store_true", help="keep the tree and the report")
    args = parser.parse_args(argv)

    base = args.dir or Path(tempfile.mkdtemp(prefix="dsaudit-hostile-"))
    target = base / "tree"
    if target.exists():
        shutil.rmtree(target)
    started = time.perf_counter()
    hostile = build_tree(target, args.files, args.hostile_share)
    normal = args.files - len(hostile)
    print(f"tree: {args.files:,} files ({len(hostile):,} hostile, {normal:,} ordinary) "
          f"under {target}, written in {time.perf_counter() - started:.1f} s")  # fmt: skip
    report_path = base / "report.json"
    try:
        code, wall, rss_kb = run_audit(target, report_path, args)
    except subprocess.TimeoutExpired:
        print(f"FAIL: the audit did not finish within {args.timeout:.0f} s")
        return 2
    if code not in (0, 1, 2) or not report_path.is_file():
        print(f"FAIL: dsaudit exited {code} without a complete report")
        return 2
    report = json.loads(report_path.read_text("utf-8"))
    by_rule = Counter(e["rule_id"] for e in report["errors"])
    by_status = Counter(r["status"] for r in report["results"])
    print(f"exit code:        {code}")
    print(f"wall time:        {wall:.1f} s ({args.files / wall:,.0f} files/s)")
    print(f"peak RSS:         {rss_kb / 1024:,.0f} MiB")
    print(f"resources:        {report['metadata'].get('counts', {}).get('resources')}")
    print(f"results:          {dict(sorted(by_status.items()))}")
    print(f"error results:    {dict(sorted(by_rule.items()))}")
    problems = check(report, hostile, normal)
    for problem in problems[:20]:
        print("FAIL:", problem)
    if not args.keep and args.dir is None:
        shutil.rmtree(base, ignore_errors=True)
    if problems:
        return 1
    print(f"OK: all {len(hostile):,} hostile files reported, all {normal:,} others audited")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
