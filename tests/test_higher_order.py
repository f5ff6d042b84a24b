"""micrograd.grad(): first derivatives as floats, and with create_graph=True as Values that
can be differentiated again. Checked against sympy's symbolic derivatives."""

from __future__ import annotations

import math

import pytest
import sympy
from hypothesis import given
from strategies import cases, close, evaluate_micrograd, sympy_derivatives

import micrograd
from micrograd import Value

s = sympy.Symbol("x", real=True)

# name, micrograd function, sympy expression in s, points (inside the domain)
FUNCTIONS = [
    ("x**3", lambda x: x**3, s**3, [-1.5, 0.0, 2.0]),
    ("tanh", lambda x: x.tanh(), sympy.tanh(s), [-2.0, -0.3, 0.0, 0.7, 3.0]),
    ("sigmoid", lambda x: x.sigmoid(), 1 / (1 + sympy.exp(-s)), [-4.0, -0.5, 0.0, 1.2, 6.0]),
    ("exp", lambda x: x.exp(), sympy.exp(s), [-3.0, 0.0, 1.5]),
    ("log", lambda x: x.log(), sympy.log(s), [0.1, 1.0, 7.5]),
    ("sin", lambda x: x.sin(), sympy.sin(s), [-2.0, 0.0, 1.0]),
    ("cos", lambda x: x.cos(), sympy.cos(s), [-2.0, 0.0, 1.0]),
    ("x**-2", lambda x: x**-2, s**-2, [-1.5, 0.5, 3.0]),
    ("x**0.5", lambda x: x**0.5, sympy.sqrt(s), [0.25, 4.0]),
    ("2**x", lambda x: 2**x, 2**s, [-1.0, 0.5, 3.0]),
    ("1/x", lambda x: 1 / x, 1 / s, [-2.0, 0.5]),
    ("x*x*x - 2x", lambda x: x * x * x - 2 * x, s**3 - 2 * s, [-1.0, 0.3]),
    (
        "tanh(x)*sigmoid(x)",
        lambda x: x.tanh() * x.sigmoid(),
        sympy.tanh(s) / (1 + sympy.exp(-s)),
        [-1.0, 0.5],
    ),
    ("log(exp(x) + 1)", lambda x: (x.exp() + 1).log(), sympy.log(sympy.exp(s) + 1), [-2.0, 2.0]),
]
CASES = [(name, f, e, x) for name, f, e, xs in FUNCTIONS for x in xs]


def sympy_at(expr, x: float, order: int) -> float:
    return float(sympy.diff(expr, s, order).evalf(30, subs={s: sympy.Rational(x)}))


@pytest.mark.parametrize("name, f, expr, x", CASES, ids=[f"{c[0]}@{c[3]}" for c in CASES])
def test_first_and_second_derivative_match_sympy(name, f, expr, x):
    v = Value(x)
    y = f(v)
    (d1,) = micrograd.grad(y, [v], create_graph=True)
    assert isinstance(d1, Value)
    assert close(d1.data, sympy_at(expr, x, 1), rel=1e-12, abs_=1e-14), name
    (d2,) = micrograd.grad(d1, [v])
    assert type(d2) is float
    assert close(d2, sympy_at(expr, x, 2), rel=1e-12, abs_=1e-14), name


THIRD = [c for c in CASES if c[0] in ("x**3", "tanh", "sigmoid", "exp", "log", "sin")]


@pytest.mark.parametrize("name, f, expr, x", THIRD, ids=[f"{c[0]}@{c[3]}" for c in THIRD])
def test_third_derivative_matches_sympy(name, f, expr, x):
    v = Value(x)
    (d1,) = micrograd.grad(f(v), [v], create_graph=True)
    (d2,) = micrograd.grad(d1, [v], create_graph=True)
    (d3,) = micrograd.grad(d2, [v])
    assert close(d3, sympy_at(expr, x, 3), rel=1e-11, abs_=1e-13), name


def test_second_derivative_of_x_cubed_is_6x():
    # The example, literally.
    x = Value(2.0)
    y = x**3
    assert micrograd.grad(micrograd.grad(y, [x], create_graph=True)[0], [x]) == (12.0,)
    for data in [-1.5, 0.0, 0.5, 3.0]:
        x = Value(data)
        (dy,) = micrograd.grad(x**3, [x], create_graph=True)
        assert dy.data == 3 * data**2
        assert micrograd.grad(dy, [x]) == (6 * data,)


def test_grad_without_create_graph_returns_floats():
    x, w = Value(3.0), Value(-2.0)
    result = micrograd.grad(x * w, [x, w])
    assert result == (-2.0, 3.0)
    assert isinstance(result, tuple) and all(type(r) is float for r in result)


def test_grad_with_create_graph_returns_values_in_a_graph():
    x, w = Value(3.0), Value(-2.0)
    dx, dw = micrograd.grad(x * x * w, [x, w], create_graph=True)
    assert isinstance(dx, Value) and isinstance(dw, Value)
    assert (dx.data, dw.data) == (2 * 3.0 * -2.0, 9.0)
    assert not dx.is_leaf  # recorded: it depends on x and w
    assert x in micrograd.topological_order(dx) and w in micrograd.topological_order(dx)
    # mixed second derivatives: d/dw (2xw) = 2x, d/dx (x^2) = 2x
    assert micrograd.grad(dx, [x, w]) == (2 * -2.0, 2 * 3.0)
    assert micrograd.grad(dw, [x, w]) == (2 * 3.0, 0.0)


def test_grad_does_not_touch_grad_attributes():
    x = Value(1.5)
    x.grad = 0.25  # something accumulated earlier
    h = x.tanh()
    y = h * x
    micrograd.grad(y, [x])
    (d1,) = micrograd.grad(y, [x], create_graph=True)
    micrograd.grad(d1, [x])
    assert x.grad == 0.25
    assert h.grad == 0.0 and y.grad == 0.0
    assert all(n.grad == 0.0 for n in micrograd.topological_order(d1) if n is not x)


def test_grad_then_backward_on_the_derivative():
    # A derivative made with create_graph is a Value like any other: backward() works.
    x = Value(0.5)
    (d1,) = micrograd.grad(x.sin() * x, [x], create_graph=True)  # sin x + x cos x
    d1.backward()
    assert x.grad == pytest.approx(2 * math.cos(0.5) - 0.5 * math.sin(0.5), rel=1e-14)


def test_input_the_output_does_not_depend_on_gets_zero():
    x, unused = Value(2.0), Value(5.0)
    assert micrograd.grad(x * 3.0, [x, unused]) == (3.0, 0.0)
    dx, du = micrograd.grad(x * 3.0, [x, unused], create_graph=True)
    assert (dx.data, du.data) == (3.0, 0.0)
    assert micrograd.grad(du, [x]) == (0.0,)


def test_derivative_of_the_output_with_respect_to_itself_is_one():
    x = Value(2.0)
    y = x * x
    assert micrograd.grad(y, [y, x]) == (1.0, 4.0)
    assert micrograd.grad(x, [x]) == (1.0,)


def test_grad_of_intermediate_node_only_follows_its_own_graph():
    x = Value(2.0)
    h = x * x
    _ = h * 10.0  # another use of h downstream: grad(h, ...) must ignore it
    assert micrograd.grad(h, [x]) == (4.0,)


def test_grad_accepts_any_iterable_of_inputs():
    x, y = Value(1.0), Value(2.0)
    assert micrograd.grad(x * y, (v for v in [y, x])) == (1.0, 2.0)


def test_grad_rejects_non_values():
    x = Value(1.0)
    with pytest.raises(TypeError, match="float"):
        micrograd.grad(1.0, [x])
    with pytest.raises(TypeError, match="int"):
        micrograd.grad(x * 2, [3])


def test_second_derivative_through_sum_dot_relu_and_abs():
    x, w = Value(1.5), Value(-0.5)
    y = micrograd.dot([w, x], [x, x], 1.0).relu() + abs(x * w) + micrograd.sum([x * x, w])
    # y = relu(w x + x^2 + 1) + |x w| + x^2 + w; at this point relu is active, x w < 0
    (dx,) = micrograd.grad(y, [x], create_graph=True)
    assert dx.data == pytest.approx(w.data + 2 * 1.5 - w.data + 2 * 1.5, rel=1e-14)
    assert micrograd.grad(dx, [x, w]) == pytest.approx((2.0 + 2.0, 1.0 - 1.0), rel=1e-14)


@given(cases(max_vars=2))
def test_hessian_of_random_expressions_matches_sympy(case):
    out, inputs = evaluate_micrograd(case.expr, case.inputs)
    first = micrograd.grad(out, inputs, create_graph=True)
    expected_first = sympy_derivatives(case.expr, case.inputs, order=1)
    expected = sympy_derivatives(case.expr, case.inputs, order=2)
    for i, d in enumerate(first):
        assert close(d.data, expected_first[i]), f"d/dx{i} of {case}"
        row = micrograd.grad(d, inputs)
        for j, got in enumerate(row):
            assert close(got, expected[i][j], rel=1e-6, abs_=1e-8), (
                f"d2/dx{i}dx{j} of {case}: micrograd {got!r}, sympy {expected[i][j]!r}"
            )
