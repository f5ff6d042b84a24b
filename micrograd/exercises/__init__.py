"""Classroom exercises with automatic, diagnosing checks.

>>> from micrograd.exercises import check
>>> from micrograd.exercises.scaffold import Value
>>> result = check("mul", Value)
✔ mul: all 15 cases pass. Well done!
>>> result.passed, result.score
(True, 1.0)

``check(name, student)`` runs the student's code on many cases (seeded random ones plus the
tricky ones: reused nodes, negative inputs, zero), compares it with micrograd's own engine,
``nn``, ``optim`` and central finite differences, and says precisely what is wrong. See
``list_exercises()`` for the names.
"""

from micrograd.exercises import (  # noqa: F401 - importing registers the checks
    check_graph,
    check_nn,
    check_numerical,
    check_ops,
    check_optim,
    check_shapes,
    check_training,
)
from micrograd.exercises.core import (
    EXERCISES,
    CaseResult,
    CheckResult,
    Diagnosis,
    attempts,
    check,
    reset_attempts,
)

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


def list_exercises() -> dict[str, str]:
    """Exercise name -> what ``check(name, ...)`` expects and checks."""
    return {name: f"{ex.title} (pass {ex.expects})" for name, ex in EXERCISES.items()}
