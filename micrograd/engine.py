"""The engine: a scalar `Value` that remembers how it was computed, and `backward()`.

The lesson comes first, in four numbered parts: the op table, Values, the graph walk and the
chain rule. After the marked line: error messages and conveniences.

**Coming from the micrograd lecture**, where each operator stores a ``_backward`` closure
that pushes ``out.grad`` into its inputs: here that rule is data, a row of the table
(``DIV``'s local derivatives are ``1 / b`` and ``-out / b``), and one loop applies the chain
rule for every op. Why? *No reference cycles*: a closure stored on ``out`` that refers to
``out`` is a cycle, which only Python's cyclic garbage collector frees (long training runs
then spend much of their time in it); a node here holds only its parents and floats, so a
dropped graph is freed at once. *The same rule on floats and on Values*: the rules use only
arithmetic, so the row that gives float derivatives in the forward pass also builds Values
when ``grad(..., create_graph=True)`` wants a derivative to differentiate again (second
derivatives). The lecture's ``v._prev`` and ``v._op`` work here too.
"""

from __future__ import annotations

import gc
import math
import numbers
import operator
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache, reduce
from itertools import repeat
from typing import Union

Number = Union[int, float]  # noqa: UP007 - evaluated at runtime on 3.10
Operand = Union["Value", int, float]

# -- 1. The op table: forward computation and local derivatives, side by side ----------


@dataclass(frozen=True, slots=True)
class Op:
    """One operation. ``forward(*inputs)`` gives its result on floats;
    ``local_grads(*inputs, out)`` gives ``(d out / d input_1, ...)`` on floats or Values."""

    name: str
    forward: Callable[..., float] = field(repr=False)
    local_grads: Callable[..., tuple] = field(repr=False)


def _sigmoid(a: float) -> float:  # two forms, so exp never overflows: stable at +-1000
    return 1.0 / (1.0 + math.exp(-a)) if a >= 0.0 else math.exp(a) / (1.0 + math.exp(a))


def _add_up(terms: Iterable) -> float:  # left to right like a chain of +: the same bits
    return reduce(operator.add, terms, 0.0)  # (3.12's builtin sum() rounds differently)


def _dot(*inputs: float) -> float:  # inputs: w_1..w_n, x_1..x_n, and maybe a bias b
    n = len(inputs) // 2
    bias = inputs[2 * n] if len(inputs) % 2 else 0.0
    return _add_up(map(operator.mul, inputs[:n], inputs[n : 2 * n])) + bias


def _dot_grads(*args):  # args: w_1..w_n, x_1..x_n, [b,] out
    n = (len(args) - 1) // 2  # d/dw_i = x_i, d/dx_i = w_i, d/db = 1
    return (*args[n : 2 * n], *args[:n], *((1.0,) if len(args) % 2 == 0 else ()))


#   The rules take floats, or Values (which have .sin() and .cos() methods).
#        name       forward (on floats)      local derivatives (inputs..., out)
ADD = Op("+", operator.add,              lambda a, b, out: (1.0, 1.0))  # fmt: skip
SUB = Op("-", operator.sub,              lambda a, b, out: (1.0, -1.0))  # fmt: skip
MUL = Op("*", operator.mul,              lambda a, b, out: (b, a))  # fmt: skip
DIV = Op("/", operator.truediv,          lambda a, b, out: (1 / b, -out / b))  # fmt: skip
NEG = Op("neg", operator.neg,            lambda a, out: (-1.0,))  # fmt: skip
EXP = Op("exp", math.exp,                lambda a, out: (out,))  # fmt: skip
LOG = Op("log", math.log,                lambda a, out: (1 / a,))  # fmt: skip
TANH = Op("tanh", math.tanh,             lambda a, out: (1 - out * out,))  # fmt: skip
SIGMOID = Op("sigmoid", _sigmoid,        lambda a, out: (out * (1 - out),))  # fmt: skip
RELU = Op("relu", lambda a: a if a > 0 else 0.0, lambda a, out: (1.0 if a > 0 else 0.0,))  # fmt: skip
SIN = Op("sin", math.sin,                lambda a, out: (math.cos(a) if type(a) is float else a.cos(),))  # fmt: skip
COS = Op("cos", math.cos,                lambda a, out: (-(math.sin(a) if type(a) is float else a.sin()),))  # fmt: skip
ABS = Op("abs", abs,                     lambda a, out: (1.0 if a > 0 else -1.0 if a < 0 else 0.0,))  # fmt: skip
SUM = Op("sum", lambda *xs: _add_up(xs), lambda *xs_and_out: (1.0,) * (len(xs_and_out) - 1))  # fmt: skip
DOT = Op("dot", _dot,                    _dot_grads)  # fmt: skip


@lru_cache(maxsize=256)
def _power_op(k: float) -> Op:
    """The row of ``x ** k`` for a plain-number exponent k (one row per k, named '**2'...)."""
    name = f"**{int(k) if k.is_integer() else k}"
    return Op(name, lambda a: math.pow(a, k), lambda a, out: (k * a ** (k - 1) if k else 0.0,))


# -- 2. Values, and the one function that makes a new node -----------------------------


class Value:
    """A scalar that remembers the op that made it, so gradients can flow back through it.

    >>> x = Value(2.0, label="x")
    >>> y = x * x + 3 * x        # y = x^2 + 3x, so dy/dx = 2x + 3 = 7
    >>> y.backward()
    >>> x.grad
    7.0

    ``==`` and hashing go by identity (Values work in sets and dicts); ``<`` compares data.
    """

    # __weakref__: the engine remembers the last backward() root without keeping it alive.
    __slots__ = ("data", "grad", "label", "_rule", "_parents", "_local_grads", "__weakref__")

    def __init__(self, data: Number, label: str = "") -> None:
        finite_float = type(data) is float and math.isfinite(data)
        self.data: float = data if finite_float else _as_float(data, "Value()")
        self.grad: float = 0.0
        self.label: str = label if isinstance(label, str) else _label_error(label)
        self._rule: Op | None = None  # the row of the table that made this Value
        self._parents: tuple[Value, ...] = ()  # the Values it was made from
        self._local_grads: tuple = ()  # d self / d parent, for each parent

    # Read-only views of the graph (``_prev`` and ``_op`` are the lecture's names).
    # fmt: off
    op = property(lambda self: self._rule.name if self._rule else "", doc="Op name, '' for a leaf.")
    parents = property(lambda self: self._parents, doc="The Values it was made from.")
    local_grads = property(lambda self: self._local_grads, doc="d self / d each parent.")
    is_leaf = property(lambda self: not self._parents, doc="True for a Value made by the user.")
    _prev = property(lambda self: set(self._parents), doc="The lecture's name: the parents, a set.")
    _op = property(lambda self: self.op, doc="The lecture's name for op.")

    # Each operator applies one row of the table (a plain number becomes a constant leaf).
    def __add__(self, other: Operand) -> Value: return _binary(ADD, self, other)
    def __radd__(self, other: Number) -> Value: return _binary(ADD, other, self)
    def __sub__(self, other: Operand) -> Value: return _binary(SUB, self, other)
    def __rsub__(self, other: Number) -> Value: return _binary(SUB, other, self)
    def __mul__(self, other: Operand) -> Value: return _binary(MUL, self, other)
    def __rmul__(self, other: Number) -> Value: return _binary(MUL, other, self)
    def __truediv__(self, other: Operand) -> Value: return _binary(DIV, self, other)
    def __rtruediv__(self, other: Number) -> Value: return _binary(DIV, other, self)
    def __neg__(self) -> Value: return _node(NEG, (self,), (self.data,))
    def __abs__(self) -> Value: return _node(ABS, (self,), (self.data,))
    def exp(self) -> Value: return _node(EXP, (self,), (self.data,))
    def log(self) -> Value: return _node(LOG, (self,), (self.data,))
    def tanh(self) -> Value: return _node(TANH, (self,), (self.data,))
    def sigmoid(self) -> Value: return _node(SIGMOID, (self,), (self.data,))
    def relu(self) -> Value: return _node(RELU, (self,), (self.data,))
    def sin(self) -> Value: return _node(SIN, (self,), (self.data,))
    def cos(self) -> Value: return _node(COS, (self,), (self.data,))
    def __pos__(self) -> Value: return self
    def __rpow__(self, base: Number) -> Value: return Value(_as_float(base, "base ** Value")) ** self
    # Conveniences: comparisons on data (== stays identity), float(), detach() and repr().
    def __lt__(self, other: Operand) -> bool: return self.data < _data(other)
    def __le__(self, other: Operand) -> bool: return self.data <= _data(other)
    def __gt__(self, other: Operand) -> bool: return self.data > _data(other)
    def __ge__(self, other: Operand) -> bool: return self.data >= _data(other)
    def __float__(self) -> float: return self.data
    def detach(self) -> Value: return Value(self.data, self.label)  # a leaf: no history
    def __repr__(self) -> str: return f"Value(data={self.data!r}, grad={self.grad!r}{_labelled(self)})"
    # fmt: on

    def __pow__(self, exponent: Operand) -> Value:
        if isinstance(exponent, Value):  # x ** y with y a Value: exp(y * log(x))
            return (exponent * _positive_base(self, exponent).log()).exp()
        finite_float = type(exponent) is float and math.isfinite(exponent)
        k = exponent if finite_float else _as_float(exponent, "the ** exponent")
        return _node(_power_op(k), (self,), (self.data,))

    def backward(self) -> None:
        """Fill ``.grad`` of every Value this one depends on with d self / d that Value.
        Leaves add it to what they had (as in PyTorch). A gradient that is not finite raises
        ``OverflowError`` (inf) or ``FloatingPointError`` (NaN), naming where it began."""
        global _last_backward_root
        with _one_pass_at_a_time, gc_paused():  # one pass at a time: threads share leaves
            _last_backward_root = weakref.ref(self)  # explain(x) needs the output
            leaves, computed = _depth_first(self)
            earlier = [leaf.grad for leaf in leaves]
            _start_pass(self, leaves, computed)
            _chain_rule(reversed(computed))  # outputs before inputs
            _add_earlier_grads(leaves, earlier, computed)


def _node(op: Op, parents: tuple[Value, ...], xs: Sequence[float]) -> Value:
    """The one node builder: ``op`` on ``parents`` (data ``xs``), with the result and the
    local derivatives computed here, as floats, and kept in the new Value."""
    try:  # one or two inputs without *xs: ~15% less time per node in CPython
        if len(xs) == 2:
            out = op.forward(xs[0], xs[1])
            local_grads = op.local_grads(xs[0], xs[1], out)
        elif len(xs) == 1:
            out = op.forward(xs[0])
            local_grads = op.local_grads(xs[0], out)
        else:
            out = op.forward(*xs)
            local_grads = op.local_grads(*xs, out)
    except (ArithmeticError, ValueError) as error:  # e.g. 1 / 0, log(-1), exp(1000)
        raise _op_error(op, xs, error) from None
    if not math.isfinite(out):  # e.g. 1e200 * 1e200 = inf: a Value holds a finite number
        raise _op_error(op, xs, out)
    node = object.__new__(Value)  # skips __init__'s checks: out is a finite float
    node.data, node.grad, node.label = out, 0.0, ""
    node._rule, node._parents, node._local_grads = op, parents, local_grads
    return node


def _binary(op: Op, a: Operand, b: Operand) -> Value:  # a number becomes a constant leaf
    try:
        if not isinstance(b, Value):
            b = Value(b)
        elif not isinstance(a, Value):
            a = Value(a)
    except TypeError:
        raise _operand_error(op, b if isinstance(a, Value) else a) from None
    return _node(op, (a, b), (a.data, b.data))


# -- 3. The graph walk: a topological order, without recursion -------------------------


_PARENTS_DONE = object()  # a marker on the stack: the node below it has all parents done


def _depth_first(root: Value) -> tuple[list[Value], list[Value]]:
    """The leaves under ``root``, and its computed Values in topological order (each
    after its parents). A stack, not recursion: a million-op chain cannot overflow."""
    leaves: list[Value] = []
    computed: list[Value] = []
    visited = set()
    stack: list = [root]
    while stack:
        node = stack.pop()
        if node is _PARENTS_DONE:
            computed.append(stack.pop())
        elif node not in visited:
            visited.add(node)
            if node._parents:  # come back to it (under the marker) after its parents
                stack += (node, _PARENTS_DONE, *node._parents)
            else:
                leaves.append(node)
    return leaves, computed


# -- 4. The chain rule, written once: for backward(), grad() and the step-through ------


def _start_pass(root: Value, leaves: list[Value], computed: list[Value], seed=1.0) -> None:
    for node in leaves:  # every .grad starts from 0, the output's from seed
        node.grad = 0.0
    for node in computed:
        node.grad = 0.0
    root.grad = seed


def _chain_rule(nodes: Iterable[Value], rules=None) -> None:
    """The chain rule, for ``nodes`` from the output back (each has then received from all
    its uses). With ``rules`` (``grad(create_graph=True)``), the table's rules run on Values
    instead of the recorded floats, and this same loop builds the derivatives as a graph."""
    for node in nodes:
        upstream = node.grad
        local_grads = node._local_grads if rules is None else rules(node)
        for parent, local in zip(node._parents, local_grads):
            parent.grad += local * upstream  # the chain rule; += sums over all uses


def _add_earlier_grads(leaves: list[Value], earlier: list[float], computed: list[Value]):
    """Leaves accumulate across calls: each adds what it had before this pass (computed
    from 0, so two calls give exactly twice the gradient)."""
    for leaf, before in zip(leaves, earlier):
        if not math.isfinite(leaf.grad):  # the leaves get back what they had; say where
            _restore_and_raise(leaves, earlier, computed)
        leaf.grad += before


def grad(output: Value, inputs: Iterable[Value], create_graph: bool = False) -> tuple:
    """d output / d each input, as a tuple (0 where output does not depend on it); every
    ``.grad`` is left as it was. With ``create_graph=True``, Values to differentiate again:

    >>> x = Value(2.0)
    >>> (dy,) = grad(x ** 3, [x], create_graph=True)   # 3x^2 = 12, as a Value
    >>> grad(dy, [x])                                   # 6x = 12
    (12.0,)
    """
    inputs = tuple(inputs)
    _check_grad_arguments(output, inputs)
    leaves, computed = _depth_first(output)
    in_graph = {*leaves, *computed}
    seed, zero, rules = (
        (Value(1.0), Value, _rules_on_values) if create_graph else (1.0, float, None)
    )
    with _one_pass_at_a_time, gc_paused():
        saved = [(node, node.grad) for node in in_graph]  # the same pass, on .grad, undone
        try:
            _start_pass(output, leaves, computed, seed)
            _chain_rule(reversed(computed), rules)
            if not create_graph and not all(math.isfinite(leaf.grad) for leaf in leaves):
                raise _gradient_error(leaves, computed)
            return tuple(x.grad if x in in_graph else zero(0.0) for x in inputs)
        finally:
            for node, before in saved:
                node.grad = before


def _rules_on_values(node: Value) -> tuple:
    return node._rule.local_grads(*node._parents, node)  # the row's rule, run on Values


# ======================================================================================
# That is the whole lesson. Below: error messages and conveniences.
# ======================================================================================

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

_one_pass_at_a_time = threading.RLock()  # backward() and grad() change .grad: one at a time


def _no_root() -> None:
    return None


_last_backward_root: Callable[[], Value | None] = _no_root


def last_backward_root() -> Value | None:
    """The Value whose ``backward()`` ran last, while it is still alive (else None).

    ``explain(x)`` uses it to find the output whose gradient ``x.grad`` holds.
    """
    return _last_backward_root()


_gc_lock = threading.Lock()
_gc_pauses = 0  # how many gc_paused() blocks are open, in all threads
_gc_was_enabled = False  # the collector's state when the first of them opened


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside the ``with`` block.

    Building and differentiating a graph makes many short-lived Values. Each allocation
    counts towards the collector's next run, and each run walks over all of them looking
    for reference cycles. The graph of Values has no cycles (a Value points only to its
    parents, never back), so reference counting alone frees it and the collector's work
    is wasted. ``backward()`` pauses it; ``micrograd.train.fit`` pauses it for each step.

    The collector is one switch for the whole process, so pauses are counted (under a
    lock): nested blocks and blocks open in several threads at once share one pause, and
    when the last one closes (also when it raises) the collector is switched back on if it
    was on before the first one opened. A ``gc.enable()`` made meanwhile is kept; a
    ``gc.disable()`` made meanwhile cannot be told apart from the pause, so switch the
    collector off before training if you want it off.

    >>> import gc
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


# -- numbers in, clear errors out --------------------------------------------------------


def _as_float(x: object, where: str) -> float:
    """Convert a real number to float; anything else is a TypeError that names it."""
    if type(x) is float:
        result = x
    elif type(x) is int or isinstance(x, numbers.Real):  # int first: the quick check
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


def _as_value(x: Operand, op: Op) -> Value:
    """A plain-number operand as a constant leaf Value; anything else names the op."""
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


def _check_grad_arguments(output: object, inputs: tuple) -> None:
    if not isinstance(output, Value):
        raise TypeError(f"grad() needs a Value as output, got {type(output).__name__}.")
    for x in inputs:
        if not isinstance(x, Value):
            raise TypeError(f"grad() needs Values as inputs, got {type(x).__name__}: {x!r}.")


def _data(x: Operand) -> float:
    return x.data if isinstance(x, Value) else _as_float(x, "comparison with a Value")


def _shown(op: Op, xs: Sequence[float]) -> str:
    """The op applied to its inputs, as the user wrote it: '1.0 / 0.0', 'log(-1.0)'."""
    name = op.name
    if name in ("+", "-", "*", "/") and len(xs) == 2:
        return f"{xs[0]!r} {name} {xs[1]!r}"
    if name.startswith("**"):
        return f"{xs[0]!r} ** {name[2:]}"
    return f"{name}({', '.join(repr(x) for x in xs)})"


def _op_error(op: Op, xs: Sequence[float], problem: Exception | float) -> ArithmeticError:
    """The error for an op that failed on these inputs, or whose result is not finite."""
    name, shown = op.name, _shown(op, xs)
    a = xs[0] if xs else 0.0
    if name == "/" and xs[1] == 0.0:
        return ZeroDivisionError(
            f"division by zero in {shown}: the denominator Value is 0. "
            "Add a small epsilon to the denominator or check why it is zero."
        )
    if name == "log" and a <= 0.0:
        return ValueError(
            f"log({a!r}) is undefined: log needs a positive number. "
            "Clamp the input (e.g. max(x, 1e-12)) or use a loss computed from logits."
        )
    if name == "exp" and isinstance(problem, OverflowError):
        return OverflowError(
            f"exp({a!r}) is too large for a float (exp overflows above ~709.78). "
            "Use smaller inputs, or a stable formula (e.g. subtract the maximum before exp)."
        )
    if name.startswith("**"):
        k = float(name[2:])
        if a == 0.0 and k < 0:
            return ZeroDivisionError(
                f"0.0 ** {k!r} divides by zero: a negative power of zero is undefined."
            )
        if a < 0.0 and not k.is_integer():
            return ValueError(
                f"({a!r}) ** {k!r} is not a real number: a negative base needs a "
                "whole-number exponent."
            )
        if a == 0.0 and isinstance(problem, ZeroDivisionError):  # 0 < k < 1: d/da infinite
            return ZeroDivisionError(
                f"x ** {k!r} at x = 0.0: the value is 0 but the derivative "
                f"{k!r} * x ** {k - 1!r} is infinite there. Keep x away from 0 "
                "(e.g. add a small epsilon)."
            )
    if isinstance(problem, Exception) and not isinstance(problem, OverflowError):
        return type(problem)(f"{shown} failed: {problem}. Check the inputs of this op.")
    if problem != problem:  # NaN
        return ValueError(f"{shown} is not a number (NaN). Check the inputs of this op.")
    return OverflowError(
        f"{shown} is too large for a float (limit ~1.8e308). "
        "Use smaller inputs, e.g. normalise the data or lower the learning rate."
    )


def _positive_base(base: Value, exponent: Value) -> Value:
    if base.data <= 0.0:
        raise ValueError(
            f"{base.data!r} ** Value({exponent.data!r}): a Value exponent needs a positive "
            "base, because it is computed as exp(exponent * log(base)). Use a plain-number "
            "exponent for a zero or negative base."
        )
    return base


def _label_error(label: object) -> str:
    raise TypeError(f"Value(label=...) needs a str, got {type(label).__name__}: {label!r}.")


def _labelled(value: Value) -> str:  # for repr()
    return f", label={value.label!r}" if value.label else ""


def _describe(node: Value) -> str:
    """A node as an error message names it: its label, else its op and data."""
    if node.label:
        return f"{node.label!r} (data {node.data!r})"
    if not node._parents:
        return f"the leaf with data {node.data!r}"
    return f"the {node.op!r} node with data {node.data!r}"


def _restore_and_raise(leaves: list[Value], earlier: list[float], computed: list[Value]):
    """A gradient is not finite: the leaves get back what they had before backward(),
    and the error names where it began."""
    for leaf, before in zip(leaves, earlier):
        leaf.grad = before
    raise _gradient_error(leaves, computed)


def _gradient_error(leaves: list[Value], computed: list[Value]) -> ArithmeticError:
    """Where did a gradient stop being a finite number? Called only when one did.

    The pass is replayed in the same order, edge by edge, on the side: the first edge
    whose contribution (local derivative * upstream gradient) is infinite or NaN, or the
    first node whose finite contributions add up to infinity, is where it began.
    """
    received: dict[Value, float] = {computed[-1]: 1.0}
    for node in reversed(computed):
        upstream = received.get(node, 0.0)
        if not math.isfinite(upstream):
            return _non_finite(upstream, node, "the finite gradients its uses pass back add up")
        for parent, local in zip(node._parents, node._local_grads):
            contribution = local * upstream
            if not math.isfinite(contribution):
                how = (
                    f"{_describe(node)} passes back to it its local derivative {local!r} "
                    f"times its own gradient {upstream!r}"
                )
                return _non_finite(contribution, parent, how)
            received[parent] = received.get(parent, 0.0) + contribution
    leaf = next(leaf for leaf in leaves if not math.isfinite(received.get(leaf, 0.0)))
    return _non_finite(received[leaf], leaf, "the finite gradients its uses pass back add up")


def _non_finite(g: float, node: Value, how: str) -> ArithmeticError:
    """OverflowError for an infinite gradient, FloatingPointError for NaN."""
    if g != g:
        return FloatingPointError(
            f"backward pass: the gradient of {_describe(node)} is NaN (not a number): {how}. "
            "NaN comes from an infinite local derivative (e.g. of 1/x with x near 0) times a "
            "zero gradient: keep the inputs away from where a derivative is infinite."
        )
    return OverflowError(
        f"backward pass: the gradient of {_describe(node)} is {g!r}: {how}, and that is too "
        "large for a float (limit ~1.8e308). Keep the inputs away from where a derivative "
        "blows up (e.g. add a small epsilon to a denominator), or lower the learning rate."
    )


def apply(op: Op, inputs: Sequence[Operand], data: Sequence[float] | None = None) -> Value:
    """Apply any row of the table, or an op of your own, to any number of inputs.

    >>> CUBE = Op("cube", lambda a: a**3, lambda a, out: (3 * a**2,))
    >>> y = apply(CUBE, [Value(2.0)])
    >>> y.data, y.local_grads
    (8.0, (12.0,))

    Plain numbers become constant leaves. ``data``, if given, is ``[x.data for x in
    inputs]`` already computed by the caller (a layer shares one among its neurons).
    """
    parents = tuple(inputs)
    if not all(map(isinstance, parents, repeat(Value))):
        parents = tuple(_as_value(x, op) for x in parents)
    return _node(op, parents, [p.data for p in parents] if data is None else data)


def topological_order(root: Value, include_leaves: bool = True) -> list[Value]:
    """Every Value ``root`` depends on, each after all of its parents: leaves, then the
    computed Values, ``root`` last (``include_leaves=False``: the computed ones only)."""
    leaves, computed = _depth_first(root)
    return leaves + computed if include_leaves else computed


# -- functions that work on Values and on plain numbers alike ----------------------------


def _unary(op: Op, method: str, doc: str) -> Callable[[Operand], Operand]:
    def function(x: Operand) -> Operand:
        if isinstance(x, Value):
            return getattr(x, method)()
        return apply(op, (_as_float(x, op.name + "()"),)).data

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
    if isinstance(x, Value):
        return x**k
    return (Value(_as_float(x, "power()")) ** k).data


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
