"""micrograd.optim: each update rule by hand and against torch.optim, the course notes'
momentum snippet, schedules, argument checks, and momentum escaping a local minimum."""

from __future__ import annotations

import math
import random

import pytest

from micrograd import Value
from micrograd.nn import MLP
from micrograd.optim import (
    SGD,
    Adagrad,
    Adam,
    Optimizer,
    RMSprop,
    exponential_decay,
    linear_decay,
    step_decay,
)


def run(optimizer_class, gradients, start=1.0, **kwargs):
    """Step one parameter through the given gradients; the values after each step."""
    w = Value(start)
    optimizer = optimizer_class([w], **kwargs)
    trajectory = []
    for g in gradients:
        w.grad = g
        optimizer.step()
        trajectory.append(w.data)
    return trajectory


# -- each rule against steps worked out by hand --------------------------------------------


def test_sgd_plain_by_hand():
    # p = 1 - 0.1 * 0.5 = 0.95; p = 0.95 - 0.1 * (-2) = 1.15
    assert run(SGD, [0.5, -2.0], lr=0.1) == pytest.approx([0.95, 1.15], abs=1e-15)


def test_sgd_momentum_by_hand():
    # b1 = g1 = 0.5, p = 1 - 0.1*0.5 = 0.95; b2 = 0.9*0.5 + 0.5 = 0.95, p = 0.95 - 0.095 = 0.855
    # b3 = 0.9*0.95 - 1 = -0.145, p = 0.855 + 0.0145 = 0.8695
    got = run(SGD, [0.5, 0.5, -1.0], lr=0.1, momentum=0.9)
    assert got == pytest.approx([0.95, 0.855, 0.8695], abs=1e-14)


def test_sgd_nesterov_by_hand():
    # b1 = 0.5, p = 1 - 0.1*(0.5 + 0.9*0.5) = 0.905
    # b2 = 0.9*0.5 + 0.5 = 0.95, p = 0.905 - 0.1*(0.5 + 0.9*0.95) = 0.905 - 0.1355 = 0.7695
    got = run(SGD, [0.5, 0.5], lr=0.1, momentum=0.9, nesterov=True)
    assert got == pytest.approx([0.905, 0.7695], abs=1e-14)


def test_sgd_weight_decay_by_hand():
    # g = 0.5 + 0.1 * 2.0 = 0.7, p = 2 - 0.1 * 0.7 = 1.93
    # g = 0.5 + 0.1 * 1.93 = 0.693, p = 1.93 - 0.0693 = 1.8607
    got = run(SGD, [0.5, 0.5], start=2.0, lr=0.1, weight_decay=0.1)
    assert got == pytest.approx([1.93, 1.8607], abs=1e-14)


def test_adagrad_by_hand():
    # s = 0.25, p = 1 - 0.1 * 0.5 / 0.5 = 0.9; s = 0.25 + 1 = 1.25, p = 0.9 + 0.1 / sqrt(1.25)
    got = run(Adagrad, [0.5, -1.0], lr=0.1, eps=0.0)
    assert got == pytest.approx([0.9, 0.9 + 0.1 / math.sqrt(1.25)], abs=1e-14)
    assert got[1] == pytest.approx(0.98944271909999159, abs=1e-14)


def test_rmsprop_by_hand():
    # v = 0.1 * 0.25 = 0.025, p = 1 - 0.1 * 0.5 / sqrt(0.025) = 1 - 0.31622776601683794
    # v = 0.9 * 0.025 + 0.1 * 0.25 = 0.0475, p -= 0.1 * 0.5 / sqrt(0.0475)
    got = run(RMSprop, [0.5, 0.5], lr=0.1, alpha=0.9, eps=0.0)
    first = 1 - 0.31622776601683794
    assert got == pytest.approx([first, first - 0.05 / math.sqrt(0.0475)], abs=1e-14)


def test_rmsprop_momentum_by_hand():
    # m1 = 0.5 / sqrt(0.025) = 3.1622776601683795 = b1, p = 1 - 0.1 * b1
    # m2 = 0.5 / sqrt(0.0475) = 2.2941573387056176, b2 = 0.5 * b1 + m2, p -= 0.1 * b2
    got = run(RMSprop, [0.5, 0.5], lr=0.1, alpha=0.9, eps=0.0, momentum=0.5)
    b1 = 3.1622776601683795
    b2 = 0.5 * b1 + 2.2941573387056176
    assert got == pytest.approx([1 - 0.1 * b1, 1 - 0.1 * b1 - 0.1 * b2], abs=1e-14)


def test_adam_by_hand():
    # step 1: m = 0.05, v = 0.00025; corrected 0.5 and 0.25: p = 1 - 0.1 * 0.5 / 0.5 = 0.9
    # step 2 (g = -1): m = 0.045 - 0.1 = -0.055, v = 0.00024975 + 0.001 = 0.00124975
    #   corrected m = -0.055 / 0.19, v = 0.00124975 / 0.001999; p = 0.9 - 0.1 * m / sqrt(v)
    got = run(Adam, [0.5, -1.0], lr=0.1, betas=(0.9, 0.999), eps=0.0)
    m_hat, v_hat = -0.055 / 0.19, 0.00124975 / 0.001999
    assert got == pytest.approx([0.9, 0.9 - 0.1 * m_hat / math.sqrt(v_hat)], abs=1e-13)
    assert got[1] == pytest.approx(0.93661, abs=1e-5)


def test_adam_steps_by_lr_on_a_constant_gradient():
    # bias correction makes every step exactly lr when the gradient never changes
    got = run(Adam, [3.0] * 5, lr=0.1, eps=0.0)
    assert got == pytest.approx([0.9, 0.8, 0.7, 0.6, 0.5], abs=1e-12)


# -- against torch.optim on the same gradients ----------------------------------------------

CONFIGS = [
    (SGD, "SGD", {"lr": 0.1}),
    (SGD, "SGD", {"lr": 0.05, "momentum": 0.9}),
    (SGD, "SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01}),
    (SGD, "SGD", {"lr": 0.1, "weight_decay": 0.5}),
    (Adagrad, "Adagrad", {}),
    (Adagrad, "Adagrad", {"lr": 0.3, "eps": 1e-6, "weight_decay": 0.1}),
    (RMSprop, "RMSprop", {}),
    (RMSprop, "RMSprop", {"lr": 0.02, "alpha": 0.9, "momentum": 0.7, "weight_decay": 0.05}),
    (Adam, "Adam", {}),
    (Adam, "Adam", {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.02}),
]


@pytest.mark.parametrize(("ours", "theirs", "kwargs"), CONFIGS)
def test_matches_torch_optim(ours, theirs, kwargs):
    torch = pytest.importorskip("torch")
    rng = random.Random(theirs + repr(kwargs))  # a str seed is the same in every run
    start = [rng.uniform(-2, 2) for _ in range(4)]
    params = [Value(x) for x in start]
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in start]
    optimizer = ours(params, **kwargs)
    reference = getattr(torch.optim, theirs)(tensors, **kwargs)
    for step in range(8):
        if step == 5:  # a schedule changes the learning rate: the rules must agree on how
            optimizer.lr = optimizer.lr / 2
            reference.param_groups[0]["lr"] = reference.param_groups[0]["lr"] / 2
        for p, t in zip(params, tensors):
            g = rng.uniform(-3, 3)
            p.grad = g
            t.grad = torch.tensor(g, dtype=torch.float64)
        optimizer.step()
        reference.step()
        expected = [t.item() for t in tensors]
        assert [p.data for p in params] == pytest.approx(expected, rel=1e-12, abs=1e-14), step


# -- the course notes' momentum snippet --------------------------------------------------


def curve(w):
    """A 1-D loss with a local minimum near w = 0.96 and the global one near w = -1.04."""
    return (w * w - 1) ** 2 + 0.3 * w


def gradient_at(w: float) -> float:
    x = Value(w)
    curve(x).backward()
    return x.grad


def notes_snippet(w, learning_rates, momentum):
    """The loop from the course notes, line for line (one learning rate per step)."""
    past_velocity = 0.0
    trajectory = []
    for learning_rate in learning_rates:
        gradient = gradient_at(w)
        velocity = past_velocity * momentum - learning_rate * gradient
        w = w + momentum * velocity - learning_rate * gradient
        past_velocity = velocity
        trajectory.append(w)
    return trajectory


def sgd_trajectory(w, learning_rates, rescale_buffer=False, **kwargs):
    param = Value(w)
    optimizer = SGD([param], lr=learning_rates[0], **kwargs)
    trajectory = []
    for lr in learning_rates:
        if rescale_buffer and optimizer.buffers is not None:
            # keep lr * buffer (the snippet's velocity) unchanged across the lr change
            optimizer.buffers = [b * optimizer.lr / lr for b in optimizer.buffers]
        optimizer.lr = lr
        optimizer.zero_grad()
        curve(param).backward()
        optimizer.step()
        trajectory.append(param.data)
    return trajectory


def test_notes_snippet_is_nesterov_sgd_at_a_constant_learning_rate():
    rates = [0.01] * 60
    snippet = notes_snippet(2.0, rates, momentum=0.9)
    ours = sgd_trajectory(2.0, rates, momentum=0.9, nesterov=True)
    assert ours == pytest.approx(snippet, rel=1e-10, abs=1e-12)
    # and it is not the plain (heavy-ball) momentum rule
    plain = sgd_trajectory(2.0, rates, momentum=0.9)
    assert max(abs(a - b) for a, b in zip(plain, snippet)) > 1e-3


def test_notes_snippet_with_the_notes_momentum_factor():
    rates = [0.05] * 40
    snippet = notes_snippet(-0.3, rates, momentum=0.1)  # momentum = 0.1 as printed in the notes
    ours = sgd_trajectory(-0.3, rates, momentum=0.1, nesterov=True)
    assert ours == pytest.approx(snippet, rel=1e-10, abs=1e-12)


def test_with_a_changing_learning_rate_the_snippet_differs_exactly_by_the_buffer_scale():
    rates = [linear_decay(0.02, 0.002, 30)(k) for k in range(40)]
    snippet = notes_snippet(2.0, rates, momentum=0.9)
    pytorch_form = sgd_trajectory(2.0, rates, momentum=0.9, nesterov=True)
    assert max(abs(a - b) for a, b in zip(pytorch_form, snippet)) > 1e-4
    # Rescaling the buffer by old_lr / new_lr at every change keeps the velocity lr * buffer,
    # which is what the snippet remembers: then the two agree again.
    rescaled = sgd_trajectory(2.0, rates, rescale_buffer=True, momentum=0.9, nesterov=True)
    assert rescaled == pytest.approx(snippet, rel=1e-10, abs=1e-12)


def test_heavy_ball_form_is_plain_momentum_sgd():
    w, velocity, trajectory = 2.0, 0.0, []
    for _ in range(50):
        velocity = 0.9 * velocity - 0.01 * gradient_at(w)
        w = w + velocity
        trajectory.append(w)
    assert sgd_trajectory(2.0, [0.01] * 50, momentum=0.9) == pytest.approx(
        trajectory, rel=1e-10, abs=1e-12
    )


# -- the behaviour the notes promise ---------------------------------------------------------


def descend(start, steps=300, **kwargs):
    w = Value(start)
    optimizer = SGD([w], **kwargs)
    for _ in range(steps):
        optimizer.zero_grad()
        curve(w).backward()
        optimizer.step()
    return w.data


def test_momentum_escapes_the_local_minimum_plain_sgd_stops_in():
    local_w, global_w = 0.9601, -1.0356  # where the derivative 4w^3 - 4w + 0.3 is 0
    stuck = descend(2.0, lr=0.01)
    rolled = descend(2.0, lr=0.01, momentum=0.9)
    assert stuck == pytest.approx(local_w, abs=1e-3)
    assert rolled == pytest.approx(global_w, abs=1e-3)
    assert curve(rolled) < curve(stuck) - 0.5
    # the global minimum is reachable by plain SGD from its own side: the start decides
    assert descend(-2.0, lr=0.01) == pytest.approx(global_w, abs=1e-3)


@pytest.mark.parametrize(
    ("make", "steps"),
    [
        (lambda p: SGD(p, lr=0.05, momentum=0.9), 60),
        (lambda p: Adagrad(p, lr=0.1), 60),
        (lambda p: RMSprop(p, lr=0.01), 60),
        (lambda p: Adam(p, lr=0.02), 60),
    ],
)
def test_each_optimizer_fits_a_tiny_regression(make, steps):
    model = MLP(1, [8, 1], activation="tanh", seed=1)
    xs = [-1.0, -0.5, 0.0, 0.5, 1.0]
    ys = [x * x for x in xs]
    optimizer = make(model.parameters())

    def loss():
        return sum((model([x]) - y) ** 2 for x, y in zip(xs, ys)) / len(xs)

    first = loss().data
    for _ in range(steps):
        optimizer.zero_grad()
        loss().backward()
        optimizer.step()
    assert loss().data < 0.3 * first


# -- the Optimizer interface -------------------------------------------------------------------


def test_zero_grad_step_count_closure_and_module():
    model = MLP(2, [3, 1])
    optimizer = SGD(model, lr=0.1)  # a Module is accepted as well as model.parameters()
    assert optimizer.params == model.parameters()
    model([1.0, 2.0]).backward()
    optimizer.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())

    def closure():
        optimizer.zero_grad()
        out = model([1.0, 2.0])
        out.backward()
        return out

    before = model.state_dict()
    loss = optimizer.step(closure)
    assert isinstance(loss, Value) and optimizer.steps == 1
    assert model.state_dict() != before
    assert isinstance(optimizer, Optimizer) and "lr=0.1" in repr(optimizer)


def test_lr_is_readable_and_writable():
    w = Value(1.0)
    optimizer = SGD([w], lr=0.5)
    assert optimizer.lr == 0.5
    optimizer.lr = 0.25
    w.grad = 1.0
    optimizer.step()
    assert w.data == 0.75
    with pytest.raises(ValueError, match="lr"):
        optimizer.lr = -1.0


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda p: SGD(p, lr=-0.1), "lr must be >= 0"),
        (lambda p: SGD(p, lr=float("nan")), "lr"),
        (lambda p: SGD(p, lr=0.1, momentum=-0.5), "momentum"),
        (lambda p: SGD(p, lr=0.1, nesterov=True), "nesterov=True needs a momentum"),
        (lambda p: SGD(p, lr=0.1, weight_decay=-1), "weight_decay"),
        (lambda p: Adagrad(p, eps=-1e-10), "eps"),
        (lambda p: RMSprop(p, alpha=-0.5), "alpha"),
        (lambda p: RMSprop(p, momentum=-0.5), "momentum"),
        (lambda p: Adam(p, betas=(0.9, 1.0)), r"betas\[1\]"),
        (lambda p: Adam(p, betas=(-0.1, 0.9)), r"betas\[0\]"),
        (lambda p: Adam(p, betas=0.9), "betas must be a pair"),
        (lambda p: Adam(p, lr=-0.001), "lr"),
        (lambda p: SGD([], lr=0.1), "empty parameter list"),
        (lambda p: SGD(p + p, lr=0.1), "more than once"),
    ],
)
def test_bad_arguments_are_value_errors_naming_the_argument(make, match):
    with pytest.raises(ValueError, match=match):
        make([Value(1.0)])


def test_non_values_are_type_errors():
    with pytest.raises(TypeError, match=r"params\[1\] must be a Value"):
        SGD([Value(1.0), 2.0], lr=0.1)
    with pytest.raises(TypeError, match="single Value"):
        SGD(Value(1.0), lr=0.1)
    with pytest.raises(TypeError, match="lr must be a number"):
        SGD([Value(1.0)], lr="fast")


# -- schedules -------------------------------------------------------------------------------


def test_linear_decay_is_the_original_demo_schedule():
    schedule = linear_decay(1.0, 0.1, total_steps=100)
    for k in range(100):
        assert schedule(k) == pytest.approx(1.0 - 0.9 * k / 100, abs=1e-15)
    assert schedule(100) == 0.1 and schedule(500) == 0.1


def test_step_and_exponential_decay():
    schedule = step_decay(0.1, drop=0.5, every=10)
    assert [schedule(k) for k in (0, 9, 10, 19, 20, 35)] == [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125]
    decay = exponential_decay(2.0, gamma=0.9)
    assert [decay(k) for k in range(4)] == pytest.approx([2.0, 1.8, 1.62, 1.458], abs=1e-15)


def test_schedule_drives_an_optimizer():
    w = Value(0.0)
    optimizer = SGD([w], lr=1.0)
    schedule = step_decay(1.0, drop=0.1, every=1)
    for k in range(3):
        optimizer.lr = schedule(k)
        w.grad = -1.0
        optimizer.step()
    assert w.data == pytest.approx(1.0 + 0.1 + 0.01, abs=1e-15)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: step_decay(-0.1, 0.5, 10), "lr0"),
        (lambda: step_decay(0.1, 0.0, 10), "drop"),
        (lambda: step_decay(0.1, 0.5, 0), "every"),
        (lambda: linear_decay(1.0, -0.1, 100), "lr_end"),
        (lambda: linear_decay(1.0, 0.1, 0), "total_steps"),
        (lambda: exponential_decay(1.0, 0.0), "gamma"),
        (lambda: linear_decay(1.0, 0.1, 10)(-1), "step number"),
        (lambda: step_decay(1.0, 0.5, 2)(1.5), "step number"),
    ],
)
def test_bad_schedule_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_docstring_examples_run_as_printed():
    import doctest

    import micrograd.optim

    result = doctest.testmod(micrograd.optim, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


# -- never a step into inf or NaN (issue 13) -------------------------------------------------

OPTIMIZERS_WITH_STATE = [
    lambda params: SGD(params, lr=0.1),
    lambda params: SGD(params, lr=0.1, momentum=0.9),
    lambda params: SGD(params, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    lambda params: Adagrad(params, lr=0.1),
    lambda params: RMSprop(params, lr=0.1, momentum=0.5),
    lambda params: Adam(params, lr=0.1),
]


def state_of(optimizer):
    """Everything an optimizer remembers between steps, copied."""
    return {
        key: list(value) if isinstance(value, list) else value
        for key, value in vars(optimizer).items()
        if key != "params"
    }


@pytest.mark.parametrize("make", OPTIMIZERS_WITH_STATE)
@pytest.mark.parametrize("bad_grad", [math.inf, -math.inf, math.nan])
def test_a_step_into_inf_or_nan_is_refused_and_changes_nothing(make, bad_grad):
    params = [Value(0.5, label="w"), Value(-0.25, label="b")]
    optimizer = make(params)
    for p in params:  # one healthy step first, so that buffers and moments hold something
        p.grad = 0.3
    optimizer.step()
    data, state = [p.data for p in params], state_of(optimizer)

    params[1].grad = bad_grad
    with pytest.raises(OverflowError, match=r"parameter 1 \(label 'b'\) would become") as info:
        optimizer.step()
    assert repr(bad_grad) in str(info.value) and "smaller learning rate" in str(info.value)
    assert [p.data for p in params] == data  # no parameter moved, not even the healthy one
    assert state_of(optimizer) == state  # nor the buffers, moments or step count

    # the refused step left no trace: the next step equals a twin's that never saw it
    twin_params = [Value(0.5), Value(-0.25)]
    twin = make(twin_params)
    for p in twin_params:
        p.grad = 0.3
    twin.step()
    for ps in (params, twin_params):
        for p in ps:
            p.grad = -0.2
    optimizer.step()
    twin.step()
    assert [p.data for p in params] == [p.data for p in twin_params]


def test_an_overflow_from_finite_numbers_is_refused_naming_the_module_parameter():
    model = MLP(2, [3, 1], seed=0)
    optimizer = SGD(model, lr=1e300)  # a Module: errors use the parameters' names
    for p in model.parameters():
        p.grad = 1.0
    model.layers[1].neurons[0].w[2].grad = 1e10  # lr * grad overflows to inf
    before = model.state_dict()
    with pytest.raises(OverflowError, match=r"parameter 'layers\.1\.neurons\.0\.w\.2'") as info:
        optimizer.step()
    assert "grad 10000000000.0" in str(info.value) and "lr 1e+300" in str(info.value)
    assert model.state_dict() == before and optimizer.steps == 0


def test_an_unlabelled_parameter_is_named_by_its_index():
    params = [Value(1.0), Value(2.0), Value(3.0)]
    params[2].grad = math.nan
    with pytest.raises(OverflowError, match=r"parameter 2 would become nan \(data 3\.0, grad nan"):
        Adam(params, lr=0.01).step()


def test_a_module_gives_its_parameters_and_names_even_when_it_chooses_a_subset():
    class Frozen(MLP):
        def parameters(self):  # train only the last layer
            return self.layers[-1].parameters()

    model = Frozen(2, [3, 1], seed=0)
    optimizer = SGD(model, lr=1e300)
    assert optimizer.params == model.layers[-1].parameters()
    assert optimizer.names[0] == "layers.1.neurons.0.w.0"
    optimizer.params[0].grad = 1e10
    with pytest.raises(OverflowError, match=r"parameter 'layers\.1\.neurons\.0\.w\.0'"):
        optimizer.step()


def test_a_growing_schedule_that_overflows_says_so():
    with pytest.raises(OverflowError, match=r"step_decay: at step 2000 .*2\.0 \*\* 2000"):
        step_decay(0.1, drop=2.0, every=1)(2000)
    with pytest.raises(OverflowError, match="exponential_decay: at step 5000"):
        exponential_decay(1.0, gamma=1.5)(5000)
    assert exponential_decay(1.0, gamma=0.5)(5000) == 0.0  # decaying to 0 is fine


@pytest.mark.parametrize(
    "cls, settings",
    [
        (SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
        (Adagrad, {"lr": 0.2, "eps": 1e-6, "weight_decay": 0.01}),
        (RMSprop, {"lr": 0.2, "alpha": 0.9, "eps": 1e-6, "momentum": 0.5, "weight_decay": 0.01}),
        (Adam, {"lr": 0.2, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.01}),
    ],
)
def test_repr_shows_every_setting_in_order(cls, settings):
    shown = ", ".join(f"{name}={value!r}" for name, value in settings.items())
    assert repr(cls([Value(1.0)], **settings)) == f"{cls.__name__}(1 parameters, {shown})"
