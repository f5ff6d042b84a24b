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

import contextlib
import copy

import micrograd
from micrograd.exercises.core import Context, close, exercise, fmt
from micrograd.i18n import N_, _

SHAPES = [(2, 3), (3, 2), (1, 4), (4, 1), (3, 3), (2, 2)]
# By hand means by the formula: the engine is unavailable. With the engine means the
# engine's backward(), which the student's side counts; the library's numerical derivative
# would be neither.
FORBIDDEN_BY_HAND = (
    "micrograd.engine.Value.backward",
    "micrograd.engine.grad",
    "micrograd.numerical.numerical_grad",
)
FORBIDDEN_WITH_ENGINE = ("micrograd.numerical.numerical_grad",)


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
    """``"2x3"`` (rows x columns), ``"[6]"`` (a flat list of 6) or the type's name: plain data."""
    if isinstance(g, (list, tuple)) and g and all(isinstance(r, (list, tuple)) for r in g):
        return f"{len(g)}x{len(g[0])}"
    if isinstance(g, (list, tuple)):
        return f"[{len(g)}]"
    return type(g).__name__


def _show_shape(shape: str) -> str:
    """A shape as a student reads it: ``"[6]"`` is "a flat list of 6"."""
    if shape.startswith("[") and shape.endswith("]"):
        return _("a flat list of {n}").format(n=shape[1:-1])
    return shape


def _matches(got, want) -> bool:
    return all(close(a, b) for ra, rb in zip(got, want) for a, b in zip(ra, rb))


def _observer(what: str, needs_engine: bool):
    def run(student, inputs, probe):
        for W, x, y in inputs:
            args = copy.deepcopy((W, x, y))
            calls = [0]
            with _counting_backward(calls) if needs_engine else contextlib.nullcontext():
                outcome = probe.call(student, *args, what=what)
            if not outcome.ok:
                yield {"error": outcome.described}
                continue
            record = {"changed": list(args) != [W, x, y], "backward_calls": calls[0]}
            got = outcome.value
            if isinstance(got, (list, tuple)) and any(
                isinstance(v, micrograd.Value)
                for row in got
                for v in (row if isinstance(row, (list, tuple)) else [row])
            ):
                yield {**record, "values": True}
                continue
            record["shape"] = _shape(got)
            try:
                record["got"] = (
                    [[float(v) for v in row] for row in got]
                    if record["shape"][0].isdigit()  # "2x3": a list of rows
                    else None
                )
            except (TypeError, ValueError):
                record["got"] = None
            yield record

    return run


@contextlib.contextmanager
def _counting_backward(calls: list):
    """Count the student's calls of Value.backward() and grad() (the engine at work)."""
    original_backward, original_grad = micrograd.Value.backward, micrograd.engine.grad

    def backward(self):
        calls[0] += 1
        return original_backward(self)

    def grad(*args, **kwargs):
        calls[0] += 1
        return original_grad(*args, **kwargs)

    micrograd.Value.backward = backward
    micrograd.engine.grad = micrograd.grad = grad
    try:
        yield
    finally:
        micrograd.Value.backward = original_backward
        micrograd.engine.grad = micrograd.grad = original_grad


def _judger(what: str, needs_engine: bool):
    def judge(inputs, records, ctx: Context) -> None:
        for (W, x, y), rec in zip(inputs, records):
            m, n = len(W), len(x)
            name = f"W {m}x{n} = {W}, x = {x}, y = {y}"
            given = {"W": W, "x": x, "y": y}
            if "error" in rec:
                ctx.error_case(name, rec["error"], given)
                continue
            if rec["changed"]:
                ctx.fail(
                    name,
                    "mutates-input",
                    _("{what} changes W, x or y; it must only read them.").format(what=what),
                    _("Do you write into the lists you were given?"),
                    inputs=given,
                    problem=_("W, x or y was changed"),
                )
                continue
            if rec.get("values"):
                ctx.fail(
                    name,
                    "wrong-return-type",
                    _("{what} returns Values; the gradient is numbers.").format(what=what),
                    _("Which attribute of a weight holds d loss / d weight after backward()?"),
                    inputs=given,
                    problem=_("returned Values, not numbers"),
                )
                continue
            want = reference(W, x, y)
            shape = rec["shape"]
            if shape != f"{m}x{n}":
                ctx.case(
                    name,
                    False,
                    inputs=given,
                    received=rec.get("got"),
                    expected=want,
                    problem=_("shape {shape}, expected {m}x{n} (W's shape)").format(
                        shape=_show_shape(shape), m=m, n=n
                    ),
                )
                _diagnose_shape(shape, m, n, what, ctx)
                continue
            got = rec["got"]
            if got is None:
                ctx.case(name, False, inputs=given, problem=_("the result holds non-numbers"))
                continue
            bad = next(
                ((i, j) for i in range(m) for j in range(n) if not close(got[i][j], want[i][j])),
                None,
            )
            problem = ""
            if bad:
                i, j = bad
                problem = _("d loss/d W[{i}][{j}]: received {got}, expected {want}").format(
                    i=i, j=j, got=fmt(got[i][j]), want=fmt(want[i][j])
                )
            if needs_engine and not bad and rec["backward_calls"] == 0:
                problem = _("right numbers, but the engine's backward() was never called")
                ctx.diagnose(
                    "engine-not-used",
                    _(
                        "{what} gives the right numbers without calling backward(): this part "
                        "asks for the gradient the engine computes (the formula is the other "
                        "part)."
                    ).format(what=what),
                    _(
                        "Where in your function do the weights become Values, and where does "
                        "backward() run?"
                    ),
                )
            ctx.case(name, not problem, inputs=given, received=got, expected=want, problem=problem)
            if bad:
                _diagnose_values(got, want, W, x, y, what, ctx)

    return judge


def _diagnose_shape(shape: str, m: int, n: int, what: str, ctx: Context) -> None:
    if shape == f"{n}x{m}" and m != n:
        ctx.diagnose(
            "transposed",
            _(
                "{what} returns an n x m result (x's length first); the gradient has one entry "
                "per weight, so it has W's shape, m x n."
            ).format(what=what),
            _("Entry [i][j] is d loss / d W[i][j]: which index runs over rows?"),
        )
    elif shape == f"[{m * n}]":
        ctx.diagnose(
            "flat",
            _(
                "{what} returns a flat list; the gradient has W's shape (a list of m rows of n "
                "numbers), one entry per weight."
            ).format(what=what),
            _("How is W itself laid out?"),
        )
    elif shape in (f"[{n}]", f"[{m}]"):
        ctx.diagnose(
            "wrong-variable",
            _(
                "{what} returns one number per input or output, not per weight: is it the "
                "derivative with respect to x (or y_pred)?"
            ).format(what=what),
            _("W has m * n weights, and each gets its own derivative."),
        )


VALUE_MISTAKES = {
    "missing-factor-2": (
        N_("every entry is half the right one: the factor 2 from the square is missing."),
        N_("Differentiate (y_pred_i - y_i)**2 with the chain rule: what comes down?"),
    ),
    "wrong-sign": (
        N_("the gradient has the wrong sign: the residual is taken the other way round."),
        N_("If y_pred_i is too big, should making W[i][j] smaller (for x[j] > 0) lower the loss?"),
    ),
    "transposed": (
        N_(
            "entry [i][j] holds d loss / d W[j][i]: the result is transposed (with a square W "
            "the shape alone cannot show it)."
        ),
        N_("Row i of the gradient belongs to output i: which index goes with the residual?"),
    ),
}


def _diagnose_values(got, want, W, x, y, what, ctx: Context) -> None:
    m, n = len(W), len(x)
    r = _residual(W, x, y)
    variants = {
        "missing-factor-2": [[r[i] * x[j] for j in range(n)] for i in range(m)],
        "wrong-sign": [[-2 * r[i] * x[j] for j in range(n)] for i in range(m)],
    }
    if m == n:
        variants["transposed"] = [[want[j][i] for j in range(n)] for i in range(m)]
    found = (kind for kind, variant in variants.items() if _matches(got, variant))
    ctx.first_mistake(what, VALUE_MISTAKES, found)


for _what, _title, _forbidden, _needs_engine in (
    ("grad_W_by_hand", N_("d loss / d W by hand (the formula)"), FORBIDDEN_BY_HAND, False),
    ("grad_W_with_engine", N_("d loss / d W with the engine"), FORBIDDEN_WITH_ENGINE, True),
):
    exercise(
        _what,
        _title,
        _what,
        _what,
        inputs=make_cases,
        judge=_judger(_what, _needs_engine),
        forbidden=_forbidden,
    )(_observer(_what, _needs_engine))
