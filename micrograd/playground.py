"""The Python side of the playground: micrograd in the browser, through Pyodide.

The playground's pages (``playground/`` in the repository) run this module in a Web
Worker. It only glues the library's own functions together, so that what students see
in the browser is exactly what the library computes:

* the expression page: :func:`micrograd.cli.expression.parse_expression` (the parser of
  ``micrograd graph``), :func:`micrograd.stepper.record_backward` and
  :func:`micrograd.stepper.frame_graph` (the frames and texts of the step-through page),
  :func:`micrograd.explain` (the chain-rule ledger);
* the training page: the generators of :mod:`micrograd.data`, :class:`micrograd.nn.MLP`,
  :func:`micrograd.train.make_optimizer` and :func:`micrograd.train.fit` (one call per
  batch), :func:`micrograd.train.accuracy`, and :func:`micrograd.draw.draw_dot` for one
  neuron's graph.

Every function the page calls goes through :func:`call`, which answers with JSON: either
``{"ok": true, "result": ...}`` or ``{"ok": false, "error": "one readable line"}``, so a
mistake is a message on the page, never a blank page. It runs in CPython too:

>>> import json
>>> reply = json.loads(call("expression", {"text": "x*w", "values": "x=2 w=-3"}))
>>> reply["result"]["gradients"]
'd/dx = -3, d/dw = 2'
>>> json.loads(call("expression", {"text": "x +", "values": "x=1"}))["ok"]
False

Importing it needs neither matplotlib, tqdm nor numpy (the browser has none of them).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from micrograd import data, stepper, train
from micrograd.cli import shorten
from micrograd.cli.expression import (
    ExpressionError,
    match_values,
    parse_expression,
)
from micrograd.cli.graph import parse_assignments
from micrograd.engine import Value, topological_order
from micrograd.ledger import explain, format_number
from micrograd.nn import ACTIVATIONS, MLP

__all__ = [
    "DATASETS",
    "ExpressionSession",
    "PlaygroundError",
    "TrainingSession",
    "call",
    "parse_values",
]

PRECISION = 4  # significant digits, as `micrograd graph` and the step-through page
MAX_LAYERS = 4
MAX_WIDTH = 64
MAX_STEPS_PER_CALL = 200  # one call should answer within a second or so


class PlaygroundError(ValueError):
    """A mistake in what the page asked for; the message is shown as it is."""


# --------------------------------------------------------------------------------------
# The expression page
# --------------------------------------------------------------------------------------


def parse_values(text: str) -> dict[str, float]:
    """``"x=2 w=-3, b=6.88"`` -> ``{"x": 2.0, "w": -3.0, "b": 6.88}``: the parser of
    ``micrograd graph --at``, with commas or spaces between the pairs."""
    return parse_assignments(text.replace(",", " ").split(), "values", PlaygroundError)


class ExpressionSession:
    """One expression at given values: its graph, its backward pass frame by frame, its
    gradients, and the ledger of any named node."""

    def __init__(self, text: str, values: str) -> None:
        numbers = parse_values(values)
        try:
            used, missing, unused = match_values(text, numbers)
            if missing:
                example = " ".join(f"{n}=..." for n in missing)
                raise PlaygroundError(f"no value for {', '.join(missing)}: add {example}")
            if unused:
                raise PlaygroundError(f"{', '.join(unused)} is given a value but not used")
            root = parse_expression(text, numbers, label_subexpressions=True)
        except ExpressionError as error:
            raise PlaygroundError(f"{error} (in {text!r})") from None
        if not root.label:
            root.label = "out"
        self.text, self.root, self.used = text, root, used
        self.trace = stepper.record_backward(root)  # leaves every .grad as it was
        if len(self.trace.steps) > stepper.DEFAULT_MAX_STEPS:
            raise PlaygroundError(
                f"the backward pass has {len(self.trace.steps)} steps; the playground shows "
                f"at most {stepper.DEFAULT_MAX_STEPS}: type a shorter expression"
            )
        try:
            root.backward()  # so that .grad (and the ledger's check against it) is final
        except ArithmeticError as error:
            raise PlaygroundError(
                f"the gradients at these values are too large for a float ({error}); "
                "choose other values"
            ) from None

    def _node(self, name: str) -> Value:
        for v in topological_order(self.root):
            if v.label == name:
                return v
        raise PlaygroundError(f"no value is called {name!r} in this graph")

    def summary(self) -> dict[str, Any]:
        leaves = {v.label: v for v in topological_order(self.root) if v.is_leaf}
        return {
            "text": self.text,
            "value": format_number(self.root.data, PRECISION),
            "last": len(self.trace.steps),
            "inputs": self.used,
            # the line `micrograd graph` prints after "gradients: "
            "gradients": ", ".join(
                f"d/d{n} = {format_number(leaves[n].grad, PRECISION)}" for n in self.used
            ),
        }

    def frame(self, frame: int) -> dict[str, Any]:
        """Frame ``frame`` as the step-through page shows it: DOT source and text."""
        last = len(self.trace.steps)
        if not isinstance(frame, int) or not 0 <= frame <= last:
            raise PlaygroundError(f"frame {frame!r} is out of range 0..{last}")
        graph = stepper.frame_graph(self.trace, frame, precision=PRECISION)
        node = self.trace.root if frame == 0 else self.trace.steps[frame - 1].node
        return {
            "frame": frame,
            "last": last,
            "node": self.trace.names[node],
            "dot": graph.source,
            "text": self.trace.frame_text(frame, PRECISION),
        }

    def explain(self, name: str) -> str:
        """The chain-rule ledger of d(output)/d(name)."""
        try:
            return str(explain(self._node(name), self.root))
        except ValueError as error:  # too many paths: the message says what to do
            raise PlaygroundError(str(error)) from None


# --------------------------------------------------------------------------------------
# The training page
# --------------------------------------------------------------------------------------

#: Data set name -> function(seed) -> (X, y): the generators' own defaults, 100 points or so.
DATASETS: dict[str, Callable[[int], tuple[list, list]]] = {
    "moons": lambda seed: data.make_moons(n_samples=100, seed=seed),
    "circles": lambda seed: data.make_circles(n_samples=100, seed=seed),
    "spirals": lambda seed: data.make_spirals(n_samples=150, seed=seed),
    "xor": lambda seed: data.xor(n_samples=100, noise=0.1, seed=seed, shuffle=True),
    "blobs": lambda seed: data.make_blobs(n_samples=100, seed=seed),
}


def _hidden_sizes(hidden: Any) -> list[int]:
    if isinstance(hidden, str):
        parts = [p for p in hidden.replace(",", " ").split() if p]
        try:
            hidden = [int(p) for p in parts]
        except ValueError:
            raise PlaygroundError(
                f"hidden layers: {hidden!r} is not a list of whole numbers such as 16, 16"
            ) from None
    sizes = list(hidden)
    if len(sizes) > MAX_LAYERS or any(not 1 <= s <= MAX_WIDTH for s in sizes):
        raise PlaygroundError(
            f"hidden layers: up to {MAX_LAYERS} layers of 1 to {MAX_WIDTH} neurons, got {sizes}"
        )
    return sizes


def _choice(name: str, value: Any, choices: Any) -> Any:
    if value not in choices:
        raise PlaygroundError(f"{name}: {value!r} is not one of {', '.join(map(str, choices))}")
    return value


class TrainingSession:
    """An MLP trained on a 2-D data set one batch at a time, as :func:`micrograd.train.fit`
    trains it (each batch is one ``fit`` call of one epoch, so the optimizer keeps its
    state from batch to batch)."""

    def __init__(
        self,
        dataset: str = "moons",
        hidden: Any = (16, 16),
        activation: str = "relu",
        loss: str = "hinge",
        optimizer: str = "sgd",
        lr: float | None = None,
        batch_size: int | None = None,
        alpha: float = 1e-4,
        seed: int = 0,
    ) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
            raise PlaygroundError(f"seed: a whole number 0..4294967295, got {seed!r}")
        self.X, self.y = DATASETS[_choice("data set", dataset, DATASETS)](seed)
        self.classes = max(self.y) + 1
        self.loss = _choice("loss", loss, train.LOSSES)
        binary = loss != "cross_entropy"
        if binary and self.classes > 2:
            raise PlaygroundError(
                f"{dataset} has {self.classes} classes; the {loss} loss is for two classes: "
                "choose cross_entropy"
            )
        outputs = 1 if binary else self.classes
        self.activation = _choice("activation", activation, ACTIVATIONS)
        self.model = MLP(2, [*_hidden_sizes(hidden), outputs], activation=activation, seed=seed)
        self.params = self.model.parameters()
        if lr is not None and not (isinstance(lr, (int, float)) and 0 < lr <= 100):
            raise PlaygroundError(f"learning rate: a number above 0 (at most 100), got {lr!r}")
        _choice("optimizer", optimizer, train.OPTIMIZERS)
        self.optimizer = train.make_optimizer(optimizer, self.params, lr)
        if batch_size is not None and not (
            isinstance(batch_size, int) and 1 <= batch_size <= len(self.X)
        ):
            raise PlaygroundError(f"batch size: a whole number 1..{len(self.X)}, or all")
        self.batch_size = batch_size
        self.alpha = alpha
        self.rng = random.Random(seed)
        self.epoch = 0
        self._batches = iter(())
        self.losses: list[float] = []

    def _next_batch(self) -> tuple[list, list]:
        for batch in self._batches:
            return batch
        self.epoch += 1  # every sample was seen once: a new epoch, in a new order
        self._batches = data.batches(self.X, self.y, self.batch_size, seed=self.rng)
        return next(self._batches)

    def step(self, steps: int = 1) -> dict[str, Any]:
        """``steps`` updates; the losses of their batches and the accuracy on all points."""
        if not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS_PER_CALL:
            raise PlaygroundError(f"steps: a whole number 1..{MAX_STEPS_PER_CALL}")
        new: list[float] = []
        for _ in range(steps):
            X_batch, y_batch = self._next_batch()
            try:
                history = train.fit(
                    self.model, X_batch, y_batch, loss=self.loss, optimizer=self.optimizer,
                    epochs=1, alpha=self.alpha, progress=False, shuffle=False,
                )  # fmt: skip
            except ArithmeticError as error:
                self.losses.extend(new)  # the steps before this one did happen
                raise PlaygroundError(
                    f"training diverged at step {len(self.losses) + 1} "
                    f"({shorten(str(error), 160)}); lower the learning rate and press reset"
                ) from None
            new.extend(history.loss)
        self.losses.extend(new)
        return {**self.state(), "losses": new}

    def state(self) -> dict[str, Any]:
        return {
            "step": len(self.losses),
            "epoch": self.epoch,
            "accuracy": train.accuracy(self.model, self.X, self.y),
            "loss": self.losses[-1] if self.losses else None,
            "weights": self.weights(),
        }

    def points(self) -> dict[str, Any]:
        return {"X": self.X, "y": self.y, "classes": self.classes}

    def weights(self) -> list[dict[str, Any]]:
        """Each layer's activation, weights (one row per neuron) and biases: enough for
        the page to draw the decision boundary with plain floats."""
        return [
            {
                "activation": layer.activation,
                "W": [[w.data for w in n.w] for n in layer.neurons],
                "b": [n.b.data for n in layer.neurons],
            }
            for layer in self.model.layers
        ]

    def neuron(self, layer: int, index: int, sample: int = 0, expand: bool = False) -> str:
        """The DOT source of one neuron's graph for one sample: earlier neurons collapsed to
        one box each, gradients of that sample's loss (the parameters' .grad is restored)."""
        layers = self.model.layers
        if not (0 <= layer < len(layers) and 0 <= index < len(layers[layer].neurons)):
            raise PlaygroundError(f"there is no neuron {index} in layer {layer}")
        if not 0 <= sample < len(self.X):
            raise PlaygroundError(f"there is no point {sample}")
        from micrograd.draw import draw_dot  # imports graphviz: only when a graph is drawn

        saved = [p.grad for p in self.params]
        inputs = [Value(c, label=f"x{i}") for i, c in enumerate(self.X[sample])]
        h, outs = inputs, []
        for each in layers:
            h = [n(h) for n in each.neurons]
            outs.append(h)
        scores = h[0] if len(h) == 1 else h
        try:
            for p in self.params:
                p.grad = 0.0
            train.LOSSES[self.loss]([scores], [self.y[sample]]).backward()
            earlier = [n for each in layers[:layer] for n in each.neurons]
            graph = draw_dot(
                outs[layer][index],
                collapse=earlier or None,
                params=self.params,
                inputs=inputs,
                expand_dot=bool(expand),
                precision=PRECISION,
                warn_no_backward=False,  # a point the model gets right may have no gradient
            )
        finally:
            for p, g in zip(self.params, saved):
                p.grad = g
        return graph.source


# --------------------------------------------------------------------------------------
# The one entry point of the worker
# --------------------------------------------------------------------------------------

_sessions: dict[str, Any] = {}


def _expression(text: str, values: str = "") -> dict[str, Any]:
    _sessions.pop("expression", None)
    session = ExpressionSession(text, values)
    _sessions["expression"] = session
    return session.summary()


_STARTS = {"expression": "draw an expression first", "training": "fix the settings and press Reset"}


def _session(kind: str) -> Any:
    if kind not in _sessions:
        raise PlaygroundError(f"no {kind} yet: {_STARTS[kind]}")
    return _sessions[kind]


def _train(**config: Any) -> dict[str, Any]:
    _sessions.pop("training", None)  # settings that fail leave no old run to train on
    session = TrainingSession(**config)
    _sessions["training"] = session
    return {**session.points(), **session.state()}


def _options() -> dict[str, Any]:
    """The choices of the training page, from the library's own tables."""
    return {
        "datasets": list(DATASETS),
        "activations": [a for a in ACTIVATIONS if a != "linear"],
        "losses": [name for name in train.LOSSES if name != "binary_cross_entropy"],
        "optimizers": {name: lr for name, (_, lr, _) in train.OPTIMIZERS.items()},
    }


COMMANDS: dict[str, Callable[..., Any]] = {
    "options": _options,
    "expression": _expression,
    "frame": lambda frame: _session("expression").frame(frame),
    "explain": lambda name: _session("expression").explain(name),
    "train": _train,
    "step": lambda steps=1: _session("training").step(steps),
    "neuron": lambda **kw: _session("training").neuron(**kw),
}


def call(command: str, args: dict[str, Any] | str | None = None) -> str:
    """Run ``command`` with keyword ``args`` (a dict or its JSON); answer JSON (see above).

    Mistakes (a bad expression, a math error, a diverging run) become
    ``{"ok": false, "error": ...}`` with the library's own message.
    """
    if isinstance(args, str):
        args = json.loads(args)
    try:
        if command not in COMMANDS:
            raise PlaygroundError(f"unknown command {command!r}")
        result = COMMANDS[command](**(args or {}))
    except (ValueError, TypeError, ArithmeticError, KeyError) as error:
        message = str(error) if isinstance(error, PlaygroundError) else _one_line(error)
        return json.dumps({"ok": False, "error": message})
    return json.dumps({"ok": True, "result": result})


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
