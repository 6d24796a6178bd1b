"""Find personal information in text, with validation rather than bare regexes.

- Mainland resident ID numbers (GB 11643-1999): 18 characters, a plausible birth date and the
  ISO 7064 MOD 11-2 check character.
- Mainland mobile numbers: 11 digits starting 13-19, not part of a longer number.
- Bank card numbers: 13-19 digits passing the Luhn check, with a known leading digit (2-6, 8, 9
  for UnionPay and the international schemes).
- E-mail addresses (not role mailboxes), and passport numbers (E/G + 8 digits, or letter-led 9
  characters) next to a passport-like key.

The formats are defined in :mod:`dsaudit.redaction.piformats`, with the wider shapes reports mask.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dsaudit.redaction.piformats import (
    CARD_CANDIDATE,
    EMAIL_CANDIDATE,
    ID_CANDIDATE,
    MOBILE_CANDIDATE,
    NAMESPACE_DOMAINS,
    PASSPORT_CANDIDATE,
    ROLE_MAILBOXES,
    card_plausible,
    luhn_valid,
    passport_key,
    resident_id_valid,
    role_or_namespace,
)

__all__ = [
    "NAMESPACE_DOMAINS",
    "ROLE_MAILBOXES",
    "Match",
    "find_pi",
    "luhn_valid",
    "resident_id_valid",
]


@dataclass(frozen=True, slots=True)
class Match:
    """One piece of personal information found in a text."""

    kind: str
    """``resident_id``, ``mobile``, ``bank_card``, ``email`` or ``passport``."""
    start: int
    end: int


def find_pi(text: str, *, key: str = "") -> Iterator[Match]:
    """Every validated piece of personal information in ``text`` (``key``: where it was found)."""
    if not text or len(text) < 5:
        return
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in ID_CANDIDATE.finditer(text):
        if resident_id_valid(m.group(1)):
            taken.append(m.span(1))
            yield Match("resident_id", *m.span(1))
    for m in CARD_CANDIDATE.finditer(text):
        digits = m.group(1).replace(" ", "").replace("-", "")
        if card_plausible(digits) and free(*m.span(1)):
            taken.append(m.span(1))
            yield Match("bank_card", *m.span(1))
    for m in MOBILE_CANDIDATE.finditer(text):
        if free(*m.span(1)):
            taken.append(m.span(1))
            yield Match("mobile", *m.span(1))
    if "@" in text:
        for m in EMAIL_CANDIDATE.finditer(text):
            if not role_or_namespace(m.group(0)) and free(*m.span()):
                yield Match("email", *m.span())
    if key and passport_key(key):
        for m in PASSPORT_CANDIDATE.finditer(text):
            if free(*m.span(1)):
                yield Match("passport", *m.span(1))
