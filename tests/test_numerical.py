"""numerical_grad (central differences) and gradcheck, including how gradcheck reports a
deliberately broken op: the input, the derivative received and expected, and the node."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from strategies import (
    MICROGRAD_OPS,
    cases,
    close,
    evaluate,
    evaluate_micrograd,
    sympy_derivatives,
)

import micrograd
from micrograd import GradcheckError, Value, engine
from micrograd.numerical import check_local_grads

# --------------------------------------------------------------------------------------
# numerical_grad
# --------------------------------------------------------------------------------------


def test_central_difference_of_a_cube_has_error_eps_squared():
    # (f(x+h) - f(x-h)) / 2h = 3x^2 + h^2 exactly for f = x^3: the error is O(eps^2).
    for eps in (1e-1, 1e-2):
        (d,) = micrograd.numerical_grad(lambda x: x**3, [2.0], eps=eps)
        assert d == pytest.approx(12.0 + eps**2, rel=1e-9)


def test_numerical_grad_returns_a_tuple_of_floats_one_per_input():
    result = micrograd.numerical_grad(lambda x, y: x * y + y.exp(), [3.0, 0.5])
    assert isinstance(result, tuple) and len(result) == 2
    assert all(type(r) is float for r in result)
    assert result[0] == pytest.approx(0.5, rel=1e-8)
    assert result[1] == pytest.approx(3.0 + math.exp(0.5), rel=1e-8)


def test_numerical_grad_calls_f_with_fresh_values():
    seen = []

    def f(x, y):
        seen.append((x, y))
        assert isinstance(x, Value) and isinstance(y, Value)
        return x - y

    a, b = Value(1.0), Value(2.0)
    assert micrograd.numerical_grad(f, [a, b]) == pytest.approx((1.0, -1.0), rel=1e-8)
    assert len(seen) == 4  # two forward passes per input
    assert all(x is not a and y is not b for x, y in seen)
    assert (a.data, a.grad, b.data, b.grad) == (1.0, 0.0, 2.0, 0.0)  # inputs untouched


def test_numerical_grad_accepts_functions_returning_plain_numbers():
    (d,) = micrograd.numerical_grad(lambda x: math.sin(x.data), [0.3])
    assert d == pytest.approx(math.cos(0.3), rel=1e-8)


@pytest.mark.parametrize("eps", [0.0, -1e-6])
def test_numerical_grad_needs_a_positive_eps(eps):
    with pytest.raises(ValueError, match="eps"):
        micrograd.numerical_grad(lambda x: x, [1.0], eps=eps)


@given(cases(max_vars=2))
def test_numerical_grad_matches_sympy(case):
    def f(*xs):
        return evaluate(case.expr, xs, MICROGRAD_OPS)

    estimate = micrograd.numerical_grad(f, case.inputs, eps=1e-6)
    exact = sympy_derivatives(case.expr, case.inputs)
    for got, want in zip(estimate, exact):
        # central differences: truncation ~ eps^2 f''', rounding ~ 1e-16 |f| / eps
        assert close(got, want, rel=1e-4, abs_=1e-5), case


# --------------------------------------------------------------------------------------
# gradcheck on correct functions
# --------------------------------------------------------------------------------------


def test_gradcheck_passes_the_docstring_example():
    assert micrograd.gradcheck(lambda x, y: x * y + x.tanh(), [0.5, -2.0]) is True


@given(cases(max_vars=3))
def test_gradcheck_passes_random_expressions(case):
    def f(*xs):
        out = evaluate(case.expr, xs, MICROGRAD_OPS)
        return out if isinstance(out, Value) else Value(out)

    assert micrograd.gradcheck(f, case.inputs, rtol=1e-4, atol=1e-6) is True


def test_gradcheck_accepts_values_as_inputs_and_leaves_them_alone():
    x = Value(0.7)
    assert micrograd.gradcheck(lambda a: a.sigmoid() * a, [x])
    assert (x.data, x.grad) == (0.7, 0.0)


def test_gradcheck_needs_f_to_return_a_value():
    with pytest.raises(TypeError, match="float"):
        micrograd.gradcheck(lambda x: 1.0, [0.5])


def test_check_local_grads_finds_nothing_in_a_correct_graph():
    x = Value(0.3)
    out = micrograd.dot([x, x.exp()], [x.tanh(), x.sigmoid()], 1.0).log() ** 2 / (x - 2)
    assert check_local_grads(out) == []


# --------------------------------------------------------------------------------------
# gradcheck on a deliberately broken op
# --------------------------------------------------------------------------------------


def numbers_in(text: str) -> list[float]:
    return [float(m) for m in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", text)]


def mentions(text: str, number: float, rel: float = 1e-4) -> bool:
    """True if ``text`` contains ``number`` to about 5 significant digits."""
    return any(math.isclose(n, number, rel_tol=rel, abs_tol=1e-9) for n in numbers_in(text))


@pytest.fixture
def broken_tanh(monkeypatch):
    """tanh with a typical student bug: d tanh = 1 - out (forgot the square)."""
    wrong = engine.Op("tanh", engine.TANH.forward, lambda a, out: (1 - out,))
    monkeypatch.setattr(engine, "TANH", wrong)


def test_the_broken_op_really_is_used(broken_tanh):
    x = Value(0.5)
    out = x.tanh()
    assert out.local_grads == (1 - math.tanh(0.5),)


def test_gradcheck_names_input_received_expected_and_node(broken_tanh):
    x0, x1 = 0.5, -1.25
    t = math.tanh(x0 * 3.0)
    received = (1 - t) * 3.0 + x1  # what backward gives with the broken rule
    expected = (1 - t * t) * 3.0 + x1  # the true derivative d/dx0 of tanh(3 x0) + x0 x1
    with pytest.raises(GradcheckError) as info:
        micrograd.gradcheck(lambda a, b: (a * 3.0).tanh() + a * b, [x0, x1])
    message = str(info.value)
    assert isinstance(info.value, AssertionError)
    lines = message.splitlines()
    bad = [line for line in lines if "input 0" in line]
    assert bad, message
    assert mentions(bad[0], x0) and mentions(bad[0], received) and mentions(bad[0], expected)
    assert "received" in bad[0] and "expected" in bad[0]
    assert not any("input 1" in line for line in lines)  # x1's derivative is right
    # the node: 'tanh', with its input 1.5, its recorded and its true local derivative
    node_lines = [line for line in lines if "'tanh'" in line]
    assert node_lines, message
    assert mentions(node_lines[0], 3 * x0)
    assert mentions(node_lines[0], 1 - t) and mentions(node_lines[0], 1 - t * t)


def test_gradcheck_can_return_false_instead_of_raising(broken_tanh):
    assert micrograd.gradcheck(lambda a: a.tanh(), [0.5], raise_exception=False) is False


def test_check_local_grads_points_at_the_broken_node(broken_tanh):
    x = Value(0.5)
    h = x * 2.0
    out = h.tanh() + h.sigmoid()
    mismatches = check_local_grads(out)
    assert len(mismatches) == 1
    (m,) = mismatches
    assert m.node.op == "tanh" and m.node.parents == (h,)
    assert m.parent_index == 0
    assert m.received == pytest.approx(1 - math.tanh(1.0), rel=1e-12)
    assert m.expected == pytest.approx(1 - math.tanh(1.0) ** 2, rel=1e-6)


def test_gradcheck_blames_the_right_binary_op(monkeypatch):
    # MUL with the local derivatives swapped (a classic: d(ab)/da = a)
    wrong = engine.Op("*", engine.MUL.forward, lambda a, b, out: (a, b))
    monkeypatch.setattr(engine, "MUL", wrong)
    with pytest.raises(GradcheckError) as info:
        micrograd.gradcheck(lambda a, b: a.sin() * b, [0.5, 3.0])
    message = str(info.value)
    assert "input 0" in message and "input 1" in message
    assert "'*'" in message
    # received d/da = sin(a) * cos(a) (wrong), expected b cos(a)
    assert mentions(message, math.sin(0.5) * math.cos(0.5))
    assert mentions(message, 3.0 * math.cos(0.5))


def test_gradcheck_blames_the_chain_rule_when_every_op_is_right(monkeypatch):
    # A broken backward() that overwrites (=) instead of adding up (+=) for reused nodes.
    def backward_with_assignment(self):
        order = micrograd.topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad = local * node.grad  # the bug

    monkeypatch.setattr(Value, "backward", backward_with_assignment)
    with pytest.raises(GradcheckError) as info:
        micrograd.gradcheck(lambda a: a * a + a, [1.5])
    message = str(info.value)
    assert mentions(message, 2 * 1.5 + 1)  # the expected derivative
    assert "chain rule" in message or "+=" in message
    assert "'*'" not in message and "'+'" not in message  # no op is blamed


@given(cases(max_vars=3))
def test_check_local_grads_finds_nothing_wrong_in_correct_random_graphs(case):
    # No false alarms: otherwise gradcheck would blame an innocent node.
    out, _ = evaluate_micrograd(case.expr, case.inputs)
    assert check_local_grads(out) == [], case
