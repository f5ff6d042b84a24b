"""Pictures of training: decision boundaries, loss curves and optimizers at work.

Every function returns a :class:`matplotlib.figure.Figure` and never calls ``plt.show()``.
The figures are made without ``pyplot``, so importing this module never picks or changes
a matplotlib backend: in Jupyter the returned figure displays itself (once, as a PNG), in
a script save it with ``fig.savefig("boundary.png")``. Pass ``ax=`` to draw into an axes of your
own figure instead.

>>> from micrograd.plots import plot_ball_rolling
>>> fig = plot_ball_rolling(steps=20)
>>> fig.savefig("ball.png")                                         # doctest: +SKIP

The loss surfaces (:data:`SURFACES`) and the 1-D curve (:func:`double_well`) are written
with ``+ - * **`` only, so the same function takes micrograd Values (the optimizers get
their gradients from the engine's backward pass) and numpy arrays (for the contour lines).
"""

from __future__ import annotations

import functools
import io
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union

from micrograd.engine import Value
from micrograd.i18n import N_, _, figure_language

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "SURFACES",
    "Surface",
    "BoundarySnapshots",
    "ball_positions",
    "double_well",
    "local_minimum",
    "optimizer_path",
    "plot_ball_rolling",
    "plot_boundary_snapshots",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_digits",
    "plot_history",
    "plot_misclassified",
    "plot_optimizer_paths",
    "plot_weight_images",
    "ravine",
    "rosenbrock",
]

OptimizerSpec = Union[str, Callable[[list], Any]]  # noqa: UP007 - evaluated at runtime on 3.10

# One colour per optimizer (and per class), the same in every figure.
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"]


def _in_figure_language(draw: Callable[..., Figure]) -> Callable[..., Figure]:
    """Draw the figure's titles, labels and legends in the learner's language.

    That is ``MICROGRAD_LANG`` (or :func:`micrograd.i18n.override`) when an installed font can
    draw it, else English: never boxes for missing characters (see
    :func:`micrograd.i18n.figure_language`).
    """

    @functools.wraps(draw)
    def in_language(*args: Any, **kwargs: Any) -> Figure:
        with figure_language():
            return draw(*args, **kwargs)

    return in_language


def _figure_png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def _enable_jupyter_display() -> None:
    """Let IPython/Jupyter show our figures as images.

    A figure made without pyplot has no picture of itself for Jupyter (only the text
    ``<Figure size 500x450 with 1 Axes>``) until matplotlib's inline backend registers
    one, which happens only when pyplot is imported. So register a PNG formatter for
    figures if IPython is running and none is registered yet; outside IPython, do nothing.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return
    from matplotlib.figure import Figure

    png = shell.display_formatter.formatters["image/png"]
    try:
        png.lookup_by_type(Figure)  # the inline backend (or we) already did it
    except KeyError:
        png.for_type(Figure, _figure_png)


def _new_figure(width: float, height: float) -> Figure:
    """A figure that belongs to no pyplot backend, so it is shown exactly once in Jupyter."""
    from matplotlib.figure import Figure

    _enable_jupyter_display()
    return Figure(figsize=(width, height), layout="constrained")


def _axes_grid(n: int, ncols: int, width: float, height: float, extra_height: float = 0.0):
    """A new figure with ``n`` axes of ``width x height`` inches in rows of ``ncols``."""
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig = _new_figure(width * ncols, height * nrows + extra_height)
    axes = list(fig.subplots(nrows, ncols, squeeze=False).ravel())
    for unused in axes[n:]:
        fig.delaxes(unused)
    return fig, axes[:n]


def _new_axes(ax: Axes | None, ncols: int = 1, width: float = 5.0, height: float = 4.5):
    """Axes to draw into: the caller's, or a fresh figure (not registered with pyplot)."""
    if ax is not None:
        return ax.figure, [ax]
    return _axes_grid(ncols, ncols, width, height)


def _check_count(value: Any, name: str, least: int, where: str = "") -> None:
    """Refuse anything but a whole number >= ``least`` (True and 3.0 are not counts)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        prefix = f"{where}: " if where else ""
        raise ValueError(f"{prefix}{name} must be a whole number >= {least}, got {value!r}.")


# --------------------------------------------------------------------------------------
# Decision boundary
# --------------------------------------------------------------------------------------


def _check_points(X: Sequence[Sequence[float]], y: Sequence[int], where: str) -> list[int]:
    """Check the data; return the labels as class numbers (-1 of a -1/+1 label is class 0)."""
    if len(X) != len(y) or not X or any(len(p) != 2 for p in X):
        raise ValueError(
            f"{where} needs 2-D points X (each [x1, x2]) and one label per "
            f"point, got {len(X)} points and {len(y)} labels."
        )
    return [0 if t == -1 else int(t) for t in y]


def _grid(X: Sequence[Sequence[float]], resolution: int, padding: float, where: str):
    """A ``resolution x resolution`` grid of points covering the data, plus ``padding``."""
    import numpy as np

    _check_count(resolution, "resolution", 2, where)
    xs, ys = [p[0] for p in X], [p[1] for p in X]
    gx = np.linspace(min(xs) - padding, max(xs) + padding, resolution)
    gy = np.linspace(min(ys) - padding, max(ys) + padding, resolution)
    xx, yy = np.meshgrid(gx, gy)
    points = [[float(a), float(b)] for a, b in zip(xx.ravel(), yy.ravel())]
    return xx, yy, points


# How finely the class regions are drawn: the model's scores on the ``resolution`` grid are
# interpolated linearly to an image this many pixels wide and high, and each pixel gets the class
# with the largest interpolated score. Interpolating the *scores* (never the class numbers) keeps
# the picture honest: for a linear model the interpolation is exact, and a pixel can only show a
# class that wins there; interpolating labels would invent a class "1" between a 0 and a 2.
IMAGE_PIXELS = 400


def _upsample(values, xx, yy, pixels: int):
    """Linear interpolation of grid values (rows = y, columns = x) to ``pixels x pixels``."""
    import numpy as np

    gx, gy = xx[0, :], yy[:, 0]
    fx = np.linspace(gx[0], gx[-1], pixels)
    fy = np.linspace(gy[0], gy[-1], pixels)
    along_x = np.array([np.interp(fx, gx, row) for row in values])  # (len(gy), pixels)
    return np.array([np.interp(fy, gy, col) for col in along_x.T]).T  # (pixels, pixels)


def _class_image(grid_scores, xx, yy, pixels: int = IMAGE_PIXELS):
    """The predicted class at every pixel: score > 0 for one output, else the argmax."""
    import numpy as np

    scores = np.asarray(grid_scores, dtype=float)  # (points, outputs)
    outputs = scores.reshape(*xx.shape, scores.shape[1])
    fine = np.stack(
        [_upsample(outputs[:, :, k], xx, yy, pixels) for k in range(scores.shape[1])], axis=-1
    )
    if scores.shape[1] == 1:
        return (fine[:, :, 0] > 0).astype(int)
    return np.argmax(fine, axis=-1)


def _draw_boundary(axes, xx, yy, grid_scores, X, y, predicted, title, small=False) -> float:
    """Paint the class regions from the grid's scores and draw the data; return the accuracy."""
    import numpy as np
    from matplotlib.colors import BoundaryNorm, ListedColormap

    n_outputs = len(grid_scores[0])
    n_classes = max(max(y) + 1, n_outputs if n_outputs > 1 else 2)
    if n_classes <= len(COLORS):
        cmap = ListedColormap(COLORS[:n_classes])
    else:
        from matplotlib import colormaps

        cmap = colormaps["tab20"].resampled(n_classes)
    norm = BoundaryNorm(np.arange(n_classes + 1) - 0.5, n_classes)
    # The regions are an image of the predicted class, one colour per class, pixel by pixel
    # (nearest, never blended: a blend of two class colours would look like a third class).
    axes.imshow(
        _class_image(grid_scores, xx, yy),
        origin="lower",
        extent=(xx[0, 0], xx[0, -1], yy[0, 0], yy[-1, 0]),
        aspect="auto",
        interpolation="nearest",
        cmap=cmap,
        norm=norm,
        alpha=0.25,
        zorder=1,
    )
    xs, ys = [p[0] for p in X], [p[1] for p in X]
    size = 14 if small else 25
    axes.scatter(xs, ys, c=list(y), cmap=cmap, norm=norm, s=size, edgecolors="white", zorder=3)
    wrong = [i for i, (p, t) in enumerate(zip(predicted, y)) if p != t]
    if wrong:
        axes.scatter(
            [xs[i] for i in wrong],
            [ys[i] for i in wrong],
            s=3.5 * size,
            facecolors="none",
            edgecolors="black",
            linewidths=1.0 if small else 1.2,
            zorder=4,
            label=_("misclassified ({count})").format(count=len(wrong)),
        )
        if not small:
            axes.legend(loc="lower right", fontsize="small")
    accuracy = 1 - len(wrong) / len(y)
    if title is None:
        title = _("decision boundary (accuracy {accuracy:.0%})").format(accuracy=accuracy)
    axes.set_title(title)
    if small:
        axes.set_xticks([])
        axes.set_yticks([])
    else:
        axes.set_xlabel("$x_1$")
        axes.set_ylabel("$x_2$")
    axes.set_xlim(xx[0, 0], xx[0, -1])
    axes.set_ylim(yy[0, 0], yy[-1, 0])
    return accuracy


@_in_figure_language
def plot_decision_boundary(
    model: Callable[[list[float]], Any],
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    *,
    ax: Axes | None = None,
    resolution: int = 60,
    padding: float = 0.5,
    title: str | None = None,
) -> Figure:
    """The regions where a 2-D classifier predicts each class, with the data on top.

    The model is run on a ``resolution x resolution`` grid covering the data (plus
    ``padding``); one output is read as a score (class 1 where it is above 0), several
    outputs as one score per class (the largest wins). The regions are drawn as an image
    of the predicted class, :data:`IMAGE_PIXELS` pixels across, from the scores
    interpolated linearly between the grid points (exact for a linear model), so the
    boundaries are smooth lines, not staircases, and no class appears where it does not
    win. Points the model gets wrong are circled in black.

    >>> from micrograd.nn import MLP
    >>> fig = plot_decision_boundary(MLP(2, [4, 1], seed=0), [[0, 0], [1, 1]], [0, 1])
    """
    from micrograd.train import predict, scores

    where = "plot_decision_boundary"
    y = _check_points(X, y, where)
    xx, yy, grid = _grid(X, resolution, padding, where)
    fig, (axes,) = _new_axes(ax)
    _draw_boundary(axes, xx, yy, scores(model, grid), X, y, predict(model, X), title)
    return fig


class BoundarySnapshots:
    """A :func:`micrograd.train.fit` callback that records the decision boundary as it trains.

    Every ``every`` steps it runs the model on a grid over ``X`` (as
    :func:`plot_decision_boundary` does) and keeps the scores; call :meth:`record`
    yourself to add the untrained model first. :func:`plot_boundary_snapshots` draws them
    side by side::

        snapshots = BoundarySnapshots(X, every=25)
        snapshots.record(model)                       # step 0: before training
        fit(model, X, y, epochs=100, callbacks=[snapshots])
        fig = plot_boundary_snapshots(snapshots, y)
    """

    def __init__(
        self,
        X: Sequence[Sequence[float]],
        every: int = 10,
        *,
        resolution: int = 40,
        padding: float = 0.5,
    ) -> None:
        _check_count(every, "every", 1, "BoundarySnapshots")
        _check_points(X, [0] * len(X), "BoundarySnapshots")
        self.X = [list(p) for p in X]
        self.every = every
        self.xx, self.yy, self._grid = _grid(X, resolution, padding, "BoundarySnapshots")
        self.steps: list[int] = []  # updates made when each snapshot was taken
        self.grid_scores: list[list[list[float]]] = []  # the model's outputs on the grid
        self.predictions: list[list[int]] = []  # the predicted class of each sample in X

    def record(self, model: Callable[[list[float]], Any], steps_done: int = 0) -> None:
        """Take a snapshot of ``model`` now, labelled with the number of updates made."""
        from micrograd.train import predict, scores

        self.steps.append(steps_done)
        self.grid_scores.append(scores(model, self._grid))
        self.predictions.append(predict(model, self.X))

    def __call__(self, info: Any) -> None:
        done = info.step + 1  # the callback runs after the update of step info.step
        if done % self.every == 0:
            self.record(info.model, done)

    def __len__(self) -> int:
        return len(self.steps)


@_in_figure_language
def plot_boundary_snapshots(
    snapshots: BoundarySnapshots, y: Sequence[int], *, cols: int = 4
) -> Figure:
    """The decision boundary over training: one small panel per snapshot, in order."""
    if not len(snapshots):
        raise ValueError(
            "plot_boundary_snapshots: no snapshots yet; pass the BoundarySnapshots to "
            "fit(..., callbacks=[snapshots]) or call snapshots.record(model)."
        )
    y = _check_points(snapshots.X, y, "plot_boundary_snapshots")
    s = snapshots
    fig, grid_axes = _axes_grid(len(s), cols, 2.6, 2.6)
    for axes, step, grid_scores, predicted in zip(grid_axes, s.steps, s.grid_scores, s.predictions):
        accuracy = sum(p == t for p, t in zip(predicted, y)) / len(y)
        title = _("step {step}: {accuracy:.0%}").format(step=step, accuracy=accuracy)
        _draw_boundary(axes, s.xx, s.yy, grid_scores, s.X, y, predicted, title, small=True)
    return fig


# --------------------------------------------------------------------------------------
# Loss and accuracy curves
# --------------------------------------------------------------------------------------


def _series(history: Any, name: str) -> list[float]:
    if isinstance(history, Mapping):
        return list(history.get(name, []))
    return list(getattr(history, name, []))


@_in_figure_language
def plot_history(history: Any, *, title: str | None = None) -> Figure:
    """Loss (left) and accuracy (right) over the steps of a training run.

    ``history`` is a :class:`micrograd.train.History` or a dict with the same lists
    (``loss``, ``accuracy``, optionally ``epoch`` and ``epoch_loss``/``epoch_accuracy``).
    With several steps per epoch the per-step values are drawn thin and the epoch averages
    as dots at the last step of each epoch. Without accuracy, only the loss is drawn.
    """
    loss = _series(history, "loss")
    if not loss:
        raise ValueError("plot_history: the history has no loss values (was anything trained?).")
    acc = _series(history, "accuracy")
    epoch = _series(history, "epoch")
    fig, axes = _new_axes(None, ncols=2 if acc else 1, width=5.0, height=3.8)
    steps = list(range(len(loss)))
    # the last step of each epoch, where the epoch averages are drawn
    ends = [i for i in steps if i == len(epoch) - 1 or (epoch and epoch[i] != epoch[i + 1])]
    per_epoch = bool(epoch) and len(ends) < len(steps)
    panels = [(loss, "epoch_loss", N_("loss"), _("loss: {first:.4g} \u2192 {last:.4g}"))]
    if acc:
        heading = _("accuracy: {first:.0%} \u2192 {last:.0%}")
        panels.append((acc, "epoch_accuracy", N_("accuracy"), heading))
        axes[1].set_ylim(-0.02, 1.02)
        axes[1].yaxis.set_major_formatter(lambda v, _position: f"{v:.0%}")
    for axes_, (values, epoch_name, name, heading) in zip(axes, panels):
        width = 1.0 if per_epoch else 1.8
        axes_.plot(steps, values, color=COLORS[0], lw=width, label=_("per step"))
        epoch_values = _series(history, epoch_name)
        if per_epoch and len(epoch_values) == len(ends):
            axes_.plot(ends, epoch_values, "o-", color=COLORS[1], ms=3, label=_("epoch average"))
            axes_.legend(fontsize="small")
        axes_.set_xlabel(_("step"))
        axes_.set_ylabel(_(name))
        axes_.set_title(heading.format(first=values[0], last=values[-1]))
        axes_.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig


# --------------------------------------------------------------------------------------
# Loss surfaces and optimizer paths
# --------------------------------------------------------------------------------------


def ravine(x, y):
    """A long narrow valley, 20 times more curved across than along: ``x**2 / 20 + y**2``.

    Minimum 0 at (0, 0). Plain gradient descent needs a learning rate below 1 to be stable
    across the valley (along ``y``), and at such a rate it moves slowly along it (along
    ``x``: at most 10 % of the way per step). Momentum, tuned for it, gets along faster
    without losing stability across; the adaptive methods (Adagrad, RMSprop, Adam) rescale
    each coordinate separately, which suits this valley because it lies along an axis.
    How fast each one is depends on its learning rate (notebook 4 compares each at the best
    rate of a small sweep).
    """
    return 0.05 * x**2 + y**2


def double_well(w):
    """A curve with a local minimum and a lower, global one: ``w**4/4 - w**2 + 0.3*w``.

    Local minimum near w = 1.33 (loss -0.59), a bump at w = 0.15, global minimum near
    w = -1.48 (loss -1.43). The picture in the course notes: a ball rolled from w = 2.5
    stops in the local dip unless it has momentum.
    """
    return 0.25 * w**4 - w**2 + 0.3 * w


def local_minimum(x, y):
    """The double well along x times a bowl along y: one local and one global minimum.

    ``double_well(x) + y**2``; local minimum near (1.33, 0), global near (-1.48, 0).
    """
    return double_well(x) + y**2


def rosenbrock(x, y):
    """Rosenbrock's banana valley ``(1 - x)**2 + 100 * (y - x**2)**2``; minimum 0 at (1, 1).

    Finding the valley is easy, following its curved floor is hard.
    """
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


@dataclass(frozen=True)
class Surface:
    """A 2-D loss surface with a view and a start point that make a good picture."""

    name: str
    f: Callable[[Any, Any], Any]
    start: tuple[float, float]
    minimum: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    #: learning rate for each optimizer name on this surface (found by trying)
    lr: dict[str, float] = field(default_factory=dict)
    log_levels: bool = False  # contour levels on a log scale (for steep valleys)
    steps: int = 100  # how many steps make a good picture
    #: the names of the two parameters, for the axes (e.g. ``("w", "b")`` for a line fit)
    axis_labels: tuple[str, str] = ("$w_1$", "$w_2$")

    def __call__(self, x, y):
        return self.f(x, y)


# The surfaces as a table; each lr was found by trying.
# fmt: off
SURFACES: dict[str, Surface] = {
    "ravine": Surface(
        "ravine", ravine, start=(-9.0, 1.5), minimum=(0.0, 0.0),
        xlim=(-10.0, 10.0), ylim=(-2.5, 2.5),
        lr=dict(sgd=0.9, momentum=0.1, nesterov=0.1, adagrad=1.5, rmsprop=0.1, adam=0.5),
    ),
    "local_minimum": Surface(
        "local_minimum", local_minimum, start=(2.5, 1.0), minimum=(-1.484, 0.0),
        xlim=(-2.5, 3.0), ylim=(-1.5, 1.5),
        lr=dict(sgd=0.02, momentum=0.02, nesterov=0.02, adagrad=0.5, rmsprop=0.05, adam=0.1),
    ),
    "rosenbrock": Surface(
        "rosenbrock", rosenbrock, start=(-1.2, 1.0), minimum=(1.0, 1.0),
        xlim=(-2.0, 2.0), ylim=(-1.0, 3.0),
        lr=dict(sgd=0.002, momentum=0.0005, nesterov=0.0005, adagrad=0.5, rmsprop=0.01, adam=0.1),
        log_levels=True, steps=500,
    ),
}
# fmt: on


def _get_surface(surface: str | Surface) -> Surface:
    if isinstance(surface, Surface):
        return surface
    if surface not in SURFACES:
        choices = ", ".join(repr(name) for name in SURFACES)
        raise ValueError(f"unknown surface {surface!r}; choose one of {choices} or a Surface.")
    return SURFACES[surface]


def _make(spec: OptimizerSpec, params: list[Value], lr: float | None):
    """An optimizer from a name (with ``lr``) or from a factory ``params -> optimizer``."""
    if isinstance(spec, str):
        from micrograd.train import make_optimizer

        return make_optimizer(spec, params, lr)
    if callable(spec):
        return spec(params)
    raise TypeError(
        f"an optimizer must be a name like 'adam' or a function params -> optimizer, "
        f"got {type(spec).__name__}: {spec!r}."
    )


def _descend(f: Callable, start: Sequence[float], optimizer: OptimizerSpec, lr, steps: int):
    """Minimise ``f(*params)`` from ``start`` with micrograd; the point after every step."""
    _check_count(steps, "steps", 0)
    params = [Value(float(s), label=f"p{i}") for i, s in enumerate(start)]
    opt = _make(optimizer, params, lr)
    path = [tuple(p.data for p in params)]
    for _step in range(steps):
        try:
            loss = f(*params)
            opt.zero_grad()
            loss.backward()
            opt.step()
        except (OverflowError, ZeroDivisionError):
            break  # diverged: the path ends where the numbers got too large
        point = tuple(p.data for p in params)
        if not all(math.isfinite(c) for c in point):
            break
        path.append(point)
    return path


def optimizer_path(
    surface: str | Surface,
    optimizer: OptimizerSpec,
    *,
    lr: float | None = None,
    start: tuple[float, float] | None = None,
    steps: int | None = None,
) -> list[tuple[float, float]]:
    """The points an optimizer visits on a 2-D surface: ``steps + 1`` points from the start.

    ``steps`` defaults to the surface's own (100; 500 for the slow Rosenbrock valley).

    ``optimizer`` is a name (``"sgd"``, ``"momentum"``, ``"adam"``, ...; its learning rate
    defaults to the surface's ``lr[name]``) or a function ``params -> optimizer``.
    The gradients come from micrograd's backward pass. If the optimizer diverges (the
    numbers overflow) the path stops early.

    >>> path = optimizer_path("ravine", "adam", steps=50)
    >>> len(path), path[0]
    (51, (-9.0, 1.5))
    """
    surface = _get_surface(surface)
    if lr is None and isinstance(optimizer, str):
        lr = surface.lr.get(optimizer)
    steps = surface.steps if steps is None else steps
    return _descend(surface.f, start or surface.start, optimizer, lr, steps)


def _settings_label(spec: OptimizerSpec, lr: float | None) -> str:
    """The settings that shape a path, for a legend: ``lr=0.5, β=0.9`` (β: the momentum)."""
    try:
        opt = _make(spec, [Value(0.0)], lr)
    except (TypeError, ValueError):
        return "" if lr is None else f"lr={lr:g}"
    parts = [f"lr={opt.lr:g}"]
    momentum = getattr(opt, "momentum", 0.0)
    betas = getattr(opt, "betas", None)
    if betas is not None:
        parts.append(f"β₁={betas[0]:g}, β₂={betas[1]:g}")
    elif momentum:
        parts.append(f"β={momentum:g}" + (", Nesterov" if getattr(opt, "nesterov", False) else ""))
    if getattr(opt, "alpha", None) is not None:
        parts.append(f"α={opt.alpha:g}")
    return ", ".join(parts)


def _named_specs(optimizers: Sequence[OptimizerSpec] | Mapping[str, OptimizerSpec]):
    if isinstance(optimizers, Mapping):
        return list(optimizers.items())
    if isinstance(optimizers, str):
        optimizers = [optimizers]
    return [
        (spec if isinstance(spec, str) else _("optimizer {number}").format(number=i), spec)
        for i, spec in enumerate(optimizers)
    ]


@_in_figure_language
def plot_optimizer_paths(
    surface: str | Surface = "ravine",
    optimizers: Sequence[OptimizerSpec] | Mapping[str, OptimizerSpec] = (
        "sgd",
        "momentum",
        "adam",
    ),
    *,
    steps: int | None = None,
    start: tuple[float, float] | None = None,
    lr: Mapping[str, float] | None = None,
    ax: Axes | None = None,
    levels: int = 30,
    separate: bool = False,
) -> Figure:
    """Several optimizers racing on one contour plot of a 2-D loss surface.

    ``surface`` is ``"ravine"``, ``"local_minimum"``, ``"rosenbrock"`` or a
    :class:`Surface`. ``optimizers`` is a list of names, or a dict label -> name or
    function ``params -> optimizer`` (e.g. ``{"SGD 0.1": lambda p: SGD(p, lr=0.1)}``).
    ``lr`` overrides the surface's learning rate per name; ``steps`` defaults to the
    surface's (100; 500 for Rosenbrock). Each path is one line with
    ``steps + 1`` points (fewer if it diverged) and a large dot where it ends; the legend
    gives each optimizer's settings (learning rate, momentum β, Adam's β₁ and β₂); the
    minimum is a star. Paths that overlap hide each other: ``separate=True`` draws one
    panel per optimizer instead (then ``ax`` cannot be given).
    """
    surface = _get_surface(surface)
    steps = surface.steps if steps is None else steps
    named = _named_specs(optimizers)
    if not named:
        raise ValueError("plot_optimizer_paths needs at least one optimizer, e.g. ['sgd', 'adam'].")
    if separate and ax is not None:
        raise ValueError("plot_optimizer_paths: separate=True draws its own panels; drop ax=.")
    runs = []
    for i, (label, spec) in enumerate(named):
        rate = None
        if isinstance(spec, str):  # the caller's rate for this label, else the surface's
            rate = (lr or {}).get(label)
            rate = surface.lr.get(spec) if rate is None else rate
        path = optimizer_path(surface, spec, lr=rate, start=start, steps=steps)
        settings = _settings_label(spec, rate)
        shown = f"{label} ({settings})" if settings else label
        if len(path) < steps + 1:
            shown += _(", diverged")
        runs.append((COLORS[i % len(COLORS)], shown, path))
    if separate:
        fig, panels = _axes_grid(len(runs), 3, 4.6, 3.9)
        for axes, run in zip(panels, runs):
            _paths_panel(axes, surface, [run], start, levels)
            axes.set_title(run[1], fontsize="medium")
        fig.suptitle(
            _("{surface}: {steps} steps, one panel per optimizer").format(
                surface=surface.name, steps=steps
            )
        )
        return fig
    fig, (axes,) = _new_axes(ax, width=7.5, height=5.0)
    _paths_panel(axes, surface, runs, start, levels)
    axes.set_title(_("{surface}: {steps} steps").format(surface=surface.name, steps=steps))
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1.0))
    return fig


def _paths_panel(axes, surface: Surface, runs, start, levels: int) -> None:
    """Contour lines of the surface, then each ``(colour, label, path)`` with an end dot."""
    import numpy as np

    gx = np.linspace(*surface.xlim, 200)
    gy = np.linspace(*surface.ylim, 200)
    xx, yy = np.meshgrid(gx, gy)
    zz = surface.f(xx, yy)
    if surface.log_levels:
        shifted = zz - zz.min() + 1e-3
        contour_levels = np.geomspace(shifted.min(), shifted.max(), levels)
        axes.contour(xx, yy, shifted, levels=contour_levels, cmap="viridis", linewidths=0.7)
    else:
        axes.contour(xx, yy, zz, levels=levels, cmap="viridis", linewidths=0.7)
    for color, label, path in runs:
        px, py = [p[0] for p in path], [p[1] for p in path]
        axes.plot(px, py, ".-", color=color, lw=1.3, ms=3, label=label)
    # end dots last, largest first, so that paths ending at the same point stay visible as rings
    for k, (color, _label, path) in enumerate(runs):
        axes.plot(*path[-1], "o", color=color, ms=13 - 2 * k, mec="black", zorder=5, label="_end")
    axes.plot(*surface.minimum, "*", color="gold", ms=16, mec="black", label=_("minimum"))
    axes.plot(*(start or surface.start), "o", color="black", ms=6, label=_("start"))
    axes.set_xlim(*surface.xlim)
    axes.set_ylim(*surface.ylim)
    axes.set_xlabel(surface.axis_labels[0])
    axes.set_ylabel(surface.axis_labels[1])


# --------------------------------------------------------------------------------------
# A ball rolling down a 1-D curve
# --------------------------------------------------------------------------------------


def ball_positions(
    optimizer: OptimizerSpec = "sgd",
    *,
    curve: Callable[[Any], Any] = double_well,
    start: float = 2.5,
    lr: float = 0.02,
    steps: int = 100,
) -> list[float]:
    """Where the "ball" (the one parameter ``w``) is after each step: ``steps + 1`` floats.

    >>> round(ball_positions("sgd")[-1], 2)        # stuck in the local minimum
    1.33
    >>> round(ball_positions("momentum", steps=300)[-1], 2)   # over the bump, to the global one
    -1.48
    """
    return [p[0] for p in _descend(curve, [start], optimizer, lr, steps)]


@_in_figure_language
def plot_ball_rolling(
    optimizers: Sequence[OptimizerSpec] | Mapping[str, OptimizerSpec] = ("sgd", "momentum"),
    *,
    curve: Callable[[Any], Any] = double_well,
    start: float = 2.5,
    lr: float = 0.02,
    steps: int = 100,
    frames: Sequence[int] | None = None,
    xlim: tuple[float, float] = (-2.2, 2.8),
) -> Figure:
    """SGD vs momentum as balls rolling down a curve with a local minimum.

    Without ``frames``: the curve with each optimizer's positions (faint early, solid
    late, a big ball at the end), and next to it the position ``w`` over the steps.
    With ``frames=[0, 10, 30, ...]``: one small panel per step, like a film strip,
    showing where each ball is at that step.

    Balls at the same place must not hide each other (at step 0 they all are): each
    optimizer's ball is smaller than the one before and drawn on top of it, so balls that
    coincide show as rings, and each line of the position panel has its own dash pattern.
    """
    import numpy as np

    named = _named_specs(optimizers)
    if not named:
        raise ValueError(
            "plot_ball_rolling needs at least one optimizer, e.g. ['sgd', 'momentum']."
        )
    paths = {
        label: ball_positions(spec, curve=curve, start=start, lr=lr, steps=steps)
        for label, spec in named
    }
    ws = np.linspace(*xlim, 300)
    loss = curve(ws)

    def ball(axes, i, w, label):  # the first ball is the largest; later ones sit on top as rings
        axes.plot([w], [float(curve(w))], "o", color=COLORS[i], ms=max(15 - 3.5 * i, 4),
                  mec="black", zorder=3 + i, label=label)  # fmt: skip

    def curve_on(axes):
        axes.plot(ws, loss, color="0.3", lw=1.5)
        axes.set_xlabel(_("parameter $w$"))
        axes.grid(alpha=0.3)

    if frames is not None:
        frames = list(frames)
        bad = [k for k in frames if not (isinstance(k, int) and 0 <= k <= steps)]
        if not frames or bad:
            raise ValueError(f"frames must be step numbers between 0 and {steps}, got {frames!r}.")
        fig, axes_list = _new_axes(None, ncols=len(frames), width=3.0, height=3.0)
        for axes, k in zip(axes_list, frames):
            curve_on(axes)
            for i, (label, path) in enumerate(paths.items()):
                ball(axes, i, path[min(k, len(path) - 1)], label)
            axes.set_title(_("step {step}").format(step=k))
        axes_list[0].set_ylabel(_("loss"))
        axes_list[0].legend(fontsize="small")
        return fig

    fig, (left, right) = _new_axes(None, ncols=2, width=5.0, height=4.0)
    curve_on(left)
    left.set_ylabel(_("loss"))
    for i, (label, path) in enumerate(paths.items()):
        color = COLORS[i]
        heights = [float(curve(w)) for w in path]
        alphas = np.linspace(0.15, 0.9, len(path))
        left.scatter(path, heights, color=color, alpha=alphas, s=14)
        ending = _("{optimizer}: ends at w = {w:.2f}").format(optimizer=label, w=path[-1])
        ball(left, i, path[-1], ending)
        right.plot(
            range(len(path)),
            path,
            color=color,
            lw=2.4 - 0.4 * min(i, 3),
            linestyle=["-", "--", ":", "-."][i % 4],
            label=label,
        )
    left.set_title(_("rolling from w = {start} (lr = {lr})").format(start=start, lr=lr))
    left.legend(fontsize="small")
    right.set_xlabel(_("step"))
    right.set_ylabel(_("position $w$"))
    right.set_title(_("position over the steps"))
    right.grid(alpha=0.3)
    right.legend(fontsize="small")
    return fig


# --------------------------------------------------------------------------------------
# Images: handwritten digits, what a classifier confuses, and weights drawn as pictures
# --------------------------------------------------------------------------------------


def _as_images(rows: Sequence[Sequence[float]], where: str, shape: tuple[int, int] = (8, 8)):
    """Flat rows of pixels (as load_digits gives them) as a numpy array of images."""
    import numpy as np

    size = shape[0] * shape[1]
    rows = [list(row) for row in rows]
    bad = next((i for i, row in enumerate(rows) if len(row) != size), None)
    if bad is not None:
        raise ValueError(
            f"{where}: image {bad} has {len(rows[bad])} pixels; each needs {size} "
            f"({shape[0]} rows of {shape[1]}), as micrograd.data.load_digits gives them."
        )
    return np.array(rows, dtype=float).reshape(len(rows), *shape)


def _image_grid(n: int, ncols: int, where: str, extra_height: float = 0.0):
    """A figure with ``n`` small, blank axes in rows of ``ncols`` (and the unused ones removed)."""
    _check_count(ncols, "ncols", 1, where)
    fig, axes = _axes_grid(n, ncols, 1.1, 1.1, 0.25 + extra_height)
    for a in axes:
        a.set_xticks([])
        a.set_yticks([])
    return fig, axes


@_in_figure_language
def plot_digits(
    X: Sequence[Sequence[float]],
    y: Sequence[int] | None = None,
    *,
    predicted: Sequence[int] | None = None,
    ncols: int = 10,
    max_images: int = 100,
    title: str | None = None,
) -> Figure:
    """Digits as images: 64 pixels each, drawn as 8 rows of 8 (dark = ink).

    ``X`` holds the images as :func:`micrograd.data.load_digits` gives them (raw 0..16 or
    scaled 0..1: each image is drawn on the scale of the data set, 0 to its largest pixel).
    With ``y`` each image is titled with its label; with ``predicted`` too, a title reads
    ``"3 (true 5)"``, in red where the two differ. At most ``max_images`` are drawn.

    >>> from micrograd.data import load_digits
    >>> X, y = load_digits()
    >>> fig = plot_digits(X[:20], y[:20])
    """
    where = "plot_digits"
    if not X:
        raise ValueError(f"{where}: no images to draw (X is empty).")
    _check_count(max_images, "max_images", 1, where)
    for name, labels in (("y", y), ("predicted", predicted)):
        if labels is not None and len(labels) != len(X):
            raise ValueError(
                f"{where}: {name} has {len(labels)} labels for {len(X)} images; give one per image."
            )
    if predicted is not None and y is None:
        raise ValueError(f"{where}: predicted needs the true labels y to compare with.")
    n = min(len(X), max_images)
    images = _as_images(X[:n], where)
    top = max(float(images.max()), 1e-12)
    fig, axes = _image_grid(n, ncols, where, extra_height=0.4 if title else 0.0)
    for i, a in enumerate(axes):
        a.imshow(images[i], cmap="gray_r", vmin=0.0, vmax=top, interpolation="nearest")
        if y is not None and predicted is not None:
            wrong = predicted[i] != y[i]
            a.set_title(
                _("{predicted} (true {true})").format(predicted=predicted[i], true=y[i]),
                fontsize=8,
                color="#d62728" if wrong else "black",
            )
        elif y is not None:
            a.set_title(str(y[i]), fontsize=9)
    if title:
        fig.suptitle(title)
    return fig


@_in_figure_language
def plot_misclassified(
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    predicted: Sequence[int],
    *,
    ncols: int = 10,
    max_images: int = 50,
    title: str | None = None,
) -> Figure:
    """The images a classifier got wrong, each titled ``"predicted (true t)"``.

    ``predicted`` is the model's class for each image in ``X`` (e.g.
    ``micrograd.train.predict(model, X_test)``). When nothing is wrong the figure says so.
    """
    where = "plot_misclassified"
    if len(X) != len(y) or len(X) != len(predicted) or not X:
        raise ValueError(
            f"{where} needs one label and one prediction per image, got {len(X)} images, "
            f"{len(y)} labels and {len(predicted)} predictions."
        )
    wrong = [i for i in range(len(X)) if predicted[i] != y[i]]
    heading = title or _("misclassified: {wrong} of {total}").format(wrong=len(wrong), total=len(X))
    if len(wrong) > max_images:
        heading += _(" (the first {shown} shown)").format(shown=max_images)
    if not wrong:
        fig = _new_figure(4.0, 1.2)
        axes = fig.subplots()
        axes.axis("off")
        message = _("no mistakes: all {total} right").format(total=len(X))
        axes.text(0.5, 0.5, message, ha="center", va="center")
        fig.suptitle(heading)
        return fig
    return plot_digits(
        [X[i] for i in wrong],
        [y[i] for i in wrong],
        predicted=[predicted[i] for i in wrong],
        ncols=ncols,
        max_images=max_images,
        title=heading,
    )


@_in_figure_language
def plot_confusion_matrix(
    y_true: Sequence[int],
    y_pred: Sequence[int],
    *,
    n_classes: int | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Which class the model says (columns) for each true class (rows), as counts.

    The diagonal holds the right answers; every other cell counts one kind of mistake, e.g.
    row 8, column 1: an 8 read as a 1. The matrix itself is
    :func:`micrograd.digits.confusion_matrix`.

    >>> fig = plot_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
    """
    import numpy as np

    from micrograd.digits import confusion_matrix

    matrix = confusion_matrix(y_true, y_pred, n_classes)
    k = len(matrix)
    counts = np.array(matrix)
    fig, (axes,) = _new_axes(ax, width=max(3.5, 0.45 * k + 1.5), height=max(3.2, 0.45 * k + 1.2))
    axes.imshow(counts, cmap="Blues", vmin=0)
    top = counts.max() or 1
    for r in range(k):
        for c in range(k):
            if counts[r, c]:
                white = counts[r, c] > top / 2  # readable on the dark cells
                axes.text(c, r, str(counts[r, c]), ha="center", va="center", fontsize=8,
                          color="white" if white else "black")  # fmt: skip
    axes.set_xticks(range(k))
    axes.set_yticks(range(k))
    axes.set_xlabel(_("predicted class"))
    axes.set_ylabel(_("true class"))
    right = int(np.trace(counts))
    total = int(counts.sum())
    default = _("{right} of {total} right ({accuracy:.1%})")
    axes.set_title(title or default.format(right=right, total=total, accuracy=right / total))
    return fig


@_in_figure_language
def plot_weight_images(
    model: Any,
    *,
    ncols: int = 8,
    shape: tuple[int, int] = (8, 8),
    title: str | None = None,
) -> Figure:
    """Each first-layer neuron's weights drawn as an image of its inputs' shape (8x8).

    A neuron of the first layer has one weight per pixel, so its weights form a picture of
    what it looks for: red where ink raises its sum, blue where ink lowers it (one colour scale,
    centred on 0, for all neurons, so strong and weak neurons compare). ``model`` is an
    :class:`micrograd.nn.MLP` whose inputs are the pixels.
    """
    where = "plot_weight_images"
    layers = getattr(model, "layers", None)
    if not layers:
        raise TypeError(f"{where} needs an MLP (with .layers), got {type(model).__name__}.")
    neurons = layers[0].neurons
    images = _as_images([[w.data for w in n.w] for n in neurons], where, shape)
    extent = max(float(abs(images).max()), 1e-12)
    fig, axes = _image_grid(len(neurons), ncols, where, extra_height=0.4)
    for i, a in enumerate(axes):
        a.imshow(images[i], cmap="RdBu_r", vmin=-extent, vmax=extent, interpolation="nearest")
        a.set_title(_("neuron {number}").format(number=i), fontsize=8)
    default = _("first-layer weights (colour scale \u00b1{extent:.2f})")
    fig.suptitle(title or default.format(extent=extent))
    return fig
