"""Write the sample database and data files of docs/discovery.md (deterministic; fake people).

    python sample_configs/discovery/make_sample.py [FOLDER]   # default: this folder

Writes ``shop.sqlite`` (four tables: customers with Chinese and pinyin column names, orders
whose ``ext1`` holds phone numbers and whose ``remark`` holds ID numbers, a login log with IP
addresses and coordinates, and a settings table without personal information) and ``files/``
(``members.csv`` in GBK, ``events.jsonl``). Every identifier is generated: resident IDs carry a
valid GB 11643 check character, cards pass Luhn, and none belongs to a real person.
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
from pathlib import Path

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
PLACES = [
    ("浙江省", "杭州市", "西湖区"),
    ("广东省", "深圳市", "南山区"),
    ("北京市", "北京市", "海淀区"),
]
STREETS = ["文三路", "科技园路", "中关村大街", "学院路"]
REGIONS = ["110105", "310104", "330106", "440305", "510107"]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(rng: random.Random) -> str:
    body = (
        rng.choice(REGIONS)
        + f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        + f"{rng.randint(0, 999):03d}"
    )
    total = sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}"


def card(rng: random.Random) -> str:
    body = "622202" + "".join(str(rng.randint(0, 9)) for _ in range(12))
    digits = [int(d) for d in body]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return body + str((10 - total % 10) % 10)


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def address(rng: random.Random) -> str:
    province, city, district = rng.choice(PLACES)
    return f"{province}{city}{district}{rng.choice(STREETS)}{rng.randint(1, 300)}号"


def write_sqlite(path: Path, rng: random.Random) -> None:
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE customers (
          id INTEGER PRIMARY KEY,
          姓名 TEXT,          -- 客户姓名
          sfzh TEXT,          -- 身份证号
          shouji TEXT,
          住址 TEXT,
          religion TEXT,
          created_at TEXT
        );
        CREATE TABLE orders (
          id INTEGER PRIMARY KEY,
          customer_id INTEGER,
          amount REAL,
          card_no TEXT,
          ext1 TEXT,
          remark TEXT
        );
        CREATE TABLE login_log (
          id INTEGER PRIMARY KEY,
          user_id INTEGER,
          client_ip TEXT,
          position TEXT,
          at TEXT
        );
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
        """
    )
    for i in range(1, 301):
        db.execute(
            "INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?)",
            (i, person(rng), resident_id(rng), mobile(rng), address(rng),
             rng.choice(["", "", "佛教", "基督教"]), f"2025-{rng.randint(1, 12):02d}-01"),
        )  # fmt: skip
    for i in range(1, 601):
        db.execute(
            "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)",
            (i, rng.randint(1, 300), round(rng.uniform(5, 900), 2), card(rng), mobile(rng),
             resident_id(rng) if rng.random() < 0.6 else "请尽快发货"),
        )  # fmt: skip
    for i in range(1, 401):
        ip = f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        position = f"{rng.uniform(22, 40):.6f},{rng.uniform(100, 121):.6f}"
        at = f"2026-0{rng.randint(1, 9)}-15T08:00:00"
        db.execute(
            "INSERT INTO login_log VALUES (?, ?, ?, ?, ?)",
            (i, rng.randint(1, 300), ip, position, at),
        )
    db.executemany(
        "INSERT INTO settings VALUES (?, ?)",
        [("currency", "CNY"), ("theme", "dark"), ("page_size", "20")],
    )
    db.commit()
    db.execute("VACUUM")
    db.close()


def write_files(folder: Path, rng: random.Random) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["会员号,姓名,手机号,等级"]
    for i in range(1, 101):
        rows.append(f"M{i:04d},{person(rng)},{mobile(rng)},{rng.choice(['金', '银', '铜'])}")
    (folder / "members.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode("gbk"))
    lines = []
    for i in range(1, 101):
        event = rng.choice(["view", "buy"])
        ip = f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        record = {"event": event, "user": {"email": f"user{i}@example.cn", "ip": ip}, "n": i}
        lines.append(json.dumps(record, ensure_ascii=False))
    (folder / "events.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> None:
    folder = Path(argv[0]) if argv else Path(__file__).resolve().parent
    rng = random.Random(20261204)
    write_sqlite(folder / "shop.sqlite", rng)
    write_files(folder / "files", rng)


if __name__ == "__main__":
    main(sys.argv[1:])
