"""Find personal information in text, with validation rather than bare regexes.

- Mainland resident ID numbers (GB 11643-1999): 18 characters, a plausible birth date and the
  ISO 7064 MOD 11-2 check character.
- Mainland mobile numbers: 11 digits starting 13-19, not part of a longer number.
- Bank card numbers: 13-19 digits passing the Luhn check, with a known leading digit (2-6, 8, 9
  for UnionPay and the international schemes).
- E-mail addresses, and passport numbers (E/G + 8 digits, or letter-led 9 characters) next to a
  passport-like key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![\d])(?:\+?86[- ]?)?(1[3-9]\d{9})(?!\d)")
_CARD = re.compile(r"(?<![\d])((?:\d[ -]?){12,18}\d)(?!\d)")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")
_PASSPORT = re.compile(r"(?<![0-9A-Za-z])([EeGg]\d{8}|[A-Za-z]\d{8})(?![0-9A-Za-z])")


ROLE_MAILBOXES = frozenset(
    {"root", "admin", "administrator", "security", "secops", "soc", "noreply", "no-reply",
     "postmaster", "hostmaster", "webmaster", "abuse", "support", "help", "info", "ops",
     "alerts", "alert", "oncall", "privacy", "dpo", "pipo", "legal", "compliance", "sales",
     "service", "contact", "it", "sysadmin", "devops", "notifications", "mailer-daemon"}
)  # fmt: skip
"""Local parts of shared role mailboxes, which are not personal information."""
NAMESPACE_DOMAINS = frozenset({"openssh.com", "libssh.org", "ssh.com"})
"""Domains used as namespaces for algorithm names (``chacha20-poly1305@openssh.com``)."""


@dataclass(frozen=True, slots=True)
class Match:
    """One piece of personal information found in a text."""

    kind: str
    """``resident_id``, ``mobile``, ``bank_card``, ``email`` or ``passport``."""
    start: int
    end: int


def resident_id_valid(value: str) -> bool:
    """GB 11643 check: 17 digits, a real birth date, and the MOD 11-2 check character."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if not dt.date(1900, 1, 1) <= born <= dt.date(2100, 1, 1):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17].upper()


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by payment cards."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = ord(ch) - 48
        if i % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def find_pi(text: str, *, key: str = "") -> Iterator[Match]:
    """Every validated piece of personal information in ``text``."""
    if not text or len(text) < 5:
        return
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in _ID.finditer(text):
        if resident_id_valid(m.group(1)):
            taken.append(m.span(1))
            yield Match("resident_id", *m.span(1))
    for m in _CARD.finditer(text):
        digits = re.sub(r"[ -]", "", m.group(1))
        plausible = 13 <= len(digits) <= 19 and digits[0] in "2345689"
        if plausible and luhn_valid(digits) and free(*m.span(1)):
            taken.append(m.span(1))
            yield Match("bank_card", *m.span(1))
    for m in _MOBILE.finditer(text):
        if free(*m.span(1)):
            taken.append(m.span(1))
            yield Match("mobile", *m.span(1))
    if "@" in text:
        for m in _EMAIL.finditer(text):
            local, _, domain = m.group(0).partition("@")
            if local.lower() in ROLE_MAILBOXES or domain.lower() in NAMESPACE_DOMAINS:
                continue  # a role account or an algorithm name, not a person
            if free(*m.span()):
                yield Match("email", *m.span())
    if "passport" in key.lower() or "护照" in key:
        for m in _PASSPORT.finditer(text):
            if free(*m.span(1)):
                yield Match("passport", *m.span(1))
