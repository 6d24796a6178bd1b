"""The rules' citations checked against the shipped official texts (used by test_citations).

For every shipped rule and every ref whose law has a shipped text (dsaudit.core.lawtexts):

* the ref's window is its ``in_force_from``/``in_force_until`` within the rule's
  ``effective_from``/``effective_until``; every text of the law in force on some day of that
  window must have the article, and the clause where one is given (clause ``"3"`` is item （三）
  of an article with numbered items, else its third paragraph);
* a ref's ``former_article`` must exist in the text in force before the ref's window and be
  the article of that text that reads most like the one it became (difflib similarity); a law
  with several texts must have a ref for each text in force while the rule is;
* every ``verified:`` entry must match a ref of the rule (law and article, and clause when both
  give one), and its quote must occur verbatim in the cited article (in the cited clause when it
  names one) of the text it names by ``version`` or, without one, of every text in force in the
  matching refs' windows. Entries for laws whose text does not ship are checked by hand.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from dsaudit.core.lawtexts import LawText, text_version, texts_in_force, texts_of
from dsaudit.language.packs import builtin_pack_paths, load_pack


@dataclass(frozen=True, order=True)
class Problem:
    """One citation that does not hold: rule id, the ref as written, what is wrong."""

    rule: str
    ref: str
    what: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.ref}: {self.what}"


def shipped_rules() -> Iterator[dict[str, Any]]:
    """The raw mapping of every shipped rule, pack by pack."""
    for path in builtin_pack_paths():
        for src in load_pack(path).rules:
            yield src.data


def ref_text(ref: Mapping[str, Any]) -> str:
    """``CSL Art. 23(3)`` plus the ref's window when it has one: ``[2026-01-01..]``."""
    text = f"{ref['law']} Art. {ref['article']}"
    if ref.get("clause") is not None:
        text += f"({ref['clause']})"
    if "version" in ref:
        text += f" ({ref['version']})"
    start, until = ref.get("in_force_from"), ref.get("in_force_until")
    if start or until:
        text += f" [{start or ''}..{until or ''}]"
    return text


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def window(
    rule: Mapping[str, Any], ref: Mapping[str, Any]
) -> tuple[dt.date | None, dt.date | None]:
    """The days ``ref`` is cited: its own window within the rule's (end exclusive)."""
    starts = [d for d in (_date(rule.get("effective_from")), _date(ref.get("in_force_from"))) if d]
    ends = [d for d in (_date(rule.get("effective_until")), _date(ref.get("in_force_until"))) if d]
    return (max(starts) if starts else None, min(ends) if ends else None)


def _clause(value: Any) -> str | None:
    return None if value is None else str(value)


def _ref_problems(rule: Mapping[str, Any], ref: Mapping[str, Any]) -> Iterator[Problem]:
    texts = texts_in_force(str(ref["law"]), *window(rule, ref))
    if not texts:
        yield Problem(rule["id"], ref_text(ref), "no shipped text is in force in its window")
    article, clause = str(ref["article"]), _clause(ref.get("clause"))
    for text in texts:
        found = text.article(article)
        if found is None:
            yield Problem(
                rule["id"], ref_text(ref), f"no Art. {article} in the {text.version} text"
            )
        elif clause is not None and found.clause_text(clause) is None:
            yield Problem(
                rule["id"],
                ref_text(ref),
                f"Art. {article} of {text.version} has no clause {clause}",
            )


@functools.cache
def closest_former(law: str, version: str, article: str, earlier: str) -> tuple[str, float]:
    """The article of the ``earlier`` text that reads most like ``article`` of ``version``, and
    its similarity (difflib ratio, 0..1)."""
    new = text_version(law, version)
    old = text_version(law, earlier)
    assert new is not None and old is not None
    text = new.articles()[article].text
    scored = [
        (SequenceMatcher(None, text, a.text, autojunk=False).ratio(), number)
        for number, a in old.articles().items()
    ]
    ratio, number = max(scored)
    return number, ratio


def _former_problems(rule: Mapping[str, Any], ref: Mapping[str, Any]) -> Iterator[Problem]:
    """``former_article`` must exist in the text that ended when the ref's window starts, and
    be the article of that text that reads most like the one it became."""
    start, _ = window(rule, ref)
    earlier = [
        t for t in texts_of(str(ref["law"]))
        if t.in_force_until is not None and start is not None and t.in_force_until <= start
    ]  # fmt: skip
    if not earlier:
        yield Problem(rule["id"], ref_text(ref), "former_article but no earlier text ships")
        return
        return
    former = earlier[-1].article(str(ref["former_article"]))
    if former is None:
        yield Problem(
            rule["id"],
            ref_text(ref),
            f"no former Art. {ref['former_article']} in the {earlier[-1].version} text",
        )
        return
    for text in texts_in_force(str(ref["law"]), *window(rule, ref)):
        if text.article(str(ref["article"])) is None:
            continue  # reported by _ref_problems
        best, ratio = closest_former(
            text.law, text.version, str(ref["article"]), earlier[-1].version
        )
        if best != former.number:
            yield Problem(
                rule["id"],
                ref_text(ref),
                f"Art. {ref['article']} of {text.version} reads most like Art. {best} of "
                f"{earlier[-1].version} (similarity {ratio:.2f}), not former Art. "
                f"{ref['former_article']}",
            )


def _gaps(rule: Mapping[str, Any]) -> Iterator[Problem]:
    """A law with several texts: each text in force while the rule is must be cited by a ref."""
    rule_window = window(rule, {})
    for law in sorted({str(r["law"]) for r in rule["refs"]}):
        cited = {
            t
            for r in rule["refs"]
            if r["law"] == law
            for t in texts_in_force(law, *window(rule, r))
        }
        for text in texts_in_force(law, *rule_window):
            if text not in cited:
                yield Problem(rule["id"], law, f"no ref cites the {text.version} text")


def _matching(entry: Mapping[str, Any], ref: Mapping[str, Any]) -> bool:
    if (str(entry["law"]), str(entry["article"])) != (str(ref["law"]), str(ref["article"])):
        return False
    a, b = _clause(entry.get("clause")), _clause(ref.get("clause"))
    return a is None or b is None or a == b


def _quote_problems(rule: Mapping[str, Any], entry: Mapping[str, Any]) -> Iterator[Problem]:
    shown = ref_text(entry)
    refs = [r for r in rule["refs"] if _matching(entry, r)]
    if not refs:
        yield Problem(rule["id"], shown, "verified entry matches none of the rule's refs")
        return
    law = str(entry["law"])
    if not texts_of(law):
        return  # checked by hand: the text does not ship
    texts: list[LawText] = []
    if entry.get("version") is not None:
        named = text_version(law, str(entry["version"]))
        if named is None:
            yield Problem(rule["id"], shown, f"no shipped {law} text of version {entry['version']}")
            return
        texts = [named]
    else:
        texts = sorted({t for r in refs for t in texts_in_force(law, *window(rule, r))},
                       key=lambda t: t.version)  # fmt: skip
    article, clause = str(entry["article"]), _clause(entry.get("clause"))
    for text in texts:
        found = text.article(article)
        where = f"Art. {article}" + (f"({clause})" if clause else "") + f" of {text.version}"
        if found is None:
            yield Problem(rule["id"], shown, f"no Art. {article} in the {text.version} text")
        elif not found.contains(str(entry["quote"]), clause):
            yield Problem(rule["id"], shown, f"quote {entry['quote']!r} is not in {where}")


def citation_problems(rules: Iterable[Mapping[str, Any]] | None = None) -> list[Problem]:
    """Every problem of the refs and ``verified:`` quotes of ``rules`` (default: every shipped
    rule), sorted."""
    problems: set[Problem] = set()
    for rule in shipped_rules() if rules is None else rules:
        for ref in rule["refs"]:
            if texts_of(str(ref["law"])):
                problems.update(_ref_problems(rule, ref))
                if ref.get("former_article") is not None:
                    problems.update(_former_problems(rule, ref))
        problems.update(_gaps(rule))
        for entry in rule.get("verified", ()):
            problems.update(_quote_problems(rule, entry))
    return sorted(problems)


def unrecorded_refs(rules: Iterable[Mapping[str, Any]] | None = None) -> list[str]:
    """The refs whose check is not recorded: no ``verified:`` entry matches them and the rule
    has no ``unverified:`` (which may cover any of its refs), as ``RULE: REF``."""
    out = []
    for rule in shipped_rules() if rules is None else rules:
        if rule.get("unverified"):
            continue
        verified = rule.get("verified", ())
        out += [
            f"{rule['id']}: {ref_text(ref)}"
            for ref in rule["refs"]
            if not any(_matching(entry, ref) for entry in verified)
        ]
    return out
