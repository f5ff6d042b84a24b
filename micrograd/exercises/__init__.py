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

from collections.abc import Callable
from typing import Any

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


def _checker(name: str) -> Callable[..., CheckResult]:
    def check_one(student: Any, **options: Any) -> CheckResult:
        return check(name, student, **options)

    check_one.__name__ = check_one.__qualname__ = f"check_{name}"
    check_one.__doc__ = (
        f"``check({name!r}, student, **options)``: {EXERCISES[name].title}; "
        f"pass {EXERCISES[name].expects}."
    )
    return check_one


# check_mul(Value), check_backward(backward), ...: one function per exercise, same options.
check_mul = _checker("mul")
check_div = _checker("div")
check_pow = _checker("pow")
check_exp = _checker("exp")
check_tanh = _checker("tanh")
check_log = _checker("log")
check_ops = _checker("ops")
check_topological_sort = _checker("topological_sort")
check_backward = _checker("backward")
check_numerical_grad = _checker("numerical_grad")
check_gradient_check = _checker("gradient_check")
check_neuron = _checker("neuron")
check_layer = _checker("layer")
check_mlp = _checker("mlp")
check_sgd = _checker("sgd")
check_momentum = _checker("momentum")
check_adam = _checker("adam")
check_hinge_loss = _checker("hinge_loss")
check_train_step = _checker("train_step")
check_train = _checker("train")
check_grad_W_by_hand = _checker("grad_W_by_hand")
check_grad_W_with_engine = _checker("grad_W_with_engine")

__all__ = [
    "EXERCISES",
    "CaseResult",
    "CheckResult",
    "Diagnosis",
    "attempts",
    "check",
    "list_exercises",
    "reset_attempts",
    *(f"check_{name}" for name in EXERCISES),
]
