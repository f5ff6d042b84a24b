"""The step-through backward pass: same result as backward(), step by step."""

from __future__ import annotations

import html
import math
import re
import sys

import pytest
from hypothesis import given, settings
from strategies import cases, evaluate_micrograd, finite_difference

import micrograd
from micrograd import Value
from micrograd.ledger import format_number
from micrograd.stepper import BackwardStep, backward_steps, record_backward


def _all_nodes(root: Value) -> list[Value]:
    return micrograd.topological_order(root)


def _grads(nodes) -> list[float]:
    return [n.grad for n in nodes]


def _build_twice(case):
    """Two identical, independent graphs of the same case."""
    return evaluate_micrograd(case.expr, case.inputs), evaluate_micrograd(case.expr, case.inputs)


# --------------------------------------------------------------------------------------
# Random graphs: stepping is backward(), and the steps add up to the gradients
# --------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(cases())
def test_stepping_leaves_every_grad_exactly_as_backward(case):
    (out_a, _), (out_b, _) = _build_twice(case)
    nodes_a, nodes_b = _all_nodes(out_a), _all_nodes(out_b)
    for _ in range(2):  # the second call: leaves accumulate, interior nodes start over
        out_a.backward()
        for _step in backward_steps(out_b):
            pass
        assert _grads(nodes_b) == _grads(nodes_a)  # bit for bit


@settings(max_examples=40, deadline=None)
@given(cases())
def test_contributions_sum_to_the_final_grads(case):
    out, inputs = evaluate_micrograd(case.expr, case.inputs)
    nodes = _all_nodes(out)
    for x in inputs:  # leaves start from a non-zero grad: stepping must add on top of it
        x.grad = 0.25
    before = {n: n.grad for n in nodes}
    steps = list(backward_steps(out))
    added = {n: 0.0 for n in nodes}
    for step in steps:
        for c in step.contributions:
            assert c.contribution == c.local_grad * step.upstream
            added[c.parent] += c.contribution
    for node in nodes:
        if node is out:
            expected = 1.0 if not node.is_leaf else before[node] + 1.0
        elif node.is_leaf:
            expected = before[node] + added[node]
        else:
            expected = added[node]
        assert math.isclose(node.grad, expected, rel_tol=1e-12, abs_tol=1e-12)


@settings(max_examples=30, deadline=None)
@given(cases(max_vars=2))
def test_steps_agree_with_finite_differences(case):
    """An oracle outside micrograd: the stepped gradients are the derivatives."""
    out, inputs = evaluate_micrograd(case.expr, case.inputs)
    for _ in backward_steps(out):
        pass
    for i, x in enumerate(inputs):
        numeric = finite_difference(case.expr, case.inputs, i)
        assert math.isclose(x.grad, numeric, rel_tol=1e-4, abs_tol=1e-5)


@settings(max_examples=40, deadline=None)
@given(cases())
def test_each_step_is_consistent(case):
    out, _ = evaluate_micrograd(case.expr, case.inputs)
    steps = list(backward_steps(out))
    interior = [n for n in micrograd.topological_order(out) if not n.is_leaf]
    # One step per interior node, outputs first, each node once.
    assert [s.node for s in steps] == list(reversed(interior))
    assert [s.index for s in steps] == list(range(len(steps)))
    for step in steps:
        assert step.upstream == step.node.grad  # interior grads do not change afterwards
        assert [c.parent for c in step.contributions] == list(step.node.parents)
        assert [c.local_grad for c in step.contributions] == list(step.node.local_grads)
        for c in step.contributions:
            assert c.grad_after == c.grad_before + c.contribution
            assert step.node.parents[c.operand] is c.parent


@settings(max_examples=40, deadline=None)
@given(cases())
def test_record_backward_leaves_grads_alone_and_matches_backward(case):
    (out_a, _), (out_b, _) = _build_twice(case)
    nodes_a, nodes_b = _all_nodes(out_a), _all_nodes(out_b)
    out_a.backward()  # some grads from an earlier call, to be left alone
    out_b.backward()
    untouched = _grads(nodes_b)
    trace = record_backward(out_b)
    assert _grads(nodes_b) == untouched
    out_a.backward()  # the second call, for real
    assert [trace.snapshots[-1][n] for n in nodes_b] == _grads(nodes_a)
    assert len(trace.snapshots) == len(trace.steps) + 1


# --------------------------------------------------------------------------------------
# Known graphs: reuse, diamonds, leaves, a second call
# --------------------------------------------------------------------------------------


def test_a_times_a_plus_a_step_by_step():
    a = Value(3.0, label="a")
    square = a * a
    out = square + a
    steps = list(backward_steps(out))
    assert [s.node for s in steps] == [out, square]
    first, second = steps
    assert first.upstream == 1.0
    assert [(c.parent, c.local_grad, c.contribution) for c in first.contributions] == [
        (square, 1.0, 1.0),
        (a, 1.0, 1.0),
    ]
    assert second.upstream == 1.0
    # a * a hands back twice to a: 3 each time, on top of the 1 from the sum.
    assert [(c.operand, c.grad_before, c.grad_after) for c in second.contributions] == [
        (0, 1.0, 4.0),
        (1, 4.0, 7.0),
    ]
    assert a.grad == 7.0 == 2 * a.data + 1


def test_diamond_collects_both_branches_before_passing_on():
    x = Value(0.5, label="x")
    h = x.tanh()
    left, right = h * 2.0, h.exp()
    out = left + right
    steps = list(backward_steps(out))
    order = [s.node for s in steps]
    # h is processed only after both branches have handed back to it.
    assert order.index(h) > order.index(left) and order.index(h) > order.index(right)
    step_h = steps[order.index(h)]
    assert step_h.upstream == pytest.approx(2.0 + math.exp(math.tanh(0.5)))
    assert x.grad == pytest.approx((1 - math.tanh(0.5) ** 2) * (2.0 + math.exp(math.tanh(0.5))))


def test_generator_is_lazy_and_stopping_halfway_leaves_the_graph_halfway():
    x = Value(2.0, label="x")
    y = (x * 3.0).tanh()
    steps = backward_steps(y)
    assert y.grad == 0.0  # nothing happens before the first next()
    first = next(steps)
    assert first.node is y and y.grad == 1.0
    assert x.grad == 0.0  # the step that reaches x has not run yet
    second = next(steps)
    assert second.contributions[0].parent is x and x.grad == second.contributions[0].grad_after
    assert next(steps, None) is None


def test_second_call_accumulates_leaves_and_resets_interior_nodes():
    x = Value(1.5, label="x")
    h = x * x
    y = h * x  # x ** 3
    list(backward_steps(y))
    assert (x.grad, h.grad) == (3 * 1.5**2, 1.5)
    list(backward_steps(y))
    assert (x.grad, h.grad) == (2 * 3 * 1.5**2, 1.5)


def test_leaf_root_has_no_steps_and_gains_one():
    x = Value(4.0, label="x")
    x.grad = 2.0
    assert list(backward_steps(x)) == []
    assert x.grad == 3.0
    trace = record_backward(x)
    assert trace.steps == () and trace.snapshots[0][x] == 3.0 + 1.0 and x.grad == 3.0


def test_record_backward_frames_show_gradients_filling_in():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    xw = x * w
    y = xw.tanh()
    trace = record_backward(y)
    assert [s.node for s in trace.steps] == [y, xw]
    d_tanh = 1 - math.tanh(-6.0) ** 2
    assert trace.snapshots[0] == {x: 0.0, w: 0.0, xw: 0.0, y: 1.0}
    assert trace.snapshots[1] == {x: 0.0, w: 0.0, xw: d_tanh, y: 1.0}
    assert trace.snapshots[2] == {x: d_tanh * -3.0, w: d_tanh * 2.0, xw: d_tanh, y: 1.0}
    assert (x.grad, w.grad, xw.grad, y.grad) == (0.0, 0.0, 0.0, 0.0)


def test_step_text_names_node_upstream_local_and_contributions():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    y = x * w
    y.label = "y"
    (step,) = backward_steps(y)
    assert isinstance(step, BackwardStep)
    text = str(step)
    assert text.splitlines() == [
        "step 1: y (op *, data -6) passes back its grad 1",
        "  to x: local derivative dy/dx = -3, adds -3 * 1 = -3, x.grad 0 -> -3",
        "  to w: local derivative dy/dw = 2, adds 2 * 1 = 2, w.grad 0 -> 2",
    ]


def test_frame_text_uses_readable_names():
    a = Value(3.0, label="a")
    trace = record_backward(a * a + a)
    assert trace.frame_text(0).startswith("start: ((a * a) + a).grad = 1")
    assert "to a: local derivative d(a * a)/da = 3" in trace.frame_text(2)
    assert f"a.grad 4 -> {format_number(7.0)}" in trace.frame_text(2)


def test_steps_are_frozen_records():
    a = Value(1.0, label="a")
    (step,) = backward_steps(a * 2.0)
    with pytest.raises(AttributeError):
        step.upstream = 5.0
    with pytest.raises(AttributeError):
        step.contributions[0].contribution = 5.0


def test_bad_root_is_a_clear_error():
    with pytest.raises(TypeError, match=r"backward_steps\(root\) needs a Value, got float"):
        backward_steps(1.0)
    with pytest.raises(TypeError, match=r"record_backward\(root\) needs a Value, got list"):
        record_backward([Value(1.0)])


# --------------------------------------------------------------------------------------
# Pictures: frames, the HTML page, the widget
# --------------------------------------------------------------------------------------


def _labelled_neuron():
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(6.88, label="b")
    xw = x * w
    xw.label = "xw"
    n = xw + b
    n.label = "n"
    out = n.tanh()
    out.label = "out"
    return out


def _box_classes(graph) -> dict[str, str]:
    """{label of a value box: its class}, from the DOT source of a frame."""
    labels = dict(re.findall(r'(\w+) \[label="\{ (\w+) \|', graph.source))
    return {labels[name]: cls for name, cls in re.findall(r"(\w+) \[class=(\w+)\]", graph.source)}


def test_frames_mark_the_current_node_and_the_parents_it_hands_back_to():
    from micrograd.stepper import frame_graph

    out = _labelled_neuron()
    trace = record_backward(out)
    assert _box_classes(frame_graph(trace, 0)) == {"out": "mg_current"}
    for k, step in enumerate(trace.steps, start=1):
        expected = {p.label: "mg_receiving" for p in step.node.parents}
        expected[step.node.label] = "mg_current"
        assert _box_classes(frame_graph(trace, k)) == expected
    with pytest.raises(IndexError, match="frame 4 is out of range"):
        frame_graph(trace, 4)


def test_a_frames_drawing_is_the_same_text_for_the_same_graph_built_twice():
    """The receiving parents are marked in the order of the step's contributions, not in a
    set's order (which follows memory addresses): two copies of one graph draw the same."""
    from micrograd.stepper import frame_graph

    first, second = record_backward(_labelled_neuron()), record_backward(_labelled_neuron())
    for k, step in enumerate(first.steps, start=1):
        source = frame_graph(first, k).source
        assert source == frame_graph(second, k).source
        marked = re.findall(r"(\w+) \[class=mg_receiving\]", source)
        ids = frame_graph(first, k).node_ids
        assert marked == [ids[c.parent] for c in step.contributions]


def test_frames_show_the_snapshot_not_the_current_grads():
    from micrograd.stepper import frame_graph

    out = _labelled_neuron()
    trace = record_backward(out)
    out.backward()
    x = next(v for v in trace.nodes if v.label == "x")
    assert f"grad {format_number(0.0)}" in _box_text(frame_graph(trace, 1), "x")
    assert f"grad {format_number(x.grad)}" in _box_text(frame_graph(trace, 3), "x")
    assert x.grad != 0.0


def _box_text(graph, label: str) -> str:
    return next(line for line in graph.source.splitlines() if f'label="{{ {label} |' in line)


def test_export_html_is_one_self_contained_file(tmp_path):
    from micrograd.stepper import export_html

    out = _labelled_neuron()
    grads_before = [v.grad for v in _all_nodes(out)]
    path = export_html(out, tmp_path / "steps.html", title="A <neuron>")
    assert path == tmp_path / "steps.html"
    page = path.read_text(encoding="utf-8")
    assert [v.grad for v in _all_nodes(out)] == grads_before  # the graph is left alone
    lowered = page.lower()
    assert "http://" not in lowered and "https://" not in lowered
    assert "<script src" not in lowered and "<link" not in lowered and "@import" not in lowered
    assert "url(" not in lowered and "<img" not in lowered
    assert page.count("<svg") == page.count("</svg>") == 4  # seed + 3 steps
    assert page.count('<section class="frame"') == 4
    for element in ('id="prev"', 'id="next"', 'id="slider"', 'id="step-label"'):
        assert page.count(element) == 1
    assert "<title>A &lt;neuron&gt;</title>" in page
    assert page.count("mg_current") >= 4
    # The text panels say what each step does.
    trace = record_backward(out)
    for k in range(len(trace.steps) + 1):
        assert html.escape(trace.frame_text(k)) in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # frames' SVG ids are prefixed, so all are unique


def test_export_html_refuses_a_huge_graph(tmp_path):
    from micrograd.stepper import export_html

    v = Value(0.5, label="x")
    for _ in range(20):
        v = v.tanh()
    with pytest.raises(ValueError, match=r"20 steps, more than max_steps=10"):
        export_html(v, tmp_path / "big.html", max_steps=10)
    assert not (tmp_path / "big.html").exists()


def test_widget_steps_with_buttons_and_slider():
    pytest.importorskip("ipywidgets")
    from micrograd.stepper import StepThrough, step_through

    out = _labelled_neuron()
    widget = step_through(out)
    assert isinstance(widget, StepThrough)
    trace = widget.trace
    assert widget.frame == 0 and widget.prev_button.disabled
    assert widget.slider.max == len(trace.steps) == 3
    first_picture = widget.picture.value
    assert "<svg" in first_picture and "mg_current" in first_picture
    widget.next_button.click()
    assert widget.frame == 1 and widget.slider.value == 1
    assert widget.picture.value != first_picture
    assert widget.panel.value.startswith("<pre>step 1: out ")
    assert widget.label.value == "step 1 of 3"
    widget.slider.value = 3
    assert widget.next_button.disabled and widget.label.value == "step 3 of 3 (done)"
    assert "step 3: xw " in widget.panel.value
    widget.next()  # stays on the last frame
    assert widget.frame == 3
    widget.prev_button.click()
    assert widget.frame == 2
    assert all(v.grad == 0.0 for v in trace.nodes)  # drawing frames leaves .grad alone
    bundle = widget._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    # a saved notebook shown without the live widget still shows the frame and its text
    assert "<svg" in bundle["text/html"] and "step 2: n " in bundle["text/html"]


def test_widget_without_ipywidgets_says_how_to_install(monkeypatch):
    from micrograd.stepper import step_through

    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import fails as if not installed
    with pytest.raises(ImportError, match=r"pip install 'micrograd-edu\[notebook\]'"):
        step_through(_labelled_neuron())


def test_last_frame_says_leaves_add_their_earlier_grads():
    x = Value(1.5, label="x")
    y = x * x
    y.label = "y"
    x.grad = 0.5  # left over from an earlier call
    trace = record_backward(y)
    assert trace.steps[-1].contributions[-1].grad_after == 3.0  # during the pass: this call's
    assert trace.snapshots[-1][x] == 3.5  # at the end the leaf adds what it had
    assert "x had 0.5" in trace.frame_text(len(trace.steps))
    assert x.grad == 0.5
    fresh = Value(1.5, label="x")
    assert "earlier" not in record_backward(fresh * fresh).frame_text(1)


def test_export_html_without_a_renderer_is_a_clear_error(tmp_path, monkeypatch):
    from micrograd.draw import RendererNotFoundError
    from micrograd.stepper import export_html

    monkeypatch.setenv("MICROGRAD_DOT", str(tmp_path / "no-such-dot"))
    with pytest.raises(RendererNotFoundError, match="MICROGRAD_DOT"):
        export_html(_labelled_neuron(), tmp_path / "steps.html")
    assert not (tmp_path / "steps.html").exists()  # no half-written page


def test_widget_without_a_renderer_still_steps_and_says_why(tmp_path, monkeypatch):
    pytest.importorskip("ipywidgets")
    from micrograd.stepper import step_through

    monkeypatch.setenv("MICROGRAD_DOT", str(tmp_path / "no-such-dot"))
    widget = step_through(_labelled_neuron())
    assert widget.picture.value.startswith("<pre>") and "MICROGRAD_DOT" in widget.picture.value
    widget.next()
    assert widget.panel.value.startswith("<pre>step 1: out ")


def test_widget_of_a_graph_too_slow_to_lay_out_still_steps_as_text():
    pytest.importorskip("ipywidgets")
    from micrograd.stepper import step_through

    x = Value(2.0, label="x")
    y = x
    for _ in range(99):
        y = y + x  # x + x + ... + x: 99 steps, but minutes of Graphviz layout
    widget = step_through(y)
    assert widget.picture.value.startswith("<pre>") and "max_layout=" in widget.picture.value
    widget.next()
    assert widget.panel.value.startswith("<pre>step 1: ")


def test_precision_applies_to_pictures_and_panels(tmp_path):
    from micrograd.stepper import export_html

    x = Value(1 / 3, label="x")
    y = x * (2 / 3)
    y.label = "y"
    page = export_html(y, tmp_path / "p.html", precision=6).read_text(encoding="utf-8")
    assert "grad 0.666667" in page  # x's grad in the last picture
    assert "x.grad 0 -&gt; 0.666667" in page  # and in the panel
    assert "y (op *, data 0.222222)" in page
    assert "grad 0.6667" not in page


def test_derivatives_of_labels_that_are_not_names_are_parenthesised():
    x1, w1 = Value(2.0, label="x1"), Value(-3.0, label="w1")
    p = x1 * w1
    p.label = "x1*w1"
    n = p + 1.0
    n.label = "n"
    steps = list(backward_steps(n))
    assert "local derivative dn/d(x1*w1) = 1" in str(steps[0])
    assert "local derivative d(x1*w1)/dx1 = -3" in str(steps[1])


# --------------------------------------------------------------------------------------
# Bounded work and memory, atomic pages, one layout per page (issue 13)
# --------------------------------------------------------------------------------------


def _demo_sized_loss() -> Value:
    """A loss graph of the demo's size (the demo's has 6,802 steps): an MLP on 20 points."""
    from micrograd.nn import MLP

    model = MLP(2, [16, 16, 1], seed=0)
    points = [[0.1 * k, -0.05 * k] for k in range(20)]
    return sum((model(p) - 1.0) ** 2 for p in points)


def test_a_huge_pass_is_refused_before_anything_is_recorded(tmp_path, monkeypatch):
    import time

    from micrograd import stepper
    from micrograd.stepper import count_steps, export_html

    loss = _demo_sized_loss()
    steps = count_steps(loss)
    assert steps > 1000
    recorded = []
    monkeypatch.setattr(stepper, "_steps", lambda root: recorded.append(root) or iter(()))
    start = time.perf_counter()
    with pytest.raises(ValueError, match=rf"{steps} steps, more than max_steps=300"):
        export_html(loss, tmp_path / "big.html")
    with pytest.raises(ValueError, match=rf"max_steps={steps}"):
        record_backward(loss, max_steps=300)
    assert time.perf_counter() - start < 1
    assert recorded == []  # refused before the pass was run
    assert not (tmp_path / "big.html").exists()


def test_bad_arguments_of_the_page_and_the_widget_are_clear_errors(tmp_path):
    from micrograd.stepper import export_html

    with pytest.raises(TypeError, match=r"export_html\(root\) needs a Value, got float"):
        export_html(1.0, tmp_path / "p.html")
    with pytest.raises(TypeError, match="title must be a str"):
        export_html(_labelled_neuron(), tmp_path / "p.html", title=None)
    with pytest.raises(ValueError, match="max_steps must be a positive int"):
        export_html(_labelled_neuron(), tmp_path / "p.html", max_steps=0)
    assert list(tmp_path.iterdir()) == []


def test_step_through_refuses_a_huge_pass_at_once():
    pytest.importorskip("ipywidgets")
    from micrograd.stepper import step_through

    with pytest.raises(ValueError, match=r"steps, more than max_steps=300"):
        step_through(_demo_sized_loss())


def test_recording_memory_grows_linearly_with_the_steps():
    import tracemalloc

    def peak_bytes(ops: int) -> int:
        x = Value(0.5, label="x")
        y = x
        for _ in range(ops):
            y = y * 0.999
        tracemalloc.start()
        trace = record_backward(y)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert len(trace.snapshots) == ops + 1
        fresh = trace.snapshots[-1][x]
        y.backward()
        assert fresh == x.grad  # the rebuilt last frame is backward()'s result
        return peak

    small, large = peak_bytes(3000), peak_bytes(12_000)
    assert large < 6 * small  # 4x the steps: about 4x the memory, not 16x
    assert large < 40_000_000  # a snapshot per step would take > 1 GB


def test_snapshots_are_rebuilt_from_the_steps_like_a_replay():
    out = _labelled_neuron()
    trace = record_backward(out)
    replay = {v: 0.0 for v in trace.nodes}
    replay[out] = 1.0
    assert trace.snapshots[0] == replay
    for k, step in enumerate(trace.steps, start=1):
        for c in step.contributions:
            replay[c.parent] = replay[c.parent] + c.contribution
        assert trace.snapshots[k] == replay
    assert trace.snapshots[-1] == trace.snapshots[len(trace.steps)]
    assert [dict(s) for s in trace.snapshots[1:3]] == [trace.snapshots[1], trace.snapshots[2]]
    assert list(trace.snapshots) == [trace.snapshots[k] for k in range(len(trace.steps) + 1)]
    with pytest.raises(IndexError, match="out of range"):
        trace.snapshots[len(trace.steps) + 1]


def test_a_failed_export_keeps_the_previous_page(tmp_path, monkeypatch):
    from micrograd.stepper import export_html

    page = tmp_path / "steps.html"
    page.write_text("the previous page")
    monkeypatch.setenv("MICROGRAD_DOT", "/bin/false")
    with pytest.raises(micrograd.draw.RenderError) as error:
        export_html(_labelled_neuron(), page)
    assert "\n" not in str(error.value)
    assert page.read_text() == "the previous page"
    assert [p.name for p in tmp_path.iterdir()] == ["steps.html"]
    with pytest.raises(ValueError, match="ends with a path separator"):
        export_html(_labelled_neuron(), f"{tmp_path}/adir/")


@pytest.mark.skipif(sys.platform == "win32", reason="the fake dot is a shell script")
def test_the_whole_page_is_laid_out_once(tmp_path, monkeypatch):
    from micrograd.renderer import find_renderer
    from micrograd.stepper import export_html

    real = find_renderer()
    log = tmp_path / "calls.log"
    fake = tmp_path / "dot"
    fake.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{real}" "$@"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("MICROGRAD_DOT", str(fake))
    out = _labelled_neuron()
    page = export_html(out, tmp_path / "steps.html").read_text(encoding="utf-8")
    assert len(log.read_text().splitlines()) == 1  # one Graphviz run for all 4 frames
    # each frame outlines its own current node, and only it, in red
    trace = record_backward(out)
    sections = page.split('<section class="frame"')[1:]
    for k, section in enumerate(sections):
        current = trace.root if k == 0 else trace.steps[k - 1].node
        (box,) = re.findall(
            r'<g id="[^"]*" class="node mg_current">\s*<title>(\w+)</title>', section
        )
        assert box == micrograd.draw_dot(out, warn_no_backward=False).node_ids[current]
        assert section.count('stroke="#d62728"') >= 2  # the box, its op oval, its edges
        state = trace.snapshots[k]
        for v in trace.nodes:
            assert f"grad {format_number(state[v])}" in section


def test_a_page_too_big_to_open_is_refused(tmp_path):
    from micrograd.stepper import export_html

    x = Value(0.5, label="x")
    y = x
    for _ in range(150):
        y = y * 1.01  # 151 frames of 301 boxes
    with pytest.raises(ValueError, match=r"151 frames of 301 boxes.*max_page_boxes=10000"):
        export_html(y, tmp_path / "big.html")
    assert not (tmp_path / "big.html").exists()
    small = export_html(y, tmp_path / "ok.html", max_page_boxes=50_000)
    assert small.read_text(encoding="utf-8").count("<svg") == 151


# --------------------------------------------------------------------------------------
# In JupyterLab: scaled to the output, the blue outline explained, words wrapped (issue 16)
# --------------------------------------------------------------------------------------


def test_the_first_text_of_an_expression_root_has_no_doubled_brackets():
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(6.88, label="b")
    out = (x * w + b).tanh()
    out.label = "tanh(x*w + b)"  # as `micrograd graph "tanh(x*w + b)"` labels it
    trace = record_backward(out)
    assert trace.frame_text(0).startswith("start: tanh(x*w + b).grad = 1 (dtanh(x*w + b)/d")
    assert "((" not in trace.frame_text(0)


def test_widget_scales_to_the_output_and_explains_the_colours():
    pytest.importorskip("ipywidgets")
    from micrograd.stepper import LEGEND, step_through

    widget = step_through(_labelled_neuron())
    assert "mg-step-through" in widget.widget._dom_classes
    assert "Blue outline" in widget.legend.value and LEGEND in widget.legend.value
    picture = widget.picture.value
    assert ".mg-step-through .mg-graph svg { max-width: 100%; height: auto; }" in picture
    assert "word-break: normal" in picture  # the panel wraps at words
    assert picture.count('class="node mg_current"') == 1
    widget.next()
    assert widget.picture.value.count('class="node mg_current"') == 1
    assert widget.picture.value.count('class="node mg_receiving"') == 1  # out's parent n
    widget.next()
    assert widget.picture.value.count('class="node mg_receiving"') == 2  # n's: xw and b


def test_the_page_explains_the_colours(tmp_path):
    from micrograd.stepper import LEGEND, export_html

    page = export_html(_labelled_neuron(), tmp_path / "p.html").read_text(encoding="utf-8")
    assert html.escape(LEGEND) in page
    assert "$" not in page  # every placeholder of the template was filled


def test_a_collapsed_or_expanded_page_marks_one_current_box_per_frame(tmp_path):
    from micrograd.nn import MLP
    from micrograd.stepper import export_html

    model = MLP(2, [3, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    frames = len(record_backward(loss).steps) + 1
    for options in ({"collapse": model}, {"expand_dot": True}):
        page = export_html(loss, tmp_path / "p.html", **options).read_text(encoding="utf-8")
        assert page.count("<svg") == frames
        assert len(re.findall(r'class="node mg_current"', page)) == frames, options
        assert "\0" not in page
