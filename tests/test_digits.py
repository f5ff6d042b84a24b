"""The digits pipeline (micrograd.digits) and `micrograd demo --dataset digits`, on tiny budgets."""

from __future__ import annotations

import doctest
import json
import math

import pytest
from installed import run_micrograd

import micrograd.digits
from micrograd.digits import (
    DEFAULTS,
    confusion_matrix,
    estimate_seconds,
    init_like_pytorch,
    train_digits,
)
from micrograd.nn import MLP

PNG = b"\x89PNG\r\n\x1a\n"


def test_docstring_examples():
    result = doctest.testmod(micrograd.digits)
    assert result.attempted >= 3 and result.failed == 0


def test_confusion_matrix_rows_are_true_classes():
    y_true = [0, 0, 1, 2, 2, 2]
    y_pred = [0, 2, 1, 2, 0, 2]
    matrix = confusion_matrix(y_true, y_pred)
    assert matrix == [[1, 0, 1], [0, 1, 0], [1, 0, 2]]
    assert [sum(row) for row in matrix] == [2, 1, 3]  # each row: that class's samples
    assert sum(matrix[k][k] for k in range(3)) == sum(t == p for t, p in zip(y_true, y_pred))
    assert confusion_matrix([1], [1], n_classes=4) == [[0] * 4, [0, 1, 0, 0], [0] * 4, [0] * 4]
    with pytest.raises(ValueError, match="n_classes=2, but a label is 2"):
        confusion_matrix([0, 2], [0, 1], n_classes=2)
    with pytest.raises(ValueError, match="2 labels and 1 predictions"):
        confusion_matrix([0, 1], [0])
    with pytest.raises(ValueError, match=r"y_pred holds -1"):
        confusion_matrix([0, 1], [0, -1])


def test_init_like_pytorch_scales_each_layer_by_its_fan_in():
    plain = MLP(64, [16, 10], seed=3)
    scaled = init_like_pytorch(MLP(64, [16, 10], seed=3))
    for layer_p, layer_s in zip(plain.layers, scaled.layers):
        bound = 1 / math.sqrt(layer_p.nin)
        for n_p, n_s in zip(layer_p.neurons, layer_s.neurons):
            assert [w.data for w in n_s.w] == pytest.approx([w.data * bound for w in n_p.w])
            assert all(abs(w.data) <= bound for w in n_s.w) and n_s.b.data == 0.0


def test_train_digits_holds_out_a_stratified_test_set_and_measures_it():
    run = train_digits(hidden=[8], epochs=2, samples=300, seed=5, progress=False)
    assert len(run.X_test) == 60 and len(run.X_train) == 240
    assert {id(r) for r in run.X_train}.isdisjoint({id(r) for r in run.X_test})
    assert all(abs(run.y_test.count(k) - 6) <= 1 for k in range(10))
    assert all(0.0 <= v <= 1.0 for row in run.X_train for v in row)  # scaled pixels
    from micrograd.train import accuracy, predict

    assert run.test_predicted == predict(run.model, run.X_test)
    assert run.test_accuracy == accuracy(run.model, run.X_test, run.y_test)
    assert run.train_accuracy == accuracy(run.model, run.X_train, run.y_train)
    assert run.test_mistakes == round((1 - run.test_accuracy) * 60)
    assert sum(map(sum, run.confusion)) == 60
    assert run.history.steps == 2 * math.ceil(240 / 32)
    assert run.history.lr[0] == pytest.approx(0.02) and run.history.lr[-1] < 0.02  # decays
    # two short epochs on 240 images already learn: the loss falls, and the test accuracy
    # is well above guessing (10%)
    assert run.history.epoch_loss[1] < run.history.epoch_loss[0]
    assert run.test_accuracy > 0.3
    # the same seed gives the same run
    again = train_digits(hidden=[8], epochs=2, samples=300, seed=5, progress=False)
    assert again.test_predicted == run.test_predicted and again.history.loss == run.history.loss


def test_train_digits_refuses_bad_subsets():
    with pytest.raises(ValueError, match="samples must be a whole number from 50 to 1797"):
        train_digits(samples=10, progress=False)
    with pytest.raises(ValueError, match="schedule must be"):
        train_digits(schedule="cosine", progress=False)


def test_estimate_grows_with_the_work():
    small = estimate_seconds([16], 1438, 12)
    assert 3 < small < 60  # the default run: seconds, not minutes
    assert estimate_seconds([32], 1438, 12) > 1.9 * small
    assert estimate_seconds([16], 1438, 24) == pytest.approx(2 * small)


# -- the command line -------------------------------------------------------------------


def test_demo_digits_reports_test_accuracy_and_writes_its_files(tmp_path):
    out = tmp_path / "digits"
    result = run_micrograd(
        "demo", "--dataset", "digits", "--epochs", "2", "--hidden", "8", "--samples", "200",
        "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for name in ("confusion_matrix.png", "misclassified.png", "loss_curve.png"):
        assert (out / name).read_bytes()[:8] == PNG, name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["dataset"] == "digits" and summary["classes"] == 10
    assert summary["samples"] == 200 and summary["test_samples"] == 40
    assert summary["train_samples"] == 160
    assert summary["architecture"] == {"nin": 64, "sizes": [8, 10], "activation": "tanh"}
    assert summary["optimizer"] == "adam" and summary["batch_size"] == DEFAULTS["batch_size"]
    assert summary["loss"] == "cross_entropy" and summary["epochs"] == 2
    matrix = summary["confusion_matrix"]
    right = sum(matrix[k][k] for k in range(10))
    assert sum(map(sum, matrix)) == 40
    assert summary["test_accuracy"] == right / 40
    assert f"test accuracy {right / 40:.1%} ({right} of 40" in result.stdout
    assert "training accuracy" in result.stdout
    # the saved model is the trained one: it gives the reported test accuracy again
    from micrograd.data import load_digits, train_test_split
    from micrograd.train import accuracy

    X, y = load_digits(scale=True)
    _, X_part, _, y_part = train_test_split(X, y, 200 / 1797, seed=summary["seed"], stratify=y)
    _, X_test, _, y_test = train_test_split(
        X_part, y_part, 0.2, seed=summary["seed"], stratify=y_part
    )
    model = MLP.load(out / "model.json")
    assert accuracy(model, X_test, y_test) == summary["test_accuracy"]
    assert "/" in result.stderr  # the progress bar
    assert not list(out.glob(".*tmp"))  # atomic writes leave no temporary files


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--noise", "0.1"], "--noise does not apply to --dataset digits"),
        (["--loss", "hinge"], "--loss hinge is for two classes"),
        (["--samples", "20"], "--samples 20: the digits have 50 to 1797"),
        (["--epochs", "100000", "--hidden", "64"], "would take about"),
        (["--epochs", "100000", "--hidden", "64"], "add --force to run it anyway"),
    ],
)
def test_demo_digits_bad_options_are_one_line(tmp_path, args, words):
    out = tmp_path / "never"
    result = run_micrograd("demo", "--dataset", "digits", *args, "--out", str(out))
    assert result.returncode != 0
    assert words in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert not out.exists()  # nothing trained, no folder left behind


def test_demo_digits_divergence_is_one_line(tmp_path, monkeypatch, capsys):
    # Whether a huge learning rate overflows depends on the engine; what the demo must do
    # when training raises an ArithmeticError does not: simulate one in the second epoch.
    import micrograd.train
    from micrograd.cli import main

    real_fit = micrograd.train.fit

    def diverging_fit(*args, callbacks=(), **kwargs):
        def explode(info):
            if info.epoch == 1:
                raise OverflowError("the gradient of node 'w3' is inf")

        return real_fit(*args, callbacks=[*callbacks, explode], **kwargs)

    monkeypatch.setattr(micrograd.train, "fit", diverging_fit)
    out = tmp_path / "never"
    code = main(
        ["demo", "--dataset", "digits", "--samples", "100", "--epochs", "3", "--no-progress",
         "--out", str(out)]
    )  # fmt: skip
    assert code != 0
    err = capsys.readouterr().err
    assert "training diverged at epoch 2" in err and "smaller --lr" in err
    assert "gradient of node 'w3' is inf" in err and "Traceback" not in err
    assert not out.exists()
