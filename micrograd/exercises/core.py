"""The machinery shared by every exercise: results, diagnoses, and ``check()``.

An exercise is checked in three steps, so that the verdict never depends on the process
that ran the student's code:

1. ``inputs(rng)`` draws the test cases as plain data (numbers, lists, strings);
2. ``observe(student, inputs, probe)`` runs the student's code on them and yields one plain
   record per case (numbers, lists, a description of a graph). Every call into student
   code goes through ``probe.call``, which never raises and never hangs;
3. ``judge(inputs, records, ctx)`` compares the records with micrograd's own answers and
   names the mistakes, in ``ctx.case(...)`` and ``ctx.diagnose(...)``.

In a notebook, :func:`check` runs the three in the student's kernel and prints the feedback
(learning mode). ``micrograd exercises grade`` runs step 2 in a fresh subprocess per
submission and steps 1 and 3 in the grading process (:mod:`micrograd.exercises.grading`).
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from micrograd.exercises.sandbox import Probe, Stop
from micrograd.i18n import N_, _, override

__all__ = [
    "CaseResult",
    "CheckResult",
    "Context",
    "Diagnosis",
    "EXERCISES",
    "Exercise",
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
STATUSES = (PASSED, FAILED, NOT_IMPLEMENTED, ERROR, TIMEOUT)
# How a status reads in a message (the status itself is an identifier: the grades' CSV).
STATUS_TEXT = {
    PASSED: N_("passed"),
    FAILED: N_("failed"),
    NOT_IMPLEMENTED: N_("not implemented"),
    ERROR: N_("error"),
    TIMEOUT: N_("timeout"),
}


@dataclass(frozen=True)
class Diagnosis:
    """A recognised mistake: what it is (``kind``), what happened, and hints.

    ``kind`` is a stable identifier a grader or a test can rely on, e.g.
    ``"assign-not-accumulate"``. ``hints`` ask questions and point at the place; they never
    give the code that fixes it. ``rule`` states the right rule and is shown only when the
    teacher turns that on (``MICROGRAD_EXERCISES_REVEAL=1``).
    """

    kind: str
    message: str
    hints: tuple[str, ...] = ()
    rule: str = ""


@dataclass
class CaseResult:
    """One test case: its inputs, whether it passed, and what was received and expected."""

    name: str
    inputs: dict[str, Any] = field(default_factory=dict)
    passed: bool = False
    received: Any = None
    expected: Any = None
    problem: str = ""  # one line on what went wrong, empty if passed
    raised: bool = False  # the student's code raised an exception in this case


@dataclass
class CheckResult:
    """What ``check()`` found, for students (``print(result)``) and for graders.

    ``status`` is one of "passed", "failed", "not implemented", "error", "timeout".
    ``score`` is the fraction of cases that passed (0.0 when nothing could run, when the
    code is not written yet, or when it ran out of time): the partial credit of the check.
    """

    exercise: str
    status: str
    cases: list[CaseResult] = field(default_factory=list)
    diagnoses: list[Diagnosis] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    attempt: int = 0
    # For the feedback (see render): what the judge noted, why the check stopped early, and
    # what the student's code printed.
    _notes: list[str] = field(default_factory=list, repr=False, compare=False)
    _stop_message: str = field(default="", repr=False, compare=False)
    _output: str = field(default="", repr=False, compare=False)
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


@dataclass
class Context:
    """What a judge writes to: the cases, the diagnoses, notes, and the earlier parts' results."""

    name: str
    earlier: dict[str, CheckResult] = field(default_factory=dict)
    cases: list[CaseResult] = field(default_factory=list)
    diagnoses: list[Diagnosis] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._diagnosed: set[str] = set()

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
        # A text marked with N_() in a table (a case's name, a mistake's message) is
        # translated here; a text translated already passes through gettext unchanged.
        result = CaseResult(
            _(name),
            dict(inputs or {}),
            bool(passed),
            received,
            expected,
            _(problem) if problem else "",
        )
        self.cases.append(result)
        return result

    def compare(
        self,
        name: str,
        problems: list[str],
        *,
        inputs: dict[str, Any] | None = None,
        received: Any = None,
        expected: Any = None,
    ) -> CaseResult:
        """Record a case that passes when ``problems`` is empty, else fails naming them all."""
        return self.case(
            name,
            not problems,
            inputs=inputs,
            received=received,
            expected=expected,
            problem=_("; ").join(problems),
        )

    def error_case(self, name: str, error: str, inputs: dict[str, Any] | None = None):
        """Record a case whose student call raised an exception (``error`` describes it)."""
        result = self.case(
            name, False, inputs=inputs, problem=_("raised {error}").format(error=error)
        )
        result.raised = True
        return result

    def fail(
        self,
        name: str,
        kind: str,
        message: str,
        *hints: str,
        problem: str,
        inputs: dict[str, Any] | None = None,
        rule: str = "",
        key: str = "",
    ) -> None:
        """Record a failed case and the mistake it shows: :meth:`case` then :meth:`diagnose`."""
        self.case(name, False, inputs=inputs, problem=problem)
        self.diagnose(kind, message, *hints, rule=rule, key=key)

    def first_mistake(
        self, where: str, mistakes: dict[str, tuple[str, ...]], found: Iterable[str]
    ) -> None:
        """Diagnose the first kind in ``found`` as "{where}: {message}", with the message and
        hints ``mistakes`` gives it.

        ``found`` is lazy: the judge's usual mistakes, in the order of trying, that reproduce
        what the student's code gave (each judge simulates its own).
        """
        kind = next(iter(found), None)
        if kind is not None:
            message, *hints = mistakes[kind]
            self.diagnose(
                kind, _("{where}: {message}").format(where=where, message=_(message)), *hints
            )

    def diagnose(self, kind: str, message: str, *hints: str, rule: str = "", key: str = "") -> None:
        """Record a recognised mistake, once per ``key`` (default: once per kind).

        ``message``, ``hints`` and ``rule`` may be marked with N_() in a table: they are
        translated here (into the language of the check, see :func:`check`).
        """
        key = key or kind
        if key not in self._diagnosed:
            self._diagnosed.add(key)
            translated = tuple(_(h) for h in hints)
            self.diagnoses.append(Diagnosis(kind, _(message), translated, _(rule) if rule else ""))


Records = Iterator[Any]


@dataclass(frozen=True)
class Exercise:
    """One check: where the student's answer lives, and its three steps (see the module doc)."""

    name: str
    title: str
    expects: str  # what the student passes in, for messages
    variable: str  # the name the student's answer has in the notebook
    inputs: Callable[[random.Random], Any]
    observe: Callable[[Any, Any, Probe], Records]
    judge: Callable[[Any, list, Context], None]
    timeout: float = 2.0  # seconds per call into the student's code
    forbidden: tuple[str, ...] = ()  # library functions that would solve it (unavailable)
    uses: tuple[str, ...] = ()  # earlier checks whose answers this one's code calls


EXERCISES: dict[str, Exercise] = {}
_ATTEMPTS: dict[str, int] = {}
_LAST: dict[str, CheckResult] = {}  # the latest result of each check in this process


def exercise(
    name: str,
    title: str,
    expects: str,
    variable: str,
    *,
    inputs: Callable[[random.Random], Any],
    judge: Callable[[Any, list, Context], None],
    timeout: float = 2.0,
    forbidden: tuple[str, ...] = (),
    uses: tuple[str, ...] = (),
):
    """Register an exercise; decorates its ``observe`` generator."""

    def register(observe: Callable[[Any, Any, Probe], Records]):
        EXERCISES[name] = Exercise(
            name, title, expects, variable, inputs, observe, judge, timeout, forbidden, uses
        )
        return observe

    return register


def attempts(name: str) -> int:
    """How many times ``check(name, ...)`` has failed in this process."""
    return _ATTEMPTS.get(name, 0)


def reset_attempts(name: str | None = None) -> None:
    """Forget the failed attempts (and latest results) of one exercise, or of all."""
    if name is None:
        _ATTEMPTS.clear()
        _LAST.clear()
    else:
        _ATTEMPTS.pop(name, None)
        _LAST.pop(name, None)


def close(a: float, b: float, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """``a`` and ``b`` agree to ``rtol`` (relative) or ``atol`` (absolute); NaN never does."""
    try:
        return math.isclose(float(a), float(b), rel_tol=rtol, abs_tol=atol)
    except (TypeError, ValueError, OverflowError):
        return False


def all_close(got: Any, want: Any, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Two equally long sequences of numbers agree entry by entry."""
    try:
        return len(got) == len(want) and all(close(a, b, rtol, atol) for a, b in zip(got, want))
    except TypeError:
        return False


def fmt(x: Any) -> str:
    """A number as a student reads it: 6 significant digits."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return repr(x)
    return f"{x:.6g}"


def plain(data: Any) -> Any:
    """``data`` as it comes back from JSON: what crosses from the student's process."""
    return json.loads(json.dumps(data, default=repr))


def reveal_rules() -> bool:
    """Whether the teacher turned on showing the right rule (``MICROGRAD_EXERCISES_REVEAL=1``)."""
    return os.environ.get("MICROGRAD_EXERCISES_REVEAL", "") == "1"


# --------------------------------------------------------------------------------------
# Running the three steps
# --------------------------------------------------------------------------------------


@dataclass
class Observed:
    """What step 2 gave back: the records, and how it ended (a status and a message)."""

    records: list = field(default_factory=list)
    stop: tuple[str, str] | None = None
    output: str = ""  # what the student's code printed (capped)

    @classmethod
    def from_plain(cls, data: dict) -> Observed:
        stop = data.get("stop")
        return cls(
            list(data.get("records") or []),
            tuple(stop) if stop else None,
            str(data.get("output") or ""),
        )


def observe(ex: Exercise, student: Any, inputs: Any, timeout: float | None = None) -> Observed:
    """Step 2: run the student's code on ``inputs``; only plain data comes out."""
    probe = Probe(ex.timeout if timeout is None else timeout, ex.forbidden)
    result = Observed()
    try:
        for record in ex.observe(student, inputs, probe):
            result.records.append(plain(record))
    except Stop as stop:
        result.stop = (stop.status, stop.message)
    result.output = probe.output
    return result


def judge(
    ex: Exercise, inputs: Any, observed: Observed, earlier: dict[str, CheckResult] | None = None
) -> CheckResult:
    """Step 3: compare and diagnose; the status and score come from here only.

    The result comes with its feedback (``messages``) rendered, what the student's code printed
    included.
    """
    ctx = Context(ex.name, earlier=dict(earlier or {}))
    status, stop_message = PASSED, ""
    if observed.stop is not None:
        status, stop_message = observed.stop
        if status not in STATUSES:
            status = ERROR
    try:
        ex.judge(inputs, observed.records, ctx)
    except Stop as stop:
        if observed.stop is None:  # how the student's side ended comes first
            status, stop_message = stop.status, stop.message
    except Exception as error:  # records that do not have the expected form
        status, stop_message = (
            ERROR,
            _("the results could not be read ({error}).").format(error=repr(error)),
        )
    _library_used(ex, ctx)
    if status == PASSED:
        if not ctx.cases:
            status, stop_message = ERROR, _("the checker ran no cases.")
        elif not all(c.passed for c in ctx.cases):
            status = ERROR if all(c.raised for c in ctx.cases) else FAILED
    if status == ERROR and not stop_message and ctx.cases:
        stop_message = _("every case raised an exception ({problem}).").format(
            problem=ctx.cases[0].problem
        )
    if status in (FAILED, ERROR):
        _earlier_first(ex, ctx)
    result = CheckResult(
        ex.name,
        status,
        ctx.cases,
        ctx.diagnoses,
        _notes=ctx.notes,
        _stop_message=stop_message,
        _output=observed.output,
    )
    result.messages = render(result, ex)
    return result


def _library_used(ex: Exercise, ctx: Context) -> None:
    """A case that called a library function this exercise asks the student to write."""
    for c in ctx.cases:
        if "LibraryUnavailable" in c.problem:
            # the exception's text starts with the function's name: "(micrograd.optim.SGD ..."
            found = re.search(r"\((micrograd\.[\w.]+)", c.problem)
            name = found.group(1) if found else "micrograd"
            ctx.diagnose(
                "library-unavailable",
                _(
                    "{variable} calls {name}, micrograd's own version of what this exercise "
                    "asks you to write: it is unavailable while the check runs."
                ).format(variable=ex.variable, name=name),
                _("Write the computation yourself; the exercise's introduction says what it is."),
            )
            return


def _earlier_first(ex: Exercise, ctx: Context) -> None:
    """When a part this one calls is itself wrong, say so instead of guessing."""
    broken = [n for n in ex.uses if n in ctx.earlier and not ctx.earlier[n].passed]
    if not broken:
        return
    names = _(" and ").join(EXERCISES[n].variable for n in broken)
    statuses = ", ".join(f"{n}: {_(STATUS_TEXT[ctx.earlier[n].status])}" for n in broken)
    message = (
        _(
            "{variable} calls your {names}, which does not pass its own check yet "
            "({statuses}): fix that first, then run this check again."
        )
        if len(broken) == 1
        else _(
            "{variable} calls your {names}, which do not pass their own checks yet "
            "({statuses}): fix those first, then run this check again."
        )
    )
    ctx.diagnoses[:] = [
        Diagnosis(
            "fix-earlier-part",
            message.format(variable=ex.variable, names=names, statuses=statuses),
            (
                _("Run {call} and follow it.").format(
                    call=f"check({broken[0]!r}, {EXERCISES[broken[0]].variable})"
                ),
            ),
        )
    ]


_MAX_CASES_SHOWN = 3
_MAX_OUTPUT_SHOWN = 1500


_HEADERS = {  # the first line of the feedback, by status (str.format ignores unused names)
    PASSED: N_("✔ {name}: all {n} cases pass. Well done!"),
    NOT_IMPLEMENTED: N_("… {name}: not yet implemented: {message}"),
    TIMEOUT: N_("✘ {name}: time limit exceeded. {message}"),
}


def render(result: CheckResult, ex: Exercise) -> list[str]:
    """The feedback lines a student reads (in the language of the check, see :func:`check`)."""
    output, stop_message = result._output, result._stop_message
    notes = [_(note) for note in result._notes]
    n = len(result.cases)
    failed = [c for c in result.cases if not c.passed]
    if result.status in _HEADERS:
        header = _HEADERS[result.status]
    elif result.status == ERROR and stop_message:
        header = N_("✘ {name}: {message}")
    else:
        header = N_("✘ {name}: {failed} of {n} cases fail ({title}).")
    lines = [
        _(header).format(
            name=ex.name, n=n, failed=len(failed), message=stop_message, title=_(ex.title)
        )
    ]
    if result.status not in (PASSED, NOT_IMPLEMENTED):
        for c in failed[:_MAX_CASES_SHOWN]:
            lines.append("  • " + _("{name}: {problem}").format(name=c.name, problem=c.problem))
        if len(failed) > _MAX_CASES_SHOWN:
            more = len(failed) - _MAX_CASES_SHOWN
            lines.append("  • " + _("... and {more} more failing cases.").format(more=more))
        level = max(1, result.attempt)
        for d in result.diagnoses:
            lines.append(
                "  " + _("Diagnosis [{kind}]: {message}").format(kind=d.kind, message=d.message)
            )
            for i, hint in enumerate(d.hints[:level]):
                label = _("Hint: {hint}") if i == 0 else _("Another hint: {hint}")
                lines.append("    " + label.format(hint=hint))
            if d.rule and reveal_rules():
                lines.append("    " + _("The rule: {rule}").format(rule=d.rule))
        if any(len(d.hints) > level for d in result.diagnoses):
            lines.append(
                "  "
                + _("(Run check('{name}', ...) again after a change for another hint.)").format(
                    name=ex.name
                )
            )
    if result.status != NOT_IMPLEMENTED:
        lines += notes
    if output:
        shown = output[:_MAX_OUTPUT_SHOWN]
        lines.append("  " + _("Your code printed (during the check):"))
        lines += [f"  | {line}" for line in shown.splitlines()[:20]]
        if len(output) > len(shown) or len(shown.splitlines()) > 20:
            lines.append(
                "  | "
                + _("... ({total} characters in all, the rest not shown)").format(total=len(output))
            )
    return lines


def _earlier_results(ex: Exercise, student: Any) -> dict[str, CheckResult]:
    """The latest results of the parts ``ex`` uses; checks them now if they were not yet."""
    found = {}
    namespace = getattr(student, "__globals__", None)
    if namespace is None and isinstance(student, type):
        namespace = getattr(sys.modules.get(student.__module__), "__dict__", None)
    for name in ex.uses:
        earlier = EXERCISES[name]
        if namespace and earlier.variable in namespace:  # as the student's code is now
            found[name] = run_check(earlier, namespace[earlier.variable], seed=0)
        elif name in _LAST:
            found[name] = _LAST[name]
    return found


def run_check(
    ex: Exercise,
    student: Any,
    *,
    seed: int = 0,
    timeout: float | None = None,
    earlier: dict[str, CheckResult] | None = None,
) -> CheckResult:
    """All three steps in this process; returns the result without printing it."""
    inputs = plain(ex.inputs(random.Random(seed)))
    return judge(ex, inputs, observe(ex, student, inputs, timeout), earlier)


def check(
    name: str,
    student: Any,
    *,
    timeout: float | None = None,
    seed: int = 0,
    quiet: bool = False,
    lang: str | None = None,
) -> CheckResult:
    """Check a student's answer to exercise ``name``; print and return the feedback.

    ``student`` is what the exercise asks for (a class, a function); see
    ``micrograd.exercises.list_exercises()``. Every call into it is time-limited
    (``timeout`` seconds per call), its output is captured, and anything it raises becomes
    feedback. ``timeout`` and ``seed`` change only this practice run: grading
    (``micrograd exercises grade``) draws its own inputs and keeps its own limits. With
    ``quiet=True`` nothing is printed. Hints get more specific each time the same exercise
    fails again. The feedback is in ``lang`` (``"en"`` or ``"zh"``), else in the language
    of ``MICROGRAD_LANG``, else in English; error messages (``ValueError``) stay English.
    """
    if name not in EXERCISES:
        known = ", ".join(sorted(EXERCISES))
        raise ValueError(f"check(): unknown exercise {name!r}. Known exercises: {known}.")
    ex = EXERCISES[name]
    with override(lang):  # None: MICROGRAD_LANG, then English
        earlier = _earlier_results(ex, student)
        result = run_check(ex, student, seed=seed, timeout=timeout, earlier=earlier)
        if result.status in (FAILED, ERROR, TIMEOUT):
            _ATTEMPTS[name] = _ATTEMPTS.get(name, 0) + 1
            result.attempt = _ATTEMPTS[name]
            result.messages = render(result, ex)  # at this attempt's hint level
    _LAST[name] = result
    if not quiet:
        print(result)
        result._printed = True
    return result
