"""Exercise 1: the forward pass and local derivative of each op, checked node by node.

The student writes ``__mul__``, ``__truediv__``, ``__pow__``, ``exp``, ``tanh`` and ``log`` of a
small Karpathy-style ``Value`` class (children in ``_prev``, a ``_backward`` closure). For
each test case the checker

1. makes fresh Values of the student's class and gives each one a gradient *already there*
   (``a.grad = 0.3``, as if ``a`` were used elsewhere in the graph), so ``=`` instead of
   ``+=`` shows;
2. applies the op and compares the result with micrograd's own engine (the reference);
3. sets ``out.grad`` to an upstream gradient other than 1, so a missing ``* out.grad``
   shows, and runs the student's ``_backward`` closures from the output back;
4. compares each operand's ``.grad`` with ``pre + upstream * local derivative``.

When gradients are wrong it fits *hypotheses*: for each operand, every combination of a
candidate local derivative (the right one, the swapped operand, ``1 - x**2`` for tanh, ...),
a sign, the chain factor (``out.grad``, none, ``self.grad``) and ``+=``/``=``; the simplest
one that reproduces every case is the diagnosis.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from micrograd.engine import Value as RefValue
from micrograd.exercises.core import Context, Stop, close, exercise, fmt

OPS = ("mul", "div", "pow", "exp", "tanh", "log")
METHOD = {
    "mul": "__mul__",
    "div": "__truediv__",
    "pow": "__pow__",
    "exp": "exp",
    "tanh": "tanh",
    "log": "log",
}
CHILD_ATTRS = ("_prev", "_children", "prev", "children", "_parents", "parents")
MAX_NODES = 10_000


# --------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------


@dataclass
class OpCase:
    """One application of an op: ``a OP b`` / ``a OP const`` / ``a OP a`` / ``f(a)``."""

    op: str
    shape: str  # "binary" (a, b Values), "const" (a, number), "reuse" (a, a), "unary"
    xs: tuple[float, ...]  # data of the distinct Value operands
    upstream: float
    pre: tuple[float, ...]  # .grad of each distinct operand before backward
    const: float | None = None  # the number operand, or the exponent for pow

    @property
    def names(self) -> tuple[str, ...]:
        return ("a", "b")[: len(self.xs)]

    @property
    def label(self) -> str:
        symbol = {"mul": "*", "div": "/", "pow": "**"}.get(self.op)
        if self.op == "pow":
            return f"a ** {fmt(self.const)}"
        if symbol is None:
            return f"a.{self.op}()"
        if self.shape == "reuse":
            return f"a {symbol} a"
        if self.shape == "const":
            return f"a {symbol} {fmt(self.const)}"
        return f"a {symbol} b"

    def describe(self) -> str:
        values = ", ".join(f"{n}={fmt(x)}" for n, x in zip(self.names, self.xs))
        pre = ", ".join(f"{n}.grad={fmt(p)}" for n, p in zip(self.names, self.pre))
        return f"{self.label} with {values}, out.grad={fmt(self.upstream)} (before: {pre})"

    def apply(self, a, b=None):
        """The operation on the student's (or the reference) Values."""
        if self.op == "pow":
            return a**self.const
        if self.shape == "unary":
            return getattr(a, self.op)()
        other = a if self.shape == "reuse" else (b if self.shape == "binary" else self.const)
        return {"mul": lambda: a * other, "div": lambda: a / other}[self.op]()

    def reference(self) -> tuple[float, tuple[float, ...]]:
        """Forward value and d out / d operand (summed over uses) from micrograd's engine."""
        values = [RefValue(x) for x in self.xs]
        out = self.apply(*values)
        totals = dict.fromkeys(values, 0.0)
        for parent, local in zip(out.parents, out.local_grads):
            if parent in totals:
                totals[parent] += local
        return out.data, tuple(totals[v] for v in values)

    def operand_line(self, i: int) -> str:
        """Which variable of the student's method holds operand i."""
        return "self" if i == 0 else "other"


def _away(rng, lo: float, hi: float, avoid: tuple[float, ...] = (0.0,), gap: float = 0.15):
    """A random number in [lo, hi], two decimals, at least ``gap`` from each of ``avoid``."""
    while True:
        x = round(rng.uniform(lo, hi), 2)
        if all(abs(x - v) >= gap for v in avoid):
            return x


def _upstream(rng) -> float:
    return _away(rng, -2.5, 2.5, avoid=(0.0, 1.0, -1.0))


def make_cases(op: str, rng) -> list[OpCase]:
    """Seeded random cases plus the tricky ones: zero, negative inputs, reuse, constants."""
    cases: list[OpCase] = []

    def pre(n):
        return tuple(_away(rng, -1.0, 1.0) for _ in range(n))

    if op in ("mul", "div"):
        for _ in range(8):
            a = _away(rng, -3, 3)
            b = _away(rng, -3, 3, avoid=(0.0, a, -a, 1.0, -1.0))
            cases.append(OpCase(op, "binary", (a, b), _upstream(rng), pre(2)))
        b_neg = -abs(_away(rng, -3, 3, avoid=(0.0, 1.0, -1.0)))
        cases.append(OpCase(op, "binary", (-1.5, b_neg), _upstream(rng), pre(2)))  # both < 0
        cases.append(OpCase(op, "binary", (0.0, 2.5), _upstream(rng), pre(2)))  # zero
        if op == "mul":
            cases.append(OpCase(op, "binary", (1.75, 0.0), _upstream(rng), pre(2)))
        cases.append(OpCase(op, "binary", (1.2, -0.8), 1.0, (0.0, 0.0)))  # the plain case
        cases.append(OpCase(op, "const", (-2.2,), _upstream(rng), pre(1), const=3.5))
        cases.append(OpCase(op, "reuse", (1.5,), _upstream(rng), pre(1)))
        cases.append(OpCase(op, "reuse", (-0.7,), _upstream(rng), (0.0,)))
    elif op == "pow":
        exponents = [2, 3, -1, -2, 1, 0, 0.5, 1.5, 4]
        for k in exponents:
            positive_only = not float(k).is_integer()
            for _ in range(2):
                a = _away(rng, 0.2, 2.5) if positive_only else _away(rng, -2.5, 2.5)
                cases.append(OpCase(op, "unary", (a,), _upstream(rng), pre(1), const=k))
        cases.append(OpCase(op, "unary", (0.0,), _upstream(rng), pre(1), const=3))  # zero
        cases.append(OpCase(op, "unary", (-1.3,), _upstream(rng), pre(1), const=2))  # negative
    else:
        lo, hi = (0.1, 5.0) if op == "log" else (-2.5, 2.5)
        for _ in range(10):
            cases.append(OpCase(op, "unary", (_away(rng, lo, hi),), _upstream(rng), pre(1)))
        if op != "log":
            cases.append(OpCase(op, "unary", (0.0,), _upstream(rng), pre(1)))
            cases.append(OpCase(op, "unary", (-1.7,), _upstream(rng), pre(1)))
        else:
            cases.append(OpCase(op, "unary", (0.05,), _upstream(rng), pre(1)))
            cases.append(OpCase(op, "unary", (7.5,), _upstream(rng), pre(1)))
        cases.append(OpCase(op, "unary", (0.8,), 1.0, (0.0,)))  # the plain case
    return cases


# --------------------------------------------------------------------------------------
# Candidate local derivatives: the right one and the usual mistakes, per op and operand
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    kind: str  # "correct" or a diagnosis kind
    text: str  # how it reads, e.g. "1 - x**2"
    fn: Callable[[float, float, float, float], float]  # (a, b_or_exponent, out) -> local
    message: str = ""
    hints: tuple[str, ...] = ()


def _safe(fn):
    def wrapped(a, b, out):
        try:
            return float(fn(a, b, out))
        except (ArithmeticError, ValueError, TypeError):
            return math.nan

    return wrapped


def _f(kind, text, fn, message="", *hints) -> Formula:
    return Formula(kind, text, _safe(fn), message, hints)


SWAP_HINTS = (
    "For out = a * b, how much does out change when a grows by a little? By b times as much.",
    "In __mul__ write `self.grad += other.data * out.grad` and "
    "`other.grad += self.data * out.grad`: each operand gets the *other* one's data.",
)
POWER_HINTS = (
    "The power rule: d/dx x**n = n * x**(n - 1). Check both the factor and the exponent.",
    "In __pow__ write `self.grad += n * self.data ** (n - 1) * out.grad`.",
)

# For "mul"/"div" the arguments are (a, b, out) for the operand pair; for "pow" b is the
# exponent n; for unary ops b is unused.
FORMULAS: dict[tuple[str, int], list[Formula]] = {
    ("mul", 0): [
        _f("correct", "b", lambda a, b, o: b),
        _f(
            "swapped-operands",
            "a",
            lambda a, b, o: a,
            "d(a*b)/da uses the operand itself (a) instead of the other operand (b).",
            *SWAP_HINTS,
        ),
        _f(
            "wrong-local-derivative",
            "1",
            lambda a, b, o: 1.0,
            "d(a*b)/da is taken as 1, as for +; for * it is the other operand.",
            *SWAP_HINTS,
        ),
    ],
    ("mul", 1): [
        _f("correct", "a", lambda a, b, o: a),
        _f(
            "swapped-operands",
            "b",
            lambda a, b, o: b,
            "d(a*b)/db uses the operand itself (b) instead of the other operand (a).",
            *SWAP_HINTS,
        ),
        _f(
            "wrong-local-derivative",
            "1",
            lambda a, b, o: 1.0,
            "d(a*b)/db is taken as 1, as for +; for * it is the other operand.",
            *SWAP_HINTS,
        ),
    ],
    ("div", 0): [
        _f("correct", "1/b", lambda a, b, o: 1 / b),
        _f(
            "wrong-local-derivative",
            "b",
            lambda a, b, o: b,
            "d(a/b)/da is taken as b; dividing by b scales a change in a by 1/b.",
            "a / b = a * (1/b): what is the derivative of c * a with respect to a?",
            "In __truediv__ write `self.grad += (1 / other.data) * out.grad`.",
        ),
        _f(
            "wrong-local-derivative",
            "1/b**2",
            lambda a, b, o: 1 / b**2,
            "d(a/b)/da is taken as 1/b**2; that square belongs to the derivative for b.",
            "a / b = a * (1/b): what is the derivative of c * a with respect to a?",
            "In __truediv__ write `self.grad += (1 / other.data) * out.grad`.",
        ),
    ],
    ("div", 1): [
        _f("correct", "-a/b**2", lambda a, b, o: -a / b**2),
        _f(
            "wrong-local-derivative",
            "-1/b**2",
            lambda a, b, o: -1 / b**2,
            "d(a/b)/db is taken as -1/b**2: the factor a is missing.",
            "a / b = a * b**-1; differentiate b**-1 with the power rule and keep the factor a.",
            "In __truediv__ write `other.grad += (-self.data / other.data**2) * out.grad`.",
        ),
        _f(
            "wrong-local-derivative",
            "-a/b",
            lambda a, b, o: -a / b,
            "d(a/b)/db is taken as -a/b: the denominator must be squared (b**2).",
            "a / b = a * b**-1, and d/db b**-1 = -1 * b**-2.",
            "In __truediv__ write `other.grad += (-self.data / other.data**2) * out.grad`.",
        ),
        _f(
            "wrong-local-derivative",
            "1/a",
            lambda a, b, o: 1 / a,
            "d(a/b)/db is taken as 1/a, as if the roles of a and b were swapped.",
            "Write a / b = a * b**-1 and use the power rule for b.",
            "In __truediv__ write `other.grad += (-self.data / other.data**2) * out.grad`.",
        ),
    ],
    ("pow", 0): [
        _f("correct", "n * x**(n-1)", lambda a, n, o: n * a ** (n - 1) if n != 0 else 0.0),
        _f(
            "wrong-power-rule",
            "n * x**n",
            lambda a, n, o: n * a**n,
            "the power rule is applied without lowering the exponent: n * x**n.",
            *POWER_HINTS,
        ),
        _f(
            "wrong-power-rule",
            "x**(n-1)",
            lambda a, n, o: a ** (n - 1),
            "the power rule is missing the factor n: x**(n-1).",
            *POWER_HINTS,
        ),
        _f(
            "wrong-power-rule",
            "(n-1) * x**(n-1)",
            lambda a, n, o: (n - 1) * a ** (n - 1),
            "the power rule uses the factor (n-1) instead of n.",
            *POWER_HINTS,
        ),
        _f(
            "wrong-power-rule",
            "n * x**(n+1)",
            lambda a, n, o: n * a ** (n + 1),
            "the power rule raises the exponent (n+1) instead of lowering it (n-1).",
            *POWER_HINTS,
        ),
        _f(
            "wrong-power-rule",
            "x**n * log(x)",
            lambda a, n, o: a**n * math.log(a),
            "this is the derivative with respect to the exponent n, not the base x.",
            *POWER_HINTS,
        ),
    ],
    ("exp", 0): [
        _f("correct", "exp(x)", lambda a, b, o: o),
        _f(
            "wrong-local-derivative",
            "x",
            lambda a, b, o: a,
            "the local derivative of exp is taken as x (self.data); exp is its own derivative.",
            "d/dx e**x = e**x, and e**x is already computed: it is out.data.",
            "In exp write `self.grad += out.data * out.grad`.",
        ),
        _f(
            "wrong-local-derivative",
            "1",
            lambda a, b, o: 1.0,
            "the local derivative of exp is taken as 1; exp is its own derivative.",
            "d/dx e**x = e**x, and e**x is already computed: it is out.data.",
            "In exp write `self.grad += out.data * out.grad`.",
        ),
        _f(
            "wrong-local-derivative",
            "x * exp(x - 1)",
            lambda a, b, o: a * math.exp(a - 1),
            "the power rule is applied to e**x; it applies to x**n, with a fixed exponent.",
            "d/dx e**x = e**x, and e**x is already computed: it is out.data.",
            "In exp write `self.grad += out.data * out.grad`.",
        ),
    ],
    ("tanh", 0): [
        _f("correct", "1 - tanh(x)**2", lambda a, b, o: 1 - o * o),
        _f(
            "tanh-uses-input",
            "1 - x**2",
            lambda a, b, o: 1 - a * a,
            "the tanh derivative uses the input x instead of the output t = tanh(x): "
            "it is 1 - t**2, not 1 - x**2.",
            "d/dx tanh(x) = 1 - tanh(x)**2. Which variable holds tanh(x)?",
            "In tanh write `self.grad += (1 - out.data**2) * out.grad` (out.data, not self.data).",
        ),
        _f(
            "wrong-local-derivative",
            "1 - tanh(x)",
            lambda a, b, o: 1 - o,
            "the tanh derivative is missing the square: 1 - t**2, not 1 - t.",
            "d/dx tanh(x) = 1 - tanh(x)**2.",
            "In tanh write `self.grad += (1 - out.data**2) * out.grad`.",
        ),
        _f(
            "wrong-local-derivative",
            "1 + tanh(x)**2",
            lambda a, b, o: 1 + o * o,
            "the tanh derivative is 1 - t**2, not 1 + t**2.",
            "d/dx tanh(x) = 1 - tanh(x)**2 (it is at most 1: tanh flattens out).",
            "In tanh write `self.grad += (1 - out.data**2) * out.grad`.",
        ),
        _f(
            "wrong-local-derivative",
            "tanh(x)",
            lambda a, b, o: o,
            "the local derivative of tanh is taken as tanh(x) itself.",
            "d/dx tanh(x) = 1 - tanh(x)**2.",
            "In tanh write `self.grad += (1 - out.data**2) * out.grad`.",
        ),
    ],
    ("log", 0): [
        _f("correct", "1/x", lambda a, b, o: 1 / a),
        _f(
            "log-derivative",
            "1/x**2",
            lambda a, b, o: 1 / a**2,
            "the derivative of log is taken as 1/x**2; it is 1/x.",
            "d/dx log(x) = 1/x (the x**2 belongs to the derivative of 1/x).",
            "In log write `self.grad += (1 / self.data) * out.grad`.",
        ),
        _f(
            "log-derivative",
            "x",
            lambda a, b, o: a,
            "the derivative of log is taken as x; it is 1/x.",
            "d/dx log(x) = 1/x.",
            "In log write `self.grad += (1 / self.data) * out.grad`.",
        ),
        _f(
            "log-derivative",
            "log(x)",
            lambda a, b, o: o,
            "the derivative of log is taken as log(x) itself (out.data); it is 1/x.",
            "d/dx log(x) = 1/x: use self.data, not out.data.",
            "In log write `self.grad += (1 / self.data) * out.grad`.",
        ),
        _f(
            "log-derivative",
            "1/log(x)",
            lambda a, b, o: 1 / o,
            "the derivative of log is taken as 1/log(x) (1 / out.data); it is 1/x (1 / self.data).",
            "d/dx log(x) = 1/x: use self.data, not out.data.",
            "In log write `self.grad += (1 / self.data) * out.grad`.",
        ),
        _f(
            "log-derivative",
            "exp(x)",
            lambda a, b, o: math.exp(a),
            "the derivative of log is taken as exp(x); it is 1/x.",
            "d/dx log(x) = 1/x.",
            "In log write `self.grad += (1 / self.data) * out.grad`.",
        ),
    ],
}

# How the student's line combines the local derivative into the operand's gradient.
CHAINS = ("out.grad", "nothing", "self.grad")  # what the local derivative is multiplied by
ACCUMULATE = (True, False)  # += or =
SIGNS = (1.0, -1.0)


@dataclass(frozen=True)
class Hypothesis:
    formula: Formula
    sign: float
    chain: str
    accumulate: bool

    @property
    def cost(self) -> int:
        return (
            (self.formula.kind != "correct")
            + (self.sign < 0)
            + (self.chain != "out.grad")
            + (not self.accumulate)
        )

    def predict(self, local_args, upstream: float, pre: float) -> float:
        local = self.sign * self.formula.fn(*local_args)
        factor = {"out.grad": upstream, "nothing": 1.0, "self.grad": pre}[self.chain]
        return (pre if self.accumulate else 0.0) + local * factor


def hypotheses(op: str, operand: int) -> list[Hypothesis]:
    found = [
        Hypothesis(f, s, c, acc)
        for f, s, c, acc in itertools.product(FORMULAS[(op, operand)], SIGNS, CHAINS, ACCUMULATE)
    ]
    return sorted(found, key=lambda h: h.cost)  # stable: simplest explanation first


def local_args(case: OpCase, operand: int, out: float) -> tuple[float, float, float]:
    if case.op == "pow":
        return (case.xs[0], case.const, out)
    if case.shape == "binary":
        return (case.xs[0], case.xs[1], out)
    if case.shape == "const":
        return (case.xs[0], case.const, out)
    return (case.xs[0], 0.0, out)


# --------------------------------------------------------------------------------------
# Running the student's op
# --------------------------------------------------------------------------------------


def children_of(node) -> tuple | None:
    for attr in CHILD_ATTRS:
        if hasattr(node, attr):
            try:
                return tuple(getattr(node, attr))
            except TypeError:
                return None
    return None


def graph_nodes(root) -> list:
    """Every node reachable from root through its children, outputs first (reverse topo)."""
    order: list = []
    seen: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            raise Stop("error", f"the graph has more than {MAX_NODES} nodes: is it a cycle?")
        stack.append((node, True))
        for child in children_of(node) or ():
            if id(child) not in seen:
                stack.append((child, False))
    return order[::-1]


@dataclass
class Observation:
    case: OpCase
    operand: int
    args: tuple[float, float, float]
    received: float


def _run_case(cls, case: OpCase, ctx: Context, observations: list[Observation]) -> None:
    method = METHOD[case.op]
    ref_out, ref_locals = case.reference()
    desc = case.describe()
    inputs = {"op": case.op, "shape": case.shape, "a": case.xs[0]}
    inputs.update(upstream=case.upstream, pre=case.pre)
    if len(case.xs) > 1:
        inputs["b"] = case.xs[1]
    if case.const is not None:
        inputs["const"] = case.const

    made = [ctx.call(cls, x, what="Value(...)") for x in case.xs]
    for outcome in made:
        if not outcome.ok:
            ctx.error_case(desc, outcome, inputs)
            return
    values = [o.value for o in made]
    for v, p in zip(values, case.pre):
        v.grad = p
    outcome = ctx.call(case.apply, *values, what=method)
    if not outcome.ok:
        ctx.error_case(desc, outcome, inputs)
        return
    out = outcome.value

    # Structure: the right type, the right number, inputs left alone, parents recorded.
    if out is None or not (hasattr(out, "data") and hasattr(out, "_backward")):
        got = type(out).__name__
        ctx.case(desc, False, inputs=inputs, received=out, problem=f"{method} returned {got}")
        if out is None:
            ctx.diagnose(
                "wrong-return-type",
                f"{method} returned None instead of the new Value.",
                "Every op must give back the node it made.",
                f"End {method} with `return out`.",
                key=f"wrong-return-type:{method}",
            )
        elif hasattr(out, "data"):
            ctx.diagnose(
                "wrong-return-type",
                f"{method} returned a {got} without a `_backward` ({out!r}): a node of another "
                "class (micrograd's own Value?) instead of this exercise's Value.",
                "Make the new node with the Value class you are writing: "
                "Value(<result>, (self, other), '<op>').",
                key=f"wrong-return-type:{method}",
            )
        else:
            ctx.diagnose(
                "wrong-return-type",
                f"{method} returned a {got} ({out!r}) instead of a Value.",
                "A plain number has no gradient: wrap the result in a Value that remembers "
                "its children and its _backward.",
                "out = Value(<forward result>, (self, other), '<op>'); define _backward; "
                "return out.",
                key=f"wrong-return-type:{method}",
            )
        return
    try:
        out_data = float(out.data)
    except (TypeError, ValueError):
        out_data = math.nan
    if not close(out_data, ref_out):
        ctx.case(
            desc,
            False,
            inputs=inputs,
            received=out.data,
            expected=ref_out,
            problem=f"forward pass: out.data = {fmt(out.data)}, expected {fmt(ref_out)}",
        )
        ctx.diagnose(
            "wrong-forward",
            f"{method} computes the wrong value: for {case.label} with "
            f"{', '.join(f'{n}={fmt(x)}' for n, x in zip(case.names, case.xs))} it gives "
            f"{fmt(out.data)}, expected {fmt(ref_out)}.",
            "Check the first argument of the Value you create: the forward computation.",
            key=f"wrong-forward:{method}",
        )
        return
    changed = [n for n, v, x in zip(case.names, values, case.xs) if v.data != x]
    if changed:
        ctx.case(desc, False, inputs=inputs, problem=f"{method} changed {changed[0]}.data")
        ctx.diagnose(
            "mutates-input",
            f"{method} changes its input's .data (e.g. with `self.data *= ...`).",
            "An op must make a new Value and leave its inputs as they were: "
            "they may be used elsewhere in the graph.",
            key=f"mutates-input:{method}",
        )
        return
    children = children_of(out)
    if children is None:
        raise Stop(
            "error",
            f"the Value returned by {method} has no `_prev` (its children); "
            "keep the template's __init__ and pass the children: Value(data, (self, other)).",
        )
    nodes = graph_nodes(out)
    reachable = {id(n) for n in nodes}
    missing = [n for n, v in zip(case.names, values) if id(v) not in reachable]

    # Backward: upstream gradient on the output, the student's closures outputs-first.
    out.grad = case.upstream
    for node in nodes:
        if node is out or children_of(node):
            fn = getattr(node, "_backward", None)
            if not callable(fn):
                ctx.case(desc, False, inputs=inputs, problem="a node's _backward is not callable")
                return
            result = ctx.call(fn, what=f"the _backward of {method}")
            if not result.ok:
                ctx.error_case(desc, result, inputs)
                return
    received = [v.grad for v in values]
    expected = [p + case.upstream * g for p, g in zip(case.pre, ref_locals)]
    problems = []
    for name, got, want, p, g in zip(case.names, received, expected, case.pre, ref_locals):
        if not close(got, want):
            problems.append(
                f"{name}.grad received {fmt(got)}, expected {fmt(want)} "
                f"(= {fmt(p)} + {fmt(case.upstream)} * {fmt(g)})"
            )
    if missing:
        problems.append(
            f"out.{_child_attr(out)} does not contain {' and '.join(missing)}, "
            "so backward() cannot reach it"
        )
        ctx.diagnose(
            "missing-parents",
            f"{method} creates its node without its parents: for {case.label} the new "
            f"Value's children are {_show(children)}; backward() walks the graph through "
            "the children, so it never reaches the inputs.",
            "The new Value must remember what it was made from.",
            "Create it as Value(<result>, (self, other), '<op>') (or (self,) for one input); "
            "the second argument becomes out._prev.",
            key=f"missing-parents:{method}",
        )
    ctx.case(
        desc,
        not problems,
        inputs=inputs,
        received=tuple(received),
        expected=tuple(expected),
        problem="; ".join(problems),
    )
    if case.shape != "reuse":
        operands = 1 if case.shape in ("unary", "const") else 2
        for i in range(operands):
            observations.append(Observation(case, i, local_args(case, i, ref_out), received[i]))


def _child_attr(node) -> str:
    return next((a for a in CHILD_ATTRS if hasattr(node, a)), "_prev")


def _show(children: tuple) -> str:
    return "(" + ", ".join(repr(c) for c in children) + ")" if children else "empty"


def _explain(op: str, operand: int, observations: list[Observation], ctx: Context) -> None:
    """Name the simplest mistake that reproduces the student's gradients for one operand."""
    obs = [o for o in observations if o.operand == operand]
    if not obs:
        return
    correct = hypotheses(op, operand)[0]
    if all(
        close(o.received, correct.predict(o.args, o.case.upstream, o.case.pre[operand]))
        for o in obs
    ):
        return
    var = "self" if operand == 0 else "other"
    method = METHOD[op]
    for h in hypotheses(op, operand)[1:]:
        if all(
            close(o.received, h.predict(o.args, o.case.upstream, o.case.pre[operand])) for o in obs
        ):
            _report(h, op, var, method, obs, operand, ctx)
            return
    example = next(
        o
        for o in obs
        if not close(o.received, correct.predict(o.args, o.case.upstream, o.case.pre[operand]))
    )
    ctx.diagnose(
        "wrong-gradient",
        f"{method}: the gradient of `{var}` is wrong and matches no mistake I know: "
        f"{example.case.describe()} gave {var}.grad = {fmt(example.received)}, expected "
        f"{fmt(correct.predict(example.args, example.case.upstream, example.case.pre[operand]))}.",
        f"Work out d out/d {var} on paper for these numbers and compare with your _backward.",
        f"The rule is: {var}.grad += <local derivative> * out.grad, with local derivative "
        f"{correct.formula.text}.",
    )


def _report(h: Hypothesis, op, var, method, obs, operand, ctx: Context) -> None:
    def diagnose(kind, message, *hints):
        ctx.diagnose(kind, message, *hints, key=f"{kind}:{method}:{var}")

    o = next(
        (x for x in obs if x.case.pre[operand] != 0 and x.case.upstream != 1.0), obs[0]
    )  # an example where every mistake shows
    expected_formula = hypotheses(op, operand)[0].formula.text
    where = f"{method} (the `{var}` operand)" if op in ("mul", "div") else method
    name = o.case.names[operand]
    want = hypotheses(op, operand)[0].predict(o.args, o.case.upstream, o.case.pre[operand])
    example = (
        f"For {o.case.describe()}: {name}.grad came out as {fmt(o.received)}, expected {fmt(want)}."
    )
    if h.formula.kind != "correct":
        f = h.formula
        diagnose(
            f.kind,
            f"{where}: local derivative {f.text} instead of {expected_formula}: {f.message} "
            + example,
            *f.hints,
        )
    if h.sign < 0:
        diagnose(
            "wrong-sign",
            f"{where}: the gradient has the wrong sign (it comes out as -1 times the right "
            f"one). {example}",
            "Check the sign of the local derivative (and that you add, not subtract).",
            f"The local derivative is +({expected_formula})"
            if not expected_formula.startswith("-")
            else f"The local derivative is {expected_formula}, negative as written.",
        )
    if h.chain == "nothing":
        diagnose(
            "missing-chain-factor",
            f"{where}: the chain factor out.grad is missing: the local derivative is added "
            f"as it is, as if out.grad were 1. " + example,
            "The chain rule: d loss/d input = (d out/d input) * (d loss/d out).",
            f"Multiply by out.grad: `{var}.grad += <local derivative> * out.grad`.",
        )
    elif h.chain == "self.grad":
        diagnose(
            "wrong-chain-factor",
            f"{where}: the local derivative is multiplied by {var}.grad instead of out.grad. "
            + example,
            "The gradient flows from the output to the input: which node's gradient is "
            "already known when _backward runs?",
            f"Multiply by out.grad: `{var}.grad += <local derivative> * out.grad`.",
        )
    if not h.accumulate:
        diagnose(
            "assign-not-accumulate",
            f"{where}: the gradient is assigned (`{var}.grad = ...`) instead of accumulated "
            f"(`{var}.grad += ...`), so what other uses of the node contributed is lost. "
            f"{example}",
            "A node used twice (like a in a * a or a + a) gets a gradient from each use; "
            "they must add up.",
            f"Use `{var}.grad += ...` instead of `{var}.grad = ...`.",
        )


def _merge_operands(method: str, start: int, ctx: Context) -> None:
    """The same mistake for both operands of a method: one diagnosis, "(both operands)"."""
    mine = ctx.diagnoses[start:]
    merged = []
    for d in mine:
        self_tag, other_tag = f"{method} (the `self` operand)", f"{method} (the `other` operand)"
        twin = next((e for e in mine if e.kind == d.kind and other_tag in e.message), None)
        if self_tag in d.message and twin is not None:
            merged.append(
                replace(d, message=d.message.replace(self_tag, f"{method} (both operands)"))
            )
        elif other_tag in d.message and any(
            e.kind == d.kind and self_tag in e.message for e in mine
        ):
            continue  # folded into the `self` one
        else:
            merged.append(d)
    ctx.diagnoses[start:] = merged


def run_op(op: str, cls, ctx: Context) -> None:
    if not isinstance(cls, type):
        raise Stop(
            "error",
            f"check('{op}', ...) needs your Value class itself (e.g. check('{op}', Value)), "
            f"got {type(cls).__name__}.",
        )
    observations: list[Observation] = []
    before = len(ctx.diagnoses)
    for case in make_cases(op, ctx.rng):
        _run_case(cls, case, ctx, observations)
    _explain(op, 0, observations, ctx)
    if op in ("mul", "div"):
        _explain(op, 1, observations, ctx)
        _merge_operands(METHOD[op], before, ctx)
    reuse_failed = [
        c
        for c in ctx.cases
        if not c.passed and c.inputs.get("op") == op and c.inputs.get("shape") == "reuse"
    ]
    if reuse_failed and len(ctx.diagnoses) == before:
        ctx.diagnose(
            "reused-node",
            f"{METHOD[op]} gives the right gradients for two different inputs but not when "
            f"the same Value is both operands ({reuse_failed[0].name}).",
            "When self and other are the same Value, both of your lines update the same "
            ".grad: the two contributions must add up.",
            "Use += for both operands, and compute both contributions from the data "
            "(not from .grad values you have just changed).",
            key=f"reused-node:{op}",
        )


def _register(op: str) -> None:
    title = f"the forward pass and local derivative of {METHOD[op]}"

    @exercise(op, title, "your Value class")
    def run(cls, ctx: Context) -> None:
        run_op(op, cls, ctx)


for _op in OPS:
    _register(_op)


@exercise("ops", "the six ops of exercise 1", "your Value class")
def run_all_ops(cls, ctx: Context) -> None:
    missing = []
    for op in OPS:
        try:
            run_op(op, cls, ctx)
        except Stop as stop:
            if stop.status != "not implemented":
                raise
            missing.append(METHOD[op])
            ctx.case(
                f"{METHOD[op]}: not yet implemented",
                False,
                inputs={"op": op},
                problem="still raises NotImplementedError",
            )
    if len(missing) == len(OPS):
        raise Stop("not implemented", "none of the six ops is written yet.")
