"""Training a model: the loop of the course notes, written out once.

One *step* of gradient descent is always the same five moves:

1. take a batch of samples ``x`` and their targets ``y``;
2. forward pass: run the model on ``x`` to get its scores;
3. loss: measure how far the scores are from ``y`` (plus an L2 penalty on the weights);
4. backward pass: ``loss.backward()`` fills every parameter's ``.grad``;
5. update: move each parameter a little against its gradient (``optimizer.step()``).

:func:`fit` runs that step over every batch, for a number of epochs, and returns a
:class:`History` of the loss and accuracy, ready to plot (``micrograd.plots.plot_history``):

>>> from micrograd.nn import MLP
>>> from micrograd.data import xor
>>> X, y = xor()
>>> model = MLP(2, [8, 1], activation="tanh", seed=0)
>>> history = fit(model, X, y, loss="hinge", optimizer="sgd", lr=0.1, epochs=200,
...               progress=False)
>>> accuracy(model, X, y)
1.0
>>> history.loss[0] > history.loss[-1]
True

Labels are class numbers ``0, 1, ...`` as the generators in :mod:`micrograd.data` make them
(for two classes, -1/+1 as in the original demo also works: -1 is class 0).
A binary model has one output, a *score*: it predicts class 1 when the score is above 0.
A model for ``k > 2`` classes has ``k`` outputs and predicts the largest one.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Union

from micrograd import losses, optim
from micrograd.data import batches
from micrograd.engine import Value, gc_paused  # gc_paused: re-exported for fit's users
from micrograd.nn import parameter_count

__all__ = [
    "LOSSES",
    "OPTIMIZERS",
    "History",
    "StepInfo",
    "StopTraining",
    "accuracy",
    "estimate_cost",
    "evaluate",
    "fit",
    "gc_paused",
    "make_optimizer",
    "predict",
    "scores",
]

Score = Union[Value, float]  # noqa: UP007 - evaluated at runtime on 3.10
Model = Callable[[Sequence[float]], Any]
LossFunction = Callable[[list, list], Value]


# --------------------------------------------------------------------------------------
# What a model says: scores, predictions, accuracy
# --------------------------------------------------------------------------------------


def _outputs(output: Any) -> list:
    """A model's output as a list: one score (binary) or one per class."""
    if isinstance(output, (list, tuple)):
        return list(output)
    return [output]


def _data(v: Score) -> float:
    return v.data if isinstance(v, Value) else float(v)


def _label(output: Any) -> int:
    """The predicted class from a model's output (one Value, or one per class)."""
    outs = _outputs(output)
    if len(outs) == 1:
        return 1 if _data(outs[0]) > 0.0 else 0
    values = [_data(v) for v in outs]
    return max(range(len(values)), key=values.__getitem__)


def _as_class(label: int) -> int:
    """A label as a class number: -1 (the negative class of the original demo) is class 0."""
    return 0 if label == -1 else label


def scores(model: Model, X: Sequence[Sequence[float]]) -> list[list[float]]:
    """The model's raw outputs on each sample, as floats (one list per sample)."""
    with gc_paused():
        return [[_data(v) for v in _outputs(model(x))] for x in X]


def predict(model: Model, X: Sequence[Sequence[float]]) -> list[int]:
    """The predicted class of each sample: ``score > 0`` for one output, else the argmax.

    >>> predict(lambda x: x[0] - x[1], [[2.0, 1.0], [1.0, 2.0]])
    [1, 0]
    """
    with gc_paused():
        return [_label(model(x)) for x in X]


def _check_data(X: Sequence, y: Sequence, where: str) -> None:
    if len(X) != len(y) or not X:
        raise ValueError(
            f"{where}: X and y must be non-empty and of the same length, "
            f"got {len(X)} samples and {len(y)} labels."
        )


def _fraction_correct(outputs: Sequence[Any], y: Sequence[int]) -> float:
    """The fraction of the model's outputs whose predicted class is the label."""
    return sum(_label(out) == _as_class(t) for out, t in zip(outputs, y)) / len(y)


def accuracy(model: Model, X: Sequence[Sequence[float]], y: Sequence[int]) -> float:
    """The fraction of samples whose predicted class is the label (0.0 to 1.0).

    The package's one accuracy. Binary labels may be 0/1 or -1/+1 (-1 counts as class 0).

    >>> accuracy(lambda x: x[0], [[2.0], [-1.0], [0.5]], [1, 0, 0])
    0.6666666666666666
    """
    _check_data(X, y, "accuracy")
    with gc_paused():
        return _fraction_correct([model(x) for x in X], y)


# --------------------------------------------------------------------------------------
# Losses by name
# --------------------------------------------------------------------------------------


def _binary_scores(outputs: list, name: str) -> list:
    scores = []
    for out in outputs:
        outs = _outputs(out)
        if len(outs) != 1:
            raise ValueError(
                f"the {name!r} loss is for a model with one output (a score), but the model "
                f"gave {len(outs)} outputs; use loss='cross_entropy' for several classes."
            )
        scores.append(outs[0])
    return scores


# The binary losses check the labels (0/1 or -1/+1) themselves, once per batch.


def _hinge(outputs: list, y: Sequence[int]) -> Value:
    return losses.hinge(_binary_scores(outputs, "hinge"), y)


def _mse(outputs: list, y: Sequence[int]) -> Value:
    # Targets -1/+1, so that the decision threshold stays at 0 as for the other losses.
    return losses.mse(_binary_scores(outputs, "mse"), losses._signs(y, "mse"))


def _bce(outputs: list, y: Sequence[int]) -> Value:
    # Class labels only (not the soft labels binary_cross_entropy also takes): 0.0 or 1.0.
    targets = [(sign + 1.0) / 2.0 for sign in losses._signs(y, "bce")]
    return losses.binary_cross_entropy(_binary_scores(outputs, "bce"), targets)


def _cross_entropy(outputs: list, y: Sequence[int]) -> Value:
    logits = [_outputs(out) for out in outputs]
    if len(logits[0]) < 2:  # the labels (0..k-1) are checked by losses.cross_entropy
        raise ValueError(
            "the 'cross_entropy' loss needs one model output per class (two or more); "
            f"the model has {len(logits[0])}."
        )
    return losses.cross_entropy(logits, list(y))


#: Loss name -> function(outputs, labels) -> Value. Labels are 0/1 for the binary losses.
LOSSES: dict[str, LossFunction] = {
    "hinge": _hinge,
    "mse": _mse,
    "bce": _bce,
    "binary_cross_entropy": _bce,
    "cross_entropy": _cross_entropy,
}


def _loss_function(loss: str | LossFunction) -> LossFunction:
    if callable(loss):
        return loss
    if loss not in LOSSES:
        choices = ", ".join(repr(name) for name in LOSSES)
        raise ValueError(f"fit: unknown loss {loss!r}; choose one of {choices} or a function.")
    return LOSSES[loss]


# --------------------------------------------------------------------------------------
# Optimizers by name
# --------------------------------------------------------------------------------------

#: The one table of optimizers by name: name -> (class in :mod:`micrograd.optim`, default
#: learning rate, extra arguments). The default rates are the ones ``micrograd demo`` starts
#: from (an MLP(2, [16, 16, 1]) on two moons, full batch); tests/test_train.py checks that
#: each of them trains that model.
OPTIMIZERS: dict[str, tuple[str, float, dict[str, Any]]] = {
    "sgd": ("SGD", 1.0, {}),
    "momentum": ("SGD", 0.1, {"momentum": 0.9}),
    "nesterov": ("SGD", 0.1, {"momentum": 0.9, "nesterov": True}),
    "adagrad": ("Adagrad", 0.3, {}),
    "rmsprop": ("RMSprop", 0.01, {}),
    "adam": ("Adam", 0.03, {}),
}


def make_optimizer(name: str, params: Sequence[Value], lr: float | None = None, **kwargs: Any):
    """An optimizer from :mod:`micrograd.optim` by name, with a sensible default ``lr``.

    Names: ``sgd``, ``momentum`` (SGD with momentum 0.9), ``nesterov``, ``adagrad``,
    ``rmsprop``, ``adam``. Extra keyword arguments go to the optimizer.

    >>> make_optimizer("momentum", [Value(1.0)], lr=0.1).momentum
    0.9
    """
    if name not in OPTIMIZERS:
        choices = ", ".join(repr(n) for n in OPTIMIZERS)
        raise ValueError(f"unknown optimizer {name!r}; choose one of {choices}.")
    class_name, default_lr, defaults = OPTIMIZERS[name]
    optimizer_class = getattr(optim, class_name)
    return optimizer_class(list(params), lr=default_lr if lr is None else lr, **defaults, **kwargs)


# --------------------------------------------------------------------------------------
# The history of a training run
# --------------------------------------------------------------------------------------


@dataclass
class History:
    """Loss and accuracy of a training run, per step (one update) and per epoch.

    ``loss[i]`` and ``accuracy[i]`` are measured on the batch of step ``i`` *before* its
    update (the forward pass of that step); the loss includes the L2 penalty when
    ``alpha > 0``. ``epoch_loss[e]`` is the average over the
    batches of epoch ``e``, weighted by their size. ``lr[i]`` is the learning rate used in
    step ``i``. All plain lists of floats: ``plt.plot(history.loss)`` just works.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    epoch: list[int] = field(default_factory=list)  # the epoch of each step
    epoch_loss: list[float] = field(default_factory=list)
    epoch_accuracy: list[float] = field(default_factory=list)

    @property
    def steps(self) -> int:
        """The number of updates made."""
        return len(self.loss)

    @property
    def epochs(self) -> int:
        """The number of complete epochs."""
        return len(self.epoch_loss)

    def as_dict(self) -> dict[str, list]:
        """The history as a dict of lists (copies, JSON-friendly)."""
        return asdict(self)

    def __repr__(self) -> str:
        if not self.loss:
            return "History(steps=0)"
        return (
            f"History(steps={self.steps}, epochs={self.epochs}, "
            f"loss={self.loss[0]:.4g} -> {self.loss[-1]:.4g}, "
            f"accuracy={self.accuracy[0]:.1%} -> {self.accuracy[-1]:.1%})"
        )


@dataclass
class StepInfo:
    """What a callback receives after each step of :func:`fit`."""

    step: int  # 0, 1, 2, ... over the whole run
    epoch: int  # 0, 1, 2, ...
    loss: float  # loss on this step's batch, before the update
    accuracy: float  # accuracy on this step's batch, before the update
    lr: float  # learning rate used for the update
    batch_size: int
    end_of_epoch: bool  # the last step of its epoch (history.epoch_loss[-1] is this epoch's)
    model: Any
    optimizer: Any
    history: History


class StopTraining(Exception):
    """Raise this in a callback to end :func:`fit` early; the history so far is returned."""


# --------------------------------------------------------------------------------------
# fit
# --------------------------------------------------------------------------------------


def fit(
    model: Any,
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    *,
    loss: str | LossFunction = "hinge",
    optimizer: Any = "sgd",
    lr: float | None = None,
    lr_schedule: Callable[[int], float] | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    alpha: float = 0.0,
    callbacks: Sequence[Callable[[StepInfo], Any]] = (),
    progress: bool = True,
    seed: int | random.Random | None = None,
    shuffle: bool = True,
) -> History:
    """Train ``model`` on ``(X, y)`` with gradient descent; return the :class:`History`.

    Args:
        model: a :class:`micrograd.nn.Module` (anything with ``parameters()`` that maps a
            sample to one score, or to one score per class).
        X, y: the samples and their class labels (``0, 1, ...``).
        loss: ``"hinge"`` (SVM max-margin, as in the original demo), ``"mse"``,
            ``"bce"`` (binary cross-entropy from logits) or ``"cross_entropy"`` (several
            classes), or a function ``loss(outputs, labels) -> Value``.
        optimizer: an optimizer object (with ``step()``, ``zero_grad()`` and ``lr``), or
            a name for :func:`make_optimizer` (``"sgd"``, ``"momentum"``, ``"adam"``, ...).
        lr: learning rate when ``optimizer`` is a name.
        lr_schedule: a function ``step -> learning rate``, applied before every update
            (e.g. ``micrograd.optim`` schedules, or the original demo's
            ``lambda k: 1.0 - 0.9 * k / 100``).
        epochs: passes over the data.
        batch_size: samples per update: 1 is true SGD, ``None`` (all samples) full-batch
            gradient descent, anything between mini-batch SGD.
        alpha: strength of the L2 penalty ``alpha * sum(p ** 2)`` added to the loss
            (the original demo uses 1e-4).
        callbacks: functions called with a :class:`StepInfo` after every step; one may
            raise :class:`StopTraining` to end early.
        progress: show a tqdm progress bar with the loss and accuracy.
        seed: seed for the order of the samples in each epoch (``shuffle=True``).
        shuffle: visit the samples in a new random order every epoch.

    The cyclic garbage collector is paused during each step (see :func:`gc_paused`).

    A run that diverges (a learning rate too large) stops with an ``ArithmeticError``:
    the optimizer raises ``OverflowError`` rather than step a parameter to inf or NaN (see
    :mod:`micrograd.optim`), so the model keeps the finite values of the last good step, and
    the callbacks have seen every step before it (``info.epoch`` says how far it got).
    """
    loss_fn = _loss_function(loss)
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"fit: epochs must be a whole number >= 0, got {epochs!r}.")
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not alpha >= 0:
        raise ValueError(f"fit: alpha (the L2 strength) must be a number >= 0, got {alpha!r}.")
    _check_data(X, y, "fit")
    params = list(model.parameters())
    if isinstance(optimizer, str):
        optimizer = make_optimizer(optimizer, params, lr)
    elif lr is not None:
        raise ValueError("fit: pass lr only with an optimizer name; set it on the optimizer.")
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
    ):
        raise ValueError(
            f"fit: batch_size must be a whole number >= 1 or None, got {batch_size!r}."
        )
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    n_batches = math.ceil(len(X) / (batch_size or len(X)))

    history = History()
    bar = _progress_bar(epochs * n_batches, progress)
    step = 0
    try:
        for epoch in range(epochs):
            total_loss = total_correct = 0.0
            epoch_batches = batches(X, y, batch_size, shuffle=shuffle, seed=rng)
            for index, (X_batch, y_batch) in enumerate(epoch_batches):
                if lr_schedule is not None:
                    optimizer.lr = lr_schedule(step)
                with gc_paused():
                    batch_loss, batch_accuracy = _step(
                        model, params, optimizer, loss_fn, X_batch, y_batch, alpha
                    )
                history.loss.append(batch_loss)
                history.accuracy.append(batch_accuracy)
                history.lr.append(float(getattr(optimizer, "lr", math.nan)))
                history.epoch.append(epoch)
                total_loss += batch_loss * len(y_batch)
                total_correct += batch_accuracy * len(y_batch)
                end_of_epoch = index == n_batches - 1
                if end_of_epoch:
                    history.epoch_loss.append(total_loss / len(y))
                    history.epoch_accuracy.append(total_correct / len(y))
                if bar is not None:
                    bar.set_postfix(loss=f"{batch_loss:.4f}", acc=f"{batch_accuracy:.1%}")
                    bar.update(1)
                info = StepInfo(
                    step=step,
                    epoch=epoch,
                    loss=batch_loss,
                    accuracy=batch_accuracy,
                    lr=history.lr[-1],
                    batch_size=len(y_batch),
                    end_of_epoch=end_of_epoch,
                    model=model,
                    optimizer=optimizer,
                    history=history,
                )
                step += 1
                for callback in callbacks:
                    callback(info)
    except StopTraining:
        pass
    finally:
        if bar is not None:
            bar.close()
    return history


def _step(model, params, optimizer, loss_fn, X_batch, y_batch, alpha) -> tuple[float, float]:
    """One step of gradient descent on one batch: forward, loss, backward, update."""
    outputs = [model(x) for x in X_batch]  # forward pass
    data_loss = loss_fn(outputs, y_batch)
    total = data_loss + losses.l2(params, alpha) if alpha else data_loss
    optimizer.zero_grad()
    total.backward()  # backward pass: fills p.grad
    optimizer.step()  # update: move against the gradient
    return total.data, _fraction_correct(outputs, y_batch)


def _progress_bar(total: int, enabled: bool):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    from micrograd.i18n import _  # the bar's label in the learner's language (MICROGRAD_LANG)

    return tqdm(total=total, desc=_("training"), unit="step", leave=True)


def evaluate(
    model: Model,
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    loss: str | LossFunction = "hinge",
) -> tuple[float, float]:
    """``(loss, accuracy)`` of the model on a data set, without changing anything.

    There is no backward pass, so the parameters' gradients are left as they were.
    """
    loss_fn = _loss_function(loss)
    _check_data(X, y, "evaluate")
    with gc_paused():
        outputs = [model(x) for x in X]
        value = loss_fn(outputs, list(y))
    return _data(value), _fraction_correct(outputs, y)


# --------------------------------------------------------------------------------------
# How long a run of fit() takes, estimated from its sizes before anything is built
# --------------------------------------------------------------------------------------

# One sample in one epoch costs, forward and backward with its share of the update, about
# SECONDS_PER_PARAMETER for each weight and bias (its multiply-add) and SECONDS_PER_NEURON for
# each neuron (its sum, its activation, its lists). Measured with fit() on the 2-core machine
# this was written on while other jobs ran: 0.4 us and 4 us fit MLP(2, [16, 16, 1]),
# [32, 32, 1], [64, 1] and [8, 1] on two moons (hinge loss, full batch) within 10%, and the
# digits run (MLP(64, [16, 10]), cross-entropy, batches of 32) within 2%. The constants are a
# quarter above that, so the estimate errs towards caution. tracemalloc's peak for one step
# was 59 to 180 bytes per parameter and sample of the batch (the graph of the step).
SECONDS_PER_PARAMETER = 0.5e-6
SECONDS_PER_NEURON = 5e-6
BYTES_PER_UNIT = 200  # per parameter and sample of one batch: the graph backward() walks
BYTES_PER_SAMPLE = 200  # the data set itself: a list of coordinates and a label


def estimate_cost(
    nin: int, sizes: Sequence[int], samples: int, epochs: int, batch_size: int | None = None
) -> tuple[float, float]:
    """``(seconds, bytes)`` that ``fit`` of ``MLP(nin, sizes)`` on ``samples`` points for
    ``epochs`` epochs (``batch_size=None``: full batch) would take, from the sizes alone.

    >>> seconds, memory = estimate_cost(2, [16, 16, 1], samples=100, epochs=100)
    >>> 1 < seconds < 10
    True
    """
    parameters = parameter_count(nin, sizes)
    batch = min(batch_size or samples, samples)
    steps_per_epoch = -(-samples // batch)
    per_sample = parameters * SECONDS_PER_PARAMETER + sum(sizes) * SECONDS_PER_NEURON
    seconds = per_sample * epochs * (samples + steps_per_epoch)
    memory = parameters * batch * BYTES_PER_UNIT + samples * BYTES_PER_SAMPLE
    return seconds, memory
