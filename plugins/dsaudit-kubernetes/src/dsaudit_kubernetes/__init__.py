"""dsaudit plugin: named checks for Kubernetes manifests, and the kubernetes-cn rule pack."""

__version__ = "0.1.0"
