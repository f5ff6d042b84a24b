"""Exercise 7: why does the gradient have W's shape?

For ``y_pred = W x`` and ``loss = sum_i (y_pred_i - y_i)**2`` the student computes
d loss / d W twice, as a nested list with W's shape (``m`` rows, ``n`` columns):

- ``grad_W_by_hand(W, x, y)``: with the formula ``2 * (W x - y)_i * x_j``;
- ``grad_W_with_engine(W, x, y)``: by making each ``W[i][j]`` a Value and calling
  ``backward()``.

Both are compared with micrograd's own ``grad()`` on W of several shapes (square ones too,
where a transposed answer has the right shape but the wrong numbers). Recognised mistakes:
a transposed result, a flat list, the factor 2 missing, the residual the wrong way round
(``y - W x``), the gradient with respect to x instead of W, Values instead of numbers, and
changing W, x or y.
"""

from __future__ import annotations

import copy

import micrograd
from micrograd.exercises.core import Context, Stop, close, exercise, fmt

SHAPES = [(2, 3), (3, 2), (1, 4), (4, 1), (3, 3), (2, 2)]


def loss_of(W, x, y):
    """The exercise's loss on plain numbers or Values: sum_i ((W x)_i - y_i) ** 2."""
    total = 0.0
    for row, target in zip(W, y):
        pred = sum(w * xj for w, xj in zip(row, x))
        total = total + (pred - target) ** 2
    return total


def reference(W, x, y) -> list[list[float]]:
    """d loss / d W from micrograd's engine, in W's shape."""
    values = [[micrograd.Value(w) for w in row] for row in W]
    flat = micrograd.grad(loss_of(values, x, y), [v for row in values for v in row])
    n = len(W[0])
    return [list(flat[i * n : (i + 1) * n]) for i in range(len(W))]


def _residual(W, x, y):
    return [sum(w * xj for w, xj in zip(row, x)) - t for row, t in zip(W, y)]


def make_cases(rng) -> list[tuple[list, list, list]]:
    def num():
        return round(rng.uniform(-2, 2), 2)

    cases = []
    for m, n in SHAPES:
        W = [[num() for _ in range(n)] for _ in range(m)]
        x = [num() for _ in range(n)]
        y = [num() for _ in range(m)]
        cases.append((W, x, y))
    cases.append(([[0.0, 0.0], [0.0, 0.0]], [1.5, -2.0], [1.0, -0.5]))  # W = 0
    cases.append(([[-1.0, -0.5, -2.0]], [-1.0, -2.0, -0.25], [-3.0]))  # all negative
    return cases


def _shape(g) -> str:
    if isinstance(g, (list, tuple)) and g and all(isinstance(r, (list, tuple)) for r in g):
        return f"{len(g)}x{len(g[0])}"
    if isinstance(g, (list, tuple)):
        return f"a flat list of {len(g)}"
    return type(g).__name__


def _matches(got, want) -> bool:
    return all(
        close(a, b, rtol=1e-6, atol=1e-9) for ra, rb in zip(got, want) for a, b in zip(ra, rb)
    )


def _run(student, ctx: Context, what: str) -> None:
    for W, x, y in make_cases(ctx.rng):
        m, n = len(W), len(x)
        name = f"W {m}x{n} = {W}, x = {x}, y = {y}"
        inputs = {"W": W, "x": x, "y": y}
        args = copy.deepcopy((W, x, y))
        outcome = ctx.call(student, *args, what=what)
        if not outcome.ok:
            ctx.error_case(name, outcome, inputs)
            continue
        got = outcome.value
        if args != (W, x, y):
            ctx.case(name, False, inputs=inputs, problem="W, x or y was changed")
            ctx.diagnose(
                "mutates-input",
                f"{what} changes W, x or y; it must only read them.",
                "Build new lists (or Values) instead of writing into the ones given.",
            )
            continue
        want = reference(W, x, y)
        if isinstance(got, (list, tuple)) and any(
            isinstance(v, micrograd.Value)
            for row in got
            for v in (row if isinstance(row, (list, tuple)) else [row])
        ):
            ctx.case(name, False, inputs=inputs, problem="returned Values, not numbers")
            ctx.diagnose(
                "wrong-return-type",
                f"{what} returns Values; the gradient is their `.grad` numbers.",
                "After backward(), read `w.grad` for each weight w.",
            )
            continue
        shape = _shape(got)
        if shape != f"{m}x{n}":
            ctx.case(
                name,
                False,
                inputs=inputs,
                received=got,
                expected=want,
                problem=f"shape {shape}, expected {m}x{n} (W's shape)",
            )
            if shape == f"{n}x{m}" and m != n:
                ctx.diagnose(
                    "transposed",
                    f"{what} returns an n x m result (x's length first); the gradient "
                    "has one entry per weight, so it has W's shape, m x n.",
                    "Entry [i][j] is d loss / d W[i][j]: row i, column j, like W.",
                    "Loop over the rows i of W outside and the columns j inside.",
                )
            elif shape == f"a flat list of {m * n}":
                ctx.diagnose(
                    "flat",
                    f"{what} returns a flat list; the gradient has W's shape (a list of "
                    "m rows of n numbers), one entry per weight.",
                    "Group the numbers by row of W.",
                )
            elif shape in (f"a flat list of {n}", f"a flat list of {m}"):
                ctx.diagnose(
                    "wrong-variable",
                    f"{what} returns one number per input or output, not per weight: "
                    "is it the derivative with respect to x (or y_pred)?",
                    "W has m * n weights, and each gets its own derivative.",
                )
            continue
        try:
            got = [[float(v) for v in row] for row in got]
        except (TypeError, ValueError):
            ctx.case(name, False, inputs=inputs, problem=f"non-numbers in {got!r}")
            continue
        ok = _matches(got, want)
        bad = next(
            (
                (i, j)
                for i in range(m)
                for j in range(n)
                if not close(got[i][j], want[i][j], rtol=1e-6, atol=1e-9)
            ),
            None,
        )
        problem = ""
        if bad:
            i, j = bad
            problem = f"d loss/d W[{i}][{j}]: received {fmt(got[i][j])}, expected {fmt(want[i][j])}"
        ctx.case(name, ok, inputs=inputs, received=got, expected=want, problem=problem)
        if not ok:
            _diagnose_values(got, want, W, x, y, what, ctx)


def _diagnose_values(got, want, W, x, y, what, ctx: Context) -> None:
    m, n = len(W), len(x)
    r = _residual(W, x, y)
    variants = {
        "missing-factor-2": [[r[i] * x[j] for j in range(n)] for i in range(m)],
        "wrong-sign": [[-2 * r[i] * x[j] for j in range(n)] for i in range(m)],
    }
    if m == n:
        variants["transposed"] = [[want[j][i] for j in range(n)] for i in range(m)]
    messages = {
        "missing-factor-2": (
            "the factor 2 from the square is missing: d/du u**2 = 2u.",
            "Differentiate (y_pred_i - y_i)**2 with the chain rule.",
            "d loss / d W[i][j] = 2 * (y_pred_i - y_i) * x[j].",
        ),
        "wrong-sign": (
            "the gradient has the wrong sign: the residual is taken as y - W x.",
            "If y_pred_i is too big, making W[i][j] smaller (for x[j] > 0) lowers "
            "the loss: the derivative is positive.",
            "Use (y_pred_i - y_i), i.e. (W x - y).",
        ),
        "transposed": (
            "entry [i][j] holds d loss / d W[j][i]: the result is transposed "
            "(with a square W the shape alone cannot show it).",
            "Row i of the gradient belongs to output i (row i of W).",
            "d loss / d W[i][j] = 2 * (y_pred_i - y_i) * x[j]: i indexes the "
            "residual, j indexes x.",
        ),
    }
    for kind, variant in variants.items():
        if _matches(got, variant):
            message, *hints = messages[kind]
            ctx.diagnose(kind, f"{what}: {message}", *hints)
            return


@exercise("grad_W_by_hand", "d loss / d W by hand (the formula)", "grad_W_by_hand")
def run_by_hand(student, ctx: Context) -> None:
    _run(student, ctx, "grad_W_by_hand")


@exercise("grad_W_with_engine", "d loss / d W with the engine", "grad_W_with_engine")
def run_with_engine(student, ctx: Context) -> None:
    _run(student, ctx, "grad_W_with_engine")
    if not ctx.cases:
        raise Stop("error", "no case could be checked.")
