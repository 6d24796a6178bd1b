"""Whatever dsaudit finds as personal information, reports mask (issue 14: one set of formats).

``find_pi`` (findings) validates; ``redact_text`` (every report string) masks wider shapes and
also every span ``find_pi`` reports. Before they shared ``piformats``, an e-mail address with a
Chinese local part, a card number grouped 5-5-4-4 and a passport number under a ``passport``
key were found and reported as personal information, and shown raw.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsaudit.redaction.pidetect import find_pi
from dsaudit.redaction.piformats import luhn_valid, resident_id_valid
from dsaudit.redaction.redact import evidence_text, redact_text

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(region: int, year: int, month: int, day: int, seq: int) -> str:
    body = f"{region:06d}{year:04d}{month:02d}{day:02d}{seq:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def luhn_complete(prefix: str) -> str:
    for check in "0123456789":
        if luhn_valid(prefix + check):
            return prefix + check
    raise AssertionError("unreachable")


ids = st.builds(
    resident_id,
    st.integers(110000, 659999),
    st.integers(1900, 2025),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 999),
)
cards = st.builds(
    lambda lead, rest: luhn_complete(lead + rest),
    st.sampled_from("2345689"),
    st.text("0123456789", min_size=11, max_size=17),
)


@st.composite
def grouped(draw: st.DrawFn, digits: str) -> str:
    """``digits`` with a space or dash after some of them (any grouping)."""
    out = []
    for i, ch in enumerate(digits):
        out.append(ch)
        if i < len(digits) - 1 and draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(" -")))
    return "".join(out)


mobiles = st.builds(
    lambda prefix, second, rest: prefix + "1" + second + rest,
    st.sampled_from(["", "+86", "+86 ", "86-", "86"]),
    st.sampled_from("3456789"),
    st.text("0123456789", min_size=9, max_size=9),
)
emails = st.builds(
    lambda local, domain: f"{local}@{domain}.com",
    st.text(st.sampled_from("abcxyz张三李四._+-"), min_size=2, max_size=12).filter(
        lambda s: s.strip(".+-") == s and s not in ("it", "ops", "soc")
    ),
    st.text("abcdefgh-", min_size=2, max_size=10).filter(lambda s: s.strip("-") == s),
)
pieces = st.one_of(ids, cards.flatmap(grouped), mobiles, emails)
filler = st.text(st.sampled_from(" ,;:()/=说明"), min_size=1, max_size=8)
"""Separators: each piece stands alone, so every copy of a found value is found."""


@given(st.lists(st.tuples(filler, pieces), min_size=1, max_size=4), filler)
def test_everything_found_is_masked(parts: list[tuple[str, str]], tail: str) -> None:
    text = "".join(f + p for f, p in parts) + tail
    shown = redact_text(text)
    for match in find_pi(text):
        found = text[match.start : match.end]
        assert found not in shown, (match.kind, found, shown)


@pytest.mark.parametrize(
    "value",
    [
        "张三@example.com",  # a local part in Chinese
        "62220 21234 5678 9012",  # Luhn-valid, grouped 5-5-4-4
        "41111 11111 11111 1",
        "4111-111111-111111",
    ],
)
def test_formats_that_were_found_but_shown_raw(value: str) -> None:
    assert list(find_pi(value)), "the case must be one find_pi reports"
    shown = redact_text(value)
    assert shown != value and value not in shown


def test_a_passport_number_under_a_passport_key_is_masked_in_evidence() -> None:
    assert [m.kind for m in find_pi("K12345678", key="holder.passport_no")] == ["passport"]
    assert evidence_text("holder.passport_no", "K12345678") == "K1*****78"
    assert evidence_text("holder.护照号码", "K12345678") == "K1*****78"
    # Without the key a letter and eight digits is not personal information, found or masked.
    assert evidence_text("build.tag", "K12345678") == "K12345678"
    assert not list(find_pi("K12345678"))


def test_the_generators_make_valid_data() -> None:
    assert resident_id_valid(resident_id(110105, 1949, 12, 31, 2))
    assert luhn_valid(luhn_complete("411111111111111"))


def test_masking_stays_idempotent_on_the_new_cases() -> None:
    for value in ("张三@example.com", "62220 21234 5678 9012", "+86 13912345678"):
        once = redact_text(value)
        assert redact_text(once) == once
