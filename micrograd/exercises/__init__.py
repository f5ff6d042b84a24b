"""Classroom exercises with automatic, diagnosing checks.

In a notebook, after writing the part marked ``# YOUR CODE HERE``::

    from micrograd.exercises import check
    check("mul", Value)          # prints what is wrong, where, with which numbers

``check(name, student)`` runs the student's code on many cases (random ones plus the tricky
ones: reused nodes, negative inputs, zero), compares it with micrograd's own engine and
central finite differences, and says precisely what is wrong. The feedback is in English, or
in Chinese with ``check(..., lang="zh")`` or ``MICROGRAD_LANG=zh`` (gettext catalogs, see
:mod:`micrograd.i18n`); the zh notebooks (``micrograd exercises build --lang zh``) set it.
``list_exercises()`` names the checks. For grading a class, use ``micrograd exercises grade`` (see
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
from micrograd.i18n import _


def list_exercises(lang: str | None = None) -> dict[str, str]:
    """Exercise name -> what ``check(name, ...)`` expects and checks (in ``lang``)."""
    template = _("{title} (pass {expects})", lang=lang)
    return {
        name: template.format(title=_(ex.title, lang=lang), expects=_(ex.expects, lang=lang))
        for name, ex in EXERCISES.items()
    }


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
