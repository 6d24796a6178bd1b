"""The formats of personal information dsaudit knows, defined once for finding and for masking.

Each format has two readings, kept side by side here so they cannot drift apart:

* **found** (:func:`dsaudit.redaction.pidetect.find_pi`, used by rules such as "personal
  information in a config file"): a candidate must also pass its validation (the resident ID's
  MOD 11-2 check character and birth date, the card's Luhn check), because a false finding in a
  report handed to a regulator is costly;
* **masked** (:func:`dsaudit.redaction.redact.redact_text`, every string a report shows): the
  wider shape, without validation, because a missed mask leaks.

Whatever is found is masked: ``redact_text`` also masks every span ``find_pi`` reports, and
``tests/redaction/test_pi_formats.py`` checks that property on generated data.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

# -- finding: candidates, then validation ---------------------------------------------------

ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
"""18 characters, the last may be X (GB 11643-1999); validated by :func:`resident_id_valid`."""
MOBILE_CANDIDATE = re.compile(r"(?<![\d])(?:\+?86[- ]?)?(1[3-9]\d{9})(?!\d)")
"""Mainland mobile numbers: 11 digits starting 13-19, not part of a longer number."""
CARD_CANDIDATE = re.compile(r"(?<![\d])((?:\d[ -]?){12,18}\d)(?!\d)")
"""13-19 digits in any grouping; validated by :func:`card_plausible` and :func:`luhn_valid`."""
EMAIL_CANDIDATE = re.compile(
    r"(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+"
)
"""An e-mail address; the local part may be any letters (``张三@example.com``)."""
PASSPORT_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])([EeGg]\d{8}|[A-Za-z]\d{8})(?![0-9A-Za-z])")
"""A passport number: only next to a passport-like key (a letter and 8 digits is common)."""
PASSPORT_KEY_WORDS = ("passport", "护照")
"""Words of a key that make :data:`PASSPORT_CANDIDATE` personal information."""


@functools.lru_cache(maxsize=4096)
def passport_key(key: str) -> bool:
    """Whether ``key`` (a mapping key or evidence path) names a passport number."""
    lowered = key.lower()
    return any(word in lowered for word in PASSPORT_KEY_WORDS)


ROLE_MAILBOXES = frozenset(
    {"root", "admin", "administrator", "security", "secops", "soc", "noreply", "no-reply",
     "postmaster", "hostmaster", "webmaster", "abuse", "support", "help", "info", "ops",
     "alerts", "alert", "oncall", "privacy", "dpo", "pipo", "legal", "compliance", "sales",
     "service", "contact", "it", "sysadmin", "devops", "notifications", "mailer-daemon"}
)  # fmt: skip
"""Local parts of shared role mailboxes, which are not personal information."""
NAMESPACE_DOMAINS = frozenset({"openssh.com", "libssh.org", "ssh.com"})
"""Domains used as namespaces for algorithm names (``chacha20-poly1305@openssh.com``)."""

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


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


def card_plausible(digits: str) -> bool:
    """13-19 digits with a known leading digit (2-6, 8, 9: UnionPay and the international
    schemes) that pass the Luhn check."""
    return 13 <= len(digits) <= 19 and digits[0] in "2345689" and luhn_valid(digits)


def role_or_namespace(address: str) -> bool:
    """A shared role mailbox or an algorithm name, not a person's address."""
    local, _, domain = address.partition("@")
    return local.lower() in ROLE_MAILBOXES or domain.lower() in NAMESPACE_DOMAINS


# -- masking: the wider shapes --------------------------------------------------------------

ID_MASK = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx]"
    r"(?![0-9A-Za-z])"
)
"""A resident ID's shape (region, birth year 18xx-20xx, month), check character not checked."""
CARD_MASK = re.compile(
    r"(?<![\d])(?:\d{13,19}|\d{4}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,3})?|\d{4}[ -]\d{6}[ -]\d{5})"
    r"(?![\d])"
)
"""13-19 digits, or grouped 4-4-4(-4) or 4-6-5, Luhn not checked (other groupings are masked
when they pass the finding's validation)."""
MOBILE_MASK = re.compile(r"(?<![\d])(?:\+?86[ -]?)?1[3-9]\d(?:\d{8}|([ -])\d{4}\1\d{4})(?![\d])")
"""Every prefix 13-19, optionally with +86 / 86, as 11 digits or grouped 3-4-4; a longer run of
digits is not a mobile number and is not masked in part."""
EMAIL_MASK = re.compile(r"[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
"""An e-mail address with a top-level domain; role mailboxes are masked too."""
PASSPORT_MASK = re.compile(
    r"(?<![0-9A-Za-z])(?:[EGDSPHegdsph]\d{8}|[Ee][A-Za-z]\d{7})(?![0-9A-Za-z])"
)
"""Chinese passports: E/G/D/S/P/H + 8 digits, or E + letter + 7 digits, anywhere."""

PI_MASKS = (ID_MASK, CARD_MASK, MOBILE_MASK, EMAIL_MASK, PASSPORT_MASK)
"""The masking shapes, in the order they are applied."""
MAYBE_PI = re.compile(r"\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d|@")
"""Cheap pre-check: text without seven digits in a row (a separator allowed between them) or
an ``@`` holds no personal information of any format above, found or masked."""
