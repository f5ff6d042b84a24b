"""Tests of micrograd.draw: the DOT source of known graphs, the options, and rendering."""

from __future__ import annotations

import html
import math
import re
import shutil
import sys
import sysconfig
import warnings
from pathlib import Path

import graphviz
import pytest
from hypothesis import given, settings
from strategies import cases, evaluate_micrograd

import micrograd
from micrograd import Value, topological_order
from micrograd import draw as draw_module
from micrograd.draw import (
    ENV_VAR,
    ComputationGraph,
    ForgotBackwardWarning,
    GraphTooLargeError,
    RendererNotFoundError,
    RendererNotFoundWarning,
    draw_dot,
    find_renderer,
    module_groups,
    save,
)

PARAMETER = draw_module.ROLE_COLOURS["parameter"]
INPUT = draw_module.ROLE_COLOURS["input"]
CONSTANT = draw_module.ROLE_COLOURS["constant"]
OUTPUT = draw_module.ROLE_COLOURS["output"]
RED = draw_module.HIGHLIGHT["color"]


def neuron() -> tuple[Value, dict[str, Value]]:
    """The lecture's neuron o = tanh(x*w + b), with b chosen so that x*w + b = 0.8814."""
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(6.8813735870195432, label="b")
    n = x * w + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"x": x, "w": w, "b": b, "n": n, "o": o}


def nodes(source: str) -> dict[str, str]:
    """node id -> its attribute text, for the node statements of a DOT source."""
    found = {}
    for line in source.splitlines():
        match = re.match(r"\s*(\w+) \[(.*)\]$", line)
        if match and match.group(1) not in ("graph", "node", "edge"):
            found[match.group(1)] = match.group(2)
    return found


def edges(source: str) -> list[tuple[str, str]]:
    return re.findall(r"^\s*(\w+) -> (\w+)", source, flags=re.MULTILINE)


def node_of(source: str, label: str) -> str:
    """The id of the (only) value box whose label field is ``label``."""
    ids = [i for i, attrs in nodes(source).items() if f'label="{{ {label} |' in attrs]
    assert len(ids) == 1, (label, ids)
    return ids[0]


@pytest.fixture
def clean_env(monkeypatch):
    """No renderer chosen by environment variable, whatever the developer's shell has."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    return monkeypatch


@pytest.fixture
def graphviz_pure() -> Path:
    """The graphviz-pure program installed with this Python (a dependency of micrograd)."""
    for directory in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        found = shutil.which("graphviz-pure", path=str(directory))
        if found:
            return Path(found)
    raise AssertionError("graphviz-pure is not installed next to this Python")


# --------------------------------------------------------------------------------------
# The DOT source
# --------------------------------------------------------------------------------------


def test_known_graph_labels_values_grads_and_ops():
    o, _ = neuron()
    o.backward()
    source = draw_dot(o).source
    # data and grads computed by hand: x*w = -6, n = 0.8814, o = tanh(n) = 0.7071 = 1/sqrt(2),
    # do/dn = 1 - o^2 = 0.5, do/dx = 0.5 * w = -1.5, do/dw = 0.5 * x = 1, do/db = 0.5
    assert '"{ x | data 2 | grad -1.5 }"' in source
    assert '"{ w | data -3 | grad 1 }"' in source
    assert '"{ b | data 6.881 | grad 0.5 }"' in source
    assert '"{ data -6 | grad 0.5 }"' in source
    assert '"{ n | data 0.8814 | grad 0.5 }"' in source
    assert '"{ o | data 0.7071 | grad 1 }"' in source
    ops = sorted(
        attrs.split("label=")[1].split()[0]
        for i, attrs in nodes(source).items()
        if "ellipse" in attrs
    )
    assert ops == ['"*"', '"+"', "tanh"]
    assert "rankdir=LR" in source


def test_edges_follow_the_operands_and_the_graph():
    o, _ = neuron()
    source = draw_dot(o, roles=False, warn_no_backward=False).source
    x, w, b, n, out = (node_of(source, name) for name in "xwbno")
    mul = next(t for t, h in edges(source) if t.startswith("op") and (x, t) in edges(source))
    product = next(h for t, h in edges(source) if t == mul)
    add = next(h for t, h in edges(source) if t == product)
    tanh = next(h for t, h in edges(source) if t == n)
    expected = [
        (x, mul), (w, mul), (mul, product),
        (product, add), (b, add), (add, n),
        (n, tanh), (tanh, out),
    ]  # fmt: skip
    assert sorted(edges(source)) == sorted(expected)
    # operands in order: x before w into '*', the product before b into '+'
    order = edges(source)
    assert order.index((x, mul)) < order.index((w, mul))
    assert order.index((product, add)) < order.index((b, add))


def test_operand_order_is_kept_for_non_commutative_ops():
    a, b = Value(5.0, label="a"), Value(2.0, label="b")
    forward = draw_dot(a - b, roles=False, warn_no_backward=False).source
    a2, b2 = Value(5.0, label="a"), Value(2.0, label="b")
    backward = draw_dot(b2 - a2, roles=False, warn_no_backward=False).source
    into_minus = [t for t, h in edges(forward) if h.startswith("op")]
    assert into_minus == [node_of(forward, "a"), node_of(forward, "b")]
    into_minus = [t for t, h in edges(backward) if h.startswith("op")]
    assert into_minus == [node_of(backward, "b"), node_of(backward, "a")]


def test_a_value_used_twice_has_two_edges():
    a = Value(3.0, label="a")
    source = draw_dot(a * a, warn_no_backward=False).source
    assert edges(source).count((node_of(source, "a"), "op1")) == 2


def test_source_is_the_same_on_every_run_and_uses_no_ids():
    first, second = neuron()[0], neuron()[0]
    first.backward()
    second.backward()
    s1, s2 = draw_dot(first).source, draw_dot(second).source
    assert s1 == s2
    assert str(id(first)) not in s1
    # nodes are numbered n0, n1, ... in topological order: parents before children
    numbers = {name: int(node_of(s1, name)[1:]) for name in "xwbno"}
    assert numbers["x"] < numbers["n"] < numbers["o"]
    assert numbers["b"] < numbers["n"]


def test_numbers_have_four_significant_digits_by_default_and_precision_changes_it():
    v = Value(math.pi, label="pi")
    y = v * 1000.0
    y.backward()
    source = draw_dot(y).source
    assert "data 3.142" in source and "data 3142 " in source and "grad 1000" in source
    source = draw_dot(y, precision=2).source
    assert "data 3.1 " in source and "data 3.1e+03" in source
    tiny = Value(-1.23456e-9, label="t")
    assert "data -1.235e-09" in draw_dot(tiny).source
    assert "data 0 " in draw_dot(Value(-0.0, label="z")).source  # no "-0"


def test_show_chooses_the_fields():
    o, _ = neuron()
    o.backward()
    source = draw_dot(o, show=("data",)).source
    assert "grad" not in source
    assert '"{ data 2 }"' in source and "| x" not in source and "{ x" not in source
    source = draw_dot(o, show=("label", "grad")).source
    assert "data" not in source and '"{ x | grad -1.5 }"' in source
    with pytest.raises(ValueError, match=r"unknown fields.*'value'"):
        draw_dot(o, show=("label", "value"))


def test_rankdir_top_to_bottom():
    o, _ = neuron()
    o.backward()
    source = draw_dot(o, rankdir="TB").source
    assert "rankdir=TB" in source
    assert '"x | data 2 | grad -1.5"' in source  # no braces: fields side by side in TB
    with pytest.raises(ValueError, match="rankdir"):
        draw_dot(o, rankdir="sideways")
    with pytest.raises(ValueError, match="max_nodes must be a positive int"):
        draw_dot(o, max_nodes=0)
    with pytest.raises(ValueError, match="precision"):
        draw_dot(o, precision=0)
    with pytest.raises(TypeError, match="draw_dot needs a Value"):
        draw_dot([o])


def test_highlight_outlines_the_node_its_op_and_edges():
    o, v = neuron()
    o.backward()
    source = draw_dot(o, highlight=[v["n"]]).source
    attrs = nodes(source)
    n_id = node_of(source, "n")
    assert RED in attrs[n_id] and "penwidth=3" in attrs[n_id]
    assert RED in attrs[n_id.replace("n", "op")]
    assert RED not in attrs[node_of(source, "x")] and RED not in attrs[node_of(source, "o")]
    red_edges = re.findall(rf'(\w+) -> (\w+) \[color="{RED}"', source)
    assert sorted(red_edges) == sorted(
        [(t, h) for t, h in edges(source) if h == n_id.replace("n", "op") or t == "op" + n_id[1:]]
    )
    with pytest.raises(ValueError, match="not part of the graph"):
        draw_dot(o, highlight=[Value(1.0)])
    assert draw_dot(o, highlight=v["n"]).source == source  # one Value needs no list


def test_roles_and_legend():
    o, v = neuron()
    o.backward()
    source = draw_dot(o, params=[v["w"], v["b"]]).source
    attrs = nodes(source)
    assert PARAMETER in attrs[node_of(source, "w")] and PARAMETER in attrs[node_of(source, "b")]
    assert INPUT in attrs[node_of(source, "x")]  # labelled and not a parameter: an input
    assert OUTPUT in attrs[node_of(source, "o")]
    legend = attrs["legend"]
    for role in ("input", "parameter", "intermediate", "output"):
        assert f">{role}<" in legend
    assert ">constant<" not in legend  # only the roles that occur

    # Naming only the inputs makes the other labelled leaves parameters.
    source = draw_dot(o, inputs=[v["x"]]).source
    assert PARAMETER in nodes(source)[node_of(source, "w")]

    # Unlabelled leaves are constants; without roles there are no colours and no legend.
    x = Value(2.0, label="x")
    source = draw_dot(1 - x, warn_no_backward=False).source
    constant = [a for a in nodes(source).values() if '"{ data 1 }"' in a or "data 1 |" in a]
    assert len(constant) == 1 and CONSTANT in constant[0]
    plain = draw_dot(1 - x, roles=False, warn_no_backward=False).source
    assert "fillcolor" not in plain and "legend" not in plain
    assert "legend" not in draw_dot(1 - x, legend=False, warn_no_backward=False).source


def test_labels_with_record_characters_are_escaped_and_render(clean_env, tmp_path):
    v = Value(1.0, label='a|b{c}<d>"e\\')
    graph = draw_dot(v * 2, warn_no_backward=False)
    assert r"a\|b\{c\}\<d\>\"e\\" in graph.source
    svg = html.unescape(graph.pipe(format="svg").decode())
    assert 'a|b{c}<d>"e\\' in svg


def test_grads_mapping_shows_known_gradients_and_question_marks():
    o, v = neuron()
    source = draw_dot(o, grads={o: 1.0, v["n"]: 0.5}).source
    assert '"{ o | data 0.7071 | grad 1 }"' in source
    assert '"{ n | data 0.8814 | grad 0.5 }"' in source
    assert '"{ x | data 2 | grad ? }"' in source
    assert o.grad == 0.0  # the Values were not touched


# --------------------------------------------------------------------------------------
# Large graphs: refusal, collapsing, the expanded dot
# --------------------------------------------------------------------------------------


def chain(length: int) -> Value:
    x = Value(0.5, label="x")
    y = x
    for _ in range(length):
        y = y * 1.01
    return y


def test_a_graph_above_max_nodes_is_refused_with_advice():
    y = chain(300)  # 300 ops: 1 + 300 * 3 boxes
    with pytest.raises(GraphTooLargeError) as error:
        draw_dot(y, warn_no_backward=False)
    message = str(error.value)
    assert "901 boxes" in message and "max_nodes=500" in message
    assert "collapse=" in message and "max_nodes=901" in message
    assert isinstance(error.value, ValueError)
    graph = draw_dot(y, max_nodes=901, warn_no_backward=False)
    assert len(nodes(graph.source)) == 901 + 1  # and the legend


def mlp():
    nn = pytest.importorskip("micrograd.nn")
    model = nn.MLP(2, [4, 4, 1], seed=0)
    out = model([1.0, -2.0])
    loss = (out - 1.0) ** 2
    loss.backward()
    return model, loss


def test_collapse_a_model_into_one_box_per_neuron():
    model, loss = mlp()
    full = draw_dot(loss, max_nodes=10_000).source
    collapsed = draw_dot(loss, collapse=model).source
    boxes = {i: a for i, a in nodes(collapsed).items() if i.startswith("g")}
    names = sorted(re.search(r'"\{ ([\w.]+) \|', a).group(1) for a in boxes.values())
    expected = sorted(
        {re.match(r"layers\.\d+\.neurons\.\d+", name)[0] for name, _ in model.named_parameters()}
    )
    assert names == expected  # layers.0.neurons.0 ... layers.2.neurons.0
    assert len(nodes(collapsed)) < len(nodes(full)) / 3
    # each neuron of layer 1 takes the 4 neurons of layer 0, one edge each
    groups = {re.search(r'"\{ ([\w.]+) \|', a).group(1): i for i, a in boxes.items()}
    into = [t for t, h in edges(collapsed) if h == groups["layers.1.neurons.2"]]
    assert sorted(into) == sorted(groups[f"layers.0.neurons.{k}"] for k in range(4))
    # the loss stays outside the boxes, and the last neuron's box shows its output
    assert "**2" in collapsed
    out_neuron = boxes[groups["layers.2.neurons.0"]]
    out_value = loss.parents[0].parents[0]
    assert f"data {out_value.data:.4g}" in out_neuron
    # every parameter is hidden in a box
    assert f"data {model.parameters()[0].data:.4g} |" not in collapsed


def test_collapse_by_layer_and_with_plain_lists():
    model, loss = mlp()
    by_layer = draw_dot(loss, collapse=module_groups(model, depth=1)).source
    assert sorted(re.findall(r'"\{ (layers\.\d) \|', by_layer)) == [
        "layers.0",
        "layers.1",
        "layers.2",
    ]
    layers = [layer.parameters() for layer in model.layers]
    by_list = draw_dot(loss, collapse=layers).source
    assert sorted(re.findall(r'"\{ (group \d) \|', by_list)) == ["group 0", "group 1", "group 2"]
    by_dict = draw_dot(loss, collapse={"first": layers[0], "rest": layers[1] + layers[2]}).source
    assert re.search(r'"\{ first \| 20 Values', by_dict)  # 4 neurons * (3 params + dot + relu)
    with pytest.raises(TypeError, match="collapse"):
        draw_dot(loss, collapse=42)


def test_collapse_makes_a_large_model_drawable():
    nn = pytest.importorskip("micrograd.nn")
    model = nn.MLP(2, [32, 32, 1], seed=0)  # 1185 parameters
    out = model([0.5, -0.5])
    out.backward()
    with pytest.raises(GraphTooLargeError):
        draw_dot(out)
    graph = draw_dot(out, collapse=model)
    assert len(nodes(graph.source)) == 65 + 2 + 1  # neurons, inputs, legend
    # still too large when collapsed: the advice is to collapse more or draw less
    with pytest.raises(GraphTooLargeError) as error:
        draw_dot(out, collapse=model, max_nodes=60)
    assert "module_groups(model, depth=1)" in str(error.value)
    assert "one data point" in str(error.value) and "max_nodes=67" in str(error.value)


def test_expanded_dot_shows_the_products_of_a_neuron():
    w = [Value(0.5, label="w1"), Value(-1.5, label="w2")]
    x = [Value(2.0, label="x1"), Value(3.0, label="x2")]
    b = Value(0.25, label="b")
    out = micrograd.dot(w, x, b).tanh()
    out.backward()
    compact = draw_dot(out).source
    assert "label=dot" in compact and "w1*x1" not in compact
    expanded = draw_dot(out, expand_dot=True, params=w + [b]).source
    assert "label=dot" not in expanded
    # the products, with the gradient of the weighted sum (d sum / d product = 1)
    s = out.parents[0]
    assert f'"{{ w1*x1 | data 1 | grad {s.grad:.4g} }}"' in expanded
    assert f'"{{ w2*x2 | data -4.5 | grad {s.grad:.4g} }}"' in expanded
    # same picture as the neuron written out by hand
    by_hand = w[0] * x[0] + w[1] * x[1] + b
    assert s.data == by_hand.data
    products = [i for i, a in nodes(expanded).items() if "*x" in a]
    ops_in = {h for t, h in edges(expanded) if t in products}
    assert len(ops_in) == 1 and 'label="+"' in nodes(expanded)[ops_in.pop()]


# --------------------------------------------------------------------------------------
# Forgot backward()
# --------------------------------------------------------------------------------------


def test_forgot_backward_warns_once_in_plain_words():
    o, _ = neuron()
    with pytest.warns(ForgotBackwardWarning) as record:
        draw_dot(o)
    assert len(record) == 1
    assert "all gradients are 0: did you forget to call backward()?" in str(record[0].message)
    assert record[0].filename == __file__  # points at the caller's line


def test_no_forgot_backward_warning_when_it_is_not_forgotten():
    o, v = neuron()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        draw_dot(v["x"])  # a leaf: nothing to call backward on
        draw_dot(o, warn_no_backward=False)
        draw_dot(o, grads={})
        o.backward()
        draw_dot(o)


# --------------------------------------------------------------------------------------
# Rendering: MICROGRAD_DOT, a system dot, graphviz-pure, none
# --------------------------------------------------------------------------------------


def fake_program(directory: Path, body: str, name: str = "fake-dot") -> Path:
    """A shell script ``name`` in ``directory`` that runs ``body``."""
    script = directory / name
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return script


def fake_dot(directory: Path, real: Path, log: Path) -> Path:
    """A `dot` program that writes to ``log`` and then runs ``real``."""
    return fake_program(directory, f'echo "$@" >> "{log}"\nexec "{real}" "$@"', name="dot")


def rendered_svg() -> tuple[str, Value]:
    o, _ = neuron()
    o.backward()
    return html.unescape(draw_dot(o).pipe(format="svg").decode()), o


def test_graphviz_pure_next_to_the_interpreter_is_found_without_path(
    clean_env, tmp_path, graphviz_pure
):
    clean_env.setenv("PATH", str(tmp_path))  # like a Jupyter kernel without the venv's bin
    assert find_renderer() == graphviz_pure
    svg, _ = rendered_svg()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for text in ("x", "w", "b", "o", "tanh", "data 0.7071", "grad -1.5"):
        assert f">{text}</text>" in svg


@pytest.mark.skipif(sys.platform == "win32", reason="the fake dot is a shell script")
def test_a_system_dot_on_path_comes_before_graphviz_pure(clean_env, tmp_path, graphviz_pure):
    log = tmp_path / "calls.log"
    fake = fake_dot(tmp_path, graphviz_pure, log)
    clean_env.setenv("PATH", str(tmp_path))
    assert find_renderer() == fake
    svg, _ = rendered_svg()
    assert ">data 0.7071</text>" in svg
    assert "-Tsvg" in log.read_text()  # the svg came from the fake dot


@pytest.mark.skipif(sys.platform == "win32", reason="the fake dot is a shell script")
def test_the_environment_variable_comes_first(clean_env, tmp_path, graphviz_pure):
    log = tmp_path / "calls.log"
    fake_dot(tmp_path, graphviz_pure, log)
    clean_env.setenv("PATH", str(tmp_path))
    clean_env.setenv(ENV_VAR, str(graphviz_pure))
    assert find_renderer() == graphviz_pure
    svg, _ = rendered_svg()
    assert ">grad -1.5</text>" in svg
    assert not log.exists()  # the dot on PATH was not used


def test_an_environment_variable_naming_no_program_is_an_error(clean_env, tmp_path):
    clean_env.setenv(ENV_VAR, str(tmp_path / "no-such-dot"))
    with pytest.raises(RendererNotFoundError, match=f"{ENV_VAR} is set to .*no-such-dot"):
        find_renderer()
    o, _ = neuron()
    with pytest.raises(RendererNotFoundError):
        save(draw_dot(o, warn_no_backward=False), tmp_path / "g.svg")


@pytest.fixture
def no_renderer(clean_env, tmp_path):
    clean_env.setenv("PATH", str(tmp_path))
    clean_env.setattr(sys, "executable", str(tmp_path / "python"))  # no graphviz-pure beside
    assert find_renderer() is None
    return clean_env


def test_without_a_renderer_the_source_is_kept_and_saving_says_how_to_fix_it(no_renderer, tmp_path):
    o, _ = neuron()
    o.backward()
    graph = draw_dot(o)
    assert '"{ o | data 0.7071 | grad 1 }"' in graph.source
    with pytest.raises(RendererNotFoundError) as error:
        save(graph, tmp_path / "graph.svg")
    message = str(error.value)
    assert "pip install graphviz-pure" in message and ENV_VAR in message and "dot" in message
    assert isinstance(error.value, RuntimeError)
    assert not (tmp_path / "graph.svg").exists()
    with pytest.raises(RendererNotFoundError):
        graph.pipe(format="png")
    # the DOT source can still be saved
    assert save(graph, tmp_path / "graph.dot").read_text() == graph.source


def test_without_a_renderer_jupyter_shows_the_source_with_one_warning(no_renderer):
    from IPython.core.formatters import DisplayFormatter

    o, _ = neuron()
    o.backward()
    graph = draw_dot(o)
    with pytest.warns(RendererNotFoundWarning) as record:
        data, _ = DisplayFormatter().format(graph)
    assert len(record) == 1
    assert "pip install graphviz-pure" in str(record[0].message)
    assert "image/svg+xml" not in data
    assert data["text/plain"] == graph.source
    assert graph._repr_svg_() is None


def test_a_broken_environment_variable_in_jupyter_shows_the_source(clean_env, tmp_path, capsys):
    from IPython.core.formatters import DisplayFormatter

    clean_env.setenv(ENV_VAR, str(tmp_path / "no-such-dot"))
    o, _ = neuron()
    o.backward()
    graph = draw_dot(o)
    with pytest.warns(RendererNotFoundWarning, match="no-such-dot") as record:
        data, _ = DisplayFormatter().format(graph)
    assert len(record) == 1
    assert set(data) == {"text/plain"} and data["text/plain"] == graph.source
    printed = capsys.readouterr()
    assert "Traceback" not in printed.out + printed.err  # IPython prints a repr's error


def test_jupyter_shows_svg_with_no_extra_call(clean_env):
    from IPython.core.formatters import DisplayFormatter

    o, _ = neuron()
    o.backward()
    data, _ = DisplayFormatter().format(draw_dot(o))
    svg = html.unescape(data["image/svg+xml"])
    assert "<svg" in svg and ">data 0.7071</text>" in svg and ">grad -1.5</text>" in svg
    assert html.unescape(draw_dot(o)._repr_svg_()) == svg
    # JupyterLab prefers the HTML: the same drawing, inline, scaled to the output width
    page = data["text/html"]
    assert page.count("<svg") == 1 and '<svg style="max-width: 100%; height: auto"' in page
    body = page[page.index("<svg") :].split(">", 1)[1].removesuffix("</div>")
    assert body in data["image/svg+xml"] and ">data 0.7071</text>" in body


def test_save_svg_png_pdf_and_dot(clean_env, tmp_path):
    o, _ = neuron()
    o.backward()
    graph = draw_dot(o)
    assert isinstance(graph, ComputationGraph) and isinstance(graph, graphviz.Digraph)
    svg = save(graph, tmp_path / "g.svg")
    assert svg == tmp_path / "g.svg" and ">grad &#45;1.5</text>" in svg.read_text()
    assert save(graph, tmp_path / "g.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert save(graph, tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")
    assert save(graph, tmp_path / "g.gv").read_text() == graph.source
    assert save(graph, tmp_path / "picture", format="svg").read_text().count("<svg") == 1
    with pytest.raises(ValueError, match=r"\.svg"):
        save(graph, tmp_path / "g.bmp")


def test_graphviz_render_uses_the_same_renderer(clean_env, tmp_path):
    o, _ = neuron()
    o.backward()
    out = draw_dot(o).render(tmp_path / "graph", format="svg")
    assert Path(out).suffix == ".svg" and "<svg" in Path(out).read_text()


# --------------------------------------------------------------------------------------
# Any graph: one box per Value, one edge per operand
# --------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(cases())
def test_every_value_is_one_box_and_every_operand_one_edge(case):
    out, _ = evaluate_micrograd(case.expr, case.inputs)
    out.backward()
    source = draw_dot(out, max_nodes=10_000).source
    order = topological_order(out)
    boxes = [i for i, a in nodes(source).items() if "shape=record" in a]
    ops = [i for i, a in nodes(source).items() if "shape=ellipse" in a]
    assert len(boxes) == len(order)
    assert len(ops) == sum(1 for v in order if v.parents)
    assert len(edges(source)) == sum(len(v.parents) + 1 for v in order if v.parents)
    for v in order:  # each box shows its data and grad
        assert f"data {draw_module.format_number(v.data)}" in source
        assert f"grad {draw_module.format_number(v.grad)}" in source


@pytest.mark.slow
def test_in_a_jupyter_kernel_without_the_venv_on_path(clean_env):
    """A real kernel: SVG with no extra call; with a broken renderer, the source and a warning."""
    import nbformat
    from nbclient import NotebookClient

    setup = "from micrograd import Value\nfrom micrograd.draw import draw_dot\n"
    graph = "x = Value(2.0, label='x')\ny = (x * x).tanh()\ny.backward()\ndraw_dot(y)"
    broken = f"import os\nos.environ[{ENV_VAR!r}] = '/no/such/dot'\ndraw_dot(y)"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(setup + graph), nbformat.v4.new_code_cell(broken)]
    clean_env.setenv("PATH", "/usr/bin:/bin")  # the kernel inherits a PATH without .venv/bin
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()

    (shown,) = [o for o in notebook.cells[0].outputs if o["output_type"] == "execute_result"]
    svg = html.unescape(shown["data"]["image/svg+xml"])
    assert "<svg" in svg and ">data 0.9993</text>" in svg  # tanh(4)

    outputs = notebook.cells[1].outputs
    (shown,) = [o for o in outputs if o["output_type"] == "execute_result"]
    assert "image/svg+xml" not in shown["data"]
    assert shown["data"]["text/plain"].startswith("digraph {")
    warned = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    assert warned.count("RendererNotFoundWarning") == 1 and "/no/such/dot" in warned


# --------------------------------------------------------------------------------------
# The renderer module; hostile labels; slow layouts (issues 12 and 13)
# --------------------------------------------------------------------------------------


def test_the_renderer_names_are_importable_from_draw_and_from_renderer():
    from micrograd import renderer

    for name in ("find_renderer", "save", "RenderError", "RendererNotFoundError",
                 "RendererNotFoundWarning", "ComputationGraph", "ENV_VAR"):  # fmt: skip
        assert getattr(draw_module, name) is getattr(renderer, name), name
    assert issubclass(RendererNotFoundError, draw_module.RenderError)


def test_draw_dot_maps_every_value_to_its_box():
    o, v = neuron()
    o.backward()
    graph = draw_dot(o)
    assert set(graph.node_ids) == set(topological_order(o))
    for name, value in v.items():
        assert graph.node_ids[value] == node_of(graph.source, name)
        assert graph.shown_grads[graph.node_ids[value]] is value


@pytest.mark.skipif(sys.platform == "win32", reason="needs /bin/false")
def test_a_failing_renderer_is_one_line_render_error_and_keeps_the_old_file(clean_env, tmp_path):
    o, _ = neuron()
    o.backward()
    graph = draw_dot(o)
    old = tmp_path / "g.svg"
    old.write_text("the previous picture")
    clean_env.setenv(ENV_VAR, "/bin/false")
    for attempt in (lambda: save(graph, old), lambda: graph.pipe(format="svg")):
        with pytest.raises(draw_module.RenderError) as error:
            attempt()
        message = str(error.value)
        assert "\n" not in message and "/bin/false" in message and "exit status 1" in message
        assert not isinstance(error.value, graphviz.CalledProcessError)
    assert old.read_text() == "the previous picture"
    assert [p.name for p in tmp_path.iterdir()] == ["g.svg"]  # no temporary file left


def test_a_failing_renderer_in_jupyter_shows_the_source_and_one_warning(clean_env, capsys):
    from IPython.core.formatters import DisplayFormatter

    o, _ = neuron()
    o.backward()
    clean_env.setenv(ENV_VAR, "/bin/false")
    with pytest.warns(RendererNotFoundWarning, match="exit status 1") as record:
        data, _ = DisplayFormatter().format(draw_dot(o))
    assert len(record) == 1 and set(data) == {"text/plain"}
    printed = capsys.readouterr()
    assert "Traceback" not in printed.out + printed.err


@pytest.mark.skipif(sys.platform == "win32", reason="the fake dot is a shell script")
def test_a_renderer_that_takes_too_long_is_stopped_with_advice(clean_env, tmp_path):
    import time

    clean_env.setenv(ENV_VAR, str(fake_program(tmp_path, "sleep 30")))
    o, _ = neuron()
    o.backward()
    graph = draw_dot(o)
    start = time.perf_counter()
    with pytest.raises(draw_module.RenderError) as error:
        save(graph, tmp_path / "g.svg", timeout=0.5)
    assert time.perf_counter() - start < 5
    message = str(error.value)
    assert "\n" not in message and "within 0.5 s" in message
    assert "collapse" in message and "smaller expression" in message
    assert not (tmp_path / "g.svg").exists()
    graph = draw_dot(o, timeout=0.5)  # the same bound for pipe(), save() and Jupyter
    with pytest.raises(draw_module.RenderError, match=r"within 0\.5 s"):
        graph.pipe(format="svg")
    with pytest.raises(draw_module.RenderError, match=r"within 0\.5 s"):
        save(graph, tmp_path / "g.png")
    for bad in (0, -1.0, float("nan"), "5"):
        with pytest.raises(ValueError, match="timeout must be a positive number"):
            save(graph, tmp_path / "g.svg", timeout=bad)


def sum_of_x(terms: int) -> Value:
    """x + x + ... + x: every + uses x, so x's edges reach over the whole graph."""
    x = Value(2.0, label="x")
    y = x
    for _ in range(terms - 1):
        y = y + x
    y.backward()
    return y


def test_a_graph_whose_layout_would_take_minutes_is_refused_at_once():
    import time

    start = time.perf_counter()
    with pytest.raises(GraphTooLargeError) as error:
        draw_dot(sum_of_x(150))  # 299 boxes: under max_nodes, but minutes of layout
    assert time.perf_counter() - start < 1
    message = str(error.value)
    assert "299 boxes" in message and "max_layout=2000" in message
    assert "smaller expression" in message and "\n" not in message
    assert draw_dot(sum_of_x(150), max_layout=100_000).source.count("->") == 2 * 149 + 149


def test_what_is_accepted_by_default_renders_in_a_few_seconds(clean_env):
    import time

    for graph in (sum_of_x(45), draw_dot(chain(160), warn_no_backward=False)):
        graph = draw_dot(graph) if isinstance(graph, Value) else graph
        start = time.perf_counter()
        assert "<svg" in graph.pipe(format="svg", encoding="utf-8")
        assert time.perf_counter() - start < 5


def custom_op_of(name: str, x: Value) -> Value:
    from micrograd.engine import Op, apply

    return apply(Op(name, lambda a: 2 * a, lambda a, out: (2.0,)), [x])


@pytest.mark.parametrize(
    ("label", "op", "shown_label", "shown_op"),
    [
        ("nul\x00here", "op", "nul\\x00here", "op"),
        ("lone\udcffsurrogate", "op", "lone\\udcffsurrogate", "op"),
        ("x", "back\\slash", "x", "back\\slash"),
        ("x", "<<b>bold</b>>", "x", "<<b>bold</b>>"),
        ("&amp;", "&lt;", "&amp;", "&lt;"),
        ("tab\there", "\\N", "tab\\there", "\\N"),
    ],
)
def test_any_label_or_op_name_is_drawn_literally(clean_env, label, op, shown_label, shown_op):
    out = custom_op_of(op, Value(1.0, label=label))
    out.backward()
    svg = draw_dot(out).pipe(format="svg", encoding="utf-8")
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    assert shown_label in texts and shown_op in texts
    assert "<b>" not in svg  # no HTML-like label


@pytest.mark.slow
def test_forgot_backward_in_a_jupyter_kernel_is_a_note_without_temp_files(clean_env):
    """In a kernel the warning would name /tmp/ipykernel_.../123.py and repeat the line."""
    import nbformat
    from nbclient import NotebookClient

    code = (
        "from micrograd import Value\nfrom micrograd.draw import draw_dot\n"
        "x = Value(2.0, label='x')\ngraph = draw_dot(x * x)"
    )
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(code)]
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = notebook.cells[0].outputs
    streams = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    assert "ipykernel" not in streams and "draw_dot(x * x)" not in streams
    (note,) = [o for o in outputs if o["output_type"] == "display_data"]
    assert "did you forget to call backward()?" in note["data"]["text/plain"]


@pytest.mark.skipif(sys.platform == "win32", reason="the fake dot is a shell script")
@pytest.mark.parametrize("body", ['echo "$@"', "echo '<svg><g>not closed'"])
def test_a_renderer_giving_no_picture_is_a_render_error(clean_env, tmp_path, body):
    from micrograd.stepper import export_html

    clean_env.setenv(ENV_VAR, str(fake_program(tmp_path, body)))
    o, _ = neuron()
    with pytest.raises(draw_module.RenderError) as error:
        save(draw_dot(o, warn_no_backward=False), tmp_path / "g.png")
    assert "did not return a png picture" in str(error.value)
    with pytest.raises(draw_module.RenderError, match=r"svg|SVG"):
        export_html(o, tmp_path / "steps.html")
    assert not (tmp_path / "g.png").exists() and not (tmp_path / "steps.html").exists()


def test_render_and_save_write_the_source_and_the_picture_atomically(clean_env, tmp_path):
    o, _ = neuron()
    o.backward()
    graph = draw_dot(o)
    out = Path(graph.render("graph", directory=tmp_path, format="png"))
    assert out == tmp_path / "graph.png" and out.read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "graph").read_text() == graph.source
    out = Path(graph.render(outfile=tmp_path / "other.svg", cleanup=True))
    assert "<svg" in out.read_text() and not (tmp_path / "graph").exists()
    assert graph.save(tmp_path / "g.gv") == str(tmp_path / "g.gv")
    assert (tmp_path / "g.gv").read_text() == graph.source
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.gv", "graph.png", "other.svg"]
