"""With SOURCE_DATE_EPOCH set, the same inputs give byte-identical machine reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from projectkit import REPO_ROOT

from dsaudit.cli.app import cli

SAMPLE = REPO_ROOT / "sample_configs" / "consumer-app"


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "csv", "oscal"])
def test_byte_identical_reports(
    fmt: str, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    outputs = []
    for n in (1, 2):
        out = tmp_path / f"{n}.{fmt}"
        result = runner.invoke(cli, ["audit", str(SAMPLE), "-q", "--format", fmt, "-o", str(out)])
        assert result.exit_code == 1, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_metadata_carries_versions_digests_parameters_and_times(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    out = tmp_path / "r.json"
    runner.invoke(cli, ["audit", str(SAMPLE), "-q", "-o", str(out)])
    meta = json.loads(out.read_text(encoding="utf-8"))["metadata"]
    assert meta["tool"]["name"] == "dsaudit" and meta["python"]
    assert all(len(p["sha256"]) == 64 and p["version"] for p in meta["packs"])
    kinds = {i["kind"] for i in meta["inputs"]}
    assert {"inventory", "config"} <= kinds
    assert all(len(i["sha256"]) == 64 and not i["path"].startswith("/") for i in meta["inputs"])
    assert meta["parameters"]["CSL-LOG-RETENTION"] == {"min_days": "6 months"}
    assert meta["started_at"] == meta["finished_at"] == "2026-09-21T14:13:20Z"
