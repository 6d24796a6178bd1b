"""dsaudit discover: detectors, the column classifier, bounded read-only sampling of SQLite and
data files, and the inventory draft (no raw sampled value in any output)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dsaudit.core.limits import Limits
from dsaudit.core.taxonomy import load_taxonomy
from dsaudit.discover import detectors
from dsaudit.discover.classify import classify, name_category
from dsaudit.discover.sources import SourceError, SQLiteSource, open_source
from dsaudit.sources.inventory import load_inventory

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_configs" / "discovery"

# Planted values: valid by their checks (GB 11643, Luhn), searched for in every output.
RESIDENT_ID = "11010519491231002X"
PHONE = "13912345678"
CARD = "6222021234567890128"
assert detectors.pidetect_kind(RESIDENT_ID) == "resident_id"
assert detectors.pidetect_kind(CARD) == "bank_card"


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dsaudit", *args], capture_output=True, text=True, cwd=cwd
    )


# -- detectors ------------------------------------------------------------------------------


def test_uscc_check_character() -> None:
    assert detectors.uscc_valid("91350100M000100Y43")  # GB 32100-2015's own example
    assert not detectors.uscc_valid("91350100M000100Y44")
    assert not detectors.uscc_valid("91350100M000100Y4")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("京A12345", "license_plate"),
        ("粤B·D12345", "license_plate"),
        ("10.1.2.3", "ipv4"),
        ("2001:db8::1", "ipv6"),
        ("39.904200,116.407400", "coordinates"),
        ("1990-05-17", "date"),
        ("1990年5月17日", "date"),
        ("张三", "person_name"),
        ("欧阳小明", "person_name"),
        ("浙江省杭州市西湖区文三路1号", "address"),
        ("91350100M000100Y43", "uscc"),
        (RESIDENT_ID, "resident_id"),
        (PHONE, "mobile"),
        (CARD, "bank_card"),
        ("a.person@example.cn", "email"),
    ],
)
def test_detectors(value: str, expected: str) -> None:
    assert detectors.detect(value) == expected


@pytest.mark.parametrize(
    "value", ["999.1.1.1", "1990-02-30", "39.9,116.4", "hello", "京I12345", "12", "发货"]
)
def test_detectors_refuse(value: str) -> None:
    assert detectors.detect(value) is None


def test_dictionary_categories_exist_in_the_taxonomy() -> None:
    taxonomy = load_taxonomy()
    for category in detectors.dictionaries()["names"]:
        assert category in taxonomy, category
    for category in detectors.CATEGORIES.values():
        assert category in taxonomy, category


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("sfzh", "id_card_number"),
        ("shenfenzheng", "id_card_number"),
        ("user_shenfenzheng_hao", "id_card_number"),
        ("身份证号码", "id_card_number"),
        ("身份证照片", "id_card_photo"),
        ("shouji", "phone_number"),
        ("userTel", "phone_number"),
        ("手机号", "phone_number"),
        ("xingming", "name"),
        ("姓名", "name"),
        ("住址", "address"),
        ("病历号", "medical_record"),
        ("zongjiao", "religion"),
        ("宗教信仰", "religion"),
        ("指纹", "fingerprint"),
        ("银行卡号", "bank_card"),
        ("created_at", None),
        ("order_no", None),
        ("status", None),
    ],
)
def test_names(name: str, category: str | None) -> None:
    assert name_category(name) == category


def test_comment_names_the_category() -> None:
    assert name_category("c7", "身份证号") == "id_card_number"


# -- the classifier -------------------------------------------------------------------------


def test_misleading_names_are_found_by_their_values() -> None:
    remark = classify("remark", [RESIDENT_ID, "请尽快发货", "身份证 " + RESIDENT_ID, ""])
    assert (remark.category, remark.detector, remark.matched, remark.sampled) == (
        "id_card_number",
        "resident_id",
        2,
        3,
    )
    ext1 = classify("ext1", [PHONE] * 9 + ["n/a"])
    assert (ext1.category, ext1.fraction, ext1.confidence) == ("phone_number", 0.9, 0.9)
    assert all(RESIDENT_ID not in e for e in remark.examples)
    assert all(PHONE not in e for e in ext1.examples)


def test_name_and_values_agreeing_raise_the_confidence() -> None:
    named = classify("shouji", [PHONE, PHONE, "n/a", "n/a"])
    plain = classify("ext1", [PHONE, PHONE, "n/a", "n/a"])
    assert named.confidence > plain.confidence == 0.5


def test_name_without_matching_values_is_a_low_confidence_proposal() -> None:
    found = classify("sfzh", ["x1", "x2"])
    assert (found.category, found.detector, found.confidence) == ("id_card_number", "name", 0.4)
    assert classify("sfzh", []).confidence == 0.6


def test_dates_are_birth_dates_only_by_name() -> None:
    dates = ["1990-05-17", "1985-01-02"]
    assert classify("created", dates).category is None
    assert classify("csrq", dates).category == "birth_date"


def test_passport_only_under_a_passport_name() -> None:
    values = ["E12345678", "G87654321"]
    assert classify("code", values).category is None
    assert classify("passport_no", values).detector == "passport"


def test_a_stray_match_is_not_a_category() -> None:
    assert classify("note", [PHONE] + ["ok"] * 99).category is None


# -- SQLite ---------------------------------------------------------------------------------


def _big_db(path: Path, rows: int = 200_000) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE big (id INTEGER PRIMARY KEY, ext1 TEXT, note TEXT)")
    db.executemany(
        "INSERT INTO big VALUES (?, ?, ?)",
        ((i, f"139{i:08d}", "ok") for i in range(1, rows + 1)),
    )
    db.commit()
    db.close()


def test_a_large_table_is_not_fully_read(tmp_path: Path) -> None:
    path = tmp_path / "big.sqlite"
    _big_db(path)
    source = SQLiteSource(path)
    statements: list[str] = []
    steps = [0]

    def progress() -> int:
        steps[0] += 1
        return 0

    source.connection.set_trace_callback(statements.append)
    source.connection.set_progress_handler(progress, 100)
    (table,) = source.tables()
    assert table.rows_estimate == 200_000
    values = source.sample(table, 100, seed=7)
    source.close()
    assert len(values["ext1"]) == 100
    # A full scan of 200,000 rows runs millions of VM instructions (>20,000 progress calls);
    # 100 seeks and two min/max lookups run a few thousand.
    assert steps[0] < 500, steps[0]
    assert all("LIMIT" in s or "min(rowid)" in s or "max(rowid)" in s or "PRAGMA" in s or
               "sqlite_schema" in s for s in statements), statements  # fmt: skip
    assert classify("ext1", values["ext1"]).category == "phone_number"


def test_sampling_is_seeded(tmp_path: Path) -> None:
    path = tmp_path / "big.sqlite"
    _big_db(path, 5_000)
    source = SQLiteSource(path)
    (table,) = source.tables()
    a, b, c = (source.sample(table, 50, s) for s in (1, 1, 2))
    source.close()
    assert a == b != c


def test_sqlite_is_opened_read_only(tmp_path: Path) -> None:
    path = tmp_path / "big.sqlite"
    _big_db(path, 10)
    source = SQLiteSource(path)
    with pytest.raises(sqlite3.OperationalError):
        source.connection.execute("DELETE FROM big")
    source.close()
    assert sqlite3.connect(path).execute("SELECT count(*) FROM big").fetchone() == (10,)


def test_unsupported_dsn_is_masked() -> None:
    with pytest.raises(SourceError) as info:
        open_source("postgresql://app:s3cretpw@db.example.cn/shop")
    assert "s3cretpw" not in str(info.value)
    assert "not supported yet" in str(info.value)


# -- data files -----------------------------------------------------------------------------


def test_gbk_csv_and_jsonl(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(
        f"姓名,手机号\r\n张三,{PHONE}\r\n李四,{PHONE}\r\n".encode("gbk")
    )
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"u": {"sfzh": RESIDENT_ID}}) + "\n" + json.dumps({"u": {"sfzh": RESIDENT_ID}}),
        encoding="utf-8",
    )
    source = open_source(str(tmp_path))
    tables = {t.name: t for t in source.tables()}
    assert [c.name for c in tables["a.csv"].columns] == ["姓名", "手机号"]
    assert [c.name for c in tables["b.jsonl"].columns] == ["u.sfzh"]
    values = source.sample(tables["a.csv"], 10, 0)
    assert values["姓名"] == ["张三", "李四"]
    assert source.sample(tables["b.jsonl"], 10, 0)["u.sfzh"] == [RESIDENT_ID] * 2


def test_a_headerless_csv_does_not_turn_values_into_column_names(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(f"{PHONE},x\n{PHONE},y\n", encoding="utf-8")
    source = open_source(str(tmp_path / "a.csv"))
    (table,) = source.tables()
    assert [c.name for c in table.columns] == ["column_1", "column_2"]
    assert len(source.sample(table, 10, 0)["column_1"]) == 2


def test_file_reads_are_bounded(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("n\n" + "".join(f"{i}\n" for i in range(1000)))
    source = open_source(str(tmp_path / "a.csv"), max_file_rows=100)
    (table,) = source.tables()
    assert table.rows_estimate is None
    assert len(source.sample(table, 10, 0)["n"]) == 10


# -- the command ----------------------------------------------------------------------------


def _planted(tmp_path: Path) -> list[str]:
    db = sqlite3.connect(tmp_path / "crm.sqlite")
    db.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, remark TEXT, ext1 TEXT, pay TEXT)")
    db.executemany(
        "INSERT INTO people VALUES (?, ?, ?, ?)",
        [(i, RESIDENT_ID, PHONE, CARD) for i in range(1, 301)],
    )
    db.commit()
    db.close()
    data = tmp_path / "exports"
    data.mkdir()
    (data / "x.csv").write_text(f"ext2\n{PHONE}\n{PHONE}\n", encoding="utf-8")
    (data / "y.jsonl").write_text(json.dumps({"r": RESIDENT_ID}) + "\n", encoding="utf-8")
    return [str(tmp_path / "crm.sqlite"), str(data), "mysql://root:hunter2pw@localhost/x"]


def test_discover_writes_loadable_deterministic_drafts_without_raw_values(tmp_path: Path) -> None:
    sources = _planted(tmp_path)
    first = run_cli("discover", *sources, "-o", str(tmp_path / "out1"), "--seed", "3")
    second = run_cli("discover", *sources, "-o", str(tmp_path / "out2"), "--seed", "3")
    assert (
        first.returncode == second.returncode == 2
    )  # the mysql source is refused; the others are written
    names = sorted(p.name for p in (tmp_path / "out1").iterdir())
    assert names == ["crm.yaml", "exports.yaml"]
    for name in names:
        assert (tmp_path / "out1" / name).read_bytes() == (tmp_path / "out2" / name).read_bytes()
    outputs = [first.stdout, first.stderr] + [
        p.read_text(encoding="utf-8") for p in (tmp_path / "out1").iterdir()
    ]
    for text in outputs:
        for planted in (RESIDENT_ID, PHONE, CARD, "hunter2pw", RESIDENT_ID[:-1] + "x"):
            assert planted not in text
    assert "mysql://root:****@localhost/x" in first.stderr

    taxonomy = load_taxonomy()
    files = sorted((tmp_path / "out1").iterdir())
    inventory = load_inventory(files, tmp_path, Limits(), taxonomy, keep_valid=True)
    assert not inventory.problems
    fields = {
        (r.id, f["name"]): f for r in inventory.of_kind("dataset") for f in r.attributes["fields"]
    }
    assert fields["crm.people", "remark"]["category"] == "id_card_number"
    assert fields["crm.people", "ext1"]["category"] == "phone_number"
    assert fields["crm.people", "pay"]["category"] == "bank_card"
    assert fields["exports.x.csv", "ext2"]["x_discovery"]["detector"] == "mobile"


@pytest.mark.slow
def test_audit_reads_the_draft_of_the_sample(tmp_path: Path) -> None:
    out = tmp_path / "target" / "inventory"
    done = run_cli("discover", str(SAMPLE / "shop.sqlite"), str(SAMPLE / "files"), "-o", str(out))
    assert done.returncode == 0, done.stderr
    report = tmp_path / "r.json"
    audit = run_cli(
        "audit", str(tmp_path / "target"), "--format", "json", "--output", str(report),
        "--fail-on", "never", "-q",
    )  # fmt: skip
    assert audit.returncode == 0, audit.stderr
    results = json.loads(report.read_text())
    assert not [r for r in results["results"] if r["rule_id"] == "DSAUDIT-INPUT"]
    assert not results["errors"]


def test_the_sample_database_is_what_its_generator_writes(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SAMPLE / "make_sample.py"), str(tmp_path)], capture_output=True
    )
    assert done.returncode == 0
    assert (tmp_path / "shop.sqlite").read_bytes() == (SAMPLE / "shop.sqlite").read_bytes()
    for name in ("members.csv", "events.jsonl"):
        assert (tmp_path / "files" / name).read_bytes() == (SAMPLE / "files" / name).read_bytes()


def test_the_digits_fast_path_agrees_with_find_pi() -> None:
    import random

    from dsaudit.redaction.pidetect import find_pi

    def slow(value: str) -> str | None:
        kinds = {m.kind for m in find_pi(value)}
        return next((k for k in detectors.PIDETECT_ORDER if k in kinds), None)

    rng = random.Random(5)
    values = [RESIDENT_ID, CARD, PHONE, "86" + PHONE, RESIDENT_ID.lower()]
    for _ in range(20_000):
        n = rng.randint(9, 21)
        value = rng.choice("123456789") + "".join(rng.choice("0123456789") for _ in range(n))
        values.append(value + "X" if rng.random() < 0.1 else value)
    for value in values:
        assert detectors.pidetect_kind(value) == slow(value), value
