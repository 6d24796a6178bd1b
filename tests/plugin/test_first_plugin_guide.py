"""docs/plugins.md "Write your first plugin", followed literally in a fresh virtual environment.

The commands are parsed out of the guide's ``console`` blocks (lines starting with ``$ ``) and
run in order with the venv's ``bin`` first on PATH; a trailing ``# exits N`` comment gives the
expected exit code (default 0). Every line of a ``text`` block must appear in the output of the
command just before it. So the guide cannot drift from what dsaudit does.
"""

from __future__ import annotations

import os
import re
import subprocess
import venv
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from projectkit import REPO_ROOT

ROOT = REPO_ROOT
GUIDE = ROOT / "docs" / "plugins.md"
SECTION = "## Write your first plugin"
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
_EXITS = re.compile(r"\s+#\s*exits\s+(\d+)\s*$")


@dataclass
class Step:
    command: str
    exit_code: int = 0
    expected: list[str] = field(default_factory=list)


def guide_steps(markdown: str) -> list[Step]:
    """The commands of the guide section with their exit codes and expected output lines."""
    start = markdown.index(SECTION)
    end = markdown.find("\n## ", start + len(SECTION))
    section = markdown[start : end if end != -1 else None]
    steps: list[Step] = []
    for match in _FENCE.finditer(section):
        lang, body = match.group(1), match.group(2)
        if lang == "console":
            for line in body.splitlines():
                if not line.startswith("$ "):
                    continue
                command = line[2:]
                exits = _EXITS.search(command)
                code = int(exits.group(1)) if exits else 0
                steps.append(Step(_EXITS.sub("", command), code))
        elif lang == "text":
            assert steps, "a text block needs a command before it"
            steps[-1].expected.extend(line.strip() for line in body.splitlines() if line.strip())
    return steps


def test_the_guide_parses_into_the_expected_walk_through() -> None:
    steps = guide_steps(GUIDE.read_text(encoding="utf-8"))
    commands = [s.command for s in steps]
    assert commands[0] == "dsaudit plugin new acme"
    assert any(c.startswith("pip install ") for c in commands)
    [audit] = [s for s in steps if s.command.startswith("dsaudit audit ")]
    assert audit.exit_code == 1
    assert any("ACME-DEBUG-OFF" in line for line in audit.expected)
    assert all(s.expected for s in steps if s.command.startswith("dsaudit "))


def _normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.slow
def test_write_your_first_plugin_as_documented(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    setup = subprocess.run(
        [str(bindir / "python"), "-m", "pip", "install", "-q", str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DSAUDIT_", "PYTHON"))}
    env.update(
        PATH=f"{bindir}{os.pathsep}{env.get('PATH', '')}",
        VIRTUAL_ENV=str(env_dir),
        COLUMNS="120",
        NO_COLOR="1",
    )
    steps = guide_steps(GUIDE.read_text(encoding="utf-8"))
    for step in steps:
        run = subprocess.run(
            step.command, shell=True, capture_output=True, text=True, cwd=work, env=env
        )
        output = run.stdout + run.stderr
        assert run.returncode == step.exit_code, f"$ {step.command}\n{output[-4000:]}"
        shown = _normalize(output)
        for line in step.expected:
            assert _normalize(line) in shown, f"$ {step.command}\nmissing: {line}\n{output[-4000:]}"


_ANCHOR_LINK = re.compile(r"\]\(plugin-hooks\.md#([^)]+)\)")


def _github_slug(heading: str) -> str:
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def test_links_into_the_hook_reference_resolve() -> None:
    hooks_page = (ROOT / "docs" / "plugin-hooks.md").read_text(encoding="utf-8")
    slugs = {_github_slug(line[3:]) for line in hooks_page.splitlines() if line.startswith("## ")}
    anchors = _ANCHOR_LINK.findall(GUIDE.read_text(encoding="utf-8"))
    assert anchors
    assert [a for a in anchors if a not in slugs] == []


def test_the_guide_links_the_reference_and_every_example_plugin() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    assert "(plugin-hooks.md)" in text
    for folder in sorted(p.name for p in (ROOT / "plugins").iterdir() if p.is_dir()):
        assert f"(../plugins/{folder}/README.md)" in text, folder
    names = ["DSAUDIT_DISABLE_PLUGIN_AUTOLOAD", "DSAUDIT_DISABLED_PLUGINS", "DSAUDIT_TRACE_PLUGINS"]
    for name in [*names, "DSAUDIT_PLUGIN_API", "PLUGIN_API_VERSION", "--plugin-dir", "-p no:NAME"]:
        assert name in text, name
