"""Recognize Kubernetes manifests among parsed YAML configs and walk their containers.

dsaudit's YAML parser already turns every document of a ``*.yaml`` file into a ``config``
resource; a document is a manifest when it has a string ``apiVersion`` and a ``kind``. Rules
select manifests with ``when: {path: kind, in: [...]}``; the checks here find containers in
every workload kind (Pod, templates of Deployments and friends, CronJob job templates).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

PathT = tuple[str | int, ...]

WORKLOAD_KINDS = ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job",
                  "CronJob", "ReplicationController")  # fmt: skip
POD_SPEC_PATHS: dict[str, PathT] = {
    "Pod": ("spec",),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
"""Where the pod spec is, per kind (every other workload kind: ``spec.template.spec``)."""
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


def is_manifest(doc: Any) -> bool:
    """A mapping with a string ``apiVersion`` and a string ``kind``."""
    return (
        isinstance(doc, Mapping)
        and isinstance(doc.get("apiVersion"), str)
        and isinstance(doc.get("kind"), str)
    )


def _get(doc: Any, path: PathT) -> Any:
    node = doc
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def containers(doc: Any) -> Iterator[tuple[PathT, Mapping[str, Any]]]:
    """``(path, container)`` for every container of a workload manifest."""
    if not is_manifest(doc) or doc["kind"] not in WORKLOAD_KINDS:
        return
    base = POD_SPEC_PATHS.get(doc["kind"], ("spec", "template", "spec"))
    spec = _get(doc, base)
    if not isinstance(spec, Mapping):
        return
    for field in CONTAINER_LISTS:
        items = spec.get(field)
        if not isinstance(items, list):
            continue
        for i, container in enumerate(items):
            if isinstance(container, Mapping):
                yield (*base, field, i), container


def command_line(container: Mapping[str, Any]) -> list[str]:
    """``command`` followed by ``args``, as strings."""
    out: list[str] = []
    for field in ("command", "args"):
        value = container.get(field)
        if isinstance(value, list):
            out.extend(str(v) for v in value)
        elif isinstance(value, str):
            out.extend(value.split())
    return out
