"""Evidence masking: reports never show the raw personal information or secrets they found.

The engine masks evidence when it builds a result (:func:`mask_value`) and every reporter masks
again at render time (:func:`mask_evidence`, :func:`mask_text`), so a plugin that forgets to mask
cannot leak a value into a report. Masking is idempotent: masking a masked value changes nothing.

Rules, in order:

* ``None`` and booleans are shown as ``null``, ``true``, ``false``.
* Numbers are shown as-is, unless the path names a password-like key or the digits look like
  personal information (mobile number, resident ID, card number): then they are masked.
* Strings under a secret-looking key (password, secret, token, key, credential, ...) become
  ``****``; an environment reference such as ``${DB_PASSWORD}`` or an empty string stays visible,
  since it shows that no secret is stored in place.
* Strings longer than 64 characters are masked whole.
* Personal information inside any other string (Chinese resident ID, mobile number, 13-19 digit
  card number, e-mail address, passport number) and well-known secret formats (PEM private keys,
  cloud access keys, bearer tokens) are masked where they occur.
* Masking a string of 8 or more characters keeps at most its first 2 and last 2 characters
  (``13800138078`` becomes ``13*******78``); shorter strings become ``****``.
* Lists and mappings (and strings holding a JSON list or object) are masked element by element.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from dsaudit.models import Evidence

FULL_MASK = "****"
MAX_PLAIN_LENGTH = 64
"""Strings longer than this are masked whole."""
_MAX_STARS = 16

_SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "secret",
        "secrets",
        "token",
        "tokens",
        "key",
        "keys",
        "apikey",
        "privatekey",
        "credential",
        "credentials",
        "cred",
        "creds",
        "authorization",
        "cookie",
        "pin",
        "otp",
        "signature",
        "dsn",
    }
)
"""Words of a path that mark its string value as a secret."""
_STRONG_SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "secret",
        "secrets",
        "token",
        "tokens",
        "apikey",
        "privatekey",
        "credential",
        "credentials",
        "pin",
        "otp",
    }
)
"""Words of a path that mark even a numeric value as a secret."""

_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
_SCALAR_LITERAL = re.compile(r"true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_ENV_REFERENCE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_.:-]*\}|\$[A-Z_][A-Z0-9_]*")

_PI_PATTERNS: tuple[re.Pattern[str], ...] = (
    # PEM private key blocks (whole block).
    re.compile(
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)",
        re.S,
    ),
    # Chinese resident identity card number (18 characters, last may be X).
    re.compile(
        r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx]"
        r"(?![0-9A-Za-z])"
    ),
    # Bank card numbers: 13-19 digits, optionally grouped by spaces or dashes.
    re.compile(
        r"(?<![\d])(?:\d{13,19}|\d{4}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,3})?"
        r"|\d{4}[ -]\d{6}[ -]\d{5})(?![\d])"
    ),
    # Mainland mobile numbers, optionally with +86 / 86 prefix.
    re.compile(r"(?<![\d])(?:\+?86[ -]?)?1[3-9]\d{9}(?![\d])"),
    # E-mail addresses.
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
    # Chinese passports: E/G/D/S/P/H + 8 digits, or E + letter + 7 digits.
    re.compile(r"(?<![0-9A-Za-z])(?:[EGDSPHegdsph]\d{8}|[Ee][A-Za-z]\d{7})(?![0-9A-Za-z])"),
    # Cloud access key ids and common API token formats.
    re.compile(r"(?<![A-Za-z0-9])(?:AKIA|ASIA|LTAI)[A-Za-z0-9]{12,}"),
    re.compile(r"(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{20,}|xox[abpr]-[A-Za-z0-9-]{10,})"),
    re.compile(r"(?<![A-Za-z0-9])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),
    re.compile(r"(?i)(?<=bearer )[A-Za-z0-9._~+/=-]{8,}"),
)
_MAYBE_SENSITIVE = re.compile(
    r"\d{7}|\d{4}[ -]\d{4}|\d{4}[ -]\d{6}|@|-----BEGIN|eyJ|gh[pousr]_|xox[abpr]-"
    r"|AKIA|ASIA|LTAI|(?i:bearer )"
)
"""Cheap pre-check: text without any of these cannot match a pattern above."""


_POLICY_WORDS = frozenset(
    {"max", "min", "days", "age", "len", "length", "warn", "retry", "retries", "tries",
     "lifetime", "history", "remember", "timeout", "expiry", "expire", "expires", "count"}
)  # fmt: skip
"""Words that make a number under a password-like key a policy setting (PASS_MAX_DAYS: 90)."""


def mask_value(path: str, value: Any) -> str:
    """Return ``value`` as display text, masked if it may be a secret or personal information.

    :param path: where the value was found (``/users/0/password``, ``db.password``); its words
        decide whether the value is a secret.
    :param value: the raw value (any JSON-like type).
    """
    is_secret_path = _is_secret_path(path)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        text = repr(value) if isinstance(value, float) else str(value)
        words = _path_words(path)
        if is_secret_path and words & _STRONG_SECRET_WORDS and not words & _POLICY_WORDS:
            return FULL_MASK
        return mask_text(text)
    if isinstance(value, Mapping):
        masked = {str(k): _mask_element(f"{path}/{k}", v) for k, v in value.items()}
        return json.dumps(masked, ensure_ascii=False, sort_keys=True)
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
        masked_items = [_mask_element(f"{path}/{i}", v) for i, v in enumerate(items)]
        return json.dumps(masked_items, ensure_ascii=False)
    text = value if isinstance(value, str) else str(value)
    return _mask_string(path, text, is_secret_path)


def mask_text(text: str) -> str:
    """Mask personal information and secret formats wherever they occur in free text.

    Used for messages and error details, where a path gives no hint.
    """
    if not _MAYBE_SENSITIVE.search(text):
        return text
    return _mask_patterns(text)


def _mask_patterns(text: str) -> str:
    for pattern in _PI_PATTERNS:
        text = pattern.sub(lambda m: _mask_edges(m.group(0)), text)
    return text


def mask_evidence(evidence: Iterable[Evidence]) -> tuple[Evidence, ...]:
    """Re-mask evidence at render time (defence in depth; idempotent)."""
    return tuple(Evidence(e.path, mask_value(e.path, e.value)) for e in evidence)


def _mask_element(path: str, value: Any) -> Any:
    """Mask one element of a container, keeping JSON scalars typed."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float) and mask_value(path, value) == str(value):
        return value
    if isinstance(value, Mapping | list | tuple | set | frozenset):
        return json.loads(mask_value(path, value))
    return mask_value(path, value)


def _mask_string(path: str, text: str, is_secret_path: bool) -> str:
    stripped = text.strip()
    if stripped[:1] in ("[", "{"):
        try:
            parsed = json.loads(stripped)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict | list):
            return mask_value(path, parsed)
    if is_secret_path:
        if text == "" or text == FULL_MASK or _ENV_REFERENCE.fullmatch(stripped):
            return text
        if _SCALAR_LITERAL.fullmatch(stripped) and not _path_words(path) & _STRONG_SECRET_WORDS:
            # A number or boolean already rendered as text (e.g. ``key_rotation_days: 90``).
            return text if mask_text(text) == text else FULL_MASK
        return FULL_MASK
    if len(text) > MAX_PLAIN_LENGTH:
        return _mask_edges(text)
    return mask_text(text)


def _mask_edges(text: str) -> str:
    """Keep at most the first and last two characters of ``text``."""
    if len(text) < 8:
        return FULL_MASK
    return text[:2] + "*" * min(len(text) - 4, _MAX_STARS) + text[-2:]


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
