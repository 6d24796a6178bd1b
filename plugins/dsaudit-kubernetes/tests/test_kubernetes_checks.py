"""The Kubernetes named checks, one behaviour each."""

from __future__ import annotations

from typing import Any

import pytest

from dsaudit_kubernetes import checks
from dsaudit_kubernetes.manifests import containers, is_manifest


def _pod(kind: str, container: dict[str, Any]) -> dict[str, Any]:
    spec = {"containers": [container]}
    body: dict[str, Any] = {
        "Pod": spec,
        "CronJob": {"jobTemplate": {"spec": {"template": {"spec": spec}}}},
    }.get(kind, {"template": {"spec": spec}})
    return {"apiVersion": "v1", "kind": kind, "spec": body}


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("Pod", ("spec", "containers", 0)),
        ("Deployment", ("spec", "template", "spec", "containers", 0)),
        ("CronJob", ("spec", "jobTemplate", "spec", "template", "spec", "containers", 0)),
    ],
)
def test_containers_are_found_in_every_workload_kind(kind: str, path: tuple) -> None:
    assert [p for p, _ in containers(_pod(kind, {"name": "a"}))] == [path]


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"apiVersion": "v1", "kind": "Pod"}, True),
        ({"kind": "Pod"}, False),
        ({"apiVersion": 1, "kind": "Pod"}, False),
        (["apiVersion", "kind"], False),
    ],
    ids=["manifest", "no-apiversion", "numeric-apiversion", "not-a-mapping"],
)
def test_is_manifest(doc: Any, expected: bool) -> None:
    assert is_manifest(doc) is expected


@pytest.mark.parametrize(
    ("name", "value", "bad"),
    [
        ("DB_PASSWORD", "hunter22", True),
        ("apiKey", "k-123", True),
        ("JWT_SECRET", "abc", True),
        ("DB_PASSWORD", "$(DB_PASSWORD)", False),
        ("DB_PASSWORD", "", False),
        ("PASSWORD_MIN_LENGTH", "12", False),
        ("DB_PASSWORD_FILE", "/run/secrets/db", False),
        ("TOKEN_TTL", "3600", False),
        ("LOG_LEVEL", "debug", False),
    ],
)
def test_env_secrets_are_judged_by_name_and_value(name: str, value: str, bad: bool) -> None:
    doc = _pod("Pod", {"name": "a", "env": [{"name": name, "value": value}]})
    found = checks.env_plaintext(doc, None, look_for="secrets")
    assert bool(found) is bad
    if bad:
        [(path, shown)] = found
        assert path == ("spec", "containers", 0, "env", 0, "value")
        assert shown == f"{name}=<redacted>" and value not in shown


def test_unknown_look_for_is_refused() -> None:
    with pytest.raises(ValueError, match="look_for must be one of"):
        checks.env_plaintext(_pod("Pod", {"name": "a"}), None, look_for="secret")


def test_configmap_embedded_file_is_scanned_line_by_line() -> None:
    doc = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "data": {"app.yaml": "db:\n  host: x\n  password: 'p4ss'\n", "plain": "password"},
    }
    assert checks.configmap_plaintext(doc, None) == [
        (("data", "app.yaml"), "line 3: password=<redacted>")
    ]


@pytest.mark.parametrize(
    ("command", "args", "expected"),
    [
        (["kube-apiserver", "--audit-log-path=/a", "--audit-log-maxage=200"], None, []),
        (["kube-apiserver"], ["--audit-log-path", "/a", "--audit-log-maxage", "90"],
         [(("spec", "containers", 0, "args", 2), "--audit-log-maxage=90 (want >= 180)")]),
        (["/usr/local/bin/kube-apiserver", "--audit-log-path=/a"], None,
         [(("spec", "containers", 0, "command", 1), "no --audit-log-maxage (want >= 180)")]),
        (["kube-apiserver", "--audit-webhook-config-file=/w"], None, []),
        (["kube-apiserver", "--audit-log-path=/a", "--audit-log-maxage=ninety"], None,
         [(("spec", "containers", 0, "command", 2),
           "--audit-log-maxage=ninety is not a number of days")]),
        (["kube-scheduler"], None, []),
    ],
    ids=["ok", "separate-args", "no-maxage", "webhook", "not-a-number", "other-binary"],
)  # fmt: skip
def test_apiserver_audit_flags(command: list, args: list | None, expected: list) -> None:
    container: dict[str, Any] = {"name": "c", "command": command}
    if args is not None:
        container["args"] = args
    assert checks.apiserver_audit_log(_pod("Pod", container), None) == expected


def test_ingress_checks_are_only_for_ingresses() -> None:
    assert checks.ingress_tls({"apiVersion": "v1", "kind": "Service", "spec": {}}, None) == []
