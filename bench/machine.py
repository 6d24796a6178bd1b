"""Describe the machine a benchmark ran on (for tables and ``--json-out`` files)."""

from __future__ import annotations

import os
import platform
import sys
from typing import Any

import yaml


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def machine_info() -> dict[str, Any]:
    """nproc, CPU model, memory, OS, Python and PyYAML (with or without libyaml)."""
    return {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": _cpu_model(),
        "memory_gib": _memory_gib(),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "pyyaml": yaml.__version__,
        "libyaml": bool(getattr(yaml, "__with_libyaml__", False)),
    }


def describe(info: dict[str, Any]) -> str:
    """One line for the top of a table."""
    return (
        f"{info['nproc']} CPUs ({info['cpu_model']}), {info['memory_gib']} GiB, "
        f"Python {info['python']}, PyYAML {info['pyyaml']}"
        f"{' + libyaml' if info['libyaml'] else ' (no libyaml)'}"
    )


if __name__ == "__main__":
    import json

    print(json.dumps(machine_info(), indent=2))
