"""Development sessions: ``pip install nox`` then ``nox -l`` to list them, ``nox -s NAME`` to run.

The CI contract is still the README's test command (run by ``.ci/run``); these sessions are
the same checks split up for day-to-day work, plus the dependency-range and bench smoke runs.
"""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "types"]
PYTHON = "3.11"


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The whole test suite (pass ``-- -m 'not slow'`` to skip the slow tests)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def tests_fast(session: nox.Session) -> None:
    """The suite without the tests marked slow (wheel builds, fresh venvs, browsers, samples)."""
    session.install("-e", ".[test]")
    session.run("pytest", "-m", "not slow", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff: lint and format check."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
def types(session: nox.Session) -> None:
    """mypy, strict, on the dsaudit package (configured in pyproject.toml)."""
    session.install("-e", ".[test]")
    session.run("mypy")


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """The examples in the docs: the first-plugin guide, the example plugins, the samples."""
    session.install("-e", ".[test]")
    session.run("pytest", "tests/plugin/test_first_plugin_guide.py",
                "tests/plugin/test_example_plugins.py", "tests/test_sample_acme.py",
                "tests/test_sample_hospital.py", "tests/test_sample_consumer_app.py",
                *session.posargs)  # fmt: skip


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """A smoke run of the benchmark (small sizes; figures are not comparable)."""
    session.install("-e", ".")
    session.run("python", "bench/suite.py", "--quick", "--only", "startup,k8s", *session.posargs)


@nox.session(python=PYTHON)
@nox.parametrize("pyyaml", ["6.0", "6.0.4"])
def deps(session: nox.Session, pyyaml: str) -> None:
    """The YAML guards with the oldest and newest supported PyYAML."""
    session.install("-e", ".[test]", f"pyyaml=={pyyaml}")
    session.run("pytest", "tests/sources/parsers/test_yaml_safety.py", "tests/test_hostile.py")
