"""Neurons, layers and multi-layer perceptrons built from scalar Values.

The names follow PyTorch (``Module``, ``parameters()``, ``zero_grad()``, ``named_parameters()``,
``state_dict()``), so what you learn here transfers::

    >>> from micrograd.nn import MLP
    >>> model = MLP(2, [16, 16, 1], seed=0)      # 2 inputs, two hidden layers, 1 output
    >>> len(model.parameters())
    337
    >>> score = model([0.5, -1.0])               # one output neuron: a single Value
    >>> score.backward()                         # fills p.grad of every parameter

**One node per weighted sum (``fused=True``, the default).** A neuron computes
``act(w_1*x_1 + ... + w_n*x_n + b)``. Built from ``*`` and ``+`` that is 2n nodes before the
activation; here it is *one* ``dot`` node (see :func:`micrograd.dot`) whose parents are
``w_1..w_n, x_1..x_n, b`` and whose local derivatives are ``x_1..x_n, w_1..w_n, 1`` -- exactly
what the chain rule needs, stored in the forward pass. The graph of MLP(2, [16, 16, 1]) shrinks
from about 650 nodes per sample (the original micrograd) to about 70, and a training step gets
many times faster. Values and gradients are the same as in the expanded form.

**The expanded form, for teaching (``fused=False``).** ``Neuron(3, fused=False)`` builds the
weighted sum the long way, one ``w_i * x_i`` node per input added up with ``+`` (as in Andrej
Karpathy's micrograd), so a single neuron can be drawn with every multiplication visible.
It gives the same values and gradients, just with more nodes.

**Reproducible initialisation.** Weights start uniform in [-1, 1] and biases at 0 (as in the
original micrograd). The random numbers come from ``rng`` (a :class:`random.Random`) if you pass
one, otherwise from ``random.Random(seed)``; ``seed=None`` (the default) means ``seed=0``
(:data:`DEFAULT_SEED`), so every run of a notebook builds the same network. Pass different seeds
to get different networks. The global :mod:`random` state is never used or changed.

**Saving.** ``model.save(path)`` writes plain JSON (never pickle: loading a pickle can run
arbitrary code): a small header (format name, version, architecture) and the parameters by
name. ``model.load(path)`` checks the header and the names before changing anything, and says
exactly what differs; ``MLP.load(path)`` builds a new model from the file. The file format and
its checks live in :mod:`micrograd.model_file`: every bad file is a ``ValueError`` naming it.
"""

from __future__ import annotations

import math
import os
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Union

from micrograd import model_file

# The fused forward pass applies the engine's ``dot`` op directly, passing the inputs' data
# that a layer computes once for all its neurons (``micrograd.dot`` would look it up again for
# every neuron). tests/test_nn.py checks that the node is the one ``micrograd.dot`` builds.
from micrograd.engine import DOT, Number, Value, apply
from micrograd.model_file import FORMAT, FORMAT_VERSION, short

__all__ = [
    "ACTIVATIONS",
    "DEFAULT_SEED",
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_PARAMETERS",
    "MLP",
    "Layer",
    "Module",
    "Neuron",
    "parameter_count",
]

Input = Union[Value, Number]  # noqa: UP007 - evaluated at runtime on 3.10

#: The seed used when neither ``seed`` nor ``rng`` is given.
DEFAULT_SEED = 0

#: The most parameters a model may have: each is a Value of a few hundred bytes, so ten
#: million already take gigabytes, and a scalar engine would train them for days.
MAX_PARAMETERS = 10_000_000

#: Activation name -> the Value method applied after the weighted sum (None: no node at all).
ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "linear": None,
}

# --------------------------------------------------------------------------------------
# Checking arguments once, at construction, so that the forward pass need not
# --------------------------------------------------------------------------------------


def _check_size(value: object, name: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where}: {name} must be a positive whole number, got {value!r}.")
    return value


def _check_activation(activation: object, where: str) -> str:
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        choices = ", ".join(repr(a) for a in ACTIVATIONS)
        raise ValueError(f"{where}: unknown activation {activation!r}; choose one of {choices}.")
    return activation  # type: ignore[return-value]


def parameter_count(nin: int, sizes: Sequence[int]) -> int:
    """How many weights and biases ``MLP(nin, sizes)`` has: (inputs + 1) x outputs a layer.

    >>> parameter_count(2, [16, 16, 1])
    337
    """
    return sum((n_in + 1) * n_out for n_in, n_out in zip([nin, *sizes], sizes))


def _check_parameter_count(count: int, where: str) -> None:
    """Refuse, before building, a model too large for a scalar engine (see MAX_PARAMETERS)."""
    if count > MAX_PARAMETERS:
        shown = f"{count:,}" if count < 10**18 else "over 10^18"
        raise ValueError(
            f"{where} would have {shown} parameters, more than the {MAX_PARAMETERS:,} a "
            "scalar engine can hold and train; use smaller layers."
        )


def _make_rng(seed: int | None, rng: random.Random | None, where: str) -> random.Random:
    """The random number generator for initialisation: ``rng``, or a fresh one from ``seed``."""
    if rng is not None:
        if seed is not None:
            raise ValueError(f"{where}: pass seed or rng, not both.")
        if not isinstance(rng, random.Random):
            raise TypeError(
                f"{where}: rng must be a random.Random, got {type(rng).__name__}: {rng!r}."
            )
        return rng
    if seed is None:
        seed = DEFAULT_SEED
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"{where}: seed must be an int or None, got {type(seed).__name__}.")
    return random.Random(seed)


def _as_inputs(x: Any, nin: int, where: str) -> list[Value]:
    """The inputs as a list of ``nin`` Values (plain numbers become constant leaves)."""
    if isinstance(x, (Value, int, float)):  # a single number for a one-input model
        x = [x]
    elif not isinstance(x, (list, tuple)):
        try:
            x = list(x)
        except TypeError:
            raise TypeError(
                f"{where} needs a list of {nin} numbers or Values, "
                f"got {type(x).__name__}: {short(x)}."
            ) from None
    if len(x) != nin:
        raise ValueError(f"{where} expects {nin} inputs, got {len(x)}: {short(list(x))}.")
    return [v if isinstance(v, Value) else Value(v) for v in x]


# --------------------------------------------------------------------------------------
# Module: finding parameters by name, zeroing gradients, saving and loading
# --------------------------------------------------------------------------------------


class Module:
    """Base class of everything that has parameters.

    Parameters are found by looking at the object's public attributes: a :class:`Value` is a
    parameter, a ``Module`` contributes its own parameters under its attribute name, and a list
    or tuple contributes its items by index. So ``MLP.layers[0].neurons[3].w[1]`` is named
    ``"layers.0.neurons.3.w.1"``. Attributes whose names start with ``_`` are ignored.
    Your own models work the same way::

        >>> class Line(Module):
        ...     def __init__(self):
        ...         self.slope, self.intercept = Value(1.0), Value(0.0)
        ...     def __call__(self, x):
        ...         return self.slope * x + self.intercept
        >>> [name for name, _ in Line().named_parameters()]
        ['slope', 'intercept']
    """

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``(name, parameter)`` pairs, each parameter once, in construction order."""
        found: list[tuple[str, Value]] = []
        _collect(self, "", found, set())
        return found

    def parameters(self) -> list[Value]:
        """Every trainable Value of the model (give them to an optimizer), each once.

        Composed as in the original micrograd, where a layer's parameters are its neurons'
        parameters: every public attribute that is a Value is one, and every sub-module
        (alone or in a list) gives its own ``parameters()``. The same Values in the same
        order as :meth:`named_parameters`, without building the names.
        """
        public = [value for name, value in vars(self).items() if not name.startswith("_")]
        # dict.fromkeys: a shared parameter once, as in named_parameters
        return list(dict.fromkeys(_parameters_in(public)))

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (gradients add up until you do)."""
        for p in self.parameters():
            p.grad = 0.0

    def architecture(self) -> dict[str, Any]:
        """A JSON-friendly description of the model's shape, stored in saved files."""
        return {"type": type(self).__name__}

    # -- state: parameter values by name -------------------------------------------------

    def state_dict(self) -> dict[str, float]:
        """The parameter values by name, as plain floats (a copy, not the Values)."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Number], strict: bool = True) -> None:
        """Set the parameters from ``state`` (name -> number), as made by :meth:`state_dict`.

        Everything is checked before anything changes: with ``strict=True`` (the default)
        a missing or unexpected name is a ``ValueError`` that lists them; with ``strict=False``
        names absent on either side are skipped. The parameters stay the same Value objects,
        so an optimizer made before loading keeps working.
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, Mapping):
            raise TypeError(f"{where} needs a dict of name -> number, got {type(state).__name__}.")
        params = dict(self.named_parameters())
        if strict:
            missing = [name for name in params if name not in state]
            unexpected = [name for name in state if name not in params]
            if missing or unexpected:
                raise ValueError(
                    f"{where}: the names do not match this model. "
                    + (_name_difference(missing, unexpected))
                )
        updates = []
        for name, number in state.items():
            if name not in params:
                continue
            if isinstance(number, bool) or not isinstance(number, (int, float)):
                raise ValueError(
                    f"{where}: parameter {name!r} must be a number, "
                    f"got {type(number).__name__}: {short(number)}."
                )
            try:
                number = float(number)
            except OverflowError:  # an int too large for a float, e.g. 10**400
                number = math.inf
            if not math.isfinite(number):
                raise ValueError(
                    f"{where}: parameter {name!r} is {short(state[name])}, not a finite number."
                )
            updates.append((params[name], number))
        for p, number in updates:
            p.data = number

    # -- files: plain JSON with a header -------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the architecture and parameters to ``path`` as JSON (human-readable).

        The file is replaced only once the new one is complete; a parameter that is not a
        finite number is a ``ValueError`` (see :mod:`micrograd.model_file`).
        """
        model_file.save(self, path)

    load = model_file.class_or_instance_method(model_file.load)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(parameters={len(self.parameters())})"


def _parameters_in(items: list | tuple) -> list[Value]:
    """The parameters among ``items``: Values, Modules' ``parameters()``, lists of them."""
    found: list[Value] = []
    for item in items:
        if isinstance(item, Value):
            found.append(item)
        elif isinstance(item, Module):
            found += item.parameters()
        elif isinstance(item, (list, tuple)):
            found += _parameters_in(item)
    return found


def _collect(obj: object, prefix: str, found: list, seen: set) -> None:
    """Add the parameters of ``obj`` (a Value, Module, list or tuple) under ``prefix``."""
    if isinstance(obj, Value):
        if obj not in seen:  # a shared parameter is listed once, like in PyTorch
            seen.add(obj)
            found.append((prefix, obj))
    elif isinstance(obj, Module):
        for name, attribute in vars(obj).items():
            if not name.startswith("_"):
                _collect(attribute, f"{prefix}.{name}" if prefix else name, found, seen)
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            _collect(item, f"{prefix}.{i}", found, seen)


def _name_difference(missing: Sequence[str], unexpected: Sequence[str]) -> str:
    def shown(names: Sequence[str]) -> str:
        head = ", ".join(short(n) for n in names[:5])
        return head + (f" and {len(names) - 5} more" if len(names) > 5 else "")

    parts = []
    if missing:
        parts.append(f"missing {len(missing)} parameter(s): {shown(missing)}")
    if unexpected:
        parts.append(f"unexpected {len(unexpected)} parameter(s): {shown(unexpected)}")
    return "; ".join(parts) + "."


# --------------------------------------------------------------------------------------
# Neuron, Layer, MLP
# --------------------------------------------------------------------------------------


class Neuron(Module):
    """One neuron: ``activation(w_1*x_1 + ... + w_n*x_n + b)``.

    >>> n = Neuron(3, activation="tanh", seed=1)
    >>> y = n([1.0, 2.0, 3.0])
    >>> y.op
    'tanh'
    >>> y.parents[0].op                       # the weighted sum: one node (fused=True)
    'dot'
    >>> Neuron(3, fused=False)([1.0, 2.0, 3.0]).parents[0].op   # the expanded form ends in +
    '+'

    Args:
        nin: number of inputs.
        activation: ``"relu"`` (default), ``"tanh"``, ``"sigmoid"`` or ``"linear"`` (none).
        seed: seed for the initial weights; ``None`` means :data:`DEFAULT_SEED`.
        rng: a ``random.Random`` to draw the weights from instead (not with ``seed``).
        fused: one ``dot`` node for the weighted sum (fast), or ``False`` for the
            expanded ``w_i * x_i`` form (for drawing it).
    """

    def __init__(
        self,
        nin: int,
        activation: str = "relu",
        seed: int | None = None,
        rng: random.Random | None = None,
        fused: bool = True,
    ) -> None:
        self.nin = _check_size(nin, "nin", "Neuron")
        self.activation = _check_activation(activation, "Neuron")
        self.fused = bool(fused)
        _check_parameter_count(nin + 1, "Neuron")
        rng = _make_rng(seed, rng, "Neuron")
        self.w = [Value(rng.uniform(-1.0, 1.0), label=f"w{i}") for i in range(nin)]
        self.b = Value(0.0, label="b")
        self._act = ACTIVATIONS[activation]

    def __call__(self, x: Sequence[Input] | Input) -> Value:
        """The neuron's output for inputs ``x`` (numbers or Values)."""
        xs = _as_inputs(x, self.nin, "Neuron")
        return self._forward(xs, [v.data for v in xs])

    def _forward(self, xs: list[Value], xd: list[float]) -> Value:
        """The forward pass on inputs already checked: Values ``xs`` with data ``xd``."""
        w, b = self.w, self.b
        if self.fused:
            z = apply(DOT, (*w, *xs, b), (*[p.data for p in w], *xd, b.data))
        else:
            z = w[0] * xs[0]
            for i in range(1, len(w)):
                z = z + w[i] * xs[i]
            z = z + b
        act = self._act
        return z if act is None else act(z)

    def architecture(self) -> dict[str, Any]:
        return {"type": "Neuron", "nin": self.nin, "activation": self.activation}

    def __repr__(self) -> str:
        return f"Neuron(nin={self.nin}, activation={self.activation!r}, parameters={self.nin + 1})"


class Layer(Module):
    """``nout`` neurons that all see the same ``nin`` inputs.

    Calling it returns a list of ``nout`` Values, or a single Value when ``nout == 1``
    (as in the original micrograd).

    >>> layer = Layer(2, 3, activation="tanh", seed=0)
    >>> [round(v.data, 4) for v in layer([1.0, -1.0])]
    [0.1712, 0.3125, 0.2095]
    >>> Layer(2, 1)([1.0, -1.0]).op          # one neuron: a single Value
    'relu'
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        seed: int | None = None,
        rng: random.Random | None = None,
        fused: bool = True,
    ) -> None:
        self.nin = _check_size(nin, "nin", "Layer")
        self.nout = _check_size(nout, "nout", "Layer")
        self.activation = _check_activation(activation, "Layer")
        _check_parameter_count((nin + 1) * nout, "Layer")
        rng = _make_rng(seed, rng, "Layer")
        self.neurons = [Neuron(nin, activation, rng=rng, fused=fused) for _ in range(nout)]

    def __call__(self, x: Sequence[Input] | Input) -> Value | list[Value]:
        xs = _as_inputs(x, self.nin, "Layer")
        out = self._forward(xs)
        return out[0] if len(out) == 1 else out

    def _forward(self, xs: list[Value]) -> list[Value]:
        xd = [v.data for v in xs]  # read once, shared by all the neurons
        return [n._forward(xs, xd) for n in self.neurons]

    def architecture(self) -> dict[str, Any]:
        return {"type": "Layer", "nin": self.nin, "nout": self.nout, "activation": self.activation}

    def __repr__(self) -> str:
        return (
            f"Layer(nin={self.nin}, nout={self.nout}, activation={self.activation!r}, "
            f"parameters={(self.nin + 1) * self.nout})"
        )


class MLP(Module):
    """A multi-layer perceptron: layers of neurons, each layer feeding the next.

    ``MLP(2, [16, 16, 1])`` has 2 inputs, two hidden layers of 16 neurons with ``activation``
    and an output layer of 1 neuron with ``output_activation`` (linear by default, so the
    output is a raw score for a loss such as hinge or binary cross-entropy from logits).
    Calling it returns a single Value when the last layer has one neuron, else a list.

    >>> model = MLP(2, [4, 1], seed=0)
    >>> model
    MLP(nin=2, sizes=[4, 1], parameters=17,
      (0): Layer(nin=2, nout=4, activation='relu', parameters=12)
      (1): Layer(nin=4, nout=1, activation='linear', parameters=5)
    )
    >>> model.named_parameters()[0][0], model.named_parameters()[-1][0]
    ('layers.0.neurons.0.w.0', 'layers.1.neurons.0.b')
    """

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
        seed: int | None = None,
        rng: random.Random | None = None,
        fused: bool = True,
    ) -> None:
        self.nin = _check_size(nin, "nin", "MLP")
        if isinstance(sizes, int) or not isinstance(sizes, Iterable):
            raise TypeError(
                f"MLP: sizes must be a list of layer sizes, e.g. [16, 16, 1], got {sizes!r}."
            )
        self.sizes = [_check_size(s, "each layer size", "MLP") for s in sizes]
        if not self.sizes:
            raise ValueError("MLP: sizes must name at least one layer, e.g. [16, 16, 1].")
        self.activation = _check_activation(activation, "MLP")
        self.output_activation = _check_activation(output_activation, "MLP")
        widths = [nin, *self.sizes]
        _check_parameter_count(parameter_count(nin, self.sizes), "MLP")
        rng = _make_rng(seed, rng, "MLP")
        last = len(self.sizes) - 1
        self.layers = [
            Layer(
                widths[i],
                widths[i + 1],
                activation=output_activation if i == last else activation,
                rng=rng,
                fused=fused,
            )
            for i in range(len(self.sizes))
        ]

    def __call__(self, x: Sequence[Input] | Input) -> Value | list[Value]:
        xs = _as_inputs(x, self.nin, "MLP")
        for layer in self.layers:
            xs = layer._forward(xs)
        return xs[0] if len(xs) == 1 else xs

    def architecture(self) -> dict[str, Any]:
        return {
            "type": "MLP",
            "nin": self.nin,
            "sizes": list(self.sizes),
            "activation": self.activation,
            "output_activation": self.output_activation,
        }

    def __repr__(self) -> str:
        count = parameter_count(self.nin, self.sizes)
        lines = [f"MLP(nin={self.nin}, sizes={self.sizes}, parameters={count},"]
        lines += [f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers)]
        return "\n".join([*lines, ")"])
