"""The inventory draft of one source (docs/inventory.md, docs/discovery.md).

One system (the source), one dataset per table, one field per column given a category; the
discovery's own facts go under ``x_discovery`` keys, which the inventory loader ignores. The
same source and seed give the same bytes: tables and columns in the source's order (tables
sorted by name), no times, no absolute paths beyond what the user typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from dsaudit.core.taxonomy import Taxonomy
from dsaudit.discover.classify import Classification, classify
from dsaudit.discover.sources import Source, Table, safe_id

HEADER = (
    "# Inventory draft written by `dsaudit discover` from sampled values and column names.\n"
    "# Review every field before committing it: categories are proposals (x_discovery says why);\n"
    "# fill in what sampling cannot know (legal_basis, retention_days, individuals, ...).\n"
    "# See docs/discovery.md. No sampled value is written here: examples are masked.\n"
)


@dataclass
class TableResult:
    table: Table
    columns: list[tuple[str, str, Classification]] = field(default_factory=list)
    """(column, type, classification) in the table's order."""
    sampled_rows: int = 0


def discover_source(
    source: Source,
    *,
    sample: int,
    seed: int,
    on_table: Callable[[Table], None] | None = None,
) -> list[TableResult]:
    results = []
    for table in source.tables():
        if on_table is not None:
            on_table(table)
        values = source.sample(table, sample, seed)
        result = TableResult(table, sampled_rows=max((len(v) for v in values.values()), default=0))
        for column in table.columns:
            found = classify(column.name, values.get(column.name, ()), column.comment)
            result.columns.append((column.name, column.type, found))
        results.append(result)
    return results


def _evidence(found: Classification) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "detector": found.detector,
        "fraction": found.fraction,
        "confidence": found.confidence,
        "sampled": found.sampled,
        "matched": found.matched,
    }
    if found.name_hint is not None:
        entry["name_hint"] = found.name_hint
    if found.examples:
        entry["examples"] = list(found.examples)
    return entry


def build_draft(
    source: Source, results: list[TableResult], taxonomy: Taxonomy, *, sample: int, seed: int
) -> dict[str, Any]:
    system_id = source.system_id
    datasets = []
    for result in results:
        fields = []
        unclassified = []
        columns = []
        for name, type_, found in result.columns:
            columns.append({"name": name, "type": type_} if type_ else {"name": name})
            if found.category is None or found.category not in taxonomy:
                unclassified.append(name)
                continue
            entry: dict[str, Any] = {"name": name, "category": found.category}
            if type_:
                entry["x_column_type"] = type_
            entry["x_discovery"] = _evidence(found)
            fields.append(entry)
        personal = [f["category"] for f in fields if taxonomy.is_personal(f["category"])]
        sensitive = [c for c in personal if taxonomy.is_sensitive(c)]
        dataset: dict[str, Any] = {
            "id": f"{system_id}.{safe_id(result.table.name)}",
            "name": result.table.name,
            "system": system_id,
            "fields": fields,
            "x_discovery": {
                "rows_estimate": result.table.rows_estimate,
                "sampled_rows": result.sampled_rows,
                "pi_columns": len(personal),
                "sensitive_columns": len(sensitive),
                "unclassified": unclassified,
                "columns": columns,
            },
        }
        datasets.append(dataset)
    return {
        "version": 1,
        "systems": [
            {
                "id": system_id,
                "name": system_id,
                "type": "database" if source.kind == "sqlite" else "storage",
                "x_discovery": {
                    "source": source.label,
                    "kind": source.kind,
                    "sample": sample,
                    "seed": seed,
                    "taxonomy_profile": taxonomy.profile,
                },
            }
        ],
        "datasets": datasets,
    }


def dump_draft(draft: dict[str, Any]) -> str:
    body = yaml.safe_dump(draft, allow_unicode=True, sort_keys=False, width=100)
    return HEADER + body
