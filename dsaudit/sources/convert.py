"""``dsaudit inventory convert``: registers and Fides data maps -> inventory files.

Each register (``.csv``, ``.xlsx``) becomes ``<stem>.yaml``; every Fides data map given (any
other ``.yaml``/``.yml``) is read together, so that a system links the datasets of another
file, and becomes ``fides.yaml``. The output is deterministic: the same inputs give the same
bytes (records in input order, keys in a fixed order, no timestamps).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dsaudit.core.errors import DsauditError, LimitError, SourceError
from dsaudit.core.limits import Limits
from dsaudit.core.taxonomy import Taxonomy
from dsaudit.documents.safe_read import read_guarded
from dsaudit.documents.structured import parse_structured
from dsaudit.sources.fides import Source, convert_fides
from dsaudit.sources.imported import ImportedDocument, Problem
from dsaudit.sources.register import read_register

FIDES_OUTPUT = "fides.yaml"


@dataclass(slots=True)
class Converted:
    outputs: dict[str, str] = field(default_factory=dict)
    """Output file name -> its text, in input order."""
    problems: list[Problem] = field(default_factory=list)


def render(document: dict[str, Any], inputs: Sequence[str]) -> str:
    """The YAML text of a converted document (one header comment naming the inputs)."""
    names = ", ".join(inputs)
    header = (
        f"# Converted by `dsaudit inventory convert` from {names}.\n"
        "# Inventory format v1 (docs/inventory.md); edit the source and convert again.\n"
    )
    body = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    return header + body


def convert_inputs(
    paths: Sequence[Path], displays: Sequence[str], taxonomy: Taxonomy, limits: Limits
) -> Converted:
    """Convert registers and Fides data maps; problems name file and place.

    :raises dsaudit.sources.register.MissingExtra: an XLSX register without openpyxl.
    """
    result = Converted()
    names = frozenset(taxonomy.names())
    fides: list[Source] = []
    fides_inputs: list[str] = []
    for path, display in zip(paths, displays, strict=True):
        try:
            content = read_guarded(path, display, limits.max_file_bytes).content
        except (LimitError, SourceError) as exc:
            result.problems.append(Problem(exc.message, display, whole=True))
            continue
        suffix = path.suffix.lower()
        if suffix in (".csv", ".xlsx"):
            document = read_register(
                display, content, xlsx=suffix == ".xlsx", categories=names, suggest=taxonomy.suggest
            )
            _add(result, f"{_stem(path)}.yaml", document, [display])
        elif suffix in (".yaml", ".yml"):
            try:
                parsed = parse_structured(display, content, "yaml", limits)
            except DsauditError as exc:
                result.problems.append(Problem(exc.message, exc.file or display, exc.line, True))
                continue
            fides.extend((display, doc.data, doc.locator) for doc in parsed)
            fides_inputs.append(display)
        else:
            why = f"cannot convert {suffix or 'a file without extension'}: expected a register "
            why += "(.csv, .xlsx) or a Fides data map (.yaml, .yml)"
            result.problems.append(Problem(why, display, whole=True))
    if fides:
        document = convert_fides(fides)
        for problem in document.problems:  # categories: the mapping decides, not spelling
            result.problems.append(problem)
        document.problems = []
        _add(result, FIDES_OUTPUT, document, fides_inputs)
    return result


def _add(result: Converted, name: str, document: ImportedDocument, inputs: list[str]) -> None:
    result.problems.extend(document.problems)
    data = document.data
    if name in result.outputs:
        raise DsauditError(f"two inputs would both be converted into {name}; rename one")
    if any(key != "version" for key in data):
        result.outputs[name] = render(data, inputs)


def _stem(path: Path) -> str:
    return path.name[: -len(path.suffix)] if path.suffix else path.name
