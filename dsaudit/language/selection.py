"""Choosing rules from the command line: ``--rule``, ``--skip-rule``, ``--severity``, ``--law``
and ``--tag`` (``dsaudit audit``, ``dsaudit baseline create`` and ``dsaudit rules list``).

Values of one option are alternatives, the options together must all hold, and ``--skip-rule``
removes what it names: ``--law PIPL --severity critical --severity high`` runs the PIPL rules that
are critical or high. Rule ids take ``fnmatch`` globs (``CFG-*``); a law is a code (``PIPL``) or a
code and article (``PIPL:38``, which also matches ``38(2)``). The selection narrows what the
config's ``only``/``disable`` leave (docs/cli.md, "Choosing rules"). A selection that names an
unknown id, a glob or law that matches nothing, or that leaves no rule at all is an error: a CI
gate must never pass because a typo selected nothing.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dsaudit.core.errors import UsageError
from dsaudit.core.models import Rule

SEVERITIES = ("critical", "high", "medium", "low", "info")
_LAW = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)(?::([0-9]+[0-9A-Za-z.()]*))?$")
_GLOB = re.compile(r"[*?\[]")


def _split(values: Iterable[str]) -> tuple[str, ...]:
    """Repeated options and comma-separated lists alike: ``--severity critical,high``."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@dataclass(frozen=True, slots=True)
class LawFilter:
    law: str
    article: str | None = None

    def matches(self, rule: Rule) -> bool:
        for ref in rule.refs:
            if ref.law.upper() != self.law:
                continue
            if self.article is None or ref.article == self.article:
                return True
            if ref.article.startswith(self.article + "(") or (
                ref.clause is None and self.article == ref.article
            ):
                return True
        return False

    def __str__(self) -> str:
        return self.law if self.article is None else f"{self.law}:{self.article}"


@dataclass(frozen=True, slots=True)
class RuleSelection:
    """What the command line selects; empty selects every rule."""

    rules: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    laws: tuple[LawFilter, ...] = ()
    tags: tuple[str, ...] = ()

    @classmethod
    def from_options(
        cls,
        rules: Sequence[str] = (),
        skip: Sequence[str] = (),
        severities: Sequence[str] = (),
        laws: Sequence[str] = (),
        tags: Sequence[str] = (),
    ) -> RuleSelection:
        """Parse the option values; a malformed severity or law is a usage error."""
        severity = _split(severities)
        wrong = [s for s in severity if s.lower() not in SEVERITIES]
        if wrong:
            raise UsageError(f"--severity {wrong[0]!r} is not one of {', '.join(SEVERITIES)}")
        parsed = []
        for text in _split(laws):
            match = _LAW.match(text)
            if match is None:
                raise UsageError(
                    f"--law {text!r}: write a law code (PIPL) or a code and article (PIPL:38)"
                )
            parsed.append(LawFilter(match.group(1).upper(), match.group(2)))
        return cls(
            rules=_split(rules),
            skip=_split(skip),
            severities=tuple(s.lower() for s in severity),
            laws=tuple(parsed),
            tags=_split(tags),
        )

    @property
    def empty(self) -> bool:
        return not (self.rules or self.skip or self.severities or self.laws or self.tags)

    def selects(self, rule: Rule) -> bool:
        """Whether ``rule`` runs under this selection."""
        if self.rules and not any(_id_matches(rule.id, p) for p in self.rules):
            return False
        if any(_id_matches(rule.id, p) for p in self.skip):
            return False
        if self.severities and str(rule.severity) not in self.severities:
            return False
        if self.laws and not any(f.matches(rule) for f in self.laws):
            return False
        return not (self.tags and not set(self.tags) & set(rule.tags))

    def apply(
        self, rules: Sequence[Rule], known_ids: Iterable[str]
    ) -> tuple[list[Rule], list[str]]:
        """The selected rules and the ids left out; raise UsageError for a selection that names
        nothing (see the module docstring). ``known_ids`` are every id of the loaded packs,
        also those not in force or disabled by the config."""
        if self.empty:
            return list(rules), []
        known = sorted(set(known_ids))
        problems = []
        for option, patterns in (("--rule", self.rules), ("--skip-rule", self.skip)):
            for pattern in patterns:
                if not any(_id_matches(rid, pattern) for rid in known):
                    close = difflib.get_close_matches(pattern, known, n=1, cutoff=0.75)
                    hint = f" (did you mean {close[0]!r}?)" if close else ""
                    what = "matches no rule" if _GLOB.search(pattern) else "is not a rule id"
                    problems.append(f"{option} {pattern!r} {what}{hint}")
        for law in self.laws:
            if not any(law.matches(r) for r in rules):
                problems.append(f"--law {str(law)!r} matches no rule of this run")
        for tag in self.tags:
            if not any(tag in r.tags for r in rules):
                problems.append(f"--tag {tag!r} matches no rule of this run")
        if problems:
            raise UsageError("; ".join(problems) + " ('dsaudit rules list' shows the rules)")
        kept = [r for r in rules if self.selects(r)]
        if not kept:
            raise UsageError("the rule selection leaves no rule to run")
        chosen = {r.id for r in kept}
        return kept, [r.id for r in rules if r.id not in chosen]


def _id_matches(rule_id: str, pattern: str) -> bool:
    if _GLOB.search(pattern):
        return fnmatch.fnmatchcase(rule_id, pattern)
    return rule_id == pattern
