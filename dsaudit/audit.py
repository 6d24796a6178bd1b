"""Run an audit: plugins -> packs -> sources -> engine -> modifiers -> AuditResult.

This is the one place that wires the phases together; each phase lives in its own module.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import platform
import sys
import warnings
from collections.abc import Collection, Sequence
from typing import Any

from dsaudit.__about__ import __version__
from dsaudit.core.errors import PLUGIN_FAILURES, ConfigError, PackError
from dsaudit.core.models import AuditResult, Location, Resource, Result, Rule, tool_error
from dsaudit.core.progress import NO_PROGRESS, Progress
from dsaudit.core.taxonomy import load_taxonomy
from dsaudit.documents.parsecache import ParseCache
from dsaudit.engine.evaluation import build_facts, estimated_results
from dsaudit.engine.parallel import evaluate_parallel
from dsaudit.engine.records import reference_map
from dsaudit.language.conditions import CompileEnv
from dsaudit.language.packs import (
    CompiledPacks,
    Pack,
    builtin_pack_paths,
    compile_packs,
    load_pack,
)
from dsaudit.modifiers.pipeline import (
    LEGACY_WARNING,
    LegacyModifier,
    Prepared,
    apply_modifiers,
    legacy_modifier,
    prepare_modifiers,
)
from dsaudit.modifiers.rule_refs import baseline_refs, check_rule_refs, config_refs, waiver_refs
from dsaudit.modifiers.step import ModifyContext
from dsaudit.plugin.host import PluginHost, get_plugin_host
from dsaudit.plugin.registry import Registry, collect_registry
from dsaudit.project.config import ProjectConfig
from dsaudit.project.sections import check_plugin_settings
from dsaudit.project_packs import plugin_packs_not_run, resolve_packs, shown_path
from dsaudit.sources import SourceContext
from dsaudit.sources.inventory_source import inventory_files

PASS_LIST_LIMIT = 200_000
"""With ``passes: auto``, passing results are listed only up to about this many results."""

"""``progress(phase, done, total)``; the CLI shows a bar, the library passes None."""


def now_utc() -> dt.datetime:
    """The current time, or SOURCE_DATE_EPOCH when set (reproducible reports)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)


def load_packs(config: ProjectConfig, registry: Registry) -> list[Pack]:
    """Load the packs the config asks for (default: the shipped packs, :func:`resolve_packs`)."""
    packs = [
        load_pack(path, origin=origin) for path, origin in resolve_packs(config.packs, registry)
    ]
    if not packs:
        raise PackError("no rule packs to run: pass --pack NAME|PATH or list packs in dsaudit.yaml")
    return packs


def check_rule_ids(
    config: ProjectConfig, packs: list[Pack], registry: Registry, skip: Collection[str] = ()
) -> None:
    """Every rule id the config, waivers and baseline name exists (:mod:`.project.rule_refs`)."""
    refs = config_refs(config)
    if "waivers" not in skip:
        refs += waiver_refs(config)
    if "baseline" not in skip:
        refs += baseline_refs(config)
    loaded = {str(src.data["id"]) for pack in packs for src in pack.rules}

    def catalog() -> set[str]:
        paths = [*builtin_pack_paths(), *(p for _, p in registry.pack_paths)]
        return {str(src.data["id"]) for path in paths for src in load_pack(path).rules}

    check_rule_refs(refs, loaded, catalog)


def compile_rules(
    config: ProjectConfig, packs: list[Pack], registry: Registry, taxonomy: Any
) -> CompiledPacks:
    """Compile the packs' rules for this run's date, overrides and enabled set."""
    env = CompileEnv(
        checks=registry.checks,
        taxonomy=taxonomy,
        max_regex_length=config.limits.max_regex_length,
        operators=registry.operators,
        references=reference_map(),
    )
    compiled = compile_packs(
        packs,
        env,
        as_of=config.as_of,
        overrides=config.rule_params,
        disabled=config.disabled_rules,
        only=config.only_rules,
    )
    if config.selection is not None and not config.selection.empty:
        known = {str(src.data["id"]) for pack in packs for src in pack.rules}
        compiled.rules, left_out = config.selection.apply(compiled.rules, known)
        compiled.disabled.extend(left_out)
    return compiled


def collect(
    config: ProjectConfig,
    host: PluginHost,
    registry: Registry,
    taxonomy: Any,
    progress: Progress = NO_PROGRESS,
) -> tuple[list[Resource], list[Result], list[dict[str, Any]]]:
    """Run every source; a raising source becomes an error result naming the plugin."""
    progress.phase("reading the inventory")
    ctx = SourceContext(
        progress=progress,
        config=config,
        parsers=registry.parsers,
        host=host,
        taxonomy=taxonomy,
        inventory_files=inventory_files(config.root, config.inventory),
        cache=_parse_cache(config),
    )
    resources: list[Resource] = []
    errors: list[Result] = []
    for source in registry.sources:
        try:
            for item in source.collect(ctx):
                (resources if isinstance(item, Resource) else errors).append(item)
        except ConfigError:
            raise  # the run cannot be done as asked (exit 2 with the message)
        except PLUGIN_FAILURES as exc:
            errors.append(
                tool_error(
                    "DSAUDIT-PLUGIN",
                    "plugin",
                    str(getattr(source, "name", source)),
                    f"source {getattr(source, 'name', source)} raised: {type(exc).__name__}: {exc}",
                )
            )
    for plugin_name, extra in host.call_each("dsaudit_collect_resources", config=config):
        for item in extra or ():
            if isinstance(item, Resource):
                resources.append(item)
            else:
                errors.append(
                    tool_error(
                        "DSAUDIT-PLUGIN",
                        "plugin",
                        plugin_name,
                        f"plugin {plugin_name} returned a {type(item).__name__} from "
                        "dsaudit_collect_resources; expected Resource objects",
                    )
                )
    return resources, errors, sorted(ctx.inputs, key=lambda d: d["path"])


def _prepare(
    config: ProjectConfig,
    registry: Registry,
    names: Sequence[str | LegacyModifier] | None,
    skip: Collection[str],
) -> tuple[list[Prepared], list[Result]]:
    """The modifiers of this run, prepared (their input files read and checked) in order."""
    owners = registry.modifier_owners()
    if names is None:
        return prepare_modifiers(registry.modifiers, owners, config, skip=skip)
    wanted = [n for n in names if isinstance(n, str)]
    unknown = sorted(set(wanted) - set(registry.modifiers))
    if unknown:
        raise ConfigError(f"unknown modifier(s): {', '.join(unknown)}")
    skipped = {*skip, *(set(registry.modifiers) - set(wanted))}
    prepared, errors = prepare_modifiers(registry.modifiers, owners, config, skip=skipped)
    if any(not isinstance(n, str) for n in names):
        warnings.warn(LEGACY_WARNING, DeprecationWarning, stacklevel=3)
    legacy = [
        legacy_modifier(getattr(fn, "__name__", "modifier"), fn, config)
        for fn in names
        if not isinstance(fn, str)
    ]
    return [*prepared, *legacy], errors


def _parse_cache(config: ProjectConfig) -> ParseCache | None:
    if config.cache is None:
        return None
    cache = ParseCache(config.cache)
    try:
        cache.prepare()
    except OSError as exc:
        raise ConfigError(
            f"cannot use the parse cache folder: {exc.strerror or exc}", file=str(config.cache)
        ) from None
    return cache


def _plugin_errors(host: PluginHost) -> list[Result]:
    out = []
    for problem in host.problems:
        key = f"{problem.plugin}:{problem.hook or 'load'}"
        out.append(
            tool_error(
                "DSAUDIT-PLUGIN",
                "plugin",
                key,
                problem.message,
                Location(None, None, f"/plugins/{problem.plugin}"),
                detail=problem.traceback or None,
            )
        )
    return out


def loosened_warnings(rules: Sequence[Rule]) -> list[str]:
    """One warning per parameter set looser than the law, by rule id then parameter name."""
    return [
        f"rule {rule.id}: {param.describe()}; its results are not assured"
        for rule in sorted(rules, key=lambda r: r.id)
        for param in sorted(rule.loosened, key=lambda p: p.name)
    ]


def taxonomy_metadata(taxonomy: Any) -> dict[str, Any]:
    """``metadata.taxonomy``: which sensitivity profile the audit applied, and its standard."""
    profile = taxonomy.profiles[taxonomy.profile]
    return {
        "sensitive_pi": profile.name,
        "title": profile.title,
        "in_force": profile.in_force or None,
        "default": profile.default,
        "version": taxonomy.version,
    }


def _metadata(
    config: ProjectConfig,
    packs: list[Pack],
    compiled: CompiledPacks,
    inputs: list[dict[str, Any]],
    started: dt.datetime,
    not_applicable: dict[str, int],
    org: dict[str, Any],
) -> dict[str, Any]:
    return {
        "tool": {"name": "dsaudit", "version": __version__},
        "python": platform.python_version(),
        "platform": sys.platform,
        "started_at": started.isoformat().replace("+00:00", "Z"),
        "as_of": config.as_of.isoformat(),
        "target": config.root.name,
        "organization": config.organization or org.get("name"),
        "packs": [
            {
                "name": p.name,
                "version": p.version,
                "sha256": p.sha256,
                "law": p.law,
                "title": p.manifest.get("instrument", {}).get("title"),
                "origin": p.origin,
                **({"path": shown_path(p.path, config)} if p.origin == "path" else {}),
                "rules": len(p.rules),
            }
            for p in packs
        ],
        "inputs": inputs,
        "parameters": {r.id: dict(r.params) for r in compiled.rules if r.params},
        "guardrails": {r.id: list(r.guardrails) for r in compiled.rules if r.guardrails},
        "inactive_rules": sorted(compiled.inactive),
        "disabled_rules": sorted(compiled.disabled),
        "not_applicable": dict(sorted(not_applicable.items())),
        "fail_on": config.fail_on,
    }


def run_audit(
    config: ProjectConfig,
    *,
    host: PluginHost | None = None,
    modifiers: Sequence[str | LegacyModifier] | None = None,
    skip_modifiers: Collection[str] = (),
    progress: Progress = NO_PROGRESS,
) -> AuditResult:
    """Audit ``config.root`` and return every result with its metadata.

    Every registered modifier runs (suppressions, waivers, baseline and plugins' own), except
    those named in ``skip_modifiers``; ``modifiers`` names the ones to run instead (``[]`` for
    raw results; the 0.1 form, in-place callables, still works for one release, deprecated).
    A broken waivers or baseline file raises before anything is read. Raises
    :class:`~dsaudit.core.errors.PackError` (or ConfigError) when the run cannot be done as asked;
    unreadable inputs and raising plugins become error results instead. ``progress`` hears of
    each phase (:mod:`dsaudit.core.progress`).
    """
    started = now_utc()
    host = host or get_plugin_host(config.plugin_dirs)
    registry = collect_registry(host)
    setting_notes = check_plugin_settings(config, registry.config_sections)
    prepared, modifier_errors = _prepare(config, registry, modifiers, skip_modifiers)
    taxonomy = load_taxonomy(config.sensitive_pi)
    packs = load_packs(config, registry)
    check_rule_ids(config, packs, registry, skip_modifiers)
    compiled = compile_rules(config, packs, registry, taxonomy)
    resources, errors, inputs = collect(config, host, registry, taxonomy, progress)
    # What was loaded lives until the report is written and holds no garbage cycles: keep the
    # collector from re-scanning it on every collection during evaluation (measured: -35 %
    # evaluation time on 10,000 manifests).
    gc.freeze()
    try:
        facts, _ = build_facts(resources, config.as_of, taxonomy)
        keep_passes = config.passes == "list" or (
            config.passes == "auto" and estimated_results(compiled.rules, facts) <= PASS_LIST_LIMIT
        )
        evaluation = evaluate_parallel(
            compiled.rules, facts, keep_passes=keep_passes, jobs=config.jobs, progress=progress
        )
    finally:
        gc.unfreeze()
    rules: dict[str, Rule] = {r.id: r for r in compiled.rules}
    metadata = _metadata(
        config, packs, compiled, inputs, started, evaluation.not_applicable, dict(facts.org)
    )
    metadata["taxonomy"] = taxonomy_metadata(taxonomy)
    metadata["plugin_packs_not_run"] = plugin_packs_not_run(registry, packs)
    metadata["passed_not_listed"] = dict(sorted(evaluation.passed.items()))
    audit = AuditResult(results=evaluation.results, rules=rules, metadata=metadata, errors=errors)
    audit.warnings.extend([*registry.warnings, *setting_notes, *loosened_warnings(compiled.rules)])
    if evaluation.passed:
        why = "--passes count" if config.passes == "count" else "a large audit (--passes auto)"
        audit.warnings.append(
            f"{sum(evaluation.passed.values())} passing results are counted, not listed, "
            f"because of {why}; use --passes list to list them"
        )
    audit.errors.extend(modifier_errors)
    ctx = ModifyContext(config=config, rules=rules, as_of=config.as_of)
    progress.phase("applying suppressions, waivers and the baseline")
    audit = apply_modifiers(audit, prepared, ctx)
    host.call_each("dsaudit_modify_results", results=audit.results, config=config)
    if host.has_impls("dsaudit_result_finished"):
        for result in audit.all_results():
            host.call_each("dsaudit_result_finished", result=result)
    host.call_each("dsaudit_audit_finished", audit=audit, config=config)
    audit.errors.extend(_plugin_errors(host))
    audit.metadata["finished_at"] = now_utc().isoformat().replace("+00:00", "Z")
    audit.metadata["counts"] = {
        "resources": len(resources),
        "rules": len(compiled.rules),
        "results": len(audit.results),
        "errors": len(audit.errors),
    }
    return audit
