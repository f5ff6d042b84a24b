"""Issue 13 §4-5 and issue 16 on the engine: non-finite gradients raise and say where, the
collector pause and backward() are safe under threads, and the lecture's names work."""

from __future__ import annotations

import gc
import math
import re
import sys
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import micrograd
from micrograd import Value
from micrograd.stepper import backward_steps

# --------------------------------------------------------------------------------------
# §4: a gradient is a finite number, or backward() says where it stopped being one
# --------------------------------------------------------------------------------------


def test_an_infinite_gradient_is_an_overflow_error_naming_the_node():
    w = Value(1.0, label="w")
    w.data = 1e-300  # the reproduction: d(1/w)/dw = -1/w^2 = -1e600
    out = 1.0 / w
    with pytest.raises(OverflowError) as info:
        out.backward()
    message = str(info.value)
    assert "'w'" in message and "inf" in message and "'/'" in message
    assert "epsilon" in message  # says what to do
    assert w.grad == 0.0  # the leaf keeps what it had: no -inf for an optimizer to apply


def test_a_nan_gradient_is_a_floating_point_error_naming_the_node():
    x = Value(1e-300, label="x")
    out = (1 / x) * 0  # d/dx = 0 * (-1/x^2) = 0 * -inf = NaN
    with pytest.raises(FloatingPointError) as info:
        out.backward()
    message = str(info.value)
    assert "'x'" in message and "NaN" in message
    assert isinstance(info.value, ArithmeticError)
    assert x.grad == 0.0


def test_the_leaves_keep_their_earlier_gradients_when_backward_fails():
    w, b = Value(1e-300, label="w"), Value(2.0, label="b")
    w.grad, b.grad = 0.5, -1.5  # accumulated by earlier calls
    with pytest.raises(OverflowError):
        (1.0 / w + b).backward()
    assert (w.grad, b.grad) == (0.5, -1.5)


def test_finite_contributions_that_add_up_to_infinity_name_the_node():
    x = Value(1e-10, label="x")
    out = x * 1e308 + x * 1e308  # each use passes 1e308 back to x: 2e308 is too large
    with pytest.raises(OverflowError) as info:
        out.backward()
    assert "'x'" in str(info.value) and "add up" in str(info.value)


def test_the_error_names_the_node_where_it_began_not_a_later_one():
    x = Value(1e-300, label="x")
    h = 1.0 / x  # d h / d x = -1e600: the gradient first goes infinite at x ...
    h.label = "h"
    y = Value(3.0, label="y")
    out = h * 1e-300 + y  # ... while h's own gradient (1e-300) is finite
    with pytest.raises(OverflowError) as info:
        out.backward()
    message = str(info.value)
    assert message.index("'x'") < message.index("'h'")  # "the gradient of 'x' ... 'h' passes"
    assert "the gradient of 'x'" in message


def test_grad_raises_the_same_errors():
    w = Value(1e-300, label="w")
    with pytest.raises(OverflowError, match="'w'"):
        micrograd.grad(1.0 / w, [w])
    with pytest.raises(FloatingPointError, match="'w'"):
        micrograd.grad((1.0 / w) * 0, [w])
    assert w.grad == 0.0  # grad() leaves .grad alone, also when it raises


def test_stepping_through_raises_at_the_end_like_backward():
    w = Value(1e-300, label="w")
    with pytest.raises(OverflowError, match="'w'"):
        list(backward_steps(1.0 / w))
    assert w.grad == 0.0


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=1e-300, max_value=1e-100), st.sampled_from([1.0, -1.0]))
def test_backward_leaves_a_finite_gradient_or_raises(x0, sign):
    x = Value(sign * x0)
    out = 1.0 / x  # finite for these x: only the derivative -1/x^2 can overflow
    expected = -(1.0 / x0) / x0  # the true derivative, in floats: finite or infinite
    if math.isfinite(expected):
        out.backward()
        assert x.grad == pytest.approx(expected, rel=1e-12)
    else:
        with pytest.raises(OverflowError):
            out.backward()
        assert x.grad == 0.0


def test_finite_gradients_are_unchanged_by_the_check():
    x = Value(0.5, label="x")
    out = (x * x).tanh() + 1.0 / x
    out.backward()
    expected = (1 - math.tanh(0.25) ** 2) * 2 * 0.5 - 1 / 0.25
    assert x.grad == pytest.approx(expected, rel=1e-12)


# --------------------------------------------------------------------------------------
# §5: threads
# --------------------------------------------------------------------------------------


@pytest.fixture
def fast_thread_switching():
    """Switch threads as often as possible, so that races show up."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def _run_in_threads(work, n_threads: int = 4) -> None:
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            work(i)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def test_threads_whose_graphs_share_a_leaf_accumulate_into_it_exactly(fast_thread_switching):
    # The reproduction: four threads, each with its own graph on a shared weight.
    w = Value(1.0, label="w")
    calls = 150

    def work(i: int) -> None:
        out = (w * 2.0 + float(i)).relu() * 0.5  # d out / d w = 1 for every thread
        for _ in range(calls):
            out.backward()

    _run_in_threads(work)
    assert w.grad == 4 * calls


def test_threads_differentiating_one_graph_accumulate_exactly(fast_thread_switching):
    x = Value(3.0, label="x")
    out = x * x  # d out / d x = 6
    calls = 100
    _run_in_threads(lambda i: [out.backward() for _ in range(calls)])
    assert x.grad == 6.0 * 4 * calls
    assert out.grad == 1.0  # interior nodes: this call's gradient


def test_grad_in_threads_leaves_dot_grad_alone(fast_thread_switching):
    x = Value(2.0, label="x")
    y = x**3
    results = []
    _run_in_threads(lambda i: results.extend(micrograd.grad(y, [x]) for _ in range(50)))
    assert results == [(12.0,)] * 200
    assert x.grad == 0.0 and y.grad == 0.0


def test_overlapping_pauses_in_two_threads_keep_the_collector_off_until_the_last_ends(
    gc_enabled,
):
    first_inside, second_inside, first_done = (
        threading.Event(),
        threading.Event(),
        threading.Event(),
    )
    seen = {}

    def first() -> None:
        with micrograd.gc_paused():
            first_inside.set()
            second_inside.wait(5)
        first_done.set()

    def second() -> None:
        first_inside.wait(5)
        with micrograd.gc_paused():
            second_inside.set()
            first_done.wait(5)
            seen["after the first ended"] = gc.isenabled()  # the first must not switch it on

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"after the first ended": False}
    assert gc.isenabled()  # both ended: back on, as the user left it


def test_a_collector_the_user_switched_off_stays_off(gc_enabled):
    gc.disable()
    try:
        _run_in_threads(lambda i: [(Value(1.0) * 2.0).backward() for _ in range(50)])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_collector_the_user_switches_on_during_a_pause_stays_on(gc_enabled):
    gc.disable()
    try:
        with micrograd.gc_paused():
            gc.enable()  # the user's wish, made meanwhile
        assert gc.isenabled()
    finally:
        gc.enable()


def test_many_threads_in_backward_leave_the_gc_enabled(gc_enabled, fast_thread_switching):
    _run_in_threads(lambda i: [(Value(float(i)) * 2.0).backward() for _ in range(200)], 8)
    assert gc.isenabled()


# --------------------------------------------------------------------------------------
# Issue 16: the lecture's _prev and _op, and its draw_dot
# --------------------------------------------------------------------------------------


def test_prev_is_the_set_of_parents_and_op_the_op_name():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    d = c.tanh()
    assert c._prev == {a, b} and isinstance(c._prev, set)
    assert d._prev == {c}
    assert a._prev == set()
    assert (a._op, c._op, d._op, (a**2)._op) == ("", "*", "tanh", "**2")
    square = a * a
    assert square._prev == {a}  # a set: a used twice is one parent
    assert square.parents == (a, a)  # the ordered view keeps both operands


def test_the_lecture_names_are_read_only():
    a = Value(1.0)
    c = a + 1.0
    for name, value in (("_prev", set()), ("_op", "+"), ("op", "+"), ("parents", ())):
        with pytest.raises(AttributeError):
            setattr(c, name, value)
    assert c._prev == {a, *c.parents} and c._op == "+"


_EDGE = re.compile(r'^\s*("[^"]+"|\S+) -> ("[^"]+"|\S+)\s*$', re.MULTILINE)


def _lecture_trace(root):
    """The lecture's trace(): every node and edge reachable through _prev."""
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges


def _lecture_draw_dot(root):
    """The lecture's draw_dot, as it describes it: a record box per Value with its label,
    data and grad; for each op node an op circle; edges child -> op -> node."""
    graphviz = pytest.importorskip("graphviz")
    dot = graphviz.Digraph(format="svg", graph_attr={"rankdir": "LR"})
    nodes, edges = _lecture_trace(root)
    for n in nodes:
        uid = str(id(n))
        dot.node(name=uid, label=f"{{ {n.label} | data {n.data:.4f} | grad {n.grad:.4f} }}",
                 shape="record")  # fmt: skip
        if n._op:
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot


def test_the_lectures_draw_dot_sees_every_node_and_edge():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    n = x1w1 + x2w2 + b
    o = n.tanh()
    o.label = "o"
    o.backward()

    nodes, edges = _lecture_trace(o)
    assert nodes == set(micrograd.topological_order(o))
    expected = {(p, v) for v in nodes for p in v.parents}
    assert edges == expected
    assert len(nodes) == 10 and len(edges) == 9

    source = _lecture_draw_dot(o).source
    drawn = {tuple(name.strip('"') for name in edge) for edge in _EDGE.findall(source)}
    for v in nodes:
        assert f'"{{ {v.label} | data {v.data:.4f} | grad {v.grad:.4f} }}"' in source
        if v._op:  # an op circle feeding the node
            assert (f"{id(v)}{v._op}", f"{id(v)}") in drawn
    for child, parent in edges:
        assert (f"{id(child)}", f"{id(parent)}{parent._op}") in drawn
    assert len(drawn) == len(edges) + sum(1 for v in nodes if v._op)
    assert "grad 0.5000" in source  # the lecture's numbers: do/dx1 = ... w1 * 0.5
    assert source.count("shape=record") == len(nodes)


# --------------------------------------------------------------------------------------
# import micrograd stays light
# --------------------------------------------------------------------------------------


def test_import_micrograd_imports_no_drawing_or_plotting_library():
    from installed import modules_loaded_by

    statement = "import micrograd\nfrom micrograd import Value, grad, explain"
    assert modules_loaded_by(statement, ("graphviz", "matplotlib", "ipywidgets")) == []


# --------------------------------------------------------------------------------------
# Issue 12: the chain rule is written once, and everything that differentiates runs it
# --------------------------------------------------------------------------------------


def test_backward_grad_and_the_step_through_all_run_the_engines_one_chain_rule(monkeypatch):
    from micrograd import engine

    calls = []
    original = engine._chain_rule

    def spy(nodes, rules=None):
        nodes = list(nodes)
        calls.append((len(nodes), rules is not None))
        return original(nodes, rules)

    monkeypatch.setattr(engine, "_chain_rule", spy)
    x = Value(0.5, label="x")
    out = (x * x).tanh() + x  # three computed nodes
    out.backward()
    assert calls == [(3, False)]
    calls.clear()
    assert micrograd.grad(out, [x]) == (x.grad,)
    assert calls == [(3, False)]
    calls.clear()
    micrograd.grad(out, [x], create_graph=True)
    assert calls == [(3, True)]  # the same loop, with the rules run on Values
    calls.clear()
    for _step in backward_steps(out):
        pass
    assert calls == [(1, False)] * 3  # one node at a time
