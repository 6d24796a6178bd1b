"""How a match is masked, and the secret formats masked in any text.

:func:`mask_secrets` masks credentials in URLs (the password only), PEM private key blocks,
cloud access key ids, GitHub and Slack tokens, JWTs and ``Bearer`` tokens; :func:`mask_pi` masks
personal information (:mod:`dsaudit.redaction.piformats`). A match of 8 or more characters keeps
its first and last two characters, a shorter one becomes :data:`FULL_MASK`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from dsaudit.redaction.pidetect import find_pi
from dsaudit.redaction.piformats import PI_MASKS

FULL_MASK = "****"
_MAX_STARS = 16


def edges(match: re.Match[str]) -> str:
    return mask_edges(match.group(0))


def _url_password(match: re.Match[str]) -> str:
    return f"{match.group('head')}{FULL_MASK}@"


SECRET_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    # Credentials in a URL: scheme://user:password@host. The password runs to the last "@" of
    # the URL, so one holding "@" or "/" (written unencoded) is masked whole; scheme, user and
    # host stay visible.
    (
        re.compile(
            r"(?P<head>(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://[^\s:/?#@\"'<>`]*:)"
            r"(?P<password>[^\s?#\"'<>`]+)@"
        ),
        _url_password,
    ),
    # PEM private key blocks (whole block).
    (
        re.compile(
            r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", re.S
        ),
        edges,
    ),
    # Cloud access key ids and common API token formats.
    (re.compile(r"(?<![A-Za-z0-9])(?:AKIA|ASIA|LTAI)[A-Za-z0-9]{12,}"), edges),
    (
        re.compile(r"(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{20,}|xox[abpr]-[A-Za-z0-9-]{10,})"),
        edges,
    ),
    (
        re.compile(r"(?<![A-Za-z0-9])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),
        edges,
    ),
    (re.compile(r"(?i)(?<=bearer )[A-Za-z0-9._~+/=-]{8,}"), edges),
)
MAYBE_SECRET = re.compile(r"@|-----BEGIN|eyJ|gh[pousr]_|xox[abpr]-|AKIA|ASIA|LTAI|(?i:bearer )")
"""Cheap pre-check: text without any of these cannot match a pattern above (a URL with
credentials has an ``@``)."""


def mask_pi(text: str, key: str = "") -> str:
    """``text`` with personal information masked: every shape of
    :data:`~dsaudit.redaction.piformats.PI_MASKS`, and every value :func:`find_pi` finds in the
    text as given (``key`` is where the text was found: a passport-like key adds passport
    numbers), wherever it still shows."""
    found = {text[m.start : m.end] for m in find_pi(text, key=key)}
    for pattern in PI_MASKS:
        text = pattern.sub(edges, text)
    for value in sorted(found, key=len, reverse=True):
        if value in text:
            text = text.replace(value, mask_edges(value))
    return text


def mask_secrets(text: str) -> str:
    """``text`` with credentials in URLs, private keys and token formats masked."""
    for pattern, replace in SECRET_PATTERNS:
        text = pattern.sub(replace, text)
    return text


def mask_edges(text: str) -> str:
    """Keep at most the first and last two characters of ``text``."""
    if len(text) < 8:
        return FULL_MASK
    return text[:2] + "*" * min(len(text) - 4, _MAX_STARS) + text[-2:]
