"""Loss functions: one number that says how far the predictions are from the targets.

Each loss takes a batch (a list of predictions and a list of targets), computes one loss per
sample and returns their mean as a single Value, ready for ``loss.backward()``::

    >>> from micrograd import Value
    >>> predictions = [Value(2.5), Value(0.0)]
    >>> loss = mse(predictions, [3.0, -1.0])     # ((2.5 - 3)^2 + (0 - -1)^2) / 2
    >>> loss.data
    0.625
    >>> loss.backward(); predictions[0].grad      # d loss / d p = 2 (p - t) / n
    -0.5

The mean is one n-ary ``sum`` node divided by n, not a chain of n additions, so the graph of a
batch stays small. Predictions may be Values (gradients flow into them) or plain numbers;
targets and labels are numbers. ``reduction="sum"`` returns the sum and ``reduction="none"``
the list of per-sample losses, as in PyTorch.

Classification losses work from *logits* (raw scores, before any sigmoid or softmax): the
stable formulas below never take the log of 0 or the exp of a large number, even at +-1000.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any, Union

import micrograd
from micrograd.engine import Number, Value

__all__ = ["binary_cross_entropy", "cross_entropy", "hinge", "l2", "mse"]

Scalar = Union[Value, Number]  # noqa: UP007 - evaluated at runtime on 3.10
Batch = Union[Sequence[Scalar], Scalar]  # noqa: UP007 - one sample's value, or a list of them
REDUCTIONS = ("mean", "sum", "none")


# --------------------------------------------------------------------------------------
# Checking a batch: lengths, numbers, labels
# --------------------------------------------------------------------------------------


def _as_list(x: Any, name: str, where: str) -> list:
    if isinstance(x, (Value, numbers.Real)):
        return [x]  # a single sample
    try:
        return list(x)
    except TypeError:
        raise TypeError(
            f"{where}: {name} must be a list of numbers or Values, got {type(x).__name__}: {x!r}."
        ) from None


def _batch(
    a: Any, b: Any, names: tuple[str, str], where: str, values: bool = True
) -> tuple[list, list]:
    """Both sides of a batch as lists of the same, non-zero length; the first as Values.

    ``values=False`` leaves the first side as it is (cross_entropy's rows of logits).
    """
    a, b = _as_list(a, names[0], where), _as_list(b, names[1], where)
    if len(a) != len(b):
        raise ValueError(
            f"{where}: got {len(a)} {names[0]} but {len(b)} {names[1]}; "
            "each prediction needs exactly one target."
        )
    if not a:
        raise ValueError(f"{where}: the batch is empty; pass at least one sample.")
    if values:
        a = [_value(x, names[0], i, where) for i, x in enumerate(a)]
    return a, b


def _value(x: Any, name: str, i: int, where: str) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(
            f"{where}: {name}[{i}] must be a number or a Value, got {type(x).__name__}: {x!r}."
        )
    return Value(x)


def _number(x: Any, name: str, i: int, where: str) -> float:
    """A target or label as a float (a Value's data: no gradient flows into targets)."""
    if isinstance(x, Value):
        return x.data
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x):
        raise ValueError(f"{where}: {name}[{i}] must be a finite number, got {x!r}.")
    return float(x)


def _reduce(losses: list[Value], reduction: str, where: str) -> Value | list[Value]:
    if reduction == "mean":
        return micrograd.sum(losses) / len(losses)
    if reduction == "sum":
        return micrograd.sum(losses)
    if reduction == "none":
        return losses
    raise ValueError(
        f"{where}: reduction must be one of {', '.join(map(repr, REDUCTIONS))}, got {reduction!r}."
    )


def _signs(labels: Sequence[Any], where: str) -> list[float]:
    """Binary labels as -1.0 / +1.0; accepts -1/+1 or 0/1 (0 means the negative class).

    The one check of binary labels (``micrograd.train.fit`` relies on it too).
    """
    values = [_number(y, "labels", i, where) for i, y in enumerate(labels)]
    for i, y in enumerate(values):
        if y not in (-1.0, 0.0, 1.0):
            raise ValueError(
                f"{where}: labels[{i}] is {labels[i]!r}; binary labels are -1/+1 or 0/1 "
                "(for more classes use cross_entropy, with one output per class)."
            )
    if -1.0 in values and 0.0 in values:
        raise ValueError(
            f"{where}: the labels mix -1 and 0 (two conventions mixed); use -1/+1 or 0/1 "
            "for the two classes, not both."
        )
    return [1.0 if y > 0 else -1.0 for y in values]


# --------------------------------------------------------------------------------------
# Regression
# --------------------------------------------------------------------------------------


def mse(predictions: Batch, targets: Batch, reduction: str = "mean") -> Value | list[Value]:
    """Mean squared error: mean of ``(prediction - target) ** 2``.

    >>> mse([1.0, 2.0], [0.0, 0.0]).data      # (1 + 4) / 2
    2.5
    """
    where = "mse"
    predictions, targets = _batch(predictions, targets, ("predictions", "targets"), where)
    targets = [
        t if isinstance(t, Value) else _number(t, "targets", i, where)
        for i, t in enumerate(targets)
    ]
    losses = [(p - t) ** 2 for p, t in zip(predictions, targets)]
    return _reduce(losses, reduction, where)


# --------------------------------------------------------------------------------------
# Binary classification from scores
# --------------------------------------------------------------------------------------


def hinge(scores: Batch, labels: Batch, reduction: str = "mean") -> Value | list[Value]:
    """The SVM "max-margin" loss of the original micrograd demo: mean of ``relu(1 - y * score)``.

    ``y`` is +1 or -1 (labels 0/1 are read as -1/+1). A sample costs nothing once its score
    is on the right side by a margin of at least 1, and ``1 - y * score`` otherwise.
    (``y * score`` is built as ``score`` or ``-score``: the same values and gradients with
    one node fewer per sample.)

    >>> hinge([2.0, 0.5, -0.5], [1, 1, 1]).data     # (0 + 0.5 + 1.5) / 3
    0.6666666666666666
    """
    where = "hinge"
    scores, labels = _batch(scores, labels, ("scores", "labels"), where)
    losses = [(1.0 - s if y > 0 else 1.0 + s).relu() for s, y in zip(scores, _signs(labels, where))]
    return _reduce(losses, reduction, where)


def binary_cross_entropy(
    logits: Batch, labels: Batch, reduction: str = "mean"
) -> Value | list[Value]:
    """Binary cross-entropy from logits, like PyTorch's ``binary_cross_entropy_with_logits``.

    With ``p = sigmoid(z)`` the loss of one sample is ``-(y log p + (1 - y) log(1 - p))``.
    Computing ``p`` first breaks for large ``|z|`` (``p`` rounds to 0 or 1 and ``log(0)`` is
    undefined), so it is computed from the logit directly, in the equal form
    ``softplus(z) - y z`` with ``softplus(z) = log(1 + exp(z))``, and softplus itself as
    ``log(1 + exp(z))`` for ``z < 0`` and ``z + log(1 + exp(-z))`` for ``z >= 0``:
    ``exp`` only ever sees a number <= 0. The gradient is ``sigmoid(z) - y``.

    Labels are 0 or 1 (a probability in [0, 1] also works, as in PyTorch; -1 means 0).

    >>> round(binary_cross_entropy([0.0], [1]).data, 6)   # log 2
    0.693147
    >>> binary_cross_entropy([1000.0, -1000.0], [1, 0]).data
    0.0
    """
    where = "binary_cross_entropy"
    logits, labels = _batch(logits, labels, ("logits", "labels"), where)
    losses = []
    for i, (z, y) in enumerate(zip(logits, labels)):
        y = _number(y, "labels", i, where)
        if y == -1.0:
            y = 0.0
        elif not 0.0 <= y <= 1.0:
            raise ValueError(
                f"{where}: labels[{i}] is {labels[i]!r}; use 0 or 1 (or a probability in [0, 1])."
            )
        if z.data >= 0.0:  # softplus(z) - y z = log(1 + exp(-z)) + (1 - y) z
            loss = ((-z).exp() + 1.0).log()
            weight = 1.0 - y
        else:  # softplus(z) - y z = log(1 + exp(z)) - y z
            loss = (z.exp() + 1.0).log()
            weight = -y
        # 0/1 labels need one node here (+ z or - z) or none at all; soft labels two
        if weight == 1.0:
            loss = loss + z
        elif weight == -1.0:
            loss = loss - z
        elif weight != 0.0:
            loss = loss + z * weight
        losses.append(loss)
    return _reduce(losses, reduction, where)


# --------------------------------------------------------------------------------------
# Multi-class classification
# --------------------------------------------------------------------------------------


def cross_entropy(
    logits_rows: Sequence[Sequence[Scalar]],
    class_indices: Sequence[int],
    reduction: str = "mean",
) -> Value | list[Value]:
    """Softmax cross-entropy for k classes, like PyTorch's ``cross_entropy``.

    ``logits_rows[i]`` holds the k scores of sample i and ``class_indices[i]`` its class
    (0..k-1). The loss of a sample is ``-log softmax(z)[y] = log(sum_j exp(z_j)) - z_y``.
    The log-sum-exp is computed after subtracting the largest score ``m`` (a constant, so
    the gradient is unchanged): ``log(sum_j exp(z_j - m)) - (z_y - m)``; ``exp`` then only
    sees numbers <= 0 and the sum is >= 1. The gradient is ``softmax(z) - onehot(y)``.

    >>> round(cross_entropy([[1.0, 1.0, 1.0]], [2]).data, 6)   # log 3: uniform over 3 classes
    1.098612
    """
    where = "cross_entropy"
    names = ("rows of logits", "class indices")
    rows, labels = _batch(logits_rows, class_indices, names, where, values=False)
    k = None
    losses = []
    for i, (row, y) in enumerate(zip(rows, labels)):
        if isinstance(row, (Value, numbers.Real)) or not isinstance(row, Iterable):
            raise TypeError(
                f"{where}: logits_rows[{i}] must be a list of k scores, got {row!r}; "
                "for two classes with one score each use binary_cross_entropy."
            )
        row = [_value(z, f"logits_rows[{i}]", j, where) for j, z in enumerate(row)]
        if k is None:
            k = len(row)
            if k == 0:
                raise ValueError(f"{where}: logits_rows[0] is empty; each row needs k >= 1 scores.")
        elif len(row) != k:
            raise ValueError(
                f"{where}: logits_rows[{i}] has {len(row)} scores but logits_rows[0] has {k}; "
                "every row needs one score per class."
            )
        if isinstance(y, bool) or not isinstance(y, numbers.Integral) or not 0 <= y < k:
            raise ValueError(
                f"{where}: class_indices[{i}] is {y!r}; it must be a whole number in 0..{k - 1}."
            )
        m = max(z.data for z in row)
        shifted = [z - m for z in row]
        losses.append(micrograd.sum([s.exp() for s in shifted]).log() - shifted[y])
    return _reduce(losses, reduction, where)


# --------------------------------------------------------------------------------------
# Regularisation
# --------------------------------------------------------------------------------------


def l2(parameters: Iterable[Value] | Any, alpha: float = 1e-4) -> Value:
    """L2 regularisation ``alpha * sum(p ** 2)``: add it to the loss to keep weights small.

    ``parameters`` is a list of Values or a Module. The sum of squares is *one* ``dot``
    node (the parameters dotted with themselves): its gradient is ``2 * alpha * p``.
    The original micrograd demo uses ``alpha = 1e-4``.

    >>> from micrograd import Value
    >>> round(l2([Value(1.0), Value(-2.0)], alpha=0.5).data, 12)   # 0.5 * (1 + 4)
    2.5
    """
    if hasattr(parameters, "parameters") and callable(parameters.parameters):
        parameters = parameters.parameters()
    params = list(parameters)
    if not params:
        raise ValueError("l2: got no parameters; pass model.parameters().")
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"l2: parameters[{i}] must be a Value, got {type(p).__name__}.")
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not alpha >= 0:
        raise ValueError(f"l2: alpha must be a number >= 0, got {alpha!r}.")
    return micrograd.dot(params, params) * alpha
