"""Seeded 100k-record inventory for the side-by-side benchmark (issue 9), checks I1..I5.

    python bench/inventory_corpus.py --records 100000

The peers' inventory (``/work/shared/bench-peers/gen_corpus.py``) is a list of dataset records in
its own shape. dsaudit reads inventory format v1 (docs/inventory.md), so this module draws the
SAME records (``peer_record(i)`` repeats the peer's draws from ``random.Random(SEED * 7_000_003
+ i)``) and writes each one as a v1 dataset carrying the same facts:

    peer record                       dsaudit v1 dataset
    id, system, owner                 id, system (a ``systems`` record per system used), owner
    region (cn-north-1, ...)          storage_region: ISO code (cn-* -> CN, eu-west-1 -> IE,
                                      us-east-1 -> US, ap-southeast-1 -> SG)
    fields[].category/.sensitive      fields[].category: taxonomy name of the same sensitivity
                                      (whether it is sensitive is the taxonomy's answer)
    encrypted_at_rest                 encryption_at_rest
    retention_days, individuals       retention_days, individuals
    cross_border[]                    x_cross_border[]: {destination, recipient, mechanism}
                                      (assessment_done -> security_assessment, else none)

Cross-border transfers stay on the dataset, as an ``x_`` extension list, because the peer's
checks I3 and I4 join a dataset with its own transfers and the rule language cannot join two
resources (an operand is a literal or a parameter, never another resource's id): as v1
``transfers`` records the checks could only be counted per transfer, not per dataset.

Both files (``inventory.json`` and ``inventory.yaml``, one file each, like the peer's) are the
same document; the target folder's ``dsaudit.yaml`` raises ``max_file_bytes`` and
``max_yaml_nodes`` (one file of 100,000 records is over the defaults) and audits no config files.
The ground truth is the peer's ``record_violations`` on the peer records.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

SEED = 20261123
CHECK_IDS = ("I1", "I2", "I3", "I4", "I5")
PEER_REGIONS = ("cn-north-1", "cn-east-2", "cn-south-1", "eu-west-1", "us-east-1", "ap-southeast-1")
PEER_CN = frozenset(("cn-north-1", "cn-east-2", "cn-south-1"))
PEER_CATEGORIES = (
    "identifier",
    "contact",
    "device",
    "usage",
    "location",
    "financial",
    "biometric",
    "health",
    "minor",
    "religion",
    "precise_location",
)
PEER_SENSITIVE = frozenset(
    ("biometric", "health", "minor", "religion", "financial", "precise_location")
)
REGION_CODES = {
    "cn-north-1": "CN",
    "cn-east-2": "CN",
    "cn-south-1": "CN",
    "eu-west-1": "IE",
    "us-east-1": "US",
    "ap-southeast-1": "SG",
}
CATEGORY_NAMES = {
    "identifier": "account_id",
    "contact": "contact",
    "device": "device_id",
    "usage": "usage_record",
    "location": "coarse_location",
    "financial": "financial_account",
    "biometric": "biometric",
    "health": "medical_health",
    "minor": "minor_under_14",
    "religion": "religion",
    "precise_location": "precise_location",
}
"""Peer category -> dsaudit taxonomy name; sensitive exactly when the peer marks it sensitive."""
TARGET_CONFIG = """\
# Inventory benchmark target (bench/inventory_corpus.py): the inventory only, no config files.
version: 1
configs:
  include: ["no-config-files/**"]
limits:
  max_file_bytes: 4294967296
  max_yaml_nodes: 100000000
"""
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def peer_record(i: int) -> dict[str, Any]:
    """Record ``i`` of the peer inventory (same draws, in the same order, as gen_corpus.py)."""
    r = random.Random(SEED * 7_000_003 + i)
    region = r.choice(PEER_REGIONS)
    fields = []
    for k in range(r.randint(3, 12)):
        cat = r.choice(PEER_CATEGORIES)
        fields.append(
            {"name": f"f{k}_{cat}", "category": cat, "pi": True, "sensitive": cat in PEER_SENSITIVE}
        )
    transfers = []
    if r.random() < 0.3:
        for _ in range(r.randint(1, 2)):
            transfers.append(
                {
                    "to_region": r.choice(PEER_REGIONS),
                    "recipient": f"partner-{r.randint(1, 50)}",
                    "assessment_done": r.random() < 0.6,
                }
            )
    return {
        "id": f"ds-{i:06d}",
        "system": f"sys-{r.randint(1, 400):03d}",
        "region": region,
        "owner": r.choice(["crm", "payments", "hr", "analytics"]),
        "fields": fields,
        "individuals": int(10 ** r.uniform(1, 7.3)),
        "encrypted_at_rest": r.random() < 0.8,
        "retention_days": r.choice([30, 90, 365, 730, 1825, 3650]),
        "cross_border": transfers,
    }


def peer_violations(d: dict[str, Any]) -> list[str]:
    """The peer's five predicates on a peer record (reference: gen_corpus.record_violations)."""
    out = []
    sens = any(f["sensitive"] for f in d["fields"])
    if sens and not d["encrypted_at_rest"]:
        out.append("I1")  # sensitive PI not encrypted at rest
    if d["retention_days"] > 1095:
        out.append("I2")  # retention longer than 3 years
    if any(not t["assessment_done"] for t in d["cross_border"]) and d["individuals"] >= 100_000:
        out.append("I3")  # large cross-border transfer without assessment
    if (
        sens
        and d["individuals"] >= 10_000
        and any(t["to_region"] not in PEER_CN for t in d["cross_border"])
    ):
        out.append("I4")  # sensitive PI of >=10k people leaves CN
    if d["region"] not in PEER_CN and d["individuals"] >= 1_000_000:
        out.append("I5")  # very large dataset stored outside CN
    return out


def count_violations(violations: Iterable[list[str]]) -> dict[str, int]:
    """Failing records per check, every id present."""
    counts = dict.fromkeys(CHECK_IDS, 0)
    for found in violations:
        for check in found:
            counts[check] += 1
    return counts


def dataset(peer: dict[str, Any]) -> dict[str, Any]:
    """The v1 dataset record carrying the facts of one peer record."""
    out: dict[str, Any] = {
        "id": peer["id"],
        "system": peer["system"],
        "owner": peer["owner"],
        "storage_region": REGION_CODES[peer["region"]],
        "encryption_at_rest": peer["encrypted_at_rest"],
        "retention_days": peer["retention_days"],
        "individuals": peer["individuals"],
        "fields": [
            {"name": f["name"], "category": CATEGORY_NAMES[f["category"]]} for f in peer["fields"]
        ],
    }
    if peer["cross_border"]:
        out["x_cross_border"] = [
            {
                "destination": REGION_CODES[t["to_region"]],
                "recipient": t["recipient"],
                "mechanism": "security_assessment" if t["assessment_done"] else "none",
            }
            for t in peer["cross_border"]
        ]
    return out


def inventory_document(records: int) -> tuple[dict[str, Any], dict[str, int]]:
    """The v1 inventory of ``records`` datasets (and their systems), and its ground truth."""
    datasets, violations, systems = [], [], set()
    for i in range(records):
        peer = peer_record(i)
        violations.append(peer_violations(peer))
        systems.add(peer["system"])
        datasets.append(dataset(peer))
    doc = {
        "version": 1,
        "systems": [{"id": s, "name": s} for s in sorted(systems)],
        "datasets": datasets,
    }
    return doc, count_violations(violations)


def corpus_dir(root: Path, records: int) -> Path:
    return root / f"inventory-{records}"


def write_corpus(root: Path, records: int) -> dict[str, Any]:
    """Write ``root/inventory-M/`` (both files, dsaudit.yaml, expected.json); its ground truth."""
    base = corpus_dir(root, records)
    base.mkdir(parents=True, exist_ok=True)
    doc, failing = inventory_document(records)
    with open(base / "inventory.json", "w", encoding="utf-8") as f:
        json.dump(doc, f)
    with open(base / "inventory.yaml", "w", encoding="utf-8") as f:
        yaml.dump(doc, f, Dumper=_DUMPER, sort_keys=False)
    (base / "dsaudit.yaml").write_text(TARGET_CONFIG, encoding="utf-8")
    truth = {"seed": SEED, "records": records, "failing": failing}
    # written last: a cut-off run leaves no expected.json, so the corpus is regenerated
    (base / "expected.json").write_text(json.dumps(truth, indent=1) + "\n", encoding="utf-8")
    return truth


def ensure_corpus(root: Path, records: int) -> tuple[Path, dict[str, Any]]:
    """The cached corpus folder and its ground truth (written when missing or stale)."""
    base = corpus_dir(root, records)
    truth_path = base / "expected.json"
    if truth_path.is_file():
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if truth.get("seed") == SEED and truth.get("records") == records:
            return base, truth
    return base, write_corpus(root, records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    corpus = Path(__file__).resolve().parent / "corpus"
    parser.add_argument("--out", type=Path, default=corpus, help="folder for inventory-M/")
    parser.add_argument("--records", type=int, nargs="+", default=[100_000])
    args = parser.parse_args(argv)
    for m in args.records:
        base, truth = ensure_corpus(args.out, m)
        print(f"{base}: {json.dumps(truth['failing'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
