"""A rule's ``verified:`` citations, compiled next to its refs.

Each entry names a provision the rule cites and the operative words of it, quoted verbatim in
the original Chinese (checked against the shipped official text by ``tests/law``). A rule shows
the quotes of the refs it cites on the audit date: an entry is kept when a ref in force has the
same law and article (and the same clause, when both give one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from dsaudit.core.models import LawRef, VerifiedCitation


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def verified_citations(
    entries: Iterable[Mapping[str, Any]], refs: Iterable[LawRef]
) -> tuple[VerifiedCitation, ...]:
    """The ``verified:`` entries that match one of ``refs`` (the refs in force), in order."""
    cited = [(r.law, r.article, r.clause) for r in refs]
    out = []
    for entry in entries:
        quote = VerifiedCitation(
            law=str(entry["law"]),
            article=str(entry["article"]),
            quote=str(entry["quote"]),
            clause=_text(entry.get("clause")),
            version=_text(entry.get("version")),
        )
        if any(_matches(quote, *ref) for ref in cited):
            out.append(quote)
    return tuple(out)


def _matches(quote: VerifiedCitation, law: str, article: str, clause: str | None) -> bool:
    if (quote.law, quote.article) != (law, article):
        return False
    return quote.clause is None or clause is None or quote.clause == clause
