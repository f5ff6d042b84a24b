"""explain(): the chain-rule ledger lists every path and its sum is the gradient."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import cases, evaluate_micrograd, finite_difference

import micrograd
from micrograd import Value
from micrograd.ledger import OutputNeededError, count_paths, explain, format_number, node_names

# --------------------------------------------------------------------------------------
# Random graphs with reuse: every op picks its operands from all nodes made so far, so
# diamonds and nodes used twice (a * a) are common.
# --------------------------------------------------------------------------------------

UNARY = ["tanh", "sin", "sigmoid", "neg", "exp_small", "square"]
BINARY = ["+", "-", "*"]


@st.composite
def random_graphs(draw, max_leaves: int = 4, max_ops: int = 10):
    """(leaves, output): a random expression graph over a few leaves."""
    n_leaves = draw(st.integers(1, max_leaves))
    values = st.floats(-2.0, 2.0, allow_nan=False).map(lambda v: round(v, 3))
    leaves = [Value(draw(values), label=f"x{i}") for i in range(n_leaves)]
    pool = list(leaves)
    pick = st.integers(0, 10**6)
    for _ in range(draw(st.integers(1, max_ops))):
        kind = draw(st.sampled_from(["unary", "binary", "binary", "sum"]))
        a = pool[draw(pick) % len(pool)]
        if kind == "unary":
            op = draw(st.sampled_from(UNARY))
            if op == "neg":
                node = -a
            elif op == "exp_small":
                node = (a.tanh()).exp()  # bounded, so nothing overflows
            elif op == "square":
                node = a**2
            else:
                node = getattr(a, op)()
        elif kind == "binary":
            b = pool[draw(pick) % len(pool)]  # may be a itself: a * a
            node = {"+": a + b, "-": a - b, "*": a * b}[draw(st.sampled_from(BINARY))]
        else:
            others = [pool[draw(pick) % len(pool)] for _ in range(draw(st.integers(1, 3)))]
            node = micrograd.sum([a, *others])
        if abs(node.data) > 100:  # keep values (and so gradients) moderate
            node = node.tanh()
        pool.append(node)
    return leaves, pool[-1]


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


# --------------------------------------------------------------------------------------
# The sum of the path products is the gradient
# --------------------------------------------------------------------------------------


def test_a_times_a_plus_a_has_three_paths_summing_to_grad():
    a = Value(3.0, label="a")
    out = a * a + a
    out.backward()
    ledger = explain(a, out)
    assert len(ledger.paths) == 3
    assert sorted(p.product for p in ledger.paths) == [1.0, 3.0, 3.0]
    assert ledger.total == a.grad == 2 * 3.0 + 1  # d(a^2 + a)/da = 2a + 1
    # The two paths through a * a differ in which operand they leave by.
    through_square = [p for p in ledger.paths if len(p.edges) == 2]
    assert sorted(p.edges[1].operand for p in through_square) == [0, 1]


def test_every_path_is_a_real_chain_from_output_to_x():
    a, b = Value(0.5, label="a"), Value(-1.5, label="b")
    c = a * b
    out = (c + a).tanh() * c
    out.backward()
    ledger = explain(a, out)
    for path in ledger.paths:
        assert path.nodes[0] is out and path.nodes[-1] is a
        for edge in path.edges:
            assert edge.child.parents[edge.operand] is edge.parent
            assert edge.local_grad == edge.child.local_grads[edge.operand]
        assert _close(path.product, math.prod(e.local_grad for e in path.edges))
    assert len(ledger.paths) == count_paths(a, out) == 3


@settings(max_examples=60, deadline=None)
@given(random_graphs(), st.data())
def test_ledger_sum_equals_grad_on_random_graphs(graph, data):
    leaves, out = graph
    x = data.draw(st.sampled_from(leaves))
    assume(count_paths(x, out) <= 2000)
    out.backward()
    ledger = explain(x, out, max_paths=2000)
    assert len(ledger.paths) == count_paths(x, out)
    assert _close(ledger.total, x.grad)
    assert _close(ledger.total, micrograd.grad(out, [x])[0])


@settings(max_examples=30, deadline=None)
@given(random_graphs(max_ops=6))
def test_ledger_sum_matches_finite_differences(graph):
    """An oracle independent of the engine's backward pass."""
    leaves, out = graph
    x = leaves[0]
    assume(count_paths(x, out) <= 500)
    ledger = explain(x, out, max_paths=500)
    # Rebuild the function of x by replaying the graph on floats with x nudged.
    order = micrograd.topological_order(out)

    def f(xv: float) -> float:
        vals = {}
        for node in order:
            if node is x:
                vals[node] = xv
            elif node.is_leaf:
                vals[node] = node.data
            else:
                vals[node] = node._rule.forward(*(vals[p] for p in node.parents))
        return vals[out]

    h = 1e-6
    numeric = (f(x.data + h) - f(x.data - h)) / (2 * h)
    assert math.isclose(ledger.total, numeric, rel_tol=1e-4, abs_tol=1e-5)


@settings(max_examples=40, deadline=None)
@given(cases())
def test_ledger_sum_equals_grad_on_the_shared_expression_strategy(case):
    out, inputs = evaluate_micrograd(case.expr, case.inputs)
    assume(all(count_paths(x, out) <= 2000 for x in inputs))
    out.backward()
    for i, x in enumerate(inputs):
        ledger = explain(x, out, max_paths=2000)
        assert _close(ledger.total, x.grad)
        numeric = finite_difference(case.expr, case.inputs, i)
        assert math.isclose(ledger.total, numeric, rel_tol=1e-4, abs_tol=1e-5)


def test_interior_node_can_be_explained():
    a = Value(2.0, label="a")
    h = a * 3
    h.label = "h"
    out = h * h + h
    out.backward()
    ledger = explain(h, out)
    assert len(ledger.paths) == 3
    assert ledger.total == h.grad == 2 * 6.0 + 1


def test_x_is_the_output_itself():
    a = Value(2.0, label="a")
    ledger = explain(a, a)
    assert len(ledger.paths) == 1 and ledger.paths[0].edges == ()
    assert ledger.total == 1.0


def test_x_not_in_the_graph_has_no_path_and_sum_zero():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    out = a.tanh()
    out.backward()
    ledger = explain(b, out)
    assert ledger.paths == () and ledger.total == 0.0
    assert "does not depend on b" in str(ledger)


# --------------------------------------------------------------------------------------
# Text and HTML
# --------------------------------------------------------------------------------------


def test_ledger_text_contains_each_path_its_product_and_the_sum():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    ab = a * b
    ab.label = "ab"
    out = ab.tanh() + ab * a
    out.label = "out"
    out.backward()
    ledger = explain(a, out)
    text = str(ledger)
    assert len(ledger.paths) == 3
    for i, path in enumerate(ledger.paths, start=1):
        line = next(line for line in text.splitlines() if line.strip().startswith(f"path {i}:"))
        assert ledger.path_text(path) in line
        assert line.endswith(f"product {ledger.product_text(path)}")
    d_tanh = format_number(1 - math.tanh(-6.0) ** 2)
    assert f"out --[+ 1]--> tanh(ab) --[tanh {d_tanh}]--> ab --[* -3]--> a" in text
    assert "out --[+ 1]--> ab * a --[* 2]--> ab --[* -3]--> a" in text
    assert "out --[+ 1]--> ab * a --[* -6]--> a" in text
    assert f"sum of the 3 products = {format_number(ledger.total)}" in text
    assert f"a.grad = {format_number(a.grad)}" in text


def test_text_of_a_known_ledger():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    y = (x * w).tanh()
    y.label = "y"
    y.backward()
    text = str(explain(x, y))
    d_tanh = 1 - math.tanh(-6.0) ** 2
    assert f"y --[tanh {format_number(d_tanh)}]--> x * w --[* -3]--> x" in text
    assert f"product {format_number(d_tanh)} * -3 = {format_number(d_tanh * -3)}" in text


def test_grad_that_differs_from_the_sum_is_explained():
    a = Value(2.0, label="a")
    out = a * a
    out.backward()
    out.backward()  # leaves accumulate: a.grad = 8, the derivative is 4
    ledger = explain(a, out)
    assert ledger.total == 4.0 and ledger.grad == 8.0
    assert "differs from the sum" in str(ledger)


def test_html_table_has_one_row_per_path():
    a = Value(3.0, label="a")
    out = a * a + a
    out.backward()
    page = explain(a, out)._repr_html_()
    assert page.count("<tr><td>") == 3
    assert "<table" in page and "</table>" in page
    assert f"<b>{format_number(7.0)}</b>" in page


def test_names_are_unique_and_readable():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    out = (a * b) + (a * b)  # two different nodes with the same expression
    names = node_names(out)
    assert len(set(names.values())) == len(names)
    assert "a * b" in names.values() and "a * b#2" in names.values()


# --------------------------------------------------------------------------------------
# Path explosion and bad input
# --------------------------------------------------------------------------------------


def test_path_count_doubles_with_each_reuse_and_is_refused_above_the_limit():
    x = Value(1.0001, label="x")
    v = x
    for _ in range(30):  # 2**30 paths, but only 31 nodes
        v = v * v
        v = v.tanh() + 0.5
    assert count_paths(x, v) == 2**30
    with pytest.raises(ValueError, match=r"1073741824 paths .* max_paths=200"):
        explain(x, v)


def test_max_paths_raises_the_limit():
    x = Value(0.3, label="x")
    v = x
    for _ in range(9):
        v = v * v + x  # paths(n) = 2 paths(n-1) + 1
    n = count_paths(x, v)
    assert n == 2**10 - 1
    v.backward()
    assert _close(explain(x, v, max_paths=n).total, x.grad)


def test_deep_chain_does_not_hit_the_recursion_limit():
    x = Value(0.1, label="x")
    v = x
    for _ in range(3000):
        v = v * 1.0001
    v.backward()
    ledger = explain(x, v)
    assert len(ledger.paths) == 1 and len(ledger.paths[0].edges) == 3000
    assert _close(ledger.total, x.grad)


def test_output_is_required_and_errors_are_clear():
    a = Value(1.0, label="a")
    out = a * 2
    out.backward()
    assert explain(a).output is out  # the engine remembers the root of backward()
    with pytest.raises(TypeError, match=r"needs a Value as x, got float"):
        explain(1.0, out)
    with pytest.raises(TypeError, match=r"needs a Value as output, got int"):
        explain(a, 3)
    with pytest.raises(ValueError, match=r"max_paths=...\) needs a positive int, got 0"):
        explain(a, out, max_paths=0)


def test_explain_x_alone_uses_the_root_the_engine_remembers(monkeypatch):
    """explain(x) with no output asks micrograd.engine.last_backward_root() for it."""
    a = Value(3.0, label="a")
    out = a * a + a
    out.backward()
    monkeypatch.setattr(micrograd.engine, "last_backward_root", lambda: out, raising=False)
    ledger = explain(a)
    assert ledger.output is out and ledger.total == a.grad == 7.0
    monkeypatch.setattr(micrograd.engine, "last_backward_root", lambda: None)
    with pytest.raises(TypeError, match=r"explain\(x, output\)"):
        explain(a)


def test_explain_x_alone_after_another_backward_asks_for_the_output():
    # The reproduction: the last backward() root does not depend on a.
    a, b = Value(3.0, label="a"), Value(2.0, label="b")
    square = a * a
    square.backward()
    shifted = b + 1
    shifted.backward()
    with pytest.raises(OutputNeededError) as info:
        explain(a)
    message = str(info.value)
    assert "'a'" in message and "'b + 1'" in message and "not in the graph" in message
    assert "explain(x, output)" in message
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)
    ledger = explain(a, square)  # with the output, as asked
    assert ledger.total == a.grad == 6.0
    assert explain(b).output is shifted  # b is in the last root's graph: no output needed


def test_explain_x_alone_before_any_backward_asks_for_the_output(monkeypatch):
    monkeypatch.setattr(micrograd.engine, "_last_backward_root", lambda: None)
    with pytest.raises(OutputNeededError, match=r"explain\(x, output\)"):
        explain(Value(1.0))


def test_explain_of_a_value_outside_an_explicit_output_is_still_a_zero_ledger():
    a, b = Value(3.0, label="a"), Value(2.0, label="b")
    out = b * 2
    out.backward()
    ledger = explain(a, out)  # explicit: "the output does not depend on a", as before
    assert ledger.paths == () and ledger.total == 0.0
    assert "does not depend on a" in str(ledger)


def test_ipython_text_display_is_the_ledger():
    pretty = pytest.importorskip("IPython.lib.pretty").pretty
    a = Value(3.0, label="a")
    out = a * a + a
    out.backward()
    ledger = explain(a, out)
    assert pretty(ledger) == str(ledger)
    assert repr(ledger) == "Explanation(x='a', output='(a * a) + a', paths=3, total=7.0)"


def test_names_keep_the_order_of_operations():
    a, b, c, d = (Value(float(i), label=n) for i, n in enumerate("abcd", start=1))
    names = node_names(((a * b) + (c * d)) * d)
    assert "((a * b) + (c * d)) * d" in names.values()
