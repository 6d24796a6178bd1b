"""Evidence masking, kept for plugins that import it: the rules are in :mod:`.redact`.

:func:`mask_text` is :func:`dsaudit.redaction.redact.redact_text`; :func:`mask_value` is
:func:`~.redact.redact_value` shown as text (``13800138078`` becomes ``13*******78``, a
value under a password-like key ``****``, containers JSON); :func:`mask_evidence` masks evidence
paths and values. Reporters do not call these: they render :func:`~.redact.redact_audit`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dsaudit.core.models import Evidence
from dsaudit.redaction.redact import (
    FULL_MASK,
    MAX_PLAIN_LENGTH,
    evidence_text,
    redact_evidence,
    redact_text,
)
from dsaudit.redaction.textmasks import mask_pi, mask_secrets

__all__ = ["FULL_MASK", "MAX_PLAIN_LENGTH", "mask_evidence", "mask_text", "mask_value"]

mask_text = redact_text


def _mask_patterns(text: str) -> str:
    """What :func:`mask_text` does without its cheap pre-checks (for tests of them)."""
    return mask_pi(mask_secrets(text))


def mask_value(path: str, value: Any) -> str:
    """``value`` found at ``path`` as masked display text (:func:`~.redact.evidence_text`)."""
    return evidence_text(path, value)


def mask_evidence(evidence: Iterable[Evidence]) -> tuple[Evidence, ...]:
    """Evidence with paths and values masked (idempotent)."""
    return redact_evidence(evidence)
