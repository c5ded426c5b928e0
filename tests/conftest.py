"""Shared fixtures and settings for the tests that need no browser (tests/e2e has its own)."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from helpers import SAMPLE, SHIPPED, STANDING_ROWS, table
from hypothesis import HealthCheck, settings

from timeline.filters import prepare
from timeline.io import read_events

# Property tests: a quick profile by default, a long one for `make test`'s fuzzing run.
# derandomize: the same examples on every run (and in CI), so a failure is never a fluke.
# No deadline: what these tests check is the readers' results, not their speed (speed lives in
# the benchmark), and a loaded machine made a 2-second deadline fail now and then.
_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
    "derandomize": True,
}
settings.register_profile("quick", max_examples=15, **_COMMON)
settings.register_profile("fuzz", max_examples=150, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


@pytest.fixture(scope="session")
def sample() -> pd.DataFrame:
    """tests/data/sample.csv as the loader returns it (15 events). Shared: do not change it."""
    return read_events(SAMPLE)


@pytest.fixture(scope="session")
def prepared(sample: pd.DataFrame) -> pd.DataFrame:
    """The sample prepared for filtering (filters.prepare). Shared: do not change it."""
    return prepare(sample)


@pytest.fixture(scope="session")
def hand() -> pd.DataFrame:
    """helpers.STANDING_ROWS as the loader returns them. Shared: do not change it."""
    return table(*STANDING_ROWS)


@pytest.fixture(scope="session")
def events() -> pd.DataFrame:
    """data/events.csv as the loader returns it. Shared: do not change it."""
    return read_events(SHIPPED)
