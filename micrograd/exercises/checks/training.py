"""Exercise 6: the training loop on two moons, checked against micrograd's nn/optim/losses.

- ``hinge_loss(scores, labels) -> Value``: the mean of ``relu(1 - y * score)``, labels +1/-1
  (``micrograd.losses.hinge`` is the reference, value and gradients);
- ``train_step(model, optimizer, X, y) -> float``: zero the gradients, forward pass, loss,
  backward pass, step; return the loss as a number. Compared, two steps in a row, with the
  same step made by the checker on a copy of the model (so a missing ``zero_grad`` shows on
  the second step);
- ``train(model, optimizer, X, y, steps) -> list[float]``: the loop. It must reach
  :data:`TARGET_ACCURACY` on 80 points of ``make_moons`` in 50 steps of Adam.
"""

from __future__ import annotations

from micrograd import losses, nn, optim
from micrograd.data import make_moons
from micrograd.engine import Value
from micrograd.exercises.core import Context, close, exercise, fmt

TARGET_ACCURACY = 0.9
STEPS = 50


def moons(n: int = 80, seed: int = 0) -> tuple[list[list[float]], list[int]]:
    X, y = make_moons(n_samples=n, noise=0.1, seed=seed)
    return X, [1 if label == 1 else -1 for label in y]


def model_and_optimizer(seed: int = 0, lr: float = 0.05):
    model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=seed)
    return model, optim.Adam(model.parameters(), lr=lr)


def accuracy(model, X, y) -> float:
    return sum((model(x).data > 0) == (t > 0) for x, t in zip(X, y)) / len(X)


@exercise("hinge_loss", "the hinge loss: mean of relu(1 - y * score)", "your hinge_loss")
def run_hinge(student, ctx: Context) -> None:
    for n in (1, 3, 6, 6):
        raw = [round(ctx.rng.uniform(-2.5, 2.5), 2) for _ in range(n)]
        labels = [ctx.rng.choice((-1, 1)) for _ in range(n)]
        scores, ref_scores = [Value(s) for s in raw], [Value(s) for s in raw]
        name = f"scores {raw}, labels {labels}"
        outcome = ctx.call(student, scores, list(labels), what="hinge_loss")
        if not outcome.ok:
            ctx.error_case(name, outcome)
            continue
        loss = outcome.value
        want = losses.hinge(ref_scores, labels)
        if not isinstance(loss, Value):
            ctx.case(name, False, problem=f"returned {type(loss).__name__}, not a Value")
            ctx.diagnose(
                "wrong-return-type",
                "hinge_loss must return a Value, so that backward() can start from it.",
                "Build it from the scores with Value operations; return the Value (not .data).",
            )
            continue
        if not close(loss.data, want.data):
            ctx.case(
                name,
                False,
                received=loss.data,
                expected=want.data,
                problem=f"loss {fmt(loss.data)}, expected {fmt(want.data)}",
            )
            variants = {
                "sum-not-mean": want.data * n,
                "missing-relu": sum(1 - t * s for s, t in zip(raw, labels)) / n,
                "wrong-sign": sum(max(0.0, 1 + t * s) for s, t in zip(raw, labels)) / n,
            }
            messages = {
                "sum-not-mean": (
                    "the loss is the sum over the samples, not the mean.",
                    "Divide by the number of samples.",
                ),
                "missing-relu": (
                    "relu (max(0, ...)) is missing: a sample on the right side "
                    "by more than the margin must cost 0, not a negative amount.",
                    "(1 - y * score).relu()",
                ),
                "wrong-sign": (
                    "the margin has the wrong sign: it is 1 - y * score.",
                    "A right answer (y * score large) must cost nothing.",
                ),
            }
            for kind, value in variants.items():
                if n > 1 and close(loss.data, value):
                    message, *hints = messages[kind]
                    ctx.diagnose(kind, f"hinge_loss: {message}", *hints)
                    break
            continue
        loss.backward()
        want.backward()
        grads, ref_grads = [s.grad for s in scores], [s.grad for s in ref_scores]
        ok = all(close(a, b) for a, b in zip(grads, ref_grads))
        ctx.case(
            name,
            ok,
            received=grads,
            expected=ref_grads,
            problem=""
            if ok
            else "the scores' gradients are wrong: was the loss built from .data numbers?",
        )


def _reference_step(model, optimizer, X, y, mistake: str = "") -> float:
    """One right training step, or one with a simulated mistake."""
    if mistake == "step-before-backward":  # step() first: it uses the previous gradients
        optimizer.step()
    if mistake != "no-zero-grad":
        optimizer.zero_grad()
    loss = losses.hinge([model(x) for x in X], y)
    loss.backward()
    if mistake == "step-sees-no-gradients":
        optimizer.zero_grad()
    if mistake != "step-before-backward":
        optimizer.step()
    return loss.data


STEP_MISTAKES = {
    "no-zero-grad": (
        "the gradients are not zeroed before the backward pass, so each step "
        "adds this step's gradients to all the earlier ones.",
        "Gradients accumulate (+=) until you zero them.",
        "Start each step with optimizer.zero_grad().",
    ),
    "step-sees-no-gradients": (
        "step() runs when the gradients are zero: after zero_grad() but before backward() "
        "has filled them, so the parameters do not move.",
        "Order: zero_grad, forward, loss, backward, step.",
    ),
    "step-before-backward": (
        "step() comes first, so each step uses the previous step's gradients.",
        "Order: zero_grad, forward, loss, backward, step.",
    ),
}


@exercise(
    "train_step", "one training step: zero_grad, forward, loss, backward, step", "your train_step"
)
def run_train_step(student, ctx: Context) -> None:
    X, y = moons(16, seed=ctx.seed + 3)
    model, opt = model_and_optimizer(seed=1, lr=0.1)
    ref_model, ref_opt = model_and_optimizer(seed=1, lr=0.1)
    snapshots = []  # the student's parameters after each step
    for step in (1, 2):
        outcome = ctx.call(student, model, opt, X, y, what="train_step")
        name = f"step {step} on 16 moons points (MLP(2, [8, 8, 1]), Adam lr=0.1)"
        if not outcome.ok:
            ctx.error_case(name, outcome)
            return
        want_loss = _reference_step(ref_model, ref_opt, X, y)
        got_loss = outcome.value
        if isinstance(got_loss, Value):
            ctx.case(name, False, problem="returned a Value; return loss.data (a float)")
            ctx.diagnose(
                "wrong-return-type",
                "train_step returns the loss Value; return its "
                "number, loss.data, so that the graph can be freed.",
            )
            return
        got = [p.data for p in model.parameters()]
        snapshots.append(got)
        want = [p.data for p in ref_model.parameters()]
        ok = all(close(a, b, rtol=1e-9) for a, b in zip(got, want))
        loss_ok = isinstance(got_loss, (int, float)) and close(got_loss, want_loss)
        problem = ""
        if not ok:
            problem = "the parameters after this step differ from the reference step"
        elif not loss_ok:
            problem = f"returned loss {got_loss!r}, expected {fmt(want_loss)}"
        ctx.case(name, ok and loss_ok, received=got_loss, expected=want_loss, problem=problem)
    if not all(c.passed for c in ctx.cases):
        _diagnose_step(snapshots, X, y, ctx)


def _diagnose_step(snapshots, X, y, ctx: Context) -> None:
    """The simulated mistake whose parameters match the student's after every step."""
    for mistake, (message, *hints) in STEP_MISTAKES.items():
        model, opt = model_and_optimizer(seed=1, lr=0.1)
        matches = True
        for got in snapshots:
            _reference_step(model, opt, X, y, mistake)
            simulated = [p.data for p in model.parameters()]
            matches = matches and all(close(a, b, rtol=1e-9) for a, b in zip(got, simulated))
        if matches:
            ctx.diagnose(mistake, f"train_step: {message}", *hints)
            return


@exercise(
    "train", "the training loop on two moons (reach 90% accuracy)", "your train", timeout=60.0
)
def run_train(student, ctx: Context) -> None:
    X, y = moons(80, seed=ctx.seed)
    model, opt = model_and_optimizer(seed=ctx.seed)
    before = accuracy(model, X, y)
    outcome = ctx.call(student, model, opt, X, y, STEPS, what="train")
    name = f"{STEPS} steps of Adam (lr=0.05) on 80 moons points, MLP(2, [8, 8, 1])"
    if not outcome.ok:
        ctx.error_case(name, outcome)
        return
    history = outcome.value
    if not isinstance(history, (list, tuple)) or len(history) != STEPS:
        shown = len(history) if isinstance(history, (list, tuple)) else type(history).__name__
        ctx.case(
            name + ": the losses",
            False,
            problem=f"returned {shown}, expected a list of {STEPS} losses",
        )
        ctx.diagnose(
            "wrong-return-type",
            f"train must return the list of the {STEPS} losses, one per step.",
            "losses.append(train_step(...)); return losses",
        )
    else:
        ctx.case(name + ": the losses", True)
    acc = accuracy(model, X, y)
    ok = acc >= TARGET_ACCURACY
    ctx.case(
        name + f": accuracy >= {TARGET_ACCURACY:.0%}",
        ok,
        received=acc,
        expected=TARGET_ACCURACY,
        problem="" if ok else f"accuracy {acc:.0%} (it was {before:.0%} before training)",
    )
    if ok:
        ctx.notes.append(f"  Accuracy after training: {acc:.0%} (before: {before:.0%}).")
        return
    numbers = (
        [h for h in history if isinstance(h, (int, float))]
        if isinstance(history, (list, tuple))
        else []
    )
    if len(numbers) >= 2 and numbers[-1] > numbers[0]:
        ctx.diagnose(
            "loss-increases",
            f"the loss went up, from {fmt(numbers[0])} to "
            f"{fmt(numbers[-1])}: the steps go the wrong way or are too large.",
            "Is your train_step right (check('train_step', ...))?",
        )
    elif len(numbers) >= 2 and close(numbers[0], numbers[-1]):
        ctx.diagnose(
            "no-progress",
            "the loss did not change: are the parameters ever stepped?",
            "Call optimizer.step() after loss.backward(), every step.",
        )
