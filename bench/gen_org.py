"""Generate a seeded synthetic organization to audit: inventory (format v1) and config files.

    python bench/gen_org.py --out DIR --datasets 100000 --configs 10000 --seed 42
                            [--inventory-format yaml|json] [--pack NAME_OR_PATH]...

Writes into DIR (which must be empty or absent unless --force):

    dsaudit.yaml                        audit target: inventory globs, config include/exclude, packs
    inventory/organization.yaml         organization profile
    inventory/systems.yaml              ~1 system per 200 datasets (500 at 100k)
    inventory/datasets/datasets-NN.*    the datasets, split over up to 20 files
    inventory/transfers.yaml            ~1 per 50 datasets;  processors.yaml ~1 per 200;
    inventory/assessments.yaml          ~1 per 100
    configs/<unit>/<service>/<env>/*    config files: YAML (some multi-doc), JSON, TOML, INI, .env
    bench-org.json                      parameters, sizes, counts and planted problems (not audited)

The same arguments always give the same bytes. Dates are relative to 2026-06-30: audit with
``--as-of 2026-06-30`` (bench-org.json lists the arguments to pass).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import org_configs
import org_inventory as inv
from writers import json_dump, yaml_dump

GENERATOR_VERSION = 4
"""Bump when the output changes, so cached corpora are regenerated."""
DATASET_FILES = 20
MANIFEST = "bench-org.json"


def default_sizes(datasets: int) -> dict[str, int]:
    """Section sizes that go with ``datasets`` (500 systems, 2,000 transfers at 100k)."""
    return {
        "systems": min(500, max(5, datasets // 200)),
        "transfers": max(5, datasets // 50),
        "processors": max(3, datasets // 200),
        "assessments": max(5, datasets // 100),
    }


def target_config(inventory_format: str, packs: Sequence[str]) -> str:
    """The organization's ``dsaudit.yaml``."""
    ext = inventory_format
    lines = [
        "# Synthetic organization for dsaudit benchmarks (written by bench/gen_org.py).",
        "inventory:",
        f'  - "inventory/*.{ext}"',
        f'  - "inventory/datasets/*.{ext}"',
        "configs:",
        "  include:",
        *(
            f'    - "configs/**/{pattern}"'
            for pattern in ("*.yaml", "*.yml", "*.json", "*.toml", "*.ini", ".env")
        ),
        "  exclude:",
        '    - "**/node_modules/**"',
    ]
    if packs:
        lines += ["packs:", *(f"  - {json.dumps(p)}" for p in packs)]
    return "\n".join(lines) + "\n"


class OrgWriter:
    """Writes the files and keeps the tallies that go into ``bench-org.json``."""

    def __init__(self, root: Path, inventory_format: str) -> None:
        self.root = root
        self.inventory_format = inventory_format
        self.dump: Callable[[Any], str] = yaml_dump if inventory_format == "yaml" else json_dump
        self.resources: Counter[str] = Counter()
        self.planted: Counter[str] = Counter()
        self.formats: Counter[str] = Counter()
        self.bytes = 0
        self.files = 0
        self.folders: set[Path] = set()

    def write(self, relpath: str, text: str) -> None:
        path = self.root / relpath
        if path.parent not in self.folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(path.parent)
        data = text.encode("utf-8")
        path.write_bytes(data)
        self.bytes += len(data)
        self.files += 1

    def inventory(self, relpath: str, section: str, records: Any) -> None:
        """One inventory file holding ``section`` (a mapping or a list of records)."""
        doc = {"version": 1, section: records}
        self.write(f"{relpath}.{self.inventory_format}", self.dump(doc))
        items = records if isinstance(records, list) else [records]
        self.resources[section] += len(items)
        for item in items:
            self.planted.update(inv.flags(section, item))


def generate(
    out: Path,
    datasets: int,
    configs: int,
    seed: int,
    inventory_format: str = "yaml",
    packs: Sequence[str] = (),
    sizes: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Write the organization into ``out``; return the manifest (also written to bench-org.json)."""
    start = time.perf_counter()
    sizes = {**default_sizes(datasets), **(sizes or {})}
    w = OrgWriter(out, inventory_format)
    w.write("dsaudit.yaml", target_config(inventory_format, packs))
    w.inventory("inventory/organization", "organization", inv.organization(seed))
    w.inventory(
        "inventory/systems", "systems", [inv.system(seed, i) for i in range(sizes["systems"])]
    )
    parts = min(DATASET_FILES, max(1, datasets))
    for part in range(parts):
        lo, hi = datasets * part // parts, datasets * (part + 1) // parts
        records = [inv.dataset(seed, i, sizes["systems"]) for i in range(lo, hi)]
        w.inventory(f"inventory/datasets/datasets-{part + 1:02d}", "datasets", records)
    total = max(1, datasets)
    for section, build in (
        ("transfers", inv.transfer),
        ("processors", inv.processor),
        ("assessments", inv.assessment),
    ):
        records = [build(seed, i, total) for i in range(sizes[section])]
        w.inventory(f"inventory/{section}", section, records)
    inventory_seconds = time.perf_counter() - start
    inventory_bytes = w.bytes
    documents = 0
    for i in range(configs):
        cfg = org_configs.config_file(seed, i)
        w.write(cfg.path, cfg.text)
        w.formats[cfg.format] += 1
        documents += cfg.documents
        w.planted.update(cfg.labels)
    w.resources["config_documents"] = documents
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "parameters": {
            "datasets": datasets,
            "configs": configs,
            "seed": seed,
            "inventory_format": inventory_format,
            "packs": list(packs),
            **sizes,
        },
        "as_of": inv.AS_OF.isoformat(),
        "dsaudit_args": ["--as-of", inv.AS_OF.isoformat()],
        "files": {"total": w.files + 1, "config": configs, "config_by_format": dict(w.formats)},
        "bytes": {"inventory": inventory_bytes, "config": w.bytes - inventory_bytes},
        "resources": {**dict(w.resources), "total": sum(w.resources.values())},
        "planted": dict(sorted(w.planted.items())),
        "seconds": {
            "inventory": round(inventory_seconds, 3),
            "total": round(time.perf_counter() - start, 3),
        },
    }
    # Timings vary between runs; keep them out of the file so the output is byte-for-byte stable.
    stable = {k: v for k, v in manifest.items() if k != "seconds"}
    (out / MANIFEST).write_text(json_dump(stable), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write the org into")
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--configs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--inventory-format", choices=("yaml", "json"), default="yaml")
    parser.add_argument(
        "--pack", action="append", default=[], help="pack name or path for dsaudit.yaml"
    )
    for section in ("systems", "transfers", "processors", "assessments"):
        parser.add_argument(f"--{section}", type=int, help=f"number of {section} (default: scaled)")
    parser.add_argument("--force", action="store_true", help="write into a non-empty folder")
    args = parser.parse_args(argv)
    for name in ("datasets", "configs", "systems", "transfers", "processors", "assessments"):
        value = getattr(args, name)
        if value is not None and value < 0:
            parser.error(f"--{name} must be >= 0, got {value}")
    if args.out.exists() and any(args.out.iterdir()) and not args.force:
        parser.error(f"{args.out} is not empty (use --force to write into it anyway)")
    sizes = {
        s: getattr(args, s)
        for s in ("systems", "transfers", "processors", "assessments")
        if getattr(args, s) is not None
    }
    if sizes.get("systems") == 0 and args.datasets:
        parser.error("--systems 0: datasets need at least one system to belong to")
    manifest = generate(
        args.out, args.datasets, args.configs, args.seed, args.inventory_format, args.pack, sizes
    )
    print(
        f"wrote {manifest['files']['total']} files "
        f"({sum(manifest['bytes'].values()) / 1e6:.1f} MB, "
        f"{manifest['resources']['total']} resources) to {args.out} "
        f"in {manifest['seconds']['total']:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
