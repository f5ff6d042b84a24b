"""Optimizers: how to step the parameters against their gradients.

Every optimizer follows PyTorch's update rule and argument names, so a training loop written
here reads like one written for ``torch.optim``::

    >>> from micrograd.nn import MLP
    >>> model = MLP(2, [8, 1], seed=0)
    >>> optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    >>> for step in range(3):
    ...     optimizer.zero_grad()                       # gradients add up until zeroed
    ...     loss = (model([1.0, -1.0]) - 0.5) ** 2      # forward pass and loss
    ...     loss.backward()                             # backward pass: fills p.grad
    ...     optimizer.step()                            # p.data moves against p.grad

``optimizer.lr`` can be read and changed between steps, which is all a learning-rate schedule
needs; :func:`step_decay`, :func:`linear_decay` and :func:`exponential_decay` make such
schedules as plain callables (step number -> learning rate)::

    >>> schedule = linear_decay(1.0, 0.1, total_steps=100)   # the original micrograd demo
    >>> optimizer.lr = schedule(50)
    >>> optimizer.lr
    0.55

Every parameter is updated on every step, also one whose gradient is 0 (it has no
"gradient is None" state as in PyTorch): with momentum or weight decay it still moves.

A step never makes a parameter infinite or NaN: the new values are computed first, and if one
is not finite, ``step()`` raises ``OverflowError`` naming the parameter and its numbers and
changes nothing (neither the parameters nor the optimizer's state). That is a diverging
run: lower the learning rate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from micrograd.engine import Value

__all__ = [
    "Adagrad",
    "Adam",
    "Optimizer",
    "RMSprop",
    "SGD",
    "exponential_decay",
    "linear_decay",
    "step_decay",
]


def _check_number(
    owner: str,
    name: str,
    value: object,
    minimum: float = 0.0,
    below: float | None = None,
) -> float:
    """``value`` as a float if ``minimum <= value`` (``< below``), else a ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{owner}: {name} must be a number, got {type(value).__name__}: {value!r}.")
    value = float(value)
    if not math.isfinite(value) or value < minimum or (below is not None and value >= below):
        bound = f"in [{minimum:g}, {below:g})" if below is not None else f">= {minimum:g}"
        raise ValueError(f"{owner}: {name} must be {bound}, got {value!r}.")
    return value


class Optimizer:
    """Base class: holds the parameters and the learning rate, and zeroes gradients.

    Subclasses implement :meth:`_update` (the new values of all parameters, from the
    gradients, without changing anything). ``params`` is a list of Values (e.g.
    ``model.parameters()``) or a Module (then errors name its parameters).
    """

    def __init__(self, params: Iterable[Value] | Any, lr: float) -> None:
        owner = type(self).__name__
        #: each parameter's name when a Module was given (for error messages), else None
        self.names: list[str | None] | None = None
        module = None
        if hasattr(params, "parameters") and callable(params.parameters):
            module, params = params, params.parameters()  # a Module: be forgiving
        if isinstance(params, Value):
            raise TypeError(f"{owner}: params must be a list of Values, got a single Value.")
        try:
            params = list(params)
        except TypeError:
            raise TypeError(
                f"{owner}: params must be a list of Values, e.g. model.parameters(), "
                f"got {type(params).__name__}."
            ) from None
        if not params:
            raise ValueError(f"{owner} got an empty parameter list; pass model.parameters().")
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise TypeError(
                    f"{owner}: params[{i}] must be a Value, got {type(p).__name__}: {p!r}."
                )
        if len({id(p) for p in params}) != len(params):
            raise ValueError(
                f"{owner}: a parameter appears more than once in params; it would be stepped "
                "twice per step. Pass each Value once."
            )
        self.params: list[Value] = params
        if hasattr(module, "named_parameters"):
            name_of = {id(p): name for name, p in module.named_parameters()}
            self.names = [name_of.get(id(p)) for p in params]
        self.lr = lr  # checked by the property setter
        #: how many times step() has run
        self.steps = 0

    @property
    def lr(self) -> float:
        """The learning rate of the next step; set it to follow a schedule."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = _check_number(type(self).__name__, "lr", value)

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (call it before each backward pass)."""
        for p in self.params:
            p.grad = 0.0

    def step(self, closure: Callable[[], Value] | None = None) -> Value | None:
        """Update every parameter from its ``.grad``.

        ``closure`` (optional, as in PyTorch) recomputes the loss and its gradients; it is
        called first and its result returned.
        """
        loss = closure() if closure is not None else None
        grads = self._gradients()
        new_data, new_state = self._update(grads, self.steps + 1)
        self._check_finite(new_data, grads)  # before anything changes
        for name, value in new_state.items():
            setattr(self, name, value)
        for p, data in zip(self.params, new_data):
            p.data = data
        self.steps += 1
        return loss

    def _update(self, grads: list[float], t: int) -> tuple[list[float], dict[str, Any]]:
        """Step ``t`` (1, 2, ...): the parameters' new data, and the new state by attribute.

        Pure: it reads ``self`` but changes nothing; :meth:`step` checks, then applies.
        """
        raise NotImplementedError  # pragma: no cover - every subclass overrides it

    def _check_finite(self, new_data: list[float], grads: list[float]) -> None:
        for i, value in enumerate(new_data):
            if not math.isfinite(value):
                p = self.params[i]
                raise OverflowError(
                    f"{type(self).__name__}.step: {self._describe(i)} would become {value!r} "
                    f"(data {p.data!r}, grad {grads[i]!r}, lr {self.lr!r}); no parameter was "
                    "changed. Training diverged: use a smaller learning rate."
                )

    def _describe(self, i: int) -> str:
        """How an error names parameter ``i``: its name, else its index (and label)."""
        if self.names is not None and self.names[i] is not None:
            return f"parameter {self.names[i]!r}"
        label = self.params[i].label
        return f"parameter {i}" + (f" (label {label!r})" if label else "")

    def _gradients(self) -> list[float]:
        """Each parameter's gradient, plus ``weight_decay * p`` (an L2 penalty's gradient)."""
        weight_decay = getattr(self, "weight_decay", 0.0)
        if weight_decay:
            return [p.grad + weight_decay * p.data for p in self.params]
        return [p.grad for p in self.params]

    #: the settings that ``repr`` shows, in order (each subclass names its own)
    _SETTINGS: tuple[str, ...] = ("lr",)

    def __repr__(self) -> str:
        settings = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._SETTINGS)
        return f"{type(self).__name__}({len(self.params)} parameters, {settings})"


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum (PyTorch's rule exactly).

    With ``g`` the gradient (plus ``weight_decay * p``), ``mu`` the momentum and ``b`` the
    momentum buffer (``b = g`` on the first step)::

        plain       p <- p - lr * g
        momentum    b <- mu * b + g          p <- p - lr * b
        nesterov    b <- mu * b + g          p <- p - lr * (g + mu * b)

    **How this relates to the momentum snippet in the course notes.** The notes write::

        velocity = past_velocity * momentum - learning_rate * gradient
        w = w + momentum * velocity - learning_rate * gradient

    The notes' ``velocity`` is measured in steps of ``w`` (learning rate already applied and
    sign flipped); PyTorch's buffer ``b`` is measured in gradients. Call
    ``velocity = -lr * b`` and put it into the notes' two lines:

    * the first line becomes ``-lr * b_new = momentum * (-lr * b_old) - lr * g``; divide by
      ``-lr``: ``b_new = momentum * b_old + g``, PyTorch's buffer update (and with
      ``past_velocity = 0`` the first buffer is ``g``, as in PyTorch);
    * the second line becomes ``w = w - lr * momentum * b - lr * g = w - lr * (g + momentum * b)``,
      PyTorch's *Nesterov* step: the update uses the gradient now plus the momentum of the
      *new* buffer, a look-ahead.

    So the snippet is ``SGD(params, lr=learning_rate, momentum=momentum, nesterov=True)``,
    step for step, as long as the learning rate stays the same. What differs when the
    learning rate changes during training: the snippet's velocity keeps each old gradient
    multiplied by the learning rate *of its own step*, while PyTorch multiplies the whole
    buffer by the learning rate *of the current step*. (The plain "heavy ball" momentum,
    ``nesterov=False``, would instead be ``velocity = momentum * velocity - lr * g;
    w = w + velocity``.) ``tests/test_optim.py`` checks both statements numerically.

    >>> from micrograd import Value
    >>> w = Value(1.0)
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> w.grad = 0.5; opt.step(); w.data      # b = 0.5, w = 1 - 0.1 * 0.5
    0.95
    >>> w.grad = 0.5; opt.step(); round(w.data, 12)   # b = 0.9 * 0.5 + 0.5 = 0.95
    0.855
    """

    _SETTINGS = ("lr", "momentum", "nesterov", "weight_decay")

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _check_number("SGD", "momentum", momentum)
        self.weight_decay = _check_number("SGD", "weight_decay", weight_decay)
        self.nesterov = bool(nesterov)
        if self.nesterov and self.momentum == 0.0:
            raise ValueError("SGD: nesterov=True needs a momentum > 0, got momentum=0.")
        self.buffers: list[float] | None = None  # momentum buffers, made on the first step

    def _update(self, grads: list[float], t: int) -> tuple[list[float], dict[str, Any]]:
        lr, mu, params = self.lr, self.momentum, self.params
        if mu == 0.0:
            return [p.data - lr * g for p, g in zip(params, grads)], {}
        if self.buffers is None:
            buffers = list(grads)  # first step: the buffer starts at the gradient
        else:
            buffers = [mu * b + g for b, g in zip(self.buffers, grads)]
        if self.nesterov:
            new_data = [p.data - lr * (g + mu * b) for p, g, b in zip(params, grads, buffers)]
        else:
            new_data = [p.data - lr * b for p, b in zip(params, buffers)]
        return new_data, {"buffers": buffers}


class Adagrad(Optimizer):
    """Adagrad: each parameter's step is divided by the root of its summed squared gradients.

    ``s <- s + g * g``;  ``p <- p - lr * g / (sqrt(s) + eps)``. Parameters that have seen large
    gradients take smaller steps from then on (PyTorch's rule with ``lr_decay=0``).
    """

    _SETTINGS = ("lr", "eps", "weight_decay")

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.01,
        eps: float = 1e-10,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.eps = _check_number("Adagrad", "eps", eps)
        self.weight_decay = _check_number("Adagrad", "weight_decay", weight_decay)
        self.sums = [0.0] * len(self.params)

    def _update(self, grads: list[float], t: int) -> tuple[list[float], dict[str, Any]]:
        lr, eps = self.lr, self.eps
        sums = [s + g * g for s, g in zip(self.sums, grads)]
        new_data = [
            p.data - lr * g / (math.sqrt(s) + eps) for p, g, s in zip(self.params, grads, sums)
        ]
        return new_data, {"sums": sums}


class RMSprop(Optimizer):
    """RMSprop: like Adagrad, but with a moving average of the squared gradients.

    ``v <- alpha * v + (1 - alpha) * g * g``; with ``m = g / (sqrt(v) + eps)``:
    ``p <- p - lr * m``, or with momentum ``b <- momentum * b + m``, ``p <- p - lr * b``
    (PyTorch's rule with ``centered=False``).
    """

    _SETTINGS = ("lr", "alpha", "eps", "momentum", "weight_decay")

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.alpha = _check_number("RMSprop", "alpha", alpha)
        self.eps = _check_number("RMSprop", "eps", eps)
        self.momentum = _check_number("RMSprop", "momentum", momentum)
        self.weight_decay = _check_number("RMSprop", "weight_decay", weight_decay)
        self.square_avgs = [0.0] * len(self.params)
        self.buffers = [0.0] * len(self.params)

    def _update(self, grads: list[float], t: int) -> tuple[list[float], dict[str, Any]]:
        lr, alpha, eps, mu = self.lr, self.alpha, self.eps, self.momentum
        v = [alpha * v + (1.0 - alpha) * g * g for v, g in zip(self.square_avgs, grads)]
        scaled = [g / (math.sqrt(vi) + eps) for g, vi in zip(grads, v)]
        state = {"square_avgs": v}
        if mu:
            scaled = state["buffers"] = [mu * b + m for b, m in zip(self.buffers, scaled)]
        return [p.data - lr * m for p, m in zip(self.params, scaled)], state


class Adam(Optimizer):
    """Adam: momentum (a moving average of gradients) over RMSprop's scaling, bias-corrected.

    At step t: ``m <- b1 * m + (1 - b1) * g``, ``v <- b2 * v + (1 - b2) * g * g``,
    ``p <- p - lr / (1 - b1**t) * m / (sqrt(v) / sqrt(1 - b2**t) + eps)``.
    The corrections ``1 - b**t`` undo the pull towards 0 of averages that start at 0
    (PyTorch's rule with ``amsgrad=False``; weight decay added to the gradient, not AdamW).
    """

    _SETTINGS = ("lr", "betas", "eps", "weight_decay")

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        try:
            beta1, beta2 = betas
        except (TypeError, ValueError):
            raise ValueError(f"Adam: betas must be a pair (beta1, beta2), got {betas!r}.") from None
        self.betas = (
            _check_number("Adam", "betas[0]", beta1, below=1.0),
            _check_number("Adam", "betas[1]", beta2, below=1.0),
        )
        self.eps = _check_number("Adam", "eps", eps)
        self.weight_decay = _check_number("Adam", "weight_decay", weight_decay)
        self.first_moments = [0.0] * len(self.params)
        self.second_moments = [0.0] * len(self.params)

    def _update(self, grads: list[float], t: int) -> tuple[list[float], dict[str, Any]]:
        (b1, b2), eps = self.betas, self.eps
        step_size = self.lr / (1.0 - b1**t)
        root_correction = math.sqrt(1.0 - b2**t)
        m = [b1 * m + (1.0 - b1) * g for m, g in zip(self.first_moments, grads)]
        v = [b2 * v + (1.0 - b2) * g * g for v, g in zip(self.second_moments, grads)]
        new_data = [
            p.data - step_size * mi / (math.sqrt(vi) / root_correction + eps)
            for p, mi, vi in zip(self.params, m, v)
        ]
        return new_data, {"first_moments": m, "second_moments": v}


# --------------------------------------------------------------------------------------
# Learning-rate schedules: callables from the step number (0, 1, 2, ...) to a learning rate
# --------------------------------------------------------------------------------------


def _power(base: float, exponent: int, schedule: str, step: int) -> float:
    """``base ** exponent``, with a clear message when a growing schedule overflows."""
    try:
        return base**exponent
    except OverflowError:
        raise OverflowError(
            f"{schedule}: at step {step} the learning rate grows past the largest float "
            f"({base!r} ** {exponent}); use a factor <= 1 to decay the rate."
        ) from None


def _check_whole(owner: str, name: str, value: object, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{owner}: {name} must be a whole number >= {minimum}, got {value!r}.")
    return value


@dataclass(frozen=True)
class StepDecay:
    """``lr0 * drop ** (step // every)``: the learning rate drops by a factor every few steps."""

    lr0: float
    drop: float
    every: int

    def __call__(self, step: int) -> float:
        drops = _check_whole("step_decay", "the step number", step, 0) // self.every
        return self.lr0 * _power(self.drop, drops, "step_decay", step)


@dataclass(frozen=True)
class LinearDecay:
    """From ``lr0`` at step 0 in a straight line to ``lr_end`` at ``total_steps``, then flat."""

    lr0: float
    lr_end: float
    total_steps: int

    def __call__(self, step: int) -> float:
        step = _check_whole("linear_decay", "the step number", step, 0)
        progress = min(step, self.total_steps) / self.total_steps
        return self.lr0 * (1.0 - progress) + self.lr_end * progress  # exact at both ends


@dataclass(frozen=True)
class ExponentialDecay:
    """``lr0 * gamma ** step``: the learning rate shrinks by the same factor every step."""

    lr0: float
    gamma: float

    def __call__(self, step: int) -> float:
        step = _check_whole("exponential_decay", "the step number", step, 0)
        return self.lr0 * _power(self.gamma, step, "exponential_decay", step)


def step_decay(lr0: float, drop: float, every: int) -> StepDecay:
    """Multiply the learning rate by ``drop`` every ``every`` steps.

    >>> schedule = step_decay(0.1, drop=0.5, every=10)
    >>> [schedule(k) for k in (0, 9, 10, 25)]
    [0.1, 0.1, 0.05, 0.025]
    """
    lr0 = _check_number("step_decay", "lr0", lr0)
    drop = _check_number("step_decay", "drop", drop)
    if drop == 0.0:
        raise ValueError("step_decay: drop must be > 0, got 0.0 (the rate would become 0).")
    return StepDecay(lr0, drop, _check_whole("step_decay", "every", every))


def linear_decay(lr0: float, lr_end: float, total_steps: int) -> LinearDecay:
    """Go from ``lr0`` to ``lr_end`` in a straight line over ``total_steps`` steps.

    The original micrograd demo uses ``lr = 1.0 - 0.9 * k / 100``, which is
    ``linear_decay(1.0, 0.1, 100)``:

    >>> schedule = linear_decay(1.0, 0.1, total_steps=100)
    >>> [schedule(k) for k in (0, 50, 100, 150)]
    [1.0, 0.55, 0.1, 0.1]
    """
    lr0 = _check_number("linear_decay", "lr0", lr0)
    lr_end = _check_number("linear_decay", "lr_end", lr_end)
    return LinearDecay(lr0, lr_end, _check_whole("linear_decay", "total_steps", total_steps))


def exponential_decay(lr0: float, gamma: float) -> ExponentialDecay:
    """Multiply the learning rate by ``gamma`` after every step.

    >>> schedule = exponential_decay(1.0, gamma=0.5)
    >>> [schedule(k) for k in (0, 1, 3)]
    [1.0, 0.5, 0.125]
    """
    lr0 = _check_number("exponential_decay", "lr0", lr0)
    gamma = _check_number("exponential_decay", "gamma", gamma)
    if gamma == 0.0:
        raise ValueError("exponential_decay: gamma must be > 0, got 0.0.")
    return ExponentialDecay(lr0, gamma)
