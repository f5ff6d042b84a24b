"""Helpers shared by the exercise tests (test_exercises*.py)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The grading command line, as a teacher runs it: append the submissions and options.
GRADE = [sys.executable, "-m", "micrograd", "exercises", "grade"]


def assert_committed_as_built(written: list[Path], built: Path, committed: Path, command: str):
    """Each notebook the build ``written`` into ``built`` is committed, the same, in ``committed``.

    ``command`` is the one that writes them again, named in the failure message.
    """
    for path in written:
        target = committed / path.relative_to(built)
        assert target.exists(), f"{target} missing: run `{command}`"
        assert target.read_text() == path.read_text(), (
            f"{target.relative_to(ROOT)} differs from what the build writes: run `{command}`"
        )
