"""A built-in operator or check that raises while a rule runs is an error, never a pass.

The in-process counterpart of tests/plugin/test_plugin_exit.py (a plugin's check that raises): a
raising rule recorded as a pass, a not-applicable or a silent pass count would let the audit
exit 0 and open a CI gate. Here the raising code is dsaudit's own: ``elapsed_within`` with a
limit from a parameter override that is text, or a quoted ``open_end``, and the taxonomy
operators consulted with no taxonomy (``sensitive: false`` used to pass on every value then).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dsaudit.cli.outcome import ExitCode, exit_code
from dsaudit.core.models import AuditResult, Resource, Rule, Severity, Status
from dsaudit.engine.evaluation import Facts, evaluate, index_resources
from dsaudit.language.checks_time import elapsed_within
from dsaudit.language.conditions import CompileEnv, compile_condition

INCIDENT = {"detected_at": "2026-05-31T09:00:00+08:00", "reported_at": "2026-05-31T09:30+08:00"}
RAISING: dict[str, dict[str, Any]] = {
    "hours from a text parameter": {
        "check": "elapsed_within",
        "with": {"start": "detected_at", "end": "reported_at", "hours": {"param": "max_hours"}},
    },
    "quoted open_end": {
        "check": "elapsed_within",
        "with": {"start": "detected_at", "end": "reported_at", "hours": 1, "open_end": "false"},
    },
    "category_in without a taxonomy": {"path": "category", "category_in": ["biometric"]},
    "sensitive: false without a taxonomy": {"path": "category", "sensitive": False},
    "personal: false without a taxonomy": {"path": "category", "personal": False},
}
PLACES = ["condition", "under not", "under any", "applies_to.when"]


def _rule(tree: dict[str, Any], place: str) -> Rule:
    env = CompileEnv(params={"max_hours": "1"}, checks={"elapsed_within": elapsed_within})
    cond = compile_condition(tree, env)
    always = compile_condition({"path": "detected_at", "exists": True}, env)
    condition, when = {
        "condition": (cond, None),
        "under not": (compile_condition({"not": tree}, env), None),
        "under any": (compile_condition({"any": [tree, {"path": "x", "exists": True}]}, env), None),
        "applies_to.when": (always, cond),
    }[place]
    return Rule(
        "KIT-RAISES",
        "raises",
        Severity.LOW,
        "incident",
        "kit",
        (),
        condition,
        when,
        "late",
        "",
        params={"max_hours": "1"},
    )


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("keep_passes", [True, False], ids=["passes-kept", "passes-counted"])
@pytest.mark.parametrize("tree", RAISING.values(), ids=RAISING.keys())
def test_a_rule_that_raises_is_an_error_and_the_audit_incomplete(
    tree: dict[str, Any], place: str, keep_passes: bool
) -> None:
    rule = _rule(tree, place)
    res = Resource("incident", "i1", {**INCIDENT, "category": "face"})
    facts = Facts(dt.date(2026, 6, 1), None, index_resources([res]), {})
    outcome = evaluate([rule], facts, keep_passes=keep_passes)
    assert [r.status for r in outcome.results] == [Status.ERROR]
    assert outcome.passed.get(rule.id, 0) == 0
    assert outcome.not_applicable.get(rule.id, 0) == 0
    assert "raised while checking incident i1" in outcome.results[0].message
    audit = AuditResult(outcome.results, {rule.id: rule}, {})
    assert exit_code(audit, "never") is ExitCode.INCOMPLETE
