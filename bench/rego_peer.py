"""The Rego peer: K1..K5 from peer_policies/k8s.rego, evaluated with regopy per manifest.

    python bench/rego_peer.py DIR [--mode query|bundle]

``query`` reuses one interpreter and queries ``data.bench.k8s.violations`` per document;
``bundle`` compiles the policy once and runs the compiled bundle per document. Prints the
failing resources per check as one JSON object. Needs ``pip install regopy``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import yaml
from regopy import Interpreter

POLICY = Path(__file__).resolve().parent / "peer_policies" / "k8s.rego"
QUERY = "data.bench.k8s.violations"


def main(argv: list[str]) -> int:
    root = argv[0]
    mode = argv[argv.index("--mode") + 1] if "--mode" in argv else "query"
    rego = Interpreter()
    rego.add_module("k8s.rego", POLICY.read_text(encoding="utf-8"))
    if mode == "bundle":
        bundle = rego.build(f"x = {QUERY}", [])
        runner = Interpreter()
    counts = dict.fromkeys(("K1", "K2", "K3", "K4", "K5"), 0)
    for name in sorted(os.listdir(root)):
        with open(os.path.join(root, name), "rb") as f:
            for obj in yaml.load_all(f, Loader=yaml.CSafeLoader):
                if mode == "bundle":
                    runner.set_input(obj)
                    found = json.loads(str(runner.query_bundle(bundle)))["bindings"]["x"]
                else:
                    rego.set_input(obj)
                    found = json.loads(str(rego.query(QUERY)))["expressions"][0]
                for entry in found:
                    counts[entry.split(":", 1)[0]] += 1
    print(json.dumps(counts, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
