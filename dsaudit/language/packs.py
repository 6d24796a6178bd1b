"""Find rule packs, load them with safe YAML, validate them, and compile their rules.

A pack is a folder with ``pack.yaml`` (the manifest, optionally with inline ``rules:``) and rule
files ``rules/*.yaml`` (each a mapping with a ``rules:`` list), plus ``tests/*.yaml`` with the
passing and failing cases of every rule (:mod:`dsaudit.authoring.ruletests`). Rule packs are data:
they are parsed with the safe loader, validated against ``schemas/pack.schema.json`` and compiled
into closures; nothing in them is ever evaluated as code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from dsaudit.core.errors import PackError, PackSchemaError, RuleCompileError
from dsaudit.core.models import LawRef, LineLocator, Location, PathKey, Rule, Severity
from dsaudit.documents.validated import (
    iso_dates,
    parse_document,
    read_document_bytes,
)
from dsaudit.language.citations import verified_citations
from dsaudit.language.conditions import (
    CompileEnv,
    ConditionError,
    compile_condition,
)
from dsaudit.language.findings import value_splitter
from dsaudit.language.guardrails import legal_values, loosened_params
from dsaudit.language.msgtemplate import ENGINE_NAMES, MessageError, check_messages, legal_name
from dsaudit.language.named import expand_pack_rules
from dsaudit.language.packcheck import (
    check_law_codes,
    check_min_version,
    combined_error,
    known_codes,
    stray_files,
    valid_rules,
)


@dataclass(slots=True)
class RuleSource:
    """The raw mapping of one rule and where it was written."""

    data: dict[str, Any]
    file: str
    base_path: tuple[PathKey, ...]
    locator: LineLocator | None

    def location(self, path: Sequence[PathKey] = ()) -> Location:
        full = (*self.base_path, *path)
        line = self.locator.line_of(full) if self.locator else None
        return Location(self.file, line)


@dataclass(slots=True)
class Pack:
    """A loaded, schema-valid rule pack (rules not yet compiled)."""

    name: str
    version: str
    path: Path
    manifest: dict[str, Any]
    rules: list[RuleSource]
    sha256: str
    origin: str = "builtin"

    @property
    def law(self) -> str:
        return str(self.manifest.get("law") or self.name.upper())

    @property
    def tests_dir(self) -> Path:
        return self.path / "tests"


@dataclass(slots=True)
class CompiledPacks:
    """The rules of a run, plus what was left out and why."""

    rules: list[Rule] = field(default_factory=list)
    inactive: list[str] = field(default_factory=list)
    """Rules not in force on the audit date."""
    disabled: list[str] = field(default_factory=list)


def builtin_packs_dir() -> Path:
    """Where the shipped packs are: inside the installed package, else the source checkout."""
    packaged = resources.files("dsaudit").joinpath("_rules")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "rules"


def builtin_pack_paths() -> list[Path]:
    """Every shipped pack folder, sorted by name."""
    root = builtin_packs_dir()
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / "pack.yaml").is_file())


def read_pack_file(path: Path, display: str) -> bytes:
    """The bytes of one file of a rule pack, through the guarded reader: a FIFO or device in
    a pack is refused without blocking, a file over ``max_file_bytes`` before it is read."""
    read = read_document_bytes(
        path, display, error=PackError, reading="rule pack file", raise_with=None
    )
    return read.content


def _read_yaml(path: Path, display: str) -> tuple[Any, LineLocator | None]:
    content = read_pack_file(path, display)
    data, locator = parse_document(display, content, "yaml", error=PackError, exactly_one=True)
    return iso_dates(data), locator


def load_pack(path: Path, *, root: Path | None = None, origin: str = "builtin") -> Pack:
    """Load and validate the pack in folder ``path`` (or the folder of a ``pack.yaml``).

    Every problem found is reported at once: one :class:`PackError` whose ``errors`` lists each
    (file and line), or the single problem itself.
    """
    path = path.resolve()
    if path.is_file() and path.name == "pack.yaml":
        path = path.parent
    manifest_path = path / "pack.yaml"
    if not manifest_path.is_file():
        raise PackError("not a rule pack: no pack.yaml in this folder", file=str(path))
    base = root or path.parent

    def display(p: Path) -> str:
        try:
            return p.relative_to(base).as_posix()
        except ValueError:
            return p.as_posix()

    shown_manifest = display(manifest_path)
    manifest, locator = _read_yaml(manifest_path, shown_manifest)
    if not isinstance(manifest, dict):
        raise PackSchemaError("pack.yaml must be a mapping", file=shown_manifest, line=1)
    # First: a pack for a newer dsaudit may use keys this one does not know.
    check_min_version(manifest, shown_manifest, locator)
    problems: list[PackError] = []
    rules = [
        RuleSource(rule, shown_manifest, ("rules", i), locator)
        for i, rule in valid_rules(manifest, locator, shown_manifest, problems)
    ]
    for key in ("name", "version", "jurisdiction", "instrument"):
        if key not in manifest:
            problems.append(
                PackSchemaError(f"the manifest needs '{key}'", file=shown_manifest, line=1)
            )
    known = known_codes(manifest, shown_manifest, locator, problems)
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for f in files:
        content = read_pack_file(f, display(f))
        digest.update(f.relative_to(path).as_posix().encode() + b"\0" + content + b"\0")
    problems.extend(stray_files(path, display))
    for rule_file in sorted((path / "rules").glob("*.y*ml")):
        shown = display(rule_file)
        try:
            data, loc = _read_yaml(rule_file, shown)
        except PackError as exc:
            problems.append(exc)
            continue
        if not isinstance(data, dict) or set(data) != {"rules"}:
            problems.append(
                PackSchemaError("a rule file must be a mapping with one key, 'rules'", file=shown)
            )
            continue
        valid = valid_rules({"rules": data["rules"]}, loc, shown, problems)
        rules.extend(RuleSource(r, shown, ("rules", i), loc) for i, r in valid)
    for src in rules:
        check_law_codes(src, known, problems)
    seen: dict[str, RuleSource] = {}
    for src in rules:
        rid = src.data["id"]
        if rid in seen:
            first = seen[rid].location(("id",))
            problems.append(PackSchemaError(
                f"duplicate rule id {rid} (first defined at {first})",
                file=src.file, line=src.location(("id",)).line))  # fmt: skip
        else:
            seen[rid] = src
    if not any(p.file == shown_manifest for p in problems):  # its named conditions are valid
        try:
            rules = expand_pack_rules(
                rules, manifest.get("conditions") or {}, shown_manifest, locator
            )
        except PackSchemaError as exc:
            problems.append(exc)
    if problems:
        problems.sort(key=lambda p: (p.file or "", p.line or 0))
        raise combined_error(str(manifest.get("name") or path.name), problems)
    return Pack(
        name=manifest["name"],
        version=str(manifest["version"]),
        path=path,
        manifest=manifest,
        rules=rules,
        sha256=digest.hexdigest(),
        origin=origin,
    )


def _in_force(src: Mapping[str, Any], as_of: dt.date) -> bool:
    start = src.get("effective_from")
    until = src.get("effective_until")
    if start and as_of < dt.date.fromisoformat(start):
        return False
    return not (until and as_of >= dt.date.fromisoformat(until))


def _ref_in_force(ref: Mapping[str, Any], as_of: dt.date | None) -> bool:
    if as_of is None:
        return True
    start, until = ref.get("in_force_from"), ref.get("in_force_until")
    if start and as_of < dt.date.fromisoformat(start):
        return False
    return not (until and as_of >= dt.date.fromisoformat(until))


def _param_values(
    src: RuleSource, overrides: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    declared: dict[str, Any] = src.data.get("params", {})
    unknown = sorted(set(overrides) - set(declared))
    if unknown:
        rid = src.data["id"]
        raise PackError(
            f"rule {rid} has no parameter(s) {unknown}; it has {sorted(declared)}",
            file=src.file,
            line=src.location(("params",)).line,
        )
    values = {k: v["default"] for k, v in declared.items()}
    defaults = dict(values)
    values.update(overrides)
    return values, defaults


def compile_rule(
    src: RuleSource, pack: Pack, env: CompileEnv, overrides: Mapping[str, Any] | None = None
) -> Rule:
    """Compile one rule; raise :class:`RuleCompileError` naming file, line and rule."""
    data = src.data
    rid = data["id"]
    params, defaults = _param_values(src, overrides or {})
    loosened = loosened_params(data.get("params", {}), params, overrides or {})
    legal = legal_values(data.get("params", {}))
    exports: dict[str, Any] = {}
    local_env = dataclasses.replace(
        env, params=params, exports=exports, kind=data["applies_to"]["kind"]
    )

    def build(key: str, tree: Any, base: tuple[PathKey, ...]) -> Any:
        try:
            return compile_condition(tree, local_env)
        except ConditionError as exc:
            loc = src.location((*base, *exc.where))
            raise RuleCompileError(f"rule {rid}: {exc}", file=src.file, line=loc.line) from None

    applies = data["applies_to"]
    when = build("when", applies["when"], ("applies_to", "when")) if "when" in applies else None
    manual = data.get("manual")
    condition = (
        build("condition", data["condition"], ("condition",)) if "condition" in data else None
    )
    exported = {placeholder for _, _, names in exports.values() for placeholder in names}
    try:
        check_messages(data, ENGINE_NAMES | set(params) | exported | set(map(legal_name, legal)))
    except MessageError as exc:
        line = src.location((exc.key,)).line
        raise RuleCompileError(f"rule {rid}: {exc.key}: {exc}", file=src.file, line=line) from None
    refs = tuple(
        LawRef(
            law=str(r["law"]),
            article=str(r["article"]),
            clause=str(r["clause"]) if r.get("clause") is not None else None,
            title=r.get("title"),
            url=r.get("url"),
            former_article=str(r["former_article"]) if r.get("former_article") else None,
        )
        for r in data["refs"]
        if _ref_in_force(r, env.as_of)
    ) or tuple(LawRef(law=str(r["law"]), article=str(r["article"])) for r in data["refs"][:1])
    description = data.get("description", "")
    if data.get("unverified"):
        description = f"{description}\n\nUnverified: {data['unverified']}".strip()
    return Rule(
        id=rid,
        title=data["title"],
        severity=Severity(data["severity"]),
        kind=applies["kind"],
        pack=pack.name,
        refs=refs,
        condition=condition if condition is not None else (lambda item, ctx: True),
        when=when,
        message=data["message"],
        remediation=data["remediation"],
        description=description,
        tags=tuple(data.get("tags", ())),
        params=params,
        param_defaults=defaults,
        manual=manual is not None,
        files=tuple(applies.get("files", ())),
        formats=tuple(applies.get("formats", ())),
        effective_from=data.get("effective_from"),
        effective_until=data.get("effective_until"),
        source=src.location(("id",)),
        guardrails=tuple(f"{p.describe()}: this provision is not assured" for p in loosened),
        loosened=loosened,
        legal_values=legal,
        message_missing=data.get("message_missing", ""),
        evidence_interval_days=manual.get("interval_days") if manual else None,
        manual_provision=(manual.get("provision") or rid) if manual else None,
        help_uri=data.get("help_uri"),
        message_values=tuple(values for _, values, _ in exports.values()),
        verified=verified_citations(data.get("verified", ()), refs),
        split=value_splitter(data["condition"]) if condition is not None else None,
    )


def compile_packs(
    packs: Iterable[Pack],
    env: CompileEnv,
    *,
    as_of: dt.date,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    disabled: Iterable[str] = (),
    only: Iterable[str] = (),
) -> CompiledPacks:
    """Compile the rules of ``packs`` that are in force on ``as_of`` and enabled."""
    overrides = overrides or {}
    env = dataclasses.replace(env, as_of=as_of)  # the caller's env is left as it was
    disabled_set, only_set = set(disabled), set(only)
    out = CompiledPacks()
    seen: dict[str, str] = {}
    for pack in packs:
        for src in pack.rules:
            rid = src.data["id"]
            if rid in seen:
                raise PackError(
                    f"rule id {rid} is defined by both pack {seen[rid]} and pack {pack.name}",
                    file=src.file,
                    line=src.location(("id",)).line,
                )
            seen[rid] = pack.name
            if rid in disabled_set or (only_set and rid not in only_set):
                out.disabled.append(rid)
                continue
            if not _in_force(src.data, as_of):
                out.inactive.append(rid)
                continue
            out.rules.append(compile_rule(src, pack, env, overrides.get(rid, {})))
    unknown = set(overrides) - set(seen)
    if unknown:
        raise PackError(f"parameter overrides for unknown rule(s): {sorted(unknown)}")
    return out


def resolve_pack_refs(refs: Sequence[str], extra_paths: Iterable[Path] = ()) -> list[Path]:
    """Turn ``--pack`` values (a shipped pack name or a folder) into pack folders."""
    known: dict[str, Path] = {}
    for path in [*builtin_pack_paths(), *extra_paths]:
        known.setdefault(path.name, path)  # a plugin pack cannot take a shipped pack's name
    out: list[Path] = []
    for ref in refs:
        candidate = Path(ref)
        if (candidate / "pack.yaml").is_file() or candidate.name == "pack.yaml":
            out.append(candidate)
        elif ref in known:
            out.append(known[ref])
        else:
            import difflib

            close = difflib.get_close_matches(ref, list(known), n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            raise PackError(f'no rule pack "{ref}"{hint}; known packs: {", ".join(sorted(known))}')
    return out
