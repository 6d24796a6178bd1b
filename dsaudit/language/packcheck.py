"""The checks of a rule pack beyond its JSON Schema, and how its problems are reported.

:func:`dsaudit.language.packs.load_pack` collects every problem of a pack with these and raises
them as one error (:func:`combined_error`): every schema error of the manifest and of each rule
file (:func:`valid_rules`), law codes that name no known instrument (:func:`known_codes`,
:func:`check_law_codes`, :mod:`dsaudit.language.lawcodes`) and YAML files the loader would not
read (:func:`stray_files`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from jsonschema.exceptions import ValidationError

from dsaudit.__about__ import __version__
from dsaudit.core.errors import PackError, PackSchemaError
from dsaudit.core.models import LineLocator
from dsaudit.core.quoting import quote_value
from dsaudit.documents.validated import line_of, schema_errors
from dsaudit.language.lawcodes import shipped_instruments, unknown_code_message

if TYPE_CHECKING:
    from dsaudit.language.packs import RuleSource


def explain_schema_error(data: Any, error: ValidationError) -> str:
    where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
    message = error.message
    if error.validator == "additionalProperties":
        message = f"unknown key: {message}"
    key = error.absolute_path[-1] if error.absolute_path else None
    if error.validator in ("pattern", "minimum") and key in ("article", "former_article"):
        message = (
            f"{key} {quote_value(error.instance)} is not an article number: write the number "
            "('5'), a standard's dotted clause number ('8.1.2.2') or 'annex'"
        )
    elif error.validator == "pattern" and (key == "law" or key == "code"):
        message = (
            f"law code {quote_value(error.instance)} must be capital letters and digits, "
            "starting with a letter (PIPL, GBT35273)"
        )
    return f"{message} at '{where}'"


MAX_SHOWN_PROBLEMS = 25
"""Problems listed in the message of a pack's combined error (all are in its ``errors``)."""


def combined_error(name: str, problems: list[PackError]) -> PackError:
    """One error carrying every problem of a pack (``errors``); a single one as it is."""
    if len(problems) == 1:
        error = problems[0]
    else:
        cls = (
            PackSchemaError if all(isinstance(p, PackSchemaError) for p in problems) else PackError
        )
        lines = [f"  {problem}" for problem in problems[:MAX_SHOWN_PROBLEMS]]
        if len(problems) > MAX_SHOWN_PROBLEMS:
            lines.append(f"  ... and {len(problems) - MAX_SHOWN_PROBLEMS} more")
        error = cls(f"rule pack {name} has {len(problems)} problems:\n" + "\n".join(lines))
    error.errors = list(problems)  # type: ignore[attr-defined]
    return error


def valid_rules(
    data: Any, locator: LineLocator | None, shown: str, problems: list[PackError]
) -> list[tuple[int, Any]]:
    """``(index, rule)`` of the rules of one schema-checked document (manifest or rule file)
    that break no part of the schema; every schema problem of the document goes to
    ``problems``."""
    found = schema_errors(data, locator, shown, "pack.schema.json", error=PackSchemaError,
                          describe=explain_schema_error)  # fmt: skip
    problems.extend(error for _, error in found if isinstance(error, PackError))
    if any(len(where) < 2 or where[0] != "rules" for where, _ in found):
        bad_rules = None  # something outside the rules list is wrong: keep no rule of it
    else:
        bad_rules = {where[1] for where, _ in found}
    rules = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(rules, list) or bad_rules is None:
        return []
    return [(i, rule) for i, rule in enumerate(rules) if i not in bad_rules]


def known_codes(
    manifest: dict[str, Any], shown: str, locator: LineLocator | None, problems: list[PackError]
) -> set[str]:
    """The law codes this pack may cite: shipped, its manifest ``law`` and its ``instruments``."""
    shipped = shipped_instruments()
    known = set(shipped)
    if isinstance(manifest.get("law"), str):
        known.add(manifest["law"])
    seen: set[str] = set()
    declared = manifest.get("instruments")
    for i, entry in enumerate(declared if isinstance(declared, list) else ()):
        code = entry.get("code") if isinstance(entry, dict) else None
        if not isinstance(code, str):
            continue  # the schema problem is reported
        line = line_of(locator, ("instruments", i, "code"))
        if code in shipped:
            problems.append(PackSchemaError(
                f"instruments: {code!r} is shipped with dsaudit ({shipped[code]}); cite it "
                "without declaring it", file=shown, line=line))  # fmt: skip
        elif code in seen:
            problems.append(PackSchemaError(
                f"instruments: {code!r} is declared twice", file=shown, line=line))  # fmt: skip
        seen.add(code)
        known.add(code)
    return known


def check_law_codes(src: RuleSource, known: set[str], problems: list[PackError]) -> None:
    """Every ``refs[].law`` and ``verified[].law`` of a rule names a known instrument."""
    for key in ("refs", "verified"):
        for i, ref in enumerate(src.data.get(key) or ()):
            law = ref.get("law") if isinstance(ref, dict) else None
            if isinstance(law, str) and law not in known:
                message = (
                    f"rule {src.data.get('id')}: {key}[{i}]: {unknown_code_message(law, known)}"
                )
                line = src.location((key, i, "law")).line
                problems.append(PackSchemaError(message, file=src.file, line=line))


def stray_files(path: Path, display: Any) -> list[PackError]:
    """YAML files the loader would not read: at the pack's root (other than ``pack.yaml``) or in
    a subfolder of ``rules/``. Rules in them would silently not run, so they are refused; hidden
    files (``.yamllint.yaml``, ``.pre-commit-config.yaml``) are tools' settings and are let be."""
    stray = [p for p in path.iterdir() if p.is_file() and p.name != "pack.yaml"]
    rules_dir = path / "rules"
    if rules_dir.is_dir():
        stray += [p for p in rules_dir.rglob("*") if p.is_file() and p.parent != rules_dir]
    out: list[PackError] = []
    for f in sorted(stray):
        if f.suffix.lower() not in (".yaml", ".yml") or f.name.startswith("."):
            continue
        if f.parent == path:
            why = "a YAML file at the root of a pack is not read (only pack.yaml is)"
        else:
            why = "rule files are read from rules/ itself, not from its subfolders"
        out.append(PackSchemaError(
            f"{why}: move rule files into rules/ and test cases into tests/, or move this file "
            "out of the pack", file=display(f)))  # fmt: skip
    return out


def check_min_version(manifest: dict[str, Any], shown: str, locator: LineLocator | None) -> None:
    """Refuse a pack that needs a newer dsaudit (``min_dsaudit``), as Semgrep's min-version."""
    wanted = manifest.get("min_dsaudit")
    if wanted is None:
        return
    if _version_tuple(str(wanted)) > _version_tuple(__version__):
        raise PackError(
            f"pack {manifest.get('name')} needs dsaudit {wanted} or newer; this is dsaudit "
            f"{__version__} (upgrade dsaudit, or use an older release of the pack)",
            file=shown,
            line=line_of(locator, ("min_dsaudit",)),
        )


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())
