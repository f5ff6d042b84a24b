"""Exercise 5: the SGD step, SGD with momentum, and Adam.

Each optimizer runs for several steps on a few fresh parameters whose gradients the checker
sets before every step (different each step, some negative, one zero). The student's side
reports the parameters after every step; the judge computes the same steps with the rules
written out below on plain numbers (PyTorch's rules, the same as ``micrograd.optim``), with a
learning rate and a momentum drawn afresh for each case (never with ``lr == 1 - momentum``,
where an averaged velocity and the right one coincide). When the numbers differ they are
compared with simulations of the usual mistakes (stepping uphill, forgetting the learning
rate, a velocity that is not kept, Adam without bias correction, eps inside the square root).

Adam is checked with a large ``eps`` (0.01) so that where eps goes shows in the numbers.
"""

from __future__ import annotations

import math

from micrograd.engine import Value
from micrograd.exercises.core import Context, Stop, all_close, exercise, fmt
from micrograd.i18n import N_, _

STEPS = 5
BETAS = (0.8, 0.9)
EPS = 0.01
# The library's optimizers (every method, the Optimizer base class's too).
FORBIDDEN = tuple(f"micrograd.optim.{name}" for name in ("SGD", "Adam", "Adagrad", "RMSprop"))


def _inputs(rng) -> list[dict]:
    cases = []
    for _i in range(3):
        lr = round(rng.uniform(0.05, 0.3), 3)
        momentum = round(rng.uniform(0.5, 0.95), 2)
        if abs(lr - (1 - momentum)) < 0.03:
            momentum = round(1 - lr - 0.1, 2)
        grads = [[round(rng.uniform(-2, 2), 2) for _ in range(3)] for _ in range(STEPS)]
        grads[1][0] = 0.0  # a zero gradient: momentum still moves the parameter
        start = [round(rng.uniform(-1, 1), 2) for _ in range(3)]
        cases.append({"start": start, "grads": grads, "lr": lr, "momentum": momentum})
    return cases


# Simulations on plain floats: the data after each step of a case, with the mistake ``kind``
# ("": the right rule).
def sgd_rule(case: dict, kind: str = "") -> list[list[float]]:
    p, history = list(case["start"]), []
    lr = 1.0 if kind == "missing-lr" else case["lr"]
    sign = -1.0 if kind == "gradient-ascent" else 1.0
    for g in case["grads"]:
        p = [x - sign * lr * gi for x, gi in zip(p, g)]
        history.append(p)
    return history


def momentum_rule(case: dict, kind: str = "") -> list[list[float]]:
    lr, mu = case["lr"], case["momentum"]
    p, history, b, shared = list(case["start"]), [], [0.0] * 3, 0.0
    for t, g in enumerate(case["grads"]):
        if kind == "momentum-not-kept":
            b = list(g)
        elif kind in ("momentum-ema", "momentum-ema-no-lr"):  # an average of the gradients
            b = [mu * bi + (1 - mu) * gi for bi, gi in zip(b, g)]
        elif kind == "shared-velocity":
            shared = mu * shared + sum(g) / len(g)
            b = [shared] * len(p)
        else:
            b = list(g) if t == 0 else [mu * bi + gi for bi, gi in zip(b, g)]
        sign = -1.0 if kind == "gradient-ascent" else 1.0
        step = 1.0 if kind == "momentum-ema-no-lr" else lr
        p = [x - sign * step * bi for x, bi in zip(p, b)]
        history.append(p)
    return history


def adam_rule(case: dict, kind: str = "") -> list[list[float]]:
    b1, b2 = BETAS
    lr = case["lr"]
    p, history = list(case["start"]), []
    m, v = [0.0] * 3, [0.0] * 3
    for t0, g in enumerate(case["grads"]):
        t = 1 if kind == "t-not-incremented" else t0 + 1
        if kind == "moments-not-kept":
            m, v = [0.0] * 3, [0.0] * 3
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
        p = [x - lr * s for x, s in zip(p, steps)]
        history.append(p)
    return history


RULES = {"sgd": sgd_rule, "momentum": momentum_rule, "adam": adam_rule}
MISTAKES: dict[str, dict[str, tuple[str, str]]] = {
    "sgd": {
        "gradient-ascent": (
            N_("the step goes uphill: p.data grows along the gradient."),
            N_("The gradient points to where the loss grows: which way should p move?"),
        ),
        "missing-lr": (
            N_("the step ignores the learning rate."),
            N_("What sets the size of the step?"),
        ),
    },
    "momentum": {
        "momentum-not-kept": (
            N_("the velocity is not kept between steps, so this is plain SGD."),
            N_("Where does each parameter's velocity live between two calls of step()?"),
        ),
        "momentum-ema": (
            N_(
                "the velocity is an average, momentum * v + (1 - momentum) * grad; SGD with "
                "momentum adds the whole gradient."
            ),
            N_("Check the factor in front of the gradient in the velocity update."),
        ),
        "momentum-ema-no-lr": (
            N_(
                "the velocity is an average, momentum * v + (1 - momentum) * grad, and the step "
                "is that average without lr: this agrees with SGD with momentum only when lr == 1 "
                "- momentum."
            ),
            N_("Where does lr go, and what multiplies the gradient?"),
        ),
        "shared-velocity": (
            N_("all parameters share one velocity; each needs its own."),
            N_("How many velocities does your optimizer keep?"),
        ),
        "gradient-ascent": (
            N_("the step goes uphill."),
            N_("Which way should p move along the velocity?"),
        ),
    },
    "adam": {
        "no-bias-correction": (
            N_(
                "the bias correction is missing: m and v start at 0, so early averages are too "
                "small."
            ),
            N_("What divides m and v in Adam?"),
        ),
        "eps-inside-sqrt": (
            N_("eps is added inside the square root; Adam adds it after."),
            N_("Where is eps in your denominator?"),
        ),
        "t-not-incremented": (
            N_(
                "the step counter t stays the same, so the bias correction is the first step's on "
                "every step."
            ),
            N_("Where does t change?"),
        ),
        "moments-not-kept": (
            N_("m and v start from 0 on every step instead of being kept."),
            N_("Where do m and v live between two calls of step()?"),
        ),
        "gradient-not-average": (
            N_("the step uses the gradient instead of its average m_hat."),
            N_("Which quantity goes in the numerator of Adam's step?"),
        ),
    },
}


def _make(name: str, cls, params, case: dict, probe):
    if name == "sgd":
        return probe.call(cls, params, lr=case["lr"], what="SGD(params, lr)")
    if name == "momentum":
        return probe.call(
            cls,
            params,
            lr=case["lr"],
            momentum=case["momentum"],
            what="SGDMomentum(params, lr, momentum)",
        )
    return probe.call(
        cls, params, lr=case["lr"], betas=BETAS, eps=EPS, what="Adam(params, lr, betas, eps)"
    )


def _observer(name: str):
    def run(cls, inputs, probe):
        if not isinstance(cls, type):
            raise Stop(
                "error",
                _("check('{name}', ...) needs your optimizer class itself.").format(name=name),
            )
        for case in inputs:
            params = [Value(x) for x in case["start"]]
            made = _make(name, cls, params, case, probe)
            if not made.ok:
                yield {"error": made.described}
                continue
            opt, record = made.value, {"history": [], "grads_after": []}
            for g in case["grads"]:
                for p, gi in zip(params, g):
                    p.grad = gi
                outcome = probe.call(opt.step, what=f"{type(opt).__name__}.step")
                if not outcome.ok:
                    record["error"] = outcome.described
                    break
                record["history"].append([p.data for p in params])
                record["grads_after"].append([p.grad for p in params])
            zero = getattr(opt, "zero_grad", None)
            if "error" not in record and callable(zero):
                for p in params:
                    p.grad = 1.5
                data = [p.data for p in params]
                outcome = probe.call(zero, what="zero_grad")
                record["zero_grad"] = (
                    {"error": outcome.described}
                    if not outcome.ok
                    else {
                        "grads": [p.grad for p in params],
                        "data_kept": [p.data for p in params] == data,
                    }
                )
            yield record

    return run


def _at_step(label: str, t: int) -> str:
    return _("{label}, step {t}").format(label=label, t=t)


def _judger(name: str):
    def judge(inputs, records, ctx: Context) -> None:
        for case, rec in zip(inputs, records):
            settings = f"lr={case['lr']}" + (
                f", momentum={case['momentum']}" if name == "momentum" else ""
            )
            label = _("{name} on p = {start} ({settings})").format(
                name=name, start=case["start"], settings=settings
            )
            if "error" in rec and not rec.get("history"):
                ctx.error_case(label, rec["error"])
                continue
            want = RULES[name](case)
            history = rec["history"]
            for t, (got, expected) in enumerate(zip(history, want)):
                if not all_close(got, expected):
                    ctx.case(
                        _at_step(label, t + 1),
                        False,
                        received=got,
                        expected=expected,
                        problem=_(
                            "after step {step} with grads {grads}: p = {got}, expected {want}"
                        ).format(
                            step=t + 1,
                            grads=case["grads"][t],
                            got=[fmt(x) for x in got],
                            want=[fmt(x) for x in expected],
                        ),
                    )
                    _diagnose(name, case, history, ctx)
                    break
                if rec["grads_after"][t] != case["grads"][t]:
                    ctx.fail(
                        _at_step(label, t + 1),
                        "changes-grad",
                        _(
                            "step() changes the gradients; it should only change p.data "
                            "(zero_grad() clears the gradients)."
                        ),
                        problem=_("step() changed p.grad"),
                    )
                    break
            else:
                if "error" in rec:
                    ctx.error_case(_at_step(label, len(history) + 1), rec["error"])
                    continue
                ctx.case(
                    _("{label}: {steps} steps").format(label=label, steps=STEPS),
                    True,
                    received=history[-1],
                )
                _judge_zero_grad(rec.get("zero_grad"), label, ctx)

    return judge


def _diagnose(name: str, case: dict, history: list, ctx: Context) -> None:
    if all(h == case["start"] for h in history):
        ctx.diagnose(
            "no-update",
            _("step() leaves p.data unchanged."),
            _("Does your step change p.data of the parameters themselves, in place?"),
        )
        return

    def reproduces(kind: str) -> bool:
        return all(all_close(h, s) for h, s in zip(history, RULES[name](case, kind)))

    ctx.first_mistake(name, MISTAKES[name], filter(reproduces, MISTAKES[name]))


def _judge_zero_grad(rec: dict | None, label: str, ctx: Context) -> None:
    name = f"{label}: zero_grad()"
    if rec is None:
        ctx.fail(
            name,
            "no-zero-grad",
            _("the optimizer has no zero_grad() method."),
            _("What must happen to the gradients before the next backward()?"),
            problem=_("no zero_grad() method"),
        )
    elif "error" in rec:
        ctx.error_case(name, rec["error"])
    elif all(g == 0 for g in rec["grads"]) and rec["data_kept"]:
        ctx.case(name, True)
    else:
        ctx.fail(
            name,
            "zero-grad",
            _("zero_grad() must set every parameter's .grad to 0 (and leave .data alone)."),
            _("Which attribute does zero_grad change?"),
            problem=_("zero_grad() must set every p.grad to 0 and leave p.data"),
        )


for _name, _title, _expects, _variable in (
    ("sgd", N_("the SGD step: p.data -= lr * p.grad"), N_("your SGD class"), "SGD"),
    (
        "momentum",
        N_("SGD with momentum (PyTorch's rule)"),
        N_("your SGDMomentum class"),
        "SGDMomentum",
    ),
    ("adam", N_("Adam with bias correction"), N_("your Adam class"), "Adam"),
):
    exercise(
        _name,
        _title,
        _expects,
        _variable,
        inputs=_inputs,
        judge=_judger(_name),
        forbidden=FORBIDDEN,
    )(_observer(_name))
