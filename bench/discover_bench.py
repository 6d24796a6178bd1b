"""Throughput of `dsaudit discover` (issue 18 §5), in one process.

    python bench/discover_bench.py                       # 200,000 values, 100 tables x 20 columns
    python bench/discover_bench.py --values 20000 --tables 5 --json

Two figures, each measured on one core (the classifier is single-threaded):

    classifier  values per second through dsaudit.discover.classify.classify over a seeded mix
                of column kinds (resident IDs, mobiles, cards, e-mails, plates, IPs,
                coordinates, dates, names, addresses, free text, numbers); target > 100,000/s
    sqlite      a generated SQLite database of TABLES tables x 20 columns x ROWS rows,
                discovered with the default sample (100 rows): seconds per table, split into
                reading (listing and sampling: the round trips) and classification

The corpora are generated in a temporary folder from the seed; nothing is cached.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dsaudit.discover.classify import classify
from dsaudit.discover.sources import SQLiteSource

TARGET_VALUES_PER_SECOND = 100_000
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _resident_id(rng: random.Random) -> str:
    body = f"110105{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body += f"{rng.randint(0, 999):03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


KINDS: dict[str, Callable[[random.Random], str]] = {
    "resident_id": _resident_id,
    "mobile": lambda r: f"1{r.choice('3456789')}{r.randint(0, 999999999):09d}",
    "card": lambda r: "6222" + "".join(str(r.randint(0, 9)) for _ in range(15)),
    "email": lambda r: f"u{r.randint(1, 10**6)}@example.cn",
    "plate": lambda r: f"京A{r.randint(10000, 99999)}",
    "ip": lambda r: f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
    "coords": lambda r: f"{r.uniform(20, 40):.6f},{r.uniform(100, 120):.6f}",
    "date": lambda r: f"20{r.randint(10, 25)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
    "name": lambda r: r.choice("王李张刘陈") + r.choice("伟芳娜敏静"),
    "address": lambda r: f"浙江省杭州市西湖区文三路{r.randint(1, 300)}号",
    "text": lambda r: r.choice(["请尽快发货", "ok", "paid", "refund requested", "n/a"]),
    "number": lambda r: str(r.randint(0, 10**6)),
}


def columns(n_values: int, seed: int) -> list[tuple[str, list[str]]]:
    """``n_values`` values in columns of 100 (one kind per column, kinds in turn)."""
    rng = random.Random(seed)
    kinds = sorted(KINDS)
    out = []
    for i in range(max(1, n_values // 100)):
        kind = kinds[i % len(kinds)]
        out.append((f"c{i}", [KINDS[kind](rng) for _ in range(100)]))
    return out


def bench_classifier(n_values: int, seed: int) -> dict[str, float]:
    data = columns(n_values, seed)
    total = sum(len(v) for _, v in data)
    for name, values in data[: len(KINDS)]:  # warm the caches (dictionary, regexes)
        classify(name, values)
    start = time.process_time()
    for name, values in data:
        classify(name, values)
    seconds = time.process_time() - start
    return {"values": total, "cpu_seconds": seconds, "values_per_second": total / seconds}


def make_db(path: Path, tables: int, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    kinds = sorted(KINDS)
    db = sqlite3.connect(path)
    for t in range(tables):
        cols = [kinds[(t + c) % len(kinds)] for c in range(20)]
        db.execute(f"CREATE TABLE t{t} (id INTEGER PRIMARY KEY, {', '.join(f'c{c} TEXT' for c in range(20))})")  # fmt: skip  # noqa: E501
        db.executemany(
            f"INSERT INTO t{t} VALUES (?, {', '.join('?' * 20)})",
            ((i, *(KINDS[k](rng) for k in cols)) for i in range(1, rows + 1)),
        )
    db.commit()
    db.close()


def bench_sqlite(tables: int, rows: int, seed: int, sample: int = 100) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        make_db(path, tables, rows, seed)
        wall = time.perf_counter()
        source = SQLiteSource(path)
        read = classify_s = 0.0
        t0 = time.perf_counter()
        listed = source.tables()
        read += time.perf_counter() - t0
        for table in listed:
            t0 = time.perf_counter()
            values = source.sample(table, sample, seed)
            t1 = time.perf_counter()
            for column in table.columns:
                classify(column.name, values.get(column.name, ()), column.comment)
            read += t1 - t0
            classify_s += time.perf_counter() - t1
        source.close()
        wall = time.perf_counter() - wall
    return {
        "tables": tables,
        "seconds": wall,
        "ms_per_table": 1000 * wall / tables,
        "ms_per_table_reading": 1000 * read / tables,
        "ms_per_table_classifying": 1000 * classify_s / tables,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=200_000)
    parser.add_argument("--tables", type=int, default=100)
    parser.add_argument("--rows", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = {
        "classifier": bench_classifier(args.values, args.seed),
        "sqlite": bench_sqlite(args.tables, args.rows, args.seed),
    }
    c, s = figures["classifier"], figures["sqlite"]
    figures["target_met"] = c["values_per_second"] > TARGET_VALUES_PER_SECOND
    verdict = "met" if figures["target_met"] else "MISSED"
    if args.json:
        print(json.dumps(figures, indent=2, sort_keys=True))
    else:
        print(
            f"classifier: {c['values']:,} values in {c['cpu_seconds']:.2f} s CPU = "
            f"{c['values_per_second']:,.0f} values/s on one core "
            f"(target > {TARGET_VALUES_PER_SECOND:,}: {verdict})"
        )
        print(
            f"sqlite: {s['tables']} tables x 20 columns in {s['seconds']:.2f} s = "
            f"{s['ms_per_table']:.1f} ms per table ({s['ms_per_table_reading']:.1f} reading, "
            f"{s['ms_per_table_classifying']:.1f} classifying)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
