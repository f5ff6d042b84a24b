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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from micrograd import engine
from micrograd.engine import Value, topological_order
from micrograd.ledger import format_number, node_names

__all__ = [
    "BackwardStep",
    "BackwardTrace",
    "GradContribution",
    "StepThrough",
    "backward_steps",
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
    """Parenthesise a name that is not a plain identifier, so d(a * b)/da and
    d(x1*w1)/dx1 read well."""
    return name if name.isidentifier() else f"({name})"


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
    if not isinstance(root, Value):
        raise TypeError(f"backward_steps(root) needs a Value, got {type(root).__name__}: {root!r}.")
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
# The steps on the side, with a snapshot of every gradient after every step
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class BackwardTrace:
    """A recorded backward pass: the steps and the gradients after each of them.

    ``nodes`` are all Values of the graph, inputs first; ``before`` their grads before
    the pass. ``snapshots[0]`` maps every node to its grad once the pass has started
    (root 1, every other node 0); ``snapshots[k]`` is the state after step ``k``
    (``steps[k - 1]``). The last snapshot is the state ``root.backward()`` leaves: it
    also includes what the leaves had from earlier calls, which they add at the very end.
    ``names`` are short readable names for the nodes (see
    :func:`micrograd.ledger.node_names`).
    """

    root: Value
    nodes: tuple[Value, ...]
    before: Mapping[Value, float]
    steps: tuple[BackwardStep, ...]
    snapshots: tuple[Mapping[Value, float], ...]
    names: Mapping[Value, str]

    def __len__(self) -> int:
        return len(self.steps)

    def frame_text(self, frame: int, precision: int = 4) -> str:
        """The words for frame ``frame`` (0 = the seed, k = after step k)."""
        root = _short(self.names[self.root])
        if frame == 0:
            if not self.steps:
                return f"{root} is a leaf: backward() just adds 1 to its grad. Nothing else."
            return (
                f"start: {root}.grad = 1 (d{root}/d{root} = 1), every other grad starts "
                f"from 0. {len(self.steps)} steps follow, outputs before inputs: each node "
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


def record_backward(root: Value) -> BackwardTrace:
    """Record the backward pass of ``root`` step by step, without touching any ``.grad``.

    The pass is run for real with :func:`backward_steps` (so it is the same pass) and
    every gradient is put back afterwards.

    >>> from micrograd import Value
    >>> a = Value(3.0, label="a")
    >>> trace = record_backward(a * a + a)
    >>> len(trace.steps), trace.snapshots[-1][a], a.grad
    (2, 7.0, 0.0)
    """
    if not isinstance(root, Value):
        raise TypeError(
            f"record_backward(root) needs a Value, got {type(root).__name__}: {root!r}."
        )
    nodes = tuple(topological_order(root))
    saved = {n: n.grad for n in nodes}
    steps: list[BackwardStep] = []
    snapshots: list[dict[Value, float]] = []
    try:
        for step in _steps(root):
            if not steps:  # frame 0, the seeded pass: the state before step 0's additions
                seeded = {n: n.grad for n in nodes}
                for c in reversed(step.contributions):
                    seeded[c.parent] = c.grad_before
                snapshots.append(seeded)
            steps.append(step)
            snapshots.append({n: n.grad for n in nodes})
        # The pass is over (leaves have added their earlier gradients): the last frame
        # shows the final state, the one root.backward() leaves.
        final = {n: n.grad for n in nodes}
        if snapshots:
            snapshots[-1] = final
        else:
            snapshots.append(final)  # a leaf root: no steps, one frame
    finally:
        for node, grad in saved.items():
            node.grad = grad
    return BackwardTrace(
        root=root,
        nodes=nodes,
        before=MappingProxyType(saved),
        steps=tuple(steps),
        snapshots=tuple(MappingProxyType(s) for s in snapshots),
        names=MappingProxyType(node_names(root, nodes)),
    )


# --------------------------------------------------------------------------------------
# Pictures of the frames: the graph with the current node highlighted
# --------------------------------------------------------------------------------------

DEFAULT_MAX_STEPS = 300
_CURRENT, _RECEIVING = "mg_current", "mg_receiving"
_RECEIVING_CSS = "g.mg_receiving polygon { stroke: #1f77b4; stroke-width: 3; }"


def frame_graph(trace: BackwardTrace, frame: int, **draw_options: Any):
    """The graph drawing (a ``graphviz.Digraph``) of frame ``frame`` of ``trace``.

    Frame 0 is the seeded pass with the root highlighted; frame k shows the gradients
    after step k, with the node of step k highlighted. Drawn by
    :func:`micrograd.draw.draw_dot` from the frame's snapshot of gradients (``.grad`` is
    not touched); ``draw_options`` go to ``draw_dot``. In the SVG the current node's box
    has the class ``mg_current`` and the boxes of its parents the class ``mg_receiving``.
    """
    from micrograd.draw import draw_dot

    if not 0 <= frame <= len(trace.steps):
        raise IndexError(f"frame {frame} is out of range: this trace has frames 0..{len(trace)}.")
    current = trace.root if frame == 0 else trace.steps[frame - 1].node
    receiving = {c.parent for c in trace.steps[frame - 1].contributions} if frame else set()
    snapshot = trace.snapshots[frame]
    graph = draw_dot(trace.root, highlight={current}, grads=snapshot, **draw_options)
    # Mark the boxes with CSS classes for the page and its tests. draw_dot outlines the
    # boxes of highlighted Values in its highlight colour, which tells which box is whose.
    if receiving:
        marked = draw_dot(trace.root, highlight=receiving, grads=snapshot, **draw_options)
        for box in _highlighted_boxes(marked):
            graph.node(box, **{"class": _RECEIVING})  # a 2nd statement only adds attributes
    for box in _highlighted_boxes(graph):
        graph.node(box, **{"class": _CURRENT})
    return graph


def _highlighted_boxes(graph) -> list[str]:
    """Names of the value boxes (records) that draw_dot outlined in its highlight colour."""
    from micrograd.draw import HIGHLIGHT

    colour = f'color="{HIGHLIGHT["color"]}"'
    boxes = []
    for line in graph.body:
        match = re.match(r"\s*(\w+) \[(.*)\]\s*$", line)
        if match and "shape=record" in match.group(2) and colour in match.group(2):
            boxes.append(match.group(1))
    return boxes


def frame_svg(trace: BackwardTrace, frame: int, **draw_options: Any) -> str:
    """Frame ``frame`` as an SVG element ready to put inside an HTML page.

    The XML prolog, DOCTYPE, comments and namespace declarations are dropped (HTML does
    not need them, and the page must not refer to any URL); ids get a per-frame prefix
    so that they stay unique when many frames share one page.
    """
    svg = frame_graph(trace, frame, **draw_options).pipe(format="svg", encoding="utf-8")
    return _inline_svg(svg, prefix=f"f{frame}-")


def _inline_svg(svg: str, prefix: str) -> str:
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    svg = re.sub(r'\sid="([^"]*)"', lambda m: f' id="{prefix}{m.group(1)}"', svg)
    return svg.strip()


def _check_size(trace: BackwardTrace, max_steps: int, where: str) -> None:
    if len(trace.steps) > max_steps:
        raise ValueError(
            f"{where}: this backward pass has {len(trace.steps)} steps, more than "
            f"max_steps={max_steps}; nobody clicks through that many, and every frame is a "
            "full drawing. Step through a smaller graph (e.g. one neuron), or pass "
            f"max_steps={len(trace.steps)}."
        )


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

    ``frame`` (0..len(trace)) is the frame shown; ``next()`` and ``previous()`` move it.
    ``widget`` is the ipywidgets box itself (Jupyter displays this object as that box).
    """

    def __init__(self, root: Value, max_steps: int = DEFAULT_MAX_STEPS, **draw_options: Any):
        widgets = _ipywidgets()
        self.trace = record_backward(root)
        _check_size(self.trace, max_steps, "step_through")
        self._draw_options = draw_options
        self._svgs: dict[int, str] = {}  # frames are drawn when first shown
        last = len(self.trace.steps)
        self.prev_button = widgets.Button(description="Previous", icon="arrow-left")
        self.next_button = widgets.Button(description="Next", icon="arrow-right")
        self.slider = widgets.IntSlider(
            value=0, min=0, max=last, description="step", continuous_update=True
        )
        self.label = widgets.Label()
        self.picture = widgets.HTML()
        self.panel = widgets.HTML()
        self.prev_button.on_click(lambda _button: self.previous())
        self.next_button.on_click(lambda _button: self.next())
        self.slider.observe(lambda _change: self._show(), names="value")
        controls = widgets.HBox([self.prev_button, self.slider, self.next_button, self.label])
        self.widget = widgets.VBox([controls, self.picture, self.panel])
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
        """The SVG drawing of a frame (drawn once, then remembered)."""
        if frame not in self._svgs:
            self._svgs[frame] = frame_svg(self.trace, frame, **self._draw_options)
        return self._svgs[frame]

    def _show(self) -> None:
        import graphviz

        from micrograd.draw import RendererNotFoundError

        frame, last = self.frame, len(self.trace.steps)
        self.prev_button.disabled = frame == 0
        self.next_button.disabled = frame == last
        self.label.value = _frame_label(frame, last)
        try:
            self.picture.value = f"<div><style>{_RECEIVING_CSS}</style>{self.svg(frame)}</div>"
        except (RendererNotFoundError, graphviz.ExecutableNotFound) as error:
            # No picture, but the steps still make sense as text: say how to get pictures.
            self.picture.value = f"<pre>{html.escape(str(error))}</pre>"
        text = self.trace.frame_text(frame, self._draw_options.get("precision", 4))
        self.panel.value = f"<pre>{html.escape(text)}</pre>"

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)


def step_through(root: Value, max_steps: int = DEFAULT_MAX_STEPS, **draw_options: Any):
    """A Jupyter widget stepping through ``root``'s backward pass (see :class:`StepThrough`).

    In a notebook cell:

    >>> step_through(loss)            # doctest: +SKIP

    ``draw_options`` go to :func:`micrograd.draw.draw_dot` (e.g. ``rankdir="TB"``). Needs
    ipywidgets (the ``notebook`` extra); outside Jupyter use :func:`export_html`.
    """
    return StepThrough(root, max_steps=max_steps, **draw_options)


def _frame_label(frame: int, last: int) -> str:
    if frame == 0:
        return f"start (step 0 of {last})"
    return f"step {frame} of {last}" + (" (done)" if frame == last else "")


# --------------------------------------------------------------------------------------
# Outside Jupyter: one self-contained HTML page
# --------------------------------------------------------------------------------------


def export_html(
    root: Value,
    path: str | os.PathLike[str],
    title: str = "Step-through backward pass",
    max_steps: int = DEFAULT_MAX_STEPS,
    **draw_options: Any,
) -> Path:
    """Write the step-through of ``root``'s backward pass as one self-contained HTML page.

    Every frame is an inline SVG drawing and a text panel; a few lines of JavaScript show
    one frame at a time. Nothing is loaded from the network, so the file works offline,
    from a USB stick or projected in class. Controls: Previous/Next buttons (ids
    ``prev``/``next``), a slider (``slider``), the position (``step-label``), and the
    keyboard (left/right arrows, Home, End). ``.grad`` of the graph is not changed.

    >>> export_html(loss, "steps.html", title="One neuron")   # doctest: +SKIP
    PosixPath('steps.html')

    ``draw_options`` go to :func:`micrograd.draw.draw_dot`. Returns the path written.
    """
    trace = record_backward(root)
    _check_size(trace, max_steps, "export_html")
    precision = draw_options.get("precision", 4)  # the panels' numbers match the drawing's
    frames = [
        _frame_section(trace, k, frame_svg(trace, k, **draw_options), precision)
        for k in range(len(trace.steps) + 1)
    ]
    page = _PAGE.format(
        title=html.escape(title),
        last=len(trace.steps),
        label=html.escape(_frame_label(0, len(trace.steps))),
        frames="\n".join(frames),
        style=_STYLE,
        receiving=_RECEIVING_CSS,
        script=_SCRIPT,
    )
    path = Path(path)
    path.write_text(page, encoding="utf-8")
    return path


def _frame_section(trace: BackwardTrace, frame: int, svg: str, precision: int) -> str:
    node = trace.root if frame == 0 else trace.steps[frame - 1].node
    return (
        f'<section class="frame" id="frame-{frame}" data-frame="{frame}" '
        f'data-node="{html.escape(trace.names[node])}" '
        f'data-label="{html.escape(_frame_label(frame, len(trace.steps)))}"'
        f"{' hidden' if frame else ''}>\n"
        f'<div class="graph">{svg}</div>\n'
        f'<pre class="panel">{html.escape(trace.frame_text(frame, precision))}</pre>\n'
        "</section>"
    )


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}{receiving}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<nav>
<button id="prev" type="button" title="previous step (left arrow)">&#9664; Previous</button>
<input id="slider" type="range" min="0" max="{last}" value="0" step="1" aria-label="step">
<button id="next" type="button" title="next step (right arrow)">Next &#9654;</button>
<span id="step-label" aria-live="polite">{label}</span>
</nav>
<p class="hint">Red: the node whose gradient is passed back in this step.
Blue outline: the parents that receive a share. Keys: &larr; &rarr; Home End.</p>
</header>
<main>
{frames}
</main>
<script>{script}</script>
</body>
</html>
"""

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1em 2em; color: #222; }
h1 { font-size: 1.4em; margin: 0 0 .4em 0; }
nav { display: flex; gap: .8em; align-items: center; }
nav button { font-size: 1.1em; padding: .3em .9em; }
#slider { flex: 1; max-width: 40em; }
#step-label { font-weight: bold; min-width: 12em; }
.hint { color: #666; font-size: .9em; }
.graph svg { width: 100%; height: auto; max-height: 65vh; }
.panel { font-size: 1.15em; background: #f6f6f6; padding: .8em; border-radius: 4px;
         white-space: pre-wrap; }
"""

# Show one frame at a time; everything else is plain HTML, readable without JavaScript.
_SCRIPT = """
(function () {
  "use strict";
  var frames = document.querySelectorAll("section.frame");
  var slider = document.getElementById("slider");
  var label = document.getElementById("step-label");
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var current = 0;
  function show(k) {
    k = Math.max(0, Math.min(frames.length - 1, k));
    frames[current].hidden = true;
    frames[k].hidden = false;
    current = k;
    slider.value = String(k);
    label.textContent = frames[k].getAttribute("data-label");
    prev.disabled = k === 0;
    next.disabled = k === frames.length - 1;
  }
  prev.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
  document.addEventListener("keydown", function (event) {
    if (event.target === slider) { return; }  // the slider handles its own arrow keys
    var moves = { ArrowLeft: current - 1, ArrowRight: current + 1,
                  Home: 0, End: frames.length - 1 };
    if (event.key in moves) { show(moves[event.key]); event.preventDefault(); }
  });
  show(0);
})();
"""
