"""Exercise 3: a numerical derivative (central differences) and a gradient check.

``numerical_grad(f, inputs, eps=1e-6) -> list[float]``: ``f`` takes plain numbers
(``f(*inputs)``); the i-th entry is ``(f(.., x_i + eps, ..) - f(.., x_i - eps, ..)) / (2 eps)``.
The checker calls it with a large ``eps`` (1e-3), so that the one-sided formulas, which are
less accurate, give visibly different numbers, and compares with micrograd's own
``numerical_grad``.

``gradient_check(f, inputs, eps=1e-6, tol=1e-4) -> bool``: ``f`` takes Values; True when
``backward()`` agrees with the numerical derivatives. The checker gives it functions whose
gradients are right (some with large values, which need a *relative* tolerance) and
functions whose ``backward()`` is deliberately wrong (``x * x.detach()``: the engine does not
see the second factor), some by a little (1%).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import micrograd
from micrograd.exercises.core import Context, Stop, all_close, close, exercise, fmt
from micrograd.i18n import N_, _


@dataclass(frozen=True)
class Function:
    text: str
    fn: Callable[..., object]  # works on floats and on Values (micrograd's functions)
    inputs: int
    points: int  # how many random points it is checked at


FUNCTIONS = [
    Function("x**3", lambda x: x**3, inputs=1, points=3),
    Function("x*y + sin(x)", lambda x, y: x * y + micrograd.sin(x), inputs=2, points=2),
    Function(
        "exp(x)*y - z**2 / (1 + x**2)",
        lambda x, y, z: micrograd.exp(x) * y - z**2 / (1 + x**2),
        inputs=3,
        points=2,
    ),
    Function("tanh(x)", lambda x: micrograd.tanh(x), inputs=1, points=2),
    Function(
        "tanh(0.5*w1 - 1.2*w2 + b)",
        lambda w1, w2, b: micrograd.tanh(0.5 * w1 - 1.2 * w2 + b),
        inputs=3,
        points=1,
    ),
]
EPS = 1e-3


def _float_fn(fn: Callable[..., object], counter: list[int]) -> Callable[..., float]:
    """``fn`` on plain floats only (as the exercise promises), counting the calls."""

    def f(*xs):
        counter[0] += 1
        if not all(isinstance(x, (int, float)) for x in xs):
            raise TypeError(
                "f takes plain numbers here, got " + ", ".join(type(x).__name__ for x in xs)
            )
        return float(fn(*(float(x) for x in xs)))

    return f


def _variants(fn, xs: list[float], eps: float) -> dict[str, list[float]]:
    """What the usual mistakes compute (on floats)."""

    def at(i, dx):
        ys = list(xs)
        ys[i] += dx
        return float(fn(*ys))

    f0 = float(fn(*xs))
    n = len(xs)
    not_restored, ys = [], list(xs)
    for i in range(n):  # nudge in place and forget to put x_i back
        ys[i] += eps
        up = float(fn(*ys))
        ys[i] -= 2 * eps
        down = float(fn(*ys))
        not_restored.append((up - down) / (2 * eps))
    return {
        "forward-difference": [(at(i, eps) - f0) / eps for i in range(n)],
        "backward-difference": [(f0 - at(i, -eps)) / eps for i in range(n)],
        "central-without-2": [(at(i, eps) - at(i, -eps)) / eps for i in range(n)],
        "central-sign": [(at(i, -eps) - at(i, eps)) / (2 * eps) for i in range(n)],
        "not-restored": not_restored,
    }


RULE = N_("the central difference (f(.., x_i + eps, ..) - f(.., x_i - eps, ..)) / (2 * eps)")
MISTAKES = {
    "forward-difference": (
        N_(
            "a one-sided (forward) difference (f(x + eps) - f(x)) / eps: its error shrinks like "
            "eps, the central difference's like eps**2."
        ),
        N_("Which points does your difference use: on one side of x, or on both?"),
    ),
    "backward-difference": (
        N_(
            "a one-sided (backward) difference (f(x) - f(x - eps)) / eps: its error shrinks like "
            "eps, the central difference's like eps**2."
        ),
        N_("Is x - eps to x on one side only? How much more accurate is a symmetric difference?"),
    ),
    "central-without-2": (
        N_(
            "the central difference is divided by eps instead of 2 * eps, so every derivative "
            "comes out twice as large."
        ),
        N_("How far apart are x - eps and x + eps?"),
    ),
    "central-sign": (
        N_(
            "the central difference is taken the wrong way round, f(x - eps) - f(x + eps), so "
            "every derivative has the wrong sign."
        ),
        N_("A function that grows with x has a positive derivative: check with f(x) = x."),
    ),
    "not-restored": (
        N_(
            "the inputs are nudged in place and x_i is not put back before the next input is "
            "nudged, so the later derivatives are taken at the wrong point."
        ),
        N_(
            "Each derivative must be measured at the original point: is x_0 back where it was "
            "when you nudge x_1?"
        ),
    ),
}


FORBIDDEN = (
    "micrograd.numerical.numerical_grad",
    "micrograd.numerical.gradcheck",
    "micrograd.numerical.check_local_grads",
)


def _points(rng) -> list[dict]:
    def num():
        x = round(rng.uniform(-2.0, 2.0), 2)
        return x if abs(x) > 0.1 else 0.7

    cases = []
    for i, function in enumerate(FUNCTIONS):
        for _point in range(function.points):
            cases.append({"function": i, "point": [num() for _ in range(function.inputs)]})
    cases.append({"function": 0, "point": [0.0]})  # a zero input
    return cases


def _numbers(got, n: int):
    """The student's answer as a list of n floats, or None."""
    if isinstance(got, (int, float)) and not isinstance(got, bool) and n == 1:
        got = [got]
    if not isinstance(got, (list, tuple)) or len(got) != n:
        return None
    try:
        return [float(g) for g in got]
    except (TypeError, ValueError):
        return None


def _observe_numerical(student, inputs, probe):
    for case in inputs:
        calls = [0]
        f = _float_fn(FUNCTIONS[case["function"]].fn, calls)
        given = list(case["point"])
        outcome = probe.call(student, f, given, eps=EPS, what="numerical_grad")
        if not outcome.ok:
            yield {"error": outcome.described}
        elif given != case["point"]:
            yield {"changed": given}
        else:
            got = _numbers(outcome.value, len(given))
            if got is None:
                yield {"returned": f"{type(outcome.value).__name__} {outcome.value!r}"[:100]}
            else:
                yield {"grads": got, "calls": calls[0]}


def _judge_numerical(inputs, records, ctx: Context) -> None:
    observed = []
    for case, rec in zip(inputs, records):
        function, xs = FUNCTIONS[case["function"]], case["point"]
        name = _("d/dx of {text} at {join} (eps={EPS:g})").format(
            text=function.text, join=", ".join(fmt(x) for x in xs), EPS=EPS
        )
        given = {"function": function.text, "point": xs, "eps": EPS}
        if "error" in rec:
            ctx.error_case(name, rec["error"], given)
            continue
        if "changed" in rec:
            ctx.fail(
                name,
                "mutates-input",
                _(
                    "numerical_grad changes the list of inputs it is given (e.g. `inputs[i] += "
                    "eps` without putting it back); the caller's numbers must stay as they were."
                ),
                _("Which list do you nudge: the one you were given, or a copy?"),
                inputs=given,
                problem=_("inputs changed to {rec}").format(rec=rec["changed"]),
            )
            continue
        if "returned" in rec:
            ctx.fail(
                name,
                "wrong-return-type",
                _(
                    "numerical_grad must return a list with one derivative per input ({n_xs} "
                    "here), got {rec}."
                ).format(n_xs=len(xs), rec=rec["returned"]),
                _("How many numbers should come back, and in what container?"),
                inputs=given,
                problem=_("returned {returned}").format(returned=rec["returned"]),
            )
            continue
        expected = list(micrograd.numerical_grad(function.fn, xs, eps=EPS))
        got = rec["grads"]
        wrong = [
            _("d/d{x}: received {got}, expected {want}").format(
                x="xyz"[i] if len(xs) <= 3 else f"x{i}", got=fmt(g), want=fmt(e)
            )
            for i, (g, e) in enumerate(zip(got, expected))
            if not close(g, e)
        ]
        ctx.compare(
            name,
            wrong,
            inputs=given,
            received=got,
            expected=expected,
        )
        observed.append((function.fn, xs, got, expected))
    if not all(c.passed for c in ctx.cases) and observed:
        _diagnose_numerical(observed, ctx)


exercise(
    "numerical_grad",
    N_("a numerical derivative by central differences"),
    "numerical_grad",
    "numerical_grad",
    inputs=_points,
    judge=_judge_numerical,
    forbidden=FORBIDDEN,
)(_observe_numerical)


def _diagnose_numerical(observed, ctx: Context) -> None:
    for mistake, (message, *hints) in MISTAKES.items():
        if all(all_close(got, _variants(fn, xs, EPS)[mistake]) for fn, xs, got, _ in observed):
            ctx.diagnose(
                mistake,
                _("numerical_grad computes {message}").format(message=_(message)),
                *hints,
                rule=RULE,
            )
            return
    exact = [
        all(close(g, e, rtol=1e-4, atol=1e-6) for g, e in zip(got, expected))
        for _, _, got, expected in observed
    ]
    if all(exact):
        ctx.diagnose(
            "ignores-eps",
            _(
                "numerical_grad gives good derivatives but not the ones for the eps it was given "
                "(eps={EPS:g}): it seems to use an eps of its own."
            ).format(EPS=EPS),
            _("Where does your code use the `eps` argument?"),
        )


# --------------------------------------------------------------------------------------
# gradient_check
# --------------------------------------------------------------------------------------


WIDE = (-2.0, 2.0)


@dataclass(frozen=True)
class GradCase:
    text: str
    fn: Callable[..., object]  # on Values
    ranges: tuple[tuple[float, float], ...]  # where each input is drawn
    correct: bool  # is backward() right for this function?
    why: str = ""


def _half_seen(x):  # backward sees x * c with c = x frozen: d/dx = x instead of 2x
    return x * x.detach()


GRAD_CASES = [
    GradCase("x * y + tanh(x)", lambda x, y: x * y + x.tanh(), (WIDE, WIDE), True),
    GradCase("x**2 / y", lambda x, y: x**2 / y, (WIDE, (0.4, 2.0)), True),
    GradCase("log(x) * exp(y)", lambda x, y: x.log() * y.exp(), ((0.5, 3.0), (-1.0, 1.0)), True),
    GradCase(
        N_("1e4 * x**3 (derivative 3e6)"),
        lambda x: 1e4 * x**3,
        ((8.0, 12.0),),
        True,
        N_(
            "large values: the numerical estimate is off by ~1e-3 in absolute terms, which is "
            "tiny relative to 3e6"
        ),
    ),
    GradCase(N_("sum of squares"), lambda a, b, c: a * a + b * b + c * c, (WIDE,) * 3, True),
    GradCase(
        "x * x.detach()",
        _half_seen,
        (WIDE,),
        False,
        N_("backward() gives x, the true derivative is 2x"),
    ),
    GradCase(
        "x * y.detach() + y",
        lambda x, y: x * y.detach() + y,
        (WIDE, WIDE),
        False,
        N_("backward() misses x in d/dy"),
    ),
    GradCase(
        N_("x + 0.01 * x * x.detach() (off by 1%)"),
        lambda x: x + 0.01 * x * x.detach(),
        ((0.8, 1.5),),
        False,
        N_("backward() gives 1.01, the true derivative is 1.02: off by 1%"),
    ),
]


def _grad_points(rng) -> list[dict]:
    def num(lo, hi):
        x = round(rng.uniform(lo, hi), 2)
        return x if abs(x) > 0.3 else 0.8

    return [{"case": i, "point": [num(*r) for r in c.ranges]} for i, c in enumerate(GRAD_CASES)]


def _observe_gradient_check(student, inputs, probe):
    for case in inputs:
        given = list(case["point"])
        outcome = probe.call(student, GRAD_CASES[case["case"]].fn, given, what="gradient_check")
        if not outcome.ok:
            yield {"error": outcome.described}
        elif given != case["point"]:
            yield {"changed": given}
        elif not isinstance(outcome.value, bool):
            yield {"returned": f"{type(outcome.value).__name__} {outcome.value!r}"[:100]}
        else:
            yield {"answer": outcome.value}


def _judge_gradient_check(inputs, records, ctx: Context) -> None:
    answers = []
    for case, rec in zip(inputs, records):
        grad_case, point = GRAD_CASES[case["case"]], case["point"]
        kind = _("a correct gradient") if grad_case.correct else _("a wrong gradient")
        name = _("{text} at {join} ({kind})").format(
            text=_(grad_case.text), join=", ".join(fmt(x) for x in point), kind=kind
        )
        given = {"function": grad_case.text, "point": point, "backward_is_right": grad_case.correct}
        if "error" in rec:
            ctx.error_case(name, rec["error"], given)
        elif "changed" in rec:
            ctx.fail(
                name,
                "mutates-input",
                _("gradient_check changes the list of inputs it is given."),
                _("Which list do you change: the one you were given, or a copy?"),
                inputs=given,
                problem=_("inputs changed to {rec}").format(rec=rec["changed"]),
            )
        elif "returned" in rec:
            ctx.fail(
                name,
                "wrong-return-type",
                _("gradient_check must return True or False, got {rec}.").format(
                    rec=rec["returned"]
                ),
                _("What type does a comparison give?"),
                inputs=given,
                problem=_("returned {returned}").format(returned=rec["returned"]),
            )
        else:
            answer = rec["answer"]
            answers.append((grad_case, answer))
            problem = ""
            if answer != grad_case.correct:
                problem = _("returned {answer}, expected {want}").format(
                    answer=answer, want=grad_case.correct
                )
                if grad_case.why:
                    problem += f" ({_(grad_case.why)})"
            ctx.case(
                name,
                answer == grad_case.correct,
                inputs=given,
                received=answer,
                expected=grad_case.correct,
                problem=problem,
            )
    if not records:
        raise Stop("error", _("no case could be checked."))
    if not answers:
        return
    if all(c.passed for c in ctx.cases):
        return
    values = {a for _, a in answers}
    if values == {True}:
        ctx.diagnose(
            "always-true",
            _("gradient_check says True even when backward() is wrong."),
            _("Does your comparison ever fail? Try it on x * x.detach()."),
        )
    elif values == {False}:
        ctx.diagnose(
            "always-false",
            _("gradient_check says False even when backward() is right."),
            _(
                "Print the two gradients you compare for x * y + tanh(x): are they both computed "
                "at the same point? Did you call backward()?"
            ),
        )
    else:
        wrong = [(c, a) for c, a in answers if a != c.correct]
        if all(c.correct for c, _ in wrong) and any("large" in c.why for c, _ in wrong):
            ctx.diagnose(
                "absolute-tolerance",
                _(
                    "gradient_check rejects a correct gradient when the numbers are large: the "
                    "tolerance is absolute only."
                ),
                _(
                    "Numerical derivatives of large numbers carry large rounding errors: should "
                    "the tolerance grow with the size of the derivative?"
                ),
            )
        elif all(not c.correct for c, _ in wrong):
            ctx.diagnose(
                "tolerance-too-loose",
                _(
                    "gradient_check accepts a gradient that is off by 1%: the tolerance is too "
                    "loose (use the `tol` argument, 1e-4 by default)."
                ),
                _("With tol=1e-4, should a difference of 1% pass?"),
            )


exercise(
    "gradient_check",
    N_("a gradient check: backward() against numerical derivatives"),
    "gradient_check",
    "gradient_check",
    inputs=_grad_points,
    judge=_judge_gradient_check,
    forbidden=FORBIDDEN,
    uses=("numerical_grad",),
)(_observe_gradient_check)
