"""Seeded Kubernetes-manifest corpus for the peer benchmark (issue 9), checks K1..K5.

    python bench/k8s_corpus.py --out DIR --files 1000 10000

Writes, for each N:

    DIR/k8s-N/manifests/NNNNN.yaml   one object per file (Deployment, ConfigMap or Service)
    DIR/k8s-N/json/NNNNN.json        the same objects as JSON
    DIR/k8s-N/dsaudit.yaml           audit target: manifests/*.yaml with the bench/packs/k8s pack
    DIR/k8s-N/expected.json          ground truth: failing resources per check, and per file

Same seed semantics as ``/work/shared/bench-peers/gen_corpus.py``: object ``i`` depends only on
``(SEED, i)`` through ``random.Random(SEED * 1_000_003 + i)`` and the same sequence of draws, so
the 1k corpus is a prefix of the 10k one and the ground truth matches the peers' README
(at 10,000 files: K1=533, K2=1473, K3=930, K4=261, K5=367 failing resources).

The checks (a resource fails a check once, however many of its containers fail it):

    K1  a container with securityContext.privileged == true
    K2  a container without both resources.limits.cpu and resources.limits.memory
    K3  an env var named like PASSWORD/SECRET/TOKEN/API_KEY with a literal ``value``
    K4  ConfigMap data "tls.enabled" == "false"
    K5  ConfigMap data "log.retention.days" < 180
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

SEED = 20261123
CHECK_IDS = ("K1", "K2", "K3", "K4", "K5")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|API_KEY")
REGIONS = ("cn-north-1", "cn-east-2", "cn-south-1", "eu-west-1", "us-east-1", "ap-southeast-1")
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _container(rng: random.Random, name: str) -> dict[str, Any]:
    """One container; the order of the ``rng`` draws is part of the seed contract."""
    image = f"registry.example.com/{name}:{rng.randint(1, 40)}.{rng.randint(0, 9)}"
    out: dict[str, Any] = {
        "name": name,
        "image": image,
        "ports": [{"containerPort": rng.choice([80, 8080, 8443, 9000])}],
    }
    env: list[dict[str, Any]] = [
        {"name": "LOG_LEVEL", "value": rng.choice(["info", "debug", "warn"])},
        {"name": "REGION", "value": rng.choice(REGIONS)},
    ]
    if rng.random() < 0.10:  # K3: a literal secret
        secret_name = rng.choice(["DB_PASSWORD", "API_KEY", "JWT_SECRET", "AUTH_TOKEN"])
        env.append({"name": secret_name, "value": f"s3cr3t-{rng.randint(0, 999999):06d}"})
    else:
        ref = {"secretKeyRef": {"name": "db", "key": "password"}}
        env.append({"name": "DB_PASSWORD", "valueFrom": ref})
    out["env"] = env
    requests = {"cpu": "100m", "memory": "128Mi"}
    if rng.random() < 0.85:
        out["resources"] = {"requests": requests, "limits": {"cpu": "500m", "memory": "512Mi"}}
    else:  # K2: no limits
        out["resources"] = {"requests": requests}
    context: dict[str, Any] = {"runAsNonRoot": True, "readOnlyRootFilesystem": rng.random() < 0.7}
    if rng.random() < 0.05:  # K1
        context = {"privileged": True}
    out["securityContext"] = context
    return out


def manifest(i: int) -> dict[str, Any]:
    """The ``i``-th object of the corpus (depends only on ``SEED`` and ``i``)."""
    rng = random.Random(SEED * 1_000_003 + i)
    name = f"svc-{i:05d}"
    meta = {
        "name": name,
        "namespace": rng.choice(["default", "payments", "crm", "analytics"]),
        "labels": {"app": name, "team": rng.choice(["core", "data", "web"])},
    }
    kind = rng.choices(["Deployment", "ConfigMap", "Service"], weights=[60, 25, 15])[0]
    if kind == "Deployment":
        count = rng.choice([1, 1, 2, 3])
        replicas = rng.randint(1, 5)
        containers = [_container(rng, f"{name}-c{k}") for k in range(count)]
        return {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": meta,
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {"containers": containers},
                },
            },
        }
    if kind == "ConfigMap":
        mode = rng.choice(["prod", "staging"])
        tls = "false" if rng.random() < 0.10 else "true"  # K4
        short = rng.random() < 0.15  # K5
        days = rng.choice([30, 90]) if short else rng.choice([180, 365, 730])
        data = {
            "app.mode": mode,
            "feature.flags": "a,b,c",
            "tls.enabled": tls,
            "log.retention.days": str(days),
        }
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data}
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta,
        "spec": {"selector": {"app": name}, "ports": [{"port": 443, "targetPort": 8443}]},
    }


def _containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    if obj.get("kind") != "Deployment":
        return []
    pod = ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}
    return pod.get("containers") or []


def failed_checks(obj: dict[str, Any]) -> set[str]:
    """Reference implementation of K1..K5: the ids of the checks ``obj`` fails."""
    failed: set[str] = set()
    for c in _containers(obj):
        if (c.get("securityContext") or {}).get("privileged") is True:
            failed.add("K1")
        limits = (c.get("resources") or {}).get("limits") or {}
        if "cpu" not in limits or "memory" not in limits:
            failed.add("K2")
        for env in c.get("env") or []:
            if "value" in env and SECRET_NAME.search(env.get("name", "")):
                failed.add("K3")
    if obj.get("kind") == "ConfigMap":
        data = obj.get("data") or {}
        if data.get("tls.enabled") == "false":
            failed.add("K4")
        days = data.get("log.retention.days")
        if days is not None and int(days) < 180:
            failed.add("K5")
    return failed


def count_failures(objs: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Failing resources per check id, every id present (0 when none fails)."""
    counts = Counter(check for obj in objs for check in failed_checks(obj))
    return {check: counts.get(check, 0) for check in CHECK_IDS}


def target_config(pack: str) -> str:
    """The ``dsaudit.yaml`` of a k8s corpus folder."""
    return (
        "# Peer benchmark target: Kubernetes manifests, checks K1..K5.\n"
        "configs:\n"
        "  include:\n"
        '    - "manifests/*.yaml"\n'
        "packs:\n"
        f"  - {json.dumps(pack)}\n"
    )


def write_corpus(root: Path, files: int, pack: str) -> dict[str, Any]:
    """Write the N-file corpus under ``root`` (``root/k8s-N``); return its ground truth."""
    base = root / f"k8s-{files}"
    yaml_dir, json_dir = base / "manifests", base / "json"
    yaml_dir.mkdir(parents=True, exist_ok=True)
    json_dir.mkdir(parents=True, exist_ok=True)
    by_file: dict[str, list[str]] = {}
    objs = []
    for i in range(files):
        obj = manifest(i)
        objs.append(obj)
        stem = f"{i:05d}"
        text = yaml.dump(obj, Dumper=_DUMPER, sort_keys=False)
        (yaml_dir / f"{stem}.yaml").write_text(text, encoding="utf-8")
        (json_dir / f"{stem}.json").write_text(json.dumps(obj, indent=1), encoding="utf-8")
        failed = failed_checks(obj)
        if failed:
            by_file[f"manifests/{stem}.yaml"] = sorted(failed)
    truth = {"seed": SEED, "files": files, "failing": count_failures(objs), "by_file": by_file}
    (base / "expected.json").write_text(json.dumps(truth, indent=1) + "\n", encoding="utf-8")
    relative = os.path.relpath(Path(pack).resolve(), base.resolve())  # survives moving the repo
    (base / "dsaudit.yaml").write_text(target_config(Path(relative).as_posix()), encoding="utf-8")
    return truth


def default_pack() -> str:
    """Absolute path of the K1..K5 rule pack kept next to this script."""
    return str(Path(__file__).resolve().parent / "packs" / "k8s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    corpus = Path(__file__).resolve().parent / "corpus"
    parser.add_argument("--out", type=Path, default=corpus, help="folder for k8s-N/")
    parser.add_argument("--files", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--pack", default=default_pack(), help="pack path for dsaudit.yaml")
    parser.add_argument(
        "--count-only", action="store_true", help="print the ground truth, write nothing"
    )
    args = parser.parse_args(argv)
    for n in args.files:
        if args.count_only:
            failing = count_failures(manifest(i) for i in range(n))
        else:
            failing = write_corpus(args.out, n, args.pack)["failing"]
        print(f"k8s-{n}: {json.dumps(failing)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
