"""The engine: a scalar `Value` that remembers how it was computed, and `backward()`.

Three small ideas, one after the other (as in HIPS autodidact):

1. **Ops and their local derivatives.** Every operation is one row of a table: its forward
   computation on plain floats and its local derivatives (d out / d input for each input).
   The local derivatives are computed as plain floats in the forward pass and stored on the
   new node, so the backward pass is only multiplications and additions.
2. **Tracing.** Applying an op to Values makes a new Value whose ``parents`` are the inputs.
   The Values form a graph that points from each result back to what it was made from. It
   has no reference cycles, so Python frees it by reference counting alone.
3. **The backward pass.** Visit the nodes from the output back to the inputs (a topological
   order, found without recursion) and apply the chain rule: each node passes
   ``local derivative * its own gradient`` to each parent, and a parent that is used several
   times adds up (``+=``) what all its uses pass back.

The rules in the table are written with ``+ - * /`` and the functions of this module only,
so the *same* rule runs on floats (first-order derivatives, in the forward pass) and on
Values (``grad(..., create_graph=True)``, for second derivatives).
"""

from __future__ import annotations

import gc
import math
import numbers
import operator
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache, reduce
from itertools import repeat
from typing import Union

Number = Union[int, float]  # noqa: UP007 - evaluated at runtime on 3.10
Operand = Union["Value", int, float]

__all__ = [
    "Op",
    "Value",
    "apply",
    "cos",
    "dot",
    "exp",
    "gc_paused",
    "grad",
    "last_backward_root",
    "log",
    "power",
    "relu",
    "sigmoid",
    "sin",
    "sum",
    "tanh",
    "topological_order",
]


# --------------------------------------------------------------------------------------
# Plain numbers in, clear errors out
# --------------------------------------------------------------------------------------


def _as_float(x: object, where: str) -> float:
    """Convert a real number to float; anything else is a TypeError that names it."""
    if type(x) is float:
        result = x
    elif isinstance(x, numbers.Real):
        try:
            result = float(x)
        except OverflowError:
            raise OverflowError(
                f"{where}: the integer {x} is too large for a float (limit ~1.8e308)."
            ) from None
    else:
        raise TypeError(
            f"{where} needs a real number (an int or a float), but got {type(x).__name__}: {x!r}."
        )
    if not math.isfinite(result):
        raise ValueError(
            f"{where} got {result!r}; a Value holds a finite number. "
            "Check where the infinity or NaN came from before making a Value of it."
        )
    return result


def _not_finite(op: Op, inputs: Sequence[float], out: float) -> ArithmeticError:
    """The error for an op whose result is infinite or NaN."""
    name = op.name
    if name in ("+", "-", "*", "/") and len(inputs) == 2:
        shown = f"{inputs[0]!r} {name} {inputs[1]!r}"
    elif name.startswith("**"):
        shown = f"{inputs[0]!r} ** {name[2:]}"
    else:
        shown = f"{name}({', '.join(repr(x) for x in inputs)})"
    if out != out:  # NaN
        return ValueError(f"{shown} is not a number (NaN). Check the inputs of this op.")
    return OverflowError(
        f"{shown} = {out!r}: the result is too large for a float (limit ~1.8e308). "
        "Use smaller inputs, e.g. normalise the data or lower the learning rate."
    )


# The forward computations that can fail get a function of their own with a clear message.


def _divide(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError(
            f"division by zero in {a!r} / {b!r}: the denominator Value is 0. "
            "Add a small epsilon to the denominator or check why it is zero."
        )
    return a / b


def _power(a: float, k: float) -> float:
    if a == 0.0 and k < 0:
        raise ZeroDivisionError(
            f"0.0 ** {k!r} divides by zero: a negative power of zero is undefined."
        )
    if a < 0.0 and not float(k).is_integer():
        raise ValueError(
            f"({a!r}) ** {k!r} is not a real number: a negative base needs a whole-number exponent."
        )
    try:
        return a**k
    except OverflowError:
        raise OverflowError(f"{a!r} ** {k!r} is too large for a float (limit ~1.8e308).") from None


def _exp(a: float) -> float:
    try:
        return math.exp(a)
    except OverflowError:
        raise OverflowError(
            f"exp({a!r}) is too large for a float (exp overflows above ~709.78). "
            "Use smaller inputs, or a stable formula (e.g. subtract the maximum before exp)."
        ) from None


def _log(a: float) -> float:
    if a <= 0.0:
        raise ValueError(
            f"log({a!r}) is undefined: log needs a positive number. "
            "Clamp the input (e.g. max(x, 1e-12)) or use a loss computed from logits."
        )
    return math.log(a)


def _sigmoid(a: float) -> float:
    # Two forms, so that exp never sees a large positive number: stable at +-1000.
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _sign(a: Operand) -> float:
    return 1.0 if a > 0 else (-1.0 if a < 0 else 0.0)


# --------------------------------------------------------------------------------------
# 1. The op table: forward computation and local derivatives, side by side
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Op:
    """One operation: its name, its forward computation and its local derivatives.

    ``forward(*inputs) -> out`` works on floats. ``local_grads(*inputs, out)`` returns
    ``(d out / d input_1, d out / d input_2, ...)``; it works on floats *and* on Values.
    """

    name: str
    forward: Callable[..., float]
    local_grads: Callable[..., tuple]

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


def _sum_grads(*inputs_and_out):  # d(x1 + ... + xn)/dxi = 1
    return (1.0,) * (len(inputs_and_out) - 1)


def _dot_grads(*args):  # args: w_1..w_n, x_1..x_n, [b,] out
    n = (len(args) - 1) // 2  # d(w.x + b)/dw_i = x_i, d/dx_i = w_i, d/db = 1
    bias = (1.0,) if len(args) % 2 == 0 else ()
    return (*args[n : 2 * n], *args[:n], *bias)


def _add_up(terms: Iterable[float], last: float = 0.0) -> float:
    """Left to right, exactly as a chain of ``+`` adds: Python 3.12's builtin sum() rounds
    differently (it compensates), and a fused node must equal its expanded graph everywhere."""
    total = reduce(operator.add, terms, 0.0)
    return total + last


def _dot_forward(*inputs: float) -> float:
    n = len(inputs) // 2
    bias = inputs[2 * n] if len(inputs) % 2 else 0.0
    return _add_up(map(operator.mul, inputs[:n], inputs[n : 2 * n]), bias)


#        name       forward (on floats)               local derivatives (inputs..., out)
ADD = Op("+", operator.add,                   lambda a, b, out: (1.0, 1.0))  # fmt: skip
SUB = Op("-", operator.sub,                   lambda a, b, out: (1.0, -1.0))  # fmt: skip
MUL = Op("*", operator.mul,                   lambda a, b, out: (b, a))  # fmt: skip
DIV = Op("/", _divide,                        lambda a, b, out: (1 / b, -out / b))  # fmt: skip
NEG = Op("neg", operator.neg,                 lambda a, out: (-1.0,))  # fmt: skip
EXP = Op("exp", _exp,                         lambda a, out: (out,))  # fmt: skip
LOG = Op("log", _log,                         lambda a, out: (1 / a,))  # fmt: skip
TANH = Op("tanh", math.tanh,                  lambda a, out: (1 - out * out,))  # fmt: skip
SIGMOID = Op("sigmoid", _sigmoid,             lambda a, out: (out * (1 - out),))  # fmt: skip
RELU = Op("relu", lambda a: a if a > 0 else 0.0, lambda a, out: (1.0 if a > 0 else 0.0,))  # fmt: skip
SIN = Op("sin", math.sin,                     lambda a, out: (cos(a),))  # fmt: skip
COS = Op("cos", math.cos,                     lambda a, out: (-sin(a),))  # fmt: skip
ABS = Op("abs", abs,                          lambda a, out: (_sign(a),))  # fmt: skip
SUM = Op("sum", lambda *xs: _add_up(xs),      _sum_grads)  # fmt: skip
DOT = Op("dot", _dot_forward,                 _dot_grads)  # fmt: skip


@lru_cache(maxsize=256)
def _power_op(k: float) -> Op:
    """``x ** k`` for a plain-number exponent k: one op per exponent, e.g. '**2'."""

    def local_grads(a, out):  # d(a ** k)/da = k * a ** (k - 1)
        if k == 0:
            return (0.0,)
        try:
            return (k * power(a, k - 1),)
        except ZeroDivisionError:  # 0 < k < 1 at a = 0: name the power the user wrote
            raise ZeroDivisionError(
                f"x ** {k!r} at x = 0.0: the value is 0 but the derivative {k!r} * x ** {k - 1!r} "
                "is infinite there. Keep x away from 0 (e.g. add a small epsilon)."
            ) from None

    name = f"**{int(k) if k.is_integer() else k}"
    return Op(name, lambda a: _power(a, k), local_grads)


# --------------------------------------------------------------------------------------
# 2. Tracing: Values and how an op makes a new one
# --------------------------------------------------------------------------------------


class Value:
    """A scalar that remembers the op that made it, so gradients can flow back through it.

    >>> x = Value(2.0, label="x")
    >>> y = x * x + 3 * x        # y = x^2 + 3x, so dy/dx = 2x + 3 = 7
    >>> y.backward()
    >>> x.grad
    7.0

    Gradient semantics are PyTorch's: ``out.backward()`` seeds ``out.grad = 1``; every
    node it reaches gets its gradient for *this* call, and leaf Values (made by you,
    ``op == ""``) *accumulate* across calls until you zero them:

    >>> y.backward()             # same graph again: the leaf's gradient doubles
    >>> x.grad
    14.0
    >>> x.grad = 0.0             # what zero_grad() does

    Values hash and compare (``==``) by identity, so they can be used in sets and dicts;
    ``<``, ``<=``, ``>``, ``>=`` compare the data and return a plain bool.
    """

    # __weakref__ lets the engine remember the last backward() root without keeping it alive.
    __slots__ = ("data", "grad", "label", "_op", "_parents", "_local_grads", "__weakref__")

    data: float
    grad: float
    label: str

    def __init__(self, data: Number, label: str = "") -> None:
        self.data = (
            data if type(data) is float and data - data == 0.0 else _as_float(data, "Value()")
        )
        self.grad = 0.0
        if not isinstance(label, str):
            raise TypeError(f"Value(label=...) needs a str, got {type(label).__name__}: {label!r}.")
        self.label = label
        self._op: Op | None = None
        self._parents: tuple[Value, ...] = ()
        self._local_grads: tuple = ()

    # -- read-only graph inspection ----------------------------------------------------

    @property
    def op(self) -> str:
        """Name of the op that made this Value ("" for a leaf)."""
        return self._op.name if self._op is not None else ""

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from, in operand order."""
        return self._parents

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d self / d parent for each parent, computed in the forward pass."""
        return self._local_grads

    @property
    def is_leaf(self) -> bool:
        """True for a Value made by the user (inputs, parameters, constants)."""
        return not self._parents

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # -- arithmetic: each dunder applies one op of the table ---------------------------

    def __add__(self, other: Operand) -> Value:
        return _apply2(ADD, self, other)

    def __radd__(self, other: Number) -> Value:  # other + self
        return _apply2(ADD, _lift(other, ADD), self)

    def __sub__(self, other: Operand) -> Value:
        return _apply2(SUB, self, other)

    def __rsub__(self, other: Number) -> Value:  # other - self
        return _apply2(SUB, _lift(other, SUB), self)

    def __mul__(self, other: Operand) -> Value:
        return _apply2(MUL, self, other)

    def __rmul__(self, other: Number) -> Value:  # other * self
        return _apply2(MUL, _lift(other, MUL), self)

    def __truediv__(self, other: Operand) -> Value:
        return _apply2(DIV, self, other)

    def __rtruediv__(self, other: Number) -> Value:  # other / self
        return _apply2(DIV, _lift(other, DIV), self)

    def __neg__(self) -> Value:
        return _apply1(NEG, self)

    def __pos__(self) -> Value:
        return self

    def __pow__(self, exponent: Operand) -> Value:
        if isinstance(exponent, Value):  # x ** y with y a Value: exp(y * log(x))
            return _value_power(self, exponent)
        finite_float = type(exponent) is float and exponent - exponent == 0.0
        k = exponent if finite_float else _as_float(exponent, "the ** exponent")
        return _apply1(_power_op(k), self)

    def __rpow__(self, base: Number) -> Value:  # base ** self, e.g. 2 ** x
        return _value_power(Value(_as_float(base, "base ** Value")), self)

    def __abs__(self) -> Value:
        return _apply1(ABS, self)

    # -- functions -----------------------------------------------------------------------

    def exp(self) -> Value:
        return _apply1(EXP, self)

    def log(self) -> Value:
        return _apply1(LOG, self)

    def tanh(self) -> Value:
        return _apply1(TANH, self)

    def sigmoid(self) -> Value:
        return _apply1(SIGMOID, self)

    def relu(self) -> Value:
        return _apply1(RELU, self)

    def sin(self) -> Value:
        return _apply1(SIN, self)

    def cos(self) -> Value:
        return _apply1(COS, self)

    # -- comparisons on data (== stays identity) -----------------------------------------

    def __lt__(self, other: Operand) -> bool:
        return self.data < _data(other)

    def __le__(self, other: Operand) -> bool:
        return self.data <= _data(other)

    def __gt__(self, other: Operand) -> bool:
        return self.data > _data(other)

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _data(other)

    def __float__(self) -> float:
        return self.data

    def detach(self) -> Value:
        """A new leaf with the same data and no history (like ``tensor.detach()``)."""
        return Value(self.data, self.label)

    # -- 3. the backward pass ------------------------------------------------------------

    def backward(self) -> None:
        """Fill ``.grad`` of every Value this one depends on with d self / d that Value.

        Interior nodes get this call's gradient; leaves add it to what they had.
        """
        global _last_backward_root
        _last_backward_root = weakref.ref(self)  # for explain(x), which needs the output
        if not self._parents:  # a leaf: d self / d self = 1, accumulated like any leaf
            self.grad += 1.0
            return
        with gc_paused():
            leaves, computed = _depth_first(self)
            earlier = [leaf.grad for leaf in leaves]  # what the leaves accumulated before
            for node in leaves:
                node.grad = 0.0
            for node in computed:
                node.grad = 0.0
            self.grad = 1.0
            for node in reversed(computed):  # outputs before inputs
                upstream = node.grad
                for parent, local in zip(node._parents, node._local_grads):
                    parent.grad += local * upstream  # chain rule; += sums over all uses
            # Add this call's gradient to the leaves' earlier ones in one step, so that two
            # calls give exactly twice the gradient (g + g), whatever the order of the paths.
            for leaf, before in zip(leaves, earlier):
                leaf.grad += before


def _no_root() -> None:
    return None


_last_backward_root: Callable[[], Value | None] = _no_root


def last_backward_root() -> Value | None:
    """The Value whose ``backward()`` ran last, while it is still alive (else None).

    ``explain(x)`` uses it to find the output whose gradient ``x.grad`` holds.
    """
    return _last_backward_root()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside the ``with`` block.

    Building and differentiating a graph makes many short-lived Values. Each allocation
    counts towards the collector's next run, and each run walks over all of them looking
    for reference cycles. The graph of Values has no cycles (a Value points only to its
    parents, never back), so reference counting alone frees it and the collector's work
    is wasted. ``backward()`` pauses it; ``micrograd.train.fit`` pauses it for each step.

    The collector's previous state is restored on the way out, also when the block raises.

    >>> import gc
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _lift(x: Operand, op: Op) -> Value:
    """Wrap a plain number as a constant leaf Value."""
    if isinstance(x, Value):
        return x
    try:
        return Value(x)
    except TypeError:
        raise _operand_error(op, x) from None


def _operand_error(op: Op, x: object) -> TypeError:
    return TypeError(
        f"the {op.name!r} op needs numbers or Values, but got {type(x).__name__}: {x!r}. "
        "Convert it with float(...) or wrap it as Value(...)."
    )


def _data(x: Operand) -> float:
    return x.data if isinstance(x, Value) else _as_float(x, "comparison with a Value")


def _apply1(op: Op, a: Value) -> Value:
    """Apply a one-input op: compute the result and its local derivative, record the parent."""
    x = a.data
    out = op.forward(x)
    if out - out != 0.0:  # inf or nan
        raise _not_finite(op, (x,), out)
    v = _new_value(Value)  # a new node (Value.__init__'s checks are not needed here)
    v.data, v.grad, v.label = out, 0.0, ""
    v._op, v._parents, v._local_grads = op, (a,), op.local_grads(x, out)
    return v


def _apply2(op: Op, a: Value, b: Operand) -> Value:
    """Apply a two-input op (``b`` may be a plain number, made into a constant Value)."""
    if not isinstance(b, Value):
        try:
            b = Value(b)
        except TypeError:
            raise _operand_error(op, b) from None
    x, y = a.data, b.data
    out = op.forward(x, y)
    if out - out != 0.0:  # inf or nan
        raise _not_finite(op, (x, y), out)
    v = _new_value(Value)
    v.data, v.grad, v.label = out, 0.0, ""
    v._op, v._parents, v._local_grads = op, (a, b), op.local_grads(x, y, out)
    return v


def apply(op: Op, inputs: Sequence[Operand], data: Sequence[float] | None = None) -> Value:
    """Apply any op of the table to its inputs: the forward value, its local derivatives
    and the record of its parents, in one new Value.

    Every op of this module goes through this (or its one- and two-input shortcuts), and
    so can an op of your own:

    >>> CUBE = Op("cube", lambda a: a**3, lambda a, out: (3 * a**2,))
    >>> x = Value(2.0)
    >>> y = apply(CUBE, [x])
    >>> y.backward()
    >>> (y.data, x.grad)
    (8.0, 12.0)

    ``data``, if given, is ``[x.data for x in inputs]`` already computed by the caller
    (a layer shares one such list among all its neurons).
    """
    parents = tuple(inputs)
    if not all(map(isinstance, parents, repeat(Value))):
        parents = tuple(_lift(v, op) for v in parents)
    xs = [p.data for p in parents] if data is None else data
    out = op.forward(*xs)
    if out - out != 0.0:  # inf or nan
        raise _not_finite(op, xs, out)
    return _node(out, op, parents, op.local_grads(*xs, out))


def _node(data: float, op: Op, parents: tuple, local_grads: tuple) -> Value:
    """Make a Value that records its op (skips __init__'s checks: data is already a float)."""
    v = _new_value(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v._op = op
    v._parents = parents
    v._local_grads = local_grads
    return v


_new_value = object.__new__


def _value_power(base: Value, exponent: Value) -> Value:
    """``base ** exponent`` with a Value exponent, as exp(exponent * log(base))."""
    if base.data <= 0.0:
        raise ValueError(
            f"{base.data!r} ** Value({exponent.data!r}): a Value exponent needs a positive base, "
            "because it is computed as exp(exponent * log(base)). Use a plain-number exponent "
            "for a zero or negative base."
        )
    return (exponent * base.log()).exp()


# Functions that work on Values and on plain numbers alike (the derivative rules use them).


def _unary(op: Op, method: str, doc: str) -> Callable[[Operand], Operand]:
    def function(x: Operand) -> Operand:
        if isinstance(x, Value):
            return getattr(x, method)()
        out = op.forward(_as_float(x, op.name + "()"))
        return out

    function.__name__ = function.__qualname__ = method
    function.__doc__ = doc
    return function


exp = _unary(EXP, "exp", "e ** x, for a Value (recorded) or a plain number.")
log = _unary(LOG, "log", "Natural logarithm, for a Value (recorded) or a plain number.")
tanh = _unary(TANH, "tanh", "Hyperbolic tangent, for a Value (recorded) or a plain number.")
sigmoid = _unary(SIGMOID, "sigmoid", "1 / (1 + e ** -x), for a Value or a plain number.")
relu = _unary(RELU, "relu", "max(x, 0), for a Value (recorded) or a plain number.")
sin = _unary(SIN, "sin", "Sine, for a Value (recorded) or a plain number.")
cos = _unary(COS, "cos", "Cosine, for a Value (recorded) or a plain number.")


def power(x: Operand, k: Number) -> Operand:
    """x ** k for a plain-number exponent k, for a Value (recorded) or a plain number."""
    return x**k if isinstance(x, Value) else _power(_as_float(x, "power()"), k)


def sum(values: Iterable[Operand]) -> Value:  # noqa: A001 - mirrors the builtin on purpose
    """x1 + x2 + ... + xn as *one* node with local derivative 1 for each input.

    Same value and gradients as a chain of ``+``, with n - 1 fewer nodes.
    """
    values = tuple(values)
    if not values:
        return Value(0.0)
    return apply(SUM, values)


def dot(
    weights: Sequence[Operand], inputs: Sequence[Operand], bias: Operand | None = None
) -> Value:
    """w1*x1 + ... + wn*xn (+ b) as *one* node: what a neuron computes before its activation.

    Local derivatives: d/dw_i = x_i, d/dx_i = w_i, d/db = 1. Same value and gradients
    as the expanded ``w_i * x_i`` graph, with 2n fewer nodes.
    """
    if len(weights) != len(inputs):
        raise ValueError(
            f"dot needs as many weights as inputs, got {len(weights)} weights "
            f"and {len(inputs)} inputs."
        )
    if bias is None:
        return apply(DOT, (*weights, *inputs))
    return apply(DOT, (*weights, *inputs, bias))


# --------------------------------------------------------------------------------------
# 3. Graph order and the chain rule
# --------------------------------------------------------------------------------------


def topological_order(root: Value, include_leaves: bool = True) -> list[Value]:
    """Every Value that ``root`` depends on, each listed after all of its parents.

    The leaves come first (they have no parents), then the computed Values, ``root`` last.
    """
    leaves, computed = _depth_first(root)
    return leaves + computed if include_leaves else computed


def _depth_first(root: Value) -> tuple[list[Value], list[Value]]:
    """The leaves under ``root``, and its computed Values in topological order.

    A depth-first search with an explicit stack instead of recursion, so a chain of a
    million ops cannot overflow Python's call stack. A node is pushed again under a
    marker before its parents; popping the marker means its parents are all done.
    """
    if not root._parents:
        return [root], []
    leaves: list[Value] = []
    computed: list[Value] = []
    visited = {root}
    stack: list = [root, _PARENTS_DONE]
    stack.extend(root._parents)
    while stack:
        node = stack.pop()
        if node is _PARENTS_DONE:
            computed.append(stack.pop())  # the node under the marker
        elif node not in visited:
            visited.add(node)
            if node._parents:
                stack += (node, _PARENTS_DONE, *node._parents)
            else:
                leaves.append(node)  # nothing to wait for
    return leaves, computed


_PARENTS_DONE = object()


def grad(
    output: Value, inputs: Iterable[Value], create_graph: bool = False
) -> tuple[float, ...] | tuple[Value, ...]:
    """The derivatives of ``output`` with respect to each of ``inputs``, as a tuple.

    Does not touch ``.grad``. With ``create_graph=False`` the derivatives are floats.
    With ``create_graph=True`` they are Values recorded in a graph of their own, so they
    can be differentiated again: the derivative of a derivative is the second derivative.

    >>> x = Value(2.0)
    >>> y = x ** 3
    >>> (dy,) = grad(y, [x], create_graph=True)   # 3x^2 = 12, as a Value
    >>> grad(dy, [x])                              # 6x = 12
    (12.0,)

    An input that ``output`` does not depend on gets the derivative 0.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad() needs a Value as output, got {type(output).__name__}.")
    inputs = tuple(inputs)
    for x in inputs:
        if not isinstance(x, Value):
            raise TypeError(f"grad() needs Values as inputs, got {type(x).__name__}: {x!r}.")
    order = topological_order(output)
    if not create_graph:
        adjoint: dict[Value, float] = {output: 1.0}
        for node in reversed(order):
            upstream = adjoint.get(node, 0.0)
            for parent, local in zip(node._parents, node._local_grads):
                adjoint[parent] = adjoint.get(parent, 0.0) + local * upstream
        return tuple(adjoint.get(x, 0.0) for x in inputs)

    # Higher order: run each op's rule on Values (not floats), so that the local
    # derivatives, and hence the gradients, are themselves recorded graphs.
    value_adjoint: dict[Value, Value] = {output: Value(1.0)}
    for node in reversed(order):
        if node not in value_adjoint or not node._parents:
            continue
        upstream = value_adjoint[node]
        for parent, local in zip(node._parents, node._op.local_grads(*node._parents, node)):
            term = local * upstream if isinstance(local, Value) else upstream * local
            value_adjoint[parent] = (
                value_adjoint[parent] + term if parent in value_adjoint else term
            )
    return tuple(value_adjoint.get(x, Value(0.0)) for x in inputs)
