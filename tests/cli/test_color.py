"""Colour follows --color, FORCE_COLOR and NO_COLOR (issue 17, item 7), in a real process whose
standard output is a pipe (not a terminal)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ESC = "\x1b["


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("color") / "t"
    root.mkdir()
    (root / "app.env").write_text("DB_PASSWORD=plain1\n", "utf-8")
    return root


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        ((), {}, False),  # a pipe is not a terminal
        ((), {"FORCE_COLOR": "1"}, True),
        ((), {"FORCE_COLOR": ""}, False),  # set but empty: not forced
        (("--color", "always"), {}, True),
        (("--color", "always"), {"NO_COLOR": "1"}, True),  # the explicit flag wins
        (("--color", "never"), {"FORCE_COLOR": "1"}, False),
        ((), {"NO_COLOR": "1", "FORCE_COLOR": "1"}, True),
    ],
    ids=[
        "pipe",
        "force",
        "force-empty",
        "always",
        "always-over-no-color",
        "never",
        "force-over-no",
    ],
)
def test_colour_choice(
    target: Path, args: tuple[str, ...], env: dict[str, str], coloured: bool
) -> None:
    clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environment = {**clean, "DSAUDIT_DISABLE_PLUGIN_AUTOLOAD": "1", **env}
    result = subprocess.run(
        [sys.executable, "-m", "dsaudit", "audit", str(target), "--pack", "config-hygiene",
         "-j", "1", *args],
        env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert (ESC in result.stdout) is coloured
