"""Random expression trees for property tests, evaluated with several independent engines.

An expression is a small tree of :class:`Expr` nodes (a DAG, in fact: a subtree may be
used twice, as in ``e * e + 1``, so reused nodes get tested too). The *same* tree can be
evaluated

- with micrograd Values (``evaluate_micrograd``): the engine under test,
- with plain floats and the ``math`` module (``evaluate_float``): for finite differences,
  and to keep every case inside the ops' safe domains,
- with sympy (``to_sympy``): exact symbolic derivatives,
- with torch (``evaluate_torch``): an independent autograd engine.

Domains are kept safe by construction: ``log`` only sees a positive subexpression
(``e * e + 1``, ``1 + sigmoid(e)``, ``exp(tanh(e))``, ``abs(e) + 0.5``), division is by such a
positive expression, negative integer powers and Value exponents have such a base. What
construction cannot guarantee (no intermediate value beyond ``BOUND``, no ``relu``/``abs``
right at its kink) is checked by ``well_conditioned`` and filtered out.

Reuse in other test files::

    from hypothesis import given
    from strategies import cases, evaluate_micrograd

    @given(cases())
    def test_something(case):
        out, inputs = evaluate_micrograd(case.expr, case.inputs)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from hypothesis import strategies as st

import micrograd
from micrograd import Value

__all__ = [
    "ALL_OPS",
    "BOUND",
    "Case",
    "Expr",
    "OutOfDomain",
    "SMOOTH_OPS",
    "cases",
    "evaluate",
    "evaluate_float",
    "evaluate_micrograd",
    "evaluate_torch",
    "expressions",
    "finite_difference",
    "graphs",
    "to_source",
    "to_sympy",
    "well_conditioned",
]

# Every intermediate value of a generated case stays within +-BOUND, so derivatives stay
# moderate and finite differences stay accurate.
BOUND = 1e3
# How far a case keeps from the edges of the ops' domains.
MIN_DENOMINATOR = 1e-2  # |b| in a / b, a ** -k, log(a), base ** exponent
MIN_KINK_DISTANCE = 1e-3  # |a| in relu(a), abs(a): finite differences must not straddle 0

MAX_TREE_SIZE = 60  # nodes, shared subexpressions counted at each use

UNARY_OPS = ("neg", "exp", "log", "tanh", "sigmoid", "relu", "sin", "cos", "abs", "powk")
BINARY_OPS = ("+", "-", "*", "/", "**")
NARY_OPS = ("sum", "dot")
ALL_OPS = UNARY_OPS + BINARY_OPS + NARY_OPS
# Ops with a derivative everywhere (no kink): second derivatives are meaningful everywhere.
SMOOTH_OPS = tuple(op for op in ALL_OPS if op not in ("relu", "abs"))

POWK_EXPONENTS = (-2, -1, 0, 1, 2, 3)


@dataclass(frozen=True, eq=False)
class Expr:
    """One node of an expression: an op, its argument expressions and a parameter.

    ``param`` is the number for ``"const"``, the input index for ``"var"``, the exponent
    for ``"powk"`` and 1.0 for a ``"dot"`` that has a bias (its last argument).
    ``eq=False``: nodes compare and hash by identity, so a node used twice is shared.
    """

    op: str
    args: tuple[Expr, ...] = ()
    param: float = 0.0

    def __str__(self) -> str:
        return to_source(self)

    def __repr__(self) -> str:
        # Shared subexpressions are written out each time, so the source of a deep DAG
        # can be huge: shorten it for failure reports.
        return _shorten(to_source(self))

    def _repr_pretty_(self, printer, cycle) -> None:  # hypothesis's failure reports
        printer.text(repr(self))


def _shorten(text: str, limit: int = 500) -> str:
    if len(text) <= limit:
        return text
    return f"{text[: limit // 2]} ...[{len(text) - limit} chars]... {text[-limit // 2 :]}"


def var(i: int) -> Expr:
    return Expr("var", (), float(i))


def const(c: float) -> Expr:
    return Expr("const", (), float(c))


def _bottom_up(expr: Expr, combine: Callable[[Expr, list], object]) -> object:
    """``combine(node, [the results of its args])`` for every node, children before parents.

    A shared node is combined once and its result reused. Iterative (no recursion), so
    deep expressions are fine.
    """
    results: dict[int, object] = {}
    stack = [(expr, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in results:
            continue
        if children_done or not node.args:
            results[id(node)] = combine(node, [results[id(a)] for a in node.args])
        else:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args)
    return results[id(expr)]


def variables(expr: Expr) -> set[int]:
    """Indices of the inputs an expression uses."""
    return _bottom_up(
        expr, lambda node, used: {int(node.param)} if node.op == "var" else set().union(*used)
    )


def tree_size(expr: Expr) -> int:
    """Number of nodes with shared subexpressions counted at each use (the size of the
    source text, and of the expression sympy sees)."""
    return _bottom_up(expr, lambda node, sizes: 1 + sum(sizes))


def to_source(expr: Expr) -> str:
    """Python source that computes ``expr`` with micrograd's functions, e.g.
    ``log(x0 * x0 + 1.0)``; ``x0, x1, ...`` are the inputs."""
    op, args = expr.op, [to_source(a) for a in expr.args]
    if op == "var":
        return f"x{int(expr.param)}"
    if op == "const":
        return f"({expr.param!r})" if expr.param < 0 else repr(expr.param)  # -c ** 2 = -(c ** 2)
    if op == "neg":
        return f"(-{args[0]})"
    if op == "powk":
        return f"({args[0]} ** {int(expr.param)})"
    if op in UNARY_OPS:
        return f"{op}({args[0]})"
    if op in BINARY_OPS:
        return f"({args[0]} {op} {args[1]})"
    if op == "sum":
        return f"sum([{', '.join(args)}])"
    if op == "dot":
        n = len(args) // 2
        bias = f", {args[-1]}" if expr.param else ""
        return f"dot([{', '.join(args[:n])}], [{', '.join(args[n : 2 * n])}]{bias})"
    raise ValueError(f"unknown op {op!r}")


# --------------------------------------------------------------------------------------
# Evaluation: one walk over the DAG, one table of functions per engine
# --------------------------------------------------------------------------------------

OpTable = dict[str, Callable[..., object]]


def evaluate(expr: Expr, inputs: Sequence[object], ops: OpTable) -> object:
    """Evaluate ``expr`` with ``ops[op](*args, param=...)``; shared nodes are evaluated once.

    ``ops["const"](c)`` makes a constant; ``inputs[i]`` is the value of ``var i``.
    """

    def value(node: Expr, args: list) -> object:
        if node.op == "var":
            return inputs[int(node.param)]
        if node.op == "const":
            return ops["const"](node.param)
        return ops[node.op](*args, param=node.param)

    return _bottom_up(expr, value)


def _split_dot(args: Sequence, param: float) -> tuple[list, list, object]:
    body = list(args[:-1]) if param else list(args)
    n = len(body) // 2
    return body[:n], body[n:], (args[-1] if param else None)


def _dot_expanded(*args, param):
    weights, xs, bias = _split_dot(args, param)
    total = weights[0] * xs[0]
    for w, x in zip(weights[1:], xs[1:]):
        total = total + w * x
    return total if bias is None else total + bias


def _sum_expanded(*args, param):
    total = args[0]
    for a in args[1:]:
        total = total + a
    return total


def _unary(f: Callable[[object], object]) -> Callable[..., object]:
    """``f`` as a table entry: called with the one argument, the ``param`` ignored."""
    return lambda a, param: f(a)


def _functions(namespace: object, names: Sequence[str]) -> OpTable:
    """The ops that an engine spells as ``namespace.exp(a)``, ``namespace.tanh(a)``, ..."""
    return {name: _unary(getattr(namespace, name)) for name in names}


def _arith_ops() -> OpTable:
    """The ops that every engine spells the same way with Python operators."""
    return {
        "neg": lambda a, param: -a,
        "powk": lambda a, param: a ** int(param),
        "+": lambda a, b, param: a + b,
        "-": lambda a, b, param: a - b,
        "*": lambda a, b, param: a * b,
        "/": lambda a, b, param: a / b,
        "**": lambda a, b, param: a**b,
    }


# micrograd: constants stay plain floats, so `2 * x`, `1 - x`, `2 / x`, `2 ** x` (the
# reflected operators) are exercised; sum and dot are the n-ary nodes.
MICROGRAD_OPS: OpTable = {
    **_arith_ops(),
    **_functions(micrograd, ("exp", "log", "tanh", "sigmoid", "relu", "sin", "cos")),
    "const": float,
    "abs": _unary(abs),  # Value.__abs__
    "sum": lambda *args, param: micrograd.sum(args),
    "dot": lambda *args, param: micrograd.dot(*_split_dot(args, param)),
}


def evaluate_micrograd(expr: Expr, inputs: Sequence[float]) -> tuple[Value, list[Value]]:
    """``(output, input Values)``: the expression built as a micrograd graph."""
    values = [Value(x, label=f"x{i}") for i, x in enumerate(inputs)]
    out = evaluate(expr, values, MICROGRAD_OPS)
    if not isinstance(out, Value):  # a constant expression: make it a (constant) Value
        out = Value(out)
    return out, values


class OutOfDomain(ArithmeticError):
    """A float evaluation left the safe domain (see ``well_conditioned``)."""


def _checked(x: float) -> float:
    if not abs(x) <= BOUND:  # also catches nan
        raise OutOfDomain(f"intermediate value {x!r} beyond +-{BOUND}")
    return x


def _away_from_zero(x: float, margin: float = MIN_DENOMINATOR) -> float:
    if not abs(x) >= margin:
        raise OutOfDomain(f"{x!r} too close to 0")
    return x


def _float_exp(a: float) -> float:
    if a > math.log(BOUND):
        raise OutOfDomain(f"exp({a!r}) beyond {BOUND}")
    return math.exp(a)


def _float_log(a: float) -> float:
    if not a >= MIN_DENOMINATOR:
        raise OutOfDomain(f"log({a!r}) too close to or below 0")
    return math.log(a)


def _float_sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))


def _float_powk(a: float, param: float) -> float:
    k = int(param)
    if k < 0:
        _away_from_zero(a)
    return a**k


def _float_pow(a: float, b: float, param: float) -> float:
    if not a >= MIN_DENOMINATOR:
        raise OutOfDomain(f"{a!r} ** Value: base must be positive")
    if b * math.log(a) > math.log(BOUND):
        raise OutOfDomain(f"{a!r} ** {b!r} beyond {BOUND}")
    return a**b


def _kink(f: Callable[[float], float]) -> Callable[..., float]:
    return lambda a, param: f(_away_from_zero(a, MIN_KINK_DISTANCE))


_RAW_FLOAT_OPS: OpTable = {
    **_arith_ops(),
    "const": float,
    "/": lambda a, b, param: a / _away_from_zero(b),
    "powk": _float_powk,
    "**": _float_pow,
    **_functions(math, ("tanh", "sin", "cos")),
    "exp": _unary(_float_exp),
    "log": _unary(_float_log),
    "sigmoid": _unary(_float_sigmoid),
    "relu": _kink(lambda a: max(a, 0.0)),
    "abs": _kink(abs),
    "sum": _sum_expanded,
    "dot": _dot_expanded,
}


# The same without any domain checks.
PLAIN_FLOAT_OPS: OpTable = {
    **_RAW_FLOAT_OPS,
    "/": lambda a, b, param: a / b,
    "powk": lambda a, param: a ** int(param),
    "**": lambda a, b, param: a**b,
    **_functions(math, ("exp", "log")),
    "relu": _unary(lambda a: max(a, 0.0)),
    "abs": _unary(abs),
}


def _guard(f: Callable[..., float]) -> Callable[..., float]:
    def guarded(*args, param):
        try:
            return _checked(f(*args, param=param))
        except (ArithmeticError, ValueError) as error:
            raise OutOfDomain(str(error)) from None

    return guarded


# Plain floats and `math`, independent of micrograd; raises OutOfDomain outside the safe
# domain. Used for finite differences and to filter generated cases.
FLOAT_OPS: OpTable = {
    "const": float,
    **{name: _guard(f) for name, f in _RAW_FLOAT_OPS.items() if name != "const"},
}


def evaluate_float(expr: Expr, inputs: Sequence[float]) -> float:
    """The value of ``expr`` at ``inputs`` in plain floats (raises OutOfDomain if unsafe)."""
    return evaluate(expr, [_checked(float(x)) for x in inputs], FLOAT_OPS)


def well_conditioned(expr: Expr, inputs: Sequence[float]) -> bool:
    """True if ``expr`` at ``inputs`` stays inside every op's safe domain, with margin."""
    try:
        evaluate_float(expr, inputs)
    except OutOfDomain:
        return False
    return True


def finite_difference(expr: Expr, inputs: Sequence[float], i: int, eps: float = 1e-6) -> float:
    """Central difference d expr / d input_i, in plain floats (no micrograd involved)."""
    up, down = list(inputs), list(inputs)
    up[i] += eps
    down[i] -= eps
    # Unchecked: a nudge may come closer to a kink or a pole than well_conditioned allows.
    return (evaluate(expr, up, PLAIN_FLOAT_OPS) - evaluate(expr, down, PLAIN_FLOAT_OPS)) / (2 * eps)


def to_sympy(expr: Expr, symbols: Sequence[object]) -> object:
    """The expression as a sympy expression in ``symbols`` (constants kept exact)."""
    import sympy

    table: OpTable = {
        **_arith_ops(),
        "const": sympy.Rational,  # the float's exact binary value
        "powk": lambda a, param: a ** sympy.Integer(int(param)),
        **_functions(sympy, ("exp", "log", "tanh", "sin", "cos")),
        "sigmoid": _unary(lambda a: 1 / (1 + sympy.exp(-a))),
        "relu": _unary(lambda a: sympy.Max(0, a)),
        "abs": _unary(sympy.Abs),
        "sum": lambda *args, param: sympy.Add(*args),
        "dot": _dot_expanded,
    }
    return evaluate(expr, list(symbols), table)


def evaluate_torch(expr: Expr, inputs: Sequence[object]) -> object:
    """The expression on torch tensors (``inputs`` are 0-d float64 tensors)."""
    import torch

    table: OpTable = {
        **_arith_ops(),
        "const": lambda c: torch.tensor(c, dtype=torch.float64),
        # base ** exponent as exp(exponent * log(base)) (the base is positive here): torch's
        # own pow gets the second derivative wrong where the exponent is exactly 0 (it
        # masks the exponent-0 case to a zero gradient, which also zeroes the gradient's
        # derivative). For (1 + sigmoid(x)) ** x at x = 0 it gives 0.331 instead of 0.498.
        "**": lambda a, b, param: torch.exp(b * torch.log(torch.as_tensor(a, dtype=torch.float64))),
        **_functions(torch, ("exp", "log", "tanh", "sigmoid", "relu", "sin", "cos", "abs")),
        "sum": _sum_expanded,
        "dot": _dot_expanded,
    }
    return evaluate(expr, list(inputs), table)


# --------------------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------------------

# Exactly representable constants, so sympy's exact value and the float agree.
constants = st.integers(-12, 12).map(lambda k: const(k / 4))


def _positive_forms(e: Expr) -> list[Expr]:
    """Expressions of ``e`` that are positive (>= 0.5) whatever e is."""
    return [
        Expr("+", (Expr("*", (e, e)), const(1.0))),  # e*e + 1: e used twice (fan-out)
        Expr("+", (const(1.0), Expr("sigmoid", (e,)))),
        Expr("exp", (Expr("tanh", (e,)),)),
        Expr("+", (Expr("abs", (e,)), const(0.5))),
    ]


N_POSITIVE_FORMS = 4


class _TreeBuilder:
    """Draws one random expression, top-down, within a budget of leaves and a depth.

    Written as plain code with ``draw`` rather than ``st.recursive``: a strategy over ~17
    ops that refers to its children many times is slow for hypothesis to set up. Every
    choice is a small integer whose smallest value is the simplest option (a leaf, the
    first op, the first form), so failing cases shrink to small expressions.
    """

    def __init__(self, draw: st.DrawFn, n_vars: int, ops: Sequence[str], max_depth: int):
        self.draw, self.n_vars, self.ops, self.max_depth = draw, n_vars, list(ops), max_depth

    def leaf(self) -> Expr:
        if self.draw(st.integers(0, 2)) < 2:  # inputs twice as likely as constants
            return var(self.draw(st.integers(0, self.n_vars - 1)))
        return self.draw(constants)

    def positive(self, depth: int) -> Expr:
        return _positive_forms(self.tree(depth))[self.draw(st.integers(0, N_POSITIVE_FORMS - 1))]

    def tree(self, depth: int) -> Expr:
        if depth >= self.max_depth or self.draw(st.integers(0, 2)) == 0:
            return self.leaf()
        op = self.draw(st.sampled_from(self.ops))
        d = depth + 1
        if op == "log":
            return Expr("log", (self.positive(d),))
        if op == "powk":  # non-negative exponents take any base; negative ones a positive base
            k = self.draw(st.sampled_from(POWK_EXPONENTS))
            return Expr("powk", (self.tree(d) if k >= 0 else self.positive(d),), float(k))
        if op in UNARY_OPS:
            return Expr(op, (self.tree(d),))
        if op in ("+", "-", "*", "/"):
            left = self.tree(d)
            if self.draw(st.integers(0, 3)) == 3:  # the same subexpression twice: a + a, a / a
                return Expr(op, (left, left))
            return Expr(op, (left, self.positive(d) if op == "/" else self.tree(d)))
        if op == "**":
            return Expr("**", (self.positive(d), self.tree(d)))
        if op == "sum":
            n = self.draw(st.integers(1, 4))
            return Expr("sum", tuple(self.tree(d) for _ in range(n)))
        if op == "dot":
            n = self.draw(st.integers(1, 3))
            body = tuple(self.tree(d) for _ in range(2 * n))
            if self.draw(st.booleans()):
                return Expr("dot", (*body, self.tree(d)), 1.0)
            return Expr("dot", body, 0.0)
        raise ValueError(f"unknown op {op!r}")


@st.composite
def _trees(draw: st.DrawFn, n_vars: int, ops: tuple[str, ...], max_depth: int) -> Expr:
    return _TreeBuilder(draw, n_vars, ops, max_depth).tree(0)


def expressions(
    n_vars: int = 2, ops: Sequence[str] = ALL_OPS, max_depth: int = 4
) -> st.SearchStrategy[Expr]:
    """Random expression trees over ``ops`` in the inputs ``x0 .. x{n_vars - 1}``.

    Every expression uses at least one input. Domains are safe by construction as far
    as possible (see the module docstring); combine with ``well_conditioned`` or use
    ``cases``, which draws inputs too and filters.
    """
    unknown = set(ops) - set(ALL_OPS)
    if unknown:
        raise ValueError(f"unknown ops {sorted(unknown)}; choose from {ALL_OPS}")
    # Sharing (e * e + 1) can double the written-out size at each level: keep it moderate.
    return _trees(n_vars, tuple(op for op in ALL_OPS if op in ops), max_depth).filter(
        lambda e: tree_size(e) <= MAX_TREE_SIZE and bool(variables(e))
    )


@dataclass(frozen=True)
class Case:
    """An expression and the point to evaluate it at (``inputs[i]`` is ``x{i}``)."""

    expr: Expr
    inputs: tuple[float, ...] = field(default=())

    def __repr__(self) -> str:
        point = ", ".join(f"x{i}={x!r}" for i, x in enumerate(self.inputs))
        return f"Case({self.expr!r} at {point})"

    def _repr_pretty_(self, printer, cycle) -> None:  # hypothesis's failure reports
        printer.text(repr(self))


def inputs_for(n_vars: int, low: float = -2.0, high: float = 2.0) -> st.SearchStrategy:
    return st.lists(
        st.floats(low, high, allow_nan=False, allow_infinity=False),
        min_size=n_vars,
        max_size=n_vars,
    ).map(tuple)


@st.composite
def cases(
    draw: st.DrawFn,
    max_vars: int = 3,
    ops: Sequence[str] = ALL_OPS,
    max_depth: int = 4,
) -> Case:
    """An expression over 1..max_vars inputs and a point where it is well conditioned."""
    n_vars = draw(st.integers(1, max_vars))
    expr = draw(expressions(n_vars, ops, max_depth))
    inputs = draw(inputs_for(n_vars).filter(lambda xs: well_conditioned(expr, xs)))
    return Case(expr, inputs)


# --------------------------------------------------------------------------------------
# Reference derivatives
# --------------------------------------------------------------------------------------


def sympy_derivatives(
    expr: Expr, inputs: Sequence[float], order: int = 1, digits: int = 30
) -> list:
    """Exact derivatives by sympy, evaluated to ``digits`` digits at ``inputs``.

    ``order=1``: the gradient ``[d/dx_i]``; ``order=2``: the Hessian
    ``[[d2/dx_i dx_j]]``. The inputs are substituted as exact rationals.
    """
    import sympy

    symbols = sympy.symbols(f"x0:{len(inputs)}", real=True)
    f = to_sympy(expr, symbols)
    point = {s: sympy.Rational(x) for s, x in zip(symbols, inputs)}

    def at_point(e: object) -> float:
        return float(sympy.sympify(e).evalf(digits, subs=point))

    first = [sympy.diff(f, s) for s in symbols]
    if order == 1:
        return [at_point(d) for d in first]
    if order == 2:
        return [[at_point(sympy.diff(d, s)) for s in symbols] for d in first]
    raise ValueError(f"order must be 1 or 2, got {order!r}")


def close(got: float, want: float, rel: float = 1e-6, abs_: float = 1e-9) -> bool:
    """``got`` equals ``want`` within ``rel`` relative or ``abs_`` absolute error."""
    return math.isclose(got, want, rel_tol=rel, abs_tol=abs_)


def graphs(
    max_vars: int = 3, ops: Sequence[str] = ALL_OPS, max_depth: int = 4
) -> st.SearchStrategy[tuple[Value, list[Value]]]:
    """``(output, input Values)``: a random micrograd graph, not yet backpropagated.

    For tests that need a graph rather than a formula (drawing, stepping through backward).
    """
    return cases(max_vars, ops, max_depth).map(lambda c: evaluate_micrograd(c.expr, c.inputs))
