"""The audited tree's own config may not run code, choose the cache or write outside the tree.

A ``dsaudit.yaml`` found in the target is part of the (possibly untrusted) tree: ``plugins:``,
``cache:`` and ``outputs:``/``baseline:`` paths outside the target are refused with a message
naming each refused key and how to allow it (``--config`` naming the file, or
``--trust-config``). A plugin folder that anyone could write to is refused, as ssh's
StrictModes refuses such a key file.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from projectkit import REPO_ROOT, cli_process

SAMPLE = REPO_ROOT / "sample_configs" / "acme-retail"
PLUGIN = 'from pathlib import Path\nPath(__file__).with_name("RAN").write_text("x")\n'


def _dsaudit(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return cli_process(*args, cwd=cwd, timeout=300)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    target = tmp_path / "T"
    shutil.copytree(SAMPLE, target)
    return target


def _add_config(target: Path, text: str) -> Path:
    config = target / "dsaudit.yaml"
    config.write_text(config.read_text("utf-8") + text, "utf-8")
    return config


def _plugin_in(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "x.py").write_text(PLUGIN, "utf-8")
    return folder / "RAN"


def test_plugins_in_a_found_config_are_refused_and_never_imported(tree: Path) -> None:
    ran = _plugin_in(tree / "p")
    _add_config(tree, "plugins: [p]\n")
    proc = _dsaudit("audit", tree, "-q", cwd=tree.parent)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert not ran.exists(), "the tree's plugin ran"
    assert "plugins" in proc.stderr
    assert "--trust-config" in proc.stderr and "--config" in proc.stderr
    assert "dsaudit.yaml" in proc.stderr


@pytest.mark.parametrize("how", ["--trust-config", "--config"])
def test_the_user_can_opt_in_to_the_trees_plugins(tree: Path, how: str) -> None:
    ran = _plugin_in(tree / "p")
    config = _add_config(tree, "plugins: [p]\n")
    opt_in = ["--trust-config"] if how == "--trust-config" else ["--config", str(config)]
    proc = _dsaudit("audit", tree, "-q", "--fail-on", "never", *opt_in, cwd=tree.parent)
    assert ran.exists(), proc.stdout + proc.stderr
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("setting", "written"),
    [
        ("outputs: [{format: markdown, path: ../X.md}]\n", "X.md"),
        ("cache: ../C\n", "C"),
    ],
    ids=["outputs-outside", "cache-outside"],
)
def test_a_found_config_may_not_write_outside_the_tree(
    tree: Path, setting: str, written: str
) -> None:
    _add_config(tree, setting)
    proc = _dsaudit("audit", tree, "-q", cwd=tree.parent)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert not (tree.parent / written).exists()
    key = setting.split(":")[0]
    assert "refused settings" in proc.stderr and key in proc.stderr
    trusted = _dsaudit("audit", tree, "-q", "--fail-on", "never", "--trust-config",
                       cwd=tree.parent)  # fmt: skip
    assert trusted.returncode == 0, trusted.stdout + trusted.stderr
    assert (tree.parent / written).exists()


def test_a_cache_inside_the_tree_is_refused_too(tree: Path) -> None:
    """Entries in a cache the tree chooses are read back as parse results: seedable."""
    _add_config(tree, "cache: .cache\n")
    proc = _dsaudit("audit", tree, "-q", cwd=tree.parent)
    assert proc.returncode == 2
    assert "cache" in proc.stderr and "seeded" in proc.stderr
    assert not (tree / ".cache").exists()
    on_cli = _dsaudit("audit", tree, "-q", "--fail-on", "never", "--cache",
                      tree.parent / "cache", "--config", tree / "dsaudit.yaml",
                      cwd=tree.parent)  # fmt: skip
    assert on_cli.returncode == 0, on_cli.stderr


def test_outputs_inside_the_tree_are_allowed(tree: Path) -> None:
    _add_config(tree, "outputs: [{format: json, path: reports/r.json}]\n")
    proc = _dsaudit("audit", tree, "-q", "--fail-on", "never", cwd=tree.parent)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tree / "reports" / "r.json").read_text("utf-8"))["results"]


def test_an_output_through_a_symlink_leaving_the_tree_is_refused(tree: Path) -> None:
    outside = tree.parent / "elsewhere"
    outside.mkdir()
    (tree / "reports").symlink_to(outside)
    _add_config(tree, "outputs: [{format: json, path: reports/r.json}]\n")
    proc = _dsaudit("audit", tree, "-q", cwd=tree.parent)
    assert proc.returncode == 2
    assert "outputs[0].path" in proc.stderr
    assert not (outside / "r.json").exists()


def test_baseline_create_may_not_write_the_found_configs_baseline_outside(tree: Path) -> None:
    _add_config(tree, "baseline: ../b.json\n")
    proc = _dsaudit("baseline", "create", tree, cwd=tree.parent)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "baseline" in proc.stderr and "--trust-config" in proc.stderr
    assert not (tree.parent / "b.json").exists()
    named = _dsaudit("baseline", "create", tree, "--no-fail-on-error", "-o",
                     tree.parent / "b.json", cwd=tree.parent)  # fmt: skip
    assert named.returncode == 0, named.stderr
    assert (tree.parent / "b.json").exists()


def _audit_with_plugin_dir(tree: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    return _dsaudit("audit", tree, "--plugin-dir", folder, "--fail-on", "never",
                    "--format", "json", "-o", tree.parent / "r.json", "-q",
                    cwd=tree.parent)  # fmt: skip


def _plugin_errors(tree: Path) -> str:
    data = json.loads((tree.parent / "r.json").read_text("utf-8"))
    return json.dumps([e for e in data["errors"] if e["rule_id"] == "DSAUDIT-PLUGIN"])


@pytest.mark.parametrize(
    ("layout", "refused"),
    [
        ("private", False),
        ("world-writable-folder", True),
        ("world-writable-file", True),
        ("world-writable-parent", True),
        ("sticky-world-writable-parent", False),
        ("group-writable-folder", False),
        ("foreign-owner", True),
    ],
)
def test_a_plugin_folder_others_can_write_is_refused(
    tree: Path, tmp_path: Path, layout: str, refused: bool
) -> None:
    parent = tmp_path / "shared"
    parent.mkdir(mode=0o755)
    folder = parent / "plugins"
    ran = _plugin_in(folder)
    folder.chmod(0o755)
    if layout == "world-writable-folder":
        folder.chmod(0o777)
    elif layout == "world-writable-file":
        (folder / "x.py").chmod(0o646)
    elif layout == "world-writable-parent":
        parent.chmod(0o777)
    elif layout == "sticky-world-writable-parent":
        parent.chmod(0o777 | stat.S_ISVTX)
    elif layout == "group-writable-folder":
        folder.chmod(0o775)
    elif layout == "foreign-owner":
        if os.geteuid() != 0:
            pytest.skip("giving a folder to another user needs root")
        os.chown(folder, 54321, 54321)
    proc = _audit_with_plugin_dir(tree, folder)
    errors = _plugin_errors(tree)
    if refused:
        assert proc.returncode == 2, proc.stderr
        assert not ran.exists()
        assert "not loaded" in errors
        assert ("writable by every user" in errors) or ("owned by another user" in errors)
    else:
        assert proc.returncode == 0, proc.stderr + errors
        assert ran.exists()
