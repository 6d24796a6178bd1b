"""Named checks for Kubernetes manifests (registered by :mod:`dsaudit_kubernetes.plugin`).

Every check takes the manifest (a config resource's attributes), the evaluation context and
the rule's ``with:`` arguments, and returns the offending ``(path, value)`` pairs; the rule
fails when there is at least one, and the finding points at the line of the first. Values are
returned already redacted (``DB_PASSWORD=<redacted>``): the secret itself never reaches a report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from dsaudit import find_pi

from dsaudit_kubernetes.manifests import PathT, command_line, containers, is_manifest

Offending = list[tuple[PathT, str]]

SECRET_NAME = re.compile(
    r"(?i)(^|[_.\-])(pass(word|wd|phrase)?|pwd|secret|token|api[_\-]?key|access[_\-]?key|"
    r"private[_\-]?key|client[_\-]?secret|credentials?|dsn|connection[_\-]?string)s?($|[_.\-])"
    r"|(password|secret|token|apikey|privatekey)$"
)
"""Names of variables and keys that hold a secret (``DB_PASSWORD``, ``apiKey``, ``jwt.secret``)."""
REFERENCE = re.compile(r"^(\$\(?[A-Za-z_][A-Za-z0-9_]*\)?|\$\{[^}]+\}|\{\{.*\}\}|<[^>]+>|\*+)$")
"""Values that point at a secret rather than being one (``$(DB_PASSWORD)``, ``${VAR}``)."""
EMBEDDED_PAIR = re.compile(
    r"""^\s*["']?([\w.\-]+)["']?\s*[:=]\s*["']?([^"'#\s][^"'#]*?)["']?\s*,?\s*$"""
)
"""A ``key = value`` / ``key: value`` line inside a config file embedded in a ConfigMap."""
NOT_A_SECRET = re.compile(
    r"(?i)[_.\-]?(length|min|max|age|ttl|expiry|expires|rotation|policy|file|path|enabled|"
    r"required|url|header|name|user(name)?)$"
)
"""Names that end like a setting about a secret (``PASSWORD_MIN_LENGTH``, ``DB_PASSWORD_FILE``)."""
LOOK_FOR = ("secrets", "personal_information")


def _literal_secret(name: str, value: Any) -> bool:
    if not SECRET_NAME.search(name) or NOT_A_SECRET.search(name):
        return False
    if not isinstance(value, str | int) or isinstance(value, bool):
        return False
    text = str(value).strip()
    return bool(text) and not REFERENCE.match(text)


def _pi_kinds(name: str, value: Any) -> list[str]:
    if not isinstance(value, str | int) or isinstance(value, bool):
        return []
    return sorted({m.kind for m in find_pi(str(value), key=name)})


def _judge(name: str, value: Any, look_for: str) -> str | None:
    """The redacted evidence for a bad ``name=value`` pair, or None."""
    if look_for == "secrets" and _literal_secret(name, value):
        return f"{name}=<redacted>"
    if look_for == "personal_information":
        kinds = _pi_kinds(name, value)
        if kinds:
            return f"{name}=<{'/'.join(kinds)}>"
    return None


def _check_look_for(look_for: str) -> None:
    if look_for not in LOOK_FOR:
        raise ValueError(f"look_for must be one of {LOOK_FOR}, not {look_for!r}")


def env_plaintext(item: Any, ctx: Any, look_for: str = "secrets") -> Offending:
    """Container ``env`` entries whose literal ``value`` is a secret or holds PI.

    ``valueFrom`` (secretKeyRef, configMapKeyRef) is the fix and is never reported.
    """
    _check_look_for(look_for)
    found: Offending = []
    for base, container in containers(item):
        env = container.get("env")
        if not isinstance(env, list):
            continue
        for i, entry in enumerate(env):
            if not isinstance(entry, Mapping) or "value" not in entry:
                continue
            shown = _judge(str(entry.get("name", "")), entry["value"], look_for)
            if shown:
                found.append(((*base, "env", i, "value"), shown))
    return found


def configmap_plaintext(item: Any, ctx: Any, look_for: str = "secrets") -> Offending:
    """ConfigMap ``data`` keys (and ``key=value`` lines of embedded files) with secrets or PI."""
    _check_look_for(look_for)
    if not is_manifest(item) or item["kind"] != "ConfigMap":
        return []
    data = item.get("data")
    if not isinstance(data, Mapping):
        return []
    found: Offending = []
    for key, value in data.items():
        shown = _judge(str(key), value, look_for)
        if shown:
            found.append((("data", key), shown))
            continue
        if not isinstance(value, str) or "\n" not in value.strip():
            continue
        for number, line in enumerate(value.splitlines(), start=1):
            match = EMBEDDED_PAIR.match(line)
            if not match:
                continue
            inner = _judge(match.group(1), match.group(2), look_for)
            if inner:
                found.append((("data", key), f"line {number}: {inner}"))
                break
    return found


SSL_REDIRECT_OFF = {
    "nginx.ingress.kubernetes.io/ssl-redirect": "false",
    "nginx.ingress.kubernetes.io/force-ssl-redirect": "false",
    "ingress.kubernetes.io/ssl-redirect": "false",
}


def ingress_tls(item: Any, ctx: Any) -> Offending:
    """An Ingress without ``spec.tls``, with hosts not covered by it, or with redirects off."""
    if not is_manifest(item) or item["kind"] != "Ingress":
        return []
    spec = item.get("spec") if isinstance(item.get("spec"), Mapping) else {}
    tls = spec.get("tls")
    found: Offending = []
    if not isinstance(tls, list) or not tls:
        return [(("spec",), "no spec.tls: served over plain HTTP")]
    covered = {h for entry in tls if isinstance(entry, Mapping) for h in entry.get("hosts") or []}
    for i, rule in enumerate(spec.get("rules") or []):
        host = rule.get("host") if isinstance(rule, Mapping) else None
        if host and covered and host not in covered:
            found.append((("spec", "rules", i, "host"), f"{host} is not in spec.tls hosts"))
    annotations = (item.get("metadata") or {}).get("annotations") or {}
    for key, off in SSL_REDIRECT_OFF.items():
        if str(annotations.get(key, "")).strip().lower() == off:
            found.append((("metadata", "annotations", key), f"{key}: {off}"))
    return found


def _flags(args: list[str]) -> dict[str, tuple[int, str]]:
    """``--flag=value`` and ``--flag value`` -> {flag: (index, value)}."""
    out: dict[str, tuple[int, str]] = {}
    for i, arg in enumerate(args):
        if not arg.startswith("--"):
            continue
        name, sep, value = arg[2:].partition("=")
        if not sep and i + 1 < len(args) and not args[i + 1].startswith("-"):
            value = args[i + 1]
        out[name] = (i, value)
    return out


def _extra_args(item: Any) -> tuple[PathT, dict[str, tuple[PathT, str]]] | None:
    """kubeadm ClusterConfiguration ``apiServer.extraArgs`` (map in v1beta3, list in v1beta4)."""
    if not is_manifest(item) or item["kind"] != "ClusterConfiguration":
        return None
    api = item.get("apiServer") if isinstance(item.get("apiServer"), Mapping) else {}
    raw = api.get("extraArgs") or {}
    base: PathT = ("apiServer", "extraArgs")
    out: dict[str, tuple[PathT, str]] = {}
    if isinstance(raw, Mapping):
        out = {str(k): ((*base, str(k)), str(v)) for k, v in raw.items()}
    elif isinstance(raw, list):
        for i, entry in enumerate(raw):
            if isinstance(entry, Mapping) and "name" in entry:
                out[str(entry["name"])] = ((*base, i, "value"), str(entry.get("value", "")))
    return (("apiServer",) if "apiServer" in item else ("kind",)), out


def apiserver_audit_log(item: Any, ctx: Any, min_days: int = 180) -> Offending:
    """kube-apiserver keeps audit logs: ``--audit-log-path`` set, ``--audit-log-maxage`` >= N.

    Looks at containers running ``kube-apiserver`` (static pod manifests) and at kubeadm
    ``ClusterConfiguration`` documents. Other manifests give no findings.
    """
    found: Offending = []
    targets: list[tuple[PathT, dict[str, tuple[PathT, str]]]] = []
    for base, container in containers(item):
        args = command_line(container)
        if not any(a.rsplit("/", 1)[-1] == "kube-apiserver" for a in args):
            continue
        split = (
            len(container.get("command") or []) if isinstance(container.get("command"), list) else 0
        )
        located = {}
        for name, (i, value) in _flags(args).items():
            field, index = ("command", i) if i < split else ("args", i - split)
            located[name] = ((*base, field, index), value)
        targets.append(((*base, "command" if split else "args"), located))
    kubeadm = _extra_args(item)
    if kubeadm is not None:
        targets.append(kubeadm)
    for where, flags in targets:
        if "audit-log-path" not in flags and "audit-webhook-config-file" not in flags:
            found.append((where, "no --audit-log-path: API server audit logging is off"))
            continue
        if "audit-log-path" not in flags:
            continue  # audit events go to a webhook; retention is that system's job
        if "audit-log-maxage" not in flags:
            found.append(
                (flags["audit-log-path"][0], f"no --audit-log-maxage (want >= {min_days})")
            )
            continue
        path, value = flags["audit-log-maxage"]
        try:
            days = int(value)
        except ValueError:
            found.append((path, f"--audit-log-maxage={value} is not a number of days"))
            continue
        if days < min_days:
            found.append((path, f"--audit-log-maxage={days} (want >= {min_days})"))
    return found
