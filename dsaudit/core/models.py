"""The data model every part of dsaudit shares.

Data flows one way: sources yield :class:`Resource` objects, compiled :class:`Rule` objects
look at them, the engine emits one :class:`Result` per (rule, resource) and the reporters
render an :class:`AuditResult`.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from dsaudit.core.quoting import bound_message

PathKey = str | int
"""One step of a path into a document: a mapping key or a list index."""


class Severity(enum.StrEnum):
    """How bad a failing result is. Ordered: ``critical`` is the worst."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """4 for critical down to 0 for info."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


class Status(enum.StrEnum):
    """The outcome of one rule on one resource."""

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    NOT_APPLICABLE = "not_applicable"
    MANUAL = "manual"
    WAIVED = "waived"
    SUPPRESSED = "suppressed"


class LineLocator(Protocol):
    """Maps a path inside a parsed document to a 1-based line number (or None)."""

    def line_of(self, path: Sequence[PathKey]) -> int | None: ...


@dataclass(frozen=True, slots=True)
class Location:
    """Where a result points: a file (POSIX, relative to the audit root) and a line."""

    file: str | None = None
    line: int | None = None
    pointer: str | None = None
    """A JSON-pointer-like path inside the file's document, e.g. ``/datasets/3/retention_days``."""

    def __str__(self) -> str:
        if self.file is None:
            return self.pointer or "-"
        return f"{self.file}:{self.line}" if self.line else self.file


NO_LOCATION = Location()


@dataclass(frozen=True, slots=True)
class Resource:
    """One thing the rules look at: an inventory record or a parsed config document."""

    kind: str
    id: str
    attributes: Mapping[str, Any]
    file: str | None = None
    """Path of the file it came from, POSIX and relative to the audit root."""
    base_path: tuple[PathKey, ...] = ()
    """Path of this resource inside its file's document (e.g. ``("datasets", 3)``)."""
    locator: LineLocator | None = field(default=None, compare=False, repr=False)
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False)
    """Extra facts that are not attributes: parser name, format, document index, system."""

    def location(self, path: Sequence[PathKey] = ()) -> Location:
        """Return the location of ``path`` inside this resource (lines resolved lazily)."""
        full = (*self.base_path, *path)
        line = self.locator.line_of(full) if self.locator is not None else None
        pointer = "/" + "/".join(str(p) for p in full) if full else None
        return Location(self.file, line, pointer)


@dataclass(frozen=True, slots=True)
class LawRef:
    """A citation: ``law`` (short code such as CSL, DSL, PIPL), article, clause."""

    law: str
    article: str
    clause: str | None = None
    title: str | None = None
    url: str | None = None
    former_article: str | None = None
    """The article number in the earlier text (e.g. CSL 2017 numbering)."""

    def __str__(self) -> str:
        text = f"{self.law} Art. {self.article}"
        if self.clause:
            text += f"({self.clause})"
        if self.former_article:
            text += f" [formerly Art. {self.former_article}]"
        return text


@dataclass(frozen=True, slots=True)
class VerifiedCitation:
    """A citation checked against the official text: the operative words, quoted verbatim in
    the original Chinese (a rule's ``verified:`` entry)."""

    law: str
    article: str
    quote: str
    clause: str | None = None
    version: str | None = None
    """Which text of the law was checked (its year, e.g. ``2017`` or ``2026`` for CSL)."""

    def __str__(self) -> str:
        text = f"{self.law} Art. {self.article}"
        if self.clause:
            text += f"({self.clause})"
        return f"{text} ({self.version})" if self.version else text


@dataclass(frozen=True, slots=True)
class Evidence:
    """One value a rule looked at, already masked for display."""

    path: str
    value: str


@dataclass(frozen=True, slots=True)
class LoosenedParam:
    """A rule parameter configured looser than the law's value: the rule's results are not
    assured (a pass under the looser value does not show the law is met)."""

    name: str
    configured: Any
    legal: Any
    stricter: str = "higher"
    """``higher`` (a larger value is stricter, e.g. minimum days) or ``lower``."""

    def describe(self) -> str:
        """``min_days is set to 90, looser than the law's 180``."""
        return (
            f"parameter {self.name} is set to {shown_param(self.configured)}, looser than the "
            f"law's {shown_param(self.legal)}"
        )


_PLAIN_PARAM = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}")


def shown_param(value: Any) -> str:
    """A parameter value for a message: ``6 months`` as is, anything unusual quoted (repr)."""
    if isinstance(value, str) and _PLAIN_PARAM.fullmatch(value):
        return value
    return repr(value)


Condition = Callable[[Any, "EvalContext"], bool]
"""A compiled condition: ``(item, context) -> bool``."""


@dataclass(slots=True)
class EvalContext:
    """What a compiled condition can see besides the item under test."""

    resource: Resource
    org: Mapping[str, Any]
    params: Mapping[str, Any]
    facts: Any
    """The audit-wide :class:`~dsaudit.engine.evaluation.Facts` (as-of, taxonomy, index)."""
    trace: list[tuple[tuple[PathKey, ...], Any, bool]] | None = None
    """When a list, leaves append ``(path, value, held)`` for each value they examined; ``held``
    is False for values that made the leaf fail (flipped under ``not``); explains failures."""
    key_index: dict[Any, list[tuple[tuple[PathKey, ...], Any]]] | None = None
    """Every mapping key of the resource's attributes -> ``(path, value)`` pairs, built on the
    first ``**.key`` lookup and shared by every rule checking this resource."""
    memo: dict[Any, bool] | None = None
    """Shared sub-condition -> its result on ``memo_of`` (the resource's attributes), filled by
    every rule checking this resource (see ``language.conditions.resource_memo``)."""
    memo_of: Any = None


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled rule, ready for the engine."""

    id: str
    title: str
    severity: Severity
    kind: str
    pack: str
    refs: tuple[LawRef, ...]
    condition: Condition
    when: Condition | None
    message: str
    remediation: str
    description: str = ""
    tags: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    param_defaults: Mapping[str, Any] = field(default_factory=dict)
    manual: bool = False
    files: tuple[str, ...] = ()
    """For ``config`` rules: globs the file must match (empty: every config file)."""
    formats: tuple[str, ...] = ()
    """For ``config`` rules: parser names the file must have been read by (empty: any)."""
    effective_from: str | None = None
    effective_until: str | None = None
    source: Location | None = None
    guardrails: tuple[str, ...] = ()
    """Human-readable notes for parameters overridden to looser than the legal value."""
    evidence_interval_days: int | None = None
    manual_provision: str | None = None
    """For manual rules: the ``provision`` an inventory evidence entry must name."""
    help_uri: str | None = None
    message_values: tuple[Callable[[EvalContext], Mapping[str, str]], ...] = ()
    """Placeholders the conditions provide (``aggregate ... as: NAME``), filled on failure."""
    loosened: tuple[LoosenedParam, ...] = ()
    """Parameters overridden to looser than their ``legal_value``: every result is not assured."""
    legal_values: Mapping[str, Any] = field(default_factory=dict)
    """The declared ``legal_value`` of each parameter that has one."""
    message_missing: str = ""
    """The message used instead of ``message`` when the deciding value is not recorded."""
    verified: tuple[VerifiedCitation, ...] = ()
    split: Callable[..., list[list[Any]]] | None = None
    """Cuts a failing resource's trace into one group per offending value (a named check, or a
    ``for_all``/``for_none`` condition: :mod:`dsaudit.language.findings`); None: one finding per
    resource."""
    """The rule's refs checked against the official text, with the quoted operative words."""


@dataclass(slots=True)
class Result:
    """The outcome of one rule on one resource."""

    rule_id: str
    status: Status
    severity: Severity
    resource_kind: str
    resource_id: str
    message: str = ""
    location: Location = NO_LOCATION
    evidence: tuple[Evidence, ...] = ()
    pack: str = ""
    fingerprint_basis: str = ""
    """What identifies the finding apart from rule and resource (e.g. the offending path)."""
    waiver: Mapping[str, Any] | None = None
    suppression: str | None = None
    baselined: bool = False
    detail: str | None = None
    """Extra text for error results (exception, plugin and hook names)."""
    loosened: tuple[LoosenedParam, ...] = ()
    """The rule's parameters set looser than the law (see :class:`LoosenedParam`); when any,
    the result is not assured and a pass is not counted as a pass."""
    legacy_basis: str | None = None
    """The basis a version-1 baseline knows this finding by, when it differs from
    ``fingerprint_basis`` (one finding per resource: only its first offending value had one)."""

    @property
    def assured(self) -> bool:
        """False when the rule ran with a parameter looser than the law's value."""
        return not self.loosened

    @property
    def fingerprint(self) -> str:
        """A stable id: rule, resource and offending path; independent of line numbers."""
        return self._hash(self.fingerprint_basis)

    @property
    def legacy_fingerprint(self) -> str | None:
        """The fingerprint a version-1 baseline recorded for this finding, if it differs."""
        return None if self.legacy_basis is None else self._hash(self.legacy_basis)

    def _hash(self, fingerprint_basis: str) -> str:
        basis = "\x1f".join((self.rule_id, self.resource_kind, self.resource_id, fingerprint_basis))
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


@dataclass(slots=True)
class AuditResult:
    """Everything a reporter needs: results plus metadata."""

    results: list[Result]
    rules: dict[str, Rule]
    metadata: dict[str, Any]
    errors: list[Result] = field(default_factory=list)
    """Results with status ``error`` that do not belong to a rule (parse and plugin errors)."""
    waivers: list[Mapping[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def all_results(self) -> list[Result]:
        """Rule results followed by tool errors."""
        return [*self.results, *self.errors]


_LINE_NUMBER = re.compile(r":\d+(?=[:\s)])|\bline \d+")


def tool_error(
    rule_id: str,
    resource_kind: str,
    resource_id: str,
    message: str,
    location: Location | None = None,
    detail: str | None = None,
    severity: Severity = Severity.HIGH,
) -> Result:
    """An error result not produced by a rule (unparseable file, raising plugin, ...); a
    message longer than ``limits.MAX_MESSAGE_CHARS`` has its middle cut."""
    message = bound_message(message)
    return Result(
        rule_id=rule_id,
        status=Status.ERROR,
        severity=severity,
        resource_kind=resource_kind,
        resource_id=resource_id,
        message=message,
        location=location or NO_LOCATION,
        fingerprint_basis=_LINE_NUMBER.sub(":", message),
        detail=detail,
    )
