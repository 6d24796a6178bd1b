"""Issue 9's performance targets, checked against the figures bench/suite.py measured.

``evaluate(figures)`` is pure: it takes the wall times (seconds) and peak memory (MiB) the suite
collected and returns one ``Outcome`` per target, with the measured value, the ratio compared
and ``met``, ``missed`` or ``not measured``. The figures dict (every key optional):

    {"startup": {"dsaudit --version": s, "empty audit": s, "python -c pass": s},
     "k8s": {N: {"floor": s, "dsaudit": s, "regopy bundle": s, "checkov": s}, ...},
     "inventory": {"json": {"floor": s, "dsaudit": s}, "yaml": {"floor": s, "dsaudit": s}},
     "org": {"wall_s": s, "peak_mb": MiB, "label": "100000 datasets + 10000 configs"}}
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

STARTUP_S = 0.15
K8S_FLOOR_RATIO = 2.0
CHECKOV_RATIO = 50.0
REGO_RATIO = 2.0
SCALING_SLACK = 1.05
"""10k / 1k <= 10.5: linear in the number of files, 5 % slack."""
INVENTORY_JSON_RATIO = 2.0
INVENTORY_YAML_RATIO = 1.2
ORG_WALL_S = 30.0
ORG_PEAK_MB = 1024.0

_OPS: dict[str, Callable[[float, float], bool]] = {"<=": operator.le, ">=": operator.ge}


@dataclass(frozen=True, slots=True)
class Outcome:
    """One target: what was compared, the limit and whether it was met."""

    target: str
    measured: str
    value: float | None
    op: str
    limit: float
    unit: str = "×"

    @property
    def status(self) -> str:
        if self.value is None:
            return "not measured"
        return "met" if _OPS[self.op](self.value, self.limit) else "missed"

    @property
    def goal(self) -> str:
        return f"{self.op} {self.limit:g}{' s' if self.unit == 's' else self.unit}"

    def row(self) -> list[object]:
        shown = None if self.value is None else _fmt(self.value, self.unit)
        return [self.target, self.measured, shown, self.goal, self.status]


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f} s"
    if unit == " MiB":
        return f"{value:.0f} MiB"
    return f"{value:.2f}×"


def _ratio(
    target: str, num: tuple[str, float | None], den: tuple[str, float | None], op: str, limit: float
) -> Outcome:
    """``num ÷ den`` compared with ``limit``; not measured when either is missing or zero."""
    (num_name, a), (den_name, b) = num, den
    if a is None or b is None or b <= 0:
        return Outcome(target, "", None, op, limit)
    measured = f"{num_name} {a:.3f} s ÷ {den_name} {b:.3f} s"
    return Outcome(target, measured, a / b, op, limit)


def _k8s(k8s: Mapping[int, Mapping[str, float]]) -> list[Outcome]:
    out = []
    for n in sorted(k8s):
        row = k8s[n]
        ds = row.get("dsaudit")
        out.append(
            _ratio(
                f"K1-K5 at {n} files: dsaudit ÷ floor",
                ("dsaudit", ds),
                ("floor", row.get("floor")),
                "<=",
                K8S_FLOOR_RATIO,
            )
        )
        if row.get("checkov") is not None:
            out.append(
                _ratio(
                    f"K1-K5 at {n} files: Checkov ÷ dsaudit",
                    ("checkov", row.get("checkov")),
                    ("dsaudit", ds),
                    ">=",
                    CHECKOV_RATIO,
                )
            )
        out.append(
            _ratio(
                f"K1-K5 at {n} files: regopy bundle ÷ dsaudit",
                ("regopy", row.get("regopy bundle")),
                ("dsaudit", ds),
                ">=",
                REGO_RATIO,
            )
        )
    sizes = sorted(n for n in k8s if k8s[n].get("dsaudit") is not None)
    if len(sizes) >= 2:
        small, big = sizes[0], sizes[-1]
        limit = round(SCALING_SLACK * big / small, 3)
        out.append(
            _ratio(
                f"K1-K5 scaling: dsaudit {big} ÷ {small} files",
                (f"{big}", k8s[big]["dsaudit"]),
                (f"{small}", k8s[small]["dsaudit"]),
                "<=",
                limit,
            )
        )
    return out


def evaluate(figures: Mapping[str, Any]) -> list[Outcome]:
    """Every target the figures allow checking (parts not run are left out)."""
    out: list[Outcome] = []
    startup = figures.get("startup")
    if startup is not None:
        for name in ("dsaudit --version", "empty audit"):
            value = startup.get(name)
            measured = "" if value is None else f"{value:.3f} s"
            out.append(Outcome(f"start-up: {name}", measured, value, "<=", STARTUP_S, "s"))
    if figures.get("k8s"):
        out.extend(_k8s(figures["k8s"]))
    inventory = figures.get("inventory")
    if inventory is not None:
        for fmt, limit, floor in (
            ("json", INVENTORY_JSON_RATIO, "json.loads floor"),
            ("yaml", INVENTORY_YAML_RATIO, "CSafeLoader floor"),
        ):
            row = inventory.get(fmt) or {}
            n = inventory.get("records", "")
            out.append(
                _ratio(
                    f"inventory {n} records {fmt.upper()}: dsaudit ÷ {floor}",
                    ("dsaudit", row.get("dsaudit")),
                    ("floor", row.get("floor")),
                    "<=",
                    limit,
                )
            )
    org = figures.get("org")
    if org is not None:
        label = org.get("label", "")
        wall, peak = org.get("wall_s"), org.get("peak_mb")
        out.append(
            Outcome(
                f"full packs over {label}: wall",
                "" if wall is None else f"{wall:.1f} s",
                wall,
                "<=",
                ORG_WALL_S,
                "s",
            )
        )
        out.append(
            Outcome(
                f"full packs over {label}: peak memory",
                "" if peak is None else f"{peak:.0f} MiB",
                peak,
                "<=",
                ORG_PEAK_MB,
                " MiB",
            )
        )
    return out
