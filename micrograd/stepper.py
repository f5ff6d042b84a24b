"""Step through the backward pass one node at a time.

``out.backward()`` does all of its work at once. Here the same pass is cut into steps: at
each step one node hands its gradient back to its parents, and you can see which node it
is, its upstream gradient (``node.grad`` at that moment), the local derivative of each
edge and what it adds to each parent's ``.grad``.

>>> from micrograd import Value
>>> x, w = Value(2.0, label="x"), Value(-3.0, label="w")
>>> y = x * w
>>> y.label = "y"
>>> for step in backward_steps(y):
...     print(step)
step 1: y (op *, data -6) passes back its grad 1
  to x: local derivative dy/dx = -3, adds -3 * 1 = -3, x.grad 0 -> -3
  to w: local derivative dy/dw = 2, adds 2 * 1 = 2, w.grad 0 -> 2
>>> x.grad, w.grad
(-3.0, 2.0)

Three ways to look at it:

- :func:`backward_steps` runs the pass for real, one step per ``next()``; when it is
  exhausted the graph is exactly as ``out.backward()`` leaves it.
- :func:`record_backward` runs it on the side (``.grad`` is left untouched) and keeps a
  snapshot of every gradient after every step: the frames of the pictures below.
- :func:`step_through` (a Jupyter widget) and :func:`export_html` (one self-contained
  HTML page for any browser) show those frames as graph drawings with the current node
  highlighted and a text panel.
"""

from __future__ import annotations

import html
import os
import re
import string
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import islice
from pathlib import Path
from types import MappingProxyType
from typing import Any

from micrograd import engine
from micrograd._files import atomic_write, check_file_path
from micrograd.engine import Value, topological_order
from micrograd.ledger import format_number, node_names

__all__ = [
    "BackwardStep",
    "BackwardTrace",
    "GradContribution",
    "StepThrough",
    "backward_steps",
    "count_steps",
    "export_html",
    "frame_graph",
    "frame_svg",
    "record_backward",
    "step_through",
]


# --------------------------------------------------------------------------------------
# The records
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GradContribution:
    """What one step adds to one parent's gradient: ``contribution = local_grad * upstream``.

    ``operand`` is the parent's position among the node's parents (``a * a`` hands back
    twice to ``a``: operand 0 and operand 1). ``grad_before``/``grad_after`` are the
    parent's ``.grad`` just before and just after this addition.
    """

    parent: Value
    operand: int
    local_grad: float
    contribution: float
    grad_before: float
    grad_after: float


@dataclass(frozen=True, slots=True)
class BackwardStep:
    """One step of the backward pass: ``node`` passes its gradient back to its parents.

    ``index`` counts from 0; ``upstream`` is ``node.grad`` when the node is processed
    (d output / d node, complete by then because every use of the node came before it);
    ``contributions`` has one entry per parent edge, in operand order.
    """

    index: int
    node: Value
    upstream: float
    contributions: tuple[GradContribution, ...]

    def describe(self, names: Mapping[Value, str] | None = None, precision: int = 4) -> str:
        """The step in words, one line for the node and one per parent edge.

        ``names`` maps Values to names (default: labels, else op names); numbers are
        shown with ``precision`` significant digits.
        """
        name = (lambda v: names[v]) if names is not None else _fallback_name

        def fmt(x: float) -> str:
            return format_number(x, precision)

        node = name(self.node)
        lines = [
            f"step {self.index + 1}: {node} (op {self.node.op}, data "
            f"{fmt(self.node.data)}) passes back its grad "
            f"{fmt(self.upstream)}"
        ]
        for c in self.contributions:
            parent = name(c.parent)
            lines.append(
                f"  to {parent}: local derivative d{_short(node)}/d{_short(parent)} = "
                f"{fmt(c.local_grad)}, adds {fmt(c.local_grad)} * "
                f"{fmt(self.upstream)} = {fmt(c.contribution)}, "
                f"{_short(parent)}.grad {fmt(c.grad_before)} -> "
                f"{fmt(c.grad_after)}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe()


def _fallback_name(v: Value) -> str:
    return v.label or f"({v.op or format_number(v.data)})"


def _short(name: str) -> str:
    """Parenthesise a name that is not one term, so d(a * b)/da and d(x1*w1)/dx1 read
    well; a name, a call such as tanh(x*w + b) or a bracketed name stays as it is."""
    return name if name.isidentifier() or _one_call(name) else f"({name})"


def _one_call(name: str) -> bool:
    """``f(...)`` or ``(...)``: a name or nothing, then one bracket that closes at the end."""
    head, bracket, _ = name.partition("(")
    if not bracket or not (head == "" or head.isidentifier()) or not name.endswith(")"):
        return False
    depth = 0
    for char in name[len(head) : -1]:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return False  # the first bracket closed before the end: (a) + (b)
    return depth == 1


# --------------------------------------------------------------------------------------
# The steps, for real
# --------------------------------------------------------------------------------------


def backward_steps(root: Value) -> Iterator[BackwardStep]:
    """Run ``root.backward()`` one node at a time, yielding a :class:`BackwardStep` each.

    Same semantics as ``root.backward()``, same order, same float operations: on the
    first ``next()`` every grad of the graph is set to 0 (the leaves' earlier grads are
    remembered) and ``root.grad`` to 1; each step is applied to the parents' ``.grad``
    just before it is yielded, so during the pass ``.grad`` holds this call's gradient;
    when the generator is exhausted the leaves add back what they had from earlier
    calls. Then every ``.grad`` is exactly (bit for bit) what ``root.backward()`` would
    have left: interior nodes this call's gradient, leaves accumulated across calls.
    Stop halfway and the graph is halfway.

    A leaf root has no steps (its grad just goes up by 1, as with ``backward()``).

    >>> from micrograd import Value
    >>> a = Value(3.0, label="a")
    >>> steps = list(backward_steps(a * a + a))
    >>> [len(s.contributions) for s in steps], a.grad
    ([2, 2], 7.0)
    """
    _check_root(root, "backward_steps")
    return _steps(root)


def _steps(root: Value) -> Iterator[BackwardStep]:
    # Value.backward(), one node at a time: the engine's own start, chain rule and end, so
    # stepping leaves exactly what backward() leaves. This only describes each step.
    leaves, computed = engine._depth_first(root)
    earlier = [leaf.grad for leaf in leaves]  # leaves accumulate across calls
    engine._start_pass(root, leaves, computed)
    for index, node in enumerate(reversed(computed)):  # outputs before inputs
        upstream = node.grad
        contributions = []
        running: dict[Value, float] = {}  # a parent's grad as this node's edges add to it
        for operand, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            before = running.get(parent, parent.grad)
            contribution = local * upstream
            running[parent] = before + contribution
            contributions.append(
                GradContribution(parent, operand, local, contribution, before, running[parent])
            )
        engine._chain_rule((node,))  # the engine passes this node's gradient back
        yield BackwardStep(index, node, upstream, tuple(contributions))
    engine._add_earlier_grads(leaves, earlier, computed)


# --------------------------------------------------------------------------------------
# The steps on the side, and the gradients after each of them
# --------------------------------------------------------------------------------------

DEFAULT_MAX_STEPS = 300
# Frames x value boxes of one exported page: about 1.4 KB of SVG each (with the ovals and
# edges), so at most ~14 MB and ~1.5 s to write (e.g. an MLP(2, [8, 8, 1]) output).
DEFAULT_MAX_PAGE_BOXES = 10_000


@dataclass(frozen=True, slots=True, eq=False)
class BackwardTrace:
    """A recorded backward pass: the steps, and the gradients after each of them.

    ``nodes`` are all Values of the graph, inputs first; ``before`` their grads before
    the pass. ``snapshots[0]`` maps every node to its grad once the pass has started
    (root 1, every other node 0); ``snapshots[k]`` is the state after step ``k``
    (``steps[k - 1]``). The last snapshot is the state ``root.backward()`` leaves: it
    also includes what the leaves had from earlier calls, which they add at the very end.
    ``names`` are short readable names for the nodes (see
    :func:`micrograd.ledger.node_names`).

    Only the steps are stored (each knows the gradients it changed), so memory grows
    linearly with the number of steps; a snapshot is rebuilt from them when asked for.
    """

    root: Value
    nodes: tuple[Value, ...]
    before: Mapping[Value, float]
    steps: tuple[BackwardStep, ...]
    names: Mapping[Value, str]

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def snapshots(self) -> Sequence[Mapping[Value, float]]:
        """Every node's grad at each frame: ``snapshots[k]`` after step k (rebuilt on demand)."""
        return _Snapshots(self)

    def states(self) -> Iterator[dict[Value, float]]:
        """The gradients at frame 0, 1, ..., len(steps), one dict updated in place."""
        state = dict.fromkeys(self.nodes, 0.0)
        if not self.steps:  # a leaf root: backward() just adds 1 to its grad
            state[self.root] = self.before[self.root] + 1.0
            yield state
            return
        state[self.root] = 1.0
        yield state
        for k, step in enumerate(self.steps, start=1):
            for c in step.contributions:
                state[c.parent] = c.grad_after
            if k == len(self.steps):  # the pass is over: leaves add their earlier grads
                for v in self.nodes:
                    if v.is_leaf:
                        state[v] += self.before[v]
            yield state

    def frame_text(self, frame: int, precision: int = 4) -> str:
        """The words for frame ``frame`` (0 = the seed, k = after step k)."""
        root = _short(self.names[self.root])
        if frame == 0:
            if not self.steps:
                return f"{root} is a leaf: backward() just adds 1 to its grad. Nothing else."
            return (
                f"start: {root}.grad = 1 (d{root}/d{root} = 1), every other grad starts "
                f"from 0. {_steps_follow(len(self.steps))}, outputs before inputs: each node "
                "passes its grad back once all its uses have passed theirs to it."
            )
        text = self.steps[frame - 1].describe(self.names, precision)
        if frame == len(self.steps):
            text += f"\ndone: every grad is now d{root}/d(that node)."
            earlier = [
                f"{self.names[v]} had {format_number(self.before[v], precision)}"
                for v in self.nodes
                if v.is_leaf and self.before[v] != 0.0
            ]
            if earlier:
                text += (
                    "\nThe leaves then add the grads they had from earlier backward() calls "
                    f"({', '.join(earlier)}): leaves accumulate until you zero them."
                )
        return text


def _steps_follow(count: int) -> str:
    return "1 step follows" if count == 1 else f"{count} steps follow"


class _Snapshots(Sequence):
    """The frames' gradients of a trace, each rebuilt from the steps when indexed."""

    def __init__(self, trace: BackwardTrace) -> None:
        self._trace = trace

    def __len__(self) -> int:
        return len(self._trace.steps) + 1

    def __getitem__(self, frame):  # type: ignore[override]
        if isinstance(frame, slice):
            return [self[k] for k in range(*frame.indices(len(self)))]
        k = frame + len(self) if frame < 0 else frame
        if not 0 <= k < len(self):
            raise IndexError(
                f"frame {frame} is out of range: this trace has frames 0..{len(self) - 1}."
            )
        return MappingProxyType(dict(next(islice(self._trace.states(), k, None))))

    def __iter__(self) -> Iterator[Mapping[Value, float]]:  # one pass, not one per frame
        return (MappingProxyType(dict(state)) for state in self._trace.states())


def count_steps(root: Value) -> int:
    """How many steps ``root``'s backward pass has: one per computed (non-leaf) Value."""
    return sum(not v.is_leaf for v in topological_order(root))


def record_backward(root: Value, max_steps: int | None = None) -> BackwardTrace:
    """Record the backward pass of ``root`` step by step, without touching any ``.grad``.

    The pass is run for real with :func:`backward_steps` (so it is the same pass) and
    every gradient is put back afterwards. With ``max_steps``, a pass of more steps is
    refused (``ValueError``) before anything is recorded.

    >>> from micrograd import Value
    >>> a = Value(3.0, label="a")
    >>> trace = record_backward(a * a + a)
    >>> len(trace.steps), trace.snapshots[-1][a], a.grad
    (2, 7.0, 0.0)
    """
    _check_root(root, "record_backward")
    if max_steps is not None:
        _check_size(root, max_steps, "record_backward")
    nodes = tuple(topological_order(root))
    saved = {n: n.grad for n in nodes}
    try:
        steps = tuple(_steps(root))
    finally:
        for node, grad in saved.items():
            node.grad = grad
    return BackwardTrace(
        root=root,
        nodes=nodes,
        before=MappingProxyType(saved),
        steps=steps,
        names=MappingProxyType(node_names(root, nodes)),
    )


def _check_root(root: Value, where: str) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"{where}(root) needs a Value, got {type(root).__name__}: {root!r}.")


def _check_size(root: Value, max_steps: int, where: str) -> None:
    """Refuse a pass of more than ``max_steps`` steps, before recording or drawing any."""
    if not isinstance(max_steps, int) or max_steps < 1:
        raise ValueError(f"{where}: max_steps must be a positive int, got {max_steps!r}.")
    steps = count_steps(root)
    if steps > max_steps:
        raise ValueError(
            f"{where}: this backward pass has {steps} steps, more than "
            f"max_steps={max_steps}; nobody clicks through that many, and every frame is a "
            "full drawing. Step through a smaller graph (e.g. one neuron), or pass "
            f"max_steps={steps}."
        )


# --------------------------------------------------------------------------------------
# Pictures of the frames: the graph with the current node highlighted
# --------------------------------------------------------------------------------------

_CURRENT, _RECEIVING = "mg_current", "mg_receiving"


def _frame_roles(trace: BackwardTrace, frame: int) -> tuple[Value, list[Value]]:
    """The current node of a frame (the root at frame 0) and the parents receiving a share,
    each once, in the order of the step's contributions (a set's order would change from
    run to run, and with it the drawing's text)."""
    if not 0 <= frame <= len(trace.steps):
        raise IndexError(f"frame {frame} is out of range: this trace has frames 0..{len(trace)}.")
    if frame == 0:
        return trace.root, []
    step = trace.steps[frame - 1]
    return step.node, list(dict.fromkeys(c.parent for c in step.contributions))


def frame_graph(trace: BackwardTrace, frame: int, **draw_options: Any):
    """The graph drawing (a ``graphviz.Digraph``) of frame ``frame`` of ``trace``.

    Frame 0 is the seeded pass with the root highlighted; frame k shows the gradients
    after step k, with the node of step k highlighted. Drawn by
    :func:`micrograd.draw.draw_dot` from the frame's gradients (``.grad`` is not touched);
    ``draw_options`` go to ``draw_dot``. In the SVG the current node's box has the class
    ``mg_current`` and the boxes of its parents the class ``mg_receiving``.
    """
    from micrograd.draw import draw_dot

    current, receiving = _frame_roles(trace, frame)
    graph = draw_dot(trace.root, highlight={current}, grads=trace.snapshots[frame], **draw_options)
    for v in receiving:
        if v is not current:
            graph.node(graph.node_ids[v], **{"class": _RECEIVING})  # a 2nd statement adds to it
    graph.node(graph.node_ids[current], **{"class": _CURRENT})
    return graph


def frame_svg(trace: BackwardTrace, frame: int, **draw_options: Any) -> str:
    """Frame ``frame`` as an SVG element ready to put inside an HTML page.

    No XML prolog, DOCTYPE, comments or namespace declarations (HTML does not need them,
    and the page must not refer to any URL); ids get a per-frame prefix so that they stay
    unique when many frames share one page. Drawn as :func:`export_html` draws its frames.
    """
    return _FramePictures(trace, **draw_options).picture(frame)


class _FramePictures:
    """Every frame of a trace drawn from ONE Graphviz layout.

    The frames differ only in the gradients shown and in which boxes are outlined, so the
    graph is laid out once (with, in each box, the widest gradient text any frame shows)
    and its SVG becomes a template whose slots are those texts, classes and outline
    colours; a frame fills the slots. A page of 300 frames costs one layout, not 300.
    """

    def __init__(
        self, trace: BackwardTrace, max_page_boxes: int | None = None, **draw_options: Any
    ) -> None:
        from micrograd.draw import HIGHLIGHT, RenderError, draw_dot

        self.trace = trace
        self.precision = draw_options.get("precision", 4)
        graph = draw_dot(trace.root, grads=self._widest(), **draw_options)
        boxes = (len(trace) + 1) * len(set(graph.node_ids.values()))
        if max_page_boxes is not None and boxes > max_page_boxes:
            raise ValueError(
                f"export_html: the page would hold {len(trace) + 1} frames of "
                f"{boxes // (len(trace) + 1)} boxes each, {boxes} boxes in all, more than "
                f"max_page_boxes={max_page_boxes}: every frame is a full drawing. Step "
                "through a smaller graph, or use step_through() in Jupyter (it draws one "
                f"frame at a time), or pass max_page_boxes={boxes}."
            )
        # A margin, so that the red outline and text wider in the browser's font than in
        # Graphviz's estimate stay inside the picture.
        graph.graph_attr["pad"] = "0.2"
        try:
            svg = ET.fromstring(graph.pipe(format="svg"))
        except ET.ParseError as error:
            raise RenderError(f"the renderer's SVG could not be read ({error}).") from None
        for element in svg.iter():  # inline SVG in HTML needs no namespace
            element.tag = element.tag.rpartition("}")[2]
        titled = {g.findtext("title"): g for g in svg.iter("g")}
        edges_into: dict[str, list[ET.Element]] = {}
        for title, g in titled.items():
            if title and "->" in title:
                edges_into.setdefault(title.split("->")[1], []).append(g)

        self.defaults: dict[str, str] = {}  # slot -> its text when nothing is marked
        self.slots: dict[tuple[ET.Element, str | None], str] = {}
        self.grad_slots = [  # the "grad ..." text of each box, and whose grad it shows
            (self._slot(text, None), v)
            for box_id, v in graph.shown_grads.items()
            for text in titled[box_id].iter("text")
            if (text.text or "").startswith("grad ")
        ]
        self.class_slot = {v: self._slot(titled[i], "class") for v, i in graph.node_ids.items()}
        # Outlined with a node, as draw_dot's highlight does: its box, the op oval and the
        # edges that made it. Each outlined shape has slots for its colours and width.
        red, width = HIGHLIGHT["color"], HIGHLIGHT["penwidth"]
        self.outlined: dict[Value, list[tuple[str, str]]] = {}
        for v, node_id in graph.node_ids.items():
            if node_id.startswith("n") and v.parents:
                op = "op" + node_id[1:]
                made = [titled[node_id], titled[op], *edges_into.get(op, []), *edges_into[node_id]]
            else:  # a leaf, or a collapsed group: its box and the edges into it
                made = [titled[node_id], *edges_into.get(node_id, [])]
            self.outlined[v] = [slot for g in made for slot in self._outline_slots(g, red, width)]

        for element in svg.iter():  # ids get a per-frame prefix, unique in a page of frames
            if "id" in element.attrib:
                element.set("id", "\0p\0" + element.get("id"))
        text = ET.tostring(svg, encoding="unicode")
        self.parts = re.split(r"\0(\w+)\0", text)  # text, slot, text, slot, ..., text

    def _slot(self, element: ET.Element, attribute: str | None, default: str = "") -> str:
        """Make an attribute (or the text) of ``element`` a slot; return the slot's name.

        The name is written between NUL characters, which no SVG can contain otherwise.
        """
        if (element, attribute) in self.slots:  # a collapsed group's box, or a shape outlined again
            return self.slots[element, attribute]
        name = self.slots[element, attribute] = str(len(self.defaults))
        self.defaults[name] = element.get(attribute, default) if attribute else default
        if attribute:
            element.set(attribute, f"\0{name}\0")
        else:
            element.text = f"\0{name}\0"
        return name

    def _outline_slots(self, g: ET.Element, red: str, width: str) -> list[tuple[str, str]]:
        """Slots of the stroke (and an arrowhead's fill) of the shapes of ``g``, with the
        values that outline them."""
        slots = []
        for shape in g:
            if shape.get("stroke") in (None, "none"):  # titles, texts, a transparent frame
                continue
            slots.append((self._slot(shape, "stroke"), red))
            slots.append((self._slot(shape, "stroke-width", "1"), width))
            if g.get("class") == "edge" and shape.tag == "polygon":  # an arrowhead
                slots.append((self._slot(shape, "fill"), red))
        return slots

    def _widest(self) -> dict[Value, float]:
        """For each node, the gradient whose text is the widest over all frames."""
        widest: dict[Value, tuple[int, float]] = {}
        for state in self.trace.states():
            for v, g in state.items():
                width = len(format_number(g, self.precision))
                if width > widest.get(v, (-1, 0.0))[0]:
                    widest[v] = (width, g)
        return {v: g for v, (_, g) in widest.items()}

    def frames(self) -> Iterator[str]:
        """The SVG of every frame, in order (one pass over the steps)."""
        for frame, state in enumerate(self.trace.states()):
            yield self._draw(frame, state)

    def picture(self, frame: int) -> str:
        return self._draw(frame, self.trace.snapshots[frame])

    def _draw(self, frame: int, state: Mapping[Value, float]) -> str:
        current, receiving = _frame_roles(self.trace, frame)
        values = {**self.defaults, "p": f"f{frame}-"}  # ids get a per-frame prefix
        for slot, v in self.grad_slots:
            values[slot] = f"grad {format_number(state[v], self.precision)}"
        for v, css_class in [*((v, _RECEIVING) for v in receiving), (current, _CURRENT)]:
            slot = self.class_slot[v]
            values[slot] = f"{self.defaults[slot]} {css_class}"
        values.update(self.outlined[current])
        return "".join(values[part] if k % 2 else part for k, part in enumerate(self.parts))


# --------------------------------------------------------------------------------------
# What the widget and the page share
# --------------------------------------------------------------------------------------

LEGEND = (
    "Red: the node whose gradient is passed back in this step. "
    "Blue outline: its parents, which receive a share."
)
# The current node's box is `g.node.mg_current` in both the widget and the page.
_SHARED_STYLE = """
g.node.mg_receiving polygon { stroke: #1f77b4; stroke-width: 3; }
.mg-step-through .mg-graph svg { max-width: 100%; height: auto; }
.mg-step-through.jupyter-widgets, .mg-step-through .mg-graph, .mg-step-through .mg-panel {
  margin-left: 0; margin-right: 0; }
.mg-step-through .mg-panel pre {
  white-space: pre-wrap; word-break: normal; overflow-wrap: break-word; }
"""


def _frame_label(frame: int, last: int) -> str:
    if frame == 0:
        return f"start (step 0 of {last})"
    return f"step {frame} of {last}" + (" (done)" if frame == last else "")


# --------------------------------------------------------------------------------------
# In Jupyter: a widget
# --------------------------------------------------------------------------------------


def _ipywidgets():
    try:
        import ipywidgets
    except ImportError:
        raise ImportError(
            "step_through() shows a Jupyter widget and needs ipywidgets, which is not "
            "installed. Install it with: pip install 'micrograd-edu[notebook]' "
            "(or pip install ipywidgets). Outside Jupyter, use "
            "export_html(root, 'steps.html') and open the page in a browser."
        ) from None
    return ipywidgets


class StepThrough:
    """A Jupyter widget to step through the backward pass of ``root``.

    Previous/Next buttons and a slider choose the frame; the graph is redrawn with the
    current node highlighted and the gradients known so far, and a text panel says what
    the step does. ``.grad`` of the graph is not changed. Made by :func:`step_through`.
    The drawing is scaled down to the width of the output area, so the current node
    (CSS selector ``.mg-step-through g.node.mg_current``) is always in view.

    ``frame`` (0..len(trace)) is the frame shown; ``next()`` and ``previous()`` move it.
    ``widget`` is the ipywidgets box itself (Jupyter displays this object as that box).
    """

    def __init__(self, root: Value, max_steps: int = DEFAULT_MAX_STEPS, **draw_options: Any):
        widgets = _ipywidgets()
        _check_root(root, "step_through")
        _check_size(root, max_steps, "step_through")
        self.trace = record_backward(root)
        self._draw_options = draw_options
        self._pictures: _FramePictures | None = None  # laid out when first shown
        self._no_picture: str | None = None  # why there is none, if drawing failed
        last = len(self.trace.steps)
        self.prev_button = widgets.Button(description="Previous", icon="arrow-left")
        self.next_button = widgets.Button(description="Next", icon="arrow-right")
        self.slider = widgets.IntSlider(
            value=0, min=0, max=last, description="step", continuous_update=True
        )
        self.label = widgets.Label()
        self.legend = widgets.HTML(f"<small>{LEGEND}</small>")
        self.picture = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.picture.add_class("mg-graph")
        self.panel = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.panel.add_class("mg-panel")  # JupyterLab breaks lines of a <pre> mid-word
        self.prev_button.on_click(lambda _button: self.previous())
        self.next_button.on_click(lambda _button: self.next())
        self.slider.observe(lambda _change: self._show(), names="value")
        controls = widgets.HBox([self.prev_button, self.slider, self.next_button, self.label])
        self.widget = widgets.VBox(
            [controls, self.legend, self.picture, self.panel],
            layout=widgets.Layout(width="100%"),
        )
        self.widget.add_class("mg-step-through")
        self._show()

    @property
    def frame(self) -> int:
        return self.slider.value

    @frame.setter
    def frame(self, value: int) -> None:
        self.slider.value = max(0, min(int(value), len(self.trace.steps)))

    def next(self) -> None:
        self.frame = self.frame + 1

    def previous(self) -> None:
        self.frame = self.frame - 1

    def svg(self, frame: int) -> str:
        """The SVG drawing of a frame (the graph is laid out once, on the first call)."""
        if self._pictures is None:
            self._pictures = _FramePictures(self.trace, **self._draw_options)
        return self._pictures.picture(frame)

    def _show(self) -> None:
        from micrograd.draw import GraphTooLargeError, RenderError

        frame, last = self.frame, len(self.trace.steps)
        self.prev_button.disabled = frame == 0
        self.next_button.disabled = frame == last
        self.label.value = _frame_label(frame, last)
        if self._no_picture is None:
            try:
                self.picture.value = f"<style>{_SHARED_STYLE}</style>{self.svg(frame)}"
            except (RenderError, GraphTooLargeError) as error:
                # No picture, but the steps still make sense as text: say why, once (a
                # renderer that timed out is not tried again at every click).
                self._no_picture = f"<pre>{_text(str(error))}</pre>"
        if self._no_picture is not None:
            self.picture.value = self._no_picture
        text = self.trace.frame_text(frame, self._draw_options.get("precision", 4))
        self.panel.value = f"<pre>{_text(text)}</pre>"

    def _repr_mimebundle_(self, **kwargs: Any):
        # Front ends without the live widget (a saved notebook viewed on GitHub or with
        # nbconvert) show the HTML instead: the frame shown when the cell ran.
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/html"] = (
            f'<div class="mg-step-through"><p><small>{LEGEND} A static picture of '
            f"{html.escape(self.label.value)}: run the cell to step through.</small></p>"
            f'<div class="mg-graph">{self.picture.value}</div>'
            f'<div class="mg-panel">{self.panel.value}</div></div>'
        )
        return bundle


def step_through(root: Value, max_steps: int = DEFAULT_MAX_STEPS, **draw_options: Any):
    """A Jupyter widget stepping through ``root``'s backward pass (see :class:`StepThrough`).

    In a notebook cell:

    >>> step_through(loss)            # doctest: +SKIP

    ``draw_options`` go to :func:`micrograd.draw.draw_dot` (e.g. ``rankdir="TB"``). Needs
    ipywidgets (the ``notebook`` extra); outside Jupyter use :func:`export_html`. A pass of
    more than ``max_steps`` steps is refused at once (``ValueError``).
    """
    return StepThrough(root, max_steps=max_steps, **draw_options)


# --------------------------------------------------------------------------------------
# Outside Jupyter: one self-contained HTML page
# --------------------------------------------------------------------------------------


def export_html(
    root: Value,
    path: str | os.PathLike[str],
    title: str = "Step-through backward pass",
    max_steps: int = DEFAULT_MAX_STEPS,
    max_page_boxes: int = DEFAULT_MAX_PAGE_BOXES,
    **draw_options: Any,
) -> Path:
    """Write the step-through of ``root``'s backward pass as one self-contained HTML page.

    Every frame is an inline SVG drawing and a text panel; a few lines of JavaScript show
    one frame at a time. Nothing is loaded from the network, so the file works offline,
    from a USB stick or projected in class. Controls: Previous/Next buttons (ids
    ``prev``/``next``), a slider (``slider``), the position (``step-label``), and the
    keyboard (left/right arrows, Home, End). The current node's box is
    ``g.node.mg_current``. ``.grad`` of the graph is not changed.

    >>> export_html(loss, "steps.html", title="One neuron")   # doctest: +SKIP
    PosixPath('steps.html')

    ``draw_options`` go to :func:`micrograd.draw.draw_dot`. A pass of more than
    ``max_steps`` steps is refused at once (``ValueError``), and so is a page of more than
    ``max_page_boxes`` value boxes over all frames (every frame is a full drawing). The
    page is written atomically. Returns the path written.
    """
    path = check_file_path(path)
    _check_root(root, "export_html")
    if not isinstance(title, str):
        raise TypeError(f"export_html: title must be a str, got {type(title).__name__}.")
    _check_size(root, max_steps, "export_html")
    trace = record_backward(root)
    precision = draw_options.get("precision", 4)  # the panels' numbers match the drawing's
    pictures = _FramePictures(trace, max_page_boxes, **draw_options)
    frames = [_frame_section(trace, k, svg, precision) for k, svg in enumerate(pictures.frames())]
    template = resources.files("micrograd").joinpath("templates/step_through.html")
    page = string.Template(template.read_text(encoding="utf-8")).substitute(
        title=_text(title),
        last=len(trace.steps),
        label=html.escape(_frame_label(0, len(trace.steps))),
        legend=html.escape(LEGEND),
        frames="\n".join(frames),
        shared_style=_SHARED_STYLE,
    )
    return atomic_write(path, page)


# Characters a page cannot show as they are: control characters (but tabs and newlines),
# and lone surrogates, which UTF-8 cannot even encode (a label may hold any of them).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def _text(text: str) -> str:
    """``text`` escaped for HTML, with unprintable characters written as escapes (\\x00)."""
    shown = _UNPRINTABLE.sub(
        lambda m: m[0].encode("unicode_escape", "backslashreplace").decode(), text
    )
    return html.escape(shown)


def _frame_section(trace: BackwardTrace, frame: int, svg: str, precision: int) -> str:
    node = trace.root if frame == 0 else trace.steps[frame - 1].node
    return (
        f'<section class="frame" id="frame-{frame}" data-frame="{frame}" '
        f'data-node="{_text(trace.names[node])}" '
        f'data-label="{html.escape(_frame_label(frame, len(trace.steps)))}"'
        f"{' hidden' if frame else ''}>\n"
        f'<div class="graph">{svg}</div>\n'
        f'<pre class="panel">{_text(trace.frame_text(frame, precision))}</pre>\n'
        "</section>"
    )
