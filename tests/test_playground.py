"""micrograd.playground, the Python side of the browser playground, run in CPython.

The same module runs in the browser (Pyodide); tests/test_playground_browser.py drives it
there. Here: what each command answers, its errors, and that it stays light to import.
"""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from micrograd import Value, explain, playground, train
from micrograd.cli.expression import parse_expression
from micrograd.playground import (
    DATASETS,
    ExpressionSession,
    PlaygroundError,
    TrainingSession,
    call,
    parse_values,
)
from micrograd.stepper import frame_graph, record_backward

ROOT = Path(__file__).resolve().parent.parent


def _reply(command, **args):
    return json.loads(call(command, args))


def _ok(command, **args):
    reply = _reply(command, **args)
    assert reply["ok"], reply
    return reply["result"]


def _error(command, **args) -> str:
    reply = _reply(command, **args)
    assert reply["ok"] is False, reply
    assert "Traceback" not in reply["error"] and "\n" not in reply["error"]
    return reply["error"]


def test_import_pulls_in_no_matplotlib_tqdm_or_numpy():
    from installed import modules_loaded_by

    assert modules_loaded_by("import micrograd.playground", ("matplotlib", "tqdm", "numpy")) == []


def test_gradients_of_a_neuron_match_the_formula_and_finite_differences():
    summary = _ok("expression", text="tanh(x*w + b)", values="x=2 w=-3 b=6.88")
    x, w, b = 2.0, -3.0, 6.88
    t = math.tanh(x * w + b)
    exact = {"x": w * (1 - t * t), "w": x * (1 - t * t), "b": 1 - t * t}
    h = 1e-6
    numeric = {
        "x": (math.tanh((x + h) * w + b) - math.tanh((x - h) * w + b)) / (2 * h),
        "w": (math.tanh(x * (w + h) + b) - math.tanh(x * (w - h) + b)) / (2 * h),
        "b": (math.tanh(x * w + b + h) - math.tanh(x * w + b - h)) / (2 * h),
    }
    shown = dict(part.split(" = ") for part in summary["gradients"].split(", "))
    for name in "xwb":
        assert math.isclose(float(shown[f"d/d{name}"]), exact[name], rel_tol=1e-3)
        assert math.isclose(exact[name], numeric[name], rel_tol=1e-6)
    assert float(summary["value"]) == pytest.approx(t, rel=1e-3)
    assert summary["last"] == 3 and summary["inputs"] == ["x", "w", "b"]


def test_the_gradient_line_is_the_one_micrograd_graph_prints():
    summary = _ok("expression", text="x*x + sin(y)", values="x=1.5, y=0.3")
    cli = subprocess.run(
        [sys.executable, "-m", "micrograd", "graph", "x*x + sin(y)", "--at", "x=1.5", "y=0.3"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"gradients: {summary['gradients']}" in cli.stdout.splitlines()


def test_frames_are_the_step_through_pages_frames():
    """The page's frames are those export_html writes for the graph `micrograd graph` builds
    (subexpressions labelled by their text)."""
    session = ExpressionSession("tanh(x*w + b)", "x=2 w=-3 b=6.88")
    root = parse_expression(
        "tanh(x*w + b)", {"x": 2, "w": -3, "b": 6.88}, label_subexpressions=True
    )
    trace = record_backward(root)
    assert session.summary()["last"] == len(trace.steps) == 3
    for k in range(len(trace.steps) + 1):
        frame = session.frame(k)
        assert frame["text"] == trace.frame_text(k)
        assert frame["dot"] == frame_graph(trace, k).source
        assert "class=mg_current" in frame["dot"]
    assert session.frame(3)["text"].endswith("done: every grad is now dtanh(x*w + b)/d(that node).")
    with pytest.raises(PlaygroundError, match=r"out of range 0\.\.3"):
        session.frame(4)


def test_explain_answers_the_ledger_of_a_clicked_box():
    session = ExpressionSession("x*w + x", "x=2 w=-3")
    ledger = session.explain("x")
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    y = x * w + x
    y.backward()
    assert ledger.splitlines()[-1] == str(explain(x, y)).splitlines()[-1] == "  x.grad = -2"
    assert "2 paths" in ledger
    with pytest.raises(PlaygroundError, match="no value is called 'z'"):
        session.explain("z")


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("x +", "x=1", "syntax error"),
        ("x.grad", "x=1", "attribute access"),
        ("log(x)", "x=0", "log"),
        ("x * y", "x=1", "no value for y: add y=..."),
        ("x", "x=1 z=2", "z is given a value but not used"),
        ("x", "x=one", "'one' is not a number"),
        ("x", "x=1 x=2", "values gives x twice"),
        ("x", "x", "values expects NAME=VALUE"),
        ("exp(exp(exp(x)))", "x=10", "too large"),
    ],
)
def test_bad_input_is_one_readable_line(text, values, expected):
    assert expected in _error("expression", text=text, values=values)


def test_commands_in_the_wrong_order_or_unknown_say_so():
    assert "unknown command 'fly'" in _error("fly")
    assert "unexpected keyword" in _error("frame", frame=0, colour="red")


def test_parse_values_accepts_spaces_commas_and_fullwidth_names():
    assert parse_values(" x=2,w=-3  b=6.88 ") == {"x": 2.0, "w": -3.0, "b": 6.88}
    assert parse_values("ｘ=1") == {"x": 1.0}
    with pytest.raises(PlaygroundError, match="finite"):
        parse_values("x=inf")


def _forward_from_weights(weights, point):
    """The page's JavaScript forward pass (training.js predict), in Python: an oracle that
    the exported weights are the model's."""
    acts = {"relu": lambda z: max(0.0, z), "tanh": math.tanh, "linear": lambda z: z}
    acts["sigmoid"] = lambda z: 1 / (1 + math.exp(-z))
    h = list(point)
    for layer in weights:
        act = acts[layer["activation"]]
        h = [act(sum(w * v for w, v in zip(row, h)) + b) for row, b in zip(layer["W"], layer["b"])]
    return h


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_exported_weights_reproduce_the_models_scores(activation):
    session = TrainingSession(hidden="5, 3", activation=activation, seed=2)
    session.step(3)
    for point in session.X[:10]:
        (score,) = _forward_from_weights(session.weights(), point)
        assert score == pytest.approx(session.model(point).data, rel=1e-12, abs=1e-12)


@pytest.mark.slow
def test_moons_reach_95_percent_within_100_steps_with_a_falling_loss():
    state = _ok("train", dataset="moons")
    assert state["step"] == 0 and len(state["X"]) == 100
    for _ in range(10):
        state = _ok("step", steps=10)
        if state["accuracy"] >= 0.95:
            break
    assert state["accuracy"] >= 0.95 and state["step"] <= 100
    losses = _ok("step", steps=1)["losses"]
    assert len(losses) == 1 and losses[0] < state["loss"] * 10
    first = _ok("train", dataset="moons")  # the same run again, from the start
    early = _ok("step", steps=5)["losses"]
    assert first["loss"] is None and sum(early) / 5 > state["loss"]


def test_training_steps_are_fit_steps():
    """One playground step = one fit() update: the same model trained by fit, full batch,
    gives the same losses."""
    from micrograd.nn import MLP

    session = TrainingSession(dataset="xor", hidden="4", activation="tanh", optimizer="adam")
    session.step(5)
    X, y = DATASETS["xor"](0)
    model = MLP(2, [4, 1], activation="tanh", seed=0)
    history = train.fit(
        model, X, y, loss="hinge", optimizer="adam", epochs=5, alpha=1e-4, progress=False
    )
    assert session.losses == pytest.approx(history.loss, rel=1e-12)


def test_multiclass_data_need_cross_entropy_and_train_with_it():
    assert "choose cross_entropy" in _error("train", dataset="spirals", loss="hinge")
    state = _ok("train", dataset="blobs", loss="cross_entropy", optimizer="adam", batch_size=20)
    assert state["classes"] == 3 and len(state["weights"][-1]["W"]) == 3
    state = _ok("step", steps=5)
    assert state["step"] == 5 and state["epoch"] == 1  # 100 points in batches of 20


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"dataset": "iris"}, "data set: 'iris' is not one of moons"),
        ({"hidden": "16, x"}, "not a list of whole numbers"),
        ({"hidden": "1000"}, "up to 4 layers of 1 to 64 neurons"),
        ({"optimizer": "lbfgs"}, "optimizer: 'lbfgs' is not one of sgd"),
        ({"lr": -1}, "learning rate"),
        ({"batch_size": 0}, "batch size"),
        ({"seed": -1}, "seed: a whole number"),
    ],
)
def test_bad_training_settings_are_named(config, expected):
    _ok("train")
    assert expected in _error("train", **config)
    # the run before the bad settings is gone: nothing trains on settings not shown
    assert _error("step") == "no training yet: fix the settings and press Reset"


def test_a_diverging_run_says_so_and_keeps_its_steps():
    _ok("train", dataset="moons", optimizer="sgd", lr=50, loss="mse")
    message = _error("step", steps=20)
    step = int(message.removeprefix("training diverged at step ").split()[0])
    assert 1 <= step <= 20
    assert len(playground._sessions["training"].losses) == step - 1
    assert message.endswith("lower the learning rate and press reset")
    assert len(message) < 300


def test_neuron_graph_collapses_earlier_neurons_and_restores_grads():
    session = TrainingSession(hidden="3, 2", seed=1)
    session.step(2)
    before = [p.grad for p in session.params]
    dot = session.neuron(layer=1, index=0, sample=4)
    assert [p.grad for p in session.params] == before
    # the 3 neurons of layer 0 are one box each; this neuron's own weights are boxes
    assert [f"Neuron {i} | 5 Values" in dot for i in range(4)] == [True, True, True, False]
    assert sum(f"{{ w{i} |" in dot for i in range(3)) == 3 and "op" in dot
    first = session.neuron(layer=0, index=1, sample=4, expand=True)
    assert "x0" in first and "x1" in first
    with pytest.raises(PlaygroundError, match="no neuron 5 in layer 1"):
        session.neuron(layer=1, index=5)


def test_the_build_pins_exact_versions_in_one_place():
    """package.json pins exact versions (no ranges) and the lock file agrees."""
    spec = importlib.util.spec_from_file_location("build", ROOT / "playground" / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    manifest = json.loads((ROOT / "playground" / "package.json").read_text(encoding="utf-8"))
    assert manifest["dependencies"] == {"@viz-js/viz": "3.31.0", "pyodide": "314.0.7"}
    assert build.pinned_versions() == manifest["dependencies"]


def test_the_module_docstring_examples_run():
    import doctest

    result = doctest.testmod(playground, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 3 and result.failed == 0
