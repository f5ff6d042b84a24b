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
from micrograd.exercises.core import Context, Stop, close, exercise, fmt


@dataclass(frozen=True)
class Function:
    text: str
    fn: Callable[..., object]  # works on floats and on Values (micrograd's functions)
    points: tuple[tuple[float, ...], ...]


FUNCTIONS = [
    Function("x**3", lambda x: x**3, ((2.0,), (-1.5,), (0.0,))),
    Function("x*y + sin(x)", lambda x, y: x * y + micrograd.sin(x), ((0.5, -2.0), (-1.2, 0.3))),
    Function(
        "exp(x)*y - z**2 / (1 + x**2)",
        lambda x, y, z: micrograd.exp(x) * y - z**2 / (1 + x**2),
        ((0.3, -0.7, 1.1), (-1.0, 2.0, -0.5)),
    ),
    Function("tanh(x)", lambda x: micrograd.tanh(x), ((0.0,), (0.8,))),
    Function(
        "tanh(0.5*w1 - 1.2*w2 + b)",
        lambda w1, w2, b: micrograd.tanh(0.5 * w1 - 1.2 * w2 + b),
        ((0.4, -0.3, 0.1),),
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


MISTAKES = {
    "forward-difference": (
        "a one-sided (forward) difference (f(x + eps) - f(x)) / eps: its error shrinks "
        "like eps, the central difference's like eps**2.",
        "Nudge the input both ways: up by eps and down by eps.",
        "grad_i = (f(.., x_i + eps, ..) - f(.., x_i - eps, ..)) / (2 * eps).",
    ),
    "backward-difference": (
        "a one-sided (backward) difference (f(x) - f(x - eps)) / eps: its error shrinks like "
        "eps, the central difference's like eps**2.",
        "Nudge the input both ways: up by eps and down by eps.",
        "grad_i = (f(.., x_i + eps, ..) - f(.., x_i - eps, ..)) / (2 * eps).",
    ),
    "central-without-2": (
        "the central difference is divided by eps instead of 2 * eps, so every derivative "
        "comes out twice as large.",
        "How far apart are x - eps and x + eps?",
        "Divide by (2 * eps).",
    ),
    "central-sign": (
        "the central difference is taken the wrong way round, f(x - eps) - f(x + eps), so "
        "every derivative has the wrong sign.",
        "A function that grows with x has a positive derivative: check with f(x) = x.",
        "grad_i = (f(.., x_i + eps, ..) - f(.., x_i - eps, ..)) / (2 * eps).",
    ),
    "not-restored": (
        "the inputs are nudged in place and x_i is not put back before the next input is "
        "nudged, so the later derivatives are taken at the wrong point.",
        "Each derivative must be measured at the original point.",
        "Work on a copy for each nudge: `up = list(inputs); up[i] += eps`.",
    ),
}


@exercise("numerical_grad", "a numerical derivative by central differences", "numerical_grad")
def run_numerical_grad(student, ctx: Context) -> None:
    observed = []
    for function in FUNCTIONS:
        for point in function.points:
            xs = list(point)
            given = list(xs)
            calls = [0]
            f = _float_fn(function.fn, calls)
            name = f"d/dx of {function.text} at {', '.join(fmt(x) for x in xs)} (eps={EPS:g})"
            inputs = {"function": function.text, "point": point, "eps": EPS}
            outcome = ctx.call(student, f, given, eps=EPS, what="numerical_grad")
            if not outcome.ok:
                ctx.error_case(name, outcome, inputs)
                continue
            expected = list(micrograd.numerical_grad(function.fn, xs, eps=EPS))
            got = outcome.value
            if given != xs:
                ctx.case(name, False, inputs=inputs, problem=f"inputs changed to {given}")
                ctx.diagnose(
                    "mutates-input",
                    "numerical_grad changes the list of inputs it is given (e.g. "
                    "`inputs[i] += eps` without putting it back); the caller's numbers must "
                    "stay as they were.",
                    "Nudge a copy of the inputs, not the list you were given.",
                    "`up = list(inputs); up[i] += eps` (and the same for down).",
                )
                continue
            if isinstance(got, (int, float)) and len(xs) == 1:
                got = [got]
            if not isinstance(got, (list, tuple)) or len(got) != len(xs):
                shown = f"{type(got).__name__} {got!r}"
                ctx.case(name, False, inputs=inputs, received=got, problem=f"returned {shown}")
                ctx.diagnose(
                    "wrong-return-type",
                    f"numerical_grad must return a list with one derivative per input "
                    f"({len(xs)} here), got {shown}.",
                    "Append one number per input to a list and return it.",
                )
                continue
            try:
                got = [float(g) for g in got]
            except (TypeError, ValueError):
                ctx.case(name, False, inputs=inputs, problem=f"returned non-numbers {got!r}")
                ctx.diagnose("wrong-return-type", f"numerical_grad returned non-numbers: {got!r}.")
                continue
            wrong = [
                f"d/d{'xyz'[i] if len(xs) <= 3 else f'x{i}'}: received {fmt(g)}, expected {fmt(e)}"
                for i, (g, e) in enumerate(zip(got, expected))
                if not close(g, e, rtol=1e-6, atol=1e-9)
            ]
            ctx.case(
                name,
                not wrong,
                inputs=inputs,
                received=got,
                expected=expected,
                problem="; ".join(wrong),
            )
            observed.append((function.fn, xs, got, expected, calls[0]))
    if not all(c.passed for c in ctx.cases) and observed:
        _diagnose_numerical(observed, ctx)


def _diagnose_numerical(observed, ctx: Context) -> None:
    for mistake, (message, *hints) in MISTAKES.items():
        if all(
            all(
                close(g, v, rtol=1e-6, atol=1e-9)
                for g, v in zip(got, _variants(fn, xs, EPS)[mistake])
            )
            for fn, xs, got, _, _ in observed
        ):
            ctx.diagnose(mistake, f"numerical_grad computes {message}", *hints)
            return
    exact = [
        all(close(g, e, rtol=1e-4, atol=1e-6) for g, e in zip(got, expected))
        for _, _, got, expected, _ in observed
    ]
    if all(exact):
        ctx.diagnose(
            "ignores-eps",
            "numerical_grad gives good derivatives but not the ones for the eps it was given "
            f"(eps={EPS:g}): it seems to use an eps of its own.",
            "Use the `eps` argument in both the nudge and the division.",
        )


# --------------------------------------------------------------------------------------
# gradient_check
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradCase:
    text: str
    fn: Callable[..., object]  # on Values
    point: tuple[float, ...]
    correct: bool  # is backward() right for this function?
    why: str = ""


def _half_seen(x):  # backward sees x * c with c = x frozen: d/dx = x instead of 2x
    return x * x.detach()


GRAD_CASES = [
    GradCase("x * y + tanh(x)", lambda x, y: x * y + x.tanh(), (0.5, -2.0), True),
    GradCase("x**2 / y", lambda x, y: x**2 / y, (1.5, 0.5), True),
    GradCase("log(x) * exp(y)", lambda x, y: x.log() * y.exp(), (2.0, 0.1), True),
    GradCase(
        "1e4 * x**3 (derivative 3e6)",
        lambda x: 1e4 * x**3,
        (10.0,),
        True,
        "large values: the numerical estimate is off by ~1e-3 in absolute terms, "
        "which is tiny relative to 3e6",
    ),
    GradCase("sum of squares", lambda a, b, c: a * a + b * b + c * c, (0.3, -0.4, 0.5), True),
    GradCase(
        "x * x.detach()",
        _half_seen,
        (1.5,),
        False,
        "backward() gives x, the true derivative is 2x",
    ),
    GradCase(
        "x * y.detach() + y",
        lambda x, y: x * y.detach() + y,
        (0.7, 2.0),
        False,
        "backward() misses x in d/dy",
    ),
    GradCase(
        "x + 0.01 * x * x.detach() (1% off)",
        lambda x: x + 0.01 * x * x.detach(),
        (1.0,),
        False,
        "backward() gives 1.01, the true derivative is 1.02: off by 1%",
    ),
]


@exercise(
    "gradient_check", "a gradient check: backward() against numerical derivatives", "gradient_check"
)
def run_gradient_check(student, ctx: Context) -> None:
    answers = []
    for case in GRAD_CASES:
        given = list(case.point)
        kind = "a correct gradient" if case.correct else "a wrong gradient"
        name = f"{case.text} at {', '.join(fmt(x) for x in case.point)} ({kind})"
        inputs = {"function": case.text, "point": case.point, "backward_is_right": case.correct}
        outcome = ctx.call(student, case.fn, given, what="gradient_check")
        if not outcome.ok:
            ctx.error_case(name, outcome, inputs)
            continue
        answer = outcome.value
        if given != list(case.point):
            ctx.case(name, False, inputs=inputs, problem=f"inputs changed to {given}")
            ctx.diagnose(
                "mutates-input",
                "gradient_check changes the list of inputs it is given.",
                "Work on copies of the inputs.",
            )
            continue
        if not isinstance(answer, bool):
            ctx.case(
                name,
                False,
                inputs=inputs,
                received=answer,
                problem=f"returned {type(answer).__name__} {answer!r}",
            )
            ctx.diagnose(
                "wrong-return-type",
                f"gradient_check must return True or False, got {type(answer).__name__}.",
                "Return the result of the comparison, e.g. `return all(...)`.",
            )
            continue
        answers.append((case, answer))
        problem = (
            ""
            if answer == case.correct
            else (
                f"returned {answer}, expected {case.correct}"
                + (f" ({case.why})" if case.why else "")
            )
        )
        ctx.case(
            name,
            answer == case.correct,
            inputs=inputs,
            received=answer,
            expected=case.correct,
            problem=problem,
        )
    if not answers or all(c.passed for c in ctx.cases):
        return
    values = {a for _, a in answers}
    if values == {True}:
        ctx.diagnose(
            "always-true",
            "gradient_check says True even when backward() is wrong.",
            "Does your comparison ever fail? Try it on x * x.detach().",
            "Compare each backward() gradient with the numerical one and return False "
            "if any differ by more than tol * max(1, |numerical|).",
        )
    elif values == {False}:
        ctx.diagnose(
            "always-false",
            "gradient_check says False even when backward() is right.",
            "Print the two gradients you compare for x * y + tanh(x): are they both "
            "computed at the same point? Did you call backward()?",
        )
    else:
        wrong = [(c, a) for c, a in answers if a != c.correct]
        if all(c.correct for c, _ in wrong) and any("large" in c.why for c, _ in wrong):
            ctx.diagnose(
                "absolute-tolerance",
                "gradient_check rejects a correct gradient when the numbers are large: "
                "the tolerance is absolute only.",
                "Numerical derivatives of large numbers carry large rounding errors.",
                "Compare |backward - numerical| <= tol * max(1, |numerical|).",
            )
        elif all(not c.correct for c, _ in wrong):
            ctx.diagnose(
                "tolerance-too-loose",
                "gradient_check accepts a gradient that is 1% off: the tolerance is too "
                "loose (use the `tol` argument, 1e-4 by default).",
                "With tol=1e-4, a 1% difference must fail.",
            )
    if not answers:
        raise Stop("error", "no case could be checked.")
