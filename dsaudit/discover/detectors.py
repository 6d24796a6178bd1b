"""Value detectors for discovery: each takes one stripped value and says whether it matches.

The resident ID, mobile, bank card, e-mail and passport formats are those of
:func:`dsaudit.redaction.pidetect.find_pi` (validated: GB 11643 check character, Luhn, ...);
this module adds the formats the issue lists that the redaction layer does not need:

- ``uscc``: unified social credit code (GB 32100-2015), 18 characters with its MOD 31 check
  character; it identifies an organization, not a person (category ``business``);
- ``license_plate``: a mainland licence plate (province character, letter, 5 or 6 characters);
- ``ipv4`` / ``ipv6``: a whole value in dotted-quad form (no leading zeros), or one that
  :class:`ipaddress.IPv6Address` accepts;
- ``coordinates``: a "latitude, longitude" pair with at least 4 decimals (about 10 m) in range;
- ``date``: a calendar date (``1990-05-17``, ``19900517``, ``1990/5/17``, ``1990年5月17日``)
  between 1900 and 2100; a date is a date of birth only where the column's name says so;
- ``person_name``: 2-4 Han characters starting with a common surname (dictionary, unvalidated);
- ``address``: Han text naming an administrative level and a street or number word.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import re
from collections.abc import Callable
from importlib import resources
from typing import Any

import yaml

from dsaudit.redaction.pidetect import find_pi
from dsaudit.redaction.piformats import card_plausible, resident_id_valid

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_INDEX = {c: i for i, c in enumerate(USCC_CHARS)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")


def uscc_valid(value: str) -> bool:
    """GB 32100-2015: 18 characters of the code's alphabet and the MOD 31 check character."""
    if len(value) != 18 or not _USCC_SHAPE.fullmatch(value):
        return False
    total = sum(_USCC_INDEX[c] * w for c, w in zip(value[:17], _USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31] == value[17]


_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
    r"[A-HJ-NP-Z]·?(?:[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳]|[DF][A-HJ-NP-Z0-9]{5}|"
    r"[A-HJ-NP-Z0-9]{5}[DF])"
)
_COORDS = re.compile(r"(-?\d{1,3}\.\d{4,})\s*[,，]\s*(-?\d{1,3}\.\d{4,})")
_DATE = re.compile(
    r"((?:19|20)\d\d)(?:([-/.])(\d{1,2})\2(\d{1,2})|(\d\d)(\d\d)|年(\d{1,2})月(\d{1,2})日)"
    r"(?:[ T]00:00(?::00)?)?"
)
_HAN_NAME = re.compile(r"[\u4e00-\u9fff·]{2,5}")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@functools.cache
def dictionaries() -> dict[str, Any]:
    """The packaged name dictionary (dsaudit/data/discovery_names.yaml)."""
    ref = resources.files("dsaudit").joinpath("data/discovery_names.yaml")
    data: dict[str, Any] = yaml.safe_load(ref.read_text(encoding="utf-8"))
    return data


@functools.cache
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    names = [str(s) for s in dictionaries()["surnames"]]
    return frozenset(n for n in names if len(n) == 1), frozenset(n for n in names if len(n) == 2)


@functools.cache
def _address_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    words = dictionaries()["address_words"]
    region = "|".join(re.escape(str(w)) for w in words["region"])
    street = "|".join(re.escape(str(w)) for w in words["street"])
    return re.compile(region), re.compile(street)


PIDETECT_CATEGORIES = {
    "resident_id": "id_card_number",
    "bank_card": "bank_card",
    "mobile": "phone_number",
    "email": "email",
    "passport": "passport",
}
"""The kinds of :func:`~dsaudit.redaction.pidetect.find_pi` and their categories; these are
validated (weight 1.0) and may occur anywhere in a value (a ``remark`` holding an ID number)."""
PIDETECT_ORDER = ("resident_id", "bank_card", "mobile", "email", "passport")


_FIND_PI_NEEDS = re.compile(r"\d(?:[ -]?\d){10}|@")
"""Every find_pi kind but passports needs 11 digits in a run (one separator allowed between
them: cards; IDs and mobiles have none) or an ``@``: cheaper than running its patterns."""


def _digits_kind(value: str) -> str | None:
    """:func:`pidetect_kind` of a value of digits only: the same answer,
    without the regular expressions (tests/discover check they agree)."""
    n = len(value)
    if n == 18 and resident_id_valid(value):
        return "resident_id"
    if 13 <= n <= 19 and card_plausible(value):
        return "bank_card"
    if n == 11 and value[0] == "1" and value[1] in "3456789":
        return "mobile"
    if n == 13 and value.startswith("861") and value[3] in "3456789":
        return "mobile"
    return None


def pidetect_kind(value: str, *, passport: bool = False) -> str | None:
    """The first kind (in :data:`PIDETECT_ORDER`) that ``find_pi`` finds in ``value``."""
    if not passport:
        if value.isdigit():
            return _digits_kind(value)
        if len(value) == 18 and value[:17].isdigit() and resident_id_valid(value):
            return "resident_id"
        if not _FIND_PI_NEEDS.search(value):
            return None
    kinds = {m.kind for m in find_pi(value, key="passport" if passport else "")}
    for kind in PIDETECT_ORDER:
        if kind in kinds:
            return kind
    return None


def uscc(value: str) -> bool:
    return len(value) == 18 and uscc_valid(value.upper())


def license_plate(value: str) -> bool:
    return 7 <= len(value) <= 9 and _PLATE.fullmatch(value) is not None


def ipv4(value: str) -> bool:
    if not 7 <= len(value) <= 15:
        return False
    parts = value.split(".")
    return len(parts) == 4 and all(
        p.isascii() and p.isdigit() and len(p) <= 3 and int(p) <= 255 and (p == "0" or p[0] != "0")
        for p in parts
    )


def ipv6(value: str) -> bool:
    if ":" not in value or not 2 <= len(value) <= 45:
        return False
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


def coordinates(value: str) -> bool:
    m = _COORDS.fullmatch(value)
    if m is None:
        return False
    a, b = float(m.group(1)), float(m.group(2))
    return (abs(a) <= 90 and abs(b) <= 180) or (abs(b) <= 90 and abs(a) <= 180)


def date(value: str) -> bool:
    if not 8 <= len(value) <= 19:
        return False
    m = _DATE.fullmatch(value)
    if m is None:
        return False
    g = m.groups()
    month, day = (g[2], g[3]) if g[1] else (g[4], g[5]) if g[4] else (g[6], g[7])
    try:
        dt.date(int(g[0]), int(month), int(day))
    except ValueError:
        return False
    return True


def person_name(value: str) -> bool:
    if not 2 <= len(value) <= 5 or not _HAN_NAME.fullmatch(value):
        return False
    single, double = _surnames()
    return (value[0] in single and len(value) <= 4) or (value[:2] in double and len(value) >= 3)


def address(value: str) -> bool:
    if len(value) < 6 or not _HAN.search(value):
        return False
    region, street = _address_words()
    return region.search(value) is not None and street.search(value) is not None


DETECTORS: tuple[tuple[str, str, float, Callable[[str], bool]], ...] = (
    # (detector, category, weight, test), tried after the find_pi kinds; weight 1.0 for
    # validated formats, less for shapes and dictionaries
    ("uscc", "business", 1.0, uscc),
    ("license_plate", "license_plate", 0.9, license_plate),
    ("ipv4", "ip_address", 0.9, ipv4),
    ("ipv6", "ip_address", 0.9, ipv6),
    ("coordinates", "precise_location", 0.8, coordinates),
    ("date", "birth_date", 0.5, date),
    ("person_name", "name", 0.7, person_name),
    ("address", "address", 0.7, address),
)
"""The value detectors beyond find_pi, in the order a value is tried (the first match counts)."""
WEIGHTS = {**dict.fromkeys(PIDETECT_CATEGORIES, 1.0), **{d[0]: d[2] for d in DETECTORS}}
CATEGORIES = {**PIDETECT_CATEGORIES, **{d[0]: d[1] for d in DETECTORS}}
NAME_ONLY_DETECTORS = frozenset({"date"})
"""Detectors whose match proposes their category only where the column's name agrees."""


def detect(value: str, *, passport: bool = False) -> str | None:
    """The detector that matches ``value`` (stripped), or None.

    ``passport``: the column's name says passport, so a letter and 8 digits counts (as
    :func:`~dsaudit.redaction.pidetect.find_pi` does with keys)."""
    if len(value) < 2:
        return None
    kind = pidetect_kind(value, passport=passport)
    if kind is not None:
        return kind
    if value.isdigit():  # of the detectors below only a code or a date is digits only
        n = len(value)
        return "uscc" if n == 18 and uscc(value) else "date" if n == 8 and date(value) else None
    for name, _category, _weight, test in DETECTORS:
        if test(value):
            return name
    return None
