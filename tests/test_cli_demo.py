"""`micrograd demo`: trains, prints, writes its plots; bad options are one clear line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from installed import run_micrograd

from micrograd.cli import main
from micrograd.train import OPTIMIZERS

PNG = b"\x89PNG\r\n\x1a\n"


def test_demo_writes_its_files(tmp_path):
    out = tmp_path / "results"
    result = run_micrograd("demo", "--epochs", "3", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "decision_boundary.png").read_bytes()[:8] == PNG
    assert (out / "loss_curve.png").read_bytes()[:8] == PNG
    summary = json.loads((out / "summary.json").read_text())
    assert summary["epochs"] == 3 and summary["steps"] == 3
    assert summary["architecture"]["sizes"] == [16, 16, 1]
    assert summary["dataset"] == "moons" and summary["samples"] == 100
    assert summary["loss"] == "hinge" and summary["alpha"] == 1e-4
    assert len(summary["history"]["loss"]) == 3
    assert 0.0 <= summary["final_accuracy"] <= 1.0
    from micrograd.nn import MLP

    model = MLP.load(out / "model.json")
    assert model.sizes == [16, 16, 1] and len(model.parameters()) == summary["parameters"]
    from micrograd.data import make_moons
    from micrograd.train import accuracy

    X, y = make_moons(n_samples=100, noise=0.1, seed=summary["seed"])
    assert accuracy(model, X, y) == summary["final_accuracy"]  # the saved model is the trained one
    # the loss and accuracy are printed as it goes, and the progress bar goes to stderr
    assert "epoch    1  loss" in result.stdout and "epoch    3  loss" in result.stdout
    assert "training accuracy" in result.stdout
    assert "3/3" in result.stderr


def test_python_dash_m_runs_the_demo(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "micrograd",
            "demo",
            "--epochs",
            "1",
            "--no-progress",
            "--samples",
            "20",
            "--hidden",
            "4",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar
    assert (tmp_path / "summary.json").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--optimizer", "lbfgs"], "invalid choice: 'lbfgs'"),
        (["--epochs", "0"], "must be at least 1, got 0"),
        (["--epochs", "ten"], "expected a whole number, got 'ten'"),
        (["--lr", "-1"], "must be a number > 0"),
        (["--hidden", "16", "x"], "expected a whole number, got 'x'"),
        (["--dataset", "mnist"], "invalid choice: 'mnist'"),
        (["--dataset", "spirals", "--loss", "hinge"], "use --loss cross_entropy"),
        (["--loss", "cross_entropy"], "needs three or more classes"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--dataset", "xor", "--samples", "1"], "gives only one class"),
        (["--samples", "1"], "make_moons: n_samples must be at least 2, got 1"),
    ],
)
def test_bad_options_give_one_line_and_exit_2(args, words, capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        code = main(["demo", *args, "--out", str(tmp_path / "o"), "--no-progress"])
        raise SystemExit(code)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert words in err
    assert err.startswith("micrograd")
    assert not (tmp_path / "o" / "summary.json").exists()


def test_out_that_is_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("not a folder")
    assert main(["demo", "--epochs", "1", "--out", str(target), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is a file, not a folder" in err


def test_bad_option_in_a_subprocess_has_no_traceback():
    result = run_micrograd("demo", "--batch-size", "0")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "--batch-size" in result.stderr and "must be at least 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_the_options(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in [
        "--dataset",
        "--hidden",
        "--optimizer",
        "--lr",
        "--epochs",
        "--batch-size",
        "--seed",
        "--out",
        "--no-progress",
        "--force",
    ]:
        assert option in text
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "demo" in capsys.readouterr().out


def test_spirals_with_adam_and_mini_batches(tmp_path, capsys):
    code = main(
        [
            "demo",
            "--dataset",
            "spirals",
            "--samples",
            "30",
            "--hidden",
            "8",
            "--optimizer",
            "adam",
            "--batch-size",
            "10",
            "--epochs",
            "2",
            "--out",
            str(tmp_path),
            "--no-progress",
        ]
    )
    assert code == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["classes"] == 3 and summary["loss"] == "cross_entropy"
    assert summary["architecture"]["sizes"] == [8, 3]
    assert summary["steps"] == 6 and summary["batch_size"] == 10
    adam_lr = OPTIMIZERS["adam"][1]  # the library's default rate, scaled for the batch
    assert summary["lr"] == pytest.approx(adam_lr * (10 / 30) ** 0.5)
    assert summary["history"]["lr"][0] == summary["lr"]  # linear decay starts at --lr
    assert summary["history"]["lr"][-1] < summary["lr"]


@pytest.mark.slow
def test_default_demo_reaches_100_percent(tmp_path, capsys):
    """The main job: the original demo's setup reaches 100% training accuracy."""
    # the original demo's learning rate, stated: the default is train.OPTIMIZERS["sgd"]
    assert main(["demo", "--lr", "1", "--out", str(tmp_path), "--no-progress"]) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["steps"] == 100
    assert summary["final_accuracy"] == 1.0
    assert summary["history"]["lr"][0] == 1.0
    assert summary["history"]["lr"][-1] == pytest.approx(1.0 - 0.9 * 99 / 100)
    assert "training accuracy 100.0%" in capsys.readouterr().out


# --------------------------------------------------------------------------------------
# Issue 13: bounded work, divergence in one line, atomic files
# --------------------------------------------------------------------------------------


def _demo(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["demo", *args, "--no-progress"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--epochs", "1000000000000"], "1,000,000,000,000 epochs"),
        (["--samples", "10000000"], "10,000,000 samples"),
        (["--hidden", "100000"], "400,001 parameters"),
        (["--hidden", "5000", "5000"], "25,025,001 parameters"),
    ],
)
def test_runs_far_beyond_a_teaching_run_are_refused_at_once(args, words, tmp_path, capsys):
    started = time.perf_counter()
    code, out, err = _demo(capsys, *args, "--out", str(tmp_path / "o"))
    assert time.perf_counter() - started < 5  # refused before building anything
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "this run would take about" in err and words in err
    assert "add --force to run it anyway" in err
    assert not (tmp_path / "o").exists()


def test_the_estimate_counts_the_parameters_the_model_has():
    from micrograd.cli import budget
    from micrograd.nn import MLP

    for sizes in ([16, 16, 1], [4, 1], [8, 3, 3]):
        assert budget.parameter_count(2, sizes) == len(MLP(2, sizes).parameters())
    args = demo_args(hidden=[16, 16], samples=100, epochs=100)
    seconds, memory = budget.estimate(args)
    assert seconds < budget.MAX_SECONDS and memory < budget.MAX_BYTES  # the default demo runs
    ten_times = budget.estimate(demo_args(hidden=[16, 16], samples=100, epochs=1000))
    assert ten_times[0] == pytest.approx(10 * seconds) and ten_times[1] == memory
    smaller_batches = budget.estimate(demo_args(hidden=[16, 16], samples=100, batch_size=10))
    assert smaller_batches[1] < memory  # the graph of one step holds one batch


def demo_args(**given):
    import argparse

    values = {"hidden": [16, 16], "samples": 100, "epochs": 100, "batch_size": None}
    return argparse.Namespace(**{**values, **given})


def test_force_runs_what_the_estimate_refuses(tmp_path, capsys, monkeypatch):
    from micrograd.cli import budget

    monkeypatch.setattr(budget, "MAX_SECONDS", 1e-9)  # every run is now "too long"
    small = ["--epochs", "1", "--samples", "20", "--hidden", "4"]
    code, _, err = _demo(capsys, *small, "--out", str(tmp_path / "refused"))
    assert code == 2 and "--force" in err and not (tmp_path / "refused").exists()
    code, out, err = _demo(capsys, *small, "--force", "--out", str(tmp_path / "forced"))
    assert code == 0, err
    assert (tmp_path / "forced" / "summary.json").exists()
    assert "estimated" in out  # the header says what it expects


@pytest.mark.parametrize(
    "args",
    [
        ["--loss", "mse", "--lr", "100"],
        ["--alpha", "1000"],
        ["--lr", "1e300"],
        ["--noise", "1e300"],
        ["--optimizer", "adam", "--lr", "1e300"],
    ],
)
def test_divergence_is_one_line_with_the_epoch_and_advice(args, tmp_path, capsys):
    out_dir = tmp_path / "results"
    code, out, err = _demo(capsys, *args, "--samples", "20", "--hidden", "4", "--out", str(out_dir))
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err, err
    match = re.search(r"training diverged at epoch (\d+) of 100", err)
    assert match, err
    epoch = int(match.group(1))
    assert f"epoch {epoch:4d}" not in out  # the epoch it names did not finish
    assert epoch == 1 or "epoch    1  loss" in out  # the ones before it did
    assert "try a smaller learning rate (e.g. --lr " in err
    assert not out_dir.exists()  # no empty output folder


def test_divergence_advice_names_the_option_to_blame(tmp_path, capsys):
    _, _, err = _demo(capsys, "--alpha", "1000", "--samples", "20", "--hidden", "4")
    assert "a smaller --alpha (it is 1000)" in err
    _, _, err = _demo(capsys, "--noise", "1e300", "--samples", "20", "--hidden", "4")
    assert "less --noise" in err
    _, _, err = _demo(capsys, "--lr", "1e300", "--samples", "20", "--hidden", "4")
    assert f"--lr {OPTIMIZERS['sgd'][1]:g})" in err  # the optimizer's default, not 1e+299


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, capsys, monkeypatch):
    from matplotlib.figure import Figure

    out_dir = tmp_path / "results"
    out_dir.mkdir()
    (out_dir / "loss_curve.png").write_bytes(b"the previous run")

    def disk_full(self, path, **kwargs):
        Path(path).write_bytes(b"half a picture")
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(Figure, "savefig", disk_full)
    code, _, err = _demo(capsys, "--epochs", "1", "--samples", "20", "--out", str(out_dir))
    assert code == 2
    assert err.count("\n") == 1 and "No space left on device" in err
    assert "cannot write " in err and "decision_boundary.png: No space" in err
    assert (out_dir / "loss_curve.png").read_bytes() == b"the previous run"
    assert sorted(p.name for p in out_dir.iterdir()) == ["loss_curve.png"]  # no .tmp left


def test_the_output_folder_is_made_only_for_a_finished_run(tmp_path, capsys):
    nested = tmp_path / "a" / "b"
    code, _, _ = _demo(capsys, "--epochs", "1", "--samples", "20", "--out", str(nested))
    assert code == 0 and (nested / "model.json").exists()
    code, _, err = _demo(
        capsys, "--epochs", "1", "--out", str(tmp_path / "a" / "b" / "model.json" / "x")
    )
    assert code == 2 and "model.json is a file" in err


def test_the_demo_keeps_no_table_of_its_own():
    """Its choices are the library's optimizer and loss names (issue 12)."""
    import argparse

    from micrograd.cli import demo
    from micrograd.train import LOSSES

    parser = argparse.ArgumentParser()
    demo.add_arguments(parser)
    choices = {a.dest: a.choices for a in parser._actions if a.choices}
    assert list(choices["optimizer"]) == list(OPTIMIZERS)
    assert list(choices["loss"]) == list(LOSSES)
    assert not hasattr(demo, "DEFAULT_LR")
