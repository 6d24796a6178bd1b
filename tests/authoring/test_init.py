"""``dsaudit init`` and the project config (dsaudit.yaml or ``[tool.dsaudit]``)."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml
from projectkit import AS_OF, REPO_ROOT, audit, retention_rule, run, write_inventory, write_pack

from dsaudit.cli.commands.init_cmd import TEMPLATES
from dsaudit.core.errors import ConfigError
from dsaudit.documents.validated import iso_dates
from dsaudit.modifiers.waivers import load_waivers
from dsaudit.project.config import build_config, read_config_file

CONFIG_SCHEMA = json.loads(
    resources.files("dsaudit").joinpath("schemas/config.schema.json").read_text("utf-8")
)
DOCS = REPO_ROOT / "docs"


# -- init -----------------------------------------------------------------------------------


def test_init_writes_the_starter_files(tmp_path: Path) -> None:
    result = run("init", tmp_path / "new", "--organization", "Acme 零售")
    assert result.exit_code == 0, result.output
    for name in TEMPLATES:
        assert (tmp_path / "new" / name).is_file()
        assert f"wrote {tmp_path / 'new' / name}" in result.output


def test_starter_config_validates_and_points_at_the_starter_files(tmp_path: Path) -> None:
    run("init", tmp_path)
    data = read_config_file(tmp_path / "dsaudit.yaml")
    cfg = build_config(tmp_path)
    assert cfg.config_file == tmp_path / "dsaudit.yaml"
    assert cfg.waivers == tmp_path / "waivers.yaml"
    assert cfg.fail_on == "high"
    assert data["organization"] == "Example Co., Ltd."
    assert load_waivers(tmp_path / "waivers.yaml") == []


def test_starter_config_mentions_every_config_key(tmp_path: Path) -> None:
    run("init", tmp_path)
    text = (tmp_path / "dsaudit.yaml").read_text()
    missing = [k for k in CONFIG_SCHEMA["properties"] if f"{k}:" not in text]
    assert missing == []
    assert text.count("\n#") >= 20


def test_example_inventory_follows_the_inventory_schema(tmp_path: Path) -> None:
    schema_path = resources.files("dsaudit").joinpath("schemas/inventory.schema.json")
    schema = json.loads(schema_path.read_text("utf-8"))
    run("init", tmp_path)
    doc = iso_dates(yaml.safe_load((tmp_path / "inventory" / "organization.yaml").read_text()))
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["datasets"] and doc["organization"]["name"] == "Example Co., Ltd."


@pytest.mark.parametrize("name", ["Acme Retail", 'Acme "Retail": 零售 #1', "O'Brien & Co"])
def test_organization_names_are_quoted_safely(tmp_path: Path, name: str) -> None:
    run("init", tmp_path, "--organization", name)
    assert read_config_file(tmp_path / "dsaudit.yaml")["organization"] == name
    inventory = yaml.safe_load((tmp_path / "inventory" / "organization.yaml").read_text())
    assert inventory["organization"]["name"] == name


def test_new_project_audits_without_errors(tmp_path: Path) -> None:
    run("init", tmp_path)
    out = tmp_path / "report.json"
    result = run("audit", tmp_path, "--format", "json", "--output", out, "-q")
    report = json.loads(out.read_text())
    assert report["errors"] == []
    assert not [r for r in report["results"] if r["status"] == "error"]
    assert {i["kind"] for i in report["metadata"]["inputs"]} >= {"inventory", "waivers"}
    assert result.exit_code in (0, 1), result.output


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "dsaudit.yaml").write_text("version: 1\n# mine\n")
    result = run("init", tmp_path)
    assert result.exit_code == 2
    assert "dsaudit.yaml already exist" in result.output
    assert "--force" in result.output
    assert (tmp_path / "dsaudit.yaml").read_text() == "version: 1\n# mine\n"
    assert not (tmp_path / "waivers.yaml").exists()
    assert not (tmp_path / "inventory").exists()


def test_init_force_overwrites(tmp_path: Path) -> None:
    (tmp_path / "dsaudit.yaml").write_text("version: 1\n# mine\n")
    result = run("init", tmp_path, "--force")
    assert result.exit_code == 0
    assert "# mine" not in (tmp_path / "dsaudit.yaml").read_text()


# -- [tool.dsaudit] in pyproject.toml -------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "org"
    root.mkdir()
    write_pack(root, [retention_rule("KIT-RET", "medium")])
    write_inventory(root, [{"id": "d-1", "retention_days": 400}])
    return root


PYPROJECT = """[project]
name = "acme-infra"

[tool.dsaudit]
version = 1
fail_on = "{fail_on}"
as_of = 2026-06-01
"""


def test_pyproject_tool_table_is_the_project_config(project: Path) -> None:
    (project / "pyproject.toml").write_text(PYPROJECT.format(fail_on="medium"))
    cfg = build_config(project)
    assert cfg.config_file == project / "pyproject.toml"
    assert (cfg.fail_on, cfg.as_of) == ("medium", dt.date(2026, 6, 1))
    assert audit(project, "-q").exit_code == 1
    (project / "pyproject.toml").write_text(PYPROJECT.format(fail_on="critical"))
    assert audit(project, "-q").exit_code == 0


def test_dsaudit_yaml_wins_over_pyproject(project: Path) -> None:
    (project / "pyproject.toml").write_text(PYPROJECT.format(fail_on="medium"))
    (project / "dsaudit.yaml").write_text("version: 1\nfail_on: critical\n")
    assert build_config(project).config_file == project / "dsaudit.yaml"
    assert audit(project, "-q").exit_code == 0


def test_pyproject_without_tool_table_is_not_a_config(project: Path) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert build_config(project).config_file is None
    result = audit(project, "-q", "--config", project / "pyproject.toml")
    assert result.exit_code == 2
    assert "no [tool.dsaudit] table" in result.output


def test_pyproject_errors_name_file_and_line(project: Path) -> None:
    (project / "pyproject.toml").write_text(PYPROJECT.format(fail_on="sometimes"))
    with pytest.raises(ConfigError) as info:
        build_config(project)
    assert info.value.line == 6
    assert "'sometimes' is not one of" in str(info.value)
    result = audit(project, "-q")
    assert result.exit_code == 2
    assert "pyproject.toml:6:" in result.output


def test_pyproject_paths_are_relative_to_it(project: Path) -> None:
    (project / "risk").mkdir()
    (project / "risk" / "waivers.yaml").write_text("version: 1\nwaivers: []\n")
    (project / "pyproject.toml").write_text('[tool.dsaudit]\nwaivers = "risk/waivers.yaml"\n')
    assert build_config(project).waivers == project / "risk" / "waivers.yaml"


def test_bare_yaml_date_in_dsaudit_yaml(project: Path) -> None:
    (project / "dsaudit.yaml").write_text(f"version: 1\nas_of: {AS_OF}\n")
    assert build_config(project).as_of == dt.date.fromisoformat(AS_OF)


# -- docs -----------------------------------------------------------------------------------


def test_every_config_key_is_documented() -> None:
    text = (DOCS / "config.md").read_text("utf-8")
    missing = [key for key in CONFIG_SCHEMA["properties"] if f"`{key}`" not in text]
    assert missing == []


def test_documented_config_examples_are_valid(tmp_path: Path) -> None:
    text = (DOCS / "config.md").read_text("utf-8")
    yaml_example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    toml_example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "dsaudit.yaml").write_text(yaml_example)
    (tmp_path / "pyproject.toml").write_text(toml_example)
    from_yaml = read_config_file(tmp_path / "dsaudit.yaml")
    from_toml = read_config_file(tmp_path / "pyproject.toml")
    assert from_yaml["rules"]["CSL-LOG-RETENTION"] == from_toml["rules"]["CSL-LOG-RETENTION"]
    assert from_toml["outputs"] == [{"format": "sarif", "path": "reports/dsaudit.sarif"}]
