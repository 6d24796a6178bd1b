"""The plain-Python floor: parse every manifest in a folder and run K1..K5 by hand.

    python bench/floor.py DIR [--loader c|pure|json]

``c`` is PyYAML's CSafeLoader (libyaml), ``pure`` the pure-Python SafeLoader, ``json`` reads
``*.json`` files with ``json.load``. Prints the failing resources per check as one JSON object.
No framework, no line numbers, no reports: what any tool's start-up, parsing and checking cost
should be compared against.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

import yaml

SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|API_KEY")
LOADERS = {"c": getattr(yaml, "CSafeLoader", None), "pure": yaml.SafeLoader}


def checks_failed(obj: dict[str, Any]) -> set[str]:
    """K1..K5 for one object; a resource fails a check once however many containers fail it."""
    failed: set[str] = set()
    kind = obj.get("kind")
    if kind == "Deployment":
        for c in obj["spec"]["template"]["spec"].get("containers") or []:
            if (c.get("securityContext") or {}).get("privileged") is True:
                failed.add("K1")
            limits = (c.get("resources") or {}).get("limits") or {}
            if "cpu" not in limits or "memory" not in limits:
                failed.add("K2")
            for env in c.get("env") or []:
                if "value" in env and SECRET_NAME.search(env.get("name", "")):
                    failed.add("K3")
    elif kind == "ConfigMap":
        data = obj.get("data") or {}
        if data.get("tls.enabled") == "false":
            failed.add("K4")
        days = data.get("log.retention.days")
        if days is not None and int(days) < 180:
            failed.add("K5")
    return failed


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    root = argv[0]
    loader = argv[argv.index("--loader") + 1] if "--loader" in argv else "c"
    if loader != "json" and LOADERS.get(loader) is None:
        print(f"unknown or unavailable loader {loader!r} (c, pure, json)", file=sys.stderr)
        return 2
    counts = dict.fromkeys(("K1", "K2", "K3", "K4", "K5"), 0)
    for name in sorted(os.listdir(root)):
        with open(os.path.join(root, name), "rb") as f:
            docs = [json.load(f)] if loader == "json" else yaml.load_all(f, Loader=LOADERS[loader])
            for obj in docs:
                for check in checks_failed(obj):
                    counts[check] += 1
    print(json.dumps(counts, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
