"""The classic autograd bugs, one named test each, so a regression says what broke.

Most of these are bugs of the original micrograd or of typical student rewrites of it:
``=`` instead of ``+=`` for a reused node, interior gradients that pile up over two
``backward()`` calls, a recursive topological sort, reference cycles through closures.
"""

from __future__ import annotations

import gc
import math
import sys
import tracemalloc

import pytest

import micrograd
from micrograd import Value

# --------------------------------------------------------------------------------------
# Reused nodes: every path adds up (+=, never =)
# --------------------------------------------------------------------------------------


def test_reused_node_a_plus_a():
    a = Value(-3.0)
    b = a + a
    b.backward()
    assert b.data == -6.0
    assert a.grad == 2.0


def test_reused_node_a_times_a():
    a = Value(-3.0)
    b = a * a
    b.backward()
    assert a.grad == -6.0  # 2a: both operands are a


def test_reused_node_on_several_levels():
    a = Value(2.0)
    b = a * a + a  # db/da = 2a + 1 = 5
    c = b * a  # dc/da = b + a * db/da = 6 + 10 = 16
    c.backward()
    assert a.grad == 16.0


def test_distinct_nodes_with_equal_data_are_not_merged():
    # A Value hashed or compared by data would merge a and b in the topological sort.
    a, b = Value(2.0), Value(2.0)
    out = a * 3.0 + b * 5.0
    out.backward()
    assert (a.grad, b.grad) == (3.0, 5.0)


def test_equal_interior_nodes_are_not_merged():
    x = Value(1.0)
    p, q = x * 2.0, x * 2.0  # same data, same op, same parent: still two nodes
    out = p * 3.0 + q * 4.0
    out.backward()
    assert (p.grad, q.grad, x.grad) == (3.0, 4.0, 14.0)


# --------------------------------------------------------------------------------------
# backward() twice: leaves get exactly twice the gradient, interior nodes do not pile up
# --------------------------------------------------------------------------------------


def test_backward_twice_gives_leaves_exactly_twice():
    x = Value(0.5)
    w = Value(-1.25)
    h = (x * w).tanh()  # interior nodes on the way: in the original micrograd their
    out = h * h + h * x  # gradients pile up, so the second call adds more than twice
    out.backward()
    first = (x.grad, w.grad)
    out.backward()
    assert (x.grad, w.grad) == (2 * first[0], 2 * first[1])


def test_backward_twice_with_paths_that_round_differently():
    # x reaches the output along four paths. Adding the second call's four terms one by
    # one to the first call's total rounds differently from g + g (found by hypothesis:
    # 7.274379414605455 instead of 7.274379414605454); the sum for one call must be made
    # first and then added to the leaf.
    x = Value(1.0)
    out = -micrograd.dot([x, x], [x, x]).cos()
    out.backward()
    first = x.grad
    assert first == pytest.approx(4 * math.sin(2.0), rel=1e-14)  # d/dx -cos(2x^2)
    out.backward()
    assert x.grad == 2 * first


def test_backward_three_times_gives_three_times():
    x = Value(0.3)
    out = (x * 3.0).sin() * x
    out.backward()
    first = x.grad
    out.backward()
    out.backward()
    assert x.grad == pytest.approx(3 * first, rel=1e-15)


def test_interior_gradients_do_not_pile_up():
    x = Value(1.0)
    h = x * 2.0
    out = h * h
    out.backward()
    out.backward()
    assert out.grad == 1.0
    assert h.grad == 2 * h.data  # d out/dh = 2h, for this call only
    assert x.grad == 2 * (2 * h.data * 2.0)


# --------------------------------------------------------------------------------------
# Cancellations: x / x, x - x, x ** 0
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [3.0, -0.7, 1e-3, 1e6])
def test_x_over_x(data):
    x = Value(data)
    out = x / x
    out.backward()
    assert out.data == 1.0
    assert x.grad == 0.0  # 1/x - x/x^2 = 0, exactly


@pytest.mark.parametrize("data", [3.0, -0.7, 0.0])
def test_x_minus_x(data):
    x = Value(data)
    out = x - x
    out.backward()
    assert out.data == 0.0
    assert x.grad == 0.0


@pytest.mark.parametrize("data", [3.0, -2.0, 0.0])
def test_x_to_the_zero(data):
    x = Value(data)
    out = x**0
    out.backward()
    assert out.data == 1.0  # also at x = 0: 0 ** 0 is 1, as in Python and PyTorch
    assert x.grad == 0.0
    (first,) = micrograd.grad(x**0, [x], create_graph=True)
    assert micrograd.grad(first, [x]) == (0.0,)


def test_x_to_the_one_at_zero():
    x = Value(0.0)
    out = x**1
    out.backward()
    assert (out.data, x.grad) == (0.0, 1.0)


@pytest.mark.parametrize("fn, expected", [("relu", 0.0), ("abs", 0.0)])
def test_kinks_at_zero_use_pytorchs_convention(fn, expected):
    x = Value(0.0)
    out = abs(x) if fn == "abs" else x.relu()
    out.backward()
    assert out.data == 0.0
    assert x.grad == expected


# --------------------------------------------------------------------------------------
# Deep chains: no recursion anywhere
# --------------------------------------------------------------------------------------


def _mixed_chain(x: Value, c: Value, one: Value, n: int) -> tuple[Value, float, float, float]:
    """n ops cycling through + - * neg, and the derivatives by forward-mode in floats.

    Returns (y, dy/dx, dy/dc, dy/done). All numbers are multiples of 1/2 and small, so
    floating point is exact and the comparison can be ==.
    """
    y = x
    v, dx, dc, done = x.data, 1.0, 0.0, 0.0  # value and derivatives, tracked by hand
    for i in range(n):
        step = i % 4
        if step == 0:
            y = y + c
            v, dc = v + c.data, dc + 1.0
        elif step == 1:
            y = -y
            v, dx, dc, done = -v, -dx, -dc, -done
        elif step == 2:
            y = y * one  # one = 1.0: d/done = y, d/dy = 1
            v, done = v * one.data, done + v
        else:
            y = y - c
            v, dc = v - c.data, dc - 1.0
    assert y.data == v
    return y, dx, dc, done


@pytest.mark.slow
def test_million_op_chain_backpropagates_without_recursion():
    limit = sys.getrecursionlimit()
    x, c, one = Value(1.0, label="x"), Value(0.5, label="c"), Value(1.0, label="one")
    y, dx, dc, done = _mixed_chain(x, c, one, 1_000_000)
    y.backward()
    assert (x.grad, c.grad, one.grad) == (dx, dc, done)
    assert len(micrograd.topological_order(y)) == 1_000_000 + 3
    assert micrograd.grad(y, [x, c]) == (dx, dc)
    assert sys.getrecursionlimit() == limit  # the engine did not raise it
    del y  # freeing a million nested nodes must not overflow the C stack either


def test_deep_chain_under_a_tight_recursion_limit():
    # 30,000 ops with the recursion limit set to only 100 frames above the current
    # depth: any recursion per node (topological sort, backward, grad, freeing) fails.
    x, c, one = Value(-1.0), Value(0.5), Value(1.0)
    y, dx, dc, done = _mixed_chain(x, c, one, 30_000)
    depth = 0
    frame = sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 100)
    try:
        y.backward()
        first = micrograd.grad(y, [x, c, one])
        (second,) = micrograd.grad(y, [c], create_graph=True)
        del y
    finally:
        sys.setrecursionlimit(limit)
    assert (x.grad, c.grad, one.grad) == (dx, dc, done)
    assert first == (dx, dc, done)
    assert second.data == dc


# --------------------------------------------------------------------------------------
# Wide fan-out and diamonds
# --------------------------------------------------------------------------------------


def test_wide_fan_out_through_products():
    n = 100_000
    x = Value(2.0)
    out = micrograd.sum(x * float(i) for i in range(n))
    out.backward()
    assert x.grad == n * (n - 1) / 2  # sum of i, exact in floats at this size


def test_wide_fan_out_through_a_chain_of_additions():
    n = 50_000
    x = Value(0.25)
    out = x
    for _ in range(n - 1):
        out = out + x
    out.backward()
    assert out.data == n * 0.25
    assert x.grad == float(n)


def test_wide_fan_out_with_reversed_backward_order():
    # One node feeding many others that are combined in one n-ary sum.
    x = Value(0.5)
    hs = [(x * float(k)).tanh() for k in range(1, 201)]
    out = micrograd.sum(hs)
    out.backward()
    expected = math.fsum(k * (1 - math.tanh(0.5 * k) ** 2) for k in range(1, 201))
    assert x.grad == pytest.approx(expected, rel=1e-12)


def test_diamond():
    x = Value(3.0)
    a = x * 2.0  # two paths from x ...
    b = x + 4.0
    c = a * b  # ... that meet again: dc/dx = 2b + a
    c.backward()
    assert x.grad == 2 * 7.0 + 6.0
    assert (a.grad, b.grad) == (7.0, 6.0)


@pytest.mark.timeout(30)
def test_stacked_diamonds_visit_each_node_once():
    # 200 diamonds in a row: 2**200 paths from x to the output. Summing over paths would
    # never finish; a topological order handles it in linear time. The expected
    # derivative comes from forward mode in plain floats.
    x = Value(0.3)
    y = x
    v, dv = 0.3, 1.0
    for _ in range(200):
        s, co = y.sin(), y.cos()
        y = (s + co) * 0.5 + s * co
        ds, dco = math.cos(v) * dv, -math.sin(v) * dv
        sv, cv = math.sin(v), math.cos(v)
        v, dv = (sv + cv) * 0.5 + sv * cv, (ds + dco) * 0.5 + ds * cv + sv * dco
    assert y.data == pytest.approx(v, rel=1e-12)
    y.backward()
    assert x.grad == pytest.approx(dv, rel=1e-9, abs=1e-300)
    assert dv != 0.0  # the check is not vacuous
    assert len(micrograd.topological_order(y)) < 200 * 8


# --------------------------------------------------------------------------------------
# backward() on a Value that is not the graph's output
# --------------------------------------------------------------------------------------


def test_backward_on_an_intermediate_node():
    x = Value(3.0)
    y = x * x  # intermediate
    z = y * 2.0 + x  # the "output"
    y.backward()
    assert y.grad == 1.0
    assert x.grad == 6.0  # dy/dx only
    assert z.grad == 0.0  # nodes downstream of y are not touched


def test_backward_on_an_intermediate_node_after_the_output():
    x = Value(3.0)
    y = x * x
    z = y * 2.0
    z.backward()
    assert (y.grad, x.grad) == (2.0, 12.0)
    y.backward()
    assert y.grad == 1.0  # this call's gradient, not 1 + the 2 from z.backward()
    assert x.grad == 12.0 + 6.0  # the leaf accumulates


# --------------------------------------------------------------------------------------
# The graph has no reference cycles: reference counting alone frees it
# --------------------------------------------------------------------------------------


def _count_values() -> int:
    # type() rather than isinstance(): isinstance would ask every object for its __class__
    return sum(1 for obj in gc.get_objects() if type(obj) is Value)


def _build_and_drop() -> None:
    x = [Value(float(i) / 10, label=f"x{i}") for i in range(20)]
    w = [Value(0.1 * i) for i in range(20)]
    h = micrograd.dot(w, x, 0.5).tanh()
    out = (h * h + h.sigmoid() * x[0]).log() / (1 + x[1] ** 2) - 2 ** x[2]
    out = out + micrograd.sum(v.relu() + abs(v) + v.exp().sin().cos() for v in x)
    out.backward()
    (dx,) = micrograd.grad(out, [x[0]], create_graph=True)
    micrograd.grad(dx, [x[0]])
    micrograd.gradcheck(lambda a, b: (a * b).tanh() + a / b, [0.5, 2.0])


def test_dropped_graph_is_freed_without_the_cycle_collector():
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        before = _count_values()
        _build_and_drop()
        after = _count_values()  # nothing collected yet: only reference counting ran
        assert after == before, f"{after - before} Values survive: a reference cycle?"
        gc.set_debug(gc.DEBUG_SAVEALL)  # keep whatever the collector finds, to look at it
        try:
            gc.collect()
            found = [obj for obj in gc.garbage if type(obj) is Value]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
        assert found == []
    finally:
        if was_enabled:
            gc.enable()


def test_values_are_tracked_by_the_collector_so_the_count_above_means_something():
    v = Value(1.0)
    assert gc.is_tracked(v)
    assert _count_values() >= 1


# --------------------------------------------------------------------------------------
# Numerical stability at extreme inputs
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [1000.0, -1000.0, 710.0, -710.0, 1e308, -1e308])
def test_tanh_and_sigmoid_are_stable_at_extreme_inputs(data):
    sign = 1.0 if data > 0 else -1.0
    x = Value(data)
    t = x.tanh()
    s = x.sigmoid()
    assert t.data == sign
    # 1 / (1 + e^-x): 1.0 in floats for large x; e^x (tiny or 0.0) for very negative x
    assert s.data == (1.0 if data > 0 else pytest.approx(math.exp(data), rel=1e-3, abs=1e-320))
    (t + s).backward()
    assert abs(x.grad) < 1e-300  # both are flat out there
    # second derivatives too (the rules run on Values there)
    for f in (x.tanh(), x.sigmoid()):
        (d1,) = micrograd.grad(f, [x], create_graph=True)
        assert abs(d1.data) < 1e-300
        (d2,) = micrograd.grad(d1, [x])
        assert abs(d2) < 1e-300


def test_sigmoid_is_accurate_in_both_tails():
    assert Value(-30.0).sigmoid().data == pytest.approx(math.exp(-30.0), rel=1e-12)
    assert Value(30.0).sigmoid().data == pytest.approx(1 - math.exp(-30.0), rel=1e-15)
    assert micrograd.sigmoid(-1000.0) == 0.0 and micrograd.tanh(-1000.0) == -1.0


def test_exp_of_a_large_negative_number_is_zero_not_an_error():
    x = Value(-1000.0)
    out = x.exp()
    out.backward()
    assert (out.data, x.grad) == (0.0, 0.0)


# --------------------------------------------------------------------------------------
# Memory per node (the target: at most 250 bytes after backward)
# --------------------------------------------------------------------------------------


def test_memory_per_node_after_backward_is_at_most_250_bytes():
    # The benchmark's chain: * + relu - / ** cycled, numbers on the right (constant leaves).
    def chain(n: int) -> Value:
        x = Value(0.5)
        for i in range(n):
            k = i % 6
            if k == 0:
                x = x * 1.0001
            elif k == 1:
                x = x + 0.001
            elif k == 2:
                x = x.relu()
            elif k == 3:
                x = x - 0.0005
            elif k == 4:
                x = x / 1.0001
            else:
                x = x**1
        return x

    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        root = chain(12_000)
        root.backward()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    nodes = len(micrograd.topological_order(root))
    assert nodes > 12_000  # ops plus their constant leaves
    assert held / nodes <= 250, f"{held / nodes:.0f} bytes per node"
