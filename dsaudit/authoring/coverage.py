"""Which provisions of which instruments the loaded rules cover (``dsaudit coverage``).

The provisions come from a data file (``dsaudit/data/provisions.yaml`` by default): per
instrument, each article with a title, whether an inventory or config can show compliance
(``checkable``) and, where it cannot or no rule covers it yet, the reason. A provision is
covered when a rule in force on the audit date cites it (same law code and article).

Renumbered laws: a provision with ``former_article`` and ``renumbered_on`` (the CSL, renumbered
on 2026-01-01) matches citations of its current number on and after that date, and of its
former number before it, because rules cite the article in force on the audit date
(``in_force_from``/``in_force_until`` on their refs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from dsaudit.core.errors import ConfigError, SourceError
from dsaudit.core.limits import DEFAULT_LIMITS
from dsaudit.core.models import LineLocator, PathKey, Rule
from dsaudit.documents.safe_read import read_guarded
from dsaudit.documents.structured import parse_structured

_KEYS = {
    "law",
    "article",
    "former_article",
    "renumbered_on",
    "title",
    "checkable",
    "reason",
    "partly",
}
_REQUIRED = ("law", "article", "title", "checkable")
NO_RULE_REASON = "No rule in force on the audit date cites this provision."


@dataclass(frozen=True, slots=True)
class Provision:
    """One article (or standard clause) of one instrument."""

    law: str
    article: str
    title: str
    checkable: bool
    reason: str = ""
    former_article: str | None = None
    renumbered_on: dt.date | None = None
    partly: str = ""
    """What the citing rules leave unchecked: a cited provision is then only partly covered."""

    def article_on(self, as_of: dt.date) -> str:
        """The article number in force on ``as_of``."""
        if self.former_article and self.renumbered_on and as_of < self.renumbered_on:
            return self.former_article
        return self.article

    def label(self, as_of: dt.date) -> str:
        """``Art. 23 (formerly 21)``, ``Art. 21 (Art. 23 from 2026-01-01)`` or ``Art. 21``."""
        if not self.former_article or not self.renumbered_on:
            return f"Art. {self.article}"
        if as_of < self.renumbered_on:
            return f"Art. {self.former_article} (Art. {self.article} from {self.renumbered_on})"
        return f"Art. {self.article} (formerly {self.former_article})"


@dataclass(frozen=True, slots=True)
class CitingRule:
    """A rule that cites a provision."""

    id: str
    pack: str
    severity: str
    manual: bool


@dataclass(frozen=True, slots=True)
class ProvisionCoverage:
    """A provision and the rules that cover it."""

    provision: Provision
    rules: tuple[CitingRule, ...]

    @property
    def covered(self) -> bool:
        return bool(self.rules)

    @property
    def reason(self) -> str:
        """Why the provision is not (fully) covered ("" when it is)."""
        if self.rules:
            return self.provision.partly
        return self.provision.reason or NO_RULE_REASON

    @property
    def status(self) -> str:
        """``covered``, ``partly-covered`` (cited, but the provisions list says what the rules
        leave unchecked), ``not-covered`` (checkable, no rule) or ``not-checkable``."""
        if self.rules:
            return "partly-covered" if self.provision.partly else "covered"
        return "not-covered" if self.provision.checkable else "not-checkable"


@dataclass(slots=True)
class Coverage:
    """The whole matrix."""

    as_of: dt.date
    instruments: dict[str, str]
    rows: list[ProvisionCoverage]
    other_citations: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    """Citations of articles the provisions file does not list: (law, article) -> rule ids."""

    def summary(self) -> dict[str, dict[str, int]]:
        """Per law: provisions, checkable, covered, not covered, not checkable."""
        out: dict[str, dict[str, int]] = {}
        for row in self.rows:
            counts = out.setdefault(
                row.provision.law,
                {
                    "provisions": 0,
                    "checkable": 0,
                    "covered": 0,
                    "partly-covered": 0,
                    "not-covered": 0,
                    "not-checkable": 0,
                },
            )
            counts["provisions"] += 1
            counts["checkable"] += int(row.provision.checkable)
            counts[row.status] += 1
        return out


def default_provisions_path() -> Path:
    """The provisions list shipped with dsaudit."""
    return Path(str(resources.files("dsaudit").joinpath("data/provisions.yaml")))


def _line(locator: LineLocator | None, path: tuple[PathKey, ...]) -> int | None:
    return locator.line_of(path) if locator else None


def _date(value: Any, file: str, line: int | None) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(
            f"renumbered_on must be a date (YYYY-MM-DD), got {value!r}", file=file, line=line
        ) from None


def _provision(
    raw: Any, index: int, instruments: Mapping[str, str], file: str, locator: LineLocator | None
) -> Provision:
    where = ("provisions", index)
    line = _line(locator, where)
    if not isinstance(raw, dict):
        raise ConfigError(f"provisions[{index}] must be a mapping", file=file, line=line)
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise ConfigError(
            f"provisions[{index}]: unknown key(s) {unknown}; allowed: {sorted(_KEYS)}",
            file=file,
            line=line,
        )
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise ConfigError(f"provisions[{index}] needs {', '.join(missing)}", file=file, line=line)
    law = str(raw["law"])
    if law not in instruments:
        raise ConfigError(
            f"provisions[{index}]: law {law!r} is not listed under instruments",
            file=file,
            line=_line(locator, (*where, "law")),
        )
    if not isinstance(raw["checkable"], bool):
        raise ConfigError(
            f"provisions[{index}]: checkable must be true or false",
            file=file,
            line=_line(locator, (*where, "checkable")),
        )
    reason = str(raw.get("reason") or "")
    partly = raw.get("partly")
    if partly is not None and (not isinstance(partly, str) or not partly.strip()):
        raise ConfigError(
            f"provisions[{index}] ({law} Art. {raw['article']}): partly must be a sentence "
            "saying what the citing rules do not check",
            file=file,
            line=_line(locator, (*where, "partly")),
        )
    if not raw["checkable"] and not reason:
        raise ConfigError(
            f"provisions[{index}] ({law} Art. {raw['article']}) is not checkable "
            "but gives no reason",
            file=file,
            line=line,
        )
    former = raw.get("former_article")
    renumbered = raw.get("renumbered_on")
    if (former is None) != (renumbered is None):
        raise ConfigError(
            f"provisions[{index}]: former_article and renumbered_on go together",
            file=file,
            line=line,
        )
    return Provision(
        law=law,
        article=str(raw["article"]),
        title=str(raw["title"]),
        checkable=raw["checkable"],
        reason=reason,
        partly=str(partly or ""),
        former_article=str(former) if former is not None else None,
        renumbered_on=_date(renumbered, file, line) if renumbered is not None else None,
    )


def load_provisions(path: Path | None = None) -> tuple[dict[str, str], list[Provision]]:
    """Read a provisions file: (instrument titles by law code, provisions in file order)."""
    path = path or default_provisions_path()
    shown = str(path)
    try:
        content = read_guarded(path, shown, DEFAULT_LIMITS.max_file_bytes, raise_with=None).content
    except SourceError as exc:
        raise ConfigError(f"cannot read provisions file: {exc.message}", file=shown) from None
    try:
        docs = parse_structured(shown, content, "yaml", DEFAULT_LIMITS)
    except SourceError as exc:
        raise ConfigError(exc.message, file=shown, line=exc.line) from exc
    data = docs[0].data if docs else None
    locator = docs[0].locator if docs else None
    if not isinstance(data, dict) or not isinstance(data.get("provisions"), list):
        raise ConfigError(
            "a provisions file is a mapping with 'instruments' and a 'provisions' list",
            file=shown,
            line=1,
        )
    instruments = data.get("instruments") or {}
    if not isinstance(instruments, dict):
        raise ConfigError(
            "'instruments' must map law codes to titles",
            file=shown,
            line=_line(locator, ("instruments",)),
        )
    titles = {str(k): str(v) for k, v in instruments.items()}
    provisions = [
        _provision(raw, i, titles, shown, locator) for i, raw in enumerate(data["provisions"])
    ]
    seen: dict[tuple[str, str], int] = {}
    for i, prov in enumerate(provisions):
        key = (prov.law, prov.article)
        if key in seen:
            raise ConfigError(
                f"{prov.law} Art. {prov.article} is listed twice (provisions"
                f"[{seen[key]}] and [{i}])",
                file=shown,
                line=_line(locator, ("provisions", i)),
            )
        seen[key] = i
    return titles, provisions


def build_coverage(
    rules: Iterable[Rule],
    instruments: Mapping[str, str],
    provisions: Sequence[Provision],
    as_of: dt.date,
) -> Coverage:
    """Match the citations of ``rules`` (compiled for ``as_of``) against ``provisions``."""
    citations: dict[tuple[str, str], list[CitingRule]] = {}
    for rule in sorted(rules, key=lambda r: r.id):
        citing = CitingRule(rule.id, rule.pack, str(rule.severity), rule.manual)
        for ref in rule.refs:
            bucket = citations.setdefault((ref.law, str(ref.article)), [])
            if citing not in bucket:
                bucket.append(citing)
    rows = []
    matched: set[tuple[str, str]] = set()
    for prov in provisions:
        key = (prov.law, prov.article_on(as_of))
        matched.add(key)
        rows.append(ProvisionCoverage(prov, tuple(citations.get(key, ()))))
    other = {
        key: tuple(r.id for r in found)
        for key, found in sorted(citations.items())
        if key not in matched
    }
    return Coverage(as_of=as_of, instruments=dict(instruments), rows=rows, other_citations=other)


def coverage_to_json(cov: Coverage) -> dict[str, Any]:
    """A JSON-ready mapping (``dsaudit coverage --format json``)."""
    laws = []
    summary = cov.summary()
    for law, title in cov.instruments.items():
        rows = [r for r in cov.rows if r.provision.law == law]
        if not rows:
            continue
        laws.append(
            {
                "law": law,
                "title": title,
                "summary": summary[law],
                "provisions": [
                    {
                        "article": r.provision.article,
                        "article_on_as_of": r.provision.article_on(cov.as_of),
                        "former_article": r.provision.former_article,
                        "title": r.provision.title,
                        "checkable": r.provision.checkable,
                        "status": r.status,
                        "rules": [
                            {"id": c.id, "pack": c.pack, "severity": c.severity, "manual": c.manual}
                            for c in r.rules
                        ],
                        "reason": r.reason or None,
                    }
                    for r in rows
                ],
            }
        )
    return {
        "as_of": cov.as_of.isoformat(),
        "instruments": laws,
        "other_citations": [
            {"law": law, "article": article, "rules": list(ids)}
            for (law, article), ids in cov.other_citations.items()
        ],
    }


def _partly(summary: Mapping[str, int]) -> str:
    """`` (and N partly)`` when some provisions are only partly covered."""
    n = summary.get("partly-covered", 0)
    return f" (and {n} partly)" if n else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def coverage_to_markdown(cov: Coverage) -> str:
    """The matrix as Markdown: one table per instrument, then stray citations."""
    lines = [f"# Coverage of China data-security provisions (as of {cov.as_of.isoformat()})", ""]
    summary = cov.summary()
    for law, title in cov.instruments.items():
        rows = [r for r in cov.rows if r.provision.law == law]
        if not rows:
            continue
        s = summary[law]
        lines += [
            f"## {law}: {_cell(title)}",
            "",
            f"{s['covered']} of {s['checkable']} checkable provisions covered"
            f"{_partly(s)}; "
            f"{s['not-checkable']} not checkable from an inventory or config.",
            "",
            "| Article | Provision | Status | Rules / reason |",
            "|---|---|---|---|",
        ]
        for r in rows:
            detail = ", ".join(f"`{c.id}`" for c in r.rules) if r.rules else r.reason
            if r.rules and r.reason:
                detail = f"{detail}; partly: {r.reason}"
            lines.append(
                f"| {_cell(r.provision.label(cov.as_of))} | {_cell(r.provision.title)} | "
                f"{r.status} | {_cell(detail or '')} |"
            )
        lines.append("")
    if cov.other_citations:
        lines += [
            "## Other articles cited by rules",
            "",
            "| Law | Article | Rules |",
            "|---|---|---|",
        ]
        for (law, article), ids in cov.other_citations.items():
            lines.append(f"| {law} | {article} | {', '.join(f'`{i}`' for i in ids)} |")
        lines.append("")
    return "\n".join(lines)
