"""The test-case generator itself: it reaches every op, and its engines agree on values.

If the strategies silently stopped producing an op, the property tests would still pass
while testing less; these tests catch that.
"""

from __future__ import annotations

import math

import pytest
import sympy
from hypothesis import Phase, find, given, settings
from strategies import (
    ALL_OPS,
    Expr,
    cases,
    evaluate_float,
    evaluate_micrograd,
    expressions,
    to_source,
    to_sympy,
    tree_size,
    well_conditioned,
)

import micrograd
from micrograd import Value

# Only look for an example, do not shrink it: that is all these tests need, and faster.
FIND = settings(phases=[Phase.generate], database=None, max_examples=1000)


def ops_in(expr: Expr) -> set[str]:
    found, stack = set(), [expr]
    while stack:
        node = stack.pop()
        found.add(node.op)
        stack.extend(node.args)
    return found


@pytest.mark.parametrize("op", ALL_OPS)
def test_every_op_is_generated(op):
    expr = find(expressions(2), lambda e: op in ops_in(e), settings=FIND)
    assert op in ops_in(expr)


def shares_an_argument(expr: Expr) -> bool:
    """Some node of ``expr`` has the same subexpression object as two of its arguments."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if len({id(a) for a in node.args}) < len(node.args):
            return True
        stack.extend(node.args)
    return False


def test_reused_subexpressions_are_generated():
    expr = find(expressions(1), shares_an_argument, settings=FIND)
    assert shares_an_argument(expr)


def test_unknown_ops_are_rejected():
    with pytest.raises(ValueError, match="unknown ops"):
        expressions(ops=["+", "sqrt"])


@given(cases())
def test_source_text_evaluates_to_the_same_value(case):
    names = {f"x{i}": Value(x) for i, x in enumerate(case.inputs)}
    namespace = {
        "sum": micrograd.sum,
        "dot": micrograd.dot,
        **{f: getattr(micrograd, f) for f in ("exp", "log", "tanh", "sigmoid", "relu")},
        **{f: getattr(micrograd, f) for f in ("sin", "cos")},
        **names,
    }
    from_source = eval(to_source(case.expr), namespace)
    out, _ = evaluate_micrograd(case.expr, case.inputs)
    assert float(from_source) == out.data


@given(cases())
def test_float_and_sympy_values_agree(case):
    symbols = sympy.symbols(f"x0:{len(case.inputs)}", real=True)
    exact = to_sympy(case.expr, symbols).subs(
        {s: sympy.Rational(x) for s, x in zip(symbols, case.inputs)}
    )
    assert math.isclose(
        evaluate_float(case.expr, case.inputs), float(exact.evalf(30)), rel_tol=1e-12, abs_tol=1e-12
    )


@given(cases())
def test_generated_cases_are_well_conditioned_and_moderate(case):
    assert well_conditioned(case.expr, case.inputs)
    assert tree_size(case.expr) <= 60
    assert all(-2.0 <= x <= 2.0 for x in case.inputs)


def test_well_conditioned_rejects_the_edges_of_the_domains():
    x = Expr("var", (), 0.0)
    assert not well_conditioned(Expr("log", (x,)), [0.0])
    assert not well_conditioned(Expr("relu", (x,)), [1e-6])  # too close to the kink
    assert not well_conditioned(Expr("exp", (Expr("exp", (x,)),)), [2.0])  # e^e^2 > 1000
    assert well_conditioned(Expr("log", (x,)), [0.5])
