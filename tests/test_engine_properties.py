"""Random expression trees: backward() against sympy, finite differences and grad().

The cases come from ``strategies.cases()``: trees over every op (including the reflected
operators with plain numbers, the n-ary ``sum`` and ``dot`` nodes, reused subexpressions
and Value exponents), at points inside the ops' safe domains.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import (
    Case,
    cases,
    close,
    evaluate_float,
    evaluate_micrograd,
    finite_difference,
    sympy_derivatives,
)

import micrograd
from micrograd import Value


def backward_gradient(case: Case) -> tuple[Value, list[float]]:
    out, inputs = evaluate_micrograd(case.expr, case.inputs)
    out.backward()
    return out, [x.grad for x in inputs]


@given(cases())
def test_forward_value_matches_plain_floats(case):
    out, _ = evaluate_micrograd(case.expr, case.inputs)
    assert close(out.data, evaluate_float(case.expr, case.inputs), rel=1e-12, abs_=1e-12), case


@given(cases())
def test_backward_matches_sympy(case):
    _, received = backward_gradient(case)
    expected = sympy_derivatives(case.expr, case.inputs)
    for i, (got, want) in enumerate(zip(received, expected)):
        assert close(got, want), f"d/dx{i} of {case}: backward {got!r}, sympy {want!r}"


@given(cases())
def test_backward_matches_central_differences(case):
    _, received = backward_gradient(case)
    for i, got in enumerate(received):
        h = 1e-5
        estimate = finite_difference(case.expr, case.inputs, i, h)
        # The estimate's own error, from the same estimate with twice the step: its
        # truncation error is four times as large, so the difference bounds it.
        error_bar = abs(estimate - finite_difference(case.expr, case.inputs, i, 2 * h))
        tolerance = 1e-6 * max(1.0, abs(estimate)) + 2 * error_bar
        assert abs(got - estimate) <= tolerance, (
            f"d/dx{i} of {case}: backward {got!r}, central differences {estimate!r}"
        )


@given(cases())
def test_grad_function_agrees_with_backward(case):
    _, received = backward_gradient(case)
    out, inputs = evaluate_micrograd(case.expr, case.inputs)
    derivatives = micrograd.grad(out, inputs)
    assert isinstance(derivatives, tuple)
    assert all(type(d) is float for d in derivatives)
    for got, want in zip(derivatives, received):
        assert close(got, want, rel=1e-12, abs_=1e-15), case
    # grad() leaves .grad alone, everywhere in the graph
    assert all(node.grad == 0.0 for node in micrograd.topological_order(out))


@given(cases())
def test_backward_twice_doubles_leaf_gradients_exactly(case):
    out, _ = evaluate_micrograd(case.expr, case.inputs)
    order = micrograd.topological_order(out)
    out.backward()
    first = [node.grad for node in order]
    out.backward()
    for node, g in zip(order, first):
        if node.is_leaf:  # leaves accumulate: exactly twice (g + g is exact in floats)
            assert node.grad == 2 * g, case
        else:  # interior nodes get this call's gradient: the same as the first time
            assert node.grad == g, case


@given(cases())
def test_topological_order_lists_each_node_once_after_its_parents(case):
    out, inputs = evaluate_micrograd(case.expr, case.inputs)
    order = micrograd.topological_order(out)
    assert order[-1] is out
    assert len({id(n) for n in order}) == len(order)
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]
    used = {id(x) for x in inputs if id(x) in position}
    assert used, "every generated expression uses an input"
    if not out.is_leaf:  # (whether a leaf root lists itself is left open)
        interior = micrograd.topological_order(out, include_leaves=False)
        assert [n for n in order if not n.is_leaf] == interior


@given(
    st.lists(st.floats(-10, 10), min_size=1, max_size=12),
    st.lists(st.floats(-10, 10), min_size=1, max_size=12),
    st.one_of(st.none(), st.floats(-10, 10)),
)
def test_sum_and_dot_nodes_equal_their_expanded_graphs(xs, ws, b):
    n = min(len(xs), len(ws))
    xs, ws = xs[:n], ws[:n]

    def leaves(numbers):
        return [Value(x) for x in numbers]

    # dot: one node; expanded: w1*x1 + ... + b
    w1, x1 = leaves(ws), leaves(xs)
    b1 = None if b is None else Value(b)
    one = micrograd.dot(w1, x1, b1)
    assert one.op == "dot" and len(micrograd.topological_order(one, include_leaves=False)) == 1
    w2, x2 = leaves(ws), leaves(xs)
    b2 = None if b is None else Value(b)
    expanded = w2[0] * x2[0]
    for w, x in zip(w2[1:], x2[1:]):
        expanded = expanded + w * x
    if b2 is not None:
        expanded = expanded + b2
    assert math.isclose(one.data, expanded.data, rel_tol=1e-9, abs_tol=1e-9)
    one.backward()
    expanded.backward()
    assert [v.grad for v in w1 + x1] == [v.grad for v in w2 + x2]
    if b is not None:
        assert b1.grad == b2.grad == 1.0

    # sum: one node with local derivative 1 per input
    s_leaves = leaves(xs)
    total = micrograd.sum(s_leaves)
    assert total.op == "sum" and total.local_grads == (1.0,) * n
    assert math.isclose(total.data, math.fsum(xs), rel_tol=1e-9, abs_tol=1e-9)
    total.backward()
    assert [v.grad for v in s_leaves] == [1.0] * n


@given(cases(), st.integers(0, 10**6))
def test_backward_on_an_interior_node_equals_grad_of_that_node(case, pick):
    out, inputs = evaluate_micrograd(case.expr, case.inputs)
    order = micrograd.topological_order(out)
    node = order[pick % len(order)]  # any node of the graph, the output included
    expected = micrograd.grad(node, inputs)
    node.backward()
    for x, want in zip(inputs, expected):
        if x is node:  # backward() on a leaf adds 1 to it
            want = 1.0
        assert x.grad == pytest.approx(want, rel=1e-12, abs=1e-15), case
    assert out.grad == (1.0 if out is node else 0.0)  # nodes after `node` are not touched
