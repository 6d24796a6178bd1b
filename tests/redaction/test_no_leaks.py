"""Nothing leaked: planted identifiers, phone numbers, card numbers and secrets never appear
unmasked in any output.

A sample tree carries known values in config files (found by the shipped config-hygiene rules,
so they become evidence), in an inventory, and in malformed files whose error messages could
quote them. Every report format is written (console, json, sarif, junit, html, markdown, csv)
at ``-v`` and ``-vv``; stdout, stderr and every file are searched for each planted value.
A saved JSON report is re-rendered in every format with ``dsaudit report`` too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from projectkit import AS_OF

FORMATS = ("json", "sarif", "junit", "html", "markdown", "csv", "defectdojo", "oscal")
SUFFIX = {"json": "json", "sarif": "sarif", "junit": "xml", "html": "html", "markdown": "md",
          "csv": "csv", "defectdojo": "json", "oscal": "json"}  # fmt: skip

PLANTED = {
    "resident_id": "110101199003071234",
    "resident_id_2": "440301198512125678",
    "mobile": "13812345678",
    "mobile_2": "13987654321",
    "card": "6222021234567890123",
    "email": "planted.person@example.com",
    "password": "Planted-Pw-7781!zz",
    "env_password": "PlantedEnvSecret99",
    "aws_key": "AKIAPLANTEDKEY123456",
    "github_token": "ghp_PlantedToken1234567890abcdefXYZ",
    "broken_env_secret": "AKIABROKENENVSECRET1",
    "broken_yaml_phone": "13612345678",
    "broken_ini_card": "6222029876543210987",
    "broken_env_generic": "Zq8-generic-planted-pw",
    "broken_ini_generic": "Xw3-generic-ini-planted",
}


def _tree(base: Path) -> Path:
    target = base / "target"
    conf = target / "conf"
    conf.mkdir(parents=True)
    p = PLANTED
    app = {
        "db": {"host": "db.internal", "password": p["password"]},
        "api_token": p["github_token"],
        "aws_access_key_id": p["aws_key"],
        "admin": {"phone": p["mobile"], "id_number": p["resident_id"], "email": p["email"]},
        "billing": {"card_number": p["card"]},
        "note": f"call {p['mobile_2']} or check id {p['resident_id_2']}",
        "tls_min_version": "1.0",
    }
    (conf / "app.yaml").write_text(yaml.safe_dump(app), "utf-8")
    (conf / "app.json").write_text(json.dumps({"contact": {"mobile": p["mobile"]}}), "utf-8")
    (conf / "service.env").write_text(
        f"DB_PASSWORD={p['env_password']}\nSUPPORT_PHONE={p['mobile_2']}\n", "utf-8"
    )
    # malformed files whose error messages might quote what they contain
    (conf / "broken.env").write_text(
        f"OK=1\n{p['broken_env_secret']} no equals sign\nDB_PASSWORD {p['broken_env_generic']}\n",
        "utf-8",
    )
    (conf / "broken2.env").write_text(f"DB_PASSWORD {p['broken_env_generic']}\n", "utf-8")
    (conf / "broken2.ini").write_text(f"[db]\npassword = x\n= {p['broken_ini_generic']}\n", "utf-8")
    (conf / "broken.yaml").write_text(
        f"users:\n  {p['broken_yaml_phone']}: a\n  {p['broken_yaml_phone']}: b\n", "utf-8"
    )
    (conf / "broken.ini").write_text(f"[billing]\ncard\n  {p['broken_ini_card']}\n", "utf-8")
    inventory = target / "inventory"
    inventory.mkdir()
    (inventory / "main.yaml").write_text(
        yaml.safe_dump(
            {
                "version": 1,
                "organization": {"name": "Leak Test Co", "x_hotline": p["mobile"]},
                "datasets": [{"id": "ds-1", "name": "customers", "x_sample_id": p["resident_id"]}],
            }
        ),
        "utf-8",
    )
    return target


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["DSAUDIT_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["SOURCE_DATE_EPOCH"] = "1780000000"
    env["COLUMNS"] = "200"
    return env


def _dsaudit(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dsaudit", *[str(a) for a in args]],
        cwd=cwd, env=_env(), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def _leaks(text: str) -> list[str]:
    return sorted(name for name, value in PLANTED.items() if value in text)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _tree(tmp_path_factory.mktemp("leaks"))


@pytest.mark.parametrize("verbosity", ["-v", "-vv"])
def test_no_planted_value_in_any_format_or_log(tree: Path, tmp_path: Path, verbosity: str) -> None:
    outputs: list[str | Path] = []
    for fmt in FORMATS:
        outputs += ["--format", f"{fmt}={tmp_path / f'report-{fmt}.{SUFFIX[fmt]}'}"]
    proc = _dsaudit(verbosity, "audit", tree, "--as-of", AS_OF, "--format", "console",
                    *outputs, verbosity, cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 2, proc.stderr  # the malformed files are error results
    found: dict[str, list[str]] = {}
    for name, text in (("stdout", proc.stdout), ("stderr", proc.stderr)):
        if _leaks(text):
            found[name] = _leaks(text)
    for fmt in FORMATS:
        path = tmp_path / f"report-{fmt}.{SUFFIX[fmt]}"
        text = path.read_text("utf-8")
        if _leaks(text):
            found[fmt] = _leaks(text)
    assert found == {}
    report = json.loads((tmp_path / "report-json.json").read_text("utf-8"))
    failing = {r["rule_id"] for r in report["results"] if r["status"] == "fail"}
    assert {"HYG-NO-PLAINTEXT-SECRETS", "HYG-NO-PI-IN-CONFIG"} & failing or len(failing) > 0
    errors = {e["location"]["file"] for e in report["errors"]}
    assert {"conf/broken.env", "conf/broken.yaml", "conf/broken.ini"} <= errors
    evidence = [e for r in report["results"] for e in r["evidence"]]
    assert evidence, "the planted values should be found and shown masked"


def test_planted_values_are_found_but_masked(tree: Path, tmp_path: Path) -> None:
    """The test is only meaningful if the values reach the reports: check masked forms."""
    out = tmp_path / "r.json"
    _dsaudit("audit", tree, "--as-of", AS_OF, "--format", "json", "-o", out, "-q", cwd=tmp_path)
    text = out.read_text("utf-8")
    report = json.loads(text)
    shown = {
        (r["location"]["file"], e["path"]): e["value"]
        for r in report["results"]
        for e in r["evidence"]
    }
    assert shown[("conf/app.yaml", "db.password")] == "****"
    assert shown[("conf/service.env", "DB_PASSWORD")] == "****"
    assert shown[("conf/app.json", "contact.mobile")] == "13*******78"
    assert _leaks(text) == []


@pytest.mark.slow
def test_rerendered_reports_do_not_leak(tree: Path, tmp_path: Path) -> None:
    saved = tmp_path / "saved.json"
    _dsaudit("audit", tree, "--as-of", AS_OF, "--format", "json", "-o", saved, "-q", cwd=tmp_path)
    for fmt in ("console", *FORMATS):
        proc = _dsaudit("-vv", "report", saved, "--format", fmt, cwd=tmp_path)
        assert proc.returncode in (0, 1, 2), proc.stderr
        assert _leaks(proc.stdout + proc.stderr) == [], fmt


@pytest.mark.parametrize(
    ("config", "value"),
    [
        (f"fail_on: {PLANTED['mobile']}\n", "mobile"),
        (f"organization: {{name: {PLANTED['aws_key']}}}\n", "aws_key"),
        (f"limits:\n  {PLANTED['resident_id']}: 5\n", "resident_id"),
    ],
    ids=["phone-in-fail_on", "key-in-organization", "id-as-limit-name"],
)
def test_refusal_messages_do_not_leak(tmp_path: Path, config: str, value: str) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (target / "dsaudit.yaml").write_text(config, "utf-8")
    proc = _dsaudit("-vv", "audit", target, "--as-of", AS_OF, cwd=tmp_path)
    assert proc.returncode == 2
    assert PLANTED[value] not in proc.stdout + proc.stderr
