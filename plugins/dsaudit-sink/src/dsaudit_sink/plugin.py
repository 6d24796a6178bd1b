"""Hooks of the sink plugin: collect new failing results, deliver them when the audit ends.

Settings come from the environment (dsaudit.yaml has no room for plugin settings):

- ``DSAUDIT_SINK_WEBHOOK_URL``: POST the summary and findings here (http or https).
- ``DSAUDIT_SINK_WEBHOOK_TOKEN``: sent as ``Authorization: Bearer ...``.
- ``DSAUDIT_SINK_TICKETS_FILE``: write Jira-bulk-create-shaped issues to this JSON file.
- ``DSAUDIT_SINK_PROJECT``: ticket project key (default ``SEC``).
- ``DSAUDIT_SINK_MIN_SEVERITY``: smallest severity sent (default ``low``).
- ``DSAUDIT_SINK_TIMEOUT``: webhook timeout in seconds (default 10).

With neither a URL nor a file set the plugin does nothing. A delivery that fails raises, and
dsaudit reports it as an error result naming this plugin and the hook (exit code 2).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import dsaudit
from dsaudit import AuditResult, Result, Severity

from dsaudit_sink import delivery, payload

DSAUDIT_PLUGIN_API = 1
"""The dsaudit plugin API versions this plugin supports."""


@dataclass(slots=True)
class Settings:
    webhook_url: str | None = None
    webhook_token: str | None = None
    tickets_file: Path | None = None
    project: str = "SEC"
    min_severity: Severity = Severity.LOW
    timeout: float = 10.0

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        raw_severity = env.get("DSAUDIT_SINK_MIN_SEVERITY", "low").strip().lower()
        try:
            severity = Severity(raw_severity)
        except ValueError:
            choices = ", ".join(s.value for s in Severity)
            raise delivery.SinkError(
                f"DSAUDIT_SINK_MIN_SEVERITY={raw_severity!r} is not one of {choices}"
            ) from None
        tickets = env.get("DSAUDIT_SINK_TICKETS_FILE")
        return cls(
            webhook_url=env.get("DSAUDIT_SINK_WEBHOOK_URL") or None,
            webhook_token=env.get("DSAUDIT_SINK_WEBHOOK_TOKEN") or None,
            tickets_file=Path(tickets) if tickets else None,
            project=env.get("DSAUDIT_SINK_PROJECT", "SEC"),
            min_severity=severity,
            timeout=float(env.get("DSAUDIT_SINK_TIMEOUT", "10")),
        )


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
    def dsaudit_audit_finished(self, audit: AuditResult) -> None:
        collected, self.results = self.results, []  # fresh for the next audit
        settings = Settings.from_env()
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
