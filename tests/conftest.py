"""Shared test configuration: hypothesis profiles.

Choose a profile with the environment variable ``HYPOTHESIS_PROFILE``:

- ``dev`` (the default): a moderate number of examples, no per-example deadline (the
  machine is shared, so timings vary), so the suite stays fast;
- ``ci`` (the default when ``CI`` is set): the same, but derandomized and without the
  example database, so a CI run is reproducible;
- ``thorough``: many more examples, for hunting bugs before a release.
"""

from __future__ import annotations

import gc
import os

import pytest
from hypothesis import HealthCheck, settings

_common = {
    "deadline": None,
    "print_blob": True,
    # cases() filters inputs to the ops' safe domains; that is slow to generate by design.
    "suppress_health_check": [HealthCheck.too_slow],
}

settings.register_profile("dev", max_examples=50, **_common)
settings.register_profile("ci", max_examples=50, derandomize=True, database=None, **_common)
settings.register_profile("thorough", max_examples=1000, **_common)

settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


# A time limit for each engine test that has none of its own: if an engine change makes a
# graph walk blow up (e.g. forgetting the visited set on a graph of stacked diamonds), the
# test fails after two minutes instead of eating the shared machine's memory.
ENGINE_TEST_FILES = {
    "test_engine.py",
    "test_engine_properties.py",
    "test_engine_regressions.py",
    "test_engine_strategies.py",
    "test_errors.py",
    "test_higher_order.py",
    "test_numerical.py",
    "test_torch_oracle.py",
}


def pytest_collection_modifyitems(config, items):
    if not config.pluginmanager.hasplugin("timeout"):
        return
    for item in items:
        if item.path.name in ENGINE_TEST_FILES and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(120))


@pytest.fixture
def gc_enabled():
    """The garbage collector on for the test, as it was afterwards (for the tests of the
    pauses that backward and fit make in it)."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:  # pragma: no cover - pytest runs with the collector on
        gc.disable()


@pytest.fixture
def fresh_attempts():
    """Each test of the exercises starts and ends with no attempts counted (the checks
    count a student's tries per exercise, in the process)."""
    from micrograd.exercises import reset_attempts

    reset_attempts()
    yield
    reset_attempts()
