"""Exercise 1: the forward pass and local derivative of each op, checked node by node.

The student writes ``__mul__``, ``__truediv__``, ``__pow__``, ``exp``, ``tanh`` and ``log`` of a
small Karpathy-style ``Value`` class (children in ``_prev``, a ``_backward`` closure). For
each test case the student's side (``observe``)

1. makes fresh Values of the student's class and gives each one a gradient *already there*
   (``a.grad = 0.3``, as if ``a`` were used elsewhere in the graph), so ``=`` instead of
   ``+=`` shows;
2. applies the op, sets ``out.grad`` to an upstream gradient other than 1 (so a missing
   ``* out.grad`` shows) and runs the student's ``_backward`` closures from the output back;
3. reports the numbers: ``out.data``, each operand's ``.grad``, which inputs the new node can
   reach.

The judge compares them with micrograd's own engine (the reference) and, when gradients are
wrong, fits *hypotheses*: for each operand, every combination of a candidate local derivative
(the right one and the usual wrong formulas), a sign, the chain factor (``out.grad``, none,
``self.grad``) and ``+=``/``=``; the simplest one that reproduces every case is the diagnosis.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

from micrograd.engine import Value as RefValue
from micrograd.exercises.core import Context, Stop, close, exercise, fmt
from micrograd.exercises.walk import children_of, student_graph
from micrograd.i18n import N_, _

OPS = ("mul", "div", "pow", "exp", "tanh", "log")
METHOD = {
    "mul": "__mul__",
    "div": "__truediv__",
    "pow": "__pow__",
    "exp": "exp",
    "tanh": "tanh",
    "log": "log",
}
# Library functions that would compute a local derivative for the student.
FORBIDDEN = (
    "micrograd.engine.grad",
    "micrograd.engine.Value.backward",
    "micrograd.engine.Value.local_grads",
    "micrograd.numerical.numerical_grad",
    "micrograd.numerical.gradcheck",
    "micrograd.numerical.check_local_grads",
)


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

    @classmethod
    def from_plain(cls, d: dict) -> OpCase:
        """The case from its fields as they come back from JSON (lists for tuples)."""
        return cls(**{**d, "xs": tuple(d["xs"]), "pre": tuple(d["pre"])})

    @property
    def names(self) -> tuple[str, ...]:
        return ("a", "b")[: len(self.xs)]

    @property
    def label(self) -> str:
        if self.op == "pow":
            return f"a ** {fmt(self.const)}"
        if self.shape == "unary":
            return f"a.{self.op}()"
        symbol = "*" if self.op == "mul" else "/"
        other = {"reuse": "a", "const": fmt(self.const)}.get(self.shape, "b")
        return f"a {symbol} {other}"

    def describe(self) -> str:
        values = ", ".join(f"{n}={fmt(x)}" for n, x in zip(self.names, self.xs))
        pre = ", ".join(f"{n}.grad={fmt(p)}" for n, p in zip(self.names, self.pre))
        return _("{label} with {values}, out.grad={upstream} (before: {pre})").format(
            label=self.label, values=values, upstream=fmt(self.upstream), pre=pre
        )

    def apply(self, a, b=None):
        """The operation on the student's (or the reference) Values."""
        if self.op == "pow":
            return a**self.const
        if self.shape == "unary":
            return getattr(a, self.op)()
        other = a if self.shape == "reuse" else (b if self.shape == "binary" else self.const)
        return a * other if self.op == "mul" else a / other

    def reference(self) -> tuple[float, tuple[float, ...]]:
        """Forward value and d out / d operand (summed over uses) from micrograd's engine."""
        values = [RefValue(x) for x in self.xs]
        out = self.apply(*values)
        totals = dict.fromkeys(values, 0.0)
        for parent, local in zip(out.parents, out.local_grads):
            if parent in totals:
                totals[parent] += local
        return out.data, tuple(totals[v] for v in values)


def _away(rng, lo: float, hi: float, avoid: tuple[float, ...] = (0.0,), gap: float = 0.15):
    """A random number in [lo, hi], two decimals, at least ``gap`` from each of ``avoid``."""
    while True:
        x = round(rng.uniform(lo, hi), 2)
        if all(abs(x - v) >= gap for v in avoid):
            return x


def make_cases(op: str, rng) -> list[OpCase]:
    """Seeded random cases plus the tricky ones: zero, negative inputs, reuse, constants."""
    cases: list[OpCase] = []

    def pre(n):
        return tuple(_away(rng, -1.0, 1.0) for _ in range(n))

    def upstream():
        return _away(rng, -2.5, 2.5, avoid=(0.0, 1.0, -1.0))

    if op in ("mul", "div"):
        for _i in range(8):
            a = _away(rng, -3, 3)
            b = _away(rng, -3, 3, avoid=(0.0, a, -a, 1.0, -1.0))
            cases.append(OpCase(op, "binary", (a, b), upstream(), pre(2)))
        b_neg = -abs(_away(rng, -3, 3, avoid=(0.0, 1.0, -1.0)))
        cases.append(OpCase(op, "binary", (-1.5, b_neg), upstream(), pre(2)))  # both < 0
        cases.append(OpCase(op, "binary", (0.0, 2.5), upstream(), pre(2)))  # zero
        if op == "mul":
            cases.append(OpCase(op, "binary", (1.75, 0.0), upstream(), pre(2)))
        cases.append(OpCase(op, "binary", (1.2, -0.8), 1.0, (0.0, 0.0)))  # the plain case
        const = _away(rng, 1.5, 4.0)
        cases.append(OpCase(op, "const", (-2.2,), upstream(), pre(1), const=const))
        cases.append(OpCase(op, "reuse", (_away(rng, 0.5, 2.0),), upstream(), pre(1)))
        cases.append(OpCase(op, "reuse", (-0.7,), upstream(), (0.0,)))
    elif op == "pow":
        for k in (2, 3, -1, -2, 1, 0, 0.5, 1.5, 4):
            positive_only = not float(k).is_integer()
            for _i in range(2):
                a = _away(rng, 0.2, 2.5) if positive_only else _away(rng, -2.5, 2.5)
                cases.append(OpCase(op, "unary", (a,), upstream(), pre(1), const=k))
        cases.append(OpCase(op, "unary", (0.0,), upstream(), pre(1), const=3))  # zero
        cases.append(OpCase(op, "unary", (-1.3,), upstream(), pre(1), const=2))  # negative
    else:
        lo, hi = (0.1, 5.0) if op == "log" else (-2.5, 2.5)
        for _i in range(10):
            cases.append(OpCase(op, "unary", (_away(rng, lo, hi),), upstream(), pre(1)))
        if op != "log":
            cases.append(OpCase(op, "unary", (0.0,), upstream(), pre(1)))
            cases.append(OpCase(op, "unary", (-1.7,), upstream(), pre(1)))
        else:
            cases.append(OpCase(op, "unary", (0.05,), upstream(), pre(1)))
            cases.append(OpCase(op, "unary", (7.5,), upstream(), pre(1)))
        cases.append(OpCase(op, "unary", (0.8,), 1.0, (0.0,)))  # the plain case
    return cases


# --------------------------------------------------------------------------------------
# Candidate local derivatives: the right one and the usual wrong formulas, per op and operand
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    kind: str  # "correct" or a diagnosis kind
    text: str  # how it reads, e.g. "1 - x**2"
    fn: Callable[[float, float, float], float]  # (a, b_or_exponent, out) -> local
    message: str = ""  # what is wrong with it (each wrong formula says it its own way)
    hint: str = ""  # a question that leads to the mistake, without the fix


# The rule of each op, stated once; shown only when the teacher turns rules on.
RULES = {
    "mul": N_("d(a*b)/da = b and d(a*b)/db = a: each operand gets the other one's data"),
    "div": N_("d(a/b)/da = 1/b and d(a/b)/db = -a/b**2"),
    "pow": "d(x**n)/dx = n * x**(n-1)",
    "exp": N_("d(e**x)/dx = e**x, the output itself"),
    "tanh": N_("d tanh(x)/dx = 1 - tanh(x)**2, from the output"),
    "log": "d log(x)/dx = 1/x",
}

# For "mul"/"div" the arguments are (a, b, out); for "pow" b is the exponent n; for unary
# ops b is unused. The first formula of each list is the right one.
FORMULAS: dict[tuple[str, int], list[Formula]] = {
    ("mul", 0): [
        Formula("correct", "b", lambda a, b, o: b),
        Formula(
            "swapped-operands",
            "a",
            lambda a, b, o: a,
            N_("d(a*b)/da uses the operand itself (a) instead of the other operand (b)."),
            N_("For out = a * b, how much does out change when a grows by a little?"),
        ),
        Formula(
            "wrong-local-derivative",
            "1",
            lambda a, b, o: 1.0,
            N_("d(a*b)/da is taken as 1, as for +; for * it depends on the other operand."),
            N_("Does a * b change at the same rate in a whatever b is?"),
        ),
    ],
    ("mul", 1): [
        Formula("correct", "a", lambda a, b, o: a),
        Formula(
            "swapped-operands",
            "b",
            lambda a, b, o: b,
            N_("d(a*b)/db uses the operand itself (b) instead of the other operand (a)."),
            N_("For out = a * b, how much does out change when b grows by a little?"),
        ),
        Formula(
            "wrong-local-derivative",
            "1",
            lambda a, b, o: 1.0,
            N_("d(a*b)/db is taken as 1, as for +; for * it depends on the other operand."),
            N_("Does a * b change at the same rate in b whatever a is?"),
        ),
    ],
    ("div", 0): [
        Formula("correct", "1/b", lambda a, b, o: 1 / b),
        Formula(
            "wrong-local-derivative",
            "b",
            lambda a, b, o: b,
            N_("d(a/b)/da is taken as b; dividing by b scales a change in a by 1/b."),
            N_("a / b = a * (1/b): what is the derivative of c * a with respect to a?"),
        ),
        Formula(
            "wrong-local-derivative",
            "1/b**2",
            lambda a, b, o: 1 / b**2,
            N_("d(a/b)/da is taken as 1/b**2; that square belongs to the derivative for b."),
            N_("Which of the two operands does the square of b belong to?"),
        ),
    ],
    ("div", 1): [
        Formula("correct", "-a/b**2", lambda a, b, o: -a / b**2),
        Formula(
            "wrong-local-derivative",
            "-1/b**2",
            lambda a, b, o: -1 / b**2,
            N_("d(a/b)/db is taken as -1/b**2: the factor a is missing."),
            N_("a / b = a * b**-1: what happens to the factor a when you differentiate in b?"),
        ),
        Formula(
            "wrong-local-derivative",
            "-a/b",
            lambda a, b, o: -a / b,
            N_("d(a/b)/db is taken as -a/b: the power of b in the denominator is wrong."),
            N_("Differentiate b**-1 with the power rule: what power of b comes out?"),
        ),
        Formula(
            "wrong-local-derivative",
            "1/a",
            lambda a, b, o: 1 / a,
            N_("d(a/b)/db is taken as 1/a, as if the roles of a and b were swapped."),
            N_("Write a / b = a * b**-1 and differentiate in b, keeping a fixed."),
        ),
    ],
    ("pow", 0): [
        Formula("correct", "n * x**(n-1)", lambda a, n, o: n * a ** (n - 1) if n != 0 else 0.0),
        Formula(
            "wrong-power-rule",
            "n * x**n",
            lambda a, n, o: n * a**n,
            N_("the power rule is applied without lowering the exponent: n * x**n."),
            N_("After differentiating x**n, is the exponent still n?"),
        ),
        Formula(
            "wrong-power-rule",
            "x**(n-1)",
            lambda a, n, o: a ** (n - 1),
            N_("the power rule is missing the factor n: x**(n-1)."),
            N_("Try n = 2: is the slope of x**2 at x = 3 equal to 3?"),
        ),
        Formula(
            "wrong-power-rule",
            "(n-1) * x**(n-1)",
            lambda a, n, o: (n - 1) * a ** (n - 1),
            N_("the power rule uses the factor (n-1) instead of n."),
            N_("Try n = 1: the slope of x is 1. What does your factor give?"),
        ),
        Formula(
            "wrong-power-rule",
            "n * x**(n+1)",
            lambda a, n, o: n * a ** (n + 1),
            N_("the power rule raises the exponent (n+1) instead of lowering it."),
            N_("Differentiating a power: does the exponent go up or down?"),
        ),
        Formula(
            "wrong-power-rule",
            "x**n * log(x)",
            lambda a, n, o: a**n * math.log(a),
            N_("this is the derivative with respect to the exponent n, not the base x."),
            N_("Which one moves here, the base x or the exponent n?"),
        ),
    ],
    ("exp", 0): [
        Formula("correct", "exp(x)", lambda a, b, o: o),
        Formula(
            "wrong-local-derivative",
            "x",
            lambda a, b, o: a,
            N_("the local derivative of exp is taken as x (self.data)."),
            N_("What is special about e**x among all functions, when you differentiate it?"),
        ),
        Formula(
            "wrong-local-derivative",
            "1",
            lambda a, b, o: 1.0,
            N_("the local derivative of exp is taken as 1: exp is not a straight line."),
            N_("Is e**x steeper at x = 2 than at x = 0?"),
        ),
        Formula(
            "wrong-local-derivative",
            "x * exp(x - 1)",
            lambda a, b, o: a * math.exp(a - 1),
            N_("the power rule is applied to e**x; it applies to x**n, with a fixed exponent."),
            N_("In e**x, is the exponent fixed or is it the variable?"),
        ),
    ],
    ("tanh", 0): [
        Formula("correct", "1 - tanh(x)**2", lambda a, b, o: 1 - o * o),
        Formula(
            "tanh-uses-input",
            "1 - x**2",
            lambda a, b, o: 1 - a * a,
            N_("the tanh derivative uses the input x instead of the output t = tanh(x)."),
            N_("The rule for tanh is written in terms of tanh(x): which variable holds it?"),
        ),
        Formula(
            "wrong-local-derivative",
            "1 - tanh(x)",
            lambda a, b, o: 1 - o,
            N_("the tanh derivative is missing a square."),
            N_("Look again at the power of t in the rule for tanh."),
        ),
        Formula(
            "wrong-local-derivative",
            "1 + tanh(x)**2",
            lambda a, b, o: 1 + o * o,
            N_("the tanh derivative comes out above 1, and tanh is never that steep."),
            N_("tanh flattens out for large |x|: should its slope grow or shrink with t**2?"),
        ),
        Formula(
            "wrong-local-derivative",
            "tanh(x)",
            lambda a, b, o: o,
            N_("the local derivative of tanh is taken as tanh(x) itself."),
            N_("At x = 0, tanh is 0 but its slope is not: what is it there?"),
        ),
    ],
    ("log", 0): [
        Formula("correct", "1/x", lambda a, b, o: 1 / a),
        Formula(
            "log-derivative",
            "1/x**2",
            lambda a, b, o: 1 / a**2,
            N_("the derivative of log is taken as 1/x**2."),
            N_("The x**2 belongs to the derivative of 1/x, not of log(x)."),
        ),
        Formula(
            "log-derivative",
            "x",
            lambda a, b, o: a,
            N_("the derivative of log is taken as x."),
            N_("log grows ever more slowly: should its slope grow with x?"),
        ),
        Formula(
            "log-derivative",
            "log(x)",
            lambda a, b, o: o,
            N_("the derivative of log is taken as log(x) itself (out.data)."),
            N_("Is the slope of log at x = 1 really 0?"),
        ),
        Formula(
            "log-derivative",
            "1/log(x)",
            lambda a, b, o: 1 / o,
            N_("the derivative of log is taken as 1/log(x) (1 / out.data)."),
            N_("The rule for log is written in terms of x: which variable holds x?"),
        ),
        Formula(
            "log-derivative",
            "exp(x)",
            lambda a, b, o: math.exp(a),
            N_("the derivative of log is taken as exp(x), the inverse function."),
            N_("exp is log's inverse, not its derivative: how steep is log at x = 1?"),
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
        try:  # a wrong formula may divide by zero, or take the log of a negative number
            local = self.sign * float(self.formula.fn(*local_args))
        except (ArithmeticError, ValueError, TypeError):
            return math.nan
        factor = {"out.grad": upstream, "nothing": 1.0, "self.grad": pre}[self.chain]
        return (pre if self.accumulate else 0.0) + local * factor


def hypotheses(op: str, operand: int) -> list[Hypothesis]:
    found = [
        Hypothesis(f, s, c, acc)
        for f, s, c, acc in itertools.product(FORMULAS[(op, operand)], SIGNS, CHAINS, ACCUMULATE)
    ]
    return sorted(found, key=lambda h: h.cost)  # stable: simplest explanation first


def local_args(case: OpCase, out: float) -> tuple[float, float, float]:
    """The arguments (a, b_or_exponent, out) of the case's formulas."""
    b = case.xs[1] if case.shape == "binary" else case.const
    return (case.xs[0], 0.0 if b is None else b, out)


# --------------------------------------------------------------------------------------
# The student's side: run the op, report plain numbers
# --------------------------------------------------------------------------------------


def _number(x) -> float | None:
    try:
        return float(x)
    except (TypeError, ValueError, OverflowError):
        return None


def observe_case(cls, case: OpCase, probe) -> dict:
    """Run one case on the student's class; a plain record of what came out."""
    method = METHOD[case.op]
    made = [probe.call(cls, x, what="Value(...)") for x in case.xs]
    for outcome in made:
        if not outcome.ok:
            return {"error": outcome.described}
    values = [o.value for o in made]
    for v, p in zip(values, case.pre):
        v.grad = p
    outcome = probe.call(case.apply, *values, what=method)
    if not outcome.ok:
        return {"error": outcome.described}
    out = outcome.value
    if out is None or not (hasattr(out, "data") and hasattr(out, "_backward")):
        return {
            "returned": type(out).__name__,
            "has_data": hasattr(out, "data"),
            "repr": repr(out)[:80] if out is not None else "None",
        }
    record: dict = {"out": _number(out.data)}
    record["changed"] = [n for n, v, x in zip(case.names, values, case.xs) if v.data != x]
    children = children_of(out)
    if children is None:
        record["no_children"] = True
        return record
    record["children"] = [repr(c)[:60] for c in children[:4]]
    nodes = student_graph(out)
    reachable = {id(n) for n in nodes}
    record["missing"] = [n for n, v in zip(case.names, values) if id(v) not in reachable]
    out.grad = case.upstream
    for node in nodes:  # outputs first
        if node is out or children_of(node):
            fn = getattr(node, "_backward", None)
            if not callable(fn):
                return {**record, "problem": _("a node's _backward is not callable")}
            result = probe.call(fn, what=_("the _backward of {method}").format(method=method))
            if not result.ok:
                return {**record, "error": result.described}
    record["grads"] = [_number(v.grad) for v in values]
    return record


def _inputs(op: str, rng) -> list[dict]:
    return [asdict(c) for c in make_cases(op, rng)]


def _observe(op: str, cls, inputs, probe):
    if not isinstance(cls, type):
        raise Stop(
            "error",
            _(
                "check('{op}', ...) needs your Value class itself (e.g. check('{op}', "
                "Value)), got {name}."
            ).format(op=op, name=type(cls).__name__),
        )
    for case in inputs:
        yield observe_case(cls, OpCase.from_plain(case), probe)


# --------------------------------------------------------------------------------------
# The judge: compare with the engine, name the mistake
# --------------------------------------------------------------------------------------


@dataclass
class Observation:
    case: OpCase
    operand: int
    args: tuple[float, float, float]
    received: float


def judge_case(case: OpCase, rec: dict, ctx: Context, observations: list) -> None:
    method = METHOD[case.op]
    ref_out, ref_locals = case.reference()
    desc = case.describe()
    inputs = asdict(case)
    if "error" in rec and "grads" not in rec:
        ctx.error_case(desc, rec["error"], inputs)
        return
    if "returned" in rec:
        got = rec["returned"]
        ctx.case(
            desc,
            False,
            inputs=inputs,
            received=rec["repr"],
            problem=_("{method} returned {got}").format(method=method, got=got),
        )
        if got == "NoneType":
            message = _("{method} returned None instead of the new Value.")
            hint = _("Every op must give back the node it made: what does your method return?")
        elif rec["has_data"]:
            message = _(
                "{method} returned a {got} without a `_backward` ({rec}): a node of another "
                "class (micrograd's own Value?) instead of this exercise's Value."
            )
            hint = _("Which class should the new node be made with?")
        else:
            message = _("{method} returned a {got} ({rec}) instead of a Value.")
            hint = _("A plain number has no gradient and no children: what should wrap the result?")
        ctx.diagnose(
            "wrong-return-type",
            message.format(method=method, got=got, rec=rec["repr"]),
            hint,
            key=f"wrong-return-type:{method}",
        )
        return
    out_data = rec.get("out")
    if out_data is None or not close(out_data, ref_out):
        ctx.case(
            desc,
            False,
            inputs=inputs,
            received=out_data,
            expected=ref_out,
            problem=_("forward pass: out.data = {out_data}, expected {ref_out}").format(
                out_data=fmt(out_data), ref_out=fmt(ref_out)
            ),
        )
        values = ", ".join(f"{n}={fmt(x)}" for n, x in zip(case.names, case.xs))
        ctx.diagnose(
            "wrong-forward",
            _(
                "{method} computes the wrong value: for {label} with {values} it gives "
                "{out_data}, expected {ref_out}."
            ).format(
                method=method,
                label=case.label,
                values=values,
                out_data=fmt(out_data),
                ref_out=fmt(ref_out),
            ),
            _("Check the first argument of the Value you create: the forward computation."),
            key=f"wrong-forward:{method}",
        )
        return
    if rec.get("changed"):
        ctx.fail(
            desc,
            "mutates-input",
            _("{method} changes its input's .data (e.g. with `self.data *= ...`).").format(
                method=method
            ),
            _(
                "An op must make a new Value and leave its inputs as they were: they may be used "
                "elsewhere in the graph."
            ),
            key=f"mutates-input:{method}",
            inputs=inputs,
            problem=_("{method} changed {name}.data").format(method=method, name=rec["changed"][0]),
        )
        return
    if rec.get("no_children"):
        raise Stop(
            "error",
            _(
                "the Value returned by {method} has no `_prev` (its children); keep the "
                "template's __init__ and pass the children when you make the node."
            ).format(method=method),
        )
    if "problem" in rec:  # a node's _backward is not callable
        ctx.case(desc, False, inputs=inputs, problem=rec["problem"])
        return
    received = rec["grads"]
    expected = [p + case.upstream * g for p, g in zip(case.pre, ref_locals)]
    problems = [
        _("{name}.grad received {got}, expected {want} (= {p} + {upstream} * {g})").format(
            name=name, got=fmt(got), want=fmt(want), p=fmt(p), upstream=fmt(case.upstream), g=fmt(g)
        )
        for name, got, want, p, g in zip(case.names, received, expected, case.pre, ref_locals)
        if got is None or not close(got, want)
    ]
    if rec.get("missing"):
        problems.append(
            _(
                "the new node's children do not contain {join}, so backward() cannot reach it"
            ).format(join=_(" and ").join(rec["missing"]))
        )
        shown = "(" + ", ".join(rec["children"]) + ")" if rec["children"] else _("empty")
        ctx.diagnose(
            "missing-parents",
            _(
                "{method} creates its node without its parents: for {label} the new Value's "
                "children are {shown}; backward() walks the graph through the children, so it "
                "never reaches the inputs."
            ).format(method=method, label=case.label, shown=shown),
            _("What does the second argument of Value(...) become, and what did you pass there?"),
            key=f"missing-parents:{method}",
        )
    ctx.compare(
        desc,
        problems,
        inputs=inputs,
        received=received,
        expected=expected,
    )
    if case.shape != "reuse" and all(g is not None for g in received):
        for i in range(1 if case.shape in ("unary", "const") else 2):
            observations.append(Observation(case, i, local_args(case, ref_out), received[i]))


def _explain(op: str, operand: int, observations: list[Observation], ctx: Context) -> None:
    """Name the simplest mistake that reproduces the student's gradients for one operand."""
    obs = [o for o in observations if o.operand == operand]
    if not obs:
        return
    candidates = hypotheses(op, operand)
    correct = candidates[0]

    def fits(h: Hypothesis, o: Observation) -> bool:
        return close(o.received, h.predict(o.args, o.case.upstream, o.case.pre[operand]))

    if all(fits(correct, o) for o in obs):
        return
    var = "self" if operand == 0 else "other"
    for h in candidates[1:]:
        if all(fits(h, o) for o in obs):
            _report(h, correct, op, var, obs, operand, ctx)
            return
    example = next(o for o in obs if not fits(correct, o))
    want = correct.predict(example.args, example.case.upstream, example.case.pre[operand])
    ctx.diagnose(
        "wrong-gradient",
        _(
            "{METHOD}: the gradient of `{var}` is wrong and matches no mistake I know: {describe} "
            "gave {var}.grad = {received}, expected {want}."
        ).format(
            METHOD=METHOD[op],
            var=var,
            describe=example.case.describe(),
            received=fmt(example.received),
            want=fmt(want),
        ),
        _(
            "Work out d out/d {var} on paper for these numbers and compare with your _backward."
        ).format(var=var),
        rule=RULES[op],
    )


def _operand(method: str, var: str) -> str:
    """Where a mistake of a two-operand method is: in the line for ``self`` or ``other``."""
    return _("{method} (the `{var}` operand)").format(method=method, var=var)


def _report(
    h: Hypothesis, correct: Hypothesis, op: str, var: str, obs, operand: int, ctx: Context
) -> None:
    method = METHOD[op]

    def diagnose(kind, message, *hints):
        ctx.diagnose(kind, message, *hints, rule=RULES[op], key=f"{kind}:{method}:{var}")

    o = next((x for x in obs if x.case.pre[operand] != 0 and x.case.upstream != 1.0), obs[0])
    where = _operand(method, var) if op in ("mul", "div") else method
    want = correct.predict(o.args, o.case.upstream, o.case.pre[operand])
    name = o.case.names[operand]
    example = _("For {describe}: {name}.grad came out as {received}, expected {want}.").format(
        describe=o.case.describe(), name=name, received=fmt(o.received), want=fmt(want)
    )
    if h.formula.kind != "correct":
        f = h.formula
        diagnose(
            f.kind,
            _("{where}: local derivative {text}: {message} {example}").format(
                where=where, text=f.text, message=_(f.message), example=example
            ),
            f.hint,
        )
    if h.sign < 0:
        diagnose(
            "wrong-sign",
            _(
                "{where}: the gradient has the wrong sign (it comes out as -1 times the right "
                "one). {example}"
            ).format(where=where, example=example),
            _("Check the sign of the local derivative, and that you add rather than subtract."),
        )
    if h.chain == "nothing":
        diagnose(
            "missing-chain-factor",
            _(
                "{where}: the chain factor out.grad is missing: the local derivative is added as "
                "it is, as if out.grad were 1. {example}"
            ).format(where=where, example=example),
            _(
                "The chain rule: d loss/d input = (d out/d input) * (d loss/d out). Which factor "
                "is in your line?"
            ),
        )
    elif h.chain == "self.grad":
        diagnose(
            "wrong-chain-factor",
            _(
                "{where}: the local derivative is multiplied by {var}.grad instead of by the "
                "output's gradient. {example}"
            ).format(where=where, var=var, example=example),
            _(
                "The gradient flows from the output to the input: which node's gradient is "
                "already known when _backward runs?"
            ),
        )
    if not h.accumulate:
        diagnose(
            "assign-not-accumulate",
            _(
                "{where}: the gradient is assigned (`{var}.grad = ...`) instead of accumulated, "
                "so what other uses of the node contributed is lost. {example}"
            ).format(where=where, var=var, example=example),
            _(
                "A node used twice (like a in a * a or a + a) gets a gradient from each use: how "
                "do the two parts end up in one .grad?"
            ),
        )


def _merge_operands(method: str, start: int, ctx: Context) -> None:
    """The same mistake for both operands of a method: one diagnosis, "(both operands)"."""
    mine = ctx.diagnoses[start:]
    self_tag, other_tag = _operand(method, "self"), _operand(method, "other")
    both = _("{method} (both operands)").format(method=method)

    def twin(d, tag):
        return any(e.kind == d.kind and tag in e.message for e in mine)

    merged = []
    for d in mine:
        if self_tag in d.message and twin(d, other_tag):
            merged.append(replace(d, message=d.message.replace(self_tag, both)))
        elif not (other_tag in d.message and twin(d, self_tag)):  # else folded into `self`'s
            merged.append(d)
    ctx.diagnoses[start:] = merged


def judge_op(op: str, inputs: list, records: list, ctx: Context) -> None:
    observations: list[Observation] = []
    before = len(ctx.diagnoses)
    for case, rec in zip(inputs, records):
        judge_case(OpCase.from_plain(case), rec, ctx, observations)
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
            _(
                "{METHOD} gives the right gradients for two different inputs but not when the "
                "same Value is both operands ({name})."
            ).format(METHOD=METHOD[op], name=reuse_failed[0].name),
            _(
                "When self and other are the same Value, both of your lines update the same "
                ".grad: do both contributions survive, and are both computed from the data?"
            ),
            key=f"reused-node:{op}",
        )


# Registered at import: the titles are translated where they are shown.
TITLES = {
    "mul": N_("the forward pass and local derivative of __mul__"),
    "div": N_("the forward pass and local derivative of __truediv__"),
    "pow": N_("the forward pass and local derivative of __pow__"),
    "exp": N_("the forward pass and local derivative of exp"),
    "tanh": N_("the forward pass and local derivative of tanh"),
    "log": N_("the forward pass and local derivative of log"),
}


def _register(name: str, title: str, inputs, judge, observe) -> None:
    """Every check of exercise 1 takes the student's Value class."""
    exercise(
        name,
        title,
        N_("your Value class"),
        "Value",
        inputs=inputs,
        judge=judge,
        forbidden=FORBIDDEN,
    )(observe)


for _op in OPS:
    _register(
        _op,
        TITLES[_op],
        functools.partial(_inputs, _op),
        functools.partial(judge_op, _op),
        functools.partial(_observe, _op),
    )


def _ops_inputs(rng):
    return {op: _inputs(op, rng) for op in OPS}


def _ops_judge(inputs: dict, records: list, ctx: Context) -> None:
    missing = []
    for op in OPS:
        mine = [r["record"] for r in records if r["op"] == op]
        if mine and mine[0] == "not implemented":
            missing.append(METHOD[op])
            ctx.case(
                _("{METHOD}: not yet implemented").format(METHOD=METHOD[op]),
                False,
                inputs={"op": op},
                problem=_("still raises NotImplementedError"),
            )
        elif mine:
            judge_op(op, inputs[op][: len(mine)], mine, ctx)
    if len(missing) == len(OPS):
        raise Stop("not implemented", _("none of the six ops is written yet."))


def _ops_observe(cls, inputs, probe):
    for op in OPS:
        try:
            for record in _observe(op, cls, inputs[op], probe):
                yield {"op": op, "record": record}
        except Stop as stop:
            if stop.status != "not implemented":
                raise
            yield {"op": op, "record": "not implemented"}


_register("ops", N_("the six ops of exercise 1"), _ops_inputs, _ops_judge, _ops_observe)
