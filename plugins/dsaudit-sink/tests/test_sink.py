"""The sink: per-result and end-of-audit hooks, a local webhook, and a ticket file."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from dsaudit import AuditResult, ProjectConfig, run_audit, testing

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


def _run(project: ProjectConfig, monkeypatch: pytest.MonkeyPatch, **env: str) -> AuditResult:
    monkeypatch.setenv("DSAUDIT_DISABLE_PLUGIN_AUTOLOAD", "1")
    for key, value in env.items():
        monkeypatch.setenv(f"DSAUDIT_SINK_{key}", value)

    def baseline_b(audit: AuditResult, config: ProjectConfig) -> None:
        for result in audit.results:
            if result.resource_id == "b.yaml":
                result.baselined = True

    host = testing.plugin_host(("sink", Collector()))
    return run_audit(project, host=host, modifiers=[baseline_b])


def test_webhook_gets_summary_and_only_new_failures(
    project: ProjectConfig, monkeypatch: pytest.MonkeyPatch, webhook: tuple[str, Any]
) -> None:
    url, handler = webhook
    audit = _run(project, monkeypatch, WEBHOOK_URL=url, WEBHOOK_TOKEN="s3cret")
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


def test_min_severity_filters_findings(
    project: ProjectConfig, monkeypatch: pytest.MonkeyPatch, webhook: tuple[str, Any]
) -> None:
    url, handler = webhook
    _run(project, monkeypatch, WEBHOOK_URL=url, MIN_SEVERITY="high")
    [(_, body)] = handler.received
    assert [f["rule_id"] for f in body["findings"]] == ["SINK-DEBUG-OFF"]


def test_tickets_file_is_shaped_like_a_jira_bulk_create(
    project: ProjectConfig, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "tickets.json"
    _run(project, monkeypatch, TICKETS_FILE=str(out), PROJECT="DSEC")
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


def test_state_does_not_leak_between_audits(
    project: ProjectConfig, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = tmp_path / "t.json"
    sink = Collector()
    monkeypatch.setenv("DSAUDIT_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setenv("DSAUDIT_SINK_TICKETS_FILE", str(out))
    for _ in range(2):
        run_audit(project, host=testing.plugin_host(("sink", sink)))
        assert len(json.loads(out.read_text(encoding="utf-8"))["issueUpdates"]) == 3
    assert sink.results == []


def test_nothing_happens_without_settings(
    project: ProjectConfig, monkeypatch: pytest.MonkeyPatch, webhook: tuple[str, Any]
) -> None:
    _, handler = webhook
    audit = _run(project, monkeypatch)
    assert not audit.errors and handler.received == []


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"WEBHOOK_URL": "file:///etc/passwd"}, "must be http or https, not 'file'"),
        ({"WEBHOOK_URL": "http://127.0.0.1:9/x?token=abc"}, "http://127.0.0.1:9/x could not be"),
        ({"MIN_SEVERITY": "severe", "TICKETS_FILE": "t.json"}, "'severe' is not one of"),
    ],
    ids=["scheme", "unreachable", "bad-severity"],
)
def test_delivery_problems_are_error_results_naming_plugin_and_hook(
    project: ProjectConfig, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], words: str
) -> None:
    audit = _run(project, monkeypatch, **env)
    [error] = audit.errors
    assert error.resource_id == "sink:dsaudit_audit_finished"
    assert "plugin sink raised in dsaudit_audit_finished" in error.message
    assert words in error.message and "token=abc" not in error.message
    assert len(audit.results) == 4  # the audit itself completed


def test_webhook_http_error_is_reported(
    project: ProjectConfig, monkeypatch: pytest.MonkeyPatch, webhook: tuple[str, Any]
) -> None:
    url, handler = webhook
    handler.status = 500
    audit = _run(project, monkeypatch, WEBHOOK_URL=url)
    [error] = audit.errors
    assert "answered HTTP 500" in error.message and "token=abc" not in error.message
    assert len(handler.received) == 1


def test_redact_url_drops_credentials_query_and_fragment() -> None:
    shown = delivery.redact_url("https://user:pw@hooks.example.cn:8443/a/b?token=x#frag")
    assert shown == "https://hooks.example.cn:8443/a/b"
