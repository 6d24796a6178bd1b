"""Registers (CSV, XLSX) and Fides data maps: converted into the inventory format, loaded by the
inventory loader, audited in place, every problem named with file and place."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import pytest
import yaml
from projectkit import run

from dsaudit.audit import run_audit
from dsaudit.core.limits import Limits
from dsaudit.core.models import Status
from dsaudit.core.taxonomy import load_taxonomy
from dsaudit.project.config import build_config
from dsaudit.sources.fides import fides_mapping, map_category
from dsaudit.sources.inventory import load_inventory
from dsaudit.sources.register_layout import COLUMNS, HEADERS, template_csv

HERE = Path(__file__).parent
FIDES = HERE / "imports" / "shop.fides.yaml"

REGISTER_ZH = """\
系统,数据集,数据集名称,字段,数据类别,分级,存储地,保存期限,处理依据,受托方,加密
crm,customers,客户表,手机号,phone_number,一般,境内,1095天,同意,云服务商甲,是
crm,customers,,身份证号,id_card_number,,,,,,否
crm,orders,订单表,卡号,biometrics,一般,境内,180,合同,,
"""

REGISTER_EN = """\
system,dataset,field,category,classification,storage_region,retention_days,legal_basis
crm,customers,mobile,phone_number,general,CN,1095,consent
crm,customers,id_no,id_card_number,,,,
"""


def load(paths: list[Path], root: Path, keep_valid: bool = True):  # type: ignore[no-untyped-def]
    return load_inventory(paths, root, Limits(), load_taxonomy(), keep_valid=keep_valid)


def test_a_csv_register_with_chinese_headers_is_loaded_and_a_bad_category_named(
    tmp_path: Path,
) -> None:
    path = tmp_path / "register.csv"
    path.write_text(REGISTER_ZH, "utf-8")
    inventory = load([path], tmp_path)
    datasets = {r.id: r.attributes for r in inventory.of_kind("dataset")}
    assert list(datasets) == ["customers"]  # orders has the bad category: left out
    customers = datasets["customers"]
    assert customers["system"] == "crm" and customers["classification"] == "general"
    assert customers["storage_region"] == "CN" and customers["retention_days"] == 1095
    assert customers["legal_basis"] == "consent"
    assert customers["fields"] == [
        {"name": "手机号", "category": "phone_number", "encrypted": True},
        {"name": "身份证号", "category": "id_card_number", "encrypted": False},
    ]
    assert [r.id for r in inventory.of_kind("processor")] == ["云服务商甲"]
    [problem] = inventory.problems
    assert (problem.file, problem.line) == ("register.csv", 4)
    assert "row 4, column E (数据类别)" in problem.message
    assert "'biometrics' (did you mean 'biometric'?)" in problem.message


def test_english_and_chinese_headers_give_the_same_inventory(tmp_path: Path) -> None:
    en = tmp_path / "en.csv"
    en.write_text(REGISTER_EN, "utf-8")
    zh = tmp_path / "zh.csv"
    zh.write_text(
        "系统,数据集,字段,数据类别,分级,存储地,保存期限,处理依据\n"
        "crm,customers,mobile,phone_number,一般,中国,1095,同意\n"
        "crm,customers,id_no,id_card_number,,,,\n",
        "utf-8",
    )
    assert [r.attributes for r in load([en], tmp_path).resources] == [
        r.attributes for r in load([zh], tmp_path).resources
    ]


def test_every_column_has_an_english_and_a_chinese_header() -> None:
    for column in COLUMNS:
        assert HEADERS[column.key] is column
        assert HEADERS[column.zh] is column


def test_register_problems_name_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "dataset,field,category,retention_days,storage_region,字段类型\n"
        "a,x,phone_number,3年,CN,\n"
        "b,y,email,30,Mars,\n"
        "c,z,salary,30,CN,\n"
        "d,w,email,30,CN,\n"
        "d,v,email,60,CN,\n",
        "utf-8",
    )
    inventory = load([path], tmp_path)
    messages = [f"{p.line}: {p.message}" for p in inventory.problems]
    assert any(m.startswith("1: row 1, column F (字段类型): unknown column") for m in messages)
    assert any(m.startswith("2: row 2, column D (retention_days): '3年'") for m in messages)
    assert any(m.startswith("3: row 3, column E (storage_region): 'Mars'") for m in messages)
    # meaning before spelling: the taxonomy's aliases suggest asset_record for salary
    assert any("row 4, column C (category)" in m and "'asset_record'" in m for m in messages)
    assert any("row 6, column D (retention_days)" in m and "differs from 30" in m for m in messages)
    assert inventory.of_kind("dataset") == []


def test_missing_required_columns_name_them(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("系统,字段\ncrm,x\n", "utf-8")
    [problem] = load([path], tmp_path).problems
    assert "no column dataset (数据集), category (数据类别)" in problem.message


def test_the_shipped_template_is_the_layout_and_loads(tmp_path: Path) -> None:
    shipped = resources.files("dsaudit").joinpath("data/templates/register.csv")
    assert shipped.read_text("utf-8") == template_csv()
    result = run("inventory", "template", "-o", tmp_path / "register.csv")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "register.csv").read_text("utf-8") == template_csv()
    inventory = load([tmp_path / "register.csv"], tmp_path, keep_valid=False)
    assert [r.id for r in inventory.of_kind("dataset")] == ["customers"]
    again = run("inventory", "template", "-o", tmp_path / "register.csv")
    assert again.exit_code == 2 and "already exists" in again.output


def test_an_xlsx_register_names_the_sheet(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip(
        "openpyxl", reason="openpyxl (dsaudit[register]) is not installed: XLSX is not readable"
    )
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "说明"
    notes.append(["本表登记个人信息"])
    sheet = book.create_sheet("数据资产")
    sheet.append(["系统", "数据集", "字段", "数据类别", "保存期限", "加密"])
    sheet.append(["crm", "customers", "手机号", "phone_number", 1095, True])
    sheet.append(["crm", "customers", "人脸", "faces", 1095.0, None])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["crm", "visits", "位置", "precise_location", "长期", "否"])
    path = tmp_path / "inventory" / "register.xlsx"
    path.parent.mkdir()
    book.save(path)
    inventory = load([path], tmp_path)
    datasets = {r.id: r for r in inventory.of_kind("dataset")}
    assert list(datasets) == ["visits"]
    assert datasets["visits"].attributes["retention_days"] == "indefinite"
    location = datasets["visits"].location()
    assert (location.file, location.line) == ("inventory/register.xlsx", 5)
    [problem] = inventory.problems
    assert problem.message.startswith("sheet '数据资产', row 3, column D (数据类别): datasets")
    assert "'faces' (did you mean 'face'?)" in problem.message


def test_the_fides_mapping_names_only_taxonomy_categories() -> None:
    taxonomy = load_taxonomy()
    for key, (to, note) in fides_mapping().items():
        assert to is None or to in taxonomy, key
        assert to is not None or note, f"{key}: an unmapped category says why"
    assert map_category("user.contact.address.city") == ("address", "")
    assert map_category("user.government_id.passport_number")[0] == "passport"
    assert map_category("user.biometric")[0] == "biometric"
    assert map_category("user.health_and_medical")[0] == "medical_health"
    assert map_category("user.financial.bank_account")[0] == "bank_account"
    assert map_category("user.location.precise")[0] == "precise_location"
    assert map_category("user.location")[0] is None
    assert map_category("user.custom_thing")[0] is None  # the root user maps nothing
    assert map_category("custom.category")[0] is None


def test_a_fides_map_is_loaded_and_an_unmapped_category_reported(tmp_path: Path) -> None:
    target = tmp_path / "inventory" / "shop.fides.yaml"
    target.parent.mkdir()
    target.write_bytes(FIDES.read_bytes())
    inventory = load([target], tmp_path)
    [system] = inventory.of_kind("system")
    assert system.attributes == {"id": "web_shop", "name": "Web shop"}
    datasets = {r.id: r.attributes for r in inventory.of_kind("dataset")}
    assert list(datasets) == ["shop_db.customers", "shop_db.payments"]
    customers = datasets["shop_db.customers"]
    assert customers["system"] == "web_shop" and customers["purposes"] == ["essential.service"]
    assert [(f["name"], f["category"]) for f in customers["fields"]] == [
        ("email", "email"),
        ("mobile", "phone_number"),
        ("id_number", "id_card_number"),
        ("address.city", "address"),
        ("address.street", "address"),
    ]
    payments = [(f["name"], f["category"]) for f in datasets["shop_db.payments"]["fields"]]
    # a field without categories takes its collection's
    assert payments == [
        ("iban", "bank_account"),
        ("card", "bank_card"),
        ("amount", "financial_account"),
    ]
    [problem] = inventory.problems
    assert (problem.file, problem.line) == ("inventory/shop.fides.yaml", 34)
    assert "'user.demographic.political_opinion' has no dsaudit category" in problem.message
    assert "surveys" in problem.message


def test_convert_writes_deterministic_inventory_files_that_load(tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    register.write_text(REGISTER_EN, "utf-8")
    outputs = []
    for name in ("a", "b"):
        result = run("inventory", "convert", register, FIDES, "-o", tmp_path / name)
        assert result.exit_code == 2  # the unmapped category of the example
        assert "shop.fides.yaml:34:" in result.output
        outputs.append(sorted(p.name for p in (tmp_path / name).iterdir()))
    assert outputs[0] == ["fides.yaml", "register.yaml"]
    for file in outputs[0]:
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    written = [tmp_path / "a" / file for file in outputs[0]]
    inventory = load(written, tmp_path, keep_valid=False)
    assert {r.id for r in inventory.of_kind("dataset")} == {
        "customers",
        "shop_db.customers",
        "shop_db.payments",
    }
    text = (tmp_path / "a" / "register.yaml").read_text("utf-8")
    assert yaml.safe_load(text)["datasets"][0]["retention_days"] == 1095


def test_convert_refuses_a_bad_register_category_with_its_cell(tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    register.write_text(REGISTER_ZH, "utf-8")
    result = run("inventory", "convert", register, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "row 4, column E (数据类别): unknown data category 'biometrics'" in result.output
    assert "did you mean 'biometric'?" in result.output
    converted = yaml.safe_load((tmp_path / "out" / "register.yaml").read_text("utf-8"))
    assert [d["id"] for d in converted["datasets"]] == ["customers"]


def test_an_audit_reads_a_register_in_the_inventory_folder(tmp_path: Path) -> None:
    (tmp_path / "inventory").mkdir()
    (tmp_path / "inventory" / "org.yaml").write_text(
        "version: 1\norganization:\n  name: Test Co\n", "utf-8"
    )
    (tmp_path / "inventory" / "register.csv").write_text(REGISTER_ZH, "utf-8")
    (tmp_path / "inventory" / "~$register.xlsx").write_bytes(b"lock")  # Excel's lock file
    config = build_config(tmp_path, as_of=dt.date(2026, 6, 1))
    result = run_audit(config)
    errors = [r for r in result.all_results() if r.status is Status.ERROR]
    assert [(e.location.file, e.location.line) for e in errors] == [("inventory/register.csv", 4)]
    assert "row 4, column E (数据类别)" in errors[0].message
    audited = {r.resource_id for r in result.all_results() if r.resource_kind == "dataset"}
    assert "customers" in audited and "orders" not in audited


def test_the_fides_mapping_is_documented_as_shipped() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "taxonomy.md").read_text("utf-8")
    section = doc.split("## Fides data categories", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    shipped = []
    for key, (to, note) in fides_mapping().items():
        target = f"`{to}`" if to else "**not mapped**"
        shipped.append(f"| `{key}` | {target} | {note.replace('|', chr(92) + '|')} |")
    assert rows == shipped


def test_a_file_that_is_not_a_workbook_or_a_zip_bomb_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("openpyxl", reason="openpyxl (dsaudit[register]) is not installed")
    import zipfile

    from dsaudit.sources import register_cells as register

    fake = tmp_path / "fake.xlsx"
    fake.write_text("系统,数据集\n", "utf-8")
    [problem] = load([fake], tmp_path).problems
    assert problem.message.startswith("cannot read the register: ")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 100_000)
    monkeypatch.setattr(register, "MAX_XLSX_UNPACKED", 50_000)
    [problem] = load([bomb], tmp_path).problems
    assert "unpacks to 100000 bytes, more than 50000" in problem.message
