"""Hooks of the sink plugin: collect new failing results, deliver them when the audit ends.

Settings are the ``sink`` section of dsaudit.yaml (``plugin_settings.sink``), validated by
dsaudit against :data:`SCHEMA` before the audit starts::

    plugin_settings:
      sink:
        webhook_url: https://hooks.example.cn/dsaudit   # POST the summary and findings here
        webhook_token_env: SINK_TOKEN                    # env var holding the bearer token
        tickets_file: out/tickets.json                   # Jira-bulk-create-shaped issues
        project: SEC                                     # ticket project key
        min_severity: low                                # smallest severity sent
        timeout: 10                                      # webhook timeout, seconds

A config found in the audited tree may set only ``project``, ``min_severity`` and ``timeout``:
where the findings go is the pipeline's choice, not the pull request's. The 0.1 environment
variables (``DSAUDIT_SINK_WEBHOOK_URL``, ``..._WEBHOOK_TOKEN``, ``..._TICKETS_FILE``,
``..._PROJECT``, ``..._MIN_SEVERITY``, ``..._TIMEOUT``) still work for settings the section does
not set, with a DeprecationWarning; they go in the next release.

With neither a URL nor a file set the plugin does nothing. A delivery that fails raises, and
dsaudit reports it as an error result naming this plugin and the hook (exit code 2).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dsaudit
from dsaudit import AuditResult, ProjectConfig, Result, Severity

from dsaudit_sink import delivery, payload

DSAUDIT_PLUGIN_API = 1
"""The dsaudit plugin API versions this plugin supports."""

SECTION = "sink"
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "webhook_url": {"type": "string", "pattern": "^https?://"},
        "webhook_token_env": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
        "tickets_file": {"type": "string", "minLength": 1},
        "project": {"type": "string", "pattern": "^[A-Z][A-Z0-9_]{0,31}$"},
        "min_severity": {"enum": [s.value for s in Severity]},
        "timeout": {"type": "number", "exclusiveMinimum": 0, "maximum": 300},
    },
}
"""What ``plugin_settings.sink`` may hold."""
UNTRUSTED_KEYS = ("project", "min_severity", "timeout")
"""The settings a config found in the audited tree may set (none of them sends or writes)."""

ENV_PREFIX = "DSAUDIT_SINK_"
_ENV_KEYS = {
    "webhook_url": "WEBHOOK_URL",
    "webhook_token": "WEBHOOK_TOKEN",
    "tickets_file": "TICKETS_FILE",
    "project": "PROJECT",
    "min_severity": "MIN_SEVERITY",
    "timeout": "TIMEOUT",
}


@dataclass(slots=True)
class Settings:
    webhook_url: str | None = None
    webhook_token: str | None = None
    tickets_file: Path | None = None
    project: str = "SEC"
    min_severity: Severity = Severity.LOW
    timeout: float = 10.0

    @classmethod
    def from_config(cls, config: ProjectConfig | None) -> Settings:
        """The ``sink`` section, with the deprecated environment variables as a fallback."""
        section: Mapping[str, Any] = config.plugin_settings(SECTION) if config else {}
        env = os.environ
        used = sorted(
            f"{ENV_PREFIX}{suffix}"
            for key, suffix in _ENV_KEYS.items()
            if f"{ENV_PREFIX}{suffix}" in env and key not in section
            and not (key == "webhook_token" and "webhook_token_env" in section)
        )  # fmt: skip
        if used:
            warnings.warn(
                f"dsaudit-sink: {', '.join(used)} are deprecated; set plugin_settings.sink in "
                "dsaudit.yaml instead (see the plugin's README)",
                DeprecationWarning,
                stacklevel=2,
            )

        def pick(key: str, convert: Callable[[Any], Any] = str) -> Any:
            if key in section:
                return convert(section[key])
            raw = env.get(f"{ENV_PREFIX}{_ENV_KEYS[key]}")
            return convert(raw) if raw else None

        token = None
        if "webhook_token_env" in section:
            token = env.get(section["webhook_token_env"]) or None
            if token is None:
                raise delivery.SinkError(
                    f"plugin_settings.sink.webhook_token_env names {section['webhook_token_env']}, "
                    "which is not set"
                )
        else:
            token = pick("webhook_token")
        tickets = pick("tickets_file", Path)
        if tickets is not None and not tickets.is_absolute() and config is not None:
            base = config.config_file.parent if config.config_file else Path.cwd()
            tickets = base / tickets
        return cls(
            webhook_url=pick("webhook_url"),
            webhook_token=token,
            tickets_file=tickets,
            project=pick("project") or "SEC",
            min_severity=_severity(pick("min_severity") or "low"),
            timeout=float(pick("timeout", float) or 10.0),
        )


def _severity(raw: str) -> Severity:
    value = raw.strip().lower()
    try:
        return Severity(value)
    except ValueError:
        choices = ", ".join(s.value for s in Severity)
        raise delivery.SinkError(f"min_severity {value!r} is not one of {choices}") from None


@dataclass(slots=True)
class Collector:
    """Failing results seen through ``dsaudit_result_finished`` during one audit."""

    results: list[Result] = field(default_factory=list)
    DSAUDIT_PLUGIN_API = DSAUDIT_PLUGIN_API

    @dsaudit.hookimpl
    def dsaudit_result_finished(self, result: Result) -> None:
        if result.status == "fail" and not result.baselined:
            self.results.append(result)

    @dsaudit.hookimpl
    def dsaudit_register_config_sections(self, register: Callable[..., None]) -> None:
        register(SECTION, SCHEMA, untrusted_keys=UNTRUSTED_KEYS)

    @dsaudit.hookimpl
    def dsaudit_audit_finished(self, audit: AuditResult, config: ProjectConfig) -> None:
        collected, self.results = self.results, []  # fresh for the next audit
        settings = Settings.from_config(config)
        if not settings.webhook_url and not settings.tickets_file:
            return
        findings = [
            payload.finding(r, audit)
            for r in collected
            if payload.is_new_failure(r, settings.min_severity)
        ]
        if settings.tickets_file is not None:
            document = payload.tickets_document(audit, findings, settings.project)
            delivery.write_json(settings.tickets_file, document)
        if settings.webhook_url:
            delivery.post_json(
                settings.webhook_url,
                payload.webhook_body(audit, findings),
                token=settings.webhook_token,
                timeout=settings.timeout,
            )


plugin = Collector()
"""The object the ``dsaudit`` entry point names."""
