"""Hypothesis profiles for the fuzz tests: ``ci`` (default) and ``nightly``.

Choose with ``HYPOTHESIS_PROFILE=nightly pytest tests/test_fuzz.py``. The profiles are applied
with the :data:`FUZZ` decorator, so they change only the tests that ask for them.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "derandomize": False,
}
settings.register_profile("ci", max_examples=300, **_COMMON)
settings.register_profile("nightly", max_examples=4000, **_COMMON)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in ("ci", "nightly"):
    PROFILE = "ci"
FUZZ = settings(settings.get_profile(PROFILE))
"""Decorator: the example budget of the chosen profile (a few hundred in CI, thousands nightly)."""
