"""The supported PyYAML range holds at both ends.

``pyproject.toml`` declares ``pyyaml>=6.0,<7``. The test run itself uses whatever the registry
serves newest (libyaml 0.2.6 since PyYAML 6.0.3, which refuses nesting of 1,000 levels); this
test installs the oldest supported release (6.0, libyaml 0.2.5, no nesting limit) into a
folder of its own and runs the YAML safety and hostile-input tests against it in a subprocess,
so a guard that only works under one libyaml fails here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OLDEST_PYYAML = "6.0"
YAML_TESTS = ["tests/sources/parsers/test_yaml_safety.py", "tests/test_hostile.py"]


def test_the_declared_range_starts_at_the_oldest_tested_release() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    (spec,) = [d for d in project["dependencies"] if d.lower().startswith("pyyaml")]
    assert re.fullmatch(rf"pyyaml>={re.escape(OLDEST_PYYAML)},<7", spec.lower()), spec


@pytest.mark.slow
def test_yaml_guards_hold_with_the_oldest_supported_pyyaml(tmp_path: Path) -> None:
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--only-binary=:all:",
         "--target", str(target), f"pyyaml=={OLDEST_PYYAML}"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    if install.returncode != 0:
        pytest.fail(f"could not install PyYAML {OLDEST_PYYAML}: {install.stderr[-2000:]}")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(target), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    probe = subprocess.run(
        [sys.executable, "-c", "import yaml; print(yaml.__version__, yaml.__with_libyaml__)"],
        env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert probe.stdout.split() == [OLDEST_PYYAML, "True"]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *YAML_TESTS],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout.splitlines()[-1]
