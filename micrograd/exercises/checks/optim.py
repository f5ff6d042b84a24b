"""Exercise 5: the SGD step, SGD with momentum, and Adam, checked against ``micrograd.optim``.

Each optimizer is run for several steps on a few fresh parameters whose gradients the checker
sets before every step (different each step, some negative, one zero), side by side with
micrograd's own optimizer (PyTorch's rules). The parameters must match after every step.
When they do not, the student's numbers are compared with simulations of the usual mistakes
(stepping uphill, forgetting the learning rate, a velocity that is not kept between steps,
Adam without bias correction, eps inside the square root, ...).

Adam is checked with a large ``eps`` (0.01) so that where eps goes shows in the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from micrograd import optim
from micrograd.engine import Value
from micrograd.exercises.core import Context, Stop, close, exercise, fmt

STEPS = 5
LR = 0.1
MOMENTUM = 0.9
BETAS = (0.8, 0.9)
EPS = 0.01


def _gradients(ctx: Context, n: int) -> list[list[float]]:
    grads = [[round(ctx.rng.uniform(-2, 2), 2) for _ in range(n)] for _ in range(STEPS)]
    grads[1][0] = 0.0  # a zero gradient: momentum still moves the parameter
    return grads


# Simulations on plain floats: (initial data, gradients per step) -> data after each step.
Rule = Callable[[list[float], list[list[float]]], list[list[float]]]


def _sgd(sign=1.0, lr=LR) -> Rule:
    def run(p, grads):
        p, history = list(p), []
        for g in grads:
            p = [x - sign * lr * gi for x, gi in zip(p, g)]
            history.append(p)
        return history

    return run


def _momentum(kind: str = "") -> Rule:
    def run(p, grads):
        p, history, b = list(p), [], [0.0] * len(p)
        shared = 0.0
        for t, g in enumerate(grads):
            if kind == "not-kept":
                b = list(g)
            elif kind == "ema":
                b = [MOMENTUM * bi + (1 - MOMENTUM) * gi for bi, gi in zip(b, g)]
            elif kind == "shared":
                shared = MOMENTUM * shared + sum(g) / len(g)
                b = [shared] * len(p)
            elif kind == "sign":
                b = [MOMENTUM * bi + gi for bi, gi in zip(b, g)]
            else:
                b = list(g) if t == 0 else [MOMENTUM * bi + gi for bi, gi in zip(b, g)]
            s = -1.0 if kind == "sign" else 1.0
            p = [x - s * LR * bi for x, bi in zip(p, b)]
            history.append(p)
        return history

    return run


def _adam(kind: str = "") -> Rule:
    b1, b2 = BETAS

    def run(p, grads):
        p, history = list(p), []
        m, v = [0.0] * len(p), [0.0] * len(p)
        for t0, g in enumerate(grads):
            t = 1 if kind == "t-not-incremented" else t0 + 1
            if kind == "moments-not-kept":
                m, v = [0.0] * len(p), [0.0] * len(p)
            m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
            v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g)]
            if kind == "no-bias-correction":
                m_hat, v_hat = m, v
            else:
                m_hat = [mi / (1 - b1**t) for mi in m]
                v_hat = [vi / (1 - b2**t) for vi in v]
            if kind == "eps-inside-sqrt":
                steps = [mh / math.sqrt(vh + EPS) for mh, vh in zip(m_hat, v_hat)]
            elif kind == "gradient-not-average":
                steps = [gi / (math.sqrt(vh) + EPS) for gi, vh in zip(g, v_hat)]
            else:
                steps = [mh / (math.sqrt(vh) + EPS) for mh, vh in zip(m_hat, v_hat)]
            p = [x - LR * s for x, s in zip(p, steps)]
            history.append(p)
        return history

    return run


MISTAKES: dict[str, dict[str, tuple[Rule, str, tuple[str, ...]]]] = {
    "sgd": {
        "gradient-ascent": (
            _sgd(sign=-1.0),
            "the step goes uphill: p.data += lr * grad.",
            ("The gradient points to where the loss grows.", "p.data -= self.lr * p.grad"),
        ),
        "missing-lr": (
            _sgd(lr=1.0),
            "the step ignores the learning rate: p.data -= p.grad.",
            ("The learning rate sets the size of the step.", "p.data -= self.lr * p.grad"),
        ),
    },
    "momentum": {
        "momentum-not-kept": (
            _momentum("not-kept"),
            "the velocity is not kept between steps, so this is plain SGD.",
            (
                "Momentum remembers the previous steps: store one velocity per "
                "parameter in __init__ and update it in step().",
                "self.velocities = [0.0] * len(params) in __init__; in step(): "
                "v = momentum * v + grad; p.data -= lr * v",
            ),
        ),
        "momentum-ema": (
            _momentum("ema"),
            "the velocity is an average, momentum * v + (1 - momentum) * grad; "
            "SGD with momentum adds the whole gradient: momentum * v + grad.",
            ("Check the factor in front of the gradient.", "v = momentum * v + grad"),
        ),
        "shared-velocity": (
            _momentum("shared"),
            "all parameters share one velocity; each needs its own.",
            ("One velocity per parameter, in a list.",),
        ),
        "gradient-ascent": (_momentum("sign"), "the step goes uphill.", ("p.data -= lr * v",)),
    },
    "adam": {
        "no-bias-correction": (
            _adam("no-bias-correction"),
            "the bias correction is missing: m and v start at 0, so early "
            "averages are too small until divided by (1 - beta**t).",
            (
                "Divide m by (1 - beta1**t) and v by (1 - beta2**t), with t "
                "the step number starting at 1.",
                "m_hat = m / (1 - b1**t); v_hat = v / (1 - b2**t); "
                "p.data -= lr * m_hat / (math.sqrt(v_hat) + eps)",
            ),
        ),
        "eps-inside-sqrt": (
            _adam("eps-inside-sqrt"),
            "eps is added inside the square root; Adam adds it after: sqrt(v_hat) + eps.",
            ("lr * m_hat / (math.sqrt(v_hat) + eps)",),
        ),
        "t-not-incremented": (
            _adam("t-not-incremented"),
            "the step counter t stays at 1, so the bias correction is the "
            "first step's on every step.",
            ("self.t += 1 at the start of step().",),
        ),
        "moments-not-kept": (
            _adam("moments-not-kept"),
            "m and v start from 0 on every step instead of being kept.",
            ("Store m and v per parameter in __init__ and update them.",),
        ),
        "gradient-not-average": (
            _adam("gradient-not-average"),
            "the step uses the gradient instead of its average m_hat.",
            ("p.data -= lr * m_hat / (math.sqrt(v_hat) + eps)",),
        ),
    },
}


def _reference(name: str, params: list[Value]):
    if name == "sgd":
        return optim.SGD(params, lr=LR)
    if name == "momentum":
        return optim.SGD(params, lr=LR, momentum=MOMENTUM)
    return optim.Adam(params, lr=LR, betas=BETAS, eps=EPS)


def _make_student(name: str, cls, params, ctx: Context):
    if name == "sgd":
        return ctx.call(cls, params, lr=LR, what="SGD(params, lr)")
    if name == "momentum":
        return ctx.call(
            cls, params, lr=LR, momentum=MOMENTUM, what="SGDMomentum(params, lr, momentum)"
        )
    return ctx.call(cls, params, lr=LR, betas=BETAS, eps=EPS, what="Adam(params, lr, betas, eps)")


def _run(name: str, cls, ctx: Context) -> None:
    if not isinstance(cls, type):
        raise Stop("error", f"check('{name}', ...) needs your optimizer class itself.")
    for _ in range(3):
        n = 3
        start = [round(ctx.rng.uniform(-1, 1), 2) for _ in range(n)]
        grads = _gradients(ctx, n)
        params = [Value(x) for x in start]
        ref_params = [Value(x) for x in start]
        made = _make_student(name, cls, params, ctx)
        label = f"{name} on p = {start}"
        if not made.ok:
            ctx.error_case(label, made)
            continue
        opt, ref = made.value, _reference(name, ref_params)
        history = []
        failed = False
        for t, g in enumerate(grads):
            for p, r, gi in zip(params, ref_params, g):
                p.grad = r.grad = gi
            outcome = ctx.call(opt.step, what=f"{type(opt).__name__}.step")
            if not outcome.ok:
                ctx.error_case(f"{label}, step {t + 1}", outcome)
                failed = True
                break
            ref.step()
            got, want = [p.data for p in params], [r.data for r in ref_params]
            history.append(got)
            if not all(close(a, b) for a, b in zip(got, want)):
                ctx.case(
                    f"{label}, step {t + 1}",
                    False,
                    inputs={"p": start, "grads": grads[: t + 1]},
                    received=got,
                    expected=want,
                    problem=f"after step {t + 1} with grads {g}: p = "
                    f"{[fmt(x) for x in got]}, expected {[fmt(x) for x in want]}",
                )
                failed = True
                break
            if [p.grad for p in params] != g:
                ctx.case(f"{label}, step {t + 1}", False, problem="step() changed p.grad")
                ctx.diagnose(
                    "changes-grad",
                    "step() changes the gradients; it should only "
                    "change p.data (zero_grad() clears the gradients).",
                )
                failed = True
                break
        if failed:
            _diagnose(name, start, grads, history, ctx)
            continue
        ctx.case(f"{label}: {STEPS} steps", True, received=history[-1])
        _check_zero_grad(opt, params, label, ctx)


def _diagnose(name, start, grads, history, ctx: Context) -> None:
    if not history:
        return
    if all(h == start for h in history):
        ctx.diagnose(
            "no-update",
            "step() leaves p.data unchanged.",
            "Update p.data in place for each parameter (a new Value or a local "
            "variable does not change the model).",
            "for p in self.params: p.data -= self.lr * p.grad",
        )
        return
    for kind, (rule, message, hints) in MISTAKES[name].items():
        simulated = rule(start, grads)
        if all(all(close(a, b) for a, b in zip(h, s)) for h, s in zip(history, simulated)):
            ctx.diagnose(kind, message, *hints)
            return


def _check_zero_grad(opt, params, label: str, ctx: Context) -> None:
    zero = getattr(opt, "zero_grad", None)
    if zero is None:
        ctx.case(f"{label}: zero_grad()", False, problem="no zero_grad() method")
        ctx.diagnose(
            "no-zero-grad",
            "the optimizer has no zero_grad() method.",
            "def zero_grad(self): for p in self.params: p.grad = 0.0",
        )
        return
    for p in params:
        p.grad = 1.5
    data = [p.data for p in params]
    outcome = ctx.call(zero, what="zero_grad")
    if not outcome.ok:
        ctx.error_case(f"{label}: zero_grad()", outcome)
        return
    ok = all(p.grad == 0 for p in params) and [p.data for p in params] == data
    ctx.case(
        f"{label}: zero_grad()",
        ok,
        problem="" if ok else "zero_grad() must set every p.grad to 0 and leave p.data",
    )
    if not ok:
        ctx.diagnose(
            "zero-grad",
            "zero_grad() must set every parameter's .grad to 0 (and leave .data alone).",
            "for p in self.params: p.grad = 0.0",
        )


@exercise("sgd", "the SGD step: p.data -= lr * p.grad", "your SGD class")
def run_sgd(cls, ctx: Context) -> None:
    _run("sgd", cls, ctx)


@exercise("momentum", "SGD with momentum (PyTorch's rule)", "your SGDMomentum class")
def run_momentum(cls, ctx: Context) -> None:
    _run("momentum", cls, ctx)


@exercise("adam", "Adam with bias correction", "your Adam class")
def run_adam(cls, ctx: Context) -> None:
    _run("adam", cls, ctx)
