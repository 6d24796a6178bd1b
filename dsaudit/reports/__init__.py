"""Built-in reporter plugins: one module per format, all registered through the same hook.

A reporter is an object with a unique ``name`` (the ``--format`` value), a default file
``extension``, a one-line ``description`` and ``render(audit, options) -> str``. After each
``render`` the built-in reporters leave warnings meant for the user (a SARIF run capped at code
scanning's limits, a truncated Markdown comment) in ``last_warnings``.

The terminal reporter lives in :mod:`dsaudit.reports.console` and registers itself.
"""

from __future__ import annotations

from dsaudit.reports.csv_report import REPORTER as CSV
from dsaudit.reports.defectdojo import REPORTER as DEFECTDOJO
from dsaudit.reports.html import REPORTER as HTML
from dsaudit.reports.json_report import REPORTER as JSON
from dsaudit.reports.junit import REPORTER as JUNIT
from dsaudit.reports.markdown import REPORTER as MARKDOWN
from dsaudit.reports.oscal import REPORTER as OSCAL
from dsaudit.reports.sarif import REPORTER as SARIF

BUILTIN_REPORTERS = (JSON, SARIF, JUNIT, MARKDOWN, CSV, HTML, DEFECTDOJO, OSCAL)
"""The file formats dsaudit ships, in the order ``--help`` lists them."""

__all__ = ["BUILTIN_REPORTERS"]
