"""The Value API: construction, operators, repr, identity, graph inspection, backward().

Expected numbers come from hand derivations written next to them (or from ``math``),
never from the engine itself.
"""

from __future__ import annotations

import doctest
import gc
import importlib
import math
from fractions import Fraction

import pytest

import micrograd
from micrograd import Value

# --------------------------------------------------------------------------------------
# Construction
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, expected",
    [(2.5, 2.5), (3, 3.0), (-7, -7.0), (True, 1.0), (False, 0.0), (Fraction(1, 4), 0.25)],
)
def test_data_is_converted_to_float(data, expected):
    v = Value(data)
    assert type(v.data) is float
    assert v.data == expected


def test_new_value_starts_as_a_leaf_with_zero_grad():
    v = Value(1.5, label="w")
    assert v.grad == 0.0 and type(v.grad) is float
    assert v.label == "w"
    assert v.op == ""
    assert v.parents == ()
    assert v.local_grads == ()
    assert v.is_leaf


def test_label_defaults_to_empty_and_can_be_set():
    v = Value(1.0)
    assert v.label == ""
    v.label = "bias"
    assert v.label == "bias"


def test_float_of_a_value_is_its_data():
    assert float(Value(-3.25)) == -3.25


# --------------------------------------------------------------------------------------
# repr
# --------------------------------------------------------------------------------------


def test_repr_matches_the_issue_example():
    assert repr(Value(2.0, label="x")) == "Value(data=2.0, grad=0.0, label='x')"


def test_repr_without_label_shows_data_and_grad():
    v = Value(-1.5)
    v.grad = 0.25
    assert repr(v) == "Value(data=-1.5, grad=0.25)"


def test_repr_shows_the_current_gradient():
    x = Value(3.0, label="x")
    (x * x).backward()
    assert repr(x) == "Value(data=3.0, grad=6.0, label='x')"


# --------------------------------------------------------------------------------------
# Identity: hashing and ==
# --------------------------------------------------------------------------------------


def test_equal_data_does_not_make_values_equal():
    a, b = Value(1.0), Value(1.0)
    assert a == a
    assert a != b
    assert (a == b) is False


def test_a_value_is_not_equal_to_a_number():
    # == is identity, also against plain numbers (compare .data to compare values)
    v = Value(2.0)
    assert (v == 2.0) is False
    assert (v != 2.0) is True
    assert v.data == 2.0


def test_values_work_in_sets_and_dicts_by_identity():
    a, b = Value(1.0), Value(1.0)
    assert len({a, b, a}) == 2
    names = {a: "a", b: "b"}
    assert names[a] == "a" and names[b] == "b"
    a.data = 5.0  # changing data does not change the hash
    assert a in names and names[a] == "a"


def test_hash_is_identity_based():
    a = Value(2.0)
    assert hash(a) == object.__hash__(a)


@pytest.mark.parametrize(
    "left, right, lt, le, gt, ge",
    [(1.0, 2.0, True, True, False, False), (2.0, 2.0, False, True, False, True)],
)
def test_ordering_compares_data_and_returns_bool(left, right, lt, le, gt, ge):
    a, b = Value(left), Value(right)
    for result, expected in [(a < b, lt), (a <= b, le), (a > b, gt), (a >= b, ge)]:
        assert type(result) is bool and result is expected
    # with a plain number on either side
    assert (a < right) is lt and (a >= right) is ge
    assert (left < b) is lt and (left >= b) is ge


def test_max_and_sorted_use_data():
    vs = [Value(3.0), Value(-1.0), Value(2.0)]
    assert [v.data for v in sorted(vs)] == [-1.0, 2.0, 3.0]
    assert max(vs) is vs[0]


# --------------------------------------------------------------------------------------
# Operators: value, op name, parents in operand order, local derivatives
# --------------------------------------------------------------------------------------


def test_binary_ops_record_op_parents_and_local_grads():
    a, b = Value(3.0, label="a"), Value(-2.0, label="b")
    cases = [
        (a + b, "+", 1.0, (1.0, 1.0)),
        (a - b, "-", 5.0, (1.0, -1.0)),
        (a * b, "*", -6.0, (-2.0, 3.0)),  # d(ab)/da = b, d(ab)/db = a
        (a / b, "/", -1.5, (1 / -2.0, -3.0 / 4.0)),  # 1/b, -a/b^2
    ]
    for out, op, data, local in cases:
        assert out.op == op
        assert out.data == data
        assert out.parents == (a, b)
        assert out.parents[0] is a and out.parents[1] is b  # operand order, not a set
        assert out.local_grads == pytest.approx(local, rel=1e-15)
        assert not out.is_leaf


def test_parents_keep_operand_order_when_operands_swap():
    a, b = Value(1.0), Value(2.0)
    assert (b - a).parents == (b, a)
    assert (a - b).parents == (a, b)


def test_same_operand_twice_is_listed_twice():
    a = Value(4.0)
    out = a * a
    assert out.parents == (a, a)
    assert out.local_grads == (4.0, 4.0)


@pytest.mark.parametrize(
    "build, data, const_first",
    [
        (lambda x: x + 2, 5.0, False),
        (lambda x: 2 + x, 5.0, True),
        (lambda x: x - 2, 1.0, False),
        (lambda x: 1 - x, -2.0, True),
        (lambda x: x * 2, 6.0, False),
        (lambda x: 2 * x, 6.0, True),
        (lambda x: x / 2, 1.5, False),
        (lambda x: 6 / x, 2.0, True),
    ],
)
def test_plain_numbers_on_either_side(build, data, const_first):
    x = Value(3.0)
    out = build(x)
    assert isinstance(out, Value)
    assert out.data == data
    assert len(out.parents) == 2
    # x keeps its operand position; the number becomes a constant leaf in the other one
    x_pos, c_pos = (1, 0) if const_first else (0, 1)
    assert out.parents[x_pos] is x
    constant = out.parents[c_pos]
    assert constant.is_leaf and constant.data in (1.0, 2.0, 6.0)


@pytest.mark.parametrize(
    "build, data, dx",
    [
        (lambda x: 2 * x, 6.0, 2.0),
        (lambda x: 1 - x, -2.0, -1.0),
        (lambda x: 6 / x, 2.0, -6 / 9),  # d(6/x) = -6/x^2
        (lambda x: 2**x, 8.0, 8.0 * math.log(2)),  # d(2^x) = 2^x ln 2
        (lambda x: x**2, 9.0, 6.0),
        (lambda x: x**-1, 1 / 3, -1 / 9),
        (lambda x: x**0.5, math.sqrt(3), 0.5 / math.sqrt(3)),
        (lambda x: -x, -3.0, -1.0),
        (lambda x: +x, 3.0, 1.0),
        (lambda x: abs(-x), 3.0, 1.0),
    ],
)
def test_reflected_and_power_gradients(build, data, dx):
    x = Value(3.0)
    out = build(x)
    assert out.data == pytest.approx(data, rel=1e-14)
    out.backward()
    assert x.grad == pytest.approx(dx, rel=1e-12)


def test_power_op_name_carries_the_exponent():
    x = Value(2.0)
    assert (x**2).op == "**2"
    assert (x**3).op == "**3"
    assert (x**-1).op == "**-1"
    assert (x**0.5).op == "**0.5"
    assert (x**2).parents == (x,)


def test_value_exponent():
    x, y = Value(2.0), Value(3.0)
    out = x**y
    assert out.data == pytest.approx(8.0, rel=1e-14)
    out.backward()
    assert x.grad == pytest.approx(3.0 * 2.0**2, rel=1e-12)  # y x^(y-1)
    assert y.grad == pytest.approx(8.0 * math.log(2.0), rel=1e-12)  # x^y ln x


def test_unary_negation_is_its_own_op():
    x = Value(2.0)
    out = -x
    assert out.op == "neg" and out.parents == (x,) and out.data == -2.0
    assert out.local_grads == (-1.0,)


def test_positive_sign_returns_the_same_value():
    x = Value(2.0)
    assert +x is x


X = 0.7
UNARY = [
    # method, expected value, expected derivative (by hand)
    ("exp", math.exp(X), math.exp(X)),
    ("log", math.log(X), 1 / X),
    ("tanh", math.tanh(X), 1 - math.tanh(X) ** 2),
    ("sigmoid", 1 / (1 + math.exp(-X)), math.exp(-X) / (1 + math.exp(-X)) ** 2),
    ("relu", X, 1.0),
    ("sin", math.sin(X), math.cos(X)),
    ("cos", math.cos(X), -math.sin(X)),
]


@pytest.mark.parametrize("method, value, derivative", UNARY, ids=[u[0] for u in UNARY])
def test_unary_methods(method, value, derivative):
    x = Value(X)
    out = getattr(x, method)()
    assert out.op == method
    assert out.parents == (x,)
    assert out.data == pytest.approx(value, rel=1e-14)
    assert out.local_grads[0] == pytest.approx(derivative, rel=1e-12)
    out.backward()
    assert x.grad == pytest.approx(derivative, rel=1e-12)


@pytest.mark.parametrize("method, value, derivative", UNARY, ids=[u[0] for u in UNARY])
def test_module_functions_work_on_values_and_numbers(method, value, derivative):
    function = getattr(micrograd, method)
    plain = function(X)
    assert not isinstance(plain, Value)
    assert plain == pytest.approx(value, rel=1e-14)
    x = Value(X)
    recorded = function(x)
    assert isinstance(recorded, Value) and recorded.op == method and recorded.parents == (x,)


def test_abs():
    for data, value, derivative in [(-2.5, 2.5, -1.0), (2.5, 2.5, 1.0)]:
        x = Value(data)
        out = abs(x)
        assert out.op == "abs" and out.data == value
        out.backward()
        assert x.grad == derivative


def test_relu_of_a_negative_is_zero_with_zero_gradient():
    x = Value(-0.5)
    out = x.relu()
    assert out.data == 0.0
    out.backward()
    assert x.grad == 0.0


def test_power_function():
    assert micrograd.power(3.0, 2) == 9.0
    x = Value(3.0)
    out = micrograd.power(x, 3)
    assert isinstance(out, Value) and out.data == 27.0
    out.backward()
    assert x.grad == 27.0  # 3 x^2


def test_detach_makes_a_new_leaf_that_stops_gradients():
    x = Value(2.0, label="x")
    d = (x * 3).detach()
    assert d.is_leaf and d.data == 6.0 and d.op == "" and d.parents == ()
    out = d * x
    out.backward()
    assert x.grad == 6.0  # only through the second factor; nothing flows through d
    assert d.grad == 2.0


# --------------------------------------------------------------------------------------
# n-ary nodes
# --------------------------------------------------------------------------------------


def test_sum_is_one_node_with_unit_local_grads():
    xs = [Value(float(i)) for i in range(5)]
    total = micrograd.sum(xs)
    assert total.op == "sum"
    assert total.parents == tuple(xs)
    assert total.local_grads == (1.0,) * 5
    assert total.data == 10.0


def test_sum_accepts_numbers_and_generators():
    x = Value(1.0)
    total = micrograd.sum(v for v in [x, 2, 3.5])
    assert total.data == 6.5
    total.backward()
    assert x.grad == 1.0


def test_sum_of_nothing_is_zero():
    assert micrograd.sum([]).data == 0.0


def test_dot_parent_and_local_grad_order():
    w = [Value(1.0), Value(2.0)]
    x = [Value(3.0), Value(4.0)]
    b = Value(0.5)
    out = micrograd.dot(w, x, b)
    assert out.op == "dot"
    assert out.data == 1 * 3 + 2 * 4 + 0.5
    assert out.parents == (w[0], w[1], x[0], x[1], b)  # w_1..w_n, x_1..x_n, b
    assert out.local_grads == (3.0, 4.0, 1.0, 2.0, 1.0)  # x_1..x_n, w_1..w_n, 1
    out.backward()
    assert [v.grad for v in w + x + [b]] == [3.0, 4.0, 1.0, 2.0, 1.0]


def test_dot_without_bias():
    out = micrograd.dot([Value(2.0)], [Value(5.0)])
    assert out.data == 10.0 and len(out.parents) == 2 and out.local_grads == (5.0, 2.0)


def test_dot_needs_as_many_weights_as_inputs():
    with pytest.raises(ValueError, match="2 weights") as info:
        micrograd.dot([Value(1.0), Value(2.0)], [Value(1.0)])
    assert "1 inputs" in str(info.value)


# --------------------------------------------------------------------------------------
# Read-only graph inspection
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("attribute", ["op", "parents", "local_grads", "is_leaf"])
def test_graph_inspection_is_read_only(attribute):
    out = Value(1.0) + Value(2.0)
    with pytest.raises(AttributeError):
        setattr(out, attribute, ())


def test_values_have_no_instance_dict():
    # __slots__ keeps nodes small (the speed goal); also catches misspelt attributes.
    v = Value(1.0)
    with pytest.raises(AttributeError):
        v.gard = 1.0  # deliberately misspelt


def test_topological_order_lists_inputs_first_and_root_last():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    c = a * b
    d = c + a
    order = micrograd.topological_order(d)
    assert order[-1] is d
    assert set(order) == {a, b, c, d}
    assert order.index(a) < order.index(c) and order.index(b) < order.index(c)
    assert order.index(c) < order.index(d)
    assert micrograd.topological_order(d, include_leaves=False) == [c, d]


# --------------------------------------------------------------------------------------
# backward() semantics (PyTorch's)
# --------------------------------------------------------------------------------------


def test_backward_seeds_one_and_applies_the_chain_rule():
    x = Value(0.5, label="x")
    w = Value(-2.0, label="w")
    y = (x * w).tanh()
    y.backward()
    assert y.grad == 1.0
    t = math.tanh(-1.0)
    assert x.grad == pytest.approx((1 - t * t) * -2.0, rel=1e-14)
    assert w.grad == pytest.approx((1 - t * t) * 0.5, rel=1e-14)


def test_node_reused_gets_the_sum_of_all_paths():
    a = Value(3.0)
    out = a * a + a  # d/da = 2a + 1
    out.backward()
    assert a.grad == 7.0


def test_interior_nodes_get_this_calls_gradient_leaves_accumulate():
    x = Value(2.0)
    h = x * x  # interior
    y = h * 3.0
    y.backward()
    assert (h.grad, x.grad) == (3.0, 12.0)
    y.backward()
    assert h.grad == 3.0  # interior: this call's gradient again
    assert x.grad == 24.0  # leaf: accumulated


def test_zeroing_a_leaf_resets_accumulation():
    x = Value(2.0)
    y = x * x
    y.backward()
    x.grad = 0.0
    y.backward()
    assert x.grad == 4.0


def test_backward_on_a_leaf_adds_one():
    x = Value(5.0)
    x.backward()
    assert x.grad == 1.0
    x.backward()
    assert x.grad == 2.0


def test_backward_of_a_constant_expression_reaches_the_constants():
    a = Value(2.0)
    out = a * 3.0 + 1.0  # the numbers become constant leaves
    out.backward()
    assert a.grad == 3.0


def test_gradients_of_two_outputs_add_up_on_shared_leaves():
    x = Value(1.5)
    y1, y2 = x * 2.0, x * x
    y1.backward()
    y2.backward()
    assert x.grad == 2.0 + 3.0  # leaf accumulates across different outputs too


def test_backward_returns_none():
    assert (Value(1.0) * 2).backward() is None


def test_last_backward_root_is_remembered_without_keeping_it_alive():
    x = Value(2.0)
    y = x * x
    y.backward()
    assert micrograd.last_backward_root() is y
    z = x + 1.0
    z.backward()
    assert micrograd.last_backward_root() is z
    x.backward()  # a leaf's backward() counts too
    assert micrograd.last_backward_root() is x
    del x, y, z
    gc.collect()
    assert micrograd.last_backward_root() is None  # only a weak reference was kept


# --------------------------------------------------------------------------------------
# gc_paused(): the cyclic collector is off inside, restored afterwards
# --------------------------------------------------------------------------------------


def test_gc_paused_disables_and_restores_the_collector():
    assert gc.isenabled()
    with micrograd.gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_gc_paused_restores_the_collector_when_the_block_raises():
    with pytest.raises(ZeroDivisionError), micrograd.gc_paused():
        Value(1.0) / 0
    assert gc.isenabled()


def test_gc_paused_leaves_a_disabled_collector_disabled():
    gc.disable()
    try:
        with micrograd.gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_backward_restores_the_collector():
    x = Value(1.0)
    (x * 2.0).backward()
    assert gc.isenabled()
    broken = x * 2.0
    broken._local_grads = (None, None)  # make the chain rule itself fail half-way
    with pytest.raises(TypeError):
        broken.backward()
    assert gc.isenabled()


# --------------------------------------------------------------------------------------
# The documented examples are true
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["micrograd", "micrograd.engine", "micrograd.numerical"])
def test_docstring_examples(module):
    # The PyTorch gradient semantics are documented with an example on Value: run it.
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
