"""micrograd: a scalar autograd engine for learning how neural networks learn.

>>> from micrograd import Value
>>> x = Value(2.0, label="x")
>>> y = x * x + 3 * x
>>> y.backward()
>>> x.grad
7.0

The engine (``Value``, ``grad``, ``gradcheck``) is imported at once and needs only the
standard library. The rest is imported when first used, so that ``import micrograd`` stays
fast and does not need matplotlib, graphviz or ipywidgets: ``micrograd.nn``,
``micrograd.optim``, ``micrograd.losses``, ``micrograd.data``, ``micrograd.train``,
``micrograd.plots``, ``micrograd.draw`` and ``micrograd.exercises``, and the shortcuts
listed in ``_LAZY`` below (``micrograd.draw_dot``, ``micrograd.explain``, ``micrograd.fit``...).
"""

from __future__ import annotations

import importlib
from typing import Any

from micrograd.engine import (
    Value,
    cos,
    dot,
    exp,
    gc_paused,
    grad,
    last_backward_root,
    log,
    power,
    relu,
    sigmoid,
    sin,
    sum,  # noqa: A004, F401 - one n-ary node; micrograd.sum, not builtins.sum
    tanh,
    topological_order,
)
from micrograd.ledger import explain  # the module is micrograd.ledger, so nothing shadows it
from micrograd.numerical import GradcheckError, gradcheck, numerical_grad

__version__ = "0.1.0"

_SUBMODULES = {
    "nn", "optim", "losses", "data", "train", "plots", "draw", "stepper",
    "expression", "exercises", "numerical", "engine", "cli", "ledger",
    "renderer", "model_file", "digits", "i18n", "playground",
}  # fmt: skip

# name -> module it lives in, imported on first use
_LAZY = {
    "Module": "micrograd.nn",
    "Neuron": "micrograd.nn",
    "Layer": "micrograd.nn",
    "MLP": "micrograd.nn",
    "SGD": "micrograd.optim",
    "Adagrad": "micrograd.optim",
    "RMSprop": "micrograd.optim",
    "Adam": "micrograd.optim",
    "fit": "micrograd.train",
    "History": "micrograd.train",
    "draw_dot": "micrograd.draw",
    "backward_steps": "micrograd.stepper",
    "record_backward": "micrograd.stepper",
    "step_through": "micrograd.stepper",
    "export_html": "micrograd.stepper",
    "parse_expression": "micrograd.cli.expression",
}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"micrograd.{name}")
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'micrograd' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES | set(_LAZY))


# `sum` is left out of __all__ so that `from micrograd import *` does not hide the builtin.
__all__ = [
    "GradcheckError",
    "Value",
    "cos",
    "dot",
    "exp",
    "explain",
    "gc_paused",
    "grad",
    "gradcheck",
    "last_backward_root",
    "log",
    "numerical_grad",
    "power",
    "relu",
    "sigmoid",
    "sin",
    "tanh",
    "topological_order",
]
