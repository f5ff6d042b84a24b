"""Draw a computation graph: every Value as a box with its label, data and grad.

>>> from micrograd import Value
>>> x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(6.8814, label="b")
>>> y = (x * w + b).tanh()
>>> y.backward()
>>> graph = draw_dot(y)                  # a graphviz.Digraph: Jupyter shows it as SVG
>>> graph.source.splitlines()[2].strip()
'n0 [label="{ x | data 2 | grad -1.5 }" fillcolor="#cfe2ff" shape=record style=filled]'
>>> save(graph, "graph.svg")             # doctest: +SKIP
PosixPath('graph.svg')

Nodes are numbered in topological order (inputs first) and edges follow the operands'
order, so the DOT source of a graph is the same on every run and can be compared in tests.

**Rendering** (turning the DOT source into a picture) is the job of
:mod:`micrograd.renderer`: it finds Graphviz's ``dot`` (``MICROGRAD_DOT``, a system ``dot``, or
``graphviz-pure``, which needs no system package) and runs it with a time limit. Its names
(``save``, ``find_renderer``, ``RenderError`` ...) can be imported from here too. Without a
renderer the graph still carries its DOT source: Jupyter shows the source with a warning
that says how to fix it, and saving raises :class:`RendererNotFoundError`.
"""

from __future__ import annotations

import sys
import unicodedata
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import graphviz

from micrograd.engine import Value, topological_order
from micrograd.ledger import format_number
from micrograd.renderer import (
    ENV_VAR,
    ComputationGraph,
    RendererNotFoundError,
    RendererNotFoundWarning,
    RenderError,
    find_renderer,
    save,
)

__all__ = [
    "ENV_VAR",
    "ComputationGraph",
    "ForgotBackwardWarning",
    "GraphTooLargeError",
    "RenderError",
    "RendererNotFoundError",
    "RendererNotFoundWarning",
    "draw_dot",
    "find_renderer",
    "format_number",
    "module_groups",
    "save",
]

FIELDS = ("label", "data", "grad")
DEFAULT_MAX_NODES = 500
# Boxes plus ranks passed over by edges (see _passed_ranks): x + x + ... + x with 45 terms
# (about 2,000) lays out in under a second, 60 terms (3,500) take 2-3 s, 100 terms a minute.
DEFAULT_MAX_LAYOUT = 2000
RANKDIRS = ("LR", "RL", "TB", "BT")
FORGOT_BACKWARD = (
    "all gradients are 0: did you forget to call backward()? "
    "Call out.backward() on the output before drawing to see the gradients."
)

# Fill colours of the roles a Value plays, and the legend text for each.
ROLE_COLOURS = {
    "input": "#cfe2ff",  # blue: data given to the computation
    "parameter": "#ffe0b2",  # orange: what training changes
    "constant": "#eeeeee",  # grey: plain numbers in the formula
    "intermediate": "#ffffff",  # white: computed along the way
    "output": "#c8e6c9",  # green: the root being drawn
    "collapsed": "#e1d5f0",  # purple: a neuron or layer drawn as one box
}
HIGHLIGHT = {"color": "#d62728", "penwidth": "3"}


class GraphTooLargeError(ValueError):
    """The graph has more boxes than ``max_nodes``, or a layout larger than ``max_layout``
    (long edges make Graphviz slow): collapse it, draw less, or raise the limit."""


class ForgotBackwardWarning(UserWarning):
    """The graph is drawn with every gradient 0: ``backward()`` was probably not called."""


# --------------------------------------------------------------------------------------
# Which box a Value goes in: collapsing neurons and layers
# --------------------------------------------------------------------------------------


def module_groups(module: Any, depth: int | None = None) -> dict[Value, str]:
    """Map each parameter of ``module`` to the name of the module that owns it.

    For :func:`draw_dot`'s ``collapse=``: ``depth=None`` gives one group per neuron
    (``'layers.0.neurons.3'``), ``depth=1`` one group per layer (``'layers.0'``).

    >>> from micrograd.nn import MLP                        # doctest: +SKIP
    >>> set(module_groups(MLP(2, [3, 1]), depth=1).values())  # doctest: +SKIP
    {'layers.0', 'layers.1'}
    """
    if depth is not None and depth < 1:
        raise ValueError(f"module_groups: depth must be 1 or more (or None), got {depth!r}.")
    groups: dict[Value, str] = {}
    for name, parameter in module.named_parameters():
        # 'layers.0.neurons.3.w.1' -> levels [layers.0, neurons.3], attribute 'w', index 1
        parts = name.split(".")
        if len(parts) > 1 and parts[-1].isdigit():
            parts.pop()  # the index in a list of weights
        parts.pop()  # the attribute, e.g. 'w' or 'b'
        levels: list[str] = []
        for part in parts:
            if part.isdigit() and levels:
                levels[-1] += "." + part
            else:
                levels.append(part)
        groups[parameter] = ".".join(levels[:depth]) or type(module).__name__
    return groups


def _group_seeds(collapse: Any) -> dict[Value, str]:
    """Turn the many accepted forms of ``collapse=`` into {Value: group name}."""
    if collapse is None:
        return {}
    if hasattr(collapse, "named_parameters"):  # a micrograd.nn Module
        return module_groups(collapse)
    if isinstance(collapse, Mapping):
        seeds: dict[Value, str] = {}
        for key, item in collapse.items():
            if isinstance(key, Value):  # {value: "group name"}
                seeds[key] = str(item)
            elif isinstance(key, str):  # {"group name": [values] or a Module}
                for v in _values_of(item, f"collapse[{key!r}]"):
                    seeds[v] = key
            else:
                raise TypeError(_collapse_help(f"a key of type {type(key).__name__}"))
        return seeds
    if isinstance(collapse, Iterable) and not isinstance(collapse, (str, bytes, Value)):
        seeds = {}
        for k, item in enumerate(collapse):  # [module or list of values, ...]
            name = f"{type(item).__name__} {k}" if hasattr(item, "parameters") else f"group {k}"
            for v in _values_of(item, f"collapse[{k}]"):
                seeds[v] = name
        return seeds
    raise TypeError(_collapse_help(f"{type(collapse).__name__}: {collapse!r}"))


def _values_of(item: Any, where: str) -> list[Value]:
    values = list(item.parameters()) if hasattr(item, "parameters") else item
    if isinstance(values, Value) or not isinstance(values, Iterable):
        values = [values]
    values = list(values)
    for v in values:
        if not isinstance(v, Value):
            raise TypeError(_collapse_help(f"{where} holds a {type(v).__name__}: {v!r}"))
    return values


def _collapse_help(problem: str) -> str:
    return (
        f"draw_dot(collapse=...) got {problem}. Give a micrograd.nn Module (one box per "
        "neuron), module_groups(model, depth=1) (one box per layer), a dict {Value: 'name'}, "
        "a dict {'name': [Values]} or a list of Modules or of lists of Values."
    )


def _assign_groups(order: list[Value], seeds: Mapping[Value, str]) -> dict[Value, str]:
    """Spread each group from its seeds (usually parameters) to the nodes computed in it.

    A node joins a group if it uses one of the group's seed leaves directly (a neuron's
    ``w * x`` or ``dot``), or if all its parents are in that one group (the neuron's
    additions and activation). A node mixing groups, or a group and outside values (the
    loss), stays outside.
    """
    group_of: dict[Value, str] = {}
    if not seeds:
        return group_of
    for v in order:  # parents before children
        if v in seeds:
            group_of[v] = seeds[v]
        elif v.parents:
            owned = [seeds[p] for p in v.parents if p.is_leaf and p in seeds]
            parent_groups = {group_of.get(p) for p in v.parents}
            if owned:
                group_of[v] = owned[0]
            elif len(parent_groups) == 1 and None not in parent_groups:
                group_of[v] = parent_groups.pop()
    return group_of


# --------------------------------------------------------------------------------------
# Roles and labels
# --------------------------------------------------------------------------------------


def _as_set(values: Any, name: str) -> set[Value]:
    if values is None:
        return set()
    if hasattr(values, "parameters"):
        values = values.parameters()
    if isinstance(values, Value):
        values = [values]
    result = set(values)
    for v in result:
        if not isinstance(v, Value):
            raise TypeError(f"draw_dot({name}=...) needs Values, got {type(v).__name__}: {v!r}.")
    return result


def _role(v: Value, root: Value, params: set[Value], inputs: set[Value]) -> str:
    """input, parameter, constant, intermediate or output: what ``v`` is to the computation."""
    if v is root:
        return "output"
    if v.parents:
        return "intermediate"
    if v in params:
        return "parameter"
    if v in inputs:
        return "input"
    if not v.label:
        return "constant"  # an unlabelled number, such as the 1 in 1 - x
    # A labelled leaf nobody classified: if only the inputs were named, it is a parameter;
    # otherwise (only parameters named, or nothing named) it is an input.
    return "parameter" if inputs and not params else "input"


def _literal(text: str) -> str:
    """``text`` as Graphviz should show it, character for character.

    Graphviz ends a label at a NUL and UTF-8 cannot encode a lone surrogate, so control
    characters and surrogates are shown as their escapes (``\\x00``); it decodes HTML
    entities in every label, so ``&`` becomes ``&amp;`` and ``"&amp;"`` stays ``"&amp;"``.
    """
    text = text.replace("\n", " ")
    shown = (
        c.encode("unicode_escape", "backslashreplace").decode("ascii")
        if unicodedata.category(c) in ("Cc", "Cs")
        else c
        for c in text
    )
    return "".join(shown).replace("&", "&amp;")


def _escape(text: str) -> str:
    """Escape ``text`` for a record label, where ``\\{}|<>"`` have a meaning."""
    text = _literal(text)
    for char in '\\{}|<>"':
        text = text.replace(char, "\\" + char)
    return text


def _plain(text: str) -> str:
    """Escape ``text`` for a plain label (an op's oval): no HTML-like label, no ``\\N``."""
    return graphviz.nohtml(_literal(text).replace("\\", "\\\\"))


def _record(fields: list[str], rankdir: str) -> str:
    """A record label: fields side by side (in LR/RL the braces turn the record sideways)."""
    body = " | ".join(fields) if fields else " "
    return "{ " + body + " }" if rankdir in ("LR", "RL") else body


# --------------------------------------------------------------------------------------
# draw_dot
# --------------------------------------------------------------------------------------


def draw_dot(
    root: Value,
    rankdir: str = "LR",
    show: Iterable[str] = FIELDS,
    highlight: Iterable[Value] | Value = (),
    roles: bool = True,
    legend: bool = True,
    collapse: Any = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    precision: int = 4,
    *,
    max_layout: int = DEFAULT_MAX_LAYOUT,
    timeout: float | None = None,
    params: Any = None,
    inputs: Any = None,
    expand_dot: bool = False,
    grads: Mapping[Value, float] | None = None,
    warn_no_backward: bool = True,
    format: str = "svg",  # noqa: A002 - the name graphviz uses
) -> ComputationGraph:
    """The computation graph of ``root`` as a ``graphviz.Digraph`` (shown as SVG in Jupyter).

    Each Value is a box showing its label, data and grad; each op is an oval between
    the boxes of its operands and the box of its result. ``graph.node_ids`` maps each
    Value to the DOT id of its box (``"n3"``, or ``"g1"`` for a collapsed group), which is
    also the ``<title>`` of the box in the SVG; ``graph.shown_grads`` maps the id of each
    box showing a grad to the Value whose grad it shows. Labels and op names are drawn
    literally.

    Args:
        root: the Value to draw, with everything it was computed from.
        rankdir: "LR" (inputs on the left), "RL", "TB" (inputs on top) or "BT".
        show: which fields the boxes show, any of "label", "data", "grad".
        highlight: Values to outline in red, with the op and edges that made them.
        roles: colour inputs, parameters, constants, intermediate values and the output.
        legend: with ``roles``, add a legend of the colours used.
        collapse: draw groups of nodes as one box each, for large models: a micrograd.nn
            Module (one box per neuron), ``module_groups(model, depth=1)`` (per layer),
            a dict ``{Value: "name"}`` or ``{"name": [Values]}``, or a list of Modules or of
            lists of Values. A group grows from the given Values (usually parameters) to
            the nodes computed from them and nothing else.
        max_nodes: refuse (:class:`GraphTooLargeError`) to draw more boxes than this;
            Graphviz layout becomes slow and the picture unreadable.
        max_layout: refuse (:class:`GraphTooLargeError`) a graph whose layout would take
            Graphviz more than a few seconds. Its size is estimated as the boxes plus one
            for each rank an edge passes over (a value reused far downstream, as x in
            ``x + x + ... + x``, makes long edges, and their crossings are what is slow).
        precision: significant digits of data and grad.
        timeout: seconds the renderer may take to draw the graph (``.pipe()``, display in
            Jupyter, ``save``); default ``micrograd.renderer.DEFAULT_TIMEOUT`` (10 s).
        params: the parameters (Values or a Module), coloured as parameters. Labelled leaves
            that are not listed are then inputs.
        inputs: the inputs, coloured as inputs. If neither is given, labelled leaves are
            inputs and unlabelled ones constants.
        expand_dot: draw each n-ary ``dot`` node (a neuron's weighted sum) as its
            ``w_i * x_i`` products and a ``+``, as taught.
        grads: show these gradients instead of ``.grad`` (e.g. the gradients known so far
            in a step-through); Values not in it show ``grad ?``.
        warn_no_backward: warn (:class:`ForgotBackwardWarning`) if every gradient is 0.
        format: the default format of ``.pipe()``/``.render()``.

    >>> a = Value(3.0, label="a")
    >>> g = draw_dot(a * a, show=("data",), warn_no_backward=False)
    >>> [line.strip() for line in g.source.splitlines() if "->" in line]
    ['n0 -> op1', 'n0 -> op1', 'op1 -> n1']
    """
    if not isinstance(root, Value):
        raise TypeError(
            f"draw_dot needs a Value (the result of a computation), got "
            f"{type(root).__name__}: {root!r}."
        )
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw_dot: rankdir must be one of {RANKDIRS}, got {rankdir!r}.")
    show = (show,) if isinstance(show, str) else tuple(show)
    unknown = [f for f in show if f not in FIELDS]
    if unknown:
        raise ValueError(f"draw_dot: show={show!r} has unknown fields {unknown}; use {FIELDS}.")
    if not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"draw_dot: max_nodes must be a positive int, got {max_nodes!r}.")
    if not isinstance(precision, int) or not 1 <= precision <= 17:
        raise ValueError(f"draw_dot: precision must be an int from 1 to 17, got {precision!r}.")

    order = _drawing_order(root)  # inputs first: node numbers follow this order
    number = {v: i for i, v in enumerate(order)}
    seeds = _group_seeds(collapse)
    group_of = _assign_groups(order, seeds)
    members, outputs = _group_members(order, group_of, root)

    size = _count_boxes(order, group_of, expand_dot) + len(members)
    if size > max_nodes:
        raise GraphTooLargeError(_too_large(size, max_nodes, collapsed=collapse is not None))
    if not isinstance(max_layout, int) or max_layout < 1:
        raise ValueError(f"draw_dot: max_layout must be a positive int, got {max_layout!r}.")
    layout = size + _passed_ranks(order, group_of)
    if layout > max_layout:
        raise GraphTooLargeError(_too_slow(size, layout, max_layout))

    highlight = {highlight} if isinstance(highlight, Value) else set(highlight)
    for v in highlight:
        if v not in number:
            raise ValueError(f"draw_dot: highlight={v!r} is not part of the graph of {root!r}.")

    if warn_no_backward and grads is None and root.parents and all(v.grad == 0.0 for v in order):
        _warn_forgot_backward()

    drawer = _Drawer(rankdir, show, precision, grads, highlight, roles)
    graph = ComputationGraph(format=format, graph_attr={"rankdir": rankdir})
    graph.timeout = timeout
    # Without params=, the leaves a collapse grows from (a model's parameters) are parameters.
    params_set = _as_set(params, "params") if params is not None else set(seeds)
    inputs_set = _as_set(inputs, "inputs") | _fed_with(order, params_set)
    group_ids = {name: f"g{k}" for k, name in enumerate(members)}
    used_roles: set[str] = set()
    group_edges: set[tuple[str, str]] = set()

    def connect(p: Value, head: str, hot: bool) -> None:
        """An edge from p's box to ``head``; edges into or out of a group box are drawn once."""
        tail = group_ids[group_of[p]] if p in group_of else f"n{number[p]}"
        if p in group_of or head.startswith("g"):
            if (tail, head) in group_edges:
                return
            group_edges.add((tail, head))
        graph.edge(tail, head, **(HIGHLIGHT if hot else {}))

    for v in order:
        i = number[v]
        if v in group_of:
            name = group_of[v]
            graph.node_ids[v] = group_ids[name]
            if v is members[name][0]:  # draw the group's box where its first member is
                drawer.group_box(graph, group_ids[name], name, members[name], outputs[name])
                used_roles.add("collapsed")
            for p in v.parents:
                if group_of.get(p) != name:
                    connect(p, group_ids[name], v in highlight)
            continue

        role = _role(v, root, params_set, inputs_set)
        used_roles.add(role)
        graph.node_ids[v] = f"n{i}"
        drawer.value_box(graph, f"n{i}", v, role)
        if not v.parents:
            continue
        hot = v in highlight
        if expand_dot and v.op == "dot":
            drawer.expanded_dot(graph, i, v, connect, hot)
        else:
            graph.node(f"op{i}", _plain(v.op), shape="ellipse", **(HIGHLIGHT if hot else {}))
            for p in v.parents:  # in operand order
                connect(p, f"op{i}", hot)
        graph.edge(f"op{i}", f"n{i}", **(HIGHLIGHT if hot else {}))

    if roles and legend:
        _add_legend(graph, used_roles)
    return graph


def _warn_forgot_backward() -> None:
    """Warn at the caller of draw_dot; in a Jupyter kernel, show a note below the cell instead.

    A kernel would print its temporary file name, a line number and the source line again.
    The warning filters still decide (an ignored warning shows no note either).
    """
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    if type(shell).__name__ != "ZMQInteractiveShell":
        warnings.warn(FORGOT_BACKWARD, ForgotBackwardWarning, stacklevel=3)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn(FORGOT_BACKWARD, ForgotBackwardWarning, stacklevel=3)
    if caught:
        from IPython.display import display

        note = f"Note (ForgotBackwardWarning): {FORGOT_BACKWARD}"
        display(
            {"text/plain": note, "text/html": f"<p><b>Note:</b> {FORGOT_BACKWARD}</p>"}, raw=True
        )


def _too_large(size: int, max_nodes: int, collapsed: bool) -> str:
    """The refusal, with the advice that fits: collapse first, then draw less."""
    if not collapsed:
        advice = (
            "Collapse neurons into one box each with draw_dot(out, collapse=model) (or layers "
            "with collapse=module_groups(model, depth=1)), draw a smaller part (e.g. one "
            "neuron's output)"
        )
    else:
        advice = (
            "Collapse more (layers: collapse=module_groups(model, depth=1)), or draw the "
            "graph of one data point instead of a whole batch (e.g. model(X[0]))"
        )
    return (
        f"draw_dot: this graph needs {size} boxes, more than max_nodes={max_nodes}; Graphviz "
        f"would be slow and the picture unreadable. {advice}, or raise the limit with "
        f"max_nodes={size}."
    )


def _too_slow(size: int, layout: int, max_layout: int) -> str:
    return (
        f"draw_dot: this graph has {size} boxes, but its edges pass over so many ranks that "
        f"Graphviz would lay out about {layout} nodes, more than max_layout={max_layout}, "
        "and take minutes (a value reused far downstream makes long edges). Draw a smaller "
        f"expression or a part of it, or raise the limit with max_layout={layout}."
    )


def _passed_ranks(order: list[Value], group_of: Mapping[Value, str]) -> int:
    """How many ranks the edges pass over in the layout: Graphviz adds a node for each.

    Ranks are estimated as Graphviz makes them: a computed box two ranks after its latest
    parent (its op oval between), a leaf just before its first use. Collapsed groups are
    left out (they make short graphs).
    """
    rank: dict[Value, int] = {}
    for v in order:
        if v.parents and v not in group_of:
            rank[v] = 2 + max(rank.get(p, 0) for p in v.parents)
    for v in reversed(order):  # pull each leaf next to its first use
        for p in v.parents:
            if p.is_leaf and v in rank:
                rank[p] = min(rank.get(p, rank[v]), rank[v] - 2)
    return sum(
        max(0, rank[v] - rank[p] - 2)  # the edge p -> op ends one rank before v
        for v in order
        if v in rank
        for p in v.parents
        if p in rank
    )


def _drawing_order(root: Value) -> list[Value]:
    """The engine's topological order, with the leaves in the order the ops first use them.

    So ``x * w`` numbers x before w, and Graphviz stacks x above w as the formula reads.
    """
    computed = [v for v in topological_order(root) if not v.is_leaf]
    if not computed:
        return [root]
    return [*dict.fromkeys(p for v in computed for p in v.parents if p.is_leaf), *computed]


def _fed_with(order: list[Value], params: set[Value]) -> set[Value]:
    """Unlabelled leaves used in the same op as a parameter (the x in w * x): inputs."""
    return {
        p
        for v in order
        if any(q in params for q in v.parents)
        for p in v.parents
        if not p.parents and not p.label and p not in params
    }


def _group_members(
    order: list[Value], group_of: Mapping[Value, str], root: Value
) -> tuple[dict[str, list[Value]], dict[str, list[Value]]]:
    """The members of each group, and its outputs (members used outside it, or the root).

    Groups come in the order they compute (their first computed member), so the first
    layer's boxes come first although every layer's parameters are leaves; each group's
    first member is where its box is drawn.
    """
    computed = [v for v in order if v in group_of and v.parents]
    leaves = [v for v in order if v in group_of and not v.parents]
    members: dict[str, list[Value]] = {}
    for v in computed + leaves:
        members.setdefault(group_of[v], []).append(v)
    outputs: dict[str, dict[Value, None]] = {name: {} for name in members}  # ordered sets
    for v in order:
        for p in v.parents:
            if p in group_of and group_of.get(v) != group_of[p]:
                outputs[group_of[p]][p] = None
    if root in group_of:
        outputs[group_of[root]][root] = None
    return members, {name: list(found) for name, found in outputs.items()}


def _count_boxes(order: list[Value], group_of: Mapping[Value, str], expand_dot: bool) -> int:
    """How many Graphviz nodes the drawing will have (value boxes, ops, expanded products)."""
    count = 0
    for v in order:
        if v in group_of:
            continue
        count += 1 if not v.parents else 2
        if expand_dot and v.op == "dot":
            count += 2 * (len(v.parents) // 2)
    return count


@dataclass
class _Drawer:
    """The drawing settings, and how one box of each kind is drawn with them."""

    rankdir: str
    show: tuple[str, ...]
    precision: int
    grads: Mapping[Value, float] | None
    highlight: set[Value]
    roles: bool

    def fields(self, label: str, data: float, grad: float | None) -> list[str]:
        fields = []
        for field in self.show:
            if field == "label" and label:
                fields.append(_escape(label))
            elif field == "data":
                fields.append(f"data {format_number(data, self.precision)}")
            elif field == "grad":
                shown = "?" if grad is None else format_number(grad, self.precision)
                fields.append(f"grad {shown}")
        return fields

    def grad_of(self, v: Value) -> float | None:
        return v.grad if self.grads is None else self.grads.get(v)

    def style(self, role: str, hot: bool) -> dict[str, str]:
        style = {"shape": "record"}
        if self.roles:
            style.update(style="filled", fillcolor=ROLE_COLOURS[role])
        if hot:
            style.update(HIGHLIGHT)
        return style

    def value_box(self, graph: ComputationGraph, node_id: str, v: Value, role: str) -> None:
        graph.shown_grads[node_id] = v
        label = _record(self.fields(v.label, v.data, self.grad_of(v)), self.rankdir)
        graph.node(node_id, label, **self.style(role, v in self.highlight))

    def group_box(
        self, graph: ComputationGraph, gid: str, name: str, members: list, outputs: list
    ) -> None:
        """One box for a collapsed neuron or layer: its name, its size and its output."""
        fields = [_escape(name), f"{len(members)} Value{'s' if len(members) != 1 else ''}"]
        if len(outputs) == 1:  # e.g. a neuron's activation: show its data and grad
            fields += self.fields("", outputs[0].data, self.grad_of(outputs[0]))
            graph.shown_grads[gid] = outputs[0]
        hot = any(u in self.highlight for u in members)
        graph.node(gid, _record(fields, self.rankdir), **self.style("collapsed", hot))

    def expanded_dot(
        self, graph: ComputationGraph, i: int, v: Value, connect: Any, hot: bool
    ) -> None:
        """A ``dot`` node drawn as the products w_j * x_j and one '+', as in a textbook."""
        n = len(v.parents) // 2
        weights, xs, bias = v.parents[:n], v.parents[n : 2 * n], v.parents[2 * n :]
        grad = self.grad_of(v)  # d v / d (w_j * x_j) = 1: each product has v's gradient
        edge_style = HIGHLIGHT if hot else {}
        graph.node(f"op{i}", "+", shape="ellipse", **edge_style)
        for j, (w, x) in enumerate(zip(weights, xs)):
            label = f"{w.label}*{x.label}" if w.label and x.label else ""
            fields = self.fields(label, w.data * x.data, grad)
            graph.node(f"op{i}_{j}", "*", shape="ellipse")
            connect(w, f"op{i}_{j}", False)
            connect(x, f"op{i}_{j}", False)
            graph.node(
                f"n{i}_{j}", _record(fields, self.rankdir), **self.style("intermediate", False)
            )
            graph.shown_grads[f"n{i}_{j}"] = v
            graph.edge(f"op{i}_{j}", f"n{i}_{j}")
            graph.edge(f"n{i}_{j}", f"op{i}", **edge_style)
        for b in bias:
            connect(b, f"op{i}", hot)


def _add_legend(graph: graphviz.Digraph, used_roles: set[str]) -> None:
    """One small table naming the colours used, in the order of ROLE_COLOURS."""
    cells = "".join(
        f'<td bgcolor="{colour}">{"collapsed group" if role == "collapsed" else role}</td>'
        for role, colour in ROLE_COLOURS.items()
        if role in used_roles
    )
    table = (
        f'<table border="0" cellborder="1" cellspacing="2" cellpadding="3"><tr>{cells}</tr></table>'
    )
    graph.node("legend", f"<{table}>", shape="plaintext", fontsize="10")
