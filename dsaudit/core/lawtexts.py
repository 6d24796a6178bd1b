"""The official texts shipped in ``dsaudit/data/law/``: which text a law code cites, its articles.

A rule ref names a law by code (``CSL``, ``PIPL``, ... see docs/coverage.md) and an article; a
law can have several texts (the Cybersecurity Law of 2017 and as amended in 2026), and the one a
ref cites is the one in force in the ref's window (``in_force_from``/``in_force_until``).

Clause numbers: a ref's ``clause: "3"`` is item （三） of the article when the article has
numbered items (CSL Art. 21(3), PIPL Art. 13(1)); in an article without items it is the third
paragraph (款). Any other clause form is not found here.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from importlib import resources

_ARTICLE = re.compile(r"^### 第(\d+)条 \(Art\. (\d+)\)\s*$")
_ITEM = re.compile(r"(?:^|(?<=[：；。]))（([一二三四五六七八九十]+)）")
_DIGITS = {d: i for i, d in enumerate("一二三四五六七八九", start=1)}


@dataclass(frozen=True, slots=True)
class Article:
    """One article: its number, its paragraphs, and its numbered items by number."""

    number: str
    paragraphs: tuple[str, ...]
    items: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The article's paragraphs, one a line."""
        return "\n".join(self.paragraphs)

    def clause_text(self, clause: str) -> str | None:
        """The text of ``clause`` (an item, else a paragraph, see the module), or None."""
        if self.items:
            return self.items.get(clause)
        if clause.isdigit() and 1 <= int(clause) <= len(self.paragraphs):
            return self.paragraphs[int(clause) - 1]
        return None

    def contains(self, quote: str, clause: str | None = None) -> bool:
        """Whether ``quote`` occurs verbatim in the article (or in its ``clause``)."""
        where = self.text if clause is None else self.clause_text(clause)
        return where is not None and quote in where


@dataclass(frozen=True, slots=True)
class LawText:
    """One shipped text of a law: its code, version (a year), file and the dates it is in force."""

    law: str
    version: str
    file: str
    in_force_from: dt.date | None
    in_force_until: dt.date | None
    """The first day it is no longer in force (exclusive), or None."""

    def articles(self) -> dict[str, Article]:
        """Its articles by number (parsed once)."""
        return _parsed(self.file)

    def article(self, number: str) -> Article | None:
        return self.articles().get(str(number))

    def overlaps(self, start: dt.date | None, until: dt.date | None) -> bool:
        """Whether this text is in force on some day of ``[start, until)`` (None: unbounded)."""
        if until is not None and self.in_force_from is not None and until <= self.in_force_from:
            return False
        return not (start is not None and self.in_force_until is not None
                    and start >= self.in_force_until)  # fmt: skip


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


TEXTS: tuple[LawText, ...] = (
    LawText("CSL", "2017", "csl-2017.md", _day("2017-06-01"), _day("2026-01-01")),
    LawText("CSL", "2026", "csl-2026.md", _day("2026-01-01"), None),
    LawText("DSL", "2021", "dsl-2021.md", _day("2021-09-01"), None),
    LawText("PIPL", "2021", "pipl-2021.md", _day("2021-11-01"), None),
    LawText("NDSMR", "2025", "ndsmr-2025.md", _day("2025-01-01"), None),
    LawText("CIIR", "2021", "ciir-2021.md", _day("2021-09-01"), None),
    LawText("CRYPTO", "2023", "crypto-regs-2023.md", _day("2023-07-01"), None),
    LawText("MPL", "2024", "minors-law-2024.md", None, None),
    LawText("MINREG", "2024", "minors-online-regs-2024.md", _day("2024-01-01"), None),
    LawText("CSR", "2022", "cybersecurity-review-2022.md", _day("2022-02-15"), None),
    LawText("AFL", "2022", "anti-fraud-2022.md", _day("2022-12-01"), None),
)
"""Every shipped text (dsaudit/data/law/README.md). MPL ships only its 2024 text, used for
every date."""


def texts_of(law: str) -> tuple[LawText, ...]:
    """The shipped texts of law code ``law`` (empty when none ships), oldest first."""
    return tuple(t for t in TEXTS if t.law == law)


def texts_in_force(
    law: str, start: dt.date | None = None, until: dt.date | None = None
) -> tuple[LawText, ...]:
    """The texts of ``law`` in force on some day of ``[start, until)``."""
    return tuple(t for t in texts_of(law) if t.overlaps(start, until))


def text_version(law: str, version: str) -> LawText | None:
    """The text of ``law`` with ``version`` (its year), or None."""
    return next((t for t in texts_of(law) if t.version == str(version)), None)


def chinese_number(text: str) -> int:
    """一 -> 1, 十 -> 10, 十二 -> 12, 二十三 -> 23 (up to 99)."""
    tens, _, ones = text.rpartition("十") if "十" in text else ("", "", text)
    if "十" in text:
        value = (_DIGITS[tens] if tens else 1) * 10
        return value + (_DIGITS[ones] if ones else 0)
    return _DIGITS[ones]


def parse_articles(content: str) -> dict[str, Article]:
    """The articles of a text in the shipped format (see dsaudit/data/law/README.md)."""
    articles: dict[str, Article] = {}
    number: str | None = None
    paragraphs: list[str] = []

    def close() -> None:
        if number is not None:
            articles[number] = Article(number, tuple(paragraphs), _items(paragraphs))

    for line in content.splitlines():
        heading = _ARTICLE.match(line)
        if heading:
            close()
            number, paragraphs = heading.group(2), []
        elif line.startswith("#"):
            close()
            number, paragraphs = None, []
        elif number is not None and line.strip():
            paragraphs.append(line.strip())
    close()
    return articles


def _items(paragraphs: list[str]) -> dict[str, str]:
    items: dict[str, str] = {}
    for paragraph in paragraphs:
        marks = list(_ITEM.finditer(paragraph))
        for i, mark in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(paragraph)
            items.setdefault(str(chinese_number(mark.group(1))), paragraph[mark.start() : end])
    return items


@functools.cache
def _parsed(file: str) -> dict[str, Article]:
    ref = resources.files("dsaudit").joinpath(f"data/law/{file}")
    return parse_articles(ref.read_text("utf-8"))
