"""One column's category, from its sampled values and from its name and comment.

Values: every non-empty sampled value is tried against the detectors of
:mod:`dsaudit.discover.detectors` (the validated ``find_pi`` formats first). The detector with
the most matches gives the value category when it matched at least :data:`MIN_FRACTION` of the
values and at least :data:`MIN_MATCHES` of them (fewer values: all of them). Name: the
dictionary of dsaudit/data/discovery_names.yaml. Values win over the name (a ``remark`` holding
ID numbers is ``id_card_number``); a name without matching values still proposes its category,
with a lower confidence, for the reviewer to confirm.

Evidence holds masked examples only (:func:`dsaudit.redaction.textmasks.mask_edges`): a raw
sampled value never leaves this module.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from dsaudit.discover.detectors import (
    CATEGORIES,
    NAME_ONLY_DETECTORS,
    WEIGHTS,
    detect,
    dictionaries,
)
from dsaudit.redaction.textmasks import mask_edges

MIN_FRACTION = 0.2
MIN_MATCHES = 2
MAX_EXAMPLES = 2
NAME_CONFIDENCE = 0.6
"""Confidence of a category proposed by the column's name (or comment) alone."""
NAME_WITHOUT_VALUES = 0.4
"""Confidence of a name's category when values were sampled and none matched it."""


@dataclass(frozen=True, slots=True)
class Classification:
    """What discovery proposes for one column."""

    category: str | None
    confidence: float
    detector: str | None
    """The value detector that decided, ``name`` (the name or comment alone), or None."""
    fraction: float
    """Matched ÷ non-empty sampled values for ``detector`` (0 when the name decided)."""
    sampled: int
    matched: int
    name_hint: str | None = None
    """The category the column's name or comment suggests, if any."""
    examples: tuple[str, ...] = field(default=())
    """Masked examples of the matching values."""


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPLIT = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff]+|\d+")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@functools.cache
def _name_index() -> tuple[dict[str, str], list[tuple[str, str]], list[tuple[str, str]]]:
    """(whole-token word -> category, [(long latin word, category)], [(Han word, category)]),
    the lists longest first."""
    tokens: dict[str, str] = {}
    long_words: list[tuple[str, str]] = []
    han: list[tuple[str, str]] = []
    for category, words in dictionaries()["names"].items():
        for word in words:
            w = str(word).lower()
            if _HAN.search(w):
                han.append((w, category))
            else:
                tokens.setdefault(w.replace("_", ""), category)
                tokens.setdefault(w, category)
                if len(w) >= 6:
                    long_words.append((w.replace("_", ""), category))
    long_words.sort(key=lambda p: (-len(p[0]), p[0]))
    han.sort(key=lambda p: (-len(p[0]), p[0]))
    return tokens, long_words, han


@functools.cache
def name_category(name: str, comment: str = "") -> str | None:
    """The category the dictionary gives a column's name (or, failing that, its comment)."""
    tokens, long_words, han = _name_index()
    for text in (name, comment):
        if not text:
            continue
        lowered = text.lower()
        for word, category in han:
            if word in lowered:
                return category
        parts = [p for p in _SPLIT.split(_CAMEL.sub("_", text).lower()) if p]
        compact = "".join(parts)
        if compact in tokens:
            return tokens[compact]
        for part in parts:
            if part in tokens:
                return tokens[part]
        for word, category in long_words:
            if word in compact:
                return category
    return None


def classify(
    name: str, values: Iterable[str], comment: str = "", *, min_fraction: float = MIN_FRACTION
) -> Classification:
    """Classify one column from its name, comment and sampled values (as strings)."""
    hint = name_category(name, comment)
    passport = hint == "passport"
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    sampled = 0
    for raw in values:
        value = raw.strip()
        if not value:
            continue
        sampled += 1
        found = detect(value, passport=passport)
        if found is None:
            continue
        counts[found] += 1
        kept = examples.setdefault(found, [])
        if len(kept) < MAX_EXAMPLES:
            kept.append(mask_edges(value))
    best: str | None = None
    if counts:
        # most matches; ties by detector order (validated formats first)
        order = list(WEIGHTS)
        best = min(counts, key=lambda d: (-counts[d], order.index(d)))
        matched = counts[best]
        enough = matched >= min(MIN_MATCHES, sampled) and matched / sampled >= min_fraction
        if not enough or (best in NAME_ONLY_DETECTORS and hint != CATEGORIES[best]):
            best = None
    if best is not None:
        matched = counts[best]
        fraction = matched / sampled
        category = CATEGORIES[best]
        confidence = fraction * WEIGHTS[best]
        if hint == category:
            confidence = 1 - (1 - confidence) * (1 - NAME_CONFIDENCE)
        return Classification(
            category,
            round(confidence, 2),
            best,
            round(fraction, 3),
            sampled,
            matched,
            hint,
            tuple(examples[best]),
        )
    if hint is not None:
        confidence = NAME_WITHOUT_VALUES if sampled else NAME_CONFIDENCE
        return Classification(hint, confidence, "name", 0.0, sampled, 0, hint)
    return Classification(None, 0.0, None, 0.0, sampled, 0)
