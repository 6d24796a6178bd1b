"""``dsaudit config show``: the effective configuration and where each value came from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from projectkit import REPO_ROOT, run

CONFIG = """\
version: 1
organization: "Acme \\e]0;owned\\a Co. \\u202Egnp 13812345678"
fail_on: medium
as_of: "2026-06-30"
rules:
  CSL-LOG-RETENTION:
    params: {min_days: 365}
limits:
  max_depth: 100
"""


def _project(tmp_path: Path, text: str = CONFIG) -> Path:
    (tmp_path / "dsaudit.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def _settings(*args: str | Path) -> dict[str, dict[str, Any]]:
    result = run("config", "show", *args, "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    return {s["key"]: s for s in document["settings"]}


def test_a_file_value_names_its_line(tmp_path: Path) -> None:
    settings = _settings(_project(tmp_path))
    fail_on = settings["fail_on"]
    assert (fail_on["value"], fail_on["source"], fail_on["line"]) == ("medium", "file", 3)
    assert fail_on["where"].endswith("dsaudit.yaml:3")
    assert (settings["as_of"]["value"], settings["as_of"]["line"]) == ("2026-06-30", 4)
    param = settings["rules.CSL-LOG-RETENTION.params.min_days"]
    assert (param["value"], param["line"]) == (365, 7)
    assert (settings["limits.max_depth"]["value"], settings["limits.max_depth"]["line"]) == (100, 9)


def test_a_flag_overrides_the_file(tmp_path: Path) -> None:
    settings = _settings(_project(tmp_path), "--fail-on", "never", "--as-of", "2027-01-01",
                         "--no-fail-on-error", "--jobs", "1")  # fmt: skip
    assert (settings["fail_on"]["value"], settings["fail_on"]["where"]) == ("never", "--fail-on")
    assert settings["fail_on"]["source"] == "flag" and settings["fail_on"]["line"] is None
    assert (settings["as_of"]["value"], settings["as_of"]["where"]) == ("2027-01-01", "--as-of")
    assert settings["fail_on_error"]["value"] is False
    assert settings["fail_on_error"]["where"] == "--no-fail-on-error"
    assert (settings["jobs"]["value"], settings["jobs"]["source"]) == (1, "flag")


def test_defaults(tmp_path: Path) -> None:
    settings = _settings(_project(tmp_path, "version: 1\n"))
    for key, value in [("fail_on", "high"), ("fail_on_error", True), ("passes", "auto"),
                       ("taxonomy.sensitive_pi", "gbt45574-2025"), ("baseline", None),
                       ("limits.max_depth", 500), ("inline_suppressions", True)]:  # fmt: skip
        assert (settings[key]["value"], settings[key]["source"]) == (value, "default"), key
        assert settings[key]["where"] == "default"
    assert settings["packs"]["default"] == "every shipped pack and packs from plugins"


def test_no_config_file_at_all(tmp_path: Path) -> None:
    result = run("config", "show", tmp_path)
    assert result.exit_code == 0, result.output
    assert "config file: none (defaults and flags only)" in result.output
    assert "fail_on" in result.output and "[default]" in result.output


def test_text_output_names_the_line_and_the_flag(tmp_path: Path) -> None:
    result = run("config", "show", _project(tmp_path), "--as-of", "2027-01-01")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()[2:]}
    assert lines["fail_on"].rstrip().endswith("dsaudit.yaml:3]")
    assert " medium " in lines["fail_on"]
    assert lines["as_of"].rstrip().endswith("[--as-of]")
    assert lines["passes"].rstrip().endswith("[default]")
    assert "(found in the target: untrusted)" in result.output


def test_values_from_the_tree_are_escaped_and_redacted(tmp_path: Path) -> None:
    project = _project(tmp_path)
    for args in ((), ("--json",)):
        result = run("config", "show", project, *args)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
        assert "\u202e" not in result.output
        assert "13812345678" not in result.output
        assert "13*******78" in result.output
    text = run("config", "show", project).output
    assert "Acme \\x1b]0;owned\\x07 Co." in text  # shown escaped on the terminal
    # JSON escapes the characters itself (\\u001b): a reader gets the value as written
    assert _settings(project)["organization"]["value"].startswith("Acme \x1b]0;owned\x07 Co.")


def test_secrets_in_plugin_settings_are_masked(tmp_path: Path) -> None:
    text = "version: 1\nplugin_settings:\n  sink:\n    api_token: s3cr3t-value-123\n"
    project = _project(tmp_path, text + "    min_severity: high\n")
    result = run("config", "show", project, "--json")
    assert result.exit_code == 0, result.output
    assert "s3cr3t-value-123" not in result.output
    sink = {s["key"]: s for s in json.loads(result.output)["settings"]}["plugin_settings.sink"]
    assert sink["value"] == {"api_token": "****", "min_severity": "high"}
    assert sink["line"] == 3


def test_a_refused_found_config_is_an_error_as_for_audit(tmp_path: Path) -> None:
    project = _project(tmp_path, "version: 1\nplugins: [plugins]\n")
    result = run("config", "show", project)
    assert result.exit_code == 2
    assert "plugins" in result.output
    trusted = run("config", "show", project, "--trust-config", "--json")
    assert trusted.exit_code == 0, trusted.output


def test_the_acme_sample() -> None:
    settings = _settings(REPO_ROOT / "sample_configs" / "acme-retail")
    assert settings["as_of"]["value"] == "2026-11-01"
    assert settings["as_of"]["where"].endswith("acme-retail/dsaudit.yaml:5")
    assert settings["waivers"]["value"].endswith("acme-retail/waivers.yaml")


def test_documented() -> None:
    docs = (REPO_ROOT / "docs" / "config.md").read_text("utf-8")
    assert "dsaudit config show" in docs
    assert "dsaudit config show" in (REPO_ROOT / "docs" / "cli.md").read_text("utf-8")
