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

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from micrograd.engine import Value, topological_order
from micrograd.explain import format_number, node_names

__all__ = [
    "BackwardStep",
    "BackwardTrace",
    "GradContribution",
    "backward_steps",
    "record_backward",
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

    def describe(self, names: Mapping[Value, str] | None = None) -> str:
        """The step in words, one line for the node and one per parent edge.

        ``names`` maps Values to names (default: labels, else op names).
        """
        name = (lambda v: names[v]) if names is not None else _fallback_name
        node = name(self.node)
        lines = [
            f"step {self.index + 1}: {node} (op {self.node.op}, data "
            f"{format_number(self.node.data)}) passes back its grad "
            f"{format_number(self.upstream)}"
        ]
        for c in self.contributions:
            parent = name(c.parent)
            lines.append(
                f"  to {parent}: local derivative d{_short(node)}/d{_short(parent)} = "
                f"{format_number(c.local_grad)}, adds {format_number(c.local_grad)} * "
                f"{format_number(self.upstream)} = {format_number(c.contribution)}, "
                f"{_short(parent)}.grad {format_number(c.grad_before)} -> "
                f"{format_number(c.grad_after)}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe()


def _fallback_name(v: Value) -> str:
    return v.label or f"({v.op or format_number(v.data)})"


def _short(name: str) -> str:
    """Parenthesise a name with spaces in a derivative, so d(a * b)/da reads well."""
    return f"({name})" if " " in name else name


# --------------------------------------------------------------------------------------
# The steps, for real
# --------------------------------------------------------------------------------------


def backward_steps(root: Value) -> Iterator[BackwardStep]:
    """Run ``root.backward()`` one node at a time, yielding a :class:`BackwardStep` each.

    Same semantics as ``root.backward()``, same order, same float operations: on the
    first ``next()`` the interior nodes' grads are set to 0 and ``root.grad`` to 1; each
    step is applied to the parents' ``.grad`` just before it is yielded; once the
    generator is exhausted every ``.grad`` is exactly (bit for bit) what
    ``root.backward()`` would have left, leaves accumulating across calls. Stop halfway
    and the graph is halfway.

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
    # The engine's Value.backward, with a yield in the loop.
    if root.is_leaf:
        root.grad += 1.0
        return
    order = topological_order(root, include_leaves=False)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for index, node in enumerate(reversed(order)):
        upstream = node.grad
        contributions = []
        for operand, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            before = parent.grad
            contribution = local * upstream
            parent.grad = before + contribution  # the engine's `parent.grad += local * upstream`
            contributions.append(
                GradContribution(parent, operand, local, contribution, before, parent.grad)
            )
        yield BackwardStep(index, node, upstream, tuple(contributions))


# --------------------------------------------------------------------------------------
# The steps on the side, with a snapshot of every gradient after every step
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class BackwardTrace:
    """A recorded backward pass: the steps and the gradients after each of them.

    ``nodes`` are all Values of the graph, inputs first. ``snapshots[0]`` maps every node
    to its grad once the pass has started (root 1, interior nodes 0, leaves as they
    were); ``snapshots[k]`` is the state after step ``k`` (``steps[k - 1]``), so
    ``snapshots[-1]`` is the state ``root.backward()`` leaves. ``names`` are short
    readable names for the nodes (see :func:`micrograd.explain.node_names`).
    """

    root: Value
    nodes: tuple[Value, ...]
    steps: tuple[BackwardStep, ...]
    snapshots: tuple[Mapping[Value, float], ...]
    names: Mapping[Value, str]

    def __len__(self) -> int:
        return len(self.steps)

    def frame_text(self, frame: int) -> str:
        """The words for frame ``frame`` (0 = the seed, k = after step k)."""
        if frame == 0:
            root = self.names[self.root]
            if not self.steps:
                return f"{root} is a leaf: backward() just adds 1 to its grad. Nothing else."
            return (
                f"start: {_short(root)}.grad = 1 (d{_short(root)}/d{_short(root)} = 1); the other "
                "nodes computed from inputs start from grad 0, leaves keep what they have. "
                f"{len(self.steps)} steps follow, outputs before inputs."
            )
        return self.steps[frame - 1].describe(self.names)


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
    saved = [n.grad for n in nodes]
    steps: list[BackwardStep] = []
    try:
        iterator = _steps(root)
        first = next(iterator, None)  # seeds the pass (and applies step 0)
        if first is None:  # a leaf: no step at all
            snapshots = [{n: n.grad for n in nodes}]
        else:
            # Frame 0 is the seeded state *before* step 0: undo step 0's additions.
            seeded = {n: n.grad for n in nodes}
            for c in reversed(first.contributions):
                seeded[c.parent] = c.grad_before
            snapshots = [seeded, {n: n.grad for n in nodes}]
            steps.append(first)
            for step in iterator:
                steps.append(step)
                snapshots.append({n: n.grad for n in nodes})
    finally:
        for node, grad in zip(nodes, saved):
            node.grad = grad
    return BackwardTrace(
        root=root,
        nodes=nodes,
        steps=tuple(steps),
        snapshots=tuple(MappingProxyType(s) for s in snapshots),
        names=MappingProxyType(node_names(root, nodes)),
    )
