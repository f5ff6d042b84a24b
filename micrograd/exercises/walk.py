"""The one graph walker for a *student's own* Value class (exercise 1).

micrograd's own Values are walked with :func:`micrograd.engine.topological_order`; a class a
student wrote keeps its children under a name of the student's choosing (``_prev`` in the
template), may contain cycles by mistake, and may be huge, so it gets this walker, with a cap.
"""

from __future__ import annotations

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


def student_graph(root) -> list:
    """Every node reachable from ``root`` through its children, outputs first."""
    order: list = []
    seen: set[int] = set()
    todo = [(root, False)]  # (node, are its children done?)
    while todo:
        node, done = todo.pop()
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            raise Stop(
                "error",
                _("the graph has more than {MAX_NODES} nodes: is it a cycle?").format(
                    MAX_NODES=MAX_NODES
                ),
            )
        todo.append((node, True))
        todo.extend((child, False) for child in children_of(node) or () if id(child) not in seen)
    return order[::-1]
