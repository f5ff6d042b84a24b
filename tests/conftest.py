"""Shared test configuration: hypothesis profiles.

Choose a profile with the environment variable ``HYPOTHESIS_PROFILE``:

- ``dev`` (the default): a moderate number of examples, no per-example deadline (the
  machine is shared, so timings vary), so the suite stays fast;
- ``ci`` (the default when ``CI`` is set): the same, but derandomized and without the
  example database, so a CI run is reproducible;
- ``thorough``: many more examples, for hunting bugs before a release.
"""

from __future__ import annotations

import os

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
