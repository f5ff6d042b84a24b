"""The machinery shared by every exercise: results, hints, attempts and ``check()``.

An exercise's checker is a function ``(student, ctx) -> None`` registered with
:func:`exercise`. It runs the student's code through ``ctx.call`` (which never raises and
never hangs), records one :class:`CaseResult` per test case with ``ctx.case(...)`` and, when
it recognises a mistake, a :class:`Diagnosis` with ``ctx.diagnose(...)``. :func:`check` turns
that into a :class:`CheckResult`, counts the attempt and prints the feedback.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from micrograd.exercises.sandbox import Outcome, call, describe_exception

__all__ = [
    "CaseResult",
    "CheckResult",
    "Context",
    "Diagnosis",
    "EXERCISES",
    "attempts",
    "check",
    "exercise",
    "reset_attempts",
]

PASSED, FAILED, NOT_IMPLEMENTED, ERROR, TIMEOUT = (
    "passed",
    "failed",
    "not implemented",
    "error",
    "timeout",
)


@dataclass(frozen=True)
class Diagnosis:
    """A recognised mistake: what it is (``kind``), what happened, and hints from gentle to strong.

    ``kind`` is a stable identifier a grader or a test can rely on,
    e.g. ``"assign-not-accumulate"``.
    """

    kind: str
    message: str
    hints: tuple[str, ...] = ()


@dataclass
class CaseResult:
    """One test case: its inputs, whether it passed, and what was received and expected."""

    name: str
    inputs: dict[str, Any] = field(default_factory=dict)
    passed: bool = False
    received: Any = None
    expected: Any = None
    problem: str = ""  # one line on what went wrong, empty if passed


@dataclass
class CheckResult:
    """What ``check()`` found, for students (``print(result)``) and for graders.

    ``status`` is one of "passed", "failed", "not implemented", "error", "timeout".
    ``score`` is the fraction of cases that passed (0.0 when nothing could run).
    """

    exercise: str
    status: str
    cases: list[CaseResult] = field(default_factory=list)
    diagnoses: list[Diagnosis] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    attempt: int = 0
    _printed: bool = field(default=False, repr=False, compare=False)

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    @property
    def score(self) -> float:
        if self.status in (NOT_IMPLEMENTED, TIMEOUT) or not self.cases:
            return 1.0 if self.status == PASSED else 0.0
        return sum(c.passed for c in self.cases) / len(self.cases)

    @property
    def not_implemented(self) -> bool:
        return self.status == NOT_IMPLEMENTED

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return "\n".join(self.messages)

    def _ipython_display_(self) -> None:
        # In a notebook, check() has printed the feedback already: do not show it twice.
        if not self._printed:
            print(self)

    def __repr__(self) -> str:
        return (
            f"CheckResult({self.exercise!r}, status={self.status!r}, "
            f"score={self.score:.2f}, cases={len(self.cases)})"
        )


class Stop(Exception):
    """Raised inside a checker to end the check early with a status."""

    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Context:
    """What a checker gets besides the student's code: a seeded RNG, a time limit, and a record."""

    name: str
    timeout: float = 2.0
    seed: int = 0
    cases: list[CaseResult] = field(default_factory=list)
    diagnoses: list[Diagnosis] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self._diagnosed: set[str] = set()

    def call(self, fn: Callable[..., Any], *args: Any, what: str = "", **kwargs: Any) -> Outcome:
        """Run student code. Ends the whole check on NotImplementedError or a time-out.

        Any other exception is returned in the outcome for the checker to report per case.
        """
        if not callable(fn):
            raise Stop(ERROR, f"{what or 'your code'} is not callable: got {type(fn).__name__}.")
        outcome = call(fn, *args, timeout=self.timeout, **kwargs)
        if outcome.not_implemented:
            raise Stop(
                NOT_IMPLEMENTED,
                f"{what or 'your code'} still raises NotImplementedError: fill in the part "
                "marked YOUR CODE HERE, then run this check again.",
            )
        if outcome.timed_out:
            raise Stop(
                TIMEOUT,
                f"{what or 'your code'} did not finish within {self.timeout:g} s: is there an "
                "infinite loop (a while loop whose condition never changes, a graph walk "
                "without a `visited` set)?",
            )
        return outcome

    def case(
        self,
        name: str,
        passed: bool,
        *,
        inputs: dict[str, Any] | None = None,
        received: Any = None,
        expected: Any = None,
        problem: str = "",
    ) -> CaseResult:
        result = CaseResult(name, dict(inputs or {}), bool(passed), received, expected, problem)
        self.cases.append(result)
        return result

    def error_case(self, name: str, outcome: Outcome, inputs: dict[str, Any] | None = None):
        """Record a case whose student call raised an exception."""
        return self.case(
            name, False, inputs=inputs, problem=f"raised {describe_exception(outcome.error)}"
        )

    def diagnose(self, kind: str, message: str, *hints: str, key: str = "") -> None:
        """Record a recognised mistake, once per ``key`` (default: once per kind)."""
        key = key or kind
        if key not in self._diagnosed:
            self._diagnosed.add(key)
            self.diagnoses.append(Diagnosis(kind, message, tuple(hints)))


@dataclass(frozen=True)
class Exercise:
    name: str
    title: str
    expects: str  # what the student passes in, for messages
    run: Callable[[Any, Context], None]
    timeout: float = 2.0


EXERCISES: dict[str, Exercise] = {}
_ATTEMPTS: dict[str, int] = {}


def exercise(name: str, title: str, expects: str, timeout: float = 2.0):
    """Register a checker function under ``name`` (decorator)."""

    def register(run: Callable[[Any, Context], None]):
        EXERCISES[name] = Exercise(name, title, expects, run, timeout)
        return run

    return register


def attempts(name: str) -> int:
    """How many times ``check(name, ...)`` has failed in this process (drives the hint ladder)."""
    return _ATTEMPTS.get(name, 0)


def reset_attempts(name: str | None = None) -> None:
    """Forget the failed attempts of one exercise (or of all), so hints start gentle again."""
    if name is None:
        _ATTEMPTS.clear()
    else:
        _ATTEMPTS.pop(name, None)


def close(a: float, b: float, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """``a`` and ``b`` agree to ``rtol`` (relative) or ``atol`` (absolute); NaN never does."""
    try:
        return math.isclose(float(a), float(b), rel_tol=rtol, abs_tol=atol)
    except (TypeError, ValueError, OverflowError):
        return False


def fmt(x: Any) -> str:
    """A number as a student reads it: 6 significant digits."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return repr(x)
    return f"{x:.6g}"


_MAX_CASES_SHOWN = 3


def _render(result: CheckResult, ex: Exercise, notes: list[str], stop_message: str) -> list[str]:
    n = len(result.cases)
    failed = [c for c in result.cases if not c.passed]
    if result.status == PASSED:
        lines = [f"✔ {ex.name}: all {n} cases pass. Well done!"]
        return lines + notes
    if result.status == NOT_IMPLEMENTED:
        return [f"… {ex.name}: not yet implemented: {stop_message}"]
    if result.status == TIMEOUT:
        lines = [f"✘ {ex.name}: time limit exceeded. {stop_message}"]
    elif result.status == ERROR and stop_message:
        lines = [f"✘ {ex.name}: {stop_message}"]
    else:
        lines = [f"✘ {ex.name}: {len(failed)} of {n} cases fail ({ex.title})."]
    for c in failed[:_MAX_CASES_SHOWN]:
        lines.append(f"  • {c.name}: {c.problem}")
    if len(failed) > _MAX_CASES_SHOWN:
        lines.append(f"  • ... and {len(failed) - _MAX_CASES_SHOWN} more failing cases.")
    level = max(1, result.attempt)
    for d in result.diagnoses:
        lines.append(f"  Diagnosis [{d.kind}]: {d.message}")
        for i, hint in enumerate(d.hints[:level]):
            label = "Hint" if i == 0 else "Stronger hint"
            lines.append(f"    {label}: {hint}")
    if result.diagnoses and any(len(d.hints) > level for d in result.diagnoses):
        lines.append(f"  (Run check('{ex.name}', ...) again after a change for a stronger hint.)")
    return lines + notes


def check(
    name: str,
    student: Any,
    *,
    timeout: float | None = None,
    seed: int = 0,
    quiet: bool = False,
) -> CheckResult:
    """Check a student's implementation for exercise ``name``; print and return the feedback.

    ``student`` is what the exercise asks for (a class, a function); see
    :data:`EXERCISES` or ``micrograd.exercises.list_exercises()``. Every call into it is
    time-limited (``timeout`` seconds per call) and any exception it raises becomes feedback.
    Returns a :class:`CheckResult` (``.passed``, ``.score``, ``.status``, ``.messages``,
    ``.cases``, ``.diagnoses``). With ``quiet=True`` nothing is printed.
    """
    if name not in EXERCISES:
        known = ", ".join(sorted(EXERCISES))
        raise ValueError(f"check(): unknown exercise {name!r}. Known exercises: {known}.")
    ex = EXERCISES[name]
    ctx = Context(name, timeout=ex.timeout if timeout is None else float(timeout), seed=seed)
    status, stop_message = PASSED, ""
    try:
        ex.run(student, ctx)
    except Stop as stop:
        status, stop_message = stop.status, stop.message
    if status == PASSED:
        if not ctx.cases:
            status, stop_message = ERROR, "the checker ran no cases."
        elif not all(c.passed for c in ctx.cases):
            errors = [c for c in ctx.cases if c.problem.startswith("raised")]
            status = ERROR if len(errors) == len(ctx.cases) else FAILED
    if status == ERROR and not stop_message and ctx.cases:
        stop_message = f"every case raised an exception ({ctx.cases[0].problem[7:]})."
    if status in (FAILED, ERROR, TIMEOUT):
        _ATTEMPTS[name] = _ATTEMPTS.get(name, 0) + 1
    result = CheckResult(name, status, ctx.cases, ctx.diagnoses, attempt=attempts(name))
    result.messages = _render(result, ex, ctx.notes, stop_message)
    if not quiet:
        print(result)
        result._printed = True
    return result
