"""Start-up stays small: what a quiet audit and --version do not import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import sys
sys.argv = ["dsaudit", *sys.argv[1:]]
from dsaudit.cli.entry import main
try:
    main()
except SystemExit:
    pass
print("LOADED:" + ",".join(sorted({m.split(".")[0] for m in sys.modules})))
"""


def _loaded(*args: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        check=False,
        env={"DSAUDIT_DISABLE_PLUGIN_AUTOLOAD": "1", "PATH": ""},
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("LOADED:"))
    return set(line.removeprefix("LOADED:").split(","))


def test_version_loads_no_packs_nor_heavy_modules() -> None:
    loaded = _loaded("--version")
    assert not loaded & {"rich", "jsonschema", "yaml", "click"}  # pluggy (hookimpl) is light


@pytest.mark.parametrize("args", [["-q"], ["-q", "--format", "json", "--output", "{out}"]])
def test_a_quiet_audit_does_not_import_rich(tmp_path: Path, args: list[str]) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    argv = [a.replace("{out}", str(tmp_path / "r.json")) for a in args]
    loaded = _loaded("audit", str(target), "--fail-on", "never", *argv)
    assert "dsaudit" in loaded and "yaml" in loaded  # the audit ran
    assert "rich" not in loaded
