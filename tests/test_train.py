"""fit(), History, gc_paused and the predict/evaluate helpers."""

from __future__ import annotations

import doctest
import gc
import math

import pytest

import micrograd
import micrograd.losses
import micrograd.train
from micrograd import Value
from micrograd.data import (
    load_iris,
    make_moons,
    make_spirals,
    standardize,
    train_test_split,
    xor,
)
from micrograd.nn import MLP
from micrograd.optim import SGD, linear_decay
from micrograd.train import (
    OPTIMIZERS,
    History,
    StepInfo,
    StopTraining,
    accuracy,
    evaluate,
    fit,
    gc_paused,
    make_optimizer,
    predict,
    scores,
)


def test_docstring_examples():
    result = doctest.testmod(micrograd.train)
    assert result.attempted >= 5
    assert result.failed == 0


# -- gc_paused ----------------------------------------------------------------------------


def test_gc_paused_pauses_and_restores(gc_enabled):
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_gc_paused_restores_when_the_block_raises(gc_enabled):
    with pytest.raises(ZeroDivisionError), gc_paused():
        assert not gc.isenabled()
        _ = 1 / 0
    assert gc.isenabled()


def test_gc_paused_leaves_a_disabled_collector_disabled(gc_enabled):
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
        with pytest.raises(RuntimeError), gc_paused():
            raise RuntimeError("boom")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_gc_paused_nested(gc_enabled):
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still holds it
    assert gc.isenabled()


def test_fit_pauses_the_collector_during_each_step_and_restores_it(gc_enabled):
    seen = []

    def loss(outputs, labels):
        seen.append(gc.isenabled())
        return micrograd.losses.hinge(outputs, labels)

    X, y = xor()
    fit(MLP(2, [4, 1], seed=0), X, y, loss=loss, epochs=3, progress=False)
    assert seen == [False, False, False]
    assert gc.isenabled()


def test_fit_restores_the_collector_when_a_step_raises(gc_enabled):
    def broken_loss(outputs, labels):
        assert not gc.isenabled()
        raise ArithmeticError("loss exploded")

    X, y = xor()
    with pytest.raises(ArithmeticError, match="loss exploded"):
        fit(MLP(2, [4, 1], seed=0), X, y, loss=broken_loss, epochs=2, progress=False)
    assert gc.isenabled()


# -- training behaviour ------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_small_mlp_learns_xor(seed):
    X, y = xor()
    model = MLP(2, [8, 1], activation="tanh", seed=seed)
    assert accuracy(model, X, y) < 1.0  # not solved by the random start
    history = fit(model, X, y, loss="hinge", optimizer="sgd", lr=0.1, epochs=200, progress=False)
    assert accuracy(model, X, y) == 1.0
    assert history.steps == 200
    assert history.loss[-1] < history.loss[0]


@pytest.mark.slow
def test_original_demo_recipe_reaches_at_least_97_percent_on_moons():
    """MLP(2, [16, 16, 1]), hinge + L2 1e-4, full-batch SGD, lr 1.0 -> 0.1 over 100 steps."""
    X, y = make_moons(n_samples=100, noise=0.1, seed=1337)
    model = MLP(2, [16, 16, 1], seed=1337)
    optimizer = SGD(model.parameters(), lr=1.0)
    history = fit(
        model,
        X,
        y,
        loss="hinge",
        optimizer=optimizer,
        lr_schedule=linear_decay(1.0, 0.1, 100),
        epochs=100,
        alpha=1e-4,
        progress=False,
    )
    assert history.steps == 100
    assert accuracy(model, X, y) >= 0.97
    assert history.lr[0] == 1.0 and history.lr[-1] == pytest.approx(1.0 - 0.9 * 99 / 100)


def test_moons_with_adam_and_mini_batches():
    X, y = make_moons(n_samples=60, noise=0.1, seed=3)
    model = MLP(2, [8, 8, 1], seed=3)
    history = fit(
        model,
        X,
        y,
        loss="hinge",
        optimizer="adam",
        lr=0.05,
        epochs=30,
        batch_size=20,
        seed=0,
        progress=False,
    )
    assert history.steps == 90 and history.epochs == 30
    assert accuracy(model, X, y) >= 0.97


@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_other_binary_losses_train(loss):
    X, y = xor(n_samples=8, noise=0.05, seed=0)
    model = MLP(2, [8, 1], activation="tanh", seed=1)
    history = fit(model, X, y, loss=loss, optimizer="adam", lr=0.05, epochs=150, progress=False)
    assert history.loss[-1] < 0.5 * history.loss[0]
    assert accuracy(model, X, y) == 1.0


def test_cross_entropy_on_three_spirals_lowers_the_loss():
    X, y = make_spirals(n_samples=30, n_classes=3, seed=0)
    model = MLP(2, [16, 3], seed=0)
    before, acc_before = evaluate(model, X, y, loss="cross_entropy")
    fit(model, X, y, loss="cross_entropy", optimizer="adam", lr=0.05, epochs=30, progress=False)
    after, acc_after = evaluate(model, X, y, loss="cross_entropy")
    assert after < 0.8 * before
    assert acc_after > acc_before


def test_plus_minus_one_labels_and_a_loss_function_from_losses():
    """The original demo writes y as -1/+1 and may pass micrograd.losses.hinge itself."""
    X, y01 = make_moons(n_samples=20, seed=0)
    y_pm = [2 * t - 1 for t in y01]

    def run(y, loss):
        model = MLP(2, [4, 1], seed=0)
        return fit(model, X, y, loss=loss, epochs=5, lr=0.1, seed=0, progress=False), model

    h01, m01 = run(y01, "hinge")
    hpm, mpm = run(y_pm, "hinge")
    hfn, _ = run(y_pm, micrograd.losses.hinge)
    assert h01.loss == hpm.loss
    assert hfn.loss == pytest.approx(hpm.loss, rel=1e-12)
    assert h01.accuracy == hpm.accuracy == hfn.accuracy
    assert accuracy(mpm, X, y_pm) == accuracy(m01, X, y01)
    assert evaluate(mpm, X, y_pm) == evaluate(m01, X, y01)
    with pytest.raises(ValueError, match="mixed"):
        fit(MLP(2, [4, 1], seed=0), X, [-1, 0, *y01[2:]], epochs=1, progress=False)


def test_iris_three_classes_generalise_to_held_out_flowers():
    X, y = load_iris()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, seed=0)
    X_train, mean, std = standardize(X_train)
    X_test, _, _ = standardize(X_test, mean, std)
    model = MLP(4, [8, 3], seed=0)
    fit(
        model,
        X_train,
        y_train,
        loss="cross_entropy",
        optimizer="adam",
        lr=0.05,
        epochs=30,
        seed=0,
        progress=False,
    )
    assert accuracy(model, X_train, y_train) >= 0.95
    assert accuracy(model, X_test, y_test) >= 0.9


# -- what fit records ----------------------------------------------------------------------


@pytest.mark.parametrize(("batch_size", "per_epoch"), [(1, 10), (3, 4), (None, 1), (10, 1)])
def test_steps_per_epoch_follow_the_batch_size(batch_size, per_epoch):
    X, y = xor(n_samples=10, noise=0.1, seed=0)
    history = fit(
        MLP(2, [4, 1], seed=0), X, y, epochs=2, batch_size=batch_size, lr=0.01, progress=False
    )
    assert history.steps == 2 * per_epoch
    assert history.epoch == [0] * per_epoch + [1] * per_epoch
    assert len(history.accuracy) == len(history.lr) == history.steps
    assert history.epochs == 2


def test_epoch_loss_is_the_size_weighted_mean_of_its_batches():
    X, y = xor(n_samples=10, noise=0.1, seed=0)
    history = fit(MLP(2, [4, 1], seed=0), X, y, epochs=2, batch_size=4, lr=0.01, progress=False)
    sizes = [4, 4, 2]
    for epoch in range(2):
        losses = history.loss[3 * epoch : 3 * epoch + 3]
        accs = history.accuracy[3 * epoch : 3 * epoch + 3]
        expected = sum(s * v for s, v in zip(sizes, losses)) / 10
        assert history.epoch_loss[epoch] == pytest.approx(expected)
        expected_acc = sum(s * v for s, v in zip(sizes, accs)) / 10
        assert history.epoch_accuracy[epoch] == pytest.approx(expected_acc)


def test_the_first_loss_is_the_loss_of_the_initial_model_plus_l2():
    X, y = make_moons(n_samples=20, seed=0)
    model = MLP(2, [4, 1], seed=0)
    # independent computation with plain floats: mean hinge on +-1 targets + alpha * sum p^2
    outs = [model(x).data for x in X]
    hinge = sum(max(0.0, 1 - (2 * t - 1) * s) for s, t in zip(outs, y)) / len(y)
    l2 = sum(p.data**2 for p in model.parameters())
    correct = sum((s > 0) == (t == 1) for s, t in zip(outs, y)) / len(y)
    history = fit(model, X, y, loss="hinge", alpha=0.01, epochs=1, lr=0.1, progress=False)
    assert history.loss[0] == pytest.approx(hinge + 0.01 * l2)
    assert history.accuracy[0] == correct


def test_one_full_batch_step_is_one_sgd_update():
    X, y = make_moons(n_samples=10, seed=0)
    model = MLP(2, [3, 1], seed=0)
    loss = micrograd.losses.hinge([model(x) for x in X], y)
    loss.backward()
    expected = [p.data - 0.5 * p.grad for p in model.parameters()]
    model.zero_grad()
    fit(model, X, y, loss="hinge", optimizer="sgd", lr=0.5, epochs=1, progress=False)
    assert [p.data for p in model.parameters()] == pytest.approx(expected)


def test_same_seed_same_history_and_different_seed_different_history():
    X, y = make_moons(n_samples=20, seed=0)

    def run(seed):
        model = MLP(2, [4, 1], seed=0)
        return fit(model, X, y, epochs=2, batch_size=1, lr=0.05, seed=seed, progress=False)

    assert run(1).loss == run(1).loss
    assert run(1).loss != run(2).loss


def test_lr_schedule_sets_the_learning_rate_of_every_step():
    X, y = xor()
    history = fit(
        MLP(2, [4, 1], seed=0),
        X,
        y,
        epochs=5,
        lr=1.0,
        lr_schedule=lambda k: 0.1 / (k + 1),
        progress=False,
    )
    assert history.lr == [0.1 / (k + 1) for k in range(5)]


def test_callbacks_get_step_info_and_can_stop_training():
    X, y = xor(n_samples=8)
    infos: list[StepInfo] = []

    def record(info):
        infos.append(info)
        if info.step == 4:
            raise StopTraining

    model = MLP(2, [4, 1], seed=0)
    history = fit(model, X, y, epochs=10, batch_size=3, lr=0.01, callbacks=[record], progress=False)
    assert [i.step for i in infos] == [0, 1, 2, 3, 4]
    assert [i.epoch for i in infos] == [0, 0, 0, 1, 1]
    assert [i.batch_size for i in infos] == [3, 3, 2, 3, 3]
    assert [i.end_of_epoch for i in infos] == [False, False, True, False, False]
    assert infos[0].model is model and infos[-1].history is history
    assert [i.loss for i in infos] == history.loss
    assert history.steps == 5 and history.epochs == 1


def test_progress_bar_shows_the_loss(capsys):
    X, y = xor()
    fit(MLP(2, [4, 1], seed=0), X, y, epochs=3, lr=0.01, progress=True)
    err = capsys.readouterr().err
    assert "loss=" in err and "3/3" in err
    fit(MLP(2, [4, 1], seed=0), X, y, epochs=3, lr=0.01, progress=False)
    assert capsys.readouterr().err == ""


def test_history_as_dict_and_repr():
    X, y = xor()
    history = fit(MLP(2, [4, 1], seed=0), X, y, epochs=2, lr=0.01, progress=False)
    d = history.as_dict()
    assert d["loss"] == history.loss and d["epoch_accuracy"] == history.epoch_accuracy
    assert "steps=2" in repr(history) and repr(History()) == "History(steps=0)"


# -- predict / evaluate ---------------------------------------------------------------------


def test_predict_binary_and_multiclass():
    assert predict(lambda p: Value(p[0]), [[0.5], [-0.5], [0.0]]) == [1, 0, 0]
    assert predict(lambda p: [p[0], p[1], 0.0], [[1.0, 2.0], [3.0, -1.0], [-1.0, -2.0]]) == [
        1,
        0,
        2,
    ]
    assert scores(lambda p: [Value(p[0]), 2.0], [[1.5]]) == [[1.5, 2.0]]


def test_evaluate_leaves_gradients_alone():
    X, y = make_moons(n_samples=10, seed=0)
    model = MLP(2, [3, 1], seed=0)
    for p in model.parameters():
        p.grad = 0.25
    loss, acc = evaluate(model, X, y)
    assert all(p.grad == 0.25 for p in model.parameters())
    assert loss == pytest.approx(micrograd.losses.hinge([model(x) for x in X], y).data)
    assert acc == accuracy(model, X, y)


def test_accuracy_of_a_model_binary_and_multiclass():
    """The one accuracy: of a model on (X, y); scores above 0 are class 1, else the argmax."""
    assert accuracy(lambda x: x[0], [[2.0], [-1.0], [0.5], [-0.1]], [1, -1, -1, 1]) == 0.5
    assert accuracy(lambda x: Value(x[0]), [[2.0], [-1.0]], [1, 0]) == 1.0
    rows = {0: [0.1, 0.9, 0.0], 1: [0.8, 0.2, 0.0], 2: [0.0, 0.0, 5.0]}
    assert accuracy(lambda x: rows[x[0]], [[0], [1], [2]], [1, 1, 2]) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="1 samples and 2 labels"):
        accuracy(lambda x: x[0], [[1.0]], [1, 0])
    assert not hasattr(micrograd.losses, "accuracy")  # one accuracy in the package


def test_optimizer_table_has_the_agreed_shape_and_defaults():
    from micrograd import optim

    assert {name: lr for name, (_, lr, _) in OPTIMIZERS.items()} == {
        "sgd": 1.0,
        "momentum": 0.1,
        "nesterov": 0.1,
        "adagrad": 0.3,
        "rmsprop": 0.01,
        "adam": 0.03,
    }
    for name, (class_name, lr, defaults) in OPTIMIZERS.items():
        optimizer = make_optimizer(name, [Value(1.0)])
        assert type(optimizer) is getattr(optim, class_name) and optimizer.lr == lr
        assert all(getattr(optimizer, key) == value for key, value in defaults.items())


@pytest.mark.slow
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_each_default_learning_rate_trains_the_demo_model(name):
    """The demo's recipe, half as long: hinge + L2 1e-4, full batch, lr falling to a tenth."""
    X, y = make_moons(n_samples=100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    lr = OPTIMIZERS[name][1]
    schedule = linear_decay(lr, lr / 10, 50)
    history = fit(
        model, X, y, optimizer=name, alpha=1e-4, epochs=50, lr_schedule=schedule, progress=False
    )
    assert history.loss[-1] < 0.15 * history.loss[0]
    assert accuracy(model, X, y) >= 0.97


def test_make_optimizer_by_name():
    params = [Value(1.0)]
    assert make_optimizer("momentum", params, lr=0.3).momentum == 0.9
    assert make_optimizer("nesterov", params).nesterov is True
    assert type(make_optimizer("adam", params)).__name__ == "Adam"
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'"):
        make_optimizer("lbfgs", params)


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"loss": "l1"}, "unknown loss 'l1'"),
        ({"epochs": -1}, "epochs must be a whole number >= 0"),
        ({"batch_size": 0}, "batch_size must be a whole number >= 1"),
        ({"alpha": -1.0}, "alpha"),
        ({"optimizer": "lbfgs"}, "unknown optimizer"),
    ],
)
def test_bad_arguments(kwargs, words):
    X, y = xor()
    with pytest.raises(ValueError, match=words):
        fit(MLP(2, [4, 1], seed=0), X, y, progress=False, **kwargs)


def test_lr_with_an_optimizer_object_is_refused():
    X, y = xor()
    model = MLP(2, [4, 1], seed=0)
    with pytest.raises(ValueError, match="pass lr only with an optimizer name"):
        fit(model, X, y, optimizer=SGD(model.parameters(), lr=0.1), lr=0.5, progress=False)


def test_binary_loss_on_three_classes_says_what_to_use():
    X, y = make_spirals(n_samples=9, n_classes=3, seed=0)
    with pytest.raises(ValueError, match="cross_entropy"):
        fit(MLP(2, [4, 1], seed=0), X, y, loss="hinge", epochs=1, progress=False)
    with pytest.raises(ValueError, match="one model output per class"):
        fit(MLP(2, [4, 1], seed=0), X, y, loss="cross_entropy", epochs=1, progress=False)


def test_mismatched_data_is_refused():
    with pytest.raises(ValueError, match="2 samples and 1 labels"):
        fit(MLP(2, [4, 1], seed=0), [[0.0, 0.0], [1.0, 1.0]], [0], progress=False)
    assert math.isfinite(evaluate(MLP(2, [4, 1], seed=0), [[0.0, 1.0]], [1])[0])


def test_a_diverging_run_stops_with_overflow_error_and_keeps_finite_parameters():
    """Huge steps: never an inf or NaN parameter, and an error instead of silent nonsense."""
    X, y = make_moons(n_samples=20, noise=0.1, seed=0)
    model = MLP(2, [4, 1], seed=0)
    epochs_seen = []
    with pytest.raises(OverflowError):  # from the optimizer, or the engine's next forward pass
        fit(
            model,
            X,
            y,
            loss="mse",
            lr=1e300,
            epochs=50,
            callbacks=[lambda info: epochs_seen.append(info.epoch)],
            progress=False,
        )
    assert all(math.isfinite(p.data) for p in model.parameters())
    assert len(epochs_seen) < 50  # it stopped early, and the callbacks saw how far it got


def test_the_learning_layer_does_not_import_the_command_line():
    """engine -> learning -> seeing -> command line: the learning modules (and the cost
    estimate the CLI refuses runs with) load without micrograd.cli."""
    from installed import modules_loaded_by

    learning = "import micrograd.nn, micrograd.train, micrograd.digits, micrograd.data"
    assert modules_loaded_by(learning, ("micrograd.cli",)) == []


def test_the_cost_estimate_is_the_one_the_cli_and_digits_use():
    import argparse

    from micrograd import digits
    from micrograd.cli import budget
    from micrograd.train import estimate_cost

    run = argparse.Namespace(hidden=[16, 16], samples=100, epochs=100, batch_size=None)
    assert budget.estimate(run) == estimate_cost(2, [16, 16, 1], 100, 100)
    seconds, _ = estimate_cost(64, [16, 10], 1438, 12, 32)
    assert digits.estimate_seconds([16], 1438, 12, 32) == seconds
    # twice the epochs, twice the time; a wider layer, more time
    assert estimate_cost(2, [8, 1], 100, 20)[0] == 2 * estimate_cost(2, [8, 1], 100, 10)[0]
    assert estimate_cost(2, [32, 1], 100, 10)[0] > estimate_cost(2, [8, 1], 100, 10)[0]
