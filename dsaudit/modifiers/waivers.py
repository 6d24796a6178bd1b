"""Waivers: risk accepted on the record, by someone other than who asked, until a date.

A waivers file (YAML, validated against ``schemas/waivers.schema.json``, see docs/waivers.md)::

    version: 1
    waivers:
      - id: W-2026-004
        rule: PIPL-38-TRANSFER-MECHANISM
        resources: [transfer-eu-*]          # resource ids or fnmatch patterns
        paths: [configs/legacy/*.yaml]      # and/or file globs (for config findings)
        justification: SCC filing in progress, CAC receipt expected in March
        requested_by: li.wei@example.cn
        approved_by: zhang.min@example.cn
        approved_on: 2026-01-15
        expires_on: 2026-03-31

A waiver covers a *failing* result of its rule whose resource id matches ``resources`` and
whose file matches ``paths`` (each only when given; at least one is required). It is in force
from ``approved_on`` to ``expires_on`` inclusive, judged at the audit date (``--as-of``).
A covered result becomes ``waived`` and carries the waiver as written. After expiry the result
fails again and its message says so. Every problem with the file is a
:class:`~dsaudit.core.errors.ConfigError` naming file and line.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema.exceptions import ValidationError

from dsaudit.core.errors import ConfigError
from dsaudit.core.limits import DEFAULT_LIMITS, Limits
from dsaudit.core.models import PathKey, Result, Status
from dsaudit.core.quoting import quote_value, with_value_quoted
from dsaudit.documents.safe_read import FileBytes
from dsaudit.documents.validated import (
    describe_plainly,
    line_of,
    load_validated,
    read_document_bytes,
    unknown_keys,
)
from dsaudit.modifiers.step import WAIVE_ORDER, Modified, ModifyContext, Step
from dsaudit.project.config import ProjectConfig

EXPIRY_WARNING_DAYS = 30
"""Waivers that expire within this many days of the audit date are warned about."""

_REFUSED = {
    "justification": "every waiver must say why the risk is accepted",
    "expires_on": "every waiver must expire; renew it when it runs out",
    "approved_by": "every waiver needs an approver",
    "requested_by": "every waiver names who asked for it",
}


@dataclass(frozen=True, slots=True)
class Waiver:
    """One waiver, validated."""

    id: str
    rule: str
    resources: tuple[str, ...]
    paths: tuple[str, ...]
    justification: str
    requested_by: str
    approved_by: str
    approved_on: dt.date
    expires_on: dt.date
    source: str
    """``file:line`` of the waiver, for messages."""
    record: Mapping[str, Any]
    """The waiver as written (dates as ISO strings): what reports show."""

    def matches(self, result: Result) -> bool:
        """Whether this waiver is about ``result`` (rule, resource and file), in force or not."""
        if result.rule_id != self.rule:
            return False
        if self.resources and not _globs(self.resources).match(result.resource_id):
            return False
        if self.paths:
            file = result.location.file
            if file is None or not _globs(self.paths).match(file):
                return False
        return True

    def is_expired(self, as_of: dt.date) -> bool:
        """Past its last valid day."""
        return as_of > self.expires_on

    def is_pending(self, as_of: dt.date) -> bool:
        """Approved after the audit date, so not yet in force."""
        return as_of < self.approved_on

    def in_force(self, as_of: dt.date) -> bool:
        """Approved on or before ``as_of`` and not expired."""
        return not self.is_expired(as_of) and not self.is_pending(as_of)


@cache
def _globs(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled regex for a tuple of fnmatch patterns (case-sensitive)."""
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))


# -- reading documents --------------------------------------------------------------------


def _label(data: Any, path: Sequence[PathKey]) -> str:
    """``waiver W-1: `` for errors inside a list item that has an id (else empty)."""
    if len(path) < 2 or not isinstance(path[0], str) or not isinstance(path[1], int):
        return ""
    item = data.get(path[0], [None])[path[1]] if isinstance(data, Mapping) else None
    if isinstance(item, Mapping) and isinstance(item.get("id"), str):
        return f"{path[0].rstrip('s')} {item['id']}: "
    return f"{path[0].rstrip('s')} #{path[1] + 1}: "


def _describe(error: ValidationError) -> str:
    if error.validator == "required":
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        required = error.validator_value if isinstance(error.validator_value, list) else []
        missing = [k for k in required if k not in instance]
        name = missing[0] if missing else str(error.validator_value)
        why = _REFUSED.get(name)
        return f"missing '{name}'" + (f": {why}" if why else "")
    if error.validator == "anyOf" and isinstance(error.instance, Mapping):
        return "names neither 'resources' nor 'paths': a waiver must say what it covers"
    if unknown_keys(error):
        return describe_plainly({}, error)
    key = "/".join(str(p) for p in error.absolute_path) or "(top level)"
    last = error.absolute_path[-1] if error.absolute_path else None
    if error.validator == "pattern" and last in _REFUSED:
        return f"'{last}' is blank: {_REFUSED[last]}"
    return f"{with_value_quoted(error.message, error.instance)} (at '{key}')"


def read_input(path: Path, display: str, limits: Limits = DEFAULT_LIMITS) -> FileBytes:
    """The bytes and SHA-256 of a waivers or baseline file, read once through the guarded
    reader (:mod:`dsaudit.documents.safe_read`); raise :class:`ConfigError` naming the file."""
    return read_document_bytes(path, display, limits=limits)


def read_document(
    path: Path, display: str, fmt: str, schema: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[Any, Any, str]:
    """Parse ``path`` (``yaml`` or ``json``) and validate it against ``schema``.

    Returns ``(data, locator, sha256)``; raises :class:`ConfigError` with file and line.
    """
    doc = load_validated(path, display, fmt, schema, limits=limits, describe=_explain)
    return doc.data, doc.locator, doc.sha256


def _explain(data: Any, error: ValidationError) -> str:
    return _label(data, tuple(error.absolute_path)) + _describe(error)


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when inside it, else as given (POSIX)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def input_record(display: str, kind: str, sha256: str) -> dict[str, Any]:
    """A report ``inputs`` entry (path, SHA-256, kind) for a file that shaped the results."""
    return {"path": display, "sha256": sha256, "kind": kind}


# -- waivers ------------------------------------------------------------------------------


def load_waivers(
    path: Path, display: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> list[Waiver]:
    """Read, validate and check a waivers file; raise ConfigError naming file and line."""
    return read_waivers(path, display, limits)[0]


def read_waivers(
    path: Path, display: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[list[Waiver], str]:
    """:func:`load_waivers` and the SHA-256 of the file as it was read."""
    shown = display or path.as_posix()
    data, locator, sha256 = read_document(path, shown, "yaml", "waivers.schema.json", limits)
    if data is None:
        return [], sha256
    out: list[Waiver] = []
    seen: dict[str, str] = {}
    for index, item in enumerate(data.get("waivers", [])):

        def where(key: str | None = None, index: int = index) -> int | None:
            return line_of(locator, ("waivers", index, *((key,) if key else ())))

        waiver_id = item["id"]
        source = f"{shown}:{where() or '?'}"
        if waiver_id in seen:
            raise ConfigError(
                f"waiver {waiver_id}: duplicate id (also at {seen[waiver_id]})",
                file=shown,
                line=where("id"),
            )
        seen[waiver_id] = source
        if _same_person(item["requested_by"], item["approved_by"]):
            raise ConfigError(
                f"waiver {waiver_id}: approved_by must differ from requested_by "
                f"({quote_value(item['approved_by'])}); risk is accepted by someone other "
                "than who asks",
                file=shown,
                line=where("approved_by"),
            )
        dates = {}
        for key in ("approved_on", "expires_on"):
            try:
                dates[key] = dt.date.fromisoformat(item[key])
            except ValueError:
                raise ConfigError(
                    f"waiver {waiver_id}: {key} {quote_value(item[key])} is not a valid date "
                    "(YYYY-MM-DD)",
                    file=shown,
                    line=where(key),
                ) from None
        if dates["expires_on"] < dates["approved_on"]:
            raise ConfigError(
                f"waiver {waiver_id}: expires_on {item['expires_on']} is before approved_on "
                f"{item['approved_on']}",
                file=shown,
                line=where("expires_on"),
            )
        out.append(
            Waiver(
                id=waiver_id,
                rule=item["rule"],
                resources=tuple(item.get("resources", ())),
                paths=tuple(item.get("paths", ())),
                justification=item["justification"].strip(),
                requested_by=item["requested_by"],
                approved_by=item["approved_by"],
                approved_on=dates["approved_on"],
                expires_on=dates["expires_on"],
                source=source,
                record=dict(item),
            )
        )
    return out, sha256


def _same_person(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def waive(
    results: Sequence[Result], waivers: Sequence[Waiver], as_of: dt.date, rules_run: set[str]
) -> tuple[list[Result], list[str]]:
    """New results with the failing ones covered by a waiver in force ``waived``.

    A failing result whose waiver has expired keeps failing and says so in its message. Also
    returns warnings for expired, stale, not-yet-approved and soon-expiring waivers.
    """
    active: dict[str, list[Waiver]] = defaultdict(list)
    expired: dict[str, list[Waiver]] = defaultdict(list)
    for w in waivers:
        if w.in_force(as_of):
            active[w.rule].append(w)
        elif w.is_expired(as_of):
            expired[w.rule].append(w)
    used: dict[str, int] = {w.id: 0 for w in waivers}
    out = list(results)
    for index, result in enumerate(results):
        if result.status is not Status.FAIL or (
            result.rule_id not in active and result.rule_id not in expired
        ):
            continue
        waiver = next((w for w in active.get(result.rule_id, ()) if w.matches(result)), None)
        if waiver is not None:
            out[index] = replace(result, status=Status.WAIVED, waiver=dict(waiver.record))
            used[waiver.id] += 1
            continue
        lapsed = next((w for w in expired.get(result.rule_id, ()) if w.matches(result)), None)
        if lapsed is not None:
            note = f"[waiver {lapsed.id} expired on {lapsed.expires_on.isoformat()}]"
            out[index] = replace(result, message=f"{result.message} {note}".lstrip())
            used[lapsed.id] += 1
    return out, waiver_warnings(waivers, used, as_of, rules_run)


def waiver_warnings(
    waivers: Sequence[Waiver], used: Mapping[str, int], as_of: dt.date, rules_run: set[str]
) -> list[str]:
    """Warnings about expired, pending, soon-expiring and stale waivers, in file order."""
    out: list[str] = []
    for w in waivers:
        name = f"waiver {w.id} ({w.source})"
        if w.is_expired(as_of):
            hits = used[w.id]
            out.append(
                f"{name} expired on {w.expires_on.isoformat()}; "
                + (
                    f"{hits} result(s) it covered fail again"
                    if hits
                    else "it no longer matches any failing result; remove it"
                )
            )
        elif w.is_pending(as_of):
            out.append(
                f"{name} is approved on {w.approved_on.isoformat()}, after the audit date "
                f"{as_of.isoformat()}; it does not apply"
            )
        elif not used[w.id]:
            why = (
                f"rule {w.rule} was not run in this audit"
                if w.rule not in rules_run
                else "it matches no failing result"
            )
            out.append(f"stale waiver {w.id} ({w.source}): {why}; remove it or fix its scope")
        if w.in_force(as_of) and (w.expires_on - as_of).days <= EXPIRY_WARNING_DAYS:
            days = (w.expires_on - as_of).days
            out.append(
                f"{name} expires on {w.expires_on.isoformat()} "
                f"({'today' if days == 0 else f'in {days} day(s)'}); renew or fix before then"
            )
    return out


@dataclass(frozen=True, slots=True)
class Waivers:
    """The built-in modifier for the waivers file (``--waivers`` or ``waivers:``)."""

    name: str = "waivers"
    order: int = WAIVE_ORDER

    def prepare(self, config: ProjectConfig) -> Step | None:
        if config.waivers is None:
            return None
        display = display_path(config.waivers, config.root)
        waivers, sha256 = read_waivers(config.waivers, display, config.limits)
        record = input_record(display, "waivers", sha256)

        def step(results: Sequence[Result], ctx: ModifyContext) -> Modified:
            out, warnings = waive(results, waivers, ctx.as_of, set(ctx.rules))
            in_force = tuple(dict(w.record) for w in waivers if w.in_force(ctx.as_of))
            return Modified(out, warnings=tuple(warnings), inputs=(record,), waivers=in_force)

        return step
