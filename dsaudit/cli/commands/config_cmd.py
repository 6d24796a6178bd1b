"""``dsaudit config show``: the effective configuration and where each value came from.

Every setting an audit of TARGET would use, with its source: ``FILE:LINE`` (the config file),
``--flag`` (the command line) or ``default``. The config file is part of the audited tree and
so untrusted input: every value and path is redacted (:func:`dsaudit.redaction.redact.redact_text`)
and escaped for the terminal before it is printed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from dsaudit.cli.commands.echo import echo
from dsaudit.cli.commands.options import input_options
from dsaudit.cli.helptext import CONFIG_SHOW_EPILOG


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its key as ``dsaudit.yaml`` spells it, the flag and how to read it."""

    key: tuple[str, ...]
    flag: str | None
    value: Callable[[Any], Any]
    default_text: str | None = None
    """How the default reads when the value alone says little (empty: every shipped pack)."""


def _path(value: Path | None) -> str | None:
    from dsaudit.project.config import shown_path

    return None if value is None else shown_path(value)


SETTINGS: tuple[Setting, ...] = (
    Setting(("organization",), None, lambda c: c.organization,
            "the inventory's organization.name"),
    Setting(("packs",), "--pack", lambda c: list(c.packs),
            "every shipped pack and packs from plugins"),
    Setting(("inventory",), "--inventory", lambda c: list(c.inventory)),
    Setting(("disable",), None, lambda c: list(c.disabled_rules)),
    Setting(("only",), None, lambda c: list(c.only_rules), "every rule"),
    Setting(("configs", "include"), None, lambda c: list(c.include),
            "every file a parser claims"),
    Setting(("configs", "exclude"), None, lambda c: list(c.exclude)),
    Setting(("configs", "follow_symlinks"), None, lambda c: c.follow_symlinks),
    Setting(("configs", "parsers"), None, lambda c: dict(c.parser_overrides)),
    Setting(("plugins",), "--plugin-dir", lambda c: [_path(p) for p in c.plugin_dirs]),
    Setting(("fail_on",), "--fail-on", lambda c: c.fail_on),
    Setting(("fail_on_error",), "--fail-on-error", lambda c: c.fail_on_error),
    Setting(("as_of",), "--as-of", lambda c: c.as_of.isoformat(), "today"),
    Setting(("outputs",), "--format", lambda c: [
        {"format": fmt, "path": _path(path) if path else "-"} for fmt, path in c.outputs],
        "console to standard output"),
    Setting(("waivers",), "--waivers", lambda c: _path(c.waivers), "none"),
    Setting(("baseline",), "--baseline", lambda c: _path(c.baseline), "none"),
    Setting(("inline_suppressions",), "--no-inline-suppressions",
            lambda c: c.inline_suppressions),
    Setting(("passes",), "--passes", lambda c: c.passes),
    Setting(("jobs",), "--jobs", lambda c: c.jobs, "the CPUs this process may use"),
    Setting(("cache",), "--cache", lambda c: _path(c.cache), "none"),
    Setting(("taxonomy", "sensitive_pi"), "--sensitive-pi", lambda c: c.sensitive_pi),
)  # fmt: skip
"""The settings shown, in the order of docs/config.md."""

_FLAG_KEYS = {
    "--pack": "packs",
    "--inventory": "inventory",
    "--plugin-dir": "plugin_dirs",
    "--fail-on": "fail_on",
    "--fail-on-error": "fail_on_error",
    "--as-of": "as_of",
    "--format": "outputs",
    "--waivers": "waivers",
    "--baseline": "baseline",
    "--no-inline-suppressions": "no_inline_suppressions",
    "--passes": "passes",
    "--jobs": "jobs",
    "--cache": "cache",
    "--sensitive-pi": "sensitive_pi",
}
"""Flag of a setting -> the option that sets it (given: not None, not empty, not False)."""


def _given(flag: str | None, options: dict[str, Any]) -> str | None:
    """The flag that set this setting on the command line, if one did."""
    if flag is None:
        return None
    if flag == "--format":
        return flag if (options.get("formats") or options.get("outputs")) else None
    if flag == "--cache" and options.get("no_cache"):
        return "--no-cache"
    value = options.get(_FLAG_KEYS[flag])
    if flag == "--fail-on-error" and value is False:
        return "--no-fail-on-error"
    if value is None or value is False or value == ():
        return None
    return flag


def _present(data: Any, key: Sequence[str]) -> bool:
    for part in key:
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


def effective_settings(cfg: Any, options: dict[str, Any]) -> list[dict[str, Any]]:
    """One record per setting: ``key``, ``value``, ``source`` (``file``, ``flag`` or
    ``default``), ``where`` (``FILE:LINE``, the flag, or ``default``), ``file``, ``line``."""
    from dsaudit.documents.validated import line_of
    from dsaudit.project.config import shown_path

    records: list[dict[str, Any]] = []
    shown_file = shown_path(cfg.config_file) if cfg.config_file else None
    for setting in SETTINGS:
        record: dict[str, Any] = {"key": ".".join(setting.key), "value": setting.value(cfg)}
        flag = _given(setting.flag, options)
        if setting.key == ("disable",):
            in_file = _present(cfg.raw, ("disable",)) or any(
                isinstance(v, dict) and v.get("enabled") is False
                for v in (cfg.raw.get("rules") or {}).values()
            )
        else:
            in_file = _present(cfg.raw, setting.key)
        if flag and in_file and setting.key == ("plugins",):  # --plugin-dir adds to the file's
            line = line_of(cfg.config_lines, setting.key)
            record.update(source="flag", where=f"{shown_file}:{line} and {flag}",
                          file=shown_file, line=line)  # fmt: skip
        elif flag:
            record.update(source="flag", where=flag, file=None, line=None)
        elif in_file:
            line = line_of(cfg.config_lines, setting.key if setting.key != ("disable",) else
                           (("disable",) if "disable" in cfg.raw else ("rules",)))  # fmt: skip
            where = f"{shown_file}:{line}" if line else str(shown_file)
            record.update(source="file", where=where, file=shown_file, line=line)
        else:
            record.update(source="default", where="default", file=None, line=None)
            if setting.default_text and record["value"] in (None, [], {}):
                record["default"] = setting.default_text
        records.append(record)

    def from_file(key: tuple[str, ...], value: Any) -> dict[str, Any]:
        line = line_of(cfg.config_lines, key)
        where = f"{shown_file}:{line}" if line else str(shown_file)
        return {"key": ".".join(key), "value": value, "source": "file", "where": where,
                "file": shown_file, "line": line}  # fmt: skip

    for rule_id, settings in sorted((cfg.raw.get("rules") or {}).items()):
        for name, value in sorted(((settings or {}).get("params") or {}).items()):
            records.append(from_file(("rules", rule_id, "params", name), value))
    for name, value in _limits_items(cfg.limits):
        if _present(cfg.raw, ("limits", name)):
            records.append(from_file(("limits", name), value))
        else:
            records.append({"key": f"limits.{name}", "value": value, "source": "default",
                            "where": "default", "file": None, "line": None})  # fmt: skip
    for section in sorted(cfg.plugin_sections):
        records.append(from_file(("plugin_settings", section), cfg.plugin_sections[section]))
    return records


def _limits_items(limits: Any) -> list[tuple[str, Any]]:
    import dataclasses

    return [(f.name, getattr(limits, f.name)) for f in dataclasses.fields(limits)]


def _redacted(record: dict[str, Any]) -> Any:
    """The record's value masked (the config is input from the audited tree): every string and
    key; under ``plugin_settings`` and rule ``params`` also values whose key names a secret
    (``token``, ``password``, ...), shown as ``****``."""
    from dsaudit.redaction.redact import redact_value

    key = record["key"]
    by_path = key.startswith("plugin_settings.") or (key.startswith("rules.") and ".params." in key)
    return redact_value(record["value"], key if by_path else None)


def _value_text(record: dict[str, Any]) -> str:
    value = record["value"]
    if record.get("default"):
        return f"({record['default']})"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _json_text(document: Any) -> str:
    """JSON whose every character is safe on a terminal: what ``terminal_text`` would escape
    is written as a JSON ``\\uNNNN`` escape, so the text stays valid JSON."""
    from dsaudit.core.names import terminal_text

    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)
    return "".join(ch if terminal_text(ch) == ch else json.dumps(ch)[1:-1] for ch in text)


@click.group()
def config() -> None:
    """Inspect the project configuration (dsaudit.yaml)."""


@config.command("show", epilog=CONFIG_SHOW_EPILOG)
@click.argument("target", default=".", type=click.Path(path_type=Path))
@input_options
@click.option("--fail-on", type=click.Choice(["critical", "high", "medium", "low", "info",
              "never"]), default=None, help="As for 'dsaudit audit'.")  # fmt: skip
@click.option("--fail-on-error/--no-fail-on-error", default=None, help="As for 'dsaudit audit'.")
@click.option("--format", "formats", multiple=True, metavar="F", help="As for 'dsaudit audit'.")
@click.option("--output", "-o", "outputs", multiple=True, metavar="PATH",
              help="As for 'dsaudit audit'.")  # fmt: skip
@click.option("--waivers", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="As for 'dsaudit audit'.")  # fmt: skip
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="As for 'dsaudit audit'.")  # fmt: skip
@click.option("--no-inline-suppressions", is_flag=True, help="As for 'dsaudit audit'.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="As for 'dsaudit audit'.")  # fmt: skip
@click.option("--cache", type=click.Path(path_type=Path, file_okay=False), default=None,
              metavar="DIR", help="As for 'dsaudit audit'.")  # fmt: skip
@click.option("--no-cache", is_flag=True, help="As for 'dsaudit audit'.")
@click.option("--passes", type=click.Choice(["auto", "list", "count"]), default=None,
              help="As for 'dsaudit audit'.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def show(target: Path, as_json: bool, **options: Any) -> None:
    """Show the configuration an audit of TARGET would use and where each value comes from:
    FILE:LINE (the config file), --flag (the command line) or default.

    Takes the same options as 'dsaudit audit'; flags override the file. Values are redacted
    and escaped (the config is part of the audited tree).
    """
    from dsaudit.cli.commands.audit import pair_outputs
    from dsaudit.project.config import build_config, shown_path
    from dsaudit.redaction.redact import redact_text

    if not target.exists():
        raise click.BadParameter(f"{target} does not exist", param_hint="TARGET")
    cfg = build_config(
        target,
        options["config_file"],
        trust_config=options["trust_config"],
        packs=list(options["packs"]),
        plugin_dirs=list(options["plugin_dirs"]),
        fail_on=options["fail_on"],
        fail_on_error=options["fail_on_error"],
        as_of=options["as_of"],
        outputs=pair_outputs(options["formats"], options["outputs"]),
        waivers=options["waivers"],
        baseline=options["baseline"],
        inline_suppressions=not options["no_inline_suppressions"],
        inventory=list(options["inventory"]),
        jobs=options["jobs"],
        cache=options["cache"],
        no_cache=options["no_cache"],
        passes=options["passes"],
        sensitive_pi=options["sensitive_pi"],
    )
    records = effective_settings(cfg, options)
    for record in records:
        record["value"] = _redacted(record)
        for field_name in ("where", "file"):
            if isinstance(record.get(field_name), str):
                record[field_name] = redact_text(record[field_name])
    config_file = redact_text(shown_path(cfg.config_file)) if cfg.config_file else None
    if as_json:
        document = {
            "target": redact_text(shown_path(cfg.root)),
            "config_file": config_file,
            "config_trusted": cfg.config_trusted,
            "settings": records,
        }
        click.echo(_json_text(document))
        return
    trust = "" if cfg.config_trusted else " (found in the target: untrusted)"
    echo(f"target: {redact_text(shown_path(cfg.root))}")
    echo(f"config file: {config_file or 'none (defaults and flags only)'}{trust}")
    width = max(len(r["key"]) for r in records)
    for record in records:
        echo(f"{record['key']:<{width}}  {_value_text(record)}  [{record['where']}]")


COMMANDS = (config,)
