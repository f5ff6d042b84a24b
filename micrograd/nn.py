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
exactly what differs; ``MLP.load(path)`` builds a new model from the file.
"""

from __future__ import annotations

import json
import math
import os
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Union

# The fused forward pass applies the engine's ``dot`` op directly, passing the inputs' data
# that a layer computes once for all its neurons (``micrograd.dot`` would look it up again for
# every neuron). tests/test_nn.py checks that the node is the one ``micrograd.dot`` builds.
from micrograd.engine import DOT, Value, apply

__all__ = [
    "ACTIVATIONS",
    "DEFAULT_SEED",
    "FORMAT",
    "FORMAT_VERSION",
    "MLP",
    "Layer",
    "Module",
    "Neuron",
]

Number = Union[int, float]  # noqa: UP007 - evaluated at runtime on 3.10
Input = Union[Value, int, float]  # noqa: UP007

#: The seed used when neither ``seed`` nor ``rng`` is given.
DEFAULT_SEED = 0

#: Activation name -> the Value method applied after the weighted sum (None: no node at all).
ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "linear": None,
}

#: The ``format`` field of a saved model file, and the version this code writes and reads.
FORMAT = "micrograd-edu-model"
FORMAT_VERSION = 1


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
                f"{where} needs a list of {nin} numbers or Values, got {type(x).__name__}: {x!r}."
            ) from None
    if len(x) != nin:
        raise ValueError(f"{where} expects {nin} inputs, got {len(x)}: {list(x)!r}.")
    return [v if isinstance(v, Value) else Value(v) for v in x]


# --------------------------------------------------------------------------------------
# Module: finding parameters by name, zeroing gradients, saving and loading
# --------------------------------------------------------------------------------------


class _ClassOrInstanceMethod:
    """A method that receives the class when called on the class, the instance otherwise.

    ``model.load(path)`` loads into an existing model; ``MLP.load(path)`` makes a new one.
    """

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.__doc__ = function.__doc__

    def __get__(self, instance: object, owner: type) -> Callable[..., Any]:
        target = owner if instance is None else instance

        def bound(*args: Any, **kwargs: Any) -> Any:
            return self.function(target, *args, **kwargs)

        bound.__doc__ = self.function.__doc__
        return bound


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
        """Every trainable Value of the model (give them to an optimizer)."""
        return [p for _, p in self.named_parameters()]

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
                    f"got {type(number).__name__}: {number!r}."
                )
            if not math.isfinite(number):
                raise ValueError(f"{where}: parameter {name!r} is {number!r}, not a finite number.")
            updates.append((params[name], float(number)))
        for p, number in updates:
            p.data = number

    # -- files: plain JSON with a header -------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the architecture and parameters to ``path`` as JSON (human-readable)."""
        document = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "architecture": self.architecture(),
            "parameters": self.state_dict(),
        }
        with open(path, "w", encoding="utf-8") as f:
            json.dump(document, f, indent=1)
            f.write("\n")

    @_ClassOrInstanceMethod
    def load(target: Any, path: str | os.PathLike[str]) -> Any:
        """Load parameters saved by :meth:`save`; returns the model.

        ``model.load(path)`` loads into ``model`` after checking that the file's architecture
        and parameter names match it. ``MLP.load(path)`` (on the class) builds a new model of
        the saved architecture. A file that is not JSON, not a model file, of another
        architecture or with other parameter names is a ``ValueError`` saying what differs.
        """
        document = _read_model_file(path)
        saved = document["architecture"]
        if isinstance(target, type):
            model = target._from_architecture(saved, path)
        else:
            model = target
            expected = model.architecture()
            if saved != expected:
                raise ValueError(
                    f"{os.fspath(path)!r} holds a model of another architecture: the file has "
                    f"{_describe(saved)}, this model is {_describe(expected)}. Build a model "
                    f"with the saved architecture, or use {type(model).__name__}.load(path)."
                )
        try:
            model.load_state_dict(document["parameters"])
        except ValueError as error:
            raise ValueError(f"{os.fspath(path)!r}: {error}") from None
        return model

    @classmethod
    def _from_architecture(cls, architecture: dict[str, Any], path: object) -> Module:
        raise ValueError(
            f"{cls.__name__}.load(path) cannot build a {cls.__name__} from a file; "
            "make the model first, then call model.load(path)."
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(parameters={len(self.parameters())})"


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
        head = ", ".join(repr(n) for n in names[:5])
        return head + (f" and {len(names) - 5} more" if len(names) > 5 else "")

    parts = []
    if missing:
        parts.append(f"missing {len(missing)} parameter(s): {shown(missing)}")
    if unexpected:
        parts.append(f"unexpected {len(unexpected)} parameter(s): {shown(unexpected)}")
    return "; ".join(parts) + "."


def _describe(architecture: object) -> str:
    if isinstance(architecture, dict):
        return ", ".join(f"{k}={v!r}" for k, v in architecture.items())
    return repr(architecture)


def _read_model_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check a saved model file's header; the parameters are checked on loading."""
    name = repr(os.fspath(path))
    try:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(
            f"{name} is not a micrograd model file: it is not valid JSON ({error})."
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else type(document).__name__
        raise ValueError(
            f"{name} is not a micrograd model file: expected format {FORMAT!r}, found {found!r}."
        )
    if document.get("version") != FORMAT_VERSION:
        raise ValueError(
            f"{name} has format version {document.get('version')!r}; this micrograd reads "
            f"version {FORMAT_VERSION}."
        )
    for key, kind in (("architecture", dict), ("parameters", dict)):
        if not isinstance(document.get(key), kind):
            raise ValueError(
                f"{name} is damaged: {key!r} should be a JSON object, "
                f"found {type(document.get(key)).__name__}."
            )
    return document


def _architecture_field(architecture: dict, key: str, path: object) -> Any:
    if key not in architecture:
        raise ValueError(f"{os.fspath(path)!r} is damaged: the architecture has no {key!r}.")
    return architecture[key]


def _build(cls: type, path: object, *args: Any, **kwargs: Any) -> Any:
    """``cls(*args, **kwargs)`` from a file's architecture; a bad field names the file."""
    try:
        return cls(*args, **kwargs)
    except (TypeError, ValueError) as error:  # e.g. a size that is a string
        raise ValueError(f"{os.fspath(path)!r} is damaged: {error}") from None


def _check_type(architecture: dict, cls: type, path: object) -> None:
    found = architecture.get("type")
    if found != cls.__name__:
        raise ValueError(
            f"{os.fspath(path)!r} holds a {found!r}, not a {cls.__name__!r}; "
            f"load it with {found}.load(path)."
        )


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

    def parameters(self) -> list[Value]:
        # The same list as the generic search of Module.parameters(), 20x faster: a training
        # loop calls model.zero_grad() at every step. A subclass may add parameters: search.
        if type(self) is not Neuron:
            return super().parameters()
        return [*self.w, self.b]

    def architecture(self) -> dict[str, Any]:
        return {"type": "Neuron", "nin": self.nin, "activation": self.activation}

    @classmethod
    def _from_architecture(cls, architecture: dict[str, Any], path: object) -> Neuron:
        _check_type(architecture, cls, path)
        return _build(
            cls,
            path,
            _architecture_field(architecture, "nin", path),
            activation=_architecture_field(architecture, "activation", path),
        )

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
        rng = _make_rng(seed, rng, "Layer")
        self.neurons = [Neuron(nin, activation, rng=rng, fused=fused) for _ in range(nout)]

    def __call__(self, x: Sequence[Input] | Input) -> Value | list[Value]:
        xs = _as_inputs(x, self.nin, "Layer")
        out = self._forward(xs)
        return out[0] if len(out) == 1 else out

    def _forward(self, xs: list[Value]) -> list[Value]:
        xd = [v.data for v in xs]  # read once, shared by all the neurons
        return [n._forward(xs, xd) for n in self.neurons]

    def parameters(self) -> list[Value]:
        if type(self) is not Layer:  # see Neuron.parameters
            return super().parameters()
        # dict.fromkeys drops repeats (a neuron used twice) as Module.parameters() does
        params: list[Value] = []
        for n in self.neurons:
            params += n.w
            params.append(n.b)
        return list(dict.fromkeys(params))

    def architecture(self) -> dict[str, Any]:
        return {"type": "Layer", "nin": self.nin, "nout": self.nout, "activation": self.activation}

    @classmethod
    def _from_architecture(cls, architecture: dict[str, Any], path: object) -> Layer:
        _check_type(architecture, cls, path)
        return _build(
            cls,
            path,
            _architecture_field(architecture, "nin", path),
            _architecture_field(architecture, "nout", path),
            activation=_architecture_field(architecture, "activation", path),
        )

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
        rng = _make_rng(seed, rng, "MLP")
        widths = [nin, *self.sizes]
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

    def parameters(self) -> list[Value]:
        if type(self) is not MLP:  # see Neuron.parameters
            return super().parameters()
        params: list[Value] = []
        for layer in self.layers:
            for n in layer.neurons:
                params += n.w
                params.append(n.b)
        return list(dict.fromkeys(params))

    def architecture(self) -> dict[str, Any]:
        return {
            "type": "MLP",
            "nin": self.nin,
            "sizes": list(self.sizes),
            "activation": self.activation,
            "output_activation": self.output_activation,
        }

    @classmethod
    def _from_architecture(cls, architecture: dict[str, Any], path: object) -> MLP:
        _check_type(architecture, cls, path)
        return _build(
            cls,
            path,
            _architecture_field(architecture, "nin", path),
            _architecture_field(architecture, "sizes", path),
            activation=_architecture_field(architecture, "activation", path),
            output_activation=_architecture_field(architecture, "output_activation", path),
        )

    def __repr__(self) -> str:
        count = sum((layer.nin + 1) * layer.nout for layer in self.layers)
        lines = [f"MLP(nin={self.nin}, sizes={self.sizes}, parameters={count},"]
        lines += [f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers)]
        return "\n".join([*lines, ")"])
