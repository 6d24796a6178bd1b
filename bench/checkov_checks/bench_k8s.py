"""K1..K5 of the dsaudit peer benchmark as Checkov custom checks (ids CKV_BENCH_K1..K5).

    checkov -d DIR --framework kubernetes --external-checks-dir bench/checkov_checks \
        --check CKV_BENCH_K1,CKV_BENCH_K2,CKV_BENCH_K3,CKV_BENCH_K4,CKV_BENCH_K5 -o json

Container checks report per resource: a Deployment fails when any of its containers fails.
Only imported by Checkov (``bench/peers.py --checkov``), never by dsaudit or the tests.
"""

from __future__ import annotations

import re
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.kubernetes.checks.resource.base_container_check import BaseK8sContainerCheck
from checkov.kubernetes.checks.resource.base_spec_check import BaseK8Check

SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|API_KEY")


def _result(failed: bool) -> CheckResult:
    return CheckResult.FAILED if failed else CheckResult.PASSED


class PrivilegedContainer(BaseK8sContainerCheck):
    def __init__(self) -> None:
        super().__init__(name="K1 privileged container", id="CKV_BENCH_K1")

    def scan_container_conf(self, metadata: dict[str, Any], conf: dict[str, Any]) -> CheckResult:
        return _result((conf.get("securityContext") or {}).get("privileged") is True)


class MissingLimits(BaseK8sContainerCheck):
    def __init__(self) -> None:
        super().__init__(name="K2 container without cpu and memory limits", id="CKV_BENCH_K2")

    def scan_container_conf(self, metadata: dict[str, Any], conf: dict[str, Any]) -> CheckResult:
        limits = (conf.get("resources") or {}).get("limits") or {}
        return _result("cpu" not in limits or "memory" not in limits)


class LiteralSecretEnv(BaseK8sContainerCheck):
    def __init__(self) -> None:
        super().__init__(name="K3 literal secret in an env var", id="CKV_BENCH_K3")

    def scan_container_conf(self, metadata: dict[str, Any], conf: dict[str, Any]) -> CheckResult:
        return _result(
            any(
                isinstance(env, dict)
                and "value" in env
                and SECRET_NAME.search(str(env.get("name", ""))) is not None
                for env in conf.get("env") or []
            )
        )


class ConfigMapCheck(BaseK8Check):
    def __init__(self, name: str, check_id: str) -> None:
        super().__init__(
            name=name,
            id=check_id,
            categories=[CheckCategories.KUBERNETES],
            supported_entities=["ConfigMap"],
        )

    def get_resource_id(self, conf: dict[str, Any]) -> str:
        meta = conf["metadata"]
        return f"ConfigMap.{meta.get('namespace', 'default')}.{meta['name']}"


class TlsDisabled(ConfigMapCheck):
    def __init__(self) -> None:
        super().__init__("K4 ConfigMap turns TLS off", "CKV_BENCH_K4")

    def scan_spec_conf(self, conf: dict[str, Any]) -> CheckResult:
        return _result((conf.get("data") or {}).get("tls.enabled") == "false")


class ShortLogRetention(ConfigMapCheck):
    def __init__(self) -> None:
        super().__init__("K5 log retention under 180 days", "CKV_BENCH_K5")

    def scan_spec_conf(self, conf: dict[str, Any]) -> CheckResult:
        days = (conf.get("data") or {}).get("log.retention.days")
        return _result(days is not None and int(days) < 180)


# Checkov registers a check when it is instantiated.
CHECKS = (
    PrivilegedContainer(),
    MissingLimits(),
    LiteralSecretEnv(),
    TlsDisabled(),
    ShortLogRetention(),
)
