"""The register layout (docs/inventory.md, "The register layout"): its columns with their
English and Chinese headers, the words a register may use for values (是/否, 一般/重要/核心,
境内/香港, 同意/合同, ...), and the template written from them (CSV, or XLSX through openpyxl).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    """The inventory key (and the English header)."""
    zh: str
    """The Chinese header of the template."""
    level: str
    """``system``, ``dataset``, ``field`` or ``processor``."""
    kind: str
    """How the cell is read: text, id, list, bool, int, classification, region, retention,
    legal_basis."""
    meaning: str
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "system",
        "系统",
        "system",
        "id",
        "Id of the system that holds the dataset (a system record is created with this id "
        "and name).",
        ("system_id", "所属系统", "信息系统", "系统名称"),
    ),
    Column(
        "dataset",
        "数据集",
        "dataset",
        "id",
        "Id of the dataset (table, bucket, file share); the rows of one dataset share it.",
        ("dataset_id", "数据集编号", "数据资产"),
        required=True,
    ),
    Column(
        "dataset_name", "数据集名称", "dataset", "text", "Name of the dataset.", ("数据资产名称",)
    ),
    Column(
        "field",
        "字段",
        "field",
        "text",
        "Column or attribute name.",
        ("field_name", "column", "字段名", "字段名称", "数据项"),
        required=True,
    ),
    Column(
        "category",
        "数据类别",
        "field",
        "category",
        "Taxonomy category of the field (docs/taxonomy.md).",
        ("data_category", "类别", "数据分类", "个人信息类别"),
        required=True,
    ),
    Column(
        "classification",
        "分级",
        "dataset",
        "classification",
        "general, important or core (一般, 重要, 核心): DSL Art. 21.",
        ("grade", "数据分级", "级别", "数据级别"),
    ),
    Column(
        "storage_region",
        "存储地",
        "dataset",
        "region",
        "Region code (CN, CN-HK, SG, ...); 境内/中国 is CN, 香港 CN-HK, 澳门 CN-MO, 台湾 CN-TW.",
        ("region", "存储地域", "存储位置", "存储地点"),
    ),
    Column(
        "retention_days",
        "保存期限",
        "dataset",
        "retention",
        "Days (180, 180天) or indefinite (长期, 永久).",
        ("retention", "保存期限（天）", "保存期限(天)", "存储期限"),
    ),
    Column(
        "legal_basis",
        "处理依据",
        "dataset",
        "legal_basis",
        "PIPL Art. 13 basis: consent, contract, hr, legal_obligation, emergency, news, "
        "public_info, other_law (同意, 合同, 人力资源管理, 法定职责或义务, 紧急情况, 新闻报道, "
        "已公开信息, 法律法规).",
        ("basis", "合法性基础", "处理的合法性基础"),
    ),
    Column(
        "purposes",
        "处理目的",
        "dataset",
        "list",
        "Purposes of processing, separated by ; or 、.",
        ("purpose", "目的", "使用目的"),
    ),
    Column(
        "processors",
        "受托方",
        "processor",
        "list",
        "Entrusted processors (PIPL Art. 21) of the dataset, separated by ; or 、 (a processor "
        "record is created per name).",
        ("processor", "受托处理者", "委托处理方"),
    ),
    Column(
        "owner", "负责人", "dataset", "text", "Data owner.", ("data_owner", "数据负责人", "责任人")
    ),
    Column(
        "individuals",
        "个人数量",
        "dataset",
        "int",
        "Individuals whose PI the dataset holds.",
        ("涉及个人数量", "人数"),
    ),
    Column(
        "encrypted",
        "加密",
        "field",
        "bool",
        "The field is stored encrypted (是/否).",
        ("是否加密",),
    ),
    Column(
        "masked",
        "脱敏",
        "field",
        "bool",
        "The field is masked when displayed (是/否).",
        ("是否脱敏",),
    ),
    Column(
        "required",
        "必要",
        "field",
        "bool",
        "Needed for the core service (是/否); no means optional (PIPL Art. 16).",
        ("是否必要", "必需"),
    ),
    Column(
        "description",
        "备注",
        "field",
        "text",
        "Free text about the field.",
        ("说明", "notes", "remark"),
    ),
)
"""The register layout, in template order."""

TRUE = {"true", "yes", "y", "1", "是", "对", "有", "√"}
FALSE = {"false", "no", "n", "0", "否", "无", "×"}
CLASSIFICATION = {
    "general": "general",
    "important": "important",
    "core": "core",
    "一般": "general",
    "一般数据": "general",
    "重要": "important",
    "重要数据": "important",
    "核心": "core",
    "核心数据": "core",
}
LEGAL_BASIS = {
    "consent": "consent",
    "contract": "contract",
    "hr": "hr",
    "legal_obligation": "legal_obligation",
    "emergency": "emergency",
    "news": "news",
    "public_info": "public_info",
    "other_law": "other_law",
    "legitimate_interest": "legitimate_interest",
    "同意": "consent",
    "个人同意": "consent",
    "取得个人同意": "consent",
    "合同": "contract",
    "订立、履行合同": "contract",
    "订立或履行合同": "contract",
    "人力资源管理": "hr",
    "人力资源": "hr",
    "法定职责或义务": "legal_obligation",
    "法定职责或者法定义务": "legal_obligation",
    "法定义务": "legal_obligation",
    "法定职责": "legal_obligation",
    "紧急情况": "emergency",
    "突发公共卫生事件": "emergency",
    "新闻报道": "news",
    "舆论监督": "news",
    "已公开信息": "public_info",
    "公开信息": "public_info",
    "法律法规": "other_law",
    "法律、行政法规规定": "other_law",
    "法律法规规定": "other_law",
}
REGIONS = {
    "境内": "CN",
    "中国": "CN",
    "中国大陆": "CN",
    "中国境内": "CN",
    "大陆": "CN",
    "香港": "CN-HK",
    "中国香港": "CN-HK",
    "澳门": "CN-MO",
    "中国澳门": "CN-MO",
    "台湾": "CN-TW",
    "中国台湾": "CN-TW",
}
REGION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
DAYS = re.compile(r"^(\d+)\s*(天|日|days?|d)?$", re.IGNORECASE)
INDEFINITE = {"indefinite", "长期", "永久", "永久保存", "长期保存"}
SPLIT = re.compile(r"\s*[;；、\n]\s*")


def norm_header(header: str) -> str:
    text = header.strip().lower().lstrip("*").rstrip("*").strip()
    return re.sub(r"[\s_\-]+", "_", text)


HEADERS: dict[str, Column] = {}
for _column in COLUMNS:
    for _name in (_column.key, _column.zh, *_column.aliases):
        HEADERS[norm_header(_name)] = _column


def template_rows() -> list[list[str]]:
    """The template: the English header row is what the loader documents; the Chinese header
    row is what it also accepts. Both are written, Chinese first, so that a team can delete the
    one it does not use (a second header row is skipped, see :func:`_is_header`)."""
    return [
        [c.zh for c in COLUMNS],
        [c.key for c in COLUMNS],
        [
            "crm",
            "customers",
            "客户表",
            "mobile",
            "phone_number",
            "general",
            "CN",
            "1095",
            "consent",
            "会员服务",
            "",
            "张三",
            "120000",
            "是",
            "是",
            "是",
            "",
        ],
        [
            "crm",
            "customers",
            "",
            "id_no",
            "id_card_number",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "是",
            "是",
            "是",
            "实名认证",
        ],
    ]


def template_csv() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(template_rows())
    return buffer.getvalue()


def template_xlsx() -> bytes:
    """The same template as an XLSX workbook (needs openpyxl)."""
    openpyxl = openpyxl_module()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "数据资产登记表"
    for row in template_rows():
        sheet.append(row)
    notes = book.create_sheet("说明")
    notes.append(["column", "列", "meaning"])
    for c in COLUMNS:
        notes.append([c.key, c.zh, c.meaning])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class MissingExtra(Exception):
    """openpyxl is not installed."""


def openpyxl_module() -> Any:
    try:
        import openpyxl
    except ImportError as exc:
        raise MissingExtra(
            "reading or writing .xlsx registers needs openpyxl: pip install 'dsaudit[register]'"
        ) from exc
    return openpyxl
