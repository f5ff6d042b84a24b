"""Train a small neural network on a 2-D data set and save pictures of what it learned.

With the defaults this is the demo of Andrej Karpathy's original micrograd: an MLP with two
hidden layers of 16 ReLU neurons learns to separate two moons (100 points, noise 0.1) with
the SVM max-margin (hinge) loss plus L2 regularisation (alpha 1e-4), by full-batch gradient
descent for 100 steps with the learning rate falling linearly from 1.0 to 0.1. It reaches
100% training accuracy.

The decision boundary and the loss/accuracy curves are written as PNG files into --out
(decision_boundary.png, loss_curve.png), with a JSON summary of the run (summary.json) and
the trained model (model.json; load it with micrograd.nn.MLP.load).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from collections.abc import Callable
from typing import Any

from micrograd.cli import CLIError, EpochReport, budget, one_line, shorten
from micrograd.i18n import LANGUAGES, _, figure_language, override
from micrograd.train import LOSSES, OPTIMIZERS  # the library's names and default rates

HELP = "train an MLP on two moons (or another data set) and save plots of the result"

DATASETS = ("moons", "circles", "spirals", "blobs", "xor", "digits")


def _float_at_least(minimum: float, *, strictly: bool) -> Callable[[str], float]:
    """An argparse type: a finite float >= minimum (or > minimum, if strictly)."""
    sign = ">" if strictly else ">="

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        big_enough = value > minimum if strictly else value >= minimum
        if not (big_enough and value < float("inf")):
            raise argparse.ArgumentTypeError(f"must be a number {sign} {minimum:g}, got {text}")
        return value

    return parse


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


_positive_float = _float_at_least(0, strictly=True)
_non_negative_float = _float_at_least(0, strictly=False)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    data = parser.add_argument_group("data")
    data.add_argument(
        "--dataset",
        choices=DATASETS,
        default="moons",
        help="the data set (default: moons); digits: 8x8 handwritten digits, trained with "
        "settings of their own (options left at their default take them; see micrograd.digits)",
    )
    data.add_argument(
        "--samples", type=_positive_int, default=100, help="number of points (default: 100)"
    )
    data.add_argument(
        "--noise",
        type=_non_negative_float,
        default=None,
        help="noise of the data set (default: the data set's own, 0.1 for moons)",
    )
    model = parser.add_argument_group("model")
    model.add_argument(
        "--hidden",
        "--architecture",
        dest="hidden",
        type=_positive_int,
        nargs="+",
        default=[16, 16],
        metavar="N",
        help="sizes of the hidden layers (default: 16 16)",
    )
    model.add_argument(
        "--activation",
        choices=("relu", "tanh", "sigmoid"),
        default="relu",
        help="of the hidden layers (default: relu)",
    )
    training = parser.add_argument_group("training")
    training.add_argument(
        "--loss",
        choices=list(LOSSES),
        default=None,
        help="loss function (default: hinge for two classes, cross_entropy for more)",
    )
    training.add_argument(
        "--optimizer", choices=list(OPTIMIZERS), default="sgd", help="optimizer (default: sgd)"
    )
    training.add_argument(
        "--lr",
        type=_positive_float,
        default=None,
        help="starting learning rate (default: the optimizer's, "
        + ", ".join(f"{name} {lr:g}" for name, (_, lr, _) in OPTIMIZERS.items())
        + "; for mini-batches times sqrt(batch size / samples))",
    )
    training.add_argument(
        "--schedule",
        choices=("linear", "constant"),
        default="linear",
        help="linear (default): the rate falls to a tenth of --lr over the run, as in the "
        "original demo",
    )
    training.add_argument(
        "--alpha",
        type=_non_negative_float,
        default=1e-4,
        help="L2 regularisation strength (default: 1e-4)",
    )
    training.add_argument(
        "--epochs", type=_positive_int, default=100, help="passes over the data (default: 100)"
    )
    training.add_argument(
        "--batch-size",
        type=_positive_int,
        default=None,
        help="samples per step: 1 is true SGD (default: all of them, full-batch descent)",
    )
    training.add_argument(
        "--seed", type=int, default=1337, help="seed for data and weights (default: 1337)"
    )
    output = parser.add_argument_group("output")
    output.add_argument(
        "--out", default="out", help="folder for the plots and summary.json (default: out)"
    )
    output.add_argument(
        "--force",
        action="store_true",
        help="run even if the estimate says the run would take far longer than a teaching "
        f"run (over {budget.readable_time(budget.MAX_SECONDS)} or "
        f"{budget.readable_bytes(budget.MAX_BYTES)})",
    )
    output.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help="language of the progress, the summary and the plots' labels (default: the "
        "MICROGRAD_LANG environment variable, else en); zh labels the plots in Chinese when "
        "a Chinese font is installed, in English otherwise",
    )
    output.add_argument(
        "--no-progress",
        dest="progress",
        action="store_false",
        help="no progress bar (the loss is still printed)",
    )


def _load_data(args: argparse.Namespace):
    from micrograd import data

    kwargs: dict[str, Any] = {"n_samples": args.samples, "seed": args.seed}
    if args.noise is not None:
        kwargs["std" if args.dataset == "blobs" else "noise"] = args.noise
    make = {
        "moons": data.make_moons,
        "circles": data.make_circles,
        "spirals": data.make_spirals,
        "blobs": data.make_blobs,
        "xor": data.xor,
    }[args.dataset]
    if args.dataset == "xor" and args.noise is None:
        kwargs["noise"] = 0.1  # noisy copies of the four corners: a cloud around each
    try:
        return make(**kwargs)
    except (TypeError, ValueError) as error:
        raise CLIError(str(error)) from None


def _check_out(out: str) -> None:
    """Refuse an --out that cannot become a folder, before training (it is made after)."""
    if os.path.exists(out) and not os.path.isdir(out):
        raise CLIError(f"--out {shorten(out)!r} is a file, not a folder; choose another path")
    parent = os.path.abspath(out)
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        raise CLIError(f"cannot create the output folder {shorten(out)!r}: {parent} is a file")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise CLIError(
            f"cannot create the output folder {shorten(out)!r}: {parent} is not writable"
        )


def run(args: argparse.Namespace) -> int:
    # --lang, else MICROGRAD_LANG, else English: for everything printed and drawn below
    with override(getattr(args, "lang", None)):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    if args.dataset == "digits":  # a pipeline of its own, with held-out test digits
        from micrograd.digits import run_demo

        defaults = argparse.ArgumentParser()
        add_arguments(defaults)
        return run_demo(args, vars(defaults.parse_args([])), CLIError)

    from micrograd import optim
    from micrograd.nn import MLP
    from micrograd.train import fit, make_optimizer

    seconds_estimate = budget.check(args)  # before making the data: it may be huge too
    _check_out(args.out)
    X, y = _load_data(args)
    n_classes = max(y) + 1
    if n_classes < 2:
        raise CLIError(f"--samples {args.samples} gives only one class; use --samples 4 or more")
    loss = args.loss or ("hinge" if n_classes == 2 else "cross_entropy")
    if n_classes > 2 and loss != "cross_entropy":
        raise CLIError(
            f"--loss {loss} is for two classes, but --dataset {args.dataset} has {n_classes}; "
            "use --loss cross_entropy"
        )
    if n_classes == 2 and loss == "cross_entropy":
        raise CLIError("--loss cross_entropy needs three or more classes; use hinge, mse or bce")

    sizes = [*args.hidden, 1 if n_classes == 2 else n_classes]
    try:
        model = MLP(2, sizes, activation=args.activation, seed=args.seed)
    except ValueError as error:  # e.g. more parameters than the library builds
        raise CLIError(str(error)) from None
    if args.lr is not None:
        lr = args.lr
    else:  # smaller batches give noisier gradients: scale the default by sqrt(batch / samples)
        default_lr = OPTIMIZERS[args.optimizer][1]
        lr = default_lr * math.sqrt(min(args.batch_size or len(X), len(X)) / len(X))
    optimizer = make_optimizer(args.optimizer, model.parameters(), lr=lr)
    steps_per_epoch = -(-len(X) // (args.batch_size or len(X)))
    total_steps = args.epochs * steps_per_epoch
    schedule = optim.linear_decay(lr, lr / 10, total_steps) if args.schedule == "linear" else None

    print(
        _(
            "{dataset}: {points} points, {classes} classes | MLP(2, {sizes}), "
            "{parameters} parameters | {loss} loss + L2 {alpha:g} | "
            "{optimizer}, lr {lr:g} ({schedule}) | {epochs} epochs, "
            "{steps} step(s) each | estimated {estimate}"
        ).format(
            dataset=args.dataset,
            points=len(X),
            classes=n_classes,
            sizes=sizes,
            parameters=len(model.parameters()),
            loss=loss,
            alpha=args.alpha,
            optimizer=args.optimizer,
            lr=lr,
            schedule=args.schedule,
            epochs=args.epochs,
            steps=steps_per_epoch,
            estimate=budget.readable_time(seconds_estimate),
        )
    )
    report = EpochReport(
        args.epochs, _("epoch {epoch:4d}  loss {loss:.4g}  accuracy {accuracy:6.1%}")
    )

    started = time.perf_counter()
    try:
        history = fit(
            model,
            X,
            y,
            loss=loss,
            optimizer=optimizer,
            lr_schedule=schedule,
            epochs=args.epochs,
            batch_size=args.batch_size,
            alpha=args.alpha,
            callbacks=[report],
            progress=args.progress,
            seed=args.seed,
        )
        seconds = time.perf_counter() - started
        final_accuracy, pictures = _evaluate_and_plot(model, X, y, history, loss, sizes, args)
    except (ArithmeticError, ValueError) as error:
        # The numbers grew past what a float holds (the engine refuses inf and NaN).
        if isinstance(error, ValueError) and "NaN" not in str(error):
            raise CLIError(one_line(error)) from None
        raise CLIError(_diverged(args, lr, report.under_way, error)) from None
    print(
        _(
            "done in {seconds:.2f} s ({ms:.1f} ms per step): training accuracy {accuracy:.1%}"
        ).format(
            seconds=seconds, ms=1000 * seconds / max(1, history.steps), accuracy=final_accuracy
        )
    )
    summary = {
        "dataset": args.dataset,
        "samples": len(X),
        "classes": n_classes,
        "architecture": {"nin": 2, "sizes": sizes, "activation": args.activation},
        "parameters": len(model.parameters()),
        "loss": loss,
        "alpha": args.alpha,
        "optimizer": args.optimizer,
        "lr": lr,
        "schedule": args.schedule,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "steps": history.steps,
        "seed": args.seed,
        "final_loss": history.loss[-1],
        "final_accuracy": final_accuracy,
        "seconds": round(seconds, 3),
        "history": history.as_dict(),
    }
    _write_results(args.out, pictures, summary, model)
    return 0


def _diverged(args: argparse.Namespace, lr: float, epoch: int, error: BaseException) -> str:
    """One line: training diverged, when, why in short, and what to try."""
    smaller = min(lr / 10, OPTIMIZERS[args.optimizer][1])  # not 1e299 after --lr 1e300
    advice = [f"a smaller learning rate (e.g. --lr {smaller:g})"]
    if args.alpha >= 1:
        advice.append(f"a smaller --alpha (it is {args.alpha:g})")
    if args.noise is not None and args.noise > 10:
        advice.append(f"less --noise (it is {args.noise:g})")
    return (
        f"training diverged at epoch {epoch} of {args.epochs}: the numbers grew too large "
        f"for a float ({type(error).__name__}: {one_line(error, 80)}); "
        f"try {' or '.join(advice)}; nothing was written"
    )


def _evaluate_and_plot(model, X, y, history, loss: str, sizes: list[int], args):
    """The final accuracy and the two figures (made before any file is written)."""
    from micrograd import plots
    from micrograd.train import accuracy

    final_accuracy = accuracy(model, X, y)
    with figure_language():  # the titles in the language the plots can draw
        title = _("{dataset}, MLP(2, {sizes}): training accuracy {accuracy:.0%}").format(
            dataset=args.dataset, sizes=sizes, accuracy=final_accuracy
        )
        pictures = {
            "decision_boundary": plots.plot_decision_boundary(model, X, y, title=title),
            "loss_curve": plots.plot_history(
                history,
                title=_("{loss} loss, {optimizer}").format(loss=loss, optimizer=args.optimizer),
            ),
        }
    return final_accuracy, pictures


def _write_results(out: str, pictures: dict, summary: dict, model) -> None:
    """Write the figures, summary.json and model.json into ``out``, each atomically; say so.

    The folder is made only now, so a run that fails leaves no empty folder behind.
    """
    from micrograd._files import atomic_path, atomic_write

    made = not os.path.isdir(out)
    written: dict[str, str] = {}
    try:
        os.makedirs(out, exist_ok=True)
        for name, figure in pictures.items():
            written[name] = os.path.join(out, f"{name}.png")
            with atomic_path(written[name]) as tmp:  # tmp ends in .tmp: name the format
                figure.savefig(tmp, dpi=120, format="png")
        written["summary"] = os.path.join(out, "summary.json")
        atomic_write(written["summary"], json.dumps(summary, indent=1, allow_nan=False) + "\n")
        written["model"] = os.path.join(out, "model.json")
        with atomic_path(written["model"]) as tmp:
            model.save(tmp)  # load it again with MLP.load(path)
    except (OSError, ValueError) as error:  # ValueError: a model the library cannot save
        if made and os.path.isdir(out) and not os.listdir(out):
            os.rmdir(out)
        where = shorten(list(written.values())[-1] if written else out, 200)  # not the temporary
        reason = getattr(error, "strerror", None) or error
        raise CLIError(f"cannot write {where}: {reason}") from None
    for name, path in written.items():
        print(_("wrote {name}: {path}").format(name=name, path=path))
