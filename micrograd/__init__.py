"""micrograd: a scalar autograd engine for learning how neural networks learn.

>>> from micrograd import Value
>>> x = Value(2.0, label="x")
>>> y = (x * x + 1).tanh()
>>> y.backward()
"""

from micrograd.engine import (
    Value,
    cos,
    dot,
    exp,
    grad,
    log,
    power,
    relu,
    sigmoid,
    sin,
    sum,  # noqa: A004, F401 - one n-ary node; micrograd.sum, not builtins.sum
    tanh,
    topological_order,
)
from micrograd.numerical import GradcheckError, gradcheck, numerical_grad

__version__ = "0.1.0"

# `sum` is left out of __all__ so that `from micrograd import *` does not hide the builtin.
__all__ = [
    "GradcheckError",
    "Value",
    "cos",
    "dot",
    "exp",
    "grad",
    "gradcheck",
    "log",
    "numerical_grad",
    "power",
    "relu",
    "sigmoid",
    "sin",
    "tanh",
    "topological_order",
]
