"""The golden table of shipped rules: (rule id, pack, severity, refs), one rule a line.

tests/law/golden_rules.tsv is committed and reviewed by hand, so that a changed severity or
citation is a deliberate diff; tests/law/test_golden_rules.py compares the packs with it.
After a deliberate change, regenerate it from the repository root and review the diff:

    python -m tests.law.golden --write
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dsaudit.language.packs import builtin_pack_paths, load_pack

GOLDEN = Path(__file__).with_name("golden_rules.tsv")
HEADER = (
    "# rule\tpack\tseverity\trefs (in order; ~N: former article; [from..until])\n"
    "# regenerate: python -m tests.law.golden --write (then review the diff)\n"
)


def ref_cell(ref: Mapping[str, Any]) -> str:
    """``CSL 23(3) ~21 [2026-01-01..]``: law, article(clause), former article, window."""
    text = f"{ref['law']} {ref['article']}"
    if ref.get("clause") is not None:
        text += f"({ref['clause']})"
    if ref.get("former_article") is not None:
        text += f" ~{ref['former_article']}"
    start, until = ref.get("in_force_from"), ref.get("in_force_until")
    if start or until:
        text += f" [{start or ''}..{until or ''}]"
    return text


def rows() -> list[str]:
    """One tab-separated line per shipped rule, sorted by rule id."""
    lines = []
    for path in builtin_pack_paths():
        pack = load_pack(path)
        for src in pack.rules:
            rule = src.data
            refs = "; ".join(ref_cell(r) for r in rule["refs"])
            lines.append(f"{rule['id']}\t{pack.name}\t{rule['severity']}\t{refs}")
    return sorted(lines)


def render() -> str:
    return HEADER + "".join(f"{line}\n" for line in rows())


def read_golden() -> list[str]:
    """The committed table's rows (comment lines left out)."""
    text = GOLDEN.read_text("utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.law.golden --write")
    GOLDEN.write_text(render(), "utf-8")
    print(f"wrote {GOLDEN} ({len(rows())} rules)")
