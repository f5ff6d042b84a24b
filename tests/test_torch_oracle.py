"""Cross-check against PyTorch's autograd: values, gradients and second derivatives.

Optional: PyTorch is not a dependency of micrograd-edu. Without it the module is skipped,
with a reason; install it (``pip install torch``) to run these checks.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip(
    "torch", reason="PyTorch is not installed: the optional cross-check against torch is skipped"
)

from hypothesis import given  # noqa: E402
from strategies import (  # noqa: E402
    Case,
    cases,
    close,
    evaluate_micrograd,
    evaluate_torch,
)

import micrograd  # noqa: E402
from micrograd import Value  # noqa: E402

torch.set_num_threads(1)  # small scalar graphs; the machine is shared


def torch_leaves(inputs):
    return [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]


def torch_grad(out, leaves, create_graph=False, retain_graph=None) -> list:
    """d out / d leaf for each leaf; 0 where out does not depend on the leaf."""
    if not out.requires_grad:
        return [torch.zeros((), dtype=torch.float64) for _ in leaves]
    grads = torch.autograd.grad(
        out, leaves, create_graph=create_graph, retain_graph=retain_graph, allow_unused=True
    )
    return [torch.zeros((), dtype=torch.float64) if g is None else g for g in grads]


def torch_hessian(case: Case) -> tuple[float, list[float], list[list[float]]]:
    leaves = torch_leaves(case.inputs)
    out = evaluate_torch(case.expr, leaves)
    first = torch_grad(out, leaves, create_graph=True)
    hessian = [[h.item() for h in torch_grad(d, leaves, retain_graph=True)] for d in first]
    return out.item(), [d.item() for d in first], hessian


@given(cases())
def test_values_and_gradients_match_torch(case):
    out, inputs = evaluate_micrograd(case.expr, case.inputs)
    out.backward()
    leaves = torch_leaves(case.inputs)
    t_out = evaluate_torch(case.expr, leaves)
    assert close(out.data, t_out.item(), rel=1e-12, abs_=1e-12), case
    for i, (x, want) in enumerate(zip(inputs, torch_grad(t_out, leaves))):
        assert close(x.grad, want.item(), rel=1e-9, abs_=1e-10), (
            f"d/dx{i} of {case}: micrograd {x.grad!r}, torch {want.item()!r}"
        )


@given(cases(max_vars=2))
def test_second_derivatives_match_torch(case):
    out, inputs = evaluate_micrograd(case.expr, case.inputs)
    _, t_first, t_hessian = torch_hessian(case)
    first = micrograd.grad(out, inputs, create_graph=True)
    for i, d in enumerate(first):
        assert close(d.data, t_first[i], rel=1e-9, abs_=1e-10), f"d/dx{i} of {case}"
        for j, got in enumerate(micrograd.grad(d, inputs)):
            want = t_hessian[i][j]
            assert close(got, want, rel=1e-8, abs_=1e-9), (
                f"d2/dx{i}dx{j} of {case}: micrograd {got!r}, torch {want!r}"
            )


EDGE_CASES = [
    ("relu at 0", lambda v: v.relu(), torch.relu, 0.0),
    ("abs at 0", abs, torch.abs, 0.0),
    ("x**0 at 0", lambda v: v**0, lambda t: t**0, 0.0),
    ("x**1 at 0", lambda v: v**1, lambda t: t**1, 0.0),
    ("x**2 at 0", lambda v: v**2, lambda t: t**2, 0.0),
    ("x/x", lambda v: v / v, lambda t: t / t, -3.0),
    ("x-x", lambda v: v - v, lambda t: t - t, 2.0),
    ("sigmoid at -1000", lambda v: v.sigmoid(), torch.sigmoid, -1000.0),
    ("sigmoid at 1000", lambda v: v.sigmoid(), torch.sigmoid, 1000.0),
    ("tanh at -1000", lambda v: v.tanh(), torch.tanh, -1000.0),
    ("exp at -1000", lambda v: v.exp(), torch.exp, -1000.0),
]


@pytest.mark.parametrize("name, f, g, x", EDGE_CASES, ids=[c[0] for c in EDGE_CASES])
def test_edge_cases_follow_torchs_conventions(name, f, g, x):
    v = Value(x)
    out = f(v)
    out.backward()
    t = torch_leaves([x])[0]
    t_out = g(t)
    t_out.backward()
    assert out.data == t_out.item(), name
    assert v.grad == float(t.grad), name


def test_value_exponent_matches_torch():
    # micrograd computes 2 ** x as exp(x log 2): equal to torch's pow up to rounding
    x = Value(1.5)
    out = 2**x
    out.backward()
    t = torch_leaves([1.5])[0]
    t_out = 2**t
    t_out.backward()
    assert close(out.data, t_out.item(), rel=1e-14)
    assert close(x.grad, float(t.grad), rel=1e-14)


def test_neuron_and_loss_match_torch():
    # tanh(w . x + b), squared error, the shape of the nn issue's building block.
    ws, xs, b, target = [0.3, -1.2, 0.8], [1.5, 0.25, -2.0], 0.1, 0.5
    w_v, x_v, b_v = [Value(w) for w in ws], [Value(x) for x in xs], Value(b)
    loss = (micrograd.dot(w_v, x_v, b_v).tanh() - target) ** 2
    loss.backward()

    w_t, x_t, b_t = torch_leaves(ws), torch_leaves(xs), torch_leaves([b])[0]
    pre = sum(w * x for w, x in zip(w_t, x_t)) + b_t
    t_loss = (torch.tanh(pre) - target) ** 2
    t_loss.backward()
    assert close(loss.data, t_loss.item(), rel=1e-14)
    for v, t in zip(w_v + x_v + [b_v], w_t + x_t + [b_t]):
        assert close(v.grad, float(t.grad), rel=1e-12, abs_=1e-15)


def test_backward_twice_accumulates_like_torch():
    x = Value(0.7)
    h = (x * 3.0).sin()
    out = h * h + h * x
    out.backward()
    out.backward()

    t = torch_leaves([0.7])[0]
    th = torch.sin(t * 3.0)
    t_out = th * th + th * t
    t_out.backward(retain_graph=True)
    t_out.backward()
    assert close(x.grad, float(t.grad), rel=1e-14)
