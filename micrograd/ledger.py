"""The chain-rule ledger: *why* a Value has the gradient it has.

``x.grad`` after ``out.backward()`` is one number, but it is a sum: every path from the
output back to ``x`` contributes the product of the local derivatives along its edges.

>>> from micrograd import Value
>>> a = Value(3.0, label="a")
>>> out = a * a + a
>>> out.backward()
>>> ledger = explain(a, out)
>>> print(ledger)                              # doctest: +NORMALIZE_WHITESPACE
d((a * a) + a)/da: 3 paths from the output to a
  path 1: (a * a) + a --[+ 1]--> a * a --[* 3, left]--> a     product 1 * 3 = 3
  path 2: (a * a) + a --[+ 1]--> a * a --[* 3, right]--> a    product 1 * 3 = 3
  path 3: (a * a) + a --[+ 1]--> a                            product 1 = 1
  sum of the 3 products = 7
  a.grad = 7
>>> ledger.total, a.grad
(7.0, 7.0)

``a * a`` reaches ``a`` twice (as its left and its right operand), so it gives two paths.

``explain(x)`` alone explains ``x.grad`` from the last ``backward()``: the engine remembers
the Value that ``backward()`` was last called on (while it is alive) and uses it as the
output. A Value knows its parents but not its children, so ``x`` alone cannot lead to the
output; if there was no ``backward()`` yet, or ``x`` is not in the graph of the last one
(you called ``backward()`` on something else since), explain asks for the output
explicitly with :class:`OutputNeededError`: pass it as ``explain(x, output)``.

The number of paths can grow exponentially with depth (each diamond doubles it), so the
paths are *counted* first (dynamic programming, linear time) and a ledger with more than
``max_paths`` paths is refused with a clear message instead of hanging.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from dataclasses import dataclass

from micrograd import engine
from micrograd.engine import Value, topological_order

__all__ = [
    "ChainEdge",
    "ChainPath",
    "Explanation",
    "OutputNeededError",
    "count_paths",
    "explain",
    "format_number",
    "node_names",
]

DEFAULT_MAX_PATHS = 200
_INFIX = ("+", "-", "*", "/")
_MAX_NAME = 28  # longer made-up expression names fall back to "tanh_3"


class OutputNeededError(TypeError, ValueError):
    """``explain(x)`` cannot tell which output to explain: pass it, ``explain(x, output)``.

    A TypeError (an argument is missing) and a ValueError (``x`` is not in the graph of the
    last ``backward()``), so ``except`` either one catches it.
    """


def format_number(x: float, precision: int = 4) -> str:
    """A float with ``precision`` significant digits and no noise: 7.0 -> '7', 0.5 -> '0.5'.

    >>> format_number(0.70710678), format_number(-3.0), format_number(12345.0)
    ('0.7071', '-3', '1.234e+04')
    """
    text = f"{x:.{precision}g}"
    return "0" if text == "-0" else text


# --------------------------------------------------------------------------------------
# Names for the nodes of a graph, so that a path can be read aloud
# --------------------------------------------------------------------------------------


def node_names(root: Value, nodes: Iterable[Value] | None = None) -> dict[Value, str]:
    """A short readable name for every Value in ``root``'s graph.

    A node's label if it has one; else a constant's value ("2"); else its expression
    built from its parents' names ("a * b", "tanh(n)") while that stays short, else
    the op and the node's position in topological order ("tanh_3"). Equal names get
    "#2", "#3" appended (two Values both labelled "w"), so every name is unique.

    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> names = node_names((a * b).tanh())
    >>> sorted(names.values())
    ['a', 'a * b', 'b', 'tanh(a * b)']
    """
    order = topological_order(root) if nodes is None else list(nodes)
    names: dict[Value, str] = {}
    used: dict[str, int] = {}
    for i, node in enumerate(order):
        if node.label:
            name = node.label
        elif node.is_leaf:
            name = format_number(node.data)
        else:
            name = _expression(node, names)
            if len(name) > _MAX_NAME:
                name = f"{node.op}_{i}"
        count = used.get(name, 0) + 1
        used[name] = count
        names[node] = name if count == 1 else f"{name}#{count}"
    return names


def _expression(node: Value, names: dict[Value, str]) -> str:
    """``node`` written with its parents' names, e.g. "a * b" or "tanh(a * b)"."""
    args = [names[p] for p in node.parents]
    op = node.op
    if op in _INFIX and len(args) == 2:
        a, b = (_wrap(x) for x in args)
        return f"{a} {op} {b}"
    if op == "neg":
        return f"-{_wrap(args[0])}"
    if op.startswith("**"):
        return f"{_wrap(args[0])}{op}"
    return f"{op}({', '.join(args)})"


def _wrap(name: str) -> str:
    """Parenthesise a sub-expression so that "a + b" times c reads "(a + b) * c".

    Only names with a space outside all parentheses need it: "tanh(a + b)" does not.
    """
    depth = 0
    for char in name:
        depth += (char == "(") - (char == ")")
        if char == " " and depth == 0:
            return f"({name})"
    return name


# --------------------------------------------------------------------------------------
# The ledger as data
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChainEdge:
    """One edge of a path: from ``child`` back to its parent ``parent``.

    ``operand`` is the parent's position among ``child.parents`` (``a * a`` has two
    edges to ``a``: operand 0 and operand 1); ``local_grad`` is d child / d parent.
    """

    child: Value
    parent: Value
    operand: int
    local_grad: float


@dataclass(frozen=True, slots=True)
class ChainPath:
    """A path from the output back to x, and the product of its local derivatives."""

    edges: tuple[ChainEdge, ...]
    product: float

    @property
    def nodes(self) -> tuple[Value, ...]:
        """The Values along the path, output first (empty if x is the output itself)."""
        if not self.edges:
            return ()
        return (self.edges[0].child, *(e.parent for e in self.edges))


@dataclass(frozen=True, slots=True, eq=False)
class Explanation:
    """The chain-rule ledger for d output / d x: ``.paths``, their products and ``.total``.

    ``total`` is the sum of the path products, i.e. the derivative d output / d x.
    ``grad`` is ``x.grad`` when the ledger was made: after one ``output.backward()`` from
    zero gradients it equals ``total`` (up to rounding). ``str()`` gives the ledger as
    text, and Jupyter shows it as a table.
    """

    x: Value
    output: Value
    paths: tuple[ChainPath, ...]
    total: float
    grad: float
    names: dict[Value, str]

    def __len__(self) -> int:
        return len(self.paths)

    def path_text(self, path: ChainPath) -> str:
        """One path as "out --[op local]--> ... --> x"."""
        if not path.edges:
            return self.names[self.x]
        parts = [self.names[path.edges[0].child]]
        for edge in path.edges:
            parts.append(f"--[{edge.child.op} {format_number(edge.local_grad)}{_which(edge)}]-->")
            parts.append(self.names[edge.parent])
        return " ".join(parts)

    def product_text(self, path: ChainPath) -> str:
        """The product written out, e.g. "1 * 3 = 3"."""
        factors = " * ".join(format_number(e.local_grad) for e in path.edges) or "1"
        return f"{factors} = {format_number(path.product)}"

    def _title(self) -> str:
        out, x = self.names[self.output], self.names[self.x]
        out, x = (name if name.isidentifier() else f"({name})" for name in (out, x))
        return f"d{out}/d{x}"

    def _grad_note(self) -> str:
        x = self.names[self.x]
        note = f"{x}.grad = {format_number(self.grad)}"
        if not math.isclose(self.grad, self.total, rel_tol=1e-9, abs_tol=1e-12):
            note += (
                f"  (differs from the sum: {x}.grad holds what backward() left there; it is 0"
                " before backward() and leaves add up over several backward() calls)"
            )
        return note

    def __str__(self) -> str:
        x = self.names[self.x]
        n = len(self.paths)
        if n == 0:
            return (
                f"{self._title()}: the output does not depend on {x} (no path), so the sum is 0\n"
                f"  {self._grad_note()}"
            )
        head = f"{self._title()}: {n} path{'s' if n != 1 else ''} from the output to {x}"
        texts = [self.path_text(p) for p in self.paths]
        width = max(len(t) for t in texts)
        lines = [head]
        for i, (path, text) in enumerate(zip(self.paths, texts), start=1):
            lines.append(f"  path {i}: {text.ljust(width)}     product {self.product_text(path)}")
        lines.append(f"  sum of the {n} products = {format_number(self.total)}")
        lines.append(f"  {self._grad_note()}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"Explanation(x={self.names[self.x]!r}, output={self.names[self.output]!r}, "
            f"paths={len(self.paths)}, total={self.total!r})"
        )

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """IPython's text display (a terminal, or ``print`` of the mimebundle): the ledger."""
        printer.text(str(self))

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = []
        for i, path in enumerate(self.paths, start=1):
            locals_ = " &times; ".join(esc(format_number(e.local_grad)) for e in path.edges)
            rows.append(
                f"<tr><td>{i}</td><td style='text-align:left'>{esc(self.path_text(path))}</td>"
                f"<td>{locals_ or '1'}</td><td>{esc(format_number(path.product))}</td></tr>"
            )
        return (
            "<table class='micrograd-explain'>"
            f"<caption style='text-align:left'><b>{esc(self._title())}</b>: "
            f"{len(self.paths)} path(s), one row each</caption>"
            "<thead><tr><th>#</th><th>path (output &rarr; x), edges [op local derivative]</th>"
            "<th>local derivatives</th><th>product</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody>"
            f"<tfoot><tr><td colspan='3' style='text-align:right'>sum</td>"
            f"<td><b>{esc(format_number(self.total))}</b></td></tr>"
            f"<tr><td colspan='4' style='text-align:left'>{esc(self._grad_note())}</td></tr>"
            "</tfoot></table>"
        )


def _which(edge: ChainEdge) -> str:
    """Say which operand an edge is when the child uses the same parent twice (a * a)."""
    parents = edge.child.parents
    if parents.count(edge.parent) < 2:
        return ""
    if len(parents) == 2:
        return ", left" if edge.operand == 0 else ", right"
    return f", input {edge.operand + 1}"


# --------------------------------------------------------------------------------------
# Building the ledger: count the paths first, then list them
# --------------------------------------------------------------------------------------


def count_paths(x: Value, output: Value) -> int:
    """The number of paths from ``output`` back to ``x`` (linear time, exact integer).

    Paths through ``a * a`` count twice, once per operand. Dynamic programming over a
    topological order: paths(node) = sum of paths(parent) over the node's parent edges.

    >>> a = Value(1.0)
    >>> b = a * a          # 2 paths from b to a
    >>> c = b * b          # 2 * 2 = 4
    >>> count_paths(a, c)
    4
    """
    return _paths_to(x, topological_order(output)).get(output, 0)


def _paths_to(x: Value, order: list[Value]) -> dict[Value, int]:
    """For every node of a graph (in topological order) that reaches x: its paths to x."""
    paths: dict[Value, int] = {}
    for node in order:  # parents before children
        n = 1 if node is x else sum(paths.get(p, 0) for p in node.parents)
        if n:
            paths[node] = n
    return paths


def explain(
    x: Value, output: Value | None = None, *, max_paths: int = DEFAULT_MAX_PATHS
) -> Explanation:
    """The chain-rule ledger for d output / d x: every path, its edges' local derivatives,
    the product along each path and the sum of the products (which is ``x.grad`` after
    ``output.backward()``).

    >>> from micrograd import Value
    >>> x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    >>> y = (x * w).tanh()
    >>> y.backward()
    >>> e = explain(x, y)
    >>> len(e.paths), math.isclose(e.total, x.grad)
    (1, True)

    ``x`` is usually a leaf (an input or a parameter) but may be any Value of the graph.
    ``output`` is the Value ``backward()`` was called on. Left out, it is the Value of the
    last ``backward()`` call, if ``x`` is in its graph; else :class:`OutputNeededError`
    asks for it (see the module docstring). More than ``max_paths`` paths raise a
    ValueError that says how many there are (the derivative itself is still ``x.grad``).
    """
    if not isinstance(x, Value):
        raise TypeError(f"explain(x, output) needs a Value as x, got {type(x).__name__}: {x!r}.")
    implicit = output is None
    if implicit:
        output = engine.last_backward_root()
        if output is None:
            raise OutputNeededError(
                "explain(x) needs to know the output: a Value knows its parents but not its "
                "children, and no backward() has run (or its output is gone). Call "
                "explain(x, output) with the Value you called backward() on, "
                "e.g. explain(x, loss)."
            )
    if not isinstance(output, Value):
        raise TypeError(
            f"explain(x, output) needs a Value as output, got {type(output).__name__}: {output!r}."
        )
    if isinstance(max_paths, bool) or not isinstance(max_paths, int) or max_paths < 1:
        raise ValueError(f"explain(max_paths=...) needs a positive int, got {max_paths!r}.")

    order = topological_order(output)
    paths_to_x = _paths_to(x, order)
    n = paths_to_x.get(output, 0)
    if n > max_paths:
        raise ValueError(
            f"explain: there are {n} paths from the output to {node_names(output, order)[x]} "
            f"(more than max_paths={max_paths}); the ledger would be too long to read. "
            "Each reuse of a Value doubles the paths behind it. Explain a smaller graph "
            "(e.g. one neuron), or pass a larger max_paths if you really want them all. "
            f"The derivative itself is x.grad after backward()."
        )
    in_graph = x in paths_to_x  # every node of the graph has a path to itself
    if implicit and not in_graph:
        raise OutputNeededError(
            f"explain(x): x ({x.label or format_number(x.data)!r}) is not in the graph of the "
            f"last backward(), which was called on {node_names(output, order)[output]!r}, so "
            "x.grad does not come from that output. Pass the output explicitly: "
            "explain(x, output), with the Value whose backward() gave x its gradient."
        )
    paths = tuple(_enumerate_paths(x, output, paths_to_x))
    if not in_graph:
        order.append(x)  # x is not in the graph at all: it still needs a name
    return Explanation(
        x=x,
        output=output,
        paths=paths,
        total=math.fsum(p.product for p in paths),
        grad=x.grad,
        names=node_names(output, order),
    )


def _enumerate_paths(x: Value, output: Value, paths_to_x: dict[Value, int]):
    """Every path from output to x, depth first, without recursion (graphs can be deep).

    Only edges into nodes that reach x are followed, so no work is wasted on dead ends.
    """
    # Stack of (node, index of the next parent edge to try); edges holds the current path.
    stack: list[list] = [[output, 0]]
    edges: list[ChainEdge] = []
    while stack:
        frame = stack[-1]
        node, i = frame
        if node is x or i == len(node.parents):  # a path found, or every edge tried: back
            if node is x:
                yield ChainPath(tuple(edges), math.prod(e.local_grad for e in edges))
            stack.pop()
            if edges:
                edges.pop()
            continue
        frame[1] = i + 1
        parent = node.parents[i]
        if parent in paths_to_x:
            edges.append(ChainEdge(node, parent, i, node.local_grads[i]))
            stack.append([parent, 0])
