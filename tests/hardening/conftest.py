"""Hardening tests: attacks and faults tried against the real pages, forms and actions.

Hypothesis runs a fixed, derandomized set of examples in CI (the same every run), and a
random one elsewhere, both small enough to take seconds. It keeps no example database.
"""

import os

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("ci", max_examples=50, derandomize=True, **_COMMON)
settings.register_profile("dev", max_examples=50, **_COMMON)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))
