"""Reading handwritten digits with the scalar engine (``micrograd demo --dataset digits``).

The whole run, in the order a learner meets it in notebook 08:

1. load the 1,797 images of 8x8 pixels (:func:`micrograd.data.load_digits`), scaled to 0..1;
2. hold out a fifth of them as a **test set**, stratified so every digit has its share: the
   network never trains on them, so its accuracy there says how it does on digits it has never
   seen (its training accuracy says only how well it learned the ones it saw);
3. build ``MLP(64, [16, 10])``: 64 inputs (one per pixel), a hidden layer of 16 tanh neurons,
   10 outputs (one score per digit);
4. train with softmax cross-entropy and mini-batch Adam (batches of 32, 12 epochs, the
   learning rate falling linearly from 0.02 to 0.002);
5. measure training and test accuracy, and the :func:`confusion_matrix` of the test set.

>>> run = train_digits(hidden=[4], epochs=1, samples=200, progress=False)
>>> run.model.sizes, len(run.X_test), len(run.X_train)
([4, 10], 40, 160)
>>> 0.0 <= run.test_accuracy <= 1.0
True

**Initial weights.** :class:`micrograd.nn.MLP` draws weights uniform in [-1, 1], which suits
the course's 2-input networks. A neuron with 64 inputs would then start with sums of size 3 or
more: its tanh saturates and learning stalls. :func:`init_like_pytorch` rescales each layer's
weights to [-1/sqrt(n_in), 1/sqrt(n_in)], the default of PyTorch's ``nn.Linear``, so every
neuron starts with sums of size about 1 whatever its number of inputs.

Measured (notebook 08, the README): at least 95% test accuracy within 30 s on one core.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from micrograd import optim, train
from micrograd.data import load_digits, train_test_split
from micrograd.i18n import _, figure_language
from micrograd.nn import MLP

__all__ = [
    "DEFAULTS",
    "DigitsRun",
    "confusion_matrix",
    "init_like_pytorch",
    "run_demo",
    "train_digits",
]

#: The settings of the digits run (``micrograd demo --dataset digits`` and :func:`train_digits`),
#: chosen by measuring several seeds: each reached 95% test accuracy or more.
DEFAULTS: dict[str, Any] = {
    "hidden": [16],
    "activation": "tanh",
    "optimizer": "adam",
    "lr": 0.02,
    "schedule": "linear",  # falls linearly to a tenth of lr over the run
    "epochs": 12,
    "batch_size": 32,
    "alpha": 0.0,  # no L2 penalty: the test set, not a penalty, tells when to stop
    "test_size": 0.2,
}


def confusion_matrix(
    y_true: Sequence[int], y_pred: Sequence[int], n_classes: int | None = None
) -> list[list[int]]:
    """Counts of (true class, predicted class): ``matrix[t][p]`` samples of class t read as p.

    Rows are the true classes, columns the predictions (scikit-learn's convention), so the
    diagonal counts the right answers and each row adds up to the number of samples of
    that class. ``n_classes`` defaults to one more than the largest label seen.

    >>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
    [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    """
    where = "confusion_matrix"
    if len(y_true) != len(y_pred) or not y_true:
        raise ValueError(
            f"{where}: needs one prediction per label, got {len(y_true)} labels and "
            f"{len(y_pred)} predictions."
        )
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        bad = next(
            (t for t in labels if isinstance(t, bool) or not isinstance(t, int) or t < 0), None
        )
        if bad is not None:
            raise ValueError(f"{where}: {name} holds {bad!r}; labels are class numbers 0, 1, ...")
    k = max(max(y_true), max(y_pred)) + 1
    if n_classes is not None:
        if isinstance(n_classes, bool) or not isinstance(n_classes, int) or n_classes < k:
            raise ValueError(
                f"{where}: n_classes={n_classes!r}, but a label is {k - 1}; "
                f"n_classes must be a whole number >= {k}."
            )
        k = n_classes
    matrix = [[0] * k for _ in range(k)]
    for t, p in zip(y_true, y_pred):
        matrix[t][p] += 1
    return matrix


def init_like_pytorch(model: Any) -> Any:
    """Rescale each layer's weights from [-1, 1] to [-1/sqrt(n_in), 1/sqrt(n_in)]; return model.

    The same random draws, only smaller, so the seed still decides them. Biases stay 0.
    """
    for layer in model.layers:
        scale = 1.0 / math.sqrt(layer.nin)
        for neuron in layer.neurons:
            for w in neuron.w:
                w.data *= scale
    return model


@dataclass
class DigitsRun:
    """What :func:`train_digits` returns: the model, the split, and how it did."""

    model: Any
    history: Any  # micrograd.train.History
    X_train: list[list[float]]
    X_test: list[list[float]]
    y_train: list[int]
    y_test: list[int]
    train_accuracy: float
    test_accuracy: float
    test_predicted: list[int]  # the model's class for each test image
    seconds: float  # training time (wall clock), without loading and the final evaluation
    cpu_seconds: float  # the same span in CPU time of this process: what one core spent
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def confusion(self) -> list[list[int]]:
        """The test set's :func:`confusion_matrix` (10 x 10)."""
        return confusion_matrix(self.y_test, self.test_predicted, 10)

    @property
    def test_mistakes(self) -> int:
        return sum(p != t for p, t in zip(self.test_predicted, self.y_test))


def _subset(X: list, y: list, samples: int | None, seed: int) -> tuple[list, list]:
    """``samples`` images with every digit in proportion (all of them when None)."""
    if samples is None or samples == len(X):
        return X, y
    if isinstance(samples, bool) or not isinstance(samples, int) or not 50 <= samples <= len(X):
        raise ValueError(
            f"train_digits: samples must be a whole number from 50 to {len(X)} "
            f"(the images to use), got {samples!r}."
        )
    _, X_part, _, y_part = train_test_split(X, y, samples / len(X), seed=seed, stratify=y)
    return X_part, y_part


def estimate_seconds(
    hidden: Sequence[int],
    n_train: int,
    epochs: int,
    batch_size: int | None = DEFAULTS["batch_size"],
) -> float:
    """A rough training time of MLP(64, [*hidden, 10]), in seconds: the one estimate,
    :func:`micrograd.train.estimate_cost` (the cost of each parameter and neuron, measured)."""
    return train.estimate_cost(64, [*hidden, 10], n_train, epochs, batch_size)[0]


def train_digits(
    *,
    hidden: Sequence[int] = DEFAULTS["hidden"],
    activation: str = DEFAULTS["activation"],
    optimizer: str = DEFAULTS["optimizer"],
    lr: float | None = DEFAULTS["lr"],
    schedule: str = DEFAULTS["schedule"],
    epochs: int = DEFAULTS["epochs"],
    batch_size: int | None = DEFAULTS["batch_size"],
    alpha: float = DEFAULTS["alpha"],
    test_size: float = DEFAULTS["test_size"],
    samples: int | None = None,
    seed: int = 0,
    progress: bool = True,
    callbacks: Sequence[Callable[[Any], Any]] = (),
) -> DigitsRun:
    """Train an MLP on the digits and measure it on held-out test digits; see the module doc.

    ``hidden`` are the hidden layers' sizes, ``samples`` uses a stratified subset of that many
    images (all 1,797 by default), ``seed`` decides the split, the weights and the batches.
    ``lr=None`` takes the optimizer's default (:data:`micrograd.train.OPTIMIZERS`).
    Training errors (e.g. ``OverflowError`` when a learning rate is far too large) propagate.
    """
    if schedule not in ("linear", "constant"):
        raise ValueError(
            f"train_digits: schedule must be 'linear' or 'constant', got {schedule!r}."
        )
    X, y = load_digits(scale=True)
    X, y = _subset(X, y, samples, seed)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, seed=seed, stratify=y
    )
    model = init_like_pytorch(MLP(64, [*hidden, 10], activation=activation, seed=seed))
    opt = train.make_optimizer(optimizer, model.parameters(), lr=lr)
    steps = epochs * math.ceil(len(X_train) / (batch_size or len(X_train)))
    decay = optim.linear_decay(opt.lr, opt.lr / 10, steps) if schedule == "linear" else None
    started, started_cpu = time.perf_counter(), time.process_time()
    history = train.fit(
        model,
        X_train,
        y_train,
        loss="cross_entropy",
        optimizer=opt,
        lr_schedule=decay,
        epochs=epochs,
        batch_size=batch_size,
        alpha=alpha,
        callbacks=callbacks,
        progress=progress,
        seed=random.Random(seed),
    )
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - started_cpu
    test_predicted = train.predict(model, X_test)
    return DigitsRun(
        model=model,
        history=history,
        X_train=X_train,
        X_test=X_test,
        y_train=y_train,
        y_test=y_test,
        train_accuracy=train.accuracy(model, X_train, y_train),
        test_accuracy=sum(p == t for p, t in zip(test_predicted, y_test)) / len(y_test),
        test_predicted=test_predicted,
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        settings={
            "hidden": list(hidden),
            "activation": activation,
            "optimizer": optimizer,
            "lr": opt.lr if decay is None else decay(0),
            "schedule": schedule,
            "epochs": epochs,
            "batch_size": batch_size,
            "alpha": alpha,
            "test_size": test_size,
            "samples": len(X),
            "seed": seed,
        },
    )


# --------------------------------------------------------------------------------------
# The command line: micrograd demo --dataset digits
# --------------------------------------------------------------------------------------


def _settings_from(args: Any, parser_defaults: dict[str, Any], fail: Callable[[str], Exception]):
    """The run's settings: each demo option the user set, else the digits default.

    The demo's options default to the two-moons run (two hidden layers, SGD, 100 full-batch
    epochs); an option still at that default takes the digits setting instead.
    """

    def given(name: str) -> bool:
        return getattr(args, name) != parser_defaults.get(name)

    if args.noise is not None:
        raise fail("--noise does not apply to --dataset digits (the images are what they are)")
    if args.loss not in (None, "cross_entropy"):
        raise fail(
            f"--loss {args.loss} is for two classes; the digits have ten: "
            "leave --loss out (cross_entropy)"
        )
    options = ("hidden", "activation", "optimizer", "schedule", "epochs", "batch_size", "alpha")
    settings = {name: getattr(args, name) if given(name) else DEFAULTS[name] for name in options}
    if given("lr"):
        settings["lr"] = args.lr
    elif given("optimizer"):
        settings["lr"] = None  # that optimizer's own default
    else:
        settings["lr"] = DEFAULTS["lr"]
    settings["samples"] = args.samples if given("samples") else None
    if settings["samples"] is not None and not 50 <= settings["samples"] <= 1797:
        raise fail(f"--samples {settings['samples']}: the digits have 50 to 1797 images to use")
    return settings


def run_demo(args: Any, parser_defaults: dict[str, Any], fail: Callable[[str], Exception]) -> int:
    """``micrograd demo --dataset digits``: train, report test accuracy, write the pictures.

    ``args`` are the demo's parsed options, ``parser_defaults`` their defaults (to tell which
    ones the user set), ``fail(message)`` makes the command line's error (one line on stderr).
    Writes ``confusion_matrix.png``, ``misclassified.png``, ``loss_curve.png``,
    ``summary.json`` and ``model.json`` into ``--out``, each atomically, as the demo does.
    """
    from micrograd import plots  # the command line's own modules: only when it runs
    from micrograd.cli import EpochReport, budget
    from micrograd.cli.demo import _check_out, _write_results

    settings = _settings_from(args, parser_defaults, fail)
    n_images = settings["samples"] or 1797
    n_train = n_images - round(n_images * DEFAULTS["test_size"])  # as train_test_split counts
    size = argparse.Namespace(**{**vars(args), **settings, "samples": n_train})  # what budget reads
    estimate = budget.check(size, nin=64, nout=10)  # refuses a run far beyond a lesson's
    _check_out(args.out)

    sizes = [*settings["hidden"], 10]
    print(
        _(
            "digits: 8x8 images, 10 classes, {images} images "
            "({train} to train on, the rest held out to test) | MLP(64, {sizes}), "
            "{activation} | softmax cross-entropy | {optimizer}, "
            "lr {lr} ({schedule}) | {epochs} epochs of batches of "
            "{batch_size} | about {seconds} s"
        ).format(
            images=n_images,
            train=n_train,
            sizes=sizes,
            activation=settings["activation"],
            optimizer=settings["optimizer"],
            lr=settings["lr"] if settings["lr"] is not None else _("default"),
            schedule=settings["schedule"],
            epochs=settings["epochs"],
            batch_size=settings["batch_size"] or _("all"),
            seconds=max(1, round(estimate)),
        )
    )
    line = _("epoch {epoch:4d}  loss {loss:.4f}  training accuracy {accuracy:6.1%}")
    report = EpochReport(settings["epochs"], line)

    started = time.perf_counter()
    try:
        run = train_digits(
            **settings,
            seed=args.seed,
            progress=args.progress,
            callbacks=[report],
        )
    except ArithmeticError as error:
        raise fail(
            f"training diverged at epoch {report.under_way} ({type(error).__name__}: "
            f"{str(error).splitlines()[0] if str(error) else 'a number overflowed'}); "
            "try a smaller --lr"
        ) from None
    except ValueError as error:
        raise fail(str(error)) from None
    n_test = len(run.y_test)
    print(
        _(
            "done in {seconds:.2f} s ({cpu_seconds:.2f} s of CPU time, "
            "{ms:.1f} ms per step): training accuracy {train_accuracy:.1%}, "
            "test accuracy {test_accuracy:.1%} ({right} of {total} "
            "test digits it never trained on)"
        ).format(
            seconds=run.seconds,
            cpu_seconds=run.cpu_seconds,
            ms=1000 * run.seconds / max(1, run.history.steps),
            train_accuracy=run.train_accuracy,
            test_accuracy=run.test_accuracy,
            right=n_test - run.test_mistakes,
            total=n_test,
        )
    )

    with figure_language():  # the titles in the language the plots can draw
        confusion_title = _("test set: {right} of {total} right ({accuracy:.1%})").format(
            right=n_test - run.test_mistakes, total=n_test, accuracy=run.test_accuracy
        )
        figures = {
            "confusion_matrix": plots.plot_confusion_matrix(
                run.y_test, run.test_predicted, n_classes=10, title=confusion_title
            ),
            "misclassified": plots.plot_misclassified(run.X_test, run.y_test, run.test_predicted),
            "loss_curve": plots.plot_history(
                run.history, title=_("digits, MLP(64, {sizes})").format(sizes=sizes)
            ),
        }
    summary = {
        "dataset": "digits",
        "samples": run.settings["samples"],
        "train_samples": len(run.y_train),
        "test_samples": n_test,
        "classes": 10,
        "architecture": {"nin": 64, "sizes": sizes, "activation": settings["activation"]},
        "parameters": len(run.model.parameters()),
        "loss": "cross_entropy",
        **{
            k: run.settings[k]
            for k in ("alpha", "optimizer", "lr", "schedule", "epochs", "batch_size")
        },
        "steps": run.history.steps,
        "seed": args.seed,
        "final_loss": run.history.loss[-1],
        "final_accuracy": run.train_accuracy,
        "train_accuracy": run.train_accuracy,
        "test_accuracy": run.test_accuracy,
        "confusion_matrix": run.confusion,
        "seconds": round(run.seconds, 3),
        "cpu_seconds": round(run.cpu_seconds, 3),
        "total_seconds": round(time.perf_counter() - started, 3),
        "history": run.history.as_dict(),
    }
    _write_results(args.out, figures, summary, run.model)
    return 0
