"""Epilogs of ``--help``: examples and the exit codes (docs/cli.md, "Exit codes").

Click rewraps help paragraphs; a paragraph that starts with ``\\b`` is printed as written.
"""

from __future__ import annotations

EXIT_CODES = """\b
Exit codes:
  0    complete; nothing fails at or above --fail-on
  1    complete; a result fails at or above --fail-on
  2    incomplete or not done as asked (bad arguments, invalid config, error results)
  3    internal error (a bug in dsaudit)
  130  interrupted (SIGINT/SIGTERM)
  141  standard output closed by its reader"""

MAIN_EPILOG = f"""\b
Examples:
  dsaudit init .
  dsaudit audit .
  dsaudit audit . --fail-on medium --format sarif -o dsaudit.sarif
  dsaudit config show .
  dsaudit rules list --law PIPL

{EXIT_CODES}

Docs: docs/cli.md, docs/ci.md."""

AUDIT_EPILOG = f"""\b
Examples:
  dsaudit audit .
  dsaudit audit . --fail-on never --format json -o result.json
  dsaudit audit . --baseline .dsaudit/baseline.json --format sarif -o dsaudit.sarif -q
  dsaudit audit . --format junit=junit.xml --format html=report.html

{EXIT_CODES}"""

BASELINE_CREATE_EPILOG = """\b
Examples:
  dsaudit baseline create . -o .dsaudit/baseline.json
  dsaudit audit . --baseline .dsaudit/baseline.json

\b
Exit codes:
  0    the baseline was written
  2    not done as asked (bad arguments, invalid config), or the audit has error
       results (the file is still written; --no-fail-on-error accepts that)
  3    internal error (a bug in dsaudit)
  130  interrupted (SIGINT/SIGTERM)
  141  standard output closed by its reader"""

CONFIG_SHOW_EPILOG = """\b
Examples:
  dsaudit config show .
  dsaudit config show . --fail-on never --json

\b
Exit codes:
  0    shown
  2    not done as asked (bad arguments, an invalid or refused config)
  3    internal error (a bug in dsaudit)"""
