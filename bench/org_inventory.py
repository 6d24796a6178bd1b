"""Inventory records of the synthetic organization (inventory format v1).

Every record ``i`` of a section is drawn from its own ``random.Random(f"{seed}:{section}:{i}")``,
so it depends only on the seed, its index and the sizes it refers to (number of systems and
datasets). Most records are compliant; a few percent carry a planted problem. :func:`flags`
names the problems a record has, computed from the finished record, so the counts written to
the generator's manifest are facts about the data, not intentions.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from typing import Any

AS_OF = dt.date(2026, 6, 30)
"""The reference date every generated date is relative to (pass it to ``dsaudit --as-of``)."""

GENERAL_CATEGORIES = (
    "name",
    "phone_number",
    "email",
    "address",
    "gender",
    "birth_date",
    "device_id",
    "ip_address",
    "account_id",
    "usage_record",
    "coarse_location",
    "preference",
)
SENSITIVE_CATEGORIES = (
    "id_card_photo",  # sensitive under both profiles (an ID number alone is not under GB/T 45574)
    "face",
    "fingerprint",
    "medical_record",
    "bank_card",
    "precise_location",
    "transaction_record",
    "password",
)
MINOR = "minor_under_14"
PURPOSES = (
    "customer_service",
    "order_fulfilment",
    "marketing",
    "risk_control",
    "analytics",
    "payroll",
    "recruitment",
    "product_improvement",
    "legal_compliance",
)
SYSTEM_TYPES = ("web", "app", "mini_program", "database", "data_warehouse", "crm", "erp", "payment")
FOREIGN_REGIONS = ("US", "SG", "DE", "JP", "HK")
RECIPIENTS = ("Acme Analytics Inc.", "Globex Cloud Pte. Ltd.", "Initech GmbH", "Umbrella KK")
VENDORS = ("CloudCall", "SmsFast", "PayBridge", "LogiTrack", "AdReach", "HRSaaS", "OCRPlus")


def rng_for(seed: int, section: str, index: int) -> random.Random:
    """The random stream of record ``index`` of ``section``."""
    return random.Random(f"{seed}:{section}:{index}")


def days_ago(rng: random.Random, low: int, high: int) -> str:
    """A quoted-ISO date between ``high`` and ``low`` days before :data:`AS_OF`."""
    return (AS_OF - dt.timedelta(days=rng.randint(low, high))).isoformat()


def system_id(index: int) -> str:
    return f"sys-{index + 1:04d}"


def dataset_id(index: int) -> str:
    return f"ds-{index + 1:06d}"


def organization(seed: int) -> dict[str, Any]:
    rng = rng_for(seed, "organization", 0)
    return {
        "name": "Example Data Technology Co., Ltd.",
        "industry": rng.choice(["e-commerce", "fintech", "healthcare", "logistics"]),
        "is_ciio": False,
        "individuals_total": rng.randrange(2_000_000, 40_000_000, 1000),
        "pipo": {
            "name": "Wang Fang",
            "contact": "pipo@example.com",
            "filed_at": days_ago(rng, 200, 700),
        },
        "last_pi_audit": days_ago(rng, 30, 300),
        "data_security_officer": {
            "name": "Li Qiang",
            "is_management": True,
            "contact": "dso@example.com",
        },
        "data_security_body": "Data Security Committee",
        "privacy_notice": {
            "url": "https://www.example.com/privacy",
            "controller": "Example Data Technology Co., Ltd.",
            "contact": "privacy@example.com",
            "purposes": list(PURPOSES[:5]),
        },
        "dsr_channel": "https://www.example.com/privacy/requests",
        "account_deletion": True,
        "incident_response_plan": {
            "document": "https://intranet.example.com/security/irp-v3.pdf",
            "reviewed_at": days_ago(rng, 20, 300),
        },
    }


def system(seed: int, index: int) -> dict[str, Any]:
    rng = rng_for(seed, "system", index)
    level = rng.choices([1, 2, 3, 4], weights=[20, 55, 23, 2])[0]
    kind = rng.choice(SYSTEM_TYPES)
    out: dict[str, Any] = {
        "id": system_id(index),
        "name": f"{kind.replace('_', ' ')} {index + 1}",
        "type": kind,
        "mlps_level": level,
    }
    if rng.random() >= 0.02:  # 2 %: nobody named responsible for its security
        out["security_owner"] = rng.choice(["Zhang Wei", "Liu Yang", "Chen Jing", "Zhao Lei"])
    if level >= 2 and rng.random() >= 0.02:  # 2 %: level 2+ system never filed
        number = f"{rng.randint(11, 65)}{rng.randint(1000, 9999)}-{rng.randint(10000, 99999)}"
        out["mlps_filing"] = {"number": number, "filed_at": days_ago(rng, 60, 1500)}
    if level >= 3:  # yearly evaluation; 5 % are overdue
        out["last_mlps_eval"] = (
            days_ago(rng, 400, 700) if rng.random() < 0.05 else days_ago(rng, 10, 330)
        )
    return out


def _field(rng: random.Random, category: str, purposes: list[str]) -> dict[str, Any]:
    return {"name": category, "category": category, "purpose": rng.choice(purposes)}


def dataset(seed: int, index: int, systems: int) -> dict[str, Any]:
    rng = rng_for(seed, "dataset", index)
    purposes = rng.sample(PURPOSES, rng.choice([1, 1, 2, 3]))
    categories = rng.sample(GENERAL_CATEGORIES, rng.randint(2, 7))
    if rng.random() < 0.25:
        categories += rng.sample(SENSITIVE_CATEGORIES, rng.randint(1, 2))
    has_minors = rng.random() < 0.03
    if has_minors:
        categories.append(MINOR)
    sensitive = has_minors or any(c in SENSITIVE_CATEGORIES for c in categories)
    individuals = int(10 ** rng.uniform(2, 6.8))
    classification = rng.choices(["general", "important", "core"], weights=[93, 6, 1])[0]
    region = "CN" if rng.random() < 0.95 else rng.choice(FOREIGN_REGIONS)
    legal_basis = rng.choices(
        ["consent", "contract", "hr", "legal_obligation", "public_info"],
        weights=[55, 25, 10, 7, 3],
    )[0]
    if sensitive:  # sensitive PI is handled on consent here (PIPL Art. 29 and 31)
        legal_basis = "consent"
    if has_minors:
        consent = "guardian" if rng.random() >= 0.05 else "consent"  # 5 %: no guardian consent
    elif sensitive:
        consent = "separate" if rng.random() >= 0.04 else "consent"  # 4 %: no separate consent
    else:
        consent = "consent" if legal_basis == "consent" else "none"
    out: dict[str, Any] = {
        "id": dataset_id(index),
        "name": f"{purposes[0].replace('_', ' ')} data {index + 1}",
        "system": system_id(rng.randrange(systems)),
        "classification": classification,
        "storage_region": region,
        "encryption_at_rest": rng.random() >= (0.04 if sensitive else 0.05),
        "encryption_in_transit": rng.random() >= 0.02,
        "backup": rng.random() >= 0.03,
        "retention_days": rng.choice([90, 180, 365, 730, 1095, 1825]),
        "purposes": purposes,
        "legal_basis": legal_basis,
        "consent_type": consent,
        "individuals": individuals,
        "sensitive_individuals": individuals if sensitive else 0,
        "minors_under_14": has_minors,
        "deletion_on_expiry": rng.random() >= 0.03,
        "fields": [_field(rng, c, purposes) for c in categories],
    }
    # the records most datasets keep; each missing from a few percent of them
    if rng.random() >= 0.01:
        out["access_control"] = "rbac"
    if sensitive and rng.random() >= 0.04:
        out["necessity_justification"] = f"needed for {purposes[0].replace('_', ' ')}"
    if classification != "general" and rng.random() >= 0.05:
        out["important_data_declared_at"] = days_ago(rng, 30, 700)
    if has_minors:
        out["access_approval_required"] = rng.random() >= 0.05
        out["access_logging"] = True
        if rng.random() >= 0.05:
            out["children_policy"] = "https://www.example.com/privacy/children"
    return out


def transfer(seed: int, index: int, datasets: int) -> dict[str, Any]:
    """A cross-border transfer, with the mechanism the 2024 thresholds call for (mostly)."""
    rng = rng_for(seed, "transfer", index)
    important = rng.random() < 0.03
    sensitive = rng.random() < 0.3
    individuals = int(10 ** rng.uniform(2.5, 6.5))
    sensitive_individuals = min(individuals, int(10 ** rng.uniform(1, 4.6))) if sensitive else 0
    categories = rng.sample(GENERAL_CATEGORIES, 3)
    if sensitive:
        categories.append(rng.choice(SENSITIVE_CATEGORIES))
    if important or individuals >= 1_000_000 or sensitive_individuals >= 10_000:
        mechanism = "security_assessment"
    elif individuals >= 100_000 or sensitive_individuals > 0:
        mechanism = rng.choice(["standard_contract", "standard_contract", "certification"])
    else:
        mechanism = "exemption"
    if rng.random() < 0.04:  # 4 %: a weaker mechanism than required, or none
        mechanism = rng.choice(["none", "standard_contract", "exemption"])
    ids = sorted({dataset_id(rng.randrange(datasets)) for _ in range(rng.randint(1, 3))})
    out: dict[str, Any] = {
        "id": f"xfer-{index + 1:05d}",
        "datasets": ids,
        "destination": rng.choice(FOREIGN_REGIONS),
        "recipient": rng.choice(RECIPIENTS),
        "categories": categories,
        "individuals_ytd": individuals,
        "sensitive_individuals_ytd": sensitive_individuals,
        "contains_important": important,
        "mechanism": mechanism,
        "separate_consent": rng.random() >= 0.03,  # 3 %: no separate consent (PIPL Art. 39)
        "notice_includes_recipient": rng.random() >= 0.03,
        "recipient_contact": "dpo@recipient.example",
        "year": AS_OF.year,
    }
    if mechanism == "exemption":
        out["exemption"] = rng.choice(
            ["small_volume", "contract_with_individual", "cross_border_hr"]
        )
    if rng.random() >= 0.03:  # 3 %: no PI impact assessment on file (PIPL Art. 55)
        out["pia_date"] = days_ago(rng, 10, 500)
    return out


def processor(seed: int, index: int, datasets: int) -> dict[str, Any]:
    rng = rng_for(seed, "processor", index)
    ids = sorted({dataset_id(rng.randrange(datasets)) for _ in range(rng.randint(1, 4))})
    out: dict[str, Any] = {
        "id": f"proc-{index + 1:04d}",
        "name": f"{rng.choice(VENDORS)} {index + 1}",
        "datasets": ids,
    }
    if rng.random() >= 0.03:  # 3 %: entrusted processing without a contract (PIPL Art. 21)
        years = rng.choice([1, 2, 3])
        signed = AS_OF - dt.timedelta(days=rng.randint(30, 1000))
        out["contract"] = {
            "signed_at": signed.isoformat(),
            "expires_at": (signed + dt.timedelta(days=365 * years)).isoformat(),
            "purpose": rng.choice(PURPOSES),
            "term": f"{years} year{'s' if years > 1 else ''}",
            "deletion_on_end": rng.random() >= 0.05,
        }
    return out


def assessment(seed: int, index: int, datasets: int) -> dict[str, Any]:
    rng = rng_for(seed, "assessment", index)
    kind = rng.choice(["pia", "pia", "pia", "pi_audit", "important_data_risk", "mlps_eval"])
    done = AS_OF - dt.timedelta(days=rng.randint(5, 900))
    covers = sorted({dataset_id(rng.randrange(datasets)) for _ in range(rng.randint(1, 3))})
    return {
        "id": f"asm-{index + 1:05d}",
        "kind": kind,
        "date": done.isoformat(),
        "covers": covers,
        "conducted_by": rng.choice(["internal security team", "external auditor"]),
        "result": rng.choices(["passed", "passed with actions", "failed"], weights=[80, 17, 3])[0],
        "retained_until": (done + dt.timedelta(days=365 * 3)).isoformat(),
    }


def flags(section: str, record: Mapping[str, Any]) -> list[str]:
    """Labels of the planted problems ``record`` carries (see docs/performance.md)."""
    out = []
    if section == "systems":
        if record["mlps_level"] >= 2 and "mlps_filing" not in record:
            out.append("system.mlps_not_filed")
        if "security_owner" not in record:
            out.append("system.no_security_owner")
        if record.get("last_mlps_eval", "9999") < (AS_OF - dt.timedelta(days=365)).isoformat():
            out.append("system.mlps_eval_overdue")
    elif section == "datasets":
        if record["minors_under_14"]:
            if record["consent_type"] != "guardian":
                out.append("dataset.minors_without_guardian_consent")
        elif record["sensitive_individuals"] and record["consent_type"] != "separate":
            out.append("dataset.sensitive_without_separate_consent")
        if record["sensitive_individuals"] and not record["encryption_at_rest"]:
            out.append("dataset.sensitive_not_encrypted")
        if record["classification"] != "general" and record["storage_region"] != "CN":
            out.append("dataset.important_stored_abroad")
        if record["classification"] != "general" and not record["backup"]:
            out.append("dataset.important_not_backed_up")
        if "access_control" not in record:
            out.append("dataset.no_access_control")
    elif section == "transfers":
        if record["mechanism"] == "none":
            out.append("transfer.no_mechanism")
        if not record["separate_consent"]:
            out.append("transfer.no_separate_consent")
        if "pia_date" not in record:
            out.append("transfer.no_pia")
    elif section == "processors" and "contract" not in record:
        out.append("processor.no_contract")
    return out
