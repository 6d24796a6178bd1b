"""A threshold file for teams that gate on counts (issue 17, item 4): ``thresholds`` in
dsaudit.yaml caps failing results per severity and sets a minimum score per law, like MITRE
SAF's threshold for InSpec results. Limits only make the gate stricter than ``fail_on``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from projectkit import AS_OF, run

SECRETS = "".join(f"KEY{i}_PASSWORD=plain-{i}\n" for i in range(3))  # 3 high failures


def _target(tmp_path: Path, config: str) -> Path:
    root = tmp_path / "t"
    root.mkdir()
    (root / "app.env").write_text(SECRETS, "utf-8")
    (root / "dsaudit.yaml").write_text("version: 1\nfail_on: never\n" + config, "utf-8")
    return root


def _audit(root: Path) -> tuple[int, str, dict[str, object]]:
    out = root.parent / "r.json"
    result = run("audit", root, "--pack", "config-hygiene", "--as-of", AS_OF, "-q",
                 "--format", "json", "-o", out)  # fmt: skip
    return result.exit_code, result.output, json.loads(out.read_text("utf-8"))


@pytest.mark.parametrize(
    ("config", "code", "words"),
    [
        ("thresholds: {max_failures: {high: 3}}\n", 0, None),  # at the limit
        ("thresholds: {max_failures: {high: 2}}\n", 1,
         "3 high failing results, more than max_failures.high: 2"),
        ("thresholds: {max_failures: {total: 2}}\n", 1,
         "3 failing results, more than max_failures.total: 2"),
        ("thresholds: {max_failures: {critical: 0}}\n", 0, None),  # no critical failure
        # one high pass against three high failures: 10 / 40
        ("thresholds: {min_score: {PIPL: 0.3}}\n", 1,
         "PIPL scores 25.00%, below min_score.PIPL: 30.00%"),
        ("thresholds: {min_score: {PIPL: 0.25}}\n", 0, None),  # exactly the score
        ("thresholds: {min_score: {CSL: 1.0}}\n", 0, None),  # no CSL result: no score, no breach
        ("", 0, None),  # fail_on never and no thresholds: nothing gates
    ],
    ids=["at-max", "above-max", "total", "no-critical", "below-min", "at-min", "no-score", "none"],
)  # fmt: skip
def test_thresholds_gate_on_counts(
    tmp_path: Path, config: str, code: int, words: str | None
) -> None:
    root = _target(tmp_path, config)
    got, output, report = _audit(root)
    assert got == code, output
    metadata = report["metadata"]
    assert isinstance(metadata, dict)
    if words is not None:
        assert words in output
        assert words in " ".join(metadata["thresholds"]["breaches"])
    elif config:
        assert metadata["thresholds"]["breaches"] == []


def test_thresholds_never_loosen_fail_on(tmp_path: Path) -> None:
    root = _target(tmp_path, "thresholds: {max_failures: {high: 100}}\n")
    config = root / "dsaudit.yaml"
    config.write_text(config.read_text("utf-8").replace("fail_on: never", "fail_on: high"), "utf-8")
    code, _, _ = _audit(root)
    assert code == 1  # the high failures fail the gate whatever the count limit says


def test_a_bad_threshold_names_its_line(tmp_path: Path) -> None:
    root = _target(tmp_path, "thresholds:\n  max_failures: {hgih: 1}\n")
    result = run("audit", root, "-q")
    code, output = result.exit_code, result.output
    assert code == 2
    assert (
        "dsaudit.yaml:4: unknown key 'hgih' in 'thresholds/max_failures' (did you mean 'high'?)"
        in output
    )
