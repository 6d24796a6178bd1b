"""Properties every built-in format must have: registered by the hook, deterministic, masked."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable

import pluggy
import pytest

from dsaudit.core.models import AuditResult
from dsaudit.plugin import hookspecs
from dsaudit.reports import BUILTIN_REPORTERS

FORMATS = [(r.name, r.extension) for r in BUILTIN_REPORTERS]


def test_plugin_registers_every_builtin_format() -> None:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    from dsaudit.reports import plugin

    pm.register(plugin)
    registered: list[object] = []
    pm.hook.dsaudit_register_reporters(register=registered.append)
    names = [(r.name, r.extension) for r in registered]
    assert names == [
        ("json", ".json"),
        ("sarif", ".sarif"),
        ("junit", ".xml"),
        ("markdown", ".md"),
        ("csv", ".csv"),
        ("html", ".html"),
        ("defectdojo", ".json"),
        ("oscal", ".json"),
    ]
    assert all(callable(r.render) and r.description for r in registered)


def _shuffled(make_audit: Callable[[], AuditResult], seed: int) -> AuditResult:
    audit = make_audit()
    rng = random.Random(seed)
    rng.shuffle(audit.results)
    rng.shuffle(audit.errors)
    rules = list(audit.rules.items())
    rng.shuffle(rules)
    audit.rules = dict(rules)
    packs = list(audit.metadata["packs"])
    rng.shuffle(packs)
    audit.metadata = {**dict(reversed(list(audit.metadata.items()))), "packs": packs}
    return audit


@pytest.mark.parametrize("reporter", BUILTIN_REPORTERS, ids=lambda r: r.name)
def test_deterministic(reporter, make_audit) -> None:
    first = reporter.render(make_audit(), {})
    assert reporter.render(make_audit(), {}) == first
    for seed in range(3):
        assert reporter.render(_shuffled(make_audit, seed), {}) == first, f"seed {seed}"


@pytest.mark.parametrize("reporter", BUILTIN_REPORTERS, ids=lambda r: r.name)
def test_no_raw_secrets_or_personal_information(reporter, audit: AuditResult, planted) -> None:
    output = reporter.render(audit, {})
    for kind, value in planted.items():
        assert value not in output, f"{reporter.name} leaks the planted {kind}"
    # The values are shown masked, not dropped (Markdown escapes the stars).
    assert "zh" + "*" * 16 + "om" in output.replace("\\", "")


@pytest.mark.parametrize("reporter", BUILTIN_REPORTERS, ids=lambda r: r.name)
def test_renders_an_empty_audit(reporter) -> None:
    empty = AuditResult(results=[], rules={}, metadata={})
    output = reporter.render(empty, {})
    assert isinstance(output, str) and output.endswith("\n")
    assert reporter.last_warnings == ()


@pytest.mark.parametrize(
    ("statuses", "posture"),
    [
        ((), "untested"),
        (("not_applicable", "manual"), "untested"),
        (("pass",), "compliant"),
        (("pass", "waived", "suppressed"), "compliant"),
        (("pass", "fail"), "non-compliant"),
        (("fail", "error"), "incomplete"),
    ],
)
def test_posture(audit: AuditResult, statuses: tuple[str, ...], posture: str) -> None:
    from dsaudit.core.models import Status
    from dsaudit.reports.summary import summarize

    template = audit.results[0]
    audit.errors = []
    audit.results = []
    for status in statuses:
        result = copy.copy(template)
        result.status = Status(status)
        audit.results.append(result)
    assert summarize(audit).posture == posture
