"""Hooks of the Kubernetes plugin: named checks and the ``kubernetes-cn`` rule pack."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import dsaudit

from dsaudit_kubernetes import checks

DSAUDIT_PLUGIN_API = [1]
"""The dsaudit plugin API versions this plugin supports."""

PACK_DIR = Path(__file__).parent / "packs" / "kubernetes-cn"

CHECKS: dict[str, Callable[..., Any]] = {
    "k8s_env_plaintext": checks.env_plaintext,
    "k8s_configmap_plaintext": checks.configmap_plaintext,
    "k8s_ingress_tls": checks.ingress_tls,
    "k8s_apiserver_audit_log": checks.apiserver_audit_log,
}


@dsaudit.hookimpl
def dsaudit_register_checks(register: Callable[[str, Callable[..., Any]], None]) -> None:
    for name, func in CHECKS.items():
        register(name, func)


@dsaudit.hookimpl
def dsaudit_rule_pack_paths() -> list[Path]:
    return [PACK_DIR]
