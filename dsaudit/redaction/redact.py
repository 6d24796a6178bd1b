"""Redaction: one step between what an audit found and everything dsaudit shows.

Inputs can carry personal information and secrets anywhere: in values, but also in mapping
keys, file and folder names, resource ids, rule parameters and waiver texts. Reports never show
them raw. This module is the only place that decides what is masked and how:

* :func:`redact_text` masks free text: the one function every string shown passes through;
* :func:`redact_value` masks structured values (mappings, lists, numbers) element by element,
  keys included; given the ``path`` a value was found at, the path's words can also mark it as a
  secret (``password``, ``token``, ...), as evidence needs;
* :func:`redact_audit` applies both to a whole :class:`~dsaudit.core.models.AuditResult` (results,
  errors, rules, metadata, waivers, warnings). Every reporter, ``dsaudit report`` (a saved report
  is untrusted input), ``dsaudit diff`` and the CLI's warning and error lines render the redacted
  copy, never the raw audit. Fingerprints are computed from the raw result first and kept, so
  baselines and diffs match exactly as before.

What :func:`redact_text` masks, wherever it occurs:

* credentials in URLs: ``scheme://user:PASSWORD@host`` keeps scheme, user and host and shows the
  password as ``****``;
* PEM private key blocks, cloud access key ids (AKIA, ASIA, LTAI), GitHub and Slack tokens, JWTs
  and ``Bearer`` tokens;
* mainland resident ID numbers (18 characters, the last may be ``X``), 13-19 digit card numbers,
  mainland mobile numbers (``1[3-9]`` and 9 more digits, optionally ``+86``; a longer run of
  digits is not a mobile number and is not masked in part), e-mail addresses and passport
  numbers (the shapes are in :mod:`dsaudit.redaction.piformats`, beside the validated forms
  :func:`~dsaudit.redaction.pidetect.find_pi` reports; whatever ``find_pi`` finds is masked too,
  and under a passport-like evidence path so are the passport numbers it finds there).

A match of 8 or more characters keeps its first and last two characters (``13912345678``
becomes ``13*******78``); a shorter one becomes ``****``. Masking is deterministic (the same text
always gives the same mask, so reports stay diffable) and idempotent (masking a masked text
changes nothing). The parse cache is not a report: it keeps raw values (docs/security.md).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dsaudit.core.models import AuditResult, Evidence, Location, LoosenedParam, Result, Rule
from dsaudit.core.names import terminal_text
from dsaudit.redaction.piformats import MAYBE_PI, passport_key
from dsaudit.redaction.textmasks import (
    FULL_MASK,
    MAYBE_SECRET,
    mask_edges,
    mask_pi,
    mask_secrets,
)

MAX_PLAIN_LENGTH = 64
"""Evidence strings longer than this are masked whole (free text is not)."""

_SECRET_WORDS = frozenset(
    {"password", "passwd", "pwd", "pass", "passphrase", "secret", "secrets", "token", "tokens",
     "key", "keys", "apikey", "privatekey", "credential", "credentials", "cred", "creds",
     "authorization", "cookie", "pin", "otp", "signature", "dsn"}
)  # fmt: skip
"""Words of a path that mark its string value as a secret."""
_STRONG_SECRET_WORDS = frozenset(
    {"password", "passwd", "pwd", "pass", "passphrase", "secret", "secrets", "token", "tokens",
     "apikey", "privatekey", "credential", "credentials", "pin", "otp"}
)  # fmt: skip
"""Words of a path that mark even a numeric value as a secret."""
_POLICY_WORDS = frozenset(
    {"max", "min", "days", "age", "len", "length", "warn", "retry", "retries", "tries",
     "lifetime", "history", "remember", "timeout", "expiry", "expire", "expires", "count"}
)  # fmt: skip
"""Words that make a number under a password-like key a policy setting (PASS_MAX_DAYS: 90)."""
_DIGEST_KEYS = frozenset({"sha256", "sha-256", "fingerprint"})
"""Keys whose hexadecimal value is a digest computed by dsaudit, never input text."""

_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
_SCALAR_LITERAL = re.compile(r"true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_ENV_REFERENCE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_.:-]*\}|\$[A-Z_][A-Z0-9_]*")
_HEX_DIGEST = re.compile(r"[0-9a-f]{16,128}")


@functools.lru_cache(maxsize=65536)
def redact_text(text: str) -> str:
    """``text`` with every personal information and secret format masked where it occurs."""
    if MAYBE_SECRET.search(text):
        text = mask_secrets(text)
    if MAYBE_PI.search(text):
        text = mask_pi(text)
    return text


def redact_value(value: Any, path: str | None = None) -> Any:
    """A structured value with the same shape, masked element by element.

    Strings go through :func:`redact_text`; mapping keys too. Numbers stay numbers unless their
    digits look like personal information (they become the masked text). ``None``, booleans and
    other scalars (dates) are kept. A hexadecimal digest under a ``sha256`` or ``fingerprint``
    key is kept (it is computed by dsaudit, and a run of its digits may look like a number).

    :param path: where the value was found (``db.password``, ``/users/0/token``), for evidence:
        the words of the path (and of each nested key) can then mark a value as a secret, which
        is shown as ``****``; a string longer than 64 characters is masked whole; a string that
        holds a JSON list or object is masked as that structure. Without a path only the text
        itself decides.
    """
    if path is None:
        return _data(value, "")
    return _evidence_element(path, value)


def as_text(value: Any) -> str:
    """A redacted value as display text: JSON for ``None``, booleans and containers."""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def evidence_text(path: str, value: Any) -> str:
    """The value found at ``path``, redacted and shown as text: what an evidence entry holds."""
    return as_text(redact_value(value, path))


def redact_evidence(evidence: Iterable[Evidence]) -> tuple[Evidence, ...]:
    """Evidence with paths and values masked (values judged by their raw path)."""
    if not evidence:  # most results (passes) have none
        return ()
    return tuple(Evidence(redact_text(e.path), evidence_text(e.path, e.value)) for e in evidence)


def redact_line(text: str) -> str:
    """A warning or error line for the terminal: redacted, then escaped (ESC, CR, ...)."""
    return terminal_text(redact_text(text))


def redact_basis(basis: str) -> str:
    """A fingerprint basis as reports show it: the engine's ``path=repr(value)`` holds the raw
    offending value, which is masked like evidence; other bases are masked as text."""
    path, sep, value = basis.partition("=")
    if sep and path and " " not in path:
        return f"{redact_text(path)}={evidence_text(path, value)}"
    return redact_text(basis)


# -- the boundary: a whole audit ------------------------------------------------------------


@dataclass(slots=True)
class RedactedResult(Result):
    """A result as reports show it; its fingerprint is the one of the raw result."""

    kept_fingerprint: str = ""

    @property
    def fingerprint(self) -> str:
        return self.kept_fingerprint


@dataclass(slots=True)
class RedactedAudit(AuditResult):
    """An audit that went through :func:`redact_audit` (redacting it again returns it)."""


def redact_audit(audit: AuditResult) -> AuditResult:
    """The audit as every output shows it: every text that may come from an input masked.

    Covers results and errors (resource id, message, location file and pointer, evidence paths
    and values, fingerprint basis, waiver, suppression, detail), rules (texts, parameters, source
    file), metadata (inputs, target, organization, parameters), waivers and warnings.
    Fingerprints are computed before anything is masked and kept unchanged.
    """
    if isinstance(audit, RedactedAudit):
        return audit
    return RedactedAudit(
        results=[redact_result(r) for r in audit.results],
        rules={rule_id: _rule(rule) for rule_id, rule in audit.rules.items()},
        metadata=_data(dict(audit.metadata), ""),
        errors=[redact_result(r) for r in audit.errors],
        waivers=[_data(w, "") for w in audit.waivers],
        warnings=[redact_text(str(w)) for w in audit.warnings],
    )


def redact_result(result: Result) -> Result:
    """One result as reports show it (fingerprint kept); see :func:`redact_audit`."""
    if isinstance(result, RedactedResult):
        return result
    location = result.location
    return RedactedResult(
        rule_id=result.rule_id,
        status=result.status,
        severity=result.severity,
        resource_kind=redact_text(result.resource_kind),
        resource_id=redact_text(result.resource_id),
        message=redact_text(result.message),
        location=Location(_optional(location.file), location.line, _optional(location.pointer)),
        evidence=redact_evidence(result.evidence),
        pack=redact_text(result.pack),
        fingerprint_basis=redact_basis(result.fingerprint_basis),
        waiver=_data(result.waiver, "") if result.waiver is not None else None,
        suppression=_optional(result.suppression),
        baselined=result.baselined,
        detail=_optional(result.detail),
        loosened=_loosened(result.loosened),
        kept_fingerprint=result.fingerprint,
    )


def _rule(rule: Rule) -> Rule:
    source = rule.source
    return dataclasses.replace(
        rule,
        title=redact_text(rule.title),
        message=redact_text(rule.message),
        remediation=redact_text(rule.remediation),
        description=redact_text(rule.description),
        tags=tuple(redact_text(t) for t in rule.tags),
        params=_data(dict(rule.params), ""),
        param_defaults=_data(dict(rule.param_defaults), ""),
        files=tuple(redact_text(f) for f in rule.files),
        source=(
            Location(_optional(source.file), source.line, _optional(source.pointer))
            if source is not None
            else None
        ),
        guardrails=tuple(redact_text(g) for g in rule.guardrails),
        loosened=_loosened(rule.loosened),
        legal_values=_data(dict(rule.legal_values), ""),
        message_missing=redact_text(rule.message_missing),
        manual_provision=_optional(rule.manual_provision),
        verified=tuple(dataclasses.replace(v, quote=redact_text(v.quote)) for v in rule.verified),
    )


def _loosened(params: tuple[LoosenedParam, ...]) -> tuple[LoosenedParam, ...]:
    return tuple(
        LoosenedParam(
            redact_text(p.name),
            _data(p.configured, ""),
            _data(p.legal, ""),
            redact_text(p.stricter),
        )
        for p in params
    )


def _optional(text: str | None) -> str | None:
    return None if text is None else redact_text(text)


# -- structured values ---------------------------------------------------------------------


def _data(value: Any, key: str) -> Any:
    """Text-only redaction of a JSON-like tree (metadata, waivers, parameters)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if key.lower() in _DIGEST_KEYS and _HEX_DIGEST.fullmatch(value):
            return value
        return redact_text(value)
    if isinstance(value, int | float):
        text = repr(value) if isinstance(value, float) else str(value)
        masked = redact_text(text)
        return value if masked == text else masked
    if isinstance(value, Mapping):
        return {_key(k): _data(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_data(v, key) for v in value]
    if isinstance(value, tuple):
        return tuple(_data(v, key) for v in value)
    if isinstance(value, set | frozenset):
        return [_data(v, key) for v in sorted(value, key=str)]
    text = str(value)
    return value if redact_text(text) == text else redact_text(text)


def _key(key: Any) -> Any:
    if isinstance(key, str):
        return redact_text(key)
    return key if redact_text(str(key)) == str(key) else redact_text(str(key))


def _evidence_element(path: str, value: Any) -> Any:
    """Evidence redaction: typed like the input, the path's words can mark a secret."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        text = repr(value) if isinstance(value, float) else str(value)
        words = _path_words(path)
        if _is_secret_path(path) and words & _STRONG_SECRET_WORDS and not words & _POLICY_WORDS:
            return FULL_MASK
        masked = redact_text(text)
        return value if masked == text else masked
    if isinstance(value, Mapping):
        return {redact_text(str(k)): _evidence_element(f"{path}/{k}", v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
        return [_evidence_element(f"{path}/{i}", v) for i, v in enumerate(items)]
    text = value if isinstance(value, str) else str(value)
    return _evidence_string(path, text)


def _evidence_string(path: str, text: str) -> str:
    stripped = text.strip()
    if stripped[:1] in ("[", "{"):
        try:
            parsed = json.loads(stripped)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict | list):
            return as_text(_evidence_element(path, parsed))
    if _is_secret_path(path):
        if text == "" or text == FULL_MASK or _ENV_REFERENCE.fullmatch(stripped):
            return text
        words = _path_words(path)
        if _SCALAR_LITERAL.fullmatch(stripped) and (
            not words & _STRONG_SECRET_WORDS or words & _POLICY_WORDS
        ):
            # A number or boolean already rendered as text (``key_rotation_days: 90``), or a
            # policy setting shown by the engine (``PASS_MAX_DAYS: 180``): masking it again
            # must not turn the number the engine kept into ``****``.
            return text if redact_text(text) == text else FULL_MASK
        return FULL_MASK
    if len(text) > MAX_PLAIN_LENGTH:
        return mask_edges(text)
    if passport_key(path):
        return redact_text(mask_pi(text, key=path))
    return redact_text(text)


@functools.lru_cache(maxsize=4096)
def _path_words(path: str) -> frozenset[str]:
    """Lower-case words of a path plus each pair joined (``apiKey`` gives api, key, apikey)."""
    words = [w.lower() for w in _WORD_SPLIT.split(path) if w and not w.isdigit()]
    return frozenset((*words, *(a + b for a, b in itertools.pairwise(words))))


@functools.lru_cache(maxsize=4096)
def _is_secret_path(path: str) -> bool:
    words = _path_words(path)
    if words & _SECRET_WORDS:
        return True
    # Joined forms such as "apikey", "secretkey", "accesstoken", "dbpassword".
    return any(
        w.endswith(("password", "passwd", "secret", "token", "apikey", "privatekey")) for w in words
    )


__all__ = [
    "FULL_MASK",
    "MAX_PLAIN_LENGTH",
    "RedactedAudit",
    "RedactedResult",
    "as_text",
    "evidence_text",
    "mask_pi",
    "mask_secrets",
    "redact_audit",
    "redact_basis",
    "redact_evidence",
    "redact_line",
    "redact_result",
    "redact_text",
    "redact_value",
]
