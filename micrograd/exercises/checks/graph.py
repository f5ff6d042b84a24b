"""Exercise 2: the topological sort and ``backward()``, on the Values of :mod:`scaffold`.

The student writes ``topological_sort(root) -> list`` (every node after its children) and
``backward(root)`` (seed ``root.grad = 1``, call each node's ``_backward`` outputs first).
Both run on graphs made of :class:`micrograd.exercises.scaffold.Value`: a single leaf, a
node used twice, a diamond, a neuron, a chain and a seeded random graph. Gradients are
compared with micrograd's own engine on the same expression; wrong results are matched
against simulations of the usual mistakes (no seed, inputs-first order, no visited set,
only the root's ``_backward``, appending a node before its children).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from micrograd import engine
from micrograd.exercises.checks.ops import children_of, graph_nodes
from micrograd.exercises.core import Context, close, exercise, fmt
from micrograd.exercises.scaffold import Value as ScaffoldValue

# --------------------------------------------------------------------------------------
# Graphs: each builder works with any Value class (scaffold for the student, engine as oracle)
# --------------------------------------------------------------------------------------


def _tanh(v):
    return v.tanh()


@dataclass(frozen=True)
class Graph:
    name: str
    leaves: tuple[float, ...]
    build: Callable[..., object]  # (Value class, *leaf Values) -> root

    def make(self, cls):
        labels = "abcdefghijklmnopqrstuvwxyz"
        leaves = [
            cls(x, label=labels[i % 26]) if cls is ScaffoldValue else cls(x)
            for i, x in enumerate(self.leaves)
        ]
        return self.build(*leaves), leaves


def _random_graph(seed: int, n_leaves: int = 5, n_ops: int = 40):
    def build(*leaves):
        rng = random.Random(seed)
        nodes = list(leaves)
        for _ in range(n_ops):
            kind = rng.random()
            x, y = rng.choice(nodes), rng.choice(nodes)
            if kind < 0.4:
                nodes.append(x + y)
            elif kind < 0.8:
                nodes.append((x * y).tanh())
            else:
                nodes.append(x.tanh())
        root = nodes[-1]
        for node in nodes[-6:-1]:
            root = root + node
        return root

    rng = random.Random(seed + 1)
    return Graph(
        f"random graph (seed {seed})",
        tuple(round(rng.uniform(-1, 1), 2) for _ in range(n_leaves)),
        build,
    )


def _chain(n: int):
    def build(x):
        v = x
        for i in range(n):
            v = (v * 0.9 + 0.1).tanh() if i % 2 else v + x * 0.01
        return v

    return Graph(f"a chain of {2 * n} ops", (0.5,), build)


GRAPHS = [
    Graph("a * b + c", (2.0, -3.0, 10.0), lambda a, b, c: a * b + c),
    Graph("a * a (one node used twice)", (-1.5,), lambda a: a * a),
    Graph(
        "e = a * b; e + e * c (a diamond)",
        (1.5, -0.5, 2.0),
        lambda a, b, c: (lambda e: e + e * c)(a * b),
    ),
    Graph(
        "tanh(x1*w1 + x2*w2 + b) (a neuron)",
        (2.0, -3.0, 0.0, 1.0, 6.8813735870195432),
        lambda x1, w1, x2, w2, b: _tanh(x1 * w1 + x2 * w2 + b),
    ),
    Graph("(a + b) * (a - b) / b", (3.0, -1.25), lambda a, b: (a + b) * (a - b) / b),
    Graph("a (a single leaf)", (4.0,), lambda a: a),
    _chain(15),
    _random_graph(1),
    _random_graph(2),
]


def reference_grads(graph: Graph) -> tuple[float, ...]:
    root, leaves = graph.make(engine.Value)
    return engine.grad(root, leaves)


# --------------------------------------------------------------------------------------
# Simulated mistakes
# --------------------------------------------------------------------------------------


def _postorder(root, visited: bool, children_reversed: bool = False) -> list:
    """Recursive-style DFS (iteratively): append a node after its children."""
    order, seen = [], set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if visited:
            if id(node) in seen:
                continue
            seen.add(id(node))
        stack.append((node, True))
        kids = list(children_of(node) or ())
        stack.extend((k, False) for k in (kids if children_reversed else kids[::-1]))
        if len(order) + len(stack) > 200_000:
            break
    return order


def _preorder(root, children_reversed: bool) -> list:
    """DFS that appends a node *before* visiting its children (the classic mistake)."""
    order, seen = [], set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        kids = list(children_of(node) or ())
        stack.extend(kids if children_reversed else kids[::-1])
    return order


def _simulate(graph: Graph, mistake: str) -> tuple[float, ...]:
    """Root and leaf gradients after ``backward`` with the given mistake."""
    root, leaves = graph.make(ScaffoldValue)
    if mistake != "no-seed":
        root.grad = 1.0
    if mistake == "only-root":
        nodes = [root]
    elif mistake == "inputs-first":
        nodes = _postorder(root, visited=True)
    elif mistake == "no-visited":
        nodes = _postorder(root, visited=False)[::-1]
    else:
        nodes = _postorder(root, visited=True)[::-1]
    for node in nodes:
        node._backward()
    return (root.grad, *(leaf.grad for leaf in leaves))


BACKWARD_MISTAKES = {
    "no-seed": (
        "backward-no-seed",
        "every gradient stays 0: the output's gradient is never set to 1 before the loop.",
        "What is d root / d root?",
        "Start backward() with `root.grad = 1.0`, then call _backward() on each node.",
    ),
    "inputs-first": (
        "backward-wrong-order",
        "the _backward closures run inputs first; they must run outputs first, so that a "
        "node's gradient is complete before it is passed on.",
        "A node can pass its gradient on only when every use of it has added its part.",
        "Loop over `reversed(topological_sort(root))`.",
    ),
    "no-visited": (
        "backward-duplicates",
        "some _backward closures run more than once (nodes reached along several paths are "
        "visited again), so their contribution is added twice.",
        "Each node's _backward must run exactly once.",
        "Keep a `visited` set in the topological sort and skip nodes already in it.",
    ),
    "only-root": (
        "backward-only-root",
        "only the output's _backward runs, so the gradient never gets past the first node.",
        "The chain rule has to be applied at every node, not just the last one.",
        "Call `node._backward()` for every node of reversed(topological_sort(root)).",
    ),
}


# --------------------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------------------


def _snapshot(nodes) -> list:
    return [(id(n), n.data, tuple(id(c) for c in children_of(n) or ())) for n in nodes]


def _name(node) -> str:
    label = getattr(node, "label", "")
    op = getattr(node, "_op", "")
    if label:
        return f"`{label}` ({fmt(node.data)})"
    return f"the `{op}` node ({fmt(node.data)})" if op else f"a leaf ({fmt(node.data)})"


@exercise("topological_sort", "the topological sort", "your topological_sort function")
def run_topological_sort(topo, ctx: Context) -> None:
    for graph in GRAPHS:
        root, _ = graph.make(ScaffoldValue)
        nodes = graph_nodes(root)
        before = _snapshot(nodes)
        outcome = ctx.call(lambda r=root: topo(r), what="topological_sort")
        inputs = {"graph": graph.name, "nodes": len(nodes)}
        if not outcome.ok:
            ctx.error_case(graph.name, outcome, inputs)
            continue
        result = outcome.value
        if _snapshot(nodes) != before:
            ctx.case(graph.name, False, inputs=inputs, problem="the graph was changed")
            ctx.diagnose(
                "mutates-graph",
                "topological_sort changed the graph (a node's data "
                "or children): it must only read it.",
            )
            continue
        if result is None or isinstance(result, (str, bytes)) or not hasattr(result, "__iter__"):
            ctx.case(graph.name, False, inputs=inputs, problem=f"returned {type(result).__name__}")
            ctx.diagnose(
                "wrong-return-type",
                f"topological_sort returned {type(result).__name__}, not a list.",
                "Collect the nodes in a list and `return` it.",
            )
            continue
        if not isinstance(result, list):  # a generator may never end: list it time-limited
            limit = 10 * len(nodes) + 10
            listed = ctx.call(_take, result, limit, what="listing what topological_sort returned")
            if not listed.ok:
                ctx.error_case(graph.name, listed, inputs)
                continue
            result = listed.value
            if len(result) > limit:
                ctx.case(graph.name, False, inputs=inputs, problem="returned endless items")
                ctx.diagnose(
                    "wrong-return-type",
                    "topological_sort returned an iterator that "
                    f"gives more than {limit} items for a graph of {len(nodes)} nodes.",
                    "Return a list with each node once.",
                )
                continue
        ids = {id(n) for n in nodes}
        problem = _order_problem(result, nodes, ids, root, ctx)
        ctx.case(
            graph.name,
            not problem,
            inputs=inputs,
            received=len(result),
            expected=len(nodes),
            problem=problem,
        )
    if all(c.passed for c in ctx.cases):
        _deep_chain_note(topo, ctx)


def _take(iterable, limit: int) -> list:
    """Up to ``limit + 1`` items, in a Python loop (which the time limit can interrupt)."""
    items = []
    for item in iterable:
        items.append(item)
        if len(items) > limit:
            break
    return items


def _order_problem(result, nodes, ids, root, ctx: Context) -> str:
    foreign = [x for x in result if id(x) not in ids]
    if foreign:
        ctx.diagnose(
            "wrong-return-type",
            f"the list holds things that are not nodes of the graph, e.g. {foreign[0]!r}.",
            "Put the Value objects themselves in the list.",
        )
        return f"{len(foreign)} items are not nodes of the graph (e.g. {foreign[0]!r})"
    counts: dict[int, int] = {}
    for x in result:
        counts[id(x)] = counts.get(id(x), 0) + 1
    twice = [x for x in result if counts[id(x)] > 1]
    if twice:
        ctx.diagnose(
            "topo-duplicates",
            f"some nodes are listed more than once, e.g. {_name(twice[0])}: a node "
            "reached along two paths is visited twice.",
            "Remember which nodes you have already visited.",
            "Keep a set `visited`; at the start of the visit, return if the node is in "
            "it, otherwise add it.",
        )
        return f"{_name(twice[0])} appears {counts[id(twice[0])]} times"
    missing = [n for n in nodes if id(n) not in counts]
    if missing:
        ctx.diagnose(
            "topo-missing-nodes",
            f"some nodes are missing from the list, e.g. {_name(missing[0])}.",
            "Every node the root depends on must be visited, through all its children.",
            "Visit each child of each node (`for child in node._prev: build(child)`), "
            "leaves included.",
        )
        return f"{len(missing)} of {len(nodes)} nodes missing, e.g. {_name(missing[0])}"
    position = {id(x): i for i, x in enumerate(result)}
    for node in result:
        for child in children_of(node) or ():
            if position[id(child)] > position[id(node)]:
                if any(result == _preorder(root, r) for r in (False, True)):
                    ctx.diagnose(
                        "topo-preorder",
                        "each node is appended *before* its children are visited "
                        "(pre-order), so outputs come before their inputs.",
                        "A node may be listed only once all of its children are.",
                        "Visit the children first, then `topo.append(node)` (post-order).",
                    )
                elif result[-1] is not root:
                    ctx.diagnose(
                        "topo-reversed",
                        "the order runs from the output to the inputs; a topological "
                        "order lists every node after its children (inputs first).",
                        "Where should the root be in the list?",
                        "Append a node after its children; backward() then walks the "
                        "list reversed.",
                    )
                else:
                    ctx.diagnose(
                        "topo-order",
                        "a node comes before one of its children.",
                        "A node may be listed only once all of its children are.",
                    )
                return f"{_name(node)} comes before its child {_name(child)}"
    return ""


def _deep_chain_note(topo, ctx: Context) -> None:
    root, _ = _chain(800).make(ScaffoldValue)
    outcome = ctx.call(lambda: topo(root), what="topological_sort")
    if isinstance(outcome.error, RecursionError):
        ctx.notes.append(
            "  Note: on a chain of 1600 ops your topological_sort hits Python's recursion "
            "limit. Real networks are deeper: micrograd's engine walks the graph with an "
            "explicit stack instead of recursion (see micrograd.topological_order)."
        )


def _record_calls(nodes, calls: list) -> None:
    """Wrap every node's ``_backward`` so that each call is recorded (in order)."""
    for node in nodes:
        original = node._backward

        def recorded(node=node, original=original):
            calls.append(node)
            return original()

        node._backward = recorded


@exercise("backward", "backward()", "your backward function")
def run_backward(backward, ctx: Context) -> None:
    observed = []  # (graph, root and leaf gradients) for every graph that ran
    for graph in GRAPHS:
        root, leaves = graph.make(ScaffoldValue)
        nodes = graph_nodes(root)
        calls: list = []
        _record_calls(nodes, calls)
        expected = reference_grads(graph)
        outcome = ctx.call(lambda r=root: backward(r), what="backward")
        inputs = {"graph": graph.name, "leaves": graph.leaves}
        if not outcome.ok:
            ctx.error_case(graph.name, outcome, inputs)
            continue
        received = tuple(leaf.grad for leaf in leaves)
        observed.append((graph, (root.grad, *received)))
        wrong = [
            f"{_name(leaf)}.grad received {fmt(got)}, expected {fmt(want)}"
            for leaf, got, want in zip(leaves, received, expected)
            if not close(got, want)
        ]
        if not close(root.grad, 1.0) and root not in leaves:
            wrong.insert(0, f"root.grad is {fmt(root.grad)}, expected 1")
        ctx.case(
            graph.name,
            not wrong,
            inputs=inputs,
            received=received,
            expected=expected,
            problem="; ".join(wrong[:2]),
        )
        if wrong:
            _diagnose_calls(root, nodes, calls, ctx)
    if not all(c.passed for c in ctx.cases) and not ctx.diagnoses:
        _diagnose_backward(observed, ctx)


def _diagnose_calls(root, nodes, calls: list, ctx: Context) -> None:
    """Name the mistake from the order in which the student called the closures."""
    interior = [n for n in nodes if children_of(n)]
    if not close(root.grad, 1.0):
        kind, message, *hints = BACKWARD_MISTAKES["no-seed"]
        ctx.diagnose(kind, message, *hints)
        return
    if not calls and interior:
        ctx.diagnose(
            "backward-no-calls",
            "no node's _backward was called.",
            "backward() has to apply the chain rule at every node.",
            "Call `node._backward()` for every node of reversed(topological_sort(root)).",
        )
        return
    counts: dict[int, int] = {}
    for node in calls:
        counts[id(node)] = counts.get(id(node), 0) + 1
    if any(c > 1 for c in counts.values()):
        kind, message, *hints = BACKWARD_MISTAKES["no-visited"]
        ctx.diagnose(kind, message, *hints)
        return
    if len(interior) > 1 and [id(n) for n in calls if children_of(n)] == [id(root)]:
        kind, message, *hints = BACKWARD_MISTAKES["only-root"]
        ctx.diagnose(kind, message, *hints)
        return
    position = {id(n): i for i, n in enumerate(calls)}
    for node in calls:
        for child in children_of(node) or ():
            if id(child) in position and position[id(child)] < position[id(node)]:
                kind, message, *hints = BACKWARD_MISTAKES["inputs-first"]
                ctx.diagnose(kind, message, *hints)
                return
    missed = [n for n in interior if id(n) not in counts]
    if missed:
        ctx.diagnose(
            "backward-missing-nodes",
            f"some nodes' _backward never ran, e.g. {_name(missed[0])}.",
            "Every node between the root and the leaves must pass its gradient on.",
            "Loop over all of topological_sort(root), reversed.",
        )


def _diagnose_backward(observed, ctx: Context) -> None:
    """Name the simulated mistake that reproduces the student's gradients on every graph."""
    for mistake, (kind, message, *hints) in BACKWARD_MISTAKES.items():
        if observed and all(
            all(close(a, b) for a, b in zip(received, _simulate(graph, mistake)))
            for graph, received in observed
        ):
            ctx.diagnose(kind, message, *hints)
            return
