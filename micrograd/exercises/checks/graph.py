"""Exercise 2: the topological sort and ``backward()``, on micrograd's own Values.

The student writes ``topological_sort(root) -> list`` (every node after its parents, each
once) and ``backward(root)`` (seed ``root.grad = 1``, then, outputs first, add
``local_grad * node.grad`` to each parent's ``.grad``, reading ``node.parents`` and
``node.local_grads``). Nothing of exercise 1 is needed: every Value already knows its local
derivatives.

Both run on graphs of :class:`micrograd.engine.Value`: a single leaf, a node used twice, a
diamond, a neuron, a chain and seeded random graphs. The student's side reports plain data
(the order as node numbers, every node's gradient); the judge numbers the same graph the same
way (``micrograd.engine.topological_order``), compares, and matches wrong gradients against
simulations of the usual mistakes (no seed, inputs first, no visited set, only the root, no
chain factor, ``=`` instead of ``+=``).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable

from micrograd import engine
from micrograd.exercises.core import Context, all_close, close, exercise, fmt
from micrograd.exercises.sandbox import Stop
from micrograd.exercises.walk import postorder
from micrograd.i18n import N_, _

FORBIDDEN = (
    "micrograd.engine.topological_order",
    "micrograd.engine._depth_first",
    "micrograd.engine.Value.backward",
    "micrograd.engine.grad",
)

# --------------------------------------------------------------------------------------
# Graphs, described by plain data and built the same way on both sides
# --------------------------------------------------------------------------------------


def _chain(x, n: int):
    v = x
    for i in range(n):
        v = (v * 0.9 + 0.1).tanh() if i % 2 else v + x * 0.01
    return v


def _random(leaves, seed: int, n_ops: int = 40):
    rng = random.Random(seed)
    nodes = list(leaves)
    for _i in range(n_ops):
        kind = rng.random()
        x, y = rng.choice(nodes), rng.choice(nodes)
        nodes.append(x + y if kind < 0.4 else (x * y).tanh() if kind < 0.8 else x.tanh())
    root = nodes[-1]
    for node in nodes[-6:-1]:
        root = root + node
    return root


SHAPES: dict[str, tuple[int, Callable]] = {
    "a * b + c": (3, lambda a, b, c: a * b + c),
    N_("a * a (one node used twice)"): (1, lambda a: a * a),
    N_("e = a * b; e + e * c (a diamond)"): (3, lambda a, b, c: (lambda e: e + e * c)(a * b)),
    "tanh(x1*w1 + x2*w2 + b) (a neuron)": (
        5,
        lambda x1, w1, x2, w2, b: (x1 * w1 + x2 * w2 + b).tanh(),
    ),
    "(a + b) * (a - b) / b": (2, lambda a, b: (a + b) * (a - b) / b),
    N_("a (a single leaf)"): (1, lambda a: a),
    N_("a chain of 30 ops"): (1, lambda x: _chain(x, 15)),
}


def make_graphs(rng) -> list[dict]:
    """The graphs of one run: fixed shapes with fresh leaf values, and two random graphs."""

    def leaf():
        x = round(rng.uniform(-1.5, 1.5), 2)
        return x if abs(x) > 0.1 else 0.5

    graphs = [{"shape": s, "leaves": [leaf() for _ in range(n)]} for s, (n, _) in SHAPES.items()]
    for _i in range(2):
        graphs.append(
            {"shape": "random", "seed": rng.randrange(10**6), "leaves": [leaf() for _ in range(5)]}
        )
    return graphs


def build(graph: dict):
    """The graph's root and leaves, as micrograd Values (labelled a, b, c, ...)."""
    leaves = [engine.Value(x, label="abcdefgh"[i]) for i, x in enumerate(graph["leaves"])]
    if graph["shape"] == "random":
        return _random(leaves, graph["seed"]), leaves
    return SHAPES[graph["shape"]][1](*leaves), leaves


def graph_name(graph: dict) -> str:
    if graph["shape"] == "random":
        return _("a random graph of 45 ops (seed {graph})").format(graph=graph["seed"])
    return graph["shape"]


def numbered(graph: dict) -> tuple[engine.Value, list, dict[int, int]]:
    """The graph's root, its nodes in micrograd's topological order, and node id -> number."""
    root, _leaves = build(graph)
    nodes = engine.topological_order(root)
    return root, nodes, {id(n): i for i, n in enumerate(nodes)}


def _name(node) -> str:
    if node.label:
        return f"`{node.label}` ({fmt(node.data)})"
    return (
        _("the `{op}` node ({data})").format(op=node.op, data=fmt(node.data))
        if node.op
        else _("a leaf ({data})").format(data=fmt(node.data))
    )


# --------------------------------------------------------------------------------------
# topological_sort
# --------------------------------------------------------------------------------------


def _snapshot(nodes) -> list:
    return [(n.data, tuple(id(p) for p in n.parents)) for n in nodes]


def _take(iterable, limit: int) -> list:
    """Up to ``limit + 1`` items, in a Python loop (which the time limit can interrupt)."""
    items = []
    for item in iterable:
        items.append(item)
        if len(items) > limit:
            break
    return items


def _observe_topo(topo, inputs, probe):
    for graph in inputs["graphs"]:
        root, nodes, number = numbered(graph)
        before = _snapshot(nodes)
        outcome = probe.call(topo, root, what="topological_sort")
        if not outcome.ok:
            yield {"error": outcome.described}
            continue
        if _snapshot(nodes) != before:
            yield {"mutated": True}
            continue
        result = outcome.value
        if result is None or isinstance(result, (str, bytes)) or not hasattr(result, "__iter__"):
            yield {"returned": type(result).__name__}
            continue
        limit = 10 * len(nodes) + 10
        if not isinstance(result, list):  # a generator may never end: list it time-limited
            listed = probe.call(
                _take, result, limit, what=_("listing what topological_sort returned")
            )
            if not listed.ok:
                yield {"error": listed.described}
                continue
            result = listed.value
        if len(result) > limit:
            yield {"endless": len(result)}
            continue
        foreign = [repr(x)[:60] for x in result if id(x) not in number]
        yield {"order": [number.get(id(x), -1) for x in result], "foreign": foreign[:1]}
    root = _chain(engine.Value(0.5), 800)
    try:
        outcome = probe.call(topo, root, what="topological_sort")
        yield {"deep_recursion": isinstance(outcome.error, RecursionError)}
    except Stop:
        yield {"deep_recursion": False}


def _preorder(nodes, number, root, reverse: bool) -> list[int]:
    """Appending a node *before* visiting its parents (the classic mistake), as numbers."""
    order, seen, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        order.append(number[id(node)])
        parents = list(node.parents)
        stack.extend(parents if reverse else parents[::-1])
    return order


def _judge_topo(inputs, records, ctx: Context) -> None:
    for graph, rec in zip(inputs["graphs"], records):
        name = graph_name(graph)
        root, nodes, number = numbered(graph)
        case = {"graph": name, "nodes": len(nodes)}
        if "error" in rec:
            ctx.error_case(name, rec["error"], case)
        elif rec.get("mutated"):
            ctx.fail(
                name,
                "mutates-graph",
                _(
                    "topological_sort changed the graph (a node's data or parents): it must only "
                    "read it."
                ),
                inputs=case,
                problem=_("the graph was changed"),
            )
        elif "returned" in rec:
            ctx.fail(
                name,
                "wrong-return-type",
                _("topological_sort returned {rec}, not a list.").format(rec=rec["returned"]),
                _("What does your function give back with `return`?"),
                inputs=case,
                problem=_("returned {returned}").format(returned=rec["returned"]),
            )
        elif "endless" in rec:
            ctx.fail(
                name,
                "wrong-return-type",
                _(
                    "topological_sort returned more than {value} items for a graph of {n_nodes} "
                    "nodes."
                ).format(value=10 * len(nodes) + 10, n_nodes=len(nodes)),
                _("Each node belongs in the list once."),
                inputs=case,
                problem=_("returned endless items"),
            )
        else:
            problem = _order_problem(rec, nodes, number, root, ctx)
            ctx.case(
                name,
                not problem,
                inputs=case,
                received=len(rec["order"]),
                expected=len(nodes),
                problem=problem,
            )
    deep = [r for r in records if "deep_recursion" in r]
    if deep and deep[0]["deep_recursion"] and all(c.passed for c in ctx.cases):
        ctx.notes.append(
            _(
                "  Note: on a chain of 1600 ops your topological_sort hits Python's recursion "
                "limit. Real networks are deeper: micrograd's engine walks the graph with an "
                "explicit stack instead of recursion (see micrograd.topological_order)."
            )
        )


def _order_problem(rec, nodes, number, root, ctx: Context) -> str:
    order = rec["order"]
    if -1 in order:
        example = rec["foreign"][0] if rec["foreign"] else "?"
        ctx.diagnose(
            "wrong-return-type",
            _("the list holds things that are not nodes of the graph, e.g. {example}.").format(
                example=example
            ),
            _("What do you append: the node, or something about it?"),
        )
        return _("{count} items are not nodes of the graph (e.g. {example})").format(
            count=order.count(-1), example=example
        )
    counts = {i: order.count(i) for i in set(order)}
    twice = [i for i in order if counts[i] > 1]
    if twice:
        ctx.diagnose(
            "topo-duplicates",
            _(
                "some nodes are listed more than once, e.g. {name}: a node reached along two "
                "paths is visited twice."
            ).format(name=_name(nodes[twice[0]])),
            _("How does your walk know that it has seen a node already?"),
        )
        return _("{name} appears {counts} times").format(
            name=_name(nodes[twice[0]]), counts=counts[twice[0]]
        )
    missing = [i for i in range(len(nodes)) if i not in counts]
    if missing:
        ctx.diagnose(
            "topo-missing-nodes",
            _("some nodes are missing from the list, e.g. {name}.").format(
                name=_name(nodes[missing[0]])
            ),
            _("Does your walk visit every parent of every node, leaves included?"),
        )
        return _("{n_missing} of {n_nodes} nodes missing, e.g. {name}").format(
            n_missing=len(missing), n_nodes=len(nodes), name=_name(nodes[missing[0]])
        )
    position = {i: k for k, i in enumerate(order)}
    for i in order:
        for parent in nodes[i].parents:
            if position[number[id(parent)]] > position[i]:
                if any(order == _preorder(nodes, number, root, r) for r in (False, True)):
                    ctx.diagnose(
                        "topo-preorder",
                        _(
                            "each node is appended *before* its parents are visited (pre-order), "
                            "so outputs come before their inputs."
                        ),
                        _("When may a node join the list?"),
                    )
                elif order[-1] != number[id(root)]:
                    ctx.diagnose(
                        "topo-reversed",
                        _(
                            "the order runs from the output to the inputs; a topological order "
                            "lists every node after its parents."
                        ),
                        _("Where should the root be in the list?"),
                    )
                else:
                    ctx.diagnose(
                        "topo-order",
                        _("a node comes before one of its parents."),
                        _("A node may be listed only once all of its parents are."),
                    )
                return _("{name} comes before its parent {name2}").format(
                    name=_name(nodes[i]), name2=_name(parent)
                )
    return ""


exercise(
    "topological_sort",
    N_("the topological sort"),
    N_("your topological_sort function"),
    "topological_sort",
    inputs=lambda rng: {"graphs": make_graphs(rng)},
    judge=_judge_topo,
    forbidden=FORBIDDEN,
)(_observe_topo)


# --------------------------------------------------------------------------------------
# backward
# --------------------------------------------------------------------------------------


def _observe_backward(backward, inputs, probe):
    for graph in inputs["graphs"]:
        root, nodes, _number = numbered(graph)
        outcome = probe.call(backward, root, what="backward")
        if not outcome.ok:
            yield {"error": outcome.described}
            continue
        yield {"grads": [float(n.grad) for n in nodes]}


MISTAKES = {
    "backward-no-seed": (
        N_("every gradient stays 0: the output's gradient is never set before the loop."),
        N_("What is d root / d root?"),
    ),
    "backward-wrong-order": (
        N_(
            "only the output passes a gradient on: either the nodes are visited inputs first "
            "(each node passes its gradient on before it has received it; a node may pass it on "
            "only once every use of it has added its part), or only the root is visited."
        ),
        N_("Which nodes does your loop visit, and in which order?"),
    ),
    "backward-duplicates": (
        N_(
            "some nodes pass their gradient on more than once (nodes reached along several paths "
            "are visited again), so the gradients come out too large."
        ),
        N_("How many times may each node pass its gradient on?"),
    ),
    "missing-chain-factor": (
        N_("each parent gets the local derivative alone, not times the node's own gradient."),
        N_("The chain rule multiplies two factors: which ones?"),
    ),
    "assign-not-accumulate": (
        N_(
            "each parent's gradient is assigned (=) instead of accumulated, so a node used twice "
            "keeps only one of its parts."
        ),
        N_("A node with two children gets a gradient from each: how do they add up?"),
    ),
}


def simulate(graph: dict, mistake: str = "") -> list[float]:
    """Every node's gradient after a backward() with ``mistake`` (one of MISTAKES), by number."""
    root, nodes, number = numbered(graph)
    grads = [0.0] * len(nodes)
    if mistake != "backward-no-seed":
        grads[number[id(root)]] = 1.0
    # Inputs first, or outputs first. With `=` instead of `+=` the gradients depend on the
    # order: it is a student's recursive walk's, not the engine's. Forgetting the visited
    # nodes, they come again on every path (capped: that walk can grow exponentially).
    walk = postorder(root, lambda node: node.parents, visited=mistake != "backward-duplicates")
    walk = list(itertools.islice(walk, 200_000))
    if mistake != "backward-wrong-order":
        walk.reverse()
    for node in walk:
        upstream = grads[number[id(node)]]
        for parent, d in zip(node.parents, node.local_grads):
            term = d if mistake == "missing-chain-factor" else d * upstream
            k = number[id(parent)]
            grads[k] = term if mistake == "assign-not-accumulate" else grads[k] + term
    return grads


def _judge_backward(inputs, records, ctx: Context) -> None:
    observed = []
    for graph, rec in zip(inputs["graphs"], records):
        name = graph_name(graph)
        root, nodes, _number = numbered(graph)
        case = {"graph": name, "leaves": graph["leaves"]}
        if "error" in rec:
            ctx.error_case(name, rec["error"], case)
            continue
        got = rec["grads"]
        expected = list(engine.grad(root, nodes))
        observed.append((graph, got))
        wrong = [
            _("{name}.grad received {g}, expected {e}").format(name=_name(node), g=fmt(g), e=fmt(e))
            for node, g, e in zip(nodes, got, expected)
            if not close(g, e)
        ]
        ctx.compare(
            name,
            wrong[:2],
            inputs=case,
            received=got,
            expected=expected,
        )
    if observed and not all(c.passed for c in ctx.cases):

        def reproduces(kind: str) -> bool:
            return all(all_close(got, simulate(graph, kind)) for graph, got in observed)

        ctx.first_mistake("backward", MISTAKES, filter(reproduces, MISTAKES))


exercise(
    "backward",
    "backward()",
    N_("your backward function"),
    "backward",
    inputs=lambda rng: {"graphs": make_graphs(rng)},
    judge=_judge_backward,
    forbidden=FORBIDDEN,
    uses=("topological_sort",),
)(_observe_backward)
