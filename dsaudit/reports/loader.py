"""Read a saved JSON report back into an :class:`AuditResult`, to render it in another format.

``dsaudit report RESULT.json --format F`` calls :func:`render_saved`; ``dsaudit diff`` calls
:func:`load_report` twice. Rules come back as data: their conditions cannot be evaluated
(calling one raises :class:`dsaudit.core.errors.UsageError`). Results keep the fingerprint stored in
the file. Unknown fields are ignored (a later 1.x adds fields); another major version is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dsaudit.core.errors import ConfigError, SourceError, UsageError
from dsaudit.core.limits import MAX_REPORT_BYTES
from dsaudit.core.models import (
    AuditResult,
    Evidence,
    LawRef,
    Location,
    LoosenedParam,
    Result,
    Rule,
    Severity,
    Status,
    VerifiedCitation,
)
from dsaudit.core.quoting import quote_value
from dsaudit.documents.safe_read import read_guarded
from dsaudit.redaction.redact import redact_audit
from dsaudit.reports.json_report import FORMAT_NAME, FORMAT_VERSION


@dataclass(slots=True)
class SavedResult(Result):
    """A result read from a report: its fingerprint is the one stored in the file."""

    saved_fingerprint: str = ""

    @property
    def fingerprint(self) -> str:
        return self.saved_fingerprint or Result.fingerprint.fget(self)  # type: ignore[attr-defined]


class _Reader:
    """Typed access to the parsed document with error messages that name the JSON pointer."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> ConfigError:
        return ConfigError(f"{where or '/'}: {message}", file=self.path)

    def mapping(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected an object, found {_kind(value)}")
        return value

    def array(self, value: Any, where: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(where, f"expected an array, found {_kind(value)}")
        return value

    def text(self, data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> Any:
        value = data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str):
            raise self.fail(f"{where}/{key}", f"expected a string, found {_kind(value)}")
        return value

    def integer(self, data: Mapping[str, Any], key: str, where: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{where}/{key}", f"expected an integer, found {_kind(value)}")
        return value

    def choice(self, data: Mapping[str, Any], key: str, where: str, enum: Any) -> Any:
        value = self.text(data, key, where)
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(str(member) for member in enum)
            raise self.fail(
                f"{where}/{key}", f"{quote_value(value)} is not one of: {allowed}"
            ) from None


def load_report(path: str | Path) -> AuditResult:
    """Read a JSON report written by the ``json`` reporter.

    :raises ConfigError: the file is unreadable, not JSON (with the line), not a dsaudit report,
        of an unsupported major version, or malformed (with the JSON pointer of the problem).
    """
    display = Path(path).as_posix()
    try:
        read = read_guarded(path, display, MAX_REPORT_BYTES, limit_name="MAX_REPORT_BYTES",
                            raise_with=None)  # fmt: skip
        text = read.content.decode("utf-8")
    except SourceError as exc:  # a FIFO or device is refused, a huge file before it is read
        raise ConfigError(f"cannot read report: {exc.message}", file=display) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"report is not UTF-8 text: {exc.reason}", file=display) from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"not valid JSON: {exc.msg} (column {exc.colno})", file=display, line=exc.lineno
        ) from exc
    return audit_from_document(document, display)


def audit_from_document(document: Any, source: str = "<report>") -> AuditResult:
    """Build an :class:`AuditResult` from a parsed JSON report (see :func:`load_report`)."""
    reader = _Reader(source)
    top = reader.mapping(document, "")
    if top.get("format") != FORMAT_NAME:
        raise reader.fail(
            "/format",
            f"not a dsaudit JSON report (expected format {FORMAT_NAME!r}, "
            f"found {top.get('format')!r}); write one with --format json",
        )
    version = top.get("format_version")
    if not isinstance(version, str) or version.split(".")[0] != FORMAT_VERSION.split(".")[0]:
        raise reader.fail(
            "/format_version",
            f"unsupported report version {version!r}; this dsaudit reads "
            f"{FORMAT_VERSION.split('.')[0]}.x (upgrade dsaudit or re-run the audit)",
        )
    rules = {}
    for index, item in enumerate(reader.array(top.get("rules"), "/rules")):
        rule = _rule(reader, reader.mapping(item, f"/rules/{index}"), f"/rules/{index}")
        rules[rule.id] = rule
    results = _results(reader, top.get("results"), "/results")
    errors = _results(reader, top.get("errors"), "/errors")
    waivers = [
        reader.mapping(w, f"/waivers/{i}")
        for i, w in enumerate(reader.array(top.get("waivers"), "/waivers"))
    ]
    warnings = reader.array(top.get("warnings"), "/warnings")
    for index, warning in enumerate(warnings):
        if not isinstance(warning, str):
            raise reader.fail(f"/warnings/{index}", f"expected a string, found {_kind(warning)}")
    metadata = dict(reader.mapping(top.get("metadata") or {}, "/metadata"))
    return AuditResult(
        results=results,
        rules=rules,
        metadata=metadata,
        errors=errors,
        waivers=[dict(w) for w in waivers],
        warnings=list(warnings),
    )


def render_saved(
    path: str | Path,
    fmt: str,
    options: Mapping[str, Any] | None = None,
    reporters: Iterable[Any] | None = None,
) -> str:
    """Render the saved JSON report at ``path`` in format ``fmt`` without re-running the audit.

    :param reporters: the reporters to choose from (default: the built-in ones); the CLI passes
        every registered reporter so plugin formats work too.
    :raises UsageError: ``fmt`` names no reporter.
    :raises ConfigError: the report cannot be loaded (see :func:`load_report`).
    """
    if reporters is None:
        from dsaudit.reports import BUILTIN_REPORTERS

        reporters = BUILTIN_REPORTERS
    by_name = {reporter.name: reporter for reporter in reporters}
    if fmt not in by_name:
        raise UsageError(
            f"unknown report format {fmt!r}; choose one of: {', '.join(sorted(by_name))}"
        )
    audit = redact_audit(load_report(path))  # a saved report is input: it may hold raw text
    rendered = by_name[fmt].render(audit, dict(options or {}))
    return rendered if isinstance(rendered, str) else rendered.decode("utf-8")


def _rule(reader: _Reader, data: Mapping[str, Any], where: str) -> Rule:
    rule_id = reader.text(data, "id", where)
    source = data.get("source")
    location = None
    if source is not None:
        source_map = reader.mapping(source, f"{where}/source")
        location = Location(
            reader.text(source_map, "file", f"{where}/source", required=False),
            reader.integer(source_map, "line", f"{where}/source"),
        )
    return Rule(
        id=rule_id,
        title=reader.text(data, "title", where),
        severity=reader.choice(data, "severity", where, Severity),
        kind=reader.text(data, "kind", where),
        pack=reader.text(data, "pack", where, required=False) or "",
        refs=tuple(
            _ref(reader, reader.mapping(ref, f"{where}/refs/{i}"), f"{where}/refs/{i}")
            for i, ref in enumerate(reader.array(data.get("refs"), f"{where}/refs"))
        ),
        condition=_not_executable(rule_id),
        when=None,
        message=reader.text(data, "message", where, required=False) or "",
        remediation=reader.text(data, "remediation", where, required=False) or "",
        description=reader.text(data, "description", where, required=False) or "",
        tags=tuple(str(t) for t in reader.array(data.get("tags"), f"{where}/tags")),
        params=dict(reader.mapping(data.get("params") or {}, f"{where}/params")),
        param_defaults=dict(
            reader.mapping(data.get("param_defaults") or {}, f"{where}/param_defaults")
        ),
        manual=bool(data.get("manual", False)),
        files=tuple(str(f) for f in reader.array(data.get("files"), f"{where}/files")),
        effective_from=reader.text(data, "effective_from", where, required=False),
        effective_until=reader.text(data, "effective_until", where, required=False),
        source=location,
        guardrails=tuple(
            str(g) for g in reader.array(data.get("guardrails"), f"{where}/guardrails")
        ),
        evidence_interval_days=reader.integer(data, "evidence_interval_days", where),
        help_uri=reader.text(data, "help_uri", where, required=False),
        loosened=_loosened(reader, data, where),
        legal_values=dict(reader.mapping(data.get("legal_values") or {}, f"{where}/legal_values")),
        message_missing=reader.text(data, "message_missing", where, required=False) or "",
        verified=_verified(reader, data, where),
    )


def _verified(reader: _Reader, data: Mapping[str, Any], where: str) -> tuple[VerifiedCitation, ...]:
    """``verified`` (added in 1.2); a report written before it has none."""
    out = []
    for i, item in enumerate(reader.array(data.get("verified"), f"{where}/verified")):
        at = f"{where}/verified/{i}"
        entry = reader.mapping(item, at)
        out.append(
            VerifiedCitation(
                law=reader.text(entry, "law", at),
                article=reader.text(entry, "article", at),
                quote=reader.text(entry, "quote", at),
                clause=reader.text(entry, "clause", at, required=False),
                version=reader.text(entry, "version", at, required=False),
            )
        )
    return tuple(out)


def _loosened(reader: _Reader, data: Mapping[str, Any], where: str) -> tuple[LoosenedParam, ...]:
    """``loosened`` (added in 1.1); a report written before it has none: every result assured."""
    out = []
    for i, item in enumerate(reader.array(data.get("loosened"), f"{where}/loosened")):
        at = f"{where}/loosened/{i}"
        entry = reader.mapping(item, at)
        out.append(
            LoosenedParam(
                reader.text(entry, "name", at),
                entry.get("configured"),
                entry.get("legal"),
                reader.text(entry, "stricter", at, required=False) or "higher",
            )
        )
    return tuple(out)


def _ref(reader: _Reader, data: Mapping[str, Any], where: str) -> LawRef:
    return LawRef(
        law=reader.text(data, "law", where),
        article=reader.text(data, "article", where),
        clause=reader.text(data, "clause", where, required=False),
        title=reader.text(data, "title", where, required=False),
        url=reader.text(data, "url", where, required=False),
        former_article=reader.text(data, "former_article", where, required=False),
    )


def _results(reader: _Reader, value: Any, where: str) -> list[Result]:
    return [
        _result(reader, reader.mapping(item, f"{where}/{i}"), f"{where}/{i}")
        for i, item in enumerate(reader.array(value, where))
    ]


def _result(reader: _Reader, data: Mapping[str, Any], where: str) -> Result:
    resource = reader.mapping(data.get("resource"), f"{where}/resource")
    location = reader.mapping(data.get("location") or {}, f"{where}/location")
    evidence = []
    for i, item in enumerate(reader.array(data.get("evidence"), f"{where}/evidence")):
        entry = reader.mapping(item, f"{where}/evidence/{i}")
        evidence.append(
            Evidence(
                reader.text(entry, "path", f"{where}/evidence/{i}"),
                reader.text(entry, "value", f"{where}/evidence/{i}"),
            )
        )
    waiver = data.get("waiver")
    return SavedResult(
        rule_id=reader.text(data, "rule_id", where),
        status=reader.choice(data, "status", where, Status),
        severity=reader.choice(data, "severity", where, Severity),
        resource_kind=reader.text(resource, "kind", f"{where}/resource"),
        resource_id=reader.text(resource, "id", f"{where}/resource"),
        message=reader.text(data, "message", where, required=False) or "",
        location=Location(
            reader.text(location, "file", f"{where}/location", required=False),
            reader.integer(location, "line", f"{where}/location"),
            reader.text(location, "pointer", f"{where}/location", required=False),
        ),
        evidence=tuple(evidence),
        pack=reader.text(data, "pack", where, required=False) or "",
        fingerprint_basis=reader.text(data, "fingerprint_basis", where, required=False) or "",
        waiver=dict(reader.mapping(waiver, f"{where}/waiver")) if waiver is not None else None,
        suppression=reader.text(data, "suppression", where, required=False),
        baselined=bool(data.get("baselined", False)),
        detail=reader.text(data, "detail", where, required=False),
        loosened=_loosened(reader, data, where),
        saved_fingerprint=reader.text(data, "fingerprint", where, required=False) or "",
    )


def _not_executable(rule_id: str) -> Callable[..., bool]:
    def condition(*_: Any) -> bool:
        raise UsageError(
            f"rule {rule_id} was loaded from a saved report and cannot be evaluated; "
            "run the audit again to evaluate rules"
        )

    condition.executable = False  # type: ignore[attr-defined]
    return condition


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
    }.get(type(value), type(value).__name__)
