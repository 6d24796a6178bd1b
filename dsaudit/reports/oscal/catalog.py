"""The provisions of ``dsaudit/data/provisions.yaml`` as an OSCAL catalog (docs/oscal.md).

Control ids are ``{law}-art-{article}`` in lower case (``pipl-art-51``); each control has a
statement part ``{control-id}_smt`` that the Assessment Results findings target.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from dsaudit.core.models import AuditResult
from dsaudit.redaction.redact import redact_audit
from dsaudit.reports.oscal.common import (
    _TOKEN_UNSAFE,
    NS,
    OSCAL_VERSION,
    _modified,
    _prop,
    _run_key,
    _text,
    _token,
    _Uuids,
)
from dsaudit.reports.records import (
    metadata_record,
)


@dataclass(frozen=True, slots=True)
class Control:
    """One provision as an OSCAL control."""

    id: str
    law: str
    article: str
    title: str
    checkable: bool | None
    reason: str = ""
    former_article: str | None = None
    listed: bool = True


def control_id(law: str, article: str) -> str:
    """The control id of a provision: ``pipl-art-51``, ``gbt35273-art-6.3`` (an OSCAL token)."""
    article_part = _TOKEN_UNSAFE.sub("-", article.lower()).strip("-.") or "0"
    law_part = _TOKEN_UNSAFE.sub("-", law.lower()).strip("-.") or "law"
    return f"{law_part}-art-{article_part}"


def statement_id(law: str, article: str) -> str:
    """The id of a provision's statement part, the target of its findings."""
    return f"{control_id(law, article)}_smt"


def provisions_catalog(audit: AuditResult | None = None) -> dict[str, Any]:
    """The OSCAL catalog of the tracked provisions (and those ``audit`` cites beyond them)."""
    if audit is not None:
        audit = redact_audit(audit)
    meta = metadata_record(audit.metadata) if audit is not None else {}
    controls = _controls(audit)
    titles = _instruments()
    digest = _provisions_digest()
    make = _Uuids(f"catalog/{digest}/{_run_key(meta)}")
    groups = []
    by_law: dict[str, list[Control]] = defaultdict(list)
    for control in controls:
        by_law[control.law].append(control)
    for law in sorted(by_law):
        groups.append(
            {
                "id": _token(law.lower()),
                "class": "instrument",
                "title": _text(titles.get(law, law)),
                "props": [_prop("law-code", law, ns=NS)],
                "controls": [_control(c) for c in by_law[law]],
            }
        )
    catalog: dict[str, Any] = {
        "uuid": make("catalog"),
        "metadata": {
            "title": "Provisions of China's data-security instruments tracked by dsaudit",
            "last-modified": _modified(meta),
            "version": f"provisions-{digest[:12]}",
            "oscal-version": OSCAL_VERSION,
            "props": [_prop("provisions-sha256", digest, ns=NS)],
        },
        "groups": groups,
    }
    return {"catalog": catalog}


def _control(control: Control) -> dict[str, Any]:
    props = [_prop("label", f"{control.law} Art. {control.article}")]
    if control.former_article:
        props.append(_prop("former-article", control.former_article, ns=NS))
    if control.checkable is not None:
        props.append(_prop("checkable", "true" if control.checkable else "false", ns=NS))
    if not control.listed:
        props.append(_prop("listed", "false", ns=NS))
    record: dict[str, Any] = {
        "id": control.id,
        "class": "provision",
        "title": _text(f"{control.law} Art. {control.article}: {control.title}"),
        "props": props,
        "parts": [
            {
                "id": f"{control.id}_smt",
                "name": "statement",
                "prose": _text(control.title),
            }
        ],
    }
    if control.reason:
        record["parts"].append(
            {"id": f"{control.id}_gdn", "name": "guidance", "prose": _text(control.reason)}
        )
    return record


@cache
def _provisions_text() -> str:
    return resources.files("dsaudit").joinpath("data/provisions.yaml").read_text("utf-8")


def _provisions_digest() -> str:
    return hashlib.sha256(_provisions_text().encode("utf-8")).hexdigest()


@cache
def _provisions_data() -> dict[str, Any]:
    data = yaml.safe_load(_provisions_text())
    return data if isinstance(data, dict) else {}


def _instruments() -> dict[str, str]:
    raw = _provisions_data().get("instruments") or {}
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


def _controls(audit: AuditResult | None) -> list[Control]:
    """The shipped provisions in file order, then cited provisions missing from them."""
    controls: dict[str, Control] = {}
    for raw in _provisions_data().get("provisions") or []:
        if not isinstance(raw, dict) or "law" not in raw or "article" not in raw:
            continue
        law, article = str(raw["law"]), str(raw["article"])
        former = raw.get("former_article")
        controls.setdefault(
            control_id(law, article),
            Control(
                id=control_id(law, article),
                law=law,
                article=article,
                title=str(raw.get("title") or f"{law} Art. {article}"),
                checkable=bool(raw.get("checkable")),
                reason=str(raw.get("reason") or "").strip(),
                former_article=str(former) if former else None,
            ),
        )
    if audit is not None:
        extra: dict[str, Control] = {}
        for rule in audit.rules.values():
            for ref in rule.refs:
                cid = control_id(ref.law, ref.article)
                if cid not in controls and cid not in extra:
                    extra[cid] = Control(
                        id=cid,
                        law=ref.law,
                        article=ref.article,
                        title=ref.title or f"{ref.law} Art. {ref.article}",
                        checkable=None,
                        former_article=ref.former_article,
                        listed=False,
                    )
        controls.update(dict(sorted(extra.items())))
    return list(controls.values())
