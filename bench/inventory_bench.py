"""The inventory part of the suite: dsaudit and the floors on the same 100k-record file.

For each format (one ``inventory.json``, one ``inventory.yaml``; see inventory_corpus.py) two
whole processes are timed on the same file:

    floor     python bench/inventory_floor.py FILE --loader json|c   (json.loads, or CSafeLoader
              with gc held off during the load; then the five predicates in plain Python)
    dsaudit   dsaudit audit DIR --pack bench/packs/inventory --inventory FILE
              --format json --output REPORT --fail-on never -q

and their failing datasets per check I1..I5 are compared with the ground truth.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from measure import Measurement
from peers import Peer, stdout_counts
from report import read_report

HERE = Path(__file__).resolve().parent
PACK = HERE / "packs" / "inventory"
FLOOR = HERE / "inventory_floor.py"
FORMATS = {"json": ("inventory.json", "json"), "yaml": ("inventory.yaml", "c")}
"""format -> (file in the corpus folder, floor loader)."""
_CHECK_SUFFIX = re.compile(r"(I[1-5])\Z")


def i_counts(failing_by_rule: dict[str, int]) -> dict[str, int]:
    """Fold rule ids ending in I1..I5 (``BENCH-I1``, ...) into I1..I5 counts."""
    out = dict.fromkeys(("I1", "I2", "I3", "I4", "I5"), 0)
    for rule, count in failing_by_rule.items():
        match = _CHECK_SUFFIX.search(rule)
        if match:
            out[match.group(1)] += count
    return out


def report_counts(report: Path) -> dict[str, int]:
    return i_counts(read_report(report).failing_by_rule)


def inventory_peers(
    base: Path,
    fmt: str,
    dsaudit: list[str],
    out_dir: Path,
    jobs: int | None = None,
    timeout: float = 3600,
) -> list[Peer]:
    """The floor and dsaudit on ``base``'s inventory file of format ``fmt`` (json or yaml)."""
    name, loader = FORMATS[fmt]
    records = base.name.removeprefix("inventory-")
    floor_label = "json.loads" if fmt == "json" else "CSafeLoader, gc off"
    floor = Peer(
        f"floor: {floor_label} + I1..I5, {fmt.upper()} M={records}",
        [sys.executable, str(FLOOR), str(base / name), "--loader", loader],
        stdout_counts,
        timeout=timeout,
    )
    report = out_dir / f"report-{base.name}-{fmt}.json"
    argv = [*dsaudit, "audit", str(base), "--pack", str(PACK), "--inventory", name]
    argv += ["--format", "json", "--output", str(report), "--fail-on", "never", "-q"]
    if jobs is not None:
        argv += ["--jobs", str(jobs)]

    def counts(m: Measurement, report: Path = report) -> dict[str, int]:
        return report_counts(report)

    audit = Peer(
        f"dsaudit audit --inventory {name} M={records}",
        argv,
        counts,
        timeout=timeout,
        ok_exit_codes=(0, 1, 2),
        output=report,
    )
    return [floor, audit]
