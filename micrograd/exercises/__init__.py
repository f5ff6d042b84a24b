"""Classroom exercises with automatic, diagnosing checks.

In a notebook, after writing the part marked ``# YOUR CODE HERE``::

    from micrograd.exercises import check
    check("mul", Value)          # prints what is wrong, where, with which numbers

``check(name, student)`` runs the student's code on many cases (random ones plus the tricky
ones: reused nodes, negative inputs, zero), compares it with micrograd's own engine and
central finite differences, and says precisely what is wrong. ``list_exercises()`` names
the checks. For grading a class, use ``micrograd exercises grade`` (see
:mod:`micrograd.exercises.grading` and the teachers' page): it runs each submission in a
subprocess of its own and computes every verdict outside it.

Nothing here contains a solution: the solution sources live in the repository
(``exercises/sources/``), not in the installed package.
"""

from micrograd.exercises import checks  # noqa: F401 - importing registers the checks
from micrograd.exercises.core import (
    EXERCISES,
    CaseResult,
    CheckResult,
    Diagnosis,
    attempts,
    check,
    reset_attempts,
)


def list_exercises() -> dict[str, str]:
    """Exercise name -> what ``check(name, ...)`` expects and checks."""
    return {name: f"{ex.title} (pass {ex.expects})" for name, ex in EXERCISES.items()}


__all__ = [
    "EXERCISES",
    "CaseResult",
    "CheckResult",
    "Diagnosis",
    "attempts",
    "check",
    "list_exercises",
    "reset_attempts",
]
