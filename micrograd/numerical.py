"""Checking gradients the slow, sure way: nudge one input, run the forward pass twice.

This is the "naive method" from the course notes made into a tool. It costs two forward
passes per input, which is why networks use backpropagation instead; but it needs no
derivative rules, so it is the independent oracle that ``backward()`` is checked against.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from micrograd.engine import Value, topological_order

__all__ = ["GradcheckError", "gradcheck", "numerical_grad", "check_local_grads"]

Function = Callable[..., "Value | float"]


class GradcheckError(AssertionError):
    """backward() and central differences disagree; the message says where."""


def _as_number(x: Value | float, i: int) -> float:
    if isinstance(x, Value):
        return x.data
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return float(x)
    raise TypeError(f"input {i} must be a number or a Value, got {type(x).__name__}: {x!r}.")


def _evaluate(f: Function, xs: Sequence[float]) -> float:
    out = f(*(Value(x) for x in xs))
    if isinstance(out, Value):
        return out.data
    if isinstance(out, (int, float)):
        return float(out)
    raise TypeError(f"f must return a Value or a number, got {type(out).__name__}: {out!r}.")


def numerical_grad(
    f: Function, inputs: Sequence[Value | float], eps: float = 1e-6
) -> tuple[float, ...]:
    """Central differences: df/dx_i ~ (f(.., x_i + eps, ..) - f(.., x_i - eps, ..)) / (2 eps).

    ``f`` is called as ``f(*values)`` with one fresh Value per input (as in
    ``torch.autograd.gradcheck``). The error of the estimate shrinks like eps**2.
    """
    if not eps > 0:
        raise ValueError(f"numerical_grad needs eps > 0, got {eps!r}.")
    xs = [_as_number(x, i) for i, x in enumerate(inputs)]
    grads = []
    for i, x in enumerate(xs):
        up = xs[:i] + [x + eps] + xs[i + 1 :]
        down = xs[:i] + [x - eps] + xs[i + 1 :]
        grads.append((_evaluate(f, up) - _evaluate(f, down)) / (2 * eps))
    return tuple(grads)


@dataclass(frozen=True)
class LocalMismatch:
    """A node whose recorded local derivative disagrees with its own forward function."""

    node: Value
    parent_index: int
    received: float
    expected: float

    def __str__(self) -> str:
        inputs = ", ".join(f"{p.data:.6g}" for p in self.node.parents)
        return (
            f"node {self.node.op!r} with inputs ({inputs}) records d out/d input{self.parent_index}"
            f" = {self.received:.6g}, but nudging that input gives {self.expected:.6g}"
        )


def check_local_grads(
    root: Value, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3
) -> list[LocalMismatch]:
    """Check each node's recorded local derivatives against its own forward function.

    Finds *which* node of a graph is wrong, e.g. after a student has rewritten an op.
    """
    mismatches = []
    for node in topological_order(root):
        op = node._rule
        if op is None:
            continue
        xs = [p.data for p in node.parents]
        for i, received in enumerate(node.local_grads):
            up, down = list(xs), list(xs)
            up[i] += eps
            down[i] -= eps
            try:
                expected = (op.forward(*up) - op.forward(*down)) / (2 * eps)
            except (ArithmeticError, ValueError):
                continue  # the nudge left the op's domain (e.g. log near 0): no verdict
            received = float(received)
            if not math.isclose(received, expected, rel_tol=rtol, abs_tol=atol):
                mismatches.append(LocalMismatch(node, i, received, expected))
    return mismatches


def gradcheck(
    f: Function,
    inputs: Sequence[Value | float],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Compare ``backward()`` with central differences for ``f(*inputs)``.

    Returns True when every derivative agrees within ``atol + rtol * |expected|``.
    Otherwise raises :class:`GradcheckError` naming each input that disagrees, the
    derivative received (backward) and the derivative expected (central differences),
    and, when it can tell, the node of the graph whose local derivative is wrong.
    With ``raise_exception=False`` it returns False instead of raising.

    >>> gradcheck(lambda x, y: x * y + x.tanh(), [0.5, -2.0])
    True
    """
    xs = [_as_number(x, i) for i, x in enumerate(inputs)]
    values = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    out = f(*values)
    if not isinstance(out, Value):
        raise TypeError(
            f"gradcheck needs f to return a Value, got {type(out).__name__}: {out!r}. "
            "Build the result from the Values f receives."
        )
    out.backward()
    received = [v.grad for v in values]
    expected = numerical_grad(f, xs, eps)

    lines = []
    for i, (x, got, want) in enumerate(zip(xs, received, expected)):
        if not abs(got - want) <= atol + rtol * abs(want):
            lines.append(
                f"  input {i} (x{i} = {x:.6g}): derivative received {got:.6g} from backward(), "
                f"expected {want:.6g} from central differences (eps={eps:g})"
            )
    if not lines:
        return True
    if not raise_exception:
        return False
    culprits = check_local_grads(out, eps, atol, rtol)
    message = ["gradient check failed:", *lines]
    if culprits:
        message.append("the first node whose local derivative is wrong:")
        message.append(f"  {culprits[0]}")
    else:
        message.append(
            "every node's local derivative matches its forward function, so look at how "
            "the gradients are combined (the chain rule, += for reused nodes) in backward()."
        )
    raise GradcheckError("\n".join(message))
