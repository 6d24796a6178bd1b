"""Inline suppressions: ``# dsaudit:ignore RULE-ID reason`` in the file a finding points at.

A suppression comment names one rule id (or several, separated by commas) and a reason::

    retention_days: 30  # dsaudit:ignore CSL-23-LOG-RETENTION staging only, wiped nightly

    # dsaudit:ignore CSL-23-LOG-RETENTION staging only, wiped nightly
    retention_days: 30

A trailing comment covers its own line; a comment alone on its line covers that line and the
next. The reason is required: a suppression without one is ignored and reported as a warning.
A suppressed result keeps its rule and evidence and gets status ``suppressed`` with the reason.
The comment scan reads the file again (bounded, and only files with a failing result whose bytes
hold the marker), so it works the same for every parser, a plugin's too.

The comment is found in the text of the file, so it works for every format whose comments start
with ``#``, ``;`` or ``//`` (YAML, TOML, INI, .env, sshd, nginx, ...). Only the files that have
failing results are read. ``--no-inline-suppressions`` (``inline_suppressions: false``) turns
the whole mechanism off for strict audits.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from dsaudit.core.errors import SourceError
from dsaudit.core.models import Result, Status
from dsaudit.documents.safe_read import read_guarded
from dsaudit.modifiers.step import SUPPRESS_ORDER, Modified, ModifyContext, Step
from dsaudit.project.config import ProjectConfig

MARKER = "dsaudit:ignore"

_COMMENT = re.compile(r"(?P<lead>^\s*)?(?:#|;|//)\s*dsaudit:ignore(?P<rest>(?:\s.*)?)$")
_RULE_IDS = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*(?:\s*,\s*[A-Za-z0-9][A-Za-z0-9_.-]*)*")


@dataclass(frozen=True, slots=True)
class Suppression:
    """One ``dsaudit:ignore`` comment."""

    file: str
    line: int
    """1-based line of the comment."""
    rule_ids: tuple[str, ...]
    reason: str
    own_line: bool
    """True when the comment is alone on its line (it then also covers the next line)."""

    def covers(self, rule_id: str, line: int) -> bool:
        """Whether this comment suppresses ``rule_id`` at ``line``."""
        if rule_id not in self.rule_ids:
            return False
        return line == self.line or (self.own_line and line == self.line + 1)


def parse_line(file: str, number: int, text: str) -> Suppression | str | None:
    """Parse one line: a :class:`Suppression`, a problem (str) or None (no marker)."""
    if MARKER not in text:
        return None
    match = _COMMENT.search(text)
    if match is None:
        return None
    rest = match.group("rest").strip()
    ids = _RULE_IDS.match(rest)
    where = f"{file}:{number}"
    if not rest or ids is None:
        return f"{where}: '{MARKER}' needs a rule id and a reason; the comment is ignored"
    rule_ids = tuple(part.strip() for part in ids.group(0).split(","))
    reason = rest[ids.end() :].strip().lstrip(":-—").strip()
    if not reason:
        return (
            f"{where}: '{MARKER} {', '.join(rule_ids)}' has no reason; a suppression must say "
            "why, so the comment is ignored"
        )
    own_line = match.group("lead") is not None
    return Suppression(file, number, rule_ids, reason, own_line)


def scan_text(file: str, text: str) -> tuple[list[Suppression], list[str]]:
    """Every suppression in ``text`` and the problems found (malformed comments)."""
    found: list[Suppression] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parsed = parse_line(file, number, line)
        if isinstance(parsed, Suppression):
            found.append(parsed)
        elif parsed is not None:
            problems.append(parsed)
    return found, problems


_MARKER_BYTES = MARKER.encode()


def _read(root: Path, rel: str, max_bytes: int) -> str | None:
    """The text of ``rel`` under (resolved) ``root`` if it has a suppression marker at all."""
    path = Path(os.path.realpath(root / rel))
    if not path.is_relative_to(root) or not path.is_file():
        return None
    try:
        data = read_guarded(path, rel, max_bytes).content
    except SourceError:  # and LimitError: the file's own result already says so
        return None
    if _MARKER_BYTES not in data:
        return None
    return data.decode("utf-8", errors="replace")


def suppress(
    results: Sequence[Result], root: Path, max_file_bytes: int
) -> tuple[list[Result], list[str]]:
    """New results with the failing ones covered by a suppression comment ``suppressed``.

    Also returns the problems found in the files read (malformed comments), as warnings.
    """
    by_file: dict[str, list[int]] = defaultdict(list)
    for index, result in enumerate(results):
        if result.status is Status.FAIL and result.location.file and result.location.line:
            by_file[result.location.file].append(index)
    out = list(results)
    warnings: list[str] = []
    root = root.resolve()
    for rel in sorted(by_file):
        text = _read(root, rel, max_file_bytes)
        if text is None or MARKER not in text:
            continue
        found, problems = scan_text(rel, text)
        warnings.extend(problems)
        for index in by_file[rel]:
            result = out[index]
            line = result.location.line or 0
            hit = next((s for s in found if s.covers(result.rule_id, line)), None)
            if hit is not None:
                out[index] = replace(result, status=Status.SUPPRESSED, suppression=hit.reason)
    return out, warnings


@dataclass(frozen=True, slots=True)
class InlineSuppressions:
    """The built-in modifier for ``# dsaudit:ignore`` comments (off with
    ``--no-inline-suppressions``; the report's metadata says which)."""

    name: str = "suppressions"
    order: int = SUPPRESS_ORDER

    def prepare(self, config: ProjectConfig) -> Step:
        enabled = config.inline_suppressions

        def step(results: Sequence[Result], ctx: ModifyContext) -> Modified:
            meta = {"inline_suppressions": enabled}
            if not enabled:
                return Modified(results, metadata=meta)
            out, warnings = suppress(results, config.root, config.limits.max_file_bytes)
            return Modified(out, warnings=tuple(warnings), metadata=meta)

        return step
