"""The sink: per-result and end-of-audit hooks, a local webhook, and a ticket file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import textwrap
import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import dsaudit
import pytest
from dsaudit import (
    AuditResult,
    ConfigError,
    Modified,
    ModifyContext,
    ProjectConfig,
    Result,
    build_config,
    run_audit,
    testing,
)

from dsaudit_sink import delivery
from dsaudit_sink.plugin import Collector

PACK = {
    "pack.yaml": """\
        name: sinktest
        version: 1.0.0
        jurisdiction: CN
        law: CSL
        instrument: {title: Test instrument, effective: "2017-06-01"}
        """,
    "rules/r.yaml": """\
        rules:
          - id: SINK-DEBUG-OFF
            title: Debug is off
            severity: high
            refs: [{law: CSL, article: "23"}]
            applies_to: {kind: config, when: {path: debug, exists: true}}
            condition: {path: debug, equals: false}
            message: "debug is {value}"
            remediation: Turn debug off.
          - id: SINK-NO-PASSWORD
            title: No password in config
            severity: low
            refs: [{law: DSL, article: "27"}]
            applies_to: {kind: config, when: {path: password, exists: true}}
            condition: {path: password, exists: false}
            message: "a password is set ({value})"
            remediation: Use a secret store.
        """,
}


@pytest.fixture
def project(tmp_path: Path) -> ProjectConfig:
    for rel, text in PACK.items():
        path = tmp_path / "pack" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    root = tmp_path / "target"
    root.mkdir()
    (root / "a.yaml").write_text("debug: true\npassword: hunter22\n", encoding="utf-8")
    (root / "b.yaml").write_text("debug: true\n", encoding="utf-8")
    (root / "c.yaml").write_text("debug: false\n", encoding="utf-8")
    return ProjectConfig(root=root, packs=[str(tmp_path / "pack")], as_of=dt.date(2026, 6, 1))


class _Hook(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], Any]]
    status = 204

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.received.append((dict(self.headers), json.loads(self.rfile.read(length))))
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[str, type[_Hook]]]:
    handler = type("Handler", (_Hook,), {"received": [], "status": 204})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hooks/dsaudit?token=abc", handler
    finally:
        server.shutdown()
        server.server_close()


class BaselineB:
    """A modifier that marks every result on ``b.yaml`` as covered by a baseline."""

    name = "baseline-b"
    order = 310

    @dsaudit.hookimpl
    def dsaudit_register_modifiers(self, register: Any) -> None:
        register(self)

    def prepare(self, config: ProjectConfig) -> Any:
        def step(results: Sequence[Result], ctx: ModifyContext) -> Modified:
            return Modified(
                [dataclasses.replace(r, baselined=r.resource_id == "b.yaml") for r in results]
            )

        return step


def _run(config: ProjectConfig, /, **settings: Any) -> AuditResult:
    config.plugin_sections = {"sink": settings} if settings else {}
    host = testing.plugin_host(("sink", Collector()), ("baseline-b", BaselineB()))
    return run_audit(config, host=host)


def test_webhook_gets_summary_and_only_new_failures(
    project: ProjectConfig, monkeypatch: pytest.MonkeyPatch, webhook: tuple[str, Any]
) -> None:
    url, handler = webhook
    monkeypatch.setenv("SINK_TEST_TOKEN", "s3cret")
    audit = _run(project, webhook_url=url, webhook_token_env="SINK_TEST_TOKEN")
    assert not audit.errors, [e.message for e in audit.errors]
    [(headers, body)] = handler.received
    assert headers["Authorization"] == "Bearer s3cret"
    assert headers["Content-Type"].startswith("application/json")
    assert body["schema"] == "dsaudit-sink/1"
    summary = body["summary"]
    assert summary["by_status"] == {"fail": 3, "pass": 1}
    assert (summary["new_failing"], summary["failing_by_severity"]) == (2, {"high": 2, "low": 1})
    found = sorted((f["rule_id"], f["location"]) for f in body["findings"])
    assert found == [("SINK-DEBUG-OFF", "a.yaml:1"), ("SINK-NO-PASSWORD", "a.yaml:2")]
    debug = next(f for f in body["findings"] if f["rule_id"] == "SINK-DEBUG-OFF")
    assert debug["law"] == ["CSL Art. 23"] and debug["remediation"] == "Turn debug off."
    assert "hunter22" not in json.dumps(body)  # evidence is masked before it leaves


def test_min_severity_filters_findings(project: ProjectConfig, webhook: tuple[str, Any]) -> None:
    url, handler = webhook
    _run(project, webhook_url=url, min_severity="high")
    [(_, body)] = handler.received
    assert [f["rule_id"] for f in body["findings"]] == ["SINK-DEBUG-OFF"]


def test_tickets_file_is_shaped_like_a_jira_bulk_create(
    project: ProjectConfig, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "tickets.json"
    _run(project, tickets_file=str(out), project="DSEC")
    document = json.loads(out.read_text(encoding="utf-8"))
    issues = document["issueUpdates"]
    assert len(issues) == 2
    fields = {i["fields"]["summary"]: i["fields"] for i in issues}
    debug = fields["[dsaudit] SINK-DEBUG-OFF: Debug is off (a.yaml)"]
    assert debug["project"] == {"key": "DSEC"} and debug["issuetype"] == {"name": "Bug"}
    assert debug["priority"] == {"name": "High"}
    assert debug["labels"][:2] == ["dsaudit", "dsaudit-sinktest"]
    assert debug["labels"][2].startswith("dsaudit-fp-")
    assert "Where: a.yaml:1" in debug["description"]
    low = fields["[dsaudit] SINK-NO-PASSWORD: No password in config (a.yaml)"]
    assert low["priority"] == {"name": "Low"} and "hunter22" not in low["description"]
    assert not list(out.parent.glob(".tickets.json.*"))  # no temporary file left behind


def test_state_does_not_leak_between_audits(project: ProjectConfig, tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    sink = Collector()
    project.plugin_sections = {"sink": {"tickets_file": str(out)}}
    for _ in range(2):
        run_audit(project, host=testing.plugin_host(("sink", sink)))
        assert len(json.loads(out.read_text(encoding="utf-8"))["issueUpdates"]) == 3
    assert sink.results == []


def test_nothing_happens_without_settings(project: ProjectConfig, webhook: tuple[str, Any]) -> None:
    _, handler = webhook
    audit = _run(project)
    assert not audit.errors and handler.received == []


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"webhook_url": "http://127.0.0.1:9/x?token=abc"}, "http://127.0.0.1:9/x could not be"),
        (
            {"webhook_url": "http://127.0.0.1:9/x", "webhook_token_env": "SINK_NO_SUCH_VAR"},
            "names SINK_NO_SUCH_VAR, which is not set",
        ),
    ],
    ids=["unreachable", "token-variable-unset"],
)
def test_delivery_problems_are_error_results_naming_plugin_and_hook(
    project: ProjectConfig, settings: dict[str, str], words: str
) -> None:
    audit = _run(project, **settings)
    [error] = audit.errors
    assert error.resource_id == "sink:dsaudit_audit_finished"
    assert "plugin sink raised in dsaudit_audit_finished" in error.message
    assert words in error.message and "token=abc" not in error.message
    assert len(audit.results) == 4  # the audit itself completed


def test_webhook_http_error_is_reported(project: ProjectConfig, webhook: tuple[str, Any]) -> None:
    url, handler = webhook
    handler.status = 500
    audit = _run(project, webhook_url=url)
    [error] = audit.errors
    assert "answered HTTP 500" in error.message and "token=abc" not in error.message
    assert len(handler.received) == 1


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"webhook_url": "file:///etc/passwd"}, "does not match '^https?://'"),
        ({"min_severity": "severe"}, "'severe' is not one of"),
        ({"timeout": 0}, "less than or equal to the minimum of 0"),
        ({"project": "sec"}, "does not match"),
        ({"webhook_token": "s3cret"}, "unknown key 'webhook_token'"),  # not in a file
    ],
    ids=["scheme", "severity", "timeout", "project", "token-in-file"],
)
def test_bad_settings_stop_the_audit_before_it_starts(
    project: ProjectConfig, settings: dict[str, Any], words: str
) -> None:
    with pytest.raises(ConfigError) as info:
        _run(project, **settings)
    assert "plugin_settings.sink (plugin 'sink')" in info.value.message
    assert words in info.value.message


def test_the_settings_come_from_dsaudit_yaml(tmp_path: Path, project: ProjectConfig) -> None:
    config_file = project.root / "dsaudit.yaml"
    config_file.write_text(
        f"version: 1\nas_of: 2026-06-01\npacks: [{project.packs[0]}]\n"
        "plugin_settings:\n  sink:\n    tickets_file: out/t.json\n    project: OPS\n",
        encoding="utf-8",
    )
    config = build_config(project.root, config_file)
    run_audit(config, host=testing.plugin_host(("sink", Collector())))
    document = json.loads((project.root / "out" / "t.json").read_text(encoding="utf-8"))
    assert {i["fields"]["project"]["key"] for i in document["issueUpdates"]} == {"OPS"}


def test_a_found_config_may_not_choose_where_findings_go(project: ProjectConfig) -> None:
    config_file = project.root / "dsaudit.yaml"
    config_file.write_text(
        f"version: 1\npacks: [{project.packs[0]}]\n"
        "plugin_settings:\n  sink:\n    project: OPS\n    webhook_url: https://evil.example/\n",
        encoding="utf-8",
    )
    config = build_config(project.root)  # found, not named: untrusted
    with pytest.raises(ConfigError, match=r"plugin_settings\.sink\.webhook_url"):
        run_audit(config, host=testing.plugin_host(("sink", Collector())))


def test_the_old_environment_variables_still_work_deprecated(
    project: ProjectConfig, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = tmp_path / "env.json"
    monkeypatch.setenv("DSAUDIT_SINK_TICKETS_FILE", str(out))
    monkeypatch.setenv("DSAUDIT_SINK_PROJECT", "ENV")
    with pytest.warns(DeprecationWarning, match="DSAUDIT_SINK_PROJECT, DSAUDIT_SINK_TICKETS_FILE"):
        _run(project, min_severity="high")
    issues = json.loads(out.read_text(encoding="utf-8"))["issueUpdates"]
    assert [i["fields"]["project"]["key"] for i in issues] == ["ENV"]  # high only: one


def test_the_section_wins_over_the_environment(
    project: ProjectConfig, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = tmp_path / "section.json"
    monkeypatch.setenv("DSAUDIT_SINK_TICKETS_FILE", str(tmp_path / "env.json"))
    with pytest.warns(DeprecationWarning):  # PROJECT is not in the section
        monkeypatch.setenv("DSAUDIT_SINK_PROJECT", "ENV")
        _run(project, tickets_file=str(out))
    assert out.exists() and not (tmp_path / "env.json").exists()


def test_redact_url_drops_credentials_query_and_fragment() -> None:
    shown = delivery.redact_url("https://user:pw@hooks.example.cn:8443/a/b?token=x#frag")
    assert shown == "https://hooks.example.cn:8443/a/b"
