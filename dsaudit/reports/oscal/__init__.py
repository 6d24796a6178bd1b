"""The ``oscal`` reporter: an OSCAL 1.0.6 Assessment Results document (docs/oscal.md).

One OSCAL *result* holds the run:

* an **observation** per rule result (failures, waived and suppressed failures, passes, manual
  evidence, tool errors; not-applicable results are left out), its evidence as
  ``relevant-evidence``; manual evidence is observed with method ``EXAMINE``, the rest ``TEST``;
* a **finding** per provision (law + article) the run's results cite, targeting the provision's
  statement ``{control-id}_smt`` in the provisions catalog (``pipl-art-51_smt``): not-satisfied
  when a result failed (waived and suppressed failures included), satisfied when every result
  passed with parameters no looser than the law; provisions with only manual, not-assured or
  error results get no finding (nothing was determined) and are named in the result's remarks;
* a **risk** per failing, waived or suppressed result, characterized by the rule's severity;
  a waived one is ``deviation-approved`` with a remediation response carrying the waiver's
  approver and expiry, a suppressed one ``deviation-requested``, a failing one ``open``.

The provisions of ``dsaudit/data/provisions.yaml`` (plus any cited provision missing from it)
are an OSCAL catalog (:func:`provisions_catalog`), embedded base64-encoded as a back-matter
resource; ``import-ap`` points at another back-matter resource that describes the plan (the
packs run, with their SHA-256). Every UUID is a version-5 UUID of the run's metadata and a
fingerprint, never random, so the same audit renders byte-identically.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dsaudit.core.models import AuditResult
from dsaudit.redaction.redact import redact_audit
from dsaudit.reports.jsontext import dumps_layered
from dsaudit.reports.oscal.builder import Builder
from dsaudit.reports.oscal.catalog import control_id, provisions_catalog, statement_id
from dsaudit.reports.oscal.common import _ONE_LINE, CATALOG_MEDIA_TYPE, NS, OSCAL_VERSION

__all__ = [
    "CATALOG_MEDIA_TYPE",
    "NS",
    "OSCAL_VERSION",
    "OscalReporter",
    "assessment_results",
    "control_id",
    "provisions_catalog",
    "statement_id",
]


class OscalReporter:
    """Render an audit as OSCAL Assessment Results."""

    name = "oscal"
    extension = ".json"
    description = "OSCAL 1.0.6 Assessment Results for auditors (docs/oscal.md)"

    def __init__(self) -> None:
        self.last_warnings: tuple[str, ...] = ()

    def render(self, audit: AuditResult, options: Mapping[str, Any]) -> str:
        """Return the Assessment Results as indented JSON with sorted keys."""
        self.last_warnings = ()
        document = assessment_results(audit)
        return dumps_layered(document, depth=4, one_line_items=_ONE_LINE)


def assessment_results(audit: AuditResult) -> dict[str, Any]:
    """The OSCAL Assessment Results document of an audit (redacted first)."""
    audit = redact_audit(audit)
    return Builder(audit).document()


REPORTER = OscalReporter()
