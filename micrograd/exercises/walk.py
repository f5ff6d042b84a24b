"""The exercises' one graph walker, for a *student's own* Value class (exercise 1) and for the
walks of exercise 2's simulated mistakes.

micrograd's own Values are walked with :func:`micrograd.engine.topological_order`; a class a
student wrote keeps its children under a name of the student's choosing (``_prev`` in the
template), may contain cycles by mistake, and may be huge, so it gets this walker, with a cap.
A wrong backward() walks in the order of a student's recursive walk, which this one follows.
"""

from __future__ import annotations

from collections.abc import Iterator

from micrograd.exercises.sandbox import Stop
from micrograd.i18n import _

CHILD_ATTRS = ("_prev", "_children", "prev", "children", "_parents", "parents")
MAX_NODES = 10_000


def children_of(node) -> tuple | None:
    """The children of a student's node, or None if it has no attribute for them."""
    for attr in CHILD_ATTRS:
        if hasattr(node, attr):
            try:
                return tuple(getattr(node, attr))
            except TypeError:
                return None
    return None


def postorder(root, children, visited: bool = True) -> Iterator:
    """Every node below ``root``, each after its children, depth first, first child first.

    ``visited=False`` walks as a graph walk without a visited set does: a node comes again on
    every path to it (exercise 2 simulates that mistake).
    """
    seen: set[int] = set()
    todo = [(root, False)]  # (node, are its children done?)
    while todo:
        node, done = todo.pop()
        if done:
            yield node
        elif not (visited and id(node) in seen):
            seen.add(id(node))
            todo.append((node, True))
            todo.extend((child, False) for child in reversed(children(node)))


def student_graph(root) -> list:
    """Every node reachable from ``root`` through its children, outputs first."""
    order: list = []
    for node in postorder(root, lambda node: children_of(node) or ()):
        order.append(node)
        if len(order) > MAX_NODES:
            raise Stop(
                "error",
                _("the graph has more than {MAX_NODES} nodes: is it a cycle?").format(
                    MAX_NODES=MAX_NODES
                ),
            )
    return order[::-1]
