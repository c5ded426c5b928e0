"""Shared fixtures and settings for the tests that need no browser (tests/e2e has its own)."""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

# Property tests: a quick profile by default, a long one for `make test`'s fuzzing run.
# derandomize: the same examples on every run (and in CI), so a failure is never a fluke.
_COMMON = {
    "deadline": timedelta(seconds=2),
    "suppress_health_check": [HealthCheck.too_slow],
    "derandomize": True,
}
settings.register_profile("quick", max_examples=15, **_COMMON)
settings.register_profile("fuzz", max_examples=150, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))
