"""The plain-Python floor for the inventory: load one v1 inventory file, run I1..I5 by hand.

    python bench/inventory_floor.py FILE [--loader json|c]

``json`` is ``json.loads`` of the whole file; ``c`` is PyYAML's CSafeLoader with the garbage
collector held off during the load (with it on, CPython's cyclic collector dominates the time
of one big document). The predicates are the peer's I1..I5 over the v1 records that
inventory_corpus.py writes: sensitivity comes from the taxonomy names used there. Prints the
failing datasets per check as one JSON object. No validation, no line numbers, no report.
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Iterable
from typing import Any

import yaml

SENSITIVE = frozenset(
    (
        "financial_account",
        "biometric",
        "medical_health",
        "minor_under_14",
        "religion",
        "precise_location",
    )
)
"""The sensitive taxonomy names inventory_corpus.CATEGORY_NAMES uses."""


def predicates(datasets: Iterable[dict[str, Any]]) -> dict[str, int]:
    """I1..I5 over v1 dataset records: failing datasets per check."""
    n = [0, 0, 0, 0, 0]
    for d in datasets:
        sens = any(f["category"] in SENSITIVE for f in d["fields"])
        xb = d.get("x_cross_border", ())
        people = d["individuals"]
        if sens and not d["encryption_at_rest"]:
            n[0] += 1
        if d["retention_days"] > 1095:
            n[1] += 1
        if people >= 100_000 and any(t["mechanism"] == "none" for t in xb):
            n[2] += 1
        if sens and people >= 10_000 and any(t["destination"] != "CN" for t in xb):
            n[3] += 1
        if d["storage_region"] != "CN" and people >= 1_000_000:
            n[4] += 1
    return dict(zip(("I1", "I2", "I3", "I4", "I5"), n, strict=True))


def load(path: str, loader: str) -> Any:
    with open(path, "rb") as f:
        data = f.read()
    if loader == "json":
        return json.loads(data)
    gc.disable()
    try:
        return yaml.load(data, Loader=yaml.CSafeLoader)
    finally:
        gc.enable()


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    loader = argv[argv.index("--loader") + 1] if "--loader" in argv else "json"
    if loader not in ("json", "c"):
        print(f"unknown loader {loader!r} (json, c)", file=sys.stderr)
        return 2
    doc = load(argv[0], loader)
    print(json.dumps(predicates(doc["datasets"]), sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
