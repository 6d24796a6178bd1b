"""Evaluation in worker processes: the same results, in the same order, as one process."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from projectkit import REPO_ROOT

from dsaudit.audit import collect, compile_rules, load_packs
from dsaudit.core.models import Result, Rule
from dsaudit.core.taxonomy import load_taxonomy
from dsaudit.engine import parallel
from dsaudit.engine.evaluation import Facts, build_facts, evaluate
from dsaudit.engine.parallel import evaluate_parallel, merge, shards
from dsaudit.plugin.host import get_plugin_host
from dsaudit.plugin.registry import collect_registry
from dsaudit.project.config import build_config
from tests.projectkit import run

SAMPLES = REPO_ROOT / "sample_configs"


def _loaded(sample: str) -> tuple[list[Rule], Facts]:
    cfg = build_config(SAMPLES / sample, as_of=dt.date(2026, 11, 1))
    host = get_plugin_host()
    registry = collect_registry(host)
    taxonomy = load_taxonomy()
    compiled = compile_rules(cfg, load_packs(cfg, registry), registry, taxonomy)
    resources, _, _ = collect(cfg, host, registry, taxonomy)
    facts, _ = build_facts(resources, cfg.as_of, taxonomy)
    return list(compiled.rules), facts


def _key(result: Result) -> tuple[Any, ...]:
    return (
        result.rule_id,
        result.status,
        result.resource_kind,
        result.resource_id,
        result.message,
        result.location,
        tuple(result.evidence),
        result.fingerprint,
    )


@pytest.mark.parametrize("sample", ["acme-retail", "cn-hospital", "consumer-app"])
@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_shards_cut_the_sequence_in_order(sample: str, count: int) -> None:
    rules, facts = _loaded(sample)
    parts = shards(rules, facts, count)
    assert 1 <= len(parts) <= count
    kinds = list(dict.fromkeys(rule.kind for rule in rules))
    sequence = [res for kind in kinds for res in facts.by_kind.get(kind, ())]
    joined = [res for part in parts for kind in kinds for res in part.get(kind, ())]
    assert [id(r) for r in joined] == [id(r) for r in sequence]


@pytest.mark.parametrize("sample", ["acme-retail", "cn-hospital", "consumer-app"])
@pytest.mark.parametrize("keep_passes", [True, False])
def test_workers_give_the_same_evaluation(
    sample: str, keep_passes: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules, facts = _loaded(sample)
    one = evaluate(rules, facts, keep_passes=keep_passes)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_WORK", 0)
    two = evaluate_parallel(rules, facts, keep_passes=keep_passes, jobs=3)
    assert [_key(r) for r in two.results] == [_key(r) for r in one.results]
    assert two.not_applicable == one.not_applicable
    assert two.passed == one.passed
    assert len(one.results) > 20


def test_shards_evaluated_alone_and_merged_equal_one_evaluation() -> None:
    rules, facts = _loaded("acme-retail")
    one = evaluate(rules, facts)
    parts = [evaluate(rules, facts, subjects=part) for part in shards(rules, facts, 4)]
    assert [_key(r) for r in merge(parts).results] == [_key(r) for r in one.results]


def test_the_cli_report_does_not_depend_on_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN_WORK", 0)
    reports = []
    for jobs in ("1", "2"):
        out = tmp_path / f"r{jobs}.json"
        run(
            "audit",
            SAMPLES / "acme-retail",
            "--jobs",
            jobs,
            "--format",
            "json",
            "--output",
            out,
            "-q",
        )
        report = json.loads(out.read_text("utf-8"))
        reports.append((report["results"], report["errors"], report["summary"]))
    assert reports[0] == reports[1]
