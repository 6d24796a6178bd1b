"""Constants and helpers shared by the OSCAL modules: UUIDs, times, strings, props."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from typing import Any

from dsaudit.core.models import Status

OSCAL_VERSION = "1.0.6"
NS = "https://github.com/dsaudit/dsaudit/ns/oscal"
"""The namespace of dsaudit's own ``props`` and characterization facets."""
CATALOG_MEDIA_TYPE = "application/oscal.catalog+json"
_UUID_NAMESPACE = uuid.UUID("5f0c5d3e-8a51-5b1e-9d8e-647361756469")
_EPOCH = "1970-01-01T00:00:00Z"
_FAILED = (Status.FAIL, Status.WAIVED, Status.SUPPRESSED)
_RISK_STATUS = {
    Status.FAIL: "open",
    Status.WAIVED: "deviation-approved",
    Status.SUPPRESSED: "deviation-requested",
}
_DATETIME = re.compile(
    r"(19|2\d)\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)",
)
_ONE_LINE = ("observations", "risks", "findings", "resources", "inventory-items")
_TOKEN_UNSAFE = re.compile(r"[^a-z0-9.]+")


class _Uuids:
    """Version-5 UUIDs from a run key and a name; a repeated name gets a counter."""

    def __init__(self, key: str) -> None:
        self._base = uuid.uuid5(_UUID_NAMESPACE, key)
        self._seen: dict[str, int] = {}

    def __call__(self, name: str) -> str:
        count = self._seen.get(name, 0)
        self._seen[name] = count + 1
        return str(uuid.uuid5(self._base, name if count == 0 else f"{name}#{count}"))


def _run_key(meta: Mapping[str, Any]) -> str:
    """The metadata that identifies a run: times, target, tool, packs and input digests."""
    keyed = {
        key: meta.get(key)
        for key in ("started_at", "finished_at", "as_of", "target", "organization", "tool")
    }
    keyed["packs"] = [
        (p.get("name"), p.get("version"), p.get("sha256"))
        for p in meta.get("packs") or []
        if isinstance(p, dict)
    ]
    keyed["inputs"] = [
        (i.get("path"), i.get("sha256")) for i in meta.get("inputs") or [] if isinstance(i, dict)
    ]
    return hashlib.sha256(json.dumps(keyed, sort_keys=True, default=str).encode()).hexdigest()


def _modified(meta: Mapping[str, Any]) -> str:
    for key in ("finished_at", "started_at"):
        value = meta.get(key)
        if isinstance(value, str) and _DATETIME.fullmatch(value):
            return value
    return _EPOCH


def _text(value: object) -> str:
    """A non-empty string without leading or trailing whitespace (OSCAL StringDatatype)."""
    text = " ".join(str(value).split()) if value is not None else ""
    return text or "-"


def _token(value: str) -> str:
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", value).strip("-")
    return text if text and (text[0].isalpha() or text[0] == "_") else f"_{text}"


def _prop(name: str, value: object, *, ns: str | None = None) -> dict[str, str]:
    prop = {"name": name, "value": _text(value)}
    if ns:
        prop["ns"] = ns
    return prop
