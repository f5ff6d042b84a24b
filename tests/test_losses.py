"""micrograd.losses: values by hand, gradients by gradcheck (and torch when installed),
stability at large logits, small graphs, clear errors."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import micrograd
from micrograd import Value, gradcheck, topological_order
from micrograd.losses import binary_cross_entropy, cross_entropy, hinge, l2, mse
from micrograd.nn import MLP

logit = st.floats(min_value=-20.0, max_value=20.0, allow_nan=False)


def values(xs):
    return [Value(x) for x in xs]


def ops(root):
    return [v.op for v in topological_order(root) if v.op]


# -- mse -----------------------------------------------------------------------------------


def test_mse_by_hand():
    p = values([2.5, 0.0, -1.0])
    loss = mse(p, [3.0, -1.0, -1.0])
    assert loss.data == pytest.approx((0.25 + 1.0 + 0.0) / 3, abs=1e-15)
    loss.backward()  # d/dp_i = 2 (p_i - t_i) / n
    assert [v.grad for v in p] == pytest.approx([2 * -0.5 / 3, 2 * 1.0 / 3, 0.0], abs=1e-15)


def test_mse_gradcheck_and_reductions():
    targets = [0.3, -1.2, 2.0]
    assert gradcheck(lambda a, b, c: mse([a, b, c], targets), [1.0, -0.5, 0.7])
    assert mse([1.0, 3.0], [0.0, 0.0], reduction="sum").data == 10.0
    per_sample = mse([1.0, 3.0], [0.0, 0.0], reduction="none")
    assert [v.data for v in per_sample] == [1.0, 9.0]
    assert mse(Value(3.0), 1.0).data == 4.0  # a single sample


def test_mse_gradient_flows_into_value_targets_too():
    p, t = Value(1.0), Value(4.0)
    mse([p], [t]).backward()
    assert (p.grad, t.grad) == (-6.0, 6.0)


def test_mean_is_one_sum_node_not_a_chain():
    loss = mse(values(range(10)), [0.0] * 10)
    assert ops(loss).count("sum") == 1 and "+" not in ops(loss)
    assert loss.op == "/" and loss.parents[0].op == "sum" and len(loss.parents[0].parents) == 10


# -- hinge ---------------------------------------------------------------------------------


def test_hinge_by_hand():
    # relu(1 - 2) = 0, relu(1 - 0.5) = 0.5, relu(1 + 0.5) = 1.5 for y = +1; y = -1 flips
    scores = values([2.0, 0.5, -0.5, -3.0])
    loss = hinge(scores, [1, 1, 1, -1])
    assert loss.data == pytest.approx((0 + 0.5 + 1.5 + 0) / 4, abs=1e-15)
    loss.backward()  # -y / n where the margin is violated, else 0
    assert [v.grad for v in scores] == [0.0, -0.25, -0.25, 0.0]


def test_hinge_zero_one_labels_equal_minus_one_plus_one():
    scores = [0.3, -0.2, 1.5, -0.7]
    assert hinge(scores, [1, 0, 0, 1]).data == hinge(scores, [1, -1, -1, 1]).data


def test_hinge_equals_the_original_demo_formula():
    raw, labels = [0.3, -0.2, 1.5, -0.7, 0.95], [1, -1, -1, 1, 1]
    ours, theirs = values(raw), values(raw)
    mine = hinge(ours, labels)
    original = [(1 + -y * s).relu() for y, s in zip(labels, theirs)]
    reference = original[0]
    for term in original[1:]:
        reference = reference + term
    reference = reference * (1.0 / len(raw))
    assert mine.data == pytest.approx(reference.data, rel=1e-15)
    mine.backward()
    reference.backward()
    assert [v.grad for v in ours] == pytest.approx([v.grad for v in theirs], rel=1e-15)


def test_hinge_gradcheck_away_from_the_kink():
    assert gradcheck(lambda a, b, c: hinge([a, b, c], [1, -1, 1]), [0.2, 0.4, -1.3])


# -- binary cross-entropy ----------------------------------------------------------------------


def naive_bce(z, y):
    p = 1 / (1 + math.exp(-z))
    return -(y * math.log(p) + (1 - y) * math.log(1 - p))


@pytest.mark.parametrize(
    ("z", "y"), [(0.0, 1), (0.0, 0), (2.0, 1), (2.0, 0), (-3.0, 1), (-3.0, 0), (0.7, 0.25)]
)
def test_bce_matches_the_textbook_formula(z, y):
    assert binary_cross_entropy([z], [y]).data == pytest.approx(naive_bce(z, y), rel=1e-13)


def test_bce_by_hand():
    assert binary_cross_entropy([0.0], [1]).data == pytest.approx(math.log(2), rel=1e-15)
    # mean of log(1 + e^-2) and log(1 + e^3) - 0 (a wrong-side logit costs about |z|)
    expected = (math.log(1 + math.exp(-2)) + math.log(1 + math.exp(3))) / 2
    assert binary_cross_entropy([2.0, 3.0], [1, 0]).data == pytest.approx(expected, rel=1e-15)


def test_bce_is_stable_at_huge_logits():
    z = values([1000.0, -1000.0, 1000.0, -1000.0])
    loss = binary_cross_entropy(z, [1, 0, 0, 1], reduction="none")
    assert [v.data for v in loss] == [0.0, 0.0, 1000.0, 1000.0]
    micrograd.sum(loss).backward()  # gradient sigmoid(z) - y
    assert [v.grad for v in z] == [0.0, 0.0, 1.0, -1.0]


@pytest.mark.parametrize("y", [0, 1, 0.3])
def test_bce_gradient_is_sigmoid_minus_label_also_at_zero(y):
    z = Value(0.0)
    binary_cross_entropy([z], [y]).backward()
    assert z.grad == pytest.approx(0.5 - y, abs=1e-15)


@settings(max_examples=40, deadline=None)
@given(zs=st.lists(logit, min_size=1, max_size=5), data=st.data())
def test_bce_gradcheck(zs, data):
    labels = data.draw(st.lists(st.sampled_from([0, 1]), min_size=len(zs), max_size=len(zs)))
    assert gradcheck(lambda *v: binary_cross_entropy(list(v), labels), zs, atol=1e-6)
    z = values(zs)
    binary_cross_entropy(z, labels).backward()
    for v, y in zip(z, labels):
        assert v.grad == pytest.approx((1 / (1 + math.exp(-v.data)) - y) / len(zs), abs=1e-12)


def test_bce_minus_one_labels_mean_zero():
    assert binary_cross_entropy([0.5, -2.0], [-1, 1]).data == pytest.approx(
        binary_cross_entropy([0.5, -2.0], [0, 1]).data, rel=1e-15
    )


# -- cross-entropy -------------------------------------------------------------------------


def test_cross_entropy_by_hand():
    assert cross_entropy([[1.0, 1.0, 1.0]], [0]).data == pytest.approx(math.log(3), rel=1e-15)
    # -log softmax([2, 1, 0])[0] = log(e^2 + e + 1) - 2
    expected = math.log(math.exp(2) + math.exp(1) + 1) - 2
    assert cross_entropy([[2.0, 1.0, 0.0]], [0]).data == pytest.approx(expected, rel=1e-14)


def test_cross_entropy_gradient_is_softmax_minus_onehot():
    rows = [values([2.0, 1.0, 0.0]), values([0.5, -0.5, 3.0])]
    cross_entropy(rows, [0, 1]).backward()
    for row, y in zip(rows, [0, 1]):
        exps = [math.exp(v.data) for v in row]
        softmax = [e / sum(exps) for e in exps]
        expected = [(s - (j == y)) / 2 for j, s in enumerate(softmax)]
        assert [v.grad for v in row] == pytest.approx(expected, abs=1e-15)


def test_cross_entropy_is_stable_at_huge_logits():
    row = values([1000.0, -1000.0, 0.0])
    loss = cross_entropy([row], [1])
    assert loss.data == pytest.approx(2000.0, rel=1e-15)
    loss.backward()
    assert [v.grad for v in row] == pytest.approx([1.0, -1.0, 0.0], abs=1e-15)
    assert cross_entropy([[1000.0, -1000.0, 0.0]], [0]).data == 0.0


@settings(max_examples=30, deadline=None)
@given(flat=st.lists(logit, min_size=6, max_size=6), labels=st.lists(st.integers(0, 2), min_size=2))
def test_cross_entropy_gradcheck(flat, labels):
    labels = labels[:2]
    assert gradcheck(lambda *v: cross_entropy([list(v[:3]), list(v[3:])], labels), flat, atol=1e-6)


def test_cross_entropy_of_two_classes_is_bce_of_the_difference():
    # softmax over (0, z) is sigmoid(z): the two losses agree
    for z, y in [(1.3, 1), (-0.4, 0), (5.0, 0)]:
        assert cross_entropy([[0.0, z]], [y]).data == pytest.approx(
            binary_cross_entropy([z], [y]).data, rel=1e-13
        )


# -- against torch, when installed --------------------------------------------------------------


def test_losses_match_torch():
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    zs, ys = [0.3, -2.0, 7.5, -0.01, 40.0], [1, 0, 0, 1, 0]
    z_ours = values(zs)
    ours = binary_cross_entropy(z_ours, ys)
    ours.backward()
    z_torch = torch.tensor(zs, dtype=torch.float64, requires_grad=True)
    theirs = functional.binary_cross_entropy_with_logits(z_torch, torch.tensor(ys).double())
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-12)
    assert [v.grad for v in z_ours] == pytest.approx(z_torch.grad.tolist(), rel=1e-12, abs=1e-15)

    rows = [[0.3, -2.0, 7.5], [1.0, 1.5, -0.5], [-3.0, 0.0, 3.0]]
    classes = [2, 0, 1]
    r_ours = [values(r) for r in rows]
    ours = cross_entropy(r_ours, classes)
    ours.backward()
    r_torch = torch.tensor(rows, dtype=torch.float64, requires_grad=True)
    theirs = functional.cross_entropy(r_torch, torch.tensor(classes))
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-12)
    grads = [[v.grad for v in r] for r in r_ours]
    for mine, reference in zip(grads, r_torch.grad.tolist()):
        assert mine == pytest.approx(reference, rel=1e-12, abs=1e-15)

    p = values([0.5, -1.0, 2.0])
    ours = mse(p, [0.0, 1.0, 1.5])
    t = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)
    assert ours.data == pytest.approx(
        functional.mse_loss(t, torch.tensor([0.0, 1.0, 1.5], dtype=torch.float64)).item()
    )


# -- l2 ------------------------------------------------------------------------------------


def test_l2_value_and_gradient():
    params = values([1.0, -2.0, 0.5])
    penalty = l2(params, alpha=0.1)
    assert penalty.data == pytest.approx(0.1 * (1 + 4 + 0.25), rel=1e-15)
    penalty.backward()
    assert [p.grad for p in params] == pytest.approx([0.2, -0.4, 0.1], rel=1e-15)
    assert gradcheck(lambda a, b: l2([a, b], alpha=0.3), [0.7, -1.1])


def test_l2_accepts_a_module_and_matches_the_demo_formula():
    model = MLP(2, [4, 1], seed=3)
    demo = 1e-4 * sum(p.data * p.data for p in model.parameters())
    assert l2(model).data == pytest.approx(demo, rel=1e-12)


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: mse([1.0, 2.0], [1.0]), "got 2 predictions but 1 targets"),
        (lambda: mse([], []), "empty"),
        (lambda: mse([1.0], [float("nan")]), r"targets\[0\] must be a finite number"),
        (lambda: hinge([1.0, 2.0], [1, 2]), r"labels\[1\] is 2"),
        (lambda: hinge([1.0, 2.0], [1, 0.5]), r"labels\[1\] is 0.5"),
        (lambda: hinge([1.0, 2.0, 3.0], [-1, 0, 1]), "mix -1 and 0"),
        (lambda: hinge([1.0, 2.0], [0, 2]), r"labels\[1\] is 2.*cross_entropy"),
        (lambda: hinge([1.0], [True]), r"labels\[0\]"),
        (lambda: binary_cross_entropy([1.0], [2]), r"labels\[0\] is 2"),
        (lambda: binary_cross_entropy([1.0, 2.0], [1]), "got 2 logits but 1 labels"),
        (lambda: cross_entropy([[1.0, 2.0]], [2]), r"class_indices\[0\] is 2.*0\.\.1"),
        (lambda: cross_entropy([[1.0, 2.0]], [1.0]), r"class_indices\[0\]"),
        (lambda: cross_entropy([[1.0, 2.0], [1.0]], [0, 0]), r"logits_rows\[1\] has 1 scores"),
        (lambda: cross_entropy([[]], [0]), "empty"),
        (lambda: mse([1.0], [0.0], reduction="avg"), "reduction must be one of"),
        (lambda: l2([Value(1.0)], alpha=-1), "alpha"),
        (lambda: l2([]), "no parameters"),
    ],
)
def test_bad_input_is_a_clear_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_non_numbers_are_type_errors_naming_the_position():
    with pytest.raises(TypeError, match=r"predictions\[1\] must be a number or a Value"):
        mse([1.0, "2"], [1.0, 2.0])
    with pytest.raises(TypeError, match="list of k scores"):
        cross_entropy([1.0, 2.0], [0, 1])
    with pytest.raises(TypeError, match="must be a list"):
        hinge(None, [1])


def test_docstring_examples_run_as_printed():
    import doctest

    import micrograd.losses

    result = doctest.testmod(micrograd.losses, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
